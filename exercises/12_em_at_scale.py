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
# # Exercises 12 — EM at scale
#
# One EM iteration over data split into blocks is a map-reduce: each block is summarised by a few statistics,
# the summaries are merged, and the M-step runs on the merged result. In these exercises you write the pieces:
#
# 1. `block_statistics(X_block, resp)`: the summary of one block,
# 2. `remove(...)`: the summary left when one block is taken out of a merged summary, derived by you and tested
#    where the data sit $10^8$ from the origin,
# 3. a prediction: how many blocks a chunking makes, how large the largest is, and how many bytes they all send,
# 4. a decision: a step-size schedule for stepwise EM that satisfies the conditions and converges,
# 5. the log-likelihood as a map-reduce: per block, then per point overall.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (find a formula the lesson did not write, then code it), *predict*
# (commit to an answer, then measure it) or *decide*. Altogether about an hour (the headings add up to 60 minutes).
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy (and scipy where you like): the checks notice if you call the `coursepkg`
# function you are asked to write. Nothing here starts a cluster: Dask runs on this machine, in this process.
#
# The lesson these exercises follow: [12 — EM at scale](../notebooks/12_em_at_scale.ipynb).
#
# Notation: a block holds the rows `X_block` `(m, d)` with responsibilities `resp` `(m, K)`; for component $k$,
# $N_k = \sum_n r_{nk}$, $\mu_k = \sum_n r_{nk} x_n / N_k$ and the centred scatter
# $S_k = \sum_n r_{nk}(x_n - \mu_k)(x_n - \mu_k)^\top$. Components are numbered from 0 in the code.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import dask
import dask.array as da
import numpy as np

from coursepkg import em, scale
from coursepkg.checks import lesson12 as checks

dask.config.set(scheduler="synchronous")  # every dask computation here runs in this process, one block at a time
rng = np.random.default_rng(12)
X_demo = rng.normal(size=(500, 2)) + 1e8  # points far from the origin, as timestamps or map coordinates are
resp_demo = rng.dirichlet(np.ones(3), size=500)
print(f"X_demo: {X_demo.shape}, resp_demo: {resp_demo.shape}")

# %% [markdown]
# ## Exercise 1 — The statistics of one block (2 points · ★☆☆ · about 10 min · implement)
#
# Write `block_statistics(X_block, resp)` returning the triple `(nk, means, scatters)` of shapes `(K,)`,
# `(K, d)` and `(K, d, d)`: $N_k$, the weighted means $\mu_k$ and the **centred** scatters $S_k$ of the block
# (lesson 12, sections 1 and 2). A warm-up: lesson 06 (section 9) wrote the same statistics as `block_stats`;
# write yours from the formulas, for all $K$ components at once. The check includes blocks near $10^6$ (in exercise 2 you will see why that
# matters) and a case with $K = d$, where summing over the wrong axis still gives arrays of the right shapes.
#
# *Think about:* the scatter is a sum of outer products; which vector do you take the outer product of, for
# component $k$?

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def block_statistics(X_block, resp):
    """(nk (K,), means (K, d), centred scatters (K, d, d)) of a block X_block (m, d) with resp (m, K)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_block_statistics(block_statistics)


# %% [markdown]
# ## Exercise 2 — Removing a block from a summary (3 points · ★★☆ · about 15 min · derive)
#
# A sliding window over a stream keeps the summary of the last few days and must drop the oldest day when a new
# one arrives. Lesson 06 (section 9) and lesson 12 (section 3) merge two summaries; here you go the other way.
# For one component, the set $A \cup B$ is summarised by $(N, \mu, S)$ and its part $B$ by $(N_B, \mu_B, S_B)$.
# Derive on paper the summary $(N_A, \mu_A, S_A)$ of what remains, **from these six quantities only**, then write
# `remove(n, mean, S, nb, mean_b, Sb)` returning it (assume $N_A > 0$). Do not go through
# $\sum r x x^\top$: the check removes summaries of points at an offset of $10^8$, where any formula that
# subtracts $N\mu\mu^\top$ from something of its size has no correct digit left.
#
# *Think about:* the merge formula links the three summaries; which unknowns does it contain, and can you write
# $\mu_B - \mu_A$ through $\mu_B - \mu$, a difference of two quantities you are given?

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def remove(n, mean, S, nb, mean_b, Sb):
    """(na, mean_a (d,), Sa (d, d)) of A, from the summaries of A u B and of B, one component."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_remove(remove)

# %% [markdown]
# Your two functions together (not graded): the demo block near $10^8$, summarised whole and in its last 300
# points, the last 300 removed, against the summary of the first 200 computed directly; the last line is what the
# raw formula gives.

# %%
try:
    nk, means, scat = block_statistics(X_demo, resp_demo)
    a, b = block_statistics(X_demo[:200], resp_demo[:200]), block_statistics(X_demo[200:], resp_demo[200:])
    na, mean_a, Sa = remove(nk[0], means[0], scat[0], b[0][0], b[1][0], b[2][0])
    print(f"component 0: S_A / N_A after removing B =\n{Sa / na}\nS_A / N_A computed directly =\n{a[2][0] / a[0][0]}")
    raw = (resp_demo[:200, 0, None] * X_demo[:200]).T @ X_demo[:200] - a[0][0] * np.outer(a[1][0], a[1][0])
    print(f"raw formula S_A / N_A =\n{raw / a[0][0]}")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — Blocks and bytes, predicted (2 points · ★☆☆ · about 10 min · predict)
#
# A data set of $N = 1\,000\,000$ points in $d = 3$ dimensions is stored as float64 and read as
# `da.from_zarr(..., chunks=(150_000, 3))`; EM fits $K = 4$ components. **Before running anything**, work out:
#
# - `n_blocks`: how many blocks the array has;
# - `block_megabytes`: the size of its largest block in megabytes ($10^6$ bytes), the memory a worker needs for
#   the data of one block;
# - `bytes_sent`: how many bytes all the blocks together send to the reduce in one EM pass, each sending its
#   `coursepkg.scale.Statistics` (its count of points, $N_k$, the means, the full $(K, d, d)$ scatters and the
#   log-likelihood) as float64 — to compare with the size of the data.
#
# Write each as a function of no arguments returning your number; the cell after the check measures all three
# with dask and `coursepkg.scale`.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def n_blocks():
    """How many blocks the array has."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


def block_megabytes():
    """The size of the largest block, in megabytes (10^6 bytes)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


def bytes_sent():
    """How many bytes all the blocks' Statistics weigh together, in one pass."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_chunking(n_blocks, block_megabytes, bytes_sent)

# %% [markdown]
# The measurement (not graded): dask's own chunking of an array of that shape, the bytes of its largest block,
# and the `Statistics` of every block under a mixture of 4 components, summed.

# %%
X_big = da.zeros((1_000_000, 3), chunks=(150_000, 3))
gmm4 = em.initial_gmm(np.random.default_rng(0).normal(size=(100, 3)), 4, rng=0)
sizes = [sum(np.asarray(f, dtype=float).nbytes for f in scale.block_statistics(b.compute(), gmm4))
         for b in X_big.to_delayed().ravel()]
print(f"blocks: {X_big.numblocks[0]}, rows per block: {X_big.chunks[0]}, "
      f"largest block: {X_big.blocks[0].compute().nbytes / 1e6} MB; bytes sent in one pass: {sum(sizes)}; "
      f"all the data: {X_big.nbytes / 1e6} MB")

# %% [markdown]
# ## Exercise 4 — A step-size schedule for stepwise EM (2 points · ★★☆ · about 15 min · decide)
#
# Stepwise EM (lesson 12, section 11) updates its statistics with $s \leftarrow (1 - \eta_t)s + \eta_t \hat s_t$
# after each mini-batch. As in the lesson's loop, the running statistics $s$ start as the first batch's own
# statistics; $\eta_0$ is the step taken at the second batch. Choose the schedule: write `step_size(t)` returning
# $\eta_t$ for a numpy array of $t = 0, 1, 2, \dots$ (floats; an array of the same shape). The lesson ran the
# package's default $(t + 2)^{-0.6}$: choose your own, and say in a comment why. The check then
#
# - checks that every $\eta_t$ is in $(0, 1]$ and that your schedule satisfies both Robbins–Monro conditions
#   (it reads the decay exponent from $t = 10^6$ to $10^8$);
# - runs stepwise EM with your schedule on the 20 000 points below (mini-batches of 200, three passes, from the
#   start below) and measures how far its log-likelihood per point ends below batch EM's: it must be within
#   0.01 nats per point.
#
# *Think about:* the conditions only speak about the tail of the schedule. What do the first few steps do to
# the statistics of the starting mixture, and how many steps are there in three passes?

# %%
X_step, start_step = checks.step_problem()
batch_fit = em.fit_em(X_step, start_step, max_iter=500, tol=1e-10)
print(f"X_step: {X_step.shape}; batch EM: {batch_fit.history[-1] / len(X_step):.4f} nats per point "
      f"after {batch_fit.n_iter} iterations")

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def step_size(t):
    """eta_t for an integer array t >= 0: an array of the same shape, each in (0, 1]."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_step_size(step_size)

# %% [markdown]
# ## Exercise 5 — The log-likelihood as a map-reduce (2 points · ★☆☆ · about 10 min · implement)
#
# EM's stopping rule needs $\ell(\theta) = \sum_n \log p(x_n \mid \theta)$ of all the data, one block at a time.
#
# 1. The map: `block_log_likelihood(X_block, weights, means, covs)` returns $\sum_{n \in \text{block}} \log p(x_n)$,
#    a float, for a mixture with weights `(K,)`, means `(K, d)` and covariances `(K, d, d)`. It must stay finite for
#    points far from every component and give 0 for an empty block.
# 2. The reduce: `per_point(pairs)` takes a list of `(block log-likelihood, number of points in the block)` pairs
#    and returns $\ell / N$ for all the blocks together.
#
# `scipy.stats.multivariate_normal` and `scipy.special.logsumexp` are allowed.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
from scipy import special, stats


def block_log_likelihood(X_block, weights, means, covs):
    """sum over the rows of X_block (m, d) of log p(x_n) under the mixture: a float (0 for m = 0)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


def per_point(pairs):
    """ell / N from a list of (block log-likelihood, block's number of points) pairs."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_block_log_likelihood(block_log_likelihood)
checks.check_per_point(per_point)

# %% [markdown]
# Your map and reduce on a dask array (not graded): the 20 000 points of exercise 4 in 8 blocks, each block mapped
# by your function as a delayed task, the pairs reduced by yours, against batch EM's start.

# %%
try:
    X_blocks = da.from_array(X_step, chunks=(2_500, 2))
    g = start_step
    tasks = [dask.delayed(lambda b: (block_log_likelihood(b, g.weights, g.means, g.covariances), len(b)))(b)
             for b in X_blocks.to_delayed().ravel()]
    pairs = dask.compute(*tasks)
    print(f"{len(pairs)} blocks: {per_point(pairs):.6f} nats per point; "
          f"in memory: {em.e_step(X_step, g)[1] / len(X_step):.6f}")
except NotImplementedError:
    print("Finish exercise 5 first.")

# %% [markdown]
# ## What you practised
#
# | exercise | the skill | reread if it was hard |
# |---|---|---|
# | 1 | a block's expected sufficient statistics, with the scatter centred on each weighted mean | lesson 12, sections 1 and 2 |
# | 2 | inverting the pairwise merge (a downdate), and why it survives data far from the origin | sections 3 and 4 |
# | 3 | the sizes that decide a distributed EM: blocks, memory per block, bytes sent per pass | sections 2 and 9 |
# | 4 | a step-size schedule: the Robbins–Monro conditions, and what they do not decide | sections 11 and 12 |
# | 5 | the log-likelihood as a map-reduce, weighted by block sizes | sections 6 and 7 |
#
# Exercise 1 is the map of one EM iteration, exercise 2 the merge run backwards (what a sliding window needs);
# exercise 3 is what they cost. Exercise 4 shows
# that the conditions on the step sizes are about the limit: any exponent in $(\frac12, 1]$ passes them, but how
# fast the early batches are forgotten is what you see after a few passes. Exercise 5 is the same map-reduce for
# the number EM stops on; averaging the blocks' averages is the classic mistake when blocks differ in size.
