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
# # Exercises 05 — The E-step: responsibilities that never turn into NaN
#
# In these exercises you write the E-step of EM yourself, then use it to reason about
# responsibilities before you compute them:
#
# 1. `logsumexp(a, axis)`, the stable $\log \sum \exp$ that everything else rests on;
# 2. `e_step(X, weights, means, covs)`: the responsibilities $r_{nk}$ and the log-likelihood,
#    correct even for points 1000 standard deviations from every component;
# 3. a prediction: what happens to a point's responsibility when one weight doubles? You derive the
#    answer as a formula, then measure it with your E-step;
# 4. a decision: where to put a tight component so that a point nearer to it still belongs to the
#    other one.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (write a
# function), *derive* (work a formula out on paper, then code it), *predict* (commit to an answer
# before you measure it) or *decide* (choose a value that does what is asked; the check measures it).
# All four take about 65 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy (and `log_pdf`, imported in the setup cell); the checks notice if you
# call the `coursepkg` function you are asked to write.
#
# The lesson these exercises follow: [05 — The E-step](../notebooks/05_e_step.ipynb).
#
# Notation (as in the lesson): points $x_1, \dots, x_N \in \mathbb{R}^d$ are the rows of `X`
# (shape `(N, d)`); component $k = 1, \dots, K$ has weight $\pi_k$, mean $\mu_k$ and covariance $\Sigma_k$.
# The text counts components from 1, Python from 0: component $k$ is `weights[k - 1]`,
# `means[k - 1]` (shape `(d,)`) and `covs[k - 1]` (shape `(d, d)`), and column `k - 1` of the
# responsibilities. The log-joint of point $n$ and component $k$ is
#
# $$a_{nk} = \log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k) = \log p(x_n, z_n = k \mid \theta).$$

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg.checks import lesson05 as checks
from coursepkg.gaussian import log_pdf  # log N(x_n | mean, cov) for each row of X: (n, d), (d,), (d, d) -> (n,)

# a 3-component mixture in 2-D (weights, means, covariances) and 200 points drawn from it
weights = np.array([0.5, 0.3, 0.2])
means = np.array([[0.0, 0.0], [3.0, 0.5], [0.5, 3.0]])
covs = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.6], [0.6, 0.8]], [[0.4, 0.0], [0.0, 0.4]]])
rng = np.random.default_rng(5)
z = rng.choice(3, size=200, p=weights)
X = means[z] + np.einsum("nij,nj->ni", np.linalg.cholesky(covs)[z], rng.normal(size=(200, 2)))
X_far = X + 1000.0  # the same points moved 1000 standard deviations away
print(f"X has shape {X.shape}; true component counts: {np.bincount(z)}")

# %% [markdown]
# ## Exercise 1 — log-sum-exp (1 point · ★☆☆ · about 10 min · implement)
#
# The E-step divides by $p(x_n) = \sum_k e^{a_{nk}}$. In floating point $e^{-1000} = 0$ and
# $e^{1000} = \infty$, so the sum cannot be formed directly. For any number $m$,
#
# $$\log \sum_k e^{a_k} = m + \log \sum_k e^{a_k - m},$$
#
# and with $m = \max_k a_k$ the largest term is $e^0 = 1$: the sum lies between 1 and $K$, so it
# can neither underflow nor overflow.
#
# Write `logsumexp(a, axis)` returning $\log \sum \exp(a)$ along `axis`, with that axis removed
# (as a sum along `axis` removes it). Entries equal to $-\infty$ (a weight $\pi_k = 0$) must work:
# $e^{-\infty} = 0$. So must a row in which **every** entry is $-\infty$: its sum is 0 and its answer is
# $\log 0 = -\infty$ (never NaN).
#
# **In:** an array `a` of any shape, an integer `axis`. **Out:** `a` with `axis` summed away.
#
# *Think about:* whose maximum is $m$? A row far below the others needs its own. What shape must
# $m$ have so that $a - m$ subtracts each row's maximum from that row, and what shape must the answer
# have at the end? And which $m$ works for a row whose maximum is itself $-\infty$?

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def logsumexp(a, axis):
    """log(sum(exp(a), axis)) without overflow or underflow; the summed axis is removed."""
    ### BEGIN SOLUTION
    a_max = np.max(a, axis=axis, keepdims=True)  # each row's own maximum
    a_max = np.where(np.isfinite(a_max), a_max, 0.0)  # a row of -inf: any finite m will do (its sum is 0)
    total = np.sum(np.exp(a - a_max), axis=axis, keepdims=True)  # between 1 and a.shape[axis], or 0 on such a row
    with np.errstate(divide="ignore"):  # log 0 = -inf is the right answer for a row of -inf
        return np.squeeze(a_max + np.log(total), axis=axis)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_logsumexp(logsumexp)
checks.check_logsumexp_minus_inf_rows(logsumexp)
### BEGIN HIDDEN TESTS
checks.check_logsumexp(logsumexp, hidden=True)
checks.check_logsumexp_minus_inf_rows(logsumexp, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2 — The E-step (3 points · ★★☆ · about 20 min · implement)
#
# Write `e_step(X, weights, means, covs)` returning the pair `(resp, log_likelihood)`:
#
# $$r_{nk} = \frac{\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)}{\sum_{j} \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j)}
# = \exp\Big(a_{nk} - \operatorname{logsumexp}_j a_{nj}\Big),
# \qquad
# \log p(X \mid \theta) = \sum_{n=1}^N \operatorname{logsumexp}_k a_{nk}.$$
#
# Never compute the densities $\mathcal N(\cdot)$ themselves: stay in log space from the table
# $a_{nk}$ (one column per component, from `log_pdf`) to the end, with your `logsumexp`.
#
# **In:** `X` `(N, d)`, `weights` `(K,)`, `means` `(K, d)`, `covs` `(K, d, d)`.
# **Out:** `resp` of shape `(N, K)` (one row per point, each row summing to 1) and
# `log_likelihood`, a float (the **sum** over points).
#
# *Beware* the three classic mistakes: normalising over points instead of components, returning
# the table as `(K, N)`, and forgetting the weights $\pi_k$. The check also runs your function on
# `X + 1000`, where every density underflows to 0.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def e_step(X, weights, means, covs):
    """Responsibilities (n, k) and the total log-likelihood (float) of a Gaussian mixture."""
    ### BEGIN SOLUTION
    log_joint = np.column_stack(
        [np.log(weights[k]) + log_pdf(X, means[k], covs[k]) for k in range(len(weights))]
    )  # a_nk, shape (n, k)
    log_px = logsumexp(log_joint, axis=1)  # log p(x_n), shape (n,)
    resp = np.exp(log_joint - log_px[:, None])
    return resp, float(np.sum(log_px))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_e_step(e_step)
### BEGIN HIDDEN TESTS
checks.check_e_step(e_step, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your E-step on the setup data (not graded): the average responsibility of each component is its
# share of the points, close to the weights $(0.5, 0.3, 0.2)$; and moving the data 1000 units away
# still gives rows that sum to 1.

# %%
try:
    resp, log_lik = e_step(X, weights, means, covs)
    if np.shape(resp) != (len(X), len(weights)):
        print(f"resp has shape {np.shape(resp)}, expected {(len(X), len(weights))}: see the check above.")
    else:
        print(f"mean responsibility per component: {np.round(resp.mean(axis=0), 3)}  (weights {weights})")
        print(f"log-likelihood: {log_lik:.3f}   per point: {log_lik / len(X):.4f}")
        resp_far, log_lik_far = e_step(X_far, weights, means, covs)
        print(f"far points: largest |row sum - 1| = {np.abs(resp_far.sum(axis=1) - 1).max():.1e}, "
              f"log-likelihood {log_lik_far:.4g}")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — Double a weight, predict the responsibility (1 point · ★★☆ · about 15 min · predict)
#
# A point $x_n$ has responsibility $r = r_{nj}$ for component $j$. Now double that component's weight,
# $\pi_j \to 2\pi_j$, leave the other weights as they are and divide all of them by their new sum
# ($1 + \pi_j$) so that they sum to 1 again. Means and covariances do not change.
#
# **Predict** the new responsibility $r'$ of component $j$ for the same point. Work it out on paper from
# Bayes' rule: write $r'$ with the new weights, and see which factors cancel. The answer depends on
# $r$ alone (not on $\pi_j$, the densities or the other components). Then write `r_after_doubling(r)`
# returning your $r'$ as a float.
#
# *Before you derive:* is $r'$ simply $2r$? What happens for $r = 0.9$? And for $r = 0$ or $r = 1$?
#
# The cell after the check measures it: it runs **your** E-step on the setup data before and after
# doubling the weight of component 3 (`weights[2]` in Python) and compares with your prediction.
# The check does the same measurement with its own E-step.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def r_after_doubling(r):
    """The responsibility of component j for a point after pi_j is doubled (weights renormalised), from r."""
    ### BEGIN SOLUTION
    # r' = 2 pi_j N_j / (2 pi_j N_j + sum_{i != j} pi_i N_i)   (the factor 1 / (1 + pi_j) cancels);
    # divide numerator and denominator by p(x) = sum_i pi_i N_i:  r' = 2r / (2r + (1 - r)) = 2r / (1 + r)
    return float(2 * r / (1 + r))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_r_after_doubling(r_after_doubling)
### BEGIN HIDDEN TESTS
checks.check_r_after_doubling(r_after_doubling, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The measurement with your own functions (not graded): component 3's responsibilities before and after
# its weight doubles, against your prediction point by point.

# %%
try:
    doubled = weights.copy()
    doubled[2] *= 2  # component 3 (Python index 2)
    r_before = e_step(X, weights, means, covs)[0][:, 2]
    r_measured = e_step(X, doubled / doubled.sum(), means, covs)[0][:, 2]
    r_predicted = np.array([r_after_doubling(r) for r in r_before])
    print(f"largest |prediction - measurement| over {len(X)} points: {np.abs(r_predicted - r_measured).max():.1e}")
    print(f"a point with r = {r_before[0]:.4f} moves to r' = {r_measured[0]:.4f} (not {2 * r_before[0]:.4f})")
except NotImplementedError:
    print("Finish exercises 1-3 first.")

# %% [markdown]
# ## Exercise 4 — The nearer centre loses (1 point · ★★☆ · about 20 min · decide)
#
# Two components in one dimension with equal weights $\pi_1 = \pi_2 = \tfrac12$: a wide one, $\mu_1 = 0$
# with variance $\sigma_1^2 = 4$, and a tight one with variance $\sigma_2^2 = 0.1$ whose mean $\mu_2$ **you
# choose**. Look at the point $x = 2$.
#
# **Decide** where to put $\mu_2$ so that
#
# - $x = 2$ is **nearer** to $\mu_2$ than to $\mu_1$ ($|2 - \mu_2| < 2$: k-means would give it to
#   component 2), and yet
# - component 1 takes between 99% and 99.9% of it: $0.99 \le r_1(2) \le 0.999$.
#
# Write `place_mu_2()` returning your $\mu_2$ as a float. The check measures $r_1(2)$ for your mean.
#
# *Think about:* $r_1 = 0.99$ means $a_1 - a_2 = \log 99$. Which terms of $a_k = \log \pi_k + \log \mathcal N(2 \mid \mu_k, \sigma_k^2)$
# depend on $\mu_2$, and which do not cancel between the two components? Lesson 05, section 6 ("Tight
# against wide") found the distance at which a tight and a wide component swap places; here you need
# more than the crossover, a margin of at least 99 to 1. Solve on paper, or search numerically with
# your own code.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def place_mu_2():
    """A mean of the tight component nearer to x = 2 than 0 is, with 0.99 <= r_1(2) <= 0.999; a float."""
    ### BEGIN SOLUTION
    # a_1 - a_2 = -1/2 log(2 pi 4) - 4/8 + 1/2 log(2 pi 0.1) + (2 - mu_2)^2 / 0.2  (the log 1/2 cancel)
    #           = -1/2 log 40 - 1/2 + (2 - mu_2)^2 / 0.2;  r_1 = 0.99 <=> a_1 - a_2 = log 99, r_1 = 0.999 <=> log 999
    def distance(odds):
        return np.sqrt(0.2 * (np.log(odds) + 0.5 * np.log(40) + 0.5))

    return float(2 + (distance(99) + distance(999)) / 2)  # halfway between the two distances, about 3.27
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_place_mu_2(place_mu_2)

# %% [markdown]
# ## What you practised
#
# - **log-sum-exp** (exercise 1): shifting by each row's own maximum so that nothing overflows or
#   underflows, and handling the edge cases (entries of $-\infty$, a whole row of them). If it was hard,
#   reread lesson 05, sections 4 and 5.
# - **The E-step in log space** (exercise 2): Bayes' rule for every point and component, normalised over
#   components, never forming a density. Reread sections 2 and 5. Your `e_step` is what
#   `coursepkg.em.e_step` computes; in lesson 06 you write the M-step that turns it back into parameters.
# - **Predicting from Bayes' rule** (exercise 3): following one change of a parameter through numerator
#   and normaliser until the result depends on the responsibility alone, then testing the prediction
#   against a measurement. Reread section 7 (unequal weights).
# - **Deciding with densities, not distances** (exercise 4): comparing log-joints term by term, including
#   the normalising constants, to place a component where a given share comes out. Reread section 6
#   ("Tight against wide").
