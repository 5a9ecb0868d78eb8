/** "< 2/3 >" between sibling versions of a message. */
export function BranchSwitcher({
  index,
  count,
  disabled,
  onSwitch,
}: {
  index: number;
  count: number;
  disabled: boolean;
  onSwitch(delta: number): void;
}) {
  if (count < 2) return null;
  return (
    <nav className="branch-switcher" aria-label="Versions of this message">
      <button
        type="button"
        className="icon-button"
        aria-label="Previous version"
        disabled={disabled || index === 0}
        onClick={() => onSwitch(-1)}
      >
        ‹
      </button>
      <span className="branch-position">
        {index + 1}/{count}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Next version"
        disabled={disabled || index === count - 1}
        onClick={() => onSwitch(1)}
      >
        ›
      </button>
    </nav>
  );
}
