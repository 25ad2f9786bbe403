"""The beta lab: annealed soft k-means against naive computations, and the widget wiring."""

import numpy as np
import pytest

from coursepkg.datasets import make_synthetic
from coursepkg.kmeans import kmeans, kmeans_plusplus, soft_kmeans
from coursepkg.plotting import component_colors
from coursepkg.widgets import beta as betalab


@pytest.fixture(scope="module")
def data():
    X, _ = make_synthetic("round", n=150, rng=1)
    init = kmeans_plusplus(X, 3, rng=0)
    betas = betalab.beta_grid(-2, 3, 0.5)
    return X, init, betas, betalab.anneal(X, init, betas)


def test_beta_grid():
    grid = betalab.beta_grid(-2, 3, 0.05)
    assert grid.size == 101 and grid[0] == pytest.approx(0.01) and grid[-1] == pytest.approx(1000)
    np.testing.assert_allclose(np.diff(np.log10(grid)), 0.05, rtol=1e-9)


def test_anneal_is_soft_kmeans_from_one_start(data):
    X, init, betas, result = data
    assert result.centers.shape == (betas.size, 3, 2) and result.resp.shape == (betas.size, X.shape[0], 3)
    for i in (0, 4, 9):
        ref = soft_kmeans(X, init, betas[i], max_iter=2000, tol=1e-9)
        np.testing.assert_allclose(result.centers[i], ref.centers, rtol=1e-12)


def test_responsibilities_are_the_naive_softmax(data):
    X, _, betas, result = data
    i = 5
    c = result.centers[i]
    naive = np.array([[np.exp(-betas[i] / 2 * np.sum((x - m) ** 2)) for m in c] for x in X])
    naive /= naive.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(result.resp[i], naive, atol=1e-12)


def test_limits_small_and_large_beta(data):
    X, init, _, result = data
    # small beta: every centre at the data mean
    np.testing.assert_allclose(result.centers[0], np.repeat(X.mean(axis=0)[None], 3, axis=0), atol=1e-6)
    # large beta: the k-means centres from the same start, and one-hot responsibilities
    np.testing.assert_allclose(result.centers[-1], kmeans(X, init).centers, atol=1e-9)
    assert 1 - result.resp[-1].max(axis=1).min() < 1e-12


def test_critical_beta_is_where_the_split_happens(data):
    X, init, _, _ = data
    eig = np.linalg.eigvalsh(np.cov(X.T, bias=True))[-1]
    bc = betalab.critical_beta(X)
    assert bc == pytest.approx(1 / eig, rel=1e-12)
    below = betalab.anneal(X, init, [0.8 * bc])
    above = betalab.anneal(X, init, [1.5 * bc])
    assert betalab.distinct_centers(below.centers[0]) == 1
    assert betalab.distinct_centers(above.centers[0]) > 1


def test_distinct_centers_and_state(data):
    assert betalab.distinct_centers([[0, 0], [0, 1e-6], [3, 3]]) == 2
    assert betalab.distinct_centers([[0, 0], [1, 0], [2, 0]]) == 3
    X, _, betas, result = data
    state = betalab.beta_state(result, 1.2 * betas[6])  # snaps to the nearest grid beta
    assert state["index"] == 6 and state["beta"] == betas[6]
    assert state["length_scale"] == pytest.approx(betas[6] ** -0.5)
    np.testing.assert_array_equal(state["resp"], result.resp[6])
    np.testing.assert_array_equal(state["centers"], result.centers[6])
    assert state["max_soft"] == pytest.approx(1 - result.resp[6].max(axis=1).min())
    assert betalab.beta_state(result, 1e-9)["n_distinct"] == 1
    with pytest.raises(ValueError, match="beta must be positive"):
        betalab.beta_state(result, 0.0)


def test_widget_slider_redraws():
    X, _ = make_synthetic("round", n=120, rng=2)
    lab = betalab.make_beta_lab(X, 3, log10_range=(-2.0, 2.0), step=0.25, beta=0.01)
    assert lab.image.value[:4] == b"\x89PNG"
    seen = {lab.image.value}
    for value in (0.1, 1.0, 100.0):
        lab.controls["beta"].value = value
        assert lab.image.value not in seen
        seen.add(lab.image.value)
    state = lab.state()
    assert state["beta"] == pytest.approx(100.0)
    init = kmeans_plusplus(X, 3, rng=0)  # the lab's start: k-means++ with rng=0
    np.testing.assert_allclose(state["centers"], kmeans(X, init).centers, atol=1e-6)
    # what is drawn: the points in their blended colours, a mark and a circle of radius 1/sqrt(beta) per centre
    figure = lab.figure
    np.testing.assert_allclose(figure.scatter.get_facecolors()[:, :3], state["resp"] @ component_colors(3), atol=1e-12)
    for j, centre in enumerate(state["centers"]):
        np.testing.assert_allclose(np.ravel(figure.marks[j].get_data()), centre)
        radii = np.hypot(*(figure.circles[j].get_xydata() - centre).T)
        np.testing.assert_allclose(radii, 100.0**-0.5, rtol=1e-12)
