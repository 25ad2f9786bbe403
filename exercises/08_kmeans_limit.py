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
# 4. a tie, at every $\beta$: a responsibility derived in closed form, computed without overflow, and its limit,
# 5. the critical stiffness $\beta_c$ of soft k-means: predicted from how a cloud was drawn, then measured on it,
# 6. k-means or EM on long thin clusters lying end to end: predict which fails, then measure it,
# 7. k-means as a matrix factorisation $X \approx ZM$, empty clusters included.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (find a formula the lesson did not write, then code it), *predict*
# (commit to an answer, then measure it) or *decide*. Altogether about an hour (the headings add up to 63 minutes).
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
# ## Exercise 1 — Responsibilities of an isotropic mixture (2 points · ★☆☆ · about 8 min · implement)
#
# With $\pi_k = 1/K$ and $\Sigma_k = I/\beta$, the factor $\frac1K(\beta/2\pi)^{d/2}$ is common to all
# components and cancels in the E-step, leaving
#
# $$r_{nk} = \frac{\exp\!\big(-\tfrac{\beta}{2} d_{nk}^2\big)}{\sum_j \exp\!\big(-\tfrac{\beta}{2} d_{nj}^2\big)} .$$
#
# Write `soft_responsibilities(X, centers, beta)` returning the `(N, K)` table. At $\beta = 10^6$
# every exponential $e^{-\beta d_{nk}^2/2}$ underflows to 0. *Think about:* which number can you take out
# of every logit of a row without changing the softmax, so that no row is ever all zeros, and no exponential
# overflows either? $\beta = 0$ is a valid stiffness here (every responsibility $1/K$).

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_responsibilities(X, centers, beta):
    """softmax over k of -beta/2 ||x_n - mu_k||^2: (n, d), (k, d), float -> (n, k), rows sum to 1."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_responsibilities(soft_responsibilities)


# %% [markdown]
# ## Exercise 2 — One soft k-means update (2 points · ★☆☆ · about 5 min · implement)
#
# The M-step for the means, with the covariances held at $I/\beta$ and the weights at $1/K$, moves each
# centre to the responsibility-weighted mean of the points:
#
# $$\mu_k = \frac{\sum_n r_{nk}\, x_n}{\sum_n r_{nk}} .$$
#
# Write `soft_update(X, resp)` returning the new centres `(K, d)`. With one-hot responsibilities this
# is exactly the k-means update. The check includes $K = d$ (as many centres as coordinates), where an array
# divided along the wrong axis has the right shape and raises no error.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def soft_update(X, resp):
    """Responsibility-weighted means: X (n, d), resp (n, k) -> centres (k, d)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_soft_update(soft_update)


# %% [markdown]
# ## Exercise 3 — How far from hard labels? (1 point · ★☆☆ · about 5 min · implement)
#
# Let $h_{nk} = 1$ if $\mu_k$ is the nearest centre to $x_n$ and 0 otherwise. Write
# `deviation_from_one_hot(X, centers, beta)` returning the single number
#
# $$\max_{n,k}\, \lvert r_{nk} - h_{nk} \rvert ,$$
#
# using your `soft_responsibilities` (exercise 1 must pass first). At $\beta = 0$ every $r_{nk} = 1/K$ and
# the deviation is $1 - 1/K$; as $\beta \to \infty$ it should go to 0.
#
# *Think about:* for one point, compare $\lvert r_{nk} - h_{nk}\rvert$ at its nearest centre with the entries
# at the other centres (the row sums to 1). You should find that the largest of them is one number of the
# row, and then you need no table $h$ at all.

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
# ## Exercise 4 — A tie, at every stiffness (2 points · ★★☆ · about 10 min · derive)
#
# Take three centres and a point exactly as far from centre 0 as from centre 1, $d_{n0}^2 = d_{n1}^2 = a$,
# and at $d_{n2}^2 = b$ from centre 2. Lesson 08, section 2, assumes no two centres are equally near; here two are.
#
# 1. Derive $r_{n1}$ as a function of $\beta$, $a$ and $b$ on paper, then write `tie_weight(beta, a, b)`
#    returning it. The check evaluates it for several $(\beta, a, b)$, with the third centre farther ($b > a$),
#    nearer ($b < a$) and as far ($b = a$), up to $\beta = 1000$, where an exponential of $\beta d^2/2$ is far
#    beyond the largest float: your function must still return the right finite number there.
# 2. Write `tie_limit(a, b)` returning $\lim_{\beta \to \infty} r_{n1}$ (a number for each $a$, $b$).
#
# *Think about:* write out the three exponentials; which common factor can you divide out, and does the
# exponential that is left stay small when $b < a$? For the limit: k-means (an argmin) gives a tied point to
# one of the tied centres; does the softmax ever prefer one of two equally near centres?

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def tie_weight(beta, a, b):
    """r_n1 when d_n0^2 = d_n1^2 = a and d_n2^2 = b, at stiffness beta: a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


def tie_limit(a, b):
    """The limit of r_n1 as beta -> infinity, for d_n0^2 = d_n1^2 = a and d_n2^2 = b: a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_tie_weight(tie_weight, tie_limit)

# %% [markdown]
# ## Exercise 5 — The critical stiffness, predicted then measured (2 points · ★★★ · about 15 min · predict)
#
# Soft k-means with $K = 2$ on one cloud of points: for a small $\beta$ both centres sit on the data mean,
# for a large $\beta$ they split. Lesson 08, section 8, analyses where, for data it had in hand. Here you
# predict it for a cloud you have not seen, from how it was drawn: `cloud` (set up below, 400 points) comes from
# a Gaussian centred at $(1, -2)$ with standard deviation 2 along a line at 30° to the $x$-axis and 1 across it.
#
# 1. **Predict first**, from that description only, without looking at the points: write `predicted_beta_c()`
#    returning the $\beta_c$ you expect (a number you can work out on paper).
# 2. **Then measure**, without using the covariance: write `measured_beta_c()` returning a pair
#    `(merged_at, split_at)`, two stiffnesses at most 3% apart, soft k-means merging the two centres at the
#    first and splitting them at the second. Use `soft_kmeans(cloud, centres, beta, max_iter=..., tol=...)`
#    (from `coursepkg.kmeans`) with two starting centres of your choice. The check compares your bracket with
#    the critical stiffness of these 400 points (within 1%).
#
# *Think about:* which direction of the cloud splits first, and is $\beta$ the inverse of a length or of a
# length squared? For the measurement: two centres that start exactly equal stay equal at every $\beta$, so
# how should they start? Near $\beta_c$ a split grows or shrinks by a factor close to 1 per iteration: how many
# iterations does a run need before the distance between the centres tells you which side you are on? An
# interval that you halve needs far fewer runs than a fine grid. Should the measurement agree exactly with
# your prediction?

# %%
cloud = checks.CLOUD
print(f"cloud: {cloud.shape}")

# %% nbgrader={"grade": false, "grade_id": "ex5_prediction", "locked": false, "schema_version": 3, "solution": true}
def predicted_beta_c():
    """beta_c of soft k-means with K = 2, from the description of the distribution `cloud` is drawn from."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5_prediction: write your code here, then run the check cell below")


# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def measured_beta_c():
    """(a beta where soft k-means merges the two centres, a beta at most 3% larger where it splits them)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_beta_c(predicted_beta_c, measured_beta_c)

# %% [markdown]
# ## Exercise 6 — Long thin clusters end to end: which one fails? (2 points · ★★☆ · about 10 min · predict)
#
# Lesson 08, section 13, ran k-means and EM on long thin clusters lying *side by side*. Here the three long thin
# clusters lie *end to end*, along one line: standard deviation 2.5 along the $x$-axis and 0.35 across it,
# centres at $x = 0$, 11 and 22 (`X_e`, true components `z_e`). One start for both methods: three data points as
# centres, and for EM the mixture `gmm_start` with equal weights, those centres as means and a third of the
# data covariance for every component (set up below). A method *fails* when it places fewer than 90% of the
# points right.
#
# 1. **Predict first**, before you run anything: write `which_fails()` returning `"k-means"`, `"EM"`, `"both"`
#    or `"neither"`.
# 2. **Then measure:** write `agreements()` returning the pair (share of points k-means places right, share EM
#    places right), for `kmeans(X_e, start_e)` and `fit_em(X_e, gmm_start, max_iter=500)` with a hard label per
#    point (EM's most responsible component). A point is placed right when its cluster stands for its true
#    component `z_e`.
#
# *Think about:* k-means' clusters are cut by the bisectors between its centres; where do those lie here,
# and what did side by side clusters have that these do not? For the measurement: cluster numbers are
# arbitrary (cluster 0 of a fit need not be true component 0), so how do you compare labels that may be
# permuted, each cluster standing for a different component?

# %%
X_e, z_e, start_e = checks.elongated_problem()
gmm_start = GMM(np.full(3, 1 / 3), start_e, np.repeat(np.cov(X_e.T, bias=True)[None] / 3, 3, axis=0))
print(f"X_e: {X_e.shape}; starting centres:\n{np.round(start_e, 3)}")

# %% nbgrader={"grade": false, "grade_id": "ex6_prediction", "locked": false, "schema_version": 3, "solution": true}
def which_fails():
    """Which method places fewer than 90% of the points right: "k-means", "EM", "both" or "neither"."""
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
# ## Exercise 7 — k-means as matrix factorisation, with an empty cluster (2 points · ★★☆ · about 10 min · derive)
#
# Put the labels into a one-hot matrix $Z$ `(N, K)`, $Z_{nk} = 1$ if `labels[n] == k`; then
# $\lVert X - ZM \rVert_F^2 = J$, the k-means objective (lesson 08, section 10). Write
# `kmeans_factorisation(X, labels, k)` returning `(Z, M, J)`, with $M$ a `(K, d)` matrix that minimises
# $\lVert X - ZM \rVert_F^2$ for this $Z$, and $J$ that minimum.
#
# The lesson solved this when every cluster has points. The check also passes labels in which some of the $K$
# clusters are **empty** (no `labels[n]` equals them), as happens when k-means loses a centre. Decide what $M$
# is then: is there still a minimiser, is it unique, and what is $J$?
#
# *Think about:* which entries of $X - ZM$ does row $k$ of $M$ affect, when cluster $k$ is empty? What does
# that do to the normal equations, and to a formula that divides by the cluster sizes?

# %% nbgrader={"grade": false, "grade_id": "ex7_solution", "locked": false, "schema_version": 3, "solution": true}
def kmeans_factorisation(X, labels, k):
    """One-hot Z (n, k), an M (k, d) minimising ||X - Z M||_F^2 (empty clusters too), and that minimum J."""
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
# | 3 | measuring how close the soft table is to the hard one, from one entry per row | sections 2 and 7 |
# | 4 | deriving a responsibility at a tie, in a form that cannot overflow, and its limit | sections 1 and 2 |
# | 5 | predicting a threshold from a distribution's shape, then bracketing it by experiment | sections 8 and 9 |
# | 6 | predicting on new data whether elongation breaks k-means, measuring up to label switching | sections 12 and 13 |
# | 7 | k-means as least squares, $X \approx ZM$, when a cluster is empty | section 10 |
#
# Exercises 1–2 are soft k-means, EM with the weights and covariances frozen at $1/K$ and $I/\beta$;
# exercises 3–4 take $\beta \to \infty$ (a tie is the one place where the limit is not one-hot) and exercise 5
# shows that the frozen width decides when the centres split at all. Exercise 6 is a limit of the rule "k-means
# fails on long clusters": what costs k-means is long clusters side by side, closer than their length, not
# elongation itself.
