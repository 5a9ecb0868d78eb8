// Remote image URLs are off unless the operator allow-lists hosts (UNILIP_REMOTE_IMAGE_HOSTS): fetching
// arbitrary URLs from the server would let any client probe the server's network.
import { ApiError, invalidRequest } from "../errors.ts";
import { MAX_IMAGE_BYTES, REMOTE_IMAGE_TIMEOUT_MS } from "../limits.ts";

export async function fetchRemoteImage(
  url: string,
  options: { allowedHosts: readonly string[]; param: string; signal?: AbortSignal },
): Promise<Uint8Array> {
  const { param } = options;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw invalidRequest("An image URL must be a data: URL or an http(s) URL.", {
      param,
      code: "invalid_image_url",
    });
  }
  const allowed = options.allowedHosts.some(
    (host) => host.toLowerCase() === parsed.host.toLowerCase() || host.toLowerCase() === parsed.hostname,
  );
  if (!allowed) {
    throw invalidRequest(
      options.allowedHosts.length === 0
        ? "Remote image URLs are disabled on this server; send the image as a data: URL."
        : `Images from '${parsed.hostname}' are not allowed on this server.`,
      { param, code: "remote_image_not_allowed" },
    );
  }
  const timeout = AbortSignal.timeout(REMOTE_IMAGE_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    // Redirects could leave the allow-list, so they are refused.
    const response = await fetch(parsed, { signal, redirect: "error" });
    if (!response.ok || !response.body) {
      throw invalidRequest(`Fetching the image failed with HTTP ${response.status}.`, {
        param,
        code: "image_fetch_failed",
      });
    }
    return await readLimited(response.body, param);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw invalidRequest("Fetching the image failed.", { param, code: "image_fetch_failed", cause: error });
  }
}

async function readLimited(body: ReadableStream<Uint8Array>, param: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > MAX_IMAGE_BYTES) {
      // Leaving the loop cancels the body, so the rest is never downloaded.
      throw invalidRequest(`The remote image is larger than ${MAX_IMAGE_BYTES} bytes.`, {
        param,
        code: "image_too_large",
      });
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
