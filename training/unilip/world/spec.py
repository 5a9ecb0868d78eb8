"""Machine-checkable requirements of a generation prompt, in the manner of GenEval's metadata."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import PromptError
from .scene import COLORS, SHAPES, cell_row_col

# Each relation with the (row, col) axis it compares and the sign of "a before b" on that axis.
RELATIONS: dict[str, tuple[int, int]] = {
    "to the left of": (1, -1),
    "to the right of": (1, 1),
    "above": (0, -1),
    "below": (0, 1),
}


@dataclass(frozen=True)
class Need:
    """At least `count` objects of `shape` (and `color`, when given); exactly `count` when `exact`."""

    shape: str
    count: int = 1
    color: str | None = None
    exact: bool = False

    def __post_init__(self) -> None:
        if self.shape not in SHAPES or (self.color is not None and self.color not in COLORS):
            raise PromptError(f"a need names an unknown shape or colour: {self.shape!r}, {self.color!r}")
        if self.count < 1:
            raise PromptError(f"a need counts at least one object, got {self.count}")


@dataclass(frozen=True)
class Relation:
    """An object of needs[a] stands `relation` an object of needs[b]."""

    a: int
    relation: str
    b: int

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise PromptError(f"unknown relation {self.relation!r}; expected one of {tuple(RELATIONS)}")


@dataclass(frozen=True)
class Spec:
    needs: tuple[Need, ...]
    relation: Relation | None = None

    def __post_init__(self) -> None:
        if not self.needs:
            raise PromptError("a spec needs at least one requirement")
        r = self.relation
        if r is not None and not (0 <= r.a < len(self.needs) and 0 <= r.b < len(self.needs) and r.a != r.b):
            raise PromptError(f"relation {r} does not point at two of the {len(self.needs)} needs")


def relation_holds(relation: str, cell_a: str, cell_b: str) -> bool:
    axis, sign = RELATIONS[relation]
    return sign * (cell_row_col(cell_a)[axis] - cell_row_col(cell_b)[axis]) > 0


def spec_satisfied(spec: Spec, seen: Sequence[tuple[str, str, str]]) -> bool:
    """Whether objects seen as (shape, color, cell) meet every need and the relation."""
    matches = [[o for o in seen if o[0] == n.shape and n.color in (None, o[1])] for n in spec.needs]
    for need, found in zip(spec.needs, matches, strict=True):
        if len(found) < need.count or (need.exact and len(found) != need.count):
            return False
    if spec.relation is None:
        return True
    r = spec.relation
    return any(relation_holds(r.relation, a[2], b[2]) for a in matches[r.a] for b in matches[r.b])
