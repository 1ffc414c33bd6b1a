"""Tests of volrep.technical (indicators, targets) and volrep.chapters.techlog (the experiment's windows and splits,
baselines, MSE decomposition)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from volrep import evaluate, technical
from volrep.chapters import techlog
from volrep.errors import ConfigError, DataError
from volrep.papers import TECHLOG_TEST

HOURS = 24


def make_bars(n: int, *, seed: int = 0, sigma: float = 0.005, drift: float = 0.0, price: float = 10_000.0,
              log_vol: np.ndarray | None = None) -> pd.DataFrame:
    """Hourly bars of a geometric random walk (constant sigma, or exp(log_vol) per bar)."""
    rng = np.random.default_rng(seed)
    vol = sigma if log_vol is None else np.exp(log_vol)
    close = price * np.exp(np.cumsum(drift + vol * rng.standard_normal(n)))
    open_ = np.r_[price, close[:-1]]
    wick = 0.5 * vol * close * np.abs(rng.standard_normal(n))
    index = pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC", name="timestamp")
    return pd.DataFrame({"open": open_, "high": np.maximum(open_, close) + wick,
                         "low": np.minimum(open_, close) - wick, "close": close,
                         "volume": rng.gamma(2.0, 50.0, n)}, index=index)


def from_closes(close: np.ndarray) -> pd.DataFrame:
    """Bars whose high is the close and low the close − 1 (for hand-checked indicators)."""
    close = np.asarray(close, dtype=float)
    index = pd.date_range("2025-01-01", periods=len(close), freq="h", tz="UTC", name="timestamp")
    return pd.DataFrame({"open": close, "high": close, "low": close - 1.0, "close": close,
                         "volume": np.linspace(1.0, 2.0, len(close))}, index=index)


# ---------------------------------------------------------------------------------------------------------
# indicators


def test_rsi_and_stochastic_of_a_monotone_up_series_are_100():
    ind = technical.technical_indicators(from_closes(100.0 + np.arange(60.0)))
    assert ind["rsi_14"].iloc[:14].isna().all()
    np.testing.assert_array_equal(ind["rsi_14"].iloc[14:], 100.0)
    np.testing.assert_array_equal(ind["stoch_k"].iloc[13:], 100.0)
    down = technical.technical_indicators(from_closes(200.0 - np.arange(60.0)))
    np.testing.assert_array_equal(down["rsi_14"].iloc[14:], 0.0)


def test_macd_is_zero_and_rsi_neutral_on_a_constant_series():
    ind = technical.technical_indicators(from_closes(np.full(80, 123.45)))
    for col in ("macd", "macd_signal", "macd_hist", "momentum_24", "log_return"):
        values = ind[col].dropna()
        assert len(values) > 40
        np.testing.assert_allclose(values, 0.0, atol=1e-9)
    np.testing.assert_array_equal(ind["rsi_14"].iloc[14:], 50.0)
    np.testing.assert_allclose(ind["atr_14"].iloc[13:], 1.0)  # every true range is high − low = 1


def test_bollinger_by_hand_and_pct_b_within_the_band():
    close = np.tile([100.0, 102.0], 20)  # 20-bar mean 101, population sd 1: bands 99 and 103
    ind = technical.technical_indicators(from_closes(close))
    pct_b, width = ind["bb_pct_b"].iloc[19:], ind["bb_bandwidth"].iloc[19:]
    np.testing.assert_allclose(pct_b, np.where(close[19:] == 102.0, 0.75, 0.25))
    np.testing.assert_allclose(width, 4.0 / 101.0)
    wave = technical.technical_indicators(from_closes(1000.0 + 5.0 * np.sin(np.arange(300) / 4.0)))
    inside = wave["bb_pct_b"].dropna()
    in_band = inside[(inside >= 0) & (inside <= 1)]
    assert len(in_band) > 0.8 * len(inside)  # a smooth wave stays mostly within its band
    assert ((inside >= 0) & (inside <= 1)).sum() == len(in_band)


def test_indicator_warmup_and_units():
    bars = make_bars(400)
    ind = technical.technical_indicators(bars)
    assert int(ind.notna().all(axis=1).to_numpy().argmax()) == technical.TREND_BARS - 1
    scaled = bars.assign(**{c: bars[c] * 10.0 for c in ("open", "high", "low", "close")})
    ind10 = technical.technical_indicators(scaled)
    np.testing.assert_allclose(ind10[["macd", "atr_14", "momentum_24"]], 10 * ind[["macd", "atr_14", "momentum_24"]],
                               rtol=1e-9)
    rel, rel10 = (technical.technical_indicators(b, relative=True) for b in (bars, scaled))
    np.testing.assert_allclose(rel10, rel, rtol=1e-9, atol=1e-12)


def test_indicators_and_targets_are_causal():
    bars = make_bars(700, seed=3)
    t0 = 450
    future = bars.copy()
    future.iloc[t0:, :4] *= 1.7
    future.iloc[t0:, 4] *= 5.0
    for relative in (False, True):
        before = technical.technical_indicators(bars, relative=relative).iloc[:t0]
        after = technical.technical_indicators(future, relative=relative).iloc[:t0]
        pd.testing.assert_frame_equal(before, after)
        changed = technical.technical_indicators(future, relative=relative).iloc[t0]
        assert not np.allclose(changed, technical.technical_indicators(bars, relative=relative).iloc[t0])
    pd.testing.assert_series_equal(technical.trailing_log_realized_vol(bars).iloc[:t0],
                                   technical.trailing_log_realized_vol(future).iloc[:t0])
    # a target at t uses bars t+1 … t+h: origins before t0 − h are untouched, origin t0 − h is not
    for target in (technical.future_dollar_volatility, technical.future_log_realized_vol):
        a, b = target(bars, HOURS), target(future, HOURS)
        pd.testing.assert_series_equal(a.iloc[: t0 - HOURS], b.iloc[: t0 - HOURS])
        assert a.iloc[t0 - HOURS] != b.iloc[t0 - HOURS]


# ---------------------------------------------------------------------------------------------------------
# targets


def test_dollar_target_readings_by_hand():
    steps = np.tile([1.0, -1.0], 30)
    bars = from_closes(100.0 + np.r_[0.0, np.cumsum(steps)])
    changes = technical.future_dollar_volatility(bars, HOURS)
    levels = technical.future_dollar_volatility(bars, HOURS, of="levels")
    np.testing.assert_allclose(changes.dropna(), np.sqrt(24 / 23))  # 12 changes of +1 and 12 of −1
    np.testing.assert_allclose(levels.dropna(), np.sqrt(12 * 0.25 * 2 / 23))  # 12 closes at 100, 12 at 101
    assert changes.iloc[-HOURS:].isna().all() and changes.iloc[: -HOURS].notna().all()


def test_dollar_target_scales_with_price_and_log_rv_does_not():
    sigma = 0.004
    bars = make_bars(8000, seed=1, sigma=sigma, drift=np.log(20.0) / 8000)  # price × 20, constant volatility
    dollar = technical.future_dollar_volatility(bars, HOURS)
    log_rv = technical.future_log_realized_vol(bars, HOURS)
    quarter = len(bars) // 4
    first, last = slice(0, quarter), slice(-quarter - HOURS, -HOURS)
    price_ratio = bars["close"].iloc[last].mean() / bars["close"].iloc[first].mean()
    assert price_ratio > 5
    assert dollar.iloc[last].mean() / dollar.iloc[first].mean() == pytest.approx(price_ratio, rel=0.1)
    relative = dollar / bars["close"]
    assert relative.iloc[last].mean() == pytest.approx(relative.iloc[first].mean(), rel=0.05)
    assert log_rv.iloc[last].mean() - log_rv.iloc[first].mean() == pytest.approx(0.0, abs=0.03)
    assert log_rv.mean() == pytest.approx(np.log(sigma * np.sqrt(HOURS)), abs=0.05)
    # exact scale behaviour
    scaled = bars.assign(**{c: bars[c] * 10.0 for c in ("open", "high", "low", "close")})
    np.testing.assert_allclose(technical.future_dollar_volatility(scaled, HOURS), 10 * dollar, rtol=1e-9)
    np.testing.assert_allclose(technical.future_log_realized_vol(scaled, HOURS), log_rv, atol=1e-12)
    # the future target is the trailing quantity h bars later
    trailing = technical.trailing_log_realized_vol(bars, HOURS)
    np.testing.assert_array_equal(log_rv.to_numpy()[:-HOURS], trailing.to_numpy()[HOURS:])


def test_flat_prices_make_the_log_target_an_error():
    bars = make_bars(200)
    bars.iloc[100:130, :4] = bars["close"].iloc[99]
    with pytest.raises(DataError, match="positive realized variance") as err:
        technical.future_log_realized_vol(bars, HOURS)
    assert err.value.row == 100 + HOURS - 1


# ---------------------------------------------------------------------------------------------------------
# experiment data


@pytest.fixture(scope="module")
def bars5000() -> pd.DataFrame:
    return make_bars(6000, seed=7)


def test_faithful_windows_reproduce_the_logs_batch_counts(bars5000):
    data = techlog.experiment_data(bars5000, variant="faithful")
    sizes = {part: len(getattr(data, part).y) for part in ("train", "val", "test")}
    assert sizes == {"train": 3321, "val": 693, "test": 694}
    batches = {part: -(-n // techlog.BATCH_SIZE) for part, n in sizes.items()}
    assert batches["train"] == techlog.LOG_BATCHES["train"] and batches["test"] == techlog.LOG_BATCHES["test"]
    report = data.report
    assert report.rows_in == 5000 and report.rows_out == sum(sizes.values())
    assert report.count(techlog.RULE_WARMUP) == technical.TREND_BARS - 1
    assert report.count(techlog.RULE_TAIL) == HOURS
    assert report.count(techlog.RULE_LOOKBACK) == 3 * (data.lookback - 1)
    assert report.count(techlog.RULE_PURGED) == 0 and report.count(techlog.RULE_GAPS) == 0
    assert 5000 - 199 - 24 == sum(sizes.values()) + report.count(techlog.RULE_LOOKBACK)
    assert data.train.X.shape == (3321, 24, len(data.features)) and data.train.X.dtype == np.float32
    assert data.y_scaler is None and data.units == "USD"


def test_faithful_arrays_match_their_definitions(bars5000):
    data = techlog.experiment_data(bars5000, variant="faithful")
    sample = bars5000.iloc[-5000:]
    features = technical.technical_indicators(sample)
    train_rows = features.iloc[199:199 + 3344]  # the 70 % of the 4,777 usable rows
    np.testing.assert_allclose(data.x_scaler.mean, train_rows.mean(), rtol=1e-12)
    for part in (data.train, data.test):
        i = len(part.y) // 2
        np.testing.assert_allclose(part.X[i, -1], data.x_scaler.transform(features.loc[part.dates[i]]), rtol=1e-5)
        np.testing.assert_allclose(part.X[i, 0], data.x_scaler.transform(features.shift(23).loc[part.dates[i]]),
                                   rtol=1e-5)
        dollars = technical.future_dollar_volatility(sample, HOURS).loc[part.dates]
        np.testing.assert_allclose(part.y, dollars, rtol=1e-6)
        trailing = technical.future_dollar_volatility(sample, HOURS).shift(HOURS).loc[part.dates]
        np.testing.assert_allclose(part.current, trailing, rtol=1e-6)


def test_parts_do_not_overlap_and_corrected_origins_are_purged(bars5000):
    position = pd.Series(np.arange(len(bars5000)), index=bars5000.index)
    for variant in ("faithful", "corrected"):
        data = techlog.experiment_data(bars5000, variant=variant)
        parts = [data.train, data.val, data.test]
        for earlier, later in zip(parts, parts[1:]):
            first_row_of_later = position[later.dates[0]] - (data.lookback - 1)
            last_target_hour = position[earlier.dates[-1]] + data.horizon
            assert position[earlier.dates[-1]] < first_row_of_later  # inputs never shared
            if variant == "corrected":
                assert last_target_hour < first_row_of_later  # targets never reach the next part
                assert last_target_hour == first_row_of_later - 1
            else:
                assert last_target_hour == first_row_of_later - 1 + data.horizon  # the script's leak
        assert data.purge == (variant == "corrected")
    corrected = techlog.experiment_data(bars5000, variant="corrected")
    assert corrected.report.count(techlog.RULE_PURGED) == 2 * HOURS
    assert corrected.report.count(techlog.RULE_WARMUP) == max(techlog.HAR_HOURS) + HOURS - 1


def test_corrected_target_is_a_train_zscore_of_log_rv(bars5000):
    data = techlog.experiment_data(bars5000, variant="corrected")
    assert data.units == "log realized volatility"
    assert data.features[:3] == ("har_rv_1", "har_rv_168", "har_rv_720")
    assert float(np.mean(data.train.y)) == pytest.approx(0.0, abs=1e-5)
    assert float(np.std(data.train.y)) == pytest.approx(1.0, abs=1e-5)
    sample = bars5000.iloc[-5000:]
    for part in (data.train, data.test):
        np.testing.assert_allclose(data.to_units(part.y), technical.future_log_realized_vol(sample).loc[part.dates],
                                   atol=1e-5)
        np.testing.assert_allclose(data.to_units(part.current),
                                   technical.trailing_log_realized_vol(sample).loc[part.dates], atol=1e-5)


def test_stride_keeps_non_overlapping_evaluation_origins(bars5000):
    hourly = techlog.experiment_data(bars5000, variant="corrected")
    daily = techlog.experiment_data(bars5000, variant="corrected", stride=HOURS)
    assert len(daily.train.y) == len(hourly.train.y)
    for a, b in ((hourly.val, daily.val), (hourly.test, daily.test)):
        assert b.dates.equals(a.dates[::HOURS])
        assert ((b.dates[1:] - b.dates[:-1]) == pd.Timedelta(hours=HOURS)).all()
        np.testing.assert_array_equal(b.y, a.y[::HOURS])
    skipped = (len(hourly.val.y) - len(daily.val.y)) + (len(hourly.test.y) - len(daily.test.y))
    assert daily.report.count(techlog.RULE_STRIDE) == skipped


@pytest.mark.parametrize("variant", ["faithful", "corrected"])
def test_training_arrays_ignore_bars_after_the_training_part_unless_unpurged(bars5000, variant):
    data = techlog.experiment_data(bars5000, variant=variant)
    cut = bars5000.index.get_loc(data.val.dates[0]) - (data.lookback - 1)  # first row of the validation part
    future = bars5000.copy()
    future.iloc[cut:, :4] *= 3.0
    other = techlog.experiment_data(future, variant=variant)
    np.testing.assert_array_equal(other.train.X, data.train.X)
    np.testing.assert_array_equal(other.x_scaler.mean, data.x_scaler.mean)
    changed = np.flatnonzero(other.train.y != data.train.y)
    if variant == "faithful":  # the script's leak: the last h training targets use validation bars
        np.testing.assert_array_equal(changed, np.arange(len(data.train.y) - HOURS, len(data.train.y)))
    else:
        assert changed.size == 0
    # tripling later prices triples the dollar targets; log returns, hence the log-RV targets, are unchanged
    assert np.allclose(other.test.y, data.test.y) == (variant == "corrected")


def test_bad_inputs_are_errors(bars5000):
    with pytest.raises(ConfigError, match="n_bars"):
        techlog.experiment_data(bars5000.iloc[:4000])
    with pytest.raises(ConfigError, match="variant"):
        techlog.experiment_data(bars5000, variant="proper")
    with pytest.raises(ConfigError, match="split"):
        techlog.experiment_data(bars5000, split=(0.8, 0.2))
    with pytest.raises(DataError, match="required columns"):
        technical.technical_indicators(bars5000.drop(columns="volume"))
    flat = bars5000.copy()
    flat.iloc[3000:3021] = flat.iloc[3000:3021].assign(open=5e4, high=5.001e4, low=4.999e4, close=5e4)
    # 20 equal closes: Bollinger %B is 0/0 at the 20th (row 3019 of the bars, 2019 of the 5,000-bar sample)
    with pytest.raises(DataError, match="defined after the warm-up") as err:
        techlog.experiment_data(flat)
    assert err.value.row == 2019 and "bb_pct_b" in err.value.detail


# ---------------------------------------------------------------------------------------------------------
# baselines and the decomposition


def test_naive_baselines(bars5000):
    data = techlog.experiment_data(bars5000, variant="faithful")
    result = techlog.naive_baselines(data)
    table = result.forecasts
    assert list(table.columns) == ["actual", "train_mean", "persistence"]
    assert table.index.equals(data.test.dates)
    mean = float(np.mean(data.train.y.astype(float)))
    np.testing.assert_allclose(table["train_mean"], mean)
    parts = techlog.mse_decomposition(table["actual"], table["train_mean"])
    assert result.r2["train_mean"] == pytest.approx(-parts.bias_sq / parts.var_actual, rel=1e-9)
    np.testing.assert_allclose(table["persistence"], data.test.current, rtol=1e-6)
    assert result.r2["persistence"] == pytest.approx(evaluate.r2(table["actual"], table["persistence"]))


def test_har_forecasts_persistent_volatility():
    n = 6000
    rng = np.random.default_rng(11)
    log_vol = np.empty(n)
    log_vol[0] = np.log(0.005)
    shocks = 0.05 * rng.standard_normal(n)
    for t in range(1, n):  # AR(1) log-volatility, half-life ≈ 3 days
        log_vol[t] = np.log(0.005) + 0.99 * (log_vol[t - 1] - np.log(0.005)) + shocks[t]
    bars = make_bars(n, seed=12, log_vol=log_vol)
    data = techlog.experiment_data(bars, n_bars=None, variant="corrected")
    har = techlog.har_baseline(bars, data)
    naive = techlog.naive_baselines(data)
    assert har.forecasts.index.equals(data.test.dates)
    np.testing.assert_allclose(har.forecasts["actual"], naive.forecasts["actual"], atol=1e-5)
    assert har.fit.nobs == len(data.train.y)
    assert har.r2["har"] > 0.2
    assert har.r2["har"] > naive.r2["train_mean"]


def test_mse_decomposition_adds_up():
    rng = np.random.default_rng(5)
    y = rng.gamma(3.0, 100.0, 500)
    f = 0.3 * y + rng.normal(200.0, 40.0, 500)
    parts = techlog.mse_decomposition(y, f)
    assert parts.bias_sq + parts.spread_sq + parts.unexplained == pytest.approx(np.mean((y - f) ** 2), rel=1e-12)
    assert parts.mse == pytest.approx(np.mean((y - f) ** 2), rel=1e-15)
    assert parts.r2 == pytest.approx(evaluate.r2(y, f), rel=1e-12)
    assert parts.correlation == pytest.approx(np.corrcoef(y, f)[0, 1], rel=1e-12)
    frame = parts.to_frame()
    assert frame["share of MSE"].sum() == pytest.approx(1.0)
    assert 1 - frame["share of Var(y)"].sum() == pytest.approx(parts.r2)
    constant = techlog.mse_decomposition(y, np.full_like(y, y.mean() + 10.0))
    assert constant.correlation == 0.0 and constant.spread_sq == 0.0 and constant.sd_forecast == 0.0
    assert constant.bias_sq == pytest.approx(100.0)
    assert constant.r2 == pytest.approx(-100.0 / y.var())
    with pytest.raises(DataError):
        techlog.mse_decomposition(np.ones(5), np.arange(5.0))


def test_log_implied_moments():
    moments = techlog.log_implied_moments()
    assert moments["train_mean"] == pytest.approx(620.5, abs=0.1)
    assert moments["train_cv"] == pytest.approx(0.434, abs=0.001)
    assert moments["test_sd"] ** 2 * (1 - TECHLOG_TEST["r2"]) == pytest.approx(TECHLOG_TEST["mse"])
    assert moments["test_cv"] == pytest.approx(0.287, abs=0.001)


@pytest.mark.skipif(not os.environ.get("VOLREP_DATA_DIR"), reason="VOLREP_DATA_DIR not set")
def test_dollar_target_scale_on_the_mirror():
    from volrep import data as datasets

    bars = datasets.load("binance_btcusdt_1h_cdd", progress=False).frame
    data = techlog.experiment_data(bars, variant="faithful")
    assert -(-len(data.train.y) // techlog.BATCH_SIZE) == techlog.LOG_BATCHES["train"]
    assert -(-len(data.test.y) // techlog.BATCH_SIZE) == techlog.LOG_BATCHES["test"]
    assert data.test.dates[-1] >= pd.Timestamp("2020-12-28", tz="UTC")
    naive = techlog.naive_baselines(data).forecasts
    mse = evaluate.rmse(naive["actual"], naive["train_mean"]) ** 2
    mae = evaluate.mae(naive["actual"], naive["train_mean"])
    assert TECHLOG_TEST["mse"] / 10 < mse < TECHLOG_TEST["mse"] * 10
    assert TECHLOG_TEST["mae"] / 10 < mae < TECHLOG_TEST["mae"] * 10
    readings = techlog.dollar_target_readings(bars)
    assert readings.loc["changes", "train_mean_mse"] == pytest.approx(mse, rel=1e-4)
    assert readings.loc["levels", "train_cv"] > readings.loc["changes", "train_cv"]
    assert readings.loc["levels", "train_pct_of_price"] > 1.5 * readings.loc["changes", "train_pct_of_price"]
