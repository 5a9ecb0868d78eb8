import { describe, expect, it } from "vitest";
import { MAX_MESSAGES } from "../limits.ts";
import { docsPage, escapeHtml } from "./docs-page.ts";
import { openApiDocument } from "./document.ts";

describe("openApiDocument", () => {
  const document = openApiDocument("1.2.3");

  it("is an OpenAPI 3.1 document of the public routes with resolvable schema references", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/v1/chat/completions",
        "/v1/images/edits",
        "/api/conversations/{id}/messages",
        "/health",
      ]),
    );
    const refs = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const name of refs) expect(document.components.schemas).toHaveProperty(name as string);
  });

  it("generates request schemas from the validating zod schemas, limits included", () => {
    const chat = document.components.schemas.ChatCompletionRequest as {
      properties: Record<string, { maxItems?: number }>;
    };
    expect(chat.properties.messages?.maxItems).toBe(MAX_MESSAGES);
    const edit = JSON.stringify(document.components.schemas.ImageEditRequest);
    expect(edit).toContain('"format":"binary"');
  });
});

describe("docsPage", () => {
  const html = docsPage(openApiDocument("1.2.3"));

  it("is self-contained: no scripts, no external resources", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    expect(html).toContain("/v1/chat/completions");
    expect(html).toContain('<a href="#schema-ChatCompletionRequest">ChatCompletionRequest</a>');
  });

  it("escapes text", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
