"""Referring expressions: a phrase that picks out exactly one object of a scene."""

import numpy as np

from .errors import SceneError
from .scene import Obj, Scene
from .words import choose

COLOR_MODES = ("optional", "never", "always")
# Each phrasing with the attributes it names; it refers to `obj` when no other object shares them.
_WITHOUT_COLOR = (
    ("the {shape}", ("shape",)),
    ("the {size} {shape}", ("size", "shape")),
    ("the {shape} at the {cell}", ("shape", "cell")),
)
_WITH_COLOR = (
    ("the {color} {shape}", ("color", "shape")),
    ("the {size} {color} {shape}", ("size", "color", "shape")),
    ("the {color} {shape} at the {cell}", ("color", "shape", "cell")),
)
_BY_CELL = (("the object at the {cell}", ("cell",)),)
_PHRASINGS = {
    "optional": _WITHOUT_COLOR + _WITH_COLOR,
    "never": _WITHOUT_COLOR + _BY_CELL,
    "always": _WITH_COLOR,
}
REFER_TEMPLATES = tuple(template for template, _ in _WITHOUT_COLOR + _WITH_COLOR + _BY_CELL)


def refer(scene: Scene, obj: Obj, rng: np.random.Generator, color: str = "optional") -> str:
    """A phrase like "the red circle" or "the circle at the top left" naming only `obj` in `scene`.

    color "never" leaves the colour out (to ask for it); "always" names colour and shape together
    (to name a held-out pair).
    """
    return choose(rng, references(scene, obj, color))


def references(scene: Scene, obj: Obj, color: str = "optional", cell: bool = True) -> list[str]:
    """Every phrase of `refer` that names only `obj`; without `cell`, none names its place (to ask for it)."""
    if color not in COLOR_MODES:
        raise SceneError(f"unknown color mode {color!r}; expected one of {COLOR_MODES}")
    if obj not in scene.objects:
        raise SceneError(f"{obj} is not in the scene")
    return [
        template.format(shape=obj.shape, color=obj.color, size=obj.size, cell=obj.cell)
        for template, named in _PHRASINGS[color]
        if (cell or "cell" not in named)
        and sum(all(getattr(o, a) == getattr(obj, a) for a in named) for o in scene.objects) == 1
    ]
