// Routes outside the API proper: /health, /metrics, /openapi.json and /docs. None needs a key.
import { Hono } from "hono";
import type { AppDeps } from "../app-deps.ts";
import { HEALTH_DB_TIMEOUT_MS } from "../limits.ts";
import { describeCause } from "../on-error.ts";
import { docsPage } from "../openapi/docs-page.ts";
import { openApiDocument } from "../openapi/document.ts";

async function databaseReachable(deps: AppDeps): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database ping timed out")), HEALTH_DB_TIMEOUT_MS);
  });
  try {
    await Promise.race([deps.db.ping(), timeout]);
    return true;
  } catch (error) {
    deps.log.error("health: database unreachable", describeCause(error));
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function modelId(deps: AppDeps): string | null {
  try {
    return deps.engine.info().id;
  } catch (error) {
    deps.log.error("health: model unavailable", describeCause(error));
    return null;
  }
}

export function serviceRoutes(deps: AppDeps, version: string) {
  const document = openApiDocument(version);
  const page = docsPage(document);
  return new Hono()
    .get("/health", async (c) => {
      const model = modelId(deps);
      const database = await databaseReachable(deps);
      const ok = model !== null && database;
      return c.json(
        {
          status: ok ? "ok" : "unavailable",
          model: { loaded: model !== null, id: model },
          database: { reachable: database },
          queue: { waiting: deps.queue.waiting(), running: deps.queue.running() },
        },
        ok ? 200 : 503,
      );
    })
    .get("/metrics", async (c) => {
      deps.metrics.queueDepth.set(deps.queue.waiting());
      return c.body(await deps.metrics.registry.metrics(), 200, {
        "Content-Type": deps.metrics.registry.contentType,
      });
    })
    .get("/openapi.json", (c) => c.json(document))
    .get("/docs", (c) => c.html(page));
}
