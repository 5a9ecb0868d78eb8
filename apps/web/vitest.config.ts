import { defineConfig } from "vitest/config";

// React 19's automatic JSX runtime, so component files need no React import.
export default defineConfig({ oxc: { jsx: { runtime: "automatic" } } });
