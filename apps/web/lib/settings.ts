// The settings panel's fields: text as typed, checked against named limits before a turn is sent. An
// empty field means "the model's default" and is left out of the request.
import { z } from "zod";
import type { ModelDefaults, TurnSettings } from "./api-types.ts";

export type SettingName = keyof TurnSettings & keyof typeof SETTING_LIMITS;

interface Limit {
  label: string;
  min: number;
  max: number;
  integer: boolean;
  /** What the bundled model uses when the field is empty (the placeholder until the server says). */
  placeholder: string;
}

/** Sampler steps past 100 only cost time; the reference uses 20. */
export const MAX_STEPS = 100;
/** Guidance past 20 saturates colours; the reference uses 4.5. */
export const MAX_GUIDANCE = 20;
/** Seeds are 32-bit unsigned, as the engine's RNG takes them. */
export const MAX_SEED = 2 ** 32 - 1;
/** New tokens per answer, as the server allows. */
export const MAX_TOKENS = 1024;
export const MAX_TEMPERATURE = 2;

export const SETTING_LIMITS = {
  steps: { label: "Steps", min: 1, max: MAX_STEPS, integer: true, placeholder: "20" },
  guidance: { label: "Guidance", min: 0, max: MAX_GUIDANCE, integer: false, placeholder: "1.5" },
  seed: { label: "Seed", min: 0, max: MAX_SEED, integer: true, placeholder: "random" },
  max_tokens: { label: "Max tokens", min: 1, max: MAX_TOKENS, integer: true, placeholder: "64" },
  temperature: { label: "Temperature", min: 0, max: MAX_TEMPERATURE, integer: false, placeholder: "0" },
} as const satisfies Record<string, Limit>;

export const SETTING_NAMES = Object.keys(SETTING_LIMITS) as SettingName[];

export type SettingPlaceholders = Partial<Record<SettingName, string>>;

/** Placeholders that show what an empty field means for the served model; one guidance field serves
 * drawing and editing, so both values show when the model edits with its own. */
export function placeholdersFrom(defaults: ModelDefaults): SettingPlaceholders {
  const { steps, guidance, edit_guidance, max_new_tokens } = defaults;
  return {
    steps: String(steps),
    guidance: guidance === edit_guidance ? String(guidance) : `${guidance}, edits ${edit_guidance}`,
    max_tokens: String(max_new_tokens),
  };
}

export type SettingsForm = Record<SettingName, string>;

export const emptySettingsForm: SettingsForm = {
  steps: "",
  guidance: "",
  seed: "",
  max_tokens: "",
  temperature: "",
};

function fieldSchema(limit: Limit) {
  const number = z.number({ error: `${limit.label} must be a number.` });
  const ranged = (limit.integer ? number.int(`${limit.label} must be a whole number.`) : number)
    .min(limit.min, `${limit.label} must be at least ${limit.min}.`)
    .max(limit.max, `${limit.label} must be at most ${limit.max}.`);
  return z
    .string()
    .trim()
    .transform((text) => (text === "" ? undefined : Number(text)))
    .pipe(ranged.optional());
}

export type SettingsResult =
  | { ok: true; settings: TurnSettings }
  | { ok: false; errors: Partial<Record<SettingName, string>> };

export function parseSettings(form: SettingsForm): SettingsResult {
  const settings: TurnSettings = {};
  const errors: Partial<Record<SettingName, string>> = {};
  for (const name of SETTING_NAMES) {
    const parsed = fieldSchema(SETTING_LIMITS[name]).safeParse(form[name]);
    if (!parsed.success)
      errors[name] = parsed.error.issues[0]?.message ?? `${SETTING_LIMITS[name].label} is invalid.`;
    else if (parsed.data !== undefined) settings[name] = parsed.data;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, settings };
}
