import { type SQL, sql } from "drizzle-orm";
import { type AnyPgColumn, customType, timestamp } from "drizzle-orm/pg-core";

/**
 * Raw bytes. PGlite hands back a Uint8Array and postgres.js a Buffer; both become a plain Uint8Array view,
 * and a Buffer goes in because postgres.js only recognises Buffers as bytea parameters.
 */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

/**
 * clock_timestamp(), not now(): rows written in one transaction still get distinct, ordered times, which
 * the list queries sort by.
 */
export const createdAt = () =>
  timestamp("created_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`);

/** A CHECK that a text column holds one of `values`; the literals are inlined because DDL takes no parameters. */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const literals = values.map((value) => sql.raw(`'${value.replaceAll("'", "''")}'`));
  return sql`${column} in (${sql.join(literals, sql`, `)})`;
}

/** A CHECK that a text column holds a lowercase hex SHA-256 digest. */
export function isSha256Hex(column: AnyPgColumn): SQL {
  return sql`${column} ~ '^[0-9a-f]{64}$'`;
}
