"""k-means (Lloyd, k-means++) and soft k-means as its limit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg import datasets, kmeans


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 60), d=st.integers(1, 4), k=st.integers(1, 6))
def test_objective_never_increases(seed, n, d, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=d)
    if rng.random() < 0.3:  # sometimes with duplicated points
        X = X[rng.integers(0, n, n)]
    k = min(k, n)
    result = kmeans.kmeans(X, k, rng=rng)
    h = result.history
    assert np.all(np.diff(h) <= 1e-12 * max(1.0, h[0]))
    assert result.objective == pytest.approx(kmeans.objective(X, result.centers, result.labels))
    assert len(h) == result.n_iter + 1
    if result.converged:  # a fixed point: every point is at its nearest centre, every centre at its mean
        np.testing.assert_array_equal(kmeans.assign(X, result.centers), result.labels)


def test_kmeans_finds_round_blobs():
    X, z = datasets.round_blobs(300, rng=0)
    result = kmeans.kmeans(X, 3, rng=0)
    assert result.converged
    truth = datasets.SYNTHETIC["round"].means
    nearest = kmeans.assign(truth, result.centers)
    assert sorted(nearest) == [0, 1, 2]
    np.testing.assert_allclose(result.centers[nearest], truth, atol=0.2)


def test_squared_distances_and_assign():
    X = np.array([[0.0, 0.0], [3.0, 4.0]])
    centers = np.array([[0.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(kmeans.squared_distances(X, centers), [[0, 9], [25, 16]])
    np.testing.assert_array_equal(kmeans.assign(X, centers), [0, 1])
    far = X + 1e8  # no cancellation far from the origin
    np.testing.assert_allclose(kmeans.squared_distances(far, centers + 1e8), [[0, 9], [25, 16]])


def test_kmeans_plusplus_picks_distinct_points():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 5.0]]), 5, axis=0)
    for seed in range(10):
        centers = kmeans.kmeans_plusplus(X, 3, rng=seed)
        assert len(np.unique(centers, axis=0)) == 3
    np.testing.assert_array_equal(kmeans.kmeans_plusplus(X, 2, rng=1), kmeans.kmeans_plusplus(X, 2, rng=1))


def test_empty_cluster_keeps_its_centre():
    X = np.array([[0.0], [1.0], [2.0]])
    init = np.array([[1.0], [100.0]])
    result = kmeans.kmeans(X, init)
    assert result.centers[1, 0] == 100.0
    np.testing.assert_array_equal(result.labels, [0, 0, 0])


@pytest.mark.parametrize("kind", ["round", "elongated", "unequal"])
def test_soft_kmeans_with_huge_beta_is_kmeans(kind):
    X, _ = datasets.make_synthetic(kind, 200, rng=1)
    X = 10 * X  # squared distances differ by >> 1 / beta between nearest and next-nearest centres
    init = kmeans.kmeans_plusplus(X, 3, rng=2)
    hard = kmeans.kmeans(X, init)
    soft = kmeans.soft_kmeans(X, init, beta=1e6)
    assert hard.converged and soft.converged
    np.testing.assert_array_equal(soft.labels, hard.labels)
    np.testing.assert_allclose(soft.centers, hard.centers, rtol=1e-10, atol=1e-10)
    assert np.abs(soft.resp - np.eye(3)[hard.labels]).max() < 1e-12


def test_soft_kmeans_responsibilities_sharpen_as_beta_grows():
    X, _ = datasets.overlapping(150, rng=0)
    centers = kmeans.kmeans_plusplus(X, 3, rng=0)
    deviations = []
    for beta in (0.1, 1.0, 10.0, 100.0, 1e4):
        r = kmeans.soft_responsibilities(X, centers, beta)
        np.testing.assert_allclose(r.sum(axis=1), 1.0)
        deviations.append(np.abs(r - np.eye(3)[kmeans.assign(X, centers)]).max())
    assert all(a >= b for a, b in zip(deviations, deviations[1:], strict=False))
    assert deviations[-1] < 0.05 and deviations[0] > 0.3


def test_soft_responsibilities_far_away():
    r = kmeans.soft_responsibilities(np.array([[1e6, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]]), beta=1.0)
    np.testing.assert_allclose(r, [[0.0, 1.0]])
