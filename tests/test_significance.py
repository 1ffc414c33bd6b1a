"""Known truth for chapter 09's tests: DM size and power (Monte Carlo), SPA, MCS, multiple testing, Table 8's
convention, and the leaderboard's bookkeeping on a synthetic store.

Bands are stated next to each check: a Monte Carlo rate over R draws is judged within 3 binomial standard errors
(``sqrt(p(1 − p)/R)``) of its nominal value, so a correct test fails a band with probability below 0.3 %. Every
simulation is seeded; each test takes well under 10 s.
"""

import numpy as np
import pandas as pd
import pytest

from volrep import stats, store
from volrep.chapters import leaderboard as lb
from volrep.chapters import significance as sg
from volrep.chapters import significance_deepvol as sdv
from volrep.errors import ConfigError, DataError


# ----------------------------------------------------------------------------------------------------------------
# Diebold–Mariano
# ----------------------------------------------------------------------------------------------------------------
def test_qlike_dm_checked_by_hand():
    y = np.array([1.0, 2.0, 0.5, 1.5, 1.2, 0.8, 2.2, 1.1, 0.9, 1.4, 1.7, 0.6])
    f1 = np.array([1.1, 1.8, 0.6, 1.4, 1.0, 0.9, 2.0, 1.2, 1.0, 1.3, 1.5, 0.7])
    f2 = np.full_like(y, 1.2)
    l1 = y / f1 - np.log(y / f1) - 1
    l2 = y / f2 - np.log(y / f2) - 1
    np.testing.assert_allclose(stats.losses(y, f1, "qlike"), l1)
    d = l1 - l2
    n = d.size
    dm = d.mean() / np.sqrt(np.mean((d - d.mean()) ** 2) / n) * np.sqrt((n - 1) / n)
    res = stats.diebold_mariano_losses(l1, l2)
    assert res.statistic == pytest.approx(dm)
    with pytest.raises(DataError):
        stats.losses(y, -f1, "qlike")
    with pytest.raises(ConfigError):
        stats.diebold_mariano(y - f1, y - f2, loss="qlike")  # QLIKE needs levels, not errors


def test_errors_and_losses_paths_agree():
    rng = np.random.default_rng(3)
    e1, e2 = rng.standard_normal(100), rng.standard_normal(100)
    a = stats.diebold_mariano(e1, e2, horizon=3, loss="ae", alternative="greater")
    b = stats.diebold_mariano_losses(np.abs(e1), np.abs(e2), horizon=3, alternative="greater")
    assert a == b


@pytest.mark.parametrize("horizon", [1, 5])
def test_dm_size_near_nominal(horizon):
    # equal-accuracy MA(h-1) errors, 400 draws: size 5 % ± 3 × 1.09 pp → [1.7 %, 8.3 %]
    r = sg.simulate_dm_rejections(n=250, reps=400, horizon=horizon, scale=1.0, seed=10 + horizon)
    lo, hi = sg.mc_band(0.05, 400)
    assert lo <= r["two_sided"] <= hi
    assert lo <= r["one_sided_less"] <= hi


def test_dm_power_against_a_known_better_forecast():
    # error sd 0.7 vs 1 (loss ratio 0.49): the one-sided test must reject in at least 90 % of 200 draws (≈ 100 %)
    r = sg.simulate_dm_rejections(n=250, reps=200, horizon=1, scale=0.7, seed=2)
    assert r["one_sided_less"] >= 0.9
    # and it points the right way: model 2 is never found significantly better
    worse = sg.simulate_dm_rejections(n=250, reps=200, horizon=1, scale=1 / 0.7, seed=2)
    assert worse["one_sided_less"] <= 0.01


def test_dm_matrix_follows_huangs_convention():
    rng = np.random.default_rng(5)
    y = pd.Series(rng.standard_normal(200) + 5, index=pd.date_range("2020-01-01", periods=200))
    fc = pd.DataFrame({"good": y + 0.3 * rng.standard_normal(200), "bad": y + 1.0 * rng.standard_normal(200),
                       "mid": y + 0.6 * rng.standard_normal(200)}, index=y.index)
    m = stats.dm_matrix(fc, y)
    assert m.loc["good", "bad"] < 0.01  # H0 "good underperforms bad" is rejected
    assert m.loc["bad", "good"] > 0.99
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose((m + m.T).to_numpy()[off], 1.0)


def test_paper_table8_is_one_test_read_from_both_ends():
    for h in (1, 7):
        t = sg.huang_table8(h).to_numpy()
        off = ~np.eye(5, dtype=bool)
        np.testing.assert_allclose((t + t.T)[off], 1.0, atol=1e-4)


# ----------------------------------------------------------------------------------------------------------------
# SPA and MCS
# ----------------------------------------------------------------------------------------------------------------
def _losses(rng, n, means, rho=0.3):
    """Squared-error-like losses with AR(1) noise: columns with the given expected losses."""
    z = rng.standard_normal((n, len(means)))
    for t in range(1, n):
        z[t] = rho * z[t - 1] + np.sqrt(1 - rho**2) * z[t]
    return np.asarray(means) + 0.5 * z


def test_spa_rejects_only_when_a_model_beats_the_benchmark():
    rng = np.random.default_rng(0)
    sims = 40
    null_rejections, alt_rejections = 0, 0
    for _ in range(sims):
        bench = 1.0 + 0.5 * rng.standard_normal(300)
        null_models = _losses(rng, 300, [1.0, 1.1, 1.2])  # one as good as the benchmark, two worse
        alt_models = _losses(rng, 300, [0.8, 1.1, 1.2])  # one really better
        null_rejections += stats.spa_test(bench, null_models, reps=200, seed=1).pvalue < 0.05
        alt_rejections += stats.spa_test(bench, alt_models, reps=200, seed=1).pvalue < 0.05
    # size ≤ 5 % (worse models make SPA conservative): 40 draws, ≤ 5 % + 3 × 3.4 pp ≈ 15 %
    assert null_rejections / sims <= 0.15
    # power: a model 0.2 better (≈ 6 standard errors) is found in at least 90 % of draws
    assert alt_rejections / sims >= 0.9


def test_spa_reports_its_bootstrap():
    rng = np.random.default_rng(1)
    res = stats.spa_test(rng.standard_normal(125), rng.standard_normal((125, 2)), horizon=7, reps=50, seed=3)
    assert res.block_size == max(7, round(125 ** (1 / 3)))
    assert (res.reps, res.seed, res.models, res.n) == (50, 3, 2, 125)
    assert res.lower <= res.pvalue <= res.upper + 1e-12
    again = stats.spa_test(rng.standard_normal(125), rng.standard_normal((125, 2)), reps=50, seed=3)
    assert again.bootstrap == "stationary"


def test_mcs_keeps_the_true_best_model_and_drops_a_clearly_worse_one():
    rng = np.random.default_rng(2)
    sims = 40
    kept_best, dropped_worst = 0, 0
    for _ in range(sims):
        table = pd.DataFrame(_losses(rng, 250, [1.0, 1.02, 1.05, 1.6]), columns=["best", "close", "near", "worst"])
        res = stats.model_confidence_set(table, size=0.10, reps=200, seed=4)
        kept_best += "best" in res.included
        dropped_worst += "worst" not in res.included
        assert res.contains(0.10).equals(res.pvalues >= 0.10)
    # the set holds the best model with probability ≥ 90 %: over 40 draws, ≥ 90 % − 3 × 4.7 pp ≈ 76 %
    assert kept_best / sims >= 0.76
    # a model 0.6 worse (≈ 20 standard errors) is removed in every draw but a rare one
    assert dropped_worst / sims >= 0.95


def test_mcs_gives_identical_models_the_same_pvalue():
    rng = np.random.default_rng(9)
    table = pd.DataFrame(_losses(rng, 200, [1.0, 1.3, 1.3]), columns=["a", "b", "c"])
    table["twin of b"] = table["b"]
    res = stats.model_confidence_set(table, reps=100, seed=0)
    assert res.pvalues["twin of b"] == res.pvalues["b"]
    assert list(res.pvalues.index) == ["a", "b", "c", "twin of b"]


def test_mcs_and_spa_refuse_bad_input():
    with pytest.raises(ConfigError):
        stats.model_confidence_set(pd.DataFrame({"a": np.ones(10)}))
    with pytest.raises(DataError):
        stats.model_confidence_set(pd.DataFrame({"a": [np.nan] * 10, "b": np.ones(10)}))
    with pytest.raises(DataError, match="benchmark and model aligned one to one.*10 benchmark value"):
        stats.spa_test(np.ones(10), np.ones((9, 2)))


def test_arch_spa_is_not_studentized_as_stats_spa_test_says():
    """``stats.spa_test``'s notes say that arch's SPA ignores ``studentize``: if a release changes that, so must they."""
    from arch.bootstrap import SPA

    rng = np.random.default_rng(0)
    bench = rng.normal(1, 1, 300) ** 2
    models = np.column_stack([rng.normal(1, s, 300) ** 2 for s in (0.5, 2.0, 1.0)])
    pvalues = []
    for studentize in (True, False):
        spa = SPA(bench, models, reps=300, studentize=studentize, seed=np.random.default_rng(1))
        spa.compute()
        pvalues.append(spa.pvalues.to_numpy())
    np.testing.assert_array_equal(*pvalues)


def test_adjust_pvalues_by_hand():
    p = pd.Series([0.01, 0.04, 0.03], index=["a", "b", "c"])
    holm = stats.adjust_pvalues(p, "holm")
    # Holm: sorted 0.01, 0.03, 0.04 → 3·0.01, max(.03, 2·0.03), max(.06, 1·0.04)
    np.testing.assert_allclose(holm.to_numpy(), [0.03, 0.06, 0.06])
    bh = stats.adjust_pvalues(p.to_numpy(), "bh")
    # BH: p_(k)·m/k, then cumulative minimum from the top: 0.03, 0.04, 0.04
    np.testing.assert_allclose(bh, [0.03, 0.04, 0.04])
    with pytest.raises(ConfigError):
        stats.adjust_pvalues(p, "bonferroni")


# ----------------------------------------------------------------------------------------------------------------
# Claims
# ----------------------------------------------------------------------------------------------------------------
def test_table8_claims_judge_each_pair_once_by_decision():
    paper = sg.huang_table8(1)
    same = sg.table8_claims(paper.copy(), 1, source="x", variant="proper")
    assert len(same) == 10 and all(c.verdict == "reproduced" for c in same)
    flipped = sg.table8_claims(paper.T.copy(), 1, source="x", variant="proper")  # every winner swapped
    verdict = {c.id.split(".")[3]: c.verdict for c in flipped}
    assert verdict["har_vs_garch_1_1_x"] == "not reproduced"  # significant both sides, opposite directions
    assert verdict["har_vs_lstm_x"] == "reproduced"  # not significant either way
    missing = sg.table8_claims(None, 7, source="x", variant="proper")
    assert all(c.verdict == "not comparable" for c in missing)


def test_deepvol_recast_finds_the_better_series_only():
    rng = np.random.default_rng(6)
    dates = pd.date_range("2020-01-01", periods=300)
    rows = []
    for k in range(6):
        sigma2 = np.exp(rng.standard_normal(300) * 0.3)
        r2 = sigma2 * rng.standard_normal(300) ** 2
        # DeepVol is the truth on three series (GARCH three times too large); on three more both are equally wrong
        noise = np.exp(0.2 * rng.standard_normal((2, 300)))
        good = sigma2 if k < 3 else sigma2 * noise[0]
        bad = sigma2 * 3.0 if k < 3 else sigma2 * noise[1]
        for model, fc in (("DeepVol", good), ("GARCH(1,1)", bad)):
            rows.append(pd.DataFrame({"chapter": "08_deepvol", "model": model, "asset": f"s{k}", "variant": "faithful",
                                      "target": "squared_return", "horizon": 1, "split": "liu_80_20", "seed": 0,
                                      "date": dates, "forecast": fc, "actual": r2}))
    frame = store.validate_rows(pd.concat(rows, ignore_index=True), "test")
    table = sdv.deepvol_dm_by_series(frame, variant="faithful", split="liu_80_20", target="squared_return")
    summary = sdv.deepvol_summary(table)
    assert summary["series"] == 6
    truth = table.loc[["s0", "s1", "s2"]]
    assert ((truth["p_bh"] < 0.05) & (truth["dm"] < 0)).all()  # found on every series where DeepVol is the truth
    assert summary["better_bh"] >= 0.5 and summary["worse_bh"] == 0.0
    assert summary["better_bh"] <= 4 / 6  # at most one false discovery among the three equal-accuracy series
    claims = sdv.deepvol_claims({"T3.nll.new_stocks_rate": summary})
    assert {c.id for c in claims} == {f"deepvol.{k}.dm_bh" for k in sdv.DEEPVOL_GROUPS}


# ----------------------------------------------------------------------------------------------------------------
# The leaderboard's bookkeeping on a synthetic store
# ----------------------------------------------------------------------------------------------------------------
def _rows(chapter, model, actual, forecast, h=1, asset="binance"):
    return store.forecast_rows(pd.Series(forecast, index=actual.index), actual, chapter=chapter, model=model,
                               asset=asset, variant="proper", target="point", horizon=h, split="huang_90_10")


def test_leaderboard_inputs_load_compute_and_refuse_another_target(tmp_path):
    rng = np.random.default_rng(8)
    idx = pd.date_range("2022-01-01", periods=120)
    actual = pd.Series(np.exp(rng.standard_normal(120)), index=idx)
    other = actual * 1.5
    rows = pd.concat([_rows("07_cnn_lstm_mtf", "LSTM (HAR)", actual, actual * np.exp(0.3 * rng.standard_normal(120))),
                      _rows("07_cnn_lstm_mtf", "MTF-7-CNN + LSTM (x)", other, other * 1.1)])
    store.save_forecasts("07_cnn_lstm_mtf", rows.loc[rows["model"] == "LSTM (HAR)"], directory=tmp_path)
    inventory, frames = lb.store_inventory(tmp_path)
    assert inventory.loc["07_cnn_lstm_mtf", "present"] and not inventory.loc["04_baselines", "present"]
    frames["07_cnn_lstm_mtf"] = rows  # one network scored against another series
    computed = {lb.BENCHMARK: {1: actual * np.exp(0.05 * rng.standard_normal(120))},
                "GARCH(1, 1)": {1: actual * np.exp(0.5 * rng.standard_normal(120))}}
    panel, src = lb.leaderboard_inputs(frames, [1], computed=computed, computed_actual={1: actual})
    status = dict(zip(src["model"], src["status"]))
    assert status["LSTM (HAR)"] == "loaded"
    assert status["MTF-7-CNN + LSTM (x)"] == "other target"
    assert status[lb.BENCHMARK] == "computed"
    assert "DeepVol (Liu et al.)" in lb.families_missing(src)
    fc, y = panel[1]
    assert set(fc.columns) == {"LSTM (HAR)", lb.BENCHMARK, "GARCH(1, 1)"}
    board = lb.leaderboard(fc, y, 1, boot=lb.BootstrapSettings(reps=100))
    assert board.index[0] == lb.BENCHMARK  # log-errors of sd 0.05 beat 0.3 and 0.5
    assert np.isnan(board.loc[lb.BENCHMARK, "spa_p_mse"])
    with pytest.raises(ConfigError):
        lb.leaderboard_inputs({}, [1])  # no target at all


def test_match_target_recognises_the_series():
    idx = pd.date_range("2022-01-01", periods=50, tz="UTC")
    a = pd.Series(np.arange(1.0, 51.0), index=idx)
    b = a * 2
    stored = b.shift(-1).iloc[10:40].set_axis(idx[10:40].tz_localize(None))
    assert sg.match_target(stored, {"a": a, "b": b}, 1) == "b"
    assert sg.match_target(stored * 3, {"a": a, "b": b}, 1) is None
