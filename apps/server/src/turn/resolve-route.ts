// Turns a route choice into the route the turn takes. Forced routes skip the model's own decision; "auto"
// asks the engine; "image" asks too, but never settles for a text answer.
import type { Route, RouteDecision, UniLIPEngine } from "@unilip/engine";
import { invalidRequest } from "../errors.ts";
import type { RouteChoice, TurnInput } from "./types.ts";

/** Refuses, before anything is queued, a forced route the request cannot satisfy. */
export function checkRouteChoice(choice: RouteChoice, imageCount: number, prompt: string): void {
  if (choice === "edit" && imageCount === 0) {
    throw invalidRequest("An edit needs an image in the conversation; attach one or use another route.", {
      param: "route",
      code: "edit_without_image",
    });
  }
  if ((choice === "edit" || choice === "generate" || choice === "image") && prompt.trim() === "") {
    throw invalidRequest("An image request needs a text prompt in the latest user message.", {
      param: "messages",
      code: "empty_prompt",
    });
  }
}

export async function resolveRoute(
  engine: UniLIPEngine,
  input: TurnInput,
  signal: AbortSignal,
): Promise<RouteDecision & { route: Route }> {
  const latest = input.images.length > 0 ? input.images.length - 1 : undefined;
  const referenceImageIndex = input.editImageIndex ?? latest;
  const override = input.route === "auto" || input.route === "image" ? undefined : input.route;
  const decision = await engine.route(input.messages, { override, referenceImageIndex, signal });
  if (input.route === "image" && decision.route === "understand") {
    return { route: input.images.length > 0 ? "edit" : "generate", source: "override", referenceImageIndex };
  }
  if (decision.route === "edit" && input.images.length === 0) {
    // A model may answer "edit" with nothing to edit; drawing is the closest honest answer.
    return { route: "generate", source: decision.source };
  }
  return decision;
}
