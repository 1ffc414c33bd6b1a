"""Risk metrics of volrep.evaluate (Liu et al. 2023, §3.1) against values worked out by hand and by integration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from volrep import evaluate as ev
from volrep.errors import ConfigError, DataError

#: Standard normal quantiles from the tables: Φ⁻¹(0.01) and Φ⁻¹(0.025).
Z1, Z25 = -2.3263478740408408, -1.9599639845400538
Y = np.array([-3.0, 0.5])
SIGMA = np.array([1.0, 2.0])


def phi(x: float) -> float:
    """The standard normal density, written out."""
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def es_by_integration(sigma: float, alpha: float, mean: float = 0.0) -> float:
    """E[y | y ≤ VaR] for y ~ N(mean, sigma²), by numerical integration of the tail (not the closed form)."""
    q = mean + sigma * {0.01: Z1, 0.025: Z25}[alpha]
    tail, _ = integrate.quad(lambda y: y * phi((y - mean) / sigma) / sigma, -np.inf, q)
    return tail / alpha


# --------------------------------------------------------------------------------------------------------------
# VaR and ES
# --------------------------------------------------------------------------------------------------------------
def test_var_and_es_are_the_gaussian_quantile_and_tail_mean() -> None:
    np.testing.assert_allclose(ev.gaussian_var(SIGMA, 0.01), [Z1, 2 * Z1], rtol=1e-12)
    np.testing.assert_allclose(ev.gaussian_var(SIGMA, 0.025, mean=0.1), [0.1 + Z25, 0.1 + 2 * Z25], rtol=1e-12)
    for alpha in (0.01, 0.025):
        np.testing.assert_allclose(ev.gaussian_es(SIGMA, alpha, mean=[0.0, 0.3]),
                                   [es_by_integration(1.0, alpha), es_by_integration(2.0, alpha, 0.3)], rtol=1e-7)
    # Known values: ES ≈ −2.6652 σ at 1 %, −2.3378 σ at 2.5 %; ES lies below VaR (negative returns = losses).
    assert ev.gaussian_es([1.0], 0.01)[0] == pytest.approx(-2.665214, abs=1e-6)
    assert ev.gaussian_es([1.0], 0.025)[0] == pytest.approx(-2.337803, abs=1e-6)
    assert (ev.gaussian_es(SIGMA, 0.01) < ev.gaussian_var(SIGMA, 0.01)).all()


def test_var_keeps_a_series_index() -> None:
    sigma = pd.Series([1.0, 2.0], index=pd.to_datetime(["2020-01-02", "2020-01-03"]))
    out = ev.gaussian_var(sigma, 0.01)
    assert isinstance(out, pd.Series) and out.index.equals(sigma.index)
    assert out.iloc[1] == pytest.approx(2 * Z1)


# --------------------------------------------------------------------------------------------------------------
# Losses, by hand
# --------------------------------------------------------------------------------------------------------------
def test_violation_ratio_counts_returns_below_var() -> None:
    y = [-2.5, -1.0, 0.2, -1.97]
    var = [-1.96, -1.96, -1.96, -1.96]  # two violations in four days: α̂ = 0.5
    assert ev.violation_ratio(y, var, 0.025) == pytest.approx(0.5 / 0.025)
    assert ev.violation_ratio(y, [-3.0] * 4, 0.01) == 0.0


def test_quantile_loss_is_a_sum_of_check_losses() -> None:
    q = ev.gaussian_var(SIGMA, 0.01)
    # day 1: y = −3 < Q = Z1, weight α − 1; day 2: y = 0.5 > Q = 2·Z1, weight α.
    by_hand = (0.01 - 1) * (-3 - Z1) + 0.01 * (0.5 - 2 * Z1)
    assert ev.quantile_loss(Y, q, 0.01) == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(0.7184426, abs=1e-7)
    # A sum, not a mean: doubling the sample doubles the loss.
    assert ev.quantile_loss(np.tile(Y, 2), np.tile(q, 2), 0.01) == pytest.approx(2 * by_hand)


def test_joint_loss_matches_taylor_formula_by_hand() -> None:
    q, es = Z1 * SIGMA, -phi(Z1) / 0.01 * SIGMA
    day1 = -math.log(0.99 / -es[0]) - (-3 - q[0]) * (0.01 - 1) / (0.01 * es[0])  # violation: I = 1
    day2 = -math.log(0.99 / -es[1]) - (0.5 - q[1]) * 0.01 / (0.01 * es[1])  # no violation: I = 0
    assert ev.joint_loss(Y, q, es, 0.01) == pytest.approx((day1 + day2) / 2, rel=1e-12)
    assert (day1 + day2) / 2 == pytest.approx(14.33172, abs=1e-5)


@pytest.mark.parametrize("alpha", [0.01, 0.025])
def test_joint_loss_is_the_negative_log_of_a_density(alpha: float) -> None:
    """exp(−JointLoss) integrates to 1 over y: it is the asymmetric Laplace log-score of Taylor (2019)."""
    q, es = -1.7, -2.4

    def density(y: float) -> float:
        return math.exp(-ev.joint_loss([y], [q], [es], alpha))

    total = sum(integrate.quad(density, a, b, limit=200)[0] for a, b in ((-np.inf, q), (q, np.inf)))
    assert total == pytest.approx(1.0, abs=1e-8)


def test_gaussian_nll_by_hand() -> None:
    c = 0.5 * math.log(2 * math.pi)
    by_hand = ((c + 0 + 9 / 2) + (c + math.log(2) + 0.25 / 8)) / 2
    assert ev.gaussian_nll(Y, SIGMA) == pytest.approx(by_hand, rel=1e-12)
    assert ev.gaussian_nll([1.2], [2.0], mean=0.2) == pytest.approx(c + math.log(2) + 1 / 8, rel=1e-12)


def test_risk_metrics_rows_in_table_order() -> None:
    out = ev.risk_metrics(Y, SIGMA)
    assert list(out) == ["violation_ratio_1%", "qloss_1%", "joint_loss_1%",
                         "violation_ratio_2.5%", "qloss_2.5%", "joint_loss_2.5%", "nll", "n"]
    assert out["violation_ratio_1%"] == pytest.approx(0.5 / 0.01)
    assert out["violation_ratio_2.5%"] == pytest.approx(0.5 / 0.025)
    assert out["qloss_2.5%"] == pytest.approx((0.025 - 1) * (-3 - Z25) + 0.025 * (0.5 - 2 * Z25))
    assert out["joint_loss_1%"] == pytest.approx(14.33172, abs=1e-5)
    assert out["nll"] == pytest.approx(ev.gaussian_nll(Y, SIGMA)) and out["n"] == 2


def test_win_rate_and_comparison_table() -> None:
    assert ev.win_rate([1.0, 2.0, 3.0], [2.0, 2.0, 1.0]) == pytest.approx(1 / 3)  # the tie counts as no win
    assert ev.win_rate([1.2, 0.5], [1.5, 0.9], target=1.0) == 0.5  # closer to 1 is better
    series = pd.Index(["a", "b"], name="series")
    model = pd.DataFrame({"violation_ratio_1%": [1.2, 0.5], "qloss_1%": [70.0, 80.0], "n": [900, 900]}, index=series)
    bench = pd.DataFrame({"violation_ratio_1%": [1.5, 0.9], "qloss_1%": [75.0, 78.0], "n": [900, 900]}, index=series)
    table = ev.risk_comparison(model, bench, model_name="DeepVol", benchmark_name="GARCH")
    assert list(table.columns) == ["GARCH", "DeepVol", "rate"]
    assert list(table.index) == ["violation_ratio_1%", "qloss_1%"]
    assert table.loc["qloss_1%"].tolist() == [76.5, 75.0, 0.5]
    assert table.loc["violation_ratio_1%", "rate"] == 0.5


# --------------------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sigma", [[1.0, 0.0], [1.0, -2.0], [1.0, np.nan], [1.0, np.inf]])
def test_non_positive_or_missing_sigma_is_a_data_error(sigma: list[float]) -> None:
    with pytest.raises(DataError) as err:
        ev.risk_metrics(Y, sigma)
    assert err.value.row == 1
    with pytest.raises(DataError):
        ev.gaussian_var(sigma, 0.01)
    with pytest.raises(DataError):
        ev.gaussian_nll(Y, sigma)


def test_misaligned_or_missing_inputs_are_data_errors() -> None:
    with pytest.raises(DataError, match="aligned"):
        ev.quantile_loss(Y, [-2.0, -2.0, -2.0], 0.01)
    with pytest.raises(DataError, match="aligned"):
        ev.risk_metrics(pd.Series(Y, index=[0, 1]), pd.Series(SIGMA, index=[1, 2]))
    with pytest.raises(DataError, match="no missing values"):
        ev.violation_ratio([np.nan, 0.1], [-2.0, -2.0], 0.01)
    with pytest.raises(DataError, match="one mean per forecast"):
        ev.gaussian_nll(Y, SIGMA, mean=[0.0, 0.0, 0.0])
    with pytest.raises(DataError, match="ES forecasts < 0"):
        ev.joint_loss(Y, [-2.0, -2.0], [-2.5, 0.0], 0.01)
    with pytest.raises(DataError, match="aligned"):
        ev.win_rate([1.0, 2.0], [1.0])


def test_alpha_outside_unit_interval_is_a_config_error() -> None:
    for alpha in (0.0, 1.0, -0.01, 2.5):
        with pytest.raises(ConfigError):
            ev.gaussian_var(SIGMA, alpha)
