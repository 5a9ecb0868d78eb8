"""The closed vocabulary of the world, and a corpus of every kind of text it produces."""

import re
from collections.abc import Callable, Iterable

import numpy as np

from .captions import CAPTION_TEMPLATES, EMPTY_CAPTIONS, caption
from .edits import EDIT_TEMPLATES, RESIZE_WORDS, edit_instruction
from .errors import WorldError
from .knowledge import COLOR_FACTS, KNOWLEDGE_TEMPLATES, SHAPE_FACTS, knowledge_prompt
from .prompts import GEN_CATEGORIES, gen_prompt
from .qa import (
    COLOR_QUESTIONS,
    COUNT_QUESTIONS,
    EXISTS_QUESTIONS,
    RELATION_QUESTION,
    RELATIONS_ASKED,
    SHAPE_AT_QUESTIONS,
    answer_words,
    qa_pairs,
)
from .refer import REFER_TEMPLATES
from .routes import (
    CHAT_REQUESTS,
    DRAW_TEMPLATES,
    EDIT_REQUEST_TEMPLATES,
    chat_request,
    draw_request,
    edit_request,
)
from .scene import GRID, SIZES, sample_scene
from .spec import RELATIONS
from .split import check_split
from .words import PLURALS, choose

PUNCTUATION = (",", ".", "?", ":")
MAX_CORPUS = 1_000_000
_TOKEN = re.compile(r"[a-z]+|[^a-z\s]")


def text_tokens(text: str) -> list[str]:
    """Words and punctuation marks of a text, in order."""
    return _TOKEN.findall(text)


def _words(texts: Iterable[str]) -> set[str]:
    """Words of templates, leaving out the {placeholders}."""
    return {t for text in texts for t in text_tokens(re.sub(r"\{\w+\}", " ", text)) if t.isalpha()}


def _all_words() -> frozenset[str]:
    fixed = [
        *CAPTION_TEMPLATES,
        *EMPTY_CAPTIONS,
        *COUNT_QUESTIONS,
        *COLOR_QUESTIONS,
        *SHAPE_AT_QUESTIONS,
        *EXISTS_QUESTIONS,
        RELATION_QUESTION,
        *REFER_TEMPLATES,
        *KNOWLEDGE_TEMPLATES.values(),
        *DRAW_TEMPLATES,
        *EDIT_REQUEST_TEMPLATES,
        *CHAT_REQUESTS,
        *(t for ts in EDIT_TEMPLATES.values() for t in ts),
        *(f for fs in SHAPE_FACTS.values() for f in fs),
        *(f for fs in COLOR_FACTS.values() for f in fs),
        *(w for ws in RESIZE_WORDS.values() for w in ws),
        *(r for rs in RELATIONS_ASKED.values() for r in rs),
        *RELATIONS,
        *answer_words(),
        *PLURALS.values(),
        *SIZES,
        *GRID,
        # filled in by code rather than templates: verb agreement, nouns, articles, "at the".
        "is are object objects a an at the",
    ]
    return frozenset(_words(fixed))


VOCAB_WORDS: frozenset[str] = _all_words()


def _text_kinds(rng: np.random.Generator, split: str) -> list[Callable[[], Iterable[str]]]:
    def scene_texts() -> Iterable[str]:
        scene = sample_scene(rng, split)
        pairs = qa_pairs(scene, rng, split)
        return [caption(scene, rng), *(q.question for q in pairs), *(q.answer for q in pairs)]

    return [
        scene_texts,
        lambda: [gen_prompt(rng, choose(rng, GEN_CATEGORIES), split).text],
        lambda: [knowledge_prompt(rng, split).text],
        lambda: [edit_instruction(sample_scene(rng, split), rng, split=split).instruction],
        lambda: [draw_request(rng, split)],
        lambda: [edit_request(sample_scene(rng, split), rng, split)],
        lambda: [chat_request(sample_scene(rng, split), rng, split)],
    ]


def corpus(rng: np.random.Generator, n: int, split: str = "train") -> list[str]:
    """n texts, every kind the world writes taking turns: captions, questions, answers, prompts,
    knowledge prompts, edit instructions and router requests."""
    check_split(split)
    if not isinstance(n, int) or not 0 <= n <= MAX_CORPUS:
        raise WorldError(f"corpus size must be an int in 0..{MAX_CORPUS}, got {n!r}")
    kinds = _text_kinds(rng, split)
    texts: list[str] = []
    while len(texts) < n:
        for kind in kinds:
            texts.extend(kind())
    return texts[:n]
