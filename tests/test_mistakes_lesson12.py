"""Mistakes as data, lesson 12: every id of coursepkg.checks.lesson12.MISTAKES is produced by a wrong answer here.

Modelled on tests/test_mistakes.py (lesson 05). check_chunking takes three answers (a tuple of wrong answers).
Every check run here is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts the
judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson12 as t12
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import scale
from coursepkg.checks import lesson12
from coursepkg.checks._core.mistakes import is_valid

B, C, CH = lesson12.check_block_statistics, lesson12.check_remove, lesson12.check_chunking
S, L, P = lesson12.check_step_size, lesson12.check_block_log_likelihood, lesson12.check_per_point
GOOD = (7, 3.6, 3024)


def _bs(nk=None, means=None, scatters=None):
    """block_statistics with one part replaced: each a function of (X, resp, right value)."""

    def student(X, resp):
        nk0, means0, scat0 = t12.block_statistics(X, resp)
        return (
            nk0 if nk is None else nk(X, resp, nk0),
            means0 if means is None else means(X, resp, means0),
            scat0 if scatters is None else scatters(X, resp, scat0),
        )

    return student


def _raw(X, resp, _):
    return np.array([(r[:, None] * X).T @ X for r in resp.T])


def _raw_minus_square(X, resp, _):
    nk = resp.sum(axis=0)
    mu = (resp.T @ X) / nk[:, None]
    return _raw(X, resp, None) - nk[:, None, None] * (mu[:, :, None] * mu[:, None, :])


def _plain_centre(X, resp, _):
    Y = X - X.mean(axis=0)
    return np.array([(r[:, None] * Y).T @ Y for r in resp.T])


def _rm(n=None, mean=None, S=None):
    """remove with one part replaced: each a function of (args, right value)."""

    def student(n_u, mean_u, S_u, nb, mean_b, Sb):
        args = (n_u, mean_u, S_u, nb, mean_b, Sb)
        n0, m0, S0 = t12.remove(*args)
        return (
            n0 if n is None else n(args, n0),
            m0 if mean is None else mean(args, m0),
            S0 if S is None else S(args, S0),
        )

    return student


def _cross(factor, sign=-1):
    """S - Sb + sign * factor(n, nb, na) (mean_b - mean)(mean_b - mean)^T."""

    def scatter(args, _):
        n_u, mean_u, S_u, nb, mean_b, Sb = args
        e = mean_b - mean_u
        return S_u - Sb + sign * factor(n_u, nb, n_u - nb) * np.outer(e, e)

    return scatter


def _raw_remove(n_u, mean_u, S_u, nb, mean_b, Sb):
    na = n_u - nb
    mean_a = (n_u * mean_u - nb * mean_b) / na
    raw = S_u + n_u * np.outer(mean_u, mean_u) - Sb - nb * np.outer(mean_b, mean_b)
    return na, mean_a, raw - na * np.outer(mean_a, mean_a)


def _eta(f):
    return lambda t: f(np.asarray(t, dtype=float))


def _tail(f):
    """The right schedule for the first 300 steps, `f(t)` for the tail t = 10^4, 10^6, 10^8."""
    return lambda t: t12.step_size(t) if len(t) != 3 else f(np.asarray(t, dtype=float))


def _naive_ll(X, w, m, c):
    from scipy import stats

    if len(X) == 0:
        return 0.0
    p = sum(wk * stats.multivariate_normal(mk, ck).pdf(X) for wk, mk, ck in zip(w, m, c, strict=True))
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(p)))


def _ll_averaged(X, w, m, c):
    return t12.block_log_likelihood(X, w, m, c) / max(len(X), 1)


def _per_point_mean_of_means(pairs):
    return float(np.mean([ll / m for ll, m in pairs if m > 0]))


WRONG = {
    # exercise 1
    "block_statistics.uses_reference": (B, lambda X, r: tuple(scale.statistics_from_resp(X, r))[1:4], None),
    "block_statistics.not_a_triple": (B, lambda X, r: t12.block_statistics(X, r)[:2], None),
    "block_statistics.nk_axis": (B, _bs(nk=lambda X, r, v: r.sum(axis=1)), None),
    "block_statistics.nk_wrong": (B, _bs(nk=lambda X, r, v: 2 * v), None),
    "block_statistics.mean_sums": (B, _bs(means=lambda X, r, v: r.T @ X), None),
    "block_statistics.unweighted_mean": (B, _bs(means=lambda X, r, v: np.repeat(X.mean(0)[None], r.shape[1], 0)), None),
    "block_statistics.mean_by_m": (B, _bs(means=lambda X, r, v: r.T @ X / len(X)), None),
    "block_statistics.means_wrong": (B, _bs(means=lambda X, r, v: v + 1), None),
    "block_statistics.raw_scatter": (B, _bs(scatters=_raw), None),
    "block_statistics.covariance": (B, _bs(scatters=lambda X, r, v: v / r.sum(0)[:, None, None]), None),
    "block_statistics.unweighted_centre": (B, _bs(scatters=_plain_centre), None),
    "block_statistics.scatters_wrong": (B, _bs(scatters=lambda X, r, v: 2 * v), None),
    "block_statistics.raw_minus_square": (B, _bs(scatters=_raw_minus_square), None),
    "block_statistics.transposed": (B, _bs(means=lambda X, r, v: v.T), None),
    "block_statistics.wrong_shape": (B, _bs(means=lambda X, r, v: v[:1]), None),
    "block_statistics.not_an_array": (B, _bs(means=lambda X, r, v: "means"), None),
    "block_statistics.nan": (B, _bs(scatters=lambda X, r, v: v * np.nan), None),
    # exercise 2
    "remove.uses_reference": (C, lambda *a: scale.combine(*a), None),
    "remove.not_a_triple": (C, lambda *a: t12.remove(*a)[:2], None),
    "remove.not_a_number": (C, _rm(n=lambda a, v: "n"), None),
    "remove.not_finite": (C, _rm(n=lambda a, v: np.inf), None),
    "remove.count": (C, _rm(n=lambda a, v: a[0]), None),
    "remove.unweighted_mean": (C, _rm(mean=lambda a, v: 2 * a[1] - a[4]), None),
    "remove.mean_factor": (C, _rm(mean=lambda a, v: a[1] - a[3] / a[0] * (a[4] - a[1])), None),
    "remove.mean_sum": (C, _rm(mean=lambda a, v: a[0] * a[1] - a[3] * a[4]), None),
    "remove.mean_wrong": (C, _rm(mean=lambda a, v: v + 1), None),
    "remove.no_cross_term": (C, _rm(S=lambda a, v: a[2] - a[5]), None),
    "remove.sign": (C, _rm(S=_cross(lambda n, nb, na: n * nb / na, sign=+1)), None),
    "remove.merge_factor": (C, _rm(S=_cross(lambda n, nb, na: na * nb / n)), None),
    "remove.factor_nb": (C, _rm(S=_cross(lambda n, nb, na: nb)), None),
    "remove.scatter_wrong": (C, _rm(S=lambda a, v: 2 * v), None),
    "remove.cancellation": (C, _raw_remove, None),
    "remove.wrong_shape": (C, _rm(mean=lambda a, v: v[:1]), None),
    "remove.not_an_array": (C, _rm(S=lambda a, v: "S"), None),
    "remove.nan": (C, _rm(S=lambda a, v: v * np.nan), None),
    # exercise 3
    "chunking.returned_none": (CH, (lambda: None, 3.6, 3024), None),
    "chunking.not_a_number": (CH, ("seven", 3.6, 3024), None),
    "chunking.not_finite": (CH, (7, float("inf"), 3024), None),
    "chunking.blocks_floor": (CH, (6, 3.6, 3024), None),
    "chunking.blocks_fraction": (CH, (1e6 / 150_000, 3.6, 3024), None),
    "chunking.blocks_wrong": (CH, (8, 3.6, 3024), None),
    "chunking.mb_one_column": (CH, (7, 1.2, 3024), None),
    "chunking.mb_float32": (CH, (7, 1.8, 3024), None),
    "chunking.mb_whole": (CH, (7, 24.0, 3024), None),
    "chunking.mb_mebibytes": (CH, (7, 3.6e6 / 2**20, 3024), None),
    "chunking.mb_wrong": (CH, (7, 4.0, 3024), None),
    "chunking.sent_one_block": (CH, (7, 3.6, 432), None),
    "chunking.sent_numbers": (CH, (7, 3.6, 378), None),
    "chunking.sent_symmetric": (CH, (7, 3.6, 7 * 42 * 8), None),
    "chunking.sent_no_scatter": (CH, (7, 3.6, 7 * 18 * 8), None),
    "chunking.sent_resp": (CH, (7, 3.6, 32_000_000), None),
    "chunking.sent_no_counts": (CH, (7, 3.6, 7 * 52 * 8), None),
    "chunking.sent_wrong": (CH, (7, 3.6, 3025), None),
    # exercise 4
    "step_size.not_vectorised": (S, lambda t: 0.5, None),
    "step_size.out_of_range": (S, _eta(lambda t: 1 / t), None),
    "step_size.too_fast": (S, _eta(lambda t: (t + 2) ** -2), None),
    "step_size.constant": (S, _eta(lambda t: 0.5 + 0 * t), None),
    "step_size.too_slow_decay": (S, _eta(lambda t: (t + 2) ** -0.5), None),
    "step_size.not_converged": (S, _eta(lambda t: 0.002 * (t + 2) ** -0.6), None),
    "step_size.uses_default": (S, scale.default_step_size, None),
    "step_size.wrong_shape": (S, _tail(lambda t: np.ones(5)), None),
    "step_size.not_an_array": (S, _tail(lambda t: "small"), None),
    "step_size.nan": (S, _tail(lambda t: t * np.nan), None),
    # exercise 5
    "block_log_likelihood.uses_reference": (L, lambda X, w, m, c: scale.block_statistics(X, None), None),
    "block_log_likelihood.returned_none": (L, lambda X, w, m, c: None, None),
    "block_log_likelihood.not_a_number": (L, lambda X, w, m, c: np.zeros(len(X) + 2), None),
    "block_log_likelihood.not_finite": (L, lambda X, w, m, c: np.inf, None),
    "block_log_likelihood.underflow": (L, _naive_ll, None),
    "block_log_likelihood.averaged": (L, _ll_averaged, None),
    "block_log_likelihood.no_weights": (L, lambda X, w, m, c: t12.block_log_likelihood(X, np.ones_like(w), m, c), None),
    "block_log_likelihood.block_wrong": (L, lambda X, w, m, c: t12.block_log_likelihood(X, w, m, c) - 1, None),
    "per_point.not_a_number": (P, lambda pairs: "per point", None),
    "per_point.not_finite": (P, lambda pairs: float("nan"), None),
    "per_point.mean_of_means": (P, _per_point_mean_of_means, None),
    "per_point.not_divided": (P, lambda pairs: sum(ll for ll, _ in pairs), None),
    "per_point.by_blocks": (P, lambda pairs: sum(ll for ll, _ in pairs) / len(pairs), None),
    "per_point.reduce_wrong": (P, lambda pairs: t12.per_point(pairs) + 1, None),
}


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson12.MISTAKES)
    assert all(is_valid(m) for m in lesson12.MISTAKES)
    assert all(section for section in lesson12.MISTAKES.values()), "every lesson 12 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake):
    check, wrong, hidden = WRONG[mistake]
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("check", [B, C, S, L, P], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    assert mistake_of(check, 3, None) == f"{name}.not_a_function"


def test_the_generic_ids_of_the_chunking_check():
    assert mistake_of(CH, (stub, 3.6, 3024)) == "chunking.not_implemented"
    assert mistake_of(CH, (7, crashes, 3024)) == "chunking.raised"
