"""Chapter glue: verdict rules and the paper-layout helpers."""

import numpy as np
import pandas as pd
import pytest

from volrep import papers
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
    assert claims["huang.T2.2014.60min_kraken"].verdict == "not reproduced"
    assert claims["huang.T2.2019.15min_binance"].verdict == "reproduced"
    assert "huang.T2.2013.60min_kraken" not in claims  # partial first year of the file
    assert "huang.T2.2022.15min_binance" not in claims  # outside the paper's sample
    assert claims["huang.T2.2015.20-60min_outage"].verdict == "reproduced"
    assert claims["huang.S2.sample_start.kraken_60min"].ours == 2017


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
    assert claims["huang.T3.15min.average_rv_x"].verdict == "reproduced"
    assert claims["huang.T3.60min.average_rv_x"].verdict == "partly"
    assert not any("4h" in k for k in claims)
    assert claims["huang.T3.1min.average_rv"].verdict == "not comparable"
