// The bundled Shapes model, run through the engine on samples its training never saw
// (models/shapes/samples, written by `python -m unilip.train.samples`): it must answer questions,
// route requests by itself, and draw the colour it is asked for.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ChatMessage, loadEngine, SHAPES_MODEL_DIR, type UniLIPEngine } from "@unilip/engine";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Floors well under the measured eval figures (docs/shapes-eval.md), so the test catches a broken
// model or runtime, not sampling noise on a dozen samples.
const MIN_QA_ACCURACY = 0.6;
const MIN_ROUTE_ACCURACY = 0.8;
const MIN_COLOR_HITS = 3;

interface Samples {
  questions: { image: string; question: string; answer: string }[];
  routes: { image: string | null; text: string; route: "understand" | "generate" | "edit" }[];
  colors: { prompt: string; color: string; rgb: [number, number, number] }[];
  background: [number, number, number];
}

const samplesDir = join(SHAPES_MODEL_DIR, "samples");
const samples = JSON.parse(readFileSync(join(samplesDir, "samples.json"), "utf8")) as Samples;
const image = (name: string) => new Uint8Array(readFileSync(join(samplesDir, name)));

function userTurn(text: string, imageName: string | null): ChatMessage[] {
  const content: ChatMessage["content"] = imageName
    ? [
        { type: "image", image: image(imageName) },
        { type: "text", text },
      ]
    : text;
  return [{ role: "user", content }];
}

async function answer(engine: UniLIPEngine, messages: ChatMessage[]): Promise<string> {
  const stream = engine.streamText(messages, { maxNewTokens: 8 });
  for (;;) {
    const next = await stream.next();
    if (next.done) return next.value.text.trim();
  }
}

/** Share of pixels closest to `rgb` among the palette colours of the samples plus the background. */
async function colorShare(png: Uint8Array, rgb: number[], palette: number[][]): Promise<number> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let hits = 0;
  for (let i = 0; i < data.length; i += 3) {
    const px = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
    const distance = (c: number[]) => c.reduce((sum, v, k) => sum + (v - (px[k] ?? 0)) ** 2, 0);
    const nearest = palette.reduce((best, c) => (distance(c) < distance(best) ? c : best));
    if (nearest === rgb) hits += 1;
  }
  return hits / (data.length / 3);
}

describe("the bundled Shapes model", () => {
  let engine: UniLIPEngine;
  beforeAll(async () => {
    engine = await loadEngine(SHAPES_MODEL_DIR);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it("is trained to route and describes itself", () => {
    const info = engine.info();
    expect(info.modelTrainedToRoute).toBe(true);
    expect(info.capabilities).toEqual(expect.arrayContaining(["understand", "generate", "edit"]));
  });

  it("answers questions about images it has not seen", async () => {
    let right = 0;
    for (const q of samples.questions) {
      if ((await answer(engine, userTurn(q.question, q.image))) === q.answer) right += 1;
    }
    expect(right / samples.questions.length).toBeGreaterThanOrEqual(MIN_QA_ACCURACY);
  }, 120_000);

  it("routes draw, edit and question turns by itself", async () => {
    let right = 0;
    for (const r of samples.routes) {
      const decision = await engine.route(userTurn(r.text, r.image));
      expect(decision.source).toBe("model");
      if (decision.route === r.route) right += 1;
    }
    expect(right / samples.routes.length).toBeGreaterThanOrEqual(MIN_ROUTE_ACCURACY);
  }, 120_000);

  it("draws the colour it is asked for", async () => {
    const palette = [...samples.colors.map((c) => c.rgb), samples.background];
    let hits = 0;
    for (const [i, c] of samples.colors.entries()) {
      const result = await engine.generate(c.prompt, { seed: i, steps: 20 });
      const share = await colorShare(result.png, c.rgb, palette);
      const others = await Promise.all(
        samples.colors.filter((o) => o !== c).map((o) => colorShare(result.png, o.rgb, palette)),
      );
      if (share > 0.02 && others.every((o) => o < share)) hits += 1;
    }
    expect(hits).toBeGreaterThanOrEqual(MIN_COLOR_HITS);
  }, 120_000);
});
