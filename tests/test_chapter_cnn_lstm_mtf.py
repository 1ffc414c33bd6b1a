"""Chapter 07 helpers: intraday RV sequences, network inputs, training protocol, selection, paper comparison."""

import numpy as np
import pandas as pd
import pytest
import torch

from volrep import config, evaluate, papers, rv, targets
from volrep.chapters import cnn_lstm_mtf as ch
from volrep.errors import ConfigError, DataError
from volrep.models import mtf
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
    return ch.Design(frame.sum(axis=1), {"1h": frame})


def test_intraday_rv_rows_are_days_and_sum_to_the_daily_rv():
    r = _returns()
    frame = ch.intraday_rv(r, 24, source="test")
    assert frame.shape == (3, 24) and frame.index[1] == pd.Timestamp("2021-01-02")
    np.testing.assert_allclose(frame.iloc[1].to_numpy(), r.iloc[24:48].to_numpy() ** 2)
    np.testing.assert_allclose(frame.sum(axis=1).to_numpy(), rv.realized_variance(r, "1D").to_numpy())


def test_intraday_rv_names_the_row_and_rule_of_bad_input():
    r = _returns()
    with pytest.raises(DataError, match=r"row 5.*no missing"):
        ch.intraday_rv(r.where(r.index != r.index[5]), 24, source="test")
    with pytest.raises(DataError, match="whole days"):
        ch.intraday_rv(r.iloc[1:], 24, source="test")
    with pytest.raises(DataError, match="whole days"):
        ch.intraday_rv(r.iloc[:-1], 24, source="test")
    one_late = r.iloc[-1:].set_axis([r.index[-1] + pd.Timedelta("1h")])
    with pytest.raises(DataError, match=r"row 30.*regular"):  # an hour missing, one more at the end: whole days, a gap
        ch.intraday_rv(pd.concat([r.iloc[:30], r.iloc[31:], one_late]), 24, source="test")


def test_netspec_labels_and_rules():
    assert ch.NetSpec("15min").label == "LSTM (15min)"
    assert ch.NetSpec("15min", "intraday", 16).label == "MTF-16-CNN + LSTM (15min)"
    assert ch.NetSpec("HAR", "7 days", 7).label == "MTF-7-CNN + LSTM (HAR + MTF of 7 daily RVs)"
    for bad in (dict(sequence="HAR", size=4), dict(sequence="HAR", image="intraday", size=4),
                dict(sequence="HAR", image="7 days", size=30), dict(sequence="15min", image="weekly", size=7)):
        with pytest.raises(ConfigError):
            ch.NetSpec(**bad)


def test_table_specs_keep_divisors_and_the_full_size_images():
    specs = ch.table_specs("15min", (32, 16, 10, 4), ("30min", "1h"))
    assert [s.size for s in specs["6"]] == [None, 32, 16, 4]  # 10 does not divide 96
    assert [s.label for s in specs["10"]][2:] == ["MTF-24-CNN + LSTM (1h)", "MTF-48-CNN + LSTM (30min)",
                                                  "MTF-96-CNN + LSTM (15min)"]
    assert "MTF-96-CNN + LSTM (15min)" not in [s.label for s in ch.table_specs("15min", (16,), ("1h",),
                                                                                 full_size_finest=False)["10"]]
    assert [s.sequence for s in specs["9"]] == ["HAR", "1 day", "1h", "30min", "15min"]


def test_design_inputs_have_the_shapes_and_values_of_each_day():
    d = _design(60)
    pos = d.positions(d.usable_origins(d.daily_rv.index))
    assert pos[0] == ch.HISTORY_DAYS - 1 and len(pos) == 60 - ch.HISTORY_DAYS + 1
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
    constant = ch.training_mean_forecasts(d.daily_rv, split, [1])[1]
    assert evaluate.rmse(truth, fc) < 0.9 * evaluate.rmse(truth, constant)  # it learned the level, not a constant
    again = ch.train_net(ch.NetSpec("HAR"), d, split, 1, batch_size=32, neurons=5, epochs=100, seed=0)
    pd.testing.assert_series_equal(again.forecasts["test"], fc)


def test_train_net_on_a_validation_split_forecasts_both_later_parts():
    d = _design(200)
    split = targets.with_validation(targets.named_split(d.daily_rv.index, "huang_90_10"), 1 / 9)
    run = ch.train_net(ch.NetSpec("1h", "intraday", 4), d, split, 7, batch_size=64, neurons=3, epochs=2, seed=1)
    assert list(run.forecasts) == ["val", "test"]
    assert run.forecasts["val"].index.equals(split.origins("val", 7))
    frame = ch.runs_frame([run], d.daily_rv)
    assert {"val_rmse", "test_rmse"} <= set(frame.columns) and frame.loc[0, "horizon"] == 7


def test_selection_table_picks_by_each_rule_and_measures_the_optimism():
    frame = pd.DataFrame({
        "label": "m", "horizon": 1, "seed": 0,
        "batch_size": [32, 32, 64, 64], "neurons": [5, 10, 5, 10],
        "val_rmse": [1.0, 2.0, 3.0, 4.0], "test_rmse": [2.2, 2.0, 2.1, 2.4],
    })
    t = ch.selection_table(frame).loc[("m", 1)]
    assert t["test_pick"] == "B=32, N=10" and t["test_selected_rmse"] == 2.0
    assert t["val_pick"] == "B=32, N=5" and t["val_selected_rmse"] == 2.2
    assert t["optimism_pct"] == pytest.approx(10.0) and t["grid_median_rmse"] == pytest.approx(2.15)


def test_paper_vs_ours_maps_our_inputs_and_full_size_images_to_the_papers_rows():
    specs = ch.table_specs("15min", (16, 32), ("30min", "1h"))
    labels = [s.label for s in specs["6"] + specs["10"]]
    ours = pd.DataFrame(0.0, index=["HAR", *labels], columns=[1, 7])
    t6 = ch.paper_vs_ours(papers.huang_neural_table(6), ours, specs["6"], {"15min": "10min"})
    assert set(t6.index.get_level_values("label")) == {"LSTM (15min)", "MTF-16-CNN + LSTM (15min)"}  # no MTF-32 row
    assert t6.loc[("MTF-16-CNN + LSTM (15min)", 7), "paper_pct"] == pytest.approx(6.96, abs=0.01)
    t10 = ch.paper_vs_ours(papers.huang_neural_table(10), ours, specs["10"], {"15min": "10min"})
    assert t10.loc[("MTF-96-CNN + LSTM (15min)", 7), "paper_row"] == "MTF-144-CNN + LSTM (10min)"
    assert t10.loc[("MTF-24-CNN + LSTM (1h)", 1), "paper_pct"] == pytest.approx(-5.37, abs=0.01)


def test_relative_claims_verdict_rules():
    table = pd.DataFrame({"paper_row": "x", "paper_pct": [1.5, 1.5, 1.0, 9.77, 0.3, 1.5, 1.5],
                          "ours_pct": [0.0, -0.4, 3.5, -1.0, -0.3, 1.9, 2.5]},
                         index=pd.MultiIndex.from_tuples([("a", 1), ("a", 7), ("a", 30), ("b", 7), ("b", 1), ("c", 1),
                                                          ("c", 7)], names=["label", "horizon"]))
    claimed = {("b", 1): "huang.T7.b.h1_t"}  # judged in an earlier table: not claimed again
    claims = ch.relative_claims(table, table_id="9", source="t", variant="proper", claimed=claimed,
                                provisional={"c": True})
    assert [c.verdict for c in claims] == ["not reproduced", "not reproduced", "not reproduced", "not reproduced",
                                           "reproduced", "partly"]  # zero, opposite signs, ×3.5, opposite; close; ×1.7
    assert "huang.T9.b.h1_t" not in {c.id for c in claims} and claimed[("a", 1)] == "huang.T9.a.h1_t"
    assert [c.provisional for c in claims] == [False] * 4 + [True, True]
    assert all(c.judgement.rule.startswith("effect") for c in claims)


def test_benchmark_helpers():
    d = _design(300)
    split = targets.named_split(d.daily_rv.index, "huang_90_10")
    mean = ch.training_mean_forecasts(d.daily_rv, split, [7])[7]
    assert mean.nunique() == 1
    assert mean.iloc[0] == pytest.approx(targets.horizon_target(d.daily_rv, 7).loc[split.origins("train", 7)].mean())
    y = targets.horizon_target(d.daily_rv, 7).loc[mean.index]
    dm = ch.dm_table({"HAR": {7: mean}, "perfect-ish": {7: y + 1e-9}}, {7: y})
    assert dm.loc[("perfect-ish", 7), "dm"] < 0 and dm.loc[("perfect-ish", 7), "p_value"] < 0.05
    roll = ch.rolling_rmse(pd.Series([1.0, 2.0, 3.0]), {"m": pd.Series([1.0, 1.0, 1.0])}, 2)
    np.testing.assert_allclose(roll["m"].to_numpy(), [np.nan, np.sqrt(0.5), np.sqrt(2.5)])
