"""Rotary position embedding from explicit position ids (cos/sin tables, no complex numbers)."""

from __future__ import annotations

import torch
from torch import nn


class RotaryTables(nn.Module):
    def __init__(self, head_dim: int, theta: float) -> None:
        super().__init__()
        exponents = torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim
        self.register_buffer("inv_freq", 1.0 / theta**exponents, persistent=False)

    def forward(self, position_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """position_ids (B, T) -> cos, sin (B, 1, T, D), broadcast over heads."""
        angles = position_ids.float()[..., None] * self.inv_freq  # (B, T, D/2)
        angles = torch.cat((angles, angles), dim=-1)[:, None]  # (B, 1, T, D)
        return angles.cos(), angles.sin()


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    # Slicing at a fixed half (head_dim is static) exports as two constant Slices; chunk would compute the
    # split point from the runtime shape at every step.
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate (B, nh, T, D) by the per-position angles."""
    return x * cos + _rotate_half(x) * sin
