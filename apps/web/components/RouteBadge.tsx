import type { Route } from "../lib/api-types.ts";

/** What the answer did, in the words the user sees. */
export const ROUTE_BADGE_LABELS: Record<Route, string> = {
  understand: "answered",
  generate: "generated",
  edit: "edited",
};

export function RouteBadge({ route }: { route: Route }) {
  return (
    <span className={`route-badge route-${route}`} title={`Route: ${route}`}>
      {ROUTE_BADGE_LABELS[route]}
    </span>
  );
}
