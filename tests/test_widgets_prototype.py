"""Prototype lab (lesson 11): the pure state functions against EM computed independently, and the widget."""

import numpy as np
import pytest
from scipy import special, stats
from sklearn.metrics.cluster import contingency_matrix

from coursepkg import bernoulli
from coursepkg.widgets import prototype_lab as P

X_ALL, Y_ALL = bernoulli.load_binary_digits()
X, Y = X_ALL[:300], Y_ALL[:300]


def _log_joint(X, mixture):
    """From scipy.stats.bernoulli, independent of coursepkg's matrix products."""
    return np.log(mixture.weights) + np.stack(
        [stats.bernoulli(mixture.probs[k]).logpmf(X).sum(axis=1) for k in range(mixture.k)], axis=1)


def _naive_m_step(X, resp, alpha, beta):
    K, d = resp.shape[1], X.shape[1]
    counts, on = np.zeros(K), np.zeros((K, d))
    for x, r in zip(X, resp, strict=True):
        counts += r
        on += r[:, None] * x[None, :]
    return counts / len(X), (on + alpha - 1) / (counts[:, None] + alpha + beta - 2)


def _log_prior(probs, a, b):
    return stats.beta(a, b).logpdf(probs).sum()


def test_initial_state():
    state = P.initial_state(X, 4, seed=2, labels=Y)
    start = bernoulli.initial_mixture(X, 4, rng=2)
    np.testing.assert_array_equal(state.mixture.probs, start.probs)
    assert state.resp is None and state.e_steps == state.m_steps == 0 and state.next_step == "E"
    a = _log_joint(X, start)
    ll = special.logsumexp(a, axis=1).sum()
    assert state.log_likelihood == pytest.approx(ll, rel=1e-12)
    assert state.objective == pytest.approx(ll + _log_prior(start.probs, 2, 2), rel=1e-12)


def test_e_then_m_against_scipy_and_a_loop():
    start = P.initial_state(X, 3, seed=0)
    e = P.advance(start, "E")
    np.testing.assert_allclose(e.resp, special.softmax(_log_joint(X, start.mixture), axis=1), atol=1e-12)
    assert (e.e_steps, e.m_steps, e.last) == (1, 0, "E")
    m = P.advance(e, "M")
    w, p = _naive_m_step(X, e.resp, 2.0, 2.0)
    np.testing.assert_allclose(m.mixture.weights, w, atol=1e-13)
    np.testing.assert_allclose(m.mixture.probs, p, atol=1e-13)
    ll = special.logsumexp(_log_joint(X, m.mixture), axis=1).sum()
    assert m.history[-1] == pytest.approx(ll + _log_prior(p, 2, 2), rel=1e-12)
    assert len(m.history) == 2 and m.m_steps == 1


def test_steps_that_change_nothing():
    start = P.initial_state(X, 3)
    assert P.advance(start, "M").mixture is start.mixture and "E-step first" in P.advance(start, "M").message
    e = P.advance(start, "E")
    again = P.advance(e, "E")
    assert again.e_steps == 1 and again.resp is e.resp
    m = P.advance(e, "M")
    assert P.advance(m, "M").m_steps == 1
    with pytest.raises(ValueError, match="step must be"):
        P.advance(start, "X")


def test_advance_does_not_modify_its_input():
    start = P.initial_state(X, 3)
    probs = start.mixture.probs.copy()
    P.run(start, 3)
    np.testing.assert_array_equal(start.mixture.probs, probs)
    assert start.history == (start.objective,) and start.resp is None


def test_em_step_is_e_then_m_and_run_matches_fit_bernoulli_em():
    start = P.initial_state(X, 5, seed=3)
    one = P.advance(start, "EM")
    two = P.advance(P.advance(start, "E"), "M")
    np.testing.assert_array_equal(one.mixture.probs, two.mixture.probs)
    ran = P.run(start, 20)
    fit = bernoulli.fit_bernoulli_em(X, bernoulli.initial_mixture(X, 5, rng=3), max_iter=20, tol=0.0)
    np.testing.assert_allclose(ran.history, fit.history, rtol=1e-12)
    assert ran.m_steps == ran.e_steps == 20


@pytest.mark.parametrize("prior", [(2.0, 2.0), None])
def test_the_objective_never_falls(prior):
    state = P.run(P.initial_state(X, 6, seed=1, prior=prior), 40)
    assert np.diff(state.history).min() >= -1e-9 * abs(state.history[-1])


def test_maximum_likelihood_reaches_exactly_zero():
    state = P.run(P.initial_state(X, 6, seed=1, prior=None), 30)
    assert state.prior == (1.0, 1.0)
    assert np.sum(state.mixture.probs == 0) > 0
    assert "log-likelihood per image" in P.status_line(state) and "log posterior" not in P.status_line(state)
    laplace = P.run(P.initial_state(X, 6, seed=1), 30)
    assert laplace.mixture.probs.min() > 0 and laplace.mixture.probs.max() < 1


def test_steps_stop_at_the_end_of_the_curve(monkeypatch):
    monkeypatch.setattr(P, "MAX_STEPS", 4)
    state = P.run(P.initial_state(X, 3), 10)
    assert state.m_steps == 4
    e = P.advance(state, "E")
    assert P.advance(e, "M").m_steps == 4 and "press Reset" in P.advance(e, "M").message


def test_em_step_at_the_end_adds_no_e_step(monkeypatch):
    monkeypatch.setattr(P, "MAX_STEPS", 3)
    state = P.run(P.initial_state(X, 3), 3)
    after = P.advance(state, "EM")
    assert (after.e_steps, after.m_steps) == (state.e_steps, state.m_steps) == (3, 3)
    assert "press Reset" in after.message


def test_counts_order_and_gains_against_independent_sums():
    start = P.initial_state(X, 4, seed=1)
    np.testing.assert_array_equal(P.counts(start), np.zeros(4))
    e = P.advance(start, "E")
    want = special.softmax(_log_joint(X, start.mixture), axis=1).sum(axis=0)
    np.testing.assert_allclose(P.counts(e), want, rtol=1e-12)
    m = P.run(e, 5)
    order = P.display_order(m)
    assert np.all(np.diff(m.mixture.weights[order]) <= 0) and sorted(order) == list(range(4))
    np.testing.assert_allclose(P.gains(m), np.diff(m.history) / len(X))
    assert P.gains(start).size == 0


def test_purity_against_sklearn_and_edge_cases():
    state = P.run(P.initial_state(X, 10, seed=0, labels=Y), 15)
    want = contingency_matrix(state.resp.argmax(axis=1), Y).max(axis=1).sum() / len(Y)
    assert P.purity(state.resp, Y) == pytest.approx(want, rel=1e-15)
    assert P.purity(np.eye(3)[[0, 1, 2, 0]], [5, 6, 7, 5]) == 1.0
    assert P.purity(np.ones((4, 1)), [0, 0, 1, 2]) == 0.5
    assert "purity" in P.status_line(state)


def test_curve_limits_hold_the_runs_of_the_lab_defaults():
    lo, hi = P.curve_limits(X)
    for k, seed in [(2, 0), (10, 0), (10, 5)]:
        state = P.run(P.initial_state(X, k, seed), 40)
        values = np.array(state.history) / len(X)
        assert lo <= values.min() and values.max() <= hi


@pytest.fixture(scope="module")
def lab():
    return P.make_prototype_lab(X, Y, k=4)


def test_widget_buttons_and_images(lab):
    lab.press("Reset")
    lab.press("EM step")
    state = lab.state()
    assert state.m_steps == 1 and state.mixture.k == 4
    order = P.display_order(state)
    for j in range(4):  # slot j shows the (j + 1)-th heaviest component
        np.testing.assert_array_equal(lab.figure.images[j].get_array(), state.mixture.prototypes()[order[j]])
        assert lab.figure.images[j].get_visible()
        assert lab.figure.bars[j].get_height() == pytest.approx(state.resp[:, order[j]].sum())
        assert lab.figure.labels[j].get_text().startswith(f"{j + 1}: π = {state.mixture.weights[order[j]]:.2f}")
    heights = [bar.get_height() for bar in lab.figure.bars[:4]]
    lab.press("E-step")  # an E-step changes the picture: the bars move
    assert [bar.get_height() for bar in lab.figure.bars[:4]] != heights
    assert not any(image.get_visible() for image in lab.figure.images[4:])
    lab.press("10 EM steps")
    assert lab.state().m_steps == 11
    x, yv = lab.figure.curve.get_data()
    np.testing.assert_allclose(yv, np.array(lab.state().history) / len(X))
    _, gv = lab.figure.gain.get_data()
    np.testing.assert_allclose(gv, np.maximum(np.diff(lab.state().history) / len(X), P.GAIN_FLOOR))
    lab.press("Reset")
    assert lab.state().m_steps == 0 and lab.state().resp is None
    assert "E-steps 0" in lab.readout.value


def test_widget_controls_restart_the_run(lab):
    lab.controls["k"].value = 7
    assert lab.state().mixture.k == 7 and lab.state().m_steps == 0
    assert sum(image.get_visible() for image in lab.figure.images) == 7
    lab.press("EM step")
    lab.controls["seed"].value = 3
    assert lab.state().m_steps == 0
    lab.controls["prior"].value = "none: maximum likelihood"
    assert lab.state().prior == (1.0, 1.0)
    lab.controls["prior"].value = "Beta(2, 2): Laplace smoothing"


def test_redraws_are_fast(lab):
    lab.redraw_ms.clear()
    for _ in range(3):
        lab.press("EM step")
        lab.press("10 EM steps")
    lab.controls["k"].value = 10
    lab.press("Reset")
    assert max(lab.redraw_ms) < 250  # the target is 100 ms (benchmarks/); a loaded CI machine gets headroom


def test_bad_prior_name():
    with pytest.raises(ValueError, match="prior must be one of"):
        P.make_prototype_lab(X, Y, prior="flat")
