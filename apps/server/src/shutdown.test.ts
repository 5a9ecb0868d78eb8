// Shutdown on a real server: a job that finishes within the drain time is answered in full; what outlives
// it is cancelled (the streaming client gets an error, the queued one a 503) and stored as failed before
// the database closes; afterwards no connection is accepted.
import { createStore, type Database, LOCAL_OWNER } from "@unilip/db";
import { openTestDatabase } from "@unilip/db/testing";
import { loadEngine, TINY_RANDOM_MODEL_DIR, type UniLIPEngine } from "@unilip/engine";
import { afterEach, expect, it } from "vitest";
import { createApp, createModelQueue } from "./app.ts";
import { defaultAppConfig } from "./config.ts";
import { jsonPost, parseSse, TEST_STEPS } from "./e2e/harness.ts";
import { type Listening, listen } from "./listen.ts";
import { createMetrics } from "./metrics.ts";
import type { Logger } from "./on-error.ts";
import type { JobQueue } from "./queue/job-queue.ts";
import { createShutdown } from "./shutdown.ts";

/** Enough diffusion steps that a job is still running when the test shuts down. */
const SLOW_STEPS = 100;
/** A cancelling shutdown takes a few diffusion steps and a database write, far below a keep-alive timeout. */
const QUICK_SHUTDOWN_MS = 2_500;

const log: Logger = { error: () => {}, info: () => {} };
let engine: UniLIPEngine;
let db: Database;
afterEach(async () => {
  await engine?.dispose();
  await db?.close();
});

async function serve(): Promise<{ server: Listening; queue: JobQueue }> {
  [engine, db] = await Promise.all([loadEngine(TINY_RANDOM_MODEL_DIR), openTestDatabase()]);
  const metrics = createMetrics();
  const queue = createModelQueue(8, metrics);
  const app = createApp({ engine, db, config: defaultAppConfig(), queue, metrics, log });
  return { server: await listen(app, { port: 0, host: "127.0.0.1" }), queue };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

it("answers a running job in full when it finishes within the drain time, then refuses connections", async () => {
  const { server, queue } = await serve();
  const response = fetch(`${server.url}/v1/images/generations`, jsonPost({ prompt: "a star", steps: 20 }));
  await until(() => queue.running());
  await createShutdown({ server, queue, engine, db, drainMs: 60_000, log })("test");

  const res = await response;
  expect(res.status).toBe(200);
  expect(((await res.json()) as { data: { b64_json: string }[] }).data[0]?.b64_json.length).toBeGreaterThan(
    0,
  );
  await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  await expect(db.ping()).rejects.toMatchObject({ code: "unavailable" });
}, 60_000);

it("cancels what outlives the drain time and stores the turn as failed before the database closes", async () => {
  const { server, queue } = await serve();
  const store = createStore(db);
  const { id } = await store.createConversation({ ownerId: LOCAL_OWNER });
  const turn = fetch(
    `${server.url}/api/conversations/${id}/messages`,
    jsonPost({
      parent_id: null,
      content: [{ type: "text", text: "Draw." }],
      route: "generate",
      settings: { steps: SLOW_STEPS },
    }),
  ).then((res) => res.text());
  await until(() => queue.running());
  const queued = fetch(
    `${server.url}/v1/chat/completions`,
    jsonPost({
      model: engine.info().id,
      messages: [{ role: "user", content: "hi" }],
      max_tokens: TEST_STEPS,
    }),
  );
  await until(() => queue.waiting() === 1);

  let statusAtClose: string[] = [];
  const closing = {
    async close() {
      statusAtClose = (await store.listMessages({ ownerId: LOCAL_OWNER, conversationId: id })).map(
        (message) => message.status,
      );
      await db.close();
    },
  };
  const started = Date.now();
  await createShutdown({ server, queue, engine, db: closing, drainMs: 50, log })("test");
  // The cancelled clients' keep-alive connections must not hold the server open for Node's 5 s timeout.
  expect(Date.now() - started).toBeLessThan(QUICK_SHUTDOWN_MS);

  expect(parseSse(await turn).at(-1)?.event).toBe("error");
  const refused = await queued;
  expect(refused.status).toBe(503);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("cancelled");
  expect(statusAtClose).toEqual(["complete", "error"]);
}, 60_000);
