# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exercises 09 — Choosing K, and using a fitted mixture
#
# The training log-likelihood cannot choose the number of components $K$: it only grows. These exercises
# build the tools that can, and use them:
#
# 1. the number of free parameters $p$ of two covariance types the lesson did not count,
# 2. AIC and BIC from a log-likelihood,
# 3. the M-step covariances of the diagonal, spherical and tied types,
# 4. choosing $K$ on points the fits did not see,
# 5. AIC or BIC: which one picks the larger $K$? Predict, measure on Old Faithful, and derive when it is a law.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (find a formula the lesson did not write, then code it), *predict*
# (commit to an answer, then measure it) or *decide* (make a choice whose effect the check measures).
# Altogether about 80 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy, and `coursepkg` where a task says so: the checks notice if you call the
# `coursepkg` function you are asked to write.
#
# The lesson these exercises follow: [09 — Choosing K, and using a fitted mixture](../notebooks/09_choosing_k.ipynb).
#
# Notation: $N$ points $x_n \in \mathbb R^d$ (the rows of `X`), $K$ components, responsibilities $r_{nk}$
# (`resp`, shape `(N, K)`), $N_k = \sum_n r_{nk}$, the log-likelihood $\ell$ in nats (natural logarithms).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg import em, mixture, selection
from coursepkg.checks import lesson09 as checks

X_train, X_valid = checks.X_TRAIN, checks.X_VALID  # exercise 4
print(f"X_train: {X_train.shape}, X_valid: {X_valid.shape}")

# %% [markdown]
# ## Exercise 1 — How many parameters? (2 points · ★★☆ · about 15 min · derive)
#
# Section 2 of the lesson counted the free parameters $p$ of the four covariance types of scikit-learn. Two
# more constraints are common, and the lesson did not count them:
#
# - `"tied_diag"`: one **diagonal** covariance $\Sigma = \operatorname{diag}(\sigma_1^2, \dots, \sigma_d^2)$ shared by
#   all $K$ components (axis-aligned ellipses, all of the same shape);
# - `"tied_spherical"`: one variance shared by all components, $\Sigma_k = \sigma^2 I$ for every $k$ (circles of
#   one size: with equal weights, the model behind k-means, lesson 08).
#
# Derive $p$ for these two as a function of $K$ and $d$, and write `count_parameters(K, d, covariance_type)`
# returning it as an int for all six types (`"full"`, `"diag"`, `"spherical"`, `"tied"`, `"tied_diag"`,
# `"tied_spherical"`). The check evaluates it on several $(K, d)$, from $d = 1$ to $d = 10$.
#
# *Think about:* which parts of the mixture does a constraint on the covariances leave alone? Check your two
# new formulas by hand at $K = 1$, where every tied type must agree with its untied one.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def count_parameters(K, d, covariance_type):
    """Free parameters of a K-component Gaussian mixture in d dimensions with this covariance type: an int."""
    ### BEGIN SOLUTION
    symmetric = d * (d + 1) // 2  # entries on and above the diagonal
    covariances = {"full": K * symmetric, "diag": K * d, "spherical": K, "tied": symmetric, "tied_diag": d,
                   "tied_spherical": 1}[covariance_type]
    return (K - 1) + K * d + covariances  # weights sum to 1: K - 1 free
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_count_parameters(count_parameters)
### BEGIN HIDDEN TESTS
checks.check_count_parameters(count_parameters, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2 — AIC and BIC (1 point · ★☆☆ · about 5 min · implement)
#
# For a fit with maximised log-likelihood $\hat\ell$ (nats), $p$ free parameters and $N$ points,
#
# $$ \mathrm{AIC} = -2\hat\ell + 2p, \qquad \mathrm{BIC} = -2\hat\ell + p \log N . $$
#
# Write `information_criteria(log_lik, p, N)` returning the pair `(AIC, BIC)` as floats.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def information_criteria(log_lik, p, N):
    """(AIC, BIC) of a fit with log-likelihood log_lik (nats), p free parameters, N points."""
    ### BEGIN SOLUTION
    return -2.0 * log_lik + 2.0 * p, -2.0 * log_lik + p * np.log(N)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_information_criteria(information_criteria)
### BEGIN HIDDEN TESTS
checks.check_information_criteria(information_criteria, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3 — The M-step of each covariance type (2 points · ★☆☆ · about 10 min · implement)
#
# With $N_k = \sum_n r_{nk}$, the weighted means $\mu_k = \sum_n r_{nk} x_n / N_k$ and the weighted scatters
# $S_k = \sum_n r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top$, lesson 09 (section 3) derived the covariances that
# maximise $Q$ under each constraint. Write `constrained_covariances(X, resp, covariance_type)` returning
# them as a `(K, d, d)` array for all four types (for `"tied"`, the same matrix $K$ times), without `reg_covar`.
# Section 3 computed these from numpy's weighted covariance; this is a warm-up that turns the same formulas into
# a function of your own, written from the scatters $S_k$.
#
# *Think about:* which entries of $S_k / N_k$ does each type keep, and what does it average? For the tied type,
# how much should a component with few points count in the shared matrix?

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def constrained_covariances(X, resp, covariance_type):
    """The M-step covariances of the type: X (N, d), resp (N, K) -> (K, d, d)."""
    ### BEGIN SOLUTION
    N, d = X.shape
    K = resp.shape[1]
    Nk = resp.sum(axis=0)
    mu = resp.T @ X / Nk[:, None]
    S = np.array([(resp[:, k, None] * (X - mu[k])).T @ (X - mu[k]) for k in range(K)])  # centred scatters
    full = S / Nk[:, None, None]
    if covariance_type == "full":
        return full
    if covariance_type == "diag":
        return np.array([np.diag(np.diag(c)) for c in full])
    if covariance_type == "spherical":
        return np.array([np.trace(c) / d * np.eye(d) for c in full])
    return np.repeat((S.sum(axis=0) / Nk.sum())[None], K, axis=0)  # tied: pooled scatter over N
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_constrained_covariances(constrained_covariances)
### BEGIN HIDDEN TESTS
checks.check_constrained_covariances(constrained_covariances, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4 — Choose K on points the fits did not see (2 points · ★★☆ · about 20 min · decide)
#
# `X_train` (250 points) and `X_valid` (150 points) are one sample of a mixture whose number of components
# you are not told, split in two. Fit a full mixture to `X_train` for each $K = 1, \dots, 8$ with
# `em.fit_em`, and score each fit on `X_valid`.
#
# 1. Write `validation_scores()` returning the 8 validation log-likelihoods **per point** (nats), for $K = 1..8$
#    in order.
# 2. **Decide:** write `chosen_k()` returning the $K$ you would use. The check measures the validation
#    log-likelihood of every $K$ itself and accepts a choice within 0.02 nats per point of the best; your choice
#    must also be within 0.02 of the best of your own scores.
#
# *Think about:* what would the training log-likelihood have chosen? EM has local maxima (lesson 07): is one
# start per $K$ enough for a curve you want to read a maximum off?

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def validation_scores():
    """Validation log-likelihood per point of full mixtures fitted to X_train, K = 1..8: an array (8,)."""
    ### BEGIN SOLUTION
    scores = []
    for K in range(1, 9):
        fit = em.fit_em(X_train, K, rng=0, n_init=3, tol=1e-4)
        scores.append(mixture.log_likelihood(X_valid, fit.gmm) / len(X_valid))
    return np.array(scores)
    ### END SOLUTION


# %%
try:
    for K, score in enumerate(validation_scores(), start=1):
        print(f"K = {K}: {score:.3f} nats per validation point")
except NotImplementedError:
    print("Write validation_scores() first.")

# %% nbgrader={"grade": false, "grade_id": "ex4_decision", "locked": false, "schema_version": 3, "solution": true}
def chosen_k():
    """The number of components you choose: an int in 1..8."""
    ### BEGIN SOLUTION
    return 3
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_held_out_choice(validation_scores, chosen_k)

# %% [markdown]
# ## Exercise 5 — Which criterion picks the larger K? (2 points · ★★☆ · about 20 min · derive)
#
# `fits` below are full mixtures with $K = 1, \dots, 8$ fitted to Old Faithful ($N = 272$ eruptions, eruption
# time and waiting time in minutes), `fits[K - 1]` for $K$ components.
#
# 1. **Predict first**, before you compute anything: write `larger_k()` returning `"AIC"`, `"BIC"` or `"same"`:
#    which criterion will choose the larger $K$ on these fits?
# 2. **Then measure:** write `measured_choices()` returning the pair (the $K$ that AIC chooses, the $K$ that BIC
#    chooses) over these 8 fits (your `information_criteria` and `count_parameters`, or `selection.aic` and
#    `selection.bic`, may help).
# 3. **Derive:** in lesson 09's trials AIC's $K$ was never below BIC's. Prove that this holds on any data set,
#    for the fits of one covariance type with $K = 1, 2, \dots$, as long as $N$ is large enough, and write
#    `smallest_n()` returning the smallest whole $N$ from which your proof works.

# %%
X_faithful, fits = checks.faithful_fits()
print(f"Old Faithful: {X_faithful.shape}; fits for K = 1..{len(fits)}")

# %% nbgrader={"grade": false, "grade_id": "ex5_prediction", "locked": false, "schema_version": 3, "solution": true}
def larger_k():
    """The criterion that will choose the larger K on these fits: "AIC", "BIC" or "same"."""
    ### BEGIN SOLUTION
    return "AIC"
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def measured_choices():
    """(K chosen by AIC, K chosen by BIC) over the fits for K = 1..8."""
    ### BEGIN SOLUTION
    aic = [selection.aic(X_faithful, g) for g in fits]
    bic = [selection.bic(X_faithful, g) for g in fits]
    return int(np.argmin(aic)) + 1, int(np.argmin(bic)) + 1
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex5_derivation", "locked": false, "schema_version": 3, "solution": true}
def smallest_n():
    """The smallest N from which, within one covariance type, AIC never chooses a smaller K than BIC."""
    ### BEGIN SOLUTION
    # AIC_K - BIC_K = -(log N - 2) p_K; for K < K_B (BIC's choice) and p_K < p_{K_B}:
    # AIC_K - AIC_{K_B} = (BIC_K - BIC_{K_B}) + (log N - 2)(p_{K_B} - p_K) > 0 when log N > 2, i.e. N >= 8
    return 8
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_larger_k(larger_k, measured_choices, smallest_n)

# %% [markdown]
# ## What you practised
#
# | exercise | the skill | reread if it was hard |
# |---|---|---|
# | 1 | counting the free parameters of a constrained model you have not seen counted | lesson 09, section 2 |
# | 2 | turning the definitions of two penalised likelihoods into code | section 4 |
# | 3 | writing constrained M-steps from weighted scatters | section 3 |
# | 4 | reading a choice of K off scores of points the fits did not see, and trusting your own measurement | sections 1 and 5 |
# | 5 | predicting how a penalty moves a choice, measuring it, and proving when the prediction always holds | sections 4 and 9 |
#
# Exercises 1–2 give every fit a price, exercise 3 shows what the cheaper types fit, and exercises 4–5 choose
# $K$ in two ways: by measuring on held-out points, and by a penalty, comparing two penalties by an argument
# rather than by one data set.
