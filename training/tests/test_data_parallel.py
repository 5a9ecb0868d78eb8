"""Data parallelism over CPU workers: averaged gradients keep workers equal to one process on the whole
batch, rank 0's decisions reach every worker, and the recipe runs end to end with two workers."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist

from unilip.train import data_parallel, recipe

TRAINING = Path(__file__).resolve().parents[1]
WORKERS = 2
BATCH = 8
STEPS = 5
LR = 0.05


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.randn(BATCH, 4, generator=g), torch.randn(BATCH, 2, generator=g)


def _train(x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """STEPS AdamW steps on (x, y), with gradients averaged across workers (a no-op in one process);
    the final weights, and the first step's gradients under `grad.` names."""
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
    first: dict[str, torch.Tensor] = {}
    for _ in range(STEPS):
        optimizer.zero_grad(set_to_none=True)
        torch.nn.functional.mse_loss(model(x), y).backward()
        data_parallel.average_gradients(list(model.parameters()))
        first = first or {f"grad.{n}": p.grad.clone() for n, p in model.named_parameters()}
        optimizer.step()
    return {**model.state_dict(), **first}


# Workers are module level: spawn pickles them by name into the worker processes.
def _train_half(out: Path) -> None:
    x, y = _batch()
    half = slice(data_parallel.rank() * BATCH // WORKERS, (data_parallel.rank() + 1) * BATCH // WORKERS)
    torch.save(_train(x[half], y[half]), out / f"rank{data_parallel.rank()}.pt")


def _record_from_main(out: Path) -> None:
    got = data_parallel.from_main(data_parallel.rank() + 1.5)
    (out / f"rank{data_parallel.rank()}.json").write_text(json.dumps(got))


def test_averaged_half_batches_match_one_process_on_the_whole_batch(tmp_path):
    data_parallel.launch(_train_half, (tmp_path,), WORKERS)
    states = [torch.load(tmp_path / f"rank{r}.pt") for r in range(WORKERS)]
    # Every worker applies the same averaged gradient, so the weights agree bit for bit.
    for name in states[0]:
        assert torch.equal(states[0][name], states[1][name]), name
    # The mean of the halves' mean losses is the whole batch's mean loss, so gradient and step are the
    # same. The gradients are compared too: AdamW hardly sees their scale, so a sum would pass on weights.
    whole = _train(*_batch())
    for name, value in whole.items():
        assert torch.allclose(states[0][name], value, rtol=1e-5, atol=1e-6), name
    # Guards against a vacuous pass: training moved the weights away from their initialisation.
    torch.manual_seed(0)
    assert not torch.allclose(torch.nn.Linear(4, 2).weight, whole["weight"])


def test_from_main_gives_every_worker_rank_zeros_value(tmp_path):
    data_parallel.launch(_record_from_main, (tmp_path,), WORKERS)
    got = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(WORKERS)]
    assert got == [1.5] * WORKERS


def _workers_of(launcher: int) -> list[int]:
    children = Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_stop_when_their_launcher_is_killed():
    code = "import time; from unilip.train import data_parallel; data_parallel.launch(time.sleep, (120,), 2)"
    launcher = subprocess.Popen([sys.executable, "-c", code], cwd=TRAINING)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers := _workers_of(launcher.pid)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == WORKERS
        time.sleep(1)  # past each worker's first lines, where it asks to be told of its launcher's death
        launcher.send_signal(signal.SIGKILL)
        launcher.wait()
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers)
    finally:
        launcher.kill()
        for worker in workers:
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)


def test_without_a_process_group_everything_is_the_single_process_case():
    assert not dist.is_initialized()
    assert (data_parallel.world_size(), data_parallel.rank(), data_parallel.is_main()) == (1, 0, True)
    assert data_parallel.from_main(3.0) == 3.0
    data_parallel.barrier()  # returns instead of waiting for workers that do not exist
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2)
    model(torch.randn(3, 4)).sum().backward()
    unused = torch.nn.Parameter(torch.zeros(2))
    before = model.weight.grad.clone()
    data_parallel.average_gradients([model.weight, unused])
    assert torch.equal(model.weight.grad, before)
    # A parameter the step did not reach keeps no gradient, so AdamW skips it as in plain training.
    assert unused.grad is None


def _recipe(tmp_path: Path, workers: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "unilip.train.recipe", "--run-dir", str(tmp_path), "--quick", "--workers", workers],
        cwd=TRAINING, capture_output=True, text=True, timeout=300,
    )


def test_quick_recipe_with_two_workers_writes_one_run(tmp_path):
    done = _recipe(tmp_path, "2")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "final.pt").is_file()
    timings = json.loads((tmp_path / "timings.json").read_text())
    assert set(timings) == set(recipe.FULL)
    # Only rank 0 logs: a second writer would repeat every logged step.
    for name in timings:
        steps = [json.loads(line)["step"] for line in (tmp_path / f"{name}.losses.jsonl").read_text().splitlines()]
        assert len(steps) == len(set(steps)), (name, steps)
        assert steps[-1] == recipe.QUICK_STEPS - 1, (name, steps)


def test_recipe_rejects_zero_workers(tmp_path):
    done = _recipe(tmp_path, "0")
    assert done.returncode == 2
    assert "--workers" in done.stderr
