"""HAR–neural hybrids of Dhansoia (2025, §3.4–3.5): learnable mixing, dynamic attention weighting, residual boosting
and a regime-aware ensemble.

Every model here works on one scale (the z-scored series of :mod:`volrep.chapters.hybrids`) and takes the HAR
forecast ``har`` of the same target as an input where its equation needs one, so that a model that falls back on
HAR reproduces it *exactly*: the mixing hybrid with α fixed at 1, residual boosting with a correction that is
identically zero, and an ensemble with a single regime reduce to the model they wrap (tested).

Inputs follow :data:`volrep.train.Inputs`: ``x`` are lookback windows ``(batch, lookback, features)``,
``features`` the HAR regressors at the forecast origin ``(batch, n_features)`` and ``har`` the HAR forecast
``(batch,)``.

References
----------
Dhansoia, R. (2025). Cross-asset transfer learning for rough volatility forecasting. §3.4 eq. (3), §3.5 eqs. (4)–(6),
Table 5 (lower part), §5.4–5.5.
Jacobs, R. A., Jordan, M. I., Nowlan, S. J., & Hinton, G. E. (1991). Adaptive mixtures of local experts. *Neural
Computation*, 3(1), 79–87.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from volrep.errors import ConfigError
from volrep.models.nets import LSTMRegressor


class HARLSTMHybrid(nn.Module):
    """Convex combination of the HAR forecast and an LSTM forecast, eq. (3).

    .. math:: \\hat{RV}_{t+1} = \\alpha \\hat{RV}^{HAR}_{t+1} + (1 - \\alpha) \\hat{RV}^{NN}_{t+1}

    Parameters
    ----------
    network
        The neural forecaster ``network(x) -> (batch,)``; default a one-layer, 32-unit :class:`LSTMRegressor`
        with dropout 0.1 (the paper does not give its size).
    alpha
        ``None``: α is learned, as ``sigmoid(a)`` so that it stays in [0, 1]; a number in [0, 1]: α is fixed there
        (α = 1 is HAR exactly, α = 0 the network alone).
    alpha_init
        Starting value of a learned α (0.5: no prior preference for either model).
    """

    def __init__(self, network: nn.Module | None = None, *, alpha: float | None = None, alpha_init: float = 0.5) -> None:
        super().__init__()
        self.network = network if network is not None else LSTMRegressor(1, hidden=32, layers=1, dropout=0.1)
        if alpha is None:
            if not 0 < alpha_init < 1:
                raise ConfigError(f"alpha_init must lie strictly between 0 and 1, got {alpha_init}")
            self.alpha_logit = nn.Parameter(torch.tensor(math.log(alpha_init / (1 - alpha_init))))
        else:
            if not 0 <= alpha <= 1:
                raise ConfigError(f"alpha must lie in [0, 1], got {alpha}")
            self.register_buffer("fixed_alpha", torch.tensor(float(alpha)))

    def mixing_weight(self) -> torch.Tensor:
        """α as a scalar tensor (differentiable when learned)."""
        return torch.sigmoid(self.alpha_logit) if hasattr(self, "alpha_logit") else self.fixed_alpha

    @property
    def alpha(self) -> float:
        """The current α."""
        return float(self.mixing_weight().detach())

    def forward(self, x: torch.Tensor, har: torch.Tensor) -> torch.Tensor:
        """Mixed forecast ``(batch,)`` from windows ``x`` and the HAR forecast ``har``."""
        alpha = self.mixing_weight()
        return alpha * har + (1 - alpha) * self.network(x)


class DynamicAttentionHybrid(nn.Module):
    """A time-varying mixing weight computed from the LSTM state and the HAR features, eq. (4).

    .. math:: \\alpha_t = \\sigma(W [h_t; f_t] + b), \\qquad
              \\hat{RV}_{t+1} = \\alpha_t \\hat{RV}^{HAR}_{t+1} + (1 - \\alpha_t)\\, v^\\top h_t

    Parameters
    ----------
    input_size, n_features
        Features per time step of ``x`` and number of HAR regressors ``f_t``.
    hidden, layers, dropout
        Size of the LSTM encoder (one layer of 32 units, dropout 0.1 by default: the paper gives none).
    """

    def __init__(self, input_size: int = 1, n_features: int = 3, *, hidden: int = 32, layers: int = 1,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = nn.LSTM(input_size, hidden, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.gate = nn.Linear(hidden + n_features, 1)
        self.head = nn.Linear(hidden, 1)

    def _state(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.encoder(x)
        return self.dropout(states[:, -1])

    def _weight(self, state: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.gate(torch.cat([state, features], dim=-1))).squeeze(-1)

    def weights(self, x: torch.Tensor, features: torch.Tensor, har: torch.Tensor | None = None) -> torch.Tensor:
        """α_t ``(batch,)`` for each sample (``har`` is accepted, and ignored, so that the model's inputs fit)."""
        return self._weight(self._state(x), features)

    def forward(self, x: torch.Tensor, features: torch.Tensor, har: torch.Tensor) -> torch.Tensor:
        """Mixed forecast ``(batch,)``."""
        state = self._state(x)
        alpha = self._weight(state, features)
        return alpha * har + (1 - alpha) * self.head(state).squeeze(-1)


class ResidualBoosting(nn.Module):
    """HAR plus a learned correction, eq. (5): :math:`\\hat{RV}_{t+1} = \\hat{RV}^{HAR}_{t+1} + g_\\theta(x_t)`.

    Trained with the squared error of the sum against the target, ``g`` is fitted to the HAR residuals
    ``y − har`` of the training part — the same least-squares problem as regressing the residuals on ``x``.

    Parameters
    ----------
    correction
        ``g(x) -> (batch,)``; default a one-layer, 32-unit :class:`LSTMRegressor` with dropout 0.1.
    """

    def __init__(self, correction: nn.Module | None = None) -> None:
        super().__init__()
        self.correction = correction if correction is not None else LSTMRegressor(1, hidden=32, layers=1, dropout=0.1)

    def corrections(self, x: torch.Tensor, har: torch.Tensor | None = None) -> torch.Tensor:
        """``g(x)`` alone (``har`` is accepted, and ignored, so that the model's inputs fit)."""
        return self.correction(x)

    def forward(self, x: torch.Tensor, har: torch.Tensor) -> torch.Tensor:
        """HAR forecast plus correction ``(batch,)``."""
        return har + self.correction(x)


class RegimeEnsemble(nn.Module):
    """Regime-specific predictors weighted by a soft regime classifier, eq. (6).

    .. math:: \\hat{RV}_{t+1} = \\sum_{k=1}^{K} \\pi_k(f_t)\\, \\hat{RV}^{(k)}_{t+1}, \\qquad
              \\pi(f_t) = \\operatorname{softmax}(c(f_t))

    Classifier and predictors are trained together (a mixture of experts, Jacobs et al. 1991); nothing forces the
    classifier to separate regimes, which is why :mod:`volrep.chapters.hybrids` reports the entropy of π.

    Parameters
    ----------
    experts
        The K regime-specific predictors ``expert(features) -> (batch,)``.
    classifier
        ``classifier(features) -> (batch, K)`` logits; may be ``None`` only when K = 1 (π ≡ 1).
    """

    def __init__(self, experts: Sequence[nn.Module], classifier: nn.Module | None) -> None:
        super().__init__()
        if not experts:
            raise ConfigError("a regime ensemble needs at least one expert")
        if classifier is None and len(experts) > 1:
            raise ConfigError(f"{len(experts)} regimes need a classifier")
        self.experts = nn.ModuleList(experts)
        self.classifier = classifier

    @property
    def regimes(self) -> int:
        """K, the number of regimes."""
        return len(self.experts)

    def probabilities(self, features: torch.Tensor) -> torch.Tensor:
        """π_k(f_t), ``(batch, K)``; rows sum to one."""
        if self.classifier is None:
            return torch.ones(features.shape[0], 1, dtype=features.dtype, device=features.device)
        return torch.softmax(self.classifier(features), dim=-1)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Probability-weighted forecast ``(batch,)``."""
        predictions = torch.stack([expert(features) for expert in self.experts], dim=-1)
        return (self.probabilities(features) * predictions).sum(dim=-1)


class LinearForecaster(nn.Module):
    """``b + w·f``: a HAR-type linear forecaster of the regressors ``f`` — the regime ensemble's expert."""

    def __init__(self, n_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(n_features, 1)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Forecast ``(batch,)``."""
        return self.linear(features).squeeze(-1)


def regime_ensemble(n_features: int = 3, regimes: int = 3, classifier_hidden: int = 16,
                    initial: tuple[float, Sequence[float]] | None = None) -> RegimeEnsemble:
    """The chapter's regime ensemble: K linear HAR-type experts and a one-hidden-layer (tanh) soft classifier on
    the HAR features (K = 3 volatility regimes, as the issue asks; the paper gives no details).

    ``initial = (intercept, slopes)`` starts every expert at those coefficients (e.g. HAR's OLS fit).
    """
    if regimes < 1:
        raise ConfigError(f"regimes must be at least 1, got {regimes}")
    experts = [LinearForecaster(n_features) for _ in range(regimes)]
    if initial is not None:
        intercept, slopes = initial
        if len(slopes) != n_features:
            raise ConfigError(f"initial slopes must have {n_features} values, got {len(slopes)}")
        with torch.no_grad():
            for expert in experts:
                expert.linear.bias.fill_(float(intercept))
                expert.linear.weight.copy_(torch.as_tensor([list(slopes)], dtype=expert.linear.weight.dtype))
    classifier = (nn.Sequential(nn.Linear(n_features, classifier_hidden), nn.Tanh(), nn.Linear(classifier_hidden, regimes))
                  if regimes > 1 else None)
    return RegimeEnsemble(experts, classifier)
