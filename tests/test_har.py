"""HAR recovers known coefficients on simulated HAR data; baselines use only the past."""

import numpy as np
import pandas as pd
import pytest

from volrep import targets
from volrep.errors import ConfigError
from volrep.models import baselines, har


def _simulate_har(n, beta, rng, windows=(1, 5, 22)):
    """RV_{t+1} = b0 + bd RV_t + bw mean5 + bm mean22 + e, kept positive by a modest noise."""
    x = np.full(n, beta[0] / (1 - sum(beta[1:])))
    for t in range(max(windows), n - 1):
        x[t + 1] = beta[0] + sum(b * x[t - w + 1:t + 1].mean() for b, w in zip(beta[1:], windows)) + 0.05 * rng.standard_normal()
    return pd.Series(x, index=pd.date_range("2000-01-01", periods=n, freq="D"))


def test_har_recovers_known_coefficients():
    beta = (0.1, 0.4, 0.3, 0.2)
    rv = _simulate_har(6000, beta, np.random.default_rng(0))
    split = targets.named_split(rv.index, "huang_90_10")
    fit = har.fit_har(rv.iloc[30:], 1, split.origins("train", 1)[30:])
    np.testing.assert_allclose(fit.params.to_numpy(), beta, atol=0.06)
    assert (fit.bse > 0).all() and fit.hac_lags == 5 and 0 < fit.rsquared < 1


def test_har_forecast_matches_manual_prediction():
    rv = _simulate_har(600, (0.1, 0.4, 0.3, 0.2), np.random.default_rng(1))
    split = targets.named_split(rv.index, "huang_90_10")
    fit = har.fit_har(rv, 7, split.origins("train", 7), windows=(1, 7, 30), kind="mean")
    test = split.origins("test", 7)
    fc = har.har_forecast(fit, rv, test)
    feats = targets.har_features(rv, (1, 7, 30)).loc[test]
    manual = fit.params["const"] + feats.to_numpy() @ fit.params.drop("const").to_numpy()
    np.testing.assert_allclose(fc.to_numpy(), manual)
    assert fit.hac_lags == 7


def test_log_har_and_no_look_ahead():
    rng = np.random.default_rng(2)
    rv = pd.Series(np.exp(rng.standard_normal(800) * 0.5 - 8), index=pd.date_range("2010-01-01", periods=800, freq="D"))
    split = targets.named_split(rv.index, "huang_80_20")
    train = split.origins("train", 1)
    fit = har.fit_har(rv, 1, train, log=True)
    later = rv.copy()
    later[later.index > split.train_end] *= 50
    fit2 = har.fit_har(later, 1, train, log=True)
    pd.testing.assert_series_equal(fit.params, fit2.params)
    test = split.origins("test", 1)
    mean_fc = har.har_forecast(fit, rv, test)
    median_fc = har.har_forecast(fit, rv, test, lognormal_correction=False)
    assert (mean_fc > median_fc).all() and (median_fc > 0).all()


def test_baselines():
    s = pd.Series(np.arange(30.0), index=pd.date_range("2020-01-01", periods=30, freq="D"))
    origins = s.index[25:]
    np.testing.assert_array_equal(baselines.persistence_forecast(s, origins), np.arange(25.0, 30.0))
    np.testing.assert_allclose(baselines.moving_average_forecast(s, origins, 5), np.arange(23.0, 28.0))
    with pytest.raises(ConfigError, match="moving-average window must be positive, got 0"):
        baselines.moving_average_forecast(s, origins, 0)


def test_har_matches_arch_harx_an_independent_implementation():
    """Corsi's HAR (1, 5, 22) by our OLS on training origins against ``arch.univariate.HARX`` (its own design
    matrix and least squares) on the same simulated series: same coefficients and one-day forecast."""
    from arch.univariate import HARX

    rng = np.random.default_rng(0)
    v = np.empty(600)
    v[0] = 1.0
    for t in range(1, len(v)):
        v[t] = 0.1 + 0.85 * v[t - 1] + 0.3 * rng.gamma(1.0, 1.0)
    s = pd.Series(v, index=pd.date_range("2020-01-01", periods=len(v), freq="D"))
    ours = har.fit_har(s, 1, s.index, windows=(1, 5, 22), kind="point")
    theirs = HARX(s.to_numpy(), lags=[1, 5, 22], rescale=False).fit(disp="off")
    assert ours.nobs == theirs.nobs
    np.testing.assert_allclose(ours.params.to_numpy(), theirs.params.to_numpy()[:4], rtol=1e-10)
    last = s.index[-1:]
    np.testing.assert_allclose(har.har_forecast(ours, s, last).to_numpy(),
                               theirs.forecast(horizon=1).mean.to_numpy()[-1], rtol=1e-10)
