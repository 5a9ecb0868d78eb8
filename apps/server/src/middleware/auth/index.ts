// Who is asking: a bearer API key resolves to its owner id. When keys are optional (loopback), a request
// without a valid key belongs to the local owner: OpenAI clients always send some key, and anyone could
// reach the local owner's data by sending none. When keys are required, a missing or unknown key is a 401.
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../../errors.ts";

export interface AuthOptions {
  required: boolean;
  /** The owner of a key, or null when the key is unknown or revoked. */
  verify: (token: string) => Promise<string | null>;
  /** Owner of keyless requests when keys are not required. */
  localOwner: string;
}

export type AuthEnv = { Variables: { owner: string } };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function auth(options: AuthOptions): MiddlewareHandler<AuthEnv> {
  return async function auth(c, next) {
    const header = c.req.header("authorization");
    if (header === undefined || header === "") {
      if (options.required) {
        throw new ApiError(401, "This server requires an API key: send 'Authorization: Bearer <key>'.", {
          code: "missing_api_key",
          headers: { "WWW-Authenticate": "Bearer" },
        });
      }
      c.set("owner", options.localOwner);
      return next();
    }
    const token = BEARER.exec(header)?.[1];
    const owner = token === undefined ? null : await options.verify(token);
    if (owner === null && !options.required) {
      c.set("owner", options.localOwner);
      return next();
    }
    if (owner === null) {
      throw new ApiError(401, "Incorrect API key provided.", {
        code: "invalid_api_key",
        headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
      });
    }
    c.set("owner", owner);
    return next();
  };
}
