"""The border-point lab: one point moved between two clusters.

k-means gives the point a hard, one-hot assignment to the nearest centre, which
flips abruptly at the perpendicular bisector of the two centres. A Gaussian
mixture gives it soft responsibilities r_k = pi_k N(x | mu_k, Sigma_k) / sum_j
pi_j N(x | mu_j, Sigma_j), which slide smoothly from 1 to 0 as the point moves.

`border_state` is the pure state logic (tested without a browser);
`make_border_lab` wires two sliders and a scenario menu to it and redraws one
figure in place.
"""

from dataclasses import dataclass

import numpy as np

from .._validation import check_rng
from ..em import e_step
from ..mixture import GMM
from ..plotting import COMPONENT_COLORS, ellipse_artists, update_ellipses
from ._base import Lab, LabFigure

# Two clusters on the x axis, 4 units apart. Cluster A is component 0, B is component 1.
SCENARIOS = {
    "equal round clusters": GMM([0.5, 0.5], [[0.0, 0.0], [4.0, 0.0]], [np.eye(2), np.eye(2)]),
    "B wider than A": GMM([0.5, 0.5], [[0.0, 0.0], [4.0, 0.0]], [np.eye(2) * 0.5, np.eye(2) * 3.0]),
    "B three times as common": GMM([0.25, 0.75], [[0.0, 0.0], [4.0, 0.0]], [np.eye(2), np.eye(2)]),
}


@dataclass(frozen=True)
class BorderState:
    """What the lab shows for one position of the point.

    point : array (2,), the point's coordinates
    hard : array (2,), one-hot k-means assignment to the nearer centre (A wins a tie)
    soft : array (2,), responsibilities of A and B under the two-component mixture, summing to 1
    sq_distances : array (2,), squared Euclidean distances to the two centres
    """

    point: np.ndarray
    hard: np.ndarray
    soft: np.ndarray
    sq_distances: np.ndarray


def point_on_segment(gmm, position, offset=0.0):
    """The point a fraction `position` of the way from mu_A to mu_B, moved `offset` units perpendicular to it.

    position = 0 is centre A, position = 1 is centre B; offset > 0 is to the left of the A -> B direction.
    """
    a, b = gmm.means[0], gmm.means[1]
    direction = b - a
    normal = np.array([-direction[1], direction[0]]) / np.linalg.norm(direction)
    return a + float(position) * direction + float(offset) * normal


def border_state(gmm, position, offset=0.0):
    """Hard and soft assignment of the point at (`position`, `offset`) between the two clusters of `gmm`.

    Parameters
    ----------
    gmm : GMM with k = 2 components in d = 2 dimensions (A = component 0, B = component 1)
    position : float, 0 at centre A, 1 at centre B (values outside [0, 1] go beyond them)
    offset : float, distance perpendicular to the segment A -> B, in data units

    Returns
    -------
    BorderState
    """
    if not isinstance(gmm, GMM) or gmm.k != 2 or gmm.d != 2:
        raise ValueError(f"gmm must be a 2-component GMM in 2 dimensions; got {gmm!r}.")
    point = point_on_segment(gmm, position, offset)
    diff = gmm.means - point
    sq = np.einsum("ij,ij->i", diff, diff)
    hard = np.zeros(2)
    hard[int(np.argmin(sq))] = 1.0  # nearest centre, as in the k-means assignment step
    soft, _ = e_step(point[None, :], gmm)
    return BorderState(point, hard, soft[0], sq)


def soft_boundary(gmm, xlim, ylim, grid=150):
    """The curve where both responsibilities are 1/2, as an (m, 2) array of vertices.

    Separate pieces of the curve are joined by a row of NaN (so one Line2D draws them all).
    """
    import contourpy

    xs, ys = np.linspace(*xlim, grid), np.linspace(*ylim, grid)
    gx, gy = np.meshgrid(xs, ys)
    resp, _ = e_step(np.column_stack([gx.ravel(), gy.ravel()]), gmm)
    pieces = contourpy.contour_generator(gx, gy, resp[:, 1].reshape(gx.shape)).lines(0.5)
    if not pieces:
        return np.empty((0, 2))
    gap = np.full((1, 2), np.nan)
    return np.concatenate([part for piece in pieces for part in (piece, gap)][:-1])


class BorderFigure(LabFigure):
    """The two clusters and the point (left), the hard and soft membership bars (right).

    Everything that depends on the scenario is dynamic too, so that no redraw needs a full draw.
    """

    XLIM, YLIM = (-3.5, 7.5), (-4.0, 4.0)

    def __init__(self):
        super().__init__(figsize=(9.5, 4.2))
        ax, bar_ax = self.fig.subplots(1, 2, width_ratios=[1.5, 1])
        colors = COMPONENT_COLORS[:2]
        self.scatters = self.dynamic(
            [ax.scatter([], [], s=10, alpha=0.35, color=colors[j], label=f"cluster {'AB'[j]}") for j in range(2)]
        )
        ellipses, marks = ellipse_artists(2, ax, colors=colors, lw=1.5, centres={"marker": "x", "ms": 10, "mew": 2})
        self.ellipses, self.centres = self.dynamic(ellipses), self.dynamic(marks)
        self.bisector = self.dynamic(ax.plot([], [], "k--", lw=1.2, label="k-means boundary (equal distance)")[0])
        self.segment = self.dynamic(ax.plot([], [], ":", color="0.5", lw=1)[0])
        self.soft_line = self.dynamic(ax.plot([], [], color="0.3", lw=1.5, label="soft 50/50 boundary")[0])
        self.point = self.dynamic(
            ax.plot([], [], "o", ms=12, mfc="orange", mec="black", mew=1.5, label="the border point")[0]
        )
        ax.set_title("move the orange point from A to B", fontsize=10)
        bar_ax.set_title("membership of the orange point", fontsize=10)
        ax.set_xlim(*self.XLIM)
        ax.set_ylim(*self.YLIM)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=7)

        rows = [1, 0]  # hard bar on top, soft bar below
        self.left = bar_ax.barh(rows, [1, 1], color=colors[0], height=0.5)
        self.right = bar_ax.barh(rows, [0, 0], left=[1, 1], color=colors[1], height=0.5)
        self.texts = [
            bar_ax.text(0.5, r, "", ha="center", va="center", fontsize=11, color="white", weight="bold") for r in rows
        ]
        self.dynamic([*self.left, *self.right, *self.texts])
        bar_ax.set_yticks(rows, ["hard\n(k-means)", "soft\n(mixture)"])
        bar_ax.set_xlim(0, 1)
        bar_ax.set_ylim(-0.6, 1.6)
        bar_ax.axvline(0.5, color="0.4", lw=0.8, ls=":")
        bar_ax.set_xlabel("share of A (blue) | share of B (red)")
        self.gmm = None  # the scenario shown

    def show(self, gmm, backdrop, state):
        """The clusters of scenario `gmm` (its points X and labels z, its soft boundary), then the point."""
        if gmm is not self.gmm:  # a new scenario: its points, ellipses, centres and both boundaries
            self.gmm = gmm
            X, z, boundary = backdrop
            for j in range(2):
                self.scatters[j].set_offsets(X[z == j])
            update_ellipses(self.ellipses, gmm, self.centres)
            a, b = gmm.means
            mid, direction = (a + b) / 2, b - a
            normal = np.array([-direction[1], direction[0]]) / np.linalg.norm(direction)
            ends = np.array([mid - 10 * normal, mid + 10 * normal])
            self.bisector.set_data(ends[:, 0], ends[:, 1])
            seg = np.array([a - 0.5 * direction, b + 0.5 * direction])
            self.segment.set_data(seg[:, 0], seg[:, 1])
            self.soft_line.set_data(boundary[:, 0], boundary[:, 1])
        self.point.set_data([state.point[0]], [state.point[1]])
        for i, share in enumerate((state.hard, state.soft)):
            self.left[i].set_width(share[0])
            self.right[i].set_x(share[0])
            self.right[i].set_width(share[1])
            self.texts[i].set_text(f"A {share[0]:.0%}  |  B {share[1]:.0%}")


def make_border_lab(scenarios=None, n_points=200, rng=0):
    """The border-point lab: sliders for the point's position along A -> B and its perpendicular offset.

    Parameters
    ----------
    scenarios : dict name -> 2-component GMM (default `SCENARIOS`)
    n_points : int, points drawn from each scenario's mixture as a backdrop
    rng : None, int or numpy.random.Generator, default 0, for the backdrop points

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current BorderState.
    """
    import ipywidgets as widgets

    from ..mixture import sample

    scenarios = dict(SCENARIOS if scenarios is None else scenarios)
    names = list(scenarios)
    figure = BorderFigure()
    backdrop = {}  # scenario -> (points X, their labels z, the soft boundary)
    for name, gmm in scenarios.items():
        X, z = sample(gmm, n_points, rng=check_rng(rng))
        backdrop[name] = (X, z, soft_boundary(gmm, figure.XLIM, figure.YLIM))

    def update(position, offset, scenario):
        state = border_state(scenarios[scenario], position, offset)
        figure.show(scenarios[scenario], backdrop[scenario], state)
        return state

    rows = [{
        "position": widgets.FloatSlider(value=0.3, min=-0.25, max=1.25, step=0.01, description="A → B"),
        "offset": widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.05, description="sideways"),
        "scenario": widgets.Dropdown(options=names, value=names[0], description="clusters"),
    }]
    return Lab(
        figure,
        rows,
        update,
        title="<b>Border-point lab</b>: move the point; the hard bar flips at the dashed line, "
        "the soft bar slides.",
    )


__all__ = [
    "SCENARIOS",
    "BorderFigure",
    "BorderState",
    "border_state",
    "make_border_lab",
    "point_on_segment",
    "soft_boundary",
]
