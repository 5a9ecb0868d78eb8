import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Message as MessageData } from "../lib/api-types.ts";
import { ApiError } from "../lib/errors.ts";
import { imageMeta, message } from "../lib/test-fixtures.ts";
import { ErrorBanner } from "./ErrorBanner.tsx";
import { GenerationProgress } from "./GenerationProgress.tsx";
import { ImageCard } from "./ImageCard.tsx";
import { isEmptyAnswer, Message, type MessageActions } from "./Message.tsx";

const actions: MessageActions = {
  onSwitch: () => undefined,
  onRegenerate: () => undefined,
  onEdit: async () => true,
  onEditImage: () => undefined,
  onShowLineage: () => undefined,
};

const source = imageMeta({ id: "g1", source: "generated", instruction: "a red circle" });
const edited = imageMeta({
  id: "e1",
  source: "edited",
  parent_image_id: "g1",
  instruction: "make the circle green",
  settings: { seed: 42, steps: 20, guidance: 4.5, sampler: "dpm-solver++2m" },
});

/** A finished message as the list renders it, with no turn running. */
function renderMessage(shown: MessageData, siblingIds = [shown.id], index = 0): string {
  return renderToString(
    <Message
      entry={{ message: shown, siblingIds, index }}
      images={{}}
      progress={null}
      busy={false}
      editTargetId={null}
      actions={actions}
    />,
  );
}

describe("Message", () => {
  it("renders an answer as markdown with its route badge and branch position", () => {
    const answer = message({
      id: "a1",
      role: "assistant",
      route: "understand",
      content: [{ type: "text", text: "There is **one** circle." }],
    });
    const html = renderMessage(answer, ["a0", "a1", "a2"], 1);
    expect(html).toContain("<strong>one</strong>");
    expect(html).toContain("answered");
    expect(html).toMatch(/2<!-- -->\/<!-- -->3/);
    expect(html).toContain("Regenerate");
  });

  it("shows user text as typed, not as markdown", () => {
    const question = message({ id: "u1", content: [{ type: "text", text: "**bold?**" }] });
    const html = renderMessage(question);
    expect(html).toContain("**bold?**");
    expect(html).not.toContain("branch-switcher");
    expect(html).toContain(">Edit<");
  });

  it("says so when a finished answer is empty, instead of showing nothing", () => {
    const render = (text: string) =>
      renderMessage(
        message({ id: "a1", role: "assistant", route: "understand", content: [{ type: "text", text }] }),
      );
    expect(render(" \n")).toContain("The model gave an empty answer");
    expect(render("a circle")).not.toContain("empty answer");
    expect(isEmptyAnswer({ content: [] })).toBe(true);
    expect(isEmptyAnswer({ content: [{ type: "image", image_id: "g1" }] })).toBe(false);
  });

  it("shows a failed answer's error and no actions while pending", () => {
    const failed = message({ id: "a1", role: "assistant", status: "error", error: "No image to edit" });
    const html = renderMessage(failed);
    expect(html).toContain("Failed: No image to edit");
    const pending = renderToString(
      <Message
        entry={{ message: { ...failed, status: "pending", error: null }, siblingIds: ["a1"], index: 0 }}
        images={{}}
        progress={{ step: 7, total: 20, preview: null }}
        busy={true}
        editTargetId={null}
        actions={actions}
      />,
    );
    expect(pending).toMatch(/step 7\/20/);
    expect(pending).not.toContain("Regenerate");
  });
});

describe("ImageCard", () => {
  it("shows an edit's source, instruction and settings", () => {
    const html = renderToString(
      <ImageCard
        image={edited}
        source={source}
        isEditTarget={false}
        onEdit={() => undefined}
        onShowLineage={() => undefined}
      />,
    );
    expect(html).toContain('src="/v1/images/e1"');
    expect(html).toContain('src="/v1/images/g1"');
    expect(html).toContain("Edited from");
    expect(html).toContain("Show before");
    expect(html).toContain("seed 42 · 20 steps · guidance 4.5 · dpm-solver++2m");
    expect(html).toContain("History");
  });

  it("marks the current edit target and offers no history for an original", () => {
    const html = renderToString(
      <ImageCard
        image={source}
        source={undefined}
        isEditTarget={true}
        onEdit={() => undefined}
        onShowLineage={() => undefined}
      />,
    );
    expect(html).toContain("Editing this");
    expect(html).not.toContain("History");
    expect(html).not.toContain("Edited from");
  });
});

describe("GenerationProgress", () => {
  it("labels the step and shows the preview", () => {
    const html = renderToString(
      <GenerationProgress progress={{ step: 7, total: 20, preview: "data:image/png;base64,AA" }} />,
    );
    expect(html).toContain("step 7/20");
    expect(html).toContain('value="7"');
    expect(html).toContain('src="data:image/png;base64,AA"');
  });
});

describe("ErrorBanner", () => {
  it("is an alert with the message and code, and absent without an error", () => {
    const error = new ApiError("Prompt too long", { kind: "http", status: 400, code: "prompt_too_long" });
    const html = renderToString(<ErrorBanner error={error} onDismiss={() => undefined} />);
    expect(html).toContain('role="alert"');
    expect(html).toContain("Prompt too long");
    expect(html).toContain("prompt_too_long");
    expect(renderToString(<ErrorBanner error={null} onDismiss={() => undefined} />)).toBe("");
  });
});
