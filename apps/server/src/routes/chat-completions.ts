// POST /v1/chat/completions: understanding, generation and editing behind the OpenAI chat API.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppDeps, AppEnv } from "../app-deps.ts";
import { toApiError } from "../on-error.ts";
import { toEngineMessages } from "../openai/chat-messages.ts";
import { chatCompletionRequestSchema } from "../openai/chat-request.ts";
import {
  type ChatCompletionChunk,
  chatChunk,
  chatCompletion,
  finishReasonOf,
  newCompletionMeta,
  pngDataUrl,
  usageChunk,
} from "../openai/chat-response.ts";
import { chatRouteChoice, ROUTE_HEADER } from "../openai/chat-route-choice.ts";
import { checkRouteChoice } from "../turn/resolve-route.ts";
import { startTurn } from "../turn/start-turn.ts";
import type { TurnInput } from "../turn/types.ts";
import { jsonBody } from "../validate.ts";
import { requireModel } from "./models.ts";

export function chatCompletionsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post("/chat/completions", jsonBody(chatCompletionRequestSchema), async (c) => {
    const body = c.req.valid("json");
    const model = requireModel(deps.engine, body.model);
    const route = chatRouteChoice(body, c.req.header(ROUTE_HEADER));
    const signal = c.req.raw.signal;
    const converted = await toEngineMessages(body.messages, {
      allowedHosts: deps.config.remoteImageHosts,
      signal,
    });
    checkRouteChoice(route, converted.images.length, converted.prompt);
    const stop = typeof body.stop === "string" ? [body.stop] : (body.stop ?? undefined);
    const seed = body.unilip?.seed ?? body.seed ?? undefined;
    const input: TurnInput = {
      ...converted,
      route,
      text: {
        maxNewTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
        temperature: body.temperature ?? undefined,
        topP: body.top_p ?? undefined,
        seed,
        stop,
      },
      image: {
        steps: body.unilip?.steps,
        guidance: body.unilip?.guidance,
        sampler: body.unilip?.sampler,
        seed,
      },
    };
    const turn = startTurn(deps, c.var.owner, input, signal);
    const meta = newCompletionMeta(model);

    if (!body.stream) {
      const result = await turn.result;
      return c.json(chatCompletion(meta, result));
    }

    // With include_usage, OpenAI sends `usage: null` on every chunk but the last one, which carries it.
    const includeUsage = body.stream_options?.include_usage === true;
    return streamSSE(c, async (stream) => {
      const write = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
      const send = (chunk: ChatCompletionChunk) => write(includeUsage ? { usage: null, ...chunk } : chunk);
      await send(chatChunk(meta, { role: "assistant", content: "" }));
      for await (const event of turn.events) {
        if (event.type === "route") await send(chatChunk(meta, {}, { unilip_route: event.route }));
        if (event.type === "token") await send(chatChunk(meta, { content: event.text }));
        if (event.type === "progress") {
          await send(
            chatChunk(meta, { content: "" }, { unilip_progress: { step: event.step, total: event.total } }),
          );
        }
      }
      try {
        const result = await turn.result;
        const images =
          result.type === "image"
            ? [{ type: "image_url" as const, image_url: { url: pngDataUrl(result.image.png) } }]
            : undefined;
        await send(chatChunk(meta, images ? { images } : {}, { finishReason: finishReasonOf(result) }));
        if (includeUsage) await send(usageChunk(meta, result));
      } catch (error) {
        // Headers are gone; the error travels as a data event, which the official clients raise.
        const apiError = toApiError(error);
        if (apiError.status >= 500 && !signal.aborted) deps.log.error("chat stream failed", error);
        await write(apiError.toBody());
      }
      await stream.writeSSE({ data: "[DONE]" });
    });
  });
}
