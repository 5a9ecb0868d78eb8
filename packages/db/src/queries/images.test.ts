import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { newId } from "../ids.ts";
import {
  MAX_IMAGE_BYTES,
  MAX_IMAGE_SIDE,
  MAX_IMAGES_PER_INSERT,
  MAX_INSTRUCTION_LENGTH,
  MAX_LINEAGE_DEPTH,
} from "../limits.ts";
import { images } from "../schema/images.ts";
import { sha256Hex } from "../sha256.ts";
import { solidPng } from "../testing/png.ts";
import { describeOnTargets } from "../testing/targets.ts";
import type { NewBatchImage } from "./images.ts";

const settings = { seed: 7, steps: 20, guidance: 4.5, sampler: "dpm-solver++2m" };

describeOnTargets("images", (store, database) => {
  const owner = () => newId("apiKey");

  it("stores a PNG, reading its size and hash from the bytes, and serves it back byte for byte", async () => {
    const ownerId = owner();
    const bytes = solidPng(6, 3, 200);
    const meta = await store().insertImage({ ownerId, image: { bytes, source: "upload" } });
    expect(meta).toMatchObject({
      ownerId,
      width: 6,
      height: 3,
      mime: "image/png",
      source: "upload",
      sha256: sha256Hex(bytes),
      parentImageId: null,
      conversationId: null,
    });
    expect(meta.id).toMatch(/^img_/);
    expect(meta).not.toHaveProperty("bytes");
    const full = await store().getImage({ ownerId, id: meta.id });
    expect(full.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(full.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(await store().getImageMeta({ ownerId, id: meta.id })).toEqual(meta);
    const [stored] = await database()
      .orm.select({
        kind: sql<string>`pg_typeof(${images.bytes})::text`,
        length: sql<number>`octet_length(${images.bytes})`,
      })
      .from(images)
      .where(eq(images.id, meta.id));
    expect(stored).toEqual({ kind: "bytea", length: bytes.byteLength });
  });

  it("keeps images to their owner", async () => {
    const alice = owner();
    const meta = await store().insertImage({
      ownerId: alice,
      image: { bytes: solidPng(2, 2), source: "upload" },
    });
    const bob = owner();
    for (const call of [
      () => store().getImage({ ownerId: bob, id: meta.id }),
      () => store().getImageMeta({ ownerId: bob, id: meta.id }),
      () => store().imageLineage({ ownerId: bob, id: meta.id }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "not_found", message: "image not found" });
    }
    await expect(
      store().insertImage({
        ownerId: bob,
        image: { bytes: solidPng(2, 2), source: "edited", parentImageId: meta.id },
      }),
    ).rejects.toMatchObject({ code: "invalid", message: "the parent image does not exist" });
    const { id } = await store().createConversation({ ownerId: alice });
    await expect(
      store().insertImage({
        ownerId: bob,
        conversationId: id,
        image: { bytes: solidPng(2, 2), source: "upload" },
      }),
    ).rejects.toMatchObject({ code: "not_found", message: "conversation not found" });
  });

  it("follows edits back to the first image, newest first", async () => {
    const ownerId = owner();
    const root = await store().insertImage({
      ownerId,
      image: { bytes: solidPng(4, 4, 1), source: "upload" },
    });
    const edit = await store().insertImage({
      ownerId,
      image: {
        bytes: solidPng(4, 4, 2),
        source: "edited",
        parentImageId: root.id,
        instruction: "make it red",
        settings,
      },
    });
    const again = await store().insertImage({
      ownerId,
      image: {
        bytes: solidPng(4, 4, 3),
        source: "edited",
        parentImageId: edit.id,
        instruction: "smaller",
        settings,
      },
    });
    const lineage = await store().imageLineage({ ownerId, id: again.id });
    expect(lineage.map((image) => image.id)).toEqual([again.id, edit.id, root.id]);
    expect(lineage[1]).toMatchObject({ instruction: "make it red", settings });
    expect((await store().imageLineage({ ownerId, id: root.id })).map((image) => image.id)).toEqual([
      root.id,
    ]);
  });

  it("cuts a lineage longer than MAX_LINEAGE_DEPTH", async () => {
    const ownerId = owner();
    let parent = await store().insertImage({ ownerId, image: { bytes: solidPng(1, 1), source: "upload" } });
    for (let i = 0; i < MAX_LINEAGE_DEPTH + 2; i++) {
      parent = await store().insertImage({
        ownerId,
        image: { bytes: solidPng(1, 1, i), source: "edited", parentImageId: parent.id },
      });
    }
    const lineage = await store().imageLineage({ ownerId, id: parent.id });
    expect(lineage).toHaveLength(MAX_LINEAGE_DEPTH);
    expect(lineage[0]?.id).toBe(parent.id);
  });

  it("rejects what is not a storable PNG", async () => {
    const ownerId = owner();
    const cases: [unknown, string][] = [
      [
        { bytes: new TextEncoder().encode("GIF89a and then some more bytes"), source: "upload" },
        "the image is not a PNG",
      ],
      [
        { bytes: solidPng(MAX_IMAGE_SIDE + 1, 1), source: "upload" },
        `image sides must be between 1 and ${MAX_IMAGE_SIDE} pixels`,
      ],
      [{ bytes: new Uint8Array(MAX_IMAGE_BYTES + 1), source: "upload" }, "invalid image: image.bytes"],
      [{ bytes: "aGVsbG8=", source: "upload" }, "invalid image: image.bytes: must be bytes"],
      [{ bytes: solidPng(1, 1), source: "edited" }, "invalid image: image.parentImageId"],
      [{ bytes: solidPng(1, 1), source: "painted" }, "invalid image: image.source"],
      [
        { bytes: solidPng(1, 1), source: "upload", instruction: "x".repeat(MAX_INSTRUCTION_LENGTH + 1) },
        "instruction",
      ],
      [{ bytes: solidPng(1, 1), source: "upload", instruction: "a\u0000b" }, "NUL"],
      [{ bytes: solidPng(1, 1), source: "upload", settings: { ...settings, steps: 0 } }, "settings.steps"],
    ];
    for (const [image, message] of cases) {
      await expect(store().insertImage({ ownerId, image } as never)).rejects.toMatchObject({
        code: "invalid",
        message: expect.stringContaining(message),
      });
    }
    await expect(
      store().insertImage({ ownerId, image: { bytes: solidPng(MAX_IMAGE_SIDE, 1), source: "upload" } }),
    ).resolves.toMatchObject({
      width: MAX_IMAGE_SIDE,
    });
  });

  describe("insertImages", () => {
    const countOwned = async (ownerId: string) =>
      (await database().orm.select({ id: images.id }).from(images).where(eq(images.ownerId, ownerId))).length;

    it("stores an upload and its edit in one call, the edit naming the upload by index", async () => {
      const ownerId = owner();
      const { id: conversationId } = await store().createConversation({ ownerId });
      const [upload, edit] = await store().insertImages({
        ownerId,
        conversationId,
        images: [
          { bytes: solidPng(3, 2, 1), source: "upload" },
          { bytes: solidPng(3, 2, 2), source: "edited", parentIndex: 0, instruction: "bluer", settings },
        ],
      });
      expect(upload).toMatchObject({ source: "upload", conversationId, parentImageId: null, width: 3 });
      expect(edit).toMatchObject({ source: "edited", conversationId, parentImageId: upload?.id, settings });
      const lineage = await store().imageLineage({ ownerId, id: edit?.id ?? "" });
      expect(lineage.map((image) => image.id)).toEqual([edit?.id, upload?.id]);
    });

    it("stores nothing when a later image fails inside the transaction", async () => {
      const ownerId = owner();
      const first = { bytes: solidPng(2, 2), source: "upload" } as const;
      const failures: [NewBatchImage, string][] = [
        [
          { bytes: new TextEncoder().encode("not a png at all, but long enough"), source: "upload" },
          "not a PNG",
        ],
        [
          { bytes: solidPng(2, 2), source: "edited", parentImageId: newId("image") },
          "the parent image does not exist",
        ],
      ];
      for (const [second, message] of failures) {
        await expect(store().insertImages({ ownerId, images: [first, second] })).rejects.toMatchObject({
          code: "invalid",
          message: expect.stringContaining(message),
        });
      }
      expect(await countOwned(ownerId)).toBe(0);
    });

    it("refuses a parentIndex that is not an earlier image, or comes with parentImageId", async () => {
      const ownerId = owner();
      const upload = { bytes: solidPng(1, 1), source: "upload" } as const;
      const edited = (extra: Partial<NewBatchImage>): NewBatchImage => ({
        bytes: solidPng(1, 1, 9),
        source: "edited",
        ...extra,
      });
      const cases: [NewBatchImage[], string][] = [
        [
          [upload, edited({ parentIndex: 1 })],
          "images.1.parentIndex: parentIndex must name an earlier image",
        ],
        [[edited({ parentIndex: 0 })], "images.0.parentIndex"],
        [[upload, edited({ parentIndex: 0, parentImageId: newId("image") })], "not both"],
        [[upload, edited({})], "images.1.parentImageId"],
        [[], "images"],
        [Array.from({ length: MAX_IMAGES_PER_INSERT + 1 }, () => upload), "images"],
      ];
      for (const [batch, message] of cases) {
        await expect(store().insertImages({ ownerId, images: batch })).rejects.toMatchObject({
          code: "invalid",
          message: expect.stringContaining(message),
        });
      }
      expect(await countOwned(ownerId)).toBe(0);
    });
  });
});
