"""Mean-shift: points climb the kernel density estimate to its modes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
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


# ---------------------------------------------------------------- paths, the gradient, references



def plain_mean_shift(X, h, sweeps):
    """Mean-shift written as loops over points and data points, with the kernel exp(-||p - x||^2 / (2 h^2))."""
    points = [list(x) for x in X]
    for _ in range(sweeps):
        new = []
        for p in points:
            weights = [np.exp(-sum((pj - xj) ** 2 for pj, xj in zip(p, x, strict=True)) / (2 * h**2)) for x in X]
            total = sum(weights)
            new.append([sum(w * x[j] for w, x in zip(weights, X, strict=True)) / total for j in range(len(p))])
        points = new
    return np.array(points)


def test_modes_match_a_plain_loop(two_blobs):
    X, _ = two_blobs
    X = X[::4]  # 25 points: the loop is slow
    result = meanshift.mean_shift(X, bandwidth=1.0, tol=1e-10)
    np.testing.assert_allclose(result.modes, plain_mean_shift(X, 1.0, result.n_iter), atol=1e-10)
    np.testing.assert_allclose(result.paths[3], plain_mean_shift(X, 1.0, 3), atol=1e-12)


def test_paths_start_at_the_data_and_end_at_the_modes(two_blobs):
    X, _ = two_blobs
    result = meanshift.mean_shift(X, bandwidth=1.0)
    assert result.paths.shape == (result.n_iter + 1, *X.shape)
    np.testing.assert_array_equal(result.paths[0], X)
    np.testing.assert_array_equal(result.paths[-1], result.modes)
    for t in (0, 1, 5):
        np.testing.assert_allclose(result.paths[t + 1], meanshift.shift(result.paths[t], X, 1.0), rtol=1e-13)
    assert result.n_clusters == 2
    lean = meanshift.mean_shift(X, bandwidth=1.0, keep_paths=False)
    assert lean.paths is None
    np.testing.assert_array_equal(lean.modes, result.modes)


def test_log_density_gradient_against_finite_differences(two_blobs):
    X, _ = two_blobs
    h, eps = 0.8, 1e-6
    pts = np.array([[1.0, 0.5], [6.0, 2.0], [-1.0, 1.0]])
    grad = meanshift.log_density_gradient(pts, X, h)
    numeric = np.zeros_like(pts)
    for j in range(2):
        step = np.zeros(2)
        step[j] = eps
        numeric[:, j] = (meanshift.kde_log_density(pts + step, X, h) - meanshift.kde_log_density(pts - step, X, h)) / (
            2 * eps
        )
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    # u(p) = p + h^2 grad log f(p)
    np.testing.assert_allclose(meanshift.shift(pts, X, h), pts + h**2 * grad, rtol=1e-12, atol=1e-12)


def test_kde_matches_scipy_gaussian_kde_with_the_bandwidth_mapped():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 1)) * 2.0
    h = 0.4
    grid = np.linspace(-6, 6, 25)[:, None]
    # 1-D: gaussian_kde's kernel variance is bw_method^2 times the sample variance (ddof = 1)
    kde = stats.gaussian_kde(x[:, 0], bw_method=h / np.std(x[:, 0], ddof=1))
    np.testing.assert_allclose(meanshift.kde_log_density(grid, x, h), kde.logpdf(grid[:, 0]), rtol=1e-10)
    # d-D: on data whitened to sample covariance I, bw_method = h gives the kernel h^2 I
    X = rng.normal(size=(60, 2)) @ np.array([[1.0, 0.4], [0.0, 0.6]])
    Z = (X - X.mean(axis=0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(X.T)).T)
    np.testing.assert_allclose(np.cov(Z.T), np.eye(2), atol=1e-12)
    pts = rng.normal(size=(7, 2))
    kde2 = stats.gaussian_kde(Z.T, bw_method=h)
    np.testing.assert_allclose(meanshift.kde_log_density(pts, Z, h), kde2.logpdf(pts.T), rtol=1e-10)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda X: meanshift.mean_shift(X, 1.0, keep_paths="yes"), "keep_paths must be True or False"),
        (lambda X: meanshift.log_density_gradient(X[:, :1], X, 1.0), "points has 1 features"),
        (lambda X: meanshift.log_density_gradient(X, X, -2.0), "bandwidth must be a non-negative"),
        (lambda X: meanshift.mean_shift(X, 1.0, max_iter=0), "max_iter must be a positive integer"),
        (lambda X: meanshift.kde_log_density(X, X, np.nan), "bandwidth must be a non-negative finite"),
    ],
)
def test_bad_arguments_are_named(two_blobs, call, match):
    X, _ = two_blobs
    with pytest.raises(ValueError, match=match):
        call(X)


small_data = arrays(float, st.tuples(st.integers(2, 25), st.integers(1, 3)), elements=st.floats(-5, 5))


@settings(max_examples=40, deadline=None)
@given(X=small_data, h=st.floats(0.2, 3.0))
def test_the_density_never_falls_along_a_path(X, h):
    result = meanshift.mean_shift(X, h, max_iter=60)
    n_steps, n, d = result.paths.shape
    log_f = meanshift.kde_log_density(result.paths.reshape(-1, d), X, h).reshape(n_steps, n)
    assert np.all(np.diff(log_f, axis=0) >= -1e-10 * np.maximum(1.0, np.abs(log_f[1:])))


@settings(max_examples=40, deadline=None)
@given(X=small_data, h=st.floats(0.2, 3.0))
def test_paths_end_where_the_shift_is_zero(X, h):
    result = meanshift.mean_shift(X, h, max_iter=5000, tol=1e-9 * h)
    if result.converged:
        moved = meanshift.shift(result.modes, X, h) - result.modes
        assert np.abs(moved).max() <= 1e-8 * h
        # and every point's label names a centre within h/2 of its end point
        assert np.all(np.linalg.norm(result.modes - result.centers[result.labels], axis=1) < h / 2)
