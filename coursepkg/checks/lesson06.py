"""Checks for the exercises of lesson 06 (the M-step).

The reference M-step, Q and the gradient of Q in L_k below are written out with numpy, independently of
`coursepkg.em` (tests/test_checks_lesson06.py checks the gradient against finite differences); when a
student's result disagrees, the check computes the usual wrong versions (divided by N instead of N_k, not
centred, reg_covar forgotten, a lost factor 1/2, the log-determinant's sign, ...) and names the one that
matches. The derived answers are checked as functions of the problem's parameters: the gradient of Q in the
Cholesky factor L_k of Sigma_k = L_k L_k^T (the lower triangle of 2 G L, G = dQ/dSigma_k, a chain rule the lesson
does not show), the weights under a Dirichlet prior and its multiplier nu = N + K (alpha - 1) on several
counts and K, and the rise of a collapsing component's log-likelihood, d log 10 per decade in sigma, against
a measurement in several dimensions.
The log joint, the reference E-step and the mixture GMM_A are lesson 05's, from `_core`.
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
    finite_number,
    forbid,
    log_joint,
    nonfinite_of_shape,
    reference_e_step,
)

# ---------------------------------------------------------------- data


def _shape(value):
    """np.shape of the student's value, or None when it has none (a ragged list, an odd object)."""
    try:
        return np.shape(value)
    except (TypeError, ValueError):
        return None


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


SHIFTED_CASE = "the first case's data shifted by 10^8 in every coordinate"


def _m_step_cases(hidden):
    rng = np.random.default_rng(4)
    hard = np.eye(3)[np.argmax(RESP_B[:, :2], axis=1)]  # every point to component 0 or 1 ...
    hard[7] = [0.0, 0.0, 1.0]  # ... except one, alone in component 2 (its covariance is reg_covar I)
    X1 = rng.normal(size=(30, 1)) * 2
    r1 = reference_e_step(X1, np.array([0.5, 0.5]), np.array([[-1.0], [1.0]]), np.array([[[1.0]], [[1.0]]]))[0]
    X5 = rng.normal(size=(40, 5))
    r5 = rng.dirichlet(np.ones(3), size=40)
    # last of the visible cases: 10^8 from the origin E[x x^T] - mu mu^T is off by about 17, the centred
    # formula by about 1e-9 (tests/test_checks_lesson06.py measures both)
    shifted = X_B + 1e8
    visible = [
        (X_B, RESP_B, 1e-6, "120 points in 2-D with soft responsibilities, reg_covar = 1e-6"),
        (X_B, RESP_B, 0.01, "the same with reg_covar = 0.01"),
        (X_B, hard, 1e-6, "hard responsibilities where component 3 (Python index 2) holds a single point"),
        (shifted, RESP_B, 1e-6, SHIFTED_CASE),
    ]
    hidden_extra = [
        (X1, r1, 1e-6, "d = 1 (X of shape (30, 1))"),
        (X_B, np.ones((len(X_B), 1)), 1e-6, "K = 1 (every responsibility 1)"),
        (X5, r5, 0.0, "5-D data with random responsibilities and reg_covar = 0"),
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
            ex.fail(
                f"your function should return a tuple (weights, means, covs); got {type(out).__name__}.", "not_a_triple"
            )
        w_raw, m_raw, c_raw = out
        nk = resp.sum(axis=0)
        want_w, want_m, want_c = reference_m_step(X, resp, reg)

        # weights
        if _shape(w_raw) == (n,) and n != k:
            ex.fail(
                f"on {case} your weights have shape ({n},), one per point: N_k = sum_n r_nk sums the "
                "responsibilities over the points (axis=0), giving one number per component.",
                "weights_per_point",
            )
        w = ex.array(w_raw, (k,), f"your weights on {case}")
        if not ex.agrees(w, want_w, rtol=1e-9, atol=1e-12):
            if np.allclose(w, nk, rtol=1e-9):
                ex.fail(
                    f"on {case} your weights are N_k, which sum to N = {n}; divide by N: pi_k = N_k / N.",
                    "weights_are_nk",
                )
            if np.allclose(w, np.full(k, 1.0 / k)):
                ex.fail(
                    f"on {case} your weights are all 1/K; they come from the responsibilities: pi_k = N_k / N.",
                    "weights_uniform",
                )
            ex.close(
                w,
                want_w,
                f"on {case} your weights differ from N_k / N",
                rtol=1e-9,
                atol=1e-12,
                mistake="weights_wrong_value",
            )

        # means
        m = ex.array(m_raw, (k, d), f"your means on {case}")
        if not ex.agrees(m, want_m, rtol=1e-9, atol=1e-9):
            sums = resp.T @ X
            wrong = [
                (sums, "your means are the weighted sums sum_n r_nk x_n; divide by N_k", "means_not_divided"),
                (sums / n, "you divided by N instead of N_k: mu_k = sum_n r_nk x_n / N_k", "means_divided_by_n"),
                (
                    np.repeat(X.mean(axis=0)[None], k, axis=0),
                    "every mean is the plain data mean; weight each point by r_nk: mu_k = sum_n r_nk x_n / N_k",
                    "means_unweighted",
                ),
            ]
            ex.name_mistake(m, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
            ex.close(
                m,
                want_m,
                f"on {case} your means differ from sum_n r_nk x_n / N_k",
                rtol=1e-9,
                atol=1e-9,
                mistake="means_wrong_value",
            )

        # covariances
        c_shape = _shape(c_raw)
        if c_shape == (d, d, k) and k != d:
            ex.fail(
                f"on {case} your covariances have shape {c_shape}; stack them as (K, d, d) = ({k}, {d}, {d}): "
                "covs[j] is the (d, d) matrix of the component with Python index j.",
                "covs_stacked_last",
            )
        if nonfinite_of_shape(c_raw, (k, d, d)) is not None:
            ex.fail(
                f"on {case} your covariances contain NaN or inf; check for a division by a zero N_k or by 0.",
                "covs_not_finite",
            )
        c = ex.array(c_raw, (k, d, d), f"your covariances on {case}")
        if ex.agrees(c, want_c, rtol=1e-7, atol=1e-8):
            if case != SHIFTED_CASE:
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
                (
                    raw,
                    "you forgot reg_covar: add reg_covar to the diagonal, Sigma_k = S_k / N_k + reg_covar I",
                    "no_reg",
                ),
                (raw + 1e-6 * eye, "you added 1e-6, not the reg_covar argument passed to your function", "reg_fixed"),
                (
                    raw + reg,
                    "you added reg_covar to every entry; add it to the diagonal only (reg_covar * I)",
                    "reg_everywhere",
                ),
                (
                    raw * nk[:, None, None] / n + reg * eye,
                    "you divided by N instead of N_k: Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k",
                    "covs_divided_by_n",
                ),
                (
                    raw * nk[:, None, None] + reg * eye,
                    "divide the weighted scatter sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T by N_k",
                    "covs_not_divided",
                ),
                (
                    _uncentred_covs(X, resp, reg),
                    "you forgot to centre: use (x_n - mu_k)(x_n - mu_k)^T, not x_n x_n^T",
                    "uncentred",
                ),
                (
                    _uncentred_covs(X, resp, reg, divide_by=n),
                    "you forgot to centre (x_n - mu_k) and divided by N instead of N_k",
                    "uncentred_divided_by_n",
                ),
                (
                    np.array([(X - want_m[j]).T @ (X - want_m[j]) / nk[j] for j in range(k)]) + reg * eye,
                    "each outer product (x_n - mu_k)(x_n - mu_k)^T must carry its weight r_nk: you summed them over "
                    "all points unweighted before dividing by N_k",
                    "scatter_unweighted",
                ),
                (
                    np.array(
                        [
                            (resp[:, j, None] * (X - want_m[j])).T @ (resp[:, j, None] * (X - want_m[j])) / nk[j]
                            for j in range(k)
                        ]
                    )
                    + reg * eye,
                    "each outer product carries r_nk once; weighting both factors x_n - mu_k by r_nk gives r_nk^2",
                    "r_squared",
                ),
                (
                    np.repeat(unweighted[None], k, axis=0) + reg * eye,
                    "every covariance is the plain covariance of the data; weight each outer product by r_nk",
                    "covs_unweighted",
                ),
                (
                    unbiased,
                    "np.cov divides by an 'unbiased' normaliser by default; the M-step divides by N_k: pass bias=True",
                    "unbiased_normaliser",
                ),
            ]
        ex.name_mistake(c, wrong, f"on {case}", rtol=1e-7, atol=1e-8)
        if case == SHIFTED_CASE and passed_unshifted:
            ex.fail(
                f"on {case} your covariances are off by {np.max(np.abs(c - want_c)):.2g} although they were right "
                "before the shift: the formula E[x x^T] - mu mu^T subtracts two numbers near 10^16 and loses every "
                "digit. Centre first: sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k.",
                "raw_moments",
            )
        ex.close(
            c,
            want_c,
            f"on {case} your covariances differ from sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k + reg_covar I",
            rtol=1e-7,
            atol=1e-8,
            mistake="covs_wrong_value",
        )
    ex.passed(
        "including a one-point component, reg_covar = 0.01 and data shifted by 10^8"
        + ("; d = 1, K = 1 and 5-D data" if hidden else "")
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
        (X_B, RESP_B, reference_m_step(X_B, RESP_B, 0.0), "120 points in 2-D at the M-step update"),
        (X_B, RESP_B, (w, m, c), "the same points at the starting parameters"),
        (X_B + 1000.0, RESP_B, (w, m, c), "points 1000 units away"),
    ]
    hidden_extra = [
        (X1, r1, p1, "d = 1 with some responsibilities exactly 0"),
        (X_B, np.ones((len(X_B), 1)), (np.array([1.0]), m[:1], c[:1]), "K = 1"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_q(student_Q, hidden=False):
    """Q(X, resp, weights, means, covs) = sum_n sum_k r_nk (log pi_k + log N(x_n | mu_k, Sigma_k))."""
    from .. import em, mixture

    ex = Exercise("q")
    forbid(ex, student_Q, [mixture.expected_complete_log_likelihood, em.lower_bound])
    for X, resp, (w, m, c), case in _Q_cases(hidden):
        raw = ex.call(student_Q, X, resp, w, m, c, case=case)
        want = reference_Q(X, resp, w, m, c)
        if raw is None:
            ex.fail(f"on {case} your function returned None; did you forget `return`?", "returned_none")
        shape = _shape(raw)
        if shape is not None and int(np.prod(shape)) > 1:
            ex.fail(
                f"on {case} your Q is an array of shape {shape}; Q is one number: sum over points AND components.",
                "not_a_scalar",
            )
        value = finite_number(
            ex,
            np.reshape(raw, -1)[0] if shape is not None and len(shape) > 0 and int(np.prod(shape)) == 1 else raw,
            f"your Q on {case}",
            f"on {case} your Q is not a finite number. Use log N from log_pdf (never log of the pdf), and note "
            "that r_nk = 0 times log N is 0.",
            bad=lambda x: not np.isfinite(x),
        )
        if ex.agrees(value, want, rtol=1e-9, atol=1e-8):
            continue
        with np.errstate(all="ignore"):
            a = log_joint(X, w, m, c)
            log_n = a - np.log(w)
            ll = float(special.logsumexp(a, axis=1).sum())
            entropy = -float(np.sum(np.where(resp > 0, resp * np.log(resp), 0.0)))
            wrong = [
                (
                    float(np.sum(resp * log_n)),
                    "you forgot log pi_k: Q = sum r_nk (log pi_k + log N(x_n | ...))",
                    "no_log_weights",
                ),
                (float(np.sum(resp * (log_n + w))), "the weight enters Q as log pi_k, not pi_k", "weights_not_logged"),
                (
                    ll,
                    "that is the log-likelihood log p(X) = sum_n log sum_k pi_k N(x_n | ...), a log of a sum; Q "
                    "weighs each log pi_k N(x_n | ...) by r_nk and sums, with no log outside",
                    "is_log_likelihood",
                ),
                (
                    want + entropy,
                    "that is the lower bound L(q, theta) = Q + entropy; Q has no -r log r term",
                    "is_lower_bound",
                ),
                (want / len(X), "you averaged over points; Q is the sum", "averaged"),
                (
                    want / (len(X) * resp.shape[1]),
                    f"you averaged over all N K = {len(X) * resp.shape[1]} entries of the (N, K) table (a mean, "
                    "not a sum); Q sums over points AND components",
                    "averaged_all",
                ),
                (
                    float(np.sum(a)),
                    "you summed log pi_k N(x_n | ...) without weighting each term by r_nk",
                    "not_weighted_by_r",
                ),
            ]
        ex.name_mistake(value, wrong, f"on {case} your Q is {value:.6g}", rtol=1e-9, atol=1e-8)
        ex.fail(f"on {case} your Q is {value:.8g}, the reference is {want:.8g}.")
    ex.passed("including points 1000 units away" + (", zero responsibilities and K = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 3: derive dQ / dL_k (Sigma_k = L_k L_k^T)


def _dq_dsigma(X, r, mean, cov, variant=None):
    """dQ/dSigma at any mean, each entry of Sigma moved on its own: -N_k/2 Sigma^-1 + 1/2 Sigma^-1 S Sigma^-1 with
    S = sum_n r_n (x_n - mean)(x_n - mean)^T; `variant` gives a typical wrong version (see DQ_DCHOL_MISTAKES)."""
    P = np.linalg.inv(cov)
    centre = r @ X / r.sum() if variant == "optimum_mean" else mean
    diff = X - (0.0 if variant == "uncentred" else centre)
    S = (r[:, None] * diff).T @ diff
    count = {"n_for_nk": float(len(X)), "logdet_once": 1.0}.get(variant, r.sum())
    logdet, trace = -count / 2 * P, P @ S @ P / 2
    if variant == "no_half":
        return 2 * (logdet + trace)
    if variant == "logdet_sign":
        return -logdet + trace
    if variant == "trace_sign":
        return logdet - trace
    G = logdet + trace
    if variant == "symmetric":
        return 2 * G - np.diag(np.diag(G))
    return G


def reference_dq_dchol(X, resp, means, chols, j, variant=None):
    """dQ/dL_j for Sigma_j = L_j L_j^T: the (d, d) lower-triangular matrix of the partial derivatives of Q in the
    entries L_ab, a >= b (zero above the diagonal, where L has no parameters). By the chain rule
    dQ = tr(G dSigma) = tr(G (dL L^T + L dL^T)) = 2 tr(L^T G dL) for the symmetric G = dQ/dSigma_j, so the answer is
    the lower triangle of 2 G L. `variant` gives a typical wrong derivation instead (see check_dq_dchol)."""
    L = np.asarray(chols[j], dtype=float)
    G = _dq_dsigma(X, resp[:, j], means[j], L @ L.T, variant)
    if variant == "is_dq_dsigma":
        return G
    if variant == "one_factor":
        return np.tril(G @ L)
    if variant == "transposed_factor":
        return np.tril(2 * G @ L.T)
    if variant == "factor_on_left":
        return np.tril(2 * L @ G)
    if variant == "negated":
        return -np.tril(2 * G @ L)
    return np.tril(2 * G @ L)


def _dq_dchol_cases(hidden):
    w, m, c = PARAMS_OLD
    rng = np.random.default_rng(14)
    X1 = rng.normal(size=(25, 1)) * 1.5
    r1 = rng.dirichlet(np.ones(2), size=25)
    p1 = (np.array([[-0.5], [0.7]]), np.array([[[0.8]], [[2.0]]]))
    X3 = rng.normal(size=(30, 3))
    r3 = rng.dirichlet(np.ones(2), size=30)
    A = rng.normal(size=(3, 3))
    p3 = (rng.normal(size=(2, 3)), np.array([A @ A.T + np.eye(3), np.diag([0.5, 1.0, 2.0])]))
    update = reference_m_step(X_B, RESP_B, 0.0)

    def chol(params):
        return params[0], np.linalg.cholesky(params[1])

    visible = [
        (X_B, RESP_B, chol((m, c)), 0, "120 points in 2-D at the starting parameters, Python index j = 0"),
        (X_B, RESP_B, chol((m, c)), 2, "the same, j = 2"),
    ]
    hidden_extra = [
        (X1, r1, chol(p1), 1, "d = 1 (X of shape (25, 1)), j = 1"),
        (X3, r3, chol(p3), 0, "3-D data with a tilted covariance, j = 0"),
        (X_B, RESP_B, chol(update[1:]), 1, "the M-step update, where the gradient is zero, j = 1"),
    ]
    return cases_for(visible, hidden_extra, hidden)


_INSIDE = "the gradient in Sigma_j inside your chain rule is off: "
DQ_DCHOL_MISTAKES = [
    (
        "is_dq_dsigma",
        "that is dQ/dSigma_j, the gradient in the covariance (lesson 06, sections 5 and 6). The optimiser moves the "
        "entries of L_j, and every entry of Sigma_j = L_j L_j^T depends on them: apply the chain rule",
    ),
    (
        "one_factor",
        "every entry is half the reference: L_j appears twice in Sigma_j = L_j L_j^T, so a change dL gives "
        "dSigma = dL L^T + L dL^T, and both terms contribute the same to tr(G dSigma)",
    ),
    (
        "transposed_factor",
        "you multiplied G by L_j^T, not by L_j: write dQ = tr(G dSigma) with dSigma = dL L^T + L dL^T and move dL "
        "to the end of the trace (tr(AB) = tr(BA), tr(A) = tr(A^T))",
    ),
    (
        "factor_on_left",
        "the factor L_j is on the wrong side of G: write dQ = tr(G dSigma) with dSigma = dL L^T + L dL^T and "
        "bring each term to the form tr(M^T dL); the gradient is then M",
    ),
    ("negated", "every entry has the wrong sign: that is the gradient of -Q"),
    (
        "no_half",
        "every entry is twice the reference: "
        + _INSIDE
        + "you lost the factor 1/2 of log N = -1/2 log|Sigma| - 1/2 (...)",
    ),
    (
        "logdet_once",
        _INSIDE + "its log-determinant term has coefficient 1 where N_j belongs. -1/2 log|Sigma_j| appears in every "
        "point's log N(x_n | ...), weighted by r_nj, so it is counted N_j = sum_n r_nj times",
    ),
    (
        "n_for_nk",
        _INSIDE + "its log-determinant term has N where N_j belongs: each point counts with its weight r_nj, so "
        "the term is counted N_j = sum_n r_nj times",
    ),
    (
        "logdet_sign",
        _INSIDE + "the sign of its log-determinant term is flipped: log N contains -1/2 log|Sigma|, and "
        "d log|Sigma| / d Sigma = Sigma^-1, so that term is -N_j/2 Sigma^-1",
    ),
    (
        "trace_sign",
        _INSIDE + "the sign of its quadratic term is flipped: d tr(Sigma^-1 S) / d Sigma = -Sigma^-1 S Sigma^-1, "
        "and Q has -1/2 tr(Sigma^-1 S), so that term is +1/2 Sigma^-1 S Sigma^-1",
    ),
    (
        "symmetric",
        _INSIDE + "you used the derivative for Sigma_ab and Sigma_ba moving together (off-diagonal entries "
        "doubled). The chain rule dQ = sum_ab G_ab dSigma_ab needs the partials of each entry on its own: "
        "dSigma = dL L^T + L dL^T already moves both",
    ),
    (
        "optimum_mean",
        _INSIDE + "you centred the scatter on the weighted mean sum_n r_nj x_n / N_j, as the lesson's derivation "
        "at the optimum does; here mu_j is given and need not be at its optimum: centre on means[j]",
    ),
    ("uncentred", _INSIDE + "you did not centre the scatter: use (x_n - mu_j)(x_n - mu_j)^T, not x_n x_n^T"),
]


@exercise_check
def check_dq_dchol(student_grad, hidden=False):
    """dq_dchol(X, resp, means, chols, j) -> (d, d): the lower triangle of 2 G_j L_j, G_j = dQ/dSigma_j."""
    ex = Exercise("dq_dchol")
    for X, resp, (m, chols), j, case in _dq_dchol_cases(hidden):
        d = X.shape[1]
        raw = ex.call(student_grad, X, resp, m, chols, j, case=case)
        got = ex.array(raw, (d, d), f"your gradient on {case}")
        want = reference_dq_dchol(X, resp, m, chols, j)
        # the size of the terms, so that the tolerance means the same at the update (where want is 0)
        scale = max(1.0, float(np.abs(reference_dq_dchol(X, resp, m, chols, j, "trace_sign")).max()))
        if ex.agrees(got, want, rtol=1e-7, atol=1e-9 * scale):
            continue
        above = np.triu(got, 1)
        if np.allclose(np.tril(got), want, rtol=1e-7, atol=1e-9 * scale) and np.any(above != 0):
            ex.fail(
                f"on {case} your lower triangle is right, but the entries above the diagonal are not 0 (largest "
                f"{np.abs(above).max():.3g}). L_j is lower-triangular: the entries above its diagonal are not "
                "parameters, so the gradient has nothing there.",
                "not_lower",
            )
        wrong = [(reference_dq_dchol(X, resp, m, chols, j, key), words, key) for key, words in DQ_DCHOL_MISTAKES]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-6, atol=1e-9 * scale)
        ex.close(
            got,
            want,
            f"on {case} your gradient differs from the reference. Write dQ = sum_ab G_ab dSigma_ab with "
            "G = dQ/dSigma_j (at the given mean), express dSigma through dL, and read off the coefficient of each "
            "dL_ab with a >= b; the cell after this one compares your matrix with finite differences of your own Q",
            rtol=1e-7,
            atol=1e-9 * scale,
        )
    ex.passed("including a mean that is not at its optimum" + ("; d = 1, d = 3 and the update" if hidden else ""))


# ---------------------------------------------------------------- exercise 4: derive the weights under a prior


def _map_weights_cases(hidden):
    rng = np.random.default_rng(15)
    visible = [
        (np.array([50.5, 30.2, 19.3]), 2.0, "N_k = (50.5, 30.2, 19.3), alpha = 2"),
        (np.array([12.0, 0.0, 8.0, 5.0]), 3.0, "K = 4 with an empty component, N_k = (12, 0, 8, 5), alpha = 3"),
        (np.array([50.5, 30.2, 19.3]), 1.0, "alpha = 1 (a flat prior)"),
    ]
    hidden_extra = [
        (np.array([1.0, 2.0]), 1.5, "K = 2, N_k = (1, 2), alpha = 1.5"),
        (rng.dirichlet(np.ones(5)) * 40, 10.0, "K = 5 and a strong prior, alpha = 10"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _sum_note(weights):
    return f" (your weights sum to {float(np.sum(weights)):.6g}, not 1)"


@exercise_check
def check_map_weights(student_map_weights, hidden=False):
    """map_weights(Nk, alpha) -> (weights, nu): pi_k = (N_k + alpha - 1) / nu with nu = N + K (alpha - 1)."""
    ex = Exercise("map_weights")
    for nk, alpha, case in _map_weights_cases(hidden):
        k, n = len(nk), float(nk.sum())
        out = ex.call(student_map_weights, nk, alpha, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            ex.fail(
                f"on {case} your function returned a {type(out).__name__}; return the pair (weights, nu): the "
                "weights and the value of the multiplier that makes them sum to 1.",
                "not_a_pair",
            )
        got = ex.array(out[0], (k,), f"your weights on {case}")
        nu_want = n + k * (alpha - 1)
        want = (nk + alpha - 1) / nu_want
        if not ex.agrees(got, want, rtol=1e-9, atol=1e-12):
            wrong = [
                (
                    nk / n,
                    "that is N_k / N, the weights without the prior: the prior adds alpha - 1 to every N_k",
                    "no_prior",
                ),
                (
                    (nk + alpha) / (n + k * alpha),
                    "you added alpha, not alpha - 1: the prior's term is (alpha - 1) sum_k log pi_k",
                    "alpha_not_minus_one",
                ),
                (
                    (nk + alpha - 1) / n,
                    "the numerators are right but you kept nu = N"
                    + _sum_note((nk + alpha - 1) / n)
                    + ": solve the constraint sum_k pi_k = 1 for nu again; the prior adds alpha - 1 to each of "
                    "the K numerators",
                    "nu_is_n",
                ),
                (
                    (nk + alpha - 1) / (n + alpha - 1),
                    "nu counts alpha - 1 once"
                    + _sum_note((nk + alpha - 1) / (n + alpha - 1))
                    + "; summing the K numerators N_k + alpha - 1 gives N + K (alpha - 1)",
                    "nu_missing_k",
                ),
                (
                    (nk - alpha + 1) / (n - k * (alpha - 1)),
                    "the sign of the prior is flipped: log pi_k^(alpha - 1) = (alpha - 1) log pi_k adds to "
                    "N_k log pi_k",
                    "prior_sign",
                ),
            ]
            if k != 3:
                wrong.append(
                    (
                        (nk + alpha - 1) / (n + 3 * (alpha - 1)),
                        f"here K = {k}, and your denominator is N + 3 (alpha - 1)"
                        + _sum_note((nk + alpha - 1) / (n + 3 * (alpha - 1)))
                        + ": K is the number of entries of Nk, not the 3 of the notebook's data",
                        "k_hard_coded",
                    )
                )
            ex.name_mistake(got, wrong, f"on {case} your weights are {np.round(got, 4)}", rtol=1e-7, atol=1e-10)
            ex.expect(
                abs(got.sum() - 1) < 1e-9,
                f"on {case} your weights sum to {got.sum():.6g}, not 1: the multiplier nu must make them sum to 1.",
                "not_normalised",
            )
            ex.fail(
                f"on {case} your weights {np.round(got, 6)} are not the maximiser {np.round(want, 6)}. "
                "Differentiate the Lagrangian with respect to pi_k, solve for pi_k in terms of nu, and fix nu with "
                "sum_k pi_k = 1."
            )
        nu = ex.number(out[1], f"your nu on {case}")
        if ex.agrees(nu, nu_want, rtol=1e-9, atol=1e-9):
            continue
        wrong_nu = [
            (
                n,
                "nu = N is the multiplier without the prior; with it, the constraint gives another value",
                "nu_value_n",
            ),
            (
                n + alpha - 1,
                "you counted alpha - 1 once; sum_k pi_k = 1 sums K numerators N_k + alpha - 1",
                "nu_value_missing_k",
            ),
            (
                -nu_want,
                "that is minus the multiplier: with the lesson's Lagrangian sum_k (N_k + alpha - 1) log pi_k "
                "+ nu (1 - sum_k pi_k), stationarity gives pi_k = (N_k + alpha - 1) / nu with nu > 0",
                "nu_value_sign",
            ),
            (
                1 / nu_want,
                "that is 1 / nu: the stationarity condition is (N_k + alpha - 1) / pi_k = nu, so nu is the "
                "normaliser the weights are divided by",
                "nu_value_inverse",
            ),
        ]
        if k != 3:
            wrong_nu.append(
                (
                    n + 3 * (alpha - 1),
                    f"here K = {k}: nu = N + K (alpha - 1) counts every component, not the 3 of the notebook's data",
                    "nu_value_k_hard_coded",
                )
            )
        ex.name_mistake(nu, wrong_nu, f"on {case} your nu is {nu:.6g}", rtol=1e-9, atol=1e-9)
        ex.fail(
            f"on {case} your weights are right but your nu = {nu:.6g} is not the multiplier. Which number must "
            "(N_k + alpha - 1) / pi_k equal at the maximum, for every k?",
            "nu_wrong_value",
        )
    ex.passed(
        "including an empty component, which keeps a positive weight, and K = 4"
        + ("; K = 2 and K = 5" if hidden else "")
    )


# ---------------------------------------------------------------- exercise 5: predict the rise of a spike


def measured_rise(d):
    """The rise of the log-likelihood, in nats, when a component on a data point shrinks from sigma = 1e-8 to
    1e-9 (Sigma = sigma^2 I in d dimensions): measured on 20 points with a broad second component."""
    rng = np.random.default_rng(16)
    X = rng.normal(size=(20, d)) * 2.0
    values = []
    for sigma in (1e-8, 1e-9):
        means = np.vstack([np.zeros(d), X[0]])
        covs = np.array([4.0 * np.eye(d), sigma**2 * np.eye(d)])
        values.append(float(special.logsumexp(log_joint(X, np.array([0.5, 0.5]), means, covs), axis=1).sum()))
    return values[1] - values[0]


@exercise_check
def check_rise_per_decade(student_rise, hidden=False):
    """rise_per_decade(d) -> the rise of the log-likelihood per factor 10 in sigma, in d dimensions: d log 10."""
    ex = Exercise("rise_per_decade")
    for d in cases_for([3, 1, 2], [5, 10], hidden):  # d = 3 first: there every wrong rate differs
        case = f"d = {d}"
        value = ex.number(ex.call(student_rise, d, case=case), f"your rise_per_decade({d})")
        want = measured_rise(d)
        if ex.agrees(value, want, rtol=1e-6, atol=1e-6):
            continue
        ln10 = np.log(10)
        wrong = [
            (
                d * ln10 / 2,
                "that is the rise per factor 10 in the variance sigma^2; a factor 10 in sigma is a factor 100 in "
                "sigma^2",
                "per_variance",
            ),
            (ln10, "that is the 1-D rate: |sigma^2 I| = sigma^(2d), so the log-density has -d log sigma", "forgot_d"),
            (
                ln10 / 2,
                "that is the 1-D rate per factor 10 in the variance; here sigma shrinks tenfold and there are d "
                "dimensions",
                "one_d_per_variance",
            ),
            (
                float(d),
                "that is in base-10 logarithms (or per factor e in sigma); the log-likelihood is in nats: multiply "
                "by log 10",
                "base_10",
            ),
            (-d * ln10, "the log-likelihood rises (it does not fall) as sigma shrinks: give the increase", "sign"),
        ]
        ex.name_mistake(value, wrong, f"on {case} you predict {value:.6g} nats, measured {want:.6g}", 1e-6, 1e-6)
        ex.fail(
            f"on {case} you predict {value:.6g} nats per factor 10 in sigma; the measured rise is {want:.6g}. Write "
            "the log-density of N(x | x, sigma^2 I) at its own mean and see how it depends on log sigma."
        )
    ex.passed("your prediction matches the measured rise" + (" up to d = 10" if hidden else " for d = 1, 2 and 3"))


# ---------------------------------------------------------------- exercise 6: decide the floor


def floor_problem():
    """The data and models of exercise 6: 50 draws from N(0, 1); the honest fit (sample mean and variance,
    weight 1) against a collapsed fit (the honest component with weight 1 - 1/N, and a component of weight
    1/N on the largest point, variance 0 plus the floor)."""
    x = np.random.default_rng(6).normal(size=50)
    return x, int(np.argmax(x)), float(x.mean()), float(x.var())


def floor_gap(eps):
    """log p(X | collapsed) - log p(X | honest), both with the floor eps added to every variance."""
    x, m, mu, var = floor_problem()
    X = x[:, None]
    n = len(x)
    honest = float(log_joint(X, np.array([1.0]), np.array([[mu]]), np.array([[[var + eps]]])).sum())
    a = log_joint(X, np.array([1 - 1 / n, 1 / n]), np.array([[mu], [x[m]]]), np.array([[[var + eps]], [[eps]]]))
    return float(special.logsumexp(a, axis=1).sum()) - honest


def _floor_neglecting_the_share():
    """The floor at which the collapsed fit ties if x_m's density under the honest component is neglected."""
    x, m, mu, var = floor_problem()
    n = len(x)
    log_density = -0.5 * np.log(2 * np.pi * var) - (x[m] - mu) ** 2 / (2 * var)
    return float(np.exp(2 * ((n - 1) * np.log(1 - 1 / n) - np.log(n) - log_density)) / (2 * np.pi))


@exercise_check
def check_choose_reg_covar(answer):
    """A floor eps with log p(collapsed) <= log p(honest) and eps <= 1% of the data's variance."""
    ex = Exercise("choose_reg_covar")
    eps = answer_value(ex, answer, "choose_reg_covar()")
    x, m, mu, var = floor_problem()
    ex.expect(
        eps > 0,
        f"your floor is {eps:.3g}; a floor must be positive (with 0 the collapsed component's variance is 0 and its "
        "density at x_m is infinite).",
        "not_positive",
    )
    ex.expect(
        eps <= 0.01 * var,
        f"your floor {eps:.3g} is more than 1% of the data's variance s^2 = {var:.4f} (at most {0.01 * var:.4g}): "
        "a floor that large changes the honest fit itself. Look for a floor that stops the collapse and stays "
        "within 1% of s^2.",
        "too_large",
    )
    gap = floor_gap(eps)
    if gap <= 0:
        ex.holds(True)
        ex.passed(
            f"with reg_covar = {eps:.3g} the collapsed fit scores {-gap:.3f} nats below the honest one; "
            f"the default 1e-6 would let it win by {floor_gap(1e-6):.2f} nats"
        )
        return
    if abs(eps - 1e-6) <= 1e-12:
        ex.fail(
            f"with the default reg_covar = 1e-6 the collapsed fit wins by {gap:.2f} nats: on 50 points a component "
            "of weight 1/50 on x_m still gains more from its spike than it costs the others. Measure the gap as "
            "a function of the floor and find where it changes sign.",
            "default_floor",
        )
    if abs(eps - _floor_neglecting_the_share()) <= 0.05 * eps:
        ex.fail(
            f"with reg_covar = {eps:.3g} the collapsed fit still wins by {gap:.3f} nats: your tie point neglects the "
            "density the honest component still gives x_m inside the collapsed mixture, log((1 - 1/N) N_1 + "
            "(1/N) N_2) rather than log((1/N) N_2). Measure both log-likelihoods instead of approximating.",
            "neglected_share",
        )
    ex.fail(
        f"with reg_covar = {eps:.3g} the collapsed fit still wins by {gap:.3f} nats: the floor is too small. Compute "
        "both log-likelihoods (each variance plus the floor) for a few floors and find where the difference "
        "changes sign.",
        "collapse_wins",
    )


# ---------------------------------------------------------------- the mistakes, as data

_WEIGHTS = "3. The weights, with a Lagrange multiplier"
_MEANS = "4. The means: set the gradient to zero"
_COVS = "5. The covariances: differentiate with respect to $\\Sigma_k$"
_Q = "2. $Q$ splits into independent pieces"
_CENTRE = "10. Centre before you square"
_FLOOR = "The fix: a floor under the covariance"
_SPIKE = "11. Singularities: the likelihood has no maximum"
_SETTING = "1. The setting: responsibilities are fixed"
_NUMPY = "7. The same numbers from `np.cov` and from `em.m_step`"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/06_m_step that explains it (tests/test_mistakes_lesson06.py makes each of them)
MISTAKES = {
    **{
        f"m_step.{key}": _SETTING
        for key in ("not_a_triple", "not_an_array", "wrong_shape", "transposed", "nan", "uses_reference")
    },
    **{
        f"m_step.{key}": _WEIGHTS
        for key in ("weights_per_point", "weights_are_nk", "weights_uniform", "weights_wrong_value")
    },
    **{
        f"m_step.{key}": _MEANS
        for key in ("means_not_divided", "means_divided_by_n", "means_unweighted", "means_wrong_value")
    },
    **{
        f"m_step.{key}": _COVS
        for key in (
            "covs_stacked_last",
            "covs_not_finite",
            "covs_divided_by_n",
            "covs_not_divided",
            "uncentred",
            "uncentred_divided_by_n",
            "scatter_unweighted",
            "r_squared",
            "covs_unweighted",
            "covs_wrong_value",
        )
    },
    "m_step.unbiased_normaliser": _NUMPY,
    "m_step.raw_moments": _CENTRE,
    **{f"m_step.{key}": _FLOOR for key in ("no_reg", "reg_fixed", "reg_everywhere")},
    **{
        f"q.{key}": _Q
        for key in (
            "returned_none",
            "not_a_scalar",
            "not_a_number",
            "not_finite",
            "no_log_weights",
            "weights_not_logged",
            "is_log_likelihood",
            "is_lower_bound",
            "averaged",
            "averaged_all",
            "not_weighted_by_r",
            "uses_reference",
            "wrong_value",
        )
    },
    **{f"dq_dchol.{key}": _COVS for key, _ in DQ_DCHOL_MISTAKES},
    **{f"dq_dchol.{key}": _COVS for key in ("not_lower", "not_an_array", "wrong_shape", "nan", "wrong_value")},
    **{
        f"map_weights.{key}": _WEIGHTS
        for key in (
            "no_prior",
            "alpha_not_minus_one",
            "nu_is_n",
            "nu_missing_k",
            "prior_sign",
            "k_hard_coded",
            "not_normalised",
            "not_a_pair",
            "nu_value_n",
            "nu_value_missing_k",
            "nu_value_sign",
            "nu_value_inverse",
            "nu_value_k_hard_coded",
            "nu_wrong_value",
            "not_a_number",
            "not_finite",
            "not_an_array",
            "wrong_shape",
            "nan",
            "wrong_value",
        )
    },
    **{
        f"choose_reg_covar.{key}": _FLOOR
        for key in (
            "not_positive",
            "too_large",
            "default_floor",
            "neglected_share",
            "collapse_wins",
            "returned_none",
            "not_a_number",
            "not_finite",
        )
    },
    **{
        f"rise_per_decade.{key}": _SPIKE
        for key in (
            "per_variance",
            "forgot_d",
            "one_d_per_variance",
            "base_10",
            "sign",
            "not_a_number",
            "not_finite",
            "wrong_value",
        )
    },
}
