"""Each shape as a boolean mask filling a box, sampled at pixel centres (no anti-aliasing).

The renderer draws these masks and the detector matches against them, so both agree exactly.
"""

from functools import lru_cache

import numpy as np

from .errors import SceneError
from .scene import SHAPES

STAR_POINTS = 5
# Inner radius of the star over its outer radius: fat enough that the points survive a 3x3 blur at
# the small size.
STAR_INNER_RATIO = 0.5
# Half-width of the cross's arms, in units of the box half-side.
CROSS_ARM = 1 / 3
MIN_MASK_SIDE = 1
# How much larger than the wanted extent a box may be when fitting a shape to an extent.
FIT_SLACK = 3


def _star_polygon() -> np.ndarray:
    """Star vertices, point up, stretched so their bounding box is exactly [-1, 1]^2: (2K, 2)."""
    k = np.arange(2 * STAR_POINTS)
    radius = np.where(k % 2 == 0, 1.0, STAR_INNER_RATIO)
    angle = -np.pi / 2 + np.pi * k / STAR_POINTS
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)  # (2K, 2) as (u, v)
    low, high = points.min(axis=0), points.max(axis=0)
    return 2 * (points - low) / (high - low) - 1


_STAR = _star_polygon()


def _inside_polygon(u: np.ndarray, v: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Even-odd rule: a point is inside when a ray to the right crosses the outline an odd number of times."""
    inside = np.zeros(u.shape, dtype=bool)
    for (u0, v0), (u1, v1) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        straddles = (v0 > v) != (v1 > v)
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing_u = u0 + (v - v0) * (u1 - u0) / (v1 - v0)
        inside ^= straddles & (u < crossing_u)
    return inside


def _inside(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Membership in normalised box coordinates: u right, v down, both in [-1, 1]."""
    au, av = np.abs(u), np.abs(v)
    if shape == "circle":
        return u**2 + v**2 <= 1
    if shape == "square":
        return (au <= 1) & (av <= 1)
    if shape == "diamond":
        return au + av <= 1
    if shape == "triangle":
        return au <= (v + 1) / 2
    if shape == "cross":
        return ((au <= CROSS_ARM) & (av <= 1)) | ((av <= CROSS_ARM) & (au <= 1))
    if shape == "star":
        return _inside_polygon(u, v, _STAR)
    raise SceneError(f"unknown shape {shape!r}; expected one of {SHAPES}")


def shape_mask(shape: str, height: int, width: int | None = None) -> np.ndarray:
    """The shape stretched over a height x width box: bool (height, width)."""
    width = height if width is None else width
    if height < MIN_MASK_SIDE or width < MIN_MASK_SIDE:
        raise SceneError(f"a shape box needs sides >= {MIN_MASK_SIDE}, got {height}x{width}")
    v = (np.arange(height) + 0.5) / height * 2 - 1
    u = (np.arange(width) + 0.5) / width * 2 - 1
    vv, uu = np.meshgrid(v, u, indexing="ij")  # (height, width) each
    return _inside(shape, uu, vv)


def tight_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of the set pixels, bottom/right exclusive; the mask must be non-empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise SceneError("an empty mask has no bounding box")
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


@lru_cache(maxsize=8192)
def fitted_mask(shape: str, height: int, width: int, blurred: bool = False) -> np.ndarray:
    """The shape as drawn (if `blurred`, as a 3x3 box blur leaves it) spanning exactly height x width.

    Sharp tips (star, triangle apex) can miss every pixel centre of the outer row, and blur wears
    them further, so a drawn shape spans less than its box; this finds the box that draws to the
    wanted extent, so the detector's template lines up with what it sees: bool (height, width).
    """
    for box_h in range(height, height + FIT_SLACK + 1):
        for box_w in range(width, width + FIT_SLACK + 1):
            mask = shape_mask(shape, box_h, box_w)
            if blurred:
                mask = box_blur_mask(mask)
            if not mask.any():
                continue
            top, left, bottom, right = tight_box(mask)
            if (bottom - top, right - left) == (height, width):
                return _frozen(mask[top:bottom, left:right])
    # No box draws to this extent (a star's tips jump two rows at once): stretch the nearest one.
    mask = shape_mask(shape, height, width)
    top, left, bottom, right = tight_box(mask)
    return _frozen(_resample(mask[top:bottom, left:right], height, width))


def _resample(mask: np.ndarray, height: int, width: int) -> np.ndarray:
    """Nearest-neighbour resize of a mask to (height, width)."""
    rows = ((np.arange(height) + 0.5) * mask.shape[0] / height).astype(int)
    cols = ((np.arange(width) + 0.5) * mask.shape[1] / width).astype(int)
    return mask[rows[:, None], cols[None, :]]


def box_blur_mask(mask: np.ndarray) -> np.ndarray:
    """A mask after a 3x3 box blur and a threshold at one half: corners fill, tips wear away."""
    height, width = mask.shape
    padded = np.pad(mask.astype(np.float32), 1)  # (H+2, W+2)
    total = sum(padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3))
    return total / 9 >= 0.5


def _frozen(mask: np.ndarray) -> np.ndarray:
    """A read-only copy, so a cached template cannot be changed by a caller."""
    frozen = mask.copy()
    frozen.flags.writeable = False
    return frozen
