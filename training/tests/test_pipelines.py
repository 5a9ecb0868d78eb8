import pytest
import torch

from unilip.config import tiny
from unilip.model import ModelInputError, UniLIP, build_condition
from unilip.model.masks import positions_from_mask
from unilip.pipelines import edit, generate, left_pad, reconstruct, understand_greedy
from unilip.sampling import SamplerError, initial_noise

IMG = 7  # stands in for <IMG_CONTEXT>
PAD = 0


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def noise(model: UniLIP, seed: int = 0) -> torch.Tensor:
    size = model.config.latent_size
    return initial_noise((1, model.config.latent_channels, size, size), seed)


def test_left_pad_aligns_prompts_to_the_right():
    ids, mask = left_pad([[5, 6], [7, 8, 9]], PAD)
    assert ids.tolist() == [[PAD, 5, 6], [7, 8, 9]]
    assert mask.tolist() == [[0, 1, 1], [1, 1, 1]]
    with pytest.raises(ModelInputError):
        left_pad([[5], []], PAD)


def test_greedy_decoding_with_cache_matches_recomputing_everything():
    model = tiny_model()
    n = model.config.vision.tokens_per_image
    ids = torch.tensor([[30, 31] + [IMG] * n + [32, 33]])
    image = torch.rand(1, 3, 32, 32)
    result = understand_greedy(model, ids, image, IMG, max_new_tokens=6, eos_ids=[])
    assert result["finish_reason"] == "length"
    assert result["output_ids"].shape == (6,)
    features = model.image_inputs(model.encode_images(image))  # tagged: the tiny preset has cell tags
    embeds = model.embed_tokens(ids).masked_scatter((ids == IMG)[..., None], features)
    for token in result["output_ids"].tolist():
        mask = torch.ones(1, embeds.shape[1], dtype=torch.long)
        with torch.no_grad():
            logits, _, _ = model.decoder(embeds, mask, positions_from_mask(mask))
        assert int(logits[0, -1].argmax()) == token
        embeds = torch.cat((embeds, model.embed_tokens(torch.tensor([[token]]))), dim=1)
    assert torch.equal(result["inputs_embeds"][0, 2 : 2 + n], features[0])


def test_greedy_decoding_stops_on_eos_without_emitting_it():
    model = tiny_model()
    ids = torch.tensor([[40, 41, 42]])
    free = understand_greedy(model, ids, None, IMG, max_new_tokens=8, eos_ids=[])["output_ids"].tolist()
    stop_at = next(k for k, token in enumerate(free) if token not in free[:k] and k > 0)
    result = understand_greedy(model, ids, None, IMG, max_new_tokens=8, eos_ids=[free[stop_at]])
    assert result["finish_reason"] == "stop"
    assert result["output_ids"].tolist() == free[:stop_at]
    assert result["step_logits"].shape == (stop_at + 1, model.config.llm.vocab_size)


def test_understanding_limits_are_enforced():
    model = tiny_model()
    ids = torch.tensor([[40, IMG]])
    with pytest.raises(ModelInputError, match="image token positions"):
        understand_greedy(model, ids, None, IMG, 2, [])
    with pytest.raises(ModelInputError, match="max_new_tokens"):
        understand_greedy(model, torch.tensor([[40]]), None, IMG, 0, [])
    with pytest.raises(ModelInputError, match="max_position"):
        understand_greedy(model, torch.tensor([[40]]), None, IMG, model.config.llm.max_position, [])
    with pytest.raises(ModelInputError, match="input_ids"):
        understand_greedy(model, torch.tensor([[40], [41]]), None, IMG, 2, [])


def test_generate_records_the_whole_data_flow():
    model = tiny_model()
    cond, null = [50, 51, 52, 53], [50, 54]
    result = generate(model, cond, null, noise(model), steps=3, guidance=4.5)
    ids, mask = left_pad([null, cond], PAD)
    assert torch.equal(result["input_ids"], ids)
    expected_condition, expected_mask, _ = build_condition(model, ids, mask)
    assert torch.allclose(result["condition"], expected_condition, atol=1e-6)
    assert torch.equal(result["attention_mask"], expected_mask)
    assert result["step_latents"].shape == (3, 1, 8, 2, 2)
    assert result["dit_velocity"].shape == (3, 2, 8, 2, 2)
    assert torch.equal(result["step_latents"][0], result["noise"])
    assert result["sigmas"].tolist()[0] == 1.0 and result["sigmas"].tolist()[-1] == 0.0
    assert torch.equal(result["latents"], result["step_denoised"][-1])
    assert result["pixels"].shape == (1, 3, 32, 32)
    assert 0.0 <= result["image"].min() and result["image"].max() <= 1.0


def test_generate_is_deterministic_given_the_noise_and_depends_on_it():
    model = tiny_model()
    a = generate(model, [50, 51], [50], noise(model, 1), 2, 3.0, sampler="flow-euler")
    b = generate(model, [50, 51], [50], noise(model, 1), 2, 3.0, sampler="flow-euler")
    c = generate(model, [50, 51], [50], noise(model, 2), 2, 3.0, sampler="flow-euler")
    assert torch.equal(a["pixels"], b["pixels"])
    assert not torch.allclose(a["pixels"], c["pixels"])


def test_generate_divides_by_the_unilip_factor():
    model = tiny_model()
    result = generate(model, [50], [51], noise(model), 2, 1.0)
    assert torch.equal(result["unscaled_latents"], result["latents"] / model.config.unilip_factor)
    assert torch.allclose(result["pixels"], model.decode_latents(result["unscaled_latents"]))


def test_edit_feeds_the_source_image_to_both_halves():
    model = tiny_model()
    n = model.config.vision.tokens_per_image
    cond = [60, 61, 62] + [IMG] * n
    null = [60] + [IMG] * n
    image = torch.rand(1, 3, 32, 32)
    result = edit(model, cond, null, image, IMG, noise(model), steps=2, guidance=4.5)
    features = model.encode_images(image)[0]
    for row in range(2):
        positions = result["input_ids"][row] == IMG
        assert torch.equal(result["hidden_states"][row, : positions.shape[0]][positions], features)
    assert result["pixels"].shape == (1, 3, 32, 32)


def test_edit_rejects_a_prompt_without_image_slots():
    model = tiny_model()
    with pytest.raises(ModelInputError, match="positions per row"):
        edit(model, [60, 61], [60], torch.rand(1, 3, 32, 32), IMG, noise(model), 2, 4.5)


def test_generate_rejects_bad_settings():
    model = tiny_model()
    with pytest.raises(ModelInputError, match="noise"):
        generate(model, [50], [51], torch.zeros(1, 3, 2, 2), 2, 4.5)
    with pytest.raises(SamplerError, match="steps"):
        generate(model, [50], [51], noise(model), 0, 4.5)


def test_reconstruct_round_trips_through_the_latents():
    model = tiny_model()
    pixels = torch.rand(2, 3, 32, 32)
    result = reconstruct(model, pixels)
    assert result["latents"].shape == (2, 8, 2, 2)
    assert torch.allclose(result["pixels"], model.decode_latents(model.encode_latents(pixels)))
    assert result["image"].shape == pixels.shape
