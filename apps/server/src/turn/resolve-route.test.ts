import { loadEngine, TINY_RANDOM_MODEL_DIR, type UniLIPEngine } from "@unilip/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePng } from "../testing/png.ts";
import { checkRouteChoice, resolveRoute } from "./resolve-route.ts";
import type { TurnInput } from "./types.ts";

let engine: UniLIPEngine;
beforeAll(async () => {
  engine = await loadEngine(TINY_RANDOM_MODEL_DIR);
}, 60_000);
afterAll(() => engine?.dispose());

const png = makePng(8, 8);
function input(route: TurnInput["route"], images: Uint8Array[] = []): TurnInput {
  const content =
    images.length > 0
      ? [
          ...images.map((image) => ({ type: "image" as const, image })),
          { type: "text" as const, text: "bluer" },
        ]
      : "bluer";
  return { messages: [{ role: "user", content }], images, prompt: "bluer", route, text: {}, image: {} };
}
const never = new AbortController().signal;

describe("resolveRoute", () => {
  it("takes a forced route as an override", async () => {
    expect(await resolveRoute(engine, input("understand"), never)).toMatchObject({
      route: "understand",
      source: "override",
    });
    expect(await resolveRoute(engine, input("edit", [png, png]), never)).toMatchObject({
      route: "edit",
      source: "override",
    });
  });

  it("never answers an image request with text, and draws when there is nothing to edit", async () => {
    const drawn = await resolveRoute(engine, input("image"), never);
    expect(drawn.route).toBe("generate");
    const withImage = await resolveRoute(engine, input("image", [png]), never);
    expect(["generate", "edit"]).toContain(withImage.route);
  });

  it("lets the model choose on auto, within the three routes", async () => {
    const decision = await resolveRoute(engine, input("auto"), never);
    expect(["understand", "generate"]).toContain(decision.route);
  });
});

describe("checkRouteChoice", () => {
  it("refuses an edit with nothing to edit and an image request without a prompt", () => {
    expect(() => checkRouteChoice("edit", 0, "bluer")).toThrow(
      expect.objectContaining({ code: "edit_without_image" }),
    );
    expect(() => checkRouteChoice("generate", 0, "  ")).toThrow(
      expect.objectContaining({ code: "empty_prompt" }),
    );
    expect(() => checkRouteChoice("understand", 0, "")).not.toThrow();
    expect(() => checkRouteChoice("edit", 1, "bluer")).not.toThrow();
  });
});
