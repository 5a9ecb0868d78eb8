import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from unilip import world
from unilip.checkpoint import load_checkpoint
from unilip.config import tiny
from unilip.model import UniLIP
from unilip.train import cell_tags as ct
from unilip.train import continue_understanding as cu
from unilip.train import report

REPO_TRAINING = Path(__file__).resolve().parents[1]


def test_a_model_without_tags_gives_the_llm_its_bare_features_and_one_with_tags_tagged_ones():
    torch.manual_seed(0)
    plain = UniLIP(dataclasses.replace(tiny(), cell_tags=()))
    tagged = UniLIP(tiny())
    features = torch.randn(2, tiny().vision.tokens_per_image, tiny().llm.hidden_size)
    assert plain.cell_tags is None and plain.image_inputs(features) is features
    inputs = tagged.image_inputs(features)
    assert inputs.shape == features.shape and (inputs - features).abs().max() > 0.1
    pixels = torch.rand(2, 3, tiny().vision.image_size, tiny().vision.image_size)
    bare, read = tagged.encode_images_and_inputs(pixels)
    assert torch.equal(bare, tagged.encode_images(pixels)) and torch.equal(read, tagged.image_inputs(bare))


def test_cell_labels_name_each_cells_object_and_none_for_an_empty_cell():
    scene = world.Scene((world.Obj("star", "red", "large", "top left"), world.Obj("circle", "blue", "small", "center")))
    labels = ct.cell_labels([scene])
    shapes, colors, sizes = ct.ATTRIBUTES
    assert labels.shape == (1, 9, 3)
    assert labels[0, 0].tolist() == [shapes.index("star"), colors.index("red"), sizes.index("large")]
    assert labels[0, 4].tolist() == [shapes.index("circle"), colors.index("blue"), sizes.index("small")]
    assert labels[0, 1].tolist() == [0, 0, 0] and ct.NONE == shapes[0] == colors[0] == sizes[0]


def test_tags_start_from_the_llms_word_embeddings_and_leave_every_other_weight(shapes_checkpoint):
    base = load_checkpoint(shapes_checkpoint)
    tokenizer = base.tokenizer()
    tagged = ct.with_cell_tags(base.model, tokenizer, fresh_llm=False)
    assert tagged.config.cell_tags == tuple(len(a) for a in ct.ATTRIBUTES)
    before = base.model.state_dict()
    assert all(torch.equal(v, before[k]) for k, v in tagged.state_dict().items() if not k.startswith("cell_tags."))
    shapes_table = tagged.cell_tags.tables[0]
    star = tokenizer.encode(" star")
    assert torch.allclose(shapes_table[ct.ATTRIBUTES[0].index("star")], ct.WORD_NORM * base.model.llm.embed.weight[star].mean(0))
    assert torch.equal(shapes_table[0], torch.zeros_like(shapes_table[0]))
    codes = tagged.cell_tags.slot_codes
    assert torch.allclose(codes @ codes.T, ct.CODE_NORM**2 * torch.eye(len(codes)), atol=1e-1)
    fresh = ct.with_cell_tags(base.model, tokenizer, fresh_llm=True, seed=1)  # the fixture was made at seed 0
    assert not torch.equal(fresh.llm.embed.weight, base.model.llm.embed.weight)
    assert torch.equal(fresh.clip_down.weight, base.model.clip_down.weight)


def test_the_heads_learn_the_labels_and_the_command_records_how(shapes_checkpoint, tmp_path):
    base = load_checkpoint(shapes_checkpoint)
    tagged = ct.with_cell_tags(base.model, base.tokenizer(), fresh_llm=False)
    scenes = [world.sample_scene(np.random.default_rng(1)) for _ in range(8)]
    first = float(ct.tag_loss(tagged, scenes))
    encoder = tagged.vision.mlp1[1].weight.detach().clone()
    ct.train_heads(tagged, 30)
    assert float(ct.tag_loss(tagged, scenes)) < first
    assert torch.equal(tagged.vision.mlp1[1].weight, encoder)

    out = tmp_path / "tags.pt"
    done = subprocess.run([sys.executable, "-m", "unilip.train.cell_tags", "--checkpoint", str(shapes_checkpoint),
                           "--out", str(out), "--steps", "2", "--fresh-llm"], cwd=REPO_TRAINING, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    made = load_checkpoint(out)
    record = made.meta["cell_tags"]
    assert record["fresh_llm"] is True and record["head_steps"] == 2
    assert len(record["accuracy"]["train"]) == 3 and made.model.cell_tags is not None
    section = report.render_cell_tags(record)
    assert "for 2 steps" in section and "started again from random weights" in section
    assert " / ".join(f"{100 * v:.1f}" for v in record["accuracy"]["heldout"]) in section
    again = subprocess.run([sys.executable, "-m", "unilip.train.cell_tags", "--checkpoint", str(out), "--out",
                            str(tmp_path / "twice.pt")], cwd=REPO_TRAINING, capture_output=True, text=True, check=False)
    assert again.returncode != 0 and "has cell tags already" in again.stderr


def test_an_understanding_continuation_trains_the_tag_tables_and_codes_but_not_the_heads(shapes_checkpoint, tmp_path):
    base = load_checkpoint(shapes_checkpoint)
    start = tmp_path / "tags.pt"
    done = subprocess.run([sys.executable, "-m", "unilip.train.cell_tags", "--checkpoint", str(shapes_checkpoint),
                           "--out", str(start), "--steps", "1"], cwd=REPO_TRAINING, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    cu.continue_understanding(cu.parse_args(["--checkpoint", str(start), "--run-dir", str(tmp_path / "run"),
                                             "--quick", "--phases", "2:1"]))
    before, after = load_checkpoint(start).model.state_dict(), load_checkpoint(tmp_path / "run" / "final.pt")
    changed = {k for k, v in after.model.state_dict().items() if not torch.equal(v, before[k])}
    assert any(k.startswith("cell_tags.tables.") for k in changed) and "cell_tags.slot_codes" in changed
    assert all(k.startswith(("llm.", "cell_tags.tables.", "cell_tags.slot_codes")) for k in changed)
    assert base.model.cell_tags is None
