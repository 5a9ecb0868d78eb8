import { eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { newId } from "../ids.ts";
import { MAX_ERROR_LENGTH, MAX_PARTS_PER_MESSAGE, MAX_TEXT_PART_LENGTH } from "../limits.ts";
import type { Part } from "../schema/json-shapes.ts";
import { messages } from "../schema/messages.ts";
import { solidPng } from "../testing/png.ts";
import { describeOnTargets } from "../testing/targets.ts";

const text = (value: string): Part[] => [{ type: "text", text: value }];

describeOnTargets("messages", (store, database) => {
  async function conversation() {
    const ownerId = newId("apiKey");
    const { id } = await store().createConversation({ ownerId });
    return { ownerId, conversationId: id };
  }

  it("stores a tree: an edited question and a regenerated answer are siblings, all listed in order", async () => {
    const at = await conversation();
    const q1 = await store().insertMessage({
      ...at,
      parentId: null,
      role: "user",
      content: text("draw a circle"),
    });
    const a1 = await store().insertMessage({ ...at, parentId: q1.id, role: "assistant", content: [] });
    const a2 = await store().insertMessage({ ...at, parentId: q1.id, role: "assistant", content: [] });
    const q2 = await store().insertMessage({
      ...at,
      parentId: null,
      role: "user",
      content: text("a square"),
    });

    expect(q1).toMatchObject({ status: "complete", route: null, error: null, usage: null, parentId: null });
    expect(a1).toMatchObject({ status: "pending", parentId: q1.id });
    const listed = await store().listMessages(at);
    expect(listed.map((m) => m.id)).toEqual([q1.id, a1.id, a2.id, q2.id]);
    expect(listed.filter((m) => m.parentId === q1.id).map((m) => m.id)).toEqual([a1.id, a2.id]);
    expect(await store().getMessage({ ownerId: at.ownerId, id: q2.id })).toEqual(q2);
    // Real jsonb, not a JSON string inside jsonb (a known trap with some drivers): SQL can reach into it.
    const [stored] = await database()
      .orm.select({
        kind: sql<string>`jsonb_typeof(${messages.content})`,
        text: sql<string>`${messages.content}->0->>'text'`,
      })
      .from(messages)
      .where(eq(messages.id, q1.id));
    expect(stored).toEqual({ kind: "array", text: "draw a circle" });
  });

  it("stores a question and its pending answer together, or neither", async () => {
    const at = await conversation();
    const { user, assistant } = await store().insertExchange({ ...at, parentId: null, content: text("q") });
    expect(user).toMatchObject({ role: "user", status: "complete", parentId: null });
    expect(assistant).toMatchObject({ role: "assistant", status: "pending", parentId: user.id, content: [] });
    const elsewhere = await conversation();
    await expect(
      store().insertExchange({ ...elsewhere, parentId: user.id, content: text("q") }),
    ).rejects.toMatchObject({ code: "invalid" });
    expect(await store().listMessages(elsewhere)).toEqual([]);
    expect((await store().listMessages(at)).map((m) => m.id)).toEqual([user.id, assistant.id]);
  });

  it("refuses a parent from another conversation and a conversation of another owner", async () => {
    const mine = await conversation();
    const other = await conversation();
    const foreign = await store().insertMessage({
      ...other,
      parentId: null,
      role: "user",
      content: text("hi"),
    });
    await expect(
      store().insertMessage({ ...mine, parentId: foreign.id, role: "user", content: text("x") }),
    ).rejects.toMatchObject({ code: "invalid", message: "the parent message is not in this conversation" });
    await expect(
      store().insertMessage({
        ...other,
        ownerId: mine.ownerId,
        parentId: null,
        role: "user",
        content: text("x"),
      }),
    ).rejects.toMatchObject({ code: "not_found", message: "conversation not found" });
    await expect(store().getMessage({ ownerId: mine.ownerId, id: foreign.id })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(
      await store().listMessages({ ownerId: mine.ownerId, conversationId: other.conversationId }),
    ).toEqual([]);
  });

  it("adopts an upload into the conversation; refuses other owners' and other conversations' images", async () => {
    const at = await conversation();
    const upload = await store().insertImage({
      ownerId: at.ownerId,
      image: { bytes: solidPng(2, 2), source: "upload" },
    });
    expect(upload.conversationId).toBeNull();
    const shown: Part[] = [
      { type: "text", text: "what is this?" },
      { type: "image", image_id: upload.id },
    ];
    const q = await store().insertMessage({ ...at, parentId: null, role: "user", content: shown });
    expect(q.content).toEqual(shown);
    const adopted = await store().getImageMeta({ ownerId: at.ownerId, id: upload.id });
    expect(adopted).toMatchObject({ conversationId: at.conversationId, messageId: q.id });
    // Showing it again in the same conversation is fine.
    await store().insertMessage({ ...at, parentId: q.id, role: "user", content: shown });

    const elsewhere = await store().createConversation({ ownerId: at.ownerId });
    const stranger = await conversation();
    const theirs = await store().insertImage({
      ownerId: stranger.ownerId,
      image: { bytes: solidPng(2, 2), source: "upload" },
    });
    for (const [conversationId, imageId] of [
      [elsewhere.id, upload.id],
      [at.conversationId, theirs.id],
      [at.conversationId, "img_missing"],
    ] as const) {
      await expect(
        store().insertMessage({
          ownerId: at.ownerId,
          conversationId,
          parentId: null,
          role: "user",
          content: [{ type: "image", image_id: imageId }],
        }),
      ).rejects.toMatchObject({ code: "invalid", message: "the message shows an image that does not exist" });
    }
    // The refused messages were rolled back with their transaction.
    expect(await store().listMessages({ ownerId: at.ownerId, conversationId: elsewhere.id })).toEqual([]);
    expect(await store().listMessages(at)).toHaveLength(2);
    expect(
      (await store().getImageMeta({ ownerId: stranger.ownerId, id: theirs.id })).conversationId,
    ).toBeNull();
  });

  it("finishes a pending message once: a second finish is a conflict", async () => {
    const at = await conversation();
    const q = await store().insertMessage({ ...at, parentId: null, role: "user", content: text("q") });
    const a = await store().insertMessage({ ...at, parentId: q.id, role: "assistant", content: [] });
    const failed = await store().setMessageStatus({
      ownerId: at.ownerId,
      id: a.id,
      status: "error",
      error: "engine fell over",
    });
    expect(failed).toMatchObject({ status: "error", error: "engine fell over" });
    await expect(
      store().setMessageStatus({ ownerId: at.ownerId, id: a.id, status: "cancelled" }),
    ).rejects.toMatchObject({
      code: "conflict",
      message: "the message is already error",
    });
    await expect(
      store().setMessageStatus({ ownerId: at.ownerId, id: q.id, status: "cancelled" }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    const b = await store().insertMessage({ ...at, parentId: q.id, role: "assistant", content: [] });
    await expect(
      store().setMessageStatus({ ownerId: newId("apiKey"), id: b.id, status: "cancelled" }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      store().setMessageStatus({ ownerId: at.ownerId, id: b.id, status: "cancelled", error: "why" }),
    ).rejects.toMatchObject({ code: "invalid" });
    expect(
      await store().setMessageStatus({ ownerId: at.ownerId, id: b.id, status: "cancelled" }),
    ).toMatchObject({
      status: "cancelled",
      error: null,
    });
  });

  it("fails every owner's pending answers at once, and a late finish of one is a conflict", async () => {
    const mine = await conversation();
    const theirs = await conversation();
    const q = await store().insertMessage({ ...mine, parentId: null, role: "user", content: text("q") });
    const pending = await store().insertMessage({ ...mine, parentId: q.id, role: "assistant", content: [] });
    const other = await store().insertMessage({ ...theirs, parentId: null, role: "assistant", content: [] });
    const done = await store().insertMessage({ ...mine, parentId: q.id, role: "assistant", content: [] });
    await store().setMessageStatus({ ownerId: mine.ownerId, id: done.id, status: "cancelled" });

    // Earlier tests of this file left answers pending too; every one of them is counted and failed.
    const pendingCount = async () =>
      (await database().orm.select({ id: messages.id }).from(messages).where(eq(messages.status, "pending")))
        .length;
    const before = await pendingCount();
    expect(before).toBeGreaterThanOrEqual(2);
    expect(await store().failPendingMessages({ error: "the server stopped" })).toBe(before);
    expect(await pendingCount()).toBe(0);
    for (const [at, id] of [
      [mine, pending.id],
      [theirs, other.id],
    ] as const) {
      expect(await store().getMessage({ ownerId: at.ownerId, id })).toMatchObject({
        status: "error",
        error: "the server stopped",
      });
    }
    expect(await store().getMessage({ ownerId: mine.ownerId, id: q.id })).toMatchObject({
      status: "complete",
    });
    expect(await store().getMessage({ ownerId: mine.ownerId, id: done.id })).toMatchObject({
      status: "cancelled",
      error: null,
    });
    await expect(
      store().completeTurn({
        ownerId: mine.ownerId,
        messageId: pending.id,
        content: [],
        route: null,
        status: "complete",
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await store().failPendingMessages({ error: "again" })).toBe(0);
    await expect(store().failPendingMessages({ error: "" })).rejects.toMatchObject({ code: "invalid" });
  });

  it("enforces the content and error limits", async () => {
    const at = await conversation();
    const tooMany = Array.from({ length: MAX_PARTS_PER_MESSAGE + 1 }, () => text("x")[0] as Part);
    const tooLong = text("x".repeat(MAX_TEXT_PART_LENGTH + 1));
    const nul = text("a\u0000b");
    for (const content of [tooMany, tooLong, nul, [{ type: "video", url: "x" }] as unknown as Part[]]) {
      await expect(
        store().insertMessage({ ...at, parentId: null, role: "user", content }),
      ).rejects.toMatchObject({
        code: "invalid",
      });
    }
    const a = await store().insertMessage({ ...at, parentId: null, role: "assistant", content: [] });
    await expect(
      store().setMessageStatus({
        ownerId: at.ownerId,
        id: a.id,
        status: "error",
        error: "e".repeat(MAX_ERROR_LENGTH + 1),
      }),
    ).rejects.toMatchObject({ code: "invalid" });
    await expect(
      store().insertMessage({ ...at, parentId: null, role: "system" as "user", content: [] }),
    ).rejects.toMatchObject({ code: "invalid" });
  });
});
