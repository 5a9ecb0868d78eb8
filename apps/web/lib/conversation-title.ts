// New conversations are named after their first message, as the server keeps whatever title it gets.

/** Longer titles do not fit the sidebar; rename input is capped at the same length. */
export const MAX_TITLE_CHARS = 80;
export const UNTITLED = "New chat";

export function titleFromPrompt(text: string): string {
  const line = text.trim().split("\n", 1)[0]?.trim() ?? "";
  if (line === "") return UNTITLED;
  const chars = Array.from(line);
  return chars.length <= MAX_TITLE_CHARS ? line : `${chars.slice(0, MAX_TITLE_CHARS - 1).join("")}…`;
}

/** The title a rename asks for, or an input error. */
export function checkTitle(text: string): { ok: true; title: string } | { ok: false; error: string } {
  const title = text.trim();
  if (title === "") return { ok: false, error: "A title cannot be empty." };
  if (Array.from(title).length > MAX_TITLE_CHARS) {
    return { ok: false, error: `A title has at most ${MAX_TITLE_CHARS} characters.` };
  }
  return { ok: true, title };
}
