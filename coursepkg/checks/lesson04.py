"""Checks for the exercises of lesson 04 (Jensen's inequality and the lower bound).

Jensen's inequality itself is checked on plain numbers (the gap, a case where it vanishes, and the
weight at which it is largest, derived by the student and compared with the root of the gap's derivative
found by scipy, also on pairs so close that a numerical search on the gap misses the top). The bound and
its KL gap are compared with an independent log-space computation, and the identity
log p(X) = L(q, theta) + KL(q || posterior) is verified on the student's own functions; the monotonicity
chain of one EM iteration is checked term by term. The mixture GMM3 (notebook: checks.GMM3) and ZERO_W,
with a component of weight 0, come from `_core.data`.

A coursepkg function that computes what an exercise asks for is refused when the student's function names
it (`refers`, as `forbid` does) and also when it imports it inside the function: during the call the module
attribute raises (`_tripwires`), and the failure text it leaves is turned into the same refusal.

Every failure carries a mistake id `<check>.<key>`; MISTAKES at the end lists them with the section of
notebooks/04_jensen_lower_bound that explains each.
"""

import contextlib
import inspect
import re

import numpy as np
from scipy.optimize import brentq
from scipy.special import logsumexp

from .. import em, mixture
from ..em import e_step, em_iteration, lower_bound, m_step
from ..mixture import GMM, expected_complete_log_likelihood, log_density, log_likelihood, sample, weighted_log_prob
from ._core import GMM3, ZERO_W, CheckFailed, Exercise, cases_for, exercise_check
from ._core.channel import reference_name, refers


def _log_post(X, gmm):
    a = weighted_log_prob(X, gmm)
    return a - logsumexp(a, axis=1, keepdims=True)


def _number(ex, raw, what, nan_message, nan_key):
    """ex.number, but a NaN fails with the exercise's own explanation and key."""
    try:
        x = float(raw)
    except (TypeError, ValueError):
        x = None
    if x is not None and np.isnan(x):
        ex.fail(nan_message, nan_key)
    return ex.number(raw, what)


# ---------------------------------------------------------------- refusing the references


class ReferenceCalled(Exception):
    """What a coursepkg reference raises when the student's function calls it during a check."""


_TRIPPED = re.compile(r"raised ReferenceCalled: (\S+)")


@contextlib.contextmanager
def _tripwires(references):
    """While the student's function runs, each coursepkg function of `references` raises ReferenceCalled.

    `refers` (forbid's look at the code) sees the names the function finds among its notebook's globals;
    an import inside the function (`from coursepkg.em import lower_bound`, `import coursepkg.em`) reaches
    the module attribute at call time instead, and that attribute is what this replaces for the call. A
    call from coursepkg itself (log_density calling weighted_log_prob) goes through to the function.
    The kernel records the exception as the student's; `_call` turns that text into the refusal, the
    same in the kernel and in the grader's judge.
    """
    import coursepkg

    saved = []
    for ref in references:

        def tripped(*args, _ref=ref, **kwargs):
            caller = inspect.currentframe().f_back.f_globals.get("__name__", "")
            if caller == "coursepkg" or caller.startswith("coursepkg."):  # coursepkg's own use (log_density's)
                return _ref(*args, **kwargs)
            raise ReferenceCalled(reference_name(_ref))

        for module in (coursepkg, em, mixture):
            for attr, obj in list(vars(module).items()):
                if obj is ref:
                    saved.append((module, attr, obj))
                    setattr(module, attr, tripped)
    try:
        yield
    finally:
        for module, attr, obj in reversed(saved):
            setattr(module, attr, obj)


def _refuse(ex, student, refusals):
    """Fail if the student's function names one of the references (refusals: [(references, message, key)])."""
    found = refers(ex, student, [ref for refs, _, _ in refusals for ref in refs])
    if found:
        _refusal(ex, found, refusals)


def _refusal(ex, found, refusals):
    for refs, message, key in refusals:
        if found in [reference_name(ref) for ref in refs]:
            ex.fail(message.format(name=found), key)


def _call(ex, student, refusals, *args, case):
    """ex.call, with every reference of `refusals` refused also when the function imports it at call time."""
    try:
        with _tripwires([ref for refs, _, _ in refusals for ref in refs]):
            return ex.call(student, *args, case=case)
    except CheckFailed as failure:
        tripped = _TRIPPED.search(str(failure))
        if tripped is None:
            raise
        _refusal(ex, tripped[1].rstrip("."), refusals)
        raise


# ---------------------------------------------------------------- exercise 1: the Jensen gap


def _gap(w, x):
    """log(sum w x) - sum w log x over the entries with w > 0 (plain NumPy)."""
    w, x = np.asarray(w, float), np.asarray(x, float)
    pos = w > 0
    return float(np.log(np.sum(w[pos] * x[pos])) - np.sum(w[pos] * np.log(x[pos])))


def _jensen_cases(hidden):
    w3, x3 = np.array([0.2, 0.5, 0.3]), np.array([0.6, 2.0, 6.0])
    visible = [
        (np.array([0.5, 0.5]), np.array([1.0, 4.0]), "w = (0.5, 0.5), x = (1, 4)"),
        (w3, x3, "w = (0.2, 0.5, 0.3), x = (0.6, 2, 6)"),
        (np.array([0.5, 0.5, 0.0]), np.array([1.0, 4.0, 0.0]), "a value x = 0 with weight 0"),
    ]
    hidden_extra = [
        (np.array([0.3, 0.7]), np.array([2.0, 2.0]), "two equal values"),
        (np.array([1.0]), np.array([5.0]), "a single value"),
        (w3, x3 * 1e6, "the values of the second case times 10^6"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_jensen_gap(student, hidden=False):
    """jensen_gap(w, x) -> log(sum_i w_i x_i) - sum_i w_i log x_i, entries with w_i = 0 left out."""
    ex = Exercise("jensen_gap")
    for w, x, case in _jensen_cases(hidden):
        got = _number(
            ex,
            ex.call(student, w, x, case=case),
            f"your gap on {case}",
            f"on {case} your gap is NaN: the value 0 has weight 0, and 0 * log 0 = 0 * (-inf) is NaN in floating "
            "point. A value with weight 0 does not take part in either average: leave it out.",
            "nan_zero_weight",
        )
        want = _gap(w, x)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-12):
            continue
        pos = w > 0
        wrong = [
            (-want, "the sign is flipped: the gap is the log of the average minus the average of the logs", "sign"),
            (
                float(np.log(np.mean(x[pos])) - np.mean(np.log(x[pos]))),
                "you averaged without the weights: both averages are weighted by w",
                "unweighted",
            ),
            (want / np.log(2), "use the natural logarithm, not log base 2", "log_base"),
            (want / np.log(10), "use the natural logarithm, not log base 10", "log_base"),
        ]
        ex.name_mistake(got, wrong, f"on {case} your gap is {got:.6g}", rtol=1e-9, atol=1e-12)
        ex.fail(f"on {case} your gap is {got:.6g}; log(sum w x) - sum w log x is {want:.6g}.")
    ex.passed("including a value with weight 0" + (" and equal values (gap 0)" if hidden else ""))


@exercise_check
def check_zero_gap(answer):
    """zero_gap_case() -> (w, x): weights and at least two distinct positive values whose Jensen gap is 0."""
    ex = Exercise("zero_gap_case")
    value = ex.answer(answer, case="your example")
    if not (isinstance(value, tuple | list) and len(value) == 2):
        ex.fail(f"return a pair (w, x) of two arrays; got {type(value).__name__}.", "not_a_pair")
    try:
        w, x = (np.asarray(v, dtype=float) for v in value)
    except (TypeError, ValueError):
        ex.fail("w and x should be arrays of numbers.", "not_a_pair")
    if not (w.ndim == 1 and w.shape == x.shape and len(w) >= 2):
        ex.fail(
            f"w and x should be 1-D arrays of the same length, at least 2; got shapes {w.shape} and {x.shape}.",
            "shape_mismatch",
        )
    ex.expect(np.all(np.isfinite(w)) and np.all(np.isfinite(x)), "w and x should hold finite numbers.", "not_finite")
    ex.expect(np.all(w >= 0), f"weights are never negative; yours are {w}.", "negative_weight")
    ex.expect(abs(w.sum() - 1) < 1e-9, f"the weights should sum to 1; yours sum to {w.sum():.6g}.", "not_normalised")
    ex.expect(np.all(x > 0), f"the log needs positive values; yours are {x}.", "x_not_positive")
    ex.expect(
        len(np.unique(x)) >= 2,
        f"all your values are equal ({x[0]:g}): that case is too easy. Use at least two distinct values and "
        "find weights that still give a gap of 0.",
        "all_equal",
    )
    pos = w > 0
    used = np.unique(x[pos])
    gap = _small_gap(w, x)
    if len(used) > 1:
        ex.expect(
            np.ptp(used) > 1e-6 * np.max(used),
            f"your values with positive weight, {_values(used)}, differ only by {np.ptp(used):.1e}: the gap is "
            f"not 0 but about {gap:.1e}, a number rounding hides. The log is strictly concave: which values must agree "
            "exactly for the chord's point to lie on the curve?",
            "nearly_equal",
        )
    ex.expect(
        len(used) == 1,
        f"the gap of your example is {gap:.4g}, not 0: your values with positive weight are "
        f"{_values(used)}. The log is strictly concave: when is the chord's point on the curve?",
        "gap_positive",
    )
    others = np.unique(x[~pos])
    ex.expect(
        np.max(np.abs(others - used[0])) > 1e-6 * used[0],
        f"your values {_values(np.unique(x))} differ only by {np.ptp(x):.1e}, a rounding error rather than a distinct "
        "value: choose values that are clearly different.",
        "not_clearly_distinct",
    )
    ex.passed(
        f"all the weight sits on the value {used[0]:.6g}; the values with weight 0, {_values(others, 6)}, take "
        "no part in either average, so the gap is exactly 0"
    )


def _values(v, digits=15):
    return "(" + ", ".join(f"{float(e):.{digits}g}" for e in v) + ")"


def _small_gap(w, x):
    """The Jensen gap, accurate also for nearly equal values: -sum w (log1p(d) - d), d = (x - m) / m."""
    pos = w > 0
    w, x = w[pos], x[pos]
    m = np.sum(w * x)
    d = (x - m) / m
    return float(max(-np.sum(w * (np.log1p(d) - d)), 0.0))


# ---------------------------------------------------------------- exercise 2: where the gap is largest


def _two_point_gap(w, a, b):
    return np.log(w * a + (1 - w) * b) - w * np.log(a) - (1 - w) * np.log(b)


def _argmax_gap(a, b):
    """The weight of a that maximises the two-point gap: the root of its derivative in w, by scipy's brentq.

    The derivative (a - b) / (w a + (1 - w) b) - log(a / b) falls from + to - on [0, 1]; its root is
    accurate to rounding even where the gap itself is too flat near its top for a search on the gap.
    """
    slope = lambda w: (a - b) / (w * a + (1 - w) * b) - np.log(a / b)  # noqa: E731
    return float(brentq(slope, 0.0, 1.0, xtol=1e-15))


def _weight_from_mean(m, a, b):
    """The weight w of a with w a + (1 - w) b = m."""
    return (m - b) / (a - b)


# the last two: a and b a thousandth apart, where the gap is so flat near its top (its curvature is about
# ((a - b) / b)^2 / 2 = 5e-7) that a numerical search on the gap lands 1e-6 to 3e-5 away from the maximiser
WORST_CASES = [(1.0, 4.0), (4.0, 1.0), (0.5, 6.0), (1.001, 1.0), (3.0, 3.003)]
WORST_HIDDEN = [(0.01, 1.0), (10.0, 10.5), (3.0, 300.0)]


@exercise_check
def check_worst_weight(student, hidden=False):
    """worst_weight(a, b) -> the weight w of a at which log(w a + (1-w) b) - w log a - (1-w) log b is largest."""
    ex = Exercise("worst_weight")
    for a, b in cases_for(WORST_CASES, WORST_HIDDEN, hidden):
        case = f"a = {a:g}, b = {b:g}"
        got = ex.number(ex.call(student, a, b, case=case), f"your weight for {case}")
        want = _argmax_gap(a, b)
        if ex.agrees(got, want, rtol=0, atol=1e-6):
            continue
        ex.expect(
            abs(got - want) > 3e-5,
            f"for {case} your weight {got:.8g} is {abs(got - want):.1e} from the maximiser {want:.8g}: close, "
            "but not on it. Near its top the gap is flat, so a numerical search on it stops short (within its "
            "tolerance, or where rounding hides the difference); a closed form does not. Differentiate the gap "
            "with respect to w, set the derivative to zero, and solve for w.",
            "inexact",
        )
        log_mean = (a - b) / np.log(a / b)
        wrong = [
            (0.5, "the gap is not symmetric in w: the log bends more near the smaller value", "half"),
            (1 - want, "that is the weight of b; the question asks for the weight w of a", "other_weight"),
            (
                _weight_from_mean(np.sqrt(a * b), a, b),
                "you put the mean at the geometric mean sqrt(a b); set the derivative of the gap in w to zero and "
                "solve for the mean w a + (1 - w) b",
                "geometric_mean",
            ),
            (
                _weight_from_mean(-log_mean, a, b),
                "a sign slipped: at the maximum the mean w a + (1 - w) b equals (a - b) / (log a - log b), "
                "which is positive",
                "sign",
            ),
            (
                _weight_from_mean((a - b) / np.log10(a / b), a, b),
                "the derivative of log is 1/x for the natural log; you used log base 10",
                "log_base",
            ),
            (
                _weight_from_mean((a - b) / np.log2(a / b), a, b),
                "the derivative of log is 1/x for the natural log; you used log base 2",
                "log_base",
            ),
        ]
        ex.name_mistake(got, wrong, f"for {case} your weight {got:.6g}", rtol=0, atol=1e-4)
        ex.expect(
            0 <= got <= 1,
            f"for {case} your weight is {got:.6g}, outside [0, 1]: a weight is a probability.",
            "outside_unit",
        )
        ex.fail(
            f"for {case} your weight is {got:.6g}; the gap is largest at w = {want:.6g} (found numerically). "
            "Differentiate the gap with respect to w, set it to zero, and solve for w."
        )
    ex.passed(
        "your closed form hits the maximiser, also where a and b are a thousandth apart"
        + (", on eight pairs (a, b)" if hidden else "")
    )


# ---------------------------------------------------------------- exercise 3: the lower bound


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

_BOUND_REFUSALS = [
    (
        [lower_bound, expected_complete_log_likelihood, weighted_log_prob],
        "your function calls {name}, which computes what this exercise asks you to build yourself: the table "
        "a_nk from log_pdf and log pi_k, then the bound from a_nk and q with numpy.",
        "uses_reference",
    )
]


@exercise_check
def check_lower_bound(student, hidden=False):
    """lower_bound(X, q, gmm) -> sum_n sum_k q_nk [log pi_k + log N(x_n | mu_k, Sigma_k) - log q_nk]."""
    ex = Exercise("lower_bound")
    _refuse(ex, student, _BOUND_REFUSALS)
    for X, q, gmm, case in _cases(hidden):
        raw = _call(ex, student, _BOUND_REFUSALS, X, q, gmm, case=case)
        got = _number(ex, raw, "your bound", f"on {case} your bound {_NAN_0LOG0}", "nan_0log0")
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
            (Q, "you forgot the entropy term -sum q log q; without it this is Q of lesson 03", "no_entropy"),
            (Q - ent, "the entropy term has the wrong sign: L = sum q (log p(x, z) - log q)", "entropy_sign"),
            (
                want - float(np.sum((q * np.where(np.isfinite(logw), logw, 0.0))[pos])),
                "you forgot log pi_k",
                "no_log_weights",
            ),
            (
                float(log_density(X, gmm).sum()),
                "that is log p(X) itself: Jensen puts the log inside the sum over k, "
                "L = sum_k q_k log(p(x, k) / q_k), not log sum_k q_k p(x, k) / q_k",
                "log_p_itself",
            ),
            (
                float(np.sum(q[pos] * (np.exp(a[pos]) - np.log(q[pos])))),
                "you used the density p(x, z) where its log goes",
                "density_not_log",
            ),
            (want / len(X), "you averaged over points; the bound is a sum", "averaged"),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-9, atol=1e-9)
        ex.fail(f"on {case} your bound is {got:.6g}; the reference is {want:.6g}.")
    ex.passed("including one-hot q and a zero-weight component (0 log 0 = 0)")


# ---------------------------------------------------------------- exercise 4: the KL gap

_FAR = "points 1000 units from every mean"

_KL_REFUSALS = [
    (
        [log_likelihood, lower_bound],
        "your function calls {name}: that gets the gap by subtraction, log p(X) - L, and makes the identity "
        "log p(X) = L + KL, which the check tests with your lower_bound, hold by construction. Compute the KL "
        "itself: sum_k q_nk (log q_nk - log p(k | x_n)), with the log-posterior from the table a_nk.",
        "by_subtraction",
    ),
    (
        [e_step, em_iteration, weighted_log_prob, log_density],
        "your function calls {name}; the posterior (and the table a_nk it comes from) is what this exercise "
        "asks you to compute: build a_nk from log_pdf and log pi_k as in exercise 4, then the log-posterior "
        "from a_nk, in log space.",
        "uses_reference",
    ),
]


@exercise_check
def check_kl_gap(student, student_lower_bound=None, hidden=False):
    """kl_gap(X, q, gmm) -> sum_n KL(q_n || p(z_n | x_n)); with student_lower_bound, verifies log p = L + KL."""
    ex = Exercise("kl_gap")
    _refuse(ex, student, _KL_REFUSALS)
    both = ex.given(student_lower_bound)
    worst = 0.0
    cases = _cases(hidden)
    cases.append((cases[0][0] + 1000.0, cases[0][1], GMM3, _FAR))  # last, always
    for X, q, gmm, case in cases:
        if case == _FAR:
            nan_message = (
                f"on {case} your gap is NaN: there every p(x, k) underflows to 0 and the posterior p(x, k) / p(x) "
                "is 0/0. Compute the log-posterior in log space: log p(k | x) = a_k - logsumexp_j a_j."
            )
            nan_key = "underflow"
        else:
            nan_message, nan_key = f"on {case} your gap {_NAN_0LOG0}", "nan_0log0"
        got = _number(ex, _call(ex, student, _KL_REFUSALS, X, q, gmm, case=case), "your gap", nan_message, nan_key)
        want = _kl(X, q, gmm)
        if not ex.agrees(got, want, rtol=1e-8, atol=1e-8):
            post = np.exp(_log_post(X, gmm))
            a = weighted_log_prob(X, gmm)
            pos = q > 0
            with np.errstate(divide="ignore", invalid="ignore"):
                reverse = float(np.sum(post * (np.log(post) - np.log(q))))
                over_points = a - logsumexp(a, axis=0, keepdims=True)  # each component's column sums to 1
                col_max = np.max(a, axis=0, keepdims=True)  # the log-sum-exp shifted by each column's largest
                col_shift = a - (col_max + np.log(np.sum(np.exp(a - col_max), axis=1, keepdims=True)))
            wrong = [
                (
                    reverse,
                    "you computed KL(posterior || q); the gap is KL(q || posterior) = sum_k q_k log(q_k / p_k)",
                    "reverse_kl",
                ),
                (-want, "the sign is flipped: KL(q || p) = sum q log(q / p) >= 0", "sign"),
                (
                    float(np.sum(q[pos] * (np.log(q[pos]) - a[pos]))),
                    "you used the joint p(x, z) instead of the "
                    "posterior p(z | x) = p(x, z) / p(x); what you computed is -L",
                    "joint_not_posterior",
                ),
                (want / len(X), "you averaged over points; the gap is a sum over points", "averaged"),
                (
                    float(np.sum(q[pos] * (np.log(q[pos]) - over_points[pos]))),
                    "you normalised the posterior over the points (axis 0): each point's posterior p(k | x_n) "
                    "is a distribution over the components, so log p(x_n) is the log-sum-exp of row n of a_nk "
                    "(over axis 1)",
                    "wrong_axis",
                ),
                (
                    float(np.sum(q[pos] * (np.log(q[pos]) - col_shift[pos]))),
                    "your log-sum-exp shifts by the largest a_nk of each column (over the points, axis 0); the "
                    "shift cancels only if it is the same for every term of one sum: use the largest a_nk of "
                    "row n, over the components",
                    "shift_axis",
                ),
            ]
            ex.name_mistake(got, wrong, f"on {case}", rtol=1e-8, atol=1e-8)
            ex.fail(f"on {case} your gap is {got:.6g}; the reference is {want:.6g}.")
        if both:
            L = ex.number(ex.call(student_lower_bound, X, q, gmm, case=case), "your lower bound")
            resid = abs(float(log_density(X, gmm).sum()) - (L + got))
            ex.expect(
                resid < 1e-8 * max(1.0, abs(L)),
                f"on {case} log p(X) - (L + KL) = {resid:.3g}, not 0: check your lower_bound and kl_gap together.",
                "identity",
            )
            worst = max(worst, resid)
    detail = "including far points"
    if both:
        detail += f"; log p(X) = L + KL with your two functions, largest residual {worst:.1e}"
    ex.passed(detail)


# ---------------------------------------------------------------- exercise 5: the chain of one EM iteration


def _chain_cases(hidden):
    rng = np.random.default_rng(406)
    X, _ = sample(GMM3, 60, rng)
    poor = GMM(np.ones(3) / 3, np.array([[1.0, 1.0], [1.5, 1.5], [2.0, 2.0]]), np.repeat(4 * np.eye(2)[None], 3, 0))
    later = poor
    for _ in range(15):
        later = m_step(X, e_step(X, later)[0], reg_covar=0.0)
    x1 = X[:, :1]
    visible = [(X, poor, "a poor start (three means on a diagonal)"), (X, later, "the same run after 15 iterations")]
    hidden_extra = [
        (X, GMM(np.ones(1), np.array([[1.0, 1.0]]), 4 * np.eye(2)[None]), "k = 1"),
        (x1, GMM(np.array([0.5, 0.5]), np.array([[-1.0], [5.0]]), np.array([[[2.0]], [[2.0]]])), "d = 1"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _chain(X, gmm, reg_covar=0.0):
    """(ell_old, L(r, theta_old), L(r, theta_new), ell_new) and the bound with the new posterior."""
    a = weighted_log_prob(X, gmm)
    r = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    new = m_step(X, r, reg_covar=reg_covar)
    return float(logsumexp(a, axis=1).sum()), _bound(X, r, gmm), _bound(X, r, new), log_likelihood(X, new)


_TERMS = ("ell_old", "L_old", "L_new", "ell_new")

_CHAIN_REFUSALS = [
    (
        [lower_bound],
        "your function (or a function of yours that it calls) calls {name}; the chain is about your own "
        "bound: compute both bounds with your lower_bound of exercise 4, written with numpy.",
        "uses_reference",
    )
]


@exercise_check
def check_em_chain(student, hidden=False):
    """em_chain(X, gmm) -> (ell_old, L_old, L_new, ell_new) for one E-step and one M-step (reg_covar=0) from gmm."""
    ex = Exercise("em_chain")
    _refuse(ex, student, _CHAIN_REFUSALS)
    rises = []
    for X, gmm, case in _chain_cases(hidden):
        out = _call(ex, student, _CHAIN_REFUSALS, X, gmm, case=case)
        if not (isinstance(out, tuple | list) and len(out) == 4):
            ex.fail(f"return the four numbers (ell_old, L_old, L_new, ell_new); got {type(out).__name__}.", "not_four")
        got = np.array([ex.number(v, f"your {name} on {case}") for v, name in zip(out, _TERMS, strict=True)])
        want = np.array(_chain(X, gmm))
        if ex.agrees(got, want, rtol=1e-9, atol=1e-7):
            rises.append((want[2] - want[1], want[3] - want[2]))
            continue
        lead = f"on {case}"
        ex.name_mistake(
            got,
            [
                (
                    want[::-1],
                    "your terms come in reverse order; the expected order is (ell_old, L_old, L_new, ell_new), "
                    "the chain read from right to left",
                    "reversed",
                ),
                (want / len(X), "your terms are per point; use the totals over the N points", "per_point"),
            ],
            lead,
            rtol=1e-9,
            atol=1e-7,
        )
        reg = np.array(_chain(X, gmm, reg_covar=1e-6))
        new = m_step(X, np.exp(_log_post(X, gmm)), reg_covar=0.0)
        L_new_post = _bound(X, np.exp(_log_post(X, new)), new)
        close = np.isclose(got, want, rtol=1e-9, atol=1e-7)
        if not close[0]:
            ex.fail(f"{lead} your ell_old is {got[0]:.8g}; log p(X | theta_old) is {want[0]:.8g}.", "ell_old_wrong")
        if not close[1]:
            ex.fail(
                f"{lead} your L_old is {got[1]:.8g}, not ell_old = {want[0]:.8g}: after the E-step q is the "
                "posterior at theta_old, and there the bound touches the log-likelihood (link (c)).",
                "bound_old_wrong",
            )
        if np.allclose(got[2:], reg[2:], rtol=1e-9, atol=1e-7):
            ex.fail(
                f"{lead} your theta_new comes from an M-step with reg_covar = 1e-6; the chain is about the exact "
                "maximiser of L(q, theta), so call the M-step with reg_covar=0.",
                "reg_covar",
            )
        if not close[2]:
            if np.isclose(got[2], L_new_post, rtol=1e-9, atol=1e-7):
                ex.fail(
                    f"{lead} your L_new equals ell_new: you evaluated the bound at theta_new with the posterior at "
                    "theta_new. Link (b) keeps q fixed at the E-step's q (the posterior at theta_old) and moves only "
                    "theta.",
                    "bound_new_new_q",
                )
            if np.isclose(got[2], want[1], rtol=1e-9, atol=1e-7):
                ex.fail(
                    f"{lead} your L_new equals L_old: you evaluated the bound at theta_old. Link (b) compares "
                    "the bound of the same q at the two parameter values: put the M-step's mixture into L_new.",
                    "bound_new_at_old",
                )
            ex.fail(
                f"{lead} your L_new is {got[2]:.8g}; L(q, theta_new) with q from the E-step is {want[2]:.8g}.",
                "bound_new_wrong",
            )
        if np.isclose(got[3], want[0], rtol=1e-9, atol=1e-7):
            ex.fail(
                f"{lead} your ell_new equals ell_old: you evaluated the log-likelihood at theta_old. ell_new is "
                "log p(X | theta_new), at the mixture the M-step returned.",
                "ell_new_at_old",
            )
        ex.fail(f"{lead} your ell_new is {got[3]:.8g}; log p(X | theta_new) is {want[3]:.8g}.", "ell_new_wrong")
    climb, reopen = rises[0]
    ex.passed(
        f"ell_new >= L_new >= L_old = ell_old on every case; from the poor start the bound climbed {climb:.2f} "
        f"nats and the gap reopened by {reopen:.2f}"
    )


# ---------------------------------------------------------------- the mistakes, as data

_JENSEN = "1. Jensen's inequality: the log of an average beats the average of the logs"
_BOUND = "2. From Jensen to a lower bound on the log-likelihood"
_KL = "3. The gap is a KL divergence"
_UP = "Why the log-likelihood can only go up"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/04_jensen_lower_bound that explains it (tests/test_mistakes_lesson04.py makes each)
MISTAKES = {
    **{
        f"jensen_gap.{key}": _JENSEN
        for key in ("nan_zero_weight", "sign", "unweighted", "log_base", "not_a_number", "not_finite", "wrong_value")
    },
    **{
        f"zero_gap_case.{key}": _JENSEN
        for key in (
            "not_a_pair",
            "shape_mismatch",
            "not_finite",
            "negative_weight",
            "not_normalised",
            "x_not_positive",
            "all_equal",
            "nearly_equal",
            "gap_positive",
            "not_clearly_distinct",
        )
    },
    **{
        f"worst_weight.{key}": _JENSEN
        for key in (
            "half",
            "other_weight",
            "geometric_mean",
            "sign",
            "log_base",
            "outside_unit",
            "inexact",
            "not_a_number",
            "not_finite",
            "wrong_value",
        )
    },
    **{
        f"lower_bound.{key}": _BOUND
        for key in (
            "uses_reference",
            "nan_0log0",
            "not_a_number",
            "not_finite",
            "no_entropy",
            "entropy_sign",
            "no_log_weights",
            "log_p_itself",
            "density_not_log",
            "averaged",
            "wrong_value",
        )
    },
    **{
        f"kl_gap.{key}": _KL
        for key in (
            "uses_reference",
            "nan_0log0",
            "not_a_number",
            "not_finite",
            "reverse_kl",
            "sign",
            "joint_not_posterior",
            "averaged",
            "wrong_axis",
            "shift_axis",
            "by_subtraction",
            "identity",
            "wrong_value",
        )
    },
    "kl_gap.underflow": _KL,
    **{
        f"em_chain.{key}": _UP
        for key in (
            "uses_reference",
            "not_four",
            "not_a_number",
            "not_finite",
            "reversed",
            "per_point",
            "ell_old_wrong",
            "bound_old_wrong",
            "reg_covar",
            "bound_new_new_q",
            "bound_new_at_old",
            "bound_new_wrong",
            "ell_new_at_old",
            "ell_new_wrong",
        )
    },
}
