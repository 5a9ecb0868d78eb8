// The note on the bundled demo model: what it knows, and where the browser remembers it was hidden.
import { COLOR_NAMES, GRID_SIDE, IMAGE_SIZE, listWords, MAX_OBJECTS, SHAPES } from "./shapes-world.ts";

/** Where the browser remembers that the user hid the note, so it does not return on every visit. */
export const DEMO_NOTE_HIDDEN_KEY = "unilip.demo-note.hidden";

const PLURALS = SHAPES.map((shape) => (shape === "cross" ? "crosses" : `${shape}s`));

/** What the bundled model knows, from the world's own lists so the note never drifts from them. */
export const DEMO_NOTE =
  `The bundled model is small and was trained only on a synthetic “Shapes world”: ` +
  `${IMAGE_SIZE}×${IMAGE_SIZE} images of up to ${MAX_OBJECTS} ${listWords(PLURALS, "or")} ` +
  `in ${listWords(COLOR_NAMES, "or")}, placed on a ${GRID_SIDE}×${GRID_SIDE} grid over a grey background. ` +
  "It follows short lowercase requests like the examples.";
