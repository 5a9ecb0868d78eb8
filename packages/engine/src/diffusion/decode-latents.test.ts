import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_PACKAGE_DIR, maxAbsDiff } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import { decodeLatents, latentSize, runPixelDecoder } from "./decode-latents.ts";
import { floats, readDiffusionFixtures } from "./diffusion-fixtures.test-helper.ts";

const { tensors } = readDiffusionFixtures().pipelines.generate;
let pkg: LoadedPackage;

beforeAll(async () => {
  pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
});
afterAll(async () => {
  await pkg.dispose();
});

describe("decodeLatents", () => {
  it("unscales DiT latents and decodes them as PyTorch does", async () => {
    const pixels = await decodeLatents(pkg, floats(tensors.latents));
    expect(maxAbsDiff(pixels, floats(tensors.pixels))).toBeLessThan(1e-4);
    const unscaled = await runPixelDecoder(pkg, floats(tensors.unscaled_latents));
    expect(maxAbsDiff(unscaled, pixels)).toBeLessThan(1e-5);
  });

  it("refuses a latent of the wrong size", async () => {
    await expect(runPixelDecoder(pkg, new Float32Array(latentSize(pkg) + 1))).rejects.toMatchObject({
      code: "runtime",
      message: expect.stringContaining(`needs ${latentSize(pkg)} latent values`),
    });
  });
});
