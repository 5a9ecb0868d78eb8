import json

import pytest
import torch

from unilip.config import tiny
from unilip.model import UniLIP
from unilip.train import bench_generation_step as bench

IMG = 7  # any id stands in for <IMG_CONTEXT> here


@pytest.mark.parametrize("with_image", [False, True])
def test_the_reference_and_the_recipe_give_the_same_condition_and_query_gradient(with_image):
    torch.manual_seed(0)
    model = UniLIP(tiny()).eval().requires_grad_(False)
    model.queries.requires_grad_(True)
    n = model.config.vision.tokens_per_image
    ids = torch.tensor([[0, 20, 21] + [IMG] * n + [22], [23, 24, 25] + [IMG] * n + [26]])
    mask = torch.tensor([[0] + [1] * (n + 3), [1] * (n + 4)])
    features = model.encode_images(torch.rand(2, 3, 32, 32)) if with_image else None
    positions = ids == IMG if with_image else None
    # Left padding is masked out of the condition downstream, so only valid positions carry a loss.
    valid = torch.cat((mask, torch.ones(2, model.config.n_query, dtype=torch.long)), dim=1)[..., None]
    outputs = []
    for fn in (bench.split_condition, bench.one_call_condition):
        condition = fn(model, ids, mask, features, positions)
        (grad,) = torch.autograd.grad((condition * valid).square().sum(), model.queries)
        outputs.append((condition, grad))
    (split, split_grad), (one, one_grad) = outputs
    assert torch.allclose(split[0, 1:], one[0, 1:], atol=1e-5) and torch.allclose(split[1], one[1], atol=1e-5)
    assert torch.allclose(split_grad, one_grad, atol=1e-4)


def test_the_bench_reports_both_ways_and_a_whole_step(shapes_checkpoint, capsys):
    bench.main(["--checkpoint", str(shapes_checkpoint), "--steps", "1"])
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(report) == {"condition_split_ms", "condition_one_call_ms", "speedup", "gen_step_ms"}
    assert all(value > 0 for value in report.values())
