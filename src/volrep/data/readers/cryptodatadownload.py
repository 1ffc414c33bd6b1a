"""CryptoDataDownload OHLCV CSVs (banner line, header, rows newest first) into BARS.

Used by the registry datasets ``bitstamp_btcusd_1h``, ``gemini_btcusd_1h`` and ``binance_btcusdt_1h_cdd``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from volrep.data.clean import (
    CleaningReport,
    drop_exact_duplicates,
    drop_zero_prices,
    epoch_to_datetime,
    require_columns,
    require_sorted,
    resolve_duplicate_timestamps,
    swap_misplaced_volumes,
)
from volrep.data.readers._common import PRICE_RANGE, PRICES, _first_lines, _interval, _read_csv, _validated_bars
from volrep.errors import DataError

RULE_NEWEST_FIRST = "newest-first rows put in time order"


def _cdd_names(header: str) -> list[str]:
    """Canonical names for a CryptoDataDownload header.

    ``unix``/``Unix Timestamp`` -> ``unix``; ``tradecount`` -> ``trades``; the first ``Volume ...`` column
    (base currency) -> ``volume`` and the second (quote currency) -> ``quote_volume``; others lower-cased.
    """
    names: list[str] = []
    volumes = iter(("volume", "quote_volume"))
    for field in header.split(","):
        key = field.strip().lower()
        if key.startswith("unix"):
            key = "unix"
        elif key == "tradecount":
            key = "trades"
        elif key.startswith("volume"):
            key = next(volumes, key)
        names.append(key)
    return names


def read_cryptodatadownload(
    path: str | Path, interval: str | pd.Timedelta = "1h", *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a CryptoDataDownload OHLCV CSV into BARS.

    Parameters
    ----------
    path
        CSV with a banner line (``https://www.CryptoDataDownload.com`` or ``Created on ...,https://...``),
        then a header such as ``unix,date,symbol,open,high,low,close,Volume BTC,Volume USD[,tradecount]``
        or ``Unix Timestamp,Date,Symbol,Open,High,Low,Close,Volume``, rows newest first.
    interval
        Bar length, for the off-grid and missing-bar counts.
    price_range
        Plausible prices.

    Notes
    -----
    The cleaning pipeline, in order, every step counted in the report:

    1. times from the ``unix`` column only (the date text mixes formats), seconds or milliseconds by
       magnitude (:func:`~volrep.data.clean.epoch_to_datetime`);
    2. newest-first rows reversed into time order, which must then be non-decreasing;
    3. rows with a zero price dropped (Gemini's first bar has open = low = 0);
    4. exact duplicates dropped, then rows sharing a timestamp resolved with ``keep="last"``: in time
       order that keeps the row listed *first* in the file, the newer export. In Binance's file the 2,649
       pairs are an old-format row (seconds, rounded volume, no trade count) and a new-format one
       (milliseconds, trade count): the new one is kept;
    5. base/quote volumes swapped back where ``base x close ~ quote`` fails but the swap fits (Bitstamp's
       oldest rows).
    """
    path = Path(path)
    file = str(path)
    lines = _first_lines(path, 2)
    at = next((i for i, line in enumerate(lines) if line.lower().startswith("unix")), None)
    if at is None:
        raise DataError(path, "CryptoDataDownload header with a unix column", None, f"first lines: {lines}")
    names = _cdd_names(lines[at])
    require_columns(pd.DataFrame(columns=names), ("unix", *PRICES, "volume"), file)
    numeric = [c for c in ("unix", *PRICES, "volume", "quote_volume", "trades") if c in names]
    raw = _read_csv(path, names=names, numeric=numeric, skiprows=at + 1, na_values=("NULL",))
    report = CleaningReport(file, rows_in=len(raw))
    raw = raw.assign(timestamp=epoch_to_datetime(raw["unix"], file, report, expected="s"))
    if raw["timestamp"].iloc[0] > raw["timestamp"].iloc[-1]:
        raw = raw.iloc[::-1]
        report.add(RULE_NEWEST_FIRST, len(raw))
    require_sorted(raw["timestamp"], file, strict=False)
    raw = drop_zero_prices(raw, PRICES, report)
    raw = drop_exact_duplicates(raw, report, subset=[c for c in raw.columns if c != "unix"])
    raw = resolve_duplicate_timestamps(raw, report, keep="last", on="timestamp")
    if "quote_volume" in raw.columns:
        raw = swap_misplaced_volumes(raw, report)
    return _validated_bars(raw, file, report, _interval(interval), price_range), report
