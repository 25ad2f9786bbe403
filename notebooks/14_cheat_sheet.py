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
# # Lesson 14 — Cheat sheet: the course on one page
#
# This page is meant to stay open beside your own work. It collects the course's ideas in one table,
# writes EM for a Gaussian mixture in about twenty lines and checks them against `coursepkg` and
# scikit-learn, says which method to reach for on which data (and shows why, with numbers), lists the
# pitfalls that cost the most time, and points to what comes after mixtures.
#
# **Learning goals.** After this lesson you can
#
# 1. find, for any idea of the course, its formula, the lesson that derives it and the `coursepkg` function
#    that computes it;
# 2. write EM for a Gaussian mixture from scratch with the course's numerics (log space, Cholesky factors,
#    centred scatters, `reg_covar`) and show it agrees with two other implementations from the same start;
# 3. choose between k-means, a Gaussian mixture (and its covariance type), mean-shift and a Bernoulli
#    mixture for a data set, and say why;
# 4. recognise the common failures of EM (label switching, singular covariances, local maxima, underflow,
#    raw moments) and their fixes.
#
# **You need:** lessons 01–13.
#
# Notation as on the [start page](00_start.ipynb): $N$ points $x_n \in \mathbb R^d$, $K$ components
# numbered $1, \dots, K$ (in code from 0), weights $\pi_k$, means $\mu_k$, covariances $\Sigma_k$,
# responsibilities $r_{nk}$, $N_k = \sum_n r_{nk}$, the log-likelihood $\ell(\theta)$ in nats.

# %%
# %matplotlib inline
import inspect
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import BayesianGaussianMixture, GaussianMixture

from coursepkg import bernoulli, claims, em, meanshift, mixture, selection
from coursepkg.datasets import FAITHFUL_COLUMNS, make_synthetic, old_faithful
from coursepkg.gaussian import covariance_from_axes
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, plot_clusters, plot_ellipses, plot_log_likelihood
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
SEED = 14

# %% [markdown]
# ## 1. The course in one table
#
# One row per idea: what it says, the lesson that explains it, and the function of `coursepkg` that
# computes it. $S_k = \sum_n r_{nk}(x_n - \mu_k)(x_n - \mu_k)^\top$ is the weighted scatter about the
# component's own mean.
#
# | idea | formula or one-line statement | lesson | `coursepkg` |
# |---|---|---|---|
# | k-means | minimise $J = \sum_n \sum_k r_{nk}\lVert x_n - \mu_k\rVert^2$ with one-hot $r_{nk}$; each of Lloyd's two steps lowers $J$, strictly while labels change, and there are finitely many assignments, so it stops | [01](01_soft_clustering.ipynb) | `kmeans.kmeans`, `kmeans.objective` |
# | soft assignment | each point gets a row $r_{n\cdot}$ of probabilities, $r_{nk} \ge 0$, $\sum_k r_{nk} = 1$ | [01](01_soft_clustering.ipynb) | `em.e_step` |
# | the Gaussian | $\mathcal N(x \mid \mu, \Sigma) = (2\pi)^{-d/2}\lvert\Sigma\rvert^{-1/2} e^{-\Delta^2(x)/2}$, $\Delta^2(x) = (x-\mu)^\top\Sigma^{-1}(x-\mu)$ | [02](02_mixture_generation.ipynb) | `gaussian.log_pdf`, `gaussian.mahalanobis` |
# | generative story | $z_n \sim \mathrm{Cat}(\pi)$, then $x_n \mid z_n = k \sim \mathcal N(\mu_k, \Sigma_k)$ | [02](02_mixture_generation.ipynb) | `mixture.sample` |
# | mixture density | $p(x \mid \theta) = \sum_k \pi_k\, \mathcal N(x \mid \mu_k, \Sigma_k)$ | [02](02_mixture_generation.ipynb) | `mixture.log_density` |
# | log-likelihood | $\ell(\theta) = \sum_n \log \sum_k \pi_k\, \mathcal N(x_n \mid \mu_k, \Sigma_k)$: a log of a sum, no closed-form maximum | [03](03_complete_data_likelihood.ipynb) | `mixture.log_likelihood` |
# | chicken and egg | with the labels the parameters are easy (count and average), with the parameters the labels are easy (the posterior); EM alternates the two instead of solving both at once | [03](03_complete_data_likelihood.ipynb) | `em.em_iteration` |
# | complete data | $\log p(X, Z \mid \theta) = \sum_n \sum_k z_{nk}\,[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)]$: with labels, fitting is counting and averaging | [03](03_complete_data_likelihood.ipynb) | `mixture.complete_log_likelihood` |
# | $Q$ | $Q(\theta, \theta^{\text{old}}) = \sum_n \sum_k r_{nk}\,[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)]$, $r_{nk}$ under $\theta^{\text{old}}$ | [03](03_complete_data_likelihood.ipynb) | `mixture.expected_complete_log_likelihood` |
# | lower bound | $\ell(\theta) = \mathcal L(q, \theta) + \mathrm{KL}(q \,\Vert\, p(Z \mid X, \theta)) \ge \mathcal L(q, \theta) = \sum_n \sum_k q_{nk}\,[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)] + H(q)$, equal at $q_{nk} = r_{nk}$ (then the first term is $Q$) | [04](04_jensen_lower_bound.ipynb) | `em.lower_bound` |
# | E-step | $r_{nk} = \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) / \sum_j \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j)$, computed in log space (log-sum-exp) | [05](05_e_step.ipynb) | `em.e_step` |
# | M-step | $N_k = \sum_n r_{nk}$, $\pi_k = N_k / N$, $\mu_k = \sum_n r_{nk} x_n / N_k$, $\Sigma_k = S_k / N_k$ (+ `reg_covar` $\cdot I$); needs $N_k > 0$, and weight on more than $d$ points in general position (else $\Sigma_k$ is singular: `reg_covar`) | [06](06_m_step.ipynb) | `em.m_step` |
# | EM | alternate E and M; $\ell(\theta^{(t+1)}) \ge \ell(\theta^{(t)})$; ends at a stationary point, often a local maximum: restart | [07](07_em_algorithm.ipynb) | `em.fit_em` |
# | k-means as a limit | $\pi_k = 1/K$, $\Sigma_k = I/\beta$: $r_{nk} \propto e^{-\frac\beta2 \lVert x_n - \mu_k\rVert^2}$, one-hot as $\beta \to \infty$ | [08](08_kmeans_limit.ipynb) | `kmeans.soft_kmeans`, `kmeans.soft_responsibilities` |
# | covariance types | $p = (K - 1) + Kd + $ $Kd(d+1)/2$ (full), $Kd$ (diag), $K$ (spherical), $d(d+1)/2$ (tied) | [09](09_choosing_k.ipynb) | `selection.n_parameters` |
# | choosing $K$ | AIC $= -2\hat\ell + 2p$, BIC $= -2\hat\ell + p\log N$ (lower is better), or the held-out $\ell$ | [09](09_choosing_k.ipynb) | `selection.bic`, `selection.cross_validated_log_likelihood` |
# | mean-shift | move each point $p$ to $u(p)$, the kernel-weighted mean of the data (bandwidth $h$); it climbs the density $f$ to a mode; modes are clusters | [10](10_mean_shift.ipynb) | `meanshift.mean_shift` |
# | EM for any latent model | E: $q(Z) = p(Z \mid X, \theta^{\text{old}})$; M: maximise $Q$, or $Q + \log p(\theta)$ with a prior (MAP-EM: then the log posterior $F = \ell + \log p(\theta)$, not $\ell$, never falls). Bernoulli mixture: $p(x_n \mid z_n = k) = \prod_j \mu_{kj}^{x_{nj}}(1 - \mu_{kj})^{1 - x_{nj}}$; with a Beta($\alpha, \beta$) prior $\mu_{kj} = (S_{kj} + \alpha - 1)/(N_k + \alpha + \beta - 2)$, $S_{kj} = \sum_n r_{nk} x_{nj}$ (the package's default: Beta(2, 2)) | [11](11_em_general.ipynb) | `bernoulli.fit_bernoulli_em` |
# | EM at scale | per block: $N_k$, weighted mean, centred scatter $S_k$; two blocks merge by $S = S_A + S_B + \frac{N_A N_B}{N}\delta\delta^\top$ (Chan), one pass per iteration; stepwise EM: $s \leftarrow (1 - \eta_t)s + \eta_t \hat s_t$ per mini-batch, $\sum_t \eta_t = \infty$, $\sum_t \eta_t^2 < \infty$ | [12](12_em_at_scale.ipynb) | `scale.fit_em_dask`, `scale.fit_em_online` |
# | colour quantisation | a palette of $K$ colours by k-means or a mixture; PSNR against bits per pixel | [13](13_colour_quantisation.ipynb) | `quantise.fit_palette`, `quantise.psnr` |

# %% [markdown]
# ## 2. EM for a Gaussian mixture in about twenty lines
#
# The whole algorithm, with the course's numerics and nothing else: no input checks, no restarts. Each
# iteration is an E-step and then an M-step, and the loop records $\ell$ before each M-step and once more
# at the end, so `history[t]` is $\ell(\theta^{(t)})$ after $t$ M-steps, as in `fit_em`.
#
# - **Log space.** $\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)$ for every $n, k$, then
#   $\log p(x_n) = \operatorname{logsumexp}_k$ and $r_{nk} = \exp(\log\text{joint} - \log p(x_n))$ (lesson 05).
# - **A Cholesky factor** $\Sigma_k = L L^\top$ instead of an inverse: solving $L u = x_n - \mu_k$ gives
#   $\Delta^2 = \lVert u\rVert^2$, and $\log\lvert\Sigma_k\rvert = 2\sum_i \log L_{ii}$. It fails loudly when
#   $\Sigma_k$ is not positive definite.
# - **Centred scatters** $S_k$ from $x_n - \mu_k$, never $\sum_n r_{nk} x_n x_n^\top / N_k - \mu_k\mu_k^\top$ (lesson 06, section 10).
# - **`reg_covar`** $= 10^{-6}$ on every diagonal keeps each $\Sigma_k$ positive definite (lesson 06, section 11).
#   The M-step divides by $N_k$, so it needs $N_k > 0$: a component that lost every point would give 0/0.

# %%
def em_from_start(X, pi, mu, Sigma, n_iter=50, reg_covar=1e-6):
    """EM from the parameters (pi (K,), mu (K, d), Sigma (K, d, d)); returns them fitted and ℓ per iteration."""
    N, d = X.shape
    ell = []
    for t in range(n_iter + 1):
        # E-step, in log space: column k holds log pi_k + log N(x_n | mu_k, Sigma_k)
        columns = []
        for pi_k, mu_k, Sigma_k in zip(pi, mu, Sigma, strict=True):
            L = np.linalg.cholesky(Sigma_k)  # Sigma_k = L L^T; fails loudly if not positive definite
            u = solve_triangular(L, (X - mu_k).T, lower=True)  # Delta^2(x_n) = |u_n|^2
            half_log_det = np.log(np.diag(L)).sum()
            columns.append(np.log(pi_k) - half_log_det - 0.5 * (d * np.log(2 * np.pi) + (u * u).sum(axis=0)))
        log_joint = np.column_stack(columns)
        log_px = logsumexp(log_joint, axis=1, keepdims=True)
        ell.append(log_px.sum())
        if t == n_iter:
            break
        r = np.exp(log_joint - log_px)  # each row sums to 1 over k
        # M-step: counts, weighted means, then scatters about the new means
        N_k = r.sum(axis=0)
        pi = N_k / N
        mu = np.einsum("nk,nd->kd", r, X) / N_k[:, None]
        centred = X[None, :, :] - mu[:, None, :]  # (K, N, d): x_n - mu_k
        Sigma = np.einsum("nk,kni,knj->kij", r, centred, centred) / N_k[:, None, None] + reg_covar * np.eye(d)
    return pi, mu, Sigma, np.array(ell)


body = inspect.getsource(em_from_start).splitlines()[2:]  # after the signature and the docstring
code = [line for line in body if line.strip() and not line.strip().startswith("#")]  # no blank or comment lines
_ = claims.between("lines of code in em_from_start's body", len(code), 18, 24)

# %% [markdown]
# **The same start, three implementations.** "The same start" here means the same *parameters*
# $\theta^{(0)}$: one mixture from `em.initial_gmm` (k-means++ means, equal weights, the data's
# covariance for every component), given to our function, to `fit_em` as a `GMM`, and to scikit-learn's
# `GaussianMixture` as `weights_init`, `means_init` and `precisions_init` (the inverse covariances). All
# three begin with an E-step under $\theta^{(0)}$. `tol=0` stops none of them early, and all add the same
# `reg_covar` $= 10^{-6}$. scikit-learn records $\ell / N$ *before* each M-step, so its 40 values are our
# `history[0..39]` divided by $N$; and because it never reached its tolerance it would warn that it did not
# converge, a warning we silence on purpose. Old Faithful: $N = 272$ eruptions, minutes on both axes.

# %%
X = old_faithful()
N = len(X)
start = em.initial_gmm(X, 2, rng=SEED)
n_iter = 40
weights, means, covs, history = em_from_start(X, start.weights, start.means, start.covariances, n_iter=n_iter)
fit = em.fit_em(X, start, max_iter=n_iter, tol=0.0, reg_covar=1e-6)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 never "converges": expected here
    sk = GaussianMixture(2, max_iter=n_iter, tol=0.0, reg_covar=1e-6, weights_init=start.weights,
                         means_init=start.means, precisions_init=np.linalg.inv(start.covariances)).fit(X)

claims.close("ℓ per iteration, ours against fit_em's history (nats)", history, fit.history, atol=1e-9)
claims.close("ℓ per iteration, ours against scikit-learn's lower_bounds_ × N (nats)",
             history[:n_iter], np.array(sk.lower_bounds_) * N, atol=1e-9)
for name, ours, pkg, skl, tol in (("weights", weights, fit.gmm.weights, sk.weights_, 1e-12),
                                  ("means (min)", means, fit.gmm.means, sk.means_, 1e-10),
                                  ("covariances (min²)", covs, fit.gmm.covariances, sk.covariances_, 1e-10)):
    claims.close(f"{name}: ours against fit_em", ours, pkg, atol=tol)
    claims.close(f"{name}: ours against scikit-learn", ours, skl, atol=tol)
claims.at_least("smallest gain per iteration (nats; EM never goes down)", np.diff(history).min(), -1e-9)
_ = claims.close("final ℓ (nats), the maximum lesson 07 found", history[-1], -1130.264, atol=5e-4)

# %% [markdown]
# Three codes, one algorithm: the log-likelihoods agree to $10^{-9}$ nats at every iteration and the
# parameters to rounding. The figure shows the fit and the climb.

# %%
order = np.argsort(means[:, 0])  # component 1 = the short eruptions, as in lesson 07
rank = np.argsort(order)  # old index -> new index
fig, (ax_fit, ax_hist) = plt.subplots(1, 2, figsize=(11, 4.2))
plot_clusters(X, rank[np.argmax(fit.resp, axis=1)], ax=ax_fit, s=12, label_prefix="points of component")
plot_ellipses(GMM(weights[order], means[order], covs[order]), ax=ax_fit)
ax_fit.set_xlabel(FAITHFUL_COLUMNS[0])
ax_fit.set_ylabel(FAITHFUL_COLUMNS[1])
ax_fit.set_title("em_from_start on Old Faithful after 40 iterations")
ax_fit.legend(loc="upper left", fontsize=8)
plot_log_likelihood(history, ax=ax_hist, label="em_from_start (ours)", color="black")
ax_hist.plot(np.arange(n_iter), np.array(sk.lower_bounds_) * N, "x", color="0.5",
             label="scikit-learn (before each M-step)")
ax_hist.set_ylim(history[0] - 20, history[-1] + 20)
ax_hist.legend(loc="lower right")
ax_hist.set_title("ℓ after t M-steps")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Which method when
#
# Two predictions before the table gives the answers away:

# %%
concept_question("14", 1)

# %%
concept_question("14", 2)

# %% [markdown]
# | method | reach for it when | the reason | lesson |
# |---|---|---|---|
# | k-means | clusters round, of similar size and spread; you know $K$; you need speed | it is the equal-weight, round, hard limit of a mixture: when that is true it loses nothing and costs $O(NKd)$ per sweep | [01](01_soft_clustering.ipynb), [08](08_kmeans_limit.ipynb) |
# | k-means, as a codebook | you want $K$ representative points that replace the data with the least squared error (a colour palette) | it minimises exactly that error; a mixture maximises likelihood, so it is the better density and the worse codebook | [13](13_colour_quantisation.ipynb) |
# | GMM, `full` | clusters are tilted ellipses of different shapes, or you want soft labels and a density | each $\Sigma_k$ learns its own shape; $r_{nk}$ says how sure a label is | [07](07_em_algorithm.ipynb), [09](09_choosing_k.ipynb) |
# | GMM, `diag` | ellipses along the axes (features independent within a cluster), or $d$ large | $d$ variances per component instead of $d(d+1)/2$ | [09](09_choosing_k.ipynb) |
# | GMM, `spherical` | round clusters of different sizes | one variance per component; a soft k-means with learned widths | [09](09_choosing_k.ipynb) |
# | GMM, `tied` | all clusters one shape, few points per cluster | one shared $\Sigma$: the borders between components are straight lines | [09](09_choosing_k.ipynb) |
# | mean-shift | $K$ unknown; the clusters are separate peaks of the density, of similar width (skewed is fine) | no $K$ and no shape to choose, only the bandwidth $h$, one round window for all clusters: long or overlapping clusters fail (split or merged); $O(N^2 d)$ per sweep | [10](10_mean_shift.ipynb) |
# | Bernoulli mixture | binary features (pixels on/off, words present/absent) | its likelihood is a probability of the 0/1 data; a Gaussian's density on 0/1 points is not | [11](11_em_general.ipynb) |
# | Dask or stepwise EM | $N$ too large for one machine's memory or time | EM needs only per-component sums, so blocks can be reduced where they live | [12](12_em_at_scale.ipynb) |
#
# Three data sets, each with the method that suits it; "suits" is measured by the adjusted Rand index
# (ARI, `sklearn.metrics.adjusted_rand_score`) of the labels against the true ones: 1 is a perfect match
# up to renaming the clusters, 0 what random labels score.

# %%
def ari(labels_true, labels):
    return adjusted_rand_score(labels_true, labels)


scores = {}
# (a) round, equal clusters: k-means
Xa, za = make_synthetic("round", n=300, rng=0)
km_a = KMeans(3, n_init=10, random_state=0).fit(Xa)
gmm_a = em.fit_em(Xa, 3, rng=0, n_init=5)
scores["a"] = {"k-means": ari(za, km_a.labels_), "GMM": ari(za, gmm_a.resp.argmax(axis=1))}
# (b) three long, thin parallel clusters: a full GMM
Xb, zb = make_synthetic("elongated", n=300, rng=0)
km_b = KMeans(3, n_init=10, random_state=0).fit(Xb)
gmm_b = em.fit_em(Xb, 3, rng=0, n_init=5)
scores["b"] = {"k-means": ari(zb, km_b.labels_), "GMM": ari(zb, gmm_b.resp.argmax(axis=1))}
# (c) three skewed (gamma-distributed) clusters, K not given: mean-shift against a GMM whose K BIC chooses
rng = np.random.default_rng(4)
Xc = np.concatenate([c + rng.gamma(1.5, 1.0, size=(100, 2)) - 1.5 for c in ([0.0, 0.0], [7.0, 0.0], [3.5, 6.0])])
zc = np.repeat(np.arange(3), 100)
ms_c = meanshift.mean_shift(Xc, bandwidth=1.5, keep_paths=False)
bics = [selection.bic(Xc, em.fit_em(Xc, k, rng=0, n_init=3).gmm) for k in range(1, 8)]
k_bic = int(np.argmin(bics)) + 1
gmm_c = em.fit_em(Xc, k_bic, rng=0, n_init=3)
scores["c"] = {"mean-shift": ari(zc, ms_c.labels), "GMM, K by BIC": ari(zc, gmm_c.resp.argmax(axis=1)),
               "k-means, told K = 3": ari(zc, KMeans(3, n_init=10, random_state=0).fit(Xc).labels_),
               "GMM, told K = 3": ari(zc, em.fit_em(Xc, 3, rng=0, n_init=5).resp.argmax(axis=1))}

claims.close("(a) round: ARI of k-means and of the GMM, equal", scores["a"]["k-means"], scores["a"]["GMM"], atol=1e-12)
claims.at_least("(a) round: ARI of k-means", scores["a"]["k-means"], 0.98)
claims.at_most("(b) elongated: ARI of k-means (it cuts across the clusters)", scores["b"]["k-means"], 0.45)
claims.at_least("(b) elongated: ARI of a full GMM", scores["b"]["GMM"], 0.98)
claims.equal("(c) skewed: clusters mean-shift finds (bandwidth 1.5)", ms_c.n_clusters, 3)
claims.at_least("(c) skewed: ARI of mean-shift", scores["c"]["mean-shift"], 0.9)
claims.equal("(c) skewed: K that BIC chooses for a full GMM", k_bic, 6)
claims.at_most("(c) skewed: ARI of that GMM", scores["c"]["GMM, K by BIC"], 0.6)
_ = claims.at_least("(c) skewed, told K = 3: ARI of k-means and of a GMM",
                    min(scores["c"]["k-means, told K = 3"], scores["c"]["GMM, told K = 3"]), 0.9)

# %% [markdown]
# On round data k-means and the mixture give the same labels (ARI 0.99), so the cheaper one is the right
# call. On the long parallel clusters k-means scores 0.42 and the full mixture 0.99. On skewed clusters a
# mixture that must choose its own $K$ counts *Gaussians*, not clusters: BIC takes 6 of them for the 3
# skewed clusters, and the labels score below 0.6, while mean-shift, which only looks for peaks, finds the 3
# clusters (ARI above 0.9). (Told $K = 3$, k-means and the mixture score above 0.9 on (c) too.)
#
# Mean-shift was given $h = 1.5$ there. What it adds is not having to be told $K$, but it must be told $h$: is
# the answer fragile? Predict, then scan.

# %%
concept_question("14", 3)

# %%
BANDWIDTHS = (0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0)
n_found = {h: meanshift.mean_shift(Xc, bandwidth=h, keep_paths=False).n_clusters for h in BANDWIDTHS}
claims.equal("(c) skewed: clusters mean-shift finds for h = 0.75, 1, 1.5, 2, 2.5",
             [n_found[h] for h in BANDWIDTHS[1:-1]], [3] * 5)
claims.equal("(c) skewed: clusters at h = 0.5 (the window sees the bumps within a cluster)", n_found[0.5], 12)
_ = claims.equal("(c) skewed: clusters at h = 3 (the window spans two clusters)", n_found[3.0], 1)
ms_wide = meanshift.mean_shift(Xc, bandwidth=3.0, keep_paths=False)

# %% [markdown]
# Three clusters for every $h$ from 0.75 to 2.5, a range of more than three to one: here the choice of $h$ is easy,
# because the clusters are separate peaks of about one width. It is not easy on long clusters: lesson 10, section 7,
# found the three strips of (b) only in a narrow window of $h$. The figure: the top row the round and elongated data,
# the bottom row the skewed data.

# %%
fig, axes = plt.subplots(2, 3, figsize=(15, 9.5))
ax = axes[0, 0]
plot_clusters(Xa, km_a.labels_, ax=ax, s=10)
ax.set_title(f"(a) round: k-means, ARI {scores['a']['k-means']:.2f}\n(GMM {scores['a']['GMM']:.2f})")
ax = axes[0, 1]
plot_clusters(Xb, km_b.labels_, ax=ax, s=10)
ax.plot(*km_b.cluster_centers_.T, "kX", markersize=10, label="k-means centres")
ax.set_title(f"(b) elongated: k-means cuts across, ARI {scores['b']['k-means']:.2f}")
ax = axes[0, 2]
plot_clusters(Xb, gmm_b.resp.argmax(axis=1), ax=ax, s=10, label_prefix="component")
plot_ellipses(gmm_b.gmm, ax=ax, label_prefix=None)
ax.set_title(f"(b) elongated: full GMM follows, ARI {scores['b']['GMM']:.2f}")
ax = axes[1, 0]
plot_clusters(Xc, ms_c.labels, ax=ax, s=10)
ax.plot(*ms_c.centers.T, "k*", markersize=14, label="modes")
ax.set_title(f"(c) skewed: mean-shift, h = 1.5, ARI {scores['c']['mean-shift']:.2f}")
ax = axes[1, 1]
plot_clusters(Xc, gmm_c.resp.argmax(axis=1), ax=ax, s=10, label_prefix=None)
plot_ellipses(gmm_c.gmm, ax=ax, label_prefix=None)
ax.set_title(f"(c) skewed: GMM with BIC's K = {k_bic}, ARI {scores['c']['GMM, K by BIC']:.2f}\n"
             "(6 Gaussians for 3 clusters; colours: its components)")
ax = axes[1, 2]
plot_clusters(Xc, ms_wide.labels, ax=ax, s=10)
ax.plot(*ms_wide.centers.T, "k*", markersize=14, label="mode")
ax.set_title(f"(c) skewed: mean-shift, h = 3: {n_found[3.0]} cluster")
for ax in axes.flat:
    ax.set_xlabel("$x_1$ (data units)")
    ax.set_ylabel("$x_2$ (data units)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. Binary data: a Bernoulli mixture
#
# scikit-learn's 1797 handwritten 8×8 digits, each pixel set to on or off: $d = 64$ binary features. Before the
# numbers:

# %%
concept_question("14", 4)

# %% [markdown]
# A Bernoulli mixture with $K = 10$ (`fit_bernoulli_em` with its default Beta(2, 2) prior on every $\mu_{kj}$,
# lesson 11) gives each image a probability, so its log-likelihood is negative. A Gaussian mixture on the same
# vectors meets a problem no continuous data set has: some pixels are off in every image, so their variance is 0
# in every component, even with $K = 1$, and without `reg_covar` the first M-step fails. With `reg_covar` the
# "log-likelihood" is a log-*density*, and `reg_covar` alone sets its value.

# %%
Xd, zd = bernoulli.load_binary_digits()
claims.equal("pixels off in all 1797 images", int(np.sum(Xd.sum(axis=0) == 0)), 10)
singular = False
try:
    em.fit_em(Xd, 1, reg_covar=0.0, max_iter=1)
except em.SingularCovarianceError:
    singular = True
claims.holds("a single Gaussian (K = 1) with reg_covar = 0: the first M-step's covariance is singular", singular)
bern = bernoulli.fit_bernoulli_em(Xd, 10, rng=0, max_iter=50)
gauss = em.fit_em(Xd, 10, rng=0, max_iter=30)
gauss_looser = em.fit_em(Xd, 10, rng=0, max_iter=30, reg_covar=1e-4)  # the same fit, a larger reg_covar
ll_bern = bernoulli.log_likelihood(Xd, bern.mixture) / len(Xd)
scores["d"] = {"Bernoulli mixture": ari(zd, bern.resp.argmax(axis=1)), "GMM": ari(zd, gauss.resp.argmax(axis=1))}
claims.at_most("Bernoulli mixture: log-likelihood per image (nats; a log-probability)", ll_bern, 0.0)
claims.close("Bernoulli mixture: log-likelihood per image (nats)", ll_bern, -19.33, atol=0.05)
claims.close("GMM, reg_covar = 1e-6: 'log-likelihood' per image (nats; a log-density)",
             gauss.log_likelihood / len(Xd), 136.6, atol=0.5)
claims.close("... and how much it drops when reg_covar is 1e-4 instead (nats per image)",
             (gauss.log_likelihood - gauss_looser.log_likelihood) / len(Xd), 56.4, atol=0.5)
claims.at_least("ARI against the digit labels: Bernoulli mixture", scores["d"]["Bernoulli mixture"], 0.5)
_ = claims.at_most("ARI against the digit labels: GMM", scores["d"]["GMM"], 0.2)

# %% [markdown]
# 10 of the 64 pixels are never on. Changing `reg_covar` from $10^{-6}$ to $10^{-4}$, a choice of
# numerics, moves the Gaussian's "fit" by 56 nats per image: the number measures `reg_covar`, not the model. The
# Bernoulli mixture's clusters also match the digits better (ARI 0.55 against 0.13), though neither is a digit
# classifier: it was never shown a label. Its ten prototypes $\mu_k$ (the probability $\mu_{kj}$ of each pixel being
# on), most common first:

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
order_d = np.argsort(-bern.mixture.weights)
mosaic = np.full((2 * 9 + 1, 5 * 9 + 1), np.nan)  # 2 rows of 5 prototypes, a blank line between them
for i, j in enumerate(order_d):
    row, col = divmod(i, 5)
    mosaic[1 + 9 * row:9 + 9 * row, 1 + 9 * col:9 + 9 * col] = bern.mixture.probs[j].reshape(8, 8)
image = ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1)
ax.set_xticks([])
ax.set_yticks([])
ax.set_title(f"Bernoulli prototypes $\\mu_k$, ARI {scores['d']['Bernoulli mixture']:.2f} "
             f"(Gaussian mixture {scores['d']['GMM']:.2f})")
fig.colorbar(image, ax=ax, fraction=0.04, pad=0.03, label="$\\mu_{kj}$, P(pixel on)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 5. Which covariance type
#
# Four data sets of 300 points from three components with the same means; in each, the true covariances follow
# one type (different tilted ellipses; axis-aligned ellipses; circles of three sizes; one tilted ellipse shared
# by all). For each we fit $K = 3$ with all four types and let BIC choose. A freer type contains the others
# (a diagonal or shared matrix is a full one too), so *at its maximum* `full` fits at least as well as any of
# them. EM finds a local maximum, so we check what EM can guarantee: `full` started from the restricted type's
# fit ends at least as high (EM never goes down).

# %%
MEANS3 = np.array([[0.0, 0.0], [7.0, 0.0], [3.5, 6.0]])
DESIGNS = {  # true covariances of each data set, by (major sd, minor sd, angle in degrees)
    "full": [covariance_from_axes(1.8, 0.4, 30), covariance_from_axes(1.8, 0.4, -45), covariance_from_axes(1.2, 0.5, 90)],
    "diag": [covariance_from_axes(1.8, 0.4, 0), covariance_from_axes(1.8, 0.4, 90), covariance_from_axes(1.0, 0.6, 0)],
    "spherical": [covariance_from_axes(0.5, 0.5, 0), covariance_from_axes(1.0, 1.0, 0), covariance_from_axes(1.6, 1.6, 0)],
    "tied": [covariance_from_axes(1.8, 0.4, 30)] * 3,
}
TYPES = ("full", "diag", "spherical", "tied")
chosen = {}
for design, true_covs in DESIGNS.items():
    Xt, _ = mixture.sample(GMM(np.full(3, 1 / 3), MEANS3, np.array(true_covs)), 300, rng=1)
    fits_t = {t: em.fit_em(Xt, 3, rng=0, n_init=3, covariance_type=t) for t in TYPES}
    bic = {t: selection.bic(Xt, f.gmm) for t, f in fits_t.items()}
    p = {t: (3 - 1) + 3 * 2 + {"full": 3 * 3, "diag": 3 * 2, "spherical": 3, "tied": 3}[t] for t in TYPES}
    claims.equal(f"data of type {design!r}: the type BIC chooses", min(bic, key=bic.get), design)
    # BIC = -2 l + p log N, recomputed from the fit's log-likelihood and a parameter count by hand
    claims.close(f"    its BIC from -2 ℓ + p log N (p = {p[design]})", bic[design],
                 -2 * fits_t[design].log_likelihood + p[design] * np.log(300), rtol=1e-9)
    gains = []
    for t in ("diag", "spherical", "tied"):
        g = fits_t[t].gmm
        freed = em.fit_em(Xt, GMM(g.weights, g.means, g.covariances), covariance_type="full", tol=1e-8)
        gains.append(freed.log_likelihood - fits_t[t].log_likelihood)
    claims.at_least("    ℓ of full started from each restricted fit, minus that fit's ℓ (nats, smallest)", min(gains), 0.0)
    chosen[design] = (Xt, fits_t[design])

fig, axes = plt.subplots(1, 4, figsize=(15, 4), sharex=True, sharey=True)
for ax, (design, (Xt, fit_t)) in zip(axes, chosen.items(), strict=True):
    matched = fit_t.gmm.permuted(mixture.match_components(fit_t.gmm.means, MEANS3))  # component k near true mean k
    plot_clusters(Xt, em.e_step(Xt, matched)[0].argmax(axis=1), ax=ax, s=6, label_prefix=None)
    plot_ellipses(matched, ax=ax, label_prefix=None)
    ax.set_title(f"data of type {design!r}:\nBIC's choice, {design!r} (95% ellipses)")
    ax.set_xlabel("$x_1$ (data units)")
    ax.set_aspect("equal")
axes[0].set_ylabel("$x_2$ (data units)")
fig.tight_layout()
plt.show()

# %% [markdown]
# Each time BIC picks the type the data were drawn from; the figure shows the four fits it chose (component 1,
# blue, always the one at the origin). Since the freer type fits at least as well, a simpler type that wins
# wins on the $p \log N$ charge: the extra parameters buy too little likelihood.
#
# ## 6. Common pitfalls
#
# | symptom | cause | fix | lesson |
# |---|---|---|---|
# | two runs give "different" components with the same $\ell$ | **label switching**: any permutation of the components is the same mixture ($K!$ equal maxima) | compare fits after matching components (`mixture.match_components`), or by $\ell$ | [07](07_em_algorithm.ipynb), [09](09_choosing_k.ipynb) |
# | `SingularCovarianceError`, or $\ell \to +\infty$ | a component **collapsed** onto one point (or a line): $\lvert\Sigma_k\rvert \to 0$ | `reg_covar` $> 0$ (default $10^{-6}$), fewer components | [06](06_m_step.ipynb) |
# | a poor fit that depends on the seed | a **local maximum**: EM climbs the hill it starts on | several starts (`n_init`), a k-means start; keep the best $\ell$ | [07](07_em_algorithm.ipynb) |
# | responsibilities of NaN, $\ell = -\infty$ | **underflow**: $\mathcal N(x_n \mid \mu_k, \Sigma_k)$ rounds to 0 far from every component | stay in log space: log-sum-exp | [05](05_e_step.ipynb) |
# | covariances wrong or negative far from the origin | **raw moments**: $\sum_n r_{nk} x_n x_n^\top / N_k - \mu_k\mu_k^\top$ subtracts two huge, nearly equal numbers | centre first: $\sum_n r_{nk}(x_n - \mu_k)(x_n - \mu_k)^\top / N_k$ | [06](06_m_step.ipynb) |
# | training $\ell$ keeps rising with $K$ | **nested models**: a mixture with $K + 1$ components contains every mixture with $K$, so its maximum is never lower (and with a collapsing component unbounded) | penalise or hold out: BIC, AIC or held-out $\ell$ | [09](09_choosing_k.ipynb) |
#
# Two of them in numbers. Underflow: a point 40 standard deviations from a one-dimensional standard
# Gaussian has density $e^{-800}/\sqrt{2\pi}$, below the smallest double. Raw moments: the variance of Old
# Faithful's eruption times, measured in minutes from an origin $10^8$ minutes away (about 190 years).

# %%
x_far = 40.0
naive = np.exp(-0.5 * x_far**2) / np.sqrt(2 * np.pi)
log_density = -0.5 * x_far**2 - 0.5 * np.log(2 * np.pi)
claims.equal("the density itself, in float64", naive, 0.0)
claims.close("its logarithm (nats), computed in log space", log_density, -800.919, atol=1e-3)

t_far = X[:, 0] + 1e8
true_var = np.var(X[:, 0])
raw = np.mean(t_far**2) - np.mean(t_far) ** 2
centred = np.mean((t_far - t_far.mean()) ** 2)
claims.close("centred variance from the far origin, against np.var at the near one (min²)", centred, true_var, rtol=1e-6)
claims.close("the true variance (min²)", true_var, 1.298, atol=5e-4)
_ = claims.at_most("the raw-moment variance from the far origin, in absolute value (min²)", abs(raw), 0.01)

# %% [markdown]
# The density is exactly 0, its log is a perfectly ordinary $-800.9$; the centred variance is right to
# six digits, while the raw-moment formula returns (nearly) 0 instead of 1.30 min²: every digit of the
# difference is lost, as if all eruptions lasted equally long.
#
# ## 7. Where to go next
#
# - **Variational Bayes and Dirichlet-process mixtures.** Put priors on $\pi$, $\mu_k$, $\Sigma_k$ and replace
#   EM's point estimate by an approximate posterior (the bound of lesson 04, maximised over a family of $q$ that
#   includes the parameters). The prior on the weights has a *concentration* parameter: its pseudo-count of how
#   many points a component holds before seeing data. A **Dirichlet process** is the limit of a Dirichlet prior on
#   the weights as $K \to \infty$: a mixture with as many components as the data ask for. scikit-learn's
#   `BayesianGaussianMixture` fits a truncated one by default (`weight_concentration_prior_type="dirichlet_process"`),
#   offered `n_components` at most; components the data do not need end with weights near 0.
# - **Hidden Markov models.** The latent $z_n$ form a Markov chain over time instead of being independent; the
#   E-step becomes the forward–backward algorithm, the M-step counts expected transitions (EM's name there:
#   Baum–Welch). Lesson 11, section 12, previews them; seed 001 lists them among the models EM trains.
# - **Topic models.** Each document is a mixture of topics, each topic a distribution over words: a Bernoulli
#   or multinomial mixture (lesson 11) with one mixture per document (latent Dirichlet allocation, fitted by
#   variational EM).
# - **Missing data.** EM treats missing entries as hidden variables: the E-step fills in their expectations under
#   the current parameters (lesson 11 does it for missing pixels), and the M-step is unchanged.
# - **Mixtures of experts.** The weights depend on an input, $\pi_k(u)$ (a softmax gate), and each component
#   is a regression model; EM fits gate and experts in turn.
# - **Mixtures of factor analysers.** Each $\Sigma_k = W_k W_k^\top + \Psi_k$ with a low-rank $W_k$: between
#   `diag` and `full`, for large $d$.
# - **EM itself, more generally.** Generalised EM (an M-step that only improves $Q$), and the bound of lesson 04
#   as the starting point of variational inference.
#
# A small check of the first item on Old Faithful: six components offered, a concentration prior of 0.01, and two
# components keep a weight above 0.01, the two eruption types of section 2.

# %%
bgm = BayesianGaussianMixture(n_components=6, weight_concentration_prior=0.01, max_iter=500, random_state=0).fit(X)
claims.holds("BayesianGaussianMixture converged", bgm.converged_)
claims.equal("its default prior type", bgm.weight_concentration_prior_type, "dirichlet_process")
claims.equal("components with weight above 0.01", int(np.sum(bgm.weights_ > 0.01)), 2)
claims.at_most("the other four: largest weight", np.sort(bgm.weights_)[-3], 0.01)
_ = claims.close("the two weights, against the EM fit of section 2 (sorted)", np.sort(bgm.weights_)[-2:],
                 np.sort(weights), atol=0.01)

# %% [markdown]
# ## Summary
#
# - The table of section 1 is the course: each idea, its formula in the course's notation, its lesson, its
#   function.
# - EM for a Gaussian mixture fits in about twenty lines (log space, Cholesky, centred scatters, `reg_covar`);
#   from the same start parameters, with `tol=0` and the same `reg_covar`, it agrees with `fit_em` and
#   scikit-learn to $10^{-9}$ nats at each of 40 iterations on Old Faithful.
# - Choose by the data: k-means for round, equal clusters (ARI 0.99 there, like the mixture) and as a codebook;
#   a full mixture for tilted or elongated ones (0.99 against k-means' 0.42); mean-shift when $K$ is unknown and
#   the clusters are separate peaks of similar width (3 skewed clusters found for every $h$ from 0.75 to 2.5, where
#   BIC counted 6 Gaussians), not when they are long or overlap (lesson 10); a Bernoulli mixture for binary data
#   (a Gaussian there needs `reg_covar` even for $K = 1$, and its log-density measures `reg_covar`); BIC picks the
#   covariance type the data came from.
# - Pitfalls: label switching, collapsing components, local maxima, underflow, raw moments, choosing $K$ by the
#   training likelihood of nested models; each has a one-line fix and a lesson.
#
# **Self-test:** [exercises/14_cheat_sheet.ipynb](../exercises/14_cheat_sheet.ipynb) — choose the covariance
# type for two data sets, count the parameters of seven models, repair a broken EM, and predict which of two
# starts ends higher.
