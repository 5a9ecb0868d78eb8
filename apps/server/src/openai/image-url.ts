// An `image_url` (data: URL, or http(s) from an allow-listed host) to checked image bytes.
import { type CheckedImage, checkImage } from "../images/check-image.ts";
import { decodeDataUrl, isDataUrl } from "../images/data-url.ts";
import { fetchRemoteImage } from "../images/remote-image.ts";

export interface ImageUrlOptions {
  allowedHosts: readonly string[];
  signal?: AbortSignal;
}

export async function loadImageUrl(
  url: string,
  param: string,
  options: ImageUrlOptions,
): Promise<CheckedImage> {
  const bytes = isDataUrl(url)
    ? decodeDataUrl(url, param)
    : await fetchRemoteImage(url, { allowedHosts: options.allowedHosts, param, signal: options.signal });
  return checkImage(bytes, param);
}
