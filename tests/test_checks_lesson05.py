"""The lesson 05 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy import special

from coursepkg import em
from coursepkg.checks import lesson05 as checks
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import GMM

# ---------------------------------------------------------------- reference solutions


def logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # a row of -inf: any finite shift, the sum is 0 and the answer -inf
    with np.errstate(divide="ignore"):  # log 0 = -inf is the answer there
        return np.squeeze(m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)), axis=axis)


def logsumexp_nan_on_empty_rows(a, axis):
    """The textbook shift by the row's maximum, which gives -inf - (-inf) = NaN on a row of -inf."""
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)), axis=axis)


def log_joint(X, weights, means, covs):
    return np.column_stack([np.log(w) + log_pdf(X, m, c) for w, m, c in zip(weights, means, covs, strict=True)])


def e_step(X, weights, means, covs):
    a = log_joint(X, weights, means, covs)
    log_px = logsumexp(a, axis=1)
    return np.exp(a - log_px[:, None]), float(log_px.sum())


def _a(x=2.0):
    pis, mus, var = np.array([0.5, 0.5]), np.array([0.0, 3.0]), np.array([4.0, 0.1])
    return np.log(pis) - 0.5 * np.log(2 * np.pi * var) - (x - mus) ** 2 / (2 * var)


def r_nearest():
    a = _a()
    return float(np.exp(a[1] - logsumexp(a, axis=0)))


def multiplier():
    return float(1 - logsumexp(_a(), axis=0))


def r_after_doubling(r):
    return float(2 * r / (1 + r))


def place_mu_2():
    return 3.27


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_logsumexp, logsumexp),
        (checks.check_logsumexp_minus_inf_rows, logsumexp),
        (checks.check_e_step, e_step),
        (checks.check_r_after_doubling, r_after_doubling),
    ]
    answers = [
        (checks.check_r_nearest, r_nearest),
        (checks.check_multiplier, multiplier),
        (checks.check_place_mu_2, place_mu_2),
    ]


def test_undefined_name_is_reported():
    def uses_undefined(X, weights, means, covs):
        a = log_joint(X, weights, means, covs)
        return np.exp(a - log_norm[:, None]), 0.0  # noqa: F821

    with pytest.raises(AssertionError, match="NameError.*log_norm"):
        checks.check_e_step(uses_undefined)


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls scipy.special.*logsumexp"):
        checks.check_logsumexp(lambda a, axis: special.logsumexp(a, axis=axis))
    with pytest.raises(AssertionError, match="calls coursepkg.em.e_step"):
        checks.check_e_step(lambda X, w, m, c: em.e_step(X, GMM(w, m, c)))


# ---------------------------------------------------------------- logsumexp mistakes


def _naive(a, axis):
    return np.log(np.sum(np.exp(a), axis=axis))


def _global_max(a, axis):
    m = np.max(a)
    return m + np.log(np.sum(np.exp(a - m), axis=axis))


def _keepdims(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_naive, r"\+inf: exp\(1000\) overflows"),
        (_global_max, "maximum of the whole array"),
        (_keepdims, "summed axis should disappear"),
        (lambda a, axis: logsumexp(a, 1 - axis), "wrong axis"),
        (lambda a, axis: logsumexp(a, axis) - np.max(a, axis=axis), "add the maximum back"),
        (lambda a, axis: np.max(a, axis=axis), "only the maximum"),
        (lambda a, axis: np.exp(logsumexp(a, axis)), "take its logarithm"),
        (lambda a, axis: np.sum(a, axis=axis), "not a sum"),
        (lambda a, axis: None, "returned None"),
    ],
)
def test_logsumexp_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_logsumexp(wrong)


def test_logsumexp_underflow_is_named():
    # only the very negative row: the naive version gives -inf
    def naive_for_negative(a, axis):
        if np.max(a) < -500:
            return np.log(np.sum(np.exp(a), axis=axis))
        return logsumexp(a, axis)

    with pytest.raises(AssertionError, match=r"-inf: exp\(-1000\) underflows"), np.errstate(all="ignore"):
        checks.check_logsumexp(naive_for_negative, hidden=True)


# ---------------------------------------------------------------- e_step mistakes


def _wrong_axis(X, w, m, c):
    a = log_joint(X, w, m, c)
    e = np.exp(a - a.max())
    return e / e.sum(axis=0, keepdims=True), float(logsumexp(a, axis=1).sum())


def _pdf_underflow(X, w, m, c):
    joint = np.exp(log_joint(X, w, m, c))
    return joint / joint.sum(axis=1, keepdims=True), float(np.log(joint.sum(axis=1)).sum())


def _pdf_with_eps(X, w, m, c):
    joint = np.exp(log_joint(X, w, m, c))
    return joint / (joint.sum(axis=1, keepdims=True) + 1e-300), e_step(X, w, m, c)[1]


def _transposed(X, w, m, c):
    r, ll = e_step(X, w, m, c)
    return r.T, ll


def _no_weights(X, w, m, c):
    a = np.column_stack([log_pdf(X, mk, ck) for mk, ck in zip(m, c, strict=True)])
    return np.exp(a - logsumexp(a, axis=1)[:, None]), float(logsumexp(log_joint(X, w, m, c), axis=1).sum())


def _weights_not_logged(X, w, m, c):
    a = np.column_stack([wk + log_pdf(X, mk, ck) for wk, mk, ck in zip(w, m, c, strict=True)])
    return np.exp(a - logsumexp(a, axis=1)[:, None]), 0.0


def _no_logdet(X, w, m, c):
    a = np.column_stack(
        [
            np.log(wk) + log_pdf(X, mk, ck) + 0.5 * np.linalg.slogdet(2 * np.pi * ck)[1]
            for wk, mk, ck in zip(w, m, c, strict=True)
        ]
    )
    return np.exp(a - logsumexp(a, axis=1)[:, None]), 0.0


def _log_resp(X, w, m, c):
    a = log_joint(X, w, m, c)
    return a - logsumexp(a, axis=1)[:, None], 0.0


def _hard(X, w, m, c):
    a = log_joint(X, w, m, c)
    return np.eye(len(w))[np.argmax(a, axis=1)], 0.0


def _unnormalised(X, w, m, c):
    a = log_joint(X, w, m, c)
    return np.exp(a - a.max(axis=1, keepdims=True)), 0.0


def _ll(transform):
    def student(X, w, m, c):
        a = log_joint(X, w, m, c)
        r = np.exp(a - logsumexp(a, axis=1)[:, None])
        return r, transform(a, r, X, w, m, c)

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_wrong_axis, r"normalised over points \(axis=0\) instead of over components"),
        (_pdf_underflow, "contain NaN.*0/0.*log-sum-exp"),
        (_pdf_with_eps, "all 0.*log-sum-exp"),
        (_transposed, r"transposed: return shape \(40, 3\)"),
        (_no_weights, "forgot the weights pi_k"),
        (_weights_not_logged, "enters as log pi_k"),
        (_no_logdet, "normalising constant"),
        (_log_resp, "returned log r_nk"),
        (_hard, "hard one-hot"),
        (_unnormalised, "Divide each row by its sum"),
        (lambda X, w, m, c: e_step(X, w, m, c)[0], r"only the responsibilities \(they are right\)"),
        (lambda X, w, m, c: _wrong_axis(X, w, m, c)[0], "axis=0"),
        (_ll(lambda a, r, *_: logsumexp(a, axis=1)), "one log p\\(x_n\\) per point"),
        (_ll(lambda a, r, *_: float(logsumexp(a, axis=1).mean())), "averaged over points"),
        (_ll(lambda a, r, X, w, m, c: float(logsumexp(a - np.log(w), axis=1).sum())), "weights pi_k inside the log"),
        (_ll(lambda a, r, *_: float(np.sum(r * a))), "that is Q"),
        (_ll(lambda a, r, *_: float(a.max(axis=1).sum())), "largest term"),
        (_ll(lambda a, r, *_: float(np.log(np.exp(a).sum(axis=1)).sum())), "underflows to log\\(0\\)"),
        (_ll(lambda a, r, *_: "ll"), "should be a number"),
        (lambda X, w, m, c: 3, "should return a pair"),
    ],
)
def test_e_step_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_e_step(wrong)


def test_e_step_hidden_cases_catch_a_hardcoded_dimension():
    def only_2d(X, w, m, c):
        assert X.shape[1] == 2, "expects 2-D data"
        return e_step(X, w, m, c)

    checks.check_e_step(only_2d)
    with pytest.raises(AssertionError, match=r"AssertionError: expects 2-D data(.|\n)* on d = 1"):
        checks.check_e_step(only_2d, hidden=True)


# ---------------------------------------------------------------- numeric answers

R = r_nearest()


@pytest.mark.parametrize(
    "value, message",
    [
        (1 - R, "wide component"),
        (1.0, "k-means' hard answer"),
        (0.5, "equal weights do not make equal responsibilities"),
        (checks._two_component_r1(drop_logdet=True), "normalising constants"),
        (checks._two_component_r1(variances=(2.0, 0.1**0.5)), "standard deviations where the variances go"),
        (0.3, "not the responsibility"),
        ("0.07", None),
    ],
)
def test_r_nearest_mistakes(value, message, capsys):
    if message is None:  # a string that parses as a number is accepted as that number (and is wrong here)
        with pytest.raises(AssertionError, match="not the responsibility"):
            checks.check_r_nearest(value)
        return
    with pytest.raises(AssertionError, match=message):
        checks.check_r_nearest(value)


def test_r_nearest_none_and_text():
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_r_nearest(lambda: None)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_r_nearest(lambda: "small")


LAM = multiplier()
LOG_P = 1 - LAM


@pytest.mark.parametrize(
    "value, message",
    [
        (LOG_P - 1, "sign is flipped"),
        (-LOG_P, "derivative of q log q is log q \\+ 1"),
        (LOG_P, "log p\\(x\\) itself"),
        (1 + LOG_P, "check the sign of log p"),
        (1 - (LOG_P + np.log(2)), "weights pi_k = 1/2"),
        (1 - _a().max(), "largest a_k"),
        (0.0, "not the multiplier"),
    ],
)
def test_multiplier_mistakes(value, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_multiplier(lambda: value)


# ---------------------------------------------------------------- exercise 3: predict, doubling a weight


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda r: r, "doubling pi_j changes the responsibility"),
        (lambda r: 2 * r, "you doubled r itself"),
        (lambda r: 2 * r / (1 + 2 * r), "treated r as the odds"),
        (lambda r: (1 + r) / 2, "halved the other components' share"),
        (lambda r: r**0.5, "the E-step measures"),
        (lambda r: None, "should be a number"),
    ],
)
def test_r_after_doubling_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_r_after_doubling(wrong)


def test_r_after_doubling_names_components_by_course_number_and_python_index():
    with pytest.raises(AssertionError, match=r"component 2 \(Python index 1, r = "):
        checks.check_r_after_doubling(lambda r: r)


def test_r_after_doubling_is_measured_not_assumed():
    """The reference is the E-step before and after doubling, and it agrees with 2r / (1 + r)."""
    for r, after, _ in checks._doubling_cases(hidden=True):
        assert after == pytest.approx(2 * r / (1 + r), rel=1e-9, abs=1e-15)


def test_r_after_doubling_hidden_cases_reach_the_ends():
    with pytest.raises(AssertionError, match="r = 0"):
        checks.check_r_after_doubling(lambda r: 2 * r / (1 + r) if r > 0 else 0.5, hidden=True)


# ---------------------------------------------------------------- exercise 4: decide where mu_2 goes


@pytest.mark.parametrize(
    "mu_2, message",
    [
        (4.5, "not nearer to component 2"),
        (-0.5, "not nearer to component 2"),
        (2.5, "component 2 still takes"),
        (3.1, "leaves out the normalising constants"),
        (3.0, "not by 0.99"),
        (3.5, "more than 0.999"),
        (float("nan"), "finite number"),
    ],
)
def test_place_mu_2_mistakes(mu_2, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_place_mu_2(mu_2)


@pytest.mark.parametrize("mu_2", [3.18, 3.25, 3.36, 0.65, 0.8])
def test_place_mu_2_accepts_the_whole_band_on_both_sides(mu_2):
    checks.check_place_mu_2(mu_2)
    assert 0.99 <= checks._r1_for(mu_2) <= 0.999


# ---------------------------------------------------------------- exercise 1: a row of -inf


def test_a_row_of_minus_inf_gives_minus_inf_like_scipy():
    for a, axis, _ in checks.MINUS_INF_CASES + checks.MINUS_INF_HIDDEN:
        want = special.logsumexp(a, axis=axis)
        assert np.isneginf(want).sum() == 1
        np.testing.assert_array_equal(logsumexp(a, axis), want)
    # the other cases of check_logsumexp do not tell the two apart
    checks.check_logsumexp(logsumexp_nan_on_empty_rows, hidden=True)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (logsumexp_nan_on_empty_rows, "NaN where every entry is -inf.*which m will you subtract"),
        (lambda a, axis: np.where(np.isneginf(logsumexp(a, axis)), 0.0, logsumexp(a, axis)), "your result is 0 where"),
        (lambda a, axis: np.where(np.isneginf(logsumexp(a, axis)), -1e300, logsumexp(a, axis)), "log 0 = -inf"),
        (lambda a, axis: logsumexp(a, axis) + 1.0, "right on the all -inf part but wrong on the others"),
        (lambda a, axis: np.zeros(5), r"has shape \(5,\), expected \(2,\)"),
        (lambda a, axis: "log", "should be a numeric array"),
        (lambda a, axis: None, "returned None"),
    ],
)
def test_minus_inf_rows_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_logsumexp_minus_inf_rows(wrong)


def test_minus_inf_rows_refuses_the_reference():
    with pytest.raises(AssertionError, match="calls scipy.special.*logsumexp"):
        checks.check_logsumexp_minus_inf_rows(lambda a, axis: special.logsumexp(a, axis=axis))
