"""Generation prompts in GenEval's six categories, each with its spec and a target scene."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import PromptError
from .scene import COLORS, GRID, MAX_OBJECTS, SHAPES, SIZES, Obj, Scene
from .spec import RELATIONS, Need, Relation, Spec, relation_holds
from .split import check_split, pairs_fit_split
from .words import NUMBER_WORDS, PLURALS, article, choose

GEN_CATEGORIES = ("single_object", "two_objects", "counting", "colors", "position", "color_attr")
KNOWLEDGE = "knowledge"
# Training prompts that name the cell to draw in; no GenEval category asks for one.
PLACEMENT = "placement"
MIN_COUNT = 2
# Draws are rejected until they fit the split; one in six pairs is held out, so a few dozen suffice.
MAX_SAMPLE_TRIES = 1000


@dataclass(frozen=True)
class GenPrompt:
    text: str
    category: str
    spec: Spec
    scene: Scene  # a target that meets `spec`, holding only the objects the prompt names


@dataclass(frozen=True)
class Draw:
    text: str
    spec: Spec
    objects: tuple[Obj, ...]
    named_pairs: tuple[tuple[str, str], ...]  # (shape, color) pairs that the text names


def random_obj(rng: np.random.Generator, shape: str, cell: str, color: str | None = None) -> Obj:
    return Obj(shape, color or choose(rng, tuple(COLORS)), choose(rng, tuple(SIZES)), cell)


def _cells(rng: np.random.Generator, n: int) -> list[str]:
    return [GRID[i] for i in rng.permutation(len(GRID))[:n]]


def _two_shapes(rng: np.random.Generator) -> tuple[str, str]:
    first, second = rng.permutation(len(SHAPES))[:2]
    return SHAPES[first], SHAPES[second]


def _single_object(rng: np.random.Generator) -> Draw:
    shape = choose(rng, SHAPES)
    return Draw(article(shape), Spec((Need(shape),)), (random_obj(rng, shape, _cells(rng, 1)[0]),), ())


def _two_objects(rng: np.random.Generator) -> Draw:
    (a, b), (cell_a, cell_b) = _two_shapes(rng), _cells(rng, 2)
    objects = (random_obj(rng, a, cell_a), random_obj(rng, b, cell_b))
    return Draw(f"{article(a)} and {article(b)}", Spec((Need(a), Need(b))), objects, ())


def _counting(rng: np.random.Generator) -> Draw:
    shape, count = choose(rng, SHAPES), int(rng.integers(MIN_COUNT, MAX_OBJECTS + 1))
    objects = tuple(random_obj(rng, shape, cell) for cell in _cells(rng, count))
    spec = Spec((Need(shape, count, exact=True),))
    return Draw(f"{NUMBER_WORDS[count]} {PLURALS[shape]}", spec, objects, ())


def _colors(rng: np.random.Generator) -> Draw:
    shape, color = choose(rng, SHAPES), choose(rng, tuple(COLORS))
    obj = random_obj(rng, shape, _cells(rng, 1)[0], color)
    return Draw(article(f"{color} {shape}"), Spec((Need(shape, color=color),)), (obj,), ((shape, color),))


def _position(rng: np.random.Generator) -> Draw:
    (a, b), relation = _two_shapes(rng), choose(rng, tuple(RELATIONS))
    placements = [(x, y) for x in GRID for y in GRID if relation_holds(relation, x, y)]
    cell_a, cell_b = choose(rng, placements)
    objects = (random_obj(rng, a, cell_a), random_obj(rng, b, cell_b))
    spec = Spec((Need(a), Need(b)), Relation(0, relation, 1))
    return Draw(f"{article(a)} {relation} {article(b)}", spec, objects, ())


def placement_text(obj: Obj) -> str:
    """ "a red circle at the top left": what add edits and the placement measure ask for, as a prompt."""
    return f"{article(f'{obj.color} {obj.shape}')} at the {obj.cell}"


def _placement(rng: np.random.Generator) -> Draw:
    shape, color = choose(rng, SHAPES), choose(rng, tuple(COLORS))
    obj = random_obj(rng, shape, _cells(rng, 1)[0], color)
    return Draw(placement_text(obj), Spec((Need(shape, color=color),)), (obj,), ((shape, color),))


def _color_attr(rng: np.random.Generator) -> Draw:
    (a, b), (cell_a, cell_b) = _two_shapes(rng), _cells(rng, 2)
    first, second = rng.permutation(len(COLORS))[:2]
    color_a, color_b = tuple(COLORS)[first], tuple(COLORS)[second]
    objects = (random_obj(rng, a, cell_a, color_a), random_obj(rng, b, cell_b, color_b))
    text = f"{article(f'{color_a} {a}')} and {article(f'{color_b} {b}')}"
    spec = Spec((Need(a, color=color_a), Need(b, color=color_b)))
    return Draw(text, spec, objects, ((a, color_a), (b, color_b)))


_BUILDERS: dict[str, Callable[[np.random.Generator], Draw]] = {
    "single_object": _single_object,
    "two_objects": _two_objects,
    "counting": _counting,
    "colors": _colors,
    "position": _position,
    "color_attr": _color_attr,
}


def fits_split(draw: Draw, split: str) -> bool:
    """Train: no held-out pair anywhere. Heldout: a named held-out pair, or, for categories that
    name no colour, one in the target scene."""
    scene_pairs = [(o.shape, o.color) for o in draw.objects]
    if split == "train":
        return pairs_fit_split(scene_pairs, split)
    return pairs_fit_split(draw.named_pairs or scene_pairs, split)


def sample_fitting(
    rng: np.random.Generator, build: Callable[[np.random.Generator], Draw], split: str
) -> Draw:
    check_split(split)
    for _ in range(MAX_SAMPLE_TRIES):
        draw = build(rng)
        if fits_split(draw, split):
            return draw
    raise PromptError(f"no prompt fitting split {split!r} in {MAX_SAMPLE_TRIES} draws")


def placement_prompt(rng: np.random.Generator, split: str = "train") -> GenPrompt:
    """One object of a named colour and shape at a named cell. Its spec does not check the cell, so it is a
    training prompt: `unilip.train.position_probe.placement` measures the cell."""
    draw = sample_fitting(rng, _placement, split)
    return GenPrompt(draw.text, PLACEMENT, draw.spec, Scene(draw.objects))


def gen_prompt(rng: np.random.Generator, category: str, split: str = "train") -> GenPrompt:
    """A GenEval-style prompt of `category`, its spec, and a target scene holding just what it names."""
    if category not in _BUILDERS:
        raise PromptError(f"unknown category {category!r}; expected one of {GEN_CATEGORIES}")
    draw = sample_fitting(rng, _BUILDERS[category], split)
    return GenPrompt(draw.text, category, draw.spec, Scene(draw.objects))
