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
# # Lesson 06 — The M-step: updating the parameters
#
# The E-step (lesson 05) fixed the parameters and computed responsibilities $r_{nk}$.
# The M-step does the opposite: **with $r$ fixed, find the parameters that maximise
# the expected complete-data log-likelihood**
#
# $$
# Q(\theta) = \sum_{n=1}^N \sum_{k=1}^K r_{nk}\,\big[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)\big]
# $$
#
# (lesson 03). Unlike the log-likelihood, $Q$ has no log of a sum, and it has closed-form
# maximisers: the "count and average" of known labels, with each point counted
# fractionally.
#
# **Learning goals.** After this lesson you can
#
# 1. derive $\pi_k = N_k / N$ with a Lagrange multiplier, and $\mu_k$, $\Sigma_k$ by setting
#    gradients of $Q$ to zero;
# 2. check such a derivation numerically (finite differences, random perturbations);
# 3. compute weighted means and covariances stably (centred, not $E[xx^\top] - \mu\mu^\top$);
# 4. explain why maximum likelihood for a Gaussian mixture can run off to infinity, and
#    how `reg_covar` (or a prior) prevents it.
#
# **You need:** lesson 03 ($Q$ and the count-and-average MLE), lesson 05, and matrix calculus
# at the level of $\nabla_x\, x^\top A x = 2Ax$ for symmetric $A$.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursepkg import em
from coursepkg.datasets import make_synthetic, old_faithful
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import GMM, expected_complete_log_likelihood, log_likelihood
from coursepkg.plotting import COMPONENT_COLORS, plot_ellipses, plot_responsibilities
from coursepkg.widgets.mstep import make_mstep_lab
from coursepkg.widgets.questions import concept_question

rng = np.random.default_rng(6)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The setting: responsibilities are fixed
#
# We take the "overlapping" data of lesson 05, start from a rough guess $\theta^{\text{old}}$
# (k-means++ means, every covariance equal to the data's covariance), and run one
# E-step. These responsibilities stay fixed for the whole lesson; every formula
# below is about the best $\theta$ *given* them.

# %%
X, _ = make_synthetic("overlapping", n=300, rng=0)
n, d = X.shape
K = 3
theta_old = em.initial_gmm(X, K, rng=np.random.default_rng(0))
r, ll_old = em.e_step(X, theta_old)
Nk = r.sum(axis=0)  # effective number of points per component
print(f"N = {n} points, d = {d}, K = {K}")
print(f"N_k = sum_n r_nk = {Nk}   (sum {Nk.sum():.6f} = N, because each row of r sums to 1)")

# %% [markdown]
# ## 2. $Q$ splits into independent pieces
#
# Expand the log of the product $\pi_k \mathcal N(\cdot)$ and swap the sums:
#
# $$
# Q(\theta) = \underbrace{\sum_k N_k \log \pi_k}_{\text{only } \pi}
# \;+\; \sum_k \underbrace{\sum_n r_{nk} \log \mathcal N(x_n \mid \mu_k, \Sigma_k)}_{Q_k:\ \text{only } \mu_k,\, \Sigma_k},
# \qquad N_k = \sum_n r_{nk}.
# $$
#
# The weights appear only in the first term and each component's $(\mu_k, \Sigma_k)$ only in
# its own $Q_k$, so we can maximise each piece on its own. This is exactly the
# decoupling that the log of a sum prevented. We write $Q$ with plain arrays so we can
# evaluate it at any parameters, and check it against the course's implementation.

# %%
def Q(weights, means, covs):
    """Expected complete-data log-likelihood for the fixed responsibilities r."""
    total = 0.0
    for k in range(K):
        total += np.sum(r[:, k] * (np.log(weights[k]) + log_pdf(X, means[k], covs[k])))
    return total


q_old = Q(theta_old.weights, theta_old.means, theta_old.covariances)
print(f"Q(theta_old): ours {q_old:.10f}, coursepkg {expected_complete_log_likelihood(X, r, theta_old):.10f}")

# %% [markdown]
# ## 3. The weights, with a Lagrange multiplier
#
# Maximise $\sum_k N_k \log \pi_k$ subject to $\sum_k \pi_k = 1$. The Lagrangian is
#
# $$
# \Lambda(\pi, \lambda) = \sum_{k=1}^K N_k \log \pi_k + \lambda \Big(\sum_{k=1}^K \pi_k - 1\Big).
# $$
#
# **Differentiate:** $\dfrac{\partial \Lambda}{\partial \pi_k} = \dfrac{N_k}{\pi_k} + \lambda \overset{!}{=} 0$, so
# $\pi_k = -N_k / \lambda$.
#
# **Solve for the multiplier:** summing over $k$, $1 = \sum_k \pi_k = -\frac{1}{\lambda}\sum_k N_k$. Since every
# row of $r$ sums to one, $\sum_k N_k = \sum_n \sum_k r_{nk} = N$, hence $\lambda = -N$ and
#
# $$
# \pi_k = \frac{N_k}{N}.
# $$
#
# It is the maximum: $\sum_k N_k \log \pi_k$ is concave (a positive combination of logs) and the
# constraint is linear. The positivity constraints $\pi_k \ge 0$ do not bind because $\log \pi_k \to -\infty$ at 0.
#
# **Check:** the gradient of the Lagrangian vanishes at $\pi = N_k/N$ with $\lambda = -N$, and
# 10,000 random weight vectors drawn uniformly from the simplex all give a smaller $Q$.

# %%
pi_new = Nk / n
print(f"pi_k = N_k / N = {pi_new}")
print(f"max |N_k / pi_k + lambda| at the update (lambda = -N): {np.abs(Nk / pi_new - n).max():.1e}")
q_pi = np.sum(Nk * np.log(pi_new))
q_random = np.log(rng.dirichlet(np.ones(K), size=10_000)) @ Nk
print(f"max over random pi of Q(pi) - Q(N_k/N): {(q_random - q_pi).max():.3e}   (negative: N_k/N wins)")

# %% [markdown]
# ## 4. The means: set the gradient to zero
#
# Write $\log \mathcal N(x \mid \mu, \Sigma) = -\frac d2 \log 2\pi - \frac12 \log|\Sigma| - \frac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)$.
# Only the quadratic form depends on $\mu_k$, and $\nabla_\mu \big[(x-\mu)^\top A (x-\mu)\big] = -2A(x-\mu)$ for
# symmetric $A$. So
#
# $$
# \nabla_{\mu_k} Q = \sum_n r_{nk}\, \Sigma_k^{-1} (x_n - \mu_k) = \Sigma_k^{-1}\Big(\sum_n r_{nk} x_n - N_k \mu_k\Big) \overset{!}{=} 0 .
# $$
#
# $\Sigma_k^{-1}$ is invertible, so the bracket must vanish:
#
# $$
# \mu_k = \frac{1}{N_k} \sum_{n=1}^N r_{nk}\, x_n ,
# $$
#
# the responsibility-weighted average of the points, whatever $\Sigma_k$ is. It is the maximum
# because $Q_k$ is a concave quadratic in $\mu_k$ (its Hessian is $-N_k \Sigma_k^{-1}$).

# %%
mu_new = (r.T @ X) / Nk[:, None]
print("mu_k (weighted means):\n", mu_new)

# %% [markdown]
# ## 5. The covariances: differentiate with respect to $\Sigma_k$
#
# Collect the part of $Q_k$ that depends on $\Sigma_k$, with $\mu_k$ at its optimum, and the
# *scatter matrix* $S_k = \sum_n r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top$:
#
# $$
# Q_k(\Sigma_k) = -\frac{N_k}{2} \log |\Sigma_k| - \frac12 \sum_n r_{nk} (x_n-\mu_k)^\top \Sigma_k^{-1} (x_n-\mu_k) + \text{const}
# = -\frac{N_k}{2} \log |\Sigma_k| - \frac12 \operatorname{tr}\!\big(\Sigma_k^{-1} S_k\big) + \text{const},
# $$
#
# using $v^\top A v = \operatorname{tr}(A\, v v^\top)$ and linearity of the trace. Two matrix derivatives
# (for symmetric $\Sigma$) do the rest:
#
# $$
# \frac{\partial}{\partial \Sigma} \log|\Sigma| = \Sigma^{-1}, \qquad
# \frac{\partial}{\partial \Sigma} \operatorname{tr}(\Sigma^{-1} S) = -\Sigma^{-1} S\, \Sigma^{-1}.
# $$
#
# Therefore
#
# $$
# \frac{\partial Q_k}{\partial \Sigma_k} = -\frac{N_k}{2} \Sigma_k^{-1} + \frac12 \Sigma_k^{-1} S_k \Sigma_k^{-1} \overset{!}{=} 0 .
# $$
#
# Multiply by $2\Sigma_k$ on the left and on the right: $-N_k \Sigma_k + S_k = 0$, so
#
# $$
# \Sigma_k = \frac{S_k}{N_k} = \frac{1}{N_k} \sum_{n=1}^N r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top .
# $$
#
# **The same in the precision** $P_k = \Sigma_k^{-1}$ is shorter and shows it is a maximum:
# $Q_k = \frac{N_k}{2} \log|P_k| - \frac12 \operatorname{tr}(P_k S_k) + \text{const}$, with gradient
# $\frac{N_k}{2} P_k^{-1} - \frac12 S_k$, zero at $P_k^{-1} = S_k / N_k$. Here $\log|P|$ is concave and the trace is linear,
# so the stationary point is the maximum. Note the mean in $S_k$ is the **new** $\mu_k$: the
# pair $(\mu_k, \Sigma_k)$ maximises $Q_k$ jointly, and $\mu_k$'s optimum did not depend on $\Sigma_k$.

# %%
Sigma_new = np.empty((K, d, d))
for k in range(K):
    diff = X - mu_new[k]  # centred on the NEW mean
    Sigma_new[k] = (r[:, k, None] * diff).T @ diff / Nk[k]
print("Sigma_k (weighted covariances):\n", Sigma_new)

# %% [markdown]
# ## 6. Check: the gradient of $Q$ vanishes at the update
#
# A derivation with matrix calculus is easy to get subtly wrong (a missing factor 2, a
# transpose), so we check it without any calculus. Central finite differences
# $\frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}$ estimate the partial derivative of $Q/N$ with respect
# to every parameter: each coordinate of each mean, each entry of each covariance
# (moving $\Sigma_{ab}$ and $\Sigma_{ba}$ together to stay symmetric), and each weight (for which the
# gradient of the *Lagrangian*, $\partial Q/\partial \pi_k + \lambda$ with $\lambda = -N$, is what must vanish).
# For contrast we evaluate the same gradient at $\theta^{\text{old}}$.

# %%
def fd_gradient(weights, means, covs, h=1e-5):
    """Central finite-difference gradient of Q/N (weights: of the Lagrangian) as one flat vector."""
    weights, means, covs = (np.array(a, dtype=float) for a in (weights, means, covs))
    grads = []

    def central(set_value, base):
        set_value(base + h)
        up = Q(weights, means, covs)
        set_value(base - h)
        down = Q(weights, means, covs)
        set_value(base)
        return (up - down) / (2 * h * n)

    for k in range(K):
        def set_w(v, k=k):
            weights[k] = v
        grads.append(central(set_w, weights[k]) - 1.0)  # + lambda / N, with lambda = -N
        for a in range(d):
            def set_m(v, k=k, a=a):
                means[k, a] = v
            grads.append(central(set_m, means[k, a]))
            for b in range(a, d):
                def set_c(v, k=k, a=a, b=b):
                    covs[k, a, b] = covs[k, b, a] = v
                grads.append(central(set_c, covs[k, a, b]))
    return np.array(grads)


g_new = fd_gradient(pi_new, mu_new, Sigma_new)
g_old = fd_gradient(theta_old.weights, theta_old.means, theta_old.covariances)
print(f"{g_new.size} partial derivatives of Q/N")
print(f"max |finite-difference gradient| at the M-step update: {np.abs(g_new).max():.1e}")
print(f"max |finite-difference gradient| at theta_old:         {np.abs(g_old).max():.1e}")

# %% [markdown]
# At the update every partial derivative is zero to about $10^{-9}$, the accuracy of a
# central difference; at the old parameters they are of order one.
#
# A zero gradient could also be a minimum or a saddle. So we also **perturb** each
# parameter group at random, keeping the weights on the simplex and the covariances
# symmetric positive-definite, and see that $Q$ always drops.

# %%
q_new = Q(pi_new, mu_new, Sigma_new)
worst = {"weights": -np.inf, "means": -np.inf, "covariances": -np.inf}
for _ in range(300):
    k = rng.integers(K)
    step = rng.normal(size=K)
    step -= step.mean()  # stays on sum(pi) = 1
    worst["weights"] = max(worst["weights"], Q(pi_new + 0.01 * step, mu_new, Sigma_new) - q_new)
    means = mu_new.copy()
    means[k] += 0.05 * rng.normal(size=d)
    worst["means"] = max(worst["means"], Q(pi_new, means, Sigma_new) - q_new)
    covs = Sigma_new.copy()
    E = rng.normal(size=(d, d))
    covs[k] += 0.02 * (E + E.T) / 2
    if np.linalg.eigvalsh(covs[k]).min() > 0:
        worst["covariances"] = max(worst["covariances"], Q(pi_new, mu_new, covs) - q_new)
print(f"Q at the update: {q_new:.4f}  (Q at theta_old: {q_old:.4f})")
for name, value in worst.items():
    print(f"largest change of Q over 300 random perturbations of the {name:11s}: {value:.2e}")

# %% [markdown]
# Every perturbation lowers $Q$: the closed-form update is the maximum, not just a
# stationary point.

# %% [markdown]
# ## 7. The same numbers from `np.cov` and from `em.m_step`
#
# NumPy's `np.cov` accepts weights per observation: with `aweights=r[:, k]` and
# `bias=True` it divides by $\sum_n r_{nk} = N_k$, exactly our $\Sigma_k$. The course's `em.m_step`
# computes all three updates at once (we switch off its `reg_covar` for the comparison).

# %%
gmm_new = em.m_step(X, r, reg_covar=0.0)
for k in range(K):
    C = np.cov(X.T, aweights=r[:, k], bias=True)
    print(f"component {k}: max |Sigma_k - np.cov(aweights)| = {np.abs(Sigma_new[k] - C).max():.1e}, "
          f"|mu_k - np.average| = {np.abs(mu_new[k] - np.average(X, axis=0, weights=r[:, k])).max():.1e}")
print(f"em.m_step vs our formulas: weights {np.abs(gmm_new.weights - pi_new).max():.1e}, "
      f"means {np.abs(gmm_new.means - mu_new).max():.1e}, covariances {np.abs(gmm_new.covariances - Sigma_new).max():.1e}")
print(f"log-likelihood: before the M-step {ll_old:.3f}, after {log_likelihood(X, gmm_new):.3f}")

# %% [markdown]
# Before and after, side by side: the colours are the fixed responsibilities; the
# M-step moves each ellipse to the weighted mean and weighted spread of its colour.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharex=True, sharey=True)
for ax, g, title in [(axes[0], theta_old, "$\\theta^{old}$ (before the M-step)"),
                     (axes[1], gmm_new, "after one M-step with the same $r$")]:
    plot_responsibilities(X, r, ax=ax)
    plot_ellipses(g, ax=ax)
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")
axes[0].set_ylabel("$x_2$")
axes[1].legend(loc="lower right", fontsize=8)
plt.show()

# %% [markdown]
# ## 8. Centre before you square
#
# Expanding $S_k / N_k$ gives the tempting shortcut
# $\Sigma_k = \frac{1}{N_k}\sum_n r_{nk} x_n x_n^\top - \mu_k \mu_k^\top$ ("$E[xx^\top] - \mu\mu^\top$"), which needs one
# pass over the data instead of two. In exact arithmetic it is the same. In floating
# point it subtracts two huge, nearly equal numbers when the data sit far from the
# origin. Shift the same data by $10^8$ (say, coordinates in metres from a distant
# reference point): the covariance should not change at all.

# %%
offset = 1e8
X_far = X + offset
k = 0
mu_far = np.average(X_far, axis=0, weights=r[:, k])
second_moment = (r[:, k, None] * X_far).T @ X_far / Nk[k]
Sigma_uncentred = second_moment - np.outer(mu_far, mu_far)
Sigma_centred = em.m_step(X_far, r, reg_covar=0.0).covariances[k]
print("true Sigma_0 (from the unshifted data):\n", Sigma_new[k])
print("uncentred  E[xx^T] - mu mu^T :\n", Sigma_uncentred)
print("centred (em.m_step):\n", Sigma_centred)
print(f"max error: uncentred {np.abs(Sigma_uncentred - Sigma_new[k]).max():.1e}, "
      f"centred {np.abs(Sigma_centred - Sigma_new[k]).max():.1e}")

# %% [markdown]
# The squares are about $10^{16}$, and float64 keeps about 16 significant digits, so the
# difference loses every digit of the answer: the uncentred "covariance" is garbage
# (here not even positive-definite). Subtracting the mean first keeps the numbers small;
# `coursepkg` always does.

# %% [markdown]
# ## 9. Singularities: the likelihood has no maximum
#
# Maximum likelihood for a Gaussian mixture is not a well-posed problem. Put one
# component's mean **exactly on a data point** $x_m$ and shrink its variance. In 1-D,
# that point's density contains the term $\pi_1 \mathcal N(x_m \mid x_m, \sigma^2) = \pi_1 / (\sqrt{2\pi}\,\sigma)$,
# which grows without bound, while every other point keeps the density the other
# component gives it. So as $\sigma \to 0$,
#
# $$
# \log p(X \mid \theta) \approx \sum_{n \ne m} \log\big(\pi_0 \mathcal N(x_n \mid \mu_0, \sigma_0^2)\big)
# + \log \frac{\pi_1}{\sqrt{2\pi}\,\sigma} \;\longrightarrow\; +\infty ,
# $$
#
# growing by $\log 10 \approx 2.3$ for every factor 10 in $\sigma$. We do it on Old Faithful's
# eruption durations (minutes), with a broad component 0 fitted to all of them, and put
# component 1 on the most isolated duration (many durations occur several times, and
# each copy would add its own spike).

# %%
x = old_faithful()[:, :1]  # eruption durations in minutes, shape (272, 1)
gap = np.abs(x - x.T) + np.diag(np.full(len(x), np.inf))
m = int(np.argmax(gap.min(axis=1)))  # the most isolated data point
weights = [0.5, 0.5]
mu0, var0 = x.mean(), x.var()
rest = np.log(weights[0]) + log_pdf(np.delete(x, m, axis=0), [mu0], [[var0]])
print(f"mean of component 1 placed on x_{m} = {x[m, 0]} min (nearest other duration {gap[m].min():.3f} min away)")
print("   sigma (min)   log-likelihood   rise since sigma=0.1   closed-form limit")
sigmas = 10.0 ** -np.array([1, 2, 5, 10, 20, 45, 90, 150])
lls = []
for sigma in sigmas:
    spike = GMM(weights, [[mu0], [x[m, 0]]], [[[var0]], [[sigma**2]]])
    lls.append(log_likelihood(x, spike))
    limit = rest.sum() + np.log(weights[1] / (np.sqrt(2 * np.pi) * sigma))
    print(f"   {sigma:9.0e}   {lls[-1]:14.2f}   {lls[-1] - lls[0]:16.2f}   {limit:14.2f}")

# %% [markdown]
# Once $\sigma$ is well below the 0.167 min gap to the next point, the log-likelihood follows the
# closed form exactly: it has risen by 16 nats at $\sigma = 10^{-10}$, by about 100 at $10^{-45}$, by 340 at
# $10^{-150}$, and it has no top (only float64 stops us, at $\sigma^2 \approx 10^{-308}$). A method that
# only maximises the likelihood can be lured into such a spike. It is not a good model of
# the eruptions; it is a degenerate one.
#
# ### The fix: a floor under the covariance
#
# `em.m_step` adds `reg_covar` $\varepsilon$ to the diagonal of every covariance,
# $\Sigma_k \leftarrow S_k/N_k + \varepsilon I$. Then every eigenvalue of $\Sigma_k$ is at least $\varepsilon$, so
# $\mathcal N(x \mid \mu_k, \Sigma_k) \le (2\pi\varepsilon)^{-d/2}$ everywhere and the log-likelihood is bounded by
# $-\frac{Nd}{2}\log(2\pi\varepsilon)$. The same thing done the Bayesian way is a prior on $\Sigma_k$ (an
# inverse-Wishart with scale matrix $\Psi$ and $\nu$ pseudo-observations), whose MAP update
# $\Sigma_k = (S_k + \Psi)/(N_k + \nu + d + 1)$ can never reach zero either. Below: the same spike,
# with the covariance floored at $\varepsilon = 10^{-6}$ and $10^{-3}$.

# %%
fig, (ax_d, ax_l) = plt.subplots(1, 2, figsize=(11, 4.2))
grid = np.linspace(1.3, 5.4, 2000)[:, None]
ax_d.hist(x[:, 0], bins=30, density=True, color="0.85", label="eruption durations")
for sigma, style in [(0.1, "-"), (0.03, "--"), (0.01, ":")]:
    spike = GMM(weights, [[mu0], [x[m, 0]]], [[[var0]], [[sigma**2]]])
    dens = np.exp(np.logaddexp(np.log(weights[0]) + log_pdf(grid, [mu0], [[var0]]),
                               np.log(weights[1]) + log_pdf(grid, [x[m, 0]], [[sigma**2]])))
    ax_d.plot(grid[:, 0], dens, ls=style, color=COMPONENT_COLORS[1], label=f"mixture density, $\\sigma_1$ = {sigma}")
ax_d.axvline(x[m, 0], color="0.4", lw=0.8)
ax_d.set_ylim(0, 4.5)
ax_d.set_xlabel("eruption duration (minutes)")
ax_d.set_ylabel("density (1 / minute)")
ax_d.set_title(f"Component 1 shrinking onto the point {x[m, 0]} min\n(the narrower spikes leave the chart)")
ax_d.legend(fontsize=8, loc="upper left")

sig_grid = 10.0 ** -np.linspace(0.5, 128, 60)
for eps, style, colour in [(0.0, "-", "black"), (1e-6, "--", "tab:blue"), (1e-3, ":", "tab:blue")]:
    ll_sweep = [log_likelihood(x, GMM(weights, [[mu0], [x[m, 0]]], [[[var0]], [[s**2 + eps]]])) for s in sig_grid]
    label = "reg_covar = 0 (no floor)" if eps == 0 else f"floor: $\\Sigma_1 = \\sigma_1^2$ + {eps:g}"
    ax_l.plot(sig_grid, ll_sweep, ls=style, color=colour, label=label)
    if eps > 0:
        ceiling = log_likelihood(x, GMM(weights, [[mu0], [x[m, 0]]], [[[var0]], [[eps]]]))  # sigma_1 = 0 exactly
        print(f"floor {eps:g}: log-likelihood at sigma_1 = {sig_grid[-1]:.0e}: {ll_sweep[-1]:.4f}; "
              f"at sigma_1 = 0 exactly: {ceiling:.4f} (bounded)")
ax_l.set_xscale("log")
ax_l.set_xticks(10.0 ** -np.arange(0, 126, 25))
ax_l.invert_xaxis()
ax_l.set_xlabel("$\\sigma_1$ (minutes, shrinking to the right)")
ax_l.set_ylabel("log-likelihood (nats)")
ax_l.set_title("The likelihood is unbounded; reg_covar bounds it")
ax_l.legend(fontsize=8)
plt.show()

# %% [markdown]
# Without a floor the log-likelihood is a straight line on this scale, up to $+\infty$. With
# $\Sigma_1 \ge \varepsilon$ it levels off as soon as $\sigma^2$ drops below $\varepsilon$.
#
# ### How EM runs into it, and what the error says
#
# EM walks into a spike when one component's responsibilities end up concentrated
# on a single point (or on fewer than $d+1$ points, which span no volume): the weighted
# scatter $S_k$ is then singular. A far-away outlier (here a coordinate typed in the
# wrong units) with a component initialised on it does it in one step: its
# responsibilities for every other point underflow to exactly 0.

# %%
X_out = np.vstack([X, [[40.0, 40.0]]])
start = GMM([0.25] * 4, np.vstack([em.initial_gmm(X, 3, rng=np.random.default_rng(0)).means, [[40.0, 40.0]]]),
            np.repeat(np.cov(X.T)[None], 4, axis=0))
try:
    em.fit_em(X_out, start, reg_covar=0.0)
except em.SingularCovarianceError as err:
    print(f"SingularCovarianceError: {err}")

# %% [markdown]
# The error says where (which component, which iteration), why (how many effective
# points it rests on) and what to do. With the default `reg_covar = 1e-6` the fit runs:

# %%
fit = em.fit_em(X_out, start)
print(f"converged: {fit.converged} after {fit.n_iter} iterations; log-likelihood {fit.log_likelihood:.2f}")
print(f"component 3: weight {fit.gmm.weights[3]:.5f} (= 1/{len(X_out)}), mean {fit.gmm.means[3]}, "
      f"covariance diagonal {np.diag(fit.gmm.covariances[3])[0]:.1e}, {np.diag(fit.gmm.covariances[3])[1]:.1e}")

# %% [markdown]
# The numbers stay finite, but look at component 3: it holds exactly one point with a
# covariance equal to the floor. `reg_covar` keeps the arithmetic safe; whether a
# one-point component is a sensible model is a modelling question (remove the
# outlier, use fewer components, or restart from another initialisation, lesson 07).

# %% [markdown]
# ## 10. Lab: step EM by hand
#
# The lab starts from a deliberately poor mixture: three equal round components lined
# up across the middle of the course's "round" data. Points are grey until the first
# E-step.
#
# - **E-step** colours each point by its responsibilities (lesson 05). The parameters do not move.
# - **M-step** moves each ellipse to the weighted mean and covariance of its colour (this lesson).
#   The colours do not change.
# - **Reset** goes back to the start.
#
# The right panel plots the average log-likelihood after each M-step, and the orange mark
# is the lower bound $\mathcal L(r, \theta)$ of lesson 04 for the current $r$ and $\theta$. Watch it: an E-step
# lifts the bound up to the log-likelihood (gap 0); an M-step lifts the bound and the
# log-likelihood rises at least as much. Try pressing the same button twice: nothing
# changes, because each step depends only on the other's output.

# %%
lab = make_mstep_lab()
lab

# %% [markdown]
# ## 11. Check your understanding

# %%
concept_question("06", 1)

# %%
concept_question("06", 2)

# %%
concept_question("06", 3)

# %% [markdown]
# ## Summary
#
# - With responsibilities fixed, $Q$ splits into a weights term and one term per component.
# - Weights by a Lagrange multiplier: $\lambda = -N$ and $\pi_k = N_k/N$ with $N_k = \sum_n r_{nk}$.
# - Means and covariances by zero gradients: $\mu_k = \frac{1}{N_k}\sum_n r_{nk} x_n$ and
#   $\Sigma_k = \frac{1}{N_k}\sum_n r_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top$, the known-label formulas with fractional counts.
#   Checked: finite-difference gradient below $10^{-9}$ at the update, and every random perturbation lowers $Q$.
# - Compute covariances centred; $E[xx^\top] - \mu\mu^\top$ loses all digits far from the origin.
# - The likelihood is unbounded (a component collapsing onto a point); a covariance floor
#   `reg_covar` or a prior bounds it, and `fit_em(..., reg_covar=0)` reports a collapse as
#   `SingularCovarianceError`.
#
# **Next:** lesson 07 puts the E- and M-steps in a loop and studies convergence.
#
# **Exercises:** [exercises/06_m_step.ipynb](../exercises/06_m_step.ipynb) — write the M-step
# yourself and check it against `np.cov` and finite differences.
