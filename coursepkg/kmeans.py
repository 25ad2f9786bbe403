"""k-means (Lloyd's algorithm with k-means++ seeding) and soft k-means.

k-means minimises J = sum_n ||x_n - mu_{z_n}||^2 by alternating two steps that
can only lower J: assign each point to its nearest centre, then move each
centre to the mean of its points. Soft k-means replaces the hard assignment
by r_nk proportional to exp(-beta/2 ||x_n - mu_k||^2).
"""

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_real_array,
    check_data,
    check_n_components,
    check_nonnegative,
    check_positive,
    check_positive_int,
    check_rng,
)
from .logspace import softmax_rows
from .mixture import check_labels

# How `kmeans` and `soft_kmeans` choose their starting centres (EM's list adds "kmeans" itself).
KMEANS_INIT_METHODS = ("k-means++", "random")


def check_centers(centers, d, name="centers"):
    """Return centers as a finite float array of shape (k, d), k >= 1."""
    centers = np.asarray(as_real_array(centers, name), dtype=float)
    if centers.ndim != 2 or centers.shape[0] < 1 or centers.shape[1] != d:
        raise ValueError(f"{name} must be an array of shape (k, d) = (k, {d}) with k >= 1; got shape {centers.shape}.")
    if not np.all(np.isfinite(centers)):
        raise ValueError(f"{name} must contain only finite numbers.")
    return centers


def _squared_distances(X, centers):
    # Expanding ||x||^2 - 2 x.m + ||m||^2 loses precision far from the origin, so subtract directly.
    return np.stack([np.einsum("ij,ij->i", X - m, X - m) for m in centers], axis=1)


def squared_distances(X, centers):
    """||x_n - mu_k||^2 for every point and centre.

    Parameters
    ----------
    X : array of shape (n, d)
    centers : array of shape (k, d)

    Returns
    -------
    array of shape (n, k), never negative (differences are taken before squaring)
    """
    X = check_data(X)
    return _squared_distances(X, check_centers(centers, X.shape[1]))


def assign(X, centers):
    """Index of the nearest centre for each point (ties go to the lowest index).

    Parameters
    ----------
    X : array of shape (n, d)
    centers : array of shape (k, d)

    Returns
    -------
    int array of shape (n,)
    """
    return np.argmin(squared_distances(X, centers), axis=1)


def _objective(X, centers, labels):
    diff = X - centers[labels]
    return float(np.einsum("ij,ij->", diff, diff))


def objective(X, centers, labels):
    """The k-means objective J = sum_n ||x_n - m_{labels_n}||^2.

    Parameters
    ----------
    X : array of shape (n, d)
    centers : array of shape (k, d)
    labels : int array of shape (n,), values in 0..k-1

    Returns
    -------
    float
    """
    X = check_data(X)
    centers = check_centers(centers, X.shape[1])
    labels = check_labels(labels, X.shape[0], centers.shape[0], name="labels")
    return _objective(X, centers, labels)


def kmeans_plusplus(X, k, rng=None):
    """k-means++ seeding: the first centre uniformly, each next one drawn with
    probability proportional to its squared distance to the nearest centre so far.

    Parameters
    ----------
    X : array of shape (n, d)
    k : int, 1 <= k <= n
    rng : None, int or numpy.random.Generator, default None

    Returns
    -------
    centers : array of shape (k, d), rows of X
    """
    X = check_data(X)
    k = check_n_components(k, X.shape[0])
    rng = check_rng(rng)
    n = X.shape[0]
    chosen = [rng.integers(n)]
    closest = np.einsum("ij,ij->i", X - X[chosen[0]], X - X[chosen[0]])
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0:  # every point sits on a chosen centre: pick among the unchosen
            rest = np.setdiff1d(np.arange(n), chosen)
            nxt = rng.choice(rest)
        else:
            nxt = rng.choice(n, p=closest / total)
        chosen.append(nxt)
        closest = np.minimum(closest, np.einsum("ij,ij->i", X - X[nxt], X - X[nxt]))
    return X[np.array(chosen)].copy()


def _starting_centers(X, k_or_centers, init, rng):
    """The starting centres: given ones (checked), or k chosen by `init`."""
    if not isinstance(k_or_centers, (int, np.integer)) or isinstance(k_or_centers, bool):
        if np.ndim(k_or_centers) == 0:  # 2.0, "3", None: not a count and not an array
            check_n_components(k_or_centers, X.shape[0], name="k_or_centers")
        centers = check_centers(k_or_centers, X.shape[1], name="k_or_centers")
        check_n_components(centers.shape[0], X.shape[0], name="the number of starting centres")
        return centers.copy()
    k = check_n_components(k_or_centers, X.shape[0], name="k_or_centers")
    if not isinstance(init, str) or init not in KMEANS_INIT_METHODS:
        raise ValueError(
            f"init must be one of {KMEANS_INIT_METHODS} (how the starting centres are chosen); got {init!r}. "
            "To start from given centres, pass them in place of k."
        )
    rng = check_rng(rng)
    if init == "k-means++":
        return kmeans_plusplus(X, k, rng=rng)
    return X[rng.choice(X.shape[0], size=k, replace=False)].copy()  # "random": k distinct points


def _update_centers(X, labels, old_centers):
    k = old_centers.shape[0]
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros_like(old_centers)
    np.add.at(sums, labels, X)
    centers = old_centers.copy()
    filled = counts > 0
    centers[filled] = sums[filled] / counts[filled, None]
    return centers


def update_centers(X, labels, old_centers):
    """Lloyd's update step: each centre moves to the mean of its points.

    Parameters
    ----------
    X : array of shape (n, d)
    labels : int array of shape (n,), the cluster of each point, values in 0..k-1
    old_centers : array of shape (k, d)

    Returns
    -------
    array of shape (k, d); an empty cluster keeps its old centre (so J cannot rise)
    """
    X = check_data(X)
    old_centers = check_centers(old_centers, X.shape[1], name="old_centers")
    labels = check_labels(labels, X.shape[0], old_centers.shape[0], name="labels")
    return _update_centers(X, labels, old_centers)


@dataclass(frozen=True)
class KMeansResult:
    """centers (k, d); labels (n,); history[t] = J after t centre updates and the assign step that follows them
    (history[0]: J of the first assignment); n_iter; converged."""

    centers: np.ndarray
    labels: np.ndarray
    history: np.ndarray
    n_iter: int
    converged: bool

    @property
    def objective(self):
        return float(self.history[-1])


def kmeans(X, k_or_centers, rng=None, init="k-means++", max_iter=300):
    """Lloyd's algorithm: assign each point to its nearest centre, move each centre to its points' mean.

    Parameters
    ----------
    X : array of shape (n, d)
    k_or_centers : int k (1 <= k <= n), or an array (k, d) of starting centres
    rng : None, int or numpy.random.Generator, default None, the randomness of the seeding
    init : one of KMEANS_INIT_METHODS, default "k-means++" (as scikit-learn's KMeans), how the
        starting centres are chosen when k_or_centers is an int: "k-means++" seeding or "random"
        (k distinct points)
    max_iter : int >= 1, default 300 (as scikit-learn), the most centre updates

    Returns
    -------
    KMeansResult with .centers (k, d), .labels (n,), .history (J after each assign step: the first, then
    the reassignment after each update), .n_iter; `converged` is True when an update left every label unchanged.
    """
    X = check_data(X)
    max_iter = check_positive_int(max_iter, "max_iter")
    centers = _starting_centers(X, k_or_centers, init, rng)
    labels = np.argmin(_squared_distances(X, centers), axis=1)
    history = [_objective(X, centers, labels)]
    converged = False
    for _ in range(max_iter):
        centers = _update_centers(X, labels, centers)
        new_labels = np.argmin(_squared_distances(X, centers), axis=1)
        history.append(_objective(X, centers, new_labels))
        if np.array_equal(new_labels, labels):
            converged = True
            break
        labels = new_labels
    return KMeansResult(centers, labels, np.array(history), len(history) - 1, converged)


def _check_beta(beta):
    return check_positive(beta, "beta", "beta = 0 makes every point equally responsible to every centre")


def _soft_responsibilities(X, centers, beta):
    logits = -0.5 * beta * _squared_distances(X, centers)
    return softmax_rows(logits, out=logits)[0]


def soft_responsibilities(X, centers, beta):
    """Soft k-means responsibilities r_nk = exp(-beta/2 ||x_n - mu_k||^2) / sum_j exp(-beta/2 ||x_n - mu_j||^2).

    The E-step of a mixture with equal weights and covariances I / beta, computed in log space
    (`softmax_rows`), so a large beta gives one-hot rows rather than 0/0.

    Parameters
    ----------
    X : array of shape (n, d)
    centers : array of shape (k, d)
    beta : float > 0, the stiffness (1 / variance)

    Returns
    -------
    array of shape (n, k), rows summing to 1
    """
    X = check_data(X)
    return _soft_responsibilities(X, check_centers(centers, X.shape[1]), _check_beta(beta))


@dataclass(frozen=True)
class SoftKMeansResult:
    """centers (k, d); resp (n, k); n_iter; converged. `labels` is the most responsible centre."""

    centers: np.ndarray
    resp: np.ndarray
    n_iter: int
    converged: bool

    @property
    def labels(self):
        return np.argmax(self.resp, axis=1)


def soft_kmeans(X, k_or_centers, beta, rng=None, init="k-means++", max_iter=300, tol=1e-10):
    """Soft k-means with stiffness beta: EM for a mixture with equal weights and Sigma = I / beta.

    Parameters
    ----------
    X : array of shape (n, d)
    k_or_centers : int k (1 <= k <= n), or an array (k, d) of starting centres
    beta : float > 0, the stiffness (1 / variance); beta -> infinity gives k-means
    rng : None, int or numpy.random.Generator, default None (as in `kmeans`)
    init : one of KMEANS_INIT_METHODS, default "k-means++" (as in `kmeans`)
    max_iter : int >= 1, default 300, the most centre updates
    tol : float >= 0, default 1e-10, stop when no centre coordinate moves more than tol

    Returns
    -------
    SoftKMeansResult with .centers (k, d), .resp (n, k), .n_iter, .converged
    """
    X = check_data(X)
    beta = _check_beta(beta)
    tol = check_nonnegative(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    centers = _starting_centers(X, k_or_centers, init, rng)
    converged = False
    n_iter = 0
    for _ in range(max_iter):
        n_iter += 1
        resp = _soft_responsibilities(X, centers, beta)
        nk = resp.sum(axis=0)
        new_centers = centers.copy()
        filled = nk > 0
        new_centers[filled] = (resp.T @ X)[filled] / nk[filled, None]
        shift = np.abs(new_centers - centers).max()
        centers = new_centers
        if shift <= tol:
            converged = True
            break
    return SoftKMeansResult(centers, _soft_responsibilities(X, centers, beta), n_iter, converged)


__all__ = [
    "KMEANS_INIT_METHODS",
    "KMeansResult",
    "SoftKMeansResult",
    "assign",
    "check_centers",
    "kmeans",
    "kmeans_plusplus",
    "objective",
    "soft_kmeans",
    "soft_responsibilities",
    "squared_distances",
    "update_centers",
]
