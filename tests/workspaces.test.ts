import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] };

describe("workspaces", () => {
  it("every TypeScript workspace has test and typecheck scripts", () => {
    for (const dir of ["apps/server", "apps/web", "packages/engine", "packages/db", "tests"]) {
      const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      };
      expect(pkg.scripts.test, dir).toBeTruthy();
      expect(pkg.scripts.typecheck, dir).toBeTruthy();
    }
    expect(rootPkg.workspaces).toContain("training");
  });
});
