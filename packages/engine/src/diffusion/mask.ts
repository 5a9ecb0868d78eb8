// Edit masks: which pixels an edit may change. White (or transparent) = may change, black = keep.
import sharp from "sharp";
import { EngineError } from "../errors.ts";
import { decodeImage } from "../image/decode-image.ts";

async function dimensions(bytes: Uint8Array): Promise<string> {
  const { width, height } = await sharp(bytes).metadata();
  return `${width}x${height}`;
}

/**
 * Decodes a mask to [S*S] weights in [0, 1] (Rec. 601 luma; transparency counts as white, the usual
 * inpainting convention). The mask must have the source image's dimensions, so both stretch alike.
 */
export async function decodeMask(mask: Uint8Array, source: Uint8Array, size: number): Promise<Float32Array> {
  let rgb: Float32Array;
  try {
    rgb = await decodeImage(mask, size);
  } catch (error) {
    if (error instanceof EngineError)
      throw new EngineError(error.code, `mask: ${error.message}`, { cause: error });
    throw error;
  }
  const [maskSize, sourceSize] = await Promise.all([dimensions(mask), dimensions(source)]);
  if (maskSize !== sourceSize) {
    throw new EngineError(
      "invalid_image",
      `mask is ${maskSize} but the image is ${sourceSize}; they must match`,
    );
  }
  const plane = size * size;
  const weights = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    weights[i] = 0.299 * (rgb[i] ?? 0) + 0.587 * (rgb[plane + i] ?? 0) + 0.114 * (rgb[2 * plane + i] ?? 0);
  }
  return weights;
}

/** Pixels [3*S*S]: the edit where the mask is white, the source where it is black, blended between. */
export function blendWithMask(
  edited: Float32Array,
  source: Float32Array,
  weights: Float32Array,
): Float32Array {
  const plane = weights.length;
  return edited.map((value, i) => {
    const w = weights[i % plane] ?? 0;
    return w * value + (1 - w) * (source[i] ?? 0);
  });
}
