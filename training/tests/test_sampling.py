import math

import pytest
import torch

from unilip.config import tiny
from unilip.model import UniLIP
from unilip.sampling import (
    MAX_STEPS,
    SamplerError,
    SamplerSettings,
    dpm_solver_pp_2m,
    flow_euler,
    flow_matching_loss,
    flow_sigmas,
    guided_velocity,
    initial_noise,
    log_snr,
    sample,
)

SAMPLERS = [flow_euler, dpm_solver_pp_2m]


def tiny_model() -> UniLIP:
    torch.manual_seed(0)
    return UniLIP(tiny()).eval()


def point_mass_velocity(target: torch.Tensor):
    """Exact v = E[eps - x0 | x_s] when every sample is `target`: (x - target) / s."""
    return lambda x, sigma: (x - target) / sigma


def gaussian_velocity(scale: float):
    """Exact v for data x0 ~ N(0, scale^2): the ODE maps eps to scale * eps."""

    def velocity(x: torch.Tensor, sigma: float) -> torch.Tensor:
        variance = (1 - sigma) ** 2 * scale**2 + sigma**2
        return (sigma - (1 - sigma) * scale**2) / variance * x

    return velocity


def test_sigmas_follow_the_shift_formula():
    sigmas = flow_sigmas(4, shift=3.0)
    assert len(sigmas) == 5
    assert sigmas[0] == 1.0 and sigmas[-1] == 0.0
    assert sigmas[2] == pytest.approx(3 * 0.5 / (1 + 2 * 0.5))
    assert all(a > b for a, b in zip(sigmas, sigmas[1:]))
    assert flow_sigmas(4, shift=1.0)[:4] == pytest.approx([1.0, 0.75, 0.5, 0.25])


def test_log_snr_is_infinite_at_the_ends():
    assert log_snr(1.0) == -math.inf and log_snr(0.0) == math.inf
    assert log_snr(0.5) == 0.0


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize("steps", [1, 2, 5, 20])
def test_point_mass_data_is_recovered_exactly(sampler, steps):
    torch.manual_seed(0)
    target = torch.randn(2, 3, 4, 4)
    result = sampler(point_mass_velocity(target), torch.randn(2, 3, 4, 4), flow_sigmas(steps))
    assert torch.allclose(result, target, atol=1e-5)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_samplers_converge_on_gaussian_data(sampler):
    noise = initial_noise((4096,), seed=0)
    exact = 0.5 * noise
    errors = [(sampler(gaussian_velocity(0.5), noise, flow_sigmas(n)) - exact).abs().max() for n in (5, 20, 80)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.1 * errors[0]


def test_dpm_solver_is_more_accurate_than_euler_at_the_default_steps():
    noise = initial_noise((4096,), seed=0)
    exact = 0.5 * noise
    euler = (flow_euler(gaussian_velocity(0.5), noise, flow_sigmas(20)) - exact).abs().max()
    dpm = (dpm_solver_pp_2m(gaussian_velocity(0.5), noise, flow_sigmas(20)) - exact).abs().max()
    assert dpm < euler / 2


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_callback_records_every_step_in_order(sampler):
    records = []
    sigmas = flow_sigmas(6)
    target = torch.ones(1, 2)
    result = sampler(point_mass_velocity(target), torch.zeros(1, 2), sigmas, records.append)
    assert [r.index for r in records] == list(range(6))
    assert [r.sigma for r in records] == sigmas[:-1]
    for current, following in zip(records, records[1:]):
        assert torch.equal(current.next_latents, following.latents)
    assert torch.equal(records[-1].next_latents, result)
    assert all(torch.allclose(r.denoised, target, atol=1e-5) for r in records)


def test_initial_noise_is_reproducible_per_seed():
    assert torch.equal(initial_noise((2, 3), 7), initial_noise((2, 3), 7))
    assert not torch.equal(initial_noise((2, 3), 7), initial_noise((2, 3), 8))


@pytest.mark.parametrize(("steps", "shift"), [(0, 3.0), (MAX_STEPS + 1, 3.0), (10, 0.0), (10, math.nan)])
def test_bad_schedules_are_rejected(steps, shift):
    with pytest.raises(SamplerError):
        flow_sigmas(steps, shift)


def test_sigmas_must_end_at_zero():
    with pytest.raises(SamplerError, match="end with 0"):
        flow_euler(lambda x, s: x, torch.zeros(1), [1.0, 0.5])


def conditions(model: UniLIP, length: int = 3):
    torch.manual_seed(1)
    condition = torch.randn(2, length, model.config.dit.caption_channels)
    return condition, torch.ones(2, length, dtype=torch.long)


def test_guidance_mixes_null_first_and_conditional_second():
    model = tiny_model()
    condition, mask = conditions(model)
    x = torch.randn(1, 8, 2, 2)
    timestep = torch.full((1,), 400.0)
    v_null = model.dit(x, timestep, condition[:1], mask[:1])
    v_cond = model.dit(x, timestep, condition[1:], mask[1:])
    assert torch.allclose(guided_velocity(model, condition, mask, 0.0)(x, 0.4), v_null, atol=1e-5)
    assert torch.allclose(guided_velocity(model, condition, mask, 1.0)(x, 0.4), v_cond, atol=1e-5)
    assert torch.allclose(
        guided_velocity(model, condition, mask, 4.5)(x, 0.4), v_null + 4.5 * (v_cond - v_null), atol=1e-4
    )


def test_guided_sampling_runs_one_batched_dit_call_per_step():
    model = tiny_model()
    condition, mask = conditions(model)
    calls = []
    with torch.no_grad():
        latents = sample(model, condition, mask, initial_noise((1, 8, 2, 2), 0), 4, 4.5, on_call=calls.append)
    assert latents.shape == (1, 8, 2, 2) and torch.isfinite(latents).all()
    assert len(calls) == 4
    assert all(c.latents.shape[0] == 2 and torch.equal(c.latents[0], c.latents[1]) for c in calls)
    assert calls[0].timestep.tolist() == [1000.0, 1000.0]


def test_sampler_settings_are_validated():
    model = tiny_model()
    condition, mask = conditions(model)
    noise = torch.zeros(1, 8, 2, 2)
    with pytest.raises(SamplerError, match="unknown sampler"):
        sample(model, condition, mask, noise, 4, 4.5, sampler="ddim")
    with pytest.raises(SamplerError, match="guidance"):
        sample(model, condition, mask, noise, 4, math.inf)
    with pytest.raises(SamplerError, match="twice the noise batch"):
        sample(model, condition, mask, torch.zeros(2, 8, 2, 2), 4, 4.5)


def test_flow_matching_loss_is_finite_and_trains_the_dit():
    model = tiny_model()
    condition, mask = conditions(model)
    x0 = torch.randn(2, 8, 2, 2)
    loss = flow_matching_loss(model, x0, condition, mask, torch.Generator().manual_seed(0))
    assert loss.ndim == 0 and torch.isfinite(loss)
    loss.backward()
    assert model.denoiser.final_linear.weight.grad.abs().sum() > 0
    again = flow_matching_loss(model, x0, condition, mask, torch.Generator().manual_seed(0))
    assert torch.equal(loss.detach(), again.detach())


def test_flow_matching_loss_vanishes_for_the_exact_velocity(monkeypatch):
    """Against the analytic velocity of point-mass data, (x_t - x0) / s = eps - x0, the loss is 0."""
    model = tiny_model()
    condition, mask = conditions(model)
    x0 = torch.randn(2, 8, 2, 2)
    recorded = {}

    def exact_dit(latents, timestep, condition, condition_mask, image_mask):
        sigma = (timestep / 1000).reshape(-1, 1, 1, 1)
        recorded["sigma"] = sigma
        return (latents - x0) / sigma

    monkeypatch.setattr(model, "dit", exact_dit)
    loss = flow_matching_loss(model, x0, condition, mask, torch.Generator().manual_seed(3))
    assert loss < 1e-8
    assert ((recorded["sigma"] > 0) & (recorded["sigma"] < 1)).all()


def test_sampler_settings_come_from_the_meta_or_the_defaults():
    assert SamplerSettings.from_meta({}) == SamplerSettings()
    tuned = {"name": "flow-euler", "steps": 12, "guidance": 2.5, "shift": 1.0}
    assert SamplerSettings.from_meta({"sampler": tuned}).to_json() == tuned
    split = {**tuned, "edit_guidance": 1.5}
    assert SamplerSettings.from_meta({"sampler": split}).to_json() == split
    assert SamplerSettings.from_meta({"sampler": split}).for_edits().guidance == 1.5
    assert SamplerSettings.from_meta({"sampler": tuned}).for_edits().guidance == 2.5, "edits default to guidance"
    for bad in ({"guidance": 2.5}, {**tuned, "name": "ddim"}, {**tuned, "speed": 2}, "fast"):
        with pytest.raises(SamplerError):
            SamplerSettings.from_meta({"sampler": bad})
