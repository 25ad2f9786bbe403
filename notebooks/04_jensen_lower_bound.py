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
# Lesson 03 ended with a picture: a curve, $Q(\theta, \theta^{\text{old}}) + H(r)$, lying below the
# log-likelihood, touching it at $\theta^{\text{old}}$, and pulling it up when maximised. This lesson
# explains that picture. One inequality about the logarithm turns the awkward *log of a sum* into a
# *sum of logs* that bounds it from below; the bound has an exact gap, a KL divergence; and EM is
# nothing but climbing this bound one coordinate at a time. That is why EM never lowers the
# likelihood.
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

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursepkg import em, mixture
from coursepkg.datasets import FAITHFUL_COLUMNS, SYNTHETIC, make_synthetic, old_faithful
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, plot_ellipses, plot_responsibilities
from coursepkg.widgets.bound import bound_curve, bound_state, make_bound_lab
from coursepkg.widgets.jensen import jensen_state, make_jensen_lab
from coursepkg.widgets.questions import concept_question

rng = np.random.default_rng(4)
np.set_printoptions(precision=4, suppress=True)
BOUND_GREEN = "#2ca02c"  # the bound is drawn in green, log p(x) in black, the gap in orange

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
# For every weight, the square on the chord sits below the dot on the curve; the orange gap is what
# Jensen's inequality drops. A numerical check over many random points and weights:

# %%
gaps = []
for _ in range(5000):
    m = rng.integers(2, 6)
    gaps.append(jensen_state(rng.uniform(0.01, 50, size=m), rng.dirichlet(np.ones(m))).gap)
print(f"5000 random cases: smallest gap log(Σ w x) − Σ w log x = {min(gaps):.2e} (never negative)")
print(f"equal points, any weights: gap = {jensen_state([3.0, 3.0, 3.0], [0.2, 0.5, 0.3]).gap:.1e}")

# %% [markdown]
# ### Lab: move the weights
#
# Three points on the log curve; the sliders set their relative weights (divided by their sum) and
# the position of the third point. The shaded triangle holds every possible pair
# (average of $x$, average of $\log x$); the curve passes above all of it. Try putting all the weight
# on one point (the gap closes), and moving $x_3$ onto $x_2$.

# %%
make_jensen_lab()

# %% [markdown]
# ## 2. From Jensen to a lower bound on the log-likelihood
#
# The log-likelihood of a point is a log of a sum, $\log p(x_n \mid \theta) = \log \sum_k p(x_n, z_n = k \mid \theta)$
# with $p(x_n, z_n = k \mid \theta) = \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)$. To use Jensen we need a
# *weighted average* inside the log, so we make one: pick any distribution $q_n$ over the components
# ($q_{nk} > 0$ where $p(x_n, k) > 0$, $\sum_k q_{nk} = 1$), multiply and divide by it, and apply Jensen with
# weights $q_{nk}$ and numbers $p(x_n, z_n = k \mid \theta) / q_{nk}$:
#
# $$
# \log p(x_n \mid \theta) = \log \sum_k q_{nk}\, \frac{p(x_n, z_n = k \mid \theta)}{q_{nk}}
# \;\ge\; \sum_k q_{nk} \log \frac{p(x_n, z_n = k \mid \theta)}{q_{nk}} .
# $$
#
# Summing over the points gives the **evidence lower bound**
#
# $$
# \log p(X \mid \theta) \;\ge\; \mathcal L(q, \theta) = \sum_{n=1}^N \sum_{k=1}^K q_{nk} \bigl[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k) - \log q_{nk}\bigr].
# $$
#
# The log now sits *inside* the sum: each term is a Gaussian log-density, the same easy sum of logs
# as the complete-data log-likelihood of lesson 03. Indeed
# $\mathcal L(q, \theta) = \sum_{n,k} q_{nk}[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)] + H(q)$: the expected complete
# log-likelihood under $q$ plus the entropy of $q$. We check that `em.lower_bound` is below the
# log-likelihood for random $q$ on Old Faithful.

# %%
X = old_faithful()
N = len(X)
theta = GMM([0.5, 0.5], [[2.2, 56.0], [4.2, 78.0]], [np.diag([0.15, 40.0]), np.diag([0.2, 40.0])])
ll = mixture.log_likelihood(X, theta)
for trial in range(4):
    q = rng.dirichlet(np.ones(2), size=N)  # a random distribution over components for every point
    L = em.lower_bound(X, q, theta)
    print(f"random q #{trial}: L(q, θ) = {L:10.3f}  ≤  log p(X | θ) = {ll:10.3f}")

# %% [markdown]
# Random $q$ give bounds far below the log-likelihood. How far, exactly?

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
# We check the identity with `em.lower_bound` and a KL computed directly from the posterior
# (`em.e_step`), for several random $q$.

# %%
posterior, _ = em.e_step(X, theta)
residuals = []
for trial in range(5):
    q = rng.dirichlet(np.full(2, 0.7), size=N)
    L = em.lower_bound(X, q, theta)
    kl = np.sum(q * (np.log(q) - np.log(posterior)))  # Σ_n Σ_k q_nk log(q_nk / p(z_n = k | x_n))
    residuals.append(abs(ll - (L + kl)))
    print(f"q #{trial}: L = {L:10.4f}, KL = {kl:9.4f}, L + KL = {L + kl:10.4f}, log p(X | θ) = {ll:10.4f}")
print(f"largest |log p − (L + KL)| over the 5 trials: {max(residuals):.1e}")

# %% [markdown]
# The bound plus the KL divergence reproduces the log-likelihood to about $10^{-12}$, rounding error on
# numbers of size $10^3$: the gap between $\log p$ and $\mathcal L$ is *exactly* the KL divergence.

# %% [markdown]
# ## 4. The bound is tight exactly at the posterior
#
# $\mathrm{KL}(q_n \| p) = 0$ if and only if $q_n = p$. So $\mathcal L(q, \theta) = \log p(X \mid \theta)$ exactly when every
# $q_n$ is the posterior $p(z_n \mid x_n, \theta)$, the responsibilities $r_n$, and the bound is strictly lower
# for every other $q$. To see it, fix one point and move its $q$ along a path through the posterior,
# keeping the other points at their posteriors: on Old Faithful ($K = 2$) the path is
# $q = (1 - q_1, q_1)$ for $q_1 \in [0, 1]$; on the synthetic set ($K = 3$) it is a straight line across
# the triangle of distributions through the posterior.

# %%
n_star = int(np.argmin(np.abs(posterior[:, 1] - 0.3)))  # the point whose posterior is nearest to (0.7, 0.3)
x_star = X[n_star]
s_star = bound_state(x_star, posterior[n_star], theta)
q1 = np.linspace(0, 1, 401)
L_path_2 = bound_curve(x_star, theta, np.column_stack([1 - q1, q1]))

X3, _ = make_synthetic("overlapping", n=300, rng=0)
theta3 = SYNTHETIC["overlapping"]
post_all3, _ = em.e_step(X3, theta3)
n3 = int(np.argmax(-np.sum(post_all3 * np.log(post_all3), axis=1)))  # the point whose label is most uncertain
x3, post3 = X3[n3], post_all3[n3]
direction = np.array([1.0, 0.0, 0.0]) - post3  # the line from the posterior (t = 0) to the vertex "all on 0" (t = 1)
t_min = -post3[0] / (1 - post3[0])  # going backwards, q_0 reaches 0 here: the line leaves the simplex
ts = np.linspace(t_min, 1.0, 401)
qs3 = np.clip(post3 + ts[:, None] * direction, 0, None)
qs3 /= qs3.sum(axis=1, keepdims=True)  # guard against rounding at the ends
L_path_3 = bound_curve(x3, theta3, qs3)
s3 = bound_state(x3, post3, theta3)

print(f"Old Faithful point {x_star} min: posterior {s_star.posterior}, "
      f"log p − L at the posterior = {s_star.log_p - s_star.lower_bound:.1e}")
print(f"  largest L on the path at q1 = {q1[np.argmax(L_path_2)]:.4f} (posterior q1 = {s_star.posterior[1]:.4f})")
print(f"synthetic point {x3}: posterior {post3}, log p − L at the posterior = {s3.log_p - s3.lower_bound:.1e}")
print(f"  largest L on the path at t = {ts[np.argmax(L_path_3)]:.4f} (the posterior is at t = 0)")

fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2), layout="constrained")
ax = axes[0]
ax.plot(q1, L_path_2, color=BOUND_GREEN, lw=2, label="L(q, θ) for this point")
ax.axhline(s_star.log_p, color="0.15", lw=2, label="log p(x | θ)")
ax.axvline(s_star.posterior[1], color="0.4", ls=":", label=f"posterior q₁ = {s_star.posterior[1]:.3f}")
ax.set(xlabel="q₁ (probability that q gives component 1)", ylabel="nats",
       title=f"Old Faithful point ({x_star[0]:.2f} min, {x_star[1]:.0f} min), K = 2")
q_demo = bound_state(x_star, [0.85, 0.15], theta)
ax.plot([0.15, 0.15], [q_demo.lower_bound, q_demo.log_p], color="orange", lw=4, solid_capstyle="butt",
        label=f"gap at q₁ = 0.15: KL = {q_demo.kl:.3f}")
ax.set_ylim(L_path_2.min() - 0.25, s_star.log_p + 0.25)
ax.legend(fontsize=8, loc="lower center")
ax = axes[1]
ax.plot(ts, L_path_3, color=BOUND_GREEN, lw=2, label="L(q(t), θ) for this point")
ax.axhline(s3.log_p, color="0.15", lw=2, label="log p(x | θ)")
ax.axvline(0, color="0.4", ls=":", label="t = 0: q is the posterior")
ax.set(xlabel="t  (q(t) = posterior + t · (vertex 0 − posterior))", ylabel="nats",
       title="synthetic point, K = 3: a line across the simplex")
ax.set_ylim(L_path_3.min() - 0.25, s3.log_p + 0.25)
ax.legend(fontsize=8, loc="lower center")
plt.show()

# %% [markdown]
# In both panels the bound is a concave hump that touches $\log p(x)$ at a single point, the
# posterior, and lies strictly below it everywhere else. Move $q$ away from the posterior in any
# direction and the gap opens.

# %% [markdown]
# ## 5. EM is coordinate ascent on $\mathcal L$
#
# $\mathcal L(q, \theta)$ has two arguments. EM maximises it over each in turn, holding the other fixed.
#
# **E-step: maximise over $q$, with $\theta$ fixed.** The identity of section 3 says
# $\mathcal L(q, \theta) = \log p(X \mid \theta) - \sum_n \mathrm{KL}(q_n \| p(z_n \mid x_n, \theta))$, and the first term does not
# depend on $q$. So the best $q$ makes every KL zero: $q_{nk} = r_{nk}$, the responsibilities. After
# the E-step the gap is closed, $\mathcal L(r, \theta) = \log p(X \mid \theta)$.
#
# **M-step: maximise over $\theta$, with $q = r$ fixed.** Split the bound as in section 2:
# $\mathcal L(r, \theta) = Q(\theta, \theta^{\text{old}}) + H(r)$. The entropy does not depend on $\theta$, so maximising the
# bound over $\theta$ is maximising $Q$, the closed-form M-step of lesson 03. (Lesson 06 derives it.)
#
# We check both claims numerically: no random $q$ beats the responsibilities, and no perturbation of
# the M-step's parameters beats them.

# %%
L_at_r = em.lower_bound(X, posterior, theta)
best_random = max(em.lower_bound(X, rng.dirichlet(np.ones(2), size=N), theta) for _ in range(300))
print(f"E-step: L(r, θ) = {L_at_r:.4f} = log p(X | θ) = {ll:.4f} (difference {abs(L_at_r - ll):.1e}); "
      f"best of 300 random q: {best_random:.4f}")

theta_new = em.m_step(X, posterior, reg_covar=0.0)
L_new = em.lower_bound(X, posterior, theta_new)
worse = 0
for _ in range(300):
    dw = rng.normal(size=2) * 0.01
    A = rng.normal(size=(2, 2, 2)) * 0.01
    perturbed = GMM(theta_new.weights + dw - dw.mean(), theta_new.means + rng.normal(size=(2, 2)) * 0.02,
                    theta_new.covariances + (A + A.transpose(0, 2, 1)) / 2)
    worse += em.lower_bound(X, posterior, perturbed) < L_new
print(f"M-step: L(r, θ_new) = {L_new:.4f}; perturbations of θ_new that lowered L: {worse} / 300")

# %% [markdown]
# ### Why the log-likelihood can only go up
#
# Chain the two steps from $\theta^{\text{old}}$, with $r$ the responsibilities at $\theta^{\text{old}}$:
#
# $$
# \log p(X \mid \theta^{\text{new}})
# \;\overset{\text{(a)}}{\ge}\; \mathcal L(r, \theta^{\text{new}})
# \;\overset{\text{(b)}}{\ge}\; \mathcal L(r, \theta^{\text{old}})
# \;\overset{\text{(c)}}{=}\; \log p(X \mid \theta^{\text{old}}) .
# $$
#
# (a) is the bound itself (the KL at $\theta^{\text{new}}$ is $\ge 0$); (b) holds because $\theta^{\text{new}}$ maximises
# $\mathcal L(r, \cdot)$, so it is at least as good as $\theta^{\text{old}}$; (c) is the tightness after the E-step. So
# every EM iteration gives $\log p(X \mid \theta^{\text{new}}) \ge \log p(X \mid \theta^{\text{old}})$. The likelihood even rises by
# *more* than the bound did, by the KL gap that opens at $\theta^{\text{new}}$, which the next E-step closes.
#
# ## 6. The staircase, from real EM steps
#
# We run EM on Old Faithful from a deliberately poor start (both components in the middle, with the
# covariance of the whole data set) and record, after every half-step, the bound $\mathcal L$ and the
# log-likelihood $\log p$.

# %%
C = np.cov(X.T, bias=True)
theta_t = GMM([0.5, 0.5], [[3.0, 66.0], [3.8, 74.0]], [C, C])
T = 10
stages, L_trace, ll_trace = [], [], []
ll_hist = [mixture.log_likelihood(X, theta_t)]
for t in range(T):
    r, ll_t = em.e_step(X, theta_t)  # E-step: q <- r, the gap closes
    stages.append(f"E{t + 1}")
    L_trace.append(em.lower_bound(X, r, theta_t))
    ll_trace.append(ll_t)
    theta_t = em.m_step(X, r)  # M-step: theta <- argmax L(r, .)
    stages.append(f"M{t + 1}")
    L_trace.append(em.lower_bound(X, r, theta_t))
    ll_trace.append(mixture.log_likelihood(X, theta_t))
    ll_hist.append(ll_trace[-1])
L_trace, ll_trace, ll_hist = map(np.array, (L_trace, ll_trace, ll_hist))

gap_after_E = np.abs(ll_trace[0::2] - L_trace[0::2]).max()
L_gain_M = L_trace[1::2] - L_trace[0::2]
ll_gain = np.diff(ll_hist)
print(f"after every E-step, |log p − L| ≤ {gap_after_E:.1e} (the gap is closed)")
print(f"M-step gains in L:          min {L_gain_M.min():.3e}  (≥ 0)")
print(f"log-likelihood gains:       min {ll_gain.min():.3e}  (≥ 0)")
print(f"log-lik gain − L gain (KL): min {(ll_gain - L_gain_M).min():.3e}  (≥ 0: log p rises at least as much)")
reference = em.fit_em(X, GMM([0.5, 0.5], [[3.0, 66.0], [3.8, 74.0]], [C, C]), max_iter=T, tol=0.0).history
print(f"same log-likelihoods as em.fit_em's history: max difference {np.max(np.abs(reference - ll_hist)):.1e}")

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
# (orange), both non-negative. This is the monotone convergence that lesson 07 relies on.

# %% [markdown]
# ## 7. Lab: move $q$ for one point
#
# One point $x$ in a one-dimensional two-component mixture. The slider $q_1$ sets the distribution
# $q = (1 - q_1, q_1)$; the middle panel plots $\mathcal L(q, \theta) - \log p(x \mid \theta)$, so the black zero line *is*
# the log-likelihood and the orange bar is the gap, $\mathrm{KL}(q \| \text{posterior})$. The button performs
# the E-step for this point. Move the point or the mean $\mu_1$ and watch the posterior (dotted line)
# move; the gap closes only there.

# %%
make_bound_lab()

# %% [markdown]
# ## 8. Check your understanding

# %%
concept_question("04", 1)

# %%
concept_question("04", 2)

# %%
concept_question("04", 3)

# %% [markdown]
# ## Summary
#
# - Jensen for the concave log: $\log \sum_i w_i x_i \ge \sum_i w_i \log x_i$, equality only when the $x_i$ agree.
# - Multiplying and dividing by any $q_n$ and applying Jensen gives the lower bound
#   $\mathcal L(q, \theta) = \sum_n \sum_k q_{nk} \log \frac{\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)}{q_{nk}} \le \log p(X \mid \theta)$, a sum of logs.
# - Exactly: $\log p(X \mid \theta) = \mathcal L(q, \theta) + \sum_n \mathrm{KL}(q_n \| p(z_n \mid x_n, \theta))$ (checked to $\sim 10^{-12}$),
#   so the bound is tight exactly at the posterior.
# - EM is coordinate ascent on $\mathcal L$: the E-step sets $q$ to the posterior (closing the gap), the M-step
#   maximises $Q$ (raising the bound). Hence $\log p(X \mid \theta^{\text{new}}) \ge \mathcal L(r, \theta^{\text{new}}) \ge \mathcal L(r, \theta^{\text{old}}) = \log p(X \mid \theta^{\text{old}})$.
#
# **Next:** lesson 05 derives the E-step in detail (and the same answer by maximising $\mathcal L$ over $q$
# with a Lagrange multiplier); lesson 06 derives the M-step.
#
# **Exercises:** [exercises/04_jensen_lower_bound.ipynb](../exercises/04_jensen_lower_bound.ipynb)
# — the exercises for this lesson.
