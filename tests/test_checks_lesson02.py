"""The lesson 02 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy import linalg, special, stats

from coursepkg.checks import lesson02 as checks
from coursepkg.gaussian import log_pdf as ref_log_pdf

LOG_2PI = np.log(2 * np.pi)


# ---------------------------------------------------------------- reference solutions and their broken twins


def _parts(X, mean, cov):
    L = linalg.cholesky(cov, lower=True)
    y = linalg.solve_triangular(L, (X - mean).T, lower=True)
    return X.shape[1], L, np.sum(y**2, axis=0), 2 * np.log(np.diag(L)).sum()


def log_pdf(X, mean, cov):
    d, _, maha, logdet = _parts(X, mean, cov)
    return -0.5 * (d * LOG_2PI + logdet + maha)


def no_logdet(X, mean, cov):
    d, _, maha, _ = _parts(X, mean, cov)
    return -0.5 * (d * LOG_2PI + maha)


def full_logdet(X, mean, cov):  # -log|Sigma| instead of -1/2 log|Sigma|
    d, _, maha, logdet = _parts(X, mean, cov)
    return -0.5 * (d * LOG_2PI + 2 * logdet + maha)


def sum_log_diag_once(X, mean, cov):  # log|Sigma| taken as sum(log diag L): the factor 2 lost
    d, _, maha, logdet = _parts(X, mean, cov)
    return -0.5 * (d * LOG_2PI + logdet / 2 + maha)


def solve_with_LT(X, mean, cov):
    d, L, _, logdet = _parts(X, mean, cov)
    y = linalg.solve_triangular(L.T, (X - mean).T, lower=False)
    return -0.5 * (d * LOG_2PI + logdet + np.sum(y**2, axis=0))


def multiply_by_L(X, mean, cov):
    d, L, _, logdet = _parts(X, mean, cov)
    return -0.5 * (d * LOG_2PI + logdet + np.sum((L @ (X - mean).T) ** 2, axis=0))


def pdf_then_log(X, mean, cov):
    return np.log(np.exp(log_pdf(X, mean, cov)))


def returns_pdf(X, mean, cov):
    return np.exp(log_pdf(X, mean, cov))


def sample_mixture(weights, means, covs, n, rng):
    k, d = means.shape
    z = rng.choice(k, size=n, p=weights)
    eps = rng.standard_normal((n, d))
    X = np.empty((n, d))
    for j in range(k):
        X[z == j] = means[j] + eps[z == j] @ linalg.cholesky(covs[j], lower=True).T
    return X, z


def _sampler(factor, pick=None):
    """A sampler that scales the noise by factor(cov) and picks labels with pick(rng, k, n, weights)."""

    def sampler(weights, means, covs, n, rng):
        k, d = means.shape
        z = pick(rng, k, n, weights) if pick else rng.choice(k, size=n, p=weights)
        eps = rng.standard_normal((n, d))
        X = np.empty((n, d))
        for j in range(k):
            X[z == j] = means[j] + eps[z == j] @ factor(covs[j]).T
        return X, z

    return sampler


def mixture_log_density(X, weights, means, covs):
    a = np.stack([np.log(w) + log_pdf(X, m, c) for w, m, c in zip(weights, means, covs, strict=True)], axis=1)
    amax = a.max(axis=1)
    return amax + np.log(np.exp(a - amax[:, None]).sum(axis=1))


def _log_joint(X, weights, means, covs):
    return np.stack([np.log(w) + log_pdf(X, m, c) for w, m, c in zip(weights, means, covs, strict=True)], axis=1)


def ellipse_axes(cov, level=0.95):
    vals, vecs = np.linalg.eigh(cov)
    r = np.sqrt(stats.chi2.ppf(level, df=2))
    return 2 * r * np.sqrt(vals[1]), 2 * r * np.sqrt(vals[0]), np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))


def predicted_inside():
    return 2000 * (1 - 0.05**0.25)


def contour_level(p, d):
    return 2.0 * float(special.gammaincinv(d / 2, p))


def n_params(k, d, covariance_type="full"):
    cov = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k, "tied": d * (d + 1) // 2}[covariance_type]
    return (k - 1) + k * d + cov


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_log_pdf, log_pdf),
        (checks.check_sample_mixture, sample_mixture),
        (checks.check_mixture_log_density, mixture_log_density),
        (checks.check_ellipse_axes, ellipse_axes),
        (checks.check_contour_level, contour_level),
        (checks.check_n_params, n_params),
    ]
    answers = [(checks.check_predicted_inside, predicted_inside)]


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.gaussian.log_pdf"):
        checks.check_log_pdf(lambda X, m, c: ref_log_pdf(X, m, c))
    with pytest.raises(AssertionError, match="multivariate_normal"):
        checks.check_log_pdf(lambda X, m, c: stats.multivariate_normal(m, c).logpdf(X))


# ---------------------------------------------------------------- typical mistakes


@pytest.mark.parametrize(
    "wrong, message",
    [
        (returns_pdf, "returned the density, not its log"),
        (pdf_then_log, "computed the density first and took its log"),
        (no_logdet, "forgot the log-determinant"),
        (full_logdet, "log-determinant term is twice too big"),
        (sum_log_diag_once, "log-determinant is half"),
        (solve_with_LT, "you solved with L\\^T"),
        (multiply_by_L, "multiplied by L instead of solving"),
        (lambda X, m, c: log_pdf(X, m, c) + 0.5 * X.shape[1] * LOG_2PI, "forgot the normalising constant"),
        (lambda X, m, c: log_pdf(X, m, c)[:, None], r"shape \(30, 1\)"),
    ],
)
def test_log_pdf_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_log_pdf(wrong)


def test_log_pdf_variance_as_standard_deviation_in_1d():
    def std_mixup(X, mean, cov):
        if X.shape[1] == 1:  # treats the (1, 1) "covariance" as a standard deviation
            return _norm_logpdf(X[:, 0], mean[0], cov[0, 0])
        return log_pdf(X, mean, cov)

    with pytest.raises(AssertionError, match="variance where the standard deviation goes"):
        checks.check_log_pdf(std_mixup)


def _norm_logpdf(x, mu, sd):
    return -0.5 * (LOG_2PI + 2 * np.log(sd) + ((x - mu) / sd) ** 2)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (
            _sampler(lambda c: linalg.cholesky(c, lower=True), pick=lambda rng, k, n, w: rng.integers(k, size=n)),
            "equally frequent",
        ),
        (_sampler(lambda c: c), "multiplied the noise by Sigma"),
        (_sampler(lambda c: linalg.cholesky(c, lower=True).T), "transposed the Cholesky factor"),
        (_sampler(lambda c: np.diag(np.sqrt(np.diag(c)))), "no correlation"),
        (_sampler(lambda c: np.eye(len(c))), "identity covariance"),
    ],
)
def test_sampling_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_sample_mixture(wrong)


def test_sampling_labels_not_matching_points():
    def shuffled_labels(weights, means, covs, n, rng):
        X, z = sample_mixture(weights, means, covs, n, rng)
        return X, (z + 1) % len(weights)  # labels of another component

    with pytest.raises(AssertionError, match="(label frequencies|sit around mean)"):
        checks.check_sample_mixture(shuffled_labels)

    def independent_labels(weights, means, covs, n, rng):
        X, _ = sample_mixture(weights, means, covs, n, rng)
        return X, rng.choice(len(weights), size=n, p=weights)  # right frequencies, wrong points

    with pytest.raises(AssertionError, match="points labelled 0"):
        checks.check_sample_mixture(independent_labels)


def test_sampling_global_random_state_is_refused():
    def global_rng(weights, means, covs, n, rng):
        return sample_mixture(weights, means, covs, n, np.random.default_rng())

    with pytest.raises(AssertionError, match="same seed gave different samples"):
        checks.check_sample_mixture(global_rng)


def test_sampling_returns_a_pair():
    with pytest.raises(AssertionError, match=r"return a pair \(X, z\)"):
        checks.check_sample_mixture(lambda w, m, c, n, rng: sample_mixture(w, m, c, n, rng)[0])


def _naive_mix(X, weights, means, covs):
    return np.log(np.exp(_log_joint(X, weights, means, covs)).sum(axis=1))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_naive_mix, "Stay in log space"),
        (lambda X, w, m, c: mixture_log_density(X, np.ones_like(w), m, c), "forgot the weights"),
        (lambda X, w, m, c: mixture_log_density(X, np.full(len(w), 1 / len(w)), m, c), "equal weights 1/k"),
        (lambda X, w, m, c: _log_joint(X, w, m, c).max(axis=1), "only the largest term"),
        (lambda X, w, m, c: _log_joint(X, w, m, c).sum(axis=1), "summed the logs"),
        (lambda X, w, m, c: np.exp(mixture_log_density(X, w, m, c)), "returned the density, not its log"),
    ],
)
def test_mixture_log_density_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_mixture_log_density(wrong)


def test_mixture_scipy_logsumexp_is_refused():
    from scipy.special import logsumexp

    with pytest.raises(AssertionError, match="logsumexp"):
        checks.check_mixture_log_density(lambda X, w, m, c: logsumexp(_log_joint(X, w, m, c), axis=1))


def _axes(size, vec, r_of_level=lambda lv: np.sqrt(stats.chi2.ppf(lv, df=2)), full=2.0, swap=False, radians=False):
    def f(cov, level=0.95):
        vals, vecs = np.linalg.eigh(cov)
        r = r_of_level(level)
        big, small = full * r * size(vals[1]), full * r * size(vals[0])
        v = vec(vecs)
        angle = np.arctan2(v[1], v[0])
        return (small, big) if swap else (big, small), angle if radians else np.degrees(angle)

    return lambda cov, level=0.95: (*f(cov, level)[0], f(cov, level)[1])


COLUMN = lambda V: V[:, 1]  # noqa: E731


def _rotation_rows(V):
    """The second row of V, after flipping a column so that V is a rotation (det +1).

    For 2x2 input, eigh returns a symmetric V (a reflection, det -1) whose rows equal its columns, so
    the rows-for-columns mistake only shows with a rotation, which np.linalg.eig may well return.
    """
    V = V.copy()
    if np.linalg.det(V) < 0:
        V[:, 0] *= -1
    return V[1, :]


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_axes(lambda x: x, COLUMN), "eigenvalues as axis half-lengths"),
        (_axes(np.sqrt, _rotation_rows), "columns of the matrix the eigen-decomposition returns"),
        (_axes(np.sqrt, lambda V: V[:, 0]), "along the minor axis"),
        (_axes(np.sqrt, COLUMN, full=1.0), "half as long"),
        (_axes(np.sqrt, COLUMN, r_of_level=lambda lv: 1.0), "forgot the chi-square radius"),
        (_axes(np.sqrt, COLUMN, r_of_level=lambda lv: stats.chi2.ppf(lv, df=2)), "not the quantile itself"),
        (_axes(np.sqrt, COLUMN, r_of_level=lambda lv: np.sqrt(stats.chi2.ppf(lv, df=1))), "2 degrees of freedom"),
        (_axes(np.sqrt, COLUMN, swap=True), "width and height are swapped"),
        (_axes(np.sqrt, COLUMN, radians=True), "in radians"),
        (lambda cov, level=0.95: ellipse_axes(cov, level)[:2], "return three numbers"),
    ],
)
def test_ellipse_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_ellipse_axes(wrong)


def _n_params_with(**parts):
    """n_params with the count of one covariance type replaced: parts = {type: function of (k, d)}."""

    def f(k, d, covariance_type="full"):
        if covariance_type in parts:
            return (k - 1) + k * d + parts[covariance_type](k, d)
        return n_params(k, d, covariance_type)

    return f


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda k, d, t="full": n_params(k, d, t) + 1, "only k - 1 of them are free"),
        (lambda k, d, t="full": n_params(k, d, t) - (k - 1), "forgot the mixture weights"),
        (lambda k, d, t="full": n_params(k, d, t) - k * d, "the k means"),
        (_n_params_with(full=lambda k, d: k * d * d), "symmetric"),
        (_n_params_with(full=lambda k, d: k * d * (d - 1) // 2), "lost its d diagonal entries"),
        (_n_params_with(diag=lambda k, d: k * d * (d + 1) // 2), "only its d variances"),
        (_n_params_with(spherical=lambda k, d: k * d), "one variance per component"),
        (_n_params_with(tied=lambda k, d: k * d * (d + 1) // 2), "count it once"),
        (lambda k, d, t="full": 7, "count the weights, the means and the covariance entries"),
        (lambda k, d, t="full": "many", "should be a number"),
    ],
)
def test_n_params_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_n_params(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda p, d: np.sqrt(contour_level(p, d)), "returned the radius r"),
        (lambda p, d: -2 * np.log(1 - p), "2 degrees of freedom whatever d is"),
        (lambda p, d: float(special.gammaincinv(d / 2, p)), "half the level"),
        (lambda p, d: 2 * float(special.gammaincinv(d, p)), "shape parameter"),
        (lambda p, d: contour_level(1 - p, d), "mass outside"),
        (lambda p, d: d * float(stats.norm.ppf((1 + p) / 2)) ** 2, "describes a box"),
        (lambda p, d: stats.chi2.ppf(p, d), "calls chi2, scipy's chi-square law itself"),
        (lambda p, d: special.chdtri(d, 1 - p), "calls chdtri, scipy's chi-square law itself"),
        (lambda p, d: 2 * stats.gamma.ppf(p, d / 2), "calls scipy.stats.gamma"),
    ],
)
def test_contour_level_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_contour_level(wrong)


def test_contour_level_checked_on_the_students_sampler():
    def only_2d(weights, means, covs, n, rng):  # a sampler that ignores every dimension after the second
        X, z = sample_mixture(weights, means, covs, n, rng)
        X[:, 2:] = means[z][:, 2:]
        return X, z

    with pytest.raises(AssertionError, match="points from your sampler fall inside it"):
        checks.check_contour_level(contour_level, sampler=only_2d)
    with pytest.raises(AssertionError, match="finish exercise 2"):
        checks.check_contour_level(contour_level, sampler=lambda w, m, c, n, rng: sample_mixture(w, m, c, n, rng)[0])


def test_contour_level_with_the_sampler_passes(capsys):
    checks.check_contour_level(contour_level, sampler=sample_mixture)
    assert "of your sampler's points" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, message",
    [
        (2000 * 0.95 / 4, "a quarter of the area does not hold a quarter of the points"),
        (2000 * 0.95 / 2, "not proportional to the size"),
        (2000 * (1 - np.sqrt(0.05)), "r\\^2 goes down by a factor 4"),
        (2000 * 0.05**0.25, "outside the half-size ellipse"),
        (1900, "inside the full 95% ellipse"),
        (1 - 0.05**0.25, "is the share inside, which is right: return the count"),
        (700, "how does halving the axes change"),
        (lambda: None, "returned None"),
    ],
)
def test_predicted_inside_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_predicted_inside(wrong)


def test_predicted_inside_measured_on_the_students_sampler(capsys):
    checks.check_predicted_inside(predicted_inside, sampler=sample_mixture)
    assert "your sampler put" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="your prediction is right, but your sampler put"):
        checks.check_predicted_inside(
            predicted_inside, sampler=_sampler(lambda c: 1.5 * linalg.cholesky(c, lower=True))
        )


# ---------------------------------------------------------------- what the student reader found (report 0203)


def test_log_pdf_refuses_the_inverse_and_the_determinant():
    def with_inverse(X, mean, cov):
        diff = X - mean
        maha = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
        return -0.5 * (X.shape[1] * LOG_2PI + _parts(X, mean, cov)[3] + maha)

    with pytest.raises(AssertionError, match="never to invert Sigma") as failure:
        checks.check_log_pdf(with_inverse)
    assert failure.value.mistake == "log_pdf.inverts_sigma"

    def with_det(X, mean, cov):
        return log_pdf(X, mean, cov) + 0 * linalg.det(cov)

    with pytest.raises(AssertionError, match="never to compute \\|Sigma\\| itself"):
        checks.check_log_pdf(with_det)


def test_log_pdf_a_determinant_that_overflows_is_named():
    def product_of_diagonal(X, mean, cov):
        d, L, maha, _ = _parts(X, mean, cov)
        return -0.5 * (d * LOG_2PI + 2 * np.log(np.prod(np.diag(L))) + maha)

    with np.errstate(over="ignore"), pytest.raises(AssertionError, match="beyond the largest float"):
        checks.check_log_pdf(product_of_diagonal)


def test_log_pdf_messages_do_not_hand_over_the_log_determinant():
    for wrong in (full_logdet, sum_log_diag_once):
        with pytest.raises(AssertionError) as failure:
            checks.check_log_pdf(wrong)
        assert "sum(log diag L)" not in str(failure.value)


def test_sampling_float_labels_are_refused():
    def float_labels(weights, means, covs, n, rng):
        X, z = sample_mixture(weights, means, covs, n, rng)
        return X, z.astype(float)

    with pytest.raises(AssertionError, match="whole numbers stored as float64"):
        checks.check_sample_mixture(float_labels)


def test_sampling_transposed_factor_message_spells_out_the_rows():
    with pytest.raises(AssertionError, match=r"\(L eps\)\^T = eps\^T L\^T"):
        checks.check_sample_mixture(_sampler(lambda c: linalg.cholesky(c, lower=True).T))


def test_ellipse_every_wrong_part_is_reported_at_once():
    def first_eigenpair(cov, level=0.95):
        vals, vecs = np.linalg.eigh(cov)
        r = np.sqrt(stats.chi2.ppf(level, df=2))
        return 2 * r * np.sqrt(vals[0]), 2 * r * np.sqrt(vals[1]), np.degrees(np.arctan2(vecs[1, 0], vecs[0, 0]))

    with pytest.raises(AssertionError, match="swapped and your angle .* points along the minor axis") as failure:
        checks.check_ellipse_axes(first_eigenpair)
    assert "ascending order" in str(failure.value)
    with pytest.raises(AssertionError, match="two things are wrong. First, your axes are half as long.*Second, "):
        checks.check_ellipse_axes(_axes(np.sqrt, lambda V: V[:, 0], full=1.0))


def test_ellipse_messages_put_a_colon_after_the_case():
    with pytest.raises(AssertionError, match=r"level 0.95: your angle"):
        checks.check_ellipse_axes(_turned)


def _turned(cov, level=0.95):
    w, h, a = ellipse_axes(cov, level)
    return w, h, a + 10.0


def test_ellipse_arctan_of_the_ratio_is_right_modulo_180():
    def with_arctan(cov, level=0.95):
        vals, vecs = np.linalg.eigh(cov)
        r = np.sqrt(stats.chi2.ppf(level, df=2))
        v = vecs[:, 1]
        with np.errstate(divide="ignore"):
            angle = np.degrees(np.arctan(v[1] / v[0]))
        return 2 * r * np.sqrt(vals[1]), 2 * r * np.sqrt(vals[0]), angle

    checks.check_ellipse_axes(with_arctan, hidden=True)


def test_n_params_float_counts_are_refused():
    def halves(k, d, covariance_type="full"):
        sym = d * (d + 1) / 2
        return k - 1 + k * d + {"full": k * sym, "diag": k * d, "spherical": k, "tied": sym}[covariance_type]

    with pytest.raises(AssertionError, match="is right but a float, not an int"):
        checks.check_n_params(halves)
    checks.check_n_params(lambda k, d, t="full": np.int64(n_params(k, d, t)))


def test_ellipse_a_nan_angle_is_named_without_printing_nan():
    def nan_when_vertical(cov, level=0.95):
        w, h, a = ellipse_axes(cov, level)
        v = np.linalg.eigh(cov)[1][:, 1]
        return w, h, (np.nan if abs(v[0]) < 1e-12 else a)

    with pytest.raises(AssertionError, match="v_1 = 0 is vertical, and still has an angle") as failure:
        checks.check_ellipse_axes(nan_when_vertical)
    assert "nan" not in str(failure.value)
