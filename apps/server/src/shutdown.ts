// Stopping the server, once, whichever signal asks: stop accepting connections, let running and queued
// jobs finish for up to `drainMs` (then cancel them, so their clients get an error and their turns are
// stored as failed), wait for open responses to end, then release the model and the database.
import type { Database } from "@unilip/db";
import type { UniLIPEngine } from "@unilip/engine";
import type { Listening } from "./listen.ts";
import type { Logger } from "./on-error.ts";
import type { JobQueue } from "./queue/job-queue.ts";

export interface ShutdownParts {
  server: Pick<Listening, "close">;
  queue: Pick<JobQueue, "drain" | "waiting" | "running">;
  engine: Pick<UniLIPEngine, "dispose">;
  db: Pick<Database, "close">;
  drainMs: number;
  log: Logger;
}

/** The returned function shuts down on its first call; later calls return the same promise. */
export function createShutdown(parts: ShutdownParts): (reason: string) => Promise<void> {
  let done: Promise<void> | undefined;
  const run = async (reason: string) => {
    const { server, queue, drainMs, log } = parts;
    const jobs = queue.waiting() + (queue.running() ? 1 : 0);
    log.info(`${reason}: finishing ${jobs} jobs (up to ${drainMs} ms)`);
    // Asked first so no new connection arrives, awaited last: open responses end once their jobs do.
    const closed = server.close();
    await queue.drain(drainMs);
    await closed;
    // Turns are stored before their responses end, so nothing is still writing to the database here.
    await parts.engine.dispose();
    await parts.db.close();
  };
  return (reason) => {
    done ??= run(reason);
    return done;
  };
}
