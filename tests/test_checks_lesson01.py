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


def read_table(R):
    labels = np.argmax(R, axis=1)
    return labels, np.bincount(labels, minlength=R.shape[1]), R.sum(axis=0)


def border_weight(t, offset, D, beta, pi2):
    return 1 / (1 + np.exp(-(np.log(pi2 / (1 - pi2)) + beta * D**2 * (t - 0.5))))


def kmeans_trap():
    grid = np.arange(-3.0, 3.01, 0.25)
    wide = np.array([(a, b) for a in grid for b in grid if a**2 + b**2 <= 9.0])
    small = np.array([4.0, 0.0]) + 0.3 * np.random.default_rng(1).uniform(-1, 1, size=(40, 2))
    return np.vstack([wide, small]), np.r_[np.zeros(len(wide), int), np.ones(len(small), int)]


def _ring():
    angles = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    blob = np.random.default_rng(0).uniform(-0.5, 0.5, size=(60, 2))
    return np.vstack([np.c_[3 * np.cos(angles), 3 * np.sin(angles)], blob]), np.r_[np.zeros(120, int), np.ones(60, int)]


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_assign, assign),
        (checks.check_objective, objective),
        (checks.check_update_centers, update_centers),
        (checks.check_soft_assign, soft_assign),
        (checks.check_read_table, read_table),
        (checks.check_border_weight, border_weight),
    ]
    answers = [(checks.check_kmeans_trap, kmeans_trap)]


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


def _table(labels=None, hard=None, soft=None):
    def student(R):
        lab, h, s = read_table(R)
        return (
            lab if labels is None else labels(R, lab),
            h if hard is None else hard(R, lab, h),
            s if soft is None else soft(R, lab, s),
        )

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda R: read_table(R)[:2], "should return a triple"),
        (_table(labels=lambda R, lab: np.argmin(R, axis=1)), "pick the smallest weight"),
        (_table(labels=lambda R, lab: lab + 1), "run from 1 to k"),
        (_table(labels=lambda R, lab: lab.astype(float)), "whole numbers but as float64"),
        (_table(labels=lambda R, lab: np.zeros(len(R), dtype=int)), "not the cluster of the largest weight"),
        (_table(hard=lambda R, lab, h: np.bincount(lab)), "nobody's largest weight still needs its count"),
        (_table(hard=lambda R, lab, h: h + 1), "count the points whose label is k"),
        (_table(soft=lambda R, lab, s: R.sum(axis=1)), "row sums"),
        (_table(soft=lambda R, lab, s: s / len(R)), "shares N_k / N"),
        (_table(soft=lambda R, lab, s: h_of(R)), "hard counts again"),
        (_table(soft=lambda R, lab, s: s + 0.5), "column sums of the table"),
    ],
)
def test_read_table_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_read_table(wrong)


def h_of(R):
    return np.bincount(np.argmax(R, axis=1), minlength=R.shape[1]).astype(float)


def test_a_ring_around_a_blob_is_another_trap():
    checks.check_kmeans_trap(_ring)


def _bw(log_odds):
    return lambda t, s, D, beta, pi2: float(1 / (1 + np.exp(-log_odds(t, s, D, beta, pi2))))


def _prior(pi2):
    return np.log(pi2 / (1 - pi2))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_bw(lambda t, s, D, b, p: _prior(p) + 2 * b * D**2 * (t - 0.5)), "twice the right one"),
        (_bw(lambda t, s, D, b, p: _prior(p) + b * D**2 * (t - 0.5) / 2), "half the right one"),
        (
            _bw(lambda t, s, D, b, p: _prior(p) + b / 2 * (np.hypot(t * D, s) - np.hypot((1 - t) * D, s))),
            "not the squared distances",
        ),
        (_bw(lambda t, s, D, b, p: -(_prior(p) + b * D**2 * (t - 0.5))), "weight of cluster 1"),
        (_bw(lambda t, s, D, b, p: _prior(p) - b * D**2 * (t - 0.5)), "distance term has the wrong sign"),
        (_bw(lambda t, s, D, b, p: -_prior(p) + b * D**2 * (t - 0.5)), "upside down"),
        (_bw(lambda t, s, D, b, p: b * D**2 * (t - 0.5)), "left out the weights"),
        (_bw(lambda t, s, D, b, p: p / (1 - p) + b * D**2 * (t - 0.5)), "enters as log"),
        (_bw(lambda t, s, D, b, p: _prior(p) + D**2 * (t - 0.5) / b), "a precision"),
        (_bw(lambda t, s, D, b, p: _prior(p) + b * D**2 * (t - 0.5) + 0.1), "closed form gives"),
        (lambda t, s, D, b, p: "half", "should be a number"),
    ],
)
def test_border_weight_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_border_weight(wrong)


def _round_blobs():
    rng = np.random.default_rng(2)
    X = np.vstack([rng.uniform(-1, 1, size=(50, 2)), rng.uniform(-1, 1, size=(50, 2)) + [5.0, 0.0]])
    return X, np.r_[np.zeros(50, int), np.ones(50, int)]


def _touching():
    X, z = kmeans_trap()
    return X * np.array([1.0, 1.0]) - np.where(z[:, None] == 1, [0.6, 0.0], 0.0), z


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda: kmeans_trap()[0], "should return a pair"),
        (lambda: (kmeans_trap()[0][:, :1], kmeans_trap()[1]), r"should be \(n, 2\)"),
        (lambda: (kmeans_trap()[0][:8], kmeans_trap()[1][:8]), "between 20 and 1000"),
        (lambda: (np.where(kmeans_trap()[0] > 3.5, np.nan, kmeans_trap()[0]), kmeans_trap()[1]), "NaN"),
        (lambda: (kmeans_trap()[0], kmeans_trap()[1] + 1), "0 or 1"),
        (lambda: (kmeans_trap()[0], (np.arange(len(kmeans_trap()[1])) < 5).astype(int)), "at least 10"),
        (_touching, "not clearly separate"),
        (_round_blobs, "does not break your data"),
    ],
)
def test_kmeans_trap_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_kmeans_trap(wrong)
