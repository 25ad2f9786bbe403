"""EM at scale (coursepkg.scale): equal to fit_em, stable reduce, nothing gathered, on a real local cluster."""

import dask
import dask.array as da
import numpy as np
import pytest
from dask.callbacks import Callback
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursepkg import datasets, em, mixture, scale
from coursepkg.mixture import COVARIANCE_TYPES, GMM

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AGREE = 1e-10  # the brief: fit_em_dask equals fit_em to 1e-10 relative at every iteration


def relative_error(actual, expected):
    expected = np.asarray(expected, dtype=float)
    return float(np.abs(np.asarray(actual) - expected).max() / max(np.abs(expected).max(), 1e-300))


def rounding_scale(X):
    """Relative rounding of centred statistics of X: eps-level, times how far X sits from the origin per spread."""
    spread = max(float(X.std(axis=0).min()), 1e-3)
    return 1e-13 * (1 + float(np.abs(X).max()) / spread) + 1e-12


def assert_stats_close(got, want, rtol):
    assert got.n == want.n
    for field in ("nk", "means", "scatters"):
        assert relative_error(getattr(got, field), getattr(want, field)) < rtol, field
    assert abs(got.log_likelihood - want.log_likelihood) <= rtol * max(abs(want.log_likelihood), 1.0)


@pytest.fixture(scope="module")
def problem():
    X, _ = mixture.sample(datasets.random_gmm(3, 2, rng=1), 1500, rng=2)
    return X, em.initial_gmm(X, 3, rng=0)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    # threads, not processes: the honest cheap choice on a shared 2-core machine; the graph is the same
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as c,
    ):
        yield c


def assert_runs_agree(got, want):
    """Every iteration's log-likelihood and the final parameters agree to AGREE; the same stopping."""
    assert got.n_iter == want.n_iter and got.converged == want.converged
    per_iteration = np.abs(got.history - want.history) / np.abs(want.history)
    assert per_iteration.max() < AGREE, per_iteration.max()
    for field in ("weights", "means", "covariances"):
        assert relative_error(getattr(got.gmm, field), getattr(want.gmm, field)) < AGREE, field
    assert got.gmm.covariance_type == want.gmm.covariance_type
    return per_iteration.max()


# ---------------------------------------------------------------- equal to fit_em


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_iteration_equals_fit_em(problem, covariance_type):
    X, _ = problem
    start = em.initial_gmm(X, 3, rng=0, covariance_type=covariance_type)
    chunks = ((200, 1, 399, 300, 600),)  # uneven blocks, one of a single row
    Xd = da.from_array(X, chunks=(chunks[0], (2,)))
    for tol, max_iter in ((0.0, 25), (1e-4, 200)):  # a fixed number of steps, and the shared stopping rule
        want = em.fit_em(X, start, max_iter=max_iter, tol=tol)
        got = scale.fit_em_dask(Xd, start, max_iter=max_iter, tol=tol, scheduler="synchronous")
        assert_runs_agree(got, want)
    assert want.converged and want.n_iter < 200


def test_from_k_takes_fit_ems_start_when_the_data_fit_in_the_sample(problem):
    X, _ = problem
    Xd = da.from_array(X, chunks=(250, 2))
    want = em.fit_em(X, 3, rng=7, max_iter=40)
    got = scale.fit_em_dask(Xd, 3, rng=7, max_iter=40, scheduler="threads")
    assert_runs_agree(got, want)
    # more rows than init_sample: the start comes from a sample, the fit is still a proper EM run
    sampled = scale.fit_em_dask(Xd, 3, rng=7, max_iter=40, init_sample=300, scheduler="synchronous")
    assert np.all(np.diff(sampled.history) > -1e-9 * np.abs(sampled.history[1:]))
    assert sampled.log_likelihood > want.history[0]


def test_on_a_local_cluster_by_client_and_by_address(problem, client):
    X, start = problem
    Xd = da.from_array(X, chunks=(300, 2))
    want = em.fit_em(X, start, max_iter=15, tol=0.0)
    assert_runs_agree(scale.fit_em_dask(Xd, start, max_iter=15, tol=0.0, client=client), want)
    assert_runs_agree(scale.fit_em_dask(Xd, start, max_iter=15, tol=0.0, address=client.scheduler.address), want)
    assert_runs_agree(scale.fit_em_dask(Xd, start, max_iter=15, tol=0.0, client=client, persist=True), want)
    assert not client.status == "closed"  # the caller's client is left open


def test_starts_and_closes_its_own_local_cluster_by_default(problem, monkeypatch):
    from distributed import Client, LocalCluster

    started = []

    class Recorded(LocalCluster):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append((self, kwargs))

    monkeypatch.setattr("distributed.LocalCluster", Recorded)
    X, start = problem
    Xd = da.from_array(X, chunks=(500, 2))
    want = em.fit_em(X, start, max_iter=5, tol=0.0)
    got = scale.fit_em_dask(Xd, start, max_iter=5, tol=0.0, n_workers=1, persist=True)
    assert_runs_agree(got, want)
    [(cluster, kwargs)] = started
    assert kwargs["n_workers"] == 1 and kwargs["threads_per_worker"] == 1 and kwargs["processes"] is False
    assert cluster.status.name == "closed"
    assert Client  # the function opened its own client on that cluster and closed both
    # the lazy responsibilities do not need that cluster (they read X, not the blocks it held)
    np.testing.assert_allclose(got.resp[:50].compute(scheduler="synchronous"), want.resp[:50], rtol=0, atol=1e-10)


def test_responsibilities_are_lazy_and_equal_fit_ems(problem):
    X, start = problem
    Xd = da.from_array(X, chunks=(400, 2))
    got = scale.fit_em_dask(Xd, start, max_iter=10, tol=0.0, scheduler="synchronous")
    want = em.fit_em(X, start, max_iter=10, tol=0.0)
    assert isinstance(got.resp, da.Array) and got.resp.shape == (X.shape[0], 3)
    assert got.resp.chunks[0] == Xd.chunks[0]
    np.testing.assert_allclose(got.resp.compute(scheduler="synchronous"), want.resp, rtol=0, atol=1e-10)


def test_m_step_from_statistics_is_em_m_step():
    X, _ = mixture.sample(datasets.random_gmm(3, 3, rng=4), 400, rng=5)
    gmm = em.initial_gmm(X, 3, rng=1)
    resp, _ = em.e_step(X, gmm)
    stats = scale.block_statistics(X, gmm)
    for covariance_type in COVARIANCE_TYPES:
        want = em.m_step(X, resp, 1e-6, covariance_type)
        got = scale.m_step_from_statistics(stats, 1e-6, covariance_type)
        for field in ("weights", "means", "covariances", "cholesky"):
            assert relative_error(getattr(got, field), getattr(want, field)) < 1e-12, (covariance_type, field)
        assert got.covariance_type == covariance_type


def test_a_collapse_is_reported_as_in_fit_em():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]]), 5, axis=0)
    start = GMM([0.5, 0.5], [[0.0, 0.0], [1.5, 0.7]], np.repeat(np.eye(2)[None], 2, axis=0))
    with pytest.raises(em.SingularCovarianceError) as want:
        em.fit_em(X, start, reg_covar=0.0)
    with pytest.raises(em.SingularCovarianceError) as got:
        scale.fit_em_dask(da.from_array(X, chunks=(4, 2)), start, reg_covar=0.0, scheduler="synchronous")
    assert got.value.component == want.value.component and got.value.iteration == want.value.iteration
    assert str(got.value) == str(want.value)


# ---------------------------------------------------------------- the reduce: combine


@st.composite
def split_problems(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    d, k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n = draw(st.integers(1, 60))
    rng = np.random.default_rng(seed)
    X, _ = mixture.sample(datasets.random_gmm(2, d, rng=seed % 1000), n, rng=rng)
    X = X + draw(st.sampled_from([0.0, 1e3, -1e5]))
    gmm = GMM(
        rng.dirichlet(np.ones(k)),
        X[rng.integers(0, n, k)] + rng.normal(size=(k, d)),
        np.repeat(np.cov(X.T, bias=True).reshape(d, d)[None] + np.eye(d), k, axis=0),
    )
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))  # any split, empty pieces included
    return X, gmm, np.split(np.arange(n), cuts), rng


@PROPERTY
@given(split_problems())
def test_combine_of_any_split_in_any_order_is_the_whole(case):
    X, gmm, pieces, rng = case
    resp, log_likelihood = em.e_step(X, gmm)
    want = scale.statistics_from_resp(X, resp, log_likelihood)
    stats = [scale.block_statistics(X[rows], gmm) for rows in pieces]
    while len(stats) > 1:  # a random tree: merge two random items, in a random order
        i, j = rng.choice(len(stats), size=2, replace=False)
        merged = scale.combine(stats[i], stats[j])
        stats = [s for m, s in enumerate(stats) if m not in (i, j)] + [merged]
    assert_stats_close(stats[0], want, 10 * rounding_scale(X))


@PROPERTY
@given(split_problems())
def test_combine_is_associative_and_commutative_to_rounding(case):
    X, gmm, _, _ = case
    thirds = np.array_split(np.arange(X.shape[0]), 3)
    a, b, c = (scale.block_statistics(X[rows], gmm) for rows in thirds)
    left = scale.combine(scale.combine(a, b), c)
    right = scale.combine(a, scale.combine(b, c))
    swapped = scale.combine(c, scale.combine(b, a))
    assert_stats_close(left, right, rounding_scale(X))
    assert_stats_close(left, swapped, rounding_scale(X))


def raw_moment_covariances(X, resp, block_rows):
    """The formula the course forbids: per block sum r, sum r x, sum r x x^T; summed; Sxx / N - mu mu^T."""
    n_k, s_x, s_xx = 0.0, 0.0, 0.0
    for start in range(0, X.shape[0], block_rows):
        Xb, rb = X[start : start + block_rows], resp[start : start + block_rows]
        n_k = n_k + rb.sum(axis=0)
        s_x = s_x + rb.T @ Xb
        s_xx = s_xx + np.einsum("nk,ni,nj->kij", rb, Xb, Xb)
    mu = s_x / n_k[:, None]
    return s_xx / n_k[:, None, None] - mu[:, :, None] * mu[:, None, :]


def test_data_offset_by_1e8_keep_their_covariance_only_with_the_pairwise_formula():
    rng = np.random.default_rng(3)
    Z = rng.multivariate_normal([0, 0], [[1.0, 0.5], [0.5, 2.0]], size=2000)
    X = 1e8 + Z
    start = GMM([0.5, 0.5], 1e8 + np.array([[-1.0, 0.0], [1.0, 0.0]]), np.repeat(np.eye(2)[None], 2, axis=0))
    resp, _ = em.e_step(X, start)
    exact = scale.statistics_from_resp(X - 1e8, resp)  # X - 1e8 is exact here (Sterbenz), so this is the truth
    want = exact.scatters / exact.nk[:, None, None]
    rows = 100
    blocks = [scale.statistics_from_resp(X[s : s + rows], resp[s : s + rows]) for s in range(0, len(X), rows)]
    while len(blocks) > 1:
        pairs = [blocks[i : i + 2] for i in range(0, len(blocks), 2)]
        blocks = [scale.combine(*pair) if len(pair) == 2 else pair[0] for pair in pairs]
    pairwise = blocks[0].scatters / blocks[0].nk[:, None, None]
    raw = raw_moment_covariances(X, resp, rows)
    raw_error, pairwise_error = relative_error(raw, want), relative_error(pairwise, want)
    print(f"offset 1e8: raw-moment relative error {raw_error:.3g}, pairwise {pairwise_error:.3g}")
    assert raw_error > 0.1  # the raw moments lose (at least) the leading digit of the covariance
    assert pairwise_error < 1e-6  # the pairwise reduce keeps it: what rounding 1e8 + z to 16 digits allows
    # and the whole EM on Dask, started there, still fits the offset data as the centred data
    Xd = da.from_array(X, chunks=(rows, 2))
    far = scale.fit_em_dask(Xd, start, max_iter=5, tol=0.0, scheduler="synchronous")
    near = em.fit_em(Z, GMM(start.weights, start.means - 1e8, start.covariances), max_iter=5, tol=0.0)
    assert relative_error(far.gmm.covariances, near.gmm.covariances) < 1e-5


# ---------------------------------------------------------------- never gathered


def generated(n_blocks, rows, d, seed=0):
    """A dask array whose blocks are made on the fly by the worker that needs them (never all in memory)."""
    truth = datasets.random_gmm(3, d, rng=seed)

    def make(block_id=None):  # round clusters about the truth's means: cheap to make (no (rows, d, d) temporaries)
        rng = np.random.default_rng([seed, block_id[0]])
        X = rng.standard_normal((rows, d))
        X += truth.means[rng.integers(0, truth.k, rows)]
        return X

    return da.map_blocks(make, chunks=((rows,) * n_blocks, (d,)), dtype=float, meta=np.empty((0, 0))), truth


class TaskSizes(Callback):
    def __init__(self):
        super().__init__()
        self.sizes = {}

    def _posttask(self, key, result, dsk, state, worker_id):
        if isinstance(result, np.ndarray):
            arrays = [result]
        elif isinstance(result, scale.Statistics):
            arrays = list(result)
        elif isinstance(result, GMM):
            arrays = [result.weights, result.means, result.covariances, result.cholesky]
        else:
            raise AssertionError(f"unexpected task output {type(result).__name__} from {key}")
        self.sizes[key] = sum(np.asarray(a).size for a in arrays)


def test_only_statistics_travel_no_task_joins_two_blocks():
    k, d = 3, 4
    Xd, truth = generated(12, 2000, d)
    graph = scale.statistics_graph(Xd, truth)
    block_keys = {key for key in dask.core.flatten(Xd.__dask_keys__())}
    dsk = dict(graph.__dask_graph__())
    for key in dsk:
        if key not in block_keys:  # every task of the pass reads at most one block
            assert len(dask.core.get_dependencies(dsk, key) & block_keys) <= 1, key
    with TaskSizes() as sizes:
        graph.compute(scheduler="synchronous")
    limit = 2 * (k + k * d + k * d * d) + 2  # a GMM (with its Cholesky factors) or one Statistics
    pass_sizes = {key: size for key, size in sizes.sizes.items() if key not in block_keys}
    assert sum("-block-" in key for key in pass_sizes) == 12 and sum("-combine-" in key for key in pass_sizes) == 11
    assert max(pass_sizes.values()) <= limit
    assert min(sizes.sizes[key] for key in block_keys) == 2000 * d  # blocks are big, what leaves them small


def test_a_pass_needs_about_one_block_of_memory_however_many_blocks():
    rows, d = 150_000, 4  # blocks of 4.8 MB, made on the fly
    gmm = datasets.random_gmm(3, d, rng=0)
    one = scale.measure_pass_memory(generated(1, rows, d)[0], gmm)
    many = scale.measure_pass_memory(generated(20, rows, d)[0], gmm)
    block = many["block_bytes"]
    print(
        f"peak {one['peak_bytes'] / 1e6:.1f} MB for one block, {many['peak_bytes'] / 1e6:.1f} MB for "
        f"{many['data_bytes'] / 1e6:.0f} MB of data in {many['n_blocks']} blocks; a block is {block / 1e6:.2f} MB"
    )
    assert many["data_bytes"] == 20 * block and many["statistics"].n == 20 * rows
    # the block, its (rows, k) responsibilities and row-chunked temporaries: well under 3 blocks ...
    assert many["peak_bytes"] < 3 * block
    # ... and the same for 20 blocks as for one: it does not grow with n
    assert many["peak_bytes"] < 1.2 * one["peak_bytes"]  # (one more block held would be +40%)
    assert many["data_bytes"] > 7 * many["peak_bytes"]


def test_fits_data_made_block_by_block(client):
    Xd, truth = generated(4, 500, 2, seed=1)
    result = scale.fit_em_dask(Xd, 3, rng=0, max_iter=15, client=client)
    X = Xd.compute(scheduler="synchronous")  # small enough here to check against fit_em
    assert_runs_agree(result, em.fit_em(X, 3, rng=0, max_iter=15))


# ---------------------------------------------------------------- stepwise (online) EM


def test_online_em_approaches_batch_em(problem):
    X, start = problem
    batch = em.fit_em(X, start, max_iter=300, tol=0.0)
    online = scale.fit_em_online(X, start, batch_size=100, n_epochs=8, rng=0, tol=0.0)
    gap = (batch.log_likelihood - online.history) / X.shape[0]  # nats per point behind batch EM
    assert online.n_iter == 8 and online.resp.shape == (X.shape[0], 3)
    print("online EM, nats per point behind batch EM after each epoch:", np.round(gap, 4))
    assert gap[0] > 0.2 and np.all(np.diff(gap) < 0) and gap[-1] < 0.015  # from 0.21 down to about 0.012
    on_dask = scale.fit_em_online(da.from_array(X, chunks=(300, 2)), start, batch_size=100, n_epochs=2, rng=0)
    assert (batch.log_likelihood - on_dask.log_likelihood) / X.shape[0] < 0.05


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "make, kwargs, match",
    [
        (lambda X: X, {}, "dask.array.Array"),
        (lambda X: da.from_array(X[:, 0], chunks=100), {}, "2-D"),
        (lambda X: da.from_array(X, chunks=(100, 1)), {}, r"rows only.*rechunk\(\{1: -1\}\)"),
        (lambda X: da.from_array(X, chunks=(100, 2))[da.from_array(X[:, 0] > 0, chunks=100)], {}, "chunk_sizes"),
        (lambda X: da.from_array(X.astype(complex), chunks=(100, 2)), {}, "real numbers"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"k_or_initial_gmm": 0}, "k_or_initial_gmm must be at least 1"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"k_or_initial_gmm": 5000}, "k_or_initial_gmm=5000 is larger"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"tol": -1}, "tol"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"max_iter": 0}, "max_iter"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"reg_covar": np.nan}, "reg_covar"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"init": "best"}, "init must be one of"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"scheduler": "processes"}, "scheduler must be"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"scheduler": "threads", "address": "tcp://x:1"}, "at most one"),
        (lambda X: da.from_array(X, chunks=(100, 2)), {"client": "tcp://x:1"}, "client must be"),
        (lambda X: da.from_array(np.c_[X, X], chunks=(100, 4)), {"k_or_initial_gmm": None}, "dimension d=2"),
    ],
)
def test_bad_input_names_the_argument(problem, make, kwargs, match):
    X, start = problem
    defaults = {"k_or_initial_gmm": 2} if "client" in kwargs else {"k_or_initial_gmm": 2, "scheduler": "synchronous"}
    kwargs = {**defaults, **kwargs}
    if kwargs["k_or_initial_gmm"] is None:
        kwargs["k_or_initial_gmm"] = start
    with pytest.raises(ValueError, match=match):
        scale.fit_em_dask(make(X), **kwargs)


def test_a_non_finite_value_is_found_lazily_in_its_block(problem):
    X, start = problem
    X = X.copy()
    X[777, 1] = np.nan
    Xd = da.from_array(X, chunks=(250, 2))  # building the array reads nothing
    message = r"X must contain only finite numbers; got nan at row 777, column 1 \(block 3\)"
    with pytest.raises(ValueError, match=message):
        scale.fit_em_dask(Xd, start, scheduler="synchronous")


def test_online_bad_input(problem):
    X, start = problem
    for kwargs, match in [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 10, "step_size": 0.5}, "step_size must be a function"),
        ({"batch_size": 10, "step_size": lambda t: 2.0}, r"step_size\(0\) must be in \(0, 1\]"),
        ({"batch_size": 10, "n_epochs": 0}, "n_epochs"),
    ]:
        with pytest.raises(ValueError, match=match):
            scale.fit_em_online(X, start, **kwargs)
