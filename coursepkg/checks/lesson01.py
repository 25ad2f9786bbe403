"""Checks for the exercises of lesson 01 (soft clustering).

Each check runs the student's function on several cases, compares it with an
independent numpy computation (or with `coursepkg.kmeans`), and when it
disagrees, computes what the usual wrong versions would have returned to name
the mistake. This file holds lesson 01's data (60 points in three blobs), its
cases and the checks of its exercises; the soft assignment is judged by
`_core.soft_assign`, shared with lesson 08 (lesson 01 adds its own case for a
shift that is not each row's largest logit). `trap_report` is not a check: it
prints, for data a student is building in exercise 7, what `check_kmeans_trap`
measures (the gap, the longest minimum-spanning-tree edge inside a group, the
bisector of the means, the k-means result).
"""

import warnings

import numpy as np
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial.distance import cdist, pdist, squareform

from ._core import (
    Exercise,
    SoftAssignWords,
    cases_for,
    exercise_check,
    forbid,
    judge_soft_assignment,
    labels_array,
    nonfinite_of_shape,
    softmax_rows,
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
            ex.fail(f"on {case} your labels point to the farthest centre: use argmin, not argmax.", "farthest")
        if np.array_equal(got, want + 1):
            ex.fail(
                f"on {case} your labels run from 1 to k; Python counts from 0, so label the first centre 0.",
                "one_based",
            )
        ex.fail(
            f"on {case}, {np.count_nonzero(got != want)} of {len(X)} labels differ from the nearest centre "
            f"(first at point {int(np.flatnonzero(got != want)[0])}). Compare squared Euclidean distances "
            "||x_n - mu_k||^2 summed over the d coordinates."
        )
    ex.passed("including a single point and k = 1" + (", d = 1 and shifted data" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: the objective J


def _one_number(ex, value, n, case):
    """J as a float; an array in its place is described by its shape, not dumped value by value."""
    try:
        shape = np.shape(value)
    except ValueError:  # a ragged list
        shape = None
    if shape == (n,) and n > 1:
        ex.fail(
            f"on {case} your objective returned {n} numbers, one per point; J is a single number: you still "
            "need to sum over the points.",
            "per_point",
        )
    if shape:  # a non-empty shape: an array or a list
        if int(np.prod(shape)) != 1:
            ex.fail(f"J should be a number; got an array of shape {shape}.", "not_a_number")
        value = np.asarray(value).reshape(-1)[0]  # an array holding one number is that number
    return ex.number(value, "J")


@exercise_check
def check_objective(student_objective, hidden=False):
    """objective(X, centers, labels) -> J = sum_n ||x_n - mu_{labels_n}||^2."""
    from ..kmeans import objective

    ex = Exercise("objective")
    forbid(ex, student_objective, [objective])
    assign_visible, assign_hidden = _cases_assign()
    nearest = [(X, C, np.argmin(sqdist(X, C), axis=1), case) for X, C, case in assign_visible + assign_hidden]
    # labels that are not the nearest centres: J must use the labels given, not recompute them
    given = (X_BLOBS, CENTERS, np.arange(len(X_BLOBS)) % 3, "labels 0, 1, 2, 0, 1, 2, ... (not the nearest centres)")
    for X, C, labels, case in cases_for([nearest[0], given, *nearest[1:3]], nearest[3:], hidden):
        got = _one_number(ex, ex.call(student_objective, X, C, labels, case=case), len(X), case)
        d2 = sqdist(X, C)
        want = d2[np.arange(len(X)), labels].sum()
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        own = d2[np.arange(len(X)), labels]
        wrong = [
            (np.sqrt(own).sum(), "you summed distances, not squared distances: J uses ||x_n - mu_k||^2", "not_squared"),
            (want / len(X), "you averaged over points; J is the sum over points, not the mean", "averaged"),
            (
                d2.sum(),
                "you summed the distances to every centre; each point counts only its own centre mu_{labels_n}",
                "all_centres",
            ),
            (
                d2.min(axis=1).sum(),
                "you used the nearest centre instead of the labels passed in; J(r, mu) takes the assignment as given",
                "nearest_not_given",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-8)
        ex.fail(f"on {case} your J is {got:.6g}, the reference is {want:.6g}.")
    ex.passed("with given labels that are not the nearest centres")


# ---------------------------------------------------------------- exercise 3: one Lloyd update


@exercise_check
def check_update_centers(student_update, hidden=False):
    """update_centers(X, labels, old_centers) -> (k, d): cluster means; an empty cluster keeps its centre.

    The visible cases pass one array as old_centers, by name (the channel copies only positional arrays), to
    all three calls: a function that writes into old_centers leaves its result there, and the empty cluster of
    the third case then comes back where the second case put it. The verdict depends only on what the function
    returned, so the kernel and the grader's judge reach the same one.
    """
    from ..kmeans import update_centers

    ex = Exercise("update_centers")
    forbid(ex, student_update, [update_centers])
    labels = np.argmin(sqdist(X_BLOBS, CENTERS), axis=1)
    one_point = labels.copy()
    one_point[:] = np.where(labels == 2, 1, labels)
    one_point[5] = 2  # cluster 3 (label 2) holds exactly one point
    empty = np.where(labels == 1, 0, labels)  # nobody has label 1
    rng = np.random.default_rng(3)
    X4 = rng.normal(size=(30, 4))
    C4 = rng.normal(size=(5, 4))
    l4 = rng.integers(0, 4, size=30)  # nobody has label 4
    shared = CENTERS.copy()  # the one array the visible cases pass: it shows a change made in place
    visible = [
        (X_BLOBS, labels, CENTERS, shared, "60 points, 3 clusters"),
        (X_BLOBS, one_point, CENTERS, shared, "a cluster with a single point"),
        (X_BLOBS, empty, CENTERS, shared, "an empty cluster (label 1, cluster 2, has no points)"),
    ]
    hidden_extra = [
        (X4, l4, C4, C4.copy(), "4-D data with an empty cluster (label 4, cluster 5)"),
        (X_BLOBS[:, :1], labels, CENTERS[:, :1], CENTERS[:, :1].copy(), "d = 1"),
    ]
    left_in = {}  # id of a passed array -> the centres a function writing in place would have left in it
    for X, lab, C, passed, case in cases_for(visible, hidden_extra, hidden):
        k, d = C.shape
        with warnings.catch_warnings():  # np.mean of an empty cluster warns; the check explains it instead
            warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            raw = ex.call(student_update, X, lab, old_centers=passed, case=case)
        counts = np.bincount(lab, minlength=k)
        if nonfinite_of_shape(raw, (k, d)) is not None:
            ex.fail(
                f"on {case} your centres contain NaN: an empty cluster gives 0/0. "
                "When no point has label j, keep the old centre old_centers[j].",
                "empty_nan",
            )
        got = ex.array(raw, (k, d), "your new centres")
        want = C.copy()
        for j in range(k):
            if counts[j]:
                want[j] = X[lab == j].mean(axis=0)
        before = left_in.get(id(passed), C)
        left_in[id(passed)] = np.where(counts[:, None] > 0, want, before)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-12):
            continue
        filled = counts > 0
        sums = np.array([X[lab == j].sum(axis=0) for j in range(k)])
        if not filled.all():
            j = int(np.flatnonzero(~filled)[0])
            if not np.allclose(before, C) and np.allclose(got, np.where(filled[:, None], want, before)):
                ex.fail(
                    f"on {case}, that cluster came back at {np.round(got[j], 3)}, where your "
                    "function put it in the previous case: it changed old_centers in place (the check passes "
                    "the same array to each case), so the 'old' centre it kept was no longer the old one. "
                    "Build the new centres in a copy and leave old_centers as it came.",
                    "in_place",
                )
            if not np.allclose(got[~filled], C[~filled]) and np.allclose(got[filled], want[filled]):
                ex.fail(
                    f"on {case}, the non-empty clusters are right but the empty one moved to "
                    f"{np.round(got[j], 3)}; a cluster with no points keeps its old centre (so J cannot increase).",
                    "empty_moved",
                )
        if np.allclose(got[filled], sums[filled]):
            ex.fail(f"on {case} your centres are the sums of the points; divide by the number of points N_k.", "sums")
        if np.allclose(got[filled], sums[filled] / len(X)):
            ex.fail(
                f"on {case} you divided by n, the number of all points; divide by N_k, the count of cluster k.",
                "divided_by_n",
            )
        ex.fail(f"on {case} your centres differ from the cluster means; centre j is the mean of the points labelled j.")
    ex.passed("including a one-point cluster and an empty cluster, and old_centers left as it came")


# ---------------------------------------------------------------- exercise 4: soft assignment


SOFT_ASSIGN_WORDS = SoftAssignWords(
    table="your soft assignments on {case}",
    nan=(
        "your soft assignments on {case} contain NaN or infinite values. exp(-beta/2 d^2) underflows to 0 for "
        "every centre when the point is far from all of them, and 0/0 is NaN. Subtract each row's largest logit "
        "before exponentiating (log-sum-exp trick)."
    ),
    rows_over_points=(
        "on {case} the rows of your table sum to {sums}, not 1. Your columns sum to 1: you normalised over "
        "points (axis=0) instead of over centres (axis=1)."
    ),
    rows_other="on {case} the rows of your table sum to {sums}, not 1. Divide each row by its sum.",
    differs="on {case} your soft assignments differ from softmax_k(-beta/2 ||x_n - mu_k||^2)",
    mistake_order=("no_half", "sqrt", "sign", "one_hot", "inverse_beta"),
    mistake_words={
        "inverse_beta": "beta is the inverse variance: the exponent is -beta/2 d^2, with beta = 1/sigma^2 "
        "(the sigma^2 of lesson 01, section 9)",
    },
)


# two centres 10 apart, a point on each and one far from both, at a large beta: the logits of one row are 0 and
# -5000, of another two equal numbers near -46000. Only a shift by each row's own largest logit keeps every
# exponential finite and one of each row at 1: a shift by the smallest logit overflows, one for the whole table
# underflows.
SHIFT_X = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 30.0]])
SHIFT_CENTERS = np.array([[0.0, 0.0], [10.0, 0.0]])
SHIFT_CASE = "a point on each of two centres 10 apart and one 30 away from both, beta = 100"


@exercise_check
def check_soft_assign(student_soft, hidden=False):
    """soft_assign(X, centers, beta) -> (n, k): softmax over k of -beta/2 ||x_n - mu_k||^2."""
    from ..kmeans import soft_responsibilities

    ex = Exercise("soft_assign")
    forbid(ex, student_soft, [soft_responsibilities])
    far = X_BLOBS[:10] + np.array([40.0, -30.0])
    visible = [
        (X_BLOBS, CENTERS, 1.0, "beta = 1"),
        (X_BLOBS, CENTERS, 0.0, "beta = 0 (every weight should be 1/k)"),
        (X_BLOBS, CENTERS, 0.3, "beta = 0.3"),
        (far, CENTERS, 2.0, "points 50 units from every centre, beta = 2"),
        (SHIFT_X, SHIFT_CENTERS, 100.0, SHIFT_CASE),
    ]
    hidden_extra = [
        (X_BLOBS, CENTERS, 500.0, "beta = 500"),
        (X_BLOBS[:1], CENTERS, 1.0, "a single point"),
        (X_BLOBS, CENTERS[:1], 3.0, "k = 1"),
    ]
    for X, C, beta, case in cases_for(visible, hidden_extra, hidden):
        raw = ex.call(student_soft, X, C, beta, case=case)
        if case == SHIFT_CASE and nonfinite_of_shape(raw, (len(X), len(C))) is not None:
            ex.fail(
                f"on {case}: your table contains NaN or infinite values. In the first row the logits are 0 and "
                "-5000, in the third two equal numbers near -46000: what you subtract from a row must leave "
                "that row's largest logit at 0, whatever the other rows hold. Then no exponential overflows to "
                "inf, and in every row at least one is exactly 1.",
                "shift_not_row_max",
            )
        judge_soft_assignment(ex, raw, X, C, beta, case, SOFT_ASSIGN_WORDS)
    ex.passed(
        "including beta = 0, points far from every centre and a row with logits 0 and -5000"
        + (", beta = 500, k = 1" if hidden else "")
    )


# ---------------------------------------------------------------- exercise 5: reading a soft table


def _table_cases(hidden):
    r_blobs = softmax_rows(-0.5 * sqdist(X_BLOBS, CENTERS))
    # cluster 2 (index 2) is never any point's largest weight, yet it holds a share of every point
    rng = np.random.default_rng(17)
    first = rng.uniform(0.45, 0.7, size=12)
    third = rng.uniform(0.05, 0.2, size=12)
    swap = np.arange(12) % 2 == 1
    never = np.column_stack([np.where(swap, 1 - first - third, first), np.where(swap, first, 1 - first - third), third])
    visible = [
        (r_blobs, "the soft table of the 60 points at beta = 1"),
        (never, "12 points where cluster 3 (index 2) is never the largest weight"),
        (r_blobs[:1], "a single point"),
    ]
    hidden_extra = [
        (rng.dirichlet(np.ones(5), size=30), "30 points, 5 clusters"),
        (np.ones((7, 1)), "k = 1"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_read_table(student_read, hidden=False):
    """read_table(R) -> (labels (n,), hard counts (k,), soft counts N_k (k,)) of a soft table R (n, k)."""
    ex = Exercise("read_table")
    for R, case in _table_cases(hidden):
        n, k = R.shape
        out = ex.call(student_read, R, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(
                f"read_table should return a triple (labels, hard_counts, soft_counts); got {type(out).__name__}.",
                "not_a_triple",
            )
        labels_raw, hard_raw, soft_raw = out
        want_labels = np.argmax(R, axis=1)
        if np.shape(labels_raw) == (n,) and np.array_equal(np.asarray(labels_raw), np.argmin(R, axis=1)) and k > 1:
            ex.fail(f"on {case} your labels pick the smallest weight; the hard label is the largest.", "labels_argmin")
        labels = labels_array(ex, labels_raw, n)
        if not ex.holds(np.array_equal(labels, want_labels)):
            if np.array_equal(labels, want_labels + 1):
                ex.fail(f"on {case} your labels run from 1 to k; Python counts clusters from 0.", "labels_one_based")
            ex.fail(
                f"on {case} {np.count_nonzero(labels != want_labels)} of your {n} labels are not the cluster of the "
                "largest weight in their row.",
                "labels_wrong",
            )
        want_hard = np.bincount(want_labels, minlength=k).astype(float)
        if np.ndim(hard_raw) == 1 and 0 < np.size(hard_raw) < k:
            ex.fail(
                f"on {case} your hard counts have {np.size(hard_raw)} entries for {k} clusters: a cluster that is "
                "nobody's largest weight still needs its count, 0 (np.bincount needs minlength for that).",
                "hard_counts_short",
            )
        hard = ex.array(hard_raw, (k,), f"your hard counts on {case}")
        if not ex.agrees(hard, want_hard, rtol=0, atol=1e-9):
            ex.fail(
                f"on {case} your hard counts are {np.round(hard, 3)}, not {want_hard}: count the points whose "
                "label is k.",
                "hard_counts_wrong",
            )
        want_soft = R.sum(axis=0)
        soft_shape = np.shape(soft_raw)
        if soft_shape == (n,) and n != k and np.allclose(np.asarray(soft_raw, dtype=float), R.sum(axis=1)):
            ex.fail(
                f"on {case} your soft counts are the row sums (all 1: each point's weights sum to 1); the soft count "
                "of cluster k adds its column, N_k = sum_n r_nk.",
                "soft_over_points",
            )
        soft = ex.array(soft_raw, (k,), f"your soft counts on {case}")
        if not ex.agrees(soft, want_soft, rtol=1e-9, atol=1e-9):
            wrong = [
                (
                    want_soft / n,
                    "those are the shares N_k / N (the weights pi_k of a refit); the counts are the sums "
                    "N_k = sum_n r_nk",
                    "soft_shares",
                ),
                (
                    want_hard,
                    "those are the hard counts again; the soft count weighs every point by r_nk, so it "
                    "counts fractions of points",
                    "soft_is_hard",
                ),
            ]
            ex.name_mistake(soft, wrong, f"on {case} your soft counts {np.round(soft, 3)}", rtol=1e-9, atol=1e-9)
            ex.fail(
                f"on {case} your soft counts are {np.round(soft, 3)}, the column sums of the table are "
                f"{np.round(want_soft, 3)}.",
                "soft_wrong",
            )
    ex.passed("a cluster that is nobody's largest weight has hard count 0 and still a soft count")


# ---------------------------------------------------------------- exercise 6: the border point in closed form


def _logistic(a):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(a, dtype=float)))  # 1 / (1 + e^-a), without overflow


def border_log_odds(t, offset, D, beta, pi2):
    """log(r_2 / r_1) at x = mu_1 + t (mu_2 - mu_1) + offset * (a unit vector perpendicular to mu_2 - mu_1)."""
    return np.log(pi2 / (1 - pi2)) + beta * D**2 * (t - 0.5)


def _border_mistakes(t, offset, D, beta, pi2):
    """{key: (the weight that derivation gives, what went wrong)} for one parameter set."""
    prior = np.log(pi2 / (1 - pi2))
    dist = beta * D**2 * (t - 0.5)
    d1 = np.sqrt((t * D) ** 2 + offset**2)
    d2 = np.sqrt(((1 - t) * D) ** 2 + offset**2)
    return {
        "no_half": (
            _logistic(prior + 2 * dist),
            "your distance term is twice the right one: the exponent of a Gaussian with covariance I/beta is "
            "-beta/2 ||x - mu||^2, and the 1/2 stays in front of the difference of the squared distances",
        ),
        "half_twice": (
            _logistic(prior + dist / 2),
            "your distance term is half the right one: a factor 1/2 went in twice. Expand the difference of the "
            "two squared distances again and count the halves in front of it",
        ),
        "unsquared": (
            _logistic(prior + beta / 2 * (d1 - d2)),
            "you used the distances, not the squared distances: the Gaussian's exponent has ||x - mu_k||^2. "
            "With squared distances the sideways offset cancels; with plain distances it does not",
        ),
        "other_cluster": (
            _logistic(-(prior + dist)),
            "that is the weight of cluster 1, r_1 = 1 - r_2 (the whole log-odds has the wrong sign); "
            "the task asks for cluster 2, which should win for t > 1/2 when the weights are equal",
        ),
        "sign": (
            _logistic(prior - dist),
            "the distance term has the wrong sign: moving towards mu_2 (t growing) must raise r_2. "
            "Check which squared distance is subtracted from which",
        ),
        "prior_inverted": (
            _logistic(-prior + dist),
            "the prior enters upside down: the log-odds of cluster 2 gains log(pi_2 / pi_1), not log(pi_1 / pi_2)",
        ),
        "no_prior": (
            _logistic(dist),
            "you left out the weights: with pi_1 != pi_2 the log-odds gains log(pi_2 / pi_1)",
        ),
        "prior_not_logged": (
            _logistic(pi2 / (1 - pi2) + dist),
            "you added pi_2 / pi_1 to the log-odds; in log-odds the prior enters as log(pi_2 / pi_1)",
        ),
        "inverse_beta": (
            _logistic(prior + D**2 * (t - 0.5) / beta),
            "you divided by beta where it multiplies: beta = 1/sigma^2 is a precision, and tighter clusters "
            "(a larger beta) must make the weight change faster along the line",
        ),
    }


def _border_cases(hidden):
    visible = [
        (0.3, 0.0, 4.0, 1.0, 0.5, "t = 0.3 on the segment, D = 4, beta = 1, equal weights"),
        (0.6, 1.5, 4.0, 1.0, 0.5, "t = 0.6, 1.5 to the side, D = 4, beta = 1, equal weights"),
        (0.5, 0.0, 3.0, 2.0, 0.75, "the midpoint, D = 3, beta = 2, pi_2 = 0.75"),
        (0.4, -2.0, 2.0, 0.5, 0.2, "t = 0.4, 2 to the other side, D = 2, beta = 0.5, pi_2 = 0.2"),
        (1.3, 0.7, 1.5, 3.0, 0.6, "t = 1.3 (beyond mu_2), 0.7 to the side, D = 1.5, beta = 3, pi_2 = 0.6"),
    ]
    hidden_extra = [
        (-0.2, 3.0, 2.5, 0.8, 0.9, "t = -0.2 (behind mu_1), 3 to the side, D = 2.5, beta = 0.8, pi_2 = 0.9"),
        (0.55, 0.0, 10.0, 0.25, 0.3, "t = 0.55, D = 10, beta = 0.25, pi_2 = 0.3"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_border_weight(student_weight, hidden=False):
    """border_weight(t, offset, D, beta, pi2) -> r_2, the soft weight of cluster 2 at the border point."""
    ex = Exercise("border_weight")
    cases = _border_cases(hidden)
    got = []
    for t, offset, D, beta, pi2, case in cases:
        value = ex.call(student_weight, t, offset, D, beta, pi2, case=case)
        got.append(ex.number(value, f"your weight at {case}"))
    got = np.array(got)
    want = np.array([_logistic(border_log_odds(*c[:5])) for c in cases])
    if not all(ex.holds(ok) for ok in np.isclose(got, want, rtol=1e-7, atol=1e-10)):
        per_case = [_border_mistakes(*c[:5]) for c in cases]
        wrong = [(np.array([m[key][0] for m in per_case]), per_case[0][key][1], key) for key in per_case[0]]
        ex.name_mistake(got, wrong, "on every case", rtol=1e-7, atol=1e-10)
        first = int(np.flatnonzero(~np.isclose(got, want, rtol=1e-7, atol=1e-10))[0])
        ex.fail(
            f"at {cases[first][5]} your weight is {got[first]:.6g}, the closed form gives {want[first]:.6g}. Write "
            "log(r_2 / r_1) = log(pi_2 N(x | mu_2, I/beta)) - log(pi_1 N(x | mu_1, I/beta)) and expand the two "
            "squared distances for x = mu_1 + t (mu_2 - mu_1) + offset * (a unit vector perpendicular to it)."
        )
    ex.passed(f"{len(cases)} parameter sets, points beside the line and beyond the centres")


def band_width_reference(D, beta, pi2):
    """The width in t of the positions where 0.2 <= r_2 <= 0.8: the log-odds runs from -log 4 to +log 4."""
    return 2 * np.log(4.0) / (beta * D**2)


def _band_mistakes(D, beta, pi2):
    """[(the width that derivation gives, what went wrong, key)] for one parameter set."""
    scale = beta * D**2
    prior = np.log(pi2 / (1 - pi2))
    edge_80, edge_20 = 0.5 + (np.log(4.0) - prior) / scale, 0.5 - (np.log(4.0) + prior) / scale
    edge = (
        "that is where one edge of the band lies, not how wide the band is: the width is the distance in t "
        "from the edge at r_2 = 0.2 to the edge at r_2 = 0.8"
    )
    return [
        (
            np.log(4.0) / scale,
            "your band is half as wide as it should be. The band runs from r_2 = 0.2 on one side of the border to "
            "r_2 = 0.8 on the other, so measure both sides; and check that your log-odds carries beta D^2 once, "
            "not twice (the exponent of each Gaussian has beta/2)",
            "half_width",
        ),
        (
            4 * np.log(4.0) / scale,
            "your band is twice as wide as it should be: a factor 1/2 too many in your log-odds, or both sides "
            "counted twice",
            "double_width",
        ),
        (
            (4.0 - 0.25) / scale,
            "you set the log-odds equal to the odds r_2 / r_1 (4 and 1/4); the left side of your formula is "
            "log(r_2 / r_1), so at the two edges it equals the logarithm of those odds",
            "odds_not_log_odds",
        ),
        (
            0.6 * 4 / scale,
            "that is the band of the straight line that touches the logistic curve at its middle (slope "
            "beta D^2 / 4); the curve flattens towards 0.2 and 0.8, so solve r_2 = 0.2 and r_2 = 0.8 exactly",
            "linearised",
        ),
        (
            2 * np.log(4.0) / (beta * D),
            "your width is D times the width in t: a width in distance along the line, or D where the log-odds "
            "has D^2. The task asks for the width in t, the position along the segment",
            "distance_not_t",
        ),
        (
            2 * np.log(4.0) * beta / D**2,
            "beta multiplies the squared distance in the log-odds: tighter clusters (a larger beta) give a "
            "narrower band, not a wider one",
            "inverse_beta",
        ),
        (edge_80, edge, "band_edge"),
        (edge_20, edge, "band_edge"),
    ]


def _band_cases(hidden):
    visible = [
        (4.0, 1.0, 0.5, "D = 4, beta = 1, equal weights"),
        (2.5, 0.8, 0.5, "D = 2.5, beta = 0.8, equal weights"),
        (3.0, 2.0, 0.75, "D = 3, beta = 2, pi_2 = 0.75"),
        (2.0, 0.5, 0.2, "D = 2, beta = 0.5, pi_2 = 0.2"),
    ]
    hidden_extra = [
        (10.0, 0.25, 0.9, "D = 10, beta = 0.25, pi_2 = 0.9"),
        (1.5, 3.0, 0.6, "D = 1.5, beta = 3, pi_2 = 0.6"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_band_width(student_band, hidden=False):
    """band_width(D, beta, pi2) -> the width in t of the band where 0.2 <= r_2 <= 0.8."""
    ex = Exercise("band_width")
    cases = _band_cases(hidden)
    got = np.array(
        [
            ex.number(ex.call(student_band, D, beta, pi2, case=case), f"your width at {case}")
            for D, beta, pi2, case in cases
        ]
    )
    want = np.array([band_width_reference(*c[:3]) for c in cases])
    right = np.isclose(got, want, rtol=1e-7, atol=1e-12)
    if all(ex.holds(ok) for ok in right):
        ex.passed(f"{len(cases)} pairs (D, beta), with equal and unequal weights")
        return
    per_case = [_band_mistakes(*c[:3]) for c in cases]
    wrong = [
        (np.array([m[i][0] for m in per_case]), per_case[0][i][1], per_case[0][i][2]) for i in range(len(per_case[0]))
    ]
    ex.name_mistake(got, wrong, "on every case", rtol=1e-7, atol=1e-12)
    equal = np.array([c[2] == 0.5 for c in cases])
    first = int(np.flatnonzero(~right)[0])
    if right[equal].all():
        ex.fail(
            f"your width is right for equal weights but not at {cases[first][3]} ({got[first]:.6g}, the closed form "
            f"gives {want[first]:.6g}). How does log(pi_2 / pi_1) enter the log-odds as a function of t: does it "
            "change the slope, or only shift the curve?",
            "prior_changes_width",
        )
    ex.fail(
        f"at {cases[first][3]} your width is {got[first]:.6g}, the closed form gives {want[first]:.6g}. Set your "
        "log-odds equal to its values at r_2 = 0.2 and at r_2 = 0.8, solve each for t, and subtract."
    )


# ---------------------------------------------------------------- exercise 7: a data set that breaks k-means

TRAP_MIN_POINTS, TRAP_MAX_POINTS, TRAP_MIN_GROUP = 20, 1000, 10
TRAP_GAP_RATIO = 1.5  # the gap between the groups, over the longest link inside a group
TRAP_MAX_AGREEMENT = 0.9  # k-means must misplace at least 10% of the points


def _longest_link(points):
    """The longest edge of the minimum spanning tree of the points: the scale on which the group is connected."""
    if len(points) < 2:
        return 0.0
    tree = minimum_spanning_tree(squareform(pdist(points)))
    return float(tree.max()) if tree.nnz else 0.0


def _lloyd(X, centres, max_iter=300):
    """Plain Lloyd iterations from `centres` (an empty cluster keeps its centre): final labels."""
    labels = np.argmin(sqdist(X, centres), axis=1)
    for _ in range(max_iter):
        centres = np.array(
            [X[labels == k].mean(axis=0) if np.any(labels == k) else centres[k] for k in range(len(centres))]
        )
        new = np.argmin(sqdist(X, centres), axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels, centres


def _trap_measures(X, z):
    """(gap between the groups, longest MST edge inside a group, final k-means labels, whether the bisector of
    the two means already separates the groups, share of points k-means keeps in their group)."""
    gap = float(cdist(X[z == 0], X[z == 1]).min())
    link = max(_longest_link(X[z == 0]), _longest_link(X[z == 1]))
    means = np.array([X[z == k].mean(axis=0) for k in range(2)])
    first = np.argmin(sqdist(X, means), axis=1)
    labels, _ = _lloyd(X, means)
    agreement = max(np.mean(labels == z), np.mean(labels != z))
    return gap, link, bool(np.array_equal(first, z)), float(agreement)


def trap_report(X, z):
    """Print what check_kmeans_trap measures on your data (X (n, 2), z (n,) of 0/1), to try ideas before it.

    The gap is the smallest distance between points of different groups; the longest step inside a group is
    the longest edge of that group's minimum spanning tree (the shortest set of segments joining all its
    points); k-means starts at the two groups' means and runs to convergence.
    """
    X, z = np.asarray(X, dtype=float), np.asarray(z).astype(int)
    gap, link, bisector, agreement = _trap_measures(X, z)
    ratio = f"{gap / link:.2f}" if link > 0 else "infinite"
    print(
        f"gap between the groups {gap:.3g}; longest step inside a group {link:.3g} (gap / step = {ratio}, needs "
        f">= {TRAP_GAP_RATIO}); the bisector of the two means {'already separates' if bisector else 'cuts into'} "
        f"the groups; k-means from the means keeps {agreement:.0%} of the points in their group (needs <= "
        f"{TRAP_MAX_AGREEMENT:.0%})."
    )


def _same_data(first, second):
    """Whether two results of kmeans_trap() are the same data."""
    if not (isinstance(second, (tuple, list)) and len(second) == 2):
        return False
    try:
        return all(
            np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
            for a, b in zip(first, second, strict=True)
        )
    except (TypeError, ValueError):
        return False


@exercise_check
def check_kmeans_trap(trap):
    """trap() -> (X (n, 2), z (n,) of 0/1): two clearly separate groups that k-means, started at their means, breaks."""
    ex = Exercise("kmeans_trap")
    callable_trap = ex.is_callable(trap)
    out = ex.call(trap) if callable_trap else ex.read(trap)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        ex.fail(f"kmeans_trap() should return a pair (X, z); got {type(out).__name__}.", "not_a_pair")
    X_raw, z_raw = out
    shape = np.shape(X_raw)
    if len(shape) != 2 or shape[1] != 2:
        ex.fail(f"your X has shape {shape}; it should be (n, 2): n points in the plane.", "wrong_shape")
    n = shape[0]
    if not TRAP_MIN_POINTS <= n <= TRAP_MAX_POINTS:
        ex.fail(
            f"your X has {n} points; use between {TRAP_MIN_POINTS} and {TRAP_MAX_POINTS}, enough for each group "
            "to have a shape.",
            "point_count",
        )
    X = ex.array(X_raw, (n, 2), "your X")
    z = np.asarray(z_raw)
    if z.shape != (n,) or not np.all(np.isin(z, [0, 1])):
        ex.fail(
            f"your z should hold one group label, 0 or 1, for each of the {n} points; got shape {z.shape} with "
            f"values {np.unique(z)[:5] if z.size else z}.",
            "bad_labels",
        )
    if callable_trap:
        again = ex.call(trap, case="a second call")
        ex.expect(
            _same_data(out, again),
            "two calls of kmeans_trap() returned different data, so nobody can rerun your example and see what "
            "you saw. Draw from a generator you seed inside the function (or build the points without "
            "randomness, on a grid).",
            "not_reproducible",
        )
    z = z.astype(int)
    sizes = np.bincount(z, minlength=2)
    ex.expect(
        sizes.min() >= TRAP_MIN_GROUP,
        f"your groups have {sizes[0]} and {sizes[1]} points; give each at least {TRAP_MIN_GROUP}.",
        "group_too_small",
    )
    gap, link, bisector, agreement = _trap_measures(X, z)
    ex.expect(
        gap >= TRAP_GAP_RATIO * link,
        f"your two groups are not clearly separate: the closest points of different groups are {gap:.3g} apart, "
        f"but the longest edge of a group's minimum spanning tree (the step you need to reach every point of the "
        f"group from every other) is {link:.3g}. Make a gap between the groups at least {TRAP_GAP_RATIO} times "
        "that step, so that the right answer is beyond dispute (a person would draw the same two groups).",
        "groups_touch",
    )
    ex.expect(
        not bisector,
        "the bisector between your two groups' means already separates them: k-means' first assignment is "
        "exactly your groups, so the means do not move and it stays there. Whatever the groups' shapes, "
        "k-means only goes wrong when points of one group lie closer to the other group's mean.",
        "bisector_separates",
    )
    ex.expect(
        agreement <= TRAP_MAX_AGREEMENT,
        f"k-means started at your groups' own means keeps {agreement:.0%} of the points in their group: the "
        "bisector of the two means cuts into a group, but too few of its points end up on the wrong side (at "
        f"least {1 - TRAP_MAX_AGREEMENT:.0%} must). Make more of one group lie beyond that bisector.",
        "kmeans_recovers",
    )
    ex.passed(
        f"{n} points, a gap {gap / link:.1f} times the largest step inside a group, and k-means from the true "
        f"means keeps only {agreement:.0%} of them in their group"
    )


# ---------------------------------------------------------------- the mistakes, as data

_ONE_SCREEN = "1. k-means in one screen"
_STEPS = "2. Each step minimises $J$ over one block of variables"
_STOPS = "3. Why k-means always stops: $J$ is a Lyapunov function"
_ROUND = "5. Pathology 2: only round, equal clusters"
_TABLES = "7. Hard and soft assignment tables"
_BORDER = "9. One point moved across a border, in closed form"
_LAB = "10. Lab: the border point"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/01_soft_clustering that explains it (tests/test_mistakes_lesson01.py makes each)
MISTAKES = {
    **{
        f"assign.{key}": _ONE_SCREEN
        for key in (
            "uses_reference",
            "wrong_shape",
            "float_labels",
            "not_integer",
            "farthest",
            "one_based",
            "wrong_value",
        )
    },
    **{
        f"objective.{key}": _ONE_SCREEN
        for key in (
            "uses_reference",
            "not_a_number",
            "not_finite",
            "per_point",
            "not_squared",
            "averaged",
            "all_centres",
            "nearest_not_given",
            "wrong_value",
        )
    },
    **{
        f"update_centers.{key}": _STEPS
        for key in (
            "uses_reference",
            "sums",
            "divided_by_n",
            "transposed",
            "wrong_shape",
            "not_an_array",
            "wrong_value",
        )
    },
    "update_centers.empty_nan": _STOPS,
    "update_centers.empty_moved": _STOPS,
    "update_centers.in_place": _STOPS,
    **{
        f"soft_assign.{key}": _TABLES
        for key in (
            "uses_reference",
            "nan",
            "wrong_axis",
            "rows_not_normalised",
            "shift_not_row_max",
            "one_hot",
            "transposed",
            "wrong_shape",
            "not_an_array",
            "wrong_value",
        )
    },
    **{f"soft_assign.{key}": _BORDER for key in ("no_half", "sqrt", "sign", "inverse_beta")},
    **{
        f"read_table.{key}": _TABLES
        for key in (
            "not_a_triple",
            "wrong_shape",
            "float_labels",
            "not_integer",
            "labels_argmin",
            "labels_one_based",
            "labels_wrong",
            "hard_counts_short",
            "hard_counts_wrong",
            "soft_over_points",
            "soft_shares",
            "soft_is_hard",
            "soft_wrong",
        )
    },
    **{
        f"border_weight.{key}": _BORDER
        for key in (
            "not_a_number",
            "not_finite",
            "no_half",
            "half_twice",
            "unsquared",
            "other_cluster",
            "sign",
            "prior_inverted",
            "no_prior",
            "prior_not_logged",
            "inverse_beta",
            "wrong_value",
        )
    },
    **{
        f"band_width.{key}": _LAB
        for key in (
            "not_a_number",
            "not_finite",
            "half_width",
            "double_width",
            "odds_not_log_odds",
            "linearised",
            "distance_not_t",
            "inverse_beta",
            "band_edge",
            "prior_changes_width",
            "wrong_value",
        )
    },
    **{
        f"kmeans_trap.{key}": _ROUND
        for key in (
            "not_a_pair",
            "wrong_shape",
            "point_count",
            "nan",
            "bad_labels",
            "not_reproducible",
            "group_too_small",
            "groups_touch",
            "bisector_separates",
            "kmeans_recovers",
        )
    },
}
