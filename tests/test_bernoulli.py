"""The mixture of Bernoullis (lesson 11): naive loops as reference, EM's properties, the digits, bad input."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp

from coursepkg import bernoulli as bern
from coursepkg import em
from coursepkg.bernoulli import BernoulliMixture

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- naive references: plain Python loops


def naive_log_joint(X, weights, probs):
    """log pi_k + sum_j log p(x_nj | p_kj), one point, component and pixel at a time, with math.log."""
    n, d = len(X), len(X[0])
    out = np.empty((n, len(weights)))
    for i in range(n):
        for k in range(len(weights)):
            s = math.log(weights[k])
            for j in range(d):
                s += math.log(probs[k][j]) if X[i][j] == 1 else math.log(1.0 - probs[k][j])
            out[i, k] = s
    return out


def naive_joint_product(X, weights, probs):
    """pi_k prod_j p_kj^x_nj (1 - p_kj)^(1 - x_nj), multiplied out in float64 (tiny d: no underflow)."""
    n, d = len(X), len(X[0])
    out = np.empty((n, len(weights)))
    for i in range(n):
        for k in range(len(weights)):
            prod = weights[k]
            for j in range(d):
                prod *= probs[k][j] if X[i][j] == 1 else 1.0 - probs[k][j]
            out[i, k] = prod
    return out


def naive_e_step(X, weights, probs):
    joint = naive_joint_product(X, weights, probs)
    resp = np.empty_like(joint)
    total = 0.0
    for i in range(len(X)):
        evidence = sum(joint[i])
        for k in range(len(weights)):
            resp[i, k] = joint[i, k] / evidence
        total += math.log(evidence)
    return resp, total


def naive_m_step(X, resp, alpha, beta):
    n, d, k = len(X), len(X[0]), len(resp[0])
    weights, probs = np.empty(k), np.empty((k, d))
    for c in range(k):
        nk = sum(resp[i][c] for i in range(n))
        weights[c] = nk / n
        for j in range(d):
            on = sum(resp[i][c] * X[i][j] for i in range(n))
            probs[c, j] = (on + alpha - 1) / (nk + alpha + beta - 2)
    return weights, probs


# ---------------------------------------------------------------- random problems


@st.composite
def problems(draw, max_n=40, max_d=10, max_k=4):
    """Binary data from a random mixture, a random mixture (probs away from 0 and 1) and an rng."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(2, max_n))
    d = draw(st.integers(1, max_d))
    k = draw(st.integers(1, min(max_k, n)))
    truth = rng.beta(0.5, 0.5, size=(draw(st.integers(1, 3)), d))  # some pixels nearly always on / off
    X = (rng.random((n, d)) < truth[rng.integers(0, len(truth), n)]).astype(float)
    low = draw(st.sampled_from([1e-3, 0.05, 0.2]))
    mixture = BernoulliMixture(rng.dirichlet(np.full(k, 1.0)), rng.uniform(low, 1 - low, size=(k, d)))
    return X, mixture, rng


def random_q(rng, n, k, zero_fraction):
    q = rng.dirichlet(np.full(k, 0.5), size=n)
    q[rng.random((n, k)) < zero_fraction] = 0.0
    q[np.arange(n), rng.integers(0, k, n)] += 0.1  # every row keeps some mass
    return q / q.sum(axis=1, keepdims=True)


priors = st.sampled_from([(1.0, 1.0), (2.0, 2.0), (1.5, 3.0), (1.01, 1.01)])


# ---------------------------------------------------------------- against the naive loops


@PROPERTY
@given(problem=problems())
def test_log_joint_matches_the_naive_loop_and_product(problem):
    X, mixture, _ = problem
    ours = bern.log_joint(X, mixture)
    want = naive_log_joint(X.tolist(), mixture.weights.tolist(), mixture.probs.tolist())
    np.testing.assert_allclose(ours, want, rtol=1e-12, atol=1e-12)
    product = naive_joint_product(X.tolist(), mixture.weights.tolist(), mixture.probs.tolist())
    assert product.min() > 1e-250  # tiny data: the textbook product has not underflowed
    np.testing.assert_allclose(np.exp(ours), product, rtol=1e-12, atol=0)


@PROPERTY
@given(problem=problems())
def test_e_step_matches_bayes_rule_multiplied_out(problem):
    X, mixture, _ = problem
    resp, ll = bern.e_step(X, mixture)
    want_resp, want_ll = naive_e_step(X.tolist(), mixture.weights.tolist(), mixture.probs.tolist())
    np.testing.assert_allclose(resp, want_resp, rtol=1e-10, atol=1e-13)
    assert ll == pytest.approx(want_ll, rel=1e-12, abs=1e-12)
    assert bern.log_likelihood(X, mixture) == pytest.approx(ll, rel=1e-13, abs=1e-13)


@PROPERTY
@given(problem=problems(), prior=priors)
def test_m_step_matches_the_naive_loop(problem, prior):
    X, mixture, rng = problem
    resp = rng.dirichlet(np.full(mixture.k, 0.7), size=len(X))
    new = bern.m_step(X, resp, alpha=prior[0], beta=prior[1])
    weights, probs = naive_m_step(X.tolist(), resp.tolist(), *prior)
    np.testing.assert_allclose(new.weights, weights, rtol=1e-12)
    np.testing.assert_allclose(new.probs, probs, rtol=1e-12, atol=1e-15)


def test_m_step_with_one_hot_resp_counts_pixels():
    X = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 0], [1, 1, 1]], dtype=float)
    resp = np.eye(2)[[0, 0, 1, 1]]
    ml = bern.m_step(X, resp, alpha=1, beta=1)
    np.testing.assert_allclose(ml.weights, [0.5, 0.5])
    np.testing.assert_allclose(ml.probs, [[1.0, 0.5, 0.5], [0.5, 0.5, 0.5]])  # S / N_k
    laplace = bern.m_step(X, resp)
    np.testing.assert_allclose(laplace.probs, [[3 / 4, 2 / 4, 2 / 4], [2 / 4, 2 / 4, 2 / 4]])  # (S + 1) / (N_k + 2)


# ---------------------------------------------------------------- properties of EM


@PROPERTY
@given(problem=problems(), prior=priors)
def test_history_of_the_map_objective_never_decreases(problem, prior):
    X, start, _ = problem
    result = bern.fit_bernoulli_em(X, start, max_iter=25, tol=0.0, prior=prior)
    h = result.history
    assert result.n_iter == 25 and not result.converged and len(h) == 26
    assert np.all(np.isfinite(h))
    assert np.all(np.diff(h) >= -1e-10 * np.maximum(1.0, np.abs(h[1:]))), np.diff(h).min()
    # what the history records is the log posterior of the final mixture, and log_likelihood is without prior
    assert h[-1] == pytest.approx(bern.log_posterior(X, result.mixture, *prior), rel=1e-12, abs=1e-12)
    assert result.log_likelihood == pytest.approx(bern.log_likelihood(X, result.mixture), rel=1e-12, abs=1e-12)


@PROPERTY
@given(problem=problems(), prior=st.sampled_from([(2.0, 2.0), (1.5, 3.0), (1.01, 1.01)]))
def test_responsibilities_sum_to_one_and_probs_stay_inside(problem, prior):
    X, start, _ = problem
    for data in (X, np.zeros_like(X), np.ones_like(X)):  # also every pixel off, or every pixel on
        result = bern.fit_bernoulli_em(data, start, max_iter=10, tol=0.0, prior=prior)
        assert np.all((result.resp >= 0) & (result.resp <= 1))
        np.testing.assert_allclose(result.resp.sum(axis=1), 1.0, atol=1e-12)
        assert np.all((result.mixture.probs > 0) & (result.mixture.probs < 1))
        assert result.mixture.weights.sum() == pytest.approx(1.0, abs=1e-12)


@PROPERTY
@given(problem=problems(), prior=priors, scale=st.sampled_from([1e-4, 1e-2, 0.3]))
def test_m_step_maximises_the_expected_complete_log_posterior(problem, prior, scale):
    X, old, rng = problem
    resp, _ = bern.e_step(X, old)
    best = bern.m_step(X, resp, *prior)
    top = bern.expected_complete_log_posterior(X, resp, best, *prior)
    assert np.isfinite(top)
    slack = 1e-10 * max(1.0, abs(top))
    for _ in range(8):
        logits = np.log(best.weights) + scale * rng.normal(size=best.k)
        weights = np.exp(logits - logsumexp(logits))
        p = np.clip(best.probs, 1e-300, 1 - 1e-16)
        probs = 1 / (1 + np.exp(-(np.log(p) - np.log1p(-p) + scale * rng.normal(size=p.shape))))
        for other in (BernoulliMixture(weights, best.probs), BernoulliMixture(best.weights, probs)):
            assert bern.expected_complete_log_posterior(X, resp, other, *prior) <= top + slack


@PROPERTY
@given(problem=problems(), zero_fraction=st.sampled_from([0.0, 0.3, 0.7]))
def test_log_likelihood_is_lower_bound_plus_kl(problem, zero_fraction):
    X, mixture, rng = problem
    q = random_q(rng, len(X), mixture.k, zero_fraction)
    ll = bern.log_likelihood(X, mixture)
    bound = bern.lower_bound(X, q, mixture)
    table = naive_log_joint(X.tolist(), mixture.weights.tolist(), mixture.probs.tolist())
    log_post = table - logsumexp(table, axis=1, keepdims=True)
    pos = q > 0
    kl = np.sum(q[pos] * (np.log(q[pos]) - log_post[pos]))  # sum_n KL(q_n || p(z_n | x_n))
    assert kl >= -1e-12
    assert abs(ll - (bound + kl)) <= 1e-10 * max(1.0, abs(ll))
    resp, _ = bern.e_step(X, mixture)
    assert bern.lower_bound(X, resp, mixture) == pytest.approx(ll, rel=1e-10, abs=1e-10)  # tight at the posterior


@PROPERTY
@given(problem=problems(), data=st.data())
def test_invariance_to_permuting_components(problem, data):
    X, mixture, _ = problem
    order = np.array(data.draw(st.permutations(range(mixture.k))))
    resp, ll = bern.e_step(X, mixture)
    resp_p, ll_p = bern.e_step(X, mixture.permuted(order))
    np.testing.assert_allclose(resp_p, resp[:, order], rtol=1e-10, atol=1e-14)
    assert ll_p == pytest.approx(ll, rel=1e-12, abs=1e-12)
    fit = bern.fit_bernoulli_em(X, mixture, max_iter=5, tol=0.0)
    fit_p = bern.fit_bernoulli_em(X, mixture.permuted(order), max_iter=5, tol=0.0)
    np.testing.assert_allclose(fit_p.history, fit.history, rtol=1e-10)
    np.testing.assert_allclose(fit_p.mixture.probs, fit.mixture.probs[order], rtol=1e-9, atol=1e-14)


# ---------------------------------------------------------------- probabilities of exactly 0 or 1


def test_zero_and_one_probabilities_where_the_data_allow_or_contradict_them():
    mixture = BernoulliMixture([0.5, 0.5], [[0.0, 1.0, 0.5], [0.5, 0.5, 0.5]])
    X = np.array([[0, 1, 1], [1, 1, 0], [0, 0, 0]], dtype=float)
    table = bern.log_joint(X, mixture)
    assert table[0, 0] == pytest.approx(math.log(0.5) + math.log(0.5))  # 0 log 0 = 0 in both certain pixels
    assert table[1, 0] == -np.inf and table[2, 0] == -np.inf  # pixel 0 on where p = 0; pixel 1 off where p = 1
    assert np.all(np.isfinite(table[:, 1]))
    resp, ll = bern.e_step(X, mixture)
    np.testing.assert_allclose(resp[1:], [[0.0, 1.0], [0.0, 1.0]])
    assert np.isfinite(ll)
    with pytest.raises(ValueError, match="point 0 of X has probability 0 under every component"):
        bern.e_step(X, BernoulliMixture([1.0], [[1.0, 0.0, 0.5]]))
    assert bern.log_likelihood(X, BernoulliMixture([1.0], [[1.0, 0.0, 0.5]])) == -np.inf
    q = np.array([[0.5, 0.5], [0.0, 1.0], [0.0, 1.0]])
    assert np.isfinite(bern.lower_bound(X, q, mixture))  # zero q on the impossible entries
    assert bern.log_prior(mixture, 2, 2) == -np.inf and bern.log_prior(mixture, 1, 1) == 0.0


def test_maximum_likelihood_em_may_reach_zero_and_one_without_nan():
    X = np.vstack([np.tile([1.0, 1.0, 0.0, 0.0], (10, 1)), np.tile([0.0, 0.0, 1.0, 1.0], (10, 1))])
    result = bern.fit_bernoulli_em(X, 2, rng=0, prior=None, max_iter=50)
    assert result.converged and result.prior == (1.0, 1.0)
    assert set(np.round(result.mixture.probs.ravel(), 12)) <= {0.0, 1.0}
    assert result.log_likelihood == pytest.approx(20 * math.log(0.5))  # two exact prototypes, weight 1/2 each
    np.testing.assert_array_equal(result.history[-1], result.log_likelihood)


# ---------------------------------------------------------------- the loop: stopping rule, start


def test_fit_stops_by_the_package_rule():
    X = bern.binarise(np.random.default_rng(1).integers(0, 17, size=(80, 64)))
    tol = 1e-3
    result = bern.fit_bernoulli_em(X, 3, rng=2, tol=tol, max_iter=500)
    h, n = result.history, len(X)
    assert result.converged and result.n_iter == len(h) - 1
    assert em.has_converged(h[-2], h[-1], n, tol)
    assert not any(em.has_converged(h[t - 1], h[t], n, tol) for t in range(1, len(h) - 1))
    # the same start and prior run by hand: M-step then E-step
    start = bern.initial_mixture(X, 3, rng=2)
    resp, _ = bern.e_step(X, start)
    for _ in range(result.n_iter):
        mixture = bern.m_step(X, resp)
        resp, _ = bern.e_step(X, mixture)
    np.testing.assert_array_equal(mixture.probs, result.mixture.probs)
    np.testing.assert_array_equal(resp, result.resp)


def test_initial_mixture_is_halfway_between_seed_and_mean_image():
    X = bern.binarise(np.random.default_rng(3).integers(0, 17, size=(50, 8, 8)))
    start = bern.initial_mixture(X, 4, rng=5)
    np.testing.assert_allclose(start.weights, 0.25)
    assert start.probs.min() >= 0.25 and start.probs.max() <= 0.75
    seeds = (start.probs - 0.25) / 0.25 - X.mean(axis=0)  # back to the seed images
    for seed in seeds:
        assert np.any(np.all(np.abs(X - seed) < 1e-12, axis=1))
    again = bern.initial_mixture(X, 4, rng=5)
    np.testing.assert_array_equal(again.probs, start.probs)


# ---------------------------------------------------------------- the digits


@pytest.fixture(scope="module")
def digits():
    return bern.load_binary_digits()


def test_binarise_the_digits(digits):
    from sklearn.datasets import load_digits

    raw = load_digits()
    X, labels = digits
    assert X.shape == (1797, 64) and set(np.unique(X)) == {0.0, 1.0}
    np.testing.assert_array_equal(X, raw.data >= 8)
    np.testing.assert_array_equal(bern.binarise(raw.data), X)  # (n, 64) and (n, 8, 8) agree
    np.testing.assert_array_equal(labels, raw.target)
    assert bern.binarise(raw.images, threshold=16).sum() == (raw.data == 16).sum()
    assert 0.3 < X.mean() < 0.45  # about a third of the pixels are on


def purity(resp, labels):
    """The fraction of points whose cluster's majority label is their own label (majority accuracy)."""
    clusters = resp.argmax(axis=1)
    return sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters)) / len(labels)


def test_ten_prototypes_on_the_digits_match_the_labels(digits):
    X, labels = digits
    result = bern.fit_bernoulli_em(X, 10, rng=0, max_iter=200)
    assert result.converged
    assert np.all(np.diff(result.history) >= -1e-9 * np.abs(result.history[1:]))
    # measured: 0.712 from this start, 0.705 to 0.771 over seeds 0..9; random labels give 0.136 (0.145 at most
    # in 200 draws); 0.65 leaves room for rounding on other machines
    score = purity(result.resp, labels)
    assert score > 0.65, score
    chance = np.mean([purity(np.eye(10)[np.random.default_rng(s).integers(0, 10, len(X))], labels) for s in range(20)])
    assert chance < 0.16 < score
    # a prototype looks like its cluster's digit: nearer its own class's mean image than any other class's
    prototypes = result.mixture.prototypes()
    assert prototypes.shape == (10, 8, 8)
    class_means = np.stack([X[labels == c].mean(axis=0) for c in range(10)])
    clusters = result.resp.argmax(axis=1)
    majority = [np.bincount(labels[clusters == c], minlength=10).argmax() for c in range(10)]
    nearest = np.argmin(((result.mixture.probs[:, None] - class_means[None]) ** 2).sum(axis=2), axis=1)
    assert np.mean(nearest == np.array(majority)) >= 0.8
    assert len(set(majority)) >= 7  # most digits get a prototype of their own


# ---------------------------------------------------------------- bad input


GOOD = BernoulliMixture([0.5, 0.5], [[0.2, 0.8], [0.5, 0.5]])
XB = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])


@pytest.mark.parametrize(
    "weights, probs, match",
    [
        ([0.5, 0.6], [[0.5], [0.5]], r"weights must sum to 1 .*they sum to 1\.1"),
        ([1.2, -0.2], [[0.5], [0.5]], r"weights must be non-negative"),
        ([[1.0]], [[0.5]], r"weights must be a 1-D array of shape \(k,\); got an array of shape \(1, 1\)"),
        ([0.5, 0.5], [0.5, 0.5], r"probs must have shape \(k, d\) = \(2, d\).*got an array of shape \(2,\)"),
        ([0.5, 0.5], [[0.5, 1.5], [0.5, 0.5]], r"probs must lie in \[0, 1\].*got 1\.5 at \[0, 1\]"),
        ([0.5, 0.5], [[0.5, -0.1], [0.5, 0.5]], r"probs must lie in \[0, 1\].*got -0\.1 at \[0, 1\]"),
        ([0.5, 0.5], [[0.5, np.nan], [0.5, 0.5]], r"probs must contain only finite numbers; got nan at index \(0, 1\)"),
        ([0.5, 0.5], [[0.5], [0.5j]], r"probs must hold real numbers"),
    ],
)
def test_bernoulli_mixture_rejects(weights, probs, match):
    with pytest.raises(ValueError, match=match):
        BernoulliMixture(weights, probs)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: bern.e_step(np.array([[0.0, 0.5]]), GOOD),
            r"X must hold only 0s and 1s.*got 0\.5 at row 0, column 1.*binarise",
        ),
        (lambda: bern.e_step(np.array([0.0, 1.0]), GOOD), r"X must be a 2-D array of shape \(n_samples, n_pixels\)"),
        (lambda: bern.e_step(np.zeros((3, 3)), GOOD), r"X has 3 pixels per point but the mixture has d=2"),
        (lambda: bern.e_step(XB, "mixture"), r"mixture must be a BernoulliMixture.*got str"),
        (lambda: bern.log_joint(np.array([[np.nan, 1.0]]), GOOD), r"X must hold only 0s and 1s.*got nan"),
        (lambda: bern.m_step(XB, np.ones((3, 2))), r"each row of resp must sum to 1"),
        (lambda: bern.m_step(XB, np.ones((2, 1))), r"resp must have shape \(n_samples, k\) = \(3, k\)"),
        (lambda: bern.m_step(XB, np.ones((3, 1)), alpha=0.5), r"alpha must be at least 1.*got 0\.5"),
        (lambda: bern.m_step(XB, np.ones((3, 1)), beta=-1), r"beta must be a non-negative finite number"),
        (lambda: bern.lower_bound(XB, np.ones((3, 1)), GOOD), r"q must have one column per component, shape \(3, 2\)"),
        (lambda: bern.expected_complete_log_posterior(XB, np.ones((3, 3)) / 3, GOOD), r"resp must have one column"),
        (lambda: bern.fit_bernoulli_em(XB, 4), r"k_or_mixture=4 is larger than the number of points n=3"),
        (lambda: bern.fit_bernoulli_em(XB, 0), r"k_or_mixture must be at least 1"),
        (lambda: bern.fit_bernoulli_em(XB, 2.0), r"k_or_mixture must be a positive integer .* or a BernoulliMixture"),
        (lambda: bern.fit_bernoulli_em(XB, 2, max_iter=0), r"max_iter must be a positive integer"),
        (lambda: bern.fit_bernoulli_em(XB, 2, tol=-1), r"tol must be a non-negative finite number"),
        (lambda: bern.fit_bernoulli_em(XB, 2, prior=2), r"prior must be None \(maximum likelihood\) or a pair"),
        (lambda: bern.fit_bernoulli_em(XB, 2, prior=(2, 0.9)), r"beta must be at least 1"),
        (lambda: bern.fit_bernoulli_em(np.zeros((3, 3)), GOOD), r"X has 3 pixels per point but the mixture has d=2"),
        (
            lambda: bern.fit_bernoulli_em(XB, 2, rng="seed"),
            r"rng must be None, an int seed or a numpy.random.Generator",
        ),
        (lambda: bern.initial_mixture(XB, 5), r"k=5 is larger than the number of points n=3"),
        (lambda: bern.binarise(np.zeros((5, 7, 7))), r"images must have shape \(n, 8, 8\) or \(n, 64\).*\(5, 7, 7\)"),
        (lambda: bern.binarise(np.full((2, 64), 17.0)), r"images must hold intensities in \[0, 16\].*17"),
        (
            lambda: bern.binarise(np.full((2, 8, 8), np.nan)),
            r"images must hold finite intensities.*nan at index \(0, 0, 0\)",
        ),
        (lambda: bern.binarise(np.zeros((2, 64)), threshold=0), r"threshold must be a number in \(0, 16\]"),
        (lambda: bern.binarise(np.zeros((2, 64)), threshold="8"), r"threshold must be a number in \(0, 16\]"),
        (lambda: GOOD.prototypes(), r"shape must have 2 pixels in all"),
        (lambda: GOOD.permuted([0, 0]), r"order must be a permutation of range\(2\)"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_maximum_likelihood_on_the_digits_reaches_certain_pixels_without_nan(digits):
    X, _ = digits
    result = bern.fit_bernoulli_em(X[:500], 10, rng=0, prior=None, max_iter=40, tol=0.0)
    h = result.history
    assert np.all(np.isfinite(h)) and np.all(np.diff(h) >= -1e-9 * np.abs(h[1:]))
    assert h[-1] == result.log_likelihood  # without a prior the objective is the log-likelihood
    assert np.any(result.mixture.probs == 0.0)  # ML prototypes: some pixels never on in a cluster
    assert np.all(np.isfinite(result.resp))
