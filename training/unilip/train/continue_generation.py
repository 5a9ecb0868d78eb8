"""gen2 continued from a finished model, on a GPU, with large batches drawn by worker processes.

    python3 -m unilip.train.continue_generation --checkpoint runs/bundled/final.pt --run-dir runs/gen2x \\
        --device cuda --batch 512 --minutes 7
    # on this 2-core machine: two data-parallel processes on the CPU
    /usr/bin/python3 -m unilip.train.continue_generation --checkpoint runs/bundled/final.pt --run-dir runs/gen2x \\
        --device cpu --workers 2 --batch 32 --minutes 10

The recipe's gen2 gets about 15000 steps of 32 samples on this 2-core machine, and seen edits were still
improving when it stopped (docs/training.md). This trains what gen2 trains (queries, connector, DiT) for
longer and wider; every other weight stays bit-identical (checked before saving), so the base model's
understanding and reconstruction still hold (`evaluate --carry-from` takes them from its eval.json).
Writes `final.pt` (meta `continued_generation` lists how each continuation was made) and `timings.json`
into the run dir.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
from pathlib import Path

# See recipe.py: one BLAS thread, set before numpy/torch load.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

from unilip.checkpoint import load_checkpoint  # noqa: E402
from unilip.train import continuation, data_parallel, stages  # noqa: E402
from unilip.train.batches import KNOWLEDGE_SHARE, PromptMix  # noqa: E402
from unilip.train.loop import StageSettings, run_stage  # noqa: E402
from unilip.train.prefetch import Prefetcher  # noqa: E402
from unilip.train.recipe import QUICK_BATCH, QUICK_STEPS, RANK_SEED_STRIDE, gen2_groups  # noqa: E402
from unilip.world import EDIT_KINDS, GEN_CATEGORIES, EditError, edit_kinds  # noqa: E402

STAGE = "gen2_continued"
DEFAULT_BATCH = 512
DEFAULT_LR = 5e-4
DEFAULT_MINUTES = 7.0
# Gen had stopped gaining from gen2 steps where seen edits had not, so edits get half of each batch.
DEFAULT_EDIT_SHARE = 0.5
WARMUP_STEPS = 200
CHECKPOINT_EVERY = 500
# Finished batches waiting per worker: enough to ride out a slow batch, few enough to hold little memory.
QUEUE_DEPTH_PER_WORKER = 2
# Keeps this stage's data and noise apart from the recipe's stages (seeded 0..6 by their place in FULL).
SEED_OFFSET = 100


@dataclasses.dataclass(frozen=True)
class ContinueSettings:
    checkpoint: Path
    run_dir: Path
    device: str
    batch: int
    lr: float
    minutes: float | None
    max_steps: int
    edit_share: float
    data_workers: int
    seed: int = 0
    mix: PromptMix = PromptMix()
    # Centre of the logit-normal timesteps: above 0, more high-noise steps, the only ones where an
    # object's cell is not already in the noisy latent (where placement is learnt).
    logit_mean: float = 0.0
    # Data-parallel training processes (CPU only): each draws its own share of every batch.
    workers: int = 1
    # Edit kinds the edit pairs are drawn from (a focus on the weakest, as placement prompts had).
    edit_kinds: tuple[str, ...] = EDIT_KINDS


def continue_generation(settings: ContinueSettings) -> dict:
    """Trains in `settings.workers` processes; returns the record it added to the model's meta."""
    return continuation.launch(_train, settings, "continued_generation")


def _train(settings: ContinueSettings) -> None:
    checkpoint = load_checkpoint(settings.checkpoint)
    tokenizer = checkpoint.tokenizer()
    device = torch.device(settings.device)
    if device.type == "cuda":
        # TF32 matrix products: about 10 bits of mantissa are plenty for a step of SGD noise.
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    model = checkpoint.model.to(device)
    before = continuation.frozen_state(model, gen2_groups(model))
    stage = StageSettings(STAGE, settings.max_steps, settings.lr, warmup=min(WARMUP_STEPS, settings.max_steps),
                          checkpoint_every=min(CHECKPOINT_EVERY, settings.max_steps),
                          budget_seconds=None if settings.minutes is None else settings.minutes * 60)
    make = functools.partial(stages.generation_batches, tokenizer=tokenizer, config=model.config,
                             batch_size=settings.batch // settings.workers, edit_share=settings.edit_share,
                             mix=settings.mix, edit_kinds=settings.edit_kinds)
    rank = data_parallel.rank()
    generator = torch.Generator().manual_seed(settings.seed + SEED_OFFSET + RANK_SEED_STRIDE * rank)
    depth = QUEUE_DEPTH_PER_WORKER * settings.data_workers
    # Rank 0 keeps the single-process seeds, so one process reproduces the runs from before workers.
    seed = [settings.seed, SEED_OFFSET] + ([rank] if rank else [])
    with Prefetcher(make, seed, settings.data_workers, depth) as data:
        timing = run_stage(model, gen2_groups(model), lambda _: stages.generation_loss(
            model, data.next(), generator, logit_mean=settings.logit_mean), stage, settings.run_dir)
    if not data_parallel.is_main():
        return
    model = model.cpu()
    continuation.check_unchanged(model, before, "gen2's groups")
    made = {"from": str(settings.checkpoint), "steps": int(timing["steps"]), "batch": settings.batch,
            "lr": settings.lr, "edit_share": settings.edit_share, "mix": dataclasses.asdict(settings.mix),
            "logit_mean": settings.logit_mean, "edit_kinds": list(settings.edit_kinds),
            "seconds": round(timing["seconds"], 1),
            "device": continuation.device_name(device), "workers": settings.workers}
    continuation.save_continued(checkpoint, model, settings.run_dir, "continued_generation", made, STAGE, timing)


def parse_args(argv: list[str] | None = None) -> ContinueSettings:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    continuation.add_run_arguments(parser, DEFAULT_BATCH, DEFAULT_LR)
    parser.add_argument("--minutes", type=float, default=DEFAULT_MINUTES, help="wall-clock budget of the stage")
    parser.add_argument("--max-steps", type=int, default=100_000, help="steps at most (the cosine spans the "
                        "budget or these, whichever ends first)")
    parser.add_argument("--edit-share", type=float, default=DEFAULT_EDIT_SHARE, help="share of edit pairs")
    parser.add_argument("--placement-share", type=float, default=0.0,
                        help="share of text-to-image prompts that name the cell to draw in")
    parser.add_argument("--knowledge-share", type=float, default=KNOWLEDGE_SHARE,
                        help="share of text-to-image prompts that are knowledge prompts")
    parser.add_argument("--categories", default=",".join(GEN_CATEGORIES),
                        help="GenEval categories of the other text-to-image prompts, comma-separated")
    parser.add_argument("--edit-kinds", default=",".join(EDIT_KINDS),
                        help="edit kinds the edit pairs are drawn from, comma-separated")
    parser.add_argument("--logit-mean", type=float, default=0.0,
                        help="centre of the logit-normal timesteps (above 0: more high-noise steps)")
    parser.add_argument("--data-workers", type=int, default=max(1, (os.cpu_count() or 2) - 2),
                        help="processes drawing batches (default: all cores but two)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_STEPS} steps of {QUICK_BATCH} (smoke run)")
    args = parser.parse_args(argv)
    if args.quick:
        args.batch, args.max_steps, args.minutes, args.data_workers = QUICK_BATCH, QUICK_STEPS, None, 1
    if args.max_steps < 1 or args.data_workers < 1:
        parser.error("--max-steps and --data-workers must be at least 1")
    continuation.check_run_arguments(parser, args)
    per_worker = args.batch // args.workers
    if not 0 < args.edit_share < 1 or per_worker - stages.edit_count(per_worker, args.edit_share) < 1:
        parser.error("--edit-share must be between 0 and 1 and leave at least one drawing and one edit in "
                     f"each worker's share of --batch, got {args.edit_share} of {per_worker}")
    try:
        mix = PromptMix(args.placement_share, args.knowledge_share, tuple(args.categories.split(",")))
    except ValueError as e:
        parser.error(f"--placement-share, --knowledge-share and --categories must make a prompt mix: {e}")
    try:
        kinds = edit_kinds(tuple(args.edit_kinds.split(",")))
    except EditError as e:
        parser.error(f"--edit-kinds must name edit kinds: {e}")
    if args.minutes is not None and args.minutes <= 0:
        parser.error("--minutes must be positive")
    return ContinueSettings(args.checkpoint, args.run_dir, args.device, args.batch, args.lr, args.minutes,
                            args.max_steps, args.edit_share, args.data_workers, args.seed, mix,
                            args.logit_mean, args.workers, kinds)


def main() -> None:
    continuation.main(parse_args, continue_generation, STAGE)


if __name__ == "__main__":
    main()
