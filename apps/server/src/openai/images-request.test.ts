import { describe, expect, it } from "vitest";
import { MAX_PROMPT_CHARS, MAX_STEPS } from "../limits.ts";
import { makePng } from "../testing/png.ts";
import { parseWith } from "../validate.ts";
import { imageEditRequestSchema, imageGenerationRequestSchema } from "./images-request.ts";

const file = () => new File([makePng(2, 2)], "a.png", { type: "image/png" });

describe("imageGenerationRequestSchema", () => {
  it("defaults to b64_json and bounds the prompt, n and steps", () => {
    expect(parseWith(imageGenerationRequestSchema, { prompt: "a star" }).response_format).toBe("b64_json");
    const bad = [
      { prompt: "" },
      { prompt: "x".repeat(MAX_PROMPT_CHARS + 1) },
      { prompt: "a\u0000b" },
      { prompt: "a", n: 2 },
      { prompt: "a", steps: MAX_STEPS + 1 },
      { prompt: "a", response_format: "jpeg" },
    ];
    for (const body of bad) expect(() => parseWith(imageGenerationRequestSchema, body)).toThrow();
  });
});

describe("imageEditRequestSchema", () => {
  it("takes one image as `image` or `image[]` and coerces numeric fields", () => {
    const one = parseWith(imageEditRequestSchema, { prompt: "blue", image: file(), steps: "2", seed: "7" });
    expect(one.image).toBeInstanceOf(File);
    expect(one.steps).toBe(2);
    expect(one.seed).toBe(7);
    expect(parseWith(imageEditRequestSchema, { prompt: "blue", "image[]": [file()] }).image).toBeInstanceOf(
      File,
    );
  });

  it("refuses no image, two images, a text field for a file and non-numeric numbers", () => {
    expect(() => parseWith(imageEditRequestSchema, { prompt: "blue" })).toThrow(
      expect.objectContaining({ param: "image", message: expect.stringContaining("required") }),
    );
    expect(() => parseWith(imageEditRequestSchema, { prompt: "blue", image: [file(), file()] })).toThrow(
      expect.objectContaining({ param: "image" }),
    );
    expect(() => parseWith(imageEditRequestSchema, { prompt: "blue", image: "not a file" })).toThrow();
    expect(() => parseWith(imageEditRequestSchema, { prompt: "blue", image: file(), steps: "many" })).toThrow(
      expect.objectContaining({ param: "steps" }),
    );
  });
});
