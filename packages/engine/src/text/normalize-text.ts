// User text made safe and made to look like the text the model was trained on. Every user/system turn and
// every generate/edit prompt passes through here before it is tokenised; assistant turns are checked here
// but kept as written, and the package's own templates pass untouched.
import { EngineError } from "../errors.ts";
import type { LoadedPackage } from "../package/types.ts";

/**
 * Refuses user text that contains one of the tokenizer's special tokens. The tokenizer would read a typed
 * `<|im_end|>` as the real control token, so the text could close its own turn and write the assistant's
 * or system's; an `<IMG_CONTEXT>` would shift the image slots.
 */
function refuseSpecialTokens(pkg: LoadedPackage, text: string): void {
  const found = pkg.tokenizer.specialTokens.find((token) => token.length > 0 && text.includes(token));
  if (found !== undefined) {
    throw new EngineError(
      "invalid_argument",
      `the text may not contain the reserved token ${JSON.stringify(found)} (the model's chat-control tokens)`,
    );
  }
}

/**
 * The text as the model expects it, after refusing special tokens. A package whose manifest sets
 * `text.lowercase` was trained on lower-case text only, so "Draw a RED circle" would reach it as tokens it
 * never saw.
 */
export function normalizeUserText(pkg: LoadedPackage, text: string): string {
  refuseSpecialTokens(pkg, text);
  return pkg.manifest.text.lowercase ? text.toLowerCase() : text;
}

/**
 * An assistant turn as the client replays it. Its text is kept exactly (it is what the model wrote, case
 * included), but the only control tokens it may hold are the package's own route answers, whole: any other
 * would let a client close the turn and write one the model never produced, which user text cannot do.
 */
export function checkAssistantText(pkg: LoadedPackage, text: string): string {
  const { routing } = pkg.manifest;
  const routeAnswers: string[] = routing.mode === "image_start_token" ? Object.values(routing.answers) : [];
  if (!routeAnswers.includes(text)) refuseSpecialTokens(pkg, text);
  return text;
}

/** A package template with its placeholder replaced by the normalised user text; the template is kept as is. */
export function fillTemplate(
  pkg: LoadedPackage,
  template: string,
  placeholder: string,
  text: string,
): string {
  const normalized = normalizeUserText(pkg, text);
  // A function replacer keeps "$&" in the user's text literal.
  return template.replaceAll(placeholder, () => normalized);
}
