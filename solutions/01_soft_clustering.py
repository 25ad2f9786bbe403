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
# # Exercises 01 — Soft clustering: k-means by hand, then soft assignments
#
# In these exercises you build k-means from its parts, soften it, and then think with it:
#
# 1. the hard assignment (label of the nearest centre),
# 2. the objective $J$,
# 3. one update of the centres (including the rule for an empty cluster),
# 4. the soft assignment table,
# 5. reading a soft table: hard labels, hard counts and soft (fractional) counts,
# 6. the soft weight of a border point, derived in closed form for any weights and any position, and the width
#    of the band where that weight is undecided,
# 7. a data set of your own on which k-means fails, even when it starts at the right answer.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (find a formula on paper that the lesson did not write, then code it),
# *predict* or *decide* (make a choice the check then tests). Exercises 1, 2 and 5 are warm-ups; 6 and 7 are
# where you think most. Altogether about 105 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy only: the checks notice if you call the `coursepkg` function you
# are asked to write.
#
# The lesson these exercises follow: [01 — Soft clustering](../notebooks/01_soft_clustering.ipynb).
#
# Notation (as in the lesson): points $x_1, \dots, x_N \in \mathbb{R}^d$ are the rows of `X`
# (shape `(N, d)`), centres $\mu_1, \dots, \mu_K$ are the rows of `centers` (shape `(K, d)`), and a hard
# assignment is stored as a label vector `labels`: `labels[n] = k` means $r_{nk} = 1$. In prose the
# clusters are numbered $1, \dots, K$; in Python the label of cluster $k$ is $k - 1$ (Python counts from 0).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg import datasets
from coursepkg.checks import lesson01 as checks

faithful = datasets.old_faithful()
X = (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)  # standardised Old Faithful, shape (272, 2)
start = np.array([[1.2, 1.4], [1.0, 0.2]])  # a poor start: both centres in the upper right
print(f"X has shape {X.shape}; starting centres:\n{start}")

# %% [markdown]
# ## Exercise 1 — Hard assignment (1 point · ★☆☆ · about 10 min · implement)
#
# Write `assign(X, centers)` returning, for every point, the index of its nearest centre:
#
# $$\text{labels}[n] = \arg\min_{k} \lVert x_n - \mu_k \rVert^2 .$$
#
# **In:** `X` of shape `(N, d)`, `centers` of shape `(K, d)`. **Out:** integer array of shape `(N,)`.
#
# *Think about:* you need all $N \times K$ squared distances; can you get them without a Python loop over
# points? Which axis of that table runs over centres, and what type must a label be to index `centers`?

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def assign(X, centers):
    """Index of the nearest centre for each point. X (n, d), centers (k, d) -> labels (n,) of ints."""
    ### BEGIN SOLUTION
    diff = X[:, None, :] - centers[None, :, :]  # (n, k, d)
    sq_dist = np.sum(diff**2, axis=2)  # (n, k)
    return np.argmin(sq_dist, axis=1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_assign(assign)
### BEGIN HIDDEN TESTS
checks.check_assign(assign, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2 — The k-means objective $J$ (1 point · ★☆☆ · about 5 min · implement)
#
# Write `objective(X, centers, labels)` returning the distortion
#
# $$J = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk} \lVert x_n - \mu_k \rVert^2 ,$$
#
# the sum of squared distances from each point to the centre **of its label** (use the labels you
# are given, even if they are not the nearest centres).
#
# **In:** `X` `(N, d)`, `centers` `(K, d)`, `labels` `(N,)` ints. **Out:** a float.
#
# *Think about:* only one term of the inner sum is non-zero for each point. Which centre is it, and can you
# pick all $N$ of them at once?

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def objective(X, centers, labels):
    """J = sum_n ||x_n - mu_{labels_n}||^2. X (n, d), centers (k, d), labels (n,) -> float."""
    ### BEGIN SOLUTION
    diff = X - centers[labels]
    return float(np.sum(diff**2))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_objective(objective)
### BEGIN HIDDEN TESTS
checks.check_objective(objective, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3 — One Lloyd update of the centres (2 points · ★★☆ · about 15 min · implement)
#
# Write `update_centers(X, labels, old_centers)` returning the new centres: centre $j$ becomes the
# mean of the points with label $j$,
#
# $$\mu_k = \frac{\sum_n r_{nk}\, x_n}{N_k}, \qquad N_k = \sum_n r_{nk}.$$
#
# If **no** point is in cluster $k$ ($N_k = 0$) the mean is $0/0$; then keep the old centre
# `old_centers[k]`. Keeping it leaves $J$ unchanged for that cluster, so $J$ still cannot increase.
#
# **In:** `X` `(N, d)`, `labels` `(N,)`, `old_centers` `(K, d)`. **Out:** array `(K, d)`.
# Do not modify `old_centers` in place: the caller still needs its old centres (the check passes the same
# array to several cases, by its name `old_centers`, and notices if your function wrote into it).
#
# *Think about:* label $j$ is cluster $j + 1$ in prose. Which clusters can be empty, and what does a mean over no
# points give you in numpy?

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def update_centers(X, labels, old_centers):
    """Mean of each cluster; an empty cluster keeps its old centre. Returns (k, d)."""
    ### BEGIN SOLUTION
    new_centers = np.array(old_centers, dtype=float, copy=True)
    for j in range(len(old_centers)):
        members = X[labels == j]
        if len(members) > 0:
            new_centers[j] = members.mean(axis=0)
    return new_centers
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_update_centers(update_centers)
### BEGIN HIDDEN TESTS
checks.check_update_centers(update_centers, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your three functions already make Lloyd's algorithm. The next cell (not graded) runs it on Old
# Faithful from the poor start and prints $J$ after each update: it never goes up.

# %%
import traceback

EXERCISE_OF = {"assign": 1, "objective": 2, "update_centers": 3}


def lloyd(X, centers, max_iter=50):
    centers = np.array(centers, dtype=float)  # a copy: the caller's starting centres stay as they were
    history = []
    labels = assign(X, centers)
    for _ in range(max_iter):
        centers = update_centers(X, labels, centers)
        new_labels = assign(X, centers)
        history.append(objective(X, centers, new_labels))
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centers, labels, history


J_history = None
try:
    centers_fit, labels_fit, J_history = lloyd(X, start)
except NotImplementedError:
    print("Finish exercises 1-3 first.")
except Exception as exc:  # a function that is written but wrong: say whose code stopped, not a traceback
    names = [frame.f_code.co_name for frame, _ in traceback.walk_tb(exc.__traceback__)]
    where = next((f"your {name} (Exercise {EXERCISE_OF[name]})" for name in reversed(names) if name in EXERCISE_OF), "")
    print(f"Lloyd's algorithm stopped: {type(exc).__name__}: {exc}" + (f", raised in {where}." if where else "."))
    print("Rerun the check cells of Exercises 1-3: the first one that fails names the mistake (a wrong label or")
    print("shape from one function can make the next one raise).")
if J_history is not None:
    from coursepkg import claims

    print("J after each round (an update, then the assign step that follows it):", np.round(J_history, 3))
    claims.at_most("largest change of J from one round to the next", max(np.diff(J_history), default=0.0), 0.0)


# %% [markdown]
# ## Exercise 4 — Soft assignment (2 points · ★★☆ · about 15 min · implement)
#
# Soft k-means replaces the one-hot label by a weight for every centre,
#
# $$r_{nk} = \frac{\exp\!\left(-\tfrac{\beta}{2} \lVert x_n - \mu_k \rVert^2\right)}
#                 {\sum_{j} \exp\!\left(-\tfrac{\beta}{2} \lVert x_n - \mu_j \rVert^2\right)},$$
#
# a softmax over centres with **stiffness** $\beta \ge 0$. Each row of the table sums to 1. This is the
# soft table of lesson 01, section 7, for clusters with equal weights and the same round spread
# $\sigma^2 I$: section 9 wrote it with $1/(2\sigma^2)$ in the exponent, so $\beta = 1/\sigma^2$, the
# **precision** (inverse variance) of each cluster. A large $\beta$ means tight clusters and nearly hard
# weights; $\beta = 0$ means every weight is $1/K$.
#
# Write `soft_assign(X, centers, beta)` returning the `(N, K)` table.
#
# *Beware:* for a point far from every centre, all the exponentials underflow to 0 and the ratio is
# $0/0$ = NaN. What can you add to every logit $a_{nk} = -\tfrac{\beta}{2}\lVert x_n - \mu_k\rVert^2$ of
# one row without changing the softmax, and which choice makes the largest exponential exactly 1?

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_assign(X, centers, beta):
    """r[n, k] = softmax over k of -beta/2 ||x_n - mu_k||^2. X (n, d), centers (k, d) -> (n, k), rows sum to 1."""
    ### BEGIN SOLUTION
    sq_dist = np.sum((X[:, None, :] - centers[None, :, :]) ** 2, axis=2)  # (n, k)
    logits = -0.5 * beta * sq_dist
    logits = logits - logits.max(axis=1, keepdims=True)  # the largest logit of each row becomes 0
    weights = np.exp(logits)
    return weights / weights.sum(axis=1, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_assign(soft_assign)
### BEGIN HIDDEN TESTS
checks.check_soft_assign(soft_assign, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 5 — Reading a soft table (1 point · ★☆☆ · about 5 min · implement)
#
# Lesson 01, section 7, reads a soft weight two ways: as a belief (how sure we are that $x_n$ came from
# cluster $k$) and as a **fractional count** (how much of $x_n$ cluster $k$ gets when it is re-estimated).
# Write `read_table(R)` that takes a soft table `R` of shape `(N, K)` and returns the triple
#
# * `labels`: the hard label of each point, the cluster with its largest weight (integers, shape `(N,)`),
# * `hard_counts`: how many points have each label (shape `(K,)`),
# * `soft_counts`: the fractional counts $N_k = \sum_n r_{nk}$ (shape `(K,)`).
#
# *Think about:* which axis is a point and which a cluster? What should `hard_counts` say for a cluster
# that is no point's largest weight, and what does `soft_counts` say for it? The hard and soft counts
# both add up to $N$: why?

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def read_table(R):
    """(labels (N,), hard_counts (K,), soft_counts (K,)) of a soft table R of shape (N, K)."""
    ### BEGIN SOLUTION
    labels = np.argmax(R, axis=1)
    hard_counts = np.bincount(labels, minlength=R.shape[1])  # a cluster that never wins still gets its 0
    soft_counts = R.sum(axis=0)
    return labels, hard_counts, soft_counts
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_read_table(read_table)
### BEGIN HIDDEN TESTS
checks.check_read_table(read_table, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# On Old Faithful with the poor start of the setup cell (not graded): the two tables count the clusters
# differently, and the difference is the points near the border, which the soft table shares out.

# %%
try:
    R_start = soft_assign(X, start, 1.0)
    labels_start, hard_start, soft_start = read_table(R_start)
    print(f"beta = 1 from the poor start: hard counts {hard_start}, soft counts {np.round(soft_start, 1)}")
except NotImplementedError:
    print("Finish exercises 4 and 5 first.")
except Exception as exc:  # written but wrong: the checks above say what is wrong
    print(f"Your soft_assign or read_table raised {type(exc).__name__}: {exc}. Rerun the checks of Exercises 4 and 5.")

# %% [markdown]
# ## Exercise 6 — The border point in closed form (3 points · ★★☆ · about 25 min · derive)
#
# Lesson 01, section 9, found the soft weight of a point on the segment between two equally common
# clusters. Now do the general case yourself. Two clusters have centres $\mu_1$, $\mu_2$ a distance $D$
# apart, the same covariance $I/\beta$, and weights $\pi_1 = 1 - \pi_2$ and $\pi_2$. The point is
#
# $$x = \mu_1 + t\,(\mu_2 - \mu_1) + s\, e, \qquad e \perp (\mu_2 - \mu_1),\ \lVert e \rVert = 1,$$
#
# at position $t$ along the line through the centres ($t$ may be outside $[0, 1]$) and a distance $s$
# to the side of it. Derive $r_2$, the responsibility of cluster 2 for $x$, as a function of
# $t, s, D, \beta, \pi_2$, **on paper**; then write `border_weight(t, offset, D, beta, pi2)` returning it.
# The check evaluates your function for several parameter sets. Part (b), below, uses your formula to answer a
# question a numerical softmax cannot answer directly.
#
# *Think about:* write $\log(r_2 / r_1)$ first: what cancels between the two Gaussians, and what is left?
# Use Pythagoras for the two squared distances. Does the sideways offset $s$ survive? Which way must
# $r_2$ move when $t$ grows, and when $\pi_2$ grows? Test your function on cases you can answer without
# the formula ($\pi_2 = 1/2$ at the midpoint; $\beta = 0$).

# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def border_weight(t, offset, D, beta, pi2):
    """r_2 at x = mu_1 + t (mu_2 - mu_1) + offset * e, clusters N(mu_k, I / beta), weights (1 - pi2, pi2)."""
    ### BEGIN SOLUTION
    # log(r2 / r1) = log(pi2 / pi1) - beta/2 (||x - mu2||^2 - ||x - mu1||^2); the offset^2 of both cancels,
    # and t^2 D^2 - (1 - t)^2 D^2 = D^2 (2t - 1)
    log_odds = np.log(pi2 / (1 - pi2)) + beta * D**2 * (t - 0.5)
    return float(1 / (1 + np.exp(-log_odds)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex6_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_border_weight(border_weight)
### BEGIN HIDDEN TESTS
checks.check_border_weight(border_weight, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# **(b) The undecided band.** The lab of lesson 01 (section 10) asks how wide the band of positions is where the
# soft weight is between 20% and 80%. With your closed form you can answer without measuring: solve
# $r_2 = 0.2$ and $r_2 = 0.8$ for $t$ (at any offset $s$) and write `band_width(D, beta, pi2)` returning the
# width of that band in $t$, for weights $\pi_1 = 1 - \pi_2$ and $\pi_2$.
#
# *Think about:* what is $\log(r_2 / r_1)$ at the two edges? What does the prior do to the log-odds as a
# function of $t$, and so to the band? How should the band change when $\beta$ doubles, or $D$?

# %% nbgrader={"grade": false, "grade_id": "ex6_solution_band", "locked": false, "schema_version": 3, "solution": true}
def band_width(D, beta, pi2):
    """Width in t of the positions where 0.2 <= r_2 <= 0.8, for clusters N(mu_k, I / beta) a distance D apart."""
    ### BEGIN SOLUTION
    # at the edges the log-odds log(r2 / r1) is log(0.2 / 0.8) = -log 4 and log(0.8 / 0.2) = +log 4; it grows
    # with slope beta D^2 in t, and the prior only shifts it
    return float(2 * np.log(4.0) / (beta * D**2))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex6_check_band", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_band_width(band_width)
### BEGIN HIDDEN TESTS
checks.check_band_width(band_width, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your width against a measurement (not graded): the cell below evaluates your `border_weight` on a fine grid of
# positions for $D = 4$, $\beta = 1$, equal weights, and measures the band.

# %%
try:
    t_grid = np.linspace(0, 1, 1001)
    weights_on_grid = np.array([border_weight(t, 0.0, 4.0, 1.0, 0.5) for t in t_grid])
    band = t_grid[(weights_on_grid > 0.2) & (weights_on_grid < 0.8)]
    print(f"D = 4, beta = 1: measured band t in [{band.min():.3f}, {band.max():.3f}], {band.max() - band.min():.3f} "
          f"wide (on a grid of step 0.001); your band_width gives {band_width(4.0, 1.0, 0.5):.3f}")
except NotImplementedError:
    print("Finish exercise 6 first.")
except Exception as exc:  # written but wrong: the checks above say what is wrong
    print(f"Your border_weight or band_width raised {type(exc).__name__}: {exc}. Rerun the checks of Exercise 6.")

# %% [markdown]
# ## Exercise 7 — A data set that breaks k-means (2 points · ★★★ · about 30 min · decide)
#
# Lesson 01, section 5, showed k-means walking away from the true groups even when it starts at their
# centres. Build your own case, with **two** groups in the plane. Write `kmeans_trap()` returning
# `(X, z)`: the points `X` of shape `(N, 2)` and the group of each point `z` (0 or 1), such that
#
# * the two groups are **clearly separate**: the closest two points of different groups are at least
#   1.5 times farther apart than the largest step you need to walk, from point to point, across either
#   group. That step is the longest edge of the group's *minimum spanning tree* (the shortest set of segments
#   that joins all its points); so single linkage, or a person with a pencil, would draw exactly your two groups;
# * k-means started at **the two groups' own means** (the fairest possible start) ends with at least 10%
#   of the points in the wrong group;
# * $20 \le N \le 1000$ and each group has at least 10 points. Make it reproducible (a seeded generator
#   or a grid): the check calls `kmeans_trap()` twice and wants the same data both times.
#
# *Think about:* where is the boundary between two k-means clusters, and what does drawing it there assume
# about the groups' shapes and sizes? Which groups break that assumption and are still clearly separate?
# To try an idea before you run the check, `checks.trap_report(X, z)` prints what the check measures on your
# data: the gap, the longest spanning-tree step inside a group, whether the bisector of the two means already
# separates the groups, and how many points k-means started at the means keeps in their group.

# %% nbgrader={"grade": false, "grade_id": "ex7_solution", "locked": false, "schema_version": 3, "solution": true}
def kmeans_trap():
    """(X (N, 2), z (N,) of 0/1): two clearly separate groups that k-means, started at their means, gets wrong."""
    ### BEGIN SOLUTION
    # a wide group (a disc of radius 3 on a grid of step 0.25) beside a small tight one: the bisector of the
    # two means cuts through the wide disc, and every update pulls the small cluster's centre into it
    grid = np.arange(-3.0, 3.01, 0.25)
    wide = np.array([(a, b) for a in grid for b in grid if a**2 + b**2 <= 9.0])
    small = np.array([4.0, 0.0]) + 0.3 * np.random.default_rng(1).uniform(-1, 1, size=(40, 2))
    X_trap = np.vstack([wide, small])
    z_trap = np.concatenate([np.zeros(len(wide), dtype=int), np.ones(len(small), dtype=int)])
    return X_trap, z_trap
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex7_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_kmeans_trap(kmeans_trap)

# %% [markdown]
# ## What you practised
#
# | exercise | the skill | reread if it was hard |
# |---|---|---|
# | 1 | the assign step: all distances at once, the nearest centre per point | lesson 01, section 1 |
# | 2 | the objective $J$ for a given assignment | sections 1 and 2 |
# | 3 | the update step, and why an empty cluster keeps its centre | sections 2 and 3 |
# | 4 | the soft table as a softmax, stable for far points; $\beta = 1/\sigma^2$ | sections 7 and 9 |
# | 5 | reading a soft table: a weight as a belief and as a fractional count | section 7 |
# | 6 | deriving a responsibility in closed form: log-odds, what cancels, where the prior enters; solving it for the undecided band | section 9 and its lab (section 10) |
# | 7 | choosing data that exposes k-means' round, equal cells | sections 5 and 6 |
#
# Exercises 1–3 are Lloyd's algorithm. Exercise 4 is the soft version that lessons 02–08 derive from a
# probability model: in lesson 08 your `soft_assign` is exactly the E-step of a Gaussian mixture with equal
# weights and covariance $I/\beta$, and exercise 6's logistic curve returns there as its border.
