"""Training checkpoints: config, weights, the tokenizer's files and metadata in one `torch.save` file.

The tokenizer travels inside the checkpoint, so a checkpoint alone is enough to export a package.
Config and meta are stored as JSON text: torch 1.13's safe (`weights_only`) loader cannot read pickled
floats, and loading checkpoints without it would let a file run code.
"""
from __future__ import annotations

import json
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from unilip.config import ConfigError, UniLIPConfig
from unilip.model import UniLIP
from unilip.tokenizer import TOKENIZER_FILES, Tokenizer, TokenizerError, read_tokenizer_texts

CHECKPOINT_FORMAT = 1
# Meta records of what changed a model after the recipe's stages (`unilip.train.distinct_places`,
# `unilip.train.continue_generation`, `unilip.train.continue_understanding`), oldest first: a package's
# provenance carries them and an import reads them back, so a model trained further keeps its whole history.
AFTER_RECIPE = ("distinct_places", "continued_generation", "continued_understanding")


class CheckpointError(ValueError):
    """A checkpoint file that is missing, of another format, or does not fit its own config."""


@dataclass
class Checkpoint:
    model: UniLIP
    tokenizer_files: dict[str, str]
    meta: dict[str, Any] = field(default_factory=dict)

    def tokenizer(self) -> Tokenizer:
        return Tokenizer.from_texts(self.tokenizer_files, "checkpoint")


def save_checkpoint(path: str | Path, model: UniLIP, tokenizer: str | Path | Mapping[str, str],
                    meta: Mapping[str, Any]) -> None:
    """`tokenizer`: the directory of the tokenizer files, or their texts by name (a loaded checkpoint's
    `tokenizer_files`). Meta should hold at least `training_steps`; `routing` ("image_start_token" when the
    model was trained to answer draw requests with `<img>generate`) is copied into exported manifests."""
    if isinstance(tokenizer, Mapping):
        missing = [name for name in TOKENIZER_FILES if name not in tokenizer]
        if missing:
            raise CheckpointError(f"tokenizer texts missing: {missing}")
        files = {name: tokenizer[name] for name in TOKENIZER_FILES}
    else:
        try:
            files = read_tokenizer_texts(tokenizer)
        except TokenizerError as e:
            raise CheckpointError(f"tokenizer files missing in {tokenizer}") from e
    try:
        meta_json = json.dumps(dict(meta))
    except (TypeError, ValueError) as e:
        raise CheckpointError("checkpoint meta must be JSON-serialisable") from e
    payload = {
        "format": CHECKPOINT_FORMAT,
        "config": json.dumps(model.config.to_dict()),
        "model": model.state_dict(),
        "tokenizer": files,
        "meta": meta_json,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    torch.save(payload, path)


def load_checkpoint(path: str | Path) -> Checkpoint:
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as e:
        raise CheckpointError(f"cannot read checkpoint {path}") from e
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path}: not a UniLIP checkpoint of format {CHECKPOINT_FORMAT}")
    try:
        model = UniLIP(UniLIPConfig.from_dict(json.loads(payload["config"])))
        model.load_state_dict(payload["model"])
        tokenizer = {name: payload["tokenizer"][name] for name in TOKENIZER_FILES}
        meta = json.loads(payload["meta"])
        if not isinstance(meta, dict):
            raise TypeError("meta is not an object")
    except (ConfigError, KeyError, RuntimeError, TypeError, ValueError) as e:
        raise CheckpointError(f"{path}: config, weights, tokenizer or meta do not fit together") from e
    return Checkpoint(model.eval(), tokenizer, meta)
