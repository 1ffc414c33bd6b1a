"""Validation and cleaning rules shared by the raw-format readers.

Two kinds of functions live here:

* ``require_*`` **validators** raise :class:`volrep.errors.DataError` naming the file, the rule and the
  *first* offending data row. A row is reported as the frame's integer index label when the frame carries
  one (the readers keep the zero-based data-row number of the file as index while they validate, so the
  row survives re-sorting and dropping); otherwise as the zero-based position in what was passed.
* **cleaning rules** (de-duplication, zero prices, swapped volumes, mis-dated rows, unit normalisation)
  change the data and count every change in a :class:`CleaningReport`; rules that only *flag* (repeated
  closes, off-grid bars, inconsistent OHLC) say "(kept)" in their name. Nothing is dropped silently.

Both kinds stay in one module because they are one job, the rules every reader applies to a raw frame: the
cleaning rules raise their errors with the validators' row naming (``_raise_first``) and count in the one
:class:`CleaningReport`.

The ordered pipeline follows the spirit of R highfrequency's trade cleaning (Barndorff-Nielsen et al.,
2009): zero prices out, exact duplicates out, same-timestamp rows resolved by an explicit rule.

References
----------
Barndorff-Nielsen, O. E., Hansen, P. R., Lunde, A. and Shephard, N. (2009). Realized kernels in practice:
trades and quotes. *Econometrics Journal* 12(3), C1-C32.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from volrep.errors import DataError

RULE_EXACT_DUPLICATES = "exact duplicate rows dropped"
RULE_ZERO_PRICES = "rows with a zero price dropped"
RULE_SWAPPED_VOLUMES = "base and quote volume swapped back"
RULE_OHLC_INCONSISTENT = "high/low not bracketing open/close (kept)"
RULE_UK_SUMMER_TIME = "dates one day early in UK summer time shifted +1 day"

_UNITS_NS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}
_EPOCH_2100_NS = 4_102_444_800 * 1_000_000_000  # 2100-01-01T00:00Z
_UNIT_WORDS = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}


@dataclass
class CleaningAction:
    """One cleaning rule applied to one file: what it did and to how many rows."""

    rule: str
    count: int
    detail: str = ""


@dataclass
class CleaningReport:
    """Everything a reader changed, removed or flagged in one file.

    Parameters
    ----------
    file
        The file (or dataset name) the report is about.
    rows_in
        Data rows read from the file (header and banner lines excluded).
    rows_out
        Rows in the frame the reader returned.
    actions
        The rules that touched at least one row, in the order they were applied.
    """

    file: str
    rows_in: int = 0
    rows_out: int = 0
    actions: list[CleaningAction] = field(default_factory=list)

    def add(self, rule: str, count: int, detail: str = "") -> CleaningReport:
        """Record that ``rule`` touched ``count`` more rows and return ``self``.

        A zero count is not recorded. A rule already in the report (e.g. from an earlier chunk of the same
        file) has its count increased, so each rule appears once per file; its first detail is kept.
        """
        if count > 0:
            for action in self.actions:
                if action.rule == rule:
                    action.count += int(count)
                    return self
            self.actions.append(CleaningAction(rule, int(count), detail))
        return self

    def count(self, rule: str) -> int:
        """Rows touched by ``rule`` (0 when the rule never fired)."""
        return sum(a.count for a in self.actions if a.rule == rule)

    def to_frame(self) -> pd.DataFrame:
        """One row per action: ``file, rule, count, detail`` (for display in the book)."""
        return pd.DataFrame(
            {
                "file": [self.file] * len(self.actions),
                "rule": [a.rule for a in self.actions],
                "count": np.array([a.count for a in self.actions], dtype=np.int64),
                "detail": [a.detail for a in self.actions],
            }
        )


def merge_reports(reports: Iterable[CleaningReport], *, by_rule: bool = False) -> pd.DataFrame:
    """Stack several reports into one frame (e.g. the 60 monthly files of a dataset).

    Parameters
    ----------
    reports
        The reports to merge.
    by_rule
        If True, sum the counts of each rule over the files instead: columns ``rule, count, files``
        (number of files in which the rule fired), rules in order of first appearance.

    Returns
    -------
    pandas.DataFrame
        ``file, rule, count, detail`` rows (or the per-rule totals).
    """
    frames = [r.to_frame() for r in reports]
    stacked = pd.concat(frames, ignore_index=True) if frames else CleaningReport("").to_frame()
    if not by_rule:
        return stacked
    grouped = stacked.groupby("rule", sort=False)
    return pd.DataFrame({"count": grouped["count"].sum(), "files": grouped["file"].nunique()}).reset_index()


# ---------------------------------------------------------------------------------------------------------
# validators


def _row(labels: pd.Index | None, position: int) -> int:
    """The reported row of ``position``: its integer label when ``labels`` is an integer index."""
    if labels is not None and pd.api.types.is_integer_dtype(labels.dtype):
        return int(labels[position])
    return int(position)


def _labels(values: object) -> pd.Index | None:
    """Row labels of a Series/DataFrame, None for arrays and indexes (rows are then positions)."""
    return values.index if isinstance(values, (pd.Series, pd.DataFrame)) else None


def _raise_first(
    bad: np.ndarray, labels: pd.Index | None, file: str, rule: str, detail: str, values: np.ndarray | None = None
) -> None:
    """Raise DataError at the first True of ``bad`` (no-op when there is none).

    ``detail`` may use ``{n}`` (number of bad rows) and ``{value}`` (the first bad row's entry of ``values``).
    """
    if bad.any():
        position = int(np.argmax(bad))
        value = values[position] if values is not None else None
        raise DataError(file, rule, _row(labels, position), detail.format(n=int(bad.sum()), value=value))


def require_columns(df: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    """Raise DataError if any of ``columns`` is missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(file, "required columns present", None, f"missing {missing}; found {list(df.columns)}")


def require_positive_finite(df: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    """Raise DataError at the first row where a value of ``columns`` is not finite and > 0 (prices)."""
    _require_bound(df, columns, file, rule="prices positive and finite", strict=True)


def require_nonnegative_finite(df: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    """Raise DataError at the first row where a value of ``columns`` is not finite and >= 0 (volumes)."""
    _require_bound(df, columns, file, rule="values non-negative and finite", strict=False)


def _require_bound(df: pd.DataFrame, columns: Sequence[str], file: str, *, rule: str, strict: bool) -> None:
    values = df[list(columns)].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad_cells = ~(np.isfinite(values) & ((values > 0) if strict else (values >= 0)))
    bad = bad_cells.any(axis=1)
    if bad.any():
        position = int(np.argmax(bad))
        j = int(np.argmax(bad_cells[position]))
        detail = f"{columns[j]}={values[position, j]}; {int(bad.sum())} such rows"
        raise DataError(file, rule, _row(df.index, position), detail)


def require_sorted(ts: pd.Series | pd.Index | np.ndarray, file: str, *, strict: bool = True) -> None:
    """Raise DataError at the first row whose time is not after (``strict``) / not before the previous one.

    Bars need strictly increasing times (one bar per timestamp); ticks only non-decreasing ones (several
    trades may share a timestamp). Missing times (NaT/NaN) are an error too. ``ts`` may hold datetimes
    (tz-aware or not) or numbers.
    """
    labels = _labels(ts)
    if pd.api.types.is_datetime64_any_dtype(getattr(ts, "dtype", None)):
        stamps = pd.DatetimeIndex(ts)
        missing = stamps.isna()
        values = stamps.as_unit("ns").asi8.astype(np.float64)
    else:
        values = np.asarray(ts, dtype=np.float64)
        missing = np.isnan(values)
    _raise_first(np.asarray(missing), labels, file, "timestamps present", "missing time; {n} such rows")
    step = np.diff(values)
    bad = np.concatenate([[False], step <= 0 if strict else step < 0])
    rule = "timestamps strictly increasing" if strict else "timestamps non-decreasing"
    detail = "earlier than the previous row" + (" or equal to it" if strict else "") + "; {n} such rows"
    _raise_first(bad, labels, file, rule, detail)


def require_return_panel(returns: pd.DataFrame, file: str) -> None:
    """Check a wide return panel (one column per series, NaN for a day without a return): a DatetimeIndex with
    strictly increasing dates, unique series names and no infinite value; raise DataError naming the first bad row."""
    if not isinstance(returns, pd.DataFrame) or not isinstance(returns.index, pd.DatetimeIndex):
        raise DataError(file, "a DataFrame of returns with a DatetimeIndex (one column per series)")
    require_sorted(returns.index, file)
    if returns.columns.has_duplicates:
        raise DataError(file, "one column per series", None, "repeated series names")
    infinite = np.isinf(returns.to_numpy(dtype=np.float64))
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise DataError(file, "finite returns (NaN for a missing day)", int(row),
                        f"{returns.columns[col]} on {returns.index[row].date()}")


def require_plausible(values: pd.Series | float, low: float, high: float, file: str, rule: str) -> None:
    """Raise DataError at the first value outside ``[low, high]`` (NaN is not checked here).

    Used to catch wrong units: a BTC price of 1e9 or a daily realized variance of 5 means the data are not
    in the units the reader assumes. ``values`` may be a scalar statistic (e.g. a median); the row is then
    not reported.
    """
    series = values if isinstance(values, pd.Series) else pd.Series([values])
    x = series.to_numpy(dtype=np.float64)
    bad = (x < low) | (x > high)
    if bad.any():
        position = int(np.argmax(bad))
        row = _row(series.index, position) if isinstance(values, pd.Series) else None
        name = f"{series.name}=" if series.name is not None else "value "
        raise DataError(
            file, rule, row, f"{name}{x[position]} outside [{low:g}, {high:g}]; {int(bad.sum())} such values"
        )


def coerce_numeric(raw: pd.DataFrame, columns: Sequence[str], file: str, na_values: Sequence[str] = ()) -> pd.DataFrame:
    """Convert text columns to float64; raise DataError at the first field that is not a number.

    Empty fields and ``na_values`` become NaN (the finiteness validators judge them); anything else that
    does not parse as a number is an error.
    """
    out = raw.copy()
    for column in columns:
        text = raw[column].astype("string").str.strip()
        number = pd.to_numeric(text, errors="coerce")
        blank = text.isna() | (text == "") | text.isin(list(na_values))
        bad = (number.isna() & ~blank).to_numpy(dtype=bool)
        if bad.any():
            position = int(np.argmax(bad))
            raise DataError(
                file, "numeric fields", _row(raw.index, position), f"{column}={text.iloc[position]!r} is not a number"
            )
        out[column] = number.to_numpy(dtype=np.float64, na_value=np.nan)
    return out


# ---------------------------------------------------------------------------------------------------------
# time stamps


def epoch_to_datetime(
    values: pd.Series, file: str, report: CleaningReport | None = None, *, expected: str = "s"
) -> pd.Series:
    """Unix epoch numbers in seconds, milliseconds, microseconds or nanoseconds -> UTC datetimes.

    The unit is inferred per value from its magnitude (after 1973 the ranges do not overlap): below 1e11
    seconds, below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds. Values in a unit other
    than ``expected`` are counted in ``report`` (rule ``"epoch timestamps in <unit> normalised"``); this is
    how mixed second/millisecond files and Binance's switch to microseconds (2025) are handled.

    Parameters
    ----------
    values
        Numbers (int or float; fractions below the detected unit are rounded).
    file
        File name for errors.
    report
        Where to count the values not in ``expected`` units.
    expected
        The file's documented unit: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]`` values with the index of ``values``.
    """
    x = values.to_numpy(dtype=np.float64)
    labels = values.index
    _raise_first(~np.isfinite(x), labels, file, "timestamps present", "missing or non-finite epoch time; {n} such rows")
    unit_index = np.searchsorted(np.array([1e11, 1e14, 1e17]), x, side="right")
    factor = np.array(list(_UNITS_NS.values()), dtype=np.int64)[unit_index]
    outside = (x <= 0) | (x * factor >= _EPOCH_2100_NS)
    _raise_first(
        outside, labels, file, "epoch timestamps between 1970 and 2100", "epoch value {value}; {n} such rows", x
    )
    ns = np.rint(x).astype(np.int64) * factor
    if report is not None:
        counts = np.bincount(unit_index, minlength=len(_UNITS_NS))
        for code, n in zip(_UNITS_NS, counts, strict=True):
            if code != expected:
                report.add(f"epoch timestamps in {_UNIT_WORDS[code]} normalised", int(n))
    stamps = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
    return pd.Series(stamps, index=labels, name=values.name)


def _step_ns(freq: str | pd.Timedelta) -> int:
    """A fixed interval as integer nanoseconds."""
    step = pd.Timedelta(freq)
    if step <= pd.Timedelta(0):
        raise ValueError(f"interval must be positive, got {freq!r}")
    return int(step.value)


def find_gaps(index: pd.DatetimeIndex, freq: str | pd.Timedelta) -> pd.DataFrame:
    """Gaps between consecutive observations of a series sampled every ``freq``.

    Parameters
    ----------
    index
        Sorted observation times (e.g. bar open times).
    freq
        The sampling interval (``"15min"``, ``"1h"``, a Timedelta).

    Returns
    -------
    pandas.DataFrame
        One row per gap: ``start`` (last observation before it), ``end`` (first one after it), ``missing``
        (int64) = ``ceil((end - start) / freq) - 1``.

    Notes
    -----
    ``missing`` is the number of grid points strictly between ``start`` and ``end`` whenever one of them
    lies on the grid, and it stays 0 between two consecutive observations that are both off the grid but
    one interval apart (e.g. Binance's 81 shifted bars after the February 2018 outage).
    """
    step = _step_ns(freq)
    ns = index.as_unit("ns").asi8
    delta = np.diff(ns)
    if (delta < 0).any():
        raise ValueError("find_gaps needs a sorted index")
    where = np.flatnonzero(delta > step)
    missing = -(-delta[where] // step) - 1
    return pd.DataFrame({"start": index[where], "end": index[where + 1], "missing": missing.astype(np.int64)})


def off_grid(index: pd.DatetimeIndex, freq: str | pd.Timedelta) -> np.ndarray:
    """Boolean mask of times that are not a multiple of ``freq`` since the Unix epoch."""
    return index.as_unit("ns").asi8 % _step_ns(freq) != 0


# ---------------------------------------------------------------------------------------------------------
# cleaning rules


def drop_exact_duplicates(
    df: pd.DataFrame, report: CleaningReport, subset: Sequence[str] | None = None
) -> pd.DataFrame:
    """Drop rows identical to an earlier row (in ``subset`` columns, default all), counting them."""
    dup = df.duplicated(subset=None if subset is None else list(subset), keep="first").to_numpy()
    report.add(RULE_EXACT_DUPLICATES, int(dup.sum()))
    return df[~dup]


def resolve_duplicate_timestamps(
    df: pd.DataFrame, report: CleaningReport, keep: Literal["first", "last"] = "last", *, on: str | None = None
) -> pd.DataFrame:
    """Keep one row per timestamp among rows that share it but differ, counting the dropped ones.

    Parameters
    ----------
    df
        Rows in time order (run :func:`drop_exact_duplicates` first so that only conflicts remain).
    report
        Receives the rule ``"rows sharing a timestamp dropped (keep=<keep>)"``.
    keep
        Which of the rows sharing a timestamp survives, in the frame's order.
    on
        Column holding the timestamps; None uses the index.
    """
    stamps = df.index if on is None else pd.Index(df[on])
    dup = stamps.duplicated(keep=keep)
    report.add(f"rows sharing a timestamp dropped (keep={keep})", int(dup.sum()))
    return df[~dup]


def drop_zero_prices(df: pd.DataFrame, columns: Sequence[str], report: CleaningReport) -> pd.DataFrame:
    """Drop rows with a price of exactly zero in any of ``columns`` (a feed artefact), counting them.

    Negative or missing prices are not touched: :func:`require_positive_finite` rejects them.
    """
    zero = (df[list(columns)].to_numpy(dtype=np.float64) == 0).any(axis=1)
    report.add(RULE_ZERO_PRICES, int(zero.sum()))
    return df[~zero]


def swap_misplaced_volumes(
    df: pd.DataFrame, report: CleaningReport, *, base: str = "volume", quote: str = "quote_volume", price: str = "close"
) -> pd.DataFrame:
    """Swap back base and quote volumes where they were written into each other's column.

    A bar's quote volume is its base volume times an average price, so ``base * price ~ quote``. A row is
    taken as swapped when ``quote * price ~ base`` fits better, i.e. when
    ``|log(quote * price / base)| < |log(base * price / quote)|``. Rows with a zero volume are left alone.
    """
    b = df[base].to_numpy(dtype=np.float64)
    q = df[quote].to_numpy(dtype=np.float64)
    p = df[price].to_numpy(dtype=np.float64)
    usable = (b > 0) & (q > 0) & (p > 0)
    swapped = np.zeros(len(df), dtype=bool)
    bu, qu, pu = b[usable], q[usable], p[usable]
    swapped[usable] = np.abs(np.log(qu * pu / bu)) < np.abs(np.log(bu * pu / qu))
    report.add(RULE_SWAPPED_VOLUMES, int(swapped.sum()), f"detected by {base} x {price} ~ {quote}")
    if not swapped.any():
        return df
    out = df.copy()
    out[base] = np.where(swapped, q, b)
    out[quote] = np.where(swapped, b, q)
    return out


def count_ohlc_inconsistent(df: pd.DataFrame, report: CleaningReport) -> None:
    """Count bars whose high is below max(open, close, low) or low above min(open, close, high) (kept)."""
    o, h, low, c = (df[k].to_numpy(dtype=np.float64) for k in ("open", "high", "low", "close"))
    bad = (h < np.maximum.reduce([o, c, low])) | (low > np.minimum.reduce([o, c, h]))
    report.add(RULE_OHLC_INCONSISTENT, int(bad.sum()))


def count_repeats(values: pd.Series, report: CleaningReport, rule: str) -> None:
    """Count values equal to the previous one under ``rule`` (kept; e.g. a stale daily close)."""
    x = values.to_numpy(dtype=np.float64)
    report.add(rule, int((x[1:] == x[:-1]).sum()))


def _in_uk_summer_time(dates: pd.DatetimeIndex) -> np.ndarray:
    """True for calendar dates whose noon falls in British Summer Time (tz database rules)."""
    noon = dates.normalize() + pd.Timedelta(hours=12)
    local = noon.tz_localize("Europe/London")
    return np.asarray(local.tz_convert("UTC").tz_localize(None) != noon)


def correct_uk_summer_time_dates(
    dates: pd.DatetimeIndex, report: CleaningReport, file: str, *, min_share: float = 0.1
) -> pd.DatetimeIndex:
    """Undo a one-day-early date stamp on the UK-summer-time rows of a trading-day series.

    Some releases of the Oxford-Man realized library stamp each day with the UTC date of a local midnight
    taken as London time, so during British Summer Time (last Sunday of March to last Sunday of October)
    every date is one day early and Mondays show up as Sundays. A trading-day series has no Sundays, so:

    * no Sundays: nothing to do;
    * Sundays, all inside BST, and at least ``min_share`` of the BST rows (about 1/5 when every BST date
      is shifted): shift every BST row by +1 day and count the rows;
    * otherwise: DataError, since the dates cannot be trusted and cannot be repaired by this rule.

    Parameters
    ----------
    dates
        Tz-naive, normalised trading dates.
    report
        Receives :data:`RULE_UK_SUMMER_TIME`.
    file
        File name for errors.
    min_share
        Smallest share of Sundays among BST rows that counts as the systematic shift.
    """
    sunday = np.asarray(dates.day_of_week == 6)
    if not sunday.any():
        return dates
    bst = _in_uk_summer_time(dates)
    outside = sunday & ~bst
    _raise_first(
        outside,
        None,
        file,
        "trading dates on weekdays",
        "Sunday {value} outside UK summer time; {n} such rows",
        dates.date,
    )
    if sunday.sum() < min_share * bst.sum():
        _raise_first(
            sunday,
            None,
            file,
            "trading dates on weekdays",
            "Sunday {value}; {n} Sundays, too few for a systematic shift",
            dates.date,
        )
    report.add(RULE_UK_SUMMER_TIME, int(bst.sum()), f"{int(sunday.sum())} of them fell on Sundays")
    return dates + pd.to_timedelta(bst.astype(np.int64), unit="D")
