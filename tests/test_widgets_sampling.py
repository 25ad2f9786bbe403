"""The sampling lab: state logic against naive loops, scipy.stats and binomial tolerances; the widget redraws."""

import numpy as np
import pytest
from scipy import stats

from coursepkg.gaussian import rotation
from coursepkg.plotting import component_colors
from coursepkg.widgets.sampling import (
    START,
    START_WEIGHTS,
    MixtureSettings,
    fixed_noise,
    make_sampling_lab,
    normalised_weights,
    sampling_state,
)

RESAMPLE = "Resample (new random numbers)"


def by_hand_rotation(degrees):
    """R(theta) written out, independent of coursepkg.gaussian.rotation."""
    t = np.radians(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


PARAMS = (
    [0.3, 0.5, 0.2],  # weights
    [[0.0, 0.0], [4.0, 1.0], [-3.0, 2.0]],  # means
    [[2.0, 0.5], [1.0, 1.0], [0.7, 0.3]],  # standard deviations along and across the axis
    [30.0, 0.0, -60.0],  # angles in degrees
)


def binomial_band(n, p, z=4.0):
    """Half-width of a z-standard-error band for a binomial proportion with n trials."""
    return z * np.sqrt(p * (1 - p) / n)


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


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_and_ellipse_mass_within_binomial_tolerance(seed):
    n = 20_000
    state = sampling_state(*PARAMS, *fixed_noise(n, rng=seed))
    weights = np.array(PARAMS[0])
    # each count is Binomial(n, pi_k): within 4 standard errors of n pi_k
    assert np.all(np.abs(state.counts / n - weights) <= binomial_band(n, weights)), state.counts
    # and jointly: Pearson's chi-square test of the counts against the weights
    assert stats.chisquare(state.counts, n * weights).pvalue > 1e-4
    # inside the own 95% ellipse: Binomial(n_k, 0.95) for each component, whatever its shape
    assert np.all(np.abs(state.inside - 0.95) <= binomial_band(state.counts, 0.95)), state.inside
    # the same count by the Mahalanobis distance of each point from scipy's covariance, not from the noise
    for j in range(3):
        Xj = state.X[state.z == j] - state.gmm.means[j]
        d2 = np.einsum("ni,ij,nj->n", Xj, np.linalg.inv(state.gmm.covariances[j]), Xj)
        assert np.mean(d2 <= stats.chi2(2).ppf(0.95)) == pytest.approx(state.inside[j], abs=1e-12)


def test_large_sample_has_the_mixture_moments():
    state = sampling_state(*PARAMS, *fixed_noise(200_000, rng=1))
    for j in range(3):
        Xj = state.X[state.z == j]
        np.testing.assert_allclose(Xj.mean(axis=0), state.gmm.means[j], atol=0.02)
        np.testing.assert_allclose(np.cov(Xj.T), state.gmm.covariances[j], atol=0.03)
        # each component's points are Gaussian: Kolmogorov-Smirnov test of the first coordinate against scipy
        sd = np.sqrt(state.gmm.covariances[j][0, 0])
        assert stats.kstest(Xj[:, 0], stats.norm(state.gmm.means[j][0], sd).cdf).pvalue > 1e-3


def test_weights_are_normalised_and_zero_weight_gets_no_points():
    u, e = fixed_noise(300)
    state = sampling_state([2.0, 0.0], [[0, 0], [3, 3]], [[1, 1], [1, 1]], [0, 0], u, e)
    np.testing.assert_allclose(state.gmm.weights, [1.0, 0.0])
    assert state.counts.tolist() == [300, 0] and np.isnan(state.inside[1])
    with pytest.raises(ValueError, match="non-negative"):
        sampling_state([-1.0, 2.0], [[0, 0], [3, 3]], [[1, 1], [1, 1]], [0, 0], u, e)
    np.testing.assert_allclose(normalised_weights([0.5, 0.3, 0.2]), [0.5, 0.3, 0.2])
    np.testing.assert_allclose(normalised_weights([2.0, 1.0, 1.0]), [0.5, 0.25, 0.25])
    np.testing.assert_allclose(normalised_weights([0.0, 0.0, 0.0]), [1 / 3] * 3)  # all sliders at 0
    with pytest.raises(ValueError, match="non-negative"):
        normalised_weights([0.5, -0.1, 0.2])


def test_settings_edit_one_component_only():
    edited = START.edited(1, 0.5, -1.0, 2.0, 0.3, 10.0)
    np.testing.assert_array_equal(edited.means[[0, 2]], START.means[[0, 2]])
    np.testing.assert_array_equal(edited.means[1], [0.5, -1.0])
    assert edited.sliders(1) == {"mean_x": 0.5, "mean_y": -1.0, "sd_along": 2.0, "sd_across": 0.3, "angle": 10.0}
    assert START.sliders(1)["mean_x"] == 2.0  # the original is not changed
    assert isinstance(edited, MixtureSettings)


def test_points_move_smoothly_with_the_sliders():
    u, e = fixed_noise(400)
    s = START
    before = sampling_state(START_WEIGHTS, s.means, s.sds, s.angles, u, e)
    turned = s.edited(0, *s.means[0], *s.sds[0], s.angles[0] + 1.0).edited(1, s.means[1, 0] + 0.1, s.means[1, 1],
                                                                           *s.sds[1], s.angles[1])
    after = sampling_state(START_WEIGHTS, turned.means, turned.sds, turned.angles, u, e)
    np.testing.assert_array_equal(before.z, after.z)
    assert np.abs(after.X - before.X).max() < 0.15  # one degree and 0.1 units move every point only a little
    moved = sampling_state([0.51, 0.3, 0.2], s.means, s.sds, s.angles, u, e)
    assert 0 < np.sum(moved.z != before.z) < 15  # a 1% change of weight relabels only about 1% of points
    same = moved.z == before.z
    np.testing.assert_array_equal(moved.X[same], before.X[same])


def test_reshaping_a_component_leaves_in_ellipse_exactly_unchanged():
    """Inside means |e_n| <= r: it depends on the noise and the label, not on the mean, spread or angle."""
    u, e = fixed_noise(400, rng=5)
    s = START
    before = sampling_state(START_WEIGHTS, s.means, s.sds, s.angles, u, e)
    for k, shape in [(0, (3.0, -2.0, 0.2, 2.5, -70.0)), (2, (-4.0, 3.0, 2.9, 0.1, 10.0))]:
        reshaped = s.edited(k, *shape)
        after = sampling_state(START_WEIGHTS, reshaped.means, reshaped.sds, reshaped.angles, u, e)
        np.testing.assert_array_equal(after.z, before.z)
        np.testing.assert_array_equal(after.inside, before.inside)
        assert np.abs(after.X - before.X).max() > 1  # the points did move


def test_a_weight_slider_switches_the_points_a_cut_point_passes():
    """Raising pi_1 from 0.5 to 0.55 moves the first cut point: exactly the points with 0.5 <= u_n < 0.55 leave
    component 2 for component 1, and they jump from one cloud to the other."""
    u, e = fixed_noise(400, rng=0)
    s = START
    before = sampling_state([0.5, 0.3, 0.2], s.means, s.sds, s.angles, u, e)
    after = sampling_state([0.55, 0.25, 0.2], s.means, s.sds, s.angles, u, e)  # the second cut point stays at 0.8
    switched = after.z != before.z
    np.testing.assert_array_equal(switched, (u >= 0.5) & (u < 0.55))
    assert np.all(before.z[switched] == 1) and np.all(after.z[switched] == 0)
    jumps = np.linalg.norm(after.X[switched] - before.X[switched], axis=1)
    assert switched.sum() > 10 and np.median(jumps) > 2


def test_answer_of_the_prediction_question():
    """Lesson 02's prediction: about 5% of component 3's N pi_3 = 80 expected points, 4, lie outside its ellipse."""
    lab = make_sampling_lab(n=400, rng=0)
    state = lab.state()
    np.testing.assert_allclose(state.gmm.weights, [0.5, 0.3, 0.2])
    outside = round(state.counts[2] * (1 - state.inside[2]))
    # Binomial(400, 0.2 * 0.05): mean 4, standard deviation 2
    assert abs(outside - 4) <= 3 * np.sqrt(400 * 0.01 * 0.99)
    # on average over many presses of Resample: 4 within 4 standard errors
    s = START
    counts = []
    for seed in range(400):
        st = sampling_state(START_WEIGHTS, s.means, s.sds, s.angles, *fixed_noise(400, seed))
        counts.append(st.counts[2] * (1 - st.inside[2]))
    assert abs(np.mean(counts) - 4) <= 4 * np.sqrt(400 * 0.01 * 0.99 / len(counts))


def test_lab_redraws_in_place_for_each_control():
    lab = make_sampling_lab(n=200)
    assert lab.image.value[:4] == b"\x89PNG"
    changes = {"weight_1": 0.3, "weight_2": 0.6, "weight_3": 0.1, "mean_x": -1.0, "mean_y": 2.0, "sd_along": 2.5,
               "sd_across": 1.0, "angle": -20.0}
    for name, value in changes.items():
        before = lab.image.value
        lab.controls[name].value = value
        assert lab.image.value != before, name
    state = lab.state()
    np.testing.assert_allclose(state.gmm.weights, [0.3, 0.6, 0.1])
    np.testing.assert_allclose(state.gmm.means[0], [-1.0, 2.0])
    A = by_hand_rotation(-20.0) @ np.diag([2.5, 1.0])
    np.testing.assert_allclose(state.gmm.covariances[0], A @ A.T)
    np.testing.assert_allclose(state.gmm.means[1:], START.means[1:])  # only component 1 was edited
    assert state.counts.sum() == 200
    # what is drawn: every point where the state puts it, in the colour of its component
    figure = lab.figure
    np.testing.assert_array_equal(figure.points.get_offsets(), state.X)
    np.testing.assert_allclose(figure.points.get_facecolors()[:, :3], component_colors(3)[state.z])
    assert [t.get_text().split("\n")[0] for t in figure.labels] == [str(c) for c in state.counts]


def test_choosing_a_component_loads_its_sliders_with_one_redraw():
    lab = make_sampling_lab(n=100)
    lab.controls["mean_x"].value = -4.0  # edit component 1
    redraws = len(lab.redraw_ms)
    lab.controls["component"].value = 3
    assert len(lab.redraw_ms) == redraws + 1
    assert {name: lab.controls[name].value for name in START.sliders(2)} == START.sliders(2)
    np.testing.assert_allclose(lab.state().gmm.means, [[-4.0, -1.0], *START.means[1:]])
    lab.controls["angle"].value = 0.0  # now edits component 3
    assert lab.figure.ellipses[2].get_linewidth() > lab.figure.ellipses[0].get_linewidth()
    lab.controls["component"].value = 1
    assert lab.controls["mean_x"].value == -4.0
    # component 3 kept the angle 0 it was given: its axes are the coordinate axes
    np.testing.assert_allclose(lab.state().gmm.covariances[2], np.diag(START.sds[2] ** 2), atol=1e-15)


def test_resample_draws_new_points_with_the_same_parameters():
    lab = make_sampling_lab(n=300, rng=5)
    before = lab.state()
    assert lab.seed == 5
    lab.press(RESAMPLE)
    after = lab.state()
    assert lab.seed == 6
    np.testing.assert_array_equal(after.gmm.means, before.gmm.means)
    np.testing.assert_array_equal(after.gmm.weights, before.gmm.weights)
    assert not np.allclose(after.X, before.X)
    u, e = fixed_noise(300, 6)  # the new points are those of the next seed
    np.testing.assert_allclose(after.X, sampling_state(after.gmm.weights, START.means, START.sds, START.angles,
                                                       u, e).X)


def test_rejects_a_generator_as_seed():
    with pytest.raises(ValueError, match="int seed"):
        make_sampling_lab(n=10, rng=np.random.default_rng(0))
