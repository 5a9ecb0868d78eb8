"""What every continuation of a finished model shares (`continue_generation`, `continue_understanding`):
the command-line arguments of a run, the check that only the trained weights changed, and the saved model
whose meta lists how each continuation was made, oldest first."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from unilip.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from unilip.model import UniLIP
from unilip.train import data_parallel
from unilip.train.loop import ParamGroup


def launch(train: Callable, settings: Any, key: str) -> dict:
    """`train(settings)` in `settings.workers` processes; returns the record it added to meta list `key`."""
    data_parallel.launch(train, (settings,), settings.workers)
    return load_checkpoint(settings.run_dir / "final.pt").meta[key][-1]


def main(parse_args: Callable[[], Any], run: Callable[[Any], dict], stage: str) -> None:
    """A continuation's command: runs it and prints the record it added to the model's meta."""
    settings = parse_args()
    began = time.monotonic()
    print(json.dumps(run(settings)))
    print(f"{stage} done in {time.monotonic() - began:.0f}s -> {settings.run_dir / 'final.pt'}", flush=True)


def add_run_arguments(parser: argparse.ArgumentParser, batch: int, lr: float) -> None:
    parser.add_argument("--checkpoint", type=Path, required=True, help="a finished model's final.pt")
    parser.add_argument("--run-dir", type=Path, required=True, help="where checkpoints, the log and final.pt go")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                        help="torch device (default: cuda when there is one)")
    parser.add_argument("--batch", type=int, default=batch, help="samples per step")
    parser.add_argument("--lr", type=float, default=lr, help="peak learning rate")
    parser.add_argument("--workers", type=int, default=1, help="data-parallel training processes (CPU only)")
    parser.add_argument("--seed", type=int, default=0)


def check_run_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.workers > 1 and (args.device != "cpu" or args.batch % args.workers):
        parser.error(f"--workers above 1 must run on --device cpu and split --batch evenly, got {args.workers} "
                     f"workers on {args.device} for a batch of {args.batch}")
    if not args.checkpoint.is_file():
        parser.error(f"--checkpoint {args.checkpoint} is not a file")


def frozen_state(model: UniLIP, trained: list[ParamGroup]) -> dict[str, torch.Tensor]:
    """Copies of every weight outside `trained`."""
    ids = {id(p) for group in trained for p in group.params}
    return {name: p.detach().cpu().clone() for name, p in model.named_parameters() if id(p) not in ids}


def check_unchanged(model: UniLIP, before: dict[str, torch.Tensor], what: str) -> None:
    """Raises when a weight of `before` (a `frozen_state`) differs in `model`."""
    now = dict(model.named_parameters())
    changed = [name for name, value in before.items() if not torch.equal(now[name].detach().cpu(), value)]
    if changed:
        raise RuntimeError(f"weights outside {what} changed: {changed[:5]}")


def device_name(device: torch.device) -> str:
    return torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"


def save_continued(checkpoint: Checkpoint, model: UniLIP, run_dir: Path, key: str, record: dict,
                   stage: str, timing: dict) -> None:
    """`final.pt` with `record` appended to the meta list `key` (a model continued twice keeps both records,
    oldest first), and `timings.json`."""
    runs = [*checkpoint.meta.get(key, []), record]
    save_checkpoint(run_dir / "final.pt", model, checkpoint.tokenizer_files, {**checkpoint.meta, key: runs})
    (run_dir / "timings.json").write_text(json.dumps({stage: timing}, indent=2))
