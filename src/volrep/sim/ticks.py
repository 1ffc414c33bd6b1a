"""Whole simulated tick markets: :func:`simulate_ticks` with its ground truth, and :func:`iter_tick_chunks`.

:func:`simulate_ticks` returns a :class:`SimulatedMarket` (trades in the TICKS schema, the fine grid of spot
variance, the efficient price); :func:`iter_tick_chunks` streams the same process in chunks of whole days for
benchmarks. Both are built from the pieces of :mod:`volrep.sim.market`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from volrep.errors import ConfigError
from volrep.sim.fractional import _check_count
from volrep.sim.market import (
    _NS_PER_SECOND,
    TickMarket,
    _arrival_times,
    _efficient_log_price,
    _observed_prices,
    _PriceState,
    _Streams,
    _VarianceClock,
)


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
