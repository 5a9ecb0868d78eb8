"""The generation/edit data flow from prompt ids to the DiT condition (the dual condition).

Inference and generation training both call `build_condition`, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .errors import ModelInputError, expect_shape
from .masks import positions_from_mask
from .unilip import UniLIP


@dataclass(frozen=True)
class ConditionTrace:
    """Every tensor on the way from prompt to condition (the `decoder` and `connector` graph inputs)."""

    inputs_embeds: torch.Tensor  # (B, T+Q, H), image features and queries in place
    attention_mask: torch.Tensor  # (B, T+Q), also the condition mask
    position_ids: torch.Tensor  # (B, T+Q)
    hidden_states: torch.Tensor  # (B, T+Q, H), after the edit overwrite
    condition: torch.Tensor  # (B, T+Q, Cc)
    image_mask: torch.Tensor  # (B, T+Q) int64, 1 where the source image's features sit (the `dit_condition` input)


def trace_condition(
    model: UniLIP,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    image_features: torch.Tensor | None = None,
    image_positions_mask: torch.Tensor | None = None,
    queries_only: bool = False,
) -> ConditionTrace:
    """`build_condition`, keeping the intermediates."""
    expect_shape("input_ids", input_ids, (None, None))
    batch, length = input_ids.shape
    expect_shape("attention_mask", attention_mask, (batch, length))
    if (image_features is None) != (image_positions_mask is None):
        raise ModelInputError("image_features and image_positions_mask go together")
    embeds = model.embed_tokens(input_ids)  # (B, T, H)
    positions: torch.Tensor | None = None
    if image_features is not None and image_positions_mask is not None:
        positions = _image_positions(image_features, image_positions_mask, batch, length)
        embeds = embeds.masked_scatter(positions[..., None], model.image_inputs(image_features))

    n_query = model.config.n_query
    queries = model.queries[None].expand(batch, n_query, model.queries.shape[1])  # (B, Q, H)
    ones = torch.ones(batch, n_query, dtype=torch.long, device=input_ids.device)
    mask = torch.cat((attention_mask.long(), ones), dim=1)  # (B, T+Q)
    position_ids = positions_from_mask(mask)
    prompt = embeds
    embeds = torch.cat((prompt, queries), dim=1)  # (B, T+Q, H)
    prompt_needs_grad = prompt.requires_grad or any(p.requires_grad for p in model.llm.parameters())
    if torch.is_grad_enabled() and not prompt_needs_grad:
        # Generation training (LLM and prompt frozen): the prompt goes through the LLM without gradient and
        # the queries after it from its cache, so the backward pass keeps only the queries' positions. The
        # valid positions equal one call's (the LLM is causal); a left-padding row, masked out downstream,
        # averages over the prompt only. Inference keeps one call, as the exported graphs run it.
        with torch.no_grad():
            _, prompt_hidden, cache = model.decoder(prompt, attention_mask, position_ids[:, :length],
                                                    model.empty_cache(batch))
        _, query_hidden, _ = model.decoder(queries, mask, position_ids[:, length:], cache)
        hidden = torch.cat((prompt_hidden, query_hidden), dim=1)  # (B, T+Q, H)
    else:
        _, hidden, _ = model.decoder(embeds, mask, position_ids, model.empty_cache(batch))

    image_mask = torch.zeros_like(mask)
    if queries_only:
        # The ablation's MetaQuery-style condition: only the queries' hidden states reach the DiT.
        hidden, mask, image_mask = hidden[:, -n_query:], mask[:, -n_query:], image_mask[:, -n_query:]
    elif image_features is not None and positions is not None:
        no_queries = torch.zeros(batch, n_query, dtype=torch.bool, device=positions.device)
        at_image = torch.cat((positions, no_queries), dim=1)  # (B, T+Q)
        hidden = hidden.masked_scatter(at_image[..., None], image_features)
        image_mask = at_image.long()
    return ConditionTrace(embeds, mask, position_ids, hidden, model.connect(hidden, mask), image_mask)


def build_condition(
    model: UniLIP,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    image_features: torch.Tensor | None = None,
    image_positions_mask: torch.Tensor | None = None,
    queries_only: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Prompt ids (B, T) left-padded with mask (B, T) -> condition (B, T + n_query, Cc), its mask and its
    image mask (both (B, T + n_query); the image mask marks where the source image's features sit).

    For edits, `image_features` (B, N, H) go in at the N True positions per row of
    `image_positions_mask` (B, T), and overwrite the LLM's last hidden states there again, so the DiT
    sees the raw encoder features of the source image. `queries_only` is the ablation without that dual
    condition: the DiT sees the n_query queries' states only, (B, n_query, Cc), and the image only
    through them.
    """
    trace = trace_condition(model, input_ids, attention_mask, image_features, image_positions_mask, queries_only)
    return trace.condition, trace.attention_mask, trace.image_mask


def _image_positions(features: torch.Tensor, positions_mask: torch.Tensor, batch: int, length: int) -> torch.Tensor:
    expect_shape("image_positions_mask", positions_mask, (batch, length))
    expect_shape("image_features", features, (batch, None, None))
    positions = positions_mask.bool()
    counts = positions.sum(dim=1).tolist()
    if any(count != features.shape[1] for count in counts):
        raise ModelInputError(
            f"image_positions_mask marks {counts} positions per row, image_features has {features.shape[1]}"
        )
    return positions
