import { z } from "zod";
import { DbError } from "./errors.ts";
import { MAX_ID_LENGTH } from "./limits.ts";

export const idSchema = z.string().min(1).max(MAX_ID_LENGTH);

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
