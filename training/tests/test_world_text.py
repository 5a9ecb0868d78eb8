"""Captions, referring expressions and QA pairs agree with the scene they describe."""

import re

import numpy as np
import pytest

from unilip.world import (COLORS, GRID, QTYPES, SHAPES, Obj, Scene, SceneError, caption, is_heldout, qa_pairs,
                          where_qa)
from unilip.world import sample_scene
from unilip.world.refer import references, refer
from unilip.world.scene import cell_row_col
from unilip.world.words import NUMBER_WORDS, PLURALS, join_and

_CELLS = "|".join(sorted(GRID, key=len, reverse=True))


def resolve(scene: Scene, ref: str) -> list[Obj]:
    """The objects a phrase like "the small red circle at the top left" can mean, parsed here
    independently of the generator."""
    match = re.fullmatch(rf"the (.+?)(?: at the ({_CELLS}))?", ref)
    assert match, ref
    words, cell = match.group(1).split(), match.group(2)
    candidates = [o for o in scene.objects if cell is None or o.cell == cell]
    if words == ["object"]:
        return candidates
    *attributes, shape = words
    return [o for o in candidates if o.shape == shape and all(a in (o.size, o.color) for a in attributes)]


def answer_of(scene: Scene, question: str) -> str:
    """The answer to any question the world asks, recomputed from the scene alone."""
    yes_no = {True: "yes", False: "no"}
    if m := re.fullmatch(r"how many (\w+) (?:(\w+) )?are there\?", question):
        first, second = m.groups()
        if first == "objects":
            return NUMBER_WORDS[len(scene.objects)]
        if second == "objects":
            return NUMBER_WORDS[sum(o.color == first for o in scene.objects)]
        return NUMBER_WORDS[sum(PLURALS[o.shape] == first for o in scene.objects)]
    if m := re.fullmatch(r"(?:what color is (.+)|which color does (.+) have)\?", question):
        (obj,) = resolve(scene, m.group(1) or m.group(2))
        return obj.color
    if m := re.fullmatch(rf"what (?:shape )?is at the ({_CELLS})\?", question):
        obj = scene.at(m.group(1))
        return obj.shape if obj else "nothing"
    if m := re.fullmatch(r"(?:is there|does the image show) an? (\w+) (\w+)\?", question):
        return yes_no[any((o.color, o.shape) == m.groups() for o in scene.objects)]
    if m := re.fullmatch(r"is (the .+?) (to the left of|to the right of|above|below) (the .+)\?", question):
        (a,) = resolve(scene, m.group(1))
        (b,) = resolve(scene, m.group(3))
        (ra, ca), (rb, cb) = cell_row_col(a.cell), cell_row_col(b.cell)
        holds = {"to the left of": ca < cb, "to the right of": ca > cb, "above": ra < rb, "below": ra > rb}
        return yes_no[holds[m.group(2)]]
    pytest.fail(f"question outside the grammar: {question!r}")


def test_join_and_reads_like_english():
    assert join_and(["a"]) == "a" and join_and(["a", "b"]) == "a and b"
    assert join_and(["a", "b", "c"]) == "a, b and c"


def test_referring_expressions_pick_exactly_one_object():
    rng = np.random.default_rng(0)
    for _ in range(200):
        scene = sample_scene(rng)
        for obj in scene.objects:
            for mode in ("optional", "never", "always"):
                ref = refer(scene, obj, rng, color=mode)
                assert resolve(scene, ref) == [obj]
                if mode != "optional":
                    assert (obj.color in ref.split()) == (mode == "always")


def test_refer_rejects_strangers_and_unknown_modes():
    scene = Scene((Obj("circle", "red", "small", "center"),))
    with pytest.raises(SceneError):
        refer(scene, Obj("star", "red", "small", "top left"), np.random.default_rng(0))
    with pytest.raises(SceneError):
        refer(scene, scene.objects[0], np.random.default_rng(0), color="sometimes")


def test_captions_name_every_object_and_its_place():
    rng = np.random.default_rng(1)
    for _ in range(200):
        scene = sample_scene(rng)
        text = caption(scene, rng)
        assert text.isascii() and text == text.lower()
        for obj in scene.objects:
            pair = f"{obj.color} {obj.shape}"
            shown = sum((o.color, o.shape) == (obj.color, obj.shape) for o in scene.objects)
            assert len(re.findall(rf"\b{pair}\b", text)) == shown
            if " at the " in text:
                assert f"{pair} at the {obj.cell}" in text
        if count := re.search(r"\b(one|two|three|four) objects?\b", text):
            assert NUMBER_WORDS.index(count.group(1)) == len(scene.objects)


def test_caption_phrasings_vary():
    rng = np.random.default_rng(2)
    scene = sample_scene(rng, n_objects=2)
    assert len({caption(scene, rng) for _ in range(50)}) >= 5


def test_every_answer_agrees_with_the_scene():
    rng = np.random.default_rng(3)
    qtypes = set()
    for _ in range(300):
        scene = sample_scene(rng)
        for qa in qa_pairs(scene, rng):
            assert qa.answer == answer_of(scene, qa.question), qa.question
            assert len(qa.answer.split()) == 1 and qa.question.endswith("?")
            qtypes.add(qa.qtype)
    assert qtypes == set(QTYPES)


def test_relations_and_counts_on_a_known_scene():
    scene = Scene((Obj("circle", "red", "large", "top left"), Obj("square", "blue", "small", "bottom right")))
    rng = np.random.default_rng(4)
    asked = {qa.question: qa.answer for _ in range(200) for qa in qa_pairs(scene, rng)}
    relations = {q: a for q, a in asked.items() if q.startswith("is the ")}
    assert len(relations) >= 8
    for question, answer in relations.items():
        circle_first = question.index("circle") < question.index("square")
        circle_wins = any(r in question for r in ("to the left of", "above"))
        assert answer == ("yes" if circle_first == circle_wins else "no"), question
    assert asked["how many objects are there?"] == "two"
    assert asked["what is at the top left?"] == "circle"
    assert asked["what is at the center?"] == "nothing"


def test_answers_cover_yes_and_no_and_nothing():
    rng = np.random.default_rng(5)
    answers = {qa.answer for _ in range(200) for qa in qa_pairs(sample_scene(rng), rng)}
    assert {"yes", "no", "nothing", "zero"} <= answers
    assert set(COLORS) <= answers and set(SHAPES) <= answers


def test_train_questions_never_name_a_heldout_pair():
    rng = np.random.default_rng(6)
    for _ in range(300):
        for qa in qa_pairs(sample_scene(rng), rng):
            words = qa.question.rstrip("?").split()
            for color, shape in zip(words, words[1:], strict=False):
                assert not (color in COLORS and shape in SHAPES and is_heldout(shape, color))


def test_where_names_an_object_without_its_place_and_answers_with_its_cell():
    rng = np.random.default_rng(7)
    asked = 0
    for _ in range(300):
        scene = sample_scene(rng)
        qa = where_qa(scene, rng)
        if qa is None:
            continue
        asked += 1
        ref = qa.question.removeprefix("where is ").removeprefix("in which cell is ").rstrip("?")
        assert resolve(scene, ref) == [scene.at(qa.answer)] and qa.qtype == "where"
        assert not any(cell in ref for cell in GRID), qa.question
    assert asked > 280


def test_where_has_no_question_when_objects_differ_only_by_their_places():
    twins = Scene((Obj("star", "red", "small", "top left"), Obj("star", "red", "small", "center")))
    assert where_qa(twins, np.random.default_rng(0)) is None
    assert references(twins, twins.objects[0]) == ["the star at the top left", "the red star at the top left"]


def test_qa_rejects_an_empty_scene():
    with pytest.raises(SceneError):
        qa_pairs(Scene(()), np.random.default_rng(0))
