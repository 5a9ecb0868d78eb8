import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createStepProgress } from "./progress-bar.ts";

function terminal(isTTY: boolean): { stream: NodeJS.WritableStream; text: () => string } {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  );
  return { stream, text: () => text };
}

describe("createStepProgress", () => {
  it("draws steps out of the total on a terminal", () => {
    const tty = terminal(true);
    const progress = createStepProgress("generate", tty.stream);
    for (let step = 1; step <= 4; step++) progress.onProgress({ step, totalSteps: 4 });
    progress.stop();
    expect(tty.text()).toMatch(/generate \[.*\] 4\/4 steps/);
  });

  it("counts other units when named", () => {
    const tty = terminal(true);
    const progress = createStepProgress("bench", tty.stream, "jobs");
    progress.onProgress({ step: 2, totalSteps: 6 });
    progress.stop();
    expect(tty.text()).toMatch(/bench \[.*\] 2\/6 jobs/);
  });

  it("stays silent when the output is not a terminal, and stop is safe before any step", () => {
    const pipe = terminal(false);
    const progress = createStepProgress("edit", pipe.stream);
    progress.stop();
    progress.onProgress({ step: 1, totalSteps: 2 });
    progress.stop();
    expect(pipe.text()).toBe("");
  });
});
