"""Golden fixtures of a package (`fixtures/` + `fixtures.json`): every graph's inputs and PyTorch
outputs, tokenizer ids, sampler sigmas, and the four pipelines with every intermediate, so the
TypeScript engine can be checked step by step against PyTorch."""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from unilip import pipelines
from unilip.chat_template import expand_image_placeholders
from unilip.export_graphs import GraphSpec, run_graph
from unilip.graph_inputs import GRAPH_CASES
from unilip.model import UniLIP
from unilip.npy import save_npy
from unilip.sampling import SAMPLER_NAMES, flow_sigmas, initial_noise
from unilip.templates import edit_prompts, generate_prompts
from unilip.tokenizer import Tokenizer

FIXTURES_DIR = "fixtures"
FIXTURES_FILE = "fixtures.json"
FIXTURE_STEPS = 4  # first order, two second-order steps, and the final x0 step of DPM-Solver++(2M)
FIXTURE_GUIDANCE = 4.5
FIXTURE_SHIFT = 3.0
FIXTURE_MAX_NEW_TOKENS = 6
DEFAULT_STEPS = 20
GENERATE_PROMPT = "a red circle above a blue square"
EDIT_INSTRUCTION = "make the circle green"
UNDERSTAND_MESSAGES = [
    {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What shape is red?"}]},
]
TOKENIZER_TEXTS = [
    "a red circle above a blue square",
    "How many shapes are there? There are 3.",
    "  two  spaces,\ttabs\nand newlines\r\n",
    "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
    "<img><IMG_CONTEXT><IMG_CONTEXT></img><|endoftext|>",
    "near misses: <im_start|> <IMG_CONTEXT <IMG>",
    "unicode: héllo wörld 日本 🙂",
    "digits 1234567890 and punctuation !?.,;:",
]
CHAT_CASES = [
    ([{"role": "user", "content": "Draw a green star."}], True),
    (UNDERSTAND_MESSAGES + [{"role": "assistant", "content": "The circle."}], False),
    ([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], True),
]


class FixtureWriter:
    """Writes tensors under `fixtures/` and returns their `{file, dtype, shape}` entries; other values of a
    pipeline result (finish reason, settings) are left to the caller's JSON."""

    def __init__(self, package_dir: Path) -> None:
        self.package_dir = package_dir

    def tensors(self, folder: str, tensors: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        entries = {}
        for name, value in tensors.items():
            if isinstance(value, torch.Tensor):
                file = f"{FIXTURES_DIR}/{folder}/{name}.npy"
                array = save_npy(self.package_dir / file, value)
                entries[name] = {"file": file, "dtype": str(array.dtype.name), "shape": list(array.shape)}
        return entries


def fixture_image(size: int) -> torch.Tensor:
    """A light-grey canvas with a red disc and a blue square: (1, 3, S, S) RGB in [0, 1]."""
    ys, xs = np.mgrid[0:size, 0:size] / size  # (S, S) each
    image = np.full((size, size, 3), 0.9, dtype=np.float32)
    image[(ys - 0.3) ** 2 + (xs - 0.35) ** 2 < 0.2**2] = (0.9, 0.1, 0.1)
    image[(ys > 0.55) & (ys < 0.9) & (xs > 0.55) & (xs < 0.9)] = (0.1, 0.2, 0.9)
    return torch.from_numpy(image).permute(2, 0, 1)[None].contiguous()  # (1, 3, S, S)


def graph_fixtures(
    model: UniLIP, specs: Mapping[str, GraphSpec], cases: Mapping[str, Mapping[str, torch.Tensor]], w: FixtureWriter
) -> dict[str, Any]:
    out = {}
    for case, graph in GRAPH_CASES.items():
        inputs = cases[case]
        outputs = run_graph(model, specs[graph], inputs)
        out[case] = {
            "graph": graph,
            "inputs": w.tensors(f"graphs/{case}/inputs", inputs),
            "outputs": w.tensors(f"graphs/{case}/outputs", outputs),
        }
    return out


def tokenizer_fixtures(tokenizer: Tokenizer) -> dict[str, Any]:
    chats = []
    for messages, add_generation_prompt in CHAT_CASES:
        text = tokenizer.apply_chat_template(messages, add_generation_prompt)
        chats.append({"messages": messages, "add_generation_prompt": add_generation_prompt, "text": text,
                      "ids": tokenizer.encode(text)})
    return {
        "tokenizer": [{"text": text, "ids": tokenizer.encode(text)} for text in TOKENIZER_TEXTS],
        "chat_template": chats,
    }


def _understand(model: UniLIP, tokenizer: Tokenizer, stop_ids: list[int], w: FixtureWriter) -> dict[str, Any]:
    config = model.config
    text = tokenizer.apply_chat_template(UNDERSTAND_MESSAGES, add_generation_prompt=True)
    ids = tokenizer.encode(expand_image_placeholders(text, config.vision.tokens_per_image))
    image = fixture_image(config.vision.image_size)
    result = pipelines.understand_greedy(
        model, torch.tensor([ids]), image, tokenizer.special_ids["<IMG_CONTEXT>"], FIXTURE_MAX_NEW_TOKENS, stop_ids
    )
    return {
        "messages": UNDERSTAND_MESSAGES,
        "text": text,
        "max_new_tokens": FIXTURE_MAX_NEW_TOKENS,
        "stop_token_ids": stop_ids,
        "finish_reason": result["finish_reason"],
        "tensors": w.tensors("pipelines/understand", {"images": image} | result),
    }


def pipeline_fixtures(model: UniLIP, tokenizer: Tokenizer, stop_ids: list[int], seed: int, w: FixtureWriter) -> dict:
    config = model.config
    n_img, img_id = config.vision.tokens_per_image, tokenizer.special_ids["<IMG_CONTEXT>"]
    image = fixture_image(config.vision.image_size)
    noise = initial_noise((1, config.latent_channels, config.latent_size, config.latent_size), seed)
    gen_cond, gen_null = generate_prompts(tokenizer, GENERATE_PROMPT, n_img)
    edit_cond, edit_null = edit_prompts(tokenizer, EDIT_INSTRUCTION, n_img)
    out: dict[str, Any] = {"understand": _understand(model, tokenizer, stop_ids, w)}
    for sampler in SAMPLER_NAMES:
        suffix = "" if sampler == SAMPLER_NAMES[0] else "_" + sampler.replace("-", "_")
        run = {"steps": FIXTURE_STEPS, "guidance": FIXTURE_GUIDANCE, "sampler": sampler, "shift": FIXTURE_SHIFT}
        generated = pipelines.generate(model, gen_cond, gen_null, noise, pad_id=tokenizer.pad_id, **run)
        out["generate" + suffix] = {
            "kind": "generate", "prompt": GENERATE_PROMPT, "seed": seed, **run, "cond_ids": gen_cond,
            "null_ids": gen_null, "tensors": w.tensors(f"pipelines/generate{suffix}", generated),
        }
        edited = pipelines.edit(model, edit_cond, edit_null, image, img_id, noise, pad_id=tokenizer.pad_id, **run)
        edited["image_positions"] = (edited["input_ids"] == img_id).long()  # (2, T)
        out["edit" + suffix] = {
            "kind": "edit", "instruction": EDIT_INSTRUCTION, "seed": seed, **run, "cond_ids": edit_cond,
            "null_ids": edit_null, "tensors": w.tensors(f"pipelines/edit{suffix}", edited),
        }
    out["reconstruct"] = {"kind": "reconstruct",
                          "tensors": w.tensors("pipelines/reconstruct", pipelines.reconstruct(model, image))}
    return out


def write_fixtures(
    package_dir: Path,
    model: UniLIP,
    tokenizer: Tokenizer,
    specs: Mapping[str, GraphSpec],
    graph_cases: Mapping[str, Mapping[str, torch.Tensor]],
    stop_ids: list[int],
    seed: int,
    progress: Callable[[str], None],
) -> None:
    w = FixtureWriter(package_dir)
    fixtures: dict[str, Any] = {"format_version": 1, "seed": seed}
    fixtures["graphs"] = graph_fixtures(model, specs, graph_cases, w)
    progress("graph fixtures")
    fixtures |= tokenizer_fixtures(tokenizer)
    fixtures["sampler"] = [
        {"steps": steps, "shift": FIXTURE_SHIFT, "sigmas": flow_sigmas(steps, FIXTURE_SHIFT)}
        for steps in (FIXTURE_STEPS, DEFAULT_STEPS)
    ]
    progress("tokenizer + sampler fixtures")
    fixtures["pipelines"] = pipeline_fixtures(model, tokenizer, stop_ids, seed, w)
    progress("pipeline fixtures")
    path = package_dir / FIXTURES_DIR / FIXTURES_FILE
    path.write_text(json.dumps(fixtures, indent=1, ensure_ascii=False) + "\n", "utf-8")
