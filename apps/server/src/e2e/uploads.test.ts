// Client images in PNG, JPEG and WebP are stored and served as PNG: uploads (POST /api/images) and the
// source of an edit answered by URL, which is stored with its edit in one transaction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sniffImage } from "../images/sniff.ts";
import { ENCODED_SIZE, RED_GIF, RED_JPEG, RED_WEBP } from "../testing/encoded-images.ts";
import { makePng } from "../testing/png.ts";
import { countRows, type Harness, startHarness, TEST_STEPS } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
}, 60_000);
afterAll(() => harness?.close());

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

function form(fields: Record<string, string | File>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return body;
}

const upload = (file: File) => harness.app.request("/api/images", { method: "POST", body: form({ file }) });

async function servedPng(path: string) {
  const res = await harness.app.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  return sniffImage(new Uint8Array(await res.arrayBuffer()));
}

describe("uploads", () => {
  it.each([
    ["JPEG", new File([RED_JPEG], "red.jpg", { type: "image/jpeg" })],
    ["WebP", new File([RED_WEBP], "red.webp", { type: "image/webp" })],
    ["PNG", new File([makePng(12, 8)], "red.png", { type: "image/png" })],
  ])("stores a %s upload as PNG", async (_, file) => {
    const res = await upload(file);
    expect(res.status).toBe(201);
    const meta = (await res.json()) as { id: string; url: string; width: number; height: number };
    expect(meta).toMatchObject({ ...ENCODED_SIZE, source: "upload" });
    expect(await servedPng(meta.url)).toEqual({ format: "png", ...ENCODED_SIZE });
  });

  it.each([
    ["a GIF", new File([RED_GIF], "red.gif", { type: "image/gif" })],
    ["garbage", new File([new TextEncoder().encode("certainly not an image")], "x.png")],
    // A JPEG whose header is fine but whose scan data is cut off.
    ["a truncated JPEG", new File([RED_JPEG.subarray(0, 200)], "cut.jpg", { type: "image/jpeg" })],
  ])("refuses %s with the OpenAI error object and stores nothing", async (_, file) => {
    const before = await countRows(harness.db);
    const res = await upload(file);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: "file", code: "invalid_image" });
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(await countRows(harness.db)).toEqual(before);
  });
});

describe("edits answered by URL", () => {
  it("stores a JPEG source as PNG together with its edit, linked as parent", async () => {
    const res = await harness.app.request("/v1/images/edits", {
      method: "POST",
      body: form({
        image: new File([RED_JPEG], "red.jpg", { type: "image/jpeg" }),
        prompt: "make it blue",
        response_format: "url",
        steps: String(TEST_STEPS),
        seed: "3",
      }),
    });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { url: string }[] };
    const url = new URL(data[0]?.url ?? "");
    expect(await servedPng(url.pathname)).toMatchObject({ format: "png", width: harness.imageSize });
    const id = url.pathname.split("/").at(-1);
    const lineage = await harness.app.request(`/api/images/${id}/lineage`);
    const { data: chain } = (await lineage.json()) as { data: { id: string; source: string }[] };
    expect(chain.map((image) => image.source)).toEqual(["edited", "upload"]);
    expect(await servedPng(`/v1/images/${chain[1]?.id}`)).toEqual({ format: "png", ...ENCODED_SIZE });
  });
});
