"""A mixture of Bernoullis fitted by EM: the course's second latent-variable model (lesson 11).

Each point is a binary vector x in {0, 1}^d (a binarised 8x8 digit: d = 64 pixels, on or off).
The generative story: pick a component z ~ Cat(pi), then switch each pixel j on independently
with probability p_zj. So, with theta = (pi (k,), p (k, d)),

    log p(x_n, z_n = k | theta) = log pi_k + sum_j [x_nj log p_kj + (1 - x_nj) log(1 - p_kj)],

and log p(x_n | theta) = logsumexp_k of that. The row p_k is the component's *prototype*: a
grey-level image of how often each pixel is on.

EM is the generic recipe of lesson 11 applied to this model:

E-step  r_nk = p(z_n = k | x_n, theta_old), Bayes' rule in log space (log-sum-exp), exactly as
        for a Gaussian mixture: only the log joint changes.
M-step  maximise Q(theta, theta_old) + log p(theta) over theta, where
        Q = sum_n sum_k r_nk log p(x_n, z_n = k | theta). With N_k = sum_n r_nk and
        S_kj = sum_n r_nk x_nj (the expected sufficient statistics):
          - weights, no prior (equivalently a flat Dirichlet(1, ..., 1), whose MAP is the ML
            estimate): a Lagrange multiplier for sum_k pi_k = 1 gives pi_k = N_k / n;
          - each p_kj with a Beta(alpha, beta) prior: the terms of Q + log p(theta) that hold p_kj are
            (S_kj + alpha - 1) log p_kj + (N_k - S_kj + beta - 1) log(1 - p_kj), a concave function
            whose derivative (S_kj + alpha - 1) / p - (N_k - S_kj + beta - 1) / (1 - p) vanishes at
                p_kj = (S_kj + alpha - 1) / (N_k + alpha + beta - 2).
        alpha = beta = 2 (the default) is Laplace's rule of succession, (S + 1) / (N_k + 2): one
        pseudo-pixel on and one off per prototype, so every p_kj lies strictly inside (0, 1) and no
        pixel is ever "impossible". alpha = beta = 1 is the maximum-likelihood M-step (p_kj may be 0 or 1).

With a prior, EM climbs the log posterior (up to the constant log p(X)),
    F(theta) = log p(X | theta) + log p(theta),   log p(theta) = sum_kj log Beta(p_kj | alpha, beta),
and F, not the log-likelihood, is the quantity that never decreases: `fit_bernoulli_em` records F in
its history (the log-likelihood alone may dip). The decomposition of lesson 04 holds unchanged for
this model: log p(X | theta) = L(q, theta) + sum_n KL(q_n || p(z_n | x_n, theta)) (`lower_bound`).
"""

import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, xlog1py, xlogy

from ._validation import as_real_array, check_n_components, check_nonnegative, check_positive_int, check_resp, check_rng
from .em import has_converged
from .logspace import softmax_rows
from .mixture import weight_tolerance

# The default prior on every p_kj: Beta(2, 2), Laplace's rule of succession.
DEFAULT_PRIOR = (2.0, 2.0)

# An empty component (N_k = 0) with alpha = beta = 1 would give 0 / 0; this makes it 0 / eps = 0 (as em.py).
_EMPTY_GUARD = 10 * np.finfo(float).eps


@dataclass(frozen=True, eq=False)
class BernoulliMixture:
    """Parameters of a mixture of k Bernoulli products in d dimensions, validated on construction.

    Parameters
    ----------
    weights : array of shape (k,), non-negative, summing to 1
    probs : array of shape (k, d), each entry in [0, 1]: probs[k, j] = p(x_j = 1 | z = k)

    Attributes
    ----------
    k, d : int
    """

    weights: np.ndarray
    probs: np.ndarray

    def __post_init__(self):
        given_dtype = np.asarray(self.weights).dtype
        weights = np.array(as_real_array(self.weights, "weights"), dtype=float)
        probs = np.array(as_real_array(self.probs, "probs"), dtype=float)
        if weights.ndim != 1 or weights.size < 1:
            raise ValueError(f"weights must be a 1-D array of shape (k,); got an array of shape {weights.shape}.")
        k = weights.size
        if probs.ndim != 2 or probs.shape[0] != k or probs.shape[1] < 1:
            raise ValueError(
                f"probs must have shape (k, d) = ({k}, d) to match the {k} weights (one row of pixel "
                f"probabilities per component); got an array of shape {probs.shape}."
            )
        for name, arr in (("weights", weights), ("probs", probs)):
            if not np.all(np.isfinite(arr)):
                bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
                raise ValueError(f"{name} must contain only finite numbers; got {arr[bad]} at index {bad}.")
        if weights.min() < 0:
            raise ValueError(f"weights must be non-negative; got {weights}.")
        tolerance = weight_tolerance(given_dtype, k)
        if abs(weights.sum() - 1) > tolerance:
            raise ValueError(
                f"weights must sum to 1 (within {tolerance:.3g}); they sum to {weights.sum():.10g}. "
                "Divide them by their sum (in float64)."
            )
        weights /= weights.sum()
        if probs.min() < 0 or probs.max() > 1:
            bad = tuple(int(i) for i in np.unravel_index(np.argmax(np.maximum(-probs, probs - 1)), probs.shape))
            raise ValueError(
                f"probs must lie in [0, 1] (each is the probability that a pixel is on); got {probs[bad]:.6g} at "
                f"[{bad[0]}, {bad[1]}]."
            )
        for name, arr in (("weights", weights), ("probs", probs)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @classmethod
    def _from_trusted(cls, weights, probs):
        """Build without re-validating: for the M-step, whose output is valid by construction."""
        mixture = object.__new__(cls)
        for name, arr in (("weights", weights), ("probs", probs)):
            arr.setflags(write=False)
            object.__setattr__(mixture, name, arr)
        return mixture

    @property
    def k(self):
        return self.weights.shape[0]

    @property
    def d(self):
        return self.probs.shape[1]

    def prototypes(self, shape=(8, 8)):
        """The rows of probs as images: an array of shape (k, *shape) (default (k, 8, 8), for the digits)."""
        shape = tuple(shape)
        if int(np.prod(shape)) != self.d:
            raise ValueError(f"shape must have {self.d} pixels in all (the model's d); got {shape}.")
        return self.probs.reshape((self.k, *shape))

    def permuted(self, order):
        """The same mixture with its components listed in `order` (a permutation of range(k))."""
        order = np.asarray(order)
        if sorted(order.tolist()) != list(range(self.k)):
            raise ValueError(f"order must be a permutation of range({self.k}); got {order.tolist()}.")
        return BernoulliMixture(self.weights[order], self.probs[order])

    def __repr__(self):
        return f"BernoulliMixture(k={self.k}, d={self.d}, weights={np.round(self.weights, 3).tolist()})"


# ---------------------------------------------------------------- input checks


def check_binary_data(X, name="X"):
    """Return X as a float array of shape (n, d) holding only 0.0 and 1.0, or raise ValueError."""
    X = as_real_array(X, name)
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of 0s and 1s; could not convert it ({exc}).") from None
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_pixels) with at least one point; got an array of "
            f"shape {X.shape}. For 8x8 images use binarise(images), which returns shape (n, 64)."
        )
    bad = (X != 0) & (X != 1)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} must hold only 0s and 1s (pixels off or on); got {X[row, col]:.6g} at row {row}, column {col}. "
            "Binarise grey levels first, e.g. binarise(images, threshold=8)."
        )
    return X


def check_mixture(mixture, name="mixture"):
    if not isinstance(mixture, BernoulliMixture):
        raise ValueError(
            f"{name} must be a BernoulliMixture(weights, probs); got {type(mixture).__name__}. "
            "Build one with BernoulliMixture(weights, probs) or initial_mixture(X, k, rng)."
        )
    return mixture


def _check_X_mixture(X, mixture):
    X = check_binary_data(X)
    mixture = check_mixture(mixture)
    if X.shape[1] != mixture.d:
        raise ValueError(
            f"X has {X.shape[1]} pixels per point but the mixture has d={mixture.d}; X must have shape "
            f"(n_samples, {mixture.d})."
        )
    return X, mixture


def check_beta_prior(alpha, beta):
    """Return (alpha, beta) as floats >= 1, or raise: below 1 the Beta density is unbounded at 0 or 1."""
    out = []
    for name, value in (("alpha", alpha), ("beta", beta)):
        v = check_nonnegative(value, name)
        if v < 1:
            raise ValueError(
                f"{name} must be at least 1 (a Beta({name} < 1) prior is infinite at the boundary, so the MAP "
                f"estimate would run off to 0 or 1); got {value!r}. Use 2 for Laplace smoothing, 1 for no prior."
            )
        out.append(v)
    return tuple(out)


def _check_prior(prior):
    if prior is None:
        return 1.0, 1.0
    if isinstance(prior, str) or np.ndim(prior) != 1 or len(prior) != 2:
        raise ValueError(
            f"prior must be None (maximum likelihood) or a pair (alpha, beta) of Beta-prior parameters >= 1, "
            f"e.g. (2, 2); got {prior!r}."
        )
    return check_beta_prior(*prior)


# ---------------------------------------------------------------- data


def binarise(images, threshold=8.0):
    """Binary images from grey levels: pixel on (1) where its intensity is >= threshold.

    Made for scikit-learn's 8x8 digits (`sklearn.datasets.load_digits`), whose intensities are the
    integers 0..16; the default threshold 8 is half the range.

    Parameters
    ----------
    images : array of shape (n, 8, 8) (`load_digits().images`) or (n, 64) (`load_digits().data`),
        intensities in [0, 16]
    threshold : float in (0, 16], default 8

    Returns
    -------
    array of shape (n, 64), float, holding only 0.0 and 1.0 (each image read row by row)
    """
    arr = as_real_array(images, "images")
    try:
        arr = np.asarray(arr, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"images must be an array of numbers; could not convert it ({exc}).") from None
    if not ((arr.ndim == 3 and arr.shape[1:] == (8, 8)) or (arr.ndim == 2 and arr.shape[1] == 64)) or len(arr) < 1:
        raise ValueError(
            f"images must have shape (n, 8, 8) or (n, 64) (scikit-learn's 8x8 digits), n >= 1; got an array of "
            f"shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"images must hold finite intensities in [0, 16]; got {arr[bad]} at index {bad}.")
    if arr.min() < 0 or arr.max() > 16:
        raise ValueError(
            f"images must hold intensities in [0, 16] (as load_digits gives them); got values from "
            f"{arr.min():.6g} to {arr.max():.6g}."
        )
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < threshold <= 16:
        raise ValueError(
            f"threshold must be a number in (0, 16] (0 would switch every pixel on, above 16 none); got {threshold!r}."
        )
    return (arr.reshape(len(arr), 64) >= threshold).astype(float)


def load_binary_digits(threshold=8.0):
    """scikit-learn's 1797 handwritten digits, binarised: (X (1797, 64) of 0/1, labels (1797,) in 0..9).

    The data ship with scikit-learn (no download).
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    return binarise(digits.images, threshold), digits.target.copy()


# ---------------------------------------------------------------- the model


def _log_joint(X, mixture):
    probs = mixture.probs
    on, off = probs > 0, probs < 1
    with np.errstate(divide="ignore"):
        log_on = np.where(on, np.log(np.where(on, probs, 1.0)), 0.0)  # log p_kj, 0 where p_kj = 0
        log_off = np.where(off, np.log1p(-np.where(off, probs, 0.0)), 0.0)  # log(1 - p_kj), 0 where p_kj = 1
        log_weights = np.log(mixture.weights)
    out = X @ log_on.T + (1 - X) @ log_off.T + log_weights
    # x_nj = 1 where p_kj = 0, or x_nj = 0 where p_kj = 1: that component cannot have made the point
    contradictions = X @ (~on).T + (1 - X) @ (~off).T
    out[contradictions > 0] = -np.inf
    return out


def log_joint(X, mixture):
    """The log joint log p(x_n, z_n = k) = log pi_k + sum_j [x_nj log p_kj + (1 - x_nj) log(1 - p_kj)].

    Computed as two matrix products of the data with the tables log p and log(1 - p). Probabilities of
    exactly 0 or 1 are safe where the data allow them (0 log 0 = 0: a pixel that is off contributes
    nothing from log p_kj = -inf); where the data contradict them (pixel on but p_kj = 0, or off but
    p_kj = 1) the entry is -inf, as it is for a component of weight 0.

    Parameters
    ----------
    X : array of shape (n, d) of 0s and 1s
    mixture : BernoulliMixture with k components in d dimensions

    Returns
    -------
    array of shape (n, k), finite or -inf
    """
    X, mixture = _check_X_mixture(X, mixture)
    return _log_joint(X, mixture)


def _e_step(X, mixture):
    table = _log_joint(X, mixture)
    impossible = np.isneginf(table).all(axis=1)
    if impossible.any():
        n = int(np.argmax(impossible))
        raise ValueError(
            f"point {n} of X has probability 0 under every component of the mixture (each has weight 0 or a "
            "probability of exactly 0 or 1 that a pixel of this point contradicts), so its responsibilities are "
            "undefined. Keep probs strictly inside (0, 1), e.g. with the M-step's Beta prior (alpha, beta > 1)."
        )
    resp, log_norm = softmax_rows(table, out=table)
    return resp, float(log_norm.sum())


def e_step(X, mixture):
    """Responsibilities of each component for each point (the E-step).

    r_nk = pi_k p(x_n | p_k) / sum_j pi_j p(x_n | p_j), by log-sum-exp over the log joint: a product of
    64 pixel probabilities is easily 1e-30, and of many more it underflows, but its log does not.

    Parameters
    ----------
    X : array of shape (n, d) of 0s and 1s
    mixture : BernoulliMixture with k components in d dimensions

    Returns
    -------
    resp : array of shape (n, k), rows summing to 1
    log_likelihood : float, sum_n log p(x_n | mixture) (without any prior)

    Raises
    ------
    ValueError when a point is impossible under every component (only with probs of exactly 0 or 1).
    """
    X, mixture = _check_X_mixture(X, mixture)
    return _e_step(X, mixture)


def log_likelihood(X, mixture):
    """Total log-likelihood sum_n log p(x_n | mixture), a float (-inf if a point is impossible)."""
    X, mixture = _check_X_mixture(X, mixture)
    table = _log_joint(X, mixture)
    impossible = np.isneginf(table).all(axis=1)
    if impossible.any():
        return -np.inf
    return float(softmax_rows(table, out=table)[1].sum())


def _log_prior(probs, alpha, beta):
    # xlogy(0, 0) = 0: with alpha = 1 a probability of 0 costs nothing
    terms = xlogy(alpha - 1, probs) + xlog1py(beta - 1, -probs)
    return float(terms.sum() - probs.size * betaln(alpha, beta))


def log_prior(mixture, alpha=2.0, beta=2.0):
    """log p(theta) = sum_kj log Beta(p_kj | alpha, beta); the weights carry no prior (a flat Dirichlet).

    sum_kj [(alpha - 1) log p_kj + (beta - 1) log(1 - p_kj)] - k d log B(alpha, beta): 0 for
    alpha = beta = 1, -inf when alpha > 1 (beta > 1) and some p_kj is 0 (1).
    """
    mixture = check_mixture(mixture)
    alpha, beta = check_beta_prior(alpha, beta)
    return _log_prior(mixture.probs, alpha, beta)


def log_posterior(X, mixture, alpha=2.0, beta=2.0):
    """The MAP objective F = log p(X | theta) + log p(theta), EM's monotone quantity under a Beta prior."""
    alpha, beta = check_beta_prior(alpha, beta)
    return log_likelihood(X, mixture) + log_prior(mixture, alpha, beta)


def expected_complete_log_posterior(X, resp, mixture, alpha=2.0, beta=2.0):
    """Q(theta, theta_old) + log p(theta) = sum_n sum_k r_nk log p(x_n, z_n = k | theta) + log p(theta).

    The function the M-step maximises over theta = `mixture` when resp holds the responsibilities
    under theta_old. Terms with r_nk = 0 contribute 0 even where the log joint is -inf. With
    alpha = beta = 1 it is the expected complete-data log-likelihood Q itself.

    Parameters
    ----------
    X : array of shape (n, d) of 0s and 1s
    resp : array of shape (n, k), rows summing to 1
    mixture : BernoulliMixture with k components in d dimensions
    alpha, beta : floats >= 1, default 2, the Beta prior on every p_kj

    Returns
    -------
    float (-inf where a positive responsibility meets an impossible component)
    """
    X, mixture = _check_X_mixture(X, mixture)
    resp = _check_resp_k(resp, X.shape[0], mixture.k)
    alpha, beta = check_beta_prior(alpha, beta)
    table = _log_joint(X, mixture)
    positive = resp > 0
    return float(np.sum(resp[positive] * table[positive])) + _log_prior(mixture.probs, alpha, beta)


def _check_resp_k(resp, n, k, name="resp"):
    resp = check_resp(resp, n, name=name)
    if resp.shape[1] != k:
        raise ValueError(f"{name} must have one column per component, shape ({n}, {k}); got {resp.shape}.")
    return resp


def _m_step(X, resp, alpha, beta):
    nk = resp.sum(axis=0)  # N_k, the effective number of points of each component
    on = resp.T @ X  # S_kj = sum_n r_nk x_nj, the expected number of points of k with pixel j on
    pseudo = alpha + beta - 2
    denominator = nk + (pseudo if pseudo > 0 else _EMPTY_GUARD)  # N_k + alpha + beta - 2
    probs = (on + (alpha - 1)) / denominator[:, None]
    np.clip(probs, 0.0, 1.0, out=probs)  # only rounding can take it out of [0, 1]
    weights = nk / nk.sum()  # N_k / n: sum_k N_k = n, up to how far resp's rows are from summing to 1
    return BernoulliMixture._from_trusted(weights, probs)


def m_step(X, resp, alpha=2.0, beta=2.0):
    """Parameters that maximise Q(theta, theta_old) + log p(theta) given responsibilities (the M-step).

    With N_k = sum_n r_nk and S_kj = sum_n r_nk x_nj:

    - pi_k = N_k / n: no prior on the weights (a flat Dirichlet, whose MAP is the ML estimate); the
      Lagrange multiplier for sum_k pi_k = 1 is -n, exactly as for a Gaussian mixture;
    - p_kj = (S_kj + alpha - 1) / (N_k + alpha + beta - 2), the mode of the Beta(S_kj + alpha,
      N_k - S_kj + beta) posterior: where d/dp of (S_kj + alpha - 1) log p + (N_k - S_kj + beta - 1) log(1 - p)
      vanishes. It lies strictly inside (0, 1) when alpha > 1 and beta > 1 (the default 2, 2 is Laplace's
      (S + 1) / (N + 2)); alpha = beta = 1 gives the ML estimate S_kj / N_k, which may be 0 or 1.

    An empty component (N_k = 0) gets weight 0 and the prior's mode (alpha - 1) / (alpha + beta - 2)
    (0 under ML).

    Parameters
    ----------
    X : array of shape (n, d) of 0s and 1s
    resp : array of shape (n, k), rows summing to 1
    alpha, beta : floats >= 1, default 2, the Beta(alpha, beta) prior on every p_kj

    Returns
    -------
    BernoulliMixture with k components in d dimensions
    """
    X = check_binary_data(X)
    resp = check_resp(resp, X.shape[0])
    alpha, beta = check_beta_prior(alpha, beta)
    return _m_step(X, resp, alpha, beta)


def lower_bound(X, q, mixture):
    """The evidence lower bound L(q, theta) = sum_n sum_k q_nk [log p(x_n, z_n = k | theta) - log q_nk].

    For any q, log p(X | theta) = L(q, theta) + sum_n KL(q_n || p(z_n | x_n, theta)), so L <= log p(X | theta)
    with equality exactly when q is the posterior (the E-step responsibilities). Terms with q_nk = 0 count
    0 (0 log 0 = 0, and a zero q_nk ignores a -inf log joint).

    Parameters
    ----------
    X : array of shape (n, d) of 0s and 1s
    q : array of shape (n, k), each row a distribution over components
    mixture : BernoulliMixture with k components in d dimensions

    Returns
    -------
    float
    """
    X, mixture = _check_X_mixture(X, mixture)
    q = _check_resp_k(q, X.shape[0], mixture.k, name="q")
    table = _log_joint(X, mixture)
    positive = q > 0
    return float(np.sum(q[positive] * (table[positive] - np.log(q[positive]))))


# ---------------------------------------------------------------- EM


def initial_mixture(X, k, rng=None):
    """A starting mixture for EM on binary data.

    The k seeds are data points chosen by k-means++ (`coursepkg.kmeans.kmeans_plusplus`: for 0/1 vectors
    the squared distance is the number of pixels that differ, the Hamming distance), so they tend to be
    different digits. Each prototype starts halfway between its seed and the mean image xbar, squeezed
    into [0.25, 0.75] so that no pixel starts certain:

        p_k = 0.25 + 0.5 (x_seed(k) + xbar) / 2,    pi_k = 1 / k.

    Parameters
    ----------
    X : array of shape (n, d) of 0s and 1s
    k : int, 1 <= k <= n
    rng : None, int or numpy.random.Generator, default None

    Returns
    -------
    BernoulliMixture with weights 1/k and probs in [0.25, 0.75]
    """
    from .kmeans import kmeans_plusplus

    X = check_binary_data(X)
    k = check_n_components(k, X.shape[0])
    rng = check_rng(rng)
    seeds = kmeans_plusplus(X, k, rng=rng)
    probs = 0.25 + 0.25 * (seeds + X.mean(axis=0))
    return BernoulliMixture(np.full(k, 1.0 / k), probs)


@dataclass(frozen=True)
class BernoulliEMResult:
    """Outcome of `fit_bernoulli_em`.

    Attributes
    ----------
    mixture : BernoulliMixture, the fitted parameters
    resp : array (n, k), responsibilities under `mixture`
    history : array (n_iter + 1,), history[t] = the objective after t M-steps: the log posterior
        log p(X | theta) + log p(theta) (`log_posterior`) with the run's Beta prior, which EM never
        lowers; the plain log-likelihood when prior=None. history[0] is -inf when a given start has a
        probability of exactly 0 (1) and alpha > 1 (beta > 1): the prior rules that start out
    n_iter : int, number of M-steps taken
    converged : bool, whether the per-point gain of the objective fell below tol (`em.has_converged`)
    log_likelihood : float, log p(X | mixture) of the fitted mixture, without the prior
    prior : (alpha, beta), the Beta prior used ((1.0, 1.0) for maximum likelihood)
    """

    mixture: BernoulliMixture
    resp: np.ndarray
    history: np.ndarray
    n_iter: int
    converged: bool
    log_likelihood: float
    prior: tuple

    @property
    def objective(self):
        return float(self.history[-1])


def fit_bernoulli_em(X, k_or_mixture, max_iter=100, tol=1e-6, rng=None, prior=DEFAULT_PRIOR):
    """Fit a mixture of Bernoullis by EM (MAP-EM with the Beta prior on the pixel probabilities).

    Each iteration is an M-step (`m_step` with the prior) from the current responsibilities, then an
    E-step (`e_step`) under the new parameters. The run stops with the course's rule
    (`coursepkg.em.has_converged`): when an iteration raises the objective by less than tol per point.

    Parameters
    ----------
    X : array of shape (n, d) of 0s and 1s (e.g. `binarise(load_digits().images)`)
    k_or_mixture : int or BernoulliMixture. An int k (1 <= k <= n) starts from `initial_mixture(X, k, rng)`;
        a BernoulliMixture (with d matching X) is the start itself.
    max_iter : int >= 1, default 100, the most M-steps
    tol : float >= 0, default 1e-6, per point, on the objective; 0 runs all max_iter iterations
    rng : None, int or numpy.random.Generator, default None, the randomness of the initialisation
    prior : (alpha, beta) or None, default (2, 2): the Beta(alpha, beta) prior on every p_kj (floats >= 1;
        (2, 2) is Laplace smoothing and keeps every p_kj inside (0, 1)). None is maximum likelihood
        (the same as (1, 1)): prototypes may then reach 0 or 1.

    Returns
    -------
    BernoulliEMResult with .mixture, .resp (n, k), .history (n_iter + 1,) of the objective
    log p(X | theta) + log p(theta) (so the MAP objective when a prior is used: it never decreases, while
    the log-likelihood alone need not rise), .n_iter, .converged, .log_likelihood, .prior
    """
    X = check_binary_data(X)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_nonnegative(tol, "tol")
    alpha, beta = _check_prior(prior)
    if isinstance(k_or_mixture, BernoulliMixture):
        start = k_or_mixture
        _check_X_mixture(X[:1], start)
        check_n_components(start.k, X.shape[0], name="k_or_mixture.k")
    else:
        if isinstance(k_or_mixture, bool) or not isinstance(k_or_mixture, numbers.Integral):
            raise ValueError(
                f"k_or_mixture must be a positive integer (the number of components) or a BernoulliMixture; "
                f"got {k_or_mixture!r}."
            )
        k = check_n_components(k_or_mixture, X.shape[0], name="k_or_mixture")
        start = initial_mixture(X, k, rng=rng)
    mixture = start
    resp, ll = _e_step(X, mixture)
    history = [ll + _log_prior(mixture.probs, alpha, beta)]
    converged = False
    for _ in range(max_iter):
        mixture = _m_step(X, resp, alpha, beta)
        resp, ll = _e_step(X, mixture)
        history.append(ll + _log_prior(mixture.probs, alpha, beta))
        if has_converged(history[-2], history[-1], X.shape[0], tol):
            converged = True
            break
    return BernoulliEMResult(mixture, resp, np.array(history), len(history) - 1, converged, ll, (alpha, beta))


__all__ = [
    "DEFAULT_PRIOR",
    "BernoulliEMResult",
    "BernoulliMixture",
    "binarise",
    "e_step",
    "expected_complete_log_posterior",
    "fit_bernoulli_em",
    "initial_mixture",
    "load_binary_digits",
    "log_joint",
    "log_likelihood",
    "log_posterior",
    "log_prior",
    "lower_bound",
    "m_step",
]
