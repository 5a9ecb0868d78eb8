"""Batches drawn ahead of the training step by worker processes.

On a GPU a generation step of 512 samples takes less time than one core needs to render and tokenize them
in Python, so the step would wait on its data. Each worker draws from its own seeded stream and hands
finished batches over a bounded queue (torch shares the tensors' memory, nothing is copied). Batches
arrive in whatever order the workers finish them: a run is reproducible in its data, not in its order.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import numpy as np
import torch
import torch.multiprocessing as mp

T = TypeVar("T")
# Seconds between checks that the workers are still alive while the queue is empty.
POLL_SECONDS = 5.0


def _produce(make: Callable[[np.random.Generator], T], seed: Sequence[int], out: mp.Queue) -> None:
    torch.set_num_threads(1)
    rng = np.random.default_rng(list(seed))
    while True:
        out.put(make(rng))


class Prefetcher(Generic[T]):
    """`make(rng)` called over and over in `workers` processes; `next()` returns the next finished batch.

    `make` must pickle (a module-level function or a functools.partial of one). Use as a context manager,
    so the workers end with the stage."""

    def __init__(self, make: Callable[[np.random.Generator], T], seed: Sequence[int], workers: int,
                 depth: int) -> None:
        if workers < 1 or depth < 1:
            raise ValueError(f"a prefetcher needs at least one worker and a queue depth of one, got {workers} "
                             f"workers and depth {depth}")
        # Workers draw on one core each; their BLAS must not start threads of its own (see recipe.py).
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        context = mp.get_context("spawn")
        self._queue = context.Queue(maxsize=depth)
        self._workers = [context.Process(target=_produce, args=(make, [*seed, w], self._queue), daemon=True)
                         for w in range(workers)]
        for worker in self._workers:
            worker.start()

    def next(self) -> T:
        while True:
            try:
                return self._queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                dead = [w.exitcode for w in self._workers if not w.is_alive()]
                if dead:
                    raise RuntimeError(f"a batch worker stopped (exit codes {dead}); its error is printed above")

    def close(self) -> None:
        for worker in self._workers:
            worker.terminate()
        for worker in self._workers:
            worker.join()

    def __enter__(self) -> Prefetcher[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
