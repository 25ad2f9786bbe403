"""Smoke test: every public plotting helper draws on given axes and returns its artists."""

import inspect

import matplotlib.pyplot as plt  # the Agg backend is chosen in conftest.py
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse

from coursepkg import datasets, em, plotting

PUBLIC = {
    name for name, f in inspect.getmembers(plotting, inspect.isfunction)
    if f.__module__ == plotting.__name__ and not name.startswith("_")
}


def test_every_public_plotting_function():
    X, z = datasets.round_blobs(60, seed=0)
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

        plt.sca(ax)  # ax=None draws on the current axes
        assert plotting.plot_ellipses(gmm)[0] in ax.patches
        fig.canvas.draw()
    finally:
        plt.close("all")
    assert called == PUBLIC, f"untested plotting helpers: {PUBLIC - called}"
