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
    for method in emlab.INIT_METHODS:
        path = emlab.start_path(faithful, 2, method, seed=3)
        want = em.initial_gmm(faithful, 2, init=method, rng=np.random.default_rng(3))
        np.testing.assert_array_equal(path.gmms[0].means, want.means)
        assert path.n_iter == 0 and not path.converged
        assert path.history[0] == pytest.approx(mixture.log_likelihood(faithful, want), rel=1e-12)


def test_advance_reproduces_fit_em_history(faithful):
    path = emlab.start_path(faithful, 2, "random", seed=1)
    done = emlab.advance(faithful, path, 500, tol=1e-6)
    ref = em.fit_em(faithful, path.gmms[0], max_iter=500, tol=1e-6)
    np.testing.assert_allclose(done.history, ref.history, rtol=1e-12)
    assert done.converged == ref.converged is True
    np.testing.assert_allclose(done.gmms[-1].means, ref.gmm.means, rtol=1e-12)
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


def test_lab_state_ellipses_colours_and_curve(faithful):
    path = emlab.advance(faithful, emlab.start_path(faithful, 2, "kmeans", 0), 3)
    state = emlab.lab_state(path, t=2)
    gmm = path.gmms[2]
    r2 = stats.chi2.ppf(0.95, df=2)
    for j, outline in enumerate(state["ellipses"]):
        diff = outline - gmm.means[j]
        maha2 = np.einsum("ij,ij->i", diff, np.linalg.solve(gmm.covariances[j], diff.T).T)
        np.testing.assert_allclose(maha2, r2, rtol=1e-10)
    np.testing.assert_allclose(state["colors"], path.resps[2] @ component_colors(2), atol=1e-12)
    np.testing.assert_array_equal(state["history"], path.history[:3])
    assert state["iteration"] == 2 and state["log_likelihood"] == path.history[2]
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
        assert em.fit_em(X, k, init_method="kmeans", rng=0).log_likelihood < hi
    assert hi - lo < 2 * 1000


def test_widget_buttons_and_controls_redraw():
    lab = emlab.make_emlab_lab(dataset="round", k=3, init_method="random", seed=0)
    view = lab.view
    run = next(label for label in lab.buttons if label.startswith("Run"))

    def changed(action):
        before = lab.image.value
        action()
        return lab.image.value != before

    assert lab.image.value[:4] == b"\x89PNG"
    assert changed(lambda: lab.buttons["Step"].click()) and view.path.n_iter == 1
    assert changed(lambda: lab.buttons[run].click()) and 1 < view.path.n_iter <= 1 + emlab.RUN_STEPS
    assert changed(lambda: lab.buttons["Reset"].click()) and view.path.n_iter == 0
    assert changed(lambda: setattr(lab.controls["k"], "value", 2)) and view.path.gmms[0].k == 2
    start = view.path.gmms[0].means.copy()
    assert changed(lambda: setattr(lab.controls["seed"], "value", 5))
    assert not np.array_equal(view.path.gmms[0].means, start)
    assert changed(lambda: setattr(lab.controls["init_method"], "value", "kmeans"))
    want = em.initial_gmm(view.data.X, 2, init="kmeans", rng=np.random.default_rng(5))
    np.testing.assert_array_equal(view.path.gmms[0].means, want.means)
    assert changed(lambda: setattr(lab.controls["dataset"], "value", "Old Faithful (minutes)"))
    assert view.data.X.shape == (272, 2) and view.path.n_iter == 0
