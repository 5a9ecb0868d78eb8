import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../metrics.ts";
import { requestMetrics } from "./index.ts";

describe("requestMetrics", () => {
  it("counts requests by route pattern and status, errors included", async () => {
    const metrics = createMetrics();
    const app = new Hono();
    app.use(requestMetrics({ counter: metrics.requests }));
    app.get("/items/:id", (c) => c.json({ id: c.req.param("id") }));
    app.get("/boom", () => {
      throw new HTTPException(400, { message: "bad" });
    });
    await app.request("/items/1");
    await app.request("/items/2");
    await app.request("/boom");
    await app.request("/nowhere");
    const text = await metrics.registry.metrics();
    expect(text).toContain('unilip_http_requests_total{method="GET",route="/items/:id",status="200"} 2');
    expect(text).toContain('unilip_http_requests_total{method="GET",route="/boom",status="400"} 1');
    expect(text).toMatch(/unilip_http_requests_total\{method="GET",route="[^"]*",status="404"\} 1/);
  });
});
