"""Scene graph, split and sampling of the Shapes world."""

import numpy as np
import pytest

from unilip.world import (
    COLORS,
    GRID,
    HELDOUT_PAIRS,
    MAX_OBJECTS,
    SHAPES,
    SIZES,
    Obj,
    Scene,
    SceneError,
    SplitError,
    is_heldout,
    sample_scene,
)
from unilip.world.scene import BACKGROUND, cell_at, cell_row_col


def test_world_has_the_promised_attributes():
    assert len(SHAPES) >= 5 and len(COLORS) >= 8 and {"small", "large"} <= set(SIZES)
    assert len(GRID) == 9 and GRID[0] == "top left" and GRID[4] == "center" and GRID[8] == "bottom right"
    assert BACKGROUND not in COLORS.values()


def test_palette_colours_are_far_apart():
    palette = np.array([*COLORS.values(), BACKGROUND], dtype=float)
    distances = np.linalg.norm(palette[:, None] - palette[None], axis=-1)
    np.fill_diagonal(distances, np.inf)
    assert distances.min() > 90


def test_heldout_pairs_are_valid_and_cover_every_colour_and_shape():
    assert 6 <= len(HELDOUT_PAIRS) <= 8
    assert {c for _, c in HELDOUT_PAIRS} == set(COLORS)
    assert {s for s, _ in HELDOUT_PAIRS} == set(SHAPES)


def test_cells_map_to_rows_and_columns_both_ways():
    for cell in GRID:
        assert cell_at(*cell_row_col(cell)) == cell
    assert cell_row_col("top right") == (0, 2)
    with pytest.raises(SceneError):
        cell_row_col("upstairs")
    with pytest.raises(SceneError):
        cell_at(3, 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"shape": "heart"},
        {"color": "pink"},
        {"size": "huge"},
        {"cell": "nowhere"},
    ],
)
def test_obj_rejects_unknown_values(kwargs):
    fields = {"shape": "circle", "color": "red", "size": "small", "cell": "center"} | kwargs
    with pytest.raises(SceneError):
        Obj(**fields)


def test_scene_orders_objects_and_rejects_shared_cells():
    a = Obj("circle", "red", "small", "bottom right")
    b = Obj("star", "blue", "large", "top left")
    assert Scene((a, b)) == Scene((b, a))
    assert Scene((a, b)).objects[0] == b
    with pytest.raises(SceneError):
        Scene((a, Obj("square", "green", "large", "bottom right")))
    with pytest.raises(SceneError):
        Scene(("circle",))


def test_scene_replace_add_and_lookup():
    a = Obj("circle", "red", "small", "center")
    scene = Scene((a,))
    assert scene.at("center") == a and scene.at("top left") is None
    assert len(scene.empty_cells()) == 8
    moved = scene.replace(a, Obj("circle", "red", "small", "top left"))
    assert moved.at("center") is None and moved.at("top left") is not None
    assert scene.replace(a, None) == Scene(())
    with pytest.raises(SceneError):
        moved.replace(a, None)
    assert len(scene.add(Obj("star", "blue", "large", "top left")).objects) == 2


def test_sample_scene_is_deterministic_for_a_seed():
    first = [sample_scene(np.random.default_rng(7)) for _ in range(3)]
    second = [sample_scene(np.random.default_rng(7)) for _ in range(3)]
    assert first == second


def test_sample_scene_obeys_counts_and_split():
    rng = np.random.default_rng(0)
    counts = set()
    for _ in range(300):
        scene = sample_scene(rng)
        counts.add(len(scene.objects))
        assert not any(is_heldout(o.shape, o.color) for o in scene.objects)
    assert counts == set(range(1, MAX_OBJECTS + 1))
    for _ in range(300):
        scene = sample_scene(rng, "heldout")
        assert any(is_heldout(o.shape, o.color) for o in scene.objects)
    assert len(sample_scene(rng, n_objects=3).objects) == 3


@pytest.mark.parametrize("n", [0, MAX_OBJECTS + 1, -1])
def test_sample_scene_rejects_bad_counts(n):
    with pytest.raises(SceneError):
        sample_scene(np.random.default_rng(0), n_objects=n)


def test_sample_scene_rejects_unknown_split():
    with pytest.raises(SplitError):
        sample_scene(np.random.default_rng(0), split="test")
