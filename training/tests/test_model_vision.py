import pytest
import torch

from unilip.config import tiny
from unilip.model import ModelInputError, UniLIP
from unilip.model.vision import pixel_shuffle_tokens


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def test_pixel_shuffle_merges_square_neighbourhoods():
    grid, channels = 4, 3
    tokens = torch.arange(grid * grid * channels, dtype=torch.float32).reshape(1, grid * grid, channels)
    merged = pixel_shuffle_tokens(tokens, grid, 2)
    assert merged.shape == (1, 4, 4 * channels)
    # Output token 1 (row 0, col 1) gathers input tokens (0,2), (0,3), (1,2), (1,3) in that order.
    expected = torch.cat([tokens[0, i] for i in (2, 3, 6, 7)])
    assert torch.equal(merged[0, 1], expected)


def test_encoder_shapes():
    model = tiny_model()
    config = model.config
    pixels = torch.rand(3, 3, config.vision.image_size, config.vision.image_size)
    assert model.vit_features(pixels).shape == (3, config.vision.patch_grid**2, config.vision.hidden_size)
    assert model.encode_images(pixels).shape == (3, config.vision.tokens_per_image, config.llm.hidden_size)
    latents = model.encode_latents(pixels)
    assert latents.shape == (3, config.latent_channels, config.latent_size, config.latent_size)


def test_latents_are_clip_down_of_features_in_row_major_grid_order():
    model = tiny_model()
    pixels = torch.rand(1, 3, 32, 32)
    tokens = model.clip_down(model.encode_images(pixels))  # (1, N, C)
    latents = model.encode_latents(pixels)
    size = model.config.latent_size
    assert torch.allclose(latents[0, :, 1, 0], tokens[0, size])


def test_images_are_normalised_inside():
    model = tiny_model()
    gray = torch.full((1, 3, 32, 32), 0.5)
    mean = torch.tensor(model.config.vision.image_mean).reshape(1, 3, 1, 1)
    std = torch.tensor(model.config.vision.image_std).reshape(1, 3, 1, 1)
    expected = model.vision.patch_embed((gray - mean) / std).flatten(2).transpose(1, 2) + model.vision.pos_embed
    first_block_input = []
    model.vision.blocks[0].register_forward_pre_hook(lambda _, args: first_block_input.append(args[0]))
    model.vit_features(gray)
    assert torch.allclose(first_block_input[0], expected)


@pytest.mark.parametrize("shape", [(1, 3, 64, 64), (1, 1, 32, 32), (3, 32, 32)])
def test_wrong_image_shape_is_a_typed_error(shape):
    with pytest.raises(ModelInputError, match="pixel_values"):
        tiny_model().encode_images(torch.rand(shape))


def test_clip_embeddings_are_unit_vectors():
    model = tiny_model()
    image = model.clip_image_embed(torch.rand(2, 3, 32, 32))
    text = model.clip_text_embed(torch.tensor([[5, 6, 7], [8, 9, 0]]), torch.tensor([[1, 1, 1], [1, 1, 0]]))
    assert image.shape == text.shape == (2, model.config.clip.embed_dim)
    assert torch.allclose(image.norm(dim=-1), torch.ones(2))
    assert torch.allclose(text.norm(dim=-1), torch.ones(2))


def test_clip_text_ignores_padding_content():
    model = tiny_model()
    mask = torch.tensor([[1, 1, 0, 0]])
    a = model.clip_text_embed(torch.tensor([[5, 6, 7, 8]]), mask)
    b = model.clip_text_embed(torch.tensor([[5, 6, 100, 200]]), mask)
    assert torch.allclose(a, b, atol=1e-6)


def test_clip_text_length_limit_is_enforced():
    model = tiny_model()
    limit = model.config.clip.max_text_len
    ids = torch.ones(1, limit + 1, dtype=torch.long)
    with pytest.raises(ModelInputError, match="max_text_len"):
        model.clip_text_embed(ids, torch.ones_like(ids))


def test_clip_text_rejects_out_of_vocabulary_ids():
    model = tiny_model()
    ids = torch.tensor([[1, model.config.llm.vocab_size]])
    with pytest.raises(ModelInputError, match="ids must be in"):
        model.clip_text_embed(ids, torch.ones_like(ids))
