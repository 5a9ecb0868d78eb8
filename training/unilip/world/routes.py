"""Requests a chat user types, for teaching a router: draw something, edit the image, or ask."""

import numpy as np

from .edits import edit_instruction
from .knowledge import knowledge_prompt
from .prompts import GEN_CATEGORIES, gen_prompt
from .qa import qa_pairs
from .scene import Scene
from .words import choose

DRAW_TEMPLATES = (
    "draw {p}",
    "draw me {p}",
    "generate an image of {p}",
    "make a picture of {p}",
    "make an image of {p}",
    "show me {p}",
    "create a picture of {p}",
    "can you draw {p}?",
    "please draw {p}",
    "i want a picture of {p}",
)
EDIT_REQUEST_TEMPLATES = (
    "{i}",
    "please {i}",
    "edit the image: {i}",
    "in this image, {i}",
    "can you {i}?",
    "change the picture: {i}",
    "now {i}",
)
CHAT_REQUESTS = (
    "describe the image.",
    "what do you see?",
    "what is in this picture?",
    "tell me about this image.",
    "caption this image.",
)
# A chat request is an ordinary question about the scene this often, else a request for a caption.
QUESTION_SHARE = 0.7
# A draw request names a knowledge prompt this often, else a prompt of one of the six categories.
KNOWLEDGE_SHARE = 0.2


def draw_request(rng: np.random.Generator, split: str = "train") -> str:
    """A request to draw something new, e.g. "can you draw two stars?"."""
    if rng.random() < KNOWLEDGE_SHARE:
        prompt = knowledge_prompt(rng, split)
    else:
        prompt = gen_prompt(rng, choose(rng, GEN_CATEGORIES), split)
    return choose(rng, DRAW_TEMPLATES).format(p=prompt.text)


def edit_request(scene: Scene, rng: np.random.Generator, split: str = "train") -> str:
    """A request to change the shown image, e.g. "in this image, make the circle blue"."""
    return choose(rng, EDIT_REQUEST_TEMPLATES).format(i=edit_instruction(scene, rng, split=split).instruction)


def chat_request(scene: Scene, rng: np.random.Generator, split: str = "train") -> str:
    """An ordinary question about the shown image, answered in text."""
    if rng.random() < QUESTION_SHARE:
        return choose(rng, qa_pairs(scene, rng, split)).question
    return choose(rng, CHAT_REQUESTS)


