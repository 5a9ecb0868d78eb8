import functools
import json

import pytest
import torch

from unilip import world
from unilip.checkpoint import load_checkpoint
from unilip.export import checkpoint_source
from unilip.train import batches, evaluate, report
from unilip.train import continue_generation as cg
from unilip.train.prefetch import Prefetcher
from unilip.train.recipe import QUICK_BATCH, QUICK_STEPS

SCENES = functools.partial(batches.random_scene_pixels, size=2, image_size=32)


def test_the_prefetcher_hands_over_each_workers_own_batches_and_ends_them():
    with Prefetcher(SCENES, [0], workers=2, depth=2) as data:
        drawn = [data.next() for _ in range(6)]
        workers = data._workers
    assert all(b.shape == (2, 3, 32, 32) for b in drawn)
    assert len({b.numpy().tobytes() for b in drawn}) == 6, "workers draw from different streams"
    assert not any(w.is_alive() for w in workers)


def test_a_worker_that_fails_is_an_error_not_a_hang():
    unrenderable = functools.partial(batches.random_scene_pixels, size=2, image_size=1)
    with Prefetcher(unrenderable, [0], workers=1, depth=1) as data, pytest.raises(RuntimeError, match="worker"):
        data.next()


@pytest.mark.parametrize("extra", [["--edit-share", "1.0"], ["--batch", "1"], ["--data-workers", "0"],
                                   ["--minutes", "0"], ["--workers", "0"], ["--workers", "3", "--device", "cpu"],
                                   ["--workers", "2", "--device", "cuda"], ["--workers", "2", "--batch", "2"],
                                   ["--placement-share", "0.9"], ["--categories", "position,nonsense"],
                                   ["--edit-kinds", "move,rotate"]])
def test_settings_that_cannot_train_are_refused(shapes_checkpoint, tmp_path, extra, capsys):
    with pytest.raises(SystemExit):
        cg.parse_args(["--checkpoint", str(shapes_checkpoint), "--run-dir", str(tmp_path), *extra])
    assert "must" in capsys.readouterr().err


def test_continuing_trains_the_generation_path_alone_and_evaluates_with_the_base_figures(shapes_checkpoint, tmp_path):
    run_dir = tmp_path / "continued"
    made = cg.continue_generation(cg.parse_args(["--checkpoint", str(shapes_checkpoint), "--run-dir", str(run_dir),
                                                 "--device", "cpu", "--quick"]))
    assert made["steps"] == QUICK_STEPS and made["device"] == "cpu"
    base, continued = load_checkpoint(shapes_checkpoint), load_checkpoint(run_dir / "final.pt")
    assert continued.meta["continued_generation"] == [made]
    assert checkpoint_source(run_dir / "final.pt", "x").info.provenance["continued_generation"] == [made]
    assert "continued_generation" not in checkpoint_source(shapes_checkpoint, "x").info.provenance
    before, after = base.model.state_dict(), continued.model.state_dict()
    assert not torch.equal(before["denoiser.final_table"], after["denoiser.final_table"])
    assert all(torch.equal(before[k], after[k]) for k in before if k.startswith(("vision.", "llm.", "pixel_decoder.")))

    base_eval = tmp_path / "base-eval.json"
    qa = {**{q: 0.5 for q in world.QTYPES}, "overall": 0.5}
    recon = {"psnr": 35.0, "ssim": 0.9, "scenes_read_back": 0.8}
    carried = {"original_encoder": {"train": qa, "heldout": qa}, "stage1": recon, "stage2": recon}
    base_eval.write_text(json.dumps({"understanding": {"original_encoder": carried["original_encoder"]},
                                     "reconstruction": {"stage1": carried["stage1"], "stage2": carried["stage2"]}}))
    result = evaluate.evaluate_run(run_dir, quick=True, carry_from=base_eval)
    assert result["understanding"]["original_encoder"] == carried["original_encoder"]
    assert result["reconstruction"]["stage2"] == carried["stage2"] and result["reconstruction"]["final"]["psnr"] > 0
    assert set(result["understanding"]["stage2_encoder"]) == {"train", "heldout"}
    assert result["carried_from"]["eval"] == str(base_eval) and "gen2_continued" in result["timings"]
    arm = {"training_steps": {"gen2": QUICK_STEPS}, "generation": result["generation"], "editing": result["editing"]}
    result["ablation"] = {"dual_condition": arm, "queries_only": arm}
    markdown = report.render(json.loads(json.dumps(result)))
    assert "## Generation continued after the recipe" in markdown and "carried from its evaluation" in markdown
    assert "the dual row is the recipe's model, not this one" in markdown
    assert f"| {shapes_checkpoint} | cpu | {QUICK_STEPS} | {QUICK_BATCH} | {QUICK_STEPS * QUICK_BATCH} |" in markdown


def test_two_cpu_workers_train_one_model_on_the_asked_prompt_mix(shapes_checkpoint, tmp_path):
    run_dir = tmp_path / "two"
    made = cg.continue_generation(cg.parse_args([
        "--checkpoint", str(shapes_checkpoint), "--run-dir", str(run_dir), "--device", "cpu", "--quick",
        "--workers", "2", "--placement-share", "0.5", "--knowledge-share", "0", "--categories", "position",
        "--logit-mean", "1.0", "--edit-kinds", "add,move"]))
    assert made["workers"] == 2 and made["logit_mean"] == 1.0 and made["steps"] == QUICK_STEPS
    assert made["mix"] == {"placement": 0.5, "knowledge": 0.0, "categories": ["position"]}
    assert made["edit_kinds"] == ["add", "move"]
    assert load_checkpoint(run_dir / "final.pt").meta["continued_generation"] == [made]
    table = "\n".join(report.continuations([made], carried=False))
    assert "| cpu x 2 |" in table and "| 0.5 (add+move) | placement 0.5, position | 1 |" in table


def test_a_model_continued_twice_keeps_both_records(shapes_checkpoint, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for source, run_dir in ((shapes_checkpoint, first), (first / "final.pt", second)):
        cg.continue_generation(cg.parse_args(["--checkpoint", str(source), "--run-dir", str(run_dir), "--quick"]))
    records = load_checkpoint(second / "final.pt").meta["continued_generation"]
    assert [r["from"] for r in records] == [str(shapes_checkpoint), str(first / "final.pt")]
