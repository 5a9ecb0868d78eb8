// The CLI's commands in process, with real streams, the real engine and the committed tiny package
// (bin.test.ts runs the installed command itself).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchImage } from "../bench/bench-image.ts";
import { TINY_RANDOM_MODEL_DIR } from "../model-dir.ts";
import { captureIo } from "./capture-io.test-helper.ts";
import { runCli } from "./main.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./usage.ts";

const MODEL = ["--model", TINY_RANDOM_MODEL_DIR];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function unilip(args: string[], stdin = ""): Promise<Run> {
  const captured = captureIo(stdin);
  const code = await runCli(args, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

let dir: string;
let input: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "unilip-cli-"));
  input = join(dir, "in.png");
  await writeFile(input, await benchImage(48));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pngSize(path: string): Promise<[string | undefined, number | undefined, number | undefined]> {
  const meta = await sharp(path).metadata();
  return [meta.format, meta.width, meta.height];
}

describe("unilip usage errors (exit 2)", () => {
  it.each([
    [[], /usage: unilip <command>/],
    [["paint"], /unknown command "paint"/],
    [["generate", "a cat"], /generate needs -o OUT.png/],
    [["generate", "a cat", "-o", "x.png", "--steps", "many"], /--steps must be an integer, got "many"/],
    [["generate", "a cat", "-o", "x.png", "--sampler", "ddim"], /--sampler must be one of/],
    [["generate", "a cat", "-o", "x.png", "--bogus"], /Unknown option '--bogus'/],
    [["edit", "only-one-arg", "-o", "x.png"], /edit takes 2 argument\(s\)/],
    [["edit", "/no/such.png", "recolor", "-o", "x.png"], /cannot read image \/no\/such.png: ENOENT/],
    [["bench", "--runs", "0"], /--runs must be in \[1, 20\]/],
  ])("unilip %j", async (args, message) => {
    const run = await unilip(args);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(message);
  });

  it("prints help on --help with exit 0", async () => {
    const run = await unilip(["generate", "--help"]);
    expect(run.code).toBe(EXIT_OK);
    expect(run.stdout).toContain("unilip <command>");
  });
});

// Each case loads the package afresh, as the command does.
describe("unilip on the tiny package", { timeout: 20_000 }, () => {
  it("generate writes a PNG of the model's size", async () => {
    const out = join(dir, "gen.png");
    const run = await unilip([
      "generate",
      "a red circle",
      "-o",
      out,
      "--steps",
      "2",
      "--seed",
      "7",
      ...MODEL,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(EXIT_OK);
    expect(run.stdout).toMatch(
      /wrote .*gen\.png \(\d+x\d+, seed 7, 2 steps dpm-solver\+\+2m, guidance 4\.5\)/,
    );
    const [format, width, height] = await pngSize(out);
    expect(format).toBe("png");
    expect(width).toBe(height);
  });

  it("rejects engine-level bad arguments with exit 2", async () => {
    const run = await unilip([
      "generate",
      "a red circle",
      "-o",
      join(dir, "no.png"),
      "--steps",
      "0",
      ...MODEL,
    ]);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(/steps.*\(invalid_argument\)/);
  });

  it("edit with a mask and reconstruct write PNGs", async () => {
    const mask = join(dir, "mask.png");
    await writeFile(
      mask,
      await sharp({ create: { width: 48, height: 48, channels: 3, background: "white" } })
        .png()
        .toBuffer(),
    );
    const edited = join(dir, "edit.png");
    const edit = await unilip([
      "edit",
      input,
      "make it blue",
      "-o",
      edited,
      "--mask",
      mask,
      "--steps",
      "2",
      ...MODEL,
    ]);
    expect(edit.code).toBe(EXIT_OK);
    expect((await pngSize(edited))[0]).toBe("png");
    const rebuilt = join(dir, "rec.png");
    const reconstruct = await unilip(["reconstruct", input, "-o", rebuilt, ...MODEL]);
    expect(reconstruct.code).toBe(EXIT_OK);
    expect((await pngSize(rebuilt))[0]).toBe("png");
  });

  it("reports a corrupt input image as a user error", async () => {
    const bad = join(dir, "bad.png");
    await writeFile(bad, "not an image");
    const run = await unilip(["reconstruct", bad, "-o", join(dir, "x.png"), ...MODEL]);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(/\(invalid_image\)/);
  });

  it("fails with exit 1 and the reason when the model directory is not a package", async () => {
    const run = await unilip(["reconstruct", input, "-o", join(dir, "x.png"), "--model", dir]);
    expect(run.code).toBe(EXIT_FAILURE);
    expect(run.stderr).toMatch(/unilip\.json.*\(invalid_package\)/);
  });

  it("chat streams an answer about an attached image, then quits", async () => {
    const stdin = `/image ${input}\nWhat shape is red?\n/image /no/such.png\n/exit\n`;
    const run = await unilip(["chat", "--route", "understand", "--max-tokens", "3", ...MODEL], stdin);
    expect(run.code).toBe(EXIT_OK);
    expect(run.stdout).toContain(`(attached ${input})`);
    expect(run.stdout).toMatch(/assistant: .*\n/);
    expect(run.stderr).toContain("cannot read image /no/such.png");
  });

  it("chat generates an image into --out-dir when routed to generate", async () => {
    const stdin = "Draw a green star\n";
    const run = await unilip(
      ["chat", "--route", "generate", "--steps", "2", "--out-dir", dir, ...MODEL],
      stdin,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(EXIT_OK);
    expect(run.stdout).toMatch(/assistant: \[generated image .*unilip-chat-1\.png, seed \d+\]/);
    expect((await pngSize(join(dir, "unilip-chat-1.png")))[0]).toBe("png");
  });
});
