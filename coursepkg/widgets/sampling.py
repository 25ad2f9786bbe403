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

from ..gaussian import chi2_radius
from ..mixture import GMM


def rotation(angle_deg):
    """2 x 2 rotation matrix by `angle_deg` degrees counter-clockwise."""
    t = np.radians(angle_deg)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def shape_factor(sd_major, sd_minor, angle_deg):
    """A = R(angle) diag(sd_major, sd_minor): the covariance is A A^T and x = mu + A e samples it."""
    if sd_major <= 0 or sd_minor <= 0:
        raise ValueError(f"standard deviations must be positive; got {sd_major} and {sd_minor}.")
    return rotation(angle_deg) @ np.diag([float(sd_major), float(sd_minor)])


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


def fixed_noise(n, seed=0, d=2):
    """The randomness the lab reuses: uniforms (n,) for z and standard normals (n, d) for x."""
    rng = np.random.default_rng(seed)
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
    factors = np.array([shape_factor(sd[0], sd[1], a) for sd, a in zip(sds, angles, strict=True)])
    covs = factors @ factors.transpose(0, 2, 1)
    gmm = GMM(weights, means, covs)
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


def make_sampling_lab(n=400, seed=0):
    """The sampling lab: sliders for the weight of A, the mean of B and the shape of both components.

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current SamplingState.
    """
    import ipywidgets as widgets
    from matplotlib.patches import Ellipse

    from ..gaussian import ellipse_geometry
    from ..plotting import component_colors
    from ._base import Lab, new_figure

    uniforms, noise = fixed_noise(n, seed)
    colors = component_colors(2)
    names = ("A", "B")

    fig = new_figure(figsize=(9.5, 4.6))
    ax, bar_ax = fig.subplots(1, 2, width_ratios=[1.6, 1])
    points = ax.scatter(np.zeros(n), np.zeros(n), s=12, alpha=0.7, edgecolors="none")
    ellipses = [
        ax.add_patch(Ellipse((0, 0), 1, 1, fill=False, lw=2, edgecolor=colors[j], label=f"{names[j]}: 95% ellipse"))
        for j in range(2)
    ]
    marks = [ax.plot([], [], "x", color=colors[j], ms=11, mew=2.5)[0] for j in range(2)]
    ax.set_xlim(-8, 8)
    ax.set_ylim(-6, 6)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"{n} points: pick z ~ Cat(π), then x ~ N(μ_z, Σ_z)", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)

    drawn = bar_ax.bar([0, 1], [0, 0], color=colors, width=0.6, label="points drawn")
    expected = [bar_ax.plot([j - 0.38, j + 0.38], [0, 0], "k--", lw=1.5)[0] for j in range(2)]
    expected[0].set_label("expected n π_k")
    labels = [bar_ax.text(j, 0, "", ha="center", va="bottom", fontsize=9) for j in range(2)]
    bar_ax.set_xticks([0, 1], ["component A", "component B"])
    bar_ax.set_ylim(0, 1.18 * n)
    bar_ax.set_ylabel("number of points")
    bar_ax.set_title("points per component", fontsize=10)
    bar_ax.legend(loc="upper center", fontsize=8)

    holder = {}

    def update(**values):
        state = sampling_state(*lab_parameters(**values), uniforms, noise)
        holder["state"] = state
        points.set_offsets(state.X)
        points.set_facecolors(colors[state.z])
        for j in range(2):
            width, height, angle = ellipse_geometry(state.gmm.covariances[j], 0.95)
            ellipses[j].set_center(state.gmm.means[j])
            ellipses[j].set_width(width)
            ellipses[j].set_height(height)
            ellipses[j].set_angle(angle)
            marks[j].set_data([state.gmm.means[j][0]], [state.gmm.means[j][1]])
            drawn[j].set_height(state.counts[j])
            expected[j].set_ydata([n * state.gmm.weights[j]] * 2)
            inside = "—" if np.isnan(state.inside[j]) else f"{state.inside[j]:.0%}"
            labels[j].set_position((j, state.counts[j] + 0.02 * n))
            labels[j].set_text(f"{state.counts[j]} drawn\n({n * state.gmm.weights[j]:.0f} expected)\n"
                               f"{inside} in ellipse")

    def slider(value, lo, hi, step, description):
        return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                                   style={"description_width": "80px"}, continuous_update=True)

    controls = {
        "weight_a": slider(0.6, 0.0, 1.0, 0.01, "weight π_A"),
        "mean_b_x": slider(2.5, -6.0, 6.0, 0.1, "μ_B x"),
        "mean_b_y": slider(1.0, -4.0, 4.0, 0.1, "μ_B y"),
        "sd_a_major": slider(1.5, 0.1, 3.0, 0.05, "A: sd long"),
        "sd_a_minor": slider(0.5, 0.1, 3.0, 0.05, "A: sd short"),
        "angle_a": slider(30.0, -90.0, 90.0, 1.0, "A: angle °"),
        "sd_b_major": slider(1.0, 0.1, 3.0, 0.05, "B: sd long"),
        "sd_b_minor": slider(0.8, 0.1, 3.0, 0.05, "B: sd short"),
        "angle_b": slider(-45.0, -90.0, 90.0, 1.0, "B: angle °"),
    }
    lab = Lab(
        fig,
        controls,
        update,
        title="<b>Sampling lab</b>: the same random numbers, pushed through the mixture the sliders describe.",
        dynamic=[points, *ellipses, *marks, *drawn, *expected, *labels],
    )
    rows = [["weight_a", "mean_b_x", "mean_b_y"], ["sd_a_major", "sd_a_minor", "angle_a"],
            ["sd_b_major", "sd_b_minor", "angle_b"]]
    lab.widget = widgets.VBox(
        [lab.widget.children[0]] + [widgets.HBox([controls[name] for name in row]) for row in rows] + [lab.image]
    )
    lab.state = lambda: holder["state"]
    return lab


__all__ = [
    "SamplingState",
    "fixed_noise",
    "lab_parameters",
    "make_sampling_lab",
    "rotation",
    "sampling_state",
    "shape_factor",
]
