"""Batches for each stage, drawn on the fly from the Shapes world (every sample is new)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from unilip import world
from unilip.chat_template import IMG_CONTEXT
from unilip.pipelines import left_pad
from unilip.templates import edit_prompts, generate_prompts
from unilip.tokenizer import Tokenizer
from unilip.train.chats import IGNORE, encode_chat, sample_chat

# Share of text-to-image prompts that are knowledge prompts (the rest spread over GenEval's categories).
KNOWLEDGE_SHARE = 0.15
NULL_PROMPT_RATE = 0.1


def pixels_of(scenes: list[world.Scene], image_size: int) -> torch.Tensor:
    """Scenes rendered at the model's image size -> (B, 3, S, S) float in [0, 1]."""
    images = np.stack([world.render(s, image_size) for s in scenes])  # (B, S, S, 3) uint8
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0


def random_scene_pixels(rng: np.random.Generator, size: int, image_size: int) -> torch.Tensor:
    """`size` fresh training scenes, rendered: (B, 3, S, S)."""
    return pixels_of([world.sample_scene(rng) for _ in range(size)], image_size)


def right_pad(sequences: list[list[int]], value: int) -> torch.Tensor:
    width = max(len(s) for s in sequences)
    return torch.tensor([s + [value] * (width - len(s)) for s in sequences], dtype=torch.long)


@dataclass(frozen=True)
class ClipBatch:
    pixels: torch.Tensor  # (B, 3, S, S)
    ids: torch.Tensor  # (B, T)
    mask: torch.Tensor  # (B, T)


def clip_batch(rng: np.random.Generator, tokenizer: Tokenizer, size: int, max_len: int, image_size: int) -> ClipBatch:
    scenes = [world.sample_scene(rng) for _ in range(size)]
    ids = [tokenizer.encode(world.caption(s, rng))[:max_len] for s in scenes]
    padded = right_pad(ids, tokenizer.pad_id)
    mask = right_pad([[1] * len(i) for i in ids], 0)
    return ClipBatch(pixels_of(scenes, image_size), padded, mask)


@dataclass(frozen=True)
class ChatBatch:
    ids: torch.Tensor  # (B, T), right-padded
    mask: torch.Tensor  # (B, T)
    labels: torch.Tensor  # (B, T), IGNORE outside assistant answers
    pixels: torch.Tensor | None  # (I, 3, S, S), one per chat that has an image, in row order
    image_positions: torch.Tensor  # (B, T) bool, True at <IMG_CONTEXT>


def chat_batch(rng: np.random.Generator, tokenizer: Tokenizer, size: int, tokens_per_image: int,
               image_size: int, split: str = "train") -> ChatBatch:
    chats = [encode_chat(sample_chat(rng, split), tokenizer, tokens_per_image) for _ in range(size)]
    ids = right_pad([c.ids for c in chats], tokenizer.pad_id)
    scenes = [c.scene for c in chats if c.scene is not None]
    context = tokenizer.special_ids[IMG_CONTEXT]
    return ChatBatch(
        ids=ids,
        mask=right_pad([[1] * len(c.ids) for c in chats], 0),
        labels=right_pad([c.labels for c in chats], IGNORE),
        pixels=pixels_of(scenes, image_size) if scenes else None,
        image_positions=ids == context,
    )


@dataclass(frozen=True)
class GenBatch:
    ids: torch.Tensor  # (B, T), left-padded prompt ids
    mask: torch.Tensor  # (B, T)
    target: torch.Tensor  # (B, 3, S, S) the image to produce
    source: torch.Tensor | None  # (B, 3, S, S) the image to edit, for edit batches
    image_positions: torch.Tensor | None  # (B, T) bool


def _maybe_null(rng: np.random.Generator, pair: tuple[list[int], list[int]]) -> list[int]:
    cond, null = pair
    return null if rng.random() < NULL_PROMPT_RATE else cond


def text_to_image_batch(rng: np.random.Generator, tokenizer: Tokenizer, size: int, tokens_per_image: int,
                        image_size: int, split: str = "train") -> GenBatch:
    prompts = [
        world.knowledge_prompt(rng, split=split)
        if rng.random() < KNOWLEDGE_SHARE
        else world.gen_prompt(rng, world.GEN_CATEGORIES[int(rng.integers(len(world.GEN_CATEGORIES)))], split=split)
        for _ in range(size)
    ]
    ids = [_maybe_null(rng, generate_prompts(tokenizer, p.text, tokens_per_image)) for p in prompts]
    padded, mask = left_pad(ids, tokenizer.pad_id)
    return GenBatch(padded, mask, pixels_of([p.scene for p in prompts], image_size), None, None)


def edit_batch(rng: np.random.Generator, tokenizer: Tokenizer, size: int, tokens_per_image: int,
               image_size: int, split: str = "train") -> GenBatch:
    edits = [world.edit_instruction(world.sample_scene(rng, split=split), rng, split=split) for _ in range(size)]
    ids = [_maybe_null(rng, edit_prompts(tokenizer, e.instruction, tokens_per_image)) for e in edits]
    padded, mask = left_pad(ids, tokenizer.pad_id)
    return GenBatch(
        padded,
        mask,
        pixels_of([e.target for e in edits], image_size),
        pixels_of([e.source for e in edits], image_size),
        padded == tokenizer.special_ids[IMG_CONTEXT],
    )
