// The engine's public surface. The server and CLI depend on these types only, never on ONNX tensors.

/** An encoded image (PNG, JPEG or WebP bytes). The engine decodes and validates it. */
export type ImageInput = Uint8Array;

export type ContentPart = { type: "text"; text: string } | { type: "image"; image: ImageInput };

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string | ContentPart[];
}

export type Route = "understand" | "generate" | "edit";

export interface TextOptions {
  maxNewTokens?: number;
  /** 0 = greedy. */
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stop?: string[];
  /** Decode past the model's stop tokens up to maxNewTokens (benchmarks measure a fixed length). */
  ignoreEos?: boolean;
  signal?: AbortSignal;
}

export interface TextChunk {
  /** Newly decoded text (may be empty when a token completes no character). */
  text: string;
  tokenId: number;
}

export interface TextResult {
  text: string;
  finishReason: "stop" | "length" | "cancelled";
  promptTokens: number;
  completionTokens: number;
}

export type SamplerName = "dpm-solver++2m" | "flow-euler";

export interface ImageOptions {
  steps?: number;
  guidance?: number;
  seed?: number;
  sampler?: SamplerName;
  /** Emit a preview image every k steps (0 = never). */
  previewEvery?: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export interface EditOptions extends ImageOptions {
  /** Grayscale/alpha mask, same size as the source: white = may change, black = keep. */
  mask?: ImageInput;
}

export interface ProgressEvent {
  step: number;
  totalSteps: number;
  /** PNG bytes of the current x0 estimate, when a preview was due. */
  preview?: Uint8Array;
}

export interface ImageResult {
  /** PNG bytes. */
  png: Uint8Array;
  width: number;
  height: number;
  seed: number;
  steps: number;
  guidance: number;
  sampler: SamplerName;
}

export interface RouteDecision {
  route: Route;
  /** "override" = the caller chose; "model" = the model's own image-start answer; "zero-shot" = a prompt. */
  source: "override" | "model" | "zero-shot";
  /** For edits: index into the flattened list of images of the conversation. */
  referenceImageIndex?: number;
}

export interface ModelInfo {
  id: string;
  description: string;
  imageSize: number;
  inputModalities: ("text" | "image")[];
  outputModalities: ("text" | "image")[];
  capabilities: Route[];
  modelTrainedToRoute: boolean;
  memoryBytes: number;
  defaults: {
    steps: number;
    guidance: number;
    /** Guidance of edits (the package's own, or `guidance`). */
    editGuidance: number;
    sampler: SamplerName;
    maxNewTokens: number;
  };
}

export interface ReconstructResult {
  png: Uint8Array;
  width: number;
  height: number;
}

/**
 * What the server and CLI program against. One instance per loaded package; every method is safe to
 * call concurrently (per-request state lives in the call, never on the instance), but the caller is
 * expected to queue work so one model runs one job at a time.
 */
export interface UniLIPEngine {
  info(): ModelInfo;
  route(
    messages: ChatMessage[],
    options?: { override?: Route; referenceImageIndex?: number; signal?: AbortSignal },
  ): Promise<RouteDecision>;
  /** Yields chunks as tokens are decoded; returns the final result. */
  streamText(messages: ChatMessage[], options?: TextOptions): AsyncGenerator<TextChunk, TextResult>;
  generate(prompt: string, options?: ImageOptions): Promise<ImageResult>;
  edit(image: ImageInput, instruction: string, options?: EditOptions): Promise<ImageResult>;
  reconstruct(image: ImageInput): Promise<ReconstructResult>;
  dispose(): Promise<void>;
}
