"""Fixed sinusoidal features, shared by the DiT (timesteps, latent positions) and the vision tower."""

from __future__ import annotations

import torch

# Period range of the sinusoidal timestep and position features.
MAX_PERIOD = 10000.0


def sincos_2d(hidden_size: int, height: int, width: int) -> torch.Tensor:
    """Fixed 2D position embedding: half the channels encode the row, half the column. -> (h*w, d)."""
    quarter = hidden_size // 4
    omega = 1.0 / MAX_PERIOD ** (torch.arange(quarter, dtype=torch.float32) / quarter)  # (d/4,)
    rows, cols = torch.meshgrid(
        torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32), indexing="ij"
    )
    parts = []
    for coord in (rows.reshape(-1), cols.reshape(-1)):  # each (h*w,)
        angles = coord[:, None] * omega[None]  # (h*w, d/4)
        parts += [angles.sin(), angles.cos()]
    return torch.cat(parts, dim=-1)  # (h*w, d)
