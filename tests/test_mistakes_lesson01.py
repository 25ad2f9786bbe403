"""Mistakes as data, lesson 01: every id of coursepkg.checks.lesson01.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes.py (lesson 05). Every check run here is also recorded and judged
(checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson01 as t01
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import kmeans
from coursepkg.checks import lesson01
from coursepkg.checks._core.mistakes import GENERIC, is_valid

A, J, U = lesson01.check_assign, lesson01.check_objective, lesson01.check_update_centers
S, B, T = lesson01.check_soft_assign, lesson01.check_border_weight, lesson01.check_kmeans_trap
RT, BW = lesson01.check_read_table, lesson01.check_band_width
tab = t01._table
sq = t01._sq


def _softmax(a):
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def _soft(scale=-0.5, transform=lambda d2: d2):
    return lambda X, C, beta: _softmax(scale * beta * transform(sq(X, C)))


def _bw(extra):
    """The right log-odds plus `extra(t, s, D, beta, pi2)`."""

    def weight(t, s, D, beta, pi2):
        right = np.log(pi2 / (1 - pi2)) + beta * D**2 * (t - 0.5)
        return float(1 / (1 + np.exp(-(right + extra(t, s, D, beta, pi2)))))

    return weight


def _prior(pi2):
    return np.log(pi2 / (1 - pi2))


def _dist(t, D, beta):
    return beta * D**2 * (t - 0.5)


def _width(factor):
    """A band width `factor(D, beta, pi2)` times 2 log 4 / (beta D^2), the right one."""
    return lambda D, beta, pi2: float(factor(D, beta, pi2) * 2 * np.log(4) / (beta * D**2))


TRAP = t01.kmeans_trap

# id -> (check, wrong answer, hidden)
WRONG = {
    "assign.uses_reference": (A, lambda X, C: kmeans.assign(X, C), False),
    "assign.wrong_shape": (A, lambda X, C: sq(X, C), False),
    "assign.float_labels": (A, lambda X, C: np.argmin(sq(X, C), axis=1).astype(float), False),
    "assign.not_integer": (A, lambda X, C: np.full(len(X), 0.5), False),
    "assign.farthest": (A, lambda X, C: np.argmax(sq(X, C), axis=1), False),
    "assign.one_based": (A, lambda X, C: np.argmin(sq(X, C), axis=1) + 1, False),
    "assign.wrong_value": (A, lambda X, C: np.argmin(np.abs(X[:, None, 0] - C[None, :, 0]), axis=1), False),
    "objective.uses_reference": (J, lambda X, C, lab: kmeans.objective(X, C, lab), False),
    "objective.not_a_number": (J, lambda X, C, lab: "J", False),
    "objective.not_finite": (J, lambda X, C, lab: float("nan"), False),
    "objective.per_point": (J, lambda X, C, lab: ((X - C[lab]) ** 2).sum(axis=1), False),
    "objective.not_squared": (J, lambda X, C, lab: float(np.sqrt(((X - C[lab]) ** 2).sum(axis=1)).sum()), False),
    "objective.averaged": (J, lambda X, C, lab: float(((X - C[lab]) ** 2).sum(axis=1).mean()), False),
    "objective.all_centres": (J, lambda X, C, lab: float(sq(X, C).sum()), False),
    "objective.nearest_not_given": (J, lambda X, C, lab: float(sq(X, C).min(axis=1).sum()), False),
    "objective.wrong_value": (J, lambda X, C, lab: t01.objective(X, C, lab) + 1.0, False),
    "update_centers.uses_reference": (U, lambda X, lab, old_centers: kmeans.update_centers(X, lab, old_centers), False),
    "update_centers.sums": (U, t01._sums, False),
    "update_centers.divided_by_n": (U, t01._over_n, False),
    "update_centers.transposed": (U, lambda X, lab, old_centers: t01.update_centers(X, lab, old_centers).T, False),
    "update_centers.wrong_shape": (U, lambda X, lab, old_centers: np.zeros(5), False),
    "update_centers.not_an_array": (U, lambda X, lab, old_centers: "centres", False),
    "update_centers.wrong_value": (U, lambda X, lab, old_centers: np.median(X, axis=0) + 0 * old_centers, False),
    "update_centers.empty_nan": (U, t01._means_nan, False),
    "update_centers.empty_moved": (U, t01._means_zero, False),
    "update_centers.in_place": (U, t01._in_place, False),
    "soft_assign.uses_reference": (S, lambda X, C, b: kmeans.soft_responsibilities(X, C, b), False),
    "soft_assign.nan": (S, t01._naive_soft, False),
    "soft_assign.shift_not_row_max": (S, t01._shift_by_min, False),
    "soft_assign.wrong_axis": (S, t01._axis0, False),
    "soft_assign.rows_not_normalised": (S, lambda X, C, b: t01.soft_assign(X, C, b) ** 2, False),
    "soft_assign.one_hot": (S, lambda X, C, b: np.eye(len(C))[np.argmin(sq(X, C), axis=1)], False),
    "soft_assign.transposed": (S, lambda X, C, b: t01.soft_assign(X, C, b).T, False),
    "soft_assign.wrong_shape": (S, lambda X, C, b: np.zeros(5), False),
    "soft_assign.not_an_array": (S, lambda X, C, b: "table", False),
    "soft_assign.wrong_value": (S, _soft(scale=-0.55), False),
    "soft_assign.no_half": (S, _soft(scale=-1.0), False),
    "soft_assign.sqrt": (S, _soft(transform=np.sqrt), False),
    "soft_assign.sign": (S, _soft(scale=0.5), False),
    "soft_assign.inverse_beta": (
        S,
        lambda X, C, b: _softmax(-0.5 / b * sq(X, C)) if b > 0 else _softmax(0 * sq(X, C)),
        False,
    ),
    "read_table.not_a_triple": (RT, lambda R: t01.read_table(R)[:2], False),
    "read_table.wrong_shape": (RT, tab(labels=lambda R, lab: lab[:, None] * np.ones(2, dtype=int)), False),
    "read_table.float_labels": (RT, tab(labels=lambda R, lab: lab.astype(float)), False),
    "read_table.not_integer": (RT, tab(labels=lambda R, lab: lab + 0.5), False),
    "read_table.labels_argmin": (RT, tab(labels=lambda R, lab: np.argmin(R, axis=1)), False),
    "read_table.labels_one_based": (RT, tab(labels=lambda R, lab: lab + 1), False),
    "read_table.labels_wrong": (RT, tab(labels=lambda R, lab: np.zeros(len(R), dtype=int)), False),
    "read_table.hard_counts_short": (RT, tab(hard=lambda R, lab, h: np.bincount(lab)), False),
    "read_table.hard_counts_wrong": (RT, tab(hard=lambda R, lab, h: h + 1), False),
    "read_table.soft_over_points": (RT, tab(soft=lambda R, lab, s: R.sum(axis=1)), False),
    "read_table.soft_shares": (RT, tab(soft=lambda R, lab, s: s / len(R)), False),
    "read_table.soft_is_hard": (RT, tab(soft=lambda R, lab, s: t01.h_of(R)), False),
    "read_table.soft_wrong": (RT, tab(soft=lambda R, lab, s: s + 0.5), False),
    "border_weight.not_a_number": (B, lambda t, s, D, b, p: "half", False),
    "border_weight.not_finite": (B, lambda t, s, D, b, p: float("nan"), False),
    "border_weight.no_half": (B, _bw(lambda t, s, D, b, p: _dist(t, D, b)), False),
    "border_weight.half_twice": (B, _bw(lambda t, s, D, b, p: -_dist(t, D, b) / 2), False),
    "border_weight.unsquared": (
        B,
        _bw(lambda t, s, D, b, p: b / 2 * (np.hypot(t * D, s) - np.hypot((1 - t) * D, s)) - _dist(t, D, b)),
        False,
    ),
    "border_weight.other_cluster": (B, _bw(lambda t, s, D, b, p: -2 * (_prior(p) + _dist(t, D, b))), False),
    "border_weight.sign": (B, _bw(lambda t, s, D, b, p: -2 * _dist(t, D, b)), False),
    "border_weight.prior_inverted": (B, _bw(lambda t, s, D, b, p: -2 * _prior(p)), False),
    "border_weight.no_prior": (B, _bw(lambda t, s, D, b, p: -_prior(p)), False),
    "border_weight.prior_not_logged": (B, _bw(lambda t, s, D, b, p: p / (1 - p) - _prior(p)), False),
    "border_weight.inverse_beta": (B, _bw(lambda t, s, D, b, p: D**2 * (t - 0.5) / b - _dist(t, D, b)), False),
    "border_weight.wrong_value": (B, _bw(lambda t, s, D, b, p: 0.1), False),
    "band_width.not_a_number": (BW, lambda D, b, p: "wide", False),
    "band_width.not_finite": (BW, lambda D, b, p: float("nan"), False),
    "band_width.half_width": (BW, _width(lambda D, b, p: 0.5), False),
    "band_width.double_width": (BW, _width(lambda D, b, p: 2.0), False),
    "band_width.odds_not_log_odds": (BW, lambda D, b, p: 3.75 / (b * D**2), False),
    "band_width.linearised": (BW, lambda D, b, p: 2.4 / (b * D**2), False),
    "band_width.distance_not_t": (BW, _width(lambda D, b, p: D), False),
    "band_width.inverse_beta": (BW, _width(lambda D, b, p: b**2), False),
    "band_width.band_edge": (BW, t01._band(t01._edge), False),
    "band_width.prior_changes_width": (BW, _width(lambda D, b, p: 1 + abs(_prior(p))), False),
    "band_width.wrong_value": (BW, _width(lambda D, b, p: 1.01), False),
    "kmeans_trap.not_a_pair": (T, lambda: TRAP()[0], None),
    "kmeans_trap.wrong_shape": (T, lambda: (TRAP()[0][:, :1], TRAP()[1]), None),
    "kmeans_trap.point_count": (T, lambda: (TRAP()[0][:8], TRAP()[1][:8]), None),
    "kmeans_trap.nan": (T, lambda: (np.where(TRAP()[0] > 3.5, np.nan, TRAP()[0]), TRAP()[1]), None),
    "kmeans_trap.bad_labels": (T, lambda: (TRAP()[0], TRAP()[1] + 1), None),
    "kmeans_trap.group_too_small": (T, lambda: (TRAP()[0], (np.arange(len(TRAP()[1])) < 5).astype(int)), None),
    "kmeans_trap.groups_touch": (T, t01._touching, None),
    "kmeans_trap.not_reproducible": (T, t01._not_seeded, None),
    "kmeans_trap.bisector_separates": (T, t01._round_blobs, None),
    "kmeans_trap.kmeans_recovers": (T, t01._recovers, None),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson01.MISTAKES)
    assert all(is_valid(m) for m in lesson01.MISTAKES)
    assert all(section for section in lesson01.MISTAKES.values()), "every lesson 01 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("check", [A, J, U, S, RT, B, BW, T], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check is not T:  # the data set may be given as the pair itself; a function exercise needs the function
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)
