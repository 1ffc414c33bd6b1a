"""Pre-averaged RV and bipower variation against second, plainly written implementations (issue 19).

The references below are written from the papers' definitions with explicit Python loops; they do not call
:mod:`volrep.rv`. Each estimator is also checked against one value computed by hand on five returns.

Pre-averaging (Jacod, Li, Mykland, Podolskij & Vetter 2009; Christensen, Podolskij & Vetter 2013), in the
conventions of :func:`volrep.rv.preaveraged_rv`'s docstring:

* kernel ``g(x) = min(x, 1 − x)``; window ``k_n = [θ √n]`` **rounded half up** (Huang et al. 2024, footnote 10),
  not the ceiling and not the floor (R ``highfrequency`` takes the floor, with θ = 0.8 by default);
* pre-averaged returns written, as in Jacod et al. (2009, §2), by summation by parts in *log prices*,
  ``r̄_j = −Σ_{i=0}^{k−1} (g((i+1)/k) − g(i/k)) p_{j+i}``, ``j = 0..n−k`` (the library works from prefix sums; the
  reference in ``tests/test_rv.py`` from returns: a third route);
* the finite-window constants ``ψ1^(k) = k Σ_{i=0}^{k−1} (g((i+1)/k) − g(i/k))²`` and
  ``ψ2^(k) = (1/k) Σ_{i=1}^{k−1} g(i/k)²``;
* estimate ``Σ_j r̄_j² / (k ψ2^(k))``, minus, with the bias correction,
  ``((n−k+1)/n) ψ1^(k) / (2 k² ψ2^(k)) Σ_i r_i²`` (the noise bias under ``ω̂² = Σ r_i² / (2n)``).

Bipower variation (Barndorff-Nielsen & Shephard 2004): ``BV = (π/2) Σ_{i=2}^{n} |r_i| |r_{i−1}|`` per period, over
consecutive valid returns; ``finite_sample=True`` multiplies by ``n/(n−1)``, ``n`` the valid returns of the period.
R ``highfrequency``'s univariate bipower variation (``RBPVar``, behind ``rBPCov``) is the same sum with no
``n/(n−1)`` factor, i.e. our default ``finite_sample=False``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from volrep import rv

HOUR_NS = 3600 * 10**9
T0_NS = int(pd.Timestamp("2021-01-01", tz="UTC").value)


# --------------------------------------------------------------------------------------------------------------
# Pre-averaging: the reference
# --------------------------------------------------------------------------------------------------------------
def g(x: float) -> float:
    return min(x, 1.0 - x)


def psi1(k: int) -> float:
    return k * sum((g((i + 1) / k) - g(i / k)) ** 2 for i in range(k))


def psi2(k: int) -> float:
    return sum(g(i / k) ** 2 for i in range(1, k)) / k


def window(n: int, theta: float) -> int:
    return math.floor(theta * math.sqrt(n) + 0.5)


def reference_pa(log_prices: list[float], theta: float, bias_correction: bool) -> float:
    """Pre-averaged RV of one interval from its log prices ``p_0..p_n`` (``p_0``: the last price before it)."""
    n = len(log_prices) - 1
    k = window(n, theta)
    if k < 2 or k > n:
        return math.nan
    y = [p - log_prices[0] for p in log_prices]  # offset by p_0: the weight differences sum to 0
    total = 0.0
    for j in range(n - k + 1):
        rbar = 0.0
        for i in range(k):
            rbar -= (g((i + 1) / k) - g(i / k)) * y[j + i]
        total += rbar * rbar
    estimate = total / (k * psi2(k))
    if bias_correction:
        sum_r2 = sum((y[i] - y[i - 1]) ** 2 for i in range(1, n + 1))
        estimate -= (n - k + 1) / n * psi1(k) / (2 * k * k * psi2(k)) * sum_r2
    return estimate


@pytest.fixture(scope="module")
def hourly_ticks() -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Ticks in three hours (60, 150 and 200 returns; k_n = 3, 5, 6 at θ = 0.4) after a starting tick at 00:00."""
    rng = np.random.default_rng(2009)
    counts = [60, 150, 200]
    times = [T0_NS]
    for h, n in enumerate(counts):
        offsets = np.sort(rng.choice(np.arange(1, 3600), size=n, replace=False)) * 10**9
        times.extend(T0_NS + h * HOUR_NS + offsets)
    steps = rng.normal(0.0, 1e-4, sum(counts)) + rng.normal(0.0, 5e-5, sum(counts))
    prices = 30_000.0 * np.exp(np.cumsum(np.r_[0.0, steps]))
    return np.array(times, dtype=np.int64), prices, counts


@pytest.mark.parametrize("theta", [0.4, 1.0])
@pytest.mark.parametrize("bias_correction", [False, True])
def test_preaveraged_rv_matches_the_reference(hourly_ticks, theta, bias_correction) -> None:
    times, prices, counts = hourly_ticks
    ours = rv.preaveraged_rv(times, prices, "1h", theta=theta, bias_correction=bias_correction)
    lp = [math.log(p) for p in prices]
    expected, first = [], 0  # hour h holds prices first+1..first+n; its p_0 is the price at `first`
    for n in counts:
        expected.append(reference_pa(lp[first:first + n + 1], theta, bias_correction))
        first += n
    assert list(ours.index) == [pd.Timestamp(T0_NS + h * HOUR_NS, tz="UTC") for h in range(3)]
    np.testing.assert_allclose(ours.to_numpy(), expected, rtol=1e-12, atol=0)


def test_psi_constants_match_the_closed_forms_of_the_docstring() -> None:
    """ψ2^(k) = (k²+2)/(12k²) for even k, (k²−1)/(12k²) for odd k; ψ1^(k) = 2⌊k/2⌋/k (preaveraged_rv Notes)."""
    for k in range(2, 30):
        closed_psi2 = (k * k + 2) / (12 * k * k) if k % 2 == 0 else (k * k - 1) / (12 * k * k)
        assert psi2(k) == pytest.approx(closed_psi2, rel=1e-13)
        assert psi1(k) == pytest.approx(2 * (k // 2) / k, rel=1e-13)


def test_preaveraged_rv_by_hand() -> None:
    """Five returns r = (0.01, −0.02, 0.03, 0.01, −0.01) in one interval, θ = 1.4.

    k = [1.4 √5] = [3.13] = 3; g(1/3) = g(2/3) = 1/3, so r̄_j = (r_{j+1} + r_{j+2}) / 3, j = 0, 1, 2:
    r̄ = (−0.01/3, 0.01/3, 0.04/3) and Σ r̄² = (1 + 1 + 16)·10⁻⁴ / 9 = 2·10⁻⁴.
    k ψ2 = Σ g² = 2/9, so the estimate is 2·10⁻⁴ · 9/2 = 9·10⁻⁴.
    Bias correction: ψ1 = 3 (1/9 + 0 + 1/9) = 2/3, k² ψ2 = 3 · 2/9 = 2/3, Σ r² = (1+4+9+1+1)·10⁻⁴ = 16·10⁻⁴;
    ((n−k+1)/n) ψ1/(2 k² ψ2) Σ r² = (3/5) · (2/3)/(4/3) · 16·10⁻⁴ = 4.8·10⁻⁴, leaving 9·10⁻⁴ − 4.8·10⁻⁴ = 4.2·10⁻⁴.
    """
    r = [0.01, -0.02, 0.03, 0.01, -0.01]
    prices = np.exp(np.cumsum([0.0, *r]))
    times = T0_NS + np.arange(6) * 10**9
    assert rv.preaveraged_rv(times, prices, "1h", theta=1.4).iloc[0] == pytest.approx(9e-4, rel=1e-12)
    corrected = rv.preaveraged_rv(times, prices, "1h", theta=1.4, bias_correction=True).iloc[0]
    assert corrected == pytest.approx(4.2e-4, rel=1e-12)
    assert reference_pa(list(np.log(prices)), 1.4, True) == pytest.approx(4.2e-4, rel=1e-12)


# --------------------------------------------------------------------------------------------------------------
# Bipower variation
# --------------------------------------------------------------------------------------------------------------
def reference_bv(returns: pd.Series, finite_sample: bool) -> dict[pd.Timestamp, float]:
    """BV per UTC day, one pair of consecutive returns at a time (a NaN return breaks the chain)."""
    days: dict[pd.Timestamp, list[float]] = {}
    for when, value in returns.items():
        days.setdefault(when.floor("D"), []).append(float(value))
    out = {}
    for day, values in days.items():
        total, pairs = 0.0, 0
        for i in range(1, len(values)):
            if math.isfinite(values[i]) and math.isfinite(values[i - 1]):
                total += abs(values[i]) * abs(values[i - 1])
                pairs += 1
        bv = math.pi / 2 * total if pairs else math.nan
        if finite_sample:
            n = sum(math.isfinite(v) for v in values)
            bv = bv * n / (n - 1) if n > 1 else math.nan
        out[day] = bv
    return out


@pytest.mark.parametrize("finite_sample", [False, True])
def test_bipower_variation_matches_the_reference(finite_sample) -> None:
    """150 returns every 20 minutes (72 + 72 + 6 per day), two of them NaN, the last day with one valid return."""
    rng = np.random.default_rng(2004)
    index = pd.date_range("2021-01-01", periods=150, freq="20min", tz="UTC")
    returns = pd.Series(rng.standard_t(4, 150) * 1e-3, index=index)
    returns.iloc[[10, 100, 145, 146, 147, 148]] = np.nan  # day 3 keeps one valid return: no pair, no BV
    expected = reference_bv(returns, finite_sample)
    ours = rv.bipower_variation(returns, finite_sample=finite_sample)
    assert list(ours.index) == list(expected)
    np.testing.assert_allclose(ours.to_numpy(), list(expected.values()), rtol=1e-12, atol=0)
    assert np.isnan(ours.iloc[-1])


def test_bipower_variation_by_hand() -> None:
    """The same five returns: |r| = (0.01, 0.02, 0.03, 0.01, 0.01).

    Σ |r_i||r_{i−1}| = (0.01·0.02 + 0.02·0.03 + 0.03·0.01 + 0.01·0.01) = (2 + 6 + 3 + 1)·10⁻⁴ = 12·10⁻⁴, so
    BV = (π/2) · 12·10⁻⁴ = 6π·10⁻⁴, and with ``finite_sample`` · 5/4 = 7.5π·10⁻⁴.
    """
    returns = pd.Series([0.01, -0.02, 0.03, 0.01, -0.01],
                        index=pd.date_range("2021-01-01", periods=5, freq="5min", tz="UTC"))
    assert rv.bipower_variation(returns).iloc[0] == pytest.approx(6 * math.pi * 1e-4, rel=1e-12)
    assert rv.bipower_variation(returns, finite_sample=True).iloc[0] == pytest.approx(7.5 * math.pi * 1e-4, rel=1e-12)
