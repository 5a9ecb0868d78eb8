"""Can a reader tell which cell an image token belongs to? A linear probe of the cell index, from the image
features (what the LLM reads) and from the edit condition at the source-image positions (what the DiT
reads). Near chance (1 / tokens per image) means position is lost: questions about places and edits that
must keep the other cells have nothing to go on.

The same for a cell named in words: "a red circle at the top left", probed at the cell name's last word
in the LLM's hidden states, the connector's output and the DiT's projected condition (what its
cross-attention reads), and the share of such prompts whose object the model draws at the named cell.
Also how alike the LLM's input embeddings of opposite place words ("left", "right") are.

    /usr/bin/python3 -m unilip.train.position_probe --run-dir runs/shapes
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

# See recipe.py: one BLAS thread, set before numpy/torch load.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from unilip import world  # noqa: E402
from unilip.chat_template import IMG_CONTEXT  # noqa: E402
from unilip.model import UniLIP  # noqa: E402
from unilip.model.condition import build_condition, trace_condition  # noqa: E402
from unilip.pipelines import left_pad  # noqa: E402
from unilip.sampling import SamplerSettings  # noqa: E402
from unilip.templates import edit_prompts, generate_prompts  # noqa: E402
from unilip.tokenizer import Tokenizer  # noqa: E402
from unilip.train import evaluate, recipe  # noqa: E402
from unilip.train.batches import pixels_of  # noqa: E402

PROBE_STEPS = 300
PROBE_LR = 1e-2
# Share of tokens the probe is fitted on; it is scored on the rest.
FIT_SHARE = 0.75


def probe_accuracy(tokens: torch.Tensor, cells: torch.Tensor) -> float:
    """Held-out accuracy of a linear classifier of `cells` (M,) from standardised `tokens` (M, D)."""
    fit = int(len(tokens) * FIT_SHARE)
    mean, std = tokens[:fit].mean(0), tokens[:fit].std(0) + 1e-6
    x = (tokens - mean) / std
    classes = int(cells.max()) + 1
    torch.manual_seed(0)
    linear = torch.nn.Linear(x.shape[1], classes)
    optimizer = torch.optim.Adam(linear.parameters(), PROBE_LR)
    with torch.enable_grad():
        for _ in range(PROBE_STEPS):
            loss = torch.nn.functional.cross_entropy(linear(x[:fit]), cells[:fit])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return float((linear(x[fit:]).argmax(-1) == cells[fit:]).float().mean())


@torch.no_grad()
def cell_probe(model: UniLIP, tokenizer: Tokenizer, edits: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    tokens = model.config.vision.tokens_per_image
    feature_rows, condition_rows = [], []
    for start in range(0, edits, evaluate.BATCH):
        size = min(evaluate.BATCH, edits - start)
        tasks = [world.edit_instruction(world.sample_scene(rng), rng) for _ in range(size)]
        ids, mask = left_pad([edit_prompts(tokenizer, t.instruction, tokens)[0] for t in tasks], tokenizer.pad_id)
        features = model.encode_images(pixels_of([t.source for t in tasks], model.config.vision.image_size))
        positions = ids == tokenizer.special_ids[IMG_CONTEXT]
        condition, _, _ = build_condition(model, ids, mask, features, positions)
        at_images = torch.cat((positions, torch.zeros(len(tasks), model.config.n_query, dtype=torch.bool)), dim=1)
        feature_rows.append(features.reshape(-1, features.shape[-1]))  # (B*N, H), row-major cells
        condition_rows.append(condition[at_images])  # (B*N, Cc), in the same order
    features, conditions = torch.cat(feature_rows), torch.cat(condition_rows)
    cells = torch.arange(tokens).repeat(len(features) // tokens)
    return {"image_features": probe_accuracy(features, cells), "edit_condition": probe_accuracy(conditions, cells),
            "chance": 1 / tokens}


def placement_prompts() -> list[tuple[str, world.Obj]]:
    """Every seen shape x colour pair at every cell, as "a {colour} {shape} at the {cell}"."""
    objects = [world.Obj(shape, color, "large", cell) for shape in world.SHAPES for color in world.COLORS
               for cell in world.GRID if not world.is_heldout(shape, color)]
    return [(world.placement_text(o), o) for o in objects]


def word_id(tokenizer: Tokenizer, word: str) -> int:
    """The one token id of `word` as it appears after a space in a prompt."""
    ids = tokenizer.encode(" " + word)
    if len(ids) != 1:
        raise ValueError(f"{word!r} must be one token, got {ids}")
    return ids[0]


def _cell_word_positions(ids: torch.Tensor, tokenizer: Tokenizer, objects: list[world.Obj]) -> torch.Tensor:
    """(B,) index of each prompt's last token of its cell name (the last word of the text)."""
    last_words = torch.tensor([word_id(tokenizer, o.cell.split()[-1]) for o in objects])
    hits = ids == last_words[:, None]  # (B, T)
    return (hits.long() * torch.arange(ids.shape[1])).argmax(1)


@torch.no_grad()
def named_cell_probe(model: UniLIP, tokenizer: Tokenizer, seed: int) -> dict[str, float]:
    """Probe accuracy of the named cell at the cell name's last word, at three depths of the condition path."""
    prompts = placement_prompts()
    order = np.random.default_rng(seed).permutation(len(prompts))
    prompts = [prompts[i] for i in order]  # the probe fits on the first FIT_SHARE, so mix them
    tokens = model.config.vision.tokens_per_image
    ids, mask = left_pad([generate_prompts(tokenizer, text, tokens)[0] for text, _ in prompts], tokenizer.pad_id)
    trace = trace_condition(model, ids, mask)
    rows = torch.arange(len(prompts))
    at_word = _cell_word_positions(ids, tokenizer, [o for _, o in prompts])
    projected = model.denoiser.embed_condition(trace.condition)
    cells = torch.tensor([world.GRID.index(o.cell) for _, o in prompts])
    return {name: probe_accuracy(states[rows, at_word], cells) for name, states in
            (("llm_hidden", trace.hidden_states), ("condition", trace.condition), ("dit_condition", projected))}


# Words that tell places apart; each pair differs only in where.
OPPOSITE_WORDS = (("top", "bottom"), ("left", "right"), ("above", "below"))


def opposite_word_similarity(model: UniLIP, tokenizer: Tokenizer) -> dict[str, float]:
    """Cosine of the LLM's input embeddings of each pair of opposite place words. Near 1, the LLM reads
    "top left" and "bottom right" alike, and nothing after it can tell the named cells apart."""
    embed = model.llm.embed.weight
    return {f"{a}/{b}": float(torch.nn.functional.cosine_similarity(
        embed[word_id(tokenizer, a)], embed[word_id(tokenizer, b)], dim=0)) for a, b in OPPOSITE_WORDS}


def placement(model: UniLIP, tokenizer: Tokenizer, sampler: SamplerSettings, seed: int) -> float:
    """Share of placement prompts whose object is drawn (right shape and colour) at the named cell."""
    prompts = placement_prompts()
    images = evaluate.draw_texts(model, tokenizer, [text for text, _ in prompts], seed, sampler)
    return float(np.mean([world.drawn_at_cell(obj, image) for (_, obj), image in zip(prompts, images)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="a finished recipe run (final.pt inside)")
    parser.add_argument("--edits", type=int, default=256, help="source images probed (9 tokens each at 96 px)")
    args = parser.parse_args()
    torch.set_num_threads(recipe.TORCH_THREADS)
    checkpoint, tokenizer = evaluate.load_run(args.run_dir)
    model = checkpoint.model.eval()
    report = {**cell_probe(model, tokenizer, args.edits, seed=0),
              "named_cell": named_cell_probe(model, tokenizer, seed=0),
              "opposite_word_similarity": opposite_word_similarity(model, tokenizer),
              "placement": placement(model, tokenizer, SamplerSettings.from_meta(checkpoint.meta), seed=0)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
