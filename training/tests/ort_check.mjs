// Runs every graph fixture of a model package through onnxruntime-node and compares each output with
// the PyTorch output stored beside it. Python has no onnxruntime here, so test_export.py calls this.
//   node training/tests/ort_check.mjs <package-dir>
// Prints one JSON report: { cases: [{ case, graph, output, shape, max_abs_diff }], max_abs_diff }.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

const NPY_MAGIC = "\x93NUMPY";
const DTYPES = { "<f4": ["float32", Float32Array], "<i8": ["int64", BigInt64Array] };

function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 6).toString("latin1") !== NPY_MAGIC) throw new Error(`${path}: not an .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.subarray(start, start + headerLength).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !(descr in DTYPES) || shapeText === undefined || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${path}: unsupported header ${header}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const [dtype, ArrayType] = DTYPES[descr];
  const body = bytes.subarray(start + headerLength);
  const data = new ArrayType(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  return new ort.Tensor(dtype, data, shape);
}

function maxAbsDiff(actual, expected) {
  let max = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const diff = Math.abs(Number(actual.data[i]) - Number(expected.data[i]));
    max = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : Math.max(max, diff);
  }
  return max;
}

const packageDir = process.argv[2];
if (!packageDir) {
  console.error("usage: node ort_check.mjs <package-dir>");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(packageDir, "unilip.json"), "utf8"));
const fixtures = JSON.parse(readFileSync(join(packageDir, "fixtures", "fixtures.json"), "utf8"));
const sessions = new Map();
const cases = [];
for (const [name, fixture] of Object.entries(fixtures.graphs)) {
  const graph = manifest.graphs[fixture.graph];
  if (!sessions.has(fixture.graph)) {
    sessions.set(fixture.graph, await ort.InferenceSession.create(join(packageDir, graph.file)));
  }
  const feeds = {};
  for (const [input, entry] of Object.entries(fixture.inputs)) feeds[input] = readNpy(join(packageDir, entry.file));
  const results = await sessions.get(fixture.graph).run(feeds);
  for (const [output, entry] of Object.entries(fixture.outputs)) {
    const expected = readNpy(join(packageDir, entry.file));
    const actual = results[output];
    const sameShape = actual !== undefined && actual.dims.join(",") === expected.dims.join(",");
    cases.push({
      case: name,
      graph: fixture.graph,
      output,
      shape: actual ? actual.dims : null,
      max_abs_diff: sameShape ? maxAbsDiff(actual, expected) : Number.POSITIVE_INFINITY,
    });
  }
}
await Promise.all([...sessions.values()].map((session) => session.release()));
const worst = Math.max(...cases.map((c) => c.max_abs_diff));
// JSON has no Infinity: a shape mismatch or NaN is reported as null, which the caller treats as failure.
console.log(JSON.stringify({ cases, max_abs_diff: Number.isFinite(worst) ? worst : null }));
