"""The lesson 08 exercise checks: the reference passes, each typical mistake gets its own message."""

import itertools

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)

from coursepkg import kmeans
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
    return 1 / (2 + np.exp(-0.5 * beta * (b - a)))


def _cloud_lambda_max():
    centred = checks.CLOUD - checks.CLOUD.mean(axis=0)
    return np.linalg.eigvalsh(centred.T @ centred / len(centred))[-1]


def predicted_beta_c():
    return 1 / _cloud_lambda_max()


def measured_beta_c():
    start = checks.CLOUD.mean(axis=0) + 1e-3 * np.array([[1.0, 0.0], [-1.0, 0.0]])
    low, high = 0.05, 2.0
    for _ in range(12):
        middle = np.sqrt(low * high)
        run = kmeans.soft_kmeans(checks.CLOUD, start, middle, max_iter=400, tol=0)
        low, high = (low, middle) if np.linalg.norm(run.centers[0] - run.centers[1]) > 2e-3 else (middle, high)
    return high


def which_fails():
    return "k-means"


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
    M = np.linalg.solve(Z.T @ Z, Z.T @ X)
    return Z, M, float(np.sum((X - Z @ M) ** 2))


class TestEveryCheck(CheckContract):
    """The checks of two answers (check_beta_c, check_elongated) are tested below, answer by answer."""

    good = [
        (checks.check_soft_responsibilities, soft_responsibilities),
        (checks.check_soft_update, soft_update),
        (checks.check_deviation_from_one_hot, deviation_from_one_hot),
        (checks.check_tie_weight, tie_weight),
        (checks.check_factorisation, kmeans_factorisation),
    ]


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.kmeans.soft_responsibilities"):
        checks.check_soft_responsibilities(lambda X, C, b: kmeans.soft_responsibilities(X, C, b))


# ---------------------------------------------------------------- soft responsibilities


def _naive(X, C, beta):
    e = np.exp(-0.5 * beta * _sq(X, C))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_naive, "contain NaN.*Subtract each row's largest logit"),
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
    ],
)
def test_soft_update_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_soft_update(wrong)


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
        return float(np.max(np.abs(diff)))

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_dev("mean"), "averaged"),
        (_dev("sum"), "summed"),
        (_dev("farthest"), "not the farthest"),
        (_dev("no_abs"), "absolute value"),
        (lambda X, C, b: 0.0, "the reference max"),
        (lambda X, C, b: None, "should be a number"),
    ],
)
def test_deviation_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_deviation_from_one_hot(wrong)


def _tw(f):
    return lambda beta, a, b: float(f(beta, a, b))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda beta, a, b: 0.5, "returned the limit 1/2"),
        (_tw(lambda beta, a, b: 1 / (2 + np.exp(-beta * (b - a)))), "lost the 1/2"),
        (_tw(lambda beta, a, b: 1 / (2 + np.exp(0.5 * beta * (b - a)))), "sign of the exponent"),
        (_tw(lambda beta, a, b: 1 / (2 + np.exp(-0.5 * beta * (np.sqrt(b) - np.sqrt(a))))), "sqrt"),
        (_tw(lambda beta, a, b: 1 / (1 + np.exp(-0.5 * beta * (b - a)))), "centre 1 with centre 2 only"),
        (lambda beta, a, b: 1 / 3, "value at beta = 0 only"),
        (_tw(lambda beta, a, b: 1 / (2 + np.exp(-0.5 * beta * (b - a))) + 0.01), "the softmax gives"),
        (lambda beta, a, b: [0.5], "should be a number"),
    ],
)
def test_tie_weight_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_tie_weight(wrong)


# ---------------------------------------------------------------- the critical stiffness


def test_beta_c_passes_with_the_two_answers_given_as_numbers():
    checks.check_beta_c(predicted_beta_c(), measured_beta_c())


def _lams():
    centred = checks.CLOUD - checks.CLOUD.mean(axis=0)
    return np.linalg.eigvalsh(centred.T @ centred / len(centred))


@pytest.mark.parametrize(
    "predicted, message",
    [
        (lambda: _lams()[1], "lambda_max itself"),
        (lambda: 1 / _lams()[0], "1/lambda_min"),
        (lambda: 1 / _lams().sum(), "trace"),
        (lambda: 2 / _lams()[1], "2/lambda_max"),
        (lambda: 0.5 / _lams()[1], r"1/\(2 lambda_max\)"),
        (lambda: 1 / np.sqrt(_lams()[1]), "a length"),
        (lambda: 1 / np.linalg.eigvalsh(checks.CLOUD.T @ checks.CLOUD / len(checks.CLOUD))[-1], "raw second moments"),
        (lambda: 0.6, "not the critical stiffness"),
        (lambda: None, "returned None"),
        (lambda: "a quarter", None),
    ],
)
def test_beta_c_prediction_mistakes(predicted, message):
    with pytest.raises(AssertionError, match=message or "should be a number"):
        checks.check_beta_c(predicted, measured_beta_c)


@pytest.mark.parametrize(
    "measured, message",
    [
        (lambda: 0.8 * predicted_beta_c(), "below 1/lambda_max"),
        (lambda: 1.3 * predicted_beta_c(), "above 1/lambda_max"),
    ],
)
def test_beta_c_measurement_mistakes(measured, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_beta_c(predicted_beta_c, measured)


def test_beta_c_stub_in_the_second_answer_is_not_implemented_yet():
    from checks_helpers import stub

    with pytest.raises(AssertionError, match="not implemented yet"):
        checks.check_beta_c(predicted_beta_c, stub)


# ---------------------------------------------------------------- k-means or EM on elongated data


def test_elongated_takes_the_pair_as_an_array_too():
    checks.check_elongated(which_fails, lambda: np.array(agreements()))


def test_elongated_passes_with_values():
    checks.check_elongated("EM".replace("EM", "k-means"), agreements())


def _raw_shares():
    from coursepkg.em import fit_em
    from coursepkg.mixture import GMM

    X, z, start = checks.elongated_problem()
    gmm = GMM(np.full(3, 1 / 3), start, np.repeat(np.cov(X.T, bias=True)[None] / 3, 3, axis=0))
    return np.mean(kmeans.kmeans(X, start).labels == z), np.mean(fit_em(X, gmm, max_iter=500).resp.argmax(1) == z)


@pytest.mark.parametrize(
    "prediction, measured, message",
    [
        (lambda: "both", agreements, 'should return "k-means" or "EM"'),
        (lambda: 1, agreements, 'should return "k-means" or "EM"'),
        (lambda: "EM", agreements, "you predicted that EM fails, but k-means does"),
        (which_fails, lambda: agreements()[0], "should return a pair"),
        (which_fails, lambda: ("a", "b"), "should be a number"),
        (which_fails, lambda: agreements()[::-1], "swapped"),
        (which_fails, _raw_shares, "label switching"),
        (which_fails, lambda: tuple(300 * np.array(agreements())), "counts of points"),
        (which_fails, lambda: tuple(1 - np.array(agreements())), "misplaced"),
        (which_fails, lambda: (0.5, 0.9), "not the measured ones"),
    ],
)
def test_elongated_mistakes(prediction, measured, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_elongated(prediction, measured)


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
        return Z, M, J

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_fact("Zt"), "transposed"),
        (_fact("shift"), "shifted by one column"),
        (_fact("not_one_hot"), "not one-hot"),
        (_fact("sums"), "multiply by \\(Z\\^T Z\\)\\^-1"),
        (_fact("norm"), "Frobenius norm; J is its square"),
        (_fact("spectral"), "spectral norm"),
        (_fact("mean"), "averaged over points"),
        (lambda X, labels, k: kmeans_factorisation(X, labels, k)[:2], "triple"),
    ],
)
def test_factorisation_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_factorisation(wrong)
