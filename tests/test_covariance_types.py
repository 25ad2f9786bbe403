"""The four covariance types (full, diag, spherical, tied): scikit-learn's numbers, EM's properties, bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

from coursepkg import datasets, em, mixture
from coursepkg.mixture import COVARIANCE_TYPES, GMM

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONSTRAINED = ("diag", "spherical", "tied")


def assert_close(actual, expected, rtol):
    """Relative closeness, with the absolute floor set by the size of the expected values."""
    expected = np.asarray(expected, dtype=float)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * max(np.abs(expected).max(), 1e-300))


def compact(gmm, covariance_type=None):
    """The covariances as scikit-learn stores them: (k, d, d), (k, d), (k,) or (d, d)."""
    covariance_type = covariance_type or gmm.covariance_type
    c = gmm.covariances
    if covariance_type == "full":
        return c.copy()
    if covariance_type == "diag":
        return np.diagonal(c, axis1=1, axis2=2).copy()
    if covariance_type == "spherical":
        return c[:, 0, 0].copy()
    return c[0].copy()


def sklearn_precisions(gmm):
    covs = compact(gmm)
    return 1.0 / covs if gmm.covariance_type in ("diag", "spherical") else np.linalg.inv(covs)


def sklearn_one_step_model(start, reg_covar):
    """A GaussianMixture at `start` that takes one EM iteration per call of fit (warm start)."""
    return GaussianMixture(
        n_components=start.k, covariance_type=start.covariance_type, weights_init=start.weights,
        means_init=start.means, precisions_init=sklearn_precisions(start), max_iter=1, warm_start=True, tol=0.0,
        reg_covar=reg_covar,
    )


def quiet_fit(model, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)


def faithful_data():
    return datasets.old_faithful(), 3, 0


def synthetic_5d_data():
    X, _ = mixture.sample(datasets.random_gmm(4, 5, rng=3, separation=2.0), 600, rng=7)
    return X, 4, 2


# ---------------------------------------------------------------- reference: scikit-learn, iteration by iteration


@pytest.mark.parametrize("data", [faithful_data, synthetic_5d_data], ids=["faithful-2d", "synthetic-5d"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("reg_covar", [1e-6, 1e-2])
def test_every_iteration_matches_sklearn(data, covariance_type, reg_covar):
    X, k, seed = data()
    n, T = X.shape[0], 25
    start = em.initial_gmm(X, k, rng=seed, covariance_type=covariance_type, reg_covar=reg_covar)
    assert start.covariance_type == covariance_type
    sk = sklearn_one_step_model(start, reg_covar)
    stepper = em.EMStepper(X, start, reg_covar=reg_covar)
    for t in range(1, T + 1):
        quiet_fit(sk, X)  # one E-step under the current parameters, one M-step
        gmm = stepper.step()
        assert gmm.covariance_type == covariance_type
        assert_close(gmm.weights, sk.weights_, 1e-8)
        assert_close(gmm.means, sk.means_, 1e-8)
        assert_close(compact(gmm), sk.covariances_, 1e-8)
        # sklearn's lower bound is the mean log-likelihood of the parameters its M-step started from
        assert stepper.history[t - 1] / n == pytest.approx(sk.lower_bound_, rel=1e-8)
    assert stepper.history[T] / n == pytest.approx(sk.score(X), rel=1e-8)
    assert_close(stepper.resp, sk.predict_proba(X), 1e-7)
    fit = em.fit_em(X, start, max_iter=T, tol=0.0, reg_covar=reg_covar)  # the loop takes the same steps
    np.testing.assert_array_equal(fit.history, stepper.history)
    assert fit.gmm.covariance_type == covariance_type


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("reg_covar", [0.0, 1e-6, 0.1])
def test_m_step_matches_sklearns_estimator_on_the_same_responsibilities(covariance_type, reg_covar):
    X, _ = mixture.sample(datasets.random_gmm(3, 4, rng=5, separation=1.0), 300, rng=1)
    resp, _ = em.e_step(X, datasets.random_gmm(3, 4, rng=6))
    nk, means, covs = _estimate_gaussian_parameters(X, resp, reg_covar, covariance_type)
    gmm = em.m_step(X, resp, reg_covar=reg_covar, covariance_type=covariance_type)
    assert_close(gmm.weights, nk / len(X), 1e-12)
    assert_close(gmm.means, means, 1e-12)
    assert_close(compact(gmm), covs, 1e-10)


# ---------------------------------------------------------------- the M-steps themselves


def weighted_covariances(X, resp):
    """Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k, by numpy's weighted covariance."""
    return np.stack([np.cov(X.T, aweights=resp[:, j], bias=True).reshape(X.shape[1], -1) for j in range(resp.shape[1])])


@pytest.mark.parametrize("reg_covar", [0.0, 1e-3])
def test_each_m_step_is_its_formula(reg_covar):
    X, _ = datasets.overlapping(200, rng=4)
    resp, _ = em.e_step(X, em.initial_gmm(X, 3, rng=0))
    nk, d = resp.sum(axis=0), X.shape[1]
    full = weighted_covariances(X, resp)
    eye = np.eye(d)
    want = {
        "full": full + reg_covar * eye,
        "diag": np.stack([np.diag(np.diag(c)) for c in full]) + reg_covar * eye,
        "spherical": np.stack([(np.trace(c) / d + reg_covar) * eye for c in full]),
        "tied": np.repeat((np.einsum("k,kij->ij", nk, full) / nk.sum() + reg_covar * eye)[None], 3, axis=0),
    }
    for covariance_type, covs in want.items():
        gmm = em.m_step(X, resp, reg_covar=reg_covar, covariance_type=covariance_type)
        assert gmm.covariance_type == covariance_type
        assert_close(gmm.weights, nk / len(X), 1e-12)
        for j in range(3):
            assert_close(gmm.means[j], np.average(X, axis=0, weights=resp[:, j]), 1e-12)
        assert_close(gmm.covariances, covs, 1e-10)


def reference_full_m_step(X, resp, reg_covar):
    """The "full" M-step as it was before the covariance types came (kept to prove bit-for-bit equality)."""
    n, d = X.shape
    k = resp.shape[1]
    nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
    means = (resp.T @ X) / nk[:, None]
    covs = np.zeros((k, d, d))
    for rows in mixture.row_blocks(n, k * d):
        X_block, resp_block = X[rows], resp[rows]
        for j in range(k):
            diff = X_block - means[j]
            covs[j] += (resp_block[:, j, None] * diff).T @ diff
    covs /= nk[:, None, None]
    for j in range(k):
        covs[j].flat[:: d + 1] += reg_covar
        covs[j] = (covs[j] + covs[j].T) / 2
    return nk / n, means, covs


def test_full_is_bit_for_bit_what_it_was():
    X, _ = mixture.sample(datasets.random_gmm(3, 3, rng=1), 500, rng=2)
    start = em.initial_gmm(X, 3, rng=0)
    resp, _ = em.e_step(X, start)
    want = reference_full_m_step(X, resp, 1e-6)
    for gmm in (em.m_step(X, resp), em.m_step(X, resp, 1e-6, "full")):
        for got, expected in zip((gmm.weights, gmm.means, gmm.covariances), want, strict=True):
            np.testing.assert_array_equal(got, expected)
    default = em.fit_em(X, 3, rng=4, max_iter=15)
    explicit = em.fit_em(X, 3, rng=4, max_iter=15, covariance_type="full")
    from_start = em.fit_em(X, start, max_iter=15, covariance_type="full")
    np.testing.assert_array_equal(default.history, explicit.history)
    np.testing.assert_array_equal(default.gmm.covariances, explicit.gmm.covariances)
    np.testing.assert_array_equal(from_start.history, em.fit_em(X, start, max_iter=15).history)
    np.testing.assert_array_equal(start.covariances, em.initial_gmm(X, 3, rng=0, covariance_type="full").covariances)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_centred_moments_keep_their_digits_far_from_the_origin(covariance_type):
    X, _ = datasets.elongated(300, rng=5)
    resp, _ = em.e_step(X, em.initial_gmm(X, 3, rng=4))
    near = em.m_step(X, resp, covariance_type=covariance_type)
    far = em.m_step(X + 1e7, resp, covariance_type=covariance_type)
    # sum r x^2 - N mu^2 would keep about 16 - 14 = 2 digits here; the centred sums keep about 9
    assert_close(far.covariances, near.covariances, 1e-7)
    assert_close(far.means - 1e7, near.means, 1e-6)


def test_initial_gmm_of_each_type_is_the_full_start_constrained():
    X, _ = datasets.elongated(200, rng=1)
    full = em.initial_gmm(X, 3, rng=7)
    C = full.covariances[0]
    for covariance_type, want in [
        ("diag", np.diag(np.diag(C))),
        ("spherical", np.trace(C) / 2 * np.eye(2)),
        ("tied", C),
    ]:
        start = em.initial_gmm(X, 3, rng=7, covariance_type=covariance_type)
        assert start.covariance_type == covariance_type
        np.testing.assert_array_equal(start.means, full.means)  # the same draws
        assert_close(start.covariances, np.repeat(want[None], 3, axis=0), 1e-14)


def test_fit_em_from_k_learns_each_type():
    X = datasets.old_faithful()
    for covariance_type in COVARIANCE_TYPES:
        result = em.fit_em(X, 2, rng=0, covariance_type=covariance_type)
        assert result.converged and result.gmm.covariance_type == covariance_type
        c = result.gmm.covariances
        if covariance_type in ("diag", "spherical"):
            assert np.all(c[:, 0, 1] == 0) and np.all(c[:, 1, 0] == 0)
        if covariance_type == "spherical":
            assert np.all(c[:, 0, 0] == c[:, 1, 1])
        if covariance_type == "tied":
            assert np.array_equal(c[0], c[1])


def test_a_start_of_one_type_may_begin_a_wider_run_only():
    X = datasets.old_faithful()
    diag_start = em.initial_gmm(X, 2, rng=0, covariance_type="diag")
    assert em.fit_em(X, diag_start, max_iter=3).gmm.covariance_type == "diag"  # None: the start's own type
    assert em.fit_em(X, diag_start, max_iter=3, covariance_type="full").gmm.covariance_type == "full"
    assert em.EMStepper(X, diag_start).covariance_type == "diag"
    full_start = em.initial_gmm(X, 2, rng=0)
    with pytest.raises(ValueError, match=r"k_or_gmm \(a GMM with covariance_type='full'\) cannot start a run with "
                                         r"covariance_type='diag': covariances\[0\] must be diagonal"):
        em.fit_em(X, full_start, covariance_type="diag")
    with pytest.raises(ValueError, match=r"gmm \(a GMM .*cannot start a run with covariance_type='tied'"):
        em.EMStepper(X, GMM([0.5, 0.5], full_start.means, [np.eye(2), 2 * np.eye(2)]), covariance_type="tied")


def test_em_iteration_honours_the_type():
    X = datasets.old_faithful()
    start = em.initial_gmm(X, 3, rng=2, covariance_type="spherical")
    resp, ll = em.e_step(X, start)
    step = em.em_iteration(X, resp, ll, covariance_type="spherical")
    want = em.m_step(X, resp, covariance_type="spherical")
    np.testing.assert_array_equal(step.gmm.covariances, want.covariances)
    assert step.gmm.covariance_type == "spherical" and step.gain > 0


# ---------------------------------------------------------------- collapses


def test_a_spherical_component_on_one_point_is_singular():
    X = np.vstack([np.zeros((4, 2)), np.random.default_rng(0).normal(size=(20, 2))])
    resp = np.zeros((24, 2))
    resp[:4, 0] = 1.0
    resp[4:, 1] = 1.0
    with pytest.raises(em.SingularCovarianceError, match=r"component 1 \(index 0\) became singular at iteration 3: "
                                                         r".*sit on one point\. Use reg_covar > 0") as info:
        em.em_iteration(X, resp, 0.0, reg_covar=0.0, iteration=3, covariance_type="spherical")
    assert (info.value.component, info.value.iteration) == (0, 3)


def test_points_on_a_line_are_fine_for_spherical_but_not_for_diag_or_tied():
    t = np.linspace(0, 1, 30)
    X = np.column_stack([t, np.full(30, 2.0)])  # the second feature is constant
    resp = np.ones((30, 1))
    assert np.all(np.isfinite(em.m_step(X, resp, reg_covar=0.0, covariance_type="spherical").covariances))
    one_feature = r"index 0\) became singular: .*share the value of one feature"
    with pytest.raises(em.SingularCovarianceError, match=one_feature):
        em.m_step(X, resp, reg_covar=0.0, covariance_type="diag")
    with pytest.raises(em.SingularCovarianceError, match=r"the shared covariance \(covariance_type='tied'\) became "
                                                         r"singular: the N = 30 points.*line or a plane"):
        em.m_step(X, np.tile([0.5, 0.5], (30, 1)), reg_covar=0.0, covariance_type="tied")
    with pytest.raises(em.SingularCovarianceError, match=r"shared covariance .* singular at iteration 2") as info:
        em.em_iteration(X, np.tile([0.5, 0.5], (30, 1)), 0.0, reg_covar=0.0, iteration=2, covariance_type="tied")
    assert info.value.component is None and info.value.iteration == 2
    for covariance_type in COVARIANCE_TYPES:  # the default reg_covar keeps every type well defined
        assert np.all(np.isfinite(em.m_step(X, resp, covariance_type=covariance_type).covariances))


# ---------------------------------------------------------------- the GMM carries its type


def test_gmm_carries_and_checks_its_type():
    means = [[0.0, 0.0], [3.0, 1.0]]
    diag = GMM([0.4, 0.6], means, [np.diag([1.0, 2.0]), np.diag([0.5, 0.1])], "diag")
    assert diag.covariance_type == "diag" and "covariance_type='diag'" in repr(diag)
    assert GMM([0.4, 0.6], means, [np.eye(2)] * 2).covariance_type == "full"
    assert diag.permuted([1, 0]).covariance_type == "diag"
    GMM([0.4, 0.6], means, [2 * np.eye(2), 0.5 * np.eye(2)], covariance_type="spherical")
    GMM([0.4, 0.6], means, [[[1.0, 0.3], [0.3, 1.0]]] * 2, covariance_type="tied")
    # rounding-level departures (1e-13 of the scale) are accepted, as for symmetry
    GMM([0.4, 0.6], means, [np.eye(2), np.eye(2) * (1 + 1e-13)], covariance_type="tied")
    GMM([1.0], means[:1], [np.diag([2.0, 2.0 + 2e-13])], covariance_type="spherical")


@pytest.mark.parametrize(
    "covs, covariance_type, match",
    [
        ([np.eye(2)] * 2, "ful", r"covariance_type must be one of \('full', 'diag', 'spherical', 'tied'\).*got 'ful'"),
        ([np.eye(2)] * 2, None, r"covariance_type must be one of .*got None"),
        ([[[1.0, 0.2], [0.2, 1.0]], np.eye(2)], "diag",
         r"covariances\[0\] must be diagonal for covariance_type='diag'; got 0.2 at \[0, 1\] \(expected 0\)"),
        ([np.eye(2), np.diag([1.0, 3.0])], "spherical",
         r"covariances\[1\] must be a multiple of the identity .* got the variances \[1.0, 3.0\]"),
        ([np.eye(2), [[1.0, 0.1], [0.1, 1.0]]], "spherical", r"covariances\[1\] must be a multiple of the identity"),
        ([np.eye(2), 2 * np.eye(2)], "tied",
         r"covariances must all be equal \(one shared Sigma\) for covariance_type='tied'; covariances\[1\] differs"),
    ],
)
def test_gmm_refuses_covariances_without_the_structure(covs, covariance_type, match):
    with pytest.raises(ValueError, match=match):
        GMM([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], covs, covariance_type)


X_SMALL = np.random.default_rng(0).normal(size=(30, 2))


@pytest.mark.parametrize(
    "call",
    [
        lambda: em.m_step(X_SMALL, np.full((30, 2), 0.5), covariance_type="diagonal"),
        lambda: em.fit_em(X_SMALL, 2, covariance_type="Full"),
        lambda: em.fit_em(X_SMALL, em.initial_gmm(X_SMALL, 2, rng=0), covariance_type=3),
        lambda: em.initial_gmm(X_SMALL, 2, covariance_type="sphere"),
        lambda: em.em_iteration(X_SMALL, np.full((30, 2), 0.5), 0.0, covariance_type=""),
        lambda: em.EMStepper(X_SMALL, em.initial_gmm(X_SMALL, 2, rng=0), covariance_type="tide"),
    ],
)
def test_every_entry_point_checks_the_type(call):
    with pytest.raises(ValueError, match=r"covariance_type must be one of \('full', 'diag', 'spherical', 'tied'\)"):
        call()


# ---------------------------------------------------------------- properties


def constrain(cov, covariance_type):
    """A (k, d, d) stack of covariances made to have the structure of `covariance_type`."""
    k, d, _ = cov.shape
    if covariance_type == "diag":
        return np.stack([np.diag(np.diag(c)) for c in cov])
    if covariance_type == "spherical":
        return np.stack([np.trace(c) / d * np.eye(d) for c in cov])
    if covariance_type == "tied":
        return np.repeat(cov.mean(axis=0)[None], k, axis=0)
    return cov


@st.composite
def typed_problems(draw, max_k=4, max_d=3):
    """Random data (a random mixture) and a random starting mixture of a random covariance type."""
    seed = draw(st.integers(0, 2**32 - 1))
    covariance_type = draw(st.sampled_from(COVARIANCE_TYPES))
    d = draw(st.integers(1, max_d))
    k = draw(st.integers(1, max_k))
    n = draw(st.integers(max(10, 4 * k * d), 60))
    rng = np.random.default_rng(seed)
    truth = datasets.random_gmm(draw(st.integers(1, 4)), d, rng=seed, separation=draw(st.sampled_from([0.5, 2.0])))
    X, _ = mixture.sample(truth, n, rng=rng)
    spread = X.std(axis=0).mean() + 1e-3
    means = X[rng.integers(0, n, k)] + rng.normal(scale=0.1 * spread, size=(k, d))
    A = rng.normal(size=(k, d, d))
    covs = spread**2 * (A @ A.transpose(0, 2, 1) / d + 0.5 * np.eye(d))
    start = GMM(rng.dirichlet(np.full(k, 2.0)), means, constrain(covs, covariance_type), covariance_type)
    return X, start, rng


@PROPERTY
@given(problem=typed_problems())
def test_log_likelihood_never_decreases_for_any_type(problem):
    X, start, _ = problem
    try:
        result = em.fit_em(X, start, max_iter=30, tol=0.0, reg_covar=0.0)
    except em.SingularCovarianceError:
        assume(False)
    assert result.gmm.covariance_type == start.covariance_type
    h = result.history
    assert np.all(np.isfinite(h))
    steps = np.diff(h)
    assert np.all(steps >= -1e-10 * np.maximum(1.0, np.abs(h[1:]))), steps.min()


@PROPERTY
@given(problem=typed_problems(), reg_covar=st.sampled_from([0.0, 1e-6, 0.5]))
def test_fitted_covariances_have_the_structure_exactly(problem, reg_covar):
    X, start, _ = problem
    try:
        gmm = em.fit_em(X, start, max_iter=5, tol=0.0, reg_covar=reg_covar).gmm
    except em.SingularCovarianceError:
        assume(False)
    c, k, d = gmm.covariances, gmm.k, gmm.d
    off_diagonal = ~np.eye(d, dtype=bool)
    if gmm.covariance_type in ("diag", "spherical"):
        assert np.all(c[:, off_diagonal] == 0.0)
    if gmm.covariance_type == "spherical":
        assert np.all(np.diagonal(c, axis1=1, axis2=2) == c[:, :1, 0])
    if gmm.covariance_type == "tied":
        assert all(np.array_equal(c[j], c[0]) for j in range(k))
    assert np.all(np.linalg.eigvalsh(c) > 0)
    rebuilt = GMM(gmm.weights, gmm.means, c, gmm.covariance_type)  # passes the structural check
    np.testing.assert_allclose(mixture.log_likelihood(X, rebuilt), mixture.log_likelihood(X, gmm), rtol=1e-12)


def perturbed(gmm, part, size, rng):
    """`gmm` moved by about `size` (relative) within its covariance type: the weights stay on the simplex."""
    k, d = gmm.k, gmm.d
    weights, means, covs = gmm.weights, gmm.means, gmm.covariances
    if part in ("weights", "all"):
        logits = np.log(weights) + size * rng.normal(size=k)
        weights = np.exp(logits - logits.max())
        weights /= weights.sum()
    if part in ("means", "all"):
        scale = np.sqrt(np.diagonal(covs, axis1=1, axis2=2))
        means = means + size * scale * rng.normal(size=(k, d))
    if part in ("covariances", "all"):
        t = gmm.covariance_type
        if t == "diag":
            covs = np.stack([np.diag(np.diag(c) * np.exp(size * rng.normal(size=d))) for c in covs])
        elif t == "spherical":
            covs = covs * np.exp(size * rng.normal(size=k))[:, None, None]
        elif t == "tied":
            A = np.eye(d) + size * rng.normal(size=(d, d))
            covs = np.repeat((A @ covs[0] @ A.T)[None], k, axis=0)
        else:
            A = np.eye(d) + size * rng.normal(size=(k, d, d))
            covs = A @ covs @ A.transpose(0, 2, 1)
        covs = (covs + covs.transpose(0, 2, 1)) / 2
    return GMM(weights, means, covs, gmm.covariance_type)


@PROPERTY
@given(
    problem=typed_problems(),
    part=st.sampled_from(["weights", "means", "covariances", "all"]),
    size=st.sampled_from([1e-3, 1e-2, 0.3]),
)
def test_each_m_step_maximises_q_within_its_constraint(problem, part, size):
    X, start, rng = problem
    resp, _ = em.e_step(X, start)
    try:
        best = em.m_step(X, resp, reg_covar=0.0, covariance_type=start.covariance_type)
    except em.SingularCovarianceError:
        assume(False)
    best = GMM(best.weights, best.means, best.covariances, best.covariance_type)
    q_best = mixture.expected_complete_log_likelihood(X, resp, best)
    for _ in range(5):
        other = perturbed(best, part, size, rng)
        q_other = mixture.expected_complete_log_likelihood(X, resp, other)
        assert q_other <= q_best + 1e-10 * max(1.0, abs(q_best)), (q_other - q_best, part, size)


@PROPERTY
@given(problem=typed_problems())
def test_a_wider_type_reaches_a_higher_q(problem):
    X, start, _ = problem
    resp, _ = em.e_step(X, start)
    try:
        q = {t: mixture.expected_complete_log_likelihood(X, resp, em.m_step(X, resp, 0.0, t)) for t in COVARIANCE_TYPES}
    except em.SingularCovarianceError:
        assume(False)
    slack = 1e-10 * max(1.0, abs(q["full"]))
    assert q["spherical"] <= q["diag"] + slack <= q["full"] + 2 * slack
    assert q["tied"] <= q["full"] + slack
    if X.shape[1] == 1:  # in one dimension a diagonal covariance is a full one, and a spherical one
        assert q["spherical"] == pytest.approx(q["full"], rel=1e-10, abs=1e-10)
