"""The bound lab: move q for a single point and watch the gap between log p(x) and L(q) (lesson 04).

For one point x and any distribution q over the k components,

    log p(x | theta) = L(q, theta) + KL(q || p(z | x, theta)),
    L(q, theta) = sum_k q_k [log p(x, z = k | theta) - log q_k],

so L is a lower bound whose gap is the KL divergence, zero exactly when q is
the posterior (the responsibilities). `bound_state` is the pure state logic;
`bound_curve` evaluates L along many q at once; `bound_scale` picks the depth of the
middle panel from the curve, so that the gap stays visible; `make_bound_lab` wires
sliders for q_2, the point x and the mean of component 2 of a 1-D two-component
mixture to one figure redrawn in place. (Components are numbered 1, 2 in the figure;
in Python they are 0, 1, so the control "q1" sets q for component 2.)
"""

from dataclasses import dataclass

import numpy as np

from ..mixture import GMM, weighted_log_prob
from ..plotting import COMPONENT_COLORS
from ._base import Lab, LabFigure

# A 1-D mixture of two Gaussians: a common, wide component 1 and a narrower component 2.
LAB_GMM = GMM([0.6, 0.4], [[-1.5], [1.5]], [[[1.0]], [[0.5]]])
LAB_START = {"q1": 0.2, "x": 0.3, "mu1": 1.5}
# The middle panel shows L(q) - log p(x) down to minus one of these depths (nats): the smallest
# that holds the whole curve with a little room, so the scale changes only when the curve does.
BOUND_DEPTHS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0)
HEADROOM = 0.08  # the panel reaches this fraction of its depth above the zero line


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
    kl = max(kl, 0.0)  # KL >= 0; at q = posterior rounding can leave -1e-16, which would read "-0.0000"
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


def bound_scale(curve):
    """The depth of the middle panel for a curve of L(q) - log p(x) values (all <= 0).

    The smallest entry of BOUND_DEPTHS at least 1.1 times as deep as the curve goes (the curve
    reaches its lowest at a corner, q one-hot: L - log p = log of the smaller posterior
    probability); the largest entry if the curve goes deeper still.
    """
    curve = np.asarray(curve, dtype=float)
    finite = curve[np.isfinite(curve)]
    depth = 1.1 * float(-finite.min()) if finite.size else BOUND_DEPTHS[-1]
    for level in BOUND_DEPTHS:
        if level >= depth:
            return level
    return BOUND_DEPTHS[-1]


def _with_mean(gmm, k, mean):
    means = np.array(gmm.means)
    means[k] = mean
    return GMM(gmm.weights, means, gmm.covariances)


class BoundFigure(LabFigure):
    """(a) the model and the point, (b) L(q) measured from log p(x) as q moves, (c) q against the posterior.

    The middle panel's depth follows the curve (`bound_scale`): it changes only when x or mu_2
    moves the curve past one of BOUND_DEPTHS, and each depth's fixed parts are drawn once and kept
    (`background_key`), so every redraw blits.
    """

    def __init__(self, xlim):
        super().__init__(figsize=(11.5, 4.3))
        self.grid = np.linspace(*xlim, 400)
        self.q1_grid = np.linspace(0.0, 1.0, 201)
        self.qs_grid = np.column_stack([1 - self.q1_grid, self.q1_grid])
        colors = COMPONENT_COLORS[:2]
        ax_model, ax_bound, ax_q = self.fig.subplots(1, 3, width_ratios=[1.25, 1.25, 0.8])
        self.ax_bound = ax_bound
        self.depth = None

        # (a) the model and the point
        comp_labels = [rf"$\pi_{j}\,\mathcal{{N}}(x \mid \mu_{j}, \sigma_{j}^2)$" for j in (1, 2)]
        self.comp_lines = self.dynamic(
            [ax_model.plot([], [], "--", color=colors[j], lw=1.5, label=comp_labels[j])[0] for j in range(2)]
        )
        self.mix_line = self.dynamic(ax_model.plot([], [], color="0.15", lw=2, label="p(x), the mixture")[0])
        self.point_line = self.dynamic(ax_model.axvline(0.0, color="0.45", lw=1.5, ls="-.", label="the point x"))
        ax_model.set_xlim(*xlim)
        ax_model.set_ylim(0, 0.5)
        ax_model.set_xlabel("x")
        ax_model.set_ylabel("density")
        ax_model.set_title("the model and the point x", fontsize=10)
        ax_model.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)

        # (b) L(q) as q moves, measured from log p(x)
        bound_color = "#2ca02c"  # the bound is green in lessons 03 and 04 (the lab's mixture has no component 3)
        ax_bound.axhline(0.0, color="0.15", lw=2, label="log p(x | θ)  (the zero line)")
        self.curve = self.dynamic(
            ax_bound.plot([], [], color=bound_color, lw=2, label="L(q, θ) for q = (1 − q₂, q₂)")[0]
        )
        self.post_line = self.dynamic(
            ax_bound.plot([], [], ":", color="0.4", lw=1.2, label="q₂ = posterior p(z = 2 | x)")[0]
        )
        self.gap_line = self.dynamic(
            ax_bound.plot([], [], color="orange", lw=4, solid_capstyle="butt", label="gap = KL(q ‖ posterior)")[0]
        )
        self.q_marker = self.dynamic(ax_bound.plot([], [], "o", color=bound_color, mec="black", ms=9)[0])
        ax_bound.set_xlim(-0.02, 1.02)  # a margin, so the gap bar at q₂ = 0 or 1 is not hidden by a spine
        ax_bound.set_xlabel("q₂ (probability q gives component 2)")
        ax_bound.set_ylabel("L(q, θ) − log p(x | θ)   (nats)")
        ax_bound.set_title("L(q) sits below log p(x) by the KL gap", fontsize=10)
        ax_bound.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
        self._set_depth(BOUND_DEPTHS[0])

        # (c) q against the posterior, and the numbers
        rows = np.arange(2)
        self.q_bars = self.dynamic(ax_q.bar(rows - 0.18, [0, 0], width=0.36, color=colors, label="q"))
        self.post_bars = self.dynamic(ax_q.bar(rows + 0.18, [0, 0], width=0.36, color=colors, alpha=0.35,
                                               hatch="//", edgecolor="0.3", label="posterior"))
        ax_q.set_xticks(rows, ["component 1", "component 2"])
        ax_q.set_ylim(0, 1.45)
        ax_q.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax_q.set_ylabel("probability")
        ax_q.set_title("q (solid) vs posterior (hatched)", fontsize=10)
        self.readout = self.dynamic(ax_q.text(0.5, 0.985, "", transform=ax_q.transAxes, ha="center", va="top",
                                              fontsize=8.5, family="monospace"))

    def _set_depth(self, depth):
        if depth != self.depth:
            self.depth = depth
            self.ax_bound.set_ylim(-depth, HEADROOM * depth)

    def background_key(self):
        """The middle panel's current depth: one kept background per depth."""
        return self.depth

    def show(self, state, x, model):
        """The model's densities, the point x and the curve of L(q) - log p(x); then where q stands on it."""
        dens = np.exp(weighted_log_prob(self.grid[:, None], model))
        for j in range(2):
            self.comp_lines[j].set_data(self.grid, dens[:, j])
        self.mix_line.set_data(self.grid, dens.sum(axis=1))
        self.point_line.set_xdata([x, x])
        curve = bound_curve([x], model, self.qs_grid) - state.log_p
        self._set_depth(bound_scale(curve))
        self.curve.set_data(self.q1_grid, curve)
        self.post_line.set_data([state.posterior[1]] * 2, [-self.depth, HEADROOM * self.depth])
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


X_RANGE_MARGIN = 0.5  # the point's slider stops this far inside the model panel's x-range
MU_RANGE = (-3.0, 3.5)  # the range of the slider for mu_2


def depth_settings(gmm, xlim=(-5.0, 5.0), n=41):
    """One (x, mu_2) setting of the lab for each depth of the middle panel that the sliders can reach.

    Returns
    -------
    list of dicts {"x": ..., "mu1": ...}, for `Lab.prerender`
    """
    qs = np.column_stack([1 - np.linspace(0, 1, 201), np.linspace(0, 1, 201)])
    found = {}
    for mu in np.linspace(*MU_RANGE, n):
        model = _with_mean(gmm, 1, [mu])
        for x in np.linspace(xlim[0] + X_RANGE_MARGIN, xlim[1] - X_RANGE_MARGIN, n):
            log_joint = weighted_log_prob(np.array([[x]]), model)[0]
            top = log_joint.max()
            log_p = top + np.log(np.exp(log_joint - top).sum())
            found.setdefault(bound_scale(bound_curve([x], model, qs) - log_p), {"x": float(x), "mu1": float(mu)})
    return [found[depth] for depth in sorted(found)]


def make_bound_lab(gmm=None, start=None, xlim=(-5.0, 5.0)):
    """The bound lab for a 1-D two-component mixture.

    Controls: q1 (the probability q gives component 2, Python index 1; component 1 gets 1 - q1),
    x (the point) and mu1 (the mean of component 2). The button "E-step" sets q to the posterior,
    closing the gap.

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

    q1 = widgets.FloatSlider(value=start["q1"], min=0.0, max=1.0, step=0.01, description="q₂", readout_format=".3f")
    rows = [{
        "q1": q1,
        "x": widgets.FloatSlider(value=start["x"], min=xlim[0] + X_RANGE_MARGIN, max=xlim[1] - X_RANGE_MARGIN,
                                 step=0.05, description="point x"),
        "mu1": widgets.FloatSlider(value=start["mu1"], min=MU_RANGE[0], max=MU_RANGE[1], step=0.05,
                                   description="μ₂"),
    }]

    def e_step():  # runs on a click, when `lab` below exists
        q1.value = float(lab.state().posterior[1])

    lab = Lab(
        figure,
        rows,
        update,
        buttons={"E-step: q ← posterior": e_step},
        title="<b>Bound lab</b>: move q₂ and watch the orange gap between log p(x) and the bound "
        "L(q, θ); it closes only when q equals the posterior. Move the point or μ₂ to change the posterior "
        "(the middle panel's depth follows the curve).",
    )
    lab.prerender(depth_settings(gmm, xlim))
    return lab


__all__ = [
    "BOUND_DEPTHS", "LAB_GMM", "LAB_START", "BoundFigure", "BoundState", "bound_curve", "bound_scale", "bound_state",
    "depth_settings", "make_bound_lab",
]
