import { describe, expect, it } from "vitest";
import { createChannel } from "./channel.ts";

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe("createChannel", () => {
  it("delivers values pushed before and after the reader starts, then ends on close", async () => {
    const channel = createChannel<number>();
    channel.push(1);
    const read = collect(channel);
    channel.push(2);
    await new Promise((resolve) => setImmediate(resolve));
    channel.push(3);
    channel.close();
    expect(await read).toEqual([1, 2, 3]);
  });

  it("ignores pushes after close", async () => {
    const channel = createChannel<string>();
    channel.push("a");
    channel.close();
    channel.push("b");
    expect(await collect(channel)).toEqual(["a"]);
  });
});
