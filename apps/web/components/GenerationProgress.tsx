import type { TurnProgress } from "../lib/chat-state.ts";

/** A drawing in progress: "step 7/20" with the sampler's latest preview. */
export function GenerationProgress({ progress }: { progress: TurnProgress }) {
  const label = `step ${progress.step}/${progress.total}`;
  return (
    <div className="generation-progress">
      {progress.preview ? (
        <img className="generation-preview" src={progress.preview} alt={`Preview at ${label}`} />
      ) : null}
      <progress max={progress.total} value={progress.step} aria-label="Drawing progress">
        {label}
      </progress>
      <span className="progress-label">{label}</span>
    </div>
  );
}
