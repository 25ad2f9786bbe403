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
# # Lesson 05 — The E-step: responsibilities
#
# EM alternates two easy problems. This lesson solves the first one: **with the
# parameters $\theta = (\pi_k, \mu_k, \Sigma_k)_{k=1}^K$ held fixed, how much does each
# component account for each point?** The answer is a table of **responsibilities**
# $r_{nk}$: for every point, a probability for each component, where k-means would write
# a single 1 and $K - 1$ zeros.
#
# **Learning goals.** After this lesson you can
#
# 1. derive $r_{nk} = p(z_n = k \mid x_n, \theta)$ from Bayes' rule, compute it, and read it as $\mathbb E[z_{nk} \mid x_n]$;
# 2. derive the same formula a second way, as the $q$ that maximises the lower bound
#    $\mathcal{L}(q, \theta)$ of lesson 04, with a Lagrange multiplier;
# 3. say when the textbook formula (densities first, then normalise) returns `nan` (when every
#    density of a point is too small for float64, because of many dimensions or of the units) and fix it
#    with the log-sum-exp trick;
# 4. explain, with numbers, why the component with the highest responsibility is
#    often *not* the one with the nearest centre;
# 5. draw the map of responsibilities and explain why its boundaries are conics, where k-means
#    draws straight lines.
#
# **You need:** Bayes' rule, the Gaussian density and the Mahalanobis distance (lesson 02), and the
# lower bound $\mathcal{L}(q, \theta)$ (lesson 04). Components are numbered $1, \dots, K$ in the text and
# the figures (1 blue, 2 red, 3 green); in Python, component $k$ is index $k - 1$.

# %%
# %matplotlib inline
import math

import matplotlib.pyplot as plt
import numpy as np
from scipy import optimize, special, stats
from scipy.spatial.distance import euclidean, mahalanobis

from coursepkg import claims, em
from coursepkg.datasets import SYNTHETIC, make_synthetic, random_gmm
from coursepkg.gaussian import covariance_from_axes
from coursepkg.mixture import GMM, sample
from coursepkg.plotting import COMPONENT_COLORS, plot_ellipses, plot_responsibilities
from coursepkg.widgets.questions import concept_question
from coursepkg.widgets.responsibility import (
    LAB_GMM,
    LAB_START,
    LAB_XLIM,
    LAB_YLIM,
    draw_boundaries,
    make_responsibility_lab,
    responsibility_map,
    responsibility_state,
)

rng = np.random.default_rng(5)
np.set_printoptions(precision=4, suppress=True)


def log_joint_scipy(X, gmm):
    """a_nk = log pi_k + log N(x_n | mu_k, Sigma_k) from scipy.stats, shape (N, K): the checks' reference."""
    X = np.atleast_2d(X)
    return np.log(gmm.weights) + np.column_stack(
        [stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).logpdf(X) for k in range(gmm.k)]
    )


# %% [markdown]
# ## 1. The E-step keeps $\theta$ fixed
#
# Throughout this lesson the parameters are given. We use the 300 points of the
# course's "overlapping" data set and the mixture that generated them; in EM the
# parameters would be the current guess instead, and nothing below would change.

# %%
X, z_true = make_synthetic("overlapping", n=300, rng=0)
gmm = SYNTHETIC["overlapping"]
claims.equal("points and dimension (N, d)", X.shape, (300, 2))
claims.equal("number of components K", gmm.k, 3)
print("weights π_1..π_3:", gmm.weights)
print("means μ_1..μ_3 (one row each):\n", gmm.means)
_ = claims.close("the weights sum to 1", gmm.weights.sum(), 1.0, atol=1e-12)

# %% [markdown]
# ## 2. Responsibilities are a posterior, by Bayes' rule
#
# The generative story of lesson 02 draws a hidden label $z_n \sim \text{Cat}(\pi)$ and
# then $x_n \sim \mathcal N(\mu_{z_n}, \Sigma_{z_n})$. So the prior is $p(z_n = k) = \pi_k$
# and the likelihood is $p(x_n \mid z_n = k) = \mathcal N(x_n \mid \mu_k, \Sigma_k)$.
# Bayes' rule turns them into the posterior of the label, and the evidence $p(x_n \mid \theta)$ in the
# denominator is the mixture density, a sum over the same $K$ terms:
#
# $$
# r_{nk} \;=\; p(z_n = k \mid x_n, \theta)
# \;=\; \frac{p(z_n = k)\, p(x_n \mid z_n = k)}{\sum_{j=1}^K p(z_n = j)\, p(x_n \mid z_n = j)}
# \;=\; \frac{\pi_k\, \mathcal N(x_n \mid \mu_k, \Sigma_k)}{\sum_{j=1}^K \pi_j\, \mathcal N(x_n \mid \mu_j, \Sigma_j)} .
# $$
#
# Each row $r_{n\cdot}$ is a probability distribution over components: non-negative and
# summing to 1. We compute it directly with `scipy.stats` and compare with the
# course's `em.e_step`.

# %%
pdf = np.column_stack([stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).pdf(X) for k in range(gmm.k)])
joint = gmm.weights * pdf  # (N, K): pi_k N(x_n | mu_k, Sigma_k)
r_direct = joint / joint.sum(axis=1, keepdims=True)  # normalise over components (axis=1)

resp, log_lik = em.e_step(X, gmm)
claims.close("em.e_step against Bayes' rule with scipy.stats densities", resp, r_direct, atol=1e-14)
claims.close("row sums of r", resp.sum(axis=1), 1.0, atol=1e-14)
_ = claims.close("log-likelihood: em.e_step against Σ_n log Σ_k π_k N(x_n | μ_k, Σ_k)", log_lik,
             np.log(joint.sum(axis=1)).sum(), atol=1e-9)

# %% [markdown]
# **A responsibility is an expected indicator.** With the one-hot $z_{nk} \in \{0, 1\}$ of lesson 03,
# $\mathbb E[z_{nk} \mid x_n, \theta] = 1 \cdot p(z_{nk} = 1 \mid x_n, \theta) + 0 = r_{nk}$. A Monte Carlo check that does not
# trust the formula: run the generative story, which knows the true labels, 200,000 times. Among all
# sampled points that get $r_{nk} \approx 0.3$ (say), about 30% should really come from component $k$. We
# bin each component's responsibilities into ten bins and compare, in every bin with at least 500
# points, the fraction of points with $z = k$ against the mean $r_{nk}$ there. A wrong E-step (for
# instance one that forgot the weights $\pi_k$) fails this test; it is called a **calibration** check.

# %%
def calibration_scores(r, z, min_points=500):
    """|frequency of z = k − mean r_k| in standard errors, for each of ten bins of each r_k with enough points."""
    scores = []
    for k in range(r.shape[1]):
        bin_of = np.minimum((r[:, k] * 10).astype(int), 9)
        for b in range(10):
            in_bin = bin_of == b
            if in_bin.sum() >= min_points:
                freq, mean_r = np.mean(z[in_bin] == k), r[in_bin, k].mean()
                scores.append(abs(freq - mean_r) / np.sqrt(mean_r * (1 - mean_r) / in_bin.sum()))
    return np.array(scores)


X_mc, z_mc = sample(gmm, 200_000, rng=np.random.default_rng(1))  # (x, z) pairs from the generative story
z_scores = calibration_scores(em.e_step(X_mc, gmm)[0], z_mc)
claims.at_least("bins with at least 500 points (of 30)", z_scores.size, 20)
_ = claims.at_most("largest |frequency of z = k − mean r_k| over the bins, in standard errors", z_scores.max(), 5.0)

# the test can fail: an E-step that forgot the weights (equal pi_k) is far off in some bin
wrong_r, _ = em.e_step(X_mc, GMM(np.full(gmm.k, 1 / gmm.k), gmm.means, gmm.covariances))
_ = claims.at_least("the same test on an E-step without the weights: largest deviation (standard errors)",
                    calibration_scores(wrong_r, z_mc).max(), 10.0)

# %% [markdown]
# A few rows of $r$ show the range: near-certainty for a point of cluster 1 that lies far from the two
# rival components (it is even outside cluster 1's own 95% ellipse: certainty comes from the rivals being
# far, not from being close to $\mu_1$), a three-way split for a point where all three ellipses overlap,
# and a lean in between.

# %%
certainty = resp.max(axis=1)
rows = [int(np.argmax(certainty)), int(np.argmin(certainty)), int(np.argsort(certainty)[len(certainty) // 3])]
claims.table("these rows of r: em.e_step against Bayes' rule with scipy densities", resp[rows],
             special.softmax(log_joint_scipy(X[rows], gmm), axis=1), atol=1e-12,
             rows=[f"point {n} (drawn by component {z_true[n] + 1})" for n in rows], columns=["r_n1", "r_n2", "r_n3"])
claims.equal("the most certain point: its most responsible component is the one that drew it",
             int(np.argmax(resp[rows[0]])) + 1, int(z_true[rows[0]]) + 1)
claims.equal("the most certain point's component", int(np.argmax(resp[rows[0]])) + 1, 1)
claims.at_least("  its largest responsibility", resp[rows[0]].max(), 0.999)
maha_rows0 = [mahalanobis(X[rows[0]], gmm.means[k], np.linalg.inv(gmm.covariances[k])) for k in range(gmm.k)]
claims.at_least("  its Mahalanobis distance Δ_1, beyond the 95% ellipse's √χ²₂(0.95)", maha_rows0[0],
                np.sqrt(stats.chi2(2).ppf(0.95)))
claims.at_least("  while Δ_2 and Δ_3 to the rivals are more than twice that", min(maha_rows0[1:]), 2 * maha_rows0[0])
_ = claims.at_most("the most uncertain point: its largest responsibility (a three-way split)", resp[rows[1]].max(),
                   0.45)

# %% [markdown]
# Colouring every point by the responsibility-weighted mix of the component colours
# shows the whole matrix $r$ at once: pure colours deep inside a cluster, mixed
# colours where the ellipses overlap.

# %%
fig, ax = plt.subplots(figsize=(6.5, 5.5))
plot_responsibilities(X, resp, ax=ax, s=22)
plot_ellipses(gmm, ax=ax)
ax.scatter(*X[rows].T, s=140, facecolors="none", edgecolors="black", linewidths=1.5, label="the three rows printed above")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("Each point coloured by its responsibilities $r_{n\\cdot}$")
ax.set_aspect("equal")
ax.legend(loc="lower right", fontsize=8)
plt.show()

# %% [markdown]
# A point's colour is its row of $r$: the E-step has replaced each unknown label
# $z_n$ by a probability distribution over the three components.

# %% [markdown]
# ## 3. The same answer from the lower bound, with a Lagrange multiplier
#
# Lesson 04 showed that for any distributions $q_{n\cdot}$ over the components,
#
# $$
# \log p(X \mid \theta) \;\ge\; \mathcal L(q, \theta) \;=\; \sum_{n=1}^N \sum_{k=1}^K q_{nk}\,\big(a_{nk} - \log q_{nk}\big),
# \qquad a_{nk} = \log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k).
# $$
#
# The E-step is the step of coordinate ascent that maximises $\mathcal L$ over $q$ with
# $\theta$ fixed. The sum splits into one term per point, and each point only has the
# constraint $\sum_k q_{nk} = 1$, so we maximise each row separately. Drop the index
# $n$ and add the constraint with a multiplier $\nu$ (the **Lagrangian** for one point; we write $\nu$ because
# $\lambda$ is reserved for eigenvalues):
#
# $$
# F(q, \nu) = \sum_{k=1}^K q_k\,(a_k - \log q_k) \;+\; \nu\Big(\sum_{k=1}^K q_k - 1\Big).
# $$
#
# **Stationary point.** Only the $k$-th term of the sum depends on $q_k$, and
# $\frac{d}{dq}(q \log q) = \log q + 1$:
#
# $$
# \frac{\partial F}{\partial q_k} = a_k - \log q_k - 1 + \nu = 0
# \quad\Longrightarrow\quad q_k = e^{\nu - 1}\, e^{a_k} = e^{\nu - 1}\, \pi_k\, \mathcal N(x \mid \mu_k, \Sigma_k).
# $$
#
# **The multiplier.** Every $q_k$ carries the same factor $e^{\nu - 1}$, and the $q_k$ must add up to 1, so that
# factor is one over the sum of the $e^{a_k}$:
#
# $$
# 1 = \sum_k q_k = e^{\nu - 1} \sum_j \pi_j \mathcal N(x \mid \mu_j, \Sigma_j) = e^{\nu-1}\, p(x \mid \theta)
# \quad\Longrightarrow\quad \nu = 1 - \log p(x \mid \theta).
# $$
#
# **Back in:** $q_k = \pi_k \mathcal N(x \mid \mu_k, \Sigma_k) / p(x \mid \theta) = r_k$, the
# Bayes posterior of section 2.
#
# **It is the maximum, not just a stationary point.** The function is concave in $q$
# ($a_k q_k$ is linear and $-q \log q$ is concave) and the constraint is linear, so the
# one stationary point is the global maximum on the simplex. The constraints
# $q_k \ge 0$ never bind (when every $\pi_k > 0$): the slope of $-q\log q$ is $+\infty$ at $q = 0$, so moving a
# little mass onto an empty component always helps.
#
# **Check 1: the gradient at the posterior.** At $q = r$ every partial derivative of the
# objective, $a_k - \log r_k - 1$, should equal the same number $-\nu = \log p(x) - 1$,
# so the gradient of the Lagrangian vanishes.

# %%
a = log_joint_scipy(X, gmm)
grad_objective = a - np.log(resp) - 1  # (N, K): d/dq_k of sum_k q_k (a_k - log q_k) at q = r
nu = 1 - special.logsumexp(a, axis=1, keepdims=True)  # nu = 1 - log p(x_n), one per point
claims.at_most("spread of the objective's gradient across k (largest over points)", np.ptp(grad_objective, axis=1).max(),
               1e-12)
_ = claims.close("gradient of the Lagrangian at q = r", grad_objective + nu, 0.0, atol=1e-12)

# %% [markdown]
# **Check 2: an optimiser finds the posterior.** For the five most uncertain points we hand the bound
# to `scipy.optimize.minimize` (method BFGS, a quasi-Newton optimiser that builds up curvature information
# from successive gradients), without telling it the answer. To keep every candidate a distribution we
# optimise over unconstrained $\phi \in \mathbb R^K$ with $q = \mathrm{softmax}(\phi)$, where
# $\mathrm{softmax}(\phi)_k = e^{\phi_k} / \sum_j e^{\phi_j}$ (positive, summing to 1), from a random start.

# %%
def negative_bound(phi, a_n):
    """-sum_k q_k (a_k - log q_k) with q = softmax(phi): one point's term of -L."""
    log_q = phi - special.logsumexp(phi)
    return -np.sum(np.exp(log_q) * (a_n - log_q))


uncertain = np.argsort(resp.max(axis=1))[:5]
found = np.array([special.softmax(optimize.minimize(negative_bound, rng.normal(size=gmm.k), args=(a[n],),
                                                    method="BFGS", options={"gtol": 1e-9}).x) for n in uncertain])
_ = claims.close("q found by BFGS against the Bayes posterior r_n, 5 points (optimiser tolerance)", found,
             resp[uncertain], atol=1e-6)

# %% [markdown]
# For a single point with $K = 3$ the feasible $q$ form a triangle (the probability
# simplex), so we can draw the objective over all of it. Each corner is a hard
# assignment to one component; the white star is the posterior.

# %%
def bound_terms(q, a_n):
    """Each row's contribution sum_k q_k (a_k - log q_k) to L(q, theta); shape (m,)."""
    return np.sum(q * (a_n - np.log(q)), axis=-1)


n_show = int(np.argmin(resp.max(axis=1)))  # the most uncertain point
corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
grid = 120
i, j = np.meshgrid(np.arange(grid + 1), np.arange(grid + 1))
keep = i + j <= grid
bary = np.column_stack([i[keep], j[keep], grid - i[keep] - j[keep]]) / grid
bary = np.clip(bary, 1e-9, None)
bary /= bary.sum(axis=1, keepdims=True)
xy = bary @ corners
values = bound_terms(bary, a[n_show]) - bound_terms(resp[n_show], a[n_show])
claims.at_most(f"largest L_n(q) − L_n(r) over the {values.size:,} grid points of the triangle (nats)", values.max(),
               0.0)
# at q = r the bound is tight: L(r, theta) = log p(X | theta), with a from scipy (0 log 0 = 0 by xlogy)
bound_at_r = np.sum(resp * a) - np.sum(special.xlogy(resp, resp))
claims.close("L(r, θ) against log p(X | θ) (nats)", bound_at_r, log_lik, atol=1e-9)
level_step = 0.25  # nats between contour levels
levels = np.arange(np.floor(values.min() / level_step) * level_step, 0.0 + 1e-9, level_step)

fig, ax = plt.subplots(figsize=(6.2, 5.2))
tc = ax.tricontourf(xy[:, 0], xy[:, 1], values, levels=levels, cmap="viridis")
fig.colorbar(tc, ax=ax, label="$\\mathcal{L}_n(q) - \\mathcal{L}_n(r)$  (nats)")
ax.plot(*np.vstack([corners, corners[:1]]).T, color="black", lw=1)
for k in range(3):
    ax.annotate(f"all on component {k + 1}", corners[k], color=COMPONENT_COLORS[k], ha="center",
                va="top" if k < 2 else "bottom", xytext=(0, -6 if k < 2 else 6), textcoords="offset points", fontsize=9)
ax.plot(*(resp[n_show] @ corners), marker="*", color="white", markeredgecolor="black", markersize=18, ls="none",
        label=f"posterior r = {np.round(resp[n_show], 3)}")
ax.set_title(f"Lower-bound term of point {n_show} over all feasible q")
ax.set_xlim(-0.2, 1.2)
ax.set_ylim(-0.3, 1.05)
ax.set_axis_off()
ax.legend(loc="lower center", fontsize=8)
plt.show()

# %% [markdown]
# The objective is a single smooth hill over the triangle and its top is exactly
# the Bayes posterior: the two derivations of the E-step agree.

# %% [markdown]
# ## 4. When the textbook formula fails: densities too small for float64
#
# The direct formula computes each density $\mathcal N(x_n \mid \mu_k, \Sigma_k)$ first and normalises afterwards.
# float64 stores a number as about 16 significant digits times a power of two, and the smallest power it
# allows puts its smallest full-precision ("normal") positive number at about $2.2 \times 10^{-308}$, a log of
# $-708.4$. Below that come the **subnormal** numbers, which trade digits for range: the further below
# $10^{-308}$, the fewer significant digits they keep, down to the smallest positive float, $5 \times 10^{-324}$
# (log $-744.4$), with a single significant bit. A density whose log is below about $-745$ comes out as exactly `0.0`. If that happens to *every*
# component of a point, its row is $0/0$ = `nan`. The responsibilities themselves are perfectly well
# defined, since they are ratios of densities. So the question is when densities get that small.
# A prediction first:

# %%
concept_question("05", 1)

# %%
gmm50_m = random_gmm(3, 50, rng=1)  # a well-separated mixture in d = 50, features in metres
X50_m, _ = sample(gmm50_m, 4, rng=rng)  # four points drawn from the mixture,
X50_m[1] = 0.5 * (gmm50_m.means[0] + gmm50_m.means[2])  # the second moved halfway between components 1 and 3


def naive_responsibilities(X, gmm):
    """Bayes' rule as written: densities (scipy), times weights, divided by their sum. Returns (r, densities)."""
    dens = np.column_stack([stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).pdf(X) for k in range(gmm.k)])
    with np.errstate(invalid="ignore"):  # 0/0: we want to see the nan, not a warning
        return gmm.weights * dens / (gmm.weights * dens).sum(axis=1, keepdims=True), dens


def reference_responsibilities(X, gmm):
    """The same posterior from scipy's log-densities and scipy.special.softmax (log space throughout)."""
    return special.softmax(log_joint_scipy(X, gmm), axis=1)


claims.close("float64's smallest normal number", np.finfo(float).tiny, 2.2e-308, rtol=0.02)
claims.close("float64's smallest subnormal number", np.finfo(float).smallest_subnormal, 4.9e-324, rtol=0.02)
claims.holds("exp(−745.2) rounds to exactly 0.0, exp(−744) does not", bool(np.exp(-745.2) == 0.0 < np.exp(-744.0)))
claims.close("log of the smallest normal number", np.log(np.finfo(float).tiny), -708.4, atol=0.05)
naive50_m, dens50_m = naive_responsibilities(X50_m, gmm50_m)
with np.printoptions(precision=2, suppress=False):
    print("densities N(x_n | μ_k, Σ_k) in d = 50, metres:\n", dens50_m)
row_top = np.log10(dens50_m.max(axis=1))  # log10 of each point's largest density
claims.between("log10 of the largest density, the three drawn points", np.delete(row_top, 1), -33, -28)
claims.between("log10 of the largest density, the halfway point", row_top[1], -102, -100)
claims.equal("rows of the naive formula with a nan, d = 50 in metres", int(np.isnan(naive50_m).any(axis=1).sum()), 0)
_ = claims.close("naive responsibilities against scipy's log-space posterior", naive50_m,
                 reference_responsibilities(X50_m, gmm50_m), atol=1e-12)

# %% [markdown]
# Fifty dimensions alone are not the problem: the densities are tiny (the largest of each row lies
# between $10^{-33}$ and $10^{-28}$, the halfway point's is $10^{-101}$) but float64 holds them, and the naive
# formula is right. Two ordinary things push densities below the limit.
#
# ### Cause 1: the units
#
# A density is probability per unit volume. Record every feature in micrometres instead of metres
# ($s = 10^6$) and the unit of volume becomes $s^d$ times smaller, so every density is divided by $s^d = 10^{300}$
# for $d = 50$: each log-density drops by exactly $d \log s = 690.8$ nats. The responsibilities do not change
# (the factor cancels between numerator and denominator), but the densities fall off the float64 scale.

# %%
s = 1e6  # metres -> micrometres
gmm50 = GMM(gmm50_m.weights, gmm50_m.means * s, gmm50_m.covariances * s**2)
X50 = X50_m * s
naive50, dens50 = naive_responsibilities(X50, gmm50)
log_dens50_m = log_joint_scipy(X50_m, gmm50_m) - np.log(gmm50_m.weights)
log_dens50 = log_joint_scipy(X50, gmm50) - np.log(gmm50.weights)
print("log N(x_n | μ_k, Σ_k) in micrometres:\n", log_dens50)
claims.close("log-density in micrometres minus in metres, against −50 log 10⁶", log_dens50 - log_dens50_m,
             -50 * np.log(s), atol=1e-8)
claims.at_most("largest log-density in micrometres (float64's floor is about −745)", log_dens50.max(), -745.2)
claims.equal("densities that survive as non-zero floats", int(np.count_nonzero(dens50)), 0)
_ = claims.equal("rows of the naive formula that are nan", int(np.isnan(naive50).any(axis=1).sum()), 4)

# %% [markdown]
# ### Cause 2: many dimensions
#
# Keep metres, but add dimensions. For a point drawn from a component with $\Sigma = I$ in $d$ dimensions,
# $\log \mathcal N(x \mid \mu, I) = -\frac d2 \log 2\pi - \frac12 \lVert x - \mu \rVert^2$, and $\lVert x - \mu \rVert^2 \approx d$, so the log-density
# falls by about $\frac12(1 + \log 2\pi) = 1.42$ nats per dimension: past $-745$ near $d = 525$. We check it on
# three unit-covariance components whose means are drawn at random with a spread of $1.5/\sqrt d$ per
# coordinate, so that they typically sit about 2 apart whatever the dimension
# (log-densities from `scipy.stats.norm`, one coordinate at a time).

# %%
dims = np.array([2, 10, 50, 100, 200, 300, 400, 500, 600, 700])
best_log_joint, nan_fraction, worst_error, mean_gaps = [], [], [], []
for d in dims:
    g_d = GMM([0.4, 0.35, 0.25], rng.normal(scale=1.5 / np.sqrt(d), size=(3, d)), np.array([np.eye(d)] * 3))
    mean_gaps += [np.linalg.norm(g_d.means[i] - g_d.means[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    X_d = g_d.means[rng.choice(3, size=100, p=g_d.weights)] + rng.normal(size=(100, d))  # z ~ Cat(π), x ~ N(μ_z, I)
    a_d = np.log(g_d.weights) + np.column_stack([stats.norm.logpdf(X_d - g_d.means[k]).sum(axis=1) for k in range(3)])
    with np.errstate(invalid="ignore", under="ignore"):
        joint_d = np.exp(a_d)
        naive_d = joint_d / joint_d.sum(axis=1, keepdims=True)
    best_log_joint.append(a_d.max(axis=1))
    nan_fraction.append(np.isnan(naive_d).any(axis=1).mean())
    worst_error.append(np.abs(em.e_step(X_d, g_d)[0] - special.softmax(a_d, axis=1)).max())
best_log_joint, nan_fraction = np.array(best_log_joint), np.array(nan_fraction)
slope, intercept = np.polyfit(dims, np.median(best_log_joint, axis=1), 1)
claims.between("median distance between two means, over every d", np.median(mean_gaps), 1.5, 2.7)
claims.close("slope of the typical log-density against d (nats per dimension)", slope, -(1 + np.log(2 * np.pi)) / 2,
             rtol=0.02)
claims.between("d where the fitted line reaches −745", (-745 - intercept) / slope, 500, 550)
claims.at_most("fraction of nan rows of the naive formula, d = 2 … 400", nan_fraction[dims <= 400], 0.0)
claims.at_least("fraction of nan rows of the naive formula, d = 600, 700", nan_fraction[dims >= 600], 1.0)
claims.at_most("em.e_step against scipy's softmax, largest difference over every d", max(worst_error), 1e-12)

# between the two lines: the naive formula returns numbers, but wrong ones (subnormals keep few digits)
subnormal_error = {}
for top in (-700.0, -720.0, -740.0, -744.0):
    a_two = np.array([top, top - 0.7])  # a point's two log joints, 0.7 nats apart
    with np.errstate(under="ignore"):
        naive_two = np.exp(a_two) / np.exp(a_two).sum()
    subnormal_error[top] = np.abs(naive_two - special.softmax(a_two)).max()
claims.at_most("naive error with largest log joint −700 (normal floats)", subnormal_error[-700.0], 1e-14)
claims.at_least("naive error at a = (−740, −740.7), subnormal: silently wrong", subnormal_error[-740.0], 1e-3)
with np.errstate(under="ignore"):
    naive_740 = np.exp([-740.0, -740.7]) / np.exp([-740.0, -740.7]).sum()
claims.close("  the naive answer there", naive_740, [0.6693, 0.3307], atol=5e-5)
claims.close("  the true answer there", special.softmax([-740.0, -740.7]), [0.6682, 0.3318], atol=5e-5)
claims.at_least("naive error at a = (−744, −744.7)", subnormal_error[-744.0], 1e-3)

fig, ax = plt.subplots(figsize=(8, 4.2))
ax.fill_between(dims, best_log_joint.min(axis=1), best_log_joint.max(axis=1), color=COMPONENT_COLORS[0], alpha=0.25,
                label="largest $a_k$ of each point: range over 100 points")
ax.plot(dims, np.median(best_log_joint, axis=1), "o-", color=COMPONENT_COLORS[0], label="median over the points")
ax.axhline(np.log(np.finfo(float).smallest_subnormal), color="black", ls="--", lw=1,
           label="log of float64's smallest positive number (−744.4)")
ax.axhline(np.log(np.finfo(float).tiny), color="black", ls=":", lw=1.2,
           label="log of float64's smallest normal number (−708.4)")
ax.axhspan(np.log(np.finfo(float).smallest_subnormal), np.log(np.finfo(float).tiny), color="orange", alpha=0.25,
           label="between: subnormal densities, naive answers silently inaccurate")
failing = nan_fraction > 0
ax.plot(dims[failing], np.median(best_log_joint, axis=1)[failing], "x", color=COMPONENT_COLORS[1], ms=12, mew=2,
        ls="none", label="naive formula returns nan (for some or all points)")
ax.set(xlabel="dimension d (features in metres, unit variances)", ylabel="$\\max_k a_k$ = largest log joint (nats)",
       title="Densities shrink exponentially with the dimension")
ax.legend(fontsize=7.5, loc="upper right")
plt.show()

# %% [markdown]
# Below the dashed line (about) every density of a point rounds to `0.0` and the direct formula returns `nan`.
# Above the dotted line it works. Between the two lines it is worse than `nan`: the densities are
# subnormal and keep only a few digits, so the formula returns numbers that look fine but are wrong. For a
# point whose two log joints are $(-740, -740.7)$ it returns $(0.6693, 0.3307)$ instead of $(0.6682, 0.3318)$,
# an error above $10^{-3}$ (checked above, with the error at $-700$ below $10^{-14}$). (A third route to the same failure is a single point far out in the tails: 40 standard
# deviations from a 1-D component already gives $\log \mathcal N = -800.9$; the next section checks it too.)

# %% [markdown]
# ## 5. The log-sum-exp trick
#
# Work with $a_k = \log \pi_k + \log \mathcal N(x \mid \mu_k, \Sigma_k)$ and never exponentiate
# them directly. The log of the denominator is $\log \sum_j e^{a_j}$. Let
# $m = \max_j a_j$ and factor $e^m$ out of the sum:
#
# $$
# \log \sum_j e^{a_j} \;=\; \log\Big(e^{m} \sum_j e^{a_j - m}\Big) \;=\; m + \log \sum_j e^{a_j - m}.
# $$
#
# Now the largest exponent is $a_j - m = 0$, so the sum is at least $e^0 = 1$ (no
# underflow to 0, no $\log 0$), and no term exceeds 1 (no overflow). Terms that still
# underflow are smaller than the largest by a factor below $10^{-308}$ and could not
# change the sum anyway. The responsibilities follow in log space,
#
# $$
# \log r_k = a_k - \log \sum_j e^{a_j}, \qquad r_k = \exp\big(a_k - \log\textstyle\sum_j e^{a_j}\big),
# $$
#
# which is exactly what `em.e_step` computes (and what `scipy.special.softmax` does with the $a_k$). We check it
# on the cases where the naive formula failed.

# %%
def logsumexp_rows(a):
    """m + log sum_j exp(a_j - m), row by row."""
    m = a.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))[:, 0]


a50 = log_joint_scipy(X50, gmm50)
resp50, ll50 = em.e_step(X50, gmm50)
resp50_m, _ = em.e_step(X50_m, gmm50_m)
claims.close("our log-sum-exp against scipy.special.logsumexp (micrometres)", logsumexp_rows(a50),
             special.logsumexp(a50, axis=1), atol=1e-10)
claims.close("log-likelihood: em.e_step against the sum of log-sum-exp", ll50, logsumexp_rows(a50).sum(), atol=1e-8)
claims.close("em.e_step in micrometres against scipy's softmax", resp50, special.softmax(a50, axis=1), atol=1e-12)
claims.close("responsibilities in micrometres against metres (units cancel)", resp50, resp50_m, atol=1e-12)
claims.between("the halfway point: responsibility of component 1 (a real split)", resp50[1, 0], 0.05, 0.95)
print("em.e_step responsibilities (micrometres):\n", resp50)

far = GMM([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]])  # two 1-D components; a point 40 standard deviations out
claims.close("log N(40 | 0, 1) from scipy", stats.norm.logpdf(40.0), -800.92, atol=0.01)
claims.holds("the naive formula at x = 40 is nan", bool(np.isnan(naive_responsibilities(np.array([[40.0]]), far)[0]).all()))
_ = claims.close("em.e_step at x = 40 against scipy's softmax", em.e_step(np.array([[40.0]]), far)[0],
             special.softmax(log_joint_scipy(np.array([[40.0]]), far), axis=1), atol=1e-12)

# %% [markdown]
# Every row is a valid distribution, identical to the one computed in metres, and
# the halfway point (the second row) gets a genuinely split responsibility that the naive
# formula turned into `nan`. The rule for the rest of the course: **densities live
# in log space**; exponentiate only differences such as $a_k - \log\sum_j e^{a_j}$.

# %% [markdown]
# ## 6. Responsibility is not "nearest centre"
#
# k-means gives a point to the nearest centre. The E-step compares
# $a_k = \log\pi_k + \log \mathcal N(x \mid \mu_k, \Sigma_k)$, and the log-density has three parts:
#
# $$
# a_k = \underbrace{\log \pi_k}_{\text{weight}} \;
# \underbrace{-\tfrac12 \log\lvert 2\pi\Sigma_k\rvert}_{\text{size of the cluster}} \;
# \underbrace{-\tfrac12 (x-\mu_k)^\top \Sigma_k^{-1} (x-\mu_k)}_{-\frac12 \Delta_k^2(x)} .
# $$
#
# Distance enters only through the **Mahalanobis** distance $\Delta_k$, measured in units of the
# cluster's own spread. Take three components: a wide round one (1, blue), a small tight one
# (2, red) and a long tilted one (3, green), and the point $x = (2.3, 0)$. The table is computed
# with NumPy and `scipy.spatial.distance.mahalanobis`, and checked against the state function of the lab below.

# %%
x_pt = np.array(LAB_START)
dist = np.linalg.norm(LAB_GMM.means - x_pt, axis=1)
maha = np.array([mahalanobis(x_pt, LAB_GMM.means[k], np.linalg.inv(LAB_GMM.covariances[k])) for k in range(3)])
log_weight = np.log(LAB_GMM.weights)
log_size = -0.5 * np.linalg.slogdet(2 * np.pi * LAB_GMM.covariances)[1]
a_pt = log_weight + log_size - 0.5 * maha**2
r_pt = special.softmax(a_pt)
state = responsibility_state(LAB_START, LAB_GMM)
# every column checked against an independent computation: scipy's euclidean, Δ by a linear solve (not the inverse),
# math.log, scipy's entropy identity, scipy.stats densities, and the lab's responsibility_state (em.e_step)
maha_solve = np.array([np.sqrt((x_pt - m) @ np.linalg.solve(c, x_pt - m)) for m, c in zip(LAB_GMM.means,
                                                                                           LAB_GMM.covariances)])
reference = np.column_stack([
    [euclidean(x_pt, m) for m in LAB_GMM.means], maha_solve, [math.log(w) for w in LAB_GMM.weights],
    [-stats.multivariate_normal(m, c).entropy() + 1.0 for m, c in zip(LAB_GMM.means, LAB_GMM.covariances)],
    -0.5 * maha_solve**2, log_joint_scipy(x_pt, LAB_GMM)[0], state.resp])
claims.table("the point's terms, component by component", np.column_stack([dist, maha, log_weight, log_size,
             -0.5 * maha**2, a_pt, r_pt]), reference, atol=1e-12, decimals=3,
             rows=[f"component {k + 1}" for k in range(3)],
             columns=["||x − μ_k||", "Δ_k", "log π_k", "−½ log|2πΣ_k|", "−½ Δ_k²", "a_k", "r_k"])
claims.close("a_k from the table against scipy.stats", a_pt, log_joint_scipy(x_pt, LAB_GMM)[0], atol=1e-12)
claims.equal("nearest centre (component number)", int(np.argmin(dist)) + 1, 2)
claims.equal("largest responsibility (component number)", int(np.argmax(r_pt)) + 1, 1)
claims.close("distances to the centres of components 2 and 1", dist[[1, 0]], [1.3, 2.3], atol=0.005)
claims.between("r_1, the wide component's share", r_pt[0], 0.925, 0.935)
claims.between("size head start of component 2 over 1, nats", log_size[1] - log_size[0], 3.25, 3.35)
claims.between("what component 2's smaller weight costs it, nats", log_weight[0] - log_weight[1], 0.85, 0.95)
claims.between("Δ_2: the distance 1.3 in standard deviations of component 2", maha[1], 3.35, 3.45)
claims.between("  its penalty ½ Δ_2², nats", 0.5 * maha[1] ** 2, 5.55, 5.65)
claims.between("Δ_1: the distance 2.3 in standard deviations of component 1", maha[0], 1.145, 1.155)
_ = claims.between("  its penalty ½ Δ_1², nats", 0.5 * maha[0] ** 2, 0.65, 0.75)

# %% [markdown]
# The point is 1.3 away from the tight component's centre and 2.3 away from the wide
# one's, yet the wide component takes 93% of it. Being small gives component 2 a
# head start of 3.3 nats in $-\frac12\log|2\pi\Sigma_k|$ (its smaller weight costs it 0.9
# back), but 1.3 units is 3.4 of its standard deviations, a penalty of 5.6 nats,
# while 2.3 units is only 1.15 standard deviations of the wide component, a penalty
# of 0.7 nats.

# %%
fig, (ax, ax_bar) = plt.subplots(1, 2, figsize=(11, 4.8), width_ratios=[1.3, 1])
plot_ellipses(LAB_GMM, ax=ax)
for k in range(LAB_GMM.k):
    ax.plot(*np.column_stack([state.point, LAB_GMM.means[k]]), ls=":", color=COMPONENT_COLORS[k])
    mid = 0.5 * (state.point + LAB_GMM.means[k])
    ax.annotate(f"{state.distances[k]:.2f}", mid, color=COMPONENT_COLORS[k], fontsize=10, fontweight="bold",
                xytext=(32, -30) if k == 1 else (0, 6), textcoords="offset points", ha="center")
ax.scatter(*state.point, s=220, color=state.color, edgecolors="black", linewidths=1.5, zorder=5,
           label="x = (2.3, 0), blended colour")
ax.set_xlim(-5, 7)
ax.set_ylim(-5, 8)
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("Euclidean distance to each centre (dotted)")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8)
bars = ax_bar.bar(range(3), state.resp, color=COMPONENT_COLORS[:3], edgecolor="black")
ax_bar.bar_label(bars, labels=[f"r = {v:.3f}" for v in state.resp], fontsize=9)
ax_bar.set_xticks(range(3), [f"component {k + 1}\ndistance {d:.2f}\nMahalanobis {m:.2f}" for k, d, m in
                             zip(range(3), state.distances, state.mahalanobis)], fontsize=8)
ax_bar.set_ylim(0, 1.2)
ax_bar.set_ylabel("responsibility $r_k$")
ax_bar.set_title("Nearest centre: component 2. Largest $r_k$: component 1")
plt.show()

# %% [markdown]
# The nearest centre (red, component 2) gets 7% of the point; the wide blue cluster,
# whose centre is nearly twice as far, gets 93%. The Mahalanobis distance ranks the
# components the right way round here.
#
# ### Lab: move a query point among the three Gaussians
#
# The same three components, drawn over their map of responsibilities (solid: the mixture's borders, where
# the largest $r_k$ changes; dashed: k-means' Voronoi borders, where the nearest centre changes). Move the
# point with the two sliders: the bars are its responsibilities, its fill colour mixes the component colours
# in proportion to them, a thin line keeps the path it has taken, and the panel on the right lists the
# Euclidean and Mahalanobis distance to each centre, the nearest centre, and the component with the largest
# responsibility. Predict first:

# %%
concept_question("05", 2)

# %%
lab = make_responsibility_lab()
lab

# %% [markdown]
# Things to try:
#
# - Set the point to $(1, 3.5)$ and check your prediction.
# - Start at $(2.3, 0)$, then move right into the red circle. When does component 2 take over?
# - Go to $(4.8, 3.4)$. Its nearest centre is red (3.2 away, against 4.0 to green), yet green takes 94%: the
#   point is far from the stretched green centre, but along its long axis, where green's density falls slowly.
# - Slide along the long axis of the green ellipse, far from its centre. Green holds the point all the way
#   to the edge of the window (96% six units out to the upper left); the wide blue component, which wins far
#   out in every direction, takes over only beyond the window, about 7 units out.
#
# The numbers behind the prediction and the tips, from `scipy`:

# %%
probe = np.array([1.0, 3.5])
r_probe = special.softmax(log_joint_scipy(probe, LAB_GMM)[0])
maha_probe = mahalanobis(probe, LAB_GMM.means[2], np.linalg.inv(LAB_GMM.covariances[2]))
claims.equal("nearest centre of (1, 3.5) (component number)", int(np.argmin(np.linalg.norm(LAB_GMM.means - probe,
                                                                                              axis=1))) + 1, 3)
claims.at_least("r_1 at (1, 3.5), from scipy", r_probe[0], 0.99)
claims.close("  the lab's state function agrees", responsibility_state(probe, LAB_GMM).resp, r_probe, atol=1e-12)
dist_probe = np.linalg.norm(LAB_GMM.means - probe, axis=1)
claims.close("distances from (1, 3.5) to the centres of components 3, 1, 2", dist_probe[[2, 0, 1]], [1.3, 3.6, 3.9],
             atol=0.05)
claims.between("Δ_3: distance to the green centre in its own standard deviations", maha_probe, 4.0, 4.15)
claims.between("Δ_2: the same for the tight red component", mahalanobis(probe, LAB_GMM.means[1],
                                                                       np.linalg.inv(LAB_GMM.covariances[1])), 9.5, 10.5)
claims.close("r_2 at (1, 3.5), to three decimals", r_probe[1], 0.0, atol=5e-4)

along = np.array([4.8, 3.4])  # far from the green centre, along its long axis
r_along = special.softmax(log_joint_scipy(along, LAB_GMM)[0])
dist_along = np.linalg.norm(LAB_GMM.means - along, axis=1)
claims.equal("nearest centre of (4.8, 3.4) (component number)", int(np.argmin(dist_along)) + 1, 2)
claims.close("  its distances to the red and green centres", dist_along[[1, 2]], [3.2, 4.0], atol=0.06)
claims.between("  r_3, green's share", r_along[2], 0.935, 0.945)
long_axis = np.linalg.eigh(LAB_GMM.covariances[2])[1][:, 1]  # unit vector along green's long axis
on_axis = LAB_GMM.means[2] + np.linspace(-12, 12, 2401)[:, None] * long_axis
inside = ((on_axis[:, 0] >= LAB_XLIM[0]) & (on_axis[:, 0] <= LAB_XLIM[1]) & (on_axis[:, 1] >= LAB_YLIM[0])
          & (on_axis[:, 1] <= LAB_YLIM[1]))
r_axis = special.softmax(log_joint_scipy(on_axis, LAB_GMM), axis=1)
claims.at_least("green's long axis inside the window: smallest r_3", r_axis[inside, 2].min(), 0.5)
claims.between("  r_3 six units out to the upper left", special.softmax(log_joint_scipy(
    LAB_GMM.means[2] - 6 * long_axis * np.sign(long_axis[0]), LAB_GMM)[0])[2], 0.955, 0.965)
takeover = np.abs(np.linspace(-12, 12, 2401)[r_axis[:, 0] > 0.5]).min()
_ = claims.between("  distance from the green centre where blue takes over on that axis (outside the window)",
                   takeover, 6.5, 7.5)

# %% [markdown]
# ### Tight against wide: where the winner changes
#
# A tight component is tall near its centre but falls fast; a wide one is low but falls slowly. So at equal
# distance from two centres, which one wins depends on the distance. A question first:

# %%
concept_question("05", 3)

# %% [markdown]
# The crossover distance of that question, by a root finder on `scipy.stats` densities (2-D, equal
# weights, $\sigma = 0.5$ and $\sigma = 3$): nearer than this, the tight component wins; farther, the wide one.

# %%
def tight_minus_wide(dist_, sd_tight=0.5, sd_wide=3.0):
    """log N at distance dist_ from a round 2-D Gaussian of sd_tight, minus the same for sd_wide."""
    point = [dist_, 0.0]
    return (stats.multivariate_normal([0, 0], sd_tight**2 * np.eye(2)).logpdf(point)
            - stats.multivariate_normal([0, 0], sd_wide**2 * np.eye(2)).logpdf(point))


crossover = optimize.brentq(tight_minus_wide, 0.1, 5.0, xtol=1e-12)
claims.close("crossover distance against the closed form √(2 log 36 / (1/0.25 − 1/9))", crossover,
             np.sqrt(2 * np.log(36) / (1 / 0.25 - 1 / 9)), atol=1e-9)
_ = claims.between("  which is about 1.36", crossover, 1.355, 1.365)

# %% [markdown]
# ## 7. Unequal weights move the boundary too
#
# Even with identical shapes, the weights matter. Take two 1-D components with
# means $\mu_1 = 0$, $\mu_2 = 3$ and the same variance $\sigma^2 = 1$. The boundary
# $r_1(x) = r_2(x) = \frac12$ is where $a_1 = a_2$:
#
# $$
# \log\pi_1 - \frac{(x-\mu_1)^2}{2\sigma^2} = \log\pi_2 - \frac{(x-\mu_2)^2}{2\sigma^2}
# \quad\Longrightarrow\quad
# x^\ast = \frac{\mu_1 + \mu_2}{2} + \frac{\sigma^2}{\mu_2 - \mu_1}\,\log\frac{\pi_1}{\pi_2}
# $$
#
# (the $x^2$ terms cancel, leaving a linear equation). With equal weights the
# boundary is the midpoint, the k-means boundary; a heavier component 1 pushes it
# towards component 2. We find the boundary numerically with `em.e_step` and a root
# finder and compare.

# %%
mu1, mu2, sigma2 = 0.0, 3.0, 1.0
xs = np.linspace(-2, 5, 400)[:, None]
fig, ax = plt.subplots(figsize=(8, 4.2))
boundaries = {}
for weights, style in [((0.5, 0.5), "-"), ((0.8, 0.2), "--"), ((0.95, 0.05), ":")]:
    g1d = GMM(weights, [[mu1], [mu2]], [[[sigma2]], [[sigma2]]])
    r2 = em.e_step(xs, g1d)[0][:, 1]
    boundary = optimize.brentq(lambda x, g=g1d: em.e_step(np.array([[x]]), g)[0][0, 1] - 0.5, mu1, mu2, xtol=1e-14)
    boundaries[weights] = (mu1 + mu2) / 2 + sigma2 / (mu2 - mu1) * np.log(weights[0] / weights[1])
    claims.close(f"π = {weights}: boundary by root finding against the closed form", boundary, boundaries[weights],
                 atol=1e-9)
    ax.plot(xs[:, 0], r2, ls=style, color=COMPONENT_COLORS[1], label=f"$r_2(x)$ with $\\pi$ = {weights}")
    ax.axvline(boundaries[weights], ls=style, color="grey", lw=1)
ax.axhline(0.5, color="grey", lw=0.5)
for mu, k in [(mu1, 0), (mu2, 1)]:
    ax.plot(mu, 0, marker="x", color=COMPONENT_COLORS[k], markersize=12, markeredgewidth=2, ls="none",
            label=f"$\\mu_{k + 1}$ = {mu:g}")
ax.set_xlabel("x (a single feature)")
ax.set_ylabel("responsibility of component 2")
ax.set_title("Heavier component 1 pushes the boundary (grey lines) towards $\\mu_2$")
ax.legend(fontsize=8, loc="upper left")
plt.show()

g_heavy = GMM((0.95, 0.05), [[mu1], [mu2]], [[[sigma2]], [[sigma2]]])
claims.between("boundary for π = (0.95, 0.05)", boundaries[(0.95, 0.05)], 2.475, 2.485)
_ = claims.between("r_1 at x = 2 for π = (0.95, 0.05), from scipy", special.softmax(log_joint_scipy([[2.0]], g_heavy)[0])[0],
                   0.5, 1.0)

# %% [markdown]
# With $\pi = (0.95, 0.05)$ the boundary sits at 2.48, much closer to $\mu_2 = 3$ than to
# $\mu_1 = 0$: a point at $x = 2$, nearer to $\mu_2$, still belongs mostly to component 1.

# %% [markdown]
# ## 8. The map of responsibilities: curved boundaries, not Voronoi cells
#
# Colour every point of the plane by its responsibilities and you see where each component rules.
# k-means splits the plane into **Voronoi cells**, the points nearest to each centre, whose borders
# are straight (pieces of perpendicular bisectors). What does the mixture draw? First a prediction:

# %%
concept_question("05", 4)

# %% [markdown]
# For two components, the border is where $a_1(x) = a_2(x)$. Expand both quadratic forms:
#
# $$
# a_2(x) - a_1(x) = -\tfrac12\, x^\top (\Sigma_2^{-1} - \Sigma_1^{-1})\, x + x^\top (\Sigma_2^{-1} \mu_2 - \Sigma_1^{-1} \mu_1) + c,
# \qquad c = \log\frac{\pi_2}{\pi_1} - \frac12 \log\frac{|\Sigma_2|}{|\Sigma_1|} - \frac12 \mu_2^\top \Sigma_2^{-1} \mu_2 + \frac12 \mu_1^\top \Sigma_1^{-1} \mu_1 .
# $$
#
# Its zero set is the zero set of a quadratic polynomial in $x$: in the plane, a **conic** (ellipse,
# parabola or hyperbola, or a degenerate pair of lines). Two special cases:
#
# - **Equal covariances**, $\Sigma_1 = \Sigma_2 = \Sigma$: the quadratic term cancels and the border is the straight line
#   $x^\top \Sigma^{-1}(\mu_2 - \mu_1) + c = 0$. Its normal $\Sigma^{-1}(\mu_2 - \mu_1)$ is parallel to $\mu_2 - \mu_1$ (making it parallel to k-means'
#   bisector) exactly when $\mu_2 - \mu_1$ is an eigenvector of $\Sigma$ (always when $\Sigma \propto I$); otherwise the
#   line is tilted. With $\Sigma \propto I$ and equal weights as well it *is* the bisector.
# - **Component 2 inside component 1**, $A = \Sigma_2^{-1} - \Sigma_1^{-1}$ positive definite: completing the square gives the ellipse
#   $(x - x_0)^\top A\,(x - x_0) = \rho^2$ with $x_0 = A^{-1}(\Sigma_2^{-1}\mu_2 - \Sigma_1^{-1}\mu_1)$ and $\rho^2 = x_0^\top A x_0 + 2c$. The tight component
#   rules an island; far out, in every direction, the wide one wins.
#
# We draw the ellipse from this formula and check with `scipy` that the two responsibilities really are
# equal on it; for equal covariances we find the border with a root finder instead and check that it is straight.

# %%
means2 = np.array([[0.0, 0.0], [3.0, 1.0]])
gmm_diff = GMM([0.6, 0.4], means2, [covariance_from_axes(2.2, 1.4, 30), covariance_from_axes(0.8, 0.45, -30)])
gmm_same = GMM([0.6, 0.4], means2, [covariance_from_axes(1.6, 0.6, 30)] * 2)

# the ellipse (x - x0)^T A (x - x0) = rho^2, from the formula above
P1, P2 = np.linalg.inv(gmm_diff.covariances)
A = P2 - P1
c = (np.log(0.4 / 0.6) - 0.5 * np.log(np.linalg.det(gmm_diff.covariances[1]) / np.linalg.det(gmm_diff.covariances[0]))
     - 0.5 * means2[1] @ P2 @ means2[1] + 0.5 * means2[0] @ P1 @ means2[0])
x0 = np.linalg.solve(A, P2 @ means2[1] - P1 @ means2[0])
rho2 = x0 @ A @ x0 + 2 * c
eig_A, V_A = np.linalg.eigh(A)
t = np.linspace(0, 2 * np.pi, 2001)
conic = x0 + (np.sqrt(rho2) * V_A @ (np.vstack([np.cos(t), np.sin(t)]) / np.sqrt(eig_A)[:, None])).T
claims.holds("A = Σ₂⁻¹ − Σ₁⁻¹ is positive definite (an ellipse)", bool(eig_A.min() > 0), f"eigenvalues {eig_A}")
r_conic = special.softmax(log_joint_scipy(conic, gmm_diff), axis=1)
claims.close("on the ellipse, r_1 − r_2 from scipy (2,001 points)", r_conic[:, 0] - r_conic[:, 1], 0.0, atol=1e-9)
claims.close("on the ellipse, r_1 from em.e_step", em.e_step(conic, gmm_diff)[0][:, 0], 0.5, atol=1e-9)

# equal covariances: the border found by root finding on scipy's log-odds along vertical lines
def log_odds(x1, x2, g):
    a_ = log_joint_scipy([x1, x2], g)[0]
    return a_[1] - a_[0]


line = np.array([[u, optimize.brentq(lambda v, u=u: log_odds(u, v, gmm_same), -30, 30, xtol=1e-13)]
                 for u in np.linspace(-1, 4, 11)])
_, sv, Vt = np.linalg.svd(line - line.mean(axis=0))
claims.at_most("equal covariances: distance of the border points from their best straight line (rms)",
               sv[1] / np.sqrt(len(line)), 1e-9)
bisector = np.array([-(means2[1] - means2[0])[1], (means2[1] - means2[0])[0]]) / np.linalg.norm(means2[1] - means2[0])
tilt = np.degrees(np.arccos(abs(Vt[0] @ bisector)))
claims.between("  angle between that line and k-means' bisector (degrees)", tilt, 43.5, 44.5)

# three components (the lab's mixture): where the largest responsibility and the nearest centre disagree
rmap = responsibility_map(LAB_GMM, (-5, 7), (-5, 8))
grid_pts = np.stack(np.meshgrid(rmap.xs, rmap.ys), axis=-1)
nearest = np.argmin(((grid_pts[..., None, :] - LAB_GMM.means) ** 2).sum(axis=-1), axis=-1)
disagree = float(np.mean(nearest != rmap.resp.argmax(axis=-1)))
_ = claims.between("lab's mixture: fraction of the window where the largest r_k is not the nearest centre",
                   disagree, 0.45, 0.55)

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 5.6), layout="constrained")
windows = [((-4, 6.5), (-3.5, 4.5)), ((-4, 6.5), (-3.5, 4.5)), ((-5, 7), (-5, 8))]
titles = ["(a) different covariances: the border is an ellipse", "(b) equal covariances: a straight line",
          "(c) the three components of section 6"]
for ax, g, (xl, yl), title in zip(axes, [gmm_diff, gmm_same, LAB_GMM], windows, titles):
    m = responsibility_map(g, xl, yl)
    ax.imshow(1 - 0.5 * (1 - m.rgb), origin="lower", extent=m.extent, interpolation="bilinear")
    draw_boundaries(ax, m.log_joint, m.xs, m.ys, colors="black", linewidths=1.8)
    cells = -((np.stack(np.meshgrid(m.xs, m.ys), axis=-1)[..., None, :] - g.means) ** 2).sum(axis=-1)
    draw_boundaries(ax, cells, m.xs, m.ys, colors="0.2", linewidths=1.3, linestyles="dashed")
    plot_ellipses(g, ax=ax, level=0.95, label_prefix=None, linewidth=1.5)
    ax.set(xlim=xl, ylim=yl, xlabel="$x_1$", ylabel="$x_2$", title=title, aspect="equal")
axes[0].plot([], [], color="black", lw=1.8, label="mixture: largest $r_k$ changes ($r_1 = r_2$ for K = 2)")
axes[0].plot([], [], color="0.2", lw=1.3, ls="--", label="k-means: nearest centre changes (Voronoi)")
axes[0].plot([], [], color="0.4", lw=1.5, label="95% ellipses of the components")
fig.legend(loc="outside lower center", ncol=3, fontsize=9)
plt.show()

# %% [markdown]
# In (a) the tight red component rules an elliptical island (the two responsibilities are equal on the
# ellipse of the formula, checked above), while the k-means border for the same two
# centres is a straight line. In (b), with a shared covariance, the border is straight, but tilted by
# 44° against the bisector: shape still matters. In (c), the mixture of section 6 and its lab, the largest responsibility
# and the nearest centre disagree on about half of the window.

# %% [markdown]
# ## Summary
#
# - The E-step fixes $\theta$ and computes, for every point, the posterior over its hidden
#   label: $r_{nk} = \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) / \sum_j \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j) = \mathbb E[z_{nk} \mid x_n]$.
# - The same $r$ is the maximiser of the lower bound $\mathcal L(q, \theta)$ over $q$: with a
#   Lagrange multiplier, $q_k \propto e^{a_k}$, the multiplier is $\nu = 1 - \log p(x)$, and the
#   bound becomes tight, $\mathcal L(r, \theta) = \log p(X \mid \theta)$.
# - The direct formula fails when every density of a point is below float64's range: from the
#   units (a factor $s^{-d}$), from many dimensions (about 1.42 nats per dimension), or from a far point.
#   Compute $\log \sum_j e^{a_j} = m + \log \sum_j e^{a_j - m}$ and $r_k = e^{a_k - \log\sum_j e^{a_j}}$.
# - Responsibility depends on weight, size and shape: it follows the Mahalanobis distance and
#   the cluster's log-volume, not the Euclidean distance to the nearest centre. Its borders are
#   conics (straight only for equal covariances), where k-means draws straight Voronoi borders.
#
# **Next:** lesson 06 fixes $r$ and solves for $\theta$ (the M-step).
#
# **Exercises:** [exercises/05_e_step.ipynb](../exercises/05_e_step.ipynb) — write the E-step
# in log space yourself and check it on points far from every component.
