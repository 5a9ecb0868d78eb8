import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadEngine } from "./engine.ts";
import { EngineError } from "./errors.ts";
import { encodePng } from "./image/encode-png.ts";
import { DEFAULT_MODEL_DIR, SHAPES_MODEL_DIR, TINY_RANDOM_MODEL_DIR } from "./model-dir.ts";
import { FIXTURE_PACKAGE_DIR } from "./package/fixture-package.test-helper.ts";
import type { TextOutcome } from "./text/generate-text.ts";
import type { ChatMessage, TextChunk, TextResult, UniLIPEngine } from "./types.ts";

const question: ChatMessage[] = [{ role: "user", content: "How many shapes are there?" }];

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

async function drain(generator: AsyncGenerator<TextChunk, TextResult>): Promise<TextResult> {
  let step = await generator.next();
  while (step.done !== true) step = await generator.next();
  return step.value;
}

describe("loadEngine on the tiny package", () => {
  let engine: UniLIPEngine;
  let image: Uint8Array;
  beforeAll(async () => {
    engine = await loadEngine(FIXTURE_PACKAGE_DIR);
    const size = engine.info().imageSize;
    image = await encodePng(new Float32Array(3 * size * size).fill(0.4), size);
  });
  afterAll(() => engine.dispose());

  it("describes the model from its manifest", () => {
    const info = engine.info();
    expect(info.capabilities).toEqual(["understand", "generate", "edit"]);
    expect(info.inputModalities).toEqual(["text", "image"]);
    expect(info.outputModalities).toEqual(["text", "image"]);
    expect(info.modelTrainedToRoute).toBe(false); // random weights: the package routes zero-shot
    expect(info.memoryBytes).toBeGreaterThan(0);
    expect(info.defaults).toMatchObject({ sampler: "dpm-solver++2m", steps: 20, guidance: 4.5 });
  });

  it("streams text and reports token counts", async () => {
    const result = await drain(engine.streamText(question, { maxNewTokens: 3 }));
    expect(result.promptTokens).toBeGreaterThan(0);
    expect(result.completionTokens).toBeLessThanOrEqual(3);
    expect(["stop", "length"]).toContain(result.finishReason);
  });

  it("decodes exactly maxNewTokens past the stop tokens when asked to ignore them", async () => {
    const result = await drain(engine.streamText(question, { maxNewTokens: 6, ignoreEos: true }));
    expect(result.completionTokens).toBe(6);
    expect(result.finishReason).toBe("length");
  });

  it("validates text options and messages with named fields", async () => {
    const bad = await failure(drain(engine.streamText(question, { temperature: 3 })));
    expect(bad.code).toBe("invalid_argument");
    expect(bad.message).toMatch(/temperature/);
    expect((await failure(drain(engine.streamText([])))).code).toBe("invalid_argument");
    const marker = await failure(drain(engine.streamText([{ role: "user", content: "see <image>" }])));
    expect(marker.message).toMatch(/reserved image marker/);
  });

  it("rejects a corrupt image in a conversation as invalid_image", async () => {
    const messages: ChatMessage[] = [
      { role: "user", content: [{ type: "image", image: Uint8Array.of(1, 2, 3) }] },
    ];
    expect((await failure(drain(engine.streamText(messages)))).code).toBe("invalid_image");
  });

  it("generates a PNG of the model's size, reproducibly for a seed", async () => {
    const a = await engine.generate("a red circle", { steps: 2, seed: 3 });
    const b = await engine.generate("a red circle", { steps: 2, seed: 3 });
    expect(a).toMatchObject({ width: engine.info().imageSize, seed: 3, steps: 2 });
    expect((await sharp(a.png).metadata()).format).toBe("png");
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
  });

  it("rejects empty prompts and out-of-range image options", async () => {
    expect((await failure(engine.generate("  "))).message).toMatch(/prompt: must not be empty/);
    expect((await failure(engine.generate("x", { steps: 0 }))).message).toMatch(/steps/);
    expect((await failure(engine.generate("x", { guidance: 1e6 }))).message).toMatch(/guidance/);
    expect((await failure(engine.edit(image, ""))).code).toBe("invalid_argument");
    const notBytes = "/etc/passwd" as unknown as Uint8Array;
    expect((await failure(engine.reconstruct(notBytes))).code).toBe("invalid_argument");
  });

  it("edits and reconstructs an image", async () => {
    const edited = await engine.edit(image, "make it green", { steps: 2, seed: 1 });
    expect(edited.width).toBe(engine.info().imageSize);
    const rebuilt = await engine.reconstruct(image);
    expect((await sharp(rebuilt.png).metadata()).width).toBe(engine.info().imageSize);
  });

  it("routes with an override", async () => {
    expect(await engine.route(question, { override: "generate" })).toEqual({
      route: "generate",
      source: "override",
    });
  });
});

describe("engine sessions and caches", () => {
  it("creates every ONNX session at load and none per request", async () => {
    const create = vi.spyOn(ort.InferenceSession, "create");
    const engine = await loadEngine(FIXTURE_PACKAGE_DIR);
    try {
      const sessions = create.mock.calls.length;
      const manifest = JSON.parse(readFileSync(join(FIXTURE_PACKAGE_DIR, "unilip.json"), "utf8"));
      expect(sessions).toBe(Object.keys(manifest.graphs).length);
      const size = engine.info().imageSize;
      const image = await encodePng(new Float32Array(3 * size * size).fill(0.7), size);
      const withImage: ChatMessage[] = [
        {
          role: "user",
          content: [
            { type: "image", image },
            { type: "text", text: "hi" },
          ],
        },
      ];
      await drain(engine.streamText(withImage, { maxNewTokens: 2 }));
      await engine.route(withImage);
      await engine.generate("a red circle", { steps: 1, seed: 0 });
      await engine.edit(image, "make it blue", { steps: 1, seed: 0 });
      await engine.reconstruct(image);
      expect(create.mock.calls.length).toBe(sessions);
    } finally {
      create.mockRestore();
      await engine.dispose();
    }
  });

  it("reuses the conversation's KV prefix on the next turn unless prefixCacheEntries is 0", async () => {
    const cachedTokens = async (engine: UniLIPEngine) => {
      const first = (await drain(engine.streamText(question, { maxNewTokens: 2 }))) as TextOutcome;
      const next: ChatMessage[] = [
        ...question,
        { role: "assistant", content: first.text },
        { role: "user", content: "And their colours?" },
      ];
      return ((await drain(engine.streamText(next, { maxNewTokens: 2 }))) as TextOutcome).cachedTokens;
    };
    const cached = await loadEngine(FIXTURE_PACKAGE_DIR);
    const cold = await loadEngine(FIXTURE_PACKAGE_DIR, { prefixCacheEntries: 0 });
    try {
      expect(await cachedTokens(cached)).toBeGreaterThan(0);
      expect(await cachedTokens(cold)).toBe(0);
    } finally {
      await Promise.all([cached.dispose(), cold.dispose()]);
    }
  });
});

describe("engine lifecycle", () => {
  it("refuses work after dispose", async () => {
    const engine = await loadEngine(FIXTURE_PACKAGE_DIR);
    await engine.dispose();
    await engine.dispose();
    const error = await failure(drain(engine.streamText(question)));
    expect(error.message).toMatch(/disposed/);
  });

  it("fails to load a folder that is not a package", async () => {
    expect((await failure(loadEngine("/nonexistent-unilip-package"))).code).toBe("invalid_package");
  });

  it("defaults to the Shapes model when built, else the tiny package", () => {
    expect([SHAPES_MODEL_DIR, TINY_RANDOM_MODEL_DIR]).toContain(DEFAULT_MODEL_DIR);
  });
});
