"""Export a UniLIP model package (docs/model-package.md) from a checkpoint or from a random init.

    python -m unilip.export --checkpoint runs/shapes/final.pt --out ../models/shapes
    python -m unilip.export --random --preset tiny --seed 0 --out ../models/tiny-random

The package is assembled in a sibling temporary folder and moved into place only once every graph has
passed onnx.checker and the manifest has been read back, so a failed export never leaves half a package.
"""
from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from unilip import config as presets
from unilip.checkpoint import AFTER_RECIPE, CheckpointError, load_checkpoint
from unilip.export_graphs import GraphExportError, export_graph, graph_specs
from unilip.export_manifest import (
    MANIFEST_FILE,
    QUERIES_FILE,
    ManifestError,
    build_manifest,
    check_package,
    write_manifest,
)
from unilip.fixtures import write_fixtures
from unilip.graph_inputs import GRAPH_CASES, graph_inputs
from unilip.model import ModelInputError, UniLIP
from unilip.npy import NpyError, save_npy
from unilip.progress import ProgressBar
from unilip.sampling import SamplerError, SamplerSettings
from unilip.tokenizer import Tokenizer, TokenizerError, build_tokenizer, save_tokenizer
from unilip.world import VOCAB_WORDS, corpus

PRESETS = {"tiny": presets.tiny, "shapes": presets.shapes}
# World texts the tokenizer of a random-init package learns from: enough to see every word.
TOKENIZER_CORPUS_SIZE = 1000
# Tokenizer files + queries, one step per graph, three fixture steps, the read-back check.
_EXPORT_STEPS = 1 + len(set(GRAPH_CASES.values())) + 3 + 1


class ExportError(RuntimeError):
    """The package could not be written (bad destination, inconsistent model and tokenizer)."""


@dataclass(frozen=True)
class PackageInfo:
    """What the manifest says about the package beyond the model itself."""

    name: str
    description: str
    routing_mode: str
    provenance: Mapping[str, Any]
    # Trained on lower-case text only: the manifest tells the runtime to lower-case user text.
    lowercase_text: bool = False
    sampler: SamplerSettings = SamplerSettings()


@dataclass(frozen=True)
class ExportSource:
    model: UniLIP
    tokenizer: Tokenizer
    info: PackageInfo


def export_package(source: ExportSource, out_dir: Path, seed: int = 0, fixtures: bool = True) -> dict[str, Any]:
    """Write the package to `out_dir` (replacing an earlier package there); returns the manifest."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MANIFEST_FILE).is_file():
        raise ExportError(f"{out_dir} is neither empty nor a model package; refusing to overwrite it")
    progress = ProgressBar(_EXPORT_STEPS if fixtures else _EXPORT_STEPS - 3, f"export {source.info.name}")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        manifest = _write_package(source, staging, seed, fixtures, progress)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except (GraphExportError, ManifestError, NpyError, TokenizerError, ModelInputError) as e:
        raise ExportError(f"export to {out_dir} failed: {e}") from e
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _write_package(
    source: ExportSource, out: Path, seed: int, fixtures: bool, progress: ProgressBar
) -> dict[str, Any]:
    model, tokenizer, info = source.model.eval(), source.tokenizer, source.info
    specs = graph_specs(model.config)
    # Built first so that a tokenizer too large for the model fails before minutes of tracing.
    manifest = build_manifest(model.config, tokenizer, specs, name=info.name, description=info.description,
                              routing_mode=info.routing_mode, provenance=info.provenance,
                              lowercase_text=info.lowercase_text, sampler=info.sampler)
    save_tokenizer(tokenizer, out)
    save_npy(out / QUERIES_FILE, model.queries)
    progress.advance("tokenizer, queries")
    cases = graph_inputs(model, seed)
    exported: set[str] = set()
    for case, graph in GRAPH_CASES.items():
        if graph not in exported:
            export_graph(model, specs[graph], cases[case], out)
            exported.add(graph)
            progress.advance(graph)
    write_manifest(out, manifest)
    if fixtures:
        write_fixtures(out, model, tokenizer, specs, cases, manifest["generation"]["stop_token_ids"], seed,
                       progress.advance)
    check_package(out)
    progress.advance("checked")
    return manifest


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def random_source(preset: str, seed: int) -> ExportSource:
    """Random init: a tokenizer learned on the Shapes world, the preset with its vocabulary sized to that
    tokenizer, weights from `torch.manual_seed(seed)`. Exports byte-for-byte reproducibly."""
    base = PRESETS[preset]()
    texts = corpus(np.random.default_rng(seed), TOKENIZER_CORPUS_SIZE)
    tokenizer = build_tokenizer(texts, words=VOCAB_WORDS, model_max_length=base.llm.max_position)
    config = replace(base, llm=replace(base.llm, vocab_size=len(tokenizer)))
    torch.manual_seed(seed)
    model = UniLIP(config)
    # No timestamp or commit: regenerating the committed fixture must not change a byte.
    provenance = {"checkpoint": None, "git_commit": None, "training_steps": 0, "torch_version": torch.__version__,
                  "source": f"random init, preset {preset}, seed {seed}"}
    info = PackageInfo(
        name=f"{preset}-random",
        description=f"UniLIP with random weights (preset {preset}, seed {seed}): a test fixture, not a model",
        routing_mode="zero_shot",
        provenance=provenance,
    )
    return ExportSource(model, tokenizer, info)


def checkpoint_source(checkpoint: Path, fallback_name: str, name: str | None = None,
                      routing_mode: str | None = None, description: str | None = None) -> ExportSource:
    """A trained model; name and routing come from the arguments, else the checkpoint's meta."""
    loaded = load_checkpoint(checkpoint)
    tokenizer = loaded.tokenizer()
    meta = loaded.meta
    # The recipe records steps per stage; the manifest's training_steps is their total.
    steps = meta.get("training_steps")
    stage_steps = steps if isinstance(steps, dict) else None
    provenance = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "checkpoint": checkpoint.name,
        "git_commit": meta.get("git_commit") or _git_commit(),
        "training_steps": sum(stage_steps.values()) if stage_steps else steps,
        "stage_steps": stage_steps,
        "torch_version": torch.__version__,
    }
    # The stage steps are not all of such a model's training.
    provenance.update({key: meta[key] for key in AFTER_RECIPE if key in meta})
    info = PackageInfo(
        name=name or meta.get("name") or fallback_name,
        description=description or meta.get("description", f"UniLIP exported from {checkpoint.name}"),
        routing_mode=routing_mode or meta.get("routing", "zero_shot"),
        provenance=provenance,
        lowercase_text=meta.get("lowercase_text") is True,
        sampler=SamplerSettings.from_meta(meta),
    )
    return ExportSource(loaded.model, tokenizer, info)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unilip.export", description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path, help="training checkpoint (unilip.checkpoint format)")
    source.add_argument("--random", action="store_true", help="random weights (a test fixture)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="tiny", help="config preset for --random")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights, tokenizer corpus and fixtures")
    parser.add_argument("--out", type=Path, required=True, help="package folder to write (replaced if a package)")
    parser.add_argument("--name", help="package name (default: checkpoint meta name or folder name)")
    parser.add_argument("--description", help="one-line package description (default: from the checkpoint meta)")
    parser.add_argument("--routing", choices=("image_start_token", "zero_shot"),
                        help="override the routing mode recorded in the checkpoint meta")
    parser.add_argument("--lowercase-text", action="store_true",
                        help="the model was trained on lower-case text: the runtime lower-cases user text "
                             "(default: the checkpoint meta's lowercase_text)")
    parser.add_argument("--no-fixtures", action="store_true", help="skip the golden fixtures")
    args = parser.parse_args(argv)
    try:
        if args.random:
            source = random_source(args.preset, args.seed)
        else:
            source = checkpoint_source(args.checkpoint, args.out.name, args.name, args.routing, args.description)
        if args.lowercase_text:
            source = replace(source, info=replace(source.info, lowercase_text=True))
        export_package(source, args.out, seed=args.seed, fixtures=not args.no_fixtures)
    except (ExportError, CheckpointError, TokenizerError, SamplerError) as e:
        print(f"export failed: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
