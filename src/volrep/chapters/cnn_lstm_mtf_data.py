"""Chapter 07's data: the intraday RV sequences of Huang et al. (2024, eq. 5) from a price grid or from interval
variances, the design of the mirror's Binance 1-minute bars and of simulated ticks, and :class:`Design`, every
input of every day (HAR's inputs, the past day's RV, the intraday sequences and their Markov Transition Field
images, §4.1).

The networks that read a :class:`Design` and their training are in :mod:`volrep.chapters.cnn_lstm_mtf`.

References
----------
Huang, Z.-C., Sangiorgi, I., & Urquhart, A. (2024). Forecasting Bitcoin volatility using machine learning
techniques. *J. Int. Financ. Mark. Inst. Money*, 97, 102064.
Wang, Z., & Oates, T. (2015). Imaging time-series to improve classification and imputation. *IJCAI*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from volrep import rv
from volrep.errors import ConfigError, DataError
from volrep.models import mtf
from volrep.rv import intervals_per_day
from volrep.targets import HAR_WINDOWS, har_features, sequence_windows

if TYPE_CHECKING:  # Design.image's annotation only: volrep.chapters.cnn_lstm_mtf imports this module
    from volrep.chapters.cnn_lstm_mtf import NetSpec

#: Daily inputs: HAR's three regressors, or the past day's RV alone.
DAILY_INPUTS = ("HAR", "1 day")
#: MTF images of past daily RVs (Table 7): image name → number of days.
DAILY_IMAGES = {"7 days": 7, "30 days": 30}
#: Days of history every origin needs (the 30-day HAR average and the 30-day MTF).
HISTORY_DAYS = max(max(HAR_WINDOWS["huang"]), *DAILY_IMAGES.values())


def intraday_rv(returns: pd.Series, per_day: int, *, source: str) -> pd.DataFrame:
    """The intraday RV sequences of eq. (5): squared interval returns arranged one row per day.

    Parameters
    ----------
    returns
        Log returns on a regular calendar grid labelled by interval start (:func:`volrep.rv.grid_returns`),
        starting at midnight UTC, whole days only (interval variances that are already squared, such as
        pre-averaged RV: :func:`intraday_from_variances`).
    per_day
        Intervals per day (96 for 15 minutes, 144 for 10 minutes).
    source
        Name for error messages.

    Returns
    -------
    pandas.DataFrame
        Days × ``per_day`` slots of ``r²`` (decimal log-return² per interval); the row sum is the day's RV.

    Raises
    ------
    DataError
        If a return is missing, the grid is not regular at ``1 day / per_day``, or it does not hold whole days.
    """
    return _day_rows(returns.pow(2), per_day, source=source)


def _day_rows(values: pd.Series, per_day: int, *, source: str) -> pd.DataFrame:
    if per_day < 1:
        raise ConfigError(f"per_day must be positive, got {per_day}")
    step = pd.Timedelta(days=1) / per_day
    index = pd.DatetimeIndex(values.index)
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise DataError(source, "no missing intraday value", row=int(missing[0]), detail=f"{missing.size} missing")
    if len(index) == 0 or len(index) % per_day or index[0] != index[0].normalize():
        raise DataError(source, f"whole days of {per_day} intervals starting at midnight",
                        detail=f"{len(index)} values from {index[0] if len(index) else None}")
    gaps = np.flatnonzero(np.diff(index.as_unit("ns").asi8) != step.value)
    if gaps.size:
        raise DataError(source, f"a regular grid of {per_day} intervals a day", row=int(gaps[0]) + 1)
    days = index[::per_day].tz_localize(None) if index.tz is not None else index[::per_day]
    return pd.DataFrame(values.to_numpy().reshape(-1, per_day), index=pd.DatetimeIndex(days, name="day"))


def intraday_from_variances(variances: pd.Series, per_day: int, *, source: str) -> pd.DataFrame:
    """Like :func:`intraday_rv` for interval variances that are already squared (e.g. pre-averaged 10-minute RV)."""
    return _day_rows(variances, per_day, source=source)


#: The mirror's Binance window: whole UTC days from the second day (the first return of 2018-01-01 would need a
#: price before the mirror's first bar) to the end of 2022.
BINANCE_WINDOW = {"start": "2018-01-02", "end": "2023-01-01"}
#: Intraday frequencies built from the mirror's 1-minute bars: the paper's 10 minutes first (its main input, 144 RVs
#: a day, whose row sum is the daily RV), then its 5 minutes, 30 minutes and hour (Tables 9–10), then the 15 minutes
#: of the book's earlier design (a robustness row of ours; no counterpart in the paper).
MINUTE_FREQS = ("10min", "5min", "30min", "1h", "15min")


def intraday_from_prices(times: pd.DatetimeIndex | np.ndarray, prices: np.ndarray, freqs: Sequence[str], *,
                         start: str | pd.Timestamp, end: str | pd.Timestamp,
                         source: str) -> tuple[dict[str, pd.DataFrame], pd.Series]:
    """Intraday RV sequences (eq. 5) at several frequencies and the daily log returns, from one price grid.

    Each frequency's returns are :func:`volrep.rv.grid_returns` (previous-tick prices on the calendar grid), arranged
    one row per day by :func:`intraday_rv`.

    Parameters
    ----------
    times, prices
        Observations (ticks, or the closes of bars from :func:`volrep.rv.bar_observations`), times sorted.
    freqs
        Intraday frequencies, each dividing a day (e.g. ``"10min"`` → 144 intervals).
    start, end
        First and last grid point: midnights (UTC), so that the rows are whole days.
    source
        Name for error messages.

    Returns
    -------
    intraday, returns
        ``{freq: days × intervals}`` of squared log returns (decimal; a row sums to the day's RV at that frequency),
        indexed by day, and the midnight-to-midnight log return of each day.

    Raises
    ------
    ConfigError
        If ``start`` or ``end`` is not a midnight, or a frequency does not divide a day.
    DataError
        If a grid point has no earlier observation (the window starts before the data).

    Notes
    -----
    A minute without a bar (an exchange outage) carries the last price forward: its one-minute return is zero and
    the move over the gap lands in the interval where trading resumes. An interval wholly inside an outage has a
    zero return, not a missing one; :func:`volrep.rv.trade_counts` counts such intervals.
    """
    if not freqs:
        raise ConfigError("at least one intraday frequency is needed")
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first != first.normalize() or last != last.normalize() or last <= first:
        raise ConfigError(f"start and end must be midnights with end after start, got {start!r} and {end!r}")
    per_day = {f: intervals_per_day(f) for f in freqs}
    intraday = {}
    for f, n in [*per_day.items(), ("1D", 1)]:
        r = rv.grid_returns(times, prices, f, start=first, end=last)
        missing = np.flatnonzero(r.isna().to_numpy())
        if missing.size:
            raise DataError(source, "an observation at or before every grid point", row=int(missing[0]),
                            detail=f"{missing.size} {f} grid points from {first} have no earlier price")
        intraday[f] = r
    days = pd.date_range(first.tz_localize(None) if first.tz else first, last.tz_localize(None) if last.tz else last,
                         freq="D", inclusive="left", name="day")
    returns = pd.Series(intraday.pop("1D").to_numpy(), index=days, name="return")
    return {f: intraday_rv(r, per_day[f], source=f"{source} {f}").set_axis(days) for f, r in intraday.items()}, returns


def binance_minute_design(progress: bool = False, freqs: Sequence[str] = MINUTE_FREQS) -> tuple[Design, pd.Series, dict]:
    """The design of the mirror's Binance BTCUSDT 1-minute bars: the paper's 10-minute RVs and its variants.

    Parameters
    ----------
    progress
        Show the data layer's progress bar.
    freqs
        Intraday frequencies (:data:`MINUTE_FREQS`); the first one's daily sum is the daily RV (the paper's
        10 minutes: HAR's input and every network's target).

    Returns
    -------
    tuple
        The :class:`Design` (:func:`intraday_from_prices` on the bars' closes over :data:`BINANCE_WINDOW`), the
        daily close-to-close log returns (for GARCH), and the dataset's provenance with two more keys:
        ``missing_minutes`` (minutes of the window without a bar) and ``empty_intervals`` (intervals of the first
        frequency without a bar: their return is zero by previous-tick sampling).

    Notes
    -----
    Huang et al. pre-average Bitstamp ticks into 10-minute RVs (eqs. 2–3). With one price a minute there are ten
    observations per interval, too few for the pre-averaging window to do what it does on ticks (chapter 02), so
    the 10-minute RV here is the plain squared 10-minute return of the 1-minute closes.
    """
    from volrep import data

    dataset = data.load("binance_klines_1m_daily", progress=progress)
    times, prices = rv.bar_observations(dataset.frame)
    intraday, returns = intraday_from_prices(times, prices, freqs, **BINANCE_WINDOW, source="binance 1-minute closes")
    daily_rv = intraday[freqs[0]].sum(axis=1).rename("rv")
    provenance = dataset.provenance()
    provenance["missing_minutes"] = int((rv.trade_counts(times, "1min", **BINANCE_WINDOW) == 0).sum())
    provenance["empty_intervals"] = int((rv.trade_counts(times, freqs[0], **BINANCE_WINDOW) == 0).sum())
    return Design(daily_rv, intraday), returns, provenance


def simulated_design(days: int, seed: int) -> tuple[Design, pd.Series, dict]:
    """The paper's 144 ten-minute intervals, from simulated ticks (rough volatility, noise, rounding).

    Ticks from :func:`volrep.sim.simulate_ticks` (6,000 trades a day, 10-second volatility steps) are turned into
    pre-averaged 10-minute RVs (Huang et al. eq. 2–3, :func:`volrep.rv.preaveraged_rv`): the paper's input. HAR,
    the daily MTFs and the training targets use their daily sum; forecasts are judged against the true daily
    integrated variance.

    Returns
    -------
    tuple
        The :class:`Design`, the daily log returns of the efficient price (midnight to midnight), and a
        provenance record.
    """
    from volrep import rv, sim

    market = sim.simulate_ticks(days, seed=seed, trades_per_day=6_000, fine_dt_seconds=10)
    ticks, start = market.ticks, pd.Timestamp(market.parameters["start"])
    pa = rv.preaveraged_rv(ticks["timestamp"], ticks["price"], "10min", fallback="rv", start=start,
                           end=start + pd.Timedelta(days=days))
    pa.index = pa.index.tz_localize(None)
    intraday = {"10min": intraday_from_variances(pa, intervals_per_day("10min"), source="simulated 10-minute RV")}
    daily_rv = intraday["10min"].sum(axis=1).rename("rv")
    iv = market.integrated_variance("1D")
    iv.index = pd.DatetimeIndex(iv.index.tz_localize(None), name="day")
    midnights = pd.date_range(start, periods=days + 1, freq="D")
    returns = pd.Series(np.diff(market.efficient_log_price(midnights)), index=daily_rv.index, name="return")
    provenance = {"dataset": "simulated ticks, RFSV H = 0.1", "source": "volrep.sim.simulate_ticks",
                  "period": f"{days} days", "rows": len(ticks), "files": 0, "sha256": "-"}
    return Design(daily_rv, intraday, truth=iv.rename("iv")), returns.reindex(daily_rv.index), provenance


@dataclass
class Design:
    """Every input of every day (unscaled), from the daily RV and the intraday RV sequences.

    Attributes
    ----------
    daily_rv
        Daily realized variance, one row per day: HAR's and the daily MTFs' input.
    intraday
        ``{freq: days × slots}`` intraday RV sequences (:func:`intraday_rv`) on the same days.
    truth
        The series forecasts are judged against; default ``daily_rv``. A simulation gives the true integrated
        variance: the networks, like HAR, are still trained on the measured RV.
    """

    daily_rv: pd.Series
    intraday: Mapping[str, pd.DataFrame]
    truth: pd.Series | None = None
    _images: dict[tuple[str, str, int], np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.truth is None:
            self.truth = self.daily_rv
        if not self.truth.index.equals(self.daily_rv.index):
            raise DataError("truth", "the same days as the daily RV")
        for freq, frame in self.intraday.items():
            if not frame.index.equals(self.daily_rv.index):
                raise DataError(f"intraday {freq}", "the same days as the daily RV")

    def positions(self, origins: pd.DatetimeIndex) -> np.ndarray:
        """Row positions of ``origins``; those with fewer than :data:`HISTORY_DAYS` days of history are an error."""
        pos = self.daily_rv.index.get_indexer(origins)
        if (pos < 0).any():
            first = int(np.flatnonzero(pos < 0)[0])
            raise DataError("origins", "origins are days of the design", row=first,
                            detail=f"{(pos < 0).sum()} origins are not, the first {origins[first]}")
        early = pos < HISTORY_DAYS - 1
        if early.any():
            first = ", ".join(str(d.date()) for d in origins[early][:3])
            raise ConfigError(f"origins need {HISTORY_DAYS} days of history; {early.sum()} have fewer "
                              f"(first: {first}): forecast usable_origins() only")
        return pos

    def usable_origins(self, origins: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """The origins with :data:`HISTORY_DAYS` days of history (the earliest training days have not)."""
        return origins[self.daily_rv.index.get_indexer(origins) >= HISTORY_DAYS - 1]

    def sequence(self, name: str, pos: np.ndarray) -> np.ndarray:
        """``(n, steps, features)`` raw sequence input at row positions ``pos``."""
        if name == "HAR":
            return har_features(self.daily_rv, HAR_WINDOWS["huang"]).to_numpy()[pos][:, None, :]
        if name == "1 day":
            return self.daily_rv.to_numpy()[pos][:, None, None]
        if name not in self.intraday:
            raise ConfigError(f"no intraday sequence {name!r}; have {', '.join(self.intraday)}")
        return self.intraday[name].to_numpy()[pos][:, :, None]

    def image(self, spec: NetSpec, pos: np.ndarray) -> np.ndarray:
        """``(n, S, S)`` MTF images (Q = 4 quantile bins) at row positions ``pos``; computed once per kind."""
        key = (spec.sequence, spec.image, spec.size)
        if key not in self._images:
            if spec.image == "intraday":
                series = self.intraday[spec.sequence].to_numpy()
                images = mtf.markov_transition_field(series, image_size=spec.size)
            else:
                days = DAILY_IMAGES[spec.image]
                windows = sequence_windows(self.daily_rv.to_numpy(), days)[:, :, 0]
                images = np.full((len(self.daily_rv), days, days), np.nan)
                images[days - 1:] = mtf.markov_transition_field(windows)
            self._images[key] = images.astype(np.float32)
        return self._images[key][pos]
