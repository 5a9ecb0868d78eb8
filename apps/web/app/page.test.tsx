import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import Home from "./page.tsx";

describe("home page", () => {
  it("renders the product name", () => {
    expect(renderToString(<Home />)).toContain("UniLIP Chat");
  });
});
