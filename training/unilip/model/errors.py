"""Typed errors for tensors handed to the model with the wrong shape or content."""

from __future__ import annotations

from collections.abc import Sequence

import torch


class ModelInputError(ValueError):
    """A tensor given to a model method has the wrong rank, size or dtype."""


def expect_shape(name: str, tensor: torch.Tensor, expected: Sequence[int | None]) -> None:
    """Check rank and every fixed size (`None` = any size); shapes only, so it is safe while tracing."""
    if torch.jit.is_tracing():
        # Under tracing sizes are tensors; the exported graph declares its own shapes.
        return
    actual = tuple(tensor.shape)
    if len(actual) != len(expected) or any(e is not None and a != e for a, e in zip(actual, expected)):
        wanted = tuple("*" if e is None else e for e in expected)
        raise ModelInputError(f"{name}: expected shape {wanted}, got {actual}")


def expect_dtype(name: str, tensor: torch.Tensor, dtypes: Sequence[torch.dtype]) -> None:
    if tensor.dtype not in dtypes:
        raise ModelInputError(f"{name}: expected dtype in {list(dtypes)}, got {tensor.dtype}")


def expect_token_ids(name: str, ids: torch.Tensor, vocab_size: int) -> None:
    """Ids must be integers in [0, vocab_size); reads values, so it is skipped while tracing."""
    expect_dtype(name, ids, (torch.int32, torch.int64))
    if torch.jit.is_tracing() or ids.numel() == 0:
        return
    low, high = int(ids.min()), int(ids.max())
    if low < 0 or high >= vocab_size:
        raise ModelInputError(f"{name}: ids must be in [0, {vocab_size}), got range [{low}, {high}]")
