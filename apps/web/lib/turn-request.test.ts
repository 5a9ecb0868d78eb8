import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.ts";
import { message } from "./test-fixtures.ts";
import { buildEditedMessageBody, buildSendBody, messageText } from "./turn-request.ts";

describe("buildSendBody", () => {
  it("sends images before the trimmed text, with the chosen route", () => {
    expect(
      buildSendBody(
        { text: "  What shapes?  ", imageIds: ["i1"], route: "understand", editImageId: null },
        "a1",
        {},
      ),
    ).toEqual({
      parent_id: "a1",
      content: [
        { type: "image", image_id: "i1" },
        { type: "text", text: "What shapes?" },
      ],
      route: "understand",
    });
  });

  it("forces the edit route when an image was picked with Edit this", () => {
    const body = buildSendBody(
      { text: "Make the circle green", imageIds: [], route: "auto", editImageId: "g1" },
      "a2",
      {
        steps: 10,
      },
    );
    expect(body).toMatchObject({ route: "edit", edit_image_id: "g1", settings: { steps: 10 } });
  });

  it("refuses an empty message with an input error", () => {
    const empty = () =>
      buildSendBody({ text: "  \n", imageIds: [], route: "auto", editImageId: null }, null, {});
    expect(empty).toThrow(ApiError);
    expect(empty).toThrow(/Write a message/);
  });
});

describe("buildEditedMessageBody", () => {
  it("makes a sibling: same parent, same images, new text", () => {
    const original = message({
      id: "u2",
      parent_id: "a1",
      content: [
        { type: "image", image_id: "i1" },
        { type: "text", text: "What shapes?" },
      ],
    });
    expect(buildEditedMessageBody(original, "What colours?", "auto", {})).toEqual({
      parent_id: "a1",
      content: [
        { type: "image", image_id: "i1" },
        { type: "text", text: "What colours?" },
      ],
      route: "auto",
    });
  });
});

describe("messageText", () => {
  it("joins the text parts and skips images", () => {
    const m = message({
      id: "m",
      content: [
        { type: "text", text: "a" },
        { type: "image", image_id: "i" },
        { type: "text", text: "b" },
      ],
    });
    expect(messageText(m)).toBe("a\n\nb");
  });
});
