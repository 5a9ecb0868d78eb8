import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../image/decode-image.ts";
import { FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import { floats, psnr, readDiffusionFixtures, samplingCases } from "./diffusion-fixtures.test-helper.ts";
import { generateImage } from "./generate.ts";

const cases = samplingCases(readDiffusionFixtures()).filter(([, fixture]) => fixture.kind === "generate");
let pkg: LoadedPackage;

beforeAll(async () => {
  pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
});
afterAll(async () => {
  await pkg.dispose();
});

describe("generateImage", () => {
  it.each(cases)("%s: matches the PyTorch image from the same noise (PSNR >= 40 dB)", async (_, fixture) => {
    const { prompt, steps, guidance, sampler, seed, tensors } = fixture;
    const result = await generateImage(
      pkg,
      prompt ?? "",
      { steps, guidance, sampler, seed },
      { noise: floats(tensors.noise) },
    );
    expect(result).toMatchObject({ steps, guidance, sampler, seed, width: pkg.manifest.image.size });
    const pixels = await decodeImage(result.png, pkg.manifest.image.size);
    expect(psnr(pixels, floats(tensors.image))).toBeGreaterThanOrEqual(40);
  });

  it("is reproducible from the seed, and the seed changes the image", async () => {
    const options = { steps: 2, seed: 11 };
    const first = await generateImage(pkg, "a blue square", options);
    const again = await generateImage(pkg, "a blue square", options);
    const other = await generateImage(pkg, "a blue square", { ...options, seed: 12 });
    expect(Buffer.from(again.png).equals(Buffer.from(first.png))).toBe(true);
    expect(Buffer.from(other.png).equals(Buffer.from(first.png))).toBe(false);
  });

  it("fills in the package's sampler defaults and reports a fresh seed", async () => {
    const { sampler } = pkg.manifest;
    const result = await generateImage(pkg, "a star", { steps: 1 });
    expect(result).toMatchObject({ sampler: sampler.name, guidance: sampler.guidance, steps: 1 });
    expect(Number.isInteger(result.seed)).toBe(true);
  });

  it("refuses an injected noise of the wrong size", async () => {
    await expect(
      generateImage(pkg, "a star", { steps: 1 }, { noise: new Float32Array(3) }),
    ).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("initial noise"),
    });
  });
});
