"""Mistakes as data for lesson 07: every id of coursepkg.checks.lesson07.MISTAKES is produced by a wrong answer.

Modelled on tests/test_mistakes.py (lesson 05). Every check run here is also recorded and judged
(checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson07 as t07
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import em
from coursepkg.checks import lesson07
from coursepkg.checks._core.mistakes import GENERIC, is_valid
from coursepkg.mixture import log_likelihood, match_components

RUN, UNTIL, BEST = lesson07.check_run_em, lesson07.check_em_until_converged, lesson07.check_best_of
GAIN, TOL, DIFF = lesson07.check_gain_parts, lesson07.check_stopping_tol, lesson07.check_largest_difference
PRED = lesson07.check_stop_prediction
run_em, until, best_of, largest_difference = t07.run_em, t07.em_until_converged, t07.best_of, t07.largest_difference


def _parts(gmm):
    return gmm.weights, gmm.means, gmm.covariances


# ---- wrong answers built from the right ones


def _run(change):
    """run_em whose (gmm, history) goes through `change`."""

    def student(X, init, max_iter, reg_covar=1e-6):
        gmm, history = run_em(X, init, max_iter, reg_covar)
        return change(gmm, list(history), init)

    return student


def _until(change):
    def student(X, init, tol, max_iter, reg_covar=1e-6):
        gmm, history, converged = until(X, init, tol, max_iter, reg_covar)
        return change(gmm, list(history), converged)

    return student


def _best(change):
    def student(X, starts, tol, max_iter):
        gmm, ll = best_of(X, starts, tol, max_iter)
        return change(X, gmm, ll)

    return student


def _gain(change):
    def student(X, gmm):
        return change(*t07.em_gain_parts(X, gmm))

    return student


def _history_bumped(i):
    def change(gmm, h, *rest):
        h[i] += 1.0
        return (gmm, h, *rest[1:]) if len(rest) == 2 and isinstance(rest[1], bool) else (gmm, h)

    return change


def _nudged_best(X, gmm, ll):
    """The best fit with one mean moved by 2e-4: the same log-likelihood within tolerance, other parameters."""
    w, m, c = _parts(gmm)
    m = m.copy()
    m[0, 0] += 2e-4
    moved = type(gmm)(w, m, c)
    return moved, log_likelihood(X, moved)


def _stops_at_a_smaller_tol(X, init, tol, max_iter, reg_covar=1e-6):
    return until(X, init, tol / 1e4, max_iter, reg_covar)


def _early(X, init, tol, max_iter, reg_covar=1e-6):
    _, history, converged = until(X, init, tol, max_iter, reg_covar)
    return run_em(X, init, max(len(history) - 2, 1), reg_covar) + (converged,)


def _uses_fit_em(X, init, max_iter, reg_covar=1e-6):
    r = em.fit_em(X, init, max_iter=max_iter, tol=0.0, reg_covar=reg_covar)
    return r.gmm, r.history


def _until_uses_fit_em(X, init, tol, max_iter, reg_covar=1e-6):
    r = em.fit_em(X, init, max_iter=max_iter, tol=tol, reg_covar=reg_covar)
    return r.gmm, r.history, r.converged


def _best_uses_fit_em(X, starts, tol, max_iter):
    r = max((em.fit_em(X, s, max_iter=max_iter, tol=tol) for s in starts), key=lambda r: r.log_likelihood)
    return r.gmm, r.log_likelihood


def _uses_match(a, b):
    return largest_difference(a, b.permuted(match_components(b.means, a.means)), match=False)


NAN_MEANS = lambda g: (g.weights, g.means * np.nan, g.covariances)  # noqa: E731
FLAT_MEANS = lambda g: (g.weights, g.means.ravel(), g.covariances)  # noqa: E731

# id -> (check, wrong answer, hidden)
WRONG = {
    "run_em.uses_reference": (RUN, _uses_fit_em, False),
    "run_em.not_a_pair": (RUN, _run(lambda g, h, i: h), False),
    "run_em.history_none": (RUN, _run(lambda g, h, i: (g, None)), False),
    "run_em.history_not_flat": (RUN, _run(lambda g, h, i: (g, np.array(h)[:, None])), False),
    "run_em.history_not_finite": (RUN, _run(lambda g, h, i: (g, [*h[:-1], np.nan])), False),
    "run_em.ignored_reg_covar": (RUN, t07._run_variant("ignore_reg"), False),
    "run_em.no_start": (RUN, t07._run_variant("no_start"), False),
    "run_em.no_last": (RUN, t07._run_variant("no_last"), False),
    "run_em.per_point": (RUN, t07._run_variant("per_point"), False),
    "run_em.wrong_start": (RUN, _run(lambda g, h, i: (g, [h[0] + 1.0, *h[1:]])), False),
    "run_em.differs_later": (RUN, t07._run_variant("stale"), False),
    "run_em.wrong_length": (RUN, lambda X, init, max_iter, reg=1e-6: run_em(X, init, max_iter + 1, reg), False),
    "run_em.not_a_gmm": (RUN, _run(lambda g, h, i: ("gmm", h)), False),
    "run_em.gmm_shape": (RUN, _run(lambda g, h, i: (FLAT_MEANS(g), h)), False),
    "run_em.gmm_nan": (RUN, _run(lambda g, h, i: (NAN_MEANS(g), h)), False),
    "run_em.final_params": (RUN, _run(lambda g, h, i: (i, h)), False),
    "em_until_converged.uses_reference": (UNTIL, _until_uses_fit_em, False),
    "em_until_converged.not_a_triple": (UNTIL, _until(lambda g, h, c: (g, h)), False),
    "em_until_converged.history_none": (UNTIL, _until(lambda g, h, c: (g, None, c)), False),
    "em_until_converged.history_not_flat": (UNTIL, _until(lambda g, h, c: (g, np.array(h)[:, None], c)), False),
    "em_until_converged.history_not_finite": (UNTIL, _until(lambda g, h, c: (g, [*h[:-1], np.inf], c)), False),
    "em_until_converged.never_stopped": (
        UNTIL,
        lambda X, init, tol, max_iter, reg=1e-6: (*run_em(X, init, max_iter, reg), False),
        False,
    ),
    "em_until_converged.total_gain": (UNTIL, t07.make_until(scale=False), False),
    "em_until_converged.one_too_many": (UNTIL, t07.make_until(extra=1), False),
    "em_until_converged.one_too_few": (UNTIL, _early, False),
    "em_until_converged.gain_sign": (UNTIL, t07.make_until(strict_tol_sign=-1), False),
    "em_until_converged.wrong_stop": (UNTIL, _stops_at_a_smaller_tol, False),
    "em_until_converged.per_point": (UNTIL, _until(lambda g, h, c: (g, [v / 272 for v in h], c)), False),
    "em_until_converged.wrong_start": (UNTIL, _until(lambda g, h, c: (g, [h[0] + 1.0, *h[1:]], c)), False),
    "em_until_converged.differs_later": (UNTIL, _until(lambda g, h, c: (g, [*h[:2], h[2] + 1.0, *h[3:]], c)), False),
    "em_until_converged.converged_not_bool": (UNTIL, _until(lambda g, h, c: (g, h, "yes")), False),
    "em_until_converged.converged_wrong": (UNTIL, _until(lambda g, h, c: (g, h, True)), False),
    "em_until_converged.not_a_gmm": (UNTIL, _until(lambda g, h, c: ("gmm", h, c)), False),
    "em_until_converged.gmm_shape": (UNTIL, _until(lambda g, h, c: (FLAT_MEANS(g), h, c)), False),
    "em_until_converged.gmm_nan": (UNTIL, _until(lambda g, h, c: (NAN_MEANS(g), h, c)), False),
    "em_until_converged.final_params": (
        UNTIL,
        _until(lambda g, h, c: (g.permuted(list(range(g.k))[::-1]), h, c)),
        False,
    ),
    "best_of.uses_reference": (BEST, _best_uses_fit_em, False),
    "best_of.not_a_pair": (BEST, _best(lambda X, g, ll: g), False),
    "best_of.not_a_number": (BEST, _best(lambda X, g, ll: (g, "best")), False),
    "best_of.not_finite": (BEST, _best(lambda X, g, ll: (g, float("nan"))), False),
    "best_of.not_a_gmm": (BEST, _best(lambda X, g, ll: ("gmm", ll)), False),
    "best_of.gmm_shape": (BEST, _best(lambda X, g, ll: (FLAT_MEANS(g), ll)), False),
    "best_of.gmm_nan": (BEST, _best(lambda X, g, ll: (NAN_MEANS(g), ll)), False),
    "best_of.invalid_gmm": (BEST, _best(lambda X, g, ll: ((2 * g.weights, g.means, g.covariances), ll)), False),
    "best_of.ll_mismatch": (BEST, _best(lambda X, g, ll: (g, -1.0)), False),
    "best_of.kept_worst": (BEST, lambda X, s, tol, it: best_of(X, s, tol, it, pick=np.argmin), False),
    "best_of.kept_last": (BEST, lambda X, s, tol, it: best_of(X, s, tol, it, pick=lambda v: len(v) - 1), False),
    "best_of.best_start": (BEST, lambda X, s, tol, it: best_of(X, s, tol, it, by_start=True), False),
    "best_of.none_kept": (BEST, lambda X, s, tol, it: best_of(X, s, tol, it, start_best=0.0), False),
    "best_of.wrong_value": (BEST, lambda X, s, tol, it: best_of(X, s, tol, 3), False),  # stopped too soon
    "best_of.final_params": (BEST, _best(_nudged_best), False),
    "predicted_stop.returned_none": (PRED, lambda: None, None),
    "predicted_stop.not_a_number": (PRED, lambda: "soon", None),
    "predicted_stop.not_finite": (PRED, lambda: float("inf"), None),
    "predicted_stop.earlier_than_loose": (PRED, lambda: 20.0, None),
    "predicted_stop.no_extra": (PRED, lambda: 33, None),
    "predicted_stop.mixed_log_bases": (PRED, lambda: t07.predicted_stop(log_factor=1 / np.log(10)), None),
    "predicted_stop.param_rate": (PRED, lambda: t07.predicted_stop(rate_power=0.5), None),
    "predicted_stop.sqrt_tol": (PRED, lambda: t07.predicted_stop(tight=np.sqrt(1e-8 * 1e-5)), None),
    "predicted_stop.wrong_value": (PRED, lambda: 120.0, None),
    "stopping_tol.returned_none": (TOL, lambda: None, None),
    "stopping_tol.not_a_number": (TOL, lambda: "small", None),
    "stopping_tol.not_finite": (TOL, lambda: float("nan"), None),
    "stopping_tol.not_positive": (TOL, lambda: 0.0, None),
    "stopping_tol.never_stops": (TOL, lambda: 1e-300, None),
    "stopping_tol.plateau": (TOL, lambda: 1e-3, None),
    "stopping_tol.too_loose": (TOL, lambda: 1e-4, None),
    "stopping_tol.too_tight": (TOL, lambda: 1e-6, None),
    "largest_difference.uses_reference": (DIFF, _uses_match, False),
    "largest_difference.not_a_number": (DIFF, lambda a, b: "small", False),
    "largest_difference.not_finite": (DIFF, lambda a, b: float("inf"), False),
    "largest_difference.no_matching": (DIFF, lambda a, b: largest_difference(a, b, match=False), False),
    "largest_difference.no_weights": (
        DIFF,
        lambda a, b: largest_difference(a, b, what=("means", "covariances")),
        False,
    ),
    "largest_difference.no_covariances": (
        DIFF,
        lambda a, b: largest_difference(a, b, what=("weights", "means")),
        False,
    ),
    "largest_difference.euclidean_means": (DIFF, lambda a, b: largest_difference(a, b, l2=True), False),
    "largest_difference.means_only": (DIFF, lambda a, b: largest_difference(a, b, what=("means",)), False),
    "largest_difference.max_over_orders": (DIFF, lambda a, b: largest_difference(a, b, pick=max), False),
    "largest_difference.mean_not_max": (DIFF, t07._mean_abs, False),
    "largest_difference.wrong_value": (DIFF, lambda a, b: largest_difference(a, b) + 0.1, False),
    "em_gain_parts.not_a_triple": (GAIN, lambda X, g: (1.0, 2.0), False),
    "em_gain_parts.not_a_number": (GAIN, _gain(lambda d, q, k: ("up", q, k)), False),
    "em_gain_parts.not_finite": (GAIN, _gain(lambda d, q, k: (d, q, float("nan"))), False),
    "em_gain_parts.regularised": (GAIN, lambda X, g: t07.em_gain_parts(X, g, reg_covar=1e-6), False),
    "em_gain_parts.per_point": (GAIN, t07._parts("per_point"), False),
    "em_gain_parts.delta_ll_sign": (GAIN, t07._parts("sign"), False),
    "em_gain_parts.delta_ll_wrong": (GAIN, _gain(lambda d, q, k: (d + 1.0, q, k)), False),
    "em_gain_parts.new_resp": (GAIN, t07._parts("new_resp"), False),
    "em_gain_parts.delta_q_wrong": (GAIN, _gain(lambda d, q, k: (d, q + 1.0, k)), False),
    "em_gain_parts.kl_reversed": (GAIN, t07._parts("reverse"), False),
    "em_gain_parts.kl_negative": (GAIN, t07._parts("negative"), False),
    "em_gain_parts.kl_wrong": (GAIN, _gain(lambda d, q, k: (d, q, k + 1.0)), False),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson07.MISTAKES)
    assert all(is_valid(m) for m in lesson07.MISTAKES)
    assert all(section for section in lesson07.MISTAKES.values()), "every lesson 07 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


NAMES = {
    RUN: "run_em",
    UNTIL: "em_until_converged",
    BEST: "best_of",
    GAIN: "em_gain_parts",
    TOL: "stopping_tol",
    PRED: "predicted_stop",
}


@pytest.mark.parametrize("check", [RUN, UNTIL, BEST, GAIN, TOL, PRED, DIFF], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = NAMES.get(check, "largest_difference")
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check not in (TOL, PRED):  # a numeric answer may be a number; a function exercise needs the function
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)
