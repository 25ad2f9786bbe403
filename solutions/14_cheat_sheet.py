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
# # Self-test 14 — The course on one page
#
# Four short tasks that use the whole course, one per part of the cheat sheet:
#
# 1. decide which covariance type two data sets call for,
# 2. count the free parameters of seven models, three of them not in the lesson's table,
# 3. repair an EM that has two bugs,
# 4. predict which of two starts EM takes higher, then measure it.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (find a formula the lesson did not write, then code it), *predict*
# (commit to an answer, then measure it) or *decide* (make a choice whose effect the check measures).
# Altogether about 45 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. The checks notice if you call the `coursepkg` function a task asks you to write.
#
# The lesson this self-test follows: [14 — Cheat sheet](../notebooks/14_cheat_sheet.ipynb).
#
# Notation: $N$ points $x_n \in \mathbb R^d$ (the rows of `X`), $K$ components, weights $\pi_k$, means $\mu_k$,
# covariances $\Sigma_k$, responsibilities $r_{nk}$, $N_k = \sum_n r_{nk}$, the log-likelihood $\ell$ in nats.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from coursepkg import em, selection  # noqa: F401 (selection.bic helps in exercise 1)
from coursepkg.datasets import old_faithful
from coursepkg.checks import lesson14 as checks

X_A, X_B = checks.TYPE_DATA["A"], checks.TYPE_DATA["B"]  # exercise 1
print(f"X_A: {X_A.shape}, X_B: {X_B.shape}")

# %% [markdown]
# ## Exercise 1 — Which covariance type? (2 points · ★★☆ · about 10 min · decide)
#
# `X_A` (90 points) and `X_B` (240 points) each come from a mixture of $K = 3$ Gaussians in 2-D. Decide which
# covariance type (`"full"`, `"diag"`, `"spherical"` or `"tied"`) each data set calls for, and write
# `choose_types()` returning a dict `{"A": ..., "B": ...}`. The check fits $K = 3$ of every type to each data set
# and accepts the type with the lowest BIC.
#
# *Think about:* plot the points first. Which type fits best on the training data, whatever they look like? Is
# that the question BIC asks? You may measure (with `em.fit_em(..., covariance_type=...)` and `selection.bic`)
# before you decide.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def choose_types():
    """{"A": covariance type for X_A, "B": covariance type for X_B}."""
    ### BEGIN SOLUTION
    # A: three clusters of one tilted shape, only 90 points -> one shared full matrix;
    # B: ellipses along the axes, of different shapes -> diagonal covariances
    return {"A": "tied", "B": "diag"}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_covariance_types(choose_types)

# %% [markdown]
# ## Exercise 2 — How many free parameters? (2 points · ★★☆ · about 10 min · derive)
#
# Write `free_parameters(K, d, model)` returning the number of free parameters (a whole number) of a
# $K$-component mixture in $d$ dimensions for `model` in
#
# - `"full"`, `"diag"`, `"spherical"`, `"tied"`: Gaussian mixtures with that covariance type (lesson 09; the
#   lesson's table has these four);
# - `"tied_diag"`: one diagonal covariance shared by all $K$ components, and `"tied_spherical"`: one variance
#   $\sigma^2$ shared by all (the model behind k-means with a learned width, lesson 08);
# - `"bernoulli"`: a mixture of Bernoullis on binary vectors of length $d$ (lesson 11).
#
# The check tries several $(K, d)$, among them the 8×8 digits ($d = 64$) with $K = 10$.
#
# *Think about:* split the count into what the weights need, what each component has of its own, and what all
# components share. What does one Bernoulli pixel of one component need?

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def free_parameters(K, d, model):
    """Free parameters of a K-component mixture in d dimensions: an int."""
    ### BEGIN SOLUTION
    if model == "bernoulli":
        return (K - 1) + K * d  # weights sum to 1; one on-probability per pixel and component
    one = {"full": d * (d + 1) // 2, "diag": d, "spherical": 1}  # one covariance of each shape
    own = {"full": "full", "diag": "diag", "spherical": "spherical"}  # one covariance per component
    shared = {"tied": "full", "tied_diag": "diag", "tied_spherical": "spherical"}  # one for all K
    covariances = K * one[own[model]] if model in own else one[shared[model]]
    return (K - 1) + K * d + covariances
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_free_parameters(free_parameters)
### BEGIN HIDDEN TESTS
checks.check_free_parameters(free_parameters, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3 — Repair a broken EM (3 points · ★★☆ · about 15 min · implement)
#
# `broken_em` below is EM for a Gaussian mixture from a start (weights, means, covariances), with `history[t]`
# the log-likelihood after $t$ M-steps, $t = 0, \dots$, `n_iter`, and `reg_covar` added to every covariance
# diagonal. It is written differently from the lesson's (whole arrays at once, `np.einsum`), and it has **two
# bugs**; neither raises an error on every data set. Run it, read it line by line against the E- and M-step
# formulas, and write `em_fixed`: `broken_em` repaired, with the same arguments and outputs. Beside each line
# you change, write in a comment what the bug made wrong and on which data it shows. The check compares your
# four outputs with `coursepkg`'s EM from the same start, on Old Faithful and on the same eruptions measured
# from an origin $10^6$ minutes away. Do not call `em.fit_em`, `em.e_step` or `em.m_step`.

# %%
def broken_em(X, weights, means, covs, n_iter=10, reg_covar=1e-6):
    """EM for a Gaussian mixture from a start, with two bugs: (weights, means, covs, history)."""
    N, d = X.shape
    history = []
    for t in range(n_iter + 1):
        factors = np.linalg.cholesky(covs)  # (K, d, d): covs[k] = factors[k] @ factors[k].T
        z = np.stack([solve_triangular(L, (X - m).T, lower=True) for L, m in zip(factors, means)])  # (K, d, N)
        log_det = 2 * np.log(np.diagonal(factors, axis1=1, axis2=2)).sum(axis=1)  # (K,)
        log_joint = np.log(weights) - 0.5 * (log_det + d * np.log(2 * np.pi) + (z**2).sum(axis=1).T)  # (N, K)
        history.append(logsumexp(log_joint, axis=1).sum())
        if t == n_iter:
            break
        r = np.exp(log_joint - logsumexp(log_joint, axis=0))
        N_k = r.sum(axis=0)
        weights, means = N_k / N, np.einsum("nk,ni->ki", r, X) / N_k[:, None]
        second_moments = np.einsum("nk,ni,nj->kij", r, X, X) / N_k[:, None, None]
        covs = second_moments - np.einsum("ki,kj->kij", means, means) + reg_covar * np.eye(d)
    return weights, means, covs, np.array(history)


X_faithful = old_faithful()  # minutes
start = em.initial_gmm(X_faithful, 2, rng=3)
try:
    w_b, m_b, c_b, h_b = broken_em(X_faithful, start.weights, start.means, start.covariances)
    print(f"broken_em: weights {np.round(w_b, 4)} (sum {w_b.sum():.4f}); ℓ went from {h_b[0]:.1f} to {h_b[-1]:.1f} nats")
except np.linalg.LinAlgError as error:
    print(f"broken_em failed: {error}")

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def em_fixed(X, weights, means, covs, n_iter=10, reg_covar=1e-6):
    """EM for a Gaussian mixture from a start: (weights (K,), means (K, d), covs (K, d, d), history (n_iter + 1,))."""
    ### BEGIN SOLUTION
    N, d = X.shape
    history = []
    for t in range(n_iter + 1):
        factors = np.linalg.cholesky(covs)
        z = np.stack([solve_triangular(L, (X - m).T, lower=True) for L, m in zip(factors, means)])
        log_det = 2 * np.log(np.diagonal(factors, axis1=1, axis2=2)).sum(axis=1)
        log_joint = np.log(weights) - 0.5 * (log_det + d * np.log(2 * np.pi) + (z**2).sum(axis=1).T)
        history.append(logsumexp(log_joint, axis=1).sum())
        if t == n_iter:
            break
        # bug 1: normalised over the points (axis 0), so the weights summed to K/N; each row sums to 1 over k
        r = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
        N_k = r.sum(axis=0)
        weights, means = N_k / N, np.einsum("nk,ni->ki", r, X) / N_k[:, None]
        # bug 2: raw moments minus mu mu^T lose every digit far from the origin; centre on the new means first
        centred = X[:, None, :] - means[None, :, :]  # (N, K, d)
        covs = np.einsum("nk,nki,nkj->kij", r, centred, centred) / N_k[:, None, None] + reg_covar * np.eye(d)
    return weights, means, covs, np.array(history)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_em_fixed(em_fixed)
### BEGIN HIDDEN TESTS
checks.check_em_fixed(em_fixed, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4 — Which start ends higher? (2 points · ★★☆ · about 10 min · predict)
#
# `X_o` are 300 points of three round clusters; `start_A` and `start_B` are two starting mixtures with $K = 3$
# (equal weights, the same covariance for every component, different means). The cell below draws both starts'
# means on the data and prints their log-likelihoods.
#
# 1. **Predict first**, before you run EM: write `predicted()` returning `"A"` or `"B"`, the start from which EM
#    ends at the higher log-likelihood.
# 2. **Then measure:** write `final_log_likelihoods()` returning the pair ($\ell$ where EM from A ends, $\ell$
#    where EM from B ends), in nats, each run to convergence with `max_iter=1000, tol=1e-8`.
#
# *Think about:* an M-step moves each mean to the weighted average of the points its component is responsible
# for. Where does each start put its means relative to the clusters, and what can such steps repair?

# %%
X_o, start_A, start_B = checks.two_starts()
fig, ax = plt.subplots(figsize=(5.5, 4.5))
ax.scatter(*X_o.T, s=8, color="0.6", label="X_o")
for (name, s), marker in zip((("A", start_A), ("B", start_B)), ("o", "s")):
    ax.scatter(*s.means.T, s=90, marker=marker, facecolors="none", edgecolors="black", linewidths=2,
               label=f"start {name}'s means")
    print(f"start {name}: means {np.round(s.means, 2).tolist()}, ℓ = {em.e_step(X_o, s)[1]:.1f} nats")
ax.set_xlabel("$x_1$ (data units)")
ax.set_ylabel("$x_2$ (data units)")
ax.legend(loc="upper right", fontsize=8)
plt.show()

# %% nbgrader={"grade": false, "grade_id": "ex4_prediction", "locked": false, "schema_version": 3, "solution": true}
def predicted():
    """The start from which EM ends at the higher log-likelihood: "A" or "B"."""
    ### BEGIN SOLUTION
    # A has one mean in each cluster: each only slides to its centre. B has two means in one cluster and one
    # between the other two: one wide component ends over two clusters. B starts higher, but the start's
    # height says nothing about the hill it is on.
    return "A"
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def final_log_likelihoods():
    """(ℓ where EM from start_A ends, ℓ where EM from start_B ends), in nats."""
    ### BEGIN SOLUTION
    return tuple(em.fit_em(X_o, s, max_iter=1000, tol=1e-8).log_likelihood for s in (start_A, start_B))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_better_start(predicted, final_log_likelihoods)

# %% [markdown]
# ## What you practised
#
# | exercise | the skill | reread if it was hard |
# |---|---|---|
# | 1 | choosing a covariance type by what the data look like, and checking the choice with BIC | lesson 14, section 5; lesson 09, sections 2 and 8 |
# | 2 | counting what a model must learn: own, shared, and for a model that is not Gaussian | lesson 14, section 1; lesson 09, section 2; lesson 11 |
# | 3 | reading EM code against the formulas, and finding bugs that give wrong numbers rather than errors | lesson 14, sections 2 and 6; lessons 05 and 06 |
# | 4 | separating what EM guarantees (each run climbs) from what it does not (which run ends higher) | lesson 14, section 6; lesson 07, section 9 |
