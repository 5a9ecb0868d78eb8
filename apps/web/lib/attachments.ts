// Limits on images the user attaches, checked before an upload so a wrong file fails at once, with a
// message that names the limit.
import { ApiError } from "./errors.ts";

/** The formats the engine decodes. */
export const ACCEPTED_IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
/** The server's per-image limit (MAX_IMAGE_BYTES), checked here so a large file fails before uploading. */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
/** Images per message, as the server allows (MAX_IMAGES_PER_REQUEST); each costs an encoder pass. */
export const MAX_ATTACHMENTS = 4;

export interface FileLike {
  name: string;
  type: string;
  size: number;
}

/** Null when the file may be uploaded as attachment number `alreadyAttached + 1`. */
export function checkAttachment(file: FileLike, alreadyAttached: number): ApiError | null {
  if (alreadyAttached >= MAX_ATTACHMENTS) {
    return new ApiError(`At most ${MAX_ATTACHMENTS} images can be attached to one message.`, {
      kind: "input",
      param: "file",
    });
  }
  if (!(ACCEPTED_IMAGE_TYPES as readonly string[]).includes(file.type)) {
    return new ApiError(`"${file.name}" is not a PNG, JPEG or WebP image.`, { kind: "input", param: "file" });
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    const mib = MAX_UPLOAD_BYTES / (1024 * 1024);
    return new ApiError(`"${file.name}" is larger than ${mib} MiB.`, { kind: "input", param: "file" });
  }
  return null;
}
