"""Responsibility lab: move a query point among three Gaussians (lesson 05).

The state logic is `responsibility_state(point, gmm)`: Bayes' rule for one point,
plus the two distances a student might confuse with it (Euclidean and
Mahalanobis) and the nearest centre. `responsibility_map` colours a grid of the
plane by the blended responsibilities, and `tie_fields` gives the fields whose zero
lines are the decision boundaries (of the mixture, or of k-means with the scores
-||x - mu_k||^2). `extend_path` keeps the trail of positions the point has visited.

The lab draws the map once, behind everything (it never changes), and moves only the
point, its trail and the bars. The point moves with two sliders: an ipywidgets Image
reports no mouse position, and no widget that does (ipyevents, ipycanvas, ipympl) is a
dependency of the course, so a true drag is not available.
"""

from dataclasses import dataclass

import numpy as np

from ..em import e_step
from ..gaussian import covariance_from_axes, mahalanobis_sq_from_cholesky
from ..logspace import softmax_rows
from ..mixture import GMM, weighted_log_prob
from ..plotting import blend_colors, component_colors, plot_ellipses, update_responsibilities
from ._base import Lab, LabFigure

# Three deliberately different components: a wide round one with most of the weight,
# a small tight one, and a long tilted one. (Component 1 is index 0 in Python.)
LAB_GMM = GMM(
    [0.5, 0.2, 0.3],
    [[0.0, 0.0], [3.5, 0.5], [1.0, 4.8]],
    [np.eye(2) * 4.0, np.eye(2) * 0.15, covariance_from_axes(1.6, 0.3, -20)],
)

# Closer to the tight component 2 than to the wide component 1, yet mostly claimed by 1.
LAB_START = (2.3, 0.0)
LAB_XLIM = (-5.0, 7.0)
LAB_YLIM = (-5.0, 8.0)
PATH_LENGTH = 400  # the trail keeps the last this many positions
MAP_RESOLUTION = 240  # grid cells along each axis of the responsibility map
MAP_LIGHTEN = 0.5  # the map's colours are mixed this much with white, so the point stands out


@dataclass(frozen=True)
class ResponsibilityState:
    """What the lab shows for one query point.

    Attributes
    ----------
    point : array (d,)
    resp : array (k,), r_k = p(z = k | x), summing to 1
    color : array (3,), RGB blend of the component colours weighted by resp
    distances : array (k,), Euclidean distance ||x - mu_k||
    mahalanobis : array (k,), sqrt((x - mu_k)^T Sigma_k^{-1} (x - mu_k))
    nearest : int, Python index of the component with the closest centre (what k-means would pick)
    most_responsible : int, Python index of the component with the largest responsibility
    log_density : float, log p(x) under the mixture
    """

    point: np.ndarray
    resp: np.ndarray
    color: np.ndarray
    distances: np.ndarray
    mahalanobis: np.ndarray
    nearest: int
    most_responsible: int
    log_density: float


def responsibility_state(point, gmm):
    """Responsibilities, blended colour and distances of one query point under a mixture.

    Parameters
    ----------
    point : array of shape (d,)
    gmm : GMM in d dimensions

    Returns
    -------
    ResponsibilityState
    """
    x = np.asarray(point, dtype=float).reshape(1, -1)
    resp, log_density = e_step(x, gmm)  # validates x against gmm
    resp = resp[0]
    mahal = np.array([np.sqrt(mahalanobis_sq_from_cholesky(x, gmm.means[j], gmm.cholesky[j])[0]) for j in range(gmm.k)])
    distances = np.linalg.norm(gmm.means - x, axis=1)
    return ResponsibilityState(
        point=x[0],
        resp=resp,
        color=blend_colors(resp[None, :])[0],
        distances=distances,
        mahalanobis=mahal,
        nearest=int(np.argmin(distances)),
        most_responsible=int(np.argmax(resp)),
        log_density=float(log_density),
    )


@dataclass(frozen=True)
class ResponsibilityMap:
    """Responsibilities on a regular grid of the plane.

    Attributes
    ----------
    xs : array (nx,), the grid's x_1 values (cell centres)
    ys : array (ny,), the grid's x_2 values
    log_joint : array (ny, nx, k), log pi_k + log N(x | mu_k, Sigma_k) at each grid point
    resp : array (ny, nx, k), the responsibilities, summing to 1 over the last axis
    rgb : array (ny, nx, 3), the blend of the component colours weighted by resp
    extent : (x_min, x_max, y_min, y_max) of the cells, for ``imshow(..., origin="lower")``
    """

    xs: np.ndarray
    ys: np.ndarray
    log_joint: np.ndarray
    resp: np.ndarray
    rgb: np.ndarray
    extent: tuple


def responsibility_map(gmm, xlim, ylim, resolution=MAP_RESOLUTION):
    """Responsibilities of a 2-D mixture over a grid of `resolution` x `resolution` cells.

    Parameters
    ----------
    gmm : GMM in 2 dimensions
    xlim, ylim : (low, high) of the window
    resolution : int >= 2, cells along each axis

    Returns
    -------
    ResponsibilityMap
    """
    if gmm.d != 2:
        raise ValueError(f"a responsibility map is drawn for a 2-D mixture; got a GMM with d={gmm.d}.")
    if int(resolution) < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}.")
    resolution = int(resolution)
    dx = (xlim[1] - xlim[0]) / resolution
    dy = (ylim[1] - ylim[0]) / resolution
    xs = xlim[0] + dx * (np.arange(resolution) + 0.5)
    ys = ylim[0] + dy * (np.arange(resolution) + 0.5)
    grid = np.column_stack([np.tile(xs, resolution), np.repeat(ys, resolution)])
    log_joint = weighted_log_prob(grid, gmm)
    resp, _ = softmax_rows(log_joint)
    shape = (resolution, resolution)
    return ResponsibilityMap(
        xs=xs,
        ys=ys,
        log_joint=log_joint.reshape(*shape, gmm.k),
        resp=resp.reshape(*shape, gmm.k),
        rgb=blend_colors(resp).reshape(*shape, 3),
        extent=(xlim[0], xlim[1], ylim[0], ylim[1]),
    )


def tie_fields(scores):
    """For each pair of components, the field whose zero line is the boundary between their regions.

    A point belongs to the component with the largest score (the log joint for the mixture's
    largest responsibility; -||x - mu_k||^2 for k-means' nearest centre). Regions i and j meet where
    their scores are equal *and* are the two largest; elsewhere the field is NaN, so a contour
    plot at level 0 draws only the real boundary.

    Parameters
    ----------
    scores : array (..., k) with k >= 2

    Returns
    -------
    dict (i, j) -> array (...), scores[..., i] - scores[..., j] where i and j hold the two largest
    scores, NaN elsewhere; one entry per pair i < j
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim < 1 or scores.shape[-1] < 2:
        raise ValueError(f"scores must have shape (..., k) with k >= 2; got {scores.shape}.")
    k = scores.shape[-1]
    top_two = np.sort(np.argsort(scores, axis=-1)[..., -2:], axis=-1)
    fields = {}
    for i in range(k):
        for j in range(i + 1, k):
            pair = (top_two[..., 0] == i) & (top_two[..., 1] == j)
            fields[(i, j)] = np.where(pair, scores[..., i] - scores[..., j], np.nan)
    return fields


def extend_path(path, point, max_points=PATH_LENGTH):
    """The trail of positions with `point` appended (unless it repeats the last one), at most `max_points` long.

    Parameters
    ----------
    path : array (m, 2), the positions so far (m may be 0)
    point : (x_1, x_2)
    max_points : int >= 1

    Returns
    -------
    array (m', 2), a new array; the oldest positions are dropped first
    """
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    point = np.asarray(point, dtype=float).reshape(1, 2)
    if path.shape[0] and np.array_equal(path[-1], point[0]):
        return path.copy()
    return np.vstack([path, point])[-int(max_points):]


_HEADER = "distance to centre\n           Euclid.  Mahal."


def _describe(state):
    """The readout under the static header: one row per component (numbered from 1), then the verdict."""
    rows = [f"comp. {j + 1}: {state.distances[j]:6.2f}  {state.mahalanobis[j]:6.2f}" for j in range(state.resp.size)]
    rows.append(f"nearest centre: {state.nearest + 1}")
    verdict = "" if state.nearest == state.most_responsible else "  (!)"
    rows.append(f"largest r_k:    {state.most_responsible + 1}{verdict}")
    return "\n".join(rows)


def draw_boundaries(ax, scores, xs, ys, **style):
    """Draw the zero lines of `tie_fields(scores)` on a grid (scores of shape (len(ys), len(xs), k)).

    Returns
    -------
    list of the QuadContourSets, one per pair of components that share a boundary in the window
    """
    drawn = []
    for field in tie_fields(scores).values():
        finite = field[np.isfinite(field)]
        if finite.size and finite.min() < 0 < finite.max():
            drawn.append(ax.contour(xs, ys, field, levels=[0.0], **style))
    return drawn


class ResponsibilityFigure(LabFigure):
    """The map of responsibilities, the 95% ellipses and the query point with its trail (left);
    its responsibilities (middle); its distances (right)."""

    def __init__(self, gmm, start, xlim, ylim):
        super().__init__(figsize=(10.5, 5.3))
        self.gmm = gmm
        k = gmm.k
        rgb = component_colors(k)
        ax, ax_bar, ax_text = self.fig.subplots(1, 3, width_ratios=[1.45, 0.75, 0.62])
        rmap = responsibility_map(gmm, xlim, ylim)
        ax.imshow(1 - MAP_LIGHTEN * (1 - rmap.rgb), origin="lower", extent=rmap.extent, interpolation="bilinear",
                  aspect="equal")
        draw_boundaries(ax, rmap.log_joint, rmap.xs, rmap.ys, colors="black", linewidths=1.3)
        centres = np.stack([-np.sum((np.stack(np.meshgrid(rmap.xs, rmap.ys), axis=-1) - m) ** 2, axis=-1)
                            for m in gmm.means], axis=-1)
        draw_boundaries(ax, centres, rmap.xs, rmap.ys, colors="0.25", linewidths=1.0, linestyles="dashed")
        plot_ellipses(gmm, ax=ax, level=0.95, label_prefix=None, linewidth=1.5)
        ax.plot([], [], color="black", lw=1.3, label="mixture: largest $r_k$ changes")
        ax.plot([], [], color="0.25", lw=1.0, ls="--", label="k-means: nearest centre changes")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("plane coloured by responsibilities (95% ellipses)", fontsize=10)
        self.path = self.dynamic(ax.plot([], [], "-", color="0.1", lw=1.0, alpha=0.8, label="path of the point")[0])
        self.links = self.dynamic([ax.plot([], [], ls=":", lw=1.2, color=rgb[j])[0] for j in range(k)])
        self.marker = self.dynamic(ax.scatter([start[0]], [start[1]], s=220, edgecolors="black", linewidths=1.5,
                                              zorder=5, label="query point (blended colour)"))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7.5, markerscale=0.5)

        self.bars = self.dynamic(ax_bar.bar(range(k), np.zeros(k), color=rgb, edgecolor="black"))
        ax_bar.set_ylim(0, 1.08)
        ax_bar.set_xlim(-0.6, k - 0.4)
        ax_bar.set_xticks(range(k), [f"comp. {j + 1}" for j in range(k)])
        ax_bar.set_ylabel("responsibility $r_k = p(z=k \\mid x)$")
        ax_bar.set_title("responsibilities (sum to 1)", fontsize=10)
        self.values = self.dynamic([ax_bar.text(j, 0, "", ha="center", va="bottom", fontsize=10) for j in range(k)])
        ax_text.set_axis_off()
        text = {"transform": ax_text.transAxes, "ha": "left", "va": "top", "family": "monospace", "fontsize": 9}
        ax_text.text(0.0, 0.95, _HEADER, **text)
        self.readout = self.dynamic(ax_text.text(0.0, 0.84, "", **text))

    def show(self, state, path):
        x, y = state.point
        self.path.set_data(path[:, 0], path[:, 1])
        self.marker.set_offsets([[x, y]])
        update_responsibilities(self.marker, state.resp[None, :])
        for j in range(self.gmm.k):
            self.links[j].set_data([x, self.gmm.means[j, 0]], [y, self.gmm.means[j, 1]])
            self.bars[j].set_height(state.resp[j])
            self.values[j].set_position((j, state.resp[j] + 0.01))
            self.values[j].set_text(f"{state.resp[j]:.3f}")
        self.readout.set_text(_describe(state))


def make_responsibility_lab(gmm=None, start=LAB_START, xlim=LAB_XLIM, ylim=LAB_YLIM):
    """Two sliders move a query point over the map of responsibilities; bars show its responsibilities.

    Parameters
    ----------
    gmm : 2-D GMM (default LAB_GMM, three components)
    start : (x_1, x_2) starting position of the query point
    xlim, ylim : slider ranges and axis limits

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current ResponsibilityState, `lab.path()` the trail
    """
    import ipywidgets as widgets

    gmm = LAB_GMM if gmm is None else gmm
    if gmm.d != 2:
        raise ValueError(f"the responsibility lab draws 2-D mixtures; got a GMM with d={gmm.d}.")
    figure = ResponsibilityFigure(gmm, start, xlim, ylim)
    trail = {"path": np.empty((0, 2))}

    def update(x, y):
        state = responsibility_state((x, y), gmm)
        trail["path"] = extend_path(trail["path"], state.point)
        figure.show(state, trail["path"])
        return state

    def reset_path():
        trail["path"] = np.empty((0, 2))

    slider = dict(step=0.05, continuous_update=True, readout_format=".2f")
    rows = [{
        "x": widgets.FloatSlider(value=start[0], min=xlim[0], max=xlim[1], description="x₁", **slider),
        "y": widgets.FloatSlider(value=start[1], min=ylim[0], max=ylim[1], description="x₂", **slider),
    }]
    lab = Lab(
        figure,
        rows,
        update,
        buttons={"Reset path": reset_path},
        title="<b>Responsibility lab</b>: move the query point with the sliders. Behind it, the plane is "
        "coloured by its responsibilities; solid lines: where the mixture's largest r_k changes; dashed: "
        "where k-means' nearest centre changes.",
    )
    lab.path = lambda: trail["path"].copy()
    return lab


__all__ = [
    "LAB_GMM", "LAB_START", "LAB_XLIM", "LAB_YLIM", "ResponsibilityFigure", "ResponsibilityMap", "ResponsibilityState",
    "draw_boundaries", "extend_path", "make_responsibility_lab", "responsibility_map", "responsibility_state",
    "tie_fields",
]
