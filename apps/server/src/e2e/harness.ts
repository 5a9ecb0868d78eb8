// What the end-to-end tests share: the real engine on the tiny random-weight package, a real database with
// its migrations (in-memory PGlite, or a fresh Postgres database when DATABASE_URL is set: `npm run
// test:pg`), the app built around them, and row counts to prove that refused requests change nothing.
import { createStore, type Database, type Store } from "@unilip/db";
import { openTestDatabase } from "@unilip/db/testing";
import { loadEngine, TINY_RANDOM_MODEL_DIR, type UniLIPEngine } from "@unilip/engine";
import { createApp } from "../app.ts";
import { type AppConfig, defaultAppConfig } from "../config.ts";
import { type Listening, listen } from "../listen.ts";
import type { Logger } from "../on-error.ts";

/** Tests keep diffusion short: the random model's images are noise at any step count. */
export const TEST_STEPS = 2;

export interface Harness {
  engine: UniLIPEngine;
  db: Database;
  store: Store;
  app: ReturnType<typeof createApp>;
  modelId: string;
  imageSize: number;
  /** Errors the app logged (5xx causes), for tests that assert nothing unexpected failed. */
  logged: string[];
  close(): Promise<void>;
}

export async function startHarness(config: Partial<AppConfig> = {}): Promise<Harness> {
  const [engine, db] = await Promise.all([loadEngine(TINY_RANDOM_MODEL_DIR), openTestDatabase()]);
  const logged: string[] = [];
  const log: Logger = {
    error: (message, details) => logged.push(`${message} ${JSON.stringify(details)}`),
    info: () => {},
  };
  const app = createApp({ engine, db, config: defaultAppConfig(config), log });
  const info = engine.info();
  return {
    engine,
    db,
    store: createStore(db),
    app,
    modelId: info.id,
    imageSize: info.imageSize,
    logged,
    async close() {
      await engine.dispose();
      await db.close();
    },
  };
}

/** The harness's app on an ephemeral loopback port, for clients that need a real socket. */
export function serveHarness(harness: Harness): Promise<Listening> {
  return listen(harness.app, { port: 0, host: "127.0.0.1" });
}

/** Rows in every table the API writes. */
export async function countRows(db: Database): Promise<Record<string, number>> {
  const result = await db.orm.execute(
    "select (select count(*) from conversations)::int as conversations, (select count(*) from messages)::int as messages, (select count(*) from images)::int as images, (select count(*) from api_keys)::int as api_keys",
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
    string,
    number
  >[];
  return rows[0] ?? {};
}

/** Parses a Server-Sent Events body into its events. */
export function parseSse(text: string): { event: string; data: string }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "message";
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      return { event, data };
    });
}

export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  };
}
