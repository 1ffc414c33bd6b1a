"""Binance public data (https://data.binance.vision): kline zips into BARS, aggTrades zips into TICKS.

Used by the registry datasets ``binance_klines_15m`` and ``binance_klines_1m_daily`` and by the datasets built
with :func:`volrep.data.registry.binance_klines` (klines) and :func:`volrep.data.registry.binance_aggtrades`
(aggregated trades).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from volrep.data.clean import CleaningReport, epoch_to_datetime
from volrep.data.readers._common import (
    PRICE_RANGE,
    _header_lines,
    _interval,
    _iter_ticks,
    _read_csv,
    _read_ticks,
    _TickLayout,
    _validated_bars,
)
from volrep.errors import ConfigError

RULE_ZERO_TRADE_BARS = "zero-trade bars (kept)"
RULE_SHORT_CLOSE_TIME = "bars with a short close_time (kept)"
RULE_CLOSE_BEFORE_OPEN = "bars with close_time before open_time (kept)"

_KLINE_COLUMNS = (
    "open_time", "open", "high", "low", "close", "volume", "close_time",
    "quote_volume", "count", "taker_buy_base", "taker_buy_quote", "ignore",
)  # fmt: skip
_AGGTRADE_COLUMNS = (
    "agg_trade_id", "price", "quantity", "first_trade_id", "last_trade_id",
    "transact_time", "is_buyer_maker", "is_best_match",
)  # fmt: skip
_AGGTRADES = _TickLayout(
    _AGGTRADE_COLUMNS, {"transact_time": "timestamp", "price": "price", "quantity": "amount"}, expected="ms"
)


def read_binance_klines(
    path: str | Path, interval: str | pd.Timedelta | None = None, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a Binance public-data kline zip (any interval) into BARS.

    Parameters
    ----------
    path
        ``<SYMBOL>-<interval>-<YYYY-MM>[-DD].zip`` holding one CSV with the 12 columns ``open_time, open,
        high, low, close, volume, close_time, quote_volume, count, taker_buy_base, taker_buy_quote,
        ignore`` (no header, or a header row in newer files).
    interval
        Bar length in Binance notation (``"15m"``) or a Timedelta; None infers it from the file name.
    price_range
        Plausible prices (narrow it for a known asset).

    Returns
    -------
    (bars, report)
        BARS with ``trades`` (= ``count``), ``close_time`` and ``quote_volume``.

    Notes
    -----
    Times are epoch milliseconds, or microseconds in spot files since 2025 (detected per value by
    magnitude, counted). Kept but counted: bars off the interval grid (the mirror's 81 bars after the
    2018-02-08/09 outage; downstream samples prices on a calendar grid with the previous-tick rule on
    ``close_time``), zero-trade bars, bars whose ``close_time`` is earlier than ``open + interval - 1 ms``
    (13 in the 2018-2022 15-minute files, one of them even before its open time), and missing bars.
    """
    path = Path(path)
    file = str(path)
    step = _interval(interval if interval is not None else _binance_interval_from_name(path))
    raw = _read_csv(
        path,
        names=_KLINE_COLUMNS,
        numeric=("open_time", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "count"),
        skiprows=_header_lines(path),
    )
    report = CleaningReport(file, rows_in=len(raw))
    opened = epoch_to_datetime(raw["open_time"], file, report, expected="ms")
    closed = epoch_to_datetime(raw["close_time"], file, expected="ms")
    bars = raw.assign(timestamp=opened, close_time=closed).rename(columns={"count": "trades"})
    report.add(RULE_ZERO_TRADE_BARS, int((bars["trades"] == 0).sum()))
    full = opened + (step - pd.Timedelta(milliseconds=1))
    report.add(RULE_SHORT_CLOSE_TIME, int((closed < full).sum()), "close_time < open_time + interval - 1 ms")
    report.add(RULE_CLOSE_BEFORE_OPEN, int((closed < opened).sum()))
    return _validated_bars(bars, file, report, step, price_range), report


def _binance_interval_from_name(path: Path) -> str:
    """The interval field of a Binance kline file name (``BTCUSDT-15m-2018-02.zip`` -> ``"15m"``)."""
    match = re.search(r"-(\d+[smhdw])-\d{4}-\d{2}", path.name)
    if match is None:
        raise ConfigError(f"cannot infer the kline interval from the file name {path.name!r}; pass interval=")
    return match.group(1)


def iter_binance_aggtrades(
    path: str | Path, chunksize: int | None = 5_000_000, *, report: CleaningReport | None = None,
    price_range: tuple[float, float] = PRICE_RANGE,
) -> Iterator[pd.DataFrame]:
    """Stream a Binance aggTrades zip as TICKS chunks (see :func:`read_binance_aggtrades`)."""
    return _iter_ticks(Path(path), _AGGTRADES, chunksize, report=report, price_range=price_range)


def read_binance_aggtrades(
    path: str | Path, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a Binance public-data aggTrades zip into TICKS.

    The CSV has the columns ``agg_trade_id, price, quantity, first_trade_id, last_trade_id,
    transact_time, is_buyer_maker, is_best_match`` (headerless, or with a header row); only ``price``,
    ``quantity`` (-> ``amount``) and ``transact_time`` (epoch ms, or µs since 2025, by magnitude) are parsed.
    For files too large for memory use :func:`iter_binance_aggtrades`.
    """
    return _read_ticks(Path(path), _AGGTRADES, price_range)
