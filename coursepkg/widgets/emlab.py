"""The EM lab: step EM half a step or a whole iteration at a time, and watch the ellipses and the curve.

State logic (pure, tested without a browser):

- `lab_data(name)`: the points, axis labels and (for synthetic sets) the true mixture;
- `lab_start(X, k, init, rng)`: the lab's starting mixture: the means `coursepkg.em.initial_gmm` chooses,
  equal weights, and small axis-aligned components that fit inside the frame `data_frame(X)`;
- `advance(X, path, n_steps, tol)`: a new, longer path after up to `n_steps` iterations of
  `coursepkg.em.em_iteration` (stopping early at convergence, by the test `fit_em` uses);
- `press(X, run, action, tol)`: what a button does to a `LabRun` (a path and whether the E-step of its
  last M-step is shown yet);
- `lab_state(path, t, e_pending)`: what the figure shows (mixture, responsibilities, curve).

Half steps. Every M-step is one `em_iteration`: the M-step from the current responsibilities and the
E-step under the new parameters, the same numbers as `fit_em` and `EMStepper`. The lab shows the two
halves one at a time: after "M-step" the ellipses have moved but the points keep the colours the M-step
read; "E-step" then shows the responsibilities that iteration computed.

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
RUN_LABEL = f"Run (≤{RUN_STEPS})"
ACTIONS = ("M-step", "E-step", "Step", "Run", "Reset")  # what `press` accepts
X_RANGE = 25  # iterations shown on the curve's axis at first
WIDEN = 4  # ... times WIDEN whenever a run goes further (the first two widenings are drawn ahead of time)
K_MAX = 6  # the largest k of the lab's slider
SEED_MAX = 30  # the largest seed of the lab's slider
OUTLINE_POINTS = 80  # vertices of a drawn ellipse
START_HALF_WIDTH = 0.1  # half-widths of a starting 95% ellipse, as a fraction of the data's span per coordinate
FRAME_PAD = 0.12  # margin of the frame around the data, same units (larger: every starting ellipse fits)
LEVEL = 0.95  # the probability inside every drawn ellipse


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


def data_frame(X):
    """The axis limits of the lab's data panel: the data's range, widened by FRAME_PAD of it on each side.

    Returns
    -------
    xlim, ylim : pairs (low, high)
    """
    low, high = X.min(axis=0), X.max(axis=0)
    pad = FRAME_PAD * np.maximum(high - low, 1e-9)
    return (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])


def lab_start(X, k, init="k-means++", rng=0):
    """The lab's starting mixture: small, equal, axis-aligned components at the means `initial_gmm` chooses.

    Means: those of ``coursepkg.em.initial_gmm(X, k, init, rng)`` (data points, or k-means centres, so
    inside the data's range). Weights 1/k. Every covariance is diag(s_1^2, s_2^2) with the 95% ellipse's
    half-width sqrt(chi2_95) s_j = START_HALF_WIDTH (max x_j - min x_j): a small "circle" in the data's
    own scale, which fits inside `data_frame(X)` because FRAME_PAD > START_HALF_WIDTH.
    (`initial_gmm` itself gives every component the covariance of the whole data set, whose ellipses
    would run off the frame.)
    """
    from ..em import initial_gmm
    from ..gaussian import chi2_radius
    from ..mixture import GMM

    means = initial_gmm(X, k, init=init, rng=np.random.default_rng(rng)).means
    span = np.maximum(X.max(axis=0) - X.min(axis=0), 1e-9)
    cov = np.diag((START_HALF_WIDTH * span / chi2_radius(LEVEL, d=X.shape[1])) ** 2)
    return GMM(np.full(k, 1.0 / k), means, np.repeat(cov[None], k, axis=0))


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

    def start(self):
        """The path cut back to its starting mixture."""
        return EMPath(self.gmms[:1], self.resps[:1], self.history[:1])


def start_path(X, k, init="k-means++", rng=0):
    """A path holding only the starting mixture `lab_start(X, k, init, rng)` and its E-step."""
    from ..em import e_step

    gmm = lab_start(X, k, init=init, rng=rng)
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


START_MESSAGE = "Start: small components at the chosen means; points coloured by their responsibilities. Next: M-step."


@dataclass(frozen=True)
class LabRun:
    """Where the buttons have taken the lab.

    path : EMPath, every mixture visited (its last one is shown)
    e_pending : bool, True right after an M-step: the ellipses are the new ones, the colours still those
        the M-step read (the E-step of that iteration is not shown yet)
    message : str, what the last button did, in words
    """

    path: EMPath
    e_pending: bool = False
    message: str = START_MESSAGE


def _recoloured(path):
    change = np.abs(path.resps[-1] - path.resps[-2]).max()
    return f"responsibilities recomputed under the new ellipses (largest change {change:.2f})"


def press(X, run, action, tol=1e-6):
    """The LabRun after pressing `action` (one of ACTIONS) on `run`; `run` is not modified.

    "M-step": one `em_iteration`, of which only the M-step is shown (e_pending becomes True);
    "E-step": show that iteration's E-step; "Step": a whole iteration (or, after an M-step, its E-step,
    which ends the iteration); "Run": up to RUN_STEPS iterations, stopping at convergence;
    "Reset": back to the start. An M-step or an E-step pressed twice changes nothing, and says why.
    """
    path = run.path
    if action == "Reset":
        return LabRun(path.start())
    if action == "E-step":
        if not run.e_pending:
            return LabRun(path, False, "E-step again: nothing changes. Responsibilities depend only on the "
                                       "ellipses, which have not moved. Next: M-step.")
        return LabRun(path, False, f"E-step {path.n_iter}: {_recoloured(path)}. Next: M-step.")
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}; got {action!r}.")
    if action == "M-step" and run.e_pending:
        return LabRun(path, True, "M-step again: nothing moves. The M-step reads only the colours, which have "
                                  "not changed. Next: E-step.")
    if action == "Step" and run.e_pending:
        return LabRun(path, False, f"E-step {path.n_iter}, the end of iteration {path.n_iter}: {_recoloured(path)}.")
    if path.converged:
        return LabRun(path, False, f"Converged: the last iteration gained less than {tol:g} nats per point. "
                                   "Reset, or change a control.")
    new = advance(X, path, RUN_STEPS if action == "Run" else 1, tol=tol)
    t, gain = new.n_iter, new.history[-1] - new.history[-2]
    done = f" Converged: that iteration gained less than {tol:g} nats per point." if new.converged else ""
    if action == "M-step":
        return LabRun(new, True, f"M-step {t}: every ellipse refitted to the points' present colours; "
                                 f"log-likelihood {gain:+.3f} nats. Next: E-step.{done}")
    if action == "Step":
        return LabRun(new, False, f"Iteration {t} (M-step, then E-step): log-likelihood {gain:+.3f} nats.{done}")
    if action == "Run":
        return LabRun(new, False, f"Ran {t - path.n_iter} iterations, to iteration {t}.{done}")
    raise AssertionError(action)  # every action is handled above


def lab_state(path, t=None, e_pending=False):
    """What the lab draws for iteration t of `path` (default: the last).

    e_pending : bool, True to show the M-step of iteration t before its E-step: the ellipses of
        gmms[t] over the colours resps[t - 1] that M-step read (t >= 1)

    Returns
    -------
    dict with
      "gmm": the mixture after t M-steps (its 95% ellipses are drawn);
      "resp": array (n, k), the responsibilities the points are coloured by;
      "history": array (t + 1,), the log-likelihood curve so far;
      "iteration": t; "log_likelihood": history[t]; "e_pending": bool;
      "converged": bool (only at the path's last iteration).
    """
    last = path.n_iter
    t = last if t is None else int(t)
    if not 0 <= t <= last:
        raise ValueError(f"t must be between 0 and {last}; got {t}.")
    if e_pending and t == 0:
        raise ValueError("e_pending needs an M-step to have been taken (t >= 1); got t = 0.")
    return {
        "gmm": path.gmms[t],
        "resp": path.resps[t - 1] if e_pending else path.resps[t],
        "history": np.array(path.history[: t + 1]),
        "iteration": t,
        "log_likelihood": path.history[t],
        "e_pending": bool(e_pending),
        "converged": bool(path.converged and t == last),
    }


def log_likelihood_range(X, k_max=K_MAX, n_seeds=SEED_MAX + 1):
    """A fixed vertical range (low, high) for the log-likelihood curves of one data set.

    The lab's small starting components fit the data badly, so a curve's first point lies far below the
    rest (hundreds of nats): the range leaves it out and the curve enters from below. After the start a
    curve only climbs (EM's ascent), so its lowest point is its first iteration.
    low: the lowest log-likelihood after one iteration over every setting of the lab's sliders with a
    random or k-means++ start (k = 1..k_max, seeds 0..n_seeds-1; k = 1 is one value, the single best
    Gaussian, whatever the seed). k-means starts are left out: they begin at converged k-means centres,
    and their first iteration lies above that low (checked in the tests), while computing them would
    cost one k-means run per setting.
    high: the log-likelihood EM reaches with k_max components from a k-means start (more components fit
    better). Both padded by 5 %, so the curves fit without the axes ever changing.
    """
    from ..em import fit_em

    firsts = [advance(X, start_path(X, 1, "random", 0), 1).history[1]]
    firsts += [advance(X, start_path(X, k, init, seed), 1).history[1]
               for k in range(2, k_max + 1) for init in ("random", "k-means++") for seed in range(n_seeds)]
    best = fit_em(X, lab_start(X, k_max, "kmeans", 0), max_iter=200).log_likelihood
    return _padded(min(firsts), max(best, max(firsts)), 0.05)


def _padded(lo, hi, frac=0.08):
    span = max(hi - lo, 1e-9)
    return lo - frac * span, hi + frac * span


@functools.cache
def _data_set(name):
    """The data set `name` with its frame and log-likelihood range: computed once per session."""
    data = lab_data(name)
    xlim, ylim = data_frame(data.X)
    return data, xlim, ylim, log_likelihood_range(data.X, K_MAX)


def status_text(state, message=""):
    """Two lines for the lab's read-out: where the run stands, and what the last button did."""
    t, ll = state["iteration"], state["log_likelihood"]
    phase = "M-step done, E-step pending" if state["e_pending"] else "after the E-step"
    flag = ", converged" if state["converged"] else ""
    return f"iteration {t} ({phase}{flag}): log-likelihood {ll:.2f} nats", message


class EMFigure(LabFigure):
    """The data with the fitted (and true) 95% ellipses (left), the log-likelihood curve (right), and a
    row below them for the legend (so that it covers no data).

    The fixed parts depend on the data set (axis limits and labels, true ellipses, the curve's range):
    `show_data_set` sets them up, and `background_key` names them, so the lab keeps one background
    per data set.
    """

    def __init__(self):
        super().__init__(figsize=(10, 5.0), dpi=72)
        axes = self.fig.subplot_mosaic([["data", "ll"], ["text", "text"]], width_ratios=[1.15, 1],
                                       height_ratios=[5, 0.6])
        self.ax_data, self.ax_ll, ax_text = axes["data"], axes["ll"], axes["text"]
        ax, ax_ll = self.ax_data, self.ax_ll
        ax_text.set_axis_off()
        self.scatter = self.dynamic(ax.scatter([0.0], [0.0], s=14, edgecolors="none", alpha=0.85))
        self.true_lines, _ = ellipse_artists(K_MAX, ax, outline=True, colors=["0.45"], ls="--", lw=1.2)
        fit_lines, marks = ellipse_artists(K_MAX, ax, outline=True, lw=2.2,
                                           centres={"marker": "X", "ms": 11, "mec": "white", "mew": 1.2})
        self.fit_lines, self.mean_marks = self.dynamic(fit_lines), self.dynamic(marks)
        self.ll_line = self.dynamic(ax_ll.plot([], [], marker="o", ms=3, color="0.2")[0])
        self.ll_now = self.dynamic(ax_ll.plot([], [], marker="o", ms=8, color="#ff7f0e", ls="none",
                                             clip_on=False)[0])  # (the ▼ at the bottom edge is not cut)
        ax_ll.set_xlabel("EM iteration t (M-steps taken)")
        ax_ll.set_ylabel("log-likelihood ℓ(θ⁽ᵗ⁾) (nats)")
        ax_ll.set_title("log-likelihood after each M-step")
        ax_ll.grid(alpha=0.3)
        handles = [Line2D([], [], color="0.2", lw=2.2, label="fitted component, 95% (one colour each)"),
                   Line2D([], [], color="0.45", ls="--", lw=1.2, label="true component, 95% (synthetic data)"),
                   Line2D([], [], color="0.2", marker="o", ms=3, label="log-likelihood"),
                   Line2D([], [], color="#ff7f0e", marker="o", ms=8, ls="none", label="now (▼: below the axis)")]
        ax_text.legend(handles=handles, loc="lower left", ncol=2, fontsize=10, frameon=False,
                       borderaxespad=0, handlelength=1.8, columnspacing=1.2)
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
        ax.set_title(f"{name}: " + ("fitted (solid), true (dashed)" if true else "fitted ellipses"))
        update_ellipses(self.true_lines, true, n_points=OUTLINE_POINTS)
        self.name, self.ll_limits = name, None  # (show sets the curve's axes)

    def show(self, state, min_length=X_RANGE):
        """The mixture and the curve of `lab_state` (the fixed parts of its data set set up already).

        min_length : the curve's axis shows at least this many iterations (the lab draws the wider axes
            of long runs ahead of time through it)
        """
        update_responsibilities(self.scatter, state["resp"])
        update_ellipses(self.fit_lines, state["gmm"], self.mean_marks, level=LEVEL, n_points=OUTLINE_POINTS)
        hist = state["history"]
        limits = curve_limits(hist, self.ll_range, min_length)
        if limits != self.ll_limits:  # a new version of the fixed parts (the lab keeps each one it has drawn)
            self.ll_limits = limits
            self.ax_ll.set_xlim(-0.5, limits[0] + 0.5)
            self.ax_ll.set_ylim(*limits[1:])
        update_log_likelihood(self.ll_line, hist, current=self.ll_now)
        low = limits[1]
        if hist[-1] < low:  # the start lies far below the axis: mark it at the bottom edge
            self.ll_now.set_data([hist.size - 1], [low])
            self.ll_now.set_marker("v")
        else:
            self.ll_now.set_marker("o")


def curve_limits(history, ll_range, min_length=X_RANGE):
    """The curve's axes for a history: (iterations shown, low, high).

    The iterations shown are X_RANGE, times WIDEN as often as the curve needs (and at least
    `min_length`); the vertical range is the data set's `ll_range`, widened (padded by 5 %) only if a
    value after the start leaves it. The start (t = 0) may lie far below: the curve enters from there.
    """
    history = np.asarray(history, dtype=float)
    length = X_RANGE
    while history.size - 1 > length or length < min_length:
        length *= WIDEN
    lo, hi = ll_range
    later = history[1:]
    if later.size and (later.min() < lo or history.max() > hi):
        lo, hi = _padded(min(lo, later.min()), max(hi, history.max()), 0.05)
    return length, float(lo), float(hi)


@dataclass(frozen=True)
class EMLabState:
    """What the EM lab stands on: the data set's name, its data, and where the buttons have taken it."""

    dataset: str
    data: LabData
    run: LabRun

    @property
    def path(self):
        return self.run.path


class _EMRun:
    """The LabRun the buttons change; started afresh when the data set, k, init or seed change."""

    def __init__(self, tol):
        self.tol = tol
        self.key = self.X = self.run = None

    def start(self, dataset, k, init, seed):
        if (dataset, k, init, seed) != self.key:
            self.key = (dataset, k, init, seed)
            self.X = _data_set(dataset)[0].X
            self.run = LabRun(start_path(self.X, k, init, seed))

    def press(self, action):
        self.run = press(self.X, self.run, action, tol=self.tol)


def make_emlab_lab(dataset="Old Faithful (standardised)", k=2, init="random", seed=17, tol=1e-6):
    """The EM lab: data set, initialisation, k and seed controls; M-step, E-step, Step, Run, Reset buttons.

    M-step and E-step show the two halves of an iteration one at a time; Step takes one whole iteration
    (an M-step, then the E-step for the new parameters); Run takes up to RUN_STEPS iterations or stops at
    convergence; Reset returns to the start. The background of every data set is drawn while the lab is
    built, with the curve's axis as long as X_RANGE, WIDEN X_RANGE and WIDEN^2 X_RANGE iterations, so the
    data-set menu and runs of up to 400 iterations redraw fast.

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current EMLabState, and `lab.readout` is the
    HTML line below the figure that says where the run stands and what the last button did.
    """
    from html import escape

    import ipywidgets as widgets

    from ..em import INIT_METHODS

    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}.")
    figure, run = EMFigure(), _EMRun(tol)
    readout = widgets.HTML()  # text is slow to draw in the figure (about 10 ms a line): an HTML line instead

    def update(dataset, k, init, seed, min_length=X_RANGE):
        figure.show_data_set(dataset)
        run.start(dataset, k, init, seed)
        state = lab_state(run.run.path, e_pending=run.run.e_pending)
        figure.show(state, min_length)
        where, what = status_text(state, run.run.message)
        readout.value = f"<b>{escape(where, quote=False)}</b><br>{escape(what, quote=False)}"
        return EMLabState(dataset, _data_set(dataset)[0], run.run)

    style = {"description_width": "initial"}
    rows = [
        {
            "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data", style=style),
            "k": widgets.IntSlider(value=k, min=1, max=K_MAX, description="k", style=style),
            "init": widgets.Dropdown(options=INIT_METHODS, value=init, description="init", style=style),
        },
        {"seed": widgets.IntSlider(value=seed, min=0, max=SEED_MAX, description="seed", style=style)},
    ]
    buttons = {label: functools.partial(run.press, action)
               for label, action in zip(("M-step", "E-step", "Step", RUN_LABEL, "Reset"), ACTIONS, strict=True)}
    lab = Lab(
        figure, rows, update, buttons=buttons,
        title="<b>EM lab</b>: <i>M-step</i> and <i>E-step</i> show the two halves of an iteration; "
              f"<i>Step</i> = one whole iteration (M, then E); <i>Run</i> = up to {RUN_STEPS} iterations "
              "or until converged.",
    )
    # every data set's fixed parts, with its curve axis as it is at first and widened once and twice
    lengths = (X_RANGE, WIDEN * X_RANGE, WIDEN**2 * X_RANGE)  # up to 400 iterations, eight Runs
    lab.prerender([{"dataset": name, "min_length": length} for name in DATASETS for length in lengths])
    lab.readout = readout
    lab.widget.children = (*lab.widget.children, readout)  # below the figure
    return lab
