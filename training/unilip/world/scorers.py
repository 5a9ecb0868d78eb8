"""Scores in the manner of GenEval (generation), WISE (knowledge), ImgEdit (edits) and VQA (answers)."""

from collections.abc import Iterable, Sequence

import numpy as np

from .detector import Detection, check_image, detect
from .edits import Edit
from .errors import WorldError
from .metrics import psnr
from .prompts import GEN_CATEGORIES, GenPrompt
from .qa import QA, QTYPES
from .render import cell_bounds, render
from .scene import Obj
from .spec import spec_satisfied
from .words import NUMBER_WORDS

_ARTICLES = ("a", "an", "the")


def score_gen(prompt: GenPrompt, image: np.ndarray) -> bool:
    """Whether the image meets the prompt's spec (objects, counts, colours, relation), GenEval-style;
    knowledge prompts score the same way."""
    return spec_satisfied(prompt.spec, [(d.shape, d.color, d.cell) for d in detect(image)])


def drawn_at_cell(obj: Obj, image: np.ndarray) -> bool:
    """Whether the image shows `obj`'s shape in its colour at its cell (what a placement prompt asks)."""
    return any((d.shape, d.color, d.cell) == (obj.shape, obj.color, obj.cell) for d in detect(image))


def shapes_eval_gen(results: Iterable[tuple[GenPrompt, bool]]) -> dict[str, float]:
    """Accuracy per category present, and "overall": the mean over the six GenEval categories
    present. Knowledge results appear under "knowledge" and stay out of "overall"."""
    by_category: dict[str, list[bool]] = {}
    for prompt, passed in results:
        by_category.setdefault(prompt.category, []).append(bool(passed))
    geneval = [c for c in GEN_CATEGORIES if c in by_category]
    if not by_category:
        raise WorldError("shapes_eval_gen needs at least one result")
    report = {c: float(np.mean(v)) for c, v in by_category.items()}
    if geneval:
        report["overall"] = float(np.mean([report[c] for c in geneval]))
    return report


def _seen(detections: Iterable[Detection], cells: set[str], inside: bool) -> list[tuple[str, str, str, str]]:
    return sorted((d.shape, d.color, d.size, d.cell) for d in detections if (d.cell in cells) == inside)


def _expected(edit: Edit, cells: set[str], inside: bool) -> list[tuple[str, str, str, str]]:
    objects = edit.target.objects
    return sorted((o.shape, o.color, o.size, o.cell) for o in objects if (o.cell in cells) == inside)


def outside_mask(cells: Sequence[str], image_size: int) -> np.ndarray:
    """True outside the given cells: bool (S, S)."""
    mask = np.ones((image_size, image_size), dtype=bool)
    for cell in cells:
        top, left, bottom, right = cell_bounds(cell, image_size)
        mask[top:bottom, left:right] = False
    return mask


def score_edit(edit: Edit, image: np.ndarray) -> dict[str, float | bool]:
    """satisfied: the changed cells hold what the target holds; unchanged: so does every other cell;
    success: both; psnr_outside: PSNR against the rendered target outside the changed cells."""
    image_size = check_image(image).shape[0]
    detections = detect(image)
    changed = set(edit.changed_cells)
    satisfied = _seen(detections, changed, True) == _expected(edit, changed, True)
    unchanged = _seen(detections, changed, False) == _expected(edit, changed, False)
    mask = outside_mask(edit.changed_cells, image_size)
    return {
        "satisfied": satisfied,
        "unchanged": unchanged,
        "success": satisfied and unchanged,
        "psnr_outside": psnr(image, render(edit.target, image_size), mask),
    }


def normalize_answer(answer: str) -> str:
    """Lower case, no punctuation or articles, digits as number words: " The Red." -> "red"."""
    words = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in answer.lower()).split()
    words = [NUMBER_WORDS[int(w)] if w.isdigit() and int(w) < len(NUMBER_WORDS) else w for w in words]
    return " ".join(w for w in words if w not in _ARTICLES)


def qa_accuracy(pred_answers: Sequence[str], qas: Sequence[QA]) -> dict[str, float]:
    """Exact match after normalisation, per qtype present and "overall" over all questions."""
    if len(pred_answers) != len(qas):
        raise WorldError(f"{len(pred_answers)} answers for {len(qas)} questions")
    if not qas:
        raise WorldError("qa_accuracy needs at least one question")
    hits: dict[str, list[bool]] = {}
    for pred, qa in zip(pred_answers, qas, strict=True):
        hits.setdefault(qa.qtype, []).append(normalize_answer(pred) == normalize_answer(qa.answer))
    report = {q: float(np.mean(hits[q])) for q in QTYPES if q in hits}
    report["overall"] = float(np.mean([h for v in hits.values() for h in v]))
    return report
