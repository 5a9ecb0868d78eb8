import { describe, expect, it } from "vitest";
import { errorFromResponse, readJson } from "./api.ts";
import { conversationSchema } from "./api-types.ts";
import { ApiError } from "./errors.ts";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("errorFromResponse", () => {
  it("reads the OpenAI error object", async () => {
    const error = await errorFromResponse(
      json(
        {
          error: {
            message: "Prompt too long",
            type: "invalid_request_error",
            param: "content",
            code: "too_long",
          },
        },
        400,
      ),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: "http",
      status: 400,
      message: "Prompt too long",
      type: "invalid_request_error",
      param: "content",
      code: "too_long",
    });
  });

  it("describes a body that is not an error object by its status, keeping the cause", async () => {
    const html = await errorFromResponse(
      new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway" }),
    );
    expect(html).toMatchObject({ kind: "http", status: 502, message: "The server answered 502 Bad Gateway" });
    expect(html.cause).toBeInstanceOf(SyntaxError);
    const other = await errorFromResponse(json({ detail: "nope" }, 500));
    expect(other).toMatchObject({ status: 500, message: "The server answered 500" });
    expect(other.cause).toBeDefined();
  });
});

describe("readJson", () => {
  it("returns a body of the expected shape", async () => {
    const conversation = { id: "c1", title: "Shapes", created_at: "2025-01-01", updated_at: "2025-01-01" };
    expect(await readJson(json(conversation), conversationSchema)).toEqual(conversation);
  });

  it("refuses a body of another shape or invalid JSON with a protocol error", async () => {
    await expect(readJson(json({ id: 1 }), conversationSchema)).rejects.toMatchObject({ kind: "protocol" });
    await expect(readJson(new Response("{"), conversationSchema)).rejects.toMatchObject({ kind: "protocol" });
  });
});
