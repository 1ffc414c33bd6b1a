"""Shared machinery of the Hurst estimators: the result type, input checks, the log-log OLS and the scale grids.

:class:`HurstEstimate` is what every estimator of :mod:`volrep.rough` returns; ``_Method`` is an estimator
configured for one series length (its scales and a batch function vectorised over series), run once by
``volrep.rough.bootstrap._estimate`` and many times by the bootstrap and the validation study.
:data:`EXPECTED_INPUT` says which input (levels or increments) each estimator is designed for;
:func:`dyadic_scales`, :func:`log_spaced_scales` and :func:`paper_settings` give the default and the paper's
scale grids.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from volrep.errors import ConfigError, DataError

Resample = Literal["series", "differences"]
Coefficients = Literal["all", "interior"]
Rng = np.random.Generator | int

#: Input each estimator is designed for: ``"increments"`` (a stationary series such as fGn) or ``"levels"``
#: (a series with stationary increments such as fBm or log-volatility itself). The wavelet estimator follows its
#: ``kind``: levels for ``"fbm"`` (the default, listed here), increments for ``"fgn"``.
EXPECTED_INPUT: dict[str, Literal["levels", "increments"]] = {
    "rs": "increments",
    "dfa": "increments",
    "variogram": "levels",
    "wavelet": "levels",
    "gjr": "levels",
}

_MIN_POINTS = 3  # fewest points of a log-log regression (the OLS standard error needs k − 2 > 0)


@dataclass(frozen=True, eq=False)
class HurstEstimate:
    """A Hurst-exponent estimate with its fit diagnostics.

    Attributes
    ----------
    method
        ``"rs"``, ``"dfa"``, ``"variogram"``, ``"wavelet"`` or ``"gjr"``.
    hurst
        The estimate of ``H`` (for ``"wavelet"``: the value implied by the ``kind`` relation chosen, see
        :func:`wavelet_slope`).
    r2
        R² of the log-log regression (for ``"gjr"``: the mean over the moments ``q``).
    scales
        Scales of the fit in samples: block sizes (R/S, DFA), lags (variogram, GJR) or ``2^j`` (wavelet).
    se
        Standard error of ``hurst``.
    se_method
        How ``se`` was obtained, in words (bootstrap scheme, replicates, block length; or OLS).
    details
        Method-specific numbers: the fitted ``slope`` and ``intercept``, the log-log points ``log_x`` and
        ``log_y``, and more (see each estimator).
    """

    method: str
    hurst: float
    r2: float
    scales: np.ndarray
    se: float
    se_method: str
    details: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------------------
# Shared machinery: input checks, vectorised OLS
# --------------------------------------------------------------------------------------------------------------


class _Fit(NamedTuple):
    """Results of one method on a batch of ``m`` series; every array has leading axis ``m``."""

    hurst: np.ndarray
    r2: np.ndarray
    se_ols: np.ndarray
    details: dict[str, np.ndarray]


class _Method(NamedTuple):
    """A method configured for one series length: what :func:`_estimate` and :func:`validation_table` run."""

    name: str
    scales: np.ndarray  # scales of the fit in samples
    log_x: np.ndarray  # abscissae of the log-log fit
    batch: Callable[[np.ndarray], _Fit]
    expects: Literal["levels", "increments"]
    extra: Mapping[str, Any] | None = None  # settings echoed into HurstEstimate.details


def _as_series(x: ArrayLike | pd.Series) -> tuple[np.ndarray, str]:
    """Float 1-D copy of ``x`` and its name; raise on non-finite or constant input."""
    source = str(x.name) if isinstance(x, pd.Series) and x.name is not None else "series"
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ConfigError(f"a Hurst estimator takes one 1-D series, got an array of shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise DataError(
            source,
            "finite values",
            row=int(bad[0]),
            detail=f"{bad.size} NaN/inf value(s); remove or fill them explicitly before estimating",
        )
    if arr.size and np.ptp(arr) == 0.0:
        raise DataError(source, "series not constant", detail="a constant series has no scaling to measure")
    return arr, source


def _check_scales(values: Iterable[int], n: int, name: str, lowest: int, highest: int) -> np.ndarray:
    """Sorted unique integer scales, each in ``[lowest, highest]``; at least :data:`_MIN_POINTS` of them."""
    arr = np.unique(np.asarray(list(values), dtype=float))
    if arr.size and (np.any(arr != np.round(arr)) or arr[0] < lowest or arr[-1] > highest):
        raise ConfigError(
            f"{name} must be integers in [{lowest}, {highest}] for a series of length {n}; got {arr.tolist()}"
        )
    if arr.size < _MIN_POINTS:
        raise ConfigError(
            f"need at least {_MIN_POINTS} distinct {name} for a log-log fit, got {arr.size} "
            f"(series of length {n}: too short for these settings?)"
        )
    return arr.astype(int)


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """OLS of each row of ``y`` (shape ``(..., k)``) on ``x`` (shape ``(k,)``).

    Returns slope, intercept, R² and the classical standard error of the slope, each of shape ``y.shape[:-1]``.
    """
    xc = x - x.mean()
    sxx = xc @ xc
    y_mean = y.mean(axis=-1)
    yc = y - y_mean[..., None]
    slope = yc @ xc / sxx
    resid = yc - slope[..., None] * xc
    ssr = np.sum(resid**2, axis=-1)
    sst = np.sum(yc**2, axis=-1)
    return slope, y_mean - slope * x.mean(), 1.0 - ssr / sst, np.sqrt(ssr / (x.size - 2) / sxx)


# --------------------------------------------------------------------------------------------------------------
# Scale grids and the paper's settings
# --------------------------------------------------------------------------------------------------------------


def dyadic_scales(n: int, lowest: int = 8, fraction: float = 0.25) -> np.ndarray:
    """Powers of two from ``lowest`` up to ``fraction · n``: the default block sizes of R/S and DFA."""
    top = int(fraction * n)
    if top < lowest:
        return np.empty(0, dtype=int)
    return 2 ** np.arange(int(math.log2(lowest)), int(math.log2(top)) + 1)


def log_spaced_scales(lowest: int, highest: int, num: int) -> np.ndarray:
    """``num`` log-spaced integers from ``lowest`` to ``highest``, truncated and deduplicated (the paper's grid)."""
    return np.unique(np.logspace(np.log10(lowest), np.log10(highest), num).astype(int))


def paper_settings(n: int) -> dict[str, dict[str, Any]]:
    """Keyword arguments that reproduce the estimators of the paper's code for a series of length ``n``.

    Parameters
    ----------
    n
        Length of the series.

    Returns
    -------
    dict
        ``{"rs": {...}, "dfa": {...}, "variogram": {...}, "wavelet": {...}}``, to be passed as
        ``rescaled_range(x, **settings["rs"])`` etc., or as the ``estimators`` of :func:`validation_table`.

    Notes
    -----
    From ``hurst_estimation_fixed.py`` of the paper's repository (github.com/ronitdhansoia/vltlty): R/S on 20
    and DFA on 25 log-spaced window sizes from 10 to ``n // 4``; the variogram on lags ``1 … min(100, n // 4)
    − 1``; ``db4`` wavelets with 7 levels. Two details differ and are negligible: the paper's R/S loop
    ``range(0, n − w, w)`` skips the last block when ``w`` divides ``n``, and its wavelet slope is the negative
    of :func:`wavelet_slope`'s ``details["slope"]`` (reported here as ``details["slope_paper_index"]``).
    """
    top = n // 4
    return {
        "rs": {"scales": log_spaced_scales(10, top, 20)},
        "dfa": {"scales": log_spaced_scales(10, top, 25), "order": 1},
        "variogram": {"lags": range(1, min(100, top)), "q": 2.0},
        "wavelet": {"wavelet": "db4", "levels": 7, "mode": "symmetric", "coefficients": "all", "kind": "fbm"},
    }
