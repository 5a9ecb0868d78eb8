"""The package manifest `unilip.json` (docs/model-package.md), built from the config, the tokenizer and
the graph table, and the read-back check that a written package is complete."""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import onnx

from unilip.config import ConfigError, UniLIPConfig
from unilip.export_graphs import OPSET, GraphExportError, GraphSpec, graph_specs, verify_graph
from unilip.sampling import SamplerSettings
from unilip.templates import ROUTE_ANSWERS, TEMPLATES
from unilip.tokenizer import PAD, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, Tokenizer

FORMAT_VERSION = 2
MANIFEST_FILE = "unilip.json"
QUERIES_FILE = "queries.npy"
ROUTING_MODES = ("image_start_token", "zero_shot")
MAX_NEW_TOKENS = 64


class ManifestError(ValueError):
    """A package whose manifest disagrees with its files."""


def routing(mode: str) -> dict[str, Any]:
    if mode not in ROUTING_MODES:
        raise ManifestError(f"routing mode must be one of {ROUTING_MODES}, got {mode!r}")
    return {"mode": mode, "answers": dict(ROUTE_ANSWERS)} if mode == "image_start_token" else {"mode": mode}


def build_manifest(
    config: UniLIPConfig,
    tokenizer: Tokenizer,
    graphs: Mapping[str, GraphSpec],
    *,
    name: str,
    description: str,
    routing_mode: str,
    provenance: Mapping[str, Any],
    lowercase_text: bool = False,
    sampler: SamplerSettings = SamplerSettings(),
) -> dict[str, Any]:
    """`lowercase_text`: the model was trained on lower-case text only, so the runtime must lower-case user
    text before tokenising. Written only when true, so packages without the field stay byte-identical."""
    llm = config.llm
    if len(tokenizer) > llm.vocab_size:
        raise ManifestError(f"tokenizer has {len(tokenizer)} tokens, the LLM only {llm.vocab_size} embeddings")
    special = tokenizer.special_ids
    return {
        "format_version": FORMAT_VERSION,
        "name": name,
        "description": description,
        "config": config.to_dict(),
        "image": {"size": config.vision.image_size, "channels": 3},
        "llm": {
            "hidden_size": llm.hidden_size,
            "num_layers": llm.num_layers,
            "num_kv_heads": llm.num_kv_heads,
            "head_dim": llm.head_dim,
            "vocab_size": llm.vocab_size,
            "max_position": llm.max_position,
        },
        "vision": {"tokens_per_image": config.vision.tokens_per_image},
        "latent": {
            "channels": config.latent_channels,
            "height": config.latent_size,
            "width": config.latent_size,
            "scale_factor": config.unilip_factor,
        },
        "dit": {"caption_channels": config.dit.caption_channels},
        "queries": {"file": QUERIES_FILE, "count": config.n_query},
        "tokens": {
            "bos": None,
            "eos": tokenizer.eos_id,
            "pad": tokenizer.pad_id,
            "im_start": special["<|im_start|>"],
            "im_end": special["<|im_end|>"],
            "img_start": special["<img>"],
            "img_end": special["</img>"],
            "img_context": special["<IMG_CONTEXT>"],
        },
        "templates": dict(TEMPLATES),
        **({"text": {"lowercase": True}} if lowercase_text else {}),
        "routing": routing(routing_mode),
        "sampler": sampler.to_json(),
        "generation": {"max_new_tokens": MAX_NEW_TOKENS, "stop_token_ids": [tokenizer.eos_id, special[PAD]]},
        "graphs": {name: spec.to_json() for name, spec in graphs.items()},
        "provenance": dict(provenance),
    }


def write_manifest(out_dir: Path, manifest: Mapping[str, Any]) -> None:
    (out_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")


def check_package(out_dir: Path) -> dict[str, Any]:
    """Read a package back: every listed file exists, the graph table is the one its config implies, and
    every graph passes onnx.checker at opset 17 with exactly the manifest's names, dtypes and shapes.
    Returns the manifest."""
    try:
        manifest = json.loads((out_dir / MANIFEST_FILE).read_text("utf-8"))
        specs = graph_specs(UniLIPConfig.from_dict(manifest["config"]))
        files = [TOKENIZER_FILE, TOKENIZER_CONFIG_FILE, manifest["queries"]["file"]]
        files += [graph["file"] for graph in manifest["graphs"].values()]
    except (OSError, ValueError, KeyError, TypeError, ConfigError) as e:
        raise ManifestError(f"{out_dir / MANIFEST_FILE}: missing, not JSON, or without config/graphs") from e
    missing = [f for f in files if not (out_dir / f).is_file()]
    if missing:
        raise ManifestError(f"{out_dir}: files listed in the manifest are missing: {missing}")
    if manifest["graphs"] != {name: spec.to_json() for name, spec in specs.items()}:
        raise ManifestError(f"{out_dir / MANIFEST_FILE}: graph table differs from what its config implies")
    for spec in specs.values():
        path = out_dir / spec.file
        try:
            verify_graph(path, spec)
        except GraphExportError as e:
            raise ManifestError(f"{path}: graph differs from the manifest") from e
        opsets = {o.domain: o.version for o in onnx.load(str(path), load_external_data=False).opset_import}
        if opsets.get("") != OPSET:
            raise ManifestError(f"{path}: opset {opsets}, expected {OPSET}")
    return manifest
