import { describe, expect, it } from "vitest";
import {
  emptySettingsForm,
  MAX_GUIDANCE,
  MAX_SEED,
  MAX_STEPS,
  parseSettings,
  placeholdersFrom,
} from "./settings.ts";

describe("parseSettings", () => {
  it("leaves empty fields out so the model's defaults apply", () => {
    expect(parseSettings(emptySettingsForm)).toEqual({ ok: true, settings: {} });
  });

  it("converts filled fields to numbers", () => {
    const form = { ...emptySettingsForm, steps: "20", guidance: " 4.5 ", seed: "0", temperature: "0.7" };
    expect(parseSettings(form)).toEqual({
      ok: true,
      settings: { steps: 20, guidance: 4.5, seed: 0, temperature: 0.7 },
    });
  });

  it("enforces every limit with a message naming it", () => {
    const result = parseSettings({
      steps: String(MAX_STEPS + 1),
      guidance: String(MAX_GUIDANCE + 0.5),
      seed: String(MAX_SEED + 1),
      max_tokens: "2.5",
      temperature: "-1",
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        steps: `Steps must be at most ${MAX_STEPS}.`,
        guidance: `Guidance must be at most ${MAX_GUIDANCE}.`,
        seed: `Seed must be at most ${MAX_SEED}.`,
        max_tokens: "Max tokens must be a whole number.",
        temperature: "Temperature must be at least 0.",
      },
    });
  });

  it("accepts the limits themselves and refuses text", () => {
    expect(parseSettings({ ...emptySettingsForm, steps: "1", seed: String(MAX_SEED) }).ok).toBe(true);
    expect(parseSettings({ ...emptySettingsForm, steps: "many" })).toEqual({
      ok: false,
      errors: { steps: "Steps must be a number." },
    });
  });
});

describe("placeholdersFrom", () => {
  it("shows the served model's defaults, and the edit guidance only when it differs", () => {
    const defaults = { steps: 20, guidance: 3.5, edit_guidance: 3.5, max_new_tokens: 64 };
    expect(placeholdersFrom(defaults)).toEqual({ steps: "20", guidance: "3.5", max_tokens: "64" });
    expect(placeholdersFrom({ ...defaults, edit_guidance: 1.5 }).guidance).toBe("3.5, edits 1.5");
  });
});
