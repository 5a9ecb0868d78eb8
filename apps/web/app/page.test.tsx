import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DEMO_NOTE } from "../lib/demo-note.ts";
import { EXAMPLES } from "../lib/examples.ts";
import Home from "./page.tsx";

describe("home page", () => {
  it("prerenders the chat shell: banner, examples and composer", () => {
    const html = renderToString(<Home />);
    expect(html).toContain("UniLIP Chat");
    expect(html).toContain(DEMO_NOTE);
    for (const example of EXAMPLES) expect(html).toContain(example.text);
    expect(html).toContain('aria-label="Message composer"');
  });
});
