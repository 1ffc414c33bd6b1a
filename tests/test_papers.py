"""The transcribed paper tables are internally consistent (a typo in transcription would break these)."""

import numpy as np
import pandas as pd
import pytest

from volrep import papers


def test_huang_table2_shape_and_monotone_in_frequency_for_illiquid_years():
    t2 = papers.huang_table2()
    assert t2.shape == (11, 16) and t2.index.tolist() == list(range(2011, 2022))
    assert ((t2 >= 0) & (t2 <= 100)).all().all()
    # in the illiquid years the share of empty intervals can only fall as intervals get longer
    for year in (2011, 2012, 2013):
        assert (np.diff(t2.loc[year].to_numpy()) <= 0).all()
    assert t2.loc[2015, "60min"] == 1.22 and t2.loc[2014, "10min"] == 0.24


def test_huang_table3_percent_changes_match_levels():
    t3 = papers.huang_table3()
    recomputed = 100 * t3["average_rv"].pct_change()
    np.testing.assert_allclose(recomputed[1:], t3["pct_change"][1:].astype(float), atol=0.06)


def test_huang_table4_mean_is_frequency_invariant():
    t4 = papers.huang_table4()
    # annualised 10-min RV averaged over the day equals annualised daily RV (same sum of squares)
    assert t4.loc["mean", ("10min", "original")] == t4.loc["mean", ("1D", "original")]
    assert t4.loc["count", ("10min", "original")] == 144 * t4.loc["count", ("1D", "original")]


def test_outage_dates():
    start, end = papers.HUANG_BITSTAMP_OUTAGE
    assert start < end and (end - start) < pd.Timedelta(days=5)


def test_huang_table5_panel_b_follows_from_panel_a():
    t5 = papers.huang_table5()
    rmse, rel = t5["rmse"], t5["relative_pct"]
    assert rmse.shape == (19, 5) and list(rmse.columns) == [1, 7, 14, 30, 60]
    recomputed = 100 * (1 - rmse / rmse.loc["HAR (tick level)"])
    np.testing.assert_allclose(recomputed.to_numpy(), rel.to_numpy(), atol=0.02)


def test_dhansoia_table3_shape():
    t3 = papers.dhansoia_table3()
    assert t3.loc["HAR", "r2"] == 0.956 and t3["rmse"].idxmin() == "HAR"


def test_dhansoia_tables_4_to_8_consistent():
    t3, t4, t5 = papers.dhansoia_table3(), papers.dhansoia_table4(), papers.dhansoia_table5()
    # Table 4's RMSE improvement is Table 3's transfer vs scratch (rounded inputs)
    rmse_gain = 100 * (1 - t3.loc["Transfer LSTM", "rmse"] / t3.loc["LSTM (from scratch)", "rmse"])
    assert abs(rmse_gain - t4.loc["rmse", "improvement_pct"]) < 0.1
    # Table 5's "vs HAR" for the unfreezing rows is (HAR - model) / HAR on the printed RMSEs
    rel = 100 * (t5.loc["HAR", "rmse"] - t5.loc["Aggressive Fine-tune", "rmse"]) / t5.loc["HAR", "rmse"]
    assert abs(rel - t5.loc["Aggressive Fine-tune", "vs_har_pct"]) < 0.1
    t7 = papers.DHANSOIA_TABLE7
    assert t7["encoder"] + t7["attention"] + t7["head"] == t7["total"]


@pytest.mark.parametrize("number, printed", [
    (6, {("MTF-6-CNN + LSTM", 7): 9.77, ("LSTM", 1): -9.17, ("MTF-24-CNN + LSTM", 14): 2.51}),
    (7, {("LSTM", 7): 1.56, ("MTF-7-CNN + LSTM", 1): -6.60}),
    (9, {("LSTM", 30): 2.85}),
    (10, {("MTF-288-CNN + LSTM", 7): 4.39, ("MTF-24-CNN + LSTM", 1): -5.37}),
])
def test_huang_neural_tables_relative_power_matches_printed_panel_b(number, printed):
    table = papers.huang_neural_table(number)
    rel = table["relative_pct"]
    for (model, h), value in printed.items():
        got = rel.xs(model, level="model")[h]
        assert (abs(got - value) <= 0.011).any(), (model, h, got.tolist())  # Panel B came from unrounded RMSEs
    assert table.index[0] == ("HAR", "HAR") and table.index[-1][0] == "GARCH(1, 1)"
    assert (rel.iloc[0] == 0).all()


def test_huang_neural_table_rejects_unknown_number():
    with pytest.raises(ValueError, match="6, 7, 9, 10"):
        papers.huang_neural_table(8)
