"""The compare lab: k-means and EM for a Gaussian mixture, side by side, one iteration at a time.

Both start from the same k-means++ centres: k-means from those centres, EM from a mixture with those
means, equal weights and small axis-aligned components (the start of lesson 07's EM lab: each 95%
ellipse reaches START_HALF_WIDTH of the data's range along each axis, so it fits inside the frame).
One press of Step advances each algorithm by one iteration:

- k-means (through `coursepkg.kmeans`): every centre moves to the mean of its points
  (`update_centers`), then every point goes to its nearest centre (`assign`);
- EM: one `coursepkg.em.em_iteration` (the M-step from the current responsibilities, then the
  E-step under the new parameters), the step that `fit_em` takes.

Fitted clusters come out in an arbitrary order (label switching), so every state renumbers them by
the true component they match (`coursepkg.mixture.match_components` on the means): fitted cluster j
is drawn in the colour of true component j, in both panels, and the fraction correctly clustered is
the fraction of points whose renumbered cluster is their true component.

State logic (pure, tested without a browser):

- `compare_data(name)`: the points, their true labels and the true mixture;
- `start_gmm(X, centers)`, `start_pair(X, k, seed)`: the shared start of both algorithms;
- `advance(X, pair, n_steps, tol)`: a new pair after up to `n_steps` iterations of each (an algorithm
  that has converged stays where it is);
- `to_truth(means, true_means)`, `accuracy(means, labels, true_means, truth)`: the renumbering and the
  fraction correctly clustered;
- `compare_state(pair, data)`: everything the two panels show, renumbered;
- `status_lines(state)`: the two lines of the read-out below the figure.
"""

import functools
from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from ..plotting import COMPONENT_COLORS, ellipse_artists, update_ellipses, update_responsibilities
from ._base import Lab, LabFigure

DATASETS = ("round", "elongated", "overlapping", "unequal")
K = 3  # components: the synthetic sets are drawn from three
RUN_STEPS = 50  # the Run button takes up to this many iterations of each algorithm
OUTLINE_POINTS = 60  # vertices of a drawn ellipse
START_HALF_WIDTH = 0.1  # half-widths of a starting 95% ellipse, as a fraction of the data's range per coordinate
FRAME_PAD = 0.12  # margin of the frame around the data, same units (larger: every starting ellipse fits)
LEVEL = 0.95  # the probability inside every drawn ellipse
DEFAULT_SEED = 1  # the start the lesson discusses


@dataclass(frozen=True)
class CompareData:
    """Points X (n, 2), their true components `truth` (n,), and the true mixture."""

    name: str
    X: np.ndarray
    truth: np.ndarray
    true_gmm: object


def compare_data(name, n=300, rng=0):
    """The synthetic data set `name` (one of DATASETS), as `coursepkg.datasets.make_synthetic` draws it."""
    from ..datasets import SYNTHETIC, make_synthetic

    if name not in DATASETS:
        raise ValueError(f"name must be one of {DATASETS}; got {name!r}.")
    X, truth = make_synthetic(name, n=n, rng=rng)
    return CompareData(name, X, truth, SYNTHETIC[name])


@dataclass(frozen=True)
class ComparePair:
    """The paths of both algorithms so far.

    k-means: `km_centers[t]` after t centre updates, `km_labels[t]` the nearest-centre labels of those
    centres, `km_objective[t]` = J of both; `km_converged` once an update left every label unchanged
    (the test of `coursepkg.kmeans.kmeans`).
    EM: `em_gmms[t]` after t M-steps, `em_resps[t]` their responsibilities, `em_log_likelihood[t]`;
    `em_converged` once an iteration gained less than tol per point (`coursepkg.em.has_converged`);
    `em_error` the message if a covariance collapsed (EM then stops).
    """

    km_centers: tuple
    km_labels: tuple
    km_objective: tuple
    km_converged: bool
    em_gmms: tuple
    em_resps: tuple
    em_log_likelihood: tuple
    em_converged: bool
    em_error: str = ""

    @property
    def km_iter(self):
        return len(self.km_centers) - 1

    @property
    def em_iter(self):
        return len(self.em_gmms) - 1


def start_gmm(X, centers):
    """EM's start: means `centers` (k, 2), weights 1/k, and every covariance diag(s_1^2, s_2^2) whose 95%
    ellipse has half-width sqrt(chi2_95) s_j = START_HALF_WIDTH (max x_j - min x_j) along axis j."""
    from ..gaussian import chi2_radius
    from ..mixture import GMM

    X = np.asarray(X, dtype=float)
    centers = np.asarray(centers, dtype=float)
    k = centers.shape[0]
    span = np.maximum(X.max(axis=0) - X.min(axis=0), 1e-9)
    cov = np.diag((START_HALF_WIDTH * span / chi2_radius(LEVEL, d=X.shape[1])) ** 2)
    return GMM(np.full(k, 1 / k), centers, np.repeat(cov[None], k, axis=0))


def start_pair(X, k=K, seed=DEFAULT_SEED):
    """The shared start: k-means++ centres (seeded by `seed`) for k-means, and `start_gmm` at them for EM."""
    from ..em import e_step
    from ..kmeans import assign, kmeans_plusplus, objective

    X = np.asarray(X, dtype=float)
    centers = kmeans_plusplus(X, k, rng=seed)
    labels = assign(X, centers)
    gmm = start_gmm(X, centers)
    resp, log_likelihood = e_step(X, gmm)
    return ComparePair((centers,), (labels,), (objective(X, centers, labels),), False,
                       (gmm,), (resp,), (log_likelihood,), False)


def advance(X, pair, n_steps=1, tol=1e-6, reg_covar=1e-6):
    """A new pair after up to `n_steps` more iterations of each algorithm (the input is not changed).

    An algorithm that has converged (or, for EM, whose covariance collapsed) is left where it is.
    """
    from ..em import SingularCovarianceError, em_iteration
    from ..kmeans import assign, objective, update_centers

    X = np.asarray(X, dtype=float)
    centers, labels, J = list(pair.km_centers), list(pair.km_labels), list(pair.km_objective)
    km_converged = pair.km_converged
    gmms, resps, ll = list(pair.em_gmms), list(pair.em_resps), list(pair.em_log_likelihood)
    em_converged, em_error = pair.em_converged, pair.em_error
    for _ in range(n_steps):
        if not km_converged:
            new_centers = update_centers(X, labels[-1], centers[-1])
            new_labels = assign(X, new_centers)
            km_converged = bool(np.array_equal(new_labels, labels[-1]))
            centers.append(new_centers)
            labels.append(new_labels)
            J.append(objective(X, new_centers, new_labels))
        if not (em_converged or em_error):
            try:
                step = em_iteration(X, resps[-1], ll[-1], reg_covar=reg_covar, tol=tol, iteration=len(ll))
            except SingularCovarianceError as exc:
                em_error = str(exc)
            else:
                gmms.append(step.gmm)
                resps.append(step.resp)
                ll.append(step.log_likelihood)
                em_converged = step.converged
        if km_converged and (em_converged or em_error):
            break
    return ComparePair(tuple(centers), tuple(labels), tuple(J), km_converged,
                       tuple(gmms), tuple(resps), tuple(ll), em_converged, em_error)


def reset(pair):
    """The pair back at its start."""
    return ComparePair(pair.km_centers[:1], pair.km_labels[:1], pair.km_objective[:1], False,
                       pair.em_gmms[:1], pair.em_resps[:1], pair.em_log_likelihood[:1], False)


def to_truth(means, true_means):
    """The renumbering of fitted clusters by the true components they match.

    Parameters
    ----------
    means : array (k, d), the fitted centres or means; true_means : array (k, d)

    Returns
    -------
    order : int array (k,), fitted cluster order[i] is matched to true component i
        (`match_components`: the least total squared distance between matched means);
    relabel : int array (k,), its inverse: fitted cluster j becomes number relabel[j]
    """
    from ..mixture import match_components

    order = np.asarray(match_components(means, true_means))
    relabel = np.empty(len(order), dtype=int)
    relabel[order] = np.arange(len(order))
    return order, relabel


def accuracy(means, labels, true_means, truth):
    """The fraction of points whose cluster, renumbered to the true component it matches, is their true one.

    Parameters
    ----------
    means : array (k, d), the fitted centres or means; cluster j has mean means[j]
    labels : int array (n,), the fitted cluster of each point
    true_means : array (k, d); truth : int array (n,), the true components

    Returns
    -------
    float in [0, 1]. The clusters are matched to the true components by their means (`to_truth`), not by
    the labels, so no peeking at the truth beyond the means.
    """
    _, relabel = to_truth(means, true_means)
    return float(np.mean(relabel[np.asarray(labels)] == np.asarray(truth)))


def compare_state(pair, data):
    """What the two panels show, at the last iteration of each path, with the fitted clusters renumbered
    by the true components they match (`to_truth`): index j everywhere means "matched to true component j".

    Returns
    -------
    dict with
      "km_centers" (k, d), "km_labels" (n,), "km_resp" (n, k) one-hot, "km_objective", "km_iter",
      "km_converged", "km_accuracy", "km_order" (fitted centre km_order[j] is shown as number j);
      "gmm" (its components renumbered), "em_resp" (n, k), "em_labels" (n,) the most responsible component,
      "em_log_likelihood", "em_iter", "em_converged", "em_error", "em_accuracy", "em_order".
    """
    true_means = data.true_gmm.means
    centers, labels = pair.km_centers[-1], pair.km_labels[-1]
    km_order, km_relabel = to_truth(centers, true_means)
    km_labels = km_relabel[labels]
    gmm, resp = pair.em_gmms[-1], pair.em_resps[-1]
    em_order, _ = to_truth(gmm.means, true_means)
    em_resp = resp[:, em_order]
    em_labels = np.argmax(em_resp, axis=1)
    k = centers.shape[0]
    return {
        "km_centers": centers[km_order],
        "km_labels": km_labels,
        "km_resp": np.eye(k)[km_labels],
        "km_objective": pair.km_objective[-1],
        "km_iter": pair.km_iter,
        "km_converged": pair.km_converged,
        "km_accuracy": float(np.mean(km_labels == data.truth)),
        "km_order": km_order,
        "gmm": gmm.permuted(em_order),
        "em_resp": em_resp,
        "em_labels": em_labels,
        "em_log_likelihood": pair.em_log_likelihood[-1],
        "em_iter": pair.em_iter,
        "em_converged": pair.em_converged,
        "em_error": pair.em_error,
        "em_accuracy": float(np.mean(em_labels == data.truth)),
        "em_order": em_order,
    }


def status_lines(state):
    """The read-out below the figure: one line for k-means, one for EM."""
    km_flag = ", converged" if state["km_converged"] else ""
    if state["em_converged"]:
        em_flag = ", converged"
    elif state["em_error"]:
        em_flag = ", stopped: a covariance collapsed"
    else:
        em_flag = ""
    return (
        f"k-means: iteration {state['km_iter']}{km_flag}; J = {state['km_objective']:.1f}; "
        f"correctly clustered {state['km_accuracy']:.1%}",
        f"EM: iteration {state['em_iter']}{em_flag}; log-likelihood {state['em_log_likelihood']:.1f} nats; "
        f"correctly clustered {state['em_accuracy']:.1%}",
    )


def data_frame(X):
    """The axis limits of the panels: the data's range, widened by FRAME_PAD of it on each side."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = FRAME_PAD * np.maximum(high - low, 1e-9)
    return (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])


@functools.cache
def _data_set(name):
    """The data set `name` and its frame: computed once per session."""
    data = compare_data(name)
    return (data, *data_frame(data.X))


class CompareFigure(LabFigure):
    """k-means (left) and EM (right) on the same data, with the true components' 95% ellipses dashed, and a
    row below them for the legend (so that it covers no data).

    Left: points in the colour of their (renumbered) cluster, the centres. Right: points in the blend of
    their responsibilities, each component's 95% ellipse and mean. The fixed parts (axis limits, true
    ellipses and means) depend on the data set: `show_data_set` sets them up and `background_key` names them.
    """

    def __init__(self):
        super().__init__(figsize=(10, 4.9), dpi=96)
        axes = self.fig.subplot_mosaic([["km", "em"], ["legend", "legend"]], height_ratios=[5, 0.6])
        self.ax_km, self.ax_em, ax_legend = axes["km"], axes["em"], axes["legend"]
        ax_legend.set_axis_off()
        self.scatters, self.true_lines, self.true_marks = [], [], []
        for ax in (self.ax_km, self.ax_em):
            lines, marks = ellipse_artists(K, ax, outline=True, colors=["0.45"], ls="--", lw=1.1,
                                           centres={"marker": "+", "ms": 10, "mew": 1.5})
            self.true_lines.append(lines)
            self.true_marks.append(marks)
            self.scatters.append(self.dynamic(ax.scatter([0.0], [0.0], s=14, edgecolors="none", alpha=0.85)))
            ax.set_xlabel("$x_1$ (data units)")
            ax.set_aspect("equal", adjustable="box")
        self.ax_km.set_ylabel("$x_2$ (data units)")
        self.ax_km.set_title("k-means: hard, round clusters", fontsize=11)
        self.ax_em.set_title("EM: soft, full covariances", fontsize=11)
        self.km_marks = self.dynamic([
            self.ax_km.plot([], [], marker="X", ms=13, mec="white", mew=1.3, color=COMPONENT_COLORS[j], ls="none")[0]
            for j in range(K)
        ])
        fit_lines, marks = ellipse_artists(K, self.ax_em, outline=True, lw=2.2,
                                           centres={"marker": "X", "ms": 12, "mec": "white", "mew": 1.2})
        self.em_lines, self.em_marks = self.dynamic(fit_lines), self.dynamic(marks)
        handles = [Line2D([], [], marker="o", ls="none", color=COMPONENT_COLORS[j], label=f"matched to true {j + 1}")
                   for j in range(K)]
        handles += [Line2D([], [], marker="X", ms=10, mec="white", color="0.2", ls="none",
                           label="fitted centre / mean"),
                    Line2D([], [], color="0.2", lw=2.2, label="EM component (95%)"),
                    Line2D([], [], color="0.45", ls="--", lw=1.1, marker="+", ms=10, mew=1.5,
                           label="true component (95%) and mean")]
        ax_legend.legend(handles=handles, loc="center", ncol=3, fontsize=9, frameon=False, borderaxespad=0,
                         handlelength=1.8, columnspacing=1.5)
        self.name = None

    def background_key(self):
        return self.name

    def show_data_set(self, name):
        """Set up the fixed parts for the data set `name` (nothing to do if it is shown already)."""
        if name == self.name:
            return
        data, xlim, ylim = _data_set(name)
        for scatter, lines, marks in zip(self.scatters, self.true_lines, self.true_marks, strict=True):
            scatter.set_offsets(data.X)
            update_ellipses(lines, data.true_gmm, marks, n_points=OUTLINE_POINTS)
        for ax in (self.ax_km, self.ax_em):
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
        self.name = name

    def show(self, state):
        """The two panels of `compare_state` (the fixed parts of its data set set up already)."""
        update_responsibilities(self.scatters[0], state["km_resp"])
        for j, (cx, cy) in enumerate(state["km_centers"]):
            self.km_marks[j].set_data([cx], [cy])
        update_responsibilities(self.scatters[1], state["em_resp"])
        update_ellipses(self.em_lines, state["gmm"], self.em_marks, level=LEVEL, n_points=OUTLINE_POINTS)


class _CompareRun:
    """The pair the buttons extend; started afresh when the data set or the seed change."""

    def __init__(self, tol):
        self.tol = tol
        self.key = self.data = self.pair = None

    def start(self, dataset, seed):
        if (dataset, seed) != self.key:
            self.key = (dataset, seed)
            self.data = _data_set(dataset)[0]
            self.pair = start_pair(self.data.X, K, seed)

    def step(self, n_steps=1):
        self.pair = advance(self.data.X, self.pair, n_steps, tol=self.tol)

    def reset(self):
        self.pair = reset(self.pair)


def make_compare_lab(dataset="elongated", seed=DEFAULT_SEED, tol=1e-6):
    """The compare lab: a data-set menu and a seed (the shared k-means++ start); Step, Run and Reset.

    Step advances both algorithms by one iteration; Run by up to 50 (each stops when it has converged);
    Reset returns both to the start. The background of every data set is drawn while the lab is built.
    Below the figure, an HTML read-out (`lab.readout`) gives each algorithm's iteration, objective and
    fraction correctly clustered (text drawn in the figure would cost about 10 ms a line).

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the `compare_state` dict, with "dataset" and "seed".
    """
    from html import escape

    import ipywidgets as widgets

    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}.")
    figure, run = CompareFigure(), _CompareRun(tol)
    readout = widgets.HTML()

    def update(dataset, seed):
        figure.show_data_set(dataset)
        run.start(dataset, seed)
        state = compare_state(run.pair, run.data)
        figure.show(state)
        readout.value = "<br>".join(escape(line, quote=False) for line in status_lines(state))
        return state | {"dataset": dataset, "seed": seed}

    style = {"description_width": "initial"}
    rows = [{
        "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data", style=style),
        "seed": widgets.IntSlider(value=seed, min=0, max=20, description="start (seed)", style=style),
    }]
    buttons = {"Step": run.step, f"Run (≤{RUN_STEPS})": lambda: run.step(RUN_STEPS), "Reset": run.reset}
    lab = Lab(
        figure, rows, update, buttons=buttons,
        title="<b>compare lab</b>: k-means and EM from the same start; Step = one iteration of each. "
              "Colours: each fitted cluster takes the colour of the true component it matches.",
    )
    lab.prerender([{"dataset": name} for name in DATASETS])
    lab.readout = readout
    lab.widget.children = (*lab.widget.children, readout)  # below the figure
    return lab
