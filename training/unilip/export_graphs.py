"""The seven ONNX graphs of a model package: their declared inputs/outputs, wrappers, export and checks.

`graph_specs(config)` is the single source of the graph table: the exporter traces with its names and
symbolic axes, verifies the written ONNX against it, and copies it into the manifest.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import onnx
import torch
from torch import nn
from torch.onnx import symbolic_helper

from unilip.config import UniLIPConfig
from unilip.model import UniLIP

OPSET = 17
GRAPH_DIR = "graphs"
MIN_TRACED_AXIS = 2
_ONNX_DTYPES = {"float32": onnx.TensorProto.FLOAT, "int64": onnx.TensorProto.INT64}
_TORCH_DTYPES = {"float32": torch.float32, "int64": torch.int64}

Dim = int | str


class GraphExportError(RuntimeError):
    """An exported graph whose names, dtypes or shapes differ from its declared spec."""


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str
    shape: tuple[Dim, ...]

    def to_json(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


@dataclass(frozen=True)
class GraphSpec:
    name: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]

    @property
    def file(self) -> str:
        return f"{GRAPH_DIR}/{self.name}.onnx"

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "inputs": [t.to_json() for t in self.inputs],
            "outputs": [t.to_json() for t in self.outputs],
        }


def _f32(name: str, *shape: Dim) -> TensorSpec:
    return TensorSpec(name, "float32", shape)


def _i64(name: str, *shape: Dim) -> TensorSpec:
    return TensorSpec(name, "int64", shape)


def graph_specs(config: UniLIPConfig) -> dict[str, GraphSpec]:
    llm = config.llm
    size, hidden, n_img = config.vision.image_size, llm.hidden_size, config.vision.tokens_per_image
    c, h = config.latent_channels, config.latent_size
    kv = ("batch", llm.num_kv_heads, "past", llm.head_dim)
    present = ("batch", llm.num_kv_heads, "total", llm.head_dim)
    layers = range(llm.num_layers)
    dit = config.dit
    cross = ("batch", dit.num_heads, "cond", dit.hidden_size // dit.num_heads)
    # dit_condition's outputs are dit's inputs, by name: the engine feeds one to the other unchanged.
    projected = (
        *(_f32(f"cross_attention.{i}.{part}", *cross) for i in range(dit.num_layers) for part in ("key", "value")),
        _f32("condition_bias", "batch", dit.num_heads, h * h, "cond"),
    )
    specs = [
        # With cell tags the LLM reads tagged features (`image_tokens`); the latents and the edit condition
        # read the bare ones.
        GraphSpec("vision_encoder", (_f32("pixel_values", "batch", 3, size, size),),
                  (_f32("image_features", "batch", n_img, hidden),
                   *((_f32("image_tokens", "batch", n_img, hidden),) if config.cell_tags else ()))),
        GraphSpec("embed_tokens", (_i64("input_ids", "batch", "seq"),),
                  (_f32("inputs_embeds", "batch", "seq", hidden),)),
        GraphSpec(
            "decoder",
            (
                _f32("inputs_embeds", "batch", "seq", hidden),
                _i64("attention_mask", "batch", "total"),
                _i64("position_ids", "batch", "seq"),
                *(_f32(f"past_key_values.{i}.{part}", *kv) for i in layers for part in ("key", "value")),
            ),
            (
                _f32("logits", "batch", "seq", llm.vocab_size),
                _f32("hidden_states", "batch", "seq", hidden),
                *(_f32(f"present.{i}.{part}", *present) for i in layers for part in ("key", "value")),
            ),
        ),
        GraphSpec("connector",
                  (_f32("hidden_states", "batch", "cond", hidden), _i64("attention_mask", "batch", "cond")),
                  (_f32("condition", "batch", "cond", config.dit.caption_channels),)),
        GraphSpec(
            "dit_condition",
            (
                _f32("condition", "batch", "cond", config.dit.caption_channels),
                _i64("condition_mask", "batch", "cond"),
                _i64("image_mask", "batch", "cond"),
            ),
            projected,
        ),
        GraphSpec(
            "dit",
            (_f32("latents", "batch", c, h, h), _f32("timestep", "batch"), *projected),
            (_f32("velocity", "batch", c, h, h),),
        ),
        GraphSpec("pixel_decoder", (_f32("latents", "batch", c, h, h),),
                  (_f32("pixel_values", "batch", 3, size, size),)),
        # From the vision encoder's features, not pixels, so the package does not hold the ViT twice.
        GraphSpec("latent_encoder", (_f32("image_features", "batch", n_img, hidden),),
                  (_f32("latents", "batch", c, h, h),)),
    ]
    return {spec.name: spec for spec in specs}


@symbolic_helper.parse_args("v", "is", "v", "v", "f", "none")
def _layer_norm(g, x, normalized_shape, weight, bias, eps, cudnn_enable):
    # torch 1.13's opset-17 LayerNormalization leaves the scale input empty for a LayerNorm without
    # affine weights, which ONNX forbids; pass explicit ones/zeros instead.
    if symbolic_helper._is_none(weight):
        weight = g.op("Constant", value_t=torch.ones(normalized_shape))
    if symbolic_helper._is_none(bias):
        bias = g.op("Constant", value_t=torch.zeros(normalized_shape))
    return g.op("LayerNormalization", x, weight, bias, epsilon_f=eps, axis_i=-len(normalized_shape))


class _Decoder(nn.Module):
    """Flattens the per-layer cache into separate graph inputs/outputs."""

    def __init__(self, model: UniLIP) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        cache = [(past[i], past[i + 1]) for i in range(0, len(past), 2)]
        logits, hidden, present = self.model.decoder(inputs_embeds, attention_mask, position_ids, cache)
        return (logits, hidden, *(t for kv in present for t in kv))


class _Method(nn.Module):
    def __init__(self, model: UniLIP, method: Callable[..., torch.Tensor]) -> None:
        super().__init__()
        self.model = model
        self.method = method

    def forward(self, *inputs):
        return self.method(*inputs)


def graph_module(model: UniLIP, name: str) -> nn.Module:
    methods = {
        "vision_encoder": model.encode_images_and_inputs if model.config.cell_tags else model.encode_images,
        "embed_tokens": model.embed_tokens,
        "connector": model.connect,
        "dit_condition": model.dit_condition,
        "dit": model.dit_step,
        "pixel_decoder": model.decode_latents,
        "latent_encoder": model.latents_from_features,
    }
    return _Decoder(model) if name == "decoder" else _Method(model, methods[name])


@torch.no_grad()
def run_graph(model: UniLIP, spec: GraphSpec, inputs: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Run the PyTorch side of a graph: named inputs in, named outputs out."""
    outputs = graph_module(model, spec.name)(*(inputs[t.name] for t in spec.inputs))
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    return {t.name: out for t, out in zip(spec.outputs, outputs)}


@torch.no_grad()
def export_graph(model: UniLIP, spec: GraphSpec, inputs: Mapping[str, torch.Tensor], out_dir: Path) -> Path:
    """Trace with `inputs` and verify the written graph against `spec`."""
    check_inputs(spec, inputs)
    path = out_dir / spec.file
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = (*spec.inputs, *spec.outputs)
    dynamic_axes = {t.name: {i: d for i, d in enumerate(t.shape) if isinstance(d, str)} for t in tensors}
    torch.onnx.register_custom_op_symbolic("aten::layer_norm", _layer_norm, OPSET)
    with warnings.catch_warnings():
        # Shape inference notes about constants; the declared shapes are stamped and verified below, and
        # the values are checked against onnxruntime by tests/ort_check.mjs.
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant type is missing")
        torch.onnx.export(
            graph_module(model, spec.name),
            tuple(inputs[t.name] for t in spec.inputs),
            str(path),
            input_names=[t.name for t in spec.inputs],
            output_names=[t.name for t in spec.outputs],
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            do_constant_folding=True,
        )
    _stamp_declared_shapes(path, spec)
    verify_graph(path, spec)
    return path


def _stamp_declared_shapes(path: Path, spec: GraphSpec) -> None:
    """The tracer loses fixed sizes that pass through dynamic reshapes and names them itself
    (`Addimage_features_dim_1`); write the declared size or axis name in their place. A fixed size that
    contradicts the spec is left alone, so `verify_graph` reports it."""
    model = onnx.load(str(path))
    for declared, actual in ((spec.inputs, model.graph.input), (spec.outputs, model.graph.output)):
        for t, value_info in zip(declared, actual):
            for want, dim in zip(t.shape, value_info.type.tensor_type.shape.dim):
                if dim.HasField("dim_value") and dim.dim_value != want:
                    continue
                if isinstance(want, int):
                    dim.dim_value = want
                else:
                    dim.dim_param = want
    onnx.save(model, str(path))


def _declared(value_info: onnx.ValueInfoProto) -> tuple[int, tuple[Dim, ...]]:
    tensor = value_info.type.tensor_type
    dims = tuple(d.dim_param if d.HasField("dim_param") else d.dim_value for d in tensor.shape.dim)
    return tensor.elem_type, dims


def verify_graph(path: Path, spec: GraphSpec) -> None:
    """onnx.checker, then every input/output name, dtype and shape exactly as the spec declares."""
    try:
        onnx.checker.check_model(str(path), full_check=True)
    except onnx.checker.ValidationError as e:
        raise GraphExportError(f"{path}: onnx.checker failed") from e
    graph = onnx.load(str(path), load_external_data=False).graph
    for kind, declared, actual in (("inputs", spec.inputs, graph.input), ("outputs", spec.outputs, graph.output)):
        names = [v.name for v in actual]
        if names != [t.name for t in declared]:
            raise GraphExportError(f"{path}: {kind} are {names}, expected {[t.name for t in declared]}")
        for t, value_info in zip(declared, actual):
            got = _declared(value_info)
            if got != (_ONNX_DTYPES[t.dtype], t.shape):
                raise GraphExportError(f"{path}: {t.name} is {got}, expected ({t.dtype}, {t.shape})")


def check_inputs(spec: GraphSpec, inputs: Mapping[str, torch.Tensor]) -> None:
    """Trace inputs must have the declared dtypes and fixed sizes, and every symbolic axis at least
    MIN_TRACED_AXIS entries: the tracer turns an axis of size 1 into a constant."""
    for t in spec.inputs:
        value = inputs.get(t.name)
        if value is None or value.dtype != _TORCH_DTYPES[t.dtype] or value.dim() != len(t.shape):
            raise GraphExportError(f"{spec.name}: input {t.name} missing or not {t.dtype} rank {len(t.shape)}")
        for actual, declared in zip(value.shape, t.shape):
            wrong_size = isinstance(declared, int) and actual != declared
            baked_in = isinstance(declared, str) and actual < MIN_TRACED_AXIS
            if wrong_size or baked_in:
                raise GraphExportError(
                    f"{spec.name}: input {t.name} of shape {tuple(value.shape)} cannot be traced as {t.shape}"
                )
