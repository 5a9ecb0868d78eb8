// The built chat UI (UNILIP_WEB_DIR) served at `/`. Paths that are not files get index.html, so client
// routes such as /c/<id> survive a reload; API paths never fall through to the UI.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";

const API_PATH = /^\/(v1|api)(\/|$)/;

function exceptApi(handler: MiddlewareHandler): MiddlewareHandler {
  return async function exceptApi(c, next) {
    if (API_PATH.test(c.req.path)) return next();
    return handler(c, next);
  };
}

/** Routes for the UI, or null when the directory has no index.html (the UI was not built). */
export function webUiRoutes(webDir: string): Hono | null {
  if (!existsSync(join(webDir, "index.html"))) return null;
  return new Hono().get(
    "*",
    exceptApi(serveStatic({ root: webDir })),
    exceptApi(serveStatic({ root: webDir, path: "index.html" })),
  );
}
