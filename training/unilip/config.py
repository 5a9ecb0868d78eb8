"""Architecture config of a UniLIP model: nested frozen dataclasses, validated on construction.

The same dict goes into every checkpoint and into the exported manifest, so `from_dict` is strict: an
unknown key or a wrong type is a `ConfigError`, never a silently ignored field.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass, field
from typing import Any

# Every image token group is a square of patches merged by pixel shuffle; 1/ratio must be an integer.
SUPPORTED_SHUFFLE_FACTORS = (1, 2, 4)


class ConfigError(ValueError):
    """A config value is missing, of the wrong type, or inconsistent with another value."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def _positive(name: str, value: int | float) -> None:
    _require(value > 0, f"{name} must be positive, got {value}")


@dataclass(frozen=True)
class VisionConfig:
    """ViT over RGB patches, then pixel shuffle and `mlp1` into the LLM space."""

    image_size: int = 64
    patch_size: int = 8
    hidden_size: int = 128
    num_layers: int = 4
    num_heads: int = 4
    intermediate_size: int = 256
    downsample_ratio: float = 0.5
    layer_norm_eps: float = 1e-6
    image_mean: tuple[float, ...] = (0.485, 0.456, 0.406)
    image_std: tuple[float, ...] = (0.229, 0.224, 0.225)

    def __post_init__(self) -> None:
        for name in ("image_size", "patch_size", "hidden_size", "num_layers", "num_heads"):
            _positive(f"vision.{name}", getattr(self, name))
        _positive("vision.intermediate_size", self.intermediate_size)
        _require(
            self.image_size % self.patch_size == 0,
            f"vision.image_size {self.image_size} is not a multiple of patch_size {self.patch_size}",
        )
        _require(
            self.hidden_size % self.num_heads == 0,
            f"vision.hidden_size {self.hidden_size} is not divisible by num_heads {self.num_heads}",
        )
        _positive("vision.downsample_ratio", self.downsample_ratio)
        factor = 1 / self.downsample_ratio
        _require(
            round(factor) in SUPPORTED_SHUFFLE_FACTORS and math.isclose(factor, round(factor)),
            f"vision.downsample_ratio must be 1/k with k in {SUPPORTED_SHUFFLE_FACTORS}",
        )
        _require(
            self.patch_grid % self.shuffle_factor == 0,
            f"vision patch grid {self.patch_grid} is not divisible by shuffle factor {self.shuffle_factor}",
        )
        _require(
            len(self.image_mean) == 3 and len(self.image_std) == 3,
            "vision.image_mean and image_std need 3 values (RGB)",
        )
        _require(all(s > 0 for s in self.image_std), "vision.image_std values must be positive")

    @property
    def patch_grid(self) -> int:
        return self.image_size // self.patch_size

    @property
    def shuffle_factor(self) -> int:
        return round(1 / self.downsample_ratio)

    @property
    def token_grid(self) -> int:
        return self.patch_grid // self.shuffle_factor

    @property
    def tokens_per_image(self) -> int:
        return self.token_grid**2

    @property
    def shuffled_channels(self) -> int:
        return self.hidden_size * self.shuffle_factor**2


@dataclass(frozen=True)
class LLMConfig:
    """Qwen2-style decoder: RMSNorm, RoPE, grouped-query attention, SwiGLU."""

    vocab_size: int = 512
    hidden_size: int = 192
    num_layers: int = 4
    num_heads: int = 3
    num_kv_heads: int = 1
    head_dim: int = 64
    intermediate_size: int = 512
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    max_position: int = 1024
    tie_embeddings: bool = True

    def __post_init__(self) -> None:
        for name in (
            "vocab_size",
            "hidden_size",
            "num_layers",
            "num_heads",
            "num_kv_heads",
            "head_dim",
            "intermediate_size",
            "rope_theta",
            "max_position",
        ):
            _positive(f"llm.{name}", getattr(self, name))
        _require(
            self.num_heads % self.num_kv_heads == 0,
            f"llm.num_heads {self.num_heads} is not a multiple of num_kv_heads {self.num_kv_heads}",
        )
        _require(self.head_dim % 2 == 0, f"llm.head_dim must be even for RoPE, got {self.head_dim}")


@dataclass(frozen=True)
class DiTConfig:
    """SANA-style DiT on the latent grid (patch size 1)."""

    hidden_size: int = 192
    num_layers: int = 4
    num_heads: int = 3
    mlp_ratio: float = 1.5
    caption_channels: int = 192
    timestep_freq_dim: int = 128
    norm_eps: float = 1e-6
    # Norm of a learned code per latent cell added to the sin-cos position table, which is then trained
    # too (0: the fixed table alone). On a 3x3 grid the table's rows sit at cosine 0.89-0.98 with each
    # other, and with them alone the DiT did not learn to draw at a named cell (docs/training.md, session 17).
    cell_codes: float = 0.0

    def __post_init__(self) -> None:
        for name in ("hidden_size", "num_layers", "num_heads", "mlp_ratio", "caption_channels"):
            _positive(f"dit.{name}", getattr(self, name))
        _require(self.cell_codes >= 0, f"dit.cell_codes must be at least 0, got {self.cell_codes}")
        _require(
            self.hidden_size % self.num_heads == 0,
            f"dit.hidden_size {self.hidden_size} is not divisible by num_heads {self.num_heads}",
        )
        _require(
            self.hidden_size % 4 == 0,
            f"dit.hidden_size must be a multiple of 4 (2D sin-cos position embedding), got {self.hidden_size}",
        )
        _require(
            self.timestep_freq_dim > 0 and self.timestep_freq_dim % 2 == 0,
            f"dit.timestep_freq_dim must be positive and even, got {self.timestep_freq_dim}",
        )

    @property
    def ffn_hidden(self) -> int:
        return int(self.hidden_size * self.mlp_ratio)


@dataclass(frozen=True)
class DecoderConfig:
    """DC-AE-style pixel decoder: one 2x upsampling stage between consecutive `channels` entries."""

    channels: tuple[int, ...] = (64, 48, 48, 24, 12)
    blocks_per_stage: int = 1
    norm_eps: float = 1e-6

    def __post_init__(self) -> None:
        _require(len(self.channels) >= 1, "decoder.channels needs at least one entry")
        _require(all(c > 0 for c in self.channels), "decoder.channels must be positive")
        _positive("decoder.blocks_per_stage", self.blocks_per_stage)
        # The upsampling shortcut duplicates input channels to fill 4 * out channels, then shuffles.
        for c_in, c_out in zip(self.channels, self.channels[1:]):
            _require(
                (4 * c_out) % c_in == 0,
                f"decoder stage {c_in} -> {c_out}: 4 * {c_out} is not a multiple of {c_in}",
            )

    @property
    def upsample_factor(self) -> int:
        return 2 ** (len(self.channels) - 1)


@dataclass(frozen=True)
class ClipConfig:
    """Contrastive heads used only while pretraining the vision tower (not exported)."""

    embed_dim: int = 128
    text_hidden_size: int = 64
    text_layers: int = 2
    text_heads: int = 4
    text_intermediate_size: int = 128
    max_text_len: int = 64

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _positive(f"clip.{f.name}", getattr(self, f.name))
        _require(
            self.text_hidden_size % self.text_heads == 0,
            f"clip.text_hidden_size {self.text_hidden_size} is not divisible by text_heads {self.text_heads}",
        )


@dataclass(frozen=True)
class UniLIPConfig:
    vision: VisionConfig = field(default_factory=VisionConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    dit: DiTConfig = field(default_factory=DiTConfig)
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    clip: ClipConfig = field(default_factory=ClipConfig)
    n_query: int = 16
    connector_layers: int = 2
    latent_channels: int = 32
    # DiT latents = clip_down features * unilip_factor; training measures it, export copies it.
    unilip_factor: float = 1.0
    # Classes of each attribute the cell tags name (model/cell_tags.py); empty: the LLM reads the features alone.
    cell_tags: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        _positive("n_query", self.n_query)
        _positive("latent_channels", self.latent_channels)
        _positive("unilip_factor", self.unilip_factor)
        _require(all(n >= 2 for n in self.cell_tags), f"cell_tags needs at least 2 classes each, got {self.cell_tags}")
        _require(
            1 <= self.connector_layers <= self.llm.num_layers,
            f"connector_layers must be in 1..{self.llm.num_layers} (a copy of the last LLM layers), "
            f"got {self.connector_layers}",
        )
        _require(
            self.latent_size * self.decoder.upsample_factor == self.vision.image_size,
            f"decoder upsamples {self.latent_size} x {self.decoder.upsample_factor} = "
            f"{self.latent_size * self.decoder.upsample_factor}, but image_size is {self.vision.image_size}",
        )

    @property
    def latent_size(self) -> int:
        return self.vision.token_grid

    def to_dict(self) -> dict[str, Any]:
        return _to_plain(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> UniLIPConfig:
        return _from_plain(UniLIPConfig, data, "config")


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_to_plain(v) for v in value]
    return value


def _from_plain(cls: type, data: Any, path: str) -> Any:
    _require(isinstance(data, dict), f"{path} must be an object, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    _require(not unknown, f"{path}: unknown keys {unknown}")
    kwargs = {name: _convert(hints[name], data[name], f"{path}.{name}") for name in names if name in data}
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise ConfigError(f"{path}: {error}") from error


def _convert(hint: Any, value: Any, path: str) -> Any:
    if dataclasses.is_dataclass(hint):
        return _from_plain(hint, value, path)
    if hint is bool:
        _require(isinstance(value, bool), f"{path} must be a boolean, got {value!r}")
        return value
    if hint is int:
        _require(
            isinstance(value, int) and not isinstance(value, bool), f"{path} must be an integer, got {value!r}"
        )
        return value
    if hint is float:
        _require(
            isinstance(value, (int, float)) and not isinstance(value, bool), f"{path} must be a number, got {value!r}"
        )
        return float(value)
    if typing.get_origin(hint) is tuple:
        _require(isinstance(value, (list, tuple)), f"{path} must be a list, got {value!r}")
        (item_hint, _) = typing.get_args(hint)
        return tuple(_convert(item_hint, v, f"{path}[{i}]") for i, v in enumerate(value))
    raise ConfigError(f"{path}: unsupported field type {hint!r}")


def tiny() -> UniLIPConfig:
    """Test fixture scale: 32 px images, 4 image tokens, a few hundred thousand parameters."""
    return UniLIPConfig(
        vision=VisionConfig(
            image_size=32, patch_size=8, hidden_size=32, num_layers=2, num_heads=2, intermediate_size=64
        ),
        llm=LLMConfig(
            vocab_size=512,
            hidden_size=32,
            num_layers=2,
            num_heads=2,
            num_kv_heads=1,
            head_dim=16,
            intermediate_size=64,
            max_position=256,
        ),
        dit=DiTConfig(hidden_size=32, num_layers=2, num_heads=2, caption_channels=32, timestep_freq_dim=32),
        decoder=DecoderConfig(channels=(32, 16, 16, 8, 8)),
        clip=ClipConfig(embed_dim=32, text_hidden_size=32, text_layers=2, text_heads=2, text_intermediate_size=64),
        n_query=4,
        connector_layers=1,
        latent_channels=8,
        cell_tags=(3, 4, 2),
    )


def shapes(vocab_size: int = 512) -> UniLIPConfig:
    """The bundled Shapes-world model: 96 px images, about 6M parameters.

    16 px patches merged 2x2 give a 3x3 token grid: one image token per cell of the world's 3x3 grid, so
    "what is at the top left" reads one token and drawing a cell writes one latent.
    """
    return UniLIPConfig(
        vision=VisionConfig(image_size=96, patch_size=16),
        llm=LLMConfig(vocab_size=vocab_size),
        decoder=DecoderConfig(channels=(64, 48, 48, 24, 12, 12)),
    )
