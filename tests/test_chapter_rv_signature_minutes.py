"""Chapter 02 on 1-minute prices: the shape of the signature plot and Table 4 from one price a minute."""

import numpy as np
import pandas as pd
import pytest

from volrep import papers
from volrep.chapters import rv_signature
from volrep.errors import ConfigError


def _signature(avg, freqs=None):
    freqs = freqs or list(papers.huang_table3()["frequency"])
    sig = pd.DataFrame({"frequency": freqs, "average_rv": avg})
    sig["pct_change"] = 100 * sig["average_rv"].pct_change()
    return sig


def test_steepest_fall_of_the_paper_is_from_5_to_10_minutes():
    assert rv_signature.steepest_fall(papers.huang_table3(), "2min") == ("10min", -9.24)
    sig = _signature([3.0, 2.0, 1.9, 1.0], ["1min", "2min", "5min", "10min"])
    assert rv_signature.steepest_fall(sig, "1min")[0] == "10min"
    assert rv_signature.steepest_fall(sig, "2min") == ("10min", pytest.approx(100 * (1.0 / 1.9 - 1)))


def test_shape_claims_reproduce_the_paper_on_its_own_signature():
    paper = papers.huang_table3()
    ours = _signature(paper["average_rv"].to_list())
    claims = {c.id: c for c in rv_signature.signature_shape_claims(paper, ours, "x", "2014-2021")}
    assert set(claims) == {"huang.T3.2min.pct_change_x", "huang.T3.10min.pct_change_x",
                           "huang.T3.steepest_fall.frequency_x", "huang.T3.after10min.largest_decline_pct"}
    assert all(c.verdict == "reproduced" for c in claims.values())
    assert claims["huang.T3.after10min.largest_decline_pct"].paper == 4.76


def test_shape_claims_fail_on_a_flat_noiseless_signature():
    paper = papers.huang_table3()
    n = len(paper)
    avg = np.full(n, 0.002)
    avg[-1] = 0.0018  # the only fall: from 55 to 60 minutes, by 10 %
    claims = {c.id: c for c in rv_signature.signature_shape_claims(paper, _signature(list(avg)), "flat", "2018-2021")}
    assert claims["huang.T3.2min.pct_change_flat"].verdict == "not reproduced"  # no fall from 1 to 2 minutes
    assert claims["huang.T3.10min.pct_change_flat"].verdict == "not reproduced"
    assert claims["huang.T3.steepest_fall.frequency_flat"].verdict == "not reproduced"
    assert claims["huang.T3.steepest_fall.frequency_flat"].ours.startswith("55min to 60min")
    assert claims["huang.T3.after10min.largest_decline_pct"].verdict == "not reproduced"  # 10 % > 4.76 %


def test_shape_claims_need_every_frequency_of_the_paper():
    paper = papers.huang_table3()
    ours = _signature([0.002, 0.002, 0.002], ["1min", "2min", "10min"])
    with pytest.raises(ConfigError, match="lacks"):
        rv_signature.signature_shape_claims(paper, ours, "x", "2018-2021")


def test_table3_claims_use_a_1min_row_when_a_source_has_one():
    paper = papers.huang_table3()
    ours = _signature([0.0021, 0.0020], ["1min", "60min"])
    claims = {c.id: c for c in rv_signature.table3_claims(paper, {"binance": ours}, {"binance": "2018-2021"})}
    assert "huang.T3.1min.average_rv" not in claims
    one = claims["huang.T3.1min.average_rv_binance"]
    assert one.judgement.reason == "other_period" and "binance 2018-2021 vs Bitstamp" in one.judgement.detail
    assert one.ours == 0.0021


def test_table4_claims_judge_the_direction_of_preaveraging():
    paper = papers.huang_table4()
    days = pd.date_range("2020-01-01", periods=4, freq="D")
    original = pd.Series([1.0, 2.0, 10.0, 3.0], index=days)
    claims = {c.id: c for c in rv_signature.table4_claims(paper, original, original * 0.5, 1, "b", "2020")}
    assert claims["huang.T4.1D.mean_original"].judgement.reason == "other_quantity"
    assert claims["huang.T4.10min.mean_preaveraged"].judgement.reason == "no_data"
    assert claims["huang.T4.1D.mean_cut_b"].ours == 50.0 and claims["huang.T4.1D.mean_cut_b"].verdict == "reproduced"
    assert claims["huang.T4.1D.max_cut_b"].verdict == "reproduced"
    assert claims["huang.T4.1D.max_cut_b"].paper == pytest.approx(100 * (1 - 286.56 / 26016.85), abs=0.01)
    assert "2020-01-03" in claims["huang.T4.1D.max_cut_b"].note  # the largest day
    smoothed = original.copy()
    smoothed.iloc[2] = 11.0  # pre-averaging raises the largest day
    smoothed.iloc[[0, 1, 3]] = 0.1
    claims = {c.id: c for c in rv_signature.table4_claims(paper, original, smoothed, 3, "b", "2020")}
    assert claims["huang.T4.1D.max_cut_b"].verdict == "not reproduced"
    assert claims["huang.T4.1D.mean_cut_b"].verdict == "reproduced"
    assert "huang.T4.10min.mean_preaveraged" not in claims  # k_n >= 2: pre-averaging is possible


def test_minute_preaveraging_caveat_computes_the_windows():
    text = rv_signature.minute_preaveraging_caveat(0.4, {"10min": 10, "1D": 1440})
    assert "k_n = [0.4·√10] = 1" in text and "impossible" in text and "15 returns per interval" in text
    assert "k_n = [0.4·√1440] = 15" in text and "k_n = 10" in text  # footnote 10: n = 600
    assert "impossible" not in rv_signature.minute_preaveraging_caveat(1.0, {"10min": 10})  # k_n = 3
