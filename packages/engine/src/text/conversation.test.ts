import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineError } from "../errors.ts";
import { FIXTURE_PACKAGE_DIR } from "../package/fixture-package.test-helper.ts";
import { loadPackage } from "../package/load-package.ts";
import type { LoadedPackage } from "../package/types.ts";
import { renderConversation, tokenizePrompt } from "./conversation.ts";

describe("conversation -> prompt ids", () => {
  let pkg: LoadedPackage;
  beforeAll(async () => {
    pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
  });
  afterAll(() => pkg.dispose());

  it("renders image parts as the marker, in order, through the chat template", () => {
    const a = Uint8Array.of(1);
    const b = Uint8Array.of(2);
    const { prompt, images } = renderConversation(
      pkg,
      [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "image", image: a },
            { type: "text", text: "and" },
            { type: "image", image: b },
          ],
        },
      ],
      true,
    );
    expect(images).toEqual([a, b]);
    expect(prompt).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n<image>and<image><|im_end|>\n<|im_start|>assistant\n",
    );
  });

  it("expands each marker to <img>, N context ids and </img>", () => {
    const { tokens, vision } = pkg.manifest;
    const ids = tokenizePrompt(pkg, "x<image>y", 1);
    const start = ids.indexOf(tokens.img_start);
    expect(ids.slice(start + 1, start + 1 + vision.tokens_per_image)).toEqual(
      new Array(vision.tokens_per_image).fill(tokens.img_context),
    );
    expect(ids[start + 1 + vision.tokens_per_image]).toBe(tokens.img_end);
    expect(ids.slice(0, start)).toEqual(pkg.tokenizer.encode("x"));
    expect(ids.slice(start + 2 + vision.tokens_per_image)).toEqual(pkg.tokenizer.encode("y"));
  });

  it("rejects text that forges an image marker or image tokens", () => {
    expect(() => tokenizePrompt(pkg, "<image>", 0)).toThrow(EngineError);
    expect(() => tokenizePrompt(pkg, "<IMG_CONTEXT>", 0)).toThrow(/reserved image tokens/);
  });
});
