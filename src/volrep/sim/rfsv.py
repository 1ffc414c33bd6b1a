"""Rough log-volatility, the RFSV model of Gatheral, Jaisson & Rosenbaum (2018).

:func:`rfsv_log_vol` is a fractional Ornstein-Uhlenbeck log-volatility on any grid; :func:`simulate_daily_rfsv`
a daily panel with its true integrated variance (the Hurst chapter's ground truth). Units and defaults are those
of the package (:mod:`volrep.sim`): time in days, annualised volatilities.

References
----------
Gatheral, J., Jaisson, T. & Rosenbaum, M. (2018). Volatility is rough. *Quantitative Finance* 18(6), 933-949.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from volrep.errors import ConfigError
from volrep.sim.fractional import _check_count, fgn


def rfsv_log_vol(
    n_steps: int,
    dt: float,
    hurst: float,
    nu: float,
    alpha: float,
    mean_log_vol: float,
    rng: np.random.Generator,
    size: int | None = None,
) -> np.ndarray:
    """RFSV log-volatility: a fractional Ornstein-Uhlenbeck process on a regular grid.

    Parameters
    ----------
    n_steps
        Number of steps; the path has ``n_steps + 1`` points.
    dt
        Step length in days.
    hurst
        Hurst exponent ``H`` of the driving fBm (GJR 2018 find ``H ≈ 0.14`` for the S&P 500).
    nu
        Volatility of log-volatility, per day^H (GJR 2018: ``ν ≈ 0.3``).
    alpha
        Mean-reversion speed per day. Take ``alpha ≪ 1 / (n_steps · dt)`` so that the path is fBm-like on
        the simulated horizon (GJR 2018 use ``5·10⁻⁴``).
    mean_log_vol
        Long-run mean ``m`` of the log-volatility, and its starting value.
    rng
        NumPy random generator.
    size
        Number of independent paths; ``None`` returns a single path.

    Returns
    -------
    numpy.ndarray
        ``log σ`` at the grid points, shape ``(n_steps + 1,)`` or ``(size, n_steps + 1)``; the first value is
        ``mean_log_vol``.

    Notes
    -----
    GJR (2018, eq. 2.1 and §3): ``log σ_t = m + X_t`` with ``dX_t = ν dW^H_t − α X_t dt``, ``X_0 = 0``.
    Exponential-Euler scheme ``X_{k+1} = e^{−α dt} X_k + ν (W^H_{t_{k+1}} − W^H_{t_k})`` with exact fBm
    increments (:func:`fgn`), run as a first-order recursive filter. With ``α = 0`` it is ``m + ν W^H`` exactly,
    so the variogram ``E[(X_{t+Δ} − X_t)²] = ν² Δ^{2H}`` for ``Δ ≪ 1/α``.
    """
    if not dt > 0 or nu < 0 or alpha < 0:
        raise ConfigError(f"need dt > 0, nu >= 0, alpha >= 0; got dt={dt!r}, nu={nu!r}, alpha={alpha!r}")
    shocks = fgn(n_steps, hurst, rng, scale=nu * dt**hurst, size=size)
    x = lfilter([1.0], [1.0, -math.exp(-alpha * dt)], shocks, axis=-1)
    path = np.full((*shocks.shape[:-1], n_steps + 1), float(mean_log_vol))
    path[..., 1:] += x
    return path


def simulate_daily_rfsv(
    n_days: int,
    hurst: float,
    *,
    nu: float = 0.3,
    alpha: float = 5e-4,
    mean_vol_annual: float = 0.15,
    seed: int = 0,
    periods_per_year: int = 252,
    steps_per_day: int = 288,
    start: str = "2000-01-03",
    freq: str = "B",
) -> pd.DataFrame:
    """Daily panel of the RFSV model with its true integrated variance (the Hurst chapter's ground truth).

    Parameters
    ----------
    n_days
        Number of days (rows).
    hurst
        Hurst exponent ``H`` of the log-volatility (GJR 2018, S&P 500: 0.14; Bitcoin: about 0.1).
    nu
        Volatility of log-volatility per day^H (GJR 2018: 0.3).
    alpha
        Mean reversion per day (GJR 2018: 5·10⁻⁴).
    mean_vol_annual
        ``exp(m)``: the geometric-mean annualised volatility (``E log σ_t = m`` at every t) and the starting
        level. About 0.15 for the S&P 500 (GJR's ``m = −5`` on daily vol is 0.107); use 0.6-0.8 for Bitcoin.
    seed
        Seed of the simulation.
    periods_per_year
        Days per year used to annualise: 252 for exchange-traded equities, 365 for Bitcoin.
    steps_per_day
        Intraday steps on which ``σ`` is piecewise constant and the returns are drawn (288 = 5 minutes of a
        24-hour day).
    start, freq
        First date and the ``pandas`` frequency of the date index (``"B"`` for equities, ``"D"`` for Bitcoin).

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (tz-naive), columns:

        ``log_vol``
            ``log σ`` (annualised) at the start of the day: the RFSV process sampled daily.
        ``iv``
            True integrated variance of the day, ``Σ_k σ_k² Δ / periods_per_year`` over its intraday steps.
        ``rv``
            Realized variance of the ``steps_per_day`` intraday returns (noise-free).
        ``ret``
            Daily log return (sum of the intraday returns).

    Notes
    -----
    Intraday returns are ``σ_k √(Δ / periods_per_year) Z_k`` with ``Δ = 1/steps_per_day`` and i.i.d. standard
    normal ``Z_k``, so ``E[ret² | σ] = iv`` and ``E[rv | σ] = iv``.
    """
    _check_count("n_days", n_days)
    _check_count("steps_per_day", steps_per_day)
    _check_count("periods_per_year", periods_per_year)
    if not mean_vol_annual > 0:
        raise ConfigError(f"mean_vol_annual must be positive, got {mean_vol_annual!r}")
    vol_seq, ret_seq = np.random.SeedSequence(seed).spawn(2)
    n = n_days * steps_per_day
    dt = 1.0 / steps_per_day
    log_vol = rfsv_log_vol(
        n, dt, hurst, nu, alpha, math.log(mean_vol_annual), np.random.default_rng(vol_seq)
    )[:-1].reshape(n_days, steps_per_day)
    step_var = np.exp(2.0 * log_vol) * (dt / periods_per_year)
    returns = np.sqrt(step_var) * np.random.default_rng(ret_seq).standard_normal(step_var.shape)
    index = pd.date_range(start, periods=n_days, freq=freq, name="date")
    return pd.DataFrame(
        {
            "log_vol": log_vol[:, 0],
            "iv": step_var.sum(axis=1),
            "rv": np.square(returns).sum(axis=1),
            "ret": returns.sum(axis=1),
        },
        index=index,
    )
