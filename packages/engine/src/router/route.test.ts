import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { encodePng } from "../image/encode-png.ts";
import { MAX_ROUTE_TOKENS } from "../limits.ts";
import { copyPackage, FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import type { ChatMessage, RouteDecision } from "../types.ts";
import { readAnswer, routeConversation } from "./route.ts";

// Random weights: these tests check the mechanics around the model's answer, never what it says.
const draw: ChatMessage[] = [{ role: "user", content: "Draw a green star." }];

async function withPackage<T>(dir: string, use: (pkg: LoadedPackage) => Promise<T>): Promise<T> {
  const pkg = await loadPackage(dir);
  try {
    return await use(pkg);
  } finally {
    await pkg.dispose();
  }
}

async function routeError(promise: Promise<RouteDecision>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe("routeConversation", () => {
  let pkg: LoadedPackage;
  let withImages: ChatMessage[];
  beforeAll(async () => {
    pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
    const size = pkg.manifest.image.size;
    const red = await encodePng(new Float32Array(3 * size * size).fill(0.5), size);
    const blue = await encodePng(new Float32Array(3 * size * size).fill(0.2), size);
    withImages = [
      {
        role: "user",
        content: [
          { type: "image", image: red },
          { type: "text", text: "Look." },
        ],
      },
      { role: "assistant", content: "I see it." },
      {
        role: "user",
        content: [
          { type: "image", image: blue },
          { type: "text", text: "Make it green." },
        ],
      },
    ];
  });
  afterAll(() => pkg.dispose());

  it("lets an override win, pointing edits at the latest image unless one is named", async () => {
    expect(await routeConversation(pkg, draw, { override: "understand" })).toEqual({
      route: "understand",
      source: "override",
    });
    expect(await routeConversation(pkg, withImages, { override: "edit" })).toEqual({
      route: "edit",
      source: "override",
      referenceImageIndex: 1,
    });
    expect(
      await routeConversation(pkg, withImages, { override: "edit", referenceImageIndex: 0 }),
    ).toMatchObject({
      referenceImageIndex: 0,
    });
  });

  it("rejects an edit override without an image and a reference index out of range", async () => {
    expect((await routeError(routeConversation(pkg, draw, { override: "edit" }))).code).toBe(
      "invalid_argument",
    );
    const error = await routeError(routeConversation(pkg, withImages, { referenceImageIndex: 2 }));
    expect(error.message).toMatch(/referenceImageIndex 2 is out of range/);
  });

  it("asks the model itself when the manifest says it was trained to route", async () => {
    const dir = copyPackage((m) => {
      m.routing = { mode: "image_start_token", answers: { generate: "<img>generate", edit: "<img>edit" } };
    });
    const decision = await withPackage(dir, (trained) => routeConversation(trained, withImages));
    expect(decision.source).toBe("model");
    expect(["understand", "generate", "edit"]).toContain(decision.route);
  });

  it("reads at most MAX_ROUTE_TOKENS tokens of the model's answer", async () => {
    let decoderCalls = 0;
    const recorded: LoadedPackage = {
      ...pkg,
      run: (graph, feeds) => {
        if (graph === "decoder") decoderCalls++;
        return pkg.run(graph, feeds);
      },
    };
    const unstoppable: LoadedPackage = {
      ...recorded,
      manifest: { ...pkg.manifest, generation: { ...pkg.manifest.generation, stop_token_ids: [] } },
    };
    await routeConversation(unstoppable, draw);
    // One prefill and a call per further token: the last token read is never fed back.
    expect(decoderCalls).toBe(MAX_ROUTE_TOKENS);
  });

  it("asks a classification question when the manifest says zero_shot", async () => {
    const dir = copyPackage((m) => {
      m.routing = { mode: "zero_shot" };
    });
    const decision = await withPackage(dir, (zeroShot) => routeConversation(zeroShot, draw));
    expect(decision.source).toBe("zero-shot");
  });

  it("turns the model's edit answer into generate when there is no image to edit", async () => {
    // Make the package's edit answer the start of what this model says here, so "edit" is decided.
    const first = (await readAnswer(pkg, draw, 4, undefined, undefined)).trimStart().slice(0, 1);
    expect(first).toHaveLength(1);
    const dir = copyPackage((m) => {
      m.routing = { mode: "image_start_token", answers: { generate: "\u0000unused", edit: first } };
    });
    const decision = await withPackage(dir, (claims) => routeConversation(claims, draw));
    expect(decision).toEqual({ route: "generate", source: "model" });
  });

  it("routes to understand when the package cannot make images", async () => {
    const first = (await readAnswer(pkg, draw, 4, undefined, undefined)).trimStart().slice(0, 1);
    const dir = copyPackage((m) => {
      m.routing = { mode: "image_start_token", answers: { generate: first, edit: "\u0000unused" } };
      delete (m.graphs as Record<string, unknown>).dit;
    });
    await withPackage(dir, async (textOnly) => {
      expect(await routeConversation(textOnly, draw)).toEqual({ route: "understand", source: "model" });
      expect((await routeError(routeConversation(textOnly, draw, { override: "generate" }))).code).toBe(
        "unsupported",
      );
    });
  });

  it("is cancelled by an aborted signal", async () => {
    const error = await routeError(routeConversation(pkg, draw, { signal: AbortSignal.abort() }));
    expect(error.code).toBe("cancelled");
  });
});
