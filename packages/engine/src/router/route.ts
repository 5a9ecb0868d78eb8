// Chooses understand / generate / edit for a conversation: the caller's override, else the model's
// own trained answer, else a zero-shot classification question; understand when in doubt.
import type { PrefixCache } from "../cache/prefix-cache.ts";
import { EngineError } from "../errors.ts";
import { MAX_ROUTE_TOKENS } from "../limits.ts";
import { countImages } from "../options.ts";
import { hasCapability } from "../package/capabilities.ts";
import type { LoadedPackage } from "../package/types.ts";
import { generateText } from "../text/generate-text.ts";
import { preparePrompt } from "../text/prepare-prompt.ts";
import type { ChatMessage, Route, RouteDecision } from "../types.ts";
import { classificationMessages, lastUserText, routeFromClassWord, routeFromImageStart } from "./answers.ts";

export interface RouteRequest {
  override?: Route;
  /** Index into the conversation's flattened image list; default: the latest image. */
  referenceImageIndex?: number;
  signal?: AbortSignal;
}

/** Greedy answer of the model to a conversation, special tokens kept, at most `maxTokens` long. */
export async function readAnswer(
  pkg: LoadedPackage,
  messages: readonly ChatMessage[],
  maxTokens: number,
  signal: AbortSignal | undefined,
  prefixCache: PrefixCache | undefined,
): Promise<string> {
  const prompt = await preparePrompt(pkg, messages, true);
  const generator = generateText(
    pkg,
    prompt,
    {
      maxNewTokens: maxTokens,
      temperature: 0,
      topK: 0,
      topP: 1,
      seed: 0,
      stop: [],
      stopTokenIds: pkg.manifest.generation.stop_token_ids,
      keepSpecialTokens: true,
      ...(signal === undefined ? {} : { signal }),
    },
    prefixCache,
  );
  let step = await generator.next();
  while (step.done !== true) step = await generator.next();
  if (step.value.finishReason === "cancelled") {
    throw new EngineError("cancelled", "routing was cancelled", { cause: signal?.reason });
  }
  return step.value.text;
}

async function modelRoute(
  pkg: LoadedPackage,
  messages: readonly ChatMessage[],
  imageCount: number,
  request: RouteRequest,
  prefixCache: PrefixCache | undefined,
): Promise<{ route: Route; source: RouteDecision["source"] }> {
  const { routing } = pkg.manifest;
  if (routing.mode === "image_start_token") {
    const longest = Math.max(
      pkg.tokenizer.encode(routing.answers.generate).length,
      pkg.tokenizer.encode(routing.answers.edit).length,
    );
    const answer = await readAnswer(
      pkg,
      messages,
      Math.min(longest, MAX_ROUTE_TOKENS),
      request.signal,
      prefixCache,
    );
    return { route: routeFromImageStart(answer, routing.answers), source: "model" };
  }
  const userText = lastUserText(messages);
  if (userText === undefined) return { route: "understand", source: "zero-shot" };
  const question = classificationMessages(userText, imageCount > 0);
  // The question is a fresh conversation, so it bypasses the prefix cache.
  const answer = await readAnswer(pkg, question, MAX_ROUTE_TOKENS, request.signal, undefined);
  return { route: routeFromClassWord(answer) ?? "understand", source: "zero-shot" };
}

export async function routeConversation(
  pkg: LoadedPackage,
  messages: readonly ChatMessage[],
  request: RouteRequest = {},
  prefixCache?: PrefixCache,
): Promise<RouteDecision> {
  const imageCount = countImages(messages);
  const { override, referenceImageIndex } = request;
  if (referenceImageIndex !== undefined && referenceImageIndex >= imageCount) {
    throw new EngineError(
      "invalid_argument",
      `referenceImageIndex ${referenceImageIndex} is out of range: the conversation has ${imageCount} image(s)`,
    );
  }
  const reference = referenceImageIndex ?? imageCount - 1;
  if (override !== undefined) {
    if (!hasCapability(pkg.manifest, override)) {
      throw new EngineError("unsupported", `this model cannot ${override}: its package lacks the graphs`);
    }
    if (override === "edit" && imageCount === 0) {
      throw new EngineError("invalid_argument", "an edit needs an image in the conversation");
    }
    return override === "edit"
      ? { route: "edit", source: "override", referenceImageIndex: reference }
      : { route: override, source: "override" };
  }
  const decided = await modelRoute(pkg, messages, imageCount, request, prefixCache);
  // An edit with nothing to edit is a request for a new image.
  const route = decided.route === "edit" && imageCount === 0 ? "generate" : decided.route;
  if (!hasCapability(pkg.manifest, route)) return { route: "understand", source: decided.source };
  return route === "edit"
    ? { route, source: decided.source, referenceImageIndex: reference }
    : { route, source: decided.source };
}
