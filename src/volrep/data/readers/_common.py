"""Helpers shared by the readers of every source family: raw CSV access and the canonical-schema checks.

* raw CSV access: the single CSV of a ``.zip``, a ``.gz`` or a plain file, parsed vectorised; a field that is
  not a number, a corrupt archive or a file without data raises :class:`~volrep.errors.DataError` naming
  the file, the rule and the zero-based data row;
* :func:`_require_prices`: positive finite prices in plausible units and non-negative volumes (BARS, TICKS,
  DAILY prices and PANEL all check them the same way);
* BARS (:func:`_validated_bars`) and TICKS (:func:`_iter_ticks`, :func:`_read_ticks`): validation shared by
  the Binance, Kraken and CryptoDataDownload bar readers and by the Binance and bitcoincharts trade readers.

The schemas themselves are described in :mod:`volrep.data.readers`.
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

from volrep.data.clean import (
    CleaningReport,
    coerce_numeric,
    count_ohlc_inconsistent,
    drop_zero_prices,
    epoch_to_datetime,
    find_gaps,
    off_grid,
    require_nonnegative_finite,
    require_plausible,
    require_positive_finite,
    require_sorted,
)
from volrep.errors import ConfigError, DataError

PRICES = ("open", "high", "low", "close")
PRICE_RANGE = (1e-8, 1e8)
"""Plausible prices in any quote currency; a price outside it means wrong units or a corrupt field."""

RULE_OFF_GRID = "bars off the interval grid (kept)"
RULE_MISSING_BARS = "missing bars (gaps not filled)"
RULE_ZERO_AMOUNT = "trades with zero amount (kept)"

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
# prices and volumes


def _require_prices(
    frame: pd.DataFrame,
    file: str,
    price_range: tuple[float, float],
    *,
    prices: Sequence[str] = PRICES,
    volumes: Sequence[str] = ("volume",),
) -> None:
    """Positive finite ``prices`` inside ``price_range`` (plausible units) and non-negative finite ``volumes``."""
    require_positive_finite(frame, prices, file)
    for column in prices:
        require_plausible(frame[column], *price_range, file, "prices in plausible units")
    require_nonnegative_finite(frame, volumes, file)


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
    _require_prices(raw, file, price_range, volumes=[c for c in ("volume", "quote_volume") if c in raw.columns])
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


# ---------------------------------------------------------------------------------------------------------
# ticks


@dataclass(frozen=True)
class _TickLayout:
    """The layout of a trade CSV.

    Parameters
    ----------
    names
        All columns of the file, in order.
    columns
        The file's time, price and amount columns mapped to ``timestamp, price, amount``.
    expected
        Usual epoch unit of the time column (``"s"``, ``"ms"``); other magnitudes are detected and counted.
    """

    names: tuple[str, ...]
    columns: Mapping[str, str]
    expected: str


def _iter_ticks(
    path: Path,
    layout: _TickLayout,
    chunksize: int | None,
    *,
    report: CleaningReport | None,
    price_range: tuple[float, float],
) -> Iterator[pd.DataFrame]:
    """TICKS frames from a trade CSV of the given ``layout``, chunk by chunk, validated across chunk boundaries."""
    file = str(path)
    report = report if report is not None else CleaningReport(file)
    source = {v: k for k, v in layout.columns.items()}
    previous: pd.Timestamp | None = None
    for raw in _csv_frames(
        path, names=layout.names, numeric=tuple(layout.columns), skiprows=_header_lines(path), chunksize=chunksize
    ):
        report.rows_in += len(raw)
        stamps = epoch_to_datetime(raw[source["timestamp"]], file, report, expected=layout.expected)
        if previous is not None and len(stamps) and stamps.iloc[0] < previous:
            raise DataError(path, "timestamps non-decreasing", int(raw.index[0]), "earlier than the previous row")
        require_sorted(stamps, file, strict=False)
        ticks = pd.DataFrame(
            {"timestamp": stamps, "price": raw[source["price"]], "amount": raw[source["amount"]]}, index=raw.index
        )
        ticks = drop_zero_prices(ticks, ["price"], report)
        _require_prices(ticks, file, price_range, prices=["price"], volumes=["amount"])
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


def _read_ticks(
    path: Path, layout: _TickLayout, price_range: tuple[float, float]
) -> tuple[pd.DataFrame, CleaningReport]:
    """A whole trade CSV of the given ``layout`` as one TICKS frame, with its cleaning report."""
    report = CleaningReport(str(path))
    frames = _iter_ticks(path, layout, None, report=report, price_range=price_range)
    return _concat_ticks(frames, path), report
