"""The border-point lab: state logic against scipy.stats, a naive loop and the closed-form logistic; the widget."""

import numpy as np
import pytest
from scipy import stats

from coursepkg.mixture import GMM
from coursepkg.widgets.border import (
    POSITIONS,
    SCENARIOS,
    border_state,
    hard_step,
    log_odds_coefficients,
    log_odds_text,
    make_border_lab,
    point_on_segment,
    soft_along_line,
    soft_boundary,
)


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


def logistic(a):
    return 1 / (1 + np.exp(-a))


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("position,offset", [(-0.2, 0.0), (0.3, 1.0), (0.49, -0.5), (0.51, 2.0), (1.2, -3.0)])
def test_state_matches_scipy_and_naive_loop(name, position, offset):
    gmm = SCENARIOS[name]
    state = border_state(gmm, position, offset)
    np.testing.assert_allclose(state.soft, soft_by_hand(gmm, state.point), rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(state.hard, hard_by_hand(gmm, state.point))
    assert state.soft.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(state.sq_distances, ((gmm.means - state.point) ** 2).sum(axis=1))


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("offset", [0.0, 1.3, -2.0])
def test_log_odds_polynomial_matches_scipy_along_the_line(name, offset):
    """log(r_2 / r_1) = c0 + c1 t + c2 t^2 at every position, against scipy's densities."""
    gmm = SCENARIOS[name]
    c0, c1, c2 = log_odds_coefficients(gmm, offset)
    for t in np.linspace(-0.25, 1.25, 13):
        r = soft_by_hand(gmm, point_on_segment(gmm, t, offset))
        assert np.log(r[1] / r[0]) == pytest.approx(c0 + c1 * t + c2 * t**2, abs=1e-10)
    # the curve of the lab panel is the same function, through the E-step
    expected = logistic(c0 + c1 * POSITIONS + c2 * POSITIONS**2)
    np.testing.assert_allclose(soft_along_line(gmm, POSITIONS, offset), expected, rtol=1e-10, atol=1e-14)


def test_equal_covariances_give_a_logistic_curve_in_t():
    # centres 4 apart, Sigma = I, equal weights: log-odds D^2 (t - 1/2) / sigma^2 = 16 t - 8 at any offset
    for offset in (0.0, 2.5):
        np.testing.assert_allclose(log_odds_coefficients(SCENARIOS["equal round clusters"], offset), [-8, 16, 0],
                                   atol=1e-12)
    # three times as common: the intercept moves by log 3, the slope stays
    np.testing.assert_allclose(log_odds_coefficients(SCENARIOS["cluster 2 three times as common"]),
                               [-8 + np.log(3), 16, 0], atol=1e-12)
    # unequal covariances: c2 = -(1/2) v^T (P_2 - P_1) v = -(1/2) 16 (1/3 - 2) = 40/3, not a logistic
    assert log_odds_coefficients(SCENARIOS["cluster 2 wider"])[2] == pytest.approx(40 / 3)
    assert "logistic" in log_odds_text([-8, 16, 0]) and "t²" not in log_odds_text([-8, 16, 0])
    assert "t²" in log_odds_text([1, 2, 3]) and "not a logistic" in log_odds_text([1, 2, 3])


def test_point_geometry():
    gmm = GMM([0.5, 0.5], [[1.0, 1.0], [1.0, 5.0]], [np.eye(2), np.eye(2)])
    np.testing.assert_allclose(point_on_segment(gmm, 0.0), [1, 1])
    np.testing.assert_allclose(point_on_segment(gmm, 1.0), [1, 5])
    np.testing.assert_allclose(point_on_segment(gmm, 0.5, offset=2.0), [-1, 3])  # left of the upward direction


def test_hard_flips_at_midpoint_soft_is_smooth_logistic():
    gmm = SCENARIOS["equal round clusters"]  # unit covariances, centres 4 apart, equal weights
    positions = np.linspace(0, 1, 201)
    states = [border_state(gmm, t) for t in positions]
    hard_2 = np.array([s.hard[1] for s in states])
    soft_2 = np.array([s.soft[1] for s in states])
    assert np.all(hard_2[positions < 0.5] == 0) and np.all(hard_2[positions > 0.5] == 1)
    # closed form along the segment: r_2 = sigmoid(D^2 (t - 1/2) / sigma^2) with D = 4, sigma = 1
    np.testing.assert_allclose(soft_2, logistic(16 * (positions - 0.5)), rtol=1e-9)
    assert np.all(np.diff(soft_2) > 0)
    # no jump between neighbouring slider values: the logistic's slope is at most D^2 / (4 sigma^2) = 4
    assert np.max(np.abs(np.diff(soft_2))) <= 4 * (positions[1] - positions[0])


@pytest.mark.parametrize("name", list(SCENARIOS))
@pytest.mark.parametrize("offset", [0.0, 1.0, -2.5])
def test_hard_step_of_the_curve_panel_agrees_with_the_hard_bar(name, offset):
    """Both give the tie at t = 1/2 (on the bisector, at any offset) to cluster 1."""
    gmm = SCENARIOS[name]
    positions = np.concatenate([np.linspace(-0.25, 1.25, 61), [0.5]])
    bar = np.array([border_state(gmm, t, offset).hard[1] for t in positions])
    np.testing.assert_array_equal(hard_step(positions), bar)
    assert border_state(gmm, 0.5, offset).hard.tolist() == [1.0, 0.0]


def test_answer_of_the_prediction_question():
    """Lesson 01's prediction question: equal round clusters, position 0.6, no offset."""
    state = border_state(SCENARIOS["equal round clusters"], 0.6)
    assert state.hard.tolist() == [0.0, 1.0]
    assert state.soft[1] == pytest.approx(logistic(16 * 0.1), abs=1e-12)
    assert 0.82 < state.soft[1] < 0.84  # "about 83%", as the question says
    lab = make_border_lab(n_points=20)
    lab.controls["position"].value = 0.6
    assert lab.state().soft[1] == pytest.approx(state.soft[1], abs=1e-15)


def test_priors_shift_the_soft_boundary():
    gmm = SCENARIOS["cluster 2 three times as common"]
    mid = border_state(gmm, 0.5)
    assert mid.soft[1] == pytest.approx(0.75)  # equal likelihoods: the posterior is the prior
    boundary = soft_boundary(gmm, (-3, 7), (-4, 4))
    # the 50/50 line sits where 16 (t - 1/2) = -log 3, i.e. x = 4 t
    x_expected = 4 * (0.5 - np.log(3) / 16)
    assert np.nanmax(np.abs(boundary[:, 0] - x_expected)) < 0.01


def test_rejects_wrong_mixture():
    with pytest.raises(ValueError, match="2-component"):
        border_state(GMM([1.0], [[0.0, 0.0]], [np.eye(2)]), 0.5)
    with pytest.raises(ValueError, match="2-component"):
        log_odds_coefficients(GMM([1.0], [[0.0, 0.0]], [np.eye(2)]))


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
    lab.controls["scenario"].value = "cluster 2 wider"
    assert lab.image.value != before
    wider = SCENARIOS["cluster 2 wider"]
    np.testing.assert_allclose(lab.state().soft, soft_by_hand(wider, [2.4, 1.5]))
    # what is drawn: the curve along the line through the point, and the point on it
    np.testing.assert_allclose(lab.figure.curve.get_ydata(), soft_along_line(wider, POSITIONS, 1.5))
    np.testing.assert_allclose(lab.figure.marker.get_ydata(), [lab.state().soft[1]])
    np.testing.assert_allclose(lab.figure.hard_marker.get_ydata(), [lab.state().hard[1]])
    assert "not a logistic" in lab.figure.formula.get_text()
    assert len(lab.redraw_ms) == 4


def test_log_odds_text_stays_clear_of_the_hard_step():
    # the formula sits right of the step at t = 1/2 and between its bottom (0) and top (1) in every scenario
    lab = make_border_lab(n_points=60)
    ax = lab.figure.formula.axes
    renderer = lab.figure.fig.canvas.get_renderer()
    for name in SCENARIOS:
        lab.controls["scenario"].value = name
        box = lab.figure.formula.get_window_extent(renderer).transformed(ax.transData.inverted())
        assert box.x0 > 0.5 + 0.02 and box.x1 < ax.get_xlim()[1]
        assert 0.05 < box.y0 and box.y1 < 0.95
