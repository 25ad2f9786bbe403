"""The border-point lab: state logic against scipy.stats and a naive loop; the widget redraws in place."""

import numpy as np
import pytest
from scipy import stats

from coursepkg.mixture import GMM
from coursepkg.widgets.border import SCENARIOS, border_state, make_border_lab, point_on_segment, soft_boundary


def soft_by_hand(gmm, x):
    joint = [gmm.weights[j] * stats.multivariate_normal(gmm.means[j], gmm.covariances[j]).pdf(x) for j in range(2)]
    return np.array(joint) / sum(joint)


def hard_by_hand(gmm, x):
    best, best_d = None, np.inf
    for j in range(2):
        d = sum((x[i] - gmm.means[j][i]) ** 2 for i in range(2))
        if d < best_d:
            best, best_d = j, d
    one_hot = np.zeros(2)
    one_hot[best] = 1
    return one_hot


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("position,offset", [(-0.2, 0.0), (0.3, 1.0), (0.49, -0.5), (0.51, 2.0), (1.2, -3.0)])
def test_state_matches_scipy_and_naive_loop(name, position, offset):
    gmm = SCENARIOS[name]
    state = border_state(gmm, position, offset)
    np.testing.assert_allclose(state.soft, soft_by_hand(gmm, state.point), rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(state.hard, hard_by_hand(gmm, state.point))
    assert state.soft.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(state.sq_distances, ((gmm.means - state.point) ** 2).sum(axis=1))


def test_point_geometry():
    gmm = GMM([0.5, 0.5], [[1.0, 1.0], [1.0, 5.0]], [np.eye(2), np.eye(2)])
    np.testing.assert_allclose(point_on_segment(gmm, 0.0), [1, 1])
    np.testing.assert_allclose(point_on_segment(gmm, 1.0), [1, 5])
    np.testing.assert_allclose(point_on_segment(gmm, 0.5, offset=2.0), [-1, 3])  # left of the upward direction


def test_hard_flips_at_midpoint_soft_is_smooth_logistic():
    gmm = SCENARIOS["equal round clusters"]  # unit covariances, centres 4 apart, equal weights
    positions = np.linspace(0, 1, 201)
    states = [border_state(gmm, t) for t in positions]
    hard_b = np.array([s.hard[1] for s in states])
    soft_b = np.array([s.soft[1] for s in states])
    assert np.all(hard_b[positions < 0.5] == 0) and np.all(hard_b[positions > 0.5] == 1)
    # closed form along the segment: r_B = sigmoid(D^2 (t - 1/2) / sigma^2) with D = 4, sigma = 1
    np.testing.assert_allclose(soft_b, 1 / (1 + np.exp(-16 * (positions - 0.5))), rtol=1e-9)
    assert np.all(np.diff(soft_b) > 0)
    assert np.max(np.abs(np.diff(soft_b))) < 0.05  # no jump between neighbouring slider values


def test_priors_shift_the_soft_boundary():
    gmm = SCENARIOS["B three times as common"]
    mid = border_state(gmm, 0.5)
    assert mid.soft[1] == pytest.approx(0.75)  # equal likelihoods: the posterior is the prior
    boundary = soft_boundary(gmm, (-3, 7), (-4, 4))
    # the 50/50 line sits where 16 (t - 1/2) = -log 3, i.e. x = 4 t
    x_expected = 4 * (0.5 - np.log(3) / 16)
    assert np.nanmax(np.abs(boundary[:, 0] - x_expected)) < 0.01


def test_rejects_wrong_mixture():
    with pytest.raises(ValueError, match="2-component"):
        border_state(GMM([1.0], [[0.0, 0.0]], [np.eye(2)]), 0.5)


def test_lab_redraws_in_place_for_each_control():
    lab = make_border_lab(n_points=60)
    assert lab.image.value[:4] == b"\x89PNG"
    before = lab.image.value
    lab.controls["position"].value = 0.6
    assert lab.image.value != before
    assert lab.state().hard.tolist() == [0.0, 1.0]
    before = lab.image.value
    lab.controls["offset"].value = 1.5
    assert lab.image.value != before
    np.testing.assert_allclose(lab.state().point, [2.4, 1.5])
    before = lab.image.value
    lab.controls["scenario"].value = "B wider than A"
    assert lab.image.value != before
    np.testing.assert_allclose(lab.state().soft, soft_by_hand(SCENARIOS["B wider than A"], [2.4, 1.5]))
    assert len(lab.redraw_ms) == 4
