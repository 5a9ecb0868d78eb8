// `npm start`: build the chat UI once (static export), then serve it and the API from one origin.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const webDir = process.env.UNILIP_WEB_DIR ?? join(root, "apps", "web", "out");

if (!existsSync(join(webDir, "index.html"))) {
  console.info("Building the chat UI (first start only)...");
  const build = spawnSync("npm", ["run", "build", "--workspace", "@unilip/web"], {
    cwd: root,
    stdio: "inherit",
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn("npm", ["run", "start", "--workspace", "@unilip/server"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, UNILIP_WEB_DIR: webDir },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
