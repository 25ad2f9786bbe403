"""Mistakes as data, lesson 03: every id of coursepkg.checks.lesson03.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes.py (lesson 05): WRONG maps each id to (check, wrong answer, hidden); the
generic ids of the channel are produced for every check. Every check run here is also recorded and judged
(checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson03 as t03
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)
from scipy.special import logsumexp

from coursepkg import em
from coursepkg.checks import lesson03
from coursepkg.checks._core.mistakes import GENERIC, is_valid

CLL, MLE, LW = lesson03.check_complete_log_likelihood, lesson03.check_mle_from_labels, lesson03.check_lagrange_weights
Q, ENT, GAP = lesson03.check_expected_complete_log_likelihood, lesson03.check_entropy, lesson03.check_hard_label_gap
SA, PA = lesson03.check_statistics_about, lesson03.check_params_about
lj, own, mle, q = t03.log_joint, t03._own, t03.mle_from_labels, t03.Q
lw, ent, gap, sa, pa = t03.lagrange_weights, t03.entropy, t03.hard_label_gap, t03.statistics_about, t03.params_about


def _mle_part(i, f):
    """mle_from_labels with its i-th output replaced by f(X, z, k, right answer)."""

    def wrong(X, z, k):
        out = list(mle(X, z, k))
        out[i] = f(X, z, k, out[i])
        return tuple(out)

    return wrong


def _cov(f):
    return _mle_part(
        2, lambda X, z, k, C: np.array([f(X[z == j], X.mean(0), len(X)) for j in range(k)]).reshape(C.shape)
    )


def _ml_cov(P, n):
    mu = P.mean(axis=0)
    return (P - mu).T @ (P - mu) / len(P)


def _lw(nu=None, w=None):
    """lagrange_weights with nu or the weights replaced by functions of (counts, eps)."""

    def wrong(N, e):
        right_nu, right_w = lw(N, e)
        return (right_nu if nu is None else nu(N, e)), (right_w if w is None else w(N, e))

    return wrong


def _sa_part(i, f):
    def wrong(X, r, c):
        out = list(sa(X, r, c))
        out[i] = f(X, r, c, out[i])
        return tuple(out)

    return wrong


def _pa_part(i, f):
    def wrong(Nk, S1, S2, c, n):
        out = list(pa(Nk, S1, S2, c, n))
        out[i] = f(Nk, S1, S2, c, n, out[i])
        return tuple(out)

    return wrong


def _delta_outer(Nk, S1):
    d = S1 / Nk[:, None]
    return np.einsum("ki,kj->kij", d, d)


def _pa_uses_m_step(Nk, S1, S2, c, n):
    em.m_step  # noqa: B018 (a reference is enough for the check to refuse it)
    return pa(Nk, S1, S2, c, n)


def _centred_s2(X, r, c, S2):
    Nk, S1, _ = sa(X, r, c)
    mu = S1 / Nk[:, None]
    D = (X - c)[:, None, :] - mu[None]
    return np.einsum("nk,nki,nkj->kij", r, D, D)


def _neg_log_posteriors(r, z):
    return float(-np.sum(np.log(r)))


WRONG = {
    # ---- complete_log_likelihood
    "complete_log_likelihood.uses_reference": (CLL, lambda X, z, g: t03.ref_cll(X, z, g), False),
    "complete_log_likelihood.not_finite": (CLL, lambda X, z, g: float(np.log(np.prod(np.exp(own(X, z, g))))), False),
    "complete_log_likelihood.not_a_number": (CLL, lambda X, z, g: "a lot", False),
    "complete_log_likelihood.no_log_weight": (
        CLL,
        lambda X, z, g: float((own(X, z, g) - np.log(g.weights)[z]).sum()),
        False,
    ),
    "complete_log_likelihood.all_components": (CLL, lambda X, z, g: float(lj(X, g).sum()), False),
    "complete_log_likelihood.summed_densities": (CLL, lambda X, z, g: float(np.exp(own(X, z, g)).sum()), False),
    "complete_log_likelihood.averaged": (CLL, lambda X, z, g: float(own(X, z, g).mean()), False),
    "complete_log_likelihood.minus_log_weight": (
        CLL,
        lambda X, z, g: float((own(X, z, g) - 2 * np.log(g.weights)[z]).sum()),
        False,
    ),
    "complete_log_likelihood.log_weight_once": (
        CLL,
        lambda X, z, g: float((own(X, z, g) - np.log(g.weights)[z]).sum() + np.log(g.weights).sum()),
        False,
    ),
    "complete_log_likelihood.every_point_every_component": (
        CLL,
        lambda X, z, g: float(np.log(g.weights)[z].sum() + (lj(X, g) - np.log(g.weights)).sum()),
        False,
    ),
    "complete_log_likelihood.incomplete": (CLL, lambda X, z, g: float(logsumexp(lj(X, g), axis=1).sum()), False),
    "complete_log_likelihood.wrong_value": (CLL, lambda X, z, g: t03.complete_log_likelihood(X, z, g) + 1.0, False),
    # ---- mle_from_labels
    "mle_from_labels.uses_reference": (MLE, lambda X, z, k: em.m_step(X, np.eye(k)[z]), False),
    "mle_from_labels.one_point_nan": (MLE, _cov(lambda P, m, n: np.cov(P.T) * (len(P) - 1) / len(P)), False),
    "mle_from_labels.not_three": (MLE, lambda X, z, k: mle(X, z, k)[:2], False),
    "mle_from_labels.not_an_array": (MLE, _mle_part(0, lambda X, z, k, w: "weights"), False),
    "mle_from_labels.wrong_shape": (MLE, _mle_part(0, lambda X, z, k, w: w[:, None]), False),
    "mle_from_labels.transposed": (MLE, _mle_part(1, lambda X, z, k, m: m.T), False),
    "mle_from_labels.nan": (MLE, _mle_part(0, lambda X, z, k, w: w * np.nan), False),
    "mle_from_labels.counts": (MLE, _mle_part(0, lambda X, z, k, w: np.bincount(z, minlength=k)), False),
    "mle_from_labels.uniform": (MLE, _mle_part(0, lambda X, z, k, w: np.full(k, 1 / k)), False),
    "mle_from_labels.wrong_weights": (MLE, _mle_part(0, lambda X, z, k, w: 1.1 * w), False),
    "mle_from_labels.wrong_means": (MLE, _mle_part(1, lambda X, z, k, m: m + 0.1), False),
    "mle_from_labels.ddof_one": (
        MLE,
        _cov(lambda P, m, n: _ml_cov(P, n) * len(P) / (len(P) - 1) if len(P) > 1 else np.zeros((2, 2))),
        False,
    ),
    "mle_from_labels.divided_by_n": (MLE, _cov(lambda P, m, n: _ml_cov(P, n) * len(P) / n), False),
    "mle_from_labels.not_centred": (MLE, _cov(lambda P, m, n: P.T @ P / len(P)), False),
    "mle_from_labels.not_divided": (MLE, _cov(lambda P, m, n: _ml_cov(P, n) * len(P)), False),
    "mle_from_labels.all_data": (
        MLE,
        _mle_part(2, lambda X, z, k, C: np.repeat(np.cov(X.T, bias=True)[None], k, axis=0)),
        False,
    ),
    "mle_from_labels.standard_deviations": (MLE, _mle_part(2, lambda X, z, k, C: np.sqrt(np.abs(C))), False),
    "mle_from_labels.wrong_covariances": (MLE, _mle_part(2, lambda X, z, k, C: 1.1 * C), False),
    # ---- lagrange_weights
    "lagrange_weights.not_a_pair": (LW, lambda N, e: lw(N, e)[1], False),
    "lagrange_weights.not_a_number": (LW, _lw(nu=lambda N, e: "nu"), False),
    "lagrange_weights.not_finite": (LW, _lw(nu=lambda N, e: float("inf")), False),
    "lagrange_weights.not_an_array": (LW, _lw(w=lambda N, e: "weights"), False),
    "lagrange_weights.wrong_shape": (LW, _lw(w=lambda N, e: lw(N, e)[1][:, None]), False),
    "lagrange_weights.nan": (LW, _lw(w=lambda N, e: lw(N, e)[1] * np.nan), False),
    "lagrange_weights.unnormalised": (LW, _lw(w=lambda N, e: N), False),
    "lagrange_weights.divided_by_k": (LW, _lw(w=lambda N, e: N / len(N)), False),
    "lagrange_weights.eps_ignored": (LW, _lw(w=lambda N, e: N / N.sum()), False),
    "lagrange_weights.eps_split_equally": (LW, _lw(w=lambda N, e: N / N.sum() - e / len(N)), False),
    "lagrange_weights.eps_for_free": (LW, _lw(w=lambda N, e: e * N / N.sum()), False),
    "lagrange_weights.uniform": (LW, _lw(w=lambda N, e: np.full(len(N), (1 - e) / len(N))), False),
    "lagrange_weights.not_summing": (LW, _lw(w=lambda N, e: 1.1 * lw(N, e)[1]), False),
    "lagrange_weights.wrong_weights": (LW, _lw(w=lambda N, e: (1 - e) * N**2 / (N**2).sum()), False),
    "lagrange_weights.nu_one": (LW, _lw(nu=lambda N, e: 1.0), False),
    "lagrange_weights.nu_sign": (LW, _lw(nu=lambda N, e: -lw(N, e)[0]), False),
    "lagrange_weights.nu_is_k": (LW, _lw(nu=lambda N, e: float(len(N))), False),
    "lagrange_weights.nu_is_n": (LW, _lw(nu=lambda N, e: float(N.sum())), False),
    "lagrange_weights.nu_times": (LW, _lw(nu=lambda N, e: float(N.sum()) * (1 - e)), False),
    "lagrange_weights.nu_inverted": (LW, _lw(nu=lambda N, e: 1 / lw(N, e)[0]), False),
    "lagrange_weights.wrong_nu": (LW, _lw(nu=lambda N, e: lw(N, e)[0] + 1.0), False),
    # ---- Q
    "q.uses_reference": (Q, lambda X, r, g: t03.ref_q(X, r, g), False),
    "q.not_finite": (Q, t03._q_naive, False),
    "q.not_a_number": (Q, lambda X, r, g: "Q", False),
    "q.no_weights": (Q, lambda X, r, g: q(X, r, g) - float(np.sum(r * np.log(g.weights + 1e-300))), False),
    "q.density_not_log": (Q, lambda X, r, g: float(np.sum(r * np.exp(lj(X, g)))), False),
    "q.log_of_sum": (Q, lambda X, r, g: float(np.log(np.sum(r * np.exp(lj(X, g)), axis=1)).sum()), False),
    "q.averaged": (Q, lambda X, r, g: q(X, r, g) / len(X), False),
    "q.wrong_value": (Q, lambda X, r, g: q(X, r, g) + 1.0, False),
    "q.added_entropy": (Q, lambda X, r, g: q(X, r, g) - float(np.sum(r[r > 0] * np.log(r[r > 0]))), False),
    "q.log_likelihood": (Q, lambda X, r, g: float(logsumexp(lj(X, g), axis=1).sum()), False),
    # ---- entropy
    "entropy.per_point": (ENT, lambda r: -np.sum(np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0), axis=1), False),
    "entropy.not_finite": (ENT, lambda r: float(-np.sum(r * np.log(r))), False),
    "entropy.not_a_number": (ENT, lambda r: "H", False),
    "entropy.sign": (ENT, lambda r: -ent(r), False),
    "entropy.log2": (ENT, lambda r: ent(r) / np.log(2), False),
    "entropy.averaged": (ENT, lambda r: ent(r) / len(r), False),
    "entropy.not_weighted": (ENT, lambda r: float(-np.sum(np.log(r[r > 0]))), False),
    "entropy.wrong_value": (ENT, lambda r: ent(r) + 1.0, False),
    # ---- hard_label_gap
    "hard_label_gap.not_finite": (GAP, lambda r, z: float(-np.log(np.prod(r[np.arange(len(z)), z]))), False),
    "hard_label_gap.not_a_number": (GAP, lambda r, z: "gap", False),
    "hard_label_gap.sign": (GAP, lambda r, z: -gap(r, z), False),
    "hard_label_gap.entropy": (GAP, lambda r, z: ent(r), False),
    "hard_label_gap.no_log": (GAP, lambda r, z: float(np.sum(1 - r[np.arange(len(z)), z])), False),
    "hard_label_gap.all_components": (GAP, _neg_log_posteriors, False),
    "hard_label_gap.averaged": (GAP, lambda r, z: gap(r, z) / len(z), False),
    "hard_label_gap.label_matrix": (GAP, lambda r, z: float(-np.sum(np.log(r[:, z]))), False),
    "hard_label_gap.wrong_value": (GAP, lambda r, z: gap(r, z) + 1.0, False),
    # ---- statistics_about
    "statistics_about.nk_wrong_axis": (SA, _sa_part(0, lambda X, r, c, Nk: r.sum(axis=1)), False),
    "statistics_about.not_three": (SA, lambda X, r, c: sa(X, r, c)[:2], False),
    "statistics_about.not_an_array": (SA, _sa_part(0, lambda X, r, c, Nk: "N_k"), False),
    "statistics_about.wrong_shape": (SA, _sa_part(0, lambda X, r, c, Nk: Nk[:, None]), False),
    "statistics_about.transposed": (SA, _sa_part(1, lambda X, r, c, S1: S1.T), False),
    "statistics_about.nan": (SA, _sa_part(2, lambda X, r, c, S2: S2 * np.nan), False),
    "statistics_about.wrong_nk": (SA, _sa_part(0, lambda X, r, c, Nk: 2 * Nk), False),
    "statistics_about.ignored_c": (SA, _sa_part(1, lambda X, r, c, S1: r.T @ X), False),
    "statistics_about.c_not_weighted": (SA, _sa_part(1, lambda X, r, c, S1: r.T @ X - c), False),
    "statistics_about.s1_mean": (SA, _sa_part(1, lambda X, r, c, S1: S1 / r.sum(axis=0)[:, None]), False),
    "statistics_about.centred_at_mean": (SA, _sa_part(2, _centred_s2), False),
    "statistics_about.no_resp": (
        SA,
        _sa_part(2, lambda X, r, c, S2: np.repeat(((X - c).T @ (X - c))[None], 3, 0)),
        False,
    ),
    "statistics_about.s2_mean": (SA, _sa_part(2, lambda X, r, c, S2: S2 / r.sum(axis=0)[:, None, None]), False),
    "statistics_about.s2_outer_s1": (
        SA,
        _sa_part(2, lambda X, r, c, S2: np.einsum("ki,kj->kij", r.T @ (X - c), r.T @ (X - c))),
        False,
    ),
    "statistics_about.raw_moments": (SA, t03.raw_statistics_about, False),
    "statistics_about.wrong_value": (SA, _sa_part(2, lambda X, r, c, S2: 1.1 * S2), False),
    # ---- params_about
    "params_about.uses_reference": (PA, _pa_uses_m_step, False),
    "params_about.not_three": (PA, lambda Nk, S1, S2, c, n: pa(Nk, S1, S2, c, n)[:2], False),
    "params_about.not_an_array": (PA, _pa_part(0, lambda Nk, S1, S2, c, n, w: "weights"), False),
    "params_about.wrong_shape": (PA, _pa_part(0, lambda Nk, S1, S2, c, n, w: w[:, None]), False),
    "params_about.transposed": (PA, _pa_part(1, lambda Nk, S1, S2, c, n, m: m.T), False),
    "params_about.nan": (PA, _pa_part(2, lambda Nk, S1, S2, c, n, C: C * np.nan), False),
    "params_about.weights_are_counts": (PA, _pa_part(0, lambda Nk, S1, S2, c, n, w: Nk), False),
    "params_about.wrong_weights": (PA, _pa_part(0, lambda Nk, S1, S2, c, n, w: 1.1 * w), False),
    "params_about.mean_without_c": (PA, _pa_part(1, lambda Nk, S1, S2, c, n, m: S1 / Nk[:, None]), False),
    "params_about.s1_over_n": (PA, _pa_part(1, lambda Nk, S1, S2, c, n, m: c + S1 / n), False),
    "params_about.mean_offset_sign": (PA, _pa_part(1, lambda Nk, S1, S2, c, n, m: c - S1 / Nk[:, None]), False),
    "params_about.wrong_means": (PA, _pa_part(1, lambda Nk, S1, S2, c, n, m: m + 0.1), False),
    "params_about.no_subtraction": (PA, _pa_part(2, lambda Nk, S1, S2, c, n, C: S2 / Nk[:, None, None]), False),
    "params_about.offset_sign": (
        PA,
        _pa_part(2, lambda Nk, S1, S2, c, n, C: S2 / Nk[:, None, None] + _delta_outer(Nk, S1)),
        False,
    ),
    "params_about.divided_by_n": (PA, _pa_part(2, lambda Nk, S1, S2, c, n, C: S2 / n - _delta_outer(Nk, S1)), False),
    "params_about.inner_not_outer": (
        PA,
        _pa_part(
            2,
            lambda Nk, S1, S2, c, n, C: (
                S2 / Nk[:, None, None] - np.einsum("kii->k", _delta_outer(Nk, S1))[:, None, None]
            ),
        ),
        False,
    ),
    "params_about.subtracted_mu": (
        PA,
        _pa_part(2, lambda Nk, S1, S2, c, n, C: S2 / Nk[:, None, None] - _delta_outer(Nk, S1 + Nk[:, None] * c)),
        False,
    ),
    "params_about.outer_one_nk": (
        PA,
        _pa_part(2, lambda Nk, S1, S2, c, n, C: (S2 - np.einsum("ki,kj->kij", S1, S1)) / Nk[:, None, None]),
        False,
    ),
    "params_about.outer_of_sums": (
        PA,
        _pa_part(2, lambda Nk, S1, S2, c, n, C: S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", S1, S1)),
        False,
    ),
    "params_about.raw_moments": (PA, t03.raw_params_about, False),
    "params_about.wrong_covariances": (PA, _pa_part(2, lambda Nk, S1, S2, c, n, C: 1.1 * C), False),
}

# the id that needs the student's Q (exercise 4) given to the entropy check: a Q that is off by 1
WITH_Q = {"entropy.identity_fails": lambda X, r, g: q(X, r, g) + 1.0}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) | set(WITH_Q) == set(lesson03.MISTAKES)
    assert not set(WRONG) & set(WITH_Q)
    assert all(is_valid(m) for m in lesson03.MISTAKES)
    assert all(section for section in lesson03.MISTAKES.values()), "every lesson 03 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("mistake", list(WITH_Q))
def test_each_mistake_of_the_students_q_in_the_entropy_check(mistake):
    assert mistake_of(ENT, ent, False, Q=WITH_Q[mistake]) == mistake


@pytest.mark.parametrize("check", [CLL, MLE, LW, Q, ENT, GAP, SA, PA], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = {"check_expected_complete_log_likelihood": "q"}.get(check.__name__, check.__name__.removeprefix("check_"))
    assert mistake_of(check, stub, False) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, False) == f"{name}.raised"
    assert mistake_of(check, 3, False) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)


def test_the_q_given_to_the_entropy_check_gets_the_generic_ids_too():
    assert mistake_of(ENT, ent, False, Q=stub) == "entropy.not_implemented"
    assert mistake_of(ENT, ent, False, Q=crashes) == "entropy.raised"
