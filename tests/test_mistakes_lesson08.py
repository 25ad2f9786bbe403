"""Mistakes as data, lesson 08: every id of coursepkg.checks.lesson08.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes.py (lesson 05). The checks of two answers (check_beta_c: the predicted and
the measured beta_c; check_elongated: the prediction and the measurement) take a tuple of wrong answers.
Every check run here is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts
the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson08 as t08
from checks_helpers import crashes, judged_in_the_grader_too, stub  # noqa: F401 (autouse)

from coursepkg import em, kmeans
from coursepkg.checks import lesson08
from coursepkg.checks._core import CheckFailed
from coursepkg.checks._core.mistakes import GENERIC, is_valid

R, U, D = lesson08.check_soft_responsibilities, lesson08.check_soft_update, lesson08.check_deviation_from_one_hot
W, C, E, F = lesson08.check_tie_weight, lesson08.check_beta_c, lesson08.check_elongated, lesson08.check_factorisation
sq, softmax = t08._sq, t08._softmax
LAM_MIN, LAM_MAX = t08._lams()
GOOD_C = (t08.predicted_beta_c, t08.measured_beta_c)


def _tw(f):
    return lambda beta, a, b: float(f(beta, a, b))


def _z(kind):
    return t08._fact(kind)


def _z_other_columns(X, labels, k):
    Z, M, J = t08.kmeans_factorisation(X, labels, k)
    return np.roll(Z, -1, axis=1), M, J


def _with(M=None, J=None):
    def student(X, labels, k):
        Z, M0, J0 = t08.kmeans_factorisation(X, labels, k)
        return Z, M0 if M is None else M(M0), J0 if J is None else J

    return student


# id -> (check, wrong answer (a tuple for a check of two answers), hidden)
WRONG = {
    "soft_responsibilities.uses_reference": (R, lambda X, C, b: kmeans.soft_responsibilities(X, C, b), False),
    "soft_responsibilities.nan": (R, t08._naive, False),
    "soft_responsibilities.wrong_axis": (R, lambda X, C, b: softmax(-0.5 * b * sq(X, C), axis=0), False),
    "soft_responsibilities.rows_not_normalised": (R, lambda X, C, b: t08.soft_responsibilities(X, C, b) * 2, False),
    "soft_responsibilities.no_half": (R, lambda X, C, b: softmax(-b * sq(X, C)), False),
    "soft_responsibilities.sign": (R, lambda X, C, b: softmax(0.5 * b * sq(X, C)), False),
    "soft_responsibilities.sqrt": (R, lambda X, C, b: softmax(-0.5 * b * np.sqrt(sq(X, C))), False),
    "soft_responsibilities.inverse_beta": (
        R,
        lambda X, C, b: softmax(-0.5 / b * sq(X, C)) if b > 0 else softmax(0 * sq(X, C)),
        False,
    ),
    "soft_responsibilities.one_hot": (R, lambda X, C, b: np.eye(len(C))[np.argmin(sq(X, C), axis=1)], False),
    "soft_responsibilities.transposed": (R, lambda X, C, b: t08.soft_responsibilities(X, C, b).T, False),
    "soft_responsibilities.wrong_shape": (R, lambda X, C, b: np.zeros(5), False),
    "soft_responsibilities.not_an_array": (R, lambda X, C, b: "table", False),
    "soft_responsibilities.wrong_value": (R, lambda X, C, b: softmax(-0.55 * b * sq(X, C)), False),
    "soft_update.uses_reference": (U, lambda X, r: em.m_step(X, r).means, False),
    "soft_update.sums": (U, lambda X, r: r.T @ X, False),
    "soft_update.divided_by_n": (U, lambda X, r: r.T @ X / len(X), False),
    "soft_update.hard_labels": (U, t08._hard_update, False),
    "soft_update.transposed": (U, lambda X, r: t08.soft_update(X, r).T, False),
    "soft_update.wrong_shape": (U, lambda X, r: np.zeros(5), False),
    "soft_update.wrong_value": (U, lambda X, r: X[: r.shape[1]] * 1.0, False),
    "deviation_from_one_hot.not_a_number": (D, lambda X, C, b: None, False),
    "deviation_from_one_hot.averaged": (D, t08._dev("mean"), False),
    "deviation_from_one_hot.summed": (D, t08._dev("sum"), False),
    "deviation_from_one_hot.farthest": (D, t08._dev("farthest"), False),
    "deviation_from_one_hot.no_abs": (D, t08._dev("no_abs"), False),
    "deviation_from_one_hot.wrong_value": (D, lambda X, C, b: 0.0, False),
    "tie_weight.not_a_number": (W, lambda beta, a, b: [0.5], False),
    "tie_weight.limit_only": (W, lambda beta, a, b: 0.5, False),
    "tie_weight.no_half": (W, _tw(lambda beta, a, b: 1 / (2 + np.exp(-beta * (b - a)))), False),
    "tie_weight.sign": (W, _tw(lambda beta, a, b: 1 / (2 + np.exp(0.5 * beta * (b - a)))), False),
    "tie_weight.unsquared": (
        W,
        _tw(lambda beta, a, b: 1 / (2 + np.exp(-0.5 * beta * (np.sqrt(b) - np.sqrt(a))))),
        False,
    ),
    "tie_weight.two_centres": (W, _tw(lambda beta, a, b: 1 / (1 + np.exp(-0.5 * beta * (b - a)))), False),
    "tie_weight.beta_zero_only": (W, lambda beta, a, b: 1 / 3, False),
    "tie_weight.wrong_value": (W, _tw(lambda beta, a, b: t08.tie_weight(beta, a, b) + 0.01), False),
    "beta_c.returned_none": (C, (lambda: None, t08.measured_beta_c), None),
    "beta_c.not_a_number": (C, (lambda: "a quarter", t08.measured_beta_c), None),
    "beta_c.not_inverted": (C, (lambda: LAM_MAX, t08.measured_beta_c), None),
    "beta_c.lambda_min": (C, (lambda: 1 / LAM_MIN, t08.measured_beta_c), None),
    "beta_c.trace": (C, (lambda: 1 / (LAM_MIN + LAM_MAX), t08.measured_beta_c), None),
    "beta_c.factor_two": (C, (lambda: 2 / LAM_MAX, t08.measured_beta_c), None),
    "beta_c.factor_half": (C, (lambda: 0.5 / LAM_MAX, t08.measured_beta_c), None),
    "beta_c.square_root": (C, (lambda: 1 / np.sqrt(LAM_MAX), t08.measured_beta_c), None),
    "beta_c.not_centred": (
        C,
        (
            lambda: 1 / np.linalg.eigvalsh(lesson08.CLOUD.T @ lesson08.CLOUD / len(lesson08.CLOUD))[-1],
            t08.measured_beta_c,
        ),
        None,
    ),
    "beta_c.prediction_wrong": (C, (lambda: 0.6, t08.measured_beta_c), None),
    "beta_c.measured_low": (C, (t08.predicted_beta_c, lambda: 0.8 / LAM_MAX), None),
    "beta_c.measured_high": (C, (t08.predicted_beta_c, lambda: 1.3 / LAM_MAX), None),
    "elongated.not_a_choice": (E, (lambda: "both", t08.agreements), None),
    "elongated.not_a_pair": (E, (t08.which_fails, lambda: 0.64), None),
    "elongated.not_a_number": (E, (t08.which_fails, lambda: ("a", "b")), None),
    "elongated.swapped": (E, (t08.which_fails, lambda: t08.agreements()[::-1]), None),
    "elongated.label_switching": (E, (t08.which_fails, t08._raw_shares), None),
    "elongated.counts": (E, (t08.which_fails, lambda: tuple(300 * np.array(t08.agreements()))), None),
    "elongated.error_rate": (E, (t08.which_fails, lambda: tuple(1 - np.array(t08.agreements()))), None),
    "elongated.measure_wrong": (E, (t08.which_fails, lambda: (0.5, 0.9)), None),
    "elongated.prediction_wrong": (E, (lambda: "EM", t08.agreements), None),
    "kmeans_factorisation.uses_reference": (
        F,
        lambda X, labels, k: (None, None, kmeans.objective(X, X, labels)),
        False,
    ),
    "kmeans_factorisation.not_a_triple": (F, lambda X, labels, k: t08.kmeans_factorisation(X, labels, k)[:2], False),
    "kmeans_factorisation.transposed": (F, _z("Zt"), False),
    "kmeans_factorisation.wrong_shape": (F, lambda X, labels, k: (np.zeros(5), None, 0.0), False),
    "kmeans_factorisation.z_shifted": (F, _z("shift"), False),
    "kmeans_factorisation.z_not_one_hot": (F, _z("not_one_hot"), False),
    "kmeans_factorisation.z_wrong_columns": (F, _z_other_columns, False),
    "kmeans_factorisation.m_sums": (F, _z("sums"), False),
    "kmeans_factorisation.m_wrong": (F, _with(M=lambda M: M + 1.0), False),
    "kmeans_factorisation.not_a_number": (F, _with(J="J"), False),
    "kmeans_factorisation.j_not_squared": (F, _z("norm"), False),
    "kmeans_factorisation.j_spectral": (F, _z("spectral"), False),
    "kmeans_factorisation.j_averaged": (F, _z("mean"), False),
    "kmeans_factorisation.j_wrong": (F, _with(J=-1.0), False),
}


def mistake_of(check, wrong, hidden):
    with pytest.raises(CheckFailed) as failure, np.errstate(all="ignore"):
        if isinstance(wrong, tuple):
            check(*wrong)
        else:
            check(wrong) if hidden is None else check(wrong, hidden=hidden)
    return failure.value.mistake


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson08.MISTAKES)
    assert all(is_valid(m) for m in lesson08.MISTAKES)
    assert all(section for section in lesson08.MISTAKES.values()), "every lesson 08 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


NAMES = {F: "kmeans_factorisation"}


@pytest.mark.parametrize("check", [R, U, D, W, F], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = NAMES.get(check, check.__name__.removeprefix("check_"))
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)


@pytest.mark.parametrize(
    "check, good", [(C, GOOD_C), (E, (t08.which_fails, t08.agreements))], ids=["beta_c", "elongated"]
)
def test_the_generic_ids_of_a_check_of_two_answers(check, good):
    name = check.__name__.removeprefix("check_")
    for position in range(2):
        for wrong, key in ((stub, "not_implemented"), (crashes, "raised")):
            answers = list(good)
            answers[position] = wrong
            assert mistake_of(check, tuple(answers), None) == f"{name}.{key}"
