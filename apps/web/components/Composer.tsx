"use client";
import { type ClipboardEvent, type KeyboardEvent, useRef } from "react";
import type { DraftApi } from "../hooks/useDraft.ts";
import type { ImageMeta, RouteChoice } from "../lib/api-types.ts";
import { ACCEPTED_IMAGE_TYPES } from "../lib/attachments.ts";

export const ROUTE_CHOICES: readonly { value: RouteChoice; label: string; hint: string }[] = [
  { value: "auto", label: "Auto", hint: "the model decides" },
  { value: "understand", label: "Chat", hint: "answer in text" },
  { value: "generate", label: "Draw", hint: "generate an image" },
  { value: "edit", label: "Edit", hint: "edit an image" },
];

/** Image files among pasted or dropped items; other files are left to the browser. */
export function imageFiles(list: FileList | null | undefined): File[] {
  return Array.from(list ?? []).filter((file) => file.type.startsWith("image/"));
}

/** Where the user writes: text, attachments, the route to force, the edit target, send and stop. */
export function Composer({
  draft,
  route,
  onRouteChange,
  editTarget,
  onClearEditTarget,
  busy,
  onSend,
  onStop,
  settingsOpen,
  onToggleSettings,
}: {
  draft: DraftApi;
  route: RouteChoice;
  onRouteChange(route: RouteChoice): void;
  editTarget: ImageMeta | null;
  onClearEditTarget(): void;
  busy: boolean;
  onSend(): void;
  onStop(): void;
  settingsOpen: boolean;
  onToggleSettings(): void;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  const canSend = !busy && !draft.uploading && (draft.text.trim() !== "" || draft.attachments.length > 0);

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    if (canSend) onSend();
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = imageFiles(event.clipboardData.files);
    if (files.length === 0) return;
    event.preventDefault();
    void draft.addFiles(files);
  }

  return (
    <form
      className="composer"
      aria-label="Message composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      {editTarget ? (
        <div className="edit-target">
          <img src={editTarget.url} alt="Edit target" width={40} height={40} />
          <span>Your next message edits this image.</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Stop editing this image"
            onClick={onClearEditTarget}
          >
            ×
          </button>
        </div>
      ) : null}

      {draft.attachments.length > 0 ? (
        <ul className="attachments" aria-label="Attached images">
          {draft.attachments.map((attachment) => (
            <li key={attachment.key} className="attachment" aria-busy={attachment.image === null}>
              <img src={attachment.previewUrl} alt={attachment.name} width={48} height={48} />
              {attachment.image === null ? <span className="attachment-status">uploading…</span> : null}
              <button
                type="button"
                className="icon-button attachment-remove"
                aria-label={`Remove ${attachment.name}`}
                onClick={() => draft.remove(attachment.key)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      <div className="composer-row">
        <button
          type="button"
          className="icon-button attach-button"
          aria-label="Attach images"
          title="Attach images (or drop / paste them)"
          onClick={() => fileInput.current?.click()}
        >
          +
        </button>
        <input
          ref={fileInput}
          type="file"
          accept={ACCEPTED_IMAGE_TYPES.join(",")}
          multiple
          hidden
          aria-label="Image files to attach"
          data-testid="file-input"
          onChange={(event) => {
            void draft.addFiles(imageFiles(event.currentTarget.files));
            event.currentTarget.value = "";
          }}
        />
        <label htmlFor="composer-text" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-text"
          className="composer-text"
          rows={2}
          placeholder={editTarget ? "Describe the edit…" : "Ask about an image, or ask for a drawing…"}
          value={draft.text}
          onChange={(event) => draft.setText(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        {busy ? (
          <button type="button" className="primary-button stop-button" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="primary-button" disabled={!canSend}>
            Send
          </button>
        )}
      </div>

      <div className="composer-options">
        <fieldset className="route-choice">
          <legend>Route</legend>
          {ROUTE_CHOICES.map((choice) => (
            <label key={choice.value} title={choice.hint}>
              <input
                type="radio"
                name="route"
                value={choice.value}
                checked={route === choice.value}
                onChange={() => onRouteChange(choice.value)}
              />
              {choice.label}
            </label>
          ))}
        </fieldset>
        <button
          type="button"
          className="text-button"
          aria-expanded={settingsOpen}
          aria-controls="settings-panel"
          onClick={onToggleSettings}
        >
          Settings
        </button>
      </div>
      <p className="composer-hint">Enter sends · Shift+Enter for a new line</p>
    </form>
  );
}
