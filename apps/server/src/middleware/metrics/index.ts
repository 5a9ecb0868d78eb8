// Counts every request by its matched route pattern (never the raw path, so ids do not explode the label
// set) and final status, including requests that ended in an error.
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Counter } from "prom-client";

export interface RequestMetricsOptions {
  counter: Counter<"method" | "route" | "status">;
}

export function requestMetrics(options: RequestMetricsOptions): MiddlewareHandler {
  return async function requestMetrics(c, next) {
    await next();
    const route = c.req.routeIndex >= 0 ? routePath(c) : "unmatched";
    options.counter.inc({ method: c.req.method, route, status: String(c.res.status) });
  };
}
