"""Mistakes as data, lesson 14: every id of coursepkg.checks.lesson14.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes_lesson09.py. The checks of answers (check_covariance_types; check_better_start:
the prediction and the measurement) take a tuple of wrong answers. Every check run here is also recorded and
judged (checks_helpers.judged_in_the_grader_too), which asserts the judge names the same id.
"""

import math

import numpy as np
import pytest
import test_checks_lesson14 as t14
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import em, selection
from coursepkg.checks import lesson14
from coursepkg.checks._core.mistakes import GENERIC, is_valid

T, P, E, S = (lesson14.check_covariance_types, lesson14.check_free_parameters, lesson14.check_em_fixed,
              lesson14.check_better_start)
count, fixed = t14.free_parameters, t14.em_fixed
FINALS = t14.final_log_likelihoods()


def _types(a, b):
    return (lambda: {"A": a, "B": b},)


def _only(model, change):
    return lambda K, d, m: change(K, d, count(K, d, m)) if m == model else count(K, d, m)


def _changed(position, change):
    """The right EM, with output `position` (0 weights, 1 means, 2 covs, 3 history) changed at the end."""
    def em_changed(X, w, m, c, n):
        out = list(fixed(X, w, m, c, n))
        out[position] = change(out[position])
        return tuple(out)
    return em_changed


def _axis_points(X, w, m, c, n):
    return _variant(X, w, m, c, n, axis_points=True)


def _variant(X, w, m, c, n, **flags):
    from coursepkg.mixture import GMM

    return lesson14._raw_em(X, GMM(w, m, c), n, **flags)  # noqa: SLF001


def _raw(X, w, m, c, n):
    return _variant(X, w, m, c, n, raw=True)


def _no_reg(X, w, m, c, n):
    return fixed(X, w, m, c, n, reg_covar=0.0)


def _weights_nk(X, w, m, c, n):
    weights, means, covs, history = fixed(X, w, m, c, n)
    return weights * len(X), means, covs, history + len(X) * np.log(len(X))


def _pair(value):
    return (t14.predicted, lambda: value)


# id -> (check, wrong answer (a tuple for a check of several answers), hidden)
WRONG = {
    "covariance_types.not_a_dict": (T, (lambda: "tied",), None),
    "covariance_types.not_a_type": (T, _types("elliptical", "diag"), None),
    "covariance_types.a_full": (T, _types("full", "diag"), None),
    "covariance_types.a_diag": (T, _types("diag", "diag"), None),
    "covariance_types.a_spherical": (T, _types("spherical", "diag"), None),
    "covariance_types.b_full": (T, _types("tied", "full"), None),
    "covariance_types.b_spherical": (T, _types("tied", "spherical"), None),
    "covariance_types.b_tied": (T, _types("tied", "tied"), None),
    "free_parameters.uses_reference": (P, lambda K, d, m: selection.n_parameters(em.initial_gmm(np.eye(K), K)), False),
    "free_parameters.not_a_number": (P, lambda K, d, m: "many", False),
    "free_parameters.not_finite": (P, lambda K, d, m: math.inf, False),
    "free_parameters.weights_all_free": (P, lambda K, d, m: count(K, d, m) + 1, False),
    "free_parameters.bernoulli_two_per_pixel": (P, _only("bernoulli", lambda K, d, c: c + K * d), False),
    "free_parameters.no_means": (P, _only("diag", lambda K, d, c: c - K * d), False),
    "free_parameters.not_symmetric": (P, _only("full", lambda K, d, c: c - K * d * (d + 1) // 2 + K * d * d), False),
    "free_parameters.tied_per_component": (P, _only("tied_diag", lambda K, d, c: c + (K - 1) * d), False),
    "free_parameters.wrong_count": (P, lambda K, d, m: count(K, d, m) + 2, False),
    "em_fixed.uses_reference": (E, lambda X, w, m, c, n: em.fit_em(X, 2), False),
    "em_fixed.not_four": (E, lambda X, w, m, c, n: fixed(X, w, m, c, n)[:3], False),
    "em_fixed.history_length": (E, _changed(3, lambda h: h[1:]), False),
    "em_fixed.not_an_array": (E, _changed(0, lambda w: "weights"), False),
    "em_fixed.wrong_shape": (E, _changed(1, lambda m: m[:1]), False),
    "em_fixed.nan": (E, _changed(2, lambda c: c * np.nan), False),
    "em_fixed.normalised_over_points": (E, _axis_points, False),
    "em_fixed.raw_moments": (E, _raw, False),
    "em_fixed.no_reg_covar": (E, _no_reg, False),
    "em_fixed.weights_not_divided": (E, _weights_nk, False),
    "em_fixed.wrong_weights": (E, _changed(0, lambda w: w[::-1]), False),
    "em_fixed.wrong_means": (E, _changed(1, lambda m: m + 1e-3), False),
    "em_fixed.wrong_covariances": (E, _changed(2, lambda c: c * 1.01), False),
    "em_fixed.wrong_history": (E, _changed(3, lambda h: h - 1.0), False),
    "better_start.not_a_choice": (S, (lambda: "C", t14.final_log_likelihoods), None),
    "better_start.not_a_pair": (S, _pair(-960.4), None),
    "better_start.not_a_number": (S, _pair(("a", "b")), None),
    "better_start.not_finite": (S, _pair((math.nan, 1.0)), None),
    "better_start.swapped": (S, _pair(FINALS[::-1]), None),
    "better_start.start_values": (S, _pair(lesson14.START_LL), None),
    "better_start.per_point": (S, _pair(tuple(np.array(FINALS) / 300)), None),
    "better_start.stopped_early": (S, _pair(tuple(em.fit_em(*lesson14.two_starts()[:1], s, max_iter=5).log_likelihood
                                                  for s in lesson14.two_starts()[1:])), None),
    "better_start.measure_wrong": (S, _pair((0.0, 0.0)), None),
    "better_start.prediction_wrong": (S, (lambda: "B", t14.final_log_likelihoods), None),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson14.MISTAKES)
    assert all(is_valid(m) for m in lesson14.MISTAKES)
    assert all(section for section in lesson14.MISTAKES.values()), "every lesson 14 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("check", [P, E], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = {P: "free_parameters", E: "em_fixed"}[check]
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    assert mistake_of(check, 3, None) == f"{name}.not_a_function"
    assert {"not_implemented", "raised", "not_a_function"} <= set(GENERIC)


@pytest.mark.parametrize("check, good", [(T, (t14.choose_types,)), (S, (t14.predicted, t14.final_log_likelihoods))],
                         ids=["covariance_types", "better_start"])
def test_the_generic_ids_of_a_check_of_answers(check, good):
    name = {T: "covariance_types", S: "better_start"}[check]
    for position in range(len(good)):
        for wrong, key in ((stub, "not_implemented"), (crashes, "raised")):
            answers = list(good)
            answers[position] = wrong
            assert mistake_of(check, tuple(answers), None) == f"{name}.{key}"


def _einsum_em(X, w, m, c, n, raw=False, old_means=False):
    """broken_em of the self-test with its axis repaired; `raw` keeps bug 2, `old_means` centres on the old means."""
    return fixed(X, w, m, c, n, raw=raw, old_means=old_means)


def test_a_raw_moment_repair_in_another_style_is_named():
    """Its digits differ from _raw_em's far from the origin; the check names it because Old Faithful itself passed."""
    assert mistake_of(E, lambda X, w, m, c, n: _einsum_em(X, w, m, c, n, raw=True), False) == "em_fixed.raw_moments"


def test_centring_on_the_old_means_is_named_after_one_iteration():
    wrong = lambda X, w, m, c, n: _einsum_em(X, w, m, c, n, old_means=True)  # noqa: E731
    assert mistake_of(E, wrong, False) == "em_fixed.wrong_covariances"
