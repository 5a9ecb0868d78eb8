import pytest

from unilip.train.bench_cli import bench_main


def _never(model, tokenizer, steps):
    raise AssertionError("a refused command line must not run the bench")


def test_a_bench_without_timed_steps_is_refused(capsys):
    with pytest.raises(SystemExit):
        bench_main("a bench", _never, ["--checkpoint", "none.pt", "--steps", "0"])
    assert "--steps must be at least 1" in capsys.readouterr().err
