import pytest
import torch

from unilip.config import tiny
from unilip.model import ModelInputError, UniLIP, build_condition, trace_condition

IMG = 7  # any id stands in for <IMG_CONTEXT> here


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def test_condition_covers_prompt_and_queries():
    model = tiny_model()
    ids = torch.randint(10, 512, (2, 6))
    mask = torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]])
    condition, condition_mask, _ = build_condition(model, ids, mask)
    n_query = model.config.n_query
    assert condition.shape == (2, 6 + n_query, model.config.dit.caption_channels)
    assert condition_mask.tolist()[0] == [0, 0] + [1] * (4 + n_query)


def test_positions_count_valid_tokens_and_queries():
    model = tiny_model()
    trace = trace_condition(model, torch.tensor([[0, 5, 6]]), torch.tensor([[0, 1, 1]]))
    assert trace.position_ids.tolist() == [[0, 0, 1] + list(range(2, 2 + model.config.n_query))]


def test_queries_follow_the_prompt_embeddings():
    model = tiny_model()
    trace = trace_condition(model, torch.tensor([[5, 6]]), torch.ones(1, 2, dtype=torch.long))
    assert torch.equal(trace.inputs_embeds[0, 2:], model.queries)


def test_left_padding_leaves_the_condition_unchanged():
    model = tiny_model()
    ids = torch.tensor([[11, 12, 13]])
    plain, _, _ = build_condition(model, ids, torch.ones(1, 3, dtype=torch.long))
    padded, _, _ = build_condition(model, torch.tensor([[0, 0, 11, 12, 13]]), torch.tensor([[0, 0, 1, 1, 1]]))
    assert torch.allclose(padded[:, 2:], plain, atol=1e-5)


def test_edit_places_features_in_the_input_and_over_the_hidden_states():
    model = tiny_model()
    n = model.config.vision.tokens_per_image
    ids = torch.tensor([[20, 21] + [IMG] * n + [22]])
    features = model.encode_images(torch.rand(1, 3, 32, 32))
    trace = trace_condition(model, ids, torch.ones_like(ids), features, ids == IMG)
    # The LLM reads the tagged features (the tiny preset has cell tags); the overwrite keeps the bare ones.
    assert torch.equal(trace.inputs_embeds[0, 2 : 2 + n], model.image_inputs(features)[0])
    assert torch.equal(trace.hidden_states[0, 2 : 2 + n], features[0])
    assert not torch.equal(trace.hidden_states[0, 2 + n], trace.inputs_embeds[0, 2 + n])
    assert trace.image_mask.tolist() == [[0, 0] + [1] * n + [0] * (1 + model.config.n_query)]


def test_a_text_prompt_marks_no_image_in_the_condition():
    model = tiny_model()
    trace = trace_condition(model, torch.tensor([[5, 6]]), torch.ones(1, 2, dtype=torch.long))
    assert trace.image_mask.shape == trace.attention_mask.shape
    assert trace.image_mask.sum() == 0


def test_queries_only_ablation_hands_the_dit_the_query_states_alone():
    model = tiny_model()
    n, n_query = model.config.vision.tokens_per_image, model.config.n_query
    ids = torch.tensor([[20, 21] + [IMG] * n + [22]])
    features = model.encode_images(torch.rand(1, 3, 32, 32))
    dual = trace_condition(model, ids, torch.ones_like(ids), features, ids == IMG)
    ablated = trace_condition(model, ids, torch.ones_like(ids), features, ids == IMG, queries_only=True)
    assert ablated.condition.shape == (1, n_query, model.config.dit.caption_channels)
    assert ablated.attention_mask.tolist() == [[1] * n_query]
    assert ablated.image_mask.tolist() == [[0] * n_query]
    # Same LLM pass: the image reaches the queries through attention, but is not written over any state.
    assert torch.equal(ablated.hidden_states, dual.hidden_states[:, -n_query:])
    other = model.encode_images(torch.rand(1, 3, 32, 32))
    moved = trace_condition(model, ids, torch.ones_like(ids), other, ids == IMG, queries_only=True)
    assert not torch.allclose(moved.condition, ablated.condition)


def test_image_count_mismatch_is_a_typed_error():
    model = tiny_model()
    ids = torch.tensor([[20, IMG, IMG]])
    features = torch.randn(1, model.config.vision.tokens_per_image, model.config.llm.hidden_size)
    with pytest.raises(ModelInputError, match="positions per row"):
        build_condition(model, ids, torch.ones_like(ids), features, ids == IMG)


def test_features_without_positions_are_rejected():
    model = tiny_model()
    ids = torch.tensor([[20]])
    with pytest.raises(ModelInputError, match="go together"):
        build_condition(model, ids, torch.ones_like(ids), torch.randn(1, 1, model.config.llm.hidden_size))


def test_generation_training_reaches_queries_and_connector():
    model = tiny_model()
    condition, mask, _ = build_condition(model, torch.tensor([[3, 4, 5]]), torch.ones(1, 3, dtype=torch.long))
    condition.pow(2).mean().backward()
    assert model.queries.grad is not None and model.queries.grad.abs().sum() > 0
    assert model.connector.projector.weight.grad.abs().sum() > 0
