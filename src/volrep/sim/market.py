"""The simulated 24/7 tick market's parameters and the exact building blocks its simulators share.

:class:`TickMarket` holds and validates the parameters; the private helpers draw the pieces of one market, each
exactly: Poisson trade arrivals as uniform order statistics (:func:`_arrival_times`), the efficient log price at
any times given the piecewise-constant volatility (:class:`_VarianceClock`, :func:`_efficient_log_price`), and the
observed prices with microstructure noise and tick rounding (:func:`_observed_prices`), from independent random
streams (:class:`_Streams`). :mod:`volrep.sim.ticks` assembles them into whole markets and streams.

References
----------
Devroye, L. (1986). *Non-Uniform Random Variate Generation*. Springer, ch. V.2 (uniform order statistics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from volrep.errors import ConfigError
from volrep.sim.fractional import _check_count, _check_hurst
from volrep.sim.rfsv import rfsv_log_vol

SECONDS_PER_DAY = 86_400
DAYS_PER_YEAR_24_7 = 365
_NS_PER_SECOND = 1_000_000_000
_NS_PER_DAY = SECONDS_PER_DAY * _NS_PER_SECOND


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
