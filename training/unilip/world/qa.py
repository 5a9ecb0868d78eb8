"""Question/answer pairs about a scene, with answers read off the scene graph."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import SceneError
from .refer import references, refer
from .scene import COLORS, SHAPES, Scene
from .spec import relation_holds
from .split import check_split, pair_allowed
from .words import NUMBER_WORDS, PLURALS, article, choose

QTYPES = ("count", "color", "shape_at", "exists", "left_of", "above")
YES, NO, NOTHING = "yes", "no", "nothing"
COUNT_QUESTIONS = (
    "how many objects are there?",
    "how many {plural} are there?",
    "how many {color} objects are there?",
)
COLOR_QUESTIONS = ("what color is {ref}?", "which color does {ref} have?")
SHAPE_AT_QUESTIONS = ("what is at the {cell}?", "what shape is at the {cell}?")
EXISTS_QUESTIONS = ("is there {thing}?", "does the image show {thing}?")
RELATION_QUESTION = "is {a} {relation} {b}?"
RELATIONS_ASKED = {"left_of": ("to the left of", "to the right of"), "above": ("above", "below")}
# Asked in training only, never scored: finding an object by what it is and saying where it is, which is
# half of every relation question.
TRAINING_QTYPES = ("where",)
WHERE_QUESTIONS = ("where is {ref}?", "in which cell is {ref}?")


@dataclass(frozen=True)
class QA:
    question: str
    answer: str
    qtype: str


def _count(scene: Scene, rng: np.random.Generator) -> QA:
    """Shape and colour asked about come from the scene most of the time, so answers are not mostly zero."""
    template = choose(rng, COUNT_QUESTIONS)
    shown = choose(rng, scene.objects)
    shape = shown.shape if rng.random() < 0.7 else choose(rng, SHAPES)
    color = shown.color if rng.random() < 0.7 else choose(rng, tuple(COLORS))
    by_shape, by_color = "{plural}" in template, "{color}" in template
    matching = [
        o for o in scene.objects if (not by_shape or o.shape == shape) and (not by_color or o.color == color)
    ]
    question = template.format(plural=PLURALS[shape], color=color)
    return QA(question, NUMBER_WORDS[len(matching)], "count")


def _color(scene: Scene, rng: np.random.Generator) -> QA:
    obj = choose(rng, scene.objects)
    question = choose(rng, COLOR_QUESTIONS).format(ref=refer(scene, obj, rng, color="never"))
    return QA(question, obj.color, "color")


def _shape_at(scene: Scene, rng: np.random.Generator) -> QA:
    """Mostly occupied cells; an empty one (answer "nothing") a quarter of the time."""
    empty = scene.empty_cells()
    if empty and rng.random() < 0.25:
        return QA(SHAPE_AT_QUESTIONS[0].format(cell=choose(rng, empty)), NOTHING, "shape_at")
    obj = choose(rng, scene.objects)
    return QA(choose(rng, SHAPE_AT_QUESTIONS).format(cell=obj.cell), obj.shape, "shape_at")


def _exists(scene: Scene, rng: np.random.Generator, split: str) -> QA:
    """Half the time about an object in the scene, half about a pair (of the split) that is not."""
    template = choose(rng, EXISTS_QUESTIONS)
    if rng.random() < 0.5:
        obj = choose(rng, scene.objects)
        return QA(template.format(thing=article(f"{obj.color} {obj.shape}")), YES, "exists")
    present = {(o.shape, o.color) for o in scene.objects}
    absent = [(s, c) for s in SHAPES for c in COLORS if (s, c) not in present and pair_allowed(s, c, split)]
    shape, color = choose(rng, absent)
    return QA(template.format(thing=article(f"{color} {shape}")), NO, "exists")


def _relation(scene: Scene, rng: np.random.Generator, qtype: str) -> QA:
    first, second = (scene.objects[i] for i in rng.permutation(len(scene.objects))[:2])
    relation = choose(rng, RELATIONS_ASKED[qtype])
    a, b = refer(scene, first, rng), refer(scene, second, rng)
    question = RELATION_QUESTION.format(a=a, relation=relation, b=b)
    return QA(question, YES if relation_holds(relation, first.cell, second.cell) else NO, qtype)


def where_qa(scene: Scene, rng: np.random.Generator) -> QA | None:
    """"where is the red circle?" -> "top left"; None when every object needs its place to be named."""
    named = [(obj, phrases) for obj in scene.objects if (phrases := references(scene, obj, cell=False))]
    if not named:
        return None
    obj, phrases = choose(rng, named)
    return QA(choose(rng, WHERE_QUESTIONS).format(ref=choose(rng, phrases)), obj.cell, "where")


def qa_pairs(scene: Scene, rng: np.random.Generator, split: str = "train") -> list[QA]:
    """One QA per qtype that the scene allows (relations need two objects), in QTYPES order."""
    check_split(split)
    if not isinstance(scene, Scene) or not scene.objects:
        raise SceneError("qa_pairs needs a Scene with at least one object")
    pairs = [_count(scene, rng), _color(scene, rng), _shape_at(scene, rng), _exists(scene, rng, split)]
    if len(scene.objects) >= 2:
        pairs += [_relation(scene, rng, "left_of"), _relation(scene, rng, "above")]
    return pairs


def answer_words() -> tuple[str, ...]:
    """Every word an answer can be."""
    return (*NUMBER_WORDS, *COLORS, *SHAPES, YES, NO, NOTHING)

