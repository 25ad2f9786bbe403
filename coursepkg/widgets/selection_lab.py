"""The model-selection lab: choose k and the covariance type; see the fit, and where it sits on the curves.

Every fit is made when the lab is built (`coursepkg.selection.criteria_grid`: one fit on all the points
and an F-fold cross-validation for each (covariance type, k) of the grid), so moving a control only
looks a fit up and moves artists.

State logic (pure, tested without a browser):

- `TRUTH`, `lab_data(n, rng)`: the lesson's data, 300 points from a known mixture with K = 3 components
  of different shapes (two tilted ellipses and a circle);
- `build_grid(X, ks, rng, n_folds, tol, covariance_types, n_init)`: the grid of fits and criteria the lab
  reads, with the lab's settings: every fit on all the points is the best of `n_init` k-means++ starts and
  one start grown from the (k - 1)-component fit (`split_start`), and its components are renumbered as the
  truth's (`truth_order`), so that the colours of the lab match the lesson's figures;
- `responsibilities(grid, X)`: the E-step of every fit of the grid, computed once;
- `selection_state(grid, k, covariance_type)`: what the figure shows for one choice (its fit, its
  number of parameters, its BIC, AIC and held-out score, and what each criterion would choose);
- `status_line(state)`: the read-out below the figure.

`SelectionFigure` draws it: the data coloured by the chosen fit's responsibilities with its 95% ellipses
(left); the BIC of every type against k, and the held-out log-likelihood per point (right), each with the
current choice marked and each criterion's own choice starred. `make_selection_lab` wires a k slider and
a covariance-type menu to it.
"""

import numpy as np
from matplotlib.lines import Line2D

from ..gaussian import covariance_from_axes
from ..mixture import COVARIANCE_TYPES, GMM
from ..plotting import ellipse_artists, update_ellipses, update_responsibilities
from ._base import Lab, LabFigure

# The true mixture of the lesson's data: three components of unequal sizes and shapes; 1 and 2 are ellipses
# tilted by 30 and -40 degrees, 3 is a circle.
TRUTH = GMM(
    [0.45, 0.3, 0.25],
    [[0.0, 0.0], [4.5, 1.5], [1.0, 4.0]],
    [covariance_from_axes(1.6, 0.5, 30), covariance_from_axes(1.0, 0.6, -40), covariance_from_axes(0.7, 0.7, 0)],
)
KS = tuple(range(1, 8))  # the k of the lab's slider
N_FOLDS = 5
TOL = 1e-5  # per point: tight enough that the curves show the criteria, not where EM happened to stop (1e-6 gives
# the same choices and the same ℓ to 0.1 nats, for 20% more time)
N_INIT = 5  # k-means++ starts per fit (and per fold), besides the start grown from the fit with one component fewer
SEED = 0
LEVEL = 0.95  # the probability inside every drawn ellipse
OUTLINE_POINTS = 80
# the curves of the four types: greys, line styles and markers (every colour of COMPONENT_COLORS is a component's)
TYPE_STYLE = {
    "full": {"color": "0.05", "ls": "-", "marker": "o"},
    "diag": {"color": "0.3", "ls": "--", "marker": "s"},
    "spherical": {"color": "0.45", "ls": "-.", "marker": "^"},
    "tied": {"color": "0.6", "ls": ":", "marker": "D"},
}
HIGHLIGHT = "#ffd700"  # the band under the chosen type's curves (gold, as the stars of the choices)


def lab_data(n=300, rng=0):
    """n points from TRUTH: (X (n, 2), z (n,), the true component of each point)."""
    from ..mixture import sample

    return sample(TRUTH, n, rng=rng)


def split_start(gmm):
    """A (k + 1)-component start from a k-component fit: its heaviest component cut in two halves.

    The two halves keep the component's covariance and half its weight each, with their means moved
    apart by one standard deviation along the component's longest axis (1/2 each way), so the start
    is close to the k-component mixture (section 1 of lesson 09: a k-mixture is a (k + 1)-mixture with
    a component copied) and EM can only climb from it. The covariance type is kept.
    """
    j = int(np.argmax(gmm.weights))
    values, vectors = np.linalg.eigh(gmm.covariances[j])
    step = 0.5 * np.sqrt(values[-1]) * vectors[:, -1]
    weights = np.r_[gmm.weights, gmm.weights[j] / 2]
    weights[j] /= 2
    means = np.r_[gmm.means, gmm.means[j : j + 1] - step]
    means[j] = gmm.means[j] + step
    covariances = np.r_[gmm.covariances, gmm.covariances[j : j + 1]]
    return GMM(weights, means, covariances, gmm.covariance_type)


def truth_order(gmm, reference=None):
    """The order of gmm's components that numbers them as the reference's (default TRUTH), for any k.

    Each reference component is paired with one fitted component (an assignment problem on the squared
    distances of the means, rectangular when the numbers differ); the paired components come first, in
    the reference's order; the others follow, ordered by the reference component nearest to each, then by
    decreasing weight. With k = 3 this is `mixture.match_components(gmm.means, TRUTH.means)`.
    """
    from scipy.optimize import linear_sum_assignment

    reference = TRUTH if reference is None else reference
    cost = ((reference.means[:, None, :] - gmm.means[None, :, :]) ** 2).sum(axis=2)  # (reference, fitted)
    rows, cols = linear_sum_assignment(cost)
    paired = [int(c) for _, c in sorted(zip(rows, cols, strict=True))]
    rest = [j for j in range(gmm.k) if j not in paired]
    rest.sort(key=lambda j: (int(np.argmin(cost[:, j])), -gmm.weights[j]))
    return paired + rest


def build_grid(X, ks=KS, rng=SEED, n_folds=N_FOLDS, tol=TOL, covariance_types=COVARIANCE_TYPES, n_init=N_INIT):
    """The lab's grid: `coursepkg.selection.criteria_grid` with the lab's settings, its fits improved and renumbered.

    criteria_grid (tol 1e-5, n_init 5, 5 folds, seed 0) fits each (covariance type, k); then, k by k, a
    run of EM from `split_start` of the (k - 1)-component fit replaces the fit on all the points when it
    ends higher, so the training log-likelihood cannot fall as k grows (up to the tolerance), and each
    fit's components are put in `truth_order`. AIC and BIC are recomputed from the kept fits; the
    held-out scores are criteria_grid's.
    """
    from dataclasses import replace

    from ..em import fit_em
    from ..mixture import log_likelihood
    from ..selection import criteria_grid, n_parameters

    grid = criteria_grid(X, ks, covariance_types, n_folds=n_folds, rng=rng, tol=tol, n_init=n_init)
    X = np.asarray(X, dtype=float)
    ll = np.array(grid.log_likelihood)
    gmms = dict(grid.gmms)
    for i, t in enumerate(grid.covariance_types):
        for j, k in enumerate(grid.ks):
            if j > 0 and grid.ks[j - 1] == k - 1:
                grown = fit_em(X, split_start(gmms[t, k - 1]), tol=tol, max_iter=300, covariance_type=t)
                if grown.log_likelihood > ll[i, j]:
                    gmms[t, k] = grown.gmm
                    ll[i, j] = log_likelihood(X, grown.gmm)
            gmms[t, k] = gmms[t, k].permuted(truth_order(gmms[t, k]))
    p = np.array([[n_parameters(gmms[t, k]) for k in grid.ks] for t in grid.covariance_types])
    aic_values = -2.0 * ll + 2.0 * p
    bic_values = -2.0 * ll + p * np.log(grid.n)
    for arr in (ll, aic_values, bic_values):
        arr.setflags(write=False)
    return replace(grid, gmms=gmms, log_likelihood=ll, aic=aic_values, bic=bic_values)


def responsibilities(grid, X):
    """{(covariance_type, k): the responsibilities (n, k) of that fit on X}, every fit of the grid."""
    from ..em import e_step

    return {key: e_step(X, gmm)[0] for key, gmm in grid.gmms.items()}


def selection_state(grid, k, covariance_type):
    """Everything the lab shows for the choice (k, covariance_type).

    Returns
    -------
    dict with "k", "covariance_type", "gmm" (the fit on all points), "n_parameters", "log_likelihood"
    (training, total), "aic", "bic", "held_out" (per point), and the choices "best_bic", "best_aic",
    "best_held_out" (each a (k, type) over the whole grid) and "best_k_bic", "best_k_held_out" (the k each
    chooses within this covariance type).
    """
    i, j = grid.index(k, covariance_type)
    return {
        "k": k,
        "covariance_type": covariance_type,
        "gmm": grid.gmms[covariance_type, k],
        "n_parameters": int(grid.n_parameters[i, j]),
        "log_likelihood": float(grid.log_likelihood[i, j]),
        "aic": float(grid.aic[i, j]),
        "bic": float(grid.bic[i, j]),
        "held_out": float(grid.held_out[i, j]),
        "best_bic": grid.best("bic"),
        "best_aic": grid.best("aic"),
        "best_held_out": grid.best("held_out"),
        "best_k_bic": grid.best("bic", covariance_type)[0],
        "best_k_held_out": grid.best("held_out", covariance_type)[0],
    }


def status_line(state):
    """The read-out below the figure."""
    k, t = state["k"], state["covariance_type"]
    bic_k, bic_t = state["best_bic"]
    ho_k, ho_t = state["best_held_out"]
    return (
        f"K = {k}, {t}: p = {state['n_parameters']} parameters, training log-likelihood "
        f"{state['log_likelihood']:.1f} nats, BIC {state['bic']:.1f}, AIC {state['aic']:.1f}, held-out "
        f"{state['held_out']:.3f} nats per point. Within '{t}', BIC picks K = {state['best_k_bic']} and the "
        f"held-out score K = {state['best_k_held_out']}; over all types BIC picks K = {bic_k} {bic_t}, the "
        f"held-out score K = {ho_k} {ho_t}."
    )


class SelectionFigure(LabFigure):
    """The chosen fit on the data (left); BIC and held-out log-likelihood per point against k (right).

    Fixed: the points' positions, the axes, one curve per covariance type on each right panel and a star
    at each criterion's choice over the whole grid. Dynamic: the points' colours (responsibilities of the
    chosen fit), its ellipses and means, the chosen type's curves drawn thick, and a ring at the chosen
    (k, score) on each curve panel.
    """

    def __init__(self, X, grid, resp, k, covariance_type, xlabel="$x_1$ (data units)", ylabel="$x_2$ (data units)"):
        super().__init__(figsize=(11, 5.2), dpi=80)
        self.grid, self.resp = grid, resp
        ks = np.array(grid.ks)
        spec = self.fig.add_gridspec(3, 2, width_ratios=[1.0, 1.05], height_ratios=[1, 1, 0.28])
        ax = self.fig.add_subplot(spec[:2, 0])
        ax_bic = self.fig.add_subplot(spec[0, 1])
        ax_ho = self.fig.add_subplot(spec[1, 1], sharex=ax_bic)
        ax_legend = self.fig.add_subplot(spec[2, :])
        ax_legend.set_axis_off()
        self.scatter = self.dynamic(ax.scatter(X[:, 0], X[:, 1], s=12, edgecolors="none", alpha=0.85))
        self.ellipses, self.marks = ellipse_artists(
            max(grid.ks), ax, outline=True, lw=2, centres={"marker": "X", "ms": 11, "mec": "white", "mew": 1.2}
        )
        self.dynamic(self.ellipses)
        self.dynamic(self.marks)
        pad = 0.08 * np.ptp(X, axis=0)
        ax.set_xlim(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0])
        ax.set_ylim(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(f"the fit of the chosen K and type ({LEVEL:.0%} ellipses)", fontsize=11)
        self.thick = {}
        for name, values, axis in (("bic", grid.bic, ax_bic), ("held_out", grid.held_out, ax_ho)):
            for i, t in enumerate(grid.covariance_types):
                style = TYPE_STYLE[t]
                axis.plot(ks, values[i], color=style["color"], ls=style["ls"], marker=style["marker"], ms=4, lw=1.1)
            self.thick[name] = self.dynamic(axis.plot([], [], lw=6, alpha=0.55, color=HIGHLIGHT, zorder=1)[0])
        best = {"bic": grid.best("bic"), "held_out": grid.best("held_out")}
        for name, values, axis in (("bic", grid.bic, ax_bic), ("held_out", grid.held_out, ax_ho)):
            bk, bt = best[name]
            i, j = grid.index(bk, bt)
            axis.plot(bk, values[i, j], marker="*", ms=16, color="gold", mec="k", mew=0.8, ls="none", zorder=4)
            axis.grid(alpha=0.3)
        self.rings = {
            name: self.dynamic(axis.plot([], [], marker="o", ms=13, mfc="none", mec="k", mew=2.0, ls="none")[0])
            for name, axis in (("bic", ax_bic), ("held_out", ax_ho))
        }
        ax_bic.set_ylabel("BIC (lower is better)")
        ax_bic.tick_params(labelbottom=False)
        ax_bic.set_title("the criteria of every fit of the grid", fontsize=11)
        ax_ho.set_ylabel(f"held-out log-likelihood, {grid.n_folds}-fold\n(nats per point, higher is better)")
        ax_ho.set_xlabel("number of components K")
        ax_ho.set_xticks(ks)
        handles = [
            Line2D([], [], color=TYPE_STYLE[t]["color"], ls=TYPE_STYLE[t]["ls"], marker=TYPE_STYLE[t]["marker"],
                   ms=5, label=f"'{t}'") for t in grid.covariance_types
        ]
        handles += [
            Line2D([], [], marker="*", ms=14, color="gold", mec="k", ls="none", label="each criterion's choice"),
            Line2D([], [], marker="o", ms=11, mfc="none", mec="k", mew=2, ls="none", label="current choice"),
            Line2D([], [], lw=6, alpha=0.55, color=HIGHLIGHT, label="its type"),
            Line2D([], [], marker="X", ms=10, color="0.3", mec="white", ls="none", label="fitted means"),
        ]
        ax_legend.legend(handles=handles, loc="center", ncol=8, fontsize=9, frameon=False, borderaxespad=0)
        self.show(selection_state(grid, k, covariance_type))

    def show(self, state):
        grid = self.grid
        k, t = state["k"], state["covariance_type"]
        update_responsibilities(self.scatter, self.resp[t, k])
        update_ellipses(self.ellipses, state["gmm"], self.marks, level=LEVEL, n_points=OUTLINE_POINTS)
        i, _ = grid.index(k, t)
        ks = np.array(grid.ks)
        for name, values in (("bic", grid.bic), ("held_out", grid.held_out)):
            self.thick[name].set_data(ks, values[i])
            self.rings[name].set_data([k], [state[name]])


def make_selection_lab(X=None, grid=None, k=3, covariance_type="full", ks=KS, rng=SEED, n_folds=N_FOLDS, tol=TOL,
                       xlabel="$x_1$ (data units)", ylabel="$x_2$ (data units)"):
    """The model-selection lab: a K slider and a covariance-type menu over a grid of fits made at build time.

    Parameters
    ----------
    X : array (n, 2), default `lab_data()[0]` (the lesson's data)
    grid : CriteriaGrid or None; None builds it with `build_grid(X, ks, rng, n_folds, tol)` (several seconds).
        A lesson that has computed the grid already passes it, and the lab costs no fit.
    k, covariance_type : the first choice shown

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` is the `selection_state` of the controls, `lab.grid` the
    grid, `lab.readout` the HTML line below the figure.
    """
    from html import escape

    import ipywidgets as widgets

    if X is None:
        X = lab_data()[0]
    X = np.asarray(X, dtype=float)
    if grid is None:
        grid = build_grid(X, ks, rng=rng, n_folds=n_folds, tol=tol)
    if list(grid.ks) != list(range(min(grid.ks), max(grid.ks) + 1)):
        raise ValueError(f"the grid's ks must be consecutive (the K slider steps by 1); got {grid.ks}.")
    k = min(max(k, min(grid.ks)), max(grid.ks))  # the first choice, within the grid
    resp = responsibilities(grid, X)
    figure = SelectionFigure(X, grid, resp, k, covariance_type, xlabel, ylabel)
    readout = widgets.HTML()

    def update(k, covariance_type):
        state = selection_state(grid, k, covariance_type)
        figure.show(state)
        readout.value = escape(status_line(state), quote=False)
        return state

    rows = [{
        "k": widgets.IntSlider(value=k, min=min(grid.ks), max=max(grid.ks), description="K"),
        "covariance_type": widgets.ToggleButtons(options=list(grid.covariance_types), value=covariance_type,
                                                 description="type"),
    }]
    lab = Lab(
        figure, rows, update,
        title="<b>model-selection lab</b>: choose K and the covariance type; every fit was made when the lab "
              "was built.",
    )
    lab.grid = grid
    lab.readout = readout
    lab.widget.children = (*lab.widget.children, readout)
    return lab
