"""The EM lab: run or step EM and watch the ellipses and the log-likelihood curve.

State logic (pure, tested without a browser):

- `lab_data(name)`: the points, axis labels and (for synthetic sets) the true mixture;
- `start_path(X, k, init, rng)`: the starting mixture, as `fit_em` would draw it;
- `advance(X, path, n_steps, tol)`: a new, longer path after up to `n_steps` iterations of
  `coursepkg.em.em_iteration` (stopping early at convergence, by the test `fit_em` uses);
- `lab_state(path, t)`: what the figure shows at iteration t (mixture, responsibilities, curve).

`EMFigure` draws them; `make_emlab_lab` wires the controls and buttons to these functions.
"""

import functools
from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from ..plotting import (
    ellipse_artists,
    update_ellipses,
    update_log_likelihood,
    update_responsibilities,
)
from ._base import Lab, LabFigure

DATASETS = (
    "Old Faithful (standardised)",
    "Old Faithful (minutes)",
    "round",
    "elongated",
    "overlapping",
)
RUN_STEPS = 50  # the Run button takes up to this many iterations
X_RANGE = 100  # iterations shown on the curve's axis (doubled if a run goes further)
K_MAX = 6  # the largest k of the lab's slider
OUTLINE_POINTS = 80  # vertices of a drawn ellipse


@dataclass(frozen=True)
class LabData:
    """Points X (n, 2), axis labels, and the true mixture (None for real data)."""

    X: np.ndarray
    xlabel: str
    ylabel: str
    true_gmm: object = None


def lab_data(name, n=300, rng=0):
    """The data set called `name` (one of DATASETS)."""
    from ..datasets import FAITHFUL_COLUMNS, SYNTHETIC, make_synthetic, old_faithful

    if name == "Old Faithful (minutes)":
        return LabData(old_faithful(), *FAITHFUL_COLUMNS)
    if name == "Old Faithful (standardised)":
        X = old_faithful()
        Z = (X - X.mean(axis=0)) / X.std(axis=0)
        return LabData(Z, "eruption time (standard units)", "waiting time (standard units)")
    if name in SYNTHETIC and name in DATASETS:
        X, _ = make_synthetic(name, n=n, rng=rng)
        return LabData(X, "$x_1$", "$x_2$", SYNTHETIC[name])
    raise ValueError(f"name must be one of {DATASETS}; got {name!r}.")


@dataclass(frozen=True)
class EMPath:
    """The mixtures EM has visited so far.

    gmms[t] are the parameters after t M-steps, resps[t] their responsibilities and
    history[t] their total log-likelihood; `converged` says the last iteration gained
    less than tol per point (`coursepkg.em.has_converged`, as in `fit_em`).
    """

    gmms: tuple
    resps: tuple
    history: tuple
    converged: bool = False

    @property
    def n_iter(self):
        return len(self.gmms) - 1


def start_path(X, k, init="k-means++", rng=0):
    """A path holding only the starting mixture: `initial_gmm(X, k, init, rng)`."""
    from ..em import e_step, initial_gmm

    gmm = initial_gmm(X, k, init=init, rng=rng)
    resp, ll = e_step(X, gmm)
    return EMPath((gmm,), (resp,), (ll,))


def advance(X, path, n_steps=1, tol=1e-6, reg_covar=1e-6):
    """A new path extended by up to `n_steps` iterations of `coursepkg.em.em_iteration` (M-step, then E-step).

    Stops early at convergence (the average log-likelihood gain of an iteration below `tol`);
    a converged path is returned unchanged.
    """
    from ..em import em_iteration

    if path.converged:
        return path
    gmms, resps, history = list(path.gmms), list(path.resps), list(path.history)
    converged = False
    for _ in range(n_steps):
        step = em_iteration(X, resps[-1], history[-1], reg_covar=reg_covar, tol=tol, iteration=len(history))
        gmms.append(step.gmm)
        resps.append(step.resp)
        history.append(step.log_likelihood)
        if step.converged:
            converged = True
            break
    return EMPath(tuple(gmms), tuple(resps), tuple(history), converged)


def lab_state(path, t=None):
    """What the lab draws for iteration t of `path` (default: the last).

    Returns
    -------
    dict with
      "gmm": the mixture after t M-steps (its 95% ellipses are drawn);
      "resp": array (n, k), its responsibilities (the points' colours);
      "history": array (t + 1,), the log-likelihood curve so far;
      "iteration": t; "log_likelihood": history[t];
      "converged": bool (only at the path's last iteration).
    """
    last = path.n_iter
    t = last if t is None else int(t)
    if not 0 <= t <= last:
        raise ValueError(f"t must be between 0 and {last}; got {t}.")
    return {
        "gmm": path.gmms[t],
        "resp": path.resps[t],
        "history": np.array(path.history[: t + 1]),
        "iteration": t,
        "log_likelihood": path.history[t],
        "converged": bool(path.converged and t == last),
    }


def log_likelihood_range(X, k_max=6, n_seeds=4):
    """A fixed vertical range (low, high) for the log-likelihood curves of one data set.

    low: the lowest starting log-likelihood over k = 1..k_max and random starts with seeds
    0..n_seeds-1 (random starts are the lowest); high: the log-likelihood EM reaches with
    k_max components from a k-means start (more components fit better). Both padded by 5 %,
    so most curves of the lab fit without ever rescaling the axes.
    """
    from ..em import fit_em

    starts = [start_path(X, k, "random", seed).history[0] for k in range(1, k_max + 1) for seed in range(n_seeds)]
    best = fit_em(X, k_max, init="kmeans", rng=0, max_iter=60).log_likelihood
    return _padded(min(starts), max(best, max(starts)), 0.05)


def _padded(lo, hi, frac=0.08):
    span = max(hi - lo, 1e-9)
    return lo - frac * span, hi + frac * span


@functools.cache
def _data_set(name):
    """The data set `name` with its axis limits and log-likelihood range: computed once per session."""
    data = lab_data(name)
    X = data.X
    xlim, ylim = _padded(X[:, 0].min(), X[:, 0].max()), _padded(X[:, 1].min(), X[:, 1].max())
    return data, xlim, ylim, log_likelihood_range(X, K_MAX)


class EMFigure(LabFigure):
    """The data with the fitted (and true) 95% ellipses (left) and the log-likelihood curve (right).

    The fixed parts depend on the data set (axis limits and labels, true ellipses, the curve's range):
    `show_data_set` sets them up, and `background_key` names them, so the lab keeps one background
    per data set.
    """

    def __init__(self):
        super().__init__(figsize=(10, 4.1), dpi=72)
        self.ax_data, self.ax_ll = self.fig.subplots(1, 2, width_ratios=[1.15, 1])
        ax, ax_ll = self.ax_data, self.ax_ll
        self.scatter = self.dynamic(ax.scatter([0.0], [0.0], s=14, edgecolors="none", alpha=0.85))
        self.true_lines, _ = ellipse_artists(K_MAX, ax, outline=True, colors=["0.45"], ls="--", lw=1.2,
                                             labels=["true component (95%)"] + [None] * (K_MAX - 1))
        fit_lines, marks = ellipse_artists(K_MAX, ax, outline=True, lw=2.2,
                                           centres={"marker": "X", "ms": 11, "mec": "white", "mew": 1.2})
        self.fit_lines, self.mean_marks = self.dynamic(fit_lines), self.dynamic(marks)
        self.status = self.dynamic(ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", ha="left", fontsize=10,
                                           bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9}))
        self.ll_line = self.dynamic(ax_ll.plot([], [], marker="o", ms=3, color="0.2", label="log-likelihood")[0])
        self.ll_now = self.dynamic(ax_ll.plot([], [], marker="o", ms=8, color="#d62728", ls="none",
                                              label="current")[0])
        ax_ll.set_xlabel("EM iteration (M-steps taken)")
        ax_ll.set_ylabel("total log-likelihood (nats)")
        ax_ll.set_title("the log-likelihood never decreases")
        ax_ll.grid(alpha=0.3)
        ax_ll.legend(loc="lower right")
        self.name = None  # the data set shown
        self.ll_limits = None  # (x max, y low, y high) of the curve's axes

    def background_key(self):
        return self.name, self.ll_limits

    def show_data_set(self, name):
        """Set up the fixed parts for the data set `name` (nothing to do if it is shown already)."""
        if name == self.name:
            return
        data, xlim, ylim, self.ll_range = _data_set(name)
        ax, true = self.ax_data, data.true_gmm
        self.scatter.set_offsets(data.X)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_xlabel(data.xlabel)
        ax.set_ylabel(data.ylabel)
        ax.set_title(f"{name}: fitted (solid) " + ("and true (dashed) " if true else "") + "ellipses")
        update_ellipses(self.true_lines, true, n_points=OUTLINE_POINTS)
        # one entry per line style, not per component: k changes without a legend redraw
        handles = [Line2D([], [], color="0.2", lw=2.2, label="fitted component (95%), one colour each")]
        if true is not None:
            handles.append(self.true_lines[0])
        if ax.get_legend():
            ax.get_legend().remove()
        ax.legend(handles=handles, loc="lower right", fontsize=8)
        self.name, self.ll_limits = name, None

    def show(self, state):
        """The mixture and the curve of `lab_state` (the fixed parts of its data set set up already)."""
        update_responsibilities(self.scatter, state["resp"])
        update_ellipses(self.fit_lines, state["gmm"], self.mean_marks, n_points=OUTLINE_POINTS)
        flag = ", converged" if state["converged"] else ""
        self.status.set_text(f"iter {state['iteration']}{flag}: log-lik {state['log_likelihood']:.2f}")
        update_log_likelihood(self.ll_line, state["history"], current=self.ll_now)
        self._fit_ll_limits(state["history"])

    def _fit_ll_limits(self, hist):
        """Keep the curve's axes fixed per data set; widen them only if a curve leaves them (rare)."""
        fresh = self.ll_limits is None
        xmax, ylo, yhi = (X_RANGE, *self.ll_range) if fresh else self.ll_limits
        new_xmax = xmax
        while hist.size - 1 > new_xmax:
            new_xmax *= 2
        lo, hi = min(ylo, hist.min()), max(yhi, hist.max())
        if (new_xmax, lo, hi) == (xmax, ylo, yhi) and not fresh:
            return
        if (lo, hi) != (ylo, yhi):
            lo, hi = _padded(lo, hi, 0.05)
        self.ll_limits = (new_xmax, lo, hi)
        self.ax_ll.set_xlim(-0.5, new_xmax + 0.5)
        self.ax_ll.set_ylim(lo, hi)


@dataclass(frozen=True)
class EMLabState:
    """What the EM lab stands on: the data set's name, its data, and the path of mixtures so far."""

    dataset: str
    data: LabData
    path: EMPath


class _EMRun:
    """The path the buttons extend; started afresh when the data set, k, init or seed change."""

    def __init__(self, tol):
        self.tol = tol
        self.key = self.X = self.path = None

    def start(self, dataset, k, init, seed):
        if (dataset, k, init, seed) != self.key:
            self.key = (dataset, k, init, seed)
            self.X = _data_set(dataset)[0].X
            self.path = start_path(self.X, k, init, seed)

    def step(self, n_steps=1):
        self.path = advance(self.X, self.path, n_steps, tol=self.tol)

    def reset(self):
        self.path = EMPath(self.path.gmms[:1], self.path.resps[:1], self.path.history[:1])


def make_emlab_lab(dataset="Old Faithful (standardised)", k=2, init="random", seed=0, tol=1e-6):
    """The EM lab: data set, initialisation, k and seed controls; Step, Run and Reset buttons.

    Step takes one EM iteration (an M-step, then the E-step for the new parameters);
    Run takes up to 50 iterations or stops at convergence; Reset returns to the start.
    The background of every data set is drawn while the lab is built, so the menu redraws fast.

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current EMLabState.
    """
    import ipywidgets as widgets

    from ..em import INIT_METHODS

    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}.")
    figure, run = EMFigure(), _EMRun(tol)

    def update(dataset, k, init, seed):
        figure.show_data_set(dataset)
        run.start(dataset, k, init, seed)
        figure.show(lab_state(run.path))
        return EMLabState(dataset, _data_set(dataset)[0], run.path)

    style = {"description_width": "initial"}
    rows = [
        {
            "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data", style=style),
            "k": widgets.IntSlider(value=k, min=1, max=K_MAX, description="k", style=style),
            "init": widgets.Dropdown(options=INIT_METHODS, value=init, description="init", style=style),
        },
        {"seed": widgets.IntSlider(value=seed, min=0, max=30, description="seed", style=style)},
    ]
    buttons = {"Step": run.step, f"Run (≤{RUN_STEPS})": lambda: run.step(RUN_STEPS), "Reset": run.reset}
    lab = Lab(
        figure, rows, update, buttons=buttons,
        title="<b>EM lab</b>: Step = one E+M iteration, Run = up to 50 iterations or until converged.",
    )
    lab.prerender([{"dataset": name} for name in DATASETS])
    return lab
