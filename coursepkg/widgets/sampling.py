"""The sampling lab: draw points from a two-component Gaussian mixture and watch them follow the sliders.

Ancestral sampling in two steps: z ~ Cat(pi), then x ~ N(mu_z, Sigma_z). The
randomness is drawn once — a uniform u_n and a standard normal vector e_n per
point — and pushed through the current parameters:

    z_n = the first k with u_n < pi_1 + ... + pi_k        (inverse CDF of Cat(pi))
    x_n = mu_{z_n} + R(theta_{z_n}) diag(s_{z_n}) e_n     (stretch, rotate, shift)

so moving a slider moves the same points smoothly instead of drawing new ones.
Sigma = R diag(s)^2 R^T, with s the standard deviations along the ellipse's axes.

`sampling_state` is the pure state logic (tested without a browser);
`make_sampling_lab` wires the sliders to it and redraws one figure in place.
"""

from dataclasses import dataclass

import numpy as np

from .._validation import check_rng
from ..gaussian import chi2_radius, covariance_from_axes, rotation
from ..mixture import GMM
from ..plotting import component_colors, ellipse_artists, update_ellipses, update_responsibilities
from ._base import Lab, LabFigure


@dataclass(frozen=True)
class SamplingState:
    """What the lab shows.

    gmm : GMM, the mixture the sliders describe
    X : array (n, 2), the sampled points
    z : int array (n,), the component of each point
    counts : int array (k,), points per component
    inside : array (k,), fraction of each component's points inside its own 95% ellipse (NaN if none)
    """

    gmm: GMM
    X: np.ndarray
    z: np.ndarray
    counts: np.ndarray
    inside: np.ndarray


def fixed_noise(n, rng=0, d=2):
    """The randomness the lab reuses: uniforms (n,) for z and standard normals (n, d) for x."""
    rng = check_rng(rng)
    return rng.uniform(size=n), rng.standard_normal((n, d))


def sampling_state(weights, means, sds, angles, uniforms, noise, level=0.95):
    """Map mixture parameters and fixed noise to the mixture, its samples and the counts per component.

    Parameters
    ----------
    weights : array (k,), non-negative, not all zero; normalised here to sum to 1
    means : array (k, 2)
    sds : array (k, 2), standard deviations along each component's major and minor axis
    angles : array (k,), rotation of each component's major axis, degrees counter-clockwise
    uniforms : array (n,) in [0, 1), one per point, choosing its component
    noise : array (n, 2), standard normal, one row per point, placing it inside its component
    level : probability of the ellipse used for `inside`

    Returns
    -------
    SamplingState
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 1 or weights.min() < 0 or weights.sum() <= 0:
        raise ValueError(f"weights must be non-negative and not all zero; got {weights}.")
    weights = weights / weights.sum()
    means = np.asarray(means, dtype=float)
    sds, angles = np.asarray(sds, dtype=float), np.asarray(angles, dtype=float)
    if sds.shape != (weights.size, 2) or angles.shape != (weights.size,):
        raise ValueError(f"sds must have shape ({weights.size}, 2) and angles ({weights.size},); "
                         f"got {sds.shape} and {angles.shape}.")
    gmm = GMM(weights, means, [covariance_from_axes(sd[0], sd[1], a) for sd, a in zip(sds, angles, strict=True)])
    # x = mu + R diag(s) e: the noise stretched along the axes, then rotated (R diag(s)^2 R^T is Sigma)
    factors = np.array([rotation(a) for a in angles]) * sds[:, None, :]
    uniforms, noise = np.asarray(uniforms, dtype=float), np.asarray(noise, dtype=float)
    k = weights.size
    # inverse CDF of Cat(pi): u falls into the interval [pi_1 + ... + pi_{k-1}, pi_1 + ... + pi_k)
    z = np.minimum(np.searchsorted(np.cumsum(weights), uniforms, side="right"), k - 1)
    X = means[z] + np.einsum("nij,nj->ni", factors[z], noise)
    counts = np.bincount(z, minlength=k)
    # e_n has squared length = squared Mahalanobis distance of x_n to its own component
    within = np.einsum("ij,ij->i", noise, noise) <= chi2_radius(level, 2) ** 2
    inside = np.array([within[z == j].mean() if counts[j] else np.nan for j in range(k)])
    return SamplingState(gmm, X, z, counts, inside)


def lab_parameters(weight_a, mean_b_x, mean_b_y, sd_a_major, sd_a_minor, angle_a, sd_b_major, sd_b_minor, angle_b,
                   mean_a=(-2.0, 0.0)):
    """The slider values of the lab as (weights, means, sds, angles) for `sampling_state`."""
    return (
        [weight_a, 1 - weight_a],
        [list(mean_a), [mean_b_x, mean_b_y]],
        [[sd_a_major, sd_a_minor], [sd_b_major, sd_b_minor]],
        [angle_a, angle_b],
    )


class SamplingFigure(LabFigure):
    """The sampled points with both components' 95% ellipses (left), the points per component (right)."""

    NAMES = ("A", "B")

    def __init__(self, n):
        super().__init__(figsize=(9.5, 4.6))
        self.n = n
        colors = component_colors(2)
        ax, bar_ax = self.fig.subplots(1, 2, width_ratios=[1.6, 1])
        self.points = self.dynamic(ax.scatter(np.zeros(n), np.zeros(n), s=12, alpha=0.7, edgecolors="none"))
        ellipses, marks = ellipse_artists(2, ax, lw=2, labels=[f"{name}: 95% ellipse" for name in self.NAMES],
                                          centres={"marker": "x", "ms": 11, "mew": 2.5})
        self.ellipses, self.marks = self.dynamic(ellipses), self.dynamic(marks)
        ax.set_xlim(-8, 8)
        ax.set_ylim(-6, 6)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(f"{n} points: pick z ~ Cat(π), then x ~ N(μ_z, Σ_z)", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)

        self.drawn = self.dynamic(bar_ax.bar([0, 1], [0, 0], color=colors, width=0.6, label="points drawn"))
        self.expected = self.dynamic([bar_ax.plot([j - 0.38, j + 0.38], [0, 0], "k--", lw=1.5)[0] for j in range(2)])
        self.expected[0].set_label("expected n π_k")
        self.labels = self.dynamic([bar_ax.text(j, 0, "", ha="center", va="bottom", fontsize=9) for j in range(2)])
        bar_ax.set_xticks([0, 1], ["component A", "component B"])
        bar_ax.set_ylim(0, 1.18 * n)
        bar_ax.set_ylabel("number of points")
        bar_ax.set_title("points per component", fontsize=10)
        bar_ax.legend(loc="upper center", fontsize=8)

    def show(self, state):
        n = self.n
        self.points.set_offsets(state.X)
        update_responsibilities(self.points, np.eye(2)[state.z])  # a point has the colour of its component
        update_ellipses(self.ellipses, state.gmm, self.marks)
        for j in range(2):
            self.drawn[j].set_height(state.counts[j])
            self.expected[j].set_ydata([n * state.gmm.weights[j]] * 2)
            inside = "—" if np.isnan(state.inside[j]) else f"{state.inside[j]:.0%}"
            self.labels[j].set_position((j, state.counts[j] + 0.02 * n))
            self.labels[j].set_text(f"{state.counts[j]} drawn\n({n * state.gmm.weights[j]:.0f} expected)\n"
                                    f"{inside} in ellipse")


def make_sampling_lab(n=400, rng=0):
    """The sampling lab: sliders for the weight of A, the mean of B and the shape of both components.

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current SamplingState.
    """
    import ipywidgets as widgets

    uniforms, noise = fixed_noise(n, rng)
    figure = SamplingFigure(n)

    def update(**values):
        state = sampling_state(*lab_parameters(**values), uniforms, noise)
        figure.show(state)
        return state

    def slider(value, lo, hi, step, description):
        return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                                   style={"description_width": "80px"}, continuous_update=True)

    rows = [
        {
            "weight_a": slider(0.6, 0.0, 1.0, 0.01, "weight π_A"),
            "mean_b_x": slider(2.5, -6.0, 6.0, 0.1, "μ_B x"),
            "mean_b_y": slider(1.0, -4.0, 4.0, 0.1, "μ_B y"),
        },
        {
            "sd_a_major": slider(1.5, 0.1, 3.0, 0.05, "A: sd long"),
            "sd_a_minor": slider(0.5, 0.1, 3.0, 0.05, "A: sd short"),
            "angle_a": slider(30.0, -90.0, 90.0, 1.0, "A: angle °"),
        },
        {
            "sd_b_major": slider(1.0, 0.1, 3.0, 0.05, "B: sd long"),
            "sd_b_minor": slider(0.8, 0.1, 3.0, 0.05, "B: sd short"),
            "angle_b": slider(-45.0, -90.0, 90.0, 1.0, "B: angle °"),
        },
    ]
    return Lab(
        figure,
        rows,
        update,
        title="<b>Sampling lab</b>: the same random numbers, pushed through the mixture the sliders describe.",
    )


__all__ = [
    "SamplingFigure",
    "SamplingState",
    "fixed_noise",
    "lab_parameters",
    "make_sampling_lab",
    "sampling_state",
]
