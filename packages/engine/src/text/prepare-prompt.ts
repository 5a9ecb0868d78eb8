// A conversation made ready for the decoder: prompt ids, decoded images, and where each image's
// feature rows go. Used by text generation and by the router.
import { decodeImage } from "../image/decode-image.ts";
import { hashPixels } from "../image/encode-images.ts";
import type { LoadedPackage } from "../package/types.ts";
import { tokenPositions } from "../tensor/rows.ts";
import type { ChatMessage } from "../types.ts";
import { renderConversation, tokenizePrompt } from "./conversation.ts";

/** One image block in the prompt: its `<img>` position and the content key of its pixels. */
export interface ImageSpan {
  start: number;
  key: string;
}

export interface PreparedPrompt {
  ids: number[];
  /** RGB float32 [3, S, S] per image, in prompt order. */
  images: Float32Array[];
  spans: ImageSpan[];
  /** Positions of every <IMG_CONTEXT> id; the k-th holds feature row k % N of image floor(k / N). */
  contextPositions: number[];
}

export async function preparePrompt(
  pkg: LoadedPackage,
  messages: readonly ChatMessage[],
  addGenerationPrompt: boolean,
): Promise<PreparedPrompt> {
  const { prompt, images } = renderConversation(pkg, messages, addGenerationPrompt);
  const pixels = await Promise.all(images.map((bytes) => decodeImage(bytes, pkg.manifest.image.size)));
  return promptFromPixels(pkg, prompt, pixels);
}

/** A rendered prompt (image markers in place) with its images already decoded to [3, S, S] floats. */
export function promptFromPixels(pkg: LoadedPackage, prompt: string, images: Float32Array[]): PreparedPrompt {
  const ids = tokenizePrompt(pkg, prompt, images.length);
  const { tokens, vision } = pkg.manifest;
  const contextPositions = tokenPositions(ids, tokens.img_context);
  // tokenizePrompt guarantees N context ids per image, each block opened by <img> right before it.
  const spans = images.map((pixels, i) => ({
    start: (contextPositions[i * vision.tokens_per_image] as number) - 1,
    key: hashPixels(pixels),
  }));
  return { ids, images, spans, contextPositions };
}
