"use client";
import { useId, useState } from "react";

/** Inline editing of a sent message; saving sends the new version as a sibling branch. */
export function MessageEditor({
  initialText,
  onSubmit,
  onCancel,
}: {
  initialText: string;
  onSubmit(text: string): Promise<void>;
  onCancel(): void;
}) {
  const [text, setText] = useState(initialText);
  const [saving, setSaving] = useState(false);
  const id = useId();

  async function save() {
    setSaving(true);
    try {
      await onSubmit(text);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      className="message-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Edit your message
      </label>
      <textarea
        id={id}
        value={text}
        rows={3}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this message, so focus goes to it
        autoFocus
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") onCancel();
          if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            void save();
          }
        }}
      />
      <div className="editor-actions">
        <button type="button" className="text-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary-button" disabled={saving}>
          Save &amp; submit
        </button>
      </div>
    </form>
  );
}
