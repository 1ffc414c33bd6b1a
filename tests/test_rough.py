"""Tests of the Hurst estimators (volrep.rough) on simulated fBm/fGn/RFSV paths of known H."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from volrep.errors import ConfigError, DataError
from volrep.rough import (
    EXPECTED_INPUT,
    HurstEstimate,
    dfa,
    gjr_moment_scaling,
    hurst_from_wavelet_slope,
    paper_settings,
    rescaled_range,
    rolling_std_log_vol,
    validation_table,
    variogram,
    wavelet_slope,
)
from volrep.sim import fbm, fgn, simulate_daily_rfsv

N = 5_000
N_PATHS = 6
HURSTS = (0.1, 0.3, 0.7)
HAAR_FGN = {"wavelet": "haar", "coefficients": "interior", "kind": "fgn"}


@pytest.fixture(scope="module", params=HURSTS, ids=lambda h: f"H={h}")
def paths(request: pytest.FixtureRequest) -> tuple[float, np.ndarray, np.ndarray]:
    """``N_PATHS`` fBm level paths of ``N`` values with unit-variance increments, and their increments (fGn)."""
    hurst = request.param
    levels = fbm(N - 1, hurst, np.random.default_rng(int(100 * hurst)), horizon=N - 1, size=N_PATHS)
    return hurst, levels, np.diff(levels, axis=1)


def mean_hurst(estimator, series: np.ndarray, **kwargs) -> float:
    return float(np.mean([estimator(row, n_boot=0, **kwargs).hurst for row in series]))


# ------------------------------------------------------------------------------------------------ bias bounds


def test_variogram_recovers_h_on_fbm(paths) -> None:
    hurst, levels, _ = paths
    assert mean_hurst(variogram, levels) == pytest.approx(hurst, abs=0.05)


def test_gjr_recovers_h_on_fbm_and_each_zeta_is_qh(paths) -> None:
    hurst, levels, _ = paths
    assert mean_hurst(gjr_moment_scaling, levels) == pytest.approx(hurst, abs=0.05)
    est = gjr_moment_scaling(levels[0], n_boot=0)
    qs = est.details["qs"]
    assert np.all(np.abs(est.details["zeta"] - qs * hurst) < 0.1 * qs + 0.02)
    assert est.details["r2_per_q"].shape == (5,) and est.r2 > 0.9


def test_dfa_recovers_h_on_fgn_and_h_plus_one_on_fbm(paths) -> None:
    hurst, levels, increments = paths
    assert mean_hurst(dfa, increments) == pytest.approx(hurst, abs=0.07)
    # Fed the level series (the paper's usage) DFA measures H + 1, not H.
    assert mean_hurst(dfa, levels) == pytest.approx(hurst + 1, abs=0.15)


def test_rs_on_fgn_is_biased_upwards_within_known_bounds(paths) -> None:
    hurst, levels, increments = paths
    bias = mean_hurst(rescaled_range, increments) - hurst
    # Classical R/S overstates H, the more so the smaller H (documented: about +0.15 at H = 0.1, +0.02 at 0.7).
    assert -0.02 < bias < 0.2
    if hurst <= 0.3:
        assert bias > 0.05
    assert mean_hurst(rescaled_range, increments, anis_lloyd=True) == pytest.approx(hurst, abs=0.1)
    # Fed the level series, R/S saturates near 1 whatever H is.
    assert mean_hurst(rescaled_range, levels) > 0.85


def test_wavelet_maps_back_to_h_under_the_correct_relation(paths) -> None:
    hurst, levels, increments = paths
    # Haar coefficients of fGn follow Var(d_j) ∝ 2^{j(2H−1)} exactly: the fGn reading recovers H.
    assert mean_hurst(wavelet_slope, increments, **HAAR_FGN) == pytest.approx(hurst, abs=0.1)
    # The fBm relation on levels is only asymptotic: with the paper's db4 setup it underestimates H.
    on_levels = mean_hurst(wavelet_slope, levels)
    assert hurst - 0.2 < on_levels < hurst


def test_wavelet_level_index_grows_towards_coarse_scales() -> None:
    # Brownian motion: Var(d_j) ∝ 2^{2j}, so β ≈ +2 with j = 1 the finest level; the paper's index gives −β.
    walk = np.cumsum(np.random.default_rng(7).standard_normal(8_192))
    est = wavelet_slope(walk, n_boot=0, wavelet="haar", coefficients="interior")
    assert est.details["slope"] == pytest.approx(2.0, abs=0.25)
    assert est.details["slope_paper_index"] == -est.details["slope"]
    assert est.hurst == pytest.approx(0.5, abs=0.125) == est.details["hurst_fbm"]
    assert est.details["hurst_fgn"] == pytest.approx(est.hurst + 1.0)
    np.testing.assert_array_equal(est.scales, 2 ** np.arange(1, est.scales.size + 1))


def test_hurst_from_wavelet_slope_readings_of_the_published_slope() -> None:
    assert hurst_from_wavelet_slope(-2.073, "fbm", "fine") == pytest.approx(0.5365)
    assert hurst_from_wavelet_slope(-2.073, "fbm", "coarse") == pytest.approx(-1.5365)
    assert hurst_from_wavelet_slope(-2.073, "fgn", "fine") == pytest.approx(1.5365)
    assert hurst_from_wavelet_slope(-2.073, "fgn", "coarse") == pytest.approx(-0.5365)
    np.testing.assert_allclose(hurst_from_wavelet_slope(np.array([1.2, 2.0]), "fbm"), [0.1, 0.5])
    with pytest.raises(ConfigError):
        hurst_from_wavelet_slope(1.0, "levels")


# ------------------------------------------------------------------------------ the paper's rolling-std "RV"


def test_rolling_std_log_vol_is_the_papers_pandas_pipeline() -> None:
    rng = np.random.default_rng(3)
    returns = pd.Series(0.01 * rng.standard_normal(300), index=pd.date_range("2020-01-01", periods=300), name="ret")
    out = rolling_std_log_vol(returns)
    expected = np.log(returns.rolling(22).std() * math.sqrt(252)).dropna()
    assert len(out) == 300 - 21 and out.index[0] == returns.index[21]
    pd.testing.assert_series_equal(out, expected, check_names=False, rtol=1e-10)
    frame = rolling_std_log_vol(pd.DataFrame({"a": returns, "b": 2 * returns}), window=10, periods_per_year=365)
    np.testing.assert_allclose(frame["b"] - frame["a"], math.log(2.0))


def test_rolling_std_makes_rough_volatility_look_smooth() -> None:
    daily = simulate_daily_rfsv(2_000, 0.1, seed=5, steps_per_day=24)
    truth = variogram(daily["log_vol"], n_boot=0)
    paper = variogram(rolling_std_log_vol(daily["ret"]), n_boot=0)
    assert truth.hurst == pytest.approx(0.1, abs=0.05)
    assert paper.hurst > 0.3  # the 22-day moving window, not the volatility, sets the small-lag scaling
    table = validation_table(["variogram", "gjr"], hursts=(0.1,), lengths=(1_500,), n_paths=4, kind="rolling_std")
    assert (table["mean"] > 0.3).all() and (table["bias"] > 0.2).all()


def test_rolling_std_log_vol_rejects_bad_returns() -> None:
    returns = pd.Series(np.r_[np.random.default_rng(0).standard_normal(40), np.nan, np.zeros(5)], name="spx")
    with pytest.raises(DataError) as err:
        rolling_std_log_vol(returns)
    assert err.value.rule == "finite returns" and err.value.row == 40 and err.value.file == "spx"
    flat = pd.Series(np.r_[np.random.default_rng(0).standard_normal(30), np.zeros(25)])
    with pytest.raises(DataError) as err:
        rolling_std_log_vol(flat)
    assert err.value.rule == "positive rolling volatility" and err.value.row == 51
    with pytest.raises(ConfigError):
        rolling_std_log_vol(flat, window=1)
    with pytest.raises(ConfigError):
        rolling_std_log_vol(flat.iloc[:10])


# -------------------------------------------------------------------------------------- standard errors, seeds


@pytest.mark.parametrize(
    ("estimator", "kwargs", "increments"),
    [
        (rescaled_range, {}, True),
        (dfa, {}, True),
        (variogram, {}, False),
        (wavelet_slope, {}, False),
        (gjr_moment_scaling, {"lags": range(1, 21)}, False),
    ],
    ids=["rs", "dfa", "variogram", "wavelet", "gjr"],
)
def test_bootstrap_se_is_positive_and_shrinks_with_length(estimator, kwargs, increments) -> None:
    levels = fbm(8_000, 0.2, np.random.default_rng(11), horizon=8_000)
    series = np.diff(levels) if increments else levels
    short = estimator(series[:1_000], n_boot=60, rng=1, **kwargs)
    long = estimator(series, n_boot=60, rng=1, **kwargs)
    assert 0 < long.se < short.se
    assert "bootstrap" in long.se_method and "B=60" in long.se_method
    assert long.details["n_boot_finite"] == 60


def test_bootstrap_of_a_level_series_resamples_its_increments() -> None:
    x = fbm(1_999, 0.7, np.random.default_rng(1), horizon=1_999)
    est = variogram(x, n_boot=100)
    assert "first differences" in est.se_method
    assert est.details["boot_mean"] == pytest.approx(est.hurst, abs=0.05)
    # Gluing blocks of the levels themselves inserts jumps that flatten the replicates' variogram.
    glued = variogram(x, n_boot=100, resample="series")
    assert glued.details["boot_mean"] < est.hurst - 0.1


def test_ols_se_when_no_bootstrap() -> None:
    est = variogram(fbm(2_000, 0.3, np.random.default_rng(2)), n_boot=0)
    assert est.se > 0 and est.se_method.startswith("OLS")


def test_estimates_are_deterministic_given_the_seed() -> None:
    x = fbm(1_500, 0.1, np.random.default_rng(4))
    a = variogram(x, n_boot=30, rng=9)
    b = variogram(x, n_boot=30, rng=np.random.default_rng(9))
    c = variogram(x, n_boot=30, rng=10)
    assert (a.hurst, a.se) == (b.hurst, b.se)
    assert a.hurst == c.hurst and a.se != c.se
    t1 = validation_table(["variogram", "dfa"], hursts=(0.1, 0.3), lengths=(600,), n_paths=3, seed=1)
    t2 = validation_table(["variogram", "dfa"], hursts=(0.1,), lengths=(600,), n_paths=3, seed=1)
    pd.testing.assert_frame_equal(t1.iloc[:2], t2)
    t3 = validation_table(["variogram", "dfa"], hursts=(0.1,), lengths=(600,), n_paths=3, seed=2)
    assert not np.allclose(t2["mean"], t3["mean"])


def test_estimate_is_a_frozen_record_with_its_fit() -> None:
    est = dfa(fgn(3_000, 0.3, np.random.default_rng(1)), n_boot=0)
    assert isinstance(est, HurstEstimate) and est.method == "dfa"
    assert est.details["log_x"].shape == est.details["log_y"].shape == est.scales.shape
    assert est.hurst == pytest.approx(est.details["slope"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.hurst = 0.5  # type: ignore[misc]


# ------------------------------------------------------------------------------------------- validation table


def test_validation_table_levels_versus_increments() -> None:
    kwargs = {"hursts": (0.1,), "lengths": (2_000,), "n_paths": 4, "seed": 3}
    levels = validation_table(**kwargs).set_index("method")
    proper = validation_table(
        {"rs": {"anis_lloyd": True}, "dfa": {}, "wavelet": HAAR_FGN, "variogram": {}}, input="increments", **kwargs
    ).set_index("method")
    assert list(levels.columns) == ["kind", "input", "H", "length", "n_paths", "mean", "sd", "bias", "rmse"]
    assert set(levels.index) == set(EXPECTED_INPUT)
    assert levels.loc["dfa", "mean"] > 0.9 and levels.loc["rs", "mean"] > 0.8  # what the paper's usage measures
    assert proper.loc["dfa", "mean"] == pytest.approx(0.1, abs=0.07)
    assert proper.loc["wavelet", "mean"] == pytest.approx(0.1, abs=0.1)
    assert proper.loc["rs", "bias"] < levels.loc["rs", "bias"]
    assert levels.loc["variogram", "mean"] == proper.loc["variogram", "mean"]  # levels either way
    np.testing.assert_allclose(levels["rmse"] ** 2, levels["bias"] ** 2 + levels["sd"] ** 2 * 3 / 4)


def test_validation_table_rfsv_kind_and_paper_settings() -> None:
    n = 1_467
    table = validation_table(paper_settings(n), hursts=(0.1,), lengths=(n,), n_paths=3, kind="rfsv")
    assert set(table["method"]) == {"rs", "dfa", "variogram", "wavelet"}
    assert table.set_index("method").loc["variogram", "mean"] == pytest.approx(0.1, abs=0.05)
    with pytest.raises(ConfigError):
        validation_table(["hurst"], hursts=(0.1,), lengths=(500,), n_paths=2)
    with pytest.raises(ConfigError):
        validation_table(["dfa"], hursts=(0.1,), lengths=(500,), n_paths=2, kind="garch")


def test_paper_settings_reproduce_the_paper_grids() -> None:
    settings = paper_settings(1_467)
    # 10^log10(366) truncates to 365, in the paper's code as here.
    assert settings["rs"]["scales"][0] == 10 and settings["rs"]["scales"][-1] == 365
    assert len(settings["dfa"]["scales"]) <= 25 and list(settings["variogram"]["lags"]) == list(range(1, 100))
    x = fbm(1_466, 0.1, np.random.default_rng(8))
    est = wavelet_slope(x, n_boot=0, **settings["wavelet"])
    assert est.scales.size == 7 and est.details["slope_paper_index"] < 0
    assert wavelet_slope(x, n_boot=0).scales.size == 7  # the default depth matches the paper's on 1,467 values


# ------------------------------------------------------------------------------------------------ input errors


@pytest.mark.parametrize("estimator", [rescaled_range, dfa, variogram, wavelet_slope, gjr_moment_scaling])
def test_short_nan_and_constant_input_raise(estimator) -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ConfigError):
        estimator(rng.standard_normal(12), n_boot=0)
    bad = pd.Series(rng.standard_normal(500), name="log_rv")
    bad.iloc[[17, 90]] = np.nan
    with pytest.raises(DataError) as err:
        estimator(bad, n_boot=0)
    assert (err.value.file, err.value.rule, err.value.row) == ("log_rv", "finite values", 17)
    with pytest.raises(DataError, match="not constant"):
        estimator(np.ones(500), n_boot=0)
    with pytest.raises(ConfigError):
        estimator(rng.standard_normal((2, 500)), n_boot=0)
    with pytest.raises(ConfigError):
        estimator(rng.standard_normal(500), n_boot=1)


@pytest.mark.parametrize("estimator", [rescaled_range, dfa, variogram, wavelet_slope, gjr_moment_scaling])
def test_every_estimator_shares_the_bootstrap_options(estimator) -> None:
    """``n_boot``, ``block``, ``rng`` and ``resample`` are checked in one place (BootstrapOptions), alike everywhere."""
    x = fbm(999, 0.3, np.random.default_rng(0))
    with pytest.raises(ConfigError, match=r"n_boot must be 0 \(OLS standard error\) or an integer >= 2, got 1"):
        estimator(x, n_boot=1)
    with pytest.raises(ConfigError, match="resample must be 'series' or 'differences', got 'levels'"):
        estimator(x, resample="levels")
    with pytest.raises(ConfigError, match=r"block must be an integer in \[1, (999|1000)\], got 5000"):
        estimator(x, n_boot=2, block=5000)
    with pytest.raises(TypeError, match="n_bot"):
        estimator(x, n_bot=5)
    seeded = estimator(x, n_boot=5, block=50, rng=3)
    assert seeded.se == estimator(x, n_boot=5, block=50, rng=np.random.default_rng(3)).se
    assert seeded.se_method.endswith("(B=5, block=50)")


def test_invalid_settings_raise() -> None:
    x = fbm(999, 0.3, np.random.default_rng(0))
    with pytest.raises(ConfigError):
        variogram(x, lags=[1, 2, 600], n_boot=0)  # lag above n // 2
    with pytest.raises(ConfigError):
        variogram(x, lags=[1, 2], n_boot=0)  # too few points for a fit
    with pytest.raises(ConfigError):
        dfa(x, scales=[2, 8, 16], n_boot=0)  # window too small for a linear trend
    with pytest.raises(ConfigError):
        gjr_moment_scaling(x, qs=(2.0,), n_boot=0)
    with pytest.raises(ConfigError):
        gjr_moment_scaling(x, qs=(-1.0, 2.0), n_boot=0)
    with pytest.raises(ConfigError):
        wavelet_slope(x, levels=12, n_boot=0)
    with pytest.raises(ConfigError):
        wavelet_slope(x, wavelet="db99", n_boot=0)
    with pytest.raises(ConfigError):
        wavelet_slope(x, coefficients="interior", mode="periodization", n_boot=0)
    with pytest.raises(ConfigError):
        variogram(x, n_boot=20, block=5_000)
    with pytest.raises(ConfigError):
        variogram(x, n_boot=20, resample="levels")
