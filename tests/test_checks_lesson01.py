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


def update_centers(X, labels, old_centers):
    new = old_centers.copy()
    for j in range(len(old_centers)):
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


def band_width(D, beta, pi2):
    return 2 * np.log(4) / (beta * D**2)


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
        (checks.check_band_width, band_width),
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
        (lambda X, C, lab: ((X - C[lab]) ** 2).sum(axis=1), "60 numbers, one per point.*still need to sum"),
        (lambda X, C, lab: (X - C[lab]) ** 2, r"J should be a number; got an array of shape \(60, 2\)\.$"),
    ],
)
def test_objective_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_objective(wrong)


def _means_nan(X, lab, old_centers):
    return np.array([X[lab == j].mean(axis=0) for j in range(len(old_centers))])


def _means_zero(X, lab, old_centers):
    out = np.zeros_like(old_centers)
    for j in range(len(old_centers)):
        if np.any(lab == j):
            out[j] = X[lab == j].mean(axis=0)
    return out


def _sums(X, lab, old_centers):
    out = old_centers.copy()
    for j in range(len(old_centers)):
        if np.any(lab == j):
            out[j] = X[lab == j].sum(axis=0)
    return out


def _over_n(X, lab, old_centers):
    return _sums(X, lab, old_centers) / len(X)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_means_nan, "empty cluster gives 0/0"),
        (_means_zero, "keeps its old centre"),
        (_sums, "sums of the points"),
        (_over_n, "divided by n"),
        (lambda X, lab, old_centers: update_centers(X, lab, old_centers).T, "transposed"),
        (lambda X, lab, old_centers: np.median(X, axis=0) + 0 * old_centers, "differ from the cluster means"),
    ],
)
def test_update_centers_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_update_centers(wrong)


def _in_place(X, lab, old_centers):
    for j in range(len(old_centers)):
        if np.any(lab == j):
            old_centers[j] = X[lab == j].mean(axis=0)
    return old_centers


def _in_place_vectorised(X, lab, old_centers):
    counts = np.bincount(lab, minlength=len(old_centers))
    sums = np.array([X[lab == j].sum(axis=0) for j in range(len(old_centers))])
    filled = counts > 0
    old_centers[filled] = sums[filled] / counts[filled, None]
    return old_centers.copy()


@pytest.mark.parametrize("wrong", [_in_place, _in_place_vectorised])
def test_update_centers_in_place_is_refused(wrong):
    with pytest.raises(
        AssertionError,
        match=r"\(label 1, cluster 2, has no points\), that cluster came back .* changed old_centers in place",
    ):
        checks.check_update_centers(wrong)


def test_update_centers_names_the_empty_cluster_by_label_and_number():
    with pytest.raises(
        AssertionError,
        match=r"cluster 2, has no points\), the non-empty clusters are right but the empty one moved",
    ):
        checks.check_update_centers(_means_zero)


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


def _shift_by_min(X, C, beta):
    a = -0.5 * beta * _sq(X, C)
    e = np.exp(a - a.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _shift_by_global_max(X, C, beta):
    a = -0.5 * beta * _sq(X, C)
    e = np.exp(a - a.max())
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("wrong", [_shift_by_min, _shift_by_global_max])
def test_soft_assign_shift_must_be_each_rows_largest_logit(wrong):
    with pytest.raises(
        AssertionError, match=r"beta = 100: your table contains NaN.*leave that row's largest logit at 0"
    ):
        checks.check_soft_assign(wrong)


def test_soft_assign_nan_message_is_grammatical():
    with pytest.raises(AssertionError, match="your soft assignments on points 50 units .* contain NaN"):
        checks.check_soft_assign(_naive_soft)


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


def test_border_weight_feedback_does_not_give_the_closed_form_away(capsys):
    checks.check_border_weight(border_weight)
    assert "beta D^2" not in capsys.readouterr().out
    with pytest.raises(AssertionError) as failure:
        checks.check_border_weight(_bw(lambda t, s, D, b, p: _prior(p) + b * D**2 * (t - 0.5) / 2))
    assert "beta D^2 (t - 1/2)" not in str(failure.value)


def _band(width):
    return lambda D, beta, pi2: float(width(D, beta, pi2))


def _edge(D, beta, pi2):
    return 0.5 + (np.log(4) - _prior(pi2)) / (beta * D**2)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_band(lambda D, b, p: np.log(4) / (b * D**2)), "half as wide"),
        (_band(lambda D, b, p: 4 * np.log(4) / (b * D**2)), "twice as wide"),
        (_band(lambda D, b, p: 3.75 / (b * D**2)), "equal to the odds"),
        (_band(lambda D, b, p: 2.4 / (b * D**2)), "straight line that touches"),
        (_band(lambda D, b, p: 2 * np.log(4) / (b * D)), "D times the width in t"),
        (_band(lambda D, b, p: 2 * np.log(4) * b / D**2), "narrower band, not a wider one"),
        (_band(_edge), "one edge of the band"),
        (_band(lambda D, b, p: 2 * np.log(4) / (b * D**2) + abs(_prior(p))), "right for equal weights but"),
        (_band(lambda D, b, p: 2 * np.log(4) / (b * D**2) + 0.01), "the closed form gives"),
        (lambda D, b, p: "wide", "should be a number"),
        (lambda D, b, p: float("inf"), "finite number"),
    ],
)
def test_band_width_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_band_width(wrong)


def test_band_width_reference_is_the_band_of_the_logistic():
    from scipy.optimize import brentq

    for D, beta, pi2 in [(4.0, 1.0, 0.5), (3.0, 2.0, 0.75), (2.0, 0.5, 0.2)]:

        def off_by(t, r, D=D, beta=beta, pi2=pi2):
            return border_weight(t, 0.0, D, beta, pi2) - r

        edges = [brentq(off_by, -20, 20, args=(r,)) for r in (0.2, 0.8)]
        assert np.isclose(edges[1] - edges[0], checks.band_width_reference(D, beta, pi2), rtol=1e-9)


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


def _not_seeded():
    X, z = kmeans_trap()
    return X + 1e-3 * np.random.default_rng().uniform(size=X.shape), z


def _recovers():
    """A wide disc and a small blob 5.6 away: the bisector of the means cuts the disc, and k-means recovers."""
    X, z = kmeans_trap()
    return X + np.where(z[:, None] == 1, [1.6, 0.0], 0.0), z


def _parallel_bars():
    rng = np.random.default_rng(4)
    bar = np.c_[rng.uniform(-5, 5, size=60), rng.uniform(-0.2, 0.2, size=60)]
    return np.vstack([bar, bar + [0.0, 2.0]]), np.r_[np.zeros(60, int), np.ones(60, int)]


def test_trap_report_measures_what_the_check_measures(capsys):
    checks.trap_report(*kmeans_trap())
    out = capsys.readouterr().out
    assert "gap / step = " in out and "cuts into the groups" in out and "keeps 66% of the points" in out
    checks.trap_report(*_round_blobs())
    assert "already separates" in capsys.readouterr().out


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
        (_round_blobs, "bisector between your two groups' means already separates them"),
        (_parallel_bars, "bisector between your two groups' means already separates them"),
        (_recovers, "keeps 100% of the points in their group: the bisector of the two means cuts into a group"),
        (_not_seeded, r"two calls of kmeans_trap\(\) returned different data"),
    ],
)
def test_kmeans_trap_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_kmeans_trap(wrong)
