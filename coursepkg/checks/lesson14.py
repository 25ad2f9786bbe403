"""Checks for the self-test of lesson 14 (cheat sheet).

The references are independent of what the student writes: the covariance type each data set calls for is
measured by BIC over seeded fits of all four types (`coursepkg.em.fit_em`, `coursepkg.selection.bic`; the
numbers are stored, tests/test_checks_lesson14.py computes them again); the parameter counts are counted entry
by entry; the repaired EM is compared with `coursepkg.em.fit_em` from the same start (which the student may not
call); the two starts' final log-likelihoods are fitted by `fit_em` run to convergence (stored, recomputed by
the tests). A mismatch is named by comparing with the usual wrong versions: the freest type taken because it
fits best, circles for ellipses, all K weights counted as free, d^2 entries for a symmetric matrix, two numbers
per Bernoulli pixel, responsibilities normalised over the points, raw second moments, no reg_covar, the start's
log-likelihood taken for the end's, a run stopped before it converged.
"""

import numpy as np

from ._core import Exercise, cases_for, exercise_check, forbid

TYPES = ("full", "diag", "spherical", "tied")

# ---------------------------------------------------------------- exercise 1: which covariance type


def type_data():
    """{"A": X_A (90, 2), "B": X_B (240, 2)}: two seeded samples of 3-component mixtures of known type."""
    from ..gaussian import covariance_from_axes
    from ..mixture import GMM, sample

    shared = covariance_from_axes(1.5, 0.45, -35)
    mix_a = GMM(np.array([0.3, 0.3, 0.4]), np.array([[0.0, 0.0], [5.0, 2.0], [1.0, 6.0]]), np.array([shared] * 3))
    covs_b = np.array([covariance_from_axes(2.0, 0.5, 90), covariance_from_axes(1.5, 0.4, 0),
                       covariance_from_axes(1.2, 0.6, 0)])
    mix_b = GMM(np.array([0.5, 0.25, 0.25]), np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 6.0]]), covs_b)
    return {"A": sample(mix_a, 90, rng=141)[0], "B": sample(mix_b, 240, rng=142)[0]}


TYPE_DATA = type_data()


def type_bics():
    """{name: {type: BIC of a K = 3 fit of that type}} for the two data sets (seeded fits, 3 starts each)."""
    from ..em import fit_em
    from ..selection import bic

    return {name: {t: bic(X, fit_em(X, 3, rng=0, n_init=3, covariance_type=t).gmm) for t in TYPES}
            for name, X in TYPE_DATA.items()}


# type_bics(), rounded to 0.01
TYPE_BICS = {
    "A": {"full": 710.8, "diag": 804.02, "spherical": 805.01, "tied": 694.32},
    "B": {"full": 1878.01, "diag": 1864.22, "spherical": 2104.23, "tied": 2115.76},
}

_WHY = {
    ("A", "full"): "full fits these 90 points a little better, but its three separate matrices cost 6 more "
                   "parameters than one shared matrix, and the clusters have one shape: BIC charges more than the "
                   "fit gains",
    ("A", "diag"): "the clusters are tilted, and a diagonal covariance can only draw ellipses along the axes",
    ("A", "spherical"): "circles cannot follow tilted, elongated clusters",
    ("B", "full"): "full fits at least as well (it contains diag), but the ellipses here lie along the axes, so "
                   "the off-diagonal terms buy almost nothing for their parameters",
    ("B", "spherical"): "the clusters are elongated; one variance per component draws circles",
    ("B", "tied"): "the clusters differ in shape (one is upright, two lie flat): one shared matrix cannot fit all",
}


@exercise_check
def check_covariance_types(choose_types):
    """choose_types() -> {"A": type, "B": type}: the covariance type each data set calls for."""
    ex = Exercise("covariance_types")
    answer = ex.answer(choose_types)
    if not isinstance(answer, dict) or set(answer) != {"A", "B"}:
        ex.fail(f'choose_types() should return a dict with the keys "A" and "B"; got {answer!r}.', "not_a_dict")
    parts = []
    for name in ("A", "B"):
        choice = answer[name]
        if not isinstance(choice, str) or choice.strip().lower() not in TYPES:
            ex.fail(f"your choice for data set {name} is {choice!r}; it should be one of {list(TYPES)}.", "not_a_type")
        choice = choice.strip().lower()
        bics = TYPE_BICS[name]
        best = min(bics, key=bics.get)
        if not ex.holds(choice == best):
            ex.fail(
                f"for data set {name} you chose {choice!r}: BIC {bics[choice]:.1f} against {bics[best]:.1f} for "
                f"{best!r} (lower is better). {_WHY[name, choice]}.",
                f"{name.lower()}_{choice}",
            )
        parts.append(f"{name}: {best} (BIC {bics[best]:.1f})")
    ex.passed(", ".join(parts))


# ---------------------------------------------------------------- exercise 2: free parameters

MODELS = TYPES + ("tied_diag", "tied_spherical", "bernoulli")
SHARED = {"tied": "full", "tied_diag": "diag", "tied_spherical": "spherical"}  # one covariance of that type for all K


def reference_parameters(K, d, model):
    """Free parameters of a K-component mixture in d dimensions, counted entry by entry."""
    weights = K - 1  # they sum to 1
    if model == "bernoulli":
        return weights + K * d  # one probability p_kj per pixel and component; 1 - p_kj is not a parameter
    symmetric = sum(1 for i in range(d) for j in range(i, d))
    one = {"full": symmetric, "diag": d, "spherical": 1}[SHARED.get(model, model)]  # one covariance of the type
    return weights + K * d + (one if model in SHARED else K * one)


def _parameter_mistakes(K, d, model):
    want = reference_parameters(K, d, model)
    wrong = {"weights_all_free": (want + 1, "you counted K weights; they sum to 1, so only K - 1 are free")}
    if model == "bernoulli":
        wrong["bernoulli_two_per_pixel"] = (
            want + K * d,
            "you counted two numbers per pixel and component (p_kj and 1 - p_kj, or a mean and a variance as for a "
            "diagonal Gaussian); a Bernoulli pixel has one parameter, the probability p_kj that it is on, which "
            "fixes 1 - p_kj, its mean p_kj and its variance p_kj (1 - p_kj)",
        )
        return wrong
    cov = want - (K - 1) - K * d
    wrong["no_means"] = (want - K * d, "you left out the means: K d numbers")
    if model in ("full", "tied"):
        per = K if model == "full" else 1
        wrong["not_symmetric"] = (
            want - cov + per * d * d,
            "you counted d^2 entries per covariance; a covariance is symmetric, so d(d+1)/2 of them are free")
    if model in SHARED:
        wrong["tied_per_component"] = (
            want - cov + K * cov, f"you counted one covariance per component; {model!r} shares one among all K")
    return wrong


def _parameter_cases(hidden):
    return cases_for([(3, 2), (10, 64), (1, 1)], [(4, 5), (2, 30)], hidden)


@exercise_check
def check_free_parameters(free_parameters, hidden=False):
    """free_parameters(K, d, model) -> the number of free parameters, for every model in MODELS."""
    from .. import selection

    ex = Exercise("free_parameters")
    forbid(ex, free_parameters, [selection.n_parameters, selection.aic, selection.bic])
    cases = _parameter_cases(hidden)
    counts = {m: [] for m in MODELS}
    for K, d in cases:
        for m in MODELS:
            value = ex.call(free_parameters, K, d, m, case=f"K = {K}, d = {d}")
            counts[m].append(ex.number(value, f"your count for K = {K}, d = {d}, model={m!r}"))
    where = ", ".join(f"(K, d) = ({K}, {d})" for K, d in cases)
    for m in MODELS:
        got = np.array(counts[m])
        want = np.array([reference_parameters(K, d, m) for K, d in cases])
        if ex.holds(np.array_equal(got, want)):
            continue
        mistakes = {}
        for K, d in cases:
            for key, (value, words) in _parameter_mistakes(K, d, m).items():
                mistakes.setdefault(key, ([], words))[0].append(value)
        for key, (values, words) in mistakes.items():
            if np.array_equal(got, np.array(values)):
                ex.fail(f"for model={m!r} your counts {got.astype(int).tolist()} on {where}: {words}.", key)
        first = int(np.flatnonzero(got != want)[0])
        K, d = cases[first]
        ex.fail(f"for model={m!r}, K = {K}, d = {d} your count is {got[first]:g}; it should be {want[first]}. Add "
                "the free weights, then what each component has of its own, then what is shared.", "wrong_count")
    ex.passed("six Gaussian mixtures and the Bernoulli mixture, up to d = 64" if not hidden else
              "seven models, five (K, d)")


# ---------------------------------------------------------------- exercise 3: repair a broken EM

REG_COVAR = 1e-6


def _faithful_start(X, shift):
    from ..em import initial_gmm

    return initial_gmm(X - shift, 2, rng=3)  # the same start, moved with the data


def _em_cases(hidden):
    from ..datasets import make_synthetic, old_faithful
    from ..em import initial_gmm
    from ..mixture import GMM

    X = old_faithful()
    start = _faithful_start(X, 0.0)
    far = X + 1e6  # minutes counted from an origin about two years away
    start_far = GMM(start.weights, start.means + 1e6, start.covariances)
    Xu, _ = make_synthetic("unequal", n=200, rng=1)
    visible = [(X, start, 10, "Old Faithful, 10 iterations"),
               (far, start_far, 10, "Old Faithful measured from an origin 10^6 minutes away")]
    hidden_extra = [(Xu, initial_gmm(Xu, 3, rng=5), 25, "200 points, K = 3, 25 iterations")]
    return cases_for(visible, hidden_extra, hidden)


def _raw_em(X, gmm, n_iter, axis_points=False, raw=False, reg_covar=REG_COVAR):
    """The usual broken variants of the twenty-line EM (one flag each); returns (weights, means, covs, history)."""
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal

    w, m, c = gmm.weights, gmm.means, gmm.covariances
    N, d = X.shape
    history = []
    for t in range(n_iter + 1):
        lj = np.column_stack([np.log(w[k]) + multivariate_normal(m[k], c[k], allow_singular=True).logpdf(X)
                              for k in range(len(w))])
        lp = logsumexp(lj, axis=1)
        history.append(lp.sum())
        if t == n_iter:
            break
        r = np.exp(lj - logsumexp(lj, axis=0, keepdims=True)) if axis_points else np.exp(lj - lp[:, None])
        Nk = r.sum(axis=0)
        w = Nk / N
        m = r.T @ X / Nk[:, None]
        if raw:
            c = np.array([(r[:, k, None] * X).T @ X / Nk[k] - np.outer(m[k], m[k]) + reg_covar * np.eye(d)
                          for k in range(len(Nk))])
        else:
            c = np.array([(r[:, k, None] * (X - m[k])).T @ (X - m[k]) / Nk[k] + reg_covar * np.eye(d)
                          for k in range(len(Nk))])
    return w, m, c, np.array(history)


@exercise_check
def check_em_fixed(em_fixed, hidden=False):
    """em_fixed(X, weights, means, covs, n_iter) -> (weights, means, covs, history), history of n_iter + 1."""
    from .. import em

    ex = Exercise("em_fixed")
    forbid(ex, em_fixed, [em.fit_em, em.e_step, em.m_step, em.em_iteration, em.EMStepper])
    near_passed = False
    for X, start, n_iter, case in _em_cases(hidden):
        far = bool(np.abs(X).max() > 1e5)
        N, d = X.shape
        K = start.k
        out = ex.call(em_fixed, X, start.weights, start.means, start.covariances, n_iter, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 4):
            ex.fail("em_fixed should return four things: (weights, means, covs, history).", "not_four")
        ref = em.fit_em(X, start, max_iter=n_iter, tol=0.0, reg_covar=REG_COVAR)
        try:
            history = np.asarray(out[3], dtype=float)
        except (TypeError, ValueError):
            history = np.zeros(0)
        if history.shape == (n_iter,):
            ex.fail(f"on {case} your history has {n_iter} entries; it should have n_iter + 1 = {n_iter + 1}: "
                    "ℓ of the start, then ℓ after each of the n_iter M-steps.", "history_length")
        history = ex.array(out[3], (n_iter + 1,), f"your history on {case}")
        weights = ex.array(out[0], (K,), f"your weights on {case}")
        means = ex.array(out[1], (K, d), f"your means on {case}")
        covs = ex.array(out[2], (K, d, d), f"your covariances on {case}")
        got = (weights, means, covs, history)
        want = (ref.gmm.weights, ref.gmm.means, ref.gmm.covariances, ref.history)
        tolerances = ((1e-8, 1e-10), (1e-9, 1e-7), (1e-6, 1e-9), (1e-10, 1e-6))  # (rtol, atol) for each output
        if all(ex.agrees(g, w, rtol=r, atol=a) for g, w, (r, a) in zip(got, want, tolerances, strict=True)):
            near_passed = near_passed or not far
            continue
        variants = [
            ({"axis_points": True}, "your responsibilities are normalised over the points (axis=0): each row of "
             "r_nk must sum to 1 over the components", "normalised_over_points"),
            ({"raw": True}, "your covariances are raw second moments minus mu mu^T; far from the origin that "
             "difference of two huge numbers loses its digits. Centre first: (x_n - mu_k)", "raw_moments"),
            ({"reg_covar": 0.0}, "you left out reg_covar: add 1e-6 to every covariance diagonal in the M-step, as "
             "fit_em and scikit-learn do", "no_reg_covar"),
        ]
        if np.allclose(weights, ref.gmm.weights * N, rtol=1e-6):
            ex.fail(f"on {case} your weights sum to {weights.sum():.6g}, not 1: pi_k = N_k / N.", "weights_not_divided")
        for flags, words, key in variants:
            try:
                bad = _raw_em(X, start, n_iter, **flags)
            except (ValueError, np.linalg.LinAlgError):  # this variant breaks down on this case
                continue
            same_as_ref = all(np.allclose(b, w, rtol=r, atol=a)
                              for b, w, (r, a) in zip(bad[:3], want[:3], tolerances[:3], strict=True))
            if not same_as_ref and all(np.allclose(g, b, rtol=1e-6, atol=1e-9)
                                       for g, b in zip(got[:3], bad[:3], strict=True)):
                ex.fail(f"on {case}: {words}.", key)
        if far and near_passed:
            ex.fail(f"on Old Faithful your numbers agree with EM's, but on {case} they do not: an error that "
                    "appears only far from the origin is a loss of digits. Raw second moments "
                    "(sum r x x^T / N_k - mu mu^T) subtract two huge, nearly equal numbers; centre first: "
                    "(x_n - mu_k) with the new mu_k (lesson 06, section 10).", "raw_moments")
        # the first output that goes wrong, after one iteration (later ones inherit the error)
        one = ex.call(em_fixed, X, start.weights, start.means, start.covariances, 1, case=f"{case}, n_iter = 1")
        ref1 = em.fit_em(X, start, max_iter=1, tol=0.0, reg_covar=REG_COVAR)
        hints = {
            "weights": "pi_k = N_k / N with N_k = sum_n r_nk",
            "means": "mu_k = sum_n r_nk x_n / N_k",
            "covariances": "Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k + reg_covar I, about the new "
                           "means mu_k of this M-step",
        }
        if isinstance(one, (tuple, list)) and len(one) == 4:
            first_want = (ref1.gmm.weights, ref1.gmm.means, ref1.gmm.covariances)
            for (name, words), g, w, (r, a) in zip(hints.items(), one[:3], first_want, tolerances[:3], strict=True):
                g = ex.array(g, np.shape(w), f"your {name} on {case} after one iteration")
                ex.close(g, w, f"on {case}, after one iteration, your {name} are the first output that differs from "
                         f"EM's from the same start; check {words}", rtol=r, atol=a, mistake=f"wrong_{name}")
        names = ("weights", "means", "covariances", "history")
        for name, g, w, (r, a) in zip(names, got, want, tolerances, strict=True):
            ex.close(g, w, f"on {case} your {name} differ from EM's from the same start", rtol=r, atol=a,
                     mistake=f"wrong_{name}")
    ex.passed("the same numbers as fit_em, also 10^6 minutes from the origin")


# ---------------------------------------------------------------- exercise 4: which start climbs higher


def two_starts():
    """(X (300, 2), start_A, start_B): three round clusters and two starting mixtures (K = 3).

    Both starts have equal weights and the same covariance (a quarter of the data's) for every component. A puts
    one mean in each cluster, but far out on its edge, so it starts lower; B puts two means close together in
    one cluster and the third between the other two, so it starts higher and ends on a lower hill.
    """
    from ..datasets import make_synthetic
    from ..mixture import GMM

    X, z = make_synthetic("round", n=300, rng=4)
    centre = np.array([X[z == k].mean(axis=0) for k in range(3)])
    cov = np.cov(X.T, bias=True) / 4
    means_a = centre + np.array([[-1.7, -1.19], [1.7, -1.19], [0.0, 2.04]])  # outward, one per cluster
    means_b = np.array([centre[0] - [0.3, 0.0], centre[0] + [0.3, 0.0], (centre[1] + centre[2]) / 2])
    starts = [GMM(np.full(3, 1 / 3), np.round(m, 2), np.repeat(cov[None], 3, axis=0)) for m in (means_a, means_b)]
    return X, starts[0], starts[1]


def start_log_likelihoods():
    """((ℓ at start A, ℓ at start B), (ℓ after EM from A, from B)), EM run to convergence (1000 iterations)."""
    from ..em import fit_em

    X, a, b = two_starts()
    fits = [fit_em(X, s, max_iter=1000, tol=0.0) for s in (a, b)]
    return tuple(float(f.history[0]) for f in fits), tuple(float(f.history[-1]) for f in fits)


# start_log_likelihoods(), to 1e-4 nats
START_LL = (-1748.0562, -1472.659)
FINAL_LL = (-960.4399, -1054.5023)
FINAL_TOLERANCE = 0.05  # nats: a run stopped at tol = 1e-8 (or fit_em's default 1e-6) per point is within 0.003
CHOICES = ("A", "B")


@exercise_check
def check_better_start(predicted, final_log_likelihoods):
    """predicted() -> "A" or "B" (before measuring); final_log_likelihoods() -> (ℓ from A, ℓ from B) at convergence."""
    ex = Exercise("better_start")
    raw = ex.answer(predicted)
    choice = raw.strip().upper() if isinstance(raw, str) else None
    if choice not in CHOICES:
        ex.fail(f'predicted() should return "A" or "B"; got {raw!r}.', "not_a_choice")
    out = ex.answer(final_log_likelihoods)
    if isinstance(out, np.ndarray) and out.shape == (2,):
        out = tuple(out)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        ex.fail(f"final_log_likelihoods() should return a pair (ℓ from A, ℓ from B); got {type(out).__name__}.",
                "not_a_pair")
    got = np.array([ex.number(v, "each final log-likelihood") for v in out])
    want = np.array(FINAL_LL)
    if not ex.holds(np.allclose(got, want, atol=FINAL_TOLERANCE)):
        wrong = [
            (want[::-1], "your two numbers are swapped: return (ℓ from A, ℓ from B)", "swapped"),
            (np.array(START_LL), "those are the log-likelihoods of the starts, before any iteration; run EM from "
             "each start and report where it ends", "start_values"),
            (want / 300, "those are per point; give the total log-likelihood over the 300 points (nats)", "per_point"),
        ]
        ex.name_mistake(got, wrong, f"your values {np.round(got, 3).tolist()}", rtol=0, atol=FINAL_TOLERANCE)
        if np.all(got < want + FINAL_TOLERANCE) and np.all(got > want - 10):
            ex.fail(f"your values {np.round(got, 3).tolist()} are below where EM ends from these starts "
                    f"({np.round(want, 3).tolist()}): the run stopped before it converged. From B EM "
                    "needs over 100 iterations; use the task's settings, tol=1e-8 and max_iter=1000.",
                    "stopped_early")
        ex.fail(f"your values {np.round(got, 3).tolist()} are not the log-likelihoods EM reaches from starts A and B "
                f"({np.round(want, 3).tolist()} nats).", "measure_wrong")
    better = CHOICES[int(np.argmax(want))]
    ex.expect(
        choice == better,
        f"you predicted {choice}, but EM from A ends at {want[0]:.2f} nats and from B at {want[1]:.2f}, although B "
        f"starts {START_LL[1] - START_LL[0]:.0f} nats higher. A has one mean in each cluster, so each component "
        "only has to slide to its cluster's centre; B has two means in one cluster and one between the other two, "
        "and EM stops there: one wide component covers two clusters while two share the third. EM climbs the hill "
        "it starts on; how high the start is does not say which hill (lesson 07, section 9).",
        "prediction_wrong",
    )
    ex.passed(f"start {better} ends {abs(want[1] - want[0]):.2f} nats higher, though it starts "
              f"{abs(START_LL[1] - START_LL[0]):.0f} nats lower")


# ---------------------------------------------------------------- the mistakes, as data

_CHOOSE = "5. Which covariance type"
_TABLE = "1. The course in one table"
_EM = "2. EM for a Gaussian mixture in about twenty lines"
_PITFALLS = "6. Common pitfalls"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/14_cheat_sheet that explains it (tests/test_mistakes_lesson14.py makes each)
MISTAKES = {
    **{f"covariance_types.{key}": _CHOOSE for key in (
        "not_a_dict", "not_a_type", "a_full", "a_diag", "a_spherical", "b_full", "b_spherical", "b_tied")},
    **{f"free_parameters.{key}": _TABLE for key in (
        "uses_reference", "not_a_number", "not_finite", "weights_all_free", "bernoulli_two_per_pixel",
        "no_means", "not_symmetric", "tied_per_component", "wrong_count")},
    **{f"em_fixed.{key}": _EM for key in (
        "uses_reference", "not_four", "history_length", "not_an_array", "wrong_shape", "nan", "no_reg_covar",
        "weights_not_divided", "wrong_weights", "wrong_means", "wrong_covariances", "wrong_history")},
    "em_fixed.normalised_over_points": _PITFALLS,
    "em_fixed.raw_moments": _PITFALLS,
    **{f"better_start.{key}": _PITFALLS for key in (
        "not_a_choice", "not_a_pair", "not_a_number", "not_finite", "swapped", "start_values", "per_point",
        "stopped_early", "measure_wrong", "prediction_wrong")},
}
