"use client";
import { useEffect, useRef } from "react";
import type { ImageMeta, Message as MessageData } from "../lib/api-types.ts";
import type { PathEntry } from "../lib/branches.ts";
import type { ActiveTurn } from "../lib/chat-state.ts";
import { Message, type MessageActions } from "./Message.tsx";

/** How close to the bottom (px) still counts as "following" the stream. */
const FOLLOW_THRESHOLD_PX = 120;

/** The shown path of the conversation; follows a streaming answer unless the user scrolled up. */
export function MessageList({
  path,
  images,
  turn,
  editTargetId,
  actions,
}: {
  path: PathEntry<MessageData>[];
  images: Readonly<Record<string, ImageMeta>>;
  turn: ActiveTurn | null;
  editTargetId: string | null;
  actions: MessageActions;
}) {
  const container = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const last = path.at(-1)?.message;

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs whenever the last message grows or a preview arrives, so a followed stream stays in view
  useEffect(() => {
    const element = container.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [last, turn?.progress]);

  return (
    <div
      ref={container}
      className="message-list"
      role="log"
      aria-label="Conversation"
      aria-busy={turn !== null}
      onScroll={(event) => {
        const element = event.currentTarget;
        following.current =
          element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD_PX;
      }}
    >
      {path.map((entry) => (
        <Message
          key={entry.message.id}
          entry={entry}
          images={images}
          progress={turn && turn.assistantId === entry.message.id ? turn.progress : null}
          busy={turn !== null}
          editTargetId={editTargetId}
          actions={actions}
        />
      ))}
    </div>
  );
}
