import { describe, expect, it } from "vitest";
import { FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackageTokenizer } from "../package/package-tokenizer.ts";
import { TextStream } from "./text-stream.ts";

const tokenizer = await loadPackageTokenizer(FIXTURE_PACKAGE_DIR);

describe("TextStream", () => {
  it("emits whole characters only, and the pieces add up to the full decode", () => {
    const text = "unicode: héllo wörld 日本 🙂 done";
    const ids = tokenizer.encode(text);
    const stream = new TextStream(tokenizer);
    const pieces = ids.map((id) => stream.push(id));
    expect(pieces.join("")).toBe(text);
    expect(pieces.some((piece) => piece.includes("\uFFFD"))).toBe(false);
    // The emoji spans several byte tokens: the first of them completes no character.
    expect(pieces.filter((piece) => piece === "").length).toBeGreaterThan(0);
  });

  it("drops special tokens unless asked to keep them", () => {
    const ids = tokenizer.encode("<img>generate");
    const skip = new TextStream(tokenizer);
    const keep = new TextStream(tokenizer, true);
    expect(ids.map((id) => skip.push(id)).join("")).toBe("generate");
    expect(ids.map((id) => keep.push(id)).join("")).toBe("<img>generate");
  });
});
