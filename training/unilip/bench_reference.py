"""The PyTorch side of `unilip bench`: one training checkpoint, the workload the TypeScript engine runs.

Loads the checkpoint (model + tokenizer), times understanding (time to first token, decode speed),
generation and editing through `unilip.pipelines`, each end to end from image file / prompt to PNG
bytes, and prints one JSON report as its last stdout line. The median of `--runs` timed repetitions
after one warm-up is reported, like the TypeScript side does.
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from unilip import pipelines
from unilip.chat_template import IMG_CONTEXT, expand_image_placeholders, render_chat
from unilip.checkpoint import CheckpointError, load_checkpoint
from unilip.config import ConfigError, UniLIPConfig
from unilip.model import ModelInputError, UniLIP
from unilip.sampling import DEFAULT_SHIFT, SAMPLER_NAMES, SamplerError, initial_noise
from unilip.templates import edit_prompts, generate_prompts
from unilip.tokenizer import Tokenizer, TokenizerError

MAX_RUNS = 20
RUNTIME = "pytorch"


class BenchError(ValueError):
    """Bench settings or inputs that cannot be run."""


@dataclass(frozen=True)
class Workload:
    question: str
    prompt: str
    instruction: str
    image: Path
    max_new_tokens: int
    steps: int
    guidance: float
    seed: int
    runs: int
    sampler: str


def check_package(config: UniLIPConfig, package: Path) -> None:
    """Refuses a checkpoint of another architecture than the package's: the two columns would not compare."""
    try:
        exported = UniLIPConfig.from_dict(json.loads((package / "unilip.json").read_text())["config"])
    except (OSError, ValueError, KeyError, ConfigError) as e:
        raise BenchError(f"cannot read the model config of package {package}") from e
    if exported.to_dict() != config.to_dict():
        raise BenchError(
            f"the checkpoint's config differs from package {package}'s; bench the checkpoint it was exported from"
        )


def load_image(path: Path, size: int) -> torch.Tensor:
    """PNG/JPEG/WebP -> RGB float32 (1, 3, S, S) in [0, 1], stretched to the square like the engine."""
    try:
        with Image.open(path) as image:
            rgb = image.convert("RGB").resize((size, size), Image.BILINEAR)
    except OSError as e:
        raise BenchError(f"cannot read image {path}") from e
    array = np.asarray(rgb, dtype=np.float32) / 255.0  # (S, S, 3)
    return torch.from_numpy(array).permute(2, 0, 1)[None].contiguous()  # (1, 3, S, S)


def encode_png(image: torch.Tensor) -> bytes:
    """(1, 3, S, S) in [0, 1] -> PNG bytes."""
    pixels = (image[0].permute(1, 2, 0).clamp(0, 1) * 255).round().to(torch.uint8).numpy()  # (S, S, 3)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def timed(job: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = job()
    return (time.perf_counter() - start) * 1000.0, result


def median_of_runs(job: Callable[[], object], runs: int) -> float:
    job()  # warm-up: first-call allocations and kernel selection are not what is measured
    return statistics.median(timed(job)[0] for _ in range(runs))


def bench(model: UniLIP, tokenizer: Tokenizer, work: Workload) -> dict[str, object]:
    config = model.config
    tokens_per_image = config.vision.tokens_per_image
    image_token = tokenizer.special_ids[IMG_CONTEXT]
    latent_shape = (1, config.latent_channels, config.latent_size, config.latent_size)
    size = config.vision.image_size

    chat = render_chat(
        [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": work.question}]}],
        add_generation_prompt=True,
    )
    question_ids = torch.tensor([tokenizer.encode(expand_image_placeholders(chat, tokens_per_image))])

    def understand(max_new_tokens: int) -> int:
        image = load_image(work.image, size)
        out = pipelines.understand_greedy(
            model, question_ids, image, image_token, max_new_tokens, []  # a fixed length, as the TS side
        )
        return len(out["output_ids"])

    def generate() -> bytes:
        cond, null = generate_prompts(tokenizer, work.prompt, tokens_per_image)
        out = pipelines.generate(
            model, cond, null, initial_noise(latent_shape, work.seed), work.steps, work.guidance,
            work.sampler, DEFAULT_SHIFT, tokenizer.pad_id,
        )
        return encode_png(out["image"])

    def edit() -> bytes:
        cond, null = edit_prompts(tokenizer, work.instruction, tokens_per_image)
        out = pipelines.edit(
            model, cond, null, load_image(work.image, size), image_token, initial_noise(latent_shape, work.seed),
            work.steps, work.guidance, work.sampler, DEFAULT_SHIFT, tokenizer.pad_id,
        )
        return encode_png(out["image"])

    # The first token costs the prefill plus one argmax; decoding is what the full answer adds on top.
    ttft_ms = median_of_runs(lambda: understand(1), work.runs)
    understand(work.max_new_tokens)
    full = [timed(lambda: understand(work.max_new_tokens)) for _ in range(work.runs)]
    total_ms = statistics.median(ms for ms, _ in full)
    tokens = int(statistics.median(int(n) for _, n in full))
    decode_ms = total_ms - ttft_ms
    return {
        "runtime": RUNTIME,
        "ttft_ms": ttft_ms,
        "decode_tokens_per_s": (tokens - 1) * 1000.0 / decode_ms if tokens > 1 and decode_ms > 0 else 0.0,
        "decode_tokens": tokens,
        "generate_ms": median_of_runs(generate, work.runs),
        "edit_ms": median_of_runs(edit, work.runs),
        # Linux reports ru_maxrss in KiB.
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def parse_args(argv: list[str]) -> tuple[Path, Path | None, Workload, int | None]:
    parser = argparse.ArgumentParser(prog="python -m unilip.bench_reference", description=__doc__)
    parser.add_argument("--checkpoint", required=True, type=Path, help="training checkpoint (.pt)")
    parser.add_argument(
        "--package", type=Path, help="model package the other side runs; the checkpoint must have its config"
    )
    parser.add_argument("--image", required=True, type=Path, help="input image for understanding and editing")
    parser.add_argument("--question", required=True, help="understanding question about the image")
    parser.add_argument("--prompt", required=True, help="text-to-image prompt")
    parser.add_argument("--instruction", required=True, help="edit instruction")
    parser.add_argument("--max-new-tokens", type=int, default=32, help="answer length limit")
    parser.add_argument("--steps", type=int, default=20, help="sampling steps")
    parser.add_argument("--guidance", type=float, default=4.5, help="classifier-free guidance scale")
    parser.add_argument("--seed", type=int, default=0, help="initial noise seed")
    parser.add_argument("--runs", type=int, default=3, help=f"timed repetitions after a warm-up (1..{MAX_RUNS})")
    parser.add_argument("--sampler", choices=SAMPLER_NAMES, default="dpm-solver++2m", help="flow sampler")
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's own choice)")
    args = parser.parse_args(argv)
    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if not 1 <= args.runs <= MAX_RUNS:
        parser.error(f"--runs must be in 1..{MAX_RUNS}, got {args.runs}")
    if args.max_new_tokens < 1:
        parser.error(f"--max-new-tokens must be at least 1, got {args.max_new_tokens}")
    work = Workload(
        args.question, args.prompt, args.instruction, args.image, args.max_new_tokens, args.steps,
        args.guidance, args.seed, args.runs, args.sampler,
    )
    return args.checkpoint, args.package, work, args.threads


def main(argv: list[str] | None = None) -> int:
    checkpoint_path, package, work, threads = parse_args(sys.argv[1:] if argv is None else argv)
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        checkpoint = load_checkpoint(checkpoint_path)
        if package is not None:
            check_package(checkpoint.model.config, package)
        tokenizer = checkpoint.tokenizer()
        with torch.inference_mode():
            report = bench(checkpoint.model, tokenizer, work)
    except (BenchError, CheckpointError, TokenizerError, ModelInputError, SamplerError) as e:
        print(f"bench_reference: {e}", file=sys.stderr)
        return 1
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
