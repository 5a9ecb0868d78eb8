import { randomBytes } from "node:crypto";
import { and, asc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";
import type { Orm } from "../client.ts";
import { found } from "../errors.ts";
import { newId } from "../ids.ts";
import { idSchema, parseInput, storableTextSchema } from "../input.ts";
import { API_KEY_DISPLAY_PREFIX_LENGTH, API_KEY_RANDOM_BYTES, MAX_API_KEY_NAME_LENGTH } from "../limits.ts";
import { type ApiKeyRow, apiKeys } from "../schema/api-keys.ts";
import { sha256Hex } from "../sha256.ts";

/** Marks a string as a UniLIP Chat key, so a leaked one is recognisable in logs and secret scanners. */
const KEY_MARKER = "ulc_";
const KEY_PATTERN = new RegExp(`^${KEY_MARKER}[A-Za-z0-9_-]{${Math.ceil((API_KEY_RANDOM_BYTES * 4) / 3)}}$`);

/** A key as listed: everything but the hash. */
export type ApiKeyInfo = Omit<ApiKeyRow, "keyHash">;

const { keyHash: _hash, ...infoColumns } = getTableColumns(apiKeys);

const createSchema = createInsertSchema(apiKeys, {
  name: () => storableTextSchema.trim().min(1).max(MAX_API_KEY_NAME_LENGTH),
}).pick({ name: true });

/** Creates a key. The plaintext `key` is in this answer only; the database keeps its SHA-256. */
export async function createApiKey(db: Orm, params: { name: string }): Promise<ApiKeyInfo & { key: string }> {
  const { name } = parseInput(createSchema, params, "API key");
  const key = KEY_MARKER + randomBytes(API_KEY_RANDOM_BYTES).toString("base64url");
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("apiKey"),
      name,
      keyHash: sha256Hex(key),
      prefix: key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH),
    })
    .returning(infoColumns);
  return { ...found(row, "API key"), key };
}

/** The key's id (the owner id of everything made with it) and name, or null for an unknown or revoked key. */
export async function verifyApiKey(
  db: Orm,
  params: { token: string },
): Promise<{ id: string; name: string } | null> {
  const { token } = parseInput(z.object({ token: z.string() }), params, "API key check");
  if (!KEY_PATTERN.test(token)) return null;
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, sha256Hex(token)), isNull(apiKeys.revokedAt)));
  return row ?? null;
}

/** Revokes a key for good; revoking it again keeps the first revocation time. */
export async function revokeApiKey(db: Orm, params: { id: string }): Promise<ApiKeyInfo> {
  const { id } = parseInput(z.object({ id: idSchema }), params, "API key id");
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, clock_timestamp())` })
    .where(eq(apiKeys.id, id))
    .returning(infoColumns);
  return found(row, "API key");
}

/** All keys, revoked ones included, oldest first. */
export async function listApiKeys(db: Orm): Promise<ApiKeyInfo[]> {
  return db.select(infoColumns).from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}
