"""Every exported method traces to a valid opset-17 ONNX graph with dynamic axes (tiny preset)."""

import io

import onnx
import pytest
import torch
from torch import nn

from unilip.config import tiny
from unilip.model import UniLIP

OPSET = 17
# torch 1.13 notes missing shape inference for constants it folds; the checker below is the real test.
pytestmark = pytest.mark.filterwarnings("ignore:The shape inference of prim")


class Method(nn.Module):
    """Exposes one UniLIP method as `forward` for the exporter."""

    def __init__(self, model: UniLIP, name: str) -> None:
        super().__init__()
        self.model = model
        self.name = name

    def forward(self, *args: torch.Tensor):
        return getattr(self.model, self.name)(*args)


class Decoder(nn.Module):
    """The decoder with the cache flattened to (key, value) inputs and outputs per layer."""

    def __init__(self, model: UniLIP) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs_embeds, attention_mask, position_ids, *past: torch.Tensor):
        cache = list(zip(past[0::2], past[1::2]))
        logits, hidden, present = self.model.decoder(inputs_embeds, attention_mask, position_ids, cache)
        return (logits, hidden, *[t for pair in present for t in pair])


def export(module: nn.Module, args: tuple, inputs: list[str], outputs: list[str], axes: dict) -> onnx.ModelProto:
    buffer = io.BytesIO()
    torch.onnx.export(
        module, args, buffer, input_names=inputs, output_names=outputs, dynamic_axes=axes, opset_version=OPSET
    )
    graph = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(graph)
    return graph


def dims(graph: onnx.ModelProto, name: str) -> list[str | int]:
    """Declared sizes of a graph input or output; the named dynamic axes must survive export."""
    (value,) = [v for v in list(graph.graph.input) + list(graph.graph.output) if v.name == name]
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


def has_dims(graph: onnx.ModelProto, name: str, expected: list[str | int]) -> bool:
    """Named axes must match exactly; fixed sizes wherever ONNX shape inference recorded a number."""
    actual = dims(graph, name)
    return len(actual) == len(expected) and all(
        a == e for a, e in zip(actual, expected) if isinstance(e, str) or isinstance(a, int)
    )


@pytest.fixture(scope="module")
def model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def test_vision_and_latent_graphs(model):
    pixels = torch.rand(2, 3, 32, 32)
    batch = {0: "batch"}
    graph = export(Method(model, "encode_images"), (pixels,), ["pixel_values"], ["image_features"],
                   {"pixel_values": batch, "image_features": batch})
    assert has_dims(graph, "image_features", ["batch", 4, 32])
    graph = export(Method(model, "encode_latents"), (pixels,), ["pixel_values"], ["latents"],
                   {"pixel_values": batch, "latents": batch})
    assert has_dims(graph, "latents", ["batch", 8, 2, 2])
    latents = torch.randn(2, 8, 2, 2)
    graph = export(Method(model, "decode_latents"), (latents,), ["latents"], ["pixel_values"],
                   {"latents": batch, "pixel_values": batch})
    assert has_dims(graph, "pixel_values", ["batch", 3, 32, 32])


def test_embed_and_connector_graphs(model):
    ids = torch.randint(0, 512, (2, 5))
    seq = {0: "batch", 1: "seq"}
    graph = export(Method(model, "embed_tokens"), (ids,), ["input_ids"], ["inputs_embeds"],
                   {"input_ids": seq, "inputs_embeds": seq})
    assert has_dims(graph, "inputs_embeds", ["batch", "seq", 32])
    cond = {0: "batch", 1: "cond"}
    graph = export(Method(model, "connect"), (torch.randn(2, 5, 32), torch.ones(2, 5, dtype=torch.long)),
                   ["hidden_states", "attention_mask"], ["condition"],
                   {"hidden_states": cond, "attention_mask": cond, "condition": cond})
    assert has_dims(graph, "condition", ["batch", "cond", 32])


def test_dit_graph(model):
    args = (torch.randn(2, 8, 2, 2), torch.tensor([900.0, 100.0]), torch.randn(2, 6, 32),
            torch.ones(2, 6, dtype=torch.long))
    batch, cond = {0: "batch"}, {0: "batch", 1: "cond"}
    graph = export(Method(model, "dit"), args, ["latents", "timestep", "condition", "condition_mask"], ["velocity"],
                   {"latents": batch, "timestep": batch, "condition": cond, "condition_mask": cond,
                    "velocity": batch})
    assert has_dims(graph, "velocity", ["batch", 8, 2, 2])


def test_decoder_graph_with_a_cache(model):
    layers = model.config.llm.num_layers
    past_names = [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    present_names = [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    past = [torch.randn(2, 1, 3, 16) for _ in past_names]
    args = (torch.randn(2, 2, 32), torch.ones(2, 5, dtype=torch.long), torch.tensor([[3, 4], [3, 4]]), *past)
    seq = {0: "batch", 1: "seq"}
    axes = {"inputs_embeds": seq, "attention_mask": {0: "batch", 1: "total"}, "position_ids": seq,
            "logits": seq, "hidden_states": seq}
    axes |= {name: {0: "batch", 2: "past"} for name in past_names}
    axes |= {name: {0: "batch", 2: "total"} for name in present_names}
    graph = export(Decoder(model), args, ["inputs_embeds", "attention_mask", "position_ids", *past_names],
                   ["logits", "hidden_states", *present_names], axes)
    assert has_dims(graph, "logits", ["batch", "seq", 512])
    assert has_dims(graph, "present.1.value", ["batch", 1, "total", 16])
