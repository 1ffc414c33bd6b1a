"""Stock pools, artificial portfolios and training mini-batches of DeepVol (§2.3).

:class:`ReturnPool` holds a return panel cut at a last date (no look-ahead); :func:`random_portfolio` draws one
artificial portfolio (:class:`Portfolio`) from it and :func:`training_batch` the paper's mini-batch of real series
and fresh portfolios, as described in :mod:`volrep.models.deepvol` ("Artificial portfolios and mini-batches").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from volrep.data.clean import require_return_panel
from volrep.errors import ConfigError, DataError
from volrep.models.deepvol.network import Batch, pad_batch

#: Real series and artificial portfolios per mini-batch (§2.3: 32 + 32 = 64).
BATCH_REAL = 32
BATCH_PORTFOLIOS = 32
#: Smallest and largest portfolio size M, inclusive (§2.3).
PORTFOLIO_SIZE = (20, 30)


@dataclass(frozen=True)
class ReturnPool:
    """A panel of daily returns (dates × series; NaN where a series has no return), up to a last date.

    Build it with :meth:`from_frame`. Attributes: ``values`` ``(n_dates, n_series)`` float64, ``dates``,
    ``names``.
    """

    values: np.ndarray
    dates: pd.DatetimeIndex
    names: tuple[str, ...]

    @classmethod
    def from_frame(cls, returns: pd.DataFrame, end: pd.Timestamp | str | None = None,
                   label: str = "returns") -> ReturnPool:
        """Validate a wide return panel and keep the dates up to ``end`` (inclusive).

        Parameters
        ----------
        returns
            One column per series, a DatetimeIndex; NaN marks a day without a return (before a listing, a gap).
        end
            Last date the pool may hold; every later row is cut off here, so nothing built from the pool can see
            it. Default: keep all.
        label
            Names the panel in error messages.

        Raises
        ------
        DataError
            Dates not strictly increasing, repeated series names, an infinite value, or a series with fewer than
            two returns up to ``end``.
        """
        require_return_panel(returns, label)
        if end is not None:
            returns = returns.loc[: pd.Timestamp(end)]
        values = returns.to_numpy(dtype=np.float64, copy=True)
        short = (~np.isnan(values)).sum(axis=0) < 2
        if short.any():
            names = ", ".join(map(str, returns.columns[short][:5]))
            raise DataError(label, "at least two returns per series up to the pool's end", None,
                            f"{int(short.sum())} series break it: {names}; leave them out of the pool")
        return cls(values, pd.DatetimeIndex(returns.index), tuple(map(str, returns.columns)))

    @property
    def n_series(self) -> int:
        """Number of series in the pool."""
        return self.values.shape[1]

    def series(self, i: int) -> pd.Series:
        """The returns of series ``i`` on the dates it has one (its NaN days left out)."""
        observed = ~np.isnan(self.values[:, i])
        return pd.Series(self.values[observed, i], index=self.dates[observed], name=self.names[i])


@dataclass(frozen=True)
class Portfolio:
    """An artificial portfolio of §2.3.

    Attributes
    ----------
    members
        Names of the ``M`` member series.
    weights
        ``(M,)`` positive weights summing to 1, in the order of ``members``.
    returns
        The weighted sum of the members' returns on their common dates.
    n_incomplete
        Pool dates on which some but not all members have a return: no portfolio return there (left out).
    """

    members: tuple[str, ...]
    weights: np.ndarray
    returns: pd.Series
    n_incomplete: int


def random_portfolio(pool: ReturnPool, rng: np.random.Generator,
                     size: tuple[int, int] = PORTFOLIO_SIZE) -> Portfolio:
    """Draw one artificial portfolio from ``pool``, Liu et al. (2023) §2.3.

    Parameters
    ----------
    pool
        The stocks to draw from (cut at the end of the training period for training portfolios).
    rng
        Seeded generator; draws, in order, ``M``, the members and the weights.
    size
        Smallest and largest ``M``, inclusive (default 20 and 30).

    Returns
    -------
    Portfolio

    Raises
    ------
    ConfigError
        A size range that is empty or larger than the pool.
    DataError
        When the members share fewer than two dates.

    Notes
    -----
    ``M ~ U{size[0], …, size[1]}``; members drawn without replacement; weights ``w ~ Dirichlet(1, …, 1)``
    (uniform on the simplex: positive, sum 1); ``r_t = Σ_i w_i y_{i,t}`` on the dates where every member has a
    return.
    """
    low, high = size
    if not 1 <= low <= high:
        raise ConfigError(f"portfolio size range must satisfy 1 <= low <= high, got {size}")
    if high > pool.n_series:
        raise ConfigError(f"portfolios of up to {high} stocks need a pool of at least {high}, got {pool.n_series}")
    m = int(rng.integers(low, high + 1))
    members = rng.choice(pool.n_series, size=m, replace=False)
    weights = rng.dirichlet(np.ones(m))
    block = pool.values[:, members]
    observed = ~np.isnan(block)
    common = observed.all(axis=1)
    names = tuple(pool.names[i] for i in members)
    if common.sum() < 2:
        raise DataError("random_portfolio", "members with at least two common dates", None, ", ".join(names))
    returns = pd.Series(block[common] @ weights, index=pool.dates[common], name=f"portfolio of {m}")
    return Portfolio(names, weights, returns, int((observed.any(axis=1) & ~common).sum()))


def training_batch(
    pool: ReturnPool,
    rng: np.random.Generator,
    *,
    real: Sequence[int] | None = None,
    n_real: int = BATCH_REAL,
    n_portfolios: int = BATCH_PORTFOLIOS,
    size: tuple[int, int] = PORTFOLIO_SIZE,
) -> Batch:
    """A mini-batch of §2.3: real series of the pool followed by freshly drawn artificial portfolios.

    Parameters
    ----------
    pool
        Training stocks, cut at the end of the training period (:meth:`ReturnPool.from_frame`).
    rng
        Seeded generator for every draw (real series first, then the portfolios in order).
    real
        Pool positions of the real series (e.g. a slice of an epoch's permutation); default: ``n_real``
        positions drawn without replacement.
    n_real, n_portfolios
        Real series (when ``real`` is not given) and portfolios per batch (32 and 32 in the paper).
    size
        Portfolio size range (:func:`random_portfolio`).

    Returns
    -------
    Batch
        On the CPU (:func:`batch_loss` moves it to the model's device); each real series on the dates it has a
        return, each portfolio on its members' common dates.
    """
    if real is None:
        if not 0 <= n_real <= pool.n_series:
            raise ConfigError(f"n_real must lie in [0, {pool.n_series}] (the pool's size), got {n_real}")
        real = rng.choice(pool.n_series, size=n_real, replace=False)
    if n_portfolios < 0 or len(real) + n_portfolios == 0:
        raise ConfigError("a batch needs at least one series and n_portfolios >= 0")
    portfolios = [random_portfolio(pool, rng, size) for _ in range(n_portfolios)]
    series = [pool.series(int(i)) for i in real] + [p.returns for p in portfolios]
    return pad_batch([s.to_numpy() for s in series], [str(s.name) for s in series], min_length=2)
