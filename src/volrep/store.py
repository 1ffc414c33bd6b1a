"""The forecast store: every out-of-sample forecast of every chapter, as parquet rows.

Each chapter saves its forecasts with :func:`save_forecasts` (one file per chapter, replaced as a whole on every
run) so that the significance chapter can load any two models with :func:`load_forecasts` and :func:`pair` and
test them without re-running anything.

Row schema
----------
=========  ===========  =================================================================================
column     dtype        meaning
=========  ===========  =================================================================================
chapter    str          chapter that produced the forecast, e.g. ``"04_baselines"``
model      str          model name, e.g. ``"har"``
asset      str          e.g. ``"btcusd"``
variant    str          one of :data:`VARIANTS`: ``"faithful"``, ``"proper"``, ``"sim"``
target     str          ``"point"`` or ``"mean"`` (see :mod:`volrep.targets`) or another target name
horizon    int64        h, in days (≥ 1)
split      str          chronological split, e.g. ``"huang_90_10"``
seed       int64        random seed of the run (≥ 0; 0 for deterministic models)
date       datetime64   forecast origin t (tz-naive; stored with ns resolution)
forecast   float64      the forecast made at t (finite)
actual     float64      the realized target for origin t (finite)
=========  ===========  =================================================================================

:data:`KEYS` (all columns but ``forecast`` and ``actual``) identify a row; they never repeat.

Location
--------
``<directory>/<chapter>.parquet``, by default ``volrep.config.results_dir() / "forecasts"`` (so
``VOLREP_RESULTS_DIR`` moves it, next to the chapters' JSON results). The forecasts derive from third-party
data: the folder is generated output and never committed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from volrep.config import results_dir, write_dir
from volrep.data.cache import atomic_write
from volrep.errors import ConfigError, DataError
from volrep.evaluate.alignment import check_aligned

#: The columns that identify a forecast row.
KEYS = ("chapter", "model", "asset", "variant", "target", "horizon", "split", "seed", "date")
#: Every column of a forecast row, in order.
COLUMNS = (*KEYS, "forecast", "actual")
#: Allowed values of ``variant`` (the variants of the results files, see ``volrep.report``).
VARIANTS = ("faithful", "proper", "sim")

_TEXT = ("chapter", "model", "asset", "variant", "target", "split")
_INTEGER = {"horizon": 1, "seed": 0}  # column -> smallest allowed value
_FLOAT = ("forecast", "actual")
_DTYPES: dict[str, object] = {
    c: str if c in _TEXT else "int64" if c in _INTEGER else "float64" if c in _FLOAT else "datetime64[ns]"
    for c in COLUMNS
}
_CHAPTER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def forecast_dir(directory: str | Path | None = None) -> Path:
    """The store's folder: ``directory`` if given, else ``results_dir() / "forecasts"`` (``VOLREP_RESULTS_DIR``)."""
    return Path(directory) if directory is not None else results_dir() / "forecasts"


def _check_chapter_name(chapter: str) -> None:
    if not isinstance(chapter, str) or not _CHAPTER.fullmatch(chapter):
        raise ConfigError(f"chapter name {chapter!r} must be letters, digits, '_', '-' or '.' (it names a file)")


def _first(mask: pd.Series | np.ndarray) -> int:
    return int(np.argmax(np.asarray(mask)))


def validate_rows(rows: pd.DataFrame, source: str | Path, *, chapter: str | None = None) -> pd.DataFrame:
    """Check forecast rows against the schema and return them normalised.

    Parameters
    ----------
    rows
        A frame with exactly the columns :data:`COLUMNS` (any order).
    source
        Names the rows in error messages (a file path or a function).
    chapter
        If given, every row's ``chapter`` must equal it.

    Returns
    -------
    pandas.DataFrame
        The columns in :data:`COLUMNS` order, text as ``str``, ``horizon``/``seed`` as int64, ``date`` as
        ``datetime64[ns]``, values as float64; sorted by :data:`KEYS`, with a fresh ``RangeIndex``.

    Raises
    ------
    DataError
        Naming the rule broken and the first offending row (position in ``rows``).
    """
    if not isinstance(rows, pd.DataFrame):
        raise ConfigError(f"{source}: forecast rows must be a pandas DataFrame, got {type(rows).__name__}")
    missing = [c for c in COLUMNS if c not in rows.columns]
    extra = [str(c) for c in rows.columns if c not in COLUMNS]
    if missing or extra or rows.columns.has_duplicates:
        raise DataError(
            source, "columns are exactly the forecast schema", None,
            f"missing {missing or 'none'}, unexpected {extra or 'none'}; expected {', '.join(COLUMNS)}",
        )
    rows = rows.loc[:, list(COLUMNS)].reset_index(drop=True)
    for col in _TEXT:
        values = rows[col]
        if not pd.api.types.is_string_dtype(values) or values.isna().any():
            bad = values.astype(object).map(lambda v: not isinstance(v, str)).to_numpy(dtype=bool)
            where = _first(bad) if bad.any() else None
            what = f"value {values[bad].iloc[0]!r}" if bad.any() else f"dtype {values.dtype}"
            raise DataError(source, f"'{col}' holds text", where, what)
        if (values.str.len() == 0).any():
            raise DataError(source, f"'{col}' is not empty", _first(values.str.len() == 0))
    if chapter is not None:
        other = rows["chapter"] != chapter
        if other.any():
            found = rows["chapter"][other].iloc[0]
            raise DataError(source, f"every row's chapter is {chapter!r}", _first(other), f"found {found!r}")
    bad_variant = ~rows["variant"].isin(VARIANTS)
    if bad_variant.any():
        raise DataError(
            source, f"variant is one of {', '.join(VARIANTS)}", _first(bad_variant),
            f"value {rows['variant'][bad_variant].iloc[0]!r}",
        )
    for col, low in _INTEGER.items():
        if not pd.api.types.is_integer_dtype(rows[col]):
            raise DataError(source, f"'{col}' has an integer dtype", None, f"dtype is {rows[col].dtype}")
        too_small = rows[col] < low
        if too_small.any():
            raise DataError(source, f"'{col}' >= {low}", _first(too_small), f"value {rows[col][too_small].iloc[0]}")
    date = rows["date"]
    if not isinstance(date.dtype, np.dtype) or date.dtype.kind != "M":
        raise DataError(source, "'date' is tz-naive datetime64", None, f"dtype is {date.dtype}")
    if date.isna().any():
        raise DataError(source, "'date' has no missing values", _first(date.isna()))
    for col in _FLOAT:
        if not pd.api.types.is_float_dtype(rows[col]):
            raise DataError(source, f"'{col}' has a float dtype", None, f"dtype is {rows[col].dtype}")
        not_finite = ~np.isfinite(rows[col].to_numpy(dtype=np.float64))
        if not_finite.any():
            raise DataError(
                source, f"'{col}' is finite", _first(not_finite), f"{int(not_finite.sum())} NaN or infinite value(s)"
            )
    duplicated = rows.duplicated(list(KEYS))
    if duplicated.any():
        raise DataError(
            source, "keys (chapter, model, asset, variant, target, horizon, split, seed, date) are unique",
            _first(duplicated), f"{int(duplicated.sum())} repeated row(s)",
        )
    return rows.astype(_DTYPES).sort_values(list(KEYS), ignore_index=True)


def tz_naive(index: pd.Index) -> pd.Index:
    """``index`` as tz-naive UTC timestamps, as the store keeps its dates (unchanged when already naive or not a
    datetime index)."""
    return index.tz_convert("UTC").tz_localize(None) if getattr(index, "tz", None) is not None else index


def forecast_rows(
    forecasts: pd.DataFrame | pd.Series,
    actual: pd.Series,
    *,
    chapter: str,
    model: str | None = None,
    asset: str,
    variant: str,
    target: str,
    horizon: int,
    split: str,
    seed: int = 0,
) -> pd.DataFrame:
    """Build store rows from forecasts indexed by forecast origin and the actual (target) series.

    Parameters
    ----------
    forecasts
        A Series (one model, named ``model`` or by the Series' name) or a DataFrame with one column per model
        (column names are the model names; ``model`` must then be ``None``), indexed by forecast origin
        (a DatetimeIndex).
    actual
        The realized target indexed by forecast origin (e.g. :func:`volrep.targets.horizon_target`); it must
        hold every forecast date (further dates are ignored).
    chapter, asset, variant, target, horizon, split, seed
        The key values shared by all rows (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Validated rows (:func:`validate_rows`), ready for :func:`save_forecasts`.
    """
    if isinstance(forecasts, pd.Series):
        name = model if model is not None else forecasts.name
        if name is None:
            raise ConfigError("forecast_rows: name the model (model=...) or the Series")
        wide = forecasts.to_frame(name=name)
    elif isinstance(forecasts, pd.DataFrame):
        if model is not None:
            raise ConfigError("forecast_rows: with a DataFrame the column names are the models; leave model=None")
        wide = forecasts
    else:
        raise ConfigError(f"forecast_rows: forecasts must be a Series or a DataFrame, got {type(forecasts).__name__}")
    if not isinstance(wide.index, pd.DatetimeIndex) or not isinstance(actual, pd.Series) or not isinstance(
        actual.index, pd.DatetimeIndex
    ):
        raise ConfigError("forecast_rows: forecasts and actual must be indexed by date (a DatetimeIndex)")
    source = f"forecast_rows({chapter})"
    # dates are stored tz-naive; a tz-aware index (UTC days of the bitcoin series) is converted to UTC first
    wide = wide.set_axis(tz_naive(wide.index), axis=0)
    actual = actual.set_axis(tz_naive(actual.index))
    if actual.index.has_duplicates:
        raise DataError(source, "actual dates are unique", _first(actual.index.duplicated()))
    absent = ~wide.index.isin(actual.index)
    if absent.any():
        raise DataError(
            source, "actual holds every forecast date", _first(absent),
            f"{int(absent.sum())} forecast date(s) without an actual, first {wide.index[absent][0].date()}",
        )
    long = wide.rename_axis(index="date", columns="model").melt(ignore_index=False, value_name="forecast")
    rows = long.reset_index().assign(
        actual=actual.reindex(long.index).to_numpy(dtype=np.float64),
        chapter=chapter, asset=asset, variant=variant, target=target, horizon=horizon, split=split, seed=seed,
    )
    rows["model"] = rows["model"].astype(str)
    return validate_rows(rows, source)


def save_forecasts(chapter: str, rows: pd.DataFrame, *, directory: str | Path | None = None) -> Path:
    """Validate a chapter's forecast rows and write them to ``<directory>/<chapter>.parquet`` atomically.

    The file replaces the chapter's previous one (a chapter always saves all its forecasts at once). The write
    goes to a temporary file beside it, renamed with :func:`os.replace`: readers see the old file or the new
    one, never a partial one, and a failed write leaves the old file and no temporary file.

    Parameters
    ----------
    chapter
        Chapter name; every row's ``chapter`` must equal it.
    rows
        Forecast rows (see :func:`forecast_rows` and the module docstring).
    directory
        The store folder; default ``results_dir() / "forecasts"``.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    _check_chapter_name(chapter)
    # while the runner executes the chapter, its forecasts are staged with its results (volrep.config.write_dir)
    path = (Path(directory) if directory is not None else write_dir() / "forecasts") / f"{chapter}.parquet"
    rows = validate_rows(rows, path, chapter=chapter)
    with atomic_write(path) as tmp:
        rows.to_parquet(tmp, index=False)
    return path


def _filter(frame: pd.DataFrame, filters: dict[str, object]) -> pd.DataFrame:
    unknown = [k for k in filters if k not in KEYS]
    if unknown:
        raise ConfigError(f"unknown filter(s) {', '.join(unknown)}; filter on {', '.join(KEYS)}")
    keep = np.ones(len(frame), dtype=bool)
    for key, value in filters.items():
        wanted = list(value) if isinstance(value, Iterable) and not isinstance(value, str) else [value]
        if key == "date":
            wanted = list(pd.DatetimeIndex(wanted))
        keep &= frame[key].isin(wanted).to_numpy()
    return frame.loc[keep].reset_index(drop=True)


def load_forecasts(
    *, chapter: str | Iterable[str] | None = None, directory: str | Path | None = None, **filters: object
) -> pd.DataFrame:
    """Load stored forecasts, optionally of some chapters only, filtered on key columns.

    Parameters
    ----------
    chapter
        A chapter name or several; ``None`` loads every chapter in the store. A named chapter must have been
        saved.
    directory
        The store folder; default ``results_dir() / "forecasts"``.
    **filters
        ``column=value`` or ``column=[values]`` on any of :data:`KEYS` (e.g. ``model=["har", "lstm"]``,
        ``horizon=7``).

    Returns
    -------
    pandas.DataFrame
        The rows, sorted by :data:`KEYS` (empty, with the schema's columns, when nothing matches).
    """
    folder = forecast_dir(directory)
    if chapter is None:
        paths = sorted(folder.glob("*.parquet"))
    else:
        names = [chapter] if isinstance(chapter, str) else list(chapter)
        for name in names:
            _check_chapter_name(name)
        paths = [folder / f"{name}.parquet" for name in names]
        absent = [p for p in paths if not p.is_file()]
        if absent:
            raise DataError(
                absent[0], "forecasts saved", None, "run that chapter first: it saves its forecasts to the store"
            )
    frames = []
    for path in paths:
        frames.append(validate_rows(pd.read_parquet(path), path, chapter=path.stem))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})
    return _filter(pd.concat(frames, ignore_index=True), filters).sort_values(list(KEYS), ignore_index=True)


def pair(
    frame: pd.DataFrame, model_a: str, model_b: str, *, rtol: float = 1e-9, **filters: object
) -> pd.DataFrame:
    """Two models' forecasts side by side on the same dates, for a Diebold–Mariano test.

    Parameters
    ----------
    frame
        Rows from :func:`load_forecasts`.
    model_a, model_b
        The two models.
    rtol
        Relative tolerance when checking that both models were scored against the same actual.
    **filters
        As for :func:`load_forecasts`. After filtering, each model must have exactly one forecast per date,
        i.e. one value of every other key (asset, target, horizon, split, variant, seed, chapter).

    Returns
    -------
    pandas.DataFrame
        Columns ``date, actual, forecast_a, forecast_b``, sorted by date.

    Raises
    ------
    ConfigError
        When a model has no rows, or several forecasts per date (add filters).
    DataError
        When the two models cover different dates (:func:`volrep.evaluate.check_aligned`; restrict with
        ``date=[...]`` to compare on common dates) or their actuals disagree on a date (they were not scored against the same target).
    """
    selected = _filter(frame, filters)
    varying = [k for k in KEYS if k not in ("model", "date")]
    sides = []
    for model in (model_a, model_b):
        rows = selected.loc[selected["model"] == model]
        if rows.empty:
            raise ConfigError(f"pair: no forecasts of model {model!r} with filters {filters}")
        ambiguous = [k for k in varying if rows[k].nunique() > 1]
        if ambiguous:
            raise ConfigError(
                f"pair: model {model!r} has several forecasts per date; filter on {', '.join(ambiguous)}"
            )
        sides.append(rows.set_index("date")[["actual", "forecast"]].sort_index())
    a, b = sides
    source = f"pair({model_a}, {model_b})"
    check_aligned(a, b, label=source, names=(f"{model_a!r}", f"{model_b!r}"))  # same dates (filter date=[...])
    disagree = ~np.isclose(a["actual"].to_numpy(), b["actual"].to_numpy(), rtol=rtol, atol=0.0)
    if disagree.any():
        row = _first(disagree)
        raise DataError(
            source, "both models have the same actual", row,
            f"on {a.index[row].date()}: {a['actual'].iloc[row]!r} vs {b['actual'].iloc[row]!r}",
        )
    return pd.DataFrame(
        {"date": a.index, "actual": a["actual"].to_numpy(), "forecast_a": a["forecast"].to_numpy(),
         "forecast_b": b["forecast"].to_numpy()}
    )
