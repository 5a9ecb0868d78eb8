"""Shape masks: the geometry that the renderer draws and the detector matches."""

import numpy as np
import pytest

from unilip.world import SHAPES, SceneError
from unilip.world.geometry import box_blur_mask, fitted_mask, shape_mask, tight_box

# Area over box area for each shape as drawn large: fixes what each shape looks like.
FILL = {"circle": np.pi / 4, "square": 1.0, "triangle": 0.5, "diamond": 0.5, "cross": 5 / 9, "star": 0.43}


@pytest.mark.parametrize("shape", SHAPES)
def test_masks_fill_their_box_as_the_shape_should(shape):
    mask = shape_mask(shape, 200)
    assert mask.shape == (200, 200) and mask.dtype == bool
    assert mask.mean() == pytest.approx(FILL[shape], abs=0.03)
    top, left, bottom, right = tight_box(mask)
    assert bottom - top >= 199 and right - left >= 199  # a sharp tip may miss the outer pixel centres


def test_shapes_are_told_apart_by_their_masks():
    masks = {s: shape_mask(s, 18) for s in SHAPES}
    for a in SHAPES:
        for b in SHAPES:
            if a != b:
                iou = (masks[a] & masks[b]).sum() / (masks[a] | masks[b]).sum()
                assert iou < 0.8, (a, b)


@pytest.mark.parametrize("shape", SHAPES)
def test_fitted_masks_span_exactly_the_asked_extent(shape):
    for height, width in [(side, side) for side in range(6, 40)] + [(14, 12), (17, 19)]:
        for blurred in (False, True):
            mask = fitted_mask(shape, height, width, blurred)
            assert tight_box(mask) == (0, 0, height, width) and not mask.flags.writeable


def test_box_blur_fills_notches_and_wears_points():
    square = np.zeros((7, 7), dtype=bool)
    square[1:6, 1:6] = True
    blurred = box_blur_mask(square)
    assert blurred[2:5, 2:5].all() and not blurred[1, 1] and not blurred[0].any()


def test_bad_shapes_and_boxes_are_refused():
    with pytest.raises(SceneError):
        shape_mask("heart", 10)
    with pytest.raises(SceneError):
        shape_mask("circle", 0)
    with pytest.raises(SceneError):
        tight_box(np.zeros((4, 4), dtype=bool))
