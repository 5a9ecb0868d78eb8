import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";

/** The API server `next dev` forwards to; in production the server serves this UI itself. */
const DEV_API_ORIGIN = process.env.UNILIP_API_ORIGIN ?? "http://127.0.0.1:8787";

// The build is a static export (apps/web/out) that apps/server serves at "/", so UI and API share one
// origin. Rewrites cannot apply to an export, so only the dev server gets them.
export default function config(phase: string): NextConfig {
  if (phase === PHASE_DEVELOPMENT_SERVER) {
    return {
      async rewrites() {
        return [
          { source: "/api/:path*", destination: `${DEV_API_ORIGIN}/api/:path*` },
          { source: "/v1/:path*", destination: `${DEV_API_ORIGIN}/v1/:path*` },
        ];
      },
    };
  }
  return { output: "export", images: { unoptimized: true } };
}
