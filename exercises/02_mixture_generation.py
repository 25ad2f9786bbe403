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
# # Exercises 02 — Mixture generation: Gaussians, sampling, ellipses
#
# You build the pieces of a Gaussian mixture model yourself:
#
# 1. the log-density of a multivariate Gaussian, through the Cholesky factor,
# 2. ancestral sampling from a mixture (first the component, then the point),
# 3. the log-density of the mixture, with the log-sum-exp trick,
# 4. the axes of a covariance ellipse, from the eigen-decomposition,
# 5. the number of free parameters of a mixture (a counting question).
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. It prints
# `✓ ... checks passed` or explains what looks wrong. Run the setup cell first. Use numpy and
# `scipy.linalg`; the checks notice if you call the `coursepkg` or `scipy.stats` function that
# already does what the exercise asks.
#
# The lesson these exercises follow: [02 — Mixture generation](../notebooks/02_mixture_generation.ipynb).
#
# Notation: a mixture of $k$ Gaussians in $d$ dimensions has weights $\pi$ (`weights`, shape `(k,)`),
# means $\mu_j$ (rows of `means`, shape `(k, d)`) and covariances $\Sigma_j$ (`covs`, shape `(k, d, d)`).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Ellipse
from scipy import linalg, stats

from coursepkg.checks import lesson02 as checks
from coursepkg.plotting import COMPONENT_COLORS

# The mixture used in the figure at the end: three components in 2-D.
weights = checks.WEIGHTS
means = checks.MEANS
covs = checks.COVS
print("weights:", weights)
print("means:\n", means)

# %% [markdown]
# ## Exercise 1 — The Gaussian log-density through Cholesky (2 points)
#
# The density of $\mathcal{N}(\mu, \Sigma)$ in $d$ dimensions has the logarithm
#
# $$\log \mathcal{N}(x \mid \mu, \Sigma) = -\frac{1}{2}\Big( d \log 2\pi + \log\lvert\Sigma\rvert
#   + (x - \mu)^\top \Sigma^{-1} (x - \mu) \Big).$$
#
# Never invert $\Sigma$. Factor it instead, $\Sigma = L L^\top$ with $L$ lower triangular
# (`linalg.cholesky(cov, lower=True)`). Then
#
# * $\log\lvert\Sigma\rvert = \log\lvert L\rvert^2 = 2 \sum_i \log L_{ii}$ (the determinant of a triangular matrix is the product of its diagonal);
# * solve $L y = x - \mu$ for $y$ (`linalg.solve_triangular(L, (X - mean).T, lower=True)`); then
#   $(x-\mu)^\top \Sigma^{-1} (x-\mu) = (x-\mu)^\top L^{-\top} L^{-1} (x-\mu) = \lVert y \rVert^2$.
#
# Write `log_pdf(X, mean, cov)`. **In:** `X` `(n, d)`, `mean` `(d,)`, `cov` `(d, d)`. **Out:** `(n,)`.
# Compute the log directly (do not compute the density and then take `np.log`): for a point 1000
# standard deviations away the density is $e^{-500000}$, which is 0 in floating point.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def log_pdf(X, mean, cov):
    """log N(x_n | mean, cov) for each row of X. X (n, d), mean (d,), cov (d, d) -> (n,)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_log_pdf(log_pdf)


# %% [markdown]
# ## Exercise 2 — Ancestral sampling (2 points)
#
# The mixture tells a two-step story for each point:
#
# 1. pick a component $z_n \sim \mathrm{Cat}(\pi)$: component $j$ with probability $\pi_j$;
# 2. draw the point from that component: $x_n \sim \mathcal{N}(\mu_{z_n}, \Sigma_{z_n})$.
#
# To draw from $\mathcal{N}(\mu, \Sigma)$, draw standard normal noise $\varepsilon \sim \mathcal{N}(0, I)$
# and set $x = \mu + L \varepsilon$ with $\Sigma = L L^\top$: then $\operatorname{Cov}(x) = L\,I\,L^\top = \Sigma$.
#
# Write `sample_mixture(weights, means, covs, n, rng)` returning `(X, z)`: points `(n, d)` and their
# component labels `(n,)` (ints in `0..k-1`). Take **every** random number from the generator `rng`
# (`rng.choice(k, size=n, p=weights)`, `rng.standard_normal(...)`), so that the same seed gives the same
# sample. The check draws 20 000 points with a fixed seed and compares the label frequencies and the
# mean and covariance of the points of each label with the parameters.
#
# *Hint:* with noise as rows `eps` of shape `(n, d)`, the row version of $L\varepsilon$ is `eps @ L.T`.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def sample_mixture(weights, means, covs, n, rng):
    """Draw n points from the mixture. Returns X (n, d) and z (n,) ints, z[i] the component of X[i]."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_sample_mixture(sample_mixture)


# %% [markdown]
# ## Exercise 3 — The mixture log-density with log-sum-exp (2 points)
#
# The mixture density is a weighted sum, $p(x) = \sum_j \pi_j \mathcal{N}(x \mid \mu_j, \Sigma_j)$.
# Summing densities underflows far from the data, so work with logs $a_j = \log \pi_j + \log \mathcal{N}(x \mid \mu_j, \Sigma_j)$ and
#
# $$\log p(x) = \log \sum_j e^{a_j} = a_{\max} + \log \sum_j e^{a_j - a_{\max}},$$
#
# which is exact (multiply and divide by $e^{a_{\max}}$) and safe: the largest term of the sum is $e^0 = 1$.
#
# Write `mixture_log_density(X, weights, means, covs)` returning $\log p(x_n)$ for each point, shape `(n,)`.
# Use your `log_pdf` from exercise 1 (so finish that one first) and write the log-sum-exp yourself
# (not `scipy.special.logsumexp`).

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def mixture_log_density(X, weights, means, covs):
    """log sum_j pi_j N(x_n | mu_j, Sigma_j) for each row of X: shape (n,)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_mixture_log_density(mixture_log_density)


# %% [markdown]
# ## Exercise 4 — The axes of a covariance ellipse (2 points)
#
# For a 2-D Gaussian, the points with $(x-\mu)^\top \Sigma^{-1} (x-\mu) = r^2$ form an ellipse.
# $(x-\mu)^\top \Sigma^{-1}(x-\mu)$ follows a chi-square law with $d = 2$ degrees of freedom, so the ellipse
# holding a fraction `level` of the probability has $r = \sqrt{\chi^2_2\text{.ppf(level)}}$
# (`stats.chi2.ppf(level, df=2)`).
#
# Write $\Sigma = V \Lambda V^\top$ (`np.linalg.eigh(cov)`: eigenvalues in ascending order, eigenvectors
# in the **columns** of $V$). In the rotated coordinates $u = V^\top (x - \mu)$ the ellipse reads
# $\sum_i u_i^2 / \lambda_i = r^2$: its half-axes point along the eigenvectors and have lengths
# $r\sqrt{\lambda_i}$.
#
# Write `ellipse_axes(cov, level)` returning `(width, height, angle)` as matplotlib's `Ellipse` wants them:
# the **full** length of the major axis, the full length of the minor axis, and the angle of the major
# axis in **degrees**, counter-clockwise from the $x$ axis (`np.degrees(np.arctan2(v[1], v[0]))`).

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def ellipse_axes(cov, level=0.95):
    """(width, height, angle_deg) of the level-probability ellipse of a 2-D Gaussian with covariance cov (2, 2)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_ellipse_axes(ellipse_axes)

# %% [markdown]
# ## Your sampler and your ellipses together (not graded)
#
# The next cell draws 600 points with your `sample_mixture`, coloured by the component they came
# from, with your 95% ellipses. If both exercises are right, about 95% of each colour lies inside its
# ellipse; the cell prints the fractions.

# %%
try:
    Xs, zs = sample_mixture(weights, means, covs, 600, np.random.default_rng(0))
    fig, ax = plt.subplots(figsize=(6, 5))
    for j in range(len(weights)):
        pts = Xs[zs == j]
        ax.scatter(pts[:, 0], pts[:, 1], s=10, alpha=0.6, color=COMPONENT_COLORS[j], label=f"component {j}")
        w, h, a = ellipse_axes(covs[j], 0.95)
        ax.add_patch(Ellipse(means[j], w, h, angle=a, fill=False, lw=2, color=COMPONENT_COLORS[j]))
        peak = log_pdf(means[j][None, :], means[j], covs[j])[0]  # log-density at the mean
        maha_sq = -2 * (log_pdf(pts, means[j], covs[j]) - peak)  # squared Mahalanobis distance
        inside = maha_sq <= stats.chi2.ppf(0.95, df=2)
        print(f"component {j}: {inside.mean():.1%} of its {len(pts)} points inside its 95% ellipse")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("600 points from your sampler, with your 95% ellipses")
    ax.set_aspect("equal")
    ax.legend(loc="upper right")
    plt.show()
except NotImplementedError:
    print("Finish exercises 1, 2 and 4 to see the figure.")

# %% [markdown]
# ## Exercise 5 — Counting: how many numbers describe a mixture? (1 point)
#
# A $k$-component Gaussian mixture in $d$ dimensions with full covariances has weights, means and
# covariances, but not every number is free: the weights sum to 1, and a covariance matrix is symmetric.
# Write `n_params(k, d)` returning the number of **free** parameters. (This count is what model-selection
# scores such as BIC charge for each extra component.)

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def n_params(k, d):
    """Number of free parameters of a k-component full-covariance Gaussian mixture in d dimensions."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_n_params(n_params)

# %% [markdown]
# ## What you built
#
# `log_pdf` and `mixture_log_density` are the two numerically delicate formulas of the whole course:
# every later lesson evaluates them, always in log space. `sample_mixture` is the generative story of
# lesson 02 as code; lesson 03 turns it around and asks which parameters make given data likely.
