// `data:image/...;base64,...` URLs, decoded strictly: Node's base64 decoder skips invalid characters
// silently, so the alphabet and padding are checked first and a typo is an error, not a garbled image.
import { invalidRequest } from "../errors.ts";
import { MAX_IMAGE_BYTES } from "../limits.ts";

const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isDataUrl(url: string): boolean {
  return url.startsWith("data:");
}

export function decodeDataUrl(url: string, param: string): Uint8Array {
  const prefix = DATA_URL.exec(url);
  if (!prefix) {
    throw invalidRequest("A data URL must look like 'data:image/png;base64,...'.", {
      param,
      code: "invalid_image_url",
    });
  }
  return decodeBase64(url.slice(prefix[0].length), param);
}

export function decodeBase64(text: string, param: string): Uint8Array {
  const payload = text.replace(/\s+/g, "");
  if (payload.length % 4 !== 0 || !BASE64.test(payload)) {
    throw invalidRequest("The image data is not valid base64.", { param, code: "invalid_base64" });
  }
  // 4 base64 characters carry 3 bytes; refuse before allocating the decoded buffer.
  if ((payload.length / 4) * 3 > MAX_IMAGE_BYTES + 2) {
    throw invalidRequest(`The image is larger than ${MAX_IMAGE_BYTES} bytes.`, {
      param,
      code: "image_too_large",
    });
  }
  const buffer = Buffer.from(payload, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
