"""Data preparation of the failed technical-indicator LSTM experiment (the "techlog"), faithful and corrected.

The log (``lstm_technical_indicators_btc_hourly_log.txt``) reports an LSTM regression of "future volatility" of
hourly BTC/USDT on technical indicators with test MSE 20,785.67, MAE 119.82 and R² = −0.0055
(:data:`volrep.papers.TECHLOG_TEST`). It states neither the target, the window length nor the split. This module
reconstructs them from the log's own numbers, builds the experiment's arrays (``variant="faithful"``), and the
same experiment done properly (``variant="corrected"``); the indicators and targets it is built from live in the
features layer (:mod:`volrep.technical`), the networks and the training loop elsewhere (:mod:`volrep.models.nets`,
:mod:`volrep.train`).

Reconstruction of the target
----------------------------
The losses are in squared dollars, so the target was not scaled. The moments they imply
(:func:`log_implied_moments`):

* training part: the first-epoch loss (457,414, outputs still near 0, so ≈ E[y²]) and the plateau of the
  training loss once the net outputs about the training mean (epochs 10–18: ≈ 72,376 ≈ Var y) give a training
  mean ≥ √(457,414 − 72,376) ≈ 620 USD and a coefficient of variation (CV) ≈ 0.43;
* test part: R² = 1 − MSE/Var y gives Var y = 20,785.67/1.0055 → sd 143.8 USD; the restored (epoch-8) net
  output was ≈ √(86,595 − 72,376) ≈ 120 USD below the training mean, i.e. ≈ 500 USD, and R² ≈ 0 means the
  near-constant output sat at the test mean: CV ≈ 0.29.

The log was run on 2025-08-17 and fetched the latest 5,000 hourly bars, about 2025-01-23 .. 2025-08-17, when
BTC traded at roughly 75k–123k USD (training part ≈ 96k on average; our estimate, the mirror ends in 2020).
Two dollar readings of "volatility over the next 24 hours" are plausible
(:func:`~volrep.technical.future_dollar_volatility`):

``"changes"``
    the standard deviation of the next 24 hourly price changes ``C_{t+i} − C_{t+i−1}``;
``"levels"``
    the standard deviation of the next 24 closing prices ``C_{t+1} … C_{t+24}``.

Their scale-free moments decide. For a Gaussian random walk the sample sd of 24 *levels* has CV 0.41 at
constant volatility (0.15 for 24 *changes*); fat tails and changing volatility only raise it. On the mirror's
hourly BTC (Binance 2018–2020, Kraken 2018–2022) the CV of "levels" over 720-hour windows has a 10 % quantile of
0.51–0.53 (3,300-hour windows: 0.65–0.67), that of "changes" 0.29–0.35 (0.35–0.53), and the mean ratio of the
target to the price is 1.20–1.24 % for "levels" against 0.67–0.68 % for "changes". The log's test CV 0.29 is
below the floor of "levels" and within the range of "changes", and its training mean 620 USD / 96k ≈ 0.65 %
matches "changes" (at the mirror's average ratio a "levels" target would average ≈ 1,150 USD). Hence the
faithful target is the sd of the next 24 hourly price changes, in USD (equivalently the sd of hourly returns
times the price). :func:`dollar_target_readings` recomputes these moments for any bars.

On the mirror the latest 5,000 bars are 2020-06-04 .. 2020-12-30 (9k–28k USD): the dollar target is 3–14× smaller
than in 2025 and grows 3.5-fold from the training to the test part, so the *train-mean* forecast there has MSE
≈ 1.7e4 (within an order of magnitude of the log's 2.1e4) but a strongly negative R².

Reconstruction of the settings
------------------------------
With batch size 32 the log shows 104 training batches (3,297–3,328 windows) and 22 test batches (673–704).
A 70/15/15 split of the windows themselves cannot give both (it needs 4,710–4,754 windows for the training
count but 4,487–4,693 for the test count). A 70/15/15 split of the *rows*, each part then cut into windows of
its own (a window does not reach back into the previous part), gives both for a 24-bar lookback when
4,743–4,787 rows remain after the indicators' warm-up and the last 24 rows without a target — i.e. a warm-up of
~190–235 bars, which is a 200-hour moving average, the commonest trend feature
(:data:`~volrep.technical.TREND_BARS`). So:
``n_bars=5000``, ``lookback=24`` (20–36 also fit), ``horizon=24``, ``split=(0.7, 0.15, 0.15)`` of rows,
windows per part, no purging — 3,321 / 693 / 694 windows = 104 / 22 / 22 batches.

The corrected experiment
------------------------
* target: the log realized volatility of the next ``horizon`` hourly log returns
  (:func:`~volrep.technical.future_log_realized_vol`), scale-free and close to Gaussian, z-scored on the training part;
* inputs: the HAR regressors (Corsi 2009) on hourly origins — the log realized volatility of the last 24 hours and
  its means over the last 168 and 720 hours (:data:`HAR_HOURS`) — plus the indicators in price-free form
  (``relative=True``);
* purging: a training or validation origin whose target window runs into the next part is dropped.
* overlapping targets: with hourly origins and a 24-hour horizon, consecutive targets share 23 of their 24 hours,
  so errors are strongly autocorrelated and an hourly test set holds about ``n/24`` independent targets;
  ``stride=24`` keeps non-overlapping validation and test origins.

Every window counts bars, not clock hours: the hourly grid gaps of the sample are counted in the report.

References
----------
Corsi, F. (2009). A simple approximate long-memory model of realized volatility. *Journal of Financial
Econometrics* 7(2), 174–196.
Theil, H. (1966). *Applied Economic Forecasting*. North-Holland. (MSE decomposition.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from volrep import evaluate
from volrep.data.clean import CleaningReport, find_gaps
from volrep.errors import ConfigError, DataError
from volrep.models.baselines import persistence_forecast
from volrep.models.har import HARFit, fit_har, har_forecast
from volrep.papers import TECHLOG_TEST
from volrep.targets import ZScore, chronological_split, har_features, sequence_windows
from volrep.technical import (BARS, DollarReading, check_bars, future_dollar_volatility, future_log_realized_vol,
                              technical_indicators, trailing_log_realized_vol, trailing_realized_variance)

Variant = Literal["faithful", "corrected"]

#: HAR regressors on hourly origins: means of the trailing log realized volatility over 1, 168 (week) and 720
#: (month) hourly origins.
HAR_HOURS = (1, 168, 720)
#: The log's batch size and batch counts (training, test).
BATCH_SIZE = 32
LOG_BATCHES = {"train": 104, "test": 22}
#: The log's training loss: mean of epochs 10–18 (the plateau, net output ≈ training mean) and of the restored
#: epoch 8.
LOG_TRAIN_LOSS_PLATEAU = float(np.mean([73845.3438, 71987.1875, 72197.7969, 71564.1719, 71794.7422,
                                        71975.9688, 72517.7812, 73162.1328, 72343.2969]))
LOG_TRAIN_LOSS_BEST_EPOCH = 86594.5859

RULE_WARMUP = "first rows without every feature (warm-up)"
RULE_TAIL = "last rows whose target runs past the sample"
RULE_LOOKBACK = "origins without a full lookback window inside their part"
RULE_PURGED = "origins purged: target runs into the next part"
RULE_STRIDE = "validation/test origins skipped by the stride"
RULE_GAPS = "missing hours inside the sample (kept; windows count bars)"


@dataclass(frozen=True)
class Windows:
    """The samples of one part of the split.

    Attributes
    ----------
    X
        ``(n, lookback, features)`` float32, scaled inputs; ``X[i, -1]`` is the origin's row.
    y
        ``(n,)`` float32 target in model units (USD for "faithful", z-score for "corrected").
    current
        ``(n,)`` float32, the target's quantity over the *last* ``horizon`` bars at the origin, in model units
        (the persistence forecast).
    dates
        The origins' timestamps.
    """

    X: np.ndarray
    y: np.ndarray
    current: np.ndarray
    dates: pd.DatetimeIndex


@dataclass(frozen=True)
class ExperimentData:
    """Windows, targets, dates and scalers of the experiment (:func:`experiment_data`).

    Attributes
    ----------
    variant, lookback, horizon, stride, purge
        The settings used.
    features
        Column names of the last axis of ``X``.
    units
        What ``to_units`` returns (``"USD"`` or ``"log realized volatility"``).
    train, val, test
        The three parts.
    x_scaler
        :class:`~volrep.targets.ZScore` of the features, fitted on the training rows.
    y_scaler
        Fitted on the training targets ("corrected"); None when the target stays in dollars ("faithful").
    report
        Every row and origin left out, and why.
    """

    variant: Variant
    lookback: int
    horizon: int
    stride: int
    purge: bool
    features: tuple[str, ...]
    units: str
    train: Windows
    val: Windows
    test: Windows
    x_scaler: ZScore
    y_scaler: ZScore | None
    report: CleaningReport

    def to_units(self, y: np.ndarray) -> np.ndarray:
        """Model-unit targets or forecasts back in :attr:`units` (float64)."""
        return np.asarray(y, dtype=float) if self.y_scaler is None else self.y_scaler.inverse(y)


def _inputs(sample: pd.DataFrame, variant: Variant, horizon: int, of: DollarReading
            ) -> tuple[pd.DataFrame, pd.Series, pd.Series, str]:
    """Features, target, trailing ("current") target quantity and units of a variant."""
    if variant == "faithful":
        target = future_dollar_volatility(sample, horizon, of=of)
        return technical_indicators(sample), target, target.shift(horizon), "USD"
    if variant == "corrected":
        rvol = trailing_log_realized_vol(sample, horizon)
        har = har_features(rvol, HAR_HOURS).rename(columns=lambda name: f"har_{name}")
        features = pd.concat([har, technical_indicators(sample, relative=True)], axis=1)
        return features, rvol.shift(-horizon), rvol, "log realized volatility"
    raise ConfigError(f"variant must be 'faithful' or 'corrected', got {variant!r}")


def _usable_block(features: pd.DataFrame, target: pd.Series, current: pd.Series) -> tuple[int, int]:
    """``[first, last)`` rows where features, target and current are all finite; a hole inside is an error."""
    values = np.column_stack([features.to_numpy(float), target.to_numpy(float), current.to_numpy(float)])
    ok = np.isfinite(values).all(axis=1)
    if not ok.any():
        raise DataError(BARS, "some rows with every feature and a target", None,
                        f"{len(ok)} bars are too few for the warm-up and the horizon")
    first, last = int(np.argmax(ok)), len(ok) - int(np.argmax(ok[::-1]))
    hole = ~ok[first:last]
    if hole.any():
        row = first + int(np.argmax(hole))
        names = [*features.columns, "target", "current"]
        bad = [names[j] for j in np.flatnonzero(~np.isfinite(values[row]))]
        raise DataError(BARS, "features and target defined after the warm-up", row,
                        f"{features.index[row]}: {', '.join(bad)} undefined; {int(hole.sum())} such rows")
    return first, last


def experiment_data(
    bars: pd.DataFrame,
    *,
    n_bars: int | None = 5000,
    lookback: int = 24,
    horizon: int = 24,
    split: tuple[float, float, float] = (0.7, 0.15, 0.15),
    variant: Variant = "faithful",
    stride: int = 1,
    purge: bool | None = None,
    of: DollarReading = "changes",
) -> ExperimentData:
    """The experiment's windows and targets for training, validation and test.

    Parameters
    ----------
    bars
        Hourly bars (e.g. ``volrep.data.load("binance_btcusdt_1h_cdd").frame``).
    n_bars
        Use the last ``n_bars`` bars only, as the log's script fetched the latest 5,000 (None: all bars).
        Features are computed on this sample alone, so their warm-up is lost inside it.
    lookback
        Bars per input window (24 inferred from the log's batch counts; see the module docstring).
    horizon
        Bars ahead of the target.
    split
        Train/validation/test fractions of the usable rows, in time order; each part is cut into windows of its
        own (a window never reaches back into the previous part), as the log's batch counts imply.
    variant
        ``"faithful"``: :func:`~volrep.technical.technical_indicators` in dollars, z-scored with a scaler fitted
        on the training rows, target :func:`~volrep.technical.future_dollar_volatility` left in USD.
        ``"corrected"``: HAR regressors plus the scale-free indicators, target
        :func:`~volrep.technical.future_log_realized_vol` z-scored on the training targets.
    stride
        Keep every ``stride``-th validation and test origin (24 gives non-overlapping 24-hour targets); the
        training part keeps every origin.
    purge
        Drop the training and validation origins whose target runs into the next part. Default: False for
        "faithful" (the log's script did not), True for "corrected".
    of
        The dollar reading of the "faithful" target (:func:`~volrep.technical.future_dollar_volatility`).

    Returns
    -------
    ExperimentData

    Raises
    ------
    ConfigError
        Bad settings, or fewer bars than ``n_bars``.
    DataError
        Bad bars, or a feature undefined after the warm-up (e.g. 20 equal closes).
    """
    check_bars(bars)
    if len(split) != 3:
        raise ConfigError(f"split needs train, validation and test fractions, got {split}")
    if lookback < 1 or stride < 1:
        raise ConfigError(f"lookback and stride must be positive, got {lookback} and {stride}")
    if n_bars is not None and len(bars) < n_bars:
        raise ConfigError(f"n_bars={n_bars} but only {len(bars)} bars were given")
    sample = bars if n_bars is None else bars.iloc[len(bars) - n_bars:]
    purge = variant == "corrected" if purge is None else purge
    features, target, current, units = _inputs(sample, variant, horizon, of)
    first, last = _usable_block(features, target, current)
    report = CleaningReport(f"techlog {variant}", rows_in=len(sample))
    report.add(RULE_GAPS, int(find_gaps(sample.index, "1h")["missing"].sum()))
    report.add(RULE_WARMUP, first).add(RULE_TAIL, len(sample) - last)

    block = chronological_split(sample.index[first:last], split, "/".join(f"{f:g}" for f in split))
    x_all = features.to_numpy(float)[first:last]
    y_all, now_all = target.to_numpy(float)[first:last], current.to_numpy(float)[first:last]
    x_scaler = ZScore.fit(x_all[: block.bounds[0]])
    windows = sequence_windows(x_scaler.transform(x_all).astype(np.float32), lookback)
    edges = (0, *block.bounds, len(x_all))
    origins = {}
    for k, part in enumerate(("train", "val", "test")):
        lo, hi = edges[k], edges[k + 1]
        if hi - lo < lookback:
            raise ConfigError(f"the {part} part has {hi - lo} rows, fewer than lookback={lookback}")
        idx = np.arange(lo + lookback - 1, hi)
        report.add(RULE_LOOKBACK, lookback - 1)
        if purge and part != "test":
            report.add(RULE_PURGED, int((idx > hi - 1 - horizon).sum()))
            idx = idx[idx <= hi - 1 - horizon]
        if part != "train":
            report.add(RULE_STRIDE, len(idx) - len(idx[::stride]))
            idx = idx[::stride]
        if idx.size < 2:
            raise ConfigError(f"the {part} part keeps {idx.size} origin(s); use more bars or a smaller lookback")
        origins[part] = idx
    y_scaler = ZScore.fit(y_all[origins["train"]]) if variant == "corrected" else None

    def model_units(values: np.ndarray) -> np.ndarray:
        return (values if y_scaler is None else y_scaler.transform(values)).astype(np.float32)

    parts = {
        part: Windows(windows[idx - lookback + 1], model_units(y_all[idx]), model_units(now_all[idx]),
                      sample.index[first:last][idx])
        for part, idx in origins.items()
    }
    report.rows_out = sum(len(p.y) for p in parts.values())
    return ExperimentData(variant, lookback, horizon, stride, purge, tuple(features.columns), units,
                          parts["train"], parts["val"], parts["test"], x_scaler, y_scaler, report)


@dataclass(frozen=True)
class BaselineResult:
    """Test forecasts of baseline models and their R².

    Attributes
    ----------
    forecasts
        Indexed by test origin: ``actual`` and one column per model, in the target's natural units.
    r2
        R² of each model on the test part (:func:`volrep.evaluate.r2`: relative to the test mean).
    fit
        The fitted HAR (:func:`har_baseline` only); ``fit.nobs`` training origins had every regressor.
    """

    forecasts: pd.DataFrame
    r2: pd.Series
    fit: HARFit | None = None


def _result(actual: pd.Series, models: dict[str, pd.Series], fit: HARFit | None = None) -> BaselineResult:
    table = pd.DataFrame({"actual": actual, **models})
    r2 = pd.Series({name: evaluate.r2(table["actual"], table[name]) for name in models}, name="r2")
    return BaselineResult(table, r2, fit)


def naive_baselines(data: ExperimentData) -> BaselineResult:
    """Train-mean and persistence forecasts of the test targets, in :attr:`ExperimentData.units`.

    ``train_mean`` forecasts the mean training target at every origin: its R² is ``−bias²/Var(test)`` ≤ 0, about 0
    only when the target's mean is the same in the training and test parts. ``persistence`` forecasts the
    target's quantity over the last ``horizon`` bars (:func:`volrep.models.baselines.persistence_forecast`).
    """
    dates = data.test.dates
    actual = pd.Series(data.to_units(data.test.y), index=dates, name="actual")
    train_mean = pd.Series(float(np.mean(data.to_units(data.train.y))), index=dates)
    current = pd.Series(data.to_units(data.test.current), index=dates)
    return _result(actual, {"train_mean": train_mean, "persistence": persistence_forecast(current, dates)})


def har_baseline(bars: pd.DataFrame, data: ExperimentData, *, windows: tuple[int, ...] = HAR_HOURS) -> BaselineResult:
    r"""The log-HAR (Corsi 2009) on hourly origins, fitted on the training origins of ``data``, forecasting its
    test origins.

    Parameters
    ----------
    bars
        The bars ``data`` was built from (every bar up to each origin may be used; bars before the sample
        warm the monthly regressor up).
    data
        Gives the horizon and the training and test origins (of either variant).
    windows
        HAR windows in hourly origins (day, week, month by default).

    Returns
    -------
    BaselineResult
        ``forecasts`` and ``r2`` on the corrected target, :func:`~volrep.technical.future_log_realized_vol`,
        whatever the variant of ``data``.

    Notes
    -----
    With :math:`x_t` the sum of the last h squared hourly log returns and :math:`\bar\ell^{(w)}_t` the mean of
    :math:`\ln x` over the last w origins,
    :math:`\ln x_{t+h} = \beta_0 + \sum_w \beta_w \bar\ell^{(w)}_t + \varepsilon_t` by OLS with Newey–West
    errors (:func:`volrep.models.har.fit_har`); the forecast of the log realized volatility is half the fitted
    value (no lognormal correction: the log is what is forecast).
    """
    check_bars(bars)
    missing = data.train.dates.union(data.test.dates).difference(bars.index)
    if missing.size:
        raise ConfigError(f"{missing.size} origins of data are not in bars (first {missing[0]}); pass the same bars")
    start = max(0, bars.index.get_loc(data.train.dates[0]) - max(windows) - data.horizon + 1)
    bars = bars.iloc[start:]
    rv = trailing_realized_variance(bars, data.horizon).dropna()
    fit = fit_har(rv, data.horizon, data.train.dates, windows=windows, kind="point", log=True)
    forecast = 0.5 * np.log(har_forecast(fit, rv, data.test.dates, lognormal_correction=False))
    actual = future_log_realized_vol(bars, data.horizon).loc[data.test.dates]
    return _result(actual, {"har": forecast}, fit)


@dataclass(frozen=True)
class MSEDecomposition:
    r"""Theil's decomposition of a forecast's mean squared error (population moments).

    .. math:: \mathrm{MSE} = (\bar f - \bar y)^2 + (\sigma_f - \rho\,\sigma_y)^2 + (1 - \rho^2)\,\sigma_y^2,
              \qquad R^2 = 1 - \mathrm{MSE}/\sigma_y^2.

    Attributes
    ----------
    mse, bias_sq, spread_sq, unexplained
        The MSE and its three parts: squared bias; mismatch between the forecast's sd and the sd it should have
        given its correlation (:math:`\rho\sigma_y`, the regression slope); the variance no linear function of the
        forecast can explain.
    var_actual, sd_forecast, correlation, r2
        :math:`\sigma_y^2`, :math:`\sigma_f`, :math:`\rho` (0 for a constant forecast) and R².
    """

    mse: float
    bias_sq: float
    spread_sq: float
    unexplained: float
    var_actual: float
    sd_forecast: float
    correlation: float
    r2: float

    def to_frame(self) -> pd.DataFrame:
        """The three parts with their share of the MSE and of the actual's variance (R² = 1 − sum of the latter)."""
        parts = pd.Series({"bias²": self.bias_sq, "(σ_f − ρσ_y)²": self.spread_sq,
                           "(1 − ρ²)σ_y²": self.unexplained})
        return pd.DataFrame({"value": parts, "share of MSE": parts / self.mse,
                             "share of Var(y)": parts / self.var_actual})


def mse_decomposition(actual: np.ndarray | pd.Series, forecast: np.ndarray | pd.Series) -> MSEDecomposition:
    """Why R² is near zero: split the MSE into bias, spread and correlation parts (Theil 1966).

    R² ≈ 0 with ``sd_forecast`` ≈ 0 and ``bias_sq`` ≈ 0 is a net that outputs a constant at the test mean; a
    negative R² with a large ``bias_sq`` is a constant at the mean of a *different* (training) period — what a
    non-stationary dollar target produces. ``unexplained / var_actual = 1 − ρ²`` is the best R² any linear
    recalibration of the forecast could reach.

    Inputs are checked by :func:`volrep.evaluate.align` (NaN, infinite, mis-aligned → error).
    """
    pair = evaluate.align(actual, forecast, label="mse_decomposition")
    y, f = pair.actual, pair.forecast
    if f.ndim != 1:
        raise ConfigError("mse_decomposition: forecast must be 1-D")
    if y.size < 2 or np.ptp(y) == 0:
        raise DataError("mse_decomposition", "R2 needs a non-constant actual", None, f"{y.size} value(s)")
    sd_y = float(y.std())
    sd_f = float(f.std()) if np.ptp(f) > 0 else 0.0
    rho = float(np.mean((y - y.mean()) * (f - f.mean())) / (sd_y * sd_f)) if sd_f > 0 else 0.0
    mse = float(np.mean((y - f) ** 2))
    return MSEDecomposition(mse, float((f.mean() - y.mean()) ** 2), (sd_f - rho * sd_y) ** 2,
                            (1 - rho**2) * sd_y**2, sd_y**2, sd_f, rho, 1 - mse / sd_y**2)


def log_implied_moments() -> pd.Series:
    """Moments of the log's dollar target implied by its losses (derivation in the module docstring).

    Returns
    -------
    pandas.Series
        ``train_mean`` (lower bound), ``train_sd``, ``train_cv``, ``test_sd``, ``test_mean`` (≈ the restored
        net's near-constant output), ``test_cv``, all in USD except the CVs.
    """
    train_sd = np.sqrt(LOG_TRAIN_LOSS_PLATEAU)
    train_mean = np.sqrt(TECHLOG_TEST["first_epoch_loss"] - LOG_TRAIN_LOSS_PLATEAU)
    test_sd = np.sqrt(TECHLOG_TEST["mse"] / (1 - TECHLOG_TEST["r2"]))
    test_mean = train_mean - np.sqrt(LOG_TRAIN_LOSS_BEST_EPOCH - LOG_TRAIN_LOSS_PLATEAU)
    return pd.Series({"train_mean": train_mean, "train_sd": train_sd, "train_cv": train_sd / train_mean,
                      "test_sd": test_sd, "test_mean": test_mean, "test_cv": test_sd / test_mean})


def dollar_target_readings(bars: pd.DataFrame, **settings: object) -> pd.DataFrame:
    """The moments of each dollar reading on ``bars``, to set beside :func:`log_implied_moments`.

    Parameters
    ----------
    bars
        Hourly bars.
    **settings
        Passed to :func:`experiment_data` (``variant`` is "faithful").

    Returns
    -------
    pandas.DataFrame
        One row per reading of :func:`~volrep.technical.future_dollar_volatility`: training mean, sd and CV, test
        mean, sd and CV, the mean target/close ratio (%) over the training part, and the MSE, MAE and R² of the
        train-mean forecast on the test part.
    """
    rows = {}
    for of in ("changes", "levels"):
        data = experiment_data(bars, variant="faithful", of=of, **settings)
        train, test = data.train.y.astype(float), data.test.y.astype(float)
        close = bars["close"].loc[data.train.dates].to_numpy()
        err = test - train.mean()
        rows[of] = {"train_mean": train.mean(), "train_sd": train.std(), "train_cv": train.std() / train.mean(),
                    "test_mean": test.mean(), "test_sd": test.std(), "test_cv": test.std() / test.mean(),
                    "train_pct_of_price": 100 * np.mean(train / close),
                    "train_mean_mse": np.mean(err**2), "train_mean_mae": np.mean(np.abs(err)),
                    "train_mean_r2": 1 - np.mean(err**2) / test.var()}
    return pd.DataFrame(rows).T
