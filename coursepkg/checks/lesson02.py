"""Checks for the exercises of lesson 02 (mixture generation).

The Gaussian log-density and the mixture log-density are compared with scipy and
coursepkg on ordinary points and on points so far away that a density computed
first and logged afterwards underflows. The sampler is checked statistically on
a large fixed-seed sample: label frequencies, and the mean and covariance of
the points carrying each label, all within a few standard errors. The contour
level of a d-dimensional Gaussian is compared with scipy's chi-square quantile
and, given the student's sampler, checked by Monte Carlo on points it draws in
3 and 5 dimensions. The parameter counts are checked as formulas in (k, d), for
each covariance type. The mixture WEIGHTS, MEANS, COVS comes from `_core.data`
(lessons 03 and 04 use it too). `MISTAKES` at the end lists every mistake id.
"""

import numpy as np
from scipy import linalg, special, stats

from ..gaussian import chi2_radius, covariance_from_axes, ellipse_geometry, log_pdf
from ..mixture import log_density, log_likelihood, sample, weighted_log_prob
from ._core import (
    COVS,
    MEANS,
    WEIGHTS,
    Exercise,
    answer_value,
    cases_for,
    exercise_check,
    forbid,
    nonfinite_of_shape,
)
from ._core.channel import reference_name, refers

# WEIGHTS, MEANS, COVS: the lesson's mixture, which its notebook shows as checks.WEIGHTS, ...

LOG_2PI = np.log(2 * np.pi)


def _random_spd(d, rng):
    A = rng.normal(size=(d, d))
    return A @ A.T + 0.5 * np.eye(d)


def _refuse(ex, student, refusals):
    """Fail if the student's function names a refused function; refusals: [(functions, message, key)].

    One look at the code (the channel's `refers`) for all of them; the message says why that one is refused.
    """
    found = refers(ex, student, [ref for refs, _, _ in refusals for ref in refs])
    if found:
        for refs, message, key in refusals:
            if found in [reference_name(ref) for ref in refs]:
                ex.fail(message.format(name=found.rpartition(".")[2]), key)


def _maha_sq(X, mean, cov):
    """(x - mu)^T Sigma^-1 (x - mu) for each row, by Cholesky (independent of the student's code)."""
    L = linalg.cholesky(cov, lower=True)
    return np.sum(linalg.solve_triangular(L, (X - mean).T, lower=True) ** 2, axis=0)


# ---------------------------------------------------------------- exercise 1: Gaussian log-density


BIG_D = 400
BIG_CASE = f"5 points of a {BIG_D}-D Gaussian with variances near 100 (|Sigma| is about 1e800)"

_INVERSES = [np.linalg.inv, np.linalg.pinv, linalg.inv, linalg.pinv]
_DETERMINANTS = [np.linalg.det, linalg.det]


def _log_pdf_cases(hidden):
    rng = np.random.default_rng(202)
    cov = COVS[0]
    mean = np.array([1.0, -2.0])
    X = mean + rng.normal(size=(30, 2)) @ linalg.cholesky(cov).T * 1.5
    visible = [
        (X, mean, cov, "30 points, a correlated 2-D Gaussian"),
        (X[:, :1], np.array([0.5]), np.array([[2.5]]), "d = 1 (variance 2.5)"),
        (mean + 1000 * np.array([[1.0, 0.3], [-0.5, 2.0]]), mean, cov, "points 1000 standard deviations away"),
    ]
    B = rng.normal(size=(BIG_D, BIG_D))
    cov_big = 100.0 * (0.5 * np.eye(BIG_D) + 0.5 * B @ B.T / BIG_D)  # |Sigma| about 1e800, |L| about 1e400
    visible.append((rng.normal(size=(5, BIG_D)) @ linalg.cholesky(cov_big), np.zeros(BIG_D), cov_big, BIG_CASE))
    cov4 = _random_spd(4, rng)
    hidden_extra = [
        (rng.normal(size=(20, 4)), rng.normal(size=4), cov4, "a 4-D Gaussian"),
        (X[:1], mean, cov, "a single point"),
        (X, mean, 1e-4 * cov, "a very narrow Gaussian (|Sigma| = 1e-9)"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_log_pdf(student_log_pdf, hidden=False):
    """log_pdf(X, mean, cov) -> (n,): log N(x_n | mean, cov), compared with scipy."""
    ex = Exercise("log_pdf")
    forbid(ex, student_log_pdf, [log_pdf, stats.multivariate_normal, stats.norm])
    _refuse(
        ex,
        student_log_pdf,
        [
            (
                _INVERSES,
                "your function calls {name}: the task asks you never to invert Sigma (an inverse costs more and "
                "loses accuracy). Which triangular system gives the y whose squared length is the quadratic term?",
                "inverts_sigma",
            ),
            (
                _DETERMINANTS,
                "your function calls {name}: the task asks you never to compute |Sigma| itself, which overflows "
                "in high dimensions (the check has a 400-D case where |Sigma| is about 1e800). What is log|Sigma| "
                "in terms of the Cholesky factor?",
                "computes_det",
            ),
        ],
    )
    for X, mean, cov, case in _log_pdf_cases(hidden):
        n, d = X.shape
        raw = ex.call(student_log_pdf, X, mean, cov, case=case)
        if case == BIG_CASE and nonfinite_of_shape(raw, (n,)) is not None:
            ex.fail(
                f"on {case}: your log-density is infinite or NaN. A product of {d} numbers near 10 (a determinant, "
                "or the product of the diagonal of L) is about 1e400, beyond the largest float (1.8e308). Get "
                "log|Sigma| as a sum of logs, without forming the product.",
                "det_overflow",
            )
        arr = np.asarray(raw, dtype=float) if np.ndim(raw) == 1 else None
        if arr is not None and arr.shape == (n,) and np.any(np.isneginf(arr)):
            ex.fail(
                f"on {case}: your log-density is -inf: you computed the density first and took its log, but "
                "exp(-500000) underflows to 0 and log(0) = -inf. Compute the log directly: "
                "-1/2 (d log 2 pi + log|Sigma| + (x - mu)^T Sigma^-1 (x - mu)).",
                "pdf_then_log",
            )
        got = ex.array(raw, (n,), f"your log-density on {case}")
        want = stats.multivariate_normal(mean, cov).logpdf(X).reshape(n)
        if ex.agrees(got, want, rtol=1e-8, atol=1e-8):
            continue
        L = linalg.cholesky(cov, lower=True)
        logdet = 2 * np.log(np.diag(L)).sum()
        diff = X - mean
        maha = _maha_sq(X, mean, cov)
        maha_LT = np.sum(linalg.solve_triangular(L.T, diff.T, lower=False) ** 2, axis=0)
        maha_mulL = np.sum((L @ diff.T) ** 2, axis=0)
        maha_cov = np.einsum("ni,ij,nj->n", diff, cov, diff)

        def lp(m, ld=logdet, c=d * LOG_2PI):
            return -0.5 * (c + ld + m)

        wrong = [
            (np.exp(want), "you returned the density, not its log", "returned_density"),
            (lp(maha, ld=0.0), "you forgot the log-determinant term -1/2 log|Sigma|", "no_logdet"),
            (
                lp(maha, ld=2 * logdet),
                "your log-determinant term is twice too big: compare your term with -1/2 log|Sigma| and recheck the "
                "factor between log|Sigma| and the diagonal of L",
                "logdet_twice",
            ),
            (
                lp(maha, ld=logdet / 2),
                "your log-determinant is half what it should be: |Sigma| = |L| |L^T|; what does that make "
                "log|Sigma| in terms of log|L|?",
                "logdet_half",
            ),
            (lp(maha, c=0.0), "you forgot the normalising constant -d/2 log(2 pi)", "no_constant"),
            (lp(maha, c=LOG_2PI), "the constant is -d/2 log(2 pi): you used d = 1", "constant_d1"),
            (
                lp(2 * maha),
                "the quadratic term needs the factor -1/2: -1/2 (x - mu)^T Sigma^-1 (x - mu)",
                "quadratic_no_half",
            ),
            (lp(maha / 2), "you halved the quadratic term twice", "quadratic_halved_twice"),
            (
                lp(maha_LT),
                "your Mahalanobis term is wrong: with Sigma = L L^T and L lower triangular, the y with "
                "||y||^2 = (x - mu)^T Sigma^-1 (x - mu) solves L y = x - mu; you solved with L^T",
                "solved_with_lt",
            ),
            (
                lp(maha_mulL),
                "you multiplied by L instead of solving with it: y = L^-1 (x - mu), not L (x - mu)",
                "multiplied_by_l",
            ),
            (
                lp(maha_cov),
                "you used Sigma where its inverse goes: the quadratic term is (x - mu)^T Sigma^-1 (x - mu)",
                "sigma_not_inverse",
            ),
            (-want, "your log-density has the wrong sign: every term is negative", "wrong_sign"),
        ]
        if d == 1:
            sd = np.sqrt(cov[0, 0])
            wrong.append(
                (
                    stats.norm(mean[0], cov[0, 0]).logpdf(X[:, 0]),
                    "in d = 1 you used the variance where the standard deviation goes (cov is the variance sigma^2)",
                    "variance_as_sd",
                )
            )
            wrong.append(
                (stats.norm(mean[0], sd**0.5).logpdf(X[:, 0]), "in d = 1 you took the square root twice", "sqrt_twice")
            )
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-6, atol=1e-8)
        ex.close(got, want, f"on {case}: your log-density differs from scipy.stats.multivariate_normal.logpdf")
    ex.passed("agrees with scipy, including d = 1, points 1000 standard deviations away and a 400-D Gaussian")


# ---------------------------------------------------------------- exercise 2: ancestral sampling


def _sampling_cases(hidden):
    hidden_extra = [
        (np.array([0.2, 0.8]), np.array([[-3.0], [3.0]]), np.array([[[0.25]], [[4.0]]]), 20_000, 8, "d = 1"),
        (np.array([1.0]), MEANS[1:2], COVS[1:2], 5_000, 9, "k = 1"),
    ]
    return cases_for([(WEIGHTS, MEANS, COVS, 20_000, 7, "3 components in 2-D, n = 20000")], hidden_extra, hidden)


def _stat_distance(got, want, se):
    return float(np.max(np.abs(got - want) / se))


def _sampled(ex, student_sample, weights, means, covs, n, seed, case):
    """The student's (X, z) for these inputs, with the shape and type failures named."""
    k, d = means.shape
    out = ex.call(student_sample, weights, means, covs, n, np.random.default_rng(seed), case=case)
    if not (isinstance(out, tuple) and len(out) == 2):
        ex.fail(f"return a pair (X, z): the points and the component of each; got {type(out).__name__}.", "not_a_pair")
    X = ex.array(out[0], (n, d), f"your points X on {case}")
    z = np.asarray(out[1])
    if z.shape != (n,):
        ex.fail(
            f"your labels z on {case} have shape {z.shape}; expected ({n},), one component index per point.",
            "labels_shape",
        )
    numeric = np.issubdtype(z.dtype, np.number) or np.issubdtype(z.dtype, np.bool_)
    ex.expect(
        numeric and np.all(np.isfinite(z.astype(float))) and np.all(z == np.round(z)) and z.min() >= 0 and z.max() < k,
        f"your labels z on {case} should be integers from 0 to {k - 1}; got values {np.unique(z)[:5]}.",
        "labels_not_indices",
    )
    ex.expect(
        np.issubdtype(z.dtype, np.integer),
        f"your labels z on {case} are whole numbers stored as {z.dtype}: a label indexes the parameters "
        "(means[z]), which needs an integer array. Where did z get its dtype?",
        "float_labels",
    )
    return X, z.astype(int)


@exercise_check
def check_sample_mixture(student_sample, hidden=False):
    """sample_mixture(weights, means, covs, n, rng) -> (X (n, d), z (n,)), checked statistically."""
    ex = Exercise("sample_mixture")
    forbid(ex, student_sample, [sample])
    for weights, means, covs, n, seed, case in _sampling_cases(hidden):
        k, d = means.shape
        X, z = _sampled(ex, student_sample, weights, means, covs, n, seed, case)
        again = ex.call(student_sample, weights, means, covs, n, np.random.default_rng(seed), case=case)
        ex.expect(
            isinstance(again, tuple)
            and len(again) == 2
            and np.array_equal(np.asarray(again[0]), X)
            and np.array_equal(np.asarray(again[1]), z),
            "two calls with the same seed gave different samples: draw every random number from the `rng` "
            "argument, not from np.random.* or a new generator.",
            "not_reproducible",
        )
        # label frequencies within 5 standard errors of the weights
        freq = np.bincount(z, minlength=k) / n
        se = np.sqrt(weights * (1 - weights) / n) + 1e-12
        if not ex.holds(_stat_distance(freq, weights, se) <= 5):
            uniform = np.full(k, 1 / k)
            if _stat_distance(freq, uniform, np.sqrt(uniform * (1 - uniform) / n)) < 5:
                ex.fail(
                    f"on {case}: your labels are equally frequent ({np.round(freq, 3)}) but the weights are "
                    f"{weights}: component j must be picked with probability pi_j.",
                    "uniform_labels",
                )
            ex.fail(
                f"on {case}: your label frequencies {np.round(freq, 3)} do not match the weights {weights}.",
                "wrong_frequencies",
            )
        # mean and covariance of the points with each label
        for j in range(k):
            Xj = X[z == j]
            nj = len(Xj)
            if nj < 2:
                continue
            m_se = np.sqrt(np.diag(covs[j]) / nj)
            if not ex.holds(_stat_distance(Xj.mean(axis=0), means[j], m_se) <= 5):
                others = [i for i in range(k) if i != j and _stat_distance(Xj.mean(axis=0), means[i], m_se) < 5]
                if others:
                    ex.fail(
                        f"on {case}: the points labelled {j} sit around mean {others[0]}: draw x_n from component "
                        "z_n, the same label you return (its mean and its covariance factor).",
                        "labels_mismatch",
                    )
                ex.fail(
                    f"on {case}: the points labelled {j} have mean {np.round(Xj.mean(axis=0), 3)}, expected "
                    f"{means[j]}. Add the mean: x = mu_z + L_z eps.",
                    "wrong_mean",
                )
            S = np.cov(Xj.T, bias=True).reshape(d, d)
            var = np.diag(covs[j])
            c_se = np.sqrt((np.outer(var, var) + covs[j] ** 2) / nj)
            if not ex.holds(_stat_distance(S, covs[j], c_se) <= 6):
                L = linalg.cholesky(covs[j], lower=True)
                candidates = [
                    (
                        covs[j] @ covs[j],
                        "you multiplied the noise by Sigma; multiply by a square root of it, such as its Cholesky "
                        "factor L (Sigma = L L^T), so that the covariance of L eps is L L^T = Sigma",
                        "noise_times_sigma",
                    ),
                    (
                        L.T @ L,
                        "you transposed the Cholesky factor: each point is mu + L eps with eps a column, so "
                        "its covariance is L L^T; your points have covariance L^T L. With the noise stored as rows "
                        "(one eps^T per row), the row of a point is (L eps)^T = eps^T L^T",
                        "transposed_factor",
                    ),
                    (
                        np.diag(var),
                        "your points have no correlation: use the full covariance (a square root of the matrix), "
                        "not only the standard deviations on its diagonal",
                        "no_correlation",
                    ),
                    (
                        np.sqrt(np.abs(covs[j])) @ np.sqrt(np.abs(covs[j])).T,
                        "you multiplied the noise by the square root of each entry of Sigma; a matrix square root "
                        "(L with L L^T = Sigma) is not taken entry by entry",
                        "entrywise_sqrt",
                    ),
                    (
                        np.eye(d),
                        "your points have identity covariance: multiply the noise by a square root of Sigma",
                        "identity_covariance",
                    ),
                ]
                for C, msg, key in candidates:
                    if _stat_distance(S, C, np.sqrt((np.outer(np.diag(C), np.diag(C)) + C**2) / nj)) < 6:
                        ex.fail(f"on {case}, component {j}: {msg}.", key)
                ex.fail(
                    f"on {case}: the points labelled {j} have covariance {np.round(S, 3).tolist()}, "
                    f"expected {np.round(covs[j], 3).tolist()}.",
                    "wrong_covariance",
                )
    ex.passed("frequencies, means and covariances within 5 standard errors on a fixed-seed sample")


# ---------------------------------------------------------------- exercise 3: mixture log-density


def _mixture_cases(hidden):
    from ..mixture import GMM

    rng = np.random.default_rng(303)
    gmm = GMM(WEIGHTS, MEANS, COVS)
    X, _ = sample(gmm, 40, rng)
    visible = [
        (X, gmm, "40 points from a 3-component mixture"),
        (X[:5] + 1000.0, gmm, "points about 1000 standard deviations from every component"),
        (X[:1], gmm, "a single point"),
    ]
    g1 = GMM(np.array([0.3, 0.7]), np.array([[-2.0], [1.0]]), np.array([[[0.5]], [[2.0]]]))
    hidden_extra = [
        (rng.normal(size=(15, 1)) * 3, g1, "d = 1"),
        (X, GMM(np.ones(1), MEANS[:1], COVS[:1]), "k = 1"),
        (X - 500.0, gmm, "points 500 units away"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_mixture_log_density(student_mix, hidden=False):
    """mixture_log_density(X, weights, means, covs) -> (n,): log sum_k pi_k N(x_n | mu_k, Sigma_k)."""
    ex = Exercise("mixture_log_density")
    forbid(ex, student_mix, [log_density, log_likelihood, weighted_log_prob, special.logsumexp])
    for X, gmm, case in _mixture_cases(hidden):
        n = len(X)
        raw = ex.call(student_mix, X, gmm.weights, gmm.means, gmm.covariances, case=case)
        if nonfinite_of_shape(raw, (n,)) is not None:
            ex.fail(
                f"on {case}: your log-density is -inf or NaN: every pi_k N(x | mu_k, Sigma_k) underflows to 0, "
                "so log(sum) = log(0). Stay in log space: with a_k = log pi_k + log N_k, "
                "log sum_k exp(a_k) = a_max + log sum_k exp(a_k - a_max).",
                "underflow",
            )
        got = ex.array(raw, (n,), f"your log-density on {case}")
        a = weighted_log_prob(X, gmm)
        want = special.logsumexp(a, axis=1)
        if ex.agrees(got, want, rtol=1e-8, atol=1e-8):
            continue
        comp = a - np.log(gmm.weights)
        wrong = [
            (
                special.logsumexp(comp, axis=1),
                "you forgot the weights: log sum_k pi_k N_k, with log pi_k added to each term",
                "no_weights",
            ),
            (
                special.logsumexp(comp, axis=1) - np.log(gmm.k),
                "you used equal weights 1/k instead of the weights pi",
                "equal_weights",
            ),
            (a.max(axis=1), "you kept only the largest term a_max; add log sum_k exp(a_k - a_max) to it", "only_max"),
            (
                a.sum(axis=1),
                "you summed the logs (log of a product); the mixture density is the log of a sum",
                "sum_of_logs",
            ),
            (np.exp(want), "you returned the density, not its log", "returned_density"),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
        ex.close(got, want, f"on {case}: your log-density differs from log sum_k pi_k N(x | mu_k, Sigma_k)")
    ex.passed("including points 1000 standard deviations from every component")


# ---------------------------------------------------------------- exercise 4: ellipse axes


def _angle_diff(a, b):
    """Difference of two axis directions in degrees, modulo 180 (an axis has no arrow)."""
    return abs((a - b + 90.0) % 180.0 - 90.0)


def _angle_mistake(angle, a0):
    """(what is wrong with the angle, key) for an angle that is not a0 modulo 180."""
    if _angle_diff(angle, -a0) < 1e-4:
        return (
            f"your angle is {angle:.2f} degrees, the mirror image of {a0:.2f}: the eigenvectors are the columns "
            "of the matrix the eigen-decomposition returns, not its rows",
            "rows_not_columns",
        )
    if _angle_diff(angle, a0 + 90) < 1e-4:
        return (
            f"your angle {angle:.2f} points along the minor axis; the major axis is the eigenvector of the "
            "largest eigenvalue",
            "minor_axis_angle",
        )
    if _angle_diff(np.degrees(angle), a0) < 1e-3:
        return ("your angle is in radians; matplotlib's Ellipse wants degrees", "radians")
    return (f"your angle is {angle:.2f} degrees; expected {a0:.2f} (modulo 180)", "wrong_angle")


@exercise_check
def check_ellipse_axes(student_axes, hidden=False):
    """ellipse_axes(cov, level) -> (width, height, angle_deg) of the level-probability ellipse."""
    ex = Exercise("ellipse_axes")
    forbid(ex, student_axes, [ellipse_geometry, chi2_radius])
    visible = [
        (covariance_from_axes(2.0, 0.5, 30.0), 0.95, "sd 2 and 0.5, major axis at 30 degrees, level 0.95"),
        (covariance_from_axes(1.5, 1.0, 120.0), 0.5, "major axis at 120 degrees, level 0.5"),
        (np.diag([0.25, 4.0]), 0.95, "an axis-aligned covariance with the larger variance vertical"),
    ]
    hidden_extra = [
        (covariance_from_axes(3.0, 0.1, -50.0), 0.99, "a thin ellipse at -50 degrees, level 0.99"),
        (np.array([[1.0, 0.9], [0.9, 1.0]]), 0.9, "correlation 0.9, level 0.9"),
        (2.0 * np.eye(2), 0.95, "a circle (any angle is right)"),
    ]
    for cov, level, case in cases_for(visible, hidden_extra, hidden):
        out = ex.call(student_axes, cov, level, case=case)
        try:
            width, height, angle = (float(v) for v in out)
        except (TypeError, ValueError):
            ex.fail(f"return three numbers (width, height, angle_in_degrees); got {out!r}.", "not_three_numbers")
        if not np.all(np.isfinite([width, height, angle])):
            ex.fail(
                f"on {case}: your width, height and angle should be finite numbers; one of them is not. If it is "
                "the angle: a direction (v_1, v_2) with v_1 = 0 is vertical, and still has an angle.",
                "not_finite",
            )
        w0, h0, a0 = ellipse_geometry(cov, level)
        circle = np.isclose(w0, h0)
        if ex.holds(
            np.isclose(width, w0, rtol=1e-6)
            and np.isclose(height, h0, rtol=1e-6)
            and (circle or _angle_diff(angle, a0) < 1e-4)
        ):
            continue
        lam = np.linalg.eigvalsh(cov)[::-1]
        r = np.sqrt(stats.chi2.ppf(level, df=2))
        sizes = [
            (
                2 * r * lam,
                "you used the eigenvalues as axis half-lengths; take their square roots (standard deviations)",
                "eigenvalues_as_lengths",
            ),
            (
                r * np.sqrt(lam),
                "your axes are half as long as they should be: width and height are full lengths",
                "half_lengths",
            ),
            (
                2 * np.sqrt(lam),
                "you forgot the chi-square radius: the level ellipse has half-axes r sqrt(lambda), "
                "with r^2 the chi-square quantile of the level",
                "no_radius",
            ),
            (
                2 * r**2 * np.sqrt(lam),
                "the radius r is the square root of the chi-square quantile, not the quantile itself",
                "radius_squared",
            ),
            (
                2 * np.sqrt(stats.chi2.ppf(level, df=1) * lam),
                "the chi-square law of a 2-D Gaussian's squared Mahalanobis distance has 2 degrees of freedom, not 1",
                "one_degree_of_freedom",
            ),
            (
                2 * r * np.sqrt(lam[::-1]),
                "width and height are swapped: width is the major axis, along the largest eigenvalue",
                "swapped",
            ),
        ]
        size_wrong = None  # (what is wrong with width and height, key), or None when they are right
        if not (np.isclose(width, w0, rtol=1e-6) and np.isclose(height, h0, rtol=1e-6)):
            size_wrong = next(
                (
                    (msg, key)
                    for (w, h), msg, key in sizes
                    if np.isclose(width, w, rtol=1e-6) and np.isclose(height, h, rtol=1e-6)
                ),
                (
                    f"your width and height are {width:.4g} and {height:.4g}; expected {w0:.4g} and {h0:.4g}",
                    "wrong_size",
                ),
            )
        angle_wrong = None if circle or _angle_diff(angle, a0) < 1e-4 else _angle_mistake(angle, a0)
        if size_wrong and angle_wrong and size_wrong[1] == "swapped" and _angle_diff(angle, a0 + 90) < 1e-4:
            ex.fail(
                f"on {case}: width and height are swapped and your angle {angle:.2f} points along the minor axis: "
                "you took the first eigenvalue and eigenvector for the major axis, but the eigen-decomposition "
                "for symmetric matrices returns them in ascending order.",
                "ascending_order",
            )
        if size_wrong and angle_wrong:
            ex.fail(
                f"on {case}, two things are wrong. First, {size_wrong[0]}. Second, {angle_wrong[0]}.", "size_and_angle"
            )
        ex.fail(f"on {case}: {(size_wrong or angle_wrong)[0]}.", (size_wrong or angle_wrong)[1])
    ex.passed("width, height and angle (modulo 180 degrees) of the chi-square level ellipse")


# ---------------------------------------------------------------- exercise 5: predict the count inside an ellipse

# 2000 points from component 1 (index 0) of the lesson's mixture; the 95% ellipse shrunk to half its size
# (both half-axes halved): the points with Delta^2 <= r_95^2 / 4, r_95^2 = -2 ln 0.05 the 2-D chi-square quantile
INSIDE_N, INSIDE_LEVEL, INSIDE_SHRINK, INSIDE_SEED = 2000, 0.95, 0.5, 21
INSIDE_R2 = float((INSIDE_SHRINK**2) * -2 * np.log(1 - INSIDE_LEVEL))  # the squared Mahalanobis radius, 1.498


def _inside_share(r2=INSIDE_R2):
    """The share of a 2-D Gaussian with Delta^2 <= r2: the 2-D chi-square CDF 1 - exp(-r2 / 2)."""
    return float(1 - np.exp(-r2 / 2))


@exercise_check
def check_predicted_inside(answer, sampler=None):
    """The expected number of INSIDE_N points of component 1 inside the half-size 95% ellipse; measured too."""
    ex = Exercise("predicted_inside")
    guess = answer_value(ex, answer, "predicted_inside()")
    n, level = INSIDE_N, INSIDE_LEVEL
    share = _inside_share()
    want = n * share
    sd = float(np.sqrt(n * share * (1 - share)))
    r2_full = -2 * np.log(1 - level)
    wrong = [
        (
            n * level / 4,
            "a quarter of the area does not hold a quarter of the points: the density is highest at the centre, "
            "which the small ellipse keeps. Halving both axes halves the radius r; what share lies within that r?",
            "area_scaling",
        ),
        (
            n * level / 2,
            "the share inside is not proportional to the size of the ellipse; use the law of Delta^2 at the "
            "halved radius",
            "linear_scaling",
        ),
        (
            n * _inside_share(r2_full / 2),
            "that is the share for r^2 halved; halving each axis halves r, and r^2 goes down by a factor 4 "
            "(or: you dropped the 1/2 of the 2-D CDF 1 - exp(-r^2 / 2))",
            "halved_r_squared",
        ),
        (n * (1 - share), "that is the number outside the half-size ellipse", "outside"),
        (n * level, "that is the number inside the full 95% ellipse; the task halves it", "level_95"),
    ]
    if not ex.agrees(guess, want, rtol=0, atol=0.5 * sd):
        if np.isclose(guess, share, rtol=1e-3):
            ex.fail(
                f"your prediction {guess:.4g} is the share inside, which is right: return the count, "
                f"the share times the {n} points.",
                "share_not_count",
            )
        ex.name_mistake(guess, wrong, f"your prediction {guess:.4g}", rtol=0, atol=2.0)
        ex.fail(
            f"your prediction {guess:.4g} is not the expected count: how does halving the axes change the "
            "Mahalanobis radius r, and which share of a 2-D Gaussian lies within a given r? (Lesson 02, "
            "section 5, has the 2-D chi-square CDF.)",
        )
    detail = f"{want:.1f} of {n} points expected inside, give or take {sd:.0f}"
    if ex.given(sampler):
        out = ex.call(
            sampler,
            np.ones(1),
            MEANS[:1],
            COVS[:1],
            n,
            np.random.default_rng(INSIDE_SEED),
            case=f"{n} points of component 1",
        )
        X = _points_of(out, (n, 2))
        if X is None:
            ex.fail(
                f"your sample_mixture did not return a pair (X, z) with finite points X of shape ({n}, 2): "
                "finish exercise 2 (the check of its cell says what is wrong).",
                "sampler_output",
            )
        count = int(np.sum(_maha_sq(X, MEANS[0], COVS[0]) <= INSIDE_R2))
        ex.expect(
            abs(count - want) <= 4 * sd,
            f"your prediction is right, but your sampler put {count} of {n} points inside, "
            f"{abs(count - want) / sd:.1f} standard deviations from it: look at your sample_mixture (exercise 2).",
            "sampler_coverage",
        )
        detail += f"; your sampler put {count} inside ({(count - want) / sd:+.1f} standard deviations)"
    ex.passed(detail)


# ---------------------------------------------------------------- exercise 6: the contour level in d dimensions

_LEVEL_CASES = [(0.95, 2), (0.5, 1), (0.9, 3), (0.99, 5), (0.68, 10)]
_LEVEL_HIDDEN = [(0.999, 2), (0.2, 4), (0.95, 50)]
# the Monte Carlo on the student's sampler: one component in 3 and in 5 dimensions, level 0.9, 4000 points
_MC_CASES = [(3, 0.9, 11, "one correlated Gaussian in d = 3"), (5, 0.9, 12, "one correlated Gaussian in d = 5")]
_MC_N = 4000


def _level_mistakes(p, d):
    """(value, message, key) of the typical wrong contour levels for mass p in d dimensions."""
    z = stats.norm.ppf((1 + p) / 2)  # the two-sided 1-D quantile
    return [
        (np.sqrt(stats.chi2.ppf(p, d)), "you returned the radius r; the level asked for is r^2", "returned_radius"),
        (
            stats.chi2.ppf(p, 2),
            "you used 2 degrees of freedom whatever d is; a d-dimensional Gaussian's Delta^2 is a sum of d squares",
            "two_dof_always",
        ),
        (
            stats.chi2.ppf(p, 1),
            "you used the 1-D level (z^2 of the 1-D interval); in d dimensions Delta^2 is a sum of d squared "
            "standard normals",
            "one_dof",
        ),
        (
            d * z**2,
            "you put each coordinate in its own 1-D interval and added the levels; that describes a box, and the "
            "mass inside the ellipse Delta^2 <= r^2 follows the law of the sum of the squares",
            "sum_of_1d_levels",
        ),
        (
            stats.chi2.ppf(1 - p, d),
            "you used the mass outside (1 - p); the level holds the mass p inside",
            "tail_mass",
        ),
        (stats.chi2.cdf(p, d), "you used the chi-square CDF; the level is its inverse (the quantile)", "cdf_not_ppf"),
        (
            special.gammaincinv(d / 2, p),
            "half the level: the chi-square CDF is P(d/2, r^2 / 2) (the regularised lower incomplete gamma "
            "function), so r^2 is twice the inverse",
            "half_level",
        ),
        (
            2 * special.gammaincinv(d, p),
            "the shape parameter of the gamma function is d/2, not d: the radial density is proportional "
            "to rho^(d - 1) exp(-rho^2 / 2), and the substitution t = rho^2 / 2 gives t^(d/2 - 1) e^(-t)",
            "gamma_shape_d",
        ),
        (stats.chi2.ppf(p, d - 1), "off by one: Delta^2 in d dimensions has d degrees of freedom", "off_by_one"),
        (stats.chi2.ppf(p, d + 1), "off by one: Delta^2 in d dimensions has d degrees of freedom", "off_by_one"),
    ]


def _points_of(out, shape):
    """The points X of a sampler's (X, z) as a finite float array of `shape`, or None."""
    if not (isinstance(out, tuple) and len(out) == 2):
        return None
    try:
        X = np.asarray(out[0], dtype=float)
    except (TypeError, ValueError):
        return None
    return X if X.shape == shape and np.all(np.isfinite(X)) else None


def _mc_gaussian(d, seed):
    rng = np.random.default_rng(100 + seed)
    return rng.normal(size=d), _random_spd(d, rng)


@exercise_check
def check_contour_level(student_level, sampler=None, hidden=False):
    """contour_level(p, d) -> r^2 with P(Delta^2 <= r^2) = p; with the sampler, checked by Monte Carlo too."""
    ex = Exercise("contour_level")
    forbid(ex, student_level, [chi2_radius, ellipse_geometry])
    _refuse(
        ex,
        student_level,
        [
            (
                [stats.chi2, stats.chi, special.chdtri, special.chdtr, special.chdtrc],
                "your function calls {name}, scipy's chi-square law itself: this exercise asks you to derive its "
                "CDF. Which function of scipy.special (the gamma family) does your integral turn into?",
                "uses_chi2",
            ),
            (
                [stats.gamma],
                "your function calls scipy.stats.gamma: the chi-square law is a gamma law in disguise, so this is "
                "the quantile the exercise asks you to derive. Use the special function of scipy.special that "
                "your integral turns into.",
                "uses_gamma_law",
            ),
        ],
    )
    for p, d in cases_for(_LEVEL_CASES, _LEVEL_HIDDEN, hidden):
        case = f"p = {p}, d = {d}"
        got = ex.number(ex.call(student_level, p, d, case=case), f"contour_level({p}, {d})")
        want = float(stats.chi2.ppf(p, d))
        if ex.agrees(got, want, rtol=1e-6, atol=1e-9):
            continue
        ex.name_mistake(got, _level_mistakes(p, d), f"contour_level({p}, {d}) = {got:.5g}", rtol=1e-6, atol=1e-9)
        ex.fail(
            f"contour_level({p}, {d}) = {got:.5g}, expected {want:.5g}. Which law does Delta^2 = e^T e follow when "
            "e is a vector of d independent standard normals, and what is its CDF?",
        )
    detail = "the chi-square quantile for every p and d"
    if ex.given(sampler):
        shares = []
        for d, p, seed, case in _MC_CASES:
            mean, cov = _mc_gaussian(d, seed)
            level = ex.number(ex.call(student_level, p, d, case=f"p = {p}, d = {d}"), f"contour_level({p}, {d})")
            out = ex.call(sampler, np.ones(1), mean[None], cov[None], _MC_N, np.random.default_rng(seed), case=case)
            X = _points_of(out, (_MC_N, d))
            if X is None:
                ex.fail(
                    f"on {case}: your sample_mixture did not return a pair (X, z) with finite points X of shape "
                    f"({_MC_N}, {d}): finish exercise 2 (the check of its cell says what is wrong).",
                    "sampler_output",
                )
            share = float(np.mean(_maha_sq(X, mean, cov) <= level))
            se = np.sqrt(p * (1 - p) / _MC_N)
            ex.expect(
                abs(share - p) <= 5 * se,
                f"your level is right, but on {case}: only {share:.1%} of {_MC_N} points from your sampler fall "
                f"inside it, not {p:.0%} (5 standard errors are {5 * se:.1%}): look at your sample_mixture in "
                f"d = {d} (exercise 2).",
                "sampler_coverage",
            )
            shares.append(f"{share:.1%} in d = {d}")
        detail += f"; inside the 90% level: {' and '.join(shares)} of your sampler's points"
    ex.passed(detail)


# ---------------------------------------------------------------- exercise 7: number of parameters

_COV_TYPES = ("full", "diag", "spherical", "tied")
_KD = [(3, 2), (2, 4), (1, 1), (5, 3), (4, 1)]
_KD_HIDDEN = [(10, 50), (2, 7)]


def _count(k, d, cov_type, weights=None, means=None, cov=None):
    """Free parameters of a k-component mixture in d dimensions; the keyword parts replace the right ones."""
    cov_counts = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k, "tied": d * (d + 1) // 2}
    w = k - 1 if weights is None else weights
    m = k * d if means is None else means
    return w + m + (cov_counts[cov_type] if cov is None else cov)


def _count_mistakes(cov_type):
    """[(function of (k, d), message, key)] of the typical wrong counts for one covariance type."""
    own = {
        "full": [
            (
                lambda k, d: k * d * d,
                "a covariance matrix is symmetric: d (d + 1) / 2 free entries, not d^2",
                "not_symmetric",
            ),
            (
                lambda k, d: k * d,
                "that counts diagonal covariances; a full covariance has d (d + 1) / 2 entries",
                "full_as_diag",
            ),
        ],
        "diag": [
            (
                lambda k, d: k * d * (d + 1) // 2,
                "a diagonal covariance has only its d variances free, not d (d + 1) / 2 entries",
                "diag_as_full",
            ),
            (lambda k, d: k * d * d, "a diagonal covariance has only its d variances free", "diag_as_full"),
        ],
        "spherical": [
            (
                lambda k, d: k * d,
                "a spherical covariance sigma_k^2 I has one variance per component, not d",
                "spherical_as_diag",
            ),
        ],
        "tied": [
            (
                lambda k, d: k * d * (d + 1) // 2,
                "a tied covariance is one matrix shared by all components: count it once",
                "tied_per_component",
            ),
            (lambda k, d: d, "a tied full covariance has d (d + 1) / 2 free entries, not d", "tied_as_diag"),
            (
                lambda k, d: d * d,
                "the shared covariance is symmetric: d (d + 1) / 2 free entries, not d^2",
                "not_symmetric",
            ),
        ],
    }[cov_type]
    wrong = [
        (
            lambda k, d: _count(k, d, cov_type, weights=k),
            "the k weights sum to 1, so only k - 1 of them are free",
            "k_weights",
        ),
        (
            lambda k, d: _count(k, d, cov_type, weights=0),
            "you forgot the mixture weights (k - 1 free numbers)",
            "no_weights",
        ),
        (
            lambda k, d: _count(k, d, cov_type, means=0),
            "you are k d short: either the k means (d numbers each) are missing, or each covariance lost its d "
            "diagonal entries (a symmetric d x d matrix has d (d + 1) / 2 free entries)"
            if cov_type == "full"
            else "you forgot the k means (d numbers each)",
            "no_means",
        ),
        (
            lambda k, d: _count(k, d, cov_type, means=d),
            "each component has its own mean: k d numbers, not d",
            "one_mean",
        ),
    ]
    wrong += [(lambda k, d, f=f: _count(k, d, cov_type, cov=f(k, d)), msg, key) for f, msg, key in own]
    return wrong


def _judge_counts(ex, student_n_params, kd, cov_type):
    """The student's counts for one covariance type on the (k, d) pairs kd, compared as one formula."""
    raw = [ex.call(student_n_params, k, d, cov_type, case=f"k = {k}, d = {d}, {cov_type}") for k, d in kd]
    got = np.array([ex.number(v, f"n_params({k}, {d}, {cov_type!r})") for v, (k, d) in zip(raw, kd, strict=True)])
    want = np.array([_count(k, d, cov_type) for k, d in kd], dtype=float)
    if ex.agrees(got, want, rtol=0, atol=0):
        floats = [(v, k, d) for v, (k, d) in zip(raw, kd, strict=True) if not isinstance(v, int | np.integer)]
        if floats:
            v, k, d = floats[0]
            ex.fail(
                f"for {cov_type!r} covariances your count n_params({k}, {d}) = {v!r} is right but a "
                f"{type(v).__name__}, not an int: a count is a whole number. Which step of your arithmetic makes "
                "a float?",
                "float_count",
            )
        return
    bad = int(np.flatnonzero(got != want)[0])
    k, d = kd[bad]
    lead = f"for {cov_type!r} covariances n_params({k}, {d}) = {got[bad]:g}"
    wrong = [
        (np.array([f(kk, dd) for kk, dd in kd], dtype=float), msg, key) for f, msg, key in _count_mistakes(cov_type)
    ]
    ex.name_mistake(got, wrong, lead, rtol=0, atol=0)
    ex.fail(f"{lead}; count the weights, the means and the covariance entries separately.")


@exercise_check
def check_n_params(student_n_params, hidden=False):
    """n_params(k, d, covariance_type) -> free parameters of a k-component mixture in d dimensions."""
    ex = Exercise("n_params")
    for kd in (_KD, _KD_HIDDEN) if hidden else (_KD,):  # the visible cases first, then the teacher's
        for cov_type in _COV_TYPES:
            _judge_counts(ex, student_n_params, kd, cov_type)
    ex.passed("weights, means and covariance entries for full, diagonal, spherical and tied covariances")


# ---------------------------------------------------------------- the mistakes, as data

_D1 = "1. The Gaussian in one dimension"
_DD = "2. The Gaussian in $d$ dimensions"
_MAHA = "3. Mahalanobis distance: how far in the Gaussian's own units"
_ELLIPSE = r"4. The ellipses of a Gaussian, and what $\lvert\Sigma\rvert$ measures"
_CHI2 = "5. Which ellipse holds 95% of the points? A chi-square radius"
_STORY = "6. The generative story of a mixture"
_MIXTURE = "8. The mixture density"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/02_mixture_generation that explains it (tests/test_mistakes_lesson02.py makes each)
MISTAKES = {
    **{
        f"log_pdf.{key}": _DD
        for key in (
            "uses_reference",
            "pdf_then_log",
            "not_an_array",
            "wrong_shape",
            "nan",
            "returned_density",
            "no_logdet",
            "logdet_twice",
            "logdet_half",
            "no_constant",
            "constant_d1",
            "wrong_sign",
            "wrong_value",
        )
    },
    **{
        f"log_pdf.{key}": _MAHA
        for key in (
            "quadratic_no_half",
            "quadratic_halved_twice",
            "solved_with_lt",
            "multiplied_by_l",
            "sigma_not_inverse",
        )
    },
    "log_pdf.inverts_sigma": _MAHA,
    "log_pdf.computes_det": _ELLIPSE,
    "log_pdf.det_overflow": _ELLIPSE,
    "log_pdf.variance_as_sd": _D1,
    "log_pdf.sqrt_twice": _D1,
    **{
        f"sample_mixture.{key}": _STORY
        for key in (
            "uses_reference",
            "not_a_pair",
            "not_an_array",
            "wrong_shape",
            "transposed",
            "nan",
            "labels_shape",
            "labels_not_indices",
            "float_labels",
            "not_reproducible",
            "uniform_labels",
            "wrong_frequencies",
            "labels_mismatch",
            "wrong_mean",
            "noise_times_sigma",
            "transposed_factor",
            "no_correlation",
            "entrywise_sqrt",
            "identity_covariance",
            "wrong_covariance",
        )
    },
    **{
        f"mixture_log_density.{key}": _MIXTURE
        for key in (
            "uses_reference",
            "underflow",
            "not_an_array",
            "wrong_shape",
            "no_weights",
            "equal_weights",
            "only_max",
            "sum_of_logs",
            "returned_density",
            "wrong_value",
        )
    },
    **{
        f"ellipse_axes.{key}": _ELLIPSE
        for key in (
            "uses_reference",
            "not_three_numbers",
            "not_finite",
            "eigenvalues_as_lengths",
            "half_lengths",
            "swapped",
            "wrong_size",
            "rows_not_columns",
            "minor_axis_angle",
            "ascending_order",
            "size_and_angle",
            "radians",
            "wrong_angle",
        )
    },
    **{f"ellipse_axes.{key}": _CHI2 for key in ("no_radius", "radius_squared", "one_degree_of_freedom")},
    **{
        f"contour_level.{key}": _CHI2
        for key in (
            "uses_reference",
            "uses_chi2",
            "uses_gamma_law",
            "not_a_number",
            "not_finite",
            "returned_radius",
            "two_dof_always",
            "one_dof",
            "sum_of_1d_levels",
            "tail_mass",
            "cdf_not_ppf",
            "off_by_one",
            "half_level",
            "gamma_shape_d",
            "wrong_value",
        )
    },
    "contour_level.sampler_coverage": _STORY,
    "contour_level.sampler_output": _STORY,
    **{
        f"predicted_inside.{key}": _CHI2
        for key in (
            "returned_none",
            "not_a_number",
            "not_finite",
            "area_scaling",
            "linear_scaling",
            "halved_r_squared",
            "outside",
            "level_95",
            "share_not_count",
            "wrong_value",
        )
    },
    "predicted_inside.sampler_output": _STORY,
    "predicted_inside.sampler_coverage": _STORY,
    **{
        f"n_params.{key}": _STORY
        for key in (
            "not_a_number",
            "not_finite",
            "float_count",
            "k_weights",
            "no_weights",
            "no_means",
            "one_mean",
            "wrong_value",
        )
    },
    **{
        f"n_params.{key}": _DD
        for key in (
            "not_symmetric",
            "full_as_diag",
            "diag_as_full",
            "spherical_as_diag",
            "tied_per_component",
            "tied_as_diag",
        )
    },
}
