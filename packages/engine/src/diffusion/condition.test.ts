import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeImages } from "../image/encode-images.ts";
import { FIXTURE_PACKAGE_DIR, maxAbsDiff } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import { buildCondition } from "./condition.ts";
import { floats, ints, readDiffusionFixtures } from "./diffusion-fixtures.test-helper.ts";

const fixtures = readDiffusionFixtures();
let pkg: LoadedPackage;

beforeAll(async () => {
  pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
});
afterAll(async () => {
  await pkg.dispose();
});

function userTexts(kind: "generate" | "edit", text: string): [string, string] {
  const { templates } = pkg.manifest;
  return kind === "generate"
    ? [templates.generate_null, templates.generate.replace("{prompt}", text)]
    : [templates.edit_null, templates.edit.replace("{instruction}", text)];
}

describe("buildCondition against PyTorch", () => {
  it("generate: mask and condition within 1e-4", async () => {
    const fixture = fixtures.pipelines.generate;
    const { condition, mask, imageMask } = await buildCondition(pkg, {
      userTexts: userTexts("generate", fixture.prompt ?? ""),
    });
    expect(Array.from(mask.data as BigInt64Array, Number)).toEqual(ints(fixture.tensors.attention_mask));
    expect(Array.from(imageMask.data as BigInt64Array, Number)).toEqual(ints(fixture.tensors.image_mask));
    expect(Array.from(imageMask.data as BigInt64Array, Number).every((v) => v === 0)).toBe(true);
    expect(condition.dims).toEqual(fixture.tensors.condition?.shape);
    expect(maxAbsDiff(condition.data as Float32Array, floats(fixture.tensors.condition))).toBeLessThan(1e-4);
  });

  it("edit: the source features enter the prompt and the hidden states (dual condition)", async () => {
    const fixture = fixtures.pipelines.edit;
    const encoded = await encodeImages(pkg, [floats(fixture.tensors.source_image)]);
    const { condition, imageMask } = await buildCondition(pkg, {
      userTexts: userTexts("edit", fixture.instruction ?? ""),
      image: { features: encoded.features.data as Float32Array, tokens: encoded.tokens.data as Float32Array },
    });
    expect(condition.dims).toEqual(fixture.tensors.condition?.shape);
    expect(maxAbsDiff(condition.data as Float32Array, floats(fixture.tensors.condition))).toBeLessThan(1e-4);
    const marked = Array.from(imageMask.data as BigInt64Array, Number);
    expect(marked).toEqual(ints(fixture.tensors.image_mask));
    // Each half marks exactly one image's worth of cells.
    const perHalf = marked.length / 2;
    for (const half of [marked.slice(0, perHalf), marked.slice(perHalf)]) {
      expect(half.reduce((a, b) => a + b, 0)).toBe(pkg.manifest.vision.tokens_per_image);
    }
  });

  it("refuses a prompt longer than the model's positions", async () => {
    const long = "word ".repeat(pkg.manifest.llm.max_position);
    await expect(buildCondition(pkg, { userTexts: userTexts("generate", long) })).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining(`the model allows ${pkg.manifest.llm.max_position}`),
    });
  });

  it("refuses image markers smuggled into a generate prompt", async () => {
    await expect(
      buildCondition(pkg, { userTexts: userTexts("generate", `a cat ${pkg.manifest.templates.image}`) }),
    ).rejects.toMatchObject({ code: "invalid_argument" });
  });
});
