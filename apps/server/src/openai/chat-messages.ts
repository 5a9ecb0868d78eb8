// OpenAI chat messages -> the engine's messages, with every image loaded and checked. Images keep their
// order, which is the order the engine numbers them in.
import type { ChatMessage, ContentPart } from "@unilip/engine";
import type { ChatMessageInput } from "./chat-request.ts";
import { type ImageUrlOptions, loadImageUrl } from "./image-url.ts";

export interface ConvertedMessages {
  messages: ChatMessage[];
  images: Uint8Array[];
  /** Text of the latest user message. */
  prompt: string;
}

export async function toEngineMessages(
  input: readonly ChatMessageInput[],
  options: ImageUrlOptions,
): Promise<ConvertedMessages> {
  const messages: ChatMessage[] = [];
  const images: Uint8Array[] = [];
  let prompt = "";
  for (const [m, message] of input.entries()) {
    const role = message.role === "developer" ? "system" : message.role;
    const parts: ContentPart[] = [];
    const content =
      typeof message.content === "string"
        ? [{ type: "text" as const, text: message.content }]
        : (message.content ?? []);
    for (const [p, part] of content.entries()) {
      if (part.type === "text") {
        parts.push({ type: "text", text: part.text });
      } else {
        const image = await loadImageUrl(
          part.image_url.url,
          `messages[${m}].content[${p}].image_url.url`,
          options,
        );
        images.push(image.bytes);
        parts.push({ type: "image", image: image.bytes });
      }
    }
    if (message.role === "assistant") {
      for (const [i, part] of (message.images ?? []).entries()) {
        const image = await loadImageUrl(
          part.image_url.url,
          `messages[${m}].images[${i}].image_url.url`,
          options,
        );
        images.push(image.bytes);
        parts.push({ type: "image", image: image.bytes });
      }
    }
    if (role === "user") prompt = textOf(parts);
    const onlyText = parts.every((part) => part.type === "text");
    messages.push({ role, content: onlyText ? textOf(parts) : parts });
  }
  return { messages, images, prompt };
}

function textOf(parts: readonly ContentPart[]): string {
  return parts
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("\n")
    .trim();
}
