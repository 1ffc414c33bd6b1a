"""Chapter 09 — the networks of chapters 05–08 trained on the leaderboard's target (daily bitcoin RV, 90/10 split).

The store holds the networks' forecasts of *their* chapters' targets (Dhansoia's log volatility on a 50/25/25
split, Huang's RV from 10-minute returns, DeepVol's stock returns), not of the leaderboard's (chapter 04's daily RV
of Binance BTCUSDT from pre-averaged 1-minute returns, ``RV_{t+h}`` at the test origins of a 90/10 split). This
module trains one representative of each family on that target, with its chapter's code and its chapter's profile
settings (:func:`volrep.config.chapter_settings`), and one seed (the chapters average 1–5). Every network is its
chapter's :class:`volrep.models.forecaster.Network`, fitted and forecasting through the same interface as HAR and
GARCH:

* **scratch and transfer LSTMs** (Dhansoia 2025, §3.3; chapter 05): :func:`volrep.chapters.transfer_lstm.networks`
  — pre-training on the S&P 500's log volatility (Oxford-Man 5-minute RV, the chapter's ``proper`` series, its own
  50/25/25 split), training from scratch on bitcoin, and fine-tuning with the authors' code's strategy;
* **HAR–LSTM hybrid** (Dhansoia 2025, §3.4 eq. 3; chapter 06): :func:`volrep.chapters.hybrids.network`;
* **LSTM and CNN-LSTM on MTF images** (Huang et al. 2024, §4.1–4.4; chapter 07):
  :func:`volrep.chapters.cnn_lstm_mtf.network` — the LSTM on HAR's inputs (Table 8's LSTM) and the CNN-LSTM on
  the MTF of the previous day's 10-minute RVs blurred to the profile's first image size (Table 6), or, without
  intraday data (simulated runs), on the MTF of the past 30 daily RVs (Table 7);
* **DeepVol's universal model** (Liu et al. 2023, §2.3, Table 1; chapter 08): trained as chapter 08 trains its main
  model (:func:`volrep.models.deepvol.train_deepvol` on case study 1's training stocks up to August 2019 and random
  portfolios of them) and applied to bitcoin's daily returns, which it never saw.

Targets and conversions
-----------------------
Dhansoia's networks forecast the **log annualised volatility** ``L = ½ log(365 RV)`` (the chapters' scale: the
sequence windows and the HAR of the hybrid are on it); the forecast of ``L_{t+h}`` becomes an RV forecast with the
lognormal mean, as chapter 04's log-HAR does (:func:`volrep.models.har.har_forecast`):
``RV̂ = exp(2 L̂ + 2 s²) / 365``, ``s²`` the mean squared error of ``L̂`` on the validation origins (never the test).
Huang's networks forecast ``RV_{t+h}`` itself. DeepVol forecasts the σ (percent) of the next day's return; its
variance ``σ̂²_{t+1} / 10⁴`` is the forecast of ``RV_{t+1}`` (bitcoin trades around the clock, so the
close-to-close return's variance is the day's integrated variance) and, DeepVol being a one-step model, also of
``RV_{t+h}`` (a flat term structure, as the persistence forecast).

Splits of the leaderboard's networks
------------------------------------
Every network sees only the training part of the leaderboard's 90/10 split. Dhansoia's networks stop early on a
validation part: the last third of the training days (:data:`VALIDATION_SHARE`, the ratio of the paper's 50/25
train/validation parts). Huang's networks train a fixed number of epochs without validation (§4.4, footnote 20).
A sample belongs to the part holding its target date (:meth:`volrep.targets.Split.origins`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from volrep import config, store, targets
from volrep.chapters import cnn_lstm_mtf, cnn_lstm_mtf_data, hybrids, transfer_lstm
from volrep.chapters import deepvol as ch08
from volrep.chapters.baselines import targets_by_horizon
from volrep.chapters.rough_hurst import log_vol_from_rv
from volrep.chapters.leaderboard import CHAPTER, LEADERBOARD_KEYS, TRAINED_HERE
from volrep.errors import ConfigError, DataError
from volrep.evaluate.alignment import check_aligned
from volrep.models import deepvol as dv
from volrep.models import dhansoia_code, forecaster
from volrep.progress import steps

#: Share of the training days that become Dhansoia's validation part (50/25 of the paper's 50/25/25 split).
VALIDATION_SHARE = 1 / 3
#: Days per year of bitcoin's annualised volatility (Dhansoia's ``proper`` series, chapter 05).
PERIODS_PER_YEAR = 365
#: Lookback of Dhansoia's windows (chapters 05 and 06).
LOOKBACK = 20
#: Chapter 05's fine-tuning strategy: the authors' code's choice.
TRANSFER = "frozen_encoder" if dhansoia_code.CONFIG["freeze_encoder"] else "full_finetune"
#: DeepVol returns are in percent (chapter 08's units).
PERCENT = ch08.PERCENT
#: The families trained here, in book order (:data:`volrep.chapters.leaderboard.TRAINED_HERE`).
NETWORK_FAMILIES = tuple(TRAINED_HERE)
DHANSOIA_LSTM, DHANSOIA_HYBRID, HUANG_LSTM, HUANG_CNN, DEEPVOL = NETWORK_FAMILIES

Forecasts = dict[str, dict[int, pd.Series]]
#: Per chapter, knobs that replace the profile's (:func:`volrep.config.chapter_settings`), e.g. for tiny test runs.
Overrides = Mapping[str, Mapping[str, object]]


def chapter_settings(chapter: str, profile: str, overrides: Overrides | None = None) -> dict[str, object]:
    """``chapter``'s knobs under ``profile`` with ``overrides[chapter]`` applied (validated by :mod:`volrep.config`)."""
    return config.chapter_settings(chapter, profile, **dict((overrides or {}).get(chapter, {})))


@dataclass(frozen=True)
class LeaderboardData:
    """Everything the networks need, on the leaderboard's days.

    Attributes
    ----------
    target
        Daily RV (decimal variance) on tz-naive days, the leaderboard's series: ``RV_{t+h}`` is the target of
        origin t.
    returns
        Daily log returns (decimal) on the same days (NaN where none): DeepVol's input.
    source_log_vol
        The S&P 500's daily log annualised volatility (chapter 05's ``proper`` source series): pre-training.
    intraday
        Huang's intraday RV sequences, ``{freq: days × slots}`` (:func:`volrep.chapters.cnn_lstm_mtf_data.intraday_rv`);
        empty: the CNN-LSTM reads the MTF of the past 30 daily RVs instead.
    pool
        DeepVol's training pool (chapter 08's case study 1 training stocks, cut at its training end).
    """

    target: pd.Series
    returns: pd.Series
    source_log_vol: pd.Series
    intraday: Mapping[str, pd.DataFrame]
    pool: dv.ReturnPool

    def __post_init__(self) -> None:
        if getattr(self.target.index, "tz", None) is not None:
            raise ConfigError("LeaderboardData: index the target by tz-naive days (the store's dates; "
                              "index.tz_convert(None) converts UTC days)")
        object.__setattr__(self, "returns", check_aligned(self.target, self.returns, label="leaderboard returns",
                                                          names=("target", "returns")))

    @property
    def split(self) -> targets.Split:
        """The leaderboard's 90/10 split of the target's days."""
        return targets.named_split(self.target.index, LEADERBOARD_KEYS["split"])


def load_data(data_source: str, target: pd.Series, returns: pd.Series, *, profile: str, seed: int,
              overrides: Overrides | None = None) -> LeaderboardData:
    """The source series, intraday sequences and DeepVol pool, read by their chapters' own functions.

    ``mirror``: chapter 05's S&P 500 series (:func:`volrep.chapters.transfer_lstm.dhansoia_series`), chapter 07's
    10-minute RVs of the Binance 1-minute bars (:func:`volrep.chapters.cnn_lstm_mtf_data.binance_minute_design`) and
    chapter 08's case study 1 (:func:`volrep.chapters.deepvol.case1_data`), about 40 s. ``sim``: their simulated
    counterparts (no intraday sequences). ``target`` and ``returns`` are the leaderboard's series (chapter 04's),
    possibly indexed by UTC days (:func:`volrep.chapters.leaderboard.binance_series`): they are made tz-naive, as the
    store keeps dates.
    """
    s05 = chapter_settings("05_transfer_lstm", profile, overrides)
    s08 = chapter_settings("08_deepvol", profile, overrides)
    series, _ = transfer_lstm.dhansoia_series(data_source, seed=seed, sim_days=int(s05["sim_days"]))
    intraday = {}
    if data_source == "mirror":
        design, _, _ = cnn_lstm_mtf_data.binance_minute_design(freqs=cnn_lstm_mtf_data.MINUTE_FREQS[:1])
        intraday = dict(design.intraday)
    case1 = ch08.case1_data(data_source, seed=seed, n_train=int(s08["n_train"]), n_portfolios=int(s08["n_portfolios"]),
                            sim_stocks=int(s08["sim_stocks"]), sim_days=int(s08["sim_days"]))
    pool = dv.ReturnPool.from_frame(case1.returns["training stocks"], end=case1.train_end, label="training stocks")
    days = target.index.tz_convert(None) if getattr(target.index, "tz", None) is not None else target.index
    return LeaderboardData(target.set_axis(days), returns.reindex(target.index).set_axis(days), series["proper"]["spx"],
                           intraday, pool)


# --------------------------------------------------------------------------------------------------------------
# Dhansoia (chapters 05 and 06): log volatility, h days ahead
# --------------------------------------------------------------------------------------------------------------
def bitcoin_log_vol(target: pd.Series) -> pd.Series:
    """``½ log(365 RV)`` of the target (:func:`volrep.chapters.rough_hurst.log_vol_from_rv`); every RV must be > 0."""
    log_vol, dropped = log_vol_from_rv(target, PERIODS_PER_YEAR)
    if dropped:
        raise DataError("leaderboard target", "a positive, finite RV on every day (the log of Dhansoia's networks)",
                        None, f"{dropped} days break it")
    return log_vol


def rv_from_log_vol(forecast: pd.Series, log_vol: pd.Series, horizon: int, test: pd.DatetimeIndex) -> pd.Series:
    """RV forecasts at the ``test`` origins from log-volatility forecasts at the validation and test origins.

    ``RV̂ = exp(2 L̂ + 2 s²) / 365`` (module docstring): the mean of a lognormal RV whose log volatility has the
    forecast's error variance ``s²``, estimated as the mean squared error of ``forecast`` at the origins before the
    test part (the validation origins) against ``L_{t+h}``.
    """
    val = forecast.index.difference(test)
    if val.empty:
        raise ConfigError("rv_from_log_vol: no validation origin to estimate the error variance on")
    s2 = float(((log_vol.shift(-horizon).loc[val] - forecast.loc[val]) ** 2).mean())
    return (np.exp(2 * forecast.loc[test] + 2 * s2) / PERIODS_PER_YEAR).rename(forecast.name)


def validation_and_test_forecasts(network: forecaster.Network, series: pd.Series, split: targets.Split, horizon: int,
                                  seed: int) -> pd.Series:
    """``network`` fitted on the training part of ``split`` (early stopping on its validation part) and forecasting
    its validation origins, then its test origins: the validation forecasts set the log-to-RV correction
    (:func:`rv_from_log_vol`)."""
    origins = split.origins("val", horizon).append(split.origins("test", horizon))
    return network.fit(series, split, [horizon], seed=seed).forecast({horizon: origins})[horizon]


def dhansoia_forecasts(data: LeaderboardData, horizons: Sequence[int], *, profile: str, seed: int,
                       families: Sequence[str] = (DHANSOIA_LSTM, DHANSOIA_HYBRID),
                       overrides: Overrides | None = None) -> Forecasts:
    """The LSTM from scratch, the transfer LSTM (chapter 05) and the HAR–LSTM hybrid (chapter 06), h days ahead.

    Each is its chapter's network (:func:`volrep.chapters.transfer_lstm.networks`,
    :func:`volrep.chapters.hybrids.network`) with its chapter's epochs under ``profile``, fitted with one ``seed``
    (:func:`validation_and_test_forecasts`); the source of the transfer LSTM is pre-trained at the same horizon on
    its own 50/25/25 split.
    """
    log_vol = bitcoin_log_vol(data.target)
    split = targets.with_validation(data.split, VALIDATION_SHARE)
    networks: dict[str, dict[int, forecaster.Network]] = {}
    if DHANSOIA_LSTM in families:
        s05 = chapter_settings("05_transfer_lstm", profile, overrides)
        src_split = targets.named_split(data.source_log_vol.index, "dhansoia_50_25_25")
        names = {transfer_lstm.SCRATCH: "Dhansoia LSTM (from scratch)",
                 TRANSFER: f"Dhansoia transfer LSTM ({TRANSFER})"}
        for h in horizons:
            source = transfer_lstm.sequence_data(data.source_log_vol, src_split, LOOKBACK, horizon=h)
            pretraining = transfer_lstm.Pretraining(source, int(s05["pretrain_epochs"]))
            for model, net in transfer_lstm.networks(pretraining, strategies=(TRANSFER,),
                                                     finetune_epochs=int(s05["finetune_epochs"])).items():
                networks.setdefault(names[model], {})[h] = net
    if DHANSOIA_HYBRID in families:
        s06 = chapter_settings("06_hybrids", profile, overrides)
        net = hybrids.network("HAR-LSTM Hybrid", max_epochs=int(s06["max_epochs"]), lookback=LOOKBACK)
        networks["Dhansoia HAR-LSTM Hybrid"] = {h: net for h in horizons}
    return {name: {h: rv_from_log_vol(validation_and_test_forecasts(net, log_vol, split, h, seed), log_vol, h,
                                      data.split.origins("test", h)).rename(name)
                   for h, net in by_h.items()}
            for name, by_h in networks.items()}


# --------------------------------------------------------------------------------------------------------------
# Huang (chapter 07) and DeepVol (chapter 08)
# --------------------------------------------------------------------------------------------------------------
def huang_specs(data: LeaderboardData, profile: str,
                overrides: Overrides | None = None) -> dict[str, cnn_lstm_mtf.NetSpec]:
    """Table 8's LSTM (HAR's inputs) and the CNN-LSTM on the MTF of the first intraday frequency, blurred to the
    profile's first image size (Table 6); without intraday data, on the MTF of the past 30 daily RVs (Table 7)."""
    if not data.intraday:
        return {HUANG_LSTM: cnn_lstm_mtf.NetSpec("HAR"), HUANG_CNN: cnn_lstm_mtf.NetSpec("HAR", "30 days", 30)}
    size = int(chapter_settings("07_cnn_lstm_mtf", profile, overrides)["mtf_sizes"][0])
    return {HUANG_LSTM: cnn_lstm_mtf.NetSpec("HAR"),
            HUANG_CNN: cnn_lstm_mtf.NetSpec(next(iter(data.intraday)), "intraday", size)}


def huang_forecasts(data: LeaderboardData, horizons: Sequence[int], *, profile: str, seed: int,
                    families: Sequence[str] = (HUANG_LSTM, HUANG_CNN),
                    overrides: Overrides | None = None) -> Forecasts:
    """Huang's networks of ``families`` (:func:`huang_specs`) by :func:`volrep.chapters.cnn_lstm_mtf.network`: the
    chapter's epochs, its single configuration (:data:`~volrep.chapters.cnn_lstm_mtf.GRIDS` ``"single"``), one seed.

    The design holds the days that have both the target and the intraday sequences (chapter 07's window starts a
    day later); the split is the leaderboard's, so the test origins are the leaderboard's.
    """
    days = data.target.index
    for frame in data.intraday.values():
        days = days.intersection(frame.index)
    design = cnn_lstm_mtf_data.Design(data.target.loc[days], {f: v.loc[days] for f, v in data.intraday.items()})
    epochs = int(chapter_settings("07_cnn_lstm_mtf", profile, overrides)["epochs"])
    (batch_size, neurons), = cnn_lstm_mtf.GRIDS["single"]
    out: Forecasts = {}
    for family, spec in huang_specs(data, profile, overrides).items():
        if family not in families:
            continue
        name = f"Huang {spec.label}"
        net = cnn_lstm_mtf.network(spec, design, batch_size=batch_size, neurons=neurons, epochs=epochs)
        fitted = net.fit(design.daily_rv, data.split, horizons, seed=seed)
        test = {h: design.usable_origins(data.split.origins("test", h)) for h in horizons}
        out[name] = {h: fc.rename(name) for h, fc in fitted.forecast(test).items()}
    return out


def deepvol_forecasts(data: LeaderboardData, horizons: Sequence[int], *, profile: str, seed: int,
                      overrides: Overrides | None = None) -> Forecasts:
    """Chapter 08's main DeepVol (its size, steps and window under ``profile``), trained on US stocks up to August
    2019 and run over bitcoin's percent returns from the first one: ``σ̂²_{t+1} / 10⁴`` forecasts ``RV_{t+h}`` for
    every h (module docstring). The LSTM reads the returns up to the origin only
    (:func:`volrep.models.deepvol.forecast_sigma`).
    """
    s08 = chapter_settings("08_deepvol", profile, overrides)
    size = dv.resolve_sizes(str(s08["model_size"]), str(s08["variant_size"]))[0]
    with config.local_seed(seed):
        model = dv.build_model(size)
    dv.train_deepvol(model, data.pool, steps=int(s08["steps"]), seed=seed, window=int(s08["window"]) or None)
    returns = (PERCENT * data.returns.dropna()).rename("bitcoin")
    variance = dv.forecast_sigma(model, [returns])[0] ** 2 / PERCENT**2
    name = f"DeepVol {size.layers}x{size.hidden} (US stocks)"
    return {name: {h: variance.reindex(data.split.origins("test", h)).rename(name) for h in horizons}}


# --------------------------------------------------------------------------------------------------------------
# All of them, as store rows
# --------------------------------------------------------------------------------------------------------------
def train_families(data: LeaderboardData, horizons: Sequence[int], *, profile: str, seed: int,
                   families: Sequence[str] = NETWORK_FAMILIES, overrides: Overrides | None = None,
                   progress: bool = True) -> Forecasts:
    """Train every family of ``families`` (of :data:`NETWORK_FAMILIES`) with a progress bar; forecasts of the
    leaderboard's test origins, ``{model: {h: RV forecast}}``. ``overrides``: :func:`chapter_settings`."""
    unknown = set(families) - set(NETWORK_FAMILIES)
    if unknown:
        raise ConfigError(f"unknown network families {sorted(unknown)}; choose from {', '.join(NETWORK_FAMILIES)}")
    trainers = {DHANSOIA_LSTM: dhansoia_forecasts, DHANSOIA_HYBRID: dhansoia_forecasts, HUANG_LSTM: huang_forecasts,
                HUANG_CNN: huang_forecasts, DEEPVOL: deepvol_forecasts}
    out: Forecasts = {}
    for family in steps([f for f in NETWORK_FAMILIES if f in families], desc="leaderboard networks", unit="family",
                        show=progress):
        kwargs = {} if family == DEEPVOL else {"families": (family,)}
        out |= trainers[family](data, horizons, profile=profile, seed=seed, overrides=overrides, **kwargs)
    for model, by_h in out.items():
        bad = [h for h, fc in by_h.items() if not np.isfinite(fc.to_numpy()).all()]
        if bad:
            raise DataError(model, "a finite forecast at every test origin", None, f"horizons {bad}")
    return out


def store_rows(forecasts: Forecasts, target: pd.Series, *, asset: str, variant: str, seed: int) -> pd.DataFrame:
    """The forecasts as chapter 09's store rows on the leaderboard's keys (:data:`LEADERBOARD_KEYS`)."""
    split = targets.named_split(target.index, LEADERBOARD_KEYS["split"])
    horizons = sorted({h for by_h in forecasts.values() for h in by_h})
    actual = targets_by_horizon(target, split, horizons, LEADERBOARD_KEYS["target"])
    rows = [store.forecast_rows(fc, actual[h], chapter=CHAPTER, model=model, asset=asset, variant=variant,
                                target=LEADERBOARD_KEYS["target"], horizon=h, split=LEADERBOARD_KEYS["split"],
                                seed=seed)
            for model, by_h in forecasts.items() for h, fc in by_h.items()]
    return pd.concat(rows, ignore_index=True)
