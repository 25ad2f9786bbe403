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
# # Lesson 08 — k-means as a limit of EM
#
# Lesson 01 started from k-means; lesson 07 ended with EM for Gaussian mixtures. This lesson
# joins the two ends. Freeze every covariance at $\Sigma_k = I/\beta$ and every weight at $1/K$,
# and EM becomes **soft k-means**; let the stiffness $\beta$ grow without bound and it becomes
# **k-means**, exactly. Along the way we see what $\beta$ means, write k-means as a matrix
# factorisation, and compare the two algorithms where they differ: elongated clusters.
#
# **Learning goals.** After this lesson you can
#
# 1. derive the responsibilities of an equal-weight mixture with covariances $I/\beta$ as a softmax of
#    $-\tfrac{\beta}{2}\lVert x_n - \mu_k\rVert^2$, and explain why the normalising constants cancel;
# 2. show that as $\beta \to \infty$ the E-step becomes "nearest centre" and the M-step the k-means update;
# 3. read $1/\sqrt\beta$ as a length scale, and describe how the centres split as $\beta$ grows (annealing);
# 4. write the k-means objective as $\lVert X - ZM\rVert_F^2$ and the centre update as a least-squares solution;
# 5. say when k-means and EM agree, and when k-means cuts clusters that EM follows.
#
# **You need:** lesson 01 (k-means), lessons 05–07 (E-step, M-step, the EM loop).

# %%
# %matplotlib inline
from itertools import permutations

import matplotlib.pyplot as plt
import numpy as np

from coursepkg import em
from coursepkg.datasets import SYNTHETIC, make_synthetic
from coursepkg.kmeans import kmeans, kmeans_plusplus, objective, soft_kmeans, soft_responsibilities, squared_distances
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, plot_clusters, plot_ellipses, plot_responsibilities
from coursepkg.widgets.beta import critical_beta, distinct_centers, make_beta_lab
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
X, z_true = make_synthetic("round", n=300, rng=0)
N, d = X.shape
K = 3
start = kmeans_plusplus(X, K, rng=8)  # one set of starting centres, used throughout the lesson

# %% [markdown]
# ## 1. Equal weights and round covariances: the responsibilities become a softmax
#
# Take a mixture with $\pi_k = 1/K$ and $\Sigma_k = \beta^{-1} I$ for every $k$, where $\beta > 0$ is
# a *stiffness* (an inverse variance). Its component densities are
#
# $$
# \mathcal N(x \mid \mu_k, \beta^{-1} I) = \Big(\frac{\beta}{2\pi}\Big)^{d/2} \exp\!\Big(-\frac{\beta}{2}\lVert x - \mu_k\rVert^2\Big),
# $$
#
# because $\det(\beta^{-1} I) = \beta^{-d}$ and $(\beta^{-1}I)^{-1} = \beta I$. Put them into the E-step:
#
# $$
# r_{nk} = \frac{\frac1K \big(\frac{\beta}{2\pi}\big)^{d/2} e^{-\frac\beta2 \lVert x_n - \mu_k\rVert^2}}
#              {\sum_j \frac1K \big(\frac{\beta}{2\pi}\big)^{d/2} e^{-\frac\beta2 \lVert x_n - \mu_j\rVert^2}}
#        = \frac{e^{-\frac\beta2 \lVert x_n - \mu_k\rVert^2}}{\sum_j e^{-\frac\beta2 \lVert x_n - \mu_j\rVert^2}} .
# $$
#
# The factor $\frac1K (\beta/2\pi)^{d/2}$ is the same for every component (equal weights, equal
# covariances), so it cancels between numerator and denominator. What is left is a **softmax of
# $-\frac{\beta}{2}$ times the squared distances**: only distances to the centres matter, exactly as
# in k-means. `kmeans.soft_responsibilities` computes this softmax; the general `em.e_step` applied to
# the mixture must agree.

# %%
def isotropic_gmm(centers, beta):
    """Equal weights 1/K, covariances I / beta."""
    k, dim = centers.shape
    return GMM(np.full(k, 1 / k), centers, np.repeat(np.eye(dim)[None] / beta, k, axis=0))


for beta in (0.1, 1.0, 10.0, 100.0):
    r_em, _ = em.e_step(X, isotropic_gmm(start, beta))
    r_soft = soft_responsibilities(X, start, beta)
    print(f"beta = {beta:6g}: largest |e_step - softmax| = {np.max(np.abs(r_em - r_soft)):.1e}")

# %% [markdown]
# The general E-step and the two-line softmax agree to rounding for every $\beta$: with equal
# weights and round, equal covariances, a mixture's E-step *is* a soft nearest-centre rule.
#
# ## 2. As $\beta \to \infty$ the responsibilities become one-hot
#
# Let $k^\ast$ be the nearest centre of $x_n$ and $\delta_{nk} = \lVert x_n - \mu_k\rVert^2 - \lVert x_n - \mu_{k^\ast}\rVert^2 \ge 0$.
# Dividing numerator and denominator by $e^{-\frac\beta2 \lVert x_n - \mu_{k^\ast}\rVert^2}$,
#
# $$
# r_{nk} = \frac{e^{-\frac\beta2 \delta_{nk}}}{1 + \sum_{j \ne k^\ast} e^{-\frac\beta2 \delta_{nj}}}
# \;\xrightarrow{\;\beta\to\infty\;}\;
# \begin{cases} 1 & k = k^\ast \\ 0 & k \ne k^\ast \end{cases}
# $$
#
# (if no two centres are equally near, every $\delta_{nj} > 0$ for $j \ne k^\ast$ and each exponential
# goes to 0). That is k-means' assignment step. The gap shrinks like $e^{-\beta \delta/2}$: exponentially
# fast in $\beta$, at a speed set by how clearly the point prefers its nearest centre.

# %%
labels = np.argmin(squared_distances(X, start), axis=1)  # k-means assignment
onehot = np.eye(K)[labels]
for beta in (0.1, 1.0, 10.0, 100.0, 1e3, 1e4):
    r = soft_responsibilities(X, start, beta)
    print(f"beta = {beta:7g}: largest |r - one-hot| = {np.max(np.abs(r - onehot)):.2e}")

# %% [markdown]
# ## 3. ... and the M-step becomes the k-means update
#
# With the covariances frozen at $I/\beta$ and the weights at $1/K$, only the means are re-fitted,
# and lesson 06's update is the responsibility-weighted mean $\mu_k = \sum_n r_{nk} x_n / \sum_n r_{nk}$.
# With one-hot $r_{nk} = [\,c_n = k\,]$ the sums run over the points of cluster $k$ only:
#
# $$
# \mu_k = \frac{\sum_{n:\, c_n = k} x_n}{\#\{n : c_n = k\}} = \text{mean of cluster } k ,
# $$
#
# which is k-means' update step. Both halves of EM have turned into the two halves of Lloyd's algorithm.

# %%
weighted = (onehot.T @ X) / onehot.sum(axis=0)[:, None]
cluster_means = np.array([X[labels == j].mean(axis=0) for j in range(K)])
print(f"weighted mean with one-hot weights vs cluster means: largest difference {np.max(np.abs(weighted - cluster_means)):.1e}")

# %% [markdown]
# ## 4. Soft k-means, and what $\beta$ means
#
# Iterating the softmax E-step and the weighted-mean update is **soft k-means** (`kmeans.soft_kmeans`).
# The stiffness has units of 1 / (length squared), so $1/\sqrt\beta$ is a **length**: the standard
# deviation of each frozen component. A centre feels points within a few $1/\sqrt\beta$ of it; beyond
# that, a point's responsibility decays like $e^{-\beta \lVert x - \mu\rVert^2/2}$. A large length scale
# (small $\beta$) lets every centre see every point; a small one (large $\beta$) makes each point listen
# only to its nearest centre. Below, the dashed circles have radius $1/\sqrt\beta$; colours blend by responsibility.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), sharex=True, sharey=True)
t = np.linspace(0, 2 * np.pi, 100)
for ax, beta in zip(axes, (0.2, 0.6, 20.0)):
    fit = soft_kmeans(X, start, beta, max_iter=2000, tol=1e-9)
    plot_responsibilities(X, fit.resp, ax=ax)
    scale = 1 / np.sqrt(beta)
    for j, c in enumerate(fit.centers):
        ax.plot(c[0] + scale * np.cos(t), c[1] + scale * np.sin(t), "--", color=COMPONENT_COLORS[j], lw=1.2)
        ax.plot(*c, marker="X", ms=13, mec="white", color=COMPONENT_COLORS[j], label=f"centre {j}")
    n_c = distinct_centers(fit.centers)
    ax.set_title(rf"$\beta$ = {beta:g}: length scale $1/\sqrt{{\beta}}$ = {scale:.2f}" + f"\n{n_c} distinct centre(s)")
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")
axes[0].set_ylabel("$x_2$")
axes[2].legend(loc="lower right", fontsize=8)
plt.show()

# %% [markdown]
# At $\beta = 0.2$ the length scale (2.2) is larger than the distance between clusters: all three
# centres collapse onto the data mean and every point is grey, shared equally. At $\beta = 0.6$ the
# centres have separated but the colours are still soft near the borders. At $\beta = 20$ the length
# scale is far below the cluster size and the colours are pure: this is k-means.
#
# ## 5. The limit, in numbers
#
# Now the whole algorithm, not just one step. From the same starting centres, we run soft k-means for
# $\beta = 0.1, 1, 10, 100, 10^3, 10^4$ and k-means, and measure (a) the largest deviation of any
# responsibility row from one-hot, $\max_n (1 - \max_k r_{nk})$, and (b) the largest distance between
# the soft k-means centres and the k-means centres.

# %%
km = kmeans(X, start)
betas = np.array([0.1, 1, 10, 100, 1e3, 1e4])
dev, gap = [], []
print(f"{'beta':>8} {'max 1 - max_k r_nk':>20} {'max |soft centre - k-means centre|':>36}")
for beta in betas:
    fit = soft_kmeans(X, start, beta, max_iter=2000, tol=1e-12)
    dev.append(1 - fit.resp.max(axis=1).min())
    gap.append(np.max(np.abs(fit.centers - km.centers)))
    print(f"{beta:8g} {dev[-1]:20.2e} {gap[-1]:36.2e}")

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
floor = 1e-17  # exact zeros drawn at the bottom of the log scale
ax.loglog(betas, np.maximum(dev, floor), "o-", label=r"largest deviation from one-hot, $\max_n(1 - \max_k r_{nk})$ (0 drawn at 1e-17)")
ax.loglog(betas, np.maximum(gap, floor), "s-", label="largest distance to the k-means centres")
ax.axhline(np.finfo(float).eps, color="0.5", ls=":", label="double-precision rounding (2.2e-16)")
ax.set_xlabel(r"stiffness $\beta$ (log scale)")
ax.set_ylabel("size (log scale)")
ax.set_title("soft k-means tends to k-means as beta grows")
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# Both measures fall to zero: first slowly, while the centres are still moving, then
# exponentially fast once each point clearly prefers one centre (the $e^{-\beta\delta/2}$ of
# section 2). From $\beta = 100$ on, the responsibilities are one-hot to double precision and soft
# k-means returns the k-means centres up to rounding ($10^{-15}$). At $\beta = 0.1$ the deviation is $2/3$: every
# point is shared equally by three merged centres.
#
# ## 6. Annealing: the centres split as $\beta$ grows
#
# Why did all centres sit on the data mean at small $\beta$? When every point is much closer than
# $1/\sqrt\beta$ to every centre, all responsibilities are nearly $1/K$, and each centre moves to the
# (nearly unweighted) mean of all the data. In fact "all centres at the mean" is a fixed point for
# every $\beta$: equal centres give equal responsibilities, whose weighted mean is the data mean. It is
# stable only while the length scale is larger than the spread of the data: the merged centre becomes
# unstable, and the centres split apart, when $\beta$ passes $1/\lambda_{\max}$, with $\lambda_{\max}$
# the largest eigenvalue of the data covariance (the splitting happens along its eigenvector). Raising
# $\beta$ slowly and following the centres is called **deterministic annealing** (think of $2/\beta$ as a
# temperature). We check the threshold:

# %%
beta_c = critical_beta(X)
print(f"largest eigenvalue of the data covariance: {1 / beta_c:.3f}  ->  beta_c = {beta_c:.4f}")
for factor in (0.9, 0.99, 1.01, 1.1):
    fit = soft_kmeans(X, start, factor * beta_c, max_iter=20000, tol=1e-12)
    spread = np.max(np.abs(fit.centers - X.mean(axis=0)))
    print(f"beta = {factor:4} beta_c: distinct centres {distinct_centers(fit.centers, tol=1e-4)}, "
          f"largest distance from the data mean {spread:.1e}")

# %% [markdown]
# Just below $\beta_c$ every centre sits on the mean; just above, they have moved away from it. The
# **beta lab** lets you watch this. Drag $\beta$ from left to right: on the left the points turn
# from grey to coloured as the centres split; on the right, the first coordinate of each centre
# against $\beta$ (precomputed on a grid of 101 values, each run from the same start) shows the split
# at the dotted line $1/\lambda_{\max}$.

# %%
make_beta_lab(X, start, beta=0.1)

# %% [markdown]
# ## 7. k-means as matrix factorisation
#
# Stack the points as rows of $X$ $(N \times d)$, the centres as rows of $M$ $(K \times d)$, and the
# assignments as a one-hot matrix $Z$ $(N \times K)$ with $Z_{nk} = 1$ if $c_n = k$. Then row $n$ of $ZM$
# is $\mu_{c_n}$, the centre of $x_n$'s cluster, and
#
# $$
# \lVert X - ZM \rVert_F^2 = \sum_n \lVert x_n - (ZM)_{n,:} \rVert^2 = \sum_n \lVert x_n - \mu_{c_n}\rVert^2 = J .
# $$
#
# So k-means approximates the data matrix by a product of a one-hot matrix and a small centre matrix:
# a **matrix factorisation** with a constraint on $Z$.

# %%
Z = np.eye(K)[km.labels]
M = km.centers
frob = np.linalg.norm(X - Z @ M, "fro") ** 2
print(f"||X - Z M||_F^2 = {frob:.10f}")
print(f"J               = {objective(X, M, km.labels):.10f}   difference {abs(frob - km.objective):.1e}")

# %% [markdown]
# With $Z$ fixed, minimising $\lVert X - ZM\rVert_F^2$ over $M$ is an ordinary least-squares problem,
# one column of $X$ at a time. Its normal equations $Z^\top Z M = Z^\top X$ have the solution
#
# $$
# M = (Z^\top Z)^{-1} Z^\top X ,
# $$
#
# and because $Z$ is one-hot, $Z^\top Z = \operatorname{diag}(N_1, \dots, N_K)$ (the cluster sizes) and
# row $k$ of $Z^\top X$ is the sum of cluster $k$'s points. So row $k$ of $M$ is the cluster mean: the
# k-means update step is least squares. (A cluster that is empty makes $Z^\top Z$ singular; k-means
# implementations keep the old centre for it.)

# %%
Z_labels = np.eye(K)[labels]  # the assignments of the starting centres, one step of Lloyd
M_ls = np.linalg.solve(Z_labels.T @ Z_labels, Z_labels.T @ X)
M_lstsq = np.linalg.lstsq(Z_labels, X, rcond=None)[0]
print(f"Z^T Z = diag{tuple(np.diag(Z_labels.T @ Z_labels).astype(int).tolist())}, off-diagonal all zero: "
      f"{np.count_nonzero(Z_labels.T @ Z_labels - np.diag(np.diag(Z_labels.T @ Z_labels))) == 0}")
print(f"(Z^T Z)^-1 Z^T X vs cluster means: largest difference {np.max(np.abs(M_ls - cluster_means)):.1e}")
print(f"np.linalg.lstsq      vs cluster means: largest difference {np.max(np.abs(M_lstsq - cluster_means)):.1e}")

# %% [markdown]
# ## 8. k-means and EM side by side
#
# The limit tells us what k-means assumes: every cluster a round Gaussian of the same size, equally
# likely. On round, equal clusters that is true and the two algorithms agree. On the elongated data
# (three long parallel clusters) it is false. We run both, with several starts each, and score
# each clustering by the fraction of points put in their true cluster, after the best matching of
# cluster numbers to true labels (numbering is arbitrary: label switching, lesson 07).

# %%
def fraction_correct(labels, truth, k):
    """Best agreement between labels and truth over all renumberings of the labels."""
    return max(np.mean(np.array(perm)[labels] == truth) for perm in permutations(range(k)))


fig, axes = plt.subplots(2, 2, figsize=(12, 9))
for row, kind in enumerate(("round", "elongated")):
    A, truth = make_synthetic(kind, n=300, rng=0)
    km_fit = min((kmeans(A, 3, rng=s) for s in range(10)), key=lambda r: r.objective)
    em_fit = em.fit_em(A, 3, init="kmeans", rng=0, n_init=10)
    em_labels = em_fit.resp.argmax(axis=1)
    ax = axes[row, 0]
    plot_clusters(A, km_fit.labels, ax=ax)
    ax.plot(*km_fit.centers.T, "kX", ms=11, mec="white", label="centres")
    ax.set_title(f"k-means on {kind} data: {fraction_correct(km_fit.labels, truth, 3):.1%} correctly clustered")
    ax = axes[row, 1]
    plot_responsibilities(A, em_fit.resp, ax=ax)
    plot_ellipses(em_fit.gmm, ax=ax)
    plot_ellipses(SYNTHETIC[kind], ax=ax, colors=["0.4"] * 3, linestyle="--", linewidth=1.0, label_prefix=None)
    ax.plot([], [], "--", color="0.4", label="true components (95%)")
    ax.set_title(f"EM on {kind} data: {fraction_correct(em_labels, truth, 3):.1%} correctly clustered")
    for ax in axes[row]:
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_aspect("equal", adjustable="datalim")
        ax.legend(fontsize=7, loc="lower right")
plt.show()

# %% [markdown]
# On round data both algorithms get essentially every point right. On the elongated data k-means
# cuts straight across the long clusters: its boundaries are the perpendicular bisectors between
# centres, and with round "components" it prefers three compact pieces to three long thin ones. EM
# learns each component's covariance, its ellipses follow the clusters, and it recovers almost every
# label. The price is more parameters ($K d(d+1)/2$ covariance entries) and more computation per
# iteration; when clusters really are round and equal, k-means is the cheaper tool and loses nothing.

# %% [markdown]
# ## 9. Check your understanding

# %%
concept_question("08", 1)

# %%
concept_question("08", 2)

# %%
concept_question("08", 3)

# %% [markdown]
# ## Summary
#
# - With $\pi_k = 1/K$ and $\Sigma_k = I/\beta$ the normalising constants cancel and the E-step is a softmax of
#   $-\frac\beta2\lVert x_n - \mu_k\rVert^2$ (checked against `em.e_step` to rounding).
# - As $\beta \to \infty$ the responsibilities become one-hot (exponentially fast) and the weighted-mean M-step
#   becomes the cluster mean: EM becomes k-means. Numerically, from $\beta = 100$ on soft k-means returns the
#   k-means centres to $10^{-15}$.
# - $1/\sqrt\beta$ is a length scale. Below $\beta_c = 1/\lambda_{\max}$ all centres merge at the data mean;
#   above, they split (deterministic annealing).
# - k-means minimises $\lVert X - ZM\rVert_F^2$ with one-hot $Z$; its centre update is the least-squares solution
#   $M = (Z^\top Z)^{-1}Z^\top X$.
# - k-means assumes round, equal clusters: it agrees with EM on round data and cuts elongated clusters that EM follows.
#
# **Exercises:** [exercises/08_kmeans_limit.ipynb](../exercises/08_kmeans_limit.ipynb) — derive the softmax
# responsibilities, implement soft k-means, and measure the limit yourself.
