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


q = Q  # the notebook and the check's messages name it Q; its mistake ids are q.* (an id is lower case)


def lagrange_weights(counts, eps):
    nu = float(counts.sum() / (1 - eps))
    return nu, counts / nu


def entropy(resp):
    positive = resp[resp > 0]
    return float(-np.sum(positive * np.log(positive)))


def hard_label_gap(resp, z):
    return float(-np.sum(np.log(resp[np.arange(len(z)), z])))


def statistics_about(X, resp, c):
    Y = X - c
    return resp.sum(axis=0), resp.T @ Y, np.einsum("nk,ni,nj->kij", resp, Y, Y)


def params_about(Nk, S1, S2, c, n):
    delta = S1 / Nk[:, None]
    return Nk / n, c + delta, S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", delta, delta)


def raw_statistics_about(X, resp, c):
    """The statistics about c, computed from raw sums about the origin and expanded: garbage far away."""
    Nk, S1raw, S2raw = resp.sum(axis=0), resp.T @ X, np.einsum("nk,ni,nj->kij", resp, X, X)
    S1 = S1raw - Nk[:, None] * c
    S2 = (
        S2raw
        - np.einsum("ki,j->kij", S1raw, c)
        - np.einsum("i,kj->kij", c, S1raw)
        + Nk[:, None, None] * np.outer(c, c)[None]
    )
    return Nk, S1, S2


def raw_params_about(Nk, S1, S2, c, n):
    """Back to raw moments about the origin, then S2 / N_k - mu mu^T: the formula the design forbids."""
    mu = c + S1 / Nk[:, None]
    S2raw = S2 + np.einsum("ki,j->kij", S1, c) + np.einsum("i,kj->kij", c, S1) + Nk[:, None, None] * np.outer(c, c)
    return Nk / n, mu, S2raw / Nk[:, None, None] - np.einsum("ki,kj->kij", mu, mu)


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_complete_log_likelihood, complete_log_likelihood),
        (checks.check_mle_from_labels, mle_from_labels),
        (checks.check_expected_complete_log_likelihood, Q),
        (checks.check_lagrange_weights, lagrange_weights),
        (checks.check_entropy, entropy),
        (checks.check_hard_label_gap, hard_label_gap),
        (checks.check_statistics_about, statistics_about),
        (checks.check_params_about, params_about),
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


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda N, e: (1.0, N), "you took nu = 1"),
        (lambda N, e: (float(N.sum()), N / len(N)), "divided by K"),
        (lambda N, e: (float(N.sum()), N / N.sum()), "share only 1 - eps"),
        (lambda N, e: (float(N.sum()), N / N.sum() - e / len(N)), "equally"),
        (lambda N, e: (-lagrange_weights(N, e)[0], lagrange_weights(N, e)[1]), "sign of nu is flipped"),
        (lambda N, e: (float(N.sum()), lagrange_weights(N, e)[1]), "the answer without the background"),
        (lambda N, e: (float(N.sum()) * (1 - e), lagrange_weights(N, e)[1]), "multiplied by 1 - eps"),
        (lambda N, e: (lagrange_weights(N, e)[0] + 1, lagrange_weights(N, e)[1]), "at the stationary point nu"),
        (lambda N, e: lagrange_weights(N, e)[1], "return a pair"),
    ],
)
def test_lagrange_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_lagrange_weights(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda r: float(-np.sum(r * np.log(r))), r"0 \* \(-inf\) = NaN"),
        (lambda r: -entropy(r), "sign is flipped"),
        (lambda r: entropy(r) / np.log(2), "log base 2"),
        (lambda r: entropy(r) / len(r), "averaged over points"),
        (lambda r: -np.sum(np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0), axis=1), "one entropy per point"),
    ],
)
def test_entropy_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_entropy(wrong)


def test_entropy_with_the_students_q():
    with pytest.raises(AssertionError, match="look at your Q"):
        checks.check_entropy(entropy, Q=lambda X, r, g: Q(X, r, g) + 1.0)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda r, z: -hard_label_gap(r, z), "sign is flipped"),
        (lambda r, z: entropy(r), "entropy H"),
        (lambda r, z: float(np.sum(1 - r[np.arange(len(z)), z])), "dropped the log"),
        (lambda r, z: float(-np.log(np.prod(r[np.arange(len(z)), z]))), "underflows"),
        (lambda r, z: hard_label_gap(r, z) / len(z), "averaged"),
    ],
)
def test_hard_label_gap_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_hard_label_gap(wrong)


def _about_s2(s2):
    return lambda X, r, c: statistics_about(X, r, c)[:2] + (s2(X, r, c),)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, r, c: (r.sum(axis=1),) + statistics_about(X, r, c)[1:], "summed over components"),
        (lambda X, r, c: (r.sum(axis=0), r.T @ X, statistics_about(X, r, c)[2]), "subtract the reference point"),
        (lambda X, r, c: (r.sum(axis=0), r.T @ X - c, statistics_about(X, r, c)[2]), "before weighting"),
        (_about_s2(lambda X, r, c: np.einsum("nk,ni,nj->kij", r, X, X)), "outer products of x_n - c"),
        (_about_s2(lambda X, r, c: statistics_about(X, r, c)[2] / r.sum(axis=0)[:, None, None]), "weighted mean"),
        (raw_statistics_about, "through raw sums"),
    ],
)
def test_statistics_about_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_statistics_about(wrong)


def _about_cov(cov_of):
    def f(Nk, S1, S2, c, n):
        w, mu, _ = params_about(Nk, S1, S2, c, n)
        return w, mu, cov_of(Nk, S1, S2, c, n, mu)

    return f


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_about_cov(lambda Nk, S1, S2, c, n, mu: S2 / Nk[:, None, None]), "forgot to subtract"),
        (
            _about_cov(lambda Nk, S1, S2, c, n, mu: S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", mu, mu)),
            "you subtracted mu_k mu_k",
        ),
        (raw_params_about, "went back to raw moments"),
        (lambda Nk, S1, S2, c, n: (Nk / n, S1 / Nk[:, None], params_about(Nk, S1, S2, c, n)[2]), "add c back"),
        (lambda Nk, S1, S2, c, n: (Nk,) + params_about(Nk, S1, S2, c, n)[1:], "weights are N_k"),
    ],
)
def test_params_about_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_params_about(wrong)


# ---------------------------------------------------------------- what the student reader found (report 0203)


def _own_log_pdf(X, z, gmm):
    return np.array([log_pdf(X[n : n + 1], gmm.means[z[n]], gmm.covariances[z[n]])[0] for n in range(len(X))])


def test_complete_log_likelihood_log_weight_once_per_component():
    def once(X, z, gmm):
        return float(_own_log_pdf(X, z, gmm).sum() + np.log(gmm.weights).sum())

    with pytest.raises(AssertionError, match="once per component; .* counted N_k times") as failure:
        checks.check_complete_log_likelihood(once)
    assert failure.value.mistake == "complete_log_likelihood.log_weight_once"


def test_complete_log_likelihood_every_point_under_every_component():
    def every(X, z, gmm):
        return float(
            sum(
                np.sum(z == k) * np.log(gmm.weights[k]) + np.sum(log_pdf(X, gmm.means[k], gmm.covariances[k]))
                for k in range(gmm.k)
            )
        )

    with pytest.raises(AssertionError, match="scored every point under every component"):
        checks.check_complete_log_likelihood(every)


def test_q_messages_name_the_function_as_the_notebook_does(capsys):
    checks.check_expected_complete_log_likelihood(Q)
    assert capsys.readouterr().out.startswith("✓ Q: ")
    with pytest.raises(AssertionError, match="^✗ Q: ") as failure:
        checks.check_expected_complete_log_likelihood(lambda X, r, g: Q(X, r, g) / len(X))
    assert failure.value.mistake == "q.averaged"


def test_hard_label_gap_the_label_matrix_slip_is_named():
    with pytest.raises(AssertionError, match=r"gives an \(60, 60\) array") as failure:
        checks.check_hard_label_gap(lambda r, z: float(-np.sum(np.log(r[:, z]))))
    assert "posterior times" not in str(failure.value)


def test_hard_label_gap_messages_put_a_colon_after_the_case():
    with pytest.raises(AssertionError, match="true labels: your gap"):
        checks.check_hard_label_gap(lambda r, z: hard_label_gap(r, z) + 1.0)


def test_params_about_one_n_k_too_few_is_named():
    def one_nk(Nk, S1, S2, c, n):
        return Nk / n, c + S1 / Nk[:, None], (S2 - np.einsum("ki,kj->kij", S1, S1)) / Nk[:, None, None]

    with pytest.raises(AssertionError, match="one N_k too few"):
        checks.check_params_about(one_nk)

    def no_nk(Nk, S1, S2, c, n):
        return Nk / n, c + S1 / Nk[:, None], S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", S1, S1)

    with pytest.raises(AssertionError, match="the outer product of the sums"):
        checks.check_params_about(no_nk)
