"""M-step lab: step EM by hand, one half-step per button press (lesson 06).

The state logic is pure: `initial_state(X, gmm)` and `advance(state, "E" | "M")`
return new `MStepState` values and never modify their input. An M-step is one
`coursepkg.em.em_iteration`, the iteration every EM loop of the course takes: its
E-step under the new parameters is kept as `posterior`, and the next E-step press
shows it. The widget wires E-step, M-step and Reset buttons to them and redraws
one figure.
"""

from dataclasses import dataclass, replace

import numpy as np

from .._validation import check_data
from ..em import e_step, em_iteration, lower_bound
from ..mixture import GMM
from ..plotting import (
    component_colors,
    ellipse_artists,
    update_ellipses,
    update_log_likelihood,
    update_responsibilities,
)
from ._base import Lab, LabFigure

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
    posterior : array (n, k), the responsibilities under `gmm` (what the next E-step shows)
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
    posterior: np.ndarray
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
    posterior, ll = e_step(X, gmm)  # validates gmm and its dimension against X
    return MStepState(
        X=X,
        gmm=gmm,
        posterior=posterior,
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
    M: parameters = argmax of Q given r, by `em_iteration`; the log-likelihood never falls.
    An M-step before any E-step changes nothing (there are no responsibilities yet).
    """
    if step == "E":
        resp = state.posterior  # the E-step under these parameters, taken by the last iteration (or the start)
        if state.resp is None:
            message = "E-step: each point now shows its responsibilities; the bound L touches the log-likelihood."
        elif state.last == "E":
            message = "E-step again: nothing changes, since responsibilities depend only on the parameters."
        else:
            moved = np.abs(resp - state.resp).max()
            message = f"E-step: responsibilities updated (largest change {moved:.3f}); the bound is tight again."
        return replace(state, resp=resp, e_steps=state.e_steps + 1, bound=state.log_likelihood, last="E",
                       message=message)
    if step == "M":
        if state.resp is None:
            return replace(state, message="M-step needs responsibilities: press E-step first.")
        it = em_iteration(state.X, state.resp, state.log_likelihood, state.reg_covar, iteration=state.m_steps + 1)
        if state.last == "M":
            message = "M-step again: nothing changes, since the parameters depend only on the responsibilities."
        else:
            message = f"M-step: ellipses refitted; log-likelihood {it.gain:+.3f} nats."
        return replace(
            state,
            gmm=it.gmm,
            posterior=it.resp,
            m_steps=state.m_steps + 1,
            log_likelihood=it.log_likelihood,
            bound=lower_bound(state.X, state.resp, it.gmm),
            history=state.history + (it.log_likelihood,),
            last="M",
            message=message,
        )
    raise ValueError(f'step must be "E" or "M"; got {step!r}.')


def _converged_history(X, gmm, reg_covar, max_iter=200):
    from ..em import fit_em

    return fit_em(X, gmm, max_iter=max_iter, tol=1e-9, reg_covar=reg_covar).history


class MStepFigure(LabFigure):
    """The points coloured by their responsibilities with the 95% ellipses (left), log p(X | θ) / n (right)."""

    def __init__(self, X, k, target):
        super().__init__(figsize=(10.5, 5.4))
        self.n = X.shape[0]
        rgb = component_colors(k)
        axes = self.fig.subplot_mosaic([["scene", "ll"], ["text", "text"]], width_ratios=[1.25, 1],
                                       height_ratios=[5, 1])
        ax, self.ax_ll, ax_text = axes["scene"], axes["ll"], axes["text"]
        ax_text.set_axis_off()
        pad = 0.15 * (X.max(axis=0) - X.min(axis=0))
        ax.set_xlim(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0])
        ax.set_ylim(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1])
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("points coloured by responsibilities; 95% ellipses")
        self.points = self.dynamic(ax.scatter(X[:, 0], X[:, 1], s=14, color="0.6", edgecolors="none"))
        ellipses, centres = ellipse_artists(k, ax, colors=rgb, linewidth=2.2,
                                            labels=[f"component {j}" for j in range(k)],
                                            centres={"marker": "x", "markersize": 11, "markeredgewidth": 2.5})
        self.ellipses, self.centres = self.dynamic(ellipses), self.dynamic(centres)
        ax.legend(loc="upper left", ncol=k, fontsize=8, handlelength=1.2, columnspacing=0.8)

        # Fixed axes for the log-likelihood curve: from the start to the converged value.
        per_point = target / self.n
        span = per_point.max() - per_point.min()
        ax_ll = self.ax_ll
        ax_ll.set_ylim(per_point.min() - 0.05 * span, per_point.max() + 0.08 * span)
        ax_ll.set_xlim(-0.5, max(10, min(len(target), 30)) + 0.5)
        ax_ll.axhline(per_point[-1], color="0.5", ls="--", lw=1, label=f"where EM converges ({per_point[-1]:.3f})")
        self.curve = self.dynamic(ax_ll.plot([], [], marker="o", color="black", label="after each M-step")[0])
        self.bound_mark = self.dynamic(ax_ll.plot([], [], marker="_", markersize=16, markeredgewidth=2.5, ls="none",
                                                  color="#ff7f0e", label="lower bound L(r, θ) now")[0])
        ax_ll.set_xlabel("M-steps taken")
        ax_ll.set_ylabel("average log-likelihood per point (nats)")
        ax_ll.set_title("log p(X | θ) / n")
        ax_ll.legend(loc="lower right", fontsize=8)
        self.readout = self.dynamic(ax_text.text(0.0, 1.0, "", transform=ax_text.transAxes, va="top", ha="left",
                                                 fontsize=9.5))

    def show(self, state):
        n = self.n
        if state.resp is None:
            self.points.set_facecolor("0.6")  # no responsibilities yet
        else:
            update_responsibilities(self.points, state.resp)
        update_ellipses(self.ellipses, state.gmm, self.centres)
        update_log_likelihood(self.curve, state.history, per_point=n)
        if state.bound is None:
            self.bound_mark.set_data([], [])
        else:
            self.bound_mark.set_data([state.m_steps], [state.bound / n])
        if len(state.history) - 1 > self.ax_ll.get_xlim()[1] - 0.5:  # off the axis: widen it (a full redraw)
            self.ax_ll.set_xlim(-0.5, 2 * (len(state.history) - 1) + 0.5)
        gap = "" if state.bound is None else f"   gap log p − L: {state.log_likelihood - state.bound:.3f}"
        self.readout.set_text(
            f"E-steps: {state.e_steps}   M-steps: {state.m_steps}   (next: {state.next_step}-step)\n"
            f"log-likelihood: {state.log_likelihood:.2f} ({state.log_likelihood / n:.3f} per point){gap}\n"
            f"{state.message}"
        )


class _HandRun:
    """The state the buttons step: `advance` on a press, the start again on Reset."""

    def __init__(self, start):
        self.start = self.state = start

    def press(self, step):
        self.state = advance(self.state, step)

    def reset(self):
        self.state = self.start


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
    from ..datasets import make_synthetic

    if X is None:
        X, _ = make_synthetic("round", n=300, rng=0)
    gmm = POOR_START if gmm is None else gmm
    run = _HandRun(initial_state(X, gmm, reg_covar))
    X = run.start.X
    if X.shape[1] != 2:
        raise ValueError(f"the M-step lab draws 2-D data; got X with {X.shape[1]} features.")
    figure = MStepFigure(X, gmm.k, _converged_history(X, gmm, reg_covar))

    def update():
        figure.show(run.state)
        return run.state

    return Lab(
        figure,
        [],
        update,
        buttons={"E-step": lambda: run.press("E"), "M-step": lambda: run.press("M"), "Reset": run.reset},
        title="<b>M-step lab</b>: press E-step and M-step in turn and watch the ellipses move.",
    )
