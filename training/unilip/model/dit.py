"""SANA-style diffusion transformer over the latent grid (patch size 1): predicts v = eps - x0."""

from __future__ import annotations

import math

import torch
from torch import nn

from ..config import DiTConfig
from .dit_blocks import DiTBlock, PlainLayerNorm, condition_bias
from .masks import positions_from_mask
from .qwen2_layer import RMSNorm

# Period range of the sinusoidal timestep and position features.
MAX_PERIOD = 10000.0
# The strongest head's initial score bonus for a latent cell's own source cell: e^4 = 55 times the weight
# of any other condition token, about half the attention.
CELL_BIAS_INIT = 4.0
CELL_CODE_SEED = 0


def timestep_features(timestep: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal features of (B,) timesteps in [0, 1000] -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(MAX_PERIOD) * torch.arange(half, dtype=torch.float32, device=timestep.device) / half)
    angles = timestep.float()[:, None] * freqs[None]  # (B, dim/2)
    return torch.cat((angles.cos(), angles.sin()), dim=-1)


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


def cell_codes(cells: int, hidden_size: int) -> torch.Tensor:
    """(cells, d) orthonormal rows, the same for every model (a fixed seed, apart from the global one)."""
    generator = torch.Generator().manual_seed(CELL_CODE_SEED)
    basis, _ = torch.linalg.qr(torch.randn(hidden_size, cells, generator=generator))  # (d, cells)
    return basis.T


class SanaDiT(nn.Module):
    def __init__(self, config: DiTConfig, latent_channels: int, latent_size: int) -> None:
        super().__init__()
        d = config.hidden_size
        self.config = config
        self.x_embedder = nn.Conv2d(latent_channels, d, 1)
        table = sincos_2d(d, latent_size, latent_size)[None]  # (1, h*w, d)
        if config.cell_codes > 0:
            self.pos_embed = nn.Parameter(table + config.cell_codes * cell_codes(latent_size**2, d))
        else:
            self.register_buffer("pos_embed", table, persistent=False)
        self.t_embedder = nn.Sequential(nn.Linear(config.timestep_freq_dim, d), nn.SiLU(), nn.Linear(d, d))
        # AdaLN-single: one projection of the timestep embedding shared by every block.
        self.t_block = nn.Sequential(nn.SiLU(), nn.Linear(d, 6 * d))
        self.y_embedder = nn.Sequential(
            nn.Linear(config.caption_channels, d), nn.GELU(approximate="tanh"), nn.Linear(d, d)
        )
        self.y_norm = RMSNorm(d, config.norm_eps)
        # A source image's features reach the DiT as condition tokens without their place in the grid, and
        # an additive position embedding on them went unused (measured: no preference for the own cell
        # after 3400 gen2 steps). So each head adds a learned bonus to the score of a latent cell for the
        # source token of the same cell. Heads start from no bonus to a strong one, so one head can keep
        # reading the text while another copies the source.
        self.cell_bias = nn.Parameter(torch.linspace(0.0, CELL_BIAS_INIT, config.num_heads))
        self.blocks = nn.ModuleList(
            DiTBlock(d, config.num_heads, config.ffn_hidden, config.norm_eps) for _ in range(config.num_layers)
        )
        self.final_norm = PlainLayerNorm(config.norm_eps)
        self.final_table = nn.Parameter(torch.randn(2, d) / d**0.5)
        self.final_linear = nn.Linear(d, latent_channels)

    def project_condition(
        self, condition: torch.Tensor, condition_mask: torch.Tensor, image_mask: torch.Tensor | None = None
    ) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], torch.Tensor]:
        """condition (B, L, Cc), mask (B, L), image_mask (B, L) (1 where a source image's feature sits, in
        grid order; None: no image) -> every block's cross-attention keys and values (B, nh, L, hd), and the
        score bias: (B, nh, h*w, L) with an image mask, else (B, 1, 1, L). What the sampling steps share."""
        y = self.embed_condition(condition)  # (B, L, d)
        bias = condition_bias(condition_mask)  # (B, 1, 1, L)
        if image_mask is not None:
            bonus = self.cell_bias[None, :, None, None] * self._same_cell(image_mask)[:, None]  # (B, nh, N, L)
            bias = bias + bonus
        return [block.cross_attn.project(y) for block in self.blocks], bias

    def embed_condition(self, condition: torch.Tensor) -> torch.Tensor:
        """condition (B, L, Cc) -> (B, L, d): what every block's cross-attention projects to keys and values."""
        return self.y_norm(self.y_embedder(condition))

    def _same_cell(self, image_mask: torch.Tensor) -> torch.Tensor:
        """image_mask (B, L) -> (B, N, L): 1 where condition token l is the source token of latent cell n.
        The k-th marked token of a row is cell k mod N, so several images each restart at the first cell."""
        cells = self.pos_embed.shape[1]
        index = positions_from_mask(image_mask) % cells  # (B, L)
        grid = torch.arange(cells, device=image_mask.device)  # (N,)
        return ((index[:, None, :] == grid[None, :, None]) & image_mask.bool()[:, None, :]).float()

    def step(
        self,
        latents: torch.Tensor,
        timestep: torch.Tensor,
        cross: list[tuple[torch.Tensor, torch.Tensor]],
        bias: torch.Tensor,
    ) -> torch.Tensor:
        """latents (B, C, h, w), timestep (B,) = sigma * 1000, the projected condition -> velocity (B, C, h, w)."""
        batch, channels, height, width = latents.shape
        x = self.x_embedder(latents).flatten(2).transpose(1, 2) + self.pos_embed  # (B, h*w, d)
        t = self.t_embedder(timestep_features(timestep, self.config.timestep_freq_dim))  # (B, d)
        modulation = self.t_block(t).reshape(batch, 6, -1)  # (B, 6, d)
        for block, block_cross in zip(self.blocks, cross):
            x = block(x, block_cross, bias, modulation, height, width)
        shift, scale = (self.final_table[None] + t[:, None]).chunk(2, dim=1)  # each (B, 1, d)
        x = self.final_linear(self.final_norm(x) * (1 + scale) + shift)  # (B, h*w, C)
        return x.transpose(1, 2).reshape(batch, channels, height, width)  # (B, C, h, w)

    def forward(
        self,
        latents: torch.Tensor,
        timestep: torch.Tensor,
        condition: torch.Tensor,
        condition_mask: torch.Tensor,
        image_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """latents (B, C, h, w), timestep (B,) = sigma * 1000, condition (B, L, Cc), mask (B, L),
        image_mask (B, L) as in `project_condition` -> velocity (B, C, h, w)."""
        return self.step(latents, timestep, *self.project_condition(condition, condition_mask, image_mask))
