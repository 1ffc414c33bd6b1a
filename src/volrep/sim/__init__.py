"""Simulated markets with rough volatility: the ground truth of the realized-measure and Hurst tests.

Three layers, each usable on its own and each in its own module(s) (every public name is re-exported here, so
``from volrep import sim; sim.simulate_ticks(...)`` works):

1. :mod:`volrep.sim.fractional`: exact Gaussian building blocks: fractional Gaussian noise and fractional
   Brownian motion by circulant embedding (:func:`fgn`, :func:`fbm`).
2. :mod:`volrep.sim.rfsv`: rough log-volatility, the RFSV model of Gatheral, Jaisson & Rosenbaum (2018): a
   fractional Ornstein-Uhlenbeck log-volatility on any grid (:func:`rfsv_log_vol`), and a daily panel with its
   true integrated variance (:func:`simulate_daily_rfsv`).
3. A 24/7 tick market driven by that volatility, with Poisson trade arrivals, i.i.d. microstructure noise and
   price discreteness, whose integrated variance is known exactly: its parameters and exact building blocks in
   :mod:`volrep.sim.market` (:class:`TickMarket`), the whole market in :mod:`volrep.sim.ticks`
   (:func:`simulate_ticks`) and a streaming version of the same process for benchmarks
   (:func:`iter_tick_chunks`).

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
Gatheral, J., Jaisson, T. & Rosenbaum, M. (2018). Volatility is rough. *Quantitative Finance* 18(6), 933-949.
The references of the algorithms (circulant embedding, uniform order statistics) are in the modules that implement
them.
"""

from volrep.sim.fractional import fbm, fgn, fgn_autocovariance
from volrep.sim.market import DAYS_PER_YEAR_24_7, SECONDS_PER_DAY, TickMarket
from volrep.sim.rfsv import rfsv_log_vol, simulate_daily_rfsv
from volrep.sim.ticks import SimulatedMarket, iter_tick_chunks, simulate_ticks

__all__ = [
    "DAYS_PER_YEAR_24_7",
    "SECONDS_PER_DAY",
    "SimulatedMarket",
    "TickMarket",
    "fbm",
    "fgn",
    "fgn_autocovariance",
    "iter_tick_chunks",
    "rfsv_log_vol",
    "simulate_daily_rfsv",
    "simulate_ticks",
]
