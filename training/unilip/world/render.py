"""Scene graph -> RGB image: flat colours on a flat background, no anti-aliasing."""

import numpy as np

from .errors import SceneError
from .geometry import shape_mask
from .scene import BACKGROUND, COLORS, GRID_SIDE, IMAGE_SIZE, SIZES, Obj, Scene, cell_row_col

# Below this the small shapes shrink under 4 px and stop being recognisable.
MIN_RENDER_SIZE = 24
MAX_RENDER_SIZE = 1024


def check_render_size(size: int) -> None:
    if not isinstance(size, int) or not MIN_RENDER_SIZE <= size <= MAX_RENDER_SIZE:
        raise SceneError(f"image size must be an int in {MIN_RENDER_SIZE}..{MAX_RENDER_SIZE}, got {size!r}")


def box_side(size_name: str, image_size: int) -> int:
    """Side in pixels of an object's box of the named size in an image of `image_size`."""
    return max(1, round(SIZES[size_name] * image_size / IMAGE_SIZE))


def object_box(obj: Obj, image_size: int) -> tuple[int, int, int]:
    """(top, left, side) of the box that an object is drawn in, centred in its cell."""
    row, col = cell_row_col(obj.cell)
    side = box_side(obj.size, image_size)
    cell = image_size / GRID_SIDE
    top = round((row + 0.5) * cell - side / 2)
    left = round((col + 0.5) * cell - side / 2)
    return top, left, side


def cell_bounds(cell: str, image_size: int) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) pixel bounds of a grid cell, bottom/right exclusive."""
    row, col = cell_row_col(cell)
    edges = [round(i * image_size / GRID_SIDE) for i in range(GRID_SIDE + 1)]
    return edges[row], edges[col], edges[row + 1], edges[col + 1]


def render(scene: Scene, size: int = IMAGE_SIZE) -> np.ndarray:
    """The scene drawn as uint8 (size, size, 3)."""
    if not isinstance(scene, Scene):
        raise SceneError(f"render needs a Scene, got {type(scene).__name__}")
    check_render_size(size)
    image = np.empty((size, size, 3), dtype=np.uint8)
    image[:] = BACKGROUND
    for obj in scene.objects:
        top, left, side = object_box(obj, size)
        window = image[top : top + side, left : left + side]  # (side, side, 3) view
        window[shape_mask(obj.shape, side)] = COLORS[obj.color]
    return image
