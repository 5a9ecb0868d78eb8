import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe } from "vitest";
import { createDbOnPglite, type Database } from "../client.ts";
import { createStore, type Store } from "../store.ts";
import { openPostgresTestDatabase } from "./database.ts";

/** A database the suite runs against: in-memory PGlite always, Postgres too when DATABASE_URL is set. */
interface Target {
  name: string;
  open(): Promise<Database>;
}

/** PGlite's first start (initdb in WebAssembly) takes seconds, and far more on a loaded CI machine. */
const OPEN_TIMEOUT_MS = 90_000;

function postgresTarget(adminUrl: string): Target {
  return { name: "postgres", open: () => openPostgresTestDatabase(adminUrl) };
}

// One migrated PGlite per worker (vitest.config.ts turns file isolation off, so this module outlives a
// file): every file gets a clone, which skips the seconds initdb takes.
let pgliteTemplate: Promise<PGlite> | undefined;

async function migratedTemplate(): Promise<PGlite> {
  const client = await PGlite.create();
  await createDbOnPglite(client);
  return client;
}

const pgliteTarget: Target = {
  name: "pglite",
  async open() {
    pgliteTemplate ??= migratedTemplate();
    const clone = await (await pgliteTemplate).clone();
    // clone() is typed as the interface, but it is a PGlite, which is what drizzle takes.
    if (!(clone instanceof PGlite)) throw new Error("PGlite.clone() returned something else");
    return createDbOnPglite(clone);
  },
};

export function testTargets(env: Record<string, string | undefined> = process.env): Target[] {
  const targets: Target[] = [pgliteTarget];
  if (env.DATABASE_URL) targets.push(postgresTarget(env.DATABASE_URL));
  return targets;
}

/** Runs `body` once per target, each on a freshly migrated database; `store()` is valid inside tests. */
export function describeOnTargets(
  title: string,
  body: (store: () => Store, database: () => Database) => void,
) {
  describe.each(testTargets())(`${title} on $name`, (target) => {
    let database: Database | undefined;
    beforeAll(async () => {
      database = await target.open();
    }, OPEN_TIMEOUT_MS);
    afterAll(() => database?.close());
    const open = (): Database => {
      if (!database) throw new Error("the test database is not open");
      return database;
    };
    body(() => createStore(open()), open);
  });
}
