"""Mistakes as data for lesson 11: every id of coursepkg.checks.lesson11.MISTAKES is produced by a wrong answer.

Every check run here is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts the
judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson11 as t11
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)
from scipy import special

from coursepkg import bernoulli
from coursepkg.checks import lesson11
from coursepkg.checks._core.mistakes import is_valid

E, M, B, P = lesson11.check_e_step, lesson11.check_m_step, lesson11.check_bound_kl, lesson11.check_prior_strength
S = lesson11.check_symmetric_prototype


def _a(X, w, p, **variant):
    return lesson11.log_joint(X, w, p, **variant)


def _softmax(a, axis=1):
    return np.exp(a - special.logsumexp(a, axis=axis, keepdims=True))


def _ll(X, w, p):
    return float(special.logsumexp(_a(X, w, p), axis=1).sum())


def _naive_product(X, w, p):
    joint = w * np.prod(np.where(X[:, None, :] == 1, p[None], 1 - p[None]), axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return joint / joint.sum(axis=1, keepdims=True), float(np.log(joint.sum(axis=1)).sum())


def _with_resp(make):
    """An e_step whose responsibilities come from make(X, w, p) and whose log-likelihood is right."""
    return lambda X, w, p: (make(X, w, p), _ll(X, w, p))


def _with_ll(make):
    return lambda X, w, p: (t11.e_step(X, w, p)[0], make(X, w, p))


def _w(X, r, a, b, g):
    return t11.m_step(X, r, a, b, g)[0]


def _p(X, r, a, b, g):
    return t11.m_step(X, r, a, b, g)[1]


def _probs(variant):
    return lambda X, r, a, b, g: lesson11._m_step_reference(X, r, a, b, variant, gamma=g)


def _weights(variant):
    return lambda X, r, a, b, g: (lesson11._weights_reference(r.sum(axis=0), g, variant), _p(X, r, a, b, g))


def _bound(change_L=None, change_kl=None):
    def wrong(X, q, w, p):
        L, kl = t11.bound_kl(X, q, w, p)
        a = _a(X, w, p)
        if change_L:
            L = change_L(L, q, a)
        if change_kl:
            kl = change_kl(kl, q, a)
        return L, kl

    return wrong


def _entropy(q):
    return -float(np.sum(special.xlogy(q, q)))


def _naive_qlogq(X, q, w, p):
    a = _a(X, w, p)
    log_post = a - special.logsumexp(a, axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        return float(np.sum(q * a) - np.sum(q * np.log(q))), float(np.sum(q * np.log(q) - q * log_post))


def _reverse_kl(kl, q, a):
    post = _softmax(a)
    return float(np.sum(special.xlogy(post, post) - post * np.log(q)))


def _per_image(X, q, w, p):
    a = _a(X, w, p)
    log_post = a - special.logsumexp(a, axis=1, keepdims=True)
    qlq = special.xlogy(q, q)
    return np.sum(q * a - qlq, axis=1), np.sum(qlq - q * log_post, axis=1)


# id -> (check, wrong answer, hidden)
WRONG = {
    "e_step.product_underflow": (E, _naive_product, False),
    "e_step.not_an_array": (E, lambda X, w, p: ("resp", 0.0), False),
    "e_step.wrong_shape": (E, lambda X, w, p: (np.zeros((5, 5)), 0.0), False),
    "e_step.transposed": (E, lambda X, w, p: (t11.e_step(X, w, p)[0].T, _ll(X, w, p)), False),
    "e_step.log_resp": (E, _with_resp(lambda X, w, p: np.log(t11.e_step(X, w, p)[0])), False),
    "e_step.wrong_axis": (E, _with_resp(lambda X, w, p: _softmax(_a(X, w, p), axis=0)), False),
    "e_step.rows_not_normalised": (E, _with_resp(lambda X, w, p: 2 * t11.e_step(X, w, p)[0]), False),
    "e_step.no_weights": (E, _with_resp(lambda X, w, p: _softmax(_a(X, w, p, use_weights=False))), False),
    "e_step.weights_not_logged": (E, _with_resp(lambda X, w, p: _softmax(_a(X, w, p, weights_as_logs=False))), False),
    "e_step.only_on_pixels": (E, _with_resp(lambda X, w, p: _softmax(_a(X, w, p, use_off=False))), False),
    "e_step.wrong_value": (E, _with_resp(lambda X, w, p: _softmax(_a(X, w, p) + np.arange(len(w)) * 0.01)), False),
    "e_step.loglik_not_a_number": (E, _with_ll(lambda X, w, p: "log p"), False),
    "e_step.loglik_per_image": (E, _with_ll(lambda X, w, p: special.logsumexp(_a(X, w, p), axis=1)), False),
    "e_step.loglik_not_finite": (E, _with_ll(lambda X, w, p: -np.inf), False),
    "e_step.loglik_averaged": (E, _with_ll(lambda X, w, p: _ll(X, w, p) / len(X)), False),
    "e_step.loglik_is_q": (E, _with_ll(lambda X, w, p: float(np.sum(_softmax(_a(X, w, p)) * _a(X, w, p)))), False),
    "e_step.loglik_max": (E, _with_ll(lambda X, w, p: float(_a(X, w, p).max(axis=1).sum())), False),
    "e_step.loglik_wrong_value": (E, _with_ll(lambda X, w, p: _ll(X, w, p) + 1.0), False),
    "e_step.resp_only": (E, lambda X, w, p: t11.e_step(X, w, p)[0], False),
    "e_step.not_a_pair": (E, lambda X, w, p: "resp", False),
    "e_step.uses_reference": (E, lambda X, w, p: bernoulli.e_step(X, bernoulli.BernoulliMixture(w, p)), False),
    "m_step.not_a_pair": (M, lambda X, r, a, b, g: _p(X, r, a, b, g), False),
    "m_step.probs_transposed": (M, lambda X, r, a, b, g: (_w(X, r, a, b, g), _p(X, r, a, b, g).T), False),
    "m_step.not_an_array": (M, lambda X, r, a, b, g: (_w(X, r, a, b, g), "probs"), False),
    "m_step.wrong_shape": (M, lambda X, r, a, b, g: (_w(X, r, a, b, g), np.zeros((2, 2))), False),
    "m_step.nan": (M, lambda X, r, a, b, g: (_w(X, r, a, b, g), np.full((r.shape[1], X.shape[1]), np.nan)), False),
    "m_step.weights_not_normalised": (M, lambda X, r, a, b, g: (r.sum(axis=0), _p(X, r, a, b, g)), False),
    "m_step.weights_wrong": (M, lambda X, r, a, b, g: (np.full(r.shape[1], 1 / r.shape[1]), _p(X, r, a, b, g)),
                             False),
    "m_step.weights_no_prior": (M, _weights("weights_no_prior"), False),
    "m_step.gamma_not_minus_one": (M, _weights("gamma_not_minus_one"), False),
    "m_step.weights_forgot_k": (M, _weights("weights_forgot_k"), False),
    "m_step.no_prior": (M, _probs("no_prior"), False),
    "m_step.alpha_not_minus_one": (M, _probs("alpha_not_minus_one"), False),
    "m_step.n_not_nk": (M, _probs("n_not_nk"), False),
    "m_step.swapped": (M, _probs("swapped"), False),
    "m_step.off_counts": (M, _probs("off_counts"), False),
    "m_step.wrong_value": (M, lambda X, r, a, b, g: (_w(X, r, a, b, g), _p(X, r, a, b, g) + 1e-3), False),
    "m_step.uses_reference": (M, lambda X, r, a, b, g: bernoulli.m_step(X, r, a, b), False),
    "bound_kl.not_a_pair": (B, lambda X, q, w, p: t11.bound_kl(X, q, w, p)[0], False),
    "bound_kl.not_a_number": (B, lambda X, q, w, p: ("L", 0.0), False),
    "bound_kl.per_image": (B, _per_image, False),
    "bound_kl.zero_log_zero": (B, _naive_qlogq, False),
    "bound_kl.not_finite": (B, lambda X, q, w, p: (np.inf, 0.0), False),
    "bound_kl.no_entropy": (B, _bound(change_L=lambda L, q, a: L - _entropy(q)), False),
    "bound_kl.entropy_sign": (B, _bound(change_L=lambda L, q, a: L - 2 * _entropy(q)), False),
    "bound_kl.bound_wrong_value": (B, _bound(change_L=lambda L, q, a: L + 1.0), False),
    "bound_kl.kl_reversed": (B, _bound(change_kl=_reverse_kl), False),
    "bound_kl.kl_sign": (B, _bound(change_kl=lambda kl, q, a: -kl), False),
    "bound_kl.kl_wrong_value": (B, _bound(change_kl=lambda kl, q, a: kl + 1.0), False),
    "bound_kl.uses_reference": (B, lambda X, q, w, p: bernoulli.lower_bound(X, q, bernoulli.BernoulliMixture(w, p)),
                                False),
    "symmetric_prototype.not_an_array": (S, lambda X, K, a, b: "the mean image", False),
    "symmetric_prototype.wrong_shape": (
        S, lambda X, K, a, b: np.tile(t11.symmetric_prototype(X, K, a, b), (K, 1)), False),
    "symmetric_prototype.nan": (S, lambda X, K, a, b: np.full(X.shape[1], np.nan), False),
    "symmetric_prototype.unchanged": (S, lambda X, K, a, b: np.full(X.shape[1], 0.5), False),
    "symmetric_prototype.no_prior": (S, lambda X, K, a, b: X.mean(axis=0), False),
    "symmetric_prototype.n_not_nk": (S, lambda X, K, a, b: t11.symmetric_prototype(X, 1, a, b), False),
    "symmetric_prototype.alpha_not_minus_one": (
        S, lambda X, K, a, b: (len(X) / K * X.mean(axis=0) + a) / (len(X) / K + a + b), False),
    "symmetric_prototype.wrong_value": (S, lambda X, K, a, b: t11.symmetric_prototype(X, K, a, b) + 1e-3, False),
    "prior_strength.returned_none": (P, lambda: None, None),
    "prior_strength.not_a_number": (P, lambda: "strong", None),
    "prior_strength.not_finite": (P, lambda: float("inf"), None),
    "prior_strength.below_one": (P, lambda: 0.5, None),
    "prior_strength.no_prior": (P, lambda: 1.0, None),
    "prior_strength.not_best": (P, lambda: 5.0, None),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson11.MISTAKES)
    assert all(is_valid(m) for m in lesson11.MISTAKES)
    assert all(section for section in lesson11.MISTAKES.values()), "every lesson 11 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


def test_the_product_fails_the_visible_long_images():
    """The naive product is right on 64 pixels, but the visible 2,000-pixel case already shows the underflow."""
    with pytest.raises(AssertionError, match="2,000 pixels.*underflows to 0.0"):
        E(_naive_product)


def test_clamped_weights_fail_the_visible_weight_zero_case():
    """An E-step that keeps every weight above 1e-3 (to dodge log 0) is caught without the hidden tests."""
    def clamped(X, w, p):
        return t11.e_step(X, np.maximum(w, 1e-3) / np.maximum(w, 1e-3).sum(), p)

    with pytest.raises(AssertionError, match="weight 0"):
        E(clamped)


@pytest.mark.parametrize("a", [1.05, 1.1, 2.0, 5.0])
def test_a_failed_strength_reveals_neither_the_test_score_nor_the_direction(a):
    from coursepkg.checks import lesson11 as checks

    with pytest.raises(AssertionError) as failure:
        P(lambda: a)
    message = str(failure.value)
    score = checks.held_out_score(a)
    assert f"{score:.3f}" not in message and f"{score:.2f}" not in message
    assert not any(word in message for word in ("too weak", "too strong", "increase", "decrease", "larger", "smaller"))


def test_swapped_prior_passes_the_symmetric_case_and_is_named_on_the_asymmetric_one():
    with pytest.raises(AssertionError, match=r"Beta\(1.5, 4\), Dirichlet\(3\): you swapped alpha and beta"):
        M(_probs("swapped"))


@pytest.mark.parametrize("check", [E, M, B, P, S], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check is not P:  # a function exercise needs the function; an answer may be the value itself
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
