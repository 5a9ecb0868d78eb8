import pytest
import torch
from torch.nn import functional as F

from unilip.config import tiny
from unilip.model import ModelInputError, UniLIP
from unilip.model.pixel_decoder import PixelShuffleUp


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def test_decoder_renders_the_image_size():
    model = tiny_model()
    config = model.config
    latents = torch.randn(2, config.latent_channels, config.latent_size, config.latent_size)
    pixels = model.decode_latents(latents)
    assert pixels.shape == (2, 3, config.vision.image_size, config.vision.image_size)


def test_upsampling_shortcut_is_nearest_neighbour_when_the_conv_is_silent():
    up = PixelShuffleUp(4, 4)
    with torch.no_grad():
        up.conv.weight.zero_()
        up.conv.bias.zero_()
    x = torch.randn(1, 4, 3, 3)
    assert torch.allclose(up(x), F.interpolate(x, scale_factor=2, mode="nearest"))


def test_upsampling_can_shrink_channels():
    assert PixelShuffleUp(8, 4)(torch.randn(1, 8, 2, 2)).shape == (1, 4, 4, 4)


def test_reconstruction_is_differentiable_end_to_end():
    model = tiny_model()
    pixels = torch.rand(1, 3, 32, 32)
    loss = (model.decode_latents(model.encode_latents(pixels)) - pixels).pow(2).mean()
    loss.backward()
    assert model.clip_down.weight.grad is not None and model.clip_down.weight.grad.abs().sum() > 0
    assert model.pixel_decoder.conv_in.weight.grad.abs().sum() > 0


def test_wrong_latent_channels_are_a_typed_error():
    with pytest.raises(ModelInputError, match="latents"):
        tiny_model().decode_latents(torch.randn(1, 3, 2, 2))
