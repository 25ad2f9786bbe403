"""k-means (Lloyd's algorithm with k-means++ seeding) and soft k-means.

k-means minimises J = sum_n ||x_n - m_{c_n}||^2 by alternating two steps that
can only lower J: assign each point to its nearest centre, then move each
centre to the mean of its points. Soft k-means replaces the hard assignment
by r_nk proportional to exp(-beta/2 ||x_n - m_k||^2).
"""

from dataclasses import dataclass

import numpy as np

from ._validation import check_data, check_n_components, check_nonnegative, check_positive_int, check_rng


def squared_distances(X, centers):
    """||x_n - m_k||^2 for every point and centre: shape (n, k), never negative."""
    # Expanding ||x||^2 - 2 x.m + ||m||^2 loses precision far from the origin, so subtract directly.
    return np.stack([np.einsum("ij,ij->i", X - m, X - m) for m in centers], axis=1)


def assign(X, centers):
    """Index of the nearest centre for each point: shape (n,)."""
    return np.argmin(squared_distances(X, centers), axis=1)


def objective(X, centers, labels):
    """J = sum_n ||x_n - m_{labels_n}||^2, a float."""
    diff = X - np.asarray(centers)[labels]
    return float(np.einsum("ij,ij->", diff, diff))


def kmeans_plusplus(X, k, rng=None):
    """k-means++ seeding: the first centre uniformly, each next one drawn with
    probability proportional to its squared distance to the nearest centre so far.

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


def _check_init_centers(X, k, init, rng):
    if init is None or (isinstance(init, str) and init == "k-means++"):
        return kmeans_plusplus(X, k, rng=rng)
    centers = np.array(init, dtype=float)
    if centers.shape != (k, X.shape[1]):
        raise ValueError(
            f"init must be 'k-means++' or an array of starting centres of shape (k, d) = ({k}, {X.shape[1]}); "
            f"got shape {centers.shape}."
        )
    if not np.all(np.isfinite(centers)):
        raise ValueError("init centres must contain only finite numbers.")
    return centers


def _cluster_means(X, labels, old_centers):
    """Mean of each cluster; an empty cluster keeps its old centre (so J cannot rise)."""
    k = old_centers.shape[0]
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros_like(old_centers)
    np.add.at(sums, labels, X)
    centers = old_centers.copy()
    filled = counts > 0
    centers[filled] = sums[filled] / counts[filled, None]
    return centers


@dataclass(frozen=True)
class KMeansResult:
    """centers (k, d); labels (n,); history[t] = J after t centre updates; n_iter; converged."""

    centers: np.ndarray
    labels: np.ndarray
    history: np.ndarray
    n_iter: int
    converged: bool

    @property
    def objective(self):
        return float(self.history[-1])


def kmeans(X, k, rng=None, init="k-means++", max_iter=300):
    """Lloyd's algorithm.

    Parameters
    ----------
    X : array of shape (n, d)
    k : int, 1 <= k <= n
    rng : None, int or numpy Generator (used by k-means++)
    init : "k-means++" or an array of starting centres of shape (k, d)
    max_iter : int, most centre updates

    Returns
    -------
    KMeansResult; `converged` is True when an update left every label unchanged.
    """
    X = check_data(X)
    k = check_n_components(k, X.shape[0])
    max_iter = check_positive_int(max_iter, "max_iter")
    centers = _check_init_centers(X, k, init, check_rng(rng))
    labels = assign(X, centers)
    history = [objective(X, centers, labels)]
    converged = False
    for _ in range(max_iter):
        centers = _cluster_means(X, labels, centers)
        new_labels = assign(X, centers)
        history.append(objective(X, centers, new_labels))
        if np.array_equal(new_labels, labels):
            converged = True
            break
        labels = new_labels
    return KMeansResult(centers, labels, np.array(history), len(history) - 1, converged)


def soft_responsibilities(X, centers, beta):
    """r_nk = exp(-beta/2 ||x_n - m_k||^2) / sum_j exp(-beta/2 ||x_n - m_j||^2), in log space: (n, k)."""
    logits = -0.5 * beta * squared_distances(X, centers)
    logits -= logits.max(axis=1, keepdims=True)
    resp = np.exp(logits)
    return resp / resp.sum(axis=1, keepdims=True)


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


def soft_kmeans(X, k, beta, rng=None, init="k-means++", max_iter=300, tol=1e-10):
    """Soft k-means with stiffness beta: EM for a mixture with equal weights and Sigma = I / beta.

    Parameters
    ----------
    X : array of shape (n, d)
    k : int
    beta : float > 0, the stiffness (inverse variance); beta -> infinity gives k-means
    rng, init, max_iter : as in `kmeans`
    tol : stop when no centre moves more than tol

    Returns
    -------
    SoftKMeansResult
    """
    X = check_data(X)
    k = check_n_components(k, X.shape[0])
    beta = check_nonnegative(beta, "beta")
    if beta == 0:
        raise ValueError("beta must be positive (beta = 0 makes every point equally responsible to every centre).")
    tol = check_nonnegative(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    centers = _check_init_centers(X, k, init, check_rng(rng))
    converged = False
    n_iter = 0
    for _ in range(max_iter):
        n_iter += 1
        resp = soft_responsibilities(X, centers, beta)
        nk = resp.sum(axis=0)
        new_centers = centers.copy()
        filled = nk > 0
        new_centers[filled] = (resp.T @ X)[filled] / nk[filled, None]
        shift = np.abs(new_centers - centers).max()
        centers = new_centers
        if shift <= tol:
            converged = True
            break
    return SoftKMeansResult(centers, soft_responsibilities(X, centers, beta), n_iter, converged)


__all__ = [
    "KMeansResult",
    "SoftKMeansResult",
    "assign",
    "kmeans",
    "kmeans_plusplus",
    "objective",
    "soft_kmeans",
    "soft_responsibilities",
    "squared_distances",
]
