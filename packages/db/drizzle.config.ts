import { defineConfig } from "drizzle-kit";

// `npm run generate -w @unilip/db` writes SQL migrations into the repository's drizzle/ folder, which is
// committed; the app applies them at start (src/migrate.ts). Never `drizzle-kit push`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "../../drizzle",
});
