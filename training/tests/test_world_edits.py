"""Edit instructions: the target is the source with exactly the named change, and the split holds."""

import dataclasses
import re

import numpy as np
import pytest

from test_world_text import resolve
from unilip.world import EDIT_KINDS, GRID, MAX_OBJECTS, EditError, Obj, Scene, SceneError, SplitError
from unilip.world import edit_instruction, edit_kinds, is_heldout, sample_scene

_CELLS = "|".join(sorted(GRID, key=len, reverse=True))
_SIZE_WORDS = {"bigger": "large", "larger": "large", "smaller": "small", "large": "large", "small": "small"}


def apply_instruction(source: Scene, instruction: str) -> tuple[str, Scene]:
    """Carry out an instruction on a scene, parsed here independently of the generator."""

    def one(ref: str) -> Obj:
        (obj,) = resolve(source, ref)
        return obj

    if m := re.fullmatch(rf"(?:add|put|place) an? (small|large) (\w+) (\w+) at the ({_CELLS})", instruction):
        size, color, shape, cell = m.groups()
        return "add", source.add(Obj(shape, color, size, cell))
    if m := re.fullmatch(rf"(?:move (the .+) to|put (the .+) at) the ({_CELLS})", instruction):
        obj = one(m.group(1) or m.group(2))
        return "move", source.replace(obj, dataclasses.replace(obj, cell=m.group(3)))
    resize = r"(?:make (the .+) (bigger|larger|smaller)|change (the .+) to (small|large))"
    if m := re.fullmatch(resize, instruction):
        obj = one(m.group(1) or m.group(3))
        size = _SIZE_WORDS[m.group(2) or m.group(4)]
        return "resize", source.replace(obj, dataclasses.replace(obj, size=size))
    recolor = r"(?:make (the .+)|paint (the .+)|change the color of (the .+) to) (\w+)"
    if m := re.fullmatch(recolor, instruction):
        obj = one(m.group(1) or m.group(2) or m.group(3))
        return "recolor", source.replace(obj, dataclasses.replace(obj, color=m.group(4)))
    if m := re.fullmatch(r"(?:remove|delete|take away|erase) (the .+)", instruction):
        return "remove", source.replace(one(m.group(1)), None)
    if m := re.fullmatch(r"(?:replace (the .+) with|turn (the .+) into) an? (\w+)", instruction):
        obj = one(m.group(1) or m.group(2))
        return "replace", source.replace(obj, dataclasses.replace(obj, shape=m.group(3)))
    pytest.fail(f"instruction outside the grammar: {instruction!r}")


def differing_cells(a: Scene, b: Scene) -> set[str]:
    return {cell for cell in GRID if a.at(cell) != b.at(cell)}


@pytest.mark.parametrize("kind", EDIT_KINDS)
def test_instruction_produces_exactly_the_target(kind):
    rng = np.random.default_rng(EDIT_KINDS.index(kind))
    for _ in range(60):
        source = sample_scene(rng, n_objects=int(rng.integers(1, MAX_OBJECTS)))
        edit = edit_instruction(source, rng, kind)
        assert edit.kind == kind and edit.source == source
        assert apply_instruction(source, edit.instruction) == (kind, edit.target)
        assert differing_cells(source, edit.target) == set(edit.changed_cells)
        assert edit.instruction.isascii() and edit.instruction == edit.instruction.lower()


def test_any_kind_when_none_is_named():
    rng = np.random.default_rng(10)
    kinds = {edit_instruction(sample_scene(rng), rng).kind for _ in range(200)}
    assert kinds == set(EDIT_KINDS)


def test_several_kinds_draw_only_those_and_all_kinds_draw_what_none_draws():
    rng = np.random.default_rng(14)
    kinds = {edit_instruction(sample_scene(rng), rng, ("add", "move")).kind for _ in range(100)}
    assert kinds == {"add", "move"}
    named, unnamed = np.random.default_rng(15), np.random.default_rng(15)
    for _ in range(50):
        a = edit_instruction(sample_scene(named), named, EDIT_KINDS)
        b = edit_instruction(sample_scene(unnamed), unnamed)
        assert a == b


def test_train_edits_never_show_a_heldout_pair():
    rng = np.random.default_rng(11)
    for _ in range(300):
        edit = edit_instruction(sample_scene(rng), rng)
        shown = edit.source.objects + edit.target.objects
        assert not any(is_heldout(o.shape, o.color) for o in shown)


def test_every_heldout_edit_names_a_heldout_object():
    rng = np.random.default_rng(12)
    for _ in range(300):
        edit = edit_instruction(sample_scene(rng, "heldout"), rng, split="heldout")
        before = [edit.source.at(c) for c in edit.changed_cells]
        after = [edit.target.at(c) for c in edit.changed_cells]
        named = after if edit.kind in ("recolor", "add", "replace") else before
        assert any(o is not None and is_heldout(o.shape, o.color) for o in named)
        if edit.kind in ("remove", "move", "resize"):
            (obj,) = [o for o in before if o is not None]
            assert f"{obj.color} {obj.shape}" in edit.instruction


def test_impossible_edits_are_refused():
    full = sample_scene(np.random.default_rng(13), n_objects=MAX_OBJECTS)
    full = Scene(tuple(dataclasses.replace(o, shape="square", color="red") for o in full.objects))
    with pytest.raises(EditError):
        edit_instruction(full, np.random.default_rng(0), "add")
    with pytest.raises(EditError):
        edit_instruction(Scene(()), np.random.default_rng(0), "remove")
    with pytest.raises(EditError, match="remove or move"):
        edit_instruction(Scene(()), np.random.default_rng(0), ("remove", "move"))
    for unknown in ("rotate", ("move", "rotate"), ()):
        with pytest.raises(EditError, match="unknown edit kind"):
            edit_instruction(full, np.random.default_rng(0), unknown)
    with pytest.raises(SplitError):
        edit_instruction(Scene((Obj("circle", "orange", "small", "center"),)), np.random.default_rng(0))
    with pytest.raises(SplitError):
        edit_instruction(full, np.random.default_rng(0), split="dev")
    with pytest.raises(SceneError):
        edit_instruction("a scene", np.random.default_rng(0))


def test_edit_kinds_names_all_one_or_several_kinds():
    assert edit_kinds(None) == EDIT_KINDS
    assert edit_kinds("move") == ("move",)
    assert edit_kinds(["add", "move"]) == ("add", "move")
    for unknown in ("rotate", ("move", "rotate"), ()):
        with pytest.raises(EditError, match="unknown edit kind"):
            edit_kinds(unknown)


def test_an_empty_scene_can_only_grow():
    edit = edit_instruction(Scene(()), np.random.default_rng(14))
    assert edit.kind == "add" and len(edit.target.objects) == 1
