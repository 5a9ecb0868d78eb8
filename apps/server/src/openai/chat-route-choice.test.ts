import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "./chat-request.ts";
import { chatRouteChoice } from "./chat-route-choice.ts";

const request = (extra: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({
  model: "m",
  messages: [{ role: "user", content: "draw a red circle" }],
  ...extra,
});

describe("chatRouteChoice", () => {
  it("is auto unless something forces a route", () => {
    expect(chatRouteChoice(request({}), undefined)).toBe("auto");
    expect(chatRouteChoice(request({ modalities: ["text", "image"] }), undefined)).toBe("auto");
  });

  it("follows modalities", () => {
    expect(chatRouteChoice(request({ modalities: ["image"] }), undefined)).toBe("image");
    expect(chatRouteChoice(request({ modalities: ["text"] }), undefined)).toBe("understand");
  });

  it("takes the body's unilip.route over the header", () => {
    expect(chatRouteChoice(request({}), "Generate")).toBe("generate");
    expect(chatRouteChoice(request({ unilip: { route: "edit" } }), "generate")).toBe("edit");
    expect(
      chatRouteChoice(request({ unilip: { route: "generate" }, modalities: ["image"] }), undefined),
    ).toBe("generate");
  });

  it("refuses an unknown header value and a route that contradicts modalities", () => {
    expect(() => chatRouteChoice(request({}), "paint")).toThrow(
      expect.objectContaining({ status: 400, param: "x-unilip-route" }),
    );
    expect(() => chatRouteChoice(request({ modalities: ["text"] }), "generate")).toThrow(
      expect.objectContaining({ status: 400, param: "modalities" }),
    );
    expect(() =>
      chatRouteChoice(request({ modalities: ["image"], unilip: { route: "understand" } }), undefined),
    ).toThrow(expect.objectContaining({ param: "modalities" }));
  });
});
