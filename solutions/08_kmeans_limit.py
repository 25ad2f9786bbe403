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
# # Exercises 08 — k-means as a limit of EM
#
# Give every component the same weight $1/K$ and the same round covariance $\Sigma_k = I/\beta$. The
# E-step then becomes a softmax of distances, and as the stiffness $\beta$ grows it turns into
# k-means. In these exercises you build that limit and check it in numbers:
#
# 1. `soft_responsibilities(X, centers, beta)`: the softmax, stable even at $\beta = 10^6$,
# 2. `soft_update(X, resp)`: one soft k-means update of the centres,
# 3. `deviation_from_one_hot(X, centers, beta)`: how far the responsibilities are from hard labels,
# 4. a limit: what happens at a tie as $\beta \to \infty$,
# 5. `kmeans_factorisation(X, labels, k)`: k-means as $\lVert X - ZM \rVert_F^2$ with one-hot $Z$.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy only: the checks notice if you call the `coursepkg` function you are
# asked to write.
#
# The lesson these exercises follow: [08 — k-means as a limit of EM](../notebooks/08_kmeans_limit.ipynb).
#
# Notation: points are the rows of `X` `(n, d)`, centres the rows of `centers` `(k, d)`, and
# $d_{nk}^2 = \lVert x_n - m_k \rVert^2$.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg.checks import lesson08 as checks
from coursepkg.datasets import make_synthetic
from coursepkg.kmeans import kmeans

X, _ = make_synthetic("round", n=300, rng=3)  # three round clusters in 2-D
start = X[[0, 1, 2]].copy()  # three data points as starting centres
print(f"X: {X.shape}; starting centres:\n{start}")

# %% [markdown]
# ## Exercise 1 — Responsibilities of an isotropic mixture (2 points)
#
# With $\pi_k = 1/K$ and $\Sigma_k = I/\beta$, the factor $\frac1K(\beta/2\pi)^{d/2}$ is common to all
# components and cancels in the E-step, leaving
#
# $$r_{nk} = \frac{\exp\!\big(-\tfrac{\beta}{2} d_{nk}^2\big)}{\sum_j \exp\!\big(-\tfrac{\beta}{2} d_{nj}^2\big)} .$$
#
# Write `soft_responsibilities(X, centers, beta)` returning the `(n, k)` table. At $\beta = 10^6$
# every exponential underflows to 0, so subtract each row's largest logit $a_{nk} = -\frac\beta2 d_{nk}^2$
# before exponentiating (the softmax does not change when a row is shifted).

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_responsibilities(X, centers, beta):
    """softmax over k of -beta/2 ||x_n - m_k||^2: (n, d), (k, d), float -> (n, k), rows sum to 1."""
    ### BEGIN SOLUTION
    sq_dist = np.sum((X[:, None, :] - centers[None, :, :]) ** 2, axis=2)  # (n, k)
    logits = -0.5 * beta * sq_dist
    logits -= logits.max(axis=1, keepdims=True)  # the largest logit of each row becomes 0
    weights = np.exp(logits)
    return weights / weights.sum(axis=1, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_responsibilities(soft_responsibilities)
### BEGIN HIDDEN TESTS
checks.check_soft_responsibilities(soft_responsibilities, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2 — One soft k-means update (2 points)
#
# The M-step for the means, with the covariances held at $I/\beta$ and the weights at $1/K$, moves each
# centre to the responsibility-weighted mean of the points:
#
# $$m_k = \frac{\sum_n r_{nk}\, x_n}{\sum_n r_{nk}} .$$
#
# Write `soft_update(X, resp)` returning the new centres `(k, d)`. With one-hot responsibilities this
# is exactly the k-means update.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_update(X, resp):
    """Responsibility-weighted means: X (n, d), resp (n, k) -> centres (k, d)."""
    ### BEGIN SOLUTION
    return (resp.T @ X) / resp.sum(axis=0)[:, None]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_update(soft_update)
### BEGIN HIDDEN TESTS
checks.check_soft_update(soft_update, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3 — How far from hard labels? (1 point)
#
# Let $h_{nk} = 1$ if $m_k$ is the nearest centre to $x_n$ and 0 otherwise. Write
# `deviation_from_one_hot(X, centers, beta)` returning
#
# $$\max_{n,k}\, \lvert r_{nk} - h_{nk} \rvert ,$$
#
# using your `soft_responsibilities`. At $\beta = 0$ every $r_{nk} = 1/K$ and the deviation is $1 - 1/K$;
# as $\beta \to \infty$ it should go to 0.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def deviation_from_one_hot(X, centers, beta):
    """max over n, k of |r_nk - [k is the nearest centre of x_n]|, a float."""
    ### BEGIN SOLUTION
    resp = soft_responsibilities(X, centers, beta)
    sq_dist = np.sum((X[:, None, :] - centers[None, :, :]) ** 2, axis=2)
    one_hot = np.eye(len(centers))[np.argmin(sq_dist, axis=1)]
    return float(np.max(np.abs(resp - one_hot)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_deviation_from_one_hot(deviation_from_one_hot)
### BEGIN HIDDEN TESTS
checks.check_deviation_from_one_hot(deviation_from_one_hot, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The limit on the setup data (not graded): the deviation falls to 0 as $\beta$ grows, and soft
# k-means run at $\beta = 10^6$ (your two functions alternated from the same start) ends with the
# same labels and centres as k-means.

# %%
try:
    for beta in (0.0, 1.0, 10.0, 100.0, 1e3, 1e6):
        print(f"beta = {beta:9g}: max |r - one-hot| = {deviation_from_one_hot(X, start, beta):.2e}")
    centers = start.copy()
    for _ in range(100):
        centers = soft_update(X, soft_responsibilities(X, centers, 1e6))
    soft_labels = np.argmax(soft_responsibilities(X, centers, 1e6), axis=1)
    km = kmeans(X, start)
    print(f"labels equal to k-means labels: {np.array_equal(soft_labels, km.labels)}; "
          f"largest centre difference {np.max(np.abs(centers - km.centers)):.1e}")
except NotImplementedError:
    print("Finish exercises 1-3 first.")

# %% [markdown]
# ## Exercise 4 — A tie in the limit (1 point)
#
# Take three centres and a point exactly as far from centre 0 as from centre 1,
# $d_{n0}^2 = d_{n1}^2 = 1$, and farther from centre 2, $d_{n2}^2 = 4$. What is
# $\lim_{\beta \to \infty} r_{n1}$? Derive it (divide numerator and denominator by $e^{-\beta/2}$), then
# write `tie_limit()` returning the number. You can confirm it with your `soft_responsibilities` on a
# small example.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def tie_limit():
    """lim_{beta -> inf} r_n1 when d_n0^2 = d_n1^2 = 1 and d_n2^2 = 4, a float."""
    ### BEGIN SOLUTION
    # r_n1 = 1 / (1 + 1 + exp(-beta/2 (4 - 1))) -> 1/2
    return 0.5
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_tie_limit(tie_limit)

# %% [markdown]
# ## Exercise 5 — k-means as matrix factorisation (2 points)
#
# Put the labels into a one-hot matrix $Z$ `(n, k)`, $Z_{nk} = 1$ if `labels[n] == k`. Row $n$ of $ZM$ is the
# centre of $x_n$'s cluster, so $\lVert X - ZM \rVert_F^2 = \sum_n \lVert x_n - m_{c_n}\rVert^2 = J$, the k-means
# objective. For fixed $Z$ the best $M$ is the least-squares solution $M = (Z^\top Z)^{-1} Z^\top X$;
# since $Z^\top Z = \operatorname{diag}(N_1, \dots, N_K)$, it is the matrix of cluster means.
#
# Write `kmeans_factorisation(X, labels, k)` returning `(Z, M, J)`. Every cluster in the check has at
# least one point.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def kmeans_factorisation(X, labels, k):
    """One-hot Z (n, k), M = (Z^T Z)^-1 Z^T X (k, d) and J = ||X - Z M||_F^2 (float)."""
    ### BEGIN SOLUTION
    Z = np.eye(k)[labels]
    M = np.linalg.solve(Z.T @ Z, Z.T @ X)
    J = float(np.sum((X - Z @ M) ** 2))
    return Z, M, J
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_factorisation(kmeans_factorisation)
### BEGIN HIDDEN TESTS
checks.check_factorisation(kmeans_factorisation, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## What you built
#
# Exercises 1–2 are soft k-means, which is EM for a mixture whose weights and covariances are
# frozen at $1/K$ and $I/\beta$. Exercises 3–4 take $\beta \to \infty$: responsibilities become one-hot
# (a tie stays split) and the update becomes Lloyd's. Exercise 5 writes the result as a matrix
# factorisation $X \approx ZM$. Everything k-means cannot do (clusters of different sizes, shapes
# and weights) comes back when EM is allowed to learn $\pi_k$ and $\Sigma_k$.
