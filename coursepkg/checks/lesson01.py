"""Checks for the exercises of lesson 01 (soft clustering).

Each check runs the student's function on several cases, compares it with an
independent numpy computation (or with `coursepkg.kmeans`), and when it
disagrees, computes what the usual wrong versions would have returned to name
the mistake. This file holds lesson 01's data (60 points in three blobs), its
cases and the checks of its exercises; the soft assignment is judged by
`_core.soft_assign`, shared with lesson 08.
"""

import warnings

import numpy as np

from ._core import (
    Exercise,
    SoftAssignWords,
    cases_for,
    check_soft_assignment,
    exercise_check,
    forbid,
    labels_array,
    nonfinite_of_shape,
    sqdist,
)

# ---------------------------------------------------------------- data

_CENTRES_TRUE = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 4.0]])


def _blobs():
    rng = np.random.default_rng(101)  # a generator of its own: no module-level state a later call could consume
    return np.concatenate([c + rng.normal(size=(20, 2)) for c in _CENTRES_TRUE])


X_BLOBS = _blobs()
CENTERS = np.array([[0.5, -0.5], [3.0, 2.0], [0.0, 3.0]])


def _cases_assign():
    """(visible, teacher-only) cases (X, centers, description) of the assignment exercises."""
    rng = np.random.default_rng(7)
    X5 = rng.normal(size=(40, 5))
    C5 = rng.normal(size=(4, 5))
    visible = [
        (X_BLOBS, CENTERS, "60 points and 3 centres in 2-D"),
        (X5, C5, "40 points and 4 centres in 5-D"),
        (X_BLOBS[:1], CENTERS, "a single point"),
        (X_BLOBS, CENTERS[:1], "k = 1 (every label must be 0)"),
    ]
    hidden = [
        (X_BLOBS[:, :1], CENTERS[:, :1], "d = 1 (X of shape (60, 1))"),
        (X_BLOBS + 1e3, CENTERS + 1e3, "points and centres shifted by 1000"),
    ]
    return visible, hidden


# ---------------------------------------------------------------- exercise 1: hard assignment


@exercise_check
def check_assign(student_assign, hidden=False):
    """assign(X, centers) -> labels (n,): index of the nearest centre."""
    from ..kmeans import assign

    ex = Exercise("assign")
    forbid(ex, student_assign, [assign])
    for X, C, case in cases_for(*_cases_assign(), hidden):
        got = labels_array(ex, ex.call(student_assign, X, C, case=case), len(X))
        d2 = sqdist(X, C)
        want = np.argmin(d2, axis=1)
        if ex.holds(np.array_equal(got, want)):
            continue
        if np.array_equal(got, np.argmax(d2, axis=1)):
            ex.fail(f"on {case} your labels point to the farthest centre: use argmin, not argmax.")
        if np.array_equal(got, want + 1):
            ex.fail(f"on {case} your labels run from 1 to k; Python counts from 0, so label the first centre 0.")
        ex.fail(
            f"on {case}, {np.count_nonzero(got != want)} of {len(X)} labels differ from the nearest centre "
            f"(first at point {int(np.flatnonzero(got != want)[0])}). Compare squared Euclidean distances "
            "||x_n - m_k||^2 summed over the d coordinates."
        )
    ex.passed("including a single point and k = 1" + (", d = 1 and shifted data" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: the objective J


@exercise_check
def check_objective(student_objective, hidden=False):
    """objective(X, centers, labels) -> J = sum_n ||x_n - m_{labels_n}||^2."""
    from ..kmeans import objective

    ex = Exercise("objective")
    forbid(ex, student_objective, [objective])
    assign_visible, assign_hidden = _cases_assign()
    nearest = [(X, C, np.argmin(sqdist(X, C), axis=1), case) for X, C, case in assign_visible + assign_hidden]
    # labels that are not the nearest centres: J must use the labels given, not recompute them
    given = (X_BLOBS, CENTERS, np.arange(len(X_BLOBS)) % 3, "labels 0, 1, 2, 0, 1, 2, ... (not the nearest centres)")
    for X, C, labels, case in cases_for([nearest[0], given, *nearest[1:3]], nearest[3:], hidden):
        got = ex.number(ex.call(student_objective, X, C, labels, case=case), "J")
        d2 = sqdist(X, C)
        want = d2[np.arange(len(X)), labels].sum()
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        own = d2[np.arange(len(X)), labels]
        wrong = [
            (np.sqrt(own).sum(), "you summed distances, not squared distances: J uses ||x_n - m_k||^2"),
            (want / len(X), "you averaged over points; J is the sum over points, not the mean"),
            (d2.sum(), "you summed the distances to every centre; each point counts only its own centre m_{labels_n}"),
            (
                d2.min(axis=1).sum(),
                "you used the nearest centre instead of the labels passed in; J(r, m) takes the assignment as given",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-8)
        ex.fail(f"on {case} your J is {got:.6g}, the reference is {want:.6g}.")
    ex.passed("with given labels that are not the nearest centres")


# ---------------------------------------------------------------- exercise 3: one Lloyd update


@exercise_check
def check_update_centers(student_update, hidden=False):
    """update_centers(X, labels, old_centers) -> (k, d): cluster means; an empty cluster keeps its centre."""
    from ..kmeans import update_centers

    ex = Exercise("update_centers")
    forbid(ex, student_update, [update_centers])
    labels = np.argmin(sqdist(X_BLOBS, CENTERS), axis=1)
    one_point = labels.copy()
    one_point[:] = np.where(labels == 2, 1, labels)
    one_point[5] = 2  # cluster 2 holds exactly one point
    empty = np.where(labels == 1, 0, labels)  # nobody in cluster 1
    rng = np.random.default_rng(3)
    X4 = rng.normal(size=(30, 4))
    C4 = rng.normal(size=(5, 4))
    l4 = rng.integers(0, 4, size=30)  # cluster 4 empty
    visible = [
        (X_BLOBS, labels, CENTERS, "60 points, 3 clusters"),
        (X_BLOBS, one_point, CENTERS, "a cluster with a single point"),
        (X_BLOBS, empty, CENTERS, "an empty cluster (cluster 1 has no points)"),
    ]
    hidden_extra = [
        (X4, l4, C4, "4-D data with an empty cluster"),
        (X_BLOBS[:, :1], labels, CENTERS[:, :1], "d = 1"),
    ]
    for X, lab, C, case in cases_for(visible, hidden_extra, hidden):
        k, d = C.shape
        with warnings.catch_warnings():  # np.mean of an empty cluster warns; the check explains it instead
            warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            raw = ex.call(student_update, X, lab, C, case=case)
        counts = np.bincount(lab, minlength=k)
        if nonfinite_of_shape(raw, (k, d)) is not None:
            ex.fail(
                f"on {case} your centres contain NaN: an empty cluster gives 0/0. "
                "When no point has label j, keep the old centre old_centers[j]."
            )
        got = ex.array(raw, (k, d), "your new centres")
        want = C.copy()
        for j in range(k):
            if counts[j]:
                want[j] = X[lab == j].mean(axis=0)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-12):
            continue
        filled = counts > 0
        sums = np.array([X[lab == j].sum(axis=0) for j in range(k)])
        if not np.allclose(got[~filled], C[~filled]) and np.allclose(got[filled], want[filled]):
            ex.fail(
                f"on {case} the non-empty clusters are right but an empty cluster moved to {got[~filled][0]}; "
                "a cluster with no points keeps its old centre (so J cannot increase)."
            )
        if np.allclose(got[filled], sums[filled]):
            ex.fail(f"on {case} your centres are the sums of the points; divide by the number of points N_k.")
        if np.allclose(got[filled], sums[filled] / len(X)):
            ex.fail(f"on {case} you divided by n, the number of all points; divide by N_k, the count of cluster k.")
        ex.fail(f"on {case} your centres differ from the cluster means; centre j is the mean of the points labelled j.")
    ex.passed("including a one-point cluster and an empty cluster")


# ---------------------------------------------------------------- exercise 4: soft assignment


SOFT_ASSIGN_WORDS = SoftAssignWords(
    table="your soft assignments on {case}",
    nan=(
        "your soft assignments on {case} contains NaN or infinite values. exp(-beta/2 d^2) underflows to 0 for "
        "every centre when the point is far from all of them, and 0/0 is NaN. Subtract each row's largest logit "
        "before exponentiating (log-sum-exp trick)."
    ),
    rows_over_points=(
        "on {case} the rows of your table sum to {sums}, not 1. Your columns sum to 1: you normalised over "
        "points (axis=0) instead of over centres (axis=1)."
    ),
    rows_other="on {case} the rows of your table sum to {sums}, not 1. Divide each row by its sum.",
    differs="on {case} your soft assignments differ from softmax_k(-beta/2 ||x_n - m_k||^2)",
    mistake_order=("no_half", "sqrt", "sign", "one_hot", "inverse_beta"),
)


@exercise_check
def check_soft_assign(student_soft, hidden=False):
    """soft_assign(X, centers, beta) -> (n, k): softmax over k of -beta/2 ||x_n - m_k||^2."""
    from ..kmeans import soft_responsibilities

    ex = Exercise("soft_assign")
    forbid(ex, student_soft, [soft_responsibilities])
    far = X_BLOBS[:10] + np.array([40.0, -30.0])
    visible = [
        (X_BLOBS, CENTERS, 1.0, "beta = 1"),
        (X_BLOBS, CENTERS, 0.0, "beta = 0 (every weight should be 1/k)"),
        (X_BLOBS, CENTERS, 0.3, "beta = 0.3"),
        (far, CENTERS, 2.0, "points 50 units from every centre, beta = 2"),
    ]
    hidden_extra = [
        (X_BLOBS, CENTERS, 500.0, "beta = 500"),
        (X_BLOBS[:1], CENTERS, 1.0, "a single point"),
        (X_BLOBS, CENTERS[:1], 3.0, "k = 1"),
    ]
    check_soft_assignment(ex, student_soft, cases_for(visible, hidden_extra, hidden), SOFT_ASSIGN_WORDS)
    ex.passed("including beta = 0 and points 50 units from every centre" + (", beta = 500, k = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 5: the gradient of J


@exercise_check
def check_grad_J(student_grad, hidden=False):
    """grad_J(X, centers, labels) -> (k, d): dJ/dm_k = -2 sum_{n in k} (x_n - m_k)."""
    ex = Exercise("grad_J")
    labels = np.argmin(sqdist(X_BLOBS, CENTERS), axis=1)
    empty = np.where(labels == 1, 0, labels)
    rng = np.random.default_rng(11)
    X3, C3 = rng.normal(size=(25, 3)), rng.normal(size=(2, 3))
    visible = [
        (X_BLOBS, CENTERS, labels, "60 points, 3 clusters"),
        (X_BLOBS, CENTERS, empty, "an empty cluster (its gradient is zero)"),
    ]
    for X, C, lab, case in cases_for(visible, [(X3, C3, np.arange(25) % 2, "3-D data")], hidden):
        k, d = C.shape
        got = ex.array(ex.call(student_grad, X, C, lab, case=case), (k, d), f"your gradient on {case}")
        onehot = np.eye(k)[lab]
        want = -2.0 * (onehot.T @ X - onehot.sum(axis=0)[:, None] * C)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        if np.allclose(got, -want):
            ex.fail(f"on {case} your gradient has the wrong sign: d/dm ||x - m||^2 = -2 (x - m).")
        if np.allclose(got, want / 2):
            ex.fail(f"on {case} your gradient is half the reference: d/dm ||x - m||^2 = -2 (x - m), keep the factor 2.")
        counts = np.maximum(onehot.sum(axis=0), 1)[:, None]
        if np.allclose(got, want / counts):
            ex.fail(f"on {case} you divided by N_k: the gradient of the sum J is a sum over the cluster, not a mean.")
        allpts = -2.0 * (X.sum(axis=0)[None, :] - len(X) * C)
        if np.allclose(got, allpts):
            ex.fail(f"on {case} you summed over all points; only the points with label k depend on m_k.")
        ex.close(got, want, f"on {case} your gradient differs from -2 sum_(n in cluster k) (x_n - m_k)")
    # finite differences on the student's own function are pointless; instead: the gradient vanishes at the means
    means = np.array([X_BLOBS[labels == j].mean(axis=0) for j in range(3)])
    g = ex.array(ex.call(student_grad, X_BLOBS, means, labels, case="the cluster means"), (3, 2), "your gradient")
    ex.expect(np.abs(g).max() < 1e-9, f"at the cluster means your gradient is {np.abs(g).max():.3g}, not 0.")
    ex.passed(f"and it vanishes at the cluster means: largest entry {np.abs(g).max():.1e}")


# ---------------------------------------------------------------- exercise 6: how many assignments?


@exercise_check
def check_n_assignments(student_count, hidden=False):
    """n_assignments(n, k) -> k**n, the number of ways to give each of n points one of k labels."""
    ex = Exercise("n_assignments")
    for n, k in cases_for([(1, 3), (2, 2), (3, 2), (5, 3), (10, 4), (4, 1)], [(60, 3), (272, 2)], hidden):
        got = ex.call(student_count, n, k, case=f"n = {n}, k = {k}")
        want = k**n
        try:
            ok = int(got) == want and float(got) == float(want)
        except (TypeError, ValueError, OverflowError):
            ex.fail(f"n_assignments({n}, {k}) should be a whole number; got {got!r}.")
        if ex.holds(ok):
            continue
        if got == n**k:
            ex.fail(f"n_assignments({n}, {k}) = {got} = n**k: each of the n points picks one of k labels, so k**n.")
        if got == n * k:
            ex.fail(f"n_assignments({n}, {k}) = {got} = n*k counts the entries of the table, not the tables.")
        ex.fail(f"n_assignments({n}, {k}) = {got}; think of the choices: point 1 has k labels, point 2 has k, ...")
    ex.passed("so Lloyd's algorithm, which never revisits an assignment, stops after at most k**n updates")
