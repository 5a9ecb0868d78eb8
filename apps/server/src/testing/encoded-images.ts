// Tiny JPEG, WebP and GIF files for tests of the formats the server converts (or refuses), so tests need
// no image library. Each is a flat 12 x 8 colour, written once with sharp:
// sharp({ create: { width: 12, height: 8, channels: 3, background: "#c82828" } }).jpeg({ quality: 50 })
// (and .webp({ quality: 50 }), .gif()).

export const ENCODED_SIZE = { width: 12, height: 8 } as const;

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

export const RED_JPEG = fromBase64(
  "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAwDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCWAEpn/9k=",
);

export const RED_WEBP = fromBase64(
  "UklGRjYAAABXRUJQVlA4ICoAAACQAQCdASoMAAgAAsBMJaACdLoAA5gA/uwmX18AU9Uf/OJfyR+gXaAAAAA=",
);

export const RED_GIF = fromBase64("R0lGODlhDAAIAIAAAExpccgoKCH5BAUAAAAALAAAAAAMAAgAAAIIjI+py+0PYyoAOw==");
