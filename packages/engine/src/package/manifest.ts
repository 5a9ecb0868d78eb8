// The zod schema of unilip.json (docs/model-package.md). The manifest is the package's edge: everything
// the engine knows about a model's shapes, ids and graphs comes through this schema, validated once.
import { z } from "zod";

const id = z.number().int().nonnegative();
const positive = z.number().int().positive();

export const GRAPH_NAMES = [
  "vision_encoder",
  "embed_tokens",
  "decoder",
  "connector",
  "dit_condition",
  "dit",
  "pixel_decoder",
  "latent_encoder",
] as const;

export const TensorDtypeSchema = z.enum(["float32", "int64"]);
export type TensorDtype = z.infer<typeof TensorDtypeSchema>;

/** A shape entry: a fixed size or a symbolic axis ("batch", "seq", "past", "total", "cond"). */
const GraphIoSchema = z.object({
  name: z.string().min(1),
  dtype: TensorDtypeSchema,
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
});
export type GraphIo = z.infer<typeof GraphIoSchema>;

const GraphSpecSchema = z.object({
  file: z.string().min(1),
  inputs: z.array(GraphIoSchema).min(1),
  outputs: z.array(GraphIoSchema).min(1),
});
export type GraphSpec = z.infer<typeof GraphSpecSchema>;

/** Text needs embed_tokens + decoder; every other graph unlocks a capability (see capabilities.ts). */
const GraphsSchema = z.object({
  embed_tokens: GraphSpecSchema,
  decoder: GraphSpecSchema,
  vision_encoder: GraphSpecSchema.optional(),
  connector: GraphSpecSchema.optional(),
  dit_condition: GraphSpecSchema.optional(),
  dit: GraphSpecSchema.optional(),
  pixel_decoder: GraphSpecSchema.optional(),
  latent_encoder: GraphSpecSchema.optional(),
});

export const ManifestSchema = z.object({
  // 2: the DiT's condition projection is its own graph (dit_condition), run once per image, and
  // latent_encoder reads the vision encoder's features instead of repeating the ViT.
  format_version: z.literal(2, {
    error: "this engine reads format 2; re-export the package with training/unilip/export.py",
  }),
  name: z.string().min(1),
  description: z.string(),
  config: z.record(z.string(), z.unknown()),
  image: z.object({ size: positive, channels: z.literal(3) }),
  llm: z.object({
    hidden_size: positive,
    num_layers: positive,
    num_kv_heads: positive,
    head_dim: positive,
    vocab_size: positive,
    max_position: positive,
  }),
  vision: z.object({ tokens_per_image: positive }),
  latent: z.object({
    channels: positive,
    height: positive,
    width: positive,
    scale_factor: z.number().positive(),
  }),
  dit: z.object({ caption_channels: positive }),
  queries: z.object({ file: z.string().min(1), count: positive }),
  tokens: z.object({
    bos: id.nullable(),
    eos: id,
    pad: id,
    im_start: id,
    im_end: id,
    img_start: id,
    img_end: id,
    img_context: id,
  }),
  templates: z.object({
    generate: z.string().includes("{prompt}"),
    generate_null: z.string(),
    edit: z.string().includes("{instruction}"),
    edit_null: z.string(),
    assistant_prefix: z.string(),
    image: z.string().min(1),
  }),
  // Optional so that packages written before the field existed still load; absent means as typed.
  text: z.object({ lowercase: z.boolean().default(false) }).default({ lowercase: false }),
  routing: z.discriminatedUnion("mode", [
    z.object({
      mode: z.literal("image_start_token"),
      answers: z.object({ generate: z.string().min(1), edit: z.string().min(1) }),
    }),
    z.object({ mode: z.literal("zero_shot") }),
  ]),
  sampler: z.object({
    name: z.enum(["dpm-solver++2m", "flow-euler"]),
    steps: positive,
    guidance: z.number().nonnegative(),
    shift: z.number().positive(),
    // Guidance of edits when it differs from drawing's; absent means `guidance`.
    edit_guidance: z.number().nonnegative().optional(),
  }),
  generation: z.object({ max_new_tokens: positive, stop_token_ids: z.array(id) }),
  graphs: GraphsSchema,
  provenance: z
    .object({
      created: z.string().optional(),
      checkpoint: z.string().nullable().optional(),
      git_commit: z.string().nullable().optional(),
      training_steps: z.number().int().nonnegative().nullable().optional(),
      torch_version: z.string().nullable().optional(),
    })
    .optional(),
});

export type Manifest = z.infer<typeof ManifestSchema>;
