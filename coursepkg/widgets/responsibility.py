"""Responsibility lab: move a query point among three Gaussians (lesson 05).

The state logic is `responsibility_state(point, gmm)`: Bayes' rule for one point,
plus the two distances a student might confuse with it (Euclidean and
Mahalanobis) and the nearest centre. The widget only wires two sliders to it.
"""

from dataclasses import dataclass

import numpy as np

from ..em import e_step
from ..gaussian import covariance_from_axes, mahalanobis_sq_from_cholesky
from ..mixture import GMM
from ..plotting import blend_colors, component_colors, plot_ellipses, update_responsibilities
from ._base import Lab, LabFigure

# Three deliberately different components: a wide round one with most of the weight,
# a small tight one, and a long tilted one.
LAB_GMM = GMM(
    [0.5, 0.2, 0.3],
    [[0.0, 0.0], [3.5, 0.5], [1.0, 4.8]],
    [np.eye(2) * 4.0, np.eye(2) * 0.15, covariance_from_axes(1.6, 0.3, -20)],
)

# Closer to the tight component 1 than to the wide component 0, yet mostly claimed by 0.
LAB_START = (2.3, 0.0)


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
    nearest : int, the component with the closest centre (what k-means would pick)
    most_responsible : int, the component with the largest responsibility
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


_HEADER = "distance to centre\n         Euclid.  Mahal."


def _describe(state):
    """The readout under the static header: one row per component, then the verdict."""
    rows = [f"comp {j}: {state.distances[j]:6.2f}  {state.mahalanobis[j]:6.2f}" for j in range(state.resp.size)]
    rows.append(f"nearest centre: {state.nearest}")
    verdict = "" if state.nearest == state.most_responsible else "  (!)"
    rows.append(f"largest r_k:    {state.most_responsible}{verdict}")
    return "\n".join(rows)


class ResponsibilityFigure(LabFigure):
    """The mixture's 95% ellipses and the query point (left), its responsibilities (middle), distances (right)."""

    def __init__(self, gmm, start, xlim, ylim):
        super().__init__(figsize=(11, 4.4))
        self.gmm = gmm
        k = gmm.k
        rgb = component_colors(k)
        ax, ax_bar, ax_text = self.fig.subplots(1, 3, width_ratios=[1.3, 1, 0.72])
        plot_ellipses(gmm, ax=ax, level=0.95)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("query point among three Gaussians (95% ellipses)")
        self.links = self.dynamic([ax.plot([], [], ls=":", lw=1.2, color=rgb[j])[0] for j in range(k)])
        self.marker = self.dynamic(ax.scatter([start[0]], [start[1]], s=260, edgecolors="black", linewidths=1.5,
                                              zorder=5, label="query point (blended colour)"))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8, markerscale=0.5)

        self.bars = self.dynamic(ax_bar.bar(range(k), np.zeros(k), color=rgb, edgecolor="black"))
        ax_bar.set_ylim(0, 1.05)
        ax_bar.set_xlim(-0.6, k - 0.4)
        ax_bar.set_xticks(range(k), [f"comp. {j}" for j in range(k)])
        ax_bar.set_ylabel("responsibility $r_k = p(z=k \\mid x)$")
        ax_bar.set_title("responsibilities (sum to 1)")
        self.values = self.dynamic([ax_bar.text(j, 0, "", ha="center", va="bottom", fontsize=10) for j in range(k)])
        ax_text.set_axis_off()
        text = {"transform": ax_text.transAxes, "ha": "left", "va": "top", "family": "monospace", "fontsize": 9}
        ax_text.text(0.0, 0.95, _HEADER, **text)
        self.readout = self.dynamic(ax_text.text(0.0, 0.84, "", **text))

    def show(self, state):
        x, y = state.point
        self.marker.set_offsets([[x, y]])
        update_responsibilities(self.marker, state.resp[None, :])
        for j in range(self.gmm.k):
            self.links[j].set_data([x, self.gmm.means[j, 0]], [y, self.gmm.means[j, 1]])
            self.bars[j].set_height(state.resp[j])
            self.values[j].set_position((j, state.resp[j] + 0.01))
            self.values[j].set_text(f"{state.resp[j]:.3f}")
        self.readout.set_text(_describe(state))


def make_responsibility_lab(gmm=None, start=LAB_START, xlim=(-5.0, 7.0), ylim=(-5.0, 8.0)):
    """Two sliders move a query point; bars show its responsibilities.

    Parameters
    ----------
    gmm : 2-D GMM (default LAB_GMM, three components)
    start : (x, y) starting position of the query point
    xlim, ylim : slider ranges and axis limits

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current ResponsibilityState
    """
    import ipywidgets as widgets

    gmm = LAB_GMM if gmm is None else gmm
    if gmm.d != 2:
        raise ValueError(f"the responsibility lab draws 2-D mixtures; got a GMM with d={gmm.d}.")
    figure = ResponsibilityFigure(gmm, start, xlim, ylim)

    def update(x, y):
        state = responsibility_state((x, y), gmm)
        figure.show(state)
        return state

    slider = dict(step=0.05, continuous_update=True, readout_format=".2f")
    rows = [{
        "x": widgets.FloatSlider(value=start[0], min=xlim[0], max=xlim[1], description="x₁", **slider),
        "y": widgets.FloatSlider(value=start[1], min=ylim[0], max=ylim[1], description="x₂", **slider),
    }]
    return Lab(figure, rows, update, title="<b>Responsibility lab</b>: move the query point with the sliders.")
