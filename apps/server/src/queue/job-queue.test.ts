import { describe, expect, it } from "vitest";
import { createJobQueue, QueueError } from "./job-queue.ts";

/** A job that finishes when `release()` is called and records when it started. */
function gate(log: string[], name: string) {
  let release = () => {};
  const job = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      log.push(name);
      release = () => resolve(name);
      signal.addEventListener("abort", () => reject(new Error(`${name} aborted`)));
    });
  return { job, release: () => release() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createJobQueue", () => {
  it("runs one job at a time, round-robin between owners, FIFO within an owner", async () => {
    const log: string[] = [];
    const queue = createJobQueue({ maxDepth: 10 });
    const a1 = gate(log, "a1");
    const jobs = [
      queue.enqueue("a", a1.job),
      queue.enqueue("a", async () => {
        log.push("a2");
        return "a2";
      }),
      queue.enqueue("a", async () => {
        log.push("a3");
        return "a3";
      }),
      queue.enqueue("b", async () => {
        log.push("b1");
        return "b1";
      }),
      queue.enqueue("c", async () => {
        log.push("c1");
        return "c1";
      }),
      queue.enqueue("b", async () => {
        log.push("b2");
        return "b2";
      }),
    ];
    await tick();
    expect(log).toEqual(["a1"]);
    expect(queue.waiting()).toBe(5);
    expect(queue.running()).toBe(true);
    a1.release();
    expect(await Promise.all(jobs)).toEqual(["a1", "a2", "a3", "b1", "c1", "b2"]);
    expect(log).toEqual(["a1", "a2", "b1", "c1", "a3", "b2"]);
    expect(queue.waiting()).toBe(0);
    expect(queue.running()).toBe(false);
  });

  it("throws QueueError('full') synchronously beyond maxDepth and reports depth changes", async () => {
    const depths: number[] = [];
    const queue = createJobQueue({ maxDepth: 2, onDepthChange: (n) => depths.push(n) });
    const first = gate([], "first");
    const running = queue.enqueue("a", first.job);
    const waiting = [queue.enqueue("a", async () => 1), queue.enqueue("b", async () => 2)];
    expect(() => queue.enqueue("c", async () => 3)).toThrow(
      expect.objectContaining({ name: "QueueError", code: "full" }),
    );
    first.release();
    await Promise.all([running, ...waiting]);
    expect(depths).toEqual([1, 0, 1, 2, 1, 0]);
  });

  it("cancels a waiting job when its signal aborts, without running it", async () => {
    const queue = createJobQueue({ maxDepth: 5 });
    const first = gate([], "first");
    const running = queue.enqueue("a", first.job);
    const controller = new AbortController();
    let ran = false;
    const cancelled = queue.enqueue(
      "b",
      async () => {
        ran = true;
        return 1;
      },
      controller.signal,
    );
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: "cancelled" });
    expect(queue.waiting()).toBe(0);
    first.release();
    await running;
    expect(ran).toBe(false);
  });

  it("aborts the running job's signal when the caller's signal aborts, then runs the next", async () => {
    const queue = createJobQueue({ maxDepth: 5 });
    const controller = new AbortController();
    const running = queue.enqueue("a", gate([], "a").job, controller.signal);
    const next = queue.enqueue("b", async () => "b");
    await tick();
    controller.abort();
    await expect(running).rejects.toThrow("a aborted");
    expect(await next).toBe("b");
  });

  it("rejects an already aborted signal at once", () => {
    const queue = createJobQueue({ maxDepth: 5 });
    expect(() => queue.enqueue("a", async () => 1, AbortSignal.abort())).toThrow(QueueError);
  });

  it("drains: refuses new jobs and waits for running and queued ones", async () => {
    const queue = createJobQueue({ maxDepth: 5 });
    const first = gate([], "first");
    const results = [queue.enqueue("a", first.job), queue.enqueue("b", async () => "b")];
    const drained = queue.drain(5_000);
    expect(() => queue.enqueue("c", async () => "c")).toThrow(expect.objectContaining({ code: "closed" }));
    first.release();
    await drained;
    expect(await Promise.all(results)).toEqual(["first", "b"]);
  });

  it("drains: after the timeout, aborts the running job and cancels the waiting ones", async () => {
    const queue = createJobQueue({ maxDepth: 5 });
    const running = queue.enqueue("a", gate([], "stuck").job);
    const waiting = queue.enqueue("b", async () => "b");
    const settled = Promise.allSettled([running, waiting]);
    await queue.drain(20);
    const [r, w] = await settled;
    expect(r).toMatchObject({ status: "rejected", reason: new Error("stuck aborted") });
    expect(w).toMatchObject({ status: "rejected", reason: { code: "cancelled" } });
  });
});
