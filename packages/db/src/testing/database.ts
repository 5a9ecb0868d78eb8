// A database of its own for one test file: Postgres when DATABASE_URL names a server (a fresh database
// there, dropped on close), else PGlite in memory. Both are migrated. Other packages' tests use it
// through `@unilip/db/testing`, so one suite runs on either database.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDb, type Database } from "../client.ts";

/** Opens a fresh Postgres database on the server `adminUrl` names; closing it drops the database. */
export async function openPostgresTestDatabase(adminUrl: string): Promise<Database> {
  // A database of its own per test file: runs never see each other's rows, and dropping it cleans up.
  const name = `unilip_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await createDb({ url: url.toString() });
  let closed: Promise<void> | undefined;
  return {
    ...db,
    close() {
      closed ??= (async () => {
        await db.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      })();
      return closed;
    },
  };
}

export function openTestDatabase(env: Record<string, string | undefined> = process.env): Promise<Database> {
  return env.DATABASE_URL ? openPostgresTestDatabase(env.DATABASE_URL) : createDb();
}
