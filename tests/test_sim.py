"""Tests of the rough-volatility market simulator: the ground truth of every realized-measure and Hurst test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import gamma

from volrep.errors import ConfigError
from volrep.sim import (
    SimulatedMarket,
    TickMarket,
    fbm,
    fgn,
    iter_tick_chunks,
    rfsv_log_vol,
    simulate_daily_rfsv,
    simulate_ticks,
)

P_MIN = 1e-3  # smallest accepted p-value of a distribution test


def theoretical_fgn_acov(k: np.ndarray, hurst: float) -> np.ndarray:
    k = np.abs(k.astype(float))
    return 0.5 * (np.abs(k + 1) ** (2 * hurst) - 2 * k ** (2 * hurst) + np.abs(k - 1) ** (2 * hurst))


def variogram_slope(paths: np.ndarray, lags: np.ndarray) -> float:
    """Slope of log E[(x_{t+l} − x_t)²] on log l."""
    second_moments = [np.mean((paths[..., lag:] - paths[..., :-lag]) ** 2) for lag in lags]
    return float(np.polyfit(np.log(lags), np.log(second_moments), 1)[0])


# ---------------------------------------------------------------------------------------------------- fGn / fBm


@pytest.mark.parametrize("hurst", [0.1, 0.5, 0.8])
def test_fgn_autocovariance_matches_theory(hurst: float) -> None:
    x = fgn(512, hurst, np.random.default_rng(11), size=2000)
    assert x.shape == (2000, 512)
    lags = np.arange(6)
    sample = np.array([np.mean(x[:, : x.shape[1] - k] * x[:, k:]) for k in lags])
    np.testing.assert_allclose(sample, theoretical_fgn_acov(lags, hurst), atol=0.02)


def test_fgn_scale_and_single_path_shape() -> None:
    x = fgn(4096, 0.3, np.random.default_rng(1), scale=2.0, size=50)
    assert x.var() == pytest.approx(4.0, rel=0.05)
    assert fgn(100, 0.3, np.random.default_rng(1)).shape == (100,)
    assert fgn(1, 0.3, np.random.default_rng(1)).shape == (1,)


@pytest.mark.parametrize("hurst", [0.1, 0.5, 0.8])
def test_fbm_increment_variance_scales_as_lag_to_2h(hurst: float) -> None:
    n = 2**12
    paths = fbm(n, hurst, np.random.default_rng(5), horizon=2.0, size=200)
    assert paths.shape == (200, n + 1)
    assert np.all(paths[:, 0] == 0.0)
    lags = 2 ** np.arange(7)
    assert variogram_slope(paths, lags) == pytest.approx(2 * hurst, abs=0.02)
    # level: Var(B_{t+Δ} − B_t) = Δ^{2H} with Δ = horizon / n
    assert np.var(np.diff(paths, axis=1)) == pytest.approx((2.0 / n) ** (2 * hurst), rel=0.03)


def test_fgn_with_half_is_iid_standard_normal() -> None:
    x = fgn(100_000, 0.5, np.random.default_rng(3))
    assert stats.kstest(x, "norm").pvalue > P_MIN
    for lag in range(1, 6):
        assert abs(np.corrcoef(x[:-lag], x[lag:])[0, 1]) < 4 / math.sqrt(x.size)


@pytest.mark.parametrize("hurst", [0.0, 1.0, -0.2, 1.5, float("nan")])
def test_hurst_outside_open_unit_interval_raises(hurst: float) -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ConfigError):
        fgn(10, hurst, rng)
    with pytest.raises(ConfigError):
        fbm(10, hurst, rng)
    with pytest.raises(ConfigError):
        rfsv_log_vol(10, 1.0, hurst, 0.3, 0.0, 0.0, rng)
    with pytest.raises(ConfigError):
        TickMarket(hurst=hurst)


def test_fgn_is_seeded() -> None:
    a = fgn(1000, 0.2, np.random.default_rng(7), size=3)
    b = fgn(1000, 0.2, np.random.default_rng(7), size=3)
    c = fgn(1000, 0.2, np.random.default_rng(8), size=3)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


# -------------------------------------------------------------------------------------------------------- RFSV


def test_rfsv_variogram_recovers_2h_on_short_lags() -> None:
    hurst, nu, dt = 0.1, 0.3, 1 / 288
    x = rfsv_log_vol(2**14, dt, hurst, nu, 5e-4, -1.0, np.random.default_rng(2), size=50)
    assert np.all(x[:, 0] == -1.0)
    lags = np.array([1, 2, 4, 8, 16])
    assert variogram_slope(x, lags) == pytest.approx(2 * hurst, abs=0.02)
    # GJR (2018): m(2, Δ) = ν² Δ^{2H} with Δ in days
    assert np.mean(np.diff(x, axis=1) ** 2) == pytest.approx(nu**2 * dt ** (2 * hurst), rel=0.05)


def test_rfsv_mean_reversion_reaches_stationary_fou_variance() -> None:
    hurst, nu, alpha = 0.3, 0.3, 2.0
    x = rfsv_log_vol(2**14, 1 / 288, hurst, nu, alpha, 0.0, np.random.default_rng(4), size=20)
    # stationary fOU: Var X = ν² α^{−2H} Γ(2H + 1) / 2 (Cheridito, Kawaguchi & Maejima 2003)
    stationary = nu**2 * alpha ** (-2 * hurst) * gamma(2 * hurst + 1) / 2
    assert x[:, 2**13 :].var() == pytest.approx(stationary, rel=0.15)


def test_simulate_daily_rfsv() -> None:
    hurst = 0.14
    df = simulate_daily_rfsv(5000, hurst, seed=1, steps_per_day=48)
    assert list(df.columns) == ["log_vol", "iv", "rv", "ret"]
    assert len(df) == 5000 and df.index.name == "date" and df.index.freqstr == "B"
    assert df["log_vol"].iloc[0] == pytest.approx(math.log(0.15))
    assert (df["iv"] > 0).all() and (df["rv"] > 0).all()
    # given the volatility path, the daily return is exactly N(0, iv)
    assert stats.kstest(df["ret"] / np.sqrt(df["iv"]), "norm").pvalue > P_MIN
    assert (df["rv"] / df["iv"]).mean() == pytest.approx(1.0, abs=0.02)
    assert variogram_slope(df["log_vol"].to_numpy(), np.array([1, 2, 4, 8, 16])) == pytest.approx(2 * hurst, abs=0.05)
    pd.testing.assert_frame_equal(df, simulate_daily_rfsv(5000, hurst, seed=1, steps_per_day=48))
    assert not np.allclose(df["ret"], simulate_daily_rfsv(5000, hurst, seed=2, steps_per_day=48)["ret"])


# ---------------------------------------------------------------------------------------------------- ticks

DAYS = 3
NOISE_SD = 2e-4


@pytest.fixture(scope="module")
def market() -> SimulatedMarket:
    return simulate_ticks(DAYS, seed=7, noise_sd=NOISE_SD)


def test_ticks_schema_sorted_positive_on_tick_grid(market: SimulatedMarket) -> None:
    ticks = market.ticks
    assert list(ticks.columns) == ["timestamp", "price", "amount"]
    assert str(ticks["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert ticks["price"].dtype == np.float64 and ticks["amount"].dtype == np.float64
    assert ticks["timestamp"].is_monotonic_increasing
    start = pd.Timestamp("2021-01-01", tz="UTC")
    assert ticks["timestamp"].iloc[0] >= start
    assert ticks["timestamp"].iloc[-1] < start + pd.Timedelta(days=DAYS)
    assert (ticks["price"] > 0).all() and (ticks["amount"] > 0).all()
    ticks_units = ticks["price"].to_numpy() / 0.01
    np.testing.assert_allclose(ticks_units, np.rint(ticks_units), atol=1e-6)


def test_trade_count_and_arrival_times_are_poisson(market: SimulatedMarket) -> None:
    n, expected = len(market.ticks), DAYS * 50_000
    assert abs(n - expected) < 5 * math.sqrt(expected)
    seconds = (market.ticks["timestamp"] - pd.Timestamp("2021-01-01", tz="UTC")).dt.total_seconds()
    assert stats.kstest(seconds / (DAYS * 86_400), "uniform").pvalue > P_MIN


def test_intensity_by_period_and_time_of_day_sets_zero_trade_shares() -> None:
    rates_per_minute = np.array([0.5, 2.0])
    m = simulate_ticks(2, seed=3, trades_per_day=rates_per_minute * 1440, intraday_profile=[1.0, 3.0])
    minute = (m.ticks["timestamp"] - pd.Timestamp("2021-01-01", tz="UTC")) // pd.Timedelta(minutes=1)
    counts = np.bincount(minute, minlength=2 * 1440).reshape(2, 2, 720)  # day, half-day, minute
    # the profile [1, 3] gives ½ and 3/2 of the day's mean rate to the two half-days
    lam = rates_per_minute[:, None] * np.array([0.5, 1.5])[None, :]
    np.testing.assert_allclose((counts == 0).mean(axis=2), np.exp(-lam), atol=0.06)
    expected_total = 720 * lam
    assert np.all(np.abs(counts.sum(axis=2) - expected_total) < 4 * np.sqrt(expected_total))


def test_fine_grid_returns_are_exactly_normal_given_variance(market: SimulatedMarket) -> None:
    assert len(market.grid_log_price) == len(market.fine) + 1 == DAYS * 86_400 + 1
    assert market.grid_log_price[0] == pytest.approx(math.log(30_000.0))
    z = np.diff(market.grid_log_price) / np.sqrt(market.fine["variance"].to_numpy())
    assert np.mean(z**2) == pytest.approx(1.0, abs=0.01)
    assert stats.kstest(z, "norm").pvalue > P_MIN


@pytest.mark.parametrize("fine_dt_seconds", [1, 60])
def test_efficient_price_at_trades_is_consistent_with_the_variance_clock(
    market: SimulatedMarket, fine_dt_seconds: int
) -> None:
    """Efficient returns between consecutive trades are N(0, ∫σ²) with ∫σ² from the fine-grid variance."""
    if fine_dt_seconds != 1:
        market = simulate_ticks(DAYS, seed=8, fine_dt_seconds=fine_dt_seconds)
    cum_var = np.concatenate(([0.0], np.cumsum(market.fine["variance"].to_numpy())))
    seconds = (market.ticks["timestamp"] - market.fine.index[0]).dt.total_seconds().to_numpy()
    v = np.interp(seconds / fine_dt_seconds, np.arange(cum_var.size), cum_var)
    z = np.diff(market.efficient_at_trades) / np.sqrt(np.diff(v))
    assert np.mean(z**2) == pytest.approx(1.0, abs=0.02)
    assert stats.kstest(z, "norm").pvalue > P_MIN


def test_five_minute_efficient_rv_is_unbiased_for_iv(market: SimulatedMarket) -> None:
    iv = market.integrated_variance("5min")
    assert len(iv) == DAYS * 288 and str(iv.index.tz) == "UTC"
    assert iv.index[0] == pd.Timestamp("2021-01-01", tz="UTC")
    grid = pd.date_range("2021-01-01", periods=len(iv) + 1, freq="5min", tz="UTC")
    returns = np.diff(market.efficient_log_price(grid))
    ratio = returns**2 / iv.to_numpy()  # chi-square(1) given the volatility path
    assert ratio.mean() == pytest.approx(1.0, abs=4 * math.sqrt(2 / ratio.size))
    assert stats.kstest(returns / np.sqrt(iv.to_numpy()), "norm").pvalue > P_MIN


def test_integrated_variance_aggregates_consistently(market: SimulatedMarket) -> None:
    daily = market.integrated_variance("1D")
    ten_min = market.integrated_variance("10min")
    assert list(daily.index) == list(pd.date_range("2021-01-01", periods=DAYS, freq="D", tz="UTC"))
    np.testing.assert_allclose(daily.to_numpy(), ten_min.to_numpy().reshape(DAYS, 144).sum(axis=1), rtol=1e-12)
    assert daily.sum() == pytest.approx(market.fine["variance"].sum(), rel=1e-12)
    # annualised level in the range of the 70 % geometric-mean volatility
    assert 0.3 < math.sqrt(daily.mean() * 365) < 1.5
    for bad in ("1500ms", "MS", "0s"):
        with pytest.raises(ConfigError):
            market.integrated_variance(bad)
    with pytest.raises(ConfigError):
        market.efficient_log_price([pd.Timestamp("2021-01-01 00:00:00.5", tz="UTC")])
    with pytest.raises(ConfigError):
        market.efficient_log_price([pd.Timestamp("2021-01-05", tz="UTC")])


def test_noise_is_iid_with_the_given_sd(market: SimulatedMarket) -> None:
    eps = np.log(market.ticks["price"].to_numpy()) - market.efficient_at_trades
    assert eps.std() == pytest.approx(NOISE_SD, rel=0.02)
    assert abs(eps.mean()) < 4 * NOISE_SD / math.sqrt(eps.size)
    assert abs(np.corrcoef(eps[:-1], eps[1:])[0, 1]) < 4 / math.sqrt(eps.size)


def test_noise_inflates_one_second_rv_but_not_five_minute_rv(market: SimulatedMarket) -> None:
    prices = market.ticks.set_index("timestamp")["price"]
    iv = market.integrated_variance("1D")

    def daily_rv(freq: str) -> pd.Series:
        last = np.log(prices.resample(freq).last().ffill())
        return (last.diff() ** 2).resample("1D").sum()

    assert (daily_rv("1s") / iv > 2.0).all()  # the microstructure bias of the signature plot
    assert daily_rv("5min").sum() / iv.sum() == pytest.approx(1.0, abs=0.2)


def test_simulate_ticks_is_deterministic_and_streams_are_independent() -> None:
    a = simulate_ticks(1, seed=3, trades_per_day=5_000)
    b = simulate_ticks(1, seed=3, trades_per_day=5_000)
    c = simulate_ticks(1, seed=4, trades_per_day=5_000)
    quiet = simulate_ticks(1, seed=3, trades_per_day=5_000, noise_sd=0.0)
    pd.testing.assert_frame_equal(a.ticks, b.ticks)
    pd.testing.assert_frame_equal(a.fine, b.fine)
    assert not a.ticks["price"].equals(c.ticks["price"])
    # changing the noise leaves the volatility, the arrivals and the efficient price untouched
    pd.testing.assert_frame_equal(a.fine, quiet.fine)
    pd.testing.assert_series_equal(a.ticks["timestamp"], quiet.ticks["timestamp"])
    np.testing.assert_array_equal(a.efficient_at_trades, quiet.efficient_at_trades)
    assert not a.ticks["price"].equals(quiet.ticks["price"])
    assert a.parameters["seed"] == 3 and a.parameters["noise_sd"] == 2e-4 and quiet.parameters["noise_sd"] == 0.0


@pytest.mark.parametrize(
    "bad",
    [
        {"fine_dt_seconds": 7},
        {"start": "2021-01-01 12:00"},
        {"noise_sd": -1.0},
        {"tick_size": 0.0},
        {"trades_per_day": [1.0, -2.0]},
        {"intraday_profile": [1.0] * 7},
        {"intraday_profile": [0.0, 0.0]},
    ],
)
def test_invalid_market_parameters_raise(bad: dict) -> None:
    with pytest.raises(ConfigError):
        simulate_ticks(2, **bad)


def test_per_day_intensity_must_match_days() -> None:
    with pytest.raises(ConfigError):
        simulate_ticks(3, trades_per_day=[100.0, 200.0])


# ------------------------------------------------------------------------------------------------ streaming


def collect(**kwargs: object) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(iter_tick_chunks(200_000, trades_per_day=50_000, **kwargs))


def test_iter_tick_chunks_yields_whole_days_and_exact_total() -> None:
    chunks = collect(days_per_chunk=3, seed=5)
    assert [len(ts) for ts, _ in chunks] and sum(len(ts) for ts, _ in chunks) == 200_000
    day_ns = 86_400 * 10**9
    start = pd.Timestamp("2021-01-01", tz="UTC").value
    first_days = [0, 3]  # 4 days in chunks of 3
    assert len(chunks) == len(first_days)
    for (ts, prices), first in zip(chunks, first_days, strict=True):
        assert ts.dtype == np.int64 and prices.dtype == np.float64
        assert ts[0] >= start + first * day_ns and ts[-1] < start + (first + 3) * day_ns
        np.testing.assert_allclose(prices / 0.01, np.rint(prices / 0.01), atol=1e-6)
        assert (prices > 0).all()
    all_ts = np.concatenate([ts for ts, _ in chunks])
    assert np.all(np.diff(all_ts) >= 0)


def test_iter_tick_chunks_is_deterministic_and_independent_of_chunking() -> None:
    one = collect(days_per_chunk=1, seed=5)
    three = collect(days_per_chunk=3, seed=5)
    other = collect(days_per_chunk=3, seed=6)
    for k in (0, 1):
        np.testing.assert_array_equal(np.concatenate([c[k] for c in one]), np.concatenate([c[k] for c in three]))
    assert not np.array_equal(three[0][1][:100], other[0][1][:100])


def test_iter_tick_chunks_rejects_bad_arguments_at_the_call() -> None:
    with pytest.raises(ConfigError):
        iter_tick_chunks(100, trades_per_day=[10.0, 20.0])
    with pytest.raises(ConfigError):
        iter_tick_chunks(0)
    with pytest.raises(ConfigError):
        iter_tick_chunks(100, days_per_chunk=0)
