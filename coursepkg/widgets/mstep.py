"""M-step lab: step EM by hand, one half-step per button press (lesson 06).

The state logic is pure: `initial_state(X, gmm)` and `advance(state, "E" | "M")`
return new `MStepState` values and never modify their input. The widget wires
E-step, M-step and Reset buttons to them and redraws one figure.
"""

from dataclasses import dataclass, replace

import numpy as np

from .._validation import check_data
from ..em import _e_step, e_step, lower_bound, m_step
from ..mixture import GMM
from ..plotting import blend_colors, component_colors

# A deliberately poor start for the "round" data set: three equal round components
# lined up across the middle of the data, so every M-step visibly moves them.
POOR_START = GMM([1 / 3, 1 / 3, 1 / 3], [[0.5, 1.0], [1.5, 1.0], [2.5, 1.0]], np.repeat(np.eye(2)[None], 3, axis=0))


@dataclass(frozen=True)
class MStepState:
    """Where a hand-stepped EM run stands.

    Attributes
    ----------
    X : array (n, d), the data
    gmm : GMM, the current parameters
    resp : array (n, k) from the last E-step, or None before the first one
    e_steps, m_steps : int, how many of each step were taken
    log_likelihood : float, log p(X | gmm)
    bound : float or None, L(resp, gmm), the lower bound (equal to log_likelihood right after an E-step)
    history : tuple of float, log-likelihood at the start and after every M-step
    last : "start", "E" or "M", the step that produced this state
    message : str, what the last step did, in words
    reg_covar : float, passed to the M-step
    """

    X: np.ndarray
    gmm: GMM
    resp: np.ndarray | None
    e_steps: int
    m_steps: int
    log_likelihood: float
    bound: float | None
    history: tuple
    last: str
    message: str
    reg_covar: float = 1e-6

    @property
    def steps(self):
        return self.e_steps + self.m_steps

    @property
    def next_step(self):
        """The step that would change something: "E" after an M-step (or at the start), else "M"."""
        return "M" if self.last == "E" else "E"


def initial_state(X, gmm, reg_covar=1e-6):
    """The state before any step: parameters `gmm`, no responsibilities yet."""
    X = check_data(X)
    _, ll = e_step(X, gmm)  # validates gmm and its dimension against X
    return MStepState(
        X=X,
        gmm=gmm,
        resp=None,
        e_steps=0,
        m_steps=0,
        log_likelihood=ll,
        bound=None,
        history=(ll,),
        last="start",
        message="Start: press E-step to colour the points by their responsibilities.",
        reg_covar=float(reg_covar),
    )


def advance(state, step):
    """The state after one E-step ("E") or one M-step ("M"); `state` is not modified.

    E: r = posterior under the current parameters; the bound becomes tight (L = log-likelihood).
    M: parameters = argmax of Q given r; the log-likelihood never falls.
    An M-step before any E-step changes nothing (there are no responsibilities yet).
    """
    if step == "E":
        resp, ll = _e_step(state.X, state.gmm)
        if state.resp is None:
            message = "E-step: each point now shows its responsibilities; the bound L touches the log-likelihood."
        elif state.last == "E":
            message = "E-step again: nothing changes, since responsibilities depend only on the parameters."
        else:
            moved = np.abs(resp - state.resp).max()
            message = f"E-step: responsibilities updated (largest change {moved:.3f}); the bound is tight again."
        return replace(
            state, resp=resp, e_steps=state.e_steps + 1, log_likelihood=ll, bound=ll, last="E", message=message
        )
    if step == "M":
        if state.resp is None:
            return replace(state, message="M-step needs responsibilities: press E-step first.")
        gmm = m_step(state.X, state.resp, reg_covar=state.reg_covar)
        _, ll = _e_step(state.X, gmm)
        bound = lower_bound(state.X, state.resp, gmm)
        if state.last == "M":
            message = "M-step again: nothing changes, since the parameters depend only on the responsibilities."
        else:
            message = f"M-step: ellipses refitted; log-likelihood {ll - state.log_likelihood:+.3f} nats."
        return replace(
            state,
            gmm=gmm,
            m_steps=state.m_steps + 1,
            log_likelihood=ll,
            bound=bound,
            history=state.history + (ll,),
            last="M",
            message=message,
        )
    raise ValueError(f'step must be "E" or "M"; got {step!r}.')


def _ellipse_params(gmm, level=0.95):
    from ..gaussian import ellipse_geometry

    return [ellipse_geometry(gmm.covariances[j], level) for j in range(gmm.k)]


def _converged_history(X, gmm, reg_covar, max_iter=200):
    from ..em import fit_em

    return fit_em(X, gmm, max_iter=max_iter, tol=1e-9, reg_covar=reg_covar).history


def make_mstep_lab(X=None, gmm=None, reg_covar=1e-6):
    """E-step, M-step and Reset buttons on a hand-stepped EM run.

    Parameters
    ----------
    X : array (n, 2); default the course's "round" data set (300 points)
    gmm : starting GMM; default POOR_START
    reg_covar : float, for the M-step

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current MStepState
    """
    from matplotlib.patches import Ellipse

    from ..datasets import make_synthetic
    from ._base import Lab, new_figure

    if X is None:
        X, _ = make_synthetic("round", n=300, seed=0)
    gmm = POOR_START if gmm is None else gmm
    start = initial_state(X, gmm, reg_covar)
    if start.X.shape[1] != 2:
        raise ValueError(f"the M-step lab draws 2-D data; got X with {start.X.shape[1]} features.")
    n, k = start.X.shape[0], gmm.k
    rgb = component_colors(k)
    holder = {"state": start}

    fig = new_figure(figsize=(10.5, 5.4))
    axes = fig.subplot_mosaic([["scene", "ll"], ["text", "text"]], width_ratios=[1.25, 1], height_ratios=[5, 1])
    ax, ax_ll, ax_text = axes["scene"], axes["ll"], axes["text"]
    ax_text.set_axis_off()
    pad = 0.15 * (start.X.max(axis=0) - start.X.min(axis=0))
    ax.set_xlim(start.X[:, 0].min() - pad[0], start.X[:, 0].max() + pad[0])
    ax.set_ylim(start.X[:, 1].min() - pad[1], start.X[:, 1].max() + pad[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("points coloured by responsibilities; 95% ellipses")
    points = ax.scatter(start.X[:, 0], start.X[:, 1], s=14, color="0.6", edgecolors="none")
    ellipses = []
    for j in range(k):
        patch = Ellipse((0, 0), 1, 1, fill=False, linewidth=2.2, edgecolor=rgb[j], label=f"component {j}")
        ax.add_patch(patch)
        ellipses.append(patch)
    centres = [ax.plot([], [], marker="x", color=rgb[j], markersize=11, markeredgewidth=2.5)[0] for j in range(k)]
    ax.legend(loc="upper left", ncol=k, fontsize=8, handlelength=1.2, columnspacing=0.8)

    # Fixed axes for the log-likelihood curve: from the start to the converged value.
    target = _converged_history(start.X, gmm, reg_covar)
    per_point = target / n
    span = per_point.max() - per_point.min()
    ax_ll.set_ylim(per_point.min() - 0.05 * span, per_point.max() + 0.08 * span)
    ax_ll.set_xlim(-0.5, max(10, min(len(target), 30)) + 0.5)
    ax_ll.axhline(per_point[-1], color="0.5", ls="--", lw=1, label=f"where EM converges ({per_point[-1]:.3f})")
    (curve,) = ax_ll.plot([], [], marker="o", color="black", label="after each M-step")
    (bound_mark,) = ax_ll.plot(
        [],
        [],
        marker="_",
        markersize=16,
        markeredgewidth=2.5,
        ls="none",
        color="#ff7f0e",
        label="lower bound L(r, θ) now",
    )
    ax_ll.set_xlabel("M-steps taken")
    ax_ll.set_ylabel("average log-likelihood per point (nats)")
    ax_ll.set_title("log p(X | θ) / n")
    ax_ll.legend(loc="lower right", fontsize=8)
    readout = ax_text.text(0.0, 1.0, "", transform=ax_text.transAxes, va="top", ha="left", fontsize=9.5)

    def update():
        state = holder["state"]
        full = None
        if state.resp is None:
            points.set_facecolor("0.6")
        else:
            points.set_facecolor(blend_colors(state.resp))
        for j, (width, height, angle) in enumerate(_ellipse_params(state.gmm)):
            ellipses[j].set_center(state.gmm.means[j])
            ellipses[j].set_width(width)
            ellipses[j].set_height(height)
            ellipses[j].set_angle(angle)
            centres[j].set_data([state.gmm.means[j, 0]], [state.gmm.means[j, 1]])
        hist = np.asarray(state.history) / n
        curve.set_data(np.arange(hist.size), hist)
        if state.bound is None:
            bound_mark.set_data([], [])
        else:
            bound_mark.set_data([state.m_steps], [state.bound / n])
        if hist.size - 1 > ax_ll.get_xlim()[1] - 0.5:
            ax_ll.set_xlim(-0.5, 2 * (hist.size - 1) + 0.5)
            full = "full"
        gap = "" if state.bound is None else f"   gap log p − L: {state.log_likelihood - state.bound:.3f}"
        readout.set_text(
            f"E-steps: {state.e_steps}   M-steps: {state.m_steps}   (next: {state.next_step}-step)\n"
            f"log-likelihood: {state.log_likelihood:.2f} ({state.log_likelihood / n:.3f} per point){gap}\n"
            f"{state.message}"
        )
        return full

    def act(step):
        def action():
            holder["state"] = advance(holder["state"], step)

        return action

    def reset():
        holder["state"] = start

    lab = Lab(
        fig,
        {},
        update,
        buttons={"E-step": act("E"), "M-step": act("M"), "Reset": reset},
        title="<b>M-step lab</b>: press E-step and M-step in turn and watch the ellipses move.",
        dynamic=[points, *ellipses, *centres, curve, bound_mark, readout],
    )
    lab.state = lambda: holder["state"]
    lab.press = lambda label: lab.buttons[label].click()
    return lab
