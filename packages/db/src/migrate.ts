import { fileURLToPath } from "node:url";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";

/** The committed SQL migrations written by `npm run generate -w @unilip/db`. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../../drizzle", import.meta.url));

export type MigrationTarget =
  | { kind: "pglite"; orm: PgliteDatabase }
  | { kind: "postgres"; orm: PostgresJsDatabase };

/** Applies the migrations not yet recorded in drizzle's journal table; a no-op on an up-to-date database. */
export async function runMigrations(target: MigrationTarget): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (target.kind === "pglite") await migratePglite(target.orm, config);
  else await migratePostgres(target.orm, config);
}
