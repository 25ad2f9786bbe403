"""Checks for the exercises of lesson 04 (Jensen's inequality and the lower bound).

The reference numbers come from `coursepkg.em.lower_bound`, `coursepkg.em.e_step` and an
independent log-space computation; the identity log p(X) = L(q, theta) + KL(q || posterior)
is verified on the student's own functions. The mixture GMM3 (notebook: checks.GMM3)
and ZERO_W, with a component of weight 0, come from `_core.data`.
"""

import numpy as np
from scipy.special import logsumexp

from ..em import e_step, em_iteration, lower_bound
from ..gaussian import log_pdf
from ..mixture import GMM, expected_complete_log_likelihood, log_density, log_likelihood, sample, weighted_log_prob
from ._core import (
    COVS,
    GMM3,
    MEANS,
    ZERO_W,
    Exercise,
    cases_for,
    exercise_check,
    finite_array,
    finite_number,
    forbid,
    normalised_over_points,
)


def _log_post(X, gmm):
    a = weighted_log_prob(X, gmm)
    return a - logsumexp(a, axis=1, keepdims=True)


def _cases(hidden):
    rng = np.random.default_rng(404)
    X, _ = sample(GMM3, 40, rng)
    q_rand = rng.dirichlet(np.ones(3), size=len(X))
    onehot = np.eye(3)[rng.integers(0, 3, size=len(X))]
    q_zero = q_rand.copy()
    q_zero[:, 2] = 0.0
    q_zero /= q_zero.sum(axis=1, keepdims=True)
    post = np.exp(_log_post(X, GMM3))
    visible = [
        (X, q_rand, GMM3, "random q"),
        (X, onehot, GMM3, "one-hot q (most entries are 0; 0 log 0 counts as 0)"),
        (X, q_zero, ZERO_W, "a component of weight 0 with q = 0 on it"),
    ]
    hidden_extra = [
        (X, post, GMM3, "q = the posterior"),
        (X[:5] + 300.0, q_rand[:5], GMM3, "points 300 units from every mean"),
        (X[:1], q_rand[:1], GMM3, "a single point"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _bound(X, q, gmm):
    a = weighted_log_prob(X, gmm)
    pos = q > 0
    return float(np.sum(q[pos] * (a[pos] - np.log(q[pos]))))


def _kl(X, q, gmm):
    lp = _log_post(X, gmm)
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - lp[pos])))


_NAN_0LOG0 = (
    "is NaN: a zero q_nk gives 0 * log 0 = 0 * (-inf) = NaN in floating point (and a zero weight gives "
    "log pi_k = -inf). The limit of q log q as q -> 0 is 0: sum only over the entries with q_nk > 0."
)


# ---------------------------------------------------------------- exercise 1: the lower bound


@exercise_check
def check_lower_bound(student, hidden=False):
    """lower_bound(X, q, gmm) -> sum_n sum_k q_nk [log pi_k + log N(x_n | mu_k, Sigma_k) - log q_nk]."""
    ex = Exercise("lower_bound")
    forbid(ex, student, [lower_bound, expected_complete_log_likelihood])
    for X, q, gmm, case in _cases(hidden):
        raw = ex.call(student, X, q, gmm, case=case)
        got = finite_number(ex, raw, "your bound", f"on {case} your bound {_NAN_0LOG0}")
        want = _bound(X, q, gmm)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        a = weighted_log_prob(X, gmm)
        pos = q > 0
        Q = float(np.sum(q[pos] * a[pos]))
        ent = -float(np.sum(q[pos] * np.log(q[pos])))
        with np.errstate(divide="ignore"):
            logw = np.log(gmm.weights)
        wrong = [
            (Q, "you forgot the entropy term -sum q log q; without it this is Q of lesson 03"),
            (Q - ent, "the entropy term has the wrong sign: L = sum q (log p(x, z) - log q)"),
            (want - float(np.sum((q * np.where(np.isfinite(logw), logw, 0.0))[pos])), "you forgot log pi_k"),
            (
                float(log_density(X, gmm).sum()),
                "that is log p(X) itself: Jensen puts the log inside the sum over k, "
                "L = sum_k q_k log(p(x, k) / q_k), not log sum_k q_k p(x, k) / q_k",
            ),
            (
                float(np.sum(q[pos] * (np.exp(a[pos]) - np.log(q[pos])))),
                "you used the density p(x, z) where its log goes",
            ),
            (want / len(X), "you averaged over points; the bound is a sum"),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
        ex.fail(f"on {case} your bound is {got:.6g}; the reference is {want:.6g}.")
    ex.passed("including one-hot q and a zero-weight component (0 log 0 = 0)")


# ---------------------------------------------------------------- exercise 2: the KL gap


@exercise_check
def check_kl_gap(student, student_lower_bound=None, hidden=False):
    """kl_gap(X, q, gmm) -> sum_n KL(q_n || p(z_n | x_n)); with student_lower_bound, verifies log p = L + KL."""
    ex = Exercise("kl_gap")
    forbid(ex, student, [lower_bound, log_likelihood, e_step, em_iteration])
    both = ex.given(student_lower_bound)
    worst = 0.0
    cases = _cases(hidden)
    cases.append((cases[0][0] + 1000.0, cases[0][1], GMM3, "points 1000 units from every mean"))  # last, always
    for X, q, gmm, case in cases:
        got = finite_number(
            ex,
            ex.call(student, X, q, gmm, case=case),
            "your gap",
            f"on {case} your gap {_NAN_0LOG0} "
            "If the points are far away, also compute the posterior in log space (log-sum-exp).",
        )
        want = _kl(X, q, gmm)
        if not ex.agrees(got, want, rtol=1e-8, atol=1e-8):
            post = np.exp(_log_post(X, gmm))
            a = weighted_log_prob(X, gmm)
            pos = q > 0
            with np.errstate(divide="ignore", invalid="ignore"):
                reverse = float(np.sum(post * (np.log(post) - np.log(q))))
            wrong = [
                (reverse, "you computed KL(posterior || q); the gap is KL(q || posterior) = sum_k q_k log(q_k / p_k)"),
                (-want, "the sign is flipped: KL(q || p) = sum q log(q / p) >= 0"),
                (
                    float(np.sum(q[pos] * (np.log(q[pos]) - a[pos]))),
                    "you used the joint p(x, z) instead of the "
                    "posterior p(z | x) = p(x, z) / p(x); what you computed is -L",
                ),
                (want / len(X), "you averaged over points; the gap is a sum over points"),
            ]
            ex.name_mistake(got, wrong, f"on {case}", rtol=1e-8, atol=1e-8)
            ex.fail(f"on {case} your gap is {got:.6g}; the reference is {want:.6g}.")
        ex.expect(got >= -1e-9, f"on {case} your gap is negative ({got:.3g}); a KL divergence never is.")
        if both:
            L = ex.number(ex.call(student_lower_bound, X, q, gmm, case=case), "your lower bound")
            resid = abs(float(log_density(X, gmm).sum()) - (L + got))
            ex.expect(
                resid < 1e-8 * max(1.0, abs(L)),
                f"on {case} log p(X) - (L + KL) = {resid:.3g}, not 0: check your lower_bound and kl_gap together.",
            )
            worst = max(worst, resid)
    detail = "including far points"
    if both:
        detail += f"; log p(X) = L + KL with your two functions, largest residual {worst:.1e}"
    ex.passed(detail)


# ---------------------------------------------------------------- exercise 3: the optimal q


@exercise_check
def check_optimal_q(student, hidden=False):
    """optimal_q(X, gmm) -> (n, k): the posterior p(z_n = k | x_n), which makes the bound tight."""
    ex = Exercise("optimal_q")
    forbid(ex, student, [e_step, em_iteration])
    rng = np.random.default_rng(405)
    X, _ = sample(GMM3, 40, rng)
    visible = [
        (X, GMM3, "40 points"),
        (X + 1000.0, GMM3, "points 1000 units from every mean"),
        (X, ZERO_W, "a component of weight 0 (its q must be 0)"),
    ]
    hidden_extra = [(X[:1], GMM3, "a single point"), (X, GMM(np.ones(1), MEANS[:1], COVS[:1]), "k = 1")]
    worst = 0.0
    for Xc, gmm, case in cases_for(visible, hidden_extra, hidden):
        n, k = len(Xc), gmm.k
        q = finite_array(
            ex,
            ex.call(student, Xc, gmm, case=case),
            (n, k),
            f"your q on {case}",
            "pi_k N(x | mu_k, Sigma_k) underflows to 0 for every k far from the data, and 0/0 is NaN: "
            "work with a_k = log pi_k + log N_k, subtract each row's maximum, then exponentiate and normalise.",
        )
        want = np.exp(_log_post(Xc, gmm))
        if not ex.agrees(q, want, rtol=1e-7, atol=1e-10):
            sums = q.sum(axis=1)
            if not np.allclose(sums, 1.0):
                hint = (
                    " Your columns sum to 1: you normalised over points (axis=0) instead of over components (axis=1)."
                    if normalised_over_points(q)
                    else ""
                )
                ex.fail(f"on {case} the rows of your q sum to {np.round(sums[:3], 4)}, not 1.{hint}")
            a = weighted_log_prob(Xc, gmm)
            comp = np.stack([log_pdf(Xc, m, c) for m, c in zip(gmm.means, gmm.covariances, strict=True)], axis=1)
            no_w = np.exp(comp - logsumexp(comp, axis=1, keepdims=True))
            if np.allclose(q, no_w, rtol=1e-6):
                ex.fail(f"on {case} you forgot the weights: q_k is proportional to pi_k N(x | mu_k, Sigma_k).")
            if np.allclose(q, np.eye(k)[np.argmax(a, axis=1)]):
                ex.fail(f"on {case} your q is one-hot; the posterior is soft: q_k = p(x, k) / sum_j p(x, j).")
            if np.allclose(q, 1 / k):
                ex.fail(f"on {case} your q is uniform; the tight bound needs the posterior p(z | x).")
            ex.close(q, want, f"on {case} your q differs from the posterior p(z_n = k | x_n)")
        gap = abs(float(log_density(Xc, gmm).sum()) - _bound(Xc, q, gmm))
        ex.expect(
            gap < 1e-8, f"on {case} the bound at your q is {gap:.3g} below log p(X); at the posterior it is tight."
        )
        worst = max(worst, gap)
    ex.passed(f"the bound at your q equals log p(X) to {worst:.1e}, including far points")


# ---------------------------------------------------------------- exercise 4: by hand


@exercise_check
def check_hand_computed(student, hidden=False):
    """hand_computed() -> (L, gap, q_star) for p(x, z=1) = 0.3, p(x, z=2) = 0.1 and q = (1/2, 1/2)."""
    ex = Exercise("hand_computed")
    out = ex.call(student, case="the two-component example")
    if not (isinstance(out, tuple | list) and len(out) == 3):
        ex.fail(f"return three things: (L, gap, q_star); got {out!r}.")
    L = ex.number(out[0], "your L")
    gap = ex.number(out[1], "your gap")
    q_star = ex.array(out[2], (2,), "your q_star")
    want_L = 0.5 * np.log(0.3 / 0.5) + 0.5 * np.log(0.1 / 0.5)
    want_gap = np.log(0.4) - want_L
    if not ex.agrees(L, want_L, rtol=1e-5, atol=1e-6):
        msgs = [
            (0.5 * np.log(0.3) + 0.5 * np.log(0.1), "you left out -sum q log q: L = sum_k q_k log(p(x, k) / q_k)"),
            (np.log(0.4), "that is log p(x); the bound puts the log inside the average over q"),
            (0.5 * np.log2(0.6) + 0.5 * np.log2(0.2), "use the natural logarithm (np.log), not log base 2"),
            (0.5 * np.log10(0.6) + 0.5 * np.log10(0.2), "use the natural logarithm (np.log), not log base 10"),
        ]
        for value, msg in msgs:
            if np.isclose(L, value, atol=1e-6):
                ex.fail(f"L = {L:.4f}: {msg}.")
        ex.fail(f"L = {L:.4f} is not the bound at q = (1/2, 1/2); compute sum_k q_k [log p(x, k) - log q_k].")
    if not ex.agrees(gap, want_gap, rtol=1e-5, atol=1e-6):
        reverse = 0.75 * np.log(0.75 / 0.5) + 0.25 * np.log(0.25 / 0.5)
        if np.isclose(gap, -want_gap, atol=1e-6):
            ex.fail(f"gap = {gap:.4f}: the gap log p(x) - L is never negative; check the sign.")
        if np.isclose(gap, reverse, atol=1e-6):
            ex.fail(f"gap = {gap:.4f} is KL(posterior || q); the gap is KL(q || posterior).")
        ex.fail(f"gap = {gap:.4f}; it is log p(x) - L, with p(x) = 0.3 + 0.1.")
    if not ex.agrees(q_star, [0.75, 0.25], rtol=1e-5, atol=1e-6):
        if np.allclose(q_star, [0.3, 0.1]):
            ex.fail("q_star = (0.3, 0.1) is the joint; divide by p(x) = 0.4 so that it sums to 1.")
        if np.allclose(q_star, [0.25, 0.75]):
            ex.fail("q_star is reversed: the component with the larger joint p(x, z) gets the larger q.")
        ex.fail(f"q_star = {q_star}; the bound is tight at the posterior p(z | x) = p(x, z) / p(x).")
    ex.passed(f"L = {want_L:.4f}, gap = {want_gap:.4f} = KL(q || posterior), and L + gap = log 0.4")
