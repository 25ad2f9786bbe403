"""Checks for the exercises of lesson 07 (the EM algorithm).

The reference is `coursepkg.em.fit_em` started from the same mixture: with
tol = 0 it runs exactly max_iter iterations, so a student's history must match
its history to 1e-8 and must never decrease. Restarts are compared up to label
switching (`match_components`).
"""

import numpy as np

from ._core import Exercise, cases_for, exercise_check, forbid, match_components

# ---------------------------------------------------------------- data


def _data():
    from ..datasets import make_synthetic, old_faithful

    X_over, _ = make_synthetic("overlapping", n=240, rng=1)
    faithful = old_faithful()
    X_round, _ = make_synthetic("round", n=300, rng=3)
    return X_over, faithful, X_round


def _gmm(weights, means, covs):
    from ..mixture import GMM

    return GMM(np.asarray(weights, float), np.asarray(means, float), np.asarray(covs, float))


def _starts_round(broad=False):
    """Starts on the round blobs: one that finds the global optimum, two that end in local optima.

    With broad=True the good start has a broad covariance (a low starting log-likelihood), and a
    fourth start is added, so that the best start, the best end, the worst end and the last run
    are four different runs.
    """
    w = np.ones(3) / 3

    def cov(s):
        return np.repeat((s * np.eye(2))[None], 3, axis=0)

    good = _gmm(w, [[0.0, 0.5], [4.0, 0.0], [1.0, 4.0]], cov(20.0 if broad else 0.5))
    bad1 = _gmm(w, [[-0.5, 0.0], [0.5, 0.0], [2.7, 2.2]], cov(0.5))
    bad2 = _gmm(w, [[4.0, 0.0], [4.5, 1.0], [0.7, 1.9]], cov(2.0 if broad else 0.5))
    if not broad:
        return good, bad1, bad2
    bad3 = _gmm(w, [[4.0, 0.0], [4.5, 1.0], [0.7, 1.9]], cov(1.0))
    return good, bad1, bad2, bad3


def _params(gmm, ex, what):
    """weights, means, covariances of the student's returned mixture (a GMM or a 3-tuple)."""
    if all(hasattr(gmm, a) for a in ("weights", "means", "covariances")):
        return np.asarray(gmm.weights, float), np.asarray(gmm.means, float), np.asarray(gmm.covariances, float)
    if isinstance(gmm, (tuple, list)) and len(gmm) == 3:
        return tuple(np.asarray(a, float) for a in gmm)
    ex.fail(f"{what} should be a GMM (what em.m_step returns); got {type(gmm).__name__}.")


def _history(ex, raw, length, case):
    arr = np.asarray(raw, dtype=float) if raw is not None else None
    if arr is None:
        ex.fail(f"on {case} your history is None; return the list of log-likelihoods.")
    if arr.ndim != 1:
        ex.fail(f"on {case} your history has shape {arr.shape}; it should be a flat list of numbers.")
    ex.expect(np.all(np.isfinite(arr)), f"on {case} your history contains NaN or inf.")
    return arr


def _compare_history(ex, hist, ref, n, case, max_iter):
    """Fail with a specific message unless hist matches the reference history."""
    if hist.shape == ref.shape and ex.agrees(hist, ref, rtol=1e-8, atol=1e-8):
        return
    if len(hist) == len(ref) - 1:
        if np.allclose(hist, ref[1:], rtol=1e-8):
            ex.fail(
                f"on {case} your history has {len(hist)} entries and starts after the first M-step: history[0] "
                "must be the log-likelihood of the starting parameters, so there are max_iter + 1 entries."
            )
        if np.allclose(hist, ref[:-1], rtol=1e-8):
            ex.fail(
                f"on {case} your history misses the last value: after the final M-step, run the E-step once more "
                "and record the log-likelihood of the final parameters (max_iter + 1 entries in all)."
            )
    if hist.shape == ref.shape:
        if np.allclose(hist * n, ref, rtol=1e-8):
            ex.fail(f"on {case} your history holds log-likelihoods per point; record the totals sum_n log p(x_n).")
        bad = int(np.flatnonzero(~np.isclose(hist, ref, rtol=1e-8, atol=1e-8))[0])
        if bad == 0:
            ex.fail(f"on {case} history[0] = {hist[0]:.6g} but the start's log-likelihood is {ref[0]:.6g}.")
        ex.fail(
            f"on {case} your history agrees with the reference up to step {bad - 1} and then differs "
            f"({hist[bad]:.8g} instead of {ref[bad]:.8g}). Each iteration is: M-step with the current "
            "responsibilities (and reg_covar), then E-step on the new parameters; use the new responsibilities next."
        )
    ex.fail(
        f"on {case} your history has {len(hist)} entries; with max_iter = {max_iter} it should have "
        f"{len(ref)} (the start plus one per M-step)."
    )


def _check_monotone(ex, hist, case):
    drops = np.diff(hist)
    tol = 1e-9 * np.max(np.abs(hist))
    if not ex.holds(np.all(drops >= -tol)):
        t = int(np.argmin(drops))
        ex.fail(f"on {case} your log-likelihood decreased at step {t + 1} by {-drops[t]:.3g}; EM never does that.")


def _compare_gmm(ex, got, want, case, atol=1e-6, permute=False):
    w, m, c = got
    k, d = want.means.shape
    ex.array(w, (k,), f"your weights on {case}")
    ex.array(m, (k, d), f"your means on {case}")
    ex.array(c, (k, d, d), f"your covariances on {case}")
    order = match_components(m, want.means) if permute else list(range(k))
    for name, mine, ref in [
        ("weights", w, want.weights),
        ("means", m, want.means),
        ("covariances", c, want.covariances),
    ]:
        mine = mine[order]
        if not ex.agrees(mine, ref, rtol=1e-6, atol=atol):
            ex.fail(
                f"on {case} your final {name} differ from the reference by {np.max(np.abs(mine - ref)):.3g}"
                + (" even after matching the components up to label switching" if permute else "")
                + ". Return the parameters of the last M-step."
            )


# ---------------------------------------------------------------- exercise 1: the EM loop


def _run_cases(hidden):
    from ..em import initial_gmm

    X_over, faithful, X_round = _data()
    visible = [
        (X_over, initial_gmm(X_over, 3, rng=np.random.default_rng(0)), 12, 1e-6, "240 overlapping points, k = 3"),
        (faithful, initial_gmm(faithful, 2, rng=np.random.default_rng(1)), 8, 1e-2, "Old Faithful, reg_covar = 0.01"),
        (X_over, initial_gmm(X_over, 1, rng=np.random.default_rng(0)), 3, 1e-6, "k = 1"),
    ]
    x1 = faithful[:, :1]
    hidden_extra = [
        (x1, initial_gmm(x1, 2, rng=np.random.default_rng(2)), 10, 1e-6, "d = 1 (eruption durations)"),
        (X_round, _starts_round()[1], 1, 1e-6, "max_iter = 1"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_run_em(student_run_em, hidden=False):
    """run_em(X, init, max_iter, reg_covar) -> (gmm, history) with history[t] = log-likelihood after t M-steps."""
    from .. import em

    ex = Exercise("run_em")
    forbid(ex, student_run_em, [em.fit_em, em.EMStepper])
    for X, init, max_iter, reg, case in _run_cases(hidden):
        out = ex.call(student_run_em, X, init, max_iter, reg, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            ex.fail(f"your function should return a pair (gmm, history); got {type(out).__name__}.")
        gmm, raw_hist = out
        ref = em.fit_em(X, init, max_iter=max_iter, tol=0.0, reg_covar=reg)
        hist = _history(ex, raw_hist, len(ref.history), case)
        if hist.shape == ref.history.shape and reg != 1e-6:
            default = em.fit_em(X, init, max_iter=max_iter, tol=0.0).history
            if np.allclose(hist, default, rtol=1e-10) and not np.allclose(hist, ref.history, rtol=1e-10):
                ex.fail(f"on {case} you ignored the reg_covar argument; pass it on: em.m_step(X, resp, reg_covar).")
        _compare_history(ex, hist, ref.history, len(X), case, max_iter)
        _check_monotone(ex, hist, case)
        _compare_gmm(ex, _params(gmm, ex, "the first value you return"), ref.gmm, case)
    ex.passed(
        "histories equal fit_em's to 1e-8 and never decrease" + ("; d = 1 and max_iter = 1 too" if hidden else "")
    )


# ---------------------------------------------------------------- exercise 2: the convergence test


@exercise_check
def check_em_until_converged(student_fit, hidden=False):
    """em_until_converged(X, init, tol, max_iter, reg_covar) -> (gmm, history, converged)."""
    from .. import em

    ex = Exercise("em_until_converged")
    forbid(ex, student_fit, [em.fit_em, em.EMStepper])
    X_over, faithful, X_round = _data()
    good, bad1, bad2 = _starts_round()
    visible = [
        (X_over, em.initial_gmm(X_over, 3, rng=np.random.default_rng(0)), 1e-4, 200, "overlapping data, tol = 1e-4"),
        (X_round, bad2, 1e-6, 25, "a slow start that has not converged after max_iter = 25"),
        (faithful, em.initial_gmm(faithful, 2, rng=np.random.default_rng(1)), 1e-3, 100, "Old Faithful, tol = 1e-3"),
    ]
    hidden_extra = [
        (X_round, good, 1e-8, 200, "a good start, tol = 1e-8"),
        (X_over, em.initial_gmm(X_over, 1, rng=np.random.default_rng(0)), 1e-6, 50, "k = 1 (converges at once)"),
    ]
    for X, init, tol, max_iter, case in cases_for(visible, hidden_extra, hidden):
        out = ex.call(student_fit, X, init, tol, max_iter, 1e-6, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(f"your function should return a triple (gmm, history, converged); got {type(out).__name__}.")
        gmm, raw_hist, conv = out
        ref = em.fit_em(X, init, max_iter=max_iter, tol=tol)
        hist = _history(ex, raw_hist, len(ref.history), case)
        n = len(X)
        if len(hist) != len(ref.history):
            gains = np.diff(ref.history)
            stop_total = em.fit_em(X, init, max_iter=max_iter, tol=tol / n)  # the rule gain < tol
            if len(hist) == max_iter + 1 and ref.converged:
                also = (
                    " If you compared the total gain with tol, divide it by n."
                    if len(stop_total.history) == max_iter + 1
                    else ""
                )
                ex.fail(
                    f"on {case} you never stopped early (ran all {max_iter} iterations); the gain per point fell "
                    f"below tol after {ref.n_iter}. Stop when (history[-1] - history[-2]) / n < tol.{also}"
                )
            if len(hist) == len(stop_total.history):
                ex.fail(
                    f"on {case} you stopped after {len(hist) - 1} iterations instead of {ref.n_iter}: you compared the "
                    f"total gain with tol. Compare the average gain per point, (history[-1] - history[-2]) / n, "
                    "so that tol means the same for 100 or 100,000 points."
                )
            if len(hist) == len(ref.history) + 1 and ref.converged:
                ex.fail(
                    f"on {case} you ran one iteration too many ({len(hist) - 1} instead of {ref.n_iter}): stop as "
                    f"soon as the gain per point falls below tol (it was {gains[-1] / n:.2g} at step {ref.n_iter})."
                )
            if len(hist) == len(ref.history) - 1 and ref.converged:
                ex.fail(f"on {case} you stopped one iteration early ({len(hist) - 1} instead of {ref.n_iter}).")
            if len(hist) == 2 and ref.n_iter > 1:
                ex.fail(f"on {case} you stopped after the first iteration; check the sign of the gain.")
            ex.fail(
                f"on {case} you ran {len(hist) - 1} iterations; the reference stops after {ref.n_iter} "
                f"(stop when (history[-1] - history[-2]) / n < tol, or after max_iter = {max_iter})."
            )
        _compare_history(ex, hist, ref.history, n, case, max_iter)
        if not isinstance(conv, (bool, np.bool_)):
            ex.fail(f"on {case} `converged` should be True or False; got {conv!r}.")
        if not ex.holds(bool(conv) == ref.converged):
            what = (
                "the run stopped because the gain fell below tol, so converged is True"
                if ref.converged
                else "the run used up max_iter without the gain falling below tol, so converged is False"
            )
            ex.fail(f"on {case} converged = {conv}, but {what}.")
        _compare_gmm(ex, _params(gmm, ex, "the first value you return"), ref.gmm, case)
    ex.passed("stops at the same iteration as fit_em, including a run that hits max_iter")


# ---------------------------------------------------------------- exercise 3: restarts


@exercise_check
def check_best_of(student_best, hidden=False):
    """best_of(X, starts, tol, max_iter) -> (gmm, log_likelihood) of the best run; compared up to label switching."""
    from .. import em
    from ..mixture import log_likelihood

    ex = Exercise("best_of")
    forbid(ex, student_best, [em.fit_em, em.EMStepper])
    _, _, X = _data()
    good, bad1, bad2, bad3 = _starts_round(broad=True)
    visible = [
        ([bad2, good.permuted([2, 0, 1]), bad1, bad3], "four starts, the best second (components listed 2, 0, 1)"),
        ([bad2, bad1], "two starts that both end in local optima"),
    ]
    hidden_extra = [
        ([good.permuted([1, 2, 0]), bad1, bad2], "the best start first"),
        ([bad1], "a single start"),
    ]
    tol, max_iter = 1e-6, 300
    for starts, case in cases_for(visible, hidden_extra, hidden):
        out = ex.call(student_best, X, list(starts), tol, max_iter, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            ex.fail(f"your function should return a pair (gmm, log_likelihood); got {type(out).__name__}.")
        gmm, ll = out
        ll = ex.number(ll, f"the log-likelihood you return on {case}")
        runs = [em.fit_em(X, s, max_iter=max_iter, tol=tol) for s in starts]
        finals = np.array([r.log_likelihood for r in runs])
        best = runs[int(np.argmax(finals))]
        params = _params(gmm, ex, "the first value you return")
        try:
            own = log_likelihood(X, _gmm(*params))
        except ValueError:
            own = np.nan
        if not np.isclose(own, ll, rtol=1e-8, atol=1e-6):
            ex.fail(
                f"on {case} the log-likelihood you return ({ll:.6g}) is not that of the mixture you return "
                f"({own:.6g}); return the pair from the same run."
            )
        if not ex.agrees(ll, best.log_likelihood, rtol=1e-8, atol=1e-6):
            if len(runs) > 1 and np.isclose(ll, finals.min(), rtol=1e-8):
                ex.fail(f"on {case} you kept the worst run ({ll:.6g}); keep the highest final log-likelihood.")
            if np.isclose(ll, finals[-1], rtol=1e-8):
                ex.fail(f"on {case} you returned the last run; keep the one with the highest final log-likelihood.")
            starts_ll = np.array([log_likelihood(X, s) for s in starts])
            if np.isclose(ll, finals[int(np.argmax(starts_ll))], rtol=1e-8):
                ex.fail(
                    f"on {case} you picked the run whose *start* had the highest log-likelihood; compare the "
                    "log-likelihoods at the end of each run."
                )
            ex.fail(f"on {case} your best log-likelihood is {ll:.6g}; the best run reaches {best.log_likelihood:.6g}.")
        _compare_gmm(ex, params, best.gmm, case, atol=1e-5, permute=True)
    ex.passed("the best of several starts, matched up to label switching")


# ---------------------------------------------------------------- exercise 4: why the log-likelihood cannot fall


def reference_gain_parts(X, gmm):
    from .. import em
    from ..mixture import expected_complete_log_likelihood as Q

    r, ll = em.e_step(X, gmm)
    new = em.m_step(X, r)
    r_new, ll_new = em.e_step(X, new)
    kl = float(np.sum(np.where(r > 0, r * (np.log(np.where(r > 0, r, 1.0)) - np.log(r_new)), 0.0)))
    return ll_new - ll, Q(X, r, new) - Q(X, r, gmm), kl, (r, r_new, new)


@exercise_check
def check_gain_parts(student_parts, hidden=False):
    """em_gain_parts(X, gmm) -> (delta_ll, delta_Q, kl) for one EM iteration from gmm."""
    from .. import em
    from ..mixture import expected_complete_log_likelihood as Q

    ex = Exercise("em_gain_parts")
    X_over, faithful, X_round = _data()
    visible = [
        (X_over, em.initial_gmm(X_over, 3, rng=np.random.default_rng(0)), "overlapping data from a k-means++ start"),
        (X_round, _starts_round()[2], "a poor start on round blobs"),
    ]
    x1 = faithful[:, :1]
    hidden_extra = [
        (x1, em.initial_gmm(x1, 2, rng=np.random.default_rng(3)), "d = 1"),
        (X_over, em.initial_gmm(X_over, 1, rng=np.random.default_rng(0)), "k = 1 (the KL term is 0)"),
    ]
    for X, gmm, case in cases_for(visible, hidden_extra, hidden):
        out = ex.call(student_parts, X, gmm, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(f"your function should return a triple (delta_ll, delta_Q, kl); got {type(out).__name__}.")
        d_ll, d_q, kl = (
            ex.number(v, f"{name} on {case}") for v, name in zip(out, ("delta_ll", "delta_Q", "kl"), strict=True)
        )
        want_ll, want_q, want_kl, (r, r_new, new) = reference_gain_parts(X, gmm)
        n = len(X)
        if not ex.agrees(d_ll, want_ll, rtol=1e-7, atol=1e-8):
            if np.isclose(d_ll * n, want_ll, rtol=1e-7):
                ex.fail(f"on {case} your delta_ll is per point; use the total log-likelihoods.")
            if np.isclose(d_ll, -want_ll, rtol=1e-7):
                ex.fail(f"on {case} your delta_ll has the wrong sign: new minus old.")
            ex.fail(f"on {case} delta_ll = {d_ll:.6g}, the reference l(theta_new) - l(theta) is {want_ll:.6g}.")
        if not ex.agrees(d_q, want_q, rtol=1e-7, atol=1e-8):
            q_new_resp = Q(X, r_new, new) - Q(X, r_new, gmm)
            if np.isclose(d_q, q_new_resp, rtol=1e-7, atol=1e-8):
                ex.fail(
                    f"on {case} you computed both Q values with the new responsibilities; the proof holds r fixed "
                    "at the E-step of the old parameters: Q(theta_new | r) - Q(theta | r)."
                )
            ex.fail(f"on {case} delta_Q = {d_q:.6g}, the reference Q(theta_new | r) - Q(theta | r) is {want_q:.6g}.")
        if not ex.agrees(kl, want_kl, rtol=1e-6, atol=1e-8):
            reverse = float(np.sum(r_new * (np.log(r_new) - np.log(np.where(r > 0, r, 1e-300)))))
            if np.isclose(kl, reverse, rtol=1e-6, atol=1e-8):
                ex.fail(
                    f"on {case} your KL is reversed: the gap is sum_n KL(r_n || r_n^new) = "
                    "sum_nk r_nk log(r_nk / r_nk^new), with the old responsibilities in front."
                )
            if np.isclose(kl, -want_kl, rtol=1e-6, atol=1e-8):
                ex.fail(f"on {case} your KL is negative; KL(r || r_new) = sum r log(r / r_new) >= 0.")
            ex.fail(f"on {case} kl = {kl:.6g}, the reference sum_n KL(r_n || r_n^new) is {want_kl:.6g}.")
        ex.expect(
            abs(d_ll - (d_q + kl)) <= 1e-6 * max(1.0, abs(d_ll)),
            f"on {case} delta_ll should equal delta_Q + kl; yours differ by {d_ll - d_q - kl:.3g}.",
        )
    ex.passed("delta_ll = delta_Q + KL >= delta_Q >= 0 on every case")
