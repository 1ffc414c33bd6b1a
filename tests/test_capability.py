"""Known-truth capability checks (:mod:`volrep.capability`): the simulators' oracles, the benchmarks, the pass rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from volrep import capability as cap
from volrep.errors import ConfigError
from volrep.models import nets
from volrep.targets import HAR_WINDOWS


def test_log_vol_oracle_beats_misspecified_forecasts_and_ols_recovers_coefficients():
    sim = cap.simulate_har_log_vol(6_000, seed=3)
    x, oracle = sim["x"], sim["oracle"]
    actual = x.shift(-1).iloc[30:-1]
    o = oracle.iloc[30:-1]
    rmse_oracle = float(np.sqrt(((actual - o) ** 2).mean()))
    assert rmse_oracle == pytest.approx(cap.LOG_VOL_HAR["sigma"], rel=0.05)
    random_walk = float(np.sqrt(((actual - x.iloc[30:-1]) ** 2).mean()))
    mean_only = float(np.sqrt(((actual - x.mean()) ** 2).mean()))
    assert rmse_oracle < 0.95 * random_walk and rmse_oracle < 0.8 * mean_only
    coef = cap.ols_har(x, x.index[:-1], HAR_WINDOWS["corsi"])
    np.testing.assert_allclose(coef[1:], cap.LOG_VOL_HAR["coefficients"][1:], atol=0.08)


def test_rv_oracle_is_har_linear_in_levels():
    sim = cap.simulate_har_rv(8_000, seed=4)
    rv, oracle = sim["rv"], sim["oracle"]
    assert (rv > 0).all() and 1e-5 < rv.median() < 1e-2 and rv.max() / rv.median() > 10
    # OLS recovers the slopes (levels OLS is noisy under heavy tails: check it on a light-tailed path)
    light = cap.simulate_har_rv(20_000, seed=4, log_sd=0.3)["rv"]
    coef = cap.ols_har(light, light.index[:-1], HAR_WINDOWS["huang"])
    np.testing.assert_allclose(coef[1:], cap.RV_HAR["slopes"], atol=0.06)
    assert coef[1:].sum() == pytest.approx(sum(cap.RV_HAR["slopes"]), abs=0.03)
    # the oracle is the conditional mean: its errors are uncorrelated with any HAR regressor
    err = (rv.shift(-1) - oracle).iloc[40:-1]
    assert abs(np.corrcoef(err, rv.iloc[40:-1])[0, 1]) < 0.05
    actual = rv.shift(-1).iloc[40:-1]
    assert cap.expected_rmse(oracle.iloc[40:-1], oracle.iloc[40:-1] ** 2 * np.expm1(cap.RV_HAR["log_sd"] ** 2),
                             np.full(len(actual), rv.mean())) > cap.expected_rmse(
        oracle.iloc[40:-1], oracle.iloc[40:-1] ** 2 * np.expm1(cap.RV_HAR["log_sd"] ** 2), oracle.iloc[40:-1])


def test_garch_panel_truth_is_the_best_density_forecast():
    returns, sigma = cap.simulate_garch_panel(5, 3_000, seed=1)
    y, s = returns.to_numpy(), sigma.to_numpy()
    assert cap._nll(s, y) < cap._nll(np.broadcast_to(y.std(axis=0), y.shape), y)
    assert cap.expected_nll(s, s) < cap.expected_nll(1.2 * s, s)


def test_pass_rule_needs_margin_and_skill_share():
    base = dict(family="lstm", chapter="06_hybrids", loss="rmse", oracle=1.0, benchmark=1.0, budget=10,
                best_epoch=10, margin=0.05, seconds=1.0)
    assert cap.CapabilityResult(network=1.02, extra={"naive": 1.5}, **base).passed
    assert not cap.CapabilityResult(network=1.08, extra={"naive": 1.5}, **base).passed
    # within 5 % but only 60 % of HAR's edge over the naive forecast
    assert not cap.CapabilityResult(network=1.04, extra={"naive": 1.1}, **base).passed
    line = cap.CapabilityResult(network=1.02, extra={"naive": 1.5}, **base).describe()
    assert "PASS" in line and "+2.0 %" in line


def test_crippled_network_fails():
    """One epoch at a tiny learning rate: the chapter 07 LSTM stays at its starting forecast, the training mean."""
    result = cap.capability_check("huang_lstm", epochs=1, lr=1e-6, n=1_200)
    assert not result.passed
    assert result.skill_share < 0.3


def test_chapter06_lstm_reaches_har_at_its_quick_budget():
    result = cap.capability_check("lstm", profile="quick")
    assert result.budget == 20
    assert result.passed, result.describe()
    assert result.oracle <= result.benchmark * 1.01
    assert result.extra["n_test"] == 1_500


def test_capability_table_and_budgets():
    assert cap.budget("transfer_lstm", "quick") == 10 and cap.budget("huang_lstm", "full") == 200
    with pytest.raises(ConfigError):
        cap.capability_check("no such family")
    with pytest.raises(ConfigError):
        cap.capability_check("lstm", output="linear")


def test_huang_linear_output_option():
    torch.manual_seed(0)
    lstm = nets.HuangLSTM(3, 5, output="linear")
    nets.start_sigmoid_at(lstm, 2.5)  # a linear output may start anywhere
    lstm.eval()
    with torch.no_grad():
        lstm.encoder.weight_ih_l0.zero_()
        lstm.encoder.weight_hh_l0.zero_()
        lstm.head.weight.zero_()
        assert torch.allclose(lstm(torch.randn(4, 1, 3)), torch.full((4,), 2.5))
    cnn = nets.HuangCNNLSTM(7, 3, 5, output="linear")
    assert cnn(torch.randn(2, 7, 7), torch.randn(2, 1, 3)).shape == (2,)
    assert nets.HuangLSTM(3, 5).output == "sigmoid"
    with pytest.raises(ConfigError):
        nets.HuangLSTM(3, 5, output="relu")
