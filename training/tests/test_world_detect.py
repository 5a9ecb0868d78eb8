"""Render -> detect round trips: every object found exactly, also through noise and blur."""

import itertools

import numpy as np
import pytest

from unilip.world import (
    BACKGROUND,
    COLORS,
    GRID,
    IMAGE_SIZE,
    SHAPES,
    SIZES,
    DetectionError,
    ImageError,
    Obj,
    Scene,
    SceneError,
    detect,
    render,
    sample_scene,
    scene_from_image,
)

# Four objects an image, in cells far enough apart that every cell is visited.
_CELL_SETS = (
    ("top left", "top right", "bottom left", "bottom right"),
    ("top middle", "middle left", "middle right", "bottom middle"),
    ("center", "top left", "bottom middle", "middle right"),
)
GAUSSIAN_3X3 = np.outer([1, 2, 1], [1, 2, 1]) / 16
BOX_3X3 = np.ones((3, 3)) / 9
NOISE_SIGMA = 8.0


def every_object_scenes() -> list[Scene]:
    """Every shape x colour x size once, four to a scene, so all 96 fit in 24 images."""
    combos = list(itertools.product(SHAPES, COLORS, SIZES))
    scenes = []
    for start in range(0, len(combos), 4):
        cells = _CELL_SETS[(start // 4) % len(_CELL_SETS)]
        chunk = combos[start : start + 4]
        scenes.append(Scene(tuple(Obj(s, c, z, cell) for (s, c, z), cell in zip(chunk, cells, strict=False))))
    return scenes


def degrade(image: np.ndarray, kernel: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """A 3x3 blur (edge-padded), then gaussian noise of `sigma` (in 0..255 units), back to uint8."""
    x = image.astype(np.float64)
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)), mode="edge")  # (S+2, S+2, 3)
    height, width = x.shape[:2]
    blurred = sum(kernel[i, j] * padded[i : i + height, j : j + width] for i in range(3) for j in range(3))
    noisy = blurred + rng.normal(0, sigma, x.shape)
    return np.clip(noisy, 0, 255).round().astype(np.uint8)


def seen(image: np.ndarray) -> list[tuple[str, str, str, str]]:
    return sorted((d.shape, d.color, d.size, d.cell) for d in detect(image))


def expected(scene: Scene) -> list[tuple[str, str, str, str]]:
    return sorted((o.shape, o.color, o.size, o.cell) for o in scene.objects)


def test_render_is_flat_colours_on_the_background():
    scene = Scene((Obj("circle", "red", "large", "center"),))
    image = render(scene)
    assert image.shape == (IMAGE_SIZE, IMAGE_SIZE, 3) and image.dtype == np.uint8
    colours = {tuple(int(v) for v in p) for p in image.reshape(-1, 3)}
    assert colours == {BACKGROUND, COLORS["red"]}
    assert tuple(image[32, 32]) == COLORS["red"] and tuple(image[0, 0]) == BACKGROUND


def test_every_shape_colour_and_size_round_trips_exactly():
    scenes = every_object_scenes()
    assert sum(len(s.objects) for s in scenes) == len(SHAPES) * len(COLORS) * len(SIZES)
    for scene in scenes:
        assert scene_from_image(render(scene)) == scene


def test_every_object_in_every_cell_round_trips():
    for shape, cell in itertools.product(SHAPES, GRID):
        scene = Scene((Obj(shape, "black", "small", cell),))
        assert scene_from_image(render(scene)) == scene


def test_two_hundred_random_scenes_round_trip():
    rng = np.random.default_rng(0)
    for _ in range(200):
        scene = sample_scene(rng, split=("train", "heldout")[int(rng.integers(2))])
        assert scene_from_image(render(scene)) == scene


def test_round_trip_at_twice_the_model_resolution():
    rng = np.random.default_rng(1)
    for _ in range(10):
        scene = sample_scene(rng)
        assert scene_from_image(render(scene, size=2 * IMAGE_SIZE)) == scene


def test_every_object_survives_gaussian_blur_and_noise_exactly():
    rng = np.random.default_rng(2)
    for scene in every_object_scenes():
        assert seen(degrade(render(scene), GAUSSIAN_3X3, NOISE_SIGMA, rng)) == expected(scene)


def test_box_blur_and_noise_keep_nearly_every_object():
    """A 3x3 box blur wears the points off small stars; all but a few objects must still be exact."""
    rng = np.random.default_rng(3)
    scenes = every_object_scenes() * 2
    found = sum(
        len(set(seen(degrade(render(s), BOX_3X3, NOISE_SIGMA, rng))) & set(expected(s))) for s in scenes
    )
    total = sum(len(s.objects) for s in scenes)
    assert found / total >= 0.98


def test_specks_of_colour_are_not_objects():
    image = render(Scene(()))
    image[10:13, 10:13] = COLORS["red"]
    image[40, 40] = COLORS["blue"]
    assert detect(image) == []


def test_blobs_of_no_shape_are_not_objects():
    bar = render(Scene(()))
    bar[5:60, 30:33] = COLORS["green"]  # a thin bar across three cells
    ell = render(Scene(()))
    ell[20:32, 20:24] = COLORS["green"]
    ell[28:32, 20:32] = COLORS["green"]  # an L, 12 px each way
    assert detect(bar) == [] and detect(ell) == []


def test_detections_report_boxes_and_template_match():
    scene = Scene((Obj("square", "yellow", "large", "center"),))
    (found,) = detect(render(scene))
    top, left, bottom, right = found.bbox
    assert (bottom - top, right - left) == (SIZES["large"], SIZES["large"])
    assert found.area == SIZES["large"] ** 2 and found.match == 1.0


def test_two_objects_in_one_cell_cannot_form_a_scene():
    image = render(Scene(()))
    image[2:8, 2:8] = COLORS["red"]
    image[12:18, 12:18] = COLORS["blue"]
    assert [d.cell for d in detect(image)] == ["top left", "top left"]
    with pytest.raises(DetectionError):
        scene_from_image(image)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((64, 64, 3), dtype=np.float32),
        np.zeros((64, 64), dtype=np.uint8),
        np.zeros((64, 48, 3), dtype=np.uint8),
        np.zeros((8, 8, 3), dtype=np.uint8),
        [[0, 0, 0]],
    ],
)
def test_detect_rejects_bad_images(bad):
    with pytest.raises(ImageError):
        detect(bad)


@pytest.mark.parametrize("size", [8, 0, 4096, 64.0])
def test_render_rejects_bad_sizes(size):
    with pytest.raises(SceneError):
        render(Scene(()), size=size)
