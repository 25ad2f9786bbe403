"""Mistakes as data: every id a lesson module lists in MISTAKES is produced by a wrong answer here.

Lesson 05 is covered in full (each id of coursepkg.checks.lesson05.MISTAKES, and the generic ids of the
channel for each of its checks, including exercise 1's second check `check_logsumexp_minus_inf_rows`, whose
ids are logsumexp.*, and exercises 3 and 4: the prediction `r_after_doubling` and the decision `place_mu_2`);
other lessons have their own tests/test_mistakes_lessonNN.py. Every check run here is also recorded and
judged (checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson05 as t05
from checks_helpers import crashes, in_process_only, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)
from scipy import special

from coursepkg import em
from coursepkg.checks import lesson05
from coursepkg.checks._core import channel
from coursepkg.checks._core.mistakes import GENERIC, is_valid, key_of
from coursepkg.mixture import GMM


def _weights_twice(X, w, m, c):
    a = t05.log_joint(X, w, m, c) + np.log(w)
    return np.exp(a - t05.logsumexp(a, axis=1)[:, None]), 0.0


def _slightly_off(X, w, m, c):
    a = t05.log_joint(X, w, m, c) + np.array([0.0, 0.01, 0.02])[: len(w)]
    return np.exp(a - t05.logsumexp(a, axis=1)[:, None]), 0.0


def _naive_for_negative(a, axis):
    if np.max(a) < -500:
        return np.log(np.sum(np.exp(a), axis=axis))
    return t05.logsumexp(a, axis)


LL = t05._ll
LSE, E, R, M = lesson05.check_logsumexp, lesson05.check_e_step, lesson05.check_r_nearest, lesson05.check_multiplier
D, P = lesson05.check_r_after_doubling, lesson05.check_place_mu_2
LSI = lesson05.check_logsumexp_minus_inf_rows  # exercise 1's second check: its ids are logsumexp.*
R0, LOG_P = t05.R, t05.LOG_P

# id -> (check, wrong answer, hidden)
WRONG = {
    "logsumexp.returned_none": (LSE, lambda a, axis: None, False),
    "logsumexp.keepdims": (LSE, t05._keepdims, False),
    "logsumexp.wrong_axis": (LSE, lambda a, axis: t05.logsumexp(a, 1 - axis), False),
    "logsumexp.wrong_shape": (LSE, lambda a, axis: np.zeros(7), False),
    "logsumexp.global_max": (LSE, t05._global_max, False),
    "logsumexp.nan": (LSE, lambda a, axis: np.full(np.shape(t05.logsumexp(a, axis)), np.nan), False),
    "logsumexp.max_not_added": (LSE, lambda a, axis: t05.logsumexp(a, axis) - np.max(a, axis=axis), False),
    "logsumexp.only_max": (LSE, lambda a, axis: np.max(a, axis=axis), False),
    "logsumexp.no_log": (LSE, lambda a, axis: np.exp(t05.logsumexp(a, axis)), False),
    "logsumexp.sum_of_a": (LSE, lambda a, axis: np.sum(a, axis=axis), False),
    "logsumexp.uses_reference": (LSE, lambda a, axis: special.logsumexp(a, axis=axis), False),
    "logsumexp.wrong_value": (LSE, lambda a, axis: t05.logsumexp(a, axis) + 1.0, False),
    "logsumexp.all_minus_inf_nan": (LSI, t05.logsumexp_nan_on_empty_rows, None),
    "logsumexp.all_minus_inf_value": (
        LSI,
        lambda a, axis: np.where(np.isneginf(t05.logsumexp(a, axis)), 0.0, t05.logsumexp(a, axis)),
        None,
    ),
    "logsumexp.not_an_array": (LSI, lambda a, axis: "log", None),
    "logsumexp.overflow": (LSE, t05._naive, False),
    "logsumexp.underflow": (LSE, _naive_for_negative, True),
    "e_step.pdf_underflow": (E, t05._pdf_underflow, False),
    "e_step.zero_rows": (E, t05._pdf_with_eps, False),
    "e_step.wrong_axis": (E, t05._wrong_axis, False),
    "e_step.rows_not_normalised": (E, t05._unnormalised, False),
    "e_step.transposed": (E, t05._transposed, False),
    "e_step.wrong_shape": (E, lambda X, w, m, c: (np.zeros((5, 5)), 0.0), False),
    "e_step.log_resp": (E, t05._log_resp, False),
    "e_step.no_weights": (E, t05._no_weights, False),
    "e_step.weights_not_logged": (E, t05._weights_not_logged, False),
    "e_step.no_logdet": (E, t05._no_logdet, False),
    "e_step.weights_twice": (E, _weights_twice, False),
    "e_step.hard_assignments": (E, t05._hard, False),
    "e_step.resp_only": (E, lambda X, w, m, c: t05.e_step(X, w, m, c)[0], False),
    "e_step.not_a_pair": (E, lambda X, w, m, c: 3, False),
    "e_step.uses_reference": (E, lambda X, w, m, c: em.e_step(X, GMM(w, m, c)), False),
    "e_step.wrong_value": (E, _slightly_off, False),
    "e_step.loglik_not_a_number": (E, LL(lambda a, r, *_: "ll"), False),
    "e_step.loglik_per_point": (E, LL(lambda a, r, *_: t05.logsumexp(a, axis=1)), False),
    "e_step.loglik_not_finite": (E, LL(lambda a, r, *_: float(np.log(np.exp(a).sum(axis=1)).sum())), False),
    "e_step.loglik_averaged": (E, LL(lambda a, r, *_: float(t05.logsumexp(a, axis=1).mean())), False),
    "e_step.loglik_no_weights": (
        E,
        LL(lambda a, r, X, w, m, c: float(t05.logsumexp(a - np.log(w), axis=1).sum())),
        False,
    ),
    "e_step.loglik_is_q": (E, LL(lambda a, r, *_: float(np.sum(r * a))), False),
    "e_step.loglik_max": (E, LL(lambda a, r, *_: float(a.max(axis=1).sum())), False),
    "e_step.loglik_one_logsumexp": (E, LL(lambda a, r, *_: float(special.logsumexp(a))), False),
    "e_step.loglik_sum_of_a": (E, LL(lambda a, r, *_: float(np.sum(a))), False),
    "e_step.loglik_wrong_value": (E, LL(lambda a, r, *_: float(t05.logsumexp(a, axis=1).sum()) + 1.0), False),
    "r_nearest.other_component": (R, lambda: 1 - R0, None),
    "r_nearest.nearest_centre": (R, lambda: 1.0, None),
    "r_nearest.equal_split": (R, lambda: 0.5, None),
    "r_nearest.no_logdet": (R, lambda: lesson05._two_component_r1(drop_logdet=True), None),
    "r_nearest.std_for_variance": (R, lambda: lesson05._two_component_r1(variances=(2.0, 0.1**0.5)), None),
    "r_nearest.squared_variance": (R, lambda: lesson05._two_component_r1(variances=(16.0, 0.01)), None),
    "r_nearest.returned_none": (R, lambda: None, None),
    "r_nearest.not_a_number": (R, lambda: "small", None),
    "r_nearest.not_finite": (R, lambda: float("nan"), None),
    "r_nearest.wrong_value": (R, lambda: 0.3, None),
    "r_after_doubling.unchanged": (D, lambda r: r, False),
    "r_after_doubling.doubled": (D, lambda r: 2 * r, False),
    "r_after_doubling.odds_confused": (D, lambda r: 2 * r / (1 + 2 * r), False),
    "r_after_doubling.others_halved": (D, lambda r: (1 + r) / 2, False),
    "r_after_doubling.not_a_number": (D, lambda r: "more", False),
    "r_after_doubling.not_finite": (D, lambda r: float("inf"), False),
    "r_after_doubling.wrong_value": (D, lambda r: r**0.5, False),
    "place_mu_2.not_nearer": (P, lambda: 4.5, None),
    "place_mu_2.too_far": (P, lambda: 3.5, None),
    "place_mu_2.nearer_wins": (P, lambda: 2.5, None),
    "place_mu_2.no_logdet": (P, lambda: 3.1, None),
    "place_mu_2.not_enough": (P, lambda: 3.0, None),
    "place_mu_2.returned_none": (P, lambda: None, None),
    "place_mu_2.not_a_number": (P, lambda: "far", None),
    "place_mu_2.not_finite": (P, lambda: float("nan"), None),
    "multiplier.sign": (M, lambda: LOG_P - 1, None),
    "multiplier.forgot_one": (M, lambda: -LOG_P, None),
    "multiplier.log_p": (M, lambda: LOG_P, None),
    "multiplier.log_p_sign": (M, lambda: 1 + LOG_P, None),
    "multiplier.no_weights": (M, lambda: 1 - (LOG_P + np.log(2)), None),
    "multiplier.max_a": (M, lambda: 1 - t05._a().max(), None),
    "multiplier.returned_none": (M, lambda: None, None),
    "multiplier.wrong_value": (M, lambda: 0.0, None),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson05.MISTAKES)
    assert all(is_valid(m) for m in lesson05.MISTAKES)
    assert all(section for section in lesson05.MISTAKES.values()), "every lesson 05 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("check", [LSE, E, R, M, D, P], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check in (LSE, E, D):  # a numeric answer may be a number; a function exercise needs the function
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function", "unreadable_value"} <= set(GENERIC)


@in_process_only
def test_a_value_the_grader_cannot_read_is_unreadable_value_in_the_kernel_and_the_judge():
    from coursepkg.grading.judge import judge_check_cell

    with channel.capture_records() as records:
        assert mistake_of(LSE, lambda a, axis: object(), None) == "logsumexp.unreadable_value"
    (call,) = judge_check_cell("checks.check_logsumexp(student_logsumexp)", records, lesson05).calls
    assert call.mistake == "logsumexp.unreadable_value"


def test_the_generic_ids_of_the_minus_inf_check_are_those_of_logsumexp():
    assert mistake_of(LSI, stub, None) == "logsumexp.not_implemented"
    assert mistake_of(LSI, crashes, None) == "logsumexp.raised"
    assert mistake_of(LSI, 3, None) == "logsumexp.not_a_function"
    assert mistake_of(LSI, lambda a, axis: t05.logsumexp(a, axis) + 1.0, None) == "logsumexp.wrong_value"
    assert mistake_of(LSI, lambda a, axis: np.zeros(5), None) == "logsumexp.wrong_shape"
    assert mistake_of(LSI, lambda a, axis: None, None) == "logsumexp.returned_none"


def test_a_key_is_the_last_part_of_an_id():
    assert key_of("e_step.wrong_axis") == "wrong_axis"
