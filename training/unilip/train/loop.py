"""One resumable training stage: AdamW with warmup + cosine decay, a progress bar, a JSONL loss log and
periodic checkpoints, so an interrupted stage continues where it stopped instead of starting over."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from unilip.progress import ProgressBar
from unilip.train import data_parallel

StepFn = Callable[[int], dict[str, torch.Tensor]]


@dataclass(frozen=True)
class StageSettings:
    name: str
    steps: int
    lr: float
    warmup: int = 50
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    checkpoint_every: int = 200
    log_every: int = 10
    # Wall-clock budget: the stage ends at `steps` or when the budget is spent, whichever comes first,
    # and the cosine schedule follows whichever is further along, so a slow machine still anneals.
    budget_seconds: float | None = None


@dataclass(frozen=True)
class ParamGroup:
    params: list[nn.Parameter]
    lr_scale: float = 1.0


def progress_of(step: int, elapsed: float, settings: StageSettings) -> float:
    by_steps = step / settings.steps
    by_time = elapsed / settings.budget_seconds if settings.budget_seconds else 0.0
    return min(1.0, max(by_steps, by_time))


def lr_at(step: int, progress: float, settings: StageSettings) -> float:
    """Linear warmup, then cosine decay (over the stage's progress) to 10% of the peak."""
    if step < settings.warmup:
        return settings.lr * (step + 1) / settings.warmup
    return settings.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def stage_paths(run_dir: Path, name: str) -> tuple[Path, Path, Path]:
    """(in-progress checkpoint, finished model weights, loss log)."""
    return run_dir / f"{name}.ckpt.pt", run_dir / f"{name}.done.pt", run_dir / f"{name}.losses.jsonl"


def trainable(model: nn.Module, groups: Iterable[ParamGroup]) -> list[dict]:
    """Freeze everything, then unfreeze exactly the parameters of `groups`."""
    model.requires_grad_(False)
    out = []
    for group in groups:
        for p in group.params:
            p.requires_grad_(True)
        out.append({"params": group.params, "lr_scale": group.lr_scale})
    return out


def run_stage(
    model: nn.Module,
    groups: list[ParamGroup],
    step_fn: StepFn,
    settings: StageSettings,
    run_dir: Path,
) -> dict[str, float]:
    """Runs (or resumes, or skips when already finished) one stage; returns its timing and last losses.

    Under data parallelism (see `data_parallel`) every worker runs this with its own `step_fn` batches;
    rank 0 keeps the clock, the log and the checkpoints."""
    ckpt_path, done_path, log_path = stage_paths(run_dir, settings.name)
    if done_path.exists():
        model.load_state_dict(torch.load(done_path, map_location="cpu"))
        return {"skipped": 1.0, **json.loads(done_path.with_suffix(".json").read_text())}
    main = data_parallel.is_main()
    run_dir.mkdir(parents=True, exist_ok=True)
    param_groups = trainable(model, groups)
    optimizer = torch.optim.AdamW(param_groups, lr=settings.lr, weight_decay=settings.weight_decay)
    start, spent = 0, 0.0
    if ckpt_path.exists():
        state = torch.load(ckpt_path, map_location="cpu")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start, spent = state["step"], state["seconds"]
    bar = ProgressBar(settings.steps, settings.name) if main else None
    if bar is not None:
        bar.done = start
    began = time.monotonic() - spent
    steps_done = start
    recent: dict[str, float] = {}
    model.train()
    with log_path.open("a") as log:
        for step in range(start, settings.steps):
            progress = data_parallel.from_main(progress_of(step, time.monotonic() - began, settings))
            if progress >= 1.0:
                break
            lr = lr_at(step, progress, settings)
            for group in optimizer.param_groups:
                group["lr"] = lr * group["lr_scale"]
            losses = step_fn(step)
            optimizer.zero_grad(set_to_none=True)
            losses["loss"].backward()
            params = [p for g in param_groups for p in g["params"]]
            data_parallel.average_gradients(params)
            torch.nn.utils.clip_grad_norm_(params, settings.grad_clip)
            optimizer.step()
            recent = {k: float(v.detach()) for k, v in losses.items()}
            steps_done = step + 1
            if bar is not None and (step % settings.log_every == 0 or step == settings.steps - 1):
                log.write(json.dumps({"step": step, "lr": lr, **recent}) + "\n")
                log.flush()
                bar.done = step
                bar.advance(" ".join(f"{k} {v:.4f}" for k, v in recent.items()))
            if main and (step + 1) % settings.checkpoint_every == 0:
                state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step + 1,
                         "seconds": time.monotonic() - began}
                torch.save(state, ckpt_path)
    model.eval()
    summary = {"seconds": time.monotonic() - began, "steps": float(steps_done), **recent}
    if main:
        torch.save(model.state_dict(), done_path)
        ckpt_path.unlink(missing_ok=True)
        done_path.with_suffix(".json").write_text(json.dumps(summary))
    data_parallel.barrier()
    return summary
