"""Checks for the exercises of lesson 08 (k-means as a limit of EM).

The references are independent numpy computations (and `coursepkg.kmeans` for
the k-means labels); a mismatch is explained by comparing with the usual wrong
versions: the exponent without the 1/2, the wrong sign, no max-subtraction
(NaN at large beta) or shifting them the wrong way (inf/inf), sums instead of means, a
norm that is not squared. The soft responsibilities are judged by `_core.soft_assign`, shared
with lesson 01's soft_assign; the lesson-08 diagnoses (overflow, the reference reached through an
import inside the function) come before it, in `check_soft_responsibilities`.

Exercise 5 and 6 are predictions: the prediction is judged against the cloud's description (5) or the
measurement the student made (6), and its failure message names the wrong reasoning, never the number.
"""

import numpy as np

from ._core import (
    CheckFailed,
    Exercise,
    SoftAssignWords,
    answer_value,
    cases_for,
    exercise_check,
    forbid,
    judge_soft_assignment,
    nonfinite_of_shape,
    softmax_rows,
    sqdist,
)

# ---------------------------------------------------------------- data

_TRUE = np.array([[0.0, 0.0], [4.0, 0.5], [1.5, 3.8]])


def _blobs():
    rng = np.random.default_rng(808)  # a generator of its own: no module-level state a later call could consume
    return np.concatenate([c + rng.normal(scale=0.8, size=(25, 2)) for c in _TRUE])


X_C = _blobs()
CENTERS_C = np.array([[0.5, 0.5], [3.0, 1.0], [1.0, 3.0]])


def reference_soft(X, centers, beta):
    return softmax_rows(-0.5 * beta * sqdist(X, centers))


# ---------------------------------------------------------------- exercise 1: soft responsibilities

SOFT_RESPONSIBILITY_WORDS = SoftAssignWords(
    table="your responsibilities on {case}",
    nan=(
        "on {case} your responsibilities contain NaN: exp(-beta/2 d^2) underflows to 0 for every centre "
        "and the ratio is 0/0. Subtract each row's largest logit (the smallest beta/2 d^2) before "
        "exponentiating; the softmax does not change."
    ),
    rows_over_points=(
        "on {case} your columns sum to 1, not your rows: you normalised over points (axis=0) "
        "instead of over centres (axis=1)."
    ),
    rows_other="on {case} the rows of your responsibilities sum to {sums}, not 1.",
    differs="on {case} your responsibilities differ from softmax_k(-beta/2 ||x_n - mu_k||^2)",
    mistake_order=("no_half", "sign", "sqrt", "inverse_beta", "one_hot"),
    mistake_words={
        "no_half": "you forgot the 1/2: the exponent is -beta/2 ||x - mu||^2 (Sigma = I / beta)",
        "sign": "the sign is flipped: the nearest centre must get the largest weight",
        "sqrt": "use the squared distance in the exponent",
    },
)

_OVERFLOW = (
    "on {case} your responsibilities contain NaN, and in the same rows finite entries: an exponential "
    "overflowed to inf and the ratio became inf/inf. You shifted the logits the wrong way: subtracting the "
    "row's smallest logit (its largest squared distance) makes every other logit large and positive. Take "
    "out the number that makes the largest logit of each row 0, so that every exponent is at most 0."
)


def _overflowed(raw, n, k):
    """Whether a (n, k) table with NaN shows overflow (inf, or NaN beside finite entries in a row), not 0/0."""
    table = nonfinite_of_shape(raw, (n, k))
    if table is None:
        return False
    nan_rows = np.isnan(table).any(axis=1)
    return bool(np.isinf(table).any() or np.any(nan_rows & np.isfinite(table).any(axis=1)))


def _soft_forbidden():
    # the reference and the package's softmax (the stable softmax is the task);
    # scipy.special.softmax would do the whole exercise in one call
    from scipy import special

    from .. import kmeans, logspace

    return [
        kmeans.soft_responsibilities,
        kmeans.soft_kmeans,
        logspace.softmax_rows,
        special.softmax,
    ]


@exercise_check
def check_soft_responsibilities(student_soft, hidden=False):
    """soft_responsibilities(X, centers, beta) -> (n, k): softmax over k of -beta/2 ||x_n - mu_k||^2."""
    ex = Exercise("soft_responsibilities")
    forbid(ex, student_soft, _soft_forbidden())
    rng = np.random.default_rng(3)
    X5, C5 = rng.normal(size=(30, 5)), rng.normal(size=(4, 5))
    visible = [
        (X_C, CENTERS_C, 1.0, "beta = 1"),
        (X_C, CENTERS_C, 0.0, "beta = 0 (every responsibility 1/k)"),
        (X_C, CENTERS_C, 1e6, "beta = 10^6"),
    ]
    hidden_extra = [
        (X5, C5, 2.5, "5-D data, beta = 2.5"),
        (X_C[:1], CENTERS_C, 3.0, "a single point"),
        (X_C, CENTERS_C[:1], 3.0, "k = 1"),
        (X_C + 500.0, CENTERS_C, 1.0, "points 500 units from every centre, beta = 1"),
    ]
    for X, centers, beta, case in cases_for(visible, hidden_extra, hidden):
        try:
            raw = ex.call(student_soft, X, centers, beta, case=case)
        except CheckFailed as exc:
            # an import inside the function escapes forbid; coursepkg's own function refuses beta = 0
            if (
                exc.mistake == "soft_responsibilities.raised"
                and "beta must be positive" in str(exc)
                and ("raised inside coursepkg" in str(exc))
            ):
                ex.fail(
                    f"on {case} your function stopped inside coursepkg, which refused beta = 0: it calls "
                    "coursepkg's soft_responsibilities (or soft_kmeans), the reference this exercise asks you to "
                    "write yourself. Use numpy and the formula in the task instead; beta = 0 is a valid stiffness "
                    "here (every responsibility 1/k).",
                    "uses_reference",
                )
            raise
        if _overflowed(raw, len(X), len(centers)):
            ex.fail(_OVERFLOW.format(case=case), "overflow")
        judge_soft_assignment(ex, raw, X, centers, beta, case, SOFT_RESPONSIBILITY_WORDS)
    ex.passed("including beta = 0 and beta = 10^6" + (", far points, k = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: one soft k-means update


@exercise_check
def check_soft_update(student_update, hidden=False):
    """soft_update(X, resp) -> centres (k, d): mu_k = sum_n r_nk x_n / sum_n r_nk."""
    from .. import em

    ex = Exercise("soft_update")
    forbid(ex, student_update, [em.m_step])
    rng = np.random.default_rng(5)
    r1 = reference_soft(X_C, CENTERS_C, 1.0)
    X4 = rng.normal(size=(20, 4))
    visible = [
        (X_C, reference_soft(X_C, CENTERS_C[:2], 1.0), "k = d = 2 (two centres in 2-D), beta = 1"),
        (X_C, r1, "soft responsibilities at beta = 1"),
        (X_C, reference_soft(X_C, CENTERS_C, 0.0), "beta = 0 (every centre becomes the data mean)"),
        (X_C, np.eye(3)[np.argmin(sqdist(X_C, CENTERS_C), axis=1)], "one-hot responsibilities (a k-means update)"),
    ]
    hidden_extra = [
        (X4, rng.dirichlet(np.ones(3), size=20), "4-D data, random responsibilities"),
        (X_C[:, :1], r1, "d = 1"),
        (X4[:, :3], rng.dirichlet(np.ones(3), size=20), "k = d = 3"),
    ]
    for X, resp, case in cases_for(visible, hidden_extra, hidden):
        n, d = X.shape
        k = resp.shape[1]
        got = ex.array(ex.call(student_update, X, resp, case=case), (k, d), f"your centres on {case}")
        nk = resp.sum(axis=0)
        sums = resp.T @ X
        want = sums / nk[:, None]
        if ex.agrees(got, want, rtol=1e-9, atol=1e-10):
            continue
        hard = np.argmax(resp, axis=1)
        wrong = [
            (sums, "your centres are the weighted sums; divide by the total responsibility N_k = sum_n r_nk", "sums"),
            (sums / n, "you divided by n instead of N_k = sum_n r_nk", "divided_by_n"),
            (
                sums / nk[None, :],
                "you divided coordinate j of every centre by N_j: with as many centres as coordinates the (k, d) "
                "sums and the k totals N_k broadcast along the coordinates without an error. Row k (centre k) "
                "must be divided by N_k",
                "divided_columns",
            ),
            (
                want.T if k == d else np.full((k, d), np.nan),
                "your centres are transposed (row j holds coordinate j of every centre); with k = d the shape "
                "cannot tell. Row k must be centre k",
                "transposed_square",
            ),
            (
                np.array([X[hard == j].mean(axis=0) if np.any(hard == j) else np.full(d, np.nan) for j in range(k)]),
                "you used hard labels (argmax); soft k-means weighs every point by r_nk",
                "hard_labels",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
        ex.close(got, want, f"on {case} your centres differ from sum_n r_nk x_n / sum_n r_nk", rtol=1e-9, atol=1e-10)
    ex.passed("including k = d, where a wrong broadcast raises no error, and one-hot responsibilities")


# ---------------------------------------------------------------- exercise 3: distance from one-hot

_FIX_EXERCISE_1 = "check that exercise 1 passes first: this function builds on your soft_responsibilities"


def _deviation_value(ex, raw, case, n, k):
    """The student's deviation as a float, with the exercise's own words for arrays and NaN."""
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.size > 1:
        if arr.shape == (n,):
            ex.fail(
                f"at {case} your deviation is an array of shape {arr.shape}, one value per point: return the "
                "largest of them, a single number.",
                "per_point",
            )
        ex.fail(f"at {case} your deviation is an array of shape {arr.shape}; return a single number.", "not_a_scalar")
    if raw is not None and arr is not None and arr.size == 1 and np.isnan(arr).all():
        ex.fail(
            f"at {case} your deviation is NaN: the responsibilities it uses contain NaN there; {_FIX_EXERCISE_1}.",
            "ex1_nan",
        )
    return ex.number(raw, f"your deviation at {case}")


@exercise_check
def check_deviation_from_one_hot(student_dev, hidden=False):
    """deviation_from_one_hot(X, centers, beta) -> max_nk |r_nk - [k = nearest centre of x_n]|."""
    ex = Exercise("deviation_from_one_hot")
    d2 = sqdist(X_C, CENTERS_C)
    hot = np.eye(3)[np.argmin(d2, axis=1)]
    for beta in cases_for([0.0, 1.0, 30.0, 1e6], [1e12, 5.0], hidden):
        case = f"beta = {beta:g}"
        raw = ex.call(student_dev, X_C, CENTERS_C, beta, case=case)
        value = _deviation_value(ex, raw, case, len(X_C), 3)
        r = softmax_rows(-0.5 * beta * d2)
        want = float(np.max(np.abs(r - hot)))
        if ex.agrees(value, want, rtol=1e-7, atol=1e-9):
            continue
        wrong = [
            (
                float(np.mean(np.abs(r - hot))),
                "you averaged; return the largest deviation (max over n and k)",
                "averaged",
            ),
            (float(np.sum(np.abs(r - hot))), "you summed; return the largest deviation (max over n and k)", "summed"),
            (
                float(np.max(np.abs(r - np.eye(3)[np.argmax(d2, axis=1)]))),
                "the one-hot row marks the nearest centre (argmin of the distance), not the farthest",
                "farthest",
            ),
            (float(np.max(r - hot)), "take the absolute value: r_nk - 1 is negative for the nearest centre", "no_abs"),
            (
                float(1 - np.max(r)),
                "that is 1 - the largest responsibility of all, the deviation of the point nearest to one-hot; "
                "return the largest deviation, max over n of 1 - r_nk* (k* the nearest centre of x_n)",
                "smallest_point",
            ),
        ]
        wrong += [
            (
                float(np.max(np.abs(table - hot))),
                f"that is the deviation of a wrong responsibility table ({what}); {_FIX_EXERCISE_1}",
                "ex1_wrong",
            )
            for what, table in (
                ("without the 1/2 in the exponent", softmax_rows(-beta * d2)),
                ("with distances instead of squared distances", softmax_rows(-0.5 * beta * np.sqrt(d2))),
            )
        ]
        ex.name_mistake(value, wrong, f"at {case}", rtol=1e-7, atol=1e-9)
        ex.fail(
            f"at {case} your deviation is {value:.6g}, the reference max |r - one-hot| is {want:.6g}. If exercise 1 "
            "does not pass yet, fix it first: this function builds on it.",
        )
    ex.passed("from 1 - 1/k at beta = 0 down to 0 at beta = 10^6")


# ---------------------------------------------------------------- exercise 4: a tie, at every beta


def _tie(beta, a, b, half=0.5, sign=1.0, transform=lambda v: v, tied=2.0):
    """r_1 for d_0^2 = d_1^2 = a and d_2^2 = b, from the softmax written out (variants for the mistakes)."""
    gap = sign * half * beta * (transform(b) - transform(a))  # r_1 = 1 / (tied + exp(-gap))
    if gap >= 0:
        return 1.0 / (tied + np.exp(-gap))
    e = np.exp(gap)  # no overflow: exp(gap) <= 1
    return e / (tied * e + 1.0)


def _tie_cases(hidden):
    visible = [
        (1.0, 1.0, 4.0, "beta = 1, d_0^2 = d_1^2 = 1, d_2^2 = 4"),
        (0.0, 1.0, 4.0, "beta = 0"),
        (0.4, 2.0, 3.0, "beta = 0.4, d_0^2 = d_1^2 = 2, d_2^2 = 3"),
        (2.0, 3.0, 1.0, "beta = 2, the third centre nearer: d_0^2 = d_1^2 = 3, d_2^2 = 1"),
        (50.0, 1.0, 4.0, "beta = 50"),
        (1000.0, 3.0, 5.0, "beta = 1000, d_0^2 = d_1^2 = 3, d_2^2 = 5"),
        (1000.0, 3.0, 1.0, "beta = 1000, the third centre nearer: d_0^2 = d_1^2 = 3, d_2^2 = 1"),
    ]
    hidden_extra = [
        (0.7, 5.0, 5.0, "beta = 0.7, all three centres equally far"),
        (3.0, 0.5, 2.5, "beta = 3"),
        (1e6, 2.0, 1.5, "beta = 10^6, the third centre nearer"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _tie_limit_cases(hidden):
    visible = [
        (1.0, 4.0, "d_0^2 = d_1^2 = 1, d_2^2 = 4 (the third centre farther)"),
        (3.0, 1.0, "d_0^2 = d_1^2 = 3, d_2^2 = 1 (the third centre nearer)"),
        (2.0, 2.0, "d_0^2 = d_1^2 = d_2^2 = 2 (all three equally far)"),
    ]
    hidden_extra = [(0.5, 0.6, "a = 0.5, b = 0.6"), (5.0, 4.9, "a = 5, b = 4.9"), (7.0, 7.0, "a = b = 7")]
    return cases_for(visible, hidden_extra, hidden)


def _tie_value(ex, raw, case):
    try:
        x = float(raw)
    except (TypeError, ValueError):
        x = None
    if x is not None and np.isnan(x):
        ex.fail(
            f"at {case} your r_1 is NaN: there every exponential e^(-beta d^2 / 2) underflows to 0 (or one "
            "overflows to inf) and the ratio is 0/0 (or inf/inf). Divide numerator and denominator by a common "
            "factor first, and arrange that no exponential left can overflow.",
            "nan",
        )
    return ex.number(raw, f"your weight at {case}")


@exercise_check
def check_tie_weight(student_tie, student_limit, hidden=False):
    """tie_weight(beta, a, b) -> r_1 when d_0^2 = d_1^2 = a and d_2^2 = b; tie_limit(a, b) -> its beta -> inf limit."""
    ex = Exercise("tie_weight")
    cases = _tie_cases(hidden)
    got = []
    for beta, a, b, case in cases:
        try:
            raw = ex.call(student_tie, beta, a, b, case=case)
        except CheckFailed as exc:
            if exc.mistake == "tie_weight.raised" and "OverflowError" in str(exc):
                ex.fail(
                    f"at {case} your exponential overflows: e to the power beta (a - b) / 2 is far beyond the "
                    "largest float when beta is large and the third centre is nearer. Write r_1 in a form whose "
                    "exponential has an exponent of at most 0 (which form depends on the sign of b - a).",
                    "overflow",
                )
            raise
        got.append(_tie_value(ex, raw, case))
    got = np.array(got)
    want = np.array([_tie(beta, a, b) for beta, a, b, _ in cases])
    if not all(ex.holds(ok) for ok in np.isclose(got, want, rtol=1e-7, atol=1e-10)):

        def each(**kw):
            return np.array([_tie(beta, a, b, **kw) for beta, a, b, _ in cases])

        wrong = [
            (
                np.full(len(cases), 0.5),
                "you returned the limit 1/2 for every beta; the task asks for r_1 at finite "
                "beta (the limit is one of its values, as beta grows)",
                "limit_only",
            ),
            (
                each(half=1.0),
                "you lost the 1/2: the logits are -beta/2 times the squared distances (Sigma = I / beta)",
                "no_half",
            ),
            (
                each(sign=-1.0),
                "the sign of the exponent is flipped: a farther third centre (b > a) must take less as beta "
                "grows, so its share must shrink, not grow",
                "sign",
            ),
            (
                each(transform=np.sqrt),
                "you used the distances sqrt(a), sqrt(b) where the squared distances a, b go",
                "unsquared",
            ),
            (
                each(tied=1.0),
                "you compared centre 1 with centre 2 only: the tied centre 0 is in the denominator too, "
                "with the same exponential as centre 1",
                "two_centres",
            ),
            (np.full(len(cases), 1 / 3), "1/3 is the value at beta = 0 only", "beta_zero_only"),
        ]
        ex.name_mistake(got, wrong, "on every case", rtol=1e-7, atol=1e-10)
        first = int(np.flatnonzero(~np.isclose(got, want, rtol=1e-7, atol=1e-10))[0])
        ex.fail(
            f"at {cases[first][3]} your r_1 is {got[first]:.6g}, the softmax gives {want[first]:.6g}. Write r_1 with "
            "the three exponentials, then look for the factor that numerator and denominator share."
        )
    for a, b, case in _tie_limit_cases(hidden):
        limit = ex.number(ex.call(student_limit, a, b, case=case), f"your limit for {case}")
        want_limit = 0.5 if b > a else (0.0 if b < a else 1 / 3)
        if ex.agrees(limit, want_limit, rtol=0, atol=1e-9):
            continue
        if b >= a and (np.isclose(limit, 0.0) or np.isclose(limit, 1.0)):
            ex.fail(
                f"for {case} your limit is {limit:g}, a hard label. k-means' argmin gives a tied point to one of "
                "the tied centres (numpy: the first, centre 0), but the softmax never prefers one of several equally "
                "near centres, at any beta: what does that leave r_1 in the limit?",
                "limit_hard",
            )
        if b < a:
            ex.fail(
                f"for {case} your limit is {limit:g}: when the third centre is strictly nearer, its share of the "
                "denominator dominates more and more as beta grows. What does r_1 tend to?",
                "limit_nearer",
            )
        if a == b:
            ex.fail(
                f"for {case} your limit is {limit:g}: with all three centres equally far, does beta change r_1 at all?",
                "limit_all_tied",
            )
        ex.fail(
            f"for {case} your limit is {limit:g}, not the beta -> infinity limit of your r_1. Let beta grow in your "
            "formula: which term of the denominator survives?",
            "limit_wrong",
        )
    ex.passed(
        "r_1 at every beta, without overflow; in the limit 1/2 (b > a: the tie is never broken), 0 (b < a) and "
        "1/3 (b = a)"
    )


# ---------------------------------------------------------------- exercise 5: the critical stiffness

CLOUD_STDS = (2.0, 1.0)  # the standard deviations along the cloud's two axes, the long one at CLOUD_ANGLE
CLOUD_ANGLE = 30.0  # degrees from the x-axis
CLOUD_MEAN = (1.0, -2.0)


def _cloud_axes():
    angle = np.deg2rad(CLOUD_ANGLE)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return rotation @ np.diag(CLOUD_STDS)


def _cloud():
    rng = np.random.default_rng(808_5)  # its own generator: the check and the notebook see the same points
    return rng.normal(size=(400, 2)) @ _cloud_axes().T + np.array(CLOUD_MEAN)


CLOUD = _cloud()  # one elongated Gaussian cloud: 400 points, standard deviations 2 and 1, mean (1, -2)


def _cloud_covariances():
    """(the covariance of the distribution the cloud is drawn from, the covariance of its 400 points, divided by N)."""
    A = _cloud_axes()
    centred = CLOUD - CLOUD.mean(axis=0)
    return A @ A.T, centred.T @ centred / len(CLOUD)


def _cloud_eigenvalues():
    return np.linalg.eigvalsh(_cloud_covariances()[1])  # of the sample, ascending


def _beta_c_mistakes():
    """The predictions of the typical wrong reasonings, from the cloud's description and from its points."""
    mean = np.array(CLOUD_MEAN)
    wrong = []
    for S, raw in (
        (_cloud_covariances()[0], _cloud_covariances()[0] + np.outer(mean, mean)),
        (_cloud_covariances()[1], CLOUD.T @ CLOUD / len(CLOUD)),
    ):
        lam_min, lam_max = np.linalg.eigvalsh(S)
        wrong += [
            (
                lam_max,
                "that is the largest variance itself; the merged state is stable while beta lambda_max < 1",
                "not_inverted",
            ),
            (
                1 / lam_min,
                "that is 1 over the smallest variance: the centres split first along the widest direction, where "
                "one iteration multiplies a perturbation by the largest factor",
                "lambda_min",
            ),
            (
                1 / (lam_min + lam_max),
                "that is 1 over the total variance (the trace); the split happens along one direction",
                "trace",
            ),
            (
                1 / np.sqrt(lam_max),
                "that is 1 over a standard deviation, a length; beta is an inverse variance, 1 / length^2 (or "
                "you put a factor 2 where there is none)",
                "std_not_variance",
            ),
            (
                2 / lam_max,
                "that is 2/lambda_max: one iteration multiplies a perturbation by beta S, with no factor 2",
                "factor_two",
            ),
            (
                1 / (2 * lam_max),
                "that is 1/(2 lambda_max): one iteration multiplies a perturbation by beta S, with no factor 1/2",
                "factor_half",
            ),
            (
                1 / S[0, 0],
                "that is 1 over the variance along the x-axis: the cloud is rotated, and its widest direction "
                "is its long axis, not a coordinate axis",
                "axis_variance",
            ),
            (
                1 / S[1, 1],
                "that is 1 over the variance along the y-axis; the widest direction is the long axis",
                "axis_variance",
            ),
            (
                1 / np.linalg.eigvalsh(raw)[-1],
                "you used the second moments about the origin, not the covariance about the mean: the merged "
                "centres sit at the mean",
                "not_centred",
            ),
        ]
    return wrong


def _bracket(ex, raw):
    """The student's (merged_at, split_at) as two floats."""
    if isinstance(raw, np.ndarray) and raw.shape == (2,):
        raw = tuple(raw)
    if not (isinstance(raw, (tuple, list)) and len(raw) == 2):
        ex.fail(
            "measured_beta_c() should return a pair (a beta at which the centres merge, a beta at which they "
            f"split); got {type(raw).__name__}.",
            "not_a_bracket",
        )
    return [ex.number(v, "each stiffness of measured_beta_c()") for v in raw]


@exercise_check
def check_beta_c(predicted, measured):
    """predicted() -> beta_c from the cloud's description; measured() -> (merged_at, split_at) from soft k-means."""
    ex = Exercise("beta_c")
    population = 1 / np.linalg.eigvalsh(_cloud_covariances()[0])[-1]  # 1/4
    sample = 1 / _cloud_eigenvalues()[-1]
    guess = answer_value(ex, predicted, "predicted_beta_c()")
    if not (ex.agrees(guess, population, rtol=0.01, atol=0) or ex.agrees(guess, sample, rtol=0.01, atol=0)):
        ex.name_mistake(guess, _beta_c_mistakes(), f"your predicted beta_c {guess:.4g}", rtol=0.01, atol=0)
        ex.fail(
            f"your predicted beta_c {guess:.4g} does not follow from the description of the cloud. Think about "
            "what one soft k-means iteration does to two centres slightly apart near the mean (lesson 08, section "
            "8): along which direction does their distance grow fastest, and what does beta measure?",
            "prediction_wrong",
        )
    merged_at, split_at = _bracket(ex, ex.answer(measured))
    if not merged_at < split_at:
        ex.fail(
            f"your measurement ({merged_at:.4g}, {split_at:.4g}) should be (a beta where the centres merge, a "
            "larger beta where they split): soft k-means merges the centres below beta_c and splits them above.",
            "not_a_bracket",
        )
    if split_at > 1.03 * merged_at:
        ex.fail(
            f"your bracket ({merged_at:.4g}, {split_at:.4g}) is {split_at / merged_at - 1:.0%} wide: narrow it to "
            "3% or less (each halving of the interval costs one run of soft k-means per end you move).",
            "bracket_wide",
        )
    if split_at < 0.99 * sample:
        ex.fail(
            f"at beta = {split_at:.4g} the merged centres are still stable, yet you saw them apart: probably "
            "centres that had not finished merging. Near beta_c a perturbation shrinks by a factor close to 1 "
            "per iteration: run each beta to convergence (enough iterations, a tight tolerance) before you "
            "read off the distance between the centres.",
            "measured_low",
        )
    if merged_at > 1.01 * sample:
        ex.fail(
            f"at beta = {merged_at:.4g} the merged state is already unstable, yet you saw the centres together: "
            "near beta_c a split grows by a factor close to 1 per iteration, so it takes many iterations to show. "
            "Start from slightly different centres (equal centres never split), run to convergence, and compare "
            "the final distance with the starting one.",
            "measured_high",
        )
    source = "the cloud's description" if abs(guess / population - 1) <= 0.01 else "the points"
    ex.passed(
        f"predicted {guess:.4f} from {source}; measured between {merged_at:.4f} and {split_at:.4f}; "
        f"1/lambda_max of these 400 points is {sample:.4f}, of the distribution {population:.4f}: the sample's "
        "covariance is not exactly the distribution's"
    )


# ---------------------------------------------------------------- exercise 6: k-means or EM, long clusters end to end

CHOICES = {"k-means": "k-means", "kmeans": "k-means", "em": "EM", "both": "both", "neither": "neither"}
FAILS_BELOW = 0.9  # a method fails when it places fewer than 90% of the points right


def elongated_problem():
    """The data, the true components and the starting centres of exercise 6 (the notebook uses the same).

    Three long thin clusters lying end to end along the x-axis (standard deviations 2.5 along it, 0.35
    across, centres 11 apart): elongated like the lesson's data set, but not side by side.
    """
    from ..datasets import covariance_from_axes
    from ..mixture import GMM, sample

    truth = GMM(np.full(3, 1 / 3), [[0.0, 0.0], [11.0, 0.0], [22.0, 0.0]], [covariance_from_axes(2.5, 0.35, 0)] * 3)
    X, z = sample(truth, 300, rng=np.random.default_rng(808_6))
    start = X[np.random.default_rng(0).choice(len(X), 3, replace=False)]
    return X, z, start


def _agreement(labels, z, permute=True):
    """Share of points whose cluster stands for their true component, under the best renumbering."""
    import itertools

    if not permute:
        return float(np.mean(labels == z))
    return max(float(np.mean(np.array(p)[labels] == z)) for p in itertools.permutations(range(3)))


def _elongated_reference():
    from ..em import fit_em
    from ..kmeans import kmeans
    from ..mixture import GMM

    X, z, start = elongated_problem()
    km = kmeans(X, start)
    em = fit_em(X, GMM(np.full(3, 1 / 3), start, np.repeat(np.cov(X.T, bias=True)[None] / 3, 3, axis=0)), max_iter=500)
    return km.labels, em.resp.argmax(axis=1), z


def _fails(km_share, em_share):
    failing = [name for name, share in (("k-means", km_share), ("EM", em_share)) if share < FAILS_BELOW]
    return failing[0] if len(failing) == 1 else ("neither", None, "both")[len(failing)]


@exercise_check
def check_elongated(which_fails, agreements):
    """which_fails() -> "k-means", "EM", "both" or "neither"; agreements() -> (share right for k-means, for EM)."""
    ex = Exercise("elongated")
    raw = ex.answer(which_fails)
    choice = CHOICES.get(str(raw).strip().lower()) if isinstance(raw, str) else None
    if choice is None:
        ex.fail(f'which_fails() should return "k-means", "EM", "both" or "neither"; got {raw!r}.', "not_a_choice")
    out = ex.answer(agreements)
    if isinstance(out, np.ndarray) and out.shape == (2,):
        out = tuple(out)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        ex.fail(f"agreements() should return a pair (k-means, EM); got {type(out).__name__}.", "not_a_pair")
    got = np.array([ex.number(v, "each agreement") for v in out])
    km_labels, em_labels, z = _elongated_reference()
    want = np.array([_agreement(km_labels, z), _agreement(em_labels, z)])
    if not ex.agrees(got, want, rtol=0, atol=1e-9):
        raw_share = np.array([_agreement(km_labels, z, False), _agreement(em_labels, z, False)])
        wrong = [
            (want[::-1], "your two numbers are swapped: return (k-means, EM)", "swapped"),
            (
                raw_share,
                "you compared the cluster numbers with the true components as they are; a fit numbers its "
                "clusters arbitrarily, so take the best renumbering (label switching) first",
                "label_switching",
            ),
            (want * len(z), "those are counts of points; return the shares (between 0 and 1)", "counts"),
            (1 - want, "those are the shares of misplaced points; return the shares placed right", "error_rate"),
        ]
        ex.name_mistake(got, wrong, f"your agreements {np.round(got, 4)}", rtol=0, atol=1e-9)
        ex.fail(
            f"your agreements {np.round(got, 4)} are not what the two fits give. Run kmeans(X_e, start_e) and "
            "fit_em(X_e, gmm_start, max_iter=500) as given, label each point by its cluster (the most responsible "
            "component for EM), renumber the clusters one-to-one (a permutation: two clusters may not both stand "
            "for the same component) so that the most points agree, and count the points whose cluster stands "
            "for their true component.",
            "measure_wrong",
        )
    fails = _fails(*want)
    ex.expect(
        choice == fails,
        f'you predicted "{choice}", and your own measurement says otherwise (a method fails when it places fewer '
        f"than {FAILS_BELOW:.0%} of the points right). Where do the borders between k-means' clusters lie, the "
        "bisectors between its centres, when the clusters lie end to end rather than side by side? Lesson 08, "
        "section 13, explains when elongation costs k-means.",
        "prediction_wrong",
    )
    ex.passed(f'"{fails}", as you predicted: k-means {want[0]:.1%} right, EM {want[1]:.1%}')


# ---------------------------------------------------------------- exercise 7: k-means as matrix factorisation


@exercise_check
def check_factorisation(student_fact, hidden=False):
    """kmeans_factorisation(X, labels, k) -> (Z (n, k) one-hot, M (k, d) minimising ||X - Z M||_F^2, J its minimum).

    The rows of M for clusters with points are their means; the row of an empty cluster is free (it multiplies a
    zero column of Z), so any finite row passes.
    """
    from .. import kmeans

    ex = Exercise("kmeans_factorisation")
    forbid(ex, student_fact, [kmeans.objective, kmeans.update_centers])
    rng = np.random.default_rng(9)
    labels_c = np.argmin(sqdist(X_C, CENTERS_C), axis=1)
    X6 = rng.normal(size=(25, 6))
    l6 = np.concatenate([np.arange(4), rng.integers(0, 4, size=21)])
    visible = [
        (X_C, labels_c, 3, "75 points in 2-D, k = 3"),
        (X_C, np.arange(len(X_C)) % 3, 3, "labels 0, 1, 2, 0, 1, 2, ... (not the nearest centres)"),
        (X_C, np.where(labels_c == 1, 3, labels_c), 4, "k = 4 with cluster 1 empty (labels 0, 2 and 3 only)"),
    ]
    hidden_extra = [
        (X6, l6, 4, "6-D data, k = 4"),
        (X_C, np.zeros(len(X_C), dtype=int), 1, "k = 1"),
        (X6, np.where(l6 == 0, 1, l6), 5, "6-D data, k = 5 with clusters 0 and 4 empty"),
    ]
    for X, labels, k, case in cases_for(visible, hidden_extra, hidden):
        n, d = X.shape
        try:
            out = ex.call(student_fact, X, labels, k, case=case)
        except CheckFailed as exc:
            if exc.mistake == "kmeans_factorisation.raised" and "Singular matrix" in str(exc):
                ex.fail(
                    f"on {case} your function raised LinAlgError (Singular matrix): with an empty cluster Z^T Z "
                    "has a zero on its diagonal and cannot be inverted. The normal equations still hold; what do "
                    "they say about the row of M of an empty cluster, and does J depend on that row?",
                    "singular",
                )
            raise
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(f"your function should return a triple (Z, M, J); got {type(out).__name__}.", "not_a_triple")
        Z_raw, M_raw, J_raw = out
        Z = ex.array(Z_raw, (n, k), f"your Z on {case}")
        want_Z = np.eye(k)[labels]
        if not ex.holds(np.array_equal(Z, want_Z)):
            if k > 1 and np.array_equal(Z[:, np.r_[1:k, 0]], want_Z):
                ex.fail(
                    f"on {case} your Z is shifted by one column: label c goes to column c (counting from 0).",
                    "z_shifted",
                )
            if not np.all((Z == 0) | (Z == 1)) or not np.all(Z.sum(axis=1) == 1):
                ex.fail(
                    f"on {case} your Z is not one-hot: each row needs a single 1, in column labels[n].", "z_not_one_hot"
                )
            ex.fail(f"on {case} your Z puts points in the wrong columns; Z[n, labels[n]] = 1.", "z_wrong_columns")
        counts = want_Z.sum(axis=0)
        used = counts > 0
        bad = nonfinite_of_shape(M_raw, (k, d))
        if bad is not None and np.all(np.isfinite(bad[used])):
            ex.fail(
                f"on {case} your M has NaN or infinite entries in the row of an empty cluster (0/0): that row "
                "multiplies a column of zeros in Z. Does J depend on it? Then give it a finite value.",
                "empty_nan",
            )
        M = ex.array(M_raw, (k, d), f"your M on {case}")
        want_M = (want_Z.T @ X)[used] / counts[used][:, None]
        if not ex.agrees(M[used], want_M, rtol=1e-9, atol=1e-10):
            if np.allclose(M[used], (want_Z.T @ X)[used], rtol=1e-9):
                ex.fail(
                    f"on {case} your M is Z^T X, the sums of each cluster: least squares asks for the M that "
                    "minimises ||X - Z M||_F^2, and a row of Z M is one centre, not a sum. What do the normal "
                    "equations Z^T Z M = Z^T X divide by?",
                    "m_sums",
                )
            ex.close(
                M[used],
                want_M,
                f"on {case} the rows of your M for the clusters with points are not the M minimising ||X - Z M||_F^2",
                rtol=1e-9,
                atol=1e-10,
                mistake="m_wrong",
            )
        J = ex.number(J_raw, f"your J on {case}")
        resid = X - want_Z[:, used] @ want_M
        want_J = float(np.sum(resid**2))
        if not ex.agrees(J, want_J, rtol=1e-9, atol=1e-9):
            wrong = [
                (np.sqrt(want_J), "you returned the Frobenius norm; J is its square, ||X - Z M||_F^2", "j_not_squared"),
                (
                    float(np.linalg.norm(resid, 2) ** 2),
                    "that is the spectral norm (np.linalg.norm(A, 2)); use the "
                    "Frobenius norm: the sum of all squared entries",
                    "j_spectral",
                ),
                (want_J / n, "you averaged over points; J is the sum", "j_averaged"),
            ]
            ex.name_mistake(J, wrong, f"on {case} your J is {J:.6g}", rtol=1e-9, atol=1e-8)
            ex.fail(f"on {case} your J is {J:.6g}, the reference ||X - Z M||_F^2 is {want_J:.6g}.", "j_wrong")
    ex.passed("Z one-hot, M the cluster means (any finite row for an empty cluster), J the k-means objective")


# ---------------------------------------------------------------- the mistakes, as data

_SOFTMAX = "1. Equal weights and round covariances: the responsibilities become a softmax"
_ONE_HOT = "2. As $\\beta \\to \\infty$ the responsibilities become one-hot"
_UPDATE = "3. ... and the M-step becomes the k-means update"
_LIMIT = "7. The limit, in numbers"
_BETA_C = "8. Why the centres merge: the critical stiffness $\\beta_c$"
_FACTOR = "10. k-means as matrix factorisation"
_WINS = "13. Where each one wins"


def _ids(check, section, keys):
    return {f"{check}.{key}": section for key in keys}


# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/08_kmeans_limit that explains it (tests/test_mistakes_lesson08.py makes each)
MISTAKES = {
    **_ids(
        "soft_responsibilities",
        _SOFTMAX,
        (
            "uses_reference",
            "overflow",
            "nan",
            "wrong_axis",
            "rows_not_normalised",
            "no_half",
            "sign",
            "sqrt",
            "inverse_beta",
            "transposed",
            "wrong_shape",
            "not_an_array",
            "wrong_value",
        ),
    ),
    "soft_responsibilities.one_hot": _ONE_HOT,
    **_ids(
        "soft_update",
        _UPDATE,
        (
            "uses_reference",
            "sums",
            "divided_by_n",
            "divided_columns",
            "transposed_square",
            "hard_labels",
            "transposed",
            "wrong_shape",
            "not_an_array",
            "nan",
            "wrong_value",
        ),
    ),
    **_ids(
        "deviation_from_one_hot",
        _ONE_HOT,
        ("per_point", "not_a_scalar", "smallest_point", "not_a_number", "not_finite"),
    ),
    **_ids("deviation_from_one_hot", _LIMIT, ("averaged", "summed", "farthest", "no_abs", "wrong_value")),
    **_ids("deviation_from_one_hot", _SOFTMAX, ("ex1_nan", "ex1_wrong")),
    **_ids(
        "tie_weight",
        _ONE_HOT,
        (
            "not_a_number",
            "not_finite",
            "nan",
            "overflow",
            "limit_only",
            "no_half",
            "sign",
            "unsquared",
            "two_centres",
            "beta_zero_only",
            "wrong_value",
            "limit_hard",
            "limit_nearer",
            "limit_all_tied",
            "limit_wrong",
        ),
    ),
    **_ids(
        "beta_c",
        _BETA_C,
        (
            "returned_none",
            "not_a_number",
            "not_finite",
            "not_inverted",
            "lambda_min",
            "trace",
            "std_not_variance",
            "factor_two",
            "factor_half",
            "axis_variance",
            "not_centred",
            "prediction_wrong",
            "not_a_bracket",
            "bracket_wide",
            "measured_low",
            "measured_high",
        ),
    ),
    **_ids(
        "elongated",
        _WINS,
        (
            "not_a_choice",
            "not_a_pair",
            "not_a_number",
            "not_finite",
            "swapped",
            "label_switching",
            "counts",
            "error_rate",
            "measure_wrong",
            "prediction_wrong",
        ),
    ),
    **_ids(
        "kmeans_factorisation",
        _FACTOR,
        (
            "uses_reference",
            "singular",
            "not_a_triple",
            "transposed",
            "wrong_shape",
            "not_an_array",
            "z_shifted",
            "z_not_one_hot",
            "z_wrong_columns",
            "empty_nan",
            "nan",
            "m_sums",
            "m_wrong",
            "not_a_number",
            "not_finite",
            "j_not_squared",
            "j_spectral",
            "j_averaged",
            "j_wrong",
        ),
    ),
}
