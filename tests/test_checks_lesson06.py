"""The lesson 06 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)

from coursepkg import em
from coursepkg.checks import lesson06 as checks
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import GMM

# ---------------------------------------------------------------- reference solutions


def m_step(X, resp, reg_covar=1e-6):
    n, d = X.shape
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    covs = np.empty((len(Nk), d, d))
    for k in range(len(Nk)):
        diff = X - means[k]
        covs[k] = (resp[:, k, None] * diff).T @ diff / Nk[k] + reg_covar * np.eye(d)
    return Nk / n, means, covs


def q(X, resp, weights, means, covs):
    return float(
        sum(np.sum(resp[:, k] * (np.log(weights[k]) + log_pdf(X, means[k], covs[k]))) for k in range(len(weights)))
    )


Q = q  # the notebook's name for it


def dq_dsigma(X, resp, means, covs, j):
    r = resp[:, j]
    P = np.linalg.inv(covs[j])
    diff = X - means[j]
    S = (r[:, None] * diff).T @ diff
    return -r.sum() / 2 * P + P @ S @ P / 2


def map_weights(Nk, alpha):
    return (Nk + alpha - 1) / (Nk.sum() + len(Nk) * (alpha - 1))


def rise_per_decade(d):
    return d * np.log(10)


def choose_reg_covar():
    return 0.005


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_m_step, m_step),
        (checks.check_q, q),
        (checks.check_dq_dsigma, dq_dsigma),
        (checks.check_map_weights, map_weights),
        (checks.check_rise_per_decade, rise_per_decade),
    ]
    answers = [(checks.check_choose_reg_covar, choose_reg_covar)]


def test_calling_the_reference_is_refused():
    def uses_em(X, resp, reg_covar=1e-6):
        g = em.m_step(X, resp, reg_covar)
        return g.weights, g.means, g.covariances

    with pytest.raises(AssertionError, match="calls coursepkg.em.m_step"):
        checks.check_m_step(uses_em)


# ---------------------------------------------------------------- M-step mistakes


def _variant(weights=None, means=None, covs=None):
    """The reference M-step with one part replaced by a wrong computation f(X, resp, reg, w, m, c)."""

    def student(X, resp, reg_covar=1e-6):
        w, m, c = m_step(X, resp, reg_covar)
        w2 = weights(X, resp, reg_covar, w, m, c) if weights else w
        m2 = means(X, resp, reg_covar, w, m, c) if means else m
        c2 = covs(X, resp, reg_covar, w, m, c) if covs else c
        return w2, m2, c2

    return student


def _covs(X, resp, reg, centre=True, divide_by="Nk", weighted=True, diag=True, fixed_reg=None):
    n, d = X.shape
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    out = []
    for k in range(len(Nk)):
        diff = X - means[k] if centre else X
        wts = resp[:, k] if weighted else np.ones(n)
        S = (wts[:, None] * diff).T @ diff
        S = S / (Nk[k] if divide_by == "Nk" else n)
        r = reg if fixed_reg is None else fixed_reg
        out.append(S + (r * np.eye(d) if diag else r))
    return np.array(out)


def _uncentred_minus_mean(X, resp, reg, w, m, c):
    Nk = resp.sum(axis=0)
    d = X.shape[1]
    return np.array(
        [(resp[:, k, None] * X).T @ X / Nk[k] - np.outer(m[k], m[k]) + reg * np.eye(d) for k in range(len(Nk))]
    )


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_variant(weights=lambda X, r, *_: r.sum(axis=0)), "divide by N: pi_k = N_k / N"),
        (_variant(weights=lambda X, r, *_: r.sum(axis=1) / r.shape[1]), "one per point"),
        (_variant(weights=lambda X, r, *_: np.full(r.shape[1], 1 / r.shape[1])), "all 1/K"),
        (_variant(means=lambda X, r, *_: r.T @ X), "weighted sums"),
        (_variant(means=lambda X, r, *_: r.T @ X / len(X)), "divided by N instead of N_k"),
        (_variant(means=lambda X, r, *_: (r.T @ X / r.sum(axis=0)[:, None]).T), "transposed"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, 0.0)), "forgot reg_covar"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, reg, fixed_reg=1e-6)), "not the reg_covar argument"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, reg, diag=False)), "diagonal only"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, reg, divide_by="n")), "divided by N instead of N_k"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, reg, centre=False)), "forgot to centre"),
        (
            _variant(
                covs=lambda X, r, reg, *_: (
                    _covs(X, r, reg, weighted=False) * 0 + np.cov(X.T, bias=True) + reg * np.eye(X.shape[1])
                )
            ),
            "plain covariance",
        ),
        (
            _variant(
                covs=lambda X, r, reg, *_: np.array(
                    [np.cov(X.T, aweights=r[:, k]) + reg * np.eye(2) for k in range(r.shape[1])]
                )
            ),
            "bias=True",
        ),
        (_variant(covs=lambda X, r, reg, *_: np.transpose(_covs(X, r, reg), (1, 2, 0))), r"stack them as \(K, d, d\)"),
        (lambda X, r, reg=1e-6: m_step(X, r, reg)[:2], "should return a tuple"),
    ],
)
def test_m_step_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_m_step(wrong)


def test_m_step_uncentred_formula_fails_only_after_the_shift():
    student = _variant(covs=_uncentred_minus_mean)
    checks.check_m_step(student)  # right on data near the origin
    with pytest.raises(AssertionError, match="E\\[x x\\^T\\] - mu mu\\^T .* Centre first"):
        checks.check_m_step(student, hidden=True)


def test_m_step_nan_for_a_zero_division():
    def nan_cov(X, r, reg=1e-6):
        w, m, c = m_step(X, r, reg)
        c = c.copy()
        c[0, 0, 0] = np.nan
        return w, m, c

    with pytest.raises(AssertionError, match="covariances contain NaN"):
        checks.check_m_step(nan_cov)


# ---------------------------------------------------------------- Q mistakes


def _q(transform):
    def student(X, resp, w, m, c):
        logN = np.column_stack([log_pdf(X, m[k], c[k]) for k in range(len(w))])
        return transform(X, resp, np.asarray(w), logN)

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_q(lambda X, r, w, L: float(np.sum(r * L))), "forgot log pi_k"),
        (_q(lambda X, r, w, L: float(np.sum(r * (L + w)))), "as log pi_k, not pi_k"),
        (_q(lambda X, r, w, L: float(np.log(np.exp(L + np.log(w)).sum(axis=1)).sum())), "log-likelihood log p\\(X\\)"),
        (
            _q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)) - r * np.log(r)))),
            "lower bound L\\(q, theta\\) = Q \\+ entropy",
        ),
        (_q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)))) / len(X)), "averaged"),
        (_q(lambda X, r, w, L: float(np.sum(L + np.log(w)))), "without weighting each term by r_nk"),
        (_q(lambda X, r, w, L: r * (L + np.log(w))), "one number"),
        (_q(lambda X, r, w, L: float(np.sum(r * np.log(w * np.exp(L))))), "not a finite number"),
        (_q(lambda X, r, w, L: None), "returned None"),
    ],
)
def test_Q_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_q(wrong)


def test_Q_zero_responsibilities_in_hidden_cases():
    def nan_on_zero(X, resp, w, m, c):
        logN = np.column_stack([log_pdf(X, m[k], c[k]) for k in range(len(w))])
        return float(np.sum(resp * (logN + np.log(w)) + 0 * np.log(resp)))

    checks.check_q(nan_on_zero)
    with pytest.raises(AssertionError, match="r_nk = 0 times log N is 0"), np.errstate(all="ignore"):
        checks.check_q(nan_on_zero, hidden=True)


# ---------------------------------------------------------------- dQ / dSigma


def _grad_variant(key):
    def student(X, resp, means, covs, j):
        return checks.reference_dq_dsigma(X, resp, means, covs, j, key)

    return student


def _fd_symmetric(X, resp, weights, means, covs, j, h=1e-6):
    """Central differences of Q moving Sigma_ab and Sigma_ba together: G_aa on the diagonal, 2 G_ab off it."""
    d = X.shape[1]
    out = np.empty((d, d))
    for a in range(d):
        for b in range(a, d):
            values = []
            for step in (h, -h):
                moved = np.array(covs, dtype=float)
                moved[j, a, b] += step
                if a != b:
                    moved[j, b, a] += step
                values.append(Q(X, resp, weights, means, moved))
            out[a, b] = out[b, a] = (values[0] - values[1]) / (2 * h)
    return out


@pytest.mark.parametrize("hidden", [False, True])
def test_the_dq_dsigma_reference_agrees_with_finite_differences_of_Q(hidden):
    for X, resp, (m, c), j, _ in checks._dq_dsigma_cases(hidden):
        G = checks.reference_dq_dsigma(X, resp, m, c, j)
        weights = np.full(len(m), 1.0 / len(m))
        fd = _fd_symmetric(X, resp, weights, m, c, j)
        np.testing.assert_allclose(fd, 2 * G - np.diag(np.diag(G)), atol=1e-6 * max(1.0, np.abs(G).max()))


@pytest.mark.parametrize(
    "key, message",
    [
        ("no_half", "lost the factor 1/2"),
        ("n_for_nk", "N where N_k belongs"),
        ("logdet_sign", "sign of the log-determinant term"),
        ("trace_sign", "sign of the quadratic term"),
        ("order", "wrong order"),
        ("not_sandwiched", "the quadratic term is S / 2"),
        ("precision", "with respect to the precision"),
        ("symmetric", "Sigma_ab and Sigma_ba move together"),
        ("negated", "gradient of -Q"),
        ("optimum_mean", "centred the scatter on the weighted mean"),
        ("uncentred", "did not centre the scatter"),
    ],
)
def test_dq_dsigma_mistakes(key, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_dq_dsigma(_grad_variant(key))


def test_dq_dsigma_other_failures():
    with pytest.raises(AssertionError, match="differs from the reference"):
        checks.check_dq_dsigma(lambda X, r, m, c, j: dq_dsigma(X, r, m, c, j) * 1.01)
    with pytest.raises(AssertionError, match=r"came back with shape \(3, 2, 2\)"):
        checks.check_dq_dsigma(lambda X, r, m, c, j: np.array([dq_dsigma(X, r, m, c, i) for i in range(3)]))


def test_dq_dsigma_hidden_cases_catch_a_hardcoded_dimension():
    def only_2d(X, r, m, c, j):
        return np.linalg.inv(c[j][:2, :2]) * 0 + dq_dsigma(X, r, m, c, j)[:2, :2]

    checks.check_dq_dsigma(only_2d)
    with pytest.raises(AssertionError, match=r"3-D data .* came back with shape \(2, 2\); expected \(3, 3\)"):
        checks.check_dq_dsigma(only_2d, hidden=True)


# ---------------------------------------------------------------- the weights under a prior


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda Nk, a: Nk / Nk.sum(), "without the prior"),
        (lambda Nk, a: (Nk + a) / (Nk.sum() + len(Nk) * a), "you added alpha, not alpha - 1"),
        (lambda Nk, a: (Nk + a - 1) / Nk.sum(), "kept nu = N"),
        (lambda Nk, a: (Nk + a - 1) / (Nk.sum() + a - 1), "nu counts alpha - 1 once"),
        (lambda Nk, a: (Nk - a + 1) / (Nk.sum() - len(Nk) * (a - 1)), "sign of the prior"),
        (lambda Nk, a: (Nk + a - 1) / (Nk.sum() + len(Nk) * (a - 1)) * 1.1, "sum to 1.1"),
        (lambda Nk, a: np.sort(map_weights(Nk, a)), "not the maximiser"),
        (lambda Nk, a: map_weights(Nk, a)[:2], r"came back with shape \(2,\)"),
    ],
)
def test_map_weights_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_map_weights(wrong)


def test_map_weights_reference_is_the_maximum():
    """The closed form beats 2000 random points of the simplex on the objective, for every visible case."""
    rng = np.random.default_rng(0)
    for Nk, alpha, _ in checks._map_weights_cases(hidden=True):
        best = map_weights(Nk, alpha)
        coeff = Nk + alpha - 1
        objective = coeff @ np.log(best)
        others = np.log(rng.dirichlet(np.ones(len(Nk)), size=2000)) @ coeff
        assert others.max() <= objective + 1e-12


# ---------------------------------------------------------------- the rise of a spike


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda d: d * np.log(10) / 2, "per factor 10 in the variance sigma\\^2"),
        (lambda d: np.log(10), "that is the 1-D rate"),
        (lambda d: 0.5 * np.log(10), "1-D rate per factor 10 in the variance"),
        (lambda d: float(d), "base-10"),
        (lambda d: -d * np.log(10), "rises"),
        (lambda d: 3.0 * d, "the measured rise is"),
        (lambda d: "fast", "should be a number"),
    ],
)
def test_rise_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_rise_per_decade(wrong)


def test_the_measured_rise_is_d_log_10():
    for d in (1, 2, 3, 5, 10):
        assert checks.measured_rise(d) == pytest.approx(d * np.log(10), rel=1e-8)


# ---------------------------------------------------------------- the floor


@pytest.mark.parametrize(
    "eps, message",
    [
        (1e-6, "default reg_covar = 1e-6 the collapsed fit wins by 3.68 nats"),
        (checks._floor_neglecting_the_share(), "neglects the density the honest component still gives x_m"),
        (0.002, "the floor is too small"),
        (0.02, "more than 1% of the data's variance"),
        (0.0, "must be positive"),
        (-1e-3, "must be positive"),
        ("big", "should be a number"),
    ],
)
def test_choose_reg_covar_mistakes(eps, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_choose_reg_covar(eps)


def test_the_floors_that_stop_the_collapse_form_one_band():
    """Below the tie point (about 0.0039) the collapsed fit wins, above it up to 0.01 s^2 it loses: one band."""
    from scipy import optimize, stats

    x, m, mu, var = checks.floor_problem()
    tie = optimize.brentq(checks.floor_gap, 1e-3, 0.01 * var)
    assert 0.0035 < tie < 0.0045
    floors = np.geomspace(1e-8, 0.01 * var, 300)
    gaps = np.array([checks.floor_gap(e) for e in floors])
    assert np.all((gaps > 0) == (floors < tie))
    # the gap by scipy, independently of log_joint
    eps = 0.005
    honest = stats.norm.logpdf(x, mu, np.sqrt(var + eps)).sum()
    mixed = np.logaddexp(
        np.log(1 - 1 / len(x)) + stats.norm.logpdf(x, mu, np.sqrt(var + eps)),
        np.log(1 / len(x)) + stats.norm.logpdf(x, x[m], np.sqrt(eps)),
    ).sum()
    assert checks.floor_gap(eps) == pytest.approx(mixed - honest, abs=1e-9)


def test_m_step_reference_agrees_with_the_package():
    X, resp = checks.X_B, checks.RESP_B
    ref = em.m_step(X, resp, reg_covar=1e-3)
    w, m, c = checks.reference_m_step(X, resp, 1e-3)
    np.testing.assert_allclose(w, ref.weights, rtol=1e-12)
    np.testing.assert_allclose(m, ref.means, rtol=1e-12)
    np.testing.assert_allclose(c, ref.covariances, rtol=1e-10, atol=1e-14)
    gmm = GMM(w, m, c)
    assert gmm.k == 3
