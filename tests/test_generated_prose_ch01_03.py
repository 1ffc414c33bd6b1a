"""Helpers that build the generated sentences of chapters 01 and 03."""

import math

import numpy as np
import pandas as pd

from volrep.chapters.rough_hurst import fmt_range


def test_fmt_range_collapses_values_equal_at_the_shown_precision():
    assert fmt_range([0.149, 0.151]) == "0.15"
    assert fmt_range(0.1513) == "0.15"


def test_fmt_range_shows_min_to_max_with_an_en_dash():
    assert fmt_range([0.132, 0.118]) == "0.12\u20130.13"
    assert fmt_range(pd.Series([0.4, 0.6, 0.5]), digits=1) == "0.4\u20130.6"
    assert fmt_range(v for v in (0.05, 0.09)) == "0.05\u20130.09"


def test_fmt_range_writes_negatives_with_the_minus_sign():
    assert fmt_range(-14.726, 1) == "\u221214.7"
    assert fmt_range(np.float64(-2.126)) == "\u22122.13"


def test_fmt_range_ignores_nan_and_reports_no_value():
    assert fmt_range([math.nan, 0.2]) == "0.20"
    assert fmt_range([math.nan]) == "n/a"
    assert fmt_range([]) == "n/a"
