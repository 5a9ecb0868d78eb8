"use client";
import { useEffect, useState } from "react";
import { EXAMPLES, type Example, SAMPLE_FILE_NAME } from "../lib/examples.ts";
import { describeScene, renderSampleImage, SAMPLE_SCENE } from "../lib/sample-scene.ts";

/** Starting points for an empty conversation; picking one fills the composer. */
export function ExamplePrompts({
  onPick,
  report,
}: {
  onPick(example: Example, sample: File | null): void;
  report(error: unknown): void;
}) {
  const [sample, setSample] = useState<{ file: File; url: string } | null>(null);

  useEffect(() => {
    let url: string | null = null;
    let live = true;
    renderSampleImage().then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setSample({ file: new File([blob], SAMPLE_FILE_NAME, { type: "image/png" }), url });
      },
      (error: unknown) => {
        if (live) report(error);
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [report]);

  return (
    <section className="examples" aria-labelledby="examples-title">
      <h2 id="examples-title">Try an example</h2>
      <ul>
        {EXAMPLES.map((example) => (
          <li key={example.text}>
            <button
              type="button"
              className="example"
              disabled={example.withSample && !sample}
              onClick={() => onPick(example, example.withSample ? (sample?.file ?? null) : null)}
            >
              {example.withSample && sample ? (
                <img src={sample.url} alt={`Sample: ${describeScene(SAMPLE_SCENE)}`} width={48} height={48} />
              ) : null}
              <span>{example.text}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
