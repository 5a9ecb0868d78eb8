import { describe, expect, it } from "vitest";
import { browserStorage, readFlag, readItem, writeFlag, writeItem } from "./browser-storage.ts";
import { memoryStorage } from "./test-fixtures.ts";

const refusing = {
  getItem(): string | null {
    throw new DOMException("denied", "SecurityError");
  },
  setItem() {
    throw new DOMException("full", "QuotaExceededError");
  },
};

describe("browser storage", () => {
  it("reads back what was written", () => {
    const storage = memoryStorage();
    expect(readFlag(storage, "note")).toBe(false);
    expect(writeFlag(storage, "note")).toBe(true);
    expect(readFlag(storage, "note")).toBe(true);
    expect(readFlag(storage, "other")).toBe(false);
    expect(writeItem(storage, "text", "{}")).toBe(true);
    expect(readItem(storage, "text")).toBe("{}");
  });

  it("treats missing or refusing storage as empty", () => {
    expect(readFlag(null, "note")).toBe(false);
    expect(writeFlag(null, "note")).toBe(false);
    expect(readItem(refusing, "note")).toBeNull();
    expect(writeItem(refusing, "note", "1")).toBe(false);
  });

  it("finds no storage outside a browser", () => {
    expect(browserStorage()).toBeNull();
  });
});
