"""Qwen2-style causal language model with an explicit KV cache (the `decoder` graph)."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ..config import LLMConfig
from .masks import causal_padding_mask, same_segment_mask
from .qwen2_layer import Qwen2Layer, RMSNorm
from .rope import RotaryTables

KVCache = list[tuple[torch.Tensor, torch.Tensor]]


class LanguageModel(nn.Module):
    def __init__(self, config: LLMConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.hidden_size)
        nn.init.normal_(self.embed.weight, std=0.02)
        self.layers = nn.ModuleList(Qwen2Layer(config) for _ in range(config.num_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.rotary = RotaryTables(config.head_dim, config.rope_theta)
        self.lm_head = None if config.tie_embeddings else nn.Linear(config.hidden_size, config.vocab_size, bias=False)

    def empty_cache(self, batch: int) -> KVCache:
        """A cache with P = 0 for every layer."""
        shape = (batch, self.config.num_kv_heads, 0, self.config.head_dim)
        device = self.embed.weight.device
        return [(torch.zeros(shape, device=device), torch.zeros(shape, device=device)) for _ in self.layers]

    def logits(self, hidden_states: torch.Tensor) -> torch.Tensor:
        if self.lm_head is None:
            return F.linear(hidden_states, self.embed.weight)
        return self.lm_head(hidden_states)

    def forward(
        self,
        inputs_embeds: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        past_key_values: KVCache,
        segment_ids: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, KVCache]:
        """(B, T, H), mask (B, P+T), positions (B, T), cache of (B, KV, P, D) ->
        logits (B, T, V), final-norm hidden states (B, T, H), cache of (B, KV, P+T, D).

        `segment_ids` (B, T): packed rows for training (see `same_segment_mask`), with an empty cache."""
        mask = causal_padding_mask(attention_mask, inputs_embeds.shape[1])  # (B, 1, T, P+T)
        if segment_ids is not None:
            mask = mask & same_segment_mask(segment_ids)
        cos, sin = self.rotary(position_ids)
        x = inputs_embeds
        present: KVCache = []
        for layer, past in zip(self.layers, past_key_values):
            x, kv = layer(x, cos, sin, mask, past)
            present.append(kv)
        hidden_states = self.norm(x)
        return self.logits(hidden_states), hidden_states, present
