// The one place that wires real instances: environment -> database, engine, queue, app, HTTP server;
// SIGINT/SIGTERM stop accepting, drain the queue (cancelling what outlives SHUTDOWN_DRAIN_MS), then close.
import { createDb, defaultDataDir } from "@unilip/db";
import { loadEngine } from "@unilip/engine";
import { consoleLogger, createApp, createModelQueue } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { SHUTDOWN_DRAIN_MS } from "./limits.ts";
import { listen } from "./listen.ts";
import { createMetrics } from "./metrics.ts";

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await createDb(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir ?? defaultDataDir() },
  );
  const engine = await loadEngine(config.modelDir);
  const metrics = createMetrics();
  const queue = createModelQueue(config.maxQueueDepth, metrics);
  const app = createApp({ engine, db, config, queue, metrics, log: consoleLogger });
  const server = await listen(app, { port: config.port, host: config.host });
  const keys = config.requireKeys ? "API keys required" : "no API key needed on loopback";
  console.info(`UniLIP Chat API on ${server.url} (model ${engine.info().id}, ${db.kind}, ${keys})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`${signal}: finishing running jobs (up to ${SHUTDOWN_DRAIN_MS} ms)`);
    const closed = server.close();
    await queue.drain(SHUTDOWN_DRAIN_MS);
    await closed;
    await engine.dispose();
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
