// In-memory stdin/stdout/stderr for running CLI commands in process.
import { Readable, Writable } from "node:stream";
import type { CommandIo } from "./common-options.ts";

export interface CapturedIo {
  io: CommandIo;
  stdout: () => string;
  stderr: () => string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

export function captureIo(stdin = ""): CapturedIo {
  const stdout = sink();
  const stderr = sink();
  return {
    io: { stdin: Readable.from([stdin]), stdout: stdout.stream, stderr: stderr.stream },
    stdout: stdout.text,
    stderr: stderr.text,
  };
}
