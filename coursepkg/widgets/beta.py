"""The beta lab: anneal the stiffness beta of soft k-means and watch the clusters split.

Soft k-means is EM for a mixture with equal weights and covariances I / beta: a point's
responsibilities are a softmax of -beta/2 times its squared distances to the centres,
so 1/sqrt(beta) is the length scale over which a centre "sees" points. At small beta
every centre sees every point and all centres sit at the data mean; as beta grows past
1 / (largest eigenvalue of the data covariance) the merged centre becomes unstable and
splits (deterministic annealing); at large beta the assignments are hard: k-means.

State logic (pure, tested without a browser):

- `beta_grid(log10_min, log10_max, step)`: the betas the lab precomputes;
- `anneal(X, k, betas, init)`: soft k-means from the *same* start at every beta;
- `beta_state(result, beta)`: centres, responsibilities, colours and counts at one beta;
- `distinct_centres(centers, tol)`: how many different centres there are.
"""

from dataclasses import dataclass

import numpy as np


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


def anneal(X, k, betas, init=None, rng=0, max_iter=2000, tol=1e-9):
    """Soft k-means at every beta in `betas`, each run from the same starting centres.

    Parameters
    ----------
    X : array (n, d)
    k : int
    betas : array (m,) of positive stiffnesses
    init : array (k, d) of starting centres, or None for k-means++ seeding with `rng`
    max_iter, tol : passed to `coursepkg.kmeans.soft_kmeans`

    Returns
    -------
    AnnealResult
    """
    from ..kmeans import kmeans_plusplus, soft_kmeans

    X = np.asarray(X, dtype=float)
    init = kmeans_plusplus(X, k, rng=rng) if init is None else np.array(init, dtype=float)
    betas = np.asarray(betas, dtype=float)
    runs = [soft_kmeans(X, k, beta, init=init, max_iter=max_iter, tol=tol) for beta in betas]
    return AnnealResult(
        betas,
        np.array([r.centers for r in runs]),
        np.array([r.resp for r in runs]),
        init,
    )


def distinct_centres(centers, tol=1e-3):
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
    dict with "beta" (the grid value), "index", "centers" (k, d), "resp" (n, k),
    "colors" (n, 3) blended component colours, "length_scale" 1/sqrt(beta),
    "n_distinct" (distinct centres) and "max_soft" (the largest deviation of a
    responsibility row from one-hot: 1 - max_k r_nk, maximised over points).
    """
    from ..plotting import blend_colors

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
        "colors": blend_colors(resp),
        "length_scale": float(1 / np.sqrt(result.betas[i])),
        "n_distinct": distinct_centres(result.centers[i]),
        "max_soft": float(1 - resp.max(axis=1).min()),
    }


def critical_beta(X):
    """1 / largest eigenvalue of the data covariance: where the merged centre first splits."""
    X = np.asarray(X, dtype=float)
    diff = X - X.mean(axis=0)
    return float(1 / np.linalg.eigvalsh(diff.T @ diff / X.shape[0])[-1])


def make_beta_lab(X=None, k=3, init=None, rng=0, log10_range=(-2.0, 3.0), step=0.05, beta=0.1):
    """The beta lab: a log-scale slider for beta over a precomputed grid.

    Left: points coloured by their blended responsibilities, the centres, and a circle of
    radius 1/sqrt(beta) around each (the length scale). Right: the first coordinate of each
    centre against beta for the whole grid (where the clusters split), with the current beta.
    """
    import ipywidgets as widgets

    from ..datasets import make_synthetic
    from ..plotting import COMPONENT_COLORS
    from ._base import Lab, new_figure

    if X is None:
        X, _ = make_synthetic("round", n=300, seed=0)
    X = np.asarray(X, dtype=float)
    betas = beta_grid(*log10_range, step)
    result = anneal(X, k, betas, init=init, rng=rng)
    beta_c = critical_beta(X)

    fig = new_figure(figsize=(10, 4.1))
    ax, ax_split = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.05]})
    scatter = ax.scatter(X[:, 0], X[:, 1], s=14, edgecolors="none", alpha=0.85)
    mean = X.mean(axis=0)
    ax.plot(*mean, marker="+", color="k", ms=12, mew=1.5, ls="none", label="data mean")
    t = np.linspace(0, 2 * np.pi, 60)
    unit = np.stack([np.cos(t), np.sin(t)], axis=1)
    circles = [ax.plot([], [], color=COMPONENT_COLORS[j], lw=1, ls="--")[0] for j in range(k)]
    circles[0].set_label(r"radius $1/\sqrt{\beta}$")
    marks = [
        ax.plot([], [], marker="X", ms=13, mec="white", mew=1.3, color=COMPONENT_COLORS[j], ls="none")[0]
        for j in range(k)
    ]
    marks[0].set_label("centres")
    status = ax.text(
        0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=9,
        bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9},
    )
    pad = 0.1 * np.ptp(X, axis=0)
    ax.set_xlim(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0])
    ax.set_ylim(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("soft k-means at one beta (same start for every beta)")
    ax.legend(loc="lower right", fontsize=7)

    for j in range(k):
        ax_split.plot(betas, result.centers[:, j, 0], color=COMPONENT_COLORS[j], lw=2, label=f"centre {j}")
    ax_split.axvline(beta_c, color="0.5", ls=":", label=r"$1/\lambda_{\max}$ (data covariance)")
    ax_split.set_xscale("log")
    ax_split.set_xlabel(r"stiffness $\beta$ (log scale)")
    ax_split.set_ylabel("first coordinate $x_1$ of each centre")
    ax_split.set_title("the centres split as beta grows")
    ax_split.grid(alpha=0.3)
    now = ax_split.axvline(beta, color="k", lw=1.5, label="current beta")
    ax_split.legend(loc="center right", bbox_to_anchor=(1.0, 0.64), fontsize=7)

    def update(beta):
        state = beta_state(result, beta)
        scatter.set_facecolor(state["colors"])
        r = state["length_scale"]
        for j in range(k):
            cx, cy = state["centers"][j]
            marks[j].set_data([cx], [cy])
            circles[j].set_data(cx + r * unit[:, 0], cy + r * unit[:, 1])
        now.set_xdata([state["beta"], state["beta"]])
        status.set_text(
            f"beta = {state['beta']:.3g}, 1/sqrt(beta) = {r:.3g}\n"
            f"{state['n_distinct']} distinct centre{'s' * (state['n_distinct'] > 1)}, "
            f"softest point {state['max_soft']:.2g}"
        )

    slider = widgets.FloatLogSlider(
        value=beta, base=10, min=log10_range[0], max=log10_range[1], step=step, description="beta",
        readout_format=".3g", continuous_update=True,
    )
    lab = Lab(
        fig, {"beta": slider}, update, dynamic=[scatter, *circles, *marks, status, now], dpi=72,
        title="<b>beta lab</b>: drag beta from small to large and watch the merged centre split.",
    )
    lab.result = result
    return lab
