"""The EM algorithm for Gaussian mixtures.

E-step: responsibilities r_nk = p(z_n = k | x_n, theta) by Bayes' rule, in log space.
M-step: the weighted counts N_k = sum_n r_nk give
    pi_k = N_k / n,  mu_k = sum_n r_nk x_n / N_k,
    Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k  (+ reg_covar I).
Each E-step followed by an M-step never lowers the log-likelihood.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_data,
    check_dim,
    check_n_components,
    check_nonnegative,
    check_positive_int,
    check_resp,
    check_rng,
)
from .mixture import GMM, _check_gmm, _component_log_pdf, _GaussianFactors, row_blocks

# sklearn adds the same tiny amount to N_k so that an empty component gives 0/eps, not 0/0.
_EMPTY_GUARD = 10 * np.finfo(float).eps

INIT_METHODS = ("k-means++", "random", "kmeans")


class SingularCovarianceError(ValueError):
    """A component's covariance is singular after an M-step.

    Attributes
    ----------
    component : int, the component whose covariance collapsed
    iteration : int or None, the M-step (1, 2, ...) where it happened, when run inside EM
    """

    def __init__(self, message, component=None, iteration=None):
        super().__init__(message)
        self.component = component
        self.iteration = iteration


def _singular_message(j, nk, d, iteration=None):
    when = "" if iteration is None else f" at iteration {iteration}"
    where = "they sit on one point"
    if d > 1:
        where += f", or on a line or plane, not spread in all {d} dimensions"
    return (
        f"the covariance of component {j} became singular{when}: it rests on N_k = {nk:.3g} effective points "
        f"and {where}. Use reg_covar > 0 (the default 1e-6 works in most cases) or fewer components."
    )


def _checked_cholesky(cov, mean):
    """Lower Cholesky factor of an M-step covariance, or None when it is numerically singular.

    Sigma = L L^T, and the pivot L_ii^2 is the variance of feature i left over once the
    features before it are known. A pivot at rounding level means a singular covariance:
    either relative to that feature's own variance (the points lie on a line or plane) or
    relative to the size of the mean (the component collapsed onto a point; what is left
    is rounding error in the mean).
    """
    eps = np.finfo(float).eps
    try:
        L = np.linalg.cholesky(cov)  # lower triangular
    except np.linalg.LinAlgError:
        return None
    pivots = np.diagonal(L) ** 2
    floor = np.maximum(10 * cov.shape[0] * eps * np.diagonal(cov), (100 * eps * np.abs(mean)) ** 2)
    return L if np.all(pivots > floor) else None


def _log_joint(X, gmm):
    with np.errstate(divide="ignore"):  # pi_k = 0 gives log 0 = -inf, which is right
        return _component_log_pdf(X, gmm) + np.log(gmm.weights)


def _row_max(a):
    """a.max(axis=1), as a loop over the k columns: much faster than a reduction along short rows."""
    out = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        np.maximum(out, a[:, j], out=out)
    return out


def _row_sum(a):
    """a.sum(axis=1), as a product with a vector of ones (one fast BLAS call)."""
    return a @ np.ones(a.shape[1])


def _normalise_log(log_joint, out=None):
    """Row-wise log-sum-exp and the normalised probabilities, without under- or overflow.

    log sum_k exp(a_k) = m + log sum_k exp(a_k - m) with m = max_k a_k: the largest term becomes
    exp(0) = 1, so the sum can neither underflow to 0 nor overflow.
    `out` may be log_joint itself, to normalise in place.
    """
    row_max = _row_max(log_joint)
    resp = np.subtract(log_joint, row_max[:, None], out=out)
    np.exp(resp, out=resp)
    row_sum = _row_sum(resp)  # >= 1, since the largest term is exp(0)
    resp /= row_sum[:, None]
    log_norm = np.log(row_sum) + row_max
    return resp, log_norm


def _e_step(X, gmm, out=None):
    """Responsibilities (n, k) and the total log-likelihood, block by block; `out` reuses an array."""
    n = X.shape[0]
    resp = np.empty((n, gmm.k)) if out is None else out
    factors = _GaussianFactors(gmm)
    with np.errstate(divide="ignore"):  # pi_k = 0 gives log 0 = -inf, which is right
        log_weights = np.log(gmm.weights)
    log_likelihood = 0.0
    for rows in row_blocks(n, gmm.k * gmm.d):
        log_joint = factors.log_pdf(X[rows], resp[rows])  # log N(x_n | mu_k, Sigma_k)
        log_joint += log_weights  # log pi_k N(x_n | mu_k, Sigma_k) = log p(x_n, z_n = k)
        _, log_norm = _normalise_log(log_joint, out=log_joint)  # now r_nk, in place
        log_likelihood += log_norm.sum()
    return resp, float(log_likelihood)


def e_step(X, gmm):
    """Responsibilities of each component for each point (the E-step).

    r_nk = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j), computed in log space
    with the log-sum-exp trick, so points far from every component still get valid rows.

    Parameters
    ----------
    X : array of shape (n, d)
    gmm : GMM with k components in d dimensions

    Returns
    -------
    resp : array of shape (n, k), rows summing to 1
    log_likelihood : float, sum over n of log p(x_n | gmm)
    """
    X = check_data(X)
    gmm = _check_gmm(gmm)
    check_dim(X, gmm.d)
    return _e_step(X, gmm)


def _m_step(X, resp, reg_covar):
    n, d = X.shape
    k = resp.shape[1]
    nk = resp.sum(axis=0) + _EMPTY_GUARD  # N_k, the effective number of points of each component
    means = (resp.T @ X) / nk[:, None]  # mu_k = sum_n r_nk x_n / N_k
    # Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k, from centred points (never
    # E[x x^T] - mu mu^T, which cancels catastrophically), summed over blocks of rows.
    covs = np.zeros((k, d, d))
    for rows in row_blocks(n, k * d):
        X_block, resp_block = X[rows], resp[rows]
        for j in range(k):
            diff = X_block - means[j]
            covs[j] += (resp_block[:, j, None] * diff).T @ diff
    covs /= nk[:, None, None]
    chols = np.empty_like(covs)
    for j in range(k):
        covs[j].flat[:: d + 1] += reg_covar
        covs[j] = (covs[j] + covs[j].T) / 2  # exactly symmetric despite rounding
        L = _checked_cholesky(covs[j], means[j])
        if L is None:
            raise SingularCovarianceError(_singular_message(j, nk[j], d), component=j)
        chols[j] = L
    return GMM._from_trusted(nk / n, means, covs, chols)


def m_step(X, resp, reg_covar=1e-6):
    """Parameters that maximise Q given responsibilities (the M-step).

    Parameters
    ----------
    X : array of shape (n, d)
    resp : array of shape (n, k), rows summing to 1
    reg_covar : float >= 0, added to the diagonal of each covariance

    Returns
    -------
    GMM with weights N_k / n, the responsibility-weighted means and the
    responsibility-weighted centred covariances.

    Raises
    ------
    SingularCovarianceError (a ValueError) when a covariance is numerically singular,
    e.g. with reg_covar = 0 and a component resting on one point.
    """
    X = check_data(X)
    resp = check_resp(resp, X.shape[0])
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    return _m_step(X, resp, reg_covar)


def lower_bound(X, q, gmm):
    """The evidence lower bound L(q, theta) = sum_n sum_k q_nk [log p(x_n, z_n = k | theta) - log q_nk].

    For any q, L(q, theta) <= log p(X | theta), with equality when q is the posterior
    (the E-step responsibilities); the gap is sum_n KL(q_n || p(z_n | x_n, theta)).

    Parameters
    ----------
    X : array of shape (n, d)
    q : array of shape (n, k), each row a distribution over components
    gmm : GMM

    Returns
    -------
    float
    """
    X = check_data(X)
    gmm = _check_gmm(gmm)
    check_dim(X, gmm.d)
    q = check_resp(q, X.shape[0], name="q")
    if q.shape[1] != gmm.k:
        raise ValueError(f"q must have one column per component, shape ({X.shape[0]}, {gmm.k}); got {q.shape}.")
    log_joint = _log_joint(X, gmm)
    positive = q > 0  # 0 log 0 = 0, and a zero q_nk ignores a -inf log joint
    return float(np.sum(q[positive] * (log_joint[positive] - np.log(q[positive]))))


@dataclass(frozen=True)
class EMResult:
    """Outcome of `fit_em`.

    Attributes
    ----------
    gmm : GMM, the fitted parameters
    resp : array (n, k), responsibilities under `gmm`
    history : array (n_iter + 1,), history[t] = total log-likelihood after t M-steps
    n_iter : int, number of M-steps taken
    converged : bool, whether the per-point log-likelihood gain fell below tol
    """

    gmm: GMM
    resp: np.ndarray
    history: np.ndarray
    n_iter: int
    converged: bool

    @property
    def log_likelihood(self):
        return float(self.history[-1])


def initial_gmm(X, k, init="k-means++", rng=None, reg_covar=1e-6):
    """A starting mixture for EM.

    The means are chosen by `init`:
    - "k-means++": k-means++ seeding (each new centre drawn with probability
      proportional to the squared distance to the nearest chosen centre);
    - "random": k distinct data points drawn uniformly;
    - "kmeans": the centres of Lloyd's k-means run from k-means++ seeding.
    Every component starts with weight 1/k and the covariance of the whole data
    set (plus reg_covar on the diagonal), so no component starts degenerate.
    """
    from .kmeans import kmeans, kmeans_plusplus

    X = check_data(X)
    k = check_n_components(k, X.shape[0])
    rng = check_rng(rng)
    if init == "k-means++":
        means = kmeans_plusplus(X, k, rng=rng)
    elif init == "random":
        means = X[rng.choice(X.shape[0], size=k, replace=False)]
    elif init == "kmeans":
        means = kmeans(X, k, rng=rng).centers
    else:
        raise ValueError(f"init must be one of {INIT_METHODS} or a GMM; got {init!r}.")
    d = X.shape[1]
    diff = X - X.mean(axis=0)
    cov = diff.T @ diff / X.shape[0] + reg_covar * np.eye(d)
    if np.linalg.eigvalsh(cov)[0] <= 1e-12 * max(np.trace(cov), 1.0):
        # a constant feature (or reg_covar = 0 on flat data): start from a unit-scale floor instead
        cov += 1e-6 * max(np.trace(cov) / d, 1.0) * np.eye(d)
    return GMM(np.full(k, 1.0 / k), means, np.repeat(cov[None], k, axis=0))


def _m_step_at(X, resp, reg_covar, iteration):
    """The M-step inside EM: a singular covariance is reported with the iteration it happened at."""
    try:
        return _m_step(X, resp, reg_covar)
    except SingularCovarianceError as exc:
        j = exc.component
        nk = resp[:, j].sum()
        message = _singular_message(j, nk, X.shape[1], iteration)
        raise SingularCovarianceError(message, component=j, iteration=iteration) from None


def _run_em(X, gmm, max_iter, tol, reg_covar):
    n = X.shape[0]
    resp, ll = _e_step(X, gmm)
    history = [ll]
    converged = False
    for t in range(1, max_iter + 1):
        gmm = _m_step_at(X, resp, reg_covar, iteration=t)
        resp, ll = _e_step(X, gmm, out=resp)  # the old responsibilities are no longer needed
        history.append(ll)
        if abs(history[-1] - history[-2]) / n < tol:
            converged = True
            break
    return EMResult(gmm, resp, np.array(history), len(history) - 1, converged)


def fit_em(X, init, max_iter=100, tol=1e-6, reg_covar=1e-6, rng=None, n_init=1, init_method="k-means++"):
    """Fit a Gaussian mixture by EM.

    Parameters
    ----------
    X : array of shape (n, d)
    init : int k (start from `initial_gmm(X, k, init_method, rng)`) or a GMM to start from
    max_iter : int >= 1, most M-steps per run
    tol : float >= 0, stop when the average per-point log-likelihood gains less than tol
    reg_covar : float >= 0, added to each covariance diagonal in the M-step
    rng : None, int or numpy Generator, for the initialisation
    n_init : int >= 1, number of starts; the run with the highest final log-likelihood is kept
    init_method : "k-means++", "random" or "kmeans" (see `initial_gmm`)

    Returns
    -------
    EMResult with .gmm, .resp (n, k), .history (n_iter + 1,), .n_iter, .converged

    Raises
    ------
    SingularCovarianceError (a ValueError) naming the component and the iteration when a
    covariance collapses (possible with reg_covar = 0, or too many components).
    """
    X = check_data(X)
    max_iter = check_positive_int(max_iter, "max_iter")
    n_init = check_positive_int(n_init, "n_init")
    tol = check_nonnegative(tol, "tol")
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    if isinstance(init, GMM):
        check_dim(X, init.d)
        if init.k > X.shape[0]:
            check_n_components(init.k, X.shape[0], name="init.k")
        if n_init != 1:
            raise ValueError(f"n_init must be 1 when init is a GMM (every run would start alike); got {n_init}.")
        return _run_em(X, init, max_iter, tol, reg_covar)
    if init_method not in INIT_METHODS:
        raise ValueError(f"init_method must be one of {INIT_METHODS}; got {init_method!r}.")
    k = check_n_components(init, X.shape[0], name="init")
    rng = check_rng(rng)
    best = None
    for _ in range(n_init):
        start = initial_gmm(X, k, init=init_method, rng=rng, reg_covar=reg_covar)
        result = _run_em(X, start, max_iter, tol, reg_covar)
        if best is None or result.log_likelihood > best.log_likelihood:
            best = result
    return best


class EMStepper:
    """EM one half-step at a time, for labs and demonstrations.

    >>> stepper = EMStepper(X, gmm)
    >>> stepper.e_step(); stepper.m_step()  # doctest: +SKIP

    Attributes
    ----------
    gmm : GMM, current parameters
    resp : array (n, k) or None, responsibilities from the last E-step
    history : list of float, log-likelihood of every parameter set visited
    """

    def __init__(self, X, gmm, reg_covar=1e-6):
        self.X = check_data(X)
        self.gmm = _check_gmm(gmm)
        check_dim(self.X, gmm.d)
        self.reg_covar = check_nonnegative(reg_covar, "reg_covar")
        self.resp, ll = _e_step(self.X, self.gmm)
        self._pending = (None, None)
        self.history = [ll]
        self.next_step = "M"  # the responsibilities above already match gmm

    def e_step(self):
        """Responsibilities under the current parameters."""
        pending_gmm, pending_resp = self._pending
        if pending_gmm is self.gmm:  # computed with the log-likelihood after the last M-step
            self.resp = pending_resp
        else:
            self.resp, _ = _e_step(self.X, self.gmm)
        self.next_step = "M"
        return self.resp

    def m_step(self):
        """New parameters from the current responsibilities; records their log-likelihood."""
        self.gmm = _m_step_at(self.X, self.resp, self.reg_covar, iteration=len(self.history))
        resp, ll = _e_step(self.X, self.gmm)
        self._pending = (self.gmm, resp)
        self.history.append(ll)
        self.next_step = "E"
        return self.gmm

    def step(self):
        """One full iteration: an M-step with the current responsibilities, then an E-step."""
        self.m_step()
        self.e_step()
        return self.gmm

