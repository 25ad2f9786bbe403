"""Choosing k and the covariance type: parameter counts, AIC, BIC and held-out log-likelihood (lesson 09).

The best log-likelihood of the training data only grows with k (and for any k >= 2 it is unbounded: a
component shrinking onto one point sends it to infinity), so it cannot choose k. Three ways to charge for complexity:

- AIC = -2 log L + 2 p,
- BIC = -2 log L + p log n (lower is better for both; p is `n_parameters`),
- the log-likelihood of points the fit did not see, by K-fold cross-validation (higher is better).

`criteria_grid` computes all three (and the training log-likelihood) over a grid of k and covariance
types, once, for a lesson's curves and the model-selection lab to read.

`n_parameters`, `aic` and `bic` give scikit-learn's numbers (`GaussianMixture._n_parameters`, `aic`,
`bic`) for the same parameters.
"""

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_data, check_dim, check_n_components, check_nonnegative, check_positive_int, check_rng
from .em import SingularCovarianceError, check_init, fit_em
from .mixture import COVARIANCE_TYPES, check_covariance_type, check_gmm, log_density, log_likelihood

# The keyword arguments `cross_validated_log_likelihood` passes on to `fit_em`.
FIT_KWARGS = ("max_iter", "tol", "init", "reg_covar", "n_init")


def n_parameters(gmm):
    """The number of free parameters p of a mixture, for its covariance type.

    weights k - 1 (they sum to 1), means k d, and the covariances: "full" k d (d + 1) / 2 (each Sigma_k
    symmetric), "diag" k d, "spherical" k, "tied" d (d + 1) / 2 (one shared Sigma). The same count as
    scikit-learn's `GaussianMixture._n_parameters()`.

    Parameters
    ----------
    gmm : GMM, its `covariance_type` sets the count

    Returns
    -------
    int
    """
    gmm = check_gmm(gmm)
    k, d = gmm.k, gmm.d
    covariance = {
        "full": k * d * (d + 1) // 2,
        "diag": k * d,
        "spherical": k,
        "tied": d * (d + 1) // 2,
    }[gmm.covariance_type]
    return (k - 1) + k * d + covariance


def _log_likelihood_and_n(X, gmm):
    gmm = check_gmm(gmm)
    X = check_data(X)
    check_dim(X, gmm.d)
    return log_likelihood(X, gmm), X.shape[0]


def aic(X, gmm):
    """Akaike's information criterion, AIC = -2 log L(X | gmm) + 2 p, with p = `n_parameters(gmm)`; lower is better.

    Parameters
    ----------
    X : array of shape (n, d)
    gmm : GMM in d dimensions (usually fitted to X)

    Returns
    -------
    float, scikit-learn's `GaussianMixture.aic(X)` for the same parameters
    """
    ll, _ = _log_likelihood_and_n(X, gmm)
    return -2.0 * ll + 2.0 * n_parameters(gmm)


def bic(X, gmm):
    """The Bayesian information criterion, BIC = -2 log L(X | gmm) + p log n, with p = `n_parameters(gmm)`.

    Lower is better. For n >= 8 (log n > 2) it charges more per parameter than AIC, so among the fits of one
    covariance type (where p grows with k) it never picks a larger k than AIC.

    Parameters
    ----------
    X : array of shape (n, d)
    gmm : GMM in d dimensions (usually fitted to X)

    Returns
    -------
    float, scikit-learn's `GaussianMixture.bic(X)` for the same parameters
    """
    ll, n = _log_likelihood_and_n(X, gmm)
    return -2.0 * ll + n_parameters(gmm) * math.log(n)


@dataclass(frozen=True)
class CrossValidation:
    """Outcome of `cross_validated_log_likelihood`.

    Attributes
    ----------
    log_likelihood : float, the held-out log-likelihood per point: sum over folds of log p(x | fit without
        x's fold), divided by n (every point is held out exactly once)
    fold_log_likelihoods : array (n_folds,), the mean held-out log-likelihood per point of each fold
        (scikit-learn's `GaussianMixture.score` of the fold's fit on the fold)
    folds : tuple of n_folds int arrays, the (sorted) indices of the points each fold holds out;
        disjoint, together range(n), sizes differing by at most one
    k : int
    covariance_type : str
    """

    log_likelihood: float
    fold_log_likelihoods: np.ndarray
    folds: tuple
    k: int
    covariance_type: str

    @property
    def n_folds(self):
        return len(self.folds)


def kfold_indices(n, n_folds, rng=None):
    """Split range(n) at random into n_folds disjoint folds of sizes differing by at most one.

    The points are shuffled by `rng.permutation(n)` and cut in order as scikit-learn's `KFold` cuts
    (the first n % n_folds folds get one point more).

    Parameters
    ----------
    n : int >= 1, the number of points
    n_folds : int, 2 <= n_folds <= n
    rng : None, int or numpy.random.Generator, default None

    Returns
    -------
    tuple of n_folds sorted int arrays
    """
    n = check_positive_int(n, "n")
    n_folds = _check_n_folds(n_folds, n)
    rng = check_rng(rng)
    order = rng.permutation(n)
    return tuple(np.sort(part) for part in np.array_split(order, n_folds))


def _check_n_folds(n_folds, n):
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)) or n_folds < 2:
        raise ValueError(
            f"n_folds must be an integer >= 2 (each fold is held out once, the rest fit); got {n_folds!r}."
        )
    if n_folds > n:
        raise ValueError(f"n_folds={n_folds} is larger than the number of points n={n}; use at most {n} folds.")
    return int(n_folds)


def _check_fit_kwargs(fit_kwargs):
    for name in fit_kwargs:
        if name not in FIT_KWARGS:
            hint = " (pass it as its own argument)" if name in ("covariance_type", "rng") else ""
            raise ValueError(
                f"{name} is not an option of the fits{hint}; the keyword arguments passed on to fit_em are "
                f"{FIT_KWARGS}, got {name!r}."
            )
    if "max_iter" in fit_kwargs:
        check_positive_int(fit_kwargs["max_iter"], "max_iter")
    if "n_init" in fit_kwargs:
        check_positive_int(fit_kwargs["n_init"], "n_init")
    for name in ("tol", "reg_covar"):
        if name in fit_kwargs:
            check_nonnegative(fit_kwargs[name], name)
    if "init" in fit_kwargs:
        check_init(fit_kwargs["init"])


def cross_validated_log_likelihood(X, k, covariance_type="full", n_folds=5, rng=None, **fit_kwargs):
    """Held-out log-likelihood per point of a k-component mixture, by K-fold cross-validation.

    The points are split at random into n_folds disjoint folds (`kfold_indices`). For each fold, a
    mixture is fitted by `fit_em` to the other points and scores the fold's points by log p(x). Unlike
    the training log-likelihood, this does not grow for ever with k: too many components fit the
    training points' noise and give the held-out points less density.

    Parameters
    ----------
    X : array of shape (n, d)
    k : int >= 1, the number of components; every training set (n minus the largest fold) must hold at
        least k points
    covariance_type : one of "full", "diag", "spherical", "tied", default "full"
    n_folds : int, 2 <= n_folds <= n, default 5 (as scikit-learn's `KFold`; but `KFold` does not shuffle
        unless asked, while these folds are always drawn at random)
    rng : None, int or numpy.random.Generator, default None. It draws the folds first, then the
        starts of the fits, fold after fold: the same seed gives the same folds and fits.
    **fit_kwargs : passed on to `fit_em`: max_iter, tol, init, reg_covar, n_init. Otherwise fit_em's
        defaults hold (tol 1e-6 and k-means++ starts, where `GaussianMixture` has tol 1e-3 and k-means).

    Returns
    -------
    CrossValidation with .log_likelihood (float, per point, over all n points), .fold_log_likelihoods
    (n_folds,), .folds, .k, .covariance_type

    Raises
    ------
    ValueError naming the argument for bad X, k, n_folds, covariance_type or fit_kwargs, before any fit;
    SingularCovarianceError (a ValueError) when a fit collapses, naming the fold.
    """
    X = check_data(X)
    n = X.shape[0]
    n_folds = _check_n_folds(n_folds, n)
    check_covariance_type(covariance_type)
    k = check_n_components(k)
    smallest_train = n - (n + n_folds - 1) // n_folds
    if k > smallest_train:
        raise ValueError(
            f"k={k} is larger than the smallest training set: with n={n} points and n_folds={n_folds}, each fit "
            f"sees as few as {smallest_train} points. Use k <= {smallest_train} or fewer folds."
        )
    _check_fit_kwargs(fit_kwargs)
    rng = check_rng(rng)
    folds = kfold_indices(n, n_folds, rng=rng)
    totals = np.empty(n_folds)
    scores = np.empty(n_folds)
    for f, test in enumerate(folds):
        train = np.ones(n, dtype=bool)
        train[test] = False
        try:
            fit = fit_em(X[train], k, rng=rng, covariance_type=covariance_type, **fit_kwargs)
        except SingularCovarianceError as exc:
            raise SingularCovarianceError(
                f"fold {f + 1} of {n_folds}: {exc}", component=exc.component, iteration=exc.iteration
            ) from None
        held_out = log_density(X[test], fit.gmm)
        totals[f] = held_out.sum()
        scores[f] = held_out.mean()
    scores.setflags(write=False)
    return CrossValidation(float(totals.sum() / n), scores, folds, k, covariance_type)


CRITERIA = ("aic", "bic", "held_out")


@dataclass(frozen=True)
class CriteriaGrid:
    """Outcome of `criteria_grid`: fits and criteria for every (covariance type, k) of a grid.

    Row i of every array is `covariance_types[i]`, column j is `ks[j]`.

    Attributes
    ----------
    ks : tuple of int, increasing
    covariance_types : tuple of str
    gmms : dict (covariance_type, k) -> GMM fitted by `fit_em` to all n points
    log_likelihood : array (types, ks), the training log-likelihood of each fit (total, nats)
    n_parameters : int array (types, ks), `n_parameters` of each fit
    aic, bic : arrays (types, ks), of each fit on all n points (lower is better)
    held_out : array (types, ks), `cross_validated_log_likelihood(...).log_likelihood`, per point (higher
        is better)
    n : int, the number of points
    n_folds : int
    """

    ks: tuple
    covariance_types: tuple
    gmms: dict
    log_likelihood: np.ndarray
    n_parameters: np.ndarray
    aic: np.ndarray
    bic: np.ndarray
    held_out: np.ndarray
    n: int
    n_folds: int

    def index(self, k, covariance_type):
        """(row, column) of (covariance_type, k); a ValueError if the grid does not hold it."""
        if covariance_type not in self.covariance_types:
            raise ValueError(f"covariance_type must be one of {self.covariance_types}; got {covariance_type!r}.")
        if k not in self.ks:
            raise ValueError(f"k must be one of {self.ks}; got {k!r}.")
        return self.covariance_types.index(covariance_type), self.ks.index(k)

    def best(self, criterion, covariance_type=None):
        """The (k, covariance_type) the criterion chooses: lowest AIC or BIC, highest held-out log-likelihood.

        criterion : "aic", "bic" or "held_out"
        covariance_type : None (choose the type too) or one type (choose k within it)
        Ties go to the smaller k (and to the type listed first).
        """
        if criterion not in CRITERIA:
            raise ValueError(f"criterion must be one of {CRITERIA}; got {criterion!r}.")
        score = -getattr(self, criterion) if criterion != "held_out" else self.held_out
        rows = range(len(self.covariance_types))
        if covariance_type is not None:
            rows = [self.index(self.ks[0], covariance_type)[0]]
        i, j = max(((i, j) for i in rows for j in range(len(self.ks))), key=lambda ij: (score[ij], -ij[1], -ij[0]))
        return self.ks[j], self.covariance_types[i]


def criteria_grid(X, ks, covariance_types=COVARIANCE_TYPES, n_folds=5, rng=None, **fit_kwargs):
    """Fit every (covariance type, k) of a grid and compute its training log-likelihood, AIC, BIC and held-out score.

    For each type (in the order given) and each k (increasing), one `fit_em` on all the points, then
    `cross_validated_log_likelihood` with the same settings; `rng` is used in that order, so the same
    seed gives the same grid.

    Parameters
    ----------
    X : array of shape (n, d)
    ks : sequence of distinct ints >= 1, the numbers of components to try
    covariance_types : sequence of covariance types, default all four ("full", "diag", "spherical", "tied")
    n_folds : int >= 2, default 5, the folds of the cross-validation
    rng : None, int or numpy.random.Generator, default None
    **fit_kwargs : passed on to every fit: max_iter, tol, init, reg_covar, n_init (see FIT_KWARGS)

    Returns
    -------
    CriteriaGrid
    """
    X = check_data(X)
    n = X.shape[0]
    try:
        ks = tuple(sorted(check_n_components(k, name="ks") for k in ks))
    except TypeError:
        raise ValueError(f"ks must be a sequence of positive integers; got {ks!r}.") from None
    if not ks or len(set(ks)) != len(ks):
        raise ValueError(f"ks must be a non-empty sequence of distinct positive integers; got {ks!r}.")
    if isinstance(covariance_types, str):
        covariance_types = (covariance_types,)
    covariance_types = tuple(check_covariance_type(t, "covariance_types") for t in covariance_types)
    if not covariance_types or len(set(covariance_types)) != len(covariance_types):
        raise ValueError(f"covariance_types must be distinct covariance types; got {covariance_types!r}.")
    n_folds = _check_n_folds(n_folds, n)
    _check_fit_kwargs(fit_kwargs)
    rng = check_rng(rng)
    shape = (len(covariance_types), len(ks))
    ll, p, held = np.empty(shape), np.empty(shape, dtype=int), np.empty(shape)
    gmms = {}
    for i, covariance_type in enumerate(covariance_types):
        for j, k in enumerate(ks):
            fit = fit_em(X, k, rng=rng, covariance_type=covariance_type, **fit_kwargs)
            gmms[covariance_type, k] = fit.gmm
            ll[i, j] = log_likelihood(X, fit.gmm)
            p[i, j] = n_parameters(fit.gmm)
            held[i, j] = cross_validated_log_likelihood(
                X, k, covariance_type, n_folds=n_folds, rng=rng, **fit_kwargs
            ).log_likelihood
    aic_values = -2.0 * ll + 2.0 * p
    bic_values = -2.0 * ll + p * math.log(n)
    for arr in (ll, p, held, aic_values, bic_values):
        arr.setflags(write=False)
    return CriteriaGrid(ks, covariance_types, gmms, ll, p, aic_values, bic_values, held, n, n_folds)


__all__ = [
    "CRITERIA",
    "CriteriaGrid",
    "criteria_grid",
    "CrossValidation",
    "FIT_KWARGS",
    "aic",
    "bic",
    "cross_validated_log_likelihood",
    "kfold_indices",
    "n_parameters",
]
