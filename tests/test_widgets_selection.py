"""The model-selection lab: its state read off the grid, checked against independent computations, and the wiring."""

import numpy as np
import pytest
from scipy import stats

from coursepkg.gaussian import ellipse_points
from coursepkg.plotting import component_colors
from coursepkg.widgets import selection_lab as sl


@pytest.fixture(scope="module")
def data():
    X, _ = sl.lab_data(n=150, rng=3)
    grid = sl.build_grid(X, ks=(1, 2, 3, 4), n_folds=3, covariance_types=("full", "spherical", "tied"))
    return X, grid


def test_lab_data_is_drawn_from_the_truth():
    X, z = sl.lab_data(n=4000, rng=1)
    assert X.shape == (4000, 2) and z.shape == (4000,)
    np.testing.assert_allclose(np.bincount(z) / 4000, sl.TRUTH.weights, atol=0.03)
    for k in range(3):
        np.testing.assert_allclose(X[z == k].mean(axis=0), sl.TRUTH.means[k], atol=0.1)
        np.testing.assert_allclose(np.cov(X[z == k].T), sl.TRUTH.covariances[k], atol=0.15)
    again, _ = sl.lab_data(n=4000, rng=1)
    np.testing.assert_array_equal(X, again)


def test_selection_state_reads_the_grid(data):
    X, grid = data
    state = sl.selection_state(grid, 3, "spherical")
    i, j = grid.covariance_types.index("spherical"), grid.ks.index(3)
    assert state["gmm"] is grid.gmms["spherical", 3] and state["gmm"].covariance_type == "spherical"
    assert state["n_parameters"] == 2 + 6 + 3
    assert state["bic"] == grid.bic[i, j] and state["aic"] == grid.aic[i, j]
    assert state["held_out"] == grid.held_out[i, j]
    # the training log-likelihood and BIC of the state against scipy's density, summed point by point
    g = state["gmm"]
    log_p = np.logaddexp.reduce(np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X) for w, m, c
                                                 in zip(g.weights, g.means, g.covariances, strict=True)]), axis=1)
    assert state["log_likelihood"] == pytest.approx(log_p.sum(), rel=1e-12)
    assert state["bic"] == pytest.approx(-2 * log_p.sum() + 11 * np.log(len(X)), rel=1e-12)
    assert state["best_bic"] == grid.best("bic") and state["best_k_bic"] == grid.best("bic", "spherical")[0]
    assert state["best_k_held_out"] == grid.best("held_out", "spherical")[0]
    with pytest.raises(ValueError, match="k must be one of"):
        sl.selection_state(grid, 7, "full")


def test_responsibilities_are_bayes_rule(data):
    X, grid = data
    resp = sl.responsibilities(grid, X)
    assert set(resp) == set(grid.gmms)
    g = grid.gmms["tied", 2]
    dens = np.column_stack([w * stats.multivariate_normal(m, c).pdf(X)
                            for w, m, c in zip(g.weights, g.means, g.covariances, strict=True)])
    np.testing.assert_allclose(resp["tied", 2], dens / dens.sum(axis=1, keepdims=True), atol=1e-12)


def test_status_line_names_the_choice_and_the_criteria(data):
    _, grid = data
    state = sl.selection_state(grid, 2, "full")
    line = sl.status_line(state)
    assert line.startswith("K = 2, full: p = 11 parameters")
    assert f"BIC {state['bic']:.1f}" in line and f"held-out {state['held_out']:.3f}" in line
    assert f"over all types BIC picks K = {grid.best('bic')[0]}" in line


def test_the_lab_draws_what_the_state_says(data):
    X, grid = data
    lab = sl.make_selection_lab(X, grid=grid, k=1, covariance_type="full")
    assert lab.image.value[:4] == b"\x89PNG"
    seen = {lab.image.value}
    for k, t in ((3, "full"), (3, "tied"), (4, "spherical")):
        lab.controls["k"].value = k
        lab.controls["covariance_type"].value = t
        assert lab.image.value not in seen
        seen.add(lab.image.value)
    state = lab.state()
    assert (state["k"], state["covariance_type"]) == (4, "spherical")
    figure = lab.figure
    gmm = state["gmm"]
    for j in range(4):  # the ellipses and means of the chosen fit, the rest hidden
        np.testing.assert_allclose(figure.ellipses[j].get_xydata(), ellipse_points(gmm.means[j], gmm.covariances[j],
                                   sl.LEVEL, sl.OUTLINE_POINTS), atol=1e-12)
        np.testing.assert_allclose(np.ravel(figure.marks[j].get_data()), gmm.means[j])
    colours = sl.responsibilities(grid, X)["spherical", 4] @ component_colors(4)
    np.testing.assert_allclose(figure.scatter.get_facecolors()[:, :3], colours, atol=1e-12)
    i = grid.covariance_types.index("spherical")
    np.testing.assert_allclose(figure.thick["bic"].get_ydata(), grid.bic[i])
    np.testing.assert_allclose(figure.thick["held_out"].get_ydata(), grid.held_out[i])
    assert np.ravel(figure.rings["bic"].get_data()).tolist() == [4, state["bic"]]
    assert np.ravel(figure.rings["held_out"].get_data()).tolist() == [4, state["held_out"]]
    lab.controls["k"].value = 2  # fewer components: the surplus ellipses are hidden
    assert [e.get_visible() for e in figure.ellipses] == [True, True, False, False]
    assert lab.readout.value.startswith("K = 2, spherical")
    assert lab.widget.children[-1] is lab.readout
    assert lab.controls["k"].min == 1 and lab.controls["k"].max == 4


def test_the_lab_builds_its_own_grid_when_given_none():
    X, _ = sl.lab_data(n=60, rng=0)
    lab = sl.make_selection_lab(X, ks=(1, 2), n_folds=2)
    assert lab.grid.ks == (1, 2) and lab.grid.covariance_types == sl.COVARIANCE_TYPES and lab.grid.n_folds == 2


def test_the_lab_refuses_a_grid_with_gaps():
    X, _ = sl.lab_data(n=60, rng=0)
    grid = sl.build_grid(X, ks=(1, 3), n_folds=2, covariance_types=("full",))
    with pytest.raises(ValueError, match="consecutive"):
        sl.make_selection_lab(X, grid=grid)


def test_split_start_is_close_to_the_fit_it_grows_from():
    from coursepkg import em, mixture

    X, _ = sl.lab_data(n=300, rng=2)
    for t in ("full", "spherical", "tied"):
        gmm = em.fit_em(X, 2, rng=0, covariance_type=t).gmm
        start = sl.split_start(gmm)
        assert start.k == 3 and start.covariance_type == t
        np.testing.assert_allclose(start.weights.sum(), 1.0)
        j = int(np.argmax(gmm.weights))
        np.testing.assert_allclose(start.means[[j, 2]].mean(axis=0), gmm.means[j], atol=1e-12)  # halves about the mean
        # a one-standard-deviation split loses at most a little of the likelihood, and EM climbs from there
        loss = mixture.log_likelihood(X, gmm) - mixture.log_likelihood(X, start)
        assert loss < 0.15 * len(X)  # (it can be a gain: the 3-component start is not held at a 2-component maximum)
        assert em.fit_em(X, start).log_likelihood >= mixture.log_likelihood(X, start)


def test_truth_order_numbers_components_as_the_truth():
    from coursepkg.mixture import GMM, match_components

    rng = np.random.default_rng(0)
    for _ in range(5):
        order = rng.permutation(3)
        shuffled = sl.TRUTH.permuted(order)
        assert sl.truth_order(shuffled) == match_components(shuffled.means, sl.TRUTH.means)
        np.testing.assert_allclose(shuffled.permuted(sl.truth_order(shuffled)).means, sl.TRUTH.means)
    extra = GMM([0.3, 0.2, 0.2, 0.3], [[4.4, 1.4], [1.0, 4.1], [0.5, 0.2], [-0.5, -0.3]],
                np.repeat(np.eye(2)[None], 4, 0))
    assert sl.truth_order(extra) == [2, 0, 1, 3]  # the nearer of the two goes first, the other last
    two = GMM([0.5, 0.5], [[1.0, 4.0], [0.1, 0.1]], np.repeat(np.eye(2)[None], 2, 0))
    assert sl.truth_order(two) == [1, 0]


def test_the_grid_is_monotone_renumbered_and_its_criteria_consistent(data):
    from coursepkg import selection
    from coursepkg.mixture import match_components

    X, grid = data
    assert np.all(np.diff(grid.log_likelihood, axis=1) >= -1e-6)
    for (t, k), gmm in grid.gmms.items():
        i, j = grid.index(k, t)
        assert grid.aic[i, j] == pytest.approx(selection.aic(X, gmm), rel=1e-12)
        assert grid.bic[i, j] == pytest.approx(selection.bic(X, gmm), rel=1e-12)
        if k == 3:
            assert match_components(gmm.means, sl.TRUTH.means) == [0, 1, 2]
