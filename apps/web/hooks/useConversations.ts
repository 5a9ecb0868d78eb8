"use client";
// The sidebar's list of conversations, kept in step with the server.
import { useCallback, useEffect, useState } from "react";
import { deleteConversation, listConversations, renameConversation } from "../lib/api.ts";
import type { Conversation } from "../lib/api-types.ts";

export interface ConversationsApi {
  conversations: Conversation[];
  loaded: boolean;
  refresh(): Promise<void>;
  /** Puts a conversation created elsewhere (by the first message) at the top. */
  add(conversation: Conversation): void;
  rename(id: string, title: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
}

export function useConversations(report: (error: unknown) => void): ConversationsApi {
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [loaded, setLoaded] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setConversations(await listConversations());
    } catch (error) {
      report(error);
    } finally {
      setLoaded(true);
    }
  }, [report]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const add = useCallback((conversation: Conversation) => {
    setConversations((list) => [conversation, ...list.filter((c) => c.id !== conversation.id)]);
  }, []);

  const rename = useCallback(
    async (id: string, title: string) => {
      try {
        const renamed = await renameConversation(id, title);
        setConversations((list) => list.map((c) => (c.id === id ? renamed : c)));
        return true;
      } catch (error) {
        report(error);
        return false;
      }
    },
    [report],
  );

  const remove = useCallback(
    async (id: string) => {
      try {
        await deleteConversation(id);
        setConversations((list) => list.filter((c) => c.id !== id));
        return true;
      } catch (error) {
        report(error);
        return false;
      }
    },
    [report],
  );

  return { conversations, loaded, refresh, add, rename, remove };
}
