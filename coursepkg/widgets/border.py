"""The border-point lab: one point moved between two clusters.

k-means gives the point a hard, one-hot assignment to the nearer centre, which
flips abruptly at the perpendicular bisector of the two centres. A Gaussian
mixture gives it soft responsibilities r_k = pi_k N(x | mu_k, Sigma_k) / sum_j
pi_j N(x | mu_j, Sigma_j), which slide smoothly from 1 to 0 as the point moves.

Along a line x(t) = x(0) + t (mu_2 - mu_1) the log-odds log(r_2 / r_1) is a polynomial
of degree 2 in t (a difference of two quadratic forms, plus constants); with equal
covariances the t^2 terms cancel, the log-odds is linear and r_2 is a logistic
function of t. The lab draws that curve and prints its coefficients.

Clusters are numbered 1 and 2 (blue and red), as everywhere in the course; in the
code they are components 0 and 1 of the mixture.

`border_state`, `soft_along_line` and `log_odds_coefficients` are the pure state logic
(tested without a browser); `make_border_lab` wires two sliders and a scenario menu to
them and redraws one figure in place.
"""

from dataclasses import dataclass

import numpy as np

from .._validation import check_rng
from ..em import e_step
from ..mixture import GMM
from ..plotting import COMPONENT_COLORS, ellipse_artists, update_ellipses
from ._base import Lab, LabFigure

# Two clusters on the x axis, 4 units apart. Cluster 1 is component 0, cluster 2 is component 1.
SCENARIOS = {
    "equal round clusters": GMM([0.5, 0.5], [[0.0, 0.0], [4.0, 0.0]], [np.eye(2), np.eye(2)]),
    "cluster 2 wider": GMM([0.5, 0.5], [[0.0, 0.0], [4.0, 0.0]], [np.eye(2) * 0.5, np.eye(2) * 3.0]),
    "cluster 2 three times as common": GMM([0.25, 0.75], [[0.0, 0.0], [4.0, 0.0]], [np.eye(2), np.eye(2)]),
}

# The positions of the curve panel: 0 at centre 1, 1 at centre 2, as the slider.
POSITIONS = np.linspace(-0.25, 1.25, 151)


def hard_step(positions):
    """Weight of cluster 2 in the k-means assignment at each position (shape of `positions`).

    At any offset the two squared distances are equal at t = 1/2 (the point is on the bisector), and
    `border_state` gives that tie to cluster 1: the weight is 0 for t <= 1/2 and 1 for t > 1/2.
    """
    return (np.asarray(positions, dtype=float) > 0.5).astype(float)


@dataclass(frozen=True)
class BorderState:
    """What the lab shows for one position of the point.

    point : array (2,), the point's coordinates
    hard : array (2,), one-hot k-means assignment to the nearer centre (cluster 1 wins a tie)
    soft : array (2,), responsibilities of clusters 1 and 2 under the mixture, summing to 1
    sq_distances : array (2,), squared Euclidean distances to the two centres
    log_odds : array (3,), (c0, c1, c2) with log(r_2 / r_1) = c0 + c1 t + c2 t^2 along the line
        through the point parallel to mu_1 -> mu_2, t the position (as the slider)
    """

    point: np.ndarray
    hard: np.ndarray
    soft: np.ndarray
    sq_distances: np.ndarray
    log_odds: np.ndarray


def _check_pair(gmm):
    if not isinstance(gmm, GMM) or gmm.k != 2 or gmm.d != 2:
        raise ValueError(f"gmm must be a 2-component GMM in 2 dimensions; got {gmm!r}.")


def point_on_segment(gmm, position, offset=0.0):
    """The point a fraction `position` of the way from mu_1 to mu_2, moved `offset` units perpendicular to it.

    position = 0 is centre 1, position = 1 is centre 2; offset > 0 is to the left of the mu_1 -> mu_2 direction.
    """
    a, b = gmm.means[0], gmm.means[1]
    direction = b - a
    normal = np.array([-direction[1], direction[0]]) / np.linalg.norm(direction)
    return a + float(position) * direction + float(offset) * normal


def log_odds_coefficients(gmm, offset=0.0):
    """(c0, c1, c2) with log(r_2 / r_1) = c0 + c1 t + c2 t^2 at the point (t, offset), in closed form.

    With x(t) = p + t v (p the point at t = 0, v = mu_2 - mu_1), w_k = p - mu_k and P_k = Sigma_k^{-1},
    log pi_k N(x | mu_k, Sigma_k) = log pi_k - (1/2) log |2 pi Sigma_k| - (1/2)(w_k + t v)^T P_k (w_k + t v),
    so the difference of the two is a quadratic in t. c2 = -(1/2) v^T (P_2 - P_1) v is 0 when the
    covariances are equal: then r_2 = 1 / (1 + exp(-(c0 + c1 t))) is a logistic function of t.

    Returns
    -------
    array (3,)
    """
    _check_pair(gmm)
    p = point_on_segment(gmm, 0.0, offset)
    v = gmm.means[1] - gmm.means[0]
    quad, lin, const = [], [], []
    for k in range(2):
        cov, w = gmm.covariances[k], p - gmm.means[k]
        Pv, Pw = np.linalg.solve(cov, v), np.linalg.solve(cov, w)  # P_k v and P_k w, without inverting Sigma_k
        _, logdet = np.linalg.slogdet(cov)
        quad.append(-0.5 * v @ Pv)
        lin.append(-(v @ Pw))
        const.append(np.log(gmm.weights[k]) - 0.5 * logdet - 0.5 * w @ Pw)
    return np.array([const[1] - const[0], lin[1] - lin[0], quad[1] - quad[0]])


def soft_along_line(gmm, positions, offset=0.0):
    """Responsibility of cluster 2 at each position along the line at `offset`, by the E-step (shape of `positions`)."""
    _check_pair(gmm)
    positions = np.asarray(positions, dtype=float)
    a, b = gmm.means
    direction = b - a
    normal = np.array([-direction[1], direction[0]]) / np.linalg.norm(direction)
    points = a + positions.reshape(-1, 1) * direction + float(offset) * normal
    resp, _ = e_step(points, gmm)
    return resp[:, 1].reshape(positions.shape)


def border_state(gmm, position, offset=0.0):
    """Hard and soft assignment of the point at (`position`, `offset`) between the two clusters of `gmm`.

    Parameters
    ----------
    gmm : GMM with k = 2 components in d = 2 dimensions (cluster 1 = component 0, cluster 2 = component 1)
    position : float, 0 at centre 1, 1 at centre 2 (values outside [0, 1] go beyond them)
    offset : float, distance perpendicular to the segment mu_1 -> mu_2, in data units

    Returns
    -------
    BorderState
    """
    _check_pair(gmm)
    point = point_on_segment(gmm, position, offset)
    diff = gmm.means - point
    sq = np.einsum("ij,ij->i", diff, diff)
    hard = np.zeros(2)
    hard[int(np.argmin(sq))] = 1.0  # nearest centre, as in the k-means assignment step
    soft, _ = e_step(point[None, :], gmm)
    return BorderState(point, hard, soft[0], sq, log_odds_coefficients(gmm, offset))


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


def log_odds_text(coefficients):
    """The log-odds polynomial as text, e.g. 'log(r₂/r₁) = −8.00 + 16.00 t' (the t² term only when it is not 0)."""
    c0, c1, c2 = (float(c) for c in coefficients)
    text = f"log(r₂/r₁) = {c0:.2f} {'+' if c1 >= 0 else '−'} {abs(c1):.2f} t"
    if abs(c2) > 1e-9:
        text += f" {'+' if c2 >= 0 else '−'} {abs(c2):.2f} t²"
        return text.replace("-", "−") + "\nquadratic in t: not a logistic curve"
    return text.replace("-", "−") + "\nlinear in t: r₂ is a logistic curve"


class BorderFigure(LabFigure):
    """The two clusters and the point (left); the hard and soft bars (top right); r_2 along the line (bottom right).

    Everything that depends on the scenario is dynamic too, so that no redraw needs a full draw.
    """

    XLIM, YLIM = (-3.5, 7.5), (-4.0, 4.0)

    def __init__(self):
        super().__init__(figsize=(10.5, 4.8))
        self.fig.get_layout_engine().set(w_pad=0.12)  # room for the last tick labels at the right edge
        grid = self.fig.add_gridspec(2, 2, width_ratios=[1.35, 1], height_ratios=[1, 1.25])
        ax = self.fig.add_subplot(grid[:, 0])
        bar_ax, curve_ax = self.fig.add_subplot(grid[0, 1]), self.fig.add_subplot(grid[1, 1])
        colors = COMPONENT_COLORS[:2]
        self.scatters = self.dynamic(
            [ax.scatter([], [], s=10, alpha=0.35, color=colors[j], label=f"cluster {j + 1}") for j in range(2)]
        )
        ellipses, marks = ellipse_artists(2, ax, colors=colors, lw=1.5, centres={"marker": "x", "ms": 10, "mew": 2})
        self.ellipses, self.centres = self.dynamic(ellipses), self.dynamic(marks)
        self.bisector = self.dynamic(ax.plot([], [], "k--", lw=1.2, label="k-means boundary (equal distance)")[0])
        self.segment = self.dynamic(ax.plot([], [], ":", color="0.5", lw=1)[0])
        self.soft_line = self.dynamic(ax.plot([], [], color="0.3", lw=1.5, label="soft 50/50 boundary")[0])
        self.point = self.dynamic(
            ax.plot([], [], "o", ms=12, mfc="orange", mec="black", mew=1.5, label="the border point")[0]
        )
        ax.set_title("move the orange point from centre 1 to centre 2", fontsize=10)
        ax.set_xlim(*self.XLIM)
        ax.set_ylim(*self.YLIM)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$ (data units)")
        ax.set_ylabel("$x_2$ (data units)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8)

        rows = [1, 0]  # hard bar on top, soft bar below
        self.left = bar_ax.barh(rows, [1, 1], color=colors[0], height=0.5)
        self.right = bar_ax.barh(rows, [0, 0], left=[1, 1], color=colors[1], height=0.5)
        self.texts = [
            bar_ax.text(0.5, r, "", ha="center", va="center", fontsize=10, color="white", weight="bold") for r in rows
        ]
        self.dynamic([*self.left, *self.right, *self.texts])
        bar_ax.set_yticks(rows, ["hard\n(k-means)", "soft\n(mixture)"])
        bar_ax.set_xlim(0, 1)
        bar_ax.set_ylim(-0.6, 1.6)
        bar_ax.axvline(0.5, color="0.4", lw=0.8, ls=":")
        bar_ax.set_xlabel("share of cluster 1 (blue) | share of cluster 2 (red)", fontsize=9)
        bar_ax.set_title("membership of the orange point", fontsize=10)

        # at any offset the nearer centre changes at t = 1/2; "pre" draws the tie at t = 1/2 as cluster 1's
        ends = [POSITIONS[0], 0.5, POSITIONS[-1]]
        curve_ax.step(ends, hard_step(ends), where="pre", color="black", lw=1.2, label="hard (tie: cluster 1)")
        self.curve = self.dynamic(curve_ax.plot([], [], color=colors[1], lw=2, label="soft $r_2$")[0])
        self.hard_marker = self.dynamic(curve_ax.plot([], [], "s", ms=6, mfc="black", mec="black",
                                                      clip_on=False)[0])
        self.marker = self.dynamic(curve_ax.plot([], [], "o", ms=8, mfc="orange", mec="black", clip_on=False)[0])
        # right of the hard step at t = 1/2 and below its top, clear of the step and the markers
        self.formula = self.dynamic(curve_ax.text(0.98, 0.36, "", transform=curve_ax.transAxes, ha="right",
                                                  va="center", fontsize=8, color="0.15"))
        curve_ax.set_xlim(POSITIONS[0] - 0.04, POSITIONS[-1] + 0.04)  # the markers stay whole at the ends
        curve_ax.set_ylim(-0.07, 1.07)
        curve_ax.set_xlabel("position t on the line (0 = centre 1, 1 = centre 2)", fontsize=9)
        curve_ax.set_ylabel("weight of cluster 2", fontsize=9)
        curve_ax.set_title("cluster 2's weight along the line through the point", fontsize=10)
        curve_ax.legend(loc="upper left", fontsize=8)
        self.gmm = None  # the scenario shown
        self.offset = None  # the offset of the curve shown

    def show(self, gmm, backdrop, state, position, curve):
        """The clusters of scenario `gmm` (its points X and labels z, its soft boundary), then the point.

        `curve` is the soft weight of cluster 2 at `POSITIONS` along the line through the point.
        """
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
            self.texts[i].set_text(f"1: {share[0]:.0%}  |  2: {share[1]:.0%}")
        self.curve.set_data(POSITIONS, curve)
        self.hard_marker.set_data([position], [state.hard[1]])
        self.marker.set_data([position], [state.soft[1]])
        # four short lines, so that the text fits between the hard step at t = 1/2 and the right edge
        self.formula.set_text(log_odds_text(state.log_odds).replace(" = ", " =\n", 1).replace(": ", ":\n"))


def make_border_lab(scenarios=None, n_points=200, rng=0):
    """The border-point lab: sliders for the point's position along mu_1 -> mu_2 and its perpendicular offset.

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
    curves = {}  # (scenario, offset) -> soft weight of cluster 2 along the line

    def update(position, offset, scenario):
        gmm = scenarios[scenario]
        state = border_state(gmm, position, offset)
        key = (scenario, float(offset))
        if key not in curves:
            curves[key] = soft_along_line(gmm, POSITIONS, offset)
        figure.show(gmm, backdrop[scenario], state, position, curves[key])
        return state

    rows = [{
        "position": widgets.FloatSlider(value=0.3, min=-0.25, max=1.25, step=0.01, description="1 → 2"),
        "offset": widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.05, description="sideways"),
        "scenario": widgets.Dropdown(options=names, value=names[0], description="clusters"),
    }]
    return Lab(
        figure,
        rows,
        update,
        title="<b>Border-point lab</b>: move the point; the hard bar flips at the dashed line, "
        "the soft bar slides along the red curve.",
    )


__all__ = [
    "POSITIONS",
    "SCENARIOS",
    "BorderFigure",
    "BorderState",
    "border_state",
    "hard_step",
    "log_odds_coefficients",
    "log_odds_text",
    "make_border_lab",
    "point_on_segment",
    "soft_along_line",
    "soft_boundary",
]
