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
              server.close((error) => (error ? fail(error) : done()));
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
