"""Ablation: editing (and drawing) with the learnable queries only, MetaQuery-style, against UniLIP's dual
condition. It retrains the generation stages of a finished recipe run with the DiT seeing only the
queries' states, from the same encoder-stage weights, data, noise and budget, then scores both models on
the same ShapesEval tasks.

    /usr/bin/python3 -m unilip.train.ablation --run-dir runs/shapes --out runs/shapes-queries-only --minutes 115

`--minutes` and `--workers` must be the recipe's, so gen1 and gen2 get the same budgets, batches and cores;
or `--replay-steps` with the run's eval.json gives them exactly its steps, on a machine of any speed.
It needs the run's `encoder2.done.pt`; the comparison waits for `final.pt`. (With one recipe worker it may
start as soon as the recipe enters gen1, on the other core.)
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

# See recipe.py: one BLAS thread, set before numpy/torch load.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

from unilip.checkpoint import save_checkpoint  # noqa: E402
from unilip.sampling import SamplerSettings  # noqa: E402
from unilip.train import data_parallel, evaluate, recipe  # noqa: E402

# How often to look for the dual run's final.pt while waiting for it.
POLL_SECONDS = 30


def train_queries_only(run_dir: Path, out_dir: Path, quick: bool, seed: int, minutes: float,
                       replay_steps: dict[str, int] | None = None) -> dict:
    model, tokenizer = recipe.prepare(run_dir, seed)
    model.load_state_dict(torch.load(run_dir / "encoder2.done.pt", map_location="cpu"))
    settings = recipe.RunSettings(out_dir, quick, seed, minutes, replay_steps)
    timings = recipe.generation_stages(model, tokenizer, settings, queries_only=True)
    meta = {"training_steps": {k: int(t["steps"]) for k, t in timings.items()}, "condition": "queries_only",
            "quick": quick, "seed": seed}
    if data_parallel.is_main():
        save_checkpoint(out_dir / "final.pt", model, run_dir / "tokenizer", meta)
    return timings


def compare(run_dir: Path, out_dir: Path, quick: bool) -> dict:
    """Both models on the same tasks; dual = the recipe's model, as the bundled eval.json reports it."""
    dual, tokenizer = evaluate.load_run(run_dir)
    ablated, _ = evaluate.load_run(out_dir)
    sampler = SamplerSettings.from_meta(dual.meta)
    # Both draw in the same latent space (same encoder and clip_down); they render with the same, final
    # pixel decoder, so only the condition differs.
    ablated.model.pixel_decoder.load_state_dict(dual.model.pixel_decoder.state_dict())
    return {
        "dual_condition": {**evaluate.image_metrics(dual.model, tokenizer, quick, sampler),
                           "training_steps": dual.meta["training_steps"]},
        "queries_only": {**evaluate.image_metrics(ablated.model, tokenizer, quick, sampler, queries_only=True),
                         "training_steps": ablated.meta["training_steps"]},
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="the recipe run (dual condition)")
    parser.add_argument("--out", type=Path, required=True, help="run folder of the queries-only model")
    parser.add_argument("--quick", action="store_true", help="a few steps and samples (CI smoke run)")
    parser.add_argument("--seed", type=int, default=0, help="the recipe run's seed")
    parser.add_argument("--workers", type=int, default=recipe.DEFAULT_WORKERS, help="the recipe run's workers")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, default=recipe.DEFAULT_MINUTES, help="the recipe run's budget")
    budget.add_argument("--replay-steps", type=Path, metavar="EVAL_JSON",
                        help="gen1 and gen2 for exactly the steps of the run that wrote EVAL_JSON (equal steps "
                             "whatever this machine's speed)")
    args = parser.parse_args(argv)
    recipe.check_workers(parser, args.workers)
    args.replay = recipe.parse_replay(parser, args.replay_steps)
    return args


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data_parallel.launch(train_queries_only, (args.run_dir, args.out, args.quick, args.seed, args.minutes, args.replay),
                         args.workers, recipe.TORCH_THREADS)
    torch.set_num_threads(recipe.TORCH_THREADS)
    while not (args.run_dir / "final.pt").exists():
        time.sleep(POLL_SECONDS)
    report = compare(args.run_dir, args.out, args.quick)
    (args.out / "ablation.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
