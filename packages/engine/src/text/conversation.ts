// Chat messages -> prompt token ids. Image parts become the manifest's image marker in the chat
// template, and each marker then becomes <img> + N x <IMG_CONTEXT> + </img> at the id level, so
// user text can never forge or shift an image slot.
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";
import type { ChatMessage, ImageInput } from "../types.ts";
import { checkAssistantText, normalizeUserText } from "./normalize-text.ts";

export interface RenderedConversation {
  /** Chat-template text, with one image marker per image. */
  prompt: string;
  /** Images in the order their markers appear. */
  images: ImageInput[];
}

/** Renders messages through the package's chat template; image parts become the image marker. */
export function renderConversation(
  pkg: LoadedPackage,
  messages: readonly ChatMessage[],
  addGenerationPrompt: boolean,
): RenderedConversation {
  const marker = pkg.manifest.templates.image;
  const images: ImageInput[] = [];
  const flat = messages.map((message) => {
    // Assistant turns are replayed exactly as the model wrote them; user and system text is normalised.
    const normalize = (text: string) =>
      message.role === "assistant" ? checkAssistantText(pkg, text) : normalizeUserText(pkg, text);
    if (typeof message.content === "string")
      return { role: message.role, content: normalize(message.content) };
    const content = message.content
      .map((part) => {
        if (part.type === "text") return normalize(part.text);
        images.push(part.image);
        return marker;
      })
      .join("");
    return { role: message.role, content };
  });
  return { prompt: pkg.tokenizer.chatPrompt(flat, addGenerationPrompt), images };
}

/** Expands each image marker to its id block and tokenizes the text between markers. */
export function tokenizePrompt(pkg: LoadedPackage, prompt: string, imageCount: number): number[] {
  const { templates, tokens, vision } = pkg.manifest;
  const segments = prompt.split(templates.image);
  if (segments.length - 1 !== imageCount) {
    throw new EngineError(
      "invalid_argument",
      `the text may not contain the reserved image marker ${JSON.stringify(templates.image)}`,
    );
  }
  const block = [
    tokens.img_start,
    ...new Array<number>(vision.tokens_per_image).fill(tokens.img_context),
    tokens.img_end,
  ];
  const ids: number[] = [];
  segments.forEach((segment, i) => {
    if (i > 0) ids.push(...block);
    if (segment.length > 0) ids.push(...pkg.tokenizer.encode(segment));
  });
  const contexts = ids.filter((id) => id === tokens.img_context).length;
  if (contexts !== imageCount * vision.tokens_per_image) {
    throw new EngineError("invalid_argument", "the text may not contain reserved image tokens");
  }
  return ids;
}
