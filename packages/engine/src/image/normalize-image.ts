// Any accepted image (PNG, JPEG, WebP) as the PNG that is stored and served: turned upright by its EXIF
// orientation, alpha kept, metadata dropped. The same limits and errors as decodeImage (read-image.ts).
import { readImage } from "./read-image.ts";

export interface NormalizedImage {
  png: Uint8Array;
  /** Sides after orientation. */
  width: number;
  height: number;
}

export async function normalizeImage(bytes: Uint8Array): Promise<NormalizedImage> {
  const { data, info } = await readImage(bytes, (image) =>
    image.autoOrient().png().toBuffer({ resolveWithObject: true }),
  );
  return {
    png: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}
