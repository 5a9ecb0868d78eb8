/// <reference lib="dom" />
// The chat UI end to end: real server, real database, real ONNX model (tiny-random), real Chromium.
// The steps share one page and run in order, as a user would: ask about an upload, draw, edit, branch,
// reload, then hit server errors. Screenshots of every step go to test-artifacts/browser/.
// (The DOM lib above types the functions that page.evaluate runs inside the browser.)
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  artifactPath,
  CHROMIUM_PATH,
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
    await page.getByRole("button", { name: /Draw a red circle above a blue square/ }).waitFor();
    await screenshot("empty");
  });

  it("keeps Shift+Enter as a newline and takes settings", async () => {
    const composer = page.locator("#composer-text");
    await composer.fill("first line");
    await composer.press("Shift+Enter");
    await composer.pressSequentially("second line");
    expect(await composer.inputValue()).toBe("first line\nsecond line");
    await composer.fill("");

    await page.getByRole("button", { name: "Settings" }).click();
    await page.locator("#setting-steps").fill(DRAW_STEPS);
    await page.locator("#setting-max_tokens").fill(MAX_TOKENS);
    await screenshot("settings");
  });

  it("uploads an image and streams an answer about it", async () => {
    // A PNG from the browser's own encoder: a red circle on white, like the Shapes world.
    const png = await page.evaluate(() => {
      const canvas = document.createElement("canvas");
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new Error("no canvas");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, 64, 64);
      ctx.fillStyle = "#dc2828";
      ctx.beginPath();
      ctx.arc(32, 32, 12, 0, Math.PI * 2);
      ctx.fill();
      return canvas.toDataURL("image/png").split(",")[1] ?? "";
    });
    await page
      .locator('[data-testid="file-input"]')
      .setInputFiles({ name: "circle.png", mimeType: "image/png", buffer: Buffer.from(png, "base64") });
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
    await send("What shapes are in this image?", "Chat");

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
    await send("Draw a red circle above a blue square", "Draw");

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
    await page.locator("#composer-text").fill("Make the circle green");
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
    expect(await dialog.innerText()).toContain("Make the circle green");
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
    await send("Draw a star", "Draw");
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
    expect(await page.locator(".conversation-open").first().innerText()).toBe(
      "What shapes are in this image?",
    );
    await screenshot("reloaded");
  });

  it("shows the server's error when an edit is forced with no image", async () => {
    await page.getByRole("button", { name: "+ New chat" }).click();
    await page.getByText("Try an example").waitFor();
    await send("Make the circle green", "Edit");
    const alert = errorAlert();
    await alert.waitFor();
    expect((await alert.innerText()).length).toBeGreaterThan("Error:".length);
    // The message stays in the composer so the user can fix it.
    expect(await page.locator("#composer-text").inputValue()).toBe("Make the circle green");
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

  it("fits a 375 px phone screen, with the sidebar as a drawer", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(server.url);
    await page.locator(".conversation-open").first().waitFor({ state: "attached" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot("phone");
    await page.getByRole("button", { name: "Show conversations" }).click();
    await page.locator(".conversation-open", { hasText: "What shapes are in this image?" }).click();
    await page.locator(".sidebar").waitFor({ state: "hidden" });
    await page.locator("article.message").first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot("phone-conversation");
  });
});
