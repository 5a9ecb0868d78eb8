"""The held-out split, stated once: (shape, color) pairs that training data never shows.

Every colour is held out once and every shape at least once, so a held-out pair is always a new
combination of a shape and a colour that training shows separately.
"""

from collections.abc import Iterable

from .errors import SplitError

SPLITS = ("train", "heldout")
HELDOUT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("circle", "orange"),
        ("square", "purple"),
        ("triangle", "blue"),
        ("star", "white"),
        ("diamond", "yellow"),
        ("cross", "red"),
        ("triangle", "black"),
        ("circle", "green"),
    }
)


def check_split(split: str) -> None:
    if split not in SPLITS:
        raise SplitError(f"unknown split {split!r}; expected one of {SPLITS}")


def is_heldout(shape: str, color: str) -> bool:
    return (shape, color) in HELDOUT_PAIRS


def pair_allowed(shape: str, color: str, split: str) -> bool:
    """Train never uses a held-out pair; heldout samples may use any pair next to their held-out one."""
    check_split(split)
    return split == "heldout" or not is_heldout(shape, color)


def heldout_pairs() -> list[tuple[str, str]]:
    return sorted(HELDOUT_PAIRS)


def pairs_fit_split(pairs: Iterable[tuple[str, str]], split: str) -> bool:
    """True when a sample's pairs fit `split`: none held out for train, at least one for heldout."""
    check_split(split)
    held = [is_heldout(s, c) for s, c in pairs]
    return any(held) if split == "heldout" else not any(held)
