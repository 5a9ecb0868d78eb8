"""Generation and knowledge prompts: text, spec and target scene agree, and the split holds."""

import re

import numpy as np
import pytest

from unilip.world import (
    COLORS,
    GEN_CATEGORIES,
    KNOWLEDGE,
    PLACEMENT,
    SHAPES,
    Need,
    Obj,
    PromptError,
    Relation,
    Scene,
    Spec,
    SplitError,
    gen_prompt,
    is_heldout,
    knowledge_prompt,
    placement_prompt,
    render,
    score_gen,
)
from unilip.world.knowledge import COLOR_FACTS, SHAPE_FACTS
from unilip.world.spec import spec_satisfied
from unilip.world.words import NUMBER_WORDS, PLURALS, article


def pairs(scene: Scene) -> list[tuple[str, str]]:
    return [(o.shape, o.color) for o in scene.objects]


def named_pairs(text: str) -> list[tuple[str, str]]:
    """(shape, color) for every "color shape" in the text."""
    words = re.findall(r"[a-z]+", text)
    return [(s, c) for c, s in zip(words, words[1:], strict=False) if c in COLORS and s in SHAPES]


@pytest.mark.parametrize("category", GEN_CATEGORIES)
def test_target_scene_meets_the_spec_and_scores_when_rendered(category):
    rng = np.random.default_rng(0)
    for _ in range(30):
        prompt = gen_prompt(rng, category)
        assert prompt.category == category and prompt.text.isascii() and prompt.text == prompt.text.lower()
        assert score_gen(prompt, render(prompt.scene))


def test_prompt_text_matches_its_spec():
    rng = np.random.default_rng(1)
    for _ in range(40):
        p = gen_prompt(rng, "counting")
        (need,) = p.spec.needs
        assert p.text == f"{NUMBER_WORDS[need.count]} {PLURALS[need.shape]}" and need.exact
        assert len(p.scene.objects) == need.count
        p = gen_prompt(rng, "color_attr")
        a, b = p.spec.needs
        assert p.text.split(" and ") == [article(f"{a.color} {a.shape}"), article(f"{b.color} {b.shape}")]
        assert a.shape != b.shape and a.color != b.color
        p = gen_prompt(rng, "position")
        assert p.spec.relation is not None and p.spec.relation.relation in p.text


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_a_placement_prompt_names_its_one_objects_colour_shape_and_cell(split):
    rng = np.random.default_rng(3)
    for _ in range(40):
        prompt = placement_prompt(rng, split)
        (obj,) = prompt.scene.objects
        assert prompt.category == PLACEMENT
        assert prompt.text == f"{article(f'{obj.color} {obj.shape}')} at the {obj.cell}"
        assert is_heldout(obj.shape, obj.color) == (split == "heldout")
        assert score_gen(prompt, render(prompt.scene))


def test_knowledge_facts_resolve_to_the_target():
    rng = np.random.default_rng(2)
    for _ in range(60):
        prompt = knowledge_prompt(rng)
        (need,) = prompt.spec.needs
        (obj,) = prompt.scene.objects
        assert prompt.category == KNOWLEDGE and (obj.shape, obj.color) == (need.shape, need.color)
        words = prompt.text.split()
        shape_told = need.shape in words or any(f in prompt.text for f in SHAPE_FACTS[need.shape])
        facts = COLOR_FACTS[need.color]
        color_told = need.color in words or any(f"color of {f}" in prompt.text for f in facts)
        assert shape_told and color_told
        assert "color of" in prompt.text or need.shape not in prompt.text.split()
        assert score_gen(prompt, render(prompt.scene))


def test_the_example_facts_of_the_brief():
    assert "shape with three corners" in SHAPE_FACTS["triangle"]
    assert "shape with no corners" in SHAPE_FACTS["circle"]
    assert "grass" in COLOR_FACTS["green"] and "the sky" in COLOR_FACTS["blue"]


@pytest.mark.parametrize("category", [*GEN_CATEGORIES, KNOWLEDGE])
def test_train_prompts_never_show_a_heldout_pair(category):
    rng = np.random.default_rng(3)
    for _ in range(100):
        prompt = knowledge_prompt(rng) if category == KNOWLEDGE else gen_prompt(rng, category)
        assert not any(is_heldout(s, c) for s, c in pairs(prompt.scene) + named_pairs(prompt.text))


@pytest.mark.parametrize("category", [*GEN_CATEGORIES, KNOWLEDGE])
def test_every_heldout_prompt_holds_a_heldout_pair(category):
    rng = np.random.default_rng(4)
    for _ in range(50):
        if category == KNOWLEDGE:
            prompt = knowledge_prompt(rng, "heldout")
        else:
            prompt = gen_prompt(rng, category, "heldout")
        assert any(is_heldout(s, c) for s, c in pairs(prompt.scene))
        if category in ("colors", "color_attr"):
            assert any(is_heldout(s, c) for s, c in named_pairs(prompt.text))
        assert score_gen(prompt, render(prompt.scene))


def test_spec_counts_colours_and_relations():
    left = ("circle", "red", "middle left")
    right = ("square", "blue", "middle right")
    assert spec_satisfied(Spec((Need("circle"),)), [left, right])
    assert not spec_satisfied(Spec((Need("star"),)), [left, right])
    assert not spec_satisfied(Spec((Need("circle", color="blue"),)), [left, right])
    assert spec_satisfied(Spec((Need("circle", 1, exact=True),)), [left, right])
    one_circle = Spec((Need("circle", 1, exact=True),))
    assert not spec_satisfied(one_circle, [left, ("circle", "red", "center"), right])
    on_left = Spec((Need("circle"), Need("square")), Relation(0, "to the left of", 1))
    assert spec_satisfied(on_left, [left, right])
    assert not spec_satisfied(on_left, [("circle", "red", "middle right"), ("square", "blue", "middle left")])
    assert not spec_satisfied(Spec((Need("circle"), Need("square")), Relation(0, "above", 1)), [left, right])


@pytest.mark.parametrize(
    "build",
    [
        lambda: Need("heart"),
        lambda: Need("circle", color="pink"),
        lambda: Need("circle", count=0),
        lambda: Relation(0, "near", 1),
        lambda: Spec(()),
        lambda: Spec((Need("circle"),), Relation(0, "above", 1)),
    ],
)
def test_bad_specs_are_refused(build):
    with pytest.raises(PromptError):
        build()


def test_gen_prompt_rejects_unknown_category_and_split():
    with pytest.raises(PromptError):
        gen_prompt(np.random.default_rng(0), "three_objects")
    with pytest.raises(SplitError):
        gen_prompt(np.random.default_rng(0), "colors", "validation")


def test_prompts_are_deterministic_for_a_seed():
    def draw(seed: int) -> list[str]:
        rng = np.random.default_rng(seed)
        return [gen_prompt(rng, c).text for c in GEN_CATEGORIES] + [knowledge_prompt(rng).text]

    assert draw(5) == draw(5) and draw(5) != draw(6)


def test_a_wrong_image_fails_the_prompt():
    rng = np.random.default_rng(7)
    prompt = gen_prompt(rng, "colors")
    (need,) = prompt.spec.needs
    other = next(c for c in COLORS if c != need.color)
    wrong = Scene(tuple(Obj(o.shape, other, o.size, o.cell) for o in prompt.scene.objects))
    assert not score_gen(prompt, render(wrong))
