"""Mixture parameters, ancestral sampling and the three likelihoods, against naive loops with scipy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from coursepkg import datasets, mixture
from coursepkg.mixture import GMM


@pytest.fixture
def gmm3():
    return GMM(
        [0.5, 0.3, 0.2],
        [[0.0, 0.0], [5.0, 1.0], [-2.0, 4.0]],
        [[[1.0, 0.3], [0.3, 0.5]], [[2.0, -0.8], [-0.8, 1.0]], [[0.2, 0.0], [0.0, 0.3]]],
    )


def naive_log_joint(X, gmm):
    return np.array(
        [
            [np.log(gmm.weights[j]) + stats.multivariate_normal(gmm.means[j], gmm.covariances[j]).logpdf(x)
             for j in range(gmm.k)]
            for x in X
        ]
    )


def test_gmm_is_read_only_and_carries_cholesky(gmm3):
    assert (gmm3.k, gmm3.d) == (3, 2)
    for j in range(3):
        L = gmm3.cholesky[j]
        np.testing.assert_allclose(L @ L.T, gmm3.covariances[j], atol=1e-15)
    with pytest.raises(ValueError):
        gmm3.means[0, 0] = 1.0
    assert "k=3" in repr(gmm3)


def test_gmm_accepts_weights_summing_to_one_within_tolerance():
    gmm = GMM([0.5, 0.5 + 1e-10], [[0.0], [1.0]], [[[1.0]], [[1.0]]])
    assert gmm.k == 2 and abs(gmm.weights.sum() - 1.0) <= np.finfo(float).eps  # renormalised


def test_permuted(gmm3):
    p = gmm3.permuted([2, 0, 1])
    np.testing.assert_array_equal(p.weights, gmm3.weights[[2, 0, 1]])
    np.testing.assert_array_equal(p.means, gmm3.means[[2, 0, 1]])
    np.testing.assert_array_equal(p.covariances, gmm3.covariances[[2, 0, 1]])


def test_sample_shapes_and_determinism(gmm3):
    X, z = mixture.sample(gmm3, 50, rng=3)
    assert X.shape == (50, 2) and z.shape == (50,)
    assert np.issubdtype(z.dtype, np.integer) and z.min() >= 0 and z.max() < 3
    X2, z2 = mixture.sample(gmm3, 50, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(z, z2)
    assert not np.array_equal(X, mixture.sample(gmm3, 50, rng=4)[0])


def test_sample_follows_the_mixture(gmm3):
    n = 60_000
    X, z = mixture.sample(gmm3, n, rng=0)
    freq = np.bincount(z, minlength=3) / n
    # label counts are multinomial: allow 5 standard errors
    np.testing.assert_allclose(freq, gmm3.weights, atol=5 * np.sqrt(0.25 / n))
    for j in range(3):
        Xj = X[z == j]
        se = np.sqrt(np.diag(gmm3.covariances[j]) / len(Xj))
        np.testing.assert_allclose(Xj.mean(axis=0), gmm3.means[j], atol=5 * se.max())
        np.testing.assert_allclose(np.cov(Xj.T), gmm3.covariances[j], atol=0.05 * np.abs(gmm3.covariances[j]).max())


def test_sample_in_higher_dimension():
    gmm = datasets.random_gmm(3, 6, rng=2)
    X, z = mixture.sample(gmm, 40_000, rng=1)
    Xj = X[z == 0]
    np.testing.assert_allclose(np.cov(Xj.T), gmm.covariances[0], atol=0.06 * np.abs(gmm.covariances[0]).max())


def test_log_likelihood_against_scipy(gmm3):
    X, _ = mixture.sample(gmm3, 40, rng=1)
    dens = sum(w * stats.multivariate_normal(m, c).pdf(X) for w, m, c in zip(gmm3.weights, gmm3.means,
                                                                                gmm3.covariances, strict=True))
    np.testing.assert_allclose(mixture.log_density(X, gmm3), np.log(dens), rtol=1e-12)
    assert mixture.log_likelihood(X, gmm3) == pytest.approx(np.log(dens).sum(), rel=1e-12)
    np.testing.assert_allclose(mixture.weighted_log_prob(X, gmm3), naive_log_joint(X, gmm3), rtol=1e-12)


def test_log_density_far_away_is_finite(gmm3):
    X = np.array([[1e4, -1e4], [0.0, 3e3]])
    out = mixture.log_density(X, gmm3)
    assert np.all(np.isfinite(out)) and np.all(out < -1e5)


def test_zero_weight_component(gmm3):
    gmm = GMM([0.0, 0.6, 0.4], gmm3.means, gmm3.covariances)
    X, z = mixture.sample(gmm, 500, rng=0)
    assert not np.any(z == 0)
    assert np.all(mixture.weighted_log_prob(X, gmm)[:, 0] == -np.inf)
    assert np.isfinite(mixture.log_likelihood(X, gmm))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), d=st.integers(1, 4), n=st.integers(1, 25))
def test_complete_log_likelihood_matches_naive_loop(seed, k, d, n):
    rng = np.random.default_rng(seed)
    gmm = datasets.random_gmm(k, d, rng=seed)
    X, _ = mixture.sample(gmm, n, rng=rng)
    z = rng.integers(0, k, size=n)
    naive = sum(
        np.log(gmm.weights[z[i]]) + stats.multivariate_normal(gmm.means[z[i]], gmm.covariances[z[i]]).logpdf(X[i])
        for i in range(n)
    )
    assert mixture.complete_log_likelihood(X, z, gmm) == pytest.approx(naive, rel=1e-11, abs=1e-11)
    # labels given as whole floats are accepted
    assert mixture.complete_log_likelihood(X, z.astype(float), gmm) == pytest.approx(naive, rel=1e-11, abs=1e-11)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), d=st.integers(1, 4), n=st.integers(1, 25))
def test_expected_complete_log_likelihood_matches_double_loop(seed, k, d, n):
    rng = np.random.default_rng(seed)
    gmm = datasets.random_gmm(k, d, rng=seed)
    X, _ = mixture.sample(gmm, n, rng=rng)
    resp = rng.dirichlet(np.ones(k), size=n)
    resp[rng.random((n, k)) < 0.3] = 0.0  # some exact zeros
    resp[np.arange(n), rng.integers(0, k, n)] += 1e-3
    resp /= resp.sum(axis=1, keepdims=True)
    naive = 0.0
    for i in range(n):
        for j in range(k):
            component = stats.multivariate_normal(gmm.means[j], gmm.covariances[j])
            log_joint = np.log(gmm.weights[j]) + component.logpdf(X[i])
            naive += resp[i, j] * log_joint
    assert mixture.expected_complete_log_likelihood(X, resp, gmm) == pytest.approx(naive, rel=1e-11, abs=1e-11)


def test_expected_complete_log_likelihood_with_one_hot_resp_is_complete_log_likelihood(gmm3):
    X, z = mixture.sample(gmm3, 30, rng=0)
    one_hot = np.eye(3)[z]
    assert mixture.expected_complete_log_likelihood(X, one_hot, gmm3) == pytest.approx(
        mixture.complete_log_likelihood(X, z, gmm3), rel=1e-14
    )


def test_zero_responsibility_ignores_a_zero_weight(gmm3):
    gmm = GMM([0.0, 0.6, 0.4], gmm3.means, gmm3.covariances)
    X, _ = mixture.sample(gmm, 20, rng=0)
    resp = np.tile([0.0, 0.5, 0.5], (20, 1))
    assert np.isfinite(mixture.expected_complete_log_likelihood(X, resp, gmm))
