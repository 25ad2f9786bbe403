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
#    radius set by a chi-square quantile;
# 4. sample from a Gaussian mixture by hand (pick $z \sim \mathrm{Cat}(\pi)$, draw
#    $x \sim \mathcal N(\mu_z, \Sigma_z)$), draw its graphical model and write its density;
# 5. show that enough Gaussians approximate a shape that is not Gaussian at all.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle
from scipy import stats

from coursepkg import datasets
from coursepkg.em import fit_em
from coursepkg.gaussian import chi2_radius, ellipse_points, log_pdf, mahalanobis
from coursepkg.mixture import GMM, log_density, log_likelihood, sample
from coursepkg.plotting import COMPONENT_COLORS, plot_clusters, plot_density_contours, plot_ellipses
from coursepkg.widgets.questions import concept_question

SEED = 0
rng = np.random.default_rng(SEED)
plt.rcParams["figure.dpi"] = 80

# %% [markdown]
# ## 1. The Gaussian in one dimension
#
# A Gaussian with mean $\mu$ and variance $\sigma^2$ has density
#
# $$\mathcal N(x \mid \mu, \sigma^2) = \frac{1}{\sqrt{2\pi\sigma^2}} \exp\!\Big(-\frac{(x-\mu)^2}{2\sigma^2}\Big).$$
#
# The exponent measures how many standard deviations $x$ lies from $\mu$; the factor in front makes
# the area under the curve 1. `coursepkg.gaussian.log_pdf` works with $d$-dimensional data of shape
# $(n, d)$, so a 1-D sample is a column, and it returns the **log** density (we will see in lesson 05
# why logs are safer). We check it against `scipy.stats.norm` and integrate it numerically.

# %%
xs = np.linspace(-12, 16, 4001)
fig, ax = plt.subplots(figsize=(7, 3.5))
for j, (mu, sigma) in enumerate([(0.0, 1.0), (2.0, 0.5), (3.0, 2.0)]):
    density = np.exp(log_pdf(xs[:, None], [mu], [[sigma**2]]))
    ax.plot(xs, density, color=COMPONENT_COLORS[j], lw=2, label=f"μ = {mu}, σ = {sigma}")
    gap = np.abs(density - stats.norm(mu, sigma).pdf(xs)).max()
    area = np.trapezoid(density, xs)
    print(f"mu = {mu}, sigma = {sigma}: largest |coursepkg - scipy| = {gap:.1e}, area under the curve = {area:.10f}")
ax.set_xlim(-4, 8)
ax.set_xlabel("x")
ax.set_ylabel("density")
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
# For $d = 1$ it is the formula above with $\Sigma = \sigma^2$. The determinant $\lvert\Sigma\rvert$
# plays the role of $\sigma^2$: it measures the volume the Gaussian spreads over. We take a tilted,
# elongated 2-D Gaussian, compare with `scipy.stats.multivariate_normal`, and sum the density over a
# fine grid: the volume under the surface should be 1.

# %%
mu = np.array([1.0, -0.5])
Sigma = np.array([[3.0, 1.6], [1.6, 1.2]])
points = rng.normal(size=(1000, 2)) * 3
gap = np.abs(log_pdf(points, mu, Sigma) - stats.multivariate_normal(mu, Sigma).logpdf(points)).max()
print(f"largest |coursepkg - scipy| in log-density over 1000 points: {gap:.1e}")

g1, g2 = np.linspace(-12, 14, 601), np.linspace(-10, 9, 601)
G1, G2 = np.meshgrid(g1, g2)
grid = np.column_stack([G1.ravel(), G2.ravel()])
density = np.exp(log_pdf(grid, mu, Sigma)).reshape(G1.shape)
volume = np.trapezoid(np.trapezoid(density, g1, axis=1), g2)
print(f"volume under the 2-D density on the grid: {volume:.8f}")

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
# $\Delta$. For $\Sigma = \sigma^2 I$ it is the Euclidean distance divided by $\sigma$; for a tilted,
# elongated Gaussian it stretches distances along the short axis and shrinks them along the long one.
# Below, P and Q are both at Euclidean distance 2.5 from the mean: P along the Gaussian's long axis,
# Q along its short axis.

# %%
eigvals, U = np.linalg.eigh(Sigma)  # ascending: U[:, 1] is the long axis
P = mu + 2.5 * U[:, 1]
Q = mu + 2.5 * U[:, 0]
for name, x in [("P", P), ("Q", Q)]:
    d_euclid = np.linalg.norm(x - mu)
    d_mahal = mahalanobis(x[None], mu, Sigma)[0]
    print(f"{name}: Euclidean distance {d_euclid:.2f}, Mahalanobis distance {d_mahal:.2f}, "
          f"density {np.exp(log_pdf(x[None], mu, Sigma)[0]):.2e}")
ratio = np.exp(log_pdf(P[None], mu, Sigma)[0] - log_pdf(Q[None], mu, Sigma)[0])
dP, dQ = mahalanobis(np.array([P, Q]), mu, Sigma)
print(f"density ratio P/Q = {ratio:.1f}; exp(-(dP^2 - dQ^2)/2) = {np.exp(-(dP**2 - dQ**2) / 2):.1f}")

fig, ax = plt.subplots(figsize=(6.5, 5))
ax.contourf(G1, G2, density, levels=12, cmap="Blues")
ax.add_patch(Circle(mu, 2.5, fill=False, ls="--", color="black", label="Euclidean distance 2.5"))
for name, x, color in [("P", P, COMPONENT_COLORS[2]), ("Q", Q, COMPONENT_COLORS[1])]:
    ax.plot(*x, "o", ms=10, color=color, mec="black", label=f"{name}: Mahalanobis {mahalanobis(x[None], mu, Sigma)[0]:.2f}")
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
# Both points are on the dashed circle, yet P sits in a well-populated part of the Gaussian and Q in
# its thin tail: the density ratio matches $e^{-(\Delta_P^2 - \Delta_Q^2)/2}$. "Nearest centre" in
# Euclidean distance, k-means' rule, ignores exactly this.

# %% [markdown]
# ## 4. The ellipses of a Gaussian, from the eigen-decomposition
#
# Where is $\Delta(x) = r$? Write $\Sigma = U \Lambda U^\top$ with orthonormal eigenvectors
# $u_1, u_2$ in the columns of $U$ and eigenvalues $\lambda_1, \lambda_2 > 0$ on the diagonal of
# $\Lambda$ (possible because $\Sigma$ is symmetric positive-definite). Then
# $\Sigma^{-1} = U \Lambda^{-1} U^\top$, and in the rotated coordinates $y = U^\top (x - \mu)$
#
# $$\Delta^2 = (x-\mu)^\top U \Lambda^{-1} U^\top (x-\mu) = y^\top \Lambda^{-1} y
# = \frac{y_1^2}{\lambda_1} + \frac{y_2^2}{\lambda_2} = r^2 .$$
#
# That is an ellipse with axes along $u_1$ and $u_2$ and half-lengths $r\sqrt{\lambda_1}$ and
# $r\sqrt{\lambda_2}$.
#
# **Which $r$ holds 95% of the points?** A sample is $x = \mu + U\Lambda^{1/2} e$ with
# $e \sim \mathcal N(0, I)$ (its covariance is $U\Lambda^{1/2}\Lambda^{1/2}U^\top = \Sigma$). Then
# $y = \Lambda^{1/2} e$ and $\Delta^2 = e_1^2 + \dots + e_d^2$, a sum of $d$ squared standard normals:
# a **chi-square variable with $d$ degrees of freedom**. So the ellipse that holds probability $p$ has
# $r^2 = F^{-1}_{\chi^2_d}(p)$. For $d = 2$ the chi-square CDF is $1 - e^{-r^2/2}$, which gives the
# closed form $r^2 = -2\ln(1-p)$: $r = 2.45$ for 95%, not the 1.96 of one dimension.

# %%
for p in [0.5, 0.95, 0.99]:
    print(f"p = {p:.2f}: r from chi2_radius = {chi2_radius(p, 2):.6f}, "
          f"closed form sqrt(-2 ln(1-p)) = {np.sqrt(-2 * np.log(1 - p)):.6f}")

samples = rng.multivariate_normal(mu, Sigma, size=100_000)
d2 = mahalanobis(samples, mu, Sigma) ** 2
for p in [0.5, 0.95, 0.99]:
    coverage = np.mean(d2 <= chi2_radius(p, 2) ** 2)
    print(f"{p:.0%} ellipse: fraction of 100 000 samples inside = {coverage:.4f} "
          f"(binomial standard error {np.sqrt(p * (1 - p) / 1e5):.4f})")

ring = ellipse_points(mu, Sigma, level=0.95, n_points=200)
print(f"Mahalanobis distance of points on the drawn 95% ellipse: between "
      f"{mahalanobis(ring, mu, Sigma).min():.6f} and {mahalanobis(ring, mu, Sigma).max():.6f}")

# %%
fig, ax = plt.subplots(figsize=(7, 5.5))
ax.scatter(*samples[:3000].T, s=4, alpha=0.3, color="0.5", label="3 000 of the samples")
for level, style in [(0.5, ":"), (0.95, "-"), (0.99, "--")]:
    curve = ellipse_points(mu, Sigma, level=level, n_points=200)
    ax.plot(*curve.T, style, color=COMPONENT_COLORS[0], lw=2, label=f"{level:.0%} ellipse, r = {chi2_radius(level):.2f}")
r95 = chi2_radius(0.95)
for i, color in [(1, COMPONENT_COLORS[1]), (0, COMPONENT_COLORS[2])]:
    tip = mu + r95 * np.sqrt(eigvals[i]) * U[:, i]
    ax.annotate("", tip, mu, arrowprops=dict(arrowstyle="->", color=color, lw=2.5))
    ax.plot([], [], color=color, lw=2.5, label=f"r√λ{i + 1} u{i + 1} (95%): λ{i + 1} = {eigvals[i]:.2f}")
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("probability ellipses: axes along the eigenvectors of Σ")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# The empirical coverage matches 50%, 95% and 99% to within the sampling error, and the arrows show
# the ellipse's half-axes $r\sqrt{\lambda_i}\,u_i$. These 95% ellipses are how every lesson draws a
# Gaussian component.

# %% [markdown]
# ## 5. The generative story of a mixture
#
# A Gaussian mixture with $K$ components makes each point in two steps:
#
# 1. **pick a component**: $z_n \sim \mathrm{Cat}(\pi)$, that is $P(z_n = k) = \pi_k$, with
#    $\pi_k \ge 0$ and $\sum_k \pi_k = 1$ (a weighted $K$-sided die);
# 2. **draw the point from it**: $x_n \mid z_n = k \sim \mathcal N(\mu_k, \Sigma_k)$.
#
# The label $z_n$ is a **latent** variable: it exists in the story but we never see it. Below we
# sample by hand — the die with `rng.choice`, the Gaussian as $\mu_k + L_k e$ with $L_k$ the Cholesky
# factor of $\Sigma_k$ and $e \sim \mathcal N(0, I)$ — and compare with `coursepkg.mixture.sample`
# given the same seed.

# %%
gmm = datasets.SYNTHETIC["overlapping"]  # 3 components, weights 0.4, 0.35, 0.25
n = 3000


def sample_by_hand(gmm, n, rng):
    z = rng.choice(gmm.k, size=n, p=gmm.weights)          # step 1: the die
    e = rng.standard_normal((n, gmm.d))                   # standard normal noise
    L = np.linalg.cholesky(gmm.covariances)               # Sigma_k = L_k L_k^T
    X = gmm.means[z] + np.einsum("nij,nj->ni", L[z], e)   # step 2: x = mu_z + L_z e
    return X, z


X_hand, z_hand = sample_by_hand(gmm, n, np.random.default_rng(SEED))
X_pkg, z_pkg = sample(gmm, n, rng=np.random.default_rng(SEED))
print(f"same seed: labels identical: {np.array_equal(z_hand, z_pkg)}; "
      f"largest |difference| in points: {np.abs(X_hand - X_pkg).max():.1e}")
print(f"fraction of points per component: {np.bincount(z_hand) / n} (weights {gmm.weights})")
for k in range(gmm.k):
    cov_k = np.cov(X_hand[z_hand == k].T)
    print(f"component {k}: sample mean {X_hand[z_hand == k].mean(axis=0).round(2)} vs mu {gmm.means[k]}; "
          f"largest |sample cov - Sigma| = {np.abs(cov_k - gmm.covariances[k]).max():.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
plot_clusters(X_hand, z_hand, ax=axes[0], s=6, alpha=0.5)
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

# %% [markdown]
# ## 6. The graphical model
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

# %% [markdown]
# ## 7. The mixture density
#
# We observe $x$ but not $z$, so the density of a point is the joint summed over the hidden label
# (the sum rule, then the product rule $p(x, z{=}k) = P(z{=}k)\,p(x \mid z{=}k)$):
#
# $$p(x) = \sum_{k=1}^K P(z = k)\, p(x \mid z = k) = \sum_{k=1}^K \pi_k\, \mathcal N(x \mid \mu_k, \Sigma_k).$$
#
# A weighted average of densities, each integrating to 1, with weights summing to 1: it integrates to 1
# too. We check `coursepkg.mixture.log_density` against this sum computed with scipy, and integrate it
# on a grid.

# %%
test_points = rng.normal(size=(500, 2)) * 2
by_hand = np.log(sum(gmm.weights[k] * stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).pdf(test_points)
                     for k in range(gmm.k)))
print(f"largest |log_density - log sum_k pi_k N_k| = {np.abs(log_density(test_points, gmm) - by_hand).max():.1e}")

g1, g2 = np.linspace(-8, 10, 501), np.linspace(-8, 10, 501)
G1, G2 = np.meshgrid(g1, g2)
mix_density = np.exp(log_density(np.column_stack([G1.ravel(), G2.ravel()]), gmm)).reshape(G1.shape)
print(f"integral of the mixture density over the grid: {np.trapezoid(np.trapezoid(mix_density, g1, axis=1), g2):.8f}")

fig, ax = plt.subplots(figsize=(6.5, 5.5))
filled = ax.contourf(G1, G2, mix_density, levels=14, cmap="Greys")
plot_ellipses(gmm, ax=ax)
fig.colorbar(filled, ax=ax, label="p(x)")
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

# %% [markdown]
# ## 8. Enough Gaussians can draw almost any shape
#
# Each component is one ellipse, but a mixture is not limited to ellipses: with enough components it
# can tile any smooth density. We sample a **crescent** (points along a half circle of radius 3, with
# some noise), which no single Gaussian fits, and fit mixtures with $K = 1, 3, 10$ by EM (the
# algorithm of lesson 07; here we only use `coursepkg.em.fit_em`). The score is the average
# log-density of **held-out** points, drawn from the same crescent but not used for fitting.

# %%
def crescent(n, rng):
    angle = rng.uniform(0, np.pi, n)
    radius = 3 + 0.3 * rng.standard_normal(n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle) - 1])


X_train = crescent(800, np.random.default_rng(1))
X_test = crescent(800, np.random.default_rng(2))
fits = {K: fit_em(X_train, K, rng=np.random.default_rng(SEED), n_init=2) for K in [1, 3, 10]}

fig, axes = plt.subplots(1, 3, figsize=(13, 3.9), sharey=True, layout="constrained")
for ax, (K, fit) in zip(axes, fits.items()):
    held_out = log_likelihood(X_test, fit.gmm) / len(X_test)
    print(f"K = {K:2d}: average log-density, training {fit.log_likelihood / len(X_train):6.3f}, "
          f"held-out {held_out:6.3f} nats per point")
    ax.scatter(*X_test.T, s=5, alpha=0.4, color="0.4", label="held-out points")
    plot_density_contours(fit.gmm, ax=ax, xlim=(-4.5, 4.5), ylim=(-2.5, 3.5), levels=8, cmap="viridis")
    ax.set_xlim(-4.5, 4.5)
    ax.set_ylim(-2.5, 3.5)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_title(f"K = {K}: held-out {held_out:.2f} nats/point")
    ax.legend(loc="lower center", fontsize=8)
axes[0].set_ylabel("$x_2$")
fig.suptitle("density contours of mixtures fitted to a crescent")
plt.show()

# %% [markdown]
# One Gaussian smears a blob over the crescent and its hole; three follow it roughly; ten trace it
# closely, and the held-out score rises with $K$. (It would not rise forever: with too many
# components a mixture starts to fit the noise of the training points — choosing $K$ returns in a
# later lesson.)

# %% [markdown]
# ## 9. Lab: sampling from a mixture
#
# The lab draws 400 points from a two-component mixture. The random numbers are drawn **once**: each
# point has a uniform number $u_n$ that picks its component ($z_n = A$ if $u_n < \pi_A$) and a standard
# normal pair $e_n$ that places it ($x_n = \mu_{z_n} + R\,\mathrm{diag}(s)\,e_n$, stretched along the
# axes by the standard deviations $s$, then rotated). Moving a slider pushes the same random numbers
# through new parameters, so the points glide rather than jump.
#
# Things to try:
#
# * Slide the weight $\pi_A$ from 0 to 1. Which points change colour, and in what order? Compare the
#   counts with the expected $n\pi_k$.
# * Rotate A with its angle slider: the whole blue cloud turns with its ellipse.
# * Make A long and thin and move B's mean onto it. Could you tell the two clouds apart without
#   colours?
# * Watch the "in ellipse" numbers: about 95% for every shape, as section 4 predicts.

# %%
from coursepkg.widgets.sampling import make_sampling_lab  # noqa: E402

sampling_lab = make_sampling_lab(n=400, rng=SEED)
sampling_lab

# %% [markdown]
# The lab's starting state, printed for the static version of this notebook:

# %%
state = sampling_lab.state()
print(f"weights {state.gmm.weights}, points per component {state.counts}, "
      f"fraction inside the own 95% ellipse {np.round(state.inside, 3)}")

# %% [markdown]
# ## 10. Check your understanding

# %%
concept_question("02", 1)

# %%
concept_question("02", 2)

# %%
concept_question("02", 3)

# %% [markdown]
# ## Summary
#
# * The Gaussian $\mathcal N(x \mid \mu, \Sigma)$ depends on $x$ through the Mahalanobis distance
#   $\Delta^2 = (x-\mu)^\top\Sigma^{-1}(x-\mu)$; its normaliser $(2\pi)^{d/2}\lvert\Sigma\rvert^{1/2}$ makes it
#   integrate to 1.
# * With $\Sigma = U\Lambda U^\top$, the set $\Delta = r$ is an ellipse with axes along the eigenvectors and
#   half-lengths $r\sqrt{\lambda_i}$; since $\Delta^2 \sim \chi^2_d$, the ellipse holding probability $p$ has
#   $r^2 = F^{-1}_{\chi^2_d}(p)$ ($r = 2.45$ for 95% in 2-D).
# * A Gaussian mixture generates a point by $z \sim \mathrm{Cat}(\pi)$, then $x \sim \mathcal N(\mu_z, \Sigma_z)$;
#   $z$ is latent. Its graphical model is $\pi \to z_n \to x_n \leftarrow (\mu_k, \Sigma_k)$ with plates over
#   $n$ and $k$, and its density is $p(x) = \sum_k \pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$.
# * Enough components approximate shapes far from Gaussian.
#
# **Next:** lesson 03 writes the likelihood of this model — with and without knowing $z$ — and finds why
# fitting it is a chicken-and-egg problem.
#
# **Exercises:** [exercises/02_mixture_generation.ipynb](../exercises/02_mixture_generation.ipynb).
