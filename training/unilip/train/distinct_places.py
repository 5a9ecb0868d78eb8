"""Gives a finished model place words and latent cells it can tell apart, so its generation path can learn
to draw where a prompt says.

    /usr/bin/python3 -m unilip.train.distinct_places --checkpoint runs/bundled/final.pt --out runs/places/start.pt

Two things kept the bundled model from placing an object at a named cell (docs/training.md, sessions 15-17):
- With the output head tied to the input embedding, the MLLM stage pulled the place words it could not
  yet predict from the image towards one point ("left" / "right" ended at cosine 0.993), so "a red circle
  at the top left" and "... at the bottom right" reached the DiT as nearly the same condition. This unties
  the head (a copy of the tied table, so every answer's logits stay the same) and gives each place word a
  fresh input embedding, orthogonal to the others, at the table's mean norm.
- The DiT's sin-cos position table barely tells the 9 cells apart. This adds a learned orthonormal code per
  cell (`dit.cell_codes`), so the table becomes a trained parameter.
Everything else is copied unchanged; the generation path then learns to read both
(`continue_generation --placement-share`, with more high-noise timesteps).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import torch

from unilip.checkpoint import load_checkpoint, save_checkpoint
from unilip.model import UniLIP
from unilip.tokenizer import Tokenizer
from unilip.train.position_probe import word_id

# Every word that names a row, a column or the centre of the grid, or a relation between two places.
PLACE_WORDS = ("top", "middle", "bottom", "left", "right", "center", "above", "below")
# Norm of each cell's code against the sin-cos rows' 9.8 (their neighbours differ by 1.7): 4 gave cells 6.1
# apart, and with them and distinct words the DiT learnt to place (99% of prompts at the named cell).
CELL_CODES = 4.0


def distinct_places(model: UniLIP, tokenizer: Tokenizer, seed: int = 0, codes: float = CELL_CODES) -> UniLIP:
    """A copy of `model` with an untied output head, fresh mutually orthogonal place-word embeddings and,
    unless it has them already, cell codes of norm `codes` in the DiT's position table."""
    config = model.config
    dit = config.dit if config.dit.cell_codes > 0 else dataclasses.replace(config.dit, cell_codes=codes)
    untied = UniLIP(dataclasses.replace(config, llm=dataclasses.replace(config.llm, tie_embeddings=False), dit=dit))
    state = model.state_dict()
    head = model.llm.embed if model.llm.lm_head is None else model.llm.lm_head
    state["llm.lm_head.weight"] = head.weight.detach().clone()
    # A fixed table is not in the state; the new one starts from it plus the codes.
    state.setdefault("denoiser.pos_embed", untied.denoiser.pos_embed.detach().clone())
    untied.load_state_dict(state)
    embed = untied.llm.embed.weight
    ids = [word_id(tokenizer, word) for word in PLACE_WORDS]
    generator = torch.Generator().manual_seed(seed)
    directions, _ = torch.linalg.qr(torch.randn(embed.shape[1], len(ids), generator=generator))  # (H, W)
    with torch.no_grad():
        embed[ids] = directions.T * embed.norm(dim=1).mean()
    return untied.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True, help="a finished model's final.pt")
    parser.add_argument("--out", type=Path, required=True, help="where the changed checkpoint goes")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fresh embeddings")
    args = parser.parse_args()
    if not args.checkpoint.is_file():
        parser.error(f"--checkpoint {args.checkpoint} is not a file")
    checkpoint = load_checkpoint(args.checkpoint)
    model = distinct_places(checkpoint.model, checkpoint.tokenizer(), args.seed)
    # How many gen2 continuations the model had before this, so a report can place it among them.
    before = len(checkpoint.meta.get("continued_generation", []))
    meta = {**checkpoint.meta, "distinct_places": {"from": str(args.checkpoint), "words": list(PLACE_WORDS),
                                                   "seed": args.seed, "cell_codes": model.config.dit.cell_codes,
                                                   "after_continuations": before}}
    save_checkpoint(args.out, model, checkpoint.tokenizer_files, meta)
    print(f"wrote {args.out}: untied output head, fresh embeddings for {', '.join(PLACE_WORDS)}, DiT cell codes "
          f"of norm {model.config.dit.cell_codes:g}")


if __name__ == "__main__":
    main()
