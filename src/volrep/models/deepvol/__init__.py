"""DeepVol (Liu, Tran, Wang, Gerlach & Kohn 2023): one sequence-to-sequence LSTM for the volatility of any stock.

Model (§2.1–2.2, Table 1)
-------------------------
Returns follow ``y_t = σ_t ε_t`` with i.i.d. standard normal ``ε_t`` and ``σ_t = DeepVol(y_{1:t−1})`` (eq. 3a–3b):
one network with one set of weights for every stock. :class:`DeepVol` is a stacked LSTM (eq. 4a–4f) read by a
linear layer with a softplus output plus 1e‑5 (eq. 4g), run sequence to sequence: it reads ``y_1 … y_{T−1}`` and
emits ``σ_2 … σ_T`` in one pass, i.e. an expanding-window one-step forecast at every day. In code, for an input
row ``y_1 … y_L`` the output ``σ[t]`` (0-based) is the forecast of the return that follows ``y[t]``, made with
``y[0] … y[t]`` only (the LSTM is causal).

Two sizes are named: :data:`PAPER` is Table 1 (3 layers × 400 hidden units); :data:`AUTHORS_CODE` is what the
authors' public code trains (``script.sh`` of github.com/cqlc94/DeepVol: 1 layer × 128 units; its
``lib/models.py`` also puts dropout 0.2 on the LSTM outputs, kept here). That code adds 1e‑8 rather than the
paper's 1e‑5 to the softplus; we keep the paper's floor for both (:data:`SIGMA_FLOOR`), which matters only for
σ below ~1e‑4 in the returns' units. The paper's optimiser is Adam at a fixed learning rate 1e‑3
(:data:`LEARNING_RATE`; the code's default is 1e‑4 with gradient-norm clipping at 1).

Loss (eq. 3c and 5), padding and masking
----------------------------------------
Training minimises the Gaussian negative log-likelihood of ``y_2 … y_T`` given ``σ_2 … σ_T``
(:func:`nll_loss`, :func:`batch_loss`). Series of different lengths share a mini-batch by right-padding
(:func:`pad_batch`). The LSTM is causal, so a padded step, which comes after every real one, cannot change an
output at a real position; :meth:`DeepVol.forward` also drops the columns beyond the longest series and replaces
padded inputs by 0 (so NaN or huge padding is harmless), and the loss selects the real positions by the mask
before any arithmetic (a padded step gets an exactly zero gradient). Extra padding therefore changes the
outputs, the loss and its gradient not at all (bit for bit); a series batched with longer ones gets the same
outputs and loss as alone up to floating-point summation order (~1e-15 relative in float64). A packed sequence
(:func:`torch.nn.utils.rnn.pack_padded_sequence`) would skip the padded steps, but its backward pass on the CPU
is some 40 times slower than the padded one in PyTorch 2.x, far more than the padding costs. Eq. (5) averages over
series and days with all series of the same length ``T``; with different lengths ``reduction="series"``
(default) keeps each series' weight ``1/m`` (the mean over its own days, then over series) and
``reduction="position"`` weights every day equally (the authors' code).

Artificial portfolios and mini-batches (§2.3)
---------------------------------------------
:func:`random_portfolio` draws a portfolio size ``M`` uniformly from {20, …, 30}, ``M`` distinct stocks of a
:class:`ReturnPool` and weights uniform on the simplex (``Dirichlet(1, …, 1)``: positive, summing to 1), and
returns the weighted sum of the members' returns on the dates where all of them have one (their common dates;
the dates where only some members trade are left out and counted). The weighted sum of daily simple returns is
the return of a portfolio rebalanced daily to constant weights; for log returns it is the usual first-order
approximation. :func:`training_batch` forms the paper's mini-batch of 64: 32 real series and 32 freshly drawn
portfolios, every draw from one seeded :class:`numpy.random.Generator`.

No look-ahead: a pool holds only the dates up to its ``end`` (:meth:`ReturnPool.from_frame`), so portfolios and
batches built for training from a pool cut at the end of the training period contain no later return.

Training (:func:`train_deepvol`)
--------------------------------
DeepVol has its own small loop rather than :func:`volrep.train.fit`: ``fit`` shuffles a fixed set of
``(x, y)`` arrays, whereas every DeepVol mini-batch holds *freshly drawn* portfolios of different lengths
(§2.3), and the paper trains a fixed number of Adam steps at a fixed learning rate with no validation-based
early stopping or scheduler. The loop reuses ``fit``'s deterministic-kernel context and its non-finite-loss
rule. Real series are taken in epochs (each pass over a random permutation of the pool), so every stock is
seen equally often. Optionally (``window``) each series of a batch is cut to a random stretch of ``window``
consecutive returns (:func:`crop_batch`): the LSTM then starts from a zero state inside the history, and a
step costs ``window / T`` of a full-length one. The paper trains on whole series; windows are this project's
shortcut for CPU runs, and at forecast time the model still reads the whole history (:func:`forecast_sigma`).
The same loop fine-tunes a trained model on one stock (a pool of one series, ``n_portfolios=0``).

Units of DeepVol's inputs and outputs
-------------------------------------
The network and the loss take returns in whatever units they are given, and σ comes out in the same units. The
paper's NLL values (≈ 2) and quantile losses fit percent returns (100 × decimal), the scale of the authors' code
(which also demeans each series; we do not: the model has no mean, as in eq. 3a).

References
----------
Liu, C., Tran, M.-N., Wang, C., Gerlach, R. & Kohn, R. (2023). DeepVol: a deep transfer learning approach for
universal asset volatility modeling. §2.1–2.3, eq. (3a)–(5), Table 1.
Hochreiter, S., & Schmidhuber, J. (1997). Long short-term memory. *Neural Computation*, 9(8), 1735–1780.

The modules of the DeepVol package
----------------------------------
Every public name is re-exported here (``from volrep.models import deepvol as dv; dv.train_deepvol(...)``).

* :mod:`volrep.models.deepvol.network`: the network and its sizes, padded batches, the masked loss and
  :func:`forecast_sigma`.
* :mod:`volrep.models.deepvol.portfolios`: :class:`ReturnPool`, :func:`random_portfolio` and
  :func:`training_batch`.
* :mod:`volrep.models.deepvol.training`: :func:`train_deepvol`, :func:`crop_batch` and :class:`TrainingHistory`.
"""

from volrep.models.deepvol.network import (
    AUTHORS_CODE,
    AUTO_SIZES,
    CONFIGS,
    PAPER,
    SIGMA_FLOOR,
    Batch,
    DeepVol,
    DeepVolConfig,
    Reduction,
    batch_loss,
    build_model,
    forecast_sigma,
    nll_loss,
    pad_batch,
    parse_config,
    resolve_sizes,
)
from volrep.models.deepvol.portfolios import (
    BATCH_PORTFOLIOS,
    BATCH_REAL,
    PORTFOLIO_SIZE,
    Portfolio,
    ReturnPool,
    random_portfolio,
    training_batch,
)
from volrep.models.deepvol.training import (
    LEARNING_RATE,
    TrainingHistory,
    crop_batch,
    train_deepvol,
)

__all__ = [
    "AUTHORS_CODE",
    "AUTO_SIZES",
    "BATCH_PORTFOLIOS",
    "BATCH_REAL",
    "CONFIGS",
    "LEARNING_RATE",
    "PAPER",
    "PORTFOLIO_SIZE",
    "SIGMA_FLOOR",
    "Batch",
    "DeepVol",
    "DeepVolConfig",
    "Portfolio",
    "Reduction",
    "ReturnPool",
    "TrainingHistory",
    "batch_loss",
    "build_model",
    "crop_batch",
    "forecast_sigma",
    "nll_loss",
    "pad_batch",
    "parse_config",
    "random_portfolio",
    "resolve_sizes",
    "train_deepvol",
    "training_batch",
]
