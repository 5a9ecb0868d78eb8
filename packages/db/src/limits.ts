// Every bound the store enforces, in one place so the server can quote them in its own validation.

/** Longest id or owner id accepted as input; generated ids are far shorter. */
export const MAX_ID_LENGTH = 64;
/** Random bytes behind every generated id (128 bits: collisions are not a concern). */
export const ID_RANDOM_BYTES = 16;

export const MAX_API_KEY_NAME_LENGTH = 100;
/** Random bytes behind a plaintext API key (256 bits). */
export const API_KEY_RANDOM_BYTES = 32;
/** Characters of the plaintext key kept for display, e.g. `ulc_3kF9aQ1x`. */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 12;

export const MAX_TITLE_LENGTH = 200;
export const DEFAULT_CONVERSATION_TITLE = "New conversation";
/** Most conversations one list call returns. */
export const MAX_CONVERSATIONS_LISTED = 1000;

export const MAX_PARTS_PER_MESSAGE = 32;
export const MAX_TEXT_PART_LENGTH = 100_000;
export const MAX_ERROR_LENGTH = 2000;
export const MAX_USAGE_ENTRIES = 16;

/** A 4096 x 4096 RGBA PNG without any compression is about 64 MiB; real images are far below. */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 4096;
export const MAX_INSTRUCTION_LENGTH = 4000;
export const MAX_SAMPLER_NAME_LENGTH = 64;
/** Images one completed turn may store. */
export const MAX_IMAGES_PER_TURN = 8;
/** Images one insertImages call may store (an upload and its edits, say). */
export const MAX_IMAGES_PER_INSERT = 8;
/** Edits followed back from an image; a longer chain is cut, never an error. */
export const MAX_LINEAGE_DEPTH = 64;

/** Connections the Postgres pool opens; PGlite is always a single connection. */
export const POSTGRES_POOL_SIZE = 10;
