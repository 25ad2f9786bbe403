"""Mean-shift clustering with a Gaussian kernel.

Every point climbs the kernel density estimate f(p) = sum_i exp(-||p - x_i||^2 / (2 h^2))
by repeatedly moving to the kernel-weighted mean of the data,
u(p) = sum_i K(x_i, p) x_i / sum_i K(x_i, p). Points that reach the same
mode form a cluster; the number of clusters is not fixed in advance.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import check_data, check_dim, check_nonnegative, check_positive, check_positive_int
from .kmeans import squared_distances
from .logspace import softmax_rows


def _check_bandwidth(bandwidth):
    return check_positive(bandwidth, "bandwidth", "the standard deviation h of the kernel")


def _check_points(points, X, bandwidth):
    X = check_data(X)
    points = check_data(points, name="points")
    check_dim(points, X.shape[1], name="points")
    return points, X, _check_bandwidth(bandwidth)


def _kernel_logits(points, X, bandwidth):
    """log K(x_i, p) = -||p - x_i||^2 / (2 h^2) for each point p and data point x_i: shape (m, n)."""
    return squared_distances(points, X) / (-2 * bandwidth**2)  # checks cost O(n d), the distances O(m n d)


def _shift(points, X, bandwidth):
    logits = _kernel_logits(points, X, bandwidth)
    weights, _ = softmax_rows(logits, out=logits)  # log space: far points never give 0/0
    return weights @ X


def shift(points, X, bandwidth):
    """One mean-shift step for each row of `points`: the kernel-weighted mean of the data X.

    Parameters
    ----------
    points : array of shape (m, d), where the step starts
    X : array of shape (n, d), the data
    bandwidth : float > 0, the kernel's standard deviation h

    Returns
    -------
    array of shape (m, d): u(p) = sum_i K(x_i, p) x_i / sum_i K(x_i, p) for each row p of points
    """
    return _shift(*_check_points(points, X, bandwidth))


def kde_log_density(points, X, bandwidth):
    """log of the Gaussian kernel density estimate of X at each row of points.

    f(p) = (1/n) sum_i N(p | x_i, h^2 I). Parameters as in `shift`; returns an array of shape (m,).
    """
    points, X, bandwidth = _check_points(points, X, bandwidth)
    d = X.shape[1]
    _, log_sum = softmax_rows(_kernel_logits(points, X, bandwidth))
    return log_sum - np.log(X.shape[0]) - 0.5 * d * np.log(2 * np.pi * bandwidth**2)


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
    max_iter : int >= 1, default 500, the most sweeps over all points
    tol : float >= 0 or None, default None (1e-5 * bandwidth): stop when no point moved more than tol

    Returns
    -------
    MeanShiftResult. Modes closer than bandwidth / 2 are merged into one cluster.
    """
    X = check_data(X)
    bandwidth = _check_bandwidth(bandwidth)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = 1e-5 * bandwidth if tol is None else check_nonnegative(tol, "tol")
    points = X.copy()
    converged = False
    n_iter = 0
    for _ in range(max_iter):
        n_iter += 1
        moved = _shift(points, X, bandwidth)
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
