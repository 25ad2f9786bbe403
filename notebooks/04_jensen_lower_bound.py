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
# # Lesson 04 — Jensen's inequality and the lower bound
#
# Lesson 03 ended with two facts it did not yet explain: $Q(\theta^{\text{old}}, \theta^{\text{old}}) + H(r)$
# equals the log-likelihood $\ell(\theta^{\text{old}})$, and maximising $Q$ raised $\ell$ by more than $Q$ gained. The
# reason is that $Q(\theta, \theta^{\text{old}}) + H(r)$, read as a function of $\theta$, lies below $\ell(\theta)$
# everywhere and touches it at $\theta^{\text{old}}$; this lesson proves it and, in section 5, draws it. A single inequality for the concave logarithm lets us move the log inside
# the sum over components, at the price of getting a lower bound instead of an equality; the bound
# misses by an exact amount, a KL divergence; and EM turns out to be coordinate ascent on this bound.
# That is why EM never lowers the likelihood.
#
# **Learning goals.** After this lesson you can
#
# 1. state Jensen's inequality for the concave log and draw it (chord below the curve);
# 2. derive the lower bound $\mathcal L(q, \theta) = \sum_n \sum_k q_{nk} \log \dfrac{p(x_n, z_n = k \mid \theta)}{q_{nk}}$ from it;
# 3. derive and check numerically $\log p(X \mid \theta) = \mathcal L(q, \theta) + \sum_n \mathrm{KL}\bigl(q_n \,\|\, p(z_n \mid x_n, \theta)\bigr)$;
# 4. show that the bound is tight exactly when $q$ is the posterior;
# 5. describe EM as coordinate ascent on $\mathcal L$ and prove from it that the log-likelihood never decreases.
#
# **You need:** the complete-data log-likelihood and $Q$ (lesson 03), the responsibilities
# $r_{nk} = p(z_n = k \mid x_n, \theta)$ (Bayes' rule), and the idea of a concave function.
#
# **Units.** Every logarithm in the course is natural, so log-probabilities and the gaps between them
# are measured in **nats** (1 nat $= 1/\ln 2 \approx 1.44$ bits). Components are numbered
# $1, \dots, K$ in the text and the figures; in Python they are indices $0, \dots, K-1$.

# %%
# %matplotlib inline
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy import special, stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from coursepkg import claims, em
from coursepkg.datasets import SYNTHETIC, make_synthetic, old_faithful
from coursepkg.mixture import GMM
from coursepkg.widgets.bound import LAB_GMM, LAB_START, bound_curve, bound_state, make_bound_lab
from coursepkg.widgets.jensen import LAB_POINTS, jensen_state, make_jensen_lab
from coursepkg.widgets.questions import concept_question

rng = np.random.default_rng(4)
np.set_printoptions(precision=4, suppress=True)
BOUND_GREEN = "#2ca02c"  # the bound is drawn in green, log p(x) in black, the gap in orange


def log_joint_scipy(X, gmm):
    """log p(x_n, z_n = k | theta) = log pi_k + log N(x_n | mu_k, Sigma_k) from scipy.stats, shape (N, K).

    The checks below use this, not coursepkg, so that they compare the course's code with an
    independent computation.
    """
    return np.log(gmm.weights) + np.column_stack(
        [stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).logpdf(X) for k in range(gmm.k)]
    )


def bound_numpy(q, log_joint):
    """L(q, theta) = sum_n sum_k q_nk (log p(x_n, z_n = k) - log q_nk), in plain NumPy (q > 0)."""
    return float(np.sum(q * (log_joint - np.log(q))))


# %% [markdown]
# ## 1. Jensen's inequality: the log of an average beats the average of the logs
#
# A function is **concave** if every chord lies below its graph. For the logarithm and two positive
# numbers $a, b$ with a weight $w \in [0, 1]$, the point of the chord at $wa + (1-w)b$ has height
# $w \log a + (1-w)\log b$, while the curve there has height $\log(wa + (1-w)b)$. Concavity says the
# curve is higher. By induction on the number of points (split off one weight, apply the two-point
# case), the same holds for any weights $w_i \ge 0$ with $\sum_i w_i = 1$:
#
# $$
# \log\Bigl(\sum_i w_i x_i\Bigr) \;\ge\; \sum_i w_i \log x_i ,
# $$
#
# with equality only if all the $x_i$ with positive weight are equal (the log is *strictly* concave).
# In words: **the log of a weighted average is at least the weighted average of the logs.**

# %%
a, b = 0.5, 6.0
xs = np.linspace(0.15, 7.5, 300)
fig, ax = plt.subplots(figsize=(7.5, 4.2))
ax.plot(xs, np.log(xs), color="0.15", lw=2, label="y = log x")
ax.plot([a, b], [np.log(a), np.log(b)], color=BOUND_GREEN, lw=1.5, label="chord between (a, log a) and (b, log b)")
ax.plot([a, b], [np.log(a), np.log(b)], "o", color=BOUND_GREEN, mec="black", ms=8)
for w in (0.75, 0.4):
    s = jensen_state([a, b], [w, 1 - w])
    ax.plot([s.mean], [s.mean_of_log], "s", color=BOUND_GREEN, mec="black", ms=8)
    ax.plot([s.mean], [s.log_of_mean], "o", color="0.15", ms=8)
    ax.plot([s.mean, s.mean], [s.mean_of_log, s.log_of_mean], color="orange", lw=4, solid_capstyle="butt")
    ax.text(s.mean, s.mean_of_log - 0.15, f"w = {w}\ngap {s.gap:.3f}", ha="center", va="top", fontsize=9)
ax.plot([], [], "s", color=BOUND_GREEN, mec="black", label="w log a + (1 − w) log b  (on the chord)")
ax.plot([], [], "o", color="0.15", label="log(w a + (1 − w) b)  (on the curve)")
ax.plot([], [], color="orange", lw=4, label="Jensen gap")
ax.set(xlabel="x", ylabel="y", title="The chord of the log lies below the curve", ylim=(-1.5, 2.6))
ax.legend(fontsize=8, loc="lower right")
plt.show()

# %% [markdown]
# For both weights, the square on the chord sits below the dot on the curve; the orange gap is what
# Jensen's inequality drops. A check over 5,000 random sets of 2 to 5 distinct points and random
# weights (computed with plain NumPy): every gap is positive. And as the points merge the gap vanishes
# like their spread: a second-order Taylor expansion of the log around the mean $\bar x$ gives
# $\text{gap} \approx \mathrm{Var}_w(x) / (2 \bar x^2)$, which we check for points $3 + \delta u_i$ with a small $\delta$.

# %%
gaps = []
for _ in range(5000):
    m = rng.integers(2, 6)
    x_i, w_i = rng.uniform(0.01, 50, size=m), rng.dirichlet(np.ones(m))
    gaps.append(np.log(w_i @ x_i) - w_i @ np.log(x_i))
gaps = np.array(gaps)
claims.at_least("5000 random cases: smallest gap log(Σ w x) − Σ w log x", gaps.min(), 0.0)
claims.holds("every gap is strictly positive (the points differ)", bool(gaps.min() > 0), f"smallest {gaps.min():.1e}")
w_eq, u_eq = np.array([0.2, 0.5, 0.3]), np.array([-1.0, 0.4, 1.5])
for delta in (1e-2, 1e-3):  # points 3 + delta * u merging at 3
    x_m = 3.0 + delta * u_eq
    var_w = w_eq @ (x_m - w_eq @ x_m) ** 2
    _ = claims.close(f"points 3 + {delta:g}·u: gap / (Var_w(x) / (2 x̄²)), → 1 as they merge",
                     (np.log(w_eq @ x_m) - w_eq @ np.log(x_m)) / (var_w / (2 * (w_eq @ x_m) ** 2)), 1.0, atol=10 * delta)

# %% [markdown]
# ### Lab: move the weights
#
# Three points on the log curve, at $x_1 = 0.6$, $x_2 = 2$ and $x_3$ (a slider, starting at 6); the other
# sliders set their relative weights (divided by their sum). The shaded triangle holds every possible
# pair (average of $x$, average of $\log x$); the curve passes above all of it. Before you touch it,
# one prediction:

# %%
concept_question("04", 1)

# %%
make_jensen_lab()

# %% [markdown]
# Try it: weights 0.5, 0, 0.5, then $x_3$ down to 0.6. The cell below walks the same path in plain
# NumPy and checks what the readout shows.

# %%
x3_path = np.arange(6.0, 0.6 - 1e-9, -0.05)  # the slider's steps from 6 down to x1 = 0.6
w_lab = np.array([0.5, 0.5])  # the weights of x1 and x3 (x2 has weight 0)
gap_path = np.array([np.log(w_lab @ [LAB_POINTS[0], x3]) - w_lab @ np.log([LAB_POINTS[0], x3]) for x3 in x3_path])
claims.between("gap at the start, x3 = 6", gap_path[0], 0.55, 0.56)
claims.at_most("largest change of the gap from one slider step to the next (it only shrinks)",
               np.diff(gap_path).max(), 0.0)
claims.close("gap when x3 lands on x1 = 0.6", gap_path[-1], 0.0, atol=1e-15)
_ = claims.close("the lab's readout at x3 = 6 (coursepkg.widgets.jensen)", jensen_state([0.6, 2.0, 6.0], [0.5, 0, 0.5]).gap,
                 gap_path[0], atol=1e-15)

# %% [markdown]
# ## 2. From Jensen to a lower bound on the log-likelihood
#
# The density the model gives to the data we actually observed (a density, since $x$ is continuous),
# with the hidden labels summed out, $p(X \mid \theta) = \prod_n \sum_k p(x_n, z_n = k \mid \theta)$, is called the **evidence** (read as a
# function of $\theta$, the same number is the likelihood). Its log for one point is a log of a sum,
# $\log p(x_n \mid \theta) = \log \sum_k p(x_n, z_n = k \mid \theta)$ with $p(x_n, z_n = k \mid \theta) = \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)$.
#
# Jensen's inequality needs weights that sum to one, and this sum has none. We bring our own: any
# distribution $q_n$ over the $K$ labels will do. Each term of the sum equals $q_{nk}$ times the ratio $p(x_n, z_n = k \mid \theta) / q_{nk}$, so the sum *is* a
# $q_n$-weighted average of those ratios, and Jensen moves the log inside:
#
# $$
# \log p(x_n \mid \theta) = \log \sum_k q_{nk}\, \frac{p(x_n, z_n = k \mid \theta)}{q_{nk}}
# \;\ge\; \sum_k q_{nk} \log \frac{p(x_n, z_n = k \mid \theta)}{q_{nk}} .
# $$
#
# A $q_n$ with zeros (a hard assignment, say) is allowed too, with the convention $0 \log 0 = 0$: run the
# same argument over the labels with $q_{nk} > 0$ only, and use $\log \sum_k p(x_n, z_n = k \mid \theta) \ge \log \sum_{k:\, q_{nk} > 0} p(x_n, z_n = k \mid \theta)$
# (a Gaussian mixture gives every label positive density, so dropping terms can only lower the sum).
#
# Adding up the points gives the **evidence lower bound** (ELBO)
#
# $$
# \log p(X \mid \theta) \;\ge\; \mathcal L(q, \theta) = \sum_{n=1}^N \sum_{k=1}^K q_{nk} \bigl[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k) - \log q_{nk}\bigr].
# $$
#
# Every log now acts on a single Gaussian term: the bound is a sum of logs, like the complete-data
# log-likelihood of lesson 03. In fact
# $\mathcal L(q, \theta) = \sum_{n,k} q_{nk}[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)] + H(q)$: the expected complete
# log-likelihood under $q$ plus the entropy $H(q) = -\sum_{n,k} q_{nk} \log q_{nk}$. On Old Faithful, with a
# rough $\theta$ and random $q$, we compare `em.lower_bound` with that split computed in plain NumPy
# (log-densities from `scipy.stats`), and with the log-likelihood from `scipy.special.logsumexp`.

# %%
X = old_faithful()
N = len(X)
theta = GMM([0.5, 0.5], [[2.2, 56.0], [4.2, 78.0]], [np.diag([0.15, 40.0]), np.diag([0.2, 40.0])])
a_theta = log_joint_scipy(X, theta)  # (N, K) log pi_k + log N(x_n | mu_k, Sigma_k), from scipy
ll = float(special.logsumexp(a_theta, axis=1).sum())  # log p(X | theta), independently of coursepkg
L_random, L_split = [], []
for trial in range(4):
    q = rng.dirichlet(np.ones(2), size=N)  # a random distribution over components for every point
    L_random.append(em.lower_bound(X, q, theta))
    L_split.append(np.sum(q * a_theta) - np.sum(q * np.log(q)))  # expected complete log-lik + entropy
claims.close("em.lower_bound against Q + H in plain NumPy, 4 random q (nats)", L_random, L_split, atol=1e-9)
claims.at_most("L(q, θ) − log p(X | θ) for the 4 random q (nats): thousands below", np.array(L_random) - ll, -1000.0)
claims.close("log p(X | θ) from scipy against em.e_step's (nats)", ll, em.e_step(X, theta)[1], atol=1e-9)
_ = claims.at_least("how far below log p the 4 random bounds lie (nats)", ll - np.array(L_random), 1000.0)

# %% [markdown]
# Random $q$ give bounds thousands of nats below the log-likelihood. How far, exactly?

# %% [markdown]
# ## 3. The gap is a KL divergence
#
# By the product rule, $p(x_n, z_n = k \mid \theta) = p(z_n = k \mid x_n, \theta)\, p(x_n \mid \theta)$. Put this
# into one point's bound and split the log:
#
# $$
# \sum_k q_{nk} \log \frac{p(z_n = k \mid x_n, \theta)\, p(x_n \mid \theta)}{q_{nk}}
# = \underbrace{\sum_k q_{nk}}_{=1} \log p(x_n \mid \theta) \;-\; \sum_k q_{nk} \log \frac{q_{nk}}{p(z_n = k \mid x_n, \theta)} .
# $$
#
# The last sum is the **Kullback–Leibler divergence** $\mathrm{KL}(q_n \,\|\, p(z_n \mid x_n, \theta))$ between $q_n$ and
# the posterior of the label. Summing over points,
#
# $$
# \boxed{\;\log p(X \mid \theta) = \mathcal L(q, \theta) + \sum_{n=1}^N \mathrm{KL}\bigl(q_n \,\|\, p(z_n \mid x_n, \theta)\bigr)\;}
# $$
#
# This is an *identity*, true for every $q$ and every $\theta$; Jensen's inequality is now the statement
# $\mathrm{KL} \ge 0$. (Jensen proves that too: $-\mathrm{KL}(q \| p) = \sum_k q_k \log \frac{p_k}{q_k} \le \log \sum_k q_k \frac{p_k}{q_k} = \log 1 = 0$.)
# We check the identity for five random $q$: the bound from `em.lower_bound`, the posterior and the
# log-likelihood from `scipy` (so the two sides are computed independently).

# %%
log_post = a_theta - special.logsumexp(a_theta, axis=1, keepdims=True)  # log p(z_n = k | x_n, theta), from scipy
posterior = np.exp(log_post)
L_q, kl_q = [], []
for trial in range(5):
    q = rng.dirichlet(np.full(2, 0.7), size=N)
    L_q.append(em.lower_bound(X, q, theta))
    kl_q.append(np.sum(q * (np.log(q) - log_post)))  # Σ_n Σ_k q_nk log(q_nk / p(z_n = k | x_n))
L_q, kl_q = np.array(L_q), np.array(kl_q)
print("L(q, θ) for the 5 q: ", L_q)
print("Σ KL for the 5 q:    ", kl_q)
claims.at_least("every KL divergence is non-negative (nats)", kl_q, 0.0)
_ = claims.close("L + KL against log p(X | θ) from scipy (nats)", L_q + kl_q, ll, atol=1e-11)

# %% [markdown]
# The bound plus the KL divergence reproduces the log-likelihood to within $10^{-11}$ nats, rounding
# error on numbers of size $10^3$: the gap between $\log p$ and $\mathcal L$ is *exactly* the KL divergence.

# %% [markdown]
# ## 4. The bound is tight exactly at the posterior
#
# $\mathrm{KL}(q_n \| p) = 0$ if and only if $q_n = p$. So $\mathcal L(q, \theta) = \log p(X \mid \theta)$ exactly when every
# $q_n$ is the posterior $p(z_n \mid x_n, \theta)$, the responsibilities $r_n$, and the bound is strictly lower
# for every other $q$. To see it, fix one point and move its $q$ along a path through the posterior,
# keeping the other points at their posteriors: on Old Faithful ($K = 2$) the path is
# $q = (1 - q_2, q_2)$ for $q_2 \in [0, 1]$; on the synthetic set ($K = 3$) it is a straight line across
# the triangle of distributions through the posterior.

# %%
n_star = int(np.argmin(np.abs(posterior[:, 1] - 0.5)))  # the most uncertain point: posterior nearest to (0.5, 0.5)
x_star = X[n_star]
s_star = bound_state(x_star, posterior[n_star], theta)
q2 = np.linspace(0, 1, 401)
L_path_2 = bound_curve(x_star, theta, np.column_stack([1 - q2, q2]))

X3, _ = make_synthetic("overlapping", n=300, rng=0)
theta3 = SYNTHETIC["overlapping"]
a3 = log_joint_scipy(X3, theta3)
post_all3 = np.exp(a3 - special.logsumexp(a3, axis=1, keepdims=True))
n3 = int(np.argmax(-np.sum(post_all3 * np.log(post_all3), axis=1)))  # the point whose label is most uncertain
x3, post3 = X3[n3], post_all3[n3]
direction = np.array([1.0, 0.0, 0.0]) - post3  # from the posterior (t = 0) to the corner "all on component 1" (t = 1)
t_min = -post3[0] / (1 - post3[0])  # going backwards, q_1 reaches 0 here: the line leaves the simplex
ts = np.linspace(t_min, 1.0, 401)
qs3 = np.clip(post3 + ts[:, None] * direction, 0, None)
qs3 /= qs3.sum(axis=1, keepdims=True)  # guard against rounding at the ends
L_path_3 = bound_curve(x3, theta3, qs3)
s3 = bound_state(x3, post3, theta3)
log_p_star = special.logsumexp(a_theta[n_star])  # log p(x) of the two points, from scipy
log_p3 = special.logsumexp(a3[n3])

claims.close(f"Old Faithful point {x_star} (min): its posterior, em.e_step against scipy",
             em.e_step(X, theta)[0][n_star], posterior[n_star], atol=1e-12)
claims.close(f"synthetic point {np.round(x3, 3)}: its posterior, em.e_step against scipy",
             em.e_step(X3, theta3)[0][n3], post3, atol=1e-12)
claims.close("Old Faithful point: L at the posterior against log p(x) from scipy", s_star.lower_bound, log_p_star,
             atol=1e-12)
claims.close("  the top of the path sits at the posterior q2 (grid spacing 0.0025)", q2[np.argmax(L_path_2)],
             posterior[n_star, 1], atol=0.0025)
claims.at_most("  largest L − log p on the path (nats)", L_path_2.max() - log_p_star, 1e-12)
claims.close("synthetic point: L at the posterior against log p(x) from scipy", s3.lower_bound, log_p3, atol=1e-12)
claims.close("  the top of the line sits at t = 0 (grid spacing)", ts[np.argmax(L_path_3)], 0.0, atol=ts[1] - ts[0])

fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2), layout="constrained")
ax = axes[0]
ax.plot(q2, L_path_2, color=BOUND_GREEN, lw=2, label="L(q, θ) for this point")
ax.axhline(log_p_star, color="0.15", lw=2, label="log p(x | θ)")
ax.axvline(posterior[n_star, 1], color="0.4", ls=":", label=f"posterior q₂ = {posterior[n_star, 1]:.3f}")
ax.set(xlabel="q₂ (probability that q gives component 2)", ylabel="nats",
       title=f"Old Faithful point ({x_star[0]:.2f} min, {x_star[1]:.0f} min), K = 2")
q_demo = bound_state(x_star, [0.85, 0.15], theta)
ax.plot([0.15, 0.15], [q_demo.lower_bound, q_demo.log_p], color="orange", lw=4, solid_capstyle="butt",
        label=f"gap at q₂ = 0.15: KL = {q_demo.kl:.3f}")
ax.set_ylim(L_path_2.min() - 0.25, log_p_star + 0.25)
ax.legend(fontsize=8, loc="lower center")
ax = axes[1]
ax.plot(ts, L_path_3, color=BOUND_GREEN, lw=2, label="L(q(t), θ) for this point")
ax.axhline(log_p3, color="0.15", lw=2, label="log p(x | θ)")
ax.axvline(0, color="0.4", ls=":", label="t = 0: q is the posterior")
ax.set(xlabel="t  (q(t) = posterior + t · (corner 'all on component 1' − posterior))", ylabel="nats",
       title="synthetic point, K = 3: a line across the simplex")
ax.set_ylim(L_path_3.min() - 0.25, log_p3 + 0.25)
ax.legend(fontsize=8, loc="lower center")
plt.show()

# %% [markdown]
# In both panels the bound is a concave hump that touches $\log p(x)$ at a single point, the
# posterior, and lies strictly below it everywhere else.
#
# ### Lab: move $q$ for one point
#
# The left panel above, made interactive, for one point $x$ in a one-dimensional two-component mixture.
# The slider $q_2$ sets the distribution $q = (1 - q_2, q_2)$; the middle panel plots
# $\mathcal L(q, \theta) - \log p(x \mid \theta)$, so the black zero line *is* the log-likelihood and the orange bar is
# the gap, $\mathrm{KL}(q \| \text{posterior})$. Its depth follows the curve, so the gap stays visible. The button
# performs the E-step for this point. Move the point (grey dash-dotted line on the left) or the mean $\mu_2$
# and watch the posterior (dotted line) move; the gap closes only there. First, a prediction:

# %%
concept_question("04", 2)

# %%
make_bound_lab()

# %% [markdown]
# The numbers behind the prediction, at the lab's start ($x = 0.3$, $\mu_2 = 1.5$), from `scipy.stats.norm`:

# %%
x_lab = LAB_START["x"]
joint_lab = np.array([LAB_GMM.weights[k] * stats.norm(LAB_GMM.means[k, 0], np.sqrt(LAB_GMM.covariances[k, 0, 0])).pdf(x_lab)
                      for k in range(2)])
post_lab = joint_lab / joint_lab.sum()
claims.between("posterior of component 2 at the start", post_lab[1], 0.525, 0.535)
claims.close("gap at q₂ = 1 (the lab's KL readout) against −log r₂", bound_state([x_lab], [0.0, 1.0], LAB_GMM).kl,
             -np.log(post_lab[1]), atol=1e-12)
claims.between("  which is about 0.63 nats", -np.log(post_lab[1]), 0.625, 0.635)
_ = claims.between("entropy of the posterior (not the gap), nats", -np.sum(post_lab * np.log(post_lab)), 0.685, 0.695)

# %% [markdown]
# ### A test near the top: small moves away from the posterior
#
# Random $q$ (section 2) sit thousands of nats below $\log p$, the bound's maximum, so they say little
# about that maximum.
# A sharper test moves *every* point's $q_n$ a little away from its posterior $r_n$, in a random
# direction, and shrinks the step. Moving in log space keeps $q_n$ a distribution, however small $r_{nk}$ is:
# $q_n(\varepsilon) \propto r_n \, e^{\varepsilon w_n}$ with $w_n$ a random vector. If $r$ is the maximum, every step
# lowers $\mathcal L$, and the loss is quadratic in the step. By section 3 the loss is
# $\sum_n \mathrm{KL}(q_n(\varepsilon) \| r_n)$. Since $\log(q_{nk}(\varepsilon) / r_{nk}) = \varepsilon w_{nk} - \log \mathbb E_{r_n}[e^{\varepsilon w_n}]$,
#
# $$
# \mathrm{KL}(q_n(\varepsilon) \| r_n) = \varepsilon\, \mathbb E_{q_n(\varepsilon)}[w_n] - \log \mathbb E_{r_n}[e^{\varepsilon w_n}]
# = \tfrac{\varepsilon^2}{2} \mathrm{Var}_{r_n}(w_n) + O(\varepsilon^3),
# $$
#
# expanding both terms to second order ($\mathbb E_{q(\varepsilon)}[w] = \mathbb E_r[w] + \varepsilon \mathrm{Var}_r(w) + O(\varepsilon^2)$ and
# $\log \mathbb E_r[e^{\varepsilon w}] = \varepsilon \mathbb E_r[w] + \tfrac{\varepsilon^2}{2} \mathrm{Var}_r(w) + O(\varepsilon^3)$). So
# $\mathcal L(q(\varepsilon)) - \mathcal L(r) \approx -\tfrac{\varepsilon^2}{2} \sum_n \mathrm{Var}_{r_n}(w_n)$, and halving $\varepsilon$ divides the loss by 4.

# %%
L_at_r = bound_numpy(posterior, a_theta)
eps = np.array([0.04, 0.02, 0.01, 0.005])
losses, predicted = [], []
for _ in range(100):  # 100 random directions, each tried at the four step sizes
    w = rng.normal(size=a_theta.shape)
    losses.append([bound_numpy(special.softmax(log_post + e * w, axis=1), a_theta) - L_at_r for e in eps])
    predicted.append(-0.5 * np.sum(np.sum(posterior * w**2, axis=1) - np.sum(posterior * w, axis=1) ** 2))
losses, predicted = np.array(losses), np.array(predicted)
claims.close("em.lower_bound at em.e_step's r against log p(X | θ) from scipy (tight)",
             em.lower_bound(X, em.e_step(X, theta)[0], theta), ll, atol=1e-10)
claims.holds("all 400 moves lower the bound", bool(losses.max() < 0), f"smallest loss {-losses.max():.1e} nats")
claims.between("loss at ε = 0.01 divided by loss at ε = 0.005 (quadratic: 4), over 100 directions",
               losses[:, 2] / losses[:, 3], 3.9, 4.1)
_ = claims.close("loss / ε² at ε = 0.005 against −½ Σ Var(w) (the quadratic coefficient)", losses[:, 3] / eps[3] ** 2,
             predicted, rtol=0.02)

# %% [markdown]
# Every one of the 400 moves lowers the bound, and by a loss that shrinks like $\varepsilon^2$ with the
# predicted coefficient: the posterior is the top of $\mathcal L(\cdot, \theta)$, a smooth maximum with zero slope.

# %% [markdown]
# ## 5. EM is coordinate ascent on $\mathcal L$
#
# $\mathcal L(q, \theta)$ has two arguments. EM maximises it over each in turn, holding the other fixed.
#
# **E-step: maximise over $q$, with $\theta$ fixed.** The identity of section 3 says
# $\mathcal L(q, \theta) = \log p(X \mid \theta) - \sum_n \mathrm{KL}(q_n \| p(z_n \mid x_n, \theta))$, and the first term does not
# depend on $q$. So the best $q$ makes every KL zero: $q_{nk} = r_{nk}$, the responsibilities. After
# the E-step the gap is closed, $\mathcal L(r, \theta) = \log p(X \mid \theta)$ (section 4 checked it).
#
# **M-step: maximise over $\theta$, with $q = r$ fixed.** Split the bound as in section 2:
# $\mathcal L(r, \theta) = Q(\theta, \theta^{\text{old}}) + H(r)$. The entropy does not depend on $\theta$, so maximising the
# bound over $\theta$ is maximising $Q$, the closed-form M-step of lesson 03. (Lesson 06 derives it.)
#
# ### Why the log-likelihood can only go up
#
# Chain the two steps from $\theta^{\text{old}}$, with $r$ the responsibilities at $\theta^{\text{old}}$:
#
# $$
# \ell(\theta^{\text{new}}) = \log p(X \mid \theta^{\text{new}})
# \;\overset{\text{(a)}}{\ge}\; \mathcal L(r, \theta^{\text{new}})
# \;\overset{\text{(b)}}{\ge}\; \mathcal L(r, \theta^{\text{old}})
# \;\overset{\text{(c)}}{=}\; \log p(X \mid \theta^{\text{old}}) = \ell(\theta^{\text{old}}) .
# $$
#
# (a) is the bound itself (the KL at $\theta^{\text{new}}$ is $\ge 0$); (b) holds because $\theta^{\text{new}}$ maximises
# $\mathcal L(r, \cdot)$, so it is at least as good as $\theta^{\text{old}}$; (c) is the tightness after the E-step. So
# every EM iteration gives $\ell(\theta^{\text{new}}) \ge \ell(\theta^{\text{old}})$. The likelihood even rises by
# *at least as much* as the bound did: by the bound's rise plus the KL gap that opens at $\theta^{\text{new}}$ (zero only
# if the posterior does not move), which the next E-step closes.
#
# Here is the chain with numbers, for one iteration from the $\theta$ above (log-likelihoods from `scipy`,
# bounds in plain NumPy, the M-step from `em.m_step`):

# %%
theta_new = em.m_step(X, posterior, reg_covar=0.0)
a_new = log_joint_scipy(X, theta_new)
ell_old, ell_new = ll, float(special.logsumexp(a_new, axis=1).sum())
L_old, L_new = bound_numpy(posterior, a_theta), bound_numpy(posterior, a_new)
kl_new = np.sum(posterior * (log_post - (a_new - special.logsumexp(a_new, axis=1, keepdims=True))))
# the four links' values, each from scipy here and checked against the package's own computation
claims.close("ℓ(θ_new): scipy against em.e_step", ell_new, em.e_step(X, theta_new)[1], atol=1e-9)
claims.close("L(r, θ_new): plain NumPy against em.lower_bound", L_new, em.lower_bound(X, posterior, theta_new),
             atol=1e-9)
claims.close("L(r, θ_old): plain NumPy against em.lower_bound", L_old, em.lower_bound(X, posterior, theta), atol=1e-9)
claims.at_least("(a) ℓ(θ_new) − L(r, θ_new), nats", ell_new - L_new, 0.0)
claims.close("    equals Σ KL(r ‖ posterior at θ_new)", ell_new - L_new, kl_new, atol=1e-9)
claims.at_least("(b) L(r, θ_new) − L(r, θ_old), nats", L_new - L_old, 0.0)
# (c) with the package's E-step and bound, against the scipy log-likelihood (not the same arithmetic)
_ = claims.close("(c) em.lower_bound(X, em.e_step(X, θ_old) r, θ_old) − ℓ(θ_old) from scipy, nats",
                 em.lower_bound(X, em.e_step(X, theta)[0], theta) - ell_old, 0.0, atol=1e-9)

# %% [markdown]
# Link (b) rests on $\theta^{\text{new}}$ being the maximiser of $\mathcal L(r, \cdot)$. A direct test: 300 random small
# perturbations of $\theta^{\text{new}}$ (weights, means and covariances), each scored in plain NumPy with `scipy`
# densities. Every one of them should lower the bound.

# %%
worse = 0
for _ in range(300):
    dw = rng.normal(size=2) * 0.01
    A = rng.normal(size=(2, 2, 2)) * 0.01
    perturbed = GMM(theta_new.weights + dw - dw.mean(), theta_new.means + rng.normal(size=(2, 2)) * 0.02,
                    theta_new.covariances + (A + A.transpose(0, 2, 1)) / 2)
    worse += bound_numpy(posterior, log_joint_scipy(X, perturbed)) < L_new
_ = claims.equal("perturbations of θ_new that lowered L(r, ·), out of 300", int(worse), 300)

# %% [markdown]
# ### The picture in $\theta$-space
#
# The chain is easiest to see on a slice through parameter space. Take the poor start of section 6 below
# as $\theta^{\text{old}}$ (both components in the middle of the data, each with the covariance of the whole
# data set), compute its responsibilities $r$ and the M-step $\theta^{\text{new}}$, and walk along the straight line
# $\theta(s) = \theta^{\text{old}} + s\,(\theta^{\text{new}} - \theta^{\text{old}})$ (weights, means and covariances all
# interpolated) for $s$ from $-1$ to $2$. Along it we plot $\ell(\theta(s))$ and the bound with $q$ frozen at
# $r$, $\mathcal L(r, \theta(s)) = Q(\theta(s), \theta^{\text{old}}) + H(r)$, both from `scipy.stats` densities.

# %%
C = np.cov(X.T, bias=True)
start_means = [[3.0, 66.0], [3.8, 74.0]]
theta_poor = GMM([0.5, 0.5], start_means, [C, C])
a_poor = log_joint_scipy(X, theta_poor)
r_poor = np.exp(a_poor - special.logsumexp(a_poor, axis=1, keepdims=True))  # the E-step at θ_old, from scipy
theta_poor_new = em.m_step(X, r_poor, reg_covar=0.0)
s_line = np.linspace(-1.0, 2.0, 301)  # grid step 0.01
ell_line, L_line = [], []
for s_ in s_line:
    g_s = GMM(*[(1 - s_) * old + s_ * new for old, new in
                [(theta_poor.weights, theta_poor_new.weights), (theta_poor.means, theta_poor_new.means),
                 (theta_poor.covariances, theta_poor_new.covariances)]])
    a_s = log_joint_scipy(X, g_s)
    ell_line.append(special.logsumexp(a_s, axis=1).sum())
    L_line.append(bound_numpy(r_poor, a_s))
ell_line, L_line = np.array(ell_line), np.array(L_line)
i0, i1 = np.argmin(np.abs(s_line)), np.argmin(np.abs(s_line - 1))
claims.at_most("largest L(r, θ(s)) − ℓ(θ(s)) on the line (the bound stays below), nats", (L_line - ell_line).max(), 1e-9)
claims.close("  and touches at s = 0 (θ_old; an identity here: rounding only), nats", L_line[i0] - ell_line[i0], 0.0, atol=1e-9)
claims.close("s where the bound peaks (θ_new maximises L(r, ·)), grid step 0.01", s_line[np.argmax(L_line)], 1.0,
             atol=0.01)
claims.at_least("s where ℓ peaks on this line: past θ_new", s_line[np.argmax(ell_line)], 1.2)
gap_new = ell_line[i1] - L_line[i1]
_ = claims.between("gap ℓ − L at θ_new (s = 1), the orange bar, nats", gap_new, 0.87, 0.89)

fig, ax = plt.subplots(figsize=(8.5, 4.6), layout="constrained")
ax.plot(s_line, ell_line, color="0.15", lw=2, label="ℓ(θ(s)) = log p(X | θ(s))")
ax.plot(s_line, L_line, "--", color=BOUND_GREEN, lw=2, label="L(r, θ(s)) = Q(θ(s), θ_old) + H(r),  r frozen at θ_old")
ax.plot([0], [ell_line[i0]], "o", color="0.15", ms=8, label="θ_old (s = 0): the curves touch")
ax.plot([1], [L_line[i1]], "s", color=BOUND_GREEN, mec="black", ms=8, label="θ_new (s = 1): top of the bound")
ax.plot([1, 1], [L_line[i1], ell_line[i1]], color="orange", lw=4, solid_capstyle="butt",
        label=f"gap at θ_new = KL, {gap_new:.2f} nats")
ax.set(xlabel="s  (θ(s) = θ_old + s (θ_new − θ_old))", ylabel="nats", title="The bound lies below ℓ, touches it at θ_old, "
       "and its maximum lifts ℓ", ylim=(min(L_line.min(), ell_line.min()) - 0.5, ell_line.max() + 0.6))
ax.legend(fontsize=8, loc="lower center")
plt.show()

# %% [markdown]
# The green bound touches the black log-likelihood at $\theta^{\text{old}}$ and lies below it everywhere else on the line;
# the M-step jumps to the top of the bound at $s = 1$, and $\ell$ there is higher still, by the orange gap. The
# log-likelihood keeps rising past $s = 1$: one step does not reach the maximum of $\ell$, it only guarantees
# progress. The next E-step builds a new bound that touches $\ell$ at $\theta^{\text{new}}$, and so on.
#
# ### What the guarantee does not say
#
# "Never goes down" is not "finds the best". EM climbs the hill it starts on: it can end at a local maximum
# below the global one, or even stay at a stationary point that is not a maximum at all. The most extreme case
# is a start with two *identical* components: every point is then shared in proportion to the weights, the
# M-step gives both components the same new parameters (the mean $\bar x$ and covariance $C$ of the whole data
# set), and EM never moves. This point is a saddle, not a maximum. Let $u_1$ be the unit eigenvector of $C$ for its
# largest eigenvalue $\lambda_1$, and $v = \sqrt{\lambda_1}\,u_1$ one standard deviation along that axis. Pushing the means apart, $\mu_{1,2} = \bar x \pm \varepsilon v$,
# with the covariances fixed at $C$ lowers $\ell$; but if the covariances shrink to $C - \varepsilon^2 v v^\top$, so
# that the mixture keeps the data's mean and covariance, $\ell$ *rises*, by about $2.6 \times 10^{-3}$ nats at
# $\varepsilon = 0.1$ (the rise grows like $\varepsilon^4$, so it is very flat). And EM started a hair away,
# $\mu_{1,2} = \bar x \pm 10^{-3} v$ with both covariances $C$, does not stay: it climbs about 160 nats above the
# twin point.

# %%
m_all = X.mean(axis=0)
theta_twin = GMM([0.5, 0.5], [m_all, m_all], [C, C])
ll_twin = []
for _ in range(5):
    r_twin, _ll = em.e_step(X, theta_twin)
    theta_twin = em.m_step(X, r_twin, reg_covar=0.0)
    ll_twin.append(float(special.logsumexp(log_joint_scipy(X, theta_twin), axis=1).sum()))
lam_C, U_C = np.linalg.eigh(C)
v = np.sqrt(lam_C[-1]) * U_C[:, -1]  # one standard deviation along the principal axis of C
ell_of = lambda g: float(special.logsumexp(log_joint_scipy(X, g), axis=1).sum())  # noqa: E731
eps = 0.1
ell_moment = ell_of(GMM([0.5, 0.5], [m_all + eps * v, m_all - eps * v], [C - eps**2 * np.outer(v, v)] * 2))
ell_means = ell_of(GMM([0.5, 0.5], [m_all + eps * v, m_all - eps * v], [C, C]))
theta_split = GMM([0.5, 0.5], [m_all + 1e-3 * v, m_all - 1e-3 * v], [C, C])
for _ in range(100):
    theta_split = em.m_step(X, em.e_step(X, theta_split)[0], reg_covar=0.0)
claims.at_most("identical components: change of ℓ over 5 EM iterations (it never moves), nats", np.ptp(ll_twin), 1e-9)
claims.at_most("means ± 0.1 v, covariances C: change of ℓ, nats (lower)", ell_means - ll_twin[-1], 0.0)
claims.between("means ± 0.1 v, covariances C − 0.01 v vᵀ: change of ℓ, nats (higher)", ell_moment - ll_twin[-1],
               2.5e-3, 2.7e-3)
_ = claims.between("EM from means ± 0.001 v, 100 iterations: climb above the twin point, nats",
                   ell_of(theta_split) - ll_twin[-1], 150, 170)

# %% [markdown]
# So the proof promises only that each iteration does not lose; which hill EM ends on depends on the start
# (lesson 07 compares several starts).

# %%
concept_question("04", 3)

# %% [markdown]
# ## 6. The staircase, from real EM steps
#
# We run EM on Old Faithful from a deliberately poor start (both components in the middle, with the
# covariance of the whole data set) and record, after every half-step, the bound $\mathcal L$ and the
# log-likelihood $\log p$.

# %%
theta_t = GMM([0.5, 0.5], start_means, [C, C])
T = 10
stages, L_trace, ll_trace, kl_at_new = [], [], [], []
ll_hist = [float(special.logsumexp(log_joint_scipy(X, theta_t), axis=1).sum())]
for t in range(T):
    r, _ = em.e_step(X, theta_t)  # E-step: q <- r, the gap closes
    stages.append(f"E{t + 1}")
    L_trace.append(em.lower_bound(X, r, theta_t))
    ll_trace.append(ll_hist[-1])  # θ has not moved: ℓ(θ^(t)) from scipy
    theta_t = em.m_step(X, r)  # M-step: theta <- argmax L(r, .)
    a_t = log_joint_scipy(X, theta_t)
    stages.append(f"M{t + 1}")
    L_trace.append(em.lower_bound(X, r, theta_t))
    ll_trace.append(float(special.logsumexp(a_t, axis=1).sum()))
    ll_hist.append(ll_trace[-1])
    kl_at_new.append(np.sum(r * (np.log(r) - (a_t - special.logsumexp(a_t, axis=1, keepdims=True)))))
L_trace, ll_trace, ll_hist, kl_at_new = map(np.array, (L_trace, ll_trace, ll_hist, kl_at_new))

L_gain_M = L_trace[1::2] - L_trace[0::2]
ll_gain = np.diff(ll_hist)
claims.close("after every E-step, em.lower_bound against log p from scipy (the gap is closed), nats", L_trace[0::2],
             ll_hist[:T], atol=1e-9)
claims.at_least("M-step gains in L, nats", L_gain_M, 0.0)
claims.at_least("log-likelihood gains per iteration, nats", ll_gain, 0.0)
claims.close("log-lik gain − L gain against Σ KL(r ‖ posterior at θ_new)", ll_gain - L_gain_M, kl_at_new, atol=1e-9)

with warnings.catch_warnings():  # tol = 0 never "converges": we ask for exactly T iterations
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk = GaussianMixture(2, max_iter=T, tol=0.0, reg_covar=1e-6, weights_init=[0.5, 0.5], means_init=start_means,
                         precisions_init=np.array([np.linalg.inv(C)] * 2)).fit(X)
claims.close("log-likelihoods ℓ(θ^(0..9)) against scikit-learn's GaussianMixture (lower_bounds_ × N)",
             ll_hist[:T], np.array(sk.lower_bounds_) * N, atol=1e-8)
claims.close("means after 10 iterations against scikit-learn", theta_t.means, sk.means_, atol=1e-9)
_ = claims.close("covariances after 10 iterations against scikit-learn", theta_t.covariances, sk.covariances_, atol=1e-9)

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), layout="constrained", width_ratios=[1.5, 1])
ax = axes[0]
steps = np.arange(len(stages))
ax.plot(steps, ll_trace, "o-", color="0.15", lw=2, ms=5, label="log p(X | θ)")
ax.plot(steps, L_trace, "s--", color=BOUND_GREEN, lw=1.5, ms=5, label="L(q, θ)")
for i in range(1, len(stages), 2):  # after each M-step: the gap that the next E-step closes
    ax.plot([i, i], [L_trace[i], ll_trace[i]], color="orange", lw=3, solid_capstyle="butt",
            label="KL gap opened by the M-step" if i == 1 else None)
ax.set_xticks(steps, stages, fontsize=8)
ax.set(xlabel="half-step (E: q ← posterior;  M: θ ← argmax L)", ylabel="nats",
       title="EM climbs the bound; the log-likelihood follows")
ax.legend(fontsize=8, loc="lower right")
ax = axes[1]
its = np.arange(1, T + 1)
ax.bar(its, L_gain_M, color=BOUND_GREEN, label="gain in L during the M-step")
ax.bar(its, ll_gain - L_gain_M, bottom=L_gain_M, color="orange", label="extra gain = KL gap at θ_new")
ax.set(xlabel="EM iteration", ylabel="log-likelihood gain (nats)", title="each iteration's gain, split in two")
ax.set_xticks(its)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# On the left, each E-step lifts the green bound to the black log-likelihood without moving $\theta$
# (so $\log p$ stays put), and each M-step raises the bound and, by more, the log-likelihood. On the
# right, every iteration's gain splits into the bound's own rise (green) and the KL gap it opened
# (orange), both non-negative (checked above). This monotone increase is what lesson 07 relies on. It is
# not yet convergence of $\ell$: a rising sequence converges only if it is bounded above, and a Gaussian mixture's
# log-likelihood is not (a component that collapses onto a single point has unbounded density; lesson 06).

# %%
concept_question("04", 4)

# %% [markdown]
# ## Summary
#
# - Jensen for the concave log: $\log \sum_i w_i x_i \ge \sum_i w_i \log x_i$, equality only when the $x_i$ agree.
# - Multiplying and dividing by any $q_n$ and applying Jensen gives the evidence lower bound
#   $\mathcal L(q, \theta) = \sum_n \sum_k q_{nk} \log \frac{\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)}{q_{nk}} \le \log p(X \mid \theta)$, a sum of logs.
# - Exactly: $\log p(X \mid \theta) = \mathcal L(q, \theta) + \sum_n \mathrm{KL}(q_n \| p(z_n \mid x_n, \theta))$ (checked to $10^{-11}$ nats),
#   so the bound is tight exactly at the posterior, a maximum that small moves leave quadratically.
# - EM is coordinate ascent on $\mathcal L$: the E-step sets $q$ to the posterior (closing the gap), the M-step
#   maximises $Q$ (raising the bound). Hence $\ell(\theta^{\text{new}}) \ge \mathcal L(r, \theta^{\text{new}}) \ge \mathcal L(r, \theta^{\text{old}}) = \ell(\theta^{\text{old}})$,
#   and the log-likelihood gains the bound's rise plus the KL gap. Monotone is not optimal: EM can stop at a
#   local maximum or a stationary point, and a rising $\ell$ need not converge when it is unbounded.
#
# **Next:** lesson 05 derives the E-step in detail (and the same answer by maximising $\mathcal L$ over $q$
# with a Lagrange multiplier); lesson 06 derives the M-step.
#
# **Exercises:** [exercises/04_jensen_lower_bound.ipynb](../exercises/04_jensen_lower_bound.ipynb)
# — the exercises for this lesson.
