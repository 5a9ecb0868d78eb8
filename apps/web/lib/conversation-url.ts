// The open conversation lives in the URL (`/?c=<id>`), so a reload or a shared link reopens it; the
// static export has one page, so a query parameter rather than a route.

export const CONVERSATION_PARAM = "c";

export function conversationIdFromSearch(search: string): string | null {
  const id = new URLSearchParams(search).get(CONVERSATION_PARAM);
  return id === null || id.trim() === "" ? null : id;
}

export function searchForConversation(id: string | null): string {
  if (id === null) return "";
  return `?${new URLSearchParams({ [CONVERSATION_PARAM]: id }).toString()}`;
}
