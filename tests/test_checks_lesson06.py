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


def Q(X, resp, weights, means, covs):
    return float(
        sum(np.sum(resp[:, k] * (np.log(weights[k]) + log_pdf(X, means[k], covs[k]))) for k in range(len(weights)))
    )


def make_fd(q=Q, scheme="central", lagrange=1.0, scale=True, skip=()):
    def max_fd_gradient(X, resp, weights, means, covs, h=1e-5):
        n = len(X) if scale else 1
        weights, means, covs = weights.astype(float), means.astype(float), covs.astype(float)

        def f():
            return q(X, resp, weights, means, covs) / n

        def derivative(array, index, partner=None):
            base = array[index]
            array[index] = base + h
            if partner is not None:
                array[partner] = base + h
            up = f()
            if scheme == "central":
                array[index] = base - h
                if partner is not None:
                    array[partner] = base - h
                down, width = f(), 2 * h
            array[index] = base
            if partner is not None:
                array[partner] = base
            if scheme != "central":
                down, width = f(), h
            return (up - down) / width

        grads = []
        for k in range(len(weights)):
            if "weights" not in skip:
                grads.append(derivative(weights, k) - lagrange)
            for a in range(means.shape[1]):
                grads.append(derivative(means, (k, a)))
                for b in range(a, means.shape[1]):
                    grads.append(derivative(covs, (k, a, b), partner=(k, b, a)))
        return float(np.max(np.abs(grads)))

    return max_fd_gradient


max_fd_gradient = make_fd()


def spike_log_term(s, weight):
    return float(np.log(weight) - 0.5 * np.log(2 * np.pi * s))


def rise_per_decade():
    return 0.5 * np.log(10)


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_m_step, m_step),
        (checks.check_Q, Q),
        (checks.check_max_fd_gradient, max_fd_gradient),
        (checks.check_spike_log_term, spike_log_term),
    ]
    answers = [(checks.check_rise_per_decade, rise_per_decade)]


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
        (_variant(weights=lambda X, r, *_: r.sum(axis=0)), "divide by n: pi_k = N_k / n"),
        (_variant(weights=lambda X, r, *_: r.sum(axis=1) / r.shape[1]), "one per point"),
        (_variant(weights=lambda X, r, *_: np.full(r.shape[1], 1 / r.shape[1])), "all 1/k"),
        (_variant(means=lambda X, r, *_: r.T @ X), "weighted sums"),
        (_variant(means=lambda X, r, *_: r.T @ X / len(X)), "divided by n instead of N_k"),
        (_variant(means=lambda X, r, *_: (r.T @ X / r.sum(axis=0)[:, None]).T), "transposed"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, 0.0)), "forgot reg_covar"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, reg, fixed_reg=1e-6)), "not the reg_covar argument"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, reg, diag=False)), "diagonal only"),
        (_variant(covs=lambda X, r, reg, *_: _covs(X, r, reg, divide_by="n")), "divided by n instead of N_k"),
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
        (_variant(covs=lambda X, r, reg, *_: np.transpose(_covs(X, r, reg), (1, 2, 0))), r"stack them as \(k, d, d\)"),
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
        (_q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)) - r * np.log(r)))), "lower bound Q \\+ entropy"),
        (_q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)))) / len(X)), "averaged"),
        (_q(lambda X, r, w, L: float(np.sum(L + np.log(w)))), "without weighting each term by r_nk"),
        (_q(lambda X, r, w, L: r * (L + np.log(w))), "one number"),
        (_q(lambda X, r, w, L: float(np.sum(r * np.log(w * np.exp(L))))), "is -inf"),
        (_q(lambda X, r, w, L: None), "returned None"),
    ],
)
def test_Q_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_Q(wrong)


def test_Q_zero_responsibilities_in_hidden_cases():
    def nan_on_zero(X, resp, w, m, c):
        logN = np.column_stack([log_pdf(X, m[k], c[k]) for k in range(len(w))])
        return float(np.sum(resp * (logN + np.log(w)) + 0 * np.log(resp)))

    checks.check_Q(nan_on_zero)
    with pytest.raises(AssertionError, match="r_nk = 0 times log N is 0"), np.errstate(all="ignore"):
        checks.check_Q(nan_on_zero, hidden=True)


# ---------------------------------------------------------------- finite-difference mistakes


@pytest.mark.parametrize(
    "wrong, message",
    [
        (make_fd(scheme="forward"), "forward differences"),
        (make_fd(lagrange=0.0), "not 0: d\\(Q/n\\)/d pi_k = N_k / \\(n pi_k\\) = 1"),
        (make_fd(scale=False), "n - 1 = 119, not 0.*Divide Q by n"),
        (make_fd(skip=("weights",)), "leaves out the weights"),
        (lambda *args, **kw: 0.0, "the reference is"),
        (lambda *args, **kw: "small", "should be a number"),
    ],
)
def test_fd_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_max_fd_gradient(wrong)


def test_fd_that_moves_one_covariance_entry_reports_the_asymmetry():
    def one_sided(X, resp, weights, means, covs, h=1e-5):
        covs = covs.copy()
        covs[0, 0, 1] += h
        return Q(X, resp, weights, means, covs)

    with pytest.raises(AssertionError, match="your function raised ValueError.*symmetric"):
        checks.check_max_fd_gradient(one_sided)


# ---------------------------------------------------------------- the spike


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda s, w: np.log(w) - np.log(np.sqrt(2 * np.pi) * s), "not the standard deviation"),
        (lambda s, w: -0.5 * np.log(2 * np.pi * s), "forgot the weight"),
        (lambda s, w: np.log(w) - np.log(2 * np.pi * s), "square root"),
        (lambda s, w: np.log(w) - 0.5 * np.log(s), "dropped the 2 pi"),
        (lambda s, w: np.log(w) + 0.5 * np.log(2 * np.pi * s), "sign is flipped"),
        (lambda s, w: w / np.sqrt(2 * np.pi * s), "take its log"),
        (lambda s, w: 1.0, "the reference is"),
    ],
)
def test_spike_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_spike_log_term(wrong)


@pytest.mark.parametrize(
    "value, message",
    [
        (np.log(10), "per factor 10 in the standard deviation"),
        (0.5, "base-10"),
        (-0.5 * np.log(10), "rises"),
        (3.0, "not the rise"),
    ],
)
def test_rise_mistakes(value, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_rise_per_decade(lambda: value)


def test_m_step_reference_agrees_with_the_package():
    X, resp = checks.X_B, checks.RESP_B
    ref = em.m_step(X, resp, reg_covar=1e-3)
    w, m, c = checks.reference_m_step(X, resp, 1e-3)
    np.testing.assert_allclose(w, ref.weights, rtol=1e-12)
    np.testing.assert_allclose(m, ref.means, rtol=1e-12)
    np.testing.assert_allclose(c, ref.covariances, rtol=1e-10, atol=1e-14)
    gmm = GMM(w, m, c)
    assert gmm.k == 3
