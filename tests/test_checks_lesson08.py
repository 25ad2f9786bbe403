"""The lesson 08 exercise checks: the reference passes, each typical mistake gets its own message."""

import itertools

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)

from coursepkg import kmeans, logspace
from coursepkg.checks import lesson08 as checks

# ---------------------------------------------------------------- reference solutions


def _sq(X, C):
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def _softmax(a, axis=1):
    a = a - a.max(axis=axis, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=axis, keepdims=True)


def soft_responsibilities(X, centers, beta):
    return _softmax(-0.5 * beta * _sq(X, centers))


def soft_update(X, resp):
    return resp.T @ X / resp.sum(axis=0)[:, None]


def deviation_from_one_hot(X, centers, beta):
    hot = np.eye(len(centers))[np.argmin(_sq(X, centers), axis=1)]
    return float(np.max(np.abs(soft_responsibilities(X, centers, beta) - hot)))


def tie_weight(beta, a, b):
    t = 0.5 * beta * (b - a)
    return 1 / (2 + np.exp(-t)) if t >= 0 else np.exp(t) / (2 * np.exp(t) + 1)


def tie_limit(a, b):
    return 0.5 if b > a else (0.0 if b < a else 1 / 3)


def _cloud_lambda_max():
    centred = checks.CLOUD - checks.CLOUD.mean(axis=0)
    return np.linalg.eigvalsh(centred.T @ centred / len(centred))[-1]


def predicted_beta_c():
    return 0.25  # 1 / 2^2, the largest variance of the distribution the cloud is drawn from


def _bisect(max_iter=400, steps=12, nudge=1e-3, apart=2e-3):
    """(merged_at, split_at): split when the centres end farther apart than `apart`, from +-nudge along x."""
    start = checks.CLOUD.mean(axis=0) + nudge * np.array([[1.0, 0.0], [-1.0, 0.0]])
    low, high = 0.05, 2.0
    for _ in range(steps):
        middle = np.sqrt(low * high)
        run = kmeans.soft_kmeans(checks.CLOUD, start, middle, max_iter=max_iter, tol=0)
        low, high = (low, middle) if np.linalg.norm(run.centers[0] - run.centers[1]) > apart else (middle, high)
    return low, high


_MEASURED = _bisect()  # (merged_at, split_at), 12 halvings: 0.4% wide


def measured_beta_c():
    return _MEASURED


def which_fails():
    return "neither"


def _share_right(labels, z):
    return max(np.mean(np.array(p)[labels] == z) for p in itertools.permutations(range(3)))


def agreements():
    from coursepkg.em import fit_em
    from coursepkg.mixture import GMM

    X, z, start = checks.elongated_problem()
    gmm = GMM(np.full(3, 1 / 3), start, np.repeat(np.cov(X.T, bias=True)[None] / 3, 3, axis=0))
    return _share_right(kmeans.kmeans(X, start).labels, z), _share_right(fit_em(X, gmm, max_iter=500).resp.argmax(1), z)


def beta_c():  # the check of two answers, as one "answer" for the contract: the predicted value
    return predicted_beta_c()


def kmeans_factorisation(X, labels, k):
    Z = np.eye(k)[labels]
    M = np.linalg.lstsq(Z, X, rcond=None)[0]  # the minimum-norm minimiser: 0 for an empty cluster's row
    return Z, M, float(np.sum((X - Z @ M) ** 2))


class TestEveryCheck(CheckContract):
    """The checks of two answers (check_beta_c, check_elongated) are tested below, answer by answer."""

    good = [
        (checks.check_soft_responsibilities, soft_responsibilities),
        (checks.check_soft_update, soft_update),
        (checks.check_deviation_from_one_hot, deviation_from_one_hot),
        (checks.check_factorisation, kmeans_factorisation),
    ]


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.kmeans.soft_responsibilities"):
        checks.check_soft_responsibilities(lambda X, C, b: kmeans.soft_responsibilities(X, C, b))


def _imports_the_reference_inside(X, C, beta):
    from coursepkg.kmeans import soft_responsibilities as reference  # a local import: forbid follows the module

    return reference(X, C, beta)


def _package_softmax(X, C, beta):
    return logspace.softmax_rows(-0.5 * beta * _sq(X, C))[0]


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_imports_the_reference_inside, "calls coursepkg.kmeans.soft_responsibilities, the reference"),
        (_package_softmax, "calls coursepkg.logspace.softmax_rows"),
    ],
)
def test_the_reference_reached_another_way_is_refused(wrong, message):
    with pytest.raises(AssertionError, match=message) as failure:
        checks.check_soft_responsibilities(wrong)
    assert failure.value.mistake == "soft_responsibilities.uses_reference"


# ---------------------------------------------------------------- soft responsibilities


def _naive(X, C, beta):
    e = np.exp(-0.5 * beta * _sq(X, C))
    return e / e.sum(axis=1, keepdims=True)


def _shifted_the_wrong_way(X, C, beta):
    logits = -0.5 * beta * _sq(X, C)
    e = np.exp(logits - logits.min(axis=1, keepdims=True))  # subtracts the largest squared distance's logit
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_naive, "contain NaN.*Subtract each row's largest logit"),
        (_shifted_the_wrong_way, "overflowed to inf and the ratio became inf/inf"),
        (lambda X, C, b: _softmax(-b * _sq(X, C)), "forgot the 1/2"),
        (lambda X, C, b: _softmax(0.5 * b * _sq(X, C)), "sign is flipped"),
        (lambda X, C, b: _softmax(-0.5 * b * np.sqrt(_sq(X, C))), "squared distance"),
        (lambda X, C, b: _softmax(-0.5 * b * _sq(X, C), axis=0), r"normalised over points \(axis=0\)"),
        (lambda X, C, b: soft_responsibilities(X, C, b).T, "transposed"),
        (lambda X, C, b: soft_responsibilities(X, C, b) * 2, "rows of your responsibilities sum to"),
        (lambda X, C, b: _softmax(-0.5 / b * _sq(X, C)) if b > 0 else _softmax(0 * _sq(X, C)), "inverse variance"),
    ],
)
def test_soft_responsibilities_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_soft_responsibilities(wrong)


def test_underflow_and_overflow_are_told_apart():
    with np.errstate(all="ignore"):
        for wrong, key in ((_naive, "nan"), (_shifted_the_wrong_way, "overflow")):
            with pytest.raises(AssertionError) as failure:
                checks.check_soft_responsibilities(wrong)
            assert failure.value.mistake == f"soft_responsibilities.{key}"
            assert ("inf/inf" in str(failure.value)) == (key == "overflow")


# ---------------------------------------------------------------- soft update


def _hard_update(X, resp):
    labels = np.argmax(resp, axis=1)
    return np.array([X[labels == j].mean(axis=0) for j in range(resp.shape[1])])


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, r: r.T @ X, "weighted sums"),
        (lambda X, r: r.T @ X / len(X), "divided by n instead of N_k"),
        (lambda X, r: (r.T @ X / r.sum(axis=0)[:, None]).T, "transposed"),
        (_hard_update, "hard labels"),
        (lambda X, r: X[: r.shape[1]] * 1.0, "differ from sum_n r_nk x_n"),
        (lambda X, r: r.T @ X / r.sum(axis=0), "divided coordinate j of every centre by N_j"),
        (lambda X, r: X.T @ r / r.sum(axis=0), "with k = d the shape cannot tell"),
    ],
)
def test_soft_update_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_soft_update(wrong)


def test_soft_update_k_equals_d_comes_first():
    """A missing [:, None] broadcasts silently when k = d: the first case has k = d, so it is named, not raised."""
    with pytest.raises(AssertionError, match="on k = d = 2") as failure:
        checks.check_soft_update(lambda X, r: r.T @ X / r.sum(axis=0))
    assert failure.value.mistake == "soft_update.divided_columns"


# ---------------------------------------------------------------- deviation from one-hot


def _dev(kind):
    def student(X, C, beta):
        r = soft_responsibilities(X, C, beta)
        d2 = _sq(X, C)
        hot = np.eye(len(C))[(np.argmax if kind == "farthest" else np.argmin)(d2, axis=1)]
        diff = r - hot
        if kind == "mean":
            return float(np.mean(np.abs(diff)))
        if kind == "sum":
            return float(np.sum(np.abs(diff)))
        if kind == "no_abs":
            return float(np.max(diff))
        if kind == "per_point":
            return 1 - r.max(axis=1)
        if kind == "table":
            return np.abs(diff)
        if kind == "smallest":
            return float(1 - r.max())
        return float(np.max(np.abs(diff)))

    return student


def _dev_from(table):
    """deviation_from_one_hot built on a wrong exercise 1: table(d2, beta) -> responsibilities."""

    def student(X, C, beta):
        d2 = _sq(X, C)
        return float(np.max(np.abs(table(d2, beta) - np.eye(len(C))[np.argmin(d2, axis=1)])))

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_dev("mean"), "averaged"),
        (_dev("sum"), "summed"),
        (_dev("farthest"), "not the farthest"),
        (_dev("no_abs"), "absolute value"),
        (_dev("per_point"), r"an array of shape \(75,\), one value per point"),
        (_dev("table"), r"an array of shape \(75, 3\); return a single number"),
        (_dev("smallest"), "the point nearest to one-hot"),
        (_dev_from(lambda d2, b: _softmax(-b * d2)), "without the 1/2.*check that exercise 1 passes"),
        (_dev_from(lambda d2, b: _softmax(-0.5 * b * np.sqrt(d2))), "instead of squared distances.*exercise 1"),
        (_dev_from(lambda d2, b: _naive_d2(d2, b)), "NaN.*check that exercise 1 passes"),
        (lambda X, C, b: 0.0, "the reference max.*If exercise 1"),
        (lambda X, C, b: None, "should be a number"),
    ],
)
def test_deviation_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_deviation_from_one_hot(wrong)


def _naive_d2(d2, beta):
    e = np.exp(-0.5 * beta * d2)
    return e / e.sum(axis=1, keepdims=True)


def test_deviation_array_is_not_printed_whole():
    with pytest.raises(AssertionError) as failure:
        checks.check_deviation_from_one_hot(_dev("per_point"))
    assert len(str(failure.value)) < 300


# ---------------------------------------------------------------- a tie


def _tw(f):
    return lambda beta, a, b: float(f(beta, a, b))


def test_tie_weight_passes(capsys):
    for hidden in (False, True):
        checks.check_tie_weight(tie_weight, tie_limit, hidden=hidden)
        assert capsys.readouterr().out.startswith("✓ tie_weight: ")


def _math_exp(beta, a, b):
    import math

    return 1 / (2 + math.exp(-0.5 * beta * (b - a)))


def _direct(beta, a, b):
    e0, e2 = np.exp(-0.5 * beta * a), np.exp(-0.5 * beta * b)
    return float(e0 / (2 * e0 + e2))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda beta, a, b: 0.5, "returned the limit 1/2"),
        (_tw(lambda beta, a, b: 1 / (2 + np.exp(-beta * (b - a)))), "lost the 1/2"),
        (_tw(lambda beta, a, b: 1 / (2 + np.exp(0.5 * beta * (b - a)))), "sign of the exponent"),
        (_tw(lambda beta, a, b: 1 / (2 + np.exp(-0.5 * beta * (np.sqrt(b) - np.sqrt(a))))), "sqrt"),
        (_tw(lambda beta, a, b: 1 / (1 + np.exp(-0.5 * beta * (b - a)))), "centre 1 with centre 2 only"),
        (lambda beta, a, b: 1 / 3, "value at beta = 0 only"),
        (lambda beta, a, b: tie_weight(beta, a, b) + 0.01, "the softmax gives"),
        (lambda beta, a, b: [0.5], "should be a number"),
        (_math_exp, "at beta = 1000, the third centre nearer.*your exponential overflows"),
        (_direct, "at beta = 1000, d_0.*r_1 is NaN"),
    ],
)
def test_tie_weight_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_tie_weight(wrong, tie_limit)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda a, b: 0.0 if b >= a else 0.0, "a hard label. k-means' argmin"),
        (lambda a, b: 1.0 if b > a else 0.0, "a hard label"),
        (lambda a, b: 0.5 if b != a else 1 / 3, "the third centre is strictly nearer"),
        (lambda a, b: 0.5 if b >= a else 0.0, "all three centres equally far, does beta change r_1"),
        (lambda a, b: 0.4, "not the beta -> infinity limit"),
        (lambda a, b: "half", "should be a number"),
    ],
)
def test_tie_limit_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_tie_weight(tie_weight, wrong)


def test_tie_messages_do_not_hand_over_the_formula():
    for wrong in (
        _tw(lambda beta, a, b: 1 / (1 + np.exp(-0.5 * beta * (b - a)))),
        _tw(lambda beta, a, b: 1 / (2 + np.exp(-beta * (b - a)))),
        _tw(lambda beta, a, b: 1 / (2 + np.exp(0.5 * beta * (b - a)))),
    ):
        with pytest.raises(AssertionError) as failure, np.errstate(all="ignore"):
            checks.check_tie_weight(wrong, tie_limit)
        assert "2 + exp" not in str(failure.value) and "(b - a) / 2" not in str(failure.value)


# ---------------------------------------------------------------- the critical stiffness


def test_beta_c_passes_with_the_two_answers_given_as_numbers():
    checks.check_beta_c(predicted_beta_c(), measured_beta_c())


def test_beta_c_accepts_the_prediction_from_the_points_too(capsys):
    checks.check_beta_c(lambda: 1 / _cloud_lambda_max(), measured_beta_c)
    assert "from the points" in capsys.readouterr().out


def _lams():
    centred = checks.CLOUD - checks.CLOUD.mean(axis=0)
    return np.linalg.eigvalsh(centred.T @ centred / len(centred))


@pytest.mark.parametrize(
    "predicted, message",
    [
        (lambda: 4.0, "largest variance itself"),
        (lambda: 1.0, "smallest variance"),
        (lambda: 0.2, "total variance"),
        (lambda: 0.5, "standard deviation, a length"),
        (lambda: 2 / _lams()[1], "2/lambda_max"),
        (lambda: 0.125, r"1/\(2 lambda_max\)"),
        (lambda: 1 / 3.25, "along the x-axis"),
        (lambda: 1 / 1.75, "along the y-axis"),
        (lambda: 1 / np.linalg.eigvalsh(checks.CLOUD.T @ checks.CLOUD / len(checks.CLOUD))[-1], "about the origin"),
        (lambda: 0.6, "does not follow from the description"),
        (lambda: None, "returned None"),
        (lambda: "a quarter", "should be a number"),
        (lambda: float("inf"), "finite number"),
    ],
)
def test_beta_c_prediction_mistakes(predicted, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_beta_c(predicted, measured_beta_c)


def test_beta_c_prediction_failure_gives_no_number_away():
    with pytest.raises(AssertionError) as failure:
        checks.check_beta_c(lambda: 0.6, measured_beta_c)
    text = str(failure.value)
    assert "0.25" not in text and "0.259" not in text and "0.26" not in text


@pytest.mark.parametrize(
    "measured, message",
    [
        (lambda: (0.22, 0.2265), "still stable, yet you saw them apart"),
        (lambda: (0.27, 0.275), "already unstable, yet you saw the centres together"),
        (lambda: (0.2, 0.3), "50% wide"),
        (lambda: (0.26, 0.25), "should be \\(a beta where the centres merge"),
        (lambda: 0.25, "should return a pair"),
        (lambda: (0.25, "x"), "should be a number"),
    ],
)
def test_beta_c_measurement_mistakes(measured, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_beta_c(predicted_beta_c, measured)


def test_beta_c_under_converged_measurement_fails():
    """20 iterations per run: the centres have not merged yet near beta_c, and a split is read too early."""
    with pytest.raises(AssertionError) as failure:
        checks.check_beta_c(predicted_beta_c, _bisect(max_iter=20, nudge=0.5, apart=0.05))
    assert failure.value.mistake == "beta_c.measured_low"


def test_beta_c_stub_in_the_second_answer_is_not_implemented_yet():
    from checks_helpers import stub

    with pytest.raises(AssertionError, match="not implemented yet"):
        checks.check_beta_c(predicted_beta_c, stub)


# ---------------------------------------------------------------- k-means or EM on long clusters end to end


def test_elongated_takes_the_pair_as_an_array_too():
    checks.check_elongated(which_fails, lambda: np.array(agreements()))


def test_elongated_passes_with_values():
    checks.check_elongated("neither", agreements())


def _raw_shares():
    from coursepkg.em import fit_em
    from coursepkg.mixture import GMM

    X, z, start = checks.elongated_problem()
    gmm = GMM(np.full(3, 1 / 3), start, np.repeat(np.cov(X.T, bias=True)[None] / 3, 3, axis=0))
    return np.mean(kmeans.kmeans(X, start).labels == z), np.mean(fit_em(X, gmm, max_iter=500).resp.argmax(1) == z)


@pytest.mark.parametrize(
    "prediction, measured, message",
    [
        (lambda: "sometimes", agreements, 'should return "k-means", "EM", "both" or "neither"'),
        (lambda: 1, agreements, 'should return "k-means", "EM", "both" or "neither"'),
        (lambda: "k-means", agreements, 'you predicted "k-means", and your own measurement says otherwise'),
        (lambda: "both", agreements, 'you predicted "both"'),
        (lambda: "EM", agreements, 'you predicted "EM"'),
        (which_fails, lambda: agreements()[0], "should return a pair"),
        (which_fails, lambda: ("a", "b"), "should be a number"),
        (which_fails, lambda: agreements()[::-1], "swapped"),
        (which_fails, _raw_shares, "label switching"),
        (which_fails, lambda: tuple(300 * np.array(agreements())), "counts of points"),
        (which_fails, lambda: tuple(1 - np.array(agreements())), "misplaced"),
        (which_fails, lambda: (0.5, 0.9), "renumber the clusters one-to-one"),
    ],
)
def test_elongated_mistakes(prediction, measured, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_elongated(prediction, measured)


def test_elongated_wrong_prediction_gives_no_measurement_away():
    with pytest.raises(AssertionError) as failure:
        checks.check_elongated("k-means", agreements)
    assert "%" not in str(failure.value).replace("90%", "")


def test_elongated_data_is_not_the_lessons():
    """End to end, both methods place more than 90% right: the lesson's rule would predict k-means fails."""
    km, em = agreements()
    assert km > 0.9 and em > 0.9


# ---------------------------------------------------------------- factorisation


def _fact(kind):
    def student(X, labels, k):
        Z, M, J = kmeans_factorisation(X, labels, k)
        if kind == "Zt":
            return Z.T, M, J
        if kind == "shift":
            return np.roll(Z, 1, axis=1), M, J
        if kind == "not_one_hot":
            return Z * 2, M, J
        if kind == "sums":
            return Z, Z.T @ X, J
        if kind == "norm":
            return Z, M, float(np.linalg.norm(X - Z @ M, "fro"))
        if kind == "spectral":
            return Z, M, float(np.linalg.norm(X - Z @ M, 2) ** 2)
        if kind == "mean":
            return Z, M, J / len(X)
        if kind == "solve":
            return Z, np.linalg.solve(Z.T @ Z, Z.T @ X), J
        if kind == "divide":
            return Z, (Z.T @ X) / Z.sum(axis=0)[:, None], J
        if kind == "other_row":
            return Z, np.where(Z.sum(axis=0)[:, None] > 0, M, 7.0), J
        return Z, M, J

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_fact("Zt"), "transposed"),
        (_fact("shift"), "shifted by one column"),
        (_fact("not_one_hot"), "not one-hot"),
        (_fact("sums"), "your M is Z\\^T X, the sums of each cluster"),
        (_fact("norm"), "Frobenius norm; J is its square"),
        (_fact("spectral"), "spectral norm"),
        (_fact("mean"), "averaged over points"),
        (_fact("solve"), "on k = 4 with cluster 1 empty.*Singular matrix.*zero on its diagonal"),
        (_fact("divide"), "row of an empty cluster \\(0/0\\)"),
        (lambda X, labels, k: kmeans_factorisation(X, labels, k)[:2], "triple"),
    ],
)
def test_factorisation_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_factorisation(wrong)


def test_factorisation_any_finite_row_for_an_empty_cluster_passes():
    for hidden in (False, True):
        checks.check_factorisation(_fact("other_row"), hidden=hidden)
