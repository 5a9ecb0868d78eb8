"""Holding what generation reads while the LLM learns to answer: the DiT condition of draw and edit prompts,
pulled towards the condition a frozen copy of the starting model gives them.

The DiT reads the LLM's last hidden states through the connector (the dual condition), so an LLM trained on
questions alone moves the condition under a DiT that was fitted to the old one, and generation has to be
trained again (docs/training.md, sessions 19 and 20). This is encoder stage 2's self-distillation applied
to the other path: a second loss that keeps the part the other half of the model reads where it was.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from unilip.model import UniLIP
from unilip.model.condition import build_condition
from unilip.train.stages import GenerationPair


def frozen(model: UniLIP) -> UniLIP:
    """`model` made a reference the condition is held to: in eval mode and never trained."""
    model.eval().requires_grad_(False)
    return model


def frozen_copy(model: UniLIP) -> UniLIP:
    """The model as it is now, as a reference, while `model` itself trains on."""
    return frozen(copy.deepcopy(model))


def condition_drift(model: UniLIP, reference: UniLIP, pair: GenerationPair) -> torch.Tensor:
    """Mean over both halves of `pair` of the MSE between the two models' conditions at the valid positions,
    over the reference condition's variance (so the weight does not depend on the connector's scale)."""
    drifts = []
    for batch in pair:
        with torch.no_grad():
            features = model.encode_images(batch.source) if batch.source is not None else None
            target, mask, _ = build_condition(reference, batch.ids, batch.mask, features, batch.image_positions)
        condition, _, _ = build_condition(model, batch.ids, batch.mask, features, batch.image_positions)
        valid = mask.bool()
        drifts.append(F.mse_loss(condition[valid], target[valid]) / target[valid].var())
    return torch.stack(drifts).mean()
