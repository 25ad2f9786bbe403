"""Checks for the exercises of lesson 12 (EM at scale).

1. `check_block_statistics`: a block's N_k, weighted means and centred scatters, against numpy's weighted
   average and covariance; names the raw (uncentred) scatter, the raw-minus-square shortcut (on a block near
   1e6), the covariance instead of the scatter, unweighted means and sums instead of means.
2. `check_remove`: the downdate, derived by the student: the summary of A from the summaries of A u B and of
   B (one component), on cases built from points; the reference is computed from the points of A themselves,
   shifted exactly to the origin where they sit at an offset of 1e8 (where the raw formula has no correct digit
   left).
3. `check_chunking`: three predictions for a chunked dask array (blocks, megabytes of the largest block, bytes
   all blocks send to the reduce in one pass), against dask's own chunking and the sizes of
   `coursepkg.scale.Statistics`.
4. `check_step_size`: the student's step-size schedule for stepwise EM: in (0, 1], its decay exponent (read
   between t = 1e6 and 1e8) between the Robbins–Monro limits, not the package's default, and stepwise EM run
   with it (the trusted `coursepkg.scale.fit_em_online`, fed the recorded step sizes) ending within 0.01 nats
   per point of batch EM.
5. `check_block_log_likelihood`: the map (a block's log-likelihood, stable far from every component, 0 on an
   empty block) against scipy; `check_per_point`: the reduce (the log-likelihood per point from per-block pairs).
"""

import numpy as np
from scipy import special, stats

from .. import em, mixture, scale
from ._core import Exercise, answer_value, cases_for, exercise_check, forbid, nonfinite_of_shape

# ---------------------------------------------------------------- trusted data


def _block(seed, m, d, k, offset=0.0):
    """m points in d dimensions (plus offset) and Dirichlet responsibilities (m, k), from a generator of their own."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, d)) * rng.uniform(0.5, 2.0, size=d) + offset
    resp = rng.dirichlet(np.ones(k), size=m)
    return X, resp


def _reference_statistics(X, resp, shift=0.0):
    """(N_k, means, centred scatters) by numpy's weighted average and covariance (on X - shift, exactly)."""
    Y = X - shift
    nk = resp.sum(axis=0)
    means = np.array([np.average(Y, axis=0, weights=r) for r in resp.T]) + shift
    scatters = np.array([np.atleast_2d(np.cov(Y.T, aweights=r, bias=True)) * r.sum() for r in resp.T])
    return nk, means, scatters


def _as_triple(ex, out, what):
    if not (isinstance(out, (tuple, list)) and len(out) == 3):
        ex.fail(f"{what} should be a triple (nk, means, scatters); got {type(out).__name__}.", "not_a_triple")
    return out


# ---------------------------------------------------------------- exercise 1: a block's statistics


@exercise_check
def check_block_statistics(student_block_statistics, hidden=False):
    """block_statistics(X_block, resp) -> (nk (k,), means (k, d), scatters (k, d, d), centred)."""
    ex = Exercise("block_statistics")
    forbid(ex, student_block_statistics, [scale.statistics_from_resp, scale.block_statistics, em.m_step])
    visible = [
        (*_block(1, 40, 2, 3), 0.0, "40 points in 2-D, K = 3"),
        (*_block(2, 30, 3, 3), 0.0, "30 points in 3-D, K = 3 (K = d: a wrong axis keeps the shapes)"),
        (*_block(3, 50, 2, 2, offset=1e6), 1e6, "50 points in 2-D near (10^6, 10^6), K = 2"),
    ]
    hidden_extra = [
        (*_block(4, 1, 2, 3), 0.0, "a block of a single point"),
        (*_block(5, 25, 1, 2), 0.0, "d = 1 (X of shape (25, 1))"),
        (*_block(6, 60, 5, 4, offset=-3e5), -3e5, "60 points in 5-D near -3 x 10^5, K = 4"),
    ]
    for X, resp, shift, case in cases_for(visible, hidden_extra, hidden):
        m, d = X.shape
        k = resp.shape[1]
        out = _as_triple(ex, ex.call(student_block_statistics, X, resp, case=case), f"on {case} your result")
        nk_raw, means_raw, scatters_raw = out
        want_nk, want_means, want_scatters = _reference_statistics(X, resp, shift)
        nk_arr = np.asarray(nk_raw, dtype=float) if nonfinite_of_shape(nk_raw, (m,)) is None else None
        if nk_arr is not None and nk_arr.shape == (m,) and k != m:
            ex.fail(
                f"on {case} your nk has shape ({m},), one number per point: you summed the responsibilities over "
                "components (axis=1). N_k sums over the points of the block: resp.sum(axis=0).",
                "nk_axis",
            )
        nk = ex.array(nk_raw, (k,), f"your nk on {case}")
        if not ex.agrees(nk, want_nk, rtol=1e-10, atol=1e-12):
            ex.name_mistake(
                nk,
                [(resp.sum(axis=1)[:k], "you summed over components (axis=1); sum over points", "nk_axis")],
                f"on {case} your nk",
                rtol=1e-10,
                atol=1e-12,
            )
            ex.close(nk, want_nk, f"on {case} your nk is not sum_n r_nk", rtol=1e-10, atol=1e-12, mistake="nk_wrong")
        means = ex.array(means_raw, (k, d), f"your means on {case}")
        if not ex.agrees(means, want_means, rtol=1e-10, atol=1e-9):
            wrong = [
                (resp.T @ X, "these are the weighted sums sum_n r_nk x_n; divide each by its N_k", "mean_sums"),
                (
                    np.repeat(X.mean(axis=0)[None], k, axis=0),
                    "every component got the plain mean of the block; weight each point by r_nk",
                    "unweighted_mean",
                ),
                ((resp.T @ X) / m, "you divided the weighted sums by the number of points, not by N_k", "mean_by_m"),
            ]
            ex.name_mistake(means, wrong, f"on {case} your means", rtol=1e-9, atol=1e-9)
            ex.close(
                means,
                want_means,
                f"on {case} your means are not the weighted means",
                rtol=1e-10,
                atol=1e-9,
                mistake="means_wrong",
            )
        scatters = ex.array(scatters_raw, (k, d, d), f"your scatters on {case}")
        scale_s = np.abs(want_scatters).max()
        if not ex.agrees(scatters, want_scatters, rtol=1e-8, atol=1e-8 * scale_s):
            raw = np.array([(r[:, None] * X).T @ X for r in resp.T])
            wrong = [
                (
                    raw,
                    "these are the raw sums sum_n r_nk x_n x_n^T; the scatter is about each component's mean, "
                    "sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T",
                    "raw_scatter",
                ),
                (
                    want_scatters / want_nk[:, None, None],
                    "you divided by N_k: that is the covariance; the block sends the scatter (the merge adds scatters)",
                    "covariance",
                ),
                (
                    np.array([(r[:, None] * (X - X.mean(axis=0))).T @ (X - X.mean(axis=0)) for r in resp.T]),
                    "you centred every component on the plain mean of the block; centre on its weighted mean mu_k",
                    "unweighted_centre",
                ),
            ]
            ex.name_mistake(scatters, wrong, f"on {case} your scatters", rtol=1e-6, atol=1e-8 * scale_s)
            if shift != 0.0:  # right on the blocks near the origin (checked before), wrong far from it
                ex.fail(
                    f"on {case} your scatters are off by {np.abs(scatters - want_scatters).max():.3g}, though they "
                    f"were right near the origin: with points near {shift:g}, sum r x x^T and N_k mu mu^T agree "
                    "in almost all their digits and their difference is rounding noise. Subtract the mean from "
                    "the points first, then sum the products.",
                    "raw_minus_square",
                )
            ex.close(
                scatters,
                want_scatters,
                f"on {case} your scatters are not the centred weighted scatters",
                rtol=1e-8,
                atol=1e-8 * scale_s,
                mistake="scatters_wrong",
            )
    ex.passed("including blocks far from the origin" + (", a single point and d = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: removing a block from a summary


def _one_component(seed, ma, mb, d, offset=0.0, gap=1.0):
    """Two sets A, B of ma and mb weighted points, one component: ((n, mean, S) of A u B, (nb, mean_b, Sb)), and
    the reference (na, mean_a, Sa) of A.

    Every summary is computed on the points shifted exactly back to the origin (the offset is a float the points
    were built from, so X - offset is exact by Sterbenz's lemma), then moved back by the offset.
    """
    rng = np.random.default_rng(seed)
    Y = rng.normal(size=(ma + mb, d)) * rng.uniform(0.5, 2.0, size=d)
    Y[ma:] += gap * rng.normal(size=d)
    w = rng.uniform(0.05, 1.0, size=ma + mb)
    X = Y + offset
    Y = X - offset

    def summary(rows):
        n, mean, S = _reference_statistics(Y[rows], w[rows, None])
        return float(n[0]), mean[0] + offset, S[0]

    union, b, a = summary(slice(0, ma + mb)), summary(slice(ma, ma + mb)), summary(slice(0, ma))
    return (*union, *b), a


REMOVE_VISIBLE = [
    (*_one_component(21, 30, 50, 2), "a union of 80 points in 2-D, B holding 50 of them"),
    (*_one_component(22, 40, 1, 2, gap=3.0), "B a single point, removed from 41 points"),
    (*_one_component(23, 30, 50, 2, offset=1e8), "a union of 80 points at an offset of 10^8, B holding 50"),
]
REMOVE_HIDDEN = [
    (*_one_component(24, 7, 200, 3, gap=5.0), "200 of 207 points in 3-D removed, far from the other 7"),
    (*_one_component(26, 60, 60, 3, offset=-4e9), "60 of 120 points in 3-D at an offset of -4 x 10^9"),
]


@exercise_check
def check_remove(student_remove, hidden=False):
    """remove(n, mean, S, nb, mean_b, Sb) -> (na, mean_a, Sa) of A, from the summaries of A u B and of B."""
    ex = Exercise("remove")
    forbid(ex, student_remove, [scale.combine, scale.statistics_from_resp, scale.block_statistics])
    for args, (want_n, want_mean, want_S), case in cases_for(REMOVE_VISIBLE, REMOVE_HIDDEN, hidden):
        n_u, mean_u, S_u, nb, mean_b, Sb = args
        d = len(mean_u)
        out = ex.call(student_remove, *args, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(f"your remove should return a triple (na, mean_a, Sa); got {type(out).__name__}.", "not_a_triple")
        n_raw, mean_raw, S_raw = out
        na = ex.number(n_raw, f"your na on {case}")
        if not ex.agrees(na, want_n, rtol=1e-12, atol=1e-12):
            ex.fail(f"on {case} your na is {na:.6g}; the count of A is n - nb = {want_n:.6g}.", "count")
        mean = ex.array(mean_raw, (d,), f"your mean_a on {case}")
        spread = np.sqrt(np.max(np.diag(want_S)) / want_n)
        atol_mean = 1e-14 * np.abs(want_mean).max() + 1e-8 * spread
        if not ex.agrees(mean, want_mean, rtol=0, atol=atol_mean):
            wrong = [
                (
                    2 * mean_u - mean_b,
                    "you treated the union's mean as the plain average of mean_a and mean_b; it is their average "
                    "weighted by the counts, n mean = na mean_a + nb mean_b",
                    "unweighted_mean",
                ),
                (
                    mean_u - (nb / n_u) * (mean_b - mean_u),
                    "the factor of (mean_b - mean) is nb / na, not nb / n: solve n mean = na mean_a + nb mean_b "
                    "for mean_a",
                    "mean_factor",
                ),
                (n_u * mean_u - nb * mean_b, "that is A's weighted sum; divide it by na", "mean_sum"),
            ]
            ex.name_mistake(mean, wrong, f"on {case} your mean_a", rtol=0, atol=1e-6 * spread)
            ex.close(
                mean,
                want_mean,
                f"on {case} your mean_a is not the weighted mean of A",
                rtol=0,
                atol=atol_mean,
                mistake="mean_wrong",
            )
        S = ex.array(S_raw, (d, d), f"your Sa on {case}")
        tol = 1e-6 * np.abs(want_S).max()
        if not ex.agrees(S, want_S, rtol=0, atol=tol):
            e = mean_b - mean_u  # B's mean from the union's; delta = mean_b - mean_a = (n / na) e
            e_outer = np.outer(e, e)
            wrong = [
                (
                    S_u - Sb,
                    "you subtracted Sb only; S also holds the spread between the two means, na nb / n delta "
                    "delta^T with delta = mean_b - mean_a, which must go too",
                    "no_cross_term",
                ),
                (
                    S_u - Sb + n_u * nb / want_n * e_outer,
                    "the sign of the delta delta^T term is wrong: removing B removes the spread between the means",
                    "sign",
                ),
                (
                    S_u - Sb - want_n * nb / n_u * e_outer,
                    "you used the merge's factor na nb / n with mean_b - mean (the union's mean); with "
                    "delta = mean_b - mean_a it is na nb / n, and mean_b - mean = (na / n) delta",
                    "merge_factor",
                ),
                (
                    S_u - Sb - nb * e_outer,
                    "the factor of (mean_b - mean)(mean_b - mean)^T is n nb / na, not nb",
                    "factor_nb",
                ),
            ]
            ex.name_mistake(S, wrong, f"on {case} your Sa", rtol=0, atol=tol)
            if abs(mean_u).max() > 1e6:
                ex.fail(
                    f"on {case} your Sa is off by {np.abs(S - want_S).max():.3g} (the right Sa has entries up to "
                    f"{np.abs(want_S).max():.3g}), though it was right near the origin: your formula subtracts two "
                    "numbers of size n mean mean^T, which agree in almost all their digits here. Write Sa using "
                    "only S, Sb and the difference of two means.",
                    "cancellation",
                )
            ex.close(
                S,
                want_S,
                f"on {case} your Sa is not the scatter of A about its mean",
                rtol=0,
                atol=tol,
                mistake="scatter_wrong",
            )
    ex.passed("including points at an offset of 10^8" + (" and of -4 x 10^9" if hidden else ""))


# ---------------------------------------------------------------- exercise 3: predicting the chunking

CHUNK_N, CHUNK_D, CHUNK_ROWS, CHUNK_K = 1_000_000, 3, 150_000, 4


def chunking_facts():
    """(blocks, megabytes of the largest block, bytes all blocks send in one pass) for the exercise's array, measured.

    The bytes are those of each block's Statistics as float64, summed over the blocks."""
    import dask.array as da

    X = da.zeros((CHUNK_N, CHUNK_D), chunks=(CHUNK_ROWS, CHUNK_D))
    block = np.zeros((2, CHUNK_D))
    gmm = mixture.GMM(
        np.full(CHUNK_K, 1 / CHUNK_K),
        np.arange(CHUNK_K * CHUNK_D, dtype=float).reshape(CHUNK_K, -1),
        np.repeat(np.eye(CHUNK_D)[None], CHUNK_K, axis=0),
    )
    s = scale.block_statistics(block, gmm)
    sent = X.numblocks[0] * sum(np.asarray(field, dtype=float).nbytes for field in s)
    return X.numblocks[0], max(X.chunks[0]) * CHUNK_D * X.dtype.itemsize / 1e6, sent


@exercise_check
def check_chunking(n_blocks, block_megabytes, bytes_sent):
    """Three predictions: blocks, megabytes per (largest) block, bytes all blocks send to the reduce in one pass."""
    ex = Exercise("chunking")
    blocks = answer_value(ex, n_blocks, "n_blocks")
    megabytes = answer_value(ex, block_megabytes, "block_megabytes")
    sent = answer_value(ex, bytes_sent, "bytes_sent")
    want_blocks, want_mb, want_sent = chunking_facts()
    if not ex.agrees(blocks, want_blocks, rtol=0, atol=1e-9):
        ex.name_mistake(
            blocks,
            [
                (
                    CHUNK_N // CHUNK_ROWS,
                    "you rounded down; the last, smaller block of the remaining rows counts too",
                    "blocks_floor",
                ),
                (
                    CHUNK_N / CHUNK_ROWS,
                    "a number of blocks is a whole number: the last block is smaller",
                    "blocks_fraction",
                ),
            ],
            f"n_blocks = {blocks:g}",
            rtol=0,
            atol=1e-6,
        )
        ex.fail(
            f"n_blocks = {blocks:g} is not what dask makes of chunks=({CHUNK_ROWS}, {CHUNK_D}) for "
            f"{CHUNK_N} rows: divide and round up.",
            "blocks_wrong",
        )
    if not ex.agrees(megabytes, want_mb, rtol=1e-3, atol=0):
        ex.name_mistake(
            megabytes,
            [
                (
                    want_mb / CHUNK_D,
                    "you counted one number per row; each row holds d = 3 coordinates",
                    "mb_one_column",
                ),
                (want_mb / 2, "dask's zeros are float64, 8 bytes each, not 4", "mb_float32"),
                (CHUNK_N * CHUNK_D * 8 / 1e6, "that is the whole array; a worker holds one block", "mb_whole"),
                (want_mb * 1e6 / 2**20, "that is in MiB (2^20 bytes); give megabytes, 10^6 bytes", "mb_mebibytes"),
            ],
            f"block_megabytes = {megabytes:g}",
            rtol=1e-3,
            atol=0,
        )
        ex.fail(
            f"block_megabytes = {megabytes:g} is not the size of the largest block. How many rows does the "
            "largest block hold, how many numbers is that, and how many bytes does one float64 take?",
            "mb_wrong",
        )
    if not ex.agrees(sent, want_sent, rtol=0, atol=1e-9):
        k, d, b = CHUNK_K, CHUNK_D, want_blocks
        per_block = 1 + k + k * d + k * d * d + 1
        ex.name_mistake(
            sent,
            [
                (per_block * 8, "that is what one block sends; every block sends its own Statistics", "sent_one_block"),
                (b * per_block, "that counts numbers; each float64 is 8 bytes", "sent_numbers"),
                (
                    b * (1 + k + k * d + k * d * (d + 1) // 2 + 1) * 8,
                    "that counts each symmetric scatter as d(d+1)/2 numbers; "
                    "Statistics stores the full (K, d, d) array",
                    "sent_symmetric",
                ),
                (b * (1 + k + k * d + 1) * 8, "the scatters are missing: the covariances need them", "sent_no_scatter"),
                (CHUNK_N * k * 8, "that is the responsibility table, which never leaves the workers", "sent_resp"),
                (
                    b * (k + k * d + k * d * d) * 8,
                    "add each block's count of points and its log-likelihood (the stopping rule needs it)",
                    "sent_no_counts",
                ),
            ],
            f"bytes_sent = {sent:g}",
            rtol=0,
            atol=1e-9,
        )
        ex.fail(
            f"bytes_sent = {sent:g} is not what the blocks' Statistics weigh together for K = {CHUNK_K}, "
            f"d = {CHUNK_D}: count the numbers in one block's Statistics, then the blocks and the bytes.",
            "sent_wrong",
        )
    ex.passed(
        f"{want_blocks} blocks (the largest {want_mb:g} MB, the last one smaller), and {want_sent:g} bytes sent "
        f"in one pass, against {CHUNK_N * CHUNK_D * 8 / 1e6:g} MB of data"
    )


# ---------------------------------------------------------------- exercise 4: a step-size schedule

STEP_N, STEP_BATCH, STEP_EPOCHS = 20_000, 200, 3
STEP_UPDATES = STEP_EPOCHS * (STEP_N // STEP_BATCH)  # t = 0, 1, ... for every batch after the first
TAIL = np.array([1e4, 1e6, 1e8])
SHORTFALL = 0.01  # nats per point, the band stepwise EM must end in


def step_problem():
    """The data and start of exercise 4 (the notebook shows the same): 20 000 points of 3 overlapping components."""
    truth = mixture.GMM(
        [0.4, 0.35, 0.25],
        [[0.0, 0.0], [2.5, 0.5], [0.8, 2.6]],
        [np.eye(2) * 0.6, [[0.9, 0.3], [0.3, 0.5]], np.eye(2) * 0.4],
    )
    X, _ = mixture.sample(truth, STEP_N, rng=np.random.default_rng(1212))
    start = em.initial_gmm(X, 3, rng=3)
    return X, start


def _stepwise_shortfall(etas):
    X, start = step_problem()
    batch = em.fit_em(X, start, max_iter=500, tol=1e-10).history[-1] / STEP_N
    online = scale.fit_em_online(
        X,
        start,
        batch_size=STEP_BATCH,
        step_size=lambda t: float(etas[t]),
        n_epochs=STEP_EPOCHS,
        tol=0,
        rng=np.random.default_rng(5),
    )
    return batch - online.history[-1] / STEP_N


@exercise_check
def check_step_size(step_size, hidden=False):
    """step_size(t) -> eta_t for an integer array t >= 0: in (0, 1], Robbins-Monro, and stepwise EM converging."""
    ex = Exercise("step_size")
    t = np.arange(STEP_UPDATES, dtype=float)
    raw = ex.call(step_size, t, case=f"t = np.arange({STEP_UPDATES}.0)")
    etas = np.asarray(raw, dtype=float) if raw is not None else None
    if etas is None or etas.shape != t.shape:
        shape = None if etas is None else etas.shape
        ex.fail(
            f"step_size(t) for an array t of shape {t.shape} returned shape {shape}: return one step size "
            "per t (numpy operations on t work elementwise).",
            "not_vectorised",
        )
    if not ex.holds(np.all(np.isfinite(etas)) and np.all(etas > 0) and np.all(etas <= 1)):
        bad = int(np.flatnonzero(~(np.isfinite(etas) & (etas > 0) & (etas <= 1)))[0])
        ex.fail(
            f"step_size({bad}) = {etas[bad]:.4g}; every step must be in (0, 1]: s is then a weighted average "
            "of the old statistics and the batch's. The first t is 0.",
            "out_of_range",
        )
    tail_raw = ex.call(step_size, TAIL, case=f"t = {TAIL.tolist()}")
    tail = ex.array(tail_raw, TAIL.shape, f"step_size({TAIL.tolist()})")
    if not ex.holds(np.all(tail > 0)):
        ex.fail("your steps reach 0 by t = 10^4: then sum eta_t is finite and the statistics stop moving.", "too_fast")
    alpha = -np.log10(tail[2] / tail[1]) / 2  # the decay exponent between t = 10^6 and 10^8
    if alpha < 0.02:
        ex.fail(
            f"your steps do not shrink (eta at t = 10^8 is {tail[2]:.3g}): sum eta_t^2 is infinite, so the "
            "noise of each mini-batch never dies out and the mixture keeps jittering.",
            "constant",
        )
    if alpha <= 0.505:
        ex.fail(
            f"between t = 10^6 and 10^8 your steps shrink like t^-{alpha:.3f}: with an exponent of 1/2 (or less), "
            "sum eta_t^2 diverges (for 1/2 it is the harmonic series), so the noise does not die out. Any "
            "exponent strictly above 1/2 is enough.",
            "too_slow_decay",
        )
    if alpha > 1.01:
        ex.fail(
            f"between t = 10^6 and 10^8 your steps shrink like t^-{alpha:.2f}, faster than 1/t: a power above 1 "
            "has a finite sum, so the statistics can stop before they reach the optimum. (A tail like "
            "1/(t log t) still diverges, but more slowly than any power; choose a power between 1/2 and 1.)",
            "too_fast",
        )
    if ex.holds(np.allclose(etas, scale.default_step_size(np.arange(STEP_UPDATES)), rtol=1e-9, atol=0)):
        ex.fail(
            "that is the package's default (t + 2)^-0.6, which the lesson ran: make your own choice of "
            "exponent and offset, and say why in a comment.",
            "uses_default",
        )
    shortfall = _stepwise_shortfall(etas)
    if shortfall > SHORTFALL:
        if alpha > 0.8:
            why = (
                f"your late steps shrink too fast (exponent {alpha:.2f}): at exponent 1, eta_t = 1/(t + 1), the "
                "running statistics are the plain average of every batch so far, the early ones computed under "
                "a poor mixture included, forgotten only like 1/t; near 1 it is much the same. Try an exponent "
                "closer to 1/2."
            )
        else:
            why = (
                f"your first step is eta_0 = {etas[0]:.3g}: small first steps keep the statistics of the first "
                "batch, computed under the poor starting mixture, for many batches. Try larger early steps."
            )
        ex.fail(
            f"your schedule meets the conditions, but after {STEP_EPOCHS} passes stepwise EM is {shortfall:.3f} "
            f"nats per point below batch EM (the band is {SHORTFALL}). The conditions are about the limit; "
            + why,
            "not_converged",
        )
    ex.passed(
        f"exponent {alpha:.2f}, stepwise EM {shortfall:.4f} nats per point from batch EM after {STEP_EPOCHS} passes"
    )


# ---------------------------------------------------------------- exercise 5: map-reduce of the log-likelihood

LL_GMM = (
    np.array([0.5, 0.3, 0.2]),
    np.array([[0.0, 0.0], [3.0, 1.0], [-1.0, 3.0]]),
    np.array([np.eye(2), [[1.0, 0.4], [0.4, 0.6]], np.eye(2) * 0.3]),
)


def _reference_ll(X, weights, means, covs):
    if len(X) == 0:
        return 0.0
    a = np.column_stack(
        [
            np.log(w) + stats.multivariate_normal(m, c).logpdf(X).reshape(-1)
            for w, m, c in zip(weights, means, covs, strict=True)
        ]
    )
    return float(special.logsumexp(a, axis=1).sum())


def _ll_cases(hidden):
    rng = np.random.default_rng(55)
    X = rng.normal(size=(40, 2)) * 2
    gmm1d = (np.array([0.6, 0.4]), np.array([[-1.0], [2.0]]), np.array([[[0.5]], [[1.5]]]))
    visible = [
        (X, LL_GMM, "40 points, K = 3"),
        (X + 300.0, LL_GMM, "points 300 units from every component"),
        (np.zeros((0, 2)), LL_GMM, "an empty block (0 rows)"),
    ]
    hidden_extra = [
        (X[:1], LL_GMM, "a single point"),
        (rng.normal(size=(15, 1)), gmm1d, "d = 1"),
    ]
    return cases_for(visible, hidden_extra, hidden)


REDUCE_VISIBLE = [([(-1234.5, 400), (0.0, 0), (-77.25, 30), (-5021.0, 1500)], "four blocks, one of them empty")]
REDUCE_HIDDEN = [([(-3.5, 1)], "a single block of one point"), ([(-10.0, 5), (-2000.0, 500)], "two blocks")]


@exercise_check
def check_block_log_likelihood(block_log_likelihood, hidden=False):
    """block_log_likelihood(X_block, weights, means, covs) -> the float sum over the block of log p(x_n)."""
    ex = Exercise("block_log_likelihood")
    forbid(ex, block_log_likelihood, [em.e_step, scale.block_statistics, mixture.log_likelihood, mixture.log_density])
    for X, (w, m, c), case in _ll_cases(hidden):
        want = _reference_ll(X, w, m, c)
        raw = ex.call(block_log_likelihood, X, w, m, c, case=case)
        if raw is None:
            ex.fail(f"on {case} your function returned None; did you forget `return`?", "returned_none")
        try:
            got = float(raw)
        except (TypeError, ValueError):
            ex.fail(
                f"on {case} your function should return one number, the block's log-likelihood; got "
                f"{type(raw).__name__} of shape {np.shape(raw)}.",
                "not_a_number",
            )
        if np.isneginf(got) or np.isnan(got):
            ex.fail(
                f"on {case} your log-likelihood is {got}: far from every component each pi_k N(x | mu_k, "
                "Sigma_k) underflows to 0 and log 0 = -inf. Stay in log space: log-sum-exp over k of "
                "log pi_k + log N(x | mu_k, Sigma_k).",
                "underflow",
            )
        got = ex.number(got, f"your log-likelihood on {case}")
        if ex.agrees(got, want, rtol=1e-9, atol=1e-9):
            continue
        ex.name_mistake(
            got,
            [
                (
                    want / max(len(X), 1),
                    "you averaged over the points of the block; the reduce needs the sum",
                    "averaged",
                ),
                (_reference_ll(X, np.ones_like(w), m, c), "the weights pi_k are missing", "no_weights"),
            ],
            f"on {case} your log-likelihood {got:.6g}",
            rtol=1e-9,
            atol=1e-9,
        )
        ex.fail(
            f"on {case} your log-likelihood is {got:.6g}; the sum over the block of log p(x_n) is {want:.6g}.",
            "block_wrong",
        )
    ex.passed("stable 300 units from the components, 0 for an empty block" + (", d = 1" if hidden else ""))


@exercise_check
def check_per_point(per_point, hidden=False):
    """per_point(pairs) -> ell / N from a list of (block log-likelihood, block's number of points) pairs."""
    ex = Exercise("per_point")
    for pairs, case in cases_for(REDUCE_VISIBLE, REDUCE_HIDDEN, hidden):
        want = sum(ll for ll, _ in pairs) / sum(mb for _, mb in pairs)
        got = ex.number(ex.call(per_point, list(pairs), case=case), f"your per_point on {case}")
        if ex.agrees(got, want, rtol=1e-12, atol=0):
            continue
        nonempty = [(ll, mb) for ll, mb in pairs if mb > 0]
        ex.name_mistake(
            got,
            [
                (
                    np.mean([ll / mb for ll, mb in nonempty]),
                    "you averaged the blocks' averages, so blocks of "
                    "different sizes count equally. Sum the log-likelihoods and divide by the total number of points",
                    "mean_of_means",
                ),
                (sum(ll for ll, _ in pairs), "that is the total log-likelihood; divide it by N", "not_divided"),
                (
                    sum(ll for ll, _ in pairs) / len(pairs),
                    "you divided by the number of blocks, not by the number of points",
                    "by_blocks",
                ),
            ],
            f"on {case} your per_point {got:.6g}",
            rtol=1e-9,
            atol=0,
        )
        ex.fail(f"on {case} your per_point is {got:.6g}; the log-likelihood per point is {want:.6g}.", "reduce_wrong")
    ex.passed("an empty block counts for nothing, and big blocks count more")


# ---------------------------------------------------------------- the mistakes, as data

_SUMS = "1. The M-step needs only sums over the points"
_BLOCK = "2. What one block sends"
_MERGE = "3. Merging two blocks: the pairwise formula"
_RAW = "4. Why not $\\sum r x x^\\top - N \\mu\\mu^\\top$"
_MAPREDUCE = "6. One iteration is a map-reduce"
_MEMORY = "9. Memory: a fixed few blocks, not the data"
_STEPWISE = "11. Stepwise (online) EM on mini-batches"


def _ids(check, section, keys):
    return {f"{check}.{key}": section for key in keys}


# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/12_em_at_scale that explains it (tests/test_mistakes_lesson12.py makes each)
MISTAKES = {
    **_ids(
        "block_statistics",
        _SUMS,
        (
            "uses_reference",
            "not_a_triple",
            "nk_axis",
            "nk_wrong",
            "mean_sums",
            "unweighted_mean",
            "mean_by_m",
            "means_wrong",
            "raw_scatter",
            "covariance",
            "unweighted_centre",
            "scatters_wrong",
            "transposed",
            "wrong_shape",
            "not_an_array",
            "nan",
        ),
    ),
    "block_statistics.raw_minus_square": _RAW,
    **_ids(
        "remove",
        _MERGE,
        (
            "uses_reference",
            "not_a_triple",
            "not_a_number",
            "not_finite",
            "count",
            "unweighted_mean",
            "mean_factor",
            "mean_sum",
            "mean_wrong",
            "no_cross_term",
            "sign",
            "merge_factor",
            "factor_nb",
            "scatter_wrong",
            "wrong_shape",
            "not_an_array",
            "nan",
        ),
    ),
    "remove.cancellation": _RAW,
    **_ids(
        "chunking",
        _BLOCK,
        (
            "returned_none",
            "not_a_number",
            "not_finite",
            "sent_one_block",
            "sent_numbers",
            "sent_symmetric",
            "sent_no_scatter",
            "sent_resp",
            "sent_no_counts",
            "sent_wrong",
        ),
    ),
    **_ids(
        "chunking",
        _MEMORY,
        (
            "blocks_floor",
            "blocks_fraction",
            "blocks_wrong",
            "mb_one_column",
            "mb_float32",
            "mb_whole",
            "mb_mebibytes",
            "mb_wrong",
        ),
    ),
    **_ids(
        "step_size",
        _STEPWISE,
        (
            "not_vectorised",
            "out_of_range",
            "too_fast",
            "constant",
            "too_slow_decay",
            "not_converged",
            "uses_default",
            "wrong_shape",
            "not_an_array",
            "nan",
        ),
    ),
    **_ids(
        "block_log_likelihood",
        _MAPREDUCE,
        (
            "uses_reference",
            "returned_none",
            "not_a_number",
            "not_finite",
            "underflow",
            "averaged",
            "no_weights",
            "block_wrong",
        ),
    ),
    **_ids(
        "per_point",
        _MAPREDUCE,
        ("not_a_number", "not_finite", "mean_of_means", "not_divided", "by_blocks", "reduce_wrong"),
    ),
}
