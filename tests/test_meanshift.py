"""Mean-shift: points climb the kernel density estimate to its modes."""

import numpy as np
import pytest
from scipy import stats

from coursepkg import meanshift


@pytest.fixture
def two_blobs():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(60, 2)) * 0.5 + [0.0, 0.0]
    b = rng.normal(size=(40, 2)) * 0.5 + [8.0, 3.0]
    return np.vstack([a, b]), np.array([a.mean(axis=0), b.mean(axis=0)])


def test_two_separated_blobs_give_two_centres(two_blobs):
    X, blob_means = two_blobs
    result = meanshift.mean_shift(X, bandwidth=1.0)
    assert result.converged
    assert result.centers.shape == (2, 2)
    order = np.argsort(result.centers[:, 0])
    np.testing.assert_allclose(result.centers[order], blob_means, atol=0.3)
    np.testing.assert_array_equal(np.bincount(result.labels), [60, 40] if order[0] == 0 else [40, 60])
    assert result.modes.shape == X.shape


def test_modes_are_fixed_points_and_local_maxima_of_the_kde(two_blobs):
    X, _ = two_blobs
    h = 1.0
    result = meanshift.mean_shift(X, bandwidth=h, tol=1e-9)
    rng = np.random.default_rng(1)
    for c in result.centers:
        np.testing.assert_allclose(meanshift.shift(c[None], X, h)[0], c, atol=1e-6)
        nearby = c + rng.normal(scale=0.05, size=(20, 2))
        assert np.all(meanshift.kde_log_density(nearby, X, h) <= meanshift.kde_log_density(c[None], X, h) + 1e-12)


def test_kde_log_density_matches_a_mixture_of_gaussians(two_blobs):
    X, _ = two_blobs
    h = 0.7
    pts = np.array([[0.0, 0.0], [4.0, 1.0], [8.0, 3.0]])
    expected = np.mean([stats.multivariate_normal(x, h**2 * np.eye(2)).pdf(pts) for x in X], axis=0)
    np.testing.assert_allclose(meanshift.kde_log_density(pts, X, h), np.log(expected), rtol=1e-12)


def test_shift_moves_uphill(two_blobs):
    X, _ = two_blobs
    p = np.array([[1.5, 1.0]])
    moved = meanshift.shift(p, X, 1.0)
    assert meanshift.kde_log_density(moved, X, 1.0)[0] > meanshift.kde_log_density(p, X, 1.0)[0]


def test_far_point_is_not_nan():
    X = np.array([[0.0, 0.0], [1.0, 0.0]])
    out = meanshift.shift(np.array([[1e4, 0.0]]), X, 0.1)
    np.testing.assert_allclose(out, [[1.0, 0.0]])
