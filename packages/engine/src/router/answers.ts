// How a route is read from what the model says: its trained image-start answer, or a class word
// when the model was not trained to route and is asked a classification question instead.
import type { Manifest } from "../package/manifest.ts";
import type { ChatMessage, Route } from "../types.ts";

type ImageStartAnswers = Extract<Manifest["routing"], { mode: "image_start_token" }>["answers"];

/** "<img>generate" -> generate, "<img>edit" -> edit; anything else is an ordinary text answer. */
export function routeFromImageStart(answer: string, answers: ImageStartAnswers): Route {
  const text = answer.trimStart();
  if (text.startsWith(answers.generate)) return "generate";
  if (text.startsWith(answers.edit)) return "edit";
  return "understand";
}

const CLASS_WORDS: readonly Route[] = ["understand", "generate", "edit"];

/** The class word that appears first in the answer, if any. */
export function routeFromClassWord(answer: string): Route | undefined {
  const lower = answer.toLowerCase();
  let best: { route: Route; at: number } | undefined;
  for (const route of CLASS_WORDS) {
    const at = lower.search(new RegExp(`\\b${route}\\b`));
    if (at >= 0 && (best === undefined || at < best.at)) best = { route, at };
  }
  return best?.route;
}

/** The text of the latest user message (image parts left out). */
export function lastUserText(messages: readonly ChatMessage[]): string | undefined {
  const message = messages.findLast((m) => m.role === "user");
  if (message === undefined) return undefined;
  if (typeof message.content === "string") return message.content;
  return message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(" ");
}

/** A one-turn conversation asking the model to classify the user's request. */
export function classificationMessages(request: string, hasImage: boolean): ChatMessage[] {
  const lines = [
    "Classify the request below. Answer with one word: understand, generate or edit.",
    "understand = answer in words; generate = draw a new picture; edit = change the given picture.",
    hasImage ? "The user has attached a picture." : "The user has attached no picture.",
    `Request: ${request}`,
  ];
  return [{ role: "user", content: lines.join("\n") }];
}
