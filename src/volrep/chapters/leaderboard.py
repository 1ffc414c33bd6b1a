"""Chapter 09's leaderboard: every model family of chapters 04–08 on one series, ranked by MSE and QLIKE with MCS
membership and SPA and DM p-values against HAR.

The series is chapter 04's Binance target (daily RV from pre-averaged 1-minute returns, :func:`binance_series`), the
RV of day t + h at the test origins of the 90/10 split. Every forecast comes from the forecast store
(:mod:`volrep.store`), written by chapters 04–08 (:func:`store_inventory`). Where a store file is absent (a chapter not
run yet), the cheap econometric baselines — HAR, log-HAR and GARCH(1, 1) estimated once — are computed here with
chapter 04's code (:func:`compute_baselines`); the network families, which the store holds on their own chapters'
targets only, are trained on the leaderboard's target by :mod:`volrep.chapters.leaderboard_networks` and stored under
this chapter (model names in :data:`TRAINED_HERE`). :func:`leaderboard_inputs` assembles the panel and says where each
model came from; :func:`leaderboard` scores it (losses :func:`volrep.stats.losses`; tests :mod:`volrep.stats`).
The papers' own tests (DM tables, SPA and MCS findings, DeepVol's Rates) are :mod:`volrep.chapters.significance`,
:mod:`volrep.chapters.significance_dhansoia` and :mod:`volrep.chapters.significance_deepvol`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volrep import stats, store, targets, units
from volrep.errors import ConfigError

CHAPTER = "09_significance"
#: Chapters whose stored forecasts this chapter reads, in book order.
STORE_CHAPTERS = ("04_baselines", "05_transfer_lstm", "06_hybrids", "07_cnn_lstm_mtf", "08_deepvol")
#: The leaderboard: chapter 04's Binance target (daily RV from pre-averaged 1-minute returns), RV of day t + h.
LEADERBOARD_KEYS = {"target": "point", "split": "huang_90_10"}
#: HAR on the finest pre-averaged RV: chapter 04's benchmark and the benchmark of every SPA test here.
BENCHMARK = "HAR (1min PA)"

#: Every model family of chapters 04–08 the leaderboard should hold: (family, chapter, model-name patterns).
FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("HAR", "04_baselines", ("HAR (*",)),
    ("log-HAR", "04_baselines", ("log-HAR*",)),
    ("GARCH family", "04_baselines", ("*GARCH*",)),
    ("naive (persistence, moving average)", "04_baselines", ("persistence", "moving average*")),
    ("scratch and transfer LSTMs (Dhansoia)", "05_transfer_lstm", ("*",)),
    ("HAR–neural hybrids (Dhansoia)", "06_hybrids", ("*",)),
    ("LSTM (Huang)", "07_cnn_lstm_mtf", ("LSTM*",)),
    ("CNN-LSTM on MTF images (Huang)", "07_cnn_lstm_mtf", ("MTF-*",)),
    ("DeepVol (Liu et al.)", "08_deepvol", ("*",)),
)


#: The network families this chapter trains on the leaderboard's target (:mod:`volrep.chapters.leaderboard_networks`),
#: in book order: family → patterns of their model names in this chapter's store rows.
TRAINED_HERE: dict[str, tuple[str, ...]] = {
    "scratch and transfer LSTMs (Dhansoia)": ("Dhansoia LSTM*", "Dhansoia transfer LSTM*"),
    "HAR–neural hybrids (Dhansoia)": ("Dhansoia HAR-*",),
    "LSTM (Huang)": ("Huang LSTM*",),
    "CNN-LSTM on MTF images (Huang)": ("Huang MTF-*",),
    "DeepVol (Liu et al.)": ("DeepVol*",),
}
#: Statuses of :func:`leaderboard_inputs` whose models are on the board.
ON_BOARD = ("loaded", "computed", "trained here")


def family_of(model: str, chapter: str) -> str:
    """The family (:data:`FAMILIES`; :data:`TRAINED_HERE` for this chapter's rows) of a stored model; ``"other"`` if
    none matches."""
    if chapter == CHAPTER:
        return next((f for f, patterns in TRAINED_HERE.items() if any(fnmatch.fnmatchcase(model, p) for p in patterns)),
                    "other")
    for family, ch, patterns in FAMILIES:
        if ch == chapter and any(fnmatch.fnmatchcase(model, p) for p in patterns):
            return family
    return "other"


# --------------------------------------------------------------------------------------------------------------
# The store: what is there
# --------------------------------------------------------------------------------------------------------------
def store_inventory(directory: str | Path | None = None,
                    chapters: Sequence[str] = STORE_CHAPTERS) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Which chapters' forecasts are in the store, and their rows.

    Returns
    -------
    inventory, frames
        ``inventory``: one row per chapter (``present``, ``rows``, ``models``); ``frames``: the rows of every
        chapter that is present (:func:`volrep.store.load_forecasts`). A missing file is not an error: the chapter
        simply has not run in this results folder.
    """
    folder = store.forecast_dir(directory)
    frames, rows = {}, []
    for chapter in chapters:
        path = folder / f"{chapter}.parquet"
        if path.is_file():
            frames[chapter] = store.load_forecasts(chapter=chapter, directory=folder)
        frame = frames.get(chapter)
        rows.append({"chapter": chapter, "present": frame is not None, "rows": 0 if frame is None else len(frame),
                     "models": 0 if frame is None else int(frame["model"].nunique())})
    return pd.DataFrame(rows).set_index("chapter"), frames


def wide(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Long store rows of one asset/target/horizon → forecasts (date × model) and the actual.

    A model stored under several seeds enters with its seed-averaged forecast (Dhansoia's "mean forecast").
    Dates are those where every model has a forecast (the common sample).
    """
    if rows.empty:
        raise ConfigError("wide: no rows")
    fc = rows.groupby(["date", "model"])["forecast"].mean().unstack("model").dropna()
    actual = rows.groupby("date")["actual"].first().reindex(fc.index)
    return fc.sort_index(), actual.sort_index()


# --------------------------------------------------------------------------------------------------------------
# The leaderboard's inputs: stored where possible, computed where cheap
# --------------------------------------------------------------------------------------------------------------
def compute_baselines(target: pd.Series, returns: pd.Series, horizons: Sequence[int], *,
                      label: str = "1min PA") -> tuple[dict[str, dict[int, pd.Series]], dict[int, pd.Series]]:
    """HAR, log-HAR and GARCH(1, 1) on ``target`` with chapter 04's code and settings (the quick profile's).

    HAR and log-HAR use Huang's 1/7/30-day windows on the target series itself (chapter 04's benchmark HAR); GARCH(1,
    1) is estimated once on the training part of the 90/10 split (chapter 04's ``fixed`` mode). Seconds, not minutes:
    this is what the chapter computes when chapter 04's forecasts are not in the store.

    Returns
    -------
    forecasts, actual
        ``{model: {h: forecasts by origin}}`` named as chapter 04 names them, and the target per horizon.
    """
    from volrep.chapters import baselines as ch4
    from volrep.models import garch

    split = targets.named_split(target.index, LEADERBOARD_KEYS["split"])
    actual = ch4.targets_by_horizon(target, split, horizons, "point")
    windows = targets.HAR_WINDOWS["huang"]
    out = {f"HAR ({label})": ch4.har_forecasts(target, split, horizons, windows=windows, kind="point"),
           f"log-HAR ({label})": ch4.har_forecasts(target, split, horizons, windows=windows, kind="point", log=True)}
    out |= ch4.garch_grid_forecasts(returns.reindex(target.index).fillna(0.0), [garch.HUANG_GRID[0]], split, horizons,
                                    kind="point", mode="fixed")
    return out, actual


def leaderboard_inputs(frames: Mapping[str, pd.DataFrame], horizons: Sequence[int], *, asset: str = "binance",
                       computed: Mapping[str, Mapping[int, pd.Series]] | None = None,
                       computed_actual: Mapping[int, pd.Series] | None = None,
                       rtol: float = 1e-9) -> tuple[dict[int, tuple[pd.DataFrame, pd.Series]], pd.DataFrame]:
    """Every forecast of the leaderboard's target, per horizon, on the common test dates; and where each came from.

    Parameters
    ----------
    frames
        Stored rows by chapter (:func:`store_inventory`).
    horizons
        The leaderboard's horizons.
    asset
        The stored asset (``"binance"``; ``"sim"`` when the chapters ran on simulated data).
    computed, computed_actual
        Forecasts computed here (:func:`compute_baselines`) and their target; used for a model only when the store
        does not hold it.
    rtol
        A stored model enters only if its actual equals the reference target on every common date (relative
        ``rtol``): a model scored against another series (e.g. another RV estimator) forecasts another target.

    Returns
    -------
    panel, sources
        ``panel[h] = (forecasts date × model, actual)`` on the dates every entered model covers; ``sources``: one row
        per family of :data:`FAMILIES` and model, with ``status`` ``loaded``, ``trained here`` (this chapter's own
        store rows), ``computed``, ``other target`` or ``not in this build`` and a note.
    """
    computed = dict(computed or {})
    keys = dict(LEADERBOARD_KEYS)
    rows = []
    for chapter, frame in frames.items():
        sel = frame[(frame["asset"] == asset) & (frame["target"] == keys["target"]) & (frame["split"] == keys["split"])
                    & frame["horizon"].isin(list(horizons))]
        if len(sel):
            rows.append(sel)
    stored = pd.concat(rows, ignore_index=True) if rows else None
    # the reference target: chapter 04's actual if stored, else the computed one
    reference: dict[int, pd.Series] = {}
    for h in horizons:
        if stored is not None and ((stored["chapter"] == "04_baselines") & (stored["horizon"] == h)).any():
            ref = stored[(stored["chapter"] == "04_baselines") & (stored["horizon"] == h)]
            reference[h] = ref.groupby("date")["actual"].first()
        elif computed_actual is not None and h in computed_actual:
            s = computed_actual[h]
            reference[h] = s.set_axis(store.tz_naive(s.index))
        else:
            raise ConfigError(f"leaderboard_inputs: no target for horizon {h}: neither chapter 04's store rows nor a "
                              "computed target")
    sources, columns = [], {h: {} for h in horizons}
    if stored is not None:
        for (chapter, model), grp in stored.groupby(["chapter", "model"], sort=False):
            family = family_of(model, chapter)
            ok = True
            for h in horizons:
                g = grp[grp["horizon"] == h]
                if g.empty:
                    continue
                fc = g.groupby("date")["forecast"].mean()
                act = g.groupby("date")["actual"].first()
                common = act.index.intersection(reference[h].index)
                if len(common) == 0 or not np.allclose(act.loc[common], reference[h].loc[common], rtol=rtol, atol=0):
                    ok = False
                    break
                columns[h][model] = fc
            if not ok:
                for h in horizons:
                    columns[h].pop(model, None)
            seeds = int(grp["seed"].nunique())
            here = chapter == CHAPTER
            sources.append({"family": family, "model": model, "chapter": chapter,
                            "status": ("trained here" if here else "loaded") if ok else "other target",
                            "note": (("trained on this target with its chapter's code" if here else "from the store")
                                     + (f", mean of {seeds} seeds" if seeds > 1 else "")) if ok
                            else "stored against another target series: not the leaderboard's"})
    have = {s["model"] for s in sources if s["status"] in ("loaded", "trained here")}
    for model, by_h in computed.items():
        if model in have:
            continue
        for h in horizons:
            columns[h][model] = by_h[h].set_axis(store.tz_naive(by_h[h].index))
        sources.append({"family": family_of(model, "04_baselines"), "model": model, "chapter": CHAPTER,
                        "status": "computed", "note": "computed here with chapter 04's code (store file absent)"})
    listed = {s["family"] for s in sources if s["status"] in ON_BOARD}
    for family, chapter, _ in FAMILIES:
        if family not in listed and not any(s["family"] == family for s in sources):
            sources.append({"family": family, "model": "—", "chapter": chapter, "status": "not in this build",
                            "note": f"{chapter} has no forecast of this target in the store"})
    panel = {}
    for h in horizons:
        fc = pd.DataFrame(columns[h]).dropna()
        actual = reference[h].reindex(fc.index)
        keep = actual.notna()
        panel[h] = (fc.loc[keep], actual.loc[keep])
    src = pd.DataFrame(sources, columns=["family", "model", "chapter", "status", "note"])
    order = {f: i for i, (f, _, _) in enumerate(FAMILIES)}
    src = src.assign(_o=src["family"].map(order).fillna(len(order))).sort_values(["_o", "model"], kind="stable")
    return panel, src.drop(columns="_o").reset_index(drop=True)


def families_missing(sources: pd.DataFrame) -> list[str]:
    """The families of :data:`FAMILIES` without a single model on the leaderboard."""
    on = set(sources.loc[sources["status"].isin(ON_BOARD), "family"])
    return [f for f, _, _ in FAMILIES if f not in on]


# --------------------------------------------------------------------------------------------------------------
# The leaderboard
# --------------------------------------------------------------------------------------------------------------
def loss_table(forecasts: pd.DataFrame, actual: pd.Series, loss: str) -> pd.DataFrame:
    """Per-date losses (``"se"`` in bp², ``"qlike"``) of every model; QLIKE only for models with positive forecasts."""
    out = {}
    for m in forecasts.columns:
        f = forecasts[m].to_numpy()
        if loss == "qlike" and not (f > 0).all():
            continue
        out[m] = stats.losses(units.to_bp(actual.to_numpy()), units.to_bp(f), loss)  # MSE in bp²; QLIKE is scale-free
    return pd.DataFrame(out, index=forecasts.index)


@dataclass(frozen=True)
class BootstrapSettings:
    """Replications, seed and levels of every SPA test and MCS of the chapter (block length: :func:`stats.block_length`)."""

    reps: int = 1000
    seed: int = 0
    mcs_sizes: tuple[float, ...] = (0.10, 0.25)


def leaderboard(forecasts: pd.DataFrame, actual: pd.Series, horizon: int, *, benchmark: str = BENCHMARK,
                boot: BootstrapSettings = BootstrapSettings(), families: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One horizon's leaderboard: MSE and QLIKE with ranks, MCS p-values and membership, SPA p-values against HAR.

    Parameters
    ----------
    forecasts, actual
        Every model's forecasts and the target on the common test dates (:func:`leaderboard_inputs`).
    horizon
        h (days): the HLN correction and the bootstrap's block length (:func:`volrep.stats.block_length`).
    benchmark
        The SPA benchmark (HAR).
    boot
        Replications, seed and MCS levels.

    Returns
    -------
    pandas.DataFrame
        Indexed by model, sorted by MSE: ``family, mse_bp2, qlike, rank_mse, rank_qlike``, then per loss
        (``mse``, ``qlike``) the MCS p-value, membership at each level of ``boot.mcs_sizes``, the SPA p-value of
        HAR against that model alone (Hansen's consistent p; small = the model beats HAR) and the one-sided DM
        p-value of "the model beats HAR". The benchmark's own SPA and DM cells are NaN.

    Notes
    -----
    MSE ranks the forecasts by the squared error in the RV's level (dominated by the largest days); QLIKE by the
    relative error (Patton 2011), robust to the noise in RV as a proxy. Both are consistent loss functions for the
    conditional variance, so they may rank differently only through the forecasts' different errors on calm and
    turbulent days.
    """
    if benchmark not in forecasts.columns:
        raise ConfigError(f"leaderboard: the benchmark {benchmark!r} is not among the models {list(forecasts.columns)}")
    out = pd.DataFrame(index=pd.Index(forecasts.columns, name="model"))
    if families is not None:
        out["family"] = [families.get(m, "other") for m in out.index]
    for loss, name in (("se", "mse"), ("qlike", "qlike")):
        table = loss_table(forecasts, actual, loss)
        col = "mse_bp2" if name == "mse" else "qlike"
        out[col] = table.mean()
        out[f"rank_{name}"] = out[col].rank(method="min")
        mcs = stats.model_confidence_set(table, size=min(boot.mcs_sizes), horizon=horizon, reps=boot.reps,
                                         seed=boot.seed)
        out[f"mcs_p_{name}"] = mcs.pvalues
        for size in boot.mcs_sizes:
            member = mcs.contains(size).reindex(out.index)
            out[f"in_mcs{int(round(100 * size))}_{name}"] = member.where(member.notna(), None)
        spa_p, dm_p = {}, {}
        if benchmark in table.columns:
            for m in table.columns:
                if m == benchmark:
                    continue
                spa_p[m] = stats.spa_test(table[benchmark], table[m], horizon=horizon, reps=boot.reps,
                                          seed=boot.seed).pvalue
                dm_p[m] = stats.diebold_mariano_losses(table[m], table[benchmark], horizon=horizon,
                                                       alternative="less").pvalue
        out[f"spa_p_{name}"] = pd.Series(spa_p, dtype=float)
        out[f"dm_p_{name}"] = pd.Series(dm_p, dtype=float)
    return out.sort_values("mse_bp2")


def spa_all(forecasts: pd.DataFrame, actual: pd.Series, horizon: int, *, models: Sequence[str] | None = None,
            benchmark: str = BENCHMARK, loss: str = "se", boot: BootstrapSettings = BootstrapSettings()) -> stats.SPAResult:
    """Hansen's SPA test of HAR against all ``models`` at once (default: every other model)."""
    table = loss_table(forecasts, actual, loss)
    models = [m for m in (models or table.columns) if m != benchmark and m in table.columns]
    if not models:
        raise ConfigError("spa_all: no model to test against the benchmark")
    return stats.spa_test(table[benchmark], table[models], horizon=horizon, reps=boot.reps, seed=boot.seed)


# --------------------------------------------------------------------------------------------------------------
# Data for what the store lacks (read only when needed)
# --------------------------------------------------------------------------------------------------------------
#: Chapter 04's Binance window.
BINANCE_WINDOW = {"start": "2018-01-01", "end": "2023-01-01"}


def binance_series(freqs: Sequence[str] = ("15min", "10min", "5min")) -> tuple[dict[str, pd.Series], pd.Series, dict]:
    """Chapter 04's Binance target (daily RV from pre-averaged 1-minute returns, ``"1min PA"``), plain daily RV at
    ``freqs`` (candidate targets of other chapters), the daily log returns and the provenance.

    Read from the 1-minute klines exactly as chapter 04 reads them (:func:`volrep.chapters.baselines.preaveraged_daily_rv`,
    :func:`volrep.rv.daily_realized_variance`); about 8 s.
    """
    from volrep import data, rv
    from volrep.chapters import baselines as ch4

    ds = data.load("binance_klines_1m_daily", progress=False)
    bt, bp = rv.bar_observations(ds.frame)
    series = {"1min PA": ch4.preaveraged_daily_rv(bt, bp, "1min", **BINANCE_WINDOW)}
    series |= {f: rv.daily_realized_variance(bt, bp, f, **BINANCE_WINDOW) for f in freqs}
    returns = rv.grid_returns(bt, bp, "1D", **BINANCE_WINDOW).reindex(series["1min PA"].index)
    return series, returns, ds.provenance()

