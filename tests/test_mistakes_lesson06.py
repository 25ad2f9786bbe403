"""Mistakes as data, lesson 06: every id of coursepkg.checks.lesson06.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes.py (lesson 05): WRONG maps each id to (check, wrong answer, hidden); each id is
produced by its wrong answer, and the generic ids of the channel come out of every check. Every check run here
is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson06 as t06
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import em, mixture
from coursepkg.checks import lesson06
from coursepkg.checks._core.mistakes import GENERIC, is_valid
from coursepkg.mixture import GMM

MS, QC, G, W, R, F = (
    lesson06.check_m_step,
    lesson06.check_q,
    lesson06.check_dq_dchol,
    lesson06.check_map_weights,
    lesson06.check_rise_per_decade,
    lesson06.check_choose_reg_covar,
)
V, C = t06._variant, t06._covs
NU, WT, MW = t06._with_nu, t06._with_weights, t06.map_weights


def _weights(f):
    return V(weights=lambda X, r, reg, w, m, c: f(X, r, w))


def _means(f):
    return V(means=lambda X, r, reg, w, m, c: f(X, r, m))


def _cov(f):
    return V(covs=lambda X, r, reg, w, m, c: f(X, r, reg, c))


def _uses_em(X, resp, reg_covar=1e-6):
    g = em.m_step(X, resp, reg_covar)
    return g.weights, g.means, g.covariances


def _grad(key):
    return t06._grad_variant(key)


def _q(transform):
    return t06._q(transform)


# id -> (check, wrong answer, hidden)
WRONG = {
    "m_step.not_a_triple": (MS, lambda X, r, reg=1e-6: t06.m_step(X, r, reg)[:2], False),
    "m_step.not_an_array": (MS, _weights(lambda X, r, w: "weights"), False),
    "m_step.wrong_shape": (MS, _weights(lambda X, r, w: np.append(w, 0.0)), False),
    "m_step.transposed": (MS, _means(lambda X, r, m: m.T), False),
    "m_step.nan": (MS, _weights(lambda X, r, w: np.full_like(w, np.nan)), False),
    "m_step.uses_reference": (MS, _uses_em, False),
    "m_step.weights_per_point": (MS, _weights(lambda X, r, w: r.sum(axis=1) / r.shape[1]), False),
    "m_step.weights_are_nk": (MS, _weights(lambda X, r, w: r.sum(axis=0)), False),
    "m_step.weights_uniform": (MS, _weights(lambda X, r, w: np.full(r.shape[1], 1 / r.shape[1])), False),
    "m_step.weights_wrong_value": (MS, _weights(lambda X, r, w: w[::-1]), False),
    "m_step.means_not_divided": (MS, _means(lambda X, r, m: r.T @ X), False),
    "m_step.means_divided_by_n": (MS, _means(lambda X, r, m: r.T @ X / len(X)), False),
    "m_step.means_unweighted": (MS, _means(lambda X, r, m: np.repeat(X.mean(axis=0)[None], r.shape[1], axis=0)), False),
    "m_step.means_wrong_value": (MS, _means(lambda X, r, m: m + 0.1), False),
    "m_step.covs_stacked_last": (MS, _cov(lambda X, r, reg, c: np.transpose(c, (1, 2, 0))), False),
    "m_step.covs_not_finite": (MS, _cov(lambda X, r, reg, c: c * np.nan), False),
    "m_step.covs_divided_by_n": (MS, _cov(lambda X, r, reg, c: C(X, r, reg, divide_by="n")), False),
    "m_step.covs_not_divided": (
        MS,
        _cov(lambda X, r, reg, c: (c - reg * np.eye(X.shape[1])) * r.sum(axis=0)[:, None, None] + reg * np.eye(2)),
        False,
    ),
    "m_step.uncentred": (MS, _cov(lambda X, r, reg, c: C(X, r, reg, centre=False)), False),
    "m_step.uncentred_divided_by_n": (MS, _cov(lambda X, r, reg, c: C(X, r, reg, centre=False, divide_by="n")), False),
    "m_step.covs_unweighted": (
        MS,
        _cov(lambda X, r, reg, c: np.repeat(np.cov(X.T, bias=True)[None], r.shape[1], axis=0) + reg * np.eye(2)),
        False,
    ),
    "m_step.covs_wrong_value": (MS, _cov(lambda X, r, reg, c: c * 1.01), False),
    "m_step.unbiased_normaliser": (
        MS,
        _cov(
            lambda X, r, reg, c: np.array([np.cov(X.T, aweights=r[:, k]) + reg * np.eye(2) for k in range(r.shape[1])])
        ),
        False,
    ),
    "m_step.scatter_unweighted": (MS, V(covs=t06._unweighted_scatter), False),
    "m_step.r_squared": (MS, V(covs=t06._r_squared), False),
    "m_step.raw_moments": (MS, V(covs=t06._uncentred_minus_mean), False),
    "m_step.no_reg": (MS, _cov(lambda X, r, reg, c: C(X, r, 0.0)), False),
    "m_step.reg_fixed": (MS, _cov(lambda X, r, reg, c: C(X, r, reg, fixed_reg=1e-6)), False),
    "m_step.reg_everywhere": (MS, _cov(lambda X, r, reg, c: C(X, r, reg, diag=False)), False),
    "q.returned_none": (QC, _q(lambda X, r, w, L: None), False),
    "q.not_a_scalar": (QC, _q(lambda X, r, w, L: r * (L + np.log(w))), False),
    "q.not_a_number": (QC, _q(lambda X, r, w, L: "Q"), False),
    "q.not_finite": (QC, _q(lambda X, r, w, L: float(np.sum(r * np.log(w * np.exp(L))))), False),
    "q.no_log_weights": (QC, _q(lambda X, r, w, L: float(np.sum(r * L))), False),
    "q.weights_not_logged": (QC, _q(lambda X, r, w, L: float(np.sum(r * (L + w)))), False),
    "q.is_log_likelihood": (QC, _q(lambda X, r, w, L: float(np.log(np.exp(L + np.log(w)).sum(axis=1)).sum())), False),
    "q.is_lower_bound": (QC, _q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)) - r * np.log(r)))), False),
    "q.averaged": (QC, _q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)))) / len(X)), False),
    "q.averaged_all": (QC, _q(lambda X, r, w, L: float(np.mean(r * (L + np.log(w))))), False),
    "q.not_weighted_by_r": (QC, _q(lambda X, r, w, L: float(np.sum(L + np.log(w)))), False),
    "q.uses_reference": (
        QC,
        lambda X, r, w, m, c: mixture.expected_complete_log_likelihood(X, r, GMM(w, m, c)),
        False,
    ),
    "q.wrong_value": (QC, _q(lambda X, r, w, L: float(np.sum(r * (L + np.log(w)))) + 1.0), False),
    **{f"dq_dchol.{key}": (G, _grad(key), False) for key, _ in lesson06.DQ_DCHOL_MISTAKES},
    "dq_dchol.not_lower": (G, lambda X, r, m, c, j: t06.dq_dchol(X, r, m, c, j) + np.triu(np.ones((2, 2)), 1), False),
    "dq_dchol.not_an_array": (G, lambda X, r, m, c, j: "gradient", False),
    "dq_dchol.wrong_shape": (G, lambda X, r, m, c, j: np.zeros(3), False),
    "dq_dchol.nan": (G, lambda X, r, m, c, j: t06.dq_dchol(X, r, m, c, j) * np.nan, False),
    "dq_dchol.wrong_value": (G, lambda X, r, m, c, j: t06.dq_dchol(X, r, m, c, j) * 1.01, False),
    "map_weights.no_prior": (W, NU(lambda Nk, a: Nk / Nk.sum()), False),
    "map_weights.alpha_not_minus_one": (W, NU(lambda Nk, a: (Nk + a) / (Nk.sum() + len(Nk) * a)), False),
    "map_weights.nu_is_n": (W, NU(lambda Nk, a: (Nk + a - 1) / Nk.sum()), False),
    "map_weights.nu_missing_k": (W, NU(lambda Nk, a: (Nk + a - 1) / (Nk.sum() + a - 1)), False),
    "map_weights.prior_sign": (W, NU(lambda Nk, a: (Nk - a + 1) / (Nk.sum() - len(Nk) * (a - 1))), False),
    "map_weights.k_hard_coded": (W, NU(lambda Nk, a: (Nk + a - 1) / (Nk.sum() + 3 * (a - 1))), False),
    "map_weights.not_normalised": (W, NU(lambda Nk, a: MW(Nk, a)[0] * 1.1), False),
    "map_weights.not_an_array": (W, NU(lambda Nk, a: "weights"), False),
    "map_weights.wrong_shape": (W, NU(lambda Nk, a: MW(Nk, a)[0][:2]), False),
    "map_weights.nan": (W, NU(lambda Nk, a: MW(Nk, a)[0] * np.nan), False),
    "map_weights.wrong_value": (W, NU(lambda Nk, a: np.sort(MW(Nk, a)[0])), False),
    "map_weights.not_a_pair": (W, lambda Nk, a: MW(Nk, a)[0], False),
    "map_weights.nu_value_n": (W, WT(lambda Nk, a: Nk.sum()), False),
    "map_weights.nu_value_missing_k": (W, WT(lambda Nk, a: Nk.sum() + a - 1), False),
    "map_weights.nu_value_sign": (W, WT(lambda Nk, a: -MW(Nk, a)[1]), False),
    "map_weights.nu_value_inverse": (W, WT(lambda Nk, a: 1 / MW(Nk, a)[1]), False),
    "map_weights.nu_value_k_hard_coded": (W, WT(lambda Nk, a: Nk.sum() + 3 * (a - 1)), False),
    "map_weights.nu_wrong_value": (W, WT(lambda Nk, a: MW(Nk, a)[1] + 1.0), False),
    "map_weights.not_a_number": (W, WT(lambda Nk, a: "nu"), False),
    "map_weights.not_finite": (W, WT(lambda Nk, a: float("inf")), False),
    "choose_reg_covar.not_positive": (F, lambda: 0.0, None),
    "choose_reg_covar.too_large": (F, lambda: 0.02, None),
    "choose_reg_covar.default_floor": (F, lambda: 1e-6, None),
    "choose_reg_covar.neglected_share": (F, lesson06._floor_neglecting_the_share, None),
    "choose_reg_covar.collapse_wins": (F, lambda: 0.002, None),
    "choose_reg_covar.returned_none": (F, lambda: None, None),
    "choose_reg_covar.not_a_number": (F, lambda: "small", None),
    "choose_reg_covar.not_finite": (F, lambda: float("nan"), None),
    "rise_per_decade.per_variance": (R, lambda d: d * np.log(10) / 2, False),
    "rise_per_decade.forgot_d": (R, lambda d: np.log(10), False),
    "rise_per_decade.one_d_per_variance": (R, lambda d: np.log(10) / 2, False),
    "rise_per_decade.base_10": (R, lambda d: float(d), False),
    "rise_per_decade.sign": (R, lambda d: -d * np.log(10), False),
    "rise_per_decade.not_a_number": (R, lambda d: "fast", False),
    "rise_per_decade.not_finite": (R, lambda d: float("inf"), False),
    "rise_per_decade.wrong_value": (R, lambda d: 3.0 * d, False),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson06.MISTAKES)
    assert all(is_valid(m) for m in lesson06.MISTAKES)
    assert all(section for section in lesson06.MISTAKES.values()), "every lesson 06 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("check", [MS, QC, G, W, R, F], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check is not F:  # a numeric answer may be a number; a function exercise needs the function
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function", "unreadable_value"} <= set(GENERIC)
