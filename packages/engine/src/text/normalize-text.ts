// User text made to look like the text the model was trained on. A package whose manifest sets
// `text.lowercase` was trained on lower-case text only, so "Draw a RED circle" would reach it as tokens it
// never saw. Every user/system turn and every generate/edit prompt passes through here before it is
// tokenised; the package's own templates and assistant turns never do.
import type { LoadedPackage } from "../package/types.ts";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The text as the model expects it. Special tokens keep their case: a typed `<IMG_CONTEXT>` must stay
 * the reserved token (and be refused as such), never turn into harmless-looking plain text.
 */
export function normalizeUserText(pkg: LoadedPackage, text: string): string {
  if (!pkg.manifest.text.lowercase) return text;
  const specials = pkg.tokenizer.specialTokens.filter((token) => token.length > 0);
  if (specials.length === 0) return text.toLowerCase();
  // Longest first, so the alternation matches as the tokenizer does (leftmost, longest).
  const alternatives = [...specials].sort((a, b) => b.length - a.length).map(escapeRegExp);
  // With a capturing group, split puts the special tokens at the odd indices.
  return text
    .split(new RegExp(`(${alternatives.join("|")})`))
    .map((piece, i) => (i % 2 === 1 ? piece : piece.toLowerCase()))
    .join("");
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
