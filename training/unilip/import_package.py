"""Read a model package's weights back into a training checkpoint, so a bundled model can be probed,
evaluated or trained further without the run that made it.

    /usr/bin/python3 -m unilip.import_package --package ../models/shapes --out runs/imported/final.pt

The graphs hold every weight the runtime uses. Named initializers keep their parameter names; a linear
layer's weight is stored transposed under an anonymous name, and the MatMul that reads it carries the
module's path. Weights no graph holds (the CLIP text tower) keep their fresh initial values, and the
import lists them.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from unilip.checkpoint import AFTER_RECIPE, Checkpoint, save_checkpoint
from unilip.config import UniLIPConfig
from unilip.export_manifest import MANIFEST_FILE
from unilip.model import UniLIP
from unilip.progress import ProgressBar
from unilip.tokenizer import read_tokenizer_texts

# The exporter wraps the model as the attribute `model`; named initializers carry that prefix.
WRAPPED = "model."
# The output head reads this table transposed when the LLM ties its embeddings.
TIED_EMBEDDINGS = "llm.embed.weight"
# A package whose dit_condition has no image mask was trained without the cell bonus; zeros reproduce
# that DiT exactly.
CELL_BIAS = "denoiser.cell_bias"


class PackageImportError(ValueError):
    """A package that cannot be read back into the model its manifest describes."""


@dataclass
class Imported:
    checkpoint: Checkpoint
    not_in_package: list[str]  # parameters left at their initial values


def _module_path(node_name: str) -> str:
    """'/vision/mlp1/mlp1.1/MatMul' -> 'vision.mlp1.1': a called container (Sequential) is a scope of its
    own, and its children repeat its name."""
    parts: list[str] = []
    for part in node_name.strip("/").split("/")[:-1]:
        if parts and part.startswith(parts[-1] + "."):
            parts[-1] = part
        else:
            parts.append(part)
    return ".".join(parts)


def _under(name: str, suffix: str) -> bool:
    """Whether parameter `name` ends with the module path `suffix`; a final '*' stands for one parameter
    of that module, and a bare '*' for one of a top-level module."""
    if suffix == "*":
        return name.count(".") == 1
    if suffix.endswith(".*"):
        parent = name.rsplit(".", 1)[0]
        return parent == suffix[:-2] or parent.endswith("." + suffix[:-2])
    return name == suffix or name.endswith("." + suffix)


def _owner(
    node: onnx.NodeProto, value: np.ndarray, candidates: dict[str, tuple[int, ...]], bias: str | None
) -> tuple[str | None, np.ndarray]:
    """The parameter an anonymous initializer holds, from the path of the node that reads it.

    A MatMul reads a linear weight transposed ('/llm/layers.0/attn/q_proj/MatMul' ->
    'llm.layers.0.attn.q_proj.weight'); an Add or Mul reads a table with axes of size 1 added. Paths start at
    the outermost module the graph called, so they are matched as suffixes among `candidates`; a layer
    called as a method has no path of its own, and its `bias` (the named bias added to the MatMul's
    output, if any) names it instead. None: a MatMul with no linear layer of its own (the output head that
    reuses the token embeddings).
    """
    if node.op_type == "MatMul" and bias is not None and bias.endswith(".bias"):
        return bias[len(WRAPPED) : -len(".bias")] + ".weight", value.T
    scope = _module_path(node.name)
    if node.op_type == "MatMul":
        suffix, weight = f"{scope}.weight" if scope else "weight", value.T
    elif node.op_type in ("Add", "Mul"):
        # A table broadcast against activations: the exporter folded its reshape (axes of size 1 added).
        suffix, weight = f"{scope}.*" if scope else "*", np.squeeze(value)
    else:
        raise PackageImportError(f"an anonymous initializer feeds node {node.name!r} ({node.op_type})")
    matches = [name for name, shape in candidates.items()
               if tuple(d for d in shape if d != 1) == weight.shape and _under(name, suffix)]
    if not matches and node.op_type == "MatMul":
        return None, weight
    if len(matches) != 1:
        raise PackageImportError(f"node {node.name!r} reads a weight that fits {matches or 'no parameter'}")
    return matches[0], weight.reshape(candidates[matches[0]])


def graph_weights(
    path: Path, expected: dict[str, tuple[int, ...]]
) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """One graph's initializers as parameter name -> array, in the model's layout, and the weights of
    MatMuls without a layer of their own; `expected` maps the model's parameter names to their shapes."""
    graph = onnx.load(str(path)).graph
    initializers = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    weights = {name[len(WRAPPED) :]: value for name, value in initializers.items() if name.startswith(WRAPPED)}
    # Anonymous weights belong to the same top-level modules as the graph's named ones.
    roots = {name.split(".")[0] for name in weights}
    candidates = {name: shape for name, shape in expected.items() if name.split(".")[0] in roots}
    biases = {}  # MatMul output -> the named initializer an Add puts on it
    for node in graph.node:
        if node.op_type == "Add":
            named = [name for name in node.input if name.startswith(WRAPPED)]
            for name in node.input:
                biases[name] = named[0] if len(named) == 1 else None
    ownerless = []
    for node in graph.node:
        for name in node.input:
            if name not in initializers:
                continue
            if name.startswith(WRAPPED):
                # The exporter stores equal tensors once (norms still at their initial ones) and hands
                # the copies out through Identity nodes named after the other parameters.
                if node.op_type == "Identity" and node.output[0].startswith(WRAPPED):
                    weights[node.output[0][len(WRAPPED) :]] = initializers[name]
                continue
            owner, weight = _owner(node, initializers[name], candidates, biases.get(node.output[0]))
            if owner is None:
                ownerless.append(weight)
            else:
                weights[owner] = weight
    return weights, ownerless


def import_package(package: Path) -> Imported:
    try:
        manifest = json.loads((package / MANIFEST_FILE).read_text("utf-8"))
        config = UniLIPConfig.from_dict(manifest["config"])
    except (OSError, KeyError, ValueError) as e:
        raise PackageImportError(f"{package / MANIFEST_FILE}: missing, not JSON, or without a config") from e
    model = UniLIP(config)
    expected = model.state_dict()
    weights: dict[str, np.ndarray] = {"queries": np.load(package / manifest["queries"]["file"])}
    graphs = manifest["graphs"]
    bar = ProgressBar(len(graphs), f"import {package.name}")
    shapes = {name: tuple(value.shape) for name, value in expected.items()}
    ownerless: list[np.ndarray] = []
    for name, spec in graphs.items():
        named, anonymous = graph_weights(package / spec["file"], shapes)
        weights.update(named)
        ownerless += anonymous
        bar.advance(name)
    embed = weights.get(TIED_EMBEDDINGS)
    for weight in ownerless:
        if not (config.llm.tie_embeddings and embed is not None and np.array_equal(weight, embed)):
            raise PackageImportError(f"a graph holds a {weight.shape} weight that belongs to no layer of the model")
    state = {}
    for name, value in weights.items():
        if name not in expected:
            raise PackageImportError(f"the package holds {name}, which the model of its config has no place for")
        if tuple(value.shape) != tuple(expected[name].shape):
            raise PackageImportError(f"{name}: the package has shape {value.shape}, the model {tuple(expected[name].shape)}")
        state[name] = torch.from_numpy(np.array(value, dtype=np.float32))
    condition_inputs = {io["name"] for io in graphs.get("dit_condition", {}).get("inputs", [])}
    if "image_mask" not in condition_inputs:
        state[CELL_BIAS] = torch.zeros_like(expected[CELL_BIAS])
    missing = sorted(set(expected) - set(state))
    model.load_state_dict(state, strict=False)
    tokenizer = read_tokenizer_texts(package)
    provenance = manifest.get("provenance", {})
    # The meta export reads back (name, description, text case, steps per stage), so a checkpoint imported
    # and exported again is the same package.
    meta = {"name": manifest["name"], "description": manifest["description"],
            "lowercase_text": manifest.get("text", {}).get("lowercase") is True,
            "sampler": manifest["sampler"], "routing": manifest["routing"]["mode"],
            "training_steps": provenance.get("stage_steps") or provenance.get("training_steps"),
            "imported_from": str(package)}
    meta.update({key: provenance[key] for key in AFTER_RECIPE if key in provenance})
    return Imported(Checkpoint(model, tokenizer, meta), missing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, required=True, help="a model package directory")
    parser.add_argument("--out", type=Path, required=True, help="checkpoint file to write")
    args = parser.parse_args()
    imported = import_package(args.package)
    checkpoint = imported.checkpoint
    save_checkpoint(args.out, checkpoint.model, checkpoint.tokenizer_files, checkpoint.meta)
    print(f"wrote {args.out}; not in the package, left at their initial values: {imported.not_in_package}")


if __name__ == "__main__":
    main()
