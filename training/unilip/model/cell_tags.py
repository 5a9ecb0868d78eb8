"""Cell tags: what each image token shows, named in the LLM's own word space, added to the token the LLM reads.

A head reads attributes of the token's own cell from its features (for Shapes: shape, colour and size, each
with a class for "none"); each attribute's class probabilities weight a table of embeddings, started from the
LLM's embeddings of the words (training/unilip/train/cell_tags.py), and a learned code per token slot says
where the token sits. Only the LLM's input gets the tags: the latents and the edit condition's written-over
features stay the encoder's, so generation is untouched. Global ViT tokens hold their own cell's shape in a
small part of their variance, and the LLM did not learn to find an object by shape or place from them
(docs/training.md, sessions 12-23); with tags a fresh LLM does.
"""

from __future__ import annotations

import torch
from torch import nn


class CellTags(nn.Module):
    def __init__(self, hidden: int, classes: tuple[int, ...], tokens: int) -> None:
        super().__init__()
        self.classes = classes
        self.heads = nn.Sequential(nn.LayerNorm(hidden), nn.Linear(hidden, hidden), nn.GELU(),
                                   nn.Linear(hidden, sum(classes)))
        # Random at first so an untrained package's tagged tokens differ from its features (tests see the
        # wiring); cell_tags training starts them from scaled word embeddings and orthonormal codes. Scales
        # live in the tables themselves, not in separate gains, which the ONNX export would fold away.
        self.tables = nn.ParameterList(nn.Parameter(torch.randn(n, hidden) * 0.5) for n in classes)
        self.slot_codes = nn.Parameter(torch.randn(tokens, hidden) * 0.5)

    def logits(self, features: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """(B, N, H) -> one (B, N, classes[i]) per attribute."""
        return tuple(self.heads(features).split(list(self.classes), dim=-1))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Image features (B, N, H) -> the LLM's inputs at those tokens (B, N, H)."""
        content = sum(logits.softmax(-1) @ table for logits, table in zip(self.logits(features), self.tables))
        return features + content + self.slot_codes
