"""The sampling lab: state logic against naive loops, scipy.stats and large-sample moments; the widget redraws."""

import numpy as np
import pytest
from scipy import stats

from coursepkg.gaussian import rotation
from coursepkg.plotting import component_colors
from coursepkg.widgets.sampling import fixed_noise, lab_parameters, make_sampling_lab, sampling_state


def by_hand_rotation(degrees):
    """R(theta) written out, independent of coursepkg.gaussian.rotation."""
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


PARAMS = (
    [0.3, 0.5, 0.2],  # weights
    [[0.0, 0.0], [4.0, 1.0], [-3.0, 2.0]],  # means
    [[2.0, 0.5], [1.0, 1.0], [0.7, 0.3]],  # standard deviations along the axes
    [30.0, 0.0, -60.0],  # angles in degrees
)


def test_covariance_from_shape_has_the_right_axes():
    u, e = fixed_noise(10)
    cov = sampling_state([1.0], [[0.0, 0.0]], [[2.0, 0.5]], [30.0], u, e).gmm.covariances[0]
    eigvals, eigvecs = np.linalg.eigh(cov)
    np.testing.assert_allclose(eigvals, [0.25, 4.0])
    major = eigvecs[:, 1] * np.sign(eigvecs[0, 1])
    np.testing.assert_allclose(major, [np.cos(np.pi / 6), np.sin(np.pi / 6)], atol=1e-12)
    np.testing.assert_allclose(rotation(90) @ [1, 0], [0, 1], atol=1e-15)
    with pytest.raises(ValueError, match="positive"):
        sampling_state([1.0], [[0.0, 0.0]], [[1.0, 0.0]], [0.0], u, e)


def test_state_matches_a_naive_loop():
    u, e = fixed_noise(50, rng=3)
    state = sampling_state(*PARAMS, u, e)
    weights, means, sds, angles = PARAMS
    for n in range(50):
        total, k = 0.0, None
        for j, w in enumerate(weights):
            total += w
            if u[n] < total:
                k = j
                break
        assert state.z[n] == k
        A = by_hand_rotation(angles[k]) @ np.diag(sds[k])
        np.testing.assert_allclose(state.X[n], np.array(means[k]) + A @ e[n], atol=1e-12)
    np.testing.assert_array_equal(state.counts, [np.sum(state.z == j) for j in range(3)])


def test_large_sample_has_the_mixture_moments_and_ellipse_mass():
    u, e = fixed_noise(200_000, rng=1)
    state = sampling_state(*PARAMS, u, e)
    np.testing.assert_allclose(state.counts / 200_000, PARAMS[0], atol=0.004)
    for j in range(3):
        Xj = state.X[state.z == j]
        np.testing.assert_allclose(Xj.mean(axis=0), state.gmm.means[j], atol=0.02)
        np.testing.assert_allclose(np.cov(Xj.T), state.gmm.covariances[j], atol=0.03)
        # each component's points are Gaussian: Kolmogorov-Smirnov test of the first coordinate against scipy
        sd = np.sqrt(state.gmm.covariances[j][0, 0])
        assert stats.kstest(Xj[:, 0], stats.norm(state.gmm.means[j][0], sd).cdf).pvalue > 1e-3
    np.testing.assert_allclose(state.inside, 0.95, atol=0.006)


def test_weights_are_normalised_and_zero_weight_gets_no_points():
    u, e = fixed_noise(300)
    state = sampling_state([2.0, 0.0], [[0, 0], [3, 3]], [[1, 1], [1, 1]], [0, 0], u, e)
    np.testing.assert_allclose(state.gmm.weights, [1.0, 0.0])
    assert state.counts.tolist() == [300, 0] and np.isnan(state.inside[1])
    with pytest.raises(ValueError, match="non-negative"):
        sampling_state([-1.0, 2.0], [[0, 0], [3, 3]], [[1, 1], [1, 1]], [0, 0], u, e)


def test_points_move_smoothly_with_the_sliders():
    u, e = fixed_noise(400)
    base = dict(weight_a=0.6, mean_b_x=2.5, mean_b_y=1.0, sd_a_major=1.5, sd_a_minor=0.5, angle_a=30.0,
                sd_b_major=1.0, sd_b_minor=0.8, angle_b=-45.0)
    before = sampling_state(*lab_parameters(**base), u, e)
    after = sampling_state(*lab_parameters(**(base | {"angle_a": 31.0, "mean_b_x": 2.6})), u, e)
    np.testing.assert_array_equal(before.z, after.z)
    assert np.abs(after.X - before.X).max() < 0.15  # one degree and 0.1 units move every point only a little
    moved = sampling_state(*lab_parameters(**(base | {"weight_a": 0.61})), u, e)
    assert 0 < np.sum(moved.z != before.z) < 15  # a 1% change of weight relabels only about 1% of points
    same = ~np.isin(np.arange(400), np.flatnonzero(moved.z != before.z))
    np.testing.assert_array_equal(moved.X[same], before.X[same])


def test_lab_redraws_in_place_for_each_control():
    lab = make_sampling_lab(n=200)
    assert lab.image.value[:4] == b"\x89PNG"
    changes = {"weight_a": 0.3, "mean_b_x": -1.0, "mean_b_y": 2.0, "sd_a_major": 2.5, "sd_a_minor": 1.0,
               "angle_a": -20.0, "sd_b_major": 2.0, "sd_b_minor": 0.3, "angle_b": 60.0}
    for name, value in changes.items():
        before = lab.image.value
        lab.controls[name].value = value
        assert lab.image.value != before, name
    state = lab.state()
    np.testing.assert_allclose(state.gmm.weights, [0.3, 0.7])
    np.testing.assert_allclose(state.gmm.means[1], [-1.0, 2.0])
    A = by_hand_rotation(60.0) @ np.diag([2.0, 0.3])
    np.testing.assert_allclose(state.gmm.covariances[1], A @ A.T)
    assert state.counts.sum() == 200
    # what is drawn: every point where the state puts it, in the colour of its component
    figure = lab.figure
    np.testing.assert_array_equal(figure.points.get_offsets(), state.X)
    np.testing.assert_allclose(figure.points.get_facecolors()[:, :3], component_colors(2)[state.z])
