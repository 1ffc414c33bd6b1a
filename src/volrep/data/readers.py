"""One parser per raw data format; each returns the data in a canonical schema plus a cleaning report.

Every ``read_xxx(path, ...)`` returns ``(frame, report)`` where ``report`` is a
:class:`~volrep.data.clean.CleaningReport` counting what was changed, dropped or flagged. Bad input
raises :class:`~volrep.errors.DataError` naming the file, the rule and the zero-based data row (header
and banner lines not counted; the row is the one *in the file*, also after newest-first files are put in
time order).

Canonical schemas (later chapters rely on them exactly)
-------------------------------------------------------
BARS (intraday OHLCV: Binance klines, Kraken OHLCVT, CryptoDataDownload)
    Index ``timestamp``: ``datetime64[ns, UTC]``, the bar's OPEN time, strictly increasing.
    Columns ``open, high, low, close, volume`` (float64; volume in the base currency, e.g. BTC), then
    where the source has them: ``trades`` (Int64, trades in the bar, <NA> where unknown), ``close_time``
    (``datetime64[ns, UTC]``, Binance klines only) and ``quote_volume`` (float64, quote currency).
    Missing bars are not filled (the report counts them); bars off the interval grid are kept.
TICKS (trades: Binance aggTrades, bitcoincharts)
    Columns ``timestamp`` (``datetime64[ns, UTC]``), ``price`` (float64), ``amount`` (float64, base
    currency); RangeIndex; timestamps non-decreasing (several trades may share one).
DAILY prices (Yahoo)
    Index ``date``: tz-naive ``datetime64[ns]`` at midnight, strictly increasing.
    Columns ``open, high, low, close, volume`` (float64).
DAILY realized measures (Oxford-Man, highfrequency data sets)
    Index ``date`` as above. Lower-case measure names (``rv5``, ``bv``, ...). Variances are in DECIMAL
    units (squared log returns per day, not percent squared, not annualised); returns are decimal log
    returns. Each reader's docstring states the conversion it applies; the report records it.
PANEL (daily stock panel)
    Long frame with columns ``date`` (tz-naive ``datetime64[ns]``), ``ticker`` (category, sorted),
    ``open, high, low, close, volume`` (float64), sorted by ``(ticker, date)``, one row per pair.

Notes
-----
Readers validate expected columns, numeric fields, sorted unique timestamps (after the documented
re-sorting or counted de-duplication), positive finite prices and plausible units (a price outside
``PRICE_RANGE`` or a daily variance above 0.25 means the data are not in the units assumed).
"""

from __future__ import annotations

import gzip
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn

import numpy as np
import pandas as pd
import rdata

from volrep.data.clean import (
    CleaningReport,
    coerce_numeric,
    correct_uk_summer_time_dates,
    count_ohlc_inconsistent,
    count_repeats,
    drop_exact_duplicates,
    drop_zero_prices,
    epoch_to_datetime,
    find_gaps,
    off_grid,
    require_columns,
    require_nonnegative_finite,
    require_plausible,
    require_positive_finite,
    require_sorted,
    resolve_duplicate_timestamps,
    swap_misplaced_volumes,
)
from volrep.errors import ConfigError, DataError

PRICES = ("open", "high", "low", "close")
PRICE_RANGE = (1e-8, 1e8)
"""Plausible prices in any quote currency; a price outside it means wrong units or a corrupt field."""
MAX_DAILY_VARIANCE = 0.25
"""Largest plausible daily variance in decimal units (a daily volatility of 50 %)."""
MEDIAN_DAILY_VARIANCE = (1e-7, 1e-2)
"""Plausible range of a daily variance series' median in decimal units (0.03 % to 10 % daily volatility)."""
MAX_DAILY_LOG_RETURN = 1.0

RULE_OFF_GRID = "bars off the interval grid (kept)"
RULE_MISSING_BARS = "missing bars (gaps not filled)"
RULE_ZERO_TRADE_BARS = "zero-trade bars (kept)"
RULE_SHORT_CLOSE_TIME = "bars with a short close_time (kept)"
RULE_CLOSE_BEFORE_OPEN = "bars with close_time before open_time (kept)"
RULE_NEWEST_FIRST = "newest-first rows put in time order"
RULE_ZERO_AMOUNT = "trades with zero amount (kept)"
RULE_REPEATED_CLOSE = "close equal to previous close (kept)"
RULE_IGNORED_COLUMNS = "columns ignored"
RULE_UNITS = "values converted to decimal units"
RULE_RESORTED = "rows re-sorted by (ticker, date)"

_KLINE_COLUMNS = (
    "open_time", "open", "high", "low", "close", "volume", "close_time",
    "quote_volume", "count", "taker_buy_base", "taker_buy_quote", "ignore",
)  # fmt: skip
_AGGTRADE_COLUMNS = (
    "agg_trade_id", "price", "quantity", "first_trade_id", "last_trade_id",
    "transact_time", "is_buyer_maker", "is_best_match",
)  # fmt: skip
_KRAKEN_COLUMNS = ("unix", "open", "high", "low", "close", "volume", "trades")
_YAHOO_COLUMNS = ("Date", "Open", "High", "Low", "Close", "Volume")
_PANEL_COLUMNS = ("date", "ticker", "open", "high", "low", "close", "volume")
_BINANCE_UNITS = {"s": "s", "m": "min", "h": "h", "d": "D", "w": "W"}


# ---------------------------------------------------------------------------------------------------------
# raw CSV access


@contextmanager
def _open_raw(path: Path) -> Iterator[IO[bytes]]:
    """Binary stream of a CSV: the single member of a ``.zip``, a ``.gz`` decompressed, or the plain file.

    Corrupt or truncated archives raise DataError (also when the damage is only found while reading).
    """
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/")]
                if len(members) != 1:
                    raise DataError(path, "zip holds exactly one CSV file", None, f"members: {members}")
                with archive.open(members[0]) as stream:
                    yield stream
        elif path.suffix == ".gz":
            with gzip.open(path, "rb") as stream:
                yield stream
        else:
            with open(path, "rb") as stream:
                yield stream
    except (zipfile.BadZipFile, gzip.BadGzipFile, zlib.error, EOFError) as err:
        raise DataError(path, "readable, complete archive", None, f"{type(err).__name__}: {err}") from err


def _first_lines(path: Path, n: int) -> list[str]:
    """The first ``n`` lines of the CSV (fewer if the file is shorter), decoded, without line ends."""
    with _open_raw(path) as stream:
        lines = [stream.readline() for _ in range(n)]
    return [line.decode("utf-8-sig", errors="replace").rstrip("\r\n") for line in lines if line]


def _header_lines(path: Path) -> int:
    """1 if the CSV starts with a header row (its first field is not a number), else 0."""
    first = _first_lines(path, 1)
    if not first:
        return 0
    try:
        float(first[0].split(",")[0])
    except ValueError:
        return 1
    return 0


def _csv_frames(
    path: Path,
    *,
    names: Sequence[str],
    numeric: Sequence[str],
    skiprows: int,
    text: Sequence[str] = (),
    na_values: Sequence[str] = (),
    chunksize: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Parse a headerless CSV (vectorised, C engine): ``numeric`` columns as float64, ``text`` as strings.

    Yields one frame (``chunksize=None``) or one per chunk, indexed by the zero-based data-row number of
    the file; nothing for a file without data rows. A field that is not a number raises DataError at its
    row.
    """
    kwargs: dict[str, Any] = {
        "header": None,
        "names": list(names),
        "usecols": [*numeric, *text],
        "dtype": {**dict.fromkeys(numeric, np.float64), **dict.fromkeys(text, str)},
        "skiprows": skiprows,
        "na_values": list(na_values),
        "encoding": "utf-8-sig",
        "engine": "c",
    }
    done = 0
    with _open_raw(path) as stream:
        frames = pd.read_csv(stream, chunksize=chunksize, **kwargs) if chunksize else _lazy_read(stream, kwargs)
        while True:
            try:
                frame = next(frames)
            except (StopIteration, pd.errors.EmptyDataError):
                return
            except UnicodeDecodeError as err:
                raise DataError(path, "UTF-8 text", None, str(err)) from err
            except ValueError as err:
                _raise_bad_field(path, kwargs, numeric, start=done, nrows=chunksize, err=err)
            if frame.empty:
                continue
            frame.index = pd.RangeIndex(done, done + len(frame))
            done += len(frame)
            yield frame


def _lazy_read(stream: IO[bytes], kwargs: Mapping[str, Any]) -> Iterator[pd.DataFrame]:
    """The whole CSV as a one-frame iterator, parsed only when asked (so errors surface in the loop)."""
    yield pd.read_csv(stream, **kwargs)


def _raise_bad_field(
    path: Path, kwargs: Mapping[str, Any], numeric: Sequence[str], *, start: int, nrows: int | None, err: ValueError
) -> NoReturn:
    """Re-read the failing part of a CSV as text to name the row and field that is not a number.

    A file whose rows have more fields than the format's columns (pandas: "Number of passed names did not match
    number of header fields") is named as such, with the counts.
    """
    if "did not match number of header fields" in str(err):
        line = _first_lines(path, kwargs["skiprows"] + start + 1)[-1:]
        fields = len(line[0].split(",")) if line else "?"
        names = list(kwargs["names"])
        raise DataError(path, "expected columns", start, f"rows have {fields} fields, the format has {len(names)}: "
                        f"{', '.join(names)}") from err
    if not isinstance(err, pd.errors.ParserError):
        text_kwargs = {**kwargs, "dtype": str, "skiprows": kwargs["skiprows"] + start, "nrows": nrows}
        try:
            with _open_raw(path) as stream:
                raw = pd.read_csv(stream, **text_kwargs)
        except ValueError:  # the text re-read fails too: report the original error
            pass
        else:
            raw.index = pd.RangeIndex(start, start + len(raw))
            coerce_numeric(raw, numeric, str(path), na_values=kwargs["na_values"])
    raise DataError(path, "well-formed CSV rows", None, str(err)) from err


def _read_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    """The whole CSV as one frame (see :func:`_csv_frames`); DataError if it has no data row."""
    frames = list(_csv_frames(path, **kwargs))
    if not frames:
        raise DataError(path, "at least one data row", None, "the file holds no data")
    return frames[0]


# ---------------------------------------------------------------------------------------------------------
# bars


def _interval(value: str | pd.Timedelta) -> pd.Timedelta:
    """A bar interval from Binance notation (``"15m"``, ``"1h"``, ``"1d"``) or a Timedelta."""
    if isinstance(value, pd.Timedelta):
        return value
    match = re.fullmatch(r"(\d+)([smhdw])", value)
    if match is None:
        raise ConfigError(f"unsupported bar interval {value!r}: use a fixed length such as '1m', '15m', '1h', '1d'")
    return pd.Timedelta(int(match.group(1)), _BINANCE_UNITS[match.group(2)])


def _validated_bars(
    raw: pd.DataFrame, file: str, report: CleaningReport, step: pd.Timedelta, price_range: tuple[float, float]
) -> pd.DataFrame:
    """Validate bars in time order (``timestamp`` column, row-number index) and return the BARS frame.

    Checks positive finite prices in plausible units, non-negative volumes and trade counts, strictly
    increasing open times; counts inconsistent OHLC, off-grid bars and missing bars (kept / not filled).
    """
    require_positive_finite(raw, PRICES, file)
    for column in PRICES:
        require_plausible(raw[column], *price_range, file, "prices in plausible units")
    volumes = [c for c in ("volume", "quote_volume") if c in raw.columns]
    require_nonnegative_finite(raw, volumes, file)
    if "trades" in raw.columns:
        require_plausible(raw["trades"], 0, np.inf, file, "trade counts non-negative")
    require_sorted(raw["timestamp"], file, strict=True)
    count_ohlc_inconsistent(raw, report)
    index = pd.DatetimeIndex(raw["timestamp"], name="timestamp")
    report.add(RULE_OFF_GRID, int(off_grid(index, step).sum()), f"interval {step}")
    gaps = find_gaps(index, step)
    report.add(RULE_MISSING_BARS, int(gaps["missing"].sum()), f"{len(gaps)} gaps of the {step} grid")
    columns = [
        c for c in ("open", "high", "low", "close", "volume", "trades", "close_time", "quote_volume") if c in raw
    ]
    bars = raw[columns].set_axis(index, axis=0)
    if "trades" in bars.columns:
        bars["trades"] = bars["trades"].round().astype("Int64")
    report.rows_out = len(bars)
    return bars


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


# ---------------------------------------------------------------------------------------------------------
# ticks


def _iter_ticks(
    path: Path,
    *,
    names: Sequence[str],
    columns: Mapping[str, str],
    expected: str,
    chunksize: int | None,
    report: CleaningReport | None,
    price_range: tuple[float, float],
) -> Iterator[pd.DataFrame]:
    """TICKS frames from a trade CSV, chunk by chunk, validated across chunk boundaries.

    ``columns`` maps the file's time, price and amount columns to ``timestamp, price, amount``.
    """
    file = str(path)
    report = report if report is not None else CleaningReport(file)
    source = {v: k for k, v in columns.items()}
    previous: pd.Timestamp | None = None
    for raw in _csv_frames(
        path, names=names, numeric=tuple(columns), skiprows=_header_lines(path), chunksize=chunksize
    ):
        report.rows_in += len(raw)
        stamps = epoch_to_datetime(raw[source["timestamp"]], file, report, expected=expected)
        if previous is not None and len(stamps) and stamps.iloc[0] < previous:
            raise DataError(path, "timestamps non-decreasing", int(raw.index[0]), "earlier than the previous row")
        require_sorted(stamps, file, strict=False)
        ticks = pd.DataFrame(
            {"timestamp": stamps, "price": raw[source["price"]], "amount": raw[source["amount"]]}, index=raw.index
        )
        ticks = drop_zero_prices(ticks, ["price"], report)
        require_positive_finite(ticks, ["price"], file)
        require_plausible(ticks["price"], *price_range, file, "prices in plausible units")
        require_nonnegative_finite(ticks, ["amount"], file)
        report.add(RULE_ZERO_AMOUNT, int((ticks["amount"] == 0).sum()))
        report.rows_out += len(ticks)
        if len(stamps):
            previous = stamps.iloc[-1]
        yield ticks.reset_index(drop=True)


def _concat_ticks(frames: Iterator[pd.DataFrame], path: Path) -> pd.DataFrame:
    """All TICKS chunks of a file as one frame; DataError for a file without trades."""
    parts = list(frames)
    if not parts:
        raise DataError(path, "at least one data row", None, "the file holds no data")
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def iter_bitcoincharts(
    path: str | Path,
    chunksize: int | None = 5_000_000,
    *,
    report: CleaningReport | None = None,
    price_range: tuple[float, float] = PRICE_RANGE,
) -> Iterator[pd.DataFrame]:
    """Stream a bitcoincharts trade CSV (``unix_s, price, amount``; plain or ``.gz``) as TICKS chunks.

    Use it for ``bitstampUSD.csv.gz`` (~60 M trades). Pass a ``report`` to collect the counts of all
    chunks; order and validity are checked across chunk boundaries.
    """
    return _iter_ticks(
        Path(path),
        names=("unix", "price", "amount"),
        columns={"unix": "timestamp", "price": "price", "amount": "amount"},
        expected="s",
        chunksize=chunksize,
        report=report,
        price_range=price_range,
    )


def read_bitcoincharts(
    path: str | Path, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a whole bitcoincharts trade CSV (headerless ``unix_s, price, amount``; plain or ``.gz``) as TICKS.

    Timestamps have 1-second resolution, so many trades share one (kept, in file order). Trades at a price
    of exactly zero are dropped and counted; zero-amount trades are counted and kept.
    """
    path = Path(path)
    report = CleaningReport(str(path))
    frames = iter_bitcoincharts(path, None, report=report, price_range=price_range)
    return _concat_ticks(frames, path), report


def iter_binance_aggtrades(
    path: str | Path,
    chunksize: int | None = 5_000_000,
    *,
    report: CleaningReport | None = None,
    price_range: tuple[float, float] = PRICE_RANGE,
) -> Iterator[pd.DataFrame]:
    """Stream a Binance aggTrades zip as TICKS chunks (see :func:`read_binance_aggtrades`)."""
    return _iter_ticks(
        Path(path),
        names=_AGGTRADE_COLUMNS,
        columns={"transact_time": "timestamp", "price": "price", "quantity": "amount"},
        expected="ms",
        chunksize=chunksize,
        report=report,
        price_range=price_range,
    )


def read_binance_aggtrades(
    path: str | Path, *, price_range: tuple[float, float] = PRICE_RANGE
) -> tuple[pd.DataFrame, CleaningReport]:
    """Read a Binance public-data aggTrades zip into TICKS.

    The CSV has the columns ``agg_trade_id, price, quantity, first_trade_id, last_trade_id,
    transact_time, is_buyer_maker, is_best_match`` (headerless, or with a header row); only ``price``,
    ``quantity`` (-> ``amount``) and ``transact_time`` (epoch ms, or µs since 2025, by magnitude) are parsed.
    For files too large for memory use :func:`iter_binance_aggtrades`.
    """
    path = Path(path)
    report = CleaningReport(str(path))
    frames = iter_binance_aggtrades(path, None, report=report, price_range=price_range)
    return _concat_ticks(frames, path), report


# ---------------------------------------------------------------------------------------------------------
# daily prices and panels


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
    require_positive_finite(daily, PRICES, file)
    for column in PRICES:
        require_plausible(daily[column], *price_range, file, "prices in plausible units")
    require_nonnegative_finite(daily, ["volume"], file)
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
    require_positive_finite(panel, PRICES, file)
    for column in PRICES:
        require_plausible(panel[column], *price_range, file, "prices in plausible units")
    require_nonnegative_finite(panel, ["volume"], file)
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


# ---------------------------------------------------------------------------------------------------------
# R data files


def _xts_frame(values: Any, attrs: Mapping[str, Any]) -> pd.DataFrame:
    """rdata constructor for R ``xts``: a frame indexed by calendar date.

    xts keeps its time index in the attribute ``index`` as seconds since the epoch (also for ``Date``
    indexes, then at 00:00 UTC). rdata drops the index's own ``tzone`` attribute, so the date is taken as
    the nearest UTC midnight, which is the local date of a daily index in any zone within +-12 h of UTC.
    """
    seconds = np.asarray(attrs["index"], dtype=np.float64)
    days = np.rint(seconds / 86_400).astype(np.int64)
    index = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"), name="date")
    matrix = np.asarray(values, dtype=np.float64).reshape(len(index), -1)
    columns = (
        [str(c) for c in values.coords["dim_1"].values]
        if hasattr(values, "coords") and "dim_1" in values.coords
        else None
    )
    return pd.DataFrame(matrix, index=index, columns=columns)


def _r_date(values: Any, attrs: Mapping[str, Any]) -> np.ndarray:
    """rdata constructor for R ``Date`` (days since 1970-01-01) -> ``datetime64[ns]`` values."""
    days = np.asarray(values, dtype=np.float64)
    return (pd.to_datetime(days, unit="D")).to_numpy(dtype="datetime64[ns]")


_R_CONSTRUCTORS = {
    **rdata.conversion.DEFAULT_CLASS_MAP,
    "xts": _xts_frame,
    "Date": _r_date,
    # data.frame subclasses (data.table, tibble) hold a plain data.frame
    **dict.fromkeys(("data.table", "tbl_df", "tbl", "spec_tbl_df"), rdata.conversion.DEFAULT_CLASS_MAP["data.frame"]),
}


def _read_rda(path: Path) -> tuple[str, Any]:
    """The single object of an ``.rda`` file, converted with rdata: ``(name, object)``."""
    try:
        objects = rdata.read_rda(path, constructor_dict=_R_CONSTRUCTORS)
    except FileNotFoundError:
        raise
    except PermissionError as err:
        raise DataError(path, "file readable", None, f"{err.strerror}; give this user read permission") from err
    except Exception as err:  # rdata parses untrusted bytes: a corrupt payload fails in many ways (IndexError …)
        raise DataError(path, "readable R data file", None, f"{type(err).__name__}: {err}") from err
    if len(objects) != 1:
        raise DataError(path, "one object per R data file", None, f"objects: {list(objects)}")
    return next(iter(objects.items()))


def _dated_frame(obj: Any, path: Path) -> pd.DataFrame:
    """An R object of daily data as a frame indexed by ``date``.

    Accepts an xts (already converted by :func:`_xts_frame`), a matrix whose row names are ``YYYY-MM-DD``
    dates (what the MDSV package ships for the Oxford-Man indices), or a data.frame with one Date column.
    """
    if isinstance(obj, pd.DataFrame) and isinstance(obj.index, pd.DatetimeIndex):
        return obj
    if isinstance(obj, pd.DataFrame):
        date_columns = [c for c in obj.columns if pd.api.types.is_datetime64_any_dtype(obj[c])]
        if len(date_columns) != 1:
            raise DataError(path, "one Date column", None, f"date columns: {date_columns}")
        return obj.set_index(pd.DatetimeIndex(obj[date_columns[0]], name="date")).drop(columns=date_columns)
    if getattr(obj, "ndim", 0) == 2 and hasattr(obj, "coords") and {"dim_0", "dim_1"} <= set(obj.coords):
        names = pd.Series(obj.coords["dim_0"].values.astype(str))
        dates = pd.to_datetime(names, format="%Y-%m-%d", errors="coerce")
        if dates.isna().any():
            position = int(np.argmax(dates.isna().to_numpy()))
            raise DataError(path, "row names are YYYY-MM-DD dates", position, f"row name {names.iloc[position]!r}")
        columns = [str(c) for c in obj.coords["dim_1"].values]
        return pd.DataFrame(
            np.asarray(obj.values, dtype=np.float64), index=pd.DatetimeIndex(dates, name="date"), columns=columns
        )
    raise DataError(path, "xts, dated matrix or data.frame", None, f"got {type(obj).__name__}")


def _checked_measures(
    frame: pd.DataFrame, file: str, report: CleaningReport, *, variances: Sequence[str], returns: Sequence[str] = ()
) -> pd.DataFrame:
    """Validate DAILY realized measures: sorted unique dates, variances and returns in decimal units."""
    frame.index = pd.DatetimeIndex(frame.index, name="date").as_unit("ns")
    require_sorted(frame.index, file, strict=True)
    for column in variances:
        require_plausible(frame[column], 0.0, MAX_DAILY_VARIANCE, file, "daily variance in decimal units")
        require_plausible(frame[column].median(), *MEDIAN_DAILY_VARIANCE, file, f"median {column} in decimal units")
    for column in returns:
        require_plausible(
            frame[column], -MAX_DAILY_LOG_RETURN, MAX_DAILY_LOG_RETURN, file, "daily log return in decimal units"
        )
    report.rows_out = len(frame)
    return frame


def read_oxfordman_xts(path: str | Path) -> tuple[pd.DataFrame, CleaningReport]:
    """Read one of the 31 Oxford-Man index files of the R package MDSV into DAILY realized measures.

    The ``.rda`` holds one object (an xts, or as shipped a matrix with dates as row names) with columns
    ``r`` = 100 x close-to-close log return minus its sample mean and ``rv`` = Oxford-Man ``rv5`` x 1e4
    (5-minute realized variance in percent squared).

    Returns
    -------
    (measures, report)
        Columns ``ret_demeaned = r / 100`` (decimal log return, still demeaned) and ``rv5 = rv / 1e4``
        (decimal daily variance); the conversion is recorded in the report.
    """
    path = Path(path)
    file = str(path)
    _, obj = _read_rda(path)
    frame = _dated_frame(obj, path)
    require_columns(frame, ("r", "rv"), file)
    report = CleaningReport(file, rows_in=len(frame))
    out = pd.DataFrame({"ret_demeaned": frame["r"] / 100.0, "rv5": frame["rv"] / 1e4}, index=frame.index)
    report.add(
        RULE_UNITS, len(out), "ret_demeaned = r / 100 (percent -> decimal); rv5 = rv / 1e4 (percent^2 -> decimal)"
    )
    return _checked_measures(out, file, report, variances=["rv5"], returns=["ret_demeaned"]), report


_REALIZED_LIBRARY_VARIANCE = re.compile(r"^(rv|bv|medrv|rk_|rsv)")


def read_realized_library(path: str | Path) -> tuple[pd.DataFrame, CleaningReport]:
    """Read the Oxford-Man realized library data.frame of R highfrequency (``realizedLibrary.rda``).

    Returns every numeric column (``rv5, rv5_ss, rv10, bv, medrv, rk_parzen, rk_th2, rk_twoscale, rsv,
    open_to_close, close_price, nobs, ...``) indexed by ``date``. The measures are already daily variances
    in decimal units and ``open_to_close`` a decimal log return: no unit conversion.

    Notes
    -----
    The file's dates are one day early during UK summer time (564 rows fall on Sundays); the reader
    detects and undoes that with :func:`volrep.data.clean.correct_uk_summer_time_dates` (2,976 rows
    shifted). After the correction all 5,016 dates the file shares with the MDSV ``sp500`` file carry
    the same ``rv5``.
    """
    path = Path(path)
    file = str(path)
    _, obj = _read_rda(path)
    frame = _dated_frame(obj, path)
    report = CleaningReport(file, rows_in=len(frame))
    if "symbol" in frame.columns:
        symbols = frame["symbol"].unique()
        if len(symbols) != 1:
            raise DataError(path, "one symbol per file", None, f"symbols: {list(symbols)[:5]}")
        frame = frame.drop(columns="symbol")
    frame.columns = [str(c).lower() for c in frame.columns]
    frame.index = correct_uk_summer_time_dates(pd.DatetimeIndex(frame.index).normalize(), report, file)
    variances = [c for c in frame.columns if _REALIZED_LIBRARY_VARIANCE.match(c)]
    prices = [c for c in ("open_price", "close_price") if c in frame.columns]
    require_positive_finite(frame.reset_index(drop=True), prices, file)
    returns = [c for c in ("open_to_close",) if c in frame.columns]
    return _checked_measures(frame.astype(np.float64), file, report, variances=variances, returns=returns), report


@dataclass(frozen=True)
class RdaUnits:
    """Units of an R data set of daily realized measures, as factors to decimal units.

    Parameters
    ----------
    variance
        Lower-case names of the daily variance columns (validated as such).
    variance_scale
        Factor to decimal squared log returns (``1e-4`` for percent squared).
    quarticity
        Lower-case names of the realized-quarticity columns.
    quarticity_scale
        Factor to decimal fourth powers (``1e-8`` for percent to the fourth).
    note
        How the units were established.
    """

    variance: tuple[str, ...]
    variance_scale: float
    quarticity: tuple[str, ...] = ()
    quarticity_scale: float = 1.0
    note: str = ""


RDA_UNITS: dict[str, RdaUnits] = {
    "SP500RM": RdaUnits(
        variance=("rv", "rj", "bpv", "rvn", "rvp"),
        variance_scale=1e-4,
        quarticity=("rq", "tpq", "medrq", "trrq", "rq15min", "rqboot"),
        quarticity_scale=1e-8,
        note=(
            "Bollerslev, Patton & Quaedvlieg (2016) data: RV in percent^2 (median 0.63, i.e. 0.8 % daily "
            "volatility); rv = rvn + rvp and rj = max(rv - bpv, 0) hold exactly. Quarticities are taken as "
            "percent^4, but their level is not RV^2-like (median rq / rv^2 = 4.1e-4 in either units), so "
            "use them only where a model estimates its own coefficient on them (HARQ)."
        ),
    ),
    "SPYRM": RdaUnits(
        variance=("rv1", "rv5", "bpv1", "bpv5", "medrv1", "medrv5", "rk1", "rk5"),
        variance_scale=1.0,
        quarticity=("rq1", "rq5", "medrq1", "medrq5"),
        quarticity_scale=1e-8,
        note=(
            "highfrequency's SPY data: variances already decimal (median rv5 2.2e-5, 0.47 % daily "
            "volatility); quarticities in percent^4 (median rq1 / rv1^2 = 0.93e8 in file units, ~0.9 after "
            "the 1e-8 scaling)."
        ),
    ),
}
"""Units of the R data sets read by :func:`read_rda_frame`, keyed by the R object's name."""


def read_rda_frame(path: str | Path, units: RdaUnits | None = None) -> tuple[pd.DataFrame, CleaningReport]:
    """Read an R data set of daily realized measures (data.frame, data.table or xts) into DAILY measures.

    Parameters
    ----------
    path
        ``.rda`` file with one object: a data.frame with a ``Date`` column or an xts with a Date index.
    units
        Units of the columns; None looks the R object's name up in :data:`RDA_UNITS` (``SP500RM`` of
        Bollerslev, Patton & Quaedvlieg (2016): variances percent^2 -> x 1e-4; ``SPYRM``: variances already
        decimal, quarticities percent^4 -> x 1e-8). An unknown object without ``units`` is an error: units
        are never guessed.

    Returns
    -------
    (measures, report)
        Lower-case column names; the scalings applied are recorded in the report.
    """
    path = Path(path)
    file = str(path)
    name, obj = _read_rda(path)
    units = units if units is not None else RDA_UNITS.get(name)
    if units is None:
        raise DataError(path, "known units", None, f"R object {name!r} is not in RDA_UNITS; pass units=RdaUnits(...)")
    frame = _dated_frame(obj, path)
    frame.columns = [str(c).lower() for c in frame.columns]
    require_columns(frame, (*units.variance, *units.quarticity), file)
    report = CleaningReport(file, rows_in=len(frame))
    frame = frame.astype(np.float64)
    scaled = [
        (cols, scale)
        for cols, scale in ((units.variance, units.variance_scale), (units.quarticity, units.quarticity_scale))
        if cols and scale != 1.0
    ]
    for columns, scale in scaled:
        frame[list(columns)] = frame[list(columns)] * scale
    report.add(RULE_UNITS, len(frame) if scaled else 0, "; ".join(f"{', '.join(c)} x {s:g}" for c, s in scaled))
    return _checked_measures(frame, file, report, variances=units.variance), report
