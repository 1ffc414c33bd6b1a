"""Simulated markets with rough volatility: the ground truth of the realized-measure and Hurst tests.

Three layers, each usable on its own:

1. Exact Gaussian building blocks: fractional Gaussian noise and fractional Brownian motion by circulant
   embedding (:func:`fgn`, :func:`fbm`).
2. Rough log-volatility, the RFSV model of Gatheral, Jaisson & Rosenbaum (2018): a fractional
   Ornstein-Uhlenbeck log-volatility on any grid (:func:`rfsv_log_vol`), and a daily panel with its true
   integrated variance (:func:`simulate_daily_rfsv`).
3. A 24/7 tick market driven by that volatility, with Poisson trade arrivals, i.i.d. microstructure noise and
   price discreteness, whose integrated variance is known exactly (:func:`simulate_ticks`), and a streaming
   version of the same process for benchmarks (:func:`iter_tick_chunks`).

Units of the simulated paths
----------------------------
Time in the RFSV parameters is measured in **days** (one observation period): ``nu`` is the volatility of
log-volatility per day^H, ``alpha`` the mean-reversion speed per day. This is the convention of GJR (2018),
who fit ``m(2, Δ) ≈ ν² Δ^{2H}`` with Δ in days. Volatilities are annualised: ``σ_t = exp(log σ_t)`` is the
annualised spot volatility, and the variance of a log return over ``Δ`` days is ``∫ σ_t² dt / periods_per_year``
(365 for the 24/7 tick market). Integrated variances are in log-return units (not annualised).

Defaults
--------
GJR (2018, §4) simulate the RFSV model with ``H = 0.14``, ``ν = 0.3`` and ``α = 5·10⁻⁴`` per day, which
reproduces the S&P 500 statistics; these are the defaults of :func:`simulate_daily_rfsv`. The tick market
defaults to ``H = 0.1`` (the rough end reported for Bitcoin, Dhansoia 2025, Table 1) and an annualised
volatility level of 70 %, typical of BTC/USD.

References
----------
Davies, R. B. & Harte, D. S. (1987). Tests for Hurst effect. *Biometrika* 74(1), 95-101.
Wood, A. T. A. & Chan, G. (1994). Simulation of stationary Gaussian processes in [0, 1]^d.
*J. Comput. Graph. Statist.* 3(4), 409-432.
Craigmile, P. F. (2003). Simulating a class of stationary Gaussian processes using the Davies-Harte
algorithm, with application to long memory processes. *J. Time Series Anal.* 24(5), 505-511.
Gatheral, J., Jaisson, T. & Rosenbaum, M. (2018). Volatility is rough. *Quantitative Finance* 18(6), 933-949.
Devroye, L. (1986). *Non-Uniform Random Variate Generation*. Springer, ch. V.2 (uniform order statistics).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.fft import next_fast_len
from scipy.signal import lfilter

from volrep.errors import ConfigError

SECONDS_PER_DAY = 86_400
DAYS_PER_YEAR_24_7 = 365
_NS_PER_SECOND = 1_000_000_000
_NS_PER_DAY = SECONDS_PER_DAY * _NS_PER_SECOND


# --------------------------------------------------------------------------------------------------------------
# Fractional Gaussian noise and fractional Brownian motion
# --------------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------------
# Rough log-volatility (RFSV)
# --------------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------------
# Tick market
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TickMarket:
    """Parameters of the simulated 24/7 tick market (validated on construction).

    Attributes
    ----------
    hurst, nu, alpha
        RFSV log-volatility parameters (:func:`rfsv_log_vol`; time in days).
    mean_vol_annual
        ``exp(m)``, the geometric-mean annualised spot volatility and its starting level.
    trades_per_day
        Expected number of trades per day: one number, or one number per simulated day (e.g. thin early
        years, so that zero-trade shares at 1-minute sampling are non-trivial).
    intraday_profile
        Relative trade intensity over equal parts of the day (e.g. 24 hourly weights), rescaled to mean 1;
        ``None`` is flat. Its length must divide 86 400.
    noise_sd
        Standard deviation of the i.i.d. Gaussian microstructure noise added to the efficient log price.
    tick_size
        Price grid of the observed prices.
    start
        First day (midnight UTC).
    start_price
        Efficient price at ``start``.
    fine_dt_seconds
        Step of the volatility grid, on which ``σ`` is piecewise constant and the efficient price is recorded;
        must divide 86 400.
    """

    hurst: float = 0.1
    nu: float = 0.3
    alpha: float = 5e-4
    mean_vol_annual: float = 0.7
    trades_per_day: float | tuple[float, ...] = 50_000.0
    intraday_profile: tuple[float, ...] | None = None
    noise_sd: float = 2e-4
    tick_size: float = 0.01
    start: str = "2021-01-01"
    start_price: float = 30_000.0
    fine_dt_seconds: int = 1

    def __post_init__(self) -> None:
        _check_hurst(self.hurst)
        _check_count("fine_dt_seconds", self.fine_dt_seconds)
        if SECONDS_PER_DAY % self.fine_dt_seconds:
            raise ConfigError(f"fine_dt_seconds must divide 86400, got {self.fine_dt_seconds}")
        checks = {
            "nu >= 0": self.nu >= 0,
            "alpha >= 0": self.alpha >= 0,
            "mean_vol_annual > 0": self.mean_vol_annual > 0,
            "noise_sd >= 0": self.noise_sd >= 0,
            "tick_size > 0": self.tick_size > 0,
            "start_price > 0": self.start_price > 0,
        }
        broken = [rule for rule, ok in checks.items() if not ok]
        if broken:
            raise ConfigError(f"invalid tick-market parameters: need {', '.join(broken)}")
        tpd = np.asarray(self.trades_per_day, dtype=float)
        if tpd.ndim > 1 or not np.all(np.isfinite(tpd) & (tpd >= 0)):
            raise ConfigError("trades_per_day must be a finite non-negative number or a 1-D sequence of them")
        object.__setattr__(self, "trades_per_day", float(tpd) if tpd.ndim == 0 else tuple(tpd.tolist()))
        if self.intraday_profile is not None:
            prof = np.asarray(self.intraday_profile, dtype=float)
            valid = prof.ndim == 1 and prof.size > 0 and SECONDS_PER_DAY % prof.size == 0
            if not (valid and np.all(np.isfinite(prof) & (prof >= 0)) and prof.sum() > 0):
                raise ConfigError(
                    "intraday_profile must be a non-empty 1-D sequence of non-negative weights (not all zero) "
                    "whose length divides 86400"
                )
            object.__setattr__(self, "intraday_profile", tuple((prof / prof.mean()).tolist()))
        start = pd.Timestamp(self.start)
        start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
        if start != start.normalize():
            raise ConfigError(f"start must be a midnight (UTC), got {self.start!r}")
        object.__setattr__(self, "start", start.strftime("%Y-%m-%d"))

    @property
    def start_ns(self) -> int:
        """``start`` (midnight UTC) as nanoseconds since the Unix epoch."""
        return int(pd.Timestamp(self.start, tz="UTC").as_unit("ns").value)

    @property
    def dt_ns(self) -> int:
        """Fine step in nanoseconds."""
        return self.fine_dt_seconds * _NS_PER_SECOND

    def expected_counts(self, days: int) -> np.ndarray:
        """Expected trades per intraday slot, shape ``(days, len(intraday_profile))``."""
        if np.ndim(self.trades_per_day) and len(self.trades_per_day) != days:
            raise ConfigError(f"trades_per_day has {len(self.trades_per_day)} values for {days} days")
        tpd = np.broadcast_to(np.asarray(self.trades_per_day, dtype=float), (days,))
        prof = np.ones(1) if self.intraday_profile is None else np.asarray(self.intraday_profile)
        return tpd[:, None] * (prof / prof.size)[None, :]

    def log_vol(self, days: int, rng: np.random.Generator) -> np.ndarray:
        """RFSV ``log σ`` (annualised) on each fine step of ``days`` days, one value per step."""
        n = days * SECONDS_PER_DAY // self.fine_dt_seconds
        dt_days = self.fine_dt_seconds / SECONDS_PER_DAY
        return rfsv_log_vol(n, dt_days, self.hurst, self.nu, self.alpha, math.log(self.mean_vol_annual), rng)[:-1]

    def step_variance(self, log_vol: np.ndarray) -> np.ndarray:
        """Integrated variance ``σ_k² Δ / 365`` of each fine step (log-return units)."""
        return np.exp(2.0 * log_vol) * (self.fine_dt_seconds / (SECONDS_PER_DAY * DAYS_PER_YEAR_24_7))


class _VarianceClock:
    """Cumulative integrated variance ``V(t) = ∫_0^t σ_s² ds / 365`` for ``σ`` piecewise constant on a grid."""

    def __init__(self, step_var: np.ndarray, dt_ns: int) -> None:
        self.dt_ns = dt_ns
        # One extra step of zero variance after the end makes V(n·dt) a plain lookup.
        self.rate = np.append(step_var / dt_ns, 0.0)
        self.before = np.concatenate(([0.0], np.cumsum(step_var)))

    def __call__(self, t_ns: np.ndarray) -> np.ndarray:
        """``V`` at times ``t_ns`` (ns since the grid start, ``0 ≤ t ≤ n·dt``)."""
        j = t_ns // self.dt_ns
        within = t_ns - j * self.dt_ns
        cum_var = self.rate[j]
        cum_var *= within
        cum_var += self.before[j]
        return cum_var


@dataclass
class _PriceState:
    """Efficient log price and cumulative variance at the last time the price was drawn."""

    log_price: float
    cum_var: float = 0.0


def _arrival_times(
    counts: np.ndarray, tails: np.ndarray, days: range, rng: np.random.Generator
) -> np.ndarray:
    """Sorted trade times (ns after ``start``) of the given days, from per-slot counts.

    Parameters
    ----------
    counts, tails
        Arrays of shape ``(total days, slots per day)``: trade counts, and the extra spacing ``E_{c+1}`` of each
        slot (see :func:`_day_arrival_offsets`), drawn up front so that the draws do not depend on chunking.
    days
        The days to generate; each is generated on its own, so no floating-point sum spans two days.
    """
    slot_ns = _NS_PER_DAY // counts.shape[1]
    return np.concatenate(
        [_day_arrival_offsets(counts[d], tails[d], slot_ns, rng) + d * _NS_PER_DAY for d in days]
    )


def _day_arrival_offsets(
    counts: np.ndarray, tails: np.ndarray, slot_ns: int, rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival times (ns after the first slot starts) of ``counts[s]`` uniform arrivals in slot ``s``.

    Uniform order statistics from exponential spacings (Devroye 1986, §V.2): with ``E_1, …, E_{c+1}`` i.i.d.
    Exp(1) and ``S_i`` their partial sums, ``S_i / S_{c+1}`` (i ≤ c) are ``c`` sorted U(0, 1); ``tails`` holds
    the ``E_{c+1}`` of every slot.
    """
    padded = np.zeros(int(counts.sum()) + 1)
    partial = padded[1:]
    np.cumsum(rng.standard_exponential(partial.size), out=partial)
    bounds = np.cumsum(counts)
    before = padded[bounds - counts]
    scale = slot_ns / (padded[bounds] - before + tails)
    base = np.arange(counts.size, dtype=np.int64) * slot_ns
    within = (partial - np.repeat(before, counts)) * np.repeat(scale, counts)
    offsets = np.minimum(within, slot_ns - 1).astype(np.int64)  # guard against rounding up to the next slot
    offsets += np.repeat(base, counts)
    return offsets


def _efficient_log_price(
    t_ns: np.ndarray, clock: _VarianceClock, state: _PriceState, rng: np.random.Generator
) -> np.ndarray:
    """Exact efficient log price ``p*(t) = p*(0) + ∫_0^t σ_s dW_s / √365`` at sorted times ``t_ns``.

    Given ``σ``, ``p*`` is a Gaussian process with independent increments of variance ``V(t_i) − V(t_{i−1})``
    (``V`` from :class:`_VarianceClock`), so sequential draws are exact at any times, inside fine steps
    included (this is the Brownian-bridge interpolation done exactly). ``state`` is updated in place.

    The standard normals here and in :func:`_observed_prices` are drawn in single precision (resolution
    2⁻²⁴, tails sampled exactly by NumPy's ziggurat), which makes the hot loop of :func:`iter_tick_chunks` a
    third faster; all arithmetic is in double precision.
    """
    cum_var = clock(t_ns)
    # path[0] is the state; the running sum starts from it, so splitting the times into chunks changes nothing.
    path = np.empty(t_ns.size + 1)
    path[0] = state.log_price
    inc = path[1:]
    np.subtract(cum_var, np.concatenate(([state.cum_var], cum_var[:-1])), out=inc)
    np.maximum(inc, 0.0, out=inc)  # V is non-decreasing; only rounding can make an increment negative
    np.sqrt(inc, out=inc)
    inc *= rng.standard_normal(inc.size, dtype=np.float32)
    np.cumsum(path, out=path)
    if t_ns.size:
        state.log_price, state.cum_var = float(path[-1]), float(cum_var[-1])
    return path[1:]


def _observed_prices(efficient: np.ndarray, market: TickMarket, rng: np.random.Generator) -> np.ndarray:
    """``exp(p* + ε)`` rounded to ``tick_size``, with i.i.d. ``ε ~ N(0, noise_sd²)``."""
    price = rng.standard_normal(efficient.size, dtype=np.float32) * market.noise_sd + efficient
    np.exp(price, out=price)
    price /= market.tick_size
    np.rint(price, out=price)
    price *= market.tick_size
    return price


@dataclass(frozen=True)
class _Streams:
    """Independent random streams, so that changing one ingredient (e.g. the noise) leaves the others intact."""

    vol: np.random.Generator
    arrivals: np.random.Generator
    price: np.random.Generator
    noise: np.random.Generator
    sizes: np.random.Generator

    @classmethod
    def from_seed(cls, seed: int) -> _Streams:
        return cls(*(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)))


@dataclass(frozen=True)
class SimulatedMarket:
    """A simulated tick market and its ground truth (returned by :func:`simulate_ticks`).

    Attributes
    ----------
    ticks
        Trades in the canonical TICKS schema of the data readers: ``timestamp`` (datetime64[ns, UTC],
        non-decreasing), ``price`` (float64, on the tick grid), ``amount`` (float64, lognormal sizes).
    fine
        One row per fine step, indexed by the step start (``timestamp``, UTC): ``log_vol`` (log of the
        annualised spot volatility, constant on the step) and ``variance`` (integrated variance of the step,
        ``σ² Δ / 365``).
    grid_log_price
        Efficient log price at ``start + k · fine_dt``, ``k = 0, …, len(fine)``.
    efficient_at_trades
        Efficient log price at each trade (row-aligned with ``ticks``), before noise and rounding.
    parameters
        Every input of the simulation.
    """

    ticks: pd.DataFrame
    fine: pd.DataFrame
    grid_log_price: np.ndarray
    efficient_at_trades: np.ndarray
    parameters: dict[str, Any]

    def efficient_log_price(self, times: ArrayLike) -> np.ndarray:
        """Efficient log price ``p*`` at fine-grid times.

        Parameters
        ----------
        times
            Anything :class:`pandas.DatetimeIndex` accepts; tz-naive times are read as UTC. Each must be
            ``start + k · fine_dt`` with ``0 ≤ k ≤ len(fine)``.

        Returns
        -------
        numpy.ndarray
            ``p*`` at those times. Squared differences between consecutive calendar points have expectation
            :meth:`integrated_variance` of the interval between them (given the volatility path).

        Raises
        ------
        ConfigError
            If a time is off the fine grid or outside the simulated span.
        """
        index = pd.DatetimeIndex(times)
        index = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
        dt_ns = self.parameters["fine_dt_seconds"] * _NS_PER_SECOND
        offset = index.as_unit("ns").asi8 - self.fine.index[0].value
        step, rest = np.divmod(offset, dt_ns)
        if np.any(rest) or np.any(step < 0) or np.any(step >= self.grid_log_price.size):
            raise ConfigError("efficient_log_price needs times on the fine grid within the simulated span")
        return self.grid_log_price[step]

    def integrated_variance(self, freq: str) -> pd.Series:
        """True integrated variance per calendar interval.

        Parameters
        ----------
        freq
            A fixed pandas frequency that is a multiple of the fine step, e.g. ``"5min"``, ``"10min"``, ``"1D"``.

        Returns
        -------
        pandas.Series
            ``Σ σ_k² Δ / 365`` over the fine steps in each interval ``[a, a + freq)``, labelled by ``a``
            (UTC), intervals anchored at the first simulated midnight. It equals the variance of the efficient
            log return between the interval's end points, given the volatility path.
        """
        try:
            width = pd.Timedelta(freq)
        except ValueError as err:
            raise ConfigError(f"freq must be a fixed duration such as '10min' or '1D', got {freq!r}") from err
        if width.value <= 0 or width.value % (self.parameters["fine_dt_seconds"] * _NS_PER_SECOND):
            raise ConfigError(f"freq must be a positive multiple of the fine step, got {freq!r}")
        return self.fine["variance"].resample(width, closed="left", label="left").sum().rename("iv")


def simulate_ticks(
    days: int,
    *,
    seed: int = 0,
    size_median: float = 0.01,
    size_log_sd: float = 1.5,
    **market: Any,
) -> SimulatedMarket:
    """Simulate a 24/7 market with rough volatility, Poisson trades, microstructure noise and tick rounding.

    Parameters
    ----------
    days
        Number of whole days (from ``start``, midnight UTC).
    seed
        Seed; the volatility, arrival, price, noise and size draws use independent child streams, so that
        e.g. a different ``noise_sd`` keeps the same efficient price and integrated variance.
    size_median, size_log_sd
        Trade sizes are lognormal with this median and log-standard deviation.
    **market
        Fields of :class:`TickMarket` (defaults there): ``hurst=0.1``, ``nu=0.3``, ``alpha=5e-4``,
        ``mean_vol_annual=0.7``, ``trades_per_day=50_000``, ``intraday_profile=None``, ``noise_sd=2e-4``,
        ``tick_size=0.01``, ``start="2021-01-01"``, ``start_price=30_000``, ``fine_dt_seconds=1``.

    Returns
    -------
    SimulatedMarket
        The ticks, the fine grid of spot variance, the efficient price and the parameters.

    Notes
    -----
    1. ``log σ`` follows the RFSV model (:func:`rfsv_log_vol`) on the fine grid; ``σ`` is constant within a
       fine step.
    2. Trades form a Poisson process whose intensity is constant within each day's ``intraday_profile`` slot:
       the count of a slot is Poisson, the arrival times given the count are sorted uniforms.
    3. The efficient log price ``p*`` is drawn exactly, jointly at the fine grid points and the trade times
       (:func:`_efficient_log_price`). The integrated variance of a fine step is therefore exactly the
       variance of the efficient return between its end points, and a trade inside a step sees the exact
       (bridge-interpolated) efficient price at its own time.
    4. Observed price ``exp(p*(t) + ε)`` rounded to ``tick_size``, with i.i.d. ``ε ~ N(0, noise_sd²)``.

    Memory is about 100 bytes per fine step plus 60 per trade (30 days at 1-second steps: about 0.4 GB).
    """
    _check_count("days", days)
    if not (size_median > 0 and size_log_sd >= 0):
        raise ConfigError("need size_median > 0 and size_log_sd >= 0")
    spec = TickMarket(**market)
    streams = _Streams.from_seed(seed)
    log_vol = spec.log_vol(days, streams.vol)
    step_var = spec.step_variance(log_vol)
    counts = streams.arrivals.poisson(spec.expected_counts(days))
    tails = streams.arrivals.standard_exponential(counts.shape)
    trade_ns = _arrival_times(counts, tails, range(days), streams.arrivals)

    # Merge the grid points k·dt (k = 0..n) and the trades in time order; a grid point precedes a trade at the
    # same instant.
    n = step_var.size
    dt_ns = spec.dt_ns
    grid_pos = np.arange(n + 1) + np.searchsorted(trade_ns, np.arange(n + 1) * dt_ns, side="left")
    trade_pos = np.arange(trade_ns.size) + trade_ns // dt_ns + 1
    times = np.empty(n + 1 + trade_ns.size, dtype=np.int64)
    times[grid_pos] = np.arange(n + 1) * dt_ns
    times[trade_pos] = trade_ns
    clock = _VarianceClock(step_var, dt_ns)
    efficient = _efficient_log_price(times, clock, _PriceState(math.log(spec.start_price)), streams.price)
    at_trades = efficient[trade_pos]

    start_ns = spec.start_ns
    ticks = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(trade_ns + start_ns, unit="ns", utc=True),
            "price": _observed_prices(at_trades, spec, streams.noise),
            "amount": streams.sizes.lognormal(math.log(size_median), size_log_sd, trade_ns.size),
        }
    )
    fine_index = pd.to_datetime(np.arange(n, dtype=np.int64) * dt_ns + start_ns, unit="ns", utc=True)
    fine = pd.DataFrame(
        {"log_vol": log_vol, "variance": step_var},
        index=pd.DatetimeIndex(fine_index, name="timestamp"),
    )
    parameters = {
        **asdict(spec),
        "days": days,
        "seed": seed,
        "size_median": size_median,
        "size_log_sd": size_log_sd,
    }
    return SimulatedMarket(ticks, fine, efficient[grid_pos], at_trades, parameters)


def iter_tick_chunks(
    n_ticks_total: int,
    *,
    days_per_chunk: int = 10,
    seed: int = 0,
    fine_dt_seconds: int = 60,
    **market: Any,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Stream a large simulated tick market in chunks of whole days (for benchmarks).

    Parameters
    ----------
    n_ticks_total
        Exact total number of trades.
    days_per_chunk
        Whole days per chunk, so that a consumer of 10-minute or daily quantities never sees an interval split
        across chunks.
    seed
        Seed; the output does not depend on ``days_per_chunk``.
    fine_dt_seconds
        Step of the piecewise-constant rough volatility: 60 (a 1-minute grid) by default, which keeps the
        up-front volatility path small (1.44 M steps for 1 000 days).
    **market
        Other fields of :class:`TickMarket`; ``trades_per_day`` must be a single number.

    Yields
    ------
    tuple of numpy.ndarray
        ``(timestamps, prices)``: int64 nanoseconds since the Unix epoch (UTC), non-decreasing across chunks,
        and float64 prices on the tick grid.

    Notes
    -----
    The process of :func:`simulate_ticks` (same volatility, efficient price, noise and rounding; no trade
    sizes, no grid prices) over ``ceil(n_ticks_total / trades_per_day)`` days, conditioned on its total count:
    the slot counts are multinomial with probabilities proportional to the intensity, which is the law of a
    Poisson process given its total. Only the 1-minute volatility path is held for the whole span; everything
    else is generated per chunk.
    """
    _check_count("n_ticks_total", n_ticks_total)
    _check_count("days_per_chunk", days_per_chunk)
    spec = TickMarket(fine_dt_seconds=fine_dt_seconds, **market)
    if np.ndim(spec.trades_per_day) or not spec.trades_per_day > 0:
        raise ConfigError("iter_tick_chunks needs one positive number for trades_per_day")
    days = math.ceil(n_ticks_total / spec.trades_per_day)
    streams = _Streams.from_seed(seed)
    clock = _VarianceClock(spec.step_variance(spec.log_vol(days, streams.vol)), spec.dt_ns)
    lam = spec.expected_counts(days)
    counts = streams.arrivals.multinomial(n_ticks_total, lam.ravel() / lam.sum()).reshape(lam.shape)
    tails = streams.arrivals.standard_exponential(lam.shape)
    chunks = (range(first, min(first + days_per_chunk, days)) for first in range(0, days, days_per_chunk))
    return _tick_chunks(spec, chunks, counts, tails, clock, streams)


def _tick_chunks(
    spec: TickMarket,
    chunks: Iterator[range],
    counts: np.ndarray,
    tails: np.ndarray,
    clock: _VarianceClock,
    streams: _Streams,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The generator behind :func:`iter_tick_chunks` (split off so that bad arguments fail at the call)."""
    state = _PriceState(math.log(spec.start_price))
    for days in chunks:
        t_ns = _arrival_times(counts, tails, days, streams.arrivals)
        prices = _observed_prices(_efficient_log_price(t_ns, clock, state, streams.price), spec, streams.noise)
        t_ns += spec.start_ns
        yield t_ns, prices
