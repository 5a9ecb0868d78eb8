// A stored conversation path -> the model's input. Only the newest MAX_IMAGES_PER_REQUEST images go to
// the model (each costs an encoder pass and context), always including the image an edit starts from.
import type { Message, Part, Store } from "@unilip/db";
import type { ChatMessage, ContentPart } from "@unilip/engine";
import { invalidRequest } from "../errors.ts";
import { MAX_IMAGES_PER_REQUEST, PREVIEW_EVERY_STEPS } from "../limits.ts";
import type { RouteChoice, TurnInput } from "../turn/types.ts";
import type { TurnSettings } from "./schemas.ts";

/** The messages from the first one down to `leafId`, in order. */
export function pathTo(messages: readonly Message[], leafId: string | null): Message[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const path: Message[] = [];
  for (let id = leafId; id !== null; ) {
    const message = byId.get(id);
    if (!message) {
      throw invalidRequest(`'${id}' is not a message of this conversation.`, {
        param: "parent_id",
        code: "invalid_parent",
      });
    }
    path.push(message);
    id = message.parentId;
  }
  return path.reverse();
}

export interface TurnRequest {
  /** Earlier messages, oldest first; the last user message comes from here when `userContent` is absent. */
  path: readonly Message[];
  userContent?: readonly Part[];
  route: RouteChoice;
  editImageId?: string;
  settings: TurnSettings;
}

export interface BuiltTurn {
  input: TurnInput;
  /** Ids of `input.images`, in the same order. */
  imageIds: string[];
}

export async function buildTurnInput(
  store: Store,
  ownerId: string,
  request: TurnRequest,
): Promise<BuiltTurn> {
  const turns: { role: "user" | "assistant"; content: readonly Part[] }[] = request.path
    .filter((message) => message.role === "user" || message.status === "complete")
    .map((message) => ({ role: message.role, content: message.content }));
  if (request.userContent) turns.push({ role: "user", content: request.userContent });

  const allIds = turns.flatMap((turn) =>
    turn.content.flatMap((part) => (part.type === "image" ? [part.image_id] : [])),
  );
  const kept = keptImageIds(allIds, request.editImageId);
  const bytesById = new Map<string, Uint8Array>();
  for (const id of kept) {
    bytesById.set(id, (await store.getImage({ ownerId, id })).bytes);
  }

  const images: Uint8Array[] = [];
  const imageIds: string[] = [];
  const messages: ChatMessage[] = turns.map((turn) => {
    const parts: ContentPart[] = [];
    for (const part of turn.content) {
      if (part.type === "text") {
        parts.push(part);
        continue;
      }
      const bytes = bytesById.get(part.image_id);
      if (!bytes) continue;
      images.push(bytes);
      imageIds.push(part.image_id);
      parts.push({ type: "image", image: bytes });
    }
    return { role: turn.role, content: parts.every((part) => part.type === "text") ? textOf(parts) : parts };
  });

  const lastUser = turns.findLast((turn) => turn.role === "user");
  const editIndex = request.editImageId === undefined ? undefined : imageIds.lastIndexOf(request.editImageId);
  const { settings } = request;
  return {
    input: {
      messages,
      images,
      prompt: lastUser ? textOf(lastUser.content) : "",
      route: request.route,
      editImageIndex: editIndex,
      text: { maxNewTokens: settings.max_tokens, temperature: settings.temperature, seed: settings.seed },
      image: {
        steps: settings.steps,
        guidance: settings.guidance,
        seed: settings.seed,
        sampler: settings.sampler,
        previewEvery: PREVIEW_EVERY_STEPS,
      },
    },
    imageIds,
  };
}

/** The newest images, plus the edit source wherever it is; the oldest make room for it. */
function keptImageIds(allIds: readonly string[], editImageId: string | undefined): Set<string> {
  const unique = [...new Set(allIds.toReversed())];
  const kept = unique.slice(0, MAX_IMAGES_PER_REQUEST);
  if (editImageId !== undefined && !kept.includes(editImageId)) {
    if (!unique.includes(editImageId)) {
      throw invalidRequest(`'${editImageId}' is not an image of this conversation path.`, {
        param: "edit_image_id",
        code: "invalid_edit_image",
      });
    }
    kept[kept.length - 1] = editImageId;
  }
  return new Set(kept);
}

function textOf(parts: readonly (Part | ContentPart)[]): string {
  return parts
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("\n")
    .trim();
}
