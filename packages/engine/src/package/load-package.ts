// Opens a model package: validates the manifest and its files, checks every graph's real ONNX names
// against the manifest, and creates each ONNX session once for the life of the package.
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { EngineError } from "../errors.ts";
import { ENCODER_CACHE_ENTRIES, SINGLE_THREAD_MAX_BYTES } from "../limits.ts";
import { readNpy } from "../tensor/npy.ts";
import { GRAPH_NAMES, type GraphSpec, type Manifest, ManifestSchema } from "./manifest.ts";
import { loadPackageTokenizer } from "./package-tokenizer.ts";
import { createGraphRunner } from "./run-graph.ts";
import type { GraphName, LoadedPackage } from "./types.ts";

export const MANIFEST_FILE = "unilip.json";
const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json"] as const;

export interface LoadPackageOptions {
  /**
   * onnxruntime intra-op threads per session. Default: 1 for a package under SINGLE_THREAD_MAX_BYTES of
   * graphs, else onnxruntime's choice (one per core).
   */
  threads?: number | undefined;
  /** Images whose encoder features are kept (default ENCODER_CACHE_ENTRIES; 0 disables the cache). */
  encoderCacheEntries?: number;
}

function invalid(message: string, cause?: unknown): EngineError {
  return new EngineError("invalid_package", message, { cause });
}

async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw invalid(`${path}: missing or not valid JSON`, cause);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw invalid(`${path}: invalid manifest: ${issues.join("; ")}`, parsed.error);
  }
  checkTokenIds(parsed.data, path);
  return parsed.data;
}

function checkTokenIds(manifest: Manifest, path: string): void {
  const vocab = manifest.llm.vocab_size;
  const named = Object.entries(manifest.tokens).map(([name, id]) => [`tokens.${name}`, id] as const);
  const stops = manifest.generation.stop_token_ids.map(
    (id, i) => [`generation.stop_token_ids.${i}`, id] as const,
  );
  for (const [field, id] of [...named, ...stops]) {
    if (id !== null && id >= vocab)
      throw invalid(`${path}: ${field}: id ${id} is outside the vocabulary (${vocab})`);
  }
}

/** Resolves a manifest-relative file, refusing paths that leave the package, and returns its size. */
async function packageFile(
  dir: string,
  file: string,
  field: string,
): Promise<{ path: string; size: number }> {
  const path = resolve(dir, file);
  const rel = relative(dir, path);
  if (rel.startsWith("..") || isAbsolute(rel)) throw invalid(`${field}: ${file} lies outside the package`);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a regular file");
    return { path, size: info.size };
  } catch (cause) {
    throw invalid(`${field}: file ${file} is missing from ${dir}`, cause);
  }
}

function namesDiffer(expected: readonly string[], actual: readonly string[]): string | undefined {
  const missing = expected.filter((name) => !actual.includes(name));
  const extra = actual.filter((name) => !expected.includes(name));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return `manifest lists [${missing.join(", ")}] that the graph lacks; graph has [${extra.join(", ")}] that the manifest lacks`;
}

/** The thread count to ask onnxruntime for; undefined leaves it to onnxruntime. */
export function sessionThreads(requested: number | undefined, graphBytes: number): number | undefined {
  return requested ?? (graphBytes < SINGLE_THREAD_MAX_BYTES ? 1 : undefined);
}

async function openSession(
  name: GraphName,
  spec: GraphSpec,
  path: string,
  threads: number | undefined,
): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    });
  } catch (cause) {
    throw invalid(`graphs.${name}: ${spec.file} is not a loadable ONNX graph`, cause);
  }
  const inputs = namesDiffer(
    spec.inputs.map((io) => io.name),
    session.inputNames,
  );
  const outputs = namesDiffer(
    spec.outputs.map((io) => io.name),
    session.outputNames,
  );
  if (inputs !== undefined || outputs !== undefined) {
    await session.release();
    const what = [inputs && `inputs: ${inputs}`, outputs && `outputs: ${outputs}`].filter(Boolean).join("; ");
    throw invalid(`graphs.${name} (${spec.file}): names differ from the manifest: ${what}`);
  }
  return session;
}

function loadQueries(manifest: Manifest, path: string): ort.Tensor {
  const npy = readNpy(path);
  const expected = [manifest.queries.count, manifest.llm.hidden_size];
  if (npy.dtype !== "float32" || npy.shape.length !== 2 || npy.shape.some((dim, i) => dim !== expected[i])) {
    throw invalid(`queries.file: expected float32 [${expected}], found ${npy.dtype} [${npy.shape}]`);
  }
  return new ort.Tensor("float32", npy.data as Float32Array, npy.shape);
}

export async function loadPackage(dir: string, options: LoadPackageOptions = {}): Promise<LoadedPackage> {
  const encoderCacheEntries = options.encoderCacheEntries ?? ENCODER_CACHE_ENTRIES;
  if (!Number.isInteger(encoderCacheEntries) || encoderCacheEntries < 0) {
    throw new EngineError(
      "invalid_argument",
      `encoderCacheEntries must be an integer >= 0, got ${encoderCacheEntries}`,
    );
  }
  const root = resolve(dir);
  const manifest = await readManifest(root);
  for (const file of TOKENIZER_FILES) await packageFile(root, file, file);
  const queriesFile = await packageFile(root, manifest.queries.file, "queries.file");
  const graphFiles = new Map<GraphName, { spec: GraphSpec; path: string; size: number }>();
  for (const name of GRAPH_NAMES) {
    const spec = manifest.graphs[name];
    if (spec !== undefined)
      graphFiles.set(name, { spec, ...(await packageFile(root, spec.file, `graphs.${name}.file`)) });
  }
  const queries = loadQueries(manifest, queriesFile.path);
  const tokenizer = await loadPackageTokenizer(root);

  const graphBytes = [...graphFiles.values()].reduce((sum, file) => sum + file.size, 0);
  const threads = sessionThreads(options.threads, graphBytes);
  const sessions = new Map<GraphName, ort.InferenceSession>();
  try {
    for (const [name, { spec, path }] of graphFiles)
      sessions.set(name, await openSession(name, spec, path, threads));
  } catch (error) {
    await Promise.all([...sessions.values()].map((session) => session.release()));
    throw error;
  }
  const memoryBytes = queriesFile.size + graphBytes;
  return {
    dir: root,
    manifest,
    run: createGraphRunner(manifest, sessions),
    queries,
    tokenizer,
    memoryBytes,
    encoderCacheEntries,
    async dispose() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((session) => session.release()));
    },
  };
}
