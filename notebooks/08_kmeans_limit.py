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
from scipy.optimize import brentq, minimize_scalar
from scipy.special import expit
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

from coursepkg import claims, em, mixture
from coursepkg.datasets import make_synthetic
from coursepkg.kmeans import kmeans, kmeans_plusplus, objective, soft_kmeans, soft_responsibilities, update_centers
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, ellipse_artists, plot_responsibilities, update_ellipses
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
# k-means. (Seed 004 also sets $\Sigma_j = \beta^{-1} I$, but then writes the softmax as
# $e^{-\beta\lVert x - \mu\rVert^2}$: it drops the $\tfrac12$. Read through that softmax, its components
# have variance $1/(2\beta)$, not $1/\beta$.) `kmeans.soft_responsibilities` computes our softmax; the
# general `em.e_step` applied to the mixture, and Bayes' rule built from scipy's Gaussian log-density,
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
# r_{nk} = \frac{e^{-\frac\beta2 \delta_{nk}}}{1 + S_n}, \qquad S_n = \sum_{j \ne k^\ast} e^{-\frac\beta2 \delta_{nj}}
# \;\xrightarrow{\;\beta\to\infty\;}\;
# \begin{cases} 1 & k = k^\ast \\ 0 & k \ne k^\ast \end{cases}
# $$
#
# (if no two centres are equally near, every $\delta_{nj} > 0$ for $j \ne k^\ast$, so $S_n \to 0$).
# That is k-means' assignment step. How far is row $n$ from one-hot? Measure it by the
# responsibility it gives to the other centres,
#
# $$
# \text{dev}_n = \sum_{k \ne k^\ast} r_{nk} = 1 - r_{nk^\ast} = \frac{S_n}{1 + S_n} .
# $$
#
# Let $\delta_n = \min_{j \ne k^\ast}\delta_{nj}$ (second-nearest minus nearest squared distance). $S_n$
# has $K - 1$ terms, none larger than $e^{-\beta\delta_n/2}$ and one equal to it, so
# $e^{-\beta\delta_n/2} \le S_n \le (K-1)e^{-\beta\delta_n/2}$, and since $1 \le 1 + S_n \le K$,
#
# $$
# \tfrac1K\, e^{-\beta\delta_n/2} \;\le\; \text{dev}_n \;\le\; (K-1)\, e^{-\beta\delta_n/2} .
# $$
#
# The deviation goes to 0 **exponentially fast in $\beta$, at the rate $\delta_n/2$**: the more clearly
# a point prefers its nearest centre, the faster. We compute $\text{dev}_n$ by summing the small entries
# $r_{nk}$, $k \ne k^\ast$: the difference $1 - r_{nk^\ast}$ would cancel to exactly 0 once $\text{dev}_n$
# drops below about $10^{-16}$. Both bounds are checked point by point at $\beta = 10, 20, 40$, where no
# exponential underflows (and the upper bound is below 1 for every point, so it says something).

# %%
sq = np.array([[np.sum((x - c) ** 2) for c in start] for x in X])  # squared distances, by a loop
labels = sq.argmin(axis=1)  # k-means assignment to the starting centres
onehot = np.eye(K)[labels]
delta_n = np.sort(sq, axis=1)[:, 1] - sq.min(axis=1)  # second-nearest minus nearest squared distance


def deviation(resp, nearest):
    """dev_n = sum of r_nk over k != nearest[n], summed from the small entries (no cancellation)."""
    return np.sum(resp * (1 - np.eye(resp.shape[1])[nearest]), axis=1)


for beta in (10.0, 20.0, 40.0):
    dev_n = deviation(soft_responsibilities(X, start, beta), labels)
    rate = np.exp(-beta * delta_n / 2)
    claims.at_most(f"beta = {beta:g}: largest upper bound (K-1) e^(-beta delta_n/2) over the points", (K - 1) * rate.max(), 1.0)
    claims.at_most(f"beta = {beta:g}: largest dev_n / ((K-1) e^(-beta delta_n/2))", np.max(dev_n / ((K - 1) * rate)), 1.0)
    claims.at_least(f"beta = {beta:g}: smallest dev_n / (e^(-beta delta_n/2) / K)", np.min(dev_n / (rate / K)), 1.0)
largest = {beta: deviation(soft_responsibilities(X, start, beta), labels).max() for beta in (100.0, 1e3, 1e4)}
claims.close("smallest gap delta_n at the starting centres", delta_n.min(), 0.51, atol=0.005)
claims.between("beta = 100: largest deviation from one-hot", largest[100.0], 9e-12, 1e-11)
claims.between("beta = 1000: largest deviation from one-hot", largest[1e3], 5e-111, 6e-111)
_ = claims.equal("beta = 10^4: largest deviation from one-hot (e^(-beta delta / 2) underflows)", largest[1e4], 0.0)

# %% [markdown]
# Every point's deviation lies between its two bounds. At the starting centres (smallest gap
# $\delta = \min_n \delta_n = 0.51$) the largest deviation is about $10^{-11}$ at $\beta = 100$ and $6 \times 10^{-111}$ at $\beta = 10^3$; at $\beta = 10^4$ it is exactly 0, because
# $e^{-\beta\delta/2}$ is below the smallest positive double and rounds to 0. That last 0 is rounding, not
# the limit.
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
_ = claims.close("M-step means with one-hot r vs one step of scikit-learn's KMeans", mstep_means, one_lloyd_step,
                 atol=1e-12)

# %% [markdown]
# Both halves of Lloyd's algorithm, read off the mixture: the E-step with frozen round components and
# $\beta \to \infty$ is the assignment step, the M-step with one-hot responsibilities is the update step.
# Equal weights were part of the recipe. Do they matter in the limit?

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
# 1. The ratio of two softmax entries only keeps their own terms: $\;r_1 / r_2 = e^{\frac\beta2 (\lVert x - \mu_2\rVert^2 - \lVert x - \mu_1\rVert^2)}$,
#    whatever the other centres. Only the *difference* of the squared distances is left.
# 2. Expand both squares; the $\lVert x\rVert^2$ cancel:
#    $\;\lVert x - \mu_2\rVert^2 - \lVert x - \mu_1\rVert^2 = 2x^\top(\mu_1 - \mu_2) - (\lVert\mu_1\rVert^2 - \lVert\mu_2\rVert^2)$.
# 3. Write $\lVert\mu_1\rVert^2 - \lVert\mu_2\rVert^2 = (\mu_1 - \mu_2)^\top(\mu_1 + \mu_2) = 2(\mu_1 - \mu_2)^\top m$,
#    so the difference is $2(\mu_1 - \mu_2)^\top (x - m) = 2 D\, t$, and $r_1/r_2 = e^{\beta D t}$.
# 4. Hence, with the logistic function $\sigma(a) = 1/(1 + e^{-a})$,
#
# $$
# \frac{r_1(x)}{r_1(x) + r_2(x)} = \sigma(\beta D\, t) \quad\text{for any } K, \qquad r_1(x) = \sigma(\beta D\, t) \quad\text{for } K = 2 .
# $$
#
# Three consequences. The share of centre 1 in what the pair gets depends on $x$ only through $t$: it is
# constant along every line parallel to the bisector, however far from both centres. It lies between 0.1
# and 0.9 only where $|t| \le \ln 9 / (\beta D)$: the **soft band** has width $w = 2\ln 9/(\beta D) \approx
# 4.4/(\beta D)$, which is $4.4\,(1/\sqrt\beta)^2 / D$, narrower than the length scale itself once the
# centres are more than $4.4/\sqrt\beta$ apart. And beyond a few band widths a point belongs to its nearer
# centre: at $t = \pm w$ the share is $\sigma(\pm 2\ln 9)$, $81/82$ or $1/82$; at $\pm 2w$, $6561/6562$ or
# $1/6562$; however far away the point is. The density of a far point does decay like
# $e^{-\beta\lVert x - \mu\rVert^2/2}$; its responsibility does not. With $K > 2$ centres the formula is
# exact for the share of the pair; it gives $r_1$ itself where the other centres' responsibility is
# negligible, near a border between two clusters. We check it with the two k-means centres 1 and 2 of
# the round data, along a line that crosses their bisector 1.5 units off the line through the centres
# (the offset does not matter).

# %%
mu1, mu2 = km.centers[0], km.centers[1]
D = np.linalg.norm(mu1 - mu2)
u = (mu1 - mu2) / D
v = np.array([-u[1], u[0]])  # along the bisector
mid = (mu1 + mu2) / 2
t_line = np.linspace(-6, 6, 601)
line = mid + t_line[:, None] * u + 1.5 * v
claims.between("distance D between centres 1 and 2", D, 4.0, 4.1)
for beta in (0.3, 1.0, 3.0):
    r1 = soft_responsibilities(line, km.centers[:2], beta)[:, 0]
    claims.close(f"beta = {beta:g}: r_1 along the line vs sigma(beta D t)", r1, expit(beta * D * t_line), atol=1e-12)
    t90 = brentq(lambda s: soft_responsibilities((mid + s * u)[None], km.centers[:2], beta)[0, 0] - 0.9,
                 0, 10, xtol=1e-14)
    claims.close(f"beta = {beta:g}: where r_1 = 0.9 (root finder) vs ln 9 / (beta D)", t90, np.log(9) / (beta * D),
                 rtol=1e-9)
    w = 2 * np.log(9) / (beta * D)
    r_at = soft_responsibilities(mid + np.outer([w, 2 * w], u), km.centers[:2], beta)[:, 0]
    claims.close(f"beta = {beta:g}: r_1 at t = w and t = 2w", r_at, [81 / 82, 6561 / 6562], rtol=1e-12)
# all three centres: the share of the pair (1, 2) is still the logistic
r_all = soft_responsibilities(line, km.centers, 1.0)
claims.close("beta = 1, three centres: r_1 / (r_1 + r_2) vs sigma(beta D t)", r_all[:, 0] / (r_all[:, 0] + r_all[:, 1]),
             expit(D * t_line), atol=1e-12)
far = mid + 30 * u  # 30 units from the bisector, about 28 from centre 1
log10_density = stats.multivariate_normal(mu1, np.eye(d)).logpdf(far) / np.log(10)
claims.between("beta = 1: log10 of the far point's density under component 1", log10_density, -171, -170)
_ = claims.equal("beta = 1: the far point's responsibility for centre 1 (two centres)",
                 soft_responsibilities(far[None], km.centers[:2], 1.0)[0, 0], 1.0)

# %% [markdown]
# The logistic formula holds to rounding (for the pair's share with all three centres too), the 0.9
# crossing sits at $\ln 9/(\beta D)$, one band width out the share is $81/82$, and a point whose density
# under component 1 is about $10^{-170}$ still belongs to centre 1 with responsibility 1. The picture:
# $r_1$ along the line, for three stiffnesses; the shaded bands are where $0.1 \le r_1 \le 0.9$.

# %%
fig, ax = plt.subplots(figsize=(9, 4.2))
for beta, color in zip((0.3, 1.0, 3.0), ("0.65", "0.35", "k")):
    r1 = soft_responsibilities(line, km.centers[:2], beta)[:, 0]
    half = np.log(9) / (beta * D)
    ax.axvspan(-half, half, color=color, alpha=0.12)
    ax.plot(t_line, r1, color=color, lw=2,
            label=rf"$\beta$ = {beta:g}: $w$ = {2 * half:.2f}, $1/\sqrt{{\beta}}$ = {beta ** -0.5:.2f}")
ax.axvline(0, color="0.5", ls=":", lw=1)
ax.set_xlabel(r"signed distance $t$ from the bisector of centres 1 and 2 (data units; centre 1 at $t = D/2$ = "
              f"{D / 2:.2f})")
ax.set_ylabel(r"responsibility $r_1$ of centre 1")
ax.set_title(r"two centres: $r_1 = \sigma(\beta D t)$; shaded, the soft band of width $w = 2\ln 9/(\beta D)$")
ax.legend(fontsize=9, loc="upper left")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# The band narrows like $1/\beta$, not like $1/\sqrt\beta$, and a few band widths from the bisector every
# curve is flat at 0 or 1 (for $\beta = 0.3$ the band is 3.6 units wide, so that takes most of the plotted
# range).
#
# ## 6. Soft k-means run to convergence, at three stiffnesses
#
# Now the whole algorithm on the round data, from the same start, at $\beta = 0.2$, $0.6$ and $20$. The
# colours blend by responsibility; the thin grey lines are where the largest responsibility of a point
# is 0.9, the edges of the soft bands.

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
axes[2].legend(loc="lower right", fontsize=9)
plt.show()

# %%
mean = X.mean(axis=0)
claims.close("beta = 0.2: every centre at the data mean", fits[0.2].centers, np.broadcast_to(mean, (K, d)), atol=1e-6)
for beta, (low, high) in ((0.6, (1.8, 1.9)), (20.0, (0.052, 0.055))):
    c = fits[beta].centers
    pairs = [(i, j) for i in range(K) for j in range(i + 1, K)]
    pair_d = np.array([np.linalg.norm(c[i] - c[j]) for i, j in pairs])
    claims.between(f"beta = {beta:g}: band widths 2 ln 9 / (beta D_jk) of the three pairs of centres",
                   2 * np.log(9) / (beta * pair_d), low, high)
    for (i, j), dist_ij in zip(pairs, pair_d):  # the share of each pair is the logistic in its own t
        u_ij = (c[i] - c[j]) / dist_ij
        t = (X - (c[i] + c[j]) / 2) @ u_ij
        r = fits[beta].resp
        claims.close(f"beta = {beta:g}, centres {i + 1} and {j + 1}: r_i / (r_i + r_j) vs sigma(beta D t) at the data",
                     r[:, i] / (r[:, i] + r[:, j]), expit(beta * dist_ij * t), atol=1e-12)

claims.between("beta = 20: distances between the centres (the clusters' spacing)", pair_d, 4.0, 4.2)


def third_in_bands(resp):
    """Responsibilities of the third centre at the points inside the band (share 0.1 to 0.9) of their top two."""
    top_two = np.sort(np.argsort(-resp, axis=1)[:, :2], axis=1)
    third = []
    for i, j in pairs:
        share = resp[:, i] / (resp[:, i] + resp[:, j])
        inside = (top_two[:, 0] == i) & (top_two[:, 1] == j) & (share > 0.1) & (share < 0.9)
        third.extend(resp[inside, 3 - i - j])
    return np.array(third)


claims.between("beta = 0.6: largest responsibility of the third centre at points in a band",
               third_in_bands(fits[0.6].resp).max(), 0.14, 0.16)
_ = claims.equal("beta = 20: points in a band", third_in_bands(fits[20.0].resp).size, 0)

# %% [markdown]
# At $\beta = 0.2$ all three centres sit on the data mean and every point is grey, shared equally. It is
# not that $1/\sqrt{0.2} = 2.24$ is larger than the distances between the clusters (they are about 4
# apart): section 8 shows what sets the threshold. At $\beta = 0.6$ the centres have separated, and the
# band between each pair is about 1.8 units wide; at $\beta = 20$ the bands are 0.05 wide and the colours
# are pure: this is k-means. With three centres these are the bands of a pair's share $r_i/(r_i + r_j)$;
# at $\beta = 0.6$ a point inside one still gives up to 15% of its responsibility to the third centre, so
# the band of $r_i$ itself is only roughly this one. By $\beta = 20$ no point lies in a band at all.
#
# ## 7. The limit, in numbers
#
# How fast does soft k-means become k-means? From the same starting centres we run it to convergence
# for 34 stiffnesses from $\beta = 1$ to $100$ and measure (a) the largest deviation from one-hot,
# $\max_n \text{dev}_n$ of section 2, at the converged centres, with its bound $(K-1)e^{-\beta\delta/2}$,
# $\delta = \min_n \delta_n$ at those centres; and (b) the largest distance between a soft k-means centre
# and the corresponding k-means centre, here scikit-learn's `KMeans` run from the same start (an independent
# implementation of Lloyd's algorithm).

# %%
sk_centers = KMeans(K, init=start, n_init=1, algorithm="lloyd", tol=0).fit(X).cluster_centers_
claims.close("coursepkg's k-means vs scikit-learn's, same start", km.centers, sk_centers, atol=1e-12)
betas = np.linspace(1, 100, 34)
dev, bound, dist = [], [], []
for beta in betas:
    fit = soft_kmeans(X, start, beta, max_iter=2000, tol=1e-12)
    sq_fit = np.array([[np.sum((x - c) ** 2) for c in fit.centers] for x in X])
    delta_fit = np.sort(sq_fit, axis=1)[:, 1] - sq_fit.min(axis=1)
    dev.append(deviation(fit.resp, sq_fit.argmin(axis=1)).max())
    bound.append((K - 1) * np.exp(-beta * delta_fit.min() / 2))
    dist.append(np.linalg.norm(fit.centers - sk_centers, axis=1).max())
dev, bound, dist = np.array(dev), np.array(bound), np.array(dist)
sq_km = np.array([[np.sum((x - c) ** 2) for c in sk_centers] for x in X])
delta_km = np.min(np.sort(sq_km, axis=1)[:, 1] - sq_km.min(axis=1))
claims.close("delta: smallest delta_n at the k-means centres", delta_km, 2.63, atol=0.005)
claims.at_most("largest deviation / its bound (K-1) e^(-beta delta/2), over the 34 betas", np.max(dev / bound), 1.0)
tail = betas >= 10
claims.close("beta >= 10: largest deviation / its bound (one close rival: a factor K - 1 = 2)", dev[tail] / bound[tail],
             0.5, atol=1e-5)
slope = np.polyfit(betas[tail], np.log(dev[tail]), 1)[0]
claims.close("slope of ln(largest deviation) against beta, beta >= 10, vs -delta/2", slope, -delta_km / 2, rtol=1e-6)
claims.between("beta = 100: largest deviation from one-hot", dev[-1], 8e-58, 8.3e-58)
early = betas <= 22
dist_slope = np.polyfit(betas[early], np.log(dist[early]), 1)[0]
claims.close("slope of ln(distance to the k-means centres) against beta, beta <= 22, vs -delta/2", dist_slope,
             -delta_km / 2, rtol=0.05)
claims.holds("the distance to the k-means centres falls at every step until beta = 25",
             bool(np.all(np.diff(dist[betas <= 25]) < 0)), " ".join(f"{x:.1e}" for x in dist[betas <= 25]))
_ = claims.at_most("beta >= 25: largest distance to scikit-learn's k-means centres (data units)", dist[betas >= 25],
                   1e-15)

# %%
fig, (ax_dev, ax_dist) = plt.subplots(1, 2, figsize=(13, 4.4), layout="constrained")
ax_dev.semilogy(betas, dev, "o-", color="k", ms=4, label=r"largest deviation from one-hot, $\max_n \sum_{k \ne k^*} r_{nk}$")
ax_dev.semilogy(betas, bound, "--", color="#ff7f0e", lw=1.5,
                label=r"bound $(K-1)\,e^{-\beta\delta/2}$ at the converged centres")
ax_dev.set_ylabel("deviation from one-hot (a probability, log scale)")
ax_dev.set_title(rf"responsibilities: $\ln(\mathrm{{deviation}})$ falls with slope $-\delta/2 = {-delta_km / 2:.2f}$")
ax_dist.semilogy(betas, dist, "s-", color="k", ms=4, label="largest distance to the k-means centres")
ax_dist.axhline(np.finfo(float).eps * np.abs(sk_centers).max(), color="0.5", ls=":",
                label="rounding: 2.2e-16 times the largest coordinate")
ax_dist.set_ylabel("distance (data units, log scale)")
ax_dist.set_title(r"centres: k-means' centres to rounding from $\beta = 25$ on")
for ax in (ax_dev, ax_dist):
    ax.set_xlabel(r"stiffness $\beta$ (1 / data units$^2$)")
    ax.legend(fontsize=9, loc="upper right")
    ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# On a linear $\beta$ axis and a log scale, the deviation is a straight line: exponential decay, with the
# slope $-\delta/2$ that section 2 predicts ($\delta = 2.63$, the smallest gap at the k-means centres), and
# always under its bound: from $\beta = 10$ on by a factor of 2, because the least sure point has one close
# rival centre and not $K - 1 = 2$ of them. At $\beta = 100$ it is $8 \times 10^{-58}$: small, but not 0. The centres
# converge at the same exponential rate (up to $\beta = 22$ the slope of $\ln$ distance is within 5% of
# $-\delta/2$) and reach scikit-learn's k-means centres to rounding
# ($10^{-15}$) from $\beta = 25$ on.
#
# ## 8. Why the centres merge: the critical stiffness $\beta_c$
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
# $S$ with eigenvalue $\lambda_i$ that is a factor $\beta\lambda_i$. If $\beta\lambda_1 < 1$ (with
# $\lambda_1 = \lambda_{\max}$, the largest eigenvalue) every perturbation shrinks and the merged centre
# is stable; once $\beta$ passes
#
# $$
# \beta_c = \frac{1}{\lambda_{\max}}
# $$
#
# the component along the top eigenvector grows and the centres **split along the data's widest
# direction**. In lengths: the merged state is stable while $1/\sqrt\beta > \sqrt{\lambda_{\max}}$, the
# frozen component being wider than the data along every direction. This is what section 6 saw at
# $\beta = 0.2$. The largest eigenvalue is the largest variance of a projection of the data,
# $\lambda_{\max} = \max_{\lVert e\rVert = 1} e^\top S e$; we find it with an optimiser over the angle of $e$
# (not with an eigen-solver), and the smallest, $\lambda_2$, the same way.

# %%
def projected_variance(angle):
    e = np.array([np.cos(angle), np.sin(angle)])
    return np.mean(((X - mean) @ e) ** 2)


widest = minimize_scalar(lambda a: -projected_variance(a), bounds=(0, np.pi), method="bounded", options={"xatol": 1e-10})
narrowest = minimize_scalar(projected_variance, bounds=(0, np.pi), method="bounded", options={"xatol": 1e-10})
lam_max, lam_2 = -widest.fun, narrowest.fun
top_vector = np.array([np.cos(widest.x), np.sin(widest.x)])
top_vector *= np.sign(top_vector[1])  # the sign of an eigenvector is arbitrary: x_2 component positive
beta_c = critical_beta(X)
claims.close("lambda_max, the largest variance of a projection (optimiser)", lam_max, 3.60, atol=0.005)
claims.close("lambda_2, the smallest variance of a projection (optimiser)", lam_2, 2.91, atol=0.005)
claims.close("the widest direction of the data", top_vector, [-0.23, 0.97], atol=0.005)
claims.close("beta_c of the beta lab vs 1 / lambda_max (optimiser)", beta_c, 1 / lam_max, rtol=1e-8)
claims.close("beta_c", beta_c, 0.28, atol=0.005)
claims.close("beta lambda_max at beta = 0.2 (below 1: below beta_c)", 0.2 * lam_max, 0.72, atol=0.005)
_ = claims.close("sqrt(lambda_max), the data's standard deviation along its widest direction", np.sqrt(lam_max), 1.90,
                 atol=0.005)

# %% [markdown]
# So $\beta_c = 1/\lambda_{\max} = 0.28$ with $\lambda_{\max} = 3.60$: at $\beta = 0.2$, $\beta\lambda_{\max}
# = 0.72 < 1$, and the length scale $1/\sqrt{0.2} = 2.24$ exceeds $\sqrt{\lambda_{\max}} = 1.90$, the
# standard deviation of the data along its widest direction $(-0.23, 0.97)$. The distance between the
# clusters does not enter. First the linearisation itself, against one soft k-means iteration from
# perturbed centres:

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
# ($10^{-5}$ here).
#
# ## 9. Annealing: the centres split as $\beta$ grows
#
# **Deterministic annealing** raises $\beta$ slowly and
# warm-starts each $\beta$ from the centres the previous one converged to (think of $1/\beta$ as a
# temperature being lowered). One detail matters: centres that have merged *exactly* can never split,
# since equal centres get equal responsibilities and so stay equal. So each warm start nudges the centres
# by $10^{-4}$ of the data's spread. We anneal on a fine grid around $\beta_c$ and find where the merged
# centre first splits (two centres count as one while they are closer than $10^{-3}$ of the data's spread).
# The next cell does it, and the beta lab below shows it; predict first:

# %%
concept_question("08", 2)

# %%
claims.close("1 / lambda_2", 1 / lam_2, 0.34, atol=0.005)
fine = beta_c * np.geomspace(0.5, 2.0, 141)
path = anneal(X, start, fine)
first = int(np.argmax(path.n_distinct > 1))
claims.equal("distinct centres at beta = 0.5 beta_c", int(path.n_distinct[0]), 1)
claims.close("annealed centres below 0.9 beta_c vs the data mean", path.centers[fine < 0.9 * beta_c],
             np.broadcast_to(mean, path.centers[fine < 0.9 * beta_c].shape), atol=1e-6)
claims.between("first split, in units of beta_c = 1/lambda_max", fine[first] / beta_c, 1.0, 1.05)
spread = path.centers[first] - mean
widest_move = spread[np.argmax(np.linalg.norm(spread, axis=1))]
claims.at_least("|cos| of the angle between the split and the widest direction", abs(widest_move @ top_vector)
                / np.linalg.norm(widest_move), 0.99)
_ = claims.equal("distinct centres at beta = 2 beta_c", int(path.n_distinct[-1]), 3)

# %% [markdown]
# Below $0.9\,\beta_c$ the annealed centres sit on the mean to $10^{-6}$; the first split comes within
# 5% above $\beta_c = 1/\lambda_{\max}$, along the widest direction of the data; by $2\beta_c$ all three
# centres are apart. The **beta lab** anneals the same way over $\beta$ from 0.01 to 1000. On the left,
# soft k-means at the slider's $\beta$: the dashed circles have radius $1/\sqrt\beta$, the grey ellipse is
# the data's one-standard-deviation ellipse (long semi-axis $\sqrt{\lambda_{\max}}$). On the right, the
# bifurcation plot: both coordinates of every centre, and the number of distinct centres, against $\beta$,
# with $\beta_c$ dotted. Below the figure, the largest deviation from one-hot of section 2.

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
split = int(np.argmax(beta_lab.result.n_distinct > 1))
lab_split = beta_lab.result.betas[split]
claims.between("the lab's first split, in units of beta_c", lab_split / beta_c, 1.0, 1.05)
move = beta_lab.result.centers[split] - mean
unit_moves = move / np.linalg.norm(move, axis=1, keepdims=True)
claims.at_least("the lab's first split: |x_2 part| of each centre's unit displacement", np.abs(unit_moves[:, 1]), 0.95)
claims.equal("distinct centres at the lab's first split, and one grid step later",
             beta_lab.result.n_distinct[split:split + 2], [2, 3])
claims.equal("the lab's first split: centres that move up in x_2", int(np.sum(move[:, 1] > 0)), 1)
pair_ids = np.flatnonzero(move[:, 1] < 0)  # the two that sink together
apart = np.diff(beta_lab.result.centers[split + 1, pair_ids], axis=0)[0]
claims.at_least("one grid step later: |x_1 part| of the unit vector between the pair", abs(apart[0]) / np.linalg.norm(apart),
                0.95)
order = mixture.match_components(at[1000.0]["centers"], sk_centers)
claims.close("the lab's centres at beta = 1000 vs scikit-learn's k-means (matched)", at[1000.0]["centers"][order],
             sk_centers, atol=1e-9)
_ = claims.close("the lab's read-out at beta = 10: largest deviation from one-hot, vs section 7's run",
                 beta_state(beta_lab.result, 10.0)["max_deviation"], float(dev[betas == 10.0][0]), rtol=1e-6)

# %% [markdown]
# In the lab, at $\beta = 0.2$ one merged centre; the first split within 5% above $\beta_c$, in the $x_2$
# panel: one centre rises, two sink together, and one grid step later the pair parts along $x_1$. By
# $\beta = 0.35$ three centres; at $\beta = 1000$ the k-means centres (the same three scikit-learn finds, up
# to numbering). Drag back and forth across the dotted line to see the split, and watch the circles shrink
# below the grey ellipse's long semi-axis as it happens.
#
# ## 10. k-means as matrix factorisation
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
_ = claims.close("J reported by kmeans vs the loop", km.objective, J_loop, rtol=1e-12)

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
_ = claims.close("np.linalg.lstsq vs the cluster means by a loop", M_lstsq, loop_means, atol=1e-12)

# %% [markdown]
# A cluster that gets no points makes $Z^\top Z$ singular: its row of $M$ is not determined. Implementations
# choose. `coursepkg.kmeans.update_centers` keeps the old centre of an empty cluster (so $J$ cannot rise);
# scikit-learn's `KMeans` relocates it onto the point farthest from its own centre, and takes that point
# out of its old cluster, whose centre becomes the mean of the points left. A start with one centre far
# from all the data shows the difference:

# %%
bad_start = np.array([start[0], start[1], [30.0, 30.0]])
bad_labels = np.argmin([[np.sum((x - c) ** 2) for c in bad_start] for x in X], axis=1)
claims.equal("points assigned to the far centre 3", int(np.sum(bad_labels == 2)), 0)
ours = update_centers(X, bad_labels, bad_start)
theirs = KMeans(K, init=bad_start, n_init=1, max_iter=1, algorithm="lloyd").fit(X).cluster_centers_
far_index = int(np.argmax([np.sum((x - bad_start[k]) ** 2) for x, k in zip(X, bad_labels)]))
old = bad_labels[far_index]  # the cluster the farthest point was in
left = (bad_labels == old) & (np.arange(N) != far_index)
claims.equal("coursepkg: the empty cluster keeps its centre", ours[2], [30.0, 30.0])
claims.close("scikit-learn: the empty cluster's centre moves onto the farthest point", theirs[2], X[far_index], atol=1e-12)
claims.close(f"scikit-learn: centre {old + 1} (the farthest point's old cluster) vs the mean of the points left",
             theirs[old], X[left].mean(axis=0), atol=1e-12)
_ = claims.at_least("... and its distance from the mean with the farthest point still in",
                    np.linalg.norm(theirs[old] - X[bad_labels == old].mean(axis=0)), 0.01)

# %% [markdown]
# ## 11. From soft k-means to the full mixture: a ladder
#
# Soft k-means and the full Gaussian mixture are the two ends of a ladder; each rung frees one more
# parameter and adds its M-step update. First let the weights be learned: $r_{nk} \propto \pi_k
# e^{-\frac\beta2\lVert x_n - \mu_k\rVert^2}$ with $\pi_k = N_k/N$ (seed 004 writes this with the counts
# $N_k$ in place of $\pi_k$, the same thing up to the normalisation). Section 5's step 1 then gains the
# factor $\pi_1/\pi_2$: $r_1/r_2 = (\pi_1/\pi_2)\,e^{\beta D t}$, so the pair's share is
# $\sigma\big(\beta D t + \ln(\pi_1/\pi_2)\big)$ and the border, where $r_1 = r_2$, sits at
#
# $$
# t_{1/2} = -\frac{\ln(\pi_1/\pi_2)}{\beta D} :
# $$
#
# a heavier centre 1 pushes the border towards centre 2, by an amount that shrinks like $1/\beta$. In
# the limit $\beta \to \infty$ the weights drop out and the E-step is nearest-centre again: equal
# weights are needed for k-means only at finite $\beta$. A root finder checks the border on the line
# through centres 1 and 2, with $\pi = (0.7, 0.3)$ for the pair.

# %%
pi_pair = np.array([0.7, 0.3])


def weighted_share(s, beta):
    """r_1 / (r_1 + r_2) at the point s units from the bisector, with weights pi_pair (in log space)."""
    x = mid + s * u
    logits = np.log(pi_pair) - beta / 2 * np.array([np.sum((x - mu1) ** 2), np.sum((x - mu2) ** 2)])
    return np.exp(logits[0] - np.logaddexp.reduce(logits))


for beta in (0.3, 1.0, 3.0, 30.0):
    border = brentq(lambda s: weighted_share(s, beta) - 0.5, -10, 10, xtol=1e-14)
    claims.close(f"beta = {beta:g}: the border (root finder) vs -ln(pi_1/pi_2) / (beta D)", border,
                 -np.log(pi_pair[0] / pi_pair[1]) / (beta * D), rtol=1e-9)

# %% [markdown]
# The border sits 0.70 units from the bisector at $\beta = 0.3$ and 0.007 at $\beta = 30$. Next rung, a
# width per component, $\Sigma_k = \sigma_k^2 I$ with
# $\sigma_k^2 = \sum_n r_{nk}\lVert x_n - \mu_k\rVert^2 / (d N_k)$, so the responsibility also carries
# the factor $\sigma_k^{-d}$ and a tight cluster stops claiming far points. Last, full covariances
# $\Sigma_k$: the EM of lessons 05–07. For $K = 3$ in $d = 2$ the free parameters grow from $Kd = 6$
# (the centres) to 8 (plus $K - 1$ weights: they sum to 1), 11 (plus $K$ widths; scikit-learn's
# "spherical" mixture) and 17 (full $2 \times 2$ covariances, 3 numbers each). scikit-learn's BIC,
# $-2\ell + p\ln N$ (lesson 09), contains its own count $p$, which we read back out of it:

# %%
for kind, expected in (("spherical", 11), ("full", 17)):
    gm = GaussianMixture(K, covariance_type=kind, random_state=0).fit(X)
    p_from_bic = (gm.bic(X) + 2 * gm.score(X) * N) / np.log(N)  # score is the mean log-likelihood per point
    claims.close(f"free parameters of scikit-learn's covariance_type={kind!r}, from its BIC", p_from_bic, expected,
                 atol=1e-9)

# %% [markdown]
# ## 12. k-means and EM side by side: the compare lab
#
# The limit tells us what k-means assumes: every cluster a round Gaussian of the same size, equally
# likely. The **compare lab** runs k-means and EM (with full covariances) side by side on the same data
# from the same start: the same k-means++ centres (the seed slider picks them), and for EM, equal
# weights and small axis-aligned components at those centres (as in lesson 07's EM lab). **Step**
# advances each algorithm by one iteration (k-means: move the centres, reassign; EM: `em.em_iteration`,
# an M-step then an E-step), **Run** by up to 50, until each has converged. Numbering is arbitrary
# (label switching, lesson 07), so each fitted cluster is renumbered, and coloured, by the true component
# whose mean is nearest its own (an optimal matching of the means); the read-out below the figure gives
# the fraction of points put in their true cluster. The dashed ellipses are the true components. There
# are four data sets: round, elongated (three long parallel clusters), overlapping, and unequal (one big
# wide cluster beside two small tight ones). Before you run the overlapping one:

# %%
concept_question("08", 3)

# %%
compare_lab = make_compare_lab(dataset="elongated", seed=1)
compare_lab

# %% [markdown]
# ## 13. Where each one wins
#
# The same runs, to convergence, for the four data sets from the lab's start (seed 1), checked against
# scikit-learn's `KMeans` and `GaussianMixture` started from the same parameters:

# %%
final = {}
for kind in compare.DATASETS:
    data = compare.compare_data(kind)
    pair = compare.advance(data.X, compare.start_pair(data.X, K, seed=1), 1000)
    claims.holds(f"{kind}: both converged", bool(pair.km_converged and pair.em_converged),
                 f"k-means after {pair.km_iter} iterations, EM after {pair.em_iter}")
    final[kind] = compare.compare_state(pair, data) | {"data": data}
    sk_km = KMeans(K, init=pair.km_centers[0], n_init=1, algorithm="lloyd", tol=0).fit(data.X)
    claims.close(f"{kind}: k-means centres vs scikit-learn's", pair.km_centers[-1], sk_km.cluster_centers_, atol=1e-12)
    g0 = pair.em_gmms[0]
    sk_gm = GaussianMixture(K, weights_init=g0.weights, means_init=g0.means, precisions_init=np.linalg.inv(g0.covariances),
                            tol=1e-10, max_iter=2000, reg_covar=1e-6).fit(data.X)
    claims.close(f"{kind}: EM log-likelihood vs scikit-learn's (nats)", final[kind]["em_log_likelihood"],
                 sk_gm.score(data.X) * len(data.X), atol=0.01)

# %%
fig, axes = plt.subplots(2, 4, figsize=(18, 8.5), layout="constrained")
for col, kind in enumerate(compare.DATASETS):
    state, data = final[kind], final[kind]["data"]
    for ax in axes[:, col]:  # the true components first, underneath
        true_lines, true_marks = ellipse_artists(K, ax, outline=True, colors=["0.45"], ls="--", lw=1.0,
                                                 centres={"marker": "+", "ms": 10, "mew": 1.5})
        update_ellipses(true_lines, data.true_gmm, true_marks)
    ax = axes[0, col]
    plot_responsibilities(data.X, state["km_resp"], ax=ax)  # one-hot rows: the cluster colours
    for j, c in enumerate(state["km_centers"]):
        ax.plot(*c, marker="X", ms=12, mec="white", color=COMPONENT_COLORS[j], ls="none")
    ax.set_title(f"k-means, {kind}: {state['km_accuracy']:.1%} correct", fontsize=11)
    ax = axes[1, col]
    plot_responsibilities(data.X, state["em_resp"], ax=ax)
    fit_lines, fit_marks = ellipse_artists(K, ax, outline=True, lw=2,
                                           centres={"marker": "X", "ms": 12, "mec": "white"})
    update_ellipses(fit_lines, state["gmm"], fit_marks)
    ax.set_title(f"EM, {kind}: {state['em_accuracy']:.1%} correct", fontsize=11)
    for ax in axes[:, col]:
        ax.set_xlabel("$x_1$ (data units)")
        ax.set_ylabel("$x_2$ (data units)")
        ax.set_aspect("equal", adjustable="datalim")
handles = [plt.Line2D([], [], marker="o", ls="none", color=COMPONENT_COLORS[j],
                      label=f"cluster matched to true component {j + 1}") for j in range(K)]
handles += [plt.Line2D([], [], marker="X", ms=10, mec="white", ls="none", color="0.3", label="fitted centres / means"),
            plt.Line2D([], [], color="0.3", lw=2, label="EM components (95%)"),
            plt.Line2D([], [], color="0.45", ls="--", marker="+", ms=10, mew=1.5, label="true components (95%), true means")]
fig.legend(handles=handles, loc="outside lower center", ncols=6, fontsize=10)
plt.show()

# %% [markdown]
# **Round data.** Both algorithms put all but one point (99.7%) in the right cluster, and k-means gets
# there in fewer iterations (3 against EM's 15), each of them cheaper.

# %%
rnd = final["round"]
claims.close("round: k-means and EM, fraction correctly clustered (all but one of 300)",
             np.array([rnd["km_accuracy"], rnd["em_accuracy"]]), 299 / 300, atol=1e-12)
_ = claims.equal("round: iterations to converge, k-means and EM", [rnd["km_iter"], rnd["em_iter"]], [3, 15])

# %% [markdown]
# **Elongated data.** k-means cuts across the long clusters (63% correct); EM's ellipses follow them
# (99.7%). Before the explanation:

# %%
concept_question("08", 4)

# %%
elong = final["elongated"]["data"]
claims.between("elongated: k-means, fraction correctly clustered", final["elongated"]["km_accuracy"], 0.63, 0.64)
claims.close("elongated: EM, fraction correctly clustered", final["elongated"]["em_accuracy"], 299 / 300, atol=1e-12)
true_means = np.array([elong.X[elong.truth == k].mean(axis=0) for k in range(K)])
best_of_10 = min((kmeans(elong.X, K, rng=s) for s in range(10)), key=lambda r: r.objective)
claims.between("elongated: J of the true clustering minus J of the best of 10 k-means runs",
               objective(elong.X, true_means, elong.truth) - best_of_10.objective, 575, 585)
standardised = (elong.X - elong.X.mean(axis=0)) / elong.X.std(axis=0)
km_std = min((kmeans(standardised, K, rng=s) for s in range(10)), key=lambda r: r.objective)
means_std = np.array([elong.X[km_std.labels == k].mean(axis=0) for k in range(K)])
_ = claims.at_most("elongated, standardised first: k-means (best of 10), fraction correctly clustered",
                   compare.accuracy(means_std, km_std.labels, elong.true_gmm.means, elong.truth), 0.7)

# %% [markdown]
# k-means' boundaries are the perpendicular bisectors between centres, and with round "components" it
# prefers compact pieces to long thin ones: the true clustering has a $J$ higher by about 580 than the best
# of 10 k-means runs, so more restarts cannot help, and standardising the axes first does not help either
# (at most 70% correct). EM learns each component's covariance. It has local maxima too: from seed 0 it
# stops on a poorer one.

# %%
seed0 = compare.advance(elong.X, compare.start_pair(elong.X, K, seed=0), 1000)
state0 = compare.compare_state(seed0, elong)
claims.at_least("elongated, seed 0: EM's log-likelihood below seed 1's (nats)",
                final["elongated"]["em_log_likelihood"] - state0["em_log_likelihood"], 80.0)
_ = claims.between("elongated, seed 0: EM, fraction correctly clustered", state0["em_accuracy"], 0.54, 0.55)

# %% [markdown]
# **Overlapping data.** The order reverses: k-means 83%, EM 74%. EM is not stuck on a poor local maximum:
# started at the true mixture itself it climbs to the same log-likelihood and the same labels, and 24 of 30
# k-means++ starts reach it too. Its log-likelihood beats the true mixture's by about 15 nats, but that is
# what any maximum of a likelihood with 17 free parameters does: on 30 fresh samples of 300 points from the
# true mixture, EM started at the truth beats it by 9.5 nats on average (for large samples Wilks'
# theorem says twice the gain is chi-square with 17 degrees of freedom, mean 17, so the gain averages
# 17/2 = 8.5). The point is that the maximum itself clusters worse: labelling each point by the
# *true* mixture's responsibilities gets 85% right, labelling it by the fitted one 74%; on 28 of the 30 fresh
# samples, too, the fitted mixture clusters worse than the true one. Here the fit's heaviest
# component (weight 0.56, where no true component has more than 0.4) is also its widest. It is matched to
# true component 2 and labels 102 of its 104 points, but also 45 of component 3's 94 and 29 of component 1's
# 102.

# %%
overlap, ov = final["overlapping"]["data"], final["overlapping"]
claims.between("overlapping: k-means, fraction correctly clustered", ov["km_accuracy"], 0.82, 0.83)
claims.close("overlapping: EM, fraction correctly clustered", ov["em_accuracy"], 0.74, atol=1e-12)
from_truth = em.fit_em(overlap.X, overlap.true_gmm, max_iter=2000, tol=1e-6)
claims.close("EM started at the true mixture vs from the lab's start: log-likelihood (nats)",
             from_truth.log_likelihood, ov["em_log_likelihood"], atol=0.01)
claims.close("EM started at the true mixture: fraction correctly clustered",
             compare.accuracy(from_truth.gmm.means, from_truth.resp.argmax(axis=1), overlap.true_gmm.means,
                              overlap.truth), 0.74, atol=1e-12)
restarts = [compare.advance(overlap.X, compare.start_pair(overlap.X, K, seed=s), 1000).em_log_likelihood[-1]
            for s in range(30)]
claims.equal("k-means++ starts (seeds 0-29) whose EM reaches the same maximum (within 0.01 nats)",
             int(np.sum(np.abs(np.array(restarts) - ov["em_log_likelihood"]) < 0.01)), 24)
ll_truth = mixture.log_likelihood(overlap.X, overlap.true_gmm)
claims.between("EM's log-likelihood minus the true mixture's (nats)", ov["em_log_likelihood"] - ll_truth, 14.5, 15.5)
r_truth, _ = em.e_step(overlap.X, overlap.true_gmm)
claims.between("labels from the true mixture's responsibilities: fraction correct",
               np.mean(r_truth.argmax(axis=1) == overlap.truth), 0.845, 0.85)
sample_rng = np.random.default_rng(SEED)
gains, fitted_worse = [], 0
for _ in range(30):
    X_new, z_new = mixture.sample(overlap.true_gmm, 300, rng=sample_rng)
    fit_new = em.fit_em(X_new, overlap.true_gmm, max_iter=2000, tol=1e-8)
    gains.append(fit_new.log_likelihood - mixture.log_likelihood(X_new, overlap.true_gmm))
    right_true = np.mean(em.e_step(X_new, overlap.true_gmm)[0].argmax(axis=1) == z_new)
    right_fit = compare.accuracy(fit_new.gmm.means, fit_new.resp.argmax(axis=1), overlap.true_gmm.means, z_new)
    fitted_worse += right_fit < right_true
claims.between("30 fresh samples: mean gain of the fit over the true mixture (nats)", np.mean(gains), 9.0, 10.0)
claims.equal("30 fresh samples: how often the fit clusters worse than the true mixture", int(fitted_worse), 28)
weights, covs = ov["gmm"].weights, ov["gmm"].covariances
claims.close("EM's largest weight", weights.max(), 0.56, atol=0.005)
claims.equal("the heaviest fitted component is the widest (largest determinant, largest eigenvalue)",
             [int(np.argmax(np.linalg.det(covs))), int(np.argmax(np.linalg.eigvalsh(covs)[:, -1]))],
             [int(np.argmax(weights))] * 2)
claims.close("the largest true weight", overlap.true_gmm.weights.max(), 0.4, atol=1e-12)
heavy = int(np.argmax(weights))  # renumbered: the fitted component matched to true component heavy + 1
claims.equal("the true component the heaviest fitted one is matched to (1-based)", heavy + 1, 2)
_ = claims.equal("points of true components 1, 2, 3 labelled by the heaviest fitted component, and their totals",
                 [[int(np.sum((ov["em_labels"] == heavy) & (overlap.truth == k))) for k in range(K)],
                  np.bincount(overlap.truth).tolist()], [[29, 102, 45], [102, 104, 94]])

# %% [markdown]
# **Unequal sizes.** One big wide cluster (188 of the 300 points) beside two small tight ones: k-means'
# bisectors sit halfway between centres, so they cut into the big cluster and hand its outer points to the
# small ones (16 points, all of them from the big cluster; 94.7% correct). EM learns the three widths and
# weights and gets 99.7%. "Round" is not enough for k-means: the clusters must also be of the same size.

# %%
uneq, un = final["unequal"]["data"], final["unequal"]
claims.close("unequal: k-means and EM, fraction correctly clustered", [un["km_accuracy"], un["em_accuracy"]],
             [284 / 300, 299 / 300], atol=1e-12)
claims.equal("unequal: points in the big true cluster 1", int(np.sum(uneq.truth == 0)), 188)
claims.equal("unequal: points of the big cluster that k-means gives to a small one",
             int(np.sum((uneq.truth == 0) & (un["km_labels"] != 0))), 16)
_ = claims.equal("unequal: points of the small clusters that k-means gives to the big one",
                 int(np.sum((uneq.truth != 0) & (un["km_labels"] == 0))), 0)

# %% [markdown]
# A better fit is not a better clustering. On the overlapping data the mixture that fits the 300 points
# best labels them worse than the true mixture does, and worse than k-means, whose round clusters of equal
# size happen to be close to the truth there. Where the true shapes are far from round and equal
# (elongated, unequal), EM's extra parameters pay.
#
# ## Summary
#
# - With $\pi_k = 1/K$ and $\Sigma_k = I/\beta$ the normalising constants cancel and the E-step is a softmax of
#   $-\frac\beta2\lVert x_n - \mu_k\rVert^2$ (checked against `em.e_step` and scipy to $10^{-12}$). Seed 004 drops
#   the $\tfrac12$, so its components, read through its softmax, have variance $1/(2\beta)$.
# - As $\beta \to \infty$ the responsibilities become one-hot: a point's deviation $\sum_{k \ne k^*} r_{nk}$ lies
#   between $e^{-\beta\delta_n/2}/K$ and $(K-1)e^{-\beta\delta_n/2}$. The weighted-mean M-step becomes the cluster
#   mean: EM becomes k-means. From $\beta = 25$ on, soft k-means returns scikit-learn's k-means centres to rounding.
# - For any $\beta$, $J = -\frac2\beta\log p(X, Z \mid \theta) + C(\beta)$: k-means maximises the likelihood of a
#   hard-assignment, isotropic, equal-weight mixture.
# - Between two centres a distance $D$ apart, the pair's share is $\sigma(\beta D t)$ for any $K$: the soft band is
#   about $4.4/(\beta D)$ wide, and a few band widths out a point belongs to its nearer centre however far it is.
#   $1/\sqrt\beta$ is the width of the frozen components, not a reach. Learned weights shift the border by
#   $\ln(\pi_1/\pi_2)/(\beta D)$, which vanishes as $\beta \to \infty$.
# - All centres sit at the data mean while $\beta < \beta_c = 1/\lambda_{\max}$ (0.28 here); above it the merged
#   centre splits along the top eigenvector of the data covariance (deterministic annealing; the beta lab).
# - k-means minimises $\lVert X - ZM\rVert_F^2$ with one-hot $Z$; its centre update is the least-squares solution
#   $M = (Z^\top Z)^{-1}Z^\top X$. An empty cluster: coursepkg keeps its centre, scikit-learn relocates it.
# - Learned weights, then widths, then full covariances lead from soft k-means (6 parameters here) to the
#   Gaussian mixture (17). k-means and EM agree on round data; EM follows elongated clusters that k-means cuts
#   and unequal ones whose borders k-means misplaces; on 300 overlapping points the likelihood's maximum
#   itself clusters worse than k-means (the compare lab).
#
# **Exercises:** [exercises/08_kmeans_limit.ipynb](../exercises/08_kmeans_limit.ipynb) — derive the softmax
# responsibilities, implement soft k-means, and measure the limit yourself.
