import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Orm } from "../client.ts";
import { DbError, found } from "../errors.ts";
import { idSchema, parseInput } from "../input.ts";
import { MAX_IMAGES_PER_TURN, MAX_PARTS_PER_MESSAGE } from "../limits.ts";
import type { ImageMeta } from "../schema/images.ts";
import { contentSchema, type Part, type Usage, usageSchema } from "../schema/json-shapes.ts";
import { type Message, type MessageStatus, messages, ROUTES, type Route } from "../schema/messages.ts";
import { touchConversation } from "./conversations.ts";
import { adoptImages, type NewImage, newImageSchema, storeImage } from "./images.ts";
import { finalStatusSchema, lockPendingMessage, messageErrorSchema } from "./messages.ts";

const turnSchema = z
  .object({
    ownerId: idSchema,
    messageId: idSchema,
    content: contentSchema,
    route: z.enum(ROUTES).nullable(),
    status: finalStatusSchema,
    error: messageErrorSchema,
    usage: usageSchema.nullish(),
    images: z.array(newImageSchema).max(MAX_IMAGES_PER_TURN).default([]),
  })
  .refine((turn) => turn.content.length + turn.images.length <= MAX_PARTS_PER_MESSAGE, {
    message: `content and images together have at most ${MAX_PARTS_PER_MESSAGE} parts`,
    path: ["images"],
  })
  .refine((turn) => !turn.error || turn.status === "error", {
    message: "only a turn with status error has an error text",
    path: ["error"],
  });

export interface CompletedTurn {
  message: Message;
  /** The images stored by this turn, in the order given. */
  images: ImageMeta[];
}

/**
 * Finishes an assistant message in one transaction: stores the turn's new images, then writes the message
 * with `content` followed by one image part per new image (the ids exist only once the images are
 * stored). Any failure leaves the message pending and no image behind.
 */
export async function completeTurn(
  db: Orm,
  params: {
    ownerId: string;
    messageId: string;
    content: readonly Part[];
    route: Route | null;
    status: Exclude<MessageStatus, "pending">;
    error?: string | null;
    usage?: Usage | null;
    images?: NewImage[];
  },
): Promise<CompletedTurn> {
  const turn = parseInput(turnSchema, params, "turn");
  return db.transaction(async (tx) => {
    const message = await lockPendingMessage(tx, turn.ownerId, turn.messageId);
    if (message.role !== "assistant")
      throw new DbError("invalid", "only an assistant message completes a turn");
    await adoptImages(tx, turn.ownerId, message, turn.content);
    const stored: ImageMeta[] = [];
    for (const image of turn.images) {
      stored.push(
        await storeImage(tx, turn.ownerId, image, {
          conversationId: message.conversationId,
          messageId: message.id,
        }),
      );
    }
    const imageParts = stored.map((image): Part => ({ type: "image", image_id: image.id }));
    const [row] = await tx
      .update(messages)
      .set({
        content: [...turn.content, ...imageParts],
        route: turn.route,
        status: turn.status,
        error: turn.error ?? null,
        usage: turn.usage ?? null,
      })
      .where(eq(messages.id, message.id))
      .returning();
    await touchConversation(tx, message.conversationId);
    return { message: found(row, "message"), images: stored };
  });
}
