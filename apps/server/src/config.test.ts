import { DEFAULT_MODEL_DIR } from "@unilip/engine";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { MAX_ENGINE_THREADS, MAX_QUEUE_DEPTH } from "./limits.ts";

describe("loadConfig", () => {
  it("has loopback defaults without keys", () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      host: "127.0.0.1",
      modelDir: DEFAULT_MODEL_DIR,
      databaseUrl: undefined,
      dataDir: undefined,
      webDir: undefined,
      requireKeys: false,
      remoteImageHosts: [],
      maxQueueDepth: MAX_QUEUE_DEPTH,
      threads: undefined,
    });
    expect(loadConfig({ UNILIP_THREADS: "1" }).threads).toBe(1);
  });

  it("requires keys beyond loopback or when asked", () => {
    expect(loadConfig({ HOST: "0.0.0.0" }).requireKeys).toBe(true);
    expect(loadConfig({ HOST: "::1" }).requireKeys).toBe(false);
    expect(loadConfig({ HOST: "localhost", UNILIP_REQUIRE_KEYS: "1" }).requireKeys).toBe(true);
  });

  it("parses the remote host allow-list and treats empty variables as unset", () => {
    const config = loadConfig({ UNILIP_REMOTE_IMAGE_HOSTS: " Images.Example.com, ,cdn.test:8080", PORT: "" });
    expect(config.remoteImageHosts).toEqual(["images.example.com", "cdn.test:8080"]);
    expect(config.port).toBe(8787);
  });

  it("refuses a bad port or flag with a ConfigError naming the variable", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT/);
    expect(() => loadConfig({ UNILIP_REQUIRE_KEYS: "yes" })).toThrow(/UNILIP_REQUIRE_KEYS/);
    expect(() => loadConfig({ UNILIP_THREADS: "0" })).toThrow(/UNILIP_THREADS/);
    expect(() => loadConfig({ UNILIP_THREADS: "1.5" })).toThrow(/UNILIP_THREADS/);
    expect(() => loadConfig({ UNILIP_THREADS: String(MAX_ENGINE_THREADS + 1) })).toThrow(/UNILIP_THREADS/);
  });
});
