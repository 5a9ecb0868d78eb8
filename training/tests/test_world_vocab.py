"""The corpus, the closed vocabulary, and the router requests."""

import re

import numpy as np
import pytest

from test_world_edits import apply_instruction
from test_world_text import answer_of
from unilip.world import (
    COLORS,
    GRID,
    PUNCTUATION,
    SHAPES,
    VOCAB_WORDS,
    WorldError,
    chat_request,
    corpus,
    draw_request,
    edit_request,
    sample_scene,
    text_tokens,
)
from unilip.world.routes import CHAT_REQUESTS, DRAW_TEMPLATES, EDIT_REQUEST_TEMPLATES


def template_pattern(template: str, slot: str) -> re.Pattern[str]:
    before, after = template.split("{" + slot + "}")
    return re.compile(f"{re.escape(before)}(.+){re.escape(after)}")


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_corpus_stays_inside_the_closed_vocabulary(split):
    texts = corpus(np.random.default_rng(0), 1500, split)
    assert len(texts) == 1500
    tokens = {t for text in texts for t in text_tokens(text)}
    assert tokens <= VOCAB_WORDS | set(PUNCTUATION)
    assert all(text.isascii() and text == text.lower() and text.strip() == text for text in texts)


def test_corpus_uses_nearly_the_whole_vocabulary():
    tokens = {t for text in corpus(np.random.default_rng(1), 3000) for t in text_tokens(text)}
    assert len(VOCAB_WORDS - tokens) <= 3


def test_vocabulary_is_small_and_holds_the_world():
    assert len(VOCAB_WORDS) < 200
    assert set(SHAPES) | set(COLORS) | {"small", "large", "yes", "no"} <= VOCAB_WORDS
    assert {w for cell in GRID for w in cell.split()} <= VOCAB_WORDS
    assert all(w.isascii() and w.isalpha() and w == w.lower() for w in VOCAB_WORDS)
    assert "gray" not in VOCAB_WORDS and "grey" not in VOCAB_WORDS


def test_corpus_is_deterministic_and_mixes_every_kind():
    first, second = corpus(np.random.default_rng(2), 400), corpus(np.random.default_rng(2), 400)
    assert first == second
    joined = "\n".join(first)
    for marker in ("?", " at the ", "color of", "draw", "yes", "remove", "describe"):
        assert marker in joined, marker


@pytest.mark.parametrize("n", [-1, 10**7, 2.5])
def test_corpus_size_is_limited(n):
    with pytest.raises(WorldError):
        corpus(np.random.default_rng(0), n)


def test_draw_requests_wrap_a_prompt_in_varied_phrasings():
    rng = np.random.default_rng(3)
    patterns = [template_pattern(t, "p") for t in DRAW_TEMPLATES]
    used = set()
    for _ in range(300):
        request = draw_request(rng)
        matched = [i for i, p in enumerate(patterns) if p.fullmatch(request)]
        assert matched, request
        used.update(matched)
    assert len(used) == len(DRAW_TEMPLATES)


def test_edit_requests_carry_an_instruction_for_the_scene():
    rng = np.random.default_rng(4)
    patterns = [template_pattern(t, "i") for t in EDIT_REQUEST_TEMPLATES]
    for _ in range(100):
        scene = sample_scene(rng)
        request = edit_request(scene, rng)
        # "{i}" alone matches everything, so try it last.
        instruction = next(m.group(1) for p in patterns[1:] + patterns[:1] if (m := p.fullmatch(request)))
        apply_instruction(scene, instruction)


def test_chat_requests_are_questions_or_requests_for_a_caption():
    rng = np.random.default_rng(5)
    for _ in range(100):
        scene = sample_scene(rng)
        request = chat_request(scene, rng)
        if request not in CHAT_REQUESTS:
            assert request.endswith("?")
            answer_of(scene, request)
