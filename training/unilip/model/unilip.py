"""The UniLIP model: one vision tower serving understanding, reconstruction and generation.

Each public method is one exported graph (names as in docs/model-package.md); the export wraps them
one by one, so they take and return plain tensors and build every mask inside.
"""

from __future__ import annotations

import torch
from torch import nn

from ..config import UniLIPConfig
from .cell_tags import CellTags
from .clip import ImageHead, TextTower
from .connector import Connector
from .dit import SanaDiT
from .errors import ModelInputError, expect_shape, expect_token_ids
from .llm import KVCache, LanguageModel
from .pixel_decoder import PixelDecoder
from .vision import VisionTower


class UniLIP(nn.Module):
    def __init__(self, config: UniLIPConfig) -> None:
        super().__init__()
        self.config = config
        hidden = config.llm.hidden_size
        self.vision = VisionTower(config.vision, hidden)
        self.llm = LanguageModel(config.llm)
        self.queries = nn.Parameter(torch.randn(config.n_query, hidden) * 0.02)
        self.connector = Connector(config)
        self.connector.copy_from(self.llm)
        self.clip_down = nn.Linear(hidden, config.latent_channels)
        self.denoiser = SanaDiT(config.dit, config.latent_channels, config.latent_size)
        self.pixel_decoder = PixelDecoder(config.decoder, config.latent_channels)
        self.clip_text = TextTower(config.clip, config.llm.vocab_size)
        self.clip_image = ImageHead(config.clip, config.vision.hidden_size)
        self.cell_tags = (CellTags(hidden, config.cell_tags, config.vision.tokens_per_image)
                          if config.cell_tags else None)

    def _expect_pixels(self, pixel_values: torch.Tensor) -> None:
        size = self.config.vision.image_size
        expect_shape("pixel_values", pixel_values, (None, 3, size, size))

    def _expect_latents(self, latents: torch.Tensor) -> None:
        size = self.config.latent_size
        expect_shape("latents", latents, (None, self.config.latent_channels, size, size))

    def encode_images(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) RGB in [0, 1] -> image features (B, N, H) in the LLM space."""
        self._expect_pixels(pixel_values)
        return self.vision(pixel_values)

    def image_inputs(self, features: torch.Tensor) -> torch.Tensor:
        """Image features (B, N, H) -> what the LLM reads at their tokens: the features, tagged when the model
        has cell tags. The latents and the edit condition's written-over features stay the bare features."""
        return features if self.cell_tags is None else self.cell_tags(features)

    def encode_images_and_inputs(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 3, S, S) -> (image features, the LLM's inputs at their tokens), each (B, N, H)."""
        features = self.encode_images(pixel_values)
        return features, self.image_inputs(features)

    def vit_features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) -> ViT tokens before pixel shuffle (B, grid^2, d)."""
        self._expect_pixels(pixel_values)
        return self.vision.features(pixel_values)

    def clip_image_embed(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) -> L2-normalised (B, E)."""
        return self.clip_image(self.vit_features(pixel_values))

    def clip_text_embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """ids (B, T), mask (B, T) with T <= clip.max_text_len -> L2-normalised (B, E)."""
        expect_shape("input_ids", input_ids, (None, None))
        expect_shape("attention_mask", attention_mask, tuple(input_ids.shape))
        expect_token_ids("input_ids", input_ids, self.config.llm.vocab_size)
        limit = self.config.clip.max_text_len
        if input_ids.shape[1] > limit:
            raise ModelInputError(f"input_ids: {input_ids.shape[1]} tokens exceed clip.max_text_len {limit}")
        return self.clip_text(input_ids, attention_mask)

    @property
    def clip_logit_scale(self) -> torch.Tensor:
        return self.clip_image.logit_scale

    def embed_tokens(self, input_ids: torch.Tensor) -> torch.Tensor:
        """(B, T) int ids -> (B, T, H)."""
        expect_shape("input_ids", input_ids, (None, None))
        expect_token_ids("input_ids", input_ids, self.config.llm.vocab_size)
        return self.llm.embed(input_ids)

    def empty_cache(self, batch: int) -> KVCache:
        return self.llm.empty_cache(batch)

    def decoder(
        self,
        inputs_embeds: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        past_key_values: KVCache | None = None,
        segment_ids: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, KVCache]:
        """embeds (B, T, H), mask (B, P+T) 1 = attend, positions (B, T), cache of (k, v) (B, KV, P, D)
        -> logits (B, T, V), last hidden states after the final norm (B, T, H), cache (B, KV, P+T, D).

        Training on packed rows passes `segment_ids` (B, T), each sequence of a row numbered from 1 and
        padding 0, with no cache: a token attends only within its own sequence."""
        llm = self.config.llm
        batch, length = inputs_embeds.shape[0], inputs_embeds.shape[1]
        past = self.empty_cache(batch) if past_key_values is None else past_key_values
        if len(past) != llm.num_layers:
            raise ModelInputError(f"past_key_values: expected {llm.num_layers} layers, got {len(past)}")
        expect_shape("inputs_embeds", inputs_embeds, (None, None, llm.hidden_size))
        cached = past[0][0].shape[2]
        for index, (key, value) in enumerate(past):
            expect_shape(f"past_key_values.{index}.key", key, (batch, llm.num_kv_heads, cached, llm.head_dim))
            expect_shape(f"past_key_values.{index}.value", value, (batch, llm.num_kv_heads, cached, llm.head_dim))
        expect_shape("attention_mask", attention_mask, (batch, cached + length))
        expect_shape("position_ids", position_ids, (batch, length))
        if segment_ids is not None:
            expect_shape("segment_ids", segment_ids, (batch, length))
            if cached:
                raise ModelInputError(f"segment_ids: packed rows take no cache, got {cached} cached positions")
        return self.llm(inputs_embeds, attention_mask, position_ids, past, segment_ids)

    def connect(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """hidden states (B, L, H), mask (B, L) -> DiT condition (B, L, Cc)."""
        expect_shape("hidden_states", hidden_states, (None, None, self.config.llm.hidden_size))
        expect_shape("attention_mask", attention_mask, tuple(hidden_states.shape[:2]))
        return self.connector(hidden_states, attention_mask)

    def init_connector_from_llm(self) -> None:
        """Re-copy the LLM's last layers into the connector (after loading pretrained LLM weights)."""
        self.connector.copy_from(self.llm)

    def dit(
        self,
        latents: torch.Tensor,
        timestep: torch.Tensor,
        condition: torch.Tensor,
        condition_mask: torch.Tensor,
        image_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """latents (B, C, h, w), timestep (B,) = sigma * 1000, condition (B, L, Cc), mask (B, L),
        image_mask (B, L): 1 at a source image's features (None: none) -> velocity eps - x0 (B, C, h, w)."""
        self._expect_latents(latents)
        batch = latents.shape[0]
        expect_shape("timestep", timestep, (batch,))
        expect_shape("condition", condition, (batch, None, self.config.dit.caption_channels))
        expect_shape("condition_mask", condition_mask, tuple(condition.shape[:2]))
        if image_mask is not None:
            expect_shape("image_mask", image_mask, tuple(condition.shape[:2]))
        return self.denoiser(latents, timestep, condition, condition_mask, image_mask)

    def dit_condition(
        self, condition: torch.Tensor, condition_mask: torch.Tensor, image_mask: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        """The part of `dit` that only depends on the condition, computed once per image: condition (B, L, Cc),
        mask (B, L), image_mask (B, L) -> (block 0 key, block 0 value, block 1 key, ..., bias); keys and
        values (B, nh, L, hd), bias (B, nh, h*w, L) (padding, and each latent cell's bonus for its own source
        cell)."""
        expect_shape("condition", condition, (None, None, self.config.dit.caption_channels))
        expect_shape("condition_mask", condition_mask, tuple(condition.shape[:2]))
        expect_shape("image_mask", image_mask, tuple(condition.shape[:2]))
        cross, bias = self.denoiser.project_condition(condition, condition_mask, image_mask)
        return (*(t for key_value in cross for t in key_value), bias)

    def dit_step(self, latents: torch.Tensor, timestep: torch.Tensor, *projected: torch.Tensor) -> torch.Tensor:
        """`dit` with the condition already projected by `dit_condition` (its outputs, in order)."""
        self._expect_latents(latents)
        expect_shape("timestep", timestep, (latents.shape[0],))
        expected = 2 * len(self.denoiser.blocks) + 1
        if len(projected) != expected:
            raise ModelInputError(f"dit_step needs the {expected} outputs of dit_condition, got {len(projected)}")
        cross = [(projected[i], projected[i + 1]) for i in range(0, len(projected) - 1, 2)]
        return self.denoiser.step(latents, timestep, cross, projected[-1])

    def decode_latents(self, latents: torch.Tensor) -> torch.Tensor:
        """Unscaled latents (B, C, h, w) -> pixels (B, 3, S, S), about [0, 1]."""
        self._expect_latents(latents)
        return self.pixel_decoder(latents)

    def latents_from_features(self, features: torch.Tensor) -> torch.Tensor:
        """Image features (B, N, H), N = h*w in row-major grid order -> unscaled latents (B, C, h, w)."""
        size = self.config.latent_size
        expect_shape("features", features, (None, size * size, self.config.llm.hidden_size))
        latents = self.clip_down(features)  # (B, N, C)
        batch, _, channels = latents.shape
        return latents.transpose(1, 2).reshape(batch, channels, size, size)  # (B, C, h, w)

    def encode_latents(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) -> unscaled latents (B, C, h, w): `clip_down` of the image features."""
        return self.latents_from_features(self.encode_images(pixel_values))
