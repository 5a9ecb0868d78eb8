"use client";
import { useState } from "react";

/** Sets expectations: the bundled model knows only its synthetic world. */
export function DemoBanner() {
  const [shown, setShown] = useState(true);
  if (!shown) return null;
  return (
    <aside className="demo-banner" aria-label="About the demo model">
      <p>
        <strong>Demo model.</strong> The bundled model is small and was trained only on a synthetic “Shapes
        world”: 64×64 images of coloured circles, squares, triangles and stars on a 3×3 grid. Ask it about
        such images, or ask it to draw and edit them.
      </p>
      <button
        type="button"
        className="icon-button"
        aria-label="Hide this note"
        onClick={() => setShown(false)}
      >
        ×
      </button>
    </aside>
  );
}
