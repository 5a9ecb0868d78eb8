import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createOnError } from "../../on-error.ts";
import { type AuthEnv, auth } from "./index.ts";

const keys = new Map([["sk-alice", "key_alice"]]);
const silent = { error: () => {}, info: () => {} };

function app(required: boolean) {
  const app = new Hono<AuthEnv>();
  app.onError(createOnError(silent));
  app.use(auth({ required, verify: async (token) => keys.get(token) ?? null, localOwner: "local" }));
  app.get("/whoami", (c) => c.json({ owner: c.var.owner }));
  return app;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("auth", () => {
  it("gives keyless requests the local owner when keys are optional", async () => {
    const res = await app(false).request("/whoami");
    expect(await res.json()).toEqual({ owner: "local" });
  });

  it("resolves a valid key to its owner whether or not keys are required", async () => {
    for (const required of [false, true]) {
      const res = await app(required).request("/whoami", bearer("sk-alice"));
      expect(await res.json()).toEqual({ owner: "key_alice" });
    }
  });

  it("answers 401 with the OpenAI error object for a missing, unknown or malformed key", async () => {
    const missing = await app(true).request("/whoami");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    expect(await missing.json()).toEqual({
      error: expect.objectContaining({ type: "authentication_error", code: "missing_api_key" }),
    });
    const unknown = await app(true).request("/whoami", bearer("sk-mallory"));
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: { code: "invalid_api_key" } });
    const malformed = await app(true).request("/whoami", { headers: { authorization: "Basic abc" } });
    expect(malformed.status).toBe(401);
  });

  it("treats an unknown key as the local owner when keys are optional", async () => {
    const res = await app(false).request("/whoami", bearer("sk-placeholder"));
    expect(await res.json()).toEqual({ owner: "local" });
  });
});
