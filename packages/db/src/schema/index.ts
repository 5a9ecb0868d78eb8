export * from "./api-keys.ts";
export * from "./conversations.ts";
export * from "./images.ts";
export * from "./json-shapes.ts";
export * from "./messages.ts";
