"use client";
import { useEffect, useRef, useState } from "react";
import { getLineage } from "../lib/api.ts";
import type { ImageMeta } from "../lib/api-types.ts";
import { settingsCaption } from "../lib/image-labels.ts";

/** A modal with an image's chain of edits, from its first ancestor to the image itself. */
export function LineageView({
  image,
  onClose,
  report,
}: {
  image: ImageMeta | null;
  onClose(): void;
  report(error: unknown): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [chain, setChain] = useState<ImageMeta[] | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (image && !element.open) element.showModal();
    if (!image && element.open) element.close();
  }, [image]);

  useEffect(() => {
    if (!image) return;
    const controller = new AbortController();
    setChain(null);
    getLineage(image.id, { signal: controller.signal })
      .then((newestFirst) => setChain([...newestFirst].reverse()))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) report(error);
      });
    return () => controller.abort();
  }, [image, report]);

  return (
    <dialog ref={dialog} className="lineage-dialog" aria-labelledby="lineage-title" onClose={onClose}>
      <header>
        <h2 id="lineage-title">Image history</h2>
        <button type="button" className="icon-button" aria-label="Close history" onClick={onClose}>
          ×
        </button>
      </header>
      {chain === null ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <ol className="lineage-list">
          {chain.map((step, i) => (
            <li key={step.id} className="lineage-step">
              <img src={step.url} alt={step.instruction ?? step.source} width={96} height={96} />
              <div>
                <strong>{i === 0 ? `Original (${step.source})` : `Edit ${i}`}</strong>
                {step.instruction ? <p>{step.instruction}</p> : null}
                {settingsCaption(step) ? <p className="image-settings">{settingsCaption(step)}</p> : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </dialog>
  );
}
