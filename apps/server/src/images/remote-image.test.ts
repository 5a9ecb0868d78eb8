import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_IMAGE_BYTES } from "../limits.ts";
import { makePng } from "../testing/png.ts";
import { fetchRemoteImage } from "./remote-image.ts";

const png = makePng(3, 3);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/cat.png") return res.writeHead(200, { "content-type": "image/png" }).end(png);
    if (req.url === "/big.png") return res.writeHead(200).end(Buffer.alloc(MAX_IMAGE_BYTES + 1));
    if (req.url === "/moved") return res.writeHead(302, { location: "/cat.png" }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const allowed = { allowedHosts: ["127.0.0.1"], param: "messages[0].content[1].image_url" };

describe("fetchRemoteImage", () => {
  it("fetches from an allow-listed host", async () => {
    expect(await fetchRemoteImage(`${base}/cat.png`, allowed)).toEqual(png);
  });

  it("refuses every host when the allow-list is empty, and hosts not on it", async () => {
    await expect(fetchRemoteImage(`${base}/cat.png`, { ...allowed, allowedHosts: [] })).rejects.toMatchObject(
      {
        status: 400,
        code: "remote_image_not_allowed",
        message: expect.stringContaining("disabled"),
      },
    );
    await expect(
      fetchRemoteImage(`${base}/cat.png`, { ...allowed, allowedHosts: ["images.example.com"] }),
    ).rejects.toMatchObject({ code: "remote_image_not_allowed" });
    await expect(fetchRemoteImage("ftp://127.0.0.1/x.png", allowed)).rejects.toMatchObject({
      code: "invalid_image_url",
    });
  });

  it("refuses redirects, HTTP errors and oversized bodies", async () => {
    await expect(fetchRemoteImage(`${base}/moved`, allowed)).rejects.toMatchObject({
      code: "image_fetch_failed",
    });
    await expect(fetchRemoteImage(`${base}/missing`, allowed)).rejects.toMatchObject({
      code: "image_fetch_failed",
      message: expect.stringContaining("404"),
    });
    await expect(fetchRemoteImage(`${base}/big.png`, allowed)).rejects.toMatchObject({
      code: "image_too_large",
    });
  });
});
