"""The EM lab: its state functions against independent computations, and the widget wiring."""

import numpy as np
import pytest
from scipy import stats

from coursepkg import em, mixture
from coursepkg.plotting import component_colors
from coursepkg.widgets import emlab


@pytest.fixture(scope="module")
def faithful():
    return emlab.lab_data("Old Faithful (minutes)").X


def test_lab_data_shapes_and_standardisation():
    for name in emlab.DATASETS:
        data = emlab.lab_data(name)
        assert data.X.ndim == 2 and data.X.shape[1] == 2
        assert (data.true_gmm is None) == name.startswith("Old Faithful")
    Z = emlab.lab_data("Old Faithful (standardised)").X
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-12)
    assert emlab.lab_data("Old Faithful (minutes)").X.shape == (272, 2)
    with pytest.raises(ValueError, match="name must be one of"):
        emlab.lab_data("unequal")


def test_start_path_is_the_fit_em_start(faithful):
    for method in em.INIT_METHODS:
        path = emlab.start_path(faithful, 2, method, rng=3)
        want = em.initial_gmm(faithful, 2, init=method, rng=np.random.default_rng(3))
        np.testing.assert_array_equal(path.gmms[0].means, want.means)
        assert path.n_iter == 0 and not path.converged
        assert path.history[0] == pytest.approx(mixture.log_likelihood(faithful, want), rel=1e-12)


def test_advance_reproduces_fit_em_history(faithful):
    path = emlab.start_path(faithful, 2, "random", rng=1)
    done = emlab.advance(faithful, path, 500, tol=1e-6)
    ref = em.fit_em(faithful, path.gmms[0], max_iter=500, tol=1e-6)
    # both take em.em_iteration and its stopping test: the same numbers to the last digit
    np.testing.assert_array_equal(done.history, ref.history)
    assert done.converged == ref.converged is True and done.n_iter == ref.n_iter
    np.testing.assert_array_equal(done.gmms[-1].means, ref.gmm.means)
    np.testing.assert_array_equal(done.gmms[-1].covariances, ref.gmm.covariances)
    # stepping one at a time visits the same mixtures as one long run
    stepped = path
    while not stepped.converged:
        stepped = emlab.advance(faithful, stepped, 1, tol=1e-6)
    np.testing.assert_allclose(stepped.history, done.history, rtol=1e-12)
    # a converged path is left alone, and the input path is never changed
    assert emlab.advance(faithful, done, 5) is done
    assert path.n_iter == 0


def test_advance_stops_after_n_steps(faithful):
    path = emlab.advance(faithful, emlab.start_path(faithful, 3, "random", 0), 4, tol=0.0)
    assert path.n_iter == 4 and len(path.resps) == len(path.history) == 5
    assert np.all(np.diff(path.history) >= -1e-9)  # EM never lowers the log-likelihood


def _on_ellipse(points, gmm, j):
    """Squared Mahalanobis distances of outline points to component j, by a linear solve."""
    diff = points - gmm.means[j]
    return np.einsum("ij,ij->i", diff, np.linalg.solve(gmm.covariances[j], diff.T).T)


def test_lab_state_mixture_responsibilities_and_curve(faithful):
    path = emlab.advance(faithful, emlab.start_path(faithful, 2, "kmeans", 0), 3)
    state = emlab.lab_state(path, t=2)
    assert state["gmm"] is path.gmms[2] and state["resp"] is path.resps[2]
    resp_want, ll_want = em.e_step(faithful, path.gmms[2])
    np.testing.assert_allclose(state["resp"], resp_want, rtol=1e-12)
    np.testing.assert_array_equal(state["history"], path.history[:3])
    assert state["iteration"] == 2 and state["log_likelihood"] == path.history[2]
    assert state["log_likelihood"] == pytest.approx(ll_want, rel=1e-12)
    assert not state["converged"]
    assert emlab.lab_state(path)["iteration"] == 3
    with pytest.raises(ValueError, match="t must be between"):
        emlab.lab_state(path, t=4)


def test_log_likelihood_range_holds_the_curves():
    X = emlab.lab_data("overlapping").X
    lo, hi = emlab.log_likelihood_range(X, k_max=4, n_seeds=2)
    for k in (1, 2, 4):
        for seed in (0, 1):
            start = em.initial_gmm(X, k, init="random", rng=np.random.default_rng(seed))
            assert lo < mixture.log_likelihood(X, start)
    # the curves of this data set climb to about -900 (k = 3 fits it best); the range holds them
    for k in (2, 3, 4):
        assert em.fit_em(X, k, init="kmeans", rng=0).log_likelihood < hi
    assert hi - lo < 2 * 1000


def test_widget_buttons_and_controls_redraw():
    lab = emlab.make_emlab_lab(dataset="round", k=3, init="random", seed=0)
    run = next(label for label in lab.buttons if label.startswith("Run"))

    def changed(action):
        before = lab.image.value
        action()
        return lab.image.value != before

    assert lab.image.value[:4] == b"\x89PNG"
    assert changed(lambda: lab.press("Step")) and lab.state().path.n_iter == 1
    assert changed(lambda: lab.press(run)) and 1 < lab.state().path.n_iter <= 1 + emlab.RUN_STEPS
    assert changed(lambda: lab.press("Reset")) and lab.state().path.n_iter == 0
    assert changed(lambda: setattr(lab.controls["k"], "value", 2)) and lab.state().path.gmms[0].k == 2
    start = lab.state().path.gmms[0].means.copy()
    assert changed(lambda: setattr(lab.controls["seed"], "value", 5))
    assert not np.array_equal(lab.state().path.gmms[0].means, start)
    assert changed(lambda: setattr(lab.controls["init"], "value", "kmeans"))
    want = em.initial_gmm(lab.state().data.X, 2, init="kmeans", rng=np.random.default_rng(5))
    np.testing.assert_array_equal(lab.state().path.gmms[0].means, want.means)
    assert changed(lambda: setattr(lab.controls["dataset"], "value", "Old Faithful (minutes)"))
    assert lab.state().data.X.shape == (272, 2) and lab.state().path.n_iter == 0
    assert lab.state().dataset == "Old Faithful (minutes)"


def test_widget_draws_the_state():
    lab = emlab.make_emlab_lab(dataset="overlapping", k=3, init="kmeans", seed=1)
    for _ in range(3):
        lab.press("Step")
    state, figure = lab.state(), lab.figure
    gmm, r2 = state.path.gmms[-1], stats.chi2.ppf(0.95, df=2)
    for j in range(emlab.K_MAX):  # the fitted 95% ellipses and their means; the lines beyond k are hidden
        assert figure.fit_lines[j].get_visible() == figure.mean_marks[j].get_visible() == (j < 3)
    for j in range(3):
        np.testing.assert_allclose(_on_ellipse(figure.fit_lines[j].get_xydata(), gmm, j), r2, rtol=1e-10)
        np.testing.assert_allclose(np.ravel(figure.mean_marks[j].get_data()), gmm.means[j])
    true = state.data.true_gmm
    for j in range(true.k):
        np.testing.assert_allclose(_on_ellipse(figure.true_lines[j].get_xydata(), true, j), r2, rtol=1e-10)
    colours = figure.scatter.get_facecolors()[:, :3]
    np.testing.assert_allclose(colours, state.path.resps[-1] @ component_colors(3), atol=1e-12)
    np.testing.assert_array_equal(figure.ll_line.get_ydata(), state.path.history)
    np.testing.assert_array_equal(figure.ll_line.get_xdata(), np.arange(4))
