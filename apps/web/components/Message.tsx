"use client";
import { useState } from "react";
import Markdown from "react-markdown";
import type { ImageMeta, Message as MessageData } from "../lib/api-types.ts";
import type { PathEntry } from "../lib/branches.ts";
import type { TurnProgress } from "../lib/chat-state.ts";
import { messageText } from "../lib/turn-request.ts";
import { BranchSwitcher } from "./BranchSwitcher.tsx";
import { GenerationProgress } from "./GenerationProgress.tsx";
import { ImageCard } from "./ImageCard.tsx";
import { MessageEditor } from "./MessageEditor.tsx";
import { RouteBadge } from "./RouteBadge.tsx";

export interface MessageActions {
  onSwitch(messageId: string, delta: number): void;
  onRegenerate(message: MessageData): void;
  onEdit(message: MessageData, text: string): Promise<boolean>;
  onEditImage(image: ImageMeta): void;
  onShowLineage(image: ImageMeta): void;
}

/** A finished answer with nothing to show: a small model can stop at once, which would look like a bug. */
export function isEmptyAnswer(message: Pick<MessageData, "content">): boolean {
  return message.content.every((part) => part.type === "text" && part.text.trim() === "");
}

/** One message of the shown path, with its images, status and the actions that make branches. */
export function Message({
  entry,
  images,
  progress,
  busy,
  editTargetId,
  actions,
}: {
  entry: PathEntry<MessageData>;
  images: Readonly<Record<string, ImageMeta>>;
  /** Set while this message's image is being drawn. */
  progress: TurnProgress | null;
  /** A turn is running: no new branches until it ends. */
  busy: boolean;
  editTargetId: string | null;
  actions: MessageActions;
}) {
  const { message } = entry;
  const [editing, setEditing] = useState(false);
  const isUser = message.role === "user";
  const pending = message.status === "pending";

  return (
    <article
      className={`message message-${message.role}`}
      data-status={message.status}
      data-message-id={message.id}
      aria-label={isUser ? "You" : "Assistant"}
    >
      <header className="message-header">
        <span className="message-author">{isUser ? "You" : "UniLIP"}</span>
        {message.route && !isUser ? <RouteBadge route={message.route} /> : null}
        <BranchSwitcher
          index={entry.index}
          count={entry.siblingIds.length}
          disabled={busy}
          onSwitch={(delta) => actions.onSwitch(message.id, delta)}
        />
      </header>

      {editing ? (
        <MessageEditor
          initialText={messageText(message)}
          onCancel={() => setEditing(false)}
          onSubmit={async (text) => {
            if (await actions.onEdit(message, text)) setEditing(false);
          }}
        />
      ) : (
        <div className="message-body">
          {message.content.map((part, i) => {
            if (part.type === "text") {
              const key = `text-${i}`;
              return isUser ? (
                <p key={key} className="user-text">
                  {part.text}
                </p>
              ) : (
                <div key={key} className="markdown">
                  <Markdown>{part.text}</Markdown>
                </div>
              );
            }
            const image = images[part.image_id];
            if (!image) {
              return (
                <p key={part.image_id} className="missing-image">
                  (image unavailable)
                </p>
              );
            }
            return (
              <ImageCard
                key={part.image_id}
                image={image}
                source={image.parent_image_id ? images[image.parent_image_id] : undefined}
                isEditTarget={editTargetId === image.id}
                onEdit={actions.onEditImage}
                onShowLineage={actions.onShowLineage}
              />
            );
          })}
          {progress ? <GenerationProgress progress={progress} /> : null}
          {pending && !progress && message.content.length === 0 ? (
            <p className="thinking" aria-live="polite">
              Thinking…
            </p>
          ) : null}
          {message.status === "cancelled" ? <p className="message-note">Stopped.</p> : null}
          {!isUser && message.status === "complete" && isEmptyAnswer(message) ? (
            <p className="message-note">The model gave an empty answer; try Regenerate or rephrase.</p>
          ) : null}
          {message.status === "error" ? (
            <p className="message-note message-error">{`Failed: ${message.error ?? "unknown error"}`}</p>
          ) : null}
        </div>
      )}

      {!editing && !pending ? (
        <footer className="message-actions">
          {isUser ? (
            <button type="button" className="text-button" disabled={busy} onClick={() => setEditing(true)}>
              Edit
            </button>
          ) : (
            <button
              type="button"
              className="text-button"
              disabled={busy}
              onClick={() => actions.onRegenerate(message)}
            >
              Regenerate
            </button>
          )}
        </footer>
      ) : null}
    </article>
  );
}
