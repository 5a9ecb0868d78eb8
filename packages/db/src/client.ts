import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { z } from "zod";
import { DbError } from "./errors.ts";
import { parseInput } from "./input.ts";
import { POSTGRES_POOL_SIZE } from "./limits.ts";
import { type MigrationTarget, runMigrations } from "./migrate.ts";

/** The drizzle handle every query takes; a transaction is one too, so queries compose inside one. */
export type Orm = PgDatabase<PgQueryResultHKT>;

export interface Database {
  readonly kind: MigrationTarget["kind"];
  readonly orm: Orm;
  /** Resolves when the database answers; a DbError `unavailable` otherwise. For /health. */
  ping(): Promise<void>;
  /** Releases the connection(s); calling it again does nothing. */
  close(): Promise<void>;
}

const optionsSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL")
      .optional(),
    dataDir: z.string().min(1).optional(),
  })
  .refine((options) => !(options.url && options.dataDir), "set url or dataDir, not both");

/** `url`: Postgres. Else PGlite: files under `dataDir` (created if missing), or in memory without it. */
export type DbOptions = z.input<typeof optionsSchema>;

interface Opened {
  target: MigrationTarget;
  close(): Promise<void>;
}

function pgliteOpened(client: PGlite): Opened {
  return { target: { kind: "pglite", orm: drizzlePglite({ client }) }, close: () => client.close() };
}

async function openPglite(dataDir: string | undefined): Promise<Opened> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  return pgliteOpened(await PGlite.create(dataDir));
}

function openPostgres(url: string): Opened {
  // Migrations print NOTICEs ("schema already exists, skipping") that are not worth a log line.
  const client = postgres(url, { max: POSTGRES_POOL_SIZE, onnotice: () => {} });
  return { target: { kind: "postgres", orm: drizzlePostgres({ client }) }, close: () => client.end() };
}

async function open(url: string | undefined, dataDir: string | undefined): Promise<Opened> {
  try {
    return url ? openPostgres(url) : await openPglite(dataDir);
  } catch (error) {
    throw new DbError("unavailable", "the database could not be opened", { cause: error });
  }
}

/** Opens the database and brings its schema up to date; see DbOptions for which database. */
export async function createDb(options: DbOptions = {}): Promise<Database> {
  const { url, dataDir } = parseInput(optionsSchema, options, "database options");
  return migrated(await open(url, dataDir));
}

/**
 * A Database over a PGlite the caller made (custom options, extensions, a clone); it is migrated, and
 * closing the Database closes it.
 */
export function createDbOnPglite(client: PGlite): Promise<Database> {
  return migrated(pgliteOpened(client));
}

async function migrated(opened: Opened): Promise<Database> {
  try {
    await runMigrations(opened.target);
  } catch (error) {
    // The migration error is the one worth reporting; a failure to close after it would only hide it.
    await opened.close().catch(() => undefined);
    throw new DbError("unavailable", "the database could not be opened", { cause: error });
  }

  const orm: Orm = opened.target.orm;
  let closed: Promise<void> | undefined;
  return {
    kind: opened.target.kind,
    orm,
    async ping() {
      try {
        await orm.execute(sql`select 1`);
      } catch (error) {
        throw new DbError("unavailable", "the database is unavailable", { cause: error });
      }
    },
    close() {
      closed ??= opened.close();
      return closed;
    },
  };
}
