"""The shared numerical layer: the row softmax, the log joint, the one EM iteration and the public helpers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import special, stats

from coursepkg import datasets, em, gaussian, kmeans, meanshift, mixture
from coursepkg.logspace import row_max, softmax_rows
from coursepkg.mixture import GMM, LogJoint

PROPERTY = settings(max_examples=60, deadline=None)

logit_tables = arrays(
    float,
    st.tuples(st.integers(1, 12), st.integers(1, 6)),
    elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)


@PROPERTY
@given(logit_tables)
def test_softmax_rows_matches_scipy(a):
    probs, log_norm = softmax_rows(a)
    np.testing.assert_allclose(probs, special.softmax(a, axis=1), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_norm, special.logsumexp(a, axis=1), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(row_max(a), a.max(axis=1))


def test_softmax_rows_in_place_and_with_zero_weights():
    a = np.array([[0.0, -np.inf, np.log(3.0)], [-1000.0, -1001.0, -np.inf]])
    want_probs, want_log = special.softmax(a, axis=1), special.logsumexp(a, axis=1)
    probs, log_norm = softmax_rows(a, out=a)
    assert probs is a
    np.testing.assert_allclose(probs, want_probs, rtol=1e-14)
    np.testing.assert_allclose(log_norm, want_log, rtol=1e-14)
    assert probs[0, 1] == 0.0 and probs[1, 2] == 0.0


def test_softmax_rows_refuses_a_vector():
    with pytest.raises(ValueError, match=r"log_weights must be a 2-D array of shape \(n, k\)"):
        softmax_rows(np.zeros(3))


def gmm_arrays(gmm):
    return gmm.weights, gmm.means, gmm.covariances


def test_log_joint_against_scipy():
    gmm = datasets.random_gmm(4, 3, rng=1)
    X, _ = mixture.sample(gmm, 50, rng=0)
    X += 1e4  # far from the origin, where uncentred formulas lose digits
    gmm = GMM(gmm.weights, gmm.means + 1e4, gmm.covariances)
    want = np.column_stack(
        [np.log(w) + stats.multivariate_normal(m, c).logpdf(X) for w, m, c in zip(*gmm_arrays(gmm), strict=True)]
    )
    np.testing.assert_allclose(LogJoint(gmm)(X), want, rtol=1e-11)
    np.testing.assert_allclose(mixture.weighted_log_prob(X, gmm), want, rtol=1e-11)


def test_check_gmm_names_the_argument():
    assert mixture.check_gmm(datasets.SYNTHETIC["round"]) is datasets.SYNTHETIC["round"]
    with pytest.raises(ValueError, match=r"start must be a coursepkg.mixture.GMM .*got dict. Build one with GMM"):
        mixture.check_gmm({"weights": [1.0]}, name="start")


# ------------------------------------------------------------------ the one EM iteration


@pytest.fixture(scope="module")
def faithful_start():
    X = datasets.old_faithful()
    return X, em.initial_gmm(X, 2, rng=0)


def test_em_iteration_is_an_m_step_then_an_e_step(faithful_start):
    X, start = faithful_start
    resp, ll = em.e_step(X, start)
    step = em.em_iteration(X, resp, ll, reg_covar=1e-6, tol=1e-3)
    gmm = em.m_step(X, resp, reg_covar=1e-6)
    new_resp, new_ll = em.e_step(X, gmm)
    np.testing.assert_array_equal(step.gmm.means, gmm.means)
    np.testing.assert_array_equal(step.gmm.covariances, gmm.covariances)
    np.testing.assert_array_equal(step.resp, new_resp)
    assert step.log_likelihood == new_ll
    assert step.gain == new_ll - ll > 0
    assert step.converged == (abs(new_ll - ll) / X.shape[0] < 1e-3)


def test_em_iteration_may_overwrite_its_input(faithful_start):
    X, start = faithful_start
    resp, ll = em.e_step(X, start)
    fresh = em.em_iteration(X, resp.copy(), ll)
    reused = em.em_iteration(X, resp, ll, out=resp)
    assert reused.resp is resp
    np.testing.assert_array_equal(reused.resp, fresh.resp)
    np.testing.assert_array_equal(reused.gmm.means, fresh.gmm.means)


def test_fit_em_stepper_and_a_loop_of_iterations_agree(faithful_start):
    X, start = faithful_start
    fit = em.fit_em(X, start, max_iter=500, tol=1e-6)
    resp, ll = em.e_step(X, start)
    history = [ll]
    for t in range(1, 501):
        step = em.em_iteration(X, resp, history[-1], tol=1e-6, iteration=t)
        resp = step.resp
        history.append(step.log_likelihood)
        if step.converged:
            break
    assert fit.converged and fit.n_iter == len(history) - 1
    np.testing.assert_array_equal(fit.history, history)
    stepper = em.EMStepper(X, start)
    for _ in range(fit.n_iter):
        stepper.step()
    np.testing.assert_array_equal(stepper.history, history)


@pytest.mark.parametrize(
    "previous, current, n, tol, want",
    [
        (0.0, 0.5, 10, 0.1, True),
        (0.0, 1.0, 10, 0.1, False),
        (5.0, 5.0, 10, 0.0, False),
        (-3.0, -3.0 - 1e-9, 1, 1e-6, True),
    ],
)
def test_has_converged(previous, current, n, tol, want):
    assert em.has_converged(previous, current, n, tol) is want


def test_a_collapse_inside_em_iteration_names_the_iteration():
    X = np.vstack([np.zeros((5, 2)), np.random.default_rng(0).normal(size=(20, 2))])
    resp = np.zeros((25, 2))
    resp[:5, 0] = 1.0
    resp[5:, 1] = 1.0
    singular = r"component 1 \(index 0\) became singular at iteration 7"
    with pytest.raises(em.SingularCovarianceError, match=singular) as info:
        em.em_iteration(X, resp, 0.0, reg_covar=0.0, iteration=7)
    assert (info.value.component, info.value.iteration) == (0, 7)


# ------------------------------------------------------------------ defects found by scikit-learn's own tests


def test_weights_normalised_in_float32_are_accepted_and_renormalised():
    weights = np.array([0.2, 0.3, 0.5], dtype=np.float32)
    weights = weights / weights.sum()
    gmm = GMM(weights, np.zeros((3, 1)) + [[0.0], [1.0], [2.0]], np.ones((3, 1, 1)))
    assert gmm.weights.dtype == np.float64
    assert abs(gmm.weights.sum() - 1.0) <= 2 * np.finfo(float).eps
    np.testing.assert_allclose(gmm.weights, [0.2, 0.3, 0.5], rtol=1e-6)


def test_float32_weights_too_far_from_one_and_float64_ones_are_refused():
    with pytest.raises(ValueError, match=r"weights must sum to 1 \(within 2.38e-06\); they sum to 1.0001"):
        GMM(np.array([0.5, 0.5001], dtype=np.float32), [[0.0], [1.0]], np.ones((2, 1, 1)))
    with pytest.raises(ValueError, match=r"weights must sum to 1 \(within 1e-08\)"):
        GMM([0.5, 0.5 + 1e-7], [[0.0], [1.0]], np.ones((2, 1, 1)))


def test_weights_within_tolerance_are_renormalised():
    gmm = GMM([0.5, 0.5 + 1e-10], [[0.0], [1.0]], [[[1.0]], [[1.0]]])
    assert abs(gmm.weights.sum() - 1.0) <= np.finfo(float).eps
    np.testing.assert_allclose(gmm.weights, [0.5, 0.5], rtol=1e-9)


def test_complex_data_is_refused_not_cast():
    X = datasets.old_faithful().astype(complex)
    with pytest.raises(ValueError, match=r"X must hold real numbers; got complex values \(dtype complex128\)"):
        em.fit_em(X, 2)
    with pytest.raises(ValueError, match=r"cov must hold real numbers"):
        gaussian.log_pdf(X.real, [0.0, 0.0], np.eye(2) + 0j)


# ------------------------------------------------------------------ public geometry and k-means helpers


@PROPERTY
@given(st.floats(0.05, 20), st.floats(0.05, 20), st.floats(-360, 360))
def test_covariance_from_axes_has_the_asked_eigen_decomposition(sd_major, sd_minor, degrees):
    cov = gaussian.covariance_from_axes(sd_major, sd_minor, degrees)
    np.testing.assert_allclose(cov, cov.T, atol=1e-12 * max(sd_major, sd_minor) ** 2)
    eigvals = np.linalg.eigvalsh(cov)
    np.testing.assert_allclose(eigvals, sorted([sd_major**2, sd_minor**2]), rtol=1e-9)
    axis = np.array([np.cos(np.radians(degrees)), np.sin(np.radians(degrees))])
    assert axis @ cov @ axis == pytest.approx(sd_major**2, rel=1e-9)


def test_covariance_from_axes_refuses_a_zero_width():
    with pytest.raises(ValueError, match="sd_minor must be a positive standard deviation; got 0"):
        gaussian.covariance_from_axes(1.0, 0, 30)


def test_check_covariance_returns_its_cholesky_factor():
    cov = gaussian.covariance_from_axes(2.0, 0.5, 30)
    checked, chol = gaussian.check_covariance(cov)
    np.testing.assert_array_equal(checked, cov)
    np.testing.assert_allclose(chol @ chol.T, cov, rtol=1e-14)
    assert np.allclose(chol, np.tril(chol))


def test_mahalanobis_from_cholesky_against_scipy():
    cov = gaussian.covariance_from_axes(2.0, 0.5, 30)
    X = np.random.default_rng(0).normal(size=(20, 2)) * 3
    _, chol = gaussian.check_covariance(cov)
    want = [stats.multivariate_normal(np.ones(2), cov).logpdf(x) for x in X]
    got_sq = gaussian.mahalanobis_sq_from_cholesky(X, np.ones(2), chol)
    logdet = np.linalg.slogdet(cov)[1]
    np.testing.assert_allclose(-0.5 * (2 * np.log(2 * np.pi) + logdet + got_sq), want, rtol=1e-12)


def test_kmeans_from_given_centres_is_kmeans_from_their_seed():
    X = datasets.old_faithful()
    seeded = kmeans.kmeans_plusplus(X, 3, rng=4)
    a = kmeans.kmeans(X, seeded)
    b = kmeans.kmeans(X, 3, rng=4)
    np.testing.assert_array_equal(a.centers, b.centers)
    np.testing.assert_array_equal(a.history, b.history)


def test_update_centers_against_a_loop():
    X = datasets.old_faithful()
    labels = np.arange(X.shape[0]) % 4
    labels[labels == 3] = 0  # cluster 3 is empty: it keeps its old centre
    old = np.arange(8.0).reshape(4, 2)
    got = kmeans.update_centers(X, labels, old)
    for j in range(3):
        np.testing.assert_allclose(got[j], np.mean([x for x, z in zip(X, labels, strict=True) if z == j], axis=0))
    np.testing.assert_array_equal(got[3], old[3])


def test_kmeans_random_init_draws_distinct_points():
    X = datasets.old_faithful()
    result = kmeans.kmeans(X, 3, rng=1, init="random", max_iter=1)
    assert result.n_iter == 1 and result.centers.shape == (3, 2)


def test_mean_shift_step_against_a_loop():
    X = datasets.old_faithful()[:40]
    points = X[:5] + 0.3
    h = 2.0
    want = []
    for p in points:
        w = np.array([np.exp(-np.sum((p - x) ** 2) / (2 * h**2)) for x in X])
        want.append(w @ X / w.sum())
    np.testing.assert_allclose(meanshift.shift(points, X, h), want, rtol=1e-12)
    kde = [np.mean([stats.multivariate_normal(x, h**2 * np.eye(2)).pdf(p) for x in X]) for p in points]
    np.testing.assert_allclose(meanshift.kde_log_density(points, X, h), np.log(kde), rtol=1e-12)


def test_match_components_against_every_permutation():
    from itertools import permutations

    rng = np.random.default_rng(5)
    for _ in range(30):
        want = rng.normal(size=(5, 2))
        got = want[rng.permutation(5)] + rng.normal(scale=0.8, size=(5, 2))
        costs = {p: np.sum((got[list(p)] - want) ** 2) for p in permutations(range(5))}
        best = min(costs, key=costs.get)
        order = mixture.match_components(got, want)
        assert costs[tuple(order)] == pytest.approx(costs[best], rel=1e-12)
    with pytest.raises(ValueError, match=r"same shape \(k, d\); got \(2, 2\) and \(3, 2\)"):
        mixture.match_components(np.zeros((2, 2)), np.zeros((3, 2)))
