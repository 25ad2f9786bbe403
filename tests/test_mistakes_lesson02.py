"""Mistakes as data, lesson 02: every id of coursepkg.checks.lesson02.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes.py (lesson 05): WRONG maps each id to (check, wrong answer, hidden); the
generic ids of the channel are produced for every check. Every check run here is also recorded and judged
(checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson02 as t02
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)
from scipy import linalg, special, stats

from coursepkg.checks import lesson02
from coursepkg.checks._core.mistakes import GENERIC, is_valid
from coursepkg.gaussian import chi2_radius, ellipse_geometry
from coursepkg.gaussian import log_pdf as ref_log_pdf
from coursepkg.mixture import GMM, sample

LP, S, MIX = lesson02.check_log_pdf, lesson02.check_sample_mixture, lesson02.check_mixture_log_density
ELL, LEV, NP = lesson02.check_ellipse_axes, lesson02.check_contour_level, lesson02.check_n_params
IN = lesson02.check_predicted_inside
INSIDE = 2000 * (1 - 0.05**0.25)
LOG_2PI = t02.LOG_2PI
lp, level, count = t02.log_pdf, t02.contour_level, t02.n_params


def _maha(X, m, c):
    return t02._parts(X, m, c)[2]


def _one_d(wrong_scale):
    """log_pdf that, in d = 1, uses wrong_scale(variance) as the standard deviation."""

    def f(X, m, c):
        if X.shape[1] == 1:
            return t02._norm_logpdf(X[:, 0], m[0], wrong_scale(c[0, 0]))
        return lp(X, m, c)

    return f


def _sigma_not_inverse(X, m, c):
    diff = X - m
    return lp(X, m, c) + 0.5 * _maha(X, m, c) - 0.5 * np.einsum("ni,ij,nj->n", diff, c, diff)


def _pair(transform):
    """A sampler returning transform(X, z) of the right sample."""
    return lambda w, m, c, n, rng: transform(*t02.sample_mixture(w, m, c, n, rng))


def _chol(c):
    return linalg.cholesky(c, lower=True)


def _means_of_next(w, m, c, n, rng):  # right labels, points drawn around the mean of the next component
    k, d = m.shape
    z = rng.choice(k, size=n, p=w)
    eps = rng.standard_normal((n, d))
    X = np.array([m[(j + 1) % k] + e @ _chol(c[j]).T for j, e in zip(z, eps, strict=True)])
    return X, z


def _skewed_labels(w, m, c, n, rng):  # labels drawn with the weights reversed
    return t02._sampler(_chol, pick=lambda rng, k, n, w: rng.choice(k, size=n, p=w[::-1]))(w, m, c, n, rng)


def _doubled_means(w, m, c, n, rng):
    return t02.sample_mixture(w, 2 * m, c, n, rng)


def _only_2d(w, m, c, n, rng):  # the dimensions after the second are never drawn
    X, z = t02.sample_mixture(w, m, c, n, rng)
    X[:, 2:] = m[z][:, 2:]
    return X, z


def _ellipse(scale=1.0, angle=0.0):
    def f(cov, level=0.95):
        w, h, a = t02.ellipse_axes(cov, level)
        return scale * w, scale * h, a + angle

    return f


def _lam_axes(size_of):
    """ellipse_axes whose (width, height) are size_of(level, eigenvalues descending)."""

    def f(cov, level=0.95):
        w, h = size_of(level, np.linalg.eigvalsh(cov)[::-1])
        return w, h, t02.ellipse_axes(cov, level)[2]

    return f


def _r(level):
    return np.sqrt(-2 * np.log(1 - level))


def _with_inverse(X, m, c):  # right values, through the inverse the task forbids
    diff = X - m
    maha = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(c), diff)
    return -0.5 * (X.shape[1] * LOG_2PI + 2 * np.log(np.diag(_chol(c))).sum() + maha)


def _with_det(X, m, c):  # right values in low dimensions, through the determinant the task forbids
    return -0.5 * (X.shape[1] * LOG_2PI + np.log(np.linalg.det(c)) + _maha(X, m, c))


def _logdet_of_product(X, m, c):  # log|Sigma| as the log of the squared product of diag L: overflows in 400-D
    return -0.5 * (X.shape[1] * LOG_2PI + np.log(np.prod(np.diag(_chol(c))) ** 2) + _maha(X, m, c))


def _first_eigenpair_as_major(cov, level=0.95):  # eigh's first (smallest) eigenpair taken for the major axis
    vals, vecs = np.linalg.eigh(cov)
    r = np.sqrt(stats.chi2.ppf(level, df=2))
    return 2 * r * np.sqrt(vals[0]), 2 * r * np.sqrt(vals[1]), np.degrees(np.arctan2(vecs[1, 0], vecs[0, 0]))


def _counts(**parts):
    return t02._n_params_with(**parts)


WRONG = {
    # ---- log_pdf
    "log_pdf.uses_reference": (LP, lambda X, m, c: ref_log_pdf(X, m, c), False),
    "log_pdf.pdf_then_log": (LP, t02.pdf_then_log, False),
    "log_pdf.not_an_array": (LP, lambda X, m, c: "density", False),
    "log_pdf.wrong_shape": (LP, lambda X, m, c: lp(X, m, c)[:, None], False),
    "log_pdf.nan": (LP, lambda X, m, c: np.full(len(X), np.nan), False),
    "log_pdf.returned_density": (LP, t02.returns_pdf, False),
    "log_pdf.no_logdet": (LP, t02.no_logdet, False),
    "log_pdf.logdet_twice": (LP, t02.full_logdet, False),
    "log_pdf.logdet_half": (LP, t02.sum_log_diag_once, False),
    "log_pdf.no_constant": (LP, lambda X, m, c: lp(X, m, c) + 0.5 * X.shape[1] * LOG_2PI, False),
    "log_pdf.constant_d1": (LP, lambda X, m, c: lp(X, m, c) + 0.5 * (X.shape[1] - 1) * LOG_2PI, False),
    "log_pdf.wrong_sign": (LP, lambda X, m, c: -lp(X, m, c), False),
    "log_pdf.wrong_value": (LP, lambda X, m, c: lp(X, m, c) + 0.01, False),
    "log_pdf.quadratic_no_half": (LP, lambda X, m, c: lp(X, m, c) - 0.5 * _maha(X, m, c), False),
    "log_pdf.quadratic_halved_twice": (LP, lambda X, m, c: lp(X, m, c) + 0.25 * _maha(X, m, c), False),
    "log_pdf.solved_with_lt": (LP, t02.solve_with_LT, False),
    "log_pdf.multiplied_by_l": (LP, t02.multiply_by_L, False),
    "log_pdf.sigma_not_inverse": (LP, _sigma_not_inverse, False),
    "log_pdf.inverts_sigma": (LP, _with_inverse, False),
    "log_pdf.computes_det": (LP, _with_det, False),
    "log_pdf.det_overflow": (LP, _logdet_of_product, False),
    "log_pdf.variance_as_sd": (LP, _one_d(lambda var: var), False),
    "log_pdf.sqrt_twice": (LP, _one_d(lambda var: var**0.25), False),
    # ---- sample_mixture
    "sample_mixture.uses_reference": (S, lambda w, m, c, n, rng: sample(GMM(w, m, c), n, rng), False),
    "sample_mixture.not_a_pair": (S, _pair(lambda X, z: X), False),
    "sample_mixture.not_an_array": (S, _pair(lambda X, z: ("points", z)), False),
    "sample_mixture.wrong_shape": (S, _pair(lambda X, z: (X[:, :1], z)), False),
    "sample_mixture.transposed": (S, _pair(lambda X, z: (X.T, z)), False),
    "sample_mixture.nan": (S, _pair(lambda X, z: (X * np.nan, z)), False),
    "sample_mixture.labels_shape": (S, _pair(lambda X, z: (X, z[:, None])), False),
    "sample_mixture.labels_not_indices": (S, _pair(lambda X, z: (X, z + 10)), False),
    "sample_mixture.float_labels": (S, _pair(lambda X, z: (X, z.astype(float))), False),
    "sample_mixture.not_reproducible": (
        S,
        lambda w, m, c, n, rng: t02.sample_mixture(w, m, c, n, np.random.default_rng()),
        False,
    ),
    "sample_mixture.uniform_labels": (
        S,
        t02._sampler(_chol, pick=lambda rng, k, n, w: rng.integers(k, size=n)),
        False,
    ),
    "sample_mixture.wrong_frequencies": (S, _skewed_labels, False),
    "sample_mixture.labels_mismatch": (S, _means_of_next, False),
    "sample_mixture.wrong_mean": (S, _doubled_means, False),
    "sample_mixture.noise_times_sigma": (S, t02._sampler(lambda c: c), False),
    "sample_mixture.transposed_factor": (S, t02._sampler(lambda c: _chol(c).T), False),
    "sample_mixture.no_correlation": (S, t02._sampler(lambda c: np.diag(np.sqrt(np.diag(c)))), False),
    "sample_mixture.entrywise_sqrt": (S, t02._sampler(lambda c: np.sqrt(np.abs(c))), False),
    "sample_mixture.identity_covariance": (S, t02._sampler(lambda c: np.eye(len(c))), False),
    "sample_mixture.wrong_covariance": (S, t02._sampler(lambda c: 1.3 * _chol(c)), False),
    # ---- mixture_log_density
    "mixture_log_density.uses_reference": (
        MIX,
        lambda X, w, m, c: special.logsumexp(t02._log_joint(X, w, m, c), axis=1),
        False,
    ),
    "mixture_log_density.underflow": (MIX, t02._naive_mix, False),
    "mixture_log_density.not_an_array": (MIX, lambda X, w, m, c: "log p", False),
    "mixture_log_density.wrong_shape": (MIX, lambda X, w, m, c: t02.mixture_log_density(X, w, m, c)[:, None], False),
    "mixture_log_density.no_weights": (
        MIX,
        lambda X, w, m, c: t02.mixture_log_density(X, np.ones_like(w), m, c),
        False,
    ),
    "mixture_log_density.equal_weights": (
        MIX,
        lambda X, w, m, c: t02.mixture_log_density(X, np.full(len(w), 1 / len(w)), m, c),
        False,
    ),
    "mixture_log_density.only_max": (MIX, lambda X, w, m, c: t02._log_joint(X, w, m, c).max(axis=1), False),
    "mixture_log_density.sum_of_logs": (MIX, lambda X, w, m, c: t02._log_joint(X, w, m, c).sum(axis=1), False),
    "mixture_log_density.returned_density": (
        MIX,
        lambda X, w, m, c: np.exp(t02.mixture_log_density(X, w, m, c)),
        False,
    ),
    "mixture_log_density.wrong_value": (MIX, lambda X, w, m, c: t02.mixture_log_density(X, w, m, c) + 0.01, False),
    # ---- ellipse_axes
    "ellipse_axes.uses_reference": (ELL, lambda cov, level=0.95: ellipse_geometry(cov, level), False),
    "ellipse_axes.not_three_numbers": (ELL, lambda cov, level=0.95: t02.ellipse_axes(cov, level)[:2], False),
    "ellipse_axes.not_finite": (ELL, _ellipse(angle=np.nan), False),
    "ellipse_axes.eigenvalues_as_lengths": (ELL, _lam_axes(lambda lv, lam: 2 * _r(lv) * lam), False),
    "ellipse_axes.half_lengths": (ELL, _ellipse(scale=0.5), False),
    "ellipse_axes.swapped": (ELL, _lam_axes(lambda lv, lam: 2 * _r(lv) * np.sqrt(lam[::-1])), False),
    "ellipse_axes.wrong_size": (ELL, _ellipse(scale=1.1), False),
    "ellipse_axes.rows_not_columns": (ELL, t02._axes(np.sqrt, t02._rotation_rows), False),
    "ellipse_axes.minor_axis_angle": (ELL, _ellipse(angle=90.0), False),
    "ellipse_axes.radians": (ELL, t02._axes(np.sqrt, t02.COLUMN, radians=True), False),
    "ellipse_axes.wrong_angle": (ELL, _ellipse(angle=10.0), False),
    "ellipse_axes.ascending_order": (ELL, _first_eigenpair_as_major, False),
    "ellipse_axes.size_and_angle": (ELL, _ellipse(scale=0.5, angle=90.0), False),
    "ellipse_axes.no_radius": (ELL, _lam_axes(lambda lv, lam: 2 * np.sqrt(lam)), False),
    "ellipse_axes.radius_squared": (ELL, _lam_axes(lambda lv, lam: 2 * _r(lv) ** 2 * np.sqrt(lam)), False),
    "ellipse_axes.one_degree_of_freedom": (
        ELL,
        _lam_axes(lambda lv, lam: 2 * stats.norm.ppf((1 + lv) / 2) * np.sqrt(lam)),
        False,
    ),
    # ---- predicted_inside (a numeric answer: hidden is None)
    "predicted_inside.returned_none": (IN, lambda: None, None),
    "predicted_inside.not_a_number": (IN, lambda: "many", None),
    "predicted_inside.not_finite": (IN, lambda: float("nan"), None),
    "predicted_inside.area_scaling": (IN, lambda: 2000 * 0.95 / 4, None),
    "predicted_inside.linear_scaling": (IN, lambda: 2000 * 0.95 / 2, None),
    "predicted_inside.halved_r_squared": (IN, lambda: 2000 * (1 - np.exp(np.log(0.05) / 2)), None),
    "predicted_inside.outside": (IN, lambda: 2000 * 0.05**0.25, None),
    "predicted_inside.level_95": (IN, lambda: 1900, None),
    "predicted_inside.share_not_count": (IN, lambda: 1 - 0.05**0.25, None),
    "predicted_inside.wrong_value": (IN, lambda: 700, None),
    # ---- contour_level
    "contour_level.uses_reference": (LEV, lambda p, d: chi2_radius(p, d) ** 2, False),
    "contour_level.uses_chi2": (LEV, lambda p, d: special.chdtri(d, 1 - p), False),
    "contour_level.uses_gamma_law": (LEV, lambda p, d: 2 * stats.gamma.ppf(p, d / 2), False),
    "contour_level.not_a_number": (LEV, lambda p, d: "big", False),
    "contour_level.not_finite": (LEV, lambda p, d: float("inf"), False),
    "contour_level.returned_radius": (LEV, lambda p, d: np.sqrt(level(p, d)), False),
    "contour_level.two_dof_always": (LEV, lambda p, d: -2 * np.log(1 - p), False),
    "contour_level.one_dof": (LEV, lambda p, d: float(stats.norm.ppf((1 + p) / 2)) ** 2, False),
    "contour_level.sum_of_1d_levels": (LEV, lambda p, d: d * float(stats.norm.ppf((1 + p) / 2)) ** 2, False),
    "contour_level.tail_mass": (LEV, lambda p, d: level(1 - p, d), False),
    "contour_level.cdf_not_ppf": (LEV, lambda p, d: float(special.gammainc(d / 2, p / 2)), False),
    "contour_level.off_by_one": (LEV, lambda p, d: 2 * float(special.gammaincinv((d + 1) / 2, p)), False),
    "contour_level.half_level": (LEV, lambda p, d: float(special.gammaincinv(d / 2, p)), False),
    "contour_level.gamma_shape_d": (LEV, lambda p, d: 2 * float(special.gammaincinv(d, p)), False),
    "contour_level.wrong_value": (LEV, lambda p, d: 1.01 * level(p, d), False),
    # ---- n_params
    "n_params.not_a_number": (NP, lambda k, d, t="full": "many", False),
    "n_params.not_finite": (NP, lambda k, d, t="full": float("inf"), False),
    "n_params.float_count": (NP, lambda k, d, t="full": float(count(k, d, t)), False),
    "n_params.k_weights": (NP, lambda k, d, t="full": count(k, d, t) + 1, False),
    "n_params.no_weights": (NP, lambda k, d, t="full": count(k, d, t) - (k - 1), False),
    "n_params.no_means": (NP, lambda k, d, t="full": count(k, d, t) - k * d, False),
    "n_params.one_mean": (NP, lambda k, d, t="full": count(k, d, t) - k * d + d, False),
    "n_params.not_symmetric": (NP, _counts(full=lambda k, d: k * d * d), False),
    "n_params.full_as_diag": (NP, _counts(full=lambda k, d: k * d), False),
    "n_params.diag_as_full": (NP, _counts(diag=lambda k, d: k * d * (d + 1) // 2), False),
    "n_params.spherical_as_diag": (NP, _counts(spherical=lambda k, d: k * d), False),
    "n_params.tied_per_component": (NP, _counts(tied=lambda k, d: k * d * (d + 1) // 2), False),
    "n_params.tied_as_diag": (NP, _counts(tied=lambda k, d: d), False),
    "n_params.wrong_value": (NP, lambda k, d, t="full": 7, False),
}

# ids that need a second student object (the sampler of exercise 2 given to the contour-level check)
WITH_SAMPLER = {
    "contour_level.sampler_coverage": (LEV, level, _only_2d),
    "contour_level.sampler_output": (LEV, level, _pair(lambda X, z: X)),
    "predicted_inside.sampler_coverage": (IN, lambda: INSIDE, t02._sampler(lambda c: 1.5 * _chol(c))),
    "predicted_inside.sampler_output": (IN, lambda: INSIDE, _pair(lambda X, z: X)),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) | set(WITH_SAMPLER) == set(lesson02.MISTAKES)
    assert not set(WRONG) & set(WITH_SAMPLER)
    assert all(is_valid(m) for m in lesson02.MISTAKES)
    assert all(section for section in lesson02.MISTAKES.values()), "every lesson 02 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("mistake", list(WITH_SAMPLER))
def test_each_mistake_of_the_sampler_given_to_a_later_check(mistake):
    check, right, sampler = WITH_SAMPLER[mistake]
    assert mistake_of(check, right, None, sampler=sampler) == mistake


@pytest.mark.parametrize("check", [LP, S, MIX, ELL, LEV, NP], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, stub, False) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, False) == f"{name}.raised"
    assert mistake_of(check, 3, False) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)


def test_the_generic_ids_of_a_numeric_answer():
    assert mistake_of(IN, stub, None) == "predicted_inside.not_implemented"
    assert mistake_of(IN, crashes, None) == "predicted_inside.raised"


@pytest.mark.parametrize("check, right", [(LEV, level), (IN, lambda: INSIDE)], ids=["contour_level", "inside"])
def test_the_sampler_given_to_a_later_check_gets_the_generic_ids_too(check, right):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, right, None, sampler=stub) == f"{name}.not_implemented"
    assert mistake_of(check, right, None, sampler=crashes) == f"{name}.raised"
