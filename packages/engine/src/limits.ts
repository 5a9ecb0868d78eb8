// Every limit the engine enforces, in one place, so the server, CLI and tests read the same numbers.

/** Largest encoded image accepted (PNG/JPEG/WebP bytes). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** Largest decoded image accepted, in pixels (guards against decompression bombs). */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Images per conversation: each costs an encoder pass and tokens_per_image context positions. */
export const MAX_IMAGES_PER_CONVERSATION = 8;
/** Messages per conversation. */
export const MAX_MESSAGES = 256;
/** Parts (text or image) in one message. */
export const MAX_CONTENT_PARTS = 64;
/** Characters in one text part, prompt or instruction. */
export const MAX_TEXT_CHARS = 32_000;

export const MAX_NEW_TOKENS = 2048;
export const MAX_TEMPERATURE = 2;
export const MAX_STOP_SEQUENCES = 8;
export const MAX_STOP_SEQUENCE_CHARS = 64;

export const MAX_STEPS = 100;
export const MAX_GUIDANCE = 20;
/** Largest seed: seeds feed 32-bit PRNGs. */
export const MAX_SEED = 2 ** 32 - 1;

/** Encoder features kept for recently seen images (keyed by content hash). */
export const ENCODER_CACHE_ENTRIES = 16;
/** Conversation prefixes whose decoder KV cache is kept for the next turn. */
export const PREFIX_CACHE_ENTRIES = 4;
/** Tokens the router reads of the model's own answer (enough for "<img>generate" / a class word). */
export const MAX_ROUTE_TOKENS = 8;
/**
 * Packages whose graphs total less than this run each graph on one thread unless the caller asks for more.
 * At this size an operator takes microseconds and onnxruntime's thread hand-offs cost more than they save:
 * on the 25 MB Shapes model, 2 threads served image generation 4x slower than 1 while another process
 * used the second core, and no faster on an idle machine.
 */
export const SINGLE_THREAD_MAX_BYTES = 64 * 1024 * 1024;
