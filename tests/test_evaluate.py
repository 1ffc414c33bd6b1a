"""Point metrics against hand-computed values; relative power sign conventions; errors on bad input."""

import math

import numpy as np
import pandas as pd
import pytest

from volrep import evaluate
from volrep.errors import ConfigError, DataError

# y = 1..4 and ŷ below: errors y − ŷ = (−0.5, 0, −0.5, 1); ȳ = mean(ŷ) = 2.5;
# Σ(y − ȳ)² = 5, Σ(ŷ − mean ŷ)² = 2.5, Σ (y − ȳ)(ŷ − mean ŷ) = 3.
Y = np.array([1.0, 2.0, 3.0, 4.0])
F = np.array([1.5, 2.0, 3.5, 3.0])


def test_metrics_match_hand_computed_values():
    assert evaluate.rmse(Y, F) == pytest.approx(math.sqrt(0.375))  # (0.25 + 0 + 0.25 + 1) / 4
    assert evaluate.mae(Y, F) == pytest.approx(0.5)  # (0.5 + 0 + 0.5 + 1) / 4
    assert evaluate.r2(Y, F) == pytest.approx(0.7)  # 1 − 1.5 / 5
    assert evaluate.correlation(Y, F) == pytest.approx(3 / math.sqrt(5 * 2.5))
    # ln(1 + y) = (0, 1), ln(1 + ŷ) = (1, 1): MSLE = (1 + 0) / 2
    assert evaluate.msle([0.0, math.e - 1], [math.e - 1, math.e - 1]) == pytest.approx(0.5)
    # y / ŷ = (2, 1): QLIKE = ((2 − ln 2 − 1) + 0) / 2
    assert evaluate.qlike([2.0, 1.0], [1.0, 1.0]) == pytest.approx((1 - math.log(2)) / 2)


def test_perfect_forecast():
    out = evaluate.point_metrics(Y, Y)
    assert out == pytest.approx({"rmse": 0, "mae": 0, "msle": 0, "r2": 1, "correlation": 1, "qlike": 0, "n": 4,
                                 "n_dropped": 0})
    assert list(out) == [*evaluate.POINT_METRICS, "n", "n_dropped"]


def test_r2_can_be_negative_and_metrics_scale_as_documented():
    assert evaluate.r2(Y, np.full(4, 2.0)) == pytest.approx(1 - 6 / 5)
    c = 1e4
    assert evaluate.rmse(c * Y, c * F) == pytest.approx(c * evaluate.rmse(Y, F))
    assert evaluate.qlike(c * Y, c * F) == pytest.approx(evaluate.qlike(Y, F))
    assert evaluate.correlation(c * Y, c * F) == pytest.approx(evaluate.correlation(Y, F))
    assert evaluate.msle(c * Y, c * F) != pytest.approx(evaluate.msle(Y, F), rel=0.1)  # MSLE depends on units


def test_relative_power_signs_and_huang_table5():
    assert evaluate.relative_power(0.9, 1.0) == pytest.approx(0.1)  # model better: positive
    assert evaluate.relative_power(1.2, 1.0) == pytest.approx(-0.2)  # benchmark better: negative
    assert evaluate.relative_power(1.0, 1.0) == 0.0
    # Huang Table 5: GARCH(1,1) 1-day RMSE 335.87 against HAR 280.13 -> -19.90 %
    assert round(evaluate.relative_power(335.87, 280.13), 4) == -0.1990
    np.testing.assert_allclose(evaluate.relative_power(np.array([0.5, 2.0]), 1.0), [0.5, -1.0])
    # Dhansoia Table 4: R2 0.801 vs 0.749 -> +6.95 % (6.94 from the rounded table values)
    assert evaluate.relative_gain(0.801, 0.749) == pytest.approx(0.0694, abs=1e-4)
    with pytest.raises(DataError, match="benchmark loss > 0"):
        evaluate.relative_power(1.0, 0.0)
    with pytest.raises(DataError, match="non-negative"):
        evaluate.relative_power(-1.0, 1.0)
    with pytest.raises(DataError, match="benchmark score > 0"):
        evaluate.relative_gain(0.5, -0.384)


def test_relative_power_of_a_loss_table_keeps_its_labels():
    table = pd.DataFrame({1: [0.5, 1.0], 7: [3.0, 2.0]}, index=["HAR", "GARCH(1, 1)"])
    rel = evaluate.relative_power(table, table.loc["HAR"])
    expected = pd.DataFrame({1: [0.0, -1.0], 7: [0.0, 1 / 3]}, index=table.index)
    pd.testing.assert_frame_equal(rel, expected)
    pd.testing.assert_frame_equal(100 * rel, 100 * (1 - table / table.loc["HAR"]))  # the percent tables of Huang
    with pytest.raises(DataError, match="matching labels"):
        evaluate.relative_power(table, table.loc["HAR"].rename({7: 14}))


def test_series_are_matched_by_label():
    dates = pd.date_range("2021-01-01", periods=4)
    y = pd.Series(Y, index=dates)
    f = pd.Series(F, index=dates)[::-1]  # same labels, other order
    assert evaluate.rmse(y, f) == pytest.approx(math.sqrt(0.375))
    with pytest.raises(DataError, match="aligned one to one.*indexed differently"):
        evaluate.rmse(y, f.iloc[1:])
    with pytest.raises(DataError, match="aligned one to one.*repeat"):
        evaluate.mae(y, pd.Series(F, index=dates[[0, 0, 1, 2]]))
    with pytest.raises(DataError, match="aligned one to one.*4 actual value"):
        evaluate.rmse(Y, F[:3])


def test_nan_pairs_raise_unless_dropped_and_counted():
    f = F.copy()
    f[2] = np.nan
    with pytest.raises(DataError, match="no missing values") as err:
        evaluate.rmse(Y, f)
    assert err.value.row == 2
    out = evaluate.point_metrics(Y, f, dropna=True, metrics=["rmse", "mae"])
    assert out == pytest.approx({"rmse": math.sqrt(1.25 / 3), "mae": 1.5 / 3, "n": 3, "n_dropped": 1})
    with pytest.raises(DataError, match="finite values"):
        evaluate.mae(Y, [1.0, np.inf, 3.0, 4.0])
    with pytest.raises(DataError, match="numeric"):
        evaluate.mae(Y, ["a", "b", "c", "d"])
    with pytest.raises(DataError, match="at least one pair"):
        evaluate.point_metrics([np.nan], [1.0], dropna=True)


def test_domain_errors_name_the_rule_and_row():
    with pytest.raises(DataError, match="QLIKE needs positive variances") as err:
        evaluate.qlike([1.0, 2.0, 3.0], [1.0, -0.1, 3.0])
    assert err.value.row == 1
    with pytest.raises(DataError, match="MSLE needs actual and forecast > -1"):
        evaluate.msle([-1.0, 0.5], [0.5, 0.5])
    with pytest.raises(DataError, match="non-constant actual"):
        evaluate.r2([2.0, 2.0], [1.0, 3.0])
    with pytest.raises(DataError, match="non-constant"):
        evaluate.correlation(Y, np.full(4, 2.0))
    with pytest.raises(ConfigError, match="unknown metric"):
        evaluate.point_metrics(Y, F, metrics=["mse"])


def test_log_targets_declare_positive_false():
    log_y, log_f = np.log(Y / 100), np.log(F / 100)  # all < −1: MSLE and QLIKE meaningless
    out = evaluate.point_metrics(log_y, log_f, positive=False)
    assert list(out) == ["rmse", "mae", "r2", "correlation", "n", "n_dropped"]
    with pytest.raises(ConfigError, match="positive=False"):
        evaluate.point_metrics(log_y, log_f, positive=False, metrics=["rmse", "qlike"])
    with pytest.raises(DataError, match="MSLE.*declare positive=False"):  # the default refuses log values loudly
        evaluate.point_metrics(log_y, log_f)


def test_metrics_table_with_benchmark():
    dates = pd.date_range("2021-01-01", periods=4)
    actual = pd.Series(Y, index=dates)
    forecasts = pd.DataFrame({"har": F, "naive": np.array([2.0, 1.0, 2.0, 3.0]), "perfect": Y}, index=dates)
    table = evaluate.metrics_table(forecasts, actual, benchmark="har")
    assert list(table.index) == ["har", "naive", "perfect"] and table.index.name == "model"
    assert table.loc["har", "rmse"] == pytest.approx(math.sqrt(0.375))
    assert table.loc["naive", "mae"] == pytest.approx(1.0)  # |(−1, 1, 1, 1)| / 4
    assert table.loc["perfect", "rel_rmse"] == pytest.approx(1.0)  # 1 − 0 / RMSE_har
    assert table.loc["har", ["rel_rmse", "rel_mae", "rel_msle", "rel_qlike", "rel_r2"]].tolist() == [0, 0, 0, 0, 0]
    assert table.loc["naive", "rel_mae"] == pytest.approx(1 - 1.0 / 0.5)
    assert table.loc["perfect", "rel_r2"] == pytest.approx(1 / 0.7 - 1)
    assert (table["n"] == 4).all() and (table["n_dropped"] == 0).all() and table.attrs["notes"] == []


def test_metrics_table_common_sample_and_notes():
    dates = pd.date_range("2021-01-01", periods=5)
    actual = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=dates)
    forecasts = pd.DataFrame({"a": [1.5, np.nan, 3.5, 3.0, 5.0], "b": [1.0, 2.0, 3.0, 4.0, np.nan]}, index=dates)
    with pytest.raises(DataError, match="no missing values"):
        evaluate.metrics_table(forecasts, actual)
    table = evaluate.metrics_table(forecasts, actual, dropna=True, positive=False, benchmark="a")
    assert (table["n"] == 3).all() and (table["n_dropped"] == 2).all()  # dates 2 and 5 dropped for both
    assert "msle" not in table.columns and "qlike" not in table.columns
    assert any("not computed" in note and "qlike" in note for note in table.attrs["notes"])
    bad_bench = pd.DataFrame({"ma": [3.0, 1.0, 2.0], "m": [1.0, 2.0, 3.0]}, index=dates[:3])
    t2 = evaluate.metrics_table(bad_bench, actual.iloc[:3], benchmark="ma", metrics=["rmse", "r2"])
    assert "rel_r2" not in t2.columns and "rel_rmse" in t2.columns
    assert any("rel_r2 not computed" in note for note in t2.attrs["notes"])
    with pytest.raises(ConfigError, match="benchmark"):
        evaluate.metrics_table(forecasts, actual, benchmark="x")


def test_to_huang_units_is_basis_points():
    assert evaluate.to_huang_units(0.0123) == pytest.approx(123.0)
    s = pd.Series([0.001, 0.002], index=pd.date_range("2021-01-01", periods=2))
    out = evaluate.to_huang_units(s)
    assert isinstance(out, pd.Series) and out.tolist() == pytest.approx([10.0, 20.0])
    # relative RMSE power is unit-free
    y, a, b = np.array([0.01, 0.02, 0.015]), np.array([0.012, 0.018, 0.014]), np.array([0.015, 0.015, 0.015])
    rel = evaluate.relative_power(evaluate.rmse(y, a), evaluate.rmse(y, b))
    rel_bp = evaluate.relative_power(
        evaluate.rmse(evaluate.to_huang_units(y), evaluate.to_huang_units(a)),
        evaluate.rmse(evaluate.to_huang_units(y), evaluate.to_huang_units(b)),
    )
    assert rel == pytest.approx(rel_bp)
