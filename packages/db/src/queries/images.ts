import { and, asc, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Orm } from "../client.ts";
import { DbError, found } from "../errors.ts";
import { newId } from "../ids.ts";
import { idSchema, parseInput, storableTextSchema } from "../input.ts";
import {
  MAX_IMAGE_BYTES,
  MAX_IMAGE_SIDE,
  MAX_IMAGES_PER_INSERT,
  MAX_INSTRUCTION_LENGTH,
  MAX_LINEAGE_DEPTH,
} from "../limits.ts";
import { readPngSize } from "../png.ts";
import { conversations } from "../schema/conversations.ts";
import { IMAGE_SOURCES, type ImageMeta, type ImageRow, images } from "../schema/images.ts";
import { imageIdsOf, imageSettingsSchema, type Part } from "../schema/json-shapes.ts";
import { sha256Hex } from "../sha256.ts";

export const IMAGE_MIME = "image/png";

const { bytes: _bytes, ...metaColumns } = getTableColumns(images);

const imageFields = {
  bytes: z
    .custom<Uint8Array>((value) => value instanceof Uint8Array, "must be bytes")
    .refine((bytes) => bytes.byteLength <= MAX_IMAGE_BYTES, {
      message: `at most ${MAX_IMAGE_BYTES} bytes`,
    }),
  source: z.enum(IMAGE_SOURCES),
  parentImageId: idSchema.nullish(),
  instruction: storableTextSchema.max(MAX_INSTRUCTION_LENGTH).nullish(),
  settings: imageSettingsSchema.nullish(),
};

const EDITED_NEEDS_PARENT = "an edited image needs parentImageId";

export const newImageSchema = z
  .strictObject(imageFields)
  .refine((image) => image.source !== "edited" || image.parentImageId, {
    message: EDITED_NEEDS_PARENT,
    path: ["parentImageId"],
  });

/** A PNG to store; width, height and hash are read from the bytes, never trusted from the caller. */
export type NewImage = z.input<typeof newImageSchema>;

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const size = readPngSize(bytes);
  if (!size) throw new DbError("invalid", "the image is not a PNG");
  if (size.width < 1 || size.height < 1 || size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE) {
    throw new DbError("invalid", `image sides must be between 1 and ${MAX_IMAGE_SIDE} pixels`);
  }
  return size;
}

/**
 * Inserts one validated image for `ownerId` at `place`. Its parent must be the owner's own image, or a
 * lineage could lead into another owner's pictures.
 */
export async function storeImage(
  db: Orm,
  ownerId: string,
  image: z.output<typeof newImageSchema>,
  place: { conversationId: string | null; messageId: string | null },
): Promise<ImageMeta> {
  const { width, height } = pngSize(image.bytes);
  const parentImageId = image.parentImageId ?? null;
  if (parentImageId !== null) {
    const [parent] = await db
      .select({ id: images.id })
      .from(images)
      .where(and(eq(images.id, parentImageId), eq(images.ownerId, ownerId)));
    if (!parent) throw new DbError("invalid", "the parent image does not exist");
  }
  const [row] = await db
    .insert(images)
    .values({
      id: newId("image"),
      ownerId,
      ...place,
      bytes: image.bytes,
      mime: IMAGE_MIME,
      width,
      height,
      source: image.source,
      parentImageId,
      instruction: image.instruction ?? null,
      settings: image.settings ?? null,
      sha256: sha256Hex(image.bytes),
    })
    .returning(metaColumns);
  return found(row, "image");
}

const insertSchema = z.object({
  ownerId: idSchema,
  conversationId: idSchema.nullish(),
  image: newImageSchema,
});

/** Stores an image, usually an upload (no conversation yet: the first message that shows it adopts it). */
export async function insertImage(
  db: Orm,
  params: { ownerId: string; conversationId?: string | null; image: NewImage },
): Promise<ImageMeta> {
  const { ownerId, conversationId, image } = parseInput(insertSchema, params, "image");
  const [row] = await storeImages(db, ownerId, conversationId ?? null, [image]);
  return found(row, "image");
}

/** One image of an insertImages call: its parent is an existing image or an earlier image of the call. */
const batchImageSchema = z
  .strictObject({ ...imageFields, parentIndex: z.int().nonnegative().optional() })
  .refine((image) => image.parentIndex === undefined || !image.parentImageId, {
    message: "give parentImageId or parentIndex, not both",
    path: ["parentIndex"],
  })
  .refine((image) => image.source !== "edited" || image.parentImageId || image.parentIndex !== undefined, {
    message: EDITED_NEEDS_PARENT,
    path: ["parentImageId"],
  });

export type NewBatchImage = z.input<typeof batchImageSchema>;

const insertManySchema = z.object({
  ownerId: idSchema,
  conversationId: idSchema.nullish(),
  images: z
    .array(batchImageSchema)
    .min(1)
    .max(MAX_IMAGES_PER_INSERT)
    .superRefine((batch, ctx) => {
      batch.forEach((image, index) => {
        if (image.parentIndex !== undefined && image.parentIndex >= index) {
          ctx.addIssue({
            code: "custom",
            message: "parentIndex must name an earlier image of the same call",
            path: [index, "parentIndex"],
          });
        }
      });
    }),
});

/**
 * Stores several images in one transaction, in order: all of them or none. `parentIndex` makes an image
 * the child of an earlier one of the same call (an upload and the edit made from it).
 */
export async function insertImages(
  db: Orm,
  params: { ownerId: string; conversationId?: string | null; images: NewBatchImage[] },
): Promise<ImageMeta[]> {
  const { ownerId, conversationId, images: batch } = parseInput(insertManySchema, params, "images");
  return storeImages(db, ownerId, conversationId ?? null, batch);
}

async function storeImages(
  db: Orm,
  ownerId: string,
  conversationId: string | null,
  batch: readonly z.output<typeof batchImageSchema>[],
): Promise<ImageMeta[]> {
  return db.transaction(async (tx) => {
    if (conversationId) {
      const [conversation] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.id, conversationId), eq(conversations.ownerId, ownerId)));
      found(conversation, "conversation");
    }
    const stored: ImageMeta[] = [];
    for (const { parentIndex, ...image } of batch) {
      // The schema has checked that parentIndex names an earlier, hence stored, image.
      const parentImageId = parentIndex === undefined ? image.parentImageId : stored[parentIndex]?.id;
      stored.push(
        await storeImage(tx, ownerId, { ...image, parentImageId }, { conversationId, messageId: null }),
      );
    }
    return stored;
  });
}

const ownedSchema = z.object({ ownerId: idSchema, id: idSchema });

/** The image with its bytes, for serving the PNG. */
export async function getImage(db: Orm, params: { ownerId: string; id: string }): Promise<ImageRow> {
  const { ownerId, id } = parseInput(ownedSchema, params, "image id");
  const [row] = await db
    .select()
    .from(images)
    .where(and(eq(images.id, id), eq(images.ownerId, ownerId)));
  return found(row, "image");
}

export async function getImageMeta(db: Orm, params: { ownerId: string; id: string }): Promise<ImageMeta> {
  const { ownerId, id } = parseInput(ownedSchema, params, "image id");
  const [row] = await db
    .select(metaColumns)
    .from(images)
    .where(and(eq(images.id, id), eq(images.ownerId, ownerId)));
  return found(row, "image");
}

/** Images of one conversation, oldest first; empty for a conversation the owner does not have. */
export async function listImages(
  db: Orm,
  params: { ownerId: string; conversationId: string },
): Promise<ImageMeta[]> {
  const { ownerId, conversationId } = parseInput(
    z.object({ ownerId: idSchema, conversationId: idSchema }),
    params,
    "image list",
  );
  return db
    .select(metaColumns)
    .from(images)
    .where(and(eq(images.conversationId, conversationId), eq(images.ownerId, ownerId)))
    .orderBy(asc(images.createdAt), asc(images.id));
}

/**
 * The image, then its parent, and so on back to the first ancestor: at most MAX_LINEAGE_DEPTH images,
 * all the owner's (the walk stops at any image of someone else).
 */
export async function imageLineage(db: Orm, params: { ownerId: string; id: string }): Promise<ImageMeta[]> {
  const { ownerId, id } = parseInput(ownedSchema, params, "image id");
  const chain = sql`(
    with recursive chain (id, parent_image_id, depth) as (
      select id, parent_image_id, 1 from ${images} where id = ${id} and owner_id = ${ownerId}
      union all
      select i.id, i.parent_image_id, chain.depth + 1
      from ${images} i join chain on i.id = chain.parent_image_id
      where i.owner_id = ${ownerId} and chain.depth < ${MAX_LINEAGE_DEPTH}
    )
    select id from chain
  )`;
  const rows = await db
    .select(metaColumns)
    .from(images)
    .where(and(eq(images.ownerId, ownerId), inArray(images.id, chain)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const lineage: ImageMeta[] = [];
  for (let next = byId.get(id); next; next = next.parentImageId ? byId.get(next.parentImageId) : undefined) {
    lineage.push(next);
  }
  if (lineage.length === 0) throw new DbError("not_found", "image not found");
  return lineage;
}

/**
 * Makes `content`'s images part of the message's conversation: uploads nobody has shown yet are adopted
 * by this message; images already in the conversation may be shown again; anything else (another
 * owner's image, another conversation's) is refused. Call inside the writing transaction.
 */
export async function adoptImages(
  db: Orm,
  ownerId: string,
  message: { conversationId: string; id: string },
  content: readonly Part[],
): Promise<void> {
  const ids = imageIdsOf(content);
  if (ids.length === 0) return;
  const mine = and(inArray(images.id, ids), eq(images.ownerId, ownerId));
  await db
    .update(images)
    .set({ conversationId: message.conversationId, messageId: message.id })
    .where(and(mine, isNull(images.conversationId)));
  const usable = await db
    .select({ id: images.id })
    .from(images)
    .where(and(mine, eq(images.conversationId, message.conversationId)));
  if (usable.length !== ids.length)
    throw new DbError("invalid", "the message shows an image that does not exist");
}
