"""The beta lab: anneal the stiffness beta of soft k-means and watch the clusters split.

Soft k-means is EM for a mixture with equal weights and covariances I / beta: a point's
responsibilities are a softmax of -beta/2 times its squared distances to the centres,
so 1/sqrt(beta) is the length scale over which a centre "sees" points. At small beta
every centre sees every point and all centres sit at the data mean; as beta grows past
1 / (largest eigenvalue of the data covariance) the merged centre becomes unstable and
splits (deterministic annealing); at large beta the assignments are hard: k-means.

State logic (pure, tested without a browser):

- `beta_grid(log10_min, log10_max, step)`: the betas the lab precomputes;
- `anneal(X, k_or_centers, betas)`: soft k-means from the *same* start at every beta;
- `beta_state(result, beta)`: centres, responsibilities, colours and counts at one beta;
- `distinct_centers(centers, tol)`: how many different centres there are.
"""

from dataclasses import dataclass

import numpy as np

from ..gaussian import unit_circle
from ..plotting import COMPONENT_COLORS, update_responsibilities
from ._base import Lab, LabFigure


def beta_grid(log10_min=-2.0, log10_max=3.0, step=0.05):
    """Betas 10**e for e = log10_min, log10_min + step, ..., log10_max: array (m,)."""
    count = int(round((log10_max - log10_min) / step)) + 1
    return 10.0 ** np.linspace(log10_min, log10_max, count)


@dataclass(frozen=True)
class AnnealResult:
    """betas (m,); centers (m, k, d); resp (m, n, k); the shared start init (k, d)."""

    betas: np.ndarray
    centers: np.ndarray
    resp: np.ndarray
    init: np.ndarray


def anneal(X, k_or_centers, betas, rng=0, max_iter=2000, tol=1e-9):
    """Soft k-means at every beta in `betas`, each run from the same starting centres.

    Parameters
    ----------
    X : array (n, d)
    k_or_centers : int k (k-means++ seeding with `rng`) or an array (k, d) of starting centres
    betas : array (m,) of positive stiffnesses
    max_iter, tol : passed to `coursepkg.kmeans.soft_kmeans`

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
    runs = [soft_kmeans(X, init, beta, max_iter=max_iter, tol=tol) for beta in betas]
    return AnnealResult(
        betas,
        np.array([r.centers for r in runs]),
        np.array([r.resp for r in runs]),
        init,
    )


def distinct_centers(centers, tol=1e-3):
    """Number of groups of centres closer than `tol` (relative to the spread of the centres, or 1)."""
    centers = np.asarray(centers, dtype=float)
    scale = max(float(np.ptp(centers, axis=0).max()), 1.0)
    groups = []
    for c in centers:
        if not any(np.linalg.norm(c - g) <= tol * scale for g in groups):
            groups.append(c)
    return len(groups)


def beta_state(result, beta):
    """Everything the lab shows at the grid beta nearest to `beta` (nearest in log scale).

    Returns
    -------
    dict with "beta" (the grid value), "index", "centers" (k, d), "resp" (n, k), "length_scale" 1/sqrt(beta),
    "n_distinct" (distinct centres) and "max_soft" (the largest deviation of a
    responsibility row from one-hot: 1 - max_k r_nk, maximised over points).
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
        "n_distinct": distinct_centers(result.centers[i]),
        "max_soft": float(1 - resp.max(axis=1).min()),
    }


def critical_beta(X):
    """1 / largest eigenvalue of the data covariance: where the merged centre first splits."""
    X = np.asarray(X, dtype=float)
    diff = X - X.mean(axis=0)
    return float(1 / np.linalg.eigvalsh(diff.T @ diff / X.shape[0])[-1])


class BetaFigure(LabFigure):
    """Soft k-means at one beta (left); the first coordinate of every centre against beta (right).

    Left: points coloured by their blended responsibilities, the centres, and a circle of radius
    1/sqrt(beta) around each (the length scale). Right: where the clusters split, fixed, with the current beta.
    """

    def __init__(self, X, result, beta):
        super().__init__(figsize=(10, 4.1), dpi=72)
        k = result.init.shape[0]
        ax, ax_split = self.fig.subplots(1, 2, width_ratios=[1, 1.05])
        self.scatter = self.dynamic(ax.scatter(X[:, 0], X[:, 1], s=14, edgecolors="none", alpha=0.85))
        ax.plot(*X.mean(axis=0), marker="+", color="k", ms=12, mew=1.5, ls="none", label="data mean")
        self.circles = self.dynamic([ax.plot([], [], color=COMPONENT_COLORS[j], lw=1, ls="--")[0] for j in range(k)])
        self.circles[0].set_label(r"radius $1/\sqrt{\beta}$")
        self.marks = self.dynamic([
            ax.plot([], [], marker="X", ms=13, mec="white", mew=1.3, color=COMPONENT_COLORS[j], ls="none")[0]
            for j in range(k)
        ])
        self.marks[0].set_label("centres")
        self.status = self.dynamic(ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=9,
                                           bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9}))
        pad = 0.1 * np.ptp(X, axis=0)
        ax.set_xlim(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0])
        ax.set_ylim(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title("soft k-means at one beta (same start for every beta)")
        ax.legend(loc="lower right", fontsize=7)

        for j in range(k):
            ax_split.plot(result.betas, result.centers[:, j, 0], color=COMPONENT_COLORS[j], lw=2, label=f"centre {j}")
        ax_split.axvline(critical_beta(X), color="0.5", ls=":", label=r"$1/\lambda_{\max}$ (data covariance)")
        ax_split.set_xscale("log")
        ax_split.set_xlabel(r"stiffness $\beta$ (log scale)")
        ax_split.set_ylabel("first coordinate $x_1$ of each centre")
        ax_split.set_title("the centres split as beta grows")
        ax_split.grid(alpha=0.3)
        self.now = self.dynamic(ax_split.axvline(beta, color="k", lw=1.5, label="current beta"))
        ax_split.legend(loc="center right", bbox_to_anchor=(1.0, 0.64), fontsize=7)

    def show(self, state):
        update_responsibilities(self.scatter, state["resp"])
        r = state["length_scale"]
        circle = unit_circle(60)
        for j, (cx, cy) in enumerate(state["centers"]):
            self.marks[j].set_data([cx], [cy])
            self.circles[j].set_data(cx + r * circle[0], cy + r * circle[1])
        self.now.set_xdata([state["beta"], state["beta"]])
        self.status.set_text(
            f"beta = {state['beta']:.3g}, 1/sqrt(beta) = {r:.3g}\n"
            f"{state['n_distinct']} distinct centre{'s' * (state['n_distinct'] > 1)}, "
            f"softest point {state['max_soft']:.2g}"
        )


def make_beta_lab(X=None, k_or_centers=3, rng=0, log10_range=(-2.0, 3.0), step=0.05, beta=0.1):
    """The beta lab: a log-scale slider for beta over a precomputed grid (see `BetaFigure`).

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the `beta_state` dict at the slider's beta.
    """
    import ipywidgets as widgets

    from ..datasets import make_synthetic

    if X is None:
        X, _ = make_synthetic("round", n=300, rng=0)
    X = np.asarray(X, dtype=float)
    result = anneal(X, k_or_centers, beta_grid(*log10_range, step), rng=rng)
    figure = BetaFigure(X, result, beta)

    def update(beta):
        state = beta_state(result, beta)
        figure.show(state)
        return state

    slider = widgets.FloatLogSlider(
        value=beta, base=10, min=log10_range[0], max=log10_range[1], step=step, description="beta",
        readout_format=".3g", continuous_update=True,
    )
    return Lab(
        figure, [{"beta": slider}], update,
        title="<b>beta lab</b>: drag beta from small to large and watch the merged centre split.",
    )
