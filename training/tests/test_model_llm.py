import pytest
import torch

from unilip.config import tiny
from unilip.model import ModelInputError, UniLIP
from unilip.model.masks import bidirectional_mask, causal_padding_mask, positions_from_mask, same_segment_mask


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def full_forward(model: UniLIP, ids: torch.Tensor, mask: torch.Tensor):
    return model.decoder(model.embed_tokens(ids), mask, positions_from_mask(mask))


def test_causal_padding_mask_offsets_queries_by_the_cache():
    mask = causal_padding_mask(torch.tensor([[0, 1, 1, 1]]), query_length=2)
    assert mask.shape == (1, 1, 2, 4)
    assert mask[0, 0].tolist() == [[False, True, True, False], [False, True, True, True]]


def test_bidirectional_mask_hides_only_padding():
    assert bidirectional_mask(torch.tensor([[0, 1, 1]])).tolist() == [[[[False, True, True]]]]


def test_same_segment_mask_keeps_each_sequence_to_itself():
    mask = same_segment_mask(torch.tensor([[1, 1, 2, 0]]))
    assert mask[0, 0].tolist() == [[True, True, False, False], [True, True, False, False],
                                   [False, False, True, False], [False, False, False, False]]


def test_positions_skip_left_padding():
    assert positions_from_mask(torch.tensor([[0, 0, 1, 1, 1]])).tolist() == [[0, 0, 0, 1, 2]]


def test_decoder_shapes_with_and_without_cache():
    model = tiny_model()
    llm = model.config.llm
    ids = torch.randint(0, llm.vocab_size, (2, 5))
    logits, hidden, present = full_forward(model, ids, torch.ones(2, 5, dtype=torch.long))
    assert logits.shape == (2, 5, llm.vocab_size)
    assert hidden.shape == (2, 5, llm.hidden_size)
    assert len(present) == llm.num_layers
    assert all(k.shape == v.shape == (2, llm.num_kv_heads, 5, llm.head_dim) for k, v in present)
    step = model.decoder(
        model.embed_tokens(ids[:, :1]), torch.ones(2, 6, dtype=torch.long), torch.full((2, 1), 5), present
    )
    assert step[0].shape == (2, 1, llm.vocab_size)
    assert all(k.shape[2] == 6 for k, _ in step[2])


def test_future_tokens_do_not_change_earlier_outputs():
    model = tiny_model()
    ids = torch.randint(0, 512, (1, 6))
    changed = ids.clone()
    changed[0, 4:] = (changed[0, 4:] + 1) % 512
    mask = torch.ones(1, 6, dtype=torch.long)
    _, a, _ = full_forward(model, ids, mask)
    _, b, _ = full_forward(model, changed, mask)
    assert torch.allclose(a[:, :4], b[:, :4], atol=1e-6)
    assert not torch.allclose(a[:, 4:], b[:, 4:], atol=1e-3)


def test_kv_cache_decoding_equals_full_recompute():
    torch.manual_seed(1)
    model = tiny_model()
    ids = torch.randint(0, 512, (2, 9))
    mask = torch.ones(2, 9, dtype=torch.long)
    full_logits, full_hidden, _ = full_forward(model, ids, mask)
    _, _, cache = model.decoder(model.embed_tokens(ids[:, :4]), mask[:, :4], positions_from_mask(mask[:, :4]))
    for t in range(4, 9):
        logits, hidden, cache = model.decoder(
            model.embed_tokens(ids[:, t : t + 1]), mask[:, : t + 1], torch.full((2, 1), t), cache
        )
        assert torch.allclose(logits[:, 0], full_logits[:, t], atol=1e-5)
        assert torch.allclose(hidden[:, 0], full_hidden[:, t], atol=1e-5)


def test_left_padding_does_not_change_the_last_hidden_state():
    model = tiny_model()
    ids = torch.randint(1, 512, (1, 5))
    _, plain, _ = full_forward(model, ids, torch.ones(1, 5, dtype=torch.long))
    padded_ids = torch.cat((torch.zeros(1, 3, dtype=torch.long), ids), dim=1)
    padded_mask = torch.tensor([[0, 0, 0, 1, 1, 1, 1, 1]])
    logits, padded, _ = full_forward(model, padded_ids, padded_mask)
    assert torch.allclose(padded[:, -1], plain[:, -1], atol=1e-5)
    assert torch.isfinite(logits).all(), "fully masked padding rows must stay finite"


def test_tied_embeddings_share_the_input_matrix():
    model = tiny_model()
    hidden = torch.randn(1, 2, model.config.llm.hidden_size)
    assert torch.allclose(model.llm.logits(hidden), hidden @ model.llm.embed.weight.T)


def test_embed_tokens_rejects_out_of_range_ids():
    with pytest.raises(ModelInputError, match="ids must be in"):
        tiny_model().embed_tokens(torch.tensor([[3, -1]]))


def test_embed_tokens_rejects_float_ids():
    with pytest.raises(ModelInputError, match="dtype"):
        tiny_model().embed_tokens(torch.tensor([[3.0]]))


def test_decoder_rejects_a_mask_that_does_not_cover_the_cache():
    model = tiny_model()
    embeds = torch.randn(1, 2, model.config.llm.hidden_size)
    with pytest.raises(ModelInputError, match="attention_mask"):
        model.decoder(embeds, torch.ones(1, 3, dtype=torch.long), torch.zeros(1, 2, dtype=torch.long))


def test_decoder_rejects_a_cache_with_the_wrong_layer_count():
    model = tiny_model()
    embeds = torch.randn(1, 2, model.config.llm.hidden_size)
    with pytest.raises(ModelInputError, match="layers"):
        model.decoder(embeds, torch.ones(1, 2, dtype=torch.long), torch.zeros(1, 2, dtype=torch.long), [])


def test_decoder_rejects_segments_with_a_cache_or_of_the_wrong_shape():
    model = tiny_model()
    embeds = torch.randn(1, 2, model.config.llm.hidden_size)
    mask, positions = torch.ones(1, 2, dtype=torch.long), torch.zeros(1, 2, dtype=torch.long)
    with pytest.raises(ModelInputError, match="segment_ids"):
        model.decoder(embeds, mask, positions, None, torch.ones(1, 3, dtype=torch.long))
    _, _, cache = model.decoder(embeds, mask, positions)
    with pytest.raises(ModelInputError, match="no cache"):
        model.decoder(embeds, torch.ones(1, 4, dtype=torch.long), positions, cache, mask)
