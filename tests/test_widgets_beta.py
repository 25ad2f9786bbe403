"""The beta lab: annealed soft k-means against naive computations and scikit-learn, and the widget wiring."""

import numpy as np
import pytest
from sklearn.cluster import KMeans

from coursepkg.datasets import make_synthetic
from coursepkg.kmeans import kmeans, kmeans_plusplus, soft_kmeans
from coursepkg.mixture import match_components
from coursepkg.plotting import component_colors
from coursepkg.widgets import beta as betalab


@pytest.fixture(scope="module")
def data():
    X, _ = make_synthetic("round", n=150, rng=1)
    init = kmeans_plusplus(X, 3, rng=0)
    betas = betalab.beta_grid(-2, 3, 0.1)
    return X, init, betas, betalab.anneal(X, init, betas)


def test_beta_grid():
    grid = betalab.beta_grid(-2, 3, 0.05)
    assert grid.size == 101 and grid[0] == pytest.approx(0.01) and grid[-1] == pytest.approx(1000)
    np.testing.assert_allclose(np.diff(np.log10(grid)), 0.05, rtol=1e-9)


def test_critical_beta_and_data_scale_against_numpy():
    X, _ = make_synthetic("elongated", n=200, rng=3)
    lam_max = np.linalg.eigvalsh(np.cov(X.T, bias=True))[-1]
    assert betalab.critical_beta(X) == pytest.approx(1 / lam_max, rel=1e-12)
    rms = np.sqrt(np.mean([np.sum((x - X.mean(axis=0)) ** 2) for x in X]))
    assert betalab.data_scale(X) == pytest.approx(rms, rel=1e-12)


def test_each_beta_is_warm_started_from_the_previous_one(data):
    X, init, betas, result = data
    assert result.centers.shape == (betas.size, 3, 2) and result.resp.shape == (betas.size, X.shape[0], 3)
    np.testing.assert_allclose(result.centers[0], soft_kmeans(X, init, betas[0], max_iter=5000, tol=1e-10).centers,
                               rtol=1e-12)
    offsets = init - init.mean(axis=0)
    nudge = betalab.NUDGE * betalab.data_scale(X) * offsets / np.abs(offsets).max()
    for i in (5, 23, 40):
        warm = soft_kmeans(X, result.centers[i - 1] + nudge, betas[i], max_iter=5000, tol=1e-10)
        np.testing.assert_allclose(result.centers[i], warm.centers, rtol=1e-12, atol=1e-12)


def test_responsibilities_are_the_naive_softmax(data):
    X, _, betas, result = data
    i = 27
    c = result.centers[i]
    naive = np.array([[np.exp(-betas[i] / 2 * np.sum((x - m) ** 2)) for m in c] for x in X])
    naive /= naive.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(result.resp[i], naive, atol=1e-12)


def test_below_beta_c_every_centre_is_the_data_mean(data):
    X, _, betas, result = data
    below = betas < 0.9 * betalab.critical_beta(X)
    assert below.sum() >= 10
    mean = X.mean(axis=0)
    np.testing.assert_allclose(result.centers[below], np.broadcast_to(mean, result.centers[below].shape), atol=1e-6)
    assert np.all(result.n_distinct[below] == 1)


def test_far_above_beta_c_the_centres_are_kmeans_centres(data):
    X, init, betas, result = data
    last = result.centers[-1]
    # the annealed centres are a fixed point of Lloyd's algorithm ...
    np.testing.assert_allclose(kmeans(X, last).centers, last, atol=1e-12)
    # ... and, on round data, the k-means solution from the same start (ours and scikit-learn's), up to numbering
    sk = KMeans(3, init=init, n_init=1, algorithm="lloyd").fit(X).cluster_centers_
    for ref in (kmeans(X, init).centers, sk):
        np.testing.assert_allclose(last[match_components(last, ref)], ref, atol=1e-9)
    assert 1 - result.resp[-1].max(axis=1).min() < 1e-12
    assert result.n_distinct[-1] == 3


def test_the_merged_centre_splits_near_beta_c_along_the_top_eigenvector():
    X, _ = make_synthetic("round", n=300, rng=0)
    bc = betalab.critical_beta(X)
    betas = bc * np.geomspace(0.5, 2.0, 141)
    result = betalab.anneal(X, 3, betas, rng=4)
    first = int(np.argmax(result.n_distinct > 1))
    assert result.n_distinct[0] == 1 and first > 0
    assert bc <= betas[first] <= 1.05 * bc
    # the first split is along the eigenvector of the largest eigenvalue of the data covariance
    top = np.linalg.eigh(np.cov(X.T, bias=True))[1][:, -1]
    spread = result.centers[first] - X.mean(axis=0)
    axis = spread[np.argmax(np.linalg.norm(spread, axis=1))]
    assert abs(axis @ top) / np.linalg.norm(axis) > 0.99


def test_without_the_nudge_exactly_merged_centres_never_split():
    X, _ = make_synthetic("round", n=150, rng=1)
    merged = np.repeat(X.mean(axis=0)[None], 3, axis=0)
    stuck = betalab.anneal(X, merged, [0.5, 5.0, 50.0], nudge=0.0)
    assert np.all(stuck.n_distinct == 1)
    assert np.all(stuck.centers == stuck.centers[:, :1])  # bit for bit equal
    nudged = betalab.anneal(X, kmeans_plusplus(X, 3, rng=0), [0.01, 0.5, 5.0, 50.0])
    assert nudged.n_distinct[-1] == 3


def test_anneal_rejects_unordered_betas():
    X, _ = make_synthetic("round", n=50, rng=1)
    for bad in ([1.0, 0.5], [0.1, 0.1], [], [-1.0, 2.0]):
        with pytest.raises(ValueError, match="strictly increasing"):
            betalab.anneal(X, 2, bad)


def test_deviation_from_one_hot_sums_the_small_entries():
    resp = np.array([[1.0, 1e-20, 3e-30], [0.2, 0.5, 0.3], [1 / 3, 1 / 3, 1 / 3]])
    dev = betalab.deviation_from_one_hot(resp)
    np.testing.assert_allclose(dev, [1e-20 + 3e-30, 0.5, 2 / 3], rtol=1e-15)
    assert 1 - resp[0].max() == 0.0  # the cancellation the sum avoids
    # against a loop, on soft k-means responsibilities
    X, _ = make_synthetic("round", n=60, rng=5)
    r = soft_kmeans(X, 3, 2.0, rng=1).resp
    loop = [sum(v for j, v in enumerate(row) if j != int(np.argmax(row))) for row in r]
    np.testing.assert_allclose(betalab.deviation_from_one_hot(r), loop, rtol=1e-12)


def test_distinct_centers():
    assert betalab.distinct_centers([[0, 0], [0, 1e-6], [3, 3]], tol=1e-3) == 2
    assert betalab.distinct_centers([[0, 0], [1, 0], [2, 0]], tol=1e-3) == 3
    assert betalab.distinct_centers([[0, 0], [1, 0], [2, 0]], tol=1.5) == 2  # 0 ~ 1, and 2 is new
    assert betalab.distinct_centers([[5, 5]] * 4, tol=1e-9) == 1
    with pytest.raises(ValueError, match="tol must be positive"):
        betalab.distinct_centers([[0, 0]], tol=0)


def test_beta_state(data):
    X, _, betas, result = data
    state = betalab.beta_state(result, 1.1 * betas[16])  # snaps to the nearest grid beta
    assert state["index"] == 16 and state["beta"] == betas[16]
    assert state["length_scale"] == pytest.approx(betas[16] ** -0.5)
    np.testing.assert_array_equal(state["resp"], result.resp[16])
    np.testing.assert_array_equal(state["centers"], result.centers[16])
    assert state["n_distinct"] == result.n_distinct[16]
    assert state["max_deviation"] == pytest.approx(1 - result.resp[16].max(axis=1).min(), rel=1e-9)
    assert betalab.beta_state(result, 1e-9)["n_distinct"] == 1
    with pytest.raises(ValueError, match="beta must be positive"):
        betalab.beta_state(result, 0.0)


def test_widget_slider_redraws_what_the_state_says():
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
    np.testing.assert_allclose(state["centers"], lab.result.centers[-1])
    sk = KMeans(3, init=lab.result.centers[-1], n_init=1, algorithm="lloyd").fit(X).cluster_centers_
    np.testing.assert_allclose(state["centers"], sk, atol=1e-9)
    # what is drawn: blended colours, a mark and a circle of radius 1/sqrt(beta) per centre, the current beta
    figure = lab.figure
    np.testing.assert_allclose(figure.scatter.get_facecolors()[:, :3], state["resp"] @ component_colors(3), atol=1e-12)
    k = len(figure.marks)
    for j, centre in enumerate(state["centers"]):
        np.testing.assert_allclose(np.ravel(figure.marks[j].get_data()), centre)
        radii = np.hypot(*(figure.circles[j].get_xydata() - centre).T)
        np.testing.assert_allclose(radii, 100.0**-0.5, rtol=1e-12)
        np.testing.assert_allclose(np.ravel(figure.dots[j].get_data()), [100.0, centre[0]])
        np.testing.assert_allclose(np.ravel(figure.dots[k + j].get_data()), [100.0, centre[1]])
    assert all(line.get_xdata()[0] == pytest.approx(100.0) for line in figure.now)
    assert f"{state['n_distinct']} distinct" in lab.readout.value
    assert lab.widget.children[-1] is lab.readout
