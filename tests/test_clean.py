"""Tests of the validation and cleaning rules (volrep.data.clean) on small frames built here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volrep.data import clean
from volrep.data.clean import CleaningReport
from volrep.errors import DataError

FILE = "test.csv"


def _utc(*stamps: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(stamps)).tz_localize("UTC")


# ---------------------------------------------------------------------------------------------------------
# report


def test_report_records_only_nonzero_counts_and_accumulates_per_rule() -> None:
    report = CleaningReport("a.zip", rows_in=10)
    assert report.add("rule a", 0) is report
    report.add("rule a", 2, "first detail").add("rule b", 1).add("rule a", 3, "second detail")
    assert [a.rule for a in report.actions] == ["rule a", "rule b"]
    assert report.count("rule a") == 5
    assert report.count("never") == 0
    frame = report.to_frame()
    assert list(frame.columns) == ["file", "rule", "count", "detail"]
    assert frame["count"].dtype == np.int64
    assert frame.loc[0, "detail"] == "first detail"
    assert (frame["file"] == "a.zip").all()


def test_merge_reports_stacks_files_and_sums_by_rule() -> None:
    r1 = CleaningReport("m1.zip").add("zero-trade bars (kept)", 2).add("gaps", 1)
    r2 = CleaningReport("m2.zip").add("zero-trade bars (kept)", 3)
    r3 = CleaningReport("m3.zip")
    stacked = clean.merge_reports([r1, r2, r3])
    assert len(stacked) == 3
    assert stacked["file"].tolist() == ["m1.zip", "m1.zip", "m2.zip"]
    totals = clean.merge_reports([r1, r2, r3], by_rule=True).set_index("rule")
    assert totals.loc["zero-trade bars (kept)", "count"] == 5
    assert totals.loc["zero-trade bars (kept)", "files"] == 2
    assert totals.loc["gaps", "count"] == 1
    assert clean.merge_reports([]).empty


# ---------------------------------------------------------------------------------------------------------
# validators


def test_require_columns_names_the_missing_ones() -> None:
    df = pd.DataFrame(columns=["open", "close"])
    clean.require_columns(df, ["open"], FILE)
    with pytest.raises(DataError, match="missing \\['high'\\]") as err:
        clean.require_columns(df, ["open", "high"], FILE)
    assert err.value.rule == "required columns present"
    assert err.value.file == FILE


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_require_positive_finite_reports_first_bad_row_label(bad: float) -> None:
    df = pd.DataFrame({"open": [1.0, 2.0, 3.0, 4.0], "close": [1.0, 2.0, bad, bad]}, index=[10, 11, 12, 13])
    with pytest.raises(DataError) as err:
        clean.require_positive_finite(df, ["open", "close"], FILE)
    assert err.value.row == 12  # the label (file row), not the position
    assert "close=" in err.value.detail and "2 such rows" in err.value.detail
    clean.require_positive_finite(df.iloc[:2], ["open", "close"], FILE)


def test_require_positive_finite_uses_positions_for_a_time_index() -> None:
    df = pd.DataFrame({"price": [1.0, -2.0]}, index=_utc("2020-01-01", "2020-01-02"))
    with pytest.raises(DataError) as err:
        clean.require_positive_finite(df, ["price"], FILE)
    assert err.value.row == 1


def test_require_nonnegative_finite_accepts_zero_and_rejects_negative() -> None:
    clean.require_nonnegative_finite(pd.DataFrame({"volume": [0.0, 1.0]}), ["volume"], FILE)
    with pytest.raises(DataError) as err:
        clean.require_nonnegative_finite(pd.DataFrame({"volume": [0.0, -1e-9]}), ["volume"], FILE)
    assert err.value.row == 1
    assert err.value.rule == "values non-negative and finite"


def test_require_sorted_strict_and_non_strict() -> None:
    ts = pd.Series(_utc("2020-01-01", "2020-01-01", "2020-01-02"), index=[5, 6, 7])
    clean.require_sorted(ts, FILE, strict=False)
    with pytest.raises(DataError) as err:
        clean.require_sorted(ts, FILE, strict=True)
    assert (err.value.rule, err.value.row) == ("timestamps strictly increasing", 6)
    back = pd.Series(_utc("2020-01-02", "2020-01-03", "2020-01-01"))
    with pytest.raises(DataError) as err:
        clean.require_sorted(back, FILE, strict=False)
    assert (err.value.rule, err.value.row) == ("timestamps non-decreasing", 2)


def test_require_sorted_on_numbers_index_and_missing_times() -> None:
    clean.require_sorted(np.array([1, 2, 3]), FILE)
    with pytest.raises(DataError) as err:
        clean.require_sorted(np.array([1.0, 3.0, 2.0]), FILE)
    assert err.value.row == 2
    with pytest.raises(DataError) as err:
        clean.require_sorted(pd.DatetimeIndex(["2020-01-01", None, "2020-01-03"]), FILE)
    assert (err.value.rule, err.value.row) == ("timestamps present", 1)


def test_require_plausible_series_scalar_and_nan() -> None:
    s = pd.Series([1.0, np.nan, 2.0, 1e9], name="close", index=[3, 4, 5, 6])
    with pytest.raises(DataError) as err:
        clean.require_plausible(s, 1e-8, 1e8, FILE, "prices in plausible units")
    assert err.value.row == 6
    assert "close=1000000000.0" in err.value.detail
    clean.require_plausible(s.iloc[:3], 1e-8, 1e8, FILE, "prices")  # NaN is not judged here
    with pytest.raises(DataError) as err:
        clean.require_plausible(5.0, 0.0, 0.25, FILE, "median rv")
    assert err.value.row is None


def test_coerce_numeric_names_the_bad_field() -> None:
    raw = pd.DataFrame({"a": ["1", "2.5", "", "NULL"], "b": ["3", "x1", "4", "5"]}, index=[7, 8, 9, 10])
    with pytest.raises(DataError) as err:
        clean.coerce_numeric(raw, ["a", "b"], FILE, na_values=["NULL"])
    assert (err.value.rule, err.value.row) == ("numeric fields", 8)
    assert "'x1'" in err.value.detail
    out = clean.coerce_numeric(raw, ["a"], FILE, na_values=["NULL"])
    np.testing.assert_array_equal(out["a"].to_numpy(), [1.0, 2.5, np.nan, np.nan])


# ---------------------------------------------------------------------------------------------------------
# time stamps


def test_epoch_to_datetime_infers_units_by_magnitude_and_counts_them() -> None:
    t = pd.Timestamp("2020-12-29 23:00", tz="UTC")
    seconds = t.value // 10**9
    values = pd.Series([seconds, seconds * 1000, seconds * 10**6, float(seconds) * 1000], index=[4, 5, 6, 7])
    report = CleaningReport(FILE)
    out = clean.epoch_to_datetime(values, FILE, report, expected="s")
    assert (out == t).all()
    assert str(out.dtype) == "datetime64[ns, UTC]"
    assert out.index.tolist() == [4, 5, 6, 7]
    assert report.count("epoch timestamps in milliseconds normalised") == 2
    assert report.count("epoch timestamps in microseconds normalised") == 1
    assert report.count("epoch timestamps in seconds normalised") == 0


@pytest.mark.parametrize("value", [np.nan, -5.0, 9e10])
def test_epoch_to_datetime_rejects_missing_and_out_of_range(value: float) -> None:
    with pytest.raises(DataError) as err:
        clean.epoch_to_datetime(pd.Series([1.6e9, value]), FILE)
    assert err.value.row == 1


def test_find_gaps_on_grid() -> None:
    index = _utc("2020-01-01 00:00", "2020-01-01 00:15", "2020-01-01 01:00", "2020-01-01 01:15", "2020-01-02 00:00")
    gaps = clean.find_gaps(index, "15min")
    assert list(gaps.columns) == ["start", "end", "missing"]
    assert gaps["missing"].tolist() == [2, 90]
    assert gaps["start"].tolist() == [index[1], index[3]]
    assert gaps["end"].tolist() == [index[2], index[4]]
    assert gaps["missing"].dtype == np.int64


def test_find_gaps_after_an_outage_with_shifted_bars() -> None:
    """Binance 2018-02: bars resume off the grid, run one interval apart, then return to the grid."""
    before = pd.Timestamp("2018-02-08 00:15", tz="UTC")
    shifted = pd.Timestamp("2018-02-09 09:58:14.789", tz="UTC") + pd.to_timedelta(np.arange(81) * 15, unit="min")
    back = pd.Timestamp("2018-02-10 06:15", tz="UTC")
    index = pd.DatetimeIndex([before, *shifted, back])
    gaps = clean.find_gaps(index, pd.Timedelta("15min"))
    assert gaps["missing"].tolist() == [134, 1]  # 00:30 .. 09:45 on the 9th; 06:00 on the 10th
    assert gaps["end"].iloc[0] == shifted[0]
    mask = clean.off_grid(index, "15min")
    assert mask.sum() == 81 and not mask[0] and not mask[-1]


def test_find_gaps_counts_every_removed_grid_point() -> None:
    rng = np.random.default_rng(7)
    grid = pd.date_range("2021-01-01", periods=500, freq="1h", tz="UTC")
    keep = np.sort(rng.choice(500, size=300, replace=False))
    keep[0], keep[-1] = 0, 499
    keep = np.unique(keep)
    gaps = clean.find_gaps(grid[keep], "1h")
    assert gaps["missing"].sum() == 500 - len(keep)
    assert len(gaps) == int((np.diff(keep) > 1).sum())


def test_find_gaps_edge_cases() -> None:
    assert clean.find_gaps(pd.DatetimeIndex([], tz="UTC"), "1h").empty
    with pytest.raises(ValueError, match="sorted"):
        clean.find_gaps(_utc("2020-01-02", "2020-01-01"), "1h")
    with pytest.raises(ValueError, match="positive"):
        clean.find_gaps(_utc("2020-01-01"), "0h")


def test_off_grid_works_for_non_nanosecond_units() -> None:
    index = pd.DatetimeIndex(["2020-01-01 00:00", "2020-01-01 00:07", "2020-01-01 00:30"]).as_unit("s")
    np.testing.assert_array_equal(clean.off_grid(index, "15min"), [False, True, False])


# ---------------------------------------------------------------------------------------------------------
# cleaning rules


def test_duplicates_are_dropped_explicitly_and_counted() -> None:
    ts = pd.Series(_utc("2020-01-01", "2020-01-01", "2020-01-01", "2020-01-02"))
    df = pd.DataFrame({"timestamp": ts, "close": [1.0, 1.0, 2.0, 3.0]})
    report = CleaningReport(FILE)
    exact = clean.drop_exact_duplicates(df, report)
    assert len(exact) == 3 and report.count(clean.RULE_EXACT_DUPLICATES) == 1
    last = clean.resolve_duplicate_timestamps(exact, report, keep="last", on="timestamp")
    assert last["close"].tolist() == [2.0, 3.0]
    assert report.count("rows sharing a timestamp dropped (keep=last)") == 1
    first = clean.resolve_duplicate_timestamps(exact.set_index("timestamp"), report, keep="first")
    assert first["close"].tolist() == [1.0, 3.0]
    assert report.count("rows sharing a timestamp dropped (keep=first)") == 1


def test_drop_zero_prices_leaves_negative_prices_to_the_validator() -> None:
    df = pd.DataFrame({"open": [0.0, 1.0, -1.0], "close": [1.0, 1.0, 1.0]})
    report = CleaningReport(FILE)
    out = clean.drop_zero_prices(df, ["open", "close"], report)
    assert out.index.tolist() == [1, 2]
    assert report.count(clean.RULE_ZERO_PRICES) == 1
    with pytest.raises(DataError) as err:
        clean.require_positive_finite(out, ["open", "close"], FILE)
    assert err.value.row == 2


def test_swap_misplaced_volumes() -> None:
    close = np.array([10_000.0, 10_000.0, 10_000.0, 10_000.0])
    base = np.array([2.0, 3.1e4, 0.0, 5.0])
    quote = np.array([2.0e4, 3.0, 0.0, 5.02e4])
    df = pd.DataFrame({"close": close, "volume": base, "quote_volume": quote})
    report = CleaningReport(FILE)
    out = clean.swap_misplaced_volumes(df, report)
    assert out["volume"].tolist() == [2.0, 3.0, 0.0, 5.0]
    assert out["quote_volume"].tolist() == [2.0e4, 3.1e4, 0.0, 5.02e4]
    assert report.count(clean.RULE_SWAPPED_VOLUMES) == 1
    assert df["volume"].iloc[1] == 3.1e4  # input untouched


def test_count_ohlc_inconsistent_and_repeats() -> None:
    df = pd.DataFrame(
        {"open": [1.0, 1.0, 1.0], "high": [2.0, 0.9, 2.0], "low": [0.5, 0.5, 1.5], "close": [1.5, 0.8, 1.8]}
    )
    report = CleaningReport(FILE)
    clean.count_ohlc_inconsistent(df, report)
    assert report.count(clean.RULE_OHLC_INCONSISTENT) == 2
    clean.count_repeats(pd.Series([1.0, 1.0, 2.0, 2.0, 2.0, 3.0]), report, "repeats (kept)")
    assert report.count("repeats (kept)") == 3


def _trading_days(start: str, end: str) -> pd.DatetimeIndex:
    return pd.bdate_range(start, end)


def test_uk_summer_time_dates_are_shifted_back() -> None:
    truth = _trading_days("2019-01-01", "2019-12-31")
    in_bst = (truth >= "2019-04-01") & (truth <= "2019-10-25")  # BST 2019: 31 Mar .. 27 Oct
    stamped = truth - pd.to_timedelta(in_bst.astype(int), unit="D")
    assert (stamped.day_of_week == 6).sum() > 0
    report = CleaningReport(FILE)
    fixed = clean.correct_uk_summer_time_dates(stamped, report, FILE)
    assert fixed.equals(truth)
    assert report.count(clean.RULE_UK_SUMMER_TIME) == int(in_bst.sum())


def test_uk_summer_time_boundaries_follow_the_tz_database() -> None:
    days = pd.DatetimeIndex(["2019-03-30", "2019-03-31", "2019-10-26", "2019-10-27"])
    np.testing.assert_array_equal(clean._in_uk_summer_time(days), [False, True, True, False])


def test_uk_summer_time_rule_leaves_clean_dates_alone_and_refuses_other_sundays() -> None:
    truth = _trading_days("2019-01-01", "2019-12-31")
    report = CleaningReport(FILE)
    assert clean.correct_uk_summer_time_dates(truth, report, FILE).equals(truth)
    assert report.actions == []
    winter_sunday = truth.append(pd.DatetimeIndex(["2020-01-05"]))
    with pytest.raises(DataError, match="outside UK summer time") as err:
        clean.correct_uk_summer_time_dates(winter_sunday, report, FILE)
    assert err.value.row == len(truth)
    one_summer_sunday = truth.append(pd.DatetimeIndex(["2020-06-07"]))
    with pytest.raises(DataError, match="too few"):
        clean.correct_uk_summer_time_dates(one_summer_sunday, report, FILE)


def test_require_return_panel_names_the_first_bad_row():
    from volrep.data.clean import require_return_panel

    idx = pd.date_range("2020-01-01", periods=4, freq="D")
    good = pd.DataFrame({"a": [0.01, np.nan, -0.02, 0.0], "b": [0.0, 0.01, 0.02, -0.01]}, index=idx)
    require_return_panel(good, "panel")  # NaN marks a missing day and is allowed
    with pytest.raises(DataError, match="row 2"):
        require_return_panel(good.assign(b=[0.0, 0.01, np.inf, 0.0]), "panel")
    with pytest.raises(DataError, match="one column per series"):
        require_return_panel(pd.concat([good, good["a"]], axis=1), "panel")
    with pytest.raises(DataError, match="strictly increasing"):
        require_return_panel(good.iloc[[0, 2, 1, 3]], "panel")
    with pytest.raises(DataError, match="DatetimeIndex"):
        require_return_panel(good.reset_index(drop=True), "panel")
