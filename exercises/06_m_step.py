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
# In these exercises you write the M-step of EM, then derive the steps the lesson left to you and
# check each derivation against numbers:
#
# 1. `m_step(X, resp, reg_covar)`: weights, means and covariances from the responsibilities;
# 2. `Q(X, resp, weights, means, covs)`: the expected complete-data log-likelihood the M-step maximises;
# 3. the gradient of $Q$ with respect to the Cholesky factor $L_k$ of a covariance, $\Sigma_k = L_k L_k^\top$ (what a
#    gradient-based optimiser moves), by a chain rule the lesson did not do, verified by finite differences
#    on your own $Q$;
# 4. the weights when a prior keeps them away from zero, and the Lagrange multiplier you derive for them;
# 5. a prediction: how fast the log-likelihood of a collapsing component grows in $d$ dimensions;
# 6. a decision: a `reg_covar`, no larger than 1% of the data's variance, that stops a collapsed component
#    from beating an honest fit.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (write a
# function), *derive* (work a formula out on paper, then code it), *predict* (commit to an answer
# before you measure it) or *decide* (choose a value that does what is asked; the check measures it).
# All six take about 95 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy (and `log_pdf`, imported in the setup cell); the checks notice if you
# call the `coursepkg` function you are asked to write.
#
# The lesson these exercises follow: [06 — The M-step](../notebooks/06_m_step.ipynb).
#
# Notation (as in the lesson): $N$ points $x_n$, the rows of `X` (shape `(N, d)`); $K$ components; `resp`
# has shape `(N, K)` with rows summing to 1, and $r_{nk}$ is `resp[n - 1, k - 1]`: the text counts points
# and components from 1, Python from 0. The effective number of points of component $k$ is
# $N_k = \sum_n r_{nk}$, and $\sum_k N_k = N$.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg import em
from coursepkg.checks import lesson06 as checks
from coursepkg.datasets import make_synthetic
from coursepkg.gaussian import log_pdf  # log N(x_n | mean, cov) for each row of X: (N, d), (d,), (d, d) -> (N,)

X, _ = make_synthetic("overlapping", n=300, rng=0)  # 300 points in 2-D from 3 overlapping components
start = em.initial_gmm(X, 3, rng=np.random.default_rng(0))  # a rough first guess
resp, _ = em.e_step(X, start)  # fixed responsibilities for the whole notebook, shape (300, 3)
print(f"X: {X.shape}, resp: {resp.shape}, N_k = {np.round(resp.sum(axis=0), 2)}")

# %% [markdown]
# ## Exercise 1 — The M-step (3 points · ★★☆ · about 20 min · implement)
#
# Given the responsibilities, the parameters that maximise $Q$ are
#
# $$\pi_k = \frac{N_k}{N}, \qquad
# \mu_k = \frac{1}{N_k}\sum_{n} r_{nk}\, x_n, \qquad
# \Sigma_k = \frac{1}{N_k}\sum_{n} r_{nk}\,(x_n - \mu_k)(x_n - \mu_k)^\top + \varepsilon I,$$
#
# where $\varepsilon$ is `reg_covar`, a small floor that keeps every covariance invertible (a
# component resting on a single point would otherwise get $\Sigma_k = 0$).
#
# Write `m_step(X, resp, reg_covar)` returning the tuple `(weights, means, covs)`.
#
# **In:** `X` `(N, d)`, `resp` `(N, K)`, `reg_covar` a float $\ge 0$.
# **Out:** `weights` `(K,)`, `means` `(K, d)`, `covs` `(K, d, d)`.
#
# *Think about:* $N_k$ is a sum over **points**: which axis of `resp` is that? All $K$ weighted sums
# $\sum_n r_{nk} x_n$ are one matrix product: of which two arrays, with what shapes? For $\Sigma_k$, each
# outer product $(x_n - \mu_k)(x_n - \mu_k)^\top$ carries its own weight $r_{nk}$; a loop over the $K$
# components is fine. Centre before you multiply: $\overline{x x^\top} - \mu\mu^\top$ loses all precision
# when the data sit far from the origin (lesson 06, section 10), and the check shifts the data by $10^8$.
# The floor goes on the diagonal only.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def m_step(X, resp, reg_covar=1e-6):
    """Weights (K,), means (K, d) and covariances (K, d, d) that maximise Q for fixed responsibilities."""
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
# ## Exercise 2 — The objective $Q$ (1 point · ★☆☆ · about 10 min · implement)
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
checks.check_q(Q)


# %% [markdown]
# ## Exercise 3 — The gradient an optimiser needs: through a Cholesky factor (2 points · ★★★ · about 25 min · derive)
#
# Lesson 06 found the update by setting gradients to zero, and section 6 checked the gradient in the
# covariance, $G_k = \partial Q / \partial \Sigma_k$ (each entry moved on its own), also away from the optimum. When
# there is no closed form (a prior on the covariances, a model trained by gradient steps) an optimiser has
# to follow the gradient, and a step along $G_k$ can leave the positive-definite matrices. So it moves a
# **lower-triangular** matrix $L_k$ instead and uses $\Sigma_k = L_k L_k^\top$, a valid covariance whatever the
# entries of $L_k$ are (with a nonzero diagonal): the Cholesky factor.
#
# **Derive** $\dfrac{\partial Q}{\partial L_k}$: the $d \times d$ matrix whose entry $(a, b)$ with $a \ge b$ is the partial
# derivative of $Q$ with respect to $(L_k)_{ab}$, and 0 above the diagonal (those entries of $L_k$ are not
# parameters). Then write `dq_dchol(X, resp, means, chols, j)` returning it for the component with
# **Python index** `j` (component $j + 1$ in the text); `chols[j]` is $L_j$.
#
# **In:** `X` `(N, d)`, `resp` `(N, K)`, `means` `(K, d)`, `chols` `(K, d, d)` (lower-triangular), an integer `j`.
# **Out:** an array of shape `(d, d)`, zero above the diagonal.
#
# *Think about:* take $G_j$ from the lesson, at the **given** mean (about which mean is its scatter taken
# when $\mu_j$ is not the weighted average?). When $L_j$ moves by a small $dL$, how does $\Sigma_j$ move, to first
# order, and how many times does $L_j$ appear in $L_j L_j^\top$? Write the change of $Q$ as a sum over the
# entries of $d\Sigma$, then rewrite it as a sum over the entries of $dL$: the coefficients are your answer.
# Which convention for $G_j$ does that sum need: each entry of $\Sigma_j$ on its own, or $\Sigma_{ab}$ and $\Sigma_{ba}$
# moved together?
#
# *Check yourself:* for $d = 1$, $L = \sigma$ and $\Sigma = \sigma^2$: what must your matrix reduce to?
#
# The check compares your matrix with the reference at rough starting parameters (where it is not zero)
# and names the usual slips of this derivation. The cell after it compares your formula with central
# finite differences of **your own** `Q` from exercise 2, moving one entry of $L_j$ at a time.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def dq_dchol(X, resp, means, chols, j):
    """dQ / dL_j for Sigma_j = L_j L_j^T: the (d, d) partial derivatives in the entries of L_j, 0 above the diagonal."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_dq_dchol(dq_dchol)

# %% [markdown]
# Your derivation against finite differences of your own $Q$ (not graded): each entry $(L_j)_{ab}$ with $a \ge b$
# moves by $\pm h$ on its own, and $\Sigma_j = L_j L_j^\top$ follows.

# %%
try:
    theta = (start.weights, start.means, np.linalg.cholesky(start.covariances))
    h = 1e-6
    for j in range(3):
        G = np.asarray(dq_dchol(X, resp, theta[1], theta[2], j))
        fd = np.zeros((2, 2))
        for a in range(2):
            for b in range(a + 1):
                moved = []
                for step in (h, -h):
                    chols_moved = theta[2].copy()
                    chols_moved[j, a, b] += step
                    covs_moved = np.array([Lk @ Lk.T for Lk in chols_moved])
                    moved.append(Q(X, resp, theta[0], theta[1], covs_moved))
                fd[a, b] = (moved[0] - moved[1]) / (2 * h)
        print(f"component {j + 1}: largest |finite difference - your formula| = {np.abs(fd - G).max():.1e}"
              f"   (largest entry {np.abs(G).max():.3g})")
except NotImplementedError:
    print("Finish exercises 2 and 3 first.")

# %% [markdown]
# ## Exercise 4 — Weights that never reach zero: a prior and its multiplier (1 point · ★★☆ · about 15 min · derive)
#
# Section 3 of the lesson maximised $\sum_k N_k \log \pi_k$ under $\sum_k \pi_k = 1$ and found the multiplier
# $\nu = N$ and $\pi_k = N_k / N$. A component with $N_k = 0$ then gets weight 0 and drops out of the model for
# good. A common remedy is a prior on the weights (a symmetric Dirichlet prior with parameter
# $\alpha \ge 1$): maximising the posterior instead of the likelihood adds $(\alpha - 1) \sum_k \log \pi_k$ to $Q$,
# so the weights now maximise
#
# $$\sum_{k=1}^K (N_k + \alpha - 1) \log \pi_k \quad \text{subject to} \quad \sum_{k=1}^K \pi_k = 1 .$$
#
# Derive the maximiser with a Lagrange multiplier $\nu$, as the lesson did: find $\pi_k$ in terms of $\nu$,
# then $\nu$ from the constraint (remember $\sum_k N_k = N$). Write `map_weights(Nk, alpha)` returning the pair
# `(weights, nu)`: the weights `(K,)` for the effective counts `Nk` `(K,)` and a float `alpha`, and the value
# of the multiplier $\nu$ (a float) at the maximum, with the lesson's sign: the Lagrangian adds
# $\nu\,(1 - \sum_k \pi_k)$.
#
# *Check yourself:* what must your formula give for $\alpha = 1$? And for an empty component ($N_k = 0$)
# with $\alpha = 3$? Does it hold for any number of components $K$, not only the notebook's three?

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def map_weights(Nk, alpha):
    """The weights (K,) maximising sum_k (N_k + alpha - 1) log pi_k on the simplex, and the multiplier nu."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_map_weights(map_weights)


# %% [markdown]
# ## Exercise 5 — How fast does a collapsing component win? (1 point · ★☆☆ · about 10 min · predict)
#
# Lesson 06, section 11 put a 1-D component on a single data point and shrank its standard deviation
# $\sigma$: the log-likelihood grew by $\log 10$ nats for every factor 10 in $\sigma$, without bound. Now take
# $d$ dimensions: a component with mean exactly on a data point $x_m$ and covariance $\Sigma = \sigma^2 I$
# (the identity matrix $I$ is $d \times d$), the other components broad and fixed.
#
# **Predict** by how many nats the log-likelihood rises each time $\sigma$ shrinks by a factor of 10, once
# $\sigma$ is far below the distance to every other point. Work it out from the log-density at its own
# mean, $\log \mathcal N(x_m \mid x_m, \sigma^2 I)$: what is $|\sigma^2 I|$? Write `rise_per_decade(d)` returning your
# prediction as a float, for any dimension `d`.
#
# The check measures the rise (a mixture with one component on a data point, $\sigma$ going from $10^{-8}$ to
# $10^{-9}$) in several dimensions and compares it with your prediction; the cell after it does the same
# measurement with `log_pdf` for you to see.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def rise_per_decade(d):
    """Rise of the log-likelihood, in nats, when sigma (Sigma = sigma^2 I in d dimensions) shrinks tenfold."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_rise_per_decade(rise_per_decade)

# %% [markdown]
# The measurement (not graded): the 300 setup points, the three components of the update with weights
# scaled by 0.9, and a fourth component of weight 0.1 on the first point, $\Sigma_4 = \sigma^2 I$.

# %%
try:
    w3, m3, c3 = m_step(X, resp, 0.0)

    def log_lik(sigma):
        columns = [np.log(0.9 * w3[k]) + log_pdf(X, m3[k], c3[k]) for k in range(3)]
        columns.append(np.log(0.1) + log_pdf(X, X[0], sigma**2 * np.eye(2)))
        return float(np.sum(np.logaddexp.reduce(np.column_stack(columns), axis=1)))

    rises = [log_lik(s / 10) - log_lik(s) for s in (1e-4, 1e-6, 1e-8)]
    print(f"measured rise per factor 10 in sigma: {np.round(rises, 6)} nats; your prediction "
          f"{rise_per_decade(2):.6f}")
except NotImplementedError:
    print("Finish exercises 1 and 5 first.")

# %% [markdown]
# The rise never stops: only a floor such as `reg_covar` does. With $\Sigma_k \succeq \varepsilon I$ the spike's own
# term is at most $\log \pi_k - \frac d2 \log(2\pi\varepsilon)$, so the floor you choose caps how much a collapsed
# component can gain.
#
# ## Exercise 6 — A floor that stops the collapse (1 point · ★★☆ · about 15 min · decide)
#
# Fifty numbers drawn from a standard normal distribution (the cell below makes them) are fitted two ways,
# both with a floor $\varepsilon$ = `reg_covar` added to every variance:
#
# - **honest**: one Gaussian with the sample mean $\bar x$ and variance $s^2$ (`x_floor.var()`), variance
#   $s^2 + \varepsilon$, weight 1;
# - **collapsed**: the same Gaussian with weight $1 - 1/N$, plus a second component of weight $1/N$ sitting on
#   the largest point $x_m$ with variance $0 + \varepsilon$ (the variance it collapsed to, plus the floor).
#
# **Decide** how large the floor must be: write `choose_reg_covar()` returning an $\varepsilon$ for which the
# collapsed fit's log-likelihood is **not above** the honest one's, while $\varepsilon \le 0.01\, s^2$ (a floor
# that barely changes the honest fit). Any floor in that range passes, from the one where the two fits tie up to
# $0.01\, s^2$; the check measures both log-likelihoods with your $\varepsilon$.
#
# *Think about:* does the default `reg_covar = 1e-6` do it? Exercise 5 says how the collapsed fit's
# log-likelihood moves with the floor; what does the second component cost the other 49 points, and what
# does it gain at $x_m$? A back-of-the-envelope tie point is a good start, but the density the honest
# component still gives $x_m$ inside the collapsed mixture is not negligible here: measure with `log_pdf`
# before you commit.

# %%
x_floor = np.random.default_rng(6).normal(size=50)  # the 50 numbers; x_m is x_floor.max()
print(f"N = {len(x_floor)}, sample mean {x_floor.mean():.4f}, variance s^2 = {x_floor.var():.4f}, "
      f"x_m = {x_floor.max():.4f}")

# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def choose_reg_covar():
    """A floor eps <= 0.01 s^2 for which the collapsed fit does not beat the honest one; a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex6_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_choose_reg_covar(choose_reg_covar)

# %% [markdown]
# ## What you practised
#
# - **The M-step** (exercise 1): weighted counts, weighted means and centred weighted scatters, with a
#   floor on the diagonal, and code that stays accurate far from the origin. Reread lesson 06, sections 3
#   to 5, and section 10 (centre before you square).
# - **The objective $Q$** (exercise 2): which quantity the M-step maximises, and how it differs from the
#   log-likelihood and the lower bound. Reread sections 1 and 2.
# - **Matrix calculus through a reparametrisation, checked by numbers** (exercise 3): a chain rule from
#   the gradient in $\Sigma_k$ to the parameters an optimiser actually moves, and a finite-difference test of
#   your own formula. Reread sections 5 and 6.
# - **A Lagrange multiplier you derive** (exercise 4): a stationarity condition, then the constraint that
#   fixes the multiplier, for a new objective and any number of components. Reread section 3.
# - **Predicting a singularity's rate** (exercise 5): reading off how a log-density at its own mean depends
#   on the scale of the covariance, in any dimension, before measuring it. Reread section 11.
# - **Choosing a floor by measurement** (exercise 6): comparing two fits' log-likelihoods as a function of
#   `reg_covar` and deciding from the measurement, not from a rough estimate. Reread
#   "The fix: a floor under the covariance".
