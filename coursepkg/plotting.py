"""Plot helpers: each takes `ax=None` (meaning the current axes) and returns its artists.

Component j is drawn in COMPONENT_COLORS[j] in every lesson, so a colour keeps
its meaning from figure to figure.

The ``update_*`` helpers move artists already drawn (by these helpers or by a lab's figure) to
new values and return them: the labs redraw in place through them, and they work on the artists'
own axes, so they take no `ax`.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse

from .gaussian import ellipse_geometry, ellipse_points

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
            label=f"{label_prefix} {j + 1} ({level:.0%})" if label_prefix else None, **style,
        )
        ax.add_patch(patch)
        ax.plot(*gmm.means[j], marker="x", color=rgb[j], markersize=10, markeredgewidth=2)
        patches.append(patch)
    ax.autoscale_view()
    return patches


def ellipse_artists(k, ax=None, outline=False, colors=None, labels=None, centres=None, **style):
    """k component ellipses and centre marks, drawn empty, for `update_ellipses` to place.

    Parameters
    ----------
    k : int, the number of components
    ax : matplotlib Axes or None (the current axes)
    outline : bool, default False: `matplotlib.patches.Ellipse` patches; True: `Line2D` outlines
    colors : sequence of colours or None, cycled over the components (default COMPONENT_COLORS)
    labels : sequence of k legend labels (None entries for no label), or None
    centres : dict or None, the `Line2D` style of a mark at each mean (e.g. ``{"marker": "x", "ms": 10}``);
        None draws no marks
    **style : the ellipses' style (linewidth, linestyle, ...)

    Returns
    -------
    ellipses : list of k Ellipse patches (or Line2D outlines)
    marks : list of k Line2D, empty when `centres` is None
    """
    from matplotlib.patches import Ellipse

    ax = ax or plt.gca()
    rgb = component_colors(k, colors)
    labels = [None] * k if labels is None else list(labels)
    if outline:
        ellipses = [ax.plot([], [], color=rgb[j], label=labels[j], **style)[0] for j in range(k)]
    else:
        style = {"fill": False} | style
        ellipses = [ax.add_patch(Ellipse((0, 0), 1, 1, edgecolor=rgb[j], label=labels[j], **style)) for j in range(k)]
    marks = []
    if centres is not None:
        marks = [ax.plot([], [], color=rgb[j], **({"linestyle": "none"} | centres))[0] for j in range(k)]
    return ellipses, marks


def update_ellipse(artist, mean, cov, level=0.95, n_points=100):
    """Move an ellipse artist onto the `level` probability ellipse of N(mean, cov) in 2-D, and show it.

    Parameters
    ----------
    artist : matplotlib.patches.Ellipse (centre, axes and angle are set) or Line2D (its vertices become
        `coursepkg.gaussian.ellipse_points`)
    mean : array (2,)
    cov : array (2, 2), symmetric positive-definite
    level : float in (0, 1), default 0.95
    n_points : int, vertices of a Line2D outline

    Returns
    -------
    the artist
    """
    from matplotlib.patches import Ellipse

    if isinstance(artist, Ellipse):
        width, height, angle = ellipse_geometry(cov, level)
        artist.set_center(mean)
        artist.set_width(width)
        artist.set_height(height)
        artist.set_angle(angle)
    else:
        artist.set_data(*ellipse_points(mean, cov, level, n_points).T)
    artist.set_visible(True)
    return artist


def update_ellipses(ellipses, gmm, centres=(), level=0.95, n_points=100):
    """Move ellipses[j] (and the mark centres[j]) to component j of `gmm`; hide the artists beyond gmm.k.

    Parameters
    ----------
    ellipses : sequence of Ellipse patches or Line2D outlines, at least gmm.k of them (e.g. from
        `ellipse_artists`)
    gmm : 2-D GMM, or None to hide every artist
    centres : sequence of Line2D marks, one per ellipse, or empty
    level, n_points : as in `update_ellipse`

    Returns
    -------
    ellipses, centres : lists of the artists
    """
    k = 0 if gmm is None else gmm.k
    if k > len(ellipses) or (centres and k > len(centres)):
        raise ValueError(f"there are {len(ellipses)} ellipses and {len(centres)} marks for the {k} components.")
    for j, ellipse in enumerate(ellipses):
        if j < k:
            update_ellipse(ellipse, gmm.means[j], gmm.covariances[j], level, n_points)
        else:
            ellipse.set_visible(False)
    for j, mark in enumerate(centres):
        if j < k:
            mark.set_data([gmm.means[j, 0]], [gmm.means[j, 1]])
        mark.set_visible(j < k)
    return list(ellipses), list(centres)


def update_responsibilities(scatter, resp, colors=None):
    """Colour a scatter's points by the blend of their components' colours, as `plot_responsibilities`.

    Parameters
    ----------
    scatter : PathCollection with one point per row of `resp`
    resp : array (n, k), rows summing to 1; for hard labels z, the one-hot rows ``np.eye(k)[z]``
    colors : as in `component_colors`

    Returns
    -------
    the scatter
    """
    scatter.set_facecolor(blend_colors(resp, colors))
    return scatter


def update_log_likelihood(line, history, per_point=None, current=None):
    """Set a log-likelihood curve (as `plot_log_likelihood` draws it) to a new history.

    Parameters
    ----------
    line : Line2D, gets the points (t, history[t]) for t = 0, 1, ...
    history : sequence of float, the log-likelihood after each M-step
    per_point : number of points or None; divide by it to show the average log-likelihood
    current : Line2D or None, a marker moved to the last point of the curve

    Returns
    -------
    list of Line2D: the curve and, if given, the marker
    """
    values = np.asarray(history, dtype=float)
    if per_point:
        values = values / per_point
    line.set_data(np.arange(values.size), values)
    if current is None:
        return [line]
    current.set_data([values.size - 1], [values[-1]])
    return [line, current]


def plot_responsibilities(X, resp, ax=None, colors=None, **kwargs):
    """Scatter points coloured by the blend of their components' colours; returns the PathCollection."""
    ax = ax or plt.gca()
    X = np.asarray(X)
    style = {"s": 14, "alpha": 0.8, "edgecolors": "none"} | kwargs
    return ax.scatter(X[:, 0], X[:, 1], c=blend_colors(resp, colors), **style)


def plot_clusters(X, labels, ax=None, colors=None, label_prefix="cluster", **kwargs):
    """Scatter points coloured by a hard label, one legend entry per cluster ("cluster 1", ...; None: no
    legend entries); returns the collections."""
    ax = ax or plt.gca()
    X, labels = np.asarray(X), np.asarray(labels)
    rgb = component_colors(int(labels.max()) + 1, colors)
    style = {"s": 14, "alpha": 0.8} | kwargs
    return [
        ax.scatter(X[labels == j, 0], X[labels == j, 1], color=rgb[j],
                   label=f"{label_prefix} {j + 1}" if label_prefix else None, **style)
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
