// The one place every ONNX graph runs through: feeds are checked against the manifest before
// onnxruntime sees them, and a failure names the graph and the shapes it was given.
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { EngineError } from "../errors.ts";
import type { Manifest } from "./manifest.ts";
import type { GraphName, LoadedPackage } from "./types.ts";

function describeFeeds(feeds: Record<string, Tensor>): string {
  return Object.entries(feeds)
    .map(([name, tensor]) => `${name}: ${tensor.type}[${tensor.dims.join(",")}]`)
    .join(", ");
}

export function createGraphRunner(
  manifest: Manifest,
  sessions: ReadonlyMap<GraphName, InferenceSession>,
): LoadedPackage["run"] {
  return async function runGraph(graph, feeds) {
    const session = sessions.get(graph);
    const spec = manifest.graphs[graph];
    if (session === undefined || spec === undefined) {
      throw new EngineError("unsupported", `this package has no ${graph} graph (or it was disposed)`);
    }
    const given = Object.keys(feeds);
    const missing = spec.inputs.filter((io) => !given.includes(io.name)).map((io) => io.name);
    const unexpected = given.filter((name) => !spec.inputs.some((io) => io.name === name));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new EngineError(
        "runtime",
        `${graph}: feeds do not match the graph's inputs (missing [${missing.join(", ")}], unexpected [${unexpected.join(", ")}])`,
      );
    }
    const wrongType = spec.inputs.find((io) => feeds[io.name]?.type !== io.dtype);
    if (wrongType !== undefined) {
      throw new EngineError(
        "runtime",
        `${graph}: input ${wrongType.name} must be ${wrongType.dtype}, got ${feeds[wrongType.name]?.type}`,
      );
    }
    try {
      return await session.run(feeds);
    } catch (cause) {
      throw new EngineError("runtime", `${graph} failed on inputs ${describeFeeds(feeds)}`, { cause });
    }
  };
}
