import dataclasses
import json

import pytest
import torch

from unilip.world.scene import GRID_SIDE
from unilip.config import ConfigError, DecoderConfig, DiTConfig, LLMConfig, UniLIPConfig, VisionConfig, shapes, tiny
from unilip.model import UniLIP

MB = 1_000_000
SHAPES_MAX_BYTES = 25 * MB
TINY_MAX_BYTES = 1.5 * MB


def fp32_bytes(config: UniLIPConfig) -> int:
    torch.manual_seed(0)
    return 4 * sum(p.numel() for p in UniLIP(config).parameters())


def test_shapes_preset_fits_the_bundle_budget():
    assert fp32_bytes(shapes()) < SHAPES_MAX_BYTES


def test_tiny_preset_fits_the_fixture_budget():
    assert fp32_bytes(tiny()) < TINY_MAX_BYTES


def test_shapes_preset_has_the_documented_geometry():
    config = shapes()
    assert config.vision.patch_grid == 6
    # One image token and one latent per cell of the world's 3x3 grid.
    assert config.vision.token_grid == config.latent_size == GRID_SIDE
    assert config.vision.shuffled_channels == 4 * 128
    assert config.decoder.upsample_factor * config.latent_size == 96
    assert (config.llm.num_heads, config.llm.num_kv_heads, config.llm.head_dim) == (3, 1, 64)


@pytest.mark.parametrize("preset", [tiny, shapes])
def test_dict_round_trip_survives_json(preset):
    config = dataclasses.replace(preset(), unilip_factor=9.5)
    data = json.loads(json.dumps(config.to_dict()))
    assert UniLIPConfig.from_dict(data) == config


def test_vocab_size_comes_from_the_tokenizer():
    assert shapes(vocab_size=777).llm.vocab_size == 777


def test_from_dict_rejects_unknown_keys():
    data = tiny().to_dict()
    data["llm"]["hiden_size"] = 3
    with pytest.raises(ConfigError, match="unknown keys"):
        UniLIPConfig.from_dict(data)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("llm", "hidden_size"), "32", "must be an integer"),
        (("llm", "tie_embeddings"), 1, "must be a boolean"),
        (("decoder", "channels"), 8, "must be a list"),
        (("n_query",), 2.5, "must be an integer"),
        (("vision",), [], "must be an object"),
    ],
)
def test_from_dict_rejects_wrong_types(path, value, message):
    data = tiny().to_dict()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ConfigError, match=message):
        UniLIPConfig.from_dict(data)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: VisionConfig(image_size=60, patch_size=8), "not a multiple of patch_size"),
        (lambda: VisionConfig(downsample_ratio=0.3), "downsample_ratio"),
        (lambda: LLMConfig(num_heads=3, num_kv_heads=2), "not a multiple of num_kv_heads"),
        (lambda: LLMConfig(head_dim=63), "even"),
        (lambda: DecoderConfig(channels=(64, 40)), "not a multiple"),
        (lambda: UniLIPConfig(connector_layers=5), "connector_layers"),
        (lambda: UniLIPConfig(decoder=DecoderConfig(channels=(64, 32))), "image_size"),
        (lambda: UniLIPConfig(unilip_factor=0.0), "unilip_factor must be positive"),
        (lambda: DiTConfig(cell_codes=-1.0), "cell_codes must be at least 0"),
    ],
)
def test_inconsistent_configs_are_rejected(build, message):
    with pytest.raises(ConfigError, match=message):
        build()
