// What a package can do follows from the graphs it ships: a text-only export is a valid package.
import type { Route } from "../types.ts";
import type { Manifest } from "./manifest.ts";
import type { GraphName } from "./types.ts";

const NEEDS: Record<Route | "reconstruct" | "image_input", readonly GraphName[]> = {
  understand: ["embed_tokens", "decoder"],
  image_input: ["vision_encoder"],
  generate: ["embed_tokens", "decoder", "connector", "dit_condition", "dit", "pixel_decoder"],
  edit: ["embed_tokens", "decoder", "connector", "dit_condition", "dit", "pixel_decoder", "vision_encoder"],
  reconstruct: ["vision_encoder", "latent_encoder", "pixel_decoder"],
};

export type Capability = keyof typeof NEEDS;

export function hasCapability(manifest: Manifest, capability: Capability): boolean {
  return NEEDS[capability].every((graph) => manifest.graphs[graph] !== undefined);
}

export function routeCapabilities(manifest: Manifest): Route[] {
  return (["understand", "generate", "edit"] as const).filter((route) => hasCapability(manifest, route));
}
