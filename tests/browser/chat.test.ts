/// <reference lib="dom" />
// The chat UI end to end: real server, real database, real ONNX model (tiny-random), real Chromium.
// The steps share one page and run in order, as a user would: ask about an upload, draw, edit, branch,
// reload, then hit server errors. Screenshots of every step go to test-artifacts/browser/.
// (The DOM lib above types the functions that page.evaluate runs inside the browser.)
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_NOTE_HIDDEN_KEY } from "../../apps/web/lib/demo-note.ts";
import { EXAMPLES, SAMPLE_FILE_NAME } from "../../apps/web/lib/examples.ts";
import { type SceneObject, scenePixels } from "../../apps/web/lib/sample-scene.ts";
import { placeholdersFrom, SETTING_LIMITS } from "../../apps/web/lib/settings.ts";
import { IMAGE_SIZE } from "../../apps/web/lib/shapes-world.ts";
import {
  artifactPath,
  CHROMIUM_PATH,
  clearArtifacts,
  ensureWebBuild,
  launchChromium,
  MODEL_DIR,
  type RunningServer,
  SERVER_START_TIMEOUT_MS,
  startServer,
  WEB_BUILD_TIMEOUT_MS,
} from "./harness.ts";

const chromiumMissing = !existsSync(CHROMIUM_PATH);
if (chromiumMissing && process.env.CI === "true") {
  throw new Error(
    `${CHROMIUM_PATH} is missing; CI must run the browser suite (scripts/setup-ci.sh installs it).`,
  );
}
if (chromiumMissing) {
  console.warn(`Skipping the browser suite: ${CHROMIUM_PATH} is missing (apt-get install chromium).`);
}

/** A tiny-random turn takes well under a second; the margin covers a loaded CI machine. */
const TURN_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 120_000;
/** Few steps keep drawing fast while still streaming several progress events. */
const DRAW_STEPS = "4";
const MAX_TOKENS = "16";
/** The most steps a turn may take, so the stream carries many previews. */
const SLOW_DRAW_STEPS = "100";
/** A slow mobile link: a few progress events with previews per second. */
const SLOW_BYTES_PER_SECOND = 16 * 1024;
/** One character past the server's MAX_PROMPT_CHARS (16,000). */
const OVERLONG_PROMPT_CHARS = 16_001;
/** Requests phrased as the bundled model was trained, so UNILIP_MODEL_DIR=models/shapes runs the same steps. */
const QUESTION = "what is in this picture?";
const DRAWING = "draw a red circle and a blue square";
const EDIT = "make the square green";
const EDITED_QUESTION = "how many objects are there?";
const RENAMED = "Shapes session";

/** A Shapes-world PNG as the training renderer draws it (palette colours on grey), encoded by sharp. */
async function shapesPng(scene: readonly SceneObject[]): Promise<Buffer> {
  const raw = { width: IMAGE_SIZE, height: IMAGE_SIZE, channels: 4 } as const;
  return sharp(Buffer.from(scenePixels(scene)), { raw })
    .png()
    .toBuffer();
}

describe.skipIf(chromiumMissing)("chat UI in Chromium", { timeout: STEP_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let shot = 0;

  async function screenshot(step: string) {
    shot += 1;
    await page.screenshot({
      path: artifactPath(`${String(shot).padStart(2, "0")}-${step}.png`),
      fullPage: true,
    });
  }

  const assistants = () => page.locator("article.message-assistant");
  const lastAssistant = () => assistants().last();

  async function send(text: string, route: "Auto" | "Chat" | "Draw" | "Edit") {
    await page.getByRole("radio", { name: route }).check();
    await page.locator("#composer-text").fill(text);
    await page.locator("#composer-text").press("Enter");
  }

  const errorAlert = () => page.getByRole("alert").filter({ hasText: "Error:" });

  /** Waits for the n-th answer (1-based) to finish and returns it; fails at once on an error alert. */
  async function answer(n: number) {
    const message = assistants().nth(n - 1);
    const complete = message.and(page.locator('[data-status="complete"]'));
    await complete.or(errorAlert()).first().waitFor({ timeout: TURN_TIMEOUT_MS });
    if (await errorAlert().isVisible()) throw new Error(`The turn failed: ${await errorAlert().innerText()}`);
    return message;
  }

  beforeAll(async () => {
    if (!existsSync(`${MODEL_DIR}/unilip.json`)) {
      throw new Error(
        `${MODEL_DIR} is missing: export it with training/unilip/export.py --random --preset tiny`,
      );
    }
    ensureWebBuild();
    clearArtifacts();
    server = await startServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, WEB_BUILD_TIMEOUT_MS + SERVER_START_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("opens on the demo banner and example prompts", async () => {
    await page.goto(server.url);
    await page.getByText("Shapes world").waitFor();
    for (const example of EXAMPLES) {
      await page.getByRole("button", { name: example.text }).and(page.locator(":enabled")).waitFor();
    }
    await screenshot("empty");
  });

  it("fills the composer from an example, with the sample image attached", async () => {
    const example = EXAMPLES.find((e) => e.withSample);
    if (!example) throw new Error("no example uses the sample image");
    await page.getByRole("button", { name: example.text }).click();
    expect(await page.locator("#composer-text").inputValue()).toBe(example.text);
    await page.locator('.attachment[aria-busy="false"]').waitFor();
    expect(await page.locator(".attachment img").getAttribute("alt")).toBe(SAMPLE_FILE_NAME);
    expect(await page.getByRole("radio", { name: "Auto" }).isChecked()).toBe(true);
    await screenshot("example-picked");
    await page.getByRole("button", { name: `Remove ${SAMPLE_FILE_NAME}` }).click();
    await page.locator("#composer-text").fill("");
  });

  it("attaches images pasted into the composer or dropped on the chat", async () => {
    const png = (
      await shapesPng([{ shape: "star", color: "purple", size: "large", row: 1, col: 1 }])
    ).toString("base64");
    // Chromium builds real paste and drop events around a DataTransfer holding the file.
    await page.evaluate((base64) => {
      const file = () => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], "star.png", { type: "image/png" }));
        return transfer;
      };
      document
        .getElementById("composer-text")
        ?.dispatchEvent(
          new ClipboardEvent("paste", { clipboardData: file(), bubbles: true, cancelable: true }),
        );
      document
        .querySelector("main.chat")
        ?.dispatchEvent(new DragEvent("drop", { dataTransfer: file(), bubbles: true, cancelable: true }));
    }, png);
    await page.locator('.attachment[aria-busy="false"]').nth(1).waitFor();
    expect(await page.locator(".attachment").count()).toBe(2);
    for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Remove star.png" }).first().click();
    expect(await page.locator(".attachment").count()).toBe(0);
  });

  it("keeps Shift+Enter as a newline and takes settings", async () => {
    const composer = page.locator("#composer-text");
    await composer.fill("first line");
    await composer.press("Shift+Enter");
    await composer.pressSequentially("second line");
    expect(await composer.inputValue()).toBe("first line\nsecond line");
    await composer.fill("");

    await page.getByRole("button", { name: "Settings" }).click();
    // An empty field means the served model's default, and the placeholder says which.
    // The served test model's guidance differs from the built-in placeholder (the bundled model's), so this
    // waits for the one the UI read from /v1/models.
    const { defaults } = (await (await fetch(`${server.url}/v1/models`)).json()).data[0];
    const { guidance } = placeholdersFrom(defaults);
    expect(guidance).not.toBe(SETTING_LIMITS.guidance.placeholder);
    await page.locator(`#setting-guidance[placeholder="${guidance}"]`).waitFor({ timeout: TURN_TIMEOUT_MS });
    expect(await page.locator("#setting-steps").getAttribute("placeholder")).toBe(String(defaults.steps));
    await page.locator("#setting-steps").fill(DRAW_STEPS);
    await page.locator("#setting-max_tokens").fill(MAX_TOKENS);
    await screenshot("settings");
  });

  it("uploads an image and streams an answer about it", async () => {
    // Greedy decoding is deterministic: with this image the random-weight model answers in several tokens
    // (some images make it stop at once, which the UI reports as an empty answer).
    const png = await shapesPng([{ shape: "circle", color: "red", size: "large", row: 1, col: 1 }]);
    await page
      .locator('[data-testid="file-input"]')
      .setInputFiles({ name: "circle.png", mimeType: "image/png", buffer: png });
    await page.locator('.attachment[aria-busy="false"]').waitFor();
    await screenshot("attached");

    // Count text changes of the answer as they happen, to see tokens arrive one by one.
    await page.evaluate(() => {
      const w = window as unknown as { tokenUpdates: number };
      w.tokenUpdates = 0;
      new MutationObserver(() => {
        w.tokenUpdates += 1;
      }).observe(document.body, { subtree: true, characterData: true, childList: true });
    });
    await send(QUESTION, "Chat");

    const reply = await answer(1);
    await page.locator("article.message-user img").first().waitFor();
    expect(await reply.locator(".route-badge").innerText()).toBe("answered");
    expect((await reply.locator(".markdown").innerText()).length).toBeGreaterThan(0);
    expect(
      await page.evaluate(() => (window as unknown as { tokenUpdates: number }).tokenUpdates),
    ).toBeGreaterThan(2);
    expect(await page.locator(".attachment").count()).toBe(0);
    await screenshot("answered");
  });

  it("draws when Draw is forced, showing progress and then the image with its seed", async () => {
    await page.evaluate(() => {
      const w = window as unknown as { progressLabels: string[] };
      w.progressLabels = [];
      new MutationObserver(() => {
        const label = document.querySelector(".progress-label")?.textContent;
        if (label && !w.progressLabels.includes(label)) w.progressLabels.push(label);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await send(DRAWING, "Draw");

    const drawing = await answer(2);
    expect(await drawing.locator(".route-badge").innerText()).toBe("generated");
    await drawing.locator(".image-card img").waitFor();
    expect(await drawing.locator(".image-settings").innerText()).toMatch(
      new RegExp(`seed \\d+ · ${DRAW_STEPS} steps · guidance`),
    );
    const labels = await page.evaluate(
      () => (window as unknown as { progressLabels: string[] }).progressLabels,
    );
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.every((label) => new RegExp(`^step \\d+/${DRAW_STEPS}$`).test(label))).toBe(true);
    await screenshot("drawn");
  });

  it("edits the drawn image and shows where the edit came from", async () => {
    await lastAssistant().getByRole("button", { name: "Edit this" }).click();
    await page.locator(".edit-target").waitFor();
    await page.locator("#composer-text").fill(EDIT);
    await page.locator("#composer-text").press("Enter");

    const edited = await answer(3);
    expect(await edited.locator(".route-badge").innerText()).toBe("edited");
    await edited.locator(".image-source .source-thumb").waitFor();
    expect(await edited.locator(".image-source").innerText()).toContain("Edited from");
    await screenshot("edited");

    const main = edited.locator(".image-frame img");
    const after = await main.getAttribute("src");
    await edited.getByRole("button", { name: "Show before" }).click();
    expect(await main.getAttribute("src")).not.toBe(after);
    expect(await main.getAttribute("src")).toBe(await edited.locator(".source-thumb").getAttribute("src"));
    await screenshot("edited-before");
    await edited.getByRole("button", { name: "Show after" }).click();

    await edited.getByRole("button", { name: "History" }).click();
    const dialog = page.getByRole("dialog", { name: "Image history" });
    await dialog.locator(".lineage-step").nth(1).waitFor();
    expect(await dialog.locator(".lineage-step").count()).toBe(2);
    expect(await dialog.innerText()).toContain(EDIT);
    await screenshot("lineage");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  });

  it("regenerates an answer as a sibling branch with a switcher", async () => {
    const firstSrc = await lastAssistant().locator(".image-frame img").getAttribute("src");
    await lastAssistant().getByRole("button", { name: "Regenerate" }).click();
    await page.locator(".branch-position", { hasText: "2/2" }).waitFor({ timeout: TURN_TIMEOUT_MS });
    await lastAssistant().and(page.locator('[data-status="complete"]')).waitFor({ timeout: TURN_TIMEOUT_MS });
    expect(await lastAssistant().locator(".image-frame img").getAttribute("src")).not.toBe(firstSrc);
    await screenshot("regenerated");

    await lastAssistant().getByRole("button", { name: "Previous version" }).click();
    await page.locator(".branch-position", { hasText: "1/2" }).waitFor();
    expect(await lastAssistant().locator(".image-frame img").getAttribute("src")).toBe(firstSrc);
  });

  it("stops a drawing mid-way with Stop", async () => {
    // The tiny model draws 100 steps in well under a second; a slow connection (Chromium's own network
    // throttling) keeps the stream of progress previews open long enough to press Stop.
    const cdp = await page.context().newCDPSession(page);
    const network = (downloadThroughput: number) =>
      cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput,
        uploadThroughput: -1,
      });
    await network(SLOW_BYTES_PER_SECOND);
    await page.locator("#setting-steps").fill(SLOW_DRAW_STEPS);
    await send("draw a star", "Draw");
    await page.locator(".progress-label").waitFor({ timeout: TURN_TIMEOUT_MS });
    await screenshot("drawing");
    const conversationId = new URL(page.url()).searchParams.get("c");
    const resynced = page.waitForResponse(
      (r) => r.request().method() === "GET" && r.url().endsWith(`/api/conversations/${conversationId}`),
    );
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.getByRole("button", { name: "Send" }).waitFor();
    expect(await page.locator(".generation-progress").count()).toBe(0);
    await screenshot("stopped");
    // The UI then shows what the server stored: cancelled, or complete when the (fast) model finished
    // before the stop arrived; a stop the server has not stored yet stays cancelled.
    const detail = (await (await resynced).json()) as { messages: { id: string; status: string }[] };
    const id = await lastAssistant().getAttribute("data-message-id");
    const stored = detail.messages.find((m) => m.id === id)?.status;
    const shown = stored === "pending" ? "cancelled" : stored;
    expect(["cancelled", "complete"]).toContain(shown);
    await lastAssistant()
      .and(page.locator(`[data-status="${shown}"]`))
      .waitFor();
    if (shown === "cancelled") expect(await lastAssistant().innerText()).toContain("Stopped.");
    await network(-1);
    await cdp.detach();
    await page.locator("#setting-steps").fill(DRAW_STEPS);
  });

  it("restores the whole conversation after a reload", async () => {
    const messages = await page.locator("article.message").count();
    const images = await page.locator("article.message .image-card").count();
    expect(new URL(page.url()).searchParams.get("c")).toBeTruthy();
    await page.reload();
    await page
      .locator("article.message")
      .nth(messages - 1)
      .waitFor();
    expect(await page.locator("article.message").count()).toBe(messages);
    expect(await page.locator("article.message .image-card").count()).toBe(images);
    expect(await page.locator(".conversation-open").first().innerText()).toBe(QUESTION);
    await screenshot("reloaded");
  });

  it("renames the conversation in the sidebar, and the name survives a reload", async () => {
    await page.getByRole("button", { name: `Rename “${QUESTION}”` }).click();
    await page.getByRole("textbox", { name: "New title" }).fill(RENAMED);
    await page.getByRole("textbox", { name: "New title" }).press("Enter");
    await page.locator(".conversation-open", { hasText: RENAMED }).waitFor();
    await page.reload();
    await page.locator(".conversation-open", { hasText: RENAMED }).waitFor();
    expect(await page.locator("h1").innerText()).toBe(RENAMED);
  });

  it("edits a sent message into a new branch, switches back, and a reload keeps that", async () => {
    const question = page.locator("article.message-user").first();
    // The rename test's reload waits only for the sidebar; the conversation arrives in one load after it.
    await question.waitFor();
    const messages = await page.locator("article.message").count();
    await page.getByRole("radio", { name: "Chat" }).check();
    await question.getByRole("button", { name: "Edit", exact: true }).click();
    await question.getByRole("textbox", { name: "Edit your message" }).fill(EDITED_QUESTION);
    await question.getByRole("button", { name: "Save & submit" }).click();
    await question.locator(".branch-position", { hasText: "2/2" }).waitFor({ timeout: TURN_TIMEOUT_MS });
    await answer(1);
    expect(await question.locator(".user-text").innerText()).toBe(EDITED_QUESTION);
    // The new branch holds the edited question and its answer only; the image stays attached.
    expect(await page.locator("article.message").count()).toBe(2);
    await question.locator("img").first().waitFor();
    await screenshot("message-edited");

    await question.getByRole("button", { name: "Previous version" }).click();
    await question.locator(".branch-position", { hasText: "1/2" }).waitFor();
    expect(await question.locator(".user-text").innerText()).toBe(QUESTION);
    expect(await page.locator("article.message").count()).toBe(messages);

    // A reload shows the versions the user was reading, not the newest branch.
    await page.reload();
    await question.locator(".branch-position", { hasText: "1/2" }).waitFor();
    expect(await page.locator("article.message").count()).toBe(messages);
  });

  it("shows the server's error when an edit is forced with no image", async () => {
    await page.getByRole("button", { name: "+ New chat" }).click();
    await page.getByText("Try an example").waitFor();
    await send(EDIT, "Edit");
    const alert = errorAlert();
    await alert.waitFor();
    expect((await alert.innerText()).length).toBeGreaterThan("Error:".length);
    // The message stays in the composer so the user can fix it.
    expect(await page.locator("#composer-text").inputValue()).toBe(EDIT);
    await screenshot("error-edit-without-image");
    await page.getByRole("button", { name: "Dismiss error" }).click();
  });

  it("shows the server's error for an over-long prompt", async () => {
    await send("x".repeat(OVERLONG_PROMPT_CHARS), "Chat");
    const alert = errorAlert();
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/16000|characters/);
    await screenshot("error-overlong-prompt");
    await page.getByRole("button", { name: "Dismiss error" }).click();
  });

  it("deletes a conversation from the sidebar after asking, for good", async () => {
    const failed = page.locator(".conversation-open", { hasText: EDIT });
    await failed.waitFor();
    await page.getByRole("button", { name: `Delete “${EDIT}”` }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await failed.waitFor({ state: "detached" });
    await page.reload();
    await page.locator(".conversation-open", { hasText: RENAMED }).waitFor();
    expect(await failed.count()).toBe(0);
  });

  it("fits a 375 px phone screen, with the sidebar as a drawer", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(server.url);
    await page.locator(".conversation-open").first().waitFor({ state: "attached" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot("phone");
    await page.getByRole("button", { name: "Show conversations" }).click();
    await page.locator(".conversation-open", { hasText: RENAMED }).click();
    await page.locator(".sidebar").waitFor({ state: "hidden" });
    await page.locator("article.message").first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot("phone-conversation");
  });

  it("keeps the demo note hidden once the user hides it", async () => {
    await page.getByRole("button", { name: "Hide this note" }).click();
    expect(await page.evaluate((key) => localStorage.getItem(key), DEMO_NOTE_HIDDEN_KEY)).toBe("1");
    await page.reload();
    await page.locator("article.message").first().waitFor();
    expect(await page.getByRole("complementary", { name: "About the demo model" }).count()).toBe(0);
    await screenshot("phone-note-hidden");
  });
});
