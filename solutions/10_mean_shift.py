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
# # Exercises 10 — Mean-shift
#
# Mean-shift puts a Gaussian bump of width $h$ on every data point, adds them up into a density $f$, and lets
# every point climb $f$ to a peak; the peaks are the clusters. In these exercises you write the two pieces of
# the method, derive why its step has the size it has, and choose a bandwidth yourself:
#
# 1. `kde_log_density(points, X, h)`: $\log f$, finite even where $f$ underflows (implement);
# 2. `mean_shift_step(points, X, h)`: one step, every point to its kernel-weighted mean (implement);
# 3. `step_matrix(Sigma)`: the step of mean-shift, read as gradient ascent on $\log f$, when the kernel is a
#    Gaussian of any covariance $\Sigma$ (derive);
# 4. `h_three()`: a bandwidth for which mean-shift finds exactly three clusters in given data (decide);
# 5. `modes_at_2h()`: how many modes a density keeps when the bandwidth doubles (predict).
#
# **Difficulty and time.** ★☆☆ is a warm-up, ★★☆ a standard task, ★★★ a challenge; each heading gives the
# points and the time a student typically needs. The five tasks take about 85 minutes in all (15 + 15 + 25 + 15
# + 15) and give 9 points.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy (and `scipy.special.logsumexp` if you like); the checks notice if you call the
# `coursepkg` function you are asked to write.
#
# The lesson these exercises follow: [10 — Mean-shift](../notebooks/10_mean_shift.ipynb).
#
# Notation (as in the lesson): data points $x_1, \dots, x_N \in \mathbb R^d$ are the rows of `X` `(n, d)`; the
# points where the density is evaluated, or that move, are the rows $p$ of `points` `(m, d)`; the bandwidth
# $h > 0$ is the kernel's standard deviation, and
#
# $$f(p) = \frac1N\sum_{n=1}^N \mathcal N(p \mid x_n, h^2 I), \qquad
# u(p) = \frac{\sum_n e^{-\lVert p - x_n\rVert^2/(2h^2)}\, x_n}{\sum_n e^{-\lVert p - x_n\rVert^2/(2h^2)}} .$$

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np
from scipy.special import logsumexp

from coursepkg.checks import lesson10 as checks

X_four = checks.X_FOUR.copy()  # exercise 4: four round blobs of 60 points in 2-D
rng = np.random.default_rng(10)
X_small = np.vstack([rng.normal(size=(30, 2)) * 0.6, [3.0, 1.0] + rng.normal(size=(30, 2)) * 0.6])  # two blobs
print(f"X_four: {X_four.shape}; X_small: {X_small.shape}")

# %% [markdown]
# ## Exercise 1 — The density in log space (2 points · ★★☆ · about 15 min · implement)
#
# Write `kde_log_density(points, X, h)` returning $\log f(p)$ for every row $p$ of `points`, an array of shape
# `(m,)`. Start from the Gaussian density in $d$ dimensions with covariance $h^2 I$ and write $\log f(p)$ as a
# log of a sum over the data points, plus constants. Far from the data every term of the sum underflows to 0
# in floating point, so never form the sum itself: the check evaluates your function 1000 units away from
# every data point, where the answer is a large negative number, not $-\infty$.
#
# **In:** `points` `(m, d)`, `X` `(n, d)`, a float `h > 0`. **Out:** an array `(m,)`, in nats.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def kde_log_density(points, X, h):
    """log f(p) for each row of points: (m, d), (n, d), float -> (m,)."""
    ### BEGIN SOLUTION
    sq_dist = np.sum((points[:, None, :] - X[None, :, :]) ** 2, axis=2)  # (m, n)
    d = X.shape[1]
    return logsumexp(-sq_dist / (2 * h**2), axis=1) - np.log(len(X)) - 0.5 * d * np.log(2 * np.pi * h**2)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_kde_log_density(kde_log_density)
### BEGIN HIDDEN TESTS
checks.check_kde_log_density(kde_log_density, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2 — One mean-shift step (2 points · ★★☆ · about 15 min · implement)
#
# Write `mean_shift_step(points, X, h)` returning $u(p)$ for every row $p$ of `points`, shape `(m, d)`. The
# data `X` stay where they are; only the points move. Each point's weights over the data must sum to 1, and
# the check again starts some points 1000 units from the data, where every kernel value is 0 in floating point:
# find a way to compute the weights that does not divide 0 by 0.
#
# **In:** `points` `(m, d)`, `X` `(n, d)`, a float `h > 0`. **Out:** an array `(m, d)`.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def mean_shift_step(points, X, h):
    """u(p) for each row of points: (m, d), (n, d), float -> (m, d)."""
    ### BEGIN SOLUTION
    logits = -np.sum((points[:, None, :] - X[None, :, :]) ** 2, axis=2) / (2 * h**2)  # (m, n)
    logits -= logits.max(axis=1, keepdims=True)  # the nearest data point gets weight exp(0) = 1
    weights = np.exp(logits)
    weights /= weights.sum(axis=1, keepdims=True)  # each row sums to 1 over the data points
    return weights @ X
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_mean_shift_step(mean_shift_step)
### BEGIN HIDDEN TESTS
checks.check_mean_shift_step(mean_shift_step, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your two functions together (not graded): every point of `X_small` climbs, step after step, and $\log f$
# never falls on the way. Two blobs 3 units apart, $h = 0.8$: the points should end on two modes.

# %%
try:
    moving = X_small.copy()
    lowest_rise = np.inf
    for _ in range(100):
        moved = mean_shift_step(moving, X_small, 0.8)
        rise = kde_log_density(moved, X_small, 0.8) - kde_log_density(moving, X_small, 0.8)
        lowest_rise = min(lowest_rise, rise.min())
        moving = moved
    ends = np.unique(np.round(moving, 3), axis=0)
    print(f"smallest rise of log f over 100 steps and 60 points: {lowest_rise:.2e}; distinct end points:\n{ends}")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — The step for a kernel of any shape (2 points · ★★★ · about 25 min · derive)
#
# The lesson's kernel is round: every bump is $\mathcal N(x_n, h^2 I)$, and the lesson showed that then
# $u(p) = p + h^2\,\nabla\log f(p)$. Now give every bump the same covariance $\Sigma$ (any symmetric positive
# definite $d \times d$ matrix: a kernel that is wider along some directions than others, or tilted):
#
# $$f(p) = \frac1N\sum_{n=1}^N \mathcal N(p \mid x_n, \Sigma), \qquad
# u(p) = \sum_n w_n(p)\, x_n, \quad w_n(p) = \frac{\mathcal N(p \mid x_n, \Sigma)}{\sum_j \mathcal N(p \mid x_j, \Sigma)} .$$
#
# Derive on paper the matrix $M$ for which
#
# $$u(p) = p + M\, \nabla \log f(p) \quad\text{for every } p .$$
#
# You need the gradient of one bump with respect to $p$ (what is the gradient of the quadratic form in its
# exponent?), the sum over the data, and a division by $f(p)$. Does $M$ depend on $p$, on $N$, on the data? Then
# write `step_matrix(Sigma)` returning $M$ as a `(d, d)` array, for a `(d, d)` covariance `Sigma` (the check
# calls it with tilted, stretched and one-dimensional kernels).
#
# *Check yourself:* with $\Sigma = h^2 I$ your $M$ must give back the lesson's step; and for a tilted $\Sigma$ you
# can compare $p + M\,\nabla\log f(p)$, with the gradient estimated by central differences, against the weighted
# mean $u(p)$ computed directly.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def step_matrix(Sigma):
    """M with u(p) = p + M grad log f(p), for the KDE whose kernel is N(x_n, Sigma): (d, d) -> (d, d)."""
    ### BEGIN SOLUTION
    # grad_p N(p | x_n, Sigma) = N(p | x_n, Sigma) Sigma^-1 (x_n - p) (the gradient of -(1/2) q^T Sigma^-1 q, Sigma
    # symmetric). Summed and divided by f(p): grad log f(p) = Sigma^-1 (u(p) - p), the same for every p, N and data.
    # So u(p) = p + Sigma grad log f(p); with Sigma = h^2 I this is the lesson's step h^2.
    return np.array(Sigma, dtype=float)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_step_matrix(step_matrix)
### BEGIN HIDDEN TESTS
checks.check_step_matrix(step_matrix, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4 — A bandwidth for three clusters (2 points · ★★☆ · about 15 min · decide)
#
# `X_four` holds four round blobs of 60 points each: two of them (standard deviation 0.4) only 1.8 units apart,
# two more (standard deviation 0.6) far from every other blob. Run mean-shift from every point of `X_four`, as
# in the lesson, and the number of clusters depends on $h$. Choose a bandwidth for which mean-shift ends in
# **exactly three** clusters, and write `h_three()` returning it. The check runs mean-shift (the lesson's
# `coursepkg.meanshift.mean_shift`, merging end points closer than $h/2$) with your $h$ and counts the clusters.
#
# You can decide by reasoning (when do two round Gaussian blobs, blurred by a kernel of width $h$, stop having
# two peaks?), by experiment (your two functions, or `coursepkg.meanshift.mean_shift`), or both. A good answer
# is not at the edge of the range that works: say in a comment why yours is safe.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def h_three():
    """A bandwidth (data units) for which mean-shift on X_four ends in exactly three clusters."""
    ### BEGIN SOLUTION
    # Blurred by the kernel, a blob of standard deviation s becomes a Gaussian of variance s^2 + h^2. Two equal
    # Gaussians a distance D apart have one peak once D <= 2 sigma: for the close pair (s = 0.4, D = 1.8) that is
    # h >= sqrt(0.81 - 0.16) = 0.81. The far blobs (4 units and more from the rest) keep their own peaks until h
    # is well above 1.5. h = 1.1 sits between the two limits (mean-shift measured on a grid of step 0.05: 3 clusters
    # from h = 0.75 to 1.75, 2 at 1.8).
    return 1.1
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_three_clusters(h_three)

# %% [markdown]
# ## Exercise 5 — Modes at twice the bandwidth (1 point · ★★☆ · about 15 min · predict)
#
# `x_1d` holds 100 numbers in five clumps of 20: `x_1d[20 * j : 20 * j + 20]` is clump $j$, around 0, 1.2, 3.0, 3.8
# and 6.0. The cell below counts the modes of their Gaussian kernel density estimate at $h = 0.2$. **Before** you
# count modes at any other bandwidth, predict how many the density has at $h = 0.4$, twice as wide, and write
# `modes_at_2h()` returning your prediction. Reason from the clumps: you may compute their means and standard
# deviations. Two facts help. Blurred by a kernel of width $h$, a clump of standard deviation $s$ looks like a
# Gaussian of variance about $s^2 + h^2$; and a mixture of two equal Gaussians of standard deviation $\sigma$ whose
# means are $D$ apart has two peaks when $D > 2\sigma$ and one when $D \le 2\sigma$. Then run its check, which
# measures the count, and the cell after it, which shows the counts at $h$ = 0.2, 0.4, 0.8 and 1.6.

# %% nbgrader={"grade": false, "grade_id": "ex5_setup", "locked": true, "schema_version": 3, "solution": false}
from coursepkg.meanshift import mean_shift

x_1d = checks.X_PREDICT.copy()
print(f"x_1d: {x_1d.shape}; modes at h = 0.2: {mean_shift(x_1d, 0.2, keep_paths=False).n_clusters}")

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def modes_at_2h():
    """Your prediction: the number of modes of the Gaussian KDE of x_1d at h = 0.4."""
    ### BEGIN SOLUTION
    # Clump spreads s (computed): about 0.26, 0.42, 0.33, 0.28, 0.45. At h = 0.4 the blurred standard deviations
    # sqrt(s^2 + h^2) are about 0.48 to 0.6. The clumps near 3.0 and 3.8 are 0.82 apart, less than 2 x 0.5: one
    # peak. The clumps near 0 and 1.2 are 1.24 apart, more than 2 x 0.53: two peaks; the rest are farther apart.
    # The two extra modes of h = 0.2 (small bumps inside the two widest clumps) are smoothed away: 4 modes.
    return 4
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_modes_at_2h(modes_at_2h)

# %%
for h in (0.2, 0.4, 0.8, 1.6):
    k = mean_shift(x_1d, h, keep_paths=False).n_clusters
    print(f"h = {h}: {k} mode{'s' * (k != 1)}")

# %% [markdown]
# ## What you practised
#
# - Exercise 1: writing a density that is a sum of many small terms in log space, so that it stays finite where
#   every term underflows.
# - Exercise 2: computing a softmax-weighted mean without dividing 0 by 0, with the weights normalised over the
#   right axis.
# - Exercise 3: differentiating a Gaussian with respect to its argument (the gradient of a quadratic form) and
#   rearranging a gradient into the form "new point = old point + matrix times gradient".
# - Exercise 4: choosing a tuning parameter by reasoning about when blurred clusters merge, checking the choice
#   by experiment, and keeping a safety margin from both edges of the range that works.
# - Exercise 5: predicting the outcome of a computation before running it, from a theorem and a pairwise
#   criterion, and then comparing the prediction with the measurement.
