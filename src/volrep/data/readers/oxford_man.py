"""Oxford-Man Realized Library files (R data) into DAILY realized measures.

:func:`read_oxfordman_xts` reads the 31 index files of the R package MDSV (registry dataset
``oxfordman_31_indices``); :func:`read_realized_library` reads ``realizedLibrary.rda`` of R highfrequency
(registry dataset ``oxfordman_spx_all_measures``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from volrep.data.clean import (
    CleaningReport,
    correct_uk_summer_time_dates,
    require_columns,
    require_positive_finite,
)
from volrep.data.readers._rda import RULE_UNITS, _checked_measures, _dated_frame, _read_rda
from volrep.errors import DataError


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
