"""GARCH(1, 1) panel re-estimation: both engines against cold ``arch`` fits, the ``arch`` fallback, worker
independence, the missing-value rule, no look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from arch import arch_model
from arch.univariate import GARCH, ConstantMean, Normal

from volrep.errors import ConfigError, DataError
from volrep.models import garch_panel as gp
from volrep.models.garch import TOL
from volrep.models.garch_panel import garch_panel_forecasts

N = 530
DATES = pd.bdate_range("2015-01-01", periods=N)
TRAIN_END = DATES[499]  # 500 training days, 30 test days


def simulate(seed: int, nobs: int = N) -> np.ndarray:
    """Decimal returns of a GARCH(1, 1) with percent-scale parameters (mu, omega, alpha, beta)."""
    model = ConstantMean(None, volatility=GARCH(1, 0, 1), distribution=Normal(seed=np.random.default_rng(seed)))
    return model.simulate([0.05, 0.1, 0.1, 0.85], nobs)["data"].to_numpy() / 100


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Three series: complete; listed late with a one-day gap; ending three days early."""
    out = pd.DataFrame({f"s{i}": simulate(i) for i in range(3)}, index=DATES)
    out.iloc[:10, 1] = np.nan
    out.iloc[505, 1] = np.nan  # a gap inside the test period
    out.iloc[-3:, 2] = np.nan
    return out


@pytest.fixture(scope="module")
def panel(frame: pd.DataFrame):
    return garch_panel_forecasts(frame, train_end=TRAIN_END, warm_chain=10)


@pytest.fixture(scope="module")
def cold(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per series, cold ``arch`` fits at every origin: estimates (percent scale) and next-day variances (decimal)."""
    out = {}
    for name in frame.columns:
        y = frame[name].dropna().to_numpy() * 100
        n_train = int((frame[name].dropna().index <= TRAIN_END).sum())
        fits = [arch_model(y[: t + 1], mean="Constant", vol="GARCH", p=1, q=1, dist="normal",
                           rescale=False).fit(disp="off", tol=TOL) for t in range(n_train - 1, len(y) - 1)]
        out[name] = (np.array([f.params.to_numpy() for f in fits]),
                     np.array([f.forecast(horizon=1, reindex=False).variance.iat[0, 0] / 1e4 for f in fits]))
    return out


def assert_matches_cold(result, cold) -> None:
    for name, (params, variance) in cold.items():
        ours = result.forecasts.loc[name]
        np.testing.assert_allclose(ours.filter(like="param_").to_numpy(), params, rtol=0, atol=1e-4)
        np.testing.assert_allclose(ours["variance"].to_numpy(), variance, rtol=1e-4)


def test_every_refit_matches_a_cold_arch_fit(panel, cold) -> None:
    assert_matches_cold(panel, cold)
    assert panel.n_fits == len(panel.forecasts) == 30 + 29 + 27
    assert not panel.forecasts["fit_failed"].any()
    assert (panel.forecasts["fit_engine"] == "fast").all() and panel.report["n_arch_fallback"].sum() == 0


def test_fast_objective_is_arch_likelihood_with_exact_gradient(frame: pd.DataFrame) -> None:
    y = frame["s0"].to_numpy()[:400] * 100
    theta = np.array([0.04, 0.12, 0.09, 0.87])
    backcast = float(GARCH(1, 0, 1).backcast(y - y.mean()))
    value, gradient = gp._nll_and_gradient(theta, y, backcast)
    model = arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="normal", rescale=False)
    assert value == pytest.approx(-model.fix(theta).loglikelihood / y.size, rel=1e-12)
    steps = np.eye(4) * 1e-6
    numeric = [(gp._nll_and_gradient(theta + h, y, backcast)[0] - gp._nll_and_gradient(theta - h, y, backcast)[0])
               / 2e-6 for h in steps]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-9)


def test_arch_engine_matches_too(frame: pd.DataFrame, panel, cold) -> None:
    slow = garch_panel_forecasts(frame, train_end=TRAIN_END, warm_chain=10, engine="arch")
    assert_matches_cold(slow, cold)
    assert (slow.forecasts["fit_engine"] == "arch").all() and slow.report["n_arch_fallback"].sum() == 0
    assert slow.forecasts.columns.equals(panel.forecasts.columns)


def test_failed_fast_fits_are_redone_by_arch(frame: pd.DataFrame, cold, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_fit, calls = gp._fast_fit, iter(range(10_000))
    monkeypatch.setattr(gp, "_fast_fit", lambda y, start: None if next(calls) % 4 == 0 else fast_fit(y, start))
    out = garch_panel_forecasts(frame, train_end=TRAIN_END, warm_chain=10)
    assert_matches_cold(out, cold)
    redone = out.forecasts["fit_engine"] == "arch"
    assert redone.sum() == out.report["n_arch_fallback"].sum() == 22  # every 4th of 86 fits
    assert not out.forecasts["fit_failed"].any()


def test_results_do_not_depend_on_the_number_of_workers(frame: pd.DataFrame, panel) -> None:
    two = garch_panel_forecasts(frame, train_end=TRAIN_END, warm_chain=10, workers=2)
    pd.testing.assert_frame_equal(two.forecasts, panel.forecasts)
    pd.testing.assert_frame_equal(two.report, panel.report)


def test_missing_values_are_counted_and_skipped(frame: pd.DataFrame, panel) -> None:
    report = panel.report
    assert report.loc["s0", ["n_leading_missing", "n_gaps", "n_trailing_missing", "n_returns"]].tolist() == [0, 0, 0, N]
    assert report.loc["s1", ["n_leading_missing", "n_gaps", "n_trailing_missing", "n_returns"]].tolist() == [
        10, 1, 0, N - 11]
    assert report.loc["s2", ["n_leading_missing", "n_gaps", "n_trailing_missing", "n_returns"]].tolist() == [
        0, 0, 3, N - 3]
    assert report.loc["s1", "n_train"] == 490 and report.loc["s1", "first"] == DATES[10]
    s1 = panel.forecasts.loc["s1"]
    assert DATES[505] not in s1.index  # no forecast made on a day without a return
    assert s1.loc[DATES[504], "target"] == DATES[506]  # the forecast at the gap's eve is for the next return
    assert s1.index[0] == TRAIN_END and (s1["target"] > s1.index).all()
    # The series with a gap is modelled on its observed returns: the same as a gap-free series of them.
    observed = frame["s1"].dropna()
    alone = garch_panel_forecasts(observed.to_frame(), train_end=TRAIN_END, warm_chain=10)
    pd.testing.assert_frame_equal(alone.forecasts.loc["s1"], s1)


def test_no_look_ahead(frame: pd.DataFrame, panel) -> None:
    cut = DATES[514]
    changed = frame[["s0"]].copy()
    changed.loc[changed.index > cut] *= 5.0
    again = garch_panel_forecasts(changed, train_end=TRAIN_END, warm_chain=10).forecasts.loc["s0"]
    before = again.index <= cut
    pd.testing.assert_frame_equal(again[before], panel.forecasts.loc["s0"][before])
    assert not np.allclose(again.loc[~before, "variance"], panel.forecasts.loc["s0"].loc[~before, "variance"])


def test_train_fraction_and_skipped_series() -> None:
    dates = pd.bdate_range("2020-01-01", periods=130)
    frame = pd.DataFrame({"long": simulate(5, 130), "short": simulate(6, 130)}, index=dates)
    frame.iloc[:40, 1] = np.nan  # 90 returns: 72 for training, fewer than 100
    out = garch_panel_forecasts(frame)  # default: the first 80 % of each series
    assert out.report.loc["long", ["n_train", "n_fits", "skipped"]].tolist() == [104, 26, ""]
    assert out.report.loc["short", "n_fits"] == 0
    assert out.report.loc["short", "skipped"].startswith("72 training returns")
    assert set(out.forecasts.index.get_level_values("series")) == {"long"}
    late = garch_panel_forecasts(frame[["long"]], train_end=dates[-1])
    assert late.report.loc["long", "skipped"] == "no test day" and late.forecasts.empty


def test_bad_panels_raise() -> None:
    frame = pd.DataFrame({"a": simulate(1, 130)}, index=pd.bdate_range("2020-01-01", periods=130))
    bad = frame.copy()
    bad.iloc[7, 0] = np.inf
    with pytest.raises(DataError, match="finite returns") as err:
        garch_panel_forecasts(bad)
    assert err.value.row == 7
    with pytest.raises(DataError, match="strictly increasing"):
        garch_panel_forecasts(frame.iloc[::-1])
    with pytest.raises(DataError, match="DatetimeIndex"):
        garch_panel_forecasts(frame.reset_index(drop=True))
    with pytest.raises(ConfigError, match="not both"):
        garch_panel_forecasts(frame, train_end=frame.index[110], train_frac=0.8)
    with pytest.raises(ConfigError):
        garch_panel_forecasts(frame, workers=0)
