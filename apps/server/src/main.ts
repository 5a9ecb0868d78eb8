// The one place that wires real instances: environment -> database, engine, queue, app, HTTP server;
// SIGINT/SIGTERM stop accepting, drain the queue (cancelling what outlives SHUTDOWN_DRAIN_MS), then close.
import { loadEngine } from "@unilip/engine";
import { consoleLogger, createApp, createModelQueue } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { SHUTDOWN_DRAIN_MS } from "./limits.ts";
import { listen } from "./listen.ts";
import { createMetrics } from "./metrics.ts";
import { openServerDb } from "./open-db.ts";
import { createShutdown } from "./shutdown.ts";

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openServerDb(config, consoleLogger);
  const engine = await loadEngine(config.modelDir, { threads: config.threads });
  const metrics = createMetrics();
  const queue = createModelQueue(config.maxQueueDepth, metrics);
  const app = createApp({ engine, db, config, queue, metrics, log: consoleLogger });
  const server = await listen(app, { port: config.port, host: config.host });
  const keys = config.requireKeys ? "API keys required" : "no API key needed on loopback";
  console.info(`UniLIP Chat API on ${server.url} (model ${engine.info().id}, ${db.kind}, ${keys})`);

  const shutdown = createShutdown({
    server,
    queue,
    engine,
    db,
    drainMs: SHUTDOWN_DRAIN_MS,
    log: consoleLogger,
  });
  const stop = (signal: string) =>
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("shutdown failed", error);
        process.exit(1);
      },
    );
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
