"""Batches for each stage, drawn on the fly from the Shapes world (every sample is new)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import TypeVar

import numpy as np
import torch

from unilip import world
from unilip.chat_template import IMG_CONTEXT
from unilip.pipelines import left_pad
from unilip.templates import edit_prompts, generate_prompts
from unilip.tokenizer import Tokenizer
from unilip.train.chats import IGNORE, EncodedChat, encode_chat, focus_chat, sample_chat

# Share of text-to-image prompts that are knowledge prompts (the rest spread over GenEval's categories).
KNOWLEDGE_SHARE = 0.15
NULL_PROMPT_RATE = 0.1
# Scenes drawn for an edit of the asked kinds before giving up: a full scene (the only one that allows no
# add) comes about once in MAX_OBJECTS draws, so 1000 misses mean the kinds never fit the split.
MAX_EDIT_SCENES = 1000


def pixels_of(scenes: list[world.Scene], image_size: int) -> torch.Tensor:
    """Scenes rendered at the model's image size -> (B, 3, S, S) float in [0, 1]."""
    images = np.stack([world.render(s, image_size) for s in scenes])  # (B, S, S, 3) uint8
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0


def random_scene_pixels(rng: np.random.Generator, size: int, image_size: int) -> torch.Tensor:
    """`size` fresh training scenes, rendered: (B, 3, S, S)."""
    return pixels_of([world.sample_scene(rng) for _ in range(size)], image_size)


Batch = TypeVar("Batch")


def _moved(batch: Batch, device: torch.device) -> Batch:
    """A dataclass of tensors (or None) with every tensor on `device`."""
    def move(t: torch.Tensor | None) -> torch.Tensor | None:
        return None if t is None else t.to(device, non_blocking=True)

    return type(batch)(*(move(getattr(batch, f.name)) for f in fields(batch)))


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
    """Chats packed into rows: a row holds one or more whole chats, each attending only to itself."""

    ids: torch.Tensor  # (R, T), right-padded rows
    segments: torch.Tensor  # (R, T), the chat's number within its row from 1, 0 at padding
    positions: torch.Tensor  # (R, T), each token's position within its own chat
    labels: torch.Tensor  # (R, T), IGNORE outside assistant answers
    pixels: torch.Tensor | None  # (I, 3, S, S), one per chat that has an image, in row-major order
    image_positions: torch.Tensor  # (R, T) bool, True at <IMG_CONTEXT>

    def to(self, device: torch.device) -> ChatBatch:
        return _moved(self, device)


def pack_rows(lengths: list[int]) -> list[list[int]]:
    """Indices of the chats in each row, first-fit decreasing into rows as long as the longest chat.

    One chat per row padded to the longest left 42% of an MLLM batch's tokens padding (14% packed); packed
    rows give the same loss and gradient, as each chat attends only to itself."""
    width = max(lengths)
    rows: list[list[int]] = []
    room: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        fits = next((r for r, free in enumerate(room) if lengths[index] <= free), None)
        if fits is None:
            rows.append([index])
            room.append(width - lengths[index])
        else:
            rows[fits].append(index)
            room[fits] -= lengths[index]
    return rows


def layout_chats(chats: list[EncodedChat], rows: list[list[int]], tokenizer: Tokenizer,
                 image_size: int) -> ChatBatch:
    """The chats laid out in `rows` (chat indices per row, each chat exactly once)."""

    def per_row(values: Callable[[int, EncodedChat], Iterable[int]]) -> list[list[int]]:
        return [[v for k, i in enumerate(row) for v in values(k, chats[i])] for row in rows]

    ids = right_pad(per_row(lambda k, c: c.ids), tokenizer.pad_id)
    scenes = [chats[i].scene for row in rows for i in row if chats[i].scene is not None]
    return ChatBatch(
        ids=ids,
        segments=right_pad(per_row(lambda k, c: [k + 1] * len(c.ids)), 0),
        positions=right_pad(per_row(lambda k, c: range(len(c.ids))), 0),
        labels=right_pad(per_row(lambda k, c: c.labels), IGNORE),
        pixels=pixels_of(scenes, image_size) if scenes else None,
        image_positions=ids == tokenizer.special_ids[IMG_CONTEXT],
    )


def chat_batch(rng: np.random.Generator, tokenizer: Tokenizer, size: int, tokens_per_image: int,
               image_size: int, split: str = "train", focus: int = 0,
               focus_qtypes: tuple[str, ...] = world.QTYPES) -> ChatBatch:
    """`size` fresh chats, packed: `focus` focus chats on `focus_qtypes`, the rest from the recipe's mix."""
    drawn = [focus_chat(rng, focus_qtypes, split) if i < focus else sample_chat(rng, split) for i in range(size)]
    chats = [encode_chat(chat, tokenizer, tokens_per_image) for chat in drawn]
    return layout_chats(chats, pack_rows([len(c.ids) for c in chats]), tokenizer, image_size)


@dataclass(frozen=True)
class GenBatch:
    ids: torch.Tensor  # (B, T), left-padded prompt ids
    mask: torch.Tensor  # (B, T)
    target: torch.Tensor  # (B, 3, S, S) the image to produce
    source: torch.Tensor | None  # (B, 3, S, S) the image to edit, for edit batches
    image_positions: torch.Tensor | None  # (B, T) bool

    def to(self, device: torch.device) -> GenBatch:
        return _moved(self, device)


def _maybe_null(rng: np.random.Generator, pair: tuple[list[int], list[int]]) -> list[int]:
    cond, null = pair
    return null if rng.random() < NULL_PROMPT_RATE else cond


@dataclass(frozen=True)
class PromptMix:
    """What text-to-image prompts are drawn: `placement` of them name the cell to draw in ("a red circle at
    the top left"), `knowledge` are knowledge prompts, the rest GenEval prompts spread evenly over
    `categories`. GenEval's prompts never name a cell, so without placement prompts nothing but add and move
    edits says where to draw. The default mix draws exactly what the recipe drew before mixes existed."""

    placement: float = 0.0
    knowledge: float = KNOWLEDGE_SHARE
    categories: tuple[str, ...] = world.GEN_CATEGORIES

    def __post_init__(self) -> None:
        if min(self.placement, self.knowledge) < 0 or self.placement + self.knowledge > 1:
            raise ValueError(f"placement and knowledge shares must be at least 0 and sum to at most 1, got "
                             f"{self.placement} and {self.knowledge}")
        unknown = set(self.categories) - set(world.GEN_CATEGORIES)
        if not self.categories or unknown:
            raise ValueError(f"categories must be some of {world.GEN_CATEGORIES}, got {self.categories}")

    def draw(self, rng: np.random.Generator, split: str) -> world.GenPrompt:
        share = rng.random()
        if share < self.placement:
            return world.placement_prompt(rng, split=split)
        if share < self.placement + self.knowledge:
            return world.knowledge_prompt(rng, split=split)
        return world.gen_prompt(rng, self.categories[int(rng.integers(len(self.categories)))], split=split)


def text_to_image_batch(rng: np.random.Generator, tokenizer: Tokenizer, size: int, tokens_per_image: int,
                        image_size: int, split: str = "train", mix: PromptMix = PromptMix()) -> GenBatch:
    prompts = [mix.draw(rng, split) for _ in range(size)]
    ids = [_maybe_null(rng, generate_prompts(tokenizer, p.text, tokens_per_image)) for p in prompts]
    padded, mask = left_pad(ids, tokenizer.pad_id)
    return GenBatch(padded, mask, pixels_of([p.scene for p in prompts], image_size), None, None)


def _edit_of(rng: np.random.Generator, kinds: tuple[str, ...], split: str) -> world.Edit:
    """An edit of one of `kinds` on a fresh scene, drawn again while the scene allows none of them (only
    adds can: a full scene has no room). With every kind the first scene always fits, so the stream is the
    one drawn before kinds could be chosen. Kinds that no scene of `split` allows are an EditError after
    MAX_EDIT_SCENES scenes, not an endless loop."""
    for _ in range(MAX_EDIT_SCENES):
        try:
            return world.edit_instruction(world.sample_scene(rng, split=split), rng, kinds, split=split)
        except world.EditError as error:
            last = error
    raise world.EditError(f"none of {MAX_EDIT_SCENES} {split} scenes allowed an edit of {kinds}: {last}")


def edit_batch(rng: np.random.Generator, tokenizer: Tokenizer, size: int, tokens_per_image: int,
               image_size: int, split: str = "train", kinds: tuple[str, ...] = world.EDIT_KINDS) -> GenBatch:
    edits = [_edit_of(rng, kinds, split) for _ in range(size)]
    ids = [_maybe_null(rng, edit_prompts(tokenizer, e.instruction, tokens_per_image)) for e in edits]
    padded, mask = left_pad(ids, tokenizer.pad_id)
    return GenBatch(
        padded,
        mask,
        pixels_of([e.target for e in edits], image_size),
        pixels_of([e.source for e in edits], image_size),
        padded == tokenizer.special_ids[IMG_CONTEXT],
    )
