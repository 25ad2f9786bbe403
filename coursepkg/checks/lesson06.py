"""Checks for the exercises of lesson 06 (the M-step).

The reference M-step, Q and finite-difference gradient below are written out
with numpy, independently of `coursepkg.em`; when a student's result disagrees,
the check computes the usual wrong versions (divided by n instead of N_k, not
centred, reg_covar forgotten, responsibilities summed over the wrong axis, ...)
and names the one that matches. The log joint, the reference E-step and the
mixture GMM_A are lesson 05's, from `_core`.
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
    reference_e_step,
)

# ---------------------------------------------------------------- data


def _start(X, k, seed):
    """A rough starting mixture: k data points as means, the data covariance for every component."""
    rng = np.random.default_rng(seed)
    means = X[rng.choice(len(X), size=k, replace=False)]
    cov = np.cov(X.T, bias=True).reshape(X.shape[1], X.shape[1])
    return np.full(k, 1.0 / k), means, np.repeat(cov[None], k, axis=0)


X_B = draw_points(GMM_A, 120, 8)
PARAMS_OLD = _start(X_B, 3, 2)
RESP_B = reference_e_step(X_B, *PARAMS_OLD)[0]


def reference_m_step(X, resp, reg_covar):
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    d = X.shape[1]
    covs = np.empty((len(nk), d, d))
    for j in range(len(nk)):
        diff = X - means[j]
        covs[j] = (resp[:, j, None] * diff).T @ diff / nk[j] + reg_covar * np.eye(d)
    return nk / len(X), means, covs


def reference_Q(X, resp, weights, means, covs):
    with np.errstate(divide="ignore"):
        a = log_joint(X, weights, means, covs)
    terms = np.where(resp > 0, resp * a, 0.0)
    return float(terms.sum())


def _m_step_cases(hidden):
    rng = np.random.default_rng(4)
    hard = np.eye(3)[np.argmax(RESP_B[:, :2], axis=1)]  # every point to component 0 or 1 ...
    hard[7] = [0.0, 0.0, 1.0]  # ... except one, alone in component 2 (its covariance is reg_covar I)
    X1 = rng.normal(size=(30, 1)) * 2
    r1 = reference_e_step(X1, np.array([0.5, 0.5]), np.array([[-1.0], [1.0]]), np.array([[[1.0]], [[1.0]]]))[0]
    X5 = rng.normal(size=(40, 5))
    r5 = rng.dirichlet(np.ones(3), size=40)
    shifted = X_B + 1e6
    visible = [
        (X_B, RESP_B, 1e-6, "120 points in 2-D with soft responsibilities, reg_covar = 1e-6"),
        (X_B, RESP_B, 0.01, "the same with reg_covar = 0.01"),
        (X_B, hard, 1e-6, "hard responsibilities where component 2 holds a single point"),
    ]
    hidden_extra = [
        (X1, r1, 1e-6, "d = 1 (X of shape (30, 1))"),
        (X_B, np.ones((len(X_B), 1)), 1e-6, "k = 1 (every responsibility 1)"),
        (X5, r5, 0.0, "5-D data with random responsibilities and reg_covar = 0"),
        (shifted, RESP_B, 1e-6, "the data shifted by 10^6 in every coordinate"),
    ]
    return cases_for(visible, hidden_extra, hidden)


# ---------------------------------------------------------------- exercise 1: the M-step


def _uncentred_covs(X, resp, reg, divide_by=None):
    nk = resp.sum(axis=0)
    d = X.shape[1]
    out = np.empty((len(nk), d, d))
    for j in range(len(nk)):
        out[j] = (resp[:, j, None] * X).T @ X / (nk[j] if divide_by is None else divide_by) + reg * np.eye(d)
    return out


@exercise_check
def check_m_step(student_m_step, hidden=False):
    """m_step(X, resp, reg_covar) -> (weights (k,), means (k, d), covs (k, d, d))."""
    from .. import em

    ex = Exercise("m_step")
    forbid(ex, student_m_step, [em.m_step, em.fit_em, em.EMStepper])
    passed_unshifted = False
    for X, resp, reg, case in _m_step_cases(hidden):
        n, d = X.shape
        k = resp.shape[1]
        out = ex.call(student_m_step, X, resp, reg, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(f"your function should return a tuple (weights, means, covs); got {type(out).__name__}.")
        w_raw, m_raw, c_raw = out
        nk = resp.sum(axis=0)
        want_w, want_m, want_c = reference_m_step(X, resp, reg)

        # weights
        w_arr = np.asarray(w_raw, dtype=float) if w_raw is not None else np.array(None)
        if w_arr.shape == (n,):
            ex.fail(
                f"on {case} your weights have shape ({n},), one per point: N_k = sum_n r_nk sums the "
                "responsibilities over the points (axis=0), giving one number per component."
            )
        w = ex.array(w_raw, (k,), f"your weights on {case}")
        if not ex.agrees(w, want_w, rtol=1e-9, atol=1e-12):
            if np.allclose(w, nk, rtol=1e-9):
                ex.fail(f"on {case} your weights are N_k, which sum to n = {n}; divide by n: pi_k = N_k / n.")
            if np.allclose(w, np.full(k, 1.0 / k)):
                ex.fail(f"on {case} your weights are all 1/k; they come from the responsibilities: pi_k = N_k / n.")
            ex.close(w, want_w, f"on {case} your weights differ from N_k / n", rtol=1e-9, atol=1e-12)

        # means
        m = ex.array(m_raw, (k, d), f"your means on {case}")
        if not ex.agrees(m, want_m, rtol=1e-9, atol=1e-9):
            sums = resp.T @ X
            wrong = [
                (sums, "your means are the weighted sums sum_n r_nk x_n; divide by N_k"),
                (sums / n, "you divided by n instead of N_k: mu_k = sum_n r_nk x_n / N_k"),
                (
                    np.repeat(X.mean(axis=0)[None], k, axis=0),
                    "every mean is the plain data mean; weight each point by r_nk: mu_k = sum_n r_nk x_n / N_k",
                ),
            ]
            ex.name_mistake(m, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
            ex.close(m, want_m, f"on {case} your means differ from sum_n r_nk x_n / N_k", rtol=1e-9, atol=1e-9)

        # covariances
        c_arr = np.asarray(c_raw, dtype=float) if c_raw is not None else np.array(None)
        if c_arr.shape == (d, d, k) and k != d:
            ex.fail(
                f"on {case} your covariances have shape {c_arr.shape}; stack them as (k, d, d) = ({k}, {d}, {d}): "
                "covs[j] is the (d, d) matrix of component j."
            )
        if c_arr.shape == (k, d, d) and not np.all(np.isfinite(c_arr)):
            ex.fail(f"on {case} your covariances contain NaN or inf; check for a division by a zero N_k or by 0.")
        c = ex.array(c_raw, (k, d, d), f"your covariances on {case}")
        if ex.agrees(c, want_c, rtol=1e-7, atol=1e-8):
            if not case.startswith("the data shifted"):
                passed_unshifted = True
            continue
        eye = np.eye(d)
        with np.errstate(all="ignore"):
            unweighted = np.cov(X.T, bias=True).reshape(d, d)
            unbiased = np.array(
                [np.cov(X.T, aweights=resp[:, j], bias=False).reshape(d, d) + reg * eye for j in range(k)]
            )
            raw = want_c - reg * eye  # the centred weighted scatter / N_k
            wrong = [
                (raw, "you forgot reg_covar: add reg_covar to the diagonal, Sigma_k = S_k / N_k + reg_covar I"),
                (raw + 1e-6 * eye, "you added 1e-6, not the reg_covar argument passed to your function"),
                (raw + reg, "you added reg_covar to every entry; add it to the diagonal only (reg_covar * I)"),
                (
                    raw * nk[:, None, None] / n + reg * eye,
                    "you divided by n instead of N_k: Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k",
                ),
                (
                    raw * nk[:, None, None] + reg * eye,
                    "divide the weighted scatter sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T by N_k",
                ),
                (_uncentred_covs(X, resp, reg), "you forgot to centre: use (x_n - mu_k)(x_n - mu_k)^T, not x_n x_n^T"),
                (
                    _uncentred_covs(X, resp, reg, divide_by=n),
                    "you forgot to centre (x_n - mu_k) and divided by n instead of N_k",
                ),
                (
                    np.repeat(unweighted[None], k, axis=0) + reg * eye,
                    "every covariance is the plain covariance of the data; weight each outer product by r_nk",
                ),
                (
                    unbiased,
                    "np.cov divides by an 'unbiased' normaliser by default; the M-step divides by N_k: pass bias=True",
                ),
            ]
        ex.name_mistake(c, wrong, f"on {case}", rtol=1e-7, atol=1e-8)
        if case.startswith("the data shifted") and passed_unshifted:
            ex.fail(
                f"on {case} your covariances are off by {np.max(np.abs(c - want_c)):.2g} although they were right "
                "before the shift: the formula E[x x^T] - mu mu^T subtracts two numbers near 10^12 and loses every "
                "digit. Centre first: sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k."
            )
        ex.close(
            c,
            want_c,
            f"on {case} your covariances differ from sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k + reg_covar I",
            rtol=1e-7,
            atol=1e-8,
        )
    ex.passed(
        "including a one-point component and reg_covar = 0.01"
        + (", d = 1, k = 1 and data shifted by 10^6" if hidden else "")
    )


# ---------------------------------------------------------------- exercise 2: Q


def _Q_cases(hidden):
    w, m, c = PARAMS_OLD
    rng = np.random.default_rng(9)
    X1 = rng.normal(size=(20, 1))
    r1 = rng.dirichlet(np.ones(2), size=20)
    r1[:5] = [1.0, 0.0]  # exact zeros: 0 * log N counts as 0
    p1 = (np.array([0.3, 0.7]), np.array([[-1.0], [1.0]]), np.array([[[0.5]], [[2.0]]]))
    visible = [
        (X_B, RESP_B, (w, m, c), "120 points in 2-D, the starting parameters"),
        (X_B, RESP_B, reference_m_step(X_B, RESP_B, 0.0), "the same points at the M-step update"),
        (X_B + 1000.0, RESP_B, (w, m, c), "points 1000 units away"),
    ]
    hidden_extra = [
        (X1, r1, p1, "d = 1 with some responsibilities exactly 0"),
        (X_B, np.ones((len(X_B), 1)), (np.array([1.0]), m[:1], c[:1]), "k = 1"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_Q(student_Q, hidden=False):
    """Q(X, resp, weights, means, covs) = sum_n sum_k r_nk (log pi_k + log N(x_n | mu_k, Sigma_k))."""
    from .. import em, mixture

    ex = Exercise("Q")
    forbid(ex, student_Q, [mixture.expected_complete_log_likelihood, em.lower_bound])
    for X, resp, (w, m, c), case in _Q_cases(hidden):
        raw = ex.call(student_Q, X, resp, w, m, c, case=case)
        want = reference_Q(X, resp, w, m, c)
        arr = np.asarray(raw, dtype=float) if raw is not None else None
        if arr is None:
            ex.fail(f"on {case} your function returned None; did you forget `return`?")
        if arr.size > 1:
            ex.fail(
                f"on {case} your Q is an array of shape {arr.shape}; Q is one number: sum over points AND components."
            )
        value = float(arr.reshape(-1)[0])
        if not np.isfinite(value):
            ex.fail(
                f"on {case} your Q is {value}. Use log N from log_pdf (never log of the pdf), and note that "
                "r_nk = 0 times log N is 0."
            )
        if ex.agrees(value, want, rtol=1e-9, atol=1e-8):
            continue
        with np.errstate(all="ignore"):
            a = log_joint(X, w, m, c)
            log_n = a - np.log(w)
            ll = float(special.logsumexp(a, axis=1).sum())
            entropy = -float(np.sum(np.where(resp > 0, resp * np.log(resp), 0.0)))
            wrong = [
                (float(np.sum(resp * log_n)), "you forgot log pi_k: Q = sum r_nk (log pi_k + log N(x_n | ...))"),
                (float(np.sum(resp * (log_n + w))), "the weight enters Q as log pi_k, not pi_k"),
                (
                    ll,
                    "that is the log-likelihood log p(X) (equal here to the lower bound Q + entropy, because resp "
                    "is the posterior for these parameters); Q weighs each log pi_k N(x_n | ...) by r_nk and has no "
                    "entropy term",
                ),
                (want + entropy, "that is the lower bound L(q, theta) = Q + entropy; Q has no -r log r term"),
                (want / len(X), "you averaged over points; Q is the sum"),
                (float(np.sum(a)), "you summed log pi_k N(x_n | ...) without weighting each term by r_nk"),
            ]
        ex.name_mistake(value, wrong, f"on {case} your Q is {value:.6g}", rtol=1e-9, atol=1e-8)
        ex.fail(f"on {case} your Q is {value:.8g}, the reference is {want:.8g}.")
    ex.passed("including points 1000 units away" + (", zero responsibilities and k = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 3: the finite-difference gradient


def fd_gradient_groups(X, resp, weights, means, covs, h=1e-5, scheme="central", scale=None, lagrange=True):
    """Finite-difference gradient of Q/n, by parameter group (weights via the Lagrangian: minus 1)."""
    n = len(X) if scale is None else scale
    weights, means, covs = (np.array(a, dtype=float) for a in (weights, means, covs))
    k, d = means.shape

    def f():
        return reference_Q(X, resp, weights, means, covs) / n

    def diff(get, put):
        base = get()
        put(base + h)
        up = f()
        if scheme == "central":
            put(base - h)
            down = f()
            put(base)
            return (up - down) / (2 * h)
        put(base)
        return (up - f()) / h

    groups = {"weights": [], "means": [], "covariance diagonals": [], "covariance off-diagonals": []}
    for j in range(k):

        def put_w(v, j=j):
            weights[j] = v

        groups["weights"].append(diff(lambda j=j: weights[j], put_w) - (1.0 if lagrange else 0.0))
        for a in range(d):

            def put_m(v, j=j, a=a):
                means[j, a] = v

            groups["means"].append(diff(lambda j=j, a=a: means[j, a], put_m))
            for b in range(a, d):

                def put_c(v, j=j, a=a, b=b):
                    covs[j, a, b] = covs[j, b, a] = v

                key = "covariance diagonals" if a == b else "covariance off-diagonals"
                groups[key].append(diff(lambda j=j, a=a, b=b: covs[j, a, b], put_c))
    return {g: np.abs(np.array(v)).max() if v else 0.0 for g, v in groups.items()}


@exercise_check
def check_max_fd_gradient(student_fd, hidden=False):
    """max_fd_gradient(X, resp, weights, means, covs, h) -> max |central FD gradient of Q/n (Lagrangian for pi)|."""
    ex = Exercise("max_fd_gradient")
    rng = np.random.default_rng(12)
    X1 = rng.normal(size=(25, 1)) * 1.5
    r1 = rng.dirichlet(np.ones(2), size=25)
    X3 = rng.normal(size=(30, 3))
    r3 = rng.dirichlet(np.ones(2), size=30)
    visible = [(X_B, RESP_B, "120 points in 2-D, k = 3")]
    cases = cases_for(visible, [(X1, r1, "d = 1, k = 2"), (X3, r3, "3-D data, k = 2")], hidden)
    h = 1e-5
    for X, resp, case in cases:
        update = reference_m_step(X, resp, 0.0)
        start = _start(X, resp.shape[1], 5)
        for params, where in [(update, "at the M-step update"), (start, "at a starting point (not the optimum)")]:
            raw = ex.call(student_fd, X, resp, *params, h, case=f"{case}, {where}")
            value = ex.number(raw, f"your max |gradient| on {case}, {where}")
            groups = fd_gradient_groups(X, resp, *params, h=h)
            want = max(groups.values())
            at_update = where.startswith("at the M-step")
            # 1e-6 at the update, where the gradient is 0; else relative: |value - want| <= 1e-7 + 1e-6 want
            if ex.agrees(value, want, rtol=0 if at_update else 1e-6, atol=1e-6 if at_update else 1e-7):
                continue
            forward = max(fd_gradient_groups(X, resp, *params, h=h, scheme="forward").values())
            if abs(value - forward) <= 1e-6 * forward + 1e-7:
                ex.fail(
                    f"on {case} {where} you used forward differences (f(t + h) - f(t)) / h; use central "
                    "differences (f(t + h) - f(t - h)) / (2h), which are accurate to h^2 instead of h."
                )
            if at_update and abs(value - 1.0) < 1e-4:
                ex.fail(
                    f"on {case} your gradient {where} is {value:.4g}, not 0: d(Q/n)/d pi_k = N_k / (n pi_k) = 1 "
                    "for every k there, because the weights are constrained to sum to 1. Check the Lagrangian's "
                    "gradient instead: subtract the multiplier term, i.e. use d(Q/n)/d pi_k - 1."
                )
            n = len(X)
            if at_update and abs(value - (n - 1)) <= 1e-3 * n:
                ex.fail(
                    f"on {case} your gradient {where} is {value:.4g} = n - 1 = {n - 1}, not 0: you differentiated Q, "
                    "not Q / n, so d Q / d pi_k = N_k / pi_k = n, minus 1. Divide Q by n."
                )
            if not at_update and abs(value - n * want) <= 1e-4 * n * want:
                ex.fail(f"on {case} your value {where} is n = {n} times too large: differentiate Q / n, not Q.")
            no_lagrange = max(fd_gradient_groups(X, resp, *params, h=h, lagrange=False).values())
            if abs(value - no_lagrange) <= 1e-4 * no_lagrange:
                ex.fail(f"on {case} {where}: for the weights use the Lagrangian's gradient d(Q/n)/d pi_k - 1.")
            for missing in groups:
                rest = max(v for g, v in groups.items() if g != missing)
                if groups[missing] > rest and abs(value - rest) <= 1e-4 * rest:
                    ex.fail(
                        f"on {case} {where} your maximum leaves out the {missing}; include every weight, every "
                        "mean coordinate and every covariance entry (Sigma_ab and Sigma_ba moved together)."
                    )
            ex.fail(
                f"on {case} {where} your max |gradient| is {value:.6g}, the reference is {want:.6g}. Move one "
                "parameter by +h and -h (all others fixed), restore it, and divide the change of Q/n by 2h."
            )
    ex.passed(
        "the gradient vanishes at the update and matches the reference elsewhere"
        + ("; also for d = 1 and d = 3" if hidden else "")
    )


# ---------------------------------------------------------------- exercise 4: the spike


@exercise_check
def check_spike_log_term(student_spike, hidden=False):
    """spike_log_term(s, weight) = log(weight * N(x | x, s)) in 1-D = log(weight) - 1/2 log(2 pi s)."""
    ex = Exercise("spike_log_term")
    for s, w in cases_for([(1.0, 0.5), (0.01, 0.5), (1e-10, 0.3), (1e-300, 0.5)], [(4.0, 1.0), (1e-200, 0.9)], hidden):
        case = f"s = {s:g}, weight = {w}"
        value = ex.number(ex.call(student_spike, s, w, case=case), f"spike_log_term({s:g}, {w})")
        want = np.log(w) - 0.5 * np.log(2 * np.pi * s)
        if ex.agrees(value, want, rtol=1e-10, atol=1e-10):
            continue
        wrong = [
            (
                np.log(w) - np.log(np.sqrt(2 * np.pi) * s),
                "s is the variance, not the standard deviation: N(x | x, s) = 1 / sqrt(2 pi s)",
            ),
            (-0.5 * np.log(2 * np.pi * s), "you forgot the weight: the term is log(pi_1 N(x | x, s))"),
            (np.log(w) - np.log(2 * np.pi * s), "the density has a square root: 1 / sqrt(2 pi s)"),
            (np.log(w) - 0.5 * np.log(s), "you dropped the 2 pi: N(x | x, s) = 1 / sqrt(2 pi s)"),
            (np.log(w) + 0.5 * np.log(2 * np.pi * s), "the sign is flipped: the density grows as s shrinks"),
            (w / np.sqrt(2 * np.pi * s), "you returned the density term itself; take its log"),
        ]
        ex.name_mistake(value, wrong, f"on {case}", rtol=1e-10, atol=1e-10)
        ex.fail(f"on {case} your value is {value:.6g}, the reference is {want:.6g}.")
    ex.passed("down to s = 1e-300")


@exercise_check
def check_rise_per_decade(answer):
    """How much the log-likelihood rises when the spike's variance s shrinks tenfold: 1/2 log 10."""
    ex = Exercise("rise_per_decade")
    value = answer_value(ex, answer, "rise_per_decade()")
    want = 0.5 * np.log(10)
    wrong = [
        (
            np.log(10),
            "that is the rise per factor 10 in the standard deviation sigma; a factor 10 in the variance "
            "s = sigma^2 is a factor sqrt(10) in sigma",
        ),
        (0.5, "that is in base-10 logarithms; the log-likelihood uses natural logarithms"),
        (-want, "the log-likelihood rises (it does not fall) as s shrinks: give the increase"),
        (1.0, "that is in base-10 logarithms per factor 10 in sigma; use natural logs and the variance"),
    ]
    judge_answer(
        ex,
        value,
        want,
        atol=1e-6,
        passed=f"1/2 log 10 = {want:.4f} nats per factor 10 in the variance, without bound",
        mistakes=wrong,
        mistake_atol=1e-4,
        hint="the rise. Compare spike_log_term(s / 10, w) - spike_log_term(s, w).",
    )
