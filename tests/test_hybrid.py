"""HAR–neural hybrids (volrep.models.hybrid) and the multi-input training loop they use."""

import numpy as np
import pytest
import torch
from torch import nn

from volrep import train
from volrep.errors import ConfigError, DataError
from volrep.models import hybrid
from volrep.models.nets import LSTMRegressor


def _inputs(n=16, lookback=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, lookback, 1, generator=g), torch.randn(n, 3, generator=g), torch.randn(n, generator=g)


def _zero_lstm():
    net = LSTMRegressor(1, hidden=4)
    with torch.no_grad():
        for p in net.head.parameters():
            p.zero_()
    return net


def test_mixing_hybrid_with_alpha_one_is_har_exactly():
    x, _, har = _inputs()
    model = hybrid.HARLSTMHybrid(LSTMRegressor(1, hidden=4), alpha=1.0).eval()
    assert torch.equal(model(x, har), har)
    assert model.alpha == 1.0 and not any(p is model.mixing_weight() for p in model.parameters())


def test_mixing_hybrid_with_alpha_zero_is_the_network_and_learned_alpha_stays_in_the_unit_interval():
    x, _, har = _inputs()
    net = LSTMRegressor(1, hidden=4).eval()
    assert torch.allclose(hybrid.HARLSTMHybrid(net, alpha=0.0).eval()(x, har), net(x))
    learned = hybrid.HARLSTMHybrid(net, alpha_init=0.886)
    assert learned.alpha == pytest.approx(0.886, abs=1e-6)
    with torch.no_grad():
        learned.alpha_logit.fill_(50.0)
    assert 0.0 <= learned.alpha <= 1.0
    with pytest.raises(ConfigError):
        hybrid.HARLSTMHybrid(net, alpha=1.5)
    with pytest.raises(ConfigError):
        hybrid.HARLSTMHybrid(net, alpha_init=1.0)


def test_learned_alpha_moves_towards_the_better_forecast():
    """Target = HAR forecast exactly: training must raise α from 0.5."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 5, 1)).astype(np.float32)
    har = rng.normal(size=256).astype(np.float32)
    model = hybrid.HARLSTMHybrid(LSTMRegressor(1, hidden=4))
    train.fit(model, ((x, har), har), ((x[:64], har[:64]), har[:64]), lr=1e-2, batch_size=32, max_epochs=15,
              patience=15, seed=0)
    assert model.alpha > 0.6


def test_residual_boosting_with_a_zero_correction_is_har_exactly():
    x, _, har = _inputs()
    model = hybrid.ResidualBoosting(_zero_lstm()).eval()
    assert torch.equal(model(x, har), har)
    assert torch.equal(model.corrections(x), torch.zeros_like(har))


def test_regime_ensemble_with_one_regime_is_its_single_predictor():
    _, f, _ = _inputs()
    expert = hybrid.LinearForecaster(3)
    ensemble = hybrid.RegimeEnsemble([expert], classifier=None)
    assert torch.equal(ensemble(f), expert(f))
    assert torch.equal(ensemble.probabilities(f), torch.ones(16, 1))
    single = hybrid.regime_ensemble(3, regimes=1)
    assert single.classifier is None and single.regimes == 1


def test_regime_probabilities_sum_to_one_and_experts_start_at_given_coefficients():
    _, f, _ = _inputs()
    model = hybrid.regime_ensemble(3, regimes=3, initial=(0.5, [0.2, 0.3, 0.4]))
    p = model.probabilities(f)
    assert p.shape == (16, 3) and torch.allclose(p.sum(dim=1), torch.ones(16))
    expected = 0.5 + f @ torch.tensor([0.2, 0.3, 0.4])
    assert torch.allclose(model(f), expected, atol=1e-6)  # equal experts: the classifier cannot matter
    with pytest.raises(ConfigError):
        hybrid.regime_ensemble(3, regimes=3, initial=(0.0, [1.0]))
    with pytest.raises(ConfigError):
        hybrid.RegimeEnsemble([hybrid.LinearForecaster(3)] * 2, classifier=None)


def test_dynamic_attention_weights_lie_in_the_unit_interval_and_mix_har():
    x, f, har = _inputs()
    model = hybrid.DynamicAttentionHybrid(1, 3, hidden=4, dropout=0.0).eval()
    a = model.weights(x, f)
    assert a.shape == (16,) and bool(((a > 0) & (a < 1)).all())
    with torch.no_grad():
        model.gate.bias.fill_(1e4)  # α_t → 1: the forecast becomes HAR
    assert torch.allclose(model(x, f, har), har)


class _Sum(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(2))

    def forward(self, a, b):
        return self.w[0] * a[:, 0] + self.w[1] * b


def test_fit_and_predict_take_a_tuple_of_inputs():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(200, 2)), rng.normal(size=200)
    y = 2 * a[:, 0] - b
    model = _Sum()
    train.fit(model, ((a, b), y), ((a[:50], b[:50]), y[:50]), lr=0.1, batch_size=20, max_epochs=60, patience=60, seed=0)
    assert model.w.detach().numpy() == pytest.approx([2.0, -1.0], abs=1e-2)
    assert train.predict(model, (a, b)) == pytest.approx(y, abs=5e-2)
    with pytest.raises(DataError, match="same n"):
        train.fit(model, ((a, b[:10]), y), ((a, b), y), lr=0.1, batch_size=20, max_epochs=1, patience=1, seed=0)
    bad = b.copy()
    bad[3] = np.nan
    with pytest.raises(DataError, match="row 3"):
        train.fit(model, ((a, bad), y), ((a, b), y), lr=0.1, batch_size=20, max_epochs=1, patience=1, seed=0)
