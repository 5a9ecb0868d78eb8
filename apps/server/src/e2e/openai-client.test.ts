// The official `openai` client against the real server (tiny random model, in-memory PGlite) on an
// ephemeral loopback port. The random model's words and pixels are noise; shapes, routes and errors are
// what is checked.
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sniffImage } from "../images/sniff.ts";
import type { Listening } from "../listen.ts";
import { makePng, toDataUrl } from "../testing/png.ts";
import { type Harness, serveHarness, startHarness, TEST_STEPS } from "./harness.ts";

let harness: Harness;
let server: Listening;
let client: OpenAI;

beforeAll(async () => {
  harness = await startHarness();
  server = await serveHarness(harness);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-local", maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await harness?.close();
});

function pngOfDataUrl(url: string): Uint8Array {
  expect(url.startsWith("data:image/png;base64,")).toBe(true);
  return new Uint8Array(Buffer.from(url.slice("data:image/png;base64,".length), "base64"));
}

type ImageMessage = { images?: { type: "image_url"; image_url: { url: string } }[] };

describe("models", () => {
  it("lists the one model with its modalities and capabilities", async () => {
    const models = await client.models.list();
    expect(models.data).toHaveLength(1);
    const model = models.data[0] as unknown as Record<string, unknown>;
    expect(model).toMatchObject({ id: harness.modelId, object: "model", owned_by: "unilip" });
    expect(model.input_modalities).toEqual(harness.engine.info().inputModalities);
    expect(model.capabilities).toEqual(harness.engine.info().capabilities);
    expect((await client.models.retrieve(harness.modelId)).id).toBe(harness.modelId);
  });
});

describe("chat completions", () => {
  it("answers a text question", async () => {
    const completion = await client.chat.completions.create({
      model: harness.modelId,
      messages: [{ role: "user", content: "How many shapes are there?" }],
      modalities: ["text"],
      max_completion_tokens: 4,
      seed: 1,
    });
    expect(completion.object).toBe("chat.completion");
    expect(typeof completion.choices[0]?.message.content).toBe("string");
    expect(["stop", "length"]).toContain(completion.choices[0]?.finish_reason);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(4);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("answers a question about an image", async () => {
    const completion = await client.chat.completions.create({
      model: harness.modelId,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What colour is the shape?" },
            { type: "image_url", image_url: { url: toDataUrl(makePng(32, 32)) } },
          ],
        },
      ],
      modalities: ["text"],
      max_tokens: 3,
    });
    // The image's context tokens count as prompt tokens.
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(harness.engine.info().imageSize > 0 ? 8 : 0);
    expect(completion.choices[0]?.message.role).toBe("assistant");
  });

  it("streams chunks and ends with usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model: harness.modelId,
      messages: [{ role: "user", content: "Describe the picture." }],
      modalities: ["text"],
      max_completion_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(["stop", "length"]).toContain(finish?.choices[0]?.finish_reason);
    const last = chunks.at(-1);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("generates an image when forced by header, then edits it in the next turn", async () => {
    const generateBody = {
      model: harness.modelId,
      messages: [{ role: "user" as const, content: "Draw a red circle." }],
      unilip: { steps: TEST_STEPS, seed: 3 },
    };
    const generated = await client.chat.completions.create(generateBody, {
      headers: { "x-unilip-route": "generate" },
    });
    const drawn =
      (generated.choices[0]?.message as ImageMessage | undefined)?.images?.[0]?.image_url.url ?? "";
    expect(sniffImage(pngOfDataUrl(drawn))).toEqual({
      format: "png",
      width: harness.imageSize,
      height: harness.imageSize,
    });
    expect((generated as unknown as { unilip_route: string }).unilip_route).toBe("generate");

    const editBody = {
      model: harness.modelId,
      messages: [
        { role: "user" as const, content: "Draw a red circle." },
        {
          role: "assistant" as const,
          content: "",
          images: [{ type: "image_url", image_url: { url: drawn } }],
        },
        { role: "user" as const, content: "Make the circle blue." },
      ],
      unilip: { route: "edit", steps: TEST_STEPS, seed: 4 },
    };
    const edited = await client.chat.completions.create(editBody);
    expect((edited as unknown as { unilip_route: string }).unilip_route).toBe("edit");
    const result = (edited.choices[0]?.message as ImageMessage | undefined)?.images?.[0]?.image_url.url ?? "";
    expect(sniffImage(pngOfDataUrl(result))?.width).toBe(harness.imageSize);
  });

  it("draws when modalities ask for an image only", async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: harness.modelId,
        messages: [{ role: "user", content: "A blue triangle." }],
        modalities: ["image"],
        unilip: { steps: TEST_STEPS },
      }),
    });
    const body = (await res.json()) as { unilip_route: string; choices: { message: ImageMessage }[] };
    expect(body.unilip_route).toBe("generate");
    expect(body.choices[0]?.message.images).toHaveLength(1);
  });

  it("streams generation progress, then the image in the final delta", async () => {
    const body = {
      model: harness.modelId,
      messages: [{ role: "user" as const, content: "Draw two squares." }],
      stream: true as const,
      unilip: { route: "generate", steps: TEST_STEPS },
    };
    const chunks = [];
    for await (const chunk of await client.chat.completions.create(body)) chunks.push(chunk);
    const progress = chunks.flatMap((chunk) => {
      const extra = chunk as unknown as { unilip_progress?: { step: number; total: number } };
      return extra.unilip_progress ? [extra.unilip_progress] : [];
    });
    expect(progress.at(-1)).toEqual({ step: TEST_STEPS, total: TEST_STEPS });
    const final = chunks.find((chunk) => chunk.choices[0]?.finish_reason === "stop");
    const delta = final?.choices[0]?.delta as ImageMessage | undefined;
    expect(sniffImage(pngOfDataUrl(delta?.images?.[0]?.image_url.url ?? ""))?.format).toBe("png");
  });
});

describe("images API", () => {
  it("generates as b64_json and as a stored URL the owner can fetch", async () => {
    const size = `${harness.imageSize}x${harness.imageSize}` as "256x256";
    const b64 = await client.images.generate({
      ...{ steps: TEST_STEPS },
      model: harness.modelId,
      prompt: "a star",
      size,
    });
    const png = new Uint8Array(Buffer.from(b64.data?.[0]?.b64_json ?? "", "base64"));
    expect(sniffImage(png)?.width).toBe(harness.imageSize);

    const byUrl = await client.images.generate({
      ...{ steps: TEST_STEPS },
      prompt: "a star",
      response_format: "url",
    });
    const url = byUrl.data?.[0]?.url ?? "";
    expect(url).toMatch(new RegExp(`^${server.url}/v1/images/img_`));
    const res = await fetch(url);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(sniffImage(new Uint8Array(await res.arrayBuffer()))?.format).toBe("png");
  });

  it("edits an uploaded image within a mask", async () => {
    const image = await toFile(makePng(40, 40, [10, 200, 10]), "green.png", { type: "image/png" });
    const mask = await toFile(makePng(40, 40, [255, 255, 255]), "mask.png", { type: "image/png" });
    const edited = await client.images.edit({
      ...{ steps: TEST_STEPS, seed: 9 },
      image,
      mask,
      prompt: "make it red",
    });
    const png = new Uint8Array(Buffer.from(edited.data?.[0]?.b64_json ?? "", "base64"));
    expect(sniffImage(png)?.width).toBe(harness.imageSize);
  });
});

describe("errors through the official client", () => {
  async function apiError(call: Promise<unknown>) {
    const error = await call.then(
      () => {
        throw new Error("expected an API error");
      },
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as InstanceType<typeof OpenAI.APIError>;
  }
  const ask = { messages: [{ role: "user" as const, content: "hi" }], max_tokens: 2 };

  it("reports an unknown model, n > 1, bad images and a wrong size with status and error object", async () => {
    const unknownModel = await apiError(client.chat.completions.create({ ...ask, model: "gpt-4o" }));
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.code).toBe("model_not_found");
    expect(unknownModel.type).toBe("not_found_error");

    const n = await apiError(client.chat.completions.create({ ...ask, model: harness.modelId, n: 2 }));
    expect(n.status).toBe(400);
    expect(n.param).toBe("n");
    expect(n.message).toContain("one choice");

    const badBase64 = await apiError(
      client.chat.completions.create({
        model: harness.modelId,
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,@@@" } }] },
        ],
      }),
    );
    expect(badBase64.status).toBe(400);
    expect(badBase64.code).toBe("invalid_base64");
    expect(badBase64.param).toBe("messages[0].content[0].image_url.url");

    const remote = await apiError(
      client.chat.completions.create({
        model: harness.modelId,
        messages: [
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
        ],
      }),
    );
    expect(remote.status).toBe(400);
    expect(remote.code).toBe("remote_image_not_allowed");

    const size = await apiError(client.images.generate({ prompt: "a star", size: "1024x1024" }));
    expect(size.status).toBe(400);
    expect(size.param).toBe("size");
  });
});
