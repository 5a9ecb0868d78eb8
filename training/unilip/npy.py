"""`.npy` files as the TypeScript engine reads them: little-endian, C order, float32 or int64 only."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

# The only dtypes the package format allows; anything else is converted or refused.
NPY_DTYPES = {np.dtype(np.float32): "<f4", np.dtype(np.int64): "<i8"}


class NpyError(ValueError):
    """A tensor that has no `.npy` form in the package format."""


def to_numpy(value: torch.Tensor | np.ndarray) -> np.ndarray:
    array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
    if array.dtype.kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float32)
    elif array.dtype.kind in "iub" and array.dtype != np.int64:
        array = array.astype(np.int64)
    if array.dtype not in NPY_DTYPES:
        raise NpyError(f"dtype {array.dtype} has no package form (float32 or int64)")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise NpyError("tensor holds NaN or infinite values")
    return np.ascontiguousarray(array.astype(NPY_DTYPES[array.dtype], copy=False))


def save_npy(path: Path, value: torch.Tensor | np.ndarray) -> np.ndarray:
    """Write `value` as float32/int64 little-endian C-order `.npy`; returns the array written."""
    array = to_numpy(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        np.save(f, array, allow_pickle=False)
    return array
