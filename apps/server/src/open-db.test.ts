// A restart loses nothing: what one server stored (a conversation, a drawn image, its bytes) is served
// unchanged by the next one on the same data directory, and an answer the first left unfinished (killed
// mid-turn) comes back failed with a reason instead of pending forever.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStore, type Database, LOCAL_OWNER } from "@unilip/db";
import { loadEngine, TINY_RANDOM_MODEL_DIR, type UniLIPEngine } from "@unilip/engine";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { defaultAppConfig } from "./config.ts";
import { jsonPost, parseSse, TEST_STEPS } from "./e2e/harness.ts";
import type { Logger } from "./on-error.ts";
import { INTERRUPTED_TURN_ERROR, openServerDb } from "./open-db.ts";

/** PGlite's initdb on disk takes seconds, more on a loaded machine. */
const RESTART_TIMEOUT_MS = 120_000;

let engine: UniLIPEngine;
let dataDir: string;
const open: Database[] = [];
const logged: string[] = [];
const log: Logger = { error: (m) => logged.push(m), info: (m) => logged.push(m) };

beforeAll(async () => {
  engine = await loadEngine(TINY_RANDOM_MODEL_DIR);
  dataDir = await mkdtemp(join(tmpdir(), "unilip-restart-"));
}, 60_000);
afterAll(async () => {
  await Promise.all(open.map((db) => db.close()));
  await engine?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

async function start() {
  const db = await openServerDb({ dataDir }, log);
  open.push(db);
  return { db, app: createApp({ engine, db, config: defaultAppConfig(), log }) };
}

it(
  "serves everything the last run stored, and fails the answer it left pending",
  async () => {
    const first = await start();
    const created = await first.app.request("/api/conversations", jsonPost({ title: "Kept" }));
    const { id } = (await created.json()) as { id: string };
    const drawn = await first.app.request(
      `/api/conversations/${id}/messages`,
      jsonPost({
        parent_id: null,
        content: [{ type: "text", text: "Draw." }],
        route: "generate",
        settings: { steps: TEST_STEPS },
      }),
    );
    const done = parseSse(await drawn.text()).at(-1);
    expect(done?.event).toBe("done");
    const { images } = JSON.parse(done?.data ?? "{}") as { images: { id: string; url: string }[] };
    const bytes = new Uint8Array(await (await first.app.request(images[0]?.url ?? "")).arrayBuffer());
    // The state a kill mid-turn leaves: the question stored, its answer pending.
    const store = createStore(first.db);
    const [, answer] = (await store.listMessages({ ownerId: LOCAL_OWNER, conversationId: id })).slice(-2);
    const question = await store.insertMessage({
      ownerId: LOCAL_OWNER,
      conversationId: id,
      parentId: answer?.id ?? null,
      role: "user",
      content: [{ type: "text", text: "Again." }],
    });
    const unfinished = await store.insertMessage({
      ownerId: LOCAL_OWNER,
      conversationId: id,
      parentId: question.id,
      role: "assistant",
      content: [],
    });
    const before = (await (await first.app.request(`/api/conversations/${id}`)).json()) as {
      messages: { id: string; status: string; error: string | null }[];
    };
    await first.db.close();

    const second = await start();
    const after = (await (await second.app.request(`/api/conversations/${id}`)).json()) as typeof before;
    expect(after).toEqual({
      ...before,
      messages: before.messages.map((message) =>
        message.id === unfinished.id
          ? { ...message, status: "error", error: INTERRUPTED_TURN_ERROR }
          : message,
      ),
    });
    const served = await second.app.request(images[0]?.url ?? "");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    expect(logged).toContain("1 unfinished answers from the last run marked as failed");
  },
  RESTART_TIMEOUT_MS,
);
