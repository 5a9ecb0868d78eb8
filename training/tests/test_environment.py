"""The training stack must run torch on OpenBLAS: without it every stage is ~60x slower."""
import torch


def test_matmul_runs_on_openblas():
    a = torch.randn(64, 64)
    assert torch.allclose(a @ torch.eye(64), a)
    with open("/proc/self/maps") as f:
        maps = f.read()
    assert "openblas" in maps, "torch is not using OpenBLAS: apt-get install libopenblas0-pthread"
