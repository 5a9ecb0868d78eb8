import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../image/decode-image.ts";
import { encodePng } from "../image/encode-png.ts";
import { FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import { floats, psnr, readDiffusionFixtures } from "./diffusion-fixtures.test-helper.ts";
import { reconstructImage } from "./reconstruct.ts";

const { tensors } = readDiffusionFixtures().pipelines.reconstruct;
let pkg: LoadedPackage;

beforeAll(async () => {
  pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
});
afterAll(async () => {
  await pkg.dispose();
});

describe("reconstructImage", () => {
  it("matches the PyTorch reconstruction (PSNR >= 40 dB)", async () => {
    const size = pkg.manifest.image.size;
    const input = await encodePng(floats(tensors.pixel_values), size);
    const result = await reconstructImage(pkg, input);
    expect(result).toEqual({ png: expect.any(Uint8Array), width: size, height: size });
    expect(psnr(await decodeImage(result.png, size), floats(tensors.image))).toBeGreaterThanOrEqual(40);
  });

  it("reports a corrupt image as invalid_image", async () => {
    await expect(reconstructImage(pkg, new TextEncoder().encode("not an image"))).rejects.toMatchObject({
      code: "invalid_image",
    });
  });
});
