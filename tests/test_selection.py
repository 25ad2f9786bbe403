"""Choosing k and the covariance type: parameter counts, AIC, BIC and cross-validation against scikit-learn."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import KFold

import coursepkg
from coursepkg import datasets, em, mixture, selection
from coursepkg.gaussian import precision_cholesky
from coursepkg.mixture import COVARIANCE_TYPES


def compact(gmm):
    c, t = gmm.covariances, gmm.covariance_type
    return {"full": c, "diag": np.diagonal(c, axis1=1, axis2=2), "spherical": c[:, 0, 0], "tied": c[0]}[t].copy()


def sklearn_precisions(gmm):
    covs = compact(gmm)
    return 1.0 / covs if gmm.covariance_type in ("diag", "spherical") else np.linalg.inv(covs)


def sklearn_with_parameters(X, gmm):
    """A GaussianMixture (fitted once, so that its methods run) whose parameters are then set to `gmm`'s."""
    sk = GaussianMixture(gmm.k, covariance_type=gmm.covariance_type, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X)
    t = gmm.covariance_type
    sk.weights_, sk.means_, sk.covariances_ = gmm.weights.copy(), gmm.means.copy(), compact(gmm)
    if t == "full":
        sk.precisions_cholesky_ = np.stack([precision_cholesky(L) for L in gmm.cholesky])
    elif t == "tied":
        sk.precisions_cholesky_ = precision_cholesky(gmm.cholesky[0])
    else:
        sk.precisions_cholesky_ = 1.0 / np.sqrt(compact(gmm))
    return sk


def synthetic_5d():
    X, _ = mixture.sample(datasets.random_gmm(3, 5, rng=11, separation=2.0), 400, rng=3)
    return X


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("k, d", [(1, 1), (3, 2), (4, 5)])
def test_n_parameters_is_sklearns(covariance_type, k, d):
    gmm = em.initial_gmm(np.random.default_rng(0).normal(size=(50, d)), k, rng=0, covariance_type=covariance_type)
    want = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k, "tied": d * (d + 1) // 2}[covariance_type]
    assert selection.n_parameters(gmm) == (k - 1) + k * d + want
    sk = GaussianMixture(k, covariance_type=covariance_type)
    sk.means_ = gmm.means
    assert selection.n_parameters(gmm) == sk._n_parameters()
    assert isinstance(selection.n_parameters(gmm), int)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("data", ["faithful", "synthetic-5d"])
def test_aic_and_bic_are_sklearns_on_the_same_parameters(covariance_type, data):
    X = datasets.old_faithful() if data == "faithful" else synthetic_5d()
    gmm = em.fit_em(X, 3, rng=1, covariance_type=covariance_type, max_iter=30).gmm
    sk = sklearn_with_parameters(X, gmm)
    n, p = X.shape[0], selection.n_parameters(gmm)
    ll = mixture.log_likelihood(X, gmm)
    assert sk.score(X) * n == pytest.approx(ll, rel=1e-12)  # the parameters were set
    assert selection.aic(X, gmm) == pytest.approx(sk.aic(X), rel=1e-10)
    assert selection.bic(X, gmm) == pytest.approx(sk.bic(X), rel=1e-10)
    assert selection.aic(X, gmm) == pytest.approx(-2 * ll + 2 * p, rel=1e-14)
    assert selection.bic(X, gmm) == pytest.approx(-2 * ll + p * np.log(n), rel=1e-14)


def test_bic_chooses_the_true_number_of_components():
    truth = datasets.random_gmm(3, 2, rng=4, separation=5.0)
    X, _ = mixture.sample(truth, 600, rng=0)
    scores = {k: selection.bic(X, em.fit_em(X, k, rng=0, n_init=3).gmm) for k in range(1, 7)}
    assert min(scores, key=scores.get) == 3
    train_ll = [mixture.log_likelihood(X, em.fit_em(X, k, rng=0, n_init=3).gmm) for k in range(1, 7)]
    assert train_ll[-1] > train_ll[2]  # while the training log-likelihood keeps rising


# ---------------------------------------------------------------- cross-validation


def test_kfold_indices_are_seeded_disjoint_and_cover_every_point():
    folds = selection.kfold_indices(23, 5, rng=3)
    assert [len(f) for f in folds] == [5, 5, 5, 4, 4]  # as KFold cuts 23 into 5
    together = np.concatenate(folds)
    assert np.array_equal(np.sort(together), np.arange(23))  # disjoint and covering
    assert all(np.array_equal(f, np.sort(f)) for f in folds)
    again = selection.kfold_indices(23, 5, rng=np.random.default_rng(3))
    assert all(np.array_equal(a, b) for a, b in zip(folds, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(folds, selection.kfold_indices(23, 5, rng=4), strict=True))


def sklearn_cross_validation(X, k, covariance_type, n_folds, seed, max_iter, reg_covar=1e-6):
    """An independent loop: KFold on the same shuffled order, a GaussianMixture from the same start per fold."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(X.shape[0])
    totals, scores = [], []
    for train_pos, test_pos in KFold(n_folds).split(order):
        train, test = np.sort(order[train_pos]), np.sort(order[test_pos])
        start = em.initial_gmm(X[train], k, rng=rng, covariance_type=covariance_type, reg_covar=reg_covar)
        sk = GaussianMixture(
            k, covariance_type=covariance_type, weights_init=start.weights, means_init=start.means,
            precisions_init=sklearn_precisions(start), max_iter=max_iter, tol=0.0, reg_covar=reg_covar,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sk.fit(X[train])
        scores.append(sk.score(X[test]))
        totals.append(sk.score_samples(X[test]).sum())
    return np.sum(totals) / X.shape[0], np.array(scores)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("data, k, n_folds", [("faithful", 2, 5), ("synthetic-5d", 3, 4)])
def test_cross_validation_is_sklearns_kfold_loop(covariance_type, data, k, n_folds):
    X = datasets.old_faithful() if data == "faithful" else synthetic_5d()
    ours = selection.cross_validated_log_likelihood(
        X, k, covariance_type=covariance_type, n_folds=n_folds, rng=7, max_iter=30, tol=0.0
    )
    want_mean, want_scores = sklearn_cross_validation(X, k, covariance_type, n_folds, seed=7, max_iter=30)
    assert ours.n_folds == n_folds and ours.k == k and ours.covariance_type == covariance_type
    np.testing.assert_allclose(ours.fold_log_likelihoods, want_scores, rtol=1e-8)
    assert ours.log_likelihood == pytest.approx(want_mean, rel=1e-8)
    sizes = np.array([len(f) for f in ours.folds])
    assert ours.log_likelihood == pytest.approx(np.sum(sizes * ours.fold_log_likelihoods) / X.shape[0], rel=1e-12)


def test_cross_validation_is_seeded_and_its_folds_disjoint():
    X = datasets.old_faithful()
    a = selection.cross_validated_log_likelihood(X, 2, rng=5, max_iter=20)
    b = selection.cross_validated_log_likelihood(X, 2, rng=np.random.default_rng(5), max_iter=20)
    assert a.log_likelihood == b.log_likelihood
    np.testing.assert_array_equal(a.fold_log_likelihoods, b.fold_log_likelihoods)
    assert np.array_equal(np.sort(np.concatenate(a.folds)), np.arange(len(X)))
    c = selection.cross_validated_log_likelihood(X, 2, rng=6, max_iter=20)
    assert c.log_likelihood != a.log_likelihood
    with pytest.raises(ValueError):
        a.fold_log_likelihoods[0] = 0.0  # read-only


def test_held_out_log_likelihood_stops_rising_where_training_keeps_going():
    truth = datasets.random_gmm(2, 2, rng=8, separation=4.0)
    X, _ = mixture.sample(truth, 150, rng=1)
    held_out = {k: selection.cross_validated_log_likelihood(X, k, rng=0, n_init=2).log_likelihood for k in (1, 2, 8)}
    assert held_out[2] > held_out[1]
    assert held_out[8] < held_out[2]


def test_a_collapse_in_a_fold_names_the_fold():
    X = np.repeat(np.array([[0.0, 0.0], [3.0, 1.0], [1.0, 4.0], [5.0, 5.0]]), 5, axis=0)
    with pytest.raises(em.SingularCovarianceError, match=r"fold \d of 4: the covariance of component .* singular"):
        selection.cross_validated_log_likelihood(X, 4, n_folds=4, rng=0, reg_covar=0.0, max_iter=200)


X30 = np.random.default_rng(0).normal(size=(30, 2))
GOOD = em.initial_gmm(X30, 2, rng=0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: selection.cross_validated_log_likelihood(X30[:, 0], 2), r"X must be a 2-D array.*reshape"),
        (lambda: selection.cross_validated_log_likelihood(np.full((30, 2), np.nan), 2), r"X must contain only finite"),
        (lambda: selection.cross_validated_log_likelihood(X30, 0), r"k must be at least 1"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2.5), r"k must be a positive integer"),
        (lambda: selection.cross_validated_log_likelihood(X30, 25), r"k=25 is larger than the smallest training set: "
                                                                   r"with n=30 points and n_folds=5, each fit sees as "
                                                                   r"few as 24 points"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, n_folds=1), r"n_folds must be an integer >= 2"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, n_folds=2.0), r"n_folds must be an integer >= 2"),
        (lambda: selection.cross_validated_log_likelihood(X30, 1, n_folds=31), r"n_folds=31 is larger than the number "
                                                                             r"of points n=30"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, covariance_type="round"),
         r"covariance_type must be one of \('full', 'diag', 'spherical', 'tied'\)"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, rng="x"), r"rng must be None, an int seed"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, max_iter=0), r"max_iter must be a positive integer"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, tol=-1), r"tol must be a non-negative"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, init="best"), r"init must be one of"),
        (lambda: selection.cross_validated_log_likelihood(X30, 2, seed=1), r"seed is not an option of the fits"),
        (lambda: selection.kfold_indices(10, 11), r"n_folds=11 is larger than the number of points n=10"),
        (lambda: selection.n_parameters("gmm"), r"gmm must be a coursepkg.mixture.GMM"),
        (lambda: selection.aic(X30[:, :1], GOOD), r"X has 1 features per point but the model has dimension d=2"),
        (lambda: selection.bic(X30[:, 0], GOOD), r"X must be a 2-D array"),
        (lambda: selection.bic(X30, {"weights": 1}), r"gmm must be a coursepkg.mixture.GMM"),
    ],
)
def test_bad_input_is_refused_up_front(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_package_exports_the_new_names():
    for name in ("selection", "aic", "bic", "n_parameters", "cross_validated_log_likelihood", "COVARIANCE_TYPES"):
        assert name in coursepkg.__all__ and hasattr(coursepkg, name)
    assert coursepkg.bic is selection.bic


# ---------------------------------------------------------------- the grid of criteria


@pytest.fixture(scope="module")
def small_grid():
    X, _ = mixture.sample(datasets.random_gmm(2, 2, rng=8, separation=4.0), 120, rng=2)
    return X, selection.criteria_grid(X, [3, 1, 2], ("full", "spherical"), n_folds=3, rng=5, tol=1e-3)


def test_criteria_grid_is_the_fits_and_cross_validations_in_order(small_grid):
    X, grid = small_grid
    assert grid.ks == (1, 2, 3) and grid.covariance_types == ("full", "spherical")
    assert grid.n == 120 and grid.n_folds == 3
    rng = np.random.default_rng(5)  # the same draws, in the documented order: type by type, k by k
    for i, t in enumerate(grid.covariance_types):
        for j, k in enumerate(grid.ks):
            fit = em.fit_em(X, k, rng=rng, covariance_type=t, tol=1e-3)
            cv = selection.cross_validated_log_likelihood(X, k, t, n_folds=3, rng=rng, tol=1e-3)
            np.testing.assert_allclose(grid.gmms[t, k].means, fit.gmm.means, rtol=1e-12)
            assert grid.gmms[t, k].covariance_type == t
            assert grid.held_out[i, j] == pytest.approx(cv.log_likelihood, rel=1e-12)


def test_criteria_grid_values_are_sklearns(small_grid):
    X, grid = small_grid
    for i, t in enumerate(grid.covariance_types):
        for j, k in enumerate(grid.ks):
            sk = sklearn_with_parameters(X, grid.gmms[t, k])
            assert grid.log_likelihood[i, j] == pytest.approx(sk.score(X) * len(X), rel=1e-10)
            assert grid.aic[i, j] == pytest.approx(sk.aic(X), rel=1e-10)
            assert grid.bic[i, j] == pytest.approx(sk.bic(X), rel=1e-10)
            assert grid.n_parameters[i, j] == sk._n_parameters()
    with pytest.raises(ValueError):
        grid.bic[0, 0] = 0.0  # read-only


def test_best_is_the_argmin_or_argmax_by_brute_force(small_grid):
    _, grid = small_grid
    cells = [(t, k) for t in grid.covariance_types for k in grid.ks]

    def value(name, t, k):
        i, j = grid.covariance_types.index(t), grid.ks.index(k)
        return getattr(grid, name)[i, j]

    for name, sign in (("aic", 1), ("bic", 1), ("held_out", -1)):
        t, k = min(cells, key=lambda c: sign * value(name, *c))
        assert grid.best(name) == (k, t)
        for t in grid.covariance_types:
            k = min(grid.ks, key=lambda kk, t=t: sign * value(name, t, kk))
            assert grid.best(name, t) == (k, t)
    assert grid.best("bic")[0] == 2  # two well separated components


def test_best_breaks_ties_towards_the_smaller_k():
    grid = selection.CriteriaGrid((1, 2), ("full",), {}, np.zeros((1, 2)), np.array([[5, 11]]), np.zeros((1, 2)),
                                  np.zeros((1, 2)), np.zeros((1, 2)), 10, 2)
    assert grid.best("bic") == (1, "full") and grid.best("held_out") == (1, "full")


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda g: g.best("likelihood"), r"criterion must be one of \('aic', 'bic', 'held_out'\)"),
        (lambda g: g.best("bic", "round"), r"covariance_type must be one of \('full', 'spherical'\)"),
        (lambda g: g.index(4, "full"), r"k must be one of \(1, 2, 3\)"),
    ],
)
def test_grid_lookups_name_what_is_missing(small_grid, call, match):
    with pytest.raises(ValueError, match=match):
        call(small_grid[1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"ks": [0, 1]}, r"ks must be at least 1"),
        ({"ks": 3}, r"ks must be a sequence of positive integers"),
        ({"ks": []}, r"ks must be a non-empty sequence"),
        ({"ks": [2, 2]}, r"distinct"),
        ({"ks": [1], "covariance_types": ("full", "round")}, r"covariance_types must be one of"),
        ({"ks": [1], "covariance_types": ("full", "full")}, r"covariance_types must be distinct"),
        ({"ks": [1], "n_folds": 1}, r"n_folds must be an integer >= 2"),
        ({"ks": [1], "seed": 3}, r"seed is not an option of the fits"),
    ],
)
def test_criteria_grid_refuses_bad_input_before_any_fit(kwargs, match):
    with pytest.raises(ValueError, match=match):
        selection.criteria_grid(X30, **kwargs)
