// What the CLI accepts, and the one error type that means "the command line is wrong" (exit 2).
import { type ParseArgsConfig, parseArgs } from "node:util";
import { DEFAULT_PYTHON } from "../bench/python-reference.ts";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const USAGE = `usage: unilip <command> [options]

commands:
  chat                              chat in the terminal; "/image PATH" attaches an image to the next
                                    message, "/reset" clears the conversation, "/exit" quits
      [--max-tokens N] [--temperature T] [--route auto|understand|generate|edit] [--out-dir DIR]
                                    answer length and sampling, a fixed route instead of the model's
                                    choice, and where generated images are written (default: .)
  generate PROMPT -o OUT.png        text to image
  edit IN.png INSTRUCTION -o OUT.png [--mask MASK.png]
                                    image editing; white mask pixels may change, black ones are kept
  reconstruct IN.png -o OUT.png     encode and decode an image through the UniLIP latent
  bench [--checkpoint CKPT] [--runs N] [--steps N] [--python PATH] [--threads N]
                                    latency, decode speed and memory with caches off; with the training
                                    checkpoint the package was exported from, side by side with PyTorch
                                    (run by PATH, default ${DEFAULT_PYTHON}) against the speed targets;
                                    --threads gives both runtimes the same number of threads

options:
  --model DIR                       model package (default: the bundled model)
  --steps N, --guidance G, --seed S, --sampler dpm-solver++2m|flow-euler
                                    sampling settings for generate, edit and chat (default: the model's)
  -h, --help                        this text
`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, strict, with its failures turned into UsageError. */
export function parseCommand<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export function expectPositionals(
  positionals: string[],
  names: readonly string[],
  command: string,
): string[] {
  if (positionals.length !== names.length) {
    const shape = names.map((name) => name.toUpperCase()).join(" ");
    throw new UsageError(`${command} takes ${names.length} argument(s): ${shape}; got ${positionals.length}`);
  }
  return positionals;
}

export function requireOption(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value.length === 0) throw new UsageError(`${command} needs ${flag}`);
  return value;
}

/** A number option: absent stays undefined; anything that is not a finite number is a usage error. */
export function numberOption(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
    throw new UsageError(`${flag} must be ${integer ? "an integer" : "a number"}, got "${value}"`);
  }
  return parsed;
}
