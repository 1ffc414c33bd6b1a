"""Chapter 09: significance tests across the book's forecasts (DM, SPA, MCS) and one leaderboard for all models.

Every forecast comes from the forecast store (:mod:`volrep.store`), written by chapters 04–08. Where a store file is
absent (a chapter not run yet), the cheap econometric baselines of the leaderboard — HAR, log-HAR and GARCH(1, 1)
estimated once — are computed here with chapter 04's code; the network families, which the store holds on their own
chapters' targets only, are trained on the leaderboard's target by :mod:`volrep.chapters.leaderboard_networks` and
stored under this chapter (model names in :data:`TRAINED_HERE`). The tests are :mod:`volrep.stats` (Diebold–Mariano
with the Harvey–Leybourne–Newbold correction; Hansen's SPA and the model confidence set from :mod:`arch.bootstrap`).

What is replicated:

* Dhansoia (2025) Table 4 — the p-values of the transfer LSTM's gain over the LSTM from scratch (DM on squared and
  absolute errors, one-sided) — and Table 6 — DM against HAR for the transfer LSTM, the LSTM from scratch and the
  moving average (the hybrid's row is chapter 06's claim) — per seed and for the seed-averaged forecast.
* Huang, Sangiorgi & Urquhart (2024) Table 8 — one-sided pairwise DM p-values of HAR, the LSTM and the CNN-LSTMs
  with HAR's inputs and GARCH(1, 1), 1 and 7 days ahead (:data:`HUANG_TABLE8`) — and the §5 findings on SPA and MCS
  (Appendices D.4, D.5, E.3).
* DeepVol's (Liu et al. 2023) "Rate" columns — the share of stocks on which DeepVol's loss is below GARCH's — recast
  as one DM test per stock on the Gaussian NLL, with a Benjamini–Hochberg correction across stocks.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volrep import stats, store, targets, units, verdicts
from volrep.errors import ConfigError
from volrep.report import Claim

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


def _naive(index: pd.Index) -> pd.Index:
    return index.tz_convert("UTC").tz_localize(None) if getattr(index, "tz", None) is not None else index


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
            reference[h] = s.set_axis(_naive(s.index))
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
            columns[h][model] = by_h[h].set_axis(_naive(by_h[h].index))
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
# Huang et al. (2024) Table 8 and §5
# --------------------------------------------------------------------------------------------------------------
_T8_MODELS = ["HAR", "LSTM", "MTF-30-CNN + LSTM", "MTF-7-CNN + LSTM", "GARCH(1, 1)"]
# fmt: off
_T8 = {
    1: [[np.nan, 0.8261, 0.3653, 0.0637, 0.0048],
        [0.1739, np.nan, 0.3264, 0.0530, 0.0048],
        [0.6347, 0.6736, np.nan, 0.0154, 0.0110],
        [0.9363, 0.9470, 0.9846, np.nan, 0.0158],
        [0.9952, 0.9952, 0.9890, 0.9842, np.nan]],
    7: [[np.nan, 0.7886, 0.8160, 0.8239, 0.0693],
        [0.2114, np.nan, 0.2969, 0.3047, 0.0915],
        [0.1840, 0.7031, np.nan, 0.5535, 0.0652],
        [0.1761, 0.6953, 0.4465, np.nan, 0.0812],
        [0.9307, 0.9085, 0.9348, 0.9188, np.nan]],
}
# fmt: on


def huang_table8(horizon: int) -> pd.DataFrame:
    """Huang, Sangiorgi & Urquhart (2024) Table 8: one-sided DM p-values ``p[i, j]`` (null: model i underperforms
    model j), 1- and 7-day panels, transcribed from ``../shared/papers`` (significance stars dropped).

    Every printed pair satisfies ``p[i, j] + p[j, i] = 1``: the table is one one-sided test per pair, read from both
    ends (:func:`volrep.stats.dm_matrix`).
    """
    if horizon not in _T8:
        raise ConfigError(f"huang_table8: the book transcribes the 1- and 7-day panels, not h={horizon}")
    idx = pd.Index(_T8_MODELS, name="i")
    return pd.DataFrame(_T8[horizon], index=idx, columns=pd.Index(_T8_MODELS, name="j"))


#: Table 8's models → patterns of our model names (chapter 07's networks with HAR's inputs; chapter 04's HAR and
#: GARCH(1, 1)).
TABLE8_PATTERNS = {"HAR": (BENCHMARK, "HAR"), "LSTM": ("LSTM (HAR*",), "MTF-30-CNN + LSTM": ("MTF-30-CNN*",),
                   "MTF-7-CNN + LSTM": ("MTF-7-CNN*",), "GARCH(1, 1)": ("GARCH(1, 1)",)}


def table8_models(available: Sequence[str]) -> dict[str, str | None]:
    """Table 8's model → our model of that name pattern among ``available`` (None when absent)."""
    out = {}
    for paper, patterns in TABLE8_PATTERNS.items():
        hits = [m for p in patterns for m in available if fnmatch.fnmatchcase(m, p)]
        out[paper] = hits[0] if hits else None
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def table8_claims(ours: pd.DataFrame | None, horizon: int, *, source: str, variant: str,
                  note: str = "", provisional: bool = False) -> list[Claim]:
    """One claim per pair of Table 8's models (upper triangle), rule ``decision``.

    A pair's one-sided test is read in the direction the point estimate points: ``p = min(p[i, j], p[j, i])``,
    significant at 5 % when the better model is significantly better; both sides must then name the same winner.
    ``ours`` is :func:`volrep.stats.dm_matrix` with the paper's model names (rows/columns missing → *not comparable*,
    ``no_data``). ``ours`` in the claim is our ``p[i, j]`` (the paper's orientation).
    """
    paper = huang_table8(horizon)
    claims = []
    names = list(paper.index)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            i, j = names[a], names[b]
            pid = f"huang.T8.h{horizon}.{_slug(i)}_vs_{_slug(j)}_{source}"
            p_ij, p_ji = float(paper.loc[i, j]), float(paper.loc[j, i])
            if ours is None or i not in ours.index or j not in ours.columns or not np.isfinite(ours.loc[i, j]):
                claims.append(Claim(pid, p_ij, None, variant, verdicts.not_comparable(
                    "no_data", "one of the two models has no forecast of this target in this build"), note))
                continue
            o_ij, o_ji = float(ours.loc[i, j]), float(ours.loc[j, i])
            judgement = verdicts.decision(min(p_ij, p_ji), min(o_ij, o_ji),
                                          paper_stat=-1.0 if p_ij < p_ji else 1.0, ours_stat=-1.0 if o_ij < o_ji else 1.0)
            nets = {i, j} - {"HAR", "GARCH(1, 1)"}  # HAR against GARCH(1, 1) rests on no network
            claims.append(Claim(pid, p_ij, round(o_ij, 4), variant, judgement,
                                f"one-sided DM, H0: {i} underperforms {j}; judged on the smaller of p[i,j], p[j,i]"
                                + (f"; {note}" if note else ""), provisional and bool(nets)))
    return claims


# --------------------------------------------------------------------------------------------------------------
# Dhansoia (2025) Tables 4 and 6
# --------------------------------------------------------------------------------------------------------------
#: Dhansoia (2025) Table 6: DM statistic and p-value against HAR (the paper prints "< 0.001" for three rows; the
#: bound is stored).
DHANSOIA_TABLE6 = pd.DataFrame(
    {"dm": [-7.63, -7.31, -18.26, -0.42], "p_value": [0.001, 0.001, 0.001, 0.674]},
    index=pd.Index(["Transfer LSTM", "LSTM (scratch)", "Moving Average", "HAR-LSTM Hybrid"], name="model"))
#: Our store's model names for Table 6's rows (the transfer model is the authors' code's choice, chapter 05).
DHANSOIA_SOURCES = {"faithful": "yahoo", "proper": "rv", "sim": "sim"}


def _dhansoia_rows(frame: pd.DataFrame, variant: str) -> pd.DataFrame:
    return frame[(frame["variant"] == variant) & (frame["horizon"] == 1)]


def _per_seed(rows: pd.DataFrame, model: str) -> dict[object, pd.Series]:
    sel = rows[rows["model"] == model]
    out = {int(s): g.set_index("date")["forecast"].sort_index() for s, g in sel.groupby("seed")}
    if len(out) > 1:
        out["mean forecast"] = pd.concat(out.values(), axis=1).mean(axis=1)
    return out


def dhansoia_table4(frame: pd.DataFrame, variant: str, transfer_model: str,
                    scratch_model: str = "LSTM (from scratch)") -> pd.DataFrame:
    """Table 4's p-values: DM of the transfer LSTM against the LSTM from scratch, per seed and seed-averaged.

    One-sided (alternative: the transfer model is more accurate), HLN-corrected, one day ahead; squared errors for
    the RMSE row, absolute errors for the MAE row. The paper does not name its test; its R² and correlation rows have
    no DM counterpart.
    """
    rows = _dhansoia_rows(frame, variant)
    actual = rows.groupby("date")["actual"].first().sort_index()
    transfer, scratch = _per_seed(rows, transfer_model), _per_seed(rows, scratch_model)
    out = []
    for seed in transfer:
        if seed not in scratch:
            continue
        t, s = transfer[seed], scratch[seed]
        common = t.index.intersection(s.index)
        y = actual.loc[common]
        et, es = (y - t.loc[common]).to_numpy(), (y - s.loc[common]).to_numpy()
        se = stats.diebold_mariano(et, es, loss="se", alternative="less")
        ae = stats.diebold_mariano(et, es, loss="ae", alternative="less")
        out.append({"seed": seed, "dm_se": se.statistic, "p_rmse": se.pvalue, "dm_ae": ae.statistic, "p_mae": ae.pvalue,
                    "n": se.n})
    return pd.DataFrame(out, columns=["seed", "dm_se", "p_rmse", "dm_ae", "p_mae", "n"]).set_index("seed")


def dhansoia_table6(frames: Mapping[str, pd.DataFrame], variant: str, transfer_model: str) -> pd.DataFrame:
    """Table 6: DM (HLN, squared errors, two-sided) of each model against HAR, per seed and seed-averaged.

    Oriented as the paper and chapter 06: ``d_t = e²_HAR − e²_model``, negative when the model is less accurate than
    HAR. The transfer LSTM, the LSTM from scratch and the moving average come from chapter 05's store rows, the
    hybrid from chapter 06's; HAR is each chapter's own (the same forecast).
    """
    wanted = {"Transfer LSTM": ("05_transfer_lstm", transfer_model),
              "LSTM (scratch)": ("05_transfer_lstm", "LSTM (from scratch)"),
              "Moving Average": ("05_transfer_lstm", "Moving Average"),
              "HAR-LSTM Hybrid": ("06_hybrids", "HAR-LSTM Hybrid")}
    out = []
    for paper_row, (chapter, model) in wanted.items():
        if chapter not in frames:
            continue
        rows = _dhansoia_rows(frames[chapter], variant)
        if rows.empty or not (rows["model"] == model).any() or not (rows["model"] == "HAR").any():
            continue
        actual = rows.groupby("date")["actual"].first().sort_index()
        har = rows[rows["model"] == "HAR"].groupby("date")["forecast"].mean().sort_index()
        for seed, fc in _per_seed(rows, model).items():
            common = fc.index.intersection(har.index)
            y = actual.loc[common]
            res = stats.diebold_mariano((y - har.loc[common]).to_numpy(), (y - fc.loc[common]).to_numpy(), loss="se")
            out.append({"model": paper_row, "chapter": chapter, "seed": seed, "dm": res.statistic,
                        "p_value": res.pvalue, "n": res.n})
    return pd.DataFrame(out, columns=["model", "chapter", "seed", "dm", "p_value", "n"])


def _final(table: pd.DataFrame) -> pd.Series:
    """The seed-averaged row of a per-seed table (``"mean forecast"``), or the only seed."""
    if "mean forecast" in table.index:
        return table.loc["mean forecast"]
    return table.iloc[0]


def dhansoia_claims(t4: Mapping[str, pd.DataFrame], t6: Mapping[str, pd.DataFrame], *, paper_t4: pd.DataFrame,
                    provisional: bool = False) -> list[Claim]:
    """Claims on Tables 4 (p-values) and 6 (DM against HAR), rule ``decision``, on the seed-averaged forecast.

    ``t4``/``t6`` by variant (:func:`dhansoia_table4`, :func:`dhansoia_table6`). Table 6's hybrid row is chapter
    06's claim (``dhansoia.T6.har_lstm_hybrid.dm_*``) and is not repeated.
    """
    claims = []
    for variant, table in t4.items():
        src = DHANSOIA_SOURCES.get(variant, variant)
        note = "seed-averaged forecast; " + ("the paper's 22-day rolling-std target" if variant == "faithful"
                                             else "log daily RV target (ours)")
        for metric, pcol, scol in (("rmse", "p_rmse", "dm_se"), ("mae", "p_mae", "dm_ae")):
            paper_p = float(paper_t4.loc[metric, "p_value"])
            if table.empty:
                claims.append(Claim(f"dhansoia.T4.{metric}.p_value_{src}", paper_p, None, variant,
                                    verdicts.not_comparable("no_data", "chapter 05's forecasts are not in the store")))
                continue
            row = _final(table)
            claims.append(Claim(f"dhansoia.T4.{metric}.p_value_{src}", paper_p, round(float(row[pcol]), 4), variant,
                                verdicts.decision(paper_p, float(row[pcol])),
                                f"one-sided DM ({'squared' if metric == 'rmse' else 'absolute'} errors), H1: transfer "
                                f"LSTM more accurate than scratch; {note}", provisional))
        claims.append(Claim(f"dhansoia.T4.correlation.p_value_{src}", float(paper_t4.loc["correlation", "p_value"]),
                            None, variant, verdicts.not_comparable("no_number", "the paper names no test; a DM test has "
                                                                   "no correlation counterpart"), note))
    slugs = {"Transfer LSTM": "transfer_lstm", "LSTM (scratch)": "lstm_scratch", "Moving Average": "moving_average"}
    for variant, table in t6.items():
        src = DHANSOIA_SOURCES.get(variant, variant)
        for paper_row, slug in slugs.items():
            sub = table[table["model"] == paper_row].set_index("seed")
            paper = DHANSOIA_TABLE6.loc[paper_row]
            cid = f"dhansoia.T6.{slug}.dm_{src}"
            if sub.empty:
                claims.append(Claim(cid, float(paper["dm"]), None, variant, verdicts.not_comparable(
                    "no_data", "chapter 05's forecasts are not in the store"), ""))
                continue
            row = _final(sub)
            is_net = paper_row != "Moving Average"
            claims.append(Claim(cid, float(paper["dm"]), round(float(row["dm"]), 3), variant,
                                verdicts.decision(float(paper["p_value"]), float(row["p_value"]),
                                                  paper_stat=float(paper["dm"]), ours_stat=float(row["dm"])),
                                "two-sided DM (HLN, squared errors) against HAR, d = e²_HAR − e²_model; "
                                + ("seed-averaged forecast; " if is_net else "")
                                + ("the paper's 22-day rolling-std target" if variant == "faithful" else "log daily RV"),
                                provisional and is_net))
    return claims


# --------------------------------------------------------------------------------------------------------------
# DeepVol's Rate columns as tests
# --------------------------------------------------------------------------------------------------------------
#: DeepVol's groups in chapter 08's store → (description, (Liu et al.'s table function, column group) of the NLL
#: Rate in :mod:`volrep.papers`, variant, split, target, portfolios). Chapter 08 stores the new stocks and the
#: portfolios of new stocks under one split; its portfolios are the series named ``P`` + digits
#: (:data:`PORTFOLIO_NAME`): ``True`` keeps only them, ``False`` leaves them out, ``None`` keeps every series.
DEEPVOL_GROUPS = {
    "T2.nll.test_rate": ("training stocks, test period (Table 2)", ("liu_table2", "test"), "faithful", "liu_aug2019",
                         "squared_return", None),
    "T3.nll.new_stocks_rate": ("new stocks (Table 3)", ("liu_table3", "new stocks"), "faithful", "liu_80_20",
                               "squared_return", False),
    "T3.nll.portfolios_rate": ("portfolios of new stocks (Table 3)", ("liu_table3", "portfolios"), "faithful",
                               "liu_80_20", "squared_return", True),
    "T5.nll.test_rate": ("Oxford-Man indices, test period (Table 5: global stocks in the paper)", ("liu_table5", "test"),
                         "proper", "liu_80_20", "squared_return", None),
}
#: Chapter 08's names of its artificial portfolios.
PORTFOLIO_NAME = r"P\d+"


def deepvol_paper_rate(key: str) -> float:
    """The paper's NLL Rate of a :data:`DEEPVOL_GROUPS` entry (from :mod:`volrep.papers`)."""
    from volrep import papers

    table_fn, group = DEEPVOL_GROUPS[key][1]
    return float(getattr(papers, table_fn)().loc["nll", (group, "rate")])


def gaussian_nll_losses(squared_return: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """Per-day Gaussian negative log-likelihood of a zero-mean return: ``½(ln 2π + ln σ² + r²/σ²)`` (Liu et al. eq. 9).

    The store keeps ``r²`` and ``σ²``: enough for the NLL, not for the quantile and joint VaR–ES losses (they need
    the return's sign), which is why only DeepVol's NLL Rate is recast as a test.
    """
    r2, s2 = np.asarray(squared_return, dtype=float), np.asarray(variance, dtype=float)
    return 0.5 * (np.log(2 * np.pi) + np.log(s2) + r2 / s2)


def deepvol_dm_by_series(frame: pd.DataFrame, *, variant: str, split: str, target: str, model: str = "DeepVol",
                         benchmark: str = "GARCH(1,1)", portfolios: bool | None = None) -> pd.DataFrame:
    """One DM test per series (stock or index) of DeepVol's NLL against GARCH(1, 1)'s, two-sided, h = 1.

    Returns
    -------
    pandas.DataFrame
        Per asset: ``n``, mean NLL difference (DeepVol − GARCH; negative = DeepVol better), DM statistic, p-value,
        and the Holm and Benjamini–Hochberg adjusted p-values across the series.
    """
    rows = frame[(frame["variant"] == variant) & (frame["split"] == split) & (frame["target"] == target)
                 & frame["model"].isin([model, benchmark])]
    if portfolios is not None:
        is_portfolio = rows["asset"].astype(str).str.fullmatch(PORTFOLIO_NAME)
        rows = rows[is_portfolio == portfolios]
    out = []
    for asset, g in rows.groupby("asset"):
        piv = g.pivot_table(index="date", columns="model", values="forecast").dropna()
        if model not in piv or benchmark not in piv or len(piv) < 20:
            continue
        r2 = g.groupby("date")["actual"].first().reindex(piv.index).to_numpy()
        l_m, l_b = gaussian_nll_losses(r2, piv[model].to_numpy()), gaussian_nll_losses(r2, piv[benchmark].to_numpy())
        if np.allclose(l_m, l_b):
            continue
        res = stats.diebold_mariano_losses(l_m, l_b)
        out.append({"asset": asset, "n": res.n, "nll_diff": res.mean_loss_diff, "dm": res.statistic, "p": res.pvalue})
    table = pd.DataFrame(out, columns=["asset", "n", "nll_diff", "dm", "p"]).set_index("asset")
    if len(table):
        table["p_holm"] = stats.adjust_pvalues(table["p"], "holm")
        table["p_bh"] = stats.adjust_pvalues(table["p"], "bh")
    return table


def deepvol_summary(table: pd.DataFrame, alpha: float = 0.05) -> dict[str, float]:
    """Shares of series: DeepVol's mean NLL lower (the paper's Rate), significantly lower / higher (BH at ``alpha``)."""
    n = len(table)
    if n == 0:
        return {"series": 0, "rate": np.nan, "better_bh": np.nan, "worse_bh": np.nan, "better_raw": np.nan}
    better = (table["p_bh"] < alpha) & (table["dm"] < 0)
    worse = (table["p_bh"] < alpha) & (table["dm"] > 0)
    return {"series": n, "rate": float((table["nll_diff"] < 0).mean()), "better_bh": float(better.mean()),
            "worse_bh": float(worse.mean()), "better_raw": float(((table["p"] < alpha) & (table["dm"] < 0)).mean())}


def deepvol_claims(summaries: Mapping[str, dict], *, provisional: bool = False) -> list[Claim]:
    """Claims: the paper's NLL Rate against our share of series where DeepVol is *significantly* better (BH, 5 %).

    Rule ``share`` (above ½): the paper's Rate counts wins without a test; the recast asks whether those wins
    survive a per-series DM test and a correction for testing many series at once.
    """
    claims = []
    for key, (label, _, variant, _, _, _) in DEEPVOL_GROUPS.items():
        paper_rate = deepvol_paper_rate(key)
        s = summaries.get(key)
        cid = f"deepvol.{key}.dm_bh"
        if s is None or not s["series"]:
            claims.append(Claim(cid, paper_rate, None, variant, verdicts.not_comparable(
                "no_data", "chapter 08's forecasts are not in the store"), label))
            continue
        claims.append(Claim(cid, paper_rate, round(s["better_bh"], 4), variant,
                            verdicts.share(paper_rate, s["better_bh"], threshold=0.5, side="above"),
                            f"{label}: share of {s['series']} series where DeepVol's NLL is significantly below "
                            f"GARCH(1,1)'s (DM per series, Benjamini–Hochberg 5 %); untested Rate {s['rate']:.2f}",
                            provisional))
    return claims


# --------------------------------------------------------------------------------------------------------------
# Known truth: Monte Carlo of the DM test (used by the tests and shown in the chapter)
# --------------------------------------------------------------------------------------------------------------
def simulate_dm_rejections(*, n: int = 250, reps: int = 500, horizon: int = 1, scale: float = 1.0, alpha: float = 0.05,
                           seed: int = 0) -> dict[str, float]:
    """Rejection rates of the DM test on simulated h-step forecast errors with known relative accuracy.

    Model 1's errors are ``scale`` times model 2's in standard deviation; both are MA(h − 1) with unit weights (the
    overlap of h-step errors), independent of each other. ``scale = 1``: equal accuracy, the two-sided rejection
    rate is the test's size; ``scale < 1``: model 1 is better, the one-sided ("less") rate is its power.
    """
    rng = np.random.default_rng(seed)
    two, less = 0, 0
    for _ in range(reps):
        z = rng.standard_normal((2, n + horizon - 1))
        e = np.stack([np.convolve(z[k], np.ones(horizon), mode="valid") for k in range(2)]) / np.sqrt(horizon)
        e1, e2 = scale * e[0], e[1]
        two += stats.diebold_mariano(e1, e2, horizon=horizon).pvalue < alpha
        less += stats.diebold_mariano(e1, e2, horizon=horizon, alternative="less").pvalue < alpha
    return {"two_sided": two / reps, "one_sided_less": less / reps, "reps": reps, "n": n, "horizon": horizon,
            "scale": scale}


def mc_band(rate: float, reps: int, z: float = 3.0) -> tuple[float, float]:
    """``rate ± z`` binomial standard errors of a Monte Carlo rejection rate over ``reps`` draws."""
    se = np.sqrt(rate * (1 - rate) / reps)
    return rate - z * se, rate + z * se


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


def match_target(actual: pd.Series, candidates: Mapping[str, pd.Series], horizon: int, *,
                 rtol: float = 1e-9) -> str | None:
    """Which candidate daily series ``y`` gives ``actual`` (stored, by origin) as ``y_{t+h}``; None if none does."""
    for name, series in candidates.items():
        s = series.set_axis(_naive(series.index))
        target = targets.horizon_target(s, horizon, "point").reindex(actual.index)
        if target.notna().all() and np.allclose(target.to_numpy(), actual.to_numpy(), rtol=rtol, atol=0):
            return name
    return None


def chapter_rows(frame: pd.DataFrame | None, *, asset: str, horizons: Sequence[int]) -> pd.DataFrame | None:
    """A chapter's stored rows on the leaderboard's keys (asset, point target, 90/10 split) and ``horizons``."""
    if frame is None:
        return None
    sel = frame[(frame["asset"] == asset) & (frame["target"] == LEADERBOARD_KEYS["target"])
                & (frame["split"] == LEADERBOARD_KEYS["split"]) & frame["horizon"].isin(list(horizons))]
    return sel if len(sel) else None


def table8_inputs(net_rows: pd.DataFrame, benchmarks: Mapping[str, Mapping[int, pd.Series]],
                  horizons: Sequence[int]) -> dict[int, tuple[pd.DataFrame, pd.Series]]:
    """Table 8's five models on chapter 07's target, columns named as in the paper, on their common dates.

    ``net_rows``: chapter 07's rows (:func:`chapter_rows`); ``benchmarks``: ``{"HAR": {h: fc}, "GARCH(1, 1)": {h: fc}}``
    on the same target. A model that is absent is left out (its pairs become *not comparable*).
    """
    out = {}
    for h in horizons:
        rows = net_rows[net_rows["horizon"] == h]
        if rows.empty:
            continue
        fc, actual = wide(rows)
        names = table8_models(list(fc.columns))
        cols = {paper: fc[ours] for paper, ours in names.items() if ours is not None and ours in fc.columns}
        for paper, by_h in benchmarks.items():
            if h in by_h:
                cols[paper] = by_h[h].set_axis(_naive(by_h[h].index))
        frame = pd.DataFrame(cols).reindex(columns=[m for m in _T8_MODELS if m in cols]).dropna()
        out[h] = (frame, actual.reindex(frame.index))
    return out


def chapter_provisional(chapter: str, directory: str | Path | None = None, pattern: str = "*") -> bool:
    """True if any claim of ``chapter``'s results file (in ``directory``, default the results folder) matching
    ``pattern`` is provisional (its networks were still learning or failed their capability check)."""
    import json

    from volrep.config import results_dir

    path = Path(directory or results_dir()) / f"{chapter}.json"
    if not path.is_file():
        return False
    claims = json.loads(path.read_text()).get("claims", [])
    return any(c.get("provisional") for c in claims if fnmatch.fnmatchcase(c["id"], pattern))


def huang_section5_claims(t8_panel: Mapping[int, tuple[pd.DataFrame, pd.Series]],
                          nets: Mapping[int, pd.DataFrame], *, source: str, variant: str,
                          boot: BootstrapSettings, provisional: bool = False) -> tuple[list[Claim], pd.DataFrame]:
    """Huang et al. §5 (Appendices D.4, D.5, E.3) on chapter 07's target: SPA and MCS findings as claims.

    * SPA (MSE, benchmark HAR) over every CNN-LSTM on MTF images, 7 days ahead: the paper finds them superior to HAR
      (rule ``direction``: SPA rejects at 5 %).
    * MCS at 10 % (MSE) over HAR, GARCH(1, 1) and every network of chapter 07: "hardly any model excluded" at 1 and
      7 days (``direction``: at least 80 % of the models kept — our reading of "hardly any"); GARCH(1, 1) excluded
      at 7 days; the LSTM with HAR's inputs in the 1-day set.

    Parameters
    ----------
    t8_panel
        :func:`table8_inputs` (HAR and GARCH(1, 1) under the paper's names, on chapter 07's target).
    nets
        Chapter 07's networks by horizon (date × model), on the same target and dates.

    Returns
    -------
    claims, summary
        The claims and a table (horizon, models, kept in the MCS, SPA p-value over the CNN-LSTMs).
    """
    claims, rows = [], []
    for h, (t8, actual) in t8_panel.items():
        if "HAR" not in t8 or h not in nets:
            continue
        panel = pd.concat([t8[[c for c in ("HAR", "GARCH(1, 1)") if c in t8]], nets[h]], axis=1).dropna()
        y = actual.reindex(panel.index)
        table = loss_table(panel, y, "se")
        mcs = stats.model_confidence_set(table, size=0.10, horizon=h, reps=boot.reps, seed=boot.seed)
        cnn = [m for m in panel.columns if m.startswith("MTF-")]
        spa = (stats.spa_test(table["HAR"], table[cnn], horizon=h, reps=boot.reps, seed=boot.seed).pvalue
               if cnn else np.nan)
        kept = len(mcs.included) / table.shape[1]
        rows.append({"horizon": h, "models": table.shape[1], "kept_mcs10": len(mcs.included), "share_kept": kept,
                     "garch11_in_mcs10": "GARCH(1, 1)" in mcs.included,
                     "lstm_har_in_mcs10": any(m.startswith("LSTM (HAR") for m in mcs.included),
                     "spa_p_cnn_vs_har": spa, "cnn_lstms": len(cnn)})
        if h in (1, 7):
            claims.append(Claim(f"huang.S5.mcs_hardly_any_excluded.h{h}_{source}", "hardly any model excluded",
                                round(kept, 4), variant,
                                verdicts.direction(kept >= 0.8, f"at least 80 % of {table.shape[1]} models kept in the "
                                                   f"10 % MCS ({len(mcs.included)} kept)"),
                                "MSE, HAR + GARCH(1, 1) + chapter 07's networks", provisional))
        if h == 7:
            g_p = float(mcs.pvalues.get("GARCH(1, 1)", np.nan))
            claims.append(Claim(f"huang.S5.mcs_garch11_excluded.h7_{source}", "excluded", round(g_p, 4), variant,
                                verdicts.direction("GARCH(1, 1)" not in mcs.included,
                                                   "GARCH(1, 1) is excluded from the 10 % MCS at 7 days"),
                                "ours: GARCH(1, 1)'s MCS p-value (MSE; HAR + GARCH(1, 1) + chapter 07's networks)",
                                provisional))
            if cnn:
                claims.append(Claim(f"huang.S5.spa_cnn_lstm_beats_har.h7_{source}", "superior to HAR", round(spa, 4),
                                    variant, verdicts.direction(spa < verdicts.ALPHA, "SPA rejects 'no CNN-LSTM beats "
                                                                f"HAR' at 5 % ({len(cnn)} CNN-LSTMs, MSE)"),
                                    "Hansen's consistent p-value, stationary bootstrap", provisional))
        if h == 1:
            lstm = [m for m in mcs.pvalues.index if m.startswith("LSTM (HAR")]
            lstm_in = any(m in mcs.included for m in lstm)
            l_p = float(mcs.pvalues[lstm[0]]) if lstm else np.nan
            claims.append(Claim(f"huang.S5.mcs_lstm_in_set.h1_{source}", "in the set", round(l_p, 4),
                                variant, verdicts.direction(lstm_in, "the LSTM with HAR's inputs is in the 10 % MCS "
                                                            "at 1 day"),
                                "ours: the LSTM's MCS p-value (MSE; HAR + GARCH(1, 1) + chapter 07's networks)",
                                provisional))
    return claims, pd.DataFrame(rows)
