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
# In these exercises you build k-means from its parts and then soften it:
#
# 1. the hard assignment (label of the nearest centre),
# 2. the objective $J$,
# 3. one update of the centres (including the rule for an empty cluster),
# 4. the soft assignment table,
# 5. the gradient of $J$ (a derivation you verify),
# 6. the number of possible assignments (a counting question behind the termination proof).
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy only: the checks notice if you call the `coursepkg` function you
# are asked to write.
#
# The lesson these exercises follow: [01 — Soft clustering](../notebooks/01_soft_clustering.ipynb).
#
# Notation (as in the lesson): points $x_1, \dots, x_n \in \mathbb{R}^d$ are the rows of `X`
# (shape `(n, d)`), centres $m_1, \dots, m_k$ are the rows of `centers` (shape `(k, d)`), and
# the label of point $n$ is $c_n \in \{0, \dots, k-1\}$ (Python counts from 0).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg import datasets
from coursepkg.checks import lesson01 as checks

faithful = datasets.old_faithful()
X = (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)  # standardised Old Faithful, shape (272, 2)
start = np.array([[1.2, 1.4], [1.0, 0.2]])  # a poor start: both centres in the upper right
print(f"X has shape {X.shape}; starting centres:\n{start}")

# %% [markdown]
# ## Exercise 1 — Hard assignment (1 point)
#
# Write `assign(X, centers)` returning, for every point, the index of its nearest centre:
#
# $$c_n = \arg\min_{j} \lVert x_n - m_j \rVert^2 .$$
#
# **In:** `X` of shape `(n, d)`, `centers` of shape `(k, d)`. **Out:** integer array of shape `(n,)`.
#
# *Hint:* broadcasting `X[:, None, :] - centers[None, :, :]` gives all differences, shape `(n, k, d)`;
# sum their squares over the last axis, then take `np.argmin` over the centre axis.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def assign(X, centers):
    """Index of the nearest centre for each point. X (n, d), centers (k, d) -> labels (n,) of ints."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_assign(assign)


# %% [markdown]
# ## Exercise 2 — The k-means objective $J$ (1 point)
#
# Write `objective(X, centers, labels)` returning the distortion
#
# $$J = \sum_{n=1}^{N} \lVert x_n - m_{c_n} \rVert^2 ,$$
#
# the sum of squared distances from each point to the centre **of its label** (use the labels you
# are given, even if they are not the nearest centres).
#
# **In:** `X` `(n, d)`, `centers` `(k, d)`, `labels` `(n,)` ints. **Out:** a float.
#
# *Hint:* `centers[labels]` has shape `(n, d)`: row $n$ is $m_{c_n}$.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def objective(X, centers, labels):
    """J = sum_n ||x_n - m_{labels_n}||^2. X (n, d), centers (k, d), labels (n,) -> float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_objective(objective)


# %% [markdown]
# ## Exercise 3 — One Lloyd update of the centres (2 points)
#
# Write `update_centers(X, labels, old_centers)` returning the new centres: centre $j$ becomes the
# mean of the points with label $j$,
#
# $$m_j = \frac{1}{N_j} \sum_{n:\, c_n = j} x_n, \qquad N_j = \#\{n : c_n = j\}.$$
#
# If **no** point has label $j$ ($N_j = 0$) the mean is $0/0$; then keep the old centre
# `old_centers[j]`. Keeping it leaves $J$ unchanged for that cluster, so $J$ still cannot increase.
#
# **In:** `X` `(n, d)`, `labels` `(n,)`, `old_centers` `(k, d)`. **Out:** array `(k, d)`.
# Do not modify `old_centers` in place; start from a copy.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def update_centers(X, labels, old_centers):
    """Mean of each cluster; an empty cluster keeps its old centre. Returns (k, d)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_update_centers(update_centers)


# %% [markdown]
# Your three functions already make Lloyd's algorithm. The next cell (not graded) runs it on Old
# Faithful from the poor start and prints $J$ after each update: it never goes up.

# %%
def lloyd(X, centers, max_iter=50):
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


try:
    from coursepkg import claims

    centers_fit, labels_fit, J_history = lloyd(X, start)
    print("J after each round (an update, then the assign step that follows it):", np.round(J_history, 3))
    claims.at_most("largest change of J from one round to the next", max(np.diff(J_history), default=0.0), 0.0)
except NotImplementedError:
    print("Finish exercises 1-3 first.")

# %% [markdown]
# ## Exercise 4 — Soft assignment (2 points)
#
# Soft k-means replaces the one-hot label by a weight for every centre,
#
# $$r_{nk} = \frac{\exp\!\left(-\tfrac{\beta}{2} \lVert x_n - m_k \rVert^2\right)}
#                 {\sum_{j} \exp\!\left(-\tfrac{\beta}{2} \lVert x_n - m_j \rVert^2\right)},$$
#
# a softmax over centres with **stiffness** $\beta \ge 0$. Each row of the table sums to 1.
#
# Write `soft_assign(X, centers, beta)` returning the `(n, k)` table.
#
# *Beware:* for a point far from every centre, all the exponentials underflow to 0 and the ratio is
# $0/0$ = NaN. The cure: a softmax does not change when you subtract the same number from every
# logit of a row, so subtract the row's largest logit $a_{n,\max}$ first:
# $r_{nk} = e^{a_{nk} - a_{n,\max}} / \sum_j e^{a_{nj} - a_{n,\max}}$, with $a_{nk} = -\tfrac{\beta}{2}\lVert x_n - m_k\rVert^2$.
# Now the largest term is $e^0 = 1$ and the denominator is at least 1.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_assign(X, centers, beta):
    """r[n, k] = softmax over k of -beta/2 ||x_n - m_k||^2. X (n, d), centers (k, d) -> (n, k), rows sum to 1."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_assign(soft_assign)


# %% [markdown]
# ## Exercise 5 — Derivation: the gradient of $J$ (1 point)
#
# Fix the labels. Only the points of cluster $k$ involve $m_k$, so
# $\nabla_{m_k} J = \nabla_{m_k} \sum_{n:\,c_n = k} \lVert x_n - m_k \rVert^2$.
# Derive this gradient on paper (expand $\lVert x - m \rVert^2 = (x - m)^\top (x - m)$ and
# differentiate with respect to $m$), then write `grad_J(X, centers, labels)` returning all $k$
# gradients as the rows of a `(k, d)` array. A cluster without points has gradient 0.
#
# Setting your gradient to zero and solving for $m_k$ should give back the update of exercise 3:
# the check also verifies that your gradient vanishes at the cluster means.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def grad_J(X, centers, labels):
    """Gradient of J with respect to each centre, labels fixed: (k, d), row k = dJ/dm_k."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_grad_J(grad_J)


# %% [markdown]
# ## Exercise 6 — Counting: why Lloyd's algorithm must stop (1 point)
#
# The termination proof says: $J$ strictly decreases whenever the labels change, so no assignment
# of labels is ever visited twice, and there are only finitely many of them. How many? Write
# `n_assignments(n, k)` returning the number of different ways to give each of $n$ points one of
# $k$ labels (empty clusters allowed). Return an exact Python integer.
#
# This is the bound on the number of updates in the proof. For Old Faithful with $k = 2$ it is a
# number with 82 digits; in practice Lloyd's algorithm stops after a handful of updates.

# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def n_assignments(n, k):
    """Number of label vectors (c_1, ..., c_n) with each c_i in {0, ..., k-1}: an int."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex6_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_n_assignments(n_assignments)

# %% [markdown]
# ## What you built
#
# Exercises 1–3 are Lloyd's algorithm; exercise 5 shows why its update is the best centre for fixed
# labels, exercise 6 why it stops. Exercise 4 is the soft version that lessons 02–08 derive from a
# probability model: in lesson 08 you will see that your `soft_assign` is exactly the E-step of a
# Gaussian mixture with equal weights and covariance $I/\beta$.
