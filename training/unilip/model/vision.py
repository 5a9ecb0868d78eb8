"""Vision tower: normalise, ViT over patches, pixel shuffle, `mlp1` into the LLM hidden space."""

from __future__ import annotations

import torch
from torch import nn

from ..config import VisionConfig
from .encoder_block import EncoderBlock


def pixel_shuffle_tokens(tokens: torch.Tensor, grid: int, factor: int) -> torch.Tensor:
    """Merge each factor x factor neighbourhood of a grid x grid token map into one wider token."""
    batch, _, channels = tokens.shape
    out = grid // factor
    x = tokens.reshape(batch, out, factor, out, factor, channels)  # (B, g/f, f, g/f, f, C)
    x = x.permute(0, 1, 3, 2, 4, 5)  # (B, g/f, g/f, f, f, C)
    return x.reshape(batch, out * out, factor * factor * channels)  # (B, (g/f)^2, f*f*C)


class VisionTower(nn.Module):
    def __init__(self, config: VisionConfig, llm_hidden_size: int) -> None:
        super().__init__()
        self.config = config
        # (1, 3, 1, 1) each, broadcast over (B, 3, S, S)
        self.register_buffer("mean", torch.tensor(config.image_mean).reshape(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(config.image_std).reshape(1, 3, 1, 1), persistent=False)
        self.patch_embed = nn.Conv2d(3, config.hidden_size, config.patch_size, stride=config.patch_size)
        self.pos_embed = nn.Parameter(torch.randn(1, config.patch_grid**2, config.hidden_size) * 0.02)
        self.blocks = nn.ModuleList(
            EncoderBlock(config.hidden_size, config.num_heads, config.intermediate_size, config.layer_norm_eps)
            for _ in range(config.num_layers)
        )
        self.mlp1 = nn.Sequential(
            nn.LayerNorm(config.shuffled_channels),
            nn.Linear(config.shuffled_channels, llm_hidden_size),
            nn.GELU(),
            nn.Linear(llm_hidden_size, llm_hidden_size),
        )

    def features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """ViT tokens before pixel shuffle: (B, 3, S, S) in [0, 1] -> (B, grid^2, d)."""
        x = (pixel_values - self.mean) / self.std
        x = self.patch_embed(x).flatten(2).transpose(1, 2)  # (B, grid^2, d)
        x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return x

    def project(self, features: torch.Tensor) -> torch.Tensor:
        """Pixel shuffle + `mlp1`: (B, grid^2, d) -> (B, N, H)."""
        shuffled = pixel_shuffle_tokens(features, self.config.patch_grid, self.config.shuffle_factor)
        return self.mlp1(shuffled)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.project(self.features(pixel_values))

