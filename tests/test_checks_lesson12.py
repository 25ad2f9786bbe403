"""The lesson 12 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy import special, stats

from coursepkg import scale
from coursepkg.checks import lesson12 as checks

# ---------------------------------------------------------------- reference solutions


def block_statistics(X_block, resp):
    nk = resp.sum(axis=0)
    means = (resp.T @ X_block) / nk[:, None]
    scatters = np.empty((resp.shape[1], X_block.shape[1], X_block.shape[1]))
    for k in range(resp.shape[1]):
        diff = X_block - means[k]
        scatters[k] = (resp[:, k, None] * diff).T @ diff
    return nk, means, scatters


def remove(n, mean, S, nb, mean_b, Sb):
    na = n - nb
    e = mean_b - mean
    return na, mean - (nb / na) * e, S - Sb - (n * nb / na) * np.outer(e, e)


def step_size(t):
    return (np.asarray(t, dtype=float) + 1.0) ** -0.55


def block_log_likelihood(X_block, weights, means, covs):
    if len(X_block) == 0:
        return 0.0
    a = np.column_stack(
        [
            np.log(w) + np.atleast_1d(stats.multivariate_normal(m, c).logpdf(X_block))
            for w, m, c in zip(weights, means, covs, strict=True)
        ]
    )
    return float(special.logsumexp(a, axis=1).sum())


def per_point(pairs):
    return sum(ll for ll, _ in pairs) / sum(m for _, m in pairs)


class TestEveryCheck(CheckContract):
    """check_chunking takes three numeric answers: tested below."""

    good = [
        (checks.check_block_statistics, block_statistics),
        (checks.check_remove, remove),
        (checks.check_step_size, step_size),
        (checks.check_block_log_likelihood, block_log_likelihood),
        (checks.check_per_point, per_point),
    ]


def test_chunking_predictions_pass_as_numbers_or_functions(capsys):
    checks.check_chunking(7, 3.6, 3024)
    checks.check_chunking(lambda: 7, lambda: 3.6, lambda: 3024)
    out = capsys.readouterr().out
    assert out.count("✓ chunking:") == 2 and "7 blocks (the largest 3.6 MB" in out


def test_chunking_facts_are_dasks_own():
    import dask.array as da

    X = da.zeros((checks.CHUNK_N, checks.CHUNK_D), chunks=(checks.CHUNK_ROWS, checks.CHUNK_D))
    blocks, mb, sent = checks.chunking_facts()
    assert blocks == len(X.to_delayed().ravel()) == 7
    assert mb == pytest.approx(X.blocks[0].compute().nbytes / 1e6)
    k, d = checks.CHUNK_K, checks.CHUNK_D
    assert sent == 7 * (1 + k + k * d + k * d * d + 1) * 8


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.scale.statistics_from_resp"):
        checks.check_block_statistics(lambda X, r: tuple(scale.statistics_from_resp(X, r))[1:4])
    with pytest.raises(AssertionError, match="calls coursepkg.scale.combine"):
        checks.check_remove(lambda *a: scale.combine(*a))


def test_the_offset_cases_break_the_raw_formula():
    """The removal case at 1e8 is one where the raw sums minus squares have no correct digit, and the downdate many."""
    (args, (na, mean_a, Sa), _case) = checks.REMOVE_VISIBLE[2]
    n, mean, S, nb, mean_b, Sb = args
    raw_a = S + n * np.outer(mean, mean) - Sb - nb * np.outer(mean_b, mean_b)
    raw = raw_a - na * np.outer(mean_a, mean_a)
    assert np.max(np.abs(raw - Sa)) > 0.1 * np.max(np.abs(Sa))
    assert np.allclose(remove(*args)[2], Sa, rtol=0, atol=1e-6 * np.abs(Sa).max())


def test_the_references_are_the_points_own_statistics():
    """Merging the reference A back with B by the pairwise formula, in exact fractions, gives the union's summary."""
    from fractions import Fraction

    (args, (na, mean_a, Sa), _case) = checks.REMOVE_VISIBLE[0]
    n, mean, S, nb, mean_b, Sb = args
    fa, fb = Fraction(na), Fraction(nb)
    delta = Fraction(mean_b[0]) - Fraction(mean_a[0])
    exact = Fraction(Sa[0, 0]) + Fraction(Sb[0, 0]) + fa * fb / (fa + fb) * delta**2
    assert float(exact) == pytest.approx(S[0, 0], rel=1e-12)


def test_valid_exponents_near_one_half_pass_and_the_default_is_refused():
    checks.check_step_size(lambda t: (np.asarray(t, dtype=float) + 1.0) ** -0.51)
    with pytest.raises(AssertionError, match="package's default"):
        checks.check_step_size(scale.default_step_size)


def test_an_integer_power_on_the_argument_works():
    checks.check_step_size(lambda t: (t + 1) ** -0.6)


def test_a_schedule_that_meets_the_conditions_but_starts_too_small_fails_measured():
    with pytest.raises(AssertionError, match="nats per point below batch EM"):
        checks.check_step_size(lambda t: 0.002 * (np.asarray(t, dtype=float) + 2.0) ** -0.6)


def test_the_band_is_honest_for_the_default_schedule():
    etas = scale.default_step_size(np.arange(checks.STEP_UPDATES))
    assert checks._stepwise_shortfall(etas) <= checks.SHORTFALL
