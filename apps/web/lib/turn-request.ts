// What the composer turns into a request body: the user's text and images, the forced route and the
// edit target. Plain functions so the rules (an edit target forces the edit route, an edited message
// keeps its images) are tested without a browser.
import type { Message, Part, RouteChoice, SendMessageBody, TurnSettings } from "./api-types.ts";
import { ApiError } from "./errors.ts";

export interface Draft {
  text: string;
  imageIds: readonly string[];
  route: RouteChoice;
  /** Set by "Edit this": the next instruction edits that image. */
  editImageId: string | null;
}

export function draftParts(text: string, imageIds: readonly string[]): Part[] {
  const parts: Part[] = imageIds.map((id) => ({ type: "image", image_id: id }));
  if (text.trim() !== "") parts.push({ type: "text", text: text.trim() });
  return parts;
}

export function buildSendBody(
  draft: Draft,
  parentId: string | null,
  settings: TurnSettings,
): SendMessageBody {
  const content = draftParts(draft.text, draft.imageIds);
  if (content.length === 0) {
    throw new ApiError("Write a message or attach an image first.", { kind: "input", param: "content" });
  }
  const body: SendMessageBody = { parent_id: parentId, content, route: draft.route };
  if (draft.editImageId !== null) {
    body.route = "edit";
    body.edit_image_id = draft.editImageId;
  }
  if (Object.keys(settings).length > 0) body.settings = settings;
  return body;
}

/** A new version of a sent user message: a sibling with the same parent and the same images. */
export function buildEditedMessageBody(
  original: Message,
  text: string,
  route: RouteChoice,
  settings: TurnSettings,
): SendMessageBody {
  const imageIds = original.content.flatMap((p) => (p.type === "image" ? [p.image_id] : []));
  return buildSendBody({ text, imageIds, route, editImageId: null }, original.parent_id, settings);
}

/** The text of a message, its text parts joined. */
export function messageText(message: Pick<Message, "content">): string {
  return message.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n\n");
}
