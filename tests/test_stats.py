"""Diebold-Mariano with the HLN correction: hand-computed statistic, size and power."""

import numpy as np
import pytest
from scipy import stats as sps

from volrep.errors import ConfigError, DataError
from volrep.stats import diebold_mariano


def test_statistic_matches_hand_computation_h1():
    e1 = np.array([0.1, -0.2, 0.3, -0.1, 0.2, 0.0, -0.3, 0.1, 0.2, -0.1, 0.4, -0.2])
    e2 = np.array([0.3, -0.1, 0.5, -0.4, 0.1, 0.2, -0.5, 0.3, 0.1, -0.3, 0.6, -0.1])
    d = e1**2 - e2**2
    n = d.size
    dm = d.mean() / np.sqrt(np.mean((d - d.mean()) ** 2) / n)
    hln = dm * np.sqrt((n + 1 - 2 + 0) / n)
    res = diebold_mariano(e1, e2)
    assert res.statistic == pytest.approx(hln)
    assert res.pvalue == pytest.approx(2 * sps.t.sf(abs(hln), n - 1))
    assert res.statistic < 0  # model 1 has the smaller squared errors
    assert diebold_mariano(e1, e2, alternative="less").pvalue == pytest.approx(res.pvalue / 2)


def test_long_run_variance_uses_h_minus_one_lags():
    rng = np.random.default_rng(0)
    e1, e2 = rng.standard_normal(200), rng.standard_normal(200)
    d = e1**2 - e2**2
    dc, n = d - d.mean(), d.size
    g = [dc @ dc / n, dc[1:] @ dc[:-1] / n, dc[2:] @ dc[:-2] / n]
    lrv = g[0] + 2 * (g[1] + g[2])
    expected = d.mean() / np.sqrt(lrv / n) * np.sqrt((n + 1 - 6 + 3 * 2 / n) / n)
    assert diebold_mariano(e1, e2, horizon=3).statistic == pytest.approx(expected)


def test_size_and_power():
    rng = np.random.default_rng(1)
    rejections = sum(diebold_mariano(rng.standard_normal(250), rng.standard_normal(250)).pvalue < 0.05 for _ in range(400))
    assert 0.02 < rejections / 400 < 0.09  # about the nominal 5 % under the null
    better = diebold_mariano(0.7 * rng.standard_normal(250), rng.standard_normal(250), alternative="less")
    assert better.pvalue < 0.01


def test_bad_input():
    with pytest.raises(DataError, match="errors_1 and errors_2 aligned one to one.*5 errors_1 value"):
        diebold_mariano(np.zeros(5), np.zeros(6))
    with pytest.raises(DataError):
        diebold_mariano(np.r_[np.nan, np.ones(20)], np.ones(21))
    with pytest.raises(DataError):
        diebold_mariano(np.ones(20), np.ones(20))
    with pytest.raises(ConfigError):
        diebold_mariano(np.ones(20), np.zeros(20), loss="huber")
