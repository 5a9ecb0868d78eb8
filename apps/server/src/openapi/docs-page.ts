// GET /docs: the OpenAPI document rendered to one self-contained HTML page, on the server, with inline
// styles and no scripts, so it works on a machine without internet access.
import type { OpenApiDocument } from "./document.ts";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Pretty JSON with every `$ref` turned into a link to the schema's section. */
function jsonBlock(value: unknown): string {
  const html = escapeHtml(JSON.stringify(value, null, 2)).replace(
    /&quot;#\/components\/schemas\/(\w+)&quot;/g,
    (_, name: string) => `<a href="#schema-${name}">${name}</a>`,
  );
  return `<pre>${html}</pre>`;
}

interface OperationView {
  tags: string[];
  summary: string;
  description?: string;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
}

function operationHtml(method: string, path: string, op: OperationView): string {
  const body = op.requestBody
    ? Object.entries(op.requestBody.content)
        .map(
          ([type, media]) =>
            `<h4>Request body <code>${escapeHtml(type)}</code></h4>${jsonBlock(media.schema)}`,
        )
        .join("")
    : "";
  const responses = Object.entries(op.responses)
    .map(([status, answer]) => {
      const types = Object.entries(answer.content ?? {})
        .map(([type, media]) => ` <code>${escapeHtml(type)}</code> ${jsonBlock(media.schema)}`)
        .join("");
      return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(answer.description)}${types}</li>`;
    })
    .join("");
  const auth = op.security?.length === 0 ? '<span class="public">no key needed</span>' : "";
  return `<section class="op" id="${escapeHtml(`${method}-${path}`)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code> ${auth}</h3>
<p>${escapeHtml(op.summary)}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ""}
${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f}
pre{background:#f4f4f6;padding:.75rem;overflow:auto;font-size:13px;border-radius:6px}
.op{border-top:1px solid #ddd;padding:.5rem 0}.method{font:700 12px monospace;padding:2px 6px;border-radius:4px;color:#fff}
.get{background:#2f6fdd}.post{background:#2f9d57}.patch{background:#c27c0e}.delete{background:#c2362e}
.public{font-size:12px;color:#666;font-weight:400}nav a{margin-right:1rem}`;

export function docsPage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods) as [string, OperationView][]) {
      const tag = op.tags[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const sections = document.tags
    .map(
      (tag) =>
        `<h2 id="tag-${tag.name}">${escapeHtml(tag.name)}</h2><p>${escapeHtml(tag.description)}</p>${(byTag.get(tag.name) ?? []).join("")}`,
    )
    .join("");
  const schemas = Object.entries(document.components.schemas)
    .map(([name, schema]) => `<h3 id="schema-${name}">${escapeHtml(name)}</h3>${jsonBlock(schema)}`)
    .join("");
  const nav = [
    ...document.tags.map((tag) => `<a href="#tag-${tag.name}">${escapeHtml(tag.name)}</a>`),
    '<a href="#schemas">Schemas</a>',
    '<a href="/openapi.json">openapi.json</a>',
  ].join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(document.info.title)}</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)} Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>; errors are <code>{"error":{"message","type","param","code"}}</code>.</p>
<nav>${nav}</nav>${sections}<h2 id="schemas">Schemas</h2>${schemas}</body></html>`;
}
