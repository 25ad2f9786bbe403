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
# # Lesson 02 — Generating data from a mixture of Gaussians
#
# Lesson 01 asked for soft assignments and clusters with their own size and shape. Both come from
# one idea: tell a **story of how the data was made**, with a hidden label per point. This lesson
# builds that story from its parts — the Gaussian, its distance and its ellipses — and then runs it
# forwards to generate data. Clustering, in the lessons that follow, is running it backwards.
#
# **By the end of this lesson you can**
#
# 1. write the Gaussian density in 1 and $d$ dimensions and check it against `scipy.stats`;
# 2. explain why the Mahalanobis distance, not the Euclidean one, measures how typical a point is;
# 3. derive a Gaussian's probability ellipses from the eigen-decomposition of $\Sigma$, with the
#    radius set by a chi-square quantile, and say what $\lvert\Sigma\rvert$ measures;
# 4. sample from a Gaussian mixture by hand (pick $z \sim \mathrm{Cat}(\pi)$, draw
#    $x \sim \mathcal N(\mu_z, \Sigma_z)$), draw its graphical model and write its density;
# 5. show that enough Gaussians approximate a shape that is not Gaussian at all.
#
# The symbols are those of the notation table on the [start page](00_start.ipynb).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle
from scipy import integrate, stats

from coursepkg import claims, datasets
from coursepkg.em import fit_em
from coursepkg.gaussian import chi2_radius, ellipse_points, log_pdf, mahalanobis
from coursepkg.mixture import GMM, log_density, log_likelihood, sample
from coursepkg.plotting import COMPONENT_COLORS, plot_density_contours, plot_ellipses
from coursepkg.widgets.questions import concept_question

SEED = 0
rng = np.random.default_rng(SEED)
plt.rcParams["figure.dpi"] = 80
LONG_AXIS, SHORT_AXIS = "#ff7f0e", "#9467bd"  # orange and purple: directions, not components

# %% [markdown]
# ## 1. The Gaussian in one dimension
#
# A Gaussian with mean $\mu$ and variance $\sigma^2$ has density
#
# $$\mathcal N(x \mid \mu, \sigma^2) = \frac{1}{\sqrt{2\pi\sigma^2}} \exp\!\Big(-\frac{(x-\mu)^2}{2\sigma^2}\Big).$$
#
# The exponent measures how many standard deviations $x$ lies from $\mu$; the factor in front makes
# the area under the curve 1. `coursepkg.gaussian.log_pdf` works with $d$-dimensional data of shape
# $(N, d)$, so a 1-D sample is a column, and it returns the **log** density (we will see in lesson 05
# why logs are safer). We check it against `scipy.stats.norm` and integrate it numerically.

# %%
xs = np.linspace(-12, 16, 4001)
fig, ax = plt.subplots(figsize=(7, 3.5))
for j, (mu, sigma) in enumerate([(0.0, 1.0), (2.0, 0.5), (3.0, 2.0)]):
    density = np.exp(log_pdf(xs[:, None], [mu], [[sigma**2]]))
    ax.plot(xs, density, color=COMPONENT_COLORS[j], lw=2, label=f"μ = {mu}, σ = {sigma}")
    claims.close(f"mu = {mu}, sigma = {sigma}: coursepkg's density against scipy's", density,
                 stats.norm(mu, sigma).pdf(xs), atol=1e-15)
    claims.close(f"mu = {mu}, sigma = {sigma}: area under the curve (trapezoid rule)",
                 np.trapezoid(density, xs), 1.0, atol=1e-9)
ax.set_xlim(-4, 8)
ax.set_xlabel("x")
ax.set_ylabel("density (1 / unit of x)")
ax.set_title("three 1-D Gaussians: narrower means taller, the area is always 1")
ax.legend()
plt.show()

# %% [markdown]
# The densities agree with scipy to rounding, and each has area 1 — the narrow one pays for its
# narrowness with height.

# %% [markdown]
# ## 2. The Gaussian in $d$ dimensions
#
# In $\mathbb R^d$ the mean is a vector $\mu$ and the spread is a symmetric positive-definite
# covariance matrix $\Sigma$:
#
# $$\mathcal N(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{d/2} \lvert\Sigma\rvert^{1/2}}
# \exp\!\Big(-\tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)\Big).$$
#
# For $d = 1$ it is the formula above with $\Sigma = \sigma^2$, and $\lvert\Sigma\rvert^{1/2}$ is $\sigma$.
# In general $\lvert\Sigma\rvert^{1/2}$ plays the role of $\sigma$: section 4 shows that it is proportional
# to the area (in $d$ dimensions, the volume) of the Gaussian's ellipses, so a Gaussian that spreads
# over more space has a lower peak. We take a tilted, elongated 2-D Gaussian, compare with
# `scipy.stats.multivariate_normal`, and sum the density over a fine grid: the volume under the
# surface should be 1.

# %%
mu = np.array([1.0, -0.5])
Sigma = np.array([[3.0, 1.6], [1.6, 1.2]])
points = rng.normal(size=(1000, 2)) * 3
claims.close("log-density over 1000 points, coursepkg against scipy", log_pdf(points, mu, Sigma),
             stats.multivariate_normal(mu, Sigma).logpdf(points), atol=1e-12)

g1, g2 = np.linspace(-12, 14, 601), np.linspace(-10, 9, 601)
G1, G2 = np.meshgrid(g1, g2)
grid = np.column_stack([G1.ravel(), G2.ravel()])
density = np.exp(log_pdf(grid, mu, Sigma)).reshape(G1.shape)
# the density has decayed to about 1e-13 at the grid's edges; for a smooth function that vanishes there the
# trapezoid rule on a fine grid is far more accurate than its usual h^2 error, and what is left is about 1e-13
edge = max(density[[0, -1], :].max(), density[:, [0, -1]].max())
claims.at_most("largest density on the edges of the grid", edge, 1e-12)
claims.close("volume under the 2-D density on the grid", np.trapezoid(np.trapezoid(density, g1, axis=1), g2), 1.0,
             atol=1e-10);

# %% [markdown]
# Again the density matches scipy, and it integrates to 1 over the plane.

# %% [markdown]
# ## 3. Mahalanobis distance: how far in the Gaussian's own units
#
# The exponent holds the squared **Mahalanobis distance**
#
# $$\Delta^2(x) = (x-\mu)^\top \Sigma^{-1} (x-\mu),$$
#
# so $\mathcal N(x \mid \mu, \Sigma) \propto e^{-\Delta^2/2}$: the density depends on $x$ only through
# $\Delta$. For $\Sigma = \sigma^2 I$ it is the Euclidean distance divided by $\sigma$. In general it is
# a Euclidean distance in the Gaussian's own axes: turn $x - \mu$ onto the eigenvectors $u_1, u_2$ of
# $\Sigma$ (its axes, section 4), divide the coordinate along $u_i$ by $\sqrt{\lambda_i}$, the standard
# deviation along $u_i$, and take the ordinary length. Along the long axis of this Gaussian the
# variance is $\lambda_1 \approx 3.94$, so a step of length $\ell$ counts as
# $\ell/\sqrt{\lambda_1} \approx \ell/1.98$; along the short axis $\lambda_2 \approx 0.26$ and it counts as
# $\ell/\sqrt{\lambda_2} \approx \ell/0.51$.
#
# Only along the axes is a step simply divided by the standard deviation in its direction; in any
# other direction it has a part along each axis, and the parts are scaled differently. Take a unit
# step along the $x_1$ axis of the data, where the variance is $\Sigma_{11} = 3$. It has a part 0.86
# along $u_1$ and a part 0.50 along the short axis $u_2$, and the short part, counted in units of 0.51,
# dominates: the step counts as $\sqrt{0.86^2/3.94 + 0.50^2/0.26} = 1.07$, not $1/\sqrt 3 = 0.58$.
# Below, P and Q are both at Euclidean distance 2.5 from the mean: P along the long axis, Q along the
# short one.

# %%
lam, U = np.linalg.eigh(Sigma)
lam, U = lam[::-1], U[:, ::-1]  # largest first: lambda_1 >= lambda_2, u_1 = U[:, 0] is the long axis
claims.close("lambda_1, lambda_2 of Sigma", lam, [3.94, 0.26], atol=0.005)
P = mu + 2.5 * U[:, 0]
Q = mu + 2.5 * U[:, 1]
dP, dQ = mahalanobis(np.array([P, Q]), mu, Sigma)
claims.close("Euclidean distances of P and Q from the mean", np.linalg.norm([P - mu, Q - mu], axis=1), [2.5, 2.5],
             atol=1e-12)
claims.close("Mahalanobis distances of P and Q against 2.5 / sqrt(lambda_i)", [dP, dQ], 2.5 / np.sqrt(lam), rtol=1e-12)
claims.close("the same, rounded as the text quotes them", [dP, dQ], [1.26, 4.86], atol=0.005)
Sigma_inv = np.linalg.inv(Sigma)
unit_x1 = np.sqrt(Sigma_inv[0, 0])  # Delta of the step (1, 0): sqrt(e_1^T Sigma^-1 e_1), without coursepkg
parts = np.abs(U.T @ [1.0, 0.0])  # the step's parts along u_1 and u_2
claims.close("parts of the unit step along x_1 on u_1 and u_2", parts, [0.86, 0.50], atol=0.005)
claims.close("Delta of the step against its parts, sqrt(sum_i part_i^2 / lambda_i)", unit_x1,
             np.sqrt(np.sum(parts**2 / lam)), rtol=1e-12)
claims.close("Delta of a unit step along x_1 (rounded as the text quotes it)", unit_x1, 1.07, atol=0.005)
claims.holds("... which is not 1 / sqrt(Sigma_11), the step over the standard deviation along x_1",
             abs(unit_x1 - 1 / np.sqrt(Sigma[0, 0])) > 0.4, f"{unit_x1:.3f} against {1 / np.sqrt(Sigma[0, 0]):.3f}")
density_P, density_Q = stats.multivariate_normal(mu, Sigma).pdf([P, Q])
claims.close("density ratio P/Q (scipy) against exp(-(dP^2 - dQ^2)/2)", density_P / density_Q,
             np.exp(-(dP**2 - dQ**2) / 2), rtol=1e-10)

fig, ax = plt.subplots(figsize=(6.5, 5))
ax.contourf(G1, G2, density, levels=12, cmap="Blues")
ax.add_patch(Circle(mu, 2.5, fill=False, ls="--", color="black", label="Euclidean distance 2.5"))
for name, x, color, d in [("P", P, LONG_AXIS, dP), ("Q", Q, SHORT_AXIS, dQ)]:
    ax.plot(*x, "o", ms=10, color=color, mec="black", label=f"{name}: Mahalanobis distance {d:.2f}")
    ax.annotate(name, x, xytext=(8, 6), textcoords="offset points", fontsize=13, weight="bold")
ax.plot(*mu, "k+", ms=12, mew=2, label="mean μ")
ax.set_xlim(-4, 6)
ax.set_ylim(-4.5, 3.5)
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("same Euclidean distance, very different density")
ax.legend(loc="upper left", fontsize=9)
plt.show()

# %% [markdown]
# Both points are on the dashed circle, yet P, $2.5/1.98 = 1.26$ standard deviations out, sits in a
# well-populated part of the Gaussian, and Q, $2.5/0.51 = 4.86$ standard deviations out, in its thin
# tail: the density ratio is $e^{-(\Delta_P^2 - \Delta_Q^2)/2}$. "Nearest centre" in Euclidean
# distance, k-means' rule, ignores exactly this.

# %% [markdown]
# ## 4. The ellipses of a Gaussian, and what $\lvert\Sigma\rvert$ measures
#
# Where is $\Delta(x) = r$? Write $\Sigma = U \Lambda U^\top$ with orthonormal eigenvectors
# $u_1, u_2$ in the columns of $U$ and eigenvalues $\lambda_1 \ge \lambda_2 > 0$ on the diagonal of
# $\Lambda$ (possible because $\Sigma$ is symmetric positive-definite). Then
# $\Sigma^{-1} = U \Lambda^{-1} U^\top$, and in the rotated coordinates $y = U^\top (x - \mu)$
#
# $$\Delta^2 = (x-\mu)^\top U \Lambda^{-1} U^\top (x-\mu) = y^\top \Lambda^{-1} y
# = \frac{y_1^2}{\lambda_1} + \frac{y_2^2}{\lambda_2} = r^2 .$$
#
# That is an ellipse with axes along $u_1$ (the long one) and $u_2$, and half-lengths $r\sqrt{\lambda_1}$
# and $r\sqrt{\lambda_2}$.
#
# **What $\lvert\Sigma\rvert$ measures.** An ellipse with half-axes $a$, $b$ has area $\pi a b$, so the
# ellipse $\Delta \le r$ has area $\pi r^2 \sqrt{\lambda_1 \lambda_2} = \pi r^2 \sqrt{\lvert\Sigma\rvert}$,
# since the determinant is the product of the eigenvalues. In $d$ dimensions the same holds with
# volumes. Write a point as $x = \mu + U\Lambda^{1/2} e$, that is $e = \Lambda^{-1/2} U^\top (x - \mu)$:
# then $\Delta^2 = e^\top e$, so this map sends the ball $\lVert e \rVert \le r$ onto the ellipsoid
# $\Delta \le r$, and it multiplies every volume by $\lvert\det U\Lambda^{1/2}\rvert = \sqrt{\lvert\Sigma\rvert}$.
# So it is $\sqrt{\lvert\Sigma\rvert}$, not $\lvert\Sigma\rvert$, that scales with the space the Gaussian
# spreads over, just as $\sigma$ (not $\sigma^2$) does in one dimension — and it is
# $\sqrt{\lvert\Sigma\rvert}$ that divides the density. We check the area of the ellipse $\Delta \le 1$
# by throwing uniform points into the box around it.

# %%
claims.close("lambda_1 lambda_2 against |Sigma|", lam.prod(), np.linalg.det(Sigma), rtol=1e-12)
half_widths = np.sqrt(np.diag(Sigma))  # the ellipse Delta <= 1 fits in the box mu +- sqrt(Sigma_ii)
M = 400_000
box = mu + half_widths * rng.uniform(-1, 1, size=(M, 2))
hit = np.einsum("ni,ij,nj->n", box - mu, Sigma_inv, box - mu) <= 1  # Delta^2 <= 1, without coursepkg
box_area = np.prod(2 * half_widths)
area = box_area * hit.mean()
area_se = box_area * np.sqrt(hit.mean() * (1 - hit.mean()) / M)
claims.close("area of the ellipse Delta <= 1 by Monte Carlo against pi sqrt|Sigma| (4 standard errors)", area,
             np.pi * np.sqrt(np.linalg.det(Sigma)), atol=4 * area_se)
e_box = (box - mu) @ U / np.sqrt(lam)  # e = Lambda^(-1/2) U^T (x - mu), one row per point
claims.close("Delta^2 against |e|^2 for the box points", np.einsum("ni,ni->n", e_box, e_box),
             np.einsum("ni,ij,nj->n", box - mu, Sigma_inv, box - mu), atol=1e-12)

fig, ax = plt.subplots(figsize=(6.5, 4.8))
shown = slice(0, 4000)
ax.scatter(*box[shown][hit[shown]].T, s=3, color=COMPONENT_COLORS[0], alpha=0.5, label="uniform points with Δ ≤ 1")
ax.scatter(*box[shown][~hit[shown]].T, s=3, color="0.7", alpha=0.5, label="uniform points with Δ > 1")
ax.plot(*ellipse_points(mu, Sigma, level=stats.chi2(2).cdf(1.0), n_points=200).T, color="black", lw=1.5,
        label="the ellipse Δ = 1")
for i, color, which in [(0, LONG_AXIS, "long"), (1, SHORT_AXIS, "short")]:
    ax.annotate("", mu + np.sqrt(lam[i]) * U[:, i], mu, arrowprops=dict(arrowstyle="->", color=color, lw=2.5))
    ax.plot([], [], color=color, lw=2.5, label=f"{which} half-axis √λ{i + 1} = {np.sqrt(lam[i]):.2f}")
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title(f"area of Δ ≤ 1: π√|Σ| = {np.pi * np.sqrt(np.linalg.det(Sigma)):.3f}, Monte Carlo {area:.3f}",
             fontsize=10)
ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
plt.show()

# %% [markdown]
# The share of the box that falls inside the ellipse, times the box's area, matches
# $\pi\sqrt{\lvert\Sigma\rvert}$ within its Monte Carlo error; the half-axes are $\sqrt{\lambda_1} = 1.98$
# along $u_1$ and $\sqrt{\lambda_2} = 0.51$ along $u_2$.

# %% [markdown]
# ## 5. Which ellipse holds 95% of the points? A chi-square radius
#
# A sample from the Gaussian is the map of section 4 applied to random noise: $x = \mu + U\Lambda^{1/2} e$
# with $e \sim \mathcal N(0, I)$ (its covariance is $U\Lambda^{1/2}\Lambda^{1/2}U^\top = \Sigma$). Then
# $\Delta^2 = e^\top e = e_1^2 + \dots + e_d^2$, a sum of $d$ squared standard normals: a **chi-square
# variable with $d$ degrees of freedom**, whatever $\mu$ and $\Sigma$ are. So the ellipse that holds
# probability $p$ has $r^2 = F^{-1}_{\chi^2_d}(p)$. For $d = 2$ the chi-square CDF is $1 - e^{-r^2/2}$,
# which gives the closed form $r^2 = -2\ln(1-p)$: $r = 2.45$ for 95%, not the 1.96 of one dimension.

# %%
for p in [0.5, 0.95, 0.99]:
    claims.close(f"p = {p:.2f}: chi2_radius against sqrt(-2 ln(1 - p))", chi2_radius(p, 2),
                 np.sqrt(-2 * np.log(1 - p)), rtol=1e-12)
claims.close("r for 95% in 2-D", chi2_radius(0.95, 2), 2.45, atol=0.005)

samples = rng.multivariate_normal(mu, Sigma, size=100_000)
d2 = np.einsum("ni,ij,nj->n", samples - mu, Sigma_inv, samples - mu)  # Delta^2 without coursepkg
for p in [0.5, 0.95, 0.99]:
    coverage = np.mean(d2 <= stats.chi2(2).ppf(p))
    claims.close(f"{p:.0%} ellipse: fraction of 100 000 samples inside (4 binomial standard errors)", coverage, p,
                 atol=4 * np.sqrt(p * (1 - p) / 1e5))

ring = ellipse_points(mu, Sigma, level=0.95, n_points=200)  # the curve the figures draw
ring_d2 = np.einsum("ni,ij,nj->n", ring - mu, Sigma_inv, ring - mu)
claims.close("Delta^2 of the points of the drawn 95% ellipse against scipy's chi-square quantile", ring_d2,
             stats.chi2(2).ppf(0.95), rtol=1e-12);

# %%
fig, ax = plt.subplots(figsize=(7, 5.5))
ax.scatter(*samples[:3000].T, s=4, alpha=0.3, color="0.5", label="3 000 of the samples")
for level, style in [(0.5, ":"), (0.95, "-"), (0.99, "--")]:
    curve = ellipse_points(mu, Sigma, level=level, n_points=200)
    ax.plot(*curve.T, style, color=COMPONENT_COLORS[0], lw=2, label=f"{level:.0%} ellipse, r = {chi2_radius(level):.2f}")
r95 = chi2_radius(0.95)
for i, color, which in [(0, LONG_AXIS, "long"), (1, SHORT_AXIS, "short")]:
    tip = mu + r95 * np.sqrt(lam[i]) * U[:, i]
    ax.annotate("", tip, mu, arrowprops=dict(arrowstyle="->", color=color, lw=2.5))
    ax.plot([], [], color=color, lw=2.5, label=f"{which} half-axis r√λ{i + 1} u{i + 1} (95%): λ{i + 1} = {lam[i]:.2f}")
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("probability ellipses: axes along the eigenvectors of Σ")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# The empirical coverage matches 50%, 95% and 99% to within the sampling error, and the arrows show
# the ellipse's half-axes $r\sqrt{\lambda_i}\,u_i$: the long one along $u_1$ with $\lambda_1 = 3.94$, the
# short one along $u_2$ with $\lambda_2 = 0.26$. These 95% ellipses are how every lesson draws a
# Gaussian component.

# %%
concept_question("02", 1)

# %%
# question 1: the ellipse of the 1-D radius 1.96, on the same 100 000 samples
inside_196 = np.mean(d2 <= 1.96**2)
claims.close("share inside Delta <= 1.96 against 1 - exp(-1.96^2 / 2) (4 binomial standard errors)", inside_196,
             1 - np.exp(-(1.96**2) / 2), atol=4 * np.sqrt(0.15 * 0.85 / 1e5))
claims.close("1 - exp(-1.96^2 / 2), the share question 1 quotes", 1 - np.exp(-(1.96**2) / 2), 0.85, atol=0.005)
claims.close("the square |e_1|, |e_2| <= 1.96 of the whitened coordinates: 0.95^2", (2 * stats.norm.cdf(1.96) - 1) ** 2,
             0.90, atol=0.005);

# %% [markdown]
# ## 6. The generative story of a mixture
#
# A Gaussian mixture with $K$ components makes each point in two steps:
#
# 1. **pick a component**: $z_n \sim \mathrm{Cat}(\pi)$, that is $P(z_n = k) = \pi_k$, with
#    $\pi_k \ge 0$ and $\sum_k \pi_k = 1$ (think of a spinner whose sector $k$ covers a share $\pi_k$ of
#    the dial);
# 2. **draw the point from it**: $x_n \mid z_n = k \sim \mathcal N(\mu_k, \Sigma_k)$.
#
# The label $z_n$ is a **latent** variable: it exists in the story but we never see it. Below we
# sample by hand — the component with `rng.choice`, the Gaussian as $\mu_k + L_k e$ with
# $e \sim \mathcal N(0, I)$ and $L_k$ the **Cholesky factor** of $\Sigma_k$, the lower-triangular matrix
# with $L_k L_k^\top = \Sigma_k$ (so $L_k e$ has covariance $L_k L_k^\top = \Sigma_k$; the factor
# $U\Lambda^{1/2}$ of section 4 would do as well) — and compare with `coursepkg.mixture.sample`
# given the same seed. Then we check the sample against the parameters, each within four of its
# standard errors. (The text numbers components $1, \dots, K$; the code, as Python does, $0, \dots, K-1$.)

# %%
gmm = datasets.SYNTHETIC["overlapping"]  # 3 components, weights 0.4, 0.35, 0.25
n = 3000


def sample_by_hand(gmm, n, rng):
    z = rng.choice(gmm.k, size=n, p=gmm.weights)          # step 1: P(z_n = k) = pi_k
    e = rng.standard_normal((n, gmm.d))                   # standard normal noise
    L = np.linalg.cholesky(gmm.covariances)               # Sigma_k = L_k L_k^T
    X = gmm.means[z] + np.einsum("nij,nj->ni", L[z], e)   # step 2: x = mu_z + L_z e
    return X, z


X_hand, z_hand = sample_by_hand(gmm, n, np.random.default_rng(SEED))
X_pkg, z_pkg = sample(gmm, n, rng=np.random.default_rng(SEED))
claims.equal("same seed: labels of the hand sampler and coursepkg's", z_hand, z_pkg)
claims.close("same seed: the points", X_hand, X_pkg, atol=1e-12)
fractions = np.bincount(z_hand, minlength=gmm.k) / n
claims.at_most("|fraction of points per component - pi_k| in binomial standard errors",
               np.abs(fractions - gmm.weights) / np.sqrt(gmm.weights * (1 - gmm.weights) / n), 4.0)
for k in range(gmm.k):
    Xk, Sk = X_hand[z_hand == k], gmm.covariances[k]
    nk = len(Xk)
    mean_se = np.sqrt(np.diag(Sk) / nk)
    cov_se = np.sqrt((np.outer(np.diag(Sk), np.diag(Sk)) + Sk**2) / nk)  # of a Gaussian sample covariance
    claims.at_most(f"component {k + 1}: |sample mean - mu_k| in standard errors",
                   np.abs(Xk.mean(axis=0) - gmm.means[k]) / mean_se, 4.0)
    claims.at_most(f"component {k + 1}: |sample covariance - Sigma_k| in standard errors",
                   np.abs(np.cov(Xk.T) - Sk) / cov_se, 4.0)

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
for k in range(gmm.k):  # coloured by the label z_n that made each point
    axes[0].scatter(*X_hand[z_hand == k].T, s=6, alpha=0.5, color=COMPONENT_COLORS[k],
                    label=f"points with z = {k + 1}")
plot_ellipses(gmm, ax=axes[0])
axes[0].set_title("what the story makes: points with their labels z")
axes[1].scatter(*X_hand.T, s=6, alpha=0.5, color="0.3", label="points")
axes[1].set_title("what we observe: the labels are hidden")
for ax in axes:
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xlim(-4, 6)
    ax.set_ylim(-3.5, 7)
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=8, ncol=2)
plt.show()

# %% [markdown]
# Our two-line sampler reproduces `coursepkg` exactly, and the proportions, means and covariances of
# the sample match the parameters. The right panel is the clustering problem: only the grey points
# are given, and we must recover the story.

# %%
concept_question("02", 2)

# %% [markdown]
# ## 7. The graphical model
#
# The story is drawn as a directed graph: an arrow from each quantity to what is generated from it,
# a shaded circle for what we observe, and a **plate** (a box) for repetition — $N$ copies of the pair
# $(z_n, x_n)$ and $K$ copies of the component parameters $(\mu_k, \Sigma_k)$. The graph says the joint
# probability factorises as
#
# $$p(x_{1:N}, z_{1:N} \mid \theta) = \prod_{n=1}^N P(z_n \mid \pi)\; p(x_n \mid z_n, \mu, \Sigma)
# = \prod_{n=1}^N \pi_{z_n}\, \mathcal N(x_n \mid \mu_{z_n}, \Sigma_{z_n}).$$

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
nodes = {"π": (0.9, 2.6), "$z_n$": (2.7, 2.6), "$x_n$": (4.6, 2.6), "$μ_k$": (3.9, 0.85), "$Σ_k$": (5.3, 0.85)}
for name, (cx, cy) in nodes.items():
    shaded = name == "$x_n$"
    ax.add_patch(Circle((cx, cy), 0.42, facecolor="0.8" if shaded else "white", edgecolor="black", lw=1.5, zorder=2))
    ax.text(cx, cy, name, ha="center", va="center", fontsize=15, zorder=3)
for a, b in [("π", "$z_n$"), ("$z_n$", "$x_n$"), ("$μ_k$", "$x_n$"), ("$Σ_k$", "$x_n$")]:
    (x0, y0), (x1, y1) = nodes[a], nodes[b]
    ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=18, lw=1.5,
                                 shrinkA=24, shrinkB=24, zorder=1))
ax.add_patch(Rectangle((1.95, 1.9), 3.45, 1.45, fill=False, lw=1.2))
ax.text(2.02, 1.96, "n = 1..N", ha="left", va="bottom", fontsize=10)
ax.add_patch(Rectangle((3.2, 0.12), 2.85, 1.4, fill=False, lw=1.2))
ax.text(5.98, 0.18, "k = 1..K", ha="right", va="bottom", fontsize=10)
ax.text(0.9, 1.9, "mixing\nweights", ha="center", va="top", fontsize=9)
ax.text(2.7, 3.3, "hidden label", ha="center", va="bottom", fontsize=9)
ax.text(4.6, 3.3, "observed point", ha="center", va="bottom", fontsize=9)
ax.set_xlim(0, 6.4)
ax.set_ylim(0, 3.8)
ax.set_aspect("equal")
ax.axis("off")
ax.set_title("the Gaussian mixture as a graphical model (shaded = observed)")
plt.show()

# %% [markdown]
# Read the arrows as the two steps of the story: $\pi$ chooses $z_n$, then $z_n$ selects which
# $(\mu_k, \Sigma_k)$ makes $x_n$.
#
# The graph also tells what fitting the parameters will be like. If the labels were observed too
# ($z_n$ shaded), the log of the product above would split into separate pieces:
# $\sum_n \log \pi_{z_n}$, which involves only $\pi$, and for each $k$ the sum of
# $\log \mathcal N(x_n \mid \mu_k, \Sigma_k)$ over the points with $z_n = k$, which involves only
# $(\mu_k, \Sigma_k)$. Each piece could be fitted alone: $\pi$ from the counts of the labels, each
# Gaussian from its own points. With $z_n$ hidden, the parameters meet at every $x_n$: what we can
# write is $p(x_n) = \sum_k \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)$, and how many points component 1
# should claim depends on where component 2 sits and how wide it is. Lesson 03 works this out.

# %% [markdown]
# ## 8. The mixture density
#
# We observe $x$ but not $z$, so the density of a point is the joint summed over the hidden label
# (the sum rule, then the product rule $p(x, z{=}k) = P(z{=}k)\,p(x \mid z{=}k)$):
#
# $$p(x) = \sum_{k=1}^K P(z = k)\, p(x \mid z = k) = \sum_{k=1}^K \pi_k\, \mathcal N(x \mid \mu_k, \Sigma_k).$$
#
# Each term $\pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$ is a Gaussian bump scaled by its weight, so its
# area is $\pi_k$; the bumps add up to a density whose area is $\sum_k \pi_k = 1$. In one dimension we
# can see every piece. We integrate each weighted component and the sum with `scipy.integrate.quad`.

# %%
pi_1d, mu_1d, sd_1d = np.array([0.5, 0.3, 0.2]), np.array([-2.0, 1.0, 3.5]), np.array([1.2, 0.5, 0.8])
mix_1d = GMM(pi_1d, mu_1d[:, None], (sd_1d**2)[:, None, None])
xs = np.linspace(-6, 8, 1401)
parts = np.array([pi_1d[k] * np.exp(log_pdf(xs[:, None], [mu_1d[k]], [[sd_1d[k] ** 2]])) for k in range(3)])
p_1d = np.exp(log_density(xs[:, None], mix_1d))
claims.close("log_density of the 1-D mixture against the sum of scipy's weighted pdfs", p_1d,
             sum(pi_1d[k] * stats.norm(mu_1d[k], sd_1d[k]).pdf(xs) for k in range(3)), rtol=1e-12)
areas = [integrate.quad(lambda x, k=k: pi_1d[k] * np.exp(log_pdf(np.array([[x]]), [mu_1d[k]], [[sd_1d[k] ** 2]]))[0],
                        -40, 40, points=[mu_1d[k]], epsabs=1e-13, limit=200)[0] for k in range(3)]
claims.close("area of each weighted component pi_k N(x | mu_k, sigma_k^2)", areas, pi_1d, atol=1e-10)
total = integrate.quad(lambda x: np.exp(log_density(np.array([[x]]), mix_1d))[0], -40, 40, points=list(mu_1d),
                       epsabs=1e-13, limit=200)[0]
claims.close("area of the mixture density p(x)", total, 1.0, atol=1e-10)
peaks = pi_1d / np.sqrt(2 * np.pi * sd_1d**2)  # the height of each bump at its mean
claims.equal("component with the tallest bump (1-based), though its weight is only 0.3", int(np.argmax(peaks)) + 1, 2)

fig, ax = plt.subplots(figsize=(8, 3.8))
ax.fill_between(xs, p_1d, color="0.88", label=r"$p(x) = \sum_k \pi_k\, \mathcal{N}(x \mid \mu_k, \sigma_k^2)$")
ax.plot(xs, p_1d, color="black", lw=2)
for k in range(3):
    ax.plot(xs, parts[k], "--", color=COMPONENT_COLORS[k], lw=2,
            label=f"component {k + 1}: π = {pi_1d[k]}, μ = {mu_1d[k]}, σ = {sd_1d[k]}")
ax.set_xlim(xs[0], xs[-1])
ax.set_ylim(0, 0.32)
ax.set_xlabel("x")
ax.set_ylabel("density (1 / unit of x)")
ax.set_title("a 1-D mixture: the weighted components (dashed) add up to p(x) (black)")
ax.legend(loc="upper right", fontsize=8.5)
plt.show()

# %% [markdown]
# The weights scale the heights, and the widths spread them: component 2 carries only 0.3 of the mass,
# but it is the narrowest, so its bump is the tallest. Where bumps overlap they add, and the black curve
# lies above each of them. Now the same in two dimensions, for the three-component mixture of section 6: we check
# `coursepkg.mixture.log_density` against the sum computed with scipy, and integrate it on a grid.

# %%
test_points = rng.normal(size=(500, 2)) * 2
by_hand = np.log(sum(gmm.weights[k] * stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).pdf(test_points)
                     for k in range(gmm.k)))
claims.close("log_density against log sum_k pi_k N(x | mu_k, Sigma_k) from scipy", log_density(test_points, gmm),
             by_hand, atol=1e-12)

g1, g2 = np.linspace(-8, 10, 501), np.linspace(-8, 10, 501)
G1, G2 = np.meshgrid(g1, g2)
mix_density = np.exp(log_density(np.column_stack([G1.ravel(), G2.ravel()]), gmm)).reshape(G1.shape)
claims.at_most("largest mixture density on the edges of the grid",
               max(mix_density[[0, -1], :].max(), mix_density[:, [0, -1]].max()), 1e-12)
claims.close("integral of the 2-D mixture density over the grid (trapezoid rule, as in section 2)",
             np.trapezoid(np.trapezoid(mix_density, g1, axis=1), g2), 1.0, atol=1e-10)

fig, ax = plt.subplots(figsize=(6.5, 5.5))
filled = ax.contourf(G1, G2, mix_density, levels=14, cmap="Greys")
plot_ellipses(gmm, ax=ax)
fig.colorbar(filled, ax=ax, label="p(x) (1 / unit of area)")
ax.set_xlim(-3.5, 5)
ax.set_ylim(-3, 5)
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("mixture density p(x) with 95% ellipses")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# The density is a single landscape with overlapping hills; where two ellipses overlap the hills
# merge, which is exactly where lesson 01's soft assignments are unsure.
#
# So a fitted mixture does two jobs at once. Its components, and each point's probability of coming
# from each, are a clustering; its $p(x)$ is a density estimate, a score for how plausible any point
# is, seen or new. The next section uses that score.

# %% [markdown]
# ## 9. Enough Gaussians can draw almost any shape
#
# Each component is one ellipse, but a mixture is not limited to ellipses: with enough components it
# can tile any smooth density. We sample a **crescent** (points along a half circle of radius 3, with
# some noise), which no single Gaussian fits, and fit mixtures with $K = 1, 3, 10$ by EM (the
# algorithm of lesson 07; here we only use `coursepkg.em.fit_em`). The score is the average
# log-density of **held-out** points, drawn from the same crescent but not used for fitting.
#
# Log-densities in this course use the natural logarithm, and are measured in **nats** (with $\log_2$
# they would be bits). An average of logs is the log of a geometric mean: a model whose average
# log-density over the points is higher by 1 nat gives them, in geometric mean, $e \approx 2.7$ times
# the density (some points may gain more, others lose).

# %%
def crescent(n, rng):
    angle = rng.uniform(0, np.pi, n)
    radius = 3 + 0.3 * rng.standard_normal(n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle) - 1])


X_train = crescent(800, np.random.default_rng(1))
X_test = crescent(800, np.random.default_rng(2))
fits = {K: fit_em(X_train, K, rng=np.random.default_rng(SEED), n_init=2) for K in [1, 3, 10]}
train, held_out = {}, {}

levels = 0.0075 * 2.0 ** np.arange(5)  # the same density levels in every panel, each twice the one below
fig, axes = plt.subplots(1, 3, figsize=(13, 3.9), sharey=True, layout="constrained")
for ax, (K, fit) in zip(axes, fits.items()):
    train[K] = fit.log_likelihood / len(X_train)
    held_out[K] = log_likelihood(X_test, fit.gmm) / len(X_test)
    ax.scatter(*X_test.T, s=5, alpha=0.4, color="0.4", label="held-out points")
    contours = plot_density_contours(fit.gmm, ax=ax, xlim=(-4.5, 4.5), ylim=(-2.5, 3.5), levels=levels,
                                     cmap="viridis", norm=LogNorm(levels[0], levels[-1]), linewidths=1.2)
    ax.set_xlim(-4.5, 4.5)
    ax.set_ylim(-2.5, 3.5)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_title(f"K = {K}: held-out {held_out[K]:.2f} nats/point")
    ax.legend(loc="lower center", fontsize=8)
axes[0].set_ylabel("$x_2$")
bar = fig.colorbar(contours, ax=axes, ticks=levels, format="%.4g", pad=0.01, shrink=0.8)
bar.set_label("contour level of p(x)\n(1 / unit of area)", fontsize=9)
fig.suptitle("density contours of mixtures fitted to a crescent")
plt.show()
claims.holds("the training score rises from K = 1 to 3 to 10", train[1] < train[3] < train[10],
             " < ".join(f"{train[K]:.3f}" for K in (1, 3, 10)))
claims.holds("the held-out score rises from K = 1 to 3 to 10", held_out[1] < held_out[3] < held_out[10],
             " < ".join(f"{held_out[K]:.3f}" for K in (1, 3, 10)))
claims.between("held-out gain from K = 1 to K = 3 (nats per point)", held_out[3] - held_out[1], 0.8, 1.0)
claims.holds("at K = 10 training beats held-out by more than at K = 3", train[10] - held_out[10] > train[3] - held_out[3],
             f"gaps {train[3] - held_out[3]:.3f} and {train[10] - held_out[10]:.3f} nats per point")
extra_gap = (train[10] - held_out[10]) - (train[3] - held_out[3])
# a rough standard error: the point-to-point spread of log p_10(x) - log p_3(x) on each set, over sqrt(800)
per_point = {name: log_density(Xs, fits[10].gmm) - log_density(Xs, fits[3].gmm)
             for name, Xs in [("train", X_train), ("test", X_test)]}
extra_se = np.sqrt(sum(np.var(v, ddof=1) / len(v) for v in per_point.values()))
claims.close("extra gap at K = 10 over K = 3 (nats per point)", extra_gap, 0.06, atol=0.005)
claims.between("... in rough standard errors", extra_gap / extra_se, 2.0, 3.0);

# %% [markdown]
# One Gaussian smears a blob over the crescent and its hole; three follow it roughly; ten trace it
# closely, and the held-out score rises with $K$, most from $K = 1$ to $K = 3$ (almost a nat per
# point). It would not rise forever: at $K = 10$ the training score already beats the held-out one by
# more than at $K = 3$, by 0.06 nats per point in this draw, about 2.5 rough standard errors — a first
# sign, in one sample, of a mixture fitting the noise of its training points. Choosing $K$ this way is
# the subject of lesson 09.

# %%
concept_question("02", 3)

# %% [markdown]
# ## 10. Lab: sampling from a mixture
#
# The lab draws $N = 400$ points from a three-component mixture. The random numbers are drawn
# **once**: each point has a uniform number $u_n$ that picks its component (component 1 if
# $u_n < \pi_1$, component 2 if $\pi_1 \le u_n < \pi_1 + \pi_2$, else component 3) and a standard
# normal pair $e_n$ that places it ($x_n = \mu_{z_n} + R\,\mathrm{diag}(s)\,e_n$: stretched by the
# standard deviations $s$ along and across the component's axis, then rotated by its angle). Every
# slider pushes the same random numbers through new parameters. A **shape** slider (mean, spread,
# angle) keeps every label and moves the points smoothly. A **weight** slider moves the cut points
# $\pi_1$ and $\pi_1 + \pi_2$ on $[0, 1]$: a point whose $u_n$ a cut point passes over changes component,
# and jumps to the other cloud. **Resample** draws new random numbers.
#
# The three **weight** sliders are relative: the lab divides them by their sum to get $\pi$. The menu
# picks the component whose mean and shape the other sliders set. The bars count the points of each
# component against the expected $N\pi_k$, and the share of them inside their own 95% ellipse.
#
# Answer the question below **before** you use the lab.

# %%
concept_question("02", 4)

# %% [markdown]
# Things to try:
#
# * Slide the weight of component 1 from 0 to 1. Which points change colour, and in what order? Compare
#   the counts with the expected $N\pi_k$, then press Resample a few times: how far do the counts wander?
# * Rotate component 1 with its angle slider: the whole blue cloud turns with its ellipse.
# * Make component 1 long and thin, then choose component 2 in the menu and move its mean onto
#   component 1. Could you tell the two clouds apart without colours?
# * Watch the "in ellipse" numbers while you reshape a component: they do not change at all, not even
#   by one point. Why? (Section 5 has the answer.) Then move a weight slider or press Resample: now
#   they wander around 95%, more for a component with few points.

# %%
from coursepkg.widgets.sampling import (  # noqa: E402
    START,
    START_WEIGHTS,
    fixed_noise,
    make_sampling_lab,
    sampling_state,
)

sampling_lab = make_sampling_lab(n=400, rng=SEED)
sampling_lab

# %% [markdown]
# The lab's starting state: the counts are random, each Binomial$(N, \pi_k)$, so they sit near
# $N\pi_k = 200, 120, 80$ but not on it. The cell checks them within three standard deviations.
#
# The question's answer: component 3 gets about 80 points and 5% of them, about 4, fall outside its
# ellipse. For one draw, "about 4" is loose: the number outside is Binomial$(400, 0.2 \times 0.05)$, with
# standard deviation 2, so anything from 0 to 9 is ordinary. The cell checks this draw against that
# range, and the average over 400 presses of Resample against 4 within its much smaller error.
#
# Why "in ellipse" does not move when you reshape a component: point $n$ lies inside its component's
# 95% ellipse exactly when $\lVert e_n \rVert \le 2.45$ (section 5: $\Delta_n^2 = e_n^\top e_n$, whatever
# $\mu$ and $\Sigma$ are). A shape slider changes neither $e_n$ nor the label, so the same points stay
# inside; only a change of labels or new noise changes the count. The cell checks that too.

# %%
state = sampling_lab.state()
N_lab = state.counts.sum()
claims.close("weights of the starting mixture", state.gmm.weights, [0.5, 0.3, 0.2], atol=1e-12)
pi_lab = state.gmm.weights
claims.at_most("|points per component - N pi_k| in binomial standard deviations",
               np.abs(state.counts - N_lab * pi_lab) / np.sqrt(N_lab * pi_lab * (1 - pi_lab)), 3.0)
claims.at_most("|share inside the own 95% ellipse - 0.95| in binomial standard errors",
               np.abs(state.inside - 0.95) / np.sqrt(0.95 * 0.05 / state.counts), 3.0)
outside_3 = int(round(state.counts[2] * (1 - state.inside[2])))
sd_outside = np.sqrt(N_lab * 0.01 * 0.99)  # Binomial(400, 0.2 x 0.05): mean 4, standard deviation 1.99
claims.between("question 4: points of component 3 outside its ellipse in this draw (within 3 sd of 4)", outside_3,
               4 - 3 * sd_outside, 4 + 3 * sd_outside)

# the average over many presses of Resample, with the lab's own state function
s_lab = START
outside_runs = []
for seed in range(400):
    st = sampling_state(START_WEIGHTS, s_lab.means, s_lab.sds, s_lab.angles, *fixed_noise(N_lab, seed))
    outside_runs.append(st.counts[2] * (1 - st.inside[2]))
claims.close("question 4: points of component 3 outside, averaged over 400 draws (4 standard errors)",
             np.mean(outside_runs), 4.0, atol=4 * sd_outside / np.sqrt(len(outside_runs)))

# reshaping a component: labels and 'in ellipse' exactly unchanged, though the points move
noise = fixed_noise(N_lab, SEED)
before = sampling_state(START_WEIGHTS, s_lab.means, s_lab.sds, s_lab.angles, *noise)
claims.equal("the lab's state, recomputed from its starting noise", before.inside, state.inside)
reshaped = s_lab.edited(0, 3.0, -2.0, 0.3, 2.5, -70.0)  # component 1 moved, turned and reshaped
after = sampling_state(START_WEIGHTS, reshaped.means, reshaped.sds, reshaped.angles, *noise)
claims.at_least("largest move of a point of component 1", np.abs(after.X - before.X).max(), 1.0)
claims.equal("'in ellipse' after reshaping component 1, against before", after.inside, before.inside);

# %% [markdown]
# ## Summary
#
# * The Gaussian $\mathcal N(x \mid \mu, \Sigma)$ depends on $x$ through the Mahalanobis distance
#   $\Delta^2 = (x-\mu)^\top\Sigma^{-1}(x-\mu)$: the Euclidean length of $x - \mu$ after turning it onto the
#   eigenvectors of $\Sigma$ and dividing the coordinate along $u_i$ by $\sqrt{\lambda_i}$; its normaliser
#   $(2\pi)^{d/2}\lvert\Sigma\rvert^{1/2}$ makes it integrate to 1.
# * With $\Sigma = U\Lambda U^\top$ ($\lambda_1 \ge \lambda_2$), the set $\Delta = r$ is an ellipse with axes
#   along the eigenvectors and half-lengths $r\sqrt{\lambda_i}$, of area $\pi r^2 \sqrt{\lvert\Sigma\rvert}$;
#   since $\Delta^2 \sim \chi^2_d$, the ellipse holding probability $p$ has $r^2 = F^{-1}_{\chi^2_d}(p)$
#   ($r = 2.45$ for 95% in 2-D).
# * A Gaussian mixture generates a point by $z \sim \mathrm{Cat}(\pi)$, then $x \sim \mathcal N(\mu_z, \Sigma_z)$;
#   $z$ is latent. Its graphical model is $\pi \to z_n \to x_n \leftarrow (\mu_k, \Sigma_k)$ with plates over
#   $n$ and $k$, and its density is $p(x) = \sum_k \pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$, a sum of bumps
#   of areas $\pi_k$. With $z$ observed the parameters could be fitted piece by piece; with $z$ hidden
#   they are coupled through every point.
# * A fitted mixture is both a clustering and a density estimate. Enough components approximate shapes
#   far from Gaussian; log-densities are measured in nats, and 1 nat more on average means $e$ times
#   the density in geometric mean.
#
# **Next:** lesson 03 writes the likelihood of this model — with and without knowing $z$ — and finds why
# fitting it is a chicken-and-egg problem.
#
# **Exercises:** [exercises/02_mixture_generation.ipynb](../exercises/02_mixture_generation.ipynb).
