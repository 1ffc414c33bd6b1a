"""Chapter 07 helpers: intraday RV sequences, network inputs, training protocol, selection, paper comparison."""

import numpy as np
import pandas as pd
import pytest
import torch

from volrep import config, evaluate, papers, rv, targets
from volrep.chapters import cnn_lstm_mtf as ch
from volrep.chapters import cnn_lstm_mtf_data as ch_data
from volrep.chapters import cnn_lstm_mtf_tables as tables
from volrep.errors import ConfigError, DataError
from volrep.models import forecaster, mtf
from volrep.models.nets import HuangCNNLSTM, HuangLSTM, start_sigmoid_at


def _returns(days=3, freq="1h", seed=0):
    idx = pd.date_range("2021-01-01", periods=days * 24 * 60 // int(pd.Timedelta(freq).total_seconds() / 60), freq=freq)
    return pd.Series(np.random.default_rng(seed).standard_normal(len(idx)) * 0.01, index=idx)


def _design(days=200, seed=0):
    """A persistent log-AR(1) daily variance; intraday RVs are its 24 equal shares times chi-square noise."""
    rng = np.random.default_rng(seed)
    log_v = np.zeros(days)
    for t in range(1, days):
        log_v[t] = 0.95 * log_v[t - 1] + 0.3 * rng.standard_normal()
    days_idx = pd.date_range("2021-01-01", periods=days, freq="D", name="day")
    intraday = np.exp(log_v - 9)[:, None] / 24 * rng.chisquare(1, (days, 24))
    frame = pd.DataFrame(intraday, index=days_idx)
    return ch_data.Design(frame.sum(axis=1), {"1h": frame})


def test_intraday_rv_rows_are_days_and_sum_to_the_daily_rv():
    r = _returns()
    frame = ch_data.intraday_rv(r, 24, source="test")
    assert frame.shape == (3, 24) and frame.index[1] == pd.Timestamp("2021-01-02")
    np.testing.assert_allclose(frame.iloc[1].to_numpy(), r.iloc[24:48].to_numpy() ** 2)
    np.testing.assert_allclose(frame.sum(axis=1).to_numpy(), rv.realized_variance(r, "1D").to_numpy())


def test_intraday_rv_names_the_row_and_rule_of_bad_input():
    r = _returns()
    with pytest.raises(DataError, match=r"row 5.*no missing"):
        ch_data.intraday_rv(r.where(r.index != r.index[5]), 24, source="test")
    with pytest.raises(DataError, match="whole days"):
        ch_data.intraday_rv(r.iloc[1:], 24, source="test")
    with pytest.raises(DataError, match="whole days"):
        ch_data.intraday_rv(r.iloc[:-1], 24, source="test")
    one_late = r.iloc[-1:].set_axis([r.index[-1] + pd.Timedelta("1h")])
    with pytest.raises(DataError, match=r"row 30.*regular"):  # an hour missing, one more at the end: whole days, a gap
        ch_data.intraday_rv(pd.concat([r.iloc[:30], r.iloc[31:], one_late]), 24, source="test")


def test_netspec_labels_and_rules():
    assert ch.NetSpec("15min").label == "LSTM (15min)"
    assert ch.NetSpec("15min", "intraday", 16).label == "MTF-16-CNN + LSTM (15min)"
    assert ch.NetSpec("HAR", "7 days", 7).label == "MTF-7-CNN + LSTM (HAR + MTF of 7 daily RVs)"
    for bad in (dict(sequence="HAR", size=4), dict(sequence="HAR", image="intraday", size=4),
                dict(sequence="HAR", image="7 days", size=30), dict(sequence="15min", image="weekly", size=7)):
        with pytest.raises(ConfigError):
            ch.NetSpec(**bad)


def test_table_specs_keep_divisors_and_the_full_size_images():
    specs = ch.table_specs("10min", (48, 32, 16, 9, 4), ("30min", "1h"), ("5min",), extra=("15min",))
    assert [s.size for s in specs["6"]] == [None, 48, 16, 9, 4]  # 32 does not divide 144
    assert [s.label for s in specs["10"]][2:] == ["MTF-24-CNN + LSTM (1h)", "MTF-48-CNN + LSTM (30min)",
                                                  "MTF-144-CNN + LSTM (10min)", "MTF-288-CNN + LSTM (5min)"]
    quick = [s.label for s in ch.table_specs("10min", (16,), ("30min", "1h"), ("5min",), full_size_finest=False)["10"]]
    assert quick[2:] == ["MTF-24-CNN + LSTM (1h)", "MTF-48-CNN + LSTM (30min)"]  # no 144 × 144, no 288 × 288
    assert [s.sequence for s in specs["9"]] == ["HAR", "1 day", "1h", "30min", "10min", "5min", "15min"]
    assert all(s.image is None for s in specs["9"])


def test_design_inputs_have_the_shapes_and_values_of_each_day():
    d = _design(60)
    pos = d.positions(d.usable_origins(d.daily_rv.index))
    assert pos[0] == ch_data.HISTORY_DAYS - 1 and len(pos) == 60 - ch_data.HISTORY_DAYS + 1
    with pytest.raises(ConfigError, match="history"):
        d.positions(d.daily_rv.index[:5])
    assert d.sequence("1h", pos).shape == (len(pos), 24, 1)
    har = d.sequence("HAR", pos)
    assert har.shape == (len(pos), 1, 3)
    assert har[0, 0, 2] == pytest.approx(d.daily_rv.iloc[:30].mean())
    img = d.image(ch.NetSpec("HAR", "7 days", 7), pos)
    np.testing.assert_allclose(img[3], mtf.markov_transition_field(d.daily_rv.to_numpy()[pos[3] - 6:pos[3] + 1][None])[0],
                               rtol=1e-6)
    blurred = d.image(ch.NetSpec("1h", "intraday", 4), pos)
    full = mtf.markov_transition_field(d.intraday["1h"].to_numpy()[pos])
    np.testing.assert_allclose(blurred, mtf.blur(full, 4), rtol=1e-5)


def test_sigmoid_start_sets_the_untrained_forecast():
    config.seed_everything(0)
    model = HuangLSTM(3, 5)
    torch.nn.init.zeros_(model.head.weight)
    start_sigmoid_at(model, 0.02)
    out = model.eval()(torch.randn(4, 1, 3))
    assert torch.allclose(out, torch.full((4,), 0.02), atol=1e-6)
    cnn = HuangCNNLSTM(8, 1, 5)
    start_sigmoid_at(cnn, 0.5)
    assert cnn.head.bias.item() == 0.0
    with pytest.raises(ConfigError):
        start_sigmoid_at(model, 1.0)


def test_train_net_forecasts_stay_in_the_training_range_and_follow_the_level():
    d = _design(300)
    split = targets.named_split(d.daily_rv.index, "huang_80_20")
    run = ch.train_net(ch.NetSpec("HAR"), d, split, 1, batch_size=32, neurons=5, epochs=100, seed=0)
    fc = run.forecasts["test"]
    assert fc.index.equals(split.origins("test", 1)) and list(run.forecasts) == ["test"]
    y_train = targets.horizon_target(d.daily_rv, 1).loc[d.usable_origins(split.origins("train", 1))]
    assert (fc >= y_train.min()).all() and (fc <= y_train.max()).all()  # a sigmoid cannot leave the range
    truth = targets.horizon_target(d.daily_rv, 1).loc[fc.index]
    constant = tables.training_mean_forecasts(d.daily_rv, split, [1])[1]
    assert evaluate.rmse(truth, fc) < 0.9 * evaluate.rmse(truth, constant)  # it learned the level, not a constant
    again = ch.train_net(ch.NetSpec("HAR"), d, split, 1, batch_size=32, neurons=5, epochs=100, seed=0)
    pd.testing.assert_series_equal(again.forecasts["test"], fc)


def test_train_net_on_a_validation_split_forecasts_both_later_parts():
    d = _design(200)
    split = targets.with_validation(targets.named_split(d.daily_rv.index, "huang_90_10"), 1 / 9)
    run = ch.train_net(ch.NetSpec("1h", "intraday", 4), d, split, 7, batch_size=64, neurons=3, epochs=2, seed=1)
    assert list(run.forecasts) == ["val", "test"]
    assert run.forecasts["val"].index.equals(split.origins("val", 7))
    frame = tables.runs_frame([run], d.daily_rv)
    assert {"val_rmse", "test_rmse"} <= set(frame.columns) and frame.loc[0, "horizon"] == 7


def test_network_is_a_forecaster_giving_train_nets_forecasts():
    d = _design(120)
    split = targets.named_split(d.daily_rv.index, "huang_80_20")
    spec = ch.NetSpec("HAR", "7 days", 7)
    net = ch.network(spec, d, batch_size=32, neurons=3, epochs=2)
    assert isinstance(net, forecaster.Forecaster) and net.label == spec.label
    run = ch.train_net(spec, d, split, 7, batch_size=32, neurons=3, epochs=2, seed=3)
    fc = forecaster.out_of_sample(net, d.daily_rv, split, [7], seed=3)[7]
    np.testing.assert_array_equal(fc.to_numpy(), run.forecasts["test"].to_numpy())
    assert fc.index.equals(run.forecasts["test"].index) and fc.name == run.forecasts["test"].name == spec.label
    fitted = net.fit(d.daily_rv, split, [7], seed=3)
    assert isinstance(fitted.models[7], ch.TrainedNet) and len(fitted.models[7].history.train_loss) == 2


def test_network_seed_decides_and_the_callers_generator_is_left_alone():
    d = _design(120)
    split = targets.named_split(d.daily_rv.index, "huang_80_20")
    forecasts = []
    for outside in (1, 2):
        torch.manual_seed(outside)
        state = torch.get_rng_state()
        run = ch.train_net(ch.NetSpec("1h"), d, split, 1, batch_size=32, neurons=3, epochs=2, seed=0)
        assert torch.equal(torch.get_rng_state(), state)
        forecasts.append(run.forecasts["test"])
    pd.testing.assert_series_equal(forecasts[0], forecasts[1])
    other = ch.train_net(ch.NetSpec("1h"), d, split, 1, batch_size=32, neurons=3, epochs=2, seed=1)
    assert not np.array_equal(other.forecasts["test"].to_numpy(), forecasts[0].to_numpy())


def test_network_names_what_it_cannot_train_or_forecast():
    d = _design(120)
    split = targets.named_split(d.daily_rv.index, "huang_80_20")
    net = ch.network(ch.NetSpec("HAR"), d, batch_size=32, neurons=3, epochs=1)
    with pytest.raises(ConfigError, match="needs a seed"):
        net.fit(d.daily_rv, split, [1], seed=None)
    with pytest.raises(ConfigError, match="must be design.daily_rv"):
        net.fit(d.daily_rv * 2, split, [1], seed=0)
    fitted = net.fit(d.daily_rv, split, [1], seed=0)
    with pytest.raises(ConfigError, match=r"30 days of history; 5 have fewer \(first: 2021-01-01, 2021-01-02"):
        fitted.forecast({1: d.daily_rv.index[:5]})
    with pytest.raises(DataError, match=r"days of the design.*1 origins are not, the first 2020-12-31"):
        fitted.forecast({1: pd.DatetimeIndex(["2021-03-01", "2020-12-31"])})


def test_selection_table_picks_by_each_rule_and_measures_the_optimism():
    frame = pd.DataFrame({
        "label": "m", "horizon": 1, "seed": 0,
        "batch_size": [32, 32, 64, 64], "neurons": [5, 10, 5, 10],
        "val_rmse": [1.0, 2.0, 3.0, 4.0], "test_rmse": [2.2, 2.0, 2.1, 2.4],
    })
    t = tables.selection_table(frame).loc[("m", 1)]
    assert t["test_pick"] == "B=32, N=10" and t["test_selected_rmse"] == 2.0
    assert t["val_pick"] == "B=32, N=5" and t["val_selected_rmse"] == 2.2
    assert t["optimism_pct"] == pytest.approx(10.0) and t["grid_median_rmse"] == pytest.approx(2.15)


def test_paper_vs_ours_matches_the_papers_rows_on_its_own_frequencies():
    specs = ch.table_specs("10min", (144, 16, 32, 6), ("30min", "1h"), ("5min",), extra=("15min",))
    labels = list(dict.fromkeys(s.label for t in specs.values() for s in t))
    ours = pd.DataFrame(0.0, index=["HAR", *labels], columns=[1, 7])
    t6 = tables.paper_vs_ours(papers.huang_neural_table(6), ours, specs["6"])
    assert set(t6.index.get_level_values("label")) == {"LSTM (10min)", "MTF-144-CNN + LSTM (10min)",
                                                       "MTF-16-CNN + LSTM (10min)", "MTF-6-CNN + LSTM (10min)"}
    assert t6.loc[("MTF-16-CNN + LSTM (10min)", 7), "paper_pct"] == pytest.approx(6.96, abs=0.01)
    assert t6.loc[("MTF-6-CNN + LSTM (10min)", 7), "paper_row"] == "MTF-6-CNN + LSTM (10min)"
    t9 = tables.paper_vs_ours(papers.huang_neural_table(9), ours, specs["9"])
    assert set(t9.index.get_level_values("label")) == {"LSTM (HAR)", "LSTM (1 day)", "LSTM (1h)", "LSTM (30min)",
                                                       "LSTM (10min)", "LSTM (5min)"}  # the 15-minute row has none
    t10 = tables.paper_vs_ours(papers.huang_neural_table(10), ours, specs["10"])
    assert t10.loc[("MTF-288-CNN + LSTM (5min)", 7), "paper_row"] == "MTF-288-CNN + LSTM (5min)"
    assert t10.loc[("MTF-24-CNN + LSTM (1h)", 1), "paper_pct"] == pytest.approx(-5.37, abs=0.01)


def test_paper_vs_ours_maps_a_stand_in_frequency_to_the_papers_row():
    specs = ch.table_specs("15min", (16, 32), ("30min", "1h"))
    labels = [s.label for s in specs["6"] + specs["10"]]
    ours = pd.DataFrame(0.0, index=["HAR", *labels], columns=[1, 7])
    t6 = tables.paper_vs_ours(papers.huang_neural_table(6), ours, specs["6"], {"15min": "10min"})
    assert set(t6.index.get_level_values("label")) == {"LSTM (15min)", "MTF-16-CNN + LSTM (15min)"}  # no MTF-32 row
    t10 = tables.paper_vs_ours(papers.huang_neural_table(10), ours, specs["10"], {"15min": "10min"})
    assert t10.loc[("MTF-96-CNN + LSTM (15min)", 7), "paper_row"] == "MTF-144-CNN + LSTM (10min)"
    assert "MTF-96-CNN + LSTM (15min)" not in tables.paper_vs_ours(papers.huang_neural_table(10), ours, specs["10"]).index


def test_relative_claims_verdict_rules():
    table = pd.DataFrame({"paper_row": "x", "paper_pct": [1.5, 1.5, 1.0, 9.77, 0.3, 1.5, 1.5],
                          "ours_pct": [0.0, -0.4, 3.5, -1.0, -0.3, 1.9, 2.5]},
                         index=pd.MultiIndex.from_tuples([("a", 1), ("a", 7), ("a", 30), ("b", 7), ("b", 1), ("c", 1),
                                                          ("c", 7)], names=["label", "horizon"]))
    claimed = {("b", 1): "huang.T7.b.h1_t"}  # judged in an earlier table: not claimed again
    claims = tables.relative_claims(table, table_id="9", source="t", variant="proper", claimed=claimed,
                                provisional={"c": True})
    assert [c.verdict for c in claims] == ["not reproduced", "not reproduced", "not reproduced", "not reproduced",
                                           "reproduced", "partly"]  # zero, opposite signs, ×3.5, opposite; close; ×1.7
    assert "huang.T9.b.h1_t" not in {c.id for c in claims} and claimed[("a", 1)] == "huang.T9.a.h1_t"
    assert [c.provisional for c in claims] == [False] * 4 + [True, True]
    assert all(c.judgement.rule.startswith("effect") for c in claims)


def test_benchmark_helpers():
    d = _design(300)
    split = targets.named_split(d.daily_rv.index, "huang_90_10")
    mean = tables.training_mean_forecasts(d.daily_rv, split, [7])[7]
    assert mean.nunique() == 1
    assert mean.iloc[0] == pytest.approx(targets.horizon_target(d.daily_rv, 7).loc[split.origins("train", 7)].mean())
    y = targets.horizon_target(d.daily_rv, 7).loc[mean.index]
    dm = tables.dm_table({"HAR": {7: mean}, "perfect-ish": {7: y + 1e-9}}, {7: y})
    assert dm.loc[("perfect-ish", 7), "dm"] < 0 and dm.loc[("perfect-ish", 7), "p_value"] < 0.05
    roll = tables.rolling_rmse(pd.Series([1.0, 2.0, 3.0]), {"m": pd.Series([1.0, 1.0, 1.0])}, 2)
    np.testing.assert_allclose(roll["m"].to_numpy(), [np.nan, np.sqrt(0.5), np.sqrt(2.5)])


def _minute_bars(days=3, start="2021-01-01", seed=0, drop=()):
    """Binance-like 1-minute klines (open-time index, close, close_time = open + 59.999 s), minutes ``drop`` removed."""
    opens = pd.date_range(start, periods=days * 1440, freq="1min")
    close = 100 * np.exp(np.cumsum(np.random.default_rng(seed).standard_normal(len(opens)) * 1e-3))
    bars = pd.DataFrame({"close": close, "close_time": opens + pd.Timedelta("59.999s")}, index=opens)
    return bars.drop(index=pd.DatetimeIndex(list(drop)))


def test_intraday_from_prices_equals_grid_returns_at_every_frequency():
    times, prices = rv.bar_observations(_minute_bars(drop=["2021-01-02 10:04", "2021-01-03 23:59"]))
    freqs = ("10min", "5min", "30min", "1h", "15min")
    intraday, returns = ch_data.intraday_from_prices(times, prices, freqs, start="2021-01-02", end="2021-01-04",
                                                     source="t")
    assert list(intraday) == list(freqs)
    for f in freqs:
        frame = intraday[f]
        assert frame.shape == (2, rv.intervals_per_day(f)) and frame.index[1] == pd.Timestamp("2021-01-03")
        r = rv.grid_returns(times, prices, f, start="2021-01-02", end="2021-01-04")
        np.testing.assert_allclose(frame.to_numpy().ravel(), r.to_numpy() ** 2, rtol=1e-12, atol=0)
    np.testing.assert_allclose(returns.to_numpy(), rv.grid_returns(times, prices, "1D", start="2021-01-02",
                                                                   end="2021-01-04").to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(intraday["10min"].sum(axis=1).to_numpy(),  # the row sum is the day's RV
                               rv.daily_realized_variance(times, prices, "10min", start="2021-01-02",
                                                          end="2021-01-04").to_numpy(), rtol=1e-12)


def test_a_missing_minute_carries_the_last_price_forward():
    full = _minute_bars()
    t0, p0 = rv.bar_observations(full)
    window = dict(start="2021-01-02", end="2021-01-03", source="t")
    base, _ = ch_data.intraday_from_prices(t0, p0, ("1min", "10min"), **window)
    # inside an interval: the 10-minute returns do not change; the minute's own return is exactly zero
    t1, p1 = rv.bar_observations(full.drop(index=pd.Timestamp("2021-01-02 10:04")))
    inside, _ = ch_data.intraday_from_prices(t1, p1, ("1min", "10min"), **window)
    pd.testing.assert_frame_equal(inside["10min"], base["10min"])
    assert inside["1min"].iloc[0, 10 * 60 + 4] == 0.0 and inside["1min"].iloc[0, 10 * 60 + 3] > 0
    # the last minute of an interval: the move to its close lands in the next interval, the two together unchanged
    t2, p2 = rv.bar_observations(full.drop(index=pd.Timestamp("2021-01-02 10:09")))
    edge, _ = ch_data.intraday_from_prices(t2, p2, ("10min",), **window)
    k = 10 * 6  # the interval 10:00-10:10
    log_c = np.log(full["close"])
    assert edge["10min"].iloc[0, k] == pytest.approx((log_c["2021-01-02 10:08"] - log_c["2021-01-02 09:59"]) ** 2)
    assert edge["10min"].iloc[0, k + 1] == pytest.approx((log_c["2021-01-02 10:19"] - log_c["2021-01-02 10:08"]) ** 2)
    assert edge["10min"].iloc[0, k] != pytest.approx(base["10min"].iloc[0, k])
    pd.testing.assert_frame_equal(edge["10min"].drop(columns=[k, k + 1]), base["10min"].drop(columns=[k, k + 1]))


def test_an_outage_gives_zero_returns_not_missing_ones():
    lost = pd.date_range("2021-01-02 03:00", "2021-01-02 05:59", freq="1min")  # three hours without a bar
    times, prices = rv.bar_observations(_minute_bars(drop=lost))
    intraday, _ = ch_data.intraday_from_prices(times, prices, ("1h",), start="2021-01-02", end="2021-01-03", source="t")
    row = intraday["1h"].iloc[0]
    assert row.notna().all() and (row.iloc[3:6] == 0).all() and (row.drop(index=[3, 4, 5]) > 0).all()


def test_intraday_from_prices_wants_whole_days_with_data():
    times, prices = rv.bar_observations(_minute_bars())
    with pytest.raises(ConfigError, match="midnights"):
        ch_data.intraday_from_prices(times, prices, ("10min",), start="2021-01-02 00:10", end="2021-01-03", source="t")
    with pytest.raises(ConfigError, match="midnights"):
        ch_data.intraday_from_prices(times, prices, ("10min",), start="2021-01-03", end="2021-01-02", source="t")
    with pytest.raises(ConfigError, match="divide a day"):
        ch_data.intraday_from_prices(times, prices, ("7min",), start="2021-01-02", end="2021-01-03", source="t")
    with pytest.raises(DataError, match=r"row 0.*observation at or before"):  # no price before the first bar's close
        ch_data.intraday_from_prices(times, prices, ("10min",), start="2021-01-01", end="2021-01-03", source="t")


def test_binance_minute_design_counts_the_outages(monkeypatch):
    from volrep import data

    bars = _minute_bars(drop=pd.date_range("2021-01-02 03:00", "2021-01-02 03:24", freq="1min"))

    class Fake:
        frame = bars

        @staticmethod
        def provenance():
            return {"dataset": "fake"}

    monkeypatch.setattr(data, "load", lambda name, progress=False: Fake)
    monkeypatch.setitem(ch_data.BINANCE_WINDOW, "start", "2021-01-02")
    monkeypatch.setitem(ch_data.BINANCE_WINDOW, "end", "2021-01-04")
    design, returns, provenance = ch_data.binance_minute_design(freqs=("10min", "1h"))
    assert provenance["missing_minutes"] == 25 and provenance["empty_intervals"] == 2  # 03:00-03:20 wholly lost
    assert list(design.intraday) == ["10min", "1h"] and len(design.daily_rv) == len(returns) == 2
    np.testing.assert_allclose(design.daily_rv.to_numpy(), design.intraday["10min"].sum(axis=1).to_numpy())
