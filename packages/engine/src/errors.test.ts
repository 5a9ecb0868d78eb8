import { describe, expect, it } from "vitest";
import { EngineError } from "./errors.ts";

describe("EngineError", () => {
  it("keeps its code and cause", () => {
    const cause = new Error("inner");
    const err = new EngineError("invalid_image", "bad image", { cause });
    expect(err.code).toBe("invalid_image");
    expect(err.cause).toBe(cause);
    expect(err).toBeInstanceOf(Error);
  });
});
