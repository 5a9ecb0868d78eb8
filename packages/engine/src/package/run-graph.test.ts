import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import {
  FIXTURE_PACKAGE_DIR,
  type Fixtures,
  fixtureTensor,
  maxAbsDiff,
  readFixtures,
} from "./fixture-package.test-helper.ts";
import { loadPackage } from "./load-package.ts";
import type { GraphName, LoadedPackage } from "./types.ts";

const TOLERANCE = 1e-4;
const fixtures: Fixtures = readFixtures();

describe("graphs through run(), against PyTorch", () => {
  let pkg: LoadedPackage;
  beforeAll(async () => {
    pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
  });
  afterAll(() => pkg.dispose());

  it.each(Object.entries(fixtures.graphs))(
    "%s matches within 1e-4",
    async (_, { graph, inputs, outputs }) => {
      const feeds = Object.fromEntries(
        Object.entries(inputs).map(([name, entry]) => [name, fixtureTensor(entry)]),
      );
      const results = await pkg.run(graph as GraphName, feeds);
      for (const [name, entry] of Object.entries(outputs)) {
        const expected = fixtureTensor(entry);
        const actual = results[name];
        expect(actual?.dims, name).toEqual(expected.dims);
        expect(
          maxAbsDiff(actual?.data as Float32Array, expected.data as Float32Array),
          name,
        ).toBeLessThanOrEqual(TOLERANCE);
      }
    },
  );

  it("rejects missing and unexpected feeds before onnxruntime runs", async () => {
    const ids = new ort.Tensor("int64", BigInt64Array.of(1n), [1, 1]);
    await expect(pkg.run("embed_tokens", {})).rejects.toThrow(/missing \[input_ids\]/);
    await expect(pkg.run("embed_tokens", { input_ids: ids, extra: ids })).rejects.toThrow(
      /unexpected \[extra\]/,
    );
  });

  it("rejects a feed of the wrong dtype", async () => {
    const ids = new ort.Tensor("float32", Float32Array.of(1), [1, 1]);
    await expect(pkg.run("embed_tokens", { input_ids: ids })).rejects.toThrow(
      /input_ids must be int64, got float32/,
    );
  });

  it("reports the graph and input shapes when onnxruntime fails, keeping the cause", async () => {
    const size = pkg.manifest.image.size;
    const wrong = new ort.Tensor("float32", new Float32Array(3 * size * (size + 1)), [1, 3, size, size + 1]);
    const error = await pkg.run("vision_encoder", { pixel_values: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe("runtime");
    expect((error as EngineError).message).toContain(
      `vision_encoder failed on inputs pixel_values: float32[1,3,${size},${size + 1}]`,
    );
    expect((error as EngineError).cause).toBeInstanceOf(Error);
  });
});
