"""Chapter 09: the significance tests of Huang, Sangiorgi & Urquhart (2024) on the book's forecasts, and the DM
test's known truth.

The tests are :mod:`volrep.stats` (Diebold–Mariano with the Harvey–Leybourne–Newbold correction; Hansen's SPA and the
model confidence set from :mod:`arch.bootstrap`); the forecasts come from the forecast store (:mod:`volrep.store`),
written by chapters 04–08.

What is replicated here:

* Huang, Sangiorgi & Urquhart (2024) Table 8 — one-sided pairwise DM p-values of HAR, the LSTM and the CNN-LSTMs
  with HAR's inputs and GARCH(1, 1), 1 and 7 days ahead (:func:`huang_table8`) — and the §5 findings on SPA and MCS
  (Appendices D.4, D.5, E.3), on chapter 07's target.
* The DM test's size and power on simulated forecast errors (:func:`simulate_dm_rejections`).

Elsewhere: the all-model leaderboard (:mod:`volrep.chapters.leaderboard`), Dhansoia (2025) Tables 4 and 6
(:mod:`volrep.chapters.significance_dhansoia`), DeepVol's Rate columns as tests
(:mod:`volrep.chapters.significance_deepvol`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from volrep import stats, store, targets, verdicts
from volrep.chapters.leaderboard import BENCHMARK, LEADERBOARD_KEYS, BootstrapSettings, loss_table, wide
from volrep.errors import ConfigError
from volrep.report import Claim


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


def match_target(actual: pd.Series, candidates: Mapping[str, pd.Series], horizon: int, *,
                 rtol: float = 1e-9) -> str | None:
    """Which candidate daily series ``y`` gives ``actual`` (stored, by origin) as ``y_{t+h}``; None if none does."""
    for name, series in candidates.items():
        s = series.set_axis(store.tz_naive(series.index))
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
                cols[paper] = by_h[h].set_axis(store.tz_naive(by_h[h].index))
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
