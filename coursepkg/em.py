"""The EM algorithm for Gaussian mixtures.

E-step: responsibilities r_nk = p(z_n = k | x_n, theta) by Bayes' rule, in log space.
M-step: the weighted counts N_k = sum_n r_nk give
    pi_k = N_k / n,  mu_k = sum_n r_nk x_n / N_k,
    Sigma_k = S_k / N_k  (+ reg_covar I),  with the centred scatter S_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T.
Each E-step followed by an M-step never lowers the log-likelihood.

Covariance types (scikit-learn's `covariance_type`; `coursepkg.mixture.COVARIANCE_TYPES`). Each M-step
maximises Q under its constraint; pi and mu are the same for all four, and reg_covar is added as
scikit-learn adds it:
    "full":      Sigma_k = S_k / N_k + reg_covar I
    "diag":      Sigma_k = diag(S_k / N_k) + reg_covar I       (one variance per feature and component)
    "spherical": Sigma_k = (tr(S_k / N_k) / d + reg_covar) I   (one variance per component)
    "tied":      Sigma   = sum_k S_k / N + reg_covar I          (one Sigma for all; N = sum_k N_k = n)
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
from .logspace import softmax_rows
from .mixture import (
    COVARIANCE_TYPES,  # noqa: F401 (em.COVARIANCE_TYPES, beside em.INIT_METHODS)
    GMM,
    LogJoint,
    check_covariance_structure,
    check_covariance_type,
    check_gmm,
    row_blocks,
    weighted_log_prob,
)

# sklearn adds the same tiny amount to N_k so that an empty component gives 0/eps, not 0/0.
EMPTY_GUARD = 10 * np.finfo(float).eps

# How `initial_gmm` (and so `fit_em`) chooses the starting means; the one list the course uses.
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


def singular_message(j, nk, d, iteration=None, covariance_type="full"):
    """What a SingularCovarianceError says about component `j` (0-based; None for a tied covariance)."""
    when = "" if iteration is None else f" at iteration {iteration}"
    remedy = "Use reg_covar > 0 (the default 1e-6 works in most cases) or fewer components."
    if covariance_type == "tied":
        where = "one point" if d == 1 else f"one point, a line or a plane, not spread in all {d} dimensions"
        return (
            f"the shared covariance (covariance_type='tied') became singular{when}: the N = {nk:.3g} points, each "
            f"measured from its component's mean, lie on {where}. {remedy}"
        )
    where = "they sit on one point"
    if covariance_type == "diag" and d > 1:
        where += " or all share the value of one feature"
    elif covariance_type == "full" and d > 1:
        where += f", or on a line or plane, not spread in all {d} dimensions"
    return (
        f"the covariance of component {j + 1} (index {j}) became singular{when}: it rests on N_k = {nk:.3g} "
        f"effective points and {where}. {remedy}"
    )


def checked_cholesky(cov, mean):
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


def _e_step(X, gmm, out=None):
    """Responsibilities (n, k) and the total log-likelihood, block by block; `out` reuses an array."""
    n = X.shape[0]
    resp = np.empty((n, gmm.k)) if out is None else out
    log_joint = LogJoint(gmm)
    log_likelihood = 0.0
    for rows in row_blocks(n, gmm.k * gmm.d):
        block = log_joint(X[rows], out=resp[rows])  # log p(x_n, z_n = k) = log pi_k + log N(x_n | mu_k, Sigma_k)
        _, log_norm = softmax_rows(block, out=block)  # now r_nk, in place; log_norm = log p(x_n)
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
    gmm = check_gmm(gmm)
    check_dim(X, gmm.d)
    return _e_step(X, gmm)


def _m_step(X, resp, reg_covar, covariance_type="full"):
    n, d = X.shape
    k = resp.shape[1]
    nk = resp.sum(axis=0) + EMPTY_GUARD  # N_k, the effective number of points of each component
    means = (resp.T @ X) / nk[:, None]  # mu_k = sum_n r_nk x_n / N_k
    # The centred scatters S_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T (never sum r x x^T - N_k mu mu^T,
    # which cancels catastrophically), summed over blocks of rows; only the parts the type needs.
    if covariance_type == "diag" or covariance_type == "spherical":
        scatter = np.zeros((k, d))  # the diagonals of S_k: weighted sums of squares, feature by feature
        for rows in row_blocks(n, k * d):
            X_block, resp_block = X[rows], resp[rows]
            for j in range(k):
                diff = X_block - means[j]
                np.square(diff, out=diff)
                scatter[j] += resp_block[:, j] @ diff
    else:
        scatter = np.zeros((k, d, d)) if covariance_type == "full" else np.zeros((d, d))  # tied: sum_k S_k
        for rows in row_blocks(n, k * d):
            X_block, resp_block = X[rows], resp[rows]
            for j in range(k):
                diff = X_block - means[j]
                product = (resp_block[:, j, None] * diff).T @ diff
                if covariance_type == "full":
                    scatter[j] += product
                else:
                    scatter += product
    return gmm_from_scatter(nk / n, means, nk, scatter, reg_covar, covariance_type)


def gmm_from_scatter(weights, means, nk, scatter, reg_covar=1e-6, covariance_type="full", iteration=None):
    """The M-step's last part: the mixture from its weights, means and centred scatters.

    Shared by `m_step` (scatters summed over the rows of X) and `coursepkg.scale.m_step_from_statistics`
    (scatters combined from blocks), so that both give the same mixture to the last digit.

    - "full": Sigma_k = S_k / N_k + reg_covar I;
    - "diag": Sigma_k = diag(S_k) / N_k + reg_covar I;
    - "spherical": Sigma_k = sigma_k^2 I, sigma_k^2 the mean of the "diag" variances;
    - "tied": Sigma = sum_k S_k / sum_k N_k + reg_covar I for every k.

    Parameters
    ----------
    weights : array of shape (k,), summing to 1
    means : array of shape (k, d)
    nk : array of shape (k,), N_k (> 0; the M-step adds `EMPTY_GUARD` to keep an empty component finite)
    scatter : the centred scatter the type needs: (k, d, d) S_k for "full"; (k, d) the diagonals of S_k
        for "diag" and "spherical"; (d, d) the pooled sum_k S_k for "tied"
    reg_covar : float >= 0, default 1e-6, added to the diagonal of each covariance
    covariance_type : one of "full", "diag", "spherical", "tied", default "full"
    iteration : int or None, named in a SingularCovarianceError

    Returns
    -------
    GMM with covariances of the type's structure as (k, d, d) arrays, and `covariance_type` set

    Raises
    ------
    SingularCovarianceError (a ValueError) when a covariance is numerically singular.
    """
    k, d = means.shape
    if covariance_type == "tied":
        cov = scatter / nk.sum()  # sum_k N_k Sigma_k / N, N = sum_k N_k (scikit-learn divides by the same sum)
        cov.flat[:: d + 1] += reg_covar
        cov = (cov + cov.T) / 2
        L = checked_cholesky(cov, np.abs(means).max(axis=0))
        if L is None:
            message = singular_message(None, nk.sum(), d, iteration, covariance_type="tied")
            raise SingularCovarianceError(message, iteration=iteration)
        return GMM._from_trusted(weights, means, np.repeat(cov[None], k, axis=0), np.repeat(L[None], k, axis=0), "tied")
    if covariance_type == "full":
        covs = scatter / nk[:, None, None]
        for j in range(k):
            covs[j].flat[:: d + 1] += reg_covar
            covs[j] = (covs[j] + covs[j].T) / 2  # exactly symmetric despite rounding
    else:
        variances = scatter / nk[:, None]
        variances += reg_covar  # scikit-learn adds reg_covar to each variance, then (spherical) averages them
        if covariance_type == "spherical":
            variances = np.repeat(variances.mean(axis=1, keepdims=True), d, axis=1)  # tr(S_k / N_k) / d + reg_covar
        covs = np.zeros((k, d, d))
        for j in range(k):
            covs[j].flat[:: d + 1] = variances[j]
    chols = np.empty_like(covs)
    for j in range(k):
        L = checked_cholesky(covs[j], means[j])
        if L is None:
            message = singular_message(j, nk[j], d, iteration, covariance_type)
            raise SingularCovarianceError(message, component=j, iteration=iteration)
        chols[j] = L
    return GMM._from_trusted(weights, means, covs, chols, covariance_type)


def m_step(X, resp, reg_covar=1e-6, covariance_type="full"):
    """Parameters that maximise Q given responsibilities (the M-step).

    With N_k = sum_n r_nk and the centred scatter S_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T, every
    type has pi_k = N_k / n and mu_k = sum_n r_nk x_n / N_k; the covariances maximise Q under the
    type's constraint (setting the gradient of Q to zero within it):

    - "full": Sigma_k = S_k / N_k + reg_covar I;
    - "diag": Sigma_k = diag(S_k / N_k) + reg_covar I (each variance is the weighted variance of its feature);
    - "spherical": Sigma_k = sigma_k^2 I with sigma_k^2 = tr(S_k / N_k) / d + reg_covar (the mean of the
      "diag" variances);
    - "tied": Sigma = sum_k S_k / N + reg_covar I for every k, with N = sum_k N_k (= n): the pooled
      within-component scatter, sum_k N_k Sigma_k / N.

    reg_covar is added as scikit-learn adds it for each type (for "spherical" the mean of the d
    regularised variances is the same number). The scatters are sums of centred products, never
    sum_n r_nk x_n x_n^T - N_k mu_k mu_k^T (scikit-learn's "diag" and "tied" formulas, which lose digits
    for data far from the origin).

    Parameters
    ----------
    X : array of shape (n, d)
    resp : array of shape (n, k), rows summing to 1
    reg_covar : float >= 0, default 1e-6 (as scikit-learn), added to the diagonal of each covariance
    covariance_type : one of "full", "diag", "spherical", "tied", default "full" (as scikit-learn)

    Returns
    -------
    GMM with weights N_k / n, the responsibility-weighted means and the covariances above, as
    (k, d, d) arrays of the type's structure, and `covariance_type` set.

    Raises
    ------
    SingularCovarianceError (a ValueError) when a covariance is numerically singular,
    e.g. with reg_covar = 0 and a component resting on one point.
    """
    X = check_data(X)
    resp = check_resp(resp, X.shape[0])
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    check_covariance_type(covariance_type)
    return _m_step(X, resp, reg_covar, covariance_type)


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
    gmm = check_gmm(gmm)
    check_dim(X, gmm.d)
    q = check_resp(q, X.shape[0], name="q")
    if q.shape[1] != gmm.k:
        raise ValueError(f"q must have one column per component, shape ({X.shape[0]}, {gmm.k}); got {q.shape}.")
    log_joint = weighted_log_prob(X, gmm)
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


def check_init(init, methods=INIT_METHODS, name="init"):
    """Return `init` if it names one of `methods`, else raise a ValueError listing them."""
    if not isinstance(init, str) or init not in methods:
        raise ValueError(
            f"{name} must be one of {methods} (how the starting means are chosen); got {init!r}. "
            "To start from given parameters, pass them in place of k."
        )
    return init


def initial_gmm(X, k, init="k-means++", rng=None, reg_covar=1e-6, covariance_type="full"):
    """A starting mixture for EM.

    Parameters
    ----------
    X : array of shape (n, d)
    k : int, 1 <= k <= n, the number of components
    init : one of INIT_METHODS, default "k-means++", how the means are chosen:
        - "k-means++": k-means++ seeding (each new mean drawn among the points with probability
          proportional to its squared distance to the nearest mean chosen so far);
        - "random": k distinct data points drawn uniformly;
        - "kmeans": the centres of Lloyd's k-means run from k-means++ seeding.
    rng : None, int or numpy.random.Generator, default None
    reg_covar : float >= 0, default 1e-6, added to the diagonal of the starting covariance
    covariance_type : one of "full", "diag", "spherical", "tied", default "full", the type of the start
        (the same random draws for every type: only the covariance changes)

    Returns
    -------
    GMM with weights 1/k, the chosen means, and every covariance equal to the covariance C of the whole
    data set (plus reg_covar on the diagonal), so that no component starts degenerate; for "diag" its
    diagonal diag(C), for "spherical" (tr(C) / d) I ("full" and "tied" keep C itself). scikit-learn
    starts instead from the covariances of its initial (k-means) clusters.
    """
    from .kmeans import kmeans, kmeans_plusplus

    X = check_data(X)
    k = check_n_components(k, X.shape[0])
    check_init(init)
    rng = check_rng(rng)
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    check_covariance_type(covariance_type)
    if init == "k-means++":
        means = kmeans_plusplus(X, k, rng=rng)
    elif init == "random":
        means = X[rng.choice(X.shape[0], size=k, replace=False)]
    else:  # "kmeans"
        means = kmeans(X, k, rng=rng).centers
    d = X.shape[1]
    diff = X - X.mean(axis=0)
    cov = diff.T @ diff / X.shape[0] + reg_covar * np.eye(d)
    if np.linalg.eigvalsh(cov)[0] <= 1e-12 * max(np.trace(cov), 1.0):
        # a constant feature (or reg_covar = 0 on flat data): start from a unit-scale floor instead
        cov += 1e-6 * max(np.trace(cov) / d, 1.0) * np.eye(d)
    if covariance_type == "diag":
        cov = np.diag(np.diagonal(cov))
    elif covariance_type == "spherical":
        cov = np.trace(cov) / d * np.eye(d)
    return GMM(np.full(k, 1.0 / k), means, np.repeat(cov[None], k, axis=0), covariance_type)


def has_converged(previous_log_likelihood, log_likelihood, n, tol):
    """The stopping rule of every EM loop in the course: |gain| / n < tol.

    The log-likelihood is a sum over n points, so the test is on the average gain per point
    (scikit-learn's `GaussianMixture` tests the same quantity, the change of its per-point lower
    bound). With tol = 0 it never holds: the loop runs its `max_iter` iterations.
    """
    return abs(log_likelihood - previous_log_likelihood) / n < tol


@dataclass(frozen=True)
class EMIteration:
    """One EM iteration: the new parameters, the responsibilities under them, and the stopping test.

    Attributes
    ----------
    gmm : GMM, the parameters after the M-step
    resp : array (n, k), the E-step responsibilities under `gmm` (ready for the next M-step)
    log_likelihood : float, log p(X | gmm)
    gain : float, log_likelihood minus the log-likelihood before the iteration (>= 0 up to rounding
        when reg_covar = 0: EM never lowers the log-likelihood)
    converged : bool, whether `has_converged` holds for this gain
    """

    gmm: GMM
    resp: np.ndarray
    log_likelihood: float
    gain: float
    converged: bool


def _em_iteration(X, resp, log_likelihood, reg_covar, tol, iteration, out=None, covariance_type="full"):
    try:
        gmm = _m_step(X, resp, reg_covar, covariance_type)
    except SingularCovarianceError as exc:  # say when it happened
        j = exc.component
        nk = resp.sum() if j is None else resp[:, j].sum()
        message = singular_message(j, nk, X.shape[1], iteration, covariance_type)
        raise SingularCovarianceError(message, component=j, iteration=iteration) from None
    new_resp, new_log_likelihood = _e_step(X, gmm, out=out)
    converged = has_converged(log_likelihood, new_log_likelihood, X.shape[0], tol)
    return EMIteration(gmm, new_resp, new_log_likelihood, new_log_likelihood - log_likelihood, converged)


def em_iteration(X, resp, log_likelihood, reg_covar=1e-6, tol=0.0, iteration=None, out=None, covariance_type="full"):
    """One EM iteration: the M-step from `resp`, the E-step under the new parameters, the stopping test.

    This is the step that `fit_em`, `EMStepper` and the labs all take, so that they agree to the last digit.

    Parameters
    ----------
    X : array of shape (n, d)
    resp : array of shape (n, k), the current responsibilities (rows summing to 1)
    log_likelihood : float, the log-likelihood of the parameters `resp` came from (for the gain)
    reg_covar : float >= 0, default 1e-6, added to the diagonal of each new covariance
    tol : float >= 0, default 0, the tolerance of `has_converged` (0: never converged)
    iteration : int or None, the number of this M-step (1, 2, ...), named in a `SingularCovarianceError`
    out : None or an array (n, k) for the new responsibilities; it may be `resp` itself, which the
        M-step has finished reading by then (saves memory in long runs)
    covariance_type : one of "full", "diag", "spherical", "tied", default "full", the M-step's constraint
        (see `m_step`)

    Returns
    -------
    EMIteration with .gmm, .resp, .log_likelihood, .gain, .converged

    Raises
    ------
    SingularCovarianceError (a ValueError) when a new covariance is numerically singular.
    """
    X = check_data(X)
    resp = check_resp(resp, X.shape[0])
    reg_covar = check_nonnegative(reg_covar, "reg_covar")
    tol = check_nonnegative(tol, "tol")
    check_covariance_type(covariance_type)
    log_likelihood = float(log_likelihood)
    if out is not None and (not isinstance(out, np.ndarray) or out.shape != resp.shape or out.dtype != float):
        raise ValueError(f"out must be None or a float array of shape {resp.shape}; got {type(out).__name__}.")
    return _em_iteration(X, resp, log_likelihood, reg_covar, tol, iteration, out=out, covariance_type=covariance_type)


def start_covariance_type(gmm, covariance_type, name):
    """The covariance type of a run from the mixture `gmm`: its own (None), or one its covariances fit."""
    if covariance_type is None:
        return gmm.covariance_type
    check_covariance_type(covariance_type)
    try:
        check_covariance_structure(gmm.covariances, covariance_type)
    except ValueError as exc:
        raise ValueError(
            f"{name} (a GMM with covariance_type={gmm.covariance_type!r}) cannot start a run with "
            f"covariance_type={covariance_type!r}: {exc} Start from "
            f"initial_gmm(X, k, covariance_type={covariance_type!r}), or leave covariance_type=None."
        ) from None
    return covariance_type


def _run_em(X, gmm, max_iter, tol, reg_covar, covariance_type="full"):
    resp, log_likelihood = _e_step(X, gmm)
    history = [log_likelihood]
    converged = False
    for t in range(1, max_iter + 1):
        step = _em_iteration(
            X, resp, history[-1], reg_covar, tol, iteration=t, out=resp, covariance_type=covariance_type
        )
        gmm, resp = step.gmm, step.resp
        history.append(step.log_likelihood)
        if step.converged:
            converged = True
            break
    return EMResult(gmm, resp, np.array(history), len(history) - 1, converged)


def fit_em(
    X, k_or_gmm, max_iter=100, tol=1e-6, init="k-means++", reg_covar=1e-6, rng=None, n_init=1, covariance_type=None
):
    """Fit a Gaussian mixture by EM.

    Parameters
    ----------
    X : array of shape (n, d)
    k_or_gmm : int or GMM. An int k (1 <= k <= n) starts from `initial_gmm(X, k, init, rng)`;
        a GMM (with d matching X) is the starting mixture itself.
    max_iter : int >= 1, default 100, the most M-steps per run
    tol : float >= 0, default 1e-6. A run stops when an iteration raises the log-likelihood by less
        than tol per point (`has_converged`). scikit-learn's `GaussianMixture` uses tol = 1e-3 on the
        same per-point quantity: the course's default runs longer and ends closer to the maximum.
    init : one of INIT_METHODS, default "k-means++", how the starting means are chosen when k_or_gmm is
        an int (see `initial_gmm`). scikit-learn's default is "kmeans" (a full k-means run).
    reg_covar : float >= 0, default 1e-6 (as scikit-learn), added to each covariance diagonal in the M-step
    rng : None, int or numpy.random.Generator, default None, the randomness of the initialisation
    n_init : int >= 1, default 1, the number of starts; the run with the highest final log-likelihood is
        kept. Must be 1 when k_or_gmm is a GMM.
    covariance_type : None or one of "full", "diag", "spherical", "tied", the constraint on the covariances
        (see `m_step`). None (the default) means "full" when k_or_gmm is an int (scikit-learn's default too)
        and the start's own `covariance_type` when it is a GMM. A GMM start must have the structure of the
        type asked for (a "diag" start may begin a "full" run, a "full" one may not begin a "diag" run):
        then no iteration lowers the log-likelihood.

    Returns
    -------
    EMResult with .gmm (whose covariance_type is the run's), .resp (n, k), .history (n_iter + 1,),
    .n_iter, .converged

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
    if isinstance(k_or_gmm, GMM):
        check_dim(X, k_or_gmm.d)
        check_n_components(k_or_gmm.k, X.shape[0], name="k_or_gmm.k")
        if n_init != 1:
            raise ValueError(f"n_init must be 1 when k_or_gmm is a GMM (every run would start alike); got {n_init}.")
        covariance_type = start_covariance_type(k_or_gmm, covariance_type, "k_or_gmm")
        return _run_em(X, k_or_gmm, max_iter, tol, reg_covar, covariance_type)
    covariance_type = "full" if covariance_type is None else check_covariance_type(covariance_type)
    check_init(init)
    k = check_n_components(k_or_gmm, X.shape[0], name="k_or_gmm")
    rng = check_rng(rng)
    best = None
    for _ in range(n_init):
        start = initial_gmm(X, k, init=init, rng=rng, reg_covar=reg_covar, covariance_type=covariance_type)
        result = _run_em(X, start, max_iter, tol, reg_covar, covariance_type)
        if best is None or result.log_likelihood > best.log_likelihood:
            best = result
    return best


class EMStepper:
    """EM one half-step at a time, for labs and demonstrations; every M-step is an `em_iteration`.

    >>> stepper = EMStepper(X, gmm)
    >>> stepper.m_step(); stepper.e_step()  # doctest: +SKIP

    Parameters
    ----------
    X : array of shape (n, d)
    gmm : GMM, the starting parameters
    reg_covar : float >= 0, default 1e-6
    covariance_type : None or one of "full", "diag", "spherical", "tied", default None (the type of `gmm`);
        the M-steps' constraint, as in `fit_em`

    Attributes
    ----------
    gmm : GMM, current parameters
    resp : array (n, k), responsibilities from the last E-step (the starting E-step is taken at once)
    history : list of float, log-likelihood of every parameter set visited
    next_step : "M" or "E", the half-step that would change something next
    """

    def __init__(self, X, gmm, reg_covar=1e-6, covariance_type=None):
        self.X = check_data(X)
        self.gmm = check_gmm(gmm)
        check_dim(self.X, gmm.d)
        self.reg_covar = check_nonnegative(reg_covar, "reg_covar")
        self.covariance_type = start_covariance_type(self.gmm, covariance_type, "gmm")
        self.resp, log_likelihood = _e_step(self.X, self.gmm)
        self._pending = None  # the EMIteration of the last M-step, whose E-step is not shown yet
        self.history = [log_likelihood]
        self.next_step = "M"  # the responsibilities above already match gmm

    def e_step(self):
        """Responsibilities under the current parameters.

        After an M-step they were computed by its iteration already; parameters set from outside
        (a lab dragging a mean) get a fresh E-step.
        """
        if self._pending is not None and self._pending.gmm is self.gmm:
            self.resp = self._pending.resp
        else:
            self.resp, _ = _e_step(self.X, self.gmm)
        self._pending = None
        self.next_step = "M"
        return self.resp

    def m_step(self):
        """New parameters from the current responsibilities; records their log-likelihood."""
        step = _em_iteration(
            self.X,
            self.resp,
            self.history[-1],
            self.reg_covar,
            0.0,
            iteration=len(self.history),
            covariance_type=self.covariance_type,
        )
        self.gmm, self._pending = step.gmm, step
        self.history.append(step.log_likelihood)
        self.next_step = "E"
        return self.gmm

    def step(self):
        """One full iteration: an M-step with the current responsibilities, then an E-step."""
        self.m_step()
        self.e_step()
        return self.gmm
