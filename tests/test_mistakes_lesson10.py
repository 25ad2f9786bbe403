"""Mistakes as data, lesson 10: every id of coursepkg.checks.lesson10.MISTAKES is produced by a wrong answer here.

Every check run here is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts the
judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson10 as t10
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)
from scipy.special import logsumexp

from coursepkg import meanshift
from coursepkg.checks import lesson10
from coursepkg.checks._core.mistakes import is_valid

KDE, STEP = lesson10.check_kde_log_density, lesson10.check_mean_shift_step
ETA, H3, MM = lesson10.check_step_matrix, lesson10.check_three_clusters, lesson10.check_modes_at_2h
sq = t10._sq


def _lse_kde(scale_logits=1.0, var_of=lambda h: h**2, const_d=None, log_n=True):
    """A log density with one piece changed: the logits scaled, the variance in the constant, its dimension."""

    def wrong(p, X, h):
        d = X.shape[1] if const_d is None else const_d
        out = logsumexp(-scale_logits * sq(p, X) / (2 * h**2), axis=1) - 0.5 * d * np.log(2 * np.pi * var_of(h))
        return out - np.log(len(X)) if log_n else out

    return wrong


def _naive_kde(p, X, h):
    d = X.shape[1]
    return np.log(np.mean(np.exp(-sq(p, X) / (2 * h**2)), axis=1)) - 0.5 * d * np.log(2 * np.pi * h**2)


def _variance_kde(p, X, h):
    d = X.shape[1]
    return logsumexp(-sq(p, X) / (2 * h), axis=1) - np.log(len(X)) - 0.5 * d * np.log(2 * np.pi * h)


def _no_normaliser(p, X, h):
    return logsumexp(-sq(p, X) / (2 * h**2), axis=1) - np.log(len(X))


def _weights(p, X, h, logits=None):
    a = -sq(p, X) / (2 * h**2) if logits is None else logits
    w = np.exp(a - a.max(axis=1, keepdims=True))
    return w / w.sum(axis=1, keepdims=True)


def _naive_step(p, X, h):
    k = np.exp(-sq(p, X) / (2 * h**2))
    return (k / k.sum(axis=1, keepdims=True)) @ X


def _wrong_axis_step(p, X, h):
    k = np.exp(-sq(p, X) / (2 * h**2))
    return (k / k.sum(axis=0, keepdims=True)) @ X


def _flat_step(p, X, h):
    inside = (sq(p, X) <= h**2).astype(float)
    return (inside @ X) / inside.sum(axis=1, keepdims=True)


def _points_among_themselves(p, X, h):
    return _weights(p, p, h) @ p


# id -> (check, wrong answer, hidden); hidden None: a numeric answer, called without `hidden`
WRONG = {
    "kde_log_density.returned_none": (KDE, lambda p, X, h: None, False),
    "kde_log_density.wrong_axis": (KDE, lambda p, X, h: np.zeros(len(X)), False),
    "kde_log_density.not_summed": (KDE, lambda p, X, h: -sq(p, X), False),
    "kde_log_density.wrong_shape": (KDE, lambda p, X, h: np.zeros(3), False),
    "kde_log_density.nan": (KDE, _naive_kde, False),
    "kde_log_density.no_mean": (KDE, _lse_kde(log_n=False), False),
    "kde_log_density.no_normaliser": (KDE, _no_normaliser, False),
    "kde_log_density.normaliser_1d": (KDE, _lse_kde(const_d=1), False),
    "kde_log_density.h_not_squared": (KDE, _lse_kde(var_of=lambda h: h), False),
    "kde_log_density.bandwidth_as_variance": (KDE, _variance_kde, False),
    "kde_log_density.no_half": (KDE, _lse_kde(scale_logits=2.0), False),
    "kde_log_density.density_not_log": (KDE, lambda p, X, h: np.exp(t10.kde_log_density(p, X, h)), False),
    "kde_log_density.uses_reference": (KDE, lambda p, X, h: meanshift.kde_log_density(p, X, h), False),
    "kde_log_density.wrong_value": (KDE, lambda p, X, h: t10.kde_log_density(p, X, h) + 0.01, False),
    "mean_shift_step.returned_none": (STEP, lambda p, X, h: None, False),
    "mean_shift_step.wrong_shape": (STEP, lambda p, X, h: np.zeros(7), False),
    "mean_shift_step.transposed": (STEP, lambda p, X, h: t10.mean_shift_step(p, X, h).T, False),
    "mean_shift_step.nan": (STEP, _naive_step, False),
    "mean_shift_step.shift_vector": (STEP, lambda p, X, h: t10.mean_shift_step(p, X, h) - p, False),
    "mean_shift_step.unnormalised": (STEP, lambda p, X, h: np.exp(-sq(p, X) / (2 * h**2)) @ X, False),
    "mean_shift_step.wrong_axis": (STEP, _wrong_axis_step, False),
    "mean_shift_step.no_half": (STEP, lambda p, X, h: _weights(p, X, h, -sq(p, X) / h**2) @ X, False),
    "mean_shift_step.bandwidth_as_variance": (STEP, lambda p, X, h: _weights(p, X, h, -sq(p, X) / (2 * h)) @ X, False),
    "mean_shift_step.distance_not_squared": (
        STEP,
        lambda p, X, h: _weights(p, X, h, -np.sqrt(sq(p, X)) / (2 * h**2)) @ X,
        False,
    ),
    "mean_shift_step.flat_kernel": (STEP, _flat_step, False),
    "mean_shift_step.averaged_points": (STEP, _points_among_themselves, False),
    "mean_shift_step.uses_reference": (STEP, lambda p, X, h: meanshift.shift(p, X, h), False),
    "mean_shift_step.wrong_value": (STEP, lambda p, X, h: t10.mean_shift_step(p, X, h) + 0.01, False),
    "step_matrix.returned_none": (ETA, lambda S: None, False),
    "step_matrix.scalar": (ETA, lambda S: float(np.trace(S)), False),
    "step_matrix.wrong_shape": (ETA, lambda S: np.ravel(S), False),
    "step_matrix.nan": (ETA, lambda S: S / 0.0, False),
    "step_matrix.inverse": (ETA, lambda S: np.linalg.inv(S), False),
    "step_matrix.squared": (ETA, lambda S: S @ S, False),
    "step_matrix.square_root": (ETA, lambda S: np.linalg.cholesky(S), False),
    "step_matrix.doubled": (ETA, lambda S: 2 * S, False),
    "step_matrix.halved": (ETA, lambda S: S / 2, False),
    "step_matrix.sign": (ETA, lambda S: -S, False),
    "step_matrix.diagonal_only": (ETA, lambda S: np.diag(np.diag(S)), False),
    "step_matrix.isotropic": (ETA, lambda S: np.trace(S) / len(S) * np.eye(len(S)), False),
    "step_matrix.wrong_value": (ETA, lambda S: S + 0.01, False),
    "h_three.returned_none": (H3, lambda: None, None),
    "h_three.not_a_number": (H3, lambda: "about one", None),
    "h_three.not_finite": (H3, lambda: float("nan"), None),
    "h_three.not_positive": (H3, lambda: -1.0, None),
    "h_three.too_large": (H3, lambda: 1e6, None),
    "h_three.too_many": (H3, lambda: 0.3, None),
    "h_three.too_few": (H3, lambda: 2.5, None),
    "modes_at_2h.returned_none": (MM, lambda: None, None),
    "modes_at_2h.not_a_number": (MM, lambda: "four", None),
    "modes_at_2h.not_finite": (MM, lambda: float("inf"), None),
    "modes_at_2h.not_whole": (MM, lambda: 4.5, None),
    "modes_at_2h.more": (MM, lambda: 9, None),
    "modes_at_2h.unchanged": (MM, lambda: 7, None),
    "modes_at_2h.strays_kept": (MM, lambda: 6, None),
    "modes_at_2h.one_per_clump": (MM, lambda: 5, None),
    "modes_at_2h.halves": (MM, lambda: 3, None),
    "modes_at_2h.too_low": (MM, lambda: 2, None),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson10.MISTAKES)
    assert all(is_valid(m) for m in lesson10.MISTAKES)
    assert all(section for section in lesson10.MISTAKES.values()), "every lesson 10 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("check", [KDE, STEP, ETA, H3, MM], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = {H3: "h_three", MM: "modes_at_2h"}.get(check, check.__name__.removeprefix("check_"))
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check in (KDE, STEP, ETA):  # a numeric answer may be a number; a function exercise needs the function
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
