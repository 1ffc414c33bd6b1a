"""Dataset specifications: every raw input as a public URL with its sha256, the reader that parses it, and
the yfinance fallback (:mod:`volrep.data.fallbacks`) for the datasets that can be rebuilt from Yahoo.

The raw files of the mirrored datasets are listed in ``sources.csv`` beside this module (``dataset, url,
sha256, bytes, format``; the hashes are of the original bytes), except the 1,826 daily 1-minute kline files, whose
hashes are in ``binance_klines_1m_daily.sha256``. Each file lives at
``<VOLREP_DATA_DIR>/<host>/<path of the URL>`` (:attr:`RawFile.relpath`), which is exactly the layout of
the offline mirror; the one file without a public URL, the S&P 500 members snapshot, has the URL
``snapshot:<file name>`` and lives at ``<VOLREP_DATA_DIR>/snapshots/<file name>``.

Finer Binance data than the mirror holds (1-minute klines, aggregated trades) is built with
:func:`binance_klines` and :func:`binance_aggtrades`; those files have no registered hash and are verified
with the ``.CHECKSUM`` file that Binance publishes beside every zip. Bitstamp ticks from bitcoincharts
(:data:`BITSTAMP_TICKS`) have no published hash at all (see its caveats).

This module only describes datasets (the spec types, the registered file lists and the table of specs); it
downloads, verifies and parses nothing: fetching and verification live in :mod:`volrep.data.fetch`, the
yfinance re-creations in :mod:`volrep.data.fallbacks`, parsing in :mod:`volrep.data.readers`. It stays one
file although it passes 500 lines because most of it is that table (:data:`REGISTRY`, data rather than logic),
and the spec types and file lists exist only to fill it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import pandas as pd

from volrep.data import readers
from volrep.data.clean import CleaningReport
from volrep.data.fallbacks import sp500_panel_fallback, yahoo_daily_fallback
from volrep.errors import ConfigError

SNAPSHOT_SCHEME = "snapshot:"
BINANCE_HOST = "data.binance.vision"
Kind = Literal["bars", "ticks", "daily_prices", "daily_rm", "panel"]


def url_relpath(url: str) -> str:
    """Path of ``url`` inside the raw-file cache: ``host/path`` (``snapshots/<name>`` for a snapshot)."""
    if url.startswith(SNAPSHOT_SCHEME):
        return "snapshots/" + url[len(SNAPSHOT_SCHEME) :]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.path.strip("/"):
        raise ConfigError(f"unsupported raw-file URL {url!r}: expected http(s)://host/path or {SNAPSHOT_SCHEME}<name>")
    return parts.netloc + parts.path


@dataclass(frozen=True)
class RawFile:
    """One raw input file: where it comes from and how to recognise its bytes.

    Parameters
    ----------
    url
        Public URL (``https://host/path``) or ``snapshot:<name>`` for a file with no public source.
    sha256
        Hex digest of the original bytes, or None when no hash is registered (Binance files outside the
        mirror are then checked with their published ``.CHECKSUM``; other files are trusted on first use).
    size
        Size in bytes, or None when unknown.
    dataset
        Name of the dataset the file belongs to.
    """

    url: str
    sha256: str | None
    size: int | None
    dataset: str

    @property
    def relpath(self) -> str:
        """Path below the raw-file cache root, e.g. ``data.binance.vision/data/spot/.../x.zip``."""
        return url_relpath(self.url)

    @property
    def name(self) -> str:
        """File name (last part of the URL)."""
        return self.relpath.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        """File name without its last suffix (``sp500`` for ``.../sp500.rda``)."""
        return Path(self.name).stem

    @property
    def checksum_url(self) -> str | None:
        """URL of the ``.CHECKSUM`` file Binance publishes beside each zip; None for other hosts."""
        return self.url + ".CHECKSUM" if urlsplit(self.url).netloc == BINANCE_HOST else None


Reader = Callable[[Path], tuple[pd.DataFrame, CleaningReport]]
Fallback = Callable[..., None]  # fallback(dest: Path, *, progress: bool) -> None


@dataclass(frozen=True)
class DatasetSpec:
    """Everything the data layer knows about one dataset.

    Parameters
    ----------
    name
        Registry key, e.g. ``"binance_klines_15m"``.
    title
        One line saying what the data is.
    source
        Who publishes it, in words, with the homepage.
    period
        Period covered, ``"YYYY-MM-DD .. YYYY-MM-DD"``.
    units
        Units of the columns (prices, volumes, variances).
    kind
        ``"bars"`` (intraday OHLCV), ``"ticks"`` (trades), ``"daily_prices"``, ``"daily_rm"`` (daily realized
        measures) or ``"panel"`` (many tickers, long format).
    files
        The raw files. Unless ``member_files`` is set they are consecutive time chunks of one series.
    reader
        ``reader(path) -> (frame, CleaningReport)`` for one file (see :mod:`volrep.data.readers`).
    caveats
        Known problems of the data that the reader or the chapters handle.
    fallback
        ``fallback(dest, progress=...)`` writes a re-creation of the single raw file, in the same format, to
        ``dest`` (used only when the raw file is missing and downloads are allowed); None if there is none.
    member_files
        True when each file is a separate series named by its stem (``load(name, index=stem)``).
    """

    name: str
    title: str
    source: str
    period: str
    units: str
    kind: Kind
    files: tuple[RawFile, ...]
    reader: Reader
    caveats: str = ""
    fallback: Fallback | None = None
    member_files: bool = False

    def select(self, index: str | None = None) -> tuple[RawFile, ...]:
        """The files to load: all of them, or for a ``member_files`` dataset the one whose stem is ``index``."""
        if index is None:
            return self.files
        if not self.member_files:
            raise ConfigError(f"dataset {self.name!r} has no members to choose from; call load() without index")
        chosen = tuple(f for f in self.files if f.stem == index)
        if not chosen:
            raise ConfigError(f"{self.name!r} has no index {index!r}; choose one of {', '.join(self.members())}")
        return chosen

    def members(self) -> list[str]:
        """Stems of the files (the index names of a ``member_files`` dataset), sorted."""
        return sorted(f.stem for f in self.files)


@cache
def _sources() -> dict[str, RawFile]:
    """The rows of ``sources.csv`` as RawFiles keyed by URL, in file order."""
    text = resources.files("volrep.data").joinpath("sources.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        r["url"]: RawFile(r["url"], r["sha256"] or None, int(r["bytes"]) if r["bytes"] else None, r["dataset"])
        for r in rows
    }


def _raw(url: str, dataset: str) -> RawFile:
    """A RawFile for ``url``, with the registered sha256 and size when ``sources.csv`` lists the URL."""
    known = _sources().get(url)
    return RawFile(url, known.sha256, known.size, dataset) if known else RawFile(url, None, None, dataset)


#: Where the mirror's 1-minute klines come from; their hashes are in ``binance_klines_1m_daily.sha256``.
_KLINES_1M_BASE = ("https://raw.githubusercontent.com/Jan-Kluger/backtest_and_deploy/"
                   "f26eda3c9042b8f060968a46ca25f482f1a7bd89/data/")


@cache
def _checksum_list(dataset: str, base_url: str) -> tuple[RawFile, ...]:
    """The files of a dataset registered in ``<dataset>.sha256`` beside this module, in file order.

    For datasets of many files (1,826 daily 1-minute files would quadruple ``sources.csv``): one line per file,
    ``<sha256>  <bytes>  <file name>``, the URL being ``base_url + file name``; lines starting with ``#`` are
    comments.
    """
    text = resources.files("volrep.data").joinpath(f"{dataset}.sha256").read_text(encoding="utf-8")
    files = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 3 or len(fields[0]) != 64 or not fields[1].isdigit():
            raise ConfigError(f"{dataset}.sha256, line {number}: expected '<sha256>  <bytes>  <file name>', got {line!r}")
        files.append(RawFile(base_url + fields[2], fields[0], int(fields[1]), dataset))
    return tuple(files)


def _files(dataset: str) -> tuple[RawFile, ...]:
    """The registered files of a dataset, sorted by URL (for time chunks: in time order)."""
    files = tuple(sorted((f for f in _sources().values() if f.dataset == dataset), key=lambda f: f.url))
    if not files:
        raise ConfigError(f"sources.csv lists no file of dataset {dataset!r}")
    return files


# ---------------------------------------------------------------------------------------------------------
# Binance public data (https://data.binance.vision, layout documented at github.com/binance/binance-public-data)


def binance_url(
    kind: Literal["klines", "aggTrades"],
    symbol: str,
    interval: str | None,
    period: Literal["monthly", "daily"],
    date: str | pd.Timestamp,
) -> str:
    """URL of one Binance spot public-data zip.

    Parameters
    ----------
    kind
        ``"klines"`` (OHLCV bars; needs ``interval``) or ``"aggTrades"`` (aggregated trades; no interval).
    symbol
        Spot symbol, e.g. ``"BTCUSDT"``.
    interval
        Kline interval (``"1m"``, ``"5m"``, ``"15m"``, ``"1h"`` …) or None for aggTrades.
    period
        ``"monthly"`` (one zip per calendar month) or ``"daily"``.
    date
        Any date in the month (or the day) wanted.

    Examples
    --------
    >>> binance_url("klines", "BTCUSDT", "1m", "monthly", "2021-03")
    'https://data.binance.vision/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2021-03.zip'
    >>> binance_url("aggTrades", "BTCUSDT", None, "daily", "2021-03-05")
    'https://data.binance.vision/data/spot/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2021-03-05.zip'
    """
    stamp = {"monthly": "%Y-%m", "daily": "%Y-%m-%d"}.get(period)
    if stamp is None:
        raise ConfigError(f"Binance period must be 'monthly' or 'daily', not {period!r}")
    when = pd.Timestamp(date).strftime(stamp)
    base = f"https://{BINANCE_HOST}/data/spot/{period}/{kind}/{symbol}"
    if kind == "klines":
        if not interval:
            raise ConfigError("Binance klines need an interval such as '1m'")
        return f"{base}/{interval}/{symbol}-{interval}-{when}.zip"
    if kind == "aggTrades":
        if interval is not None:
            raise ConfigError("Binance aggTrades have no interval; pass interval=None")
        return f"{base}/{symbol}-aggTrades-{when}.zip"
    raise ConfigError(f"Binance kind must be 'klines' or 'aggTrades', not {kind!r}")


def _binance_dates(start: str | pd.Timestamp, end: str | pd.Timestamp, period: str) -> pd.DatetimeIndex:
    """First day of every month (or every day) from ``start`` to ``end`` inclusive."""
    if period == "monthly":
        return pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M").to_timestamp()
    return pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")


def _period_text(dates: pd.DatetimeIndex, period: str) -> str:
    """``"first day .. last day"`` covered by the files starting on ``dates``."""
    last = dates[-1] + pd.offsets.MonthEnd(0) if period == "monthly" else dates[-1]
    return f"{dates[0]:%Y-%m-%d} .. {last:%Y-%m-%d}"


_BINANCE_SOURCE = "Binance public market data, https://data.binance.vision (github.com/binance/binance-public-data)"
_BINANCE_CHECKSUM = (
    "Files outside the offline mirror are verified with the .CHECKSUM Binance publishes beside each zip."
)


def _binance_spec(kind: Literal["klines", "aggTrades"], symbol: str, interval: str | None, start: str | pd.Timestamp,
                  end: str | pd.Timestamp, period: Literal["monthly", "daily"], *, stem: str, title: str, units: str,
                  data_kind: str, reader: Reader) -> DatasetSpec:
    """One spec for the Binance files of ``kind`` from ``start`` to ``end`` (shared by the public constructors)."""
    dates = _binance_dates(start, end, period)
    if dates.empty:
        raise ConfigError(f"no Binance {period} file between {start} and {end}")
    name = f"{stem}_{dates[0]:%Y-%m-%d}_{dates[-1]:%Y-%m-%d}"
    return DatasetSpec(
        name=name,
        title=title,
        source=_BINANCE_SOURCE,
        period=_period_text(dates, period),
        units=units,
        kind=data_kind,
        files=tuple(_raw(binance_url(kind, symbol, interval, period, d), name) for d in dates),
        reader=reader,
        caveats=_BINANCE_CHECKSUM,
    )


def binance_klines(
    symbol: str = "BTCUSDT",
    interval: str = "1m",
    start: str | pd.Timestamp = "2021-01",
    end: str | pd.Timestamp = "2021-01",
    *,
    period: Literal["monthly", "daily"] = "monthly",
) -> DatasetSpec:
    """Binance spot klines of any symbol and interval, one zip per month (or day) from ``start`` to ``end``.

    Files that the offline mirror holds keep their registered sha256; the others are checked against the
    ``.CHECKSUM`` file Binance publishes beside each zip.
    """
    return _binance_spec("klines", symbol, interval, start, end, period, stem=f"binance_klines_{symbol}_{interval}",
                         title=f"Binance spot {symbol} {interval} klines",
                         units="prices in the quote asset, volume in the base asset, count = trades in the bar",
                         data_kind="bars", reader=readers.read_binance_klines)


def binance_aggtrades(
    symbol: str = "BTCUSDT",
    start: str | pd.Timestamp = "2021-01-01",
    end: str | pd.Timestamp = "2021-01-01",
    *,
    period: Literal["monthly", "daily"] = "daily",
) -> DatasetSpec:
    """Binance spot aggregated trades of ``symbol``, one zip per day (or month) from ``start`` to ``end``.

    A monthly BTCUSDT aggTrades zip is several hundred MB; daily files are the default.
    """
    return _binance_spec("aggTrades", symbol, None, start, end, period, stem=f"binance_aggtrades_{symbol}",
                         title=f"Binance spot {symbol} aggregated trades",
                         units="price in the quote asset, quantity in the base asset", data_kind="ticks",
                         reader=readers.read_binance_aggtrades)


BITSTAMP_TICKS = DatasetSpec(
    name="bitstamp_ticks",
    title="Bitstamp BTC/USD trades (every tick)",
    source="bitcoincharts.com historic trade data, http://api.bitcoincharts.com/v1/csv/",
    period="2011-09-13 .. the last update of the file",
    units="unix seconds, price in USD, amount in BTC",
    kind="ticks",
    files=(RawFile("http://api.bitcoincharts.com/v1/csv/bitstampUSD.csv.gz", None, None, "bitstamp_ticks"),),
    reader=readers.read_bitcoincharts,
    caveats=(
        "No published hash and not in the offline mirror: the sha256 of the first download is kept in a sidecar "
        "'<file>.sha256' and later loads are verified against it (trust on first use). The file is large "
        "(hundreds of MB compressed); timestamps have 1-second resolution."
    ),
)


# ---------------------------------------------------------------------------------------------------------
# The registry of mirrored datasets

_CDD = "CryptoDataDownload, https://www.cryptodatadownload.com"
_OXMAN = "Oxford-Man Institute Realized Library (https://realized.oxford-man.ox.ac.uk, retired in 2022)"
_HF = "R package highfrequency data (github.com/jonathancornelissen/highfrequency)"


def _registry() -> dict[str, DatasetSpec]:
    """The specs of the datasets mirrored in the offline data mirror, keyed by name."""
    specs = [
        DatasetSpec(
            "binance_klines_15m",
            "Binance spot BTC/USDT 15-minute klines",
            _BINANCE_SOURCE,
            "2018-01-01 .. 2022-12-31",
            "prices in USDT, volume in BTC, quote volume in USDT, count = trades in the bar",
            "bars",
            _files("binance_klines_15m"),
            readers.read_binance_klines,
            "Outage 2018-02-08 00:30 .. 02-09 ~10:00 with 81 bars off the 15-minute grid after it; ~525 missing "
            "bars in 28 gaps (many start 01:45 UTC); a few zero-trade flat bars before gaps; 13 bars with a short "
            "close_time.",
        ),
        DatasetSpec(
            "binance_klines_1m_daily",
            "Binance spot BTC/USDT 1-minute klines, one file per UTC day",
            "Binance public data (https://data.binance.vision), daily kline CSVs as committed in "
            "github.com/Jan-Kluger/backtest_and_deploy (commit f26eda3)",
            "2018-01-01 .. 2022-12-31",
            "prices in USDT, volume in BTC, quote volume in USDT, count = trades in the minute",
            "bars",
            _checksum_list("binance_klines_1m_daily", _KLINES_1M_BASE),
            readers.read_binance_klines,
            "Mirrored gzip-compressed (<file>.gz; the registered sha256 and size are those of the decompressed "
            "file the URL serves). 8,008 minutes missing in exchange outages (2018-02-08 has 29 rows, 2019-05-15 "
            "840; 30 days have fewer than 1,440 rows); 157 minutes exist with zero trades. For other periods the "
            "same data come from Binance's monthly 1m zips: binance_klines('BTCUSDT', '1m', start, end).",
        ),
        DatasetSpec(
            "kraken_xbtusd_1h",
            "Kraken XBT/USD hourly OHLCVT",
            "Kraken OHLCVT export (https://support.kraken.com), as committed in github.com/avkhimen/crypto_trader",
            "2013-10-06 .. 2023-01-07",
            "prices in USD, volume in BTC, trades = count",
            "bars",
            _files("kraken_xbtusd_1h"),
            readers.read_kraken_ohlcvt,
            "Hours without trades are absent (5,438 missing in 2014, 4,348 in 2015, 182 in 2016, a few dozen a year after; the data README counts the hours present as missing); spike bars, "
            "e.g. 2019-09-13 20:00.",
        ),
        DatasetSpec(
            "bitstamp_btcusd_1h",
            "Bitstamp BTC/USD hourly bars",
            _CDD + ", as committed in github.com/darkeclipz/price-data",
            "2018-05-15 .. 2022-08-20",
            "prices in USD, volumes in BTC and USD",
            "bars",
            _files("bitstamp_btcusd_1h"),
            readers.read_cryptodatadownload,
            "Banner line; newest first; the two volume columns are swapped in the oldest rows.",
        ),
        DatasetSpec(
            "gemini_btcusd_1h",
            "Gemini BTC/USD hourly bars",
            _CDD + ", as committed in github.com/IngiOrn/crypto_data",
            "2015-10-08 .. 2020-12-30",
            "prices in USD, volumes in BTC and USD",
            "bars",
            _files("gemini_btcusd_1h"),
            readers.read_cryptodatadownload,
            "Newest first; timestamps mix seconds and milliseconds.",
        ),
        DatasetSpec(
            "binance_btcusdt_1h_cdd",
            "Binance BTC/USDT hourly bars",
            _CDD + ", as committed in github.com/IngiOrn/crypto_data",
            "2017-08-17 .. 2020-12-30",
            "prices in USDT, volumes in BTC and USDT",
            "bars",
            _files("binance_btcusdt_1h_cdd"),
            readers.read_cryptodatadownload,
            "2,649 duplicated timestamps in 2020; mixed date formats.",
        ),
        DatasetSpec(
            "yahoo_btc_usd_daily_dhansoia",
            "Yahoo Finance daily BTC-USD (the data of Dhansoia 2025)",
            "Yahoo Finance via yfinance, as shipped with the paper's code at github.com/ronitdhansoia/vltlty",
            "2014-10-09 .. 2024-11-30",
            "prices in USD, volume in USD",
            "daily_prices",
            _files("yahoo_btc_usd_daily_dhansoia"),
            readers.read_yahoo_daily,
            "The file also holds the paper code's derived columns (log_return, realized_vol, log_rv), which are "
            "ignored and recomputed; the close of 2017-02-28 repeats the previous day's. Without the file the "
            "series is re-downloaded with yfinance (BTC-USD), whose values may differ slightly.",
            partial(yahoo_daily_fallback, "BTC-USD", "2014-10-09", "2024-11-30"),
        ),
        DatasetSpec(
            "yahoo_gspc_daily_dhansoia",
            "Yahoo Finance daily S&P 500 index ^GSPC (the data of Dhansoia 2025)",
            "Yahoo Finance via yfinance, as shipped with the paper's code at github.com/ronitdhansoia/vltlty",
            "2018-02-02 .. 2024-11-29",
            "index points; volume in shares",
            "daily_prices",
            _files("yahoo_gspc_daily_dhansoia"),
            readers.read_yahoo_daily,
            "The file also holds the paper code's derived columns, which are ignored and recomputed. Without the "
            "file the series is re-downloaded with yfinance (^GSPC).",
            partial(yahoo_daily_fallback, "^GSPC", "2018-02-02", "2024-11-29"),
        ),
        DatasetSpec(
            "oxfordman_31_indices",
            "Oxford-Man Realized Library: daily returns and 5-minute realized variance of 31 equity indices",
            _OXMAN + ", as shipped with the R package MDSV (github.com/abdoulmaoude/MDSV)",
            "2000-01-04 .. 2021-02-24",
            "ret_demeaned: decimal close-to-close log return minus its sample mean; rv5: decimal daily variance "
            "(the file has r = 100 x ret_demeaned and rv = 1e4 x rv5; the reader converts)",
            "daily_rm",
            _files("oxfordman_31_indices"),
            readers.read_oxfordman_xts,
            "R xts objects, one file per index (the file stem, e.g. 'sp500'); the return column is demeaned.",
            member_files=True,
        ),
        DatasetSpec(
            "oxfordman_spx_all_measures",
            "Oxford-Man Realized Library, S&P 500: all 20 realized measures",
            _OXMAN + ", as shipped with the " + _HF,
            "2000-01-03 .. 2019-12-31",
            "daily variances in decimal units, not annualised (as in the file); close_price in index points",
            "daily_rm",
            _files("oxfordman_spx_all_measures"),
            readers.read_realized_library,
            "Dates are one day early during UK summer time (564 rows fall on Sundays); the reader corrects them.",
        ),
        DatasetSpec(
            "spy_realized_measures",
            "SPY realized measures at 1- and 5-minute sampling",
            _HF,
            "2014-01-02 .. 2019-12-31",
            "daily variances in decimal units (as in the file); quarticities converted from percent^4 (x 1e-8)",
            "daily_rm",
            _files("spy_realized_measures"),
            readers.read_rda_frame,
        ),
        DatasetSpec(
            "bpq2016_sp500_realized_measures",
            "S&P 500 5-minute realized measures of Bollerslev, Patton & Quaedvlieg (2016)",
            _HF,
            "1997-04-08 .. 2013-08-30",
            "daily variances in decimal units (the file's percent^2 x 1e-4); quarticities x 1e-8 (percent^4)",
            "daily_rm",
            _files("bpq2016_sp500_realized_measures"),
            readers.read_rda_frame,
        ),
        DatasetSpec(
            "sp500_members_daily_panel",
            "Daily adjusted OHLCV of the 503 S&P 500 members of July 2025",
            "Yahoo Finance via yfinance, from the downloads committed in "
            "github.com/gdputney/Algorithmic-Trading-Backtester (data/sp500); a snapshot, not original bytes",
            "2000-01-03 .. 2025-07-24",
            "split/dividend-adjusted prices in USD (float32 in the file); volume in shares",
            "panel",
            _files("sp500_members_daily_panel"),
            readers.read_sp500_panel,
            "Survivorship bias: only the members of July 2025 (392 trade from 2005-01-03 or earlier). Without the "
            "snapshot the panel is re-downloaded with yfinance for the same tickers; adjusted prices then reflect "
            "later corporate actions.",
            partial(sp500_panel_fallback, "2000-01-03", "2025-07-24"),
        ),
    ]
    return {s.name: s for s in specs}


REGISTRY: dict[str, DatasetSpec] = _registry()


def get_spec(name: str | DatasetSpec) -> DatasetSpec:
    """The spec of a registered dataset (a DatasetSpec is returned as is)."""
    if isinstance(name, DatasetSpec):
        return name
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown dataset {name!r}; choose one of {', '.join(REGISTRY)}") from None

