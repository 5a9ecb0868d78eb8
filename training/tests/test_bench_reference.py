import json

import pytest
import torch
from PIL import Image

from unilip.bench_reference import main
from unilip.checkpoint import save_checkpoint
from unilip.config import tiny
from unilip.model import UniLIP
from unilip.tokenizer import build_tokenizer

REPORT_FIELDS = {"runtime", "ttft_ms", "decode_tokens_per_s", "decode_tokens", "generate_ms", "edit_ms", "peak_rss_bytes"}


@pytest.fixture(scope="module")
def workload(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    build_tokenizer(["Generate an image: a red circle", "Edit the image: make it blue"], root / "tok", max_vocab_size=512)
    torch.manual_seed(0)
    save_checkpoint(root / "ck.pt", UniLIP(tiny()).eval(), root / "tok", {"training_steps": 0})
    Image.new("RGB", (40, 24), (255, 0, 0)).save(root / "in.png")
    return root


def args(root, **overrides):
    base = {
        "--checkpoint": root / "ck.pt", "--image": root / "in.png", "--question": "What is this?",
        "--prompt": "a red circle", "--instruction": "make it blue", "--max-new-tokens": 4, "--steps": 2,
        "--runs": 1,
    }
    base.update(overrides)
    return [str(part) for pair in base.items() for part in pair]


def test_prints_one_json_report_with_every_metric(workload, capsys):
    assert main(args(workload)) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(report) == REPORT_FIELDS
    assert report["runtime"] == "pytorch"
    assert report["generate_ms"] > 0 and report["edit_ms"] > 0 and report["ttft_ms"] > 0
    assert 0 <= report["decode_tokens"] <= 4
    assert report["peak_rss_bytes"] > 10 * 2**20


def test_a_missing_checkpoint_is_reported_not_raised(workload, capsys):
    assert main(args(workload, **{"--checkpoint": workload / "nope.pt"})) == 1
    assert "cannot read checkpoint" in capsys.readouterr().err


def test_runs_out_of_range_is_a_usage_error(workload):
    with pytest.raises(SystemExit) as exit_info:
        main(args(workload, **{"--runs": 0}))
    assert exit_info.value.code == 2


def test_refuses_a_checkpoint_of_another_architecture_than_the_package(workload, capsys):
    same, other = workload / "same", workload / "other"
    for folder, config in ((same, tiny().to_dict()), (other, {**tiny().to_dict(), "n_query": 3})):
        folder.mkdir()
        (folder / "unilip.json").write_text(json.dumps({"config": config}))
    assert main(args(workload, **{"--package": same})) == 0
    assert main(args(workload, **{"--package": other})) == 1
    assert "differs from package" in capsys.readouterr().err
    assert main(args(workload, **{"--package": workload / "missing"})) == 1
    assert "cannot read the model config" in capsys.readouterr().err
