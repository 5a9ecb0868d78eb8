"use client";
import { useState } from "react";
import type { ImageMeta } from "../lib/api-types.ts";
import { IMAGE_SOURCE_LABELS, settingsCaption } from "../lib/image-labels.ts";

/**
 * One image in the conversation. An edited image shows the image it came from, and can swap to it
 * (before/after); every image can become the next edit's target or show its whole lineage.
 */
export function ImageCard({
  image,
  source,
  isEditTarget,
  onEdit,
  onShowLineage,
}: {
  image: ImageMeta;
  /** The image an edit came from, when it is known. */
  source: ImageMeta | undefined;
  isEditTarget: boolean;
  onEdit(image: ImageMeta): void;
  onShowLineage(image: ImageMeta): void;
}) {
  const [showBefore, setShowBefore] = useState(false);
  const shown = showBefore && source ? source : image;
  const caption = settingsCaption(image);
  const description = image.instruction ?? IMAGE_SOURCE_LABELS[image.source];
  return (
    <figure className={`image-card${isEditTarget ? " is-edit-target" : ""}`} data-image-id={image.id}>
      <div className="image-frame">
        <img
          src={shown.url}
          alt={showBefore ? `Before the edit: ${source?.instruction ?? "source image"}` : description}
          width={image.width}
          height={image.height}
        />
        {showBefore ? <span className="image-state">before</span> : null}
      </div>
      {image.parent_image_id !== null ? (
        <div className="image-source">
          {source ? (
            <img className="source-thumb" src={source.url} alt="Source of this edit" width={32} height={32} />
          ) : null}
          <span>Edited from {source ? "this image" : "an earlier image"}</span>
          {source ? (
            <button
              type="button"
              className="text-button"
              aria-pressed={showBefore}
              onClick={() => setShowBefore((before) => !before)}
            >
              {showBefore ? "Show after" : "Show before"}
            </button>
          ) : null}
        </div>
      ) : null}
      <figcaption>
        {image.instruction ? <span className="image-instruction">{image.instruction}</span> : null}
        {caption ? <span className="image-settings">{caption}</span> : null}
      </figcaption>
      <div className="image-actions">
        <button
          type="button"
          className="text-button"
          aria-pressed={isEditTarget}
          onClick={() => onEdit(image)}
        >
          {isEditTarget ? "Editing this" : "Edit this"}
        </button>
        {image.parent_image_id !== null ? (
          <button type="button" className="text-button" onClick={() => onShowLineage(image)}>
            History
          </button>
        ) : null}
      </div>
    </figure>
  );
}
