"""The sampling lab: draw points from a three-component Gaussian mixture and watch them follow the sliders.

Ancestral sampling in two steps: z ~ Cat(pi), then x ~ N(mu_z, Sigma_z). The
randomness is drawn once — a uniform u_n and a standard normal vector e_n per
point — and pushed through the current parameters:

    z_n = the first k with u_n < pi_1 + ... + pi_k        (inverse CDF of Cat(pi))
    x_n = mu_{z_n} + R(theta_{z_n}) diag(s_{z_n}) e_n     (stretch, rotate, shift)

so a shape slider (mean, spread, angle) moves the same points smoothly instead of drawing new
ones, while a weight slider moves the cut points pi_1 and pi_1 + pi_2 on [0, 1]: a point whose u_n a cut
point passes switches component and jumps to the other cloud. The **Resample** button draws new random
numbers (the next seed). A point is inside its own ellipse exactly when |e_n| is below the chi-square
radius, so reshaping a component never changes the share inside.
Sigma = R diag(s)^2 R^T, with s the standard deviations along and across the axis turned by theta.

Components are numbered 1, 2, 3 (blue, red, green) as everywhere in the course; in the code
they are 0, 1, 2.

`sampling_state`, `normalised_weights` and `MixtureSettings` are the pure state logic
(tested without a browser); `make_sampling_lab` wires the sliders to them and redraws one
figure in place.
"""

from dataclasses import dataclass, replace

import numpy as np

from .._validation import check_rng
from ..gaussian import chi2_radius, covariance_from_axes, rotation
from ..mixture import GMM
from ..plotting import component_colors, ellipse_artists, update_ellipses, update_responsibilities
from ._base import Lab, LabFigure

LEVEL = 0.95  # the probability of the ellipses the lab draws and counts


@dataclass(frozen=True)
class SamplingState:
    """What the lab shows.

    gmm : GMM, the mixture the sliders describe
    X : array (n, 2), the sampled points
    z : int array (n,), the component of each point (0-based)
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


def normalised_weights(raw):
    """Relative weights (non-negative) scaled to sum to 1; all zero gives equal weights.

    Returns
    -------
    array (k,)
    """
    raw = np.asarray(raw, dtype=float)
    if raw.ndim != 1 or raw.size == 0 or not np.all(np.isfinite(raw)) or raw.min() < 0:
        raise ValueError(f"weights must be a non-empty 1-D array of non-negative numbers; got {raw}.")
    total = raw.sum()
    return np.full(raw.size, 1 / raw.size) if total == 0 else raw / total


def sampling_state(weights, means, sds, angles, uniforms, noise, level=LEVEL):
    """Map mixture parameters and fixed noise to the mixture, its samples and the counts per component.

    Parameters
    ----------
    weights : array (k,), non-negative, not all zero; normalised here to sum to 1
    means : array (k, 2)
    sds : array (k, 2), standard deviations along each component's axis and across it
    angles : array (k,), rotation of each component's axis, degrees counter-clockwise
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


@dataclass(frozen=True)
class MixtureSettings:
    """The shape of every component, as the lab's sliders set it (weights have their own sliders).

    means : array (k, 2); sds : array (k, 2), along and across the axis; angles : array (k,), degrees
    """

    means: np.ndarray
    sds: np.ndarray
    angles: np.ndarray

    def edited(self, k, mean_x, mean_y, sd_along, sd_across, angle):
        """New settings with component k (0-based) set to the given values; the others unchanged."""
        means, sds, angles = self.means.copy(), self.sds.copy(), self.angles.copy()
        means[k] = mean_x, mean_y
        sds[k] = sd_along, sd_across
        angles[k] = angle
        return replace(self, means=means, sds=sds, angles=angles)

    def sliders(self, k):
        """The slider values of component k (0-based): dict name -> value."""
        return {"mean_x": float(self.means[k, 0]), "mean_y": float(self.means[k, 1]),
                "sd_along": float(self.sds[k, 0]), "sd_across": float(self.sds[k, 1]), "angle": float(self.angles[k])}


# The lab's starting mixture: three components of different weights, sizes and tilts.
START_WEIGHTS = (0.5, 0.3, 0.2)
START = MixtureSettings(
    means=np.array([[-2.5, -1.0], [2.0, 2.0], [2.5, -2.5]]),
    sds=np.array([[1.5, 0.5], [1.0, 0.8], [0.6, 0.35]]),
    angles=np.array([30.0, -45.0, 80.0]),
)


class SamplingFigure(LabFigure):
    """The sampled points with the components' 95% ellipses (left), the points per component (right)."""

    def __init__(self, n, k=3):
        super().__init__(figsize=(10, 4.9))
        self.n, self.k = n, k
        colors = component_colors(k)
        ax, bar_ax = self.fig.subplots(1, 2, width_ratios=[1.45, 1])
        self.points = self.dynamic(ax.scatter(np.zeros(n), np.zeros(n), s=12, alpha=0.7, edgecolors="none"))
        ellipses, marks = ellipse_artists(k, ax, lw=2, labels=[f"component {j + 1}: {LEVEL:.0%} ellipse"
                                                               for j in range(k)],
                                          centres={"marker": "x", "ms": 11, "mew": 2.5})
        self.ellipses, self.marks = self.dynamic(ellipses), self.dynamic(marks)
        ax.set_xlim(-8, 8)
        ax.set_ylim(-6, 6)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$ (data units)")
        ax.set_ylabel("$x_2$ (data units)")
        story = r"pick $z \sim \mathrm{Cat}(\pi)$, then draw $x \sim \mathcal{N}(\mu_z, \Sigma_z)$"
        ax.set_title(f"{n} points: {story}", fontsize=10)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8)

        slots = np.arange(k)
        self.drawn = self.dynamic(bar_ax.bar(slots, np.zeros(k), color=colors, width=0.6, label="points drawn"))
        self.expected = self.dynamic([bar_ax.plot([j - 0.38, j + 0.38], [0, 0], "k--", lw=1.5)[0] for j in slots])
        self.expected[0].set_label(r"expected $N\pi_k$")
        # the numbers sit in a band above every bar and every dashed line (bars reach at most N), with
        # their row names on the left, drawn once (short dynamic texts keep the redraw fast)
        band = bar_ax.get_xaxis_transform()
        bar_ax.text(-1.55, 0.97, "drawn\nexpected\nin ellipse", ha="left", va="top", fontsize=8.5,
                    transform=band, color="0.3")
        self.labels = self.dynamic([bar_ax.text(j, 0.97, "", ha="center", va="top", fontsize=8.5, transform=band)
                                    for j in slots])
        bar_ax.set_xticks(slots, [f"{j + 1}" for j in slots])
        bar_ax.set_xlabel("component k")
        bar_ax.set_xlim(-1.6, k - 0.4)
        bar_ax.set_ylim(0, 1.4 * n)
        bar_ax.axhline(n, color="0.8", lw=0.8, ls=":", zorder=0)
        bar_ax.text(-1.55, n, f"N = {n}", ha="left", va="bottom", fontsize=8, color="0.45")
        bar_ax.set_ylabel("number of points")
        bar_ax.set_title(f"points per component\n(in ellipse: the share inside its own {LEVEL:.0%} ellipse)",
                         fontsize=9)
        bar_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8)

    def show(self, state, selected=0):
        """Points, ellipses and bars of `state`; the ellipse of component `selected` (0-based) drawn thicker."""
        n = self.n
        self.points.set_offsets(state.X)
        update_responsibilities(self.points, np.eye(self.k)[state.z])  # a point has the colour of its component
        update_ellipses(self.ellipses, state.gmm, self.marks)
        for j in range(self.k):
            self.ellipses[j].set_linewidth(3.5 if j == selected else 1.6)
            self.drawn[j].set_height(state.counts[j])
            self.expected[j].set_ydata([n * state.gmm.weights[j]] * 2)
            inside = "—" if np.isnan(state.inside[j]) else f"{state.inside[j]:.0%}"
            self.labels[j].set_text(f"{state.counts[j]}\n{n * state.gmm.weights[j]:.0f}\n{inside}")


class SamplingLab(Lab):
    """A `Lab` whose shape sliders edit the component chosen in the menu.

    Choosing another component sets the shape sliders to its values without a redraw for each,
    then redraws once.
    """

    def __init__(self, figure, rows, update, settings, buttons=None, title=None):
        self._quiet = False
        self._editing = None  # the component the shape sliders hold now
        self._settings = settings  # callable -> the current MixtureSettings
        super().__init__(figure, rows, update, buttons=buttons, title=title)

    def redraw(self):
        if self._quiet:
            return
        component = self.controls["component"].value
        if self._editing is not None and component != self._editing:
            self._quiet = True
            try:
                for name, value in self._settings().sliders(component - 1).items():
                    self.controls[name].value = value
            finally:
                self._quiet = False
        self._editing = component
        super().redraw()


def make_sampling_lab(n=400, rng=0):
    """The sampling lab: weight sliders for the three components, shape sliders for the one chosen, Resample.

    Parameters
    ----------
    n : int, the number of points drawn
    rng : int, default 0, the first seed; each press of Resample uses the next one

    Returns
    -------
    SamplingLab (a coursepkg.widgets._base.Lab); `lab.state()` returns the current SamplingState and
    `lab.seed` the seed of the random numbers shown.
    """
    import ipywidgets as widgets

    if not isinstance(rng, (int, np.integer)) or isinstance(rng, bool):
        raise ValueError(f"rng must be an int seed (Resample counts up from it); got {rng!r}.")
    figure = SamplingFigure(n)
    current = {"settings": START, "seed": int(rng), "noise": fixed_noise(n, int(rng))}

    def update(weight_1, weight_2, weight_3, component, mean_x, mean_y, sd_along, sd_across, angle):
        k = component - 1
        current["settings"] = current["settings"].edited(k, mean_x, mean_y, sd_along, sd_across, angle)
        s = current["settings"]
        state = sampling_state(normalised_weights([weight_1, weight_2, weight_3]), s.means, s.sds, s.angles,
                               *current["noise"])
        figure.show(state, selected=k)
        return state

    def resample():
        current["seed"] += 1
        current["noise"] = fixed_noise(n, current["seed"])
        lab.seed = current["seed"]

    def slider(value, lo, hi, step, description):
        return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                                   style={"description_width": "70px"}, continuous_update=True)

    first = START.sliders(0)
    rows = [
        {f"weight_{j + 1}": slider(START_WEIGHTS[j], 0.0, 1.0, 0.01, f"weight {j + 1}") for j in range(3)},
        {
            "component": widgets.Dropdown(options=[("component 1", 1), ("component 2", 2), ("component 3", 3)],
                                          value=1, description="edit", style={"description_width": "70px"}),
            "mean_x": slider(first["mean_x"], -6.0, 6.0, 0.1, "mean x₁"),
            "mean_y": slider(first["mean_y"], -4.5, 4.5, 0.1, "mean x₂"),
        },
        {
            "sd_along": slider(first["sd_along"], 0.1, 3.0, 0.05, "sd along"),
            "sd_across": slider(first["sd_across"], 0.1, 3.0, 0.05, "sd across"),
            "angle": slider(first["angle"], -90.0, 90.0, 1.0, "angle °"),
        },
    ]
    lab = SamplingLab(
        figure,
        rows,
        update,
        settings=lambda: current["settings"],
        buttons={"Resample (new random numbers)": resample},
        title="<b>Sampling lab</b>: the weights are relative (scaled to sum to 1); the menu picks the component "
        "whose mean and shape the sliders below it set. The random numbers stay fixed: a shape slider moves the "
        "points smoothly, a weight slider makes some switch component (they jump); <i>Resample</i> draws new ones.",
    )
    lab.seed = current["seed"]
    return lab


__all__ = [
    "LEVEL",
    "START",
    "START_WEIGHTS",
    "MixtureSettings",
    "SamplingFigure",
    "SamplingLab",
    "SamplingState",
    "fixed_noise",
    "make_sampling_lab",
    "normalised_weights",
    "sampling_state",
]
