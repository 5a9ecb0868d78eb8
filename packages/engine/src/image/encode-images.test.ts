import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENCODER_CACHE_ENTRIES } from "../limits.ts";
import {
  FIXTURE_PACKAGE_DIR,
  fixtureTensor,
  maxAbsDiff,
  readFixtures,
  type TensorEntry,
} from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { GraphName, LoadedPackage } from "../package/types.ts";
import { encodeImages } from "./encode-images.ts";

const golden = readFixtures().graphs.vision_encoder;

/** The two images of the vision_encoder fixture, float32 [3, S, S] each. */
function goldenImages(): [Float32Array, Float32Array] {
  if (golden === undefined) throw new Error("fixture lacks vision_encoder");
  const data = fixtureTensor(golden.inputs.pixel_values as TensorEntry).data as Float32Array;
  const half = data.length / 2;
  return [data.slice(0, half), data.slice(half)];
}

function goldenOutput(name: "image_features" | "image_tokens") {
  if (golden === undefined) throw new Error("fixture lacks vision_encoder");
  return fixtureTensor(golden.outputs[name] as TensorEntry);
}

describe("encodeImages", () => {
  let pkg: LoadedPackage;
  let runs: GraphName[];
  let counted: LoadedPackage;
  beforeAll(async () => {
    pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
    runs = [];
    // The same package, with every graph call recorded, to see which calls the cache saves.
    counted = {
      ...pkg,
      run: (graph, feeds) => {
        runs.push(graph);
        return pkg.run(graph, feeds);
      },
    };
  });
  afterAll(() => pkg.dispose());

  it("gives PyTorch's features per image, in order, and encodes each distinct image once", async () => {
    const [a, b] = goldenImages();
    const expected = goldenOutput("image_features");
    const encoded = await encodeImages(counted, [a, b, a]);
    expect(runs).toEqual(["vision_encoder"]);
    const perImage = expected.data.length / 2;
    const got = encoded.features.data as Float32Array;
    expect(encoded.features.dims).toEqual([3, ...expected.dims.slice(1)]);
    expect(maxAbsDiff(got.subarray(0, 2 * perImage), expected.data as Float32Array)).toBeLessThanOrEqual(
      1e-4,
    );
    expect(got.subarray(2 * perImage)).toEqual(got.subarray(0, perImage));

    const again = await encodeImages(counted, [b]);
    expect(runs).toEqual(["vision_encoder"]);
    expect(again.features.data).toEqual(got.subarray(perImage, 2 * perImage));
    expect(again.tokens.data).toEqual((encoded.tokens.data as Float32Array).subarray(perImage, 2 * perImage));
  });

  it("gives the LLM the tagged tokens of a model with cell tags, not the bare features", async () => {
    const expected = goldenOutput("image_tokens");
    const encoded = await encodeImages(pkg, goldenImages());
    const tokens = encoded.tokens.data as Float32Array;
    expect(maxAbsDiff(tokens, expected.data as Float32Array)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(tokens, encoded.features.data as Float32Array)).toBeGreaterThan(0.1);
  });

  it("keeps features for ENCODER_CACHE_ENTRIES images by default, fewer or none when asked", async () => {
    expect(pkg.encoderCacheEntries).toBe(ENCODER_CACHE_ENTRIES);
    const size = pkg.manifest.image.size;
    const image = (value: number) => new Float32Array(3 * size * size).fill(value);
    const encoderRuns = async (entries: number, images: Float32Array[]) => {
      const small = await loadPackage(FIXTURE_PACKAGE_DIR, { encoderCacheEntries: entries });
      const graphs: GraphName[] = [];
      const recorded: LoadedPackage = {
        ...small,
        run: (graph, feeds) => {
          graphs.push(graph);
          return small.run(graph, feeds);
        },
      };
      try {
        for (const pixels of images) await encodeImages(recorded, [pixels]);
      } finally {
        await small.dispose();
      }
      return graphs.length;
    };
    // One entry: b evicts a, so a is encoded again; a cache of two keeps both.
    expect(await encoderRuns(1, [image(0.1), image(0.2), image(0.1)])).toBe(3);
    expect(await encoderRuns(2, [image(0.1), image(0.2), image(0.1)])).toBe(2);
    expect(await encoderRuns(0, [image(0.1), image(0.1)])).toBe(2);
    await expect(loadPackage(FIXTURE_PACKAGE_DIR, { encoderCacheEntries: -1 })).rejects.toMatchObject({
      code: "invalid_argument",
    });
  });

  it("rejects images of the wrong size", async () => {
    await expect(encodeImages(pkg, [new Float32Array(5)])).rejects.toMatchObject({ code: "runtime" });
  });
});
