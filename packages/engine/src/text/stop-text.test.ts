import { describe, expect, it } from "vitest";
import { StopTextMatcher } from "./stop-text.ts";

describe("StopTextMatcher", () => {
  it("passes text through when no stop sequence is near", () => {
    const matcher = new StopTextMatcher(["END"]);
    expect(matcher.push("hello ")).toEqual({ text: "hello ", stopped: false });
  });

  it("holds back a possible start of a stop sequence until it is decided", () => {
    const matcher = new StopTextMatcher(["END"]);
    expect(matcher.push("a E")).toEqual({ text: "a ", stopped: false });
    expect(matcher.push("N")).toEqual({ text: "", stopped: false });
    expect(matcher.push("X")).toEqual({ text: "ENX", stopped: false });
  });

  it("stops at a sequence split over pieces, before the earliest match", () => {
    const matcher = new StopTextMatcher(["END", "\n\n"]);
    expect(matcher.push("one E")).toEqual({ text: "one ", stopped: false });
    expect(matcher.push("ND two")).toEqual({ text: "", stopped: true });
    const both = new StopTextMatcher(["b", "ab"]);
    expect(both.push("xab")).toEqual({ text: "x", stopped: true });
  });

  it("flushes held text when generation ends otherwise", () => {
    const matcher = new StopTextMatcher(["END"]);
    matcher.push("x EN");
    expect(matcher.flush()).toBe("EN");
    expect(matcher.flush()).toBe("");
  });

  it("with no stop sequences never holds anything", () => {
    expect(new StopTextMatcher([]).push("abc")).toEqual({ text: "abc", stopped: false });
  });
});
