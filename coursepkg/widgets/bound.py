"""The bound lab: move q for a single point and watch the gap between log p(x) and L(q) (lesson 04).

For one point x and any distribution q over the k components,

    log p(x | theta) = L(q, theta) + KL(q || p(z | x, theta)),
    L(q, theta) = sum_k q_k [log p(x, z = k | theta) - log q_k],

so L is a lower bound whose gap is the KL divergence, zero exactly when q is
the posterior (the responsibilities). `bound_state` is the pure state logic;
`bound_curve` evaluates L along many q at once; `make_bound_lab` wires sliders
for q_1, the point x and the mean of component 1 of a 1-D two-component mixture
to one figure redrawn in place.
"""

from dataclasses import dataclass

import numpy as np

from ..mixture import GMM, weighted_log_prob
from ..plotting import COMPONENT_COLORS
from ._base import Lab, LabFigure

# A 1-D mixture of two Gaussians: a common, wide component 0 and a narrower component 1.
LAB_GMM = GMM([0.6, 0.4], [[-1.5], [1.5]], [[[1.0]], [[0.5]]])
LAB_START = {"q1": 0.2, "x": 0.3, "mu1": 1.5}
BOUND_YLIM = (-2.5, 0.3)  # nats below log p(x) shown in the lab; lower values run off the axis


@dataclass(frozen=True)
class BoundState:
    """The bound for one point and one q.

    Attributes
    ----------
    q : array (k,), the distribution over components
    posterior : array (k,), p(z = k | x, theta), the responsibilities
    log_joint : array (k,), log p(x, z = k | theta) = log pi_k + log N(x | mu_k, Sigma_k)
    log_p : float, log p(x | theta)
    lower_bound : float, L(q, theta)
    kl : float, KL(q || posterior) >= 0 (inf if q puts mass where the posterior has none)
    """

    q: np.ndarray
    posterior: np.ndarray
    log_joint: np.ndarray
    log_p: float
    lower_bound: float
    kl: float

    @property
    def gap(self):
        """log p(x) - L(q): equal to the KL divergence."""
        return self.log_p - self.lower_bound


def _check_q(q, k):
    q = np.asarray(q, dtype=float)
    if q.shape != (k,):
        raise ValueError(f"q must be a 1-D array of shape (k,) = ({k},), one probability per component; got {q.shape}.")
    if not np.all(np.isfinite(q)) or q.min() < 0:
        raise ValueError(f"q must hold non-negative probabilities; got {q}.")
    if abs(q.sum() - 1) > 1e-9:
        raise ValueError(f"q must sum to 1 over the components; it sums to {q.sum():.10g}.")
    return q


def _entropy_terms(q):
    """q log q with the convention 0 log 0 = 0 (same shape as q)."""
    out = np.zeros_like(q)
    positive = q > 0
    out[positive] = q[positive] * np.log(q[positive])
    return out


def bound_state(x, q, gmm):
    """log p(x), the lower bound L(q) and the gap KL(q || posterior) for one point.

    Parameters
    ----------
    x : array of shape (d,) (or a float when d = 1), the point
    q : array of shape (k,), a distribution over the components
    gmm : GMM with k components in d dimensions

    Returns
    -------
    BoundState
    """
    if not isinstance(gmm, GMM):
        raise ValueError(f"gmm must be a coursepkg.mixture.GMM; got {type(gmm).__name__}.")
    x = np.atleast_1d(np.asarray(x, dtype=float))
    if x.shape != (gmm.d,):
        raise ValueError(f"x must be one point of shape (d,) = ({gmm.d},); got shape {x.shape}.")
    q = _check_q(q, gmm.k)
    log_joint = weighted_log_prob(x[None, :], gmm)[0]
    top = log_joint.max()
    log_p = float(top + np.log(np.exp(log_joint - top).sum()))
    posterior = np.exp(log_joint - log_p)
    positive = q > 0
    # L = sum_k q_k (log p(x, k) - log q_k); a zero q_k contributes nothing, even if log p(x, k) = -inf
    lower = float(np.sum(q[positive] * (log_joint[positive] - np.log(q[positive]))))
    with np.errstate(divide="ignore"):
        log_post = log_joint - log_p
    kl = float(np.sum(q[positive] * (np.log(q[positive]) - log_post[positive])))
    return BoundState(q, posterior, log_joint, log_p, lower, kl)


def bound_curve(x, gmm, qs):
    """L(q, theta) for one point and many q at once.

    Parameters
    ----------
    x : array (d,) or float
    gmm : GMM with k components
    qs : array (m, k), each row a distribution over the components

    Returns
    -------
    array (m,) of lower-bound values
    """
    x = np.atleast_1d(np.asarray(x, dtype=float))
    qs = np.asarray(qs, dtype=float)
    log_joint = weighted_log_prob(x[None, :], gmm)[0]
    safe = np.where(qs > 0, log_joint, 0.0)  # 0 * (-inf) would be nan; a zero q_k contributes 0
    return (qs * safe).sum(axis=1) - _entropy_terms(qs).sum(axis=1)


def _with_mean(gmm, k, mean):
    means = np.array(gmm.means)
    means[k] = mean
    return GMM(gmm.weights, means, gmm.covariances)


class BoundFigure(LabFigure):
    """(a) the model and the point, (b) L(q) measured from log p(x) as q moves, (c) q against the posterior.

    The axes are fixed, so every redraw blits.
    """

    def __init__(self, xlim):
        super().__init__(figsize=(11.5, 4.3))
        self.grid = np.linspace(*xlim, 400)
        self.q1_grid = np.linspace(0.0, 1.0, 201)
        self.qs_grid = np.column_stack([1 - self.q1_grid, self.q1_grid])
        colors = COMPONENT_COLORS[:2]
        ax_model, ax_bound, ax_q = self.fig.subplots(1, 3, width_ratios=[1.25, 1.25, 0.8])

        # (a) the model and the point
        comp_labels = [rf"$\pi_{j}\,\mathcal{{N}}(x \mid \mu_{j}, \sigma_{j}^2)$" for j in range(2)]
        self.comp_lines = self.dynamic(
            [ax_model.plot([], [], "--", color=colors[j], lw=1.5, label=comp_labels[j])[0] for j in range(2)]
        )
        self.mix_line = self.dynamic(ax_model.plot([], [], color="0.15", lw=2, label="p(x), the mixture")[0])
        self.point_line = self.dynamic(ax_model.axvline(0.0, color="orange", lw=2, label="the point x"))
        ax_model.set_xlim(*xlim)
        ax_model.set_ylim(0, 0.5)
        ax_model.set_xlabel("x")
        ax_model.set_ylabel("density")
        ax_model.set_title("the model and the point x", fontsize=10)
        ax_model.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)

        # (b) L(q) as q moves, measured from log p(x)
        bound_color = "#2ca02c"  # the bound is green in lessons 03 and 04 (the lab's mixture has no component 2)
        ax_bound.axhline(0.0, color="0.15", lw=2, label="log p(x | θ)  (the zero line)")
        self.curve = self.dynamic(
            ax_bound.plot([], [], color=bound_color, lw=2, label="L(q, θ) for q = (1 − q₁, q₁)")[0]
        )
        self.post_line = self.dynamic(
            ax_bound.plot([], [], ":", color="0.4", lw=1.2, label="q₁ = posterior p(z = 1 | x)")[0]
        )
        self.gap_line = self.dynamic(
            ax_bound.plot([], [], color="orange", lw=4, solid_capstyle="butt", label="gap = KL(q ‖ posterior)")[0]
        )
        self.q_marker = self.dynamic(ax_bound.plot([], [], "o", color=bound_color, mec="black", ms=9)[0])
        ax_bound.set_xlim(0, 1)
        ax_bound.set_ylim(*BOUND_YLIM)
        ax_bound.set_xlabel("q₁ (probability q gives component 1)")
        ax_bound.set_ylabel("L(q, θ) − log p(x | θ)   (nats)")
        ax_bound.set_title("L(q) sits below log p(x) by the KL gap", fontsize=10)
        ax_bound.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)

        # (c) q against the posterior, and the numbers
        rows = np.arange(2)
        self.q_bars = self.dynamic(ax_q.bar(rows - 0.18, [0, 0], width=0.36, color=colors, label="q"))
        self.post_bars = self.dynamic(ax_q.bar(rows + 0.18, [0, 0], width=0.36, color=colors, alpha=0.35,
                                               hatch="//", edgecolor="0.3", label="posterior"))
        ax_q.set_xticks(rows, ["component 0", "component 1"])
        ax_q.set_ylim(0, 1.45)
        ax_q.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax_q.set_ylabel("probability")
        ax_q.set_title("q (solid) vs posterior (hatched)", fontsize=10)
        self.readout = self.dynamic(ax_q.text(0.5, 0.985, "", transform=ax_q.transAxes, ha="center", va="top",
                                              fontsize=8.5, family="monospace"))

    def show(self, state, x, model):
        """The model's densities, the point x and the curve of L(q) - log p(x); then where q stands on it."""
        dens = np.exp(weighted_log_prob(self.grid[:, None], model))
        for j in range(2):
            self.comp_lines[j].set_data(self.grid, dens[:, j])
        self.mix_line.set_data(self.grid, dens.sum(axis=1))
        self.point_line.set_xdata([x, x])
        self.curve.set_data(self.q1_grid, bound_curve([x], model, self.qs_grid) - state.log_p)
        self.post_line.set_data([state.posterior[1]] * 2, list(BOUND_YLIM))
        q1, below = state.q[1], state.lower_bound - state.log_p
        self.q_marker.set_data([q1], [below])
        self.gap_line.set_data([q1, q1], [below, 0.0])
        for j in range(2):
            self.q_bars[j].set_height(state.q[j])
            self.post_bars[j].set_height(state.posterior[j])
        self.readout.set_text(
            f"log p(x) = {state.log_p:8.4f}\n"
            f"L(q, θ)  = {state.lower_bound:8.4f}\n"
            f"KL gap   = {state.kl:8.4f}"
        )


def make_bound_lab(gmm=None, start=None, xlim=(-5.0, 5.0)):
    """The bound lab for a 1-D two-component mixture.

    Controls: q1 (the probability q gives component 1; q0 = 1 - q1), x (the point) and mu1
    (the mean of component 1). The button "E-step" sets q to the posterior, closing the gap.

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current BoundState.
    """
    import ipywidgets as widgets

    gmm = LAB_GMM if gmm is None else gmm
    if gmm.k != 2 or gmm.d != 1:
        raise ValueError(f"the bound lab needs a two-component mixture in one dimension; got {gmm!r}.")
    start = dict(LAB_START | (start or {}))
    figure = BoundFigure(xlim)

    def update(q1, x, mu1):
        model = _with_mean(gmm, 1, [mu1])
        state = bound_state([x], [1 - q1, q1], model)
        figure.show(state, x, model)
        return state

    q1 = widgets.FloatSlider(value=start["q1"], min=0.0, max=1.0, step=0.01, description="q₁", readout_format=".3f")
    rows = [{
        "q1": q1,
        "x": widgets.FloatSlider(value=start["x"], min=xlim[0] + 0.5, max=xlim[1] - 0.5, step=0.05,
                                 description="point x"),
        "mu1": widgets.FloatSlider(value=start["mu1"], min=-3.0, max=3.5, step=0.05, description="μ₁"),
    }]

    def e_step():  # runs on a click, when `lab` below exists
        q1.value = float(lab.state().posterior[1])

    lab = Lab(
        figure,
        rows,
        update,
        buttons={"E-step: q ← posterior": e_step},
        title="<b>Bound lab</b>: move q₁ and watch the orange gap between log p(x) and the bound "
        "L(q, θ); it closes only when q equals the posterior. Move the point or μ₁ to change the posterior.",
    )
    return lab


__all__ = ["LAB_GMM", "LAB_START", "BoundFigure", "BoundState", "bound_curve", "bound_state", "make_bound_lab"]
