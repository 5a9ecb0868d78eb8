"""Pre-norm bidirectional transformer block (LayerNorm, softmax attention, GELU MLP).

Shared by the ViT and the CLIP text tower; an optional key mask hides padded tokens.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .masks import MASKED_SCORE


class SelfAttention(nn.Module):
    def __init__(self, hidden_size: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = hidden_size // num_heads
        self.qkv = nn.Linear(hidden_size, 3 * hidden_size)
        self.out = nn.Linear(hidden_size, hidden_size)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor | None = None) -> torch.Tensor:
        batch, length, hidden = x.shape
        qkv = self.qkv(x).reshape(batch, length, 3, self.num_heads, self.head_dim)  # (B, T, 3, nh, hd)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each (B, nh, T, hd)
        scores = q @ k.transpose(-1, -2) / self.head_dim**0.5  # (B, nh, T, T)
        if key_mask is not None:
            scores = scores.masked_fill(~key_mask[:, None, None, :], MASKED_SCORE)
        attended = scores.softmax(dim=-1) @ v  # (B, nh, T, hd)
        return self.out(attended.transpose(1, 2).reshape(batch, length, hidden))  # (B, T, H)


class EncoderBlock(nn.Module):
    def __init__(self, hidden_size: int, num_heads: int, intermediate_size: int, eps: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(hidden_size, eps=eps)
        self.attn = SelfAttention(hidden_size, num_heads)
        self.norm2 = nn.LayerNorm(hidden_size, eps=eps)
        self.fc1 = nn.Linear(hidden_size, intermediate_size)
        self.fc2 = nn.Linear(intermediate_size, hidden_size)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor | None = None) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), key_mask)
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))
