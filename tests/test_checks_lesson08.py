"""The lesson 08 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)

from coursepkg import kmeans
from coursepkg.checks import lesson08 as checks

# ---------------------------------------------------------------- reference solutions


def _sq(X, C):
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def _softmax(a, axis=1):
    a = a - a.max(axis=axis, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=axis, keepdims=True)


def soft_responsibilities(X, centers, beta):
    return _softmax(-0.5 * beta * _sq(X, centers))


def soft_update(X, resp):
    return resp.T @ X / resp.sum(axis=0)[:, None]


def deviation_from_one_hot(X, centers, beta):
    hot = np.eye(len(centers))[np.argmin(_sq(X, centers), axis=1)]
    return float(np.max(np.abs(soft_responsibilities(X, centers, beta) - hot)))


def tie_limit():
    return 0.5


def kmeans_factorisation(X, labels, k):
    Z = np.eye(k)[labels]
    M = np.linalg.solve(Z.T @ Z, Z.T @ X)
    return Z, M, float(np.sum((X - Z @ M) ** 2))


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_soft_responsibilities, soft_responsibilities),
        (checks.check_soft_update, soft_update),
        (checks.check_deviation_from_one_hot, deviation_from_one_hot),
        (checks.check_factorisation, kmeans_factorisation),
    ]
    answers = [(checks.check_tie_limit, tie_limit)]


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.kmeans.soft_responsibilities"):
        checks.check_soft_responsibilities(lambda X, C, b: kmeans.soft_responsibilities(X, C, b))


# ---------------------------------------------------------------- soft responsibilities


def _naive(X, C, beta):
    e = np.exp(-0.5 * beta * _sq(X, C))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_naive, "contain NaN.*Subtract each row's largest logit"),
        (lambda X, C, b: _softmax(-b * _sq(X, C)), "forgot the 1/2"),
        (lambda X, C, b: _softmax(0.5 * b * _sq(X, C)), "sign is flipped"),
        (lambda X, C, b: _softmax(-0.5 * b * np.sqrt(_sq(X, C))), "squared distance"),
        (lambda X, C, b: _softmax(-0.5 * b * _sq(X, C), axis=0), r"normalised over points \(axis=0\)"),
        (lambda X, C, b: soft_responsibilities(X, C, b).T, "transposed"),
        (lambda X, C, b: soft_responsibilities(X, C, b) * 2, "rows of your responsibilities sum to"),
        (lambda X, C, b: _softmax(-0.5 / b * _sq(X, C)) if b > 0 else _softmax(0 * _sq(X, C)), "inverse variance"),
    ],
)
def test_soft_responsibilities_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_soft_responsibilities(wrong)


# ---------------------------------------------------------------- soft update


def _hard_update(X, resp):
    labels = np.argmax(resp, axis=1)
    return np.array([X[labels == j].mean(axis=0) for j in range(resp.shape[1])])


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, r: r.T @ X, "weighted sums"),
        (lambda X, r: r.T @ X / len(X), "divided by n instead of N_k"),
        (lambda X, r: (r.T @ X / r.sum(axis=0)[:, None]).T, "transposed"),
        (_hard_update, "hard labels"),
        (lambda X, r: X[: r.shape[1]] * 1.0, "differ from sum_n r_nk x_n"),
    ],
)
def test_soft_update_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_soft_update(wrong)


# ---------------------------------------------------------------- deviation from one-hot


def _dev(kind):
    def student(X, C, beta):
        r = soft_responsibilities(X, C, beta)
        d2 = _sq(X, C)
        hot = np.eye(len(C))[(np.argmax if kind == "farthest" else np.argmin)(d2, axis=1)]
        diff = r - hot
        if kind == "mean":
            return float(np.mean(np.abs(diff)))
        if kind == "sum":
            return float(np.sum(np.abs(diff)))
        if kind == "no_abs":
            return float(np.max(diff))
        return float(np.max(np.abs(diff)))

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_dev("mean"), "averaged"),
        (_dev("sum"), "summed"),
        (_dev("farthest"), "not the farthest"),
        (_dev("no_abs"), "absolute value"),
        (lambda X, C, b: 0.0, "the reference max"),
        (lambda X, C, b: None, "should be a number"),
    ],
)
def test_deviation_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_deviation_from_one_hot(wrong)


@pytest.mark.parametrize(
    "value, message",
    [(1.0, "no single nearest"), (0.0, "share the point"), (1 / 3, "beta = 0"), (0.7, "not the limit")],
)
def test_tie_limit_mistakes(value, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_tie_limit(lambda: value)


# ---------------------------------------------------------------- factorisation


def _fact(kind):
    def student(X, labels, k):
        Z, M, J = kmeans_factorisation(X, labels, k)
        if kind == "Zt":
            return Z.T, M, J
        if kind == "shift":
            return np.roll(Z, 1, axis=1), M, J
        if kind == "not_one_hot":
            return Z * 2, M, J
        if kind == "sums":
            return Z, Z.T @ X, J
        if kind == "norm":
            return Z, M, float(np.linalg.norm(X - Z @ M, "fro"))
        if kind == "spectral":
            return Z, M, float(np.linalg.norm(X - Z @ M, 2) ** 2)
        if kind == "mean":
            return Z, M, J / len(X)
        return Z, M, J

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_fact("Zt"), "transposed"),
        (_fact("shift"), "shifted by one column"),
        (_fact("not_one_hot"), "not one-hot"),
        (_fact("sums"), "multiply by \\(Z\\^T Z\\)\\^-1"),
        (_fact("norm"), "Frobenius norm; J is its square"),
        (_fact("spectral"), "spectral norm"),
        (_fact("mean"), "averaged over points"),
        (lambda X, labels, k: kmeans_factorisation(X, labels, k)[:2], "triple"),
    ],
)
def test_factorisation_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_factorisation(wrong)
