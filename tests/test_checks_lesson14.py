"""The lesson 14 self-test checks: the reference passes, the stored numbers are what the fits give."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy.linalg import solve_triangular
from scipy.special import logsumexp
from sklearn.mixture import GaussianMixture

from coursepkg import em, selection
from coursepkg.checks import lesson14 as checks

# ---------------------------------------------------------------- reference solutions


def choose_types():
    return {"A": "tied", "B": "diag"}


def free_parameters(K, d, model):
    if model == "bernoulli":
        return (K - 1) + K * d
    sym = d * (d + 1) // 2
    covariances = {"full": K * sym, "diag": K * d, "spherical": K, "tied": sym, "tied_diag": d, "tied_spherical": 1}
    return (K - 1) + K * d + covariances[model]


def em_fixed(X, weights, means, covs, n_iter=10, reg_covar=1e-6, *, raw=False, old_means=False):
    """The solution's repair of broken_em (whole arrays, np.einsum), written out here.

    raw=True keeps broken_em's raw moments, old_means=True centres on the old means: two wrong repairs
    that tests/test_mistakes_lesson14.py feeds the check.
    """
    N, d = X.shape
    history = []
    for t in range(n_iter + 1):
        factors = np.linalg.cholesky(covs)
        z = np.stack([solve_triangular(L, (X - m).T, lower=True) for L, m in zip(factors, means, strict=True)])
        log_det = 2 * np.log(np.diagonal(factors, axis1=1, axis2=2)).sum(axis=1)
        log_joint = np.log(weights) - 0.5 * (log_det + d * np.log(2 * np.pi) + (z**2).sum(axis=1).T)
        history.append(logsumexp(log_joint, axis=1).sum())
        if t == n_iter:
            break
        r = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
        N_k = r.sum(axis=0)
        old = means
        weights, means = N_k / N, np.einsum("nk,ni->ki", r, X) / N_k[:, None]
        if raw:
            covs = np.einsum("nk,ni,nj->kij", r, X, X) / N_k[:, None, None] - np.einsum("ki,kj->kij", means, means)
        else:
            centred = X[:, None, :] - (old if old_means else means)[None, :, :]
            covs = np.einsum("nk,nki,nkj->kij", r, centred, centred) / N_k[:, None, None]
        covs = covs + reg_covar * np.eye(d)
    return weights, means, covs, np.array(history)


def predicted():
    return "A"


def final_log_likelihoods():
    X, a, b = checks.two_starts()
    return tuple(em.fit_em(X, s, max_iter=1000, tol=1e-8).log_likelihood for s in (a, b))


class TestEveryCheck(CheckContract):
    """The checks of answers (covariance types, better start) are tested below and in test_mistakes_lesson14."""

    good = [
        (checks.check_free_parameters, free_parameters),
        (checks.check_em_fixed, em_fixed),
    ]


def test_choose_types_passes(capsys):
    checks.check_covariance_types(choose_types)
    assert capsys.readouterr().out.startswith("✓ covariance_types: 2 checks passed")


def test_better_start_passes(capsys):
    checks.check_better_start(predicted, final_log_likelihoods)
    assert capsys.readouterr().out.startswith("✓ better_start: ")


def test_answers_may_be_values(capsys):
    checks.check_covariance_types(choose_types())
    checks.check_better_start("a", final_log_likelihoods())
    assert capsys.readouterr().out.count("✓") == 2


# ---------------------------------------------------------------- the references themselves


def test_stored_bics_are_what_the_fits_give():
    bics = checks.type_bics()
    for name in ("A", "B"):
        np.testing.assert_allclose([bics[name][t] for t in checks.TYPES],
                                   [checks.TYPE_BICS[name][t] for t in checks.TYPES], atol=0.006)


def test_stored_bics_agree_with_scikit_learn():
    """scikit-learn's best of 5 starts per type picks the same type on both data sets."""
    for name, want in (("A", "tied"), ("B", "diag")):
        X = checks.TYPE_DATA[name]
        sk = {t: GaussianMixture(3, covariance_type=t, n_init=5, random_state=0).fit(X).bic(X) for t in checks.TYPES}
        assert min(sk, key=sk.get) == want
        assert sk[want] == pytest.approx(checks.TYPE_BICS[name][want], abs=0.5)


def test_reference_parameters_are_sklearns():
    for t in checks.TYPES:
        for K, d in ((1, 1), (3, 2), (10, 64)):
            sk = GaussianMixture(K, covariance_type=t)
            sk.means_ = np.zeros((K, d))
            assert checks.reference_parameters(K, d, t) == sk._n_parameters()
    X = (np.random.default_rng(0).random((30, 5)) > 0.5).astype(float)
    gmm = em.initial_gmm(X, 3, rng=0, covariance_type="diag")
    assert checks.reference_parameters(3, 5, "diag") == selection.n_parameters(gmm)
    assert checks.reference_parameters(10, 64, "bernoulli") == 9 + 640
    # the shared types, counted by hand: weights, means, then one covariance of the shape for all K
    assert checks.reference_parameters(3, 2, "tied_diag") == 2 + 6 + 2
    assert checks.reference_parameters(10, 64, "tied_spherical") == 9 + 640 + 1
    assert checks.reference_parameters(4, 5, "tied") == 3 + 20 + 15


def test_reference_em_is_scikit_learns():
    """fit_em, the check's reference, against scikit-learn from the same start parameters (tol=0)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    for X, start, n_iter, _ in checks._em_cases(hidden=True):  # noqa: SLF001
        ref = em.fit_em(X, start, max_iter=n_iter, tol=0.0, reg_covar=1e-6)
        if np.abs(X).max() > 1e6:
            continue  # scikit-learn's raw precision products lose digits this far from the origin
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sk = GaussianMixture(start.k, tol=0.0, max_iter=n_iter, reg_covar=1e-6, weights_init=start.weights,
                                 means_init=start.means, precisions_init=np.linalg.inv(start.covariances)).fit(X)
        np.testing.assert_allclose(sk.means_, ref.gmm.means, atol=1e-8)
        np.testing.assert_allclose(np.array(sk.lower_bounds_) * len(X), ref.history[:-1], atol=1e-7)


def test_the_far_case_is_the_near_case_moved():
    (X, s, n, _), (Xf, sf, nf, _) = checks._em_cases(hidden=False)  # noqa: SLF001
    near = em.fit_em(X, s, max_iter=n, tol=0.0)
    far = em.fit_em(Xf, sf, max_iter=nf, tol=0.0)
    np.testing.assert_allclose(far.gmm.means - 1e6, near.gmm.means, atol=1e-7)
    np.testing.assert_allclose(far.gmm.covariances, near.gmm.covariances, rtol=1e-6, atol=1e-8)


def test_stored_start_numbers_are_what_the_fits_give():
    starts, finals = checks.start_log_likelihoods()
    np.testing.assert_allclose(starts, checks.START_LL, atol=1e-3)
    np.testing.assert_allclose(finals, checks.FINAL_LL, atol=1e-3)
    assert starts[1] > starts[0] and finals[0] > finals[1], "B starts higher, A ends higher"


def test_the_higher_end_is_a_sound_fit():
    """EM from A ends at the true clusters (no tiny weight, no collapsed variance); B at a merged local maximum."""
    from sklearn.metrics import adjusted_rand_score

    from coursepkg.datasets import make_synthetic

    X, a, b = checks.two_starts()
    _, z = make_synthetic("round", n=300, rng=4)
    fit_a, fit_b = (em.fit_em(X, s, max_iter=1000, tol=1e-8) for s in (a, b))
    assert fit_a.gmm.weights.min() > 0.2
    assert min(np.linalg.eigvalsh(c).min() for c in fit_a.gmm.covariances) > 0.3
    ari_a, ari_b = (adjusted_rand_score(z, f.resp.argmax(axis=1)) for f in (fit_a, fit_b))
    assert ari_a > 0.95 and ari_b < 0.7
    best_of_kmeans = max(em.fit_em(X, 3, rng=seed, max_iter=1000, tol=1e-8).log_likelihood for seed in range(5))
    assert fit_a.log_likelihood == pytest.approx(best_of_kmeans, abs=1e-3)


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.selection.n_parameters"):
        checks.check_free_parameters(lambda K, d, m: selection.n_parameters(em.initial_gmm(np.eye(K + 1, d), K)))
    with pytest.raises(AssertionError, match="calls coursepkg.em.fit_em"):
        checks.check_em_fixed(lambda X, w, m, c, n: em.fit_em(X, 2))
