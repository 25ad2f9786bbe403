"""Checks for the exercises of lesson 07 (the EM algorithm).

The reference is `coursepkg.em.fit_em` started from the same mixture: with
tol = 0 it runs exactly max_iter iterations, so a student's history must match
its history to 1e-8 (and so never decreases). Restarts are compared up to label
switching (`match_components`). The tolerance a student chooses is judged by
running `fit_em` with it, and so is a predicted stopping iteration; two fits are
compared over all k! pairings of their components (a loop over permutations,
independent of `match_components`). The gain decomposition uses the exact
M-step (reg_covar = 0), for which Delta Q >= 0 is guaranteed.

Every failure carries a mistake id `<check>.<key>`; MISTAKES at the end lists them
with the section of notebooks/07_em_algorithm that explains each.
"""

import numpy as np

from ._core import Exercise, answer_value, cases_for, exercise_check, forbid, match_components

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


def _params(gmm, ex, what, k, d):
    """weights, means, covariances of the student's returned mixture (a GMM or a 3-tuple), of shapes for k and d."""
    if all(hasattr(gmm, a) for a in ("weights", "means", "covariances")):
        parts = gmm.weights, gmm.means, gmm.covariances
    elif isinstance(gmm, (tuple, list)) and len(gmm) == 3:
        parts = gmm
    else:
        ex.fail(f"{what} should be a GMM (what em.m_step returns); got {type(gmm).__name__}.", "not_a_gmm")
    try:
        w, m, c = (np.asarray(a, float) for a in parts)
    except (TypeError, ValueError):
        ex.fail(f"{what} should hold numeric weights, means and covariances.", "not_a_gmm")
    for name, arr, shape in (("weights", w, (k,)), ("means", m, (k, d)), ("covariances", c, (k, d, d))):
        if arr.shape != shape:
            ex.fail(f"the {name} of {what} have shape {arr.shape}; expected {shape}.", "gmm_shape")
        ex.expect(np.all(np.isfinite(arr)), f"the {name} of {what} contain NaN or inf.", "gmm_nan")
    return w, m, c


def _history(ex, raw, case):
    if raw is None:
        ex.fail(f"on {case} your history is None; return the list of log-likelihoods.", "history_none")
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        ex.fail(
            f"on {case} your history should be a flat list of numbers; got {type(raw).__name__}.", "history_not_flat"
        )
    if arr.ndim != 1:
        ex.fail(
            f"on {case} your history has shape {arr.shape}; it should be a flat list of numbers.", "history_not_flat"
        )
    ex.expect(np.all(np.isfinite(arr)), f"on {case} your history contains NaN or inf.", "history_not_finite")
    return arr


def _compare_history(ex, hist, ref, n, case, max_iter):
    """Fail with a specific message unless hist matches the reference history."""
    if hist.shape == ref.shape and ex.agrees(hist, ref, rtol=1e-8, atol=1e-8):
        return
    if len(hist) == len(ref) - 1:
        if np.allclose(hist, ref[1:], rtol=1e-8):
            ex.fail(
                f"on {case} your history has {len(hist)} entries and starts after the first M-step: history[0] "
                "must be the log-likelihood of the starting parameters, so there are max_iter + 1 entries.",
                "no_start",
            )
        if np.allclose(hist, ref[:-1], rtol=1e-8):
            ex.fail(
                f"on {case} your history misses the last value: after the final M-step, run the E-step once more "
                "and record the log-likelihood of the final parameters (max_iter + 1 entries in all).",
                "no_last",
            )
    if hist.shape == ref.shape:
        if np.allclose(hist * n, ref, rtol=1e-8):
            ex.fail(
                f"on {case} your history holds log-likelihoods per point; record the totals sum_n log p(x_n).",
                "per_point",
            )
        bad = int(np.flatnonzero(~np.isclose(hist, ref, rtol=1e-8, atol=1e-8))[0])
        if bad == 0:
            ex.fail(
                f"on {case} history[0] = {hist[0]:.6g} but the start's log-likelihood is {ref[0]:.6g}.", "wrong_start"
            )
        ex.fail(
            f"on {case} your history agrees with the reference up to step {bad - 1} and then differs "
            f"({hist[bad]:.8g} instead of {ref[bad]:.8g}). Each iteration is: M-step with the current "
            "responsibilities (and reg_covar), then E-step on the new parameters; use the new responsibilities next.",
            "differs_later",
        )
    ex.fail(
        f"on {case} your history has {len(hist)} entries; with max_iter = {max_iter} it should have "
        f"{len(ref)} (the start plus one per M-step).",
        "wrong_length",
    )


def _compare_gmm(ex, got, want, case, atol=1e-6, permute=False):
    w, m, c = got
    order = match_components(m, want.means) if permute else list(range(want.k))
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
                + ". Return the parameters of the last M-step.",
                "final_params",
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
            ex.fail(f"your function should return a pair (gmm, history); got {type(out).__name__}.", "not_a_pair")
        gmm, raw_hist = out
        ref = em.fit_em(X, init, max_iter=max_iter, tol=0.0, reg_covar=reg)
        hist = _history(ex, raw_hist, case)
        if hist.shape == ref.history.shape and reg != 1e-6:
            default = em.fit_em(X, init, max_iter=max_iter, tol=0.0).history
            if np.allclose(hist, default, rtol=1e-10) and not np.allclose(hist, ref.history, rtol=1e-10):
                ex.fail(
                    f"on {case} you ignored the reg_covar argument: the M-step must use the value passed in.",
                    "ignored_reg_covar",
                )
        _compare_history(ex, hist, ref.history, len(X), case, max_iter)
        _compare_gmm(ex, _params(gmm, ex, "the first value you return", *ref.gmm.means.shape), ref.gmm, case)
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
        (faithful, em.initial_gmm(faithful, 2, rng=np.random.default_rng(1)), 1e-3, 100, "Old Faithful, tol = 1e-3"),
        (X_over, em.initial_gmm(X_over, 3, rng=np.random.default_rng(0)), 1e-4, 200, "overlapping data, tol = 1e-4"),
        (X_round, bad2, 1e-6, 25, "a slow start that has not converged after max_iter = 25"),
    ]
    hidden_extra = [
        (X_round, good, 1e-8, 200, "a good start, tol = 1e-8"),
        (X_over, em.initial_gmm(X_over, 1, rng=np.random.default_rng(0)), 1e-6, 50, "k = 1 (converges at once)"),
    ]
    for X, init, tol, max_iter, case in cases_for(visible, hidden_extra, hidden):
        out = ex.call(student_fit, X, init, tol, max_iter, 1e-6, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(
                f"your function should return a triple (gmm, history, converged); got {type(out).__name__}.",
                "not_a_triple",
            )
        gmm, raw_hist, conv = out
        ref = em.fit_em(X, init, max_iter=max_iter, tol=tol)
        hist = _history(ex, raw_hist, case)
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
                    f"below tol after {ref.n_iter}. Stop when (history[-1] - history[-2]) / n < tol.{also}",
                    "total_gain" if also else "never_stopped",
                )
            if len(hist) == len(stop_total.history):
                ex.fail(
                    f"on {case} you stopped after {len(hist) - 1} iterations instead of {ref.n_iter}: you compared the "
                    f"total gain with tol. Compare the average gain per point, (history[-1] - history[-2]) / n, "
                    "so that tol means the same for 100 or 100,000 points.",
                    "total_gain",
                )
            if len(hist) == len(ref.history) + 1 and ref.converged:
                ex.fail(
                    f"on {case} you ran one iteration too many ({len(hist) - 1} instead of {ref.n_iter}): stop as "
                    f"soon as the gain per point falls below tol (it was {gains[-1] / n:.2g} at step {ref.n_iter}).",
                    "one_too_many",
                )
            if len(hist) == len(ref.history) - 1 and ref.converged:
                ex.fail(
                    f"on {case} you stopped one iteration early ({len(hist) - 1} instead of {ref.n_iter}).",
                    "one_too_few",
                )
            if len(hist) == 2 and ref.n_iter > 1:
                ex.fail(f"on {case} you stopped after the first iteration; check the sign of the gain.", "gain_sign")
            ex.fail(
                f"on {case} you ran {len(hist) - 1} iterations; the reference stops after {ref.n_iter} "
                f"(stop when (history[-1] - history[-2]) / n < tol, or after max_iter = {max_iter}).",
                "wrong_stop",
            )
        _compare_history(ex, hist, ref.history, n, case, max_iter)
        if not isinstance(conv, (bool, np.bool_)):
            ex.fail(f"on {case} `converged` should be True or False; got {conv!r}.", "converged_not_bool")
        if not ex.holds(bool(conv) == ref.converged):
            what = (
                "the run stopped because the gain fell below tol, so converged is True"
                if ref.converged
                else "the run used up max_iter without the gain falling below tol, so converged is False"
            )
            ex.fail(f"on {case} converged = {conv}, but {what}.", "converged_wrong")
        _compare_gmm(ex, _params(gmm, ex, "the first value you return", *ref.gmm.means.shape), ref.gmm, case)
    ex.passed("stops at the same iteration as fit_em, including a run that hits max_iter")


# ---------------------------------------------------------------- exercise 2: predicting the cost of a tighter tol

PREDICT_LOOSE, PREDICT_TIGHT, PREDICT_SLACK = 1e-5, 1e-8, 4  # the two tolerances; how far off a prediction may be
PREDICT_MAX_ITER = 500


def _slow_problem():
    """The overlapping data (240 points, seed 1) with a 2-component start from k-means centres (seed 1), as set up in
    the exercise notebook as X_slow, start_slow: EM converges linearly, with successive gains shrinking by about 0.9."""
    from .. import em
    from ..datasets import make_synthetic

    X, _ = make_synthetic("overlapping", n=240, rng=1)
    return X, em.initial_gmm(X, 2, init="kmeans", rng=np.random.default_rng(1))


@exercise_check
def check_stop_prediction(answer):
    """A predicted stopping iteration for tol = PREDICT_TIGHT, from the run with tol = PREDICT_LOOSE (reg_covar=0)."""
    from .. import em

    ex = Exercise("predicted_stop")
    got = answer_value(ex, answer, "predicted_stop")
    X, start = _slow_problem()
    loose = em.fit_em(X, start, max_iter=PREDICT_MAX_ITER, tol=PREDICT_LOOSE, reg_covar=0.0)
    tight = em.fit_em(X, start, max_iter=PREDICT_MAX_ITER, tol=PREDICT_TIGHT, reg_covar=0.0)
    t0, measured = loose.n_iter, tight.n_iter
    gains = np.diff(loose.history) / len(X)
    rate = gains[-1] / gains[-2]  # successive gains per point at the loose stop
    extra = np.log(PREDICT_TIGHT / gains[-1]) / np.log(rate)  # iterations until the gain falls below the tight tol
    if ex.agrees(got, measured, rtol=0, atol=PREDICT_SLACK):
        ex.passed(f"you predicted {got:.4g}; EM stops at iteration {measured}, the loose run at {t0}")
        return
    ex.expect(
        got > t0 - 0.5,
        f"you predicted {got:.4g}, before iteration {t0} where the run with tol = {PREDICT_LOOSE:g} stops: the "
        "tighter run is the same run, only stopped later, so it cannot stop earlier.",
        "earlier_than_loose",
    )
    wrong = [
        (
            t0,
            f"that is where the run with tol = {PREDICT_LOOSE:g} stops; below that tolerance the gains keep "
            "shrinking, but never reach 0, so a tighter tolerance costs more iterations",
            "no_extra",
        ),
        (
            t0 + extra / np.log(10),
            "the number of iterations comes out too small by a factor ln 10 = 2.3: did you mix a base-10 logarithm "
            "with a natural one?",
            "mixed_log_bases",
        ),
        (
            t0 + extra * np.log(10),
            "the number of iterations comes out too large by a factor ln 10 = 2.3: did you mix a base-10 logarithm "
            "with a natural one?",
            "mixed_log_bases",
        ),
        (
            t0 + 2 * extra,
            "that is twice the iterations needed: you let the gains shrink by the square root of the factor "
            "they shrink by (the parameter error's rate); measure the ratio of successive gains themselves",
            "param_rate",
        ),
        (
            t0 + extra / 2,
            "that is half the iterations needed, as if the gain had to shrink by the square root of the ratio of "
            "the tolerances (that is how the parameter error scales, not the gain)",
            "sqrt_tol",
        ),
    ]
    ex.name_mistake(got, wrong, f"you predicted {got:.4g}", rtol=0, atol=1.5)
    ex.fail(
        f"you predicted {got:.4g}; EM stops at iteration {measured} with tol = {PREDICT_TIGHT:g} (the loose run at "
        f"{t0}). Look at the ratio of successive gains near the end of your loose run: how many such steps take "
        f"the gain per point from its last value below {PREDICT_TIGHT:g}?",
    )


# ---------------------------------------------------------------- exercise 5: restarts


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
        (
            [bad2, good.permuted([2, 0, 1]), bad1, bad3],
            "four starts of which the second is the best (its components reordered)",
        ),
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
            ex.fail(
                f"your function should return a pair (gmm, log_likelihood); got {type(out).__name__}.", "not_a_pair"
            )
        gmm, ll = out
        ll = ex.number(ll, f"the log-likelihood you return on {case}")
        runs = [em.fit_em(X, s, max_iter=max_iter, tol=tol) for s in starts]
        finals = np.array([r.log_likelihood for r in runs])
        best = runs[int(np.argmax(finals))]
        if gmm is None:
            ex.fail(
                f"on {case}, you returned no mixture (None): no run beat the value your running best started from. "
                f"The log-likelihoods here are negative (the best run ends at {best.log_likelihood:.6g}), so start "
                "the running best below every possible value (-inf), or from the first run.",
                "none_kept",
            )
        params = _params(gmm, ex, "the first value you return", *best.gmm.means.shape)
        try:
            own = log_likelihood(X, _gmm(*params))
        except ValueError:
            ex.fail(
                f"on {case} the mixture you return is not a valid mixture (weights summing to 1, positive-definite "
                "covariances): return the GMM of the best run as it came out of the M-step.",
                "invalid_gmm",
            )
        if not np.isclose(own, ll, rtol=1e-8, atol=1e-6):
            ex.fail(
                f"on {case} the log-likelihood you return ({ll:.6g}) is not that of the mixture you return "
                f"({own:.6g}); return the pair from the same run.",
                "ll_mismatch",
            )
        if not ex.agrees(ll, best.log_likelihood, rtol=1e-8, atol=1e-6):
            if len(runs) > 1 and np.isclose(ll, finals.min(), rtol=1e-8):
                ex.fail(
                    f"on {case} you kept the worst run ({ll:.6g}); keep the highest final log-likelihood.", "kept_worst"
                )
            if np.isclose(ll, finals[-1], rtol=1e-8):
                ex.fail(
                    f"on {case} you returned the last run; keep the one with the highest final log-likelihood.",
                    "kept_last",
                )
            starts_ll = np.array([log_likelihood(X, s) for s in starts])
            if np.isclose(ll, finals[int(np.argmax(starts_ll))], rtol=1e-8):
                ex.fail(
                    f"on {case} you picked the run whose *start* had the highest log-likelihood; compare the "
                    "log-likelihoods at the end of each run.",
                    "best_start",
                )
            ex.fail(f"on {case} your best log-likelihood is {ll:.6g}; the best run reaches {best.log_likelihood:.6g}.")
        _compare_gmm(ex, params, best.gmm, case, atol=1e-5, permute=True)
    ex.passed("the best of several starts, matched up to label switching")


# ---------------------------------------------------------------- exercise 4: why the log-likelihood cannot fall


def reference_gain_parts(X, gmm, reg_covar=0.0):
    """(delta_ll, delta_Q, kl, (r, r_new, new)) for one EM iteration with the M-step regularised by reg_covar."""
    from .. import em
    from ..mixture import expected_complete_log_likelihood as Q

    r, ll = em.e_step(X, gmm)
    new = em.m_step(X, r, reg_covar)
    r_new, ll_new = em.e_step(X, new)
    kl = float(np.sum(np.where(r > 0, r * (np.log(np.where(r > 0, r, 1.0)) - np.log(r_new)), 0.0)))
    return ll_new - ll, Q(X, r, new) - Q(X, r, gmm), kl, (r, r_new, new)


@exercise_check
def check_gain_parts(student_parts, hidden=False):
    """em_gain_parts(X, gmm) -> (delta_ll, delta_Q, kl) for one EM iteration from gmm (exact M-step, reg_covar=0)."""
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
            ex.fail(
                f"your function should return a triple (delta_ll, delta_Q, kl); got {type(out).__name__}.",
                "not_a_triple",
            )
        d_ll, d_q, kl = (
            ex.number(v, f"{name} on {case}") for v, name in zip(out, ("delta_ll", "delta_Q", "kl"), strict=True)
        )
        want_ll, want_q, want_kl, (r, r_new, new) = reference_gain_parts(X, gmm)
        n = len(X)
        right = [np.isclose(d_ll, want_ll, rtol=1e-7, atol=1e-8), np.isclose(kl, want_kl, rtol=1e-6, atol=1e-8)]
        if not all(right):
            reg_ll, reg_q, reg_kl, _ = reference_gain_parts(X, gmm, reg_covar=1e-6)
            if np.allclose([d_ll, d_q, kl], [reg_ll, reg_q, reg_kl], rtol=1e-9, atol=1e-10):
                ex.fail(
                    f"on {case} your numbers are those of the regularised M-step (m_step's default reg_covar): "
                    "the task asks for the exact M-step, reg_covar=0, the one for which Delta Q >= 0 is guaranteed.",
                    "regularised",
                )
        if not ex.agrees(d_ll, want_ll, rtol=1e-7, atol=1e-8):
            if np.isclose(d_ll * n, want_ll, rtol=1e-7):
                ex.fail(f"on {case} your delta_ll is per point; use the total log-likelihoods.", "per_point")
            if np.isclose(d_ll, -want_ll, rtol=1e-7):
                ex.fail(f"on {case} your delta_ll has the wrong sign: new minus old.", "delta_ll_sign")
            ex.fail(
                f"on {case} delta_ll = {d_ll:.6g}, the reference l(theta_new) - l(theta) is {want_ll:.6g}.",
                "delta_ll_wrong",
            )
        if not ex.agrees(d_q, want_q, rtol=1e-7, atol=1e-8):
            q_new_resp = Q(X, r_new, new) - Q(X, r_new, gmm)
            if np.isclose(d_q, q_new_resp, rtol=1e-7, atol=1e-8):
                ex.fail(
                    f"on {case} you computed both Q values with the new responsibilities; the proof holds r fixed "
                    "at the E-step of the old parameters: Q(theta_new | r) - Q(theta | r).",
                    "new_resp",
                )
            ex.fail(
                f"on {case} delta_Q = {d_q:.6g}, the reference Q(theta_new | r) - Q(theta | r) is {want_q:.6g}.",
                "delta_q_wrong",
            )
        if not ex.agrees(kl, want_kl, rtol=1e-6, atol=1e-8):
            reverse = float(np.sum(r_new * (np.log(r_new) - np.log(np.where(r > 0, r, 1e-300)))))
            if np.isclose(kl, reverse, rtol=1e-6, atol=1e-8):
                ex.fail(
                    f"on {case} your KL has its two distributions the wrong way round (a KL divergence is not "
                    "symmetric): in lesson 04's identity, which responsibilities play the part of q, the old or "
                    "the new?",
                    "kl_reversed",
                )
            if np.isclose(kl, -want_kl, rtol=1e-6, atol=1e-8):
                ex.fail(
                    f"on {case} your KL part is {kl:.6g}, below 0, and a KL divergence never is: check which "
                    "logarithm you subtract from which.",
                    "kl_negative",
                )
            ex.fail(
                f"on {case} kl = {kl:.6g}, the reference KL part is {want_kl:.6g}. Write the identity at theta and at "
                "theta_new with the same q = r and subtract: which terms cancel, and which KL term is 0 at theta?",
                "kl_wrong",
            )
    ex.passed("delta_ll = delta_Q + KL >= delta_Q >= 0 on every case")


# ---------------------------------------------------------------- exercise 3: a tolerance that stops in time

TOL_WINDOW = 10  # the run may stop at most this many iterations after it first comes within TOL_NATS of the top
TOL_NATS = 0.01
TOL_MAX_ITER = 200


def _tol_problem():
    """The overlapping data (300 points, seed 0) and EM's start from k-means centres (seed 0), as in lesson 07 §7-8."""
    from .. import em
    from ..datasets import make_synthetic

    X, _ = make_synthetic("overlapping", n=300, rng=0)
    return X, em.initial_gmm(X, 3, init="kmeans", rng=np.random.default_rng(0))


@exercise_check
def check_stopping_tol(answer):
    """A tol at which EM (reg_covar=0) stops <= TOL_WINDOW iterations after it first gets within TOL_NATS of the top."""
    from .. import em

    ex = Exercise("stopping_tol")
    tol = answer_value(ex, answer, "stopping_tol()")
    ex.expect(
        tol > 0,
        f"your tol is {tol:g}: with tol <= 0 the rule gain / N < tol never fires (the gains are never negative), "
        "so EM runs to max_iter.",
        "not_positive",
    )
    X, start = _tol_problem()
    full = em.fit_em(X, start, max_iter=TOL_MAX_ITER, tol=0.0, reg_covar=0.0).history
    top = full[-1]
    first = int(np.argmax(top - full < TOL_NATS))  # the first iteration within TOL_NATS of the top
    run = em.fit_em(X, start, max_iter=TOL_MAX_ITER, tol=tol, reg_covar=0.0)
    below = top - run.log_likelihood
    if not run.converged:
        ex.fail(
            f"with tol = {tol:g} the rule never fired in {TOL_MAX_ITER} iterations: near the top the gains shrink to "
            "rounding noise. A useful tol is about the gain per point you expect when 0.01 nats are left.",
            "never_stops",
        )
    later_gains = np.diff(full)[run.n_iter :] / len(X)  # what the run would have gained per point had it gone on
    if below > 1.0 and later_gains.size and later_gains.max() >= tol:
        ex.fail(
            f"with tol = {tol:g} EM stops at iteration {run.n_iter}, {below:.2f} nats below the top: the gains were "
            "small because the run crossed a plateau, not because it was near the top. Think about the gain per "
            "iteration you expect when 0.01 nats are left, and the rate at which the gap shrinks.",
            "plateau",
        )
    if run.n_iter < first:
        ex.fail(
            f"with tol = {tol:g} EM stops at iteration {run.n_iter}, {below:.3f} nats below the top; it first comes "
            f"within {TOL_NATS} nats at iteration {first}. Your tol is too loose.",
            "too_loose",
        )
    ex.expect(
        run.n_iter <= first + TOL_WINDOW,
        f"with tol = {tol:g} EM stops at iteration {run.n_iter}, {run.n_iter - first} iterations after it first came "
        f"within {TOL_NATS} nats of the top (iteration {first}); at most {TOL_WINDOW} are allowed. Your tol is too "
        "tight.",
        "too_tight",
    )
    ex.passed(
        f"tol = {tol:g} stops at iteration {run.n_iter}, {below:.4f} nats below the top "
        f"({run.n_iter - first} iterations after the first within {TOL_NATS})"
    )


# ---------------------------------------------------------------- exercise 6: two fits, matched up to label switching


def _min_max_difference(a, b):
    """min over the k! orders of b's components of the largest |a - b[order]| in weights, means and covariances."""
    from itertools import permutations

    best = np.inf
    for order in permutations(range(a.k)):
        o = list(order)
        diff = max(
            np.max(np.abs(a.weights - b.weights[o])),
            np.max(np.abs(a.means - b.means[o])),
            np.max(np.abs(a.covariances - b.covariances[o])),
        )
        best = min(best, diff)
    return float(best)


def _difference_cases(hidden):
    from ..mixture import GMM
    from ._core import COVS, GMM3

    rng = np.random.default_rng(707)
    dw = np.array([0.03, -0.01, -0.02])
    near = GMM(GMM3.weights + dw, GMM3.means + rng.normal(scale=0.01, size=(3, 2)), COVS * 1.03)  # covs differ most
    other = GMM(GMM3.weights[::-1], GMM3.means + 0.2, COVS * 1.1)
    reweighted = GMM(GMM3.weights + np.array([0.06, -0.04, -0.02]), GMM3.means, COVS)  # only the weights differ
    shifted = GMM(GMM3.weights, GMM3.means + np.array([[0.0, 0.0], [0.1, 0.1], [0.0, 0.0]]), COVS)  # along both axes
    visible = [
        (GMM3, GMM3.permuted([1, 0, 2]), "the same fit with its first two components swapped"),
        (GMM3, near.permuted([1, 2, 0]), "a nearby fit, components listed 1, 2, 0"),
        (GMM3, near, "a nearby fit, components in the same order"),
        (GMM3, reweighted.permuted([2, 0, 1]), "the same means and covariances with other weights, listed 2, 0, 1"),
        (GMM3, shifted.permuted([0, 2, 1]), "one mean moved by 0.1 along both axes, listed 0, 2, 1"),
    ]
    one = GMM(np.ones(1), np.array([[1.0]]), np.array([[[2.0]]]))
    hidden_extra = [
        (one, GMM(np.ones(1), np.array([[1.3]]), np.array([[[2.5]]])), "k = 1, d = 1"),
        (GMM3, other.permuted([1, 0, 2]), "a different fit, components listed 1, 0, 2"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_largest_difference(student, hidden=False):
    """largest_difference(gmm_a, gmm_b) -> the largest parameter difference after matching b's components to a's."""
    from itertools import permutations

    from ..mixture import match_components as package_match

    ex = Exercise("largest_difference")
    forbid(ex, student, [package_match])
    for a, b, case in _difference_cases(hidden):
        got = ex.number(ex.call(student, a, b, case=case), f"your difference on {case}")
        want = _min_max_difference(a, b)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-12):
            continue
        orders = [list(o) for o in permutations(range(a.k))]
        best = min(orders, key=lambda o: max(np.max(np.abs(a.means - b.means[o])), 0.0))

        def terms(o, a=a, b=b):
            return {
                "w": np.max(np.abs(a.weights - b.weights[o])),
                "m": np.max(np.abs(a.means - b.means[o])),
                "c": np.max(np.abs(a.covariances - b.covariances[o])),
                "m2": np.max(np.linalg.norm(a.means - b.means[o], axis=1)),
            }

        def smallest(*names, orders=orders):
            """min over the pairings of the max of the named terms: what a version with only those terms returns."""
            return float(min(max(terms(o)[name] for name in names) for o in orders))

        worst_order = max(max(terms(o)[name] for name in "wmc") for o in orders)
        mean_abs = np.mean(
            np.concatenate(
                [
                    np.abs(a.weights - b.weights[best]).ravel(),
                    np.abs(a.means - b.means[best]).ravel(),
                    np.abs(a.covariances - b.covariances[best]).ravel(),
                ]
            )
        )
        wrong = [
            (
                max(
                    np.max(np.abs(a.weights - b.weights)),
                    np.max(np.abs(a.means - b.means)),
                    np.max(np.abs(a.covariances - b.covariances)),
                ),
                "you compared the components in the order they are listed; label switching can list the same "
                "component under another number, so pair them up first",
                "no_matching",
            ),
            (
                smallest("m", "c"),
                "that leaves out the weights: here only the weights differ enough to decide, and they count too",
                "no_weights",
            ),
            (
                smallest("w", "m"),
                "that leaves out the covariances: they count too",
                "no_covariances",
            ),
            (
                float(np.max(np.abs(a.means - b.means[best]))),
                "that is the largest difference of the means only; the weights and covariances count too",
                "means_only",
            ),
            (
                smallest("w", "m2", "c"),
                "you measured a mean difference by its length (the Euclidean norm); the task asks for the largest "
                "difference of a single coordinate, the max-norm",
                "euclidean_means",
            ),
            (
                worst_order,
                "you took the pairing with the largest difference; the components correspond under the pairing "
                "that makes the fits agree best",
                "max_over_orders",
            ),
            (mean_abs, "that is the average difference; the task asks for the largest one", "mean_not_max"),
        ]
        ex.name_mistake(got, wrong, f"on {case}, you returned {got:.6g}", rtol=1e-9, atol=1e-12)
        ex.fail(
            f"on {case} your difference is {got:.6g}; over the pairings of the components, the smallest largest "
            f"difference is {want:.6g}."
        )
    ex.passed(
        "label switching undone; the weights, the means (largest coordinate) and the covariances each decided a case"
    )


# ---------------------------------------------------------------- the mistakes, as data

_LOOP = "1. The algorithm: one loop, two steps"
_UP = "4. Why the log-likelihood can only go up"
_CONV = "7. How fast: linear convergence"
_STOP = r"8. When to stop: a tolerance tol leaves a parameter error proportional to $\sqrt{\text{tol}}$"
_LOCAL = "9. Local maxima: the start decides which hill EM climbs"
_LABELS = r"10. Label switching, and why $\ell$ is not concave"
_GMM_KEYS = ("not_a_gmm", "gmm_shape", "gmm_nan", "final_params")
_HISTORY_KEYS = ("history_none", "history_not_flat", "history_not_finite")

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/07_em_algorithm that explains it (tests/test_mistakes_lesson07.py makes each)
MISTAKES = {
    **{
        f"run_em.{key}": _LOOP
        for key in (
            "uses_reference",
            "not_a_pair",
            *_HISTORY_KEYS,
            "ignored_reg_covar",
            "no_start",
            "no_last",
            "per_point",
            "wrong_start",
            "differs_later",
            "wrong_length",
            *_GMM_KEYS,
        )
    },
    **{
        f"em_until_converged.{key}": _STOP
        for key in (
            "uses_reference",
            "not_a_triple",
            *_HISTORY_KEYS,
            "never_stopped",
            "total_gain",
            "one_too_many",
            "one_too_few",
            "gain_sign",
            "wrong_stop",
            "per_point",
            "wrong_start",
            "differs_later",
            "converged_not_bool",
            "converged_wrong",
            *_GMM_KEYS,
        )
    },
    **{
        f"predicted_stop.{key}": _CONV
        for key in (
            "returned_none",
            "not_a_number",
            "not_finite",
            "earlier_than_loose",
            "no_extra",
            "mixed_log_bases",
            "param_rate",
            "sqrt_tol",
            "wrong_value",
        )
    },
    **{
        f"stopping_tol.{key}": _STOP
        for key in (
            "returned_none",
            "not_a_number",
            "not_finite",
            "not_positive",
            "never_stops",
            "plateau",
            "too_loose",
            "too_tight",
        )
    },
    **{
        f"best_of.{key}": _LOCAL
        for key in (
            "uses_reference",
            "not_a_pair",
            "not_a_number",
            "not_finite",
            "not_a_gmm",
            "gmm_shape",
            "gmm_nan",
            "invalid_gmm",
            "ll_mismatch",
            "kept_worst",
            "kept_last",
            "best_start",
            "none_kept",
            "wrong_value",
        )
    },
    "best_of.final_params": _LABELS,
    **{
        f"largest_difference.{key}": _LABELS
        for key in (
            "uses_reference",
            "not_a_number",
            "not_finite",
            "no_matching",
            "no_weights",
            "no_covariances",
            "means_only",
            "euclidean_means",
            "max_over_orders",
            "mean_not_max",
            "wrong_value",
        )
    },
    **{
        f"em_gain_parts.{key}": _UP
        for key in (
            "not_a_triple",
            "not_a_number",
            "not_finite",
            "regularised",
            "per_point",
            "delta_ll_sign",
            "delta_ll_wrong",
            "new_resp",
            "delta_q_wrong",
            "kl_reversed",
            "kl_negative",
            "kl_wrong",
        )
    },
}
