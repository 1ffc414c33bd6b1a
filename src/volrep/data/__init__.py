"""The data layer's public API: list, fetch, verify and load the datasets of :data:`REGISTRY`.

>>> from volrep import data
>>> data.list_datasets()                                        # doctest: +SKIP
>>> btc = data.load("binance_klines_15m", start="2021-01", end="2021-06")   # doctest: +SKIP
>>> btc.frame, btc.report, btc.provenance()                     # doctest: +SKIP

Every raw file is found or downloaded by :func:`volrep.data.fetch.fetch` (one rule for all files), parsed by
the dataset's reader (:mod:`volrep.data.readers`), and the parsed result is cached as parquet
(:mod:`volrep.data.cache`) keyed by the inputs' sha256s and the readers' code.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
from tqdm import tqdm

from volrep import config
from volrep.data import clean, readers
from volrep.data import fetch as _fetch
from volrep.data.cache import atomic_write, cached_frame, code_version
from volrep.data.registry import (
    BITSTAMP_TICKS,
    REGISTRY,
    DatasetSpec,
    RawFile,
    binance_aggtrades,
    binance_klines,
    binance_url,
    get_spec,
)
from volrep.errors import ConfigError, DataError, MissingDataError

RULE_REPEATED_ACROSS_FILES = "rows repeated identically in two files dropped"

__all__ = [
    "BITSTAMP_TICKS",
    "REGISTRY",
    "Dataset",
    "DatasetSpec",
    "RawFile",
    "binance_aggtrades",
    "binance_klines",
    "binance_url",
    "fetch_dataset",
    "list_datasets",
    "load",
    "verify_dataset",
]


@dataclass
class Dataset:
    """A loaded dataset with what a chapter needs to say where it came from.

    Attributes
    ----------
    name
        Dataset name (registry key).
    frame
        The parsed, validated data, restricted to the requested period.
    spec
        The dataset's specification.
    files
        One row per input file: ``path, url, sha256, rows`` (rows parsed from that file).
    report
        The readers' cleaning reports merged (:meth:`CleaningReport.to_frame` rows), plus the duplicates
        found across files.
    """

    name: str
    frame: pd.DataFrame
    spec: DatasetSpec
    files: pd.DataFrame
    report: pd.DataFrame

    def provenance(self) -> dict[str, object]:
        """Keys for a chapter's provenance box (see :func:`volrep.report.provenance_markdown`).

        ``sha256`` is the file's digest for a one-file dataset; for several files it is the sha256 of the
        lines ``"<sha256>  <url>"`` of all files sorted by URL.
        """
        times = _times(self.frame, self.name)
        period = f"{times.min():%Y-%m-%d} .. {times.max():%Y-%m-%d}" if len(times) else "empty"
        source = self.spec.source
        if self.files["url"].str.startswith("yfinance:").any():
            source += "; rebuilt here with yfinance because the raw file was not available"
        return {
            "dataset": self.name,
            "source": source,
            "period": period,
            "rows": len(self.frame),
            "files": len(self.files),
            "sha256": _combined_sha256(self.files),
        }


def list_datasets() -> pd.DataFrame:
    """One row per registered dataset: ``name, title, kind, period, files, bytes, present``.

    ``present`` is True when every raw file (or its compressed copy) exists in ``VOLREP_DATA_DIR`` (not hashed;
    see :func:`verify_dataset`). A dataset whose files cannot be looked at (a folder without read permission) is
    listed with ``present`` False, and the problem, one line per dataset, is in ``frame.attrs["unreadable"]``
    (``python -m volrep data list`` prints them after the table and exits 1).
    """
    rows, unreadable = [], []
    for spec in REGISTRY.values():
        try:
            present = all(_fetch.present_path(f) is not None for f in spec.files)
        except DataError as err:
            present = False
            unreadable.append(f"{spec.name}: {err}")
        rows.append({
            "name": spec.name,
            "title": spec.title,
            "kind": spec.kind,
            "period": spec.period,
            "files": len(spec.files),
            "bytes": sum(f.size or 0 for f in spec.files),
            "present": present,
        })
    table = pd.DataFrame(rows)
    table.attrs["unreadable"] = unreadable
    return table


def verify_dataset(name: str | DatasetSpec) -> pd.DataFrame:
    """Re-hash every raw file of a dataset: one row per file with ``path, url, status, detail``.

    ``status`` is ``ok``, ``missing``, ``bad size``, ``bad hash``, ``bad archive`` (a compressed copy that does not
    decompress), ``bad sidecar``, ``unreadable`` (permission denied) or ``unverified`` (no hash known); ``path`` is
    the copy that was checked (a ``.gz`` copy's decompressed bytes are hashed).
    """
    spec = get_spec(name)
    rows = []
    for raw in spec.files:
        status, detail = _fetch.integrity(raw, rehash=True)
        try:
            path = _fetch.present_path(raw) or _fetch.local_path(raw)
        except DataError:
            path = _fetch.local_path(raw)
        rows.append({"path": str(path), "url": raw.url, "status": status, "detail": detail})
    _fetch.HASHES.flush()
    return pd.DataFrame(rows, columns=["path", "url", "status", "detail"])


def fetch_dataset(name: str | DatasetSpec, *, index: str | None = None, progress: bool = True) -> list[Path]:
    """Local paths of a dataset's raw files, downloaded (or rebuilt by its fallback) where missing."""
    spec = get_spec(name)
    return [path for _, path in _locate(spec, spec.select(index), progress=progress)]


def load(
    name: str | DatasetSpec,
    *,
    index: str | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    progress: bool = True,
) -> Dataset:
    """Fetch, parse, validate and cache a dataset; return it restricted to ``[start, end]``.

    Parameters
    ----------
    name
        A registry key or a :class:`DatasetSpec` (e.g. from :func:`binance_klines`).
    index
        For a dataset of separate series (``oxfordman_31_indices``), the one to load, e.g. ``"sp500"``
        (its frame as the reader returns it); None loads all of them, stacked with an outer index level
        ``index``.
    start, end
        Inclusive bounds on the timestamps. A string bound covers its whole resolution, as in pandas
        partial-string indexing: ``end="2021-03"`` keeps all of March 2021.
    progress
        Show progress bars (downloads, files parsed).

    Notes
    -----
    Time chunks (e.g. monthly zips) are concatenated in time order. Rows whose timestamp appears in two
    files are removed only when they are identical, and counted in ``report`` (rule
    :data:`RULE_REPEATED_ACROSS_FILES`); differing rows at the same timestamp raise :class:`~volrep.errors.DataError`.
    """
    spec = get_spec(name)
    _check_bounds(start, end)
    located = _locate(spec, spec.select(index), progress=progress)
    digests = [_fetch.content_sha256(path) for _, path in located]
    key = {"dataset": spec.name, "index": index, "files": [[url, d] for (url, _), d in zip(located, digests)]}
    parsed: dict[str, pd.DataFrame] = {}

    def part(which: str):
        def build() -> pd.DataFrame:
            if not parsed:
                parsed.update(_parse(spec, located, stack=spec.member_files and index is None, progress=progress))
            return parsed[which]

        return build

    code = code_version([*_reader_modules(), clean, sys.modules[__name__]])
    frame = cached_frame(key, part("frame"), name=spec.name, code=code)
    report = cached_frame(key, part("report"), name=f"{spec.name}.report", code=code)
    rows = cached_frame(key, part("rows"), name=f"{spec.name}.rows", code=code)
    files = pd.DataFrame(
        {
            "path": [str(p) for _, p in located],
            "url": [u for u, _ in located],
            "sha256": digests,
            "rows": rows["rows"].to_numpy(),
        }
    )
    return Dataset(spec.name, _between(frame, spec.name, start, end), spec, files, report)


def _locate(spec: DatasetSpec, raws: tuple[RawFile, ...], *, progress: bool) -> list[tuple[str, Path]]:
    """``(url, path)`` of each raw file, or of the fallback's re-creation when the raw file is unavailable."""
    try:
        bar = tqdm(raws, desc=f"fetch {spec.name}", unit="file", disable=not progress or len(raws) == 1)
        located = [(raw.url, _fetch.fetch(raw, progress=progress and len(raws) == 1)) for raw in bar]
        _fetch.HASHES.flush()
        return located
    except MissingDataError as missing:
        hint = _mirrored_minutes_hint(raws)
        if hint:
            raise MissingDataError(missing.file, missing.looked_in, missing.url,
                                   f"{missing.reason}. {hint}".lstrip(". ")) from None
        if spec.fallback is None or config.offline() or len(raws) != 1:
            raise
        return [(f"yfinance:{spec.name}", _run_fallback(spec, raws[0], missing, progress=progress))]


_DAILY_1M_ZIP = re.compile(
    r"https://data\.binance\.vision/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-(\d{4}-\d{2}-\d{2})\.zip"
)


def _mirrored_minutes_hint(raws: tuple[RawFile, ...]) -> str:
    """Where the mirror holds the same days when ``raws`` are Binance's daily BTCUSDT 1-minute zips, else "".

    ``binance_klines("BTCUSDT", "1m", day, day, period="daily")`` names Binance's zips; the mirror has those days
    as ``binance_klines_1m_daily``: Binance's daily CSVs as committed on GitHub, gzip-compressed. They are not the
    zips' bytes (a zip's sha256 can only be checked against Binance's ``.CHECKSUM`` online), so they are not
    substituted silently; the error says where they are.
    """
    days = [m.group(1) for m in map(_DAILY_1M_ZIP.fullmatch, (r.url for r in raws)) if m]
    if not days or len(days) != len(raws):
        return ""
    mirrored = {f.name for f in REGISTRY["binance_klines_1m_daily"].files}
    if not all(f"BTCUSDT-1m-{d}.csv" in mirrored for d in days):
        return ""
    return (f"The mirror holds these days as dataset 'binance_klines_1m_daily' (Binance's daily CSVs as committed on "
            f"GitHub, not these zips): data.load('binance_klines_1m_daily', start={min(days)!r}, end={max(days)!r})")


def _run_fallback(spec: DatasetSpec, raw: RawFile, missing: MissingDataError, *, progress: bool) -> Path:
    """The fallback's re-creation of ``raw`` under ``<cache_dir>/fallback/``, made once and then reused."""
    dest = config.cache_dir() / "fallback" / spec.name / raw.name
    if dest.is_file():
        return dest
    try:
        with atomic_write(dest) as tmp:
            spec.fallback(tmp, progress=progress)
    except Exception as err:  # yfinance fails in many ways without a network; all mean "not available"
        reason = f"it could not be downloaded and the yfinance fallback failed too ({type(err).__name__}: {err})"
        raise MissingDataError(missing.file, missing.looked_in, missing.url, reason) from err
    return dest


def _reader_modules() -> list[ModuleType]:
    """The reader package and every module in it: their source is part of the cache key of a parsed dataset."""
    names = sorted(m.name for m in pkgutil.iter_modules(readers.__path__, f"{readers.__name__}."))
    return [readers, *(importlib.import_module(name) for name in names)]


def _parse(
    spec: DatasetSpec, located: list[tuple[str, Path]], *, stack: bool, progress: bool
) -> dict[str, pd.DataFrame]:
    """Read every file and combine them: members stacked (``stack``), or time chunks concatenated in order."""
    frames, reports = [], []
    for _, path in tqdm(located, desc=f"read {spec.name}", unit="file", disable=not progress or len(located) == 1):
        try:
            frame, report = spec.reader(path)
        except PermissionError as err:
            raise _fetch.unreadable(path, err) from None
        frames.append(frame)
        reports.append(report)
    rows = pd.DataFrame({"rows": [len(f) for f in frames]})
    if stack:
        names = [Path(p).stem for _, p in located]
        combined = pd.concat(frames, keys=names, names=["index", *frames[0].index.names])
    else:
        reports.append(clean.CleaningReport(spec.name))
        combined = _concat_chunks(spec.name, frames, [p.name for _, p in located], reports[-1])
    return {"frame": combined, "report": clean.merge_reports(reports), "rows": rows}


def _concat_chunks(
    name: str, frames: list[pd.DataFrame], files: list[str], report: clean.CleaningReport
) -> pd.DataFrame:
    """Concatenate time chunks in time order; drop rows repeated identically in two files, counting them."""
    order = sorted((i for i in range(len(frames)) if len(frames[i])), key=lambda i: frames[i].index[0])
    if len(order) < 2:
        return frames[order[0] if order else 0]
    combined = pd.concat([frames[i] for i in order])
    source = np.repeat([files[i] for i in order], [len(frames[i]) for i in order])
    repeated = combined.index.duplicated(keep="first")
    if repeated.any():
        conflict = repeated & ~combined.reset_index().duplicated(keep="first").to_numpy()
        if conflict.any():
            stamp = combined.index[np.argmax(conflict)]
            both = " and ".join(sorted(set(source[combined.index == stamp].tolist())))
            raise DataError(name, "one row per timestamp across files", None, f"{stamp} differs between {both}")
        combined, source = combined[~repeated], source[~repeated]
    later = np.flatnonzero(np.diff(combined.index.asi8) < 0)
    if later.size:
        i = int(later[0])
        raise DataError(
            name, "files cover consecutive periods", None, f"{source[i + 1]} starts before {source[i]} ends"
        )
    report.add(RULE_REPEATED_ACROSS_FILES, int(repeated.sum()))
    return combined


def _times(frame: pd.DataFrame, name: str) -> pd.DatetimeIndex:
    """The timestamps of a frame: its DatetimeIndex, its datetime index level, or its ``date`` column."""
    if isinstance(frame.index, pd.DatetimeIndex):
        return frame.index
    if isinstance(frame.index, pd.MultiIndex):
        for level in range(frame.index.nlevels):
            values = frame.index.get_level_values(level)
            if isinstance(values, pd.DatetimeIndex):
                return values
    if "date" in frame.columns:
        return pd.DatetimeIndex(frame["date"])
    where = f"index levels {list(frame.index.names)}, columns {list(frame.columns)}"
    raise DataError(name, "has a datetime index or a 'date' column", detail=where)


def _check_bounds(start: object, end: object) -> None:
    """ConfigError unless ``start`` and ``end`` are None or dates pandas understands, with ``start <= end``."""
    stamps = {}
    for label, value in (("start", start), ("end", end)):
        if value is None:
            continue
        try:
            stamps[label] = (_bound(value, None, upper=False), _bound(value, None, upper=True))
        except (ValueError, TypeError) as err:
            raise ConfigError(f"load(): {label}={value!r} is not a date; give a date or timestamp such as "
                              f"'2021-03', '2021-03-15' or '2021-03-15 12:00' ({type(err).__name__}: {err})") from None
    if len(stamps) == 2:
        (first, _), (_, last) = stamps["start"], stamps["end"]
        if first.tzinfo is None and last.tzinfo is not None:
            first = first.tz_localize(last.tzinfo)
        elif last.tzinfo is None and first.tzinfo is not None:
            last = last.tz_localize(first.tzinfo)
        if first > last:
            raise ConfigError(f"load(): start={start!r} is after end={end!r}; give start <= end "
                              "(both bounds are inclusive)")


def _bound(value: str | pd.Timestamp, tz: object, *, upper: bool) -> pd.Timestamp:
    """A bound as a Timestamp in the data's time zone; an upper string bound covers its whole resolution."""
    stamp = pd.Period(value).end_time if (upper and isinstance(value, str)) else pd.Timestamp(value)
    if tz is not None and stamp.tzinfo is None:
        return stamp.tz_localize(tz)
    return stamp


def _between(frame: pd.DataFrame, name: str, start: object, end: object) -> pd.DataFrame:
    """Rows with ``start <= t <= end`` (either bound may be None)."""
    if start is None and end is None:
        return frame
    times = _times(frame, name)
    keep = np.ones(len(frame), dtype=bool)
    if start is not None:
        keep &= times >= _bound(start, times.tz, upper=False)
    if end is not None:
        keep &= times <= _bound(end, times.tz, upper=True)
    return frame[keep]


def _combined_sha256(files: pd.DataFrame) -> str:
    """The file's sha256, or for several files the sha256 of their sorted ``"<sha256>  <url>"`` lines."""
    if len(files) == 1:
        return str(files["sha256"].iloc[0])
    lines = sorted(f"{d}  {u}" for d, u in zip(files["sha256"], files["url"]))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
