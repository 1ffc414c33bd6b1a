"""Chapter 07's tables: the trained networks of :mod:`volrep.chapters.cnn_lstm_mtf` as RMSE tables, seed means,
the test-set versus validation hyper-parameter selection, the paper's relative power next to ours and its claims,
DM tests and rolling errors (Huang et al. 2024, Tables 6, 7, 9 and 10, §5.2, Figures 3–4).

References
----------
Huang, Z.-C., Sangiorgi, I., & Urquhart, A. (2024). Forecasting Bitcoin volatility using machine learning
techniques. *J. Int. Financ. Mark. Inst. Money*, 97, 102064.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from volrep import evaluate, verdicts
from volrep.chapters.baselines import EFFECT_FLOOR_PP
from volrep.chapters.cnn_lstm_mtf import NetRun, NetSpec
from volrep.report import Claim
from volrep.rv import intervals_per_day
from volrep.stats import diebold_mariano
from volrep.targets import Split, horizon_target


def runs_frame(runs: Sequence[NetRun], target: pd.Series) -> pd.DataFrame:
    """One row per trained network: configuration, seconds, and the RMSE of each forecast part."""
    rows = []
    for r in runs:
        actual = horizon_target(target, r.horizon)
        row = {"label": r.spec.label, "model": r.spec.model, "input": r.spec.input, "horizon": r.horizon,
               "batch_size": r.batch_size, "neurons": r.neurons, "seed": r.seed, "seconds": r.seconds}
        row |= {f"{part}_rmse": evaluate.rmse(actual.loc[fc.index], fc) for part, fc in r.forecasts.items()}
        rows.append(row)
    return pd.DataFrame(rows)


def seed_mean_forecasts(runs: Sequence[NetRun], part: str = "test") -> dict[str, dict[int, pd.Series]]:
    """``{label: {horizon: forecast}}``, averaged over seeds (and configurations, if several were run)."""
    groups: dict[tuple[str, int], list[pd.Series]] = {}
    for r in runs:
        groups.setdefault((r.spec.label, r.horizon), []).append(r.forecasts[part])
    out: dict[str, dict[int, pd.Series]] = {}
    for (label, h), series in groups.items():
        out.setdefault(label, {})[h] = pd.concat(series, axis=1).mean(axis=1).rename(label)
    return out


def selection_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The configuration each selection rule picks, per model and horizon, and the test RMSE it then reports.

    Parameters
    ----------
    frame
        :func:`runs_frame` of a grid run on a split with a validation part (columns ``val_rmse``, ``test_rmse``).

    Returns
    -------
    pandas.DataFrame
        Index ``(label, horizon)``; for ``by`` ∈ {test (the paper's §4.4 rule), validation}: the chosen
        ``batch_size, neurons`` and its test RMSE (mean over seeds); plus the median test RMSE over the grid.
        The test-selected RMSE is the grid's minimum by construction: its gap to the validation-selected one is
        the optimism of choosing on the test set.
    """
    by_config = frame.groupby(["label", "horizon", "batch_size", "neurons"])[["val_rmse", "test_rmse"]].mean()
    out = {}
    for key, g in by_config.groupby(level=["label", "horizon"]):
        g = g.droplevel(["label", "horizon"])
        on_test, on_val = g["test_rmse"].idxmin(), g["val_rmse"].idxmin()
        out[key] = {"test_pick": f"B={on_test[0]}, N={on_test[1]}", "test_selected_rmse": g.loc[on_test, "test_rmse"],
                    "val_pick": f"B={on_val[0]}, N={on_val[1]}", "val_selected_rmse": g.loc[on_val, "test_rmse"],
                    "grid_median_rmse": g["test_rmse"].median(), "configs": len(g)}
    table = pd.DataFrame(out).T.rename_axis(["label", "horizon"])
    numeric = ["test_selected_rmse", "val_selected_rmse", "grid_median_rmse"]
    table[numeric] = table[numeric].astype(float)
    table["optimism_pct"] = 100 * (table["val_selected_rmse"] / table["test_selected_rmse"] - 1)
    return table


def paper_vs_ours(paper: pd.DataFrame, ours_relative: pd.DataFrame, specs: Sequence[NetSpec],
                  paper_input: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Paper's relative power (Panel B) next to ours, for the networks of one table.

    Parameters
    ----------
    paper
        :func:`volrep.papers.huang_neural_table`.
    ours_relative
        Our relative power by label (rows) and horizon (columns).
    specs
        Our networks of that table.
    paper_input
        Our input name → the paper's, where one stands in for the other (e.g. ``{"15min": "10min"}`` for data without
        10-minute prices). Default: none; on the 1-minute design every input is the paper's own.

    Returns
    -------
    pandas.DataFrame
        Index ``(label, horizon)`` with the paper's row ``paper_model, paper_input`` and both values, for every spec
        with a paper counterpart (same model and input after mapping the input; a full-size image is matched to the
        paper's full-size image of the mapped frequency). Specs without one (e.g. the 15-minute robustness row)
        are left out.
    """
    rows = []
    paper_rel = paper["relative_pct"]
    paper_input = paper_input or {}
    for spec in specs:
        key = (spec.model, paper_input.get(spec.input, spec.input))
        if spec.image == "intraday" and spec.size == intervals_per_day(spec.sequence):
            key = (f"MTF-{intervals_per_day(key[1])}-CNN + LSTM", key[1])  # full-size image of the paper's frequency
        if key not in paper_rel.index:
            continue
        for h in ours_relative.columns:
            rows.append({"label": spec.label, "horizon": h, "paper_row": f"{key[0]} ({key[1]})",
                         "paper_pct": float(paper_rel.loc[key, h]), "ours_pct": float(ours_relative.loc[spec.label, h])})
    return pd.DataFrame(rows).set_index(["label", "horizon"])


def relative_claims(table: pd.DataFrame, *, table_id: str, source: str, variant: str,
                    claimed: dict[tuple[str, int], str] | None = None,
                    provisional: Mapping[str, bool] | None = None) -> list[Claim]:
    """One claim per row of :func:`paper_vs_ours`: the relative power is an effect against HAR (rule
    :func:`volrep.verdicts.effect` with the 2 pp floor of :data:`volrep.chapters.baselines.EFFECT_FLOOR_PP`).

    A network the paper prints in several tables (e.g. LSTM (HAR) in Tables 7 and 9) is one claim: ``claimed``
    maps ``(label, horizon)`` to the id that judged it first, and rows already in it are skipped (and the new ones
    added). ``provisional`` maps a label to whether any of its networks was still learning at the epoch cap.
    """
    claims = []
    claimed = {} if claimed is None else claimed
    for (label, h), row in table.iterrows():
        if (label, h) in claimed:
            continue
        p, o = row["paper_pct"], row["ours_pct"]
        slug = label.replace(" ", "").replace("(", ".").replace(")", "")
        cid = f"huang.T{table_id}.{slug}.h{h}_{source}"
        claimed[(label, h)] = cid
        claims.append(Claim(cid, round(p, 2), round(o, 2), variant, verdicts.effect(p, o, atol=EFFECT_FLOOR_PP),
                            f"{source}: % RMSE gain over HAR ({row['paper_row']} in the paper)",
                            bool((provisional or {}).get(label, False))))
    return claims


def still_learning_by_label(runs: Sequence[NetRun]) -> dict[str, bool]:
    """Per network label: was any of its trainings still improving at the epoch cap?"""
    out: dict[str, bool] = {}
    for r in runs:
        out[r.spec.label] = out.get(r.spec.label, False) or r.still_learning
    return out


def dm_table(forecasts: Mapping[str, Mapping[int, pd.Series]], actual: Mapping[int, pd.Series],
             benchmark: str = "HAR") -> pd.DataFrame:
    """Diebold–Mariano tests (HLN-corrected, squared error) of every model against ``benchmark`` per horizon.

    A negative statistic means the model's squared errors are smaller than the benchmark's.
    """
    rows = []
    for label, by_h in forecasts.items():
        if label == benchmark:
            continue
        for h, fc in by_h.items():
            y = actual[h].loc[fc.index]
            res = diebold_mariano(y - fc, y - forecasts[benchmark][h].loc[fc.index], horizon=h)
            rows.append({"label": label, "horizon": h, "dm": res.statistic, "p_value": res.pvalue})
    return pd.DataFrame(rows).set_index(["label", "horizon"])


def rolling_rmse(actual: pd.Series, forecasts: Mapping[str, pd.Series], window: int) -> pd.DataFrame:
    """Rolling RMSE over ``window`` origins of each forecast (Figs. 3–4), indexed by origin."""
    frame = pd.DataFrame({name: (fc - actual.loc[fc.index]) ** 2 for name, fc in forecasts.items()})
    return frame.rolling(window).mean().pow(0.5)


def training_mean_forecasts(target: pd.Series, split: Split, horizons: Sequence[int]) -> dict[int, pd.Series]:
    """The constant forecast "mean of the training targets": what a network that learned nothing would say."""
    out = {}
    for h in horizons:
        y = horizon_target(target, h)
        test = split.origins("test", h)
        out[h] = pd.Series(y.loc[split.origins("train", h)].mean(), index=test, name="training mean")
    return out
