"""Kraken OHLCVT exports (headerless ``unix_s, open, high, low, close, volume, trades`` CSVs) into BARS.

Used by the registry dataset ``kraken_xbtusd_1h``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from volrep.data.clean import CleaningReport, epoch_to_datetime
from volrep.data.readers._common import PRICE_RANGE, _header_lines, _interval, _read_csv, _validated_bars
from volrep.errors import ConfigError

_KRAKEN_COLUMNS = ("unix", "open", "high", "low", "close", "volume", "trades")


def read_kraken_ohlcvt(
    path: str | Path, interval: str | pd.Timedelta | None = None, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a Kraken OHLCVT CSV (headerless ``unix_s, open, high, low, close, volume, trades``) into BARS.

    Parameters
    ----------
    path
        Kraken names the files ``<PAIR>_<minutes>.csv`` (e.g. ``XBTUSD_60.csv``).
    interval
        Bar length (``"1h"``, a Timedelta); None infers it from the minutes in the file name.
    price_range
        Plausible prices.

    Notes
    -----
    Intervals without a trade have no row: that is the format, not an error; the report counts them as
    missing bars (:func:`volrep.data.clean.find_gaps` lists them).
    """
    path = Path(path)
    file = str(path)
    if interval is None:
        match = re.search(r"_(\d+)\.csv$", path.name)
        if match is None:
            raise ConfigError(f"cannot infer the Kraken interval from the file name {path.name!r}; pass interval=")
        interval = pd.Timedelta(int(match.group(1)), "min")
    step = _interval(interval)
    raw = _read_csv(path, names=_KRAKEN_COLUMNS, numeric=_KRAKEN_COLUMNS, skiprows=_header_lines(path))
    report = CleaningReport(file, rows_in=len(raw))
    bars = raw.assign(timestamp=epoch_to_datetime(raw["unix"], file, report, expected="s"))
    return _validated_bars(bars, file, report, step, price_range), report
