"""Plot helpers: each takes `ax=None` (meaning the current axes) and returns its artists.

Component j is drawn in COMPONENT_COLORS[j] in every lesson, so a colour keeps
its meaning from figure to figure.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse

from .gaussian import ellipse_geometry

COMPONENT_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def component_colors(k, colors=None):
    """k colours as an (k, 3) RGB array, cycling COMPONENT_COLORS when colors is None."""
    colors = COMPONENT_COLORS if colors is None else colors
    return np.array([to_rgb(colors[j % len(colors)]) for j in range(k)])


def blend_colors(resp, colors=None):
    """Colour of each point as the responsibility-weighted mix of component colours: (n, 3)."""
    resp = np.asarray(resp, dtype=float)
    return np.clip(resp @ component_colors(resp.shape[1], colors), 0, 1)


def plot_ellipses(gmm, ax=None, level=0.95, colors=None, label_prefix="component", **kwargs):
    """Draw each component's `level` probability ellipse and a cross at its mean.

    Returns
    -------
    list of matplotlib.patches.Ellipse, one per component
    """
    ax = ax or plt.gca()
    rgb = component_colors(gmm.k, colors)
    style = {"fill": False, "linewidth": 2} | kwargs
    patches = []
    for j in range(gmm.k):
        width, height, angle = ellipse_geometry(gmm.covariances[j], level)
        patch = Ellipse(
            gmm.means[j], width, height, angle=angle, edgecolor=rgb[j],
            label=f"{label_prefix} {j} ({level:.0%})" if label_prefix else None, **style,
        )
        ax.add_patch(patch)
        ax.plot(*gmm.means[j], marker="x", color=rgb[j], markersize=10, markeredgewidth=2)
        patches.append(patch)
    ax.autoscale_view()
    return patches


def plot_responsibilities(X, resp, ax=None, colors=None, **kwargs):
    """Scatter points coloured by the blend of their components' colours; returns the PathCollection."""
    ax = ax or plt.gca()
    X = np.asarray(X)
    style = {"s": 14, "alpha": 0.8, "edgecolors": "none"} | kwargs
    return ax.scatter(X[:, 0], X[:, 1], c=blend_colors(resp, colors), **style)


def plot_clusters(X, labels, ax=None, colors=None, **kwargs):
    """Scatter points coloured by a hard label, one legend entry per cluster; returns the collections."""
    ax = ax or plt.gca()
    X, labels = np.asarray(X), np.asarray(labels)
    rgb = component_colors(int(labels.max()) + 1, colors)
    style = {"s": 14, "alpha": 0.8} | kwargs
    return [
        ax.scatter(X[labels == j, 0], X[labels == j, 1], color=rgb[j], label=f"cluster {j}", **style)
        for j in np.unique(labels)
    ]


def plot_log_likelihood(history, ax=None, per_point=None, **kwargs):
    """Line plot of a log-likelihood history against the iteration; returns the Line2D list.

    per_point: divide by this number of points to plot the average log-likelihood instead.
    """
    ax = ax or plt.gca()
    values = np.asarray(history, dtype=float)
    ylabel = "log-likelihood (nats)"
    if per_point:
        values = values / per_point
        ylabel = "average log-likelihood per point (nats)"
    lines = ax.plot(np.arange(len(values)), values, marker="o", markersize=3, **kwargs)
    ax.set_xlabel("EM iteration (M-steps taken)")
    ax.set_ylabel(ylabel)
    return lines


def plot_density_contours(gmm, ax=None, xlim=None, ylim=None, levels=8, grid=200, **kwargs):
    """Contours of the mixture density over a grid; returns the QuadContourSet."""
    from .mixture import log_density

    ax = ax or plt.gca()
    xlim = xlim or ax.get_xlim()
    ylim = ylim or ax.get_ylim()
    xs, ys = np.linspace(*xlim, grid), np.linspace(*ylim, grid)
    gx, gy = np.meshgrid(xs, ys)
    dens = np.exp(log_density(np.column_stack([gx.ravel(), gy.ravel()]), gmm)).reshape(gx.shape)
    style = {"cmap": "Greys", "linewidths": 0.8} | kwargs
    return ax.contour(gx, gy, dens, levels=levels, **style)
