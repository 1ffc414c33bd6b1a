"""The DeepVol authors' own pretrained model, scored by our code: their ``pretrained.ipynb`` rebuilt.

The public repository of Liu et al. (2023), github.com/cqlc94/DeepVol (commit ``dce0942``), ships a trained network
(``checkpoint.pt``) and a notebook (``pretrained.ipynb``, committed with its outputs) that runs it on Microsoft
(MSFT) daily returns and compares it with a GARCH(1, 1) re-estimated every day. Both files are the registered
artefact group ``deepvol_code_artifacts`` (:mod:`volrep.data.artefacts`). This module repeats that experiment on
the mirror's prices with our risk metrics (:mod:`volrep.evaluate`) and puts our numbers next to the ones the
notebook printed, which are parsed from its outputs (:func:`printed_losses`), never typed in.

It stays one module over 500 lines because it is one experiment: each section rebuilds one step of the same
notebook under the settings listed below, and that list is the single specification all of them are checked against.

What the notebook does (the settings the paper leaves silent)
-------------------------------------------------------------
Data
    ``yfinance.Ticker("MSFT").history(period="max")`` — split- and dividend-adjusted closes
    (``auto_adjust=True``). Returns are percent log returns ``r_t = 100 log(C_t / C_{t−1})``, **demeaned** with
    the mean of the returns dated 2014-01-01 … 2020-01-01 (label slicing, so 2014-01-02 … 2019-12-31: the
    training period only), then cut to the returns from 2014-01-01 on (:func:`notebook_returns`). ``x`` are
    all of them but the last (inputs, forecast origins), ``y`` all but the first (the return each origin
    forecasts). Train = origins in 2014–2019, validation = 2020–2021, test = origins from 2022-01-03 to the day
    before its last price: its outputs stop at 2024-12-27, i.e. 750 test returns from 2022-01-04 to 2024-12-27
    (:data:`LAST_DAY`; the ``test_end_date`` it defines is never used).
Network (:class:`AuthorsLSTM`)
    ``nn.LSTM(1, 10, 1, batch_first=True)`` → ``nn.Linear(10, 1)`` → softplus ``+ 1e-6``. The output is the
    **variance** (the notebook takes its square root), whereas our :class:`volrep.models.deepvol.DeepVol` outputs σ
    with a 1e-5 floor; so the authors' weights are loaded strictly into :class:`AuthorsLSTM`, not into ``DeepVol``.
    The input is the demeaned percent return itself (not squared), one feature. The notebook calls it on a 2-D
    tensor ``(T, 1)``, which PyTorch reads as ONE unbatched sequence of length ``T``: the LSTM starts from a zero
    state at 2014-01-02 and runs through the whole series once (train, validation and test; no re-start, no
    window, no burn-in). Output ``t`` is the variance of ``y_t`` (the return after ``x_t``), made from
    ``x_0 … x_t`` — causal, out of sample on the test period. Float32, as in the notebook.
GARCH (:func:`garch_sigma`)
    ``arch_model(x, mean="Zero", vol="GARCH", p=1, o=0, q=1, dist="Normal")`` (``rescale`` left at ``None``:
    no rescaling, the data are in percent). Re-estimated for every test origin ``i`` on an **expanding** window
    from 2014-01-02 with ``fit(first_obs=0, last_obs=i)``: ``last_obs`` is exclusive, so the estimates in force at
    origin ``i`` use ``x_0 … x_{i−1}`` (one day older than the origin), and ``forecast(start=i)`` filters through
    ``x_i`` to give ``σ²`` of ``y_i``. Each fit starts cold from ``arch``'s own starting values at its default
    tolerance. Here (``engine="warm"``, the default) each fit starts from the previous day's estimates with the
    tolerance :data:`volrep.models.garch.TOL` (our warm-start GARCH process of :mod:`volrep.models.garch`);
    ``engine="cold"`` repeats the notebook's calls exactly. On the MSFT test period the two differ by at most
    ~4e-5 relative in σ (median ~2e-6; the cold fits stop earlier at ``arch``'s default tolerance), ~3e-6 in the
    losses.
    (Our :func:`volrep.models.garch.garch_forecasts` and the panel engine of :mod:`volrep.models.garch_panel` fit a
    *constant* mean and include the origin in the estimation sample, so they are not the notebook's model.)
Losses (``risk_metric`` in the notebook, α = 1 %)
    Gaussian VaR ``Q = σ Φ⁻¹(α)`` and ES ``= −σ φ(Φ⁻¹(α)) / α``, **zero mean**; the quantile loss as a
    **mean** over the test days (our :func:`volrep.evaluate.quantile_loss` is the paper's sum: divided by ``n``
    here); Taylor's (2019) joint VaR–ES loss (the asymmetric-Laplace score, eq. 8 of the paper; the same as
    :func:`volrep.evaluate.joint_loss`, whose ``y ≤ Q`` differs from the notebook's ``y < Q`` only on ties); the
    Gaussian NLL with ``½ log 2π`` (:func:`volrep.evaluate.gaussian_nll`). Forecasts and returns are cast to
    float32 before scoring in the notebook; we score in float64 (a difference far below the printed 4 decimals).
    (The repository's ``lib/metrics.py`` centres VaR and ES on the test-sample mean instead; the notebook does
    not use it.)

Agreement with the printed numbers (mirror data)
------------------------------------------------
The test period, its 750 days and the split sizes are the notebook's. The network's weights are the authors'
(strict load), so any gap comes from the data: the ten GARCH σ the notebook displayed (in sample in 2014, test
origins in December 2024; :func:`printed_garch_sigma`) agree with ours to ~6e-5 relative but not to all six
digits, i.e. the mirror's adjusted closes (a yfinance snapshot stored in float32, from another download date)
differ from the authors' download by ~1e-5 relative. A perturbation of that size moves the 1 % joint loss by a
few 1e-4 (violation days weigh 1/α = 100) and the NLL by ~1e-4: the size of the gaps observed
(``tests/test_deepvol_code.py`` states the tolerance). The winner of every printed loss, and the DeepVol − GARCH
gaps, are the same in both sources.

Public API
----------
:func:`printed_losses`, :func:`printed_garch_sigma`, :func:`load_authors_model`, :class:`AuthorsLSTM`,
:func:`msft_closes`, :func:`notebook_returns`, :func:`split_sizes`, :func:`deepvol_sigma`, :func:`garch_sigma`,
:func:`garch_fit_sigma`, :func:`notebook_losses`, :func:`comparison_table`, :func:`winners`, :func:`run_experiment`
(→ :class:`Experiment` with ``forecasts``, ``table`` and ``summary``).

References
----------
Liu, C., Tran, M.-N., Wang, C., Gerlach, R. & Kohn, R. (2023). DeepVol: a deep transfer learning approach for
universal asset volatility modeling. §3.1, eq. (6)–(8). Code: github.com/cqlc94/DeepVol, ``pretrained.ipynb``.
Taylor, J. W. (2019). Forecasting value at risk and expected shortfall using a semiparametric approach based on
the asymmetric Laplace distribution. *Journal of Business & Economic Statistics* 37(1), 121–133.
"""

from __future__ import annotations

import copy
import json
import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import torch
from arch.univariate import Normal, ZeroMean
from arch.univariate.base import ARCHModelResult
from arch.utility.exceptions import ConvergenceWarning, StartingValueWarning
from torch import nn

from volrep import evaluate
from volrep.errors import ConfigError, DataError
from volrep.models.garch import TOL, _WarmStartGARCH

__all__ = [
    "ALPHA",
    "ARTEFACTS",
    "LAST_DAY",
    "LOSSES",
    "MODELS",
    "TEST_START",
    "TRAIN_START",
    "VAL_START",
    "VARIANCE_FLOOR",
    "AuthorsLSTM",
    "Experiment",
    "comparison_table",
    "deepvol_sigma",
    "garch_fit_sigma",
    "garch_sigma",
    "load_authors_model",
    "msft_closes",
    "notebook_losses",
    "notebook_returns",
    "printed_garch_sigma",
    "printed_losses",
    "run_experiment",
    "split_sizes",
    "winners",
]

#: The artefact group holding ``checkpoint.pt`` and ``pretrained.ipynb``.
ARTEFACTS = "deepvol_code_artifacts"
#: The notebook's split dates (``pd.Timestamp`` labels; slicing by label includes both ends).
TRAIN_START = pd.Timestamp("2014-01-01")
VAL_START = pd.Timestamp("2020-01-01")
TEST_START = pd.Timestamp("2022-01-01")
#: Date of the last price in the notebook's run (its printed GARCH forecasts end at the origin 2024-12-26).
LAST_DAY = pd.Timestamp("2024-12-27")
#: The VaR/ES level of the printed losses.
ALPHA = 0.01
#: Added by the authors' network to the softplus output (a variance, in percent²).
VARIANCE_FLOOR = 1e-6
#: The losses the notebook prints, in its order (our names).
LOSSES = ("quantile_loss", "joint_loss", "nll")
#: Model labels: the authors' pretrained network and the daily re-estimated GARCH(1, 1).
MODELS = ("deepvol_authors", "garch")

_PRINTED_MODELS = {"GARCH": "garch", "DeepVol": "deepvol_authors"}
_PRINTED_LOSSES = {"Quantile Loss": "quantile_loss", "Joint Loss": "joint_loss", "NLL": "nll"}
Engine = Literal["warm", "cold"]


# --------------------------------------------------------------------------------------------------------------
# The notebook's printed numbers
# --------------------------------------------------------------------------------------------------------------
def _notebook(path: str | Path | None) -> dict:
    from volrep.data import artefacts

    p = Path(path) if path is not None else artefacts.path(ARTEFACTS, "pretrained.ipynb")
    return json.loads(p.read_text(encoding="utf-8"))


def printed_losses(notebook: str | Path | None = None) -> pd.DataFrame:
    """The losses ``pretrained.ipynb`` printed, parsed from its stored outputs.

    Parameters
    ----------
    notebook
        Path of the notebook (default: the verified artefact).

    Returns
    -------
    pandas.DataFrame
        Columns ``model`` (:data:`MODELS`), ``loss`` (:data:`LOSSES`), ``value`` (as printed, 4 decimals) and
        ``decimals``; one row per printed number.

    Raises
    ------
    DataError
        The notebook holds no such output, or not all six numbers.
    """
    nb = _notebook(notebook)
    text = "\n".join("".join(out.get("text", "")) for cell in nb.get("cells", []) if cell.get("cell_type") == "code"
                     for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    pattern = re.compile(r"(GARCH|DeepVol):\s*\n\s*Quantile Loss:\s*(\S+),\s*Joint Loss:\s*(\S+),\s*NLL:\s*(\S+)")
    rows = []
    for match in pattern.finditer(text):
        model = _PRINTED_MODELS[match[1]]
        for name, value in zip(_PRINTED_LOSSES.values(), match.groups()[1:]):
            rows.append({"model": model, "loss": name, "value": float(value),
                         "decimals": len(value.split(".")[1]) if "." in value else 0})
    frame = pd.DataFrame(rows, columns=["model", "loss", "value", "decimals"])
    if len(frame) != len(MODELS) * len(LOSSES) or frame.duplicated(["model", "loss"]).any():
        raise DataError("pretrained.ipynb", "one printed line of losses per model (GARCH and DeepVol)", None,
                        f"found {len(frame)} number(s)")
    return frame


def printed_garch_sigma(notebook: str | Path | None = None) -> pd.Series:
    """The GARCH σ forecasts the notebook displayed (``display(gc_fc)``: its first and last five rows).

    Returns
    -------
    pandas.Series
        Indexed by origin date (tz-naive), the σ as displayed (pandas' default 6 significant digits). The first
        rows are the in-sample forecasts of the fit on train + validation (:func:`garch_fit_sigma`), the last rows
        test forecasts of the daily refits (:func:`garch_sigma`): a check of the data, independent of the losses.
    """
    nb = _notebook(notebook)
    for cell in nb.get("cells", []):
        if "gc_fc" not in "".join(cell.get("source", "")):
            continue
        for out in cell.get("outputs", []):
            text = "".join(out.get("data", {}).get("text/plain", ""))
            rows = re.findall(r"^(\d{4}-\d{2}-\d{2})[ \d:+-]*\s+([0-9.]+)\s*$", text, flags=re.M)
            if rows:
                index = pd.DatetimeIndex([d for d, _ in rows], name="origin")
                return pd.Series([float(v) for _, v in rows], index=index, name="garch")
    raise DataError("pretrained.ipynb", "a displayed gc_fc table of GARCH forecasts", None)


# --------------------------------------------------------------------------------------------------------------
# The authors' network
# --------------------------------------------------------------------------------------------------------------
class AuthorsLSTM(nn.Module):
    """The network class of ``pretrained.ipynb`` (``LSTM``): 1 × 10 LSTM, linear read-out, softplus variance.

    Parameters
    ----------
    hidden
        LSTM units (10 in the checkpoint).
    layers
        LSTM layers (1 in the checkpoint).

    Notes
    -----
    .. math:: h_t = \\mathrm{LSTM}(x_0, …, x_t), \\qquad \\hat\\sigma^2_{t+1} = \\mathrm{softplus}(w^\\top h_t + b)
              + 10^{-6}

    The parameter names (``lstm.*``, ``fc.*``) are the checkpoint's, so it loads with ``strict=True``. The
    notebook's ``dropout`` argument is never passed to the LSTM (and is inert for one layer anyway).
    """

    def __init__(self, hidden: int = 10, layers: int = 1) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, returns: torch.Tensor) -> torch.Tensor:
        """Variance forecasts after every return.

        Parameters
        ----------
        returns
            ``(T,)`` one series or ``(batch, T)`` several, each run from a zero state.

        Returns
        -------
        torch.Tensor
            The same shape: element ``t`` is the variance of the return after ``returns[..., t]``.
        """
        if returns.ndim not in (1, 2):
            raise ConfigError(f"AuthorsLSTM takes (T,) or (batch, T) returns, got shape {tuple(returns.shape)}")
        states = self.lstm(returns.unsqueeze(-1))[0]
        return nn.functional.softplus(self.fc(states)).squeeze(-1) + VARIANCE_FLOOR


def load_authors_model(state_dict: Mapping[str, torch.Tensor] | None = None) -> AuthorsLSTM:
    """:class:`AuthorsLSTM` with the authors' weights (or ``state_dict``), loaded strictly, in eval mode.

    The default reads the verified ``checkpoint.pt`` of :data:`ARTEFACTS` on the CPU. The layout (hidden units,
    layers) is read from the state dict's shapes; a missing, extra or misshapen key raises.
    """
    if state_dict is None:
        from volrep.data import artefacts

        state_dict = artefacts.load_torch(ARTEFACTS, "checkpoint.pt")
    if "lstm.weight_hh_l0" not in state_dict:
        raise ConfigError(f"not an AuthorsLSTM state dict: keys {sorted(state_dict)}")
    hidden = int(state_dict["lstm.weight_hh_l0"].shape[1])
    layers = 1 + max(int(m[1]) for k in state_dict if (m := re.fullmatch(r"lstm\.weight_ih_l(\d+)", k)))
    model = AuthorsLSTM(hidden=hidden, layers=layers)
    model.load_state_dict(state_dict, strict=True)
    return model.eval()


def deepvol_sigma(model: AuthorsLSTM, x: pd.Series, *, dtype: torch.dtype = torch.float32) -> pd.Series:
    """The network's σ forecasts along the whole input series, indexed by origin (``x``'s dates).

    One pass from a zero state over all of ``x`` (as the notebook's unbatched ``(T, 1)`` call): the value at
    origin ``t`` is ``sqrt`` of the variance of the return after ``x_t``, made from ``x_0 … x_t``. Computed in
    ``dtype`` (float32 as the notebook) on a copy of the model in eval mode, and returned as float64.
    """
    values = torch.tensor(np.array(x, dtype=np.float64), dtype=dtype)
    net = copy.deepcopy(model).to(dtype).eval()  # the caller's model keeps its dtype and mode
    with torch.no_grad():
        variance = net(values).numpy()
    return pd.Series(np.sqrt(variance.astype(np.float64)), index=x.index, name="deepvol_authors")


# --------------------------------------------------------------------------------------------------------------
# Data: MSFT returns as the notebook builds them
# --------------------------------------------------------------------------------------------------------------
def msft_closes(*, last_day: pd.Timestamp | str = LAST_DAY, ticker: str = "MSFT") -> pd.Series:
    """Adjusted daily closes of ``ticker`` from the mirror's ``sp500_members_daily_panel`` up to ``last_day``.

    The panel is yfinance's split- and dividend-adjusted close (as ``Ticker.history``'s ``Close``, which the
    notebook uses), stored as float32; it starts in 2000, so the first 2014 return has its previous close.
    """
    from volrep import data

    frame = data.load("sp500_members_daily_panel", start="2013-01-01", end=pd.Timestamp(last_day),
                      progress=False).frame
    close = frame.loc[frame["ticker"] == ticker].set_index("date")["close"].astype(np.float64).sort_index()
    if close.empty:
        raise DataError("sp500_members_daily_panel", f"ticker {ticker} present", None)
    return close.rename(ticker)


def notebook_returns(close: pd.Series) -> pd.Series:
    """Percent log returns, demeaned with their 2014–2019 mean and cut to 2014 on (the notebook's ``ret``).

    Parameters
    ----------
    close
        Adjusted closes with a DatetimeIndex (tz-naive), from before :data:`TRAIN_START`, positive.

    Returns
    -------
    pandas.Series
        ``100 log(C_t / C_{t−1}) − m`` for t ≥ 2014-01-01, with ``m`` the mean over 2014-01-01 … 2020-01-01
        (both ends included, as pandas label slicing; no trading on either day).
    """
    close = close.dropna()
    if not isinstance(close.index, pd.DatetimeIndex) or (close <= 0).any() or not close.index.is_monotonic_increasing:
        raise DataError(str(close.name), "positive closes on increasing dates")
    if close.index[0] >= TRAIN_START:
        raise DataError(str(close.name), f"a close before {TRAIN_START.date()} (for the first return)")
    ret = np.log(close).diff().dropna() * 100.0
    ret = ret - ret[TRAIN_START:VAL_START].mean()
    return ret[TRAIN_START:].rename("return")


def split_sizes(x: pd.Series) -> tuple[int, int, int]:
    """``(train_size, val_size, test_size)`` in origins, as the notebook counts them on ``x``."""
    return (len(x[TRAIN_START:VAL_START]), len(x[VAL_START:TEST_START]), len(x[TEST_START:]))


# --------------------------------------------------------------------------------------------------------------
# GARCH(1, 1), zero mean, re-estimated every test day on an expanding window
# --------------------------------------------------------------------------------------------------------------
def _zero_mean(x: np.ndarray, starting: np.ndarray | None) -> ZeroMean:
    return ZeroMean(x, volatility=_WarmStartGARCH(1, 0, 1, 2.0, starting), distribution=Normal(), rescale=False)


def _fit(x: np.ndarray, stop: int, starting: np.ndarray | None, engine: Engine) -> ARCHModelResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # read from convergence_flag
        if engine == "cold":  # the notebook's call: arch's starting values and default tolerance
            return ZeroMean(x, volatility=_WarmStartGARCH(1, 0, 1, 2.0, None), distribution=Normal()).fit(
                disp="off", first_obs=0, last_obs=stop)
        warnings.simplefilter("error", StartingValueWarning)
        try:
            return _zero_mean(x, starting).fit(disp="off", first_obs=0, last_obs=stop, starting_values=starting,
                                               tol=TOL)
        except StartingValueWarning:
            return _zero_mean(x, None).fit(disp="off", first_obs=0, last_obs=stop, tol=TOL)


def garch_sigma(x: pd.Series, first: int, *, engine: Engine = "warm", last: int | None = None) -> pd.DataFrame:
    """The notebook's GARCH(1, 1) benchmark: zero mean, normal errors, refitted for every origin.

    Parameters
    ----------
    x
        The notebook's inputs (demeaned percent returns, :func:`notebook_returns` without its last value).
    first
        Row of the first origin (``train_size + val_size``).
    engine
        ``"warm"``: each fit starts from the previous origin's estimates, SLSQP tolerance
        :data:`~volrep.models.garch.TOL` (the first fit cold). ``"cold"``: the notebook's calls exactly (every fit
        from ``arch``'s starting values at its default tolerance).
    last
        Row after the last origin (default: all of ``x``); a shorter run is for tests.

    Returns
    -------
    pandas.DataFrame
        Indexed by origin: ``sigma`` (σ of the return after the origin, percent), ``omega``, ``alpha``, ``beta``
        (estimates from ``x_0 … x_{i−1}``), ``converged``.

    Notes
    -----
    .. math:: \\sigma^2_{t+1} = \\omega + \\alpha x_t^2 + \\beta \\sigma^2_t

    with ``arch``'s backcast for ``σ²_0`` (from the first returns of the estimation sample, which always starts at
    2014-01-02). Origin ``i`` is estimated with ``fit(first_obs=0, last_obs=i)`` — ``last_obs`` exclusive — and
    forecast with ``forecast(start=i, horizon=1)``, as in the notebook.
    """
    if engine not in ("warm", "cold"):
        raise ConfigError(f"engine must be 'warm' or 'cold', got {engine!r}")
    values = np.asarray(x, dtype=np.float64)
    last = len(values) if last is None else int(last)
    if not 0 < first < last <= len(values):
        raise ConfigError(f"origins must satisfy 0 < first < last <= {len(values)}, got {first}, {last}")
    rows, start = [], None
    for i in range(first, last):
        res = _fit(values, i, start, engine)
        ok = res.convergence_flag == 0 and bool(np.isfinite(res.params.to_numpy()).all())
        if ok:
            start = res.params.to_numpy()
        variance = float(res.forecast(start=i, horizon=1, reindex=False).variance.to_numpy()[0, 0])
        omega, alpha, beta = res.params.to_numpy()
        rows.append((np.sqrt(variance), omega, alpha, beta, ok))
    return pd.DataFrame(rows, columns=["sigma", "omega", "alpha", "beta", "converged"],
                        index=x.index[first:last].rename("origin"))


def garch_fit_sigma(x: pd.Series, stop: int) -> pd.Series:
    """σ forecasts at every origin of ``x`` from ONE fit on ``x_0 … x_{stop−1}`` (the notebook's ``fc_all``).

    ``arch_model(x, mean="Zero", ...).fit(first_obs=0, last_obs=stop)`` then ``forecast(start=0)``, exactly the
    notebook's call; in sample before ``stop``, filtered with fixed estimates after it.
    """
    res = _fit(np.asarray(x, dtype=np.float64), int(stop), None, "cold")
    variance = res.forecast(start=0, horizon=1, reindex=False).variance.to_numpy()[:, 0]
    return pd.Series(np.sqrt(variance), index=x.index.rename("origin"), name="garch")


# --------------------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------------------
def notebook_losses(sigma: np.ndarray | pd.Series, returns: np.ndarray | pd.Series, alpha: float = ALPHA) -> dict:
    """The notebook's ``risk_metric`` computed with :mod:`volrep.evaluate` (zero-mean Gaussian VaR and ES).

    Returns
    -------
    dict
        ``quantile_loss`` (mean check loss: :func:`~volrep.evaluate.quantile_loss` / n), ``joint_loss``
        (:func:`~volrep.evaluate.joint_loss`), ``nll`` (:func:`~volrep.evaluate.gaussian_nll`), and, not printed
        by the notebook, ``violation_ratio`` (:func:`~volrep.evaluate.violation_ratio`) and ``n``.
    """
    s = np.asarray(sigma, dtype=np.float64)
    y = np.asarray(returns, dtype=np.float64)
    var, es = evaluate.gaussian_var(s, alpha), evaluate.gaussian_es(s, alpha)
    return {
        "quantile_loss": evaluate.quantile_loss(y, var, alpha) / y.size,
        "joint_loss": evaluate.joint_loss(y, var, es, alpha),
        "nll": evaluate.gaussian_nll(y, s),
        "violation_ratio": evaluate.violation_ratio(y, var, alpha),
        "n": int(y.size),
    }


def comparison_table(ours: Mapping[str, Mapping[str, float]], printed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy side-by-side table: one row per (loss, model).

    Parameters
    ----------
    ours
        ``{model: notebook_losses(...)}`` for the models of :data:`MODELS`.
    printed
        :func:`printed_losses` (default: parsed from the artefact).

    Returns
    -------
    pandas.DataFrame
        Columns ``loss``, ``model``, ``ours``, ``authors`` (as printed; NaN for what the notebook does not print),
        ``diff`` (ours − authors), ``rounded_equal`` (ours rounded to the printed decimals equals the printed
        value).
    """
    printed = printed_losses() if printed is None else printed
    book = printed.set_index(["model", "loss"])
    rows = []
    for loss in (*LOSSES, "violation_ratio"):
        for model in MODELS:
            value = float(ours[model][loss])
            authors = float(book["value"].get((model, loss), np.nan))
            decimals = int(book["decimals"].get((model, loss), 4))
            rows.append({"loss": loss, "model": model, "ours": value, "authors": authors, "diff": value - authors,
                         "rounded_equal": bool(round(value, decimals) == authors)})
    return pd.DataFrame(rows)


def winners(table: pd.DataFrame) -> pd.DataFrame:
    """Which model does better per loss, by our numbers and by the authors' printed ones.

    Lower is better for the losses; for the violation ratio, closer to 1. Returns one row per loss: ``ours``,
    ``authors`` (winner's model label, or ``"tie"`` / NaN), ``gap_ours`` and ``gap_authors`` (DeepVol − GARCH),
    ``agree``.
    """
    rows = []
    for loss, part in table.groupby("loss", sort=False):
        part = part.set_index("model")
        row: dict[str, object] = {"loss": loss}
        for source in ("ours", "authors"):
            v = part[source]
            if v.isna().any():
                row[source], row[f"gap_{source}"] = np.nan, np.nan
                continue
            score = (v - 1).abs() if loss == "violation_ratio" else v
            a, b = score["deepvol_authors"], score["garch"]
            row[source] = "tie" if a == b else ("deepvol_authors" if a < b else "garch")
            row[f"gap_{source}"] = float(v["deepvol_authors"] - v["garch"])
        row["agree"] = bool(row["ours"] == row["authors"]) if isinstance(row["authors"], str) else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["loss", "ours", "authors", "gap_ours", "gap_authors", "agree"])


@dataclass(frozen=True)
class Experiment:
    """What :func:`run_experiment` produced.

    Attributes
    ----------
    returns
        The notebook's ``ret`` (demeaned percent log returns from 2014-01-02).
    forecasts
        Indexed by target date (the forecast return's date) over the test period: ``return``, ``deepvol_authors``
        and ``garch`` (σ, percent), ``origin``; plus the GARCH estimates in force (``omega``, ``alpha``, ``beta``,
        ``converged``).
    table
        :func:`comparison_table`.
    summary
        :func:`winners`.
    sizes
        ``(train_size, val_size, test_size)`` (:func:`split_sizes`).
    seconds
        Wall time of each step: ``data``, ``deepvol``, ``garch``.
    """

    returns: pd.Series
    forecasts: pd.DataFrame
    table: pd.DataFrame
    summary: pd.DataFrame
    sizes: tuple[int, int, int]
    seconds: dict[str, float] = field(default_factory=dict)


def run_experiment(
    close: pd.Series | None = None,
    *,
    state_dict: Mapping[str, torch.Tensor] | None = None,
    engine: Engine = "warm",
    last_day: pd.Timestamp | str = LAST_DAY,
    alpha: float = ALPHA,
    printed: pd.DataFrame | None = None,
) -> Experiment:
    """``pretrained.ipynb``'s comparison of the authors' DeepVol with a daily refitted GARCH(1, 1) on MSFT.

    Parameters
    ----------
    close
        Adjusted closes (default: MSFT from the mirror, :func:`msft_closes`, up to ``last_day``).
    state_dict
        Network weights (default: the authors' ``checkpoint.pt``).
    engine
        GARCH refits, :func:`garch_sigma`.
    last_day
        Last price date (default :data:`LAST_DAY`, the notebook's; 750 test returns).
    alpha
        VaR/ES level (the notebook's 1 %).
    printed
        The authors' printed numbers (default: parsed from the notebook, :func:`printed_losses`).

    Returns
    -------
    Experiment
    """
    seconds = {}
    tic = time.perf_counter()
    close = msft_closes(last_day=last_day) if close is None else close[: pd.Timestamp(last_day)]
    ret = notebook_returns(close)
    x, y = ret.iloc[:-1], ret.iloc[1:]
    n_train, n_val, n_test = split_sizes(x)
    first = n_train + n_val
    seconds["data"] = time.perf_counter() - tic

    tic = time.perf_counter()
    dv = deepvol_sigma(load_authors_model(state_dict), x)
    seconds["deepvol"] = time.perf_counter() - tic

    tic = time.perf_counter()
    garch = garch_sigma(x, first, engine=engine)
    seconds["garch"] = time.perf_counter() - tic

    target = y.index[first:]
    forecasts = pd.DataFrame({"return": y.to_numpy()[first:], "deepvol_authors": dv.to_numpy()[first:],
                              "garch": garch["sigma"].to_numpy(), "origin": x.index[first:]},
                             index=target.rename("date"))
    forecasts = forecasts.join(garch.drop(columns="sigma").set_axis(target, axis=0))
    ours = {m: notebook_losses(forecasts[m], forecasts["return"], alpha) for m in MODELS}
    table = comparison_table(ours, printed)
    return Experiment(ret, forecasts, table, winners(table), (n_train, n_val, n_test), seconds)
