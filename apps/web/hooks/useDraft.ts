"use client";
// The message being written: its text and the images attached to it. Images upload as soon as they are
// attached, so sending needs only their ids.
import { useCallback, useEffect, useRef, useState } from "react";
import { uploadImage } from "../lib/api.ts";
import type { ImageMeta } from "../lib/api-types.ts";
import { checkAttachment } from "../lib/attachments.ts";

export interface Attachment {
  key: string;
  name: string;
  /** Object URL of the local file, shown while (and after) it uploads. */
  previewUrl: string;
  /** Set once the server stored the image. */
  image: ImageMeta | null;
}

export interface DraftApi {
  text: string;
  setText(text: string): void;
  attachments: Attachment[];
  uploading: boolean;
  addFiles(files: readonly File[]): Promise<void>;
  remove(key: string): void;
  clear(): void;
}

let nextKey = 0;

export function useDraft(report: (error: unknown) => void): DraftApi {
  const [text, setText] = useState("");
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  // Mirrors the state so limits count uploads still in flight, which state would only see next render.
  const current = useRef<Attachment[]>([]);

  const update = useCallback((change: (list: Attachment[]) => Attachment[]) => {
    current.current = change(current.current);
    setAttachments(current.current);
  }, []);

  useEffect(
    () => () => {
      for (const a of current.current) URL.revokeObjectURL(a.previewUrl);
    },
    [],
  );

  const addFiles = useCallback(
    async (files: readonly File[]) => {
      await Promise.all(
        files.map(async (file) => {
          const refused = checkAttachment(file, current.current.length);
          if (refused) return report(refused);
          const key = `attachment-${nextKey++}`;
          const previewUrl = URL.createObjectURL(file);
          update((list) => [...list, { key, name: file.name, previewUrl, image: null }]);
          try {
            const image = await uploadImage(file);
            update((list) => list.map((a) => (a.key === key ? { ...a, image } : a)));
          } catch (error) {
            update((list) => list.filter((a) => a.key !== key));
            URL.revokeObjectURL(previewUrl);
            report(error);
          }
        }),
      );
    },
    [report, update],
  );

  const remove = useCallback(
    (key: string) => {
      const gone = current.current.find((a) => a.key === key);
      if (gone) URL.revokeObjectURL(gone.previewUrl);
      update((list) => list.filter((a) => a.key !== key));
    },
    [update],
  );

  const clear = useCallback(() => {
    setText("");
    for (const a of current.current) URL.revokeObjectURL(a.previewUrl);
    update(() => []);
  }, [update]);

  return {
    text,
    setText,
    attachments,
    uploading: attachments.some((a) => a.image === null),
    addFiles,
    remove,
    clear,
  };
}
