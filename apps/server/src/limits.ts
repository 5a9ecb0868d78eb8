// Every limit the server enforces, in one place. Each is checked at the edge (schemas, body limit,
// image sniffing, queue) and has a test that crosses it. They are at or below the engine's own limits,
// so a request the server admits never trips an engine limit.

/** Whole request body (JSON with base64 images, or multipart). 4 images of MAX_IMAGE_BYTES in base64. */
export const MAX_BODY_BYTES = 24 * 1024 * 1024;
/** One encoded image (PNG, JPEG or WebP bytes), uploaded, inline or fetched. */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
/** Decoded pixels of one image (width x height), read from its header before anything decodes it. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Images in one request (chat messages or an edit). Each costs an encoder pass. */
export const MAX_IMAGES_PER_REQUEST = 4;
/** Characters of text in one request: all text parts together, or one prompt. */
export const MAX_PROMPT_CHARS = 16_000;
/** Messages in one chat request. */
export const MAX_MESSAGES = 128;
/** New tokens one completion may ask for. */
export const MAX_TOKENS = 1024;
/** Choices per request: one model, one answer. */
export const MAX_N = 1;
/** Stop sequences per request, and characters per stop sequence. */
export const MAX_STOP_SEQUENCES = 4;
export const MAX_STOP_CHARS = 64;
/** Sampling bounds. */
export const MAX_TEMPERATURE = 2;
export const MAX_STEPS = 100;
export const MAX_GUIDANCE = 20;
export const MAX_SEED = 2 ** 32 - 1;
/** Jobs waiting for the model (the running job not counted). Beyond it: 429 with Retry-After. */
export const MAX_QUEUE_DEPTH = 32;
/** Seconds a client told to retry should wait. */
export const RETRY_AFTER_SECONDS = 5;
/** A remote image (allow-listed host) must arrive within this time. */
export const REMOTE_IMAGE_TIMEOUT_MS = 10_000;
/** On shutdown, running and queued jobs may finish for this long before they are cancelled. */
export const SHUTDOWN_DRAIN_MS = 10_000;
/** A health check answers even when the database hangs. */
export const HEALTH_DB_TIMEOUT_MS = 2_000;
/** Characters in a conversation title. */
export const MAX_TITLE_CHARS = 200;
/** Parts in one App API message. */
export const MAX_PARTS = 16;
/** A preview image is sent every this many diffusion steps during streamed generation. */
export const PREVIEW_EVERY_STEPS = 5;
/** onnxruntime threads per graph the operator may ask for (UNILIP_THREADS); more only adds contention. */
export const MAX_ENGINE_THREADS = 256;
