"""Exact Gaussian building blocks of the simulator: fractional Gaussian noise and fractional Brownian motion.

:func:`fgn` draws fractional Gaussian noise by circulant embedding, :func:`fbm` its cumulative sum; both are exact
(not approximate) for every Hurst exponent in (0, 1). The argument checks shared by the whole simulator
(:func:`_check_hurst`, :func:`_check_count`) live here because these functions are the first to need them.

References
----------
Davies, R. B. & Harte, D. S. (1987). Tests for Hurst effect. *Biometrika* 74(1), 95-101.
Wood, A. T. A. & Chan, G. (1994). Simulation of stationary Gaussian processes in [0, 1]^d.
*J. Comput. Graph. Statist.* 3(4), 409-432.
Craigmile, P. F. (2003). Simulating a class of stationary Gaussian processes using the Davies-Harte
algorithm, with application to long memory processes. *J. Time Series Anal.* 24(5), 505-511.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.fft import next_fast_len

from volrep.errors import ConfigError


def _check_hurst(hurst: float) -> None:
    if not 0.0 < hurst < 1.0:  # also rejects NaN
        raise ConfigError(f"hurst must lie in the open interval (0, 1), got {hurst!r}")


def _check_count(name: str, value: int, minimum: int = 1) -> None:
    if int(value) != value or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")


def fgn_autocovariance(lags: ArrayLike, hurst: float) -> np.ndarray:
    """Autocovariance of unit-variance fractional Gaussian noise.

    Parameters
    ----------
    lags
        Integer lags ``k``.
    hurst
        Hurst exponent ``H`` in (0, 1).

    Returns
    -------
    numpy.ndarray
        ``γ(k) = ½ (|k+1|^{2H} − 2|k|^{2H} + |k−1|^{2H})``.

    Notes
    -----
    Increments ``B^H_{k+1} − B^H_k`` of a standard fractional Brownian motion (Mandelbrot & Van Ness 1968)
    have exactly this autocovariance; ``γ(k) = 0`` for ``k ≠ 0`` when ``H = ½``.
    """
    _check_hurst(hurst)
    k = np.abs(np.asarray(lags, dtype=float))
    two_h = 2.0 * hurst
    return 0.5 * (np.abs(k + 1.0) ** two_h - 2.0 * k**two_h + np.abs(k - 1.0) ** two_h)


def _fgn_spectral_weights(n: int, hurst: float) -> np.ndarray:
    """Square roots of the circulant eigenvalues, scaled for the half-spectrum draw of :func:`fgn`.

    The covariance matrix of ``n`` fGn values is embedded in the circulant matrix of size ``M = 2m``,
    ``m = next_fast_len(n) ≥ n``, with first row ``γ(0), …, γ(m), γ(m−1), …, γ(1)``; its eigenvalues are the
    discrete Fourier transform of that row. For fGn they are non-negative for every ``H`` (Craigmile 2003;
    Wood & Chan 1994, §2), so negative values can only be rounding error and are set to zero.
    """
    m = next_fast_len(n)
    gamma = fgn_autocovariance(np.arange(m + 1), hurst)
    row = np.concatenate([gamma, gamma[-2:0:-1]])
    eig = np.clip(np.fft.rfft(row).real, 0.0, None)
    # A real output needs a Hermitian spectrum: the interior frequencies carry complex N(0, λ/M) weights
    # (real and imaginary parts of variance λ/(2M) each), the zero and Nyquist frequencies real N(0, λ/M).
    weights = np.sqrt(eig / (4.0 * m))
    weights[[0, -1]] = np.sqrt(eig[[0, -1]] / (2.0 * m))
    return weights


def fgn(
    n: int,
    hurst: float,
    rng: np.random.Generator,
    scale: float = 1.0,
    size: int | None = None,
) -> np.ndarray:
    """Exact fractional Gaussian noise by circulant embedding (Davies-Harte / Wood-Chan).

    Parameters
    ----------
    n
        Number of noise values per path.
    hurst
        Hurst exponent ``H`` in (0, 1).
    rng
        NumPy random generator (the only source of randomness).
    scale
        Standard deviation of each value. The increments of a fractional Brownian motion sampled every
        ``Δ`` have ``scale = Δ^H``.
    size
        Number of independent paths; ``None`` returns a single path.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)`` if ``size`` is None, else ``(size, n)``: zero-mean stationary Gaussian with
        autocovariance ``scale² · γ(k)`` (:func:`fgn_autocovariance`), exactly (not approximately).

    Raises
    ------
    ConfigError
        If ``hurst`` is outside (0, 1) or ``n``/``size`` is not a positive integer.

    Notes
    -----
    With circulant eigenvalues ``λ_k`` (see :func:`_fgn_spectral_weights`), a Hermitian random spectrum
    ``W_k`` with ``E|W_k|² = λ_k / M`` has the real inverse transform ``X_j = Σ_k W_k e^{2πijk/M}`` with
    ``Cov(X_j, X_l) = c_{j−l}``, the circulant's first row; its first ``n`` values are the fGn sample
    (Davies & Harte 1987; Wood & Chan 1994). Cost: one real FFT of length ``2·next_fast_len(n)`` per path.
    """
    _check_hurst(hurst)
    _check_count("n", n)
    if size is not None:
        _check_count("size", size)
    weights = _fgn_spectral_weights(n, hurst)
    batch = () if size is None else (size,)
    z = rng.standard_normal((*batch, 2, weights.size))
    spectrum = (z[..., 0, :] + 1j * z[..., 1, :]) * weights
    spectrum[..., [0, -1]] = spectrum[..., [0, -1]].real
    big_m = 2 * (weights.size - 1)
    return np.fft.irfft(spectrum, n=big_m, axis=-1)[..., :n] * (big_m * scale)


def fbm(
    n: int,
    hurst: float,
    rng: np.random.Generator,
    horizon: float = 1.0,
    size: int | None = None,
) -> np.ndarray:
    """Exact fractional Brownian motion on the regular grid ``0, horizon/n, …, horizon``.

    Parameters
    ----------
    n
        Number of steps; the path has ``n + 1`` points and starts at 0.
    hurst
        Hurst exponent ``H`` in (0, 1).
    rng
        NumPy random generator.
    horizon
        Length of the time interval.
    size
        Number of independent paths; ``None`` returns a single path.

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1,)`` or ``(size, n + 1)``, with ``Var B^H_t = t^{2H}``.

    Notes
    -----
    Cumulative sum of :func:`fgn` with ``scale = (horizon / n)^H``.
    """
    if not horizon > 0:
        raise ConfigError(f"horizon must be positive, got {horizon!r}")
    increments = fgn(n, hurst, rng, scale=(horizon / n) ** hurst, size=size)
    path = np.zeros((*increments.shape[:-1], n + 1))
    np.cumsum(increments, axis=-1, out=path[..., 1:])
    return path
