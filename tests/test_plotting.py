"""Every public plotting helper draws on given axes (or updates given artists) and returns its artists."""

import inspect

import matplotlib.pyplot as plt  # the Agg backend is chosen in conftest.py
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse
from scipy import stats

from coursepkg import datasets, em, plotting

PUBLIC = {
    name for name, f in inspect.getmembers(plotting, inspect.isfunction)
    if f.__module__ == plotting.__name__ and not name.startswith("_")
}


def test_every_public_plotting_function():
    X, z = datasets.round_blobs(60, rng=0)
    gmm = datasets.SYNTHETIC["round"]
    resp, _ = em.e_step(X, gmm)
    history = em.fit_em(X, gmm, max_iter=5).history
    called = set()
    try:
        fig, ax = plt.subplots()

        colors = plotting.component_colors(10)
        assert colors.shape == (10, 3)
        np.testing.assert_allclose(colors[8], colors[0])  # cycles through COMPONENT_COLORS
        called.add("component_colors")

        blended = plotting.blend_colors(resp)
        assert blended.shape == (60, 3) and blended.min() >= 0 and blended.max() <= 1
        called.add("blend_colors")

        patches = plotting.plot_ellipses(gmm, ax=ax, level=0.9)
        assert len(patches) == 3 and all(isinstance(p, Ellipse) for p in patches)
        assert all(p in ax.patches for p in patches)
        called.add("plot_ellipses")

        scatter = plotting.plot_responsibilities(X, resp, ax=ax)
        assert isinstance(scatter, PathCollection) and len(scatter.get_offsets()) == 60
        called.add("plot_responsibilities")

        groups = plotting.plot_clusters(X, z, ax=ax)
        assert len(groups) == len(np.unique(z)) and sum(len(g.get_offsets()) for g in groups) == 60
        called.add("plot_clusters")

        fig2, ax2 = plt.subplots()
        lines = plotting.plot_log_likelihood(history, ax=ax2, per_point=60)
        assert isinstance(lines[0], Line2D) and len(lines[0].get_xdata()) == len(history)
        np.testing.assert_allclose(lines[0].get_ydata(), history / 60)
        called.add("plot_log_likelihood")

        contours = plotting.plot_density_contours(gmm, ax=ax, xlim=(-3, 7), ylim=(-3, 7), grid=40)
        assert len(contours.levels) > 0
        called.add("plot_density_contours")

        ellipses, marks = plotting.ellipse_artists(3, ax=ax, centres={"marker": "x"})
        assert len(ellipses) == len(marks) == 3 and all(e in ax.patches for e in ellipses)
        called.add("ellipse_artists")

        assert plotting.update_ellipse(ellipses[0], gmm.means[0], gmm.covariances[0]) is ellipses[0]
        called.add("update_ellipse")

        assert plotting.update_ellipses(ellipses, gmm, marks) == (ellipses, marks)
        called.add("update_ellipses")

        assert plotting.update_responsibilities(scatter, resp) is scatter
        called.add("update_responsibilities")

        assert plotting.update_log_likelihood(lines[0], history[:2]) == [lines[0]]
        called.add("update_log_likelihood")

        plt.sca(ax)  # ax=None draws on the current axes
        assert plotting.plot_ellipses(gmm)[0] in ax.patches
        fig.canvas.draw()
    finally:
        plt.close("all")
    assert called == PUBLIC, f"untested plotting helpers: {PUBLIC - called}"


def _mahalanobis_sq(points, mean, cov):
    diff = np.asarray(points) - mean
    return np.einsum("ij,ij->i", diff, np.linalg.solve(cov, diff.T).T)


def test_ellipse_artists_are_empty_styled_and_labelled():
    fig, ax = plt.subplots()
    try:
        patches, marks = plotting.ellipse_artists(
            3, ax=ax, labels=["a", None, "c"], lw=2.5, centres={"marker": "X", "ms": 9}
        )
        assert all(isinstance(p, Ellipse) and not p.get_fill() and p.get_linewidth() == 2.5 for p in patches)
        np.testing.assert_allclose([p.get_edgecolor()[:3] for p in patches], plotting.component_colors(3))
        assert [m.get_marker() for m in marks] == ["X"] * 3 and all(m.get_linestyle() == "None" for m in marks)
        assert [h.get_label() for h in ax.get_legend_handles_labels()[0]] == ["a", "c"]
        lines, none = plotting.ellipse_artists(2, ax=ax, outline=True, colors=["0.4"], ls="--")
        assert none == [] and all(isinstance(line, Line2D) and line in ax.lines for line in lines)
        assert all(np.allclose(line.get_color(), 0.4) and line.get_linestyle() == "--" for line in lines)
        assert all(len(line.get_xdata()) == 0 for line in lines)
    finally:
        plt.close(fig)


def test_update_ellipse_patch_and_outline_lie_on_the_level_ellipse():
    mean, cov = np.array([1.0, -2.0]), np.array([[3.0, 1.2], [1.2, 1.0]])
    fig, ax = plt.subplots()
    try:
        (patch,), _ = plotting.ellipse_artists(1, ax=ax)
        (line,), _ = plotting.ellipse_artists(1, ax=ax, outline=True)
        patch.set_visible(False)
        plotting.update_ellipse(patch, mean, cov, level=0.9)
        plotting.update_ellipse(line, mean, cov, level=0.9, n_points=50)
        assert patch.get_visible() and line.get_visible()
        r2 = stats.chi2.ppf(0.9, df=2)
        # the patch: its axes are 2 r sqrt(eigenvalue) along the eigenvectors, by an eigendecomposition here
        eigvals, eigvecs = np.linalg.eigh(cov)
        np.testing.assert_allclose(patch.get_center(), mean)
        np.testing.assert_allclose([patch.get_width(), patch.get_height()], 2 * np.sqrt(r2 * eigvals[::-1]))
        t = np.radians(patch.get_angle())
        assert abs(np.cos(t) * eigvecs[0, 1] + np.sin(t) * eigvecs[1, 1]) == pytest.approx(1.0)
        # the patch's outline (the unit circle through its transform) and the line's vertices: at distance r
        t = np.linspace(0, 2 * np.pi, 30)
        drawn = patch.get_patch_transform().transform(np.column_stack([np.cos(t), np.sin(t)]))
        np.testing.assert_allclose(_mahalanobis_sq(drawn, mean, cov), r2, rtol=1e-9)
        assert line.get_xydata().shape == (50, 2)
        np.testing.assert_allclose(_mahalanobis_sq(line.get_xydata(), mean, cov), r2, rtol=1e-10)
    finally:
        plt.close(fig)


def test_update_ellipses_places_components_and_hides_the_rest():
    gmm = datasets.SYNTHETIC["overlapping"]  # three components
    fig, ax = plt.subplots()
    try:
        lines, marks = plotting.ellipse_artists(5, ax=ax, outline=True, centres={"marker": "x"})
        plotting.update_ellipses(lines, gmm, marks)
        for j in range(3):
            assert lines[j].get_visible() and marks[j].get_visible()
            np.testing.assert_allclose(_mahalanobis_sq(lines[j].get_xydata(), gmm.means[j], gmm.covariances[j]),
                                       stats.chi2.ppf(0.95, df=2), rtol=1e-10)
            np.testing.assert_allclose(np.ravel(marks[j].get_data()), gmm.means[j])
        assert not any(artist.get_visible() for artist in lines[3:] + marks[3:])
        plotting.update_ellipses(lines, None, marks)
        assert not any(artist.get_visible() for artist in lines + marks)
        with pytest.raises(ValueError, match="2 ellipses"):
            plotting.update_ellipses(lines[:2], gmm)
    finally:
        plt.close(fig)


def test_update_responsibilities_and_log_likelihood():
    X, _ = datasets.round_blobs(30, rng=1)
    gmm = datasets.SYNTHETIC["round"]
    resp, _ = em.e_step(X, gmm)
    fig, ax = plt.subplots()
    try:
        scatter = ax.scatter(X[:, 0], X[:, 1])
        plotting.update_responsibilities(scatter, resp)
        rgb = plotting.component_colors(3)
        by_hand = np.array([[sum(resp[n, j] * rgb[j, c] for j in range(3)) for c in range(3)] for n in range(30)])
        np.testing.assert_allclose(scatter.get_facecolors()[:, :3], by_hand, atol=1e-12)
        labels = np.array([0, 2, 1] * 10)
        plotting.update_responsibilities(scatter, np.eye(3)[labels])  # hard labels: the components' own colours
        np.testing.assert_array_equal(scatter.get_facecolors()[:, :3], rgb[labels])

        line, now = ax.plot([], [])[0], ax.plot([], [], "o")[0]
        history = [-120.0, -100.0, -90.0]
        assert plotting.update_log_likelihood(line, history, per_point=30, current=now) == [line, now]
        np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2])
        np.testing.assert_allclose(line.get_ydata(), np.array(history) / 30)
        np.testing.assert_allclose(np.ravel(now.get_data()), [2, -3.0])
        plotting.update_log_likelihood(line, history[:1])
        np.testing.assert_array_equal(line.get_ydata(), [-120.0])
    finally:
        plt.close(fig)
