"""Vision tower: normalise, ViT over patches, pixel shuffle, `mlp1` into the LLM hidden space."""

from __future__ import annotations

import torch
from torch import nn

from ..config import VisionConfig
from .encoder_block import EncoderBlock
from .sincos import sincos_2d


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
        # Contrastive and MLLM training wash the ViT's own position embedding out of the features (a linear
        # probe finds the cell at chance), so the projection adds one the LLM and the DiT can rely on.
        grid = config.token_grid
        self.token_pos = nn.Parameter(sincos_2d(llm_hidden_size, grid, grid)[None])  # (1, N, H)

    def features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """ViT tokens before pixel shuffle: (B, 3, S, S) in [0, 1] -> (B, grid^2, d)."""
        x = (pixel_values - self.mean) / self.std
        x = self.patch_embed(x).flatten(2).transpose(1, 2)  # (B, grid^2, d)
        x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return x

    def project(self, features: torch.Tensor) -> torch.Tensor:
        """Pixel shuffle + `mlp1` + token positions: (B, grid^2, d) -> (B, N, H)."""
        shuffled = pixel_shuffle_tokens(features, self.config.patch_grid, self.config.shuffle_factor)
        return self.mlp1(shuffled) + self.token_pos

    def projection_parameters(self) -> list[nn.Parameter]:
        """`mlp1` and the token position embedding: what maps ViT features into the LLM space."""
        return [*self.mlp1.parameters(), self.token_pos]

    def encoder_parameters(self) -> list[nn.Parameter]:
        """The ViT itself: everything but the projection."""
        projection = {id(p) for p in self.projection_parameters()}
        return [p for p in self.parameters() if id(p) not in projection]

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.project(self.features(pixel_values))

