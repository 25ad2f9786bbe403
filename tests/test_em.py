"""EM for Gaussian mixtures: reference results from scikit-learn, properties, robustness."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from coursepkg import datasets, em, mixture
from coursepkg.kmeans import kmeans
from coursepkg.mixture import GMM

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_close(actual, expected, rtol):
    """Relative closeness, with the absolute floor set by the size of the expected values."""
    expected = np.asarray(expected, dtype=float)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * max(np.abs(expected).max(), 1e-300))


def assert_gmm_close(a, b, rtol):
    assert_close(a.weights, b.weights, rtol)
    assert_close(a.means, b.means, rtol)
    assert_close(a.covariances, b.covariances, rtol)


def random_spd(rng, d, scale=1.0):
    A = rng.normal(size=(d, d))
    return scale * (A @ A.T / d + 0.5 * np.eye(d))


def random_gmm_near(X, k, rng):
    """A random starting mixture: means at data points plus noise, random weights and covariances."""
    d = X.shape[1]
    spread = X.std(axis=0).mean() + 1e-3
    means = X[rng.integers(0, X.shape[0], k)] + rng.normal(scale=0.1 * spread, size=(k, d))
    covs = np.stack([random_spd(rng, d, spread**2) for _ in range(k)])
    return GMM(rng.dirichlet(np.full(k, 2.0)), means, covs)


@st.composite
def em_problems(draw, max_k=4, max_d=3):
    """Random data (a random mixture, sometimes well separated, sometimes not) and a random start."""
    seed = draw(st.integers(0, 2**32 - 1))
    d = draw(st.integers(1, max_d))
    k = draw(st.integers(1, max_k))
    n = draw(st.integers(max(10, 4 * k * d), 60))
    separation = draw(st.sampled_from([0.5, 2.0, 5.0]))
    rng = np.random.default_rng(seed)
    truth = datasets.random_gmm(draw(st.integers(1, 4)), d, rng=seed, separation=separation)
    X, _ = mixture.sample(truth, n, rng=rng)
    return X, random_gmm_near(X, k, rng), rng


# ---------------------------------------------------------------- reference: scikit-learn


def sklearn_fit(X, gmm, T, reg_covar):
    sk = GaussianMixture(
        n_components=gmm.k, covariance_type="full", tol=0.0, max_iter=T, reg_covar=reg_covar,
        weights_init=gmm.weights, means_init=gmm.means, precisions_init=np.linalg.inv(gmm.covariances),
        init_params="random_from_data", random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X)
    return sk


def faithful_case():
    X = datasets.old_faithful()
    return X, em.initial_gmm(X, 2, rng=0)


def faithful3_case():
    X = datasets.old_faithful()
    return X, em.initial_gmm(X, 3, init="random", rng=1)


def synthetic_5d_case():
    X, _ = mixture.sample(datasets.random_gmm(4, 5, rng=3, separation=2.0), 600, rng=7)
    return X, em.initial_gmm(X, 4, rng=2)


@pytest.mark.parametrize("case", [faithful_case, faithful3_case, synthetic_5d_case])
@pytest.mark.parametrize("reg_covar, T", [(1e-6, 40), (1e-2, 15)])
def test_fit_em_reproduces_sklearn(case, reg_covar, T):
    X, start = case()
    n = X.shape[0]
    ours = em.fit_em(X, start, max_iter=T, tol=0.0, reg_covar=reg_covar)
    sk = sklearn_fit(X, start, T, reg_covar)
    assert ours.n_iter == sk.n_iter_ == T
    assert not ours.converged
    # sklearn's lower_bounds_[t] is the mean log-likelihood of the parameters after t M-steps
    assert_close(ours.history[:T], n * np.asarray(sk.lower_bounds_), 1e-8)
    assert ours.history[T] == pytest.approx(n * sk.score(X), rel=1e-8)
    assert_close(ours.gmm.weights, sk.weights_, 1e-8)
    assert_close(ours.gmm.means, sk.means_, 1e-8)
    assert_close(ours.gmm.covariances, sk.covariances_, 1e-8)
    assert_close(ours.resp, sk.predict_proba(X), 1e-7)


def test_m_step_matches_weighted_np_cov():
    X, _ = datasets.overlapping(200, rng=4)
    gmm = em.initial_gmm(X, 3, rng=0)
    resp, _ = em.e_step(X, gmm)
    for reg_covar in (0.0, 1e-3):
        new = em.m_step(X, resp, reg_covar=reg_covar)
        nk = resp.sum(axis=0)
        assert_close(new.weights, nk / len(X), 1e-12)
        for j in range(3):
            assert_close(new.means[j], np.average(X, axis=0, weights=resp[:, j]), 1e-12)
            expected = np.cov(X.T, aweights=resp[:, j], bias=True) + reg_covar * np.eye(2)
            assert_close(new.covariances[j], expected, 1e-10)


def test_m_step_with_one_hot_resp_is_count_and_average():
    X, z = datasets.round_blobs(150, rng=1)
    gmm = em.m_step(X, np.eye(3)[z], reg_covar=0.0)
    for j in range(3):
        Xj = X[z == j]
        assert gmm.weights[j] == pytest.approx(len(Xj) / len(X))
        assert_close(gmm.means[j], Xj.mean(axis=0), 1e-12)
        assert_close(gmm.covariances[j], np.cov(Xj.T, bias=True), 1e-10)


def test_e_step_against_bayes_rule_with_scipy():
    from scipy import stats

    X, _ = datasets.unequal_sizes(50, rng=2)
    gmm = datasets.SYNTHETIC["unequal"]
    joint = np.column_stack(
        [w * stats.multivariate_normal(m, c).pdf(X) for w, m, c in zip(gmm.weights, gmm.means, gmm.covariances,
                                                                      strict=True)]
    )
    resp, ll = em.e_step(X, gmm)
    assert_close(resp, joint / joint.sum(axis=1, keepdims=True), 1e-10)
    assert ll == pytest.approx(np.log(joint.sum(axis=1)).sum(), rel=1e-12)


def test_e_step_on_large_data_works_block_by_block():
    # more rows than one block holds: the blocks must tile the rows exactly
    X, _ = mixture.sample(datasets.random_gmm(3, 4, rng=0), 70_001, rng=0)
    gmm = em.initial_gmm(X, 3, rng=0)
    resp, ll = em.e_step(X, gmm)
    assert_close(resp, np.exp(mixture.weighted_log_prob(X, gmm) - mixture.log_density(X, gmm)[:, None]), 1e-10)
    assert ll == pytest.approx(mixture.log_likelihood(X, gmm), rel=1e-12)
    new = em.m_step(X, resp)
    assert_close(new.covariances[0], np.cov(X.T, aweights=resp[:, 0], bias=True) + 1e-6 * np.eye(4), 1e-9)


# ---------------------------------------------------------------- properties


@PROPERTY
@given(problem=em_problems())
def test_log_likelihood_never_decreases(problem):
    X, start, _ = problem
    try:
        result = em.fit_em(X, start, max_iter=30, tol=0.0, reg_covar=0.0)
    except em.SingularCovarianceError:
        assume(False)
    h = result.history
    assert np.all(np.isfinite(h))
    steps = np.diff(h)
    assert np.all(steps >= -1e-10 * np.maximum(1.0, np.abs(h[1:]))), steps.min()


@PROPERTY
@given(problem=em_problems(), zero_fraction=st.sampled_from([0.0, 0.3, 0.7]))
def test_lower_bound_plus_kl_is_log_likelihood(problem, zero_fraction):
    X, gmm, rng = problem
    n, k = X.shape[0], gmm.k
    q = rng.dirichlet(np.full(k, 0.5), size=n)
    q[rng.random((n, k)) < zero_fraction] = 0.0
    q[np.arange(n), rng.integers(0, k, n)] += 0.1  # every row keeps some mass
    q /= q.sum(axis=1, keepdims=True)
    ll = mixture.log_likelihood(X, gmm)
    bound = em.lower_bound(X, q, gmm)
    tol = 1e-9 * max(1.0, abs(ll))
    assert bound <= ll + tol
    log_post = mixture.weighted_log_prob(X, gmm) - mixture.log_density(X, gmm)[:, None]
    pos = q > 0
    kl = np.sum(q[pos] * (np.log(q[pos]) - log_post[pos]))  # sum_n KL(q_n || p(z_n | x_n))
    assert ll - bound == pytest.approx(kl, abs=tol)
    resp, ll_e = em.e_step(X, gmm)
    assert em.lower_bound(X, resp, gmm) == pytest.approx(ll, abs=tol)
    assert ll_e == pytest.approx(ll, abs=tol)


@PROPERTY
@given(problem=em_problems(), far=st.sampled_from([10.0, 1e3, 1e5]))
def test_responsibilities_are_distributions_even_far_away(problem, far):
    X, gmm, rng = problem
    direction = rng.normal(size=(3, gmm.d))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    sd = np.sqrt(np.linalg.eigvalsh(gmm.covariances).max())
    X_far = np.vstack([X, gmm.means[0] + far * sd * direction])  # `far` standard deviations out
    resp, ll = em.e_step(X_far, gmm)
    assert np.isfinite(ll)
    assert np.all((resp >= 0) & (resp <= 1))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-12)


def test_far_points_where_the_naive_density_underflows():
    from scipy import stats

    gmm = datasets.SYNTHETIC["round"]
    x = np.array([[1e3 * np.sqrt(0.5), 0.0]])  # 1000 standard deviations from component 0
    naive = [stats.multivariate_normal(m, c).pdf(x) for m, c in zip(gmm.means, gmm.covariances, strict=True)]
    assert all(p == 0.0 for p in naive)  # 0 / 0 for the textbook formula
    resp, ll = em.e_step(x, gmm)
    assert np.isfinite(ll) and resp.sum() == pytest.approx(1.0)
    assert resp[0, 1] == pytest.approx(1.0)  # the nearest mean (4, 0.5) takes the point


@PROPERTY
@given(problem=em_problems(), data=st.data())
def test_invariance_to_permuting_components(problem, data):
    X, gmm, _ = problem
    order = np.array(data.draw(st.permutations(range(gmm.k))))
    perm = gmm.permuted(order)
    resp, ll = em.e_step(X, gmm)
    resp_p, ll_p = em.e_step(X, perm)
    assert_close(resp_p, resp[:, order], 1e-10)
    assert ll_p == pytest.approx(ll, rel=1e-12, abs=1e-12)
    assert_gmm_close(em.m_step(X, resp[:, order]), em.m_step(X, resp).permuted(order), 1e-10)
    fit = em.fit_em(X, gmm, max_iter=10, tol=0.0)
    fit_p = em.fit_em(X, perm, max_iter=10, tol=0.0)
    assert_close(fit_p.history, fit.history, 1e-9)
    assert_gmm_close(fit_p.gmm, fit.gmm.permuted(order), 1e-7)


# ---------------------------------------------------------------- robustness


@pytest.mark.parametrize("offset", [1e4, -3e4])
def test_offset_data_fit_as_well_as_centred_data(offset):
    X, _ = datasets.elongated(300, rng=5)
    start = em.initial_gmm(X, 3, rng=4)
    shifted_start = GMM(start.weights, start.means + offset, start.covariances)
    fit = em.fit_em(X, start, max_iter=50, tol=0.0)
    fit_shifted = em.fit_em(X + offset, shifted_start, max_iter=50, tol=0.0)
    assert_close(fit_shifted.history, fit.history, 1e-6)
    assert_close(fit_shifted.gmm.means - offset, fit.gmm.means, 1e-6)
    assert_close(fit_shifted.gmm.covariances, fit.gmm.covariances, 1e-6)
    assert_close(fit_shifted.resp, fit.resp, 1e-6)


def duplicated_points():
    distinct = np.array([[0.0, 0.0], [3.0, 1.0], [1.0, 4.0], [5.0, 5.0], [2.0, -2.0]])
    return np.repeat(distinct, 4, axis=0), len(distinct)


@pytest.mark.parametrize("init_method", em.INIT_METHODS)
def test_duplicates_with_k_distinct_points_give_no_nan(init_method):
    X, k = duplicated_points()
    result = em.fit_em(X, k, rng=0, init=init_method, max_iter=200)
    for arr in (result.resp, result.history, result.gmm.weights, result.gmm.means, result.gmm.covariances):
        assert np.all(np.isfinite(arr))
    np.testing.assert_allclose(result.resp.sum(axis=1), 1.0)


def test_duplicates_with_zero_reg_covar_raise_singular_covariance():
    X, k = duplicated_points()
    singular = r"component \d+ \(index \d+\) became singular at iteration \d+"
    with pytest.raises(em.SingularCovarianceError, match=singular) as info:
        em.fit_em(X, k, rng=0, reg_covar=0.0, max_iter=200)
    message = str(info.value)
    assert "reg_covar" in message and "fewer components" in message
    assert isinstance(info.value, ValueError)
    assert info.value.iteration >= 1 and 0 <= info.value.component < k


def test_component_collapsing_onto_one_point():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(50, 2)), [[30.0, 30.0]]])
    start = GMM([0.5, 0.5], [[0.0, 0.0], [30.0, 30.0]], [np.eye(2), np.eye(2)])
    singular = r"component 2 \(index 1\) became singular at iteration 1.*reg_covar"
    with pytest.raises(em.SingularCovarianceError, match=singular):
        em.fit_em(X, start, reg_covar=0.0)
    result = em.fit_em(X, start)  # the default reg_covar = 1e-6 keeps it a proper Gaussian
    assert np.all(np.isfinite(result.history))
    np.testing.assert_allclose(result.gmm.covariances[1], 1e-6 * np.eye(2), atol=1e-12)


def test_collapse_in_one_dimension_is_detected():
    X = np.repeat([[0.5], [2.0], [7.0]], 3, axis=0)
    with pytest.raises(em.SingularCovarianceError, match="iteration"):
        em.fit_em(X, 3, rng=0, reg_covar=0.0)
    assert np.all(np.isfinite(em.fit_em(X, 3, rng=0).history))


def test_m_step_alone_raises_singular_covariance():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])  # on a line: no 2-D spread
    with pytest.raises(em.SingularCovarianceError, match=r"component 1 \(index 0\) became singular: .*reg_covar"):
        em.m_step(X, np.ones((3, 1)), reg_covar=0.0)
    assert np.all(np.isfinite(em.m_step(X, np.ones((3, 1))).covariances))


def test_empty_component_gives_no_nan():
    X, _ = datasets.round_blobs(60, rng=0)
    resp = np.zeros((60, 2))
    resp[:, 0] = 1.0  # component 1 owns nothing
    gmm = em.m_step(X, resp)
    assert np.all(np.isfinite(gmm.means)) and gmm.weights[1] < 1e-15


# ---------------------------------------------------------------- the loop, its start and the stepper


def test_fit_em_on_old_faithful_converges_to_the_known_solution():
    X = datasets.old_faithful()
    result = em.fit_em(X, 2, rng=0, n_init=3)
    assert result.converged and result.n_iter < 100
    assert len(result.history) == result.n_iter + 1
    assert result.log_likelihood == result.history[-1]
    order = np.argsort(result.gmm.means[:, 0])
    np.testing.assert_allclose(result.gmm.means[order], [[2.04, 54.5], [4.29, 80.0]], atol=0.05)
    np.testing.assert_allclose(result.gmm.weights[order], [0.356, 0.644], atol=0.005)
    assert result.log_likelihood / len(X) == pytest.approx(-4.2, abs=0.05)


def test_n_init_keeps_the_best_run():
    X, _ = datasets.overlapping(200, rng=1)
    runs = [em.fit_em(X, 3, rng=np.random.default_rng(5), n_init=1) for _ in range(1)]
    best = em.fit_em(X, 3, rng=np.random.default_rng(5), n_init=4)
    assert best.log_likelihood >= runs[0].log_likelihood - 1e-9


def test_convergence_tolerance_stops_early():
    X = datasets.old_faithful()
    start = em.initial_gmm(X, 2, rng=0)
    loose = em.fit_em(X, start, tol=1e-2)
    tight = em.fit_em(X, start, tol=1e-10, max_iter=500)
    assert loose.converged and tight.converged and loose.n_iter < tight.n_iter
    assert abs(np.diff(loose.history)[-1]) / len(X) < 1e-2


@pytest.mark.parametrize("init_method", em.INIT_METHODS)
def test_initial_gmm(init_method):
    X, _ = datasets.round_blobs(120, rng=3)
    start = em.initial_gmm(X, 3, init=init_method, rng=0)
    assert (start.k, start.d) == (3, 2)
    np.testing.assert_allclose(start.weights, 1 / 3)
    expected_cov = np.cov(X.T, bias=True) + 1e-6 * np.eye(2)
    for j in range(3):
        assert_close(start.covariances[j], expected_cov, 1e-12)
    if init_method == "kmeans":
        assert_close(start.means, kmeans(X, 3, rng=np.random.default_rng(0)).centers, 1e-12)
    else:  # k distinct data points
        assert all(any(np.array_equal(m, x) for x in X) for m in start.means)
        assert len(np.unique(start.means, axis=0)) == 3
    again = em.initial_gmm(X, 3, init=init_method, rng=0)
    np.testing.assert_array_equal(again.means, start.means)


def test_initial_gmm_on_a_constant_feature_is_still_positive_definite():
    X = np.column_stack([np.linspace(0, 1, 20), np.full(20, 5.0)])
    for reg_covar in (0.0, 1e-6):
        start = em.initial_gmm(X, 2, rng=0, reg_covar=reg_covar)
        assert np.all(np.linalg.eigvalsh(start.covariances) > 0)


def test_stepper_history_matches_fit_em():
    X, _ = datasets.overlapping(150, rng=2)
    start = em.initial_gmm(X, 3, rng=1)
    stepper = em.EMStepper(X, start)
    for _ in range(12):
        stepper.step()
    fit = em.fit_em(X, start, max_iter=12, tol=0.0)
    np.testing.assert_allclose(stepper.history, fit.history, rtol=1e-13)
    assert_gmm_close(stepper.gmm, fit.gmm, 1e-12)
    assert_close(stepper.resp, fit.resp, 1e-12)


def test_stepper_half_steps():
    X, _ = datasets.round_blobs(90, rng=2)
    start = em.initial_gmm(X, 3, rng=0)
    stepper = em.EMStepper(X, start)
    assert stepper.next_step == "M" and len(stepper.history) == 1
    new = stepper.m_step()
    assert stepper.next_step == "E" and stepper.gmm is new and len(stepper.history) == 2
    resp = stepper.e_step()
    assert_close(resp, em.e_step(X, new)[0], 1e-14)
    assert stepper.history[-1] == pytest.approx(em.e_step(X, new)[1], rel=1e-14)
    # parameters set from outside (a lab dragging a mean) get fresh responsibilities
    moved = GMM(new.weights, new.means + 1.0, new.covariances)
    stepper.gmm = moved
    assert_close(stepper.e_step(), em.e_step(X, moved)[0], 1e-14)


def test_stepper_reports_the_iteration_of_a_collapse():
    X, k = duplicated_points()
    stepper = em.EMStepper(X, em.initial_gmm(X, k, rng=0), reg_covar=0.0)
    with pytest.raises(em.SingularCovarianceError, match="at iteration"):
        for _ in range(200):
            stepper.step()
