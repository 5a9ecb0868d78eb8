import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { DbError, toDbError } from "./errors.ts";
import { apiKeys } from "./schema/api-keys.ts";
import { sha256Hex } from "./sha256.ts";
import { describeOnTargets } from "./testing/targets.ts";

describeOnTargets("driver errors", (_store, database) => {
  const row = (id: string) => ({ id, name: "n", keyHash: sha256Hex(id), prefix: "p" });

  it("turns a real unique violation into conflict, keeping the driver error and no SQL in the message", async () => {
    await database().orm.insert(apiKeys).values(row("key_dup"));
    const raw = await database()
      .orm.insert(apiKeys)
      .values(row("key_dup"))
      .catch((e: unknown) => e);
    const error = toDbError(raw);
    expect(error).toBeInstanceOf(DbError);
    expect(error).toMatchObject({ code: "conflict", message: "the record already exists", cause: raw });
    expect((error as DbError).message).not.toMatch(/insert|api_keys/i);
  });

  it("turns a real check violation into invalid", async () => {
    const raw = await database()
      .orm.insert(apiKeys)
      .values({ ...row("key_bad"), keyHash: "not-hex" })
      .catch((e: unknown) => e);
    expect(toDbError(raw)).toMatchObject({ code: "invalid", message: "a value is out of range" });
  });

  it("turns a NUL character that slipped past validation into invalid, in text and in jsonb", async () => {
    const text = await database()
      .orm.insert(apiKeys)
      .values({ ...row("key_nul"), name: "a\u0000b" })
      .catch((e: unknown) => e);
    expect(toDbError(text)).toMatchObject({ code: "invalid", cause: text });
    const json = await database()
      .orm.execute(sql`select ${JSON.stringify({ text: "a\u0000b" })}::jsonb`)
      .catch((e: unknown) => e);
    expect(toDbError(json)).toMatchObject({ code: "invalid", cause: json });
  });
});

it("passes DbErrors and unknown errors through unchanged", () => {
  const ours = new DbError("not_found", "x");
  expect(toDbError(ours)).toBe(ours);
  const bug = new TypeError("undefined is not a function");
  expect(toDbError(bug)).toBe(bug);
  expect(toDbError("a string")).toBe("a string");
});
