import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { newId } from "../ids.ts";
import { MAX_IMAGES_PER_TURN } from "../limits.ts";
import { solidPng } from "../testing/png.ts";
import { describeOnTargets } from "../testing/targets.ts";

const settings = { seed: 1, steps: 20, guidance: 4.5, sampler: "dpm-solver++2m" };

describeOnTargets("completeTurn", (store, database) => {
  async function pendingAnswer() {
    const ownerId = newId("apiKey");
    const { id: conversationId } = await store().createConversation({ ownerId });
    const upload = await store().insertImage({ ownerId, image: { bytes: solidPng(3, 3), source: "upload" } });
    const question = await store().insertMessage({
      ownerId,
      conversationId,
      parentId: null,
      role: "user",
      content: [{ type: "image", image_id: upload.id }],
    });
    const answer = await store().insertMessage({
      ownerId,
      conversationId,
      parentId: question.id,
      role: "assistant",
      content: [],
    });
    return { ownerId, conversationId, upload, answer };
  }

  it("stores the images, then the answer that shows them, and moves the conversation up", async () => {
    const { ownerId, conversationId, upload, answer } = await pendingAnswer();
    const before = await store().getConversation({ ownerId, id: conversationId });
    const turn = await store().completeTurn({
      ownerId,
      messageId: answer.id,
      content: [{ type: "text", text: "Here it is, in red." }],
      route: "edit",
      status: "complete",
      usage: { steps: 20, ms: 812 },
      images: [
        {
          bytes: solidPng(3, 3, 90),
          source: "edited",
          parentImageId: upload.id,
          instruction: "red",
          settings,
        },
      ],
    });
    const [image] = turn.images;
    expect(image).toMatchObject({
      source: "edited",
      parentImageId: upload.id,
      conversationId,
      messageId: answer.id,
    });
    expect(turn.message).toMatchObject({
      status: "complete",
      route: "edit",
      usage: { steps: 20, ms: 812 },
      content: [
        { type: "text", text: "Here it is, in red." },
        { type: "image", image_id: image?.id },
      ],
    });
    expect(await store().getMessage({ ownerId, id: answer.id })).toEqual(turn.message);
    expect(await store().listImages({ ownerId, conversationId })).toEqual([
      { ...upload, conversationId, messageId: expect.any(String) },
      image,
    ]);
    const after = await store().getConversation({ ownerId, id: conversationId });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
  });

  it("writes nothing when one insert fails: the message stays pending and no image is left", async () => {
    const { ownerId, conversationId, answer } = await pendingAnswer();
    const imagesBefore = await store().listImages({ ownerId, conversationId });
    const failing = store().completeTurn({
      ownerId,
      messageId: answer.id,
      content: [{ type: "text", text: "two images" }],
      route: "generate",
      status: "complete",
      images: [
        { bytes: solidPng(2, 2, 1), source: "generated", settings },
        { bytes: solidPng(2, 2, 2), source: "edited", parentImageId: "img_does_not_exist" },
      ],
    });
    await expect(failing).rejects.toMatchObject({
      code: "invalid",
      message: "the parent image does not exist",
    });
    expect(await store().getMessage({ ownerId, id: answer.id })).toEqual(answer);
    expect(await store().listImages({ ownerId, conversationId })).toEqual(imagesBefore);

    const retried = await store().completeTurn({
      ownerId,
      messageId: answer.id,
      content: [],
      route: "generate",
      status: "complete",
      images: [{ bytes: solidPng(2, 2, 1), source: "generated" }],
    });
    expect(retried.images).toHaveLength(1);
  });

  it("rolls back the images already inserted when the database itself fails a later insert", async () => {
    const { ownerId, conversationId, answer } = await pendingAnswer();
    const imagesBefore = await store().listImages({ ownerId, conversationId });
    // A real failure inside the transaction, after the first image is in: the trigger refuses the second.
    await database().orm.execute(sql`
      create function refuse_marked_image() returns trigger language plpgsql as $$
      begin
        if new.instruction = 'refuse me' then
          raise exception 'refused by test trigger' using errcode = 'check_violation';
        end if;
        return new;
      end $$`);
    await database().orm.execute(
      sql`create trigger refuse_marked_image before insert on images for each row execute function refuse_marked_image()`,
    );
    try {
      const failing = store().completeTurn({
        ownerId,
        messageId: answer.id,
        content: [],
        route: "generate",
        status: "complete",
        images: [
          { bytes: solidPng(2, 2, 1), source: "generated" },
          { bytes: solidPng(2, 2, 2), source: "generated", instruction: "refuse me" },
        ],
      });
      await expect(failing).rejects.toMatchObject({ name: "DbError", code: "invalid" });
    } finally {
      await database().orm.execute(sql`drop trigger refuse_marked_image on images`);
      await database().orm.execute(sql`drop function refuse_marked_image`);
    }
    expect(await store().getMessage({ ownerId, id: answer.id })).toEqual(answer);
    expect(await store().listImages({ ownerId, conversationId })).toEqual(imagesBefore);
  });

  it("loses to a cancel that came first, and refuses a foreign, user or oversized turn", async () => {
    const { ownerId, answer, upload } = await pendingAnswer();
    const done = { content: [], route: null, status: "complete" } as const;
    await expect(
      store().completeTurn({ ...done, ownerId: newId("apiKey"), messageId: answer.id }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      store().completeTurn({ ...done, ownerId, messageId: answer.id, status: "complete", error: "no" }),
    ).rejects.toMatchObject({
      code: "invalid",
    });
    const tooMany = Array.from({ length: MAX_IMAGES_PER_TURN + 1 }, (_, i) => ({
      bytes: solidPng(1, 1, i),
      source: "generated" as const,
    }));
    await expect(
      store().completeTurn({ ...done, ownerId, messageId: answer.id, images: tooMany }),
    ).rejects.toMatchObject({
      code: "invalid",
    });

    await store().setMessageStatus({ ownerId, id: answer.id, status: "cancelled" });
    await expect(store().completeTurn({ ...done, ownerId, messageId: answer.id })).rejects.toMatchObject({
      code: "conflict",
      message: "the message is already cancelled",
    });

    const question = await store().getMessage({ ownerId, id: answer.parentId ?? "" });
    const userPending = await store().insertMessage({
      ownerId,
      conversationId: question.conversationId,
      parentId: null,
      role: "user",
      status: "pending",
      content: [{ type: "image", image_id: upload.id }],
    });
    await expect(store().completeTurn({ ...done, ownerId, messageId: userPending.id })).rejects.toMatchObject(
      {
        code: "invalid",
        message: "only an assistant message completes a turn",
      },
    );
  });
});
