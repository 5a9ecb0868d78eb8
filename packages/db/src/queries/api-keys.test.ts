import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { API_KEY_DISPLAY_PREFIX_LENGTH, MAX_API_KEY_NAME_LENGTH } from "../limits.ts";
import { apiKeys } from "../schema/api-keys.ts";
import { sha256Hex } from "../sha256.ts";
import { describeOnTargets } from "../testing/targets.ts";

describeOnTargets("api keys", (store, database) => {
  it("returns the plaintext once and stores only its hash and display prefix", async () => {
    const created = await store().createApiKey({ name: "laptop" });
    expect(created.key).toMatch(/^ulc_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH));

    const [row] = await database().orm.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row?.keyHash).toBe(sha256Hex(created.key));
    expect(Object.values(row ?? {})).not.toContain(created.key);

    const listed = await store().listApiKeys();
    const mine = listed.find((key) => key.id === created.id);
    expect(mine).toEqual({
      id: created.id,
      name: "laptop",
      prefix: created.prefix,
      createdAt: created.createdAt,
      revokedAt: null,
    });
    expect(mine).not.toHaveProperty("keyHash");
  });

  it("verifies a live key and refuses a revoked, unknown or malformed one", async () => {
    const { id, key } = await store().createApiKey({ name: "ci" });
    expect(await store().verifyApiKey({ token: key })).toEqual({ id, name: "ci" });
    expect(
      await store().verifyApiKey({ token: `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}` }),
    ).toBeNull();
    expect(await store().verifyApiKey({ token: "" })).toBeNull();
    expect(await store().verifyApiKey({ token: "Bearer nonsense" })).toBeNull();

    const revoked = await store().revokeApiKey({ id });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await store().verifyApiKey({ token: key })).toBeNull();
    const again = await store().revokeApiKey({ id });
    expect(again.revokedAt).toEqual(revoked.revokedAt);
  });

  it("rejects bad names and unknown ids with typed errors", async () => {
    await expect(store().createApiKey({ name: "   " })).rejects.toMatchObject({ code: "invalid" });
    await expect(
      store().createApiKey({ name: "x".repeat(MAX_API_KEY_NAME_LENGTH + 1) }),
    ).rejects.toMatchObject({
      code: "invalid",
    });
    await expect(store().createApiKey({ name: "x".repeat(MAX_API_KEY_NAME_LENGTH) })).resolves.toBeDefined();
    await expect(store().revokeApiKey({ id: "key_missing" })).rejects.toMatchObject({
      code: "not_found",
      message: "API key not found",
    });
  });
});
