import { describe, expect, it } from "vitest";
import { DEFAULT_PYTHON } from "../bench/python-reference.ts";
import { expectPositionals, numberOption, parseCommand, requireOption, USAGE, UsageError } from "./usage.ts";

describe("USAGE", () => {
  it.each([
    ["chat", ["--max-tokens", "--temperature", "--route", "--out-dir", "/image PATH"]],
    ["edit", ["--mask"]],
    ["bench", ["--checkpoint", "--runs", "--steps", "--python", DEFAULT_PYTHON]],
    ["every command", ["--model", "--steps", "--guidance", "--seed", "--sampler", "--help"]],
  ])("names the options of %s", (_, flags) => {
    for (const flag of flags) expect(USAGE).toContain(flag);
  });
});

describe("parseCommand", () => {
  const options = { output: { type: "string", short: "o" }, steps: { type: "string" } } as const;

  it("parses options and positionals", () => {
    const { values, positionals } = parseCommand(["a cat", "-o", "out.png", "--steps", "4"], options);
    expect(positionals).toEqual(["a cat"]);
    expect(values).toEqual({ output: "out.png", steps: "4" });
  });

  it("turns unknown options and missing values into UsageError", () => {
    expect(() => parseCommand(["--bogus"], options)).toThrow(UsageError);
    expect(() => parseCommand(["--steps"], options)).toThrow(UsageError);
  });
});

describe("numberOption", () => {
  it("passes absent options through and parses numbers", () => {
    expect(numberOption(undefined, "--steps", true)).toBeUndefined();
    expect(numberOption("12", "--steps", true)).toBe(12);
    expect(numberOption("4.5", "--guidance", false)).toBe(4.5);
  });

  it("rejects what is not a number of the right kind, naming the flag", () => {
    for (const bad of ["", " ", "abc", "1e999", "NaN"]) {
      expect(() => numberOption(bad, "--guidance", false)).toThrow(/--guidance must be a number/);
    }
    expect(() => numberOption("2.5", "--steps", true)).toThrow(/--steps must be an integer/);
  });
});

describe("expectPositionals and requireOption", () => {
  it("checks the argument count and required options", () => {
    expect(expectPositionals(["a", "b"], ["in.png", "instruction"], "edit")).toEqual(["a", "b"]);
    expect(() => expectPositionals(["a"], ["in.png", "instruction"], "edit")).toThrow(
      "edit takes 2 argument(s): IN.PNG INSTRUCTION; got 1",
    );
    expect(requireOption("x.png", "-o OUT.png", "generate")).toBe("x.png");
    expect(() => requireOption(undefined, "-o OUT.png", "generate")).toThrow("generate needs -o OUT.png");
  });
});
