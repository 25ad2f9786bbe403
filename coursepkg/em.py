"""The EM algorithm for Gaussian mixtures.

E-step: responsibilities r_nk = p(z_n = k | x_n, theta) by Bayes' rule, in log space.
M-step: the weighted counts N_k = sum_n r_nk give
    pi_k = N_k / n,  mu_k = sum_n r_nk x_n / N_k,
    Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k  (+ reg_covar I).
Each E-step followed by an M-step never lowers the log-likelihood.
"""

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from ._validation import (
    check_data,
    check_dim,
    check_n_components,
    check_nonnegative,
    check_positive_int,
    check_resp,
    check_rng,
)
from .mixture import GMM, _check_gmm, _component_log_pdf

# sklearn adds the same tiny amount to N_k so that an empty component gives 0/eps, not 0/0.
_EMPTY_GUARD = 10 * np.finfo(float).eps

INIT_METHODS = ("k-means++", "random", "kmeans")


class SingularCovarianceError(ValueError):
    """A component's covariance is not positive-definite after an M-step."""


def _log_joint(X, gmm):
    with np.errstate(divide="ignore"):  # pi_k = 0 gives log 0 = -inf, which is right
        return _component_log_pdf(X, gmm) + np.log(gmm.weights)


def _normalise_log(log_joint):
    """Row-wise log-sum-exp and the normalised probabilities, without under- or overflow."""
    row_max = log_joint.max(axis=1, keepdims=True)
    resp = np.exp(log_joint - row_max)
    row_sum = resp.sum(axis=1, keepdims=True)
    resp /= row_sum
    log_norm = np.log(row_sum[:, 0]) + row_max[:, 0]
    return resp, log_norm


def _e_step(X, gmm):
    resp, log_norm = _normalise_log(_log_joint(X, gmm))
    return resp, float(log_norm.sum())


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
    nk = resp.sum(axis=0) + _EMPTY_GUARD
    means = (resp.T @ X) / nk[:, None]
    covs = np.empty((resp.shape[1], d, d))
    chols = np.empty_like(covs)
    for j in range(resp.shape[1]):
        diff = X - means[j]  # centred second moments: never E[x x^T] - mu mu^T
        covs[j] = (resp[:, j, None] * diff).T @ diff / nk[j]
        covs[j].flat[:: d + 1] += reg_covar
        try:
            chols[j] = linalg.cholesky(covs[j], lower=True, check_finite=False)
        except linalg.LinAlgError:
            raise SingularCovarianceError(
                f"the covariance of component {j} is singular (it rests on N_k = {nk[j]:.3g} effective points "
                f"that do not span {d} dimensions). Use reg_covar > 0 (the default 1e-6 works in most cases) "
                "or fewer components."
            ) from None
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


def _run_em(X, gmm, max_iter, tol, reg_covar):
    n = X.shape[0]
    resp, ll = _e_step(X, gmm)
    history = [ll]
    converged = False
    for t in range(1, max_iter + 1):
        try:
            gmm = _m_step(X, resp, reg_covar)
        except SingularCovarianceError as exc:
            raise SingularCovarianceError(f"at iteration {t}, {exc}") from None
        resp, ll = _e_step(X, gmm)
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
        self.history = [ll]
        self.next_step = "M"  # the responsibilities above already match gmm

    def e_step(self):
        self.resp, _ = _e_step(self.X, self.gmm)
        self.next_step = "M"
        return self.resp

    def m_step(self):
        self.gmm = _m_step(self.X, self.resp, self.reg_covar)
        self.history.append(_e_step(self.X, self.gmm)[1])
        self.next_step = "E"
        return self.gmm

    def step(self):
        """One full iteration: an M-step with the current responsibilities, then an E-step."""
        self.m_step()
        self.e_step()
        return self.gmm

