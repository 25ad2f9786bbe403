"""The lesson 03 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy.special import logsumexp

from coursepkg.checks import lesson03 as checks
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import complete_log_likelihood as ref_cll
from coursepkg.mixture import expected_complete_log_likelihood as ref_q


def log_joint(X, gmm):
    with np.errstate(divide="ignore"):
        logw = np.log(gmm.weights)
    return np.stack([logw[j] + log_pdf(X, gmm.means[j], gmm.covariances[j]) for j in range(gmm.k)], axis=1)


def complete_log_likelihood(X, z, gmm):
    return float(log_joint(X, gmm)[np.arange(len(X)), z].sum())


def mle_from_labels(X, z, k):
    n, d = X.shape
    counts = np.bincount(z, minlength=k)
    means = np.array([X[z == j].mean(axis=0) for j in range(k)])
    covs = np.array([(X[z == j] - means[j]).T @ (X[z == j] - means[j]) / counts[j] for j in range(k)])
    return counts / n, means, covs


def Q(X, resp, gmm):
    a = log_joint(X, gmm)
    pos = resp > 0
    return float(np.sum(resp[pos] * a[pos]))


def sufficient_statistics(X, resp):
    return resp.sum(axis=0), resp.T @ X, np.einsum("nk,ni,nj->kij", resp, X, X)


def params_from_stats(Nk, S1, S2, n):
    mu = S1 / Nk[:, None]
    return Nk / n, mu, S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", mu, mu)


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_complete_log_likelihood, complete_log_likelihood),
        (checks.check_mle_from_labels, mle_from_labels),
        (checks.check_expected_complete_log_likelihood, Q),
        (checks.check_sufficient_statistics, sufficient_statistics),
        (checks.check_params_from_stats, params_from_stats),
    ]


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="complete_log_likelihood"):
        checks.check_complete_log_likelihood(lambda X, z, g: ref_cll(X, z, g))
    with pytest.raises(AssertionError, match="expected_complete_log_likelihood"):
        checks.check_expected_complete_log_likelihood(lambda X, r, g: ref_q(X, r, g))


# ---------------------------------------------------------------- typical mistakes


def _own(X, z, g):
    return log_joint(X, g)[np.arange(len(X)), z]


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, z, g: float((_own(X, z, g) - np.log(g.weights)[z]).sum()), "forgot log pi"),
        (lambda X, z, g: float(log_joint(X, g).sum()), "summed over every component"),
        (lambda X, z, g: float(logsumexp(log_joint(X, g), axis=1).sum()), "incomplete log-likelihood"),
        (lambda X, z, g: float(np.exp(_own(X, z, g)).sum()), "summed densities"),
        (lambda X, z, g: float(np.log(np.prod(np.exp(_own(X, z, g))))), "is -inf"),
        (lambda X, z, g: float(_own(X, z, g).mean()), "averaged over points"),
        (lambda X, z, g: "a lot", "should be a number"),
    ],
)
def test_complete_log_likelihood_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_complete_log_likelihood(wrong)


def _with_cov(cov_of):
    def f(X, z, k):
        w, m, _ = mle_from_labels(X, z, k)
        return w, m, np.array([cov_of(X[z == j], m[j], len(X)) for j in range(k)]).reshape(k, X.shape[1], X.shape[1])

    return f


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_with_cov(lambda P, mu, n: np.cov(P.T)), "N_k - 1"),
        (
            _with_cov(lambda P, mu, n: (P - mu).T @ (P - mu) / (len(P) - 1) if len(P) > 1 else np.zeros((2, 2))),
            "N_k - 1",
        ),
        (_with_cov(lambda P, mu, n: (P - mu).T @ (P - mu) / n), "divided by n"),
        (_with_cov(lambda P, mu, n: P.T @ P / len(P)), "forgot to centre"),
        (_with_cov(lambda P, mu, n: (P - mu).T @ (P - mu)), "forgot to divide by N_k"),
        (lambda X, z, k: (np.bincount(z, minlength=k),) + mle_from_labels(X, z, k)[1:], "are the counts N_k"),
        (lambda X, z, k: (np.full(k, 1 / k),) + mle_from_labels(X, z, k)[1:], "all 1/k"),
        (lambda X, z, k: mle_from_labels(X, z, k)[:2], "return three arrays"),
        (
            lambda X, z, k: (mle_from_labels(X, z, k)[0], mle_from_labels(X, z, k)[1].T, mle_from_labels(X, z, k)[2]),
            "transposed",
        ),
    ],
)
def test_mle_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_mle_from_labels(wrong)


def test_mle_covariance_of_all_the_data():
    def all_data(X, z, k):
        w, m, _ = mle_from_labels(X, z, k)
        return w, m, np.repeat(np.cov(X.T, bias=True)[None], k, axis=0)

    with pytest.raises(AssertionError, match="covariance of all the data"):
        checks.check_mle_from_labels(all_data)


def _q_naive(X, r, g):
    return float(np.sum(r * log_joint(X, g)))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_q_naive, r"0 \* \(-inf\) = NaN"),
        (lambda X, r, g: Q(X, r, g) - float(np.sum(r * np.log(g.weights + 1e-300))), "forgot the weights"),
        (lambda X, r, g: float(np.sum(r * np.exp(log_joint(X, g)))), "density pi_k N_k where its log goes"),
        (lambda X, r, g: Q(X, r, g) - float(np.sum(r[r > 0] * np.log(r[r > 0]))), "entropy"),
        (lambda X, r, g: float(logsumexp(log_joint(X, g), axis=1).sum()), "log-likelihood log p"),
        (lambda X, r, g: Q(X, r, g) / len(X), "averaged over points"),
        (lambda X, r, g: float(np.log(np.sum(r * np.exp(log_joint(X, g)), axis=1)).sum()), "log of the weighted sum"),
    ],
)
def test_q_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_expected_complete_log_likelihood(wrong)


def _stats_with(s2):
    return lambda X, r: sufficient_statistics(X, r)[:2] + (s2(X, r),)


def _centred(X, r):
    Nk, S1, _ = sufficient_statistics(X, r)
    mu = S1 / Nk[:, None]
    D = X[:, None, :] - mu[None]
    return np.einsum("nk,nki,nkj->kij", r, D, D)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, r: (r.sum(axis=1),) + sufficient_statistics(X, r)[1:], r"summed over components \(axis=1\)"),
        (lambda X, r: (r.sum(axis=0), X.T @ r, sufficient_statistics(X, r)[2]), "transposed"),
        (
            lambda X, r: (r.sum(axis=0), (r.T @ X) / r.sum(axis=0)[:, None], sufficient_statistics(X, r)[2]),
            "weighted mean; keep the sum",
        ),
        (_stats_with(_centred), "you centred"),
        (_stats_with(lambda X, r: np.repeat((X.T @ X)[None], r.shape[1], 0)), "forgot the responsibilities in S2"),
        (_stats_with(lambda X, r: np.einsum("ki,kj->kij", r.T @ X, r.T @ X)), "outer product of S1"),
    ],
)
def test_sufficient_statistics_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_sufficient_statistics(wrong)


def _params_cov(cov_of):
    def f(Nk, S1, S2, n):
        w, mu, _ = params_from_stats(Nk, S1, S2, n)
        return w, mu, cov_of(Nk, S2, mu, n)

    return f


OUTER = lambda mu: np.einsum("ki,kj->kij", mu, mu)  # noqa: E731


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_params_cov(lambda Nk, S2, mu, n: S2 / Nk[:, None, None]), r"forgot to subtract mu_k mu_k\^T"),
        (_params_cov(lambda Nk, S2, mu, n: S2 / n - OUTER(mu)), "divided S2 by n"),
        (_params_cov(lambda Nk, S2, mu, n: S2 / Nk[:, None, None] + OUTER(mu)), "sign is wrong"),
        (_params_cov(lambda Nk, S2, mu, n: S2 / Nk[:, None, None] - (mu * mu).sum(1)[:, None, None]), "not the number"),
        (lambda Nk, S1, S2, n: (Nk,) + params_from_stats(Nk, S1, S2, n)[1:], "weights are N_k"),
        (lambda Nk, S1, S2, n: (Nk / n, S1 / n, params_from_stats(Nk, S1, S2, n)[2]), "divided S1 by n"),
    ],
)
def test_params_from_stats_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_params_from_stats(wrong)
