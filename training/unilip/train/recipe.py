"""The whole UniLIP recipe on the Shapes world, stage by stage, resumable.

    /usr/bin/python3 -m unilip.train.recipe --run-dir runs/shapes            # full recipe (115 min, 2 workers)
    /usr/bin/python3 -m unilip.train.recipe --run-dir runs/quick --quick     # every stage, a few steps
    /usr/bin/python3 -m unilip.train.recipe --run-dir runs/b --replay-steps ../models/shapes/eval.json

A finished stage is skipped on the next call; an interrupted one resumes from its last checkpoint. A run
folder keeps the model config it started with (`config.json`) and refuses a preset that has changed since.
The run ends with `final.pt` (a checkpoint `unilip.export` turns into a model package) and `timings.json`.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import time
from pathlib import Path

# OpenBLAS starts its own worker threads beside torch's (set_num_threads does not reach them); on 2 cores
# they spin against torch and slow a step 2-3x. Read when the library loads, so set before numpy/torch.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from unilip import world
from unilip.checkpoint import save_checkpoint
from unilip.config import UniLIPConfig, shapes
from unilip.model import UniLIP
from unilip.templates import TEMPLATES
from unilip.tokenizer import Tokenizer, build_tokenizer
from unilip.train import data_parallel, stages
from unilip.train.loop import ParamGroup, StageSettings, run_stage

# (max steps, batch size, peak lr, share of the time budget) per stage; --quick runs each for
# QUICK_STEPS steps with QUICK_BATCH. The encoder stages get enough time to reach the session-3 model's
# steps (2500 and 1800) on the slowest machine seen: with fewer, reconstruction and then Gen collapsed
# (docs/training.md). The time comes from the MLLM stage, whose QA barely moves past 2000 steps.
FULL = {
    "clip": (3000, 64, 1e-3, 0.05),
    "mllm": (20000, 32, 1e-3, 0.20),
    "encoder1": (4000, 32, 2e-3, 0.12),
    "encoder2": (3000, 32, 1e-3, 0.10),
    "gen1": (1000, 32, 1e-3, 0.02),
    "gen2": (30000, 32, 5e-4, 0.45),
    "decoder": (6000, 32, 5e-4, 0.06),
}
DEFAULT_MINUTES = 115
# One thread: at this model size torch's OpenMP threads and OpenBLAS fight over the 2 cores, and a
# linear layer runs 2-4x slower with 2 threads than with 1 (measured), so a step is faster on one core
# and the other stays free.
TORCH_THREADS = 1
# Worker processes of data parallelism: one per core of this machine (see data_parallel).
DEFAULT_WORKERS = 2
# A generation batch holds at least one text-to-image and one edit sample.
MIN_WORKER_BATCH = 2
# Keeps the noise seeds of different workers' stages apart.
RANK_SEED_STRIDE = 1000
DESCRIPTION = "Small UniLIP (about 6M parameters, 96 px) trained on the synthetic Shapes world; a demo model"
QUICK_STEPS = 3
QUICK_BATCH = 4
# The encoder trains at a tenth of the stage's rate in self-distillation, as in the paper.
ENCODER_LR_SCALE = 0.1
TOKENIZER_CORPUS_SIZE = 20000
# The model config a run folder was started with.
RUN_CONFIG_FILE = "config.json"


class RunConfigError(ValueError):
    """A run folder started with another model config than the preset builds now."""


def _dotted(value: object, path: str = "") -> dict[str, object]:
    """A nested config dict flattened to `part.field` keys."""
    if not isinstance(value, dict):
        return {path: value}
    return {k: v for key, item in value.items() for k, v in _dotted(item, f"{path}.{key}" if path else key).items()}


def check_run_config(run_dir: Path, config: UniLIPConfig | None = None) -> None:
    """Refuses a folder started with another config than `config` (by default the preset). Stage
    checkpoints are bare state dicts, so a change whose parameters keep their shapes (an attention mask,
    say) would load them into another model silently."""
    path = run_dir / RUN_CONFIG_FILE
    if not path.exists():
        return
    started = _dotted(json.loads(path.read_text()))
    if config is None:
        vocab = started.get("llm.vocab_size")
        config = shapes(vocab_size=vocab) if isinstance(vocab, int) and vocab > 0 else shapes()
    now = _dotted(config.to_dict())
    changes = sorted(k for k in set(started) | set(now) if started.get(k) != now.get(k))
    if changes:
        raise RunConfigError(f"{run_dir} was started with another model config ({', '.join(changes)} differ); "
                             "use a new --run-dir")


def params(*modules: torch.nn.Module) -> list[torch.nn.Parameter]:
    return [p for m in modules for p in m.parameters()]


def prepare(run_dir: Path, seed: int) -> tuple[UniLIP, Tokenizer]:
    tokenizer_dir = run_dir / "tokenizer"
    if data_parallel.is_main() and not (tokenizer_dir / "tokenizer.json").exists():
        corpus = world.corpus(np.random.default_rng(seed), TOKENIZER_CORPUS_SIZE) + list(TEMPLATES.values())
        build_tokenizer(corpus, tokenizer_dir, words=world.VOCAB_WORDS)
    data_parallel.barrier()
    tokenizer = Tokenizer.from_dir(tokenizer_dir)
    config = shapes(vocab_size=len(tokenizer))
    check_run_config(run_dir, config)
    data_parallel.barrier()
    if data_parallel.is_main():
        (run_dir / RUN_CONFIG_FILE).write_text(json.dumps(config.to_dict(), indent=2))
    torch.manual_seed(seed)
    return UniLIP(config), tokenizer


@dataclasses.dataclass(frozen=True)
class RunSettings:
    run_dir: Path
    quick: bool
    seed: int
    minutes: float = DEFAULT_MINUTES
    # Each stage's exact step count, with no time budget: two recipes compared at equal steps, whatever
    # the machine's speed (a wall-clock budget gives a slower machine fewer steps of every stage).
    replay_steps: dict[str, int] | None = None


def stage_plan(name: str, run: RunSettings) -> tuple[int, int, float | None]:
    """(max steps, batch size, time budget in seconds or None) of stage `name` in this run."""
    steps, batch, _, share = FULL[name]
    if run.quick:
        return QUICK_STEPS, QUICK_BATCH, None
    if run.replay_steps is not None:
        return run.replay_steps[name], batch, None
    return steps, batch, run.minutes * 60 * share


def load_replay_steps(eval_json: Path) -> dict[str, int]:
    """The stage steps a finished run made, from its eval.json (`meta.training_steps`)."""
    data = json.loads(eval_json.read_text())
    meta = data.get("meta") if isinstance(data, dict) else None
    steps = meta.get("training_steps") if isinstance(meta, dict) else None
    if (not isinstance(steps, dict) or set(steps) != set(FULL)
            or not all(type(n) is int and n > 0 for n in steps.values())):
        raise ValueError(f"{eval_json}: meta.training_steps must give a positive step count for each of "
                         f"{', '.join(FULL)}, got {steps}")
    return steps


def run_recipe_stage(model: UniLIP, name: str, groups: list[ParamGroup], step, run: RunSettings) -> dict:
    """One stage of FULL with its share of the budget; data and noise are seeded by the stage's place in
    FULL (and the worker's rank), so a stage run again (the ablation's generation stages) sees the same
    batches. A stage's batch is split across the workers: they add steps per minute, not samples per
    step (more steps of the same batch beat bigger batches at this size; measured 1.7x the steps)."""
    lr = FULL[name][2]
    steps, batch, budget = stage_plan(name, run)
    settings = StageSettings(name, steps, lr, warmup=min(50, steps), checkpoint_every=max(1, min(100, steps)),
                             budget_seconds=budget)
    index, rank = list(FULL).index(name), data_parallel.rank()
    # Rank 0 keeps the single-process seeds, so one worker reproduces a run from before workers existed.
    rng = np.random.default_rng([run.seed, index] + ([rank] if rank else []))
    generator = torch.Generator().manual_seed(run.seed + index + RANK_SEED_STRIDE * rank)
    per_worker = batch // data_parallel.world_size()
    timing = run_stage(model, groups, lambda i: step(rng, generator, per_worker), settings, run.run_dir)
    if data_parallel.is_main():
        print(f"{name}: {timing}", flush=True)
    return timing


def gen2_groups(model: UniLIP) -> list[ParamGroup]:
    """What gen2 trains: the whole generation path; the LLM, encoder and mlp1 stay frozen."""
    return [ParamGroup([model.queries, *params(model.connector, model.denoiser)])]


def generation_stages(model: UniLIP, tokenizer: Tokenizer, run: RunSettings, queries_only: bool = False) -> dict:
    """gen1 and gen2 on a model whose encoder stages are done; `queries_only` trains the ablation."""
    factor = stages.measure_latent_factor(model, np.random.default_rng(run.seed))
    model.config = dataclasses.replace(model.config, unilip_factor=factor)
    model.init_connector_from_llm()

    def step(rng, g, b):
        return stages.generation_step(model, tokenizer, rng, g, b, queries_only)

    return {
        "gen1": run_recipe_stage(model, "gen1", [ParamGroup([model.queries, *params(model.connector)])], step, run),
        "gen2": run_recipe_stage(model, "gen2", gen2_groups(model), step, run),
    }


def run(run_dir: Path, quick: bool, seed: int, minutes: float = DEFAULT_MINUTES,
        replay_steps: dict[str, int] | None = None) -> dict:
    torch.set_num_threads(TORCH_THREADS)
    model, tokenizer = prepare(run_dir, seed)
    settings = RunSettings(run_dir, quick, seed, minutes, replay_steps)
    timings: dict[str, dict] = {}

    def stage(name: str, groups: list[ParamGroup], step) -> None:
        timings[name] = run_recipe_stage(model, name, groups, step, settings)

    vision, llm = model.vision, model.llm
    stage("clip", [ParamGroup(params(vision, model.clip_text, model.clip_image))],
          lambda rng, g, b: stages.clip_step(model, tokenizer, rng, b))
    vit_only = [p for n, p in vision.named_parameters() if not n.startswith("mlp1.")]
    stage("mllm", [ParamGroup(params(vision.mlp1, llm)), ParamGroup(vit_only, ENCODER_LR_SCALE)],
          lambda rng, g, b: stages.mllm_step(model, tokenizer, rng, b))
    if data_parallel.is_main():
        torch.save(model.vision.state_dict(), run_dir / "original_encoder.pt")
    stage("encoder1", [ParamGroup(params(model.clip_down, model.pixel_decoder))],
          lambda rng, g, b: stages.encoder_stage1_step(model, rng, b))
    teacher = copy.deepcopy(model.vision).eval().requires_grad_(False)
    stage("encoder2", [ParamGroup(params(model.clip_down, model.pixel_decoder)),
                       ParamGroup(params(vision), ENCODER_LR_SCALE)],
          lambda rng, g, b: stages.encoder_stage2_step(model, teacher, rng, b))
    timings.update(generation_stages(model, tokenizer, settings))
    # The pixel decoder alone, on the final latent space (encoder and clip_down frozen, so the DiT's
    # latents mean the same): stages 1-2 leave it short of rendering shapes sharply.
    stage("decoder", [ParamGroup(params(model.pixel_decoder))],
          lambda rng, g, b: stages.encoder_stage1_step(model, rng, b))
    meta = {"training_steps": {k: int(t["steps"]) for k, t in timings.items()},
            "routing": "image_start_token", "quick": quick, "seed": seed, "name": "shapes",
            "description": DESCRIPTION, "lowercase_text": True}
    if data_parallel.is_main():
        save_checkpoint(run_dir / "final.pt", model, run_dir / "tokenizer", meta)
        (run_dir / "timings.json").write_text(json.dumps(timings, indent=2))
    return timings


def check_workers(parser: argparse.ArgumentParser, workers: int) -> None:
    """Every stage's batch (and the quick one) must split evenly, at least MIN_WORKER_BATCH per worker."""
    sizes = [QUICK_BATCH, *(batch for _, batch, _, _ in FULL.values())]
    if workers < 1 or any(size % workers or size // workers < MIN_WORKER_BATCH for size in sizes):
        parser.error(f"--workers must split every batch {sorted(set(sizes))} evenly into at least "
                     f"{MIN_WORKER_BATCH} samples per worker, got {workers}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """A run is quick, timed (`--minutes`) or replayed (`--replay-steps`): each of the three overrides the
    others' budget, so two of them together are refused rather than one silently ignored."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="where checkpoints, logs and final.pt go")
    parser.add_argument("--seed", type=int, default=0, help="seed of data, init and noise")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help="data-parallel processes, one core each (a stage's batch is split across them)")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--quick", action="store_true", help=f"{QUICK_STEPS} steps per stage (CI smoke run)")
    budget.add_argument("--minutes", type=float, default=DEFAULT_MINUTES,
                        help=f"wall-clock budget of all stages (default {DEFAULT_MINUTES})")
    budget.add_argument("--replay-steps", type=Path, metavar="EVAL_JSON",
                        help="run each stage for exactly the steps of the run that wrote EVAL_JSON, with no time "
                             "budget (compare a recipe change at equal steps, e.g. models/shapes/eval.json)")
    args = parser.parse_args(argv)
    check_workers(parser, args.workers)
    try:
        check_run_config(args.run_dir)
    except (OSError, ValueError) as error:
        parser.error(str(error))
    args.replay = parse_replay(parser, args.replay_steps)
    return args


def parse_replay(parser: argparse.ArgumentParser, eval_json: Path | None) -> dict[str, int] | None:
    """The steps of `--replay-steps`, or a command-line error that says what is wrong with the file."""
    if eval_json is None:
        return None
    try:
        return load_replay_steps(eval_json)
    except (OSError, ValueError) as error:
        parser.error(str(error))


def main() -> None:
    args = parse_args()
    began = time.monotonic()
    data_parallel.launch(run, (args.run_dir, args.quick, args.seed, args.minutes, args.replay), args.workers,
                         TORCH_THREADS)
    print(f"recipe done in {time.monotonic() - began:.0f}s -> {args.run_dir / 'final.pt'}")


if __name__ == "__main__":
    main()
