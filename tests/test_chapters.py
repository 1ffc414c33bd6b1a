"""Chapter glue: verdict rules and the paper-layout helpers."""

import numpy as np
import pandas as pd
import pytest

from volrep import evaluate, papers
from volrep.chapters import liquidity, rv_signature


def test_poisson_zero_share_powers_the_one_minute_share():
    s1 = pd.Series([50.0, 10.0], index=[2013, 2014])
    out = liquidity.poisson_zero_share(s1, [1, 2, 5])
    np.testing.assert_allclose(out.loc[2013], [50.0, 25.0, 100 * 0.5**5])
    np.testing.assert_allclose(out.loc[2014, "2min"], 1.0)


def test_outage_share_of_a_year():
    assert liquidity.outage_share(pd.Timestamp("2015-01-01"), pd.Timestamp("2015-01-04 15:00")) == pytest.approx(100 * 3.625 / 365)


def test_first_liquid_year_needs_all_later_years_below_threshold():
    shares = pd.Series([40.0, 0.5, 3.0, 0.2, 0.1], index=[2013, 2014, 2015, 2016, 2017])
    assert liquidity.first_liquid_year(shares) == 2016
    assert liquidity.first_liquid_year(pd.Series([5.0, 4.0], index=[2013, 2014])) is None


def test_same_liquidity_class():
    assert liquidity.same_liquidity_class(0.0, 0.4)
    assert not liquidity.same_liquidity_class(0.0, 0.7)
    assert liquidity.same_liquidity_class(30.0, 50.0)
    assert not liquidity.same_liquidity_class(10.0, 25.0)


def test_table2_claims_cover_every_year_and_judge_cells():
    paper = papers.huang_table2()
    years = list(range(2018, 2023))
    binance = pd.DataFrame({c: [0.0, 0.3, 0.1, 0.05, 0.0] for c in ("15min", "30min", "45min", "60min")}, index=years)
    kraken = pd.DataFrame({"60min": [40.0, 62.0, 50.0, 2.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0]},
                          index=list(range(2013, 2023)))
    claims = {c.id: c for c in liquidity.table2_claims(paper, binance, kraken, outage_pct=1.231)}
    for year in paper.index:
        assert claims[f"huang.T2.{year}.1min"].verdict == "not comparable"
    # other exchanges than the paper's Bitstamp: not comparable, with the liquidity class in the note
    assert claims["huang.T2.2014.60min_kraken"].judgement.reason == "other_exchange"
    assert claims["huang.T2.2014.60min_kraken"].note.startswith("another liquidity class")
    assert claims["huang.T2.2019.15min_binance"].note.startswith("same liquidity class")
    assert "huang.T2.2013.60min_kraken" not in claims  # partial first year of the file
    assert "huang.T2.2022.15min_binance" not in claims  # outside the paper's sample
    assert claims["huang.T2.2015.20-60min_outage"].verdict == "reproduced"
    assert claims["huang.S2.sample_start.kraken_60min"].ours == 2017
    assert claims["huang.S2.sample_start.kraken_60min"].verdict == "not comparable"


def test_summary_stats_layout_and_values():
    s = pd.Series([1.0, 2.0, 3.0, np.nan, 10.0])
    stats = rv_signature.summary_stats(s)
    assert list(stats.index) == list(rv_signature.TABLE4_STATS)
    assert stats["count"] == 4 and stats["mean"] == 4.0 and stats["max"] == 10.0
    assert stats["kurtosis"] == pytest.approx(s.dropna().kurt())
    table = rv_signature.summary_table({("1D", "original"): s, ("1D", "pre-averaged"): s / 2})
    assert table.loc["mean", ("1D", "pre-averaged")] == 2.0


def test_implied_daily_vol_and_largest_decline():
    assert rv_signature.implied_daily_vol_pct(365 * 0.0004) == pytest.approx(2.0)
    sig = pd.DataFrame({"frequency": ["5min", "10min", "15min", "30min"], "average_rv": [1.0, 0.9, 0.88, 0.85]})
    sig["pct_change"] = 100 * sig["average_rv"].pct_change()
    assert rv_signature.largest_decline_after(sig, "10min") == pytest.approx(100 * (1 - 0.85 / 0.88))


def test_table3_claims_match_frequencies():
    paper = papers.huang_table3()
    ours = pd.DataFrame({"frequency": ["15min", "60min", "4h"], "average_rv": [0.00206, 0.0025, 0.001]})
    claims = {c.id: c for c in rv_signature.table3_claims(paper, {"x": ours})}
    assert claims["huang.T3.15min.average_rv_x"].judgement.reason == "other_period"  # Binance 2018-22, Bitstamp 2014-21
    assert "ours / paper" in claims["huang.T3.60min.average_rv_x"].note
    assert not any("4h" in k for k in claims)
    assert claims["huang.T3.1min.average_rv"].judgement.reason == "no_data"


def test_faithful_log_rv_is_log_annualised_rolling_std():
    from volrep.chapters import rough_hurst

    rng = np.random.default_rng(0)
    close = pd.Series(100 * np.exp(np.cumsum(0.01 * rng.standard_normal(60))),
                      index=pd.bdate_range("2020-01-01", periods=60))
    x = rough_hurst.faithful_log_rv(close)
    r = np.log(close).diff().dropna()
    assert len(x) == len(r) - 21
    assert x.iloc[0] == pytest.approx(np.log(np.sqrt(252) * r.iloc[:22].std()))


def test_log_vol_from_rv_drops_and_counts_nonpositive_days():
    from volrep.chapters import rough_hurst

    rv_ = pd.Series([1e-4, 0.0, np.nan, 4e-4])
    x, dropped = rough_hurst.log_vol_from_rv(rv_, 252)
    assert dropped == 2 and len(x) == 2
    assert x.iloc[1] - x.iloc[0] == pytest.approx(np.log(2.0))


def test_estimate_all_recovers_h_with_the_unbiased_methods():
    from volrep import sim
    from volrep.chapters import rough_hurst

    path = pd.Series(sim.fbm(3000, 0.15, np.random.default_rng(1)))
    for usage in ("paper", "textbook"):
        est = rough_hurst.estimate_all(path, usage=usage, n_boot=0)
        assert list(est.index) == list(rough_hurst.METHODS)
        assert abs(est.loc["gjr", "hurst"] - 0.15) < 0.05
    textbook = rough_hurst.estimate_all(path, usage="textbook", n_boot=0)
    assert abs(textbook.loc["dfa", "hurst"] - 0.15) < 0.08 and textbook.loc["dfa", "input"] == "differences"
    assert rough_hurst.estimate_all(path.iloc[:800], usage="paper", n_boot=0).loc["wavelet", "r2"] > 0  # capped depth


def test_describe_uses_pearson_kurtosis():
    from volrep.chapters import rough_hurst

    x = pd.Series(np.random.default_rng(2).standard_normal(20_000))
    d = rough_hurst.describe(x)
    assert abs(d["kurtosis"] - 3.0) < 0.1 and list(d.index) == ["mean", "std", "skewness", "kurtosis", "min", "max"]


def test_table_claims_for_dhansoia():
    from volrep.chapters import rough_hurst

    paper1, paper2 = papers.dhansoia_table1(), papers.dhansoia_table2()
    est = pd.DataFrame({"hurst": [0.13, 0.5, 0.12, 0.5, 0.12], "slope": [0.13, 0.5, 0.24, -2.0, np.nan],
                        "input": ["levels"] * 5}, index=list(rough_hurst.METHODS))
    claims = {c.id: c for c in rough_hurst.table1_claims(paper1, {("spx", "x"): est}, {"x": "proper"})}
    assert claims["dhansoia.T1.spx.rs_x"].verdict == "reproduced"
    assert claims["dhansoia.T1.spx.dfa_x"].verdict == "not reproduced"
    assert claims["dhansoia.T1.spx.wavelet_slope_x"].ours == -2.0 and claims["dhansoia.T1.spx.wavelet_slope_x"].verdict == "reproduced"
    stats = pd.Series({"mean": -4.25, "std": 1.5, "skewness": 0.7, "kurtosis": 4.0, "min": -6.0, "max": -1.2})
    claims2 = {c.id: c.verdict for c in rough_hurst.table2_claims(paper2, {"spx": stats}, "faithful", "y")}
    assert claims2["dhansoia.T2.spx.mean_y"] == "reproduced" and claims2["dhansoia.T2.spx.std_y"] == "not reproduced"
    assert claims2["dhansoia.T2.spx.min_y"] == "not reproduced" and claims2["dhansoia.T2.spx.kurtosis_y"] == "reproduced"


def test_baselines_tables_and_table5_claims():
    from volrep.chapters import baselines as ch

    idx = pd.date_range("2020-01-01", periods=4, freq="D")
    actual = {1: pd.Series([1.0, 2.0, 3.0, 4.0], index=idx)}
    forecasts = {"HAR": {1: pd.Series([1.0, 2.0, 3.0, 5.0], index=idx)}, "GARCH(1, 1)": {1: pd.Series([2.0, 3.0, 4.0, 5.0], index=idx)}}
    rmse = ch.error_table(forecasts, actual)
    assert rmse.loc["HAR", 1] == pytest.approx(0.5) and rmse.loc["GARCH(1, 1)", 1] == pytest.approx(1.0)
    rel = 100 * evaluate.relative_power(rmse, rmse.loc["HAR"])
    assert rel.loc["GARCH(1, 1)", 1] == pytest.approx(-100.0) and rel.loc["HAR", 1] == 0
    claims = {c.id: c for c in ch.table5_claims(papers.huang_table5(), rel, source="x", variant="proper")}
    assert claims["huang.T5B.GARCH(1,1).h1_x"].verdict == "not reproduced"  # -100 vs the paper's -19.9
    assert claims["huang.S5.1.har_beats_garch.h1_x"].ours == 1.0
    assert claims["huang.S5.1.garch_spread_pp_x"].ours == 0.0


def test_naive_forecasts_and_targets_by_horizon():
    from volrep import targets
    from volrep.chapters import baselines as ch

    s = pd.Series(np.arange(100.0), index=pd.date_range("2020-01-01", periods=100, freq="D"))
    split = targets.named_split(s.index, "huang_90_10")
    actual = ch.targets_by_horizon(s, split, [1, 7], "point")
    assert actual[7].index[0] == split.train_end and actual[7].iloc[0] == s.loc[split.train_end] + 7
    naive = ch.naive_forecasts(s, split, [7], window=3)
    assert naive["persistence"][7].iloc[0] == s.loc[split.train_end]
    assert naive["moving average (3 d)"][7].iloc[0] == s.loc[split.train_end] - 1


def test_sequence_data_windows_end_at_origin_and_target_next_day():
    from volrep import targets
    from volrep.chapters import transfer_lstm

    s = pd.Series(np.arange(200.0), index=pd.date_range("2020-01-01", periods=200, freq="D"))
    split = targets.named_split(s.index, "dhansoia_50_25_25")
    d = transfer_lstm.sequence_data(s, split, lookback=20)
    for part in ("train", "val", "test"):
        last = d.to_units(d.x[part][:, -1, 0])
        np.testing.assert_allclose(last, s.loc[d.dates[part]].to_numpy())  # window ends at the origin
        np.testing.assert_allclose(d.to_units(d.y[part]), s.loc[d.dates[part]].to_numpy() + 1)  # next day
    assert d.dates["train"][0] == s.index[19] and d.dates["train"][-1] + pd.Timedelta(days=1) == split.train_end
    assert d.scaler.mean[0] == pytest.approx(s.loc[split.dates("train")].mean())  # fitted on training days only


def test_transfer_table4_and_table5_claims():
    from volrep.chapters import transfer_lstm

    gains = pd.DataFrame({"rmse": [10.0, 12.0, 11.0], "mae": [-1.0, -2.0, -1.5], "r2": [7.0, 6.0, 8.0],
                          "correlation": [2.0, 2.5, 1.5]})
    claims = {c.id: c for c in transfer_lstm.table4_claims(papers.dhansoia_table4(), gains, source="x", variant="proper",
                                                           profile="quick", provisional=True)}
    assert claims["dhansoia.T4.rmse.improvement_x"].verdict == "reproduced"
    assert claims["dhansoia.T4.mae.improvement_x"].verdict == "not reproduced"  # opposite sign, 1.57 > 2 seed sd
    assert claims["dhansoia.T4.correlation.improvement_x"].verdict == "partly"  # same sign, within a factor 2
    assert claims["dhansoia.T4.transfer_beats_scratch_share_x"].ours == 1.0
    assert all(c.provisional for c in claims.values())
    assert "opposite signs" in claims["dhansoia.T4.mae.improvement_x"].judgement.detail
    vs_har = pd.Series({"differential_lr": -50.0, "gradual_unfreezing": -25.0, "aggressive_finetune": -100.0})
    t5 = {c.id: c.verdict for c in transfer_lstm.table5_claims(papers.dhansoia_table5(), vs_har, source="x", variant="proper")}
    assert t5["dhansoia.T5.differential_lr.vs_har_pct_x"] == "reproduced"
    assert t5["dhansoia.T5.gradual_unfreezing.vs_har_pct_x"] == "partly"  # −25 vs −40.9: within a factor 2
    assert t5["dhansoia.T5.aggressive_finetune.vs_har_pct_x"] == "not reproduced"  # −100 vs −31.8: three times
