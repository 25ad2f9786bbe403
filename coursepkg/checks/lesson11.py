"""Checks for the exercises of lesson 11 (EM as a general recipe: a mixture of Bernoullis on digits).

1. `check_e_step`: the Bernoulli E-step in log space, e_step(X, weights, probs) -> (resp, log_likelihood). A
   visible case has images of 2,000 pixels, where the product of the pixel probabilities underflows to 0, and a
   component of weight 0; the hidden cases repeat both with other images (3,000 pixels) and weights.
2. `check_m_step`: the MAP M-step with a Beta(alpha, beta) prior on every pixel probability and a symmetric
   Dirichlet(gamma) prior on the weights (which the lesson does not derive), m_step(X, resp, alpha, beta, gamma) ->
   (weights, probs); the usual wrong derivations (a prior forgotten, alpha instead of alpha - 1, N instead of N_k,
   alpha and beta swapped, a multiplier without the K pseudo-counts) are named.
3. `check_bound_kl`: bound_kl(X, q, weights, probs) -> (L, KL), the lower bound and sum_n KL(q_n || posterior)
   for the student's own q; their sum must be log p(X | theta).
4. `check_prior_strength`: a decision. The student picks a in Beta(a, a); the check fits the mixture on the
   exercise's training images with that prior and measures the average log-likelihood of test images the
   student never saw. A failure says neither the test score nor the direction, so the test images cannot be
   searched through the check: the student decides on the validation images.
5. `check_symmetric_prototype`: a prediction. Where does EM take K identical components? The student's closed form
   (a function of X, K, alpha, beta) is compared with prototypes measured after 5 iterations.

The references are numpy written here (two matrix products and scipy's logsumexp), not `coursepkg.bernoulli`,
which the student may not call for exercises 1–3 (`forbid`); exercise 4's measurement uses
`bernoulli.fit_bernoulli_em`, as the student does.
"""

import numpy as np
from scipy import special

from ._core import Exercise, answer_value, cases_for, exercise_check, forbid, nonfinite_of_shape, normalised_over_points

# ---------------------------------------------------------------- trusted data


def _digits():
    from ..bernoulli import load_binary_digits

    return load_binary_digits()


X_ALL, Y_ALL = _digits()
X_D = X_ALL[:60]  # 60 binary digits, 64 pixels each


def _class_prototypes(digits, alpha=2.0):
    """Laplace-smoothed mean images of the given digit classes: (len(digits), 64)."""
    return np.array([(X_ALL[Y_ALL == c].sum(axis=0) + alpha - 1) / ((Y_ALL == c).sum() + 2 * alpha - 2)
                     for c in digits])


WEIGHTS_A = np.array([0.5, 0.3, 0.2])
PROBS_A = _class_prototypes([0, 1, 7])
RESP_A = np.random.default_rng(3).dirichlet(np.ones(3), size=len(X_D))


def _long_images(n=25, d=2000, seed=5):
    """Images of d pixels from a 3-component mixture: every p(x_n | z_n = k) is far below 1e-308."""
    rng = np.random.default_rng(seed)
    probs = rng.uniform(0.2, 0.8, size=(3, d))
    z = rng.integers(0, 3, size=n)
    return (rng.random((n, d)) < probs[z]).astype(float), np.array([0.3, 0.3, 0.4]), probs


X_LONG, WEIGHTS_LONG, PROBS_LONG = _long_images()
X_LONG_HIDDEN, WEIGHTS_LONG_HIDDEN, PROBS_LONG_HIDDEN = _long_images(n=20, d=3000, seed=9)
WEIGHTS_LONG_HIDDEN = np.array([0.0, 0.45, 0.55])  # and a component of weight 0 among long images

# exercise 4: train on 200 digits, the student validates on 400 others, the check measures on 797 more
_PERM = np.random.default_rng(0).permutation(len(X_ALL))
TRAIN, VALID, TEST = X_ALL[_PERM[:200]], X_ALL[_PERM[200:600]], X_ALL[_PERM[1000:]]
PRIOR_K = 10
# the best test score over the grid 1.0, 1.02, ..., 10 (tests/test_checks_lesson11.py recomputes it): at a = 1.3
BEST_TEST_SCORE = -21.2271
BEST_STRENGTH = 1.3
MARGIN = 0.25  # nats per image: a choice passes within this of the best


# ---------------------------------------------------------------- references


def log_joint(X, weights, probs, use_weights=True, use_off=True, weights_as_logs=True):
    """a_nk = log pi_k + sum_j [x_nj log mu_kj + (1 - x_nj) log(1 - mu_kj)]: (n, k); the variants for the mistakes."""
    with np.errstate(divide="ignore"):
        a = X @ np.log(probs).T
        if use_off:
            a = a + (1 - X) @ np.log1p(-probs).T
        if use_weights:
            a = a + (np.log(weights) if weights_as_logs else weights)
    return a


def softmax_rows(a):
    return np.exp(a - special.logsumexp(a, axis=1, keepdims=True))


def _pair(ex, out, what):
    if isinstance(out, tuple) and len(out) == 2:
        return out
    ex.fail(f"your function should return a pair {what}; got {type(out).__name__}.", "not_a_pair")


# ---------------------------------------------------------------- exercise 1: the E-step in log space

UNDERFLOW_HINT = (
    "A product of many pixel probabilities underflows to 0.0 (below about 1e-308), and 0/0 is NaN. Stay in log "
    "space: a_nk = log pi_k + sum_j [x_nj log mu_kj + (1 - x_nj) log(1 - mu_kj)], then r_nk = exp(a_nk - "
    "logsumexp_k a_nk)."
)


def _e_step_cases(hidden):
    w_zero = np.array([0.6, 0.0, 0.4])
    visible = [
        (X_D, WEIGHTS_A, PROBS_A, "60 digits, K = 3 (prototypes of 0, 1 and 7)"),
        (X_D, np.array([1.0]), PROBS_A[:1], "K = 1 (every responsibility must be 1)"),
        (X_D[:1], WEIGHTS_A, PROBS_A, "a single image"),
        (X_LONG, WEIGHTS_LONG, PROBS_LONG, "25 images of 2,000 pixels (every product of probabilities underflows)"),
        (X_D, w_zero, PROBS_A, "a component of weight 0 (its responsibilities must be 0)"),
    ]
    hidden_extra = [
        (X_LONG_HIDDEN, WEIGHTS_LONG_HIDDEN, PROBS_LONG_HIDDEN,
         "20 images of 3,000 pixels with a component of weight 0"),
        (X_D[10:40], np.array([0.0, 0.7, 0.3]), PROBS_A, "30 other digits, the first component of weight 0"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _check_resp(ex, raw, X, weights, probs, case):
    n, k = len(X), len(weights)
    arr = nonfinite_of_shape(raw, (n, k), (k, n))
    if arr is not None:
        ex.fail(f"your responsibilities on {case} contain NaN or infinite values. {UNDERFLOW_HINT}",
                "product_underflow")
    got = ex.array(raw, (n, k), f"your responsibilities on {case}")
    a = log_joint(X, weights, probs)
    want = softmax_rows(a)
    if ex.agrees(got, want, rtol=1e-6, atol=1e-9):
        return
    with np.errstate(all="ignore"):
        if np.allclose(np.exp(got), want, rtol=1e-6, atol=1e-9):
            ex.fail(f"on {case} you returned log r_nk (numbers <= 0); exponentiate them.", "log_resp")
    rows = got.sum(axis=1)
    if not np.allclose(rows, 1.0, atol=1e-6):
        if n > 1 and normalised_over_points(got, atol=1e-6):
            ex.fail(
                f"on {case} each column of your responsibilities sums to 1, the rows to {np.round(rows[:3], 3)}...: "
                "you normalised over images (axis=0). Each image's r_n1, ..., r_nK must sum to 1: normalise along "
                "axis=1.",
                "wrong_axis",
            )
        ex.fail(
            f"on {case} the rows of your responsibilities sum to {np.round(rows[:3], 4)}..., not 1. Subtract "
            "logsumexp over the components (axis=1) from a_nk before exponentiating.",
            "rows_not_normalised",
        )
    with np.errstate(all="ignore"):
        wrong = [
            (softmax_rows(log_joint(X, weights, probs, use_weights=False)),
             "you left out the weights: add log pi_k to each row of the log joint", "no_weights"),
            (softmax_rows(log_joint(X, weights, probs, weights_as_logs=False)),
             "you added pi_k itself; in log space the weight enters as log pi_k", "weights_not_logged"),
            (softmax_rows(log_joint(X, weights, probs, use_off=False)),
             "you counted only the pixels that are on. A pixel that is off is evidence too: it contributes "
             "log(1 - mu_kj), the (1 - x_nj) term of the log joint", "only_on_pixels"),
        ]
    ex.name_mistake(got, wrong, f"on {case}", rtol=1e-6, atol=1e-9)
    ex.close(got, want, f"on {case} your responsibilities differ from pi_k p(x_n | mu_k) / p(x_n)", rtol=1e-6,
             atol=1e-9)


def _check_loglik(ex, raw, X, weights, probs, case):
    a = log_joint(X, weights, probs)
    per_image = special.logsumexp(a, axis=1)
    want = float(per_image.sum())
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.size == 0:
        ex.fail(f"your log-likelihood on {case} should be a number; got {raw!r}.", "loglik_not_a_number")
    if arr.size > 1:
        if arr.shape == per_image.shape and np.allclose(arr, per_image, rtol=1e-7):
            ex.fail(
                f"on {case} your log-likelihood is one log p(x_n) per image; return their sum "
                "log p(X | theta) = sum_n log p(x_n), a single number.",
                "loglik_per_image",
            )
        ex.fail(f"your log-likelihood on {case} should be a single number; got shape {arr.shape}.",
                "loglik_not_a_number")
    value = float(arr.reshape(-1)[0])
    if not np.isfinite(value):
        ex.fail(f"your log-likelihood on {case} is {value}. {UNDERFLOW_HINT}", "loglik_not_finite")
    if ex.agrees(value, want, rtol=1e-8, atol=1e-6):
        return
    wrong = [
        (want / len(X), "you averaged over images; return the sum log p(X | theta)", "loglik_averaged"),
        (float(np.sum(softmax_rows(a) * a)),
         "that is Q = sum_nk r_nk a_nk, the expected complete-data log-likelihood; log p(X | theta) is "
         "sum_n logsumexp_k a_nk", "loglik_is_q"),
        (float(a.max(axis=1).sum()), "you used the largest term max_k a_nk instead of logsumexp_k a_nk", "loglik_max"),
    ]
    ex.name_mistake(value, wrong, f"on {case} your log-likelihood is {value:.6g}", rtol=1e-8, atol=1e-6)
    ex.fail(f"on {case} your log-likelihood is {value:.8g}; log p(X | theta) is {want:.8g}.", "loglik_wrong_value")


@exercise_check
def check_e_step(student_e_step, hidden=False):
    """e_step(X, weights, probs) -> (resp (n, k), log_likelihood float), in log space."""
    from .. import bernoulli

    ex = Exercise("e_step")
    forbid(ex, student_e_step, [bernoulli.e_step, bernoulli.log_joint, bernoulli.log_likelihood,
                                bernoulli.fit_bernoulli_em])
    for X, weights, probs, case in _e_step_cases(hidden):
        out = ex.call(student_e_step, X, weights, probs, case=case)
        if isinstance(out, np.ndarray) and out.ndim == 2:
            _check_resp(ex, out, X, weights, probs, case)
            ex.fail("your function returned only the responsibilities (they are right); return the pair "
                    "(resp, log_likelihood).", "resp_only")
        resp, loglik = _pair(ex, out, "(resp, log_likelihood)")
        _check_resp(ex, resp, X, weights, probs, case)
        _check_loglik(ex, loglik, X, weights, probs, case)
    ex.passed("including K = 1, a single image, images of 2,000 pixels and a weight of 0"
              + (", 3,000-pixel images" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: the M-step with a Beta prior


def _weights_reference(nk, gamma, variant=None):
    """pi_k = (N_k + gamma - 1) / (N + K (gamma - 1)), the MAP weights under a symmetric Dirichlet(gamma) prior."""
    n, k = nk.sum(), nk.size
    if variant == "weights_no_prior":
        return nk / n
    if variant == "gamma_not_minus_one":
        return (nk + gamma) / (n + k * gamma)
    if variant == "weights_forgot_k":
        return (nk + gamma - 1) / (n + gamma - 1)
    return (nk + gamma - 1) / (n + k * (gamma - 1))


def _m_step_reference(X, resp, alpha, beta, variant=None, gamma=1.0):
    nk, s = resp.sum(axis=0), resp.T @ X
    n = len(X)
    weights = _weights_reference(nk, gamma)
    with np.errstate(all="ignore"):
        if variant == "no_prior":
            return weights, s / nk[:, None]
        if variant == "alpha_not_minus_one":
            return weights, (s + alpha) / (nk[:, None] + alpha + beta)
        if variant == "n_not_nk":
            return weights, (s + alpha - 1) / (n + alpha + beta - 2)
        if variant == "swapped":
            return weights, (s + beta - 1) / (nk[:, None] + alpha + beta - 2)
        if variant == "off_counts":
            return weights, (nk[:, None] - s + beta - 1) / (nk[:, None] + alpha + beta - 2)
        return weights, (s + alpha - 1) / (nk[:, None] + alpha + beta - 2)


def _m_step_cases(hidden):
    empty = RESP_A.copy()
    empty[:, 1] = 0.0
    empty /= empty.sum(axis=1, keepdims=True)
    empty_first = np.random.default_rng(4).dirichlet(np.ones(4), size=len(X_D))
    empty_first[:, 0] = 0.0
    empty_first /= empty_first.sum(axis=1, keepdims=True)
    visible = [
        (X_D, RESP_A, 2.0, 2.0, 2.0, "60 digits, K = 3, Beta(2, 2), Dirichlet(2)"),
        (X_D, RESP_A, 1.5, 4.0, 3.0, "the same with Beta(1.5, 4), Dirichlet(3)"),
        (X_D, RESP_A, 1.0, 1.0, 1.0, "Beta(1, 1), Dirichlet(1): no prior, maximum likelihood"),
        (X_D, empty, 3.0, 2.0, 2.0, "an empty component (N_2 = 0) with Beta(3, 2), Dirichlet(2)"),
    ]
    hidden_extra = [
        (X_D, empty_first, 2.5, 1.5, 3.0, "K = 4, an empty component 1, Beta(2.5, 1.5), Dirichlet(3)"),
        (X_D, np.ones((len(X_D), 1)), 2.0, 5.0, 4.0, "K = 1 with Beta(2, 5), Dirichlet(4)"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _check_weights(ex, weights, nk, gamma, case):
    want = _weights_reference(nk, gamma)
    if ex.agrees(weights, want, rtol=1e-8, atol=1e-12):
        return
    if np.allclose(weights, nk, rtol=1e-8):
        ex.fail(f"on {case} your weights are the counts N_k; they must sum to 1.", "weights_not_normalised")
    wrong = [
        (_weights_reference(nk, gamma, "weights_no_prior"), "you used N_k / N, without the Dirichlet prior: it adds "
         "gamma - 1 pseudo-images to every component", "weights_no_prior"),
        (_weights_reference(nk, gamma, "gamma_not_minus_one"), "you added gamma; the Dirichlet density is "
         "prod_k pi_k^(gamma - 1), so the pseudo-counts are gamma - 1", "gamma_not_minus_one"),
        (_weights_reference(nk, gamma, "weights_forgot_k"), "your weights do not sum to 1 (look at their sum): "
         "find the multiplier again by summing the stationarity condition over all K components", "weights_forgot_k"),
    ]
    ex.name_mistake(weights, wrong, f"on {case}", rtol=1e-8, atol=1e-12)
    ex.fail(f"on {case} your weights are {np.round(weights, 4)}; the maximiser of sum_k (N_k + gamma - 1) log pi_k "
            f"with sum_k pi_k = 1 is {np.round(want, 4)}.", "weights_wrong")


@exercise_check
def check_m_step(student_m_step, hidden=False):
    """m_step(X, resp, alpha, beta, gamma) -> (weights (k,), probs (k, d)): MAP with Beta and Dirichlet priors."""
    from .. import bernoulli

    ex = Exercise("m_step")
    forbid(ex, student_m_step, [bernoulli.m_step, bernoulli.fit_bernoulli_em])
    for X, resp, alpha, beta, gamma, case in _m_step_cases(hidden):
        out = ex.call(student_m_step, X, resp, alpha, beta, gamma, case=case)
        weights_raw, probs_raw = _pair(ex, out, "(weights, probs)")
        k, d = resp.shape[1], X.shape[1]
        _, want_p = _m_step_reference(X, resp, alpha, beta, gamma=gamma)
        try:
            shape = np.shape(np.asarray(probs_raw, dtype=float))
        except (TypeError, ValueError):
            shape = None
        if shape == (d, k) and k != d:
            ex.fail(f"on {case} your probs have shape {shape}; the prototypes are the rows: shape ({k}, {d}), one "
                    "row per component.", "probs_transposed")
        probs = ex.array(probs_raw, (k, d), f"your probs on {case}")
        weights = ex.array(weights_raw, (k,), f"your weights on {case}")
        _check_weights(ex, weights, resp.sum(axis=0), gamma, case)
        if ex.agrees(probs, want_p, rtol=1e-8, atol=1e-12):
            continue
        messages = {
            "no_prior": "you used S_kj / N_k, the maximum-likelihood estimate: the prior adds alpha - 1 pseudo-images "
                        "with the pixel on and beta - 1 with it off",
            "alpha_not_minus_one": "you added alpha and beta; the Beta density is mu^(alpha - 1) (1 - mu)^(beta - 1), "
                                   "so the pseudo-counts are alpha - 1 and beta - 1 (the posterior's mode, not its "
                                   "mean)",
            "n_not_nk": "you divided by N + alpha + beta - 2; each component counts only its own images, N_k = "
                        "sum_n r_nk",
            "swapped": "you swapped alpha and beta: alpha - 1 pseudo-counts go with the pixel on (the mu^(alpha - 1) "
                       "factor), beta - 1 with it off",
            "off_counts": "you computed the probability that a pixel is off, 1 - mu_kj",
        }
        wrong = [(_m_step_reference(X, resp, alpha, beta, key)[1], text, key) for key, text in messages.items()]
        ex.name_mistake(probs, wrong, f"on {case}", rtol=1e-8, atol=1e-12)
        ex.close(probs, want_p, f"on {case} your pixel probabilities differ from the maximiser of "
                                "Q + log p(theta)", rtol=1e-8, atol=1e-12)
    ex.passed("with Beta and Dirichlet priors, with none, and an empty component" + (", K = 1" if hidden else ""))


# ---------------------------------------------------------------- exercise 3: L + KL = log p for your own q


def _bound_cases(hidden):
    rng = np.random.default_rng(8)
    X30 = X_D[:30]
    q_random = rng.dirichlet(np.ones(3), size=30)
    posterior = softmax_rows(log_joint(X30, WEIGHTS_A, PROBS_A))
    hard = np.eye(3)[rng.integers(0, 3, size=30)]
    visible = [
        (X30, q_random, WEIGHTS_A, PROBS_A, "30 digits, a random q"),
        (X30, posterior, WEIGHTS_A, PROBS_A, "q = the posterior (KL must be 0)"),
        (X30, hard, WEIGHTS_A, PROBS_A, "a one-hot q (q_nk = 0 counts 0, as 0 log 0 = 0)"),
    ]
    mixed = 0.5 * q_random + 0.5 * hard
    hidden_extra = [
        (X_LONG, rng.dirichlet(np.ones(3), size=len(X_LONG)), WEIGHTS_LONG, PROBS_LONG,
         "images of 2,000 pixels, a random q"),
        (X30, mixed, WEIGHTS_A, PROBS_A, "a q mixing random and one-hot rows"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def _xlogx(q):
    return special.xlogy(q, q)


@exercise_check
def check_bound_kl(student_bound_kl, hidden=False):
    """bound_kl(X, q, weights, probs) -> (L, KL): the lower bound L(q, theta) and sum_n KL(q_n || p(z_n | x_n))."""
    from .. import bernoulli

    ex = Exercise("bound_kl")
    forbid(ex, student_bound_kl, [bernoulli.lower_bound, bernoulli.e_step, bernoulli.log_joint,
                                  bernoulli.log_likelihood])
    for X, q, weights, probs, case in _bound_cases(hidden):
        out = ex.call(student_bound_kl, X, q, weights, probs, case=case)
        L_raw, kl_raw = _pair(ex, out, "(L, KL)")
        a = log_joint(X, weights, probs)
        log_p = special.logsumexp(a, axis=1)
        log_post = a - log_p[:, None]
        want_L = float(np.sum(q * a) - np.sum(_xlogx(q)))
        with np.errstate(invalid="ignore"):
            want_kl = float(np.sum(_xlogx(q) - np.where(q > 0, q * log_post, 0.0)))
        for raw, what in ((L_raw, "L"), (kl_raw, "KL")):
            try:
                arr = np.asarray(raw, dtype=float)
            except (TypeError, ValueError):
                ex.fail(f"your {what} on {case} should be a number; got {raw!r}.", "not_a_number")
            if arr.size == 0:
                ex.fail(f"your {what} on {case} should be a number; got an empty array.", "not_a_number")
            if arr.size > 1:
                ex.fail(f"on {case} your {what} is an array of shape {arr.shape}; return its sum over images, a single "
                        "number.", "per_image")
            if np.isnan(arr).any():
                ex.fail(f"your {what} on {case} is NaN. Where q_nk = 0 the term q_nk log q_nk is 0 (the limit of "
                        "q log q), but 0 * log 0 is NaN in floating point: skip those terms, e.g. with "
                        "scipy.special.xlogy(q, q).", "zero_log_zero")
        L = float(np.asarray(L_raw, dtype=float).reshape(-1)[0])
        kl = float(np.asarray(kl_raw, dtype=float).reshape(-1)[0])
        if not (np.isfinite(L) and np.isfinite(kl)):
            ex.fail(f"on {case} your (L, KL) is ({L}, {kl}); both are finite numbers here. {UNDERFLOW_HINT}",
                    "not_finite")
        if not ex.agrees(L, want_L, rtol=1e-9, atol=1e-7):
            entropy = -float(np.sum(_xlogx(q)))
            wrong = [
                (want_L - entropy, "that is Q = sum_nk q_nk a_nk alone: add the entropy H(q) = -sum q log q",
                 "no_entropy"),
                (want_L - 2 * entropy, "you subtracted the entropy; L = Q + H(q) with H(q) = -sum q log q >= 0",
                 "entropy_sign"),
            ]
            ex.name_mistake(L, wrong, f"on {case} your L is {L:.6g}", rtol=1e-9, atol=1e-7)
            ex.fail(f"on {case} your L is {L:.8g}; L(q, theta) = sum_nk q_nk (a_nk - log q_nk) is {want_L:.8g}.",
                    "bound_wrong_value")
        if not ex.agrees(kl, want_kl, rtol=1e-9, atol=1e-7):
            with np.errstate(all="ignore"):
                post = np.exp(log_post)
                reverse = float(np.sum(special.xlogy(post, post) - post * np.log(q)))
            wrong = [
                (reverse, "that is KL(posterior || q), the reverse direction; the gap log p - L is KL(q || posterior) "
                 "= sum q log(q / posterior)", "kl_reversed"),
                (-want_kl, "the sign is flipped: KL(q || p) = sum q log(q / p) >= 0", "kl_sign"),
            ]
            ex.name_mistake(kl, wrong, f"on {case} your KL is {kl:.6g}", rtol=1e-9, atol=1e-7)
            ex.fail(f"on {case} your KL is {kl:.8g}; sum_n KL(q_n || p(z_n | x_n, theta)) is {want_kl:.8g}.",
                    "kl_wrong_value")
        ex.holds(np.isclose(L + kl, float(log_p.sum()), rtol=1e-9, atol=1e-6))  # follows from the two above
    ex.passed("L + KL = log p(X | theta) on each, KL = 0 at the posterior" + (", 2,000-pixel images" if hidden else ""))


# ---------------------------------------------------------------- exercise 4: decide the prior strength


def held_out_score(a, test=None):
    """Average log p(x | theta) per TEST image of the mixture fitted on TRAIN with a Beta(a, a) prior (may be -inf)."""
    from .. import bernoulli

    fit = bernoulli.fit_bernoulli_em(TRAIN, PRIOR_K, rng=0, prior=(a, a), max_iter=300)
    # bernoulli.log_joint: a pixel probability of exactly 0 or 1 is -inf only where an image contradicts it
    with np.errstate(divide="ignore"):
        return float(special.logsumexp(bernoulli.log_joint(TEST if test is None else test, fit.mixture),
                                       axis=1).mean())


@exercise_check
def check_prior_strength(answer):
    """choose_prior_strength() -> a >= 1, for Beta(a, a) on every pixel: scored on unseen test images."""
    ex = Exercise("prior_strength")
    a = answer_value(ex, answer, "choose_prior_strength()")
    if a < 1:
        ex.fail(f"a = {a:.4g} is below 1: Beta(a, a) with a < 1 is infinite at 0 and 1 and pulls the pixel "
                "probabilities onto them. Choose a >= 1.", "below_one")
    score = held_out_score(a)
    if not np.isfinite(score):
        ex.fail(f"with a = {a:.4g} some test images get log-likelihood -inf: with no pseudo-counts a pixel that no "
                "training image of a component had on gets mu_kj = 0 exactly, and one such pixel rules a new image "
                "out. Take a > 1. (If a = 1 scored best for you, you scored on the training images, which a fit "
                "always explains best: score each a on valid.)", "no_prior")
    limit = BEST_TEST_SCORE - MARGIN
    if ex.holds(score >= limit):
        ex.passed(f"a = {a:.3g}: {score:.3f} nats per test image, within {BEST_TEST_SCORE - score:.2f} of the best "
                  "prior strength")
        return
    # no test score and no direction here: the test images must not be searchable through this message
    ex.fail(f"with a = {a:.4g} the test images score more than {MARGIN} nats per image below what the best "
            "strength reaches. Decide on the validation images: fit on train with each of several values of a, "
            "score valid with your e_step, and keep the best. Scored on train, a weaker prior always looks "
            "better; a value guessed without scoring is rarely close enough.", "not_best")


# ---------------------------------------------------------------- exercise 5: predict, identical components

SYMMETRIC_STEPS = 5  # an unstable fixed point: differences grow a few times per step (lesson 11, section 13)


def _symmetric_cases(hidden):
    visible = [
        (X_D, 3, 2.0, 2.0, "60 digits, K = 3, Beta(2, 2)"),
        (X_ALL[:500], 2, 1.5, 3.0, "500 digits, K = 2, Beta(1.5, 3)"),
    ]
    hidden_extra = [
        (X_D, 1, 2.0, 5.0, "K = 1, Beta(2, 5)"),
        (X_LONG, 4, 3.0, 2.0, "images of 2,000 pixels, K = 4, Beta(3, 2)"),
    ]
    return cases_for(visible, hidden_extra, hidden)


def measured_symmetric_run(X, k, alpha, beta, steps=SYMMETRIC_STEPS):
    """Prototypes (k, d) after `steps` EM iterations from k identical components (weights 1/k, every mu_kj = 1/2)."""
    weights, probs = np.full(k, 1.0 / k), np.full((k, X.shape[1]), 0.5)
    for _ in range(steps):
        resp = softmax_rows(log_joint(X, weights, probs))
        weights, probs = _m_step_reference(X, resp, alpha, beta)
    return probs


@exercise_check
def check_symmetric_prototype(student_prediction, hidden=False):
    """predicted_prototype(X, K, alpha, beta) -> (d,): the prototypes after 5 EM steps from identical components."""
    ex = Exercise("symmetric_prototype")
    for X, k, alpha, beta, case in _symmetric_cases(hidden):
        out = ex.call(student_prediction, X, k, alpha, beta, case=case)
        measured = measured_symmetric_run(X, k, alpha, beta)
        ex.holds(np.allclose(measured, measured[0], rtol=0, atol=1e-9))  # the measurement: still identical
        got = ex.array(out, (X.shape[1],), f"your prediction on {case}")
        if ex.agrees(got, measured[0], rtol=1e-8, atol=1e-9):
            continue
        n, xbar = len(X), X.mean(axis=0)
        wrong = [
            (np.full(X.shape[1], 0.5), "that is the start. EM does move identical components, all together: every "
             "responsibility is 1/K, so the M-step averages all the images for each of them", "unchanged"),
            (xbar, "that is the mean image x̄: you left out the prior's pseudo-counts alpha - 1 and beta - 1",
             "no_prior"),
            ((n * xbar + alpha - 1) / (n + alpha + beta - 2),
             "you used N_k = N; with every responsibility 1/K each component holds N_k = N / K images", "n_not_nk"),
            ((n * xbar / k + alpha) / (n / k + alpha + beta),
             "you added alpha and beta; the pseudo-counts are alpha - 1 and beta - 1", "alpha_not_minus_one"),
        ]
        ex.name_mistake(got, wrong, f"on {case} your prediction", rtol=1e-8, atol=1e-9)
        ex.fail(f"on {case} your prediction differs from the measured prototypes (largest difference "
                f"{np.abs(got - measured[0]).max():.3g}). Follow one iteration: what are the responsibilities when "
                "all components are equal, and what does the M-step then give?")
    ex.passed(f"every component ends at the same prototype after {SYMMETRIC_STEPS} steps"
              + (", also for K = 1 and 2,000-pixel images" if hidden else ""))


# ---------------------------------------------------------------- the mistakes, as data

_E = "4. The E-step, in log space"
_M = "5. The M-step: a Lagrange multiplier for $\\pi$, a Beta prior for each $\\mu_{kj}$"
_LKL = "3. $\\log p = \\mathcal L(q, \\theta) + \\mathrm{KL}$ for any $q(Z)$, by enumerating every $Z$"
_PRIOR = "11. What the prior does for images the fit has not seen"
_FIXED = "13. Identical components: a fixed point EM can sit on"

MISTAKES = {
    **{f"e_step.{key}": _E for key in (
        "product_underflow", "not_an_array", "wrong_shape", "transposed", "log_resp", "wrong_axis",
        "rows_not_normalised", "no_weights", "weights_not_logged", "only_on_pixels", "wrong_value",
        "loglik_not_a_number", "loglik_per_image", "loglik_not_finite", "loglik_averaged", "loglik_is_q",
        "loglik_max", "loglik_wrong_value", "resp_only", "not_a_pair", "uses_reference")},
    **{f"m_step.{key}": _M for key in (
        "not_a_pair", "probs_transposed", "not_an_array", "wrong_shape", "nan", "weights_not_normalised",
        "weights_no_prior", "gamma_not_minus_one", "weights_forgot_k", "weights_wrong", "no_prior",
        "alpha_not_minus_one", "n_not_nk", "swapped", "off_counts", "wrong_value", "uses_reference")},
    **{f"bound_kl.{key}": _LKL for key in (
        "not_a_pair", "not_a_number", "per_image", "zero_log_zero", "not_finite", "no_entropy", "entropy_sign",
        "bound_wrong_value", "kl_reversed", "kl_sign", "kl_wrong_value", "uses_reference")},
    **{f"symmetric_prototype.{key}": _M for key in (
        "not_an_array", "wrong_shape", "nan", "no_prior", "n_not_nk", "alpha_not_minus_one", "wrong_value")},
    "symmetric_prototype.unchanged": _FIXED,
    **{f"prior_strength.{key}": _PRIOR for key in (
        "returned_none", "not_a_number", "not_finite", "below_one", "no_prior", "not_best")},
}
