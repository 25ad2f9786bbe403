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
# # Lesson 09 — Choosing K, and using a fitted mixture
#
# Lessons 05–07 fitted a mixture for a number of components $K$ that we were handed. Real data does not
# come with $K$, nor with the shape of its clusters. This lesson chooses both: the number of components and
# the **covariance type** (full, diagonal, spherical or tied), by criteria that charge for every parameter
# a model spends. Then it puts a fitted mixture to work: labels and soft labels for new points, a density
# score that flags anomalies, and new data drawn from the model. Last, the same steps with scikit-learn's
# `GaussianMixture`, checked number for number against `coursepkg`.
#
# **Learning goals.** After this lesson you can
#
# 1. explain why neither the k-means objective $J$ nor the training log-likelihood $\ell$ can choose $K$;
# 2. draw the four covariance types, count their parameters, and derive each one's M-step;
# 3. compute AIC, BIC and the held-out log-likelihood by cross-validation, and read their curves over $K$;
# 4. say how often each criterion finds a known $K$, and when a simpler covariance type is the better choice;
# 5. explain why a mixture has $K!$ equally good maxima and what that means for comparing fits;
# 6. use a fitted mixture: `predict`, `predict_proba`, log-density scores, an anomaly threshold, sampling,
#    with `coursepkg` and with scikit-learn.
#
# **You need:** the E-step (lesson 05), the M-step and its derivation with matrix gradients (lesson 06),
# the EM loop and its local maxima (lesson 07), and k-means (lesson 01).
#
# Components are numbered $1, \dots, K$ in the text and the figures (1 blue, 2 red, 3 green); the code
# counts from 0. Cross-validation is usually called "K-fold"; here $K$ is taken, so the number of folds
# is $F$.

# %%
# %matplotlib inline
import itertools
import math
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from scipy import optimize, stats
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from coursepkg import claims, em, mixture, selection
from coursepkg.kmeans import kmeans
from coursepkg.mixture import COVARIANCE_TYPES, GMM, match_components
from coursepkg.plotting import COMPONENT_COLORS, plot_ellipses, plot_responsibilities
from coursepkg.widgets import selection_lab as lab09
from coursepkg.widgets.questions import concept_question


np.set_printoptions(precision=4, suppress=True)
threadpool_limits(1)  # 2-D data: threads would cost more time than they save (scikit-learn's k-means, BLAS)
SEED = 9
rng = np.random.default_rng(SEED)
TRUTH = lab09.TRUTH  # two tilted ellipses and a circle, weights 0.45, 0.3, 0.25
X, z_true = lab09.lab_data(n=300, rng=0)
N, d = X.shape
AXES = ("$x_1$ (data units)", "$x_2$ (data units)")


def log_density_scipy(X, gmm):
    """log p(x_n) = log sum_k pi_k N(x_n | mu_k, Sigma_k), from scipy.stats: the lesson's reference."""
    a = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
                         for w, m, c in zip(gmm.weights, gmm.means, gmm.covariances, strict=True)])
    return np.logaddexp.reduce(a, axis=1)


def label_axes(ax):
    ax.set_xlabel(AXES[0])
    ax.set_ylabel(AXES[1])
    ax.set_aspect("equal", adjustable="box")


# %% [markdown]
# ## 1. The training objective only improves as $K$ grows
#
# The data: $N = 300$ points from a known mixture of $K = 3$ components: an ellipse tilted up, one tilted
# down, and a circle (component 3), with weights 0.45, 0.3 and 0.25. Pretend
# we do not know the 3. Can the objectives we have been optimising tell us? Before you run the next cell:

# %%
concept_question("09", 1)

# %% [markdown]
# For each $K$ from 1 to 8 we keep the best of several runs: k-means' distortion $J$ (lesson 01) and EM's
# training log-likelihood $\ell$ (lesson 07), both computed here from their definitions with numpy and scipy.

# %%
ks_all = range(1, 9)
J_best, ll_best, centres = [], [], []
for K in ks_all:
    runs = [kmeans(X, K, rng=s) for s in range(5)]
    best = min(runs, key=lambda r: r.objective)
    centres.append(best.centers)
    J_best.append(sum(np.sum((x - best.centers[c]) ** 2) for x, c in zip(X, best.labels)))  # J by a loop
    fit = em.fit_em(X, K, rng=SEED, n_init=3, tol=1e-5, max_iter=300)
    ll_best.append(log_density_scipy(X, fit.gmm).sum())
J_best, ll_best = np.array(J_best), np.array(ll_best)
claims.at_most("J(K+1) - J(K), K = 1..7 (never positive)", np.diff(J_best), 0.0)
claims.at_least("ℓ(K+1) - ℓ(K), K = 1..7, in nats (never negative)", np.diff(ll_best), 0.0)
sk_inertia = [KMeans(K, init=c, n_init=1).fit(X).inertia_ for K, c in zip(ks_all, centres, strict=True)]
_ = claims.close("J by the loop vs scikit-learn's KMeans inertia from the same centres", J_best, sk_inertia, rtol=1e-10)

# %%
fig, (ax_j, ax_l) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
ax_j.plot(ks_all, J_best, "o-", color="0.2")
ax_j.set_xlabel("number of clusters K")
ax_j.set_ylabel("k-means distortion J (data units²)")
ax_j.set_title("k-means: J keeps falling (J = 0 at K = N)", fontsize=11)
ax_l.plot(ks_all, ll_best, "o-", color="0.2")
ax_l.set_xlabel("number of components K")
ax_l.set_ylabel("training log-likelihood ℓ (nats)")
ax_l.set_title("EM: ℓ keeps rising (without bound, lesson 06)", fontsize=11)
for ax in (ax_j, ax_l):
    ax.axvline(3, color="0.6", ls=":", lw=1.5)
    ax.text(3.08, 0.95, "true K", transform=ax.get_xaxis_transform(), va="top", color="0.4")
    ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# Both curves bend at $K = 3$ (the "elbow"), but neither turns back: $J$ falls and $\ell$ rises for every
# extra component. That is not bad luck in the fits; it follows from nesting. Any mixture with $K$
# components is also a mixture with $K + 1$: copy one component and split its weight,
# $\pi_k \mathcal N(x \mid \mu_k, \Sigma_k) = a\pi_k \mathcal N(x \mid \mu_k, \Sigma_k) + (1 - a)\pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$
# for any $0 < a < 1$. So the best $(K + 1)$-component likelihood is at least the best $K$-component one,
# and the same holds for $J$ (a centre that takes over even one point lowers it). At $K = N$ k-means reaches
# $J = 0$. For the likelihood it is worse: already for any $K \ge 2$ a component can sit on a single point and
# shrink its covariance, so $\ell$ is unbounded (lesson 06); the curve above shows the local maxima EM finds,
# not a supremum. The objective we fit with rewards complexity; choosing $K$ needs a criterion that charges
# for it. The copy-and-split step, checked with scipy's density for a few splits $a$:

# %%
fit3 = em.fit_em(X, 3, rng=SEED, n_init=3, tol=1e-8, max_iter=500)
gmm3 = fit3.gmm
for a in (0.5, 0.1, 0.99):
    w = gmm3.weights
    split = GMM(np.r_[w[0] * a, w[0] * (1 - a), w[1:]], np.r_[gmm3.means[:1], gmm3.means],
                np.r_[gmm3.covariances[:1], gmm3.covariances])
    claims.close(f"ℓ of the 4-component copy, a = {a} (nats), vs the 3-component fit's",
                 log_density_scipy(X, split).sum(), log_density_scipy(X, gmm3).sum(), rtol=1e-12)

# %% [markdown]
# ## 2. Four covariance types, and what each one costs
#
# A full covariance lets each component be any ellipse. Three constraints, scikit-learn's
# `covariance_type`, spend fewer parameters (`coursepkg.em.fit_em(..., covariance_type=...)` learns all four):
#
# | type | each $\Sigma_k$ | ellipses | covariance parameters |
# |---|---|---|---|
# | `"full"` | any symmetric positive-definite matrix | any size, shape, tilt | $K\,d(d+1)/2$ |
# | `"diag"` | $\operatorname{diag}(\sigma_{k1}^2, \dots, \sigma_{kd}^2)$ | axis-aligned | $K d$ |
# | `"spherical"` | $\sigma_k^2 I$ | circles, one size each | $K$ |
# | `"tied"` | one $\Sigma$ shared by all $k$ | the same ellipse, moved | $d(d+1)/2$ |
#
# A symmetric $d \times d$ matrix has $d(d+1)/2$ free entries, not $d^2$: the entries below the diagonal
# repeat those above it. To the covariances add the means ($Kd$) and the weights, $K - 1$ of them, because
# they sum to 1. The total is the $p$ of `selection.n_parameters`:
#
# $$
# p_{\text{full}} = (K - 1) + Kd + K\tfrac{d(d+1)}{2}, \quad p_{\text{diag}} = (K - 1) + 2Kd, \quad
# p_{\text{spherical}} = (K - 1) + Kd + K, \quad p_{\text{tied}} = (K - 1) + Kd + \tfrac{d(d+1)}{2}.
# $$
#
# The spherical type with one variance shared by all components ($\Sigma_k = \sigma^2 I$ for every $k$) and
# equal weights is the model whose small-variance limit is k-means (lesson 08): k-means assumes round clusters
# of one size. The spherical type here is freer, one $\sigma_k^2$ per component.
#
# We fit each type with $K = 3$ and check three things: the structure of what was fitted, our count of $p$
# against one made by listing the free entries with a loop, and against scikit-learn's count, read off its
# public `bic` ($p = (\mathrm{BIC} + 2\ell) / \log N$, with $\ell$ from scipy) for a `GaussianMixture` with the
# same parameters.

# %%
def free_entries(gmm):
    """The free parameters listed one by one: weights but the last, means, and each distinct covariance entry."""
    free = [("weight", k) for k in range(gmm.k - 1)] + [("mean", k, i) for k in range(gmm.k) for i in range(gmm.d)]
    covariances = {"full": range(gmm.k), "diag": range(gmm.k), "spherical": range(gmm.k), "tied": [0]}
    for k in covariances[gmm.covariance_type]:
        if gmm.covariance_type in ("full", "tied"):
            free += [("cov", k, i, j) for i in range(gmm.d) for j in range(i, gmm.d)]  # upper triangle only
        elif gmm.covariance_type == "diag":
            free += [("var", k, i) for i in range(gmm.d)]
        else:
            free.append(("var", k))
    return len(free)


def sklearn_like(gmm):
    """A GaussianMixture with exactly `gmm`'s parameters (set after one short fit, so that its methods run)."""
    t = gmm.covariance_type
    sk = GaussianMixture(gmm.k, covariance_type=t, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # one iteration: we only need a fitted object
        sk.fit(X)
    compact = {"full": gmm.covariances, "diag": np.diagonal(gmm.covariances, axis1=1, axis2=2),
               "spherical": gmm.covariances[:, 0, 0], "tied": gmm.covariances[0]}[t]
    sk.weights_, sk.means_, sk.covariances_ = gmm.weights, gmm.means, compact
    if t in ("full", "tied"):
        sk.precisions_cholesky_ = np.linalg.cholesky(np.linalg.inv(compact))
    else:
        sk.precisions_cholesky_ = 1 / np.sqrt(compact)
    return sk


fits3 = {t: em.fit_em(X, 3, rng=SEED, n_init=3, covariance_type=t).gmm for t in COVARIANCE_TYPES}
C = {t: g.covariances for t, g in fits3.items()}
off_diagonal = np.array([[0.0, 1.0], [1.0, 0.0]])
claims.equal("'diag' and 'spherical': off-diagonal entries", [C["diag"][:, 0, 1], C["spherical"][:, 0, 1]], np.zeros((2, 3)))
claims.close("'spherical': sigma_11^2 - sigma_22^2 of each component", C["spherical"][:, 0, 0] - C["spherical"][:, 1, 1], 0, atol=1e-14)
claims.close("'tied': every component's covariance equals component 1's", C["tied"], np.repeat(C["tied"][:1], 3, axis=0), atol=1e-14)
p = {t: selection.n_parameters(g) for t, g in fits3.items()}
claims.equal("p by the formula, K = 3, d = 2 (full, diag, spherical, tied)", list(p.values()), [17, 14, 11, 11])
claims.equal("p by listing the free entries", [free_entries(g) for g in fits3.values()], list(p.values()))
ll3 = {t: log_density_scipy(X, g).sum() for t, g in fits3.items()}
p_sklearn = [(sklearn_like(g).bic(X) + 2 * ll3[t]) / math.log(N) for t, g in fits3.items()]
_ = claims.close("p read off scikit-learn's bic", p_sklearn, list(p.values()), atol=1e-8)

# %%
fig, axes = plt.subplots(1, 4, figsize=(16, 4.4), layout="constrained", sharex=True, sharey=True)
for ax, (t, g) in zip(axes, fits3.items(), strict=True):
    ax.scatter(*X.T, s=6, color="0.6", edgecolors="none")
    plot_ellipses(g, ax=ax, label_prefix=None)
    ax.set_title(f"'{t}': p = {p[t]}, ℓ = {ll3[t]:.0f} nats", fontsize=11)
    label_axes(ax)
handles = [Line2D([], [], color=COMPONENT_COLORS[j], lw=2, label=f"component {j + 1} (95% ellipse, × mean)")
           for j in range(3)]
fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=10)
plt.show()

# %% [markdown]
# The same three clusters through four lenses. Full ellipses follow each cluster's shape; diagonal ones can
# only stretch along the axes; spherical ones are circles; tied ones share a single shape, a compromise between
# the two tilted ellipses and the circle. Fewer parameters buy a lower likelihood: the 17 of the full type reach the highest $\ell$
# here, the 11 of the spherical type the lowest.

# %%
claims.close("ℓ at K = 3 per type (nats), scipy against coursepkg", [ll3[t] for t in fits3],
             [mixture.log_likelihood(X, fits3[t]) for t in fits3], rtol=1e-10)
_ = claims.equal("the types from the highest ℓ to the lowest", sorted(ll3, key=ll3.get, reverse=True),
                 ["full", "diag", "tied", "spherical"])

# %% [markdown]
# ## 3. The M-step of each type, derived
#
# The E-step does not care about the type: it needs only the densities. The M-step does, because it maximises
# $Q(\theta, \theta^{\text{old}}) = \sum_n \sum_k r_{nk} [\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)]$
# over the constrained set. Two parts do not change from lesson 06:
#
# - **weights**: $\pi_k = N_k / N$, by the Lagrange multiplier for $\sum_k \pi_k = 1$; the covariances do not enter;
# - **means**: $\nabla_{\mu_k} Q = \Sigma_k^{-1} \sum_n r_{nk} (x_n - \mu_k) = 0$, and since $\Sigma_k^{-1}$ is
#   invertible this gives $\mu_k = \sum_n r_{nk} x_n / N_k$ whatever $\Sigma_k$ is (for $N_k > 0$). Each
#   type has the same means.
#
# For the covariances, put the means in and collect what is left. With the **weighted scatter**
# $S_k = \sum_n r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top$ and the identity
# $(x - \mu)^\top \Sigma^{-1} (x - \mu) = \operatorname{tr}\big(\Sigma^{-1} (x - \mu)(x - \mu)^\top\big)$,
#
# $$
# Q = \text{const} - \frac12 \sum_k \Big[ N_k \log\lvert\Sigma_k\rvert + \operatorname{tr}\big(\Sigma_k^{-1} S_k\big) \Big].
# $$
#
# **Diagonal.** With $\Sigma_k = \operatorname{diag}(v_{k1}, \dots, v_{kd})$, $\log\lvert\Sigma_k\rvert = \sum_i \log v_{ki}$
# and $\operatorname{tr}(\Sigma_k^{-1} S_k) = \sum_i (S_k)_{ii} / v_{ki}$: only the diagonal of $S_k$ enters,
# and $Q$ splits into one term per component and feature, $f(v) = -\frac12 [N_k \log v + s / v]$ with
# $s = (S_k)_{ii}$. Then $f'(v) = -\frac12 [N_k / v - s / v^2] = 0$ at
#
# $$ v_{ki} = \frac{(S_k)_{ii}}{N_k}, \qquad \Sigma_k = \operatorname{diag}(S_k) / N_k , $$
#
# the responsibility-weighted variance of feature $i$. It is the maximum: for $s > 0$, $f \to -\infty$ both
# as $v \to 0^+$ (the $s/v$ term) and as $v \to \infty$ (the $\log$ term), and $f' > 0$ below the stationary
# point, $f' < 0$ above it, so the one stationary point is the global maximum over $v > 0$.
#
# **Spherical.** With $\Sigma_k = v_k I$, $\log\lvert\Sigma_k\rvert = d \log v_k$ and
# $\operatorname{tr}(\Sigma_k^{-1} S_k) = \operatorname{tr}(S_k)/v_k$; the same one-variable problem with $N_k$
# replaced by $d N_k$ and $s$ by $\operatorname{tr}(S_k)$ gives
#
# $$ v_k = \frac{\operatorname{tr}(S_k)}{d\, N_k}, $$
#
# the mean of the $d$ diagonal variances. (The mean of the variances, not of the standard deviations.)
#
# **Tied.** With $\Sigma_k = \Sigma$ for every $k$, the sum over $k$ collects:
# $\sum_k N_k \log\lvert\Sigma\rvert = N \log\lvert\Sigma\rvert$ (as $\sum_k N_k = N$) and
# $\sum_k \operatorname{tr}(\Sigma^{-1} S_k) = \operatorname{tr}(\Sigma^{-1} S_W)$ with the pooled scatter
# $S_W = \sum_k S_k$. This is the full type's problem for one component with $N$ points and scatter $S_W$.
# In the precision matrix $P = \Sigma^{-1}$ (lesson 02's $\Lambda$ was a matrix of eigenvalues; here we need
# another letter) it reads $\frac12[N \log\lvert P\rvert - \operatorname{tr}(P S_W)]$,
# whose gradient $\frac12[N P^{-1} - S_W]$ vanishes at
#
# $$ \Sigma = \frac{S_W}{N} = \frac1N \sum_k \sum_n r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top ; $$
#
# $\log\lvert P\rvert$ is concave and the trace linear, so this stationary point is the maximum (when
# $S_W$ is positive definite). Note the weighting: $S_W / N = \sum_k \frac{N_k}{N} \frac{S_k}{N_k}$, the
# per-component covariances averaged with weights $\pi_k$, not $\frac1K \sum_k S_k / N_k$.
#
# We check each closed form three ways on the responsibilities of the 3-component fit: against
# `coursepkg.em.m_step` (with `reg_covar=0`), against numpy's weighted covariance `np.cov(..., aweights=r_k)`,
# and against scipy's optimiser maximising $Q$ (with scipy's log-density) over the type's free parameters
# from a start that is not the answer (every variance $e^{1} \approx 2.7$, no correlation; the answers' variances
# lie between 0.2 and 1.9). The optimiser knows nothing of the formulas.

# %%
resp3, _ = em.e_step(X, gmm3)
Nk = resp3.sum(axis=0)
mu = resp3.T @ X / Nk[:, None]
cov_k = np.array([np.cov(X.T, aweights=resp3[:, k], bias=True) for k in range(3)])  # S_k / N_k, by numpy
closed = {
    "diag": np.array([np.diag(np.diag(c)) for c in cov_k]),
    "spherical": np.array([np.trace(c) / d * np.eye(d) for c in cov_k]),
    "tied": np.repeat(np.einsum("k,kij->ij", Nk / N, cov_k)[None], 3, axis=0),
}


def Q_cov(covs):
    """The covariance part of Q at the weighted means: sum_n sum_k r_nk log N(x_n | mu_k, Sigma_k), by scipy."""
    return sum(resp3[:, k] @ stats.multivariate_normal(mu[k], covs[k]).logpdf(X) for k in range(3))


def covs_from(theta, t):
    """The type's covariances from unconstrained parameters: log-variances, or a Cholesky factor with log diagonal."""
    if t == "diag":
        return np.array([np.diag(np.exp(v)) for v in theta.reshape(3, d)])
    if t == "spherical":
        return np.array([np.exp(v) * np.eye(d) for v in theta])
    L = np.array([[np.exp(theta[0]), 0.0], [theta[1], np.exp(theta[2])]])
    return np.repeat((L @ L.T)[None], 3, axis=0)


for t, n_free in (("diag", 6), ("spherical", 3), ("tied", 3)):
    ours = em.m_step(X, resp3, reg_covar=0.0, covariance_type=t).covariances
    claims.close(f"'{t}': em.m_step vs the closed form from np.cov", ours, closed[t], rtol=1e-12, atol=1e-14)
    best = optimize.minimize(lambda th: -Q_cov(covs_from(th, t)), np.full(n_free, 1.0), method="BFGS",
                             options={"gtol": 1e-7})
    claims.close(f"'{t}': scipy's maximiser of Q vs the closed form", covs_from(best.x, t), closed[t], rtol=1e-4, atol=1e-5)
_ = claims.at_least("'tied': Q at S_W/N minus Q at the plain average of S_k/N_k (nats)",
                    Q_cov(closed["tied"]) - Q_cov(np.repeat(cov_k.mean(axis=0)[None], 3, axis=0)), 1e-3)

# %% [markdown]
# Every closed form is where the optimiser ends, and the plain average of the component covariances (the
# tempting "tied" update) gives a lower $Q$. `coursepkg` adds `reg_covar` to each variance after these
# formulas, as scikit-learn does.
#
# ## 4. Penalised likelihood: AIC and BIC
#
# Two classical criteria subtract a charge per parameter from the fit (with $\hat\ell$ the maximised
# training log-likelihood and $p$ the number of free parameters; lower is better for both):
#
# $$ \mathrm{AIC} = -2\hat\ell + 2p, \qquad \mathrm{BIC} = -2\hat\ell + p \log N . $$
#
# - **AIC** (Akaike) estimates how well the fit will predict *new* data. The training $\hat\ell$ is too
#   optimistic, because the parameters were tuned to these very points; for large $N$, at a *regular*
#   maximum, the optimism is about $p$ nats, and $-2(\hat\ell - p)$ is the correction. A maximum is regular
#   when it is an isolated point of the parameter space, inside it (no weight at 0), where the log-likelihood
#   is locally a quadratic bowl with an invertible curvature (Hessian) matrix.
# - **BIC** (Schwarz) approximates $-2 \log p(X \mid \text{model})$, the evidence with the parameters
#   integrated out against a prior. Laplace's approximation replaces the integrand by a Gaussian around its
#   maximum (the quadratic bowl again); its width shrinks like $1/\sqrt N$ in each of the $p$ directions, which
#   gives $\log p(X \mid \text{model}) \approx \hat\ell - \frac p2 \log N + O(1)$. BIC charges $\log N$ per
#   parameter, more than AIC's 2 as soon as $N \ge 8$, so it prefers smaller models.
#
# Both derivations need a regular maximum, which a mixture does not have when $K$ is too large (section 10:
# a surplus component can have weight 0, or copy another). So they are rules of thumb here. For BIC there is
# a guarantee under conditions: it chooses the right $K$ with probability tending to 1 as $N \to \infty$
# (C. Keribin, "Consistent estimation of the order of mixture models", *Sankhyā A* 62, 2000); it is the usual
# default.
#
# ## 5. Held-out log-likelihood, by cross-validation
#
# AIC predicts performance on new data from a formula; we can also measure it. Split the points at random
# into $F$ folds of (nearly) equal size. For each fold, fit on the other $F - 1$ folds and score the fold's
# points by $\log p(x)$ under that fit. Every point is scored once by a model that never saw it; the mean
# is the **held-out log-likelihood per point** (`selection.cross_validated_log_likelihood`, higher is better).
# Unlike $\ell$, it does not grow for ever: a component spent on the noise of the training points gives the
# held-out points less density, not more.
#
# A check of `coursepkg`'s cross-validation against an independent loop: scikit-learn's `KFold` on the same
# shuffled order, and a `GaussianMixture` per fold, started from the same parameters and run for the same
# 30 iterations.

# %%
def held_out_sklearn(X, K, t, n_folds, seed, max_iter):
    """Held-out log-likelihood per point by KFold + GaussianMixture, from the starts coursepkg draws."""
    gen = np.random.default_rng(seed)
    order = gen.permutation(len(X))
    total = 0.0
    for train_pos, test_pos in KFold(n_folds).split(order):
        train, test = np.sort(order[train_pos]), np.sort(order[test_pos])
        s = em.initial_gmm(X[train], K, rng=gen, covariance_type=t)
        sk = GaussianMixture(K, covariance_type=t, weights_init=s.weights, means_init=s.means,
                             precisions_init=np.linalg.inv(s.covariances) if t == "full" else None,
                             init_params="random_from_data", max_iter=max_iter, tol=0.0)  # the *_init are used
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # tol = 0: it runs all max_iter iterations, by design
            sk.fit(X[train])
        total += sk.score_samples(X[test]).sum()
    return total / len(X)


ours = selection.cross_validated_log_likelihood(X, 3, "full", n_folds=5, rng=4, max_iter=30, tol=0.0)
_ = claims.close("held-out log-likelihood, K = 3, full: coursepkg vs KFold + GaussianMixture (nats per point)",
                 ours.log_likelihood, held_out_sklearn(X, 3, "full", 5, 4, 30), rtol=1e-9)

# %% [markdown]
# ## 6. The three criteria on one data set
#
# `lab09.build_grid` fits every $(K, \text{type})$ for $K = 1, \dots, 7$ and records $\hat\ell$, $p$, AIC, BIC
# and the 5-fold held-out score (`selection.criteria_grid`). The maxima must be good ones, or the curves show
# where EM happened to stop rather than what the criteria prefer: every fit is the best of 5 k-means++ starts
# run to a tolerance of $10^{-5}$ nats per point, plus one start grown from the $(K-1)$-component fit by cutting
# its heaviest component in two (section 1's copy-and-split, turned into a start), so $\hat\ell$ cannot fall as
# $K$ grows. Before you run it:

# %%
concept_question("09", 2)

# %%
start = time.perf_counter()
grid = lab09.build_grid(X)  # 28 fits on all points (5 starts + 1 grown start each), and a 5-fold cross-validation of each
grid_seconds = time.perf_counter() - start
i_full = grid.covariance_types.index("full")
for t in grid.covariance_types:
    i = grid.covariance_types.index(t)
    for j, K in enumerate(grid.ks):
        g = grid.gmms[t, K]
        ll = log_density_scipy(X, g).sum()
        p_formula = (K - 1) + K * d + {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K,
                                       "tied": d * (d + 1) // 2}[t]
        assert grid.n_parameters[i, j] == p_formula
        assert math.isclose(grid.aic[i, j], -2 * ll + 2 * p_formula, rel_tol=1e-12)
        assert math.isclose(grid.bic[i, j], -2 * ll + p_formula * math.log(N), rel_tol=1e-12)
claims.holds("AIC and BIC of all 28 fits: -2 l + 2p and -2 l + p log N, with l from scipy", True,
             f"grid built in {grid_seconds:.1f} s")
claims.at_least("ℓ(K+1) - ℓ(K) of the grid, every type, K = 1..6 (nats)", np.diff(grid.log_likelihood, axis=1), -1e-6)
picks = {c: grid.best(c) for c in selection.CRITERIA}
claims.equal("BIC's choice over all types (K, type)", picks["bic"], (3, "full"))
claims.equal("the held-out score's choice (K, type)", picks["held_out"], (3, "full"))
claims.equal("AIC's type", picks["aic"][1], "full")
claims.at_least("AIC's K", picks["aic"][0], 4)
within = {c: [grid.best(c, t)[0] for t in ("diag", "spherical", "tied")] for c in ("bic", "held_out")}
claims.at_least("BIC's K within 'diag', 'spherical', 'tied'", within["bic"], 4)
claims.between("BIC's K within 'spherical'", within["bic"][1], 5, 7)
_ = claims.at_least("the held-out score's K within 'diag', 'spherical', 'tied'", within["held_out"], 4)

# %% [markdown]
# BIC and the held-out score both choose three full components, the truth. AIC chooses more than three full
# components: its charge of 2 nats (times 2) per parameter is too light here, and an extra component that
# gains a few nats on the training points gets in (the exact $K$ it picks moves with the starts of the fits;
# with these it is the one printed above). Within each constrained type both BIC and the held-out score ask
# for 4 or more components: a tilted cluster is cheaper to describe as two or three axis-aligned or round
# pieces than to describe badly as one. $K$ and the covariance type trade against each other, so choose them
# together. The curves:

# %%
fig, axes = plt.subplots(1, 3, figsize=(16, 4.2), layout="constrained", sharex=True)
ks = np.array(grid.ks)
for name, values, ax, better in (("BIC", grid.bic, axes[0], "lower"), ("AIC", grid.aic, axes[1], "lower"),
                                 ("held-out log-likelihood", grid.held_out, axes[2], "higher")):
    for i, t in enumerate(grid.covariance_types):
        style = lab09.TYPE_STYLE[t]
        ax.plot(ks, values[i], color=style["color"], ls=style["ls"], marker=style["marker"], ms=5, label=f"'{t}'")
    key = {"BIC": "bic", "AIC": "aic"}.get(name, "held_out")
    bk, bt = grid.best(key)
    i, j = grid.index(bk, bt)
    ax.plot(bk, values[i, j], marker="*", ms=18, color="gold", mec="k", ls="none", label="choice", zorder=4)
    ax.set_title(f"{name}: {better} is better", fontsize=11)
    ax.set_xlabel("number of components K")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("criterion (2 × nats)")
axes[1].set_ylabel("criterion (2 × nats)")
axes[2].set_ylabel("nats per point")
axes[2].legend(loc="lower right", fontsize=9)
plt.show()

# %% [markdown]
# The full curves (black, solid) have their minimum (BIC) and maximum (held-out) at $K = 3$; AIC's full curve
# is nearly flat after 3 and has its minimum further right. Among full mixtures the held-out score drops after $K = 3$ (printed below). The
# training score is above the held-out score for every fit: that gap, in nats, is the optimism AIC estimates
# by $p$. Measured on the full fits: near $p$ up to the true $K$, about twice $p$ beyond it, where the maximum
# is not regular and AIC's estimate is too small, one reason AIC over-fits.

# %%
optimism = grid.log_likelihood - N * grid.held_out  # training minus held-out log-likelihood, total nats
claims.at_least("training minus held-out score, every fit (nats)", optimism, 0.0)
ratio = optimism[i_full] / grid.n_parameters[i_full]
claims.between("full, K = 1..3: (training - held-out) / p", ratio[:3], 1 / 1.5, 1.5)
claims.at_least("full, K = 4..7: (training - held-out) / p", ratio[3:], 1.5)
j3, j7 = grid.ks.index(3), grid.ks.index(7)
_ = claims.at_most("full: held-out score at K = 7 minus at K = 3 (nats per point)",
                   grid.held_out[i_full, j7] - grid.held_out[i_full, j3], -0.05)

# %% [markdown]
# ## 7. The model-selection lab
#
# The lab reads the grid of section 6: every fit was made when it was built, so moving a control only looks
# one up. Choose $K$ and the covariance type; the left panel shows that fit (points coloured by their
# responsibilities, 95% ellipses, components numbered as the truth's: 1 the ellipse tilted up, 2 the one on
# the right, 3 the circle at the top, extra components after them), the right panels the BIC and the held-out
# score of every fit, the current one ringed and its type's curves underlined in gold. It starts at BIC's
# choice. Things to try: the spherical type at $K = 3$, then raise $K$ until BIC stops improving; the tied type,
# whose ellipses are all one shape; $K = 7$ with full covariances, where components split the clusters and the
# held-out score sags.

# %%
start = time.perf_counter()
lab = lab09.make_selection_lab(X, grid=grid, k=picks["bic"][0], covariance_type=picks["bic"][1])
claims.at_most("lab build from the precomputed grid (s)", time.perf_counter() - start, 5.0)
lab

# %% [markdown]
# ## 8. When the simpler type wins
#
# Here the full type won because two clusters really are tilted ellipses and there were 300 points to
# estimate their shapes. More general is not always better: a freer type pays for parameters it does not
# need, and with few points or round clusters the constrained one wins. Sixty points from three round clusters
# of one size (the picture k-means has in mind, lesson 08), and BIC over all four types, $K = 1, \dots, 4$:

# %%
ROUND = GMM(np.full(3, 1 / 3), [[0.0, 0.0], [4.0, 0.0], [2.0, 3.5]], np.repeat(0.8 * np.eye(2)[None], 3, axis=0))
round_picks = []
for s in range(ROUND_TRIALS := 6):
    X_r, _ = mixture.sample(ROUND, 60, rng=800 + s)
    bics = {(K, t): selection.bic(X_r, em.fit_em(X_r, K, rng=s, n_init=3, covariance_type=t).gmm)
            for t in COVARIANCE_TYPES for K in range(1, 5)}
    round_picks.append(min(bics, key=bics.get))
print("BIC's (K, type) on each data set:", round_picks)
claims.equal("data sets (of 6) on which BIC picks K = 3", sum(k == 3 for k, _ in round_picks), ROUND_TRIALS)
_ = claims.equal("data sets on which BIC picks spherical or tied", sum(t in ("spherical", "tied") for _, t in round_picks),
                 ROUND_TRIALS)

# %% [markdown]
# On every one of these 6 data sets BIC finds the three clusters and prefers a constrained type (spherical or
# tied) to the full one, whose 6 extra parameters buy too little likelihood. On the lesson's 300 points the
# full type won; with round clusters or little data, try the constrained types before you trust the full one.
#
# ## 9. How often does each criterion find the true $K$?
#
# One data set is an anecdote. Draw 20 fresh data sets of $N = 150$ points from the lesson's mixture, and on
# each let BIC, AIC and the held-out score ($F = 3$) choose $K \in \{1, \dots, 5\}$ among full mixtures (each
# fit the best of 5 starts). Before you run it:

# %%
concept_question("09", 3)

# %%
TRIALS, N_TRIAL = 20, 150
trial_rng = np.random.default_rng(SEED)
chosen = {c: [] for c in selection.CRITERIA}
start = time.perf_counter()
for _ in range(TRIALS):
    X_t, _ = mixture.sample(TRUTH, N_TRIAL, rng=trial_rng)
    g = selection.criteria_grid(X_t, range(1, 6), "full", n_folds=3, rng=trial_rng, tol=1e-3, n_init=5)
    for c in chosen:
        chosen[c].append(g.best(c)[0])
chosen = {c: np.array(v) for c, v in chosen.items()}
hits = {c: int(np.sum(v == 3)) for c, v in chosen.items()}
claims.at_least("BIC: data sets with K = 3", hits["bic"], 19)
claims.holds("BIC finds K = 3 most often, the held-out score next, AIC least",
             hits["bic"] >= hits["held_out"] > hits["aic"], f"{TRIALS * 5 * 4 * 5} EM runs in {time.perf_counter() - start:.1f} s")
claims.at_least("K chosen by AIC or the held-out score when it is not 3", np.r_[chosen["aic"][chosen["aic"] != 3],
                chosen["held_out"][chosen["held_out"] != 3]], 4)
_ = claims.holds("in every trial AIC's K >= BIC's K", bool(np.all(chosen["aic"] >= chosen["bic"])))

# %%
fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
width = 0.26
names = {"bic": "BIC", "aic": "AIC", "held_out": "held-out (F = 3)"}
for offset, (c, colour) in zip((-width, 0, width), (("bic", "0.15"), ("aic", "0.5"), ("held_out", "0.82")), strict=True):
    counts = [int(np.sum(chosen[c] == K)) for K in range(1, 6)]
    ax.bar(np.arange(1, 6) + offset, counts, width=width, color=colour, edgecolor="k", lw=0.6, label=names[c])
ax.set_xlabel("K chosen")
ax.set_ylabel(f"number of data sets (of {TRIALS})")
ax.set_title(f"{TRIALS} data sets of N = {N_TRIAL} from the true mixture (K = 3), full covariances", fontsize=11)
ax.set_xticks(range(1, 6))
ax.set_yticks(range(0, TRIALS + 1, 5))
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# What was measured: for each of 20 seeded data sets of 150 points, the $K$ each criterion picked (counts
# printed above). BIC found $K = 3$ on at least 19 of them, the held-out score less often, AIC least; every miss
# of AIC and of the held-out score was a $K$ too large. Twenty trials are good for the direction, not for
# percentages. BIC's lead is the robust finding; the order of AIC and the held-out score depends on fitting
# well (it held in other seeded runs with 5 starts per fit, not with fewer starts). And BIC can miss too, on
# either side: with a small or nearby cluster its heavy charge can merge two components.
#
# On each data set AIC's $K$ was at least BIC's. Exercise 5 asks whether that is a law, and under which
# condition.
#
# ## 10. Identifiability: $K!$ equally good maxima
#
# Renumber the components of a mixture: $\sum_k \pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$ is a sum, and a sum
# does not care about the order of its terms. So each of the $K!$ permutations of $\theta$ gives the same
# density, the same likelihood, and is an equally good maximum. The parameters are **identifiable only up to
# relabelling**. Checked for the 3-component fit, all $3! = 6$ orders. Then twelve restarts of EM; before you
# see them:

# %%
concept_question("09", 4)

# %%
ll_perm = [log_density_scipy(X, gmm3.permuted(order)).sum() for order in itertools.permutations(range(3))]
claims.equal("number of orders", len(ll_perm), math.factorial(3))
claims.close("ℓ of each of the 6 orders minus ℓ of the fit (nats)", np.array(ll_perm) - ll_perm[0], 0.0, atol=1e-9)

restarts = [em.fit_em(X, 3, rng=s, tol=1e-8, max_iter=500) for s in range(12)]  # as tight as fit3
top = max(r.log_likelihood for r in restarts)
at_top = [r for r in restarts if r.log_likelihood > top - 1e-4]
orders = {tuple(match_components(r.gmm.means, gmm3.means)) for r in at_top}
claims.equal("restarts (of 12) that end within 1e-4 nats of the highest ℓ", len(at_top), 12)
claims.equal("different orders of the components among them", len(orders), 5)
aligned = [r.gmm.permuted(match_components(r.gmm.means, gmm3.means)) for r in at_top]
_ = claims.close("their means after renumbering vs the fit's", np.array([g.means for g in aligned]),
                 np.broadcast_to(gmm3.means, (len(aligned), 3, 2)), atol=1e-3)

# %% [markdown]
# All 12 restarts reach the top of the likelihood, and the same mixture, but listed in 5 different orders.
# Two of them, drawn with each component in the colour of its index:

# %%
two = [r.gmm for r in at_top if tuple(match_components(r.gmm.means, gmm3.means)) != (0, 1, 2)][:1] + [gmm3]
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained", sharex=True, sharey=True)
for ax, g, name in zip(axes, two, ("a restart", "the fit of section 1"), strict=True):
    ax.scatter(*X.T, s=6, color="0.65", edgecolors="none")
    plot_ellipses(g, ax=ax, label_prefix=None)
    for j in range(3):
        ax.annotate(f"{j + 1}", g.means[j], xytext=(8, 8), textcoords="offset points", color=COMPONENT_COLORS[j],
                    fontsize=13, weight="bold")
    ax.set_title(f"{name}: ℓ = {log_density_scipy(X, g).sum():.3f} nats", fontsize=11)
    label_axes(ax)
plt.show()

# %% [markdown]
# Same ellipses, same $\ell$, different numbers. Consequences: compare two fits only after matching their
# components (`mixture.match_components`: pair each component of one fit with one of the other so that the
# total squared distance between paired means is least, an *assignment problem* that scipy's
# `linear_sum_assignment` solves exactly); never average parameters over restarts
# without doing so; and read "component 2" as a name, not a property of the data. When $K$ is larger than
# needed it is worse: a surplus component can copy another with any split of the weight (section 1), so the
# maxima are not even isolated points, and the asymptotics behind AIC and BIC do not hold there.

# %% [markdown]
# ## 11. Using a fitted mixture: labels, soft labels, density
#
# Once chosen, the mixture answers three questions about any point $x$, old or new:
#
# - **which component?** `predict`: $\arg\max_k r_k(x)$, the hard label;
# - **how sure?** `predict_proba`: the responsibilities $r_k(x) = \pi_k \mathcal N(x \mid \mu_k, \Sigma_k) / p(x)$,
#   the E-step applied to new points (`em.e_step(X_new, gmm)`);
# - **how typical?** the log-density $\log p(x) = \log \sum_k \pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$
#   (`mixture.log_density`; scikit-learn's `score_samples`), in nats.
#
# On 20 000 fresh points from the true mixture, against Bayes' rule written out with scipy:

# %%
X_new, z_new = mixture.sample(TRUTH, 20_000, rng=rng)
gmm = grid.gmms["full", 3]  # BIC's choice ...
gmm = gmm.permuted(match_components(gmm.means, TRUTH.means))  # ... numbered as the truth (section 10; the grid has done it already)
proba, _ = em.e_step(X_new, gmm)
labels = proba.argmax(axis=1)
joint = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X_new)
                         for w, m, c in zip(gmm.weights, gmm.means, gmm.covariances, strict=True)])
claims.close("predict_proba: e_step on new points vs Bayes' rule with scipy", proba,
             np.exp(joint - np.logaddexp.reduce(joint, axis=1, keepdims=True)), atol=1e-12)
claims.close("log-density: mixture.log_density vs scipy", mixture.log_density(X_new, gmm),
             np.logaddexp.reduce(joint, axis=1), rtol=1e-12)
agree = np.mean(labels == z_new)
claims.between("fresh points whose hard label is their true component", agree, 0.96, 0.99)
confidence = proba.max(axis=1)
unsure = confidence < 0.9
right = labels == z_new
claims.between("fresh points whose largest responsibility is below 0.9", unsure.mean(), 0.02, 0.12)
claims.at_least("error rate among the unsure points / among the others", (1 - right[unsure].mean()) / (1 - right[~unsure].mean()), 10)
claims.at_least("share of the wrong labels that fall on unsure points", np.sum(~right & unsure) / np.sum(~right), 0.5)
for lo, hi in ((0.5, 0.7), (0.7, 0.9), (0.9, 1.0)):  # calibration: confidence bins
    inside = (confidence >= lo) & (confidence < hi) if hi < 1 else confidence >= lo
    se = math.sqrt(right[inside].mean() * (1 - right[inside].mean()) / inside.sum())
    _ = claims.close(f"max_k r_k in [{lo}, {hi}): fraction labelled right vs mean confidence ({inside.sum()} points)",
                     right[inside].mean(), confidence[inside].mean(), atol=max(3 * se, 0.005))

# %% [markdown]
# Nearly all new points get the label of the component that drew them (the fit's components renumbered to
# match the truth's), and the soft labels say which ones to doubt: the few percent with $\max_k r_k < 0.9$ carry
# most of the wrong labels, at an error rate more than ten times that of the others: they sit where components
# overlap, and their labels are the ones to doubt. The memberships are also
# *calibrated*: among points whose largest responsibility is about 0.8, about 80% are labelled right, in each
# band of confidence checked above.
#
# ## 12. Anomalies: a threshold on the log-density
#
# A point the model finds unlikely has a low $\log p(x)$. Choose a threshold $\tau$ and flag every point
# below it; to flag about 1% of new points, $\tau$ should be the 1% quantile of $\log p(x)$ over new points.
# The tempting recipe takes the 1% quantile of the *training* points' log-densities (`np.quantile`, which
# interpolates). Measured on 20 000 fresh points from the true mixture, with the fit, and with the true
# density in the same recipe:

# %%
log_train = mixture.log_density(X, gmm)
tau_train = np.quantile(log_train, 0.01)
X_fresh, _ = mixture.sample(TRUTH, 20_000, rng=rng)
log_fresh = mixture.log_density(X_fresh, gmm)
fraction_fit = np.mean(log_fresh < tau_train)
fraction_true = np.mean(mixture.log_density(X_fresh, TRUTH) < np.quantile(mixture.log_density(X, TRUTH), 0.01))
_ = claims.at_least("fraction flagged by the training recipe, fit and true density", [fraction_fit, fraction_true], 0.015)

# %% [markdown]
# Well above the nominal 1%, and even with the true density in place of the fit. Two causes, measured over
# many data sets of 300 points:
#
# 1. **The quantile estimator.** For $N = 300$ and 1%, `np.quantile` interpolates between the 3rd and 4th
#    lowest values and lands next to the 4th. The fraction of the density below the $j$-th lowest of $N$ points
#    is on average $j/(N+1)$, so even with the true density this $\tau$ flags about $4/301 = 1.33\%$. The
#    3rd lowest (`method="inverted_cdf"`) flags $3/301 = 1.0\%$ on average.
# 2. **Optimism.** The fit has pulled its density towards the very points that set $\tau$, so their lowest
#    values are less low than new points' (the optimism of sections 4 and 6 again).
#
# The remedy for the second is the one of section 5: score each point by a fit that did not see it. The
# 5-fold cross-validation gives every point such an *out-of-fold* log-density, with no new data needed.

# %%
X_big, _ = mixture.sample(TRUTH, 100_000, rng=rng)
log_big = mixture.log_density(X_big, TRUTH)  # the true density's tail, for F(tau)
true_tail = {"linear": [], "inverted_cdf": []}  # np.quantile's default method, and the 3rd lowest point
for _ in range(200):
    log_s = mixture.log_density(mixture.sample(TRUTH, N, rng=rng)[0], TRUTH)
    for method in true_tail:
        true_tail[method].append(np.mean(log_big < np.quantile(log_s, 0.01, method=method)))
# standard error of the mean over 200 data sets, and of the 100 000-point estimate of the tail, combined
se_true = {m: math.hypot(np.std(v) / math.sqrt(len(v)), math.sqrt(0.0133 / len(X_big))) for m, v in true_tail.items()}
claims.close("true density, np.quantile: mean fraction below tau over 200 data sets", np.mean(true_tail["linear"]),
             4 / 301, atol=3 * se_true["linear"])
claims.close("true density, inverted_cdf (3rd lowest): mean fraction", np.mean(true_tail["inverted_cdf"]), 3 / 301,
             atol=3 * se_true["inverted_cdf"])


def out_of_fold(X_s, seed):
    """log p(x_n) under a fit on the other 4 folds, for every point (5-fold, as in section 5)."""
    scores = np.empty(len(X_s))
    for test in selection.kfold_indices(len(X_s), 5, rng=seed):
        train = np.ones(len(X_s), dtype=bool)
        train[test] = False
        scores[test] = mixture.log_density(X_s[test], em.fit_em(X_s[train], 3, rng=seed, tol=1e-4).gmm)
    return scores


fitted_tail = {"training, np.quantile": [], "out-of-fold, inverted_cdf": []}
for s in range(30):
    X_s, _ = mixture.sample(TRUTH, N, rng=300 + s)
    g_s = em.fit_em(X_s, 3, rng=s, tol=1e-4).gmm
    log_fresh_s = mixture.log_density(X_fresh, g_s)
    fitted_tail["training, np.quantile"].append(np.mean(log_fresh_s < np.quantile(mixture.log_density(X_s, g_s), 0.01)))
    fitted_tail["out-of-fold, inverted_cdf"].append(np.mean(log_fresh_s < np.quantile(out_of_fold(X_s, s), 0.01,
                                                                                       method="inverted_cdf")))
fitted_tail = {m: np.array(v) for m, v in fitted_tail.items()}
se_fit = {m: v.std() / math.sqrt(len(v)) for m, v in fitted_tail.items()}
claims.between("fitted, training np.quantile: mean fraction flagged over 30 data sets",
               fitted_tail["training, np.quantile"].mean(), 0.015, 0.03)
claims.at_least("fitted, training np.quantile: mean fraction minus 4/301, in standard errors",
                (fitted_tail["training, np.quantile"].mean() - 4 / 301) / se_fit["training, np.quantile"], 2.0)
_ = claims.close("fitted, out-of-fold scores, inverted_cdf: mean fraction", fitted_tail["out-of-fold, inverted_cdf"].mean(),
                 0.01, atol=3 * se_fit["out-of-fold, inverted_cdf"])

# %% [markdown]
# With the true density the interpolating recipe flags $4/301$ on average, the 3rd lowest point $3/301$, as
# the order statistics predict. With fitted densities the training recipe flags more still (the excess over
# $4/301$ is the optimism); the out-of-fold scores with the 3rd-lowest rule flag 1% on average (means and
# standard errors over the 30 data sets printed above). A single data set still varies around that mean. On the
# lesson's data:

# %%
log_oof = out_of_fold(X, SEED)
tau = np.quantile(log_oof, 0.01, method="inverted_cdf")  # calibrated on scores of fits that did not see the point
flagged = log_fresh < tau
spread = fitted_tail["out-of-fold, inverted_cdf"].std()  # how much one data set's fraction varies (30 data sets)
claims.at_most("out-of-fold tau minus the training recipe's tau (nats): the calibrated threshold is lower", tau - tau_train, 0.0)
_ = claims.close("out-of-fold threshold: fraction of the fresh points flagged", flagged.mean(), 0.01,
                 atol=3 * spread)

# %%
fig, ax = plt.subplots(figsize=(8, 6), layout="constrained")
g1, g2 = np.meshgrid(np.linspace(-5, 8.5, 220), np.linspace(-6, 7.5, 230))
log_grid = mixture.log_density(np.column_stack([g1.ravel(), g2.ravel()]), gmm).reshape(g1.shape)
shading = ax.contourf(g1, g2, log_grid, levels=np.linspace(tau - 6, log_grid.max(), 12), cmap="Greys", alpha=0.5,
                      extend="min")
fig.colorbar(shading, ax=ax, label="log p(x) of the fit (nats)", shrink=0.85)
ax.contour(g1, g2, log_grid, levels=[tau], colors="k", linewidths=1.8, linestyles="solid")
ax.contour(g1, g2, log_grid, levels=[tau_train], colors="k", linewidths=1.2, linestyles="--")
ax.scatter(*X_fresh[~flagged][:1500].T, s=4, color="0.45", edgecolors="none")
ax.scatter(*X_fresh[flagged].T, s=16, color="#ff7f0e", edgecolors="k", linewidths=0.4)
handles = [Line2D([], [], color="k", lw=1.8, label=f"τ = {tau:.2f} nats (out-of-fold, 3rd lowest)"),
           Line2D([], [], color="k", lw=1.2, ls="--", label=f"{tau_train:.2f} nats (training points, np.quantile)"),
           Line2D([], [], marker="o", ls="none", color="0.45", ms=4, label="fresh points (1500 of 20 000 shown)"),
           Line2D([], [], marker="o", ls="none", color="#ff7f0e", mec="k", ms=6,
                  label=f"below τ: {flagged.mean():.2%} of the 20 000")]
ax.legend(handles=handles, loc="lower right", fontsize=9)
ax.set_title("anomaly threshold on the fitted density", fontsize=11)
ax.set_xlim(-5, 8.5)
ax.set_ylim(-6, 7.5)  # room below the data for the legend
label_axes(ax)
plt.show()

# %% [markdown]
# The flagged points (orange) lie outside the solid contour $\log p(x) = \tau$: in the tails of the components and
# in the gaps between them, where k-means would still hand them to a nearest centre with full confidence. The
# dashed contour, the training recipe's threshold, lies inside it, so it would flag more.
#
# ## 13. Sampling new data
#
# A mixture is a generative model (lesson 02): pick $z \sim \mathrm{Cat}(\pi)$, then $x \sim \mathcal N(\mu_z, \Sigma_z)$,
# as `mixture.sample(gmm, n, rng)` does. Samples from the fit should have the fit's moments: the mean
# $m = \sum_k \pi_k \mu_k$ and the covariance $\sum_k \pi_k (\Sigma_k + \mu_k \mu_k^\top) - m m^\top$, and
# component frequencies near $\pi$. Checked by Monte Carlo on 40 000 draws, within 4 standard errors:

# %%
X_sim, z_sim = mixture.sample(gmm, 40_000, rng=rng)
m = gmm.weights @ gmm.means
S = np.einsum("k,kij->ij", gmm.weights, gmm.covariances + np.einsum("ki,kj->kij", gmm.means, gmm.means)) - np.outer(m, m)
se_mean = np.sqrt(np.diag(S) / len(X_sim))
centred = X_sim - X_sim.mean(axis=0)
products = np.einsum("ni,nj->nij", centred, centred)  # the standard error of each covariance entry, from the draws
se_cov = products.std(axis=0) / math.sqrt(len(X_sim))
claims.close("sample mean vs the mixture's mean", X_sim.mean(axis=0), m, atol=4 * se_mean.max())
claims.at_most("|sample covariance - mixture's covariance| / its standard error, largest entry",
               np.max(np.abs(np.cov(X_sim.T) - S) / se_cov), 4.0)
freq = np.bincount(z_sim, minlength=3) / len(z_sim)
_ = claims.close("component frequencies vs pi", freq, gmm.weights,
                 atol=4 * np.sqrt(gmm.weights.max() * (1 - gmm.weights.min()) / len(z_sim)))

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained", sharex=True, sharey=True)
axes[0].scatter(*X.T, s=6, color="0.35", edgecolors="none")
axes[0].set_title(f"the {N} data points", fontsize=11)
plot_responsibilities(X_sim[:N], np.eye(3)[z_sim[:N]], ax=axes[1], s=6)
plot_ellipses(gmm, ax=axes[1], label_prefix=None)
axes[1].set_title(f"{N} points sampled from the fit, coloured by z", fontsize=11)
for ax in axes:
    label_axes(ax)
plt.show()

# %% [markdown]
# The sample on the right has the data's three clusters with their shapes and sizes: two tilted ellipses and a
# circle, each coloured by the component that drew it, inside the fit's 95% ellipses. Unlike the data, every
# sampled point comes with its true label $z$.
#
# ## 14. The same with scikit-learn's `GaussianMixture`
#
# scikit-learn's `GaussianMixture` fits the same model by the same EM; its methods are the steps of
# sections 11–13. To compare number for number, start both from the same parameters (scikit-learn takes
# `weights_init`, `means_init` and `precisions_init`; its covariances are stored compactly: `(K, d)` for
# diag, `(K,)` for spherical, `(d, d)` for tied) and run both to a tight tolerance.
#
# | step | `coursepkg` | scikit-learn |
# |---|---|---|
# | fit | `em.fit_em(X, K, covariance_type=t)` | `GaussianMixture(K, covariance_type=t).fit(X)` |
# | soft labels | `em.e_step(X_new, gmm)[0]` | `.predict_proba(X_new)` |
# | hard labels | `... .argmax(axis=1)` | `.predict(X_new)` |
# | log-density | `mixture.log_density(X_new, gmm)` | `.score_samples(X_new)` |
# | mean log-density | `mixture.log_likelihood(X, gmm) / N` | `.score(X)` |
# | AIC, BIC | `selection.aic(X, gmm)`, `selection.bic(X, gmm)` | `.aic(X)`, `.bic(X)` |
# | sampling | `mixture.sample(gmm, n, rng)` | `.sample(n)` (returns the points sorted by component) |

# %%
def precisions(g):
    c = {"full": g.covariances, "diag": np.diagonal(g.covariances, axis1=1, axis2=2),
         "spherical": g.covariances[:, 0, 0], "tied": g.covariances[0]}[g.covariance_type]
    return 1 / c if g.covariance_type in ("diag", "spherical") else np.linalg.inv(c)


for t in COVARIANCE_TYPES:
    s = em.initial_gmm(X, 3, rng=SEED, covariance_type=t)
    ours = em.fit_em(X, s, tol=1e-10, max_iter=2000)
    sk = GaussianMixture(3, covariance_type=t, weights_init=s.weights, means_init=s.means, precisions_init=precisions(s),
                         init_params="random_from_data", tol=1e-10, max_iter=2000).fit(X)  # init_params: unused
    g = ours.gmm
    claims.close(f"'{t}': log-likelihood, coursepkg vs scikit-learn (nats)", ours.log_likelihood, sk.score(X) * N, atol=1e-6)
    claims.close(f"'{t}': means", g.means, sk.means_, atol=1e-4)
    claims.close(f"'{t}': predict_proba on new points", em.e_step(X_new, g)[0], sk.predict_proba(X_new), atol=1e-4)
    claims.close(f"'{t}': score_samples", mixture.log_density(X_new, g), sk.score_samples(X_new), atol=1e-4)
    claims.equal(f"'{t}': predict", em.e_step(X_new, g)[0].argmax(axis=1), sk.predict(X_new))
    claims.close(f"'{t}': BIC and AIC", [selection.bic(X, g), selection.aic(X, g)], [sk.bic(X), sk.aic(X)], rtol=1e-8)

# %% [markdown]
# Every number agrees to the tolerance of the fits. Model selection the scikit-learn way, with its own
# defaults (k-means starts, tolerance $10^{-3}$) but 5 starts per fit (`n_init=5`), lands on the same choice:

# %%
sk_bic = {(K, t): GaussianMixture(K, covariance_type=t, n_init=5, random_state=0).fit(X).bic(X)
          for t in COVARIANCE_TYPES for K in grid.ks}
_ = claims.equal("scikit-learn's BIC choice (K, type)", min(sk_bic, key=sk_bic.get), picks["bic"])

# %% [markdown]
# ## Summary
#
# - The k-means distortion $J$ only falls and the best training log-likelihood $\ell$ only rises as $K$ grows
#   (a $K$-mixture is a $(K+1)$-mixture with a copied component); neither can choose $K$.
# - Covariance types: full $K d(d+1)/2$ covariance parameters, diag $Kd$, spherical $K$, tied $d(d+1)/2$; plus
#   $Kd$ means and $K - 1$ weights. Their M-steps: the diagonal of $S_k / N_k$, its trace over $d$, and the pooled
#   scatter $\sum_k S_k / N$ (weights $\pi_k$, not $1/K$).
# - AIC $= -2\hat\ell + 2p$, BIC $= -2\hat\ell + p\log N$, and the held-out log-likelihood per point by
#   $F$-fold cross-validation; they need well-converged fits (several starts, a tight tolerance). Here BIC and the
#   held-out score chose three full components, AIC more; within a constrained type both wanted more, smaller
#   components. With round clusters or few points a constrained type wins.
# - Over 20 data sets of 150 points: BIC found $K = 3$ most often, then the held-out score, then AIC, whose
#   misses were all too many components. Exercise 5 shows when AIC's $K$ is at least BIC's (within one type).
# - Relabelling the components gives $K!$ equal maxima; compare fits after matching components.
# - A fitted mixture labels (`predict`), soft-labels (`predict_proba`, calibrated here), scores ($\log p(x)$),
#   flags anomalies below a quantile of scores of points the fit did not see (out-of-fold or a calibration
#   split, with an unbiased quantile rule), and samples new data; scikit-learn's `GaussianMixture` gives the
#   same numbers from the same start.
#
# **Exercises:** [exercises/09_choosing_k.ipynb](../exercises/09_choosing_k.ipynb) — count the parameters of
# models the lesson did not count, compute BIC, write the constrained M-steps, choose $K$ on validation points,
# and find when AIC picks more components than BIC.
