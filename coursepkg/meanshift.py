"""Mean-shift clustering with a Gaussian kernel.

The kernel density estimate of the data x_1, ..., x_N in d dimensions, with bandwidth h (the
kernel's standard deviation, in data units), is

    f(p) = (1/N) sum_n N(p | x_n, h^2 I).

Its gradient is ∇f(p) = f(p) (u(p) - p) / h^2, where

    u(p) = sum_n K(x_n, p) x_n / sum_n K(x_n, p),   K(x_n, p) = exp(-||p - x_n||^2 / (2 h^2)),

is the kernel-weighted mean of the data. So u(p) = p + h^2 ∇ log f(p): moving p to u(p) is a gradient
step on log f with step size h^2, and p = u(p) exactly where ∇f(p) = 0. Each such step never lowers f
(Jensen's inequality gives a lower bound on log f that touches it at p and is maximised at u(p), as in
EM). Every point climbs to a mode of f; points that reach the same mode form a cluster, so the number
of clusters is set by h, not chosen in advance.

Public names: `shift` (one step, u(p)), `log_density_gradient` (∇ log f), `kde_log_density` (log f),
`mean_shift` (every data point climbs; a `MeanShiftResult` with each point's path) and
`MeanShiftResult`.
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

from ._validation import check_data, check_dim, check_nonnegative, check_positive, check_positive_int


def _check_bandwidth(bandwidth):
    return check_positive(bandwidth, "bandwidth", "the standard deviation h of the kernel")


def _check_points(points, X, bandwidth):
    X = check_data(X)
    points = check_data(points, name="points")
    check_dim(points, X.shape[1], name="points")
    return points, X, _check_bandwidth(bandwidth)


def _kernel_logits(points, X, bandwidth):
    """log K(x_i, p) = -||p - x_i||^2 / (2 h^2) for each point p and data point x_i: shape (m, n)."""
    # differences are taken before squaring (exact far from the origin), in compiled code: O(m n d)
    return cdist(points, X, "sqeuclidean") / (-2 * bandwidth**2)


def _normalised_kernel_weights(logits):
    """Rows of exp(logits) normalised to sum to 1, in place and in log space: (weights (m, n), log row sums (m,)).

    As `coursepkg.logspace.softmax_rows`, but the rows here are long (one entry per data point), where numpy's
    own reduction along the row is the fast way to find each row's maximum.
    """
    m = logits.max(axis=1)
    np.subtract(logits, m[:, None], out=logits)  # the largest weight of each row becomes exp(0) = 1
    np.exp(logits, out=logits)
    total = logits @ np.ones(logits.shape[1])
    logits /= total[:, None]
    return logits, np.log(total) + m


def _shift(points, X, bandwidth):
    weights, _ = _normalised_kernel_weights(_kernel_logits(points, X, bandwidth))  # far points never give 0/0
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


def log_density_gradient(points, X, bandwidth):
    """The gradient of log f, the log kernel density estimate, at each row of points.

    ∇ log f(p) = (u(p) - p) / h^2, with u(p) the kernel-weighted mean (`shift`): the mean-shift vector
    u(p) - p divided by h^2.

    Parameters
    ----------
    points : array of shape (m, d)
    X : array of shape (n, d), the data
    bandwidth : float > 0, the kernel's standard deviation h

    Returns
    -------
    array of shape (m, d), in 1 / data units
    """
    points, X, bandwidth = _check_points(points, X, bandwidth)
    return (_shift(points, X, bandwidth) - points) / bandwidth**2


def kde_log_density(points, X, bandwidth):
    """log of the Gaussian kernel density estimate of X at each row of points.

    f(p) = (1/n) sum_i N(p | x_i, h^2 I), summed in log space (log-sum-exp), so a point far from
    every data point gets a finite, very negative value rather than log(0).

    Parameters
    ----------
    points : array of shape (m, d)
    X : array of shape (n, d), the data
    bandwidth : float > 0, the kernel's standard deviation h

    Returns
    -------
    array of shape (m,), log f(p) in nats (f in 1 / data units^d)
    """
    points, X, bandwidth = _check_points(points, X, bandwidth)
    d = X.shape[1]
    _, log_sum = _normalised_kernel_weights(_kernel_logits(points, X, bandwidth))
    return log_sum - np.log(X.shape[0]) - 0.5 * d * np.log(2 * np.pi * bandwidth**2)


@dataclass(frozen=True)
class MeanShiftResult:
    """The outcome of `mean_shift`.

    Attributes
    ----------
    modes : array (n, d), where each data point ended
    centers : array (k, d), the distinct modes (clusters), in order of first appearance
    labels : int array (n,), the cluster of each point: centers[labels[i]] is near modes[i]
    n_iter : int, sweeps taken (each moves every point once)
    converged : bool, whether the last sweep moved no point more than tol
    paths : array (n_iter + 1, n, d) or None; paths[t] are the positions after t sweeps (paths[0] is X,
        paths[-1] is modes). None when mean_shift was called with keep_paths=False.
    """

    modes: np.ndarray
    centers: np.ndarray
    labels: np.ndarray
    n_iter: int
    converged: bool
    paths: np.ndarray | None = None

    @property
    def n_clusters(self):
        """The number of distinct modes, k."""
        return int(self.centers.shape[0])


def _group_modes(points, bandwidth):
    """Merge end points closer than bandwidth / 2 into one centre: (centers (k, d), labels (n,))."""
    centers, labels = [], np.empty(points.shape[0], dtype=int)
    for i, p in enumerate(points):
        for j, c in enumerate(centers):
            if np.linalg.norm(p - c) < bandwidth / 2:
                labels[i] = j
                break
        else:
            labels[i] = len(centers)
            centers.append(p)
    return np.array(centers), labels


def mean_shift(X, bandwidth, max_iter=500, tol=None, keep_paths=True):
    """Move every point uphill on the kernel density until it stops; group points by mode.

    Each sweep replaces every point p by u(p), the kernel-weighted mean of the data X (the data stay
    fixed; only the moving copies shift). One sweep costs O(n^2 d): every point against every data point.

    Parameters
    ----------
    X : array of shape (n, d)
    bandwidth : float > 0, the kernel's standard deviation h
    max_iter : int >= 1, default 500, the most sweeps over all points
    tol : float >= 0 or None, default None (1e-5 * bandwidth): stop when no point moved more than tol
    keep_paths : bool, default True, keep every point's position after every sweep (`paths`)

    Returns
    -------
    MeanShiftResult. Modes closer than bandwidth / 2 are merged into one cluster.
    """
    X = check_data(X)
    bandwidth = _check_bandwidth(bandwidth)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = 1e-5 * bandwidth if tol is None else check_nonnegative(tol, "tol")
    if not isinstance(keep_paths, (bool, np.bool_)):
        raise ValueError(f"keep_paths must be True or False; got {keep_paths!r}.")
    points = X.copy()
    paths = [points] if keep_paths else None
    converged = False
    n_iter = 0
    for _ in range(max_iter):
        n_iter += 1
        moved = _shift(points, X, bandwidth)
        step = np.sqrt(np.einsum("ij,ij->i", moved - points, moved - points)).max()
        points = moved
        if keep_paths:
            paths.append(points)
        if step <= tol:
            converged = True
            break
    centers, labels = _group_modes(points, bandwidth)
    return MeanShiftResult(points, centers, labels, n_iter, converged, np.array(paths) if keep_paths else None)


__all__ = ["MeanShiftResult", "kde_log_density", "log_density_gradient", "mean_shift", "shift"]
