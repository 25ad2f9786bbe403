"""The lesson 11 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy import special, stats

from coursepkg import bernoulli
from coursepkg.checks import lesson11 as checks

# ---------------------------------------------------------------- reference solutions


def log_joint(X, weights, probs):
    with np.errstate(divide="ignore"):
        return np.log(weights) + X @ np.log(probs).T + (1 - X) @ np.log1p(-probs).T


def e_step(X, weights, probs):
    a = log_joint(X, weights, probs)
    log_px = special.logsumexp(a, axis=1)
    return np.exp(a - log_px[:, None]), float(log_px.sum())


def m_step(X, resp, alpha, beta, gamma):
    nk = resp.sum(axis=0)
    weights = (nk + gamma - 1) / (len(X) + resp.shape[1] * (gamma - 1))
    return weights, (resp.T @ X + alpha - 1) / (nk[:, None] + alpha + beta - 2)


def bound_kl(X, q, weights, probs):
    a = log_joint(X, weights, probs)
    log_post = a - special.logsumexp(a, axis=1, keepdims=True)
    qlq = special.xlogy(q, q)
    return float(np.sum(q * a) - qlq.sum()), float(np.sum(qlq - q * log_post))


def prior_strength():
    return 1.3


def symmetric_prototype(X, K, alpha, beta):
    n_k = len(X) / K
    return (n_k * X.mean(axis=0) + alpha - 1) / (n_k + alpha + beta - 2)


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_e_step, e_step),
        (checks.check_m_step, m_step),
        (checks.check_bound_kl, bound_kl),
        (checks.check_symmetric_prototype, symmetric_prototype),
    ]
    answers = [(checks.check_prior_strength, prior_strength)]


# ---------------------------------------------------------------- the references are right


def test_reference_log_joint_against_scipy():
    want = np.log(checks.WEIGHTS_A) + np.stack(
        [stats.bernoulli(checks.PROBS_A[k]).logpmf(checks.X_D).sum(axis=1) for k in range(3)], axis=1)
    np.testing.assert_allclose(checks.log_joint(checks.X_D, checks.WEIGHTS_A, checks.PROBS_A), want, rtol=1e-12)


def test_the_long_images_underflow_as_a_product():
    """The hidden case of exercise 1 really defeats the naive product: every p(x_n | z_n = k) is 0.0 in float64."""
    X, w, p = checks.X_LONG, checks.WEIGHTS_LONG, checks.PROBS_LONG
    products = np.array([[np.prod(np.where(x == 1, p[k], 1 - p[k])) for k in range(3)] for x in X])
    assert np.all(products == 0.0)
    resp, _ = e_step(X, w, p)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-12)


def test_m_step_reference_maximises_q_plus_log_prior():
    """The closed form against scipy's bounded optimiser for a few pixels of the check's first case."""
    from scipy import optimize

    X, r = checks.X_D, checks.RESP_A
    _, probs = checks._m_step_reference(X, r, 1.5, 4.0)
    nk, s = r.sum(axis=0), r.T @ X
    for k, j in [(0, 0), (1, 30), (2, 45)]:
        def f(m, k=k, j=j):
            return -((s[k, j] + 0.5) * np.log(m) + (nk[k] - s[k, j] + 3.0) * np.log1p(-m))

        found = optimize.minimize_scalar(f, bounds=(1e-12, 1 - 1e-12), method="bounded", options={"xatol": 1e-12}).x
        assert probs[k, j] == pytest.approx(found, abs=1e-8)


def test_best_prior_strength_constant_matches_a_fresh_grid():
    grid = [1.02, 1.05, 1.1, 1.2, 1.3, 1.4, 1.5, 1.75, 2.0, 3.0, 5.0, 10.0]
    scores = {a: checks.held_out_score(a) for a in grid}
    best = max(scores, key=scores.get)
    assert best == checks.BEST_STRENGTH
    assert scores[best] == pytest.approx(checks.BEST_TEST_SCORE, abs=1e-4)
    # Laplace's a = 2 is not good enough, so the exercise is a real decision
    assert scores[2.0] < checks.BEST_TEST_SCORE - checks.MARGIN
    assert np.isneginf(checks.held_out_score(1.0))


def test_held_out_score_against_coursepkg():
    fit = bernoulli.fit_bernoulli_em(checks.TRAIN, 10, rng=0, prior=(1.5, 1.5), max_iter=300)
    want = bernoulli.log_likelihood(checks.TEST, fit.mixture) / len(checks.TEST)
    assert checks.held_out_score(1.5) == pytest.approx(want, rel=1e-12)


def test_the_solution_choice_is_made_on_the_validation_images():
    """The solution's search on VALID picks a strength that passes on TEST."""
    scores = {}
    for a in (1.1, 1.3, 2.0):
        fit = bernoulli.fit_bernoulli_em(checks.TRAIN, 10, rng=0, prior=(a, a), max_iter=300)
        scores[a] = e_step(checks.VALID, fit.mixture.weights, fit.mixture.probs)[1]
    assert max(scores, key=scores.get) == 1.3


def test_symmetric_measurement_against_coursepkg():
    """The check's own 5 iterations from identical components against fit_bernoulli_em from the same start."""
    X = checks.X_ALL[:500]
    start = bernoulli.BernoulliMixture(np.full(2, 0.5), np.full((2, 64), 0.5))
    fit = bernoulli.fit_bernoulli_em(X, start, max_iter=5, tol=0.0, prior=(1.5, 3.0))
    np.testing.assert_allclose(checks.measured_symmetric_run(X, 2, 1.5, 3.0), fit.mixture.probs, atol=1e-12)
    np.testing.assert_allclose(fit.mixture.probs[0], symmetric_prototype(X, 2, 1.5, 3.0), atol=1e-12)


def test_dirichlet_weights_against_an_optimiser():
    """pi_k = (N_k + gamma - 1) / (N + K (gamma - 1)) maximises sum_k (N_k + gamma - 1) log pi_k on the simplex."""
    from scipy import optimize

    nk, gamma = checks.RESP_A.sum(axis=0), 3.0
    def negative(b):
        return -np.sum((nk + gamma - 1) * special.log_softmax(b))

    found = special.softmax(optimize.minimize(negative, np.zeros(3), method="BFGS", options={"gtol": 1e-10}).x)
    np.testing.assert_allclose(checks._weights_reference(nk, gamma), found, atol=1e-7)
