import subprocess
import sys
from pathlib import Path

import torch

from unilip.checkpoint import load_checkpoint
from unilip.export import checkpoint_source
from unilip.model.dit import cell_codes
from unilip.train import distinct_places as dp
from unilip.train import position_probe, report

REPO_TRAINING = Path(__file__).resolve().parents[1]


def _logits(model, ids):
    embeds = model.embed_tokens(ids)
    mask = torch.ones_like(ids)
    positions = torch.arange(ids.shape[1])[None]
    logits, _, _ = model.decoder(embeds, mask, positions, model.empty_cache(1))
    return logits


def test_place_words_become_orthogonal_and_every_other_weight_and_answer_stays(shapes_checkpoint):
    base = load_checkpoint(shapes_checkpoint)
    tokenizer = base.tokenizer()
    left, right = (position_probe.word_id(tokenizer, w) for w in ("left", "right"))
    with torch.no_grad():  # the collapse the MLLM stage left in the bundled model
        base.model.llm.embed.weight[right] = base.model.llm.embed.weight[left] * 1.01
    changed = dp.distinct_places(base.model, tokenizer)

    assert changed.config.llm.tie_embeddings is False and base.model.config.llm.tie_embeddings is True
    similarity = position_probe.opposite_word_similarity(changed, tokenizer)
    assert max(abs(v) for v in similarity.values()) < 1e-5
    ids = [position_probe.word_id(tokenizer, w) for w in dp.PLACE_WORDS]
    before, after = base.model.llm.embed.weight, changed.llm.embed.weight
    others = torch.ones(len(before), dtype=torch.bool)
    others[ids] = False
    assert torch.equal(before[others], after[others])
    assert torch.allclose(after[ids].norm(dim=1), before.norm(dim=1).mean().expand(len(ids)))
    assert torch.equal(changed.llm.lm_head.weight, before)
    kept = {k: v for k, v in base.model.state_dict().items() if k != "llm.embed.weight"}
    assert all(torch.equal(changed.state_dict()[k], v) for k, v in kept.items())
    assert changed.config.dit.cell_codes == dp.CELL_CODES
    cells, hidden = base.model.denoiser.pos_embed.shape[1:]
    expected = base.model.denoiser.pos_embed + dp.CELL_CODES * cell_codes(cells, hidden)
    assert torch.allclose(changed.denoiser.pos_embed, expected)
    assert torch.equal(dp.distinct_places(changed, tokenizer).denoiser.pos_embed, changed.denoiser.pos_embed)

    with torch.no_grad():
        plain = torch.tensor([tokenizer.encode("a red circle and a blue square")])
        assert torch.equal(_logits(base.model, plain), _logits(changed, plain))
        placed = torch.tensor([tokenizer.encode("a red circle at the top left")])
        assert not torch.equal(_logits(base.model, placed), _logits(changed, placed))


def test_the_command_writes_a_checkpoint_that_loads_and_says_where_it_came_from(shapes_checkpoint, tmp_path):
    out = tmp_path / "places.pt"
    done = subprocess.run([sys.executable, "-m", "unilip.train.distinct_places", "--checkpoint",
                           str(shapes_checkpoint), "--out", str(out)], cwd=REPO_TRAINING, capture_output=True,
                          text=True, check=True)
    assert "fresh embeddings" in done.stdout
    loaded = load_checkpoint(out)
    assert loaded.model.llm.lm_head is not None
    assert loaded.meta["distinct_places"] == {"from": str(shapes_checkpoint), "words": list(dp.PLACE_WORDS),
                                              "seed": 0, "cell_codes": dp.CELL_CODES,
                                              "after_continuations": 0}
    assert checkpoint_source(out, "x").info.provenance["distinct_places"] == loaded.meta["distinct_places"]
    assert "distinct_places" not in checkpoint_source(shapes_checkpoint, "x").info.provenance
    section = report.render_places(loaded.meta["distinct_places"], carried=True)
    assert "top, middle, bottom" in section and "norm 4" in section and "before this change" in section
    assert section.split("\n")[-1].startswith("Before the continuations below")
    later = report.render_places({**loaded.meta["distinct_places"], "after_continuations": 2}, carried=False)
    assert later.split("\n")[-1].startswith("After the first 2 continuations below") and "before this" not in later
    missing = subprocess.run([sys.executable, "-m", "unilip.train.distinct_places", "--checkpoint",
                              str(tmp_path / "none.pt"), "--out", str(out)], cwd=REPO_TRAINING,
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "is not a file" in missing.stderr
