"""Responsibility lab (lesson 05): the state function against scipy, and the widget."""

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import mahalanobis as scipy_mahalanobis

from coursepkg.datasets import random_gmm
from coursepkg.plotting import component_colors
from coursepkg.widgets.responsibility import LAB_GMM, LAB_START, make_responsibility_lab, responsibility_state


def _scipy_resp(point, gmm):
    joint = np.array(
        [gmm.weights[j] * stats.multivariate_normal(gmm.means[j], gmm.covariances[j]).pdf(point) for j in range(gmm.k)]
    )
    return joint / joint.sum(), np.log(joint.sum())


@pytest.mark.parametrize("point", [LAB_START, (0.0, 0.0), (3.5, 0.5), (1.0, 4.8), (-3.0, 6.0), (5.0, -4.0)])
def test_state_matches_scipy(point):
    state = responsibility_state(point, LAB_GMM)
    want_resp, want_log_density = _scipy_resp(point, LAB_GMM)
    np.testing.assert_allclose(state.resp, want_resp, rtol=1e-10, atol=1e-14)
    assert state.log_density == pytest.approx(want_log_density, rel=1e-12)
    for j in range(LAB_GMM.k):
        vi = np.linalg.inv(LAB_GMM.covariances[j])
        assert state.mahalanobis[j] == pytest.approx(scipy_mahalanobis(point, LAB_GMM.means[j], vi), rel=1e-10)
        assert state.distances[j] == pytest.approx(np.hypot(*(np.array(point) - LAB_GMM.means[j])), rel=1e-12)
    assert state.nearest == int(np.argmin(state.distances))
    assert state.most_responsible == int(np.argmax(want_resp))
    np.testing.assert_allclose(state.color, want_resp @ component_colors(3), atol=1e-12)


def test_start_point_is_nearer_to_one_centre_but_claimed_by_another():
    state = responsibility_state(LAB_START, LAB_GMM)
    assert state.nearest == 1
    assert state.most_responsible == 0
    assert state.resp[0] > 0.9
    assert state.distances[1] < state.distances[0]
    assert state.mahalanobis[0] < state.mahalanobis[1]


def test_far_point_gives_a_valid_row():
    state = responsibility_state((1e4, -1e4), LAB_GMM)
    assert np.all(np.isfinite(state.resp))
    assert state.resp.sum() == pytest.approx(1.0)
    assert np.all((state.color >= 0) & (state.color <= 1))


def test_any_dimension():
    gmm = random_gmm(4, 5, rng=3)
    point = np.arange(5.0)
    state = responsibility_state(point, gmm)
    joint = np.array(
        [gmm.weights[j] * stats.multivariate_normal(gmm.means[j], gmm.covariances[j]).pdf(point) for j in range(4)]
    )
    np.testing.assert_allclose(state.resp, joint / joint.sum(), rtol=1e-9)


def test_wrong_dimension_is_a_value_error():
    with pytest.raises(ValueError, match="dimension"):
        responsibility_state((1.0, 2.0, 3.0), LAB_GMM)


def test_widget_moves_point_and_redraws():
    lab = make_responsibility_lab()
    assert lab.state().nearest == 1 and lab.state().most_responsible == 0
    before = lab.image.value
    lab.controls["x"].value = 0.5
    after_x = lab.image.value
    assert after_x != before
    np.testing.assert_allclose(lab.state().point, [0.5, LAB_START[1]])
    lab.controls["y"].value = 4.0
    assert lab.image.value != after_x
    np.testing.assert_allclose(lab.state().point, [0.5, 4.0])
    np.testing.assert_allclose(lab.state().resp, _scipy_resp((0.5, 4.0), LAB_GMM)[0], rtol=1e-10, atol=1e-14)
    assert len(lab.redraw_ms) == 3


def test_widget_rejects_non_2d_mixture():
    with pytest.raises(ValueError, match="2-D"):
        make_responsibility_lab(random_gmm(2, 3))
