"""M-step lab: step EM by hand, one half-step per button press (lesson 06).

The state logic is pure: `lab_data(name)` gives a data set and its poor starting mixture,
`initial_state(X, gmm)` and `advance(state, "E" | "M")` return new `MStepState` values and
never modify their input. An M-step is one `coursepkg.em.em_iteration`, the iteration every
EM loop of the course takes: its E-step under the new parameters is kept as `posterior`, and
the next E-step press shows it. The widget wires a data-set menu and E-step, M-step and Reset
buttons to them and redraws one figure.
"""

from dataclasses import dataclass, replace

import numpy as np

from .._validation import check_data
from ..em import e_step, em_iteration, lower_bound
from ..gaussian import covariance_from_axes
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

# Three long thin clusters, each turned its own way (55, -50 and 5 degrees): after one M-step the
# ellipses visibly stretch and tilt, which the round data cannot show.
TILTED = GMM(
    [1 / 3, 1 / 3, 1 / 3],
    [[0.0, 0.0], [4.0, 0.5], [2.0, 4.0]],
    [covariance_from_axes(1.4, 0.3, 55), covariance_from_axes(1.4, 0.3, -50), covariance_from_axes(1.4, 0.3, 5)],
)

# The data sets of the lab's menu: "round" and "elongated" from `coursepkg.datasets`, "tilted" drawn from TILTED.
DATASETS = ("round", "elongated", "tilted")


@dataclass(frozen=True)
class LabData:
    """A data set of the lab: the points X (n, 2), the poor starting mixture, and the true mixture."""

    X: np.ndarray
    start: GMM
    true_gmm: GMM


def poor_start(X, k=3):
    """k equal round components in a horizontal row through the data's mean, one standard deviation apart.

    Each has the variance (var x_1 + var x_2) / 6 in every direction: round, and smaller than the data,
    so the first M-step has shapes to learn as well as places.
    """
    X = check_data(X)
    centre, sd = X.mean(axis=0), X.std(axis=0)
    offsets = (np.arange(k) - (k - 1) / 2) * sd[0]
    means = np.column_stack([centre[0] + offsets, np.full(k, centre[1])])
    variance = np.mean(sd**2) / 3
    return GMM(np.full(k, 1 / k), means, np.repeat(variance * np.eye(2)[None], k, axis=0))


def lab_data(name, n=300, rng=0):
    """The data set `name` (one of DATASETS) with its starting mixture: POOR_START for "round", else `poor_start`."""
    from ..datasets import SYNTHETIC, make_synthetic
    from ..mixture import sample

    if name == "tilted":
        X, _ = sample(TILTED, n, rng=np.random.default_rng(rng))
        return LabData(X, poor_start(X), TILTED)
    if name in ("round", "elongated"):
        X, _ = make_synthetic(name, n=n, rng=rng)
        return LabData(X, POOR_START if name == "round" else poor_start(X), SYNTHETIC[name])
    raise ValueError(f"name must be one of {DATASETS}; got {name!r}.")


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
    M: parameters = argmax of Q given r, by `em_iteration`; the log-likelihood does not fall (up to
    rounding: a gain within CONVERGED_GAIN of 0 is shown as "+0.000 nats (converged)").
    An M-step before any E-step, and a step repeated right after itself, change nothing but the message:
    no counter, no history, no bound moves.
    """
    if step == "E":
        if state.last == "E":
            # the responsibilities depend only on the parameters, which have not moved
            return replace(state, message="E-step again: nothing new to compute. Press M-step.")
        resp = state.posterior  # the E-step under these parameters, taken by the last iteration (or the start)
        if state.resp is None:
            message = "E-step: each point now shows its responsibilities; the bound L touches the log-likelihood."
        else:
            moved = np.abs(resp - state.resp).max()
            message = f"E-step: responsibilities updated (largest change {moved:.3f}); the bound is tight again."
        return replace(state, resp=resp, e_steps=state.e_steps + 1, bound=state.log_likelihood, last="E",
                       message=message)
    if step == "M":
        if state.resp is None:
            return replace(state, message="M-step needs responsibilities: press E-step first.")
        if state.last == "M":
            # the parameters depend only on the responsibilities, which have not moved
            return replace(state, message="M-step again: nothing new to fit. Press E-step.")
        it = em_iteration(state.X, state.resp, state.log_likelihood, state.reg_covar, iteration=state.m_steps + 1)
        message = f"M-step: ellipses refitted; log-likelihood {format_gain(it.gain)}."
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


CONVERGED_GAIN = 1e-9  # nats: an M-step gain this close to 0 is rounding, shown as converged


def format_gain(gain):
    """An M-step's log-likelihood gain in words: "+1.234 nats", or "+0.000 nats (converged)" within CONVERGED_GAIN."""
    if abs(gain) < CONVERGED_GAIN:
        return "+0.000 nats (converged)"
    return f"{gain:+.3f} nats"


def _converged_history(X, gmm, reg_covar, max_iter=300):
    from ..em import fit_em

    return fit_em(X, gmm, max_iter=max_iter, tol=1e-9, reg_covar=reg_covar).history


ELLIPSE_RADIUS = 2.4477  # sqrt of the 95% point of chi-square with 2 degrees of freedom: the drawn ellipses


SCENE_RATIO = 0.78  # height / width of the scene's box in the lab's layout (measured on the rendered figure)


def scene_limits(X, gmm, reg_covar, m_steps=3, pad=0.1, ratio=SCENE_RATIO):
    """(xlim, ylim) holding the points and the 95% ellipses of the start and of the first `m_steps` M-steps.

    The first steps from a poor start give the largest ellipses of a run; later ones shrink onto the
    clusters. A margin of `pad` times the range is added on every side, and then the shorter range is
    widened about its centre to make height / width = `ratio`, so that with equal scales on both axes
    the scene fills its box instead of shrinking to a strip.
    """
    lows, highs = [X.min(axis=0)], [X.max(axis=0)]
    resp, ll = e_step(X, gmm)
    for _ in range(m_steps + 1):
        half = ELLIPSE_RADIUS * np.sqrt(np.diagonal(gmm.covariances, axis1=1, axis2=2))  # (k, 2) half-extents
        lows.append((gmm.means - half).min(axis=0))
        highs.append((gmm.means + half).max(axis=0))
        it = em_iteration(X, resp, ll, reg_covar)
        gmm, resp, ll = it.gmm, it.resp, it.log_likelihood
    lo, hi = np.min(lows, axis=0), np.max(highs, axis=0)
    margin = pad * (hi - lo)
    lo, hi = lo - margin, hi + margin
    width, height = hi - lo
    centre = (lo + hi) / 2
    width, height = max(width, height / ratio), max(height, width * ratio)
    return (centre[0] - width / 2, centre[0] + width / 2), (centre[1] - height / 2, centre[1] + height / 2)


def _padded(lo, hi, frac):
    span = max(hi - lo, 1e-9)
    return lo - frac * span, hi + frac * span


class MStepFigure(LabFigure):
    """The points coloured by their responsibilities with the 95% ellipses (left), log p(X | θ) / n (right).

    The fixed parts depend on the data set (axis limits, the converged level of the curve and its range):
    `show_data_set` sets them up and `background_key` names them, so the lab keeps one background per
    data set (and per width of the curve's axis, which doubles only if a run goes past it).
    """

    def __init__(self, data_sets, k, reg_covar):
        super().__init__(figsize=(10.5, 5.4))
        self.k, self.reg_covar = k, reg_covar
        self.data_sets = data_sets  # name -> LabData
        self._targets = {}  # name -> the converged log-likelihood history from that set's start
        rgb = component_colors(k)
        axes = self.fig.subplot_mosaic([["scene", "ll"], ["text", "key"]], width_ratios=[1.25, 1],
                                       height_ratios=[5, 1])
        self.ax, self.ax_ll, ax_text, ax_key = axes["scene"], axes["ll"], axes["text"], axes["key"]
        ax_text.set_axis_off()
        ax_key.set_axis_off()
        ax = self.ax
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("points coloured by responsibilities; 95% ellipses")
        self.points = self.dynamic(ax.scatter([0.0], [0.0], s=14, color="0.6", edgecolors="none"))
        ellipses, centres = ellipse_artists(k, ax, colors=rgb, linewidth=2.2,
                                            labels=[f"component {j + 1}" for j in range(k)],
                                            centres={"marker": "x", "markersize": 11, "markeredgewidth": 2.5})
        self.ellipses, self.centres = self.dynamic(ellipses), self.dynamic(centres)
        # the legend sits below the curve, off the data
        ax_key.legend(handles=self.ellipses, loc="center", ncol=k, fontsize=9, handlelength=1.4,
                      columnspacing=1.0, title="95% ellipse of", title_fontsize=9)

        ax_ll = self.ax_ll
        self.target_line = ax_ll.axhline(0.0, color="0.5", ls="--", lw=1, label="where EM converges")
        self.curve = self.dynamic(ax_ll.plot([], [], marker="o", color="black", label="after each M-step")[0])
        self.bound_mark = self.dynamic(ax_ll.plot([], [], marker="_", markersize=16, markeredgewidth=2.5, ls="none",
                                                  color="#ff7f0e", label="lower bound L(r, θ) now")[0])
        ax_ll.set_xlabel("M-steps taken")
        ax_ll.set_ylabel("average log-likelihood per point (nats)")
        ax_ll.set_title("log p(X | θ) / n")
        ax_ll.legend(loc="lower right", fontsize=8)
        self.readout = self.dynamic(ax_text.text(0.0, 1.0, "", transform=ax_text.transAxes, va="top", ha="left",
                                                 fontsize=9.5))
        self.name = None  # the data set shown
        self.x_max = None  # the right end of the curve's axis

    def background_key(self):
        return self.name, self.x_max

    def target(self, name):
        """The log-likelihood history of EM run to convergence from the start of data set `name` (cached)."""
        if name not in self._targets:
            data = self.data_sets[name]
            self._targets[name] = _converged_history(data.X, data.start, self.reg_covar)
        return self._targets[name]

    def base_x_max(self, name):
        """The curve's axis: at least 40 M-steps, and up to where EM from this start converges."""
        steps = len(self.target(name)) - 1
        return max(40, 10 * int(np.ceil((steps + 1) / 10)))

    def show_data_set(self, name):
        """Set up the fixed parts for data set `name` (nothing to do when it is shown already)."""
        if name == self.name:
            return
        X = self.data_sets[name].X
        xlim, ylim = scene_limits(X, self.data_sets[name].start, self.reg_covar)
        self.ax.set_xlim(*xlim)
        self.ax.set_ylim(*ylim)
        self.points.set_offsets(X)
        per_point = self.target(name) / X.shape[0]
        self.ax_ll.set_ylim(*_padded(per_point.min(), per_point.max(), 0.08))
        self.target_line.set_ydata([per_point[-1], per_point[-1]])
        self.target_line.set_label(f"where EM converges ({per_point[-1]:.3f})")
        self.ax_ll.legend(loc="lower right", fontsize=8)
        self.name, self.x_max = name, None

    def show(self, state, x_max=None):
        """Move the dynamic artists to `state`; `x_max` forces the curve's axis width (to prerender it)."""
        n = state.X.shape[0]
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
        if x_max is None:
            x_max = self.base_x_max(self.name)
            while len(state.history) - 1 > x_max:  # a run past the axis: double it (a background drawn at build)
                x_max *= 2
        if x_max != self.x_max:
            self.ax_ll.set_xlim(-0.5, x_max + 0.5)
            self.x_max = x_max
        gap = "" if state.bound is None else f"   gap log p − L: {state.log_likelihood - state.bound:.3f}"
        self.readout.set_text(
            f"E-steps: {state.e_steps}   M-steps: {state.m_steps}   (next: {state.next_step}-step)\n"
            f"log-likelihood: {state.log_likelihood:.2f} ({state.log_likelihood / n:.3f} per point){gap}\n"
            f"{state.message}"
        )


class _HandRun:
    """The state the buttons step: `advance` on a press, the start again on Reset or a new data set."""

    def __init__(self, start):
        self.start = self.state = start
        self.name = None

    def restart(self, name, start):
        self.name, self.start, self.state = name, start, start

    def press(self, step):
        self.state = advance(self.state, step)

    def reset(self):
        self.state = self.start


def make_mstep_lab(X=None, gmm=None, reg_covar=1e-6, dataset="round"):
    """A data-set menu and E-step, M-step and Reset buttons on a hand-stepped EM run.

    Parameters
    ----------
    X : array (n, 2) or None. None: the menu offers the data sets of DATASETS, each with its poor start
        (`lab_data`); an array: that data alone (no menu), started from `gmm`
    gmm : starting GMM for X; default POOR_START
    reg_covar : float, for the M-step
    dataset : the data set shown first when X is None, one of DATASETS (default "round")

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current MStepState
    """
    import ipywidgets as widgets

    if X is None:
        if dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}.")
        data_sets = {name: lab_data(name) for name in DATASETS}
    else:
        gmm = POOR_START if gmm is None else gmm
        X = initial_state(X, gmm, reg_covar).X  # validates X and gmm together
        if X.shape[1] != 2:
            raise ValueError(f"the M-step lab draws 2-D data; got X with {X.shape[1]} features.")
        dataset = "your data"
        data_sets = {dataset: LabData(X, gmm, None)}
    k = {data.start.k for data in data_sets.values()}.pop()
    figure = MStepFigure(data_sets, k, reg_covar)
    run = _HandRun(None)

    def update(dataset=dataset, x_max=None):
        # x_max is no control: `prerender` passes it to draw the background of a doubled curve axis
        if dataset != run.name:
            data = data_sets[dataset]
            run.restart(dataset, initial_state(data.X, data.start, reg_covar))
        figure.show_data_set(dataset)
        figure.show(run.state, x_max)
        return run.state

    rows = []
    if len(data_sets) > 1:
        menu = widgets.Dropdown(options=list(data_sets), value=dataset, description="data")
        rows = [{"dataset": menu}]
    lab = Lab(
        figure,
        rows,
        update,
        buttons={"E-step": lambda: run.press("E"), "M-step": lambda: run.press("M"), "Reset": run.reset},
        title="<b>M-step lab</b>: press E-step and M-step in turn and watch the ellipses move; "
              "a new data set starts again from its poor guess.",
    )
    # every background the lab can need in the first 80+ M-steps, drawn now: the menu and a curve that
    # runs past its axis then redraw as fast as any step
    settings = [{"dataset": name, "x_max": width} for name in data_sets
                for width in (figure.base_x_max(name), 2 * figure.base_x_max(name))]
    lab.prerender([{key: value for key, value in setting.items() if rows or key != "dataset"} for setting in settings])
    return lab
