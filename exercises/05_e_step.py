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
# In these exercises you write the E-step of EM yourself and check the two derivations of the
# lesson with numbers:
#
# 1. `logsumexp(a, axis)`, the stable $\log \sum \exp$ that everything else rests on,
# 2. `e_step(X, weights, means, covs)`: the responsibilities $r_{nk}$ and the log-likelihood,
#    correct even for points 1000 standard deviations from every component,
# 3. a numeric question: how much of a point does the **nearest** centre really get?
# 4. the Lagrange multiplier of the E-step derivation, as a number.
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
# (shape `(n, d)`); component $k$ has weight $\pi_k$ (`weights[k]`), mean $\mu_k$ (`means[k]`,
# shape `(d,)`) and covariance $\Sigma_k$ (`covs[k]`, shape `(d, d)`); components are counted
# from 0. The log-joint of point $n$ and component $k$ is
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
# ## Exercise 1 — log-sum-exp (1 point)
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
# (like `np.sum(a, axis=axis)`). Use the maximum **along `axis`** (each row's own maximum), not
# the maximum of the whole array. Entries equal to $-\infty$ (a weight $\pi_k = 0$) must work:
# $e^{-\infty} = 0$.
#
# **In:** an array `a` of any shape, an integer `axis`. **Out:** `a` with `axis` summed away.
#
# *Hint:* `m = np.max(a, axis=axis, keepdims=True)` keeps the axis so that `a - m` broadcasts;
# drop it at the end with `np.squeeze(m, axis=axis)`.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def logsumexp(a, axis):
    """log(sum(exp(a), axis)) without overflow or underflow; the summed axis is removed."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_logsumexp(logsumexp)


# %% [markdown]
# ## Exercise 2 — The E-step (3 points)
#
# Write `e_step(X, weights, means, covs)` returning the pair `(resp, log_likelihood)`:
#
# $$r_{nk} = \frac{\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)}{\sum_{j} \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j)}
# = \exp\Big(a_{nk} - \operatorname{logsumexp}_j a_{nj}\Big),
# \qquad
# \log p(X \mid \theta) = \sum_{n=1}^N \operatorname{logsumexp}_k a_{nk}.$$
#
# Never compute the densities $\mathcal N(\cdot)$ themselves: build the table $a_{nk}$ with
# `log_pdf(X, means[k], covs[k])` (one column per component) and your `logsumexp`.
#
# **In:** `X` `(n, d)`, `weights` `(k,)`, `means` `(k, d)`, `covs` `(k, d, d)`.
# **Out:** `resp` of shape `(n, k)` (one row per point, each row summing to 1) and
# `log_likelihood`, a float (the **sum** over points).
#
# *Beware* the three classic mistakes: normalising over points instead of components, returning
# the table as `(k, n)`, and forgetting the weights $\pi_k$. The check also runs your function on
# `X + 1000`, where every density underflows to 0.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def e_step(X, weights, means, covs):
    """Responsibilities (n, k) and the total log-likelihood (float) of a Gaussian mixture."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_e_step(e_step)

# %% [markdown]
# Your E-step on the setup data (not graded): the average responsibility of each component is its
# share of the points, close to the weights $(0.5, 0.3, 0.2)$; and moving the data 1000 units away
# still gives rows that sum to 1.

# %%
try:
    resp, log_lik = e_step(X, weights, means, covs)
    print(f"mean responsibility per component: {np.round(resp.mean(axis=0), 3)}  (weights {weights})")
    print(f"log-likelihood: {log_lik:.3f}   per point: {log_lik / len(X):.4f}")
    resp_far, log_lik_far = e_step(X_far, weights, means, covs)
    print(f"far points: largest |row sum - 1| = {np.abs(resp_far.sum(axis=1) - 1).max():.1e}, "
          f"log-likelihood {log_lik_far:.4g}")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — Responsibility is not "nearest centre" (1 point)
#
# Two components in one dimension with equal weights $\pi_0 = \pi_1 = \tfrac12$: a wide one,
# $\mu_0 = 0$ with variance $\sigma_0^2 = 4$, and a tight one, $\mu_1 = 3$ with variance
# $\sigma_1^2 = 0.1$. Take the point $x = 2$: it is 1 away from $\mu_1$ and 2 away from $\mu_0$, so
# k-means would give it entirely to component 1.
#
# Compute $r_1(x)$, the responsibility of the **nearer** component 1 for $x = 2$: write
# `r_nearest()` returning it as a float (compute it with code, do not round by hand).
#
# *Hint:* $\log \mathcal N(x \mid \mu, \sigma^2) = -\tfrac12 \log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}$.
# Before you compute: do you expect more or less than one half?

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def r_nearest():
    """The responsibility of component 1 (mean 3, variance 0.1) for the point x = 2, a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_r_nearest(r_nearest)

# %% [markdown]
# ## Exercise 4 — The Lagrange multiplier, as a number (1 point)
#
# The lesson derived the E-step a second way: for one point, maximise the lower-bound term
# $\sum_k q_k (a_k - \log q_k)$ over distributions $q$ with the Lagrangian
#
# $$\Lambda(q, \lambda) = \sum_{k} q_k\,(a_k - \log q_k) + \lambda\Big(\sum_{k} q_k - 1\Big).$$
#
# Setting $\partial \Lambda / \partial q_k = 0$ gives $q_k$ in terms of $\lambda$ and $a_k$; the
# constraint $\sum_k q_k = 1$ then fixes $\lambda$ in terms of $p(x \mid \theta)$. Do this
# derivation on paper, then write `multiplier()` returning the value of $\lambda$ at the optimum for the
# mixture and point of exercise 3 ($x = 2$), as a float.
#
# *Check yourself:* with your $\lambda$, $q_k = e^{\lambda - 1 + a_k}$ should be the responsibility of
# exercise 3.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def multiplier():
    """The Lagrange multiplier lambda at the optimum of the E-step Lagrangian, for x = 2; a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_multiplier(multiplier)

# %% [markdown]
# ## What you built
#
# Your `e_step` is the first half of EM, and it is exactly what `coursepkg.em.e_step` computes: you
# can compare them yourself on `X` (pass `GMM(weights, means, covs)` to the package's version).
# Exercise 3 is the reason EM beats k-means on clusters of different sizes: responsibility weighs
# the whole density, not the distance alone. Exercise 4 shows that the multiplier carries
# $\log p(x)$, the very quantity your E-step also returns. In lesson 06 you write the M-step that
# turns your responsibilities back into parameters.
