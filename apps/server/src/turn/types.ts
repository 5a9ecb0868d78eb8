// One turn of the model: what it is asked (TurnInput), what it reports while it works (TurnEvent) and
// what it produces (TurnResult). Both the OpenAI routes and the App API speak to the model through these.
import type { ChatMessage, ImageResult, Route, RouteDecision, SamplerName } from "@unilip/engine";

/** A route, "auto" (the model chooses) or "image" (an image answer: edit when there is an image). */
export type RouteChoice = "auto" | "image" | Route;

export interface TurnInput {
  messages: ChatMessage[];
  /** Every image of `messages`, in order (the engine's flattened image list). */
  images: Uint8Array[];
  /** Text of the latest user message: the prompt or edit instruction. */
  prompt: string;
  route: RouteChoice;
  /** Which of `images` an edit starts from; the latest one when absent. */
  editImageIndex?: number;
  text: { maxNewTokens?: number; temperature?: number; topP?: number; seed?: number; stop?: string[] };
  image: {
    steps?: number;
    guidance?: number;
    seed?: number;
    sampler?: SamplerName;
    previewEvery?: number;
    /** Edits only: white = may change, black = keep. */
    mask?: Uint8Array;
  };
}

export type TurnEvent =
  | { type: "route"; route: Route; source: RouteDecision["source"] }
  | { type: "token"; text: string }
  | { type: "progress"; step: number; total: number; preview?: Uint8Array };

export type TurnResult =
  | {
      type: "text";
      route: "understand";
      text: string;
      finishReason: "stop" | "length" | "cancelled";
      promptTokens: number;
      completionTokens: number;
    }
  | { type: "image"; route: "generate" | "edit"; image: ImageResult; sourceImageIndex: number | null };
