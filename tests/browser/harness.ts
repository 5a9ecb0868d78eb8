// What the browser suite runs against: the real API server (apps/server main.ts) serving the real UI
// build (apps/web/out) with the real tiny-random model, driven by Debian's Chromium.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const WEB_DIR = join(ROOT, "apps", "web");
export const WEB_OUT = join(WEB_DIR, "out");
/** The model under test: the random-weight package unless UNILIP_MODEL_DIR names another (e.g. models/shapes). */
export const MODEL_DIR = process.env.UNILIP_MODEL_DIR ?? join(ROOT, "models", "tiny-random");
export const ARTIFACTS_DIR = join(ROOT, "test-artifacts", "browser");

/** Flags for a headless Chromium that reaches nothing but the server under test. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Loading the model and migrating the database take a few seconds; more means the server hangs. */
export const SERVER_START_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 5_000;
/** A cold `next build` on a slow shared machine. */
export const WEB_BUILD_TIMEOUT_MS = 300_000;
/** Server log kept for failure messages. */
const MAX_LOG_CHARS = 20_000;

/** The inputs of the UI build: when one is newer than out/index.html, the build is stale. */
const WEB_SOURCES = ["app", "components", "hooks", "lib", "public", "next.config.ts", "package.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}

/** Builds apps/web/out when it is missing or older than its sources, so the suite never tests a stale UI. */
export function ensureWebBuild(): void {
  const index = join(WEB_OUT, "index.html");
  const sources = Math.max(...WEB_SOURCES.map((name) => newestMtime(join(WEB_DIR, name))));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const result = spawnSync("npm", ["run", "build", "--workspace", "@unilip/web"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: WEB_BUILD_TIMEOUT_MS,
  });
  if (result.status !== 0 || !existsSync(index)) {
    throw new Error(`next build failed (status ${result.status}):\n${result.stdout}\n${result.stderr}`, {
      cause: result.error,
    });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface RunningServer {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts apps/server's main.ts on a free port with a fresh data directory; resolves once /health answers. */
export async function startServer(): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "unilip-browser-"));
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join("apps", "server", "src", "main.ts")],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        UNILIP_DATA_DIR: dataDir,
        UNILIP_WEB_DIR: WEB_OUT,
        UNILIP_MODEL_DIR: MODEL_DIR,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const server: RunningServer = {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), SERVER_STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await server.stop();
      throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${log}`);
    }
    try {
      const health = await fetch(`${server.url}/health`);
      if (health.ok) return server;
    } catch {
      // Not listening yet: keep polling until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop();
  throw new Error(`The server did not answer /health within ${SERVER_START_TIMEOUT_MS} ms:\n${log}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Empties the screenshot folder, so screenshots of steps that were renamed or removed do not linger. */
export function clearArtifacts(): void {
  rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
