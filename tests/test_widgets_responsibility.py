"""Responsibility lab (lesson 05): the state function against scipy, and the widget."""

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import mahalanobis as scipy_mahalanobis

from coursepkg.datasets import random_gmm
from coursepkg.plotting import component_colors
from coursepkg.widgets.responsibility import (
    LAB_GMM,
    LAB_START,
    draw_boundaries,
    extend_path,
    make_responsibility_lab,
    responsibility_map,
    responsibility_state,
    tie_fields,
)


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


def test_map_matches_scipy_on_its_grid():
    rmap = responsibility_map(LAB_GMM, (-5.0, 7.0), (-5.0, 8.0), resolution=30)
    assert rmap.resp.shape == (30, 30, 3) and rmap.rgb.shape == (30, 30, 3) and rmap.log_joint.shape == (30, 30, 3)
    np.testing.assert_allclose(rmap.xs, -5.0 + 0.4 * (np.arange(30) + 0.5))  # cell centres
    np.testing.assert_allclose(rmap.ys, -5.0 + 13.0 / 30 * (np.arange(30) + 0.5))
    assert rmap.extent == (-5.0, 7.0, -5.0, 8.0)
    for iy, ix in [(0, 0), (12, 17), (29, 3), (20, 25)]:
        point = (rmap.xs[ix], rmap.ys[iy])  # row = x_2, column = x_1, as imshow(origin="lower") shows it
        want, _ = _scipy_resp(point, LAB_GMM)
        np.testing.assert_allclose(rmap.resp[iy, ix], want, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(rmap.rgb[iy, ix], want @ component_colors(3), atol=1e-12)
    with pytest.raises(ValueError, match="2-D"):
        responsibility_map(random_gmm(2, 3), (0, 1), (0, 1))
    with pytest.raises(ValueError, match="resolution"):
        responsibility_map(LAB_GMM, (0, 1), (0, 1), resolution=1)


def test_tie_fields_mark_only_real_borders():
    # three scores along a line: component 0 wins on the left, 2 on the right, 1 in the middle
    x = np.linspace(-3, 3, 601)
    scores = np.column_stack([-x - 1, np.zeros_like(x), x - 1])
    fields = tie_fields(scores)
    assert sorted(fields) == [(0, 1), (0, 2), (1, 2)]
    f01, f02, f12 = fields[(0, 1)], fields[(0, 2)], fields[(1, 2)]
    assert np.all(np.isnan(f02))  # 0 and 2 are never the two largest together: no border between them
    crossing01 = x[np.nanargmin(np.abs(f01))]
    crossing12 = x[np.nanargmin(np.abs(f12))]
    assert crossing01 == pytest.approx(-1.0, abs=0.01) and crossing12 == pytest.approx(1.0, abs=0.01)
    np.testing.assert_allclose(f01[x < 0], (scores[:, 0] - scores[:, 1])[x < 0])
    with pytest.raises(ValueError, match="k >= 2"):
        tie_fields(np.zeros((4, 1)))


def test_voronoi_border_of_two_centres_is_their_bisector():
    xs = np.linspace(-1, 3, 401)
    centres = np.array([[0.0, 0.0], [2.0, 0.0]])
    grid = np.stack(np.meshgrid(xs, xs), axis=-1)
    field = tie_fields(-((grid[..., None, :] - centres) ** 2).sum(axis=-1))[(0, 1)]
    assert not np.any(np.isnan(field))  # with two components every point lies between them
    np.testing.assert_allclose(field, 4 - 4 * grid[..., 0], atol=1e-12)  # |x - c_2|^2 - |x|^2: zero on x_1 = 1


def test_gmm_border_points_have_equal_responsibilities():
    import matplotlib.pyplot as plt

    rmap = responsibility_map(LAB_GMM, (-5.0, 7.0), (-5.0, 8.0), resolution=200)
    fig, ax = plt.subplots()
    sets = draw_boundaries(ax, rmap.log_joint, rmap.xs, rmap.ys)
    assert len(sets) == 2  # component 1 meets 2 (the red island) and 3 (the green band); 2 never meets 3
    for contour in sets:
        for path in contour.get_paths():
            for point in path.vertices[::25]:
                resp, _ = _scipy_resp(point, LAB_GMM)
                top = np.sort(resp)[-2:]
                assert top[1] - top[0] < 0.02  # on the drawn line the two largest agree (to the grid's accuracy)
    plt.close(fig)


def test_path_appends_skips_repeats_and_keeps_the_latest():
    path = extend_path(np.empty((0, 2)), (1.0, 2.0))
    np.testing.assert_array_equal(path, [[1.0, 2.0]])
    same = extend_path(path, (1.0, 2.0))
    np.testing.assert_array_equal(same, path)
    assert same is not path
    for i in range(10):
        path = extend_path(path, (float(i), 0.0), max_points=4)
    np.testing.assert_array_equal(path, [[6.0, 0.0], [7.0, 0.0], [8.0, 0.0], [9.0, 0.0]])


def test_widget_keeps_the_path_and_resets_it():
    lab = make_responsibility_lab()
    np.testing.assert_array_equal(lab.path(), [LAB_START])
    lab.controls["x"].value = 1.0
    lab.controls["y"].value = 3.5
    np.testing.assert_allclose(lab.path(), [LAB_START, (1.0, 0.0), (1.0, 3.5)])
    np.testing.assert_allclose(lab.figure.path.get_xydata(), lab.path())
    before = lab.image.value
    lab.press("Reset path")
    np.testing.assert_array_equal(lab.path(), [(1.0, 3.5)])
    assert lab.image.value != before
    state = lab.state()
    assert state.nearest == 2 and state.most_responsible == 0  # the lesson's prediction question
    readout = lab.figure.readout.get_text()
    assert "nearest centre: 3" in readout and "largest r_k:    1  (!)" in readout  # numbered from 1
