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
# # Lesson 11 — EM as a general recipe: a mixture of Bernoullis on handwritten digits
#
# Lessons 04–07 built EM for a Gaussian mixture, but the argument never needed a Gaussian. This lesson
# states EM for **any** model with hidden variables, checks its two facts (the decomposition
# $\ell = \mathcal L + \mathrm{KL}$, and that its fixed points are stationary points) on a second model, and works
# that model end to end: a **mixture of Bernoullis** that clusters binary 8×8 images of handwritten digits
# without ever seeing their labels. A short look at hidden Markov models, where the hidden variables form a
# chain, closes it.
#
# **Learning goals.** After this lesson you can
#
# 1. write the E-step and the M-step of EM for a new latent-variable model from its complete-data log-likelihood;
# 2. verify $\log p(X \mid \theta) = \mathcal L(q, \theta) + \mathrm{KL}\big(q \,\Vert\, p(Z \mid X, \theta)\big)$ for an arbitrary $q(Z)$
#    by enumerating every configuration of $Z$;
# 3. derive the E-step (in log space) and the M-step (a Lagrange multiplier for $\pi$, the mode of a Beta
#    posterior for each pixel, from the expected sufficient statistics $N_k$ and $S_{kj}$) of a mixture of Bernoullis,
#    and say when each is a maximum;
# 4. explain why a Beta prior keeps every pixel probability off 0 and 1, and what goes wrong without it;
# 5. show that EM's fixed points are stationary points of the objective it climbs (the log posterior, with a prior);
# 6. say what the E-step becomes when the hidden labels form a Markov chain (the forward–backward algorithm),
#    and check its forward half against a sum over every path.
#
# **You need:** lesson 04 (the bound $\mathcal L(q, \theta)$ and the KL gap), lessons 05–06 (E- and M-step with a
# Lagrange multiplier), lesson 07 (the EM loop, monotonicity, fixed points). Notation as on the start page: $N$
# images indexed $n$, $K$ components indexed $k$ (numbered $1, \dots, K$ in the text; in Python component $k$ is
# index $k - 1$), $d = 64$ pixels indexed $j$, responsibilities $r_{nk}$, $N_k = \sum_n r_{nk}$, $\ell(\theta)$ in nats.
# For a Bernoulli component the mean $\mu_k$ is a vector of pixel probabilities $\mu_{kj}$ (in code `probs[k - 1, j]`).

# %%
# %matplotlib inline
import itertools
import math

import matplotlib.pyplot as plt
import numpy as np
from scipy import optimize, special, stats
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics.cluster import contingency_matrix

from coursepkg import bernoulli, claims
from coursepkg.bernoulli import BernoulliMixture
from coursepkg.widgets.prototype_lab import initial_state, make_prototype_lab
from coursepkg.widgets.prototype_lab import run as run_lab
from coursepkg.widgets.questions import concept_question

SEED = 11
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)


def log_joint_scipy(X, weights, probs):
    """a_nk = log pi_k + sum_j log Bernoulli(x_nj | mu_kj), from scipy.stats: the lesson's reference, (N, K)."""
    return np.log(weights) + np.stack(
        [stats.bernoulli(probs[k]).logpmf(X).sum(axis=1) for k in range(len(weights))], axis=1)


def ell_numpy(X, weights, probs):
    """l(theta) = sum_n log sum_k exp(a_nk), with the log joint as two matrix products (independent of coursepkg)."""
    a = np.log(weights) + X @ np.log(probs).T + (1 - X) @ np.log1p(-probs).T
    return special.logsumexp(a, axis=1).sum()


# %% [markdown]
# ## 1. The recipe: EM for any model with hidden variables
#
# Take any model with observed data $X$, hidden variables $Z$ and parameters $\theta$, given as a joint
# distribution $p(X, Z \mid \theta)$. We want the maximum of
#
# $$
# \ell(\theta) = \log p(X \mid \theta) = \log \sum_{Z} p(X, Z \mid \theta)
# $$
#
# (an integral if $Z$ is continuous). Lesson 03 met the obstacle for the Gaussian mixture: setting the gradient of a
# log of a sum to zero couples every parameter to every other, while a data set *with* its labels is fitted by
# counting and averaging. EM turns the first problem into a sequence of the second. From a guess $\theta^{(0)}$ it
# alternates:
#
# - **E-step.** Compute the posterior of the hidden variables under the current parameters,
#   $q(Z) = p(Z \mid X, \theta^{\text{old}})$, or whatever part of it the next step needs.
# - **M-step.** $\theta^{\text{new}} = \arg\max_\theta Q(\theta, \theta^{\text{old}})$, where
#   $Q(\theta, \theta^{\text{old}}) = \sum_Z q(Z) \log p(X, Z \mid \theta) = \mathbb E_{q}\big[\log p(X, Z \mid \theta)\big]$.
#
# The loop ends once an iteration no longer moves the objective by more than a tolerance (lesson 07, section 8 on
# choosing it). For the models of this course the E-step reduces to a few **expected sufficient statistics** (lesson
# 03, section 8): the sums of responsibilities and responsibility-weighted data that $Q$ needs, and nothing else.
# Nothing of lesson 04's argument used Gaussians: for *any*
# distribution $q$ over $Z$,
#
# $$
# \ell(\theta) = \underbrace{\sum_Z q(Z) \log \frac{p(X, Z \mid \theta)}{q(Z)}}_{\mathcal L(q, \theta) \;=\; Q + H(q)}
# \;+\; \underbrace{\sum_Z q(Z) \log \frac{q(Z)}{p(Z \mid X, \theta)}}_{\mathrm{KL}(q \,\Vert\, p(Z \mid X, \theta)) \;\ge\; 0}
# $$
#
# because $\log p(X, Z \mid \theta) - \log p(Z \mid X, \theta) = \log p(X \mid \theta)$ for every $Z$, and $\sum_Z q(Z) = 1$.
# The E-step makes the KL term 0 (the bound touches $\ell$ at $\theta^{\text{old}}$), the M-step raises $\mathcal L$
# (its entropy part $H(q)$ does not depend on $\theta$), so $\ell(\theta^{\text{new}}) \ge \mathcal L(q, \theta^{\text{new}}) \ge
# \mathcal L(q, \theta^{\text{old}}) = \ell(\theta^{\text{old}})$, exactly as in lesson 07, section 4.
#
# **With a prior** $p(\theta)$ the same steps, with $\log p(\theta)$ added to what the M-step maximises, climb the
# log posterior $\tilde\ell(\theta) = \ell(\theta) + \log p(\theta)$ (the posterior up to the constant $\log p(X)$): add $\log p(\theta)$
# to every term of the chain above. The E-step does not change (the prior does not involve $Z$). That is **MAP-EM**;
# we use it below, and then it is $\tilde\ell$, not $\ell$, that never falls.

# %%
concept_question("11", 1)

# %% [markdown]
# ## 2. A second model: a mixture of Bernoullis for binary images
#
# scikit-learn ships 1,797 handwritten digits as 8×8 images of grey levels 0–16. We switch a pixel on where its
# level is at least 8 (half the range): each image becomes a vector $x_n \in \{0, 1\}^{64}$, read row by row.

# %%
digits = load_digits()
X, y = bernoulli.load_binary_digits()
N, d = X.shape
claims.equal("images and pixels (N, d)", (N, d), (1797, 64))
claims.holds("the binarised images are load_digits' grey levels >= 8", np.array_equal(X, digits.data >= 8))
_ = claims.between("share of pixels that are on", X.mean(), 0.3, 0.35)

fig, axes = plt.subplots(2, 10, figsize=(10, 2.4), layout="constrained")
for i, n in enumerate(np.argmax(y[:, None] == np.arange(10), axis=0)):  # the first image of each digit
    axes[0, i].imshow(digits.images[n], cmap="gray_r", vmin=0, vmax=16)
    axes[1, i].imshow(X[n].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[0, i].set_title(f"digit {y[n]}", fontsize=9)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("grey 0–16", fontsize=9)
axes[1, 0].set_ylabel("binary", fontsize=9)
fig.suptitle("The first image of each digit, as scikit-learn gives it (top) and binarised at 8 (bottom)", fontsize=10)
plt.show()

# %% [markdown]
# The binary images keep the strokes. The model's story for one image:
#
# 1. pick a component $z_n = k$ with probability $\pi_k$;
# 2. switch each pixel $j$ on independently, with probability $\mu_{kj}$: $x_{nj} \sim \text{Bernoulli}(\mu_{kj})$.
#
# Inside a component the pixels are independent, so
#
# $$
# p(x_n \mid z_n = k, \theta) = \prod_{j=1}^{d} \mu_{kj}^{\,x_{nj}} (1 - \mu_{kj})^{1 - x_{nj}},
# \qquad
# a_{nk} = \log p(x_n, z_n = k \mid \theta) = \log \pi_k + \sum_{j=1}^{d} \big[x_{nj} \log \mu_{kj} + (1 - x_{nj}) \log (1 - \mu_{kj})\big].
# $$
#
# The mixture is not: which pixels are on together tells which component drew the image, which is what lets it
# cluster. The mean of component $k$ is $\mathbb E[x_n \mid z_n = k] = \mu_k$, the vector of pixel probabilities;
# drawn as an 8×8 grey image it is the component's **prototype**. `coursepkg.bernoulli` holds this model;
# its log joint is two matrix products, checked here against `scipy.stats.bernoulli` for a random mixture.

# %%
K_small = 4
weights_r = rng.dirichlet(np.ones(K_small))
probs_r = rng.uniform(0.05, 0.95, size=(K_small, d))
mix_r = BernoulliMixture(weights_r, probs_r)
claims.close("log joint a_nk: coursepkg against scipy.stats.bernoulli, 1797 × 4 entries",
             bernoulli.log_joint(X, mix_r), log_joint_scipy(X, weights_r, probs_r), rtol=1e-12)
_ = claims.close("log-likelihood l: coursepkg against the numpy expression", bernoulli.log_likelihood(X, mix_r),
                 ell_numpy(X, weights_r, probs_r), rtol=1e-12)

# %% [markdown]
# ## 3. $\log p = \mathcal L(q, \theta) + \mathrm{KL}$ for any $q(Z)$, by enumerating every $Z$
#
# The decomposition of section 1 is about distributions over the **whole** hidden configuration
# $Z = (z_1, \dots, z_N)$, not just one point's label. For 5 images and $K = 3$ there are $3^5 = 243$
# configurations: few enough to list. We take an **arbitrary** $q$ over the 243 configurations (random, and not a
# product over images) and compute the three terms from three separate sources, so that the identity is tested and
# not rearranged: $\mathcal L(q, \theta) = \sum_Z q(Z)[\log p(X, Z \mid \theta) - \log q(Z)]$ with $\log p(X, Z \mid \theta) = \sum_n a_{n z_n}$
# from scipy's Bernoulli log-pmf; the KL with `scipy.special.rel_entr` against the posterior $p(Z \mid X, \theta)$ built
# from `coursepkg`'s E-step (why that is allowed comes just below); and $\log p(X \mid \theta)$ from
# `bernoulli.log_likelihood`.

# %%
X5 = X[[0, 1, 2, 3, 4]]
weights3, probs3 = np.array([0.5, 0.3, 0.2]), rng.uniform(0.1, 0.9, size=(3, d))
mix3 = BernoulliMixture(weights3, probs3)
a5 = log_joint_scipy(X5, weights3, probs3)  # (5, 3)
configs = np.array(list(itertools.product(range(3), repeat=5)))  # (243, 5): every Z
log_pXZ = a5[np.arange(5), configs].sum(axis=1)  # log p(X, Z | theta) for each configuration
log_pX = bernoulli.log_likelihood(X5, mix3)  # log p(X | theta), from coursepkg
resp5, _ = bernoulli.e_step(X5, mix3)
post_Z = np.prod(resp5[np.arange(5), configs], axis=1)  # p(Z | X, theta) as a product of the E-step's r_{n z_n}
claims.close("log p(X | θ): log of the sum of p(X, Z | θ) over all 243 Z (scipy) against coursepkg",
             special.logsumexp(log_pXZ), log_pX, rtol=1e-12)

q = rng.dirichlet(np.full(243, 0.5))  # an arbitrary distribution over the 243 configurations
L_q = np.sum(q * (log_pXZ - np.log(q)))  # from scipy's log-pmf
KL_q = special.rel_entr(q, post_Z).sum()  # from the E-step's responsibilities
claims.close("L(q, θ) + KL(q ‖ p(Z | X, θ)) against log p(X | θ), an arbitrary q", L_q + KL_q, log_pX, atol=1e-10)
claims.at_least("KL(q ‖ posterior) for that q (nats, > 0)", KL_q, 1.0)
_ = claims.close("q = the posterior: L(q, θ) from scipy's log joint against log p(X | θ) (the KL is 0)",
                 np.sum(post_Z * (log_pXZ - np.log(post_Z))), log_pX, atol=1e-10)

# %% [markdown]
# The KL of that random $q$ is large, yet $\mathcal L + \mathrm{KL}$ lands on $\log p(X \mid \theta)$ to rounding. Using the
# product of the $r_{n z_n}$ as the posterior was no shortcut; the enumeration confirms it, with two more facts. The exact
# posterior over $Z$ is a **product** over images,
# $p(Z \mid X, \theta) = \prod_n r_{n z_n}$, because the images are independent given $\theta$; so the E-step needs only
# the $N \times K$ table $r$, not a distribution over $K^N$ configurations. And for a $q$ that *is* such a product
# (rows $q_{nk}$), the sums over $Z$ collapse to the per-image bound that `bernoulli.lower_bound` computes.

# %%
log_post = log_pXZ - special.logsumexp(log_pXZ)  # log p(Z | X, theta) by brute force, from scipy's log-pmf
claims.close("p(Z | X, θ) over all 243 Z, brute force, against the product of the E-step's r_nz_n", np.exp(log_post),
             post_Z, atol=1e-13)
q_rows = rng.dirichlet(np.ones(3), size=5)  # a product q: one distribution per image
q_prod = np.prod(q_rows[np.arange(5), configs], axis=1)
L_prod = np.sum(q_prod * (log_pXZ - np.log(q_prod)))
_ = claims.close("product q: L by enumeration against bernoulli.lower_bound", L_prod,
                 bernoulli.lower_bound(X5, q_rows, mix3), atol=1e-10)

# %% [markdown]
# ## 4. The E-step, in log space
#
# Bayes' rule, as in lesson 05, with the Bernoulli log joint in place of the Gaussian one:
#
# $$
# r_{nk} = \frac{\pi_k\, p(x_n \mid z_n = k)}{\sum_{i} \pi_i\, p(x_n \mid z_n = i)} = \exp\Big(a_{nk} - \log \sum_{i=1}^K e^{a_{ni}}\Big).
# $$
#
# The log joint is a sum of 64 terms; the product it stands for is a product of 64 probabilities. On the 8×8
# digits that product stays inside float64's range (down to $e^{-744.4}$, counting the subnormal numbers below the
# normal range, which ends at $e^{-708.4}$), but it is tiny, and it shrinks geometrically with the number of pixels.
# We fit a model (section 9 does this properly), then build longer images by repeating each digit's 64 pixels $c$
# times (an $8 \times 8c$ strip of $c$ copies; the model gets $c$ copies of each prototype), and apply Bayes' rule the
# naive way, with the probabilities themselves. The log joint of a strip is known exactly,
# $\log \pi_k + c\,(a_{nk} - \log \pi_k)$, so scipy's softmax of it is the reference for the log-space E-step.

# %%
claims.close("float64: log of the smallest subnormal number", np.log(np.nextafter(0.0, 1.0)), -744.44, atol=0.01)
claims.close("float64: log of the smallest normal number", np.log(np.finfo(float).tiny), -708.40, atol=0.01)
fit0 = bernoulli.fit_bernoulli_em(X, 10, rng=0, max_iter=300)
a_fit = bernoulli.log_joint(X, fit0.mixture)
log_w0 = np.log(fit0.mixture.weights)
claims.between("8×8: the least probable image, log max_k p(x_n, z_n = k) (nats)", a_fit.max(axis=1).min(), -45, -35)
naive_nan = {}
for c in (16, 36, 64):
    Xc, probs_c = np.tile(X, c), np.tile(fit0.mixture.probs, c)  # 64 c pixels per image
    joint = fit0.mixture.weights * np.exp(Xc @ np.log(probs_c).T + (1 - Xc) @ np.log1p(-probs_c).T)
    with np.errstate(invalid="ignore"):
        naive = joint / joint.sum(axis=1, keepdims=True)
    naive_nan[c] = np.isnan(naive).any(axis=1).mean()
    in_logs = bernoulli.e_step(Xc, BernoulliMixture(fit0.mixture.weights, probs_c))[0]
    claims.close(f"{64 * c} pixels: log-space E-step against scipy's softmax of log π + c (a − log π)", in_logs,
                 special.softmax(log_w0 + c * (a_fit - log_w0), axis=1), atol=1e-9)
claims.equal("1,024 pixels (16 copies): share of images whose naive responsibilities are NaN", naive_nan[16], 0.0)
claims.between("2,304 pixels (36 copies): share of images whose naive responsibilities are NaN (0/0)", naive_nan[36],
               0.15, 0.3)
_ = claims.at_least("4,096 pixels (64 copies): the same share", naive_nan[64], 0.85)

# %% [markdown]
# At 1,024 pixels the naive formula still works; at 2,304 about a fifth of the images have all their $K$ products
# underflow to 0, and $0/0$ is NaN; at 4,096 (the pixel count of a 64×64 image) nearly nine in ten. In log space nothing underflows: `bernoulli.e_step` computes $a_{nk}$ as two matrix products,
# $X \log\mu^\top + (1 - X)\log(1 - \mu)^\top + \log \pi$, and normalises each row by log-sum-exp. Against scipy on the digits:

# %%
resp_fit, ll_fit = bernoulli.e_step(X, fit0.mixture)
a_ref = log_joint_scipy(X, fit0.mixture.weights, fit0.mixture.probs)
claims.close("E-step: coursepkg against softmax of scipy's log joint", resp_fit, special.softmax(a_ref, axis=1),
             atol=1e-12)
claims.close("rows of r sum to 1", resp_fit.sum(axis=1), 1.0, atol=1e-12)
_ = claims.close("log-likelihood: coursepkg against scipy's logsumexp", ll_fit, special.logsumexp(a_ref, axis=1).sum(),
                 rtol=1e-12)

# %% [markdown]
# ## 5. The M-step: a Lagrange multiplier for $\pi$, a Beta prior for each $\mu_{kj}$
#
# With the responsibilities fixed, the M-step maximises $Q(\theta, \theta^{\text{old}}) + \log p(\theta)$. Write the expected
# counts $N_k = \sum_n r_{nk}$ (images of component $k$) and $S_{kj} = \sum_n r_{nk} x_{nj}$ (those with pixel $j$ on). Then
#
# $$
# Q(\theta, \theta^{\text{old}}) = \sum_{k} N_k \log \pi_k + \sum_{k, j} \big[S_{kj} \log \mu_{kj} + (N_k - S_{kj}) \log (1 - \mu_{kj})\big],
# $$
#
# two separate problems. $N_k$ and $S_{kj}$ are this model's **expected sufficient statistics** (lesson 03, section 8):
# the E-step needs to hand the M-step nothing else. We put a **Beta($\alpha, \beta$) prior** on every $\mu_{kj}$, density
# $\propto \mu^{\alpha - 1}(1 - \mu)^{\beta - 1}$ ($\alpha, \beta \ge 1$), and none on $\pi$ (equivalently a flat Dirichlet, whose MAP
# is the ML estimate).
#
# **Weights.** Maximise $\sum_k N_k \log \pi_k$ subject to $\sum_k \pi_k = 1$: with a multiplier $\nu$,
# $\partial/\partial \pi_k \,[\sum_i N_i \log \pi_i + \nu(\sum_i \pi_i - 1)] = N_k / \pi_k + \nu = 0$, so $\pi_k = -N_k / \nu$; summing over
# $k$, $1 = -N/\nu$, so $\nu = -N$ and
#
# $$\pi_k = \frac{N_k}{N} .$$
#
# The objective is concave (a sum of $N_k \log \pi_k$) on the simplex, so this stationary point is the maximum (a
# component with $N_k = 0$ gets $\pi_k = 0$) — lesson 06's result, unchanged: the weights never see the component's shape.
#
# **Pixel probabilities.** The terms with $\mu_{kj}$, prior included, are
#
# $$
# f(\mu) = (S_{kj} + \alpha - 1) \log \mu + (N_k - S_{kj} + \beta - 1) \log (1 - \mu),
# \qquad
# f'(\mu) = \frac{S_{kj} + \alpha - 1}{\mu} - \frac{N_k - S_{kj} + \beta - 1}{1 - \mu} = 0
# \;\Longrightarrow\;
# \mu_{kj} = \frac{S_{kj} + \alpha - 1}{N_k + \alpha + \beta - 2} .
# $$
#
# Both coefficients are $\ge 0$ (as $0 \le S_{kj} \le N_k$ and $\alpha, \beta \ge 1$). When both are positive, $f$ is strictly
# concave on $(0, 1)$ and falls to $-\infty$ at both ends, so this is its unique maximum, strictly inside $(0, 1)$; with
# $\alpha, \beta > 1$ that holds even for an empty component. With $\alpha = \beta = 1$ (no prior) it is the ML estimate
# $S_{kj} / N_k$ (which needs $N_k > 0$), and it is 0 when no image of the component has pixel $j$ on: a maximum at the
# boundary. The prior acts as **pseudo-counts**: $\alpha - 1$ imagined images with the pixel on and $\beta - 1$ with it
# off, per component. Beta(2, 2) gives Laplace's rule $(S_{kj} + 1) / (N_k + 2)$.
#
# The Beta prior is **conjugate** to the Bernoulli: multiplied by the (expected) likelihood $\mu^{S_{kj}}(1 - \mu)^{N_k - S_{kj}}$
# it stays a Beta density, Beta($S_{kj} + \alpha$, $N_k - S_{kj} + \beta$), and $f$ is its log up to a constant. So the
# M-step's $\mu_{kj}$ is the **mode of that Beta posterior**, $(A - 1)/(A + B - 2)$ with $A = S_{kj} + \alpha$ and
# $B = N_k - S_{kj} + \beta$: a closed form because of conjugacy.
#
# We check the closed form against a numerical optimiser (scipy's bounded scalar minimiser on $-f$, for a few pixels
# of a random responsibility table), and against `bernoulli.m_step`.

# %%
alpha, beta = 2.0, 2.0
X200 = X[:200]
r_rand = rng.dirichlet(np.ones(3), size=200)  # any responsibilities will do
Nk, S = r_rand.sum(axis=0), r_rand.T @ X200  # (3,), (3, 64)
closed = (S + alpha - 1) / (Nk[:, None] + alpha + beta - 2)
found = []
for k, j in [(0, 0), (0, 27), (1, 36), (2, 60), (2, 19)]:
    f = lambda m, k=k, j=j: -((S[k, j] + alpha - 1) * np.log(m) + (Nk[k] - S[k, j] + beta - 1) * np.log1p(-m))
    found.append(optimize.minimize_scalar(f, bounds=(1e-12, 1 - 1e-12), method="bounded",
                                          options={"xatol": 1e-12}).x)
claims.close("μ_kj: closed form against scipy's bounded optimiser, 5 pixels", closed[[0, 0, 1, 2, 2], [0, 27, 36, 60, 19]],
             found, atol=1e-8)
m_new = bernoulli.m_step(X200, r_rand, alpha, beta)
claims.close("bernoulli.m_step: pixel probabilities against the closed form", m_new.probs, closed, atol=1e-14)
claims.close("bernoulli.m_step: weights against N_k / N", m_new.weights, Nk / 200, atol=1e-14)
claims.at_least("pixels that none of these 200 images has on", int(np.sum(X200.sum(axis=0) == 0)), 10)
_ = claims.between("every μ_kj strictly inside (0, 1), even for pixels no image has on", m_new.probs, 1e-3, 1 - 1e-3)

# %% [markdown]
# ## 6. The implementation against a naive loop
#
# The package computes both steps with matrix products. A plain Python loop over images, components and pixels,
# with `math.log` and `math.exp` and no numpy, is slow but hard to get wrong; on 150 images and $K = 4$ the two must agree.

# %%
def naive_e_step(images, weights, probs):
    """Responsibilities (lists) and the log-likelihood by explicit loops, log-sum-exp by hand."""
    resp, total = [], 0.0
    for x in images:
        a = []
        for k in range(len(weights)):
            s = math.log(weights[k])
            for j in range(len(x)):
                s += math.log(probs[k][j]) if x[j] == 1 else math.log(1 - probs[k][j])
            a.append(s)
        top = max(a)
        log_px = top + math.log(sum(math.exp(v - top) for v in a))
        resp.append([math.exp(v - log_px) for v in a])
        total += log_px
    return resp, total


def naive_m_step(images, resp, alpha, beta):
    """Weights and pixel probabilities by explicit loops over images."""
    K, D = len(resp[0]), len(images[0])
    counts, on = [0.0] * K, [[0.0] * D for _ in range(K)]
    for x, r in zip(images, resp, strict=True):
        for k in range(K):
            counts[k] += r[k]
            for j in range(D):
                on[k][j] += r[k] * x[j]
    weights = [c / len(images) for c in counts]
    probs = [[(on[k][j] + alpha - 1) / (counts[k] + alpha + beta - 2) for j in range(D)] for k in range(K)]
    return weights, probs


X150 = X[:150]
start4 = bernoulli.initial_mixture(X150, 4, rng=1)
r_loop, ll_loop = naive_e_step(X150.astype(int).tolist(), start4.weights.tolist(), start4.probs.tolist())
r_pkg, ll_pkg = bernoulli.e_step(X150, start4)
claims.close("E-step: coursepkg against the loop, 150 × 4 responsibilities", r_pkg, r_loop, atol=1e-13)
claims.close("log-likelihood: coursepkg against the loop", ll_pkg, ll_loop, rtol=1e-12)
w_loop, p_loop = naive_m_step(X150.tolist(), r_loop, 2.0, 2.0)
m_pkg = bernoulli.m_step(X150, r_pkg)
claims.close("M-step weights: coursepkg against the loop", m_pkg.weights, w_loop, atol=1e-13)
_ = claims.close("M-step pixel probabilities: coursepkg against the loop", m_pkg.probs, p_loop, atol=1e-13)

# %% [markdown]
# ## 7. With a prior, EM climbs the log posterior, not the log-likelihood
#
# Now the properties any EM run must have, on the full digits for five starts, iteration by iteration: rows of $r$
# summing to one, and an objective that never falls. With the Beta(2, 2) prior that objective is the log posterior
# $\tilde\ell = \ell + \log p(\theta)$; the log-likelihood $\ell$ alone is **not** guaranteed to rise, and we record it too.
# Both are computed outside `coursepkg`: $\ell$ by the numpy expression, $\log p(\theta)$ by `scipy.stats.beta`.

# %%
worst_rows, F_runs, ell_runs = 0.0, [], []
for seed in range(5):
    mix = bernoulli.initial_mixture(X, 10, rng=seed)
    F_hist, ell_hist = [], []
    for _ in range(40):
        r, _ = bernoulli.e_step(X, mix)
        worst_rows = max(worst_rows, np.abs(r.sum(axis=1) - 1).max())
        ell_hist.append(ell_numpy(X, mix.weights, mix.probs))  # l from the independent numpy expression
        F_hist.append(ell_hist[-1] + stats.beta(2, 2).logpdf(mix.probs).sum())  # + log p(theta), from scipy
        mix = bernoulli.m_step(X, r)
    F_runs.append(np.diff(F_hist))
    ell_runs.append(np.diff(ell_hist))
F_steps, ell_steps = np.concatenate(F_runs), np.concatenate(ell_runs)
worst_ell_run = int(np.argmin([d.min() for d in ell_runs]))
claims.equal("iterations compared (5 starts × 39 changes)", F_steps.size, 195)
claims.at_most("largest |row sum of r − 1| over 5 × 40 E-steps", worst_rows, 1e-12)
claims.at_least("smallest change of the log posterior ℓ̃ per iteration (nats): never negative", F_steps.min(), 0.0)
_ = claims.between("smallest change of the log-likelihood l alone (nats): it does dip, by about 0.04", ell_steps.min(),
                   -0.045, -0.03)

fig, ax = plt.subplots(figsize=(7.5, 3.4), layout="constrained")
steps_axis = np.arange(1, 40)
ax.plot(steps_axis, F_runs[worst_ell_run], color="black", marker="o", ms=3, label="log posterior ℓ̃ = ℓ + log p(θ)")
ax.plot(steps_axis, ell_runs[worst_ell_run], color="tab:orange", marker="s", ms=3, label="log-likelihood ℓ")
ax.axhline(0, color="grey", lw=0.8)
ax.set_yscale("symlog", linthresh=1e-2)
ax.set_ylim(-0.3, 3e4)
ax.set_xlabel("iteration")
ax.set_ylabel("change per iteration (nats)")
ax.set_title(f"Start {worst_ell_run}: ℓ̃ rises at every iteration, ℓ falls at some")
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# The log posterior rose at every one of the 195 iterations; the log-likelihood fell at some of them, by up to
# 0.04 nats (the orange points below the zero line; the axis is linear within ±0.01 nats and logarithmic outside).
# That is no bug: the M-step maximises $Q + \log p(\theta)$, so the chain of section 1 guarantees
# $\tilde\ell$, and the prior may trade a little likelihood for pixel probabilities further from 0 and 1.

# %% [markdown]
# ## 8. The prototype lab: step EM yourself
#
# Before the full fit, watch EM form the prototypes on all 1,797 digits. **E-step** computes the responsibilities (the
# bars under the prototypes show their column sums $N_k$), **M-step** the new prototypes and weights from them,
# **EM step** does both, **10 EM steps** ten times that. The prototypes are numbered by weight, heaviest first, as in
# section 9's figure. Change $K$, the seed of the starting images, or drop the prior (maximum likelihood: watch the count
# of pixel probabilities at exactly 0 or 1 in the read-out). The left curve is the objective per image, the log
# posterior (with no prior, the log-likelihood); the right one is the gain of each M-step on a log scale, where the
# late, small gains stay visible. A prediction first:

# %%
concept_question("11", 2)

# %%
lab = make_prototype_lab(X, y)
lab

# %% [markdown]
# The lab's first 13 steps, run here (seed 0, $K = 10$, Beta(2, 2)): the start is blurred, the first M-step already
# sharpens the prototypes, and the objective climbs steeply for a few iterations and then creeps.

# %%
for _ in range(3):
    lab.press("EM step")
lab.press("10 EM steps")
after13 = lab.state()
lab_gains = np.diff(after13.history) / N
claims.at_least("gain of the first M-step (nats per image)", lab_gains[0], 5.0)
claims.at_most("gain of the 13th (nats per image)", lab_gains[-1], 0.05)
claims.at_least("smallest gain (never negative)", lab_gains.min(), 0.0)
lab_mix = after13.mixture
_ = claims.close("the lab's objective after 13 steps against l (numpy) + log p(θ) (scipy) of the mixture it shows",
                 after13.objective,
                 ell_numpy(X, lab_mix.weights, lab_mix.probs) + stats.beta(2, 2).logpdf(lab_mix.probs).sum(), rtol=1e-12)

# %% [markdown]
# Things to try: $K = 2$ (which digits share a prototype?), $K = 10$ with several seeds (different local maxima, one
# digit split in two styles), and "none: maximum likelihood" run for 30 steps. The read-out counts the pixel
# probabilities at exactly 0 or 1: 100 after the first M-step (the 10 border pixels that no digit ever switches on,
# in each of the 10 components), and about 150 after 30, as the responsibilities harden (the exact count after 30 depends
# on the rounding of sums: a probability within rounding of 1 becomes exactly 1 or not):

# %%
ml_lab = run_lab(initial_state(X, 10, seed=0, prior=None), 1)
at_01 = [int(np.sum((s.mixture.probs == 0) | (s.mixture.probs == 1))) for s in (ml_lab, run_lab(ml_lab, 29))]
never_on = X.sum(axis=0) == 0
claims.equal("pixels that no digit has on", int(never_on.sum()), 10)
claims.holds("  all on the border (column 1 or 8 of the image)", bool(np.all(np.isin(np.flatnonzero(never_on) % 8, [0, 7]))))
claims.holds("after 1 M-step those are the ones at 0 or 1: at 0, in every component",
             np.array_equal((ml_lab.mixture.probs == 0) | (ml_lab.mixture.probs == 1), np.tile(never_on, (10, 1)))
             and bool(np.all(ml_lab.mixture.probs[:, never_on] == 0)))
claims.equal("no prior: pixel probabilities at exactly 0 or 1 after 1 M-step", at_01[0], 100)
_ = claims.between("... after 30 M-steps (about 150)", at_01[1], 140, 165)

# %% [markdown]
# ## 9. Fitted on 1,797 digits: the prototypes
#
# $K = 10$, five starts (k-means++ picks the starting images, `bernoulli.initial_mixture`), the one with the highest
# log posterior kept (lesson 07: EM finds local maxima, so restart). The labels $y_n$ are not used.

# %%
fits = [fit0] + [bernoulli.fit_bernoulli_em(X, 10, rng=seed, max_iter=300) for seed in range(1, 5)]  # fit0: seed 0
best = max(fits, key=lambda f: f.objective)
objectives = np.array([f.objective for f in fits]) / N
claims.holds("every run converged (gain below 1e-6 nats per image)", all(f.converged for f in fits),
             f"iterations {[f.n_iter for f in fits]}")
claims.between("best log posterior per image (nats)", best.objective / N, -20.0, -19.7)
_ = claims.between("spread of the five runs' log posterior per image (nats): different local maxima", np.ptp(objectives),
                   1e-3, 0.2)

order = np.argsort(-best.mixture.weights)  # heaviest component first
fig, axes = plt.subplots(1, 10, figsize=(10, 1.9), layout="constrained")
for ax, k in zip(axes, order, strict=True):
    image = ax.imshow(best.mixture.prototypes()[k], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"{list(order).index(k) + 1}: π = {best.mixture.weights[k]:.3f}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(image, ax=axes, shrink=0.9, label="$\\mu_{kj}$, P(pixel on)")
fig.suptitle("The ten prototypes $\\mu_k$ of the best run, numbered by weight, heaviest first", fontsize=10)
plt.show()

# %% [markdown]
# Most prototypes are recognisable digits: EM found them from the images alone. Each is a weighted average of the
# images it is responsible for, so strokes that vary between writers come out grey. The weights are not all
# $1/10$: some digits are split into two styles and some pairs share a component. How well do the clusters match
# the labels?

# %% [markdown]
# ## 10. Clusters against the digit labels
#
# Assign each image to its most responsible component and count, for each component, how many images of each
# digit it holds (scikit-learn's `contingency_matrix`). The **purity** is the share of images whose cluster's most
# common digit is their own: 1 for clusters that each hold a single digit.

# %%
clusters = best.resp.argmax(axis=1)
table = contingency_matrix(clusters, y)  # (components used, 10 digits)
purity = table.max(axis=1).sum() / N
purity_loop = sum(max(sum(1 for n in range(N) if clusters[n] == c and y[n] == digit) for digit in range(10))
                  for c in np.unique(clusters)) / N
claims.close("purity from the contingency table against a loop", purity, purity_loop, atol=1e-15)
claims.between("purity of the Bernoulli mixture, K = 10", purity, 0.65, 0.8)
km = KMeans(10, n_init=5, random_state=0).fit(X)
purity_km = contingency_matrix(km.labels_, y).max(axis=1).sum() / N
claims.between("purity of k-means on the same binary images (scikit-learn)", purity_km, 0.6, 0.85)
_ = claims.at_most("share of the most common digit (the purity of one big cluster)", np.bincount(y).max() / N, 0.11)

rows = order  # components in the order of the prototype figure
fig, ax = plt.subplots(figsize=(7.5, 5.2))
shown = ax.imshow(table[rows], cmap="Blues")
for i, k in enumerate(rows):
    for digit in range(10):
        ax.text(digit, i, table[k, digit], ha="center", va="center", fontsize=8,
                color="white" if table[k, digit] > table.max() / 2 else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(len(rows)), [f"{i + 1} (π {best.mixture.weights[k]:.2f})" for i, k in enumerate(rows)])
ax.set_xlabel("true digit")
ax.set_ylabel("component, in the order of the prototypes above")
ax.set_title("Images per component and digit (each image to its most responsible component)")
fig.colorbar(shown, ax=ax, label="number of images")
plt.show()

# %%
sorted_table = table[rows]
claims.equal("components 3 to 7: their most common digit", sorted_table[2:7].argmax(axis=1), [6, 2, 0, 4, 5])
claims.at_least("  the share of their images that are that digit",
                sorted_table[2:7].max(axis=1) / sorted_table[2:7].sum(axis=1), 0.8)
claims.at_least("component 1 (the heaviest): its 3s and its 9s", sorted_table[0, [3, 9]], 100)
claims.at_least("the 7s: the two components holding most of them, each", np.sort(sorted_table[:, 7])[-2:], 80)
_ = claims.at_least("component 2: its 1s and its 8s", sorted_table[1, [1, 8]], 100)

# %% [markdown]
# Five components (3 to 7) are each essentially one digit: 6, 2, 0, 4 and 5, with at least 80% of their images. The
# purity, 0.71, is far above the 0.10 of a single cluster; k-means on the same images does a little better by this
# measure (0.76), which neither method maximises: EM climbs the likelihood of the pixels, not agreement with labels. The misses are instructive. Component 1 takes most 3s *and* most 9s (and many 5s): binarised at 8×8 they
# share the strokes on the right. Component 2 mixes 1s and 8s, thick vertical strokes in the middle. And the 7s get
# **two** components, two ways of writing a 7. The model never saw a label; it only explains which pixels tend to be
# on together, and a digit's style is as good an explanation as its identity.
#
# Every fit so far used the Beta(2, 2) prior. The next section drops it: a mixture of 10 Bernoullis is fitted by
# maximum likelihood on 200 of the digits and then scores 797 others. A prediction first:

# %%
concept_question("11", 3)

# %% [markdown]
# ## 11. What the prior does for images the fit has not seen
#
# Fit on 200 images and score 797 others, once with no prior ($\alpha = \beta = 1$, maximum likelihood) and once with
# Beta(2, 2).

# %%
perm = np.random.default_rng(0).permutation(N)
train, test = X[perm[:200]], X[perm[1000:]]


def held_out(fit):
    """log p(x | theta) of each test image: -inf where every component rules the image out."""
    with np.errstate(divide="ignore"):
        return special.logsumexp(bernoulli.log_joint(test, fit.mixture), axis=1)


ml = bernoulli.fit_bernoulli_em(train, 10, rng=0, prior=None, max_iter=300)
laplace = bernoulli.fit_bernoulli_em(train, 10, rng=0, prior=(2, 2), max_iter=300)
ll_ml, ll_laplace = held_out(ml), held_out(laplace)
stuck = int(np.sum((ml.mixture.probs == 0) | (ml.mixture.probs == 1)))
claims.between("no prior: pixel probabilities exactly 0 or 1 (of 640)", stuck, 220, 250)
claims.at_least("  as a share of the 640 (over a third)", stuck / 640, 1 / 3)
claims.between("no prior: test images with log-likelihood −inf (of 797)", int(np.isneginf(ll_ml).sum()), 10, 25)
claims.equal("Beta(2, 2): pixel probabilities exactly 0 or 1", int(np.sum((laplace.mixture.probs == 0)
                                                                       | (laplace.mixture.probs == 1))), 0)
claims.equal("Beta(2, 2): test images with log-likelihood −inf", int(np.isneginf(ll_laplace).sum()), 0)
_ = claims.between("Beta(2, 2): average test log-likelihood per image (nats)", ll_laplace.mean(), -22.5, -21)

# %%
impossible = np.flatnonzero(np.isneginf(ll_ml))
x_bad = test[impossible[0]]
vetoes = ((ml.mixture.probs == 0) & (x_bad == 1)) | ((ml.mixture.probs == 1) & (x_bad == 0))  # (K, 64)
claims.holds("the first impossible test image: every component of the ML fit has a vetoing pixel",
             bool(vetoes.any(axis=1).all()))
fewest = np.argsort(vetoes.sum(axis=1), kind="stable")[:3]
fig, axes = plt.subplots(1, 4, figsize=(8, 2.7), layout="constrained")
axes[0].imshow(x_bad.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
axes[0].set_title(f"test image (a {y[perm[1000:]][impossible[0]]})", fontsize=9)
for ax, k in zip(axes[1:], fewest, strict=True):
    ax.imshow(ml.mixture.prototypes()[k], cmap="gray_r", vmin=0, vmax=1)
    rows_v, cols_v = np.divmod(np.flatnonzero(vetoes[k]), 8)
    ax.plot(cols_v, rows_v, "s", mfc="none", mec="red", ms=10, mew=2)
    ax.set_title(f"a component of the ML fit:\n{vetoes[k].sum()} vetoing pixel(s)", fontsize=9)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Red squares: pixels on in the image where the prototype has exactly 0 (or off where it has 1)",
             fontsize=10)
plt.show()

# %% [markdown]
# Without the prior, 236 of the 640 pixel probabilities (over a third) end at exactly 0 or 1: a pixel that no training
# image of a component had on gets $\mu_{kj} = S_{kj}/N_k = 0$ exactly. And 16 of the 797 new images have probability 0:
# each of them has, for every component, at least one pixel the component "knows" is never on (or always on). The
# figure above shows the first of them against the three components with the fewest such vetoing pixels. One pixel vetoes the whole image. With Beta(2, 2) every $\mu_{kj}$ is at least $1/(N_k + 2)$ away from 0 and 1,
# no image is impossible, and the average held-out log-likelihood is finite. How strong the prior should be is a choice
# the held-out likelihood can make (exercise 4).

# %% [markdown]
# ## 12. EM's fixed points are stationary points (of the log posterior)
#
# Lesson 07, section 6 showed, for a Gaussian mixture, why EM stops only where the gradient vanishes. The argument
# uses only section 1's identity, so it holds here. Fix $q = p(Z \mid X, \theta^{\text{old}})$; for every $\theta$,
# $\ell(\theta) = \mathcal L(q, \theta) + \mathrm{KL}(q \,\Vert\, p(Z \mid X, \theta))$. The KL term is $\ge 0$ and $= 0$ at
# $\theta = \theta^{\text{old}}$, a minimum, so its gradient is zero there and
#
# $$
# \nabla_\theta\, \ell(\theta)\big|_{\theta^{\text{old}}} = \nabla_\theta\, Q(\theta, \theta^{\text{old}})\big|_{\theta^{\text{old}}}
# \qquad \text{at any } \theta^{\text{old}} .
# $$
#
# At a fixed point of MAP-EM, $\theta^\circ$ maximises $Q(\cdot, \theta^\circ) + \log p(\theta)$ in the interior (every
# $\mu_{kj} \in (0, 1)$, every $\pi_k > 0$), so $\nabla Q + \nabla \log p(\theta) = 0$ there, hence $\nabla(\ell + \log p(\theta)) = 0$:
# **a stationary point of the log posterior** $\tilde\ell$, not of $\ell$, whose gradient there is $-\nabla \log p(\theta) \ne 0$.
#
# We check both by central finite differences in unconstrained coordinates: each $\mu_{kj} = \sigma(\eta_{kj})$ (the
# logistic function) and $\pi = \operatorname{softmax}(b)$. $\ell$ comes from the numpy expression, $Q$ and $\log p(\theta)$ from
# scipy (`stats.bernoulli`, `stats.beta`). Data: the 200 training images, $K = 3$; $\theta^{\text{old}}$ = two iterations
# from the start (not a fixed point), $\theta^\circ$ = EM run until an iteration changes no parameter by more than $10^{-13}$.

# %%
K3 = 3
start3 = bernoulli.initial_mixture(train, K3, rng=0)
theta_old = bernoulli.fit_bernoulli_em(train, start3, max_iter=2, tol=0.0).mixture
r_old, _ = bernoulli.e_step(train, theta_old)


def unpack(v):
    return special.softmax(v[:K3]), special.expit(v[K3:].reshape(K3, d))


def pack(mixture):
    return np.concatenate([np.log(mixture.weights), special.logit(mixture.probs).ravel()])


def Q_scipy(weights, probs, r):
    """Q(theta, theta_old) = sum_n sum_k r_nk a_nk(theta), a from scipy.stats.bernoulli."""
    return np.sum(r * log_joint_scipy(train, weights, probs))


def log_prior_scipy(probs):
    return stats.beta(2, 2).logpdf(probs).sum()


def fd_gradient(f, v, coords, h=1e-5):
    return np.array([(f(v + h * e) - f(v - h * e)) / (2 * h) for e in np.eye(v.size)[coords]])


coords = np.concatenate([np.arange(K3), K3 + rng.choice(K3 * d, size=40, replace=False)])  # all b, 40 of the eta
v_old = pack(theta_old)
grad_ell = fd_gradient(lambda v: ell_numpy(train, *unpack(v)), v_old, coords)
grad_Q = fd_gradient(lambda v: Q_scipy(*unpack(v), r_old), v_old, coords)
claims.close("at θ_old (2 iterations in): ∇l against ∇Q(·, θ_old), 43 coordinates", grad_ell, grad_Q, atol=1e-5)
claims.at_least("... and that gradient is far from zero: largest |entry|", np.abs(grad_ell).max(), 1.0)

mix = start3
for it in range(1, 3001):
    r, _ = bernoulli.e_step(train, mix)
    new = bernoulli.m_step(train, r)
    change = max(np.abs(new.probs - mix.probs).max(), np.abs(new.weights - mix.weights).max())
    mix = new
    if change < 1e-13:
        break
claims.at_most("θ°: largest parameter change in the last iteration", change, 1e-13)
v_fix = pack(mix)
grad_F = fd_gradient(lambda v: ell_numpy(train, *unpack(v)) + log_prior_scipy(unpack(v)[1]), v_fix, coords)
grad_ell_fix = fd_gradient(lambda v: ell_numpy(train, *unpack(v)), v_fix, coords)
claims.at_most(f"θ° (after {it} iterations): largest |∂ℓ̃/∂coordinate|, ℓ̃ = l + log p(θ)", np.abs(grad_F).max(), 1e-5)
_ = claims.at_least("θ°: largest |∂l/∂coordinate|: l alone is not stationary there", np.abs(grad_ell_fix).max(), 0.1)

# %% [markdown]
# At $\theta^{\text{old}}$ the two gradients agree although both are large: the bound is tangent to $\ell$ wherever the
# E-step made it touch. At the fixed point the gradient of the log posterior vanishes (to the finite differences' rounding,
# about $10^{-7}$ here), while $\ell$ alone still has slope: the prior's pull. Run without a prior, EM's fixed points are
# stationary points of $\ell$, as in lesson 07, as long as they are interior.
#
# **The boundary is different.** Without a prior a $\mu_{kj}$ can reach exactly 0 (section 11), and EM can never move it
# again: every image with pixel $j$ on then has $r_{nk} = 0$, so $S_{kj}$ stays 0 and so does the next $\mu_{kj}$, whether
# or not 0 is a maximum. The argument above also fails there: $\partial \ell / \partial \mu_{kj}$ at $0^+$ has a positive term from
# the images with $x_{nj} = 1$ (their likelihood under $k$ is proportional to $\mu_{kj}$), which $Q$, with those $r_{nk} = 0$,
# does not see. So such a point is only a fixed point EM cannot leave. Whether $\ell$ falls or rises off it must be
# checked: on the maximum-likelihood fit of section 11 (200 images, $K = 10$), a one-sided finite difference
# $(\ell(\mu_{kj} = h) - \ell(\mu_{kj} = 0))/h$, $h = 10^{-6}$, at every stuck zero of a pixel that some training image has on.

# %%
lj_terms = [stats.bernoulli(ml.mixture.probs[k]).logpmf(train) for k in range(10)]  # (200, 64) each, from scipy
log_w_ml = np.log(ml.mixture.weights)
a_ml = log_w_ml + np.stack([t.sum(axis=1) for t in lj_terms], axis=1)
ell_ml0 = special.logsumexp(a_ml, axis=1).sum()
h_fd = 1e-6
slopes = []
for k, j in zip(*np.nonzero((ml.mixture.probs == 0) & (train.sum(axis=0) > 0)), strict=True):
    terms = lj_terms[k].copy()
    terms[:, j] = stats.bernoulli(h_fd).logpmf(train[:, j])  # mu_kj: 0 -> h, the other pixels unchanged
    a_h = a_ml.copy()
    a_h[:, k] = log_w_ml[k] + terms.sum(axis=1)
    slopes.append((special.logsumexp(a_h, axis=1).sum() - ell_ml0) / h_fd)
slopes = np.array(slopes)
claims.holds("ML fit: ℓ is finite on its 200 training images", bool(np.isfinite(ell_ml0)))
claims.between("stuck zeros μ_kj = 0 of pixels that some training image has on", slopes.size, 80, 110)
_ = claims.at_most("largest one-sided slope ∂ℓ/∂μ_kj at 0+ among them: all negative", slopes.max(), -0.1)

# %% [markdown]
# Every one of those slopes is negative: here $\ell$ falls as any stuck $\mu_{kj}$ leaves 0, so these zeros happen to be
# maxima on the boundary. That is a property of this fit, measured, not something EM guarantees.

# %% [markdown]
# ## 13. Identical components: a fixed point EM can sit on
#
# One more kind of fixed point: $K$ **identical** components. Then every responsibility is $1/K$, the M-step hands every
# component the same new parameters, and in exact arithmetic they stay identical for ever. In floating point they may
# stay exactly identical too (equal columns usually get identical arithmetic), as lesson 07, section 6 saw for Gaussian
# twins. But the fixed point is *unstable* (lesson 07 met the Gaussian version, a saddle): any difference, even one
# rounding error, grows by a factor of a few per iteration. So that the demonstration does not depend on how the machine
# rounds, we start from three identical components and nudge one pixel probability of component 1 by $10^{-12}$.

# %%
twins_probs = np.full((K3, d), 0.5)
twins_probs[0, 0] += 1e-12
twins = BernoulliMixture(np.full(K3, 1 / K3), twins_probs)
spread, F_twins, mix_t = {}, {}, twins
for steps in range(1, 51):  # one EM iteration at a time
    r_t, _ = bernoulli.e_step(train, mix_t)
    mix_t = bernoulli.m_step(train, r_t)
    spread[steps] = np.abs(mix_t.probs - mix_t.probs[1]).max()
    F_twins[steps] = ell_numpy(train, mix_t.weights, mix_t.probs) + stats.beta(2, 2).logpdf(mix_t.probs).sum()
claims.at_most("after 5 iterations: largest difference between the prototypes", spread[5], 1e-9)
claims.close("log posterior after 5 iterations against after 1 (nats)", F_twins[5], F_twins[1], atol=1e-6)
claims.between("growth of that difference per iteration, from iteration 1 to 10", (spread[10] / spread[1]) ** (1 / 9),
               2.0, 8.0)
claims.at_least("after 50 iterations: the prototypes have split (largest difference)", spread[50], 0.1)
_ = claims.at_least("log posterior gained between iteration 5 and 50 (nats)", F_twins[50] - F_twins[5], 100)

fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
ax.semilogy(list(spread), list(spread.values()), color="black", marker="o", ms=3)
ax.set_xlabel("EM iteration")
ax.set_ylabel("largest |μ_kj − μ_2j| (k = 1, 3)")
ax.set_title("Three identical prototypes, one nudged by 1e-12: the difference grows geometrically, then saturates",
             fontsize=10)
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# For the first iterations the three prototypes are equal to nine digits and the log posterior does not move: EM sits on
# the fixed point. The difference grows by a factor of a few per iteration (a straight line on the log axis), the
# components split, and EM climbs away by hundreds of nats. Exactly identical components can hold EM for ever; the
# tiniest asymmetry lets it escape, but a start near such a point (every prototype near the mean image) wastes
# iterations.

# %%
concept_question("11", 4)

# %% [markdown]
# ## 14. Beyond mixtures: a preview of hidden Markov models
#
# In a mixture the hidden labels are independent: $p(Z) = \prod_n \pi_{z_n}$. In a **hidden Markov model** (HMM) they
# form a chain over time $t = 1, \dots, T$: $z_1 \sim \pi$, then $z_t \mid z_{t-1} \sim A_{z_{t-1}, \cdot}$ (a $K \times K$
# transition matrix with rows summing to 1), and each observation depends only on its own state, $x_t \sim p(x \mid z_t)$.
# The recipe is unchanged: the E-step needs the posterior of each $z_t$ (and of each pair $z_{t-1}, z_t$), the M-step is
# again weighted counting. What changes is the sum over $Z$: $K^T$ paths. The **forward algorithm** computes it in
# $O(T K^2)$ by carrying the forward messages $f_t(k) = p(x_1, \dots, x_t, z_t = k)$ along the chain,
#
# $$
# f_1(k) = \pi_k\, p(x_1 \mid k), \qquad f_t(k) = p(x_t \mid k) \sum_{i} f_{t-1}(i)\, A_{ik}, \qquad p(x_{1:T}) = \sum_k f_T(k),
# $$
#
# (in log space, as always), and a backward pass gives the posteriors: the **forward–backward** algorithm. A tiny
# check: two states with binary observations ($p(x_t = 1 \mid k) = \mu_k$), $T = 10$, against the brute-force sum over
# all $2^{10} = 1024$ paths.

# %%
pi_h, A = np.array([0.6, 0.4]), np.array([[0.9, 0.1], [0.2, 0.8]])
mu_h = np.array([0.15, 0.8])
x_seq = np.array([0, 0, 1, 0, 1, 1, 1, 0, 1, 1])
T = x_seq.size
log_emit = stats.bernoulli(mu_h[None, :]).logpmf(x_seq[:, None])  # (T, 2): log p(x_t | z_t = k)


def forward(log_pi, log_A, log_emit):
    """log f_t(k) = log p(x_1..x_t, z_t = k) for t = 1..T by the forward recursion, in log space: (T, K)."""
    log_f = np.empty_like(log_emit)
    log_f[0] = log_pi + log_emit[0]
    for t in range(1, len(log_emit)):
        log_f[t] = log_emit[t] + special.logsumexp(log_f[t - 1][:, None] + log_A, axis=0)
    return log_f


log_f = forward(np.log(pi_h), np.log(A), log_emit)
paths = np.array(list(itertools.product(range(2), repeat=T)))  # (1024, T)
log_p_paths = (np.log(pi_h[paths[:, 0]]) + np.log(A[paths[:, :-1], paths[:, 1:]]).sum(axis=1)
               + log_emit[np.arange(T), paths].sum(axis=1))
claims.close("HMM: log p(x_1..10) by the forward algorithm against all 1024 paths",
             special.logsumexp(log_f[-1]), special.logsumexp(log_p_paths), atol=1e-12)
# the last state's posterior, p(z_T = k | x), needs only the forward pass
_ = claims.close("p(z_10 = k | x): forward against brute force", special.softmax(log_f[-1]),
                 [np.exp(special.logsumexp(log_p_paths[paths[:, -1] == k]) - special.logsumexp(log_p_paths))
                  for k in range(2)], atol=1e-12)

# %% [markdown]
# A mixture is the HMM whose transition rows all equal $\pi$ (the next label ignores the last one). Then the forward
# algorithm must return the mixture's log-likelihood $\sum_t \log \sum_k \pi_k p(x_t \mid k)$:

# %%
log_f_mix = forward(np.log(pi_h), np.log(np.tile(pi_h, (2, 1))), log_emit)
_ = claims.close("forward algorithm with A = rows of π against the mixture's log-likelihood",
                 special.logsumexp(log_f_mix[-1]), special.logsumexp(np.log(pi_h) + log_emit, axis=1).sum(),
                 atol=1e-12)

# %% [markdown]
# ## 15. Missing data: the same recipe once more
#
# **Missing data** is the same recipe once more. If some pixels of an image were not recorded, the hidden variables
# are the label *and* the missing pixels; here the E-step is easy, because given the label the pixels are
# independent: the responsibilities use only the observed pixels (a missing pixel's factor sums to 1), and the M-step
# replaces each missing $x_{nj}$ by its expected value under the current parameters, $\mathbb E[x_{nj} \mid z_n = k] =
# \mu_{kj}^{\text{old}}$, inside component $k$'s counts $S_{kj}$.

# %% [markdown]
# ## Summary
#
# - **EM for any latent-variable model:** E-step $q(Z) = p(Z \mid X, \theta^{\text{old}})$; M-step
#   $\theta^{\text{new}} = \arg\max_\theta \mathbb E_q[\log p(X, Z \mid \theta)]$ (plus $\log p(\theta)$ for MAP). It pays when the posterior is
#   computable and the complete-data problem is easy.
# - $\log p(X \mid \theta) = \mathcal L(q, \theta) + \mathrm{KL}(q \,\Vert\, p(Z \mid X, \theta))$ for *any* $q(Z)$: checked over all 243 configurations of
#   5 images, for a $q$ that is not even a product. For independent data the posterior is a product, so the E-step is an
#   $N \times K$ table.
# - **Mixture of Bernoullis:** $a_{nk} = \log \pi_k + \sum_j [x_{nj} \log \mu_{kj} + (1 - x_{nj}) \log(1 - \mu_{kj})]$; E-step = softmax of $a$ over $k$
#   (in log space: the naive product fails at a few thousand pixels); M-step $\pi_k = N_k / N$ and
#   $\mu_{kj} = (S_{kj} + \alpha - 1) / (N_k + \alpha + \beta - 2)$, the mode of the conjugate Beta posterior, from the expected
#   sufficient statistics $N_k$, $S_{kj}$; a unique interior maximum when $\alpha, \beta > 1$.
# - With a prior EM climbs the **log posterior**; the log-likelihood alone dipped here. Its fixed points are stationary
#   points of the log posterior (finite differences: $\nabla \tilde\ell \approx 0$, while $\nabla \ell \ne 0$), as long as they are interior.
# - On 1,797 digits, $K = 10$: prototypes that look like digits, purity about 0.7 against labels never used. Fitted on
#   200 images without the prior, over a third of the pixel probabilities hit 0 or 1 and 16 of 797 new images get
#   probability 0; a $\mu_{kj}$ at exactly 0 is a fixed point EM cannot leave.
# - $K$ identical components are a fixed point; it is unstable, and any asymmetry grows geometrically.
# - HMMs: the labels form a chain, and the E-step becomes the forward–backward algorithm ($O(TK^2)$ instead of $K^T$ paths).
#
# **Exercises:** [exercises/11_em_general.ipynb](../exercises/11_em_general.ipynb) — the Bernoulli E-step in log space, the
# M-step derived with a Dirichlet prior on the weights as well, $\mathcal L + \mathrm{KL}$ for your own $q$, a prior strength
# chosen on held-out images, and where EM takes identical components.
