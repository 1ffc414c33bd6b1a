"""Tests of volrep.rv against known truth (volrep.sim), hand-made examples and direct reference loops."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volrep import rv, sim
from volrep.errors import ConfigError, DataError

T0 = pd.Timestamp("2021-01-01", tz="UTC")


def ns(ts: str) -> int:
    return int(pd.Timestamp(ts, tz="UTC").as_unit("ns").value)


# --------------------------------------------------------------------------------------------------------------
# Simulated markets with known integrated variance (volrep.sim)
# --------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clean_market() -> sim.SimulatedMarket:
    """Rough-volatility ticks without microstructure noise (tick rounding 0.01 on ~30 000 is negligible)."""
    return sim.simulate_ticks(6, seed=11, trades_per_day=100_000, noise_sd=0.0)


@pytest.fixture(scope="module")
def noisy_market() -> sim.SimulatedMarket:
    """Same volatility and efficient price, with i.i.d. noise of 2 bp: 1-tick RV is dominated by noise."""
    return sim.simulate_ticks(6, seed=11, trades_per_day=100_000, noise_sd=2e-4)


def ticks_of(market: sim.SimulatedMarket) -> tuple[pd.Series, np.ndarray]:
    return market.ticks["timestamp"], market.ticks["price"].to_numpy()


def ratio(estimate: pd.Series, truth: pd.Series) -> float:
    """Σ estimate / Σ truth over the intervals both cover."""
    both = pd.concat([estimate.rename("est"), truth.rename("iv")], axis=1, join="inner").dropna()
    assert len(both) >= 0.9 * len(truth)
    return float(both["est"].sum() / both["iv"].sum())


def test_five_minute_rv_without_noise_matches_integrated_variance(clean_market):
    daily = rv.realized_variance(rv.grid_returns(*ticks_of(clean_market), "5min"))
    iv = clean_market.integrated_variance("1D")
    assert abs(ratio(daily, iv) - 1) < 0.06
    per_day = (daily / iv).dropna()
    assert per_day.between(0.7, 1.3).all()


def test_preaveraged_rv_without_noise_matches_integrated_variance(clean_market):
    times, prices = ticks_of(clean_market)
    iv10 = clean_market.integrated_variance("10min")
    pa = rv.preaveraged_rv(times, prices, "10min")
    # expectation (n - k + 1)/n ≈ 0.985 of IV at n ≈ 700, k ≈ 11
    assert abs(ratio(pa, iv10) - 0.985) < 0.03
    daily = rv.preaveraged_rv(times, prices, "1D")
    assert abs(ratio(daily, clean_market.integrated_variance("1D")) - 1) < 0.06


def test_noise_inflates_plain_rv_but_not_preaveraged_rv(noisy_market):
    times, prices = ticks_of(noisy_market)
    iv_day = noisy_market.integrated_variance("1D")
    one_second = rv.realized_variance(rv.grid_returns(times, prices, "1s"))
    tick_rv = rv.preaveraged_rv(times, prices, "1D", details=True)["rv_ticks"]
    assert ratio(one_second, iv_day) > 2
    assert ratio(tick_rv, iv_day) > 5
    for correct in (False, True):
        daily = rv.preaveraged_rv(times, prices, "1D", bias_correction=correct)
        assert abs(ratio(daily, iv_day) - 1) < 0.05, correct


def test_bias_correction_removes_noise_bias_at_ten_minutes(noisy_market):
    times, prices = ticks_of(noisy_market)
    iv10 = noisy_market.integrated_variance("10min")
    raw = ratio(rv.preaveraged_rv(times, prices, "10min"), iv10)
    corrected = ratio(rv.preaveraged_rv(times, prices, "10min", bias_correction=True), iv10)
    assert raw > 1.15  # noise bias ω² ψ1 / (θ² ψ2) per interval, independent of n
    # expected: (n-k+1)/n ≈ 0.986 less the over-correction ψ1/(2 k² ψ2) ≈ 4.5 % of IV at k = 11 (see Notes)
    assert 0.90 < corrected < 0.98


def test_signature_plot_decreases_with_frequency_under_noise(noisy_market):
    times, prices = ticks_of(noisy_market)
    table = rv.signature_plot(times, prices, ["1s", "5s", "30s", "2min"], start="2021-01-01", end="2021-01-07")
    assert list(table.columns) == ["frequency", "average_rv", "pct_change"]
    assert table["frequency"].tolist() == ["1s", "5s", "30s", "2min"]
    assert np.isnan(table["pct_change"].iloc[0])
    assert (table["pct_change"].iloc[1:] < 0).all()
    assert table["average_rv"].iloc[0] > 2 * noisy_market.integrated_variance("1D").mean()
    expected = 100 * (table["average_rv"].iloc[1] / table["average_rv"].iloc[0] - 1)
    assert table["pct_change"].iloc[1] == pytest.approx(expected)


def test_signature_plot_from_bars_equals_ticks(clean_market):
    times, prices = ticks_of(clean_market)
    ticks = pd.Series(prices, index=pd.DatetimeIndex(times))
    bars = ticks.resample("1min").last().to_frame("close").dropna()
    bars["close_time"] = ticks.index.to_series().resample("1min").last().dropna()
    bar_times, bar_prices = rv.bar_observations(bars)
    freqs = ["5min", "30min"]
    from_bars = rv.signature_plot(bar_times, bar_prices, freqs, start="2021-01-01", end="2021-01-07")
    from_ticks = rv.signature_plot(times, prices, freqs, start="2021-01-01", end="2021-01-07")
    np.testing.assert_allclose(from_bars["average_rv"], from_ticks["average_rv"], rtol=1e-12)


def test_bipower_close_to_rv_without_jumps_and_robust_to_a_jump(clean_market):
    r = rv.grid_returns(*ticks_of(clean_market), "5min")
    rvd, bvd = rv.realized_variance(r), rv.bipower_variation(r)
    assert abs(bvd.sum() / rvd.sum() - 1) < 0.1
    jump = 0.05
    jumped = r.copy()
    at = jumped.index.get_loc(pd.Timestamp("2021-01-03 12:00", tz="UTC"))
    jumped.iloc[at] += jump
    day = pd.Timestamp("2021-01-03", tz="UTC")
    rv_change = rv.realized_variance(jumped)[day] - rvd[day]
    bv_change = rv.bipower_variation(jumped)[day] - bvd[day]
    assert rv_change == pytest.approx(jump**2, rel=0.15)
    assert abs(bv_change) < 0.15 * jump**2
    n = rv.count_returns(r)
    finite = rv.bipower_variation(r, finite_sample=True)
    np.testing.assert_allclose(finite, bvd * n / (n - 1))


# --------------------------------------------------------------------------------------------------------------
# Pre-averaging against a direct double-loop reference
# --------------------------------------------------------------------------------------------------------------
def reference_preaveraged(times_ns, prices, step, theta, normalise, bias_correction):
    """Eq. (2)-(3) literally, one interval and one window at a time."""
    lp = np.log(prices)
    out = {}
    labels = (times_ns - 1) // step * step
    for label in np.unique(labels[1:]):
        idx = [i for i in range(1, len(times_ns)) if labels[i] == label]
        r = [lp[i] - lp[i - 1] for i in idx]  # r_1..r_n, the first from the previous tick
        n = len(r)
        k = int(np.floor(theta * np.sqrt(n) + 0.5))
        if k < 2 or k > n:
            out[label] = np.nan
            continue
        g = [min(i / k, 1 - i / k) for i in range(k + 1)]
        total = 0.0
        for j in range(n - k + 1):
            rbar = 0.0
            for i in range(1, k):
                rbar += g[i] * r[j + i - 1]
            total += rbar**2
        sum_g2 = sum(w * w for w in g[1:k])
        psi1 = k * sum((g[i + 1] - g[i]) ** 2 for i in range(k))
        if bias_correction:
            total -= (n - k + 1) * sum(x * x for x in r) / (2 * n) * psi1 / k
        out[label] = total / sum_g2 if normalise else total
    return pd.Series(out)


@pytest.fixture(scope="module")
def small_ticks():
    """Ticks on 1-minute intervals with 0 to ~300 trades each, so that k_n runs from invalid to 7."""
    rng = np.random.default_rng(5)
    counts = rng.choice([0, 3, 14, 15, 16, 40, 90, 150, 301], size=24)
    start = ns("2021-03-01 10:00")
    times = np.concatenate(
        [start + m * 60 * 10**9 + np.sort(rng.integers(1, 60 * 10**9, c)) for m, c in enumerate(counts)]
    )
    times[5] = times[4]  # a repeated timestamp
    for boundary in start + np.array([3, 8, 9]) * 60 * 10**9:  # ticks exactly on a boundary end an interval
        times[np.searchsorted(times, boundary) - 1] = boundary
    prices = 100 * np.exp(np.cumsum(rng.normal(0, 1e-4, times.size)) + rng.normal(0, 5e-5, times.size))
    return times.astype(np.int64), prices


@pytest.mark.parametrize("theta", [0.4, 1.0])
@pytest.mark.parametrize("normalise,bias_correction", [(False, False), (True, False), (True, True), (False, True)])
def test_vectorised_preaveraging_equals_direct_loops(small_ticks, theta, normalise, bias_correction):
    times, prices = small_ticks
    ours = rv.preaveraged_rv(times, prices, "1min", theta=theta, normalise=normalise,
                             bias_correction=bias_correction)
    ref = reference_preaveraged(times, prices, 60 * 10**9, theta, normalise, bias_correction)
    ours_on_ref = ours.reindex(pd.to_datetime(ref.index.to_numpy(), unit="ns", utc=True))
    np.testing.assert_allclose(ours_on_ref.to_numpy(), ref.to_numpy(), rtol=1e-12, atol=0)
    assert ours.dropna().index.isin(ours_on_ref.index).all()


def test_prefix_sum_identity_for_even_and_odd_windows():
    """r̄_j = Σ g(i/k) r_{j+i} equals (1/k)(Σ_{i=⌈k/2⌉}^{k-1} p_{j+i} − Σ_{i=0}^{⌊k/2⌋-1} p_{j+i})."""
    rng = np.random.default_rng(0)
    p = np.cumsum(rng.normal(size=40))
    for k in range(2, 12):
        h = k // 2
        for j in range(0, 40 - k):
            direct = sum(min(i / k, 1 - i / k) * (p[j + i] - p[j + i - 1]) for i in range(1, k))
            identity = (p[j + k - h:j + k].sum() - p[j:j + h].sum()) / k
            assert identity == pytest.approx(direct, abs=1e-12)


def test_preaveraged_returns_match_rv_and_direct_formula(small_ticks):
    times, prices = small_ticks
    rbar = rv.preaveraged_returns(times, prices, "1min")
    assert rbar.index.names == ["interval", "time"]
    by_interval = (rbar**2).groupby(level="interval").sum()
    literal = rv.preaveraged_rv(times, prices, "1min", normalise=False).dropna()
    np.testing.assert_allclose(by_interval.to_numpy(), literal.to_numpy(), rtol=1e-12)
    # first window of the first pre-averaged interval, by hand; it starts at the last tick before the interval
    first = rbar.index.get_level_values("interval")[0]
    lp = np.log(prices)
    inside = np.flatnonzero((times > first.value) & (times <= first.value + 60 * 10**9))
    inside = inside[inside > 0]  # the very first tick only gives the starting price
    r = lp[inside] - lp[inside - 1]
    k = rv.preaveraging_window(r.size)
    direct = sum(min(i / k, 1 - i / k) * r[i - 1] for i in range(1, k))
    assert rbar.iloc[0] == pytest.approx(direct, rel=1e-12)
    assert rbar.index.get_level_values("time")[0].value == times[inside[0] - 1]


def test_preaveraging_window_rounds_half_up():
    assert rv.preaveraging_window(600, 0.4) == 10  # Huang et al. footnote 10 (floor would give 9)
    assert rv.preaveraging_window(14) == 1 and rv.preaveraging_window(15) == 2
    np.testing.assert_array_equal(rv.preaveraging_window(np.array([0, 1, 100, 10_000])), [0, 0, 4, 40])


def test_normalisation_constant_is_the_sum_of_squared_weights(small_ticks):
    times, prices = small_ticks
    table = rv.preaveraged_rv(times, prices, "1min", normalise=False, details=True)
    normed = rv.preaveraged_rv(times, prices, "1min")
    for label, row in table[table["preaveraged"]].iterrows():
        k = row["k_n"]
        weights = np.minimum(np.arange(1, k) / k, 1 - np.arange(1, k) / k)
        assert row["rv"] / normed[label] == pytest.approx((weights**2).sum(), rel=1e-12)


def test_sparse_intervals_are_reported_and_counted(small_ticks):
    times, prices = small_ticks
    table = rv.preaveraged_rv(times, prices, "1min", details=True)
    assert len(table) == 24  # every minute of the span, traded or not
    invalid = table["k_n"] < 2
    assert (invalid == (table["n_returns"] < 15)).all()
    assert table.loc[invalid, "rv"].isna().all() and table.loc[~invalid, "rv"].notna().all()
    assert (~table["preaveraged"]).sum() == invalid.sum() > 0
    filled = rv.preaveraged_rv(times, prices, "1min", fallback="rv")
    np.testing.assert_array_equal(filled[invalid], table.loc[invalid, "rv_ticks"])
    assert (filled[table["n_returns"] == 0] == 0).all()
    with pytest.raises(ConfigError):
        rv.preaveraged_rv(times, prices, "1min", fallback="zero")


def test_tick_rv_sums_to_grid_rv_per_interval(small_ticks):
    """Right-closed intervals: an interval's tick returns telescope to its previous-tick grid return."""
    times, prices = small_ticks
    table = rv.preaveraged_rv(times, prices, "1min", details=True)
    grid = rv.grid_returns(times, prices, "1min")
    counts = rv.trade_counts(times, "1min")
    assert (grid[counts == 0].dropna() == 0).all()
    one_return = table["n_returns"] == 1
    common = table.index[one_return].intersection(grid.index)
    np.testing.assert_allclose(table.loc[common, "rv_ticks"], grid[common] ** 2, rtol=1e-12)


# --------------------------------------------------------------------------------------------------------------
# Streaming
# --------------------------------------------------------------------------------------------------------------
def test_chunks_equal_in_memory_even_when_split_inside_intervals(noisy_market):
    times, prices = ticks_of(noisy_market)
    t = pd.DatetimeIndex(times).as_unit("ns").asi8
    whole = rv.preaveraged_rv(t, prices, "10min", bias_correction=True, details=True)
    cuts = [0, 1, 12_345, 200_000, 200_001, 333_333, t.size]
    chunks = [(t[a:b], prices[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)] + [(t[:0], prices[:0])]
    streamed = rv.preaveraged_rv_chunks(chunks, "10min", bias_correction=True, details=True)
    pd.testing.assert_frame_equal(streamed, whole, rtol=1e-12)


def test_chunks_from_the_simulator_stream():
    chunks = list(sim.iter_tick_chunks(300_000, days_per_chunk=1, seed=2, trades_per_day=100_000))
    streamed = rv.preaveraged_rv_chunks(iter(chunks), "10min")
    whole = rv.preaveraged_rv(np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks]))
    pd.testing.assert_series_equal(streamed, whole, rtol=1e-12)
    assert len(whole) == 3 * 144


def test_chunks_reject_time_going_backwards():
    t = np.array([10, 20, 30], dtype=np.int64) * 10**9
    p = np.array([1.0, 1.1, 1.2])
    with pytest.raises(DataError, match="chunk 1") as err:
        rv.preaveraged_rv_chunks([(t, p), (t, p)], "1min")
    assert err.value.row == 0
    with pytest.raises(DataError, match="positive and finite") as err:
        rv.preaveraged_rv(t, np.array([1.0, np.nan, 1.0]), "1min")
    assert err.value.row == 1
    with pytest.raises(DataError, match="non-decreasing") as err:
        rv.grid_prices(t[::-1], p, "1min")
    assert err.value.row == 1
    with pytest.raises(DataError, match="missing") as err:
        rv.trade_counts(pd.DatetimeIndex(["2021-01-01", None, "2021-01-02"]), "1h")
    assert err.value.row == 1


# --------------------------------------------------------------------------------------------------------------
# Grid, counts and zero-trade shares on hand-made examples
# --------------------------------------------------------------------------------------------------------------
def test_grid_prices_previous_tick_semantics():
    times = pd.DatetimeIndex(["2021-01-01 00:00:00.5", "2021-01-01 00:00:01", "2021-01-01 00:00:03.2"])
    prices = [100.0, 101.0, 102.0]
    got = rv.grid_prices(times, prices, "1s", start="2021-01-01 00:00:00", end="2021-01-01 00:00:04")
    assert got.index[0] == T0 and got.index.tz is not None and len(got) == 5
    np.testing.assert_array_equal(got.to_numpy(), [np.nan, 101.0, 101.0, 101.0, 102.0])
    default = rv.grid_prices(times, prices, "1s")  # last point before the first tick .. first at/after the last
    assert default.index[0] == T0 and default.index[-1] == T0 + pd.Timedelta("4s")
    returns = rv.grid_returns(times, prices, "1s")
    np.testing.assert_allclose(returns.to_numpy(), [np.nan, 0.0, 0.0, np.log(102 / 101)])
    np.testing.assert_array_equal(rv.trade_counts(times, "1s").to_numpy(), [2, 0, 0, 1])


def test_long_nanosecond_grids_keep_their_last_interval():
    """400 days of 10-minute intervals: np.arange would size this grid in float64 and lose the last point."""
    times = pd.DatetimeIndex(["2021-01-01 00:00:01", "2021-01-01 00:00:02", "2022-02-04 23:59:59"])
    assert len(rv.trade_counts(times, "10min")) == 400 * 144
    assert len(rv.preaveraged_rv(times, [1.0, 2.0, 3.0], "10min", fallback="rv")) == 400 * 144


def test_realized_variance_and_counts_per_day():
    index = pd.date_range("2021-01-01 22:00", periods=5, freq="1h", tz="UTC")
    r = pd.Series([0.01, np.nan, -0.02, 0.03, 0.0], index=index)
    got = rv.realized_variance(r)
    np.testing.assert_allclose(got.to_numpy(), [0.01**2, 0.02**2 + 0.03**2 + 0.0])
    assert got.index.tolist() == [T0, T0 + pd.Timedelta("1D")]
    np.testing.assert_array_equal(rv.count_returns(r).to_numpy(), [1, 3])
    bv = rv.bipower_variation(r)
    assert np.isnan(bv.iloc[0])  # one valid return, no pair
    assert bv.iloc[1] == pytest.approx(np.pi / 2 * (0.02 * 0.03 + 0.03 * 0.0))


def test_zero_trade_share_by_year():
    times = pd.DatetimeIndex(
        ["2020-12-31 20:30", "2020-12-31 22:10", "2020-12-31 22:20", "2021-01-01 00:00", "2021-01-01 03:30"]
    )
    got = rv.zero_trade_share(times, ["1h", "2h"])
    # 1h intervals (s, s+1h]: 20-21 trade, 21-22 none, 22-23 trade, 23-00 trade (00:00 belongs to it),
    # then 2021: 00-01, 01-02, 02-03 none, 03-04 trade
    assert got.loc[2020, "1h"] == pytest.approx(1 / 4)
    assert got.loc[2021, "1h"] == pytest.approx(3 / 4)
    # 2h: 20-22 trade, 22-00 trade | 00-02 none, 02-04 trade
    assert got.loc[2020, "2h"] == pytest.approx(0.0)
    assert got.loc[2021, "2h"] == pytest.approx(1 / 2)
    assert got.index.name == "year"


def test_zero_trade_share_bars_counts_zero_and_absent_bars():
    index = pd.DatetimeIndex(["2020-12-31 20:00", "2020-12-31 21:00", "2020-12-31 23:00",
                              "2021-01-01 00:00", "2021-01-01 01:00", "2021-01-01 03:00"])
    bars = pd.DataFrame({"close": 1.0, "trades": [5, 0, 2, 0, 0, 7]}, index=index)  # 22:00 and 02:00 absent
    got = rv.zero_trade_share_bars(bars, ["1h", "2h"])
    assert got.loc[2020, "1h"] == pytest.approx(2 / 4)  # 21:00 zero, 22:00 absent
    assert got.loc[2021, "1h"] == pytest.approx(3 / 4)  # 00, 01 zero, 02 absent
    assert got.loc[2020, "2h"] == pytest.approx(0.0)  # 20-22 has 20:00; 22-24 has 23:00
    assert got.loc[2021, "2h"] == pytest.approx(1 / 2)  # 00-02 all zero; 02-04 has 03:00
    with pytest.raises(ConfigError, match="multiple"):
        rv.zero_trade_share_bars(bars, ["90min"])
    with pytest.raises(DataError, match="unique"):
        rv.zero_trade_share_bars(pd.concat([bars, bars.iloc[[0]]]).sort_index(), ["1h"])


def test_bar_observations_times():
    index = pd.date_range("2021-01-01", periods=3, freq="15min")
    bars = pd.DataFrame({"close": [1.0, 2.0, 3.0]}, index=index)
    times, _ = rv.bar_observations(bars)
    assert times[0] == T0 + pd.Timedelta("15min")
    bars["close_time"] = index + pd.Timedelta("15min") - pd.Timedelta("1ms")
    times, prices = rv.bar_observations(bars)
    assert times[0] == T0 + pd.Timedelta("15min") - pd.Timedelta("1ms")
    grid = rv.grid_prices(times, prices, "15min", start="2021-01-01")
    np.testing.assert_array_equal(grid.to_numpy(), [np.nan, 1.0, 2.0, 3.0])
    bars["close_time"] = np.arange(3)
    with pytest.raises(DataError, match="close_time"):
        rv.bar_observations(bars)


def test_units():
    assert rv.intervals_per_day("10min") == 144
    assert rv.intervals_per_day("1D") == 1
    with pytest.raises(ConfigError):
        rv.intervals_per_day("7min")
    with pytest.raises(ConfigError):
        rv.grid_prices([T0], [1.0], "1ME")
    assert rv.annualise(1e-5, rv.intervals_per_day("10min") * rv.PERIODS_PER_YEAR["crypto"]) == pytest.approx(0.5256)


def test_ohlcv_bars_aggregate_ticks_like_an_exchange():
    ticks = pd.DataFrame({
        "timestamp": pd.to_datetime(["2021-01-01 00:00:00", "2021-01-01 00:05:00", "2021-01-01 00:14:59",
                                     "2021-01-01 00:45:30", "2021-01-01 00:50:00"], utc=True),
        "price": [100.0, 103.0, 99.0, 101.0, 102.0],
        "amount": [1.0, 2.0, 0.5, 1.0, 1.0],
    })
    bars = rv.ohlcv_bars(ticks, "15min")
    assert list(bars.index.strftime("%H:%M")) == ["00:00", "00:15", "00:30", "00:45"]
    first = bars.iloc[0]
    assert (first["open"], first["high"], first["low"], first["close"]) == (100.0, 103.0, 99.0, 99.0)
    assert first["volume"] == 3.5 and first["trades"] == 3
    empty = bars.iloc[1]  # no trade: flat at the previous close, zero volume, close_time of the last trade
    assert empty["trades"] == 0 and empty["volume"] == 0 and empty["close"] == 99.0
    assert empty["close_time"] == pd.Timestamp("2021-01-01 00:14:59", tz="UTC")
    assert bars.iloc[3]["open"] == 101.0 and bars.iloc[3]["close"] == 102.0 and bars.iloc[3]["trades"] == 2
    # the bars sample the same grid prices as the ticks they came from
    t, p = rv.bar_observations(bars)
    np.testing.assert_allclose(rv.grid_prices(t, p, "15min", start="2021-01-01", end="2021-01-01 01:00").to_numpy()[1:],
                               rv.grid_prices(ticks["timestamp"], ticks["price"], "15min", start="2021-01-01",
                                              end="2021-01-01 01:00").to_numpy()[1:])


def test_bar_close_time_outside_the_bar_is_clipped_into_it():
    index = pd.to_datetime(["2020-12-21 13:45", "2020-12-21 14:00", "2020-12-21 14:15"], utc=True)
    bars = pd.DataFrame({
        "close": [1.0, 2.0, 3.0],
        "close_time": pd.to_datetime(["2020-12-21 13:59:59.999", "2020-12-21 13:47:20.521", "2020-12-21 14:29:59.999"],
                                     utc=True),
    }, index=index)
    times, _ = rv.bar_observations(bars)
    assert times[1] == pd.Timestamp("2020-12-21 14:00", tz="UTC")
    assert times.is_monotonic_increasing


def test_daily_realized_variance_is_rv_of_grid_returns():
    market = sim.simulate_ticks(2, seed=3, trades_per_day=5_000, noise_sd=0.0)
    t, p = market.ticks["timestamp"], market.ticks["price"]
    daily = rv.daily_realized_variance(t, p, "5min", start="2021-01-01", end="2021-01-03")
    manual = rv.realized_variance(rv.grid_returns(t, p, "5min", start="2021-01-01", end="2021-01-03"), "1D")
    pd.testing.assert_series_equal(daily, manual)
    assert len(daily) == 2
