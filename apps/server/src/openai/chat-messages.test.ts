import { describe, expect, it } from "vitest";
import { makePng, toDataUrl } from "../testing/png.ts";
import { toEngineMessages } from "./chat-messages.ts";

const red = makePng(4, 4, [255, 0, 0]);
const blue = makePng(4, 4, [0, 0, 255]);
const part = (bytes: Uint8Array) => ({ type: "image_url" as const, image_url: { url: toDataUrl(bytes) } });

describe("toEngineMessages", () => {
  it("keeps text as strings, maps developer to system, and numbers images in order", async () => {
    const converted = await toEngineMessages(
      [
        { role: "developer", content: [{ type: "text", text: "be brief" }] },
        { role: "user", content: [{ type: "text", text: "draw" }, part(red)] },
        { role: "assistant", content: null, images: [part(blue)] },
        { role: "user", content: "  make it green  " },
      ],
      { allowedHosts: [] },
    );
    expect(converted.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(converted.messages[0]?.content).toBe("be brief");
    expect(converted.messages[1]?.content).toEqual([
      { type: "text", text: "draw" },
      { type: "image", image: red },
    ]);
    expect(converted.messages[2]?.content).toEqual([{ type: "image", image: blue }]);
    expect(converted.images).toEqual([red, blue]);
    expect(converted.prompt).toBe("make it green");
  });

  it("names the offending part of a bad image", async () => {
    await expect(
      toEngineMessages(
        [{ role: "user", content: [{ type: "text", text: "x" }, part(new Uint8Array([1, 2, 3]))] }],
        {
          allowedHosts: [],
        },
      ),
    ).rejects.toMatchObject({
      status: 400,
      code: "invalid_image",
      param: "messages[0].content[1].image_url.url",
    });
  });
});
