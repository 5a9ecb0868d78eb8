import type { ApiError } from "../lib/errors.ts";

/** The latest failure, in a live region so screen readers announce it. */
export function ErrorBanner({ error, onDismiss }: { error: ApiError | null; onDismiss(): void }) {
  if (!error) return null;
  return (
    <div className="error-banner" role="alert">
      <p>
        <strong>Error:</strong> {error.message}
        {error.code ? <span className="error-code"> ({error.code})</span> : null}
      </p>
      <button type="button" className="icon-button" aria-label="Dismiss error" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
