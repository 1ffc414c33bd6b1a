"""Yahoo Finance data (yfinance downloads): daily CSVs into DAILY prices, the stock-panel parquet into PANEL.

Used by the registry datasets ``yahoo_btc_usd_daily_dhansoia`` and ``yahoo_gspc_daily_dhansoia``
(:func:`read_yahoo_daily`) and ``sp500_members_daily_panel`` (:func:`read_sp500_panel`); the yfinance
fallbacks of :mod:`volrep.data.fallbacks` write the same two layouts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from volrep.data.clean import (
    CleaningReport,
    count_ohlc_inconsistent,
    count_repeats,
    drop_exact_duplicates,
    require_columns,
    require_sorted,
)
from volrep.data.readers._common import PRICE_RANGE, PRICES, _first_lines, _read_csv, _require_prices
from volrep.errors import DataError

RULE_REPEATED_CLOSE = "close equal to previous close (kept)"
RULE_IGNORED_COLUMNS = "columns ignored"
RULE_RESORTED = "rows re-sorted by (ticker, date)"

_YAHOO_COLUMNS = ("Date", "Open", "High", "Low", "Close", "Volume")
_PANEL_COLUMNS = ("date", "ticker", "open", "high", "low", "close", "volume")


def read_yahoo_daily(
    path: str | Path, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a Yahoo Finance daily CSV (``Date, Close, High, Low, Open, Volume``, any order) into DAILY prices.

    Columns beyond the raw ones (e.g. the Dhansoia (2025) code's ``log_return, realized_vol, log_rv``, or
    ``Adj Close``) are ignored and named in the report, so that derived series are recomputed from the raw
    prices. The date is the ``YYYY-MM-DD`` prefix of ``Date`` (the exchange's local trading day). Exact
    duplicate rows are dropped (counted); a close equal to the previous close is counted and kept (the
    BTC-USD close of 2017-02-28 repeats the previous day's).
    """
    path = Path(path)
    file = str(path)
    lines = _first_lines(path, 1)
    header = [h.strip() for h in lines[0].split(",")] if lines else []
    require_columns(pd.DataFrame(columns=header), _YAHOO_COLUMNS, file)
    raw = _read_csv(path, names=header, numeric=_YAHOO_COLUMNS[1:], text=("Date",), skiprows=1)
    report = CleaningReport(file, rows_in=len(raw))
    ignored = [h for h in header if h not in _YAHOO_COLUMNS]
    report.add(RULE_IGNORED_COLUMNS, len(ignored), ", ".join(ignored))
    dates = pd.to_datetime(raw["Date"].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    daily = raw.rename(columns=str.lower).assign(date=dates)[["date", *PRICES, "volume"]]
    require_sorted(daily["date"], file, strict=False)
    daily = drop_exact_duplicates(daily, report)
    require_sorted(daily["date"], file, strict=True)
    _require_prices(daily, file, price_range)
    count_ohlc_inconsistent(daily, report)
    count_repeats(daily["close"], report, RULE_REPEATED_CLOSE)
    out = daily.set_index(pd.DatetimeIndex(daily["date"], name="date").as_unit("ns"))[[*PRICES, "volume"]]
    report.rows_out = len(out)
    return out, report


def read_sp500_panel(
    path: str | Path, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read the long daily stock panel parquet (``date, ticker, open, high, low, close, volume``) into PANEL.

    Prices become float64 (the snapshot stores float32), volume float64, ``ticker`` a category with sorted
    categories. Rows not sorted by ``(ticker, date)`` are re-sorted (counted); a repeated
    ``(date, ticker)`` pair is an error.
    """
    path = Path(path)
    file = str(path)
    try:
        table = pd.read_parquet(path)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        raise DataError(path, "readable parquet file", None, f"{type(err).__name__}: {err}") from err
    require_columns(table, _PANEL_COLUMNS, file)
    report = CleaningReport(file, rows_in=len(table))
    dates = pd.DatetimeIndex(table["date"])
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    ticker = table["ticker"].astype("category")
    panel = pd.DataFrame(
        {
            "date": dates.as_unit("ns"),
            "ticker": ticker.cat.reorder_categories(sorted(ticker.cat.categories)),
            **{c: table[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in (*PRICES, "volume")},
        }
    )
    if panel.empty:
        raise DataError(path, "at least one data row", None, "the file holds no data")
    missing = panel["date"].isna().to_numpy()
    if missing.any():
        raise DataError(path, "dates present", int(np.argmax(missing)), f"{int(missing.sum())} rows without a date")
    _require_prices(panel, file, price_range)
    count_ohlc_inconsistent(panel, report)
    codes = panel["ticker"].cat.codes.to_numpy()
    ns = panel["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    order = np.lexsort((ns, codes))
    moved = int((order != np.arange(len(order))).sum())
    if moved:
        panel, codes, ns = panel.iloc[order], codes[order], ns[order]
        report.add(RULE_RESORTED, moved)
    repeated = np.concatenate([[False], (codes[1:] == codes[:-1]) & (ns[1:] == ns[:-1])])
    if repeated.any():
        position = int(np.argmax(repeated))
        raise DataError(
            path,
            "one row per (date, ticker)",
            int(panel.index[position]),
            f"{panel['ticker'].iloc[position]} {panel['date'].iloc[position]:%Y-%m-%d}",
        )
    panel = panel.reset_index(drop=True)
    report.rows_out = len(panel)
    return panel, report
