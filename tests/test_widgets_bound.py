"""The bound lab: log p = L + KL checked against scipy.stats and naive loops; the widget redraws in place."""

import numpy as np
import pytest
from scipy import stats

from coursepkg import em
from coursepkg.datasets import SYNTHETIC
from coursepkg.mixture import GMM
from coursepkg.widgets.bound import (
    BOUND_DEPTHS,
    LAB_GMM,
    bound_curve,
    bound_scale,
    bound_state,
    depth_settings,
    make_bound_lab,
)


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
    assert state.kl >= 0.0  # clamped: the readout never shows a negative KL


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


def test_scale_is_the_smallest_depth_that_holds_the_curve():
    assert bound_scale([0.0, -0.5, -0.756]) == 1.0
    assert bound_scale([0.0, -1.0]) == 2.0  # 1.1 x 1.0 does not fit in 1
    assert bound_scale([0.0, -60.0]) == 100.0
    assert bound_scale([0.0, -1e4]) == BOUND_DEPTHS[-1]  # deeper than the ladder: the deepest panel
    assert bound_scale([-np.inf, 0.0, -0.3]) == 1.0  # a corner at -inf (a component of weight 0) is ignored
    # the curve's lowest point is a corner, q one-hot: L - log p = log of the smaller posterior probability
    post = bound_state(0.3, [0.5, 0.5], LAB_GMM).posterior
    q1 = np.linspace(0, 1, 201)
    curve = bound_curve(0.3, LAB_GMM, np.column_stack([1 - q1, q1])) - bound_state(0.3, post, LAB_GMM).log_p
    assert curve.min() == pytest.approx(np.log(post.min()), abs=1e-12)


def test_middle_panel_is_scaled_so_the_gap_is_visible():
    lab = make_bound_lab()
    ax = lab.figure.ax_bound
    state = lab.state()
    low, high = ax.get_ylim()
    assert low == -1.0 and high == pytest.approx(0.08)  # the start's curve reaches -0.756
    assert state.kl / (high - low) > 0.2  # the 0.23-nat gap fills over a fifth of the panel
    dotted = lab.figure.post_line.get_ydata()
    assert min(dotted) == low and max(dotted) == pytest.approx(high)  # the posterior's line spans the panel
    lab.controls["mu1"].value = 3.5
    lab.controls["x"].value = -4.5  # far from component 2: its posterior is below e^-50
    assert lab.figure.background_key() == 100.0
    assert ax.get_ylim()[0] == -100.0
    curve = lab.figure.curve.get_ydata()
    assert curve.min() >= -100.0 and state.kl >= 0
    gap_low, gap_high = lab.figure.gap_line.get_ydata()
    assert gap_high == 0.0 and -100.0 <= gap_low <= 0.0


def test_depth_settings_reach_each_depth_once():
    settings = depth_settings(LAB_GMM)
    depths = []
    for setting in settings:
        model = GMM(LAB_GMM.weights, [[-1.5], [setting["mu1"]]], LAB_GMM.covariances)
        q1 = np.linspace(0, 1, 201)
        log_p = bound_state(setting["x"], [0.5, 0.5], model).log_p
        depths.append(bound_scale(bound_curve(setting["x"], model, np.column_stack([1 - q1, q1])) - log_p))
    assert depths == sorted(set(depths)) and depths[0] == 1.0 and len(depths) >= 5
    lab = make_bound_lab()
    for setting in settings:  # every depth was drawn when the lab was built, so each visit blits
        lab.controls["mu1"].value = setting["mu1"]
        lab.controls["x"].value = setting["x"]
        assert lab.figure.background_key() in depths


def test_labels_number_components_from_one():
    lab = make_bound_lab()
    assert lab.controls["q1"].description == "q₂" and lab.controls["mu1"].description == "μ₂"
    ticks = [t.get_text() for t in lab.figure.fig.axes[2].get_xticklabels()]
    assert ticks == ["component 1", "component 2"]


@pytest.mark.parametrize("x", np.linspace(-4.5, 4.5, 37))
def test_kl_at_the_posterior_is_never_negative(x):
    """After the E-step (q = posterior) rounding could give KL = -2e-16, shown as "-0.0000"; it is clamped."""
    post = bound_state(x, [0.5, 0.5], LAB_GMM).posterior
    state = bound_state(x, post, LAB_GMM)
    assert state.kl >= 0.0
    assert state.kl == pytest.approx(0.0, abs=1e-14)
    assert "-" not in f"{state.kl:8.4f}"
