import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { DbError } from "./errors.ts";

const APP_DIR_NAME = "unilip-chat";

const envSchema = z.object({
  DATABASE_URL: z.string().optional(),
  UNILIP_DATA_DIR: z.string().optional(),
  XDG_DATA_HOME: z.string().optional(),
  HOME: z.string().optional(),
});

type Env = Record<string, string | undefined>;

function readEnv(env: Env): z.infer<typeof envSchema> {
  const result = envSchema.safeParse(env);
  if (!result.success) throw new DbError("invalid", "invalid database environment", { cause: result.error });
  // An empty variable counts as unset, the way shells and XDG treat it.
  const nonEmpty = Object.entries(result.data).filter(([, value]) => value !== undefined && value !== "");
  return Object.fromEntries(nonEmpty);
}

/**
 * Where PGlite keeps its files: $UNILIP_DATA_DIR, else $XDG_DATA_HOME/unilip-chat, else
 * ~/.local/share/unilip-chat. A relative XDG_DATA_HOME is ignored, as the XDG spec asks.
 */
export function defaultDataDir(env: Env = process.env): string {
  const vars = readEnv(env);
  if (vars.UNILIP_DATA_DIR) return vars.UNILIP_DATA_DIR;
  if (vars.XDG_DATA_HOME && isAbsolute(vars.XDG_DATA_HOME)) return join(vars.XDG_DATA_HOME, APP_DIR_NAME);
  return join(vars.HOME ?? homedir(), ".local", "share", APP_DIR_NAME);
}

/** The options `createDb` gets from the environment: Postgres when DATABASE_URL is set, else PGlite on disk. */
export function dbOptionsFromEnv(env: Env = process.env): { url: string } | { dataDir: string } {
  const url = readEnv(env).DATABASE_URL;
  return url ? { url } : { dataDir: defaultDataDir(env) };
}
