"""SANA-style DiT block: linear self-attention (ReLU kernel), softmax cross-attention to the
condition, GLU-MBConv feed-forward, all modulated by AdaLN-single."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .masks import MASKED_SCORE

# Keeps the linear-attention normaliser away from 0 when every ReLU feature of a query is 0.
LINEAR_ATTENTION_EPS = 1e-6


class PlainLayerNorm(nn.Module):
    """LayerNorm without affine parameters (AdaLN supplies scale and shift).

    Written out because torch 1.13 exports `nn.LayerNorm(elementwise_affine=False)` at opset 17 as a
    LayerNormalization node with an empty scale input, which ONNX rejects.
    """

    def __init__(self, eps: float) -> None:
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        centered = x - x.mean(dim=-1, keepdim=True)
        return centered * torch.rsqrt(centered.pow(2).mean(dim=-1, keepdim=True) + self.eps)


def _split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    batch, length, hidden = x.shape
    return x.reshape(batch, length, num_heads, hidden // num_heads).transpose(1, 2)  # (B, nh, N, hd)


def _merge_heads(x: torch.Tensor) -> torch.Tensor:
    batch, num_heads, length, head_dim = x.shape
    return x.transpose(1, 2).reshape(batch, length, num_heads * head_dim)  # (B, N, H)


class LinearSelfAttention(nn.Module):
    """softmax(q k^T) v replaced by relu(q) (relu(k)^T v) / (relu(q) sum relu(k)): linear in N."""

    def __init__(self, hidden_size: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(hidden_size, 3 * hidden_size, bias=False)
        self.proj = nn.Linear(hidden_size, hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = (_split_heads(part, self.num_heads) for part in self.qkv(x).chunk(3, dim=-1))  # (B, nh, N, hd)
        q, k = F.relu(q), F.relu(k)
        kv = k.transpose(-1, -2) @ v  # (B, nh, hd, hd)
        numerator = q @ kv  # (B, nh, N, hd)
        denominator = q @ k.sum(dim=2, keepdim=True).transpose(-1, -2)  # (B, nh, N, 1)
        return self.proj(_merge_heads(numerator / (denominator + LINEAR_ATTENTION_EPS)))


def condition_bias(condition_mask: torch.Tensor) -> torch.Tensor:
    """(B, L) 0/1 mask -> (B, 1, 1, L) additive score bias: 0 where attended, MASKED_SCORE at padding."""
    keep = condition_mask.bool()[:, None, None, :]
    zero = torch.zeros((), dtype=torch.float32, device=keep.device)
    return torch.where(keep, zero, torch.full((), MASKED_SCORE, device=keep.device))


class CrossAttention(nn.Module):
    """Softmax attention from the latent tokens to the condition. The condition's keys and values do not
    change over the sampling steps, so `project` runs once per image and `attend` once per step."""

    def __init__(self, hidden_size: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.q = nn.Linear(hidden_size, hidden_size)
        self.kv = nn.Linear(hidden_size, 2 * hidden_size)
        self.proj = nn.Linear(hidden_size, hidden_size)

    def project(self, condition: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """condition (B, L, d) -> keys, values, each (B, nh, L, hd)."""
        k, v = (_split_heads(part, self.num_heads) for part in self.kv(condition).chunk(2, dim=-1))
        return k, v

    def attend(self, x: torch.Tensor, key: torch.Tensor, value: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """x (B, N, d), key/value (B, nh, L, hd), bias (B, 1, 1, L) -> (B, N, d)."""
        q = _split_heads(self.q(x), self.num_heads)  # (B, nh, N, hd)
        scores = q @ key.transpose(-1, -2) / q.shape[-1] ** 0.5 + bias  # (B, nh, N, L)
        return self.proj(_merge_heads(scores.softmax(dim=-1) @ value))


class GLUMBConv(nn.Module):
    """1x1 conv to 2 * hidden, depthwise 3x3, SiLU-gated halves, 1x1 back: a convolutional FFN."""

    def __init__(self, hidden_size: int, ffn_hidden: int) -> None:
        super().__init__()
        self.inverted = nn.Conv2d(hidden_size, 2 * ffn_hidden, 1)
        self.depthwise = nn.Conv2d(2 * ffn_hidden, 2 * ffn_hidden, 3, padding=1, groups=2 * ffn_hidden)
        self.point = nn.Conv2d(ffn_hidden, hidden_size, 1, bias=False)

    def forward(self, x: torch.Tensor, height: int, width: int) -> torch.Tensor:
        batch, length, hidden = x.shape
        grid = x.transpose(1, 2).reshape(batch, hidden, height, width)  # (B, H, h, w)
        grid = self.depthwise(F.silu(self.inverted(grid)))  # (B, 2F, h, w)
        value, gate = grid.chunk(2, dim=1)  # each (B, F, h, w)
        return self.point(value * F.silu(gate)).flatten(2).transpose(1, 2)  # (B, N, H)


class DiTBlock(nn.Module):
    def __init__(self, hidden_size: int, num_heads: int, ffn_hidden: int, eps: float) -> None:
        super().__init__()
        self.norm1 = PlainLayerNorm(eps)
        self.attn = LinearSelfAttention(hidden_size, num_heads)
        self.cross_attn = CrossAttention(hidden_size, num_heads)
        self.norm2 = PlainLayerNorm(eps)
        self.mlp = GLUMBConv(hidden_size, ffn_hidden)
        # Per-block offsets added to the shared timestep modulation (AdaLN-single).
        self.scale_shift_table = nn.Parameter(torch.randn(6, hidden_size) / hidden_size**0.5)

    def forward(
        self,
        x: torch.Tensor,
        cross: tuple[torch.Tensor, torch.Tensor],
        bias: torch.Tensor,
        modulation: torch.Tensor,
        height: int,
        width: int,
    ) -> torch.Tensor:
        """x (B, N, d), cross = this block's condition keys and values (B, nh, L, hd), bias (B, 1, 1, L),
        modulation (B, 6, d) -> (B, N, d)."""
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = (
            self.scale_shift_table[None] + modulation
        ).chunk(6, dim=1)  # each (B, 1, d)
        x = x + gate_msa * self.attn(self.norm1(x) * (1 + scale_msa) + shift_msa)
        x = x + self.cross_attn.attend(x, *cross, bias)
        return x + gate_mlp * self.mlp(self.norm2(x) * (1 + scale_mlp) + shift_mlp, height, width)
