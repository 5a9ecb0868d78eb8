import { describe, expect, it } from "vitest";
import { classificationMessages, lastUserText, routeFromClassWord, routeFromImageStart } from "./answers.ts";

const answers = { generate: "<img>generate", edit: "<img>edit" };

describe("routeFromImageStart", () => {
  it("reads the trained answers and treats anything else as text", () => {
    expect(routeFromImageStart("<img>generate", answers)).toBe("generate");
    expect(routeFromImageStart(" <img>edit more", answers)).toBe("edit");
    expect(routeFromImageStart("a red circle", answers)).toBe("understand");
    expect(routeFromImageStart("<img>", answers)).toBe("understand");
  });
});

describe("routeFromClassWord", () => {
  it("takes the first whole class word, case-insensitively", () => {
    expect(routeFromClassWord("Edit, not generate")).toBe("edit");
    expect(routeFromClassWord("generate")).toBe("generate");
    expect(routeFromClassWord("editing is fun")).toBeUndefined();
    expect(routeFromClassWord("")).toBeUndefined();
  });
});

describe("lastUserText", () => {
  it("finds the latest user turn and keeps only its text parts", () => {
    const image = new Uint8Array([1]);
    const text = lastUserText([
      { role: "user", content: "first" },
      {
        role: "user",
        content: [
          { type: "image", image },
          { type: "text", text: "make it" },
          { type: "text", text: "blue" },
        ],
      },
      { role: "assistant", content: "ok" },
    ]);
    expect(text).toBe("make it blue");
    expect(lastUserText([{ role: "system", content: "s" }])).toBeUndefined();
  });
});

describe("classificationMessages", () => {
  it("asks one user question that carries the request and whether an image is present", () => {
    const [question, ...rest] = classificationMessages("draw a cat", true);
    expect(rest).toEqual([]);
    expect(question?.role).toBe("user");
    expect(question?.content).toContain("Request: draw a cat");
    expect(question?.content).toContain("has attached a picture");
  });
});
