"use client";
import { type DragEvent, useCallback, useEffect, useMemo, useState } from "react";
import { useChat } from "../hooks/useChat.ts";
import { useConversations } from "../hooks/useConversations.ts";
import { useDraft } from "../hooks/useDraft.ts";
import { getModelDefaults } from "../lib/api.ts";
import type { ImageMeta, Message, RouteChoice } from "../lib/api-types.ts";
import { rememberSelection } from "../lib/branch-memory.ts";
import { browserStorage } from "../lib/browser-storage.ts";
import { conversationIdFromSearch, searchForConversation } from "../lib/conversation-url.ts";
import { type ApiError, isAbortError, toApiError } from "../lib/errors.ts";
import type { Example } from "../lib/examples.ts";
import {
  emptySettingsForm,
  parseSettings,
  placeholdersFrom,
  type SettingName,
  type SettingPlaceholders,
} from "../lib/settings.ts";
import { Composer, imageFiles } from "./Composer.tsx";
import { DemoBanner } from "./DemoBanner.tsx";
import { ErrorBanner } from "./ErrorBanner.tsx";
import { ExamplePrompts } from "./ExamplePrompts.tsx";
import { LineageView } from "./LineageView.tsx";
import type { MessageActions } from "./Message.tsx";
import { MessageList } from "./MessageList.tsx";
import { SettingsPanel } from "./SettingsPanel.tsx";
import { Sidebar } from "./Sidebar.tsx";

/** The whole chat: wires the sidebar, the open conversation, the composer and the dialogs together. */
export function ChatApp() {
  const [error, setError] = useState<ApiError | null>(null);
  const report = useCallback((cause: unknown) => {
    if (!isAbortError(cause)) setError(toApiError(cause));
  }, []);

  const conversations = useConversations(report);
  const { refresh, add } = conversations;
  const chat = useChat({ report, onCreated: add, onTurnEnded: refresh });
  const draft = useDraft(report);

  const [route, setRoute] = useState<RouteChoice>("auto");
  const [editTarget, setEditTarget] = useState<ImageMeta | null>(null);
  const [settingsForm, setSettingsForm] = useState(emptySettingsForm);
  const [settingsErrors, setSettingsErrors] = useState<Partial<Record<SettingName, string>>>({});
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [placeholders, setPlaceholders] = useState<SettingPlaceholders>({});
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [lineageOf, setLineageOf] = useState<ImageMeta | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    getModelDefaults({ signal: controller.signal }).then(
      (defaults) => setPlaceholders(placeholdersFrom(defaults)),
      report,
    );
    return () => controller.abort();
  }, [report]);

  const { open, conversationId } = chat;
  useEffect(() => {
    const id = conversationIdFromSearch(window.location.search);
    if (id) open(id);
  }, [open]);

  useEffect(() => {
    const search = searchForConversation(conversationId);
    if (search !== window.location.search)
      window.history.replaceState(null, "", `${window.location.pathname}${search}`);
  }, [conversationId]);

  const selectConversation = useCallback(
    (id: string | null) => {
      setEditTarget(null);
      setSidebarOpen(false);
      open(id);
    },
    [open],
  );

  /** The settings for a turn, or null (with the panel opened on the faulty field) when one is invalid. */
  function turnSettings() {
    const parsed = parseSettings(settingsForm);
    setSettingsErrors(parsed.ok ? {} : parsed.errors);
    if (parsed.ok) return parsed.settings;
    setSettingsOpen(true);
    return null;
  }

  async function send() {
    const settings = turnSettings();
    if (!settings) return;
    const attachments = draft.attachments.flatMap((a) => (a.image ? [a.image] : []));
    setError(null);
    const accepted = await chat.send(
      {
        text: draft.text,
        imageIds: attachments.map((a) => a.id),
        route,
        editImageId: editTarget?.id ?? null,
      },
      attachments,
      settings,
    );
    if (accepted) {
      draft.clear();
      setEditTarget(null);
    }
  }

  const actions: MessageActions = {
    onSwitch: chat.switchBranch,
    onRegenerate(message: Message) {
      const settings = turnSettings();
      setError(null);
      if (settings) void chat.regenerate(message, settings);
    },
    async onEdit(message: Message, text: string) {
      const settings = turnSettings();
      setError(null);
      return settings ? chat.editMessage(message, text, route, settings) : false;
    },
    onEditImage(image: ImageMeta) {
      setEditTarget((current) => (current?.id === image.id ? null : image));
      setRoute("edit");
      document.getElementById("composer-text")?.focus();
    },
    onShowLineage: setLineageOf,
  };

  async function pickExample(example: Example, sample: File | null) {
    draft.clear();
    draft.setText(example.text);
    setRoute("auto");
    setEditTarget(null);
    if (sample) await draft.addFiles([sample]);
    document.getElementById("composer-text")?.focus();
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    const files = imageFiles(event.dataTransfer.files);
    if (files.length === 0) return;
    event.preventDefault();
    void draft.addFiles(files);
  }

  const activeTitle = useMemo(
    () => conversations.conversations.find((c) => c.id === conversationId)?.title ?? "New chat",
    [conversations.conversations, conversationId],
  );
  const empty = chat.path.length === 0 && !chat.loading;

  return (
    <div className="app">
      <Sidebar
        conversations={conversations.conversations}
        activeId={conversationId}
        open={sidebarOpen}
        onSelect={selectConversation}
        onNew={() => selectConversation(null)}
        onRename={conversations.rename}
        onDelete={async (id) => {
          const deleted = await conversations.remove(id);
          if (deleted) rememberSelection(browserStorage(), id, {});
          if (deleted && id === conversationId) selectConversation(null);
          return deleted;
        }}
        onClose={() => setSidebarOpen(false)}
      />
      <main
        className="chat"
        onDragOver={(event) => {
          if (event.dataTransfer.types.includes("Files")) event.preventDefault();
        }}
        onDrop={onDrop}
      >
        <header className="chat-header">
          <button
            type="button"
            className="icon-button sidebar-toggle"
            aria-label="Show conversations"
            aria-expanded={sidebarOpen}
            onClick={() => setSidebarOpen(true)}
          >
            ☰
          </button>
          <h1>{activeTitle}</h1>
          <span className="product-name">UniLIP Chat</span>
        </header>
        <DemoBanner />
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        {empty ? (
          <ExamplePrompts onPick={(example, sample) => void pickExample(example, sample)} report={report} />
        ) : (
          <MessageList
            path={chat.path}
            images={chat.state.images}
            turn={chat.state.turn}
            editTargetId={editTarget?.id ?? null}
            actions={actions}
          />
        )}
        {settingsOpen ? (
          <SettingsPanel
            form={settingsForm}
            errors={settingsErrors}
            placeholders={placeholders}
            onChange={setSettingsForm}
            onReset={() => {
              setSettingsForm(emptySettingsForm);
              setSettingsErrors({});
            }}
          />
        ) : null}
        <Composer
          draft={draft}
          route={route}
          onRouteChange={(next) => {
            setRoute(next);
            if (next !== "edit") setEditTarget(null);
          }}
          editTarget={editTarget}
          onClearEditTarget={() => setEditTarget(null)}
          busy={chat.busy}
          onSend={() => void send()}
          onStop={chat.stop}
          settingsOpen={settingsOpen}
          onToggleSettings={() => setSettingsOpen((shown) => !shown)}
        />
      </main>
      <LineageView image={lineageOf} onClose={() => setLineageOf(null)} report={report} />
    </div>
  );
}
