import { createDb, createStore, type Database } from "@unilip/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKeysCommand } from "./keys-command.ts";

let db: Database;
beforeAll(async () => {
  db = await createDb();
});
afterAll(() => db.close());

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKeysCommand(args, createStore(db), {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

describe("keys command", () => {
  it("creates a key that verifies, lists it without its secret, and revokes it", async () => {
    const created = await run("create", "ci", "bot");
    expect(created.code).toBe(0);
    const secret = created.out[1] ?? "";
    const id = /^Created (\S+) \(ci bot\)/.exec(created.out[0] ?? "")?.[1] ?? "";
    expect(await createStore(db).verifyApiKey({ token: secret })).toEqual({ id, name: "ci bot" });

    const listed = await run("list");
    expect(listed.out.join("\n")).toContain(id);
    expect(listed.out.join("\n")).not.toContain(secret);
    expect(listed.out.join("\n")).toContain("active");

    expect((await run("revoke", id)).code).toBe(0);
    expect(await createStore(db).verifyApiKey({ token: secret })).toBeNull();
    expect((await run("list")).out.join("\n")).toContain("revoked");
  });

  it("prints usage and exits 2 on a bad command line", async () => {
    for (const args of [[], ["create"], ["revoke"], ["list", "x"], ["delete", "k"]]) {
      const result = await run(...args);
      expect(result.code).toBe(2);
      expect(result.err[0]).toContain("Usage");
    }
  });

  it("reports an unknown key id as a DbError", async () => {
    await expect(run("revoke", "key_missing")).rejects.toMatchObject({ name: "DbError", code: "not_found" });
  });
});
