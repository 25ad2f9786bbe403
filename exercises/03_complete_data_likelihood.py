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
# # Exercises 03 — The complete-data likelihood
#
# If we knew which component produced each point, fitting a mixture would be counting and
# averaging. These exercises build that easy case and then its "expected" version, the one EM uses:
#
# 1. the complete-data log-likelihood $\log p(X, z \mid \theta)$ for given labels,
# 2. the maximum-likelihood parameters when the labels are known,
# 3. the expected complete-data log-likelihood $Q(\theta, \theta^{\text{old}})$ for given responsibilities,
# 4. the expected sufficient statistics $N_k$, $\sum_n r_{nk} x_n$, $\sum_n r_{nk} x_n x_n^\top$,
# 5. the parameters computed from those statistics (and a check that they are the M-step).
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell below it; read its feedback.
# Run the setup cell first. You may use `log_pdf(X, mean, cov)` (imported in the setup; you wrote it
# in exercises 02), but not the `coursepkg.mixture` functions that compute the answer.
#
# The lesson these exercises follow: [03 — Complete-data likelihood](../notebooks/03_complete_data_likelihood.ipynb).
#
# A mixture is passed as a `GMM` object with attributes `gmm.weights` `(k,)`, `gmm.means` `(k, d)`,
# `gmm.covariances` `(k, d, d)` and `gmm.k`, `gmm.d`. Labels `z` are integers in `0..k-1`;
# responsibilities `resp` form an `(n, k)` array whose rows sum to 1.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg import datasets
from coursepkg.checks import lesson03 as checks
from coursepkg.em import e_step, m_step
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import GMM

true_gmm = datasets.SYNTHETIC["overlapping"]
X, z = datasets.make_synthetic("overlapping", n=300, rng=0)  # points and the labels that produced them
print(f"{len(X)} points; true weights {true_gmm.weights}; label counts {np.bincount(z)}")

# %% [markdown]
# ## Exercise 1 — The complete-data log-likelihood (2 points)
#
# With the label $z_n$ of every point known, the joint density of a point and its label is
# $p(x_n, z_n \mid \theta) = \pi_{z_n} \mathcal{N}(x_n \mid \mu_{z_n}, \Sigma_{z_n})$, and the points are independent, so
#
# $$\log p(X, z \mid \theta) = \sum_{n=1}^{N} \Big[ \log \pi_{z_n} + \log \mathcal{N}(x_n \mid \mu_{z_n}, \Sigma_{z_n}) \Big].$$
#
# There is no sum inside the log: that is what makes the known-label case easy.
#
# Write `complete_log_likelihood(X, z, gmm)` returning this number (a float). Add logs; never multiply densities.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def complete_log_likelihood(X, z, gmm):
    """sum_n [log pi_{z_n} + log N(x_n | mu_{z_n}, Sigma_{z_n})]. X (n, d), z (n,) ints -> float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_complete_log_likelihood(complete_log_likelihood)


# %% [markdown]
# ## Exercise 2 — Maximum likelihood with known labels (2 points)
#
# The complete-data log-likelihood splits into one term for the weights and one term per component,
# so each piece is maximised on its own. With $N_k$ the number of points labelled $k$:
#
# $$\hat\pi_k = \frac{N_k}{N}, \qquad
#   \hat\mu_k = \frac{1}{N_k} \sum_{n:\, z_n = k} x_n, \qquad
#   \hat\Sigma_k = \frac{1}{N_k} \sum_{n:\, z_n = k} (x_n - \hat\mu_k)(x_n - \hat\mu_k)^\top .$$
#
# Count, average, and average the centred outer products. Note the divisor $N_k$, not $N_k - 1$:
# the maximum-likelihood estimate is the biased one (`np.cov` divides by $N_k - 1$ unless `bias=True`).
#
# Write `mle_from_labels(X, z, k)` returning `(weights, means, covs)` with shapes `(k,)`, `(k, d)`, `(k, d, d)`.
# A cluster with a single point gets the zero covariance matrix (it is not a valid Gaussian: lesson 06
# explains why the likelihood then runs off to infinity).

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def mle_from_labels(X, z, k):
    """Weights (k,), means (k, d), covariances (k, d, d) maximising the complete-data likelihood."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_mle_from_labels(mle_from_labels)

# %% [markdown]
# Not graded: with the true labels of the 300 points, your estimates land near the true parameters,
# and no other parameters give a larger complete-data log-likelihood (we try small perturbations).

# %%
try:
    w_hat, mu_hat, cov_hat = mle_from_labels(X, z, 3)
    print("estimated weights:", np.round(w_hat, 3), " true:", true_gmm.weights)
    print("estimated means:\n", np.round(mu_hat, 2), "\ntrue means:\n", true_gmm.means)
    fitted = GMM(w_hat, mu_hat, cov_hat)
    best = complete_log_likelihood(X, z, fitted)
    rng = np.random.default_rng(1)
    worse = [complete_log_likelihood(X, z, GMM(w_hat, mu_hat + 0.05 * rng.normal(size=mu_hat.shape), cov_hat))
             for _ in range(20)]
    print(f"complete-data log-likelihood at the estimate: {best:.3f}; "
          f"largest over 20 perturbed means: {max(worse):.3f}")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — The expected complete-data log-likelihood $Q$ (2 points)
#
# The labels are hidden. EM replaces the one-hot label by the responsibilities $r_{nk} = p(z_n = k \mid x_n, \theta^{\text{old}})$
# and takes the expectation of the complete-data log-likelihood:
#
# $$Q(\theta, \theta^{\text{old}}) = \mathbb{E}_{z \sim r}\big[\log p(X, z \mid \theta)\big]
#   = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk} \Big[ \log \pi_k + \log \mathcal{N}(x_n \mid \mu_k, \Sigma_k) \Big].$$
#
# (The expectation of the indicator $[z_n = k]$ is $r_{nk}$.) With one-hot $r$ this is exercise 1 again.
#
# Write `Q(X, resp, gmm)` returning this float. A term with $r_{nk} = 0$ contributes 0, even when
# $\pi_k = 0$ makes $\log \pi_k = -\infty$ (in floating point $0 \cdot (-\infty)$ is NaN, so skip those
# terms, e.g. with a mask `resp > 0`).

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def Q(X, resp, gmm):
    """sum_n sum_k r_nk [log pi_k + log N(x_n | mu_k, Sigma_k)]. X (n, d), resp (n, k) -> float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_expected_complete_log_likelihood(Q)


# %% [markdown]
# ## Exercise 4 — Expected sufficient statistics (1 point)
#
# Everything the M-step needs from the data fits in three sums per component:
#
# $$N_k = \sum_n r_{nk}, \qquad S^{(1)}_k = \sum_n r_{nk}\, x_n, \qquad S^{(2)}_k = \sum_n r_{nk}\, x_n x_n^\top .$$
#
# They are **sums**, so they can be accumulated chunk by chunk (or on many machines) and added up.
# Write `sufficient_statistics(X, resp)` returning `(Nk, S1, S2)` with shapes `(k,)`, `(k, d)`, `(k, d, d)`.
#
# *Hint:* `resp.T @ X` is $S^{(1)}$; for $S^{(2)}$ loop over $k$, or use
# `np.einsum("nk,ni,nj->kij", resp, X, X)`.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def sufficient_statistics(X, resp):
    """N_k (k,), S1 = sum_n r_nk x_n (k, d), S2 = sum_n r_nk x_n x_n^T (k, d, d)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_sufficient_statistics(sufficient_statistics)


# %% [markdown]
# ## Exercise 5 — Parameters from the statistics (2 points)
#
# Maximising $Q$ (lesson 06 derives it) gives the weighted versions of exercise 2, and they can be
# written with the statistics alone:
#
# $$\pi_k = \frac{N_k}{N}, \qquad \mu_k = \frac{S^{(1)}_k}{N_k}, \qquad
#   \Sigma_k = \frac{1}{N_k}\sum_n r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top = \frac{S^{(2)}_k}{N_k} - \mu_k \mu_k^\top .$$
#
# (Expand the product: the cross terms give $-2\mu_k\mu_k^\top$ and the last term $+\mu_k\mu_k^\top$.)
#
# Write `params_from_stats(Nk, S1, S2, n)` returning `(weights, means, covs)`. The check compares them
# with the M-step computed directly from the data.
#
# *A numerical caution:* $S^{(2)}/N_k - \mu\mu^\top$ subtracts two large numbers when the data sit far
# from the origin, and loses digits. When you accumulate statistics in practice, first subtract a rough
# global mean from the data; `coursepkg.em.m_step` avoids the issue by centring each component directly.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def params_from_stats(Nk, S1, S2, n):
    """Weights (k,), means (k, d), covariances (k, d, d) from the expected sufficient statistics."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_params_from_stats(params_from_stats)

# %% [markdown]
# ## One EM step from your pieces (not graded)
#
# Responsibilities from a rough start (`e_step`), then your statistics and your parameters: one
# M-step. The cell checks it against `coursepkg.em.m_step` on the 300 points and shows that $Q$,
# computed with your function, went up.

# %%
try:
    start = GMM(np.full(3, 1 / 3), X[[0, 1, 2]], np.repeat(np.cov(X.T)[None], 3, axis=0))
    resp, loglik = e_step(X, start)
    w_new, mu_new, cov_new = params_from_stats(*sufficient_statistics(X, resp), len(X))
    reference = m_step(X, resp, reg_covar=0.0)
    print(f"largest difference from m_step: {np.abs(cov_new - reference.covariances).max():.1e} (covariances), "
          f"{np.abs(mu_new - reference.means).max():.1e} (means)")
    print(f"Q(start) = {Q(X, resp, start):.3f}  ->  Q(after the update) = {Q(X, resp, GMM(w_new, mu_new, cov_new)):.3f}")
except NotImplementedError:
    print("Finish exercises 3 to 5 first.")

# %% [markdown]
# ## What you built
#
# With labels, fitting is counting and averaging (exercises 1–2). Without them, the responsibilities
# stand in for the labels (exercise 3), the fit needs only three weighted sums (exercise 4), and the
# parameters follow in closed form (exercise 5). Lesson 04 explains why raising $Q$ raises the actual
# log-likelihood.
