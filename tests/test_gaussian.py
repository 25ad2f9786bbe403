"""The multivariate Gaussian: log-density against scipy, Mahalanobis distance, ellipses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial.distance import mahalanobis as scipy_mahalanobis

from coursepkg import gaussian


def random_spd(rng, d, jitter=0.1):
    """A random symmetric positive-definite matrix with condition number of order d / jitter."""
    A = rng.normal(size=(d, d)) / np.sqrt(d)
    cov = A @ A.T + jitter * np.eye(d)
    return cov * rng.uniform(0.1, 10.0)


@settings(max_examples=60, deadline=None)
@given(d=st.integers(1, 30), seed=st.integers(0, 2**32 - 1))
def test_log_pdf_matches_scipy(d, seed):
    rng = np.random.default_rng(seed)
    cov = random_spd(rng, d)
    mean = rng.normal(scale=5.0, size=d)
    X = rng.multivariate_normal(mean, cov, size=20) + rng.normal(scale=2.0, size=(20, d))
    ours = gaussian.log_pdf(X, mean, cov)
    ref = stats.multivariate_normal(mean, cov).logpdf(X)
    np.testing.assert_allclose(ours, np.atleast_1d(ref), rtol=1e-10, atol=1e-10)


def test_log_pdf_of_one_dimensional_standard_normal():
    x = np.array([[0.0], [1.0], [-2.5]])
    np.testing.assert_allclose(gaussian.log_pdf(x, [0.0], [[1.0]]), stats.norm.logpdf(x[:, 0]), rtol=1e-14)


def test_log_pdf_far_from_the_mean_stays_finite():
    # 1e3 standard deviations away the density underflows to 0, its log does not.
    x = np.array([[1e3, 0.0]])
    assert stats.multivariate_normal([0, 0], np.eye(2)).pdf(x) == 0.0
    value = gaussian.log_pdf(x, [0.0, 0.0], np.eye(2))[0]
    assert value == pytest.approx(-0.5 * 1e6 - np.log(2 * np.pi), rel=1e-14)


@settings(max_examples=40, deadline=None)
@given(d=st.integers(1, 8), seed=st.integers(0, 2**32 - 1))
def test_mahalanobis_matches_scipy(d, seed):
    rng = np.random.default_rng(seed)
    cov = random_spd(rng, d)
    mean = rng.normal(size=d)
    X = rng.normal(scale=3.0, size=(6, d))
    ours = gaussian.mahalanobis(X, mean, cov)
    VI = np.linalg.inv(cov)
    ref = [scipy_mahalanobis(x, mean, VI) for x in X]
    np.testing.assert_allclose(ours, ref, rtol=1e-9)


def test_mahalanobis_with_identity_is_euclidean():
    X = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(gaussian.mahalanobis(X, [0, 0], np.eye(2)), [5.0, 0.0])


def test_chi2_radius():
    assert gaussian.chi2_radius(0.95, 2) == pytest.approx(np.sqrt(-2 * np.log(0.05)), rel=1e-12)
    assert gaussian.chi2_radius(0.6827, 1) == pytest.approx(1.0, abs=1e-4)
    with pytest.raises(ValueError, match="level"):
        gaussian.chi2_radius(1.5)


COVS_2D = [
    np.eye(2),
    np.diag([4.0, 0.25]),
    np.array([[2.0, 1.2], [1.2, 1.0]]),
    np.array([[0.3, -0.25], [-0.25, 0.4]]),
]


@pytest.mark.parametrize("cov", COVS_2D)
@pytest.mark.parametrize("level", [0.5, 0.95, 0.99])
def test_ellipse_boundary_has_chi_square_radius(cov, level):
    mean = np.array([1.0, -2.0])
    width, height, angle = gaussian.ellipse_geometry(cov, level)
    assert width >= height > 0
    t = np.radians(angle)
    major, minor = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    s = np.linspace(0, 2 * np.pi, 50)
    boundary = mean + np.outer(np.cos(s), major) * width / 2 + np.outer(np.sin(s), minor) * height / 2
    radius = np.sqrt(stats.chi2.ppf(level, 2))
    np.testing.assert_allclose(gaussian.mahalanobis(boundary, mean, cov), radius, rtol=1e-10)
    # ellipse_points traces the same curve
    pts = gaussian.ellipse_points(mean, cov, level, n_points=40)
    np.testing.assert_allclose(gaussian.mahalanobis(pts, mean, cov), radius, rtol=1e-10)


def test_ellipse_holds_its_probability_mass():
    rng = np.random.default_rng(0)
    cov = np.array([[2.0, 1.2], [1.2, 1.0]])
    X = rng.multivariate_normal([0, 0], cov, size=40_000)
    width, height, angle = gaussian.ellipse_geometry(cov, 0.95)
    t = np.radians(angle)
    u = X @ np.array([np.cos(t), np.sin(t)]) / (width / 2)
    v = X @ np.array([-np.sin(t), np.cos(t)]) / (height / 2)
    inside = np.mean(u**2 + v**2 <= 1)
    assert inside == pytest.approx(0.95, abs=0.005)


def test_ellipse_of_diagonal_covariance_is_axis_aligned():
    width, height, angle = gaussian.ellipse_geometry(np.diag([9.0, 1.0]), 0.95)
    r = np.sqrt(stats.chi2.ppf(0.95, 2))
    assert (width, height) == pytest.approx((6 * r, 2 * r))
    assert angle % 180 == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    "cov, match",
    [
        (np.eye(3), r"cov.*\(2, 2\)"),
        (np.array([[1.0, 0.5], [0.0, 1.0]]), "cov must be symmetric"),
        (np.array([[1.0, 2.0], [2.0, 1.0]]), "cov must be positive-definite"),
        (np.array([[np.nan, 0.0], [0.0, 1.0]]), "cov must contain only finite"),
    ],
)
def test_ellipse_geometry_rejects_bad_covariance(cov, match):
    with pytest.raises(ValueError, match=match):
        gaussian.ellipse_geometry(cov)


def test_cholesky_and_check_covariance():
    cov = np.array([[4.0, 2.0], [2.0, 3.0]])
    L = gaussian.cholesky(cov)
    np.testing.assert_allclose(L @ L.T, cov)
    assert np.allclose(L, np.tril(L))
    with pytest.raises(ValueError, match="Sigma must be positive-definite.*smallest eigenvalue"):
        gaussian.cholesky(np.array([[1.0, 1.0], [1.0, 1.0]]), name="Sigma")
    with pytest.raises(ValueError, match=r"cov must be a square 2-D array"):
        gaussian.check_covariance(np.ones((2, 3)))
