"""Edit instructions with their target scene: only the object named changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from .errors import EditError, SceneError, SplitError
from .refer import refer
from .scene import COLORS, MAX_OBJECTS, SHAPES, SIZES, Obj, Scene
from .split import check_split, is_heldout, pairs_fit_split
from .words import article, choose

EDIT_KINDS = ("recolor", "add", "remove", "move", "resize", "replace")
EDIT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "recolor": ("make {ref} {color}", "change the color of {ref} to {color}", "paint {ref} {color}"),
    "add": ("add {thing} at the {cell}", "put {thing} at the {cell}", "place {thing} at the {cell}"),
    "remove": ("remove {ref}", "delete {ref}", "take away {ref}", "erase {ref}"),
    "move": ("move {ref} to the {cell}", "put {ref} at the {cell}"),
    "resize": ("make {ref} {change}", "change {ref} to {size}"),
    "replace": ("replace {ref} with {thing}", "turn {ref} into {thing}"),
}
RESIZE_WORDS = {"large": ("bigger", "larger"), "small": ("smaller",)}
# Kinds whose named object is the new one (its pair must be held out in a heldout edit); the
# others name an object already in the source.
_NAMES_NEW = ("recolor", "add", "replace")


@dataclass(frozen=True)
class Edit:
    instruction: str
    kind: str
    source: Scene
    target: Scene
    changed_cells: tuple[str, ...]


@dataclass(frozen=True)
class _Change:
    old: Obj | None
    new: Obj | None

    def apply(self, scene: Scene) -> Scene:
        if self.old is None:
            return scene.add(self.new) if self.new is not None else scene
        return scene.replace(self.old, self.new)

    def cells(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.cell for o in (self.old, self.new) if o is not None))


def _changes(scene: Scene, kind: str) -> Iterator[_Change]:
    """Every edit of `kind` that the scene allows, lazily: there are hundreds of adds."""
    objs, empty = scene.objects, scene.empty_cells()
    if kind == "recolor":
        yield from (_Change(o, replace(o, color=c)) for o in objs for c in COLORS if c != o.color)
    elif kind == "add":
        if len(objs) < MAX_OBJECTS:
            yield from (_Change(None, Obj(s, c, z, cell)) for cell in empty for s in SHAPES for c in COLORS
                        for z in SIZES)
    elif kind == "remove":
        yield from (_Change(o, None) for o in objs)
    elif kind == "move":
        yield from (_Change(o, replace(o, cell=cell)) for o in objs for cell in empty)
    elif kind == "resize":
        yield from (_Change(o, replace(o, size=z)) for o in objs for z in SIZES if z != o.size)
    else:
        yield from (_Change(o, replace(o, shape=s)) for o in objs for s in SHAPES if s != o.shape)


def _fits(change: _Change, kind: str, split: str) -> bool:
    """Train (on a source already free of them): no held-out pair appears. Heldout: the object
    named is a held-out pair."""
    if split == "train":
        return change.new is None or not is_heldout(change.new.shape, change.new.color)
    named = change.new if kind in _NAMES_NEW else change.old
    return named is not None and is_heldout(named.shape, named.color)


def _instruction(change: _Change, kind: str, source: Scene, split: str, rng: np.random.Generator) -> str:
    old, new = change.old, change.new
    # A heldout edit acting on an object already there names that object's held-out pair.
    color_mode = "always" if split == "heldout" and kind in ("remove", "move", "resize") else "optional"
    ref = refer(source, old, rng, color=color_mode) if old is not None else ""
    template = choose(rng, EDIT_TEMPLATES[kind])
    if new is None:
        return template.format(ref=ref)
    thing = article(f"{new.size} {new.color} {new.shape}") if kind == "add" else article(new.shape)
    return template.format(
        ref=ref,
        color=new.color,
        thing=thing,
        cell=new.cell,
        size=new.size,
        change=choose(rng, RESIZE_WORDS[new.size]),
    )


def edit_kinds(kind: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """The kinds `kind` names: every kind for None, one for a name, several for a tuple of names."""
    kinds = EDIT_KINDS if kind is None else (kind,) if isinstance(kind, str) else tuple(kind)
    if not kinds or not set(kinds) <= set(EDIT_KINDS):
        raise EditError(f"unknown edit kind {kind!r}; expected one or more of {EDIT_KINDS}")
    return kinds


def edit_instruction(
    scene: Scene, rng: np.random.Generator, kind: str | tuple[str, ...] | None = None, split: str = "train"
) -> Edit:
    """A random edit of `kind` (one of several kinds when a tuple, any kind the scene allows when None)
    fitting `split`. All kinds as a tuple draw exactly what None draws."""
    check_split(split)
    if not isinstance(scene, Scene):
        raise SceneError(f"edit_instruction needs a Scene, got {type(scene).__name__}")
    kinds = edit_kinds(kind)
    if split == "train" and not pairs_fit_split([(o.shape, o.color) for o in scene.objects], split):
        raise SplitError("a train edit needs a source scene without held-out pairs")

    def fitting(k: str) -> Iterator[_Change]:
        return (c for c in _changes(scene, k) if _fits(c, k, split))

    # Only the chosen kind's edits are listed; the others are only checked for one that fits (the same
    # edits and random draws as listing all, at a fifth of the time: 0.16 against 0.76 ms).
    possible = [k for k in kinds if next(fitting(k), None) is not None]
    if not possible:
        raise EditError(f"no {' or '.join(kinds) if kind else 'edit'} of this scene fits split {split!r}")
    chosen = choose(rng, possible)
    change = choose(rng, list(fitting(chosen)))
    instruction = _instruction(change, chosen, scene, split, rng)
    return Edit(instruction, chosen, scene, change.apply(scene), change.cells())
