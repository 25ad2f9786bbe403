"""The mean-shift lab: drag the bandwidth h and watch the points climb the kernel density to its modes.

Every data point moves, sweep after sweep, to the kernel-weighted mean of the data, u(p) =
sum_n K(x_n, p) x_n / sum_n K(x_n, p) with K(x_n, p) = exp(-||p - x_n||^2 / (2 h^2)); that is a gradient
step on log f (the Gaussian kernel density estimate) with step size h^2, so each point climbs f until it
stops at a mode. The points that reach one mode form one cluster: the bandwidth, not a k, decides how
many there are.

State logic (pure, tested without a browser):

- `bandwidth_grid(h_min, h_max, count)`: the bandwidths the lab precomputes (geometric; by default 28 of
  them with the lesson's h = 0.8 and h = 1.5 among them, so the slider shows exactly the value drawn);
- `precompute(X, bandwidths, ..., truth=None)`: mean-shift at every bandwidth, the points' paths (thinned
  for drawing), the clusters ordered by size, the colour of each cluster (that of the true component it is
  matched to, when the true components are given) and contour lines of the density on a grid;
- `lab_state(data, h)`: what the lab shows at the grid bandwidth nearest h;
- `status_line(state)`: the read-out below the figure.

Everything the redraw needs is computed in `precompute`, so moving the slider only swaps artists' data.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter
from scipy.optimize import linear_sum_assignment

from ..meanshift import kde_log_density, mean_shift
from ..plotting import COMPONENT_COLORS, component_colors
from ._base import Lab, LabFigure

LEVELS = (0.02, 0.1, 0.25, 0.45, 0.7, 0.9)  # contour levels, as fractions of the density's largest value on the grid
RATIO = (1.5 / 0.8) ** (1 / 7)  # the default grid's step: 0.8 and 1.5 are seven steps apart
UNMATCHED = "0.6"  # the colour of a cluster matched to no true component


def bandwidth_grid(h_min=0.8 * RATIO**-13, h_max=0.8 * RATIO**14, count=28):
    """`count` bandwidths from h_min to h_max, equally spaced in log h: array (count,).

    The default, 28 values from 0.249 to 2.81 (ratio 1.094 between neighbours), holds 0.8 (the lesson's h)
    and 1.5 (where the lesson's round data have two modes) as grid values.
    """
    if not 0 < h_min < h_max:
        raise ValueError(f"h_min and h_max must satisfy 0 < h_min < h_max; got {h_min} and {h_max}.")
    if int(count) != count or count < 2:
        raise ValueError(f"count must be an integer >= 2; got {count!r}.")
    return np.geomspace(h_min, h_max, int(count))


def thin_path(path, max_points):
    """At most `max_points` rows of a path (t, d), always keeping its first and last row.

    The early sweeps move a point most, so the rows kept are spaced geometrically in t.
    """
    path = np.asarray(path, dtype=float)
    if path.shape[0] <= max_points:
        return path
    keep = np.unique(np.round(np.geomspace(1, path.shape[0], max_points)).astype(int) - 1)
    return path[keep]


def _order_by_size(centers, labels):
    """Renumber clusters so that cluster 0 is the largest (ties: first appearance): (centers, labels, sizes)."""
    sizes = np.bincount(labels, minlength=len(centers))
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return centers[order], rank[labels], sizes[order]


def cluster_colour_index(labels, truth, k):
    """The colour of each of k clusters: the true component it is matched to, or -1 (none): int array (k,).

    The matching is the one-to-one assignment of clusters to components that puts the most points in the
    cluster matched to their component (`scipy.optimize.linear_sum_assignment`), as the lesson's accuracy;
    clusters beyond the number of components stay unmatched (-1). Without `truth` (None), cluster j gets
    colour j.
    """
    labels = np.asarray(labels)
    if truth is None:
        return np.arange(k)
    truth = np.asarray(truth)
    if truth.shape != labels.shape:
        raise ValueError(f"truth must hold one component per point, shape {labels.shape}; got {truth.shape}.")
    table = np.zeros((k, int(truth.max()) + 1))
    np.add.at(table, (labels, truth), 1)
    rows, cols = linear_sum_assignment(-table)
    index = np.full(k, -1)
    index[rows] = cols
    return index


def _contour_segments(gx, gy, density, levels):
    import contourpy

    gen = contourpy.contour_generator(gx, gy, density)
    return [[seg for seg in gen.lines(level) if len(seg) > 1] for level in levels]


@dataclass(frozen=True)
class MeanShiftLabData:
    """Everything the lab shows, per bandwidth.

    Attributes
    ----------
    X : array (n, d=2), the data
    bandwidths : array (m,), increasing
    centers : list of m arrays (k_i, 2), the modes at each bandwidth, largest cluster first
    labels : list of m int arrays (n,), each point's cluster (0 = the largest)
    sizes : list of m int arrays (k_i,), points per cluster
    colour_index : list of m int arrays (k_i,), each cluster's colour: COMPONENT_COLORS[j] for j >= 0 (the
        true component it is matched to, or cluster j itself when no truth was given), grey for -1
    paths : list of m lists of n arrays (t, 2), each point's path, thinned to at most max_path_points rows
    n_iter : int array (m,), sweeps mean-shift took at each bandwidth
    converged : bool array (m,), whether every point had stopped (moved at most 1e-5 h in the last sweep)
    contours : list of m lists (one per level) of line segments (arrays (s, 2))
    matched : bool, whether the colours are those of matched true components (precompute got `truth`)
    """

    X: np.ndarray
    bandwidths: np.ndarray
    centers: list
    labels: list
    sizes: list
    colour_index: list
    paths: list
    n_iter: np.ndarray
    converged: np.ndarray
    contours: list
    matched: bool = False

    @property
    def n_clusters(self):
        """int array (m,): the number of modes at each bandwidth."""
        return np.array([len(c) for c in self.centers])


def precompute(X, bandwidths, grid=70, max_path_points=20, levels=LEVELS, max_iter=500, truth=None):
    """Run mean-shift at every bandwidth and keep what the lab draws.

    Parameters
    ----------
    X : array (n, 2)
    bandwidths : array (m,) of positive, increasing bandwidths
    grid : int, the density is evaluated on a grid x grid lattice covering the data (for the contours)
    max_path_points : int >= 2, rows kept of each path (`thin_path`)
    levels : contour levels as fractions of the largest density on the grid
    max_iter : passed to `coursepkg.meanshift.mean_shift`
    truth : int array (n,) of true components, or None; given, each cluster is coloured as the component it
        is matched to (`cluster_colour_index`)

    Returns
    -------
    MeanShiftLabData
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be an array of shape (n, 2) (the lab draws the plane); got shape {X.shape}.")
    bandwidths = np.asarray(bandwidths, dtype=float)
    if bandwidths.ndim != 1 or bandwidths.size == 0 or np.any(bandwidths <= 0) or np.any(np.diff(bandwidths) <= 0):
        raise ValueError(f"bandwidths must be a non-empty 1-D array of positive, increasing values; got {bandwidths}.")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.12 * (hi - lo)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], grid)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], grid)
    gx, gy = np.meshgrid(xs, ys)
    lattice = np.column_stack([gx.ravel(), gy.ravel()])
    centers, labels, sizes, colours, paths, n_iter, converged, contours = [], [], [], [], [], [], [], []
    for h in bandwidths:
        result = mean_shift(X, h, max_iter=max_iter)
        c, lab, s = _order_by_size(result.centers, result.labels)
        centers.append(c)
        labels.append(lab)
        sizes.append(s)
        colours.append(cluster_colour_index(lab, truth, len(c)))
        paths.append([thin_path(result.paths[:, i], max_path_points) for i in range(X.shape[0])])
        n_iter.append(result.n_iter)
        converged.append(result.converged)
        density = np.exp(kde_log_density(lattice, X, h)).reshape(gx.shape)
        contours.append(_contour_segments(gx, gy, density, np.asarray(levels) * density.max()))
    return MeanShiftLabData(X, bandwidths, centers, labels, sizes, colours, paths, np.array(n_iter),
                            np.array(converged), contours, truth is not None)


def lab_state(data, h):
    """What the lab shows at the grid bandwidth nearest `h` (nearest in log scale).

    Returns
    -------
    dict with "h" (the grid value), "index", "n_clusters", "centers" (k, 2), "labels" (n,), "sizes" (k,),
    "colour_index" (k,), "paths" (n arrays (t, 2)), "contours" (one list of segments per level), "n_iter" and
    "converged"
    """
    h = float(h)
    if not h > 0:
        raise ValueError(f"h must be positive (the kernel's standard deviation); got {h}.")
    i = int(np.argmin(np.abs(np.log(data.bandwidths) - np.log(h))))
    return {
        "h": float(data.bandwidths[i]),
        "index": i,
        "n_clusters": len(data.centers[i]),
        "centers": data.centers[i],
        "labels": data.labels[i],
        "sizes": data.sizes[i],
        "colour_index": data.colour_index[i],
        "paths": data.paths[i],
        "contours": data.contours[i],
        "n_iter": int(data.n_iter[i]),
        "converged": bool(data.converged[i]),
    }


def status_line(state):
    """The read-out below the figure."""
    k = state["n_clusters"]
    sizes = ", ".join(str(int(s)) for s in state["sizes"][:6]) + (", ..." if k > 6 else "")
    stop = (f"every point had stopped after {state['n_iter']} sweeps" if state["converged"]
            else f"some points were still moving after {state['n_iter']} sweeps")
    return (f"h = {state['h']:.3g} (data units): {k} mode{'s' * (k != 1)}, so {k} cluster{'s' * (k != 1)} "
            f"(sizes {sizes}); {stop}")


class MeanShiftFigure(LabFigure):
    """Left: the data coloured by cluster, the density's contours, each point's path (grey) and the modes.
    Right: the number of modes against h (fixed), the current h marked.

    Clusters are numbered by size (cluster 1 is the largest). Each is drawn in the colour of the true
    component it is matched to (grey: matched to none) when `precompute` was given the truth; otherwise in
    COMPONENT_COLORS in order of size, the colours repeating beyond eight clusters.
    """

    def __init__(self, data, h):
        super().__init__(figsize=(10.5, 5.0), dpi=80)
        X = data.X
        grid = self.fig.add_gridspec(2, 2, width_ratios=[1.35, 1], height_ratios=[1, 0.16])
        ax = self.fig.add_subplot(grid[0, 0])
        ax_n = self.fig.add_subplot(grid[0, 1])
        ax_legend = self.fig.add_subplot(grid[1, :])
        ax_legend.set_axis_off()
        self.palette = np.vstack([component_colors(len(COMPONENT_COLORS)), to_rgb(UNMATCHED)])  # index -1: grey
        self.contours = self.dynamic(LineCollection([], colors="0.55", linewidths=0.8))
        ax.add_collection(self.contours)
        self.paths = self.dynamic(LineCollection([], colors="0.25", linewidths=0.6, alpha=0.45))
        ax.add_collection(self.paths)
        self.scatter = self.dynamic(ax.scatter(X[:, 0], X[:, 1], s=13, edgecolors="none", alpha=0.9))
        self.modes = self.dynamic(ax.plot([], [], "X", ms=12, color="k", mec="white", mew=1.2, ls="none")[0])
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.12 * (hi - lo)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("$x_1$ (data units)")
        ax.set_ylabel("$x_2$ (data units)")
        ax.set_title("points climb the kernel density to its modes", fontsize=11)
        counts = data.n_clusters
        ax_n.step(data.bandwidths, counts, where="mid", color="0.2", lw=1.5)
        ax_n.set_xscale("log")
        ax_n.set_yscale("log")
        ax_n.set_xlabel("bandwidth $h$ (data units, log scale)")
        ax_n.set_ylabel("number of modes = clusters (log scale)")
        ax_n.set_title("the bandwidth sets the number of clusters", fontsize=11)
        ax_n.grid(alpha=0.3, which="both")
        ticks = [t for t in (0.2, 0.3, 0.5, 1, 2, 3, 5) if data.bandwidths[0] <= t <= data.bandwidths[-1]]
        ax_n.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax_n.xaxis.set_minor_formatter(NullFormatter())
        yticks = [t for t in (1, 2, 3, 5, 10, 20, 50, 100) if t <= counts.max()]
        ax_n.set_yticks(yticks, [str(t) for t in yticks])
        ax_n.yaxis.set_minor_formatter(NullFormatter())
        ax_n.set_ylim(0.8, 1.25 * counts.max())
        self.now = self.dynamic(ax_n.axvline(h, color="#d62728", lw=1.3))
        self.dot = self.dynamic(ax_n.plot([], [], "o", ms=7, color="#d62728")[0])
        if data.matched:
            k_true = max(int(c.max()) for c in data.colour_index) + 1
            handles = [Line2D([], [], marker="o", ls="none", color=COMPONENT_COLORS[j % len(COMPONENT_COLORS)],
                              label=f"cluster matched to true component {j + 1}") for j in range(k_true)]
            handles.append(Line2D([], [], marker="o", ls="none", color=UNMATCHED, label="cluster matched to none"))
        else:
            handles = [Line2D([], [], marker="o", ls="none", color=COMPONENT_COLORS[0], label="points, by cluster")]
        handles += [
            Line2D([], [], color="0.25", lw=0.8, alpha=0.6, label="paths of the points"),
            Line2D([], [], color="0.55", lw=0.8, label="density contours"),
            Line2D([], [], marker="X", ms=10, color="k", mec="white", ls="none", label="modes"),
            Line2D([], [], color="#d62728", lw=1.3, label="current h"),
        ]
        ax_legend.legend(handles=handles, loc="center", ncol=5, fontsize=9, frameon=False,
                         borderaxespad=0)

    def show(self, state):
        self.contours.set_segments([seg for level in state["contours"] for seg in level])
        self.paths.set_segments(state["paths"])
        index = np.asarray(state["colour_index"])
        index = np.where(index < 0, -1, index % len(COMPONENT_COLORS))  # -1: the grey of unmatched clusters
        self.scatter.set_facecolors(self.palette[index[state["labels"]]])
        self.modes.set_data(state["centers"][:, 0], state["centers"][:, 1])
        self.now.set_xdata([state["h"], state["h"]])
        self.dot.set_data([state["h"]], [state["n_clusters"]])


def make_meanshift_lab(X=None, bandwidths=None, h=0.8, data=None, truth=None):
    """The mean-shift lab: a log-scale slider over precomputed bandwidths (see `MeanShiftFigure`).

    Parameters
    ----------
    X : array (n, 2), default the lesson's data (`make_synthetic("round", n=300, rng=0)`, with its true
        components as `truth`)
    bandwidths : array of increasing bandwidths, default `bandwidth_grid()`
    h : float, the starting bandwidth
    data : MeanShiftLabData from `precompute`, optional; given, X and bandwidths are ignored (a notebook that
        has already run `precompute` passes its result rather than compute it twice)
    truth : int array (n,) of true components, or None (see `precompute`)

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` is the `lab_state` dict at the slider's h, `lab.data` the
    `MeanShiftLabData` behind it and `lab.readout` the HTML line below the figure.
    """
    from html import escape

    import ipywidgets as widgets

    from ..datasets import make_synthetic

    if data is None:
        if X is None:
            X, truth = make_synthetic("round", n=300, rng=0)
        bandwidths = bandwidth_grid() if bandwidths is None else np.asarray(bandwidths, dtype=float)
        data = precompute(X, bandwidths, truth=truth)
    figure = MeanShiftFigure(data, h)
    readout = widgets.HTML()

    def update(h):
        state = lab_state(data, h)
        figure.show(state)
        readout.value = escape(status_line(state), quote=False)
        return state

    log_h = np.log10(data.bandwidths)
    slider = widgets.FloatLogSlider(
        value=h, base=10, min=float(log_h[0]), max=float(log_h[-1]), step=float(np.mean(np.diff(log_h))),
        description="h", readout_format=".3g", continuous_update=True,
    )
    lab = Lab(
        figure, [{"h": slider}], update,
        title="<b>mean-shift lab</b>: drag the bandwidth h; every point climbs the density to a mode, "
              "and the modes are the clusters.",
    )
    lab.data = data
    lab.readout = readout
    lab.widget.children = (*lab.widget.children, readout)
    return lab
