"""The UniLIP recipe as step functions, one per stage (see docs/unilip-reference.md, "Training recipe").

Each `*_step` builds the loss of one batch; `recipe.py` decides which parameters train and for how long.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from unilip import world
from unilip.config import UniLIPConfig
from unilip.model import UniLIP
from unilip.model.condition import build_condition
from unilip.sampling import flow_matching_loss
from unilip.tokenizer import Tokenizer
from unilip.train import batches
from unilip.train.chats import IGNORE

# Weight of the image-gradient term next to L2 in the reconstruction loss.
GRADIENT_LOSS_WEIGHT = 0.5
# Weight of the self-distillation term (normalised by the teacher's feature variance).
DISTILL_WEIGHT = 1.0
# Share of edit pairs in a generation batch; the rest is text-to-image.
EDIT_SHARE = 0.4


def clip_step(model: UniLIP, tokenizer: Tokenizer, rng: np.random.Generator, batch_size: int) -> dict[str, torch.Tensor]:
    """Symmetric InfoNCE between images and their captions."""
    batch = batches.clip_batch(rng, tokenizer, batch_size, model.config.clip.max_text_len,
                               model.config.vision.image_size)
    image = model.clip_image_embed(batch.pixels)  # (B, E)
    text = model.clip_text_embed(batch.ids, batch.mask)  # (B, E)
    logits = model.clip_logit_scale.exp() * image @ text.T  # (B, B)
    target = torch.arange(batch_size)
    loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
    return {"loss": loss}


def chat_logits(model: UniLIP, batch: batches.ChatBatch) -> torch.Tensor:
    """Teacher-forced logits (R, T, V) of a chat batch, image features at the context positions."""
    embeds = model.embed_tokens(batch.ids)  # (R, T, H)
    if batch.pixels is not None:
        features = model.encode_images(batch.pixels)  # (I, N, H)
        embeds = embeds.masked_scatter(batch.image_positions[..., None], model.image_inputs(features))
    mask = (batch.segments > 0).long()
    logits, _, _ = model.decoder(embeds, mask, batch.positions, model.empty_cache(len(embeds)), batch.segments)
    return logits


def mllm_step(model: UniLIP, tokenizer: Tokenizer, rng: np.random.Generator, batch_size: int) -> dict[str, torch.Tensor]:
    batch = batches.chat_batch(rng, tokenizer, batch_size, model.config.vision.tokens_per_image,
                               model.config.vision.image_size)
    return {"loss": chat_loss(model, batch)}


def chat_loss(model: UniLIP, batch: batches.ChatBatch) -> torch.Tensor:
    """Next-token cross-entropy over the assistant answers."""
    logits = chat_logits(model, batch)
    return F.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]),  # (R * (T-1), V)
        batch.labels[:, 1:].reshape(-1),
        ignore_index=IGNORE,
    )


def reconstruction_loss(recon: torch.Tensor, pixels: torch.Tensor) -> dict[str, torch.Tensor]:
    """L2 plus an L1 loss on horizontal and vertical image gradients (keeps edges sharp)."""
    l2 = F.mse_loss(recon, pixels)
    grad = F.l1_loss(recon.diff(dim=-1), pixels.diff(dim=-1)) + F.l1_loss(recon.diff(dim=-2), pixels.diff(dim=-2))
    return {"l2": l2, "grad": grad, "loss": l2 + GRADIENT_LOSS_WEIGHT * grad}


def encoder_stage1_step(model: UniLIP, rng: np.random.Generator, batch_size: int) -> dict[str, torch.Tensor]:
    pixels = batches.random_scene_pixels(rng, batch_size, model.config.vision.image_size)
    return reconstruction_loss(model.decode_latents(model.encode_latents(pixels)), pixels)


def encoder_stage2_step(model: UniLIP, teacher: nn.Module, rng: np.random.Generator, batch_size: int) -> dict[str, torch.Tensor]:
    """Reconstruction with the encoder unfrozen, held to the frozen stage-1 encoder's `mlp1` output."""
    pixels = batches.random_scene_pixels(rng, batch_size, model.config.vision.image_size)
    features = model.encode_images(pixels)  # (B, N, H)
    with torch.no_grad():
        target = teacher(pixels)  # (B, N, H)
    losses = reconstruction_loss(model.decode_latents(model.latents_from_features(features)), pixels)
    distill = F.mse_loss(features, target) / target.var()
    losses["distill"] = distill
    losses["loss"] = losses["loss"] + DISTILL_WEIGHT * distill
    return losses


@torch.no_grad()
def measure_latent_factor(model: UniLIP, rng: np.random.Generator, samples: int = 256) -> float:
    """unilip_factor = 1 / std of the latents, so the DiT sees unit-variance data (as SANA assumes)."""
    pixels = batches.random_scene_pixels(rng, samples, model.config.vision.image_size)
    return float(1.0 / model.encode_latents(pixels).std())


def _gen_loss(model: UniLIP, batch: batches.GenBatch, generator: torch.Generator, queries_only: bool,
              logit_mean: float) -> torch.Tensor:
    factor = model.config.unilip_factor
    batch = batch.to(model.queries.device)
    with torch.no_grad():
        x0 = model.encode_latents(batch.target) * factor  # (B, C, h, w)
        features = model.encode_images(batch.source) if batch.source is not None else None  # (B, N, H)
    condition, mask, image_mask = build_condition(model, batch.ids, batch.mask, features, batch.image_positions,
                                                  queries_only)
    return flow_matching_loss(model, x0, condition, mask, generator, logit_mean=logit_mean, image_mask=image_mask)


GenerationPair = tuple[batches.GenBatch, batches.GenBatch]


def edit_count(batch_size: int, edit_share: float) -> int:
    """Edit pairs in a generation batch of `batch_size`: its share, and at least one."""
    return max(1, round(batch_size * edit_share))


def generation_batches(rng: np.random.Generator, tokenizer: Tokenizer, config: UniLIPConfig, batch_size: int,
                       edit_share: float = EDIT_SHARE, mix: batches.PromptMix = batches.PromptMix(),
                       edit_kinds: tuple[str, ...] = world.EDIT_KINDS) -> GenerationPair:
    """A text-to-image batch drawn from `mix` and an edit batch of `edit_kinds` that together hold
    `batch_size` samples (at least one edit)."""
    n_edit = edit_count(batch_size, edit_share)
    tokens, size = config.vision.tokens_per_image, config.vision.image_size
    return (batches.text_to_image_batch(rng, tokenizer, batch_size - n_edit, tokens, size, mix=mix),
            batches.edit_batch(rng, tokenizer, n_edit, tokens, size, kinds=edit_kinds))


def generation_loss(model: UniLIP, pair: GenerationPair, generator: torch.Generator,
                    queries_only: bool = False, logit_mean: float = 0.0) -> dict[str, torch.Tensor]:
    """Flow matching on both halves of `pair` (they differ in length, so they run apart), weighted by size;
    `queries_only` trains the ablation's condition (see `build_condition`). `logit_mean` > 0 draws more
    high-noise timesteps, the only ones where where an object goes is not already in the noisy latent."""
    t2i_batch, edit_batch = pair
    t2i = _gen_loss(model, t2i_batch, generator, queries_only, logit_mean)
    edit = _gen_loss(model, edit_batch, generator, queries_only, logit_mean)
    share = len(edit_batch.ids) / (len(t2i_batch.ids) + len(edit_batch.ids))
    return {"t2i": t2i, "edit": edit, "loss": (1 - share) * t2i + share * edit}


def generation_step(model: UniLIP, tokenizer: Tokenizer, rng: np.random.Generator, generator: torch.Generator,
                    batch_size: int, queries_only: bool = False) -> dict[str, torch.Tensor]:
    """One generation batch drawn and its loss (the numpy and torch draws are separate streams, so drawing
    both halves first changes no sample)."""
    return generation_loss(model, generation_batches(rng, tokenizer, model.config, batch_size), generator,
                           queries_only)
