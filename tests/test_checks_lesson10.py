"""The lesson 10 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy import stats
from scipy.special import logsumexp

from coursepkg import meanshift
from coursepkg.checks import lesson10 as checks

# ---------------------------------------------------------------- reference solutions (plain numpy and scipy)


def _sq(points, X):
    return np.sum((points[:, None, :] - X[None, :, :]) ** 2, axis=2)


def kde_log_density(points, X, h):
    d = X.shape[1]
    return logsumexp(-_sq(points, X) / (2 * h**2), axis=1) - np.log(len(X)) - 0.5 * d * np.log(2 * np.pi * h**2)


def mean_shift_step(points, X, h):
    logits = -_sq(points, X) / (2 * h**2)
    w = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (w / w.sum(axis=1, keepdims=True)) @ X


def step_matrix(Sigma):
    return np.array(Sigma, dtype=float)


def h_three():
    return 1.1


def modes_at_2h():
    return 4


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_kde_log_density, kde_log_density),
        (checks.check_mean_shift_step, mean_shift_step),
        (checks.check_step_matrix, step_matrix),
    ]
    answers = [(checks.check_three_clusters, h_three), (checks.check_modes_at_2h, modes_at_2h)]


def test_the_references_agree_with_scipy_and_coursepkg():
    points, X, h = checks.P_TWO, checks.X_TWO, 0.7
    plain = [np.log(np.mean([stats.multivariate_normal(x, h**2 * np.eye(2)).pdf(p) for x in X])) for p in points]
    np.testing.assert_allclose(checks.reference_log_kde(points, X, h), plain, rtol=1e-12)
    np.testing.assert_allclose(checks.reference_step(points, X, h), meanshift.shift(points, X, h), atol=1e-12)


def test_the_three_cluster_range_of_the_exercise_data():
    counts = {h: meanshift.mean_shift(checks.X_FOUR, h, keep_paths=False).n_clusters for h in (0.5, 0.9, 1.1, 1.5, 2.0)}
    assert counts == {0.5: 4, 0.9: 3, 1.1: 3, 1.5: 3, 2.0: 1}


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.meanshift.kde_log_density"):
        checks.check_kde_log_density(lambda p, X, h: meanshift.kde_log_density(p, X, h))
    with pytest.raises(AssertionError, match="calls coursepkg.meanshift.shift"):
        checks.check_mean_shift_step(lambda p, X, h: meanshift.shift(p, X, h))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda p, X, h: kde_log_density(p, X, h) + np.log(len(X)), "summed the kernels instead of averaging"),
        (lambda p, X, h: np.exp(kde_log_density(p, X, h)), "you returned f itself"),
        (lambda p, X, h: np.log(np.mean(np.exp(-_sq(p, X) / (2 * h**2)), axis=1))
         - X.shape[1] / 2 * np.log(2 * np.pi * h**2),
         "underflows to 0 and log\\(0\\) = -inf"),
        (lambda p, X, h: kde_log_density(p, X, h)[:, None], "came back with shape"),
    ],
)
def test_kde_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_kde_log_density(wrong)


def test_three_clusters_feedback_measures_the_answer():
    with pytest.raises(AssertionError, match="ends in 4 clusters"):
        checks.check_three_clusters(lambda: 0.5)
    with pytest.raises(AssertionError, match="ends in 1 cluster of sizes \\[240\\]"):
        checks.check_three_clusters(2.5)


def test_the_step_matrix_is_the_one_of_mean_shift_with_that_kernel():
    """Independently of the check: u(p) - p = Sigma grad log f(p), with the gradient by central differences of
    scipy's log-pdf and u(p) the weighted mean of the data with scipy's densities as weights."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(30, 2)) * [1.5, 0.5]
    for Sigma, _ in checks.SIGMA_CASES[:1] + checks.SIGMA_CASES_HIDDEN[1:]:
        kernels = [stats.multivariate_normal(x, Sigma) for x in X]

        def log_f(p, kernels=kernels):
            return logsumexp([k.logpdf(p) for k in kernels]) - np.log(len(X))

        for p in ([0.3, -0.2], [2.0, 1.0]):
            p = np.array(p)
            w = np.array([k.pdf(p) for k in kernels])
            u = (w / w.sum()) @ X
            eps = 1e-5
            grad = np.array([(log_f(p + eps * e) - log_f(p - eps * e)) / (2 * eps) for e in np.eye(2)])
            np.testing.assert_allclose(u - p, step_matrix(Sigma) @ grad, atol=1e-7)


def test_step_matrix_feedback_names_the_usual_derivations():
    for wrong, message in (
        (lambda S: np.linalg.inv(S), "inverse of Sigma"),
        (lambda S: S @ S, r"counterpart of h\^2 and not of h"),
        (lambda S: np.trace(S) / len(S) * np.eye(len(S)), "times the identity"),
        (lambda S: float(np.trace(S)), "single number"),
    ):
        with pytest.raises(AssertionError, match=message):
            checks.check_step_matrix(wrong)


def test_the_prediction_is_measured():
    with pytest.raises(AssertionError, match="keeps one mode per clump"):
        checks.check_modes_at_2h(5)
    with pytest.raises(AssertionError, match="Silverman"):
        checks.check_modes_at_2h(9)


def test_the_1d_mode_count_against_mean_shift_and_the_theorem():
    x = checks.X_PREDICT
    counts = [checks.count_modes_1d(x, h) for h in (0.2, 0.4, 0.8, 1.6)]
    assert counts == [meanshift.mean_shift(x, h, keep_paths=False).n_clusters for h in (0.2, 0.4, 0.8, 1.6)]
    assert counts == [7, 4, 3, 1]
