"""bitcoincharts.com historic trade CSVs (``unix_s, price, amount``; plain or ``.gz``) into TICKS.

Used by :data:`volrep.data.registry.BITSTAMP_TICKS` (``bitstampUSD.csv.gz``, not mirrored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from volrep.data.clean import CleaningReport
from volrep.data.readers._common import PRICE_RANGE, _iter_ticks, _read_ticks, _TickLayout

_BITCOINCHARTS = _TickLayout(
    ("unix", "price", "amount"), {"unix": "timestamp", "price": "price", "amount": "amount"}, expected="s"
)


def iter_bitcoincharts(
    path: str | Path, chunksize: int | None = 5_000_000, *, report: CleaningReport | None = None,
    price_range: tuple[float, float] = PRICE_RANGE,
) -> Iterator[pd.DataFrame]:
    """Stream a bitcoincharts trade CSV (``unix_s, price, amount``; plain or ``.gz``) as TICKS chunks.

    Use it for ``bitstampUSD.csv.gz`` (~60 M trades). Pass a ``report`` to collect the counts of all
    chunks; order and validity are checked across chunk boundaries.
    """
    return _iter_ticks(Path(path), _BITCOINCHARTS, chunksize, report=report, price_range=price_range)


def read_bitcoincharts(
    path: str | Path, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a whole bitcoincharts trade CSV (headerless ``unix_s, price, amount``; plain or ``.gz``) as TICKS.

    Timestamps have 1-second resolution, so many trades share one (kept, in file order). Trades at a price
    of exactly zero are dropped and counted; zero-amount trades are counted and kept.
    """
    return _read_ticks(Path(path), _BITCOINCHARTS, price_range)
