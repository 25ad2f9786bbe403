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
# k-means. In these exercises you build that limit, and then use it:
#
# 1. `soft_responsibilities(X, centers, beta)`: the softmax, stable even at $\beta = 10^6$,
# 2. `soft_update(X, resp)`: one soft k-means update of the centres,
# 3. `deviation_from_one_hot(X, centers, beta)`: how far the responsibilities are from hard labels,
# 4. a tie, at every $\beta$: a responsibility derived in closed form, and its limit,
# 5. the critical stiffness $\beta_c$ of soft k-means: predicted from the data, then measured,
# 6. k-means or EM on long thin clusters: predict which one fails, then measure it,
# 7. k-means as a matrix factorisation $X \approx ZM$.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (find a formula the lesson did not write, then code it), *predict*
# (commit to an answer, then measure it) or *decide*. Altogether about 110 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy (and, where a task says so, `coursepkg`): the checks notice if you call the
# `coursepkg` function you are asked to write.
#
# The lesson these exercises follow: [08 — k-means as a limit of EM](../notebooks/08_kmeans_limit.ipynb).
#
# Notation: points are the rows of `X` `(N, d)`, centres $\mu_1, \dots, \mu_K$ the rows of `centers`
# `(K, d)`, and $d_{nk}^2 = \lVert x_n - \mu_k \rVert^2$. In prose the centres are numbered from 1; in the
# code, and in exercise 4, from 0 (Python's way).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg.checks import lesson08 as checks
from coursepkg.datasets import make_synthetic
from coursepkg.em import fit_em
from coursepkg.kmeans import kmeans, soft_kmeans
from coursepkg.mixture import GMM

X, _ = make_synthetic("round", n=300, rng=3)  # three round clusters in 2-D
start = X[[0, 1, 2]].copy()  # three data points as starting centres
print(f"X: {X.shape}; starting centres:\n{start}")

# %% [markdown]
# ## Exercise 1 — Responsibilities of an isotropic mixture (2 points · ★☆☆ · about 10 min · implement)
#
# With $\pi_k = 1/K$ and $\Sigma_k = I/\beta$, the factor $\frac1K(\beta/2\pi)^{d/2}$ is common to all
# components and cancels in the E-step, leaving
#
# $$r_{nk} = \frac{\exp\!\big(-\tfrac{\beta}{2} d_{nk}^2\big)}{\sum_j \exp\!\big(-\tfrac{\beta}{2} d_{nj}^2\big)} .$$
#
# Write `soft_responsibilities(X, centers, beta)` returning the `(N, K)` table. At $\beta = 10^6$
# every exponential $e^{-\beta d_{nk}^2/2}$ underflows to 0. *Think about:* which number can you take out
# of every logit of a row without changing the softmax, so that no row is ever all zeros?

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_responsibilities(X, centers, beta):
    """softmax over k of -beta/2 ||x_n - mu_k||^2: (n, d), (k, d), float -> (n, k), rows sum to 1."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_responsibilities(soft_responsibilities)


# %% [markdown]
# ## Exercise 2 — One soft k-means update (2 points · ★☆☆ · about 10 min · implement)
#
# The M-step for the means, with the covariances held at $I/\beta$ and the weights at $1/K$, moves each
# centre to the responsibility-weighted mean of the points:
#
# $$\mu_k = \frac{\sum_n r_{nk}\, x_n}{\sum_n r_{nk}} .$$
#
# Write `soft_update(X, resp)` returning the new centres `(K, d)`. With one-hot responsibilities this
# is exactly the k-means update.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_update(X, resp):
    """Responsibility-weighted means: X (n, d), resp (n, k) -> centres (k, d)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_update(soft_update)


# %% [markdown]
# ## Exercise 3 — How far from hard labels? (1 point · ★☆☆ · about 10 min · implement)
#
# Let $h_{nk} = 1$ if $\mu_k$ is the nearest centre to $x_n$ and 0 otherwise. Write
# `deviation_from_one_hot(X, centers, beta)` returning
#
# $$\max_{n,k}\, \lvert r_{nk} - h_{nk} \rvert ,$$
#
# using your `soft_responsibilities`. At $\beta = 0$ every $r_{nk} = 1/K$ and the deviation is $1 - 1/K$;
# as $\beta \to \infty$ it should go to 0.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def deviation_from_one_hot(X, centers, beta):
    """max over n, k of |r_nk - [k is the nearest centre of x_n]|, a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_deviation_from_one_hot(deviation_from_one_hot)

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
# ## Exercise 4 — A tie, at every stiffness (2 points · ★★☆ · about 15 min · derive)
#
# Take three centres and a point exactly as far from centre 0 as from centre 1, $d_{n0}^2 = d_{n1}^2 = a$,
# and at $d_{n2}^2 = b$ from centre 2. Derive $r_{n1}$ as a function of $\beta$, $a$ and $b$ on paper, then
# write `tie_weight(beta, a, b)` returning it. The check evaluates it for several $(\beta, a, b)$, with the
# third centre farther ($b > a$), nearer ($b < a$) and as far ($b = a$).
#
# *Think about:* write out the three exponentials; which common factor can you divide out? Then read off
# what your formula gives at $\beta = 0$, and as $\beta \to \infty$ for $b > a$ and for $b < a$: does the
# limit agree with the hard assignment of lesson 08, section 2, and what does k-means do with a tie?

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def tie_weight(beta, a, b):
    """r_n1 when d_n0^2 = d_n1^2 = a and d_n2^2 = b, at stiffness beta: a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_tie_weight(tie_weight)

# %% [markdown]
# ## Exercise 5 — The critical stiffness, predicted then measured (2 points · ★★★ · about 25 min · predict)
#
# Soft k-means with $K = 2$ on one cloud of points: for a small $\beta$ both centres sit on the data mean,
# for a large $\beta$ they split. Lesson 08, section 8, explains where. The cloud is `cloud`, set up below
# (400 points).
#
# 1. **Predict.** Write `predicted_beta_c()` returning the critical stiffness $\beta_c$ of this cloud as the
#    lesson's analysis gives it, computed from the data (not from the lesson's numbers: this cloud is another one).
# 2. **Measure.** Write `measured_beta_c()` that finds $\beta_c$ by experiment, running
#    `soft_kmeans(cloud, centres, beta, max_iter=..., tol=...)` (from `coursepkg.kmeans`, with two starting
#    centres of your choice) for many values of $\beta$, and **without** using the covariance: the smallest
#    $\beta$ at which the two centres move apart instead of merging. The check accepts a measurement within
#    5% of the critical value.
#
# *Think about:* two centres that start exactly equal stay equal at every $\beta$, so how should they start?
# Near $\beta_c$ a split grows by a factor close to 1 per iteration: how many iterations, and what tolerance,
# does a run need before you read off the distance between the centres? A search over $\beta$ that halves an
# interval needs far fewer runs than a fine grid.

# %%
cloud = checks.CLOUD
print(f"cloud: {cloud.shape}, mean {np.round(cloud.mean(axis=0), 3)}")

# %% nbgrader={"grade": false, "grade_id": "ex5_prediction", "locked": false, "schema_version": 3, "solution": true}
def predicted_beta_c():
    """beta_c of soft k-means on `cloud`, from the lesson's stability analysis: a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5_prediction: write your code here, then run the check cell below")


# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def measured_beta_c():
    """beta_c of soft k-means on `cloud`, found by running it: a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_beta_c(predicted_beta_c, measured_beta_c)

# %% [markdown]
# ## Exercise 6 — Long thin clusters: which one fails? (2 points · ★★☆ · about 20 min · predict)
#
# Three long, thin, parallel clusters (`make_synthetic("elongated", n=300, rng=0)`), and one start for both
# methods: three data points as centres, and for EM the mixture `gmm_start` with equal weights, those centres
# as means and a third of the data covariance for every component (set up below).
#
# 1. **Predict first**, before you run anything: write `which_fails()` returning `"k-means"` or `"EM"`, the
#    method that ends with clusters that do not follow the true components.
# 2. **Then measure:** write `agreements()` returning the pair (share of points k-means places right, share EM
#    places right), for `kmeans(X_e, start_e)` and `fit_em(X_e, gmm_start, max_iter=500)` with a hard label per
#    point (EM's most responsible component). A point is placed right when its cluster stands for its true
#    component `z_e`.
#
# *Think about:* cluster numbers are arbitrary: cluster 0 of a fit need not be true component 0. How do you
# compare labels that may be permuted? What shape do k-means' clusters have, and what does EM learn that
# k-means cannot?

# %%
X_e, z_e, start_e = checks.elongated_problem()
gmm_start = GMM(np.full(3, 1 / 3), start_e, np.repeat(np.cov(X_e.T, bias=True)[None] / 3, 3, axis=0))
print(f"X_e: {X_e.shape}; starting centres:\n{np.round(start_e, 3)}")

# %% nbgrader={"grade": false, "grade_id": "ex6_prediction", "locked": false, "schema_version": 3, "solution": true}
def which_fails():
    """The method whose clusters will not follow the long thin components: "k-means" or "EM"."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6_prediction: write your code here, then run the check cell below")


# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def agreements():
    """(share of points right for k-means, share right for EM), each under the best renumbering of clusters."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex6_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_elongated(which_fails, agreements)

# %% [markdown]
# ## Exercise 7 — k-means as matrix factorisation (2 points · ★★☆ · about 15 min · implement)
#
# Put the labels into a one-hot matrix $Z$ `(N, K)`, $Z_{nk} = 1$ if `labels[n] == k`. Row $n$ of $ZM$ is the
# centre of $x_n$'s cluster when row $k$ of $M$ is $\mu_k$, so $\lVert X - ZM \rVert_F^2 = J$, the k-means
# objective.
#
# Write `kmeans_factorisation(X, labels, k)` returning `(Z, M, J)`, with $M$ the `(K, d)` matrix that
# minimises $\lVert X - ZM \rVert_F^2$ for this $Z$, and $J$ that minimum. Every cluster in the check has at
# least one point.
#
# *Think about:* for fixed $Z$ this is least squares in $M$: set the gradient with respect to $M$ to zero.
# What matrix is $Z^\top Z$, and what are the rows of $Z^\top X$? You should recognise the update step of
# k-means.

# %% nbgrader={"grade": false, "grade_id": "ex7_solution", "locked": false, "schema_version": 3, "solution": true}
def kmeans_factorisation(X, labels, k):
    """One-hot Z (n, k), the M (k, d) minimising ||X - Z M||_F^2, and that minimum J (float)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex7: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex7_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_factorisation(kmeans_factorisation)

# %% [markdown]
# ## What you practised
#
# | exercise | the skill | reread if it was hard |
# |---|---|---|
# | 1 | the E-step of an isotropic, equal-weight mixture as a stable softmax | lesson 08, section 1 |
# | 2 | the M-step for the means: responsibility-weighted averages | section 3 |
# | 3 | measuring how close the soft table is to the hard one | sections 2 and 7 |
# | 4 | deriving a responsibility and its limits as $\beta$ grows | section 2 |
# | 5 | predicting a threshold from a stability analysis, then finding it by experiment | sections 8 and 9 |
# | 6 | predicting which model fits a data set, measuring it up to label switching | sections 12 and 13 |
# | 7 | k-means as least squares, $X \approx ZM$ with one-hot $Z$ | section 10 |
#
# Exercises 1–2 are soft k-means, EM with the weights and covariances frozen at $1/K$ and $I/\beta$;
# exercises 3–4 take $\beta \to \infty$ and exercise 5 shows that the frozen width decides when the centres
# split at all. Exercise 6 is what frozen round covariances cost: EM, which learns $\Sigma_k$, follows long
# clusters that k-means cuts across.
