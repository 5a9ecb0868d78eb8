/**
 * `not_found`: no such row for this owner. `conflict`: the row is not in a state that allows the change.
 * `invalid`: the input breaks a rule. `unavailable`: the database cannot be reached.
 */
export type DbErrorCode = "not_found" | "conflict" | "invalid" | "unavailable";

/** The one error the store throws. `message` is safe to show a user; database details live in `cause`. */
export class DbError extends Error {
  override readonly name = "DbError";
  readonly code: DbErrorCode;

  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

// SQLSTATE classes that mean "your input" rather than "our bug"; anything else stays a plain error (a 500).
const SQLSTATE_CODES: Record<string, { code: DbErrorCode; message: string }> = {
  "23505": { code: "conflict", message: "the record already exists" },
  "40001": { code: "conflict", message: "the record was changed concurrently, try again" },
  "23503": { code: "invalid", message: "a referenced record does not exist" },
  "23514": { code: "invalid", message: "a value is out of range" },
  "23502": { code: "invalid", message: "a required value is missing" },
  "22001": { code: "invalid", message: "a value is too long" },
  "22P02": { code: "invalid", message: "a value has the wrong format" },
  // U+0000 in text (22021) or in jsonb (22P05): input validation refuses it first; this is the backstop.
  "22021": { code: "invalid", message: "a value holds a character the database cannot store" },
  "22P05": { code: "invalid", message: "a value holds a character the database cannot store" },
};

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
]);

/** The SQLSTATE or socket code of a driver error, looked for along the `cause` chain (drizzle wraps them). */
function driverCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** Turns a driver error into a DbError (keeping it as `cause`); errors it does not recognise pass unchanged. */
export function toDbError(error: unknown): unknown {
  if (error instanceof DbError) return error;
  const code = driverCode(error);
  if (code === undefined) return error;
  const known = SQLSTATE_CODES[code];
  if (known) return new DbError(known.code, known.message, { cause: error });
  if (CONNECTION_CODES.has(code))
    return new DbError("unavailable", "the database is unavailable", { cause: error });
  return error;
}

/** The row a query found, or DbError `not_found` naming what was missing. */
export function found<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new DbError("not_found", `${what} not found`);
  return row;
}
