"""Every bad input gets a ValueError that names the argument and says what was expected."""

import numpy as np
import pytest

from coursepkg import em, gaussian, kmeans, meanshift, mixture
from coursepkg._validation import (
    check_data,
    check_dim,
    check_n_components,
    check_nonnegative,
    check_positive_int,
    check_resp,
    check_rng,
)
from coursepkg.mixture import GMM

X = np.random.default_rng(0).normal(size=(30, 2))
GOOD = GMM([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [np.eye(2), np.eye(2)])
THREE = GMM(np.full(3, 1 / 3), [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], np.stack([np.eye(2)] * 3))


def test_one_dimensional_X_says_how_to_reshape():
    with pytest.raises(ValueError, match=r"X must be a 2-D array.*1-D array of shape \(30,\).*X\.reshape\(-1, 1\)"):
        check_data(X[:, 0])


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((2, 3, 4)), r"X must be a 2-D array.*3-D"),
        (np.zeros((0, 2)), r"X must hold at least one point"),
        (np.array([[1.0, np.nan], [0.0, 0.0]]), r"X must contain only finite numbers; got nan at row 0, column 1"),
        (np.array([[1.0, 0.0], [np.inf, 0.0]]), r"X must contain only finite numbers; got inf at row 1, column 0"),
        ([["a", "b"]], r"X must be an array of numbers"),
    ],
)
def test_check_data_rejects(bad, match):
    with pytest.raises(ValueError, match=match):
        check_data(bad)


def test_check_data_accepts_lists_and_ints():
    out = check_data([[1, 2], [3, 4]])
    assert out.dtype == float and out.shape == (2, 2)


def test_check_dim():
    with pytest.raises(ValueError, match=r"X has 3 features per point but the model has dimension d=2"):
        check_dim(np.zeros((4, 3)), 2)


@pytest.mark.parametrize(
    "k, n, match",
    [(0, 10, "k must be at least 1"), (-2, 10, "k must be at least 1"), (11, 10, "k=11 is larger than"),
     (2.5, 10, "k must be a positive integer"), (True, 10, "k must be a positive integer"),
     ("3", 10, "k must be a positive integer")],
)
def test_check_n_components(k, n, match):
    with pytest.raises(ValueError, match=match):
        check_n_components(k, n)


def test_check_n_components_accepts_numpy_ints():
    assert check_n_components(np.int64(3), 5) == 3


def test_scalar_checks():
    assert check_nonnegative(0, "tol") == 0.0
    for bad in (-1e-9, np.nan, np.inf, "x", None):
        with pytest.raises(ValueError, match="tol must be a non-negative"):
            check_nonnegative(bad, "tol")
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="max_iter must be a positive integer"):
            check_positive_int(bad, "max_iter")
    with pytest.raises(ValueError, match="rng must be None, an int seed or a numpy.random.Generator"):
        check_rng("seed")
    g = np.random.default_rng(1)
    assert check_rng(g) is g


@pytest.mark.parametrize(
    "resp, match",
    [
        (np.full((30,), 1.0), r"resp must have shape \(n_samples, k\) = \(30, k\)"),
        (np.full((29, 2), 0.5), r"resp must have shape"),
        (np.full((30, 2), 0.6), r"each row of resp must sum to 1.*row 0 sums to 1.2"),
        (np.tile([1.5, -0.5], (30, 1)), r"resp must have entries in \[0, 1\]"),
        (np.full((30, 2), np.nan), r"resp must contain only finite"),
    ],
)
def test_check_resp(resp, match):
    with pytest.raises(ValueError, match=match):
        check_resp(resp, 30)


# --- the public functions pass these checks on, naming their own arguments ---


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"weights": [0.5, 0.6]}, r"weights must sum to 1.*1\.1"),
        ({"weights": [1.5, -0.5]}, r"weights must be non-negative"),
        ({"weights": [[0.5, 0.5]]}, r"weights must be a 1-D array"),
        ({"weights": [0.5, np.nan]}, r"weights must contain only finite"),
        ({"means": [[0.0, 0.0]]}, r"means must have shape \(k, d\) = \(2, d\)"),
        ({"means": [[0.0, np.inf], [1.0, 1.0]]}, r"means must contain only finite"),
        ({"covariances": np.eye(2)}, r"covariances must have shape \(k, d, d\) = \(2, 2, 2\)"),
        ({"covariances": [np.eye(2), [[1.0, 0.3], [0.0, 1.0]]]}, r"covariances\[1\] must be symmetric"),
        ({"covariances": [np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]}, r"covariances\[1\] must be positive-definite"),
        ({"covariances": [-np.eye(2), np.eye(2)]}, r"covariances\[0\] must be positive-definite"),
    ],
)
def test_gmm_rejects_bad_parameters(kwargs, match):
    params = {"weights": GOOD.weights, "means": GOOD.means, "covariances": GOOD.covariances} | kwargs
    with pytest.raises(ValueError, match=match):
        GMM(**params)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: em.e_step(X[:, 0], GOOD), r"X must be a 2-D array.*reshape"),
        (lambda: em.e_step(np.zeros((5, 3)), GOOD), r"X has 3 features.*d=2"),
        (lambda: em.e_step(np.array([[np.nan, 0.0]]), GOOD), r"X must contain only finite"),
        (lambda: em.e_step(X, "not a gmm"), r"gmm must be a coursepkg.mixture.GMM"),
        (lambda: em.m_step(X, np.full((30, 2), 0.5), reg_covar=-1.0), r"reg_covar must be a non-negative"),
        (lambda: em.m_step(X, np.full((30, 2), 0.7)), r"each row of resp must sum to 1"),
        (lambda: em.lower_bound(X, np.full((30, 3), 1 / 3), GOOD), r"q must have one column per component"),
        (lambda: em.lower_bound(X, np.full((30, 2), 0.2), GOOD), r"each row of q must sum to 1"),
        (lambda: em.fit_em(X, 0), r"k_or_gmm must be at least 1"),
        (lambda: em.fit_em(X, 31), r"k_or_gmm=31 is larger than the number of points n=30"),
        (lambda: em.fit_em(X[:2], THREE), r"k_or_gmm.k=3 is larger than the number of points n=2"),
        (lambda: em.fit_em(X, 2, tol=-1.0), r"tol must be a non-negative"),
        (lambda: em.fit_em(X, 2, reg_covar=-1e-6), r"reg_covar must be a non-negative"),
        (lambda: em.fit_em(X, 2, max_iter=0), r"max_iter must be a positive integer"),
        (lambda: em.fit_em(X, 2, n_init=0), r"n_init must be a positive integer"),
        (lambda: em.fit_em(X, GOOD, n_init=3), r"n_init must be 1 when k_or_gmm is a GMM"),
        (lambda: em.fit_em(X, 2, init="best"), r"init must be one of"),
        (lambda: em.fit_em(np.zeros((5, 3)), GOOD), r"X has 3 features"),
        (lambda: em.initial_gmm(X, 2, init="best"), r"init must be one of"),
        (lambda: em.initial_gmm(X, 0), r"k must be at least 1"),
        (lambda: em.EMStepper(X, GOOD, reg_covar=-1), r"reg_covar must be a non-negative"),
        (lambda: mixture.log_likelihood(X[:, :1], GOOD), r"X has 1 features"),
        (lambda: mixture.sample(GOOD, 0), r"n must be a positive integer"),
        (lambda: mixture.sample(GOOD, 5, rng="x"), r"rng must be"),
        (lambda: mixture.complete_log_likelihood(X, np.zeros(29, int), GOOD), r"z must be a 1-D array of shape"),
        (lambda: mixture.complete_log_likelihood(X, np.full(30, 2), GOOD), r"z must hold labels in 0..1"),
        (lambda: mixture.complete_log_likelihood(X, np.full(30, 0.5), GOOD), r"z must hold integer"),
        (lambda: mixture.expected_complete_log_likelihood(X, np.ones((30, 1)), GOOD), r"resp must have one column"),
        (lambda: GOOD.permuted([0, 0]), r"order must be a permutation of range\(2\)"),
        (lambda: gaussian.log_pdf(X, [0.0, 0.0, 0.0], np.eye(3)), r"X has 2 features.*d=3"),
        (lambda: gaussian.log_pdf(X, [[0.0, 0.0]], np.eye(2)), r"mean must be a 1-D array"),
        (lambda: gaussian.log_pdf(X, [0.0, 0.0], np.eye(3)), r"cov must have shape \(2, 2\)"),
        (lambda: gaussian.log_pdf(X, [0.0, 0.0], [[1.0, 0.2], [0.0, 1.0]]), r"cov must be symmetric"),
        (lambda: gaussian.log_pdf(X, [0.0, 0.0], [[1.0, 0.0], [0.0, -1.0]]), r"cov must be positive-definite"),
        (lambda: gaussian.mahalanobis(X, [np.nan, 0.0], np.eye(2)), r"mean must contain only finite"),
        (lambda: kmeans.kmeans(X, 0), r"k_or_centers must be at least 1"),
        (lambda: kmeans.kmeans(X, 40), r"k_or_centers=40 is larger than the number of points n=30"),
        (lambda: kmeans.kmeans(X[:, 0], 2), r"X must be a 2-D array.*reshape"),
        (lambda: kmeans.kmeans(X, np.zeros((3, 3))), r"k_or_centers must be an array of shape \(k, d\) = \(k, 2\)"),
        (lambda: kmeans.kmeans(X, np.full((2, 2), np.nan)), r"k_or_centers must contain only finite"),
        (lambda: kmeans.kmeans(X, 2, init="kmeans"), r"init must be one of \('k-means\+\+', 'random'\)"),
        (lambda: kmeans.kmeans(X, 2.0), r"k_or_centers must be a positive integer"),
        (lambda: kmeans.assign(X, np.zeros((2, 3))), r"centers must be an array of shape \(k, d\) = \(k, 2\)"),
        (lambda: kmeans.assign(X[:, 0], np.zeros((2, 1))), r"X must be a 2-D array"),
        (lambda: kmeans.objective(X, np.zeros((2, 2)), np.full(30, 2)), r"labels must hold labels in 0..1"),
        (lambda: kmeans.objective(X, np.zeros((2, 2)), np.zeros(29, int)), r"labels must be a 1-D array of shape"),
        (lambda: kmeans.update_centers(X, np.zeros(30, int), np.zeros(2)), r"old_centers must be an array of shape"),
        (lambda: kmeans.squared_distances(X, [[np.inf, 0.0]]), r"centers must contain only finite"),
        (lambda: kmeans.soft_responsibilities(X, np.zeros((2, 2)), 0.0), r"beta must be positive"),
        (lambda: meanshift.shift(X[:, :1], X, 1.0), r"points has 1 features per point but the model has dimension d=2"),
        (lambda: meanshift.shift(X, X, 0.0), r"bandwidth must be positive"),
        (lambda: meanshift.kde_log_density(X, X[:, 0], 1.0), r"X must be a 2-D array"),
        (lambda: em.fit_em(X.astype(complex), 2), r"X must hold real numbers; got complex"),
        (lambda: em.e_step(X + 1j, GOOD), r"X must hold real numbers; got complex"),
        (lambda: GMM([0.5, 0.5], [[0.0, 0.0], [1j, 0.0]], [np.eye(2)] * 2), r"means must hold real numbers"),
        (lambda: em.fit_em(X, 2, rng=np.random.RandomState(0)), r"legacy numpy.random.RandomState.*default_rng"),
        (lambda: em.fit_em(X, 2, rng=-1), r"rng must be a non-negative int seed"),
        (lambda: em.initial_gmm(X, 2, init="kmeans++"), r"init must be one of"),
        (lambda: em.em_iteration(X, np.full((30, 2), 0.5), 0.0, reg_covar=-1), r"reg_covar must be a non-negative"),
        (lambda: em.em_iteration(X, np.full((30, 2), 0.7), 0.0), r"each row of resp must sum to 1"),
        (lambda: kmeans.soft_kmeans(X, 2, beta=0), r"beta must be positive"),
        (lambda: kmeans.soft_kmeans(X, 2, beta=-1), r"beta must be a non-negative"),
        (lambda: kmeans.soft_kmeans(X, 2, beta=1, tol=-1), r"tol must be a non-negative"),
        (lambda: kmeans.kmeans_plusplus(X, 0), r"k must be at least 1"),
        (lambda: meanshift.mean_shift(X, 0), r"bandwidth must be positive"),
        (lambda: meanshift.mean_shift(X, -1.0), r"bandwidth must be a non-negative"),
        (lambda: meanshift.mean_shift(X, 1.0, tol=-1.0), r"tol must be a non-negative"),
    ],
)
def test_public_functions_name_the_bad_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
