import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { SINGLE_THREAD_MAX_BYTES } from "../limits.ts";
import { copyPackage, FIXTURE_PACKAGE_DIR } from "./fixture-package.test-helper.ts";
import { loadPackage, sessionThreads } from "./load-package.ts";
import type { LoadedPackage } from "./types.ts";

async function loadError(dir: string): Promise<EngineError> {
  const error = await loadPackage(dir).then(
    async (pkg) => {
      await pkg.dispose();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe("invalid_package");
  return error as EngineError;
}

describe("loadPackage", () => {
  let pkg: LoadedPackage;
  beforeAll(async () => {
    pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
  });
  afterAll(() => pkg.dispose());

  it("reads the manifest, queries, tokenizer and sizes", () => {
    const { manifest } = pkg;
    expect(manifest.format_version).toBe(2);
    expect(pkg.queries.dims).toEqual([manifest.queries.count, manifest.llm.hidden_size]);
    expect(pkg.memoryBytes).toBeGreaterThan(0);
    expect(pkg.tokenizer.encode("<|im_end|>")).toEqual([manifest.tokens.im_end]);
    expect(pkg.tokenizer.specialTokens).toContain("<IMG_CONTEXT>");
  });

  it("reads a manifest without `text` as text taken as typed", () => {
    expect(pkg.manifest.text).toEqual({ lowercase: false });
  });

  it("names a missing graph file", async () => {
    const dir = copyPackage();
    rmSync(join(dir, "graphs", "dit.onnx"));
    expect((await loadError(dir)).message).toMatch(/graphs\.dit\.file: file graphs\/dit\.onnx is missing/);
  });

  it("names a missing tokenizer file", async () => {
    const dir = copyPackage();
    rmSync(join(dir, "tokenizer.json"));
    expect((await loadError(dir)).message).toMatch(/tokenizer\.json/);
  });

  it("names each bad manifest field", async () => {
    const dir = copyPackage((m) => {
      (m.llm as Record<string, unknown>).hidden_size = -4;
      m.routing = { mode: "telepathy" };
      m.text = { lowercase: "yes" };
    });
    const { message } = await loadError(dir);
    expect(message).toMatch(/llm\.hidden_size/);
    expect(message).toMatch(/routing\.mode/);
    expect(message).toMatch(/text\.lowercase/);
  });

  it("rejects a token id outside the vocabulary", async () => {
    const dir = copyPackage((m) => {
      (m.tokens as Record<string, unknown>).img_context = 10_000_000;
    });
    expect((await loadError(dir)).message).toMatch(
      /tokens\.img_context: id 10000000 is outside the vocabulary/,
    );
  });

  it("names a graph whose ONNX names differ from the manifest", async () => {
    const dir = copyPackage((m) => {
      const connector = (m.graphs as Record<string, { inputs: { name: string }[] }>).connector;
      if (connector?.inputs[1] !== undefined) connector.inputs[1].name = "mask";
    });
    const { message } = await loadError(dir);
    expect(message).toMatch(/graphs\.connector/);
    expect(message).toMatch(/\[mask\] that the graph lacks/);
    expect(message).toMatch(/\[attention_mask\] that the manifest lacks/);
  });

  it("refuses files outside the package and manifests that are not JSON", async () => {
    const escaping = copyPackage((m) => {
      (m.queries as Record<string, unknown>).file = "../queries.npy";
    });
    expect((await loadError(escaping)).message).toMatch(/outside the package/);
    const broken = copyPackage();
    writeFileSync(join(broken, "unilip.json"), "{ not json");
    expect((await loadError(broken)).message).toMatch(/not valid JSON/);
  });

  it("asks for a re-export of a package in another format version", async () => {
    const dir = copyPackage((m) => {
      m.format_version = 1;
    });
    expect((await loadError(dir)).message).toMatch(/format_version: this engine reads format 2; re-export/);
  });

  it("rejects queries of the wrong shape", async () => {
    const dir = copyPackage((m) => {
      (m.queries as Record<string, unknown>).count = 3;
    });
    expect((await loadError(dir)).message).toMatch(/queries\.file: expected float32 \[3,/);
  });

  it("accepts a text-only package and reports the missing graphs as unsupported", async () => {
    const dir = copyPackage((m) => {
      const graphs = m.graphs as Record<string, unknown>;
      for (const name of [
        "vision_encoder",
        "connector",
        "dit_condition",
        "dit",
        "pixel_decoder",
        "latent_encoder",
      ])
        delete graphs[name];
    });
    const textOnly = await loadPackage(dir);
    try {
      await expect(textOnly.run("dit", {})).rejects.toMatchObject({ code: "unsupported" });
    } finally {
      await textOnly.dispose();
    }
  });
});

describe("sessionThreads", () => {
  it("runs a small package on one thread, leaves a large one to onnxruntime, and lets the caller decide", () => {
    expect(sessionThreads(undefined, SINGLE_THREAD_MAX_BYTES - 1)).toBe(1);
    expect(sessionThreads(undefined, SINGLE_THREAD_MAX_BYTES)).toBeUndefined();
    expect(sessionThreads(4, 1000)).toBe(4);
    expect(sessionThreads(2, SINGLE_THREAD_MAX_BYTES * 10)).toBe(2);
  });
});
