import dataclasses

import pytest
import torch

from unilip.config import tiny
from unilip.model import ModelInputError, UniLIP
from unilip.model.dit import cell_codes, sincos_2d
from unilip.model.dit_blocks import LINEAR_ATTENTION_EPS, LinearSelfAttention, PlainLayerNorm


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def dit_inputs(model: UniLIP, batch: int = 2, length: int = 5):
    config = model.config
    latents = torch.randn(batch, config.latent_channels, config.latent_size, config.latent_size)
    condition = torch.randn(batch, length, config.dit.caption_channels)
    return latents, torch.full((batch,), 500.0), condition, torch.ones(batch, length, dtype=torch.long)


def test_velocity_has_the_latent_shape():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    assert model.dit(latents, timestep, condition, mask).shape == latents.shape


def test_masked_condition_positions_are_ignored():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    mask[:, :2] = 0
    other = condition.clone()
    other[:, :2] = torch.randn_like(other[:, :2]) * 5
    a = model.dit(latents, timestep, condition, mask)
    b = model.dit(latents, timestep, other, mask)
    assert torch.allclose(a, b, atol=1e-6)


def test_a_condition_projected_once_gives_every_step_the_full_velocity():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    mask[0, :2] = 0
    image_mask = torch.zeros_like(mask)
    image_mask[1, 1:4] = 1
    projected = model.dit_condition(condition, mask, image_mask)
    assert len(projected) == 2 * model.config.dit.num_layers + 1
    for t in (timestep, timestep * 0.3):
        full = model.dit(latents, t, condition, mask, image_mask)
        assert torch.allclose(model.dit_step(latents, t, *projected), full, atol=1e-6)


def test_a_step_refuses_a_projection_of_the_wrong_depth():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    projected = model.dit_condition(condition, mask, torch.zeros_like(mask))
    with pytest.raises(ModelInputError):
        model.dit_step(latents, timestep, *projected[2:])


def test_each_latent_cell_is_matched_to_the_source_token_of_its_cell():
    model = tiny_model()
    denoiser = model.denoiser
    cells = denoiser.pos_embed.shape[1]
    image_mask = torch.tensor([[0] + [1] * cells + [0] + [1] * 2])  # a whole image, then the start of a second
    same = denoiser._same_cell(image_mask)[0]  # (N, L)
    assert same.shape == (cells, image_mask.shape[1])
    assert torch.equal(same[:, 1 : 1 + cells], torch.eye(cells))
    assert same[:, 0].sum() == 0 and same[:, 1 + cells].sum() == 0
    assert torch.equal(same[:, 2 + cells :], torch.eye(cells)[:, :2])


def test_the_cell_bonus_lands_on_the_own_cell_and_padding_stays_masked():
    model = tiny_model()
    _, _, condition, mask = dit_inputs(model, length=8)
    cells = model.denoiser.pos_embed.shape[1]
    mask[0, 0] = 0
    image_mask = torch.zeros_like(mask)
    image_mask[:, 1 : 1 + cells] = 1
    _, bias = model.denoiser.project_condition(condition, mask, image_mask)
    heads = model.config.dit.num_heads
    assert bias.shape == (2, heads, cells, 8)
    strongest = model.denoiser.cell_bias[-1].item()
    assert strongest > 0
    assert torch.allclose(bias[1, -1, :, 1 : 1 + cells], torch.eye(cells) * strongest)
    assert (bias[0, :, :, 0] < -1e8).all()
    _, plain = model.denoiser.project_condition(condition, mask)
    assert plain.shape == (2, 1, 1, 8)


def test_the_image_mask_tells_the_dit_where_source_cells_are():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    none = torch.zeros_like(mask)
    assert torch.allclose(model.dit(latents, timestep, condition, mask, none),
                          model.dit(latents, timestep, condition, mask), atol=1e-6)
    image_mask = none.clone()
    image_mask[:, 1:5] = 1
    shifted = none.clone()
    shifted[:, 0:4] = 1
    marked = model.dit(latents, timestep, condition, mask, image_mask)
    assert not torch.allclose(marked, model.dit(latents, timestep, condition, mask), atol=1e-4)
    # The same tokens marked as different cells give a different velocity: the place is information.
    assert not torch.allclose(marked, model.dit(latents, timestep, condition, mask, shifted), atol=1e-4)


def test_the_cell_bonus_is_trained():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    image_mask = torch.zeros_like(mask)
    image_mask[:, 1:5] = 1
    model.dit(latents, timestep, condition, mask, image_mask).pow(2).mean().backward()
    assert model.denoiser.cell_bias.grad.abs().sum().item() > 0


def test_an_image_mask_of_the_wrong_shape_is_a_typed_error():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    with pytest.raises(ModelInputError, match="image_mask"):
        model.dit(latents, timestep, condition, mask, mask[:, :2])
    with pytest.raises(ModelInputError, match="image_mask"):
        model.dit_condition(condition, mask, mask[:1])


def test_timestep_and_condition_both_steer_the_output():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    base = model.dit(latents, timestep, condition, mask)
    assert not torch.allclose(base, model.dit(latents, timestep * 0.1, condition, mask), atol=1e-4)
    assert not torch.allclose(base, model.dit(latents, timestep, condition + 1.0, mask), atol=1e-4)


def test_linear_attention_equals_the_quadratic_relu_kernel_form():
    torch.manual_seed(0)
    attention = LinearSelfAttention(hidden_size=8, num_heads=2)
    x = torch.randn(1, 6, 8)
    q, k, v = attention.qkv(x).chunk(3, dim=-1)
    heads = []
    for h in range(2):
        part = slice(4 * h, 4 * h + 4)
        weights = torch.relu(q[0, :, part]) @ torch.relu(k[0, :, part]).T  # (N, N)
        heads.append(weights @ v[0, :, part] / (weights.sum(dim=-1, keepdim=True) + LINEAR_ATTENTION_EPS))
    expected = attention.proj(torch.cat(heads, dim=-1))
    assert torch.allclose(attention(x)[0], expected, atol=1e-5)


def test_sincos_position_embedding_distinguishes_every_cell():
    table = sincos_2d(16, 4, 4)
    assert table.shape == (16, 16)
    assert torch.cdist(table, table).add(torch.eye(16)).min() > 0.1


def test_cell_codes_make_a_trained_table_whose_cells_stand_apart():
    plain = UniLIP(tiny()).denoiser
    config = tiny()
    coded = UniLIP(dataclasses.replace(config, dit=dataclasses.replace(config.dit, cell_codes=4.0))).denoiser
    assert "pos_embed" not in plain.state_dict() and not plain.pos_embed.requires_grad
    assert isinstance(coded.pos_embed, torch.nn.Parameter) and "pos_embed" in coded.state_dict()
    cells = plain.pos_embed.shape[1]
    codes = cell_codes(cells, plain.pos_embed.shape[2])
    assert torch.allclose(codes @ codes.T, torch.eye(cells), atol=1e-5)
    assert torch.allclose(coded.pos_embed, plain.pos_embed + 4.0 * codes)
    apart = torch.cdist(coded.pos_embed[0], coded.pos_embed[0]).add(100 * torch.eye(cells)).min()
    assert apart > torch.cdist(plain.pos_embed[0], plain.pos_embed[0]).add(100 * torch.eye(cells)).min()
    assert apart > 4.0 * 2**0.5 - 0.5


def test_latents_of_the_wrong_grid_are_a_typed_error():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    with pytest.raises(ModelInputError, match="latents"):
        model.dit(latents[:, :, :1], timestep, condition, mask)


def test_timestep_must_be_one_per_sample():
    model = tiny_model()
    latents, timestep, condition, mask = dit_inputs(model)
    with pytest.raises(ModelInputError, match="timestep"):
        model.dit(latents, timestep[:1], condition, mask)


def test_plain_layer_norm_matches_torch_without_affine():
    x = torch.randn(2, 3, 8) * 4 + 1
    assert torch.allclose(PlainLayerNorm(1e-6)(x), torch.nn.functional.layer_norm(x, (8,), eps=1e-6), atol=1e-5)
