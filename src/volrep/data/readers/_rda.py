"""Helpers shared by the readers of R data files (``.rda``) of DAILY realized measures.

Conversion of the R objects with rdata (xts, Date, data.frame subclasses), the one object of a file as a frame
indexed by ``date``, and the unit checks every DAILY realized-measures frame passes (:func:`_checked_measures`).
Used by :mod:`volrep.data.readers.oxford_man` and :mod:`volrep.data.readers.highfrequency`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import rdata

from volrep.data.clean import CleaningReport, require_plausible, require_sorted
from volrep.errors import DataError

MAX_DAILY_VARIANCE = 0.25
"""Largest plausible daily variance in decimal units (a daily volatility of 50 %)."""
MEDIAN_DAILY_VARIANCE = (1e-7, 1e-2)
"""Plausible range of a daily variance series' median in decimal units (0.03 % to 10 % daily volatility)."""
MAX_DAILY_LOG_RETURN = 1.0

RULE_UNITS = "values converted to decimal units"


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
