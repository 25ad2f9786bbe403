"""The compare lab: its state functions against coursepkg's own loops, scikit-learn and plain loops."""

from itertools import permutations

import numpy as np
import pytest
from scipy.stats import chi2
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

from coursepkg import em
from coursepkg.kmeans import kmeans, kmeans_plusplus
from coursepkg.plotting import component_colors
from coursepkg.widgets import compare


@pytest.fixture(scope="module", params=compare.DATASETS)
def data(request):
    return compare.compare_data(request.param)


def _run(data, seed=compare.DEFAULT_SEED):
    pair = compare.start_pair(data.X, 3, seed)
    while not (pair.km_converged and pair.em_converged):
        pair = compare.advance(data.X, pair, 1)
    return pair


def test_compare_data():
    for name in compare.DATASETS:
        d = compare.compare_data(name)
        assert d.X.shape == (300, 2) and d.truth.shape == (300,) and d.true_gmm.k == 3
    assert compare.DATASETS == ("round", "elongated", "overlapping", "unequal")
    with pytest.raises(ValueError, match="name must be one of"):
        compare.compare_data("spiral")


def test_the_start_is_shared(data):
    pair = compare.start_pair(data.X, 3, seed=5)
    start = kmeans_plusplus(data.X, 3, rng=5)
    np.testing.assert_array_equal(pair.km_centers[0], start)
    np.testing.assert_array_equal(pair.em_gmms[0].means, start)
    np.testing.assert_allclose(pair.em_gmms[0].weights, 1 / 3, rtol=1e-15)
    # small axis-aligned components: each 95% ellipse reaches START_HALF_WIDTH of the data's range per axis
    span = np.ptp(data.X, axis=0)
    for cov in pair.em_gmms[0].covariances:
        assert cov[0, 1] == cov[1, 0] == 0.0
        half_widths = np.sqrt(chi2.ppf(0.95, 2) * np.diag(cov))
        np.testing.assert_allclose(half_widths, compare.START_HALF_WIDTH * span, rtol=1e-12)
    # ... so that they fit inside the frame around the means (data points)
    (x0, x1), (y0, y1) = compare.data_frame(data.X)
    means = pair.em_gmms[0].means
    assert np.all(means[:, 0] - half_widths[0] > x0) and np.all(means[:, 0] + half_widths[0] < x1)
    assert np.all(means[:, 1] - half_widths[1] > y0) and np.all(means[:, 1] + half_widths[1] < y1)
    nearest = np.array([np.argmin([np.sum((x - c) ** 2) for c in start]) for x in data.X])
    np.testing.assert_array_equal(pair.km_labels[0], nearest)


def test_stepping_reproduces_kmeans_and_fit_em(data):
    pair = _run(data)
    km = kmeans(data.X, pair.km_centers[0])
    np.testing.assert_array_equal(pair.km_centers[-1], km.centers)
    np.testing.assert_array_equal(pair.km_labels[-1], km.labels)
    np.testing.assert_allclose(pair.km_objective, km.history, rtol=1e-12)
    assert pair.km_iter == km.n_iter
    ref = em.fit_em(data.X, pair.em_gmms[0], max_iter=1000, tol=1e-6)
    np.testing.assert_array_equal(pair.em_log_likelihood, ref.history)  # the same em_iteration, to the last digit
    assert pair.em_iter == ref.n_iter and ref.converged
    # a longer step visits the same states
    jumped = compare.advance(data.X, compare.start_pair(data.X, 3), 1000)
    np.testing.assert_array_equal(jumped.em_log_likelihood, pair.em_log_likelihood)
    np.testing.assert_array_equal(jumped.km_objective, pair.km_objective)


def test_final_states_match_scikit_learn(data):
    pair = _run(data)
    start = pair.km_centers[0]
    sk_km = KMeans(3, init=start, n_init=1, algorithm="lloyd", tol=0).fit(data.X)
    np.testing.assert_allclose(pair.km_centers[-1], sk_km.cluster_centers_, atol=1e-12)
    gmm0 = pair.em_gmms[0]
    sk_gm = GaussianMixture(3, weights_init=gmm0.weights, means_init=gmm0.means,
                            precisions_init=np.linalg.inv(gmm0.covariances), tol=1e-12, max_iter=5000,
                            reg_covar=1e-6).fit(data.X)
    sk_ll = sk_gm.score(data.X) * len(data.X)
    # run to the same tight tolerance, EM from the shared start reaches scikit-learn's maximum
    tight = compare.advance(data.X, compare.start_pair(data.X, 3), 5000, tol=1e-12)
    np.testing.assert_allclose(tight.em_gmms[-1].means, sk_gm.means_, atol=1e-5)
    assert tight.em_log_likelihood[-1] == pytest.approx(sk_ll, abs=1e-8)
    # the lab's tol = 1e-6 per point stops close to it
    np.testing.assert_allclose(pair.em_gmms[-1].means, sk_gm.means_, atol=0.01)
    assert pair.em_log_likelihood[-1] == pytest.approx(sk_ll, abs=0.01)


def test_monotone_objectives(data):
    pair = compare.advance(data.X, compare.start_pair(data.X, 3, 2), 30)
    assert np.all(np.diff(pair.km_objective) <= 1e-9)
    assert np.all(np.diff(pair.em_log_likelihood) >= -1e-9)


def _best_permutation(labels, truth):
    return max(np.mean(np.array(p)[labels] == truth) for p in permutations(range(3)))


def test_accuracy_against_a_loop_over_renumberings(data):
    for seed in (1, 3):
        state = compare.compare_state(_run(data, seed), data)
        for prefix, labels in (("km", state["km_labels"]), ("em", state["em_labels"])):
            # matching by means agrees with the best renumbering on these data
            assert state[f"{prefix}_accuracy"] == pytest.approx(_best_permutation(labels, data.truth), abs=0.02)
    # a hand-made case: cluster 0 sits on true component 2, and so on
    true_means = np.array([[0.0, 0], [5, 0], [0, 5]])
    means = true_means[[2, 0, 1]] + 0.1
    truth = np.array([0, 1, 2, 2, 1])
    labels = np.array([1, 2, 0, 0, 0])  # relabelled: 0, 1, 2, 2, 2
    assert compare.accuracy(means, labels, true_means, truth) == pytest.approx(4 / 5)


def test_states_are_renumbered_by_the_true_components(data):
    pair = compare.advance(data.X, compare.start_pair(data.X, 3, seed=4), 2)
    state = compare.compare_state(pair, data)
    true_means = data.true_gmm.means
    # the renumbering is the permutation with the least total squared distance, found by trying all six
    for key, means in (("km_order", pair.km_centers[-1]), ("em_order", pair.em_gmms[-1].means)):
        best = min(permutations(range(3)), key=lambda p: np.sum((means[list(p)] - true_means) ** 2))
        np.testing.assert_array_equal(state[key], best)
    order = state["km_order"]
    np.testing.assert_array_equal(state["km_centers"], pair.km_centers[-1][order])
    np.testing.assert_array_equal(order[state["km_labels"]], pair.km_labels[-1])  # the same clusters, renamed
    np.testing.assert_array_equal(state["gmm"].means, pair.em_gmms[-1].means[state["em_order"]])
    np.testing.assert_array_equal(state["em_resp"], pair.em_resps[-1][:, state["em_order"]])
    assert state["km_accuracy"] == pytest.approx(np.mean(state["km_labels"] == data.truth))
    assert state["km_accuracy"] == pytest.approx(
        compare.accuracy(pair.km_centers[-1], pair.km_labels[-1], true_means, data.truth))
    assert state["em_accuracy"] == pytest.approx(
        compare.accuracy(pair.em_gmms[-1].means, pair.em_resps[-1].argmax(axis=1), true_means, data.truth))


def test_status_lines():
    data = compare.compare_data("round")
    state = compare.compare_state(_run(data), data)
    km_line, em_line = compare.status_lines(state)
    assert km_line.startswith(f"k-means: iteration {state['km_iter']}, converged")
    assert f"{state['km_accuracy']:.1%}" in km_line and f"J = {state['km_objective']:.1f}" in km_line
    assert em_line.startswith(f"EM: iteration {state['em_iter']}, converged")
    assert f"{state['em_log_likelihood']:.1f} nats" in em_line


def test_where_each_method_wins():
    """From the lab's default start. Round: both right; elongated: EM far ahead; overlapping (300 points):
    k-means ahead; unequal sizes: EM ahead."""
    acc = {}
    for name in compare.DATASETS:
        data = compare.compare_data(name)
        state = compare.compare_state(_run(data), data)
        acc[name] = (state["km_accuracy"], state["em_accuracy"])
    assert min(acc["round"]) >= 0.99
    assert acc["elongated"][0] < 0.7 and acc["elongated"][1] > 0.99
    assert acc["overlapping"][0] > acc["overlapping"][1] + 0.05
    assert acc["unequal"][1] > 0.99 and acc["unequal"][0] < 0.96


def test_converged_paths_stay_and_inputs_are_not_changed(data):
    pair = _run(data)
    again = compare.advance(data.X, pair, 5)
    assert again.km_iter == pair.km_iter and again.em_iter == pair.em_iter
    start = compare.start_pair(data.X, 3, 1)
    compare.advance(data.X, start, 3)
    assert start.km_iter == 0 and start.em_iter == 0
    back = compare.reset(pair)
    assert back.km_iter == back.em_iter == 0 and not back.km_converged and not back.em_converged
    np.testing.assert_array_equal(back.km_centers[0], pair.km_centers[0])


def test_a_collapsing_covariance_stops_em_without_an_exception():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [6.0, 5.0], [5.0, 6.0]])
    pair = compare.start_pair(X, 2, seed=0)
    done = compare.advance(X, pair, 20, reg_covar=0.0)
    assert done.km_converged and not done.em_converged
    assert "singular at iteration" in done.em_error
    assert compare.advance(X, done, 5, reg_covar=0.0).em_iter == done.em_iter  # EM stays stopped


def test_widget_buttons_and_what_is_drawn():
    lab = compare.make_compare_lab(dataset="round", seed=compare.DEFAULT_SEED)
    assert lab.image.value[:4] == b"\x89PNG"
    state = lab.state()
    assert state["km_iter"] == state["em_iter"] == 0
    lab.press("Step")
    state = lab.state()
    assert state["km_iter"] == 1 and state["em_iter"] == 1
    run = next(label for label in lab.buttons if label.startswith("Run"))
    lab.press(run)
    state = lab.state()
    assert state["km_converged"] and state["em_converged"]
    assert state["km_accuracy"] >= 0.99 and state["em_accuracy"] >= 0.99
    figure = lab.figure
    np.testing.assert_allclose(figure.scatters[0].get_facecolors()[:, :3],
                               component_colors(3)[state["km_labels"]], atol=1e-12)
    # on round data the renumbered clusters are the true components: a point's colour is its true one (299 of 300)
    truth = compare.compare_data("round").truth
    assert np.sum(state["km_labels"] == truth) == np.sum(state["em_labels"] == truth) == 299
    np.testing.assert_allclose(figure.scatters[1].get_facecolors()[:, :3],
                               state["em_resp"] @ component_colors(3), atol=1e-12)
    for j, centre in enumerate(state["km_centers"]):
        np.testing.assert_allclose(np.ravel(figure.km_marks[j].get_data()), centre)
        np.testing.assert_allclose(np.ravel(figure.em_marks[j].get_data()), state["gmm"].means[j])
    assert lab.readout.value == "<br>".join(compare.status_lines(state))
    assert lab.widget.children[-1] is lab.readout
    lab.press("Reset")
    assert lab.state()["km_iter"] == 0
    lab.controls["dataset"].value = "overlapping"
    lab.press(run)
    lab.press(run)
    state = lab.state()
    assert state["dataset"] == "overlapping" and state["km_accuracy"] > state["em_accuracy"]
    lab.controls["seed"].value = 3  # a new start: both back at iteration 0
    assert lab.state()["km_iter"] == 0 and lab.state()["seed"] == 3
