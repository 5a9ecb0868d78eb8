// A terminal progress bar for sampling steps (or any counted work). cli-progress draws only on a TTY, so piped output and
// tests stay clean.
import { Presets, SingleBar } from "cli-progress";
import type { ProgressEvent } from "../types.ts";

export interface StepProgress {
  onProgress(event: ProgressEvent): void;
  stop(): void;
}

export function createStepProgress(
  label: string,
  stream: NodeJS.WritableStream,
  unit = "steps",
): StepProgress {
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} ${unit} | {duration_formatted}`, stream, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(event) {
      if (!started) {
        bar.start(event.totalSteps, 0);
        started = true;
      }
      bar.update(event.step);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
