"""Markov Transition Field images of time series, and the paper's blurring (Huang et al. 2024, §4.1.1).

Each series of a batch is cut into ``Q`` quantile bins (Q = 4 in the paper), the first-order transition
counts between bins along time give a row-stochastic ``Q × Q`` matrix ``W``, and pixel ``(i, j)`` of the field
is the probability of moving from the bin of ``x_i`` to the bin of ``x_j`` (Eq. 4). Smaller images average
the field over blocks of time stamps; the paper's "blurring" uses non-overlapping blocks, so its image sizes
are the divisors of the series length (:func:`blur_sizes`, :func:`blur`).

Everything is vectorised over the batch (no Python loop over series) and equals
``pyts.image.MarkovTransitionField(n_bins=Q, strategy="quantile", image_size=S)`` to rounding (pyts 0.14.1;
``tests/test_mtf.py`` checks it, ``benchmarks/bench_mtf.py`` times both). pyts' conventions, kept here:

* Bin edges are the ``k / Q`` percentiles of each series (``numpy.percentile``, linear interpolation); a value
  goes to the number of edges strictly below it (``searchsorted(..., side="left")``), so a value equal to an
  edge falls in the lower bin.
* Tied edges: an edge within ``tie_atol = 1e-8`` (absolute) of the next one is dropped and the two bins
  merge; the series then has fewer than ``Q`` states (:func:`quantile_edges` marks dropped edges with NaN).
  The tolerance is absolute, so the binning depends on the scale of the data: in series on a small scale
  (squared 10-minute returns are of order 1e-6; in quiet hours their quartiles can be closer than 1e-8) bins
  merge that are not tied. Rescale such series first (e.g. annualise), or pass ``tie_atol=0`` (exact ties
  only; this departs from pyts).
* A constant series has a single state: its transition matrix is ``[[1]]`` and its field is all ones.
* A bin whose only visit is the last time stamp has no outgoing transition: its row of ``W`` is zero.
* ``image_size`` that does not divide the length: windows from ``pyts.utils.segmentation`` (non-overlapping
  windows of unequal length, or, with ``overlapping=True``, equal windows that overlap), see
  :func:`window_bounds`.

References
----------
Huang, Z.-C., Sangiorgi, I., & Urquhart, A. (2024). Forecasting Bitcoin volatility using machine learning
techniques. *J. Int. Financ. Mark. Inst. Money*, 97, 102064. §4.1.1, Eq. (4), footnotes 12 and 24.
Wang, Z., & Oates, T. (2015). Encoding time series as images for visual inspection and classification using
tiled convolutional neural networks. *AAAI Workshops*.
Faouzi, J., & Janati, H. (2020). pyts: A Python package for time series classification. *JMLR*, 21(46), 1–6.
"""

from __future__ import annotations

import numpy as np

from volrep.errors import ConfigError, DataError

#: Number of quantile bins ``Q`` of the paper (§4.1.1). pyts' own default is 8: pass this one explicitly.
PAPER_BINS = 4

#: pyts' absolute tolerance below which two consecutive quantile edges count as tied.
PYTS_TIE_ATOL = 1e-8

_SOURCE = "MTF input"


def _check_series(x: np.ndarray) -> np.ndarray:
    """The batch as a float64 ``(batch, length)`` array; DataError on wrong shape or non-finite values."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 2:
        raise DataError(_SOURCE, "series form a 2-D array (batch, length)", detail=f"got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] < 2:
        raise DataError(_SOURCE, "at least one series of at least 2 time stamps", detail=f"got shape {arr.shape}")
    finite = np.isfinite(arr)
    if not finite.all():
        row = int(np.argmin(finite.all(axis=1)))
        raise DataError(_SOURCE, "values are finite", row=row,
                        detail=f"{int((~finite).sum())} NaN/inf values; first at series {row}")
    return arr


def _check_bins(n_bins: int) -> None:
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 2:
        raise ConfigError(f"n_bins must be an integer >= 2, got {n_bins!r}")


def quantile_edges(x: np.ndarray, n_bins: int = PAPER_BINS, tie_atol: float = PYTS_TIE_ATOL) -> np.ndarray:
    """Inner quantile bin edges of each series, with the edges pyts drops as tied set to NaN.

    Parameters
    ----------
    x
        ``(batch, length)`` series.
    n_bins
        Number of bins ``Q``.
    tie_atol
        Edge ``k`` is dropped when ``|edge[k+1] − edge[k]| <= tie_atol``; the last edge is always kept.

    Returns
    -------
    numpy.ndarray
        ``(batch, Q − 1)``: the ``100 k / Q`` percentiles, ``k = 1 … Q − 1``. ``np.isnan(edges).sum(axis=1)``
        counts the merged bins of each series.
    """
    _check_bins(n_bins)
    return _edges(_check_series(x), n_bins, tie_atol)


def _edges(arr: np.ndarray, n_bins: int, tie_atol: float) -> np.ndarray:
    """:func:`quantile_edges` of an already validated batch."""
    # Sorting first gives the same order statistics, hence bit-identical percentiles, several times faster.
    edges = np.percentile(np.sort(arr, axis=1), np.linspace(0, 100, n_bins + 1)[1:-1], axis=1).T
    tied = np.zeros_like(edges, dtype=bool)
    tied[:, :-1] = np.abs(np.diff(edges, axis=1)) <= tie_atol
    edges[tied] = np.nan
    return edges


def quantile_bins(x: np.ndarray, n_bins: int = PAPER_BINS, tie_atol: float = PYTS_TIE_ATOL) -> np.ndarray:
    """Quantile bin of every value, as in ``pyts.preprocessing.KBinsDiscretizer(strategy="quantile")``.

    Parameters
    ----------
    x
        ``(batch, length)`` series.
    n_bins, tie_atol
        See :func:`quantile_edges`.

    Returns
    -------
    numpy.ndarray
        ``(batch, length)`` int64 labels in ``[0, Q)``: the number of (kept) edges strictly below each value.
        With merged bins some labels are never used; the field does not depend on the labelling.
    """
    _check_bins(n_bins)
    return _bins(_check_series(x), n_bins, tie_atol)


def _bins(arr: np.ndarray, n_bins: int, tie_atol: float) -> np.ndarray:
    """:func:`quantile_bins` of an already validated batch."""
    edges = _edges(arr, n_bins, tie_atol)
    states = np.zeros(arr.shape, dtype=np.int64)
    for k in range(n_bins - 1):  # a loop over the Q - 1 edges, not over series; NaN edges compare False
        states += arr > edges[:, k, None]
    return states


def transition_matrix(states: np.ndarray, n_bins: int = PAPER_BINS) -> np.ndarray:
    """First-order Markov transition matrix ``W`` of each labelled series (rows sum to 1, or 0 if never left).

    Parameters
    ----------
    states
        ``(batch, length)`` integer labels in ``[0, n_bins)`` (:func:`quantile_bins`).
    n_bins
        Number of states ``Q``.

    Returns
    -------
    numpy.ndarray
        ``(batch, Q, Q)``: ``W[b, p, q]`` = share of the transitions out of state ``p`` that go to state ``q``
        (§4.1.1: ``Σ_j w_ij = 1``). A state never left (visited only at the last time stamp, or not at all)
        has a zero row, as in pyts.
    """
    _check_bins(n_bins)
    s = np.asarray(states)
    if s.ndim != 2 or s.shape[1] < 2 or not np.issubdtype(s.dtype, np.integer):
        raise DataError(_SOURCE, "states form a 2-D integer array (batch, length >= 2)",
                        detail=f"got shape {s.shape}, dtype {s.dtype}")
    if s.min() < 0 or s.max() >= n_bins:
        raise DataError(_SOURCE, f"states in [0, {n_bins})", detail=f"got range [{s.min()}, {s.max()}]")
    batch = s.shape[0]
    pair = (np.arange(batch)[:, None] * n_bins + s[:, :-1]) * n_bins + s[:, 1:]
    counts = np.bincount(pair.ravel(), minlength=batch * n_bins * n_bins).reshape(batch, n_bins, n_bins)
    totals = counts.sum(axis=2, keepdims=True)
    return counts / np.where(totals == 0, 1, totals)


def window_bounds(length: int, image_size: int, overlapping: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Time-stamp windows ``[start, end)`` averaged into each pixel row/column (pyts' convention).

    Parameters
    ----------
    length
        Series length ``n``.
    image_size
        Output size ``S``, ``1 <= S <= n``.
    overlapping
        Only used when ``S`` does not divide ``n``: False gives ``S`` non-overlapping windows of unequal length
        (bounds ``floor(k n / S)``), True gives ``S`` windows of ``n // S + 1`` stamps that overlap.

    Returns
    -------
    tuple of numpy.ndarray
        ``start`` and ``end``, each ``(S,)`` int64. When ``S`` divides ``n`` these are the blocks
        ``[k n/S, (k + 1) n/S)`` of the paper's blurring.
    """
    if isinstance(image_size, bool) or not isinstance(image_size, (int, np.integer)) or not 1 <= image_size <= length:
        raise ConfigError(f"image_size must be an integer in [1, {length}] (series length), got {image_size!r}")
    window, remainder = divmod(length, image_size)
    if remainder == 0:
        start = np.arange(0, length, window, dtype=np.int64)
        return start, start + window
    if not overlapping:
        bounds = np.linspace(0, length, image_size + 1).astype(np.int64)
        return bounds[:-1], bounds[1:]
    window += 1
    shift = np.linspace(0, image_size * window - length, image_size).astype(np.int64)
    start = np.arange(0, image_size * window, window, dtype=np.int64) - shift
    return start, start + window


def markov_transition_field(
    x: np.ndarray,
    n_bins: int = PAPER_BINS,
    image_size: int | None = None,
    overlapping: bool = False,
    tie_atol: float = PYTS_TIE_ATOL,
) -> np.ndarray:
    """Markov Transition Field of each series (Huang et al. 2024, Eq. 4), optionally averaged to a smaller image.

    Parameters
    ----------
    x
        ``(batch, length)`` series, finite.
    n_bins
        Quantile bins ``Q`` (the paper's 4 by default; pyts' default is 8).
    image_size
        Output size ``S`` (an integer; ``None`` = the full ``length``). pyts also reads a float as a fraction of
        the length; here only integers are accepted, so ``1`` means a 1 × 1 image, never "full size".
    overlapping
        Window rule when ``S`` does not divide the length (:func:`window_bounds`).
    tie_atol
        Tolerance for tied quantile edges (:func:`quantile_edges`; pyts' 1e-8 by default).

    Returns
    -------
    numpy.ndarray
        ``(batch, S, S)`` float64 images with values in ``[0, 1]``.

    Notes
    -----
    With ``b_t`` the bin of ``x_t`` and ``W`` the transition matrix (:func:`transition_matrix`), the full field
    is ``M[i, j] = W[b_i, b_j]``. Pixel ``(J, K)`` of a reduced image is the mean of ``M`` over the windows
    ``J × K`` (:func:`window_bounds`), which factorises as ``P_J · W · P_Kᵀ`` with ``P_J[p]`` the share of the
    stamps of window ``J`` in bin ``p``. Reduced images are computed that way, ``Pᵀ (W P)``, without building
    the full field; at full size ``P`` is one-hot, ``(W P)[p, j] = W[p, b_j]`` exactly, and row ``i`` of the
    image is row ``b_i`` of ``W P``. For a divisor ``S`` of the length the reduced image equals :func:`blur`
    of the full field (the paper's blurring).
    """
    _check_bins(n_bins)
    arr = _check_series(x)
    length = arr.shape[1]
    start, end = window_bounds(length, length if image_size is None else image_size, overlapping)
    states = _bins(arr, n_bins, tie_atol)
    w = transition_matrix(states, n_bins)
    in_bin = states[:, None, :] == np.arange(n_bins)[:, None]  # (batch, Q, length)
    if start.size == length:  # full size: (W P)[p, j] = W[p, b_j]; row i of the image is row b_i of W P
        return (w @ in_bin.astype(float))[np.arange(arr.shape[0])[:, None], states]
    # visits[b, p, t] = stamps before t in bin p; share[b, p, J] = share of window J's stamps in bin p
    visits = np.zeros((arr.shape[0], n_bins, length + 1), dtype=np.int64)
    np.cumsum(in_bin, axis=2, out=visits[:, :, 1:])
    share = (np.take(visits, end, axis=2) - np.take(visits, start, axis=2)) / (end - start)
    return share.transpose(0, 2, 1) @ (w @ share)


def blur_sizes(length: int) -> list[int]:
    """Image sizes the paper's blurring can produce from a ``length × length`` field: the divisors of ``length``.

    E.g. ``blur_sizes(96) == [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 96]``; the paper uses the divisors of 144
    from 4 up (Table 6; footnotes 12 and 24).
    """
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ConfigError(f"length must be a positive integer, got {length!r}")
    d = np.arange(1, length + 1)
    return d[length % d == 0].tolist()


def blur(images: np.ndarray, size: int) -> np.ndarray:
    """Average ``(..., n, n)`` images over non-overlapping ``n/size × n/size`` blocks (Huang et al. 2024, §4.1.1).

    Parameters
    ----------
    images
        Square images in the last two axes (any leading axes, e.g. ``(batch, n, n)``).
    size
        Output size; must divide ``n`` (:func:`blur_sizes`).

    Returns
    -------
    numpy.ndarray
        ``(..., size, size)``; pixel ``(J, K)`` is the mean of the block ``J × K``. The mean of every image is
        preserved, since the blocks have equal size.
    """
    arr = np.asarray(images, dtype=float)
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise DataError(_SOURCE, "images are square in their last two axes", detail=f"got shape {arr.shape}")
    n = arr.shape[-1]
    if size not in blur_sizes(n):
        raise ConfigError(f"blur size must divide the image size {n}: one of {blur_sizes(n)}, got {size!r}")
    block = n // size
    lead = arr.shape[:-2]
    return arr.reshape(*lead, size, block, size, block).mean(axis=(-3, -1))
