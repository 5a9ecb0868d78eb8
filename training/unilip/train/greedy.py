"""Batched greedy decoding with a KV cache, for evaluating many short answers at once."""

from __future__ import annotations

import torch

from unilip.model import UniLIP
from unilip.model.masks import positions_from_mask
from unilip.pipelines import left_pad


@torch.no_grad()
def greedy_answers(
    model: UniLIP,
    prompts: list[list[int]],
    pixels: torch.Tensor | None,
    image_token_id: int,
    pad_id: int,
    stop_id: int,
    max_new_tokens: int,
) -> list[list[int]]:
    """Prompts (each with 0 or 1 image, in order of `pixels` (I, 3, S, S)) -> generated ids, stop excluded."""
    ids, mask = left_pad(prompts, pad_id)  # (B, T)
    embeds = model.embed_tokens(ids)  # (B, T, H)
    if pixels is not None:
        embeds = embeds.masked_scatter((ids == image_token_id)[..., None],
                                       model.image_inputs(model.encode_images(pixels)))
    logits, _, cache = model.decoder(embeds, mask, positions_from_mask(mask), model.empty_cache(len(prompts)))
    out: list[list[int]] = [[] for _ in prompts]
    finished = [False] * len(prompts)
    next_position = mask.sum(dim=1, keepdim=True)  # (B, 1)
    for _ in range(max_new_tokens):
        tokens = logits[:, -1].argmax(dim=-1)  # (B,)
        for row, token in enumerate(tokens.tolist()):
            if not finished[row]:
                if token == stop_id:
                    finished[row] = True
                else:
                    out[row].append(token)
        if all(finished):
            break
        mask = torch.cat((mask, torch.ones(len(prompts), 1, dtype=mask.dtype)), dim=1)
        logits, _, cache = model.decoder(model.embed_tokens(tokens[:, None]), mask, next_position, cache)
        next_position = next_position + 1
    return out
