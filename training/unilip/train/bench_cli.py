"""The command line the training benches share: a checkpoint and a number of timed steps in, one JSON
line of figures out."""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import torch

from unilip.checkpoint import load_checkpoint
from unilip.model import UniLIP
from unilip.tokenizer import Tokenizer

Bench = Callable[[UniLIP, Tokenizer, int], dict[str, float]]


def bench_main(description: str, bench: Bench, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True, help="a UniLIP checkpoint (final.pt)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps after one warm-up")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")
    # One thread, as each of the recipe's workers runs.
    torch.set_num_threads(1)
    checkpoint = load_checkpoint(args.checkpoint)
    print(json.dumps(bench(checkpoint.model.train(), checkpoint.tokenizer(), args.steps)))
