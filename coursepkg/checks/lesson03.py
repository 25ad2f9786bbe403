"""Checks for the exercises of lesson 03 (complete-data likelihood).

Student functions take a `coursepkg.mixture.GMM` (weights, means, covariances) and may use
`coursepkg.gaussian.log_pdf`, which lesson 02 had them build; they must not call the mixture
functions that compute the very quantity asked for. The reference log joint
log pi_k + log N(x_n | mu_k, Sigma_k) is `coursepkg.mixture.weighted_log_prob`; the
mixture GMM3 (and ZERO_W, with a weight 0) comes from `_core.data`.

Three checks take a derivation: the stationary point of the weights' Lagrangian with
pseudo-counts (checked as a formula on several counts), the gap log p(X) - log p(X, z) for
hard labels as a function of the posterior, and the covariance recovered from statistics
about a reference point c, on data shifted by 1e7 where the raw formula S2 / N_k - mu mu^T
loses every digit. `MISTAKES` at the end lists every mistake id the checks produce.
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
from ._core import COVS, GMM3, MEANS, ZERO_W, CheckFailed, Exercise, cases_for, exercise_check, finite_number, forbid
from ._core.exercise import FAIL_MARK, PASS_MARK
from ._core.mistakes import mistake_id

_FORBIDDEN = [complete_log_likelihood, expected_complete_log_likelihood, weighted_log_prob, log_likelihood, lower_bound]


class _Shown(Exercise):
    """An Exercise whose messages name the student's function as the notebook spells it (`Q`).

    A mistake id is lower case (`q.no_weights`), so the id keeps the Exercise's name; only the ✓/✗ lines
    show `shown`.
    """

    def __init__(self, name, shown):
        super().__init__(name)
        self.shown = shown

    def fail(self, message, mistake=None):
        raise CheckFailed(f"{FAIL_MARK} {self.shown}: {message}", mistake=mistake_id(self.name, mistake))

    def passed(self, detail=""):
        extra = f" ({detail})" if detail else ""
        print(f"{PASS_MARK} {self.shown}: {self.n_checks} checks passed{extra}.")
        return True


def _data(n=60, seed=31, gmm=GMM3):
    return sample(gmm, n, np.random.default_rng(seed))


def _gmm_1d():
    return GMM(np.array([0.3, 0.7]), np.array([[-2.0], [1.5]]), np.array([[[0.5]], [[2.0]]]))


def _posterior(X, gmm):
    a = weighted_log_prob(X, gmm)
    return np.exp(a - special.logsumexp(a, axis=1, keepdims=True))


def _unpack3(ex, out, shapes, names):
    if not (isinstance(out, tuple | list) and len(out) == 3):
        ex.fail(f"return three arrays ({', '.join(names)}); got {type(out).__name__}.", "not_three")
    return [ex.array(v, s, f"your {name}") for v, s, name in zip(out, shapes, names, strict=True)]


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
            f"on {case}: your result is -inf: the product of the densities (or a density far away) underflows "
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
                "no_log_weight",
            ),
            (
                a.sum(),
                "you summed over every component; with known labels only the term of z_n counts",
                "all_components",
            ),
            (
                (own - logw[zc]).sum() + logw.sum(),
                "you added log pi_k once per component; every point labelled k contributes its own log pi_k, "
                "so the weight term of component k is counted N_k times",
                "log_weight_once",
            ),
            (
                (own - logw[zc]).sum() + logw[np.unique(zc)].sum(),
                "you added log pi_k once per component that has points; every point labelled k contributes its "
                "own log pi_k, so the weight term of component k is counted N_k times",
                "log_weight_once",
            ),
            (
                logw[zc].sum() + (a - logw).sum(),
                "your weight term is right, but you scored every point under every component; with known labels "
                "each point's density is only that of its own component z_n",
                "every_point_every_component",
            ),
            (
                special.logsumexp(a, axis=1).sum(),
                "that is the incomplete log-likelihood log p(X); with the labels "
                "known, use only the component z_n of each point, no sum inside the log",
                "incomplete",
            ),
            (np.exp(own).sum(), "you summed densities pi N instead of their logs", "summed_densities"),
            (want / n, "you averaged over points; the log-likelihood is a sum", "averaged"),
            ((own - 2 * logw[zc]).sum(), "the weight term is +log pi_{z_n}, not -log pi", "minus_log_weight"),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
        ex.fail(f"on {case}: your value is {got:.6g}, the reference is {want:.6g}.")
    ex.passed("with true labels, random labels and far points")


# ---------------------------------------------------------------- exercise 2: MLE from labels


def _mle(X, z, k):
    n, d = X.shape
    counts = np.bincount(z, minlength=k).astype(float)
    means = np.array([X[z == j].mean(axis=0) for j in range(k)])
    covs = np.array([(X[z == j] - means[j]).T @ (X[z == j] - means[j]) / counts[j] for j in range(k)]).reshape(k, d, d)
    return counts / n, means, covs


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
            try:
                covs_raw = np.asarray(out[2], dtype=float)
            except (TypeError, ValueError):
                covs_raw = None
            if covs_raw is not None and covs_raw.shape == (k, d, d) and not np.all(np.isfinite(covs_raw)):
                ex.fail(
                    f"on {case}: your covariance has NaN or inf: you divided by N_k - 1 (np.cov's default), which is "
                    "0 for a one-point cluster. The maximum-likelihood covariance divides by N_k.",
                    "one_point_nan",
                )
        w, m, c = _unpack3(ex, out, [(k,), (k, d), (k, d, d)], ["weights", "means", "covariances"])
        W, M, C = _mle(Xc, zc, k)
        counts = np.bincount(zc, minlength=k)
        if not ex.agrees(w, W, rtol=1e-9, atol=1e-8):
            if np.allclose(w, counts):
                ex.fail(f"on {case}: your weights are the counts N_k; divide by n so that they sum to 1.", "counts")
            if np.allclose(w, 1 / k):
                ex.fail(
                    f"on {case}: your weights are all 1/k; the estimate is the fraction of points, N_k / n.", "uniform"
                )
            ex.close(w, W, f"on {case}: your weights differ from N_k / n", mistake="wrong_weights")
        ex.close(
            m,
            M,
            f"on {case}: your means differ from the mean of each cluster's points",
            rtol=1e-9,
            mistake="wrong_means",
        )
        if ex.agrees(c, C, rtol=1e-8, atol=1e-12):
            continue
        big = counts > 1
        raw2 = np.array([Xc[zc == j].T @ Xc[zc == j] / counts[j] for j in range(k)]).reshape(k, d, d)
        wrong = [
            (
                C[big] * (counts[big] / (counts[big] - 1))[:, None, None],
                "you divided by N_k - 1 (np.cov's default); the maximum-likelihood covariance divides by N_k",
                big,
                "ddof_one",
            ),
            (
                C * (counts / n)[:, None, None],
                "you divided by n, the number of all points; divide by N_k",
                None,
                "divided_by_n",
            ),
            (
                raw2,
                "you forgot to centre: the covariance averages (x - mu_k)(x - mu_k)^T, not x x^T",
                None,
                "not_centred",
            ),
            (C * counts[:, None, None], "you forgot to divide by N_k", None, "not_divided"),
            (
                np.repeat(np.cov(Xc.T, bias=True).reshape(1, d, d), k, 0),
                "every cluster got the covariance of all the data; use only the points with label k",
                None,
                "all_data",
            ),
            (
                np.sqrt(np.abs(C)),
                "you returned standard deviations; the covariance holds variances",
                None,
                "standard_deviations",
            ),
        ]
        for value, msg, rows, key in wrong:
            got_rows = c if rows is None else c[rows]
            if value.shape == got_rows.shape and np.allclose(got_rows, value, rtol=1e-7, atol=1e-12):
                ex.fail(f"on {case}: {msg}.", key)
        ex.close(
            c,
            C,
            f"on {case}: your covariances differ from (1/N_k) sum_(n in k) (x_n - mu_k)(x_n - mu_k)^T",
            mistake="wrong_covariances",
        )
    ex.passed("including a one-point cluster")


# ---------------------------------------------------------------- exercise 3: the Lagrange multiplier


_SHARE_CASES = [
    (np.array([30.0, 50.0, 20.0]), 0.0, "counts (30, 50, 20), no background (eps = 0)"),
    (np.array([12.5, 7.25, 0.25]), 0.1, "fractional counts (12.5, 7.25, 0.25), eps = 0.1"),
    (np.array([3.0, 0.0, 9.0, 4.0]), 0.25, "counts (3, 0, 9, 4), eps = 0.25"),
]
_SHARE_HIDDEN = [
    (np.array([7.0]), 0.4, "a single free component, eps = 0.4"),
    (np.array([1e6, 2e6]), 0.01, "three million points, eps = 0.01"),
]


def _weight_mistakes(counts, eps):
    """(weights, message, key) for the typical wrong derivations of the stationary weights."""
    N, K = counts.sum(), len(counts)
    return [
        (counts, "your weights are the counts N_k: you took nu = 1; the constraint fixes nu", "unnormalised"),
        (counts / K, "you divided by K, the number of components; the constraint fixes the divisor", "divided_by_k"),
        (
            counts / N,
            "your weights sum to 1, but the free components share only 1 - eps: the background keeps its eps",
            "eps_ignored",
        ),
        (
            counts / N - eps / K,
            "you took eps away equally from every component; the stationarity condition makes every pi_k "
            "proportional to its own N_k",
            "eps_split_equally",
        ),
        (eps * counts / N, "the free components share 1 - eps, not eps", "eps_for_free"),
        (
            np.full(K, (1 - eps) / K),
            "equal shares do not make the derivative vanish unless all N_k are equal",
            "uniform",
        ),
    ]


@exercise_check
def check_lagrange_weights(student, hidden=False):
    """lagrange_weights(counts, eps) -> (nu, weights): the stationary point when a background keeps weight eps."""
    ex = Exercise("lagrange_weights")
    for counts, eps, case in cases_for(_SHARE_CASES, _SHARE_HIDDEN, hidden):
        K = len(counts)
        out = ex.call(student, counts, eps, case=case)
        if not (isinstance(out, tuple | list) and len(out) == 2):
            ex.fail(f"return a pair (nu, weights); got {type(out).__name__}.", "not_a_pair")
        nu = ex.number(out[0], f"your nu on {case}")
        weights = ex.array(out[1], (K,), f"your weights on {case}")
        N = counts.sum()
        want_nu = N / (1 - eps)
        want_w = counts / want_nu
        if not ex.agrees(weights, want_w, rtol=1e-9, atol=1e-12):
            ex.name_mistake(weights, _weight_mistakes(counts, eps), f"on {case}", rtol=1e-9, atol=1e-12)
            if not np.isclose(weights.sum(), 1 - eps):
                ex.fail(
                    f"on {case}: your weights sum to {weights.sum():.6g}, not 1 - eps = {1 - eps:.6g}: the "
                    "constraint is part of the answer. Solve the stationarity condition for pi_k, then sum over k.",
                    "not_summing",
                )
            ex.fail(
                f"on {case}: your weights {np.round(weights, 4)} are not where the derivative of the Lagrangian "
                "vanishes: N_k / pi_k - nu = 0 for every free k.",
                "wrong_weights",
            )
        if ex.agrees(nu, want_nu, rtol=1e-9, atol=1e-12):
            continue
        wrong = [
            (1.0, "nu = 1 does not satisfy the constraint: sum_k pi_k = sum_k N_k / nu must equal 1 - eps", "nu_one"),
            (
                -want_nu,
                "the sign of nu is flipped: with + nu (1 - eps - sum_k pi_k) the derivative is N_k / pi_k - nu",
                "nu_sign",
            ),
            (float(K), "nu is not the number of components", "nu_is_k"),
            (
                N,
                "nu = N is the answer without the background: sum_k N_k / nu = 1 - eps gives nu = N / (1 - eps)",
                "nu_is_n",
            ),
            (N * (1 - eps), "you multiplied by 1 - eps: sum_k N_k / nu = 1 - eps gives nu = N / (1 - eps)", "nu_times"),
            (1.0 / want_nu, "you inverted nu: pi_k = N_k / nu", "nu_inverted"),
        ]
        ex.name_mistake(nu, wrong, f"on {case}: your nu = {nu:.6g}", rtol=1e-9, atol=1e-12)
        ex.fail(
            f"on {case}: your nu = {nu:.6g}; at the stationary point nu = N_k / pi_k for every free k, which is "
            f"{want_nu:.6g} with the weights you found.",
            "wrong_nu",
        )
    ex.passed("nu and the weights on integer and fractional counts, with and without a background")


# ---------------------------------------------------------------- exercise 4: Q(theta, theta_old)


def _q_cases(hidden):
    X, _ = _data(50, 33)
    rng = np.random.default_rng(9)
    post = _posterior(X, GMM3)
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
    ex = _Shown("q", "Q")
    forbid(ex, student, _FORBIDDEN)
    for X, r, gmm, case in _q_cases(hidden):
        got = finite_number(
            ex,
            ex.call(student, X, r, gmm, case=case),
            "your Q",
            f"on {case}: your Q is NaN: r_nk = 0 times log pi_k = -inf gives 0 * (-inf) = NaN. A term with "
            "r_nk = 0 contributes 0: leave those terms out of the sum.",
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
            (
                np.sum(r[pos] * comp[pos]),
                "you forgot the weights: each term is r_nk (log pi_k + log N_k)",
                "no_weights",
            ),
            (np.sum(r * np.exp(a)), "you used the density pi_k N_k where its log goes", "density_not_log"),
            (
                want + entropy,
                "you added the entropy -sum r log r: that is the lower bound L of lesson 04, not Q",
                "added_entropy",
            ),
            (
                float(log_density(X, gmm).sum()),
                "that is the log-likelihood log p(X); Q weights the log joint "
                "log pi_k + log N_k by the responsibilities",
                "log_likelihood",
            ),
            (want / len(X), "you averaged over points; Q is a sum", "averaged"),
            (
                np.sum(np.log(np.sum(r * np.exp(a), axis=1))),
                "you took the log of the weighted sum; Q is the "
                "weighted sum of logs (the expectation sits outside the log)",
                "log_of_sum",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
        ex.fail(f"on {case}: your Q is {got:.6g}, the reference is {want:.6g}.")
    ex.passed("including a zero-weight component with zero responsibilities")


# ---------------------------------------------------------------- exercise 5: Q + H = log p, and hard labels


def _entropy_cases(hidden):
    X, _ = _data(40, 34)
    rng = np.random.default_rng(10)
    r = rng.dirichlet(np.ones(3), size=len(X))
    with_zeros = r.copy()
    with_zeros[:, 1] = 0.0
    with_zeros /= with_zeros.sum(axis=1, keepdims=True)
    visible = [
        (r, "random responsibilities"),
        (np.full((10, 4), 0.25), "10 points shared equally by 4 components"),
        (with_zeros, "responsibilities with a column of zeros (0 log 0 counts as 0)"),
    ]
    hidden_extra = [
        (np.eye(3)[rng.integers(0, 3, size=12)], "one-hot responsibilities (no uncertainty at all)"),
        (r[:1], "a single point"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _identity_cases():
    X, _ = _data(50, 35)
    X1, _ = _data(20, 7, _gmm_1d())
    return [
        (X, GMM3, "50 points of the 3-component mixture"),
        (X1, _gmm_1d(), "d = 1"),
        (X[:6] + np.array([6.0, -4.0]), GMM3, "points between and beyond the components"),
    ]


@exercise_check
def check_entropy(student, Q=None, hidden=False):
    """entropy(resp) -> H(r) = -sum_nk r_nk log r_nk; with the student's Q, checks Q + H = log p at the posterior."""
    ex = Exercise("entropy")
    for r, case in _entropy_cases(hidden):
        n, k = r.shape
        raw = ex.call(student, r, case=case)
        arr = None
        try:
            arr = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            pass
        pos = r > 0
        want = float(-np.sum(r[pos] * np.log(r[pos])))
        per_point = -np.sum(np.where(pos, r * np.log(np.where(pos, r, 1.0)), 0.0), axis=1)
        if arr is not None and arr.shape == (n,) and np.allclose(arr, per_point, rtol=1e-9, atol=1e-12):
            ex.fail(
                f"on {case}: you returned one entropy per point; H(r) is their sum over points (a single number).",
                "per_point",
            )
        got = finite_number(
            ex,
            raw,
            "your entropy",
            f"on {case}: your entropy is NaN: r log r with r = 0 is 0 * (-inf) = NaN in floating point. The limit "
            "of r log r as r -> 0 is 0: leave those terms out.",
        )
        if ex.agrees(got, want, rtol=1e-9, atol=1e-12):
            continue
        wrong = [
            (-want, "the sign is flipped: H(r) = -sum r log r, which is >= 0 because log r <= 0", "sign"),
            (want / np.log(2), "you used log base 2 (bits); the course measures in nats, with the natural log", "log2"),
            (want / n, "you averaged over points; H(r) is a sum over points", "averaged"),
            (float(-np.sum(np.log(r[pos]))), "each log r_nk is weighted by r_nk: H = -sum r log r", "not_weighted"),
        ]
        ex.name_mistake(got, wrong, f"on {case}: your entropy {got:.6g}", rtol=1e-9, atol=1e-12)
        ex.fail(f"on {case}: your entropy is {got:.6g}; the reference is {want:.6g}.")
    detail = "0 log 0 = 0 included"
    if ex.given(Q):
        worst = 0.0
        for X, gmm, case in _identity_cases():
            post = _posterior(X, gmm)
            q_value = finite_number(ex, ex.call(Q, X, post, gmm, case=case), "your Q", "your Q is NaN.")
            h_value = ex.number(ex.call(student, post, case=case), "your entropy")
            log_p = float(log_density(X, gmm).sum())
            resid = abs(q_value + h_value - log_p)
            ex.expect(
                resid <= 1e-8 * max(1.0, abs(log_p)),
                f"on {case}, with r the posterior, your Q + H = {q_value + h_value:.8g} but log p(X) = {log_p:.8g}. "
                "Your entropy passed, so look at your Q (exercise 4) on these points.",
                "identity_fails",
            )
            worst = max(worst, resid)
        detail += f"; Q + H = log p(X) at the posterior with your two functions, largest residual {worst:.1e}"
    ex.passed(detail)


def _gap_cases(hidden):
    X, z = _data(60, 36)
    rng = np.random.default_rng(12)
    X1, z1 = _data(25, 8, _gmm_1d())
    visible = [
        (X, z, GMM3, "60 points with their true labels"),
        (X, rng.integers(0, 3, size=len(X)), GMM3, "the same points with random labels"),
        (X[:8], np.full(8, 2), GMM3, "8 points all labelled 3 (index 2)"),
    ]
    hidden_extra = [
        (X1, z1, _gmm_1d(), "d = 1"),
        (X, np.zeros(len(X), dtype=int), GMM(np.ones(1), MEANS[:1], COVS[:1]), "k = 1 (the gap is 0)"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_hard_label_gap(student, hidden=False):
    """hard_label_gap(resp, z) -> log p(X | theta) - log p(X, z | theta), from the posterior resp at theta."""
    ex = Exercise("hard_label_gap")
    for X, z, gmm, case in _gap_cases(hidden):
        n = len(X)
        post = _posterior(X, gmm)
        got = finite_number(
            ex,
            ex.call(student, post, z, case=case),
            "your gap",
            f"on {case}: your gap is infinite or NaN: a product of n responsibilities underflows to 0 before the "
            "log. Turn the log of a product into a sum of logs.",
            bad=lambda v: not np.isfinite(v),
        )
        a = weighted_log_prob(X, gmm)
        want = float(special.logsumexp(a, axis=1).sum() - a[np.arange(n), z].sum())  # log p(X) - log p(X, z)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        own = post[np.arange(n), z]
        pos = post > 0
        wrong = [
            (-want, "the sign is flipped: log r_{n z_n} <= 0, and the gap log p(X) - log p(X, z) is >= 0", "sign"),
            (
                float(-np.sum(post[pos] * np.log(post[pos]))),
                "that is the entropy H(r), the gap of Q at the posterior; with hard labels only the label z_n "
                "of each point counts",
                "entropy",
            ),
            (float(np.sum(1 - own)), "you dropped the log: divide p(x_n, z_n) by p(x_n) and take logs", "no_log"),
            (
                float(-np.sum(np.log(post))),
                "only the label z_n of each point enters, not every component",
                "all_components",
            ),
            (want / n, "you averaged over points; the gap is a sum over points", "averaged"),
        ]
        ex.name_mistake(got, wrong, f"on {case}: your gap {got:.6g}", rtol=1e-9, atol=1e-9)
        if n > 1 and np.isclose(got, float(-np.sum(np.log(post[:, z]))), rtol=1e-9, atol=1e-9):
            ex.fail(
                f"on {case}: your gap {got:.6g} sums {n} x {n} = {n * n} logs, not {n}: indexing the columns of "
                f"resp with the whole label vector z gives an ({n}, {n}) array (every point with every point's "
                "label). Each point needs one entry, its own row and the column of its own label.",
                "label_matrix",
            )
        ex.fail(
            f"on {case}: your gap is {got:.6g}; log p(X) - log p(X, z) is {want:.6g}. For one point, how are "
            "p(x_n, z_n), p(x_n) and the posterior r_(n z_n) related?",
        )
    ex.passed("equal to log p(X) - log p(X, z) for true, random and unlikely labels")


# ---------------------------------------------------------------- exercise 6: statistics about a reference point

SHIFT = 1e7


def _about_cases(hidden):
    """(X, resp, c, case, far): far marks data 1e7 from the origin, where the raw formula fails."""
    X, _ = _data(60, 37)
    rng = np.random.default_rng(13)
    r = rng.dirichlet(np.ones(3), size=len(X))
    X_far = 0.1 * X + SHIFT  # standard deviations of about 0.05 to 0.15, 1e7 from the origin
    c_far = np.round(X_far[:20].mean(axis=0), 1)  # a rough mean, as a first pass over a few points gives
    X1, _ = _data(30, 9, _gmm_1d())
    visible = [
        (X, r, np.zeros(2), "60 points near the origin, c = 0", False),
        (X, r, np.array([1.0, -2.0]), "the same points, c = (1, -2)", False),
        (X_far, r, c_far, f"the points scaled by 0.1 and shifted by {SHIFT:.0e}, c = a rough mean", True),
    ]
    hidden_extra = [
        (0.1 * X1 - SHIFT, rng.dirichlet(np.ones(2), size=30), np.array([-SHIFT]), f"d = 1 at -{SHIFT:.0e}", True),
        (X[:1], r[:1], X[0] + 0.5, "a single point", False),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _stats_about(X, r, c):
    """(N_k, sum r (x - c), sum r (x - c)(x - c)^T), from the exactly shifted data X - c."""
    Y = X - c
    return r.sum(axis=0), r.T @ Y, np.einsum("nk,ni,nj->kij", r, Y, Y)


def _params_ref(X, r, c):
    """Weights, means and covariances by the two-pass centred formula on X - c (independent of the statistics)."""
    Y = X - c
    Nk = r.sum(axis=0)
    m = (r.T @ Y) / Nk[:, None]
    covs = np.array([(r[:, j, None] * (Y - m[j])).T @ (Y - m[j]) / Nk[j] for j in range(r.shape[1])])
    return Nk / len(X), c + m, covs


_RAW = (
    "sum_n r_nk x_n x_n^T / N_k - mu_k mu_k^T subtracts two numbers of about (1e7)^2 = 1e14, whose rounding "
    "errors (about 0.01) are larger than the covariance itself"
)


@exercise_check
def check_statistics_about(student, hidden=False):
    """statistics_about(X, resp, c) -> (N_k, sum r (x - c), sum r (x - c)(x - c)^T)."""
    ex = Exercise("statistics_about")
    for X, r, c, case, far in _about_cases(hidden):
        n, d = X.shape
        k = r.shape[1]
        out = ex.call(student, X, r, c, case=case)
        if isinstance(out, tuple | list) and len(out) == 3 and np.shape(out[0]) == (n,) and n != k:
            ex.fail(
                f"on {case}: your N_k has shape ({n},): you summed over components; sum over points.", "nk_wrong_axis"
            )
        Nk, S1, S2 = _unpack3(
            ex, out, [(k,), (k, d), (k, d, d)], ["N_k", "S1 = sum r (x - c)", "S2 = sum r (x - c)(x - c)^T"]
        )
        wNk, wS1, wS2 = _stats_about(X, r, c)
        ex.close(Nk, wNk, f"on {case}: your N_k differs from sum_n r_nk", mistake="wrong_nk")
        scale1 = np.abs(wS1).max() + wNk.max()
        if not ex.agrees(S1, wS1, rtol=1e-9, atol=1e-7 * scale1):  # sum r x - N_k c loses a little, not all
            wrong = [
                (r.T @ X, "your S1 is sum r x: subtract the reference point, sum_n r_nk (x_n - c)", "ignored_c"),
                (
                    r.T @ X - c,
                    "subtract c from every point before weighting: sum_n r_nk (x_n - c) = S1 - N_k c",
                    "c_not_weighted",
                ),
                (wS1 / wNk[:, None], "your S1 is a weighted mean; keep the sum (divide later)", "s1_mean"),
                (
                    r.T @ X / wNk[:, None] - c,
                    "your S1 is the offset of the weighted mean from c; keep the sum",
                    "s1_mean",
                ),
            ]
            ex.name_mistake(S1, wrong, f"on {case}", rtol=1e-9, atol=1e-7 * scale1)
            if far:
                ex.fail(
                    f"on {case}: your S1 is off by {np.abs(S1 - wS1).max():.1e}, although it was right near the "
                    "origin: you computed it as sum_n r_nk x_n - N_k c, two numbers of about 1e9 whose difference "
                    "keeps few correct digits. Subtract c from each point first.",
                    "raw_moments",
                )
            ex.fail(f"on {case}: your S1 differs from sum_n r_nk (x_n - c).")
        scale2 = np.abs(wS2).max()
        if ex.agrees(S2, wS2, rtol=1e-8, atol=1e-9 * scale2):
            continue
        mu = wS1 / wNk[:, None]
        Y = X - c
        centred = np.einsum("nk,nki,nkj->kij", r, Y[:, None, :] - mu[None], Y[:, None, :] - mu[None])
        wrong = [
            (
                np.einsum("nk,ni,nj->kij", r, X, X),
                "your S2 is sum r x x^T: take the outer products of x_n - c",
                "ignored_c",
            ),
            (
                centred,
                "you centred at the weighted mean; the statistic is about the given point c (the mean is not "
                "known while the sums are being accumulated)",
                "centred_at_mean",
            ),
            (
                np.repeat((Y.T @ Y)[None], k, 0),
                "you forgot the responsibilities in S2: weight each outer product by r_nk",
                "no_resp",
            ),
            (wS2 / wNk[:, None, None], "your S2 is a weighted mean; keep the sum", "s2_mean"),
            (
                np.einsum("ki,kj->kij", wS1, wS1),
                "S2 is a sum of outer products, not the outer product of S1 with itself",
                "s2_outer_s1",
            ),
        ]
        ex.name_mistake(S2, wrong, f"on {case}", rtol=1e-8, atol=1e-9 * scale2)
        if far:
            rel = float(np.abs(S2 - wS2).max() / scale2)
            ex.fail(
                f"on {case}: your S2 is off by {rel:.1e} of its size, although it was right near the origin: you "
                f"computed it through raw sums of x x^T and expanded. {_RAW}. Subtract c from each point first.",
                "raw_moments",
            )
        ex.fail(f"on {case}: your S2 differs from sum_n r_nk (x_n - c)(x_n - c)^T.")
    ex.passed(f"N_k and the sums about c, also on data {SHIFT:.0e} from the origin")


@exercise_check
def check_params_about(student, hidden=False):
    """params_about(Nk, S1, S2, c, n) -> (weights, means, covs) from statistics about c; accurate on shifted data."""
    ex = Exercise("params_about")
    forbid(ex, student, [m_step])
    worst = 0.0
    for X, r, c, case, far in _about_cases(hidden):
        n, d = X.shape
        k = r.shape[1]
        Nk, S1, S2 = _stats_about(X, r, c)
        out = ex.call(student, Nk, S1, S2, c, n, case=case)
        w, m, cv = _unpack3(ex, out, [(k,), (k, d), (k, d, d)], ["weights", "means", "covariances"])
        W, M, C = _params_ref(X, r, c)
        if not ex.agrees(w, W, rtol=1e-9, atol=1e-12):
            if np.allclose(w, Nk):
                ex.fail(f"on {case}: your weights are N_k; divide by n.", "weights_are_counts")
            ex.fail(f"on {case}: your weights differ from N_k / n.", "wrong_weights")
        scale_m = np.abs(M).max() + 1.0
        if not ex.agrees(m, M, rtol=1e-12, atol=1e-9 * np.abs(M - c).max() + 1e-12 * scale_m):
            wrong = [
                (S1 / Nk[:, None], "your means are S1 / N_k, the offset from c: add c back", "mean_without_c"),
                (c + S1 / n, "the mean of component k divides S1 by N_k, not by n", "s1_over_n"),
                (c - S1 / Nk[:, None], "the offset S1 / N_k is added to c, not subtracted", "mean_offset_sign"),
            ]
            ex.name_mistake(m, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
            ex.fail(f"on {case}: your means differ from c + S1 / N_k.", "wrong_means")
        scale_c = max(float(np.abs(C).max()), 1e-12)  # a one-point component has the zero covariance
        if ex.agrees(cv, C, rtol=1e-6, atol=1e-7 * scale_c):
            worst = max(worst, float(np.abs(cv - C).max() / scale_c))
            continue
        delta = S1 / Nk[:, None]  # the offset of each mean from c
        dd = np.einsum("ki,kj->kij", delta, delta)
        mu = c + delta
        wrong = [
            (
                S2 / Nk[:, None, None],
                "you forgot to subtract (mu_k - c)(mu_k - c)^T: S2 / N_k is the scatter about c, not about the mean",
                "no_subtraction",
            ),
            (
                S2 / Nk[:, None, None] + dd,
                "the sign is wrong: the scatter about c is the covariance plus (mu_k - c)(mu_k - c)^T",
                "offset_sign",
            ),
            (S2 / n - dd, "divide S2 by N_k, not by n", "divided_by_n"),
            (
                S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", S1, S1) / Nk[:, None, None],
                "you subtracted S1 S1^T / N_k, which is one N_k too few: mu_k - c = S1 / N_k, so its outer "
                "product (mu_k - c)(mu_k - c)^T has N_k twice in the denominator",
                "outer_one_nk",
            ),
            (
                S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", S1, S1),
                "you subtracted S1 S1^T, the outer product of the sums; what goes is the outer product of the "
                "offset mu_k - c = S1 / N_k",
                "outer_of_sums",
            ),
            (
                S2 / Nk[:, None, None] - np.einsum("ki,ki->k", delta, delta)[:, None, None],
                "subtract the outer product (a d x d matrix), not the number (mu_k - c)^T (mu_k - c)",
                "inner_not_outer",
            ),
            (
                S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", mu, mu),
                "you subtracted mu_k mu_k^T; what the "
                "statistics about c need removed is (mu_k - c)(mu_k - c)^T, the offset of the mean from c",
                "subtracted_mu",
            ),
        ]
        ex.name_mistake(cv, wrong, f"on {case}", rtol=1e-6, atol=1e-7 * scale_c)
        if far:
            rel = float(np.abs(cv - C).max() / scale_c)
            ex.fail(
                f"on {case}: your covariances are off by {rel:.1e} of their size (a variance {cv[0, 0, 0]:.4g} "
                f"instead of {C[0, 0, 0]:.4g}), although they were right near the origin: you went back to raw "
                f"moments. {_RAW}. Use the statistics about c as they are: expand x_n - mu_k through c.",
                "raw_moments",
            )
        ex.fail(f"on {case}: your covariances differ from the weighted covariance of the points.", "wrong_covariances")
    ex.passed(f"also on data {SHIFT:.0e} from the origin, largest relative covariance error {worst:.1e}")


# ---------------------------------------------------------------- the mistakes, as data

_LOG_SUM = "2. The log-likelihood is a log of a sum"
_COMPLETE = "4. The complete data: a one-hot label makes the likelihood a product"
_KNOWN = "5. With known labels, maximum likelihood is counting and averaging"
_Q = "7. The expected complete-data log-likelihood $Q$"
_STATS = "8. $Q$ needs only the expected sufficient statistics"
_Q_AND_L = "9. $Q$ and the log-likelihood"


def _ids(check, keys, section):
    return {f"{check}.{key}": section for key in keys}


# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/03_complete_data_likelihood that explains it (tests/test_mistakes_lesson03.py
# makes each of them)
MISTAKES = {
    **_ids(
        "complete_log_likelihood",
        (
            "uses_reference",
            "not_finite",
            "not_a_number",
            "no_log_weight",
            "all_components",
            "summed_densities",
            "averaged",
            "minus_log_weight",
            "log_weight_once",
            "every_point_every_component",
            "wrong_value",
        ),
        _COMPLETE,
    ),
    "complete_log_likelihood.incomplete": _LOG_SUM,
    **_ids(
        "mle_from_labels",
        (
            "uses_reference",
            "one_point_nan",
            "not_three",
            "not_an_array",
            "wrong_shape",
            "transposed",
            "nan",
            "counts",
            "uniform",
            "wrong_weights",
            "wrong_means",
            "ddof_one",
            "divided_by_n",
            "not_centred",
            "not_divided",
            "all_data",
            "standard_deviations",
            "wrong_covariances",
        ),
        _KNOWN,
    ),
    **_ids(
        "lagrange_weights",
        (
            "not_a_pair",
            "not_a_number",
            "not_finite",
            "not_an_array",
            "wrong_shape",
            "nan",
            "unnormalised",
            "divided_by_k",
            "eps_ignored",
            "eps_split_equally",
            "eps_for_free",
            "uniform",
            "not_summing",
            "wrong_weights",
            "nu_one",
            "nu_sign",
            "nu_is_k",
            "nu_is_n",
            "nu_times",
            "nu_inverted",
            "wrong_nu",
        ),
        _KNOWN,
    ),
    **_ids(
        "q",
        (
            "uses_reference",
            "not_finite",
            "not_a_number",
            "no_weights",
            "density_not_log",
            "log_of_sum",
            "averaged",
            "wrong_value",
        ),
        _Q,
    ),
    "q.added_entropy": _Q_AND_L,
    "q.log_likelihood": _LOG_SUM,
    **_ids(
        "entropy",
        (
            "per_point",
            "not_finite",
            "not_a_number",
            "sign",
            "log2",
            "averaged",
            "not_weighted",
            "wrong_value",
            "identity_fails",
        ),
        _Q_AND_L,
    ),
    **_ids(
        "hard_label_gap",
        (
            "not_finite",
            "not_a_number",
            "sign",
            "entropy",
            "no_log",
            "all_components",
            "averaged",
            "label_matrix",
            "wrong_value",
        ),
        _Q_AND_L,
    ),
    **_ids(
        "statistics_about",
        (
            "nk_wrong_axis",
            "not_three",
            "not_an_array",
            "wrong_shape",
            "transposed",
            "nan",
            "wrong_nk",
            "ignored_c",
            "c_not_weighted",
            "s1_mean",
            "centred_at_mean",
            "no_resp",
            "s2_mean",
            "s2_outer_s1",
            "raw_moments",
            "wrong_value",
        ),
        _STATS,
    ),
    **_ids(
        "params_about",
        (
            "uses_reference",
            "not_three",
            "not_an_array",
            "wrong_shape",
            "transposed",
            "nan",
            "weights_are_counts",
            "wrong_weights",
            "mean_without_c",
            "s1_over_n",
            "mean_offset_sign",
            "wrong_means",
            "no_subtraction",
            "offset_sign",
            "divided_by_n",
            "inner_not_outer",
            "subtracted_mu",
            "outer_one_nk",
            "outer_of_sums",
            "raw_moments",
            "wrong_covariances",
        ),
        _STATS,
    ),
}
