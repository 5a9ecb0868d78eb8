// The DiT's condition-only work, done once per image instead of at every sampling step: the condition's
// cross-attention keys and values for every block and the padding bias (the dit_condition graph). Its
// outputs are named as the dit graph's inputs, so they feed each step unchanged; the graph runner checks
// those feeds against the manifest at the first step, naming any that are missing. Packages exported
// before the DiT learned where a source image's cells are have no image_mask input; they get none.
import type { Tensor } from "onnxruntime-node";
import type { LoadedPackage } from "../package/types.ts";
import type { DitCondition } from "./condition.ts";

/** The dit graph's inputs besides latents and timestep: named tensors, shared by all steps. */
export type ProjectedCondition = Record<string, Tensor>;

export async function projectCondition(
  pkg: LoadedPackage,
  condition: DitCondition,
): Promise<ProjectedCondition> {
  const declared = pkg.manifest.graphs.dit_condition?.inputs.some((io) => io.name === "image_mask") ?? false;
  return pkg.run("dit_condition", {
    condition: condition.condition,
    condition_mask: condition.mask,
    ...(declared ? { image_mask: condition.imageMask } : {}),
  });
}
