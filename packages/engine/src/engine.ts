// loadEngine: one loaded package behind the public UniLIPEngine interface. Arguments are validated
// here, once; per-request state lives in each call. The only shared state is content-addressed
// caches (encoder features, conversation KV prefixes), which concurrent calls read safely.
import { PrefixCache } from "./cache/prefix-cache.ts";
import { editImage } from "./diffusion/edit.ts";
import { generateImage } from "./diffusion/generate.ts";
import { reconstructImage } from "./diffusion/reconstruct.ts";
import { defaultGuidance } from "./diffusion/sampling-options.ts";
import { EngineError } from "./errors.ts";
import { PREFIX_CACHE_ENTRIES } from "./limits.ts";
import { DEFAULT_MODEL_DIR } from "./model-dir.ts";
import {
  EditOptionsSchema,
  ImageBytesSchema,
  ImageOptionsSchema,
  InstructionSchema,
  MessagesSchema,
  parseArgument,
  RouteOptionsSchema,
  TextOptionsSchema,
} from "./options.ts";
import { type Capability, hasCapability, routeCapabilities } from "./package/capabilities.ts";
import { type LoadPackageOptions, loadPackage } from "./package/load-package.ts";
import type { LoadedPackage } from "./package/types.ts";
import { randomSeed } from "./rng/seed.ts";
import { routeConversation } from "./router/route.ts";
import { generateText, type TextOutcome } from "./text/generate-text.ts";
import { preparePrompt } from "./text/prepare-prompt.ts";
import type { ChatMessage, ModelInfo, TextOptions, UniLIPEngine } from "./types.ts";

export interface LoadEngineOptions extends LoadPackageOptions {
  /** Conversation prefixes kept for KV reuse across turns (0 disables reuse). */
  prefixCacheEntries?: number;
}

/** Sampling defaults for text when the caller names none: greedy, no truncation. */
export const TEXT_DEFAULTS = { temperature: 0, topK: 0, topP: 1 } as const;

function describe(pkg: LoadedPackage): ModelInfo {
  const { manifest } = pkg;
  const canGenerate = hasCapability(manifest, "generate");
  return {
    id: manifest.name,
    description: manifest.description,
    imageSize: manifest.image.size,
    inputModalities: hasCapability(manifest, "image_input") ? ["text", "image"] : ["text"],
    outputModalities: canGenerate ? ["text", "image"] : ["text"],
    capabilities: routeCapabilities(manifest),
    modelTrainedToRoute: manifest.routing.mode === "image_start_token",
    memoryBytes: pkg.memoryBytes,
    defaults: {
      steps: manifest.sampler.steps,
      guidance: defaultGuidance(pkg, "generate"),
      editGuidance: defaultGuidance(pkg, "edit"),
      sampler: manifest.sampler.name,
      maxNewTokens: manifest.generation.max_new_tokens,
    },
  };
}

export async function loadEngine(
  dir = DEFAULT_MODEL_DIR,
  options: LoadEngineOptions = {},
): Promise<UniLIPEngine> {
  const pkg = await loadPackage(dir, options);
  const entries = options.prefixCacheEntries ?? PREFIX_CACHE_ENTRIES;
  const prefixCache = entries > 0 ? new PrefixCache(entries) : undefined;
  const info = describe(pkg);
  let disposed = false;

  const ready = (capability: Capability, job: string) => {
    if (disposed) throw new EngineError("runtime", "the engine has been disposed");
    if (!hasCapability(pkg.manifest, capability)) {
      throw new EngineError(
        "unsupported",
        `${info.id} cannot do ${job}: its package lacks the graphs for it`,
      );
    }
  };
  const parseMessages = (messages: ChatMessage[]): ChatMessage[] => {
    const parsed: ChatMessage[] = parseArgument(MessagesSchema, messages, "messages");
    if (parsed.some((m) => typeof m.content !== "string" && m.content.some((p) => p.type === "image"))) {
      ready("image_input", "image input");
    }
    return parsed;
  };

  return {
    info: () => info,

    async route(messages, routeOptions = {}) {
      ready("understand", "routing");
      const request = parseArgument(RouteOptionsSchema, routeOptions, "route options");
      return routeConversation(pkg, parseMessages(messages), request, prefixCache);
    },

    async *streamText(messages, textOptions: TextOptions = {}) {
      ready("understand", "text");
      const parsed = parseArgument(TextOptionsSchema, textOptions, "text options");
      const prompt = await preparePrompt(pkg, parseMessages(messages), true);
      const outcome: TextOutcome = yield* generateText(
        pkg,
        prompt,
        {
          maxNewTokens: parsed.maxNewTokens ?? pkg.manifest.generation.max_new_tokens,
          temperature: parsed.temperature ?? TEXT_DEFAULTS.temperature,
          topK: parsed.topK ?? TEXT_DEFAULTS.topK,
          topP: parsed.topP ?? TEXT_DEFAULTS.topP,
          seed: parsed.seed ?? randomSeed(),
          stop: parsed.stop ?? [],
          stopTokenIds: parsed.ignoreEos ? [] : pkg.manifest.generation.stop_token_ids,
          ...(parsed.signal === undefined ? {} : { signal: parsed.signal }),
        },
        prefixCache,
      );
      return outcome;
    },

    async generate(prompt, imageOptions = {}) {
      ready("generate", "image generation");
      const text = parseArgument(InstructionSchema, prompt, "prompt");
      return generateImage(pkg, text, parseArgument(ImageOptionsSchema, imageOptions, "image options"));
    },

    async edit(image, instruction, editOptions = {}) {
      ready("edit", "image editing");
      const text = parseArgument(InstructionSchema, instruction, "instruction");
      const bytes = parseArgument(ImageBytesSchema, image, "image");
      return editImage(pkg, bytes, text, parseArgument(EditOptionsSchema, editOptions, "edit options"));
    },

    async reconstruct(image) {
      ready("reconstruct", "reconstruction");
      return reconstructImage(pkg, parseArgument(ImageBytesSchema, image, "image"));
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      prefixCache?.clear();
      await pkg.dispose();
    },
  } satisfies UniLIPEngine;
}
