"""Checks for the exercises of lesson 09 (choosing K, and using a fitted mixture).

The references are independent numpy computations: the parameter count from the free entries of each type
(weights but one, means, the upper triangle of a symmetric matrix), AIC and BIC from their definitions, the
constrained covariances from weighted scatters summed point by point. The decisions are measured by the
check itself: the validation log-likelihood of every K (fits by `coursepkg.em.fit_em` on the training part,
seeded), and the K that AIC and BIC choose on Old Faithful (the same seeded fits the notebook gives the
student). A mismatch is named by comparing with the usual wrong versions: all K weights counted as free,
d^2 entries for a symmetric matrix, one tied covariance per component, the plain average of the component
covariances for "tied", standard deviations averaged for "spherical", the training score taken for the
held-out one, the smallest N for which log N > 2 rounded down from e^2 or taken in base 10.
"""

import math

import numpy as np

from ._core import Exercise, cases_for, exercise_check, forbid

TYPES = ("full", "diag", "spherical", "tied")
# exercise 1 also counts two types the lesson did not: one diagonal covariance shared by all components, and one
# shared variance sigma^2 I (with equal weights, the model whose small-variance limit is k-means)
COUNT_TYPES = TYPES + ("tied_diag", "tied_spherical")

# ---------------------------------------------------------------- exercise 1: parameter counts


def reference_count(K, d, covariance_type):
    """Free parameters of a K-component mixture in d dimensions, counted entry by entry."""
    weights = K - 1  # they sum to 1: the last one follows from the others
    means = K * d
    symmetric = sum(1 for i in range(d) for j in range(i, d))  # the upper triangle, diagonal included
    covariances = {"full": K * symmetric, "diag": K * d, "spherical": K, "tied": symmetric, "tied_diag": d,
                   "tied_spherical": 1}[covariance_type]
    return weights + means + covariances


def _count_mistakes(K, d, t):
    """{key: (count, what went wrong)} for the typical wrong counts of type t at (K, d)."""
    want = reference_count(K, d, t)
    cov = want - (K - 1) - K * d
    wrong = {
        "weights_all_free": (want + 1, "you counted K weights; they sum to 1, so only K - 1 are free"),
        "no_weights": (want - (K - 1), "you left out the weights: K - 1 of them are free parameters too"),
        "no_means": (want - K * d, "you left out the means: K d numbers"),
    }
    if t in ("full", "tied"):
        per = K if t == "full" else 1
        wrong["not_symmetric"] = (
            want - cov + per * d * d,
            "you counted d^2 entries per covariance; a covariance is symmetric, so only the d(d+1)/2 entries on "
            "and above the diagonal are free",
        )
    if t == "tied":
        wrong["tied_per_component"] = (
            want - cov + K * cov,
            "you counted one covariance per component; 'tied' shares a single Sigma among all K, d(d+1)/2 entries",
        )
    if t == "spherical":
        wrong["spherical_per_feature"] = (
            want - cov + K * d,
            "you counted d variances per component; a spherical Sigma_k = sigma_k^2 I has one",
        )
    if t == "diag":
        wrong["diag_as_full"] = (
            want - cov + K * d * (d + 1) // 2,
            "that is the full count; a diagonal Sigma_k has only its d variances free",
        )
    if t == "tied_diag":
        wrong["tied_diag_per_component"] = (
            want - cov + K * d,
            "you counted one diagonal matrix per component (the 'diag' count); 'tied_diag' shares a single one",
        )
        wrong["tied_diag_as_tied"] = (
            want - cov + d * (d + 1) // 2,
            "you counted a whole symmetric matrix (the 'tied' count); the shared matrix is diagonal, its "
            "off-diagonal entries are fixed at 0",
        )
    if t == "tied_spherical":
        wrong["tied_spherical_per_component"] = (
            want - cov + K,
            "you counted one variance per component (the 'spherical' count); 'tied_spherical' shares a single one",
        )
        wrong["tied_spherical_per_feature"] = (
            want - cov + d,
            "you counted d variances; sigma^2 I has the same variance in every direction, one number",
        )
    return wrong


def _count_cases(hidden):
    visible = [(1, 1), (3, 2), (5, 4), (2, 10)]
    hidden_extra = [(7, 3), (1, 6), (4, 1)]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_count_parameters(student_count, hidden=False):
    """count_parameters(K, d, covariance_type) -> the number of free parameters p, an int."""
    from .. import selection

    ex = Exercise("count_parameters")
    forbid(ex, student_count, [selection.n_parameters, selection.aic, selection.bic])
    cases = _count_cases(hidden)
    counts = {t: [] for t in COUNT_TYPES}
    for K, d in cases:  # case by case (the teacher's cases after the student's), every type for each
        for t in COUNT_TYPES:
            value = ex.call(student_count, K, d, t, case=f"K = {K}, d = {d}")
            counts[t].append(ex.number(value, f"your count for K = {K}, d = {d}, covariance_type={t!r}"))
    for t in COUNT_TYPES:
        got = np.array(counts[t])
        want = np.array([reference_count(K, d, t) for K, d in cases])
        if ex.holds(np.array_equal(got, want)):
            continue
        where = ", ".join(f"(K, d) = ({K}, {d})" for K, d in cases)
        mistakes = {}
        for K, d in cases:
            for key, (value, words) in _count_mistakes(K, d, t).items():
                mistakes.setdefault(key, ([], words))[0].append(value)
        for key, (values, words) in mistakes.items():
            if np.array_equal(got, np.array(values)):
                ex.fail(f"for covariance_type={t!r} your counts {got.astype(int).tolist()} on {where}: {words}.", key)
        first = int(np.flatnonzero(got != want)[0])
        K, d = cases[first]
        ex.fail(
            f"for covariance_type={t!r}, K = {K}, d = {d} your count is {got[first]:g}; it should be {want[first]}. "
            "Add up the free weights, the means and the free entries of the covariances of this type.",
            "wrong_count",
        )
    ex.passed("all six types, including d = 1 and d = 10" if not hidden else "all six types, seven (K, d)")


# ---------------------------------------------------------------- exercise 2: AIC and BIC


def _criteria_cases(hidden):
    visible = [(-993.3, 17, 300), (-1062.8, 11, 300), (-512.0, 5, 8)]
    hidden_extra = [(250.0, 40, 1000), (-3.5, 2, 2)]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_information_criteria(student_criteria, hidden=False):
    """information_criteria(log_lik, p, N) -> (AIC, BIC) = (-2 log_lik + 2 p, -2 log_lik + p log N)."""
    from .. import selection

    ex = Exercise("information_criteria")
    forbid(ex, student_criteria, [selection.aic, selection.bic])
    for ll, p, N in _criteria_cases(hidden):
        case = f"log-likelihood {ll}, p = {p}, N = {N}"
        out = ex.call(student_criteria, ll, p, N, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            ex.fail(f"your function should return a pair (AIC, BIC); got {type(out).__name__}.", "not_a_pair")
        got = np.array([ex.number(v, f"your criteria for {case}") for v in out])
        want = np.array([-2 * ll + 2 * p, -2 * ll + p * math.log(N)])
        if ex.agrees(got, want, rtol=1e-10, atol=1e-9):
            continue
        wrong = [
            (want[::-1], "your two numbers are swapped: return (AIC, BIC)", "swapped"),
            (np.array([2 * ll + 2 * p, 2 * ll + p * math.log(N)]),
             "the sign of the log-likelihood is flipped: a better fit (higher log-likelihood) must lower the "
             "criterion, so it is -2 log L", "sign"),
            (np.array([-ll + p, -ll + p * math.log(N) / 2]),
             "you left out the factor 2: AIC = -2 log L + 2p and BIC = -2 log L + p log N (half of each ranks models "
             "the same, but the numbers are not AIC and BIC)", "no_factor_two"),
            (np.array([-2 * ll + 2 * p, -2 * ll + p * math.log10(N)]),
             "BIC uses the natural logarithm, log N = np.log(N), as the log-likelihood does (nats)", "log10"),
            (np.array([-2 * ll + 2 * p, -2 * ll + p * N]), "BIC charges p log N, not p N", "n_not_log"),
            (np.array([-2 * ll + p, -2 * ll + p * math.log(N)]), "AIC charges 2 per parameter: + 2p", "aic_one_per"),
        ]
        ex.name_mistake(got, wrong, f"for {case} your (AIC, BIC) is {np.round(got, 4).tolist()}", rtol=1e-9, atol=1e-9)
        ex.fail(
            f"for {case} your (AIC, BIC) is {np.round(got, 4).tolist()}; the definitions give "
            f"{np.round(want, 4).tolist()}.",
        )
    extra = ", also for N = 2 and a positive log L" if hidden else ""
    ex.passed("AIC = -2 log L + 2p, BIC = -2 log L + p log N" + extra)


# ---------------------------------------------------------------- exercise 3: constrained covariances


def _scatters(X, resp):
    """N_k and S_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T, point by point (no shortcut)."""
    n, d = X.shape
    K = resp.shape[1]
    Nk = resp.sum(axis=0)
    mu = resp.T @ X / Nk[:, None]
    S = np.zeros((K, d, d))
    for k in range(K):
        for i in range(n):
            diff = X[i] - mu[k]
            S[k] += resp[i, k] * np.outer(diff, diff)
    return Nk, mu, S


def reference_covariances(X, resp, covariance_type):
    """The M-step covariances of each type, (K, d, d), from the weighted scatters."""
    Nk, _, S = _scatters(X, resp)
    K, d, _ = S.shape
    full = S / Nk[:, None, None]
    if covariance_type == "full":
        return full
    if covariance_type == "diag":
        return np.array([np.diag(np.diag(c)) for c in full])
    if covariance_type == "spherical":
        return np.array([np.trace(c) / d * np.eye(d) for c in full])
    return np.repeat((S.sum(axis=0) / Nk.sum())[None], K, axis=0)


def _covariance_mistakes(X, resp, t):
    Nk, mu, S = _scatters(X, resp)
    K, d, _ = S.shape
    full = S / Nk[:, None, None]
    n = X.shape[0]
    raw = np.array([(resp[:, k, None] * X).T @ X / Nk[k] for k in range(K)])  # not centred
    wrong = [(full, f"that is the full covariance S_k / N_k; for {t!r} keep only what the type allows",
              "full_returned")]
    if t == "diag":
        wrong += [
            (np.array([np.diag(np.diag(c)) for c in raw]),
             "your variances are not centred: use the squared deviations from the weighted mean mu_k", "not_centred"),
            (np.array([np.diag(np.diag(s)) / n for s in S]), "you divided by N; each component divides by its own N_k",
             "divided_by_n"),
        ]
    if t == "spherical":
        wrong += [
            (np.array([np.mean(np.sqrt(np.diag(c))) ** 2 * np.eye(d) for c in full]),
             "you averaged the standard deviations and squared the result; the maximum of Q is the mean of the "
             "variances, tr(S_k) / (d N_k)", "averaged_sds"),
            (np.array([np.trace(c) * np.eye(d) for c in full]),
             "you forgot to divide the trace by d: sigma_k^2 = tr(S_k) / (d N_k)", "no_division_by_d"),
        ]
    if t == "tied":
        wrong += [
            (np.repeat(full.mean(axis=0)[None], K, axis=0),
             "you averaged the K covariances S_k / N_k with equal weights 1/K; the maximum of Q pools the scatters, "
             "sum_k S_k / N, which weighs each by N_k / N", "tied_unweighted"),
            (np.repeat(S.sum(axis=0)[None], K, axis=0), "you returned the pooled scatter sum_k S_k; divide it by N",
             "tied_not_divided"),
            (np.repeat((S.sum(axis=0) / (K * n))[None], K, axis=0), "divide the pooled scatter by N, not by K N",
             "tied_divided_by_kn"),
        ]
    return wrong


def _covariance_cases(hidden):
    rng = np.random.default_rng(909)
    X = np.concatenate([rng.normal(size=(20, 2)) @ np.array([[1.5, 0.0], [0.8, 0.5]]) + c
                        for c in ([0.0, 0.0], [4.0, 1.0], [1.0, 4.0])])
    resp = rng.dirichlet(np.full(3, 0.7), size=60)
    X3 = rng.normal(size=(30, 3)) * [1.0, 2.0, 0.5]
    resp3 = rng.dirichlet(np.ones(2), size=30)
    visible = [(X, resp, "60 points in 2-D, 3 components"), (X + 1000.0, resp, "the same points moved 1000 units away")]
    hidden_extra = [(X3, resp3, "30 points in 3-D, 2 components"), (X, np.ones((60, 1)), "K = 1")]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_constrained_covariances(student_covs, hidden=False):
    """constrained_covariances(X, resp, covariance_type) -> the M-step covariances of the type, (K, d, d)."""
    from .. import em

    ex = Exercise("constrained_covariances")
    forbid(ex, student_covs, [em.m_step, em.fit_em])
    for X, resp, case in _covariance_cases(hidden):
        K, d = resp.shape[1], X.shape[1]
        for t in TYPES:
            where = f"{case}, covariance_type={t!r}"
            got = ex.array(ex.call(student_covs, X, resp, t, case=where), (K, d, d), f"your covariances on {where}")
            want = reference_covariances(X, resp, t)
            if ex.agrees(got, want, rtol=1e-8, atol=1e-9):
                continue
            if t != "full":
                ex.name_mistake(got, _covariance_mistakes(X, resp, t), f"on {where}", rtol=1e-7, atol=1e-8)
            ex.close(got, want, f"on {where} your covariances differ from the M-step of this type",
                     rtol=1e-8, atol=1e-9, mistake=f"wrong_{t}")
    ex.passed("the M-step of all four types, also far from the origin")


# ---------------------------------------------------------------- exercise 4: choose K on held-out data

KS = tuple(range(1, 9))
VALID_TOLERANCE = 0.02  # nats per point: a K this close to the best validation score is as good a choice
# How far a student's validation score may be from the reference's, nats per point. For K = 1 and 2 every run of
# EM reaches the same maximum (0 and 1e-4 over 40 runs: 10 seeds x 4 settings of n_init and tol), so the scores
# must agree closely; for K >= 3 a run can stop at a local maximum, which scored up to 0.142 below and 0.08 above
# the reference in those 40 runs.
EXACT_KS = 2
EXACT_TOLERANCE = 0.01
BAND = (-0.2, 0.1)


def held_out_problem():
    """X_train (250, 2) and X_valid (150, 2): one sample of a 4-component mixture, split in two."""
    from ..datasets import random_gmm
    from ..mixture import sample

    X, _ = sample(random_gmm(4, 2, rng=21, separation=3.0), 400, rng=5)
    return X[:250], X[250:]


X_TRAIN, X_VALID = held_out_problem()


def held_out_reference():
    """(validation, training) log-likelihood per point of a full mixture for each K in KS, by seeded fits.

    The checks read the same numbers from HELD_OUT_VALID and HELD_OUT_TRAIN (tests/test_checks_lesson09.py
    computes them again with this function), so that a check runs in milliseconds.
    """
    from ..em import fit_em
    from ..mixture import log_likelihood

    valid, train = [], []
    for k in KS:
        fit = fit_em(X_TRAIN, k, rng=0, n_init=3, tol=1e-4)
        valid.append(log_likelihood(X_VALID, fit.gmm) / len(X_VALID))
        train.append(fit.log_likelihood / len(X_TRAIN))
    return np.array(valid), np.array(train)


# held_out_reference(), rounded to 1e-6 nats per point
HELD_OUT_VALID = np.array([-4.885308, -4.055244, -3.957903, -3.974255, -4.029981, -4.02171, -4.045829, -4.068403])
HELD_OUT_TRAIN = np.array([-4.956629, -4.130517, -4.026738, -3.99664, -3.968047, -3.956396, -3.932291, -3.908584])


def _chosen_k(ex, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        ex.fail(f"chosen_k should be a whole number of components in 1..8; got {value!r}.", "not_a_k")
    if not (float(value).is_integer() and 1 <= value <= 8):
        ex.fail(f"chosen_k should be a whole number of components in 1..8; got {value!r}.", "not_a_k")
    return int(value)


@exercise_check
def check_held_out_choice(validation_scores, chosen_k):
    """validation_scores() -> 8 numbers (K = 1..8); chosen_k: the K decided by them. The check measures both."""
    ex = Exercise("held_out_choice")
    scores = ex.array(ex.call(validation_scores), (len(KS),), "validation_scores()")
    raw = ex.answer(chosen_k)
    k = _chosen_k(ex, raw)
    valid, train = HELD_OUT_VALID, HELD_OUT_TRAIN
    if np.allclose(scores, valid * len(X_VALID), rtol=0.05):
        ex.fail("your scores are totals over the 150 validation points; give the mean per point (divide by the number "
                "of validation points), so they compare across data sets of any size.", "totals")
    if np.allclose(scores, train, atol=0.03) and not np.allclose(scores, valid, atol=0.03):
        ex.fail("your scores are the training log-likelihoods per point: score each fit on X_valid, the points it did "
                "not see. The training score keeps rising with K and cannot choose it.", "scored_training")
    off = scores - valid
    ex.expect(
        np.all(np.abs(off[:EXACT_KS]) <= EXACT_TOLERANCE) and np.all((off >= BAND[0]) & (off <= BAND[1])),
        f"your scores {np.round(scores, 3).tolist()} are not the validation log-likelihoods per point of fits on "
        f"X_train ({np.round(valid, 3).tolist()}, from fit_em with n_init=3): for K = 1 and 2, where every EM run "
        f"finds the same maximum, they should agree within {EXACT_TOLERANCE} nats per point (yours differ by "
        f"{np.round(np.abs(off[:EXACT_KS]), 3).tolist()}). Fit on X_train, then score X_valid with "
        "mixture.log_likelihood divided by len(X_valid).",
        "scores_off",
    )
    own_best = KS[int(np.argmax(scores))]
    if k == KS[int(np.argmin(scores))] and k != own_best:
        ex.fail(f"you chose K = {k}, the lowest of your scores; a log-likelihood is higher for a better model.",
                "chose_lowest")
    best = valid.max()
    good = [kk for kk, v in zip(KS, valid, strict=True) if v >= best - VALID_TOLERANCE]
    if k == KS[-1] and k not in good:
        ex.fail(f"you chose K = {k}, the largest K, which is what the training likelihood prefers; the validation "
                f"scores peak at K = {KS[int(np.argmax(valid))]}.", "chose_by_training")
    if scores[k - 1] < scores.max() - VALID_TOLERANCE:
        ex.fail(f"you chose K = {k}, but your own scores are highest at K = {own_best} ({scores.max():.3f} against "
                f"{scores[k - 1]:.3f} nats per point): decide by your measurement.", "not_your_argmax")
    ex.expect(
        k in good,
        f"K = {k} scores {valid[k - 1]:.3f} nats per point on X_valid, below the best {best:.3f} (K = "
        f"{KS[int(np.argmax(valid))]}); choose the K with the highest validation log-likelihood.",
        "decision_wrong",
    )
    ex.passed(f"K = {k}: {valid[k - 1]:.3f} nats per point on the validation points, the best is {best:.3f}; "
              f"the training score would have taken K = {KS[int(np.argmax(train))]}")


# ---------------------------------------------------------------- exercise 5: which criterion picks the larger K

CHOICES = {"aic": "AIC", "bic": "BIC", "same": "same"}


def faithful_fits():
    """Full mixtures with K = 1..8 fitted to Old Faithful (minutes), seeded: the fits exercise 5 compares."""
    from ..datasets import old_faithful
    from ..em import fit_em

    X = old_faithful()
    return X, [fit_em(X, k, rng=0, n_init=3, tol=1e-4).gmm for k in KS]


# the log-likelihoods of faithful_fits() (nats, to 1e-4; tests/test_checks_lesson09.py computes them again) and
# their numbers of free parameters, 5 + 6 (K - 1)
FAITHFUL_LOG_LIKELIHOODS = np.array(
    [-1289.7967, -1130.2641, -1119.2842, -1108.2382, -1103.6601, -1097.0528, -1092.0263, -1087.8404]
)
FAITHFUL_N = 272


def faithful_choices():
    """((K by AIC, K by BIC), AIC (8,), BIC (8,), log-likelihoods (8,)) of faithful_fits(), from the stored numbers."""
    ll = FAITHFUL_LOG_LIKELIHOODS
    p = np.array([reference_count(k, 2, "full") for k in KS])
    aic = -2 * ll + 2 * p
    bic = -2 * ll + p * math.log(FAITHFUL_N)
    return (KS[int(np.argmin(aic))], KS[int(np.argmin(bic))]), aic, bic, ll


CROSSOVER_N = 8  # the smallest N with log N > 2: from there on BIC charges more per parameter than AIC


def _crossover(ex, value):
    """The student's smallest N, checked against the usual wrong derivations."""
    n = ex.number(value, "smallest_n()")
    if n == CROSSOVER_N:
        ex.holds(True)
        return
    wrong = {
        7: ("7 is e^2 = 7.39 rounded down, and log 7 = 1.95 < 2: at N = 7 AIC charges more per parameter than "
            "BIC. The condition is log N > 2, so N > e^2", "crossover_rounded_down"),
        3: ("that is where log N exceeds 1; compare BIC's charge log N with AIC's 2, not with 1 (AIC - BIC "
            "= -(log N - 2) p)", "crossover_log_one"),
        100: ("that is where log10 N exceeds 2; the criteria use the natural logarithm, as the log-likelihood does",
              "crossover_log10"),
    }
    if n in wrong:
        words, key = wrong[n]
        ex.fail(f"smallest_n() is {n:g}: {words}.", key)
    ex.fail(f"smallest_n() is {n:g}. Write AIC_K - BIC_K for one fit, and ask when the difference between two K's "
            "penalties favours the smaller K more under BIC than under AIC.", "crossover_wrong")


@exercise_check
def check_larger_k(larger, measured, smallest_n):
    """larger() -> "AIC", "BIC" or "same" (predicted); measured() -> (K chosen by AIC, K chosen by BIC);
    smallest_n() -> the smallest N from which, within one covariance type, AIC's K is never below BIC's (derived)."""
    ex = Exercise("larger_k")
    raw = ex.answer(larger)
    choice = CHOICES.get(str(raw).strip().lower()) if isinstance(raw, str) else None
    if choice is None:
        ex.fail(f'larger_k() should return "AIC", "BIC" or "same"; got {raw!r}.', "not_a_choice")
    out = ex.answer(measured)
    if isinstance(out, np.ndarray) and out.shape == (2,):
        out = tuple(out)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        ex.fail(f"measured_choices() should return a pair (K by AIC, K by BIC); got {type(out).__name__}.",
                "not_a_pair")
    got = np.array([ex.number(v, "each chosen K") for v in out])
    want, aic, bic, ll = faithful_choices()
    if not ex.holds(np.array_equal(got, want)):
        wrong = [
            (np.array(want[::-1]), "your two numbers are swapped: return (K by AIC, K by BIC)", "swapped"),
            (np.array([KS[int(np.argmax(aic))], KS[int(np.argmax(bic))]]),
             "you took the largest criterion; AIC and BIC are lower for a better model (argmin)", "argmax"),
            (np.array(want) - 1, "those are positions in the list (from 0); return K itself (position + 1)",
             "index_not_k"),
            (np.array([KS[int(np.argmax(ll))]] * 2),
             "that is the K of the highest log-likelihood, with no penalty at all", "no_penalty"),
        ]
        ex.name_mistake(got, wrong, f"your choices {got.astype(int).tolist()}", rtol=0, atol=1e-9)
        ex.fail(f"your choices {got.astype(int).tolist()} are not the K that minimise AIC and BIC over the given fits "
                "(compute both for each fit, then take the K of the smallest value).", "measure_wrong")
    larger_one = "AIC" if want[0] > want[1] else ("BIC" if want[1] > want[0] else "same")
    ex.expect(
        choice == larger_one,
        f"you predicted {choice}, but AIC chose K = {want[0]} and BIC K = {want[1]}. BIC charges log 272 = 5.6 per "
        "parameter, AIC 2, and a larger K has more parameters: the lighter charge can afford more components "
        "(lesson 09, section 4).",
        "prediction_wrong",
    )
    _crossover(ex, ex.answer(smallest_n))
    ex.passed(f"AIC chose K = {want[0]}, BIC K = {want[1]}: the lighter penalty picks the larger K, "
              f"whenever N >= {CROSSOVER_N}")


# ---------------------------------------------------------------- the mistakes, as data

_TYPES = "2. Four covariance types, and what each one costs"
_MSTEP = "3. The M-step of each type, derived"
_CRITERIA = "4. Penalised likelihood: AIC and BIC"
_HELD = "5. Held-out log-likelihood, by cross-validation"
_TRAIN = "1. The training objective only improves as $K$ grows"
_TRIALS = "9. How often does each criterion find the true $K$?"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/09_choosing_k that explains it (tests/test_mistakes_lesson09.py makes each)
MISTAKES = {
    **{
        f"count_parameters.{key}": _TYPES
        for key in (
            "uses_reference",
            "not_a_number",
            "not_finite",
            "weights_all_free",
            "no_weights",
            "no_means",
            "not_symmetric",
            "tied_per_component",
            "spherical_per_feature",
            "diag_as_full",
            "wrong_count",
        )
    },
    **{
        f"information_criteria.{key}": _CRITERIA
        for key in (
            "uses_reference",
            "not_a_pair",
            "not_a_number",
            "swapped",
            "sign",
            "no_factor_two",
            "log10",
            "n_not_log",
            "aic_one_per",
            "wrong_value",
        )
    },
    **{
        f"constrained_covariances.{key}": _MSTEP
        for key in (
            "uses_reference",
            "not_an_array",
            "wrong_shape",
            "nan",
            "full_returned",
            "not_centred",
            "divided_by_n",
            "averaged_sds",
            "no_division_by_d",
            "tied_unweighted",
            "tied_not_divided",
            "tied_divided_by_kn",
            "wrong_full",
            "wrong_diag",
            "wrong_spherical",
            "wrong_tied",
        )
    },
    **{
        f"held_out_choice.{key}": _HELD
        for key in (
            "not_an_array",
            "wrong_shape",
            "nan",
            "not_a_k",
            "totals",
            "scored_training",
            "scores_off",
            "chose_lowest",
            "not_your_argmax",
            "decision_wrong",
        )
    },
    "held_out_choice.chose_by_training": _TRAIN,
    **{
        f"larger_k.{key}": _TRIALS
        for key in (
            "not_a_choice",
            "not_a_pair",
            "not_a_number",
            "not_finite",
            "swapped",
            "argmax",
            "index_not_k",
            "no_penalty",
            "measure_wrong",
        )
    },
    **{
        f"larger_k.{key}": _CRITERIA
        for key in (
            "prediction_wrong",
            "crossover_rounded_down",
            "crossover_log_one",
            "crossover_log10",
            "crossover_wrong",
        )
    },
    **{f"count_parameters.{key}": _TYPES for key in ("tied_diag_per_component", "tied_diag_as_tied",
                                                      "tied_spherical_per_component", "tied_spherical_per_feature")},
}
