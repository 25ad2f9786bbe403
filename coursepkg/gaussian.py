"""The multivariate Gaussian: log-density, Mahalanobis distance, ellipses.

Everything goes through the Cholesky factor L of the covariance
(Sigma = L L^T): solving with L is cheaper and more accurate than inverting
Sigma, and log|Sigma| = 2 sum(log diag L) never overflows.
"""

import functools

import numpy as np
from scipy import linalg, stats

from ._validation import as_real_array, check_data, check_dim

LOG_2PI = np.log(2 * np.pi)


def check_covariance(cov, d=None, name="cov"):
    """Check that cov is a symmetric positive-definite (d, d) matrix; return it with its Cholesky factor.

    Parameters
    ----------
    cov : array-like of shape (d, d)
    d : int or None, the dimension cov must have (None: any)
    name : str, the argument's name in error messages

    Returns
    -------
    cov : float array of shape (d, d)
    chol : float array of shape (d, d), the lower factor L with cov = L L^T (computed once, for reuse)
    """
    cov = np.asarray(as_real_array(cov, name), dtype=float)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"{name} must be a square 2-D array of shape (d, d); got an array of shape {cov.shape}.")
    if d is not None and cov.shape[0] != d:
        raise ValueError(f"{name} must have shape ({d}, {d}) to match the mean; got {cov.shape}.")
    if not np.all(np.isfinite(cov)):
        raise ValueError(f"{name} must contain only finite numbers.")
    scale = max(np.abs(cov).max(), np.finfo(float).tiny)
    if np.abs(cov - cov.T).max() > 1e-8 * scale:
        raise ValueError(f"{name} must be symmetric; the largest |cov - cov.T| is {np.abs(cov - cov.T).max():.3g}.")
    return cov, cholesky(cov, name=name)


def cholesky(cov, name="cov"):
    """Lower Cholesky factor L with cov = L L^T; ValueError if cov is not positive-definite."""
    try:
        return linalg.cholesky(cov, lower=True, check_finite=False)
    except linalg.LinAlgError:
        eig = np.linalg.eigvalsh((cov + cov.T) / 2)
        raise ValueError(
            f"{name} must be positive-definite; its smallest eigenvalue is {eig.min():.3g}. "
            "Add a small value to its diagonal (reg_covar) or check for duplicated or constant features."
        ) from None


def precision_cholesky(chol):
    """P = L^{-T} for a lower Cholesky factor L of Sigma, so that Sigma^{-1} = P P^T.

    Then (x - mu)^T Sigma^{-1} (x - mu) = ||(x - mu)^T P||^2. Inverting the small
    triangular L (LAPACK's trtri) is cheap; Sigma itself is never inverted.
    """
    inv, info = linalg.lapack.dtrtri(np.asarray(chol, dtype=float), lower=1)
    if info != 0:
        raise ValueError(f"chol must be an invertible lower-triangular Cholesky factor (LAPACK info {info}).")
    return inv.T


def mahalanobis_sq_from_cholesky(X, mean, chol):
    """Squared Mahalanobis distances (x - mu)^T Sigma^{-1} (x - mu), shape (n,), from the factor L of Sigma.

    No argument checks (see `mahalanobis` for the checked version): X (n, d), mean (d,), chol the lower
    Cholesky factor of Sigma, as `check_covariance` or `GMM.cholesky` give it.
    """
    y = (X - mean) @ precision_cholesky(chol)  # y.y = (x - mu)^T Sigma^{-1} (x - mu)
    return np.einsum("ij,ij->i", y, y)


def _check_mean_cov(X, mean, cov):
    """X (n, d), mean (d,) and the Cholesky factor of cov, checked."""
    X = check_data(X)
    mean = np.asarray(as_real_array(mean, "mean"), dtype=float)
    if mean.ndim != 1:
        raise ValueError(f"mean must be a 1-D array of shape (d,); got an array of shape {mean.shape}.")
    check_dim(X, mean.shape[0])
    if not np.all(np.isfinite(mean)):
        raise ValueError("mean must contain only finite numbers.")
    _, chol = check_covariance(cov, d=mean.shape[0])
    return X, mean, chol


def log_pdf(X, mean, cov):
    """Log-density of N(mean, cov) at each row of X.

    log N(x | mu, Sigma) = -1/2 [d log(2 pi) + log|Sigma| + (x - mu)^T Sigma^{-1} (x - mu)],
    computed through the Cholesky factor of Sigma.

    Parameters
    ----------
    X : array of shape (n, d)
    mean : array of shape (d,)
    cov : array of shape (d, d), symmetric positive-definite

    Returns
    -------
    array of shape (n,)
    """
    X, mean, chol = _check_mean_cov(X, mean, cov)
    log_det = 2.0 * np.log(np.diag(chol)).sum()  # log |Sigma| = 2 sum log L_ii, never overflows
    return -0.5 * (X.shape[1] * LOG_2PI + log_det + mahalanobis_sq_from_cholesky(X, mean, chol))


def mahalanobis(X, mean, cov):
    """Mahalanobis distance sqrt((x - mu)^T Sigma^{-1} (x - mu)) of each row of X.

    Parameters
    ----------
    X : array of shape (n, d)
    mean : array of shape (d,)
    cov : array of shape (d, d), symmetric positive-definite

    Returns
    -------
    array of shape (n,)
    """
    X, mean, chol = _check_mean_cov(X, mean, cov)
    return np.sqrt(mahalanobis_sq_from_cholesky(X, mean, chol))


def chi2_radius(level=0.95, d=2):
    """Mahalanobis radius r with P(||x - mu||_Sigma <= r) = level for a d-dimensional Gaussian.

    The squared Mahalanobis distance of a Gaussian point is chi-square with d degrees of freedom,
    so r = sqrt(chi2.ppf(level, d)).

    Parameters
    ----------
    level : float in (0, 1), default 0.95
    d : int >= 1, default 2

    Returns
    -------
    float
    """
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level must be a probability strictly between 0 and 1; got {level}.")
    return float(np.sqrt(stats.chi2.ppf(level, df=d)))


def ellipse_geometry(cov, level=0.95):
    """Width, height and angle of the `level` probability ellipse of a 2-D Gaussian.

    The axes point along the eigenvectors of Sigma (the columns of the
    matrix `eigh` returns) and have half-lengths r sqrt(lambda_i), with r
    the chi-square radius for 2 degrees of freedom.

    Parameters
    ----------
    cov : array of shape (2, 2)
    level : float in (0, 1)

    Returns
    -------
    width, height : float, full axis lengths (width along the largest eigenvector)
    angle : float, degrees counter-clockwise from the x axis to the width axis
    """
    cov, _ = check_covariance(cov)
    if cov.shape != (2, 2):
        raise ValueError(f"ellipse_geometry draws 2-D ellipses; cov must have shape (2, 2), got {cov.shape}.")
    eigvals, eigvecs = np.linalg.eigh(cov)  # ascending eigenvalues, eigenvectors in columns
    major = eigvecs[:, 1]
    r = chi2_radius(level, d=2)
    width, height = 2 * r * np.sqrt(eigvals[1]), 2 * r * np.sqrt(eigvals[0])
    angle = float(np.degrees(np.arctan2(major[1], major[0])))
    return float(width), float(height), angle


def ellipse_points(mean, cov, level=0.95, n_points=100):
    """Points on the `level` probability ellipse of a 2-D Gaussian: mu + r L [cos t, sin t], with Sigma = L L^T.

    The image of the unit circle under L is the set where (x - mu)^T Sigma^{-1} (x - mu) = 1,
    so scaling by r = chi2_radius(level, 2) gives the contour that holds `level` of the mass.

    Parameters
    ----------
    mean : array of shape (2,)
    cov : array of shape (2, 2), symmetric positive-definite
    level : float in (0, 1), default 0.95
    n_points : int, default 100, points along the closed curve (the first and last coincide)

    Returns
    -------
    array of shape (n_points, 2)
    """
    cov, chol = check_covariance(cov)
    if cov.shape != (2, 2):
        raise ValueError(f"ellipse_points draws 2-D ellipses; cov must have shape (2, 2), got {cov.shape}.")
    mean = np.asarray(mean, dtype=float)
    return mean + chi2_radius(level, d=2) * (chol @ unit_circle(n_points)).T


@functools.lru_cache(maxsize=8)
def unit_circle(n_points=100):
    """The unit circle as an array (2, n_points) of [cos t, sin t] (read-only, cached)."""
    t = np.linspace(0, 2 * np.pi, n_points)
    circle = np.stack([np.cos(t), np.sin(t)])
    circle.setflags(write=False)
    return circle


def rotation(degrees):
    """The 2-D rotation matrix by `degrees` counter-clockwise, shape (2, 2)."""
    a = np.radians(degrees)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


def covariance_from_axes(sd_major, sd_minor, degrees):
    """The 2-D covariance whose ellipse has standard deviations sd_major, sd_minor along axes turned by `degrees`.

    Sigma = R diag(sd_major^2, sd_minor^2) R^T with R = rotation(degrees): the eigenvectors of Sigma are the
    columns of R and its eigenvalues the two variances. Returns an array of shape (2, 2).
    """
    for name, value in (("sd_major", sd_major), ("sd_minor", sd_minor)):
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive standard deviation; got {value!r}.")
    R = rotation(degrees)
    return R @ np.diag([float(sd_major) ** 2, float(sd_minor) ** 2]) @ R.T
