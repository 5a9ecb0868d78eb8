import { z } from "zod";
import { DbError } from "./errors.ts";
import { MAX_ID_LENGTH } from "./limits.ts";

/**
 * Text a database can hold: Postgres text and jsonb refuse U+0000, and the driver error it raises would
 * reach a client as a 500, so it is refused here as input.
 */
export const storableTextSchema = z.string().refine((text) => !text.includes("\u0000"), {
  message: "must not contain the NUL character (U+0000)",
});

/** Ids are generated as `prefix_hex`; anything else (spaces, control characters) cannot name a row. */
export const idSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, '_' or '-'");

/** Validates one call's parameters; a failure is a DbError `invalid` naming the field, the ZodError as cause. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new DbError("invalid", `invalid ${what}: ${where}${issue?.message ?? "rejected"}`, {
    cause: result.error,
  });
}
