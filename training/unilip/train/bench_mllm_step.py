"""Times an MLLM training step two ways in one run, on the same chats: one chat per row, padded to the
longest (the layout before packing), and the chats packed into rows (the recipe's `chat_batch`). As in
the recipe's mllm stage, the ViT, `mlp1` and the LLM train; forward, loss and backward.

    /usr/bin/python3 -m unilip.train.bench_mllm_step --checkpoint runs/bundled/final.pt

Prints one JSON line: the median milliseconds of each (one worker's batch, one thread, alternating so
both see the same machine state), their ratio, and the share of real tokens in each layout.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from unilip.model import UniLIP  # noqa: E402
from unilip.tokenizer import Tokenizer  # noqa: E402
from unilip.train import batches, recipe, stages  # noqa: E402
from unilip.train.bench_cli import bench_main  # noqa: E402
from unilip.train.chats import encode_chat, sample_chat  # noqa: E402

# One worker's share of the recipe's MLLM batch.
WORKER_BATCH = recipe.FULL["mllm"][1] // recipe.DEFAULT_WORKERS


def timed_step(model: UniLIP, batch: batches.ChatBatch) -> float:
    began = time.perf_counter()
    stages.chat_loss(model, batch).backward()
    model.zero_grad(set_to_none=True)
    return 1000 * (time.perf_counter() - began)


def real_share(batch: batches.ChatBatch) -> float:
    return float((batch.segments > 0).float().mean())


def bench(model: UniLIP, tokenizer: Tokenizer, steps: int, seed: int = 0) -> dict[str, float]:
    model.requires_grad_(False)
    for p in (*model.vision.parameters(), *model.llm.parameters()):
        p.requires_grad_(True)
    tokens, size = model.config.vision.tokens_per_image, model.config.vision.image_size
    rng = np.random.default_rng(seed)
    padded, packed, shares = [], [], {"padded": [], "packed": []}
    for step in range(steps + 1):  # step 0 warms up
        chats = [encode_chat(sample_chat(rng), tokenizer, tokens) for _ in range(WORKER_BATCH)]
        layouts = {"padded": batches.layout_chats(chats, [[i] for i in range(len(chats))], tokenizer, size),
                   "packed": batches.layout_chats(chats, batches.pack_rows([len(c.ids) for c in chats]),
                                                  tokenizer, size)}
        times = (timed_step(model, layouts["padded"]), timed_step(model, layouts["packed"]))
        if step:
            padded.append(times[0])
            packed.append(times[1])
            for name, batch in layouts.items():
                shares[name].append(real_share(batch))
    a, b = statistics.median(padded), statistics.median(packed)
    return {"padded_ms": round(a, 1), "packed_ms": round(b, 1), "speedup": round(a / b, 3),
            "real_tokens_padded": round(statistics.mean(shares["padded"]), 3),
            "real_tokens_packed": round(statistics.mean(shares["packed"]), 3)}


def main(argv: list[str] | None = None) -> None:
    bench_main(__doc__, bench, argv)


if __name__ == "__main__":
    main()
