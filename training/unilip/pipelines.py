"""Reference PyTorch inference for the four routes, given token ids (the tokenizer lives elsewhere).

Each pipeline returns a dict of every intermediate tensor, the material for golden fixtures that the
TypeScript engine is checked against step by step. Batch size is 1 (one request); generation and
editing run the null and conditional prompts as a batch of two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from .model.condition import ConditionTrace, trace_condition
from .model.errors import ModelInputError, expect_shape
from .model.unilip import UniLIP
from .sampling import DEFAULT_SHIFT, DitCall, SamplerName, StepRecord, sample

Intermediates = dict[str, Any]


def left_pad(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Token id lists -> ids (B, T) left-padded with `pad_id`, mask (B, T) with 0 on padding."""
    if not sequences or any(len(seq) == 0 for seq in sequences):
        raise ModelInputError("left_pad needs at least one non-empty sequence")
    length = max(len(seq) for seq in sequences)
    ids = torch.full((len(sequences), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), length), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, length - len(seq) :] = torch.tensor(list(seq), dtype=torch.long)
        mask[row, length - len(seq) :] = 1
    return ids, mask


def _check_length(model: UniLIP, length: int) -> None:
    limit = model.config.llm.max_position
    if length > limit:
        raise ModelInputError(f"sequence of {length} positions exceeds llm.max_position {limit}")


def _prompt_pair(
    model: UniLIP, null_ids: Sequence[int], cond_ids: Sequence[int], pad_id: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The CFG batch: ids and mask (2, T), null prompt first, checked to fit with the queries after it."""
    input_ids, mask = left_pad([null_ids, cond_ids], pad_id)  # (2, T)
    _check_length(model, input_ids.shape[1] + model.config.n_query)
    return input_ids, mask


@torch.no_grad()
def understand_greedy(
    model: UniLIP,
    input_ids: torch.Tensor,
    images: torch.Tensor | None,
    image_token_id: int,
    max_new_tokens: int,
    eos_ids: Sequence[int],
) -> Intermediates:
    """Greedy decoding with a KV cache. input_ids (1, T); images (n, 3, S, S) fill the `image_token_id`
    positions in order. The stop token ends decoding and is not part of `output_ids`."""
    expect_shape("input_ids", input_ids, (1, None))
    length = input_ids.shape[1]
    if max_new_tokens < 1:
        raise ModelInputError(f"max_new_tokens must be at least 1, got {max_new_tokens}")
    _check_length(model, length + max_new_tokens)

    embeds = model.embed_tokens(input_ids)  # (1, T, H)
    positions = input_ids == image_token_id  # (1, T)
    features = torch.zeros(1, 0, model.config.llm.hidden_size)
    if images is not None:
        per_image = model.image_inputs(model.encode_images(images))  # (n, N, H), what the LLM reads
        features = per_image.reshape(1, -1, per_image.shape[-1])  # (1, n*N, H)
    if int(positions.sum()) != features.shape[1]:
        raise ModelInputError(f"{int(positions.sum())} image token positions but {features.shape[1]} image features")
    if features.numel() > 0:
        embeds = embeds.masked_scatter(positions[..., None], features)

    mask = torch.ones(1, length, dtype=torch.long)
    position_ids = torch.arange(length)[None]  # (1, T)
    prefill_logits, _, cache = model.decoder(embeds, mask, position_ids, model.empty_cache(1))
    step_logits = [prefill_logits[:, -1]]
    tokens: list[int] = []
    finish_reason = "length"
    while True:
        token = int(step_logits[-1].argmax(dim=-1))
        if token in eos_ids:
            finish_reason = "stop"
            break
        tokens.append(token)
        if len(tokens) == max_new_tokens:
            break
        total = length + len(tokens)
        token_embeds = model.embed_tokens(torch.tensor([[token]]))  # (1, 1, H)
        logits, _, cache = model.decoder(
            token_embeds, torch.ones(1, total, dtype=torch.long), torch.tensor([[total - 1]]), cache
        )
        step_logits.append(logits[:, -1])
    return {
        "input_ids": input_ids,
        "image_tokens": features,
        "inputs_embeds": embeds,
        "prefill_logits": prefill_logits,
        "step_logits": torch.cat(step_logits, dim=0),  # (steps, V): row k chooses token k
        "output_ids": torch.tensor(tokens, dtype=torch.long),
        "finish_reason": finish_reason,
    }


def _sample_and_decode(
    model: UniLIP,
    trace: ConditionTrace,
    noise: torch.Tensor,
    steps: int,
    guidance: float,
    sampler: SamplerName,
    shift: float,
) -> Intermediates:
    size = model.config.latent_size
    expect_shape("noise", noise, (1, model.config.latent_channels, size, size))
    records: list[StepRecord] = []
    calls: list[DitCall] = []
    latents = sample(
        model,
        trace.condition,
        trace.attention_mask,
        noise,
        steps,
        guidance,
        sampler,
        shift,
        callback=records.append,
        on_call=calls.append,
        image_mask=trace.image_mask,
    )
    unscaled = latents / model.config.unilip_factor
    pixels = model.decode_latents(unscaled)
    return {
        "inputs_embeds": trace.inputs_embeds,
        "attention_mask": trace.attention_mask,
        "position_ids": trace.position_ids,
        "hidden_states": trace.hidden_states,
        "condition": trace.condition,
        "image_mask": trace.image_mask,
        "noise": noise,
        "sigmas": torch.tensor([r.sigma for r in records] + [records[-1].sigma_next], dtype=torch.float32),
        "step_latents": torch.stack([r.latents for r in records]),  # (steps, 1, C, h, w)
        "step_velocity": torch.stack([r.velocity for r in records]),  # guided, (steps, 1, C, h, w)
        "step_denoised": torch.stack([r.denoised for r in records]),  # x0 estimates
        "dit_latents": torch.stack([c.latents for c in calls]),  # (steps, 2, C, h, w)
        "dit_timestep": torch.stack([c.timestep for c in calls]),  # (steps, 2)
        "dit_velocity": torch.stack([c.velocity for c in calls]),  # raw, null half first
        "latents": latents,
        "unscaled_latents": unscaled,
        "pixels": pixels,
        "image": pixels.clamp(0.0, 1.0),
        "settings": {"steps": steps, "guidance": guidance, "sampler": sampler, "shift": shift},
    }


@torch.no_grad()
def generate(
    model: UniLIP,
    cond_ids: Sequence[int],
    null_ids: Sequence[int],
    noise: torch.Tensor,
    steps: int,
    guidance: float,
    sampler: SamplerName = "dpm-solver++2m",
    shift: float = DEFAULT_SHIFT,
    pad_id: int = 0,
) -> Intermediates:
    """Text -> image. `cond_ids` / `null_ids`: the full rendered prompts (template + `<img>`);
    noise (1, C, h, w) is the initial latent at sigma 1."""
    input_ids, mask = _prompt_pair(model, null_ids, cond_ids, pad_id)  # (2, T): null first
    trace = trace_condition(model, input_ids, mask)
    return {"input_ids": input_ids} | _sample_and_decode(model, trace, noise, steps, guidance, sampler, shift)


@torch.no_grad()
def edit(
    model: UniLIP,
    cond_ids: Sequence[int],
    null_ids: Sequence[int],
    image: torch.Tensor,
    image_token_id: int,
    noise: torch.Tensor,
    steps: int,
    guidance: float,
    sampler: SamplerName = "dpm-solver++2m",
    shift: float = DEFAULT_SHIFT,
    pad_id: int = 0,
) -> Intermediates:
    """Image + instruction -> image. Both prompts carry the image's `image_token_id` positions; the
    source features fill them in both CFG halves, so guidance acts on the text only."""
    size = model.config.vision.image_size
    expect_shape("image", image, (1, 3, size, size))
    input_ids, mask = _prompt_pair(model, null_ids, cond_ids, pad_id)  # (2, T): null first
    features = model.encode_images(image)  # (1, N, H)
    both = features.expand(2, features.shape[1], features.shape[2])  # (2, N, H)
    trace = trace_condition(model, input_ids, mask, both, input_ids == image_token_id)
    result = _sample_and_decode(model, trace, noise, steps, guidance, sampler, shift)
    return {"input_ids": input_ids, "source_image": image, "image_features": features} | result


@torch.no_grad()
def reconstruct(model: UniLIP, pixels: torch.Tensor) -> Intermediates:
    """Encoder -> clip_down -> pixel decoder: pixels (B, 3, S, S) -> pixels."""
    features = model.encode_images(pixels)
    latents = model.latents_from_features(features)
    decoded = model.decode_latents(latents)
    return {"pixel_values": pixels, "image_features": features, "latents": latents, "pixels": decoded,
            "image": decoded.clamp(0.0, 1.0)}
