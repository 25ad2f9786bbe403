"""EM at scale: the same EM as `coursepkg.em.fit_em`, on a Dask array, as a map-reduce.

The M-step needs, per component k, only sums over the points: N_k = sum_n r_nk, the weighted mean
mu_k = sum_n r_nk x_n / N_k and the centred scatter S_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T.
So one EM iteration is one pass over the data:

- **map**: each block of rows gives its own `Statistics` (`block_statistics`): its number of points,
  N_k, its weighted mean, its scatter about *its own* weighted mean (k + k d + k d^2 numbers), and
  its log-likelihood, computed with the package's E-step (Cholesky factors, log-sum-exp);
- **reduce**: a pairwise tree of `combine` calls merges the blocks with the stable formula of Chan,
  Golub and LeVeque: N = Na + Nb, mu = mu_a + (Nb / N) delta, S = Sa + Sb + (Na Nb / N) delta delta^T,
  delta = mu_b - mu_a. Never sum r x x^T - N mu mu^T: for data far from the origin that difference
  of two huge numbers loses every digit of the covariance;
- the M-step (`m_step_from_statistics`) turns the combined statistics into the next mixture, exactly
  as `coursepkg.em.m_step` does for each covariance type.

Only the statistics travel: a block is read (or made) by a worker, reduced there to k + k d + k d^2
numbers, and dropped. The data are never gathered on one machine.

`fit_em_online` is stepwise (online) EM: running statistics s <- (1 - eta_t) s + eta_t s_batch after
each mini-batch, followed by the M-step.
"""

import contextlib
import logging
import tracemalloc
import uuid
from typing import NamedTuple

import numpy as np

from . import em
from ._validation import check_n_components, check_nonnegative, check_positive_int, check_rng
from .em import (
    EMResult,
    check_init,
    gmm_from_scatter,
    has_converged,
    initial_gmm,
)
from .mixture import GMM, check_covariance_type

# What EM adds to N_k so that an empty component gives 0 / eps, not 0 / 0 (the same number as em.py).
EMPTY_GUARD = em.EMPTY_GUARD

# How many rows `fit_em_dask` gathers at most to choose the starting means when given k.
INIT_SAMPLE = 10_000

SCHEDULERS = ("synchronous", "threads")


class Statistics(NamedTuple):
    """The expected sufficient statistics of a set of points under one mixture (a block, or many combined).

    Attributes
    ----------
    n : float, the number of points
    nk : array (k,), N_k = sum_n r_nk, the effective number of points of each component
    means : array (k, d), the weighted means sum_n r_nk x_n / N_k (0 where N_k = 0)
    scatters : array (k, d, d), the centred scatters sum_n r_nk (x_n - mean_k)(x_n - mean_k)^T about
        those means
    log_likelihood : float, sum_n log p(x_n | gmm)
    """

    n: float
    nk: np.ndarray
    means: np.ndarray
    scatters: np.ndarray
    log_likelihood: float


def statistics_from_resp(X, resp, log_likelihood=0.0):
    """The `Statistics` of points X (m, d) with responsibilities resp (m, k), computed directly.

    Parameters
    ----------
    X : float array of shape (m, d), m >= 0
    resp : float array of shape (m, k)
    log_likelihood : float, stored as is

    Returns
    -------
    Statistics with n = m, nk (k,), means (k, d), scatters (k, d, d) (centred: about each weighted mean)
    """
    m, d = X.shape
    k = resp.shape[1]
    nk = resp.sum(axis=0)
    safe = np.where(nk > 0, nk, 1.0)
    means = (resp.T @ X) / safe[:, None]
    scatters = np.zeros((k, d, d))
    for rows in em.row_blocks(m, k * d):
        X_block, resp_block = X[rows], resp[rows]
        for j in range(k):
            diff = X_block - means[j]
            scatters[j] += (resp_block[:, j, None] * diff).T @ diff
    scatters = (scatters + scatters.transpose(0, 2, 1)) / 2
    return Statistics(float(m), nk, means, scatters, float(log_likelihood))


def block_statistics(X_block, gmm):
    """The map step: the E-step on one block of rows, reduced to its expected sufficient statistics.

    Parameters
    ----------
    X_block : float array of shape (m, d), m >= 0 (finite; not checked here, see `fit_em_dask`)
    gmm : GMM with k components in d dimensions, the current parameters

    Returns
    -------
    Statistics with
        n : float, m
        nk : (k,), N_k = sum_n r_nk over the block
        means : (k, d), the block's weighted means
        scatters : (k, d, d), the block's centred weighted scatters about those means
        log_likelihood : float, sum over the block of log p(x_n | gmm)
    That is k + k d + k d^2 + 2 numbers, whatever m is. The responsibilities come from
    `coursepkg.em`'s E-step (Cholesky factors, log-sum-exp), row sub-block by sub-block.
    """
    X_block = np.asarray(X_block, dtype=float)
    if X_block.shape[0] == 0:
        return Statistics(0.0, np.zeros(gmm.k), np.zeros((gmm.k, gmm.d)), np.zeros((gmm.k, gmm.d, gmm.d)), 0.0)
    resp, log_likelihood = em.e_step(X_block, gmm)
    return statistics_from_resp(X_block, resp, log_likelihood)


def combine(stats_a, stats_b):
    """The reduce step: the statistics of the union of two disjoint sets of points (Chan et al.).

    With delta = mean_b - mean_a and N = Na + Nb, per component:
        N_k = Na + Nb,  mean = mean_a + (Nb / N) delta,  S = Sa + Sb + (Na Nb / N) delta delta^T.
    Only differences of means enter, never sum r x x^T - N mu mu^T, so no digits are lost for data far
    from the origin. Associative and commutative up to rounding: any tree of combines over any split of
    the data gives the statistics of all of it.

    Parameters
    ----------
    stats_a, stats_b : Statistics (n, nk (k,), means (k, d), scatters (k, d, d), log_likelihood)

    Returns
    -------
    Statistics of the same shapes; n and log_likelihood are the sums
    """
    na, nb = stats_a.nk, stats_b.nk
    n = na + nb
    positive = n > 0
    frac = np.divide(nb, n, out=np.zeros_like(n), where=positive)  # Nb / N
    weight = np.divide(na * nb, n, out=np.zeros_like(n), where=positive)  # Na Nb / N
    delta = stats_b.means - stats_a.means
    means = stats_a.means + frac[:, None] * delta
    scatters = stats_a.scatters + stats_b.scatters + weight[:, None, None] * (delta[:, :, None] * delta[:, None, :])
    return Statistics(stats_a.n + stats_b.n, n, means, scatters, stats_a.log_likelihood + stats_b.log_likelihood)


def scale_statistics(stats, factor):
    """The statistics with every count (n, N_k, the scatters, the log-likelihood) times `factor`; means kept."""
    return Statistics(
        stats.n * factor, stats.nk * factor, stats.means, stats.scatters * factor, stats.log_likelihood * factor
    )


def m_step_from_statistics(stats, reg_covar=1e-6, covariance_type="full", iteration=None):
    """The M-step from combined statistics: the same mixture as `coursepkg.em.m_step` on the same points.

    Parameters
    ----------
    stats : Statistics of all the points (n, nk (k,), means (k, d), scatters (k, d, d))
    reg_covar : float >= 0, default 1e-6, added to the diagonal of each covariance
    covariance_type : one of "full", "diag", "spherical", "tied" (see `coursepkg.em.m_step`)
    iteration : int or None, named in a SingularCovarianceError

    Returns
    -------
    GMM with weights (N_k + eps) / n, means, and covariances of the type's structure, (k, d, d)

    Raises
    ------
    SingularCovarianceError (a ValueError) when a covariance is numerically singular.
    """
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    check_covariance_type(covariance_type)
    nk = stats.nk + EMPTY_GUARD  # as em.m_step: an empty component gets weight ~0, mean 0, covariance reg_covar I
    means = stats.means * (stats.nk / nk)[:, None]  # sum r x / (N_k + eps), as em.m_step
    if covariance_type == "tied":
        scatter = stats.scatters.sum(axis=0)  # the pooled scatter sum_k S_k
    elif covariance_type == "full":
        scatter = stats.scatters
    else:
        scatter = np.diagonal(stats.scatters, axis1=1, axis2=2)  # diag and spherical need only diag(S_k)
    return gmm_from_scatter(nk / stats.n, means, nk, scatter, reg_covar, covariance_type, iteration)


# ---------------------------------------------------------------- the Dask side


def _block_task(block, gmm, offset, index, d):
    """block_statistics on block `index` (rows offset...), after checking it lazily: shape and finiteness."""
    block = np.asarray(block, dtype=float)
    if block.ndim != 2 or block.shape[1] != d:
        raise ValueError(f"X: block {index} (rows from {offset}) has shape {block.shape}; expected (rows, {d}).")
    finite = np.isfinite(block)
    if not finite.all():
        r, c = np.argwhere(~finite)[0]
        raise ValueError(
            f"X must contain only finite numbers; got {block[r, c]} at row {offset + r}, column {c} (block {index}). "
            "Remove or impute missing values first (e.g. X[da.isfinite(X).all(axis=1)])."
        )
    return block_statistics(block, gmm)


def _tree_reduce(items, name):
    """A balanced binary tree of delayed `combine` calls over a list of delayed Statistics."""
    import dask

    level = 0
    while len(items) > 1:
        paired = []
        for i in range(0, len(items) - 1, 2):
            key = f"{name}-combine-{level}-{i // 2}"
            paired.append(dask.delayed(combine, pure=True)(items[i], items[i + 1], dask_key_name=key))
        if len(items) % 2:
            paired.append(items[-1])
        items = paired
        level += 1
    return items[0]


def statistics_graph(X, gmm):
    """The delayed map-reduce of one EM pass: a `dask.delayed` object whose result is the `Statistics` of X.

    Parameters
    ----------
    X : dask array (n, d), chunked along rows only
    gmm : GMM in d dimensions

    Returns
    -------
    dask.delayed.Delayed; .compute() gives Statistics. Each task reads one block of X (`block_statistics`)
    or combines two Statistics: no task ever takes two blocks of X.
    """
    import dask

    name = f"em-pass-{uuid.uuid4().hex[:12]}"
    gmm_task = dask.delayed(gmm, name=f"{name}-gmm")
    blocks = X.to_delayed().ravel()
    offsets = np.concatenate([[0], np.cumsum(X.chunks[0])])
    d = X.shape[1]
    mapped = [
        dask.delayed(_block_task, pure=True)(b, gmm_task, int(offsets[i]), i, d, dask_key_name=f"{name}-block-{i}")
        for i, b in enumerate(blocks)
    ]
    return _tree_reduce(mapped, name)


def check_dask_array(X, name="X"):
    """Return X if it is a 2-D real dask array of known shape, chunked along rows only; else raise a ValueError."""
    import dask.array as da

    if not isinstance(X, da.Array):
        raise ValueError(
            f"{name} must be a dask.array.Array of shape (n, d); got {type(X).__name__}. Wrap an array with "
            f"dask.array.from_array({name}, chunks=(rows_per_block, -1)), "
            "or use coursepkg.em.fit_em for data in memory."
        )
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D dask array of shape (n_samples, n_features); got {X.ndim}-D, shape {X.shape}."
        )
    if np.isnan(X.shape[0]) or any(np.isnan(c) for c in X.chunks[0]):
        raise ValueError(
            f"{name} has unknown block sizes (shape {X.shape}); call {name} = {name}.compute_chunk_sizes() first "
            "(EM needs n for the weights and the stopping rule)."
        )
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must hold at least one point with at least one feature; got shape {X.shape}.")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers; got dtype {X.dtype}.")
    if len(X.chunks[1]) != 1:
        raise ValueError(
            f"{name} must be chunked along rows only (each block holds whole points, all {X.shape[1]} features); "
            f"got {len(X.chunks[1])} column blocks {X.chunks[1]}. Rechunk with {name} = {name}.rechunk({{1: -1}})."
        )
    return X


class _Runner(NamedTuple):
    compute: object  # delayed -> its value
    persist: object  # dask array -> the same array, its blocks held in (the workers') memory


@contextlib.contextmanager
def compute_with(client=None, address=None, scheduler=None, n_workers=2, processes=False):
    """Where the passes run, as a context manager giving `.compute(delayed) -> value` and `.persist(array)`.

    - `scheduler="synchronous"` (one thread, for debugging with pdb) or `"threads"`: plain dask, no cluster;
    - `client=`: a `distributed.Client` of the caller's (left open);
    - `address=`: a scheduler's address ("tcp://host:8786"); a client is opened and closed;
    - none of these: a `distributed.LocalCluster(n_workers, threads_per_worker=1, processes=processes)`
      and a client on it are started, and closed on exit.
    """
    given = [name for name, value in (("client", client), ("address", address), ("scheduler", scheduler)) if value]
    if len(given) > 1:
        raise ValueError(f"give at most one of client, address and scheduler; got {', '.join(given)}.")
    if scheduler is not None:
        if scheduler not in SCHEDULERS:
            raise ValueError(f"scheduler must be None or one of {SCHEDULERS}; got {scheduler!r}.")
        yield _Runner(lambda obj: obj.compute(scheduler=scheduler), lambda X: X.persist(scheduler=scheduler))
        return
    from distributed import Client, LocalCluster

    if client is not None:
        if not isinstance(client, Client):
            raise ValueError(f"client must be a distributed.Client; got {type(client).__name__}.")
        yield _Runner(lambda obj: client.compute(obj).result(), client.persist)
        return
    if address is not None:
        with Client(address) as own:
            yield _Runner(lambda obj: own.compute(obj).result(), own.persist)
        return
    n_workers = check_positive_int(n_workers, "n_workers")
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=bool(processes),
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as own,
    ):
        yield _Runner(lambda obj: own.compute(obj).result(), own.persist)


def _lazy_resp(X, gmm):
    """The responsibilities of X under gmm as a lazy dask array (n, k), chunked as X's rows."""
    return X.map_blocks(
        lambda block: em.e_step(np.asarray(block, dtype=float), gmm)[0],
        chunks=(X.chunks[0], (gmm.k,)),
        dtype=float,
        meta=np.empty((0, 0)),
    )


def _initial_sample(X, rng, size, compute):
    n = X.shape[0]
    if n <= size:
        return np.asarray(compute(X), dtype=float)  # all of it, in order: the start fit_em takes
    rows = np.sort(rng.choice(n, size=size, replace=False))
    return np.asarray(compute(X[rows]), dtype=float)


def fit_em_dask(
    X,
    k_or_initial_gmm,
    max_iter=100,
    tol=1e-6,
    reg_covar=1e-6,
    rng=None,
    init="k-means++",
    client=None,
    covariance_type=None,
    address=None,
    scheduler=None,
    n_workers=2,
    processes=False,
    init_sample=INIT_SAMPLE,
    persist=False,
):
    """Fit a Gaussian mixture by EM on a Dask array: each iteration one map-reduce pass over the blocks.

    From the same start, every iteration equals `coursepkg.em.fit_em`'s to rounding (the same E-step
    and M-step formulas, the same stopping rule `coursepkg.em.has_converged`, summed in another order).

    Parameters
    ----------
    X : dask.array.Array of shape (n, d), chunked along rows only (each block whole points); blocks may be
        made or read on the fly (e.g. `dask.array.map_blocks` of a loader), so X need not fit in memory.
        Checked for finite values lazily, block by block, in the first pass.
    k_or_initial_gmm : int or GMM. A GMM is the start itself. An int k starts from
        `coursepkg.em.initial_gmm` on a sample of at most `init_sample` rows (drawn with `rng`); when
        n <= init_sample that sample is all of X, in order, and the start is fit_em's.
    max_iter : int >= 1, default 100, the most M-steps
    tol : float >= 0, default 1e-6, stop when the log-likelihood gains less than tol per point
    reg_covar : float >= 0, default 1e-6, added to each covariance diagonal
    rng : None, int or numpy.random.Generator, the randomness of the initialisation
    init : one of coursepkg.em.INIT_METHODS, default "k-means++" (see `initial_gmm`)
    client : None or a distributed.Client to run on (left open)
    covariance_type : None or one of "full", "diag", "spherical", "tied", as in `fit_em`
    address : None or a scheduler address; a client to it is opened and closed
    scheduler : None, "synchronous" (for debugging) or "threads": plain dask, no cluster
    n_workers : int, default 2, workers of the LocalCluster started when none of client, address and
        scheduler is given (threads_per_worker=1, closed before returning)
    processes : bool, default False, whether that LocalCluster's workers are processes. Threads share the
        memory of the caller (numpy releases the GIL in its products); processes are separate machines in
        miniature, but then in-memory data (`from_array`) is sent to them on every pass.
    init_sample : int >= k, default 10_000, the most rows gathered to choose the start when given k
    persist : bool, default False, keep X's blocks in the workers' memory between passes (only when it
        fits there: reading or generating each block again is what lets X exceed memory)

    Returns
    -------
    EMResult with .gmm, .history (n_iter + 1,) the log-likelihood after each M-step, .n_iter, .converged,
    and .resp a *lazy* dask array (n, k) of the responsibilities under .gmm, chunked as X: nothing is
    computed (or held) until you ask, e.g. `result.resp[:5].compute()`, or store it block by block with
    `dask.array.to_zarr`. (An (n, k) numpy array would not fit in memory when X does not.)

    Raises
    ------
    ValueError for bad arguments (naming them), a block with non-finite values (naming its row and column),
    SingularCovarianceError when a covariance collapses.
    """
    X = check_dask_array(X)
    n, d = X.shape
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_nonnegative(tol, "tol")
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    if isinstance(k_or_initial_gmm, GMM):
        start = k_or_initial_gmm
        if start.d != d:
            raise ValueError(
                f"X has {d} features per point but k_or_initial_gmm has dimension d={start.d}; "
                f"X must have shape (n, {start.d})."
            )
        check_n_components(start.k, n, name="k_or_initial_gmm.k")
        covariance_type = em.start_covariance_type(start, covariance_type, "k_or_initial_gmm")
        k = None
    else:
        covariance_type = "full" if covariance_type is None else check_covariance_type(covariance_type)
        check_init(init)
        k = check_n_components(k_or_initial_gmm, n, name="k_or_initial_gmm")
        rng = check_rng(rng)
        init_sample = check_positive_int(init_sample, "init_sample")
        if init_sample < k:
            raise ValueError(
                f"init_sample must be at least k={k} (the rows the start is chosen from); got {init_sample}."
            )
    source = X  # the lazy responsibilities are built on X itself, not on blocks held by a cluster that may close
    with compute_with(client, address, scheduler, n_workers, processes) as runner:
        compute = runner.compute
        if persist:
            X = runner.persist(X)
        if k is not None:
            sample = _initial_sample(X, rng, init_sample, compute)
            start = initial_gmm(sample, k, init=init, rng=rng, reg_covar=reg_covar, covariance_type=covariance_type)
        gmm = start
        stats = compute(statistics_graph(X, gmm))
        history = [stats.log_likelihood]
        converged = False
        for t in range(1, max_iter + 1):
            gmm = m_step_from_statistics(stats, reg_covar, covariance_type, iteration=t)
            stats = compute(statistics_graph(X, gmm))
            history.append(stats.log_likelihood)
            if has_converged(history[-2], history[-1], n, tol):
                converged = True
                break
    return EMResult(gmm, _lazy_resp(source, gmm), np.array(history), len(history) - 1, converged)


# ---------------------------------------------------------------- memory, measured


def measure_pass_memory(X, gmm):
    """Run one EM pass over X on the synchronous scheduler and measure the peak memory it allocates.

    Python's `tracemalloc` sees numpy's buffers, so its peak is the most memory (blocks, responsibilities,
    temporaries, statistics) alive at once while the pass ran, in one process, blocks made on the fly.
    A pass over the first two rows runs first, untraced, so that one-time costs (imports, caches) are
    not counted. The blocks are what the graph of X makes them: for data made or read on the fly the
    peak should stay near one block (plus its (rows, k) responsibilities and temporaries of about
    `coursepkg.mixture.BLOCK_ELEMENTS` numbers) however many blocks there are.

    Parameters
    ----------
    X : dask array (n, d), chunked along rows only
    gmm : GMM in d dimensions

    Returns
    -------
    dict with peak_bytes, block_bytes (the largest block of X), data_bytes (all of X), n_blocks, and
    statistics (the pass's Statistics)
    """
    X = check_dask_array(X)
    statistics_graph(X[: min(2, X.shape[0])], gmm).compute(scheduler="synchronous")  # one-time imports and caches
    graph = statistics_graph(X, gmm)
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    try:
        stats = graph.compute(scheduler="synchronous")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    itemsize = 8  # blocks are read as float64
    return {
        "peak_bytes": peak - before,
        "block_bytes": max(X.chunks[0]) * X.shape[1] * itemsize,
        "data_bytes": X.shape[0] * X.shape[1] * itemsize,
        "n_blocks": len(X.chunks[0]),
        "statistics": stats,
    }


# ---------------------------------------------------------------- stepwise (online) EM


def default_step_size(t):
    """eta_t = (t + 2)^-0.6: sum eta_t = infinity and sum eta_t^2 < infinity (0.5 < 0.6 <= 1)."""
    return (t + 2) ** -0.6


def fit_em_online(
    X,
    k_or_gmm,
    batch_size,
    step_size=default_step_size,
    n_epochs=10,
    tol=1e-6,
    reg_covar=1e-6,
    rng=None,
    init="k-means++",
    covariance_type=None,
):
    """Stepwise (online) EM: after each mini-batch, s <- (1 - eta_t) s + eta_t s_batch, then the M-step.

    s holds the statistics per point (N_k / m, the means, the scatters / m) of the batches seen, weighted by
    the step sizes; a mixture of two such summaries is their `combine` with the weights (1 - eta) and eta,
    so the scatters stay centred. Each mini-batch costs one E-step on batch_size points.

    Parameters
    ----------
    X : numpy array (n, d) or dask array (n, d) chunked along rows (batches are read as row slices)
    k_or_gmm : int k (start from `initial_gmm` on the first min(n, 10_000) rows) or a GMM start
    batch_size : int >= 1, the points per mini-batch
    step_size : callable t -> eta_t in (0, 1], t = 0, 1, ... the updates after the first batch, default
        (t + 2)^-0.6
    n_epochs : int >= 1, default 10, the most passes over the data (batches in a fresh random order each)
    tol : float >= 0, stop when an epoch raises the log-likelihood by less than tol per point
    reg_covar, rng, init, covariance_type : as in `fit_em`

    Returns
    -------
    EMResult whose iterations are epochs: .history[e] the log-likelihood of all of X after e epochs
    (one extra pass each), .n_iter the epochs run, .converged, .gmm, and .resp the responsibilities
    under .gmm (a numpy array for numpy X, a lazy dask array for dask X).
    """
    import dask.array as da

    lazy = isinstance(X, da.Array)
    if lazy:
        X = check_dask_array(X)
    else:
        X = em.check_data(X)
    n, d = X.shape
    batch_size = check_positive_int(batch_size, "batch_size")
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    tol = check_nonnegative(tol, "tol")
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    if not callable(step_size):
        raise ValueError(f"step_size must be a function t -> eta_t in (0, 1]; got {type(step_size).__name__}.")
    rng = check_rng(rng)
    if isinstance(k_or_gmm, GMM):
        gmm = k_or_gmm
        if gmm.d != d:
            raise ValueError(f"X has {d} features per point but k_or_gmm has dimension d={gmm.d}.")
        covariance_type = em.start_covariance_type(gmm, covariance_type, "k_or_gmm")
    else:
        covariance_type = "full" if covariance_type is None else check_covariance_type(covariance_type)
        k = check_n_components(k_or_gmm, n, name="k_or_gmm")
        head = np.asarray(X[: min(n, INIT_SAMPLE)], dtype=float)
        gmm = initial_gmm(head, k, init=check_init(init), rng=rng, reg_covar=reg_covar, covariance_type=covariance_type)

    def batch(start):
        return np.asarray(X[start : start + batch_size], dtype=float)

    def total_log_likelihood(g):
        if lazy:
            return statistics_graph(X, g).compute(scheduler="synchronous").log_likelihood
        return em.e_step(X, g)[1]

    starts = np.arange(0, n, batch_size)
    running = None
    t = 0
    history = [total_log_likelihood(gmm)]
    converged = False
    for _ in range(n_epochs):
        for start in rng.permutation(starts):
            Xb = batch(start)
            if not np.all(np.isfinite(Xb)):
                raise ValueError(f"X must contain only finite numbers; rows {start}..{start + len(Xb) - 1} do not.")
            sb = scale_statistics(block_statistics(Xb, gmm), 1.0 / Xb.shape[0])
            if running is None:
                running = sb
            else:
                eta = float(step_size(t))
                if not 0 < eta <= 1:
                    raise ValueError(f"step_size({t}) must be in (0, 1]; got {eta}.")
                running = combine(scale_statistics(running, 1 - eta), scale_statistics(sb, eta))
                t += 1
            gmm = m_step_from_statistics(running, reg_covar, covariance_type)
        history.append(total_log_likelihood(gmm))
        if has_converged(history[-2], history[-1], n, tol):
            converged = True
            break
    resp = _lazy_resp(X, gmm) if lazy else em.e_step(X, gmm)[0]
    return EMResult(gmm, resp, np.array(history), len(history) - 1, converged)


__all__ = [
    "Statistics",
    "block_statistics",
    "combine",
    "compute_with",
    "fit_em_dask",
    "fit_em_online",
    "m_step_from_statistics",
    "measure_pass_memory",
    "scale_statistics",
    "statistics_from_resp",
    "statistics_graph",
]
