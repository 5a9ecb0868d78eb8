import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Files share a worker's module cache, so src/testing/targets.ts initialises PGlite once per worker
    // and clones it per file. Every file still gets its own database.
    isolate: false,
  },
});
