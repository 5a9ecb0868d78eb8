import { expect, it } from "vitest";
import { newId } from "../ids.ts";
import { DEFAULT_CONVERSATION_TITLE, MAX_TITLE_LENGTH } from "../limits.ts";
import { solidPng } from "../testing/png.ts";
import { describeOnTargets } from "../testing/targets.ts";

/** PGlite's clock_timestamp() counts whole milliseconds, so two writes within one have the same activity
 * time and list in either order; the test orders its writes in time. */
const nextClockTick = () => new Promise((resolve) => setTimeout(resolve, 2));

describeOnTargets("conversations", (store) => {
  const owner = () => newId("apiKey");

  it("creates with a default title, lists newest activity first, renames", async () => {
    const ownerId = owner();
    const first = await store().createConversation({ ownerId });
    await nextClockTick();
    const second = await store().createConversation({ ownerId, title: "  Shapes  " });
    expect(first.title).toBe(DEFAULT_CONVERSATION_TITLE);
    expect(second.title).toBe("Shapes");
    expect(first.id).toMatch(/^conv_[0-9a-f]{32}$/);
    expect((await store().listConversations({ ownerId })).map((c) => c.id)).toEqual([second.id, first.id]);

    await nextClockTick();
    const renamed = await store().renameConversation({ ownerId, id: first.id, title: "Circles" });
    expect(renamed.title).toBe("Circles");
    expect(renamed.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    expect((await store().listConversations({ ownerId })).map((c) => c.id)).toEqual([first.id, second.id]);
    expect(await store().listConversations({ ownerId, limit: 1 })).toHaveLength(1);
  });

  it("never shows, renames or deletes another owner's conversation", async () => {
    const alice = owner();
    const bob = owner();
    const theirs = await store().createConversation({ ownerId: alice, title: "private" });
    expect(await store().listConversations({ ownerId: bob })).toEqual([]);
    for (const call of [
      () => store().getConversation({ ownerId: bob, id: theirs.id }),
      () => store().renameConversation({ ownerId: bob, id: theirs.id, title: "mine now" }),
      () => store().deleteConversation({ ownerId: bob, id: theirs.id }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "not_found", message: "conversation not found" });
    }
    expect(await store().getConversation({ ownerId: alice, id: theirs.id })).toEqual(theirs);
  });

  it("deletes its messages and images with it, leaving other conversations alone", async () => {
    const ownerId = owner();
    const doomed = await store().createConversation({ ownerId });
    const kept = await store().createConversation({ ownerId });
    const upload = await store().insertImage({ ownerId, image: { bytes: solidPng(4, 4), source: "upload" } });
    const question = await store().insertMessage({
      ownerId,
      conversationId: doomed.id,
      parentId: null,
      role: "user",
      content: [{ type: "image", image_id: upload.id }],
    });
    const answer = await store().insertMessage({
      ownerId,
      conversationId: doomed.id,
      parentId: question.id,
      role: "assistant",
      content: [],
    });
    const { images } = await store().completeTurn({
      ownerId,
      messageId: answer.id,
      content: [],
      route: "generate",
      status: "complete",
      images: [{ bytes: solidPng(4, 4, 9), source: "generated" }],
    });
    const other = await store().insertMessage({
      ownerId,
      conversationId: kept.id,
      parentId: null,
      role: "user",
      content: [{ type: "text", text: "still here" }],
    });

    await store().deleteConversation({ ownerId, id: doomed.id });

    await expect(store().getConversation({ ownerId, id: doomed.id })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await store().listMessages({ ownerId, conversationId: doomed.id })).toEqual([]);
    for (const id of [question.id, answer.id]) {
      await expect(store().getMessage({ ownerId, id })).rejects.toMatchObject({ code: "not_found" });
    }
    for (const id of [upload.id, images[0]?.id ?? ""]) {
      await expect(store().getImage({ ownerId, id })).rejects.toMatchObject({ code: "not_found" });
    }
    expect(await store().getMessage({ ownerId, id: other.id })).toEqual(other);
    await expect(store().deleteConversation({ ownerId, id: doomed.id })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("enforces the title limit", async () => {
    const ownerId = owner();
    await expect(
      store().createConversation({ ownerId, title: "x".repeat(MAX_TITLE_LENGTH + 1) }),
    ).rejects.toMatchObject({ code: "invalid", message: expect.stringContaining("title") });
    const { id } = await store().createConversation({ ownerId, title: "x".repeat(MAX_TITLE_LENGTH) });
    await expect(store().renameConversation({ ownerId, id, title: "" })).rejects.toMatchObject({
      code: "invalid",
    });
    await expect(store().listConversations({ ownerId, limit: 0 })).rejects.toMatchObject({ code: "invalid" });
  });

  it("refuses text the database cannot hold and ids that cannot name a row, as invalid", async () => {
    const ownerId = owner();
    await expect(store().createConversation({ ownerId, title: "a\u0000b" })).rejects.toMatchObject({
      code: "invalid",
      message: expect.stringContaining("NUL"),
    });
    for (const id of ["\u0000", "conv 1", "conv_1;--"]) {
      await expect(store().getConversation({ ownerId, id })).rejects.toMatchObject({ code: "invalid" });
    }
  });
});
