"use client";
import { useEffect, useRef, useState } from "react";
import type { Conversation } from "../lib/api-types.ts";
import { checkTitle, MAX_TITLE_CHARS } from "../lib/conversation-title.ts";

type Mode =
  | { kind: "idle" }
  | { kind: "renaming"; id: string; text: string; error: string | null }
  | { kind: "deleting"; id: string };

/** Drawn rather than an emoji: headless and minimal systems often lack an emoji font. */
function TrashIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M6 1h4l1 1h3v2H2V2h3l1-1zM3 5h10l-1 10H4L3 5zm3 2v6h1V7H6zm3 0v6h1V7H9z" fill="currentColor" />
    </svg>
  );
}

/** The conversations: open, start, rename and delete (each persisted through the API). */
export function Sidebar({
  conversations,
  activeId,
  open,
  onSelect,
  onNew,
  onRename,
  onDelete,
  onClose,
}: {
  conversations: Conversation[];
  activeId: string | null;
  /** On narrow screens the sidebar is a drawer. */
  open: boolean;
  onSelect(id: string): void;
  onNew(): void;
  onRename(id: string, title: string): Promise<boolean>;
  onDelete(id: string): Promise<boolean>;
  onClose(): void;
}) {
  const [mode, setMode] = useState<Mode>({ kind: "idle" });
  const newChat = useRef<HTMLButtonElement>(null);

  // Opening the drawer moves keyboard focus into it.
  useEffect(() => {
    if (open) newChat.current?.focus();
  }, [open]);

  async function saveRename(id: string, text: string) {
    const checked = checkTitle(text);
    if (!checked.ok) return setMode({ kind: "renaming", id, text, error: checked.error });
    if (await onRename(id, checked.title)) setMode({ kind: "idle" });
  }

  return (
    <aside
      className={`sidebar${open ? " is-open" : ""}`}
      aria-label="Conversations"
      onKeyDown={(event) => {
        if (event.key === "Escape" && mode.kind === "idle") onClose();
      }}
    >
      <div className="sidebar-header">
        <button ref={newChat} type="button" className="primary-button new-chat" onClick={onNew}>
          + New chat
        </button>
        <button
          type="button"
          className="icon-button sidebar-close"
          aria-label="Close conversations"
          onClick={onClose}
        >
          ×
        </button>
      </div>
      {conversations.length === 0 ? <p className="sidebar-empty">No conversations yet.</p> : null}
      <ul className="conversation-list">
        {conversations.map((conversation) => {
          const active = conversation.id === activeId;
          if (mode.kind === "renaming" && mode.id === conversation.id) {
            return (
              <li key={conversation.id} className="conversation is-renaming">
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    void saveRename(conversation.id, mode.text);
                  }}
                >
                  <input
                    aria-label="New title"
                    value={mode.text}
                    maxLength={MAX_TITLE_CHARS}
                    // biome-ignore lint/a11y/noAutofocus: focus follows the user's own click on "Rename"
                    autoFocus
                    aria-invalid={mode.error !== null}
                    onChange={(event) => setMode({ ...mode, text: event.target.value, error: null })}
                    onKeyDown={(event) => {
                      if (event.key === "Escape") setMode({ kind: "idle" });
                    }}
                  />
                  <button type="submit" className="text-button">
                    Save
                  </button>
                  {mode.error ? <span className="setting-error">{mode.error}</span> : null}
                </form>
              </li>
            );
          }
          if (mode.kind === "deleting" && mode.id === conversation.id) {
            return (
              <li key={conversation.id} className="conversation is-deleting">
                <span>Delete “{conversation.title}”?</span>
                <button
                  type="button"
                  className="text-button danger"
                  onClick={async () => {
                    if (await onDelete(conversation.id)) setMode({ kind: "idle" });
                  }}
                >
                  Delete
                </button>
                <button type="button" className="text-button" onClick={() => setMode({ kind: "idle" })}>
                  Keep
                </button>
              </li>
            );
          }
          return (
            <li key={conversation.id} className={`conversation${active ? " is-active" : ""}`}>
              <button
                type="button"
                className="conversation-open"
                aria-current={active ? "page" : undefined}
                onClick={() => onSelect(conversation.id)}
              >
                {conversation.title}
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Rename “${conversation.title}”`}
                onClick={() =>
                  setMode({ kind: "renaming", id: conversation.id, text: conversation.title, error: null })
                }
              >
                ✎
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Delete “${conversation.title}”`}
                onClick={() => setMode({ kind: "deleting", id: conversation.id })}
              >
                <TrashIcon />
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
