import type { Database, Orm } from "./client.ts";
import { toDbError } from "./errors.ts";
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from "./queries/api-keys.ts";
import {
  createConversation,
  deleteConversation,
  getConversation,
  listConversations,
  renameConversation,
} from "./queries/conversations.ts";
import {
  getImage,
  getImageMeta,
  imageLineage,
  insertImage,
  insertImages,
  listImages,
} from "./queries/images.ts";
import {
  failPendingMessages,
  getMessage,
  insertExchange,
  insertMessage,
  listMessages,
  setMessageStatus,
} from "./queries/messages.ts";
import { completeTurn } from "./queries/turns.ts";

const queries = {
  createApiKey,
  verifyApiKey,
  revokeApiKey,
  listApiKeys,
  listConversations,
  createConversation,
  getConversation,
  renameConversation,
  deleteConversation,
  insertMessage,
  insertExchange,
  getMessage,
  listMessages,
  setMessageStatus,
  failPendingMessages,
  insertImage,
  insertImages,
  getImage,
  getImageMeta,
  listImages,
  imageLineage,
  completeTurn,
};

type Bound<Q> = Q extends (db: Orm, ...args: infer A) => Promise<infer R>
  ? (...args: A) => Promise<R>
  : never;

/** Every query, bound to one database. Driver errors come out as DbError (the original as `cause`). */
export type Store = { readonly [K in keyof typeof queries]: Bound<(typeof queries)[K]> };

type AnyQuery = (db: Orm, ...args: never[]) => Promise<unknown>;

function bind(orm: Orm, query: AnyQuery) {
  return async (...args: never[]): Promise<unknown> => {
    try {
      return await query(orm, ...args);
    } catch (error) {
      throw toDbError(error);
    }
  };
}

export function createStore(database: Pick<Database, "orm">): Store {
  const bound = Object.entries(queries).map(([name, query]) => [name, bind(database.orm, query)]);
  // Object.fromEntries forgets which function sits under which name; Store spells it out again.
  return Object.fromEntries(bound) as Store;
}
