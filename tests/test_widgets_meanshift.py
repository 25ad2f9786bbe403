"""The mean-shift lab: its precomputed states against mean-shift run directly and naive computations."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

from coursepkg import meanshift  # noqa: E402
from coursepkg.datasets import make_synthetic  # noqa: E402
from coursepkg.widgets import meanshift_lab as ml  # noqa: E402


@pytest.fixture(scope="module")
def data():
    X, z = make_synthetic("round", n=120, rng=2)
    return ml.precompute(X, ml.bandwidth_grid(0.3, 2.5, 9), grid=40, truth=z)


def test_bandwidth_grid_is_geometric():
    grid = ml.bandwidth_grid(0.25, 3.0, 28)
    assert grid.size == 28 and grid[0] == pytest.approx(0.25) and grid[-1] == pytest.approx(3.0)
    np.testing.assert_allclose(np.diff(np.log(grid)), np.log(12) / 27, rtol=1e-12)
    default = ml.bandwidth_grid()  # the lesson's grid: 0.8 and 1.5 are grid values, seven steps apart
    assert default.size == 28
    np.testing.assert_allclose(default[[13, 20]], [0.8, 1.5], rtol=1e-12)
    np.testing.assert_allclose(default[1:] / default[:-1], (1.5 / 0.8) ** (1 / 7), rtol=1e-12)
    for bad in ((0.0, 1.0, 5), (2.0, 1.0, 5), (0.1, 1.0, 1), (0.1, 1.0, 2.5)):
        with pytest.raises(ValueError, match="h_min|count"):
            ml.bandwidth_grid(*bad)


def test_thin_path_keeps_the_ends():
    path = np.arange(200.0).reshape(100, 2)
    thin = ml.thin_path(path, 10)
    assert len(thin) <= 10
    np.testing.assert_array_equal(thin[0], path[0])
    np.testing.assert_array_equal(thin[-1], path[-1])
    assert np.all(np.diff(thin[:, 0]) > 0)
    np.testing.assert_array_equal(ml.thin_path(path[:5], 10), path[:5])


def test_each_state_is_mean_shift_at_that_bandwidth(data):
    for i in (0, 4, 8):
        h = data.bandwidths[i]
        direct = meanshift.mean_shift(data.X, h)
        state = ml.lab_state(data, h * 1.01)  # the nearest grid value
        assert state["index"] == i and state["h"] == h
        assert state["n_clusters"] == direct.n_clusters
        # the same partition, renumbered by size: largest cluster first
        sizes = np.bincount(state["labels"])
        assert np.all(np.diff(sizes) <= 0)
        np.testing.assert_array_equal(sizes, state["sizes"])
        pairs = {(a, b) for a, b in zip(state["labels"], direct.labels, strict=True)}
        assert len(pairs) == direct.n_clusters
        # every path runs from the data point to its mode
        for n in (0, 17, 99):
            np.testing.assert_array_equal(state["paths"][n][0], data.X[n])
            np.testing.assert_allclose(state["paths"][n][-1], direct.modes[n], atol=1e-12)
        np.testing.assert_allclose(state["centers"][state["labels"]], direct.centers[direct.labels], atol=1e-12)


def test_cluster_colours_follow_the_best_matching_found_by_brute_force():
    from itertools import permutations

    rng = np.random.default_rng(4)
    truth = rng.integers(0, 3, 60)
    for k in (1, 2, 3, 5):
        labels = np.where(rng.random(60) < 0.7, truth % k, rng.integers(0, k, 60))
        labels[:k] = np.arange(k)  # every cluster non-empty
        index = ml.cluster_colour_index(labels, truth, k)
        # brute force: the injective map clusters -> components (or components -> clusters) with most agreement
        best = -1
        small, large = (k, 3) if k <= 3 else (3, k)
        for perm in permutations(range(large), small):
            pairs = list(zip(range(small), perm, strict=True)) if k <= 3 else [(c, j) for j, c in enumerate(perm)]
            score = sum(np.sum((labels == c) & (truth == j)) for c, j in pairs)
            if score > best:
                best = score
        got = sum(np.sum((labels == c) & (truth == j)) for c, j in enumerate(index) if j >= 0)
        assert got == best
        assert np.sum(index >= 0) == min(k, 3) and len(set(index[index >= 0])) == min(k, 3)
    np.testing.assert_array_equal(ml.cluster_colour_index([0, 1, 1], None, 2), [0, 1])


def test_round_data_at_a_middle_bandwidth_have_three_clusters(data):
    state = ml.lab_state(data, 0.9)
    assert state["n_clusters"] == 3 and state["converged"]
    assert "3 modes, so 3 clusters" in ml.status_line(state)
    assert ml.lab_state(data, 2.5)["n_clusters"] == 1


def test_contours_are_level_sets_of_the_kde_from_scipy(data):
    i = 4
    h = data.bandwidths[i]
    kernels = [stats.multivariate_normal(x, h**2 * np.eye(2)) for x in data.X]

    def kde(points):
        return np.mean([k.pdf(points) for k in kernels], axis=0)

    lo, hi = data.X.min(axis=0), data.X.max(axis=0)
    pad = 0.12 * (hi - lo)
    gx, gy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], 40),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], 40))
    peak = kde(np.column_stack([gx.ravel(), gy.ravel()])).max()
    for level, segments in zip(ml.LEVELS, data.contours[i], strict=True):
        assert segments, f"no contour at level {level}"
        points = np.vstack(segments)
        # on a 40 x 40 lattice, linear interpolation puts the line within a few percent of the level
        np.testing.assert_allclose(kde(points), level * peak, rtol=0.1, atol=0.01 * peak)


def test_precompute_rejects_bad_input():
    X, _ = make_synthetic("round", n=30, rng=1)
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        ml.precompute(X[:, :1], [1.0])
    with pytest.raises(ValueError, match="increasing"):
        ml.precompute(X, [1.0, 0.5])
    with pytest.raises(ValueError, match="h must be positive"):
        ml.lab_state(ml.precompute(X, [1.0], grid=10), 0.0)


def test_the_widget_moves_only_its_artists(data):
    lab = ml.make_meanshift_lab(data=data, h=0.9)
    assert lab.state()["n_clusters"] == 3
    for h in data.bandwidths[::-1]:
        lab.controls["h"].value = float(h)
        state = lab.state()
        assert state["h"] == pytest.approx(h)
        assert lab.figure.modes.get_xdata().size == state["n_clusters"]
        assert len(lab.figure.paths.get_segments()) == data.X.shape[0]
    assert str(data.n_clusters[0]) in lab.readout.value
    assert max(lab.redraw_ms[1:]) < 1000  # only artists swapped (benchmarks/bench_labs.py measures it against 100 ms)
