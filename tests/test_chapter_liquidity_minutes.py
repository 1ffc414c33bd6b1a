"""Chapter 01 on 1-minute klines: outages (absent minutes) apart from quiet minutes (present, zero trades)."""

import numpy as np
import pandas as pd
import pytest

from volrep import papers, rv
from volrep.chapters import liquidity
from volrep.errors import ConfigError, DataError


def _day(start="2019-03-01", tz=None, trades=5):
    idx = pd.date_range(start, periods=1440, freq="min", tz=tz, name="timestamp")
    return pd.DataFrame({"close": 100.0, "trades": pd.array(np.full(1440, trades), dtype="Int64")}, index=idx)


def _scenario(tz=None):
    """One day: minutes 0-9 absent (an outage), 20-29 present with zero trades (a quiet market), minute 35 absent
    and minute 45 quiet inside traded 10-minute intervals, and 50 absent + 51-59 quiet (an outage edge)."""
    bars = _day(tz=tz)
    bars.iloc[20:30, bars.columns.get_loc("trades")] = 0
    bars.iloc[45, bars.columns.get_loc("trades")] = 0
    bars.iloc[51:60, bars.columns.get_loc("trades")] = 0
    drop = list(range(0, 10)) + [35, 50]
    return bars.drop(bars.index[drop])


@pytest.mark.parametrize("tz", [None, "UTC"])
def test_missing_minute_is_not_a_zero_trade_minute(tz):
    bars = _scenario(tz)
    shares = liquidity.minute_trade_shares(bars, [1, 10], start="2019-03-01", end="2019-03-02")
    day = 1440
    # 1 minute: 12 absent minutes, 20 quiet ones (20-29, 45, 51-59)
    assert shares.loc[2019, ("missing", "1min")] == pytest.approx(100 * 12 / day)
    assert shares.loc[2019, ("zero trades", "1min")] == pytest.approx(100 * 20 / day)
    assert shares.loc[2019, ("no trade", "1min")] == pytest.approx(100 * 32 / day)
    # 10 minutes: 0-9 (all absent) and 50-59 (one absent, the rest quiet) are outages; 20-29 is a quiet market;
    # 30-39 and 40-49 traded despite an absent and a quiet minute
    assert shares.loc[2019, ("missing", "10min")] == pytest.approx(100 * 2 / 144)
    assert shares.loc[2019, ("zero trades", "10min")] == pytest.approx(100 * 1 / 144)
    assert shares.loc[2019, ("no trade", "10min")] == pytest.approx(100 * 3 / 144)
    assert list(shares.columns.get_level_values("measure").unique()) == list(liquidity.MEASURES)


def test_no_trade_equals_the_bar_share_of_the_rv_module():
    bars = _scenario()
    shares = liquidity.minute_trade_shares(bars, [1, 5, 15, 60], start="2019-03-01", end="2019-03-02")
    ref = 100 * rv.zero_trade_share_bars(bars, ["1min", "5min", "15min", "60min"], trades="trades",
                                         start="2019-03-01", end="2019-03-02", bar_interval="1min")
    np.testing.assert_allclose(shares["no trade"].to_numpy(), ref.to_numpy(), atol=1e-12)


def test_shares_and_counts_split_by_year_and_count_absent_days():
    bars = pd.concat([_day("2018-12-31"), _day("2019-01-01")])
    bars.iloc[100, bars.columns.get_loc("trades")] = 0  # 2018: one quiet minute
    bars = bars.drop(bars.index[[1440 + 7, 1440 + 8]])  # 2019: two absent minutes
    shares = liquidity.minute_trade_shares(bars, [1], start="2018-12-31", end="2019-01-03")  # 2 Jan: no bars
    assert shares.loc[2018, ("zero trades", "1min")] == pytest.approx(100 / 1440)
    assert shares.loc[2018, ("missing", "1min")] == 0
    assert shares.loc[2019, ("missing", "1min")] == pytest.approx(100 * (2 + 1440) / 2880)
    counts = liquidity.minute_counts(bars, start="2018-12-31", end="2019-01-03")
    assert counts.to_dict("index") == {2018: {"calendar": 1440, "missing": 0, "zero trades": 1},
                                       2019: {"calendar": 2880, "missing": 1442, "zero trades": 0}}


def test_minute_shares_validate_input():
    bars = _day()
    with pytest.raises(ConfigError):
        liquidity.minute_trade_shares(bars, [7], start="2019-03-01", end="2019-03-02")  # 7 does not divide a day
    with pytest.raises(ConfigError):
        liquidity.minute_trade_shares(bars, [1], start="2019-03-01 06:00", end="2019-03-02")
    shifted = bars.copy()
    shifted.index = shifted.index + pd.Timedelta("30s")
    with pytest.raises(DataError, match="minute grid"):
        liquidity.minute_trade_shares(shifted, [1], start="2019-03-01", end="2019-03-02")
    with pytest.raises(DataError, match="increasing"):
        liquidity.minute_trade_shares(pd.concat([bars.iloc[:3], bars.iloc[2:]]), [1],
                                      start="2019-03-01", end="2019-03-02")
    negative = bars.copy()
    negative.iloc[5, negative.columns.get_loc("trades")] = -1
    with pytest.raises(DataError, match="non-negative"):
        liquidity.minute_trade_shares(negative, [1], start="2019-03-01", end="2019-03-02")


def _ours(years, value, cols=("1min", "5min", "10min", "15min", "30min", "45min", "60min")):
    return pd.DataFrame({c: [value] * len(years) for c in cols}, index=pd.Index(years, name="year"))


def test_table2_claims_give_binance_minutes_a_number_and_the_10min_rule_a_verdict():
    paper = papers.huang_table2()
    years = list(range(2018, 2023))
    binance = _ours(years, 0.3)
    missing = _ours(years, 0.29)
    kraken = pd.DataFrame({"60min": [40.0, 62.0, 50.0, 2.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0]},
                          index=list(range(2013, 2023)))
    claims = {c.id: c for c in liquidity.table2_claims(paper, binance, kraken, 1.231, missing)}
    one = claims["huang.T2.2019.1min"]
    assert one.ours == 0.3 and one.judgement.reason == "other_exchange"
    assert one.note.startswith("another liquidity class") and "outages 0.29 pp" in one.note
    assert claims["huang.T2.2013.1min"].judgement.reason == "no_data" and claims["huang.T2.2013.1min"].ours is None
    assert claims["huang.T2.2021.10min_binance"].note.startswith("same liquidity class")
    assert "huang.T2.2019.1min_binance" not in claims  # the 1-minute column keeps its id
    assert "huang.T2.2022.10min_binance" not in claims  # outside the paper's sample
    rule = claims["huang.S2.liquid_10min.binance"]
    assert rule.verdict == "reproduced" and rule.ours == 0.3
    assert rule.paper == float(paper.loc[2018:2021, "10min"].max())
    binance.loc[2020, "10min"] = 1.5  # one year above the paper's 1 % threshold
    claims = {c.id: c for c in liquidity.table2_claims(paper, binance, kraken, 1.231)}
    assert claims["huang.S2.liquid_10min.binance"].verdict == "not reproduced"
    assert "outages" not in claims["huang.T2.2019.1min"].note
    assert len(claims) == len(liquidity.table2_claims(paper, binance, kraken, 1.231))  # ids unique


def test_measure_finding_follows_the_outage_evidence():
    paper = papers.huang_table2()
    bars = _scenario()
    shares = liquidity.minute_trade_shares(bars, [10], start="2019-03-01", end="2019-03-02")
    outage = liquidity.outage_share(*papers.HUANG_BITSTAMP_OUTAGE)
    text = liquidity.measure_finding(paper, outage, shares, "10min")
    assert "counts an outage" in text and "**no trade**" in text
    assert "66.7% of the 10min intervals without a trade" in text  # 2 of the 3 empty intervals are outages
    other = liquidity.measure_finding(paper, 3 * outage, shares, "10min")
    assert "counts an outage" not in other and "do not show" in other
