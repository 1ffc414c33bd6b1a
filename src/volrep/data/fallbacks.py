"""yfinance fallbacks: re-create a raw file of the registry, in the same format, for users without the mirror.

A :class:`~volrep.data.registry.DatasetSpec` whose data can be rebuilt from Yahoo carries one of these as its
``fallback`` (bound to its ticker and period with :func:`functools.partial`); :func:`volrep.data.load` calls it
only when the raw file is missing and downloads are allowed. This is the only module that downloads through
yfinance, which it imports only when a fallback runs; the registry that names the fallbacks downloads nothing.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from volrep.errors import DataError


@cache
def sp500_tickers() -> tuple[str, ...]:
    """The 503 S&P 500 members of July 2025 (Yahoo symbols, e.g. ``BRK-B``), as in the members snapshot."""
    text = resources.files("volrep.data").joinpath("sp500_tickers_2025.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _exclusive_end(end: str) -> str:
    """yfinance's ``end`` is exclusive: the day after ``end``."""
    return f"{pd.Timestamp(end) + pd.Timedelta(days=1):%Y-%m-%d}"


def yahoo_daily_fallback(ticker: str, start: str, end: str, dest: Path, *, progress: bool = True) -> None:
    """Download daily ``ticker`` bars with yfinance and write them as ``Date,Close,High,Low,Open,Volume`` CSV.

    That is the raw layout of the Dhansoia (2025) files (which were made with yfinance and auto-adjusted
    prices), without the derived columns that the reader ignores.
    """
    import yfinance  # only the fallbacks need it

    frame = yfinance.download(
        ticker, start=start, end=_exclusive_end(end), auto_adjust=True, actions=False, progress=progress
    )
    if frame is None or frame.empty:
        raise DataError(f"yfinance:{ticker}", "yfinance returned data", detail=f"nothing for {start} .. {end}")
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = frame.columns.get_level_values(0)
    frame.index.name = "Date"
    frame[["Close", "High", "Low", "Open", "Volume"]].to_csv(dest, date_format="%Y-%m-%d")


def sp500_panel_fallback(start: str, end: str, dest: Path, *, progress: bool = True) -> None:
    """Download daily bars of the :func:`sp500_tickers` with yfinance and write the snapshot's parquet layout.

    The layout is long ``date, ticker, open, high, low, close (float32), volume``; days on which a ticker has
    no close (before its listing) are absent, as in the snapshot. Prices are split/dividend adjusted.
    """
    import yfinance  # only the fallbacks need it

    tickers = list(sp500_tickers())
    wide = yfinance.download(
        tickers,
        start=start,
        end=_exclusive_end(end),
        auto_adjust=True,
        actions=False,
        group_by="column",
        progress=progress,
    )
    if wide is None or wide.empty:
        raise DataError("yfinance:S&P 500 members", "yfinance returned data", detail=f"nothing for {start} .. {end}")
    long = wide.stack(level=-1, future_stack=True)
    long.index.names = ["date", "ticker"]
    long = long.rename(columns=str.lower).dropna(subset=["close"]).reset_index()
    panel = long[["date", "ticker", "open", "high", "low", "close"]].astype(
        {"ticker": "category", **{c: "float32" for c in ("open", "high", "low", "close")}}
    )
    panel["volume"] = long["volume"].astype("Int64")
    panel.sort_values(["ticker", "date"]).to_parquet(dest, index=False)
