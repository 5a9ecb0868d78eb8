// What every route receives: the one engine, the database, the one queue in front of the engine, metrics,
// a logger and the validated config. Only main.ts (and tests) create real instances.
import type { Database } from "@unilip/db";
import type { UniLIPEngine } from "@unilip/engine";
import type { AppConfig } from "./config.ts";
import type { Metrics } from "./metrics.ts";
import type { AuthEnv } from "./middleware/auth/index.ts";
import type { Logger } from "./on-error.ts";
import type { JobQueue } from "./queue/job-queue.ts";

export interface AppDeps {
  engine: UniLIPEngine;
  db: Database;
  config: AppConfig;
  queue: JobQueue;
  metrics: Metrics;
  log: Logger;
}

export type AppEnv = AuthEnv;
