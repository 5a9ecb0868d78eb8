// The OpenAI Images API: POST /v1/images/generations, POST /v1/images/edits, and GET /v1/images/:id for
// stored images (owner-scoped; also where App API image URLs point).
import type { Store } from "@unilip/db";
import type { ImageResult } from "@unilip/engine";
import { type Context, Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-deps.ts";
import { invalidRequest } from "../errors.ts";
import { plainBytes } from "../images/bytes.ts";
import { checkImage } from "../images/check-image.ts";
import { storablePng } from "../images/storable-png.ts";
import {
  type ImagesResponse,
  imageEditRequestSchema,
  imageGenerationRequestSchema,
} from "../openai/images-request.ts";
import { startTurn } from "../turn/start-turn.ts";
import type { TurnInput } from "../turn/types.ts";
import { formBody, jsonBody } from "../validate.ts";
import { requireModel } from "./models.ts";

/** `size` may be omitted, "auto", or the model's own size; the model draws at one size only. */
function checkSize(size: string | undefined, imageSize: number): void {
  if (size === undefined || size === "auto" || size === `${imageSize}x${imageSize}`) return;
  throw invalidRequest(
    `This model draws ${imageSize}x${imageSize} images; size must be "auto" or "${imageSize}x${imageSize}".`,
    {
      param: "size",
      code: "unsupported_size",
    },
  );
}

async function fileBytes(file: File, param: string): Promise<Uint8Array> {
  return checkImage(new Uint8Array(await file.arrayBuffer()), param).bytes;
}

async function runImageTurn(deps: AppDeps, c: Context<AppEnv>, input: TurnInput): Promise<ImageResult> {
  const result = await startTurn(deps, c.var.owner, input, c.req.raw.signal).result;
  if (result.type !== "image") throw new TypeError(`an image route produced a ${result.type} result`);
  return result.image;
}

function settingsOf(image: ImageResult) {
  return { seed: image.seed, steps: image.steps, guidance: image.guidance, sampler: image.sampler };
}

async function respond(
  c: Context<AppEnv>,
  image: ImageResult,
  format: "b64_json" | "url",
  stored: () => Promise<{ id: string }>,
): Promise<Response> {
  const body: ImagesResponse = {
    created: Math.floor(Date.now() / 1000),
    data: [
      format === "url"
        ? { url: new URL(`/v1/images/${(await stored()).id}`, c.req.url).href }
        : { b64_json: Buffer.from(image.png).toString("base64") },
    ],
    output_format: "png",
    size: `${image.width}x${image.height}`,
  };
  return c.json(body);
}

export function imageRoutes(deps: AppDeps, store: Store) {
  const imageSize = () => deps.engine.info().imageSize;

  return new Hono<AppEnv>()
    .post("/images/generations", jsonBody(imageGenerationRequestSchema), async (c) => {
      const body = c.req.valid("json");
      if (body.model !== undefined) requireModel(deps.engine, body.model);
      checkSize(body.size, imageSize());
      const { prompt, steps, guidance, seed, sampler } = body;
      const image = await runImageTurn(deps, c, {
        messages: [{ role: "user", content: prompt }],
        images: [],
        prompt,
        route: "generate",
        text: {},
        image: { steps, guidance, seed, sampler },
      });
      return respond(c, image, body.response_format, () =>
        store.insertImage({
          ownerId: c.var.owner,
          image: {
            bytes: plainBytes(image.png),
            source: "generated",
            instruction: prompt,
            settings: settingsOf(image),
          },
        }),
      );
    })
    .post("/images/edits", formBody(imageEditRequestSchema), async (c) => {
      const body = c.req.valid("form");
      if (body.model !== undefined) requireModel(deps.engine, body.model);
      checkSize(body.size, imageSize());
      // The source is turned into the PNG that a url answer stores, and the model edits that same PNG.
      const source = await storablePng(new Uint8Array(await body.image.arrayBuffer()), "image");
      const mask = body.mask ? await fileBytes(body.mask, "mask") : undefined;
      const { prompt, steps, guidance, seed, sampler } = body;
      const image = await runImageTurn(deps, c, {
        messages: [
          {
            role: "user",
            content: [
              { type: "image", image: source },
              { type: "text", text: prompt },
            ],
          },
        ],
        images: [source],
        prompt,
        route: "edit",
        editImageIndex: 0,
        text: {},
        image: { steps, guidance, seed, sampler, mask },
      });
      return respond(c, image, body.response_format, async () => {
        // The upload and its edit in one transaction: a failure stores neither.
        const [, edited] = await store.insertImages({
          ownerId: c.var.owner,
          images: [
            { bytes: source, source: "upload" },
            {
              bytes: plainBytes(image.png),
              source: "edited",
              parentIndex: 0,
              instruction: prompt,
              settings: settingsOf(image),
            },
          ],
        });
        if (!edited) throw new TypeError("insertImages stored fewer images than it was given");
        return edited;
      });
    })
    .get("/images/:id", async (c) => {
      const row = await store.getImage({ ownerId: c.var.owner, id: c.req.param("id") });
      return c.body(new Uint8Array(row.bytes), 200, {
        "Content-Type": row.mime,
        // Stored images never change, but they are private to their owner.
        "Cache-Control": "private, max-age=31536000, immutable",
      });
    });
}
