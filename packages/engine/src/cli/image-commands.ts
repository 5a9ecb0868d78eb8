// unilip generate / edit / reconstruct: one engine call each, written to a PNG file.
import type { ImageResult } from "../types.ts";
import {
  type CommandIo,
  MODEL_OPTION,
  OUTPUT_OPTION,
  readInput,
  SAMPLING_OPTIONS,
  samplingOptions,
  withEngine,
  writeOutput,
} from "./common-options.ts";
import { createStepProgress } from "./progress-bar.ts";
import { expectPositionals, parseCommand, requireOption } from "./usage.ts";

function summary(result: ImageResult): string {
  return `${result.width}x${result.height}, seed ${result.seed}, ${result.steps} steps ${result.sampler}, guidance ${result.guidance}`;
}

export async function generateCommand(args: string[], io: CommandIo): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    ...MODEL_OPTION,
    ...OUTPUT_OPTION,
    ...SAMPLING_OPTIONS,
  });
  const [prompt] = expectPositionals(positionals, ["prompt"], "generate");
  const output = requireOption(values.output, "-o OUT.png", "generate");
  const options = samplingOptions(values);
  const progress = createStepProgress("generate", io.stderr);
  const result = await withEngine(values, (engine) =>
    engine.generate(prompt ?? "", { ...options, onProgress: progress.onProgress }).finally(progress.stop),
  );
  await writeOutput(output, result.png);
  io.stdout.write(`wrote ${output} (${summary(result)})\n`);
}

export async function editCommand(args: string[], io: CommandIo): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    ...MODEL_OPTION,
    ...OUTPUT_OPTION,
    ...SAMPLING_OPTIONS,
    mask: { type: "string" },
  });
  const [input, instruction] = expectPositionals(positionals, ["in.png", "instruction"], "edit");
  const output = requireOption(values.output, "-o OUT.png", "edit");
  const options = samplingOptions(values);
  const image = await readInput(input ?? "", "image");
  const mask = values.mask === undefined ? undefined : await readInput(values.mask, "mask");
  const progress = createStepProgress("edit", io.stderr);
  const result = await withEngine(values, (engine) =>
    engine
      .edit(image, instruction ?? "", { ...options, ...(mask && { mask }), onProgress: progress.onProgress })
      .finally(progress.stop),
  );
  await writeOutput(output, result.png);
  io.stdout.write(`wrote ${output} (${summary(result)})\n`);
}

export async function reconstructCommand(args: string[], io: CommandIo): Promise<void> {
  const { values, positionals } = parseCommand(args, { ...MODEL_OPTION, ...OUTPUT_OPTION });
  const [input] = expectPositionals(positionals, ["in.png"], "reconstruct");
  const output = requireOption(values.output, "-o OUT.png", "reconstruct");
  const image = await readInput(input ?? "", "image");
  const result = await withEngine(values, (engine) => engine.reconstruct(image));
  await writeOutput(output, result.png);
  io.stdout.write(`wrote ${output} (${result.width}x${result.height})\n`);
}
