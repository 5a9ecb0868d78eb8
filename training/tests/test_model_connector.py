import pytest
import torch

from unilip.config import tiny
from unilip.model import ModelInputError, UniLIP


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def test_condition_shape():
    model = tiny_model()
    hidden = torch.randn(2, 7, model.config.llm.hidden_size)
    condition = model.connect(hidden, torch.ones(2, 7, dtype=torch.long))
    assert condition.shape == (2, 7, model.config.dit.caption_channels)


def test_padding_content_does_not_change_valid_positions():
    model = tiny_model()
    mask = torch.tensor([[0, 0, 1, 1, 1]])
    hidden = torch.randn(1, 5, model.config.llm.hidden_size)
    other = hidden.clone()
    other[:, :2] = torch.randn(1, 2, model.config.llm.hidden_size) * 10
    a = model.connect(hidden, mask)
    b = model.connect(other, mask)
    assert torch.allclose(a[:, 2:], b[:, 2:], atol=1e-6)


def test_attention_is_bidirectional():
    model = tiny_model()
    mask = torch.ones(1, 4, dtype=torch.long)
    hidden = torch.randn(1, 4, model.config.llm.hidden_size)
    later_changed = hidden.clone()
    later_changed[:, 3] += 1.0
    a = model.connect(hidden, mask)
    b = model.connect(later_changed, mask)
    assert not torch.allclose(a[:, 0], b[:, 0], atol=1e-4)


def test_left_padding_does_not_change_the_condition():
    model = tiny_model()
    hidden = torch.randn(1, 3, model.config.llm.hidden_size)
    plain = model.connect(hidden, torch.ones(1, 3, dtype=torch.long))
    padded_hidden = torch.cat((torch.randn(1, 2, model.config.llm.hidden_size), hidden), dim=1)
    padded = model.connect(padded_hidden, torch.tensor([[0, 0, 1, 1, 1]]))
    assert torch.allclose(padded[:, 2:], plain, atol=1e-5)


def test_connector_starts_as_a_copy_of_the_last_llm_layers():
    model = tiny_model()
    last = model.llm.layers[-1]
    mine = model.connector.layers[-1]
    for (name, theirs), (_, ours) in zip(last.named_parameters(), mine.named_parameters()):
        assert torch.equal(theirs, ours), name
    with torch.no_grad():
        model.llm.norm.weight.mul_(2.0)
    model.init_connector_from_llm()
    assert torch.equal(model.connector.norm.weight, model.llm.norm.weight)


def test_mask_must_match_hidden_states():
    model = tiny_model()
    with pytest.raises(ModelInputError, match="attention_mask"):
        model.connect(torch.randn(1, 3, model.config.llm.hidden_size), torch.ones(1, 4, dtype=torch.long))
