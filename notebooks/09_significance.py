# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Significance: Diebold–Mariano, SPA and the model confidence set, and one leaderboard
#
# The three papers judge their models with tests: {cite:t}`dhansoia2025` with Diebold–Mariano tests
# {cite:p}`diebold1995` against HAR (Table 6) and p-values for the transfer LSTM's gain (Table 4),
# {cite:t}`huang2024` with pairwise one-sided DM tests (Table 8), the test for superior predictive ability (SPA) of
# {cite:t}`hansen2005` and the model confidence set (MCS) of {cite:t}`hansen2011` (§5, Appendices D.4–D.5, E.3),
# and {cite:t}`liu2023deepvol` (DeepVol) with "Rate" columns — the share of stocks on which DeepVol's loss is below
# GARCH's — that test nothing. This chapter runs those tests on the forecasts that chapters 04–08 saved in the
# forecast store (`volrep.store`). Then it puts every model family of those chapters on one series — daily bitcoin realized variance
# on Binance — training here, with each chapter's own code and settings, the networks whose forecasts of that series
# the store lacks, and ranks them by MSE and QLIKE with MCS membership and SPA p-values against HAR: the comparison
# the three papers never make with each other.

# %% tags=["parameters"]
profile = "quick"  # quick or full
data_source = "mirror"  # mirror: the chapters ran on real data; sim: they ran with data_source sim
seed = 0  # seed of every bootstrap and Monte Carlo draw
horizons = None  # leaderboard horizons in days (None: the profile's value)
reps = None  # bootstrap replications of every SPA test and MCS (None: the profile's value)
mc_reps = None  # Monte Carlo replications of the DM size and power check (None: the profile's value)

# %% tags=["hide-input"]
import time

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from volrep import config, papers, report, sim, stats, store, verdicts
from volrep.chapters import leaderboard as lb
from volrep.chapters import leaderboard_networks as ln
from volrep.chapters import significance as ch
from volrep.chapters import significance_deepvol as dv
from volrep.chapters import significance_dhansoia as dh
from volrep.models import dhansoia_code

settings = config.chapter_settings("09_significance", profile, horizons=horizons, reps=reps, mc_reps=mc_reps)
config.seed_everything(seed)
report.use_style()
pd.set_option("display.float_format", "{:.4g}".format)
HORIZONS = [int(h) for h in settings["horizons"]]
BOOT = lb.BootstrapSettings(reps=int(settings["reps"]), seed=seed)
ASSET = "sim" if data_source == "sim" else "binance"
VARIANT = "sim" if data_source == "sim" else "proper"
LABEL = "5min" if data_source == "sim" else "1min PA"  # chapter 04's benchmark HAR: HAR on its target's RV
BENCH = f"HAR ({LABEL})"
sources = []
settings

# %% [markdown]
# ## The Diebold–Mariano test
#
# Every test of the chapter compares forecasts through their losses on the same $n$ dates. For two forecasts of the
# target $y_t$ with per-date losses $L_{1,t}$ and $L_{2,t}$ — squared error, absolute error, QLIKE or a negative
# log-likelihood — the *loss differential* and its mean are
#
# $$
# d_t = L_{1,t} - L_{2,t}, \qquad \bar d = \frac{1}{n} \sum_{t=1}^{n} d_t ,
# $$ (ch09-loss-diff)
#
# and two forecasts are equally accurate when $\mathrm{E}[d_t] = 0$. {cite:t}`diebold1995` divide $\bar d$ by its
# standard error, estimated with a heteroskedasticity- and autocorrelation-consistent (HAC) long-run variance:
# $h$-step forecasts made on consecutive days share $h - 1$ days of future shocks, the errors of optimal ones are at
# most MA($h-1$), and so is $d_t$; its autocovariances
#
# $$
# \hat\gamma_k = \frac{1}{n} \sum_{t=k+1}^{n} (d_t - \bar d)(d_{t-k} - \bar d), \qquad
# \hat\Omega = \hat\gamma_0 + 2 \sum_{k=1}^{h-1} \hat\gamma_k, \qquad
# DM = \frac{\bar d}{\sqrt{\hat\Omega / n}},
# $$ (ch09-dm)
#
# enter up to lag $h-1$ with equal weights (a truncated rectangular kernel; when $\hat\Omega \le 0$, possible for
# $h > 1$, $\hat\gamma_0$ is used instead, as Diebold and Mariano suggest). $DM$ is asymptotically standard normal,
# but read against the normal it over-rejects in small samples, the more so the longer the horizon.
# {cite:t}`harvey1997` rescale it and read it against Student's $t$ with $n - 1$ degrees of freedom:
#
# $$
# DM^{*} = DM\,\sqrt{\frac{n + 1 - 2h + h(h-1)/n}{n}} \;\sim\; t_{n-1}, \qquad
# p_{\text{two-sided}} = 2\,\bigl(1 - F_{t_{n-1}}(|DM^{*}|)\bigr), \qquad
# p_{\text{less}} = F_{t_{n-1}}(DM^{*}),
# $$ (ch09-hln)
#
# with $F_{t_{n-1}}$ the distribution function of $t_{n-1}$ and "less" the one-sided alternative
# $\mathrm{E}[d_t] < 0$ (forecast 1 more accurate). `volrep.stats.diebold_mariano_losses` computes $DM^{*}$ and its
# p-value on any two loss series, `volrep.stats.diebold_mariano` on squared or absolute errors; every DM statistic of
# the book is this HLN-corrected one.
#
# ### Known truth first
#
# Two forecasts whose errors are independent MA($h-1$) processes, as $h$-step errors are: with $z_{k,t}$
# independent standard normal draws and $c$ the ratio of their standard deviations,
#
# $$
# e_{2,t} = \frac{1}{\sqrt h} \sum_{j=0}^{h-1} z_{2,t+j}, \qquad
# e_{1,t} = \frac{c}{\sqrt h} \sum_{j=0}^{h-1} z_{1,t+j},
# $$ (ch09-mc)
#
# on squared errors. With $c = 1$ the two are equally accurate and the two-sided test at 5 % should reject about 5 %
# of the time (its size); with $c = 0.8$ forecast 1 is better and the one-sided rejection rate is the test's power.
# Over $R$ Monte Carlo draws a rejection rate $\hat r$ has standard error $\sqrt{\hat r (1 - \hat r)/R}$; the band
# printed is 5 % ± 3 such standard errors. `tests/test_significance.py` runs the same checks, and known-truth checks
# of SPA and MCS, as unit tests.

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
mc_rows = []
for h in HORIZONS:
    for label, scale in (("equal accuracy (size)", 1.0), ("model 1 better (power)", 0.8)):
        r = ch.simulate_dm_rejections(n=250, reps=int(settings["mc_reps"]), horizon=h, scale=scale, seed=seed + h)
        mc_rows.append({"h": h, "case": label, "two-sided 5 %": r["two_sided"], "one-sided 5 %": r["one_sided_less"]})
mc = pd.DataFrame(mc_rows)
lo, hi = ch.mc_band(0.05, int(settings["mc_reps"]))
print(mc.to_string(index=False))
print(f"band for a 5 % size over {int(settings['mc_reps'])} draws: {max(lo, 0):.3f} to {hi:.3f}")

# %% [markdown]
# ## What the store holds
#
# Chapter 09 reads what chapters 04–08 saved in this results folder (`VOLREP_RESULTS_DIR`, default `book/results`;
# `make test` runs the notebooks in order, so all five are there). A chapter that has not run is not an error: the
# leaderboard's cheap econometric models are then computed here, and its networks trained here.

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
inventory, frames = lb.store_inventory()
print(inventory.to_string())

# %% [markdown]
# ## One leaderboard: daily bitcoin RV on Binance
#
# The target is chapter 04's: daily RV of Binance BTCUSDT from pre-averaged 1-minute returns, the RV of day
# t + h, forecast at the test origins of a 90/10 chronological split; every model is scored on the dates that all
# of them cover. A stored model enters only if it was scored against exactly this series.
#
# The store holds chapters 05–08's networks on their own chapters' targets only (Dhansoia's log volatility on a
# 50/25/25 split, Huang's RV from 10-minute returns, DeepVol's stock returns), so a family without a forecast of this
# series is trained here (`volrep.chapters.leaderboard_networks`) with its chapter's code and its chapter's settings
# of this profile, one seed, on the training part of the 90/10 split only, and saved in the store under this chapter:
#
# * Dhansoia's LSTM from scratch and transfer LSTM (chapter 05: pre-trained on the S&P 500's log volatility,
#   fine-tuned on bitcoin's with the authors' code's strategy) and HAR–LSTM hybrid (chapter 06) forecast the log
#   annualised volatility, stopping early on the last third of the training days, and their forecast $\hat L_{t+h}$
#   becomes a forecast of RV through the lognormal mean (as chapter 04's log-HAR {eq}`ch04-log-har`), with $s^2$
#   their mean squared error on those validation days:
#
#   $$
#   L_{t+h} = \tfrac12 \log\bigl(365\,RV_{t+h}\bigr), \qquad
#   \widehat{RV}_{t+h} = \frac{1}{365} \exp\bigl(2\hat L_{t+h} + 2 s^2\bigr);
#   $$ (ch09-lognormal)
#
# * Huang's LSTM on HAR's inputs (Table 8's) and CNN-LSTM on the Markov transition field of the previous day's
#   10-minute RVs, blurred to the profile's image size (chapter 07's input design), forecast $RV_{t+h}$ itself;
# * DeepVol's universal model, trained as chapter 08 trains it (US stocks and random portfolios of them, up to
#   August 2019), reads bitcoin's daily percent returns: its variance $\hat\sigma^2_{t+1}/10^4$ forecasts
#   $RV_{t+1}$ (bitcoin trades around the clock, so the close-to-close return's variance is the day's integrated
#   variance) and, being a one-step model, also $RV_{t+h}$ — a flat term structure, as persistence has.

# %% tags=["hide-input"]
computed, computed_actual = {}, None
if data_source == "sim":  # chapter 04's simulated market: the true integrated variance is the target
    path = sim.simulate_daily_rfsv(config.chapter_settings("04_baselines", profile)["sim_days"], 0.1, mean_vol_annual=0.7,
                                   seed=seed, periods_per_year=365, freq="D")
    target_series, daily_returns, minute_series = path["iv"], path["ret"], None
else:
    minute_series, daily_returns, minute_source = lb.binance_series()
    sources.append(minute_source)
    target_series = minute_series[LABEL]
if "04_baselines" not in frames:
    computed, computed_actual = lb.compute_baselines(target_series, daily_returns, HORIZONS, label=LABEL)
panel, origin = lb.leaderboard_inputs(frames, HORIZONS, asset=ASSET, computed=computed, computed_actual=computed_actual)
to_train = [f for f in lb.families_missing(origin) if f in ln.NETWORK_FAMILIES]
network_seconds = 0.0
if to_train:
    t0 = time.perf_counter()
    net_data = ln.load_data(data_source, target_series, daily_returns, profile=profile, seed=seed)
    trained = ln.train_families(net_data, HORIZONS, profile=profile, seed=seed, families=to_train)
    frames[lb.CHAPTER] = ln.store_rows(trained, net_data.target, asset=ASSET, variant=VARIANT, seed=seed)
    store.save_forecasts(lb.CHAPTER, frames[lb.CHAPTER])
    network_seconds = time.perf_counter() - t0
    panel, origin = lb.leaderboard_inputs(frames, HORIZONS, asset=ASSET, computed=computed,
                                          computed_actual=computed_actual)
families = dict(zip(origin["model"], origin["family"]))
origin

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
print(origin.groupby(["family", "status"], sort=False).size().to_string())
for h, (fc, actual) in panel.items():
    print(f"h = {h}: {fc.shape[1]} models on {len(actual)} common test dates, {actual.index[0]:%Y-%m-%d} to {actual.index[-1]:%Y-%m-%d}")

# %% tags=["hide-input"]
loaded = origin[origin["status"] == "loaded"]
computed_rows = origin[origin["status"] == "computed"]
other = origin[origin["status"] == "other target"]
missing = lb.families_missing(origin)
text = [f"* **Loaded from the store:** {len(loaded)} models from "
        + (", ".join(sorted(loaded["chapter"].unique())) if len(loaded) else "no chapter") + "."]
text.append("* **Computed here:** " + (", ".join(computed_rows["model"]) + " (chapter 04's code; its store file is absent)."
                                        if len(computed_rows) else "nothing — chapter 04's models were in the store."))
if len(other):
    text.append(f"* **Stored against another target, left off:** {', '.join(other['model'])} (chapter "
                f"{', '.join(sorted(other['chapter'].unique()))}): they forecast another RV series than the leaderboard's.")
trained_rows = origin[origin["status"] == "trained here"]
text.append("* **Trained here on this target:** " + (f"{', '.join(trained_rows['model'])} ({len(to_train)} families, "
                                                       f"{network_seconds:.0f} s with their data)."
                                                       if len(trained_rows) else "nothing."))
text.append("* **Not on the board:** " + ("; ".join(missing) if missing else "none") + ".")
display(Markdown("\n".join(text)))

# %% [markdown]
# ### Losses
#
# Each model $k$ is scored on the common test dates by two losses of its forecast $\hat y_{k,t}$ of $y_t$ (the RV of
# day $t + h$): the squared error, in bp² (the RV in basis points, × 10⁴, squared), whose mean is the MSE, the square
# of the RMSE in {eq}`ch04-rmse-mae`, and QLIKE {eq}`ch04-qlike`, scale-free and 0 for a perfect forecast:
#
# $$
# L^{\mathrm{SE}}_{k,t} = \bigl(10^4\,(y_t - \hat y_{k,t})\bigr)^2, \qquad
# L^{\mathrm{QLIKE}}_{k,t} = \frac{y_t}{\hat y_{k,t}} - \ln \frac{y_t}{\hat y_{k,t}} - 1,
# \qquad \mathrm{MSE}_k = \frac1n \sum_{t=1}^{n} L^{\mathrm{SE}}_{k,t}, \quad
# \mathrm{QLIKE}_k = \frac1n \sum_{t=1}^{n} L^{\mathrm{QLIKE}}_{k,t} .
# $$ (ch09-losses)
#
# Both are robust in the sense of {cite:t}`patton2011`: evaluated against a noisy but unbiased proxy of the variance
# such as RV, they rank forecasts as the true variance would. MSE weighs the errors in the RV's level and is
# dominated by the largest days; QLIKE weighs relative errors. QLIKE needs positive forecasts: a model with one
# forecast ≤ 0 has no QLIKE.
#
# ### Superior predictive ability
#
# Does any model beat HAR, the benchmark (model 0)? With the loss differentials against it, positive when model $k$
# is better,
#
# $$
# d_{k,t} = L_{0,t} - L_{k,t}, \qquad \mu_k = \mathrm{E}[d_{k,t}], \qquad
# H_0 : \max_{k = 1, \dots, m} \mu_k \le 0 ,
# $$ (ch09-spa-null)
#
# the null says that none of the $m$ models is better than the benchmark. {cite:t}`hansen2005` builds on the reality
# check of {cite:t}`white2000`: the statistic is the largest mean gain, its null distribution comes from a
# bootstrap of the $n \times m$ matrix of differentials, and the bootstrap's means are recentred so that models
# that are clearly worse than the benchmark — which cannot be the best under the null — do not inflate the
# p-value. We call `arch.bootstrap.SPA` (through `volrep.stats.spa_test`), which computes, with $\bar d_k$ the mean
# of {eq}`ch09-spa-null`'s $d_{k,t}$ and $\bar d^{*}_{k,b}$ its mean in bootstrap sample $b = 1, \dots, B$,
#
# $$
# T = \max_k \bar d_k, \qquad
# T^{*}_b = \max_k \bigl(\bar d^{*}_{k,b} - \hat\mu^{c}_k\bigr), \qquad
# \hat\mu^{c}_k = \bar d_k\, I\Bigl(\bar d_k \ge -\sqrt{\tfrac{\hat\omega_k^2}{n}\, 2 \ln\ln n}\Bigr),
# \qquad p = \frac{1}{B} \sum_{b=1}^{B} I\bigl(T^{*}_b > T\bigr),
# $$ (ch09-spa)
#
# the *consistent* p-value, with $I(\cdot)$ the indicator: a model's bootstrap means are recentred on $\bar d_k$ only
# when $\bar d_k$ is above $-\sqrt{2 \ln\ln n}$ standard errors; a clearly worse model keeps its negative mean in the
# draws and rarely sets their maximum. Recentring every model ($\hat\mu_k = \bar d_k$) gives the conservative upper
# p-value of White's reality check, recentring only the models that beat the benchmark
# ($\hat\mu_k = \max(\bar d_k, 0)$) the lower one; both are reported beside it in the joint test below. The variance $\hat\omega_k^2$ of
# $\sqrt n\,\bar d_k$ is Hansen's kernel estimator matched to the bootstrap, with $q = 1/\tau$ for the mean block
# length $\tau$ of {eq}`ch09-block`,
#
# $$
# \hat\omega_k^2 = \hat\gamma_{k,0} + 2 \sum_{i=1}^{n-1} \kappa_i\, \hat\gamma_{k,i}, \qquad
# \kappa_i = \Bigl(1 - \frac{i}{n}\Bigr)(1 - q)^{i} + \frac{i}{n}\,(1 - q)^{n-i},
# $$ (ch09-spa-omega)
#
# with $\hat\gamma_{k,i}$ the autocovariances of $d_{k,t}$ as in {eq}`ch09-dm`. Hansen's own statistic is
# *studentized* and floored at zero, $\max\bigl(\max_k \sqrt n\,\bar d_k / \hat\omega_k,\, 0\bigr)$, with the
# bootstrap draws divided by the same $\hat\omega_k$. The version of `arch` we call takes the unstudentized maximum
# {eq}`ch09-spa` (its `studentize` option leaves the p-value unchanged) and uses $\hat\omega_k$ only in the recentring
# threshold. For one model against the benchmark, as in the leaderboard's SPA column, studentizing would change
# nothing — dividing the statistic and every bootstrap draw by one positive number leaves the p-value as it is — and
# the missing floor matters only when the model is worse than the benchmark, where both p-values are large. In the
# joint test of many models the unstudentized maximum weighs the models by their raw mean gains, so the noisiest
# models weigh most.
#
# The bootstrap is the *stationary bootstrap* of {cite:t}`politis1994`: it resamples the dates in blocks that start
# at random dates and have geometrically distributed lengths, which keeps the serial dependence of the differentials
# within blocks and gives a stationary resampled series. The mean block length grows with the cube root of the
# sample and is never shorter than the horizon, over which the $h$-step differentials are correlated
# (`volrep.stats.block_length`):
#
# $$
# \tau = \max\bigl(h,\ \mathrm{round}(n^{1/3})\bigr) .
# $$ (ch09-block)
#
# Every bootstrap of the chapter is seeded.
#
# ### The model confidence set
#
# The MCS of {cite:t}`hansen2011` starts from all models, $\mathcal M_0$, and removes one model at a time while the
# hypothesis that all the models left are equally accurate is rejected. For models $i, j$ of the current set
# $\mathcal M$, with $d_{ij,t} = L_{i,t} - L_{j,t}$, we use the *range statistic* $T_R$ (`arch.bootstrap.MCS` with
# `method="R"`, the default of `volrep.stats.model_confidence_set`, which the chapter keeps):
#
# $$
# t_{ij} = \frac{\bar d_{ij}}{\sqrt{\widehat{\mathrm{var}}(\bar d_{ij})}}, \qquad
# T_{R,\mathcal M} = \max_{i, j \in \mathcal M} |t_{ij}|, \qquad
# e_{\mathcal M} = \arg\max_{i \in \mathcal M}\, \max_{j \in \mathcal M} t_{ij},
# $$ (ch09-mcs)
#
# with $\widehat{\mathrm{var}}(\bar d_{ij}) = \frac1B \sum_b (\bar d^{*}_{ij,b} - \bar d_{ij})^2$ from the same
# stationary bootstrap. The null distribution of $T_{R,\mathcal M}$ is that of
# $\max_{i, j \in \mathcal M} (\bar d^{*}_{ij,b} - \bar d_{ij}) / \sqrt{\widehat{\mathrm{var}}(\bar d_{ij})}$
# over the draws $b$; when the test rejects, $e_{\mathcal M}$ — the model with the largest standardized excess
# loss over another model of the set — is removed. The alternative $T_{\max}$ statistic (`method="max"`) compares
# each model with the average of the set instead of pairwise. If the $m$-th removal happens after tests with
# p-values $P_1, \dots, P_m$,
#
# $$
# \hat p_{e_m} = \max_{l \le m} P_l, \qquad
# \widehat{\mathcal M}_{1-\alpha} = \{ i : \hat p_i \ge \alpha \},
# $$ (ch09-mcs-p)
#
# the last model left having $\hat p = 1$: the set at level α contains the best model with probability at least
# $1 - \alpha$ as $n$ grows. We report α = 10 % and 25 %. Identical loss series (two specifications with the same
# forecasts) tie in every comparison; one of them is tested and its twins get its p-value.
#
# ### The leaderboard
#
# Per horizon: MSE and QLIKE {eq}`ch09-losses` with their ranks; MCS p-values {eq}`ch09-mcs-p` and membership at
# 10 % and 25 %; the SPA p-value {eq}`ch09-spa` of HAR against that model alone (small: the model beats HAR) and the
# one-sided DM p-value {eq}`ch09-hln` of the same question. The MCS is not a ranking: it keeps every model the data
# cannot rule out, and under MSE — dominated by a few turbulent days — a model whose loss differences are very noisy
# can stay in the set with a poor average.

# %% tags=["hide-input"]
boards = {h: lb.leaderboard(fc, actual, h, benchmark=BENCH, boot=BOOT, families=families) for h, (fc, actual) in panel.items()}
show = ["family", "mse_bp2", "rank_mse", "qlike", "rank_qlike", "mcs_p_mse", "in_mcs10_mse", "in_mcs25_mse",
        "in_mcs10_qlike", "spa_p_mse", "dm_p_mse", "spa_p_qlike"]
for h, board in boards.items():
    display(Markdown(f"**{h} day{'s' if h > 1 else ''} ahead**"))
    display(board[show])

# %% tags=["hide-input"]
fig, axes = plt.subplots(len(boards), 2, figsize=(12, 0.28 * max(len(b) for b in boards.values()) * len(boards) + 1.5),
                         squeeze=False)
for row, (h, board) in zip(axes, boards.items()):
    for ax, (col, member, name) in zip(row, (("mse_bp2", "in_mcs10_mse", "MSE"), ("qlike", "in_mcs10_qlike", "QLIKE"))):
        b = board.dropna(subset=[col]).sort_values(col, ascending=False)
        rel = 100 * (b[col] / board.loc[BENCH, col] - 1)
        colors = ["tab:green" if bool(m or False) else "tab:gray" for m in b[member]]
        ax.barh(b.index, rel, color=colors)
        ax.axvline(0, color="k", lw=0.8)
        ax.set(title=f"{h}-day {name} relative to {BENCH} (%; green: in the 10 % MCS)", xlabel="%")
        ax.tick_params(axis="y", labelsize=7)
fig.tight_layout()

# %% [markdown]
# The joint SPA test {eq}`ch09-spa` asks whether *any* model beats HAR: its statistic is the largest mean gain over
# HAR and its null distribution the bootstrap distribution of that maximum, which grows with the number of noisy
# alternatives. It can therefore fail to reject where a single-model test does; the single-model p-values above are
# not corrected for having tested every model. Beside the consistent p-value, the table gives the lower and upper
# ones (the two other recentrings) and the bootstrap's block length {eq}`ch09-block` and replications.

# %% tags=["hide-input"]
spa_rows = []
for h, (fc, actual) in panel.items():
    for loss in ("se", "qlike"):
        res = lb.spa_all(fc, actual, h, benchmark=BENCH, loss=loss, boot=BOOT)
        spa_rows.append({"h": h, "loss": loss, "models": res.models, "dates": res.n, "SPA p (consistent)": res.pvalue,
                         "lower": res.lower, "upper": res.upper, "block": res.block_size, "reps": res.reps})
spa_table = pd.DataFrame(spa_rows)
spa_table

# %% [markdown]
# ## Huang et al. Table 8: pairwise DM tests
#
# HAR, the LSTM on HAR's inputs, the CNN-LSTMs with MTF images of the past 7 and 30 daily RVs (chapter 07) and
# GARCH(1, 1), on chapter 07's target. HAR and GARCH(1, 1) are chapter 04's when chapter 07 scores the same series
# as chapter 04; otherwise they are estimated here on chapter 07's series with chapter 04's code.
#
# **Huang's convention.** The null of Table 8 is "model $i$ underperforms model $j$"; it is rejected (small
# $p_{ij}$) when $i$'s loss is significantly *smaller*. With the squared-error differential $d_t = L_{i,t} - L_{j,t}$
# of {eq}`ch09-loss-diff`, this is the one-sided "less" p-value of {eq}`ch09-hln` (`volrep.stats.dm_matrix`):
#
# $$
# p_{ij} = F_{t_{n-1}}\bigl(DM^{*}_{ij}\bigr), \qquad DM^{*}_{ji} = -DM^{*}_{ij}
# \quad\Longrightarrow\quad p_{ij} + p_{ji} = 1 ,
# $$ (ch09-dm-pairwise)
#
# one test per pair read from both ends, which every printed pair of their table satisfies (0.8261 and 0.1739 for
# HAR and the LSTM one day ahead). Each pair is therefore judged once (rule `decision`: significant at 5 % in the
# same direction, or not significant on both sides), on $\min(p_{ij}, p_{ji})$, the one-sided p-value in the
# direction the losses point.
#
# **Huang's §5.** On the same target, the SPA test {eq}`ch09-spa` of HAR against all the CNN-LSTMs on MTF images
# (MSE, 7 days ahead: the paper finds them superior) and the 10 % MCS {eq}`ch09-mcs-p` of HAR, GARCH(1, 1) and all
# of chapter 07's networks ("hardly any model excluded" at 1 and 7 days, read as at least 80 % of the models kept;
# GARCH(1, 1) excluded at 7 days; the LSTM with HAR's inputs in the 1-day set).

# %% tags=["hide-input"]
ch07_rows = ch.chapter_rows(frames.get("07_cnn_lstm_mtf"), asset=ASSET, horizons=HORIZONS)
t8_bench, t8_note = {}, "chapter 07's forecasts are not in the store"
if ch07_rows is not None:
    on_board = (origin.loc[origin["chapter"] == "07_cnn_lstm_mtf", "status"] == "loaded").all()
    if on_board:
        t8_bench = {"HAR": {h: panel[h][0][BENCH] for h in HORIZONS}, "GARCH(1, 1)": {h: panel[h][0]["GARCH(1, 1)"] for h in HORIZONS}}
        t8_note = "chapter 07's target = the leaderboard's"
    elif data_source != "sim":
        if minute_series is None:
            minute_series, daily_returns, minute_source = lb.binance_series()
            sources.append(minute_source)
        first = ch07_rows[ch07_rows["horizon"] == min(HORIZONS)]
        name = ch.match_target(first.groupby("date")["actual"].first(), minute_series, min(HORIZONS))
        if name is None:
            t8_note = "chapter 07's target matches none of the candidate RV series: HAR and GARCH(1, 1) left out"
        else:
            fc_b, _ = lb.compute_baselines(minute_series[name], daily_returns, HORIZONS, label=name)
            t8_bench = {"HAR": fc_b[f"HAR ({name})"], "GARCH(1, 1)": fc_b["GARCH(1, 1)"]}
            t8_note = f"chapter 07's target is daily RV from {name} returns; HAR and GARCH(1, 1) estimated here on it"
t8_panel = ch.table8_inputs(ch07_rows, t8_bench, HORIZONS) if ch07_rows is not None else {}
t8_ours = {h: stats.dm_matrix(fc, actual, horizon=h) for h, (fc, actual) in t8_panel.items()}
nets = {}
for h in t8_panel:
    net_fc, _ = lb.wide(ch07_rows[ch07_rows["horizon"] == h])
    nets[h] = net_fc.reindex(t8_panel[h][0].index)
display(Markdown(f"Benchmarks: {t8_note}."))
for h in [h for h in (1, 7) if h in t8_ours]:
    display(Markdown(f"**{h} day{'s' if h > 1 else ''} ahead** — paper (left), ours (right), p[i, j] with H0: i underperforms j"))
    display(pd.concat({"paper": ch.huang_table8(h), "ours": t8_ours[h]}, axis=1).round(4))

# %% tags=["remove-input", "hide-output"]
prov07 = ch.chapter_provisional("07_cnn_lstm_mtf")
t8_claims = []
for h in (1, 7):
    if h in HORIZONS:
        t8_claims += ch.table8_claims(t8_ours.get(h), h, source=ASSET, variant=VARIANT, note=t8_note, provisional=prov07)
s5_claims, s5_table = ch.huang_section5_claims(t8_panel, nets, source=ASSET, variant=VARIANT, boot=BOOT, provisional=prov07)
display(report.claims_frame(t8_claims + s5_claims))
s5_table

# %% [markdown]
# ## Dhansoia Tables 4 and 6
#
# {cite:t}`dhansoia2025` does not name the test behind its p-values; we use the HLN-corrected DM test
# {eq}`ch09-hln` one day ahead ($h = 1$: no autocovariance term in {eq}`ch09-dm`), on the errors
# $e_t = y_t - \hat y_t$ of the forecasts that chapters 05 and 06 stored, each on its own target (the DM test of
# chapter 05, {eq}`ch05-dm`).
# Table 4's p-values compare the transfer LSTM with the LSTM from scratch, one-sided (alternative: the transfer
# model is more accurate), on squared errors for the RMSE row and absolute errors for the MAE row; its correlation
# row has no DM counterpart. Table 6 tests each model against HAR, two-sided, oriented as the paper so that the
# statistic is negative when the model is worse than HAR:
#
# $$
# \text{Table 4:}\ d_t = L(e^{\text{transfer}}_t) - L(e^{\text{scratch}}_t),\ L(e) \in \{e^2, |e|\}, \qquad
# \text{Table 6:}\ d_t = \bigl(e^{\mathrm{HAR}}_t\bigr)^2 - \bigl(e^{\text{model}}_t\bigr)^2 .
# $$ (ch09-dhansoia)
#
# Per seed and for the seed-averaged forecast, which the claims judge; the hybrid's row is chapter 06's claim and is
# only shown here.

# %% tags=["hide-input"]
TRANSFER = "frozen_encoder" if dhansoia_code.CONFIG["freeze_encoder"] else "full_finetune"  # chapter 05's choice
d_variants = ("sim",) if data_source == "sim" else ("faithful", "proper")
t4 = {v: dh.dhansoia_table4(frames["05_transfer_lstm"], v, TRANSFER) if "05_transfer_lstm" in frames else pd.DataFrame()
      for v in d_variants}
t6 = {v: dh.dhansoia_table6(frames, v, TRANSFER) for v in d_variants}
display(pd.concat({v: t for v, t in t4.items() if not t.empty}, names=["variant"]) if any(not t.empty for t in t4.values())
        else Markdown("Chapter 05's forecasts are not in the store."))
display(pd.concat(t6, names=["variant"]).reset_index(level=0).pivot_table(index=["variant", "model"], columns="seed", values="p_value")
        if any(len(t) for t in t6.values()) else Markdown("Chapters 05 and 06 have no forecasts in the store."))

# %% tags=["remove-input", "hide-output"]
prov05 = ch.chapter_provisional("05_transfer_lstm", pattern="dhansoia.T*")
d_claims = dh.dhansoia_claims(t4, t6, paper_t4=papers.dhansoia_table4(), provisional=prov05)
report.claims_frame(d_claims)

# %% [markdown]
# ## DeepVol's "Rate" as a test
#
# {cite:t}`liu2023deepvol` count the stocks on which DeepVol's average loss is below GARCH(1, 1)'s, the Rate
# {eq}`ch08-rate`. A count is not a test: with hundreds of stocks and a few hundred test days each, half the wins may
# be noise. Here each series gets a two-sided DM test {eq}`ch09-hln` ($h = 1$) of the daily Gaussian negative
# log-likelihood of its zero-mean return $r_t$ — the summand of chapter 08's NLL {eq}`ch08-risk-metrics` — under
# DeepVol's and GARCH(1, 1)'s variance forecasts $\hat\sigma^2_t$:
#
# $$
# \ell_t = \tfrac12 \Bigl( \ln 2\pi + \ln \hat\sigma^2_t + \frac{r_t^2}{\hat\sigma^2_t} \Bigr), \qquad
# d_t = \ell^{\text{DeepVol}}_t - \ell^{\text{GARCH}}_t .
# $$ (ch09-nll)
#
# The store keeps $r_t^2$ and $\hat\sigma^2_t$, enough for the NLL; the quantile and joint VaR–ES losses need the
# sign of the return, so those Rates are not recast. The $m$ p-values of a group are then corrected for testing every
# series at once. The Benjamini–Hochberg adjustment {cite:p}`benjamini1995` controls the false discovery rate (the
# expected share of false rejections among the rejections): with the p-values sorted,
# $p_{(1)} \le \dots \le p_{(m)}$,
#
# $$
# \tilde p_{(i)} = \min_{j \ge i}\, \min\Bigl(1,\ \frac{m}{j}\, p_{(j)}\Bigr),
# \qquad
# \text{share better} = \frac{1}{m} \sum_{n=1}^{m} I\bigl(\tilde p_n < 0.05,\ DM^{*}_n < 0\bigr),
# $$ (ch09-bh)
#
# and the claims compare the paper's Rate with the share of series on which DeepVol is *significantly* better. Holm's
# adjustment {cite:p}`holm1979`, which controls the probability of any false rejection, is in the per-series tables
# as well.

# %% tags=["remove-input", "hide-output"]
dv_tables = {}
if "08_deepvol" in frames:
    for key, (label, _, v, split, target, portfolios) in dv.DEEPVOL_GROUPS.items():
        dv_tables[key] = dv.deepvol_dm_by_series(frames["08_deepvol"], variant="sim" if data_source == "sim" else v,
                                                 split=split, target=target, portfolios=portfolios)
dv_summary = pd.DataFrame({k: {"group": dv.DEEPVOL_GROUPS[k][0], "paper Rate": dv.deepvol_paper_rate(k),
                               **dv.deepvol_summary(t)} for k, t in dv_tables.items()}).T
prov08 = ch.chapter_provisional("08_deepvol", pattern="deepvol.T*")
dv_claims = dv.deepvol_claims({k: dv.deepvol_summary(t) for k, t in dv_tables.items()}, provisional=prov08)
display(dv_summary if len(dv_summary) else Markdown("Chapter 08's forecasts are not in the store."))
report.claims_frame(dv_claims)

# %% [markdown]
# ## All claims

# %% tags=["remove-input", "hide-output"]
claims = t8_claims + s5_claims + d_claims + dv_claims
claims_table = report.claims_frame(claims)
tally = claims_table["verdict"].value_counts().reindex(list(verdicts.VERDICTS), fill_value=0)
print(tally.to_string())
claims_table

# %% [markdown]
# ## What we found

# %% tags=["hide-input"]
lines = []
for h, board in boards.items():
    top_mse = ", ".join(f"{m} ({v:.1f})" for m, v in board["mse_bp2"].head(5).items())
    top_ql = ", ".join(f"{m} ({v:.3f})" for m, v in board["qlike"].dropna().sort_values().head(5).items())
    beat = board[(board["spa_p_mse"] < verdicts.ALPHA) & (board["mse_bp2"] < board.loc[BENCH, "mse_bp2"])]
    beat_q = board[(board["spa_p_qlike"] < verdicts.ALPHA) & (board["qlike"] < board.loc[BENCH, "qlike"])]
    spa_h = spa_table[(spa_table["h"] == h) & (spa_table["loss"] == "se")].iloc[0]
    lines.append(
        f"* **{h} day{'s' if h > 1 else ''} ahead** ({len(board)} models, {panel[h][1].size} test days). Top five by MSE "
        f"(bp²): {top_mse}; by QLIKE: {top_ql}. The 10 % MCS keeps {int(board['in_mcs10_mse'].eq(True).sum())} models "
        f"under MSE and {int(board['in_mcs10_qlike'].eq(True).sum())} under QLIKE. "
        + (f"Beating {BENCH} significantly (single-model SPA, 5 %): {', '.join(beat.index)} under MSE"
           if len(beat) else f"No model beats {BENCH} significantly under MSE (single-model SPA, 5 %)")
        + (f"; {', '.join(beat_q.index)} under QLIKE" if len(beat_q) else "; none under QLIKE")
        + f". The joint SPA test of {BENCH} against all {int(spa_h['models'])} others gives p = {spa_h['SPA p (consistent)']:.3f}.")
for h, board in boards.items():
    worst = board["mse_bp2"].idxmax()
    if bool(board.loc[worst, "in_mcs10_mse"] or False):
        lines.append(f"* At {h} day{'s' if h > 1 else ''} the model with the *largest* MSE, {worst}, is still in the 10 % "
                     f"MCS under MSE (MCS p-value {board.loc[worst, 'mcs_p_mse']:.2f}): its losses are too noisy to rule it "
                     f"out; under QLIKE its MCS p-value is {board.loc[worst, 'mcs_p_qlike']:.3f}.")
win1 = {h: b.index[0] for h, b in boards.items()}
lines.append("* **Who wins.** Lowest MSE: " + "; ".join(f"{h} d: {m}" for h, m in win1.items()) + "; lowest QLIKE: "
             + "; ".join(f"{h} d: {b['qlike'].idxmin()}" for h, b in boards.items()) + ". Families not on the board: "
             + ("; ".join(lb.families_missing(origin)) or "none") + ".")
sig8 = [c for c in t8_claims if c.verdict != "not comparable"]
lines.append(f"* **Huang Table 8**: " + (f"{sum(c.verdict == 'reproduced' for c in sig8)} of {len(sig8)} pairwise decisions "
                                          f"reproduced ({t8_note})." if sig8 else f"not judged in this build ({t8_note}).")
             + (" §5: " + "; ".join(f"{c.id.split('.')[2]} {c.verdict}" for c in s5_claims) + "." if s5_claims else ""))
judged_d = [c for c in d_claims if c.verdict != "not comparable"]
reversed_t4 = [c.id for c in judged_d if c.id.startswith("dhansoia.T4") and c.ours is not None and c.ours > 1 - verdicts.ALPHA]
lines.append("* **Dhansoia**: " + ("; ".join(f"{c.id} {c.verdict}" for c in judged_d) + "." if judged_d
                                    else "not judged in this build (chapters 05 and 06 are not in the store).")
             + (f" In {', '.join(reversed_t4)} the one-sided p-value is above {1 - verdicts.ALPHA:.2f}: the test points the "
                "other way, the LSTM from scratch being the more accurate." if reversed_t4 else ""))
if len(dv_summary):
    lines.append("* **DeepVol's Rate as a test**: " + "; ".join(
        f"{r['group']}: untested Rate {r['rate']:.2f} (paper {r['paper Rate']:.2f}), significantly better on "
        f"{r['better_bh']:.0%} and significantly worse on {r['worse_bh']:.0%} of {int(r['series'])} series"
        for _, r in dv_summary.iterrows()) + ".")
lines.append("* **Verdicts**: " + ", ".join(f"{v} {int(n)}" for v, n in tally.items()) + f" ({len(claims)} claims).")
display(Markdown("\n".join(lines)))

# %% tags=["hide-input"]
results_path = report.write_results("09_significance", profile, {
    "data_source": data_source, "sources": sources, "store": inventory.reset_index().to_dict("records"),
    "leaderboard_sources": origin.to_dict("records"), "network_seconds": round(network_seconds, 1),
    "horizons": HORIZONS, "reps": BOOT.reps,
    "block_length": {h: stats.block_length(len(panel[h][1]), h) for h in HORIZONS},
    "leaderboard": {h: b[["family", "mse_bp2", "qlike", "in_mcs10_mse", "spa_p_mse"]].reset_index().to_dict("records")
                    for h, b in boards.items()}}, claims)
print(results_path.name)
