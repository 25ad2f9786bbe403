"""The lesson 09 exercise checks: the reference passes, each typical mistake gets its own message."""

import math

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from sklearn.mixture import GaussianMixture

from coursepkg import em, mixture, selection
from coursepkg.checks import lesson09 as checks

# ---------------------------------------------------------------- reference solutions


def count_parameters(K, d, covariance_type):
    sym = d * (d + 1) // 2
    return (K - 1) + K * d + {"full": K * sym, "diag": K * d, "spherical": K, "tied": sym, "tied_diag": d,
                              "tied_spherical": 1}[covariance_type]


def information_criteria(log_lik, p, N):
    return -2 * log_lik + 2 * p, -2 * log_lik + p * math.log(N)


def constrained_covariances(X, resp, covariance_type):
    Nk = resp.sum(axis=0)
    mu = resp.T @ X / Nk[:, None]
    S = np.array([(resp[:, k, None] * (X - mu[k])).T @ (X - mu[k]) for k in range(resp.shape[1])])
    full = S / Nk[:, None, None]
    d = X.shape[1]
    return {
        "full": full,
        "diag": np.array([np.diag(np.diag(c)) for c in full]),
        "spherical": np.array([np.trace(c) / d * np.eye(d) for c in full]),
        "tied": np.repeat((S.sum(axis=0) / Nk.sum())[None], resp.shape[1], axis=0),
    }[covariance_type]


def validation_scores(seed=0, n_init=3):
    return np.array([mixture.log_likelihood(checks.X_VALID, em.fit_em(checks.X_TRAIN, K, rng=seed, n_init=n_init,
                                                                      tol=1e-4).gmm) / len(checks.X_VALID)
                     for K in range(1, 9)])


SCORES = validation_scores()


def held_out_choice():  # the contract's "answer": the scores are given by a lambda below
    return 3


def larger_k():
    return "AIC"


def smallest_n():
    return 8


def measured_choices():
    X, fits = checks.faithful_fits()
    return (int(np.argmin([selection.aic(X, g) for g in fits])) + 1,
            int(np.argmin([selection.bic(X, g) for g in fits])) + 1)


class TestEveryCheck(CheckContract):
    """The checks of two answers (check_held_out_choice, check_larger_k) are tested below, answer by answer."""

    good = [
        (checks.check_count_parameters, count_parameters),
        (checks.check_information_criteria, information_criteria),
        (checks.check_constrained_covariances, constrained_covariances),
    ]


# ---------------------------------------------------------------- the references themselves


def test_reference_count_is_sklearns():
    X = np.random.default_rng(0).normal(size=(40, 4))
    for t in checks.TYPES:
        for K, d in ((1, 1), (3, 2), (5, 4)):
            sk = GaussianMixture(K, covariance_type=t)
            sk.means_ = np.zeros((K, d))
            assert checks.reference_count(K, d, t) == sk._n_parameters()
            gmm = em.initial_gmm(X[:, :d], K, rng=0, covariance_type=t)
            assert checks.reference_count(K, d, t) == selection.n_parameters(gmm)


def test_reference_covariances_are_the_m_step():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 3)) + 10.0
    resp = rng.dirichlet(np.ones(3), size=50)
    for t in checks.TYPES:
        want = em.m_step(X, resp, reg_covar=0.0, covariance_type=t).covariances
        np.testing.assert_allclose(checks.reference_covariances(X, resp, t), want, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(constrained_covariances(X, resp, t), want, rtol=1e-10, atol=1e-12)


def test_stored_numbers_are_what_the_fits_give():
    valid, train = checks.held_out_reference()
    np.testing.assert_allclose(checks.HELD_OUT_VALID, valid, atol=2e-6)
    np.testing.assert_allclose(checks.HELD_OUT_TRAIN, train, atol=2e-6)
    X, fits = checks.faithful_fits()
    assert X.shape == (checks.FAITHFUL_N, 2)
    np.testing.assert_allclose(checks.FAITHFUL_LOG_LIKELIHOODS, [mixture.log_likelihood(X, g) for g in fits],
                               atol=2e-4)
    (k_aic, k_bic), aic, bic, _ = checks.faithful_choices()
    np.testing.assert_allclose(aic, [selection.aic(X, g) for g in fits], atol=1e-3)
    np.testing.assert_allclose(bic, [selection.bic(X, g) for g in fits], atol=1e-3)
    assert (k_aic, k_bic) == (4, 2)


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.selection.n_parameters"):
        checks.check_count_parameters(lambda K, d, t: selection.n_parameters(em.initial_gmm(np.eye(K + 1, d), K)))
    with pytest.raises(AssertionError, match="calls coursepkg.em.m_step"):
        checks.check_constrained_covariances(lambda X, r, t: em.m_step(X, r, 0.0, t).covariances)


# ---------------------------------------------------------------- exercise 1


def _count(kind):
    def student(K, d, t):
        sym = d * (d + 1) // 2
        weights = K if kind == "weights" else K - 1
        cov = {"full": K * (d * d if kind == "d2" else sym), "diag": K * d, "spherical": K,
               "tied": (K * sym if kind == "tied_k" else (d * d if kind == "d2" else sym)), "tied_diag": d,
               "tied_spherical": 1}[t]
        return weights + K * d + cov

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_count("weights"), "only K - 1 are free"),
        (_count("d2"), "d\\^2 entries per covariance"),
        (_count("tied_k"), "one covariance per component"),
        (lambda K, d, t: count_parameters(K, d, t) + (K * d - K if t == "spherical" else 0),
         "d variances per component"),
        (lambda K, d, t: count_parameters(K, d, t) + 2, "should be"),
        (lambda K, d, t: count_parameters(K, d, "diag" if t == "tied_diag" else t),
         "one diagonal matrix per component"),
        (lambda K, d, t: count_parameters(K, d, "tied" if t == "tied_diag" else t), "off-diagonal entries are fixed"),
        (lambda K, d, t: count_parameters(K, d, "spherical" if t == "tied_spherical" else t),
         "one variance per component"),
        (lambda K, d, t: count_parameters(K, d, "tied_diag" if t == "tied_spherical" else t), "one number"),
        (lambda K, d, t: "seventeen", "should be a number"),
    ],
)
def test_count_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_count_parameters(wrong)


# ---------------------------------------------------------------- exercise 2


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda ll, p, N: information_criteria(ll, p, N)[::-1], "swapped"),
        (lambda ll, p, N: (2 * ll + 2 * p, 2 * ll + p * math.log(N)), "sign"),
        (lambda ll, p, N: (-ll + p, -ll + p * math.log(N) / 2), "factor 2"),
        (lambda ll, p, N: (-2 * ll + 2 * p, -2 * ll + p * math.log10(N)), "natural logarithm"),
        (lambda ll, p, N: (-2 * ll + 2 * p, -2 * ll + p * N), "not p N"),
        (lambda ll, p, N: -2 * ll, "should return a pair"),
        (lambda ll, p, N: (0.0, 0.0), "the definitions give"),
    ],
)
def test_criteria_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_information_criteria(wrong)


# ---------------------------------------------------------------- exercise 3


def _covs(kind):
    def student(X, resp, t):
        good = constrained_covariances(X, resp, t)
        Nk = resp.sum(axis=0)
        full = constrained_covariances(X, resp, "full")
        d = X.shape[1]
        if t == "tied" and kind == "unweighted":
            return np.repeat(full.mean(axis=0)[None], resp.shape[1], axis=0)
        if t == "spherical" and kind == "sds":
            return np.array([np.mean(np.sqrt(np.diag(c))) ** 2 * np.eye(d) for c in full])
        if t == "spherical" and kind == "no_d":
            return np.array([np.trace(c) * np.eye(d) for c in full])
        if t == "diag" and kind == "raw":
            return np.array([np.diag(np.diag((resp[:, k, None] * X).T @ X / Nk[k])) for k in range(resp.shape[1])])
        if t == "diag" and kind == "full":
            return full
        return good

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_covs("unweighted"), "equal weights 1/K"),
        (_covs("sds"), "averaged the standard deviations"),
        (_covs("no_d"), "divide the trace by d"),
        (_covs("raw"), "not centred"),
        (_covs("full"), "that is the full covariance"),
        (lambda X, r, t: constrained_covariances(X, r, t)[:, :1], "shape"),
    ],
)
def test_covariance_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_constrained_covariances(wrong)


# ---------------------------------------------------------------- exercise 4


def test_held_out_choice_passes_for_each_good_k_and_for_other_seeds():
    checks.check_held_out_choice(lambda: SCORES, held_out_choice)
    checks.check_held_out_choice(lambda: SCORES, 4)  # within 0.02 nats per point of the best: as good a choice
    for seed in (1, 4):  # one start per K: jagged curves (up to 0.14 nats per point off), still a good decision
        scores = validation_scores(seed=seed, n_init=1)
        checks.check_held_out_choice(lambda s=scores: s, int(np.argmax(scores)) + 1)


@pytest.mark.parametrize(
    "scores, k, message",
    [
        (lambda: SCORES * 150, 3, "totals over the 150 validation points"),
        (lambda: checks.HELD_OUT_TRAIN, 8, "training log-likelihoods per point"),
        (lambda: SCORES + 1.0, 3, "are not the validation log-likelihoods"),
        (lambda: checks.HELD_OUT_TRAIN + 0.05, 3, "are not the validation log-likelihoods"),  # shifted training scores
        (lambda: np.full(8, -4.0), 3, "are not the validation log-likelihoods"),  # a flat curve
        (lambda: SCORES + np.linspace(-0.2, 0.2, 8), 3, "are not the validation log-likelihoods"),  # peak moved to 8
        (lambda: SCORES + np.r_[0, 0, 0, 0.05, 0, 0, 0, 0], 3, "your own scores are highest at K = 4"),
        (lambda: SCORES, 1, "the lowest of your scores"),
        (lambda: SCORES, 8, "the largest K"),
        (lambda: SCORES, 6, "your own scores are highest at K = 3"),
        (lambda: SCORES[:5], 3, "shape"),
        (lambda: SCORES, 2.5, "whole number"),
    ],
)
def test_held_out_choice_mistakes(scores, k, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_held_out_choice(scores, k)


def test_a_consistent_but_poor_decision_is_measured():
    scores = SCORES.copy()
    scores[5] = scores.max() + 0.01  # the student's curve peaks at K = 6 (within the tolerance of the check)
    with pytest.raises(AssertionError, match="below the best"):
        checks.check_held_out_choice(lambda: scores, 6)


# ---------------------------------------------------------------- exercise 5


def test_larger_k_passes_with_values():
    checks.check_larger_k("aic", measured_choices(), 8)


@pytest.mark.parametrize(
    "prediction, measured, message",
    [
        (lambda: "BIC", measured_choices, "you predicted BIC, but AIC chose K = 4"),
        (lambda: "same", measured_choices, "you predicted same"),
        (lambda: "both", measured_choices, 'should return "AIC", "BIC" or "same"'),
        (larger_k, lambda: (2, 4), "swapped"),
        (larger_k, lambda: (3, 1), "positions in the list"),
        (larger_k, lambda: (8, 8), "no penalty"),
        (larger_k, lambda: (1, 1), "largest criterion"),
        (larger_k, lambda: (5, 5), "not the K that minimise"),
        (larger_k, lambda: 4, "should return a pair"),
    ],
)
def test_larger_k_mistakes(prediction, measured, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_larger_k(prediction, measured, smallest_n)


@pytest.mark.parametrize(
    "n, message",
    [(7, "rounded down"), (3, "log N exceeds 1"), (100, "natural logarithm"), (20, "Write AIC_K - BIC_K"),
     ("eight", "should be a number")],
)
def test_smallest_n_mistakes(n, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_larger_k(larger_k, measured_choices, lambda: n)
