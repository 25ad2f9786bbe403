"""Checks for the exercises of lesson 02 (mixture generation).

The Gaussian log-density and the mixture log-density are compared with scipy and
coursepkg on ordinary points and on points so far away that a density computed
first and logged afterwards underflows. The sampler is checked statistically on
a large fixed-seed sample: label frequencies, and the mean and covariance of
the points carrying each label, all within a few standard errors. The mixture
WEIGHTS, MEANS, COVS comes from `_core.data` (lessons 03 and 04 use it too).
"""

import numpy as np
from scipy import linalg, special, stats

from ..gaussian import chi2_radius, covariance_from_axes, ellipse_geometry, log_pdf
from ..mixture import log_density, log_likelihood, sample, weighted_log_prob
from ._core import COVS, MEANS, WEIGHTS, Exercise, cases_for, exercise_check, forbid, nonfinite_of_shape

# WEIGHTS, MEANS, COVS: the lesson's mixture, which its notebook shows as checks.WEIGHTS, ...

LOG_2PI = np.log(2 * np.pi)


def _random_spd(d, rng):
    A = rng.normal(size=(d, d))
    return A @ A.T + 0.5 * np.eye(d)


# ---------------------------------------------------------------- exercise 1: Gaussian log-density


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
    for X, mean, cov, case in _log_pdf_cases(hidden):
        n, d = X.shape
        raw = ex.call(student_log_pdf, X, mean, cov, case=case)
        arr = np.asarray(raw, dtype=float) if np.ndim(raw) == 1 else None
        if arr is not None and arr.shape == (n,) and np.any(np.isneginf(arr)):
            ex.fail(
                f"on {case} your log-density is -inf: you computed the density first and took its log, but "
                "exp(-500000) underflows to 0 and log(0) = -inf. Compute the log directly: "
                "-1/2 (d log 2 pi + log|Sigma| + (x - mu)^T Sigma^-1 (x - mu))."
            )
        got = ex.array(raw, (n,), f"your log-density on {case}")
        want = stats.multivariate_normal(mean, cov).logpdf(X).reshape(n)
        if ex.agrees(got, want, rtol=1e-8, atol=1e-8):
            continue
        L = linalg.cholesky(cov, lower=True)
        logdet = 2 * np.log(np.diag(L)).sum()
        diff = X - mean
        maha = np.sum(linalg.solve_triangular(L, diff.T, lower=True) ** 2, axis=0)
        maha_LT = np.sum(linalg.solve_triangular(L.T, diff.T, lower=False) ** 2, axis=0)
        maha_mulL = np.sum((L @ diff.T) ** 2, axis=0)
        maha_cov = np.einsum("ni,ij,nj->n", diff, cov, diff)

        def lp(m, ld=logdet, c=d * LOG_2PI):
            return -0.5 * (c + ld + m)

        wrong = [
            (np.exp(want), "you returned the density, not its log"),
            (lp(maha, ld=0.0), "you forgot the log-determinant term -1/2 log|Sigma|"),
            (lp(maha, ld=2 * logdet), "your log-determinant is twice too big: -1/2 log|Sigma| = -sum(log diag L)"),
            (lp(maha, ld=logdet / 2), "your log-determinant is half what it should be: log|Sigma| = 2 sum(log diag L)"),
            (lp(maha, c=0.0), "you forgot the normalising constant -d/2 log(2 pi)"),
            (lp(maha, c=LOG_2PI), "the constant is -d/2 log(2 pi): you used d = 1"),
            (lp(2 * maha), "the quadratic term needs the factor -1/2: -1/2 (x - mu)^T Sigma^-1 (x - mu)"),
            (lp(maha / 2), "you halved the quadratic term twice"),
            (
                lp(maha_LT),
                "your Mahalanobis term is wrong: with Sigma = L L^T, solve L y = x - mu (L lower triangular, "
                "solve_triangular(L, diff.T, lower=True)) and use ||y||^2; you solved with L^T",
            ),
            (lp(maha_mulL), "you multiplied by L instead of solving with it: y = L^-1 (x - mu), not L (x - mu)"),
            (lp(maha_cov), "you used Sigma where its inverse goes: the quadratic term is (x - mu)^T Sigma^-1 (x - mu)"),
            (-want, "your log-density has the wrong sign: every term is negative"),
        ]
        if d == 1:
            sd = np.sqrt(cov[0, 0])
            wrong.append(
                (
                    stats.norm(mean[0], cov[0, 0]).logpdf(X[:, 0]),
                    "in d = 1 you used the variance where the standard deviation goes (cov is the variance sigma^2)",
                )
            )
            wrong.append((stats.norm(mean[0], sd**0.5).logpdf(X[:, 0]), "in d = 1 you took the square root twice"))
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-6, atol=1e-8)
        ex.close(got, want, f"on {case} your log-density differs from scipy.stats.multivariate_normal.logpdf")
    ex.passed("agrees with scipy, including d = 1 and points 1000 standard deviations away")


# ---------------------------------------------------------------- exercise 2: ancestral sampling


def _sampling_cases(hidden):
    hidden_extra = [
        (np.array([0.2, 0.8]), np.array([[-3.0], [3.0]]), np.array([[[0.25]], [[4.0]]]), 20_000, 8, "d = 1"),
        (np.array([1.0]), MEANS[1:2], COVS[1:2], 5_000, 9, "k = 1"),
    ]
    return cases_for([(WEIGHTS, MEANS, COVS, 20_000, 7, "3 components in 2-D, n = 20000")], hidden_extra, hidden)


def _stat_distance(got, want, se):
    return float(np.max(np.abs(got - want) / se))


@exercise_check
def check_sample_mixture(student_sample, hidden=False):
    """sample_mixture(weights, means, covs, n, rng) -> (X (n, d), z (n,)), checked statistically."""
    ex = Exercise("sample_mixture")
    forbid(ex, student_sample, [sample])
    for weights, means, covs, n, seed, case in _sampling_cases(hidden):
        k, d = means.shape
        out = ex.call(student_sample, weights, means, covs, n, np.random.default_rng(seed), case=case)
        if not (isinstance(out, tuple) and len(out) == 2):
            ex.fail(f"return a pair (X, z): the points and the component of each; got {type(out).__name__}.")
        X = ex.array(out[0], (n, d), f"your points X on {case}")
        z = np.asarray(out[1])
        if z.shape != (n,):
            ex.fail(f"your labels z on {case} have shape {z.shape}; expected ({n},), one component index per point.")
        ex.expect(
            np.all(np.isfinite(z.astype(float))) and np.all(z == np.round(z)) and z.min() >= 0 and z.max() < k,
            f"your labels z on {case} should be integers from 0 to {k - 1}; got values {np.unique(z)[:5]}.",
        )
        z = z.astype(int)
        again = ex.call(student_sample, weights, means, covs, n, np.random.default_rng(seed), case=case)
        ex.expect(
            np.array_equal(np.asarray(again[0]), X) and np.array_equal(np.asarray(again[1]), z),
            "two calls with the same seed gave different samples: draw every random number from the `rng` "
            "argument (rng.choice, rng.standard_normal), not from np.random.* or a new generator.",
        )
        # label frequencies within 5 standard errors of the weights
        freq = np.bincount(z, minlength=k) / n
        se = np.sqrt(weights * (1 - weights) / n) + 1e-12
        if not ex.holds(_stat_distance(freq, weights, se) <= 5):
            uniform = np.full(k, 1 / k)
            if _stat_distance(freq, uniform, np.sqrt(uniform * (1 - uniform) / n)) < 5:
                ex.fail(
                    f"on {case} your labels are equally frequent ({np.round(freq, 3)}) but the weights are "
                    f"{weights}: draw z with probabilities pi, e.g. rng.choice(k, size=n, p=weights)."
                )
            ex.fail(f"on {case} your label frequencies {np.round(freq, 3)} do not match the weights {weights}.")
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
                        f"on {case} the points labelled {j} sit around mean {others[0]}: draw x_n from component "
                        "z_n, the same label you return (means[z], and the covariance factor of z_n)."
                    )
                ex.fail(
                    f"on {case} the points labelled {j} have mean {np.round(Xj.mean(axis=0), 3)}, expected "
                    f"{means[j]}. Add the mean: x = mu_z + L_z eps."
                )
            S = np.cov(Xj.T, bias=True).reshape(d, d)
            var = np.diag(covs[j])
            c_se = np.sqrt((np.outer(var, var) + covs[j] ** 2) / nj)
            if not ex.holds(_stat_distance(S, covs[j], c_se) <= 6):
                L = linalg.cholesky(covs[j], lower=True)
                candidates = [
                    (
                        covs[j] @ covs[j],
                        "you multiplied the noise by Sigma; multiply by its Cholesky factor L "
                        "(Sigma = L L^T), so that the covariance of L eps is L L^T = Sigma",
                    ),
                    (
                        L.T @ L,
                        "you transposed the Cholesky factor: with noise rows eps of shape (n, d), "
                        "x = mu + eps @ L.T (which is L eps for each point)",
                    ),
                    (
                        np.diag(var),
                        "your points have no correlation: use the full covariance (its Cholesky factor), "
                        "not only the standard deviations on its diagonal",
                    ),
                    (
                        np.sqrt(np.abs(covs[j])),
                        "you used the square root of each entry; the matrix square root "
                        "that works is the Cholesky factor L",
                    ),
                    (np.eye(d), "your points have identity covariance: multiply the noise by the Cholesky factor L"),
                ]
                for C, msg in candidates:
                    if _stat_distance(S, C, np.sqrt((np.outer(np.diag(C), np.diag(C)) + C**2) / nj)) < 6:
                        ex.fail(f"on {case}, component {j}: {msg}.")
                ex.fail(
                    f"on {case} the points labelled {j} have covariance {np.round(S, 3).tolist()}, "
                    f"expected {np.round(covs[j], 3).tolist()}."
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
                f"on {case} your log-density is -inf or NaN: every pi_k N(x | mu_k, Sigma_k) underflows to 0, "
                "so log(sum) = log(0). Use log-sum-exp: a_k = log pi_k + log N_k, then "
                "log sum_k exp(a_k) = a_max + log sum_k exp(a_k - a_max)."
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
            ),
            (special.logsumexp(comp, axis=1) - np.log(gmm.k), "you used equal weights 1/k instead of the weights pi"),
            (a.max(axis=1), "you kept only the largest term a_max; add log sum_k exp(a_k - a_max) to it"),
            (a.sum(axis=1), "you summed the logs (log of a product); the mixture density is the log of a sum"),
            (np.exp(want), "you returned the density, not its log"),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
        ex.close(got, want, f"on {case} your log-density differs from log sum_k pi_k N(x | mu_k, Sigma_k)")
    ex.passed("including points 1000 standard deviations from every component")


# ---------------------------------------------------------------- exercise 4: ellipse axes


def _angle_diff(a, b):
    """Difference of two axis directions in degrees, modulo 180 (an axis has no arrow)."""
    return abs((a - b + 90.0) % 180.0 - 90.0)


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
            ex.fail(f"return three numbers (width, height, angle_in_degrees); got {out!r}.")
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
            ),
            (r * np.sqrt(lam), "your axes are half as long as they should be: width and height are full lengths"),
            (
                2 * np.sqrt(lam),
                "you forgot the chi-square radius: the level ellipse has half-axes r sqrt(lambda), "
                "r = sqrt(chi2.ppf(level, df=2))",
            ),
            (2 * r**2 * np.sqrt(lam), "the radius is the square root of chi2.ppf(level, df=2), not chi2.ppf itself"),
            (
                2 * np.sqrt(stats.chi2.ppf(level, df=1) * lam),
                "use 2 degrees of freedom (a 2-D Gaussian): chi2.ppf(level, df=2)",
            ),
            (
                2 * r * np.sqrt(lam[::-1]),
                "width and height are swapped: width is the major axis, along the largest eigenvalue",
            ),
        ]
        for (w, h), msg in sizes:
            if np.isclose(width, w, rtol=1e-6) and np.isclose(height, h, rtol=1e-6):
                ex.fail(f"on {case}: {msg}.")
        if not (np.isclose(width, w0, rtol=1e-6) and np.isclose(height, h0, rtol=1e-6)):
            ex.fail(
                f"on {case} your width and height are {width:.4g} and {height:.4g}; expected {w0:.4g} and {h0:.4g}."
            )
        if _angle_diff(angle, -a0) < 1e-4:
            ex.fail(
                f"on {case} your angle is {angle:.2f} degrees, the mirror image of {a0:.2f}: the eigenvectors are the "
                "columns of the matrix np.linalg.eigh returns (vecs[:, i]), not its rows."
            )
        if _angle_diff(angle, a0 + 90) < 1e-4:
            ex.fail(
                f"on {case} your angle {angle:.2f} points along the minor axis; "
                "use the eigenvector of the largest eigenvalue."
            )
        if _angle_diff(np.degrees(angle), a0) < 1e-3:
            ex.fail(f"on {case} your angle is in radians; matplotlib's Ellipse wants degrees (np.degrees).")
        ex.fail(f"on {case} your angle is {angle:.2f} degrees; expected {a0:.2f} (modulo 180).")
    ex.passed("width, height and angle (modulo 180 degrees) of the chi-square level ellipse")


# ---------------------------------------------------------------- exercise 5: number of parameters


@exercise_check
def check_n_params(student_n_params, hidden=False):
    """n_params(k, d) -> (k - 1) + k d + k d (d + 1) / 2."""
    ex = Exercise("n_params")
    for k, d in cases_for([(2, 2), (3, 2), (1, 1), (1, 5), (4, 3)], [(10, 50), (2, 1)], hidden):
        got = ex.number(ex.call(student_n_params, k, d, case=f"k = {k}, d = {d}"), f"n_params({k}, {d})")
        want = (k - 1) + k * d + k * d * (d + 1) // 2
        if ex.holds(got == want):
            continue
        wrong = [
            (k + k * d + k * d * (d + 1) // 2, "the k weights sum to 1, so only k - 1 of them are free"),
            (k * d + k * d * (d + 1) // 2, "you forgot the mixture weights (k - 1 free numbers)"),
            ((k - 1) + k * d + k * d * d, "a covariance matrix is symmetric: d (d + 1) / 2 free entries, not d^2"),
            (
                (k - 1) + k * d + k * d,
                "that counts diagonal covariances only; a full covariance has d (d + 1) / 2 entries",
            ),
            (
                (k - 1) + k * d * (d + 1) // 2,
                "you are k d short: either the k means (d numbers each) are missing, or each covariance lost its "
                "d diagonal entries (a symmetric d x d matrix has d (d + 1) / 2 free entries)",
            ),
        ]
        ex.name_mistake(got, wrong, f"n_params({k}, {d}) = {got:g}", rtol=0, atol=0)
        ex.fail(f"n_params({k}, {d}) = {got:g}; count weights, means and covariances separately.")
    ex.passed("(k - 1) weights + k d means + k d (d + 1) / 2 covariance entries")
