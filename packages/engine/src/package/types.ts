// The internal contract between the package loader and everything that runs a model (text, router,
// diffusion). Only the engine's internals see ONNX tensors; the public surface is src/types.ts.
import type { Tensor } from "onnxruntime-node";
import type { Manifest } from "./manifest.ts";

export type GraphName =
  | "vision_encoder"
  | "embed_tokens"
  | "decoder"
  | "connector"
  | "dit_condition"
  | "dit"
  | "pixel_decoder"
  | "latent_encoder";

export interface LoadedPackage {
  dir: string;
  manifest: Manifest;
  /** Runs one graph; validates feed names; on failure throws EngineError("runtime") naming the graph and input shapes, with cause. */
  run(graph: GraphName, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  /** float32 [n_query, H] */
  queries: Tensor;
  tokenizer: PackageTokenizer;
  /** Sum of weight file sizes. */
  memoryBytes: number;
  /** Images whose encoder features are kept for reuse; 0 = encode every time. */
  encoderCacheEntries: number;
  dispose(): Promise<void>;
}

export interface PackageTokenizer {
  /** No BOS/EOS added; special tokens in text are recognised. */
  encode(text: string): number[];
  decode(ids: number[], options?: { skipSpecialTokens?: boolean }): string;
  /** The text of every special token (`<|im_start|>`, `<IMG_CONTEXT>`, ...), as the tokenizer matches it. */
  specialTokens: readonly string[];
  /** ChatML prompt text for messages whose image parts render as the manifest's "<image>" marker. */
  chatPrompt(messages: { role: string; content: string }[], addGenerationPrompt: boolean): string;
}
