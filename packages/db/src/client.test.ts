import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "./client.ts";
import { DbError } from "./errors.ts";
import { createStore } from "./store.ts";

const OPEN_TIMEOUT_MS = 90_000;

describe("createDb", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it(
    "opens an in-memory PGlite that answers ping, and closes once",
    async () => {
      const db = await createDb();
      expect(db.kind).toBe("pglite");
      await expect(db.ping()).resolves.toBeUndefined();
      await db.close();
      await db.close();
      await expect(db.ping()).rejects.toMatchObject({ name: "DbError", code: "unavailable" });
    },
    OPEN_TIMEOUT_MS,
  );

  it(
    "keeps data in dataDir across a restart, creating the folder and migrating only once",
    async () => {
      const root = await mkdtemp(join(tmpdir(), "unilip-db-"));
      dirs.push(root);
      const dataDir = join(root, "nested", "data");

      const first = await createDb({ dataDir });
      const written = await createStore(first).createConversation({ ownerId: "local", title: "kept" });
      await first.close();

      const second = await createDb({ dataDir });
      const store = createStore(second);
      expect(await store.getConversation({ ownerId: "local", id: written.id })).toEqual(written);
      await second.close();
    },
    OPEN_TIMEOUT_MS * 2,
  );

  it("rejects options it cannot use, before touching any database", async () => {
    await expect(createDb({ url: "mysql://x/y" })).rejects.toMatchObject({ code: "invalid" });
    await expect(createDb({ url: "postgres://h/d", dataDir: "/tmp/x" })).rejects.toMatchObject({
      code: "invalid",
    });
    await expect(createDb({ dataDir: "" })).rejects.toBeInstanceOf(DbError);
    await expect(createDb({ nonsense: true } as never)).rejects.toMatchObject({ code: "invalid" });
  });

  it("reports an unreachable Postgres as unavailable, keeping the driver error as cause", async () => {
    const error = await createDb({ url: "postgres://postgres@127.0.0.1:1/none" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbError);
    expect(error).toMatchObject({ code: "unavailable", message: "the database could not be opened" });
    expect((error as DbError).cause).toBeInstanceOf(Error);
  });
});
