"""Knowledge prompts in the spirit of WISE: the shape or colour is given as a fact to resolve."""

import numpy as np

from .prompts import KNOWLEDGE, Draw, GenPrompt, random_obj, sample_fitting
from .scene import COLORS, GRID, SHAPES, Scene
from .spec import Need, Spec
from .words import article, choose

# Phrases naming a shape by a property; each reads after "a" or "a {color}".
SHAPE_FACTS: dict[str, tuple[str, ...]] = {
    "circle": ("shape with no corners", "shape like a wheel", "shape like a coin"),
    "square": ("shape with four equal sides and four right angles", "shape like a chess board"),
    "triangle": ("shape with three corners", "shape with three sides"),
    "star": ("shape with five points", "shape like a sheriff badge"),
    "diamond": ("shape like a kite", "shape like a rhombus"),
    "cross": ("shape like a plus sign", "shape with four arms"),
}
# Things whose colour everyone knows; each reads after "the color of".
COLOR_FACTS: dict[str, tuple[str, ...]] = {
    "red": ("blood", "a ripe tomato", "a strawberry"),
    "green": ("grass", "a leaf", "a frog"),
    "blue": ("the sky", "the sea"),
    "yellow": ("the sun", "a banana", "a lemon"),
    "purple": ("an eggplant", "lavender"),
    "orange": ("a carrot", "a pumpkin"),
    "white": ("snow", "milk"),
    "black": ("coal", "the night sky"),
}
assert set(SHAPE_FACTS) == set(SHAPES), "every shape needs a fact"
assert set(COLOR_FACTS) == set(COLORS), "every colour needs a fact"
# Which parts are told as facts: the shape, the colour, or both.
KNOWLEDGE_TEMPLATES = {
    "shape": "{color} {shape_fact}",
    "color": "{shape} in the color of {color_fact}",
    "both": "{shape_fact} in the color of {color_fact}",
}


def _knowledge(rng: np.random.Generator) -> Draw:
    shape, color = choose(rng, SHAPES), choose(rng, tuple(COLORS))
    text = article(
        KNOWLEDGE_TEMPLATES[choose(rng, tuple(KNOWLEDGE_TEMPLATES))].format(
            shape=shape,
            color=color,
            shape_fact=choose(rng, SHAPE_FACTS[shape]),
            color_fact=choose(rng, COLOR_FACTS[color]),
        )
    )
    obj = random_obj(rng, shape, choose(rng, GRID), color)
    return Draw(text, Spec((Need(shape, color=color),)), (obj,), ((shape, color),))


def knowledge_prompt(rng: np.random.Generator, split: str = "train") -> GenPrompt:
    """A prompt like "a shape with three corners in the color of grass", with spec and target scene."""
    draw = sample_fitting(rng, _knowledge, split)
    return GenPrompt(draw.text, KNOWLEDGE, draw.spec, Scene(draw.objects))
