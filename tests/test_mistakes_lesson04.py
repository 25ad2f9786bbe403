"""Mistakes as data for lesson 04: every id of coursepkg.checks.lesson04.MISTAKES is produced by a wrong answer.

Modelled on tests/test_mistakes.py (lesson 05). Every check run here is also recorded and judged
(checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson04 as t04
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import em, mixture
from coursepkg.checks import lesson04
from coursepkg.checks._core.mistakes import GENERIC, is_valid

JG, ZG, WW = lesson04.check_jensen_gap, lesson04.check_zero_gap, lesson04.check_worst_weight
LB, KL, CH = lesson04.check_lower_bound, lesson04.check_kl_gap, lesson04.check_em_chain
jensen_gap, worst_weight, lower_bound, kl_gap = t04.jensen_gap, t04.worst_weight, t04.lower_bound, t04.kl_gap


def _nan_on_far_points(X, q, g):
    return float("nan") if np.abs(X).max() > 500 else kl_gap(X, q, g)


def _terms(change):
    def em_chain(X, gmm):
        return change(list(t04.em_chain(X, gmm)))

    return em_chain


def _set(i, value):
    def change(terms):
        terms[i] = value
        return tuple(terms)

    return change


def _shift(i, by):
    def change(terms):
        terms[i] += by
        return tuple(terms)

    return change


def _pair(w, x):
    return lambda: (np.array(w, float), np.array(x, float))


# id -> (check, wrong answer, hidden)
WRONG = {
    "jensen_gap.nan_zero_weight": (JG, lambda w, x: float(np.log(np.sum(w * x)) - np.sum(w * np.log(x))), False),
    "jensen_gap.sign": (JG, lambda w, x: -jensen_gap(w, x), False),
    "jensen_gap.unweighted": (JG, lambda w, x: float(np.log(np.mean(x)) - np.mean(np.log(x))), False),
    "jensen_gap.log_base": (JG, lambda w, x: jensen_gap(w, x) / np.log(10), False),
    "jensen_gap.not_a_number": (JG, lambda w, x: "small", False),
    "jensen_gap.not_finite": (JG, lambda w, x: float("inf"), False),
    "jensen_gap.wrong_value": (JG, lambda w, x: jensen_gap(w, x) + 0.01, False),
    "zero_gap_case.not_a_pair": (ZG, lambda: 0.0, None),
    "zero_gap_case.shape_mismatch": (ZG, _pair([1.0, 0.0], [1.0, 2.0, 3.0]), None),
    "zero_gap_case.not_finite": (ZG, _pair([1.0, 0.0], [1.0, np.nan]), None),
    "zero_gap_case.negative_weight": (ZG, _pair([1.5, -0.5], [1.0, 3.0]), None),
    "zero_gap_case.not_normalised": (ZG, _pair([0.7, 0.5], [1.0, 3.0]), None),
    "zero_gap_case.x_not_positive": (ZG, _pair([1.0, 0.0], [1.0, -2.0]), None),
    "zero_gap_case.all_equal": (ZG, _pair([0.5, 0.5], [3.0, 3.0]), None),
    "zero_gap_case.nearly_equal": (ZG, _pair([0.5, 0.5], [2.0, 2.0 + 1e-9]), None),
    "zero_gap_case.gap_positive": (ZG, _pair([0.5, 0.5], [1.0, 3.0]), None),
    "zero_gap_case.not_clearly_distinct": (ZG, _pair([1.0, 0.0], [2.0, 2.0 + 1e-9]), None),
    "worst_weight.half": (WW, lambda a, b: 0.5, False),
    "worst_weight.other_weight": (WW, lambda a, b: 1 - worst_weight(a, b), False),
    "worst_weight.geometric_mean": (WW, t04._from_mean(lambda a, b: np.sqrt(a * b)), False),
    "worst_weight.sign": (WW, t04._from_mean(lambda a, b: -(a - b) / np.log(a / b)), False),
    "worst_weight.log_base": (WW, t04._from_mean(lambda a, b: (a - b) / np.log2(a / b)), False),
    "worst_weight.outside_unit": (WW, lambda a, b: 1.7, False),
    "worst_weight.inexact": (WW, t04._numerical_search, False),
    "worst_weight.not_a_number": (WW, lambda a, b: None, False),
    "worst_weight.not_finite": (WW, lambda a, b: float("nan"), False),
    "worst_weight.wrong_value": (WW, lambda a, b: worst_weight(a, b) + 0.01, False),
    "lower_bound.uses_reference": (LB, lambda X, q, g: em.lower_bound(X, q, g), False),
    "lower_bound.nan_0log0": (LB, lambda X, q, g: float(np.sum(q * (t04.log_joint(X, g) - np.log(q)))), False),
    "lower_bound.not_a_number": (LB, lambda X, q, g: "L", False),
    "lower_bound.not_finite": (LB, lambda X, q, g: -float("inf"), False),
    "lower_bound.no_entropy": (LB, t04._q_term, False),
    "lower_bound.entropy_sign": (LB, lambda X, q, g: t04._q_term(X, q, g) - t04._entropy(q), False),
    "lower_bound.no_log_weights": (
        LB,
        lambda X, q, g: lower_bound(X, q, g) - float(np.sum(q * np.log(np.maximum(g.weights, 1e-300)))),
        False,
    ),
    "lower_bound.log_p_itself": (
        LB,
        lambda X, q, g: float(t04.logsumexp(t04.log_joint(X, g), axis=1).sum()),
        False,
    ),
    "lower_bound.density_not_log": (
        LB,
        lambda X, q, g: float(np.sum(q[q > 0] * (np.exp(t04.log_joint(X, g))[q > 0] - np.log(q[q > 0])))),
        False,
    ),
    "lower_bound.averaged": (LB, lambda X, q, g: lower_bound(X, q, g) / len(X), False),
    "lower_bound.wrong_value": (LB, lambda X, q, g: lower_bound(X, q, g) + 1.0, False),
    "kl_gap.uses_reference": (KL, lambda X, q, g: float(np.sum(q * np.log(q / em.e_step(X, g)[0]))), False),
    "kl_gap.nan_0log0": (KL, lambda X, q, g: float(np.sum(q * (np.log(q) - t04.log_post(X, g)))), False),
    "kl_gap.underflow": (KL, t04._naive_posterior_kl, False),
    "kl_gap.not_a_number": (KL, lambda X, q, g: [1.0, 2.0], False),
    "kl_gap.not_finite": (KL, lambda X, q, g: float("inf"), False),
    "kl_gap.reverse_kl": (KL, t04._reverse_kl, False),
    "kl_gap.sign": (KL, lambda X, q, g: -kl_gap(X, q, g), False),
    "kl_gap.joint_not_posterior": (KL, lambda X, q, g: -lower_bound(X, q, g), False),
    "kl_gap.averaged": (KL, lambda X, q, g: kl_gap(X, q, g) / len(X), False),
    "kl_gap.wrong_axis": (KL, t04._posterior_over_points_kl, False),
    "kl_gap.shift_axis": (KL, t04._column_shift_kl, False),
    "kl_gap.by_subtraction": (KL, lambda X, q, g: float(mixture.log_likelihood(X, g)) - lower_bound(X, q, g), False),
    "kl_gap.wrong_value": (KL, lambda X, q, g: kl_gap(X, q, g) + 1.0, False),
    "em_chain.uses_reference": (CH, lambda X, g: (0.0, em.lower_bound(X, em.e_step(X, g)[0], g), 0.0, 0.0), False),
    "em_chain.not_four": (CH, lambda X, g: t04.em_chain(X, g)[:3], False),
    "em_chain.not_a_number": (CH, _terms(_set(1, "L")), False),
    "em_chain.not_finite": (CH, _terms(_set(3, float("nan"))), False),
    "em_chain.reversed": (CH, t04.chain_variant("reversed"), False),
    "em_chain.per_point": (CH, t04.chain_variant("per_point"), False),
    "em_chain.ell_old_wrong": (CH, t04.chain_variant("ell_old"), False),
    "em_chain.bound_old_wrong": (CH, t04.chain_variant("old_uniform"), False),
    "em_chain.reg_covar": (CH, t04.chain_variant("reg"), False),
    "em_chain.bound_new_new_q": (CH, t04.chain_variant("new_q"), False),
    "em_chain.bound_new_at_old": (CH, t04.chain_variant("L_new_at_old"), False),
    "em_chain.bound_new_wrong": (CH, t04.chain_variant("L_new"), False),
    "em_chain.ell_new_at_old": (CH, t04.chain_variant("ell_new_at_old"), False),
    "em_chain.ell_new_wrong": (CH, t04.chain_variant("ell_new"), False),
}

# kl_gap with a wrong student_lower_bound: the identity fails (a keyword argument, so not in WRONG's shape)
IDENTITY = "kl_gap.identity"


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) | {IDENTITY} == set(lesson04.MISTAKES)
    assert all(is_valid(m) for m in lesson04.MISTAKES)
    assert all(section for section in lesson04.MISTAKES.values()), "every lesson 04 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


# a reference imported inside the function (invisible among its globals) gives the same ids as one it names
IMPORTED_AT_CALL_TIME = {
    "lower_bound.uses_reference": (LB, t04.lower_bound_imported_at_call_time),
    "kl_gap.by_subtraction": (KL, t04.kl_gap_imported_at_call_time),
    "kl_gap.uses_reference": (KL, t04.kl_gap_with_the_e_step_imported_at_call_time),
    "em_chain.uses_reference": (CH, t04.em_chain_with_the_reference_bound_imported_at_call_time),
}


@pytest.mark.parametrize("mistake", list(IMPORTED_AT_CALL_TIME))
def test_a_reference_imported_at_call_time_has_the_same_id(mistake):
    check, wrong = IMPORTED_AT_CALL_TIME[mistake]
    assert mistake_of(check, wrong, False) == mistake


def test_a_wrong_lower_bound_breaks_the_identity():
    wrong_bound = lambda X, q, g: lower_bound(X, q, g) + 0.1  # noqa: E731
    assert mistake_of(KL, kl_gap, False, student_lower_bound=wrong_bound) == IDENTITY


@pytest.mark.parametrize("check", [JG, ZG, WW, LB, KL, CH], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    name = "zero_gap_case" if name == "zero_gap" else name
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check is not ZG:  # a value answer may be the pair itself; a function exercise needs the function
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)
