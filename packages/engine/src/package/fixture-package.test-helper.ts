// The committed tiny random-weight package and its golden PyTorch fixtures, for tests.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { onTestFinished } from "vitest";
import { TINY_RANDOM_MODEL_DIR } from "../model-dir.ts";
import { readNpy } from "../tensor/npy.ts";

export const FIXTURE_PACKAGE_DIR = TINY_RANDOM_MODEL_DIR;

export interface TensorEntry {
  file: string;
  dtype: string;
  shape: number[];
}

/** fixtures/fixtures.json, as the exporter writes it (only the parts the tests read are typed). */
export interface Fixtures {
  graphs: Record<
    string,
    { graph: string; inputs: Record<string, TensorEntry>; outputs: Record<string, TensorEntry> }
  >;
  tokenizer: { text: string; ids: number[] }[];
  chat_template: {
    messages: { role: string; content: string | ({ type: "image" } | { type: "text"; text: string })[] }[];
    add_generation_prompt: boolean;
    text: string;
    ids: number[];
  }[];
  pipelines: {
    understand: {
      text: string;
      max_new_tokens: number;
      stop_token_ids: number[];
      finish_reason: string;
      tensors: Record<string, TensorEntry>;
    };
  };
}

export function readFixtures(): Fixtures {
  return JSON.parse(readFileSync(join(FIXTURE_PACKAGE_DIR, "fixtures", "fixtures.json"), "utf8")) as Fixtures;
}

export function fixtureTensor(entry: TensorEntry): ort.Tensor {
  const npy = readNpy(join(FIXTURE_PACKAGE_DIR, entry.file));
  return new ort.Tensor(npy.dtype, npy.data, npy.shape);
}

/**
 * A private copy of the package (without fixtures), optionally with its manifest changed, for tests
 * that break it. Call inside a test: the copy is removed when the test finishes.
 */
export function copyPackage(editManifest?: (manifest: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "unilip-pkg-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const fixtures = join(FIXTURE_PACKAGE_DIR, "fixtures");
  cpSync(FIXTURE_PACKAGE_DIR, dir, { recursive: true, filter: (source) => !source.startsWith(fixtures) });
  if (editManifest !== undefined) {
    const path = join(dir, "unilip.json");
    const manifest = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    editManifest(manifest);
    writeFileSync(path, JSON.stringify(manifest));
  }
  return dir;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}
