"""Word-level helpers shared by every text generator: numbers, plurals, articles, lists, choices."""

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from .scene import MAX_OBJECTS, SHAPES, Obj

T = TypeVar("T")

NUMBER_WORDS = ("zero", "one", "two", "three", "four")
assert len(NUMBER_WORDS) == MAX_OBJECTS + 1, "a count of every scene needs a number word"
PLURALS = {shape: shape + ("es" if shape.endswith(("s", "x", "ch", "sh")) else "s") for shape in SHAPES}


def choose(rng: np.random.Generator, options: Sequence[T]) -> T:
    return options[int(rng.integers(len(options)))]


def article(phrase: str) -> str:
    """The phrase with "a" or "an" in front."""
    return f"{'an' if phrase[0] in 'aeiou' else 'a'} {phrase}"


def join_and(items: Sequence[str]) -> str:
    """"x", "x and y", "x, y and z"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def object_words(obj: Obj, size: bool = True, color: bool = True, cell: bool = False) -> str:
    """Obj -> "large red circle at the top left" (parts optional, no article)."""
    words = [obj.size] if size else []
    words += [obj.color] if color else []
    words.append(obj.shape)
    if cell:
        words += ["at the", obj.cell]
    return " ".join(words)
