// unilip chat: a terminal conversation. Each user line is routed like the server routes it: text
// answers stream token by token; generated or edited images are written to files and join the
// conversation, so a later "make it red" can edit them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { EngineError } from "../errors.ts";
import type { ChatMessage, ContentPart, Route, TextOptions, UniLIPEngine } from "../types.ts";
import {
  type CommandIo,
  MODEL_OPTION,
  readInput,
  SAMPLING_OPTIONS,
  samplingOptions,
  withEngine,
  writeOutput,
} from "./common-options.ts";
import { createStepProgress } from "./progress-bar.ts";
import { numberOption, parseCommand, UsageError } from "./usage.ts";

const ROUTES: readonly Route[] = ["understand", "generate", "edit"];

interface ChatSettings {
  text: TextOptions;
  image: ReturnType<typeof samplingOptions>;
  route?: Route;
  outDir: string;
}

function parseChatArgs(args: string[]): { model?: string; settings: ChatSettings } {
  const { values, positionals } = parseCommand(args, {
    ...MODEL_OPTION,
    ...SAMPLING_OPTIONS,
    "max-tokens": { type: "string" },
    temperature: { type: "string" },
    route: { type: "string" },
    "out-dir": { type: "string" },
  });
  if (positionals.length > 0) throw new UsageError(`chat takes no arguments; got "${positionals.join(" ")}"`);
  const route = values.route;
  if (route !== undefined && route !== "auto" && !ROUTES.includes(route as Route)) {
    throw new UsageError(`--route must be auto, ${ROUTES.join(", ")}; got "${route}"`);
  }
  const text: TextOptions = {};
  const maxNewTokens = numberOption(values["max-tokens"], "--max-tokens", true);
  const temperature = numberOption(values.temperature, "--temperature", false);
  if (maxNewTokens !== undefined) text.maxNewTokens = maxNewTokens;
  if (temperature !== undefined) text.temperature = temperature;
  return {
    ...(values.model === undefined ? {} : { model: values.model }),
    settings: {
      text,
      image: samplingOptions(values),
      ...(route === undefined || route === "auto" ? {} : { route: route as Route }),
      outDir: values["out-dir"] ?? ".",
    },
  };
}

function imagesOf(messages: readonly ChatMessage[]): Uint8Array[] {
  return messages.flatMap((message) =>
    typeof message.content === "string"
      ? []
      : message.content.flatMap((part) => (part.type === "image" ? [part.image] : [])),
  );
}

function nextImagePath(outDir: string): string {
  for (let n = 1; ; n++) {
    const path = join(outDir, `unilip-chat-${n}.png`);
    if (!existsSync(path)) return path;
  }
}

class ChatSession {
  private messages: ChatMessage[] = [];
  private attachments: Uint8Array[] = [];
  private current: AbortController | undefined;

  constructor(
    private readonly engine: UniLIPEngine,
    private readonly settings: ChatSettings,
    private readonly io: CommandIo,
  ) {}

  /** Cancels the reply in progress; false when there is none. */
  cancel(): boolean {
    this.current?.abort();
    return this.current !== undefined;
  }

  /** Handles one input line; false means the user asked to quit. */
  async handle(line: string): Promise<boolean> {
    const text = line.trim();
    if (text === "") return true;
    if (text === "/exit" || text === "/quit") return false;
    if (text === "/reset") {
      this.messages = [];
      this.attachments = [];
      this.io.stdout.write("(conversation cleared)\n");
      return true;
    }
    if (text.startsWith("/image")) {
      await this.attach(text.slice("/image".length).trim());
      return true;
    }
    this.current = new AbortController();
    try {
      await this.reply(text, this.current.signal);
    } catch (error) {
      // A failed turn is reported and dropped; the conversation goes on.
      this.messages.pop();
      if (!(error instanceof EngineError || error instanceof UsageError)) throw error;
      const label = error instanceof EngineError ? `error (${error.code})` : "error";
      this.io.stderr.write(`${label}: ${error.message}\n`);
    } finally {
      this.current = undefined;
    }
    return true;
  }

  private async attach(path: string): Promise<void> {
    if (path === "") {
      this.io.stderr.write("usage: /image PATH\n");
      return;
    }
    try {
      this.attachments.push(await readInput(path, "image"));
      this.io.stdout.write(`(attached ${path})\n`);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.io.stderr.write(`error: ${error.message}\n`);
    }
  }

  private async reply(text: string, signal: AbortSignal): Promise<void> {
    const parts: ContentPart[] = [
      ...this.attachments.map((image): ContentPart => ({ type: "image", image })),
      { type: "text", text },
    ];
    this.attachments = [];
    this.messages.push({ role: "user", content: parts });
    const { route, referenceImageIndex } = await this.engine.route(this.messages, {
      ...(this.settings.route === undefined ? {} : { override: this.settings.route }),
      signal,
    });
    if (route === "understand") {
      this.messages.push({ role: "assistant", content: await this.streamAnswer(signal) });
      return;
    }
    const progress = createStepProgress(route, this.io.stderr);
    const options = { ...this.settings.image, signal, onProgress: progress.onProgress };
    const source = imagesOf(this.messages)[referenceImageIndex ?? -1];
    if (route === "edit" && source === undefined) {
      throw new UsageError("nothing to edit: attach an image with /image PATH first");
    }
    const result = await (route === "edit" && source !== undefined
      ? this.engine.edit(source, text, options)
      : this.engine.generate(text, options)
    ).finally(progress.stop);
    const path = nextImagePath(this.settings.outDir);
    await writeOutput(path, result.png);
    const verb = route === "edit" ? "edited" : "generated";
    this.io.stdout.write(`assistant: [${verb} image ${path}, seed ${result.seed}]\n`);
    this.messages.push({ role: "assistant", content: [{ type: "image", image: result.png }] });
  }

  private async streamAnswer(signal: AbortSignal): Promise<string> {
    this.io.stdout.write("assistant: ");
    const stream = this.engine.streamText(this.messages, { ...this.settings.text, signal });
    let step = await stream.next();
    while (step.done !== true) {
      this.io.stdout.write(step.value.text);
      step = await stream.next();
    }
    this.io.stdout.write(step.value.finishReason === "cancelled" ? " (cancelled)\n" : "\n");
    return step.value.text;
  }
}

export async function chatCommand(args: string[], io: CommandIo): Promise<void> {
  const { model, settings } = parseChatArgs(args);
  await withEngine({ ...(model === undefined ? {} : { model }) }, async (engine) => {
    const session = new ChatSession(engine, settings, io);
    const lines = createInterface({ input: io.stdin, terminal: false });
    // Ctrl-C stops the reply in progress; with none running it ends the chat.
    const onInterrupt = () => {
      if (!session.cancel()) lines.close();
    };
    process.on("SIGINT", onInterrupt);
    try {
      io.stdout.write(`UniLIP chat (${engine.info().id}). /image PATH attaches an image, /exit quits.\n`);
      for await (const line of lines) {
        if (!(await session.handle(line))) break;
      }
    } finally {
      process.off("SIGINT", onInterrupt);
      lines.close();
    }
  });
}
