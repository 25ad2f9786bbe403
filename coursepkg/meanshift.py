"""Mean-shift clustering with a Gaussian kernel.

Every point climbs the kernel density estimate f(p) = sum_i exp(-||p - x_i||^2 / (2 h^2))
by repeatedly moving to the kernel-weighted mean of the data,
u(p) = sum_i K(x_i, p) x_i / sum_i K(x_i, p). Points that reach the same
mode form a cluster; the number of clusters is not fixed in advance.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import check_data, check_nonnegative, check_positive_int
from .kmeans import squared_distances


def shift(points, X, bandwidth):
    """One mean-shift step for each row of `points`: the kernel-weighted mean of X, shape like points."""
    logits = -squared_distances(points, X) / (2 * bandwidth**2)  # (m, n)
    logits -= logits.max(axis=1, keepdims=True)  # log space: far points never give 0/0
    weights = np.exp(logits)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights @ X


def kde_log_density(points, X, bandwidth):
    """log of the Gaussian kernel density estimate of X at each row of points: shape (m,)."""
    from scipy.special import logsumexp

    d = X.shape[1]
    logits = -squared_distances(points, X) / (2 * bandwidth**2)
    return logsumexp(logits, axis=1) - np.log(X.shape[0]) - 0.5 * d * np.log(2 * np.pi * bandwidth**2)


@dataclass(frozen=True)
class MeanShiftResult:
    """modes (n, d): where each point ended; centers (m, d): the distinct modes; labels (n,)."""

    modes: np.ndarray
    centers: np.ndarray
    labels: np.ndarray
    n_iter: int
    converged: bool


def mean_shift(X, bandwidth, max_iter=500, tol=None):
    """Move every point uphill on the kernel density until it stops; group points by mode.

    Parameters
    ----------
    X : array of shape (n, d)
    bandwidth : float > 0, the kernel's standard deviation h
    max_iter : int
    tol : stop when no point moves more than tol (default 1e-5 * bandwidth)

    Returns
    -------
    MeanShiftResult. Modes closer than bandwidth / 2 are merged into one cluster.
    """
    X = check_data(X)
    bandwidth = check_nonnegative(bandwidth, "bandwidth")
    if bandwidth == 0:
        raise ValueError("bandwidth must be positive; got 0.")
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = 1e-5 * bandwidth if tol is None else check_nonnegative(tol, "tol")
    points = X.copy()
    converged = False
    n_iter = 0
    for _ in range(max_iter):
        n_iter += 1
        moved = shift(points, X, bandwidth)
        step = np.sqrt(np.einsum("ij,ij->i", moved - points, moved - points)).max()
        points = moved
        if step <= tol:
            converged = True
            break
    centers, labels = [], np.empty(X.shape[0], dtype=int)
    for i, p in enumerate(points):
        for j, c in enumerate(centers):
            if np.linalg.norm(p - c) < bandwidth / 2:
                labels[i] = j
                break
        else:
            labels[i] = len(centers)
            centers.append(p)
    return MeanShiftResult(points, np.array(centers), labels, n_iter, converged)
