import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dbOptionsFromEnv, defaultDataDir } from "./data-dir.ts";

describe("defaultDataDir", () => {
  it("prefers UNILIP_DATA_DIR", () => {
    expect(defaultDataDir({ UNILIP_DATA_DIR: "/srv/unilip", XDG_DATA_HOME: "/xdg", HOME: "/home/a" })).toBe(
      "/srv/unilip",
    );
  });

  it("falls back to XDG_DATA_HOME, then ~/.local/share", () => {
    expect(defaultDataDir({ XDG_DATA_HOME: "/xdg", HOME: "/home/a" })).toBe(join("/xdg", "unilip-chat"));
    expect(defaultDataDir({ HOME: "/home/a" })).toBe(join("/home/a", ".local", "share", "unilip-chat"));
  });

  it("ignores empty variables and a relative XDG_DATA_HOME", () => {
    expect(defaultDataDir({ UNILIP_DATA_DIR: "", XDG_DATA_HOME: "relative/dir", HOME: "/home/a" })).toBe(
      join("/home/a", ".local", "share", "unilip-chat"),
    );
  });
});

describe("dbOptionsFromEnv", () => {
  it("picks Postgres when DATABASE_URL is set, PGlite on disk otherwise", () => {
    expect(dbOptionsFromEnv({ DATABASE_URL: "postgres://db/app", HOME: "/h" })).toEqual({
      url: "postgres://db/app",
    });
    expect(dbOptionsFromEnv({ DATABASE_URL: "", UNILIP_DATA_DIR: "/d" })).toEqual({ dataDir: "/d" });
  });
});
