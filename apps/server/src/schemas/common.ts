// Schemas shared by the OpenAI-compatible routes and the App API.
import { z } from "zod";
import { MAX_GUIDANCE, MAX_SEED, MAX_STEPS, MAX_TEMPERATURE, MAX_TOKENS } from "../limits.ts";

export const ROUTES = ["understand", "generate", "edit"] as const;
export const routeSchema = z.enum(ROUTES);
/** "auto" lets the model choose. */
export const routeChoiceSchema = z.enum(["auto", ...ROUTES]);

export const SAMPLERS = ["dpm-solver++2m", "flow-euler"] as const;

export const seedSchema = z.int().min(0).max(MAX_SEED);
export const stepsSchema = z.int().min(1).max(MAX_STEPS);
export const guidanceSchema = z.number().min(0).max(MAX_GUIDANCE);
export const temperatureSchema = z.number().min(0).max(MAX_TEMPERATURE);
export const maxTokensSchema = z.int().min(1).max(MAX_TOKENS);

/** Diffusion settings a request may set; the model's defaults fill the rest. */
export const imageSettingsSchema = z.object({
  steps: stepsSchema.optional(),
  guidance: guidanceSchema.optional(),
  seed: seedSchema.optional(),
  sampler: z.enum(SAMPLERS).optional(),
});
