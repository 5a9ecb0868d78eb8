"""Attention masks and position ids, built with tensor ops only so they trace into ONNX graphs.

Masks are boolean `(B, 1, T, K)` tensors: True = the query may attend to the key.
"""

from __future__ import annotations

import torch

# Fills the scores of masked keys; finite so that a row with every key masked (a left-padding query)
# softmaxes to a uniform row instead of NaN.
MASKED_SCORE = -1e9


def causal_padding_mask(attention_mask: torch.Tensor, query_length: int) -> torch.Tensor:
    """Causal + padding mask for the last `query_length` of the `K` positions in `attention_mask` (B, K).

    Query i sits at absolute position K - T + i (the cache holds the first K - T), so it sees keys
    j <= K - T + i that are not padding.
    """
    total = attention_mask.shape[1]
    key_positions = torch.arange(total, device=attention_mask.device)  # (K,)
    query_positions = key_positions[total - query_length :]  # (T,)
    causal = key_positions[None, :] <= query_positions[:, None]  # (T, K)
    valid = attention_mask.bool()[:, None, None, :]  # (B, 1, 1, K)
    return causal[None, None] & valid  # (B, 1, T, K)


def same_segment_mask(segment_ids: torch.Tensor) -> torch.Tensor:
    """Packed rows hold several sequences: a query sees only keys of its own one. Segment ids (B, T) number
    the sequences of a row from 1, with 0 for padding -> (B, 1, T, T)."""
    same = segment_ids[:, None, :, None] == segment_ids[:, None, None, :]
    return same & (segment_ids > 0)[:, None, None, :]


def bidirectional_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Every query sees every valid key: (B, K) -> (B, 1, 1, K)."""
    return attention_mask.bool()[:, None, None, :]


def positions_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Position ids that skip left padding: cumsum(mask) - 1, padding clamped to 0. (B, T) -> (B, T)."""
    return (attention_mask.long().cumsum(dim=-1) - 1).clamp(min=0)
