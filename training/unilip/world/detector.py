"""The exact detector: flat-colour images -> objects with shape, colour, size and cell.

Each pixel takes its nearest palette colour (or the background), equal-colour pixels form
8-connected components, small ones are noise, and each remaining component's shape is the
template (the shape as the renderer draws it, fitted to the component's box) it overlaps best.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .components import label_components
from .errors import DetectionError, ImageError
from .geometry import fitted_mask, shape_mask, tight_box
from .render import MAX_RENDER_SIZE, MIN_RENDER_SIZE, box_side
from .scene import BACKGROUND, COLORS, GRID, GRID_SIDE, IMAGE_SIZE, SHAPES, SIZES, Obj, Scene, cell_at

# Components smaller than this (in pixels at IMAGE_SIZE, scaled by area) are noise; the smallest
# real object, a small star, covers about 60.
MIN_COMPONENT_AREA = 16
# A component whose best shape template overlaps it less than this (IoU) is not an object.
MIN_SHAPE_IOU = 0.6
# Every shape is drawn in a square box; a component much longer than wide is no shape of this world.
MAX_ASPECT = 1.5

_COLOR_NAMES = tuple(COLORS)
_PALETTE = np.array([*COLORS.values(), BACKGROUND], dtype=np.float32)  # (K+1, 3), background last
_BACKGROUND_LABEL = len(_COLOR_NAMES)


@dataclass(frozen=True)
class Detection:
    shape: str
    color: str
    bbox: tuple[int, int, int, int]  # (top, left, bottom, right), bottom/right exclusive
    cell: str
    size: str
    area: int
    match: float  # IoU with the shape's template


def check_image(image: object) -> np.ndarray:
    """The image if it is uint8 (S, S, 3) with MIN_RENDER_SIZE <= S <= MAX_RENDER_SIZE."""
    if not isinstance(image, np.ndarray):
        raise ImageError(f"expected a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ImageError(f"expected dtype uint8, got {image.dtype}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ImageError(f"expected shape (S, S, 3), got {image.shape}")
    height, width = image.shape[:2]
    if height != width or not MIN_RENDER_SIZE <= height <= MAX_RENDER_SIZE:
        raise ImageError(
            f"expected a square image of side {MIN_RENDER_SIZE}..{MAX_RENDER_SIZE}, got {height}x{width}"
        )
    return image


def color_labels(image: np.ndarray) -> np.ndarray:
    """Index of the nearest palette colour per pixel, background = len(COLORS): (S, S) int."""
    pixels = image.reshape(-1, 1, 3).astype(np.float32)  # (S*S, 1, 3)
    distances = ((pixels - _PALETTE[None]) ** 2).sum(axis=-1)  # (S*S, K+1)
    return distances.argmin(axis=1).reshape(image.shape[:2])


def _classify(crop: np.ndarray) -> tuple[str, float]:
    """Best shape for a component's mask cropped to its box, and its IoU."""
    height, width = crop.shape
    best_shape, best_iou = SHAPES[0], -1.0
    for shape in SHAPES:
        for blurred in (False, True):
            template = fitted_mask(shape, height, width, blurred)
            iou = float((template & crop).sum() / (template | crop).sum())
            if iou > best_iou:
                best_shape, best_iou = shape, iou
    return best_shape, best_iou


@lru_cache(maxsize=256)
def _drawn_area(shape: str, size_name: str, image_size: int) -> int:
    return int(shape_mask(shape, box_side(size_name, image_size)).sum())


def _size_name(shape: str, area: int, image_size: int) -> str:
    """The named size whose drawn area is nearest (in ratio) to `area`.

    Area, unlike the extent, barely moves under blur: edges lose and corners gain about as much.
    """
    return min(SIZES, key=lambda name: abs(np.log(area / _drawn_area(shape, name, image_size))))


def _cell_name(bbox: tuple[int, int, int, int], image_size: int) -> str:
    top, left, bottom, right = bbox
    cell = image_size / GRID_SIDE
    row = min(int((top + bottom) / 2 / cell), GRID_SIDE - 1)
    col = min(int((left + right) / 2 / cell), GRID_SIDE - 1)
    return cell_at(row, col)


def _as_detection(mask: np.ndarray, color: str, image_size: int) -> Detection | None:
    """The object one component shows, or None when it is too long or matches no shape."""
    top, left, bottom, right = bbox = tight_box(mask)
    if max(bottom - top, right - left) > MAX_ASPECT * min(bottom - top, right - left):
        return None
    shape, iou = _classify(mask[top:bottom, left:right])
    if iou < MIN_SHAPE_IOU:
        return None
    area = int(mask.sum())
    size = _size_name(shape, area, image_size)
    return Detection(shape, color, bbox, _cell_name(bbox, image_size), size, area, iou)


def detect(image: np.ndarray) -> list[Detection]:
    """Every object in the image, in grid order (top left first)."""
    image_size = check_image(image).shape[0]
    labels = color_labels(image)
    ids = label_components(labels, background=_BACKGROUND_LABEL)
    min_area = MIN_COMPONENT_AREA * (image_size / IMAGE_SIZE) ** 2
    found, first_pixel, counts = np.unique(ids, return_index=True, return_counts=True)
    detections = []
    for component, pixel, area in zip(found, first_pixel, counts, strict=True):
        if component == 0 or area < min_area:
            continue
        color = _COLOR_NAMES[int(labels.flat[pixel])]
        detection = _as_detection(ids == component, color, image_size)
        if detection is not None:
            detections.append(detection)
    return sorted(detections, key=lambda d: (GRID.index(d.cell), d.bbox))


def scene_from_image(image: np.ndarray) -> Scene:
    """The scene graph seen in an image; two objects in one cell cannot form a scene."""
    detections = detect(image)
    cells = [d.cell for d in detections]
    duplicates = sorted({c for c in cells if cells.count(c) > 1})
    if duplicates:
        raise DetectionError(f"more than one object in cell(s) {duplicates}")
    return Scene(tuple(Obj(d.shape, d.color, d.size, d.cell) for d in detections))
