// The example prompts offered on an empty conversation.

export interface Example {
  text: string;
  /** Attach the sample Shapes-world image with the prompt. */
  withSample: boolean;
}

/**
 * Phrased as the bundled model's training requests are (training/unilip/world/routes.py, edits.py: lower
 * case, the same templates), about the sample scene, and with no colour pairing that training holds out
 * (split.py), so each one shows what the model can do rather than where it stops.
 */
export const EXAMPLES: readonly Example[] = [
  { text: "what is in this picture?", withSample: true },
  { text: "draw a red circle and a blue square", withSample: false },
  { text: "make the square green", withSample: true },
];

export const SAMPLE_FILE_NAME = "shapes-sample.png";
