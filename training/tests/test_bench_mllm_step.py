import json

from unilip.train import bench_mllm_step as bench


def test_the_bench_times_both_layouts_and_packing_holds_more_real_tokens(shapes_checkpoint, capsys):
    bench.main(["--checkpoint", str(shapes_checkpoint), "--steps", "2"])
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(report) == {"padded_ms", "packed_ms", "speedup", "real_tokens_padded", "real_tokens_packed"}
    assert all(value > 0 for value in report.values())
    assert report["real_tokens_padded"] < report["real_tokens_packed"] <= 1
