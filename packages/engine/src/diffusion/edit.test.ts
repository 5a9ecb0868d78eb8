import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../image/decode-image.ts";
import { encodePng } from "../image/encode-png.ts";
import { FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import { floats, psnr, readDiffusionFixtures, samplingCases } from "./diffusion-fixtures.test-helper.ts";
import { editImage } from "./edit.ts";

const fixtures = readDiffusionFixtures();
const cases = samplingCases(fixtures).filter(([, fixture]) => fixture.kind === "edit");
let pkg: LoadedPackage;
let size: number;
let source: Uint8Array;

beforeAll(async () => {
  pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
  size = pkg.manifest.image.size;
  source = await encodePng(floats(fixtures.pipelines.edit.tensors.source_image), size);
});
afterAll(async () => {
  await pkg.dispose();
});

async function solidMask(value: number): Promise<Uint8Array> {
  return encodePng(new Float32Array(3 * size * size).fill(value), size);
}

describe("editImage", () => {
  it.each(cases)("%s: matches the PyTorch edit from the same noise (PSNR >= 40 dB)", async (_, fixture) => {
    const { instruction, steps, guidance, sampler, seed, tensors } = fixture;
    const result = await editImage(
      pkg,
      source,
      instruction ?? "",
      { steps, guidance, sampler, seed },
      { noise: floats(tensors.noise) },
    );
    expect(result).toMatchObject({ steps, guidance, sampler, seed });
    expect(psnr(await decodeImage(result.png, size), floats(tensors.image))).toBeGreaterThanOrEqual(40);
  });

  it("keeps the source exactly under a black mask and equals the unmasked edit under a white one", async () => {
    const options = { steps: 2, seed: 5 };
    const sourcePixels = await decodeImage(source, size);
    const kept = await editImage(pkg, source, "make it green", { ...options, mask: await solidMask(0) });
    expect(await decodeImage(kept.png, size)).toEqual(sourcePixels);
    const free = await editImage(pkg, source, "make it green", { ...options, mask: await solidMask(1) });
    const plain = await editImage(pkg, source, "make it green", options);
    expect(Buffer.from(free.png).equals(Buffer.from(plain.png))).toBe(true);
  });

  it("refuses a corrupt source image before any model work", async () => {
    await expect(editImage(pkg, Uint8Array.of(1, 2, 3), "make it green", { steps: 1 })).rejects.toMatchObject(
      {
        code: "invalid_image",
      },
    );
  });
});
