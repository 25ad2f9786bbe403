"""Gaussian mixture models: parameters, sampling and likelihoods.

A mixture of k Gaussians in d dimensions has weights pi (k,), means mu (k, d)
and covariances Sigma (k, d, d). Its generative story: pick a component
z ~ Cat(pi), then draw x ~ N(mu_z, Sigma_z).

The covariances may be constrained, as in scikit-learn's `GaussianMixture` (`COVARIANCE_TYPES`):
"full" (any), "diag" (axis-aligned ellipses), "spherical" (circles: sigma_k^2 I) or "tied" (one
shared Sigma). Whatever the type, every covariance is stored as a full (d, d) matrix.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp

from ._validation import as_real_array, check_data, check_dim, check_positive_int, check_resp, check_rng
from .gaussian import LOG_2PI, check_covariance, precision_cholesky

# |sum(weights) - 1| allowed for weights given in float64; weights given in a lower precision
# (float32, as many pipelines store them) may be off by a few of their own rounding units.
WEIGHT_TOLERANCE = 1e-8

# The covariance structures a mixture may have (scikit-learn's `covariance_type`), in the order of the course.
COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")

# How far (relative to the covariance's largest entry) a given covariance may be from its type's structure
# (an off-diagonal entry from 0, a variance from the other variances, one component's Sigma from another's).
STRUCTURE_TOLERANCE = 1e-10


def check_covariance_type(covariance_type, name="covariance_type"):
    """Return `covariance_type` if it is one of COVARIANCE_TYPES, else raise a ValueError naming `name`."""
    if not isinstance(covariance_type, str) or covariance_type not in COVARIANCE_TYPES:
        raise ValueError(
            f"{name} must be one of {COVARIANCE_TYPES} (the shape every covariance is constrained to); "
            f"got {covariance_type!r}."
        )
    return covariance_type


def check_covariance_structure(covs, covariance_type):
    """Raise a ValueError when the covariances do not have the structure `covariance_type` asks for.

    Parameters
    ----------
    covs : float array of shape (k, d, d)
    covariance_type : one of COVARIANCE_TYPES: "full" accepts any; "diag" needs every off-diagonal entry
        0, "spherical" also equal variances, "tied" all k matrices equal (each within
        STRUCTURE_TOLERANCE times the largest entry)
    """
    if covariance_type == "full":
        return
    k, d, _ = covs.shape
    where = f"covariance_type={covariance_type!r}"
    if covariance_type == "tied":
        scale = max(np.abs(covs[0]).max(), np.finfo(float).tiny)
        for j in range(1, k):
            gap = np.abs(covs[j] - covs[0]).max()
            if gap > STRUCTURE_TOLERANCE * scale:
                raise ValueError(
                    f"covariances must all be equal (one shared Sigma) for {where}; covariances[{j}] differs from "
                    f"covariances[0] by up to {gap:.3g}. Pass the same matrix k times, e.g. "
                    "np.repeat(Sigma[None], k, axis=0), or use covariance_type='full'."
                )
        return
    for j in range(k):
        cov = covs[j]
        scale = max(np.abs(cov).max(), np.finfo(float).tiny)
        off = cov - np.diag(np.diagonal(cov))
        if np.abs(off).max() > STRUCTURE_TOLERANCE * scale:
            row, col = np.unravel_index(np.argmax(np.abs(off)), off.shape)
            shape = "diagonal" if covariance_type == "diag" else "a multiple of the identity (diagonal)"
            raise ValueError(
                f"covariances[{j}] must be {shape} for {where}; got {cov[row, col]:.6g} at [{row}, {col}] "
                "(expected 0). Keep only the variances, e.g. np.diag(np.diag(cov)), or use covariance_type='full'."
            )
        if covariance_type == "spherical":
            variances = np.diagonal(cov)
            if np.ptp(variances) > STRUCTURE_TOLERANCE * scale:
                raise ValueError(
                    f"covariances[{j}] must be a multiple of the identity (sigma^2 I, one variance for every feature) "
                    f"for {where}; got the variances {np.round(variances, 6).tolist()}. "
                    "Use their mean times np.eye(d), or covariance_type='diag'."
                )


def weight_tolerance(dtype, k):
    """How far from 1 the sum of k weights given in `dtype` may be: 1e-8, or 10 k rounding units of dtype."""
    eps = np.finfo(dtype).eps if np.issubdtype(dtype, np.floating) else 0.0
    return max(WEIGHT_TOLERANCE, 10 * k * eps)


@dataclass(frozen=True, eq=False)
class GMM:
    """Parameters of a Gaussian mixture, validated on construction.

    Parameters
    ----------
    weights : array of shape (k,), non-negative, summing to 1
    means : array of shape (k, d)
    covariances : array of shape (k, d, d), each symmetric positive-definite
    covariance_type : one of COVARIANCE_TYPES, default "full", the structure the covariances have (checked):
        "full" any; "diag" every Sigma_j diagonal; "spherical" every Sigma_j = sigma_j^2 I;
        "tied" all k equal. The covariances are (k, d, d) whatever the type (scikit-learn stores
        (k, d), (k,) and (d, d) arrays for the last three).

    Attributes
    ----------
    k, d : int
    cholesky : array of shape (k, d, d), lower factors L_j with Sigma_j = L_j L_j^T
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str = "full"
    cholesky: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        given_dtype = np.asarray(self.weights).dtype
        weights = np.array(as_real_array(self.weights, "weights"), dtype=float)
        means = np.array(as_real_array(self.means, "means"), dtype=float)
        covs = np.array(as_real_array(self.covariances, "covariances"), dtype=float)
        if weights.ndim != 1 or weights.size < 1:
            raise ValueError(f"weights must be a 1-D array of shape (k,); got an array of shape {weights.shape}.")
        k = weights.size
        if means.ndim != 2 or means.shape[0] != k:
            raise ValueError(
                f"means must have shape (k, d) = ({k}, d) to match the {k} weights; "
                f"got an array of shape {means.shape}."
            )
        d = means.shape[1]
        if covs.shape != (k, d, d):
            raise ValueError(
                f"covariances must have shape (k, d, d) = ({k}, {d}, {d}); got an array of shape {covs.shape}."
            )
        for name, arr in (("weights", weights), ("means", means)):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{name} must contain only finite numbers; got {arr}.")
        if weights.min() < 0:
            raise ValueError(f"weights must be non-negative; got {weights}.")
        tolerance = weight_tolerance(given_dtype, k)
        if abs(weights.sum() - 1) > tolerance:
            raise ValueError(
                f"weights must sum to 1 (within {tolerance:.3g}); they sum to {weights.sum():.10g}. "
                "Divide them by their sum (in float64)."
            )
        weights /= weights.sum()  # within rounding of 1: make it 1 to float64 precision
        check_covariance_type(self.covariance_type)
        chol = np.empty_like(covs)
        for j in range(k):
            _, chol[j] = check_covariance(covs[j], d=d, name=f"covariances[{j}]")
        check_covariance_structure(covs, self.covariance_type)
        for name, arr in (("weights", weights), ("means", means), ("covariances", covs), ("cholesky", chol)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @classmethod
    def _from_trusted(cls, weights, means, covariances, cholesky, covariance_type="full"):
        """Build without re-validating: for the M-step, whose output is valid by construction."""
        gmm = object.__new__(cls)
        for name, arr in (("weights", weights), ("means", means), ("covariances", covariances), ("cholesky", cholesky)):
            arr.setflags(write=False)
            object.__setattr__(gmm, name, arr)
        object.__setattr__(gmm, "covariance_type", covariance_type)
        return gmm

    @property
    def k(self):
        return self.weights.shape[0]

    @property
    def d(self):
        return self.means.shape[1]

    def permuted(self, order):
        """The same mixture with its components listed in `order` (a permutation of range(k))."""
        order = np.asarray(order)
        if sorted(order.tolist()) != list(range(self.k)):
            raise ValueError(f"order must be a permutation of range({self.k}); got {order.tolist()}.")
        return GMM(self.weights[order], self.means[order], self.covariances[order], self.covariance_type)

    def __repr__(self):
        kind = "" if self.covariance_type == "full" else f", covariance_type={self.covariance_type!r}"
        return f"GMM(k={self.k}, d={self.d}, weights={np.round(self.weights, 3).tolist()}{kind})"


def match_components(got_means, want_means):
    """The order of components that undoes label switching: got_means[order] best matches want_means.

    EM's components come out in an arbitrary order (the k! permutations of a fit are equally good),
    so comparing two fits, or a fit with the truth, first pairs each wanted mean with one fitted mean
    so that the total squared distance is least (an assignment problem, solved exactly).

    Parameters
    ----------
    got_means : array of shape (k, d)
    want_means : array of shape (k, d)

    Returns
    -------
    list of k ints, a permutation of range(k); pass it to `GMM.permuted`
    """
    from scipy.optimize import linear_sum_assignment

    got = np.asarray(as_real_array(got_means, "got_means"), dtype=float)
    want = np.asarray(as_real_array(want_means, "want_means"), dtype=float)
    if got.ndim != 2 or got.shape != want.shape:
        raise ValueError(
            f"got_means and want_means must be arrays of the same shape (k, d); got {got.shape} and {want.shape}."
        )
    cost = ((want[:, None, :] - got[None, :, :]) ** 2).sum(axis=2)  # cost[i, j] = ||want_i - got_j||^2
    rows, cols = linear_sum_assignment(cost)
    return cols[np.argsort(rows)].tolist()


def check_gmm(gmm, name="gmm"):
    """Return `gmm` if it is a `GMM` (validated when it was built), else raise a ValueError naming `name`."""
    if not isinstance(gmm, GMM):
        raise ValueError(
            f"{name} must be a coursepkg.mixture.GMM (weights, means, covariances); got {type(gmm).__name__}. "
            "Build one with GMM(weights, means, covariances)."
        )
    return gmm


def _check_inputs(X, gmm):
    gmm = check_gmm(gmm)
    X = check_data(X)
    check_dim(X, gmm.d)
    return X, gmm


# Long arrays are processed in blocks of rows, so the temporaries stay small (and in the CPU
# cache) however many points there are: a block holds about BLOCK_ELEMENTS numbers (2 MB).
BLOCK_ELEMENTS = 2**18


def row_blocks(n, width):
    """Slices that cut range(n) into blocks of about BLOCK_ELEMENTS / width rows."""
    step = max(1, BLOCK_ELEMENTS // max(int(width), 1))
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


class LogJoint:
    """log p(x_n, z_n = j) = log pi_j + log N(x_n | mu_j, Sigma_j) for one mixture, block by block.

    This is the one place the course computes the log joint; the E-step, `weighted_log_prob`
    and everything built on them call it. What every component needs is computed once per mixture:
    with the precision Cholesky factor P_j = L_j^{-T} (so Sigma_j^{-1} = P_j P_j^T),
        (x - mu_j)^T Sigma_j^{-1} (x - mu_j) = ||(x - mu_j)^T P_j||^2.
    The k factors sit side by side in one (d, k d) matrix, so a single matrix product serves
    every component. Points are first centred on c, the average of the means:
    (x - mu_j)^T P_j = (x - c)^T P_j - (mu_j - c)^T P_j, which keeps full precision for data far
    from the origin. No argument checks: `gmm` is a GMM and X a float array of shape (m, gmm.d).

    >>> log_joint = LogJoint(gmm)                       # doctest: +SKIP
    >>> for rows in row_blocks(n, gmm.k * gmm.d):         # doctest: +SKIP
    ...     block = log_joint(X[rows])                    # (rows, k)
    """

    def __init__(self, gmm):
        k, d = gmm.k, gmm.d
        self.k = k
        self.centre = gmm.means.mean(axis=0)
        self.prec_chol = np.empty((d, k * d))
        self.shift = np.empty(k * d)
        log_det = np.empty(k)
        for j in range(k):
            L = gmm.cholesky[j]
            P = precision_cholesky(L)  # L^{-T}, so that Sigma_j^{-1} = P P^T
            self.prec_chol[:, j * d : (j + 1) * d] = P
            self.shift[j * d : (j + 1) * d] = (gmm.means[j] - self.centre) @ P
            log_det[j] = 2.0 * np.log(np.diagonal(L)).sum()  # log |Sigma_j|
        with np.errstate(divide="ignore"):  # pi_j = 0 gives log 0 = -inf, which is right
            log_weights = np.log(gmm.weights)
        # log pi_j - 1/2 [d log(2 pi) + log |Sigma_j|]: everything that does not depend on x
        self.const = log_weights - 0.5 * (d * LOG_2PI + log_det)
        # -1/2 times the sum of the squares in each component's block of d columns, as a product
        self.half_block_sum = np.repeat(-0.5 * np.eye(k), d, axis=0)  # (k d, k)

    def __call__(self, X, out=None):
        """log pi_j + log N(x_n | mu_j, Sigma_j) for the rows of X (m, d): an array (m, k), written into `out`."""
        out = np.empty((X.shape[0], self.k)) if out is None else out
        y = (X - self.centre) @ self.prec_chol  # (m, k d): block j is (x - c)^T P_j
        y -= self.shift  # block j is now (x - mu_j)^T P_j
        np.square(y, out=y)
        np.matmul(y, self.half_block_sum, out=out)  # -1/2 (x - mu_j)^T Sigma_j^{-1} (x - mu_j)
        out += self.const
        return out


def weighted_log_prob(X, gmm):
    """log pi_j + log N(x_n | mu_j, Sigma_j), the log joint log p(x_n, z_n = j).

    Parameters
    ----------
    X : array of shape (n, d)
    gmm : GMM with k components in d dimensions

    Returns
    -------
    array of shape (n, k); -inf in the columns of components of weight 0
    """
    X, gmm = _check_inputs(X, gmm)
    out = np.empty((X.shape[0], gmm.k))
    log_joint = LogJoint(gmm)
    for rows in row_blocks(X.shape[0], gmm.k * gmm.d):
        log_joint(X[rows], out=out[rows])
    return out


def log_density(X, gmm):
    """log p(x_n) = log sum_j pi_j N(x_n | mu_j, Sigma_j) for each point, by log-sum-exp.

    Parameters
    ----------
    X : array of shape (n, d)
    gmm : GMM in d dimensions

    Returns
    -------
    array of shape (n,), finite even for points far from every component
    """
    return logsumexp(weighted_log_prob(X, gmm), axis=1)


def log_likelihood(X, gmm):
    """Total log-likelihood sum_n log p(x_n | gmm).

    Parameters
    ----------
    X : array of shape (n, d)
    gmm : GMM in d dimensions

    Returns
    -------
    float (in nats)
    """
    return float(log_density(X, gmm).sum())


def sample(gmm, n, rng=None):
    """Draw n points by ancestral sampling: z ~ Cat(pi), then x ~ N(mu_z, Sigma_z).

    Parameters
    ----------
    gmm : GMM with k components in d dimensions
    n : int >= 1, the number of points
    rng : None, int or numpy.random.Generator, default None

    Returns
    -------
    X : array of shape (n, d)
    z : int array of shape (n,), the component each point came from
    """
    gmm = check_gmm(gmm)
    n = check_positive_int(n, "n")
    rng = check_rng(rng)
    z = rng.choice(gmm.k, size=n, p=gmm.weights)
    noise = rng.standard_normal((n, gmm.d))
    X = gmm.means[z] + np.einsum("nij,nj->ni", gmm.cholesky[z], noise)
    return X, z


def check_labels(z, n, k, name="z"):
    """Return z as an int array of shape (n,) with labels in 0..k-1 (integer-valued floats are accepted)."""
    z = np.asarray(z)
    if z.shape != (n,):
        raise ValueError(
            f"{name} must be a 1-D array of shape (n,) = ({n},) with one label per point; got shape {z.shape}."
        )
    if not np.issubdtype(z.dtype, np.integer):
        if z.dtype.kind in "fb" and np.all(np.isfinite(z)) and np.all(z == np.round(z)):
            z = z.astype(int)
        else:
            raise ValueError(f"{name} must hold integer component labels; got dtype {z.dtype}.")
    if z.size and (z.min() < 0 or z.max() >= k):
        raise ValueError(f"{name} must hold labels in 0..{k - 1}; got values from {z.min()} to {z.max()}.")
    return z


def complete_log_likelihood(X, z, gmm):
    """log p(X, z | theta) = sum_n [log pi_{z_n} + log N(x_n | mu_{z_n}, Sigma_{z_n})].

    With one-hot z_nk this is sum_n sum_k z_nk [log pi_k + log N(x_n | mu_k, Sigma_k)].

    Parameters
    ----------
    X : array of shape (n, d)
    z : int array of shape (n,), the component of each point, values in 0..k-1
    gmm : GMM with k components in d dimensions

    Returns
    -------
    float
    """
    X, gmm = _check_inputs(X, gmm)
    z = check_labels(z, X.shape[0], gmm.k)
    log_joint = weighted_log_prob(X, gmm)
    return float(log_joint[np.arange(X.shape[0]), z].sum())


def expected_complete_log_likelihood(X, resp, gmm):
    """Q = sum_n sum_k r_nk [log pi_k + log N(x_n | mu_k, Sigma_k)].

    The expectation of the complete-data log-likelihood when z_n ~ resp[n]: Q(theta, theta_old)
    when resp holds the responsibilities under theta_old and gmm is theta.
    Terms with r_nk = 0 contribute 0 even where pi_k = 0.

    Parameters
    ----------
    X : array of shape (n, d)
    resp : array of shape (n, k), rows summing to 1
    gmm : GMM with k components in d dimensions

    Returns
    -------
    float
    """
    X, gmm = _check_inputs(X, gmm)
    resp = check_resp(resp, X.shape[0])
    if resp.shape[1] != gmm.k:
        raise ValueError(f"resp must have one column per component, shape ({X.shape[0]}, {gmm.k}); got {resp.shape}.")
    log_joint = weighted_log_prob(X, gmm)
    positive = resp > 0  # 0 * log 0 counts as 0: skip those terms rather than multiply 0 by -inf
    return float(np.sum(resp[positive] * log_joint[positive]))
