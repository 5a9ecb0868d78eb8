"""Times the LLM part of a generation-training step two ways in one run, on the same batches: the
recipe's `build_condition` (prompt through the frozen LLM without gradient, then the queries from its
cache) and the reference that runs prompt and queries through the LLM in one call with gradient. Both
go forward to the condition and backward to the queries and connector, as in `gen2`.

    /usr/bin/python3 -m unilip.train.bench_generation_step --checkpoint runs/bundled/final.pt

Prints one JSON line: the median milliseconds of each (one worker's batch, one thread, alternating so
both see the same machine state), their ratio, and the median of a whole `gen2` step for scale.
"""
from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from unilip.model import UniLIP, build_condition  # noqa: E402
from unilip.model.masks import positions_from_mask  # noqa: E402
from unilip.tokenizer import Tokenizer  # noqa: E402
from unilip.train import batches, stages  # noqa: E402
from unilip.train.bench_cli import bench_main  # noqa: E402

# One worker's share of the recipe's generation batch (32 over two workers).
WORKER_BATCH = 16


def one_call_condition(model: UniLIP, ids: torch.Tensor, mask: torch.Tensor, features: torch.Tensor | None,
                       image_positions: torch.Tensor | None) -> torch.Tensor:
    """The reference: prompt and queries through the LLM in one call, then the dual-condition overwrite."""
    embeds = model.embed_tokens(ids)  # (B, T, H)
    if features is not None and image_positions is not None:
        embeds = embeds.masked_scatter(image_positions[..., None], model.image_inputs(features))
    batch, n_query = len(ids), model.config.n_query
    embeds = torch.cat((embeds, model.queries[None].expand(batch, -1, -1)), dim=1)  # (B, T+Q, H)
    full = torch.cat((mask.long(), torch.ones(batch, n_query, dtype=torch.long)), dim=1)  # (B, T+Q)
    _, hidden, _ = model.decoder(embeds, full, positions_from_mask(full), model.empty_cache(batch))
    if features is not None and image_positions is not None:
        at_image = torch.cat((image_positions, torch.zeros(batch, n_query, dtype=torch.bool)), dim=1)
        hidden = hidden.masked_scatter(at_image[..., None], features)
    return model.connect(hidden, full)


def split_condition(model: UniLIP, ids, mask, features, image_positions) -> torch.Tensor:
    return build_condition(model, ids, mask, features, image_positions)[0]


def _batches(model: UniLIP, tokenizer: Tokenizer, seed: int) -> list[tuple[batches.GenBatch, torch.Tensor | None]]:
    """A worker's text-to-image and edit batches, each with its source image's features (encoded once,
    outside the timed part: the frozen encoder costs both ways the same)."""
    rng = np.random.default_rng(seed)
    tokens, size = model.config.vision.tokens_per_image, model.config.vision.image_size
    n_edit = round(WORKER_BATCH * stages.EDIT_SHARE)
    pair = [batches.text_to_image_batch(rng, tokenizer, WORKER_BATCH - n_edit, tokens, size),
            batches.edit_batch(rng, tokenizer, n_edit, tokens, size)]
    with torch.no_grad():
        return [(b, model.encode_images(b.source) if b.source is not None else None) for b in pair]


def time_condition(model: UniLIP, fn: Callable, pair: list[tuple[batches.GenBatch, torch.Tensor | None]]) -> float:
    began = time.perf_counter()
    for batch, features in pair:
        fn(model, batch.ids, batch.mask, features, batch.image_positions).square().mean().backward()
    model.zero_grad(set_to_none=True)
    return 1000 * (time.perf_counter() - began)


def bench(model: UniLIP, tokenizer: Tokenizer, steps: int, seed: int = 0) -> dict[str, float]:
    model.requires_grad_(False)
    for p in (model.queries, *model.connector.parameters(), *model.denoiser.parameters()):
        p.requires_grad_(True)
    split, one_call, whole = [], [], []
    for step in range(steps + 1):  # step 0 warms up
        pair = _batches(model, tokenizer, seed + step)
        times = (time_condition(model, split_condition, pair), time_condition(model, one_call_condition, pair))
        began = time.perf_counter()
        rng, generator = np.random.default_rng(seed + step), torch.Generator().manual_seed(seed + step)
        stages.generation_step(model, tokenizer, rng, generator, WORKER_BATCH)["loss"].backward()
        model.zero_grad(set_to_none=True)
        if step:
            split.append(times[0])
            one_call.append(times[1])
            whole.append(1000 * (time.perf_counter() - began))
    a, b = statistics.median(split), statistics.median(one_call)
    return {"condition_split_ms": round(a, 1), "condition_one_call_ms": round(b, 1),
            "speedup": round(b / a, 3), "gen_step_ms": round(statistics.median(whole), 1)}


def main(argv: list[str] | None = None) -> None:
    bench_main(__doc__, bench, argv)


if __name__ == "__main__":
    main()
