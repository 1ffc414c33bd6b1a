"""Simulated series whose best forecast is known and is the benchmark, for the capability checks.

:func:`simulate_har_log_vol` (log volatility, a Gaussian HAR(1, 5, 22) with the coefficients of
:data:`LOG_VOL_HAR`), :func:`simulate_har_rv` (realized variance, a multiplicative HAR(1, 7, 30) with the
parameters of :data:`RV_HAR`) and :func:`simulate_garch_panel` (a panel of Gaussian GARCH(1, 1) percent returns)
each return their oracle forecast beside the series. Why each truth fits its network family is in
:mod:`volrep.capability` ("Families and their known truths"), which runs the checks on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from volrep.errors import ConfigError
from volrep.targets import HAR_WINDOWS

#: Log-volatility HAR(1, 5, 22) of :func:`simulate_har_log_vol`: intercept and daily / weekly / monthly slopes
#: (about Corsi's estimates for log RV), innovation sd, unconditional mean of log annualised volatility ≈ −1.6.
LOG_VOL_HAR = {"coefficients": (-0.08, 0.35, 0.35, 0.25), "sigma": 0.25}
#: Multiplicative RV HAR(1, 7, 30) of :func:`simulate_har_rv`: slopes sum to 0.9; log-normal shocks with log-sd 0.8.
#: Near the chapter 07 bitcoin series (Binance 15-minute RV, 2018–2022: maximum / median ≈ 130, sd of log RV 1.14,
#: first autocorrelation 0.49); the simulation gives ≈ 30, 1.0 and 0.48: values from 1e-4 to 1e-2. A log-sd of 1
#: matches the bitcoin maximum better but gives the levels an infinite variance, so that a few spikes of one seed
#: decide every RMSE; 0.8 keeps the check reproducible across seeds.
RV_HAR = {"slopes": (0.30, 0.40, 0.20), "mean": 1.5e-3, "log_sd": 0.8}


def _dates(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2000-01-01", periods=n, freq="D", name="date")


def _har_recursion(n: int, windows: tuple[int, ...], intercept: float, slopes: np.ndarray, start: float,
                   shock) -> tuple[np.ndarray, np.ndarray]:
    """Run ``x_{t+1} = shock(intercept + slopes · means_t, t)``; return the path and the conditional means."""
    burn = 5 * max(windows)
    total = n + burn
    x = np.full(total, start, dtype=float)
    mean = np.full(total, np.nan)
    w_max = max(windows)
    csum = np.zeros(total + 1)
    csum[1:w_max + 1] = np.cumsum(x[:w_max])
    for t in range(w_max - 1, total - 1):
        feats = np.array([(csum[t + 1] - csum[t + 1 - w]) / w for w in windows])
        mean[t + 1] = intercept + slopes @ feats
        x[t + 1] = shock(mean[t + 1], t + 1)
        csum[t + 2] = csum[t + 1] + x[t + 1]
    return x[burn:], mean[burn:]


def simulate_har_log_vol(n: int, seed: int = 0, *, coefficients: tuple[float, float, float, float] | None = None,
                         sigma: float | None = None, windows: tuple[int, ...] = HAR_WINDOWS["corsi"]) -> pd.DataFrame:
    """Log (annualised) volatility following a Gaussian HAR recursion: its best one-step forecast is HAR-linear.

    .. math:: x_{t+1} = c + \\beta_d x_t + \\beta_w \\bar x_{t-4:t} + \\beta_m \\bar x_{t-21:t} + \\sigma \\varepsilon_{t+1}

    Parameters
    ----------
    n
        Days returned (after a burn-in of five monthly windows).
    seed
        Seed of the Gaussian innovations.
    coefficients, sigma
        ``(c, β_d, β_w, β_m)`` and the innovation sd; default :data:`LOG_VOL_HAR`.
    windows
        HAR averaging windows (Corsi's 1/5/22).

    Returns
    -------
    pandas.DataFrame
        Daily index; ``x`` (the series) and ``oracle`` (``E_t x_{t+1}``, stored at the origin t; NaN on the last day).
    """
    c, *b = LOG_VOL_HAR["coefficients"] if coefficients is None else coefficients
    sd = LOG_VOL_HAR["sigma"] if sigma is None else sigma
    b = np.asarray(b, dtype=float)
    if b.sum() >= 1:
        raise ConfigError(f"HAR slopes must sum to less than 1 for a stationary series, got {b.sum():.3f}")
    eps = np.random.default_rng(seed).standard_normal(n + 5 * max(windows))
    x, mean = _har_recursion(n, windows, c, b, c / (1 - b.sum()), lambda m, t: m + sd * eps[t])
    return pd.DataFrame({"x": x, "oracle": np.r_[mean[1:], np.nan]}, index=_dates(n))


def simulate_har_rv(n: int, seed: int = 0, *, slopes: tuple[float, float, float] | None = None,
                    mean: float | None = None, log_sd: float | None = None,
                    windows: tuple[int, ...] = HAR_WINDOWS["huang"]) -> pd.DataFrame:
    """Realized variance (decimal daily units) from a multiplicative HAR: ``E_t RV_{t+1}`` is HAR-linear in levels.

    .. math:: RV_{t+1} = \\mu_t u_{t+1}, \\quad \\mu_t = c + \\beta_d RV_t + \\beta_w \\overline{RV}_{7} +
              \\beta_m \\overline{RV}_{30}, \\quad u = e^{s Z - s^2/2}, \\ Z \\sim N(0, 1)

    with ``c = mean · (1 − Σβ)`` so that the unconditional mean is ``mean``; ``E u = 1``, so ``μ_t`` is the best
    MSE forecast. Positive, heavy-tailed and clustered over two orders of magnitude, like bitcoin's daily RV
    (:data:`RV_HAR`).

    Returns
    -------
    pandas.DataFrame
        Daily index; ``rv`` and ``oracle`` (``μ_t``, the best MSE forecast of ``RV_{t+1}``, at origin t).
    """
    b = np.asarray(RV_HAR["slopes"] if slopes is None else slopes, dtype=float)
    level = RV_HAR["mean"] if mean is None else mean
    sd = RV_HAR["log_sd"] if log_sd is None else log_sd
    if b.sum() >= 1 or (b < 0).any() or level <= 0 or sd < 0:
        raise ConfigError("need non-negative slopes summing to less than 1, a positive mean and log_sd >= 0")
    u = np.exp(sd * np.random.default_rng(seed).standard_normal(n + 5 * max(windows)) - sd**2 / 2)
    rv, mu = _har_recursion(n, windows, level * (1 - b.sum()), b, level, lambda m, t: m * u[t])
    return pd.DataFrame({"rv": rv, "oracle": np.r_[mu[1:], np.nan]}, index=_dates(n))


def simulate_garch_panel(n_series: int, n_days: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Independent Gaussian GARCH(1, 1) percent returns with known σ (parameters drawn per series as in
    :func:`volrep.chapters.deepvol.simulate_stock_prices`: α ∈ [0.03, 0.10], β ∈ [0.88, 0.95], unconditional
    variance 1–4 percent²).

    Returns
    -------
    returns, sigma
        Dates × series: the returns and the true conditional σ of each return (known the day before).
    """
    rng = np.random.default_rng(seed)
    alpha = rng.uniform(0.03, 0.10, n_series)
    beta = rng.uniform(0.88, 0.95, n_series).clip(max=0.99 - alpha)
    level = rng.uniform(1.0, 4.0, n_series)
    omega = level * (1 - alpha - beta)
    shocks = rng.standard_normal((n_days, n_series))
    var = np.empty_like(shocks)
    eps = np.empty_like(shocks)
    var[0] = level
    eps[0] = np.sqrt(level) * shocks[0]
    for t in range(1, n_days):
        var[t] = omega + alpha * eps[t - 1] ** 2 + beta * var[t - 1]
        eps[t] = np.sqrt(var[t]) * shocks[t]
    index = pd.bdate_range("2000-01-03", periods=n_days, name="date")
    names = [f"G{i:03d}" for i in range(n_series)]
    return pd.DataFrame(eps, index=index, columns=names), pd.DataFrame(np.sqrt(var), index=index, columns=names)
