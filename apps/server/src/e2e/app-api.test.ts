// The App API (docs/app-api.md) end to end: conversations, SSE turns with branches, regenerate, cancel,
// uploads, lineage, and owner isolation between API keys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_EVERY_STEPS } from "../limits.ts";
import { makePng } from "../testing/png.ts";
import { countRows, type Harness, jsonPost, parseSse, startHarness, TEST_STEPS } from "./harness.ts";

let harness: Harness;
let alice: Record<string, string>;
let bob: Record<string, string>;

beforeAll(async () => {
  harness = await startHarness({ requireKeys: true });
  const [a, b] = await Promise.all([
    harness.store.createApiKey({ name: "alice" }),
    harness.store.createApiKey({ name: "bob" }),
  ]);
  alice = { authorization: `Bearer ${a.key}` };
  bob = { authorization: `Bearer ${b.key}` };
}, 60_000);
afterAll(() => harness?.close());

type Json = Record<string, unknown>;
const get = (path: string, headers = alice) => harness.app.request(path, { headers });
const post = (path: string, body: unknown, headers = alice) =>
  harness.app.request(path, jsonPost(body, headers));

async function newConversation(title = "Shapes"): Promise<string> {
  const res = await post("/api/conversations", { title });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function upload(headers = alice): Promise<Json> {
  const form = new FormData();
  form.set("file", new File([makePng(24, 24, [0, 0, 255])], "blue.png", { type: "image/png" }));
  const res = await harness.app.request("/api/images", { method: "POST", body: form, headers });
  expect(res.status).toBe(201);
  return (await res.json()) as Json;
}

async function turn(path: string, body: unknown) {
  const res = await post(path, body);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const events = parseSse(await res.text()).map((e) => ({
    event: e.event,
    data: JSON.parse(e.data) as Json,
  }));
  return { events, names: events.map((e) => e.event), last: events.at(-1)?.data ?? {} };
}

const settings = { steps: TEST_STEPS, max_tokens: 3, seed: 5 };

describe("conversations", () => {
  it("creates, lists newest first, renames, reads and deletes", async () => {
    const first = await newConversation("first");
    const second = await newConversation("second");
    const list = (await (await get("/api/conversations")).json()) as { data: Json[] };
    expect(list.data.map((c) => c.id).slice(0, 2)).toEqual([second, first]);

    const renamed = await harness.app.request(`/api/conversations/${first}`, {
      method: "PATCH",
      body: JSON.stringify({ title: "renamed" }),
      headers: { ...alice, "content-type": "application/json" },
    });
    expect(await renamed.json()).toMatchObject({ id: first, title: "renamed" });
    expect(await (await get(`/api/conversations/${first}`)).json()).toMatchObject({
      conversation: { id: first, title: "renamed" },
      messages: [],
      images: [],
    });

    const deleted = await harness.app.request(`/api/conversations/${first}`, {
      method: "DELETE",
      headers: alice,
    });
    expect(deleted.status).toBe(204);
    expect((await get(`/api/conversations/${first}`)).status).toBe(404);
  });
});

describe("turns", () => {
  it("answers a question, then draws, then edits the drawing, recording lineage", async () => {
    const id = await newConversation();
    const asked = await turn(`/api/conversations/${id}/messages`, {
      parent_id: null,
      content: [{ type: "text", text: "How many circles?" }],
      route: "understand",
      settings,
    });
    expect(asked.names[0]).toBe("user_message");
    expect(asked.names[1]).toBe("assistant_message");
    expect(asked.names[2]).toBe("route");
    expect(asked.names.at(-1)).toBe("done");
    const answer = asked.last.message as Json;
    expect(answer).toMatchObject({ role: "assistant", status: "complete", route: "understand" });
    // What was streamed is what was stored (the random model may stop at once, streaming nothing).
    const streamed = asked.events
      .filter((e) => e.event === "token")
      .map((e) => e.data.text)
      .join("");
    expect(answer.content).toEqual(streamed === "" ? [] : [{ type: "text", text: streamed }]);

    const drawn = await turn(`/api/conversations/${id}/messages`, {
      parent_id: answer.id,
      content: [{ type: "text", text: "Draw a green star." }],
      route: "generate",
      settings: { ...settings, steps: PREVIEW_EVERY_STEPS + 1 },
    });
    const progress = drawn.events.filter((e) => e.event === "progress").map((e) => e.data);
    expect(progress.map((p) => p.step)).toEqual(
      Array.from({ length: PREVIEW_EVERY_STEPS + 1 }, (_, i) => i + 1),
    );
    // A preview rides on every PREVIEW_EVERY_STEPS-th step, except the last (the image itself follows).
    expect(progress[PREVIEW_EVERY_STEPS - 1]?.preview).toMatch(/^data:image\/png;base64,/);
    expect(progress.filter((p) => p.preview !== undefined)).toHaveLength(1);
    const [image] = drawn.last.images as Json[];
    expect(image).toMatchObject({
      source: "generated",
      instruction: "Draw a green star.",
      parent_image_id: null,
    });
    expect(image?.settings).toMatchObject({ steps: PREVIEW_EVERY_STEPS + 1, seed: 5 });
    const png = await get(image?.url as string);
    expect(png.headers.get("content-type")).toBe("image/png");

    const edited = await turn(`/api/conversations/${id}/messages`, {
      parent_id: (drawn.last.message as Json).id,
      content: [{ type: "text", text: "Make it red." }],
      route: "edit",
      settings,
    });
    const [result] = edited.last.images as Json[];
    expect(result).toMatchObject({ source: "edited", parent_image_id: image?.id });
    const lineage = (await (await get(`/api/images/${result?.id}/lineage`)).json()) as { data: Json[] };
    expect(lineage.data.map((i) => i.id)).toEqual([result?.id, image?.id]);

    const detail = (await (await get(`/api/conversations/${id}`)).json()) as {
      messages: Json[];
      images: Json[];
    };
    expect(detail.messages).toHaveLength(6);
    expect(detail.images).toHaveLength(2);
  });

  it("edits an uploaded image, branches on an edited question, and regenerates an answer", async () => {
    const id = await newConversation();
    const uploaded = await upload();
    const first = await turn(`/api/conversations/${id}/messages`, {
      parent_id: null,
      content: [
        { type: "image", image_id: uploaded.id },
        { type: "text", text: "Make it yellow." },
      ],
      route: "edit",
      edit_image_id: uploaded.id,
      settings,
    });
    expect((first.last.images as Json[])[0]).toMatchObject({
      source: "edited",
      parent_image_id: uploaded.id,
    });

    const branch = await turn(`/api/conversations/${id}/messages`, {
      parent_id: null,
      content: [{ type: "text", text: "Draw a square instead." }],
      route: "generate",
      settings,
    });
    const regenerated = await turn(`/api/messages/${(branch.last.message as Json).id}/regenerate`, {
      settings,
    });
    expect(regenerated.names[0]).toBe("assistant_message");
    expect(regenerated.last.message).toMatchObject({ route: "generate", status: "complete" });

    const detail = (await (await get(`/api/conversations/${id}`)).json()) as { messages: Json[] };
    const roots = detail.messages.filter((m) => m.parent_id === null);
    expect(roots).toHaveLength(2);
    const branchUser = (branch.events[0]?.data.message as Json | undefined)?.id;
    expect(detail.messages.filter((m) => m.parent_id === branchUser)).toHaveLength(2);
  });

  it("refuses a busy conversation, and stores a cancelled turn as cancelled", async () => {
    const id = await newConversation();
    const slow = post(`/api/conversations/${id}/messages`, {
      parent_id: null,
      content: [{ type: "text", text: "Draw many shapes." }],
      route: "generate",
      settings: { steps: 100 },
    });
    const res = await slow;
    const reader = res.body?.getReader();
    let text = "";
    while (!text.includes("event: progress")) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    const busy = await post(`/api/conversations/${id}/messages`, {
      parent_id: null,
      content: [{ type: "text", text: "x" }],
    });
    expect(busy.status).toBe(409);

    const cancel = await harness.app.request(`/api/conversations/${id}/cancel`, {
      method: "POST",
      headers: alice,
    });
    expect(cancel.status).toBe(202);
    expect(await cancel.json()).toEqual({ cancelled: true });
    while (true) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    const done = parseSse(text).at(-1);
    expect(done?.event).toBe("done");
    expect(JSON.parse(done?.data ?? "{}")).toMatchObject({ message: { status: "cancelled" }, images: [] });
  });
});

describe("disconnects", () => {
  it("stores the answer as cancelled when the client closes the stream", async () => {
    const id = await newConversation();
    const controller = new AbortController();
    const res = await harness.app.request(`/api/conversations/${id}/messages`, {
      ...jsonPost(
        {
          parent_id: null,
          content: [{ type: "text", text: "Draw." }],
          route: "generate",
          settings: { steps: 100 },
        },
        alice,
      ),
      signal: controller.signal,
    });
    const reader = res.body?.getReader();
    let text = "";
    while (!text.includes("event: progress")) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    await reader?.cancel().catch(() => {});
    const deadline = Date.now() + 20_000;
    let status = "pending";
    while (status === "pending" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const detail = (await (await get(`/api/conversations/${id}`)).json()) as { messages: Json[] };
      status = String(detail.messages.find((m) => m.role === "assistant")?.status);
    }
    expect(status).toBe("cancelled");
  });
});

describe("isolation and keys", () => {
  it("hides one key's conversations and images from another (404), and requires a key", async () => {
    const id = await newConversation("alice only");
    const image = await upload();
    const before = await countRows(harness.db);
    expect((await get(`/api/conversations/${id}`, bob)).status).toBe(404);
    expect((await get(`/v1/images/${image.id}`, bob)).status).toBe(404);
    expect((await get(`/api/images/${image.id}/lineage`, bob)).status).toBe(404);
    const list = (await (await get("/api/conversations", bob)).json()) as { data: Json[] };
    expect(list.data.map((c) => c.id)).not.toContain(id);
    const hijack = await post(
      `/api/conversations/${id}/messages`,
      { parent_id: null, content: [{ type: "text", text: "hi" }] },
      bob,
    );
    expect(hijack.status).toBe(404);
    const deleted = await harness.app.request(`/api/conversations/${id}`, { method: "DELETE", headers: bob });
    expect(deleted.status).toBe(404);
    expect(await countRows(harness.db)).toEqual(before);

    const missing = await harness.app.request("/api/conversations");
    expect(missing.status).toBe(401);
    const wrong = await get("/api/conversations", { authorization: "Bearer ulc_wrong" });
    expect(wrong.status).toBe(401);
  });
});

describe("service routes", () => {
  it("reports health, metrics, the OpenAPI document and its page without a key", async () => {
    const health = await harness.app.request("/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      model: { loaded: true },
      database: { reachable: true },
    });
    const metrics = await (await harness.app.request("/metrics")).text();
    expect(metrics).toContain("unilip_http_requests_total");
    expect(metrics).toContain("unilip_queue_depth");
    expect(metrics).toContain("unilip_tokens_generated_total");
    const document = (await (await harness.app.request("/openapi.json")).json()) as Json;
    expect(document.openapi).toBe("3.1.0");
    const docs = await harness.app.request("/docs");
    expect(docs.headers.get("content-type")).toContain("text/html");
    expect(await docs.text()).not.toContain("<script");
  });
});
