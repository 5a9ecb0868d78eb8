import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { webUiRoutes } from "./web-ui.ts";

function builtUi(): string {
  const dir = mkdtempSync(join(tmpdir(), "unilip-web-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>UniLIP</title>");
  writeFileSync(join(dir, "app.js"), "console.log(1)");
  return dir;
}

describe("webUiRoutes", () => {
  it("serves files, falls back to index.html for client routes, and leaves API paths alone", async () => {
    const web = webUiRoutes(builtUi());
    if (!web) throw new Error("expected routes");
    const app = new Hono().get("/v1/models", (c) => c.json({ ok: true })).route("/", web);
    app.notFound((c) => c.json({ error: "nf" }, 404));

    const index = await app.request("/");
    expect(index.headers.get("content-type")).toContain("text/html");
    expect(await index.text()).toContain("<title>UniLIP</title>");
    expect(await (await app.request("/app.js")).text()).toBe("console.log(1)");
    expect(await (await app.request("/c/conv_123")).text()).toContain("UniLIP");
    expect((await app.request("/v1/models")).status).toBe(200);
    expect((await app.request("/api/nothing")).status).toBe(404);
    expect((await app.request("/v1/nothing")).status).toBe(404);
  });

  it("is absent when the UI was not built", () => {
    expect(webUiRoutes(mkdtempSync(join(tmpdir(), "unilip-empty-")))).toBeNull();
  });
});
