import { randomBytes } from "node:crypto";
import { ID_RANDOM_BYTES } from "./limits.ts";

/** Owner of every row on a loopback server that has no API keys configured. */
export const LOCAL_OWNER = "local";

const ID_PREFIXES = {
  apiKey: "key",
  conversation: "conv",
  message: "msg",
  image: "img",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** A prefixed random id such as `conv_3f9a...`: the prefix tells a reader what the id names. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBytes(ID_RANDOM_BYTES).toString("hex")}`;
}
