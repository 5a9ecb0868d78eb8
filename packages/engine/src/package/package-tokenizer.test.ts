import { describe, expect, it } from "vitest";
import { FIXTURE_PACKAGE_DIR, readFixtures } from "./fixture-package.test-helper.ts";
import { loadPackageTokenizer } from "./package-tokenizer.ts";

const fixtures = readFixtures();
const tokenizer = await loadPackageTokenizer(FIXTURE_PACKAGE_DIR);

describe("package tokenizer", () => {
  it.each(fixtures.tokenizer.map((c) => [JSON.stringify(c.text), c] as const))(
    "encodes %s to the golden ids and decodes back",
    (_, { text, ids }) => {
      expect(tokenizer.encode(text)).toEqual(ids);
      expect(tokenizer.decode(ids)).toBe(text);
    },
  );

  it.each(fixtures.chat_template.map((c, i) => [i, c] as const))(
    "renders chat case %i like the Python template",
    (_, { messages, add_generation_prompt, text, ids }) => {
      const flat = messages.map((m) => ({
        role: m.role,
        content:
          typeof m.content === "string"
            ? m.content
            : m.content.map((part) => (part.type === "text" ? part.text : "<image>")).join(""),
      }));
      expect(tokenizer.chatPrompt(flat, add_generation_prompt)).toBe(text);
      expect(tokenizer.encode(text)).toEqual(ids);
    },
  );

  it("skips special tokens on request and decodes an empty list to empty text", () => {
    const ids = tokenizer.encode("<|im_start|>hi<|im_end|>");
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe("hi");
    expect(tokenizer.decode([])).toBe("");
  });

  it("fails with invalid_package for a folder without tokenizer files", async () => {
    await expect(loadPackageTokenizer("/nonexistent-unilip-package")).rejects.toMatchObject({
      code: "invalid_package",
    });
  });
});
