"""Contrastive (CLIP) heads for pretraining the vision tower: a small text tower and an image head.

Both return L2-normalised embeddings; `logit_scale` is learned as in CLIP. Not exported.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ..config import ClipConfig
from .encoder_block import EncoderBlock

# CLIP's initial temperature: logits = exp(logit_scale) * cosine similarity.
INITIAL_TEMPERATURE = 0.07


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over valid positions: x (B, T, C), mask (B, T) -> (B, C)."""
    weights = mask.to(x.dtype).unsqueeze(-1)  # (B, T, 1)
    return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


class TextTower(nn.Module):
    """Bidirectional transformer over token ids, mean-pooled over valid tokens, projected."""

    def __init__(self, config: ClipConfig, vocab_size: int) -> None:
        super().__init__()
        self.token_embed = nn.Embedding(vocab_size, config.text_hidden_size)
        self.pos_embed = nn.Parameter(torch.randn(1, config.max_text_len, config.text_hidden_size) * 0.02)
        self.blocks = nn.ModuleList(
            EncoderBlock(config.text_hidden_size, config.text_heads, config.text_intermediate_size, 1e-6)
            for _ in range(config.text_layers)
        )
        self.norm = nn.LayerNorm(config.text_hidden_size)
        self.proj = nn.Linear(config.text_hidden_size, config.embed_dim, bias=False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        length = input_ids.shape[1]
        valid = attention_mask.bool()
        x = self.token_embed(input_ids) + self.pos_embed[:, :length]  # (B, T, d)
        for block in self.blocks:
            x = block(x, valid)
        return F.normalize(self.proj(self.norm(masked_mean(x, valid))), dim=-1)  # (B, E)


class ImageHead(nn.Module):
    """Mean of the ViT tokens, projected into the shared embedding space."""

    def __init__(self, config: ClipConfig, vision_hidden_size: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(vision_hidden_size)
        self.proj = nn.Linear(vision_hidden_size, config.embed_dim, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / INITIAL_TEMPERATURE)))

    def forward(self, vit_tokens: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.proj(self.norm(vit_tokens.mean(dim=1))), dim=-1)  # (B, E)
