"""Scorers: a perfect image scores 1, a wrong one 0; PSNR and SSIM behave."""

import dataclasses

import numpy as np
import pytest

from unilip.world import (
    GEN_CATEGORIES,
    KNOWLEDGE,
    QA,
    IMAGE_SIZE,
    ImageError,
    Obj,
    Scene,
    WorldError,
    drawn_at_cell,
    edit_instruction,
    gen_prompt,
    knowledge_prompt,
    placement_prompt,
    psnr,
    qa_accuracy,
    qa_pairs,
    render,
    sample_scene,
    score_edit,
    score_gen,
    shapes_eval_gen,
    ssim,
)
from unilip.world.metrics import MAX_PSNR_DB
from unilip.world.scorers import normalize_answer

EMPTY = render(Scene(()))


def test_perfect_images_pass_and_an_empty_one_fails_every_category():
    rng = np.random.default_rng(0)
    prompts = [gen_prompt(rng, c) for c in GEN_CATEGORIES for _ in range(5)]
    prompts += [knowledge_prompt(rng) for _ in range(5)]
    perfect = shapes_eval_gen([(p, score_gen(p, render(p.scene))) for p in prompts])
    empty = shapes_eval_gen([(p, score_gen(p, EMPTY)) for p in prompts])
    assert perfect == {**{c: 1.0 for c in GEN_CATEGORIES}, KNOWLEDGE: 1.0, "overall": 1.0}
    assert empty == {**{c: 0.0 for c in GEN_CATEGORIES}, KNOWLEDGE: 0.0, "overall": 0.0}


def test_counting_wants_the_exact_count():
    prompt = gen_prompt(np.random.default_rng(1), "counting")
    fewer = Scene(prompt.scene.objects[1:])
    assert not score_gen(prompt, render(fewer))
    free = prompt.scene.empty_cells()[0]
    more = prompt.scene.add(dataclasses.replace(prompt.scene.objects[0], cell=free))
    assert not score_gen(prompt, render(more))


def test_position_fails_when_the_objects_swap_places():
    prompt = gen_prompt(np.random.default_rng(2), "position")
    a, b = prompt.scene.objects
    swapped = Scene((dataclasses.replace(a, cell=b.cell), dataclasses.replace(b, cell=a.cell)))
    assert score_gen(prompt, render(prompt.scene)) and not score_gen(prompt, render(swapped))


def test_color_attribution_fails_when_the_colours_swap_objects():
    prompt = gen_prompt(np.random.default_rng(3), "color_attr")
    a, b = prompt.scene.objects
    swapped = Scene((dataclasses.replace(a, color=b.color), dataclasses.replace(b, color=a.color)))
    assert not score_gen(prompt, render(swapped))


def test_overall_is_the_mean_of_the_geneval_categories_only():
    rng = np.random.default_rng(4)
    single, counting = gen_prompt(rng, "single_object"), gen_prompt(rng, "counting")
    knowledge = knowledge_prompt(rng)
    report = shapes_eval_gen([(single, True), (single, False), (counting, True), (knowledge, False)])
    assert report == {"single_object": 0.5, "counting": 1.0, KNOWLEDGE: 0.0, "overall": 0.75}
    with pytest.raises(WorldError):
        shapes_eval_gen([])


def test_a_perfect_edit_succeeds_and_the_untouched_source_does_not():
    rng = np.random.default_rng(5)
    for _ in range(20):
        edit = edit_instruction(sample_scene(rng), rng)
        assert score_edit(edit, render(edit.target)) == {
            "satisfied": True,
            "unchanged": True,
            "success": True,
            "psnr_outside": MAX_PSNR_DB,
        }
        untouched = score_edit(edit, render(edit.source))
        assert untouched["unchanged"] and not untouched["satisfied"] and not untouched["success"]


def test_an_edit_that_also_changes_something_else_is_not_unchanged():
    scene = Scene((Obj("circle", "red", "small", "top left"), Obj("star", "blue", "large", "bottom right")))
    edit = edit_instruction(scene, np.random.default_rng(6), "remove")
    kept = next(o for o in edit.target.objects)
    spoiled = edit.target.replace(kept, dataclasses.replace(kept, color="yellow"))
    result = score_edit(edit, render(spoiled))
    assert result["satisfied"] and not result["unchanged"] and not result["success"]
    assert result["psnr_outside"] < 30


def test_score_edit_rejects_a_bad_image():
    edit = edit_instruction(sample_scene(np.random.default_rng(7)), np.random.default_rng(7))
    with pytest.raises(ImageError):
        score_edit(edit, np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8))


def test_qa_accuracy_per_qtype_and_overall():
    rng = np.random.default_rng(8)
    qas = [qa for _ in range(30) for qa in qa_pairs(sample_scene(rng, n_objects=2), rng)]
    perfect = qa_accuracy([qa.answer for qa in qas], qas)
    assert set(perfect.values()) == {1.0} and len(perfect) == 7
    wrong = qa_accuracy(["purple banana"] * len(qas), qas)
    assert set(wrong.values()) == {0.0}
    qas = [QA("a", "two", "count"), QA("b", "three", "count"), QA("c", "red", "color")]
    mixed = qa_accuracy(["Two.", "2", "The Red!"], qas)
    assert mixed == {"count": 0.5, "color": 1.0, "overall": pytest.approx(2 / 3)}


def test_answer_normalisation():
    assert normalize_answer("  The RED circle. ") == "red circle"
    assert normalize_answer("3") == "three" and normalize_answer("Yes!") == "yes"


def test_qa_accuracy_refuses_mismatched_lists():
    with pytest.raises(WorldError):
        qa_accuracy(["yes"], [])
    with pytest.raises(WorldError):
        qa_accuracy([], [])


def test_psnr_known_values():
    image = render(sample_scene(np.random.default_rng(9)))
    assert psnr(image, image) == MAX_PSNR_DB
    grey, lighter = np.full((16, 16, 3), 100, dtype=np.uint8), np.full((16, 16, 3), 110, dtype=np.uint8)
    assert psnr(grey, lighter) == pytest.approx(20 * np.log10(255 / 10))
    mask = np.zeros(image.shape[:2], dtype=bool)
    mask[:8] = True
    spoiled = image.copy()
    spoiled[40:] = 0
    assert psnr(image, spoiled, mask) == MAX_PSNR_DB and psnr(image, spoiled) < 20


def test_ssim_is_one_for_equal_images_and_falls_with_noise():
    rng = np.random.default_rng(10)
    image = render(sample_scene(rng, n_objects=4))
    assert ssim(image, image) == pytest.approx(1.0)
    scores = []
    for sigma in (5, 20, 60):
        noisy = np.clip(image + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8)
        scores.append(ssim(image, noisy))
        assert ssim(image, noisy) == pytest.approx(ssim(noisy, image))
    assert 1.0 > scores[0] > scores[1] > scores[2] > 0
    dark, light = np.full((16, 16, 3), 100, dtype=np.uint8), np.full((16, 16, 3), 200, dtype=np.uint8)
    c1 = (0.01 * 255) ** 2
    assert ssim(dark, light) == pytest.approx((2 * 100 * 200 + c1) / (100**2 + 200**2 + c1))


@pytest.mark.parametrize(
    "other",
    [
        np.zeros((32, 32, 3), dtype=np.uint8),
        np.zeros((64, 64, 3), dtype=np.float64),
        np.zeros((64, 64), dtype=np.uint8),
    ],
)
def test_metrics_reject_mismatched_images(other):
    with pytest.raises(ImageError):
        psnr(EMPTY, other)
    with pytest.raises(ImageError):
        ssim(EMPTY, other)


def test_metric_limits_are_enforced():
    tiny = np.zeros((8, 8, 3), dtype=np.uint8)
    with pytest.raises(ImageError):
        ssim(tiny, tiny)
    with pytest.raises(ImageError):
        psnr(EMPTY, EMPTY, np.zeros(EMPTY.shape[:2], dtype=bool))


def test_a_placement_counts_only_the_named_shape_in_its_colour_at_the_named_cell():
    rng = np.random.default_rng(11)
    for _ in range(20):
        prompt = placement_prompt(rng)
        obj = prompt.scene.objects[0]
        assert drawn_at_cell(obj, render(prompt.scene))
        elsewhere = "center" if obj.cell != "center" else "top left"
        assert not drawn_at_cell(obj, render(Scene((dataclasses.replace(obj, cell=elsewhere),))))
        other = "red" if obj.color != "red" else "blue"
        assert not drawn_at_cell(obj, render(Scene((dataclasses.replace(obj, color=other),))))
    assert not drawn_at_cell(obj, EMPTY)
