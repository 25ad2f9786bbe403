"""Mistakes as data, lesson 08: every id of coursepkg.checks.lesson08.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes.py (lesson 05). The checks of two answers (check_beta_c: the predicted and
the measured beta_c; check_elongated: the prediction and the measurement; check_tie_weight: r_1 and its limit)
take a tuple of wrong answers.
Every check run here is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts
the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson08 as t08
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import em, kmeans
from coursepkg.checks import lesson08
from coursepkg.checks._core.mistakes import GENERIC, is_valid

R, U, D = lesson08.check_soft_responsibilities, lesson08.check_soft_update, lesson08.check_deviation_from_one_hot
W, C, E, F = lesson08.check_tie_weight, lesson08.check_beta_c, lesson08.check_elongated, lesson08.check_factorisation
sq, softmax = t08._sq, t08._softmax
LAM_MIN, LAM_MAX = t08._lams()
GOOD_C = (t08.predicted_beta_c, t08.measured_beta_c)
GOOD_W = (t08.tie_weight, t08.tie_limit)


def _tw(f):
    return lambda beta, a, b: float(f(beta, a, b))


def _tl(limit):
    """tie_weight right, tie_limit wrong: the pair of answers for check_tie_weight."""
    return (t08.tie_weight, limit)


def _z(kind):
    return t08._fact(kind)


def _z_other_columns(X, labels, k):
    Z, M, J = t08.kmeans_factorisation(X, labels, k)
    return np.roll(Z, -1, axis=1), M, J


def _with(Z=None, M=None, J=None):
    def student(X, labels, k):
        Z0, M0, J0 = t08.kmeans_factorisation(X, labels, k)
        return Z0 if Z is None else Z(Z0), M0 if M is None else M(M0), J0 if J is None else J

    return student


def _nan_in_used_row(M):
    M = M.copy()
    M[0, 0] = np.nan
    return M


def _soft_with(f):
    return lambda X, C, b: f(t08.soft_responsibilities(X, C, b))


def _dev_scalar(value):
    return lambda X, C, b: value


# id -> (check, wrong answer (a tuple for a check of two answers), hidden)
WRONG = {
    "soft_responsibilities.uses_reference": (R, lambda X, C, b: kmeans.soft_responsibilities(X, C, b), False),
    "soft_responsibilities.overflow": (R, t08._shifted_the_wrong_way, False),
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
    "soft_update.divided_columns": (U, lambda X, r: r.T @ X / r.sum(axis=0), False),
    "soft_update.transposed_square": (U, lambda X, r: X.T @ r / r.sum(axis=0), False),
    "soft_update.hard_labels": (U, t08._hard_update, False),
    "soft_update.transposed": (
        U,
        lambda X, r: t08.soft_update(X, r) if r.shape[1] == X.shape[1] else t08.soft_update(X, r).T,
        False,
    ),
    "soft_update.wrong_shape": (U, lambda X, r: np.zeros(5), False),
    "soft_update.not_an_array": (U, lambda X, r: "centres", False),
    "soft_update.nan": (U, lambda X, r: t08.soft_update(X, r) * np.nan, False),
    "soft_update.wrong_value": (U, lambda X, r: X[: r.shape[1]] * 1.0, False),
    "deviation_from_one_hot.per_point": (D, t08._dev("per_point"), False),
    "deviation_from_one_hot.not_a_scalar": (D, t08._dev("table"), False),
    "deviation_from_one_hot.smallest_point": (D, t08._dev("smallest"), False),
    "deviation_from_one_hot.not_a_number": (D, lambda X, C, b: None, False),
    "deviation_from_one_hot.not_finite": (D, _dev_scalar(float("inf")), False),
    "deviation_from_one_hot.averaged": (D, t08._dev("mean"), False),
    "deviation_from_one_hot.summed": (D, t08._dev("sum"), False),
    "deviation_from_one_hot.farthest": (D, t08._dev("farthest"), False),
    "deviation_from_one_hot.no_abs": (D, t08._dev("no_abs"), False),
    "deviation_from_one_hot.wrong_value": (D, _dev_scalar(0.0), False),
    "deviation_from_one_hot.ex1_nan": (D, t08._dev_from(t08._naive_d2), False),
    "deviation_from_one_hot.ex1_wrong": (D, t08._dev_from(lambda d2, b: softmax(-b * d2)), False),
    "tie_weight.not_a_number": (W, (lambda beta, a, b: [0.5], t08.tie_limit), None),
    "tie_weight.not_finite": (W, (lambda beta, a, b: float("inf"), t08.tie_limit), None),
    "tie_weight.nan": (W, (t08._direct, t08.tie_limit), None),
    "tie_weight.overflow": (W, (t08._math_exp, t08.tie_limit), None),
    "tie_weight.limit_only": (W, (lambda beta, a, b: 0.5, t08.tie_limit), None),
    "tie_weight.no_half": (W, (_tw(lambda beta, a, b: t08.tie_weight(2 * beta, a, b)), t08.tie_limit), None),
    "tie_weight.sign": (W, (_tw(lambda beta, a, b: t08.tie_weight(-beta, a, b)), t08.tie_limit), None),
    "tie_weight.unsquared": (
        W,
        (_tw(lambda beta, a, b: t08.tie_weight(beta, np.sqrt(a), np.sqrt(b))), t08.tie_limit),
        None,
    ),
    "tie_weight.two_centres": (
        W,
        (_tw(lambda beta, a, b: 1 / (1 + np.exp(-0.5 * beta * (b - a)))), t08.tie_limit),
        None,
    ),
    "tie_weight.beta_zero_only": (W, (lambda beta, a, b: 1 / 3, t08.tie_limit), None),
    "tie_weight.wrong_value": (W, (_tw(lambda beta, a, b: t08.tie_weight(beta, a, b) + 0.01), t08.tie_limit), None),
    "tie_weight.limit_hard": (W, _tl(lambda a, b: 0.0), None),
    "tie_weight.limit_nearer": (W, _tl(lambda a, b: 0.5 if b != a else 1 / 3), None),
    "tie_weight.limit_all_tied": (W, _tl(lambda a, b: 0.5 if b >= a else 0.0), None),
    "tie_weight.limit_wrong": (W, _tl(lambda a, b: 0.4), None),
    "beta_c.returned_none": (C, (lambda: None, t08.measured_beta_c), None),
    "beta_c.not_a_number": (C, (lambda: "a quarter", t08.measured_beta_c), None),
    "beta_c.not_finite": (C, (lambda: float("inf"), t08.measured_beta_c), None),
    "beta_c.not_inverted": (C, (lambda: 4.0, t08.measured_beta_c), None),
    "beta_c.lambda_min": (C, (lambda: 1.0, t08.measured_beta_c), None),
    "beta_c.trace": (C, (lambda: 0.2, t08.measured_beta_c), None),
    "beta_c.std_not_variance": (C, (lambda: 0.5, t08.measured_beta_c), None),
    "beta_c.factor_two": (C, (lambda: 2 / LAM_MAX, t08.measured_beta_c), None),
    "beta_c.factor_half": (C, (lambda: 0.125, t08.measured_beta_c), None),
    "beta_c.axis_variance": (C, (lambda: 1 / 3.25, t08.measured_beta_c), None),
    "beta_c.not_centred": (
        C,
        (
            lambda: 1 / np.linalg.eigvalsh(lesson08.CLOUD.T @ lesson08.CLOUD / len(lesson08.CLOUD))[-1],
            t08.measured_beta_c,
        ),
        None,
    ),
    "beta_c.prediction_wrong": (C, (lambda: 0.6, t08.measured_beta_c), None),
    "beta_c.not_a_bracket": (C, (t08.predicted_beta_c, lambda: 0.25), None),
    "beta_c.bracket_wide": (C, (t08.predicted_beta_c, lambda: (0.2, 0.3)), None),
    "beta_c.measured_low": (C, (t08.predicted_beta_c, lambda: (0.22, 0.2265)), None),
    "beta_c.measured_high": (C, (t08.predicted_beta_c, lambda: (0.27, 0.275)), None),
    "elongated.not_a_choice": (E, (lambda: "sometimes", t08.agreements), None),
    "elongated.not_a_pair": (E, (t08.which_fails, lambda: 0.96), None),
    "elongated.not_a_number": (E, (t08.which_fails, lambda: ("a", "b")), None),
    "elongated.not_finite": (E, (t08.which_fails, lambda: (float("nan"), 0.5)), None),
    "elongated.swapped": (E, (t08.which_fails, lambda: t08.agreements()[::-1]), None),
    "elongated.label_switching": (E, (t08.which_fails, t08._raw_shares), None),
    "elongated.counts": (E, (t08.which_fails, lambda: tuple(300 * np.array(t08.agreements()))), None),
    "elongated.error_rate": (E, (t08.which_fails, lambda: tuple(1 - np.array(t08.agreements()))), None),
    "elongated.measure_wrong": (E, (t08.which_fails, lambda: (0.5, 0.9)), None),
    "elongated.prediction_wrong": (E, (lambda: "k-means", t08.agreements), None),
    "kmeans_factorisation.uses_reference": (
        F,
        lambda X, labels, k: (None, None, kmeans.objective(X, X, labels)),
        False,
    ),
    "kmeans_factorisation.singular": (F, _z("solve"), False),
    "kmeans_factorisation.not_a_triple": (F, lambda X, labels, k: t08.kmeans_factorisation(X, labels, k)[:2], False),
    "kmeans_factorisation.transposed": (F, _z("Zt"), False),
    "kmeans_factorisation.wrong_shape": (F, lambda X, labels, k: (np.zeros(5), None, 0.0), False),
    "kmeans_factorisation.not_an_array": (F, _with(M=lambda M: "means"), False),
    "kmeans_factorisation.z_shifted": (F, _z("shift"), False),
    "kmeans_factorisation.z_not_one_hot": (F, _z("not_one_hot"), False),
    "kmeans_factorisation.z_wrong_columns": (F, _z_other_columns, False),
    "kmeans_factorisation.empty_nan": (F, _z("divide"), False),
    "kmeans_factorisation.nan": (F, _with(M=_nan_in_used_row), False),
    "kmeans_factorisation.m_sums": (F, _z("sums"), False),
    "kmeans_factorisation.m_wrong": (F, _with(M=lambda M: M + 1.0), False),
    "kmeans_factorisation.not_a_number": (F, _with(J="J"), False),
    "kmeans_factorisation.not_finite": (F, _with(J=float("inf")), False),
    "kmeans_factorisation.j_not_squared": (F, _z("norm"), False),
    "kmeans_factorisation.j_spectral": (F, _z("spectral"), False),
    "kmeans_factorisation.j_averaged": (F, _z("mean"), False),
    "kmeans_factorisation.j_wrong": (F, _with(J=-1.0), False),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson08.MISTAKES)
    assert all(is_valid(m) for m in lesson08.MISTAKES)
    assert all(section for section in lesson08.MISTAKES.values()), "every lesson 08 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


NAMES = {F: "kmeans_factorisation"}


@pytest.mark.parametrize("check", [R, U, D, F], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = NAMES.get(check, check.__name__.removeprefix("check_"))
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)


@pytest.mark.parametrize(
    "check, good",
    [(C, GOOD_C), (E, (t08.which_fails, t08.agreements)), (W, GOOD_W)],
    ids=["beta_c", "elongated", "tie_weight"],
)
def test_the_generic_ids_of_a_check_of_two_answers(check, good):
    name = check.__name__.removeprefix("check_")
    for position in range(2):
        for wrong, key in ((stub, "not_implemented"), (crashes, "raised")):
            answers = list(good)
            answers[position] = wrong
            assert mistake_of(check, tuple(answers), None) == f"{name}.{key}"
