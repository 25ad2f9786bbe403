"""The bound lab: log p = L + KL checked against scipy.stats and naive loops; the widget redraws in place."""

import numpy as np
import pytest
from scipy import stats

from coursepkg import em
from coursepkg.datasets import SYNTHETIC
from coursepkg.mixture import GMM
from coursepkg.widgets.bound import LAB_GMM, bound_curve, bound_state, make_bound_lab


def by_hand(x, q, gmm):
    """log p(x), L(q) and KL(q || posterior) with scipy.stats densities and plain loops."""
    joint = [gmm.weights[k] * stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).pdf(x) for k in range(gmm.k)]
    p = sum(joint)
    post = [j / p for j in joint]
    lower = sum(q[k] * np.log(joint[k] / q[k]) for k in range(gmm.k) if q[k] > 0)
    kl = sum(q[k] * np.log(q[k] / post[k]) for k in range(gmm.k) if q[k] > 0)
    return np.log(p), lower, kl, np.array(post)


@pytest.mark.parametrize("x", [-3.0, -0.4, 0.3, 1.5, 4.0])
@pytest.mark.parametrize("q1", [0.0, 0.05, 0.5, 0.93, 1.0])
def test_two_components_match_scipy(x, q1):
    q = np.array([1 - q1, q1])
    state = bound_state(x, q, LAB_GMM)
    log_p, lower, kl, post = by_hand([x], q, LAB_GMM)
    assert state.log_p == pytest.approx(log_p, abs=1e-12)
    assert state.lower_bound == pytest.approx(lower, abs=1e-12)
    assert state.kl == pytest.approx(kl, abs=1e-12)
    np.testing.assert_allclose(state.posterior, post, atol=1e-14)
    assert state.gap == pytest.approx(state.kl, abs=1e-12)  # log p = L + KL
    assert state.kl >= -1e-15


def test_three_components_in_2d_agree_with_em_lower_bound():
    gmm = SYNTHETIC["overlapping"]
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.normal(size=2) * 2
        q = rng.dirichlet(np.ones(3))
        state = bound_state(x, q, gmm)
        assert state.lower_bound == pytest.approx(em.lower_bound(x[None], q[None], gmm), abs=1e-12)
        log_p, lower, kl, post = by_hand(x, q, gmm)
        assert state.log_p == pytest.approx(log_p, abs=1e-12)
        assert state.lower_bound + state.kl == pytest.approx(state.log_p, abs=1e-12)


def test_tight_exactly_at_posterior_and_only_there():
    x = 0.3
    post = bound_state(x, [0.5, 0.5], LAB_GMM).posterior
    at_post = bound_state(x, post, LAB_GMM)
    assert at_post.kl == pytest.approx(0.0, abs=1e-15)
    assert at_post.lower_bound == pytest.approx(at_post.log_p, abs=1e-14)
    q1 = np.linspace(0, 1, 1001)
    values = bound_curve(x, LAB_GMM, np.column_stack([1 - q1, q1]))
    assert np.all(values <= at_post.log_p + 1e-12)
    assert abs(q1[np.argmax(values)] - post[1]) <= 0.001


def test_curve_matches_state_including_the_ends():
    q1 = np.array([0.0, 0.2, 0.7, 1.0])
    values = bound_curve([1.0], LAB_GMM, np.column_stack([1 - q1, q1]))
    expected = [bound_state(1.0, [1 - a, a], LAB_GMM).lower_bound for a in q1]
    np.testing.assert_allclose(values, expected, atol=1e-13)
    # at a vertex the bound is the log joint of that component: L(e_k) = log pi_k + log N(x | mu_k, sigma_k^2)
    assert values[0] == pytest.approx(np.log(0.6) + stats.norm(-1.5, 1.0).logpdf(1.0), abs=1e-12)


def test_zero_weight_component_and_bad_q():
    gmm = GMM([1.0, 0.0], [[0.0], [2.0]], [[[1.0]], [[1.0]]])
    state = bound_state(0.5, [1.0, 0.0], gmm)
    assert state.kl == pytest.approx(0.0, abs=1e-15) and np.isfinite(state.lower_bound)
    impossible = bound_state(0.5, [0.5, 0.5], gmm)  # q puts mass on a component with weight 0
    assert impossible.kl == np.inf and impossible.lower_bound == -np.inf
    with pytest.raises(ValueError, match="sum to 1"):
        bound_state(0.5, [0.5, 0.6], LAB_GMM)
    with pytest.raises(ValueError, match="shape"):
        bound_state(0.5, [1.0], LAB_GMM)
    with pytest.raises(ValueError, match="one point"):
        bound_state([0.5, 1.0], [0.5, 0.5], LAB_GMM)


def test_lab_redraws_in_place_for_each_control_and_the_button():
    lab = make_bound_lab()
    assert lab.image.value[:4] == b"\x89PNG"
    for name, value in (("q1", 0.8), ("x", -1.0), ("mu1", 0.5)):
        before = lab.image.value
        lab.controls[name].value = value
        assert lab.image.value != before, name
    state = lab.state()
    assert state.q[1] == pytest.approx(0.8)
    log_p, lower, kl, post = by_hand([-1.0], [0.2, 0.8], GMM(LAB_GMM.weights, [[-1.5], [0.5]], LAB_GMM.covariances))
    assert state.lower_bound == pytest.approx(lower, abs=1e-12) and state.kl == pytest.approx(kl, abs=1e-12)
    before = lab.image.value
    lab.buttons["E-step: q ← posterior"].click()
    assert lab.image.value != before
    assert lab.state().kl == pytest.approx(0.0, abs=1e-12)
    assert lab.controls["q1"].value == pytest.approx(post[1], abs=1e-12)
