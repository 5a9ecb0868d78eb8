"""DC-AE-style pixel decoder: latents (B, C, h, w) -> RGB (B, 3, S, S), about [0, 1].

Each stage is residual blocks then a 2x pixel-shuffle upsampling whose shortcut duplicates channels
before shuffling (DC-AE's residual autoencoding), so the conv only learns what the shortcut misses.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ..config import DecoderConfig

UPSAMPLE = 2


class ChannelRMSNorm(nn.Module):
    """RMSNorm over the channel axis of (B, C, h, w)."""

    def __init__(self, channels: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(1, channels, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + self.eps) * self.weight


class ResBlock(nn.Module):
    def __init__(self, channels: int, eps: float) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.norm = ChannelRMSNorm(channels, eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.norm(self.conv2(F.silu(self.conv1(x))))


class PixelShuffleUp(nn.Module):
    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels * UPSAMPLE**2, 3, padding=1)
        self.repeats = out_channels * UPSAMPLE**2 // in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        shortcut = x[:, :, None].expand(batch, channels, self.repeats, height, width)  # (B, in, r, h, w)
        shortcut = shortcut.reshape(batch, channels * self.repeats, height, width)  # (B, 4 * out, h, w)
        return F.pixel_shuffle(self.conv(x) + shortcut, UPSAMPLE)  # (B, out, 2h, 2w)


class PixelDecoder(nn.Module):
    def __init__(self, config: DecoderConfig, latent_channels: int) -> None:
        super().__init__()
        channels = config.channels
        self.conv_in = nn.Conv2d(latent_channels, channels[0], 3, padding=1)
        stages: list[nn.Module] = []
        for index, width in enumerate(channels):
            stages += [ResBlock(width, config.norm_eps) for _ in range(config.blocks_per_stage)]
            if index + 1 < len(channels):
                stages.append(PixelShuffleUp(width, channels[index + 1]))
        self.stages = nn.Sequential(*stages)
        self.norm_out = ChannelRMSNorm(channels[-1], config.norm_eps)
        self.conv_out = nn.Conv2d(channels[-1], 3, 3, padding=1)

    def forward(self, latents: torch.Tensor) -> torch.Tensor:
        x = self.stages(self.conv_in(latents))  # (B, c_last, S, S)
        return self.conv_out(F.silu(self.norm_out(x)))
