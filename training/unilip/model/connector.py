"""Connector: a copy of the LLM's last layers + final norm, run bidirectionally, then the projector.

Turns the prompt's last-layer hidden states (text + queries) into the DiT condition.
"""

from __future__ import annotations

import torch
from torch import nn

from ..config import UniLIPConfig
from .llm import LanguageModel
from .masks import bidirectional_mask, positions_from_mask
from .qwen2_layer import Qwen2Layer, RMSNorm
from .rope import RotaryTables


class Connector(nn.Module):
    def __init__(self, config: UniLIPConfig) -> None:
        super().__init__()
        llm = config.llm
        self.layers = nn.ModuleList(Qwen2Layer(llm) for _ in range(config.connector_layers))
        self.norm = RMSNorm(llm.hidden_size, llm.rms_norm_eps)
        self.rotary = RotaryTables(llm.head_dim, llm.rope_theta)
        self.projector = nn.Linear(llm.hidden_size, config.dit.caption_channels)

    @torch.no_grad()
    def copy_from(self, language_model: LanguageModel) -> None:
        """Start from the LLM's last layers and final norm, as UniLIP initialises its connector."""
        last = language_model.layers[len(language_model.layers) - len(self.layers) :]
        for mine, theirs in zip(self.layers, last):
            mine.load_state_dict(theirs.state_dict())
        self.norm.load_state_dict(language_model.norm.state_dict())

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(B, L, H), mask (B, L) -> condition (B, L, Cc); padded positions are never attended to."""
        mask = bidirectional_mask(attention_mask)  # (B, 1, 1, L)
        cos, sin = self.rotary(positions_from_mask(attention_mask))
        x = hidden_states
        for layer in self.layers:
            x, _ = layer(x, cos, sin, mask)
        return self.projector(self.norm(x))
