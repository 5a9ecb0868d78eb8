// The OpenAPI 3.1 document of the public routes. Request and answer schemas are generated from the same
// zod schemas that validate and type the routes, so the document cannot drift from the code.
import { z } from "zod";
import {
  createConversationSchema,
  postMessageSchema,
  regenerateSchema,
  renameConversationSchema,
  uploadSchema,
} from "../app-api/schemas.ts";
import { conversationJsonSchema, imageMetaJsonSchema, messageJsonSchema } from "../app-api/serialize.ts";
import { chatCompletionRequestSchema } from "../openai/chat-request.ts";
import { chatCompletionChunkSchema, chatCompletionSchema } from "../openai/chat-response.ts";
import {
  imageEditRequestSchema,
  imageGenerationRequestSchema,
  imagesResponseSchema,
} from "../openai/images-request.ts";
import { modelListSchema, modelSchema } from "../routes/models.ts";

const errorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

const SCHEMAS = {
  Error: errorSchema,
  ChatCompletionRequest: chatCompletionRequestSchema,
  ChatCompletion: chatCompletionSchema,
  ChatCompletionChunk: chatCompletionChunkSchema,
  ImageGenerationRequest: imageGenerationRequestSchema,
  ImageEditRequest: imageEditRequestSchema,
  ImagesResponse: imagesResponseSchema,
  Model: modelSchema,
  ModelList: modelListSchema,
  Conversation: conversationJsonSchema,
  ConversationList: z.object({ data: z.array(conversationJsonSchema) }),
  ConversationDetail: z.object({
    conversation: conversationJsonSchema,
    messages: z.array(messageJsonSchema),
    images: z.array(imageMetaJsonSchema),
  }),
  CreateConversation: createConversationSchema,
  RenameConversation: renameConversationSchema,
  Message: messageJsonSchema,
  ImageMeta: imageMetaJsonSchema,
  ImageList: z.object({ data: z.array(imageMetaJsonSchema) }),
  PostMessage: postMessageSchema,
  Regenerate: regenerateSchema,
  Upload: uploadSchema,
} satisfies Record<string, z.ZodType>;

type SchemaName = keyof typeof SCHEMAS;

interface Operation {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  tag: "OpenAI" | "App" | "Service";
  summary: string;
  description?: string;
  json?: SchemaName;
  form?: SchemaName;
  /** Status -> what the answer holds. */
  answers: Record<number, SchemaName | "png" | "sse" | "text" | "html" | "empty">;
  public?: boolean;
}

const TURN_STREAM =
  "Server-Sent Events: user_message, assistant_message, route, then token or progress events, then done or error.";

const OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/v1/chat/completions",
    tag: "OpenAI",
    summary: "Chat: understand, generate or edit",
    description:
      "With stream=true the answer is `chat.completion.chunk` events ending in `data: [DONE]`. Force a route with `modalities`, `unilip.route` or the `x-unilip-route` header. Images come back in `message.images` / `delta.images`.",
    json: "ChatCompletionRequest",
    answers: { 200: "ChatCompletion" },
  },
  {
    method: "post",
    path: "/v1/images/generations",
    tag: "OpenAI",
    summary: "Generate an image",
    json: "ImageGenerationRequest",
    answers: { 200: "ImagesResponse" },
  },
  {
    method: "post",
    path: "/v1/images/edits",
    tag: "OpenAI",
    summary: "Edit an image",
    form: "ImageEditRequest",
    answers: { 200: "ImagesResponse" },
  },
  {
    method: "get",
    path: "/v1/images/{id}",
    tag: "OpenAI",
    summary: "A stored image (PNG), owner only",
    answers: { 200: "png" },
  },
  {
    method: "get",
    path: "/v1/models",
    tag: "OpenAI",
    summary: "The model this server runs",
    answers: { 200: "ModelList" },
  },
  { method: "get", path: "/v1/models/{id}", tag: "OpenAI", summary: "One model", answers: { 200: "Model" } },
  {
    method: "get",
    path: "/api/conversations",
    tag: "App",
    summary: "Conversations, newest first",
    answers: { 200: "ConversationList" },
  },
  {
    method: "post",
    path: "/api/conversations",
    tag: "App",
    summary: "Create a conversation",
    json: "CreateConversation",
    answers: { 201: "Conversation" },
  },
  {
    method: "get",
    path: "/api/conversations/{id}",
    tag: "App",
    summary: "A conversation with all branches and images",
    answers: { 200: "ConversationDetail" },
  },
  {
    method: "patch",
    path: "/api/conversations/{id}",
    tag: "App",
    summary: "Rename a conversation",
    json: "RenameConversation",
    answers: { 200: "Conversation" },
  },
  {
    method: "delete",
    path: "/api/conversations/{id}",
    tag: "App",
    summary: "Delete a conversation, its messages and images",
    answers: { 204: "empty" },
  },
  {
    method: "post",
    path: "/api/conversations/{id}/messages",
    tag: "App",
    summary: "Send a message and stream the answer",
    description: TURN_STREAM,
    json: "PostMessage",
    answers: { 200: "sse" },
  },
  {
    method: "post",
    path: "/api/messages/{id}/regenerate",
    tag: "App",
    summary: "A new answer beside an assistant message",
    description: TURN_STREAM,
    json: "Regenerate",
    answers: { 200: "sse" },
  },
  {
    method: "post",
    path: "/api/conversations/{id}/cancel",
    tag: "App",
    summary: "Cancel the running turn",
    answers: { 202: "empty" },
  },
  {
    method: "post",
    path: "/api/images",
    tag: "App",
    summary: "Upload a PNG, JPEG or WebP image (stored as PNG)",
    form: "Upload",
    answers: { 201: "ImageMeta" },
  },
  {
    method: "get",
    path: "/api/images/{id}/lineage",
    tag: "App",
    summary: "An image and its ancestors",
    answers: { 200: "ImageList" },
  },
  {
    method: "get",
    path: "/health",
    tag: "Service",
    summary: "Model loaded and database reachable (200) or not (503)",
    answers: { 200: "text" },
    public: true,
  },
  {
    method: "get",
    path: "/metrics",
    tag: "Service",
    summary: "Prometheus metrics",
    answers: { 200: "text" },
    public: true,
  },
  {
    method: "get",
    path: "/openapi.json",
    tag: "Service",
    summary: "This document",
    answers: { 200: "text" },
    public: true,
  },
  {
    method: "get",
    path: "/docs",
    tag: "Service",
    summary: "This document as a web page",
    answers: { 200: "html" },
    public: true,
  },
];

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    override: (ctx) => {
      // Files (multipart fields) are the one custom type the routes use.
      if (ctx.zodSchema._zod.def.type === "custom")
        Object.assign(ctx.jsonSchema, { type: "string", format: "binary" });
    },
  });
  return rest;
}

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

function answerContent(kind: Operation["answers"][number]) {
  if (kind === "empty") return undefined;
  if (kind === "png") return { "image/png": { schema: { type: "string", format: "binary" } } };
  if (kind === "sse") return { "text/event-stream": { schema: { type: "string" } } };
  if (kind === "text") return { "text/plain": { schema: { type: "string" } } };
  if (kind === "html") return { "text/html": { schema: { type: "string" } } };
  return { "application/json": { schema: ref(kind) } };
}

function operationObject(op: Operation) {
  const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const body = op.json ?? op.form;
  const responses: Record<string, unknown> = {};
  for (const [status, kind] of Object.entries(op.answers)) {
    responses[status] = {
      description: status.startsWith("2") ? "Success" : "Answer",
      content: answerContent(kind),
    };
  }
  if (!op.public) {
    responses["4XX"] = { description: "Client error (OpenAI error object)", content: answerContent("Error") };
  }
  responses["5XX"] = { description: "Server error (OpenAI error object)", content: answerContent("Error") };
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { [op.json ? "application/json" : "multipart/form-data"]: { schema: ref(body) } },
          },
        }
      : {}),
    responses,
    ...(op.public ? { security: [] } : {}),
  };
}

export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op) };
  }
  const schemas = Object.fromEntries(
    Object.entries(SCHEMAS).map(([name, schema]) => [name, jsonSchemaOf(schema)]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "UniLIP Chat API",
      version,
      description: "OpenAI-compatible chat and image routes, plus the App API the chat UI speaks.",
    },
    tags: [
      {
        name: "OpenAI",
        description: "Routes shaped like the OpenAI API; the official clients work against them.",
      },
      { name: "App", description: "Conversations, branches and images for the chat UI." },
      { name: "Service", description: "Health, metrics and documentation." },
    ],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API key from `npm run keys`." },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
