"""The lesson 01 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)

from coursepkg.checks import lesson01 as checks
from coursepkg.kmeans import assign as ref_assign
from coursepkg.kmeans import soft_responsibilities


def _sq(X, C):
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


# ---------------------------------------------------------------- reference solutions


def assign(X, centers):
    return np.argmin(_sq(X, centers), axis=1)


def objective(X, centers, labels):
    return float(((X - centers[labels]) ** 2).sum())


def update_centers(X, labels, old):
    new = old.copy()
    for j in range(len(old)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return new


def soft_assign(X, centers, beta):
    a = -0.5 * beta * _sq(X, centers)
    a -= a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def grad_J(X, centers, labels):
    return np.array([-2 * (X[labels == j] - centers[j]).sum(axis=0) for j in range(len(centers))])


def n_assignments(n, k):
    return k**n


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_assign, assign),
        (checks.check_objective, objective),
        (checks.check_update_centers, update_centers),
        (checks.check_soft_assign, soft_assign),
        (checks.check_grad_J, grad_J),
        (checks.check_n_assignments, n_assignments),
    ]


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.kmeans.assign"):
        checks.check_assign(lambda X, C: ref_assign(X, C))

    with pytest.raises(AssertionError, match="soft_responsibilities"):
        checks.check_soft_assign(lambda X, C, b: soft_responsibilities(X, C, b))


# ---------------------------------------------------------------- typical mistakes


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, C: _sq(X, C), r"shape \(60, 3\).*table of distances"),
        (lambda X, C: np.argmin(_sq(X, C), axis=0), r"argmin over centres \(axis=1\)"),
        (lambda X, C: np.argmax(_sq(X, C), axis=1), "farthest centre"),
        (lambda X, C: np.argmin(_sq(X, C), axis=1) + 1, "run from 1 to k"),
        (lambda X, C: np.argmin(_sq(X, C), axis=1).astype(float), r"whole numbers but as float64.*dtype=int"),
        (lambda X, C: np.full(len(X), 0.5), "should be integer cluster indices"),
        (
            lambda X, C: np.argmin(np.abs(X[:, None, 0] - C[None, :, 0]), axis=1),
            "labels differ from the nearest centre",
        ),
    ],
)
def test_assign_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_assign(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, C, lab: float(np.sqrt(((X - C[lab]) ** 2).sum(axis=1)).sum()), "not squared distances"),
        (lambda X, C, lab: float(((X - C[lab]) ** 2).sum(axis=1).mean()), "averaged over points"),
        (lambda X, C, lab: float(_sq(X, C).sum()), "distances to every centre"),
        (lambda X, C, lab: float(_sq(X, C).min(axis=1).sum()), "nearest centre instead of the labels"),
        (lambda X, C, lab: "J", "should be a number"),
    ],
)
def test_objective_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_objective(wrong)


def _means_nan(X, lab, old):
    return np.array([X[lab == j].mean(axis=0) for j in range(len(old))])


def _means_zero(X, lab, old):
    out = np.zeros_like(old)
    for j in range(len(old)):
        if np.any(lab == j):
            out[j] = X[lab == j].mean(axis=0)
    return out


def _sums(X, lab, old):
    out = old.copy()
    for j in range(len(old)):
        if np.any(lab == j):
            out[j] = X[lab == j].sum(axis=0)
    return out


def _over_n(X, lab, old):
    return _sums(X, lab, old) / len(X)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_means_nan, "empty cluster gives 0/0"),
        (_means_zero, "keeps its old centre"),
        (_sums, "sums of the points"),
        (_over_n, "divided by n"),
        (lambda X, lab, old: update_centers(X, lab, old).T, "transposed"),
        (lambda X, lab, old: np.median(X, axis=0) + 0 * old, "differ from the cluster means"),
    ],
)
def test_update_centers_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_update_centers(wrong)


def _naive_soft(X, C, beta):
    e = np.exp(-0.5 * beta * _sq(X, C))
    return e / e.sum(axis=1, keepdims=True)


def _axis0(X, C, beta):
    a = -0.5 * beta * _sq(X, C)
    e = np.exp(a - a.max(axis=0))
    return e / e.sum(axis=0)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_naive_soft, "Subtract each row's largest logit"),
        (_axis0, r"normalised over points \(axis=0\)"),
        (lambda X, C, b: soft_assign(X, C, b).T, "transposed"),
        (lambda X, C, b: soft_assign(X, C, 2 * b), "exponent is -beta/2"),
        (lambda X, C, b: soft_assign(X, C, -b), "sign of the exponent is flipped"),
        (lambda X, C, b: soft_assign(X, C, b) ** 2, r"rows of your table sum to .* Divide each row by its sum"),
        (lambda X, C, b: np.eye(len(C))[np.argmin(_sq(X, C), axis=1)], "hard one-hot table"),
    ],
)
def test_soft_assign_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_soft_assign(wrong)


def test_soft_assign_distance_not_squared():
    def not_squared(X, C, beta):
        a = -0.5 * beta * np.sqrt(_sq(X, C))
        a -= a.max(axis=1, keepdims=True)
        e = np.exp(a)
        return e / e.sum(axis=1, keepdims=True)

    with pytest.raises(AssertionError, match="not the squared distance"):
        checks.check_soft_assign(not_squared)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, C, lab: -grad_J(X, C, lab), "wrong sign"),
        (lambda X, C, lab: grad_J(X, C, lab) / 2, "keep the factor 2"),
        (
            lambda X, C, lab: grad_J(X, C, lab) / np.maximum(np.bincount(lab, minlength=len(C)), 1)[:, None],
            "divided by N_k",
        ),
        (lambda X, C, lab: -2.0 * (X.sum(axis=0)[None, :] - len(X) * C), "summed over all points"),
        (lambda X, C, lab: grad_J(X, C, lab).T, "transposed"),
    ],
)
def test_grad_J_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_grad_J(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda n, k: n**k, r"= n\*\*k"),
        (lambda n, k: n * k, "entries of the table"),
        (lambda n, k: n + k, "think of the choices"),
        (lambda n, k: "k**n", "whole number"),
    ],
)
def test_n_assignments_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_n_assignments(wrong)


def test_float_answer_for_large_counts_is_refused():
    with pytest.raises(AssertionError, match="n_assignments"):
        checks.check_n_assignments(lambda n, k: float(k) ** n, hidden=True)
