// Starts a Node HTTP server for an app and resolves once it listens. Port 0 picks a free port (tests,
// benchmarks); `close` stops accepting and waits for open connections to end.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Fetcher {
  fetch(request: Request): Response | Promise<Response>;
}

/** While closing, how often connections that have become idle are closed. */
export const IDLE_SWEEP_MS = 20;

function closeIdle(server: object): void {
  if ("closeIdleConnections" in server && typeof server.closeIdleConnections === "function") {
    server.closeIdleConnections();
  }
}

export function listen(app: Fetcher, options: { port: number; host: string }): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: (request) => app.fetch(request), port: options.port, hostname: options.host },
      (info: AddressInfo) => {
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done, fail) => {
              // A keep-alive connection whose response ends after close() would otherwise hold the server
              // open until its keep-alive timeout; idle ones are closed as they appear.
              const sweep = setInterval(() => closeIdle(server), IDLE_SWEEP_MS);
              server.close((error) => {
                clearInterval(sweep);
                if (error) fail(error);
                else done();
              });
              closeIdle(server);
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
