"""Gives a finished model cell tags (model/cell_tags.py): a head that reads each image token's own cell (shape,
colour, size, or none of them), trained on the world's scene labels with the encoder frozen, and tables
started from the LLM's embeddings of those words.

    /usr/bin/python3 -m unilip.train.cell_tags --checkpoint runs/bundled/final.pt --out runs/tags/start.pt \\
        --fresh-llm

`--fresh-llm` starts the LLM again from random weights: the bundled LLM, trained for many sessions on global
image tokens, did not learn to use the tags in 2000 steps (`shape_at` 56%), where a fresh one reached 86% in
1500 (docs/training.md, session 23). The LLM then learns everything again with `continue_understanding`,
holding the DiT condition of draw and edit prompts to the model it came from. Nothing of the generation path
or the encoder changes here.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from unilip import world  # noqa: E402
from unilip.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from unilip.model import UniLIP  # noqa: E402
from unilip.progress import ProgressBar  # noqa: E402
from unilip.tokenizer import Tokenizer  # noqa: E402
from unilip.train import batches  # noqa: E402

NONE = "none"
# Each attribute's classes: "none" (an empty cell) first, then the world's words for it.
ATTRIBUTES: tuple[tuple[str, ...], ...] = (
    (NONE, *world.SHAPES),
    (NONE, *world.COLORS),
    (NONE, *world.SIZES),
)
# Norms of the tags' words and slot codes against features of norm ~80 (word embeddings have norm ~1): codes
# at twice the features' norm made a token's place readable (session 22), each word at about their norm.
WORD_NORM = 60.0
CODE_NORM = 166.0
HEAD_STEPS = 1000
HEAD_BATCH = 64
HEAD_LR = 2e-3
SEED_OFFSET = 300


def cell_labels(scenes: list[world.Scene]) -> torch.Tensor:
    """(B, 9, attributes) class indices of each cell's object (0: empty), cells in grid order."""
    labels = torch.zeros(len(scenes), len(world.GRID), len(ATTRIBUTES), dtype=torch.long)
    for b, scene in enumerate(scenes):
        for obj in scene.objects:
            values = (obj.shape, obj.color, obj.size)
            labels[b, world.GRID.index(obj.cell)] = torch.tensor([a.index(v) for a, v in zip(ATTRIBUTES, values)])
    return labels


def _read_cells(model: UniLIP, scenes: list[world.Scene]) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
    """The tag heads' logits on rendered scenes (the encoder frozen) and the cells' labels."""
    assert model.cell_tags is not None
    with torch.no_grad():
        features = model.encode_images(batches.pixels_of(scenes, model.config.vision.image_size))
    return model.cell_tags.logits(features), cell_labels(scenes)


def tag_loss(model: UniLIP, scenes: list[world.Scene]) -> torch.Tensor:
    """Cross-entropy of the tag heads on rendered scenes, summed over the attributes."""
    logits, labels = _read_cells(model, scenes)
    return sum(F.cross_entropy(z.reshape(-1, z.shape[-1]), labels[..., k].reshape(-1)) for k, z in enumerate(logits))


@torch.no_grad()
def tag_accuracy(model: UniLIP, split: str, scenes: int = 300, seed: int = 5) -> list[float]:
    """Per attribute, the share of cells (empty ones too) whose class the head reads right."""
    rng = np.random.default_rng(seed)
    logits, labels = _read_cells(model, [world.sample_scene(rng, split=split) for _ in range(scenes)])
    return [float((z.argmax(-1) == labels[..., k]).float().mean()) for k, z in enumerate(logits)]


def with_cell_tags(model: UniLIP, tokenizer: Tokenizer, fresh_llm: bool, seed: int = 0) -> UniLIP:
    """A copy of `model` with untrained tag heads, tables from the LLM's word embeddings and orthonormal slot
    codes; with `fresh_llm` its LLM is a newly initialised one."""
    torch.manual_seed(seed)
    config = dataclasses.replace(model.config, cell_tags=tuple(len(a) for a in ATTRIBUTES))
    tagged = UniLIP(config)
    new = ("llm.", "cell_tags.") if fresh_llm else ("cell_tags.",)
    state = model.state_dict()
    state.update({k: v for k, v in tagged.state_dict().items() if k.startswith(new)})
    tagged.load_state_dict(state)
    tags = tagged.cell_tags
    assert tags is not None
    embed = tagged.llm.embed.weight.detach()
    with torch.no_grad():
        for table, words in zip(tags.tables, ATTRIBUTES):
            table.zero_()  # "none" adds nothing
            for i, word in enumerate(words[1:], 1):
                table[i] = WORD_NORM * embed[tokenizer.encode(" " + word)].mean(dim=0)
        codes, _ = torch.linalg.qr(torch.randn(config.llm.hidden_size, config.vision.tokens_per_image))
        tags.slot_codes.copy_(CODE_NORM * codes.T)
    return tagged


def train_heads(model: UniLIP, steps: int, seed: int = 0) -> None:
    """Trains the tag heads alone; every other weight is left frozen (requires_grad off)."""
    assert model.cell_tags is not None
    for p in model.parameters():
        p.requires_grad_(False)
    for p in model.cell_tags.heads.parameters():
        p.requires_grad_(True)
    optimizer = torch.optim.AdamW(model.cell_tags.heads.parameters(), lr=HEAD_LR)
    rng = np.random.default_rng([seed, SEED_OFFSET])
    progress = ProgressBar(steps, "tag heads")
    for _ in range(steps):
        loss = tag_loss(model, [world.sample_scene(rng) for _ in range(HEAD_BATCH)])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        progress.advance(f"loss {float(loss):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True, help="a finished model's final.pt")
    parser.add_argument("--out", type=Path, required=True, help="where the tagged checkpoint goes")
    parser.add_argument("--fresh-llm", action="store_true", help="start the LLM again from random weights")
    parser.add_argument("--steps", type=int, default=HEAD_STEPS, help=f"training steps of the tag heads, batch {HEAD_BATCH}")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.checkpoint.is_file():
        parser.error(f"--checkpoint {args.checkpoint} is not a file")
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")
    torch.set_num_threads(1)
    checkpoint = load_checkpoint(args.checkpoint)
    if checkpoint.model.config.cell_tags:
        parser.error(f"--checkpoint {args.checkpoint} has cell tags already")
    model = with_cell_tags(checkpoint.model, checkpoint.tokenizer(), args.fresh_llm, args.seed)
    train_heads(model, args.steps, args.seed)
    accuracy = {split: tag_accuracy(model, split) for split in ("train", "heldout")}
    meta = {**checkpoint.meta, "cell_tags": {"from": str(args.checkpoint), "fresh_llm": args.fresh_llm,
                                             "head_steps": args.steps, "seed": args.seed,
                                             "attributes": [list(a) for a in ATTRIBUTES], "accuracy": accuracy}}
    save_checkpoint(args.out, model.eval(), checkpoint.tokenizer_files, meta)
    print(f"wrote {args.out}: tag heads read shape, colour, size of a cell at {accuracy['train']} (seen), "
          f"{accuracy['heldout']} (held out)")


if __name__ == "__main__":
    main()
