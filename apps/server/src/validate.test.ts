import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createOnError } from "./on-error.ts";
import { jsonBody, paramOf, parseWith } from "./validate.ts";

describe("parseWith", () => {
  const schema = z.object({ messages: z.array(z.object({ content: z.string() })) });

  it("returns the parsed value", () => {
    expect(parseWith(schema, { messages: [{ content: "hi" }], extra: 1 })).toEqual({
      messages: [{ content: "hi" }],
    });
  });

  it("throws a 400 naming the first offending field", () => {
    expect(() => parseWith(schema, { messages: [{ content: "a" }, { content: 3 }] })).toThrow(
      expect.objectContaining({ status: 400, param: "messages[1].content", code: "invalid_type" }),
    );
  });

  it("formats paths like OpenAI params", () => {
    expect(paramOf(["messages", 0, "content", 2, "image_url"])).toBe("messages[0].content[2].image_url");
    expect(paramOf([])).toBe("");
  });
});

describe("jsonBody", () => {
  const app = new Hono();
  app.onError(createOnError({ error: () => {}, info: () => {} }));
  app.post("/", jsonBody(z.object({ n: z.int() })), (c) => c.json(c.req.valid("json")));
  const post = (body: string, type = "application/json") =>
    app.request("/", { method: "POST", body, headers: { "content-type": type } });

  it("passes a valid body to the handler", async () => {
    expect(await (await post('{"n":1}')).json()).toEqual({ n: 1 });
  });

  it("answers malformed JSON, wrong types and wrong media types with 4xx error objects", async () => {
    const malformed = await post('{"n":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    const wrongType = await post('{"n":"one"}');
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { param: "n", code: "invalid_type" } });
    const text = await post("n=1", "text/plain");
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
  });
});
