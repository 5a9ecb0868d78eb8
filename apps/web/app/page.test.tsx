import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import Home from "./page.tsx";

describe("home page", () => {
  it("prerenders the chat shell: banner, examples and composer", () => {
    const html = renderToString(<Home />);
    expect(html).toContain("UniLIP Chat");
    expect(html).toContain("Shapes world");
    expect(html).toContain("Draw a red circle above a blue square");
    expect(html).toContain('aria-label="Message composer"');
  });
});
