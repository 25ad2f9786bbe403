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


def dq_dchol(X, resp, means, chols, j):
    r = resp[:, j]
    L = chols[j]
    P = np.linalg.inv(L @ L.T)
    diff = X - means[j]
    S = (r[:, None] * diff).T @ diff
    G = -r.sum() / 2 * P + P @ S @ P / 2
    return np.tril(2 * G @ L)


def map_weights(Nk, alpha):
    nu = Nk.sum() + len(Nk) * (alpha - 1)
    return (Nk + alpha - 1) / nu, nu


def rise_per_decade(d):
    return d * np.log(10)


def choose_reg_covar():
    return 0.005


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_m_step, m_step),
        (checks.check_q, q),
        (checks.check_dq_dchol, dq_dchol),
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


def _unweighted_scatter(X, resp, reg, w, m, c):
    d = X.shape[1]
    return np.array([(X - m[k]).T @ (X - m[k]) / resp[:, k].sum() + reg * np.eye(d) for k in range(len(w))])


def _r_squared(X, resp, reg, w, m, c):
    d = X.shape[1]
    out = []
    for k in range(len(w)):
        weighted = resp[:, k, None] * (X - m[k])
        out.append(weighted.T @ weighted / resp[:, k].sum() + reg * np.eye(d))
    return np.array(out)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_variant(covs=_unweighted_scatter), "must carry its weight r_nk: you summed them over all points unweighted"),
        (_variant(covs=_r_squared), "gives r_nk\\^2"),
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


def test_m_step_uncentred_formula_fails_on_the_visible_shifted_case():
    """E[x x^T] - mu mu^T is right near the origin and fails, named, on the visible case shifted by 10^8."""
    student = _variant(covs=_uncentred_minus_mean)
    cases = checks._m_step_cases(hidden=False)
    assert cases[-1][3] == checks.SHIFTED_CASE
    for X, resp, reg, _ in cases[:-1]:  # right before the shift
        w, m, c = m_step(X, resp, reg)
        np.testing.assert_allclose(_uncentred_minus_mean(X, resp, reg, w, m, c), c, rtol=1e-7, atol=1e-8)
    with pytest.raises(AssertionError, match="shifted by 10\\^8 .* E\\[x x\\^T\\] - mu mu\\^T .* Centre first"):
        checks.check_m_step(student)


def test_the_shift_separates_the_two_formulas_by_orders_of_magnitude():
    """At 10^8 the raw moments are off by more than 1, the centred formula by less than 1e-8 (the tolerance)."""
    X, resp = checks.X_B, checks.RESP_B
    exact = checks.reference_m_step(X, resp, 1e-6)[2]  # a covariance does not change under a shift
    w, m, c = m_step(X + 1e8, resp, 1e-6)
    assert np.abs(c - exact).max() < 1e-8
    assert np.abs(_uncentred_minus_mean(X + 1e8, resp, 1e-6, w, m, c) - exact).max() > 1.0


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
        (_q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)))) / len(X)), "averaged over points"),
        (_q(lambda X, r, w, L: float(np.mean(r * (L + np.log(w))))), "averaged over all N K = 360 entries"),
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


# ---------------------------------------------------------------- dQ / dL (Sigma = L L^T)


def _grad_variant(key):
    def student(X, resp, means, chols, j):
        return checks.reference_dq_dchol(X, resp, means, chols, j, key)

    return student


def _fd_chol(X, resp, weights, means, chols, j, h=1e-6):
    """Central differences of Q in each entry L_ab, a >= b, of the Cholesky factor L_j (0 above the diagonal)."""
    d = X.shape[1]
    out = np.zeros((d, d))
    for a in range(d):
        for b in range(a + 1):
            values = []
            for step in (h, -h):
                moved = np.array(chols, dtype=float)
                moved[j, a, b] += step
                values.append(Q(X, resp, weights, means, np.einsum("kab,kcb->kac", moved, moved)))
            out[a, b] = (values[0] - values[1]) / (2 * h)
    return out


@pytest.mark.parametrize("hidden", [False, True])
def test_the_dq_dchol_reference_agrees_with_finite_differences_of_Q(hidden):
    for X, resp, (m, chols), j, _ in checks._dq_dchol_cases(hidden):
        G = checks.reference_dq_dchol(X, resp, m, chols, j)
        weights = np.full(len(m), 1.0 / len(m))
        fd = _fd_chol(X, resp, weights, m, chols, j)
        np.testing.assert_allclose(fd, G, atol=1e-6 * max(1.0, np.abs(G).max()))
        np.testing.assert_allclose(dq_dchol(X, resp, m, chols, j), G, rtol=1e-12, atol=1e-12)


def test_every_dq_dchol_mistake_differs_from_the_reference_and_from_the_others_on_the_first_case():
    X, resp, (m, chols), j, _ = checks._dq_dchol_cases(False)[0]
    values = [checks.reference_dq_dchol(X, resp, m, chols, j)] + [
        checks.reference_dq_dchol(X, resp, m, chols, j, key) for key, _ in checks.DQ_DCHOL_MISTAKES
    ]
    for i, a in enumerate(values):
        for b in values[i + 1 :]:
            assert not np.allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "key, message",
    [
        ("is_dq_dsigma", "that is dQ/dSigma_j, the gradient in the covariance"),
        ("one_factor", "half the reference: L_j appears twice"),
        ("transposed_factor", "multiplied G by L_j\\^T"),
        ("factor_on_left", "on the wrong side of G"),
        ("negated", "gradient of -Q"),
        ("no_half", "lost the factor 1/2"),
        ("logdet_once", "coefficient 1 where N_j belongs"),
        ("n_for_nk", "N where N_j belongs"),
        ("logdet_sign", "sign of its log-determinant term"),
        ("trace_sign", "sign of its quadratic term"),
        ("symmetric", "Sigma_ab and Sigma_ba moving together"),
        ("optimum_mean", "centred the scatter on the weighted mean"),
        ("uncentred", "did not centre the scatter"),
    ],
)
def test_dq_dchol_mistakes(key, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_dq_dchol(_grad_variant(key))


def test_dq_dchol_other_failures():
    with pytest.raises(AssertionError, match="differs from the reference"):
        checks.check_dq_dchol(lambda X, r, m, c, j: dq_dchol(X, r, m, c, j) * 1.01)
    with pytest.raises(AssertionError, match=r"came back with shape \(3, 2, 2\)"):
        checks.check_dq_dchol(lambda X, r, m, c, j: np.array([dq_dchol(X, r, m, c, i) for i in range(3)]))
    with pytest.raises(AssertionError, match="entries above the diagonal are not 0"):
        checks.check_dq_dchol(lambda X, r, m, c, j: dq_dchol(X, r, m, c, j) + np.triu(np.ones((2, 2)), 1))


def test_dq_dchol_hidden_cases_catch_a_hardcoded_dimension():
    def only_2d(X, r, m, c, j):
        return np.linalg.inv(c[j][:2, :2]) * 0 + dq_dchol(X, r, m, c, j)[:2, :2]

    checks.check_dq_dchol(only_2d)
    with pytest.raises(AssertionError, match=r"3-D data .* came back with shape \(2, 2\); expected \(3, 3\)"):
        checks.check_dq_dchol(only_2d, hidden=True)


# ---------------------------------------------------------------- the weights under a prior


def _with_nu(weights_of):
    """A student whose weights are weights_of(Nk, alpha) and whose nu is right."""
    return lambda Nk, a: (weights_of(Nk, a), map_weights(Nk, a)[1])


def _with_weights(nu_of):
    """A student whose weights are right and whose nu is nu_of(Nk, alpha)."""
    return lambda Nk, a: (map_weights(Nk, a)[0], nu_of(Nk, a))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_with_nu(lambda Nk, a: Nk / Nk.sum()), "without the prior"),
        (_with_nu(lambda Nk, a: (Nk + a) / (Nk.sum() + len(Nk) * a)), "you added alpha, not alpha - 1"),
        (_with_nu(lambda Nk, a: (Nk + a - 1) / Nk.sum()), "kept nu = N \\(your weights sum to 1.03, not 1\\)"),
        (_with_nu(lambda Nk, a: (Nk + a - 1) / (Nk.sum() + a - 1)), "once \\(your weights sum to 1.0198, not 1\\)"),
        (_with_nu(lambda Nk, a: (Nk - a + 1) / (Nk.sum() - len(Nk) * (a - 1))), "sign of the prior"),
        (
            _with_nu(lambda Nk, a: (Nk + a - 1) / (Nk.sum() + 3 * (a - 1))),
            "here K = 4, and your denominator is N \\+ 3",
        ),
        (_with_nu(lambda Nk, a: map_weights(Nk, a)[0] * 1.1), "sum to 1.1"),
        (_with_nu(lambda Nk, a: np.sort(map_weights(Nk, a)[0])), "not the maximiser"),
        (_with_nu(lambda Nk, a: map_weights(Nk, a)[0][:2]), r"came back with shape \(2,\)"),
        (lambda Nk, a: map_weights(Nk, a)[0], "return the pair \\(weights, nu\\)"),
        (_with_weights(lambda Nk, a: Nk.sum()), "nu = N is the multiplier without the prior"),
        (_with_weights(lambda Nk, a: Nk.sum() + a - 1), "you counted alpha - 1 once"),
        (_with_weights(lambda Nk, a: -map_weights(Nk, a)[1]), "minus the multiplier"),
        (_with_weights(lambda Nk, a: 1 / map_weights(Nk, a)[1]), "that is 1 / nu"),
        (_with_weights(lambda Nk, a: Nk.sum() + 3 * (a - 1)), "here K = 4: nu = N \\+ K \\(alpha - 1\\)"),
        (_with_weights(lambda Nk, a: map_weights(Nk, a)[1] + 1), "your weights are right but your nu"),
        (_with_weights(lambda Nk, a: "nu"), "your nu on .* should be a number"),
        (_with_weights(lambda Nk, a: float("nan")), "your nu on .* is nan"),
    ],
)
def test_map_weights_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_map_weights(wrong)


def test_a_hard_coded_three_fails_on_the_visible_k_4_case():
    def three(Nk, a):
        nu = Nk.sum() + 3 * (a - 1)
        return (Nk + a - 1) / nu, nu

    assert any(len(nk) != 3 for nk, _, _ in checks._map_weights_cases(hidden=False))
    with pytest.raises(AssertionError, match="K = 4 with an empty component.*K is the number of entries of Nk"):
        checks.check_map_weights(three)


def test_map_weights_reference_is_the_maximum():
    """The closed form beats 2000 random points of the simplex on the objective, for every case, and nu is the
    common value of (N_k + alpha - 1) / pi_k there (the stationarity condition)."""
    rng = np.random.default_rng(0)
    for Nk, alpha, _ in checks._map_weights_cases(hidden=True):
        best, nu = map_weights(Nk, alpha)
        coeff = Nk + alpha - 1
        objective = coeff @ np.log(best)
        others = np.log(rng.dirichlet(np.ones(len(Nk)), size=2000)) @ coeff
        assert others.max() <= objective + 1e-12
        np.testing.assert_allclose(coeff / best, nu, rtol=1e-12)


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
