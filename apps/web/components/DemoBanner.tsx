"use client";
import { useEffect, useState } from "react";
import { browserStorage, readFlag, writeFlag } from "../lib/browser-storage.ts";
import { DEMO_NOTE, DEMO_NOTE_HIDDEN_KEY } from "../lib/demo-note.ts";

/** Sets expectations: the bundled model knows only its synthetic world. */
export function DemoBanner() {
  const [shown, setShown] = useState(true);
  // The static page always carries the note; the browser's memory is only readable after hydration.
  useEffect(() => {
    if (readFlag(browserStorage(), DEMO_NOTE_HIDDEN_KEY)) setShown(false);
  }, []);
  if (!shown) return null;
  return (
    <aside className="demo-banner" aria-label="About the demo model">
      <p>
        <strong>Demo model.</strong> {DEMO_NOTE}
      </p>
      <button
        type="button"
        className="icon-button"
        aria-label="Hide this note"
        onClick={() => {
          writeFlag(browserStorage(), DEMO_NOTE_HIDDEN_KEY);
          setShown(false);
        }}
      >
        ×
      </button>
    </aside>
  );
}
