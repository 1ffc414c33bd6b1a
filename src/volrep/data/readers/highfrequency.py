"""R data sets of daily realized measures with known units (``SPYRM``, ``SP500RM``) into DAILY measures.

Both ship with the R package highfrequency: ``SPYRM`` (registry dataset ``spy_realized_measures``) and the
``SP500RM`` data of Bollerslev, Patton & Quaedvlieg (2016) (``bpq2016_sp500_realized_measures``). Their units
are registered in :data:`RDA_UNITS`, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volrep.data.clean import CleaningReport, require_columns
from volrep.data.readers._rda import RULE_UNITS, _checked_measures, _dated_frame, _read_rda
from volrep.errors import DataError


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
