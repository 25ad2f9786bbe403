"""The EM lab: run or step EM and watch the ellipses and the log-likelihood curve.

State logic (pure, tested without a browser):

- `lab_data(name)`: the points, axis labels and (for synthetic sets) the true mixture;
- `start_path(X, k, init_method, seed)`: the starting mixture, as `fit_em` would draw it;
- `advance(X, path, n_steps, tol)`: a new, longer path after up to `n_steps` EM iterations
  (stopping early at convergence, with the same rule as `fit_em`);
- `lab_state(path, level)`: what the figure shows (ellipse outlines, point colours, curve).

The widget (`make_emlab_lab`) only wires the controls and buttons to these functions.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.lines import Line2D

DATASETS = (
    "Old Faithful (standardised)",
    "Old Faithful (minutes)",
    "round",
    "elongated",
    "overlapping",
)
INIT_METHODS = ("random", "k-means++", "kmeans")
RUN_STEPS = 50  # the Run button takes up to this many iterations
X_RANGE = 100  # iterations shown on the curve's axis (doubled if a run goes further)
_CIRCLE = np.stack([np.cos(np.linspace(0, 2 * np.pi, 80)), np.sin(np.linspace(0, 2 * np.pi, 80))])


@dataclass(frozen=True)
class LabData:
    """Points X (n, 2), axis labels, and the true mixture (None for real data)."""

    X: np.ndarray
    xlabel: str
    ylabel: str
    true_gmm: object = None


def lab_data(name, n=300, seed=0):
    """The data set called `name` (one of DATASETS)."""
    from ..datasets import FAITHFUL_COLUMNS, SYNTHETIC, make_synthetic, old_faithful

    if name == "Old Faithful (minutes)":
        return LabData(old_faithful(), *FAITHFUL_COLUMNS)
    if name == "Old Faithful (standardised)":
        X = old_faithful()
        Z = (X - X.mean(axis=0)) / X.std(axis=0)
        return LabData(Z, "eruption time (standard units)", "waiting time (standard units)")
    if name in SYNTHETIC and name in DATASETS:
        X, _ = make_synthetic(name, n=n, seed=seed)
        return LabData(X, "$x_1$", "$x_2$", SYNTHETIC[name])
    raise ValueError(f"name must be one of {DATASETS}; got {name!r}.")


@dataclass(frozen=True)
class EMPath:
    """The mixtures EM has visited so far.

    gmms[t] are the parameters after t M-steps, resps[t] their responsibilities and
    history[t] their total log-likelihood; `converged` says the last iteration gained
    less than tol per point (the rule of `coursepkg.em.fit_em`).
    """

    gmms: tuple
    resps: tuple
    history: tuple
    converged: bool = False

    @property
    def n_iter(self):
        return len(self.gmms) - 1


def start_path(X, k, init_method="k-means++", seed=0):
    """A path holding only the starting mixture: `initial_gmm` with a Generator seeded by `seed`."""
    from ..em import e_step, initial_gmm

    gmm = initial_gmm(X, k, init=init_method, rng=np.random.default_rng(seed))
    resp, ll = e_step(X, gmm)
    return EMPath((gmm,), (resp,), (ll,))


def advance(X, path, n_steps=1, tol=1e-6, reg_covar=1e-6):
    """A new path extended by up to `n_steps` EM iterations (M-step, then E-step).

    Stops early when the average log-likelihood gain of an iteration falls below `tol`;
    a converged path is returned unchanged.
    """
    from ..em import e_step, m_step

    if path.converged:
        return path
    gmms, resps, history = list(path.gmms), list(path.resps), list(path.history)
    n = X.shape[0]
    converged = False
    for _ in range(n_steps):
        gmm = m_step(X, resps[-1], reg_covar=reg_covar)
        resp, ll = e_step(X, gmm)
        gmms.append(gmm)
        resps.append(resp)
        history.append(ll)
        if abs(history[-1] - history[-2]) / n < tol:
            converged = True
            break
    return EMPath(tuple(gmms), tuple(resps), tuple(history), converged)


@lru_cache(maxsize=8)
def _radius(level):
    from ..gaussian import chi2_radius

    return chi2_radius(level, 2)


def ellipse_outline(mean, cov, level=0.95):
    """Points (80, 2) on the `level` probability ellipse of N(mean, cov) in 2-D."""
    return np.asarray(mean) + _radius(float(level)) * (np.linalg.cholesky(cov) @ _CIRCLE).T


def lab_state(path, t=None, level=0.95):
    """What the lab draws for iteration t of `path` (default: the last).

    Returns
    -------
    dict with
      "ellipses": list of k arrays (80, 2), the fitted `level` ellipses;
      "means": array (k, 2);
      "colors": array (n, 3), each point's blend of component colours by responsibility;
      "history": array (t + 1,), the log-likelihood curve so far;
      "iteration": t; "log_likelihood": history[t];
      "converged": bool (only at the path's last iteration).
    """
    from ..plotting import blend_colors

    last = path.n_iter
    t = last if t is None else int(t)
    if not 0 <= t <= last:
        raise ValueError(f"t must be between 0 and {last}; got {t}.")
    gmm = path.gmms[t]
    return {
        "ellipses": [ellipse_outline(gmm.means[j], gmm.covariances[j], level) for j in range(gmm.k)],
        "means": np.array(gmm.means),
        "colors": blend_colors(path.resps[t]),
        "history": np.array(path.history[: t + 1]),
        "iteration": t,
        "log_likelihood": float(path.history[t]),
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
    best = fit_em(X, k_max, init_method="kmeans", rng=0, max_iter=60).log_likelihood
    return _padded(min(starts), max(best, max(starts)), 0.05)


def _padded(lo, hi, frac=0.08):
    span = max(hi - lo, 1e-9)
    return lo - frac * span, hi + frac * span


class _EMLabView:
    """The figure and the wiring; all numbers come from the state functions above."""

    K_MAX = 6

    def __init__(self, dataset, k, init_method, seed, tol):
        from ..plotting import COMPONENT_COLORS
        from ._base import new_figure

        self.tol = tol
        self.fig = fig = new_figure(figsize=(10, 4.1))
        self.ax_data, self.ax_ll = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        ax = self.ax_data
        self.scatter = ax.scatter([0.0], [0.0], s=14, edgecolors="none", alpha=0.85)
        self.true_lines = [ax.plot([], [], ls="--", color="0.45", lw=1.2)[0] for _ in range(self.K_MAX)]
        self.true_lines[0].set_label("true component (95%)")
        self.fit_lines = [
            ax.plot([], [], color=COMPONENT_COLORS[j], lw=2.2, label=f"component {j} (95%)")[0]
            for j in range(self.K_MAX)
        ]
        self.mean_marks = [
            ax.plot([], [], marker="X", ms=11, mec="white", mew=1.2, color=COMPONENT_COLORS[j], ls="none")[0]
            for j in range(self.K_MAX)
        ]
        self.status = ax.text(
            0.02, 0.98, "", transform=ax.transAxes, va="top", ha="left", fontsize=10,
            bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9},
        )
        self.ll_line = self.ax_ll.plot([], [], marker="o", ms=3, color="0.2", label="log-likelihood")[0]
        self.ll_now = self.ax_ll.plot([], [], marker="o", ms=8, color="#d62728", ls="none", label="current")[0]
        self.ax_ll.set_xlabel("EM iteration (M-steps taken)")
        self.ax_ll.set_ylabel("total log-likelihood (nats)")
        self.ax_ll.set_title("the log-likelihood never decreases")
        self.ax_ll.grid(alpha=0.3)
        self.ax_ll.legend(loc="lower right")
        self.dynamic = [self.scatter, *self.fit_lines, *self.mean_marks, self.status, self.ll_line, self.ll_now]
        self.key = None
        self.data_name = None
        self.ll_limits = None
        self._ranges = {}

    # --- button actions -------------------------------------------------
    def step(self):
        self.path = advance(self.data.X, self.path, 1, tol=self.tol)

    def run(self):
        self.path = advance(self.data.X, self.path, RUN_STEPS, tol=self.tol)

    def reset(self):
        self.path = EMPath(self.path.gmms[:1], self.path.resps[:1], self.path.history[:1])

    # --- drawing ----------------------------------------------------------
    def _set_data(self, name):
        self.data = lab_data(name)
        X = self.data.X
        ax = self.ax_data
        self.scatter.set_offsets(X)
        (x0, x1), (y0, y1) = _padded(X[:, 0].min(), X[:, 0].max()), _padded(X[:, 1].min(), X[:, 1].max())
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel(self.data.xlabel)
        ax.set_ylabel(self.data.ylabel)
        ax.set_title(f"{name}: fitted (solid) " + ("and true (dashed) " if self.data.true_gmm else "") + "ellipses")
        true = self.data.true_gmm
        for j, line in enumerate(self.true_lines):
            if true is not None and j < true.k:
                line.set_data(*ellipse_outline(true.means[j], true.covariances[j]).T)
            else:
                line.set_data([], [])
        # one entry per line style, not per component: k changes without a legend redraw
        handles = [Line2D([], [], color="0.2", lw=2.2, label="fitted component (95%), one colour each")]
        if true is not None:
            handles.append(self.true_lines[0])
        if ax.get_legend():
            ax.get_legend().remove()
        ax.legend(handles=handles, loc="lower right", fontsize=8)
        self.data_name = name
        if name not in self._ranges:
            self._ranges[name] = log_likelihood_range(X, self.K_MAX)
        self.ll_range = self._ranges[name]
        self.ll_limits = None

    def update(self, dataset, k, init_method, seed):
        full = False
        if dataset != self.data_name:
            self._set_data(dataset)
            full = True
        key = (dataset, k, init_method, seed)
        if key != self.key:
            self.path = start_path(self.data.X, k, init_method, seed)
            self.key = key
        state = lab_state(self.path)
        self.scatter.set_facecolor(state["colors"])
        for j in range(self.K_MAX):
            if j < k:
                self.fit_lines[j].set_data(*state["ellipses"][j].T)
                self.mean_marks[j].set_data([state["means"][j, 0]], [state["means"][j, 1]])
            else:
                self.fit_lines[j].set_data([], [])
                self.mean_marks[j].set_data([], [])
        flag = ", converged" if state["converged"] else ""
        self.status.set_text(f"iter {state['iteration']}{flag}: log-lik {state['log_likelihood']:.2f}")
        hist = state["history"]
        self.ll_line.set_data(np.arange(hist.size), hist)
        self.ll_now.set_data([hist.size - 1], [hist[-1]])
        full |= self._fit_ll_limits(hist)
        return "full" if full else None

    def _fit_ll_limits(self, hist):
        """Keep the curve's axes fixed per data set; widen them only if a curve leaves them (rare)."""
        fresh = self.ll_limits is None
        xmax, ylo, yhi = (X_RANGE, *self.ll_range) if fresh else self.ll_limits
        new_xmax = xmax
        while hist.size - 1 > new_xmax:
            new_xmax *= 2
        lo, hi = min(ylo, hist.min()), max(yhi, hist.max())
        if (new_xmax, lo, hi) == (xmax, ylo, yhi) and not fresh:
            return False
        if (lo, hi) != (ylo, yhi):
            lo, hi = _padded(lo, hi, 0.05)
        self.ll_limits = (new_xmax, lo, hi)
        self.ax_ll.set_xlim(-0.5, new_xmax + 0.5)
        self.ax_ll.set_ylim(lo, hi)
        return True


def make_emlab_lab(dataset="Old Faithful (standardised)", k=2, init_method="random", seed=0, tol=1e-6):
    """The EM lab: data set, initialisation, k and seed controls; Step, Run and Reset buttons.

    Step takes one EM iteration (an M-step, then the E-step for the new parameters);
    Run takes up to 50 iterations or stops at convergence; Reset returns to the start.
    """
    import ipywidgets as widgets

    from ._base import Lab

    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}.")
    view = _EMLabView(dataset, k, init_method, seed, tol)
    style = {"description_width": "initial"}
    controls = {
        "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data", style=style),
        "k": widgets.IntSlider(value=k, min=1, max=view.K_MAX, description="k", style=style),
        "init_method": widgets.Dropdown(options=INIT_METHODS, value=init_method, description="init", style=style),
        "seed": widgets.IntSlider(value=seed, min=0, max=30, description="seed", style=style),
    }
    buttons = {"Step": view.step, f"Run (≤{RUN_STEPS})": view.run, "Reset": view.reset}
    lab = Lab(
        view.fig, controls, view.update, buttons=buttons, dynamic=view.dynamic,
        title="<b>EM lab</b>: Step = one E+M iteration, Run = up to 50 iterations or until converged.",
        dpi=72,
    )
    lab.view = view
    return lab
