"""Markov Transition Field: hand-computed examples, agreement with pyts, tied quantile edges, blurring, bad input."""

import importlib.util
from pathlib import Path

import numpy as np
import pyts
import pytest
from pyts.preprocessing import KBinsDiscretizer
from pyts.utils import segmentation

from volrep.errors import ConfigError, DataError
from volrep.models import mtf


def _load_pyts_mtf_module():
    """pyts' own ``image/_mtf.py``, loaded without ``pyts.image/__init__``.

    ``import pyts.image`` also imports the Gramian angular field and recurrence plots, which pull in
    ``pyts.approximation``: numba compiles all of them eagerly, 20-40 s on 2 cores. The MTF module itself only
    needs ``pyts.preprocessing`` and ``pyts.utils`` (a few seconds). Same file, same compiled kernels.
    """
    spec = importlib.util.spec_from_file_location("pyts_image_mtf", Path(pyts.__file__).parent / "image" / "_mtf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MarkovTransitionField = _load_pyts_mtf_module().MarkovTransitionField

# pyts warns on every series with tied quantile edges; the ties are what these tests are about
pytestmark = pytest.mark.filterwarnings("ignore:Some quantiles are equal:UserWarning")

# x = 0..5, Q = 4: edges (1.25, 2.5, 3.75), bins 0 0 1 2 3 3; transitions 0→0, 0→1, 1→2, 2→3, 3→3
HAND_W = np.array([[0.5, 0.5, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1]])
HAND_MTF = np.array([
    [0.5, 0.5, 0.5, 0, 0, 0],
    [0.5, 0.5, 0.5, 0, 0, 0],
    [0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 1, 1],
    [0, 0, 0, 0, 1, 1],
    [0, 0, 0, 0, 1, 1],
])
# 2 × 2 block means of HAND_MTF
HAND_BLUR3 = np.array([[0.5, 0.25, 0], [0, 0.25, 0.5], [0, 0, 1]])


def pyts_mtf(x, image_size=None, overlapping=False, n_bins=4):
    x = np.asarray(x, dtype=float)
    size = x.shape[1] if image_size is None else image_size
    return MarkovTransitionField(image_size=size, n_bins=n_bins, strategy="quantile",
                                 overlapping=overlapping).transform(x)


def mixed_batch(length=48, seed=0):
    """Series of different kinds in one batch: Gaussian, heavy-tailed, small integers (ties), constant,
    zero-inflated (tied lower quartiles), a trend, and a series whose quartiles are 1e-9 apart."""
    rng = np.random.default_rng(seed)
    zeros = np.abs(rng.standard_normal(length))
    zeros[: 3 * length // 4] = 0.0
    near = np.r_[np.zeros(length // 2), np.full(length // 2, 1e-9)] + np.r_[np.zeros(length - 1), 1.0]
    return np.vstack([
        rng.standard_normal(length),
        np.abs(rng.standard_t(2, length)),
        rng.integers(0, 3, length).astype(float),
        np.full(length, 2.5),
        zeros,
        np.arange(length, dtype=float),
        near,
    ])


def test_hand_example():
    x = np.arange(6.0)[None]
    np.testing.assert_array_equal(mtf.quantile_edges(x), [[1.25, 2.5, 3.75]])
    states = mtf.quantile_bins(x)
    np.testing.assert_array_equal(states, [[0, 0, 1, 2, 3, 3]])
    np.testing.assert_array_equal(mtf.transition_matrix(states), HAND_W[None])
    np.testing.assert_array_equal(mtf.markov_transition_field(x), HAND_MTF[None])
    np.testing.assert_array_equal(mtf.blur(HAND_MTF, 3), HAND_BLUR3)
    np.testing.assert_allclose(mtf.markov_transition_field(x, image_size=3), HAND_BLUR3[None], atol=1e-15)
    np.testing.assert_array_equal(pyts_mtf(x), HAND_MTF[None])


def test_value_on_an_edge_goes_to_the_lower_bin():
    # x = 0..4: edges (1, 2, 3) are data points; searchsorted(side="left") puts 1 in bin 0, 2 in bin 1 …
    x = np.arange(5.0)[None]
    np.testing.assert_array_equal(mtf.quantile_bins(x), [[0, 0, 1, 2, 3]])
    np.testing.assert_array_equal(mtf.quantile_bins(x), KBinsDiscretizer(n_bins=4).transform(x))


def test_transition_matrix_rows_and_a_state_never_left():
    w = mtf.transition_matrix(np.array([[0, 1, 2, 1, 3]]))[0]
    np.testing.assert_array_equal(w, [[0, 1, 0, 0], [0, 0, 0.5, 0.5], [0, 1, 0, 0], [0, 0, 0, 0]])
    w = mtf.transition_matrix(mtf.quantile_bins(mixed_batch()))
    np.testing.assert_allclose(w.sum(axis=2)[w.sum(axis=2) > 0], 1.0)


@pytest.mark.parametrize("image_size", [None, 48, 24, 16, 12, 8, 6, 4, 3, 2, 1])
def test_agrees_with_pyts_on_mixed_batch_at_every_blur_size(image_size):
    x = mixed_batch()
    np.testing.assert_allclose(mtf.markov_transition_field(x, image_size=image_size), pyts_mtf(x, image_size),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("length,image_size", [(144, 144), (144, 16), (96, 7), (50, 13), (50, 49), (37, 5)])
@pytest.mark.parametrize("overlapping", [False, True])
def test_agrees_with_pyts_on_random_data(length, image_size, overlapping):
    x = np.random.default_rng(length + image_size).standard_normal((25, length)) ** 2
    ours = mtf.markov_transition_field(x, image_size=image_size, overlapping=overlapping)
    np.testing.assert_allclose(ours, pyts_mtf(x, image_size, overlapping), rtol=0, atol=1e-12)
    assert ours.shape == (25, image_size, image_size) and ours.min() >= 0 and ours.max() <= 1


@pytest.mark.parametrize("n_bins", [2, 3, 4, 8])
def test_bins_agree_with_pyts_discretizer_including_ties(n_bins):
    x = np.vstack([mixed_batch(), np.random.default_rng(1).integers(0, 4, (5, 48)).astype(float)])
    np.testing.assert_array_equal(mtf.quantile_bins(x, n_bins), KBinsDiscretizer(n_bins=n_bins).transform(x))
    np.testing.assert_allclose(mtf.markov_transition_field(x, n_bins), pyts_mtf(x, n_bins=n_bins), atol=1e-12)


def test_batch_equals_series_one_by_one():
    # pyts pads the edges of a whole batch with NaN when one series has ties; no series may depend on another
    x = mixed_batch()
    batch = mtf.markov_transition_field(x, image_size=12)
    for i in range(x.shape[0]):
        np.testing.assert_array_equal(batch[i], mtf.markov_transition_field(x[i:i + 1], image_size=12)[0])
        np.testing.assert_allclose(batch[i], pyts_mtf(x[i:i + 1], 12)[0], atol=1e-12)


def test_constant_series_is_one_state_and_an_all_ones_field():
    x = np.full((2, 10), 7.0)
    np.testing.assert_array_equal(mtf.quantile_bins(x), 0)
    assert np.isnan(mtf.quantile_edges(x)[:, :-1]).all()  # two of the three edges merged
    np.testing.assert_array_equal(mtf.markov_transition_field(x), 1.0)
    np.testing.assert_array_equal(pyts_mtf(x), 1.0)  # pyts: the same (with a "quantiles are equal" warning)


def test_tied_edges_merge_bins_with_pyts_absolute_tolerance():
    # quartiles 0, 6e-9, 8e-9: within 1e-8 of each other, so pyts (and we) keep one edge: two states, not four
    x = np.array([[0, 0, 0, 4e-9, 8e-9, 8e-9, 8e-9, 1.0]])
    edges = mtf.quantile_edges(x)
    assert np.isnan(edges[0, :2]).all() and edges[0, 2] == pytest.approx(8e-9)
    np.testing.assert_array_equal(mtf.quantile_bins(x), [[0, 0, 0, 0, 0, 0, 0, 1]])
    np.testing.assert_array_equal(mtf.markov_transition_field(x), pyts_mtf(x))
    # exact ties only: four states, a different field (pyts gives this one only on data rescaled by 1e9)
    exact = mtf.markov_transition_field(x, tie_atol=0.0)
    np.testing.assert_array_equal(mtf.quantile_bins(x, tie_atol=0.0), [[0, 0, 0, 1, 2, 2, 2, 3]])
    assert np.abs(exact - pyts_mtf(x)).max() > 0.1
    np.testing.assert_array_equal(exact, pyts_mtf(x * 1e9))


def test_blur_sizes_are_divisors():
    assert mtf.blur_sizes(96) == [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 96]
    assert mtf.blur_sizes(144)[3:] == [4, 6, 8, 9, 12, 16, 18, 24, 36, 48, 72, 144]  # Table 6's sizes
    assert mtf.blur_sizes(7) == [1, 7]


def test_blur_preserves_the_mean_and_matches_the_reduced_field():
    x = np.random.default_rng(3).lognormal(size=(6, 96))
    full = mtf.markov_transition_field(x)
    for size in mtf.blur_sizes(96):
        small = mtf.blur(full, size)
        assert small.shape == (6, size, size)
        np.testing.assert_allclose(small.mean(axis=(1, 2)), full.mean(axis=(1, 2)), rtol=1e-12)
        np.testing.assert_allclose(small, mtf.markov_transition_field(x, image_size=size), atol=1e-12)
    np.testing.assert_array_equal(mtf.blur(full, 96), full)
    np.testing.assert_allclose(mtf.blur(full, 1)[:, 0, 0], full.mean(axis=(1, 2)), rtol=1e-12)


@pytest.mark.parametrize("length,size", [(50, 13), (50, 49), (37, 5), (144, 143), (10, 3)])
@pytest.mark.parametrize("overlapping", [False, True])
def test_window_bounds_match_pyts_segmentation(length, size, overlapping):
    start, end = mtf.window_bounds(length, size, overlapping)
    ref_start, ref_end, _ = segmentation(length, length // size + 1, overlapping, size)
    np.testing.assert_array_equal(start, ref_start)
    np.testing.assert_array_equal(end, ref_end)


@pytest.mark.parametrize("bad,rule", [
    (np.array([[1.0, np.nan, 2.0], [1.0, 2.0, 3.0]]), "values are finite"),
    (np.array([[1.0, 2.0, 3.0], [1.0, np.inf, 3.0]]), "values are finite"),
    (np.arange(5.0), "2-D array"),
    (np.ones((2, 3, 4)), "2-D array"),
    (np.ones((3, 1)), "at least 2 time stamps"),
    (np.ones((0, 5)), "at least one series"),
])
def test_bad_input_raises_data_error_naming_the_rule(bad, rule):
    with pytest.raises(DataError, match=rule) as info:
        mtf.markov_transition_field(bad)
    if rule == "values are finite":
        assert info.value.row == int(np.argmax(~np.isfinite(bad).all(axis=1)))


def test_bad_settings_raise_config_error():
    x = np.random.default_rng(0).standard_normal((2, 12))
    for kwargs in ({"n_bins": 1}, {"n_bins": 4.0}, {"image_size": 0}, {"image_size": 13}, {"image_size": 0.5}):
        with pytest.raises(ConfigError):
            mtf.markov_transition_field(x, **kwargs)
    with pytest.raises(ConfigError, match="divide"):
        mtf.blur(np.ones((12, 12)), 5)
    with pytest.raises(DataError, match="square"):
        mtf.blur(np.ones((12, 6)), 3)
    with pytest.raises(DataError, match=r"states in \[0, 4\)"):
        mtf.transition_matrix(np.array([[0, 4, 1]]))
