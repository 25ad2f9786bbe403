"""Checks for the exercises of lesson 05 (the E-step).

Each check runs the student's function on several cases, compares it with an
independent computation (scipy / coursepkg's Gaussian log-density) and, when it
disagrees, computes what the usual wrong versions would have returned to name
the mistake: normalised over points instead of components, the naive pdf ratio
that underflows to 0/0, a transposed table, forgotten weights, a log-likelihood
that was averaged or not summed. The reference log joint (`log_joint`, by Cholesky),
the softmax and the mixture GMM_A come from `_core`, shared with lesson 06.

`check_logsumexp_minus_inf_rows` (exercise 1's cell, after `check_logsumexp`) runs the student's log-sum-exp
on a row whose entries are all -inf (every weight 0), where the answer is log 0 = -inf, never NaN.

Exercises 3 and 4 of the notebook are a prediction and a decision: `check_r_after_doubling` compares the
student's r' = f(r) with responsibilities measured by the reference E-step before and after a weight is
doubled; `check_place_mu_2` measures r_1 for the mean the student chose. `check_r_nearest` and
`check_multiplier` are the notebook's earlier exercises 3 and 4 (a number the lesson computes, a formula it
states); they stay as checks (tests/test_judge.py uses `check_r_nearest`) and in MISTAKES.
"""

import numpy as np
from scipy import special

from ._core import (
    GMM_A,
    Exercise,
    answer_value,
    cases_for,
    draw_points,
    exercise_check,
    forbid,
    judge_answer,
    log_joint,
    nonfinite_of_shape,
    normalised_over_points,
    reference_e_step,
    softmax_rows,
)

X_A = draw_points(GMM_A, 40, 5)


def _e_step_cases(hidden):
    w, m, c = GMM_A
    gmm_1d = (np.array([0.2, 0.5, 0.3]), np.array([[-2.0], [0.0], [1.5]]), np.array([[[0.5]], [[2.0]], [[0.2]]]))
    rng = np.random.default_rng(11)
    X_1d = rng.normal(scale=2.0, size=(25, 1))
    k50, d50 = 4, 50
    w50 = np.array([0.1, 0.2, 0.3, 0.4])
    m50 = rng.normal(scale=2.0, size=(k50, d50))
    c50 = np.array([np.eye(d50) * s for s in (0.5, 1.0, 1.5, 2.0)])
    X50 = m50[rng.integers(0, k50, size=30)] + rng.normal(size=(30, d50)) * 4.0
    perm = [2, 0, 1]
    visible = [
        (X_A, (w, m, c), "40 points of a 3-component mixture in 2-D"),
        (X_A + 1000.0, (w, m, c), "points 1000 standard deviations away"),
        (X_A, (np.array([1.0]), m[:1], c[:1]), "k = 1 (every responsibility must be 1)"),
    ]
    hidden_extra = [
        (X_1d, gmm_1d, "d = 1 (X of shape (25, 1))"),
        (X50, (w50, m50, c50), "30 points in 50 dimensions"),
        (X_A[:1], (w, m, c), "a single point"),
        (X_A, (w[perm], m[perm], c[perm]), "the components listed in another order"),
    ]
    return cases_for(visible, hidden_extra, hidden)


# ---------------------------------------------------------------- exercise 1: log-sum-exp


@exercise_check
def check_logsumexp(student_logsumexp, hidden=False):
    """logsumexp(a, axis) -> log(sum(exp(a), axis)), without overflow or underflow; the axis is removed."""
    ex = Exercise("logsumexp")
    forbid(ex, student_logsumexp, [special.logsumexp])
    rng = np.random.default_rng(3)
    small = rng.normal(size=(4, 3))
    visible = [
        (small, 1, "a (4, 3) array of ordinary numbers, axis=1"),
        (small, 0, "the same array with axis=0"),
        (np.array([[1000.0, 1000.5, 999.0], [-1000.0, -1001.0, -1002.0]]), 1, "rows around +1000 and -1000, axis=1"),
        (np.array([[0.0, -np.inf, 1.0], [2.0, 2.0, -np.inf]]), 1, "entries equal to -inf (log 0, a weight pi_k = 0)"),
    ]
    hidden_extra = [
        (np.array([-745.5, -746.0, -800.0]), 0, "a 1-D array near the underflow limit of exp, axis=0"),
        (rng.normal(size=(2, 3, 5)) * 300, 2, "a (2, 3, 5) array of large numbers, axis=2"),
        (np.array([[7.0]]), 1, "a single entry"),
    ]
    for a, axis, case in cases_for(visible, hidden_extra, hidden):
        want = special.logsumexp(a, axis=axis)
        raw = ex.call(student_logsumexp, a, axis, case=case)
        got = np.asarray(raw, dtype=float) if raw is not None else None
        if got is None:
            ex.fail(f"on {case} your function returned None; did you forget `return`?", "returned_none")
        if got.shape != want.shape:
            with np.errstate(all="ignore"):
                other = special.logsumexp(a, axis=1 - axis) if a.ndim == 2 and axis in (0, 1) else None
            if got.shape == np.expand_dims(want, axis).shape:
                ex.fail(
                    f"on {case} your result has shape {got.shape}, expected {want.shape}: the summed axis should "
                    "disappear. Use keepdims=True only for the intermediate max, then drop it (np.squeeze).",
                    "keepdims",
                )
            if other is not None and got.shape == other.shape:
                ex.fail(
                    f"on {case} your result has shape {got.shape}, expected {want.shape}: you reduced over the "
                    f"wrong axis. Use the `axis` argument (here axis={axis}) in every max and sum.",
                    "wrong_axis",
                )
            ex.fail(f"on {case} your result has shape {got.shape}, expected {want.shape}.", "wrong_shape")
        with np.errstate(all="ignore"):
            m_axis = np.max(a, axis=axis)
            global_m = np.max(a)
            naive = np.log(np.sum(np.exp(a), axis=axis))
            global_shift = global_m + np.log(np.sum(np.exp(a - global_m), axis=axis))
        if not np.all(np.isfinite(got)):
            if np.any(np.isposinf(got)) and np.any(np.isposinf(naive)):
                ex.fail(
                    f"on {case} your result contains +inf: exp(1000) overflows. Subtract the largest entry m "
                    "first: log sum exp(a) = m + log sum exp(a - m).",
                    "overflow",
                )
            if np.array_equal(got, global_shift, equal_nan=True) and not np.array_equal(naive, got, equal_nan=True):
                ex.fail(
                    f"on {case} your result contains -inf: you subtracted the maximum of the whole array, so a row "
                    "far below it still underflows. Subtract the maximum along `axis` (each row's own maximum).",
                    "global_max",
                )
            if np.any(np.isneginf(got)):
                ex.fail(
                    f"on {case} your result contains -inf: exp(-1000) underflows to 0 and log(0) = -inf. Subtract "
                    "the largest entry m first: log sum exp(a) = m + log sum exp(a - m).",
                    "underflow",
                )
            ex.fail(
                f"on {case} your result contains NaN. With -inf entries, a - m is still -inf and exp(-inf) = 0, "
                "which is fine; a NaN usually means inf - inf: subtract the maximum, not the sum or the mean.",
                "nan",
            )
        if ex.agrees(got, want, rtol=1e-10, atol=1e-10):
            continue
        wrong = [
            (want - m_axis, "add the maximum back: log sum exp(a) = m + log sum exp(a - m)", "max_not_added"),
            (m_axis, "you returned only the maximum; add log sum exp(a - m) to it", "only_max"),
            (np.exp(want), "you returned sum(exp(a)); take its logarithm", "no_log"),
            (np.sum(a, axis=axis), "you returned sum(a); the log of a sum of exponentials is not a sum", "sum_of_a"),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
        ex.close(got, want, f"on {case} your result differs from log(sum(exp(a), axis))", rtol=1e-10, atol=1e-10)
    ex.passed("including values around ±1000 and -inf entries" + (", 1-D and 3-D arrays" if hidden else ""))


# a row (or column) in which every entry is -inf: every weight pi_k is 0 there, sum exp = 0, the answer is log 0 = -inf
MINUS_INF_CASES = [
    (
        np.array([[0.0, -np.inf, 1.0], [-np.inf, -np.inf, -np.inf]]),
        1,
        "a (2, 3) array whose second row is all -inf, axis=1",
    ),
    (np.array([[-np.inf, 2.0], [-np.inf, -np.inf]]), 0, "a (2, 2) array whose first column is all -inf, axis=0"),
]
MINUS_INF_HIDDEN = [
    (
        np.where(np.arange(12).reshape(2, 2, 3) < 3, -np.inf, np.arange(12.0).reshape(2, 2, 3) * 100),
        2,
        "a (2, 2, 3) array with one all -inf row along axis=2 and large entries elsewhere",
    ),
    (np.full(4, -np.inf), 0, "a 1-D array of four -inf, axis=0"),
]


@exercise_check
def check_logsumexp_minus_inf_rows(student_logsumexp, hidden=False):
    """logsumexp(a, axis) on a row whose entries are all -inf: log 0 = -inf there (as scipy), never NaN."""
    ex = Exercise("logsumexp")
    forbid(ex, student_logsumexp, [special.logsumexp])
    for a, axis, case in cases_for(MINUS_INF_CASES, MINUS_INF_HIDDEN, hidden):
        want = special.logsumexp(a, axis=axis)
        raw = ex.call(student_logsumexp, a, axis, case=case)
        if raw is None:
            ex.fail(f"on {case} your function returned None; did you forget `return`?", "returned_none")
        try:
            got = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            ex.fail(f"on {case} your result should be a numeric array; got {type(raw).__name__}.", "not_an_array")
        if got.shape != want.shape:
            ex.fail(f"on {case} your result has shape {got.shape}, expected {want.shape}.", "wrong_shape")
        empty = np.isneginf(want)
        if np.any(np.isnan(got[empty])):
            ex.fail(
                f"on {case} your result is NaN where every entry is -inf; there the sum of exponentials is 0 and "
                "log sum exp = log 0 = -inf. Your shift m is -inf on that row, and -inf - (-inf) is NaN. The "
                "identity log sum exp(a) = m + log sum exp(a - m) holds for any finite m: which m will you "
                "subtract when a row's maximum is not a finite number?",
                "all_minus_inf_nan",
            )
        if not np.all(np.isneginf(got[empty])):
            ex.fail(
                f"on {case} your result is {got[empty][0]:.4g} where every entry is -inf; the sum of the "
                "exponentials is 0 there, so the answer is log 0 = -inf.",
                "all_minus_inf_value",
            )
        ex.close(
            got[~empty],
            want[~empty],
            f"on {case} your result is right on the all -inf part but wrong on the others",
            rtol=1e-10,
            atol=1e-10,
        )
    ex.passed("a row of -inf gives log 0 = -inf" + (", also in 1-D and 3-D arrays" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: the E-step

NAN_HINT = (
    "On points far from every component each pi_k N(x_n | mu_k, Sigma_k) underflows to 0, so the ratio is "
    "0/0 = NaN. Never form the pdf: work with a_nk = log pi_k + log N(x_n | mu_k, Sigma_k) and normalise "
    "in log space with log-sum-exp, r_nk = exp(a_nk - logsumexp_j a_nj)."
)


def _check_resp(ex, raw, X, params, case):
    """Check the responsibility table; returns it, or fails naming the likely mistake."""
    weights, means, covs = params
    n, k = len(X), len(weights)
    arr = nonfinite_of_shape(raw, (n, k), (k, n))
    if arr is not None:
        nan_part = "NaN" if np.any(np.isnan(arr)) else "infinite values"
        ex.fail(f"your responsibilities on {case} contain {nan_part}. {NAN_HINT}", "pdf_underflow")
    got = ex.array(raw, (n, k), f"your responsibilities on {case}")
    a = log_joint(X, weights, means, covs)
    want = softmax_rows(a)
    if ex.agrees(got, want, rtol=1e-6, atol=1e-9):
        return got
    with np.errstate(all="ignore"):
        if np.allclose(np.exp(got), want, rtol=1e-6, atol=1e-9):
            ex.fail(
                f"on {case} you returned log r_nk (negative numbers); exponentiate to get the responsibilities.",
                "log_resp",
            )
    rows = got.sum(axis=1)
    if not np.allclose(rows, 1.0, atol=1e-6):
        if n > 1 and normalised_over_points(got, atol=1e-6):
            ex.fail(
                f"on {case} the rows of your responsibilities sum to {np.round(rows[:3], 3)}... (on average "
                f"k/n = {k}/{n} = {k / n:.3g}) and each column sums to 1: you normalised over points (axis=0) "
                "instead of over components. Each point's responsibilities r_n1, ..., r_nk must sum to 1: "
                "normalise along axis=1.",
                "wrong_axis",
            )
        if np.any(np.all(got == 0, axis=1)):
            ex.fail(
                f"on {case} some rows of your responsibilities are all 0, not a distribution. {NAN_HINT}", "zero_rows"
            )
        ex.fail(
            f"on {case} the rows of your responsibilities sum to {np.round(rows[:3], 4)}..., not 1. Divide each "
            "row by its sum (the mixture density p(x_n)), i.e. subtract logsumexp over components in log space.",
            "rows_not_normalised",
        )
    with np.errstate(divide="ignore"):
        wrong = [
            (
                softmax_rows(log_joint(X, weights, means, covs, use_weights=False)),
                "you forgot the weights pi_k: r_nk is proportional to pi_k N(x_n | mu_k, Sigma_k), so add log pi_k "
                "to each log-density",
                "no_weights",
            ),
            (
                softmax_rows(log_joint(X, weights, means, covs, use_weights=False) + weights),
                "you added pi_k to the log-density; in log space the weight enters as log pi_k",
                "weights_not_logged",
            ),
            (
                softmax_rows(log_joint(X, weights, means, covs, use_logdet=False)),
                "you dropped the normalising constant -1/2 log|2 pi Sigma_k|; it differs between components "
                "(a tight component has a higher peak), so it does not cancel",
                "no_logdet",
            ),
            (
                softmax_rows(log_joint(X, weights, means, covs) + np.log(weights)),
                "you added log pi_k twice",
                "weights_twice",
            ),
            (
                np.eye(k)[np.argmax(a, axis=1)],
                "you returned hard one-hot assignments; the E-step keeps the full posterior r_nk",
                "hard_assignments",
            ),
        ]
    ex.name_mistake(got, wrong, f"on {case}", rtol=1e-6, atol=1e-9)
    ex.close(
        got,
        want,
        f"on {case} your responsibilities differ from pi_k N(x_n | mu_k, Sigma_k) / p(x_n)",
        rtol=1e-6,
        atol=1e-9,
    )
    return got


def _check_loglik(ex, raw, X, params, case):
    weights, means, covs = params
    a = log_joint(X, weights, means, covs)
    per_point = special.logsumexp(a, axis=1)
    want = float(per_point.sum())
    arr = np.asarray(raw, dtype=float) if not isinstance(raw, (str, type(None))) else None
    if arr is None:
        ex.fail(f"your log-likelihood on {case} should be a number, got {raw!r}.", "loglik_not_a_number")
    if arr.ndim > 0 and arr.size > 1:
        if arr.shape == per_point.shape and np.allclose(arr, per_point, rtol=1e-7):
            ex.fail(
                f"on {case} your log-likelihood is an array of shape {arr.shape}, one log p(x_n) per point: "
                "the E-step returns their sum over points, log p(X) = sum_n log p(x_n), a single number.",
                "loglik_per_point",
            )
        ex.fail(
            f"your log-likelihood on {case} should be a single number; got an array of shape {arr.shape}.",
            "loglik_not_a_number",
        )
    value = float(arr.reshape(-1)[0]) if arr.size else float("nan")
    if not np.isfinite(value):
        ex.fail(
            f"your log-likelihood on {case} is {value}: log(sum_k pi_k N(x_n | ...)) underflows to log(0). "
            "Compute log p(x_n) = logsumexp_k a_nk with your logsumexp, then sum over points.",
            "loglik_not_finite",
        )
    if ex.agrees(value, want, rtol=1e-8, atol=1e-6):
        return
    resp = softmax_rows(a)
    wrong = [
        (want / len(X), "you averaged over points; return the total log p(X) = sum_n log p(x_n)", "loglik_averaged"),
        (
            float(special.logsumexp(log_joint(X, weights, means, covs, use_weights=False), axis=1).sum()),
            "you forgot the weights pi_k inside the log: log p(x_n) = log sum_k pi_k N(x_n | mu_k, Sigma_k)",
            "loglik_no_weights",
        ),
        (
            float(np.sum(resp * a)),
            "that is Q = sum_nk r_nk log(pi_k N(x_n | ...)), the expected complete-data log-likelihood; "
            "the E-step returns log p(X) = sum_n logsumexp_k a_nk",
            "loglik_is_q",
        ),
        (float(a.max(axis=1).sum()), "you used the largest term max_k a_nk instead of logsumexp_k a_nk", "loglik_max"),
        (
            float(special.logsumexp(a)),
            "you took one logsumexp over the whole table; take it per point (axis=1), then sum",
            "loglik_one_logsumexp",
        ),
        (
            float(np.sum(a)),
            "you summed a_nk over points and components; log p(x_n) is logsumexp over components",
            "loglik_sum_of_a",
        ),
    ]
    ex.name_mistake(value, wrong, f"on {case} your log-likelihood is {value:.6g}", rtol=1e-8, atol=1e-6)
    ex.fail(
        f"on {case} your log-likelihood is {value:.8g}, the reference log p(X) is {want:.8g}.", "loglik_wrong_value"
    )


@exercise_check
def check_e_step(student_e_step, hidden=False):
    """e_step(X, weights, means, covs) -> (resp (n, k), log_likelihood float)."""
    from .. import em, mixture

    ex = Exercise("e_step")
    forbid(
        ex,
        student_e_step,
        [em.e_step, em.EMStepper, mixture.weighted_log_prob, mixture.log_density, mixture.log_likelihood],
    )
    for X, params, case in _e_step_cases(hidden):
        weights, means, covs = params
        out = ex.call(student_e_step, X, weights, means, covs, case=case)
        if isinstance(out, tuple) and len(out) == 2:
            resp, loglik = out
        elif isinstance(out, np.ndarray) and out.ndim == 2:
            _check_resp(ex, out, X, params, case)
            ex.fail(
                "your function returned only the responsibilities (they are right); return the pair "
                "(resp, log_likelihood).",
                "resp_only",
            )
        else:
            ex.fail(
                f"your function should return a pair (resp, log_likelihood); got {type(out).__name__}.", "not_a_pair"
            )
        _check_resp(ex, resp, X, params, case)
        _check_loglik(ex, loglik, X, params, case)
    ex.passed(
        "including points 1000 standard deviations away" + (", d = 1, 50 dimensions, a single point" if hidden else "")
    )


# ---------------------------------------------------------------- exercise 3: responsibility vs nearest centre

# two 1-D components with equal weights: a wide one at 0 (variance 4), a tight one at 3 (variance 0.1); x = 2
NEAREST_PROBLEM = dict(weights=(0.5, 0.5), means=(0.0, 3.0), variances=(4.0, 0.1), x=2.0)


def _two_component_r1(variances=(4.0, 0.1), weights=(0.5, 0.5), drop_logdet=False, x=2.0, means=(0.0, 3.0)):
    a = []
    for w, mu, var in zip(weights, means, variances, strict=True):
        term = np.log(w) - 0.5 * (x - mu) ** 2 / var
        if not drop_logdet:
            term -= 0.5 * np.log(2 * np.pi * var)
        a.append(term)
    a = np.array(a)
    return float(np.exp(a[1] - special.logsumexp(a)))


@exercise_check
def check_r_nearest(answer):
    """The responsibility of the tight component at 3 (the nearer centre) for x = 2."""
    ex = Exercise("r_nearest")
    x = answer_value(ex, answer, "r_nearest()")
    want = _two_component_r1()
    wrong = [
        (
            1 - want,
            "that is the responsibility of the wide component at 0; the question asks for component 1 at 3",
            "other_component",
        ),
        (
            1.0,
            "that is k-means' hard answer (nearest centre); the responsibility weighs the density of each component",
            "nearest_centre",
        ),
        (0.5, "equal weights do not make equal responsibilities; compare the two densities at x = 2", "equal_split"),
        (
            _two_component_r1(drop_logdet=True),
            "you dropped the normalising constants 1/sqrt(2 pi sigma_k^2); they differ between the components and do "
            "not cancel",
            "no_logdet",
        ),
        (
            _two_component_r1(variances=(2.0, 0.1**0.5)),
            "you used the standard deviations where the variances go: the exponent is -(x - mu)^2 / (2 sigma^2)",
            "std_for_variance",
        ),
        (
            _two_component_r1(variances=(16.0, 0.01)),
            "you squared the variances: 4 and 0.1 are already sigma^2",
            "squared_variance",
        ),
    ]
    judge_answer(
        ex,
        x,
        want,
        atol=5e-5,
        passed=f"r = {want:.4f}: the nearer centre takes under 7% of the point",
        mistakes=wrong,
        mistake_atol=5e-4,
        hint="the responsibility r_1(x = 2). Compute a_k = log pi_k + log N(2 | mu_k, sigma_k^2) for both "
        "components and r_1 = exp(a_1 - logsumexp(a)). Give at least 4 decimals.",
    )


# ---------------------------------------------------------------- exercise 4: the Lagrange multiplier


def _log_p_nearest(weights=(0.5, 0.5)):
    p = NEAREST_PROBLEM
    a = [
        np.log(w) - 0.5 * np.log(2 * np.pi * v) - 0.5 * (p["x"] - m) ** 2 / v
        for w, m, v in zip(weights, p["means"], p["variances"], strict=True)
    ]
    return float(special.logsumexp(a)), float(max(a))


@exercise_check
def check_multiplier(answer):
    """lambda at the optimum of Lambda(q, lambda) = sum_k q_k (a_k - log q_k) + lambda (sum_k q_k - 1)."""
    ex = Exercise("multiplier")
    lam = answer_value(ex, answer, "multiplier()")
    log_p, a_max = _log_p_nearest()
    want = 1 - log_p
    log_p_unweighted, _ = _log_p_nearest(weights=(1.0, 1.0))
    wrong = [
        (
            log_p - 1,
            "the sign is flipped. With + lambda (sum q_k - 1) in the Lagrangian, setting the derivative "
            "a_k - log q_k - 1 + lambda to 0 gives q_k = exp(lambda - 1) exp(a_k)",
            "sign",
        ),
        (-log_p, "you forgot the 1: the derivative of q log q is log q + 1, not log q", "forgot_one"),
        (log_p, "that is log p(x) itself; solve sum_k exp(lambda - 1) exp(a_k) = 1 for lambda", "log_p"),
        (1 + log_p, "check the sign of log p(x): exp(lambda - 1) p(x) = 1 gives lambda = 1 - log p(x)", "log_p_sign"),
        (
            1 - log_p_unweighted,
            "you left out the weights pi_k = 1/2: a_k = log pi_k + log N(x | mu_k, sigma_k^2)",
            "no_weights",
        ),
        (1 - a_max, "you used the largest a_k instead of log p(x) = logsumexp_k a_k", "max_a"),
    ]
    judge_answer(
        ex,
        lam,
        want,
        atol=1e-4,
        passed=f"lambda = 1 - log p(x) = {want:.4f}",
        mistakes=wrong,
        mistake_atol=1e-3,
        hint="the multiplier. Solve the stationarity condition for q_k, sum over k and use the constraint "
        "sum_k q_k = 1 to find lambda in terms of p(x); then evaluate it at x = 2.",
    )


# ---------------------------------------------------------------- exercise 3: predict, doubling a weight


def _doubling_cases(hidden):
    """(r before, r after, description): the responsibility of one point for one component, measured by the
    reference E-step on X_A before and after that component's weight is doubled (all weights renormalised)."""
    w, m, c = GMM_A
    resp = reference_e_step(X_A, w, m, c)[0]

    def measured(point, j, words):
        doubled = w.copy()
        doubled[j] *= 2
        after = reference_e_step(X_A[point : point + 1], doubled / doubled.sum(), m, c)[0][0, j]
        return (
            float(resp[point, j]),
            float(after),
            f"the point with Python index {point} and component {j + 1} (Python index {j}, "
            f"r = {resp[point, j]:.4g}){words}",
        )

    order = np.argsort(np.abs(resp[:, 1] - 0.4))  # points whose responsibility for component 2 is near 0.4
    visible = [measured(int(order[0]), 1, ""), measured(int(order[1]), 1, ""), measured(3, 0, "")]
    hidden_extra = [
        measured(int(np.argmax(resp[:, 2])), 2, ", a point it nearly owns"),
        measured(int(np.argmin(resp[:, 2])), 2, ", a point it barely touches"),
        (1.0, 1.0, "r = 1 (k = 1: the only component)"),
        (0.0, 0.0, "r = 0 (a component of weight 0 stays at 0)"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_r_after_doubling(student_r_after, hidden=False):
    """r_after_doubling(r) -> the responsibility after that component's weight pi_j is doubled: 2r / (1 + r)."""
    ex = Exercise("r_after_doubling")
    for r, after, case in _doubling_cases(hidden):
        value = ex.number(ex.call(student_r_after, r, case=case), f"your prediction for {case}")
        if ex.agrees(value, after, rtol=1e-7, atol=1e-9):
            continue
        wrong = [
            (r, "doubling pi_j changes the responsibility: pi_j is a factor of the numerator of r_nj", "unchanged"),
            (
                2 * r,
                "you doubled r itself; the denominator p(x_n) grows too, by pi_j N(x_n | ...), so the shares must "
                "still sum to 1",
                "doubled",
            ),
            (
                2 * r / (1 + 2 * r),
                "you treated r as the odds r / (1 - r); write the new numerator 2 pi_j N_j and the new "
                "denominator, and divide both by p(x_n)",
                "odds_confused",
            ),
            (
                (1 + r) / 2,
                "you halved the other components' share 1 - r; doubling pi_j leaves every other numerator as it "
                "is and changes only the denominator",
                "others_halved",
            ),
        ]
        ex.name_mistake(value, wrong, f"on {case} your prediction is {value:.6g}, measured {after:.6g}", 1e-7, 1e-9)
        ex.fail(
            f"on {case} your prediction is {value:.6g}, but the E-step measures {after:.6g} after doubling pi_j. "
            "Write r' with the doubled weight, then divide numerator and denominator by p(x_n): every term "
            "becomes a function of r alone (the renormalisation of the weights cancels).",
        )
    ex.passed("your prediction matches the measured responsibilities" + (", also at r = 0 and r = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 4: decide, the nearer centre loses

# component 1: wide, mean 0, variance 4; component 2: tight, variance 0.1, mean chosen by the student;
# equal weights; the point x = 2. The student's mean must be nearer to x than 0 is, yet 0.99 <= r_1(x) <= 0.999.
PLACE_PROBLEM = dict(x=2.0, mu_1=0.0, var_1=4.0, var_2=0.1, share=0.99, at_most=0.999)


def _r1_for(mu_2, drop_logdet=False):
    """r_1(x = 2) of the wide component when the tight one sits at mu_2."""
    p = PLACE_PROBLEM
    a = []
    for mu, var in ((p["mu_1"], p["var_1"]), (mu_2, p["var_2"])):
        term = np.log(0.5) - 0.5 * (p["x"] - mu) ** 2 / var
        if not drop_logdet:
            term -= 0.5 * np.log(2 * np.pi * var)
        a.append(term)
    return float(np.exp(a[0] - special.logsumexp(a)))


@exercise_check
def check_place_mu_2(answer):
    """A mean mu_2 of the tight component nearer to x = 2 than mu_1 = 0, with 0.99 <= r_1(2) <= 0.999 all the same."""
    ex = Exercise("place_mu_2")
    mu_2 = answer_value(ex, answer, "place_mu_2()")
    p = PLACE_PROBLEM
    x = p["x"]
    ex.expect(
        abs(x - mu_2) < abs(x - p["mu_1"]),
        f"with mu_2 = {mu_2:.4g} the point x = 2 is {abs(x - mu_2):.4g} from mu_2 and 2 from mu_1 = 0: it is not "
        "nearer to component 2, so k-means would give it to component 1 too. The task asks for a centre that is "
        "nearer (|2 - mu_2| < 2) and loses all the same.",
        "not_nearer",
    )
    r1 = _r1_for(mu_2)
    if r1 > p["at_most"]:
        ex.fail(
            f"with mu_2 = {mu_2:.4g}, r_1 = {r1:.6f}: more than 0.999, so component 2 sits further out than it needs "
            "to. The task asks for the band 0.99 <= r_1 <= 0.999: locate where a_1 - a_2 = log 99 and where it "
            "is log 999, and put mu_2 between.",
            "too_far",
        )
    if r1 >= p["share"]:
        ex.holds(True)
        ex.passed(
            f"mu_2 = {mu_2:.4g} is {abs(x - mu_2):.3g} from x = 2 (mu_1 is 2 away), yet r_1 = {r1:.4f}: "
            "the tight component's density has fallen off long before"
        )
        return
    if r1 < 0.5:
        ex.fail(
            f"with mu_2 = {mu_2:.4g} component 2 still takes r_2 = {1 - r1:.4g} of x = 2: a tight component's peak "
            "is high, so x must sit far out in its tail. Find where a_1 - a_2 >= log(0.99 / 0.01) and move mu_2 "
            "beyond it.",
            "nearer_wins",
        )
    if _r1_for(mu_2, drop_logdet=True) >= p["share"]:
        ex.fail(
            f"with mu_2 = {mu_2:.4g}, r_1 = {r1:.4f} < 0.99: your boundary leaves out the normalising constants "
            "-1/2 log(2 pi sigma_k^2). They differ (the tight component's peak is sqrt(40) times higher) and move "
            "the boundary further out.",
            "no_logdet",
        )
    ex.fail(
        f"with mu_2 = {mu_2:.4g}, r_1 = {r1:.4f}: component 1 wins, but not by 0.99. Solve a_1 - a_2 >= log 99 for "
        "|2 - mu_2| and take a mean a little beyond that distance (still less than 2 from x).",
        "not_enough",
    )


# ---------------------------------------------------------------- the mistakes, as data

_BAYES = "2. Responsibilities are a posterior, by Bayes' rule"
_LAGRANGE = "3. The same answer from the lower bound, with a Lagrange multiplier"
_UNDERFLOW = "4. When the textbook formula fails: densities too small for float64"
_LSE = "5. The log-sum-exp trick"
_NEAREST = 'Responsibility is not "nearest centre"'
_WEIGHTS = "7. Unequal weights move the boundary too"
_TIGHT = "Tight against wide: where the winner changes"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/05_e_step that explains it (tests/test_mistakes.py makes each of them)
MISTAKES = {
    **{
        f"logsumexp.{key}": _LSE
        for key in (
            "returned_none",
            "keepdims",
            "wrong_axis",
            "wrong_shape",
            "global_max",
            "nan",
            "max_not_added",
            "only_max",
            "no_log",
            "sum_of_a",
            "uses_reference",
            "wrong_value",
            "all_minus_inf_nan",
            "all_minus_inf_value",
            "not_an_array",
        )
    },
    "logsumexp.overflow": _UNDERFLOW,
    "logsumexp.underflow": _UNDERFLOW,
    "e_step.pdf_underflow": _UNDERFLOW,
    "e_step.zero_rows": _UNDERFLOW,
    **{
        f"e_step.{key}": _BAYES
        for key in (
            "wrong_axis",
            "rows_not_normalised",
            "transposed",
            "wrong_shape",
            "log_resp",
            "no_weights",
            "weights_not_logged",
            "no_logdet",
            "weights_twice",
            "resp_only",
            "not_a_pair",
            "uses_reference",
            "wrong_value",
        )
    },
    "e_step.hard_assignments": "6. " + _NEAREST,
    **{
        f"e_step.{key}": _LSE
        for key in (
            "loglik_not_a_number",
            "loglik_per_point",
            "loglik_not_finite",
            "loglik_averaged",
            "loglik_no_weights",
            "loglik_is_q",
            "loglik_max",
            "loglik_one_logsumexp",
            "loglik_sum_of_a",
            "loglik_wrong_value",
        )
    },
    **{
        f"r_nearest.{key}": "6. " + _NEAREST
        for key in (
            "other_component",
            "nearest_centre",
            "equal_split",
            "no_logdet",
            "std_for_variance",
            "squared_variance",
            "returned_none",
            "not_a_number",
            "not_finite",
            "wrong_value",
        )
    },
    **{
        f"r_after_doubling.{key}": _WEIGHTS
        for key in (
            "unchanged",
            "doubled",
            "odds_confused",
            "others_halved",
            "not_a_number",
            "not_finite",
            "wrong_value",
        )
    },
    **{
        f"place_mu_2.{key}": _TIGHT
        for key in ("not_nearer", "too_far", "nearer_wins", "no_logdet", "not_enough", "returned_none", "not_a_number")
    },
    "place_mu_2.not_finite": _TIGHT,
    **{
        f"multiplier.{key}": _LAGRANGE
        for key in ("sign", "forgot_one", "log_p", "log_p_sign", "no_weights", "max_a", "returned_none", "wrong_value")
    },
}
