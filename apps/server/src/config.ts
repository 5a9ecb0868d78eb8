// The environment, validated once at start. Everything below main.ts receives these typed values and
// never reads process.env itself.
import { DEFAULT_MODEL_DIR } from "@unilip/engine";
import { z } from "zod";
import { MAX_ENGINE_THREADS, MAX_QUEUE_DEPTH } from "./limits.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(65_535).default(8787)),
  HOST: z.preprocess(emptyAsUnset, z.string().default("127.0.0.1")),
  DATABASE_URL: z.preprocess(emptyAsUnset, z.string().optional()),
  UNILIP_DATA_DIR: z.preprocess(emptyAsUnset, z.string().optional()),
  UNILIP_MODEL_DIR: z.preprocess(emptyAsUnset, z.string().default(DEFAULT_MODEL_DIR)),
  UNILIP_REMOTE_IMAGE_HOSTS: z.preprocess(emptyAsUnset, z.string().default("")),
  UNILIP_WEB_DIR: z.preprocess(emptyAsUnset, z.string().optional()),
  UNILIP_REQUIRE_KEYS: z.preprocess(emptyAsUnset, z.enum(["0", "1"]).default("0")),
  UNILIP_THREADS: z.preprocess(
    emptyAsUnset,
    z.coerce.number().int().min(1).max(MAX_ENGINE_THREADS).optional(),
  ),
});

/** What the app itself needs; tests build it directly. */
export interface AppConfig {
  /** Every /v1 and /api request must carry a valid API key. */
  requireKeys: boolean;
  /** Hosts image URLs may be fetched from; empty = remote image URLs are refused. */
  remoteImageHosts: string[];
  /** A built chat UI to serve at `/`, if any. */
  webDir?: string;
  maxQueueDepth: number;
}

export interface ServerConfig extends AppConfig {
  port: number;
  host: string;
  modelDir: string;
  databaseUrl?: string;
  dataDir?: string;
  /** onnxruntime intra-op threads per graph; unset: the engine's default (1 for a small package). */
  threads?: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

export function defaultAppConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { requireKeys: false, remoteImageHosts: [], maxQueueDepth: MAX_QUEUE_DEPTH, ...overrides };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid environment: ${issues.join("; ")}`, { cause: result.error });
  }
  const vars = result.data;
  return {
    port: vars.PORT,
    host: vars.HOST,
    modelDir: vars.UNILIP_MODEL_DIR,
    databaseUrl: vars.DATABASE_URL,
    dataDir: vars.UNILIP_DATA_DIR,
    webDir: vars.UNILIP_WEB_DIR,
    threads: vars.UNILIP_THREADS,
    // A server reachable from other machines must not hand the model and everyone's data to anyone.
    requireKeys: vars.UNILIP_REQUIRE_KEYS === "1" || !isLoopback(vars.HOST),
    remoteImageHosts: vars.UNILIP_REMOTE_IMAGE_HOSTS.split(",")
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host.length > 0),
    maxQueueDepth: MAX_QUEUE_DEPTH,
  };
}
