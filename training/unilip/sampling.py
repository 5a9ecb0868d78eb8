"""Flow-matching samplers, classifier-free guidance and the training loss.

Convention (docs/model-package.md, Samplers): x_t = (1 - s) x0 + s eps, the model predicts v = eps - x0
at timestep s * 1000. Step coefficients are computed in float64 Python floats and then applied to
float32 tensors, the same order of operations the TypeScript engine follows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import torch
from torch.nn import functional as F

from .model.unilip import UniLIP

SamplerName = Literal["dpm-solver++2m", "flow-euler"]
SAMPLER_NAMES: tuple[SamplerName, ...] = ("dpm-solver++2m", "flow-euler")
MAX_STEPS = 1000
TIMESTEP_SCALE = 1000.0
DEFAULT_SHIFT = 3.0


class SamplerError(ValueError):
    """Invalid sampler settings (steps, shift, guidance, name, noise)."""


@dataclass(frozen=True)
class SamplerSettings:
    """How images are drawn by default: the manifest's `sampler` (docs/model-package.md), which the
    evaluation also uses. A run may tune them (`unilip.train.sampler_sweep`) and record them in its
    checkpoint meta under `sampler`. `edit_guidance`, when set, is the guidance of edits (which keep most of
    an image and may want less push than drawing from nothing); otherwise edits use `guidance`."""

    name: SamplerName = "dpm-solver++2m"
    steps: int = 20
    guidance: float = 4.5
    shift: float = DEFAULT_SHIFT
    edit_guidance: float | None = None

    def for_edits(self) -> SamplerSettings:
        """The settings an edit samples with."""
        return self if self.edit_guidance is None else replace(self, guidance=self.edit_guidance)

    def to_json(self) -> dict:
        plain = {"name": self.name, "steps": self.steps, "guidance": self.guidance, "shift": self.shift}
        return plain if self.edit_guidance is None else {**plain, "edit_guidance": self.edit_guidance}

    @classmethod
    def from_meta(cls, meta: dict) -> SamplerSettings:
        """The settings a checkpoint's meta records, or the defaults when it records none."""
        recorded = meta.get("sampler")
        return cls() if recorded is None else cls.from_json(recorded)

    @classmethod
    def from_json(cls, recorded: object) -> SamplerSettings:
        """The inverse of `to_json`, checked."""
        required = {"name", "steps", "guidance", "shift"}
        if not isinstance(recorded, dict) or not required <= set(recorded) <= required | {"edit_guidance"}:
            raise SamplerError(
                f"sampler must hold name, steps, guidance, shift (and edit_guidance), got {recorded!r}"
            )
        edit = recorded.get("edit_guidance")
        settings = cls(recorded["name"], int(recorded["steps"]), float(recorded["guidance"]), float(recorded["shift"]),
                       None if edit is None else float(edit))
        if settings.name not in SAMPLER_NAMES:
            raise SamplerError(f"unknown sampler {settings.name!r}, expected one of {SAMPLER_NAMES}")
        return settings


@dataclass(frozen=True)
class StepRecord:
    """Everything one sampler step saw and produced, for previews and golden fixtures."""

    index: int
    sigma: float
    sigma_next: float
    latents: torch.Tensor
    velocity: torch.Tensor
    denoised: torch.Tensor
    next_latents: torch.Tensor


@dataclass(frozen=True)
class DitCall:
    """One batched DiT evaluation under guidance: inputs (null half first) and raw output."""

    latents: torch.Tensor
    timestep: torch.Tensor
    velocity: torch.Tensor


VelocityFn = Callable[[torch.Tensor, float], torch.Tensor]
StepCallback = Callable[[StepRecord], None]


def flow_sigmas(steps: int, shift: float = DEFAULT_SHIFT) -> list[float]:
    """steps + 1 sigmas: s_i = 1 - i / steps shifted to shift s / (1 + (shift - 1) s), then a final 0."""
    if not 1 <= steps <= MAX_STEPS:
        raise SamplerError(f"steps must be in 1..{MAX_STEPS}, got {steps}")
    if not (math.isfinite(shift) and shift > 0):
        raise SamplerError(f"shift must be a positive number, got {shift}")
    base = [1 - i / steps for i in range(steps)]
    return [shift * s / (1 + (shift - 1) * s) for s in base] + [0.0]


def log_snr(sigma: float) -> float:
    """lambda(s) = log((1 - s) / s); -inf at s = 1 and +inf at s = 0, as IEEE arithmetic gives."""
    if sigma >= 1.0:
        return -math.inf
    if sigma <= 0.0:
        return math.inf
    return math.log((1 - sigma) / sigma)


def _check_noise(noise: torch.Tensor, sigmas: list[float]) -> None:
    if not noise.is_floating_point():
        raise SamplerError(f"noise must be a float tensor, got {noise.dtype}")
    if len(sigmas) < 2 or sigmas[-1] != 0.0:
        raise SamplerError("sigmas must hold at least one step and end with 0 (use flow_sigmas)")


def flow_euler(
    velocity_fn: VelocityFn, noise: torch.Tensor, sigmas: list[float], callback: StepCallback | None = None
) -> torch.Tensor:
    """x <- x + (s_{i+1} - s_i) v(x, s_i), starting from x = noise at sigma 1."""
    _check_noise(noise, sigmas)
    x = noise
    for index, (sigma, sigma_next) in enumerate(zip(sigmas, sigmas[1:])):
        velocity = velocity_fn(x, sigma)
        next_x = x + (sigma_next - sigma) * velocity
        if callback is not None:
            callback(StepRecord(index, sigma, sigma_next, x, velocity, x - sigma * velocity, next_x))
        x = next_x
    return x


def dpm_solver_pp_2m(
    velocity_fn: VelocityFn, noise: torch.Tensor, sigmas: list[float], callback: StepCallback | None = None
) -> torch.Tensor:
    """DPM-Solver++(2M) in data prediction x0 = x - s v; first and last steps first order."""
    _check_noise(noise, sigmas)
    steps = len(sigmas) - 1
    x = noise
    previous: tuple[float, torch.Tensor] | None = None  # (h_{i-1}, x0_{i-1})
    for index, (sigma, sigma_next) in enumerate(zip(sigmas, sigmas[1:])):
        velocity = velocity_fn(x, sigma)
        denoised = x - sigma * velocity
        h = log_snr(sigma_next) - log_snr(sigma)
        if sigma_next == 0.0:
            next_x = denoised
        else:
            if index == 0 or index == steps - 1 or previous is None:
                direction = denoised
            else:
                h_previous, denoised_previous = previous
                half_inverse_r = h / (2 * h_previous)  # 1 / (2r) with r = h_{i-1} / h_i
                direction = (1 + half_inverse_r) * denoised - half_inverse_r * denoised_previous
            next_x = (sigma_next / sigma) * x - ((1 - sigma_next) * math.expm1(-h)) * direction
        if callback is not None:
            callback(StepRecord(index, sigma, sigma_next, x, velocity, denoised, next_x))
        previous = (h, denoised)
        x = next_x
    return x


SAMPLERS: dict[SamplerName, Callable[[VelocityFn, torch.Tensor, list[float], StepCallback | None], torch.Tensor]] = {
    "dpm-solver++2m": dpm_solver_pp_2m,
    "flow-euler": flow_euler,
}


def guided_velocity(
    model: UniLIP,
    condition: torch.Tensor,
    condition_mask: torch.Tensor,
    guidance: float,
    on_call: Callable[[DitCall], None] | None = None,
    image_mask: torch.Tensor | None = None,
) -> VelocityFn:
    """CFG velocity v_null + g (v_cond - v_null), both halves in one DiT batch.

    `condition` (2B, L, Cc) holds the null prompts first, then the conditional ones.
    """
    if not math.isfinite(guidance):
        raise SamplerError(f"guidance must be a finite number, got {guidance}")
    if condition.shape[0] % 2 != 0:
        raise SamplerError(f"condition batch must hold a null and a conditional half, got {condition.shape[0]}")

    def velocity(x: torch.Tensor, sigma: float) -> torch.Tensor:
        latents = torch.cat((x, x), dim=0)  # (2B, C, h, w)
        timestep = torch.full((latents.shape[0],), sigma * TIMESTEP_SCALE, dtype=torch.float32, device=x.device)
        raw = model.dit(latents, timestep, condition, condition_mask, image_mask)
        if on_call is not None:
            on_call(DitCall(latents, timestep, raw))
        v_null, v_cond = raw.chunk(2, dim=0)  # each (B, C, h, w)
        return v_null + guidance * (v_cond - v_null)

    return velocity


def initial_noise(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """Seeded standard normal latents on the CPU (the injected x at sigma 1)."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator)


def sample(
    model: UniLIP,
    condition: torch.Tensor,
    condition_mask: torch.Tensor,
    noise: torch.Tensor,
    steps: int,
    guidance: float,
    sampler: SamplerName = "dpm-solver++2m",
    shift: float = DEFAULT_SHIFT,
    callback: StepCallback | None = None,
    on_call: Callable[[DitCall], None] | None = None,
    image_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Guided sampling from `noise` (B, C, h, w) to DiT-space latents x0 (B, C, h, w); `image_mask` (2B, L)
    marks an edit's source image in the condition (see `UniLIP.dit`)."""
    if sampler not in SAMPLERS:
        raise SamplerError(f"unknown sampler {sampler!r}, expected one of {SAMPLER_NAMES}")
    if condition.shape[0] != 2 * noise.shape[0]:
        raise SamplerError(f"condition batch {condition.shape[0]} must be twice the noise batch {noise.shape[0]}")
    velocity = guided_velocity(model, condition, condition_mask, guidance, on_call, image_mask)
    return SAMPLERS[sampler](velocity, noise, flow_sigmas(steps, shift), callback)


def flow_matching_loss(
    model: UniLIP,
    x0: torch.Tensor,
    condition: torch.Tensor,
    mask: torch.Tensor,
    generator: torch.Generator,
    logit_mean: float = 0.0,
    logit_std: float = 1.0,
    image_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """MSE between v(x_t, s) and eps - x0, with s = sigmoid(N(logit_mean, logit_std)) per sample."""
    batch = x0.shape[0]
    draw = generator.device
    sigma = torch.sigmoid(torch.randn(batch, generator=generator, device=draw) * logit_std + logit_mean)
    eps = torch.randn(x0.shape, generator=generator, device=draw).to(x0.device)
    sigma = sigma.to(x0.device)
    s = sigma.reshape(batch, 1, 1, 1)  # (B, 1, 1, 1)
    x_t = (1 - s) * x0 + s * eps
    velocity = model.dit(x_t, sigma * TIMESTEP_SCALE, condition, mask, image_mask)
    return F.mse_loss(velocity, eps - x0)
