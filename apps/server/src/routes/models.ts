// GET /v1/models and /v1/models/:id: the one model this server runs, with what it can take and make.
import type { UniLIPEngine } from "@unilip/engine";
import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../app-deps.ts";
import { ApiError } from "../errors.ts";
import { routeSchema } from "../schemas/common.ts";

const modalitySchema = z.enum(["text", "image"]);

export const modelSchema = z.object({
  id: z.string(),
  object: z.literal("model"),
  created: z.int(),
  owned_by: z.string(),
  description: z.string(),
  input_modalities: z.array(modalitySchema),
  output_modalities: z.array(modalitySchema),
  capabilities: z.array(routeSchema),
  image_size: z.int(),
  trained_to_route: z.boolean(),
  defaults: z.object({
    steps: z.int(),
    guidance: z.number(),
    edit_guidance: z.number(),
    sampler: z.string(),
    max_new_tokens: z.int(),
  }),
});
export type ModelObject = z.infer<typeof modelSchema>;
export const modelListSchema = z.object({ object: z.literal("list"), data: z.array(modelSchema) });

/** The model id a request named, when it is the one served; 404 `model_not_found` otherwise. */
export function requireModel(engine: UniLIPEngine, requested: string): string {
  const id = engine.info().id;
  if (requested !== id) {
    throw new ApiError(404, `The model '${requested}' does not exist; this server runs '${id}'.`, {
      code: "model_not_found",
      param: "model",
    });
  }
  return id;
}

export function modelObject(engine: UniLIPEngine, created: number): ModelObject {
  const info = engine.info();
  return {
    id: info.id,
    object: "model",
    created,
    owned_by: "unilip",
    description: info.description,
    input_modalities: info.inputModalities,
    output_modalities: info.outputModalities,
    capabilities: info.capabilities,
    image_size: info.imageSize,
    trained_to_route: info.modelTrainedToRoute,
    defaults: {
      steps: info.defaults.steps,
      guidance: info.defaults.guidance,
      edit_guidance: info.defaults.editGuidance,
      sampler: info.defaults.sampler,
      max_new_tokens: info.defaults.maxNewTokens,
    },
  };
}

export function modelRoutes(deps: AppDeps) {
  // "created" is when this server loaded the model: the package carries no release date.
  const loadedAt = Math.floor(Date.now() / 1000);
  return new Hono<AppEnv>()
    .get("/models", (c) => c.json({ object: "list" as const, data: [modelObject(deps.engine, loadedAt)] }))
    .get("/models/:id{.+}", (c) => {
      requireModel(deps.engine, c.req.param("id"));
      return c.json(modelObject(deps.engine, loadedAt));
    });
}
