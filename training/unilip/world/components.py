"""Connected components of equal-label pixels (8-connectivity), in plain numpy."""

import numpy as np

_NEIGHBOURS = tuple((dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0))


def label_components(labels: np.ndarray, background: int) -> np.ndarray:
    """Component ids (H, W) int: 0 on `background`, else one id per 8-connected run of equal labels.

    Every pixel starts with its own id and repeatedly takes the largest id among its equal-label
    neighbours; the ids settle after as many rounds as the longest path inside a component, a few
    dozen for grid-sized objects.
    """
    height, width = labels.shape
    foreground = labels != background
    ids = np.where(foreground, np.arange(1, height * width + 1).reshape(height, width), 0)
    padded_labels = np.pad(labels, 1, constant_values=background)  # (H+2, W+2)
    same = [
        foreground & (padded_labels[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width] == labels)
        for dy, dx in _NEIGHBOURS
    ]
    while True:
        padded = np.pad(ids, 1)  # (H+2, W+2)
        grown = ids.copy()
        for (dy, dx), linked in zip(_NEIGHBOURS, same, strict=True):
            neighbour = padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width]
            np.maximum(grown, np.where(linked, neighbour, 0), out=grown)
        if np.array_equal(grown, ids):
            return ids
        ids = grown
