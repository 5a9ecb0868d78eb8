// createApp wires routes, middleware and the one error handler around the dependencies it is given.
// Only main.ts passes real long-lived instances; tests build apps with a real engine and an in-memory db.
import { createStore, type Database, LOCAL_OWNER } from "@unilip/db";
import type { UniLIPEngine } from "@unilip/engine";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import packageJson from "../package.json" with { type: "json" };
import { createRunningTurns } from "./app-api/running-turns.ts";
import type { AppDeps, AppEnv } from "./app-deps.ts";
import type { AppConfig } from "./config.ts";
import { ApiError } from "./errors.ts";
import { MAX_BODY_BYTES } from "./limits.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { auth } from "./middleware/auth/index.ts";
import { requestMetrics } from "./middleware/metrics/index.ts";
import { createOnError, type Logger } from "./on-error.ts";
import { createJobQueue, type JobQueue } from "./queue/job-queue.ts";
import { chatCompletionsRoutes } from "./routes/chat-completions.ts";
import { conversationRoutes } from "./routes/conversations.ts";
import { imageRoutes } from "./routes/images.ts";
import { modelRoutes } from "./routes/models.ts";
import { serviceRoutes } from "./routes/service.ts";
import { turnRoutes } from "./routes/turns.ts";
import { uploadRoutes } from "./routes/uploads.ts";
import { webUiRoutes } from "./web-ui.ts";

export interface CreateAppOptions {
  engine: UniLIPEngine;
  db: Database;
  config: AppConfig;
  /** Pass one to drain it on shutdown; by default the app makes its own. */
  queue?: JobQueue;
  metrics?: Metrics;
  log?: Logger;
}

export const consoleLogger: Logger = {
  error: (message, details) => console.error(message, details ?? ""),
  info: (message, details) => console.info(message, details ?? ""),
};

/** The queue in front of the model, reporting its depth to metrics. */
export function createModelQueue(maxDepth: number, metrics: Metrics): JobQueue {
  return createJobQueue({ maxDepth, onDepthChange: (waiting) => metrics.queueDepth.set(waiting) });
}

export function createApp(options: CreateAppOptions): Hono<AppEnv> {
  const { engine, db, config } = options;
  const metrics = options.metrics ?? createMetrics();
  const deps: AppDeps = {
    engine,
    db,
    config,
    metrics,
    queue: options.queue ?? createModelQueue(config.maxQueueDepth, metrics),
    log: options.log ?? consoleLogger,
  };
  const store = createStore(db);
  const app = new Hono<AppEnv>();
  app.onError(createOnError(deps.log));
  app.notFound((c) => {
    const error = new ApiError(404, `No route for ${c.req.method} ${c.req.path}.`, { code: "unknown_route" });
    return c.json(error.toBody(), 404);
  });
  app.use(requestMetrics({ counter: metrics.requests }));

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, {
        code: "body_too_large",
      });
    },
  });
  const requireOwner = auth({
    required: config.requireKeys,
    verify: async (token) => (await store.verifyApiKey({ token }))?.id ?? null,
    localOwner: LOCAL_OWNER,
  });
  for (const prefix of ["/v1/*", "/api/*"]) {
    app.use(prefix, limitBody);
    app.use(prefix, requireOwner);
  }

  app.route("/", serviceRoutes(deps, packageJson.version));
  app.route("/v1", chatCompletionsRoutes(deps));
  app.route("/v1", imageRoutes(deps, store));
  app.route("/v1", modelRoutes(deps));
  app.route("/api", conversationRoutes(store));
  app.route("/api", uploadRoutes(store));
  app.route("/api", turnRoutes(deps, store, createRunningTurns()));
  const web = config.webDir ? webUiRoutes(config.webDir) : null;
  if (web) app.route("/", web);
  return app;
}
