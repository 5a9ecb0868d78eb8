// Client images are stored and served as PNG. After the checks every client image passes (bytes, format,
// pixels: check-image.ts), a PNG, JPEG or WebP is decoded in full and re-encoded upright (EXIF
// orientation applied, alpha kept), so what is stored is exactly what the model is shown.
import { EngineError, normalizeImage } from "@unilip/engine";
import { invalidRequest } from "../errors.ts";
import { plainBytes } from "./bytes.ts";
import { checkImage } from "./check-image.ts";

export async function storablePng(bytes: Uint8Array, param: string): Promise<Uint8Array<ArrayBuffer>> {
  const image = checkImage(bytes, param);
  try {
    return plainBytes((await normalizeImage(image.bytes)).png);
  } catch (error) {
    if (error instanceof EngineError && error.code === "invalid_image") {
      throw invalidRequest(`The image could not be decoded: ${error.message}.`, {
        param,
        code: "invalid_image",
        cause: error,
      });
    }
    throw error;
  }
}
