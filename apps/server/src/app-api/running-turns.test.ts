import { describe, expect, it } from "vitest";
import { createRunningTurns } from "./running-turns.ts";

describe("createRunningTurns", () => {
  it("allows one turn per conversation, cancels it, and frees the slot on release", () => {
    const turns = createRunningTurns();
    const first = turns.claim("conv_a");
    expect(() => turns.claim("conv_a")).toThrow(
      expect.objectContaining({ status: 409, code: "turn_in_progress" }),
    );
    turns.claim("conv_b");
    expect(turns.cancel("conv_a")).toBe(true);
    expect(first.signal.aborted).toBe(true);
    turns.release("conv_a", first);
    expect(turns.cancel("conv_a")).toBe(false);
    expect(turns.claim("conv_a").signal.aborted).toBe(false);
  });

  it("ignores a release by a controller that no longer owns the slot", () => {
    const turns = createRunningTurns();
    const stale = new AbortController();
    const current = turns.claim("conv_a");
    turns.release("conv_a", stale);
    expect(turns.cancel("conv_a")).toBe(true);
    expect(current.signal.aborted).toBe(true);
  });
});
