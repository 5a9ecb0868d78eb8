import json

import numpy as np
import pytest
import torch

from unilip import world
from unilip.checkpoint import load_checkpoint
from unilip.export import checkpoint_source
from unilip.train import batches, chats, condition_keeping, continuation, report, stages
from unilip.train import continue_generation as cg
from unilip.train import continue_understanding as cu
from unilip.train.chats import encode_chat, sample_chat


@pytest.mark.parametrize("qtypes", [("shape_at",), ("left_of", "above"), world.QTYPES])
def test_a_focus_chat_asks_one_question_of_the_named_types_right_after_an_image_of_several_objects(qtypes):
    rng = np.random.default_rng(0)
    for _ in range(40):
        chat = chats.focus_chat(rng, qtypes)
        user, answer = chat.messages
        assert user["content"][0] == {"type": "image"} and answer["role"] == "assistant"
        assert chats.FOCUS_OBJECTS[0] <= len(chat.scene.objects) <= chats.FOCUS_OBJECTS[1]
        asked = {qa.question: qa for qa in world.qa_pairs(chat.scene, np.random.default_rng(1))}
        question = user["content"][1]["text"]
        assert question not in asked or asked[question].qtype in qtypes


def test_where_focus_chats_ask_for_the_place_of_an_object_named_without_it():
    rng = np.random.default_rng(2)
    for _ in range(40):
        chat = chats.focus_chat(rng, ("where",))
        question, answer = chat.messages[0]["content"][1]["text"], chat.messages[1]["content"]
        assert question.startswith(("where is", "in which cell is")) and answer in world.GRID
        assert chat.scene.at(answer) is not None and answer not in question


def test_a_chat_batch_without_focus_draws_the_recipes_chats_unchanged(shapes_checkpoint):
    tokenizer = load_checkpoint(shapes_checkpoint).tokenizer()
    batch = batches.chat_batch(np.random.default_rng(3), tokenizer, 6, 4, 32)
    rng = np.random.default_rng(3)
    expected = sorted(encode_chat(sample_chat(rng), tokenizer, 4).ids for _ in range(6))
    drawn = sorted([t for t, s in zip(ids.tolist(), seg.tolist()) if s == k]
                   for ids, seg in zip(batch.ids, batch.segments) for k in set(seg.tolist()) - {0})
    assert drawn == expected
    focused = batches.chat_batch(np.random.default_rng(3), tokenizer, 6, 4, 32, focus=6, focus_qtypes=("count",))
    assert focused.pixels is not None and len(focused.pixels) == 6


def test_focus_shares_follow_the_phases_and_the_last_phase_holds_past_its_end():
    phases = cu.parse_phases("3:1,2:0.5")
    assert [cu.focus_count(s, phases, 16) for s in range(7)] == [16, 16, 16, 8, 8, 8, 8]
    assert phases == (cu.Phase(3, 1.0), cu.Phase(2, 0.5))


@pytest.mark.parametrize("extra", [["--phases", "3000"], ["--phases", "0:1"], ["--phases", "10:1.5"],
                                   ["--phases", "x:1"], ["--focus-qtypes", "shape_at,colour"],
                                   ["--keep-generation", "-1"], ["--keep-batch", "3", "--workers", "2"],
                                   ["--workers", "0"], ["--workers", "2", "--device", "cuda"],
                                   ["--workers", "3"], ["--workers", "64", "--batch", "32"]])
def test_settings_that_cannot_train_are_refused(shapes_checkpoint, tmp_path, extra, capsys):
    with pytest.raises(SystemExit):
        cu.parse_args(["--checkpoint", str(shapes_checkpoint), "--run-dir", str(tmp_path), *extra])
    assert "must" in capsys.readouterr().err


def test_a_missing_checkpoint_or_keep_reference_is_refused(shapes_checkpoint, tmp_path, capsys):
    with pytest.raises(SystemExit):
        cu.parse_args(["--checkpoint", str(tmp_path / "none.pt"), "--run-dir", str(tmp_path)])
    assert "--checkpoint" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cu.parse_args(["--checkpoint", str(shapes_checkpoint), "--run-dir", str(tmp_path),
                       "--keep-reference", str(tmp_path / "none.pt")])
    assert "--keep-reference" in capsys.readouterr().err


def test_continuing_trains_the_llm_alone_and_generation_can_follow_keeping_both_records(shapes_checkpoint, tmp_path):
    understood, drawn = tmp_path / "understood", tmp_path / "drawn"
    made = cu.continue_understanding(cu.parse_args([
        "--checkpoint", str(shapes_checkpoint), "--run-dir", str(understood), "--quick", "--workers", "2",
        "--phases", "5:1,5:0.5", "--focus-qtypes", "shape_at,color", "--keep-generation", "2",
        "--keep-reference", str(shapes_checkpoint)]))
    assert made["steps"] == 2 and made["workers"] == 2 and made["focus_qtypes"] == ["shape_at", "color"]
    assert made["keep_generation"] == 2.0 and made["keep_reference"] == str(shapes_checkpoint)
    logged = [json.loads(line) for line in (understood / "mllm_continued.losses.jsonl").read_text().splitlines()]
    assert all(row["loss"] == pytest.approx(row["chat"] + 2 * row["drift"], rel=1e-5) for row in logged)
    assert made["phases"] == [{"steps": 1, "focus_share": 1.0}, {"steps": 1, "focus_share": 0.5}]
    before, after = load_checkpoint(shapes_checkpoint).model.state_dict(), load_checkpoint(understood / "final.pt")
    changed = {k for k, v in after.model.state_dict().items() if not torch.equal(v, before[k])}
    assert changed and all(k.startswith("llm.") for k in changed)
    assert after.meta["continued_understanding"] == [made]

    cg.continue_generation(cg.parse_args(["--checkpoint", str(understood / "final.pt"), "--run-dir", str(drawn),
                                          "--quick"]))
    meta = load_checkpoint(drawn / "final.pt").meta
    assert meta["continued_understanding"] == [made] and len(meta["continued_generation"]) == 1
    assert checkpoint_source(drawn / "final.pt", "x").info.provenance["continued_understanding"] == [made]
    table = "\n".join(report.understanding_continuations([made], carried=True))
    assert "| cpu x 2 | 2 | 4 | 0.0005 | 1: 1, 1: 0.5 | shape_at+color | 2 |" in table
    assert "measured with the LLM before these continuations" in table


def test_condition_drift_is_zero_for_the_starting_model_and_grows_as_the_llm_moves_away(shapes_checkpoint):
    checkpoint = load_checkpoint(shapes_checkpoint)
    model = checkpoint.model
    reference = condition_keeping.frozen_copy(model)
    pair = stages.generation_batches(np.random.default_rng(0), checkpoint.tokenizer(), model.config, 4)
    assert pair[1].source is not None and float(condition_keeping.condition_drift(model, reference, pair)) == 0
    with torch.no_grad():
        model.llm.layers[-1].mlp.down_proj.weight.mul_(3.0)
    drift = condition_keeping.condition_drift(model, reference, pair)
    drift.backward()
    assert float(drift) > 0 and model.llm.layers[-1].mlp.down_proj.weight.grad.abs().sum() > 0
    assert not any(p.requires_grad for p in reference.parameters())


def test_the_frozen_weight_check_sees_a_changed_frozen_weight_and_ignores_trained_ones(shapes_checkpoint):
    model = load_checkpoint(shapes_checkpoint).model
    before = continuation.frozen_state(model, cu.llm_groups(model))
    with torch.no_grad():
        next(model.llm.parameters()).add_(1.0)
    continuation.check_unchanged(model, before, "the LLM")
    with torch.no_grad():
        next(model.vision.parameters()).add_(1.0)
    with pytest.raises(RuntimeError, match="weights outside the LLM changed: \\['vision\\."):
        continuation.check_unchanged(model, before, "the LLM")
