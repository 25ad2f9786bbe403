"""Checks for the exercises of lesson 08 (k-means as a limit of EM).

The references are independent numpy computations (and `coursepkg.kmeans` for
the k-means labels); a mismatch is explained by comparing with the usual wrong
versions: the exponent without the 1/2, the wrong sign, no max-subtraction
(NaN at large beta), sums instead of means, a norm that is not squared. The soft
responsibilities are judged by `_core.soft_assign`, shared with lesson 01's soft_assign.
"""

import numpy as np

from ._core import (
    Exercise,
    SoftAssignWords,
    answer_value,
    cases_for,
    check_soft_assignment,
    exercise_check,
    forbid,
    judge_answer,
    softmax_rows,
    sqdist,
)

# ---------------------------------------------------------------- data

_TRUE = np.array([[0.0, 0.0], [4.0, 0.5], [1.5, 3.8]])


def _blobs():
    rng = np.random.default_rng(808)  # a generator of its own: no module-level state a later call could consume
    return np.concatenate([c + rng.normal(scale=0.8, size=(25, 2)) for c in _TRUE])


X_C = _blobs()
CENTERS_C = np.array([[0.5, 0.5], [3.0, 1.0], [1.0, 3.0]])


def reference_soft(X, centers, beta):
    return softmax_rows(-0.5 * beta * sqdist(X, centers))


# ---------------------------------------------------------------- exercise 1: soft responsibilities

SOFT_RESPONSIBILITY_WORDS = SoftAssignWords(
    table="your responsibilities on {case}",
    nan=(
        "on {case} your responsibilities contain NaN: exp(-beta/2 d^2) underflows to 0 for every centre "
        "and the ratio is 0/0. Subtract each row's largest logit (the smallest beta/2 d^2) before "
        "exponentiating; the softmax does not change."
    ),
    rows_over_points=(
        "on {case} your columns sum to 1, not your rows: you normalised over points (axis=0) "
        "instead of over centres (axis=1)."
    ),
    rows_other="on {case} the rows of your responsibilities sum to {sums}, not 1.",
    differs="on {case} your responsibilities differ from softmax_k(-beta/2 ||x_n - m_k||^2)",
    mistake_order=("no_half", "sign", "sqrt", "inverse_beta", "one_hot"),
    mistake_words={
        "no_half": "you forgot the 1/2: the exponent is -beta/2 ||x - m||^2 (Sigma = I / beta)",
        "sign": "the sign is flipped: the nearest centre must get the largest weight",
        "sqrt": "use the squared distance in the exponent",
    },
)


@exercise_check
def check_soft_responsibilities(student_soft, hidden=False):
    """soft_responsibilities(X, centers, beta) -> (n, k): softmax over k of -beta/2 ||x_n - m_k||^2."""
    from .. import kmeans

    ex = Exercise("soft_responsibilities")
    forbid(ex, student_soft, [kmeans.soft_responsibilities, kmeans.soft_kmeans])
    rng = np.random.default_rng(3)
    X5, C5 = rng.normal(size=(30, 5)), rng.normal(size=(4, 5))
    visible = [
        (X_C, CENTERS_C, 1.0, "beta = 1"),
        (X_C, CENTERS_C, 0.0, "beta = 0 (every responsibility 1/k)"),
        (X_C, CENTERS_C, 1e6, "beta = 10^6"),
    ]
    hidden_extra = [
        (X5, C5, 2.5, "5-D data, beta = 2.5"),
        (X_C[:1], CENTERS_C, 3.0, "a single point"),
        (X_C, CENTERS_C[:1], 3.0, "k = 1"),
        (X_C + 500.0, CENTERS_C, 1.0, "points 500 units from every centre, beta = 1"),
    ]
    check_soft_assignment(ex, student_soft, cases_for(visible, hidden_extra, hidden), SOFT_RESPONSIBILITY_WORDS)
    ex.passed("including beta = 0 and beta = 10^6" + (", far points, k = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: one soft k-means update


@exercise_check
def check_soft_update(student_update, hidden=False):
    """soft_update(X, resp) -> centres (k, d): m_k = sum_n r_nk x_n / sum_n r_nk."""
    from .. import em

    ex = Exercise("soft_update")
    forbid(ex, student_update, [em.m_step])
    rng = np.random.default_rng(5)
    r1 = reference_soft(X_C, CENTERS_C, 1.0)
    X4 = rng.normal(size=(20, 4))
    visible = [
        (X_C, r1, "soft responsibilities at beta = 1"),
        (X_C, reference_soft(X_C, CENTERS_C, 0.0), "beta = 0 (every centre becomes the data mean)"),
        (X_C, np.eye(3)[np.argmin(sqdist(X_C, CENTERS_C), axis=1)], "one-hot responsibilities (a k-means update)"),
    ]
    hidden_extra = [
        (X4, rng.dirichlet(np.ones(3), size=20), "4-D data, random responsibilities"),
        (X_C[:, :1], r1, "d = 1"),
    ]
    for X, resp, case in cases_for(visible, hidden_extra, hidden):
        n, d = X.shape
        k = resp.shape[1]
        got = ex.array(ex.call(student_update, X, resp, case=case), (k, d), f"your centres on {case}")
        nk = resp.sum(axis=0)
        sums = resp.T @ X
        want = sums / nk[:, None]
        if ex.agrees(got, want, rtol=1e-9, atol=1e-10):
            continue
        wrong = [
            (sums, "your centres are the weighted sums; divide by the total responsibility N_k = sum_n r_nk"),
            (sums / n, "you divided by n instead of N_k = sum_n r_nk"),
            (
                np.array(
                    [
                        X[np.argmax(resp, axis=1) == j].mean(axis=0)
                        if np.any(np.argmax(resp, axis=1) == j)
                        else np.full(d, np.nan)
                        for j in range(k)
                    ]
                ),
                "you used hard labels (argmax); soft k-means weighs every point by r_nk",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
        ex.close(got, want, f"on {case} your centres differ from sum_n r_nk x_n / sum_n r_nk", rtol=1e-9, atol=1e-10)
    ex.passed("including one-hot responsibilities, where it is the k-means update")


# ---------------------------------------------------------------- exercise 3: distance from one-hot


@exercise_check
def check_deviation_from_one_hot(student_dev, hidden=False):
    """deviation_from_one_hot(X, centers, beta) -> max_nk |r_nk - [k = nearest centre of x_n]|."""
    ex = Exercise("deviation_from_one_hot")
    for beta in cases_for([0.0, 1.0, 30.0, 1e6], [1e12, 5.0], hidden):
        case = f"beta = {beta:g}"
        value = ex.number(ex.call(student_dev, X_C, CENTERS_C, beta, case=case), f"your deviation at {case}")
        d2 = sqdist(X_C, CENTERS_C)
        r = softmax_rows(-0.5 * beta * d2)
        hot = np.eye(3)[np.argmin(d2, axis=1)]
        want = float(np.max(np.abs(r - hot)))
        if ex.agrees(value, want, rtol=1e-7, atol=1e-9):
            continue
        wrong = [
            (float(np.mean(np.abs(r - hot))), "you averaged; return the largest deviation (max over n and k)"),
            (float(np.sum(np.abs(r - hot))), "you summed; return the largest deviation (max over n and k)"),
            (
                float(np.max(np.abs(r - np.eye(3)[np.argmax(d2, axis=1)]))),
                "the one-hot row marks the nearest centre (argmin of the distance), not the farthest",
            ),
            (float(np.max(r - hot)), "take the absolute value: r_nk - 1 is negative for the nearest centre"),
        ]
        ex.name_mistake(value, wrong, f"at {case}", rtol=1e-7, atol=1e-9)
        ex.fail(f"at {case} your deviation is {value:.6g}, the reference max |r - one-hot| is {want:.6g}.")
    ex.passed("from 1 - 1/k at beta = 0 down to 0 at beta = 10^6")


# ---------------------------------------------------------------- exercise 4: the limit at a tie


@exercise_check
def check_tie_limit(answer):
    """lim_{beta -> inf} r_1 for a point equidistant from centres 0 and 1, farther from centre 2: 1/2."""
    ex = Exercise("tie_limit")
    value = answer_value(ex, answer, "tie_limit()")
    wrong = [
        (1.0, "a tie has no single nearest centre: exp(-beta/2 d^2) is the same for centres 0 and 1 at every beta"),
        (0.0, "the two tied centres share the point; only centre 2, which is farther, gets 0 in the limit"),
        (1 / 3, "1/3 is the value at beta = 0; as beta grows, the farther centre 2 loses its share"),
    ]
    judge_answer(
        ex,
        value,
        0.5,
        atol=1e-9,
        passed="a tie is split evenly for every beta, so also in the limit",
        mistakes=wrong,
        mistake_atol=1e-6,
        hint="the limit. Write r_1 with the common factor exp(-beta/2 d_0^2) divided out of the numerator and "
        "denominator, then let beta grow.",
    )


# ---------------------------------------------------------------- exercise 5: k-means as matrix factorisation


@exercise_check
def check_factorisation(student_fact, hidden=False):
    """kmeans_factorisation(X, labels, k) -> (Z (n, k) one-hot, M = (Z^T Z)^-1 Z^T X (k, d), J = ||X - Z M||_F^2)."""
    from .. import kmeans

    ex = Exercise("kmeans_factorisation")
    forbid(ex, student_fact, [kmeans.objective, kmeans.update_centers])
    rng = np.random.default_rng(9)
    labels_c = np.argmin(sqdist(X_C, CENTERS_C), axis=1)
    X6 = rng.normal(size=(25, 6))
    l6 = np.concatenate([np.arange(4), rng.integers(0, 4, size=21)])
    visible = [
        (X_C, labels_c, 3, "75 points in 2-D, k = 3"),
        (X_C, np.arange(len(X_C)) % 3, 3, "labels 0, 1, 2, 0, 1, 2, ... (not the nearest centres)"),
    ]
    hidden_extra = [
        (X6, l6, 4, "6-D data, k = 4"),
        (X_C, np.zeros(len(X_C), dtype=int), 1, "k = 1"),
    ]
    for X, labels, k, case in cases_for(visible, hidden_extra, hidden):
        n, d = X.shape
        out = ex.call(student_fact, X, labels, k, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(f"your function should return a triple (Z, M, J); got {type(out).__name__}.")
        Z_raw, M_raw, J_raw = out
        Z = ex.array(Z_raw, (n, k), f"your Z on {case}")
        want_Z = np.eye(k)[labels]
        if not ex.holds(np.array_equal(Z, want_Z)):
            if k > 1 and np.array_equal(Z[:, np.r_[1:k, 0]], want_Z):
                ex.fail(f"on {case} your Z is shifted by one column: label c goes to column c (counting from 0).")
            if not np.all((Z == 0) | (Z == 1)) or not np.all(Z.sum(axis=1) == 1):
                ex.fail(f"on {case} your Z is not one-hot: each row needs a single 1, in column labels[n].")
            ex.fail(f"on {case} your Z puts points in the wrong columns; Z[n, labels[n]] = 1.")
        M = ex.array(M_raw, (k, d), f"your M on {case}")
        counts = want_Z.sum(axis=0)
        want_M = (want_Z.T @ X) / counts[:, None]
        if not ex.agrees(M, want_M, rtol=1e-9, atol=1e-10):
            if np.allclose(M, want_Z.T @ X, rtol=1e-9):
                ex.fail(
                    f"on {case} your M is Z^T X, the sums of each cluster; multiply by (Z^T Z)^-1, which "
                    "divides each row by the cluster size."
                )
            ex.close(
                M, want_M, f"on {case} your M differs from (Z^T Z)^-1 Z^T X, the cluster means", rtol=1e-9, atol=1e-10
            )
        J = ex.number(J_raw, f"your J on {case}")
        resid = X - want_Z @ want_M
        want_J = float(np.sum(resid**2))
        if not ex.agrees(J, want_J, rtol=1e-9, atol=1e-9):
            wrong = [
                (np.sqrt(want_J), "you returned the Frobenius norm; J is its square, ||X - Z M||_F^2"),
                (
                    float(np.linalg.norm(resid, 2) ** 2),
                    "that is the spectral norm (np.linalg.norm(A, 2)); use the "
                    "Frobenius norm: the sum of all squared entries",
                ),
                (want_J / n, "you averaged over points; J is the sum"),
            ]
            ex.name_mistake(J, wrong, f"on {case} your J is {J:.6g}", rtol=1e-9, atol=1e-8)
            ex.fail(f"on {case} your J is {J:.6g}, the reference ||X - Z M||_F^2 is {want_J:.6g}.")
    ex.passed("Z one-hot, M the cluster means, J the k-means objective")
