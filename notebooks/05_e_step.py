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
# component account for each point?** The answer, the *responsibility* $r_{nk}$, is
# the soft version of k-means' "assign each point to its nearest centre".
#
# **Learning goals.** After this lesson you can
#
# 1. derive $r_{nk} = p(z_n = k \mid x_n, \theta)$ from Bayes' rule and compute it;
# 2. derive the same formula a second way, as the $q$ that maximises the lower bound
#    $\mathcal{L}(q, \theta)$ of lesson 04, with a Lagrange multiplier;
# 3. explain why the textbook formula returns `nan` in 50 dimensions, and fix it with
#    the log-sum-exp trick;
# 4. explain, with numbers, why the component with the highest responsibility is
#    often *not* the one with the nearest centre.
#
# **You need:** Bayes' rule, the Gaussian density (lesson 02) and the lower bound
# $\mathcal{L}(q, \theta)$ (lesson 04).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy import optimize, special, stats

from coursepkg import em
from coursepkg.datasets import SYNTHETIC, make_synthetic, random_gmm
from coursepkg.mixture import GMM, sample
from coursepkg.plotting import COMPONENT_COLORS, plot_ellipses, plot_responsibilities
from coursepkg.widgets.questions import concept_question
from coursepkg.widgets.responsibility import LAB_GMM, LAB_START, make_responsibility_lab, responsibility_state

rng = np.random.default_rng(5)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The E-step keeps $\theta$ fixed
#
# Throughout this lesson the parameters are given. We use the 300 points of the
# course's "overlapping" data set and the mixture that generated them; in EM the
# parameters would be the current guess instead, and nothing below would change.

# %%
X, z_true = make_synthetic("overlapping", n=300, rng=0)
gmm = SYNTHETIC["overlapping"]
print(f"X: {X.shape[0]} points in d = {X.shape[1]}; mixture with K = {gmm.k} components")
print("weights pi:", gmm.weights)
print("means mu:\n", gmm.means)

# %% [markdown]
# ## 2. Responsibilities are a posterior, by Bayes' rule
#
# The generative story of lesson 02 draws a hidden label $z_n \sim \text{Cat}(\pi)$ and
# then $x_n \sim \mathcal N(\mu_{z_n}, \Sigma_{z_n})$. So the prior is $p(z_n = k) = \pi_k$
# and the likelihood is $p(x_n \mid z_n = k) = \mathcal N(x_n \mid \mu_k, \Sigma_k)$.
# Bayes' rule turns them into the posterior of the label, and the evidence in the
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
joint = gmm.weights * pdf  # (n, K): pi_k N(x_n | mu_k, Sigma_k)
r_direct = joint / joint.sum(axis=1, keepdims=True)  # normalise over components (axis=1)

resp, log_lik = em.e_step(X, gmm)
print(f"max |em.e_step - direct Bayes|   = {np.abs(resp - r_direct).max():.1e}")
print(f"max |row sum - 1|                = {np.abs(resp.sum(axis=1) - 1).max():.1e}")
print(f"log-likelihood: e_step {log_lik:.6f}, direct {np.log(joint.sum(axis=1)).sum():.6f}")

# %% [markdown]
# The two computations agree to rounding error. Here are a few rows: a point deep
# inside one cluster gets a responsibility near 1 for it, a point in the overlap
# splits.

# %%
certainty = resp.max(axis=1)
rows = [int(np.argmax(certainty)), int(np.argmin(certainty)), int(np.argsort(certainty)[len(certainty) // 3])]
print("point  x_n                 r_n0    r_n1    r_n2   true label")
for n in rows:
    print(f"{n:5d}  ({X[n, 0]:6.2f}, {X[n, 1]:6.2f})    " + "  ".join(f"{v:.3f}" for v in resp[n]) + f"   {z_true[n]}")

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
# $n$ and write the **Lagrangian** for one point:
#
# $$
# \Lambda(q, \lambda) = \sum_{k=1}^K q_k\,(a_k - \log q_k) \;+\; \lambda\Big(\sum_{k=1}^K q_k - 1\Big).
# $$
#
# **Differentiate.** Only the $k$-th term of the sum depends on $q_k$, and
# $\frac{d}{dq}(q \log q) = \log q + 1$:
#
# $$
# \frac{\partial \Lambda}{\partial q_k} = a_k - \log q_k - 1 + \lambda \overset{!}{=} 0
# \quad\Longrightarrow\quad q_k = e^{\lambda - 1}\, e^{a_k} = e^{\lambda - 1}\, \pi_k\, \mathcal N(x \mid \mu_k, \Sigma_k).
# $$
#
# **Solve for the multiplier.** The constraint fixes $\lambda$: summing over $k$,
#
# $$
# 1 = \sum_k q_k = e^{\lambda - 1} \sum_j \pi_j \mathcal N(x \mid \mu_j, \Sigma_j) = e^{\lambda-1}\, p(x \mid \theta)
# \quad\Longrightarrow\quad \lambda = 1 - \log p(x \mid \theta).
# $$
#
# **Substitute back:** $q_k = \pi_k \mathcal N(x \mid \mu_k, \Sigma_k) / p(x \mid \theta) = r_k$, the
# Bayes posterior of section 2.
#
# **It is the maximum, not just a stationary point.** The function is concave in $q$
# ($a_k q_k$ is linear and $-q \log q$ is concave) and the constraint is linear, so the
# one stationary point is the global maximum on the simplex. The constraints
# $q_k \ge 0$ never bind: the slope of $-q\log q$ is $+\infty$ at $q = 0$, so moving a little
# mass onto an empty component always helps.
#
# **Check 1: the gradient at the posterior.** At $q = r$ every partial derivative of the
# objective, $a_k - \log r_k - 1$, should equal the same number $-\lambda = \log p(x) - 1$,
# so the gradient of the Lagrangian vanishes.

# %%
a = np.log(gmm.weights) + np.column_stack([stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).logpdf(X) for k in range(gmm.k)])
grad_objective = a - np.log(resp) - 1  # (n, K): d/dq_k of sum_k q_k (a_k - log q_k) at q = r
lam = 1 - special.logsumexp(a, axis=1, keepdims=True)  # lambda = 1 - log p(x_n), one per point
grad_lagrangian = grad_objective + lam
print(f"spread of the objective's gradient across k (max over points): {np.ptp(grad_objective, axis=1).max():.1e}")
print(f"max |gradient of the Lagrangian| at q = r:                    {np.abs(grad_lagrangian).max():.1e}")

# %% [markdown]
# **Check 2: every other feasible $q$ does worse.** We draw 2,000 random rows $q$
# uniformly from the simplex for each of 50 points and compare their contribution to
# $\mathcal L$ with that of the posterior. At the posterior the bound is tight (lesson 04),
# so $\mathcal L(r, \theta)$ equals the log-likelihood.

# %%
def bound_terms(q, a):
    """Each point's contribution sum_k q_k (a_k - log q_k) to L(q, theta); shape (n,)."""
    return np.sum(q * (a - np.log(q)), axis=-1)


best_at_posterior = bound_terms(resp, a)
worst_gap = -np.inf
for n in range(50):
    q_random = rng.dirichlet(np.ones(gmm.k), size=2000)
    worst_gap = max(worst_gap, (bound_terms(q_random, a[n]) - best_at_posterior[n]).max())
print(f"max over 100,000 random q of  L_n(q) - L_n(r):  {worst_gap:.2e}   (negative: r is better)")
print(f"L(r, theta) - log p(X | theta):                  {em.lower_bound(X, resp, gmm) - log_lik:.1e}")

# %% [markdown]
# For a single point with $K = 3$ the feasible $q$ form a triangle (the probability
# simplex), so we can draw the objective over all of it. Each corner is a hard
# assignment to one component; the white star is the posterior.

# %%
n_show = int(np.argmin(resp.max(axis=1)))  # the most uncertain point
corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
grid = 120
i, j = np.meshgrid(np.arange(grid + 1), np.arange(grid + 1))
keep = i + j <= grid
bary = np.column_stack([i[keep], j[keep], grid - i[keep] - j[keep]]) / grid
bary = np.clip(bary, 1e-9, None)
bary /= bary.sum(axis=1, keepdims=True)
xy = bary @ corners
values = bound_terms(bary, a[n_show]) - best_at_posterior[n_show]

fig, ax = plt.subplots(figsize=(6.2, 5.2))
tc = ax.tricontourf(xy[:, 0], xy[:, 1], values, levels=np.linspace(values.min(), 0, 15), cmap="viridis")
fig.colorbar(tc, ax=ax, label="$\\mathcal{L}_n(q) - \\mathcal{L}_n(r)$  (nats)")
ax.plot(*np.vstack([corners, corners[:1]]).T, color="black", lw=1)
for k in range(3):
    ax.annotate(f"$q = e_{k}$\n(all on component {k})", corners[k], color=COMPONENT_COLORS[k], ha="center",
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
# ## 4. Why the textbook formula fails in 50 dimensions
#
# A density is "probability per unit volume". In $d$ dimensions, changing the unit
# of every feature by a factor $s$ divides every density by $s^d$. For $d = 50$ and
# features recorded in micrometres instead of metres ($s = 10^6$) that is a factor
# $10^{-300}$, below what float64 can hold ($\approx 2 \times 10^{-308}$, or $5 \times 10^{-324}$ with
# subnormals). The responsibilities do not care, since the factor $s^{-d}$ appears in
# every term of numerator and denominator and cancels. But the direct formula first
# computes the densities, and they come out as exactly `0.0`.

# %%
gmm50_m = random_gmm(3, 50, rng=1)  # a well-separated mixture, features in metres
X50_m, _ = sample(gmm50_m, 4, rng=rng)  # four ordinary points drawn from the mixture
X50_m[1] = 0.5 * (gmm50_m.means[0] + gmm50_m.means[2])  # and one halfway between two components
s = 1e6  # metres -> micrometres
gmm50 = GMM(gmm50_m.weights, gmm50_m.means * s, gmm50_m.covariances * s**2)
X50 = X50_m * s

pdf50 = np.column_stack([stats.multivariate_normal(gmm50.means[k], gmm50.covariances[k]).pdf(X50) for k in range(3)])
with np.errstate(invalid="ignore"):  # 0/0: we want to see the nan, not a warning
    naive = gmm50.weights * pdf50 / (gmm50.weights * pdf50).sum(axis=1, keepdims=True)
print("densities N(x_n | mu_k, Sigma_k) in float64:\n", pdf50)
print("naive responsibilities:\n", naive)

# %% [markdown]
# Every density is `0.0`, so every naive row is $0/0$ = `nan`. The log-densities
# themselves are ordinary numbers, just very negative:

# %%
log_pdf50 = np.column_stack([stats.multivariate_normal(gmm50.means[k], gmm50.covariances[k]).logpdf(X50) for k in range(3)])
print("log N(x_n | mu_k, Sigma_k):\n", log_pdf50)

# %% [markdown]
# ### The log-sum-exp trick
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
# which is exactly what `em.e_step` computes.

# %%
a50 = np.log(gmm50.weights) + log_pdf50


def logsumexp_rows(a):
    """m + log sum_j exp(a_j - m), row by row."""
    m = a.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))[:, 0]


lse = logsumexp_rows(a50)
resp50, ll50 = em.e_step(X50, gmm50)
resp50_m, _ = em.e_step(X50_m, gmm50_m)
print(f"our log-sum-exp vs scipy.special.logsumexp: max diff {np.abs(lse - special.logsumexp(a50, axis=1)).max():.1e}")
print(f"log-likelihood: e_step {ll50:.4f}, sum of log-sum-exp {lse.sum():.4f}")
print("em.e_step responsibilities (micrometres):\n", resp50)
print(f"rows sum to 1: max |row sum - 1| = {np.abs(resp50.sum(axis=1) - 1).max():.1e}")
print(f"same as in metres: max |r(micrometres) - r(metres)| = {np.abs(resp50 - resp50_m).max():.1e}")

# %% [markdown]
# Every row is a valid distribution, identical to the one computed in metres, and
# the halfway point (row 1) gets a genuinely split responsibility that the naive
# formula turned into `nan`. The rule for the rest of the course: **densities live
# in log space**; exponentiate only differences such as $a_k - \log\sum_j e^{a_j}$.

# %% [markdown]
# ## 5. Responsibility is not "nearest centre"
#
# k-means gives a point to the nearest centre. The E-step compares
# $a_k = \log\pi_k + \log \mathcal N(x \mid \mu_k, \Sigma_k)$, and the log-density has three parts:
#
# $$
# a_k = \underbrace{\log \pi_k}_{\text{weight}} \;
# \underbrace{-\tfrac12 \log\lvert 2\pi\Sigma_k\rvert}_{\text{size of the cluster}} \;
# \underbrace{-\tfrac12 (x-\mu_k)^\top \Sigma_k^{-1} (x-\mu_k)}_{-\frac12 \times \text{squared Mahalanobis distance}} .
# $$
#
# Distance enters only through the **Mahalanobis** distance, measured in units of the
# cluster's own spread. Take three components: a wide round one (0), a small tight one
# (1) and a long tilted one (2), and the point $x = (2.3, 0)$.

# %%
state = responsibility_state(LAB_START, LAB_GMM)
sign, logdet = np.linalg.slogdet(2 * np.pi * LAB_GMM.covariances)
print(f"x = {state.point}")
print("comp  ||x - mu_k||  Mahalanobis   log pi_k  -1/2 log|2 pi Sigma_k|  -1/2 Mahal^2      a_k     r_k")
for k in range(LAB_GMM.k):
    parts = (np.log(LAB_GMM.weights[k]), -0.5 * logdet[k], -0.5 * state.mahalanobis[k] ** 2)
    print(f"  {k}      {state.distances[k]:6.2f}       {state.mahalanobis[k]:6.2f}    {parts[0]:7.2f}    "
          f"{parts[1]:12.2f}         {parts[2]:10.2f}  {sum(parts):8.2f}   {state.resp[k]:.3f}")
print(f"nearest centre: component {state.nearest}; largest responsibility: component {state.most_responsible}")

# %% [markdown]
# The point is 1.3 away from the tight component's centre and 2.3 away from the wide
# one's, yet the wide component takes 93% of it. Being small gives component 1 a
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
                xytext=(14, -16) if k == 1 else (0, 6), textcoords="offset points", ha="center")
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
ax_bar.set_xticks(range(3), [f"component {k}\ndistance {d:.2f}\nMahalanobis {m:.2f}" for k, d, m in
                             zip(range(3), state.distances, state.mahalanobis)], fontsize=8)
ax_bar.set_ylim(0, 1.2)
ax_bar.set_ylabel("responsibility $r_k$")
ax_bar.set_title("Nearest centre: component 1. Largest $r_k$: component 0")
plt.show()

# %% [markdown]
# The nearest centre (red, component 1) gets 7% of the point; the wide blue cluster,
# whose centre is nearly twice as far, gets 93%. The Mahalanobis distance ranks the
# components the right way round here.

# %% [markdown]
# ### Unequal weights move the boundary too
#
# Even with identical shapes, the weights matter. Take two 1-D components with
# means $\mu_0 = 0$, $\mu_1 = 3$ and the same variance $\sigma^2 = 1$. The boundary
# $r_0(x) = r_1(x) = \frac12$ is where $a_0 = a_1$:
#
# $$
# \log\pi_0 - \frac{(x-\mu_0)^2}{2\sigma^2} = \log\pi_1 - \frac{(x-\mu_1)^2}{2\sigma^2}
# \quad\Longrightarrow\quad
# x^\ast = \frac{\mu_0 + \mu_1}{2} + \frac{\sigma^2}{\mu_1 - \mu_0}\,\log\frac{\pi_0}{\pi_1}
# $$
#
# (the $x^2$ terms cancel, leaving a linear equation). With equal weights the
# boundary is the midpoint, the k-means boundary; a heavier component 0 pushes it
# towards component 1. We find the boundary numerically with `em.e_step` and a root
# finder and compare.

# %%
mu0, mu1, sigma2 = 0.0, 3.0, 1.0
xs = np.linspace(-2, 5, 400)[:, None]
fig, ax = plt.subplots(figsize=(8, 4.2))
for weights, style in [((0.5, 0.5), "-"), ((0.8, 0.2), "--"), ((0.95, 0.05), ":")]:
    g1d = GMM(weights, [[mu0], [mu1]], [[[sigma2]], [[sigma2]]])
    r1 = em.e_step(xs, g1d)[0][:, 1]
    boundary = optimize.brentq(lambda x, g=g1d: em.e_step(np.array([[x]]), g)[0][0, 1] - 0.5, mu0, mu1)
    closed = (mu0 + mu1) / 2 + sigma2 / (mu1 - mu0) * np.log(weights[0] / weights[1])
    print(f"pi = {weights}: boundary by root finding {boundary:.6f}, closed form {closed:.6f}, "
          f"difference {abs(boundary - closed):.1e}")
    ax.plot(xs[:, 0], r1, ls=style, color=COMPONENT_COLORS[1], label=f"$r_1(x)$ with $\\pi$ = {weights}")
    ax.axvline(closed, ls=style, color="grey", lw=1)
ax.axhline(0.5, color="grey", lw=0.5)
for mu, k in [(mu0, 0), (mu1, 1)]:
    ax.plot(mu, 0, marker="x", color=COMPONENT_COLORS[k], markersize=12, markeredgewidth=2, ls="none",
            label=f"$\\mu_{k}$ = {mu:g}")
ax.set_xlabel("x (a single feature)")
ax.set_ylabel("responsibility of component 1")
ax.set_title("Heavier component 0 pushes the boundary (grey lines) towards $\\mu_1$")
ax.legend(fontsize=8, loc="upper left")
plt.show()

# %% [markdown]
# With $\pi = (0.95, 0.05)$ the boundary sits at 2.48, much closer to $\mu_1 = 3$ than to
# $\mu_0 = 0$: a point at $x = 2$, nearer to $\mu_1$, still belongs mostly to component 0.

# %% [markdown]
# ## 6. Lab: move a query point among three Gaussians
#
# The lab uses the three components of section 5. Move the point with the sliders:
# the bars are its responsibilities, the point is painted in their blend of colours,
# and the panel on the right lists the Euclidean and Mahalanobis distance to each
# centre, the nearest centre, and the component with the largest responsibility.
#
# Things to try:
#
# - Start at $(2.3, 0)$, then move right into the red circle. When does component 1 take over?
# - Slide along the long axis of the green ellipse, far from its centre. Which component wins?
# - Find a point where the nearest centre is the green one but blue wins.
# - Go far away in any direction (e.g. $x_1 = -5$, $x_2 = 8$). The widest component wins far out.

# %%
lab = make_responsibility_lab()
lab

# %% [markdown]
# ## 7. Check your understanding

# %%
concept_question("05", 1)

# %%
concept_question("05", 2)

# %%
concept_question("05", 3)

# %% [markdown]
# ## Summary
#
# - The E-step fixes $\theta$ and computes, for every point, the posterior over its hidden
#   label: $r_{nk} = \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) / \sum_j \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j)$.
# - The same $r$ is the maximiser of the lower bound $\mathcal L(q, \theta)$ over $q$: with a
#   Lagrange multiplier, $q_k \propto e^{a_k}$, the multiplier is $\lambda = 1 - \log p(x)$, and the
#   bound becomes tight, $\mathcal L(r, \theta) = \log p(X \mid \theta)$.
# - Densities underflow in high dimensions; compute
#   $\log \sum_j e^{a_j} = m + \log \sum_j e^{a_j - m}$ and $r_k = e^{a_k - \log\sum_j e^{a_j}}$.
# - Responsibility depends on weight, size and shape: it follows the Mahalanobis distance and
#   the cluster's log-volume, not the Euclidean distance to the nearest centre.
#
# **Next:** lesson 06 fixes $r$ and solves for $\theta$ (the M-step).
#
# **Exercises:** [exercises/05_e_step.ipynb](../exercises/05_e_step.ipynb) — write the E-step
# in log space yourself and check it on points far from every component.
