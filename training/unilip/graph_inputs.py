"""Deterministic sample inputs for every graph: traced by the exporter and kept as golden fixtures.

Every symbolic axis gets a size > 1 (ONNX tracing bakes in sizes of 1), masks carry left padding so the
masking paths are exercised, and the decoder has two cases: an empty cache (P = 0) and a cache filled by
that first call (P > 0, the case that is traced).
"""
from __future__ import annotations

import torch

from unilip.export_graphs import graph_specs
from unilip.model import UniLIP
from unilip.model.masks import positions_from_mask

SAMPLE_BATCH = 2
SAMPLE_SEQ = 5
SAMPLE_NEW_TOKENS = 2
SAMPLE_COND = 7
# Left padding of the first row in every masked sample.
SAMPLE_PADDING = 2

# Fixture case name -> graph it runs; the traced case of each graph is listed first.
GRAPH_CASES = {
    "vision_encoder": "vision_encoder",
    "embed_tokens": "embed_tokens",
    "decoder_cached": "decoder",
    "decoder": "decoder",
    "connector": "connector",
    "dit_condition": "dit_condition",
    "dit": "dit",
    "pixel_decoder": "pixel_decoder",
    "latent_encoder": "latent_encoder",
}


def _left_padded_mask(batch: int, length: int) -> torch.Tensor:
    mask = torch.ones(batch, length, dtype=torch.int64)  # (B, L)
    mask[0, :SAMPLE_PADDING] = 0
    return mask


@torch.no_grad()
def graph_inputs(model: UniLIP, seed: int) -> dict[str, dict[str, torch.Tensor]]:
    """Fixture case name -> named inputs, all drawn from one seeded generator."""
    config = model.config
    g = torch.Generator().manual_seed(seed)
    b, size, c, h = SAMPLE_BATCH, config.vision.image_size, config.latent_channels, config.latent_size
    n_img = config.vision.tokens_per_image
    llm = config.llm
    pixels = torch.rand(b, 3, size, size, generator=g)  # (B, 3, S, S)
    ids = torch.randint(0, llm.vocab_size, (b, SAMPLE_SEQ), generator=g)  # (B, T)
    embeds = torch.randn(b, SAMPLE_SEQ, llm.hidden_size, generator=g)  # (B, T, H)
    mask = _left_padded_mask(b, SAMPLE_SEQ)
    empty = torch.zeros(b, llm.num_kv_heads, 0, llm.head_dim)  # (B, KV, 0, D)
    first = {
        "inputs_embeds": embeds,
        "attention_mask": mask,
        "position_ids": positions_from_mask(mask),
        **{f"past_key_values.{i}.{part}": empty for i in range(llm.num_layers) for part in ("key", "value")},
    }
    _, _, present = model.decoder(embeds, mask, first["position_ids"], None)
    full_mask = torch.cat((mask, torch.ones(b, SAMPLE_NEW_TOKENS, dtype=torch.int64)), dim=1)  # (B, P+T)
    cached = {
        "inputs_embeds": torch.randn(b, SAMPLE_NEW_TOKENS, llm.hidden_size, generator=g),  # (B, T, H)
        "attention_mask": full_mask,
        "position_ids": positions_from_mask(full_mask)[:, SAMPLE_SEQ:],  # (B, T)
        **{f"past_key_values.{i}.{part}": kv
           for i, pair in enumerate(present) for part, kv in zip(("key", "value"), pair)},
    }
    cond_mask = _left_padded_mask(b, SAMPLE_COND)
    image_mask = torch.zeros(b, SAMPLE_COND, dtype=torch.int64)  # (B, L): the second row holds an image
    image_mask[1, SAMPLE_PADDING : SAMPLE_PADDING + min(n_img, SAMPLE_COND - SAMPLE_PADDING)] = 1
    projected = [t.name for t in graph_specs(config)["dit_condition"].outputs]
    dit_condition = {
        "condition": torch.randn(b, SAMPLE_COND, config.dit.caption_channels, generator=g),  # (B, L, Cc)
        "condition_mask": cond_mask,
        "image_mask": image_mask,
    }
    return {
        "vision_encoder": {"pixel_values": pixels},
        "embed_tokens": {"input_ids": ids},
        "decoder_cached": cached,
        "decoder": first,
        "connector": {
            "hidden_states": torch.randn(b, SAMPLE_COND, llm.hidden_size, generator=g),  # (B, L, H)
            "attention_mask": cond_mask,
        },
        "dit_condition": dit_condition,
        "dit": {
            "latents": torch.randn(b, c, h, h, generator=g),  # (B, C, h, w)
            "timestep": torch.linspace(900.0, 250.0, b),  # (B,) sigma * 1000
            **dict(zip(projected, model.dit_condition(**dit_condition))),
        },
        "pixel_decoder": {"latents": torch.randn(b, c, h, h, generator=g)},  # (B, C, h, w)
        "latent_encoder": {"image_features": torch.randn(b, n_img, llm.hidden_size, generator=g)},  # (B, N, H)
    }
