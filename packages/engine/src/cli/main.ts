// The unilip command: dispatches to a command, turns failures into messages and exit codes
// (2 = the command line or its inputs are wrong, 1 = anything else).
import { EngineError } from "../errors.ts";
import type { CommandIo } from "./common-options.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, USAGE, UsageError } from "./usage.ts";

type Command = (args: string[], io: CommandIo) => Promise<void>;

// Loaded on demand: the engine's dependencies (onnxruntime, sharp, transformers) take a second to
// import, which help and usage errors should not pay.
const COMMANDS: Record<string, () => Promise<Command>> = {
  chat: async () => (await import("./chat-command.ts")).chatCommand,
  generate: async () => (await import("./image-commands.ts")).generateCommand,
  edit: async () => (await import("./image-commands.ts")).editCommand,
  reconstruct: async () => (await import("./image-commands.ts")).reconstructCommand,
  bench: async () => (await import("../bench/bench-command.ts")).benchCommand,
};

/** Engine errors caused by what the user passed, reported like usage errors. */
const USER_ERROR_CODES = new Set(["invalid_argument", "invalid_image"]);

export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    io.stderr.write(`unilip: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.includes("-h") || args.includes("--help")) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  try {
    await (await load())(args, io);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`unilip ${name}: ${error.message}\n(run "unilip --help" for usage)\n`);
      return EXIT_USAGE;
    }
    if (error instanceof EngineError) {
      io.stderr.write(`unilip ${name}: ${error.message} (${error.code})\n`);
      return USER_ERROR_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE;
    }
    throw error;
  }
}
