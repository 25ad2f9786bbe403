"""Checks for the exercises of lesson 03 (complete-data likelihood).

Student functions take a `coursepkg.mixture.GMM` (weights, means, covariances) and may use
`coursepkg.gaussian.log_pdf`, which lesson 02 had them build; they must not call the mixture
functions that compute the very quantity asked for. The reference log joint
log pi_k + log N(x_n | mu_k, Sigma_k) is `coursepkg.mixture.weighted_log_prob`; the
mixture GMM3 (and ZERO_W, with a weight 0) comes from `_core.data`.
"""

import warnings

import numpy as np
from scipy import special

from ..em import lower_bound, m_step
from ..mixture import (
    GMM,
    complete_log_likelihood,
    expected_complete_log_likelihood,
    log_density,
    log_likelihood,
    sample,
    weighted_log_prob,
)
from ._core import COVS, GMM3, MEANS, ZERO_W, Exercise, cases_for, exercise_check, finite_number, forbid

_FORBIDDEN = [complete_log_likelihood, expected_complete_log_likelihood, weighted_log_prob, log_likelihood, lower_bound]


def _data(n=60, seed=31, gmm=GMM3):
    return sample(gmm, n, np.random.default_rng(seed))


def _gmm_1d():
    return GMM(np.array([0.3, 0.7]), np.array([[-2.0], [1.5]]), np.array([[[0.5]], [[2.0]]]))


# ---------------------------------------------------------------- exercise 1: complete-data log-likelihood


@exercise_check
def check_complete_log_likelihood(student, hidden=False):
    """complete_log_likelihood(X, z, gmm) -> sum_n [log pi_{z_n} + log N(x_n | mu_{z_n}, Sigma_{z_n})]."""
    ex = Exercise("complete_log_likelihood")
    forbid(ex, student, _FORBIDDEN)
    X, z = _data()
    rng = np.random.default_rng(5)
    visible = [
        (X, z, GMM3, "60 points with their true labels"),
        (X, rng.integers(0, 3, size=len(X)), GMM3, "the same points with random labels"),
        (X[:5] + 300.0, z[:5], GMM3, "points 300 units from every mean"),
    ]
    X1, z1 = _data(20, 4, _gmm_1d())
    hidden_extra = [
        (X1, z1, _gmm_1d(), "d = 1"),
        (X, np.zeros(len(X), dtype=int), GMM(np.ones(1), MEANS[:1], COVS[:1]), "k = 1"),
        (X[:1], z[:1], GMM3, "a single point"),
    ]
    for Xc, zc, gmm, case in cases_for(visible, hidden_extra, hidden):
        n = len(Xc)
        got = finite_number(
            ex,
            ex.call(student, Xc, zc, gmm, case=case),
            "your complete-data log-likelihood",
            f"on {case} your result is -inf: the product of the densities (or a density far away) underflows "
            "to 0 before the log. Sum log pi + log N term by term, with log N computed in log space (log_pdf).",
            bad=np.isneginf,
        )
        a = weighted_log_prob(Xc, gmm)
        own = a[np.arange(n), zc]
        want = own.sum()
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        logw = np.log(gmm.weights)
        wrong = [
            (
                (own - logw[zc]).sum(),
                "you forgot log pi_{z_n}: the complete-data likelihood includes p(z_n) = pi_{z_n}",
            ),
            (a.sum(), "you summed over every component; with known labels only the term of z_n counts"),
            (
                special.logsumexp(a, axis=1).sum(),
                "that is the incomplete log-likelihood log p(X); with the labels "
                "known, use only the component z_n of each point, no sum inside the log",
            ),
            (np.exp(own).sum(), "you summed densities pi N instead of their logs"),
            (want / n, "you averaged over points; the log-likelihood is a sum"),
            ((own - 2 * logw[zc]).sum(), "the weight term is +log pi_{z_n}, not -log pi"),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
        ex.fail(f"on {case} your value is {got:.6g}, the reference is {want:.6g}.")
    ex.passed("with true labels, random labels and far points")


# ---------------------------------------------------------------- exercise 2: MLE from labels


def _mle(X, z, k):
    n, d = X.shape
    counts = np.bincount(z, minlength=k).astype(float)
    means = np.array([X[z == j].mean(axis=0) for j in range(k)])
    covs = np.array([(X[z == j] - means[j]).T @ (X[z == j] - means[j]) / counts[j] for j in range(k)]).reshape(k, d, d)
    return counts / n, means, covs


def _unpack3(ex, out, shapes, names):
    if not (isinstance(out, tuple | list) and len(out) == 3):
        ex.fail(f"return three arrays ({', '.join(names)}); got {type(out).__name__}.")
    return [ex.array(v, s, f"your {name}") for v, s, name in zip(out, shapes, names, strict=True)]


@exercise_check
def check_mle_from_labels(student, hidden=False):
    """mle_from_labels(X, z, k) -> (weights (k,), means (k, d), covs (k, d, d)): counts and averages."""
    ex = Exercise("mle_from_labels")
    forbid(ex, student, [m_step])
    X, z = _data(90, 32)
    one = z.copy()
    one[np.flatnonzero(z == 2)[1:]] = 0  # cluster 2 keeps exactly one point
    visible = [
        (X, z, 3, "90 points with 3 labels"),
        (X, one, 3, "a cluster with a single point (its covariance is the zero matrix)"),
    ]
    X1, z1 = _data(30, 6, _gmm_1d())
    X4 = np.random.default_rng(8).normal(size=(40, 4)) + 10.0
    hidden_extra = [
        (X1, z1, 2, "d = 1"),
        (X4, np.arange(40) % 2, 2, "4-D points around (10, 10, 10, 10)"),
        (X, np.zeros(len(X), dtype=int), 1, "k = 1"),
    ]
    for Xc, zc, k, case in cases_for(visible, hidden_extra, hidden):
        n, d = Xc.shape
        with warnings.catch_warnings():  # np.cov of one point warns about the degrees of freedom
            warnings.simplefilter("ignore", RuntimeWarning)
            out = ex.call(student, Xc, zc, k, case=case)
        if isinstance(out, tuple | list) and len(out) == 3:
            covs_raw = np.asarray(out[2], dtype=float)
            if covs_raw.shape == (k, d, d) and not np.all(np.isfinite(covs_raw)):
                ex.fail(
                    f"on {case} your covariance has NaN or inf: you divided by N_k - 1 (np.cov's default), which is "
                    "0 for a one-point cluster. The maximum-likelihood covariance divides by N_k "
                    "(np.cov(..., bias=True))."
                )
        w, m, c = _unpack3(ex, out, [(k,), (k, d), (k, d, d)], ["weights", "means", "covariances"])
        W, M, C = _mle(Xc, zc, k)
        counts = np.bincount(zc, minlength=k)
        if not ex.agrees(w, W, rtol=1e-9, atol=1e-8):
            if np.allclose(w, counts):
                ex.fail(f"on {case} your weights are the counts N_k; divide by n so that they sum to 1.")
            if np.allclose(w, 1 / k):
                ex.fail(f"on {case} your weights are all 1/k; the estimate is the fraction of points, N_k / n.")
            ex.close(w, W, f"on {case} your weights differ from N_k / n")
        ex.close(m, M, f"on {case} your means differ from the mean of each cluster's points", rtol=1e-9)
        if ex.agrees(c, C, rtol=1e-8, atol=1e-12):
            continue
        big = counts > 1
        raw2 = np.array([Xc[zc == j].T @ Xc[zc == j] / counts[j] for j in range(k)]).reshape(k, d, d)
        wrong = [
            (
                C[big] * (counts[big] / (counts[big] - 1))[:, None, None],
                "you divided by N_k - 1 (np.cov's default); "
                "the maximum-likelihood covariance divides by N_k (np.cov(..., bias=True))",
                big,
            ),
            (C * (counts / n)[:, None, None], "you divided by n, the number of all points; divide by N_k", None),
            (raw2, "you forgot to centre: the covariance averages (x - mu_k)(x - mu_k)^T, not x x^T", None),
            (C * counts[:, None, None], "you forgot to divide by N_k", None),
            (
                np.repeat(np.cov(Xc.T, bias=True).reshape(1, d, d), k, 0),
                "every cluster got the covariance of all the data; use only the points with label k",
                None,
            ),
            (np.sqrt(np.abs(C)), "you returned standard deviations; the covariance holds variances", None),
        ]
        for value, msg, rows in wrong:
            got_rows = c if rows is None else c[rows]
            if value.shape == got_rows.shape and np.allclose(got_rows, value, rtol=1e-7, atol=1e-12):
                ex.fail(f"on {case}: {msg}.")
        ex.close(c, C, f"on {case} your covariances differ from (1/N_k) sum_(n in k) (x_n - mu_k)(x_n - mu_k)^T")
    ex.passed("including a one-point cluster")


# ---------------------------------------------------------------- exercise 3: Q(theta, theta_old)


def _q_cases(hidden):
    X, _ = _data(50, 33)
    rng = np.random.default_rng(9)
    post = np.exp(weighted_log_prob(X, GMM3) - log_density(X, GMM3)[:, None])
    random_q = rng.dirichlet(np.ones(3), size=len(X))
    q_zero = random_q.copy()
    q_zero[:, 2] = 0.0
    q_zero /= q_zero.sum(axis=1, keepdims=True)
    visible = [
        (X, random_q, GMM3, "random responsibilities"),
        (X, post, GMM3, "responsibilities from the same mixture"),
        (X, q_zero, ZERO_W, "a component of weight 0 whose responsibilities are all 0 (0 * log 0 counts as 0)"),
    ]
    onehot = np.eye(3)[rng.integers(0, 3, size=len(X))]
    X1, _ = _data(15, 2, _gmm_1d())
    hidden_extra = [
        (X, onehot, GMM3, "one-hot responsibilities (Q is then the complete-data log-likelihood)"),
        (X1, rng.dirichlet(np.ones(2), size=15), _gmm_1d(), "d = 1"),
        (X[:4] + 300.0, random_q[:4], GMM3, "points 300 units from every mean"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _q_ref(X, r, gmm):
    a = weighted_log_prob(X, gmm)
    pos = r > 0
    return float(np.sum(r[pos] * a[pos]))


@exercise_check
def check_expected_complete_log_likelihood(student, hidden=False):
    """Q(X, resp, gmm) -> sum_n sum_k r_nk [log pi_k + log N(x_n | mu_k, Sigma_k)]."""
    ex = Exercise("Q")
    forbid(ex, student, _FORBIDDEN)
    for X, r, gmm, case in _q_cases(hidden):
        got = finite_number(
            ex,
            ex.call(student, X, r, gmm, case=case),
            "your Q",
            f"on {case} your Q is NaN: r_nk = 0 times log pi_k = -inf gives 0 * (-inf) = NaN. A term with "
            "r_nk = 0 contributes 0: sum only over the entries with r_nk > 0 (e.g. a mask r > 0).",
        )
        want = _q_ref(X, r, gmm)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        a = weighted_log_prob(X, gmm)
        pos = r > 0
        with np.errstate(divide="ignore"):
            logw = np.log(gmm.weights)
        comp = a - logw
        entropy = -np.sum(r[pos] * np.log(r[pos]))
        wrong = [
            (np.sum(r[pos] * comp[pos]), "you forgot the weights: each term is r_nk (log pi_k + log N_k)"),
            (np.sum(r * np.exp(a)), "you used the density pi_k N_k where its log goes"),
            (want + entropy, "you added the entropy -sum r log r: that is the lower bound L of lesson 04, not Q"),
            (
                float(log_density(X, gmm).sum()),
                "that is the log-likelihood log p(X); Q weights the log joint "
                "log pi_k + log N_k by the responsibilities",
            ),
            (want / len(X), "you averaged over points; Q is a sum"),
            (
                np.sum(np.log(np.sum(r * np.exp(a), axis=1))),
                "you took the log of the weighted sum; Q is the "
                "weighted sum of logs (the expectation sits outside the log)",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
        ex.fail(f"on {case} your Q is {got:.6g}, the reference is {want:.6g}.")
    ex.passed("including a zero-weight component with zero responsibilities")


# ---------------------------------------------------------------- exercise 4: expected sufficient statistics


def _stats(X, r):
    return r.sum(axis=0), r.T @ X, np.einsum("nk,ni,nj->kij", r, X, X)


@exercise_check
def check_sufficient_statistics(student, hidden=False):
    """sufficient_statistics(X, resp) -> (N_k (k,), S1 = sum r x (k, d), S2 = sum r x x^T (k, d, d))."""
    ex = Exercise("sufficient_statistics")
    cases = [(X, r, case) for X, r, _, case in _q_cases(hidden) if "weight 0" not in case]
    cases.append((cases[0][0][:1], cases[0][1][:1], "a single point"))  # last, also after the hidden cases
    for X, r, case in cases:
        n, d = X.shape
        k = r.shape[1]
        out = ex.call(student, X, r, case=case)
        if isinstance(out, tuple | list) and len(out) == 3 and np.shape(out[0]) == (n,) and n != k:
            ex.fail(
                f"on {case} your N_k has shape ({n},): you summed over components (axis=1); sum over points (axis=0)."
            )
        Nk, S1, S2 = _unpack3(ex, out, [(k,), (k, d), (k, d, d)], ["N_k", "S1 = sum r x", "S2 = sum r x x^T"])
        wNk, wS1, wS2 = _stats(X, r)
        ex.close(Nk, wNk, f"on {case} your N_k differs from sum_n r_nk")
        if not ex.agrees(S1, wS1, rtol=1e-9, atol=1e-8):
            if np.allclose(S1, wS1 / wNk[:, None]):
                ex.fail(f"on {case} your S1 is the weighted mean; keep the sum sum_n r_nk x_n (divide later).")
            ex.close(S1, wS1, f"on {case} your S1 differs from sum_n r_nk x_n")
        if ex.agrees(S2, wS2, rtol=1e-9, atol=1e-8):
            continue
        mu = wS1 / wNk[:, None]
        centred = np.einsum("nk,nki,nkj->kij", r, X[:, None, :] - mu[None], X[:, None, :] - mu[None])
        wrong = [
            (
                centred,
                "you centred: the sufficient statistic is the raw sum sum_n r_nk x_n x_n^T (the centring "
                "happens when the covariance is computed from the statistics)",
            ),
            (np.repeat((X.T @ X)[None], k, 0), "you forgot the responsibilities in S2: weight each x x^T by r_nk"),
            (wS2 / wNk[:, None, None], "your S2 is a weighted mean; keep the sum"),
            (np.einsum("ki,kj->kij", wS1, wS1), "S2 is sum r x x^T, not the outer product of S1 with itself"),
        ]
        ex.name_mistake(S2, wrong, f"on {case}", rtol=1e-9, atol=1e-8)
        ex.close(S2, wS2, f"on {case} your S2 differs from sum_n r_nk x_n x_n^T")
    ex.passed("N_k, sum r x and sum r x x^T")


# ---------------------------------------------------------------- exercise 5: parameters from the statistics


@exercise_check
def check_params_from_stats(student, hidden=False):
    """params_from_stats(Nk, S1, S2, n) -> (weights, means, covs) equal to the M-step."""
    ex = Exercise("params_from_stats")
    forbid(ex, student, [m_step])
    cases = [(X, r, case) for X, r, _, case in _q_cases(hidden) if "weight 0" not in case]
    worst = 0.0
    for X, r, case in cases:
        n, d = X.shape
        k = r.shape[1]
        Nk, S1, S2 = _stats(X, r)
        out = ex.call(student, Nk, S1, S2, n, case=case)
        w, m, c = _unpack3(ex, out, [(k,), (k, d), (k, d, d)], ["weights", "means", "covariances"])
        ref = m_step(X, r, reg_covar=0.0)  # the M-step computed from centred data, without regularisation
        if not ex.agrees(w, ref.weights, rtol=1e-9, atol=1e-8):
            if np.allclose(w, Nk):
                ex.fail(f"on {case} your weights are N_k; divide by n.")
            ex.close(w, ref.weights, f"on {case} your weights differ from N_k / n")
        if not ex.agrees(m, ref.means, rtol=1e-8, atol=1e-10):
            if np.allclose(m, S1 / n):
                ex.fail(f"on {case} you divided S1 by n; the mean of component k divides by N_k.")
            ex.close(m, ref.means, f"on {case} your means differ from S1 / N_k")
        if ex.agrees(c, ref.covariances, rtol=1e-7, atol=1e-9):
            worst = max(worst, float(np.abs(c - ref.covariances).max()))
            continue
        mu = S1 / Nk[:, None]
        outer = np.einsum("ki,kj->kij", mu, mu)
        wrong = [
            (S2 / Nk[:, None, None], "you forgot to subtract mu_k mu_k^T: S2 / N_k is the raw second moment"),
            (S2 / n - outer, "you divided S2 by n; divide by N_k"),
            (S2 / Nk[:, None, None] + outer, "the sign is wrong: Sigma_k = S2 / N_k - mu_k mu_k^T"),
            (
                S2 / Nk[:, None, None] - np.einsum("ki,ki->k", mu, mu)[:, None, None],
                "subtract the outer product mu_k mu_k^T (a d x d matrix), not the number mu_k^T mu_k",
            ),
        ]
        ex.name_mistake(c, wrong, f"on {case}", rtol=1e-7, atol=1e-8)
        ex.close(c, ref.covariances, f"on {case} your covariances differ from S2 / N_k - mu_k mu_k^T")
    ex.passed(f"equal to the M-step computed from the data; largest covariance difference {worst:.1e}")
