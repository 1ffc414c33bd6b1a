"""Tests of volrep.models.garch against direct calls of ``arch``, simulated truth and look-ahead perturbations."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from arch import arch_model
from arch.univariate import GARCH, ConstantMean, Normal
from arch.utility.exceptions import ConvergenceWarning

from volrep.errors import ConfigError, DataError
from volrep.models import garch
from volrep.models.garch import HUANG_GRID, TOL, GarchSpec, fit_garch, garch_forecasts

H = (1, 7, 30)
N_TRAIN = 800


def simulate(params: list[float], nobs: int, seed: int, o: int = 0) -> pd.Series:
    """Decimal daily log returns from a constant-mean GARCH-family model with percent-scale ``params``."""
    vol, dist = GARCH(1, o, 1), Normal(seed=np.random.default_rng(seed))
    model = ConstantMean(None, volatility=vol, distribution=dist)
    sim = model.simulate(params, nobs)
    index = pd.date_range("2018-01-01", periods=nobs, freq="D")
    return pd.Series(sim["data"].to_numpy() / 100, index=index, name="sim")


@pytest.fixture(scope="module")
def returns() -> pd.Series:
    """1,000 days of GJR-GARCH(1, 1) returns (asymmetric, so every family is identified)."""
    return simulate([0.05, 0.2, 0.05, 0.1, 0.85], 1000, seed=3, o=1)


def direct(returns: pd.Series, spec: GarchSpec, **kwargs: object):
    """The arch model written out by hand (not through volrep), on percent returns."""
    return arch_model(returns.to_numpy() * 100, mean="Constant", vol="GARCH", p=spec.p, o=spec.o, q=spec.q,
                      power=spec.power, dist="normal", rescale=False, **kwargs)


def params(frame: pd.DataFrame) -> np.ndarray:
    return frame.filter(like="param_").to_numpy()


# --------------------------------------------------------------------------------------------------------------
# Specifications
# --------------------------------------------------------------------------------------------------------------
def test_huang_grid_is_the_papers_rows() -> None:
    orders = ["(1, 1)", "(2, 1)", "(2, 2)", "(3, 1)", "(3, 2)"]
    expected = [f"{name}{o}" for name in ("GARCH", "TGARCH", "GJR-GARCH") for o in orders]
    assert [s.label for s in HUANG_GRID] == expected
    assert [(s.p, s.o, s.q, s.power) for s in HUANG_GRID[5:7]] == [(1, 1, 1, 1.0), (2, 2, 1, 1.0)]
    assert [(s.o, s.power) for s in (HUANG_GRID[0], HUANG_GRID[14])] == [(0, 2.0), (3, 2.0)]


@pytest.mark.parametrize("spec", [GarchSpec("garch", 2, 1), GarchSpec("tgarch", 1, 1), GarchSpec("gjr", 2, 2)])
def test_fit_is_arch_with_the_documented_orders_and_power(returns: pd.Series, spec: GarchSpec) -> None:
    res = fit_garch(returns, spec, last_obs=returns.index[N_TRAIN - 1])
    vol = res.model.volatility
    assert (vol.p, vol.o, vol.q, vol.power) == (spec.p, spec.o, spec.q, spec.power)
    assert vol.power == (1.0 if spec.family == "tgarch" else 2.0)
    assert sum(name.startswith("gamma") for name in res.params.index) == spec.o
    ref = direct(returns, spec).fit(disp="off", last_obs=N_TRAIN, tol=TOL)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10)
    assert res.loglikelihood == pytest.approx(ref.loglikelihood, rel=1e-12)
    assert res.convergence_flag == 0


# --------------------------------------------------------------------------------------------------------------
# Fixed mode: one estimate, vectorised filter
# --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", [GarchSpec("garch", 1, 1), GarchSpec("gjr", 2, 1)])
def test_fixed_mode_equals_arch_forecast(returns: pd.Series, spec: GarchSpec) -> None:
    origins = returns.index[N_TRAIN - 1 :: 7]
    out = garch_forecasts(returns, spec, origins=origins, horizons=H, train_end=returns.index[N_TRAIN - 1])
    res = direct(returns, spec).fit(disp="off", last_obs=N_TRAIN, tol=TOL)
    var = res.forecast(horizon=max(H), start=N_TRAIN - 1, reindex=False).variance.to_numpy()[:: 7] / 1e4
    np.testing.assert_allclose(params(out), np.tile(res.params.to_numpy(), (len(origins), 1)), rtol=1e-10)
    for h in H:
        np.testing.assert_allclose(out[f"point_h{h}"], var[:, h - 1], rtol=1e-10)
        np.testing.assert_allclose(out[f"mean_h{h}"], var[:, :h].mean(axis=1), rtol=1e-10)
    np.testing.assert_array_equal(out["mean_h1"], out["point_h1"])
    assert (out["fit_origin"] == returns.index[N_TRAIN - 1]).all() and not out["fit_failed"].any()


def test_fixed_mode_vectorised_filter_equals_a_loop_over_truncated_data(returns: pd.Series) -> None:
    """arch's ``forecast(start=...)`` with ``fit(last_obs=...)`` vs one model per origin holding data up to t."""
    spec = GarchSpec("garch", 1, 1)
    origins = returns.index[[N_TRAIN - 1, N_TRAIN + 40, 990]]
    out = garch_forecasts(returns, spec, origins=origins, horizons=H, train_end=returns.index[N_TRAIN - 1])
    est = direct(returns, spec).fit(disp="off", last_obs=N_TRAIN, tol=TOL).params
    for origin, t in zip(origins, returns.index.get_indexer(origins)):
        fixed = direct(returns.iloc[: t + 1], spec).fix(est, last_obs=N_TRAIN)
        var = fixed.forecast(horizon=max(H), start=t, reindex=False).variance.to_numpy()[-1] / 1e4
        np.testing.assert_allclose(out.loc[origin, [f"point_h{h}" for h in H]], var[np.array(H) - 1], rtol=1e-12)


def test_last_obs_is_inclusive(returns: pd.Series) -> None:
    """``fit_garch(last_obs=date)`` includes that date (arch's own ``last_obs`` is exclusive, like a slice)."""
    spec = GarchSpec("garch", 1, 1)
    ours = fit_garch(returns, spec, last_obs=returns.index[N_TRAIN - 1])
    assert (ours.fit_start, ours.fit_stop) == (0, N_TRAIN)
    ref = direct(returns.iloc[:N_TRAIN], spec).fit(disp="off", tol=TOL)
    np.testing.assert_allclose(ours.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10)


def test_invalid_warm_start_falls_back_to_arch_starting_values(returns: pd.Series) -> None:
    spec = GarchSpec("garch", 1, 1)
    explosive = np.array([0.0, 0.2, 0.5, 0.6])  # alpha + beta > 1 breaks arch's stationarity constraint
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warm = fit_garch(returns, spec, last_obs=returns.index[N_TRAIN - 1], starting_values=explosive)
    cold = fit_garch(returns, spec, last_obs=returns.index[N_TRAIN - 1])
    np.testing.assert_array_equal(warm.params.to_numpy(), cold.params.to_numpy())


# --------------------------------------------------------------------------------------------------------------
# Rolling and expanding modes
# --------------------------------------------------------------------------------------------------------------
def test_rolling_estimate_equals_a_cold_fit_on_the_window(returns: pd.Series) -> None:
    spec, window = GarchSpec("garch", 1, 1), 600
    origins = returns.index[N_TRAIN : N_TRAIN + 12]
    out = garch_forecasts(returns, spec, origins=origins, horizons=H, mode="rolling",
                          train_end=returns.index[N_TRAIN - 1], window=window)
    t = N_TRAIN + 11  # the 12th refit, warm-started eleven times
    cold = direct(returns.iloc[t + 1 - window : t + 1], spec)
    default = cold.fit(disp="off")
    np.testing.assert_allclose(params(out)[-1], default.params.to_numpy(), rtol=1e-3)
    tight = cold.fit(disp="off", tol=TOL)
    np.testing.assert_allclose(params(out)[-1], tight.params.to_numpy(), rtol=1e-4)
    var = tight.forecast(horizon=max(H), reindex=False).variance.to_numpy()[-1] / 1e4
    for h in H:
        assert out[f"point_h{h}"].iloc[-1] == pytest.approx(var[h - 1], rel=1e-4)
        assert out[f"mean_h{h}"].iloc[-1] == pytest.approx(var[:h].mean(), rel=1e-4)
    assert (out["fit_origin"] == origins).all()


def test_expanding_estimate_uses_every_return_up_to_the_origin(returns: pd.Series) -> None:
    spec = GarchSpec("gjr", 1, 1)
    origins = returns.index[[N_TRAIN, N_TRAIN + 1, N_TRAIN + 2]]
    out = garch_forecasts(returns, spec, origins=origins, horizons=H, mode="expanding",
                          train_end=returns.index[N_TRAIN - 1])
    cold = direct(returns.iloc[: N_TRAIN + 3], spec).fit(disp="off", tol=TOL)
    np.testing.assert_allclose(params(out)[-1], cold.params.to_numpy(), rtol=1e-4)


def test_refit_every_holds_estimates_and_filters_in_between(returns: pd.Series) -> None:
    spec, window = GarchSpec("garch", 1, 1), 500
    origins = returns.index[N_TRAIN : N_TRAIN + 10]
    out = garch_forecasts(returns, spec, origins=origins, horizons=H, mode="rolling",
                          train_end=returns.index[N_TRAIN - 1], window=window, refit_every=4)
    assert list(out["fit_origin"].unique()) == list(origins[[0, 4, 8]])
    assert (np.diff(params(out)[:4], axis=0) == 0).all() and (params(out)[3] != params(out)[4]).any()
    # origin 6 uses the estimates of origin 4 (window ending there) and filters returns 5 and 6
    t_fit, t = N_TRAIN + 4, N_TRAIN + 6
    fixed = direct(returns.iloc[t_fit + 1 - window : t + 1], spec).fix(params(out)[6], last_obs=window)
    var = fixed.forecast(horizon=max(H), start=window + 1, reindex=False).variance.to_numpy()[-1] / 1e4
    np.testing.assert_allclose(out.iloc[6][[f"point_h{h}" for h in H]].to_numpy(float), var[np.array(H) - 1],
                               rtol=1e-12)


def test_workers_do_not_change_results(returns: pd.Series) -> None:
    kwargs = dict(origins=returns.index[N_TRAIN : N_TRAIN + 10], horizons=H, mode="rolling",
                  train_end=returns.index[N_TRAIN - 1], window=500, warm_chain=4)
    one = garch_forecasts(returns, GarchSpec("garch", 1, 1), workers=1, **kwargs)
    two = garch_forecasts(returns, GarchSpec("garch", 1, 1), workers=2, **kwargs)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


@pytest.mark.parametrize("family, mode, refit_every", [
    ("gjr", "fixed", 1), ("gjr", "rolling", 3), ("gjr", "expanding", 3), ("tgarch", "rolling", 3),
])
def test_no_look_ahead(returns: pd.Series, family: str, mode: str, refit_every: int) -> None:
    """Changing returns after t leaves every forecast made at or before t unchanged."""
    origins = returns.index[N_TRAIN : N_TRAIN + 9]
    cut = N_TRAIN + 3  # a refit origin whose block (origins cut .. cut + 2) runs past it
    shocked = returns.copy()
    shocked.iloc[cut + 1 :] *= np.linspace(3.0, 0.2, len(returns) - cut - 1)
    kwargs = dict(origins=origins, horizons=H, mode=mode, train_end=returns.index[N_TRAIN - 1],
                  refit_every=refit_every, window=None if mode == "expanding" else 600)
    base = garch_forecasts(returns, GarchSpec(family, 1, 1), **kwargs)
    moved = garch_forecasts(shocked, GarchSpec(family, 1, 1), **kwargs)
    upto = origins <= returns.index[cut]
    pd.testing.assert_frame_equal(base[upto], moved[upto], check_exact=True)
    assert not np.allclose(base.loc[~upto, "point_h1"], moved.loc[~upto, "point_h1"])


# --------------------------------------------------------------------------------------------------------------
# TGARCH: simulated multi-step forecasts
# --------------------------------------------------------------------------------------------------------------
def test_tgarch_multistep_is_arch_simulation_with_common_random_numbers(returns: pd.Series,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    spec, sims = GarchSpec("tgarch", 1, 1), 200
    rows = np.r_[N_TRAIN - 1 : N_TRAIN + 69, N_TRAIN + 100 : 1000 : 50]  # a run of 70 origins, then sparse ones
    kwargs = dict(origins=returns.index[rows], horizons=H, train_end=returns.index[N_TRAIN - 1],
                  simulations=sims, seed=5)
    out = garch_forecasts(returns, spec, **kwargs)
    res = direct(returns, spec).fit(disp="off", last_obs=N_TRAIN, tol=TOL)
    shocks = np.random.default_rng(5).standard_normal((sims, max(H)))
    var = res.forecast(horizon=max(H), start=N_TRAIN - 1, method="simulation", simulations=sims,
                       rng=lambda size: shocks, reindex=False).variance.to_numpy()[rows - N_TRAIN + 1] / 1e4
    np.testing.assert_allclose(out["point_h30"], var[:, 29], rtol=1e-12)
    np.testing.assert_allclose(out["mean_h7"], var[:, :7].mean(axis=1), rtol=1e-12)
    one_step = res.forecast(horizon=1, start=N_TRAIN - 1, reindex=False).variance.to_numpy()[rows - N_TRAIN + 1]
    np.testing.assert_allclose(out["point_h1"], one_step[:, 0] / 1e4, rtol=1e-12)
    monkeypatch.setattr(garch, "_SIM_BYTES", 30 * garch._SIM_ARRAYS * 8 * sims * max(H))  # pieces of <= 30 rows
    pd.testing.assert_frame_equal(garch_forecasts(returns, spec, **kwargs), out, check_exact=True)


# --------------------------------------------------------------------------------------------------------------
# Units and parameter recovery on simulated GARCH(1, 1) returns
# --------------------------------------------------------------------------------------------------------------
def test_recovers_known_parameters_and_returns_decimal_variance() -> None:
    truth = np.array([0.05, 0.3, 0.1, 0.85])  # mu (%), omega (%^2), alpha, beta
    r = simulate(list(truth), 4000, seed=11)
    res = fit_garch(r, GarchSpec("garch", 1, 1), last_obs=r.index[2999])
    z = (res.params.to_numpy() - truth) / res.std_err.to_numpy()
    assert np.all(np.abs(z) < 4), z
    out = garch_forecasts(r, GarchSpec("garch", 1, 1), origins=r.index[2999:], horizons=(1, 60),
                          train_end=r.index[2999])
    # the true conditional variance of r_{t+1} (decimal) from the true parameters
    true_var = direct(r, GarchSpec("garch", 1, 1)).fix(truth, last_obs=3000).forecast(
        horizon=1, start=2999, reindex=False).variance.to_numpy()[:, 0] / 1e4
    assert np.median(out["point_h1"] / true_var) == pytest.approx(1.0, abs=0.1)
    unconditional = truth[1] / (1 - truth[2] - truth[3]) / 1e4
    assert out["mean_h60"].mean() == pytest.approx(unconditional, rel=0.25)
    assert out["point_h1"].mean() == pytest.approx(float((r.iloc[3000:] ** 2).mean()), rel=0.25)


# --------------------------------------------------------------------------------------------------------------
# Failures and bad input
# --------------------------------------------------------------------------------------------------------------
def test_failed_fit_falls_back_to_previous_estimates_and_is_reported(returns: pd.Series,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls = iter([True, False, True])
    monkeypatch.setattr(garch, "_converged", lambda res: next(calls))
    origins = returns.index[N_TRAIN : N_TRAIN + 3]
    with pytest.warns(ConvergenceWarning, match="1 of 3 fits"):
        out = garch_forecasts(returns, GarchSpec("garch", 1, 1), origins=origins, horizons=H, mode="rolling",
                              train_end=returns.index[N_TRAIN - 1], window=500)
    assert out["fit_failed"].tolist() == [False, True, False]
    assert out["fit_origin"].tolist() == [origins[0], origins[0], origins[2]]
    np.testing.assert_array_equal(params(out)[1], params(out)[0])


def test_no_warning_when_every_fit_converges(returns: pd.Series) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        garch_forecasts(returns, GarchSpec("garch", 1, 1), origins=returns.index[N_TRAIN : N_TRAIN + 2],
                        horizons=H, mode="rolling", train_end=returns.index[N_TRAIN - 1])


def test_bad_returns_raise_data_error(returns: pd.Series) -> None:
    spec, kwargs = GarchSpec("garch", 1, 1), dict(origins=returns.index[-3:], train_end=returns.index[N_TRAIN - 1])
    bad = returns.copy()
    bad.iloc[17] = np.nan
    with pytest.raises(DataError, match="finite returns") as err:
        garch_forecasts(bad, spec, **kwargs)
    assert err.value.row == 17 and err.value.file == "sim"
    with pytest.raises(DataError, match="strictly increasing"):
        garch_forecasts(returns.iloc[::-1], spec, **kwargs)
    with pytest.raises(DataError, match="DatetimeIndex"):
        garch_forecasts(returns.reset_index(drop=True), spec, **kwargs)


@pytest.mark.parametrize("change, message", [
    (dict(origins=pd.DatetimeIndex(["1999-01-01"])), "not a date"),
    (dict(origins=pd.date_range("2020-01-01", periods=3)), "at or after train_end"),
    (dict(mode="rolling", window=900), "does not fit"),
    (dict(mode="rolling", window=50), "at least 100"),
    (dict(mode="expanding", window=500), "leave window unset"),
    (dict(refit_every=2), "rolling and expanding"),
    (dict(mode="weekly"), "mode must be"),
    (dict(horizons=(0, 5)), "positive"),
])
def test_bad_settings_raise_config_error(returns: pd.Series, change: dict, message: str) -> None:
    kwargs = dict(origins=returns.index[N_TRAIN:], train_end=returns.index[N_TRAIN - 1]) | change
    with pytest.raises(ConfigError, match=message):
        garch_forecasts(returns, GarchSpec("garch", 1, 1), **kwargs)


def test_bad_spec_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="family"):
        GarchSpec("egarch", 1, 1)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="orders"):
        GarchSpec("garch", 0, 1)


# --------------------------------------------------------------------------------------------------------------
# Real data (read from the mirror when VOLREP_DATA_DIR is set)
# --------------------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not os.environ.get("VOLREP_DATA_DIR"), reason="VOLREP_DATA_DIR not set")
def test_btc_garch_is_persistent_and_in_daily_variance_units() -> None:
    from volrep import data

    close = data.load("yahoo_btc_usd_daily_dhansoia").frame["close"]
    r = np.log(close).diff().dropna()
    cut = int(0.9 * len(r))
    out = garch_forecasts(r, GarchSpec("garch", 1, 1), origins=r.index[cut - 1 :], train_end=r.index[cut - 1])
    persistence = out["param_alpha[1]"].iloc[0] + out["param_beta[1]"].iloc[0]
    assert 0.85 < persistence < 1.0
    # daily BTC volatility is a few percent: decimal daily variance of order 1e-3
    assert 1e-4 < out["point_h1"].median() < 1e-2
    assert out["point_h60"].median() == pytest.approx(float((r.iloc[:cut] ** 2).mean()), rel=0.5)
