"""The scene graph: objects with a shape, colour, size and grid cell, and random scenes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import SceneError
from .split import check_split, heldout_pairs, pair_allowed

IMAGE_SIZE = 64
MAX_OBJECTS = 4
SHAPES = ("circle", "square", "triangle", "star", "diamond", "cross")
# Flat colours far apart (>= 97 RGB units pairwise, and from the background).
COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 30),
    "green": (20, 180, 40),
    "blue": (30, 70, 230),
    "yellow": (250, 230, 20),
    "purple": (150, 40, 210),
    "orange": (250, 120, 10),
    "white": (250, 250, 250),
    "black": (10, 10, 10),
}
# Mid grey sits halfway between white and black, so blurred edges never look like a third colour.
BACKGROUND: tuple[int, int, int] = (128, 128, 128)
# Side of the object's box in pixels at IMAGE_SIZE; a cell is 64 / 3 = 21.3 px, so even two large
# objects in neighbouring cells keep a gap of 3 px.
SIZES: dict[str, int] = {"small": 14, "large": 18}
GRID_ROWS = ("top", "middle", "bottom")
GRID_COLS = ("left", "middle", "right")
GRID: tuple[str, ...] = (
    "top left",
    "top middle",
    "top right",
    "middle left",
    "center",
    "middle right",
    "bottom left",
    "bottom middle",
    "bottom right",
)
GRID_SIDE = 3


def cell_row_col(cell: str) -> tuple[int, int]:
    """Row and column (0..2, top-left first) of a named grid cell."""
    if cell not in GRID:
        raise SceneError(f"unknown cell {cell!r}; expected one of {GRID}")
    index = GRID.index(cell)
    return index // GRID_SIDE, index % GRID_SIDE


def cell_at(row: int, col: int) -> str:
    if not (0 <= row < GRID_SIDE and 0 <= col < GRID_SIDE):
        raise SceneError(f"grid position ({row}, {col}) is outside the {GRID_SIDE}x{GRID_SIDE} grid")
    return GRID[row * GRID_SIDE + col]


@dataclass(frozen=True)
class Obj:
    shape: str
    color: str
    size: str
    cell: str

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise SceneError(f"unknown shape {self.shape!r}; expected one of {SHAPES}")
        if self.color not in COLORS:
            raise SceneError(f"unknown color {self.color!r}; expected one of {tuple(COLORS)}")
        if self.size not in SIZES:
            raise SceneError(f"unknown size {self.size!r}; expected one of {tuple(SIZES)}")
        cell_row_col(self.cell)


@dataclass(frozen=True)
class Scene:
    """Objects in grid order (top left first), at most one per cell; equal scenes compare equal."""

    objects: tuple[Obj, ...]

    def __post_init__(self) -> None:
        objects = tuple(self.objects)
        if not all(isinstance(o, Obj) for o in objects):
            raise SceneError("a scene holds Obj values only")
        cells = [o.cell for o in objects]
        if len(set(cells)) != len(cells):
            raise SceneError(f"two objects share a cell: {sorted(cells)}")
        object.__setattr__(self, "objects", tuple(sorted(objects, key=lambda o: GRID.index(o.cell))))

    def at(self, cell: str) -> Obj | None:
        cell_row_col(cell)
        return next((o for o in self.objects if o.cell == cell), None)

    def empty_cells(self) -> tuple[str, ...]:
        used = {o.cell for o in self.objects}
        return tuple(c for c in GRID if c not in used)

    def replace(self, old: Obj, new: Obj | None) -> Scene:
        """The scene with `old` swapped for `new` (or removed when `new` is None)."""
        if old not in self.objects:
            raise SceneError(f"{old} is not in the scene")
        rest = [o for o in self.objects if o != old]
        return Scene(tuple(rest + ([new] if new is not None else [])))

    def add(self, new: Obj) -> Scene:
        return Scene((*self.objects, new))


def _sample_obj(rng: np.random.Generator, cell: str, pairs: list[tuple[str, str]]) -> Obj:
    shape, color = pairs[int(rng.integers(len(pairs)))]
    size = tuple(SIZES)[int(rng.integers(len(SIZES)))]
    return Obj(shape, color, size, cell)


def allowed_pairs(split: str) -> list[tuple[str, str]]:
    """The (shape, color) pairs that objects of `split` may take; heldout scenes add their own."""
    return [(s, c) for s in SHAPES for c in COLORS if pair_allowed(s, c, split)]


def sample_scene(rng: np.random.Generator, split: str = "train", n_objects: int | None = None) -> Scene:
    """A random scene of 1..MAX_OBJECTS objects; a heldout scene holds at least one held-out pair."""
    check_split(split)
    if n_objects is None:
        n_objects = int(rng.integers(1, MAX_OBJECTS + 1))
    if not 1 <= n_objects <= MAX_OBJECTS:
        raise SceneError(f"n_objects must be in 1..{MAX_OBJECTS}, got {n_objects}")
    cells = [GRID[i] for i in rng.permutation(len(GRID))[:n_objects]]
    # Cells come in random order, so the first object (the held-out one) sits anywhere.
    first = heldout_pairs() if split == "heldout" else allowed_pairs(split)
    pairs = [first] + [allowed_pairs(split)] * (n_objects - 1)
    return Scene(tuple(_sample_obj(rng, cell, p) for cell, p in zip(cells, pairs, strict=True)))
