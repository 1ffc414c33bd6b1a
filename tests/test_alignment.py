"""One misalignment check everywhere: :func:`volrep.evaluate.check_aligned` raises the same DataError (issue 19).

Every function that pairs two series (the point and risk metrics of :mod:`volrep.evaluate`, the
forecast-comparison tests of :mod:`volrep.stats`) rejects different lengths and pandas objects with different or
repeated index labels with :class:`~volrep.errors.DataError`, rule "<first> and <second> aligned one to one".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from volrep import evaluate, stats
from volrep.errors import DataError

RNG = np.random.default_rng(19)
N = 30
DATES = pd.date_range("2024-01-01", periods=N)
A = pd.Series(RNG.uniform(1.0, 2.0, N), index=DATES)
B = pd.Series(RNG.uniform(1.0, 2.0, N), index=DATES)
SHIFTED = B.set_axis(DATES + pd.Timedelta(days=1))  # same length, one label different at each end
REPEATED = B.set_axis(DATES[[0, *range(N - 1)]])


def test_check_aligned_messages() -> None:
    with pytest.raises(DataError, match=r"^x: violates rule 'actual and forecast aligned one to one' — 3 actual value"):
        evaluate.check_aligned([1.0, 2.0, 3.0], [1.0, 2.0], label="x")
    with pytest.raises(DataError, match=r"'a and b aligned one to one' — b and a are indexed differently \(1 label"):
        evaluate.check_aligned(A, SHIFTED, label="x", names=("a", "b"))
    with pytest.raises(DataError, match=r"aligned one to one' — index labels repeat"):
        evaluate.check_aligned(A, REPEATED, label="x")
    assert isinstance(DataError("x", "y"), ValueError)  # callers catching ValueError still catch it


def test_check_aligned_puts_the_second_in_the_first_order() -> None:
    reordered = evaluate.check_aligned(A, B[::-1], label="x")
    pd.testing.assert_series_equal(reordered, B)
    plain = [1.0, 2.0]
    assert evaluate.check_aligned(np.ones(2), plain, label="x") is plain


CASES_EVALUATE = [
    ("rmse", lambda a, b: evaluate.rmse(a, b)),
    ("qlike", lambda a, b: evaluate.qlike(a, b)),
    ("point_metrics", lambda a, b: evaluate.point_metrics(a, b)),
    ("metrics_table", lambda a, b: evaluate.metrics_table(b.to_frame("m"), a)),
    ("quantile_loss", lambda a, b: evaluate.quantile_loss(a - 1.5, -b, 0.01)),
    ("gaussian_nll", lambda a, b: evaluate.gaussian_nll(a - 1.5, b)),
    ("risk_metrics", lambda a, b: evaluate.risk_metrics(a - 1.5, b)),
    ("win_rate", lambda a, b: evaluate.win_rate(a, b)),
]
CASES_STATS = [
    ("losses", lambda a, b: stats.losses(a, b)),
    ("diebold_mariano", lambda a, b: stats.diebold_mariano(a, b)),
    ("diebold_mariano_losses", lambda a, b: stats.diebold_mariano_losses(a, b)),
    ("dm_matrix", lambda a, b: stats.dm_matrix(pd.DataFrame({"m": b, "n": b * 1.1}), a)),
    ("spa_test", lambda a, b: stats.spa_test(a, b, reps=10)),
]


CASES = CASES_EVALUATE + CASES_STATS


@pytest.mark.parametrize(("name", "call"), CASES, ids=[name for name, _ in CASES])
def test_every_pairing_function_raises_the_same_error(name, call) -> None:
    call(A, B)  # aligned inputs pass
    with pytest.raises(DataError, match=r"aligned one to one' — .*indexed differently"):
        call(A, SHIFTED)
    with pytest.raises(DataError, match=r"aligned one to one' — index labels repeat"):
        call(A, REPEATED)
    if name not in ("metrics_table", "dm_matrix"):  # these take pandas objects only
        with pytest.raises(DataError, match=r"aligned one to one' — 30 .* value\(s\) but 29 "):
            call(A.to_numpy(), B.to_numpy()[:-1])


def test_stats_match_series_by_label() -> None:
    """Before the shared check, the tests paired Series by position: the same labels in another order now match."""
    assert stats.diebold_mariano(A - 1.5, (B - 1.5)[::-1]) == stats.diebold_mariano(A - 1.5, B - 1.5)
    np.testing.assert_array_equal(stats.losses(A, B[::-1]), stats.losses(A, B))
