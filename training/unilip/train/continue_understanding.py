"""The LLM continued from a finished model on question chats, in phases that each set the share of focus
chats (one question of the chosen types right after an image of 2-4 objects) among the recipe's mix.

    /usr/bin/python3 -m unilip.train.continue_understanding --checkpoint runs/bundled/final.pt \\
        --run-dir runs/focus --phases 3000:1 --focus-qtypes shape_at --workers 2 --lr 1e-3
    K="--focus-qtypes shape_at --workers 2 --keep-generation 10 --keep-reference runs/bundled/final.pt"
    /usr/bin/python3 -m unilip.train.continue_understanding $K --checkpoint runs/focus/final.pt \\
        --run-dir runs/und --phases 1500:0.5 --lr 3e-4
    /usr/bin/python3 -m unilip.train.continue_understanding $K --checkpoint runs/und/final.pt \\
        --run-dir runs/und2 --phases 1500:0.25 --lr 2e-4

Only the LLM trains: the ViT and `mlp1` make the latents the DiT draws in, so they stay bit-identical
(checked before saving). The LLM's hidden states are what the generation path reads, so either
`--keep-generation` holds the DiT condition of draw and edit prompts where it was (condition_keeping.py), or
a `continue_generation` run should follow before the model is evaluated for drawing. Session 19 found that
`shape_at` (which object is at a named cell) rises only with many steps of focus chats, which make the LLM
forget the other questions, and that a phase of the mix after it brings them back; session 20 that the
focus phase needs a peak learning rate of 1e-3 (at 5e-4 its loss stayed flat in two runs), and the mix a
lower one in a run of its own; session 21 that the mix phases, with the condition held to the model the
focus phase started from, bring generation back with it, so gen2 need not be trained again (docs/training.md).
Writes `final.pt` (meta `continued_understanding` lists how each continuation was made) and `timings.json`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

# See recipe.py: one BLAS thread, set before numpy/torch load.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from unilip import world  # noqa: E402
from unilip.checkpoint import load_checkpoint  # noqa: E402
from unilip.model import UniLIP  # noqa: E402
from unilip.train import batches, condition_keeping, continuation, data_parallel, stages  # noqa: E402
from unilip.train.loop import ParamGroup, StageSettings, run_stage  # noqa: E402
from unilip.train.recipe import QUICK_BATCH, params  # noqa: E402

STAGE = "mllm_continued"
DEFAULT_BATCH = 32
DEFAULT_LR = 5e-4
DEFAULT_PHASES = "3000:1,1500:0.5"
# A quarter of the chats: rendering and encoding the prompts' images costs more per sample than a chat.
DEFAULT_KEEP_BATCH = 8
# The condition is held on the prompts the model is asked to draw, prompts that name a cell among them (the
# mix of the bundled model's gen2 continuations): without them, placement drifted (7 of 9 cells -> 6).
KEEP_MIX = batches.PromptMix(placement=0.3)
WARMUP_STEPS = 100
CHECKPOINT_EVERY = 500
# Apart from the recipe's stages (seeded 0..6) and continue_generation (100).
SEED_OFFSET = 200
FOCUS_QTYPES = world.QTYPES + world.TRAINING_QTYPES
TAG_LR_SCALE = 100.0


@dataclasses.dataclass(frozen=True)
class Phase:
    steps: int
    focus_share: float  # of each batch, the rest drawn from the recipe's chat mix


@dataclasses.dataclass(frozen=True)
class UnderstandingSettings:
    checkpoint: Path
    run_dir: Path
    device: str
    batch: int
    lr: float
    phases: tuple[Phase, ...]
    focus_qtypes: tuple[str, ...]
    workers: int = 1
    seed: int = 0
    # Weight of the condition-keeping loss (condition_keeping.py); 0 trains on the chats alone.
    keep_generation: float = 0.0
    keep_batch: int = DEFAULT_KEEP_BATCH  # draw and edit prompts per step that it is measured on
    # The model whose condition is kept; None: the checkpoint this run starts from.
    keep_reference: Path | None = None


def llm_groups(model: UniLIP) -> list[ParamGroup]:
    """What this continuation trains: the LLM (embeddings, layers and output head) and, when the model has cell
    tags, their tables and slot codes; the tag heads read the encoder and stay as trained on labels."""
    tags = model.cell_tags
    if tags is None:
        return [ParamGroup(params(model.llm))]
    # The tables and codes hold scaled word embeddings (norm ~60-170): at the LLM's rate they would not move.
    return [ParamGroup(params(model.llm)), ParamGroup([*tags.tables, tags.slot_codes], TAG_LR_SCALE)]


def focus_count(step: int, phases: tuple[Phase, ...], batch: int) -> int:
    """Focus chats in a batch of `batch` at `step` (a step past the last phase counts as in it)."""
    end = 0
    for phase in phases:
        end += phase.steps
        if step < end:
            break
    return round(batch * phase.focus_share)


def continue_understanding(settings: UnderstandingSettings) -> dict:
    """Trains in `settings.workers` processes; returns the record it added to the model's meta."""
    return continuation.launch(_train, settings, "continued_understanding")


def _train(settings: UnderstandingSettings) -> None:
    checkpoint = load_checkpoint(settings.checkpoint)
    tokenizer = checkpoint.tokenizer()
    device = torch.device(settings.device)
    model = checkpoint.model.to(device)
    before = continuation.frozen_state(model, llm_groups(model))
    steps = sum(p.steps for p in settings.phases)
    # One warm-up and one cosine over all phases; a run per phase gives each its own peak learning rate,
    # which place-reading needed (docs/training.md, session 20).
    stage = StageSettings(STAGE, steps, settings.lr, warmup=min(WARMUP_STEPS, steps),
                          checkpoint_every=min(CHECKPOINT_EVERY, steps))
    rank = data_parallel.rank()
    rng = np.random.default_rng([settings.seed, SEED_OFFSET] + ([rank] if rank else []))
    per_worker = settings.batch // settings.workers
    vision = model.config.vision

    reference = None
    if settings.keep_generation:
        # A model loaded for this alone needs no copy; the model that trains does.
        reference = (condition_keeping.frozen(load_checkpoint(settings.keep_reference).model.to(device))
                     if settings.keep_reference else condition_keeping.frozen_copy(model))

    def step(i: int) -> dict[str, torch.Tensor]:
        batch = batches.chat_batch(rng, tokenizer, per_worker, vision.tokens_per_image, vision.image_size,
                                   focus=focus_count(i, settings.phases, per_worker),
                                   focus_qtypes=settings.focus_qtypes)
        losses = {"chat": stages.chat_loss(model, batch.to(device))}
        if reference is None:
            return {"loss": losses["chat"]}
        pair = stages.generation_batches(rng, tokenizer, model.config, settings.keep_batch // settings.workers,
                                         mix=KEEP_MIX)
        losses["drift"] = condition_keeping.condition_drift(model, reference, tuple(b.to(device) for b in pair))
        return {**losses, "loss": losses["chat"] + settings.keep_generation * losses["drift"]}

    timing = run_stage(model, llm_groups(model), step, stage, settings.run_dir)
    if not data_parallel.is_main():
        return
    model = model.cpu()
    continuation.check_unchanged(model, before, "the LLM")
    made = {"from": str(settings.checkpoint), "steps": int(timing["steps"]), "batch": settings.batch,
            "lr": settings.lr, "phases": [dataclasses.asdict(p) for p in settings.phases],
            "focus_qtypes": list(settings.focus_qtypes), "keep_generation": settings.keep_generation,
            "keep_batch": settings.keep_batch,
            "keep_reference": str(settings.keep_reference or settings.checkpoint) if settings.keep_generation else None,
            "seconds": round(timing["seconds"], 1),
            "device": continuation.device_name(device), "workers": settings.workers}
    continuation.save_continued(checkpoint, model, settings.run_dir, "continued_understanding", made, STAGE, timing)


def parse_phases(text: str) -> tuple[Phase, ...]:
    """"3000:1,1500:0.5" -> phases; ValueError on anything else."""
    phases = []
    for part in text.split(","):
        steps, _, share = part.partition(":")
        phase = Phase(int(steps), float(share))
        if phase.steps < 1 or not 0 <= phase.focus_share <= 1:
            raise ValueError(f"each phase needs at least 1 step and a focus share from 0 to 1, got {part!r}")
        phases.append(phase)
    return tuple(phases)


def parse_args(argv: list[str] | None = None) -> UnderstandingSettings:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    continuation.add_run_arguments(parser, DEFAULT_BATCH, DEFAULT_LR)
    parser.add_argument("--phases", default=DEFAULT_PHASES,
                        help="STEPS:FOCUS_SHARE for each phase in order, comma-separated (share of focus chats "
                             "in each batch; the rest are the recipe's chats)")
    parser.add_argument("--focus-qtypes", default="shape_at",
                        help=f"question types of the focus chats, comma-separated, from {', '.join(FOCUS_QTYPES)}")
    parser.add_argument("--keep-generation", type=float, default=0.0,
                        help="weight of a loss holding the DiT condition of draw and edit prompts to the starting "
                             "model's, so generation need not be trained again (0: off)")
    parser.add_argument("--keep-batch", type=int, default=DEFAULT_KEEP_BATCH,
                        help="draw and edit prompts per step that --keep-generation is measured on")
    parser.add_argument("--keep-reference", type=Path,
                        help="a finished model's final.pt whose condition --keep-generation holds to (default: "
                             "--checkpoint), to bring back the condition of a model before an earlier continuation")
    parser.add_argument("--quick", action="store_true", help=f"one step of {QUICK_BATCH} per phase (smoke run)")
    args = parser.parse_args(argv)
    try:
        phases = parse_phases(args.phases)
    except ValueError as e:
        parser.error(f"--phases must be STEPS:SHARE pairs, comma-separated: {e}")
    qtypes = tuple(args.focus_qtypes.split(","))
    if set(qtypes) - set(FOCUS_QTYPES):
        parser.error(f"--focus-qtypes must name question types from {', '.join(FOCUS_QTYPES)}, got {args.focus_qtypes}")
    if args.keep_generation < 0:
        parser.error(f"--keep-generation must be at least 0, got {args.keep_generation}")
    if args.quick:
        args.batch, phases = QUICK_BATCH, tuple(dataclasses.replace(p, steps=1) for p in phases)
    continuation.check_run_arguments(parser, args)
    if args.keep_reference is not None and not args.keep_reference.is_file():
        parser.error(f"--keep-reference {args.keep_reference} is not a file")
    if args.batch < args.workers:
        parser.error(f"--batch must give each worker a chat, got {args.batch} for {args.workers} workers")
    if args.keep_batch < args.workers or args.keep_batch % args.workers:
        parser.error(f"--keep-batch must split evenly over the workers, got {args.keep_batch} for {args.workers}")
    return UnderstandingSettings(args.checkpoint, args.run_dir, args.device, args.batch, args.lr, phases, qtypes,
                                 args.workers, args.seed, args.keep_generation,
                                 args.keep_batch, args.keep_reference)


def main() -> None:
    continuation.main(parse_args, continue_understanding, STAGE)


if __name__ == "__main__":
    main()
