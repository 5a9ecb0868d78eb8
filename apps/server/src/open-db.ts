// The database the server and its CLI use: Postgres when DATABASE_URL is set, else PGlite under the data
// directory. The server also settles what the last run left unfinished; the CLI must not, as it may run
// beside a live server whose answers are still being written.
import { createDb, createStore, type Database, defaultDataDir } from "@unilip/db";
import type { ServerConfig } from "./config.ts";
import type { Logger } from "./on-error.ts";

/** What an answer left pending by a server that stopped (killed, crashed) says once the server is back. */
export const INTERRUPTED_TURN_ERROR = "The server stopped before this answer finished; regenerate it.";

export function openDb(config: Pick<ServerConfig, "databaseUrl" | "dataDir">): Promise<Database> {
  return createDb(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir ?? defaultDataDir() },
  );
}

/** openDb, then every answer still pending fails: the process that was writing it is gone. */
export async function openServerDb(
  config: Pick<ServerConfig, "databaseUrl" | "dataDir">,
  log: Logger,
): Promise<Database> {
  const db = await openDb(config);
  const interrupted = await createStore(db).failPendingMessages({ error: INTERRUPTED_TURN_ERROR });
  if (interrupted > 0) log.info(`${interrupted} unfinished answers from the last run marked as failed`);
  return db;
}
