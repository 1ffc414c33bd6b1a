"""The forecaster interface: each adapter equals its underlying function, forecasts are indexed by origin in
decimal variance, use no data after the origin, and honour an explicit seed."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from volrep import targets
from volrep.errors import ConfigError
from volrep.models import baselines, forecaster, garch, har

HORIZONS = (1, 7)


def _rv_and_returns(n=400, seed=0):
    """Daily GARCH(1, 1) returns (decimal) and a noisy RV of their variance, on one calendar index."""
    rng = np.random.default_rng(seed)
    var, r = np.empty(n), np.empty(n)
    var[0] = 4e-4
    for t in range(n):
        if t:
            var[t] = 2e-5 + 0.1 * r[t - 1] ** 2 + 0.85 * var[t - 1]
        r[t] = np.sqrt(var[t]) * rng.standard_normal()
    idx = pd.date_range("2020-01-01", periods=n, freq="D")
    rv = var * rng.lognormal(-0.125, 0.5, n)
    return pd.Series(rv, idx, name="rv"), pd.Series(r, idx, name="r")


@pytest.fixture(scope="module")
def data():
    rv, r = _rv_and_returns()
    return rv, r, targets.named_split(rv.index, "huang_90_10")


def _lookahead_free(model, series, split, origin, *, seed=None):
    """Whether the forecasts at ``origin`` are unchanged when every value after it is multiplied by 3."""
    perturbed = series.where(series.index <= origin, 3 * series)
    at = dict.fromkeys(HORIZONS, pd.DatetimeIndex([origin]))
    before = model.fit(series, split, HORIZONS, seed=seed).forecast(at)
    after = model.fit(perturbed, split, HORIZONS, seed=seed).forecast(at)
    return all(np.allclose(before[h], after[h], rtol=1e-12, atol=0) for h in HORIZONS)


@dataclass(frozen=True)
class _Leaky:
    """A deliberately wrong forecaster: it reads the next day's value."""

    label: str = "leaky"

    def fit(self, series, split, horizons, *, seed=None):
        return forecaster.Network(lambda s, sp, h, sd: s.shift(-1), lambda m, o: m.loc[o]).fit(series, split, horizons)


def test_har_and_log_har_adapters_equal_fit_har(data):
    rv, _, split = data
    for log in (False, True):
        model = forecaster.HAR(windows=(1, 7, 30), kind="mean", log=log)
        assert model.label == ("log-HAR" if log else "HAR")
        out = forecaster.out_of_sample(model, rv, split, HORIZONS)
        for h in HORIZONS:
            fit = har.fit_har(rv, h, split.origins("train", h), windows=(1, 7, 30), kind="mean", log=log)
            expected = har.har_forecast(fit, rv, split.origins("test", h))
            pd.testing.assert_series_equal(out[h], expected.rename(model.label).rename_axis("origin"), check_exact=True)


def test_naive_adapters_equal_baselines(data):
    rv, _, split = data
    persistence = forecaster.out_of_sample(forecaster.Persistence(), rv, split, HORIZONS)
    ma = forecaster.out_of_sample(forecaster.MovingAverage(5), rv, split, HORIZONS)
    for h in HORIZONS:
        origins = split.origins("test", h)
        np.testing.assert_array_equal(persistence[h], baselines.persistence_forecast(rv, origins))
        np.testing.assert_array_equal(ma[h], baselines.moving_average_forecast(rv, origins, 5))
    assert ma[1].name == "moving average (5 d)"
    with pytest.raises(ConfigError, match="window must be positive"):
        forecaster.out_of_sample(forecaster.MovingAverage(0), rv, split, HORIZONS)


def test_garch_adapter_equals_garch_forecasts(data):
    _, r, split = data
    spec = garch.GarchSpec("garch", 1, 1)
    out = forecaster.out_of_sample(forecaster.GARCH(spec, kind="point"), r, split, HORIZONS)
    table = garch.garch_forecasts(r, spec, origins=split.origins("test", 1), horizons=HORIZONS,
                                  train_end=split.train_end)
    for h in HORIZONS:
        np.testing.assert_array_equal(out[h], table[f"point_h{h}"].loc[split.origins("test", h)])
        assert out[h].name == "GARCH(1, 1)"


def test_forecasts_are_indexed_by_origin_in_decimal_variance(data):
    rv, r, split = data
    origins = {h: split.origins("test", h) for h in HORIZONS}
    for model, series in ((forecaster.HAR(), rv), (forecaster.Persistence(), rv),
                          (forecaster.GARCH(garch.GarchSpec("gjr", 1, 1)), r)):
        out = model.fit(series, split, HORIZONS).forecast(origins)
        assert list(out) == list(HORIZONS)
        for h, fc in out.items():
            assert isinstance(fc.index, pd.DatetimeIndex) and fc.index.name == "origin" and fc.index.equals(origins[h])
            # decimal daily variance: the level of the simulated RV (~1e-3 or below), not percent² or basis points
            assert 1e-6 < fc.median() < 1e-2
        with pytest.raises(ConfigError, match="not fitted"):
            model.fit(series, split, (1,)).forecast(origins)
    assert isinstance(forecaster.HAR(), forecaster.Forecaster)
    assert isinstance(forecaster.HAR().fit(rv, split, HORIZONS), forecaster.Fitted)


def test_no_lookahead_and_the_check_can_fail(data):
    rv, r, split = data
    origin = split.origins("test", 1)[10]
    assert _lookahead_free(forecaster.HAR(), rv, split, origin)
    assert _lookahead_free(forecaster.HAR(log=True), rv, split, origin)
    assert _lookahead_free(forecaster.MovingAverage(5), rv, split, origin)
    assert _lookahead_free(forecaster.GARCH(garch.GarchSpec("garch", 1, 1)), r, split, origin)
    assert not _lookahead_free(_Leaky(), rv, split, origin)


def test_seed_is_explicit_and_honoured(data):
    _, r, split = data
    model = forecaster.GARCH(garch.GarchSpec("tgarch", 1, 1))
    origins = dict.fromkeys(HORIZONS, split.origins("test", 7)[:5])
    a, b, c = (model.fit(r, split, HORIZONS, seed=s).forecast(origins) for s in (3, 3, 4))
    pd.testing.assert_series_equal(a[7], b[7])
    assert not np.allclose(a[7], c[7]) and np.allclose(a[1], c[1])  # simulated multi-step only; one step is exact
    default = model.fit(r, split, HORIZONS).forecast(origins)
    pd.testing.assert_series_equal(default[7], model.fit(r, split, HORIZONS, seed=0).forecast(origins)[7])

    seen = []
    net = forecaster.Network(lambda s, sp, h, sd: seen.append((h, sd)) or s.rolling(3).mean(),
                             lambda m, o: m.loc[o], name="toy net")
    out = forecaster.out_of_sample(net, r.abs(), split, HORIZONS, seed=11)
    assert seen == [(1, 11), (7, 11)] and out[7].name == "toy net"


def test_horizons_are_checked(data):
    rv, _, split = data
    with pytest.raises(ConfigError, match="distinct positive"):
        forecaster.out_of_sample(forecaster.Persistence(), rv, split, (1, 1))
    with pytest.raises(ConfigError, match="distinct positive"):
        forecaster.HAR().fit(rv, split, ())
