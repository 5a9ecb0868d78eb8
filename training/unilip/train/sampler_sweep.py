"""Tune the default sampler settings of a finished run: the timestep shift, the guidance of drawing and
the guidance of editing.

    /usr/bin/python3 -m unilip.train.sampler_sweep --run-dir runs/shapes

Every point of a guidance x shift grid draws the same ShapesEval-Gen prompts and -Edit tasks (seen
combinations only, with seeds the evaluation never uses, so the reported scores are not tuned on). Gen
depends only on the drawing guidance and Edit only on the editing guidance, so at each shift the best of
each is taken, and the shift with the best mean of the two wins. The choice is written into the run's
`final.pt` meta, where `unilip.train.evaluate` and `unilip.export` read it; the whole grid goes to
`sampler_sweep.json`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from dataclasses import replace
from pathlib import Path

# See recipe.py: one BLAS thread, set before numpy/torch load.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

from unilip.checkpoint import save_checkpoint  # noqa: E402
from unilip.progress import ProgressBar  # noqa: E402
from unilip.sampling import SamplerSettings  # noqa: E402
from unilip.train import evaluate, recipe  # noqa: E402

# From 1.0, no guidance at all: the bundled model draws best with little of it.
GUIDANCE = (1.0, 1.5, 2.0, 3.0, 4.5, 6.0)
SHIFTS = (1.0, 2.0, 3.0)
# Tuning tasks: prompts per category and edits, and seeds apart from evaluate's GEN_SEED / EDIT_SEED.
PER_CATEGORY, EDITS = 20, 100
QUICK_PER_CATEGORY, QUICK_EDITS = 2, 4
TUNE_GEN_SEED, TUNE_EDIT_SEED = 40, 50


def grid(quick: bool) -> list[SamplerSettings]:
    base = SamplerSettings()
    pairs = [(base.guidance, base.shift)] if quick else itertools.product(GUIDANCE, SHIFTS)
    return [SamplerSettings(base.name, base.steps, guidance, shift) for guidance, shift in pairs]


def choose(results: list[dict]) -> SamplerSettings:
    """Per shift, the best drawing guidance (Gen overall) and editing guidance (Edit success); then the shift
    whose two add up best. Ties go to the first in grid order."""
    best: SamplerSettings | None = None
    best_score = -1.0
    for shift in dict.fromkeys(r["sampler"]["shift"] for r in results):
        at_shift = [r for r in results if r["sampler"]["shift"] == shift]
        draw = max(at_shift, key=lambda r: r["generation"]["overall"])
        edit = max(at_shift, key=lambda r: r["editing"]["success"])
        score = (draw["generation"]["overall"] + edit["editing"]["success"]) / 2
        if score > best_score:
            base = SamplerSettings.from_json(draw["sampler"])
            best, best_score = replace(base, edit_guidance=edit["sampler"]["guidance"]), score
    assert best is not None, "the grid is never empty"
    return best


def sweep(run_dir: Path, quick: bool, per_category: int = PER_CATEGORY, edits: int = EDITS) -> dict:
    """`per_category` prompts and `edits` tasks per setting (quick: a few); 20 prompts a category give Gen
    about 4 points of standard error, as much as the settings differ by on a trained model."""
    checkpoint, tokenizer = evaluate.load_run(run_dir)
    if quick:
        per_category, edits = QUICK_PER_CATEGORY, QUICK_EDITS
    settings = grid(quick)
    results = []
    bar = ProgressBar(len(settings), "sampler sweep")
    for s in settings:
        result = {
            "sampler": s.to_json(),
            "generation": evaluate.generation(checkpoint.model, tokenizer, per_category, "train", TUNE_GEN_SEED, s,
                                              progress=False),
            "editing": evaluate.editing(checkpoint.model, tokenizer, edits, "train", TUNE_EDIT_SEED, s),
        }
        results.append(result)
        bar.advance(f"guidance {s.guidance} shift {s.shift}: gen {result['generation']['overall']:.3f} "
                    f"edit {result['editing']['success']:.3f}")
    chosen = choose(results).to_json()
    save_checkpoint(run_dir / "final.pt", checkpoint.model, checkpoint.tokenizer_files,
                    {**checkpoint.meta, "sampler": chosen})
    report = {"chosen": chosen, "tasks": {"prompts_per_category": per_category, "edits": edits}, "grid": results}
    (run_dir / evaluate.SWEEP_FILE).write_text(json.dumps(report, indent=2))
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="a finished recipe run (final.pt inside)")
    parser.add_argument("--quick", action="store_true", help="one setting, a few tasks (CI smoke run)")
    parser.add_argument("--per-category", type=int,
                        help=f"Gen prompts per category at each setting (default {PER_CATEGORY})")
    parser.add_argument("--edits", type=int, help=f"edit tasks at each setting (default {EDITS})")
    args = parser.parse_args(argv)
    if args.quick and (args.per_category is not None or args.edits is not None):
        parser.error("--per-category and --edits must not be given with --quick, which sets its own few tasks")
    args.per_category = PER_CATEGORY if args.per_category is None else args.per_category
    args.edits = EDITS if args.edits is None else args.edits
    if args.per_category < 1 or args.edits < 1:
        parser.error(f"--per-category and --edits must be at least 1, got {args.per_category} and {args.edits}")
    return args


def main() -> None:
    args = parse_args()
    torch.set_num_threads(recipe.TORCH_THREADS)
    report = sweep(args.run_dir, args.quick, args.per_category, args.edits)
    print(f"chosen: {report['chosen']}")


if __name__ == "__main__":
    main()
