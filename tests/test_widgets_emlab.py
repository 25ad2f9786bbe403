"""The EM lab: its state functions against independent computations, and the widget wiring."""

import numpy as np
import pytest
from scipy import special, stats

from coursepkg import em
from coursepkg.plotting import component_colors
from coursepkg.widgets import emlab

R2 = stats.chi2.ppf(0.95, df=2)  # squared Mahalanobis radius of a 95% ellipse in 2-D


@pytest.fixture(scope="module")
def faithful():
    return emlab.lab_data("Old Faithful (minutes)").X


def scipy_posterior(X, gmm):
    """Responsibilities and log-likelihood from scipy's densities (independent of coursepkg's E-step)."""
    log_joint = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
                                 for w, m, c in zip(gmm.weights, gmm.means, gmm.covariances, strict=True)])
    log_norm = special.logsumexp(log_joint, axis=1)
    return np.exp(log_joint - log_norm[:, None]), log_norm.sum()


def numpy_m_step(X, resp, reg_covar=1e-6):
    """Weights, means and covariances from responsibilities with numpy's weighted covariance."""
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, None]
    covs = np.array([np.cov(X.T, aweights=resp[:, j], bias=True) + reg_covar * np.eye(X.shape[1])
                     for j in range(resp.shape[1])])
    return nk / X.shape[0], means, covs


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


def test_lab_start_has_the_fit_em_means_and_small_axis_aligned_components(faithful):
    span = faithful.max(axis=0) - faithful.min(axis=0)
    for method in em.INIT_METHODS:
        start = emlab.lab_start(faithful, 3, method, rng=3)
        want = em.initial_gmm(faithful, 3, init=method, rng=np.random.default_rng(3))
        np.testing.assert_array_equal(start.means, want.means)
        np.testing.assert_allclose(start.weights, 1 / 3, rtol=1e-15)
        for cov in start.covariances:
            # axis-aligned, and the 95% ellipse reaches START_HALF_WIDTH of the span along each axis
            assert cov[0, 1] == cov[1, 0] == 0.0
            np.testing.assert_allclose(np.sqrt(R2 * np.diag(cov)), emlab.START_HALF_WIDTH * span, rtol=1e-12)
    path = emlab.start_path(faithful, 2, "random", rng=1)
    assert path.n_iter == 0 and not path.converged
    resp, ll = scipy_posterior(faithful, path.gmms[0])
    np.testing.assert_allclose(path.resps[0], resp, atol=1e-12)
    assert path.history[0] == pytest.approx(ll, rel=1e-12)


def _outline_inside(lines, xlim, ylim):
    for line in lines:
        if line.get_visible():
            x, y = line.get_xydata().T
            assert xlim[0] <= x.min() and x.max() <= xlim[1] and ylim[0] <= y.min() and y.max() <= ylim[1]


@pytest.mark.parametrize("name", emlab.DATASETS)
def test_every_starting_ellipse_fits_in_the_frame(name):
    X = emlab.lab_data(name).X
    xlim, ylim = emlab.data_frame(X)
    assert xlim[0] < X[:, 0].min() and X[:, 0].max() < xlim[1] and ylim[0] < X[:, 1].min() and X[:, 1].max() < ylim[1]
    for k in range(1, emlab.K_MAX + 1):
        for method in em.INIT_METHODS:
            for seed in range(4):
                gmm = emlab.lab_start(X, k, method, seed)
                for j in range(k):
                    # the extreme points of the 95% ellipse along each axis: mean ± sqrt(R2 Sigma_jj)
                    reach = np.sqrt(R2 * np.diag(gmm.covariances[j]))
                    low, high = gmm.means[j] - reach, gmm.means[j] + reach
                    assert xlim[0] < low[0] and high[0] < xlim[1] and ylim[0] < low[1] and high[1] < ylim[1]


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
    assert path.start().n_iter == 0 and path.start().gmms[0] is path.gmms[0]


def test_half_steps_show_the_m_step_then_the_e_step(faithful):
    run = emlab.LabRun(emlab.start_path(faithful, 2, "k-means++", 4))
    # M-step: new ellipses from the old colours, colours unchanged
    after_m = emlab.press(faithful, run, "M-step")
    assert after_m.e_pending and after_m.path.n_iter == 1 and "M-step 1" in after_m.message
    weights, means, covs = numpy_m_step(faithful, run.path.resps[0])
    gmm = after_m.path.gmms[1]
    np.testing.assert_allclose(gmm.weights, weights, rtol=1e-12)
    np.testing.assert_allclose(gmm.means, means, rtol=1e-12)
    np.testing.assert_allclose(gmm.covariances, covs, rtol=1e-10)
    shown = emlab.lab_state(after_m.path, e_pending=after_m.e_pending)
    assert shown["gmm"] is gmm and shown["resp"] is run.path.resps[0] and shown["e_pending"]
    # a second M-step changes nothing: it reads the same colours
    again = emlab.press(faithful, after_m, "M-step")
    assert again.path is after_m.path and again.e_pending and "nothing moves" in again.message
    # E-step: the colours of the new ellipses, by scipy; no new parameters
    after_e = emlab.press(faithful, after_m, "E-step")
    assert not after_e.e_pending and after_e.path is after_m.path
    resp, ll = scipy_posterior(faithful, gmm)
    state = emlab.lab_state(after_e.path, e_pending=after_e.e_pending)
    np.testing.assert_allclose(state["resp"], resp, atol=1e-12)
    assert state["log_likelihood"] == pytest.approx(ll, rel=1e-12) and ll > run.path.history[0]
    assert "largest change" in after_e.message
    again = emlab.press(faithful, after_e, "E-step")
    assert again.path is after_e.path and not again.e_pending and "nothing changes" in again.message


def test_step_run_and_reset(faithful):
    start = emlab.LabRun(emlab.start_path(faithful, 2, "random", 2))
    step = emlab.press(faithful, start, "Step")
    assert step.path.n_iter == 1 and not step.e_pending
    # after an M-step, Step ends that iteration (its E-step) and takes no new M-step
    half = emlab.press(faithful, step, "M-step")
    ended = emlab.press(faithful, half, "Step")
    assert ended.path is half.path and ended.path.n_iter == 2 and not ended.e_pending
    run = emlab.press(faithful, ended, "Run")
    ref = em.fit_em(faithful, start.path.gmms[0], max_iter=2 + emlab.RUN_STEPS, tol=1e-6)
    assert run.path.converged and run.path.n_iter == ref.n_iter <= 2 + emlab.RUN_STEPS
    np.testing.assert_array_equal(run.path.history, ref.history)
    assert "Converged" in run.message
    assert emlab.press(faithful, run, "M-step").path is run.path  # nothing to do once converged
    reset = emlab.press(faithful, run, "Reset")
    assert reset.path.n_iter == 0 and reset.path.gmms[0] is start.path.gmms[0] and not reset.e_pending
    with pytest.raises(ValueError, match="action must be one of"):
        emlab.press(faithful, start, "Jump")


def test_lab_state_mixture_responsibilities_and_curve(faithful):
    path = emlab.advance(faithful, emlab.start_path(faithful, 2, "kmeans", 0), 3)
    state = emlab.lab_state(path, t=2)
    assert state["gmm"] is path.gmms[2] and state["resp"] is path.resps[2]
    resp_want, ll_want = scipy_posterior(faithful, path.gmms[2])
    np.testing.assert_allclose(state["resp"], resp_want, atol=1e-12)
    np.testing.assert_array_equal(state["history"], path.history[:3])
    assert state["iteration"] == 2 and state["log_likelihood"] == path.history[2]
    assert state["log_likelihood"] == pytest.approx(ll_want, rel=1e-12)
    assert not state["converged"] and not state["e_pending"]
    assert emlab.lab_state(path)["iteration"] == 3
    assert emlab.lab_state(path, t=2, e_pending=True)["resp"] is path.resps[1]
    with pytest.raises(ValueError, match="t must be between"):
        emlab.lab_state(path, t=4)
    with pytest.raises(ValueError, match="e_pending needs an M-step"):
        emlab.lab_state(path, t=0, e_pending=True)


def test_log_likelihood_range_holds_the_curves_after_their_start():
    X = emlab.lab_data("overlapping").X
    lo, hi = emlab.log_likelihood_range(X, k_max=4, n_seeds=2)
    for k in (2, 3, 4):
        for seed in (0, 1):
            path = emlab.advance(X, emlab.start_path(X, k, "random", seed), 300)
            assert path.history[0] < lo  # the small starting components fit badly: below the axis
            assert lo < min(path.history[1:])
            if k < 4:  # (with k = k_max a random start can beat the k-means start that sets `hi`: the axis widens)
                assert max(path.history) < hi
    assert hi - lo < 200  # the curves' climb after the first iteration fills the axis


def test_log_likelihood_range_holds_every_first_iteration_of_the_sliders():
    """Every setting of the lab's sliders (k = 1..K_MAX, every init, seeds 0..SEED_MAX) starts its curve
    inside the default range after the first iteration: no seed widens the axis (a full redraw)."""
    for name in ("Old Faithful (standardised)", "elongated"):
        X = emlab.lab_data(name).X
        lo, _ = emlab.log_likelihood_range(X)
        firsts = [emlab.advance(X, emlab.start_path(X, k, init, seed), 1).history[1]
                  for k in range(1, emlab.K_MAX + 1) for init in em.INIT_METHODS
                  for seed in range(emlab.SEED_MAX + 1)]
        assert lo < min(firsts)


def test_widget_buttons_and_controls_redraw():
    lab = emlab.make_emlab_lab(dataset="round", k=3, init="random", seed=0)

    def changed(action):
        before = lab.image.value
        action()
        return lab.image.value != before

    assert lab.image.value[:4] == b"\x89PNG"
    assert set(lab.buttons) == {"M-step", "E-step", "Step", emlab.RUN_LABEL, "Reset"}
    assert changed(lambda: lab.press("M-step")) and lab.state().path.n_iter == 1 and lab.state().run.e_pending
    assert changed(lambda: lab.press("E-step")) and not lab.state().run.e_pending
    assert changed(lambda: lab.press("Step")) and lab.state().path.n_iter == 2
    assert changed(lambda: lab.press(emlab.RUN_LABEL)) and 2 < lab.state().path.n_iter <= 2 + emlab.RUN_STEPS
    assert changed(lambda: lab.press("Reset")) and lab.state().path.n_iter == 0
    assert changed(lambda: setattr(lab.controls["k"], "value", 2)) and lab.state().path.gmms[0].k == 2
    start = lab.state().path.gmms[0].means.copy()
    assert changed(lambda: setattr(lab.controls["seed"], "value", 5))
    assert not np.array_equal(lab.state().path.gmms[0].means, start)
    assert changed(lambda: setattr(lab.controls["init"], "value", "kmeans"))
    want = emlab.lab_start(lab.state().data.X, 2, "kmeans", 5)
    np.testing.assert_array_equal(lab.state().path.gmms[0].means, want.means)
    assert changed(lambda: setattr(lab.controls["dataset"], "value", "Old Faithful (minutes)"))
    assert lab.state().data.X.shape == (272, 2) and lab.state().path.n_iter == 0
    assert lab.state().dataset == "Old Faithful (minutes)"


def test_the_opening_picture_fits_in_the_frame():
    lab = emlab.make_emlab_lab()
    figure = lab.figure
    for name in emlab.DATASETS:
        lab.controls["dataset"].value = name
        for k in (1, 3, emlab.K_MAX):
            lab.controls["k"].value = k
            for init in em.INIT_METHODS:
                lab.controls["init"].value = init
                assert lab.state().path.n_iter == 0 and sum(line.get_visible() for line in figure.fit_lines) == k
                _outline_inside(figure.fit_lines, figure.ax_data.get_xlim(), figure.ax_data.get_ylim())


def test_widget_draws_the_state_and_both_halves():
    lab = emlab.make_emlab_lab(dataset="overlapping", k=3, init="kmeans", seed=1)
    figure = lab.figure
    for _ in range(3):
        lab.press("Step")
    lab.press("M-step")  # the ellipses of iteration 4 over the colours of iteration 3
    state = lab.state()
    path = state.path
    gmm = path.gmms[-1]
    colours = figure.scatter.get_facecolors()[:, :3]
    np.testing.assert_allclose(colours, path.resps[-2] @ component_colors(3), atol=1e-12)
    for j in range(emlab.K_MAX):  # the fitted 95% ellipses and their means; the lines beyond k are hidden
        assert figure.fit_lines[j].get_visible() == figure.mean_marks[j].get_visible() == (j < 3)
    for j in range(3):
        diff = figure.fit_lines[j].get_xydata() - gmm.means[j]
        mahalanobis = np.einsum("ij,ij->i", diff, np.linalg.solve(gmm.covariances[j], diff.T).T)
        np.testing.assert_allclose(mahalanobis, R2, rtol=1e-10)
        np.testing.assert_allclose(np.ravel(figure.mean_marks[j].get_data()), gmm.means[j])
    true = state.data.true_gmm
    for j in range(true.k):
        diff = figure.true_lines[j].get_xydata() - true.means[j]
        mahalanobis = np.einsum("ij,ij->i", diff, np.linalg.solve(true.covariances[j], diff.T).T)
        np.testing.assert_allclose(mahalanobis, R2, rtol=1e-10)
    np.testing.assert_array_equal(figure.ll_line.get_ydata(), path.history)
    np.testing.assert_array_equal(figure.ll_line.get_xdata(), np.arange(5))
    assert "E-step pending" in lab.readout.value and "iteration 4" in lab.readout.value
    lab.press("E-step")
    colours = figure.scatter.get_facecolors()[:, :3]
    np.testing.assert_allclose(colours, path.resps[-1] @ component_colors(3), atol=1e-12)
    assert "after the E-step" in lab.readout.value
    assert lab.readout in lab.widget.children


def test_the_start_below_the_curve_axis_is_marked_at_its_edge():
    lab = emlab.make_emlab_lab()
    figure = lab.figure
    low = figure.ax_ll.get_ylim()[0]
    assert lab.state().path.history[0] < low
    assert figure.ll_now.get_marker() == "v" and np.ravel(figure.ll_now.get_data())[1] == low
    lab.press("Step")
    assert figure.ll_now.get_marker() == "o" and low < lab.state().path.history[1]


def test_a_curve_longer_than_the_axis_widens_it():
    lab = emlab.make_emlab_lab(dataset="overlapping", k=3, init="random", seed=0)
    lab.press(emlab.RUN_LABEL)
    path = lab.state().path
    assert path.n_iter > emlab.X_RANGE
    xmax = lab.figure.ax_ll.get_xlim()[1]
    assert path.n_iter <= xmax and xmax == emlab.WIDEN * emlab.X_RANGE + 0.5
    assert lab.redraw_ms[-1] < 1000  # drawn ahead of time (the benchmark measures it against 100 ms)


def test_curve_limits():
    ll_range = (-950.0, -880.0)
    assert emlab.curve_limits([-5000.0], ll_range) == (emlab.X_RANGE, -950.0, -880.0)
    # the start far below is left out; the iterations shown grow by WIDEN
    hist = np.r_[-5000.0, np.linspace(-940, -890, emlab.X_RANGE + 1)]
    assert emlab.curve_limits(hist, ll_range) == (emlab.WIDEN * emlab.X_RANGE, -950.0, -880.0)
    assert emlab.curve_limits(hist[:3], ll_range, min_length=2 * emlab.X_RANGE)[0] == emlab.WIDEN * emlab.X_RANGE
    # a value after the start below the range widens it, padded by 5 %
    length, lo, hi = emlab.curve_limits([-5000.0, -1000.0, -900.0], ll_range)
    assert (length, lo, hi) == (emlab.X_RANGE, pytest.approx(-1000 - 0.05 * 120), pytest.approx(-880 + 0.05 * 120))


def test_status_text_says_where_the_run_stands(faithful):
    path = emlab.advance(faithful, emlab.start_path(faithful, 2, "kmeans", 0), 2)
    where, what = emlab.status_text(emlab.lab_state(path, e_pending=True), "M-step 2: ...")
    assert where == f"iteration 2 (M-step done, E-step pending): log-likelihood {path.history[2]:.2f} nats"
    assert what == "M-step 2: ..."
    done = emlab.advance(faithful, path, 500)
    assert "converged" in emlab.status_text(emlab.lab_state(done))[0]
