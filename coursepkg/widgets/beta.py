"""The beta lab: anneal the stiffness beta of soft k-means and watch the merged centre split.

Soft k-means is EM for a mixture with equal weights and covariances I / beta: a point's
responsibilities are a softmax of -beta/2 times its squared distances to the centres.
Only *differences* of squared distances matter, so a responsibility is not a bump around
its centre that fades with distance: for two centres a distance D apart it is the logistic
function sigma(beta D t) of the signed distance t from their bisector. The soft band between
them (0.1 <= r <= 0.9) is 2 ln 9 / (beta D), about 4.4 / (beta D), wide, and a point far from
both centres belongs fully to the nearer one.

1/sqrt(beta) is the standard deviation of each frozen component. Every centre at the data mean
is a fixed point for every beta; near it, one iteration multiplies the spread of the centres by
beta S (S the data covariance). So while beta < beta_c = 1 / lambda_max (lambda_max the largest
eigenvalue of S; equivalently 1/sqrt(beta) > sqrt(lambda_max), the data's standard deviation
along its widest direction) the merged centre is stable, and when beta passes beta_c it splits
along that direction (deterministic annealing); at large beta the assignments are hard: k-means.

State logic (pure, tested without a browser):

- `beta_grid(log10_min, log10_max, step)`: the betas the lab precomputes;
- `anneal(X, k_or_centers, betas)`: soft k-means at increasing betas, each run warm-started
  from the centres of the previous beta (nudged, so that merged centres can split);
- `distinct_centers(centers, tol)`: how many different centres there are;
- `deviation_from_one_hot(resp)`: how far each responsibility row is from one-hot, without cancellation;
- `beta_state(result, beta)`: centres, responsibilities and counts at one beta;
- `status_line(state)`: the read-out below the figure;
- `critical_beta(X)`: beta_c = 1 / lambda_max.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from ..gaussian import ellipse_points, unit_circle
from ..plotting import COMPONENT_COLORS, update_responsibilities
from ._base import Lab, LabFigure

NUDGE = 1e-4  # the warm start's nudge, as a fraction of the data's spread
MERGE_TOL = 1e-3  # centres closer than this fraction of the data's spread count as one


def beta_grid(log10_min=-2.0, log10_max=3.0, step=0.05):
    """Betas 10**e for e = log10_min, log10_min + step, ..., log10_max: array (m,)."""
    count = int(round((log10_max - log10_min) / step)) + 1
    return 10.0 ** np.linspace(log10_min, log10_max, count)


def data_scale(X):
    """The spread of the data: sqrt(trace of its covariance), the root-mean-square distance to the mean."""
    X = np.asarray(X, dtype=float)
    return float(np.sqrt(np.mean(np.sum((X - X.mean(axis=0)) ** 2, axis=1))))


def critical_beta(X):
    """beta_c = 1 / lambda_max, lambda_max the largest eigenvalue of the data covariance (divided by n).

    Below beta_c the state "every centre at the data mean" is a stable fixed point of soft k-means;
    above it, it is unstable and the centres split along the eigenvector of lambda_max.
    """
    X = np.asarray(X, dtype=float)
    diff = X - X.mean(axis=0)
    return float(1 / np.linalg.eigvalsh(diff.T @ diff / X.shape[0])[-1])


def distinct_centers(centers, tol):
    """The number of distinct centres: a centre closer than `tol` (data units) to one counted already is not new.

    Parameters
    ----------
    centers : array (k, d)
    tol : float > 0, in the units of the data

    Returns
    -------
    int, 1 <= count <= k
    """
    centers = np.asarray(centers, dtype=float)
    if not tol > 0:
        raise ValueError(f"tol must be positive (a distance in data units); got {tol}.")
    kept = []
    for c in centers:
        if not any(np.linalg.norm(c - g) < tol for g in kept):
            kept.append(c)
    return len(kept)


@dataclass(frozen=True)
class AnnealResult:
    """The annealing path.

    Attributes
    ----------
    betas : array (m,), increasing
    centers : array (m, k, d), the converged centres at each beta
    resp : array (m, n, k), their responsibilities
    n_distinct : int array (m,), `distinct_centers(centers[i], tol)`
    n_iter : int array (m,), soft k-means iterations taken at each beta
    init : array (k, d), the centres the first beta started from
    tol : float, the distance (data units) below which two centres count as one
    """

    betas: np.ndarray
    centers: np.ndarray
    resp: np.ndarray
    n_distinct: np.ndarray
    n_iter: np.ndarray
    init: np.ndarray
    tol: float


def anneal(X, k_or_centers, betas, rng=0, nudge=NUDGE, merge_tol=MERGE_TOL, max_iter=5000, tol=1e-10):
    """Deterministic annealing: soft k-means at increasing betas, each warm-started from the previous one.

    The first beta starts from the given centres (or k-means++ seeding). Each next beta starts from the
    centres the previous beta converged to, moved by ``nudge * data_scale(X)`` along the fixed directions
    ``(init_k - mean(init)) / max |init - mean(init)|``. Without the nudge, centres that have merged exactly
    could never split again: equal centres get equal responsibilities and so stay equal at every beta.

    Parameters
    ----------
    X : array (n, d)
    k_or_centers : int k (k-means++ seeding with `rng`) or an array (k, d) of starting centres
    betas : array (m,) of positive, strictly increasing stiffnesses
    nudge : float >= 0, default 1e-4, the nudge as a fraction of the data's spread
    merge_tol : float > 0, default 1e-3, centres closer than merge_tol * data_scale(X) count as one
    max_iter, tol : passed to `coursepkg.kmeans.soft_kmeans` at every beta

    Returns
    -------
    AnnealResult
    """
    from ..kmeans import kmeans_plusplus, soft_kmeans

    X = np.asarray(X, dtype=float)
    if np.ndim(k_or_centers) == 0:
        init = kmeans_plusplus(X, k_or_centers, rng=rng)
    else:
        init = np.array(k_or_centers, dtype=float)
    betas = np.asarray(betas, dtype=float)
    if betas.ndim != 1 or betas.size == 0 or not np.all(betas > 0) or np.any(np.diff(betas) <= 0):
        raise ValueError(f"betas must be a non-empty 1-D array of positive, strictly increasing values; got {betas}.")
    if not nudge >= 0:
        raise ValueError(f"nudge must be >= 0; got {nudge}.")
    scale = data_scale(X)
    offsets = init - init.mean(axis=0)
    size = np.abs(offsets).max()
    direction = offsets / size if size > 0 else np.zeros_like(offsets)
    centers, resps, n_iter = [], [], []
    current = init
    for i, beta in enumerate(betas):
        start = current if i == 0 else current + nudge * scale * direction
        fit = soft_kmeans(X, start, beta, max_iter=max_iter, tol=tol)
        current = fit.centers
        centers.append(fit.centers)
        resps.append(fit.resp)
        n_iter.append(fit.n_iter)
    merge = merge_tol * scale
    return AnnealResult(
        betas,
        np.array(centers),
        np.array(resps),
        np.array([distinct_centers(c, merge) for c in centers]),
        np.array(n_iter),
        init,
        merge,
    )


def deviation_from_one_hot(resp):
    """How far each responsibility row is from one-hot: the sum of its entries other than the largest, (n,).

    This equals 1 - max_k r_nk, but summed from the small entries it is exact where 1 - max_k r_nk would
    cancel to 0 (below about 1e-16).
    """
    resp = np.asarray(resp, dtype=float)
    others = resp.copy()
    others[np.arange(resp.shape[0]), np.argmax(resp, axis=1)] = 0.0
    return others.sum(axis=1)


def beta_state(result, beta):
    """Everything the lab shows at the grid beta nearest to `beta` (nearest in log scale).

    Returns
    -------
    dict with "beta" (the grid value), "index", "centers" (k, d), "resp" (n, k), "length_scale" 1/sqrt(beta),
    "n_distinct" (distinct centres) and "max_deviation" (the largest `deviation_from_one_hot` of a point:
    how unsure the least sure point is of its most responsible centre).
    """
    beta = float(beta)
    if not beta > 0:
        raise ValueError(f"beta must be positive; got {beta}.")
    i = int(np.argmin(np.abs(np.log(result.betas) - np.log(beta))))
    resp = result.resp[i]
    return {
        "beta": float(result.betas[i]),
        "index": i,
        "centers": result.centers[i],
        "resp": resp,
        "length_scale": float(1 / np.sqrt(result.betas[i])),
        "n_distinct": int(result.n_distinct[i]),
        "max_deviation": float(deviation_from_one_hot(resp).max()),
    }


def status_line(state):
    """The read-out below the figure."""
    n = state["n_distinct"]
    return (f"β = {state['beta']:.3g}, 1/√β = {state['length_scale']:.3g}: {n} distinct centre{'s' * (n > 1)}; "
            f"largest deviation from one-hot {state['max_deviation']:.2g} "
            "(the responsibility the least sure point gives to centres other than its nearest)")


class BetaFigure(LabFigure):
    """Soft k-means at one beta (left); the bifurcation plot, both coordinates of every centre against beta
    (right); a row below them for the legend (so that it covers no data).

    Left: the points coloured by their blended responsibilities, the centres, a circle of radius
    1/sqrt(beta) around each (one standard deviation of a frozen component) and, in grey, the data's
    one-standard-deviation ellipse, whose long semi-axis is sqrt(lambda_max). Right, fixed: x_1 and x_2 of
    each centre and the number of distinct centres against beta, with beta_c dotted; the current beta moves.
    """

    def __init__(self, X, result, beta):
        super().__init__(figsize=(10, 5.2), dpi=96)
        k = result.init.shape[0]
        grid = self.fig.add_gridspec(4, 2, width_ratios=[1, 1.1], height_ratios=[1, 1, 0.75, 0.42])
        ax = self.fig.add_subplot(grid[:3, 0])
        ax_x1 = self.fig.add_subplot(grid[0, 1])
        ax_x2 = self.fig.add_subplot(grid[1, 1], sharex=ax_x1)
        ax_n = self.fig.add_subplot(grid[2, 1], sharex=ax_x1)
        ax_legend = self.fig.add_subplot(grid[3, :])
        ax_legend.set_axis_off()
        self.axes_split = (ax_x1, ax_x2, ax_n)
        beta_c = critical_beta(X)
        self.scatter = self.dynamic(ax.scatter(X[:, 0], X[:, 1], s=14, edgecolors="none", alpha=0.85))
        mean = X.mean(axis=0)
        ax.plot(*mean, marker="+", color="k", ms=12, mew=1.5, ls="none")
        cov = np.cov(X.T, bias=True)
        # the chi-square level whose radius is 1: the points at Mahalanobis distance 1 (one standard deviation)
        one_sd = ellipse_points(mean, cov, level=1 - np.exp(-0.5), n_points=120)
        ax.plot(*one_sd.T, color="0.35", lw=1.2)
        self.circles = self.dynamic([ax.plot([], [], color=COMPONENT_COLORS[j], lw=1, ls="--")[0] for j in range(k)])
        self.marks = self.dynamic([
            ax.plot([], [], marker="X", ms=13, mec="white", mew=1.3, color=COMPONENT_COLORS[j], ls="none")[0]
            for j in range(k)
        ])
        pad = 0.12 * np.ptp(X, axis=0)
        ax.set_xlim(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0])
        ax.set_ylim(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("$x_1$ (data units)")
        ax.set_ylabel("$x_2$ (data units)")
        ax.set_title("soft k-means, warm-started from the previous β", fontsize=11)

        for coord, axis in enumerate((ax_x1, ax_x2)):
            for j in range(k):
                axis.plot(result.betas, result.centers[:, j, coord], color=COMPONENT_COLORS[j], lw=1.8)
            axis.set_ylabel(f"$x_{coord + 1}$ of centres")
        ax_n.step(result.betas, result.n_distinct, where="mid", color="0.2", lw=1.5)
        ax_n.set_ylim(0.5, k + 0.5)
        ax_n.set_yticks(range(1, k + 1))
        ax_n.set_ylabel("distinct\ncentres")
        ax_n.set_xlabel(r"stiffness $\beta$ (1 / data units$^2$, log scale)")
        ax_x1.set_title(r"bifurcation plot: the centres split as $\beta$ grows past $\beta_c = 1/\lambda_{\max}$",
                        fontsize=11)
        self.now = []
        for axis in self.axes_split:
            axis.set_xscale("log")
            axis.grid(alpha=0.3)
            axis.axvline(beta_c, color="0.5", ls=":", lw=1.5)
            self.now.append(axis.axvline(beta, color="k", lw=1.2))
        for axis in (ax_x1, ax_x2):
            axis.tick_params(labelbottom=False)
        self.now = self.dynamic(self.now)
        self.dots = self.dynamic([  # x_1 of centre j at the current beta, then x_2
            axis.plot([], [], "o", ms=5, color=COMPONENT_COLORS[j], mec="k", mew=0.6)[0]
            for axis in (ax_x1, ax_x2) for j in range(k)
        ])
        handles = [Line2D([], [], color=COMPONENT_COLORS[j], lw=1.8, marker="X", ms=10, mec="white",
                          label=f"centre {j + 1}") for j in range(k)]
        handles += [
            Line2D([], [], color="k", marker="+", ms=12, mew=1.5, ls="none", label="data mean"),
            Line2D([], [], color="0.35", lw=1.2, label=r"data, 1 s.d. (long semi-axis $\sqrt{\lambda_{\max}}$)"),
            Line2D([], [], color="0.3", lw=1, ls="--", label=r"radius $1/\sqrt{\beta}$ (1 s.d. of a frozen component)"),
            Line2D([], [], color="0.5", ls=":", lw=1.5, label=r"$\beta_c$"),
            Line2D([], [], color="k", lw=1.2, label="current β"),
        ]
        ax_legend.legend(handles=handles, loc="center", ncol=4, fontsize=9, frameon=False, borderaxespad=0,
                         handlelength=2.0, columnspacing=1.5)

    def show(self, state):
        update_responsibilities(self.scatter, state["resp"])
        r = state["length_scale"]
        circle = unit_circle(60)
        k = len(self.marks)
        for j, (cx, cy) in enumerate(state["centers"]):
            self.marks[j].set_data([cx], [cy])
            self.circles[j].set_data(cx + r * circle[0], cy + r * circle[1])
            self.dots[j].set_data([state["beta"]], [cx])
            self.dots[k + j].set_data([state["beta"]], [cy])
        for line in self.now:
            line.set_xdata([state["beta"], state["beta"]])


def make_beta_lab(X=None, k_or_centers=3, rng=0, log10_range=(-2.0, 3.0), step=0.02, beta=0.1):
    """The beta lab: a log-scale slider for beta over a precomputed annealing path (see `BetaFigure`).

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the `beta_state` dict at the slider's beta,
    `lab.result` is the `AnnealResult` behind it, and `lab.readout` the HTML line below the figure.
    """
    from html import escape

    import ipywidgets as widgets

    from ..datasets import make_synthetic

    if X is None:
        X, _ = make_synthetic("round", n=300, rng=0)
    X = np.asarray(X, dtype=float)
    result = anneal(X, k_or_centers, beta_grid(*log10_range, step), rng=rng)
    figure = BetaFigure(X, result, beta)
    readout = widgets.HTML()  # text drawn in the figure would cost about 10 ms a line

    def update(beta):
        state = beta_state(result, beta)
        figure.show(state)
        readout.value = escape(status_line(state), quote=False)
        return state

    slider = widgets.FloatLogSlider(
        value=beta, base=10, min=log10_range[0], max=log10_range[1], step=step, description="beta",
        readout_format=".3g", continuous_update=True,
    )
    lab = Lab(
        figure, [{"beta": slider}], update,
        title="<b>beta lab</b>: drag beta from small to large and watch the merged centre split near "
              "beta_c = 1/lambda_max.",
    )
    lab.result = result
    lab.readout = readout
    lab.widget.children = (*lab.widget.children, readout)  # below the figure
    return lab
