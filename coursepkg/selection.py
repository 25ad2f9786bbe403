"""Choosing k and the covariance type: parameter counts, AIC, BIC and held-out log-likelihood (lesson 09).

The log-likelihood of the training data only grows with k (a component per point sends it to
infinity), so it cannot choose k. Three ways to charge for complexity:

- AIC = -2 log L + 2 p,
- BIC = -2 log L + p log n (lower is better for both; p is `n_parameters`),
- the log-likelihood of points the fit did not see, by K-fold cross-validation (higher is better).

`n_parameters`, `aic` and `bic` give scikit-learn's numbers (`GaussianMixture._n_parameters`, `aic`,
`bic`) for the same parameters.
"""

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_data, check_dim, check_n_components, check_nonnegative, check_positive_int, check_rng
from .em import SingularCovarianceError, check_init, fit_em
from .mixture import check_covariance_type, check_gmm, log_density, log_likelihood

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

    Lower is better. For n >= 8 (log n > 2) it charges more per parameter than AIC, so it picks simpler models.

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


__all__ = [
    "CrossValidation",
    "FIT_KWARGS",
    "aic",
    "bic",
    "cross_validated_log_likelihood",
    "kfold_indices",
    "n_parameters",
]
