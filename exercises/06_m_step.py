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
# # Exercises 06 — The M-step: new parameters from the responsibilities
#
# In these exercises you write the M-step of EM and verify its derivation without calculus:
#
# 1. `m_step(X, resp, reg_covar)`: weights, means and covariances from the responsibilities,
# 2. `Q(X, resp, weights, means, covs)`: the expected complete-data log-likelihood the M-step maximises,
# 3. `max_fd_gradient(...)`: finite differences show that the gradient of $Q$ vanishes at your update,
# 4. the singularity: the log-likelihood term of a component sitting on one data point,
# 5. a number: how fast that term grows as the component's variance shrinks.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy (and `log_pdf`, imported in the setup cell); the checks notice if you
# call the `coursepkg` function you are asked to write.
#
# The lesson these exercises follow: [06 — The M-step](../notebooks/06_m_step.ipynb).
#
# Notation (as in the lesson): `X` has shape `(n, d)`; `resp` has shape `(n, k)` with
# `resp[i, j]` $= r_{ij}$ and rows summing to 1; the effective number of points of component $k$
# is $N_k = \sum_n r_{nk}$.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg import em
from coursepkg.checks import lesson06 as checks
from coursepkg.datasets import make_synthetic
from coursepkg.gaussian import log_pdf  # log N(x_n | mean, cov) for each row of X: (n, d), (d,), (d, d) -> (n,)

X, _ = make_synthetic("overlapping", n=300, rng=0)  # 300 points in 2-D from 3 overlapping components
start = em.initial_gmm(X, 3, rng=np.random.default_rng(0))  # a rough first guess
resp, _ = em.e_step(X, start)  # fixed responsibilities for the whole notebook, shape (300, 3)
print(f"X: {X.shape}, resp: {resp.shape}, N_k = {np.round(resp.sum(axis=0), 2)}")

# %% [markdown]
# ## Exercise 1 — The M-step (3 points)
#
# Given the responsibilities, the parameters that maximise $Q$ are
#
# $$\pi_k = \frac{N_k}{n}, \qquad
# \mu_k = \frac{1}{N_k}\sum_{n} r_{nk}\, x_n, \qquad
# \Sigma_k = \frac{1}{N_k}\sum_{n} r_{nk}\,(x_n - \mu_k)(x_n - \mu_k)^\top + \varepsilon I,$$
#
# where $\varepsilon$ is `reg_covar`, a small floor that keeps every covariance invertible (a
# component resting on a single point would otherwise get $\Sigma_k = 0$).
#
# Write `m_step(X, resp, reg_covar)` returning the tuple `(weights, means, covs)`.
#
# **In:** `X` `(n, d)`, `resp` `(n, k)`, `reg_covar` a float $\ge 0$.
# **Out:** `weights` `(k,)`, `means` `(k, d)`, `covs` `(k, d, d)`.
#
# *Hints:* `resp.sum(axis=0)` gives the $N_k$ (a sum over **points**); `resp.T @ X` gives all
# weighted sums $\sum_n r_{nk} x_n$ at once. For $\Sigma_k$, centre first (`diff = X - means[k]`) and
# then weight the rows: `(resp[:, k, None] * diff).T @ diff`. Do not use
# $\overline{x x^\top} - \mu\mu^\top$: it loses all precision when the data sit far from the origin.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def m_step(X, resp, reg_covar=1e-6):
    """Weights (k,), means (k, d) and covariances (k, d, d) that maximise Q for fixed responsibilities."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_m_step(m_step)

# %% [markdown]
# Your M-step against the course's `em.m_step` on the setup data (not graded):

# %%
try:
    weights_new, means_new, covs_new = m_step(X, resp, 1e-6)
    reference = em.m_step(X, resp, reg_covar=1e-6)
    print("weights:", np.round(weights_new, 4))
    for name, mine, ref in [
        ("weights", weights_new, reference.weights),
        ("means", means_new, reference.means),
        ("covariances", covs_new, reference.covariances),
    ]:
        print(f"largest difference from em.m_step, {name:11s}: {np.max(np.abs(mine - ref)):.1e}")
except NotImplementedError:
    print("Finish exercise 1 first.")

# %% [markdown]
# ## Exercise 2 — The objective $Q$ (1 point)
#
# The M-step maximises the expected complete-data log-likelihood
#
# $$Q(\theta) = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk}\,\big(\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)\big)$$
#
# with the responsibilities $r_{nk}$ held fixed. Write `Q(X, resp, weights, means, covs)` returning
# it as a float. Use `log_pdf` for $\log \mathcal N$ (never the log of a pdf value).
#
# *Not the same as:* the log-likelihood $\sum_n \log \sum_k \pi_k \mathcal N(\cdot)$ (log of a sum), nor the
# lower bound of lesson 04, which adds the entropy $-\sum r \log r$.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def Q(X, resp, weights, means, covs):
    """sum_n sum_k r_nk (log pi_k + log N(x_n | mu_k, Sigma_k)), a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_Q(Q)


# %% [markdown]
# ## Exercise 3 — The gradient of $Q$ vanishes at the update (2 points)
#
# Check the derivation numerically. The central finite difference
# $\frac{f(t + h) - f(t - h)}{2h}$ estimates the derivative of $f = Q/n$ with respect to one parameter
# $t$ (all others fixed), with an error of order $h^2$. Write
# `max_fd_gradient(X, resp, weights, means, covs, h)` returning the largest absolute value of these
# estimates over **all** parameters:
#
# - each coordinate `means[k, a]`;
# - each covariance entry `covs[k, a, b]` with $a \le b$, moving `covs[k, a, b]` and `covs[k, b, a]`
#   **together** so that the matrix stays symmetric;
# - each weight `weights[k]`. The weights must sum to 1, so at the optimum it is the gradient of the
#   Lagrangian $Q + \nu(1 - \sum_k \pi_k)$ that vanishes, with $\nu = N$ (lesson 06, section 3).
#   For the weights use $\frac{\partial (Q/n)}{\partial \pi_k} - 1$.
#
# Work on copies of the arrays (`weights.copy()` etc.) and put each parameter back after moving it.
# The check calls your function at the M-step update with `reg_covar = 0` (where the result should be
# zero up to the finite-difference error) and at a starting point (where it is of order one).

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def max_fd_gradient(X, resp, weights, means, covs, h=1e-5):
    """Largest |central finite-difference derivative| of Q/n (Lagrangian for the weights), a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_max_fd_gradient(max_fd_gradient)

# %% [markdown]
# The same check on the setup data (not graded): the gradient is zero at your update and of
# order one at the start, and $Q$ went up.

# %%
try:
    update = m_step(X, resp, 0.0)
    theta_start = (start.weights, start.means, start.covariances)
    print(f"max |gradient of Q/n| at the M-step update: {max_fd_gradient(X, resp, *update):.1e}")
    print(f"max |gradient of Q/n| at the start:         {max_fd_gradient(X, resp, *theta_start):.1e}")
    print(f"Q at the start {Q(X, resp, *theta_start):.3f}  ->  Q at the update {Q(X, resp, *update):.3f}")
except NotImplementedError:
    print("Finish exercises 1-3 first.")

# %% [markdown]
# ## Exercise 4 — A component on a single point (1 point)
#
# Put the mean of a 1-D component with weight $w$ exactly on a data point $x_m$ and give it variance $s$.
# That point's contribution to the log-likelihood contains the term
# $\log\big(w\, \mathcal N(x_m \mid x_m, s)\big)$. Write `spike_log_term(s, weight)` returning this
# term as a float. Simplify the density at its own mean on paper first; the check evaluates your
# function down to $s = 10^{-300}$.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def spike_log_term(s, weight):
    """log(weight * N(x | x, s)) for a 1-D Gaussian with variance s evaluated at its own mean."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_spike_log_term(spike_log_term)


# %% [markdown]
# ## Exercise 5 — How fast does it grow? (1 point)
#
# Every other point keeps a finite density from the other components, so as $s \to 0$ the
# log-likelihood grows exactly like your term. By how many nats does it rise each time the
# variance $s$ shrinks by a factor of 10? Write `rise_per_decade()` returning the number (use your
# `spike_log_term` or derive it). This is why maximum likelihood needs `reg_covar`: the rise never
# stops.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def rise_per_decade():
    """Increase of log(w N(x | x, s)) when s is divided by 10, in nats (a float)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_rise_per_decade(rise_per_decade)

# %% [markdown]
# ## What you built
#
# `m_step` is the second half of EM; with your `e_step` from exercises 05 it makes the whole
# algorithm, which you assemble in exercises 07. Exercise 3 is the numerical proof that the closed-form
# update is a stationary point of $Q$ (the lesson shows it is the maximum), and exercises 4–5 show
# why the likelihood has no maximum at all without a floor such as `reg_covar`: with it, no
# covariance has an eigenvalue below $\varepsilon$ and the spike term stays below
# $\log w - \frac12 \log(2\pi\varepsilon)$.
