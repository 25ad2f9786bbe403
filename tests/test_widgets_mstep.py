"""M-step lab (lesson 06): the pure state functions against EM computed independently, and the widget."""

import numpy as np
import pytest
from scipy import stats

from coursepkg import em
from coursepkg.datasets import make_synthetic, random_gmm
from coursepkg.mixture import log_likelihood, sample
from coursepkg.widgets.mstep import (
    DATASETS,
    POOR_START,
    SCENE_RATIO,
    TILTED,
    advance,
    format_gain,
    initial_state,
    lab_data,
    make_mstep_lab,
    poor_start,
    scene_limits,
)

X, _ = make_synthetic("round", n=300, rng=0)


def _naive_m_step(X, resp):
    """Weighted counts, means and centred covariances by an explicit loop over points."""
    n, d = X.shape
    k = resp.shape[1]
    nk = np.zeros(k)
    means = np.zeros((k, d))
    covs = np.zeros((k, d, d))
    for j in range(k):
        for i in range(n):
            nk[j] += resp[i, j]
            means[j] += resp[i, j] * X[i]
        means[j] /= nk[j]
        for i in range(n):
            diff = X[i] - means[j]
            covs[j] += resp[i, j] * np.outer(diff, diff)
        covs[j] /= nk[j]
    return nk / n, means, covs


def test_initial_state():
    state = initial_state(X, POOR_START)
    assert state.resp is None and state.bound is None
    assert (state.e_steps, state.m_steps, state.steps) == (0, 0, 0)
    assert state.log_likelihood == pytest.approx(log_likelihood(X, POOR_START), rel=1e-12)
    assert state.history == (state.log_likelihood,)
    assert state.next_step == "E"


def test_e_step_gives_posterior_and_a_tight_bound():
    start = initial_state(X, POOR_START)
    state = advance(start, "E")
    resp_want, ll_want = em.e_step(X, POOR_START)
    np.testing.assert_allclose(state.resp, resp_want, rtol=1e-12)
    assert state.bound == pytest.approx(ll_want, rel=1e-12)
    assert state.bound == pytest.approx(em.lower_bound(X, state.resp, state.gmm), rel=1e-10)
    assert state.e_steps == 1 and state.next_step == "M"
    assert start.resp is None and start.e_steps == 0, "advance must not modify its input"


def test_m_step_matches_a_naive_loop_and_raises_the_likelihood():
    state = advance(initial_state(X, POOR_START, reg_covar=0.0), "E")
    after = advance(state, "M")
    weights, means, covs = _naive_m_step(X, state.resp)
    np.testing.assert_allclose(after.gmm.weights, weights, rtol=1e-10)
    np.testing.assert_allclose(after.gmm.means, means, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(after.gmm.covariances, covs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(after.gmm.covariances, _weighted_covariances(X, state.resp, 0.0), rtol=1e-9, atol=1e-12)
    assert after.log_likelihood > state.log_likelihood
    assert after.log_likelihood == pytest.approx(log_likelihood(X, after.gmm), rel=1e-12)
    assert after.bound == pytest.approx(em.lower_bound(X, state.resp, after.gmm), rel=1e-12)
    assert state.log_likelihood <= after.bound <= after.log_likelihood
    assert after.history == (state.history[0], after.log_likelihood)
    assert after.m_steps == 1 and after.next_step == "E"
    np.testing.assert_array_equal(state.gmm.means, POOR_START.means)


def test_repeating_a_step_changes_nothing_but_the_message():
    state = advance(advance(initial_state(X, POOR_START), "E"), "M")
    for first, step in ((state, "M"), (advance(state, "E"), "E")):
        again = advance(first, step)
        assert again.gmm is first.gmm and again.resp is first.resp and again.posterior is first.posterior
        assert (again.e_steps, again.m_steps, again.history, again.bound, again.last) == (
            first.e_steps, first.m_steps, first.history, first.bound, first.last)
        assert again.log_likelihood == first.log_likelihood
        assert "nothing new" in again.message and again.message != first.message


def test_gain_near_zero_reads_as_converged():
    assert format_gain(-1.7e-13) == format_gain(2e-13) == "+0.000 nats (converged)"
    assert format_gain(0.0123) == "+0.012 nats"
    assert format_gain(-0.5) == "-0.500 nats"  # a real fall would be shown as one
    state = initial_state(X, POOR_START)
    for _ in range(300):
        state = advance(advance(state, "E"), "M")
    assert abs(state.history[-1] - state.history[-2]) < 1e-9
    assert "+0.000 nats (converged)" in state.message


def test_scene_holds_the_points_and_the_first_ellipses():
    r = np.sqrt(stats.chi2.ppf(0.95, df=2))
    for name in DATASETS:
        data = lab_data(name)
        (x0, x1), (y0, y1) = scene_limits(data.X, data.start, 1e-6)
        assert (y1 - y0) / (x1 - x0) == pytest.approx(SCENE_RATIO, rel=1e-9)
        state = advance(initial_state(data.X, data.start), "E")
        gmms = [state.gmm]
        for _ in range(3):
            state = advance(advance(state, "M"), "E")
            gmms.append(state.gmm)
        for gmm in gmms:  # the 95% ellipses' extents, from their covariances by an eigendecomposition
            for mean, cov in zip(gmm.means, gmm.covariances, strict=True):
                eigvals, eigvecs = np.linalg.eigh(cov)
                half = r * np.sqrt((eigvecs**2) @ eigvals)
                assert x0 < mean[0] - half[0] and mean[0] + half[0] < x1, name
                assert y0 < mean[1] - half[1] and mean[1] + half[1] < y1, name
        assert x0 < data.X[:, 0].min() and data.X[:, 0].max() < x1
        assert y0 < data.X[:, 1].min() and data.X[:, 1].max() < y1


def test_m_before_e_is_a_no_op_with_a_hint():
    start = initial_state(X, POOR_START)
    state = advance(start, "M")
    assert state.gmm is start.gmm and state.m_steps == 0
    assert "E-step first" in state.message


def _weighted_covariances(X, resp, reg_covar):
    """Sigma_k by numpy's weighted covariance (weights r_nk, divided by N_k), plus reg_covar on the diagonal."""
    d = X.shape[1]
    return np.array([np.cov(X.T, aweights=resp[:, j], bias=True) + reg_covar * np.eye(d) for j in range(resp.shape[1])])


def test_alternating_steps_reproduce_fit_em():
    state = initial_state(X, POOR_START)
    for _ in range(12):
        state = advance(advance(state, "E"), "M")
    result = em.fit_em(X, POOR_START, max_iter=12, tol=0.0)
    np.testing.assert_allclose(state.history, result.history, rtol=1e-12)
    np.testing.assert_allclose(state.gmm.means, result.gmm.means, rtol=1e-10)
    np.testing.assert_allclose(state.gmm.covariances, result.gmm.covariances, rtol=1e-10)
    np.testing.assert_allclose(state.gmm.weights, result.gmm.weights, rtol=1e-10)
    assert np.all(np.diff(state.history) >= -1e-9)


def test_each_m_step_is_one_em_iteration():
    state = advance(initial_state(X, POOR_START), "E")
    for t in range(1, 4):
        step = em.em_iteration(X, state.resp, state.log_likelihood)
        state = advance(state, "M")
        np.testing.assert_array_equal(state.gmm.means, step.gmm.means)
        np.testing.assert_array_equal(state.gmm.covariances, step.gmm.covariances)
        assert state.log_likelihood == step.log_likelihood
        assert f"{step.gain:+.3f} nats" in state.message
        state = advance(state, "E")  # the iteration's E-step, shown now
        np.testing.assert_array_equal(state.resp, step.resp)
        assert state.m_steps == state.e_steps - 1 == t


def test_other_dimensions_work_in_the_state_functions():
    gmm = random_gmm(2, 4, rng=1)
    data, _ = sample(gmm, 80, rng=np.random.default_rng(0))
    state = advance(advance(initial_state(data, gmm), "E"), "M")
    resp = em.e_step(data, gmm)[0]
    weights, means, covs = _naive_m_step(data, resp)
    np.testing.assert_allclose(state.gmm.weights, weights, rtol=1e-10)
    np.testing.assert_allclose(state.gmm.means, means, rtol=1e-9)
    reg = np.eye(4) * state.reg_covar  # the lab's default reg_covar = 1e-6
    np.testing.assert_allclose(state.gmm.covariances, covs + reg, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(state.gmm.covariances, _weighted_covariances(data, resp, 1e-6), rtol=1e-9, atol=1e-12)


def test_bad_step_name():
    with pytest.raises(ValueError, match='"E" or "M"'):
        advance(initial_state(X, POOR_START), "EM")


def test_widget_buttons_redraw_and_step():
    lab = make_mstep_lab()
    images = [lab.image.value]
    lab.press("E-step")
    images.append(lab.image.value)
    assert lab.state().e_steps == 1 and lab.state().resp is not None
    lab.press("M-step")
    images.append(lab.image.value)
    assert lab.state().m_steps == 1
    want = em.m_step(X, em.e_step(X, POOR_START)[0])
    np.testing.assert_allclose(lab.state().gmm.means, want.means, rtol=1e-12)
    np.testing.assert_allclose(lab.state().gmm.covariances, want.covariances, rtol=1e-12)
    np.testing.assert_allclose(lab.state().gmm.covariances, _weighted_covariances(X, em.e_step(X, POOR_START)[0], 1e-6),
                               rtol=1e-9)
    assert images[1] != images[0] and images[2] != images[1]
    # what is drawn: the 95% ellipses of the new parameters, by an eigendecomposition here
    r = np.sqrt(stats.chi2.ppf(0.95, df=2))
    for j, patch in enumerate(lab.figure.ellipses):
        eigvals, eigvecs = np.linalg.eigh(want.covariances[j])
        np.testing.assert_allclose(patch.get_center(), want.means[j], rtol=1e-12)
        np.testing.assert_allclose([patch.get_width(), patch.get_height()], 2 * r * np.sqrt(eigvals[::-1]), rtol=1e-9)
        direction = np.radians(patch.get_angle())
        assert abs(np.cos(direction) * eigvecs[0, 1] + np.sin(direction) * eigvecs[1, 1]) == pytest.approx(1.0)
    assert lab.figure.x_max == 40  # round converges within 40 M-steps from POOR_START
    for _ in range(40):  # past the x-range of the log-likelihood axes: the axis doubles
        lab.press("E-step")
        lab.press("M-step")
    assert lab.state().m_steps == 41 and lab.figure.x_max == 80
    assert lab.figure.ax_ll.get_xlim() == (-0.5, 80.5)
    lab.press("Reset")
    assert lab.state().steps == 0 and lab.state().resp is None
    assert lab.image.value != images[2]


def test_widget_rejects_non_2d_data():
    gmm = random_gmm(2, 3)
    data, _ = sample(gmm, 20, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="2-D"):
        make_mstep_lab(data, gmm)


def _major_axis_degrees(cov):
    """Direction of the long axis of a 2-D covariance, in degrees in (-90, 90], by numpy's eigh."""
    eigvals, eigvecs = np.linalg.eigh(cov)
    v = eigvecs[:, -1]
    angle = np.degrees(np.arctan2(v[1], v[0]))
    return (angle + 90) % 180 - 90


def test_tilted_mixture_has_the_stated_axes():
    for cov, angle in zip(TILTED.covariances, (55, -50, 5), strict=True):
        eigvals = np.linalg.eigvalsh(cov)
        np.testing.assert_allclose(np.sqrt(eigvals), [0.3, 1.4], rtol=1e-12)
        assert _major_axis_degrees(cov) == pytest.approx(angle, abs=1e-9)


def test_lab_data_sets_and_their_starts():
    assert DATASETS == ("round", "elongated", "tilted")
    for name in DATASETS:
        data = lab_data(name)
        assert data.X.shape == (300, 2) and data.start.k == 3 and data.true_gmm.k == 3
    np.testing.assert_array_equal(lab_data("round").X, X)
    assert lab_data("round").start is POOR_START
    np.testing.assert_array_equal(lab_data("elongated").X, make_synthetic("elongated", n=300, rng=0)[0])
    tilted = lab_data("tilted").X
    np.testing.assert_array_equal(tilted, sample(TILTED, 300, rng=np.random.default_rng(0))[0])
    with pytest.raises(ValueError, match="name must be one of"):
        lab_data("square")


def test_poor_start_is_a_row_of_equal_circles():
    data = lab_data("tilted").X
    start = poor_start(data)
    centre, sd = data.mean(axis=0), data.std(axis=0)
    np.testing.assert_allclose(start.means[:, 1], centre[1], rtol=1e-12)
    np.testing.assert_allclose(np.diff(start.means[:, 0]), sd[0], rtol=1e-12)
    np.testing.assert_allclose(start.means[1, 0], centre[0], rtol=1e-12)
    for cov in start.covariances:
        np.testing.assert_allclose(cov, (sd[0] ** 2 + sd[1] ** 2) / 6 * np.eye(2), rtol=1e-12)
    np.testing.assert_allclose(start.weights, 1 / 3)


def test_one_m_step_tilts_the_outer_ellipses_on_the_tilted_data():
    """What the lesson's prediction question says: the left circle tilts up to the right, the right one down."""
    data = lab_data("tilted")
    state = advance(advance(initial_state(data.X, data.start), "E"), "M")
    resp = em.e_step(data.X, data.start)[0]
    covs = _weighted_covariances(data.X, resp, 1e-6)  # numpy, not coursepkg
    np.testing.assert_allclose(state.gmm.covariances, covs, rtol=1e-9)
    left, right = _major_axis_degrees(covs[0]), _major_axis_degrees(covs[2])
    assert 40 < left < 80 and -80 < right < -40, (left, right)
    for j in (0, 2):
        eigvals = np.linalg.eigvalsh(covs[j])
        assert np.sqrt(eigvals[1] / eigvals[0]) > 1.5  # stretched, not round


def test_menu_switches_the_data_set_and_starts_again():
    lab = make_mstep_lab()
    assert list(lab.controls["dataset"].options) == list(DATASETS)
    lab.press("E-step")
    lab.press("M-step")
    lab.controls["dataset"].value = "tilted"
    state = lab.state()
    np.testing.assert_array_equal(state.X, lab_data("tilted").X)
    assert state.steps == 0 and state.resp is None
    np.testing.assert_allclose(state.gmm.means, lab_data("tilted").start.means)
    np.testing.assert_allclose(lab.figure.points.get_offsets(), lab_data("tilted").X)
    lab.press("E-step")
    lab.press("M-step")
    assert lab.state().m_steps == 1
    lab.press("Reset")
    assert lab.state().steps == 0 and lab.figure.name == "tilted"
    lab.controls["dataset"].value = "round"
    assert lab.state().steps == 0
    np.testing.assert_array_equal(lab.state().X, X)


def test_legend_is_off_the_data():
    lab = make_mstep_lab(dataset="elongated")
    fig = lab.figure.fig
    renderer = fig.canvas.get_renderer()
    scene = lab.figure.ax.get_window_extent(renderer)
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert legends
    for legend in legends:
        assert not legend.get_window_extent(renderer).overlaps(scene)


def test_unknown_dataset_is_rejected():
    with pytest.raises(ValueError, match="dataset must be one of"):
        make_mstep_lab(dataset="square")
