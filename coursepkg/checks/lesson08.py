"""Checks for the exercises of lesson 08 (k-means as a limit of EM).

The references are independent numpy computations (and `coursepkg.kmeans` for
the k-means labels); a mismatch is explained by comparing with the usual wrong
versions: the exponent without the 1/2, the wrong sign, no max-subtraction
(NaN at large beta), sums instead of means, a norm that is not squared. The soft
responsibilities are judged by `_core.soft_assign`, shared with lesson 01's soft_assign.
"""

import numpy as np

from ._core import (
    Exercise,
    SoftAssignWords,
    answer_value,
    cases_for,
    check_soft_assignment,
    exercise_check,
    forbid,
    softmax_rows,
    sqdist,
)

# ---------------------------------------------------------------- data

_TRUE = np.array([[0.0, 0.0], [4.0, 0.5], [1.5, 3.8]])


def _blobs():
    rng = np.random.default_rng(808)  # a generator of its own: no module-level state a later call could consume
    return np.concatenate([c + rng.normal(scale=0.8, size=(25, 2)) for c in _TRUE])


X_C = _blobs()
CENTERS_C = np.array([[0.5, 0.5], [3.0, 1.0], [1.0, 3.0]])


def reference_soft(X, centers, beta):
    return softmax_rows(-0.5 * beta * sqdist(X, centers))


# ---------------------------------------------------------------- exercise 1: soft responsibilities

SOFT_RESPONSIBILITY_WORDS = SoftAssignWords(
    table="your responsibilities on {case}",
    nan=(
        "on {case} your responsibilities contain NaN: exp(-beta/2 d^2) underflows to 0 for every centre "
        "and the ratio is 0/0. Subtract each row's largest logit (the smallest beta/2 d^2) before "
        "exponentiating; the softmax does not change."
    ),
    rows_over_points=(
        "on {case} your columns sum to 1, not your rows: you normalised over points (axis=0) "
        "instead of over centres (axis=1)."
    ),
    rows_other="on {case} the rows of your responsibilities sum to {sums}, not 1.",
    differs="on {case} your responsibilities differ from softmax_k(-beta/2 ||x_n - mu_k||^2)",
    mistake_order=("no_half", "sign", "sqrt", "inverse_beta", "one_hot"),
    mistake_words={
        "no_half": "you forgot the 1/2: the exponent is -beta/2 ||x - mu||^2 (Sigma = I / beta)",
        "sign": "the sign is flipped: the nearest centre must get the largest weight",
        "sqrt": "use the squared distance in the exponent",
    },
)


@exercise_check
def check_soft_responsibilities(student_soft, hidden=False):
    """soft_responsibilities(X, centers, beta) -> (n, k): softmax over k of -beta/2 ||x_n - mu_k||^2."""
    from .. import kmeans

    ex = Exercise("soft_responsibilities")
    forbid(ex, student_soft, [kmeans.soft_responsibilities, kmeans.soft_kmeans])
    rng = np.random.default_rng(3)
    X5, C5 = rng.normal(size=(30, 5)), rng.normal(size=(4, 5))
    visible = [
        (X_C, CENTERS_C, 1.0, "beta = 1"),
        (X_C, CENTERS_C, 0.0, "beta = 0 (every responsibility 1/k)"),
        (X_C, CENTERS_C, 1e6, "beta = 10^6"),
    ]
    hidden_extra = [
        (X5, C5, 2.5, "5-D data, beta = 2.5"),
        (X_C[:1], CENTERS_C, 3.0, "a single point"),
        (X_C, CENTERS_C[:1], 3.0, "k = 1"),
        (X_C + 500.0, CENTERS_C, 1.0, "points 500 units from every centre, beta = 1"),
    ]
    check_soft_assignment(ex, student_soft, cases_for(visible, hidden_extra, hidden), SOFT_RESPONSIBILITY_WORDS)
    ex.passed("including beta = 0 and beta = 10^6" + (", far points, k = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: one soft k-means update


@exercise_check
def check_soft_update(student_update, hidden=False):
    """soft_update(X, resp) -> centres (k, d): mu_k = sum_n r_nk x_n / sum_n r_nk."""
    from .. import em

    ex = Exercise("soft_update")
    forbid(ex, student_update, [em.m_step])
    rng = np.random.default_rng(5)
    r1 = reference_soft(X_C, CENTERS_C, 1.0)
    X4 = rng.normal(size=(20, 4))
    visible = [
        (X_C, r1, "soft responsibilities at beta = 1"),
        (X_C, reference_soft(X_C, CENTERS_C, 0.0), "beta = 0 (every centre becomes the data mean)"),
        (X_C, np.eye(3)[np.argmin(sqdist(X_C, CENTERS_C), axis=1)], "one-hot responsibilities (a k-means update)"),
    ]
    hidden_extra = [
        (X4, rng.dirichlet(np.ones(3), size=20), "4-D data, random responsibilities"),
        (X_C[:, :1], r1, "d = 1"),
    ]
    for X, resp, case in cases_for(visible, hidden_extra, hidden):
        n, d = X.shape
        k = resp.shape[1]
        got = ex.array(ex.call(student_update, X, resp, case=case), (k, d), f"your centres on {case}")
        nk = resp.sum(axis=0)
        sums = resp.T @ X
        want = sums / nk[:, None]
        if ex.agrees(got, want, rtol=1e-9, atol=1e-10):
            continue
        wrong = [
            (sums, "your centres are the weighted sums; divide by the total responsibility N_k = sum_n r_nk", "sums"),
            (sums / n, "you divided by n instead of N_k = sum_n r_nk", "divided_by_n"),
            (
                np.array(
                    [
                        X[np.argmax(resp, axis=1) == j].mean(axis=0)
                        if np.any(np.argmax(resp, axis=1) == j)
                        else np.full(d, np.nan)
                        for j in range(k)
                    ]
                ),
                "you used hard labels (argmax); soft k-means weighs every point by r_nk",
                "hard_labels",
            ),
        ]
        ex.name_mistake(got, wrong, f"on {case}", rtol=1e-7, atol=1e-9)
        ex.close(got, want, f"on {case} your centres differ from sum_n r_nk x_n / sum_n r_nk", rtol=1e-9, atol=1e-10)
    ex.passed("including one-hot responsibilities, where it is the k-means update")


# ---------------------------------------------------------------- exercise 3: distance from one-hot


@exercise_check
def check_deviation_from_one_hot(student_dev, hidden=False):
    """deviation_from_one_hot(X, centers, beta) -> max_nk |r_nk - [k = nearest centre of x_n]|."""
    ex = Exercise("deviation_from_one_hot")
    for beta in cases_for([0.0, 1.0, 30.0, 1e6], [1e12, 5.0], hidden):
        case = f"beta = {beta:g}"
        value = ex.number(ex.call(student_dev, X_C, CENTERS_C, beta, case=case), f"your deviation at {case}")
        d2 = sqdist(X_C, CENTERS_C)
        r = softmax_rows(-0.5 * beta * d2)
        hot = np.eye(3)[np.argmin(d2, axis=1)]
        want = float(np.max(np.abs(r - hot)))
        if ex.agrees(value, want, rtol=1e-7, atol=1e-9):
            continue
        wrong = [
            (
                float(np.mean(np.abs(r - hot))),
                "you averaged; return the largest deviation (max over n and k)",
                "averaged",
            ),
            (float(np.sum(np.abs(r - hot))), "you summed; return the largest deviation (max over n and k)", "summed"),
            (
                float(np.max(np.abs(r - np.eye(3)[np.argmax(d2, axis=1)]))),
                "the one-hot row marks the nearest centre (argmin of the distance), not the farthest",
                "farthest",
            ),
            (float(np.max(r - hot)), "take the absolute value: r_nk - 1 is negative for the nearest centre", "no_abs"),
        ]
        ex.name_mistake(value, wrong, f"at {case}", rtol=1e-7, atol=1e-9)
        ex.fail(f"at {case} your deviation is {value:.6g}, the reference max |r - one-hot| is {want:.6g}.")
    ex.passed("from 1 - 1/k at beta = 0 down to 0 at beta = 10^6")


# ---------------------------------------------------------------- exercise 4: a tie, at every beta


def _tie(beta, a, b, half=0.5, sign=1.0, transform=lambda v: v):
    """r_1 for d_0^2 = d_1^2 = a and d_2^2 = b, from the softmax written out (variants for the mistakes)."""
    gap = transform(b) - transform(a)
    return 1.0 / (2.0 + np.exp(-sign * half * beta * gap))


def _tie_cases(hidden):
    visible = [
        (1.0, 1.0, 4.0, "beta = 1, d_0^2 = d_1^2 = 1, d_2^2 = 4"),
        (0.0, 1.0, 4.0, "beta = 0"),
        (0.4, 2.0, 3.0, "beta = 0.4, d_0^2 = d_1^2 = 2, d_2^2 = 3"),
        (2.0, 3.0, 1.0, "beta = 2, the third centre nearer: d_0^2 = d_1^2 = 3, d_2^2 = 1"),
        (50.0, 1.0, 4.0, "beta = 50"),
    ]
    hidden_extra = [(0.7, 5.0, 5.0, "beta = 0.7, all three centres equally far"), (3.0, 0.5, 2.5, "beta = 3")]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_tie_weight(student_tie, hidden=False):
    """tie_weight(beta, a, b) -> r_1 when d_0^2 = d_1^2 = a and d_2^2 = b: 1 / (2 + exp(-beta (b - a) / 2))."""
    ex = Exercise("tie_weight")
    cases = _tie_cases(hidden)
    got = np.array(
        [ex.number(ex.call(student_tie, beta, a, b, case=case), f"your weight at {case}") for beta, a, b, case in cases]
    )
    want = np.array([_tie(beta, a, b) for beta, a, b, _ in cases])
    if not all(ex.holds(ok) for ok in np.isclose(got, want, rtol=1e-7, atol=1e-10)):

        def each(**kw):
            return np.array([_tie(beta, a, b, **kw) for beta, a, b, _ in cases])

        wrong = [
            (
                np.full(len(cases), 0.5),
                "you returned the limit 1/2 for every beta; the task asks for r_1 at finite "
                "beta (the limit is one of its values, as beta grows)",
                "limit_only",
            ),
            (
                each(half=1.0),
                "you lost the 1/2: the logits are -beta/2 d^2, so the third centre's term is "
                "exp(-beta (b - a) / 2) after dividing by exp(-beta a / 2)",
                "no_half",
            ),
            (
                each(sign=-1.0),
                "the sign of the exponent is flipped: a farther third centre (b > a) must take less, "
                "so its term exp(-beta (b - a) / 2) shrinks as beta grows",
                "sign",
            ),
            (
                each(transform=np.sqrt),
                "you used the distances sqrt(a), sqrt(b) where the squared distances a, b go",
                "unsquared",
            ),
            (
                np.array([1.0 / (1.0 + np.exp(-0.5 * beta * (b - a))) for beta, a, b, _ in cases]),
                "you compared centre 1 with centre 2 only: the tied centre 0 shares the denominator too, so it is "
                "2 + exp(...), not 1 + exp(...)",
                "two_centres",
            ),
            (np.full(len(cases), 1 / 3), "1/3 is the value at beta = 0 only", "beta_zero_only"),
        ]
        ex.name_mistake(got, wrong, "on every case", rtol=1e-7, atol=1e-10)
        first = int(np.flatnonzero(~np.isclose(got, want, rtol=1e-7, atol=1e-10))[0])
        ex.fail(
            f"at {cases[first][3]} your r_1 is {got[first]:.6g}, the softmax gives {want[first]:.6g}. Write r_1 with "
            "the three exponentials and divide numerator and denominator by exp(-beta a / 2)."
        )
    ex.passed("r_1 = 1 / (2 + exp(-beta (b - a) / 2)): 1/3 at beta = 0, 1/2 in the limit when b > a, 0 when b < a")


# ---------------------------------------------------------------- exercise 5: the critical stiffness


def _cloud():
    rng = np.random.default_rng(808_5)  # its own generator: the check and the notebook see the same points
    angle = np.deg2rad(30.0)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return rng.normal(size=(400, 2)) @ (rotation @ np.diag([2.0, 1.0])).T + np.array([1.0, -2.0])


CLOUD = _cloud()  # one elongated Gaussian cloud: 400 points, standard deviations about 2 and 1, mean about (1, -2)


def _cloud_eigenvalues():
    S = (CLOUD - CLOUD.mean(axis=0)).T @ (CLOUD - CLOUD.mean(axis=0)) / len(CLOUD)
    return np.linalg.eigvalsh(S)  # ascending


def _beta_c_mistakes():
    lam_min, lam_max = _cloud_eigenvalues()
    raw = np.linalg.eigvalsh(CLOUD.T @ CLOUD / len(CLOUD))[-1]
    return [
        (lam_max, "that is lambda_max itself; the merged state is stable while beta lambda_max < 1", "not_inverted"),
        (
            1 / lam_min,
            "that is 1/lambda_min: the centres split first along the widest direction, where the "
            "growth factor beta lambda is largest",
            "lambda_min",
        ),
        (
            1 / (lam_min + lam_max),
            "that is 1 over the trace (the total variance); the split happens along one direction, the top eigenvector",
            "trace",
        ),
        (
            2 / lam_max,
            "that is 2/lambda_max: one iteration multiplies a perturbation by beta S, with no factor 2",
            "factor_two",
        ),
        (
            1 / (2 * lam_max),
            "that is 1/(2 lambda_max): one iteration multiplies a perturbation by beta S, with no factor 1/2",
            "factor_half",
        ),
        (1 / np.sqrt(lam_max), "that is 1/sqrt(lambda_max), a length; beta has units of 1 / length^2", "square_root"),
        (
            1 / raw,
            "you used the raw second moments sum_n x_n x_n^T / N, not the covariance about the mean",
            "not_centred",
        ),
    ]


@exercise_check
def check_beta_c(predicted, measured):
    """predicted() -> beta_c from the covariance of CLOUD; measured() -> beta_c found by running soft k-means."""
    ex = Exercise("beta_c")
    lam_min, lam_max = _cloud_eigenvalues()
    want = 1 / lam_max
    guess = answer_value(ex, predicted, "predicted_beta_c()")
    if not ex.agrees(guess, want, rtol=0.01, atol=0):
        ex.name_mistake(guess, _beta_c_mistakes(), f"your predicted beta_c {guess:.4g}", rtol=0.01, atol=0)
        ex.fail(
            f"your predicted beta_c {guess:.4g} is not the critical stiffness of this cloud. Lesson 08 section 8: one "
            "iteration near the merged state multiplies a perturbation of the centres by beta S, S the covariance "
            "of the data. When does some direction start to grow?",
            "prediction_wrong",
        )
    found = answer_value(ex, measured, "measured_beta_c()")
    if not ex.agrees(found, want, rtol=0.05, atol=0):
        if found < want:
            ex.fail(
                f"your measured beta_c {found:.4g} is below 1/lambda_max = {want:.4g}: there the merged centres are "
                "stable, so what you saw as a split was probably centres that had not finished merging. Run each "
                "beta to convergence (a tight tolerance, enough iterations) before you measure the spread.",
                "measured_low",
            )
        ex.fail(
            f"your measured beta_c {found:.4g} is above 1/lambda_max = {want:.4g}. Near beta_c a split grows slowly, "
            "by a factor beta lambda_max per iteration: start from slightly perturbed centres (equal centres never "
            "split), run to convergence, and use a small threshold on the distance between the centres.",
            "measured_high",
        )
    ex.passed(f"predicted {guess:.4f}, measured {found:.4f}: 1/lambda_max = {want:.4f}, the widest direction splits")


# ---------------------------------------------------------------- exercise 6: k-means or EM on elongated data

CHOICES = {"k-means": "k-means", "kmeans": "k-means", "em": "EM"}


def elongated_problem():
    """The data, the true components and the starting centres of exercise 6 (the notebook uses the same)."""
    from ..datasets import make_synthetic

    X, z = make_synthetic("elongated", n=300, rng=0)
    start = X[np.random.default_rng(0).choice(len(X), 3, replace=False)]
    return X, z, start


def _agreement(labels, z, permute=True):
    """Share of points whose cluster stands for their true component, under the best renumbering."""
    import itertools

    if not permute:
        return float(np.mean(labels == z))
    return max(float(np.mean(np.array(p)[labels] == z)) for p in itertools.permutations(range(3)))


def _elongated_reference():
    from ..em import fit_em
    from ..kmeans import kmeans
    from ..mixture import GMM

    X, z, start = elongated_problem()
    km = kmeans(X, start)
    em = fit_em(X, GMM(np.full(3, 1 / 3), start, np.repeat(np.cov(X.T, bias=True)[None] / 3, 3, axis=0)), max_iter=500)
    return km.labels, em.resp.argmax(axis=1), z


@exercise_check
def check_elongated(which_fails, agreements):
    """which_fails() -> "k-means" or "EM"; agreements() -> (share right for k-means, share right for EM)."""
    ex = Exercise("elongated")
    raw = ex.call(which_fails) if ex.is_callable(which_fails) else ex.read(which_fails)
    choice = CHOICES.get(str(raw).strip().lower()) if isinstance(raw, str) else None
    if choice is None:
        ex.fail(f'which_fails() should return "k-means" or "EM"; got {raw!r}.', "not_a_choice")
    out = ex.call(agreements) if ex.is_callable(agreements) else ex.read(agreements)
    if isinstance(out, np.ndarray) and out.shape == (2,):
        out = tuple(out)
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        ex.fail(f"agreements() should return a pair (k-means, EM); got {type(out).__name__}.", "not_a_pair")
    got = np.array([ex.number(v, "each agreement") for v in out])
    km_labels, em_labels, z = _elongated_reference()
    want = np.array([_agreement(km_labels, z), _agreement(em_labels, z)])
    if not ex.agrees(got, want, rtol=0, atol=1e-9):
        raw_share = np.array([_agreement(km_labels, z, False), _agreement(em_labels, z, False)])
        wrong = [
            (want[::-1], "your two numbers are swapped: return (k-means, EM)", "swapped"),
            (
                raw_share,
                "you compared the cluster numbers with the true components as they are; a fit numbers its "
                "clusters arbitrarily, so take the best renumbering (label switching) first",
                "label_switching",
            ),
            (want * len(z), "those are counts of points; return the shares (between 0 and 1)", "counts"),
            (1 - want, "those are the shares of misplaced points; return the shares placed right", "error_rate"),
        ]
        ex.name_mistake(got, wrong, f"your agreements {np.round(got, 4)}", rtol=0, atol=1e-9)
        ex.fail(
            f"your agreements {np.round(got, 4)} are not the measured ones. Run kmeans(X_e, start_e) and "
            "fit_em(X_e, gmm_start, max_iter=500) as given, label each point by its cluster (the most responsible "
            "component for EM) and count the points whose cluster stands for their true component.",
            "measure_wrong",
        )
    fails = "k-means" if want[0] < want[1] else "EM"
    ex.expect(
        choice == fails,
        f"you predicted that {choice} fails, but {fails} does: k-means {want[0]:.0%} right, EM {want[1]:.0%}. "
        "k-means' clusters are the cells of the bisectors between centres, round and equal, so cutting long "
        "clusters across lowers J; EM learns a covariance per component and can follow their shape.",
        "prediction_wrong",
    )
    ex.passed(f"{fails} fails, as you predicted: k-means {want[0]:.1%} right, EM {want[1]:.1%}")


# ---------------------------------------------------------------- exercise 7: k-means as matrix factorisation


@exercise_check
def check_factorisation(student_fact, hidden=False):
    """kmeans_factorisation(X, labels, k) -> (Z (n, k) one-hot, M = (Z^T Z)^-1 Z^T X (k, d), J = ||X - Z M||_F^2)."""
    from .. import kmeans

    ex = Exercise("kmeans_factorisation")
    forbid(ex, student_fact, [kmeans.objective, kmeans.update_centers])
    rng = np.random.default_rng(9)
    labels_c = np.argmin(sqdist(X_C, CENTERS_C), axis=1)
    X6 = rng.normal(size=(25, 6))
    l6 = np.concatenate([np.arange(4), rng.integers(0, 4, size=21)])
    visible = [
        (X_C, labels_c, 3, "75 points in 2-D, k = 3"),
        (X_C, np.arange(len(X_C)) % 3, 3, "labels 0, 1, 2, 0, 1, 2, ... (not the nearest centres)"),
    ]
    hidden_extra = [
        (X6, l6, 4, "6-D data, k = 4"),
        (X_C, np.zeros(len(X_C), dtype=int), 1, "k = 1"),
    ]
    for X, labels, k, case in cases_for(visible, hidden_extra, hidden):
        n, d = X.shape
        out = ex.call(student_fact, X, labels, k, case=case)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            ex.fail(f"your function should return a triple (Z, M, J); got {type(out).__name__}.", "not_a_triple")
        Z_raw, M_raw, J_raw = out
        Z = ex.array(Z_raw, (n, k), f"your Z on {case}")
        want_Z = np.eye(k)[labels]
        if not ex.holds(np.array_equal(Z, want_Z)):
            if k > 1 and np.array_equal(Z[:, np.r_[1:k, 0]], want_Z):
                ex.fail(
                    f"on {case} your Z is shifted by one column: label c goes to column c (counting from 0).",
                    "z_shifted",
                )
            if not np.all((Z == 0) | (Z == 1)) or not np.all(Z.sum(axis=1) == 1):
                ex.fail(
                    f"on {case} your Z is not one-hot: each row needs a single 1, in column labels[n].", "z_not_one_hot"
                )
            ex.fail(f"on {case} your Z puts points in the wrong columns; Z[n, labels[n]] = 1.", "z_wrong_columns")
        M = ex.array(M_raw, (k, d), f"your M on {case}")
        counts = want_Z.sum(axis=0)
        want_M = (want_Z.T @ X) / counts[:, None]
        if not ex.agrees(M, want_M, rtol=1e-9, atol=1e-10):
            if np.allclose(M, want_Z.T @ X, rtol=1e-9):
                ex.fail(
                    f"on {case} your M is Z^T X, the sums of each cluster; multiply by (Z^T Z)^-1, which "
                    "divides each row by the cluster size.",
                    "m_sums",
                )
            ex.close(
                M,
                want_M,
                f"on {case} your M differs from (Z^T Z)^-1 Z^T X, the cluster means",
                rtol=1e-9,
                atol=1e-10,
                mistake="m_wrong",
            )
        J = ex.number(J_raw, f"your J on {case}")
        resid = X - want_Z @ want_M
        want_J = float(np.sum(resid**2))
        if not ex.agrees(J, want_J, rtol=1e-9, atol=1e-9):
            wrong = [
                (np.sqrt(want_J), "you returned the Frobenius norm; J is its square, ||X - Z M||_F^2", "j_not_squared"),
                (
                    float(np.linalg.norm(resid, 2) ** 2),
                    "that is the spectral norm (np.linalg.norm(A, 2)); use the "
                    "Frobenius norm: the sum of all squared entries",
                    "j_spectral",
                ),
                (want_J / n, "you averaged over points; J is the sum", "j_averaged"),
            ]
            ex.name_mistake(J, wrong, f"on {case} your J is {J:.6g}", rtol=1e-9, atol=1e-8)
            ex.fail(f"on {case} your J is {J:.6g}, the reference ||X - Z M||_F^2 is {want_J:.6g}.", "j_wrong")
    ex.passed("Z one-hot, M the cluster means, J the k-means objective")


# ---------------------------------------------------------------- the mistakes, as data

_SOFTMAX = "1. Equal weights and round covariances: the responsibilities become a softmax"
_ONE_HOT = "2. As $\\beta \\to \\infty$ the responsibilities become one-hot"
_UPDATE = "3. ... and the M-step becomes the k-means update"
_BETA = "5. Soft k-means, and what $\\beta$ means"
_LIMIT = "7. The limit, in numbers"
_BETA_C = "8. Why the centres merge: the critical stiffness $\\beta_c$"
_FACTOR = "10. k-means as matrix factorisation"
_WINS = "13. Where each one wins"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/08_kmeans_limit that explains it (tests/test_mistakes_lesson08.py makes each)
MISTAKES = {
    **{
        f"soft_responsibilities.{key}": _SOFTMAX
        for key in (
            "uses_reference",
            "nan",
            "wrong_axis",
            "rows_not_normalised",
            "no_half",
            "sign",
            "sqrt",
            "inverse_beta",
            "transposed",
            "wrong_shape",
            "not_an_array",
            "wrong_value",
        )
    },
    "soft_responsibilities.one_hot": _ONE_HOT,
    **{
        f"soft_update.{key}": _UPDATE
        for key in ("uses_reference", "sums", "divided_by_n", "hard_labels", "transposed", "wrong_shape", "wrong_value")
    },
    **{
        f"deviation_from_one_hot.{key}": _LIMIT
        for key in ("not_a_number", "averaged", "summed", "farthest", "no_abs", "wrong_value")
    },
    **{
        f"tie_weight.{key}": _ONE_HOT
        for key in (
            "not_a_number",
            "limit_only",
            "no_half",
            "sign",
            "unsquared",
            "two_centres",
            "beta_zero_only",
            "wrong_value",
        )
    },
    **{
        f"beta_c.{key}": _BETA_C
        for key in (
            "returned_none",
            "not_a_number",
            "not_inverted",
            "lambda_min",
            "trace",
            "factor_two",
            "factor_half",
            "square_root",
            "not_centred",
            "prediction_wrong",
            "measured_low",
            "measured_high",
        )
    },
    **{
        f"elongated.{key}": _WINS
        for key in (
            "not_a_choice",
            "not_a_pair",
            "not_a_number",
            "swapped",
            "label_switching",
            "counts",
            "error_rate",
            "measure_wrong",
            "prediction_wrong",
        )
    },
    **{
        f"kmeans_factorisation.{key}": _FACTOR
        for key in (
            "uses_reference",
            "not_a_triple",
            "transposed",
            "wrong_shape",
            "z_shifted",
            "z_not_one_hot",
            "z_wrong_columns",
            "m_sums",
            "m_wrong",
            "not_a_number",
            "j_not_squared",
            "j_spectral",
            "j_averaged",
            "j_wrong",
        )
    },
}
