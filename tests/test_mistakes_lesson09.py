"""Mistakes as data, lesson 09: every id of coursepkg.checks.lesson09.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes_lesson08.py. The checks of several answers (check_held_out_choice: the scores
and the chosen K; check_larger_k: the prediction, the measurement and the derived N) take a tuple of wrong
answers. Every check run
here is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts the judge names the
same id.
"""

import math

import numpy as np
import pytest
import test_checks_lesson09 as t09
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import em, selection
from coursepkg.checks import lesson09
from coursepkg.checks._core.mistakes import GENERIC, is_valid

P, A, C = lesson09.check_count_parameters, lesson09.check_information_criteria, lesson09.check_constrained_covariances
H, L = lesson09.check_held_out_choice, lesson09.check_larger_k
count, crit, covs = t09.count_parameters, t09.information_criteria, t09.constrained_covariances
SCORES = t09.SCORES
GOOD_H = (lambda: SCORES, t09.held_out_choice)
GOOD_L = (t09.larger_k, t09.measured_choices, t09.smallest_n)


def _only(t, change):
    """The right count, except for covariance type t, where change(K, d, right count) is returned."""
    return lambda K, d, ct: change(K, d, count(K, d, ct)) if ct == t else count(K, d, ct)


def _cov_only(t, change):
    return lambda X, r, ct: change(X, r, covs(X, r, ct)) if ct == t else covs(X, r, ct)


def _nan(X, r, ct):
    return np.full_like(covs(X, r, ct), np.nan)


def _peak_at_6():
    s = SCORES.copy()
    s[5] = s.max() + 0.01
    return s


def _diag_over_n(X, r, ct):
    full = covs(X, r, "full") * r.sum(axis=0)[:, None, None] / len(X)
    return np.array([np.diag(np.diag(c)) for c in full])


def _tied_sum(X, r, ct):
    return covs(X, r, "tied") * len(X)


def _tied_kn(X, r, ct):
    return covs(X, r, "tied") / r.shape[1]


# id -> (check, wrong answer (a tuple for a check of two answers), hidden)
WRONG = {
    "count_parameters.uses_reference": (P, lambda K, d, t: selection.n_parameters(em.initial_gmm(np.eye(K), K)), False),
    "count_parameters.not_a_number": (P, lambda K, d, t: "seventeen", False),
    "count_parameters.not_finite": (P, lambda K, d, t: math.inf, False),
    "count_parameters.weights_all_free": (P, t09._count("weights"), False),
    "count_parameters.no_weights": (P, lambda K, d, t: count(K, d, t) - (K - 1), False),
    "count_parameters.no_means": (P, lambda K, d, t: count(K, d, t) - K * d, False),
    "count_parameters.not_symmetric": (P, t09._count("d2"), False),
    "count_parameters.tied_per_component": (P, t09._count("tied_k"), False),
    "count_parameters.spherical_per_feature": (P, _only("spherical", lambda K, d, c: c - K + K * d), False),
    "count_parameters.diag_as_full": (P, _only("diag", lambda K, d, c: c - K * d + K * d * (d + 1) // 2), False),
    "count_parameters.wrong_count": (P, lambda K, d, t: count(K, d, t) + 2, False),
    "count_parameters.tied_diag_per_component": (
        P,
        lambda K, d, t: count(K, d, "diag" if t == "tied_diag" else t),
        False,
    ),
    "count_parameters.tied_diag_as_tied": (P, lambda K, d, t: count(K, d, "tied" if t == "tied_diag" else t), False),
    "count_parameters.tied_spherical_per_component": (
        P,
        lambda K, d, t: count(K, d, "spherical" if t == "tied_spherical" else t),
        False,
    ),
    "count_parameters.tied_spherical_per_feature": (
        P,
        lambda K, d, t: count(K, d, "tied_diag" if t == "tied_spherical" else t),
        False,
    ),
    "information_criteria.uses_reference": (A, lambda ll, p, N: (selection.aic(None, None), 0.0), False),
    "information_criteria.not_a_pair": (A, lambda ll, p, N: -2 * ll, False),
    "information_criteria.not_a_number": (A, lambda ll, p, N: ("a", "b"), False),
    "information_criteria.swapped": (A, lambda ll, p, N: crit(ll, p, N)[::-1], False),
    "information_criteria.sign": (A, lambda ll, p, N: (2 * ll + 2 * p, 2 * ll + p * math.log(N)), False),
    "information_criteria.no_factor_two": (A, lambda ll, p, N: (-ll + p, -ll + p * math.log(N) / 2), False),
    "information_criteria.log10": (A, lambda ll, p, N: (-2 * ll + 2 * p, -2 * ll + p * math.log10(N)), False),
    "information_criteria.n_not_log": (A, lambda ll, p, N: (-2 * ll + 2 * p, -2 * ll + p * N), False),
    "information_criteria.aic_one_per": (A, lambda ll, p, N: (-2 * ll + p, -2 * ll + p * math.log(N)), False),
    "information_criteria.wrong_value": (A, lambda ll, p, N: (0.0, 0.0), False),
    "constrained_covariances.uses_reference": (C, lambda X, r, t: em.m_step(X, r, 0.0, t).covariances, False),
    "constrained_covariances.not_an_array": (C, lambda X, r, t: "covariances", False),
    "constrained_covariances.wrong_shape": (C, lambda X, r, t: covs(X, r, t)[:, :1], False),
    "constrained_covariances.nan": (C, _nan, False),
    "constrained_covariances.full_returned": (C, t09._covs("full"), False),
    "constrained_covariances.not_centred": (C, t09._covs("raw"), False),
    "constrained_covariances.divided_by_n": (C, _cov_only("diag", lambda X, r, c: _diag_over_n(X, r, "diag")), False),
    "constrained_covariances.averaged_sds": (C, t09._covs("sds"), False),
    "constrained_covariances.no_division_by_d": (C, t09._covs("no_d"), False),
    "constrained_covariances.tied_unweighted": (C, t09._covs("unweighted"), False),
    "constrained_covariances.tied_not_divided": (C, _cov_only("tied", lambda X, r, c: _tied_sum(X, r, "tied")), False),
    "constrained_covariances.tied_divided_by_kn": (C, _cov_only("tied", lambda X, r, c: _tied_kn(X, r, "tied")), False),
    "constrained_covariances.wrong_full": (C, _cov_only("full", lambda X, r, c: c + 0.1), False),
    "constrained_covariances.wrong_diag": (C, _cov_only("diag", lambda X, r, c: c * 1.1), False),
    "constrained_covariances.wrong_spherical": (C, _cov_only("spherical", lambda X, r, c: c * 1.1), False),
    "constrained_covariances.wrong_tied": (C, _cov_only("tied", lambda X, r, c: c * 1.1), False),
    "held_out_choice.not_an_array": (H, (lambda: "scores", 3), None),
    "held_out_choice.wrong_shape": (H, (lambda: SCORES[:5], 3), None),
    "held_out_choice.nan": (H, (lambda: np.full(8, np.nan), 3), None),
    "held_out_choice.not_a_k": (H, (lambda: SCORES, 2.5), None),
    "held_out_choice.totals": (H, (lambda: SCORES * 150, 3), None),
    "held_out_choice.scored_training": (H, (lambda: lesson09.HELD_OUT_TRAIN, 8), None),
    "held_out_choice.scores_off": (H, (lambda: SCORES + 1.0, 3), None),
    "held_out_choice.chose_lowest": (H, (lambda: SCORES, 1), None),
    "held_out_choice.chose_by_training": (H, (lambda: SCORES, 8), None),
    "held_out_choice.not_your_argmax": (H, (lambda: SCORES, 6), None),
    "held_out_choice.decision_wrong": (H, (_peak_at_6, 6), None),
    "larger_k.not_a_choice": (L, (lambda: "both", t09.measured_choices, t09.smallest_n), None),
    "larger_k.not_a_pair": (L, (t09.larger_k, lambda: 4, t09.smallest_n), None),
    "larger_k.not_a_number": (L, (t09.larger_k, lambda: ("a", "b"), t09.smallest_n), None),
    "larger_k.not_finite": (L, (t09.larger_k, lambda: (math.nan, 2), t09.smallest_n), None),
    "larger_k.swapped": (L, (t09.larger_k, lambda: (2, 4), t09.smallest_n), None),
    "larger_k.argmax": (L, (t09.larger_k, lambda: (1, 1), t09.smallest_n), None),
    "larger_k.index_not_k": (L, (t09.larger_k, lambda: (3, 1), t09.smallest_n), None),
    "larger_k.no_penalty": (L, (t09.larger_k, lambda: (8, 8), t09.smallest_n), None),
    "larger_k.measure_wrong": (L, (t09.larger_k, lambda: (5, 5), t09.smallest_n), None),
    "larger_k.prediction_wrong": (L, (lambda: "BIC", t09.measured_choices, t09.smallest_n), None),
    "larger_k.crossover_rounded_down": (L, (t09.larger_k, t09.measured_choices, lambda: 7), None),
    "larger_k.crossover_log_one": (L, (t09.larger_k, t09.measured_choices, lambda: 3), None),
    "larger_k.crossover_log10": (L, (t09.larger_k, t09.measured_choices, lambda: 100), None),
    "larger_k.crossover_wrong": (L, (t09.larger_k, t09.measured_choices, lambda: 20), None),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson09.MISTAKES)
    assert all(is_valid(m) for m in lesson09.MISTAKES)
    assert all(section for section in lesson09.MISTAKES.values()), "every lesson 09 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


NAMES = {P: "count_parameters", A: "information_criteria", C: "constrained_covariances"}


@pytest.mark.parametrize("check", [P, A, C], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = NAMES[check]
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)


@pytest.mark.parametrize("check, good", [(H, GOOD_H), (L, GOOD_L)], ids=["held_out_choice", "larger_k"])
def test_the_generic_ids_of_a_check_of_two_answers(check, good):
    name = {H: "held_out_choice", L: "larger_k"}[check]
    for position in range(len(good)):
        for wrong, key in ((stub, "not_implemented"), (crashes, "raised")):
            answers = list(good)
            answers[position] = wrong
            assert mistake_of(check, tuple(answers), None) == f"{name}.{key}"
