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
# You build the pieces of a Gaussian mixture model yourself, then use them to answer questions
# that the lesson did not answer for you:
#
# 1. the log-density of a multivariate Gaussian, without ever inverting $\Sigma$;
# 2. ancestral sampling from a mixture (first the component, then the point);
# 3. the log-density of the mixture, which must survive points far from every component;
# 4. the axes of a covariance ellipse, from the eigen-decomposition;
# 5. how many of your samples fall inside the 95% ellipse shrunk to half its size (predict);
# 6. the contour level that holds a given probability in $d$ dimensions, checked by Monte Carlo on
#    **your** sampler (derive);
# 7. how many free numbers a mixture has, for four kinds of covariance (derive).
#
# Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard, ★★★ challenging), the
# time a student typically needs and the kind of task: *implement* (turn a formula into code), *derive*
# (work something out on paper, then give the result as code or a number), *predict* (commit to an
# answer before a cell measures it) or *decide*. All seven take about 2 hours 15 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. It prints
# `✓ ... checks passed` or explains what looks wrong. Run the setup cell first. Use numpy and
# scipy; the checks notice if you call the `coursepkg` function that already does what the exercise
# asks (and `scipy.stats` in exercise 1, matrix inverses and determinants in exercise 1, and the chi-square
# and gamma laws in exercise 6).
#
# The lesson these exercises follow: [02 — Mixture generation](../notebooks/02_mixture_generation.ipynb).
#
# Notation: a mixture of $K$ Gaussians in $d$ dimensions has weights $\pi$ (`weights`, shape `(K,)`),
# means $\mu_k$ (rows of `means`, shape `(K, d)`) and covariances $\Sigma_k$ (`covs`, shape `(K, d, d)`).
# The text numbers components $1, \dots, K$; Python indexes them from 0.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Ellipse
from scipy import linalg, special, stats

from coursepkg.checks import lesson02 as checks
from coursepkg.plotting import COMPONENT_COLORS

# The mixture used in the figure at the end: three components in 2-D.
weights = checks.WEIGHTS
means = checks.MEANS
covs = checks.COVS
print("weights:", weights)
print("means:\n", means)

# %% [markdown]
# ## Exercise 1 — The Gaussian log-density through Cholesky (2 points · ★★☆ · about 20 min · implement)
#
# The density of $\mathcal{N}(\mu, \Sigma)$ in $d$ dimensions has the logarithm
#
# $$\log \mathcal{N}(x \mid \mu, \Sigma) = -\frac{1}{2}\Big( d \log 2\pi + \log\lvert\Sigma\rvert
#   + (x - \mu)^\top \Sigma^{-1} (x - \mu) \Big).$$
#
# Never invert $\Sigma$, and never compute $\lvert\Sigma\rvert$ itself (in high dimensions it under- or
# overflows: one of the check's cases is a 400-dimensional Gaussian with $\lvert\Sigma\rvert \approx 10^{800}$,
# and the check refuses the functions that invert a matrix or compute its determinant). Factor $\Sigma = L L^\top$ with $L$ lower triangular (the Cholesky factor of lesson 02,
# section 6) and get both terms from $L$:
#
# * what is the determinant of a triangular matrix, and so $\log\lvert\Sigma\rvert$ in terms of $L$?
# * $(x-\mu)^\top \Sigma^{-1} (x-\mu) = (x-\mu)^\top L^{-\top} L^{-1} (x-\mu)$ is a squared length
#   $\lVert y \rVert^2$: which $y$, and which triangular system gives it without forming $L^{-1}$?
#
# `scipy.linalg` has routines for the factorisation and for triangular systems; look them up.
#
# Write `log_pdf(X, mean, cov)`. **In:** `X` `(n, d)`, `mean` `(d,)`, `cov` `(d, d)`. **Out:** `(n,)`.
# Compute the log directly (do not compute the density and then take its log): for a point 1000
# standard deviations away the density is $e^{-500000}$, which is 0 in floating point.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def log_pdf(X, mean, cov):
    """log N(x_n | mean, cov) for each row of X. X (n, d), mean (d,), cov (d, d) -> (n,)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_log_pdf(log_pdf)


# %% [markdown]
# ## Exercise 2 — Ancestral sampling (2 points · ★★☆ · about 20 min · implement)
#
# The mixture tells a two-step story for each point:
#
# 1. pick a component $z_n \sim \mathrm{Cat}(\pi)$: component $k$ with probability $\pi_k$;
# 2. draw the point from that component: $x_n \sim \mathcal{N}(\mu_{z_n}, \Sigma_{z_n})$.
#
# To draw from $\mathcal{N}(\mu, \Sigma)$, start from standard normal noise $\varepsilon \sim \mathcal{N}(0, I)$
# and map it with a matrix $A$: $x = \mu + A\varepsilon$ has covariance $A A^\top$. Which $A$ that you
# already know satisfies $A A^\top = \Sigma$?
#
# Write `sample_mixture(weights, means, covs, n, rng)` returning `(X, z)`: points `(n, d)` and their
# component labels `(n,)` (ints in `0..K-1`). Take **every** random number from the generator `rng`
# (a `numpy.random.Generator`: its documentation lists how to draw categories with given probabilities
# and standard normals), so that the same seed gives the same sample. The check draws 20 000 points
# with a fixed seed and compares the label frequencies and the mean and covariance of the points of
# each label with the parameters. Exercises 5 and 6 use your sampler again.
#
# *Think about:* if you store the noise as rows (one row per point), the row version of
# $A\varepsilon$ is not "$A$ times the noise array"; work out which product it is.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def sample_mixture(weights, means, covs, n, rng):
    """Draw n points from the mixture. Returns X (n, d) and z (n,) ints, z[i] the component of X[i]."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_sample_mixture(sample_mixture)


# %% [markdown]
# ## Exercise 3 — The mixture log-density with log-sum-exp (2 points · ★★☆ · about 15 min · implement)
#
# The mixture density is a weighted sum, $p(x) = \sum_k \pi_k \mathcal{N}(x \mid \mu_k, \Sigma_k)$.
# Summing densities underflows far from the data, so work with logs $a_k = \log \pi_k + \log \mathcal{N}(x \mid \mu_k, \Sigma_k)$ and
#
# $$\log p(x) = \log \sum_k e^{a_k} = a_{\max} + \log \sum_k e^{a_k - a_{\max}},$$
#
# which is exact (multiply and divide by $e^{a_{\max}}$) and safe: the largest term of the sum is $e^0 = 1$.
#
# Write `mixture_log_density(X, weights, means, covs)` returning $\log p(x_n)$ for each point, shape `(n,)`.
# Use your `log_pdf` from exercise 1 (so finish that one first) and write the log-sum-exp yourself
# (not scipy's).

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def mixture_log_density(X, weights, means, covs):
    """log sum_j pi_j N(x_n | mu_j, Sigma_j) for each row of X: shape (n,)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_mixture_log_density(mixture_log_density)


# %% [markdown]
# ## Exercise 4 — The axes of a covariance ellipse (2 points · ★★☆ · about 20 min · implement)
#
# For a 2-D Gaussian, the points with $(x-\mu)^\top \Sigma^{-1} (x-\mu) = r^2$ form an ellipse, and the
# ellipse holding a fraction `level` of the probability has $r^2$ equal to the chi-square quantile of
# `level` with 2 degrees of freedom (lesson 02, section 5; `scipy.stats` has the chi-square law).
#
# Write $\Sigma = U \Lambda U^\top$ with orthonormal eigenvectors in the **columns** of $U$. In the rotated
# coordinates $y = U^\top (x - \mu)$ the ellipse reads $\sum_i y_i^2 / \lambda_i = r^2$ (lesson 02,
# section 4): what are its half-axes? numpy has an eigen-decomposition for symmetric matrices; read in
# which order it returns the eigenvalues.
#
# Write `ellipse_axes(cov, level)` returning `(width, height, angle)` as matplotlib's `Ellipse` wants them:
# the **full** length of the major axis, the full length of the minor axis, and the angle of the major
# axis in **degrees**, counter-clockwise from the $x$ axis. An axis has no arrow, so an angle that is right
# modulo 180° is accepted.

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
        ax.scatter(pts[:, 0], pts[:, 1], s=10, alpha=0.6, color=COMPONENT_COLORS[j], label=f"component {j + 1}")
        w, h, a = ellipse_axes(covs[j], 0.95)
        ax.add_patch(Ellipse(means[j], w, h, angle=a, fill=False, lw=2, color=COMPONENT_COLORS[j]))
        peak = log_pdf(means[j][None, :], means[j], covs[j])[0]  # log-density at the mean
        maha_sq = -2 * (log_pdf(pts, means[j], covs[j]) - peak)  # squared Mahalanobis distance
        inside = maha_sq <= stats.chi2.ppf(0.95, df=2)
        print(f"component {j + 1}: {inside.mean():.1%} of its {len(pts)} points inside its 95% ellipse")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("600 points from your sampler, with your 95% ellipses")
    ax.set_aspect("equal")
    ax.legend(loc="upper right")
    plt.show()
except NotImplementedError:
    print("Finish exercises 1, 2 and 4 to see the figure.")

# %% [markdown]
# ## Exercise 5 — Half the ellipse, how many points? (1 point · ★★☆ · about 15 min · predict)
#
# Take the 95% ellipse of component 1 (index 0) drawn above and shrink it to **half its size**: same centre,
# same angle, both half-axes halved. Of $N = 2000$ points drawn from that component, how many do you expect
# inside the small ellipse? A quarter of the 95% (a quarter of the area)? Half of it? Neither?
#
# **Before** you run the next cell, work it out: what does halving the axes do to the Mahalanobis radius
# $r$ of the ellipse, and which share of a 2-D Gaussian lies within a given $r$ (lesson 02, section 5)? Write
# the expected count as the value `predicted_inside()` returns (a number; no sampling in it). The cell after
# it draws the 2000 points with **your** sampler and counts; the check compares your prediction with the
# expected count, and the count with your prediction.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def predicted_inside():
    """The expected number of 2000 points of component 1 inside its 95% ellipse shrunk to half its size."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %%
try:
    prediction = predicted_inside()
    pts, _ = sample_mixture(weights[:1] / weights[0], means[:1], covs[:1], 2000, np.random.default_rng(21))
    gauss = stats.multivariate_normal(means[0], covs[0])
    maha_sq = -2 * (gauss.logpdf(pts) - gauss.logpdf(means[0]))  # squared Mahalanobis distance (scipy's, not yours)
    inside = int(np.sum(maha_sq <= stats.chi2.ppf(0.95, df=2) / 4))  # half the radius: a quarter of r^2
    print(f"you predicted {prediction:.0f}; your sampler put {inside} of 2000 points inside the half-size ellipse "
          f"(the full 95% ellipse would hold about 1900)")
except NotImplementedError:
    print("Finish exercises 2 and 5 first.")

# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_predicted_inside(predicted_inside, sampler=sample_mixture)

# %% [markdown]
# ## Exercise 6 — The contour level for a given mass, in $d$ dimensions (2 points · ★★★ · about 30 min · derive)
#
# The lesson found the radius of the 95% ellipse in 2-D from the closed form of the 2-D chi-square
# CDF. In $d$ dimensions there is no such closed form for the inverse, and in this exercise you may
# **not** use scipy's chi-square law (`scipy.stats.chi2`, `scipy.special.chdtri` and their relatives, or the
# gamma law `scipy.stats.gamma`: the check refuses them): derive the CDF yourself.
#
# Whiten a point: $e = L^{-1}(x - \mu)$ is standard normal in $d$ dimensions and $\Delta^2 = \lVert e \rVert^2$.
# So the question is: for $e \sim \mathcal N(0, I_d)$, what is $P(\lVert e \rVert^2 \le r^2)$?
#
# * The density of $e$ depends on $e$ only through its length $\rho = \lVert e \rVert$. The sphere of radius
#   $\rho$ has area proportional to $\rho^{d-1}$. What is the density of $\rho$, up to a constant?
# * Integrate it from 0 to $r$ and substitute $t = \rho^2/2$. Normalise, and recognise one of the special
#   functions of `scipy.special` (the gamma family); then invert it for the level: the number $r^2$ with
#   $P(\Delta^2 \le r^2) = p$.
# * Sanity checks you can do on paper: $d = 2$ must give the lesson's $r^2 = -2 \ln(1 - p)$; $d = 1$ must
#   give the square of the two-sided 1-D quantile ($1.96^2$ for 95%).
#
# Write `contour_level(p, d)` returning $r^2$ (the squared radius, a float). The check compares it with the
# chi-square quantile for several $p$ and $d$, and then runs **your** `sample_mixture` in $d = 3$ and
# $d = 5$: about 90% of its points must fall inside your 90% level.

# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def contour_level(p, d):
    """The squared radius r^2 with P(Delta^2 <= r^2) = p for a d-dimensional Gaussian."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex6_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_contour_level(contour_level, sampler=sample_mixture)

# %% [markdown]
# Not graded: how the radius of the 95% ellipsoid grows with the dimension, printed beside $\sqrt d$. A
# Mahalanobis distance that is far out in 1-D can be ordinary in 10 dimensions: compare the numbers.

# %%
try:
    for dim in (1, 2, 3, 5, 10, 50):
        print(f"d = {dim:2d}: 95% of the mass within Delta = {np.sqrt(contour_level(0.95, dim)):.2f} "
              f"(sqrt(d) = {np.sqrt(dim):.2f})")
except NotImplementedError:
    print("Finish exercise 6 first.")

# %% [markdown]
# ## Exercise 7 — Counting: how many numbers describe a mixture? (2 points · ★★☆ · about 15 min · derive)
#
# A $K$-component Gaussian mixture in $d$ dimensions has weights, means and covariances, but not every
# number is free: the weights sum to 1, and a covariance matrix is symmetric. Mixtures are often fitted
# with restricted covariances, which have fewer free numbers:
#
# | `covariance_type` | each component's covariance |
# |---|---|
# | `"full"` | its own symmetric positive-definite $\Sigma_k$ |
# | `"diag"` | its own diagonal $\Sigma_k$ (the axes of its ellipses are the coordinate axes) |
# | `"spherical"` | its own $\sigma_k^2 I$ (circles) |
# | `"tied"` | one full $\Sigma$, the same for every component |
#
# Derive the count for each type and write `n_params(k, d, covariance_type)` returning the number of
# **free** parameters (an int). The check tries every type on several $(K, d)$. The counts come back in
# lesson 09 (choosing $K$).

# %% nbgrader={"grade": false, "grade_id": "ex7_solution", "locked": false, "schema_version": 3, "solution": true}
def n_params(k, d, covariance_type="full"):
    """Number of free parameters of a k-component Gaussian mixture in d dimensions."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex7: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex7_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_n_params(n_params)

# %% [markdown]
# ## What you practised
#
# | exercise | the skill | reread if it was hard |
# |---|---|---|
# | 1 | a log-density through a triangular factor, never an inverse | lesson 02, sections 2 and 3 |
# | 2 | ancestral sampling: a label, then noise mapped by a square root of $\Sigma$ | lesson 02, section 6 |
# | 3 | a log of a sum of densities that cannot underflow | lesson 02, section 8 |
# | 4 | an ellipse's axes and angle from the eigen-decomposition | lesson 02, sections 4 and 5 |
# | 5 | predicting how a count scales with the ellipse (not with its area), then measuring it | lesson 02, section 5 |
# | 6 | deriving the law of $\Delta^2$ in $d$ dimensions, checked on your own samples | lesson 02, section 5 |
# | 7 | counting free parameters under constraints (sums to 1, symmetry, sharing) | lesson 02, sections 2 and 6 |
#
# `log_pdf` and `mixture_log_density` are the two numerically delicate formulas of the whole course:
# every later lesson evaluates them, always in log space. `sample_mixture` is the generative story of
# lesson 02 as code; lesson 03 turns it around and asks which parameters make given data likely.
