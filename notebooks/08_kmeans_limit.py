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
# **k-means**, exactly. Along the way we see what $\beta$ does and does not mean, watch the centres
# split as $\beta$ grows, write k-means as a likelihood and as a matrix factorisation, and run the two
# algorithms side by side where they differ.
#
# **Learning goals.** After this lesson you can
#
# 1. derive the responsibilities of an equal-weight mixture with covariances $I/\beta$ as a softmax of
#    $-\tfrac{\beta}{2}\lVert x_n - \mu_k\rVert^2$, and explain why the normalising constants cancel;
# 2. show that as $\beta \to \infty$ the E-step becomes "nearest centre" and the M-step the k-means update,
#    and that k-means maximises the likelihood of a hard-assignment isotropic mixture;
# 3. derive the soft band between two centres, $r = \sigma(\beta D t)$, and the splitting point
#    $\beta_c = 1/\lambda_{\max}$ of annealed soft k-means;
# 4. write the k-means objective as $\lVert X - ZM\rVert_F^2$ and the centre update as a least-squares solution;
# 5. say when k-means and EM agree, when EM wins, and when the simpler k-means does better.
#
# **You need:** lesson 01 (k-means), lesson 03 (the complete-data likelihood), lessons 05–07 (E-step,
# M-step, the EM loop).
#
# Components are numbered $1, \dots, K$ in the text and the figures; the code counts from 0, so
# "centre 1" is `centers[0]`.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from scipy.optimize import brentq
from scipy.special import expit
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

from coursepkg import claims, em, mixture
from coursepkg.datasets import SYNTHETIC, make_synthetic
from coursepkg.kmeans import kmeans, kmeans_plusplus, objective, soft_kmeans, soft_responsibilities, update_centers
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, plot_ellipses, plot_responsibilities
from coursepkg.widgets import compare
from coursepkg.widgets.beta import anneal, beta_state, critical_beta, distinct_centers, make_beta_lab
from coursepkg.widgets.compare import make_compare_lab
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
SEED = 8
rng = np.random.default_rng(SEED)
X, z_true = make_synthetic("round", n=300, rng=0)
N, d = X.shape
K = 3
start = kmeans_plusplus(X, K, rng=SEED)  # one set of k-means++ starting centres (lesson 01), used throughout

# %% [markdown]
# ## 1. Equal weights and round covariances: the responsibilities become a softmax
#
# Take a mixture with $\pi_k = 1/K$ and $\Sigma_k = \beta^{-1} I$ for every $k$, where $\beta > 0$ is
# a *stiffness* (an inverse variance, in 1 / data units squared). Its component densities are
#
# $$
# \mathcal N(x \mid \mu_k, \beta^{-1} I) = \Big(\frac{\beta}{2\pi}\Big)^{d/2} \exp\!\Big(-\frac{\beta}{2}\lVert x - \mu_k\rVert^2\Big),
# $$
#
# because $\det(\beta^{-1} I) = \beta^{-d}$ and $(\beta^{-1}I)^{-1} = \beta I$. Put them into the E-step
# (lesson 05):
#
# $$
# r_{nk} = \frac{\frac1K \big(\frac{\beta}{2\pi}\big)^{d/2} e^{-\frac\beta2 \lVert x_n - \mu_k\rVert^2}}
#              {\sum_j \frac1K \big(\frac{\beta}{2\pi}\big)^{d/2} e^{-\frac\beta2 \lVert x_n - \mu_j\rVert^2}}
#        = \frac{e^{-\frac\beta2 \lVert x_n - \mu_k\rVert^2}}{\sum_j e^{-\frac\beta2 \lVert x_n - \mu_j\rVert^2}} .
# $$
#
# The factor $\frac1K (\beta/2\pi)^{d/2}$ is the same for every component (equal weights, equal
# covariances), so it cancels between numerator and denominator. What is left is a **softmax of
# $-\frac{\beta}{2}$ times the squared distances**: only distances to the centres matter, as in
# k-means. (Seed 004 writes the same softmax as $e^{-\beta\lVert x - \mu\rVert^2}$, without the
# $\tfrac12$: its $\beta$ is half of ours.) `kmeans.soft_responsibilities` computes this softmax; the
# general `em.e_step` applied to the mixture, and a softmax built from scipy's Gaussian log-density,
# must agree with it.

# %%
def isotropic_gmm(centers, beta):
    """Equal weights 1/K, covariances I / beta."""
    k, dim = centers.shape
    return GMM(np.full(k, 1 / k), centers, np.repeat(np.eye(dim)[None] / beta, k, axis=0))


for beta in (0.1, 1.0, 10.0, 100.0):
    r_soft = soft_responsibilities(X, start, beta)
    r_em, _ = em.e_step(X, isotropic_gmm(start, beta))
    log_joint = np.column_stack([np.log(1 / K) + stats.multivariate_normal(c, np.eye(d) / beta).logpdf(X)
                                 for c in start])
    r_scipy = np.exp(log_joint - np.logaddexp.reduce(log_joint, axis=1, keepdims=True))
    claims.close(f"beta = {beta:g}: softmax vs em.e_step", r_soft, r_em, atol=1e-12)
    claims.close(f"beta = {beta:g}: softmax vs Bayes' rule with scipy's pdf", r_soft, r_scipy, atol=1e-12)

# %% [markdown]
# The two-line softmax, the general E-step and Bayes' rule written out with scipy agree to rounding
# for every $\beta$: with equal weights and round, equal covariances, a mixture's E-step *is* a soft
# nearest-centre rule.
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
# goes to 0). That is k-means' assignment step. The gap shrinks like $e^{-\beta \delta/2}$ with $\delta$
# the smallest $\delta_{nj}$ of the point: exponentially fast in $\beta$, at a speed set by how clearly
# the point prefers its nearest centre. The same formula bounds the error: $r_{nk} \le e^{-\frac\beta2\delta_{nk}}$
# for $k \ne k^\ast$ and $1 - r_{nk^\ast} \le \sum_{j \ne k^\ast} e^{-\frac\beta2\delta_{nj}}$, so every entry of
# $r_n$ is within $(K-1)\,e^{-\beta\delta_n/2}$ of one-hot, $\delta_n$ the smallest gap of point $n$.

# %%
sq = np.array([[np.sum((x - c) ** 2) for c in start] for x in X])  # squared distances, by a loop
labels = sq.argmin(axis=1)  # k-means assignment to the starting centres
onehot = np.eye(K)[labels]
gaps = np.sort(sq, axis=1)[:, 1] - sq.min(axis=1)  # delta of each point: second-nearest minus nearest
deviation = {}
for beta in (0.1, 1.0, 10.0, 100.0, 1e3, 1e4):
    r = soft_responsibilities(X, start, beta)
    deviation[beta] = np.max(np.abs(r - onehot))
    # the bound from the formula above: every entry within (K-1) exp(-beta delta_n / 2) of one-hot
    bound = np.max((K - 1) * np.exp(-beta * gaps / 2))
    claims.at_most(f"beta = {beta:7g}: largest |r - one-hot|, at most (K-1) exp(-beta delta_n / 2)", deviation[beta], bound)
claims.between("beta = 100: largest |r - one-hot|", deviation[100.0], 1e-12, 1e-11)
claims.between("beta = 1000: largest |r - one-hot|", deviation[1e3], 1e-111, 1e-110)
claims.equal("beta = 10^4: largest |r - one-hot| (underflow)", deviation[1e4], 0.0)

# %% [markdown]
# The deviation from one-hot obeys the bound at every $\beta$ and falls to zero exponentially: about
# $10^{-11}$ at $\beta = 100$, $10^{-110}$ at $\beta = 10^3$, and exactly 0 at $\beta = 10^4$, where
# $e^{-\beta\delta/2}$ underflows.
#
# ## 3. ... and the M-step becomes the k-means update
#
# With the covariances frozen at $I/\beta$ and the weights at $1/K$, only the means are re-fitted,
# and lesson 06's update is the responsibility-weighted mean $\mu_k = \sum_n r_{nk} x_n / \sum_n r_{nk}$.
# With one-hot $r_{nk} = [\,z_n = k\,]$, where $z_n$ is the cluster of point $n$, the sums run over the
# points of cluster $k$ only:
#
# $$
# \mu_k = \frac{\sum_{n:\, z_n = k} x_n}{\#\{n : z_n = k\}} = \text{mean of cluster } k ,
# $$
#
# which is k-means' update step. Both halves of EM have turned into the two halves of Lloyd's algorithm.
# We check it against two independent computations: the cluster means by a loop, and one step of
# scikit-learn's `KMeans` from the same starting centres (with `max_iter=1` it assigns once and moves
# the centres once).

# %%
mstep_means = em.m_step(X, onehot).means  # the general M-step, with one-hot responsibilities
loop_means = np.zeros((K, d))
for k in range(K):
    members = [x for x, label in zip(X, labels) if label == k]
    loop_means[k] = sum(members) / len(members)
one_lloyd_step = KMeans(K, init=start, n_init=1, max_iter=1, algorithm="lloyd").fit(X).cluster_centers_
claims.close("M-step means with one-hot r vs cluster means by a loop", mstep_means, loop_means, atol=1e-12)
claims.close("M-step means with one-hot r vs one step of scikit-learn's KMeans", mstep_means, one_lloyd_step, atol=1e-12)

# %% [markdown]
# Both halves of Lloyd's algorithm, read off the mixture: the E-step with frozen round components and
# $\beta \to \infty$ is the assignment step, the M-step with one-hot responsibilities is the update step.

# %%
concept_question("08", 1)

# %% [markdown]
# ## 4. k-means maximises a hard-assignment likelihood
#
# The limit is not the only link. Keep $\beta$ finite, but let the assignments be hard: treat the one-hot
# $Z$ (row $n$ is $z_n$ as a one-hot vector, $z_{nk} = [\,z_n = k\,]$) as parameters to choose rather
# than latent variables to average over. Lesson 03's complete-data log-likelihood of the equal-weight
# isotropic mixture, $\theta = (\pi_k = 1/K,\ \mu_k,\ \Sigma_k = I/\beta)$, is
#
# $$
# \log p(X, Z \mid \theta) = \sum_n \sum_k z_{nk}\big[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, I/\beta)\big]
# = \sum_n \Big[-\log K - \frac d2 \log\frac{2\pi}{\beta} - \frac\beta2 \lVert x_n - \mu_{z_n}\rVert^2\Big],
# $$
#
# because each row of $Z$ has a single 1, which picks the term of $z_n$, and
# $\log \mathcal N(x \mid \mu, I/\beta) = -\frac d2 \log\frac{2\pi}{\beta} - \frac\beta2 \lVert x - \mu\rVert^2$.
# The last sum is $-\frac\beta2 J$ with $J = \sum_n \lVert x_n - \mu_{z_n}\rVert^2$, so
#
# $$
# \log p(X, Z \mid \theta) = -N\log K - \frac{Nd}{2}\log\frac{2\pi}{\beta} - \frac\beta2 J
# \quad\Longleftrightarrow\quad
# J = -\frac2\beta \log p(X, Z \mid \theta) \;\underbrace{-\; \frac{Nd}{\beta}\log\frac{2\pi}{\beta} - \frac{2N}{\beta}\log K}_{C(\beta)} .
# $$
#
# For a fixed $\beta$, $J$ is $-2/\beta$ times the complete-data log-likelihood plus a constant that
# depends on neither the centres nor the assignments. So the $(Z, \mu)$ that minimise $J$ maximise
# $p(X, Z \mid \theta)$: **k-means fits, by maximum likelihood, a Gaussian mixture with hard assignments,
# equal weights and round covariances of any fixed size $1/\beta$**. Lloyd's steps are coordinate ascent on this likelihood: the
# best $Z$ for fixed centres is "nearest centre", the best centres for fixed $Z$ are the cluster means.
# We check that $J + \frac2\beta\log p(X, Z \mid \theta)$, with $\log p$ summed from scipy's
# `multivariate_normal`, equals $C(\beta)$ whatever the assignments and centres.

# %%
def complete_log_likelihood_scipy(X, labels, centers, beta):
    """log p(X, Z | theta) for weights 1/K and covariances I/beta, from scipy's log-density, point by point."""
    k, dim = centers.shape
    return sum(np.log(1 / k) + stats.multivariate_normal(centers[z], np.eye(dim) / beta).logpdf(x)
               for x, z in zip(X, labels))


km = kmeans(X, start)  # Lloyd's algorithm from the starting centres
cases = {
    "k-means labels and centres": (km.labels, km.centers),
    "random labels, starting centres": (rng.integers(K, size=N), start),
    "random labels, random centres": (rng.integers(K, size=N), rng.normal(scale=3, size=(K, d))),
}
for beta in (0.1, 1.0, 7.5):
    C_formula = -N * d / beta * np.log(2 * np.pi / beta) - 2 * N / beta * np.log(K)
    for name, (z, centers) in cases.items():
        J = sum(np.sum((x - centers[k]) ** 2) for x, k in zip(X, z))
        C_found = J + 2 / beta * complete_log_likelihood_scipy(X, z, centers, beta)
        claims.close(f"beta = {beta:g}, {name}: J + (2/beta) log p(X, Z)", C_found, C_formula, rtol=1e-12)

# %% [markdown]
# The same constant $C(\beta)$ for every assignment and every set of centres: lowering $J$ and raising
# $p(X, Z \mid \theta)$ are one and the same. What $\beta \to \infty$ adds is the other direction:
# soft EM, which averages over $Z$ instead of choosing it, becomes this hard version.
#
# ## 5. Soft k-means, and what $\beta$ means
#
# Iterating the softmax E-step and the weighted-mean update is **soft k-means** (`kmeans.soft_kmeans`).
# The stiffness has units of 1 / (length squared), so $1/\sqrt\beta$ is a **length**: the standard
# deviation of each frozen component. It is tempting to read it as a reach: "a centre sees the points
# within a few $1/\sqrt\beta$ and ignores the rest". That is wrong, because responsibilities are
# *normalised*: a far point has a tiny density under every component, but the ratios of those densities
# need not be small. Take two centres $\mu_1, \mu_2$ a distance $D = \lVert \mu_1 - \mu_2\rVert$ apart,
# their midpoint $m = (\mu_1 + \mu_2)/2$, the unit vector $u = (\mu_1 - \mu_2)/D$, and let
# $t = u^\top (x - m)$ be the signed distance of $x$ from the bisector (positive on $\mu_1$'s side).
#
# 1. Divide numerator and denominator of the softmax by $e^{-\frac\beta2\lVert x - \mu_1\rVert^2}$:
#    $\;r_1 = 1 \big/ \big(1 + e^{-\frac\beta2 (\lVert x - \mu_2\rVert^2 - \lVert x - \mu_1\rVert^2)}\big)$.
#    Only the *difference* of the squared distances is left.
# 2. Expand both squares; the $\lVert x\rVert^2$ cancel:
#    $\;\lVert x - \mu_2\rVert^2 - \lVert x - \mu_1\rVert^2 = 2x^\top(\mu_1 - \mu_2) - (\lVert\mu_1\rVert^2 - \lVert\mu_2\rVert^2)$.
# 3. Write $\lVert\mu_1\rVert^2 - \lVert\mu_2\rVert^2 = (\mu_1 - \mu_2)^\top(\mu_1 + \mu_2) = 2(\mu_1 - \mu_2)^\top m$,
#    so the difference is $2(\mu_1 - \mu_2)^\top (x - m) = 2 D\, t$.
# 4. Hence, with the logistic function $\sigma(a) = 1/(1 + e^{-a})$,
#
# $$
# r_1(x) = \sigma(\beta D\, t) .
# $$
#
# Three consequences. The responsibility depends on $x$ only through $t$: it is constant along every
# line parallel to the bisector, however far from both centres. It lies between 0.1 and 0.9 only where
# $|t| \le \ln 9 / (\beta D)$: the **soft band** has width $w = 2\ln 9/(\beta D) \approx 4.4/(\beta D)$,
# which is $4.4\,(1/\sqrt\beta)^2 / D$, narrower than the length scale itself once the centres are more
# than $4.4/\sqrt\beta$ apart. And outside the band a point belongs fully to its nearer centre, however
# far away it is. The density of a far point does decay like $e^{-\beta\lVert x - \mu\rVert^2/2}$; its
# responsibility does not. We check the formula along a line that crosses the bisector (1.5 units off
# the line through the centres, to show that the offset does not matter), using the two k-means centres
# 1 and 2 of the round data.

# %%
mu1, mu2 = km.centers[0], km.centers[1]
D = np.linalg.norm(mu1 - mu2)
u = (mu1 - mu2) / D
v = np.array([-u[1], u[0]])  # along the bisector
mid = (mu1 + mu2) / 2
t_line = np.linspace(-3, 3, 601)
line = mid + t_line[:, None] * u + 1.5 * v
claims.between("distance D between centres 1 and 2", D, 4.0, 4.1)
for beta in (0.3, 1.0, 3.0):
    r1 = soft_responsibilities(line, km.centers[:2], beta)[:, 0]
    claims.close(f"beta = {beta:g}: r_1 along the line vs sigma(beta D t)", r1, expit(beta * D * t_line), atol=1e-12)
    t90 = brentq(lambda s: soft_responsibilities((mid + s * u)[None], km.centers[:2], beta)[0, 0] - 0.9,
                 0, 10, xtol=1e-14)
    claims.close(f"beta = {beta:g}: where r_1 = 0.9 (root finder) vs ln 9 / (beta D)", t90, np.log(9) / (beta * D),
                 rtol=1e-9)
far = mid + 30 * u  # 30 units from the bisector, about 28 from centre 1
log10_density = stats.multivariate_normal(mu1, np.eye(d)).logpdf(far) / np.log(10)
claims.between("beta = 1: log10 of the far point's density under component 1", log10_density, -171, -170)
claims.equal("beta = 1: the far point's responsibility for centre 1", soft_responsibilities(far[None], km.centers[:2],
                                                                                             1.0)[0, 0], 1.0)

# %% [markdown]
# The logistic formula holds to rounding, the 0.9 crossing sits at $\ln 9/(\beta D)$, and a point whose
# density under component 1 is about $10^{-170}$ still belongs to centre 1 with responsibility 1. The
# picture: $r_1$ along the line, for three stiffnesses; the shaded bands are where $0.1 \le r_1 \le 0.9$.

# %%
fig, ax = plt.subplots(figsize=(8, 3.8))
for beta, color in zip((0.3, 1.0, 3.0), ("0.65", "0.35", "k")):
    r1 = soft_responsibilities(line, km.centers[:2], beta)[:, 0]
    half = np.log(9) / (beta * D)
    ax.axvspan(-half, half, color=color, alpha=0.12)
    ax.plot(t_line, r1, color=color, lw=2,
            label=rf"$\beta$ = {beta:g}: band width $2\ln 9/(\beta D)$ = {2 * half:.2f}, $1/\sqrt{{\beta}}$ = {beta ** -0.5:.2f}")
ax.axvline(0, color="0.5", ls=":", lw=1)
ax.set_xlabel(r"signed distance $t$ from the bisector of centres 1 and 2 (data units; centre 1 at $t = D/2$ = "
              f"{D / 2:.2f})")
ax.set_ylabel(r"responsibility $r_1$ of centre 1")
ax.set_title(r"two centres: $r_1 = \sigma(\beta D t)$, a logistic step across the bisector")
ax.legend(fontsize=8, loc="upper left")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# The band narrows like $1/\beta$, not like $1/\sqrt\beta$, and far from the bisector every curve is
# flat at 0 or 1. Now the whole algorithm on the round data, from the same start, at three stiffnesses.
# The colours blend by responsibility; the thin grey lines are the edges of the soft bands, where the
# largest responsibility of a point is 0.9.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), sharex=True, sharey=True)
grid_x, grid_y = np.meshgrid(np.linspace(-3, 7, 300), np.linspace(-3, 7, 300))
grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
fits = {}
for ax, beta in zip(axes, (0.2, 0.6, 20.0)):
    fit = fits[beta] = soft_kmeans(X, start, beta, max_iter=2000, tol=1e-9)
    plot_responsibilities(X, fit.resp, ax=ax)
    top = soft_responsibilities(grid, fit.centers, beta).max(axis=1).reshape(grid_x.shape)
    if top.max() > 0.9:  # merged centres have no band: every responsibility is 1/3
        ax.contour(grid_x, grid_y, top, levels=[0.9], colors="0.4", linewidths=0.8)
    for j, c in enumerate(fit.centers):
        ax.plot(*c, marker="X", ms=13, mec="white", color=COMPONENT_COLORS[j], ls="none", label=f"centre {j + 1}")
    n_c = distinct_centers(fit.centers, tol=1e-3)
    ax.set_title(rf"$\beta$ = {beta:g}, $1/\sqrt{{\beta}}$ = {beta ** -0.5:.2f}: {n_c} distinct centre(s)")
    ax.set_xlabel("$x_1$ (data units)")
    ax.set_aspect("equal")
axes[0].set_ylabel("$x_2$ (data units)")
axes[2].legend(loc="lower right", fontsize=8)
plt.show()

# %%
beta_c = critical_beta(X)
lam_max = np.linalg.eigvalsh(np.cov(X.T, bias=True))[-1]
mean = X.mean(axis=0)
claims.close("beta = 0.2: every centre at the data mean", fits[0.2].centers, np.broadcast_to(mean, (K, d)), atol=1e-6)
claims.close("lambda_max of the data covariance (numpy's eigvalsh)", lam_max, 3.60, atol=0.005)
claims.close("beta_c = 1 / lambda_max", beta_c, 1 / lam_max, rtol=1e-12)
claims.close("beta lambda_max at beta = 0.2 (below 1: below beta_c)", 0.2 * lam_max, 0.72, atol=0.005)
claims.close("length scale 1/sqrt(0.2)", 0.2 ** -0.5, 2.24, atol=0.005)
claims.close("sqrt(lambda_max)", np.sqrt(lam_max), 1.90, atol=0.005)
true_gaps = [np.linalg.norm(a - b) for i, a in enumerate(SYNTHETIC["round"].means) for b in SYNTHETIC["round"].means[i + 1:]]
claims.between("distances between the true cluster centres", np.array(true_gaps), 4.0, 4.15)
for beta in (0.6, 20.0):
    c = fits[beta].centers
    pair_d = np.array([np.linalg.norm(c[i] - c[j]) for i in range(K) for j in range(i + 1, K)])
    claims.between(f"beta = {beta:g}: band widths 2 ln 9 / (beta D) over the pairs of centres",
                   2 * np.log(9) / (beta * pair_d), *((1.8, 1.9) if beta == 0.6 else (0.052, 0.055)))

# %% [markdown]
# At $\beta = 0.2$ all three centres sit on the data mean and every point is grey, shared equally. The
# reason is not that the length scale $1/\sqrt{0.2} = 2.24$ exceeds the distance between the clusters (it
# does not: they are about 4 apart). It is that $\beta$ is below $\beta_c = 1/\lambda_{\max} = 0.28$,
# with $\lambda_{\max} = 3.60$ the largest eigenvalue of the data covariance: the length scale exceeds
# $\sqrt{\lambda_{\max}} = 1.90$, the standard deviation of the data along its widest direction.
# Section 7 derives this threshold. At $\beta = 0.6$ the centres have separated and the bands between
# them are about 1.8 units wide; at $\beta = 20$ they are 0.05 wide and the colours are pure: this is k-means.
#
# ## 6. The limit, in numbers
#
# Now the whole algorithm, not just one step. From the same starting centres, we run soft k-means for
# $\beta = 0.1, 1, 10, 100, 10^3, 10^4$ and measure (a) the largest deviation of any responsibility row
# from one-hot, $\max_n (1 - \max_k r_{nk})$, and (b) the largest distance between the soft k-means
# centres and the k-means centres, here scikit-learn's `KMeans` run from the same start (an independent
# implementation of Lloyd's algorithm).

# %%
sk_centers = KMeans(K, init=start, n_init=1, algorithm="lloyd", tol=0).fit(X).cluster_centers_
claims.close("coursepkg's k-means vs scikit-learn's, same start", km.centers, sk_centers, atol=1e-12)
betas = np.array([0.1, 1, 10, 100, 1e3, 1e4])
dev, gap = [], []
for beta in betas:
    fit = soft_kmeans(X, start, beta, max_iter=2000, tol=1e-12)
    dev.append(1 - fit.resp.max(axis=1).min())
    gap.append(np.max(np.abs(fit.centers - sk_centers)))
dev, gap = np.array(dev), np.array(gap)
claims.close("beta = 0.1: deviation from one-hot (three merged centres share every point)", dev[0], 2 / 3, atol=1e-9)
claims.between("beta = 1: deviation from one-hot", dev[1], 0.2, 0.3)
claims.between("beta = 10: deviation from one-hot", dev[2], 1e-7, 1e-5)
claims.at_most("beta >= 100: deviation from one-hot", dev[3:], 1e-15)
claims.at_most("beta >= 100: distance to scikit-learn's k-means centres", gap[3:], 1e-14)
claims.holds("the distance to the k-means centres never grows with beta", bool(np.all(np.diff(gap) <= 1e-15)),
             f"{np.array2string(gap, precision=2)}")

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
floor = 1e-17  # exact zeros drawn at the bottom of the log scale
ax.loglog(betas, np.maximum(dev, floor), "o-", color="k", label=r"largest deviation from one-hot, $\max_n(1 - \max_k r_{nk})$")
ax.loglog(betas, np.maximum(gap, floor), "s--", color="0.5", label="largest distance to the k-means centres (data units)")
ax.axhline(np.finfo(float).eps, color="0.5", ls=":", label="double-precision rounding (2.2e-16)")
ax.set_xlabel(r"stiffness $\beta$ (1 / data units$^2$, log scale)")
ax.set_ylabel("size (log scale; exact 0 drawn at 1e-17)")
ax.set_title("soft k-means tends to k-means as beta grows")
ax.legend(fontsize=8, loc="upper right")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# Both measures fall to zero: first slowly, while the centres are still moving, then exponentially fast
# once each point clearly prefers one centre (the $e^{-\beta\delta/2}$ of section 2). From $\beta = 100$
# on, the responsibilities are one-hot to double precision and soft k-means returns scikit-learn's k-means
# centres up to rounding ($10^{-14}$). At $\beta = 0.1$ the deviation is $2/3$: every point is shared
# equally by three merged centres.
#
# ## 7. Annealing: the centres split as $\beta$ grows
#
# "All centres at the data mean $\bar x$" is a fixed point of soft k-means for every $\beta$: equal
# centres give every point equal responsibilities $1/K$, and the weighted mean with equal weights is
# $\bar x$. Whether the iteration *stays* there depends on $\beta$. Perturb the centres,
# $\mu_k = \bar x + \varepsilon_k$ with small $\varepsilon_k$, and follow one iteration to first order.
#
# 1. *E-step.* $\lVert x_n - \bar x - \varepsilon_k\rVert^2 = \lVert x_n - \bar x\rVert^2 - 2(x_n - \bar x)^\top\varepsilon_k + \lVert\varepsilon_k\rVert^2$.
#    The first term is the same for every $k$ and cancels in the softmax; the last is second order. So
#    $r_{nk} = \operatorname{softmax}_k(a_{nk})$ with $a_{nk} = \beta (x_n - \bar x)^\top \varepsilon_k$, and to
#    first order in $a$, $r_{nk} = \frac1K\big(1 + a_{nk} - \bar a_n\big)$ with $\bar a_n = \frac1K\sum_j a_{nj}$, that is
#    $r_{nk} = \frac1K\big[1 + \beta (x_n - \bar x)^\top(\varepsilon_k - \bar\varepsilon)\big]$, $\bar\varepsilon = \frac1K\sum_j \varepsilon_j$.
# 2. *Counts.* $\sum_n r_{nk} = N/K$, because $\sum_n (x_n - \bar x) = 0$ kills the correction.
# 3. *Sums.* $\sum_n r_{nk} x_n = \sum_n r_{nk}(x_n - \bar x) + \bar x\sum_n r_{nk}
#    = \frac\beta K \sum_n (x_n - \bar x)(x_n - \bar x)^\top(\varepsilon_k - \bar\varepsilon) + \frac NK \bar x
#    = \frac{\beta N}{K}\, S\,(\varepsilon_k - \bar\varepsilon) + \frac NK \bar x$, with $S$ the data covariance (divided by $N$).
# 4. *M-step.* Divide: $\mu_k^{\text{new}} = \bar x + \beta S (\varepsilon_k - \bar\varepsilon)$.
#
# One iteration multiplies the spread of the centres by the matrix $\beta S$. Along the eigenvector of
# $S$ with eigenvalue $\lambda_i$ that is a factor $\beta\lambda_i$. If $\beta\lambda_{\max} < 1$ every
# perturbation shrinks and the merged centre is stable; once $\beta$ passes
#
# $$
# \beta_c = \frac{1}{\lambda_{\max}}
# $$
#
# the component along the top eigenvector grows and the centres **split along the data's widest
# direction**. In lengths: the merged state is stable while $1/\sqrt\beta > \sqrt{\lambda_{\max}}$, the
# frozen component being wider than the data along every direction. First the linearisation itself,
# against one soft k-means iteration from perturbed centres:

# %%
S = np.cov(X.T, bias=True)
eps = 1e-5 * rng.normal(size=(K, d))
for beta in (0.2, 0.5):
    one_step = soft_kmeans(X, mean + eps, beta, max_iter=1, tol=0).centers
    predicted = mean + beta * (eps - eps.mean(axis=0)) @ S  # S is symmetric: (S e_k)^T = e_k^T S
    claims.at_most(f"beta = {beta:g}: |one iteration - linear prediction| / |perturbation|",
                   np.abs(one_step - predicted).max() / np.abs(eps).max(), 1e-5)

# %% [markdown]
# The first-order prediction is right to better than a relative $10^{-5}$: the neglected terms are of
# second order in $\varepsilon$, so relative to $\varepsilon$ they are of the size of $\varepsilon$ itself
# ($10^{-5}$ here). Now the split itself. **Deterministic annealing** raises $\beta$ slowly and
# warm-starts each $\beta$ from the centres the previous one converged to (think of $1/\beta$ as a
# temperature being lowered). One detail matters: centres that have merged *exactly* can never split,
# since equal centres get equal responsibilities and so stay equal. So each warm start nudges the centres
# by $10^{-4}$ of the data's spread (a common practice in annealing codes). We anneal on a fine grid around $\beta_c$ and
# find where the merged centre first splits (two centres count as one while they are closer than
# $10^{-3}$ of the data's spread).

# %%
fine = beta_c * np.geomspace(0.5, 2.0, 141)
path = anneal(X, start, fine)
first = int(np.argmax(path.n_distinct > 1))
claims.equal("distinct centres at beta = 0.5 beta_c", int(path.n_distinct[0]), 1)
claims.close("annealed centres below 0.9 beta_c vs the data mean", path.centers[fine < 0.9 * beta_c],
             np.broadcast_to(mean, path.centers[fine < 0.9 * beta_c].shape), atol=1e-6)
claims.between("first split, in units of beta_c = 1/lambda_max", fine[first] / beta_c, 1.0, 1.05)
top_vector = np.linalg.eigh(S)[1][:, -1]
spread = path.centers[first] - mean
widest = spread[np.argmax(np.linalg.norm(spread, axis=1))]
claims.at_least("|cos| of the angle between the split and the top eigenvector", abs(widest @ top_vector)
                / np.linalg.norm(widest), 0.99)
claims.equal("distinct centres at beta = 2 beta_c", int(path.n_distinct[-1]), 3)

# %% [markdown]
# Below $0.9\,\beta_c$ the annealed centres sit on the mean to $10^{-6}$; the first split comes within
# 5% above $\beta_c = 1/\lambda_{\max}$, along the top eigenvector of the data covariance; by $2\beta_c$
# all three centres are apart. The **beta lab** anneals the same way over $\beta$ from 0.01 to 1000.
# On the left, soft k-means at the slider's $\beta$: the dashed circles have radius $1/\sqrt\beta$, the
# grey ellipse is the data's one-standard-deviation ellipse (long semi-axis $\sqrt{\lambda_{\max}}$). On
# the right, the bifurcation plot: both coordinates of every centre, and the number of distinct centres,
# against $\beta$, with $\beta_c$ dotted. Predict first:

# %%
concept_question("08", 2)

# %%
beta_lab = make_beta_lab(X, start, beta=0.01)
beta_lab

# %%
at = {b: beta_state(beta_lab.result, b) for b in (0.01, 0.2, 0.35, 1000.0)}  # what the lab shows at these betas
claims.close("the lab at beta = 0.01: every centre at the data mean", at[0.01]["centers"],
             np.broadcast_to(mean, (K, d)), atol=1e-6)
claims.close("the lab's grid beta nearest to 0.2", at[0.2]["beta"], 0.2, rtol=0.025)
claims.equal("distinct centres in the lab at beta = 0.2", at[0.2]["n_distinct"], 1)
claims.equal("distinct centres in the lab at beta = 0.35", at[0.35]["n_distinct"], 3)
lab_split = beta_lab.result.betas[np.argmax(beta_lab.result.n_distinct > 1)]
claims.between("the lab's first split, in units of beta_c", lab_split / beta_c, 1.0, 1.05)
order = mixture.match_components(at[1000.0]["centers"], sk_centers)
claims.close("the lab's centres at beta = 1000 vs scikit-learn's k-means (matched)", at[1000.0]["centers"][order],
             sk_centers, atol=1e-9)

# %% [markdown]
# In the lab, at $\beta = 0.2$ one merged centre; the first split within 5% above $\beta_c$; by
# $\beta = 0.35$ three centres; at $\beta = 1000$ the k-means centres (the same three scikit-learn
# finds, up to numbering). Drag back and forth across the dotted line to see the split, and watch the
# circles shrink below the grey ellipse's long semi-axis as it happens.
#
# ## 8. k-means as matrix factorisation
#
# Stack the points as rows of $X$ $(N \times d)$, the centres as rows of $M$ $(K \times d)$, and the
# assignments as the one-hot matrix $Z$ $(N \times K)$ with $z_{nk} = 1$ if $z_n = k$. Then row $n$ of
# $ZM$ is $\mu_{z_n}$, the centre of $x_n$'s cluster, and
#
# $$
# \lVert X - ZM \rVert_F^2 = \sum_n \lVert x_n - (ZM)_{n,:} \rVert^2 = \sum_n \lVert x_n - \mu_{z_n}\rVert^2 = J .
# $$
#
# So k-means approximates the data matrix by a product of a one-hot matrix and a small centre matrix:
# a **matrix factorisation** with a constraint on $Z$. We check the identity with numpy's Frobenius norm
# against $J$ summed by a loop over the points.

# %%
Z = np.eye(K)[km.labels]
M = km.centers
frob = np.linalg.norm(X - Z @ M, "fro") ** 2
J_loop = 0.0
for x, k in zip(X, km.labels):
    J_loop += (x[0] - M[k, 0]) ** 2 + (x[1] - M[k, 1]) ** 2
claims.close("||X - Z M||_F^2 (numpy) vs J by a loop over points", frob, J_loop, rtol=1e-12)
claims.close("J reported by kmeans vs the loop", km.objective, J_loop, rtol=1e-12)

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
# k-means update step is least squares. We check the formula against the cluster means by a loop and
# against numpy's general least-squares solver.

# %%
Z0 = np.eye(K)[labels]  # the assignments to the starting centres: one step of Lloyd
M_normal = np.linalg.solve(Z0.T @ Z0, Z0.T @ X)
M_lstsq = np.linalg.lstsq(Z0, X, rcond=None)[0]
claims.close("(Z^T Z)^-1 Z^T X vs the cluster means by a loop", M_normal, loop_means, atol=1e-12)
claims.close("np.linalg.lstsq vs the cluster means by a loop", M_lstsq, loop_means, atol=1e-12)

# %% [markdown]
# A cluster that gets no points makes $Z^\top Z$ singular: its row of $M$ is not determined. Implementations
# choose. `coursepkg.kmeans.update_centers` keeps the old centre of an empty cluster (so $J$ cannot rise);
# scikit-learn's `KMeans` relocates it onto the point farthest from its own centre (and takes that point
# out of its old cluster). A start with one centre far from all the data shows the difference:

# %%
bad_start = np.array([start[0], start[1], [30.0, 30.0]])
bad_labels = np.argmin([[np.sum((x - c) ** 2) for c in bad_start] for x in X], axis=1)
claims.equal("points assigned to the far centre 3", int(np.sum(bad_labels == 2)), 0)
ours = update_centers(X, bad_labels, bad_start)
theirs = KMeans(K, init=bad_start, n_init=1, max_iter=1, algorithm="lloyd").fit(X).cluster_centers_
farthest = X[np.argmax([np.sum((x - bad_start[k]) ** 2) for x, k in zip(X, bad_labels)])]
claims.equal("coursepkg: the empty cluster keeps its centre", ours[2], [30.0, 30.0])
claims.close("scikit-learn: the empty cluster's centre moves onto the farthest point", theirs[2], farthest, atol=1e-12)

# %% [markdown]
# ## 9. From soft k-means to the full mixture, and the two side by side
#
# Soft k-means and the full Gaussian mixture are the two ends of a ladder; each rung frees one more
# parameter and adds its M-step update. First let the weights be learned: $r_{nk} \propto \pi_k
# e^{-\frac\beta2\lVert x_n - \mu_k\rVert^2}$ with $\pi_k = N_k/N$ (seed 004 writes this with the counts
# $N_k$ in place of $\pi_k$, the same thing up to the normalisation), so a big cluster pulls its border
# outward. Then a width per component, $\Sigma_k = \sigma_k^2 I$ with
# $\sigma_k^2 = \sum_n r_{nk}\lVert x_n - \mu_k\rVert^2 / (d N_k)$, so the responsibility also carries
# the factor $\sigma_k^{-d}$ and a tight cluster stops claiming far points. Last, full covariances
# $\Sigma_k$: the EM of lessons 05–07. For $K = 3$ in $d = 2$ the free parameters grow from $Kd = 6$
# (the centres) to 8 (plus $K - 1$ weights), 11 (plus $K$ widths; scikit-learn's "spherical" mixture)
# and 17 (full $2 \times 2$ covariances, 3 numbers each).

# %%
counts = {"centres only": K * d, "+ weights": K * d + K - 1, "+ one width each": K * d + K - 1 + K,
          "+ full covariances": K * d + K - 1 + K * d * (d + 1) // 2}
claims.equal("parameter counts of the ladder", list(counts.values()), [6, 8, 11, 17])
for kind, ours_count in (("spherical", counts["+ one width each"]), ("full", counts["+ full covariances"])):
    sk_count = GaussianMixture(K, covariance_type=kind, random_state=0).fit(X)._n_parameters()
    claims.equal(f"scikit-learn's parameter count, covariance_type={kind!r}", sk_count, ours_count)

# %% [markdown]
# The limit tells us what k-means assumes: every cluster a round Gaussian of the same size, equally
# likely. The **compare lab** runs k-means and EM (with full covariances) side by side on the same data
# from the same start: the same k-means++ centres (the seed slider picks them), and for EM, equal
# weights and the data covariance for every component. **Step** advances each algorithm by one
# iteration (k-means: move the centres, reassign; EM: `em.em_iteration`, an M-step then an E-step),
# **Run** by up to 50, until each has converged. Each panel shows the fraction of points put in their
# true cluster, after matching the fitted clusters to the true components by their means (numbering is
# arbitrary: label switching, lesson 07). The dashed ellipses are the true components. Try the three
# data sets: round, elongated (three long parallel clusters) and overlapping. Before you run the
# overlapping one:

# %%
concept_question("08", 3)

# %%
compare_lab = make_compare_lab(dataset="elongated", seed=0)
compare_lab

# %% [markdown]
# The same runs, to convergence, for the three data sets, checked against scikit-learn's `KMeans` and
# `GaussianMixture` started from the same parameters:

# %%
final = {}
for kind in compare.DATASETS:
    data = compare.compare_data(kind)
    pair = compare.advance(data.X, compare.start_pair(data.X, K, seed=0), 1000)
    claims.holds(f"{kind}: both converged", bool(pair.km_converged and pair.em_converged),
                 f"k-means after {pair.km_iter} iterations, EM after {pair.em_iter}")
    state = final[kind] = compare.compare_state(pair, data) | {"data": data}
    sk_km = KMeans(K, init=pair.km_centers[0], n_init=1, algorithm="lloyd", tol=0).fit(data.X)
    claims.close(f"{kind}: k-means centres vs scikit-learn's", state["km_centers"], sk_km.cluster_centers_, atol=1e-12)
    g0 = pair.em_gmms[0]
    sk_gm = GaussianMixture(K, weights_init=g0.weights, means_init=g0.means, precisions_init=np.linalg.inv(g0.covariances),
                            tol=1e-10, max_iter=2000, reg_covar=1e-6).fit(data.X)
    claims.close(f"{kind}: EM log-likelihood vs scikit-learn's (nats)", state["em_log_likelihood"],
                 sk_gm.score(data.X) * len(data.X), atol=0.01)
claims.close("round: k-means and EM, fraction correctly clustered (all but one of 300)",
             np.array([final["round"]["km_accuracy"], final["round"]["em_accuracy"]]), 299 / 300, atol=1e-12)
claims.equal("round: iterations to converge, k-means and EM", [final["round"]["km_iter"], final["round"]["em_iter"]],
             [3, 13])
claims.between("elongated: k-means, fraction correctly clustered", final["elongated"]["km_accuracy"], 0.64, 0.655)
claims.close("elongated: EM, fraction correctly clustered", final["elongated"]["em_accuracy"], 299 / 300, atol=1e-12)
claims.between("overlapping: k-means, fraction correctly clustered", final["overlapping"]["km_accuracy"], 0.82, 0.835)
claims.between("overlapping: EM, fraction correctly clustered", final["overlapping"]["em_accuracy"], 0.73, 0.745)
claims.between("overlapping: k-means' lead in fraction correctly clustered",
               final["overlapping"]["km_accuracy"] - final["overlapping"]["em_accuracy"], 0.085, 0.095)
elong = final["elongated"]["data"]
true_means = np.array([elong.X[elong.truth == k].mean(axis=0) for k in range(K)])
best_of_10 = min((kmeans(elong.X, K, rng=s) for s in range(10)), key=lambda r: r.objective)
claims.at_least("elongated: J of the true clustering minus J of the best of 10 k-means runs",
                objective(elong.X, true_means, elong.truth) - best_of_10.objective, 100.0)
standardised = (elong.X - elong.X.mean(axis=0)) / elong.X.std(axis=0)
km_std = min((kmeans(standardised, K, rng=s) for s in range(10)), key=lambda r: r.objective)
means_std = np.array([elong.X[km_std.labels == k].mean(axis=0) for k in range(K)])
claims.at_most("elongated, standardised first: k-means (best of 10), fraction correctly clustered",
               compare.accuracy(means_std, km_std.labels, elong.true_gmm.means, elong.truth), 0.7)
overlap = final["overlapping"]["data"]
ll_truth = mixture.log_likelihood(overlap.X, overlap.true_gmm)
claims.at_least("overlapping: EM's log-likelihood minus the true mixture's (nats)",
                final["overlapping"]["em_log_likelihood"] - ll_truth, 10.0)
claims.close("overlapping: EM's largest weight", final["overlapping"]["gmm"].weights.max(), 0.56, atol=0.005)
claims.holds("overlapping: EM's widest component has more weight than any true one",
             bool(final["overlapping"]["gmm"].weights.max() > 0.5 > overlap.true_gmm.weights.max()),
             f"largest fitted weight {final['overlapping']['gmm'].weights.max():.2f}, "
             f"largest true weight {overlap.true_gmm.weights.max():.2f}")

# %%
fig, axes = plt.subplots(2, 3, figsize=(15, 9), layout="constrained")
for col, kind in enumerate(compare.DATASETS):
    state, data = final[kind], final[kind]["data"]
    ax = axes[0, col]
    plot_responsibilities(data.X, state["km_resp"], ax=ax)  # one-hot rows: the cluster colours
    ax.plot(*state["km_centers"].T, "kX", ms=11, mec="white", ls="none")
    ax.set_title(f"k-means, {kind}: {state['km_accuracy']:.1%} correctly clustered", fontsize=10)
    ax = axes[1, col]
    plot_responsibilities(data.X, state["em_resp"], ax=ax)
    plot_ellipses(state["gmm"], ax=ax, label_prefix=None)
    ax.set_title(f"EM, {kind}: {state['em_accuracy']:.1%} correctly clustered", fontsize=10)
    for ax in axes[:, col]:
        plot_ellipses(data.true_gmm, ax=ax, colors=["0.4"] * 3, linestyle="--", linewidth=1.0, label_prefix=None)
        ax.set_xlabel("$x_1$ (data units)")
        ax.set_ylabel("$x_2$ (data units)")
        ax.set_aspect("equal", adjustable="datalim")
handles = [plt.Line2D([], [], marker="o", ls="none", color=COMPONENT_COLORS[j], label=f"cluster / component {j + 1}")
           for j in range(K)]
handles += [plt.Line2D([], [], marker="X", ms=10, mec="white", ls="none", color="k", label="k-means centres"),
            plt.Line2D([], [], color="0.3", lw=2, label="fitted components (95%), in their colours"),
            plt.Line2D([], [], color="0.4", ls="--", label="true components (95%); x: true means")]
fig.legend(handles=handles, loc="outside lower center", ncols=6, fontsize=9)
plt.show()

# %% [markdown]
# On round data both algorithms put all but one point (99.7%) in the right cluster, and k-means gets
# there in fewer iterations (3 against EM's 13), each of them cheaper. On the elongated
# data k-means cuts straight across the long clusters (65%): its boundaries are the perpendicular
# bisectors between centres, and with round "components" it prefers compact pieces to long thin ones.
# The true clustering has a higher $J$ (by more than 100) than the best of 10 k-means runs, so more
# restarts cannot help; standardising the axes first does not help either (at most 70% correct).
# EM learns each component's covariance, its ellipses follow the clusters, and it gets 99.7%. On the
# overlapping data the order reverses: k-means 83%, EM 74%. EM found a better maximum of the likelihood
# (more than 10 nats above the *true* mixture's log-likelihood on these 300 points) but not a better
# clustering: with 17 parameters against k-means' 6 it fits quirks of the sample, here one wide
# component (weight 0.56, where no true component has more than 0.4) that swallows parts of two true
# ones. Modelling more is not the same as clustering better: the mixture costs more per iteration, needs
# more data to pin down its covariances, can collapse onto a few points (lesson 06), and on round, equal
# clusters k-means does as well for less.

# %%
concept_question("08", 4)

# %% [markdown]
# ## Summary
#
# - With $\pi_k = 1/K$ and $\Sigma_k = I/\beta$ the normalising constants cancel and the E-step is a softmax of
#   $-\frac\beta2\lVert x_n - \mu_k\rVert^2$ (checked against `em.e_step` and scipy to $10^{-12}$). Seed 004's
#   $\beta$ is half of ours.
# - As $\beta \to \infty$ the responsibilities become one-hot (exponentially fast) and the weighted-mean M-step
#   becomes the cluster mean: EM becomes k-means. From $\beta = 100$ on, soft k-means returns scikit-learn's
#   k-means centres to $10^{-14}$.
# - For any $\beta$, $J = -\frac2\beta\log p(X, Z \mid \theta) + C(\beta)$: k-means maximises the likelihood of a
#   hard-assignment, isotropic, equal-weight mixture.
# - Between two centres a distance $D$ apart, $r = \sigma(\beta D t)$: the soft band is about $4.4/(\beta D)$
#   wide and a far point belongs fully to its nearest centre. $1/\sqrt\beta$ is the width of the frozen
#   components, not a reach.
# - All centres sit at the data mean while $\beta < \beta_c = 1/\lambda_{\max}$ (0.28 here); above it the merged
#   centre splits along the top eigenvector of the data covariance (deterministic annealing; the beta lab).
# - k-means minimises $\lVert X - ZM\rVert_F^2$ with one-hot $Z$; its centre update is the least-squares solution
#   $M = (Z^\top Z)^{-1}Z^\top X$. An empty cluster: coursepkg keeps its centre, scikit-learn relocates it.
# - Learned weights, then widths, then full covariances lead from soft k-means (6 parameters here) to the
#   Gaussian mixture (17). k-means and EM agree on round data, EM follows elongated clusters that k-means cuts,
#   and on 300 overlapping points the simpler k-means clusters better (the compare lab).
#
# **Exercises:** [exercises/08_kmeans_limit.ipynb](../exercises/08_kmeans_limit.ipynb) — derive the softmax
# responsibilities, implement soft k-means, and measure the limit yourself.
