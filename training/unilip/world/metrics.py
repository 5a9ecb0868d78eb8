"""Image similarity on uint8 RGB: PSNR and SSIM, in plain numpy."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import ImageError

PIXEL_MAX = 255.0
# Identical images have infinite PSNR; a finite ceiling keeps means and JSON reports well defined.
MAX_PSNR_DB = 100.0
# The window and constants of Wang et al. (2004).
SSIM_WINDOW = 11
SSIM_SIGMA = 1.5
SSIM_K1, SSIM_K2 = 0.01, 0.03


def _check_pair(a: np.ndarray, b: np.ndarray) -> None:
    for name, image in (("a", a), ("b", b)):
        is_rgb = isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 3
        if not is_rgb or image.dtype != np.uint8:
            raise ImageError(f"{name} must be a uint8 (H, W, 3) array")
    if a.shape != b.shape:
        raise ImageError(f"images differ in shape: {a.shape} vs {b.shape}")


def psnr(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    """PSNR in dB over all pixels, or over those where `mask` (H, W) is True; at most MAX_PSNR_DB."""
    _check_pair(a, b)
    diff = a.astype(np.float64) - b.astype(np.float64)  # (H, W, 3)
    if mask is not None:
        if mask.shape != a.shape[:2] or mask.dtype != bool:
            raise ImageError(f"mask must be bool {a.shape[:2]}, got {mask.dtype} {mask.shape}")
        if not mask.any():
            raise ImageError("mask selects no pixels")
        diff = diff[mask]  # (N, 3)
    mse = float(np.mean(diff**2))
    if mse == 0:
        return MAX_PSNR_DB
    return min(MAX_PSNR_DB, 10 * np.log10(PIXEL_MAX**2 / mse))


def _gaussian_window() -> np.ndarray:
    offsets = np.arange(SSIM_WINDOW) - (SSIM_WINDOW - 1) / 2
    weights = np.exp(-(offsets**2) / (2 * SSIM_SIGMA**2))
    return weights / weights.sum()


def _filter(x: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Separable 'valid' gaussian filter of (H, W, C): (H-w+1, W-w+1, C)."""
    rows = sliding_window_view(x, len(window), axis=0) @ window  # (H-w+1, W, C)
    return sliding_window_view(rows, len(window), axis=1) @ window  # (H-w+1, W-w+1, C)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM over channels and every full gaussian window (no padding); 1.0 for identical images."""
    _check_pair(a, b)
    if min(a.shape[:2]) < SSIM_WINDOW:
        raise ImageError(f"SSIM needs images of at least {SSIM_WINDOW}x{SSIM_WINDOW}, got {a.shape[:2]}")
    window = _gaussian_window()
    x, y = a.astype(np.float64), b.astype(np.float64)
    mu_x, mu_y = _filter(x, window), _filter(y, window)
    var_x = _filter(x * x, window) - mu_x**2
    var_y = _filter(y * y, window) - mu_y**2
    cov = _filter(x * y, window) - mu_x * mu_y
    c1, c2 = (SSIM_K1 * PIXEL_MAX) ** 2, (SSIM_K2 * PIXEL_MAX) ** 2
    index = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    return float(index.mean())
