"""Data parallelism over CPU worker processes (torch.distributed, gloo), one torch thread each.

On this 2-core machine a second process on the second core nearly doubles the samples per second, where a
second torch thread in one process slows it down (see recipe.TORCH_THREADS). Every worker holds the whole
model, draws its own batches, and averages gradients with the others before each identical optimizer
step, so the weights stay equal without ever being sent. Rank 0 alone writes files and prints.
Without an initialised process group every function here is the single-process case.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
from collections.abc import Callable

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def world_size() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def rank() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def is_main() -> bool:
    return rank() == 0


def barrier() -> None:
    if dist.is_initialized():
        dist.barrier()


def from_main(value: float) -> float:
    """Rank 0's `value` on every worker: decisions taken on a clock (stop, learning rate) must agree."""
    if not dist.is_initialized():
        return value
    tensor = torch.tensor([value], dtype=torch.float64)
    dist.broadcast(tensor, src=0)
    return float(tensor.item())


def average_gradients(params: list[torch.nn.Parameter]) -> None:
    """Mean of every worker's gradients, in one flat all-reduce; a parameter a step did not reach counts
    as a zero gradient on that worker."""
    if not dist.is_initialized():
        return
    grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= dist.get_world_size()
    offset = 0
    for p in params:
        size = p.numel()
        p.grad = flat[offset:offset + size].view_as(p).clone()
        offset += size


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# prctl option (linux/prctl.h): the signal this process gets when the process that started it dies.
PR_SET_PDEATHSIG = 1


def _die_with_launcher(launcher: int) -> None:
    """Without this, a launcher killed by a signal (a stopped training run) leaves its workers training on
    as orphans, holding both cores (seen in session 13)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != launcher:  # it died before the request above was made
        os._exit(1)


def _worker(index: int, workers: int, port: int, threads: int, launcher: int, fn: Callable, args: tuple) -> None:
    _die_with_launcher(launcher)
    torch.set_num_threads(threads)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=index, world_size=workers)
    try:
        fn(*args)
    finally:
        dist.destroy_process_group()


def launch(fn: Callable, args: tuple, workers: int, threads: int = 1) -> None:
    """`fn(*args)` in `workers` processes joined in one process group (in this process when 1).

    `fn` must be a module-level function (it is pickled into the workers)."""
    if workers == 1:
        torch.set_num_threads(threads)
        fn(*args)
        return
    # Workers inherit the environment: one BLAS thread each, as in the recipe.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    mp.spawn(_worker, args=(workers, _free_port(), threads, os.getpid(), fn, args), nprocs=workers, join=True)
