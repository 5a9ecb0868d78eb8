// Which route a chat request forces: `unilip.route` in the body, else the `x-unilip-route` header, checked
// against `modalities` (["image"] = an image answer, ["text"] = a text answer).
import { invalidRequest } from "../errors.ts";
import { routeChoiceSchema } from "../schemas/common.ts";
import type { RouteChoice } from "../turn/types.ts";
import type { ChatCompletionRequest } from "./chat-request.ts";

export const ROUTE_HEADER = "x-unilip-route";

export function chatRouteChoice(request: ChatCompletionRequest, header: string | undefined): RouteChoice {
  const fromHeader =
    header === undefined ? undefined : routeChoiceSchema.safeParse(header.trim().toLowerCase());
  if (fromHeader && !fromHeader.success) {
    throw invalidRequest(`${ROUTE_HEADER} must be one of ${routeChoiceSchema.options.join(", ")}.`, {
      param: ROUTE_HEADER,
    });
  }
  const explicit = request.unilip?.route ?? fromHeader?.data ?? "auto";
  const modalities = new Set(request.modalities ?? []);
  const forced =
    modalities.has("image") && !modalities.has("text")
      ? "image"
      : modalities.has("text") && !modalities.has("image")
        ? "understand"
        : null;
  if (explicit === "auto") return forced ?? "auto";
  const explicitIsImage = explicit !== "understand";
  if ((forced === "image" && !explicitIsImage) || (forced === "understand" && explicitIsImage)) {
    throw invalidRequest(`The route '${explicit}' contradicts modalities [${[...modalities].join(", ")}].`, {
      param: "modalities",
    });
  }
  return explicit;
}
