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
# # Realized volatility, signature plots and pre-averaging
#
# Huang, Sangiorgi & Urquhart {cite:p}`huang2024` (§3) measure daily bitcoin variance by realized variance (RV),
# the sum of squared intraday log returns (their eq. 1; {cite:t}`andersen1998`, {cite:t}`andersen2003`). To choose
# the sampling frequency they draw a **volatility signature plot** {cite:p}`andersen2000` — the average daily RV at
# 1, 2, …, 60 minutes (Table 3) — and pick 10 minutes, after the largest drop from 2 minutes on (from 5 to 10
# minutes). Because the annualised tick RV is still very large, they switch to **pre-averaged** returns
# ({cite:t}`jacod2009`; their eq. 2–3) with θ = 0.4, and show that pre-averaging cuts the mean and the extremes of
# annualised RV (Table 4, Fig. 1).
#
# We rebuild all three on (i) the **simulator**, where the true integrated variance (IV) is known and noise can
# be switched on, (ii) **Binance 1-minute klines** 2018–2022 — the paper's own frequencies, from one price a
# minute — and (iii) **Kraken hourly bars** 2014–2021, the paper's period. The mirror has no tick data, so
# what pre-averaging does to *ticks* is shown on simulated ticks only.

# %% tags=["parameters", "hide-input"]
profile = "quick"  # quick or full
data_source = "mirror"  # mirror: real data (VOLREP_DATA_DIR or download); sim: simulated data instead
seed = 0
sim_days = None  # days of simulated ticks (None: the profile's value)
sim_trades_per_day = None  # simulated trades per day (None: the profile's value)
theta = 0.4  # pre-averaging window constant, k_n is theta times the root of n rounded; the paper uses 0.4

# %% tags=["hide-input"]
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from volrep import config, data, papers, report, rv, sim, verdicts
from volrep.chapters import rv_signature

settings = config.chapter_settings("02_rv_signature", profile, sim_days=sim_days, sim_trades_per_day=sim_trades_per_day)
config.seed_everything(seed)
report.use_style()
pd.set_option("display.float_format", "{:.4g}".format)
DAYS = rv.PERIODS_PER_YEAR["crypto"]
settings

# %% [markdown]
# ## The measures
#
# **Realized variance.** Prices are sampled on a calendar grid of step $\Delta$ by the previous-tick rule: the
# price at grid point $s$ is the last price at or before $s$. The $n_t(\Delta)$ grid returns of day $t$,
# $r_{t,i} = \log P(s_{t,i} + \Delta) - \log P(s_{t,i})$, give the realized variance of Huang et al.'s eq. (1)
# {cite:p}`andersen2003,barndorff2002`:
#
# $$
# RV_t(\Delta) = \sum_{i=1}^{n_t(\Delta)} r_{t,i}^2 .
# $$ (ch02-rv)
#
# Without noise, $RV_t(\Delta)$ tends to the integrated variance $IV_t = \int_t \sigma_s^2\, ds$ of day $t$ as
# $\Delta \to 0$; on tick data the "original" RV of Table 4 is {eq}`ch02-rv` over every tick return.
#
# **Signature plot.** The average of {eq}`ch02-rv` over the $D$ days of the sample, at each sampling step, with the
# percent change from one step to the next (the two columns of Table 3; {cite:t}`andersen2000`):
#
# $$
# \overline{RV}(\Delta) = \frac{1}{D} \sum_{t=1}^{D} RV_t(\Delta), \qquad
# \text{change}(\Delta_k) = 100 \left( \frac{\overline{RV}(\Delta_k)}{\overline{RV}(\Delta_{k-1})} - 1 \right).
# $$ (ch02-signature)
#
# If the observed log price is the efficient one plus i.i.d. noise, $\log P = X + u$ with $\operatorname{Var} u =
# \omega^2$ independent of $X$, every return carries the difference of two noise terms, whatever its length, and
# (as long as consecutive grid points fall on different trades)
#
# $$
# \mathbb{E}\bigl[RV_t(\Delta)\bigr] \approx IV_t + 2\, n_t(\Delta)\, \omega^2 :
# $$ (ch02-noise)
#
# the bias grows with the number of returns, so the signature plot falls as sampling coarsens and is flat at the
# average IV without noise {cite:p}`zhang2005,hansen2006`.
#
# **Pre-averaging** {cite:p}`jacod2009,podolskij2009` (Huang et al. eq. 2–3, implemented by
# `volrep.rv.preaveraged_rv`). Within each calendar interval (10 minutes or a day), take the $n$ tick returns
# $r_1, \dots, r_n$ (the first starts from the last price of the previous interval) and the window
#
# $$
# k_n = \left\lfloor \theta \sqrt{n} + \tfrac12 \right\rfloor ,
# $$ (ch02-kn)
#
# Huang et al.'s $[\theta\sqrt{n}]$ read as rounding to the nearest integer, which their footnote 10 implies
# ($\theta = 0.4$, $n = 600$: $9.80 \to 10$; R `highfrequency` takes the floor, with $\theta = 0.8$). The
# pre-averaged returns weight $k_n - 1$ consecutive returns with the tent $g(x) = \min(x, 1 - x)$:
#
# $$
# \bar r_j = \sum_{i=1}^{k_n - 1} g\!\left(\frac{i}{k_n}\right) r_{j+i}, \qquad j = 0, \dots, n - k_n .
# $$ (ch02-pa-return)
#
# (Huang et al.'s eq. 2 prints the upper limit as $n$; the weight vanishes at $i = k_n$ and turns negative beyond.)
# Their eq. (3) is the plain sum $\sum_j \bar r_j^{\,2}$. Each $\bar r_j^{\,2}$ carries the local variance times the sum
# of squared weights, so that sum is not on the scale of the IV; we divide by the sum of squared weights,
#
# $$
# \widehat{RV}^{PA} = \frac{1}{k_n \psi_2^{(k_n)}} \sum_{j=0}^{n-k_n} \bar r_j^{\,2}, \qquad
# k\,\psi_2^{(k)} = \sum_{i=1}^{k-1} g\!\left(\frac{i}{k}\right)^{2} =
# \begin{cases} (k^2 + 2)/(12k) & k \text{ even}, \\ (k^2 - 1)/(12k) & k \text{ odd}, \end{cases}
# $$ (ch02-pa-rv)
#
# with $\psi_2^{(k)} \to \int_0^1 g^2 = 1/12$. Without noise {eq}`ch02-pa-rv` estimates the IV carried by the
# $n - k_n + 1$ windows, which span every return but the last $k_n - 1$ at full weight. An interval with $k_n < 2$
# (fewer than 15 tick returns at $\theta = 0.4$) cannot be pre-averaged and is reported as missing. Under i.i.d.
# noise {eq}`ch02-pa-rv` is still biased, by
#
# $$
# \frac{(n - k_n + 1)\, \psi_1^{(k_n)}}{k_n^2\, \psi_2^{(k_n)}}\, \omega^2 \;\approx\;
# \frac{\psi_1}{\theta^2 \psi_2}\, \omega^2 = \frac{12\, \omega^2}{\theta^2}, \qquad
# \psi_1^{(k)} = k \sum_{i=0}^{k-1} \left( g\!\left(\tfrac{i+1}{k}\right) - g\!\left(\tfrac{i}{k}\right) \right)^2
# = \frac{2 \lfloor k/2 \rfloor}{k},
# $$ (ch02-pa-noise)
#
# using $k_n^2 \approx \theta^2 n$ and the limits $\psi_1 = \int_0^1 g'^2 = 1$, $\psi_2 = 1/12$: a bias per
# interval that does not shrink with the number of ticks, paid once a day by daily pre-averaging and once per
# interval by 10-minute pre-averaging. The bias-corrected estimator (`bias_correction=True`) estimates the noise
# variance by $\hat\omega^2 = \sum_i r_i^2 / (2n)$ and subtracts the bias:
#
# $$
# \widehat{RV}^{PA,\,bc} = \widehat{RV}^{PA} - \frac{n - k_n + 1}{n}\,
# \frac{\psi_1^{(k_n)}}{2 k_n^2\, \psi_2^{(k_n)}} \sum_{i=1}^{n} r_i^2 ,
# $$ (ch02-pa-bc)
#
# which, with $n - k_n + 1 \approx n$, is the correction of {cite:t}`jacod2009` and {cite:t}`hautsch2013`. Because
# $\sum_i r_i^2$ also holds the IV, the correction removes about $\psi_1 / (2 k_n^2 \psi_2) \approx 6/k_n^2$ of
# it: it pays only where noise dominates the tick returns, and it can make an estimate negative (nothing is
# clipped).

# %% [markdown]
# ## Data
#
# The simulated market: rough log-volatility (RFSV of {cite:t}`gatheral2018`, H = 0.1) around 70 % a year,
# Poisson trades around the clock, i.i.d. microstructure noise on the log price and rounding to one cent. Its
# `integrated_variance` is the truth every estimator is judged against.

# %% tags=["hide-input"]
market = sim.simulate_ticks(settings["sim_days"], seed=seed, trades_per_day=settings["sim_trades_per_day"])
ticks = market.ticks
true_iv = market.integrated_variance("1D")
sim_start = ticks["timestamp"].iloc[0].floor("D")
sim_end = sim_start + pd.Timedelta(days=settings["sim_days"])
if data_source == "sim":
    binance = rv.ohlcv_bars(ticks, "1min")
    kraken = rv.ohlcv_bars(ticks, "1h").query("trades > 0")
    sources = [{"dataset": "simulated ticks", "source": "volrep.sim.simulate_ticks", "period": f"{settings['sim_days']} days",
                "rows": len(ticks), "files": 0, "sha256": "-"}]
    sim_window = {"start": sim_start, "end": sim_end}
    windows = {"binance paper years": sim_window, "binance all": sim_window, "kraken": sim_window}
    periods = {"binance": "simulated", "kraken": "simulated"}
    fig1_day = sim_end - pd.Timedelta(days=1)
else:
    binance_ds = data.load("binance_klines_1m_daily", progress=False)
    kraken_ds = data.load("kraken_xbtusd_1h", start="2014-01-01", end="2021-12-31", progress=False)
    binance, kraken = binance_ds.frame, kraken_ds.frame
    sources = [binance_ds.provenance(), kraken_ds.provenance()]
    # whole UTC days: Binance's years inside the paper's sample (2018-2021), all of Binance, Kraken 2014-2021
    windows = {"binance paper years": {"start": "2018-01-01", "end": "2022-01-01"},
               "binance all": {"start": "2018-01-01", "end": "2023-01-01"},
               "kraken": {"start": "2014-01-01", "end": "2022-01-01"}}
    periods = {"binance": "2018-2021", "kraken": "2014-2021"}
    fig1_day = pd.Timestamp("2021-12-31")  # the day of the paper's Fig. 1
display(Markdown(report.provenance_markdown(sources)))

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
print(f"simulated: {len(ticks):,} ticks over {settings['sim_days']} days, "
      f"mean true IV {true_iv.mean():.3e}/day = {np.sqrt(true_iv.mean() * DAYS):.1%} a year")
print(f"binance: {len(binance):,} 1-minute bars {binance.index[0]:%Y-%m-%d}..{binance.index[-1]:%Y-%m-%d}; "
      f"kraken: {len(kraken):,} bars {kraken.index[0]:%Y-%m-%d}..{kraken.index[-1]:%Y-%m-%d}")

# %% [markdown]
# ## Signature plots (Table 3)
#
# Average daily RV against the sampling frequency, {eq}`ch02-signature`. Noise adds about 2ω² to the expected
# squared return of every interval, whatever its length ({eq}`ch02-noise`), so at fine sampling RV is biased upward
# and the curve falls as the sampling gets coarser; without noise it is flat at the average IV. Bars enter as
# observations of their close (at `close_time` for Binance), sampled on the calendar grid by the previous-tick
# rule; a minute missing in an outage leaves the previous close in force, so the outage's move lands in the first
# return after it.

# %%
sim_freqs = ["1s", "5s", "15s", "30s", "1min", "2min", "5min", "10min", "15min", "30min", "60min"]
sim_sig = rv.signature_plot(ticks["timestamp"], ticks["price"], sim_freqs, start=sim_start, end=sim_end)
sim_sig["rv_over_iv"] = sim_sig["average_rv"] / true_iv.mean()
sim_pa_daily = rv.preaveraged_rv(ticks["timestamp"], ticks["price"], "1D", theta=theta, start=sim_start, end=sim_end, details=True)
sim_pa_10min = rv.preaveraged_rv(ticks["timestamp"], ticks["price"], "10min", theta=theta, start=sim_start, end=sim_end, details=True)
sim_pa_10min_bc = rv.preaveraged_rv(ticks["timestamp"], ticks["price"], "10min", theta=theta, start=sim_start, end=sim_end,
                                    bias_correction=True)
sim_sig

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
print("RV / IV at 1s, 1min, 10min, 60min:", sim_sig.set_index("frequency").loc[["1s", "1min", "10min", "60min"], "rv_over_iv"].round(3).tolist())
print(f"pre-averaged daily RV / IV: {sim_pa_daily['rv'].mean() / true_iv.mean():.3f}")
print(f"sum of 10-min pre-averaged RV / IV: {sim_pa_10min['rv'].sum() / true_iv.sum():.3f} without, "
      f"{sim_pa_10min_bc.sum() / true_iv.sum():.3f} with the bias correction "
      f"(median k_n = {int(sim_pa_10min['k_n'].median())})")

# %% [markdown]
# Pre-averaging over a **day** removes the noise bias. Over **10-minute** intervals with θ = 0.4 it does not:
# the noise bias of each interval is about 12ω²/θ² whatever the number of ticks ({eq}`ch02-pa-noise`; k_n grows
# with √n), so it is paid 144 times a day. The bias-corrected estimator {eq}`ch02-pa-bc` removes it — the paper
# does not say it used one.
#
# On the real data, Binance's minutes give the paper's whole frequency grid, 1 to 60 minutes (and 2 and 4 hours
# beyond it); Kraken's hours give 60 minutes and coarser over the paper's years.

# %% tags=["hide-input"]
paper_t3 = papers.huang_table3()
bar_freqs = list(paper_t3["frequency"]) + ["2h", "4h"]
bt, bp = rv.bar_observations(binance)
kt, kp = rv.bar_observations(kraken, interval="1h")
binance_sig = rv.signature_plot(bt, bp, bar_freqs, **windows["binance paper years"])
binance_sig_all = rv.signature_plot(bt, bp, bar_freqs, **windows["binance all"])
kraken_sig = rv.signature_plot(kt, kp, ["60min", "2h", "4h"], **windows["kraken"])
signatures = pd.concat({"paper (Bitstamp 2014-2021)": paper_t3.set_index("frequency"),
                        "binance 2018-2021": binance_sig.set_index("frequency"),
                        "binance 2018-2022": binance_sig_all.set_index("frequency"),
                        "kraken 2014-2021": kraken_sig.set_index("frequency")}, axis=1).reindex(bar_freqs)
signatures

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
print("binance 2018-2021, average daily RV at the paper's frequencies:")
print(binance_sig.set_index("frequency")[["average_rv", "pct_change"]].round({"average_rv": 6, "pct_change": 2}).to_string())

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
minutes = lambda freqs: pd.to_timedelta(pd.Series(list(freqs))).dt.total_seconds().to_numpy() / 60
axes[0].semilogx(minutes(sim_sig["frequency"]), sim_sig["average_rv"], "o-", label="RV of noisy prices")
axes[0].axhline(true_iv.mean(), color="k", ls="--", label="true IV")
axes[0].axhline(sim_pa_daily["rv"].mean(), color="C2", ls=":", label=f"pre-averaged (θ={theta}), daily")
axes[0].set(xlabel="sampling interval (minutes, log scale)", ylabel="average daily RV", title="simulated ticks (known truth)")
axes[0].legend()
axes[1].loglog(minutes(paper_t3["frequency"]), paper_t3["average_rv"], "o-", label="paper: Bitstamp ticks 2014-2021")
for label, sig in ((f"binance 1-min closes {periods['binance']}", binance_sig), (f"kraken hourly {periods['kraken']}", kraken_sig)):
    axes[1].loglog(minutes(sig["frequency"]), sig["average_rv"], "s-", ms=4, label=label)
axes[1].set(xlabel="sampling interval (minutes, log scale)", ylabel="average daily RV (log scale)", title="bitcoin: paper vs mirror")
axes[1].legend(fontsize=8)
fig.tight_layout()

# %% [markdown]
# ### Table 3: paper versus ours
#
# The paper's "average realised volatility" is an average daily *variance*. Levels at each frequency depend on
# the years averaged (Binance 2018–2021 against Bitstamp 2014–2021): *not comparable*, with the ratio in the
# note. The **shape** of the curve is what the paper reads off it — how much RV falls from 1 to 2 minutes and
# from 5 to 10 minutes, where the steepest fall ends, and how flat it is past 10 minutes — and gets a verdict
# on Binance's minutes (effects and directions; another exchange, whose noise is its own).

# %% tags=["remove-input", "hide-output"]
t3_claims = rv_signature.table3_claims(paper_t3, {"binance": binance_sig, "kraken": kraken_sig}, periods)
t3_claims += rv_signature.signature_shape_claims(paper_t3, binance_sig, "binance", periods["binance"])
report.claims_frame(t3_claims)

# %% [markdown]
# ## Original versus pre-averaged returns (Table 4)
#
# Table 4 annualises the 10-minute RV by 144 × 365 and the daily RV by 365, and we read an annualised RV back as
# the daily volatility it implies:
#
# $$
# RV^{\text{ann}} = 144 \cdot 365 \cdot RV_{10\,\text{min}} \;\text{ or }\; 365 \cdot RV_{1\,\text{D}}, \qquad
# \sigma_{\text{daily}} = 100 \sqrt{RV^{\text{ann}} / 365}\ \%.
# $$ (ch02-annualise)
#
# "Original" is the RV {eq}`ch02-rv` of all tick returns (here: of every simulated trade, or of every Binance
# 1-minute return); "pre-averaged" applies eq. (2)–(3) within each interval, with the window {eq}`ch02-kn`.
# Eq. (3) as printed omits the normalising constant $1/(k_n \psi_2^{(k_n)})$; we use the normalised estimator
# {eq}`ch02-pa-rv` (it targets the IV), and show the literal version beside it. What one price a minute allows:

# %%
binance_pa = rv.preaveraged_rv(bt, bp, "1D", theta=theta, details=True, **windows["binance all"])
binance_pa_literal = rv.preaveraged_rv(bt, bp, "1D", theta=theta, normalise=False, **windows["binance all"])
binance_pa10 = rv.preaveraged_rv(bt, bp, "10min", theta=theta, details=True, **windows["binance all"])
n_10min, n_1d = int(binance_pa10["n_returns"].median()), int(binance_pa["n_returns"].median())
k_10min = int(rv.preaveraging_window(n_10min, theta))
display(Markdown(rv_signature.minute_preaveraging_caveat(theta, {"10min": n_10min, "1D": n_1d})))

# %% tags=["hide-input"]
t4_ours = rv_signature.summary_table({
    ("sim 10min", "original"): sim_pa_10min["rv_ticks"] * 144 * DAYS,
    ("sim 10min", "pre-averaged"): sim_pa_10min["rv"] * 144 * DAYS,
    ("sim 1D", "original"): sim_pa_daily["rv_ticks"] * DAYS,
    ("sim 1D", "pre-averaged"): sim_pa_daily["rv"] * DAYS,
    ("sim 1D", "true IV"): true_iv * DAYS,
    ("binance 10min", "original (1-min returns)"): binance_pa10["rv_ticks"] * 144 * DAYS,
    ("binance 10min", "pre-averaged"): binance_pa10["rv"] * 144 * DAYS,
    ("binance 1D", "original (1-min returns)"): binance_pa["rv_ticks"] * DAYS,
    ("binance 1D", "pre-averaged"): binance_pa["rv"] * DAYS,
    ("binance 1D", "pre-averaged, literal eq. 3"): binance_pa_literal * DAYS,
})
t4_paper = papers.huang_table4()
t4_ours.round(3)

# %% [markdown]
# Paper (Bitstamp ticks 2014–2021):

# %% tags=["hide-input"]
t4_paper

# %% tags=["hide-input"]
# NBVAL_CHECK_OUTPUT
paper_mean = t4_paper.loc["mean", ("1D", "original")]
binance_mean = float(t4_ours.loc["mean", ("binance 1D", "original (1-min returns)")])
t4_period = "2018-2022" if data_source == "mirror" else "simulated"
print(f"paper: mean annualised daily RV {paper_mean} -> daily volatility {rv_signature.implied_daily_vol_pct(paper_mean):.1f} %")
print(f"binance {t4_period}: mean annualised daily RV of 1-min returns "
      f"{binance_mean:.3f} -> daily volatility {rv_signature.implied_daily_vol_pct(binance_mean):.2f} %")
print(f"binance n per day {n_1d}, k_n = {int(binance_pa['k_n'].median())}; n per 10 minutes {n_10min}, k_n = {k_10min}; "
      f"10-min intervals pre-averaged: {int(binance_pa10['preaveraged'].sum())} of {len(binance_pa10)}")

# %% [markdown]
# ### Table 4: paper versus ours

# %% tags=["hide-input"]
paper_max = float(t4_paper.loc["max", ("1D", "original")])
paper_pa_mean = float(t4_paper.loc["mean", ("1D", "pre-averaged")])
display(Markdown(
    f"The paper's mean annualised daily RV of {paper_mean:g} corresponds to an average daily volatility of "
    f"{rv_signature.implied_daily_vol_pct(paper_mean):.0f} %, and its maximum ({paper_max:,.0f}) to a single day of "
    f"{rv_signature.implied_daily_vol_pct(paper_max):.0f} %: neither is a bitcoin price move. Such values come from erroneous "
    f"ticks or from RV summed over tick returns dominated by noise. Our daily RV of 1-minute returns averages "
    f"{binance_mean:.3g} ({rv_signature.implied_daily_vol_pct(binance_mean):.1f} % a day) and peaks at "
    f"{float(t4_ours.loc['max', ('binance 1D', 'original (1-min returns)')]):.3g}. The levels are another quantity (ticks "
    f"against minutes); what can carry over is the direction — does pre-averaging lower the mean and the extremes?"))

# %% tags=["remove-input", "hide-output"]
sim_max_cut = 100 * (1 - t4_ours.loc["max", ("sim 10min", "pre-averaged")] / t4_ours.loc["max", ("sim 10min", "original")])
paper_max_cut = 100 * (1 - t4_paper.loc["max", ("10min", "pre-averaged")] / t4_paper.loc["max", ("10min", "original")])
sim_bias = sim_pa_daily["rv"].mean() / true_iv.mean()
t4_claims = rv_signature.table4_claims(t4_paper, binance_pa["rv_ticks"] * DAYS, binance_pa["rv"] * DAYS, k_10min,
                                       "binance", t4_period)
t4_claims += [
    report.Claim("huang.T4.10min.max_reduction_pct", round(paper_max_cut, 2), round(sim_max_cut, 2), "sim",
                 verdicts.level(paper_max_cut, sim_max_cut, rtol=0.25),
                 "cut in the largest annualised 10-min RV by pre-averaging; simulated ticks with noise"),
    report.Claim("huang.S3.preaveraged_tracks_iv", "pre-averaging removes the noise bias", round(sim_bias, 4), "sim",
                 verdicts.direction(abs(sim_bias - 1) < 0.1, "mean pre-averaged RV within 10 % of the true IV"),
                 "mean daily pre-averaged RV / true IV on simulated noisy ticks"),
    report.Claim("huang.S3.tick_rv_biased", "tick RV is inflated by noise",
                 round(float(sim_pa_daily["rv_ticks"].mean() / true_iv.mean()), 4), "sim",
                 verdicts.direction(sim_pa_daily["rv_ticks"].mean() > 1.5 * true_iv.mean(),
                                    "mean tick RV above 1.5 × the true IV"),
                 "mean daily RV of all tick returns / true IV"),
]
report.claims_frame(t4_claims)

# %% [markdown]
# ## Original and pre-averaged returns on one day (Fig. 1)
#
# The paper shows 31 December 2021, its sample's last day. On simulated ticks we show the last simulated day; on
# Binance the 1-minute returns of the paper's day with their pre-averaged counterpart over the day. Within
# 10-minute intervals one price a minute leaves nothing to pre-average (k_n above), so only the daily panel of
# the paper's figure has a Binance counterpart.

# %% tags=["hide-input"]
last_day = sim_end - pd.Timedelta(days=1)
day_ticks = ticks[ticks["timestamp"] >= last_day]
tick_ret = np.log(day_ticks["price"]).diff().dropna()
pa_day = rv.preaveraged_returns(day_ticks["timestamp"], day_ticks["price"], "1D", theta=theta)
binance_day = binance.loc[f"{fig1_day:%Y-%m-%d}"]
bday_t, bday_p = rv.bar_observations(binance_day)
bar_ret = pd.Series(np.diff(np.log(bday_p)), index=bday_t[1:])
pa_bday = rv.preaveraged_returns(bday_t, bday_p, "1D", theta=theta)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
axes[0].plot(day_ticks["timestamp"].iloc[1:], tick_ret.to_numpy(), lw=0.4, label="tick returns")
axes[0].plot(pa_day.index.get_level_values("time"), pa_day.to_numpy(), lw=0.8, label="pre-averaged")
axes[0].set(title=f"simulated ticks, {last_day:%Y-%m-%d}", ylabel="log return")
axes[1].plot(bar_ret.index, bar_ret.to_numpy(), lw=0.5, label="1-min returns")
axes[1].plot(pa_bday.index.get_level_values("time"), pa_bday.to_numpy(), lw=1.0,
             label=f"pre-averaged (k_n = {int(rv.preaveraging_window(len(bday_p) - 1, theta))})")
axes[1].set(title=f"binance 1-minute closes, {fig1_day:%Y-%m-%d}")
for ax in axes:
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)
fig.tight_layout()

# %% [markdown]
# ## What we found

# %% tags=["hide-input"]
by_id = {c.id: c for c in t3_claims + t4_claims}
sig_p = paper_t3.set_index("frequency")["average_rv"]
sig_b = binance_sig.set_index("frequency")["average_rv"].reindex(sig_p.index)
level_ratio = (sig_b / sig_p).loc["20min":"60min"]
sim_rv = sim_sig.set_index("frequency")["rv_over_iv"]
steep = by_id["huang.T3.steepest_fall.frequency_binance"]
after10 = by_id["huang.T3.after10min.largest_decline_pct"]
pc2, pc10 = by_id["huang.T3.2min.pct_change_binance"], by_id["huang.T3.10min.pct_change_binance"]
cut_mean, cut_max = by_id["huang.T4.1D.mean_cut_binance"], by_id["huang.T4.1D.max_cut_binance"]
ratio_1_60 = sig_b["1min"] / sig_b["60min"]
display(Markdown("\n".join([
    f"* **Signature plot, simulated.** On simulated ticks with noise, RV at one second is {sim_rv['1s']:.1f} times the true "
    f"IV and falls toward it as sampling coarsens ({sim_rv['10min']:.2f} at 10 minutes): the logic of the paper's choice.",
    f"* **Signature plot, Binance minutes ({periods['binance']}).** The average daily RV at 1 minute is {ratio_1_60:.2f} times "
    f"the 60-minute one; the paper's is {sig_p['1min'] / sig_p['60min']:.1f} times. From 1 to 2 minutes ours changes by "
    f"{pc2.ours:+.2f} % (paper {pc2.paper:+.2f} %, *{pc2.verdict}*), from 5 to 10 minutes by {pc10.ours:+.2f} % (paper "
    f"{pc10.paper:+.2f} %, *{pc10.verdict}*). Our steepest fall from 2 minutes on is {steep.ours} (paper {steep.paper}, "
    f"*{steep.verdict}*); past 10 minutes no fall exceeds {after10.ours:.2f} % (paper's bound {after10.paper:.2f} %, "
    f"*{after10.verdict}*). "
    + (f"The paper's {sig_p['1min'] / sig_p['2min']:.0f}-fold 1-minute RV does not appear on Binance's minutes: it is a "
       "property of its Bitstamp ticks, not of bitcoin at one minute." if pc2.verdict != "reproduced" else
       "Binance's minutes show the paper's jump at 1 minute too."),
    f"* **Levels.** From 20 to 60 minutes, Binance {periods['binance']} averages {level_ratio.min():.2f}–"
    f"{level_ratio.max():.2f} times the paper's daily RV (different years: not comparable).",
    f"* **Table 4 is not reproducible in level.** The paper's annualised mean of {paper_mean:g} means "
    f"{rv_signature.implied_daily_vol_pct(paper_mean):.0f} % daily volatility; ours from 1-minute returns is {binance_mean:.3g}. "
    f"The paper's pre-averaged mean ({paper_pa_mean:g}) is also far above 365 times the 10-minute RV of its own Table 3 "
    f"({sig_p['10min'] * DAYS:.2f}): the two tables cannot both describe the same variance unless eq. (3) is used without "
    f"its normalising constant or on unclean ticks.",
    f"* **Pre-averaging one price a minute.** Within 10 minutes it is impossible (k_n = {k_10min}); over a day (k_n = "
    f"{int(binance_pa['k_n'].median())}) it lowers the mean annualised RV by {cut_mean.ours:.1f} % (paper {cut_mean.paper:.1f} %, "
    f"direction *{cut_mean.verdict}*) and changes the largest day by {-cut_max.ours:+.1f} % (paper {-cut_max.paper:+.1f} %, "
    f"*{cut_max.verdict}*)"
    + (": the largest Binance day is a market move, not noise, and smoothing returns cannot remove it."
       if cut_max.verdict != "reproduced" else "."),
    f"* **Pre-averaging works where it should.** On simulated noisy ticks the normalised pre-averaged estimator recovers "
    f"the IV (ratio {sim_bias:.3f}) while tick RV is {by_id['huang.S3.tick_rv_biased'].ours:.2f} times it; pre-averaging also "
    f"cuts the largest annualised 10-minute RV by {sim_max_cut:.0f} % (paper {paper_max_cut:.0f} %).",
])))

# %% tags=["hide-input"]
claims = t3_claims + t4_claims
results_path = report.write_results("02_rv_signature", profile, {"data_source": data_source, "sources": sources, "theta": theta}, claims)
print(results_path.name)
