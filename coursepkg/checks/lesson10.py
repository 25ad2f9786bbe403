"""Checks for the exercises of lesson 10 (mean-shift).

The references are independent of what the student writes: the log density is a logsumexp (scipy) of
-||p - x_n||^2 / (2 h^2) over squared distances from `_core.sqdist`, the mean-shift step a softmax of the
same logits (`_core.softmax_rows`) times the data. A mismatch is explained by computing what the usual
wrong versions return: the sum instead of the mean (no 1/N), a missing or one-dimensional normalising
constant, h where h^2 belongs, the bandwidth read as a variance, the exponent without its 1/2, the density
instead of its log, the plain ratio that underflows to 0/0, weights normalised over the wrong axis, the
shift vector u(p) - p instead of u(p), a flat kernel. The step matrix for a kernel of covariance Sigma
(exercise 3) is compared with Sigma, the value derived from the gradient; its usual wrong versions (the
inverse, Sigma squared, a square root, a factor 2 or 1/2, the wrong sign, the diagonal only, a multiple of the
identity) are named. The bandwidth decision is measured with `coursepkg.meanshift.mean_shift`, the instrument
the lesson uses, and the prediction of exercise 5 against the modes counted on a fine grid.
"""

import numpy as np
from scipy import special

from ._core import (
    Exercise,
    answer_value,
    cases_for,
    exercise_check,
    finite_array,
    forbid,
    nonfinite_of_shape,
    softmax_rows,
    sqdist,
)

# ---------------------------------------------------------------- data


def _blobs(centres, scales, n_each, seed):
    rng = np.random.default_rng(seed)  # a generator of its own: no module-level state a later call could consume
    return np.vstack([np.asarray(c, float) + s * rng.normal(size=(n_each, len(c))) for c, s in zip(centres, scales,
                                                                                                   strict=True)])


X_TWO = _blobs([[0.0, 0.0], [3.0, 1.0]], [0.6, 0.8], 20, 101)  # 40 points in 2-D
P_TWO = np.array([[0.0, 0.0], [1.5, 0.5], [3.0, 1.0], [-2.0, 2.0], [5.0, -1.0]])
X_1D = _blobs([[0.0], [2.5]], [0.5, 0.3], 15, 102)  # 30 points in 1-D
P_1D = np.linspace(-2.0, 4.0, 7)[:, None]

# the data of exercise 4: four round blobs of 60 points, two of them 1.8 apart, the others far from every blob
FOUR_CENTRES = np.array([[0.0, 0.0], [1.8, 0.0], [6.0, 0.5], [3.0, 5.0]])
FOUR_SCALES = (0.4, 0.4, 0.6, 0.6)
X_FOUR = _blobs(FOUR_CENTRES, FOUR_SCALES, 60, 1010)


def reference_log_kde(points, X, h):
    """log f(p) = logsumexp_n(-||p - x_n||^2 / (2 h^2)) - log N - d/2 log(2 pi h^2): shape (m,)."""
    logits = -sqdist(points, X) / (2 * h**2)
    return special.logsumexp(logits, axis=1) - np.log(len(X)) - 0.5 * X.shape[1] * np.log(2 * np.pi * h**2)


def reference_step(points, X, h):
    """u(p) = sum_n w_n(p) x_n with w_n(p) the softmax over n of -||p - x_n||^2 / (2 h^2): shape (m, d)."""
    return softmax_rows(-sqdist(points, X) / (2 * h**2)) @ X


def _kde_cases(hidden):
    rng = np.random.default_rng(1003)
    X3 = rng.normal(size=(25, 3)) * [1.0, 2.0, 0.5]
    visible = [
        (P_TWO, X_TWO, 0.7, "5 points and 40 data points in 2-D, h = 0.7"),
        (P_1D, X_1D, 0.3, "7 points and 30 data points in 1-D, h = 0.3"),
        (P_TWO + 1000.0, X_TWO, 0.7, "points 1000 units from every data point (f underflows to 0)"),
    ]
    hidden_extra = [
        (rng.normal(size=(6, 3)), X3, 1.5, "d = 3, h = 1.5"),
        (P_TWO, X_TWO[:1], 0.5, "a single data point (f is one Gaussian)"),
        (P_TWO[:1], X_TWO, 0.05, "a narrow kernel, h = 0.05"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _step_cases(hidden):
    rng = np.random.default_rng(1004)
    X3 = rng.normal(size=(25, 3))
    visible = [
        (P_TWO, X_TWO, 0.7, "5 points and 40 data points in 2-D, h = 0.7"),
        (X_TWO[:6], X_TWO, 1.2, "6 of the data points themselves, h = 1.2"),
        (P_TWO + 1000.0, X_TWO, 0.7, "points 1000 units from every data point (every kernel underflows to 0)"),
    ]
    hidden_extra = [
        (P_1D, X_1D, 0.3, "1-D data, h = 0.3"),
        (rng.normal(size=(4, 3)), X3, 0.8, "d = 3, h = 0.8"),
        (P_TWO, X_TWO[:1], 0.5, "a single data point (every step lands on it)"),
    ]
    return cases_for(visible, hidden_extra, hidden)


# ---------------------------------------------------------------- exercise 1: the log density

UNDERFLOW_HINT = (
    "Far from every data point each exp(-||p - x_n||^2 / (2 h^2)) underflows to 0 and log(0) = -inf. Work with the "
    "logits a_n = -||p - x_n||^2 / (2 h^2) and take log sum_n exp(a_n) with log-sum-exp: subtract each row's largest "
    "logit first."
)


@exercise_check
def check_kde_log_density(student_kde_log_density, hidden=False):
    """kde_log_density(points (m, d), X (n, d), h) -> log f at each point, shape (m,)."""
    from .. import meanshift

    ex = Exercise("kde_log_density")
    forbid(ex, student_kde_log_density, [meanshift.kde_log_density])
    for points, X, h, case in _kde_cases(hidden):
        m, (n, d) = len(points), X.shape
        raw = ex.call(student_kde_log_density, points, X, h, case=case)
        if raw is None:
            ex.fail(f"on {case} your function returned None; did you forget `return`?", "returned_none")
        shape = np.shape(raw)
        if shape == (n,) and n != m:
            ex.fail(
                f"on {case} your result has shape {shape}, one value per data point; expected ({m},), one value "
                "per point where f is evaluated. Sum the kernels over the data (the axis of length n), not over "
                "the points.",
                "wrong_axis",
            )
        if shape in ((m, n), (n, m)):
            ex.fail(
                f"on {case} your result has shape {shape}, a table of kernel values; f(p) averages them over the "
                f"data points, giving one number per point: shape ({m},).",
                "not_summed",
            )
        got = finite_array(ex, raw, (m,), f"Your log density for {case}", UNDERFLOW_HINT)
        want = reference_log_kde(points, X, h)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        logits = -sqdist(points, X) / (2 * h**2)
        lse = special.logsumexp(logits, axis=1)
        with np.errstate(all="ignore"):
            wrong = [
                (want + np.log(n), "you summed the kernels instead of averaging them: f has the factor 1/N", "no_mean"),
                (
                    lse - np.log(n),
                    "you left out the Gaussian's normalising constant (2 pi h^2)^(-d/2), so f does not integrate to 1",
                    "no_normaliser",
                ),
                (
                    lse - np.log(n) - 0.5 * np.log(2 * np.pi * h**2),
                    f"you used the one-dimensional constant (2 pi h^2)^(-1/2); in d = {d} dimensions it is "
                    "(2 pi h^2)^(-d/2)",
                    "normaliser_1d",
                ),
                (
                    lse - np.log(n) - 0.5 * d * np.log(2 * np.pi * h),
                    "the normalising constant needs the variance h^2, not h: (2 pi h^2)^(-d/2)",
                    "h_not_squared",
                ),
                (
                    special.logsumexp(-sqdist(points, X) / (2 * h), axis=1) - np.log(n)
                    - 0.5 * d * np.log(2 * np.pi * h),
                    "you treated h as the variance; it is the kernel's standard deviation, so the exponent is "
                    "-||p - x_n||^2 / (2 h^2)",
                    "bandwidth_as_variance",
                ),
                (
                    special.logsumexp(2 * logits, axis=1) - np.log(n) - 0.5 * d * np.log(2 * np.pi * h**2),
                    "the exponent is -||p - x_n||^2 / (2 h^2): you dropped the 1/2",
                    "no_half",
                ),
                (np.exp(want), "you returned f itself; the function returns log f", "density_not_log"),
            ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
        ex.close(got, want, f"on {case} your log density differs from log f(p)", rtol=1e-9, atol=1e-9)
    ex.passed("including points 1000 units from the data" + (", d = 3, one data point, h = 0.05" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: one mean-shift step

NAN_HINT = (
    "Far from every data point each kernel exp(-||p - x_n||^2 / (2 h^2)) underflows to 0, and the weighted mean is "
    "0/0. Normalise the weights in log space: subtract each row's largest logit before exponentiating (the weights "
    "do not change)."
)


@exercise_check
def check_mean_shift_step(student_mean_shift_step, hidden=False):
    """mean_shift_step(points (m, d), X (n, d), h) -> u(p) for every point, shape (m, d)."""
    from .. import meanshift

    ex = Exercise("mean_shift_step")
    forbid(ex, student_mean_shift_step, [meanshift.shift, meanshift.mean_shift, meanshift.log_density_gradient])
    for points, X, h, case in _step_cases(hidden):
        m, d = points.shape
        raw = ex.call(student_mean_shift_step, points, X, h, case=case)
        if raw is None:
            ex.fail(f"on {case} your function returned None; did you forget `return`?", "returned_none")
        sq = sqdist(points, X)
        with np.errstate(all="ignore"):
            inside = (sq <= h**2).astype(float)
            flat = (inside @ X) / inside.sum(axis=1, keepdims=True)  # NaN where no data point is within h
        nonfinite = nonfinite_of_shape(raw, (m, d))
        if nonfinite is not None and np.any(np.isfinite(flat)) and np.allclose(nonfinite, flat, equal_nan=True):
            ex.fail(
                f"on {case} you used the flat kernel (the plain mean of the data within distance h, scikit-learn's "
                "MeanShift), which gives 0/0 for a point with no data point within h. The course's kernel is the "
                "Gaussian exp(-||p - x_n||^2 / (2 h^2)), which weighs every data point.",
                "flat_kernel",
            )
        got = finite_array(ex, raw, (m, d), f"Your result for {case}", NAN_HINT)
        want = reference_step(points, X, h)
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        with np.errstate(all="ignore"):
            kernel = np.exp(-sq / (2 * h**2))
            over_points = kernel / kernel.sum(axis=0, keepdims=True)
            wrong = [
                (
                    want - points,
                    "you returned the mean-shift vector u(p) - p; the step moves p to u(p) itself",
                    "shift_vector",
                ),
                (
                    kernel @ X,
                    "you did not divide by the sum of the weights: u(p) = sum_n K_n x_n / sum_n K_n is a weighted mean",
                    "unnormalised",
                ),
                (
                    over_points @ X,
                    "you normalised the weights over the moving points (axis=0); each point's weights over the data "
                    "points must sum to 1 (axis=1)",
                    "wrong_axis",
                ),
                (
                    softmax_rows(-sq / h**2) @ X,
                    "the kernel is exp(-||p - x_n||^2 / (2 h^2)): you dropped the 1/2, which narrows the kernel "
                    "to h/sqrt(2)",
                    "no_half",
                ),
                (
                    softmax_rows(-sq / (2 * h)) @ X,
                    "you treated h as the variance; it is the kernel's standard deviation, so divide by 2 h^2",
                    "bandwidth_as_variance",
                ),
                (
                    softmax_rows(-np.sqrt(sq) / (2 * h**2)) @ X,
                    "the kernel uses the squared distance ||p - x_n||^2, not the distance",
                    "distance_not_squared",
                ),
                (
                    flat,
                    "that is the flat kernel (the plain mean of the data within distance h), scikit-learn's MeanShift; "
                    "the course's kernel is the Gaussian exp(-||p - x_n||^2 / (2 h^2)), which weighs every data point",
                    "flat_kernel",
                ),
            ]
            if len(X) > 1:
                wrong.append((
                    softmax_rows(-sqdist(points, points) / (2 * h**2)) @ points,
                    "you averaged the moving points among themselves; u(p) is a weighted mean of the data X, which "
                    "stay fixed",
                    "averaged_points",
                ))
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
        ex.close(got, want, f"on {case} your new points differ from the weighted means u(p)", rtol=1e-9, atol=1e-9)
    ex.passed("including points 1000 units from the data" + (", 1-D and 3-D data, one data point" if hidden else ""))


# ---------------------------------------------------------------- exercise 3: the step for a kernel of covariance Sigma


def _rotation(theta):
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def _spd(rotation, variances):
    return rotation @ np.diag(variances) @ rotation.T


_R3 = np.linalg.qr(np.random.default_rng(1030).normal(size=(3, 3)))[0]
SIGMA_CASES = (
    (_spd(_rotation(0.5), [2.0, 0.3]), "a tilted 2-D covariance"),
    (np.diag([0.5, 4.0, 1.5]), "a diagonal 3-D covariance"),
    (np.array([[0.3]]), "a 1-D kernel of variance 0.3"),
)
SIGMA_CASES_HIDDEN = (
    (_spd(_R3, [0.2, 1.0, 5.0]), "a rotated 3-D covariance"),
    (0.49 * np.eye(2), "the round kernel h^2 I with h = 0.7"),
)


def _isotropic(M):
    return np.allclose(M, M[0, 0] * np.eye(len(M)), rtol=1e-9, atol=1e-12)


def _sqrtm(S):
    values, vectors = np.linalg.eigh(S)
    return vectors @ np.diag(np.sqrt(values)) @ vectors.T


@exercise_check
def check_step_matrix(student_step_matrix, hidden=False):
    """step_matrix(Sigma) -> M (d, d) such that u(p) = p + M grad log f(p) for the KDE with kernel N(x_n, Sigma)."""
    ex = Exercise("step_matrix")
    for Sigma, case in cases_for(SIGMA_CASES, SIGMA_CASES_HIDDEN, hidden):
        d = len(Sigma)
        raw = ex.call(student_step_matrix, Sigma.copy(), case=case)
        ex.expect(raw is not None, "step_matrix returned None; did you forget `return`?", "returned_none")
        if np.ndim(raw) == 0 and d > 1:
            ex.fail(
                f"for {case} you returned the single number {np.asarray(raw, dtype=float):.4g}. A number steps the "
                "same length in every direction, but with a kernel that is wider along one axis than another the "
                "gradient of log f is scaled differently along each: the step is a (d, d) matrix.",
                "scalar",
            )
        got = finite_array(ex, raw, (d, d), f"Your matrix for {case}",
                           "Return the matrix M of u(p) = p + M grad log f(p): it needs no division by anything.")
        if ex.agrees(got, Sigma, rtol=1e-9, atol=1e-12):
            continue
        inverse = np.linalg.inv(Sigma)
        wrong = [
            (inverse, "that is the inverse of Sigma, the matrix in front of (u(p) - p) in grad log f(p) = "
             "Sigma^-1 (u(p) - p); solve that for u(p)", "inverse"),
            (Sigma @ Sigma, "Sigma is a covariance, the counterpart of h^2 and not of h: the gradient of the "
             "quadratic form brings in Sigma^-1 once, so the step has Sigma once", "squared"),
            (_sqrtm(Sigma), "that is a square root of Sigma, the counterpart of the standard deviation h; the step "
             "of the round kernel is h^2, a variance", "square_root"),
            (np.linalg.cholesky(Sigma), "that is the Cholesky factor of Sigma, a square root (the counterpart of h); "
             "the step of the round kernel is h^2, a variance", "square_root"),
            (2 * Sigma, "the gradient of (1/2) (p - x)^T Sigma^-1 (p - x) is Sigma^-1 (p - x): the 2 from the "
             "quadratic form cancels the 1/2", "doubled"),
            (Sigma / 2, "the gradient of (1/2) (p - x)^T Sigma^-1 (p - x) is Sigma^-1 (p - x), for symmetric Sigma: "
             "the 2 from the quadratic form cancels the 1/2", "halved"),
            (-Sigma, "u(p) - p points uphill, the way grad log f points, so M is positive definite: check the sign "
             "of the gradient of -(1/2) (p - x_n)^T Sigma^-1 (p - x_n)", "sign"),
        ]
        if d > 1 and not np.allclose(Sigma, np.diag(np.diag(Sigma))):
            wrong.append((np.diag(np.diag(Sigma)), "you kept only the diagonal of Sigma; its off-diagonal entries "
                          "tilt the kernel, and the step must tilt with it", "diagonal_only"))
        ex.name_mistake(got, wrong, f"for {case}", rtol=1e-6, atol=1e-9)
        if d > 1 and _isotropic(got) and not _isotropic(Sigma):
            ex.fail(
                f"for {case} your matrix is {got[0, 0]:.4g} times the identity: a step of the same length in every "
                "direction. With a kernel wider along one axis than another, grad log f is scaled by Sigma^-1, "
                "differently along each axis, and the step must undo that.",
                "isotropic",
            )
        ex.fail(
            f"for {case} your matrix {np.round(got, 4).tolist()} is not the M of u(p) = p + M grad log f(p). "
            "Differentiate one bump N(p | x_n, Sigma) with respect to p, sum over the data, divide by f(p), and "
            "solve for u(p).",
        )
    ex.passed("M = Sigma, for every covariance; with Sigma = h^2 I it is the lesson's step h^2"
              + ("; also a rotated 3-D kernel" if hidden else ""))


# ---------------------------------------------------------------- exercise 4: a bandwidth for three clusters


@exercise_check
def check_three_clusters(answer):
    """A bandwidth h for which mean-shift on X_FOUR ends in exactly three clusters; measured, not compared."""
    from .. import meanshift

    ex = Exercise("h_three")
    h = answer_value(ex, answer, "h_three")
    ex.expect(h > 0, f"your bandwidth is {h:.4g}; a bandwidth is a standard deviation, a positive length.",
              "not_positive")
    ex.expect(h <= 100, f"your bandwidth {h:.4g} is far wider than the data (about 8 units across): every point "
              "climbs to the same single mode.", "too_large")
    result = meanshift.mean_shift(X_FOUR, h, keep_paths=False)
    k = result.n_clusters
    sizes = sorted(np.bincount(result.labels).tolist(), reverse=True)
    if k > 3:
        small = sum(s < 10 for s in sizes)
        extra = f" ({small} of them hold fewer than 10 points: single outlying points)" if small else ""
        ex.fail(
            f"with h = {h:.4g} mean-shift ends in {k} clusters of sizes {sizes[:8]}{extra}, not 3: the kernel is too "
            "narrow to merge the two blobs 1.8 apart. Widen it.",
            "too_many",
        )
    if k < 3:
        ex.fail(
            f"with h = {h:.4g} mean-shift ends in {k} cluster{'s' * (k > 1)} of sizes {sizes}, not 3: the kernel is so "
            "wide that blobs which should stay apart merge into one hill. Narrow it.",
            "too_few",
        )
    ex.holds(True)
    ex.passed(f"h = {h:.4g} gives 3 clusters of sizes {sizes}")


# ---------------------------------------------------------------- exercise 5: modes at twice the bandwidth

# 1-D data: five clumps of 20 points; the prediction is about the Gaussian KDE at H_PREDICT and 2 H_PREDICT
X_PREDICT = _blobs([[0.0], [1.2], [3.0], [3.8], [6.0]], [0.25, 0.3, 0.3, 0.25, 0.4], 20, 1050)
H_PREDICT = 0.2


def count_modes_1d(x, h, grid=8001):
    """Local maxima of the 1-D Gaussian KDE of x (n, 1) with bandwidth h, counted on a fine grid: an int."""
    xs = np.linspace(x.min() - 2.0, x.max() + 2.0, grid)[:, None]
    slope = np.diff(reference_log_kde(xs, x, h))
    return int(np.sum((slope[:-1] > 0) & (slope[1:] <= 0)))


@exercise_check
def check_modes_at_2h(answer):
    """A prediction: the number of modes of the 1-D KDE of X_PREDICT at 2 * H_PREDICT; measured, then compared."""
    ex = Exercise("modes_at_2h")
    value = answer_value(ex, answer, "modes_at_2h()")
    now = count_modes_1d(X_PREDICT, H_PREDICT)
    later = count_modes_1d(X_PREDICT, 2 * H_PREDICT)
    h2 = 2 * H_PREDICT
    if ex.agrees(value, later, rtol=0, atol=1e-9):
        ex.passed(f"{later} modes at h = {h2:g}: the pair of clumps 0.8 apart merges, the other clumps stay apart")
        return
    if value != np.round(value):
        ex.fail(f"your prediction {value:.4g} is not a whole number; a density has a whole number of modes.",
                "not_whole")
    if value > now:
        ex.fail(f"your prediction {value:.4g} is above the {now} modes at h = {H_PREDICT:g}: in one dimension a wider "
                "kernel can only merge peaks, never create one (Silverman's theorem, lesson section 5).", "more")
    if value == now:
        ex.fail(f"your prediction {value:.4g} keeps all {now} modes of h = {H_PREDICT:g}. Blurred by a kernel of width "
                f"h = {h2:g}, a clump of spread s becomes about a Gaussian of variance s^2 + h^2: compare twice its "
                "standard deviation with the distance to the next clump, pair by pair.", "unchanged")
    if value > 5:
        ex.fail(f"your prediction {value:.4g} keeps modes beyond one per clump. The modes beyond five at "
                f"h = {H_PREDICT:g} are small bumps inside the two widest clumps (spreads above 0.4), and a kernel "
                "twice as wide smooths bumps that small away; then ask which neighbouring clumps are close enough "
                "to merge.", "strays_kept")
    if value == 5:
        ex.fail(f"your prediction {value:.4g} keeps one mode per clump. Check the two clumps near 3.0 and 3.8: 0.8 "
                f"apart, each with spread about 0.3, blurred by h = {h2:g}. Is 0.8 more or less than twice the "
                "blurred standard deviation?", "one_per_clump")
    if value in (np.floor(now / 2), np.ceil(now / 2)):
        ex.fail(f"your prediction {value:.4g} guesses that doubling h halves the modes. Nothing fixes the count "
                "that simply: work out, pair by pair, which neighbouring clumps the wider kernel merges.", "halves")
    ex.fail(f"your prediction {value:.4g} merges too much. Clumps 1.2 or more apart, with spreads of 0.45 or less, "
            f"blurred by h = {h2:g}, still have a dip between them: compare 1.2 with twice the blurred standard "
            "deviation.", "too_low")


# ---------------------------------------------------------------- the mistakes, as data

_KDE = "1. The kernel density estimate"
_GRADIENT = "2. The gradient of $f$, and the weighted mean that sets it to zero"
_BANDWIDTH = "5. The bandwidth decides how many clusters"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/10_mean_shift that explains it (tests/test_mistakes_lesson10.py makes each of them)
MISTAKES = {
    **{
        f"kde_log_density.{key}": _KDE
        for key in (
            "returned_none", "wrong_axis", "not_summed", "wrong_shape", "nan", "no_mean", "no_normaliser",
            "normaliser_1d", "h_not_squared", "bandwidth_as_variance", "no_half", "density_not_log",
            "uses_reference", "wrong_value",
        )
    },
    **{
        f"mean_shift_step.{key}": _GRADIENT
        for key in (
            "returned_none", "wrong_shape", "transposed", "nan", "shift_vector", "unnormalised", "wrong_axis",
            "no_half", "bandwidth_as_variance", "distance_not_squared", "averaged_points", "uses_reference",
            "wrong_value",
        )
    },
    "mean_shift_step.flat_kernel": "4. Modes as clusters",
    **{
        f"step_matrix.{key}": _GRADIENT
        for key in (
            "returned_none", "scalar", "wrong_shape", "nan", "inverse", "squared", "square_root",
            "doubled", "halved", "sign", "diagonal_only", "isotropic", "wrong_value",
        )
    },
    **{
        f"h_three.{key}": _BANDWIDTH
        for key in ("returned_none", "not_a_number", "not_finite", "not_positive", "too_large", "too_many", "too_few")
    },
    **{
        f"modes_at_2h.{key}": _BANDWIDTH
        for key in ("returned_none", "not_a_number", "not_finite", "not_whole", "more", "unchanged", "strays_kept",
                    "one_per_clump", "halves", "too_low")
    },
}
