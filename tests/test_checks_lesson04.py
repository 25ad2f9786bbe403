"""The lesson 04 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy.special import logsumexp

from coursepkg.checks import lesson04 as checks
from coursepkg.em import e_step
from coursepkg.em import lower_bound as ref_lower_bound
from coursepkg.gaussian import log_pdf


def log_joint(X, gmm):
    with np.errstate(divide="ignore"):
        logw = np.log(gmm.weights)
    return np.stack([logw[j] + log_pdf(X, gmm.means[j], gmm.covariances[j]) for j in range(gmm.k)], axis=1)


def log_post(X, gmm):
    a = log_joint(X, gmm)
    return a - logsumexp(a, axis=1, keepdims=True)


def lower_bound(X, q, gmm):
    a = log_joint(X, gmm)
    pos = q > 0
    return float(np.sum(q[pos] * (a[pos] - np.log(q[pos]))))


def kl_gap(X, q, gmm):
    lp = log_post(X, gmm)
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - lp[pos])))


def optimal_q(X, gmm):
    return np.exp(log_post(X, gmm))


def hand_computed():
    L = 0.5 * np.log(0.6) + 0.5 * np.log(0.2)
    return L, np.log(0.4) - L, np.array([0.75, 0.25])


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_lower_bound, lower_bound),
        (checks.check_kl_gap, kl_gap),
        (checks.check_optimal_q, optimal_q),
        (checks.check_hand_computed, hand_computed),
    ]


@pytest.mark.parametrize("hidden", [False, True])
def test_identity_with_both_functions(hidden, capsys):
    checks.check_kl_gap(kl_gap, student_lower_bound=lower_bound, hidden=hidden)
    assert "log p(X) = L + KL with your two functions" in capsys.readouterr().out


def test_identity_catches_a_wrong_lower_bound():
    with pytest.raises(AssertionError, match=r"log p\(X\) - \(L \+ KL\)"):
        checks.check_kl_gap(kl_gap, student_lower_bound=lambda X, q, g: lower_bound(X, q, g) + 0.1)


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="coursepkg.em.lower_bound"):
        checks.check_lower_bound(lambda X, q, g: ref_lower_bound(X, q, g))
    with pytest.raises(AssertionError, match="coursepkg.em.e_step"):
        checks.check_optimal_q(lambda X, g: e_step(X, g)[0])


# ---------------------------------------------------------------- typical mistakes


def _q_term(X, q, g):
    a = log_joint(X, g)
    pos = q > 0
    return float(np.sum(q[pos] * a[pos]))


def _entropy(q):
    pos = q > 0
    return -float(np.sum(q[pos] * np.log(q[pos])))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, q, g: float(np.sum(q * (log_joint(X, g) - np.log(q)))), r"0 \* log 0"),
        (_q_term, "forgot the entropy term"),
        (lambda X, q, g: _q_term(X, q, g) - _entropy(q), "wrong sign"),
        (
            lambda X, q, g: lower_bound(X, q, g) - float(np.sum(q * np.log(np.maximum(g.weights, 1e-300)))),
            "forgot log pi_k",
        ),
        (lambda X, q, g: float(logsumexp(log_joint(X, g), axis=1).sum()), "log p\\(X\\) itself"),
        (lambda X, q, g: lower_bound(X, q, g) / len(X), "averaged over points"),
    ],
)
def test_lower_bound_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_lower_bound(wrong)


def _reverse_kl(X, q, g):
    p = optimal_q(X, g)
    pos = p > 0
    return float(np.sum(p[pos] * (np.log(p[pos]) - np.log(q[pos]))))


def _naive_posterior_kl(X, q, g):
    joint = np.exp(log_joint(X, g))
    post = joint / joint.sum(axis=1, keepdims=True)
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - np.log(post[pos]))))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, q, g: float(np.sum(q * (np.log(q) - log_post(X, g)))), r"0 \* log 0"),
        (_reverse_kl, r"KL\(posterior \|\| q\)"),
        (lambda X, q, g: -kl_gap(X, q, g), "sign is flipped"),
        (lambda X, q, g: -lower_bound(X, q, g), "joint p\\(x, z\\) instead of the posterior"),
        (lambda X, q, g: kl_gap(X, q, g) / len(X), "averaged over points"),
        (_naive_posterior_kl, "log-sum-exp"),
    ],
)
def test_kl_gap_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_kl_gap(wrong)


def _naive_q(X, g):
    joint = np.exp(log_joint(X, g))
    return joint / joint.sum(axis=1, keepdims=True)


def _axis0(X, g):
    a = log_joint(X, g)
    return np.exp(a - logsumexp(a, axis=0, keepdims=True))


def _no_weights(X, g):
    a = np.stack([log_pdf(X, m, c) for m, c in zip(g.means, g.covariances, strict=True)], axis=1)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_naive_q, "0/0 is NaN"),
        (_axis0, r"normalised over points \(axis=0\)"),
        (lambda X, g: optimal_q(X, g).T, "transposed"),
        (_no_weights, "forgot the weights"),
        (lambda X, g: np.eye(g.k)[np.argmax(log_joint(X, g), axis=1)], "one-hot"),
        (lambda X, g: np.full((len(X), g.k), 1 / g.k), "uniform"),
    ],
)
def test_optimal_q_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_optimal_q(wrong)


L_REF = 0.5 * np.log(0.6) + 0.5 * np.log(0.2)
GAP_REF = np.log(0.4) - L_REF


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda: (0.5 * np.log(0.3) + 0.5 * np.log(0.1), GAP_REF, np.array([0.75, 0.25])), "left out -sum q log q"),
        (lambda: (np.log(0.4), GAP_REF, np.array([0.75, 0.25])), "that is log p\\(x\\)"),
        (lambda: (L_REF / np.log(2), GAP_REF, np.array([0.75, 0.25])), "log base 2"),
        (lambda: (L_REF, -GAP_REF, np.array([0.75, 0.25])), "never negative"),
        (lambda: (L_REF, 0.75 * np.log(1.5) + 0.25 * np.log(0.5), np.array([0.75, 0.25])), r"KL\(posterior \|\| q\)"),
        (lambda: (L_REF, GAP_REF, np.array([0.3, 0.1])), "is the joint"),
        (lambda: (L_REF, GAP_REF, np.array([0.25, 0.75])), "reversed"),
        (lambda: (L_REF, GAP_REF), "return three things"),
    ],
)
def test_hand_computed_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_hand_computed(wrong)
