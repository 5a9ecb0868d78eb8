// Runs one turn on the model: decide the route, then stream text or sample an image, reporting events as
// they happen. Called inside a queue job, with the job's abort signal.
import type { UniLIPEngine } from "@unilip/engine";
import type { Metrics } from "../metrics.ts";
import { resolveRoute } from "./resolve-route.ts";
import type { TurnEvent, TurnInput, TurnResult } from "./types.ts";

export interface TurnDeps {
  engine: UniLIPEngine;
  metrics: Metrics;
}

export async function runTurn(
  deps: TurnDeps,
  input: TurnInput,
  emit: (event: TurnEvent) => void,
  signal: AbortSignal,
): Promise<TurnResult> {
  const started = performance.now();
  let route: TurnResult["route"] | "routing" = "routing";
  let outcome = "error";
  try {
    const decision = await resolveRoute(deps.engine, input, signal);
    route = decision.route;
    emit({ type: "route", route: decision.route, source: decision.source });
    const result =
      decision.route === "understand"
        ? await understand(deps, input, emit, signal)
        : await drawOrEdit(deps, input, decision.route, decision.referenceImageIndex, emit, signal);
    outcome = result.type === "text" && result.finishReason === "cancelled" ? "cancelled" : "ok";
    return result;
  } catch (error) {
    if (signal.aborted) outcome = "cancelled";
    throw error;
  } finally {
    deps.metrics.jobDuration.observe({ route, outcome }, (performance.now() - started) / 1000);
  }
}

async function understand(
  deps: TurnDeps,
  input: TurnInput,
  emit: (event: TurnEvent) => void,
  signal: AbortSignal,
): Promise<TurnResult> {
  const stream = deps.engine.streamText(input.messages, { ...input.text, signal });
  while (true) {
    const next = await stream.next();
    if (next.done) {
      return { type: "text", route: "understand", ...next.value };
    }
    deps.metrics.tokensGenerated.inc();
    if (next.value.text !== "") emit({ type: "token", text: next.value.text });
  }
}

async function drawOrEdit(
  deps: TurnDeps,
  input: TurnInput,
  route: "generate" | "edit",
  referenceImageIndex: number | undefined,
  emit: (event: TurnEvent) => void,
  signal: AbortSignal,
): Promise<TurnResult> {
  const options = {
    ...input.image,
    signal,
    onProgress: (event: { step: number; totalSteps: number; preview?: Uint8Array }) =>
      emit({ type: "progress", step: event.step, total: event.totalSteps, preview: event.preview }),
  };
  if (route === "generate") {
    const image = await deps.engine.generate(input.prompt, options);
    deps.metrics.imagesGenerated.inc({ route });
    return { type: "image", route, image, sourceImageIndex: null };
  }
  const sourceImageIndex = input.editImageIndex ?? referenceImageIndex ?? input.images.length - 1;
  const source = input.images[sourceImageIndex];
  if (!source)
    throw new RangeError(`edit source ${sourceImageIndex} is not among ${input.images.length} images`);
  const image = await deps.engine.edit(source, input.prompt, options);
  deps.metrics.imagesGenerated.inc({ route });
  return { type: "image", route, image, sourceImageIndex };
}
