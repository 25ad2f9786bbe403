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
# maximisers: the "count and average" of known labels, with each point counted fractionally.
#
# **Learning goals.** After this lesson you can
#
# 1. derive $\pi_k = N_k / N$ with a Lagrange multiplier, and $\mu_k$, $\Sigma_k$ by setting
#    gradients of $Q$ to zero;
# 2. check such a derivation numerically (an optimiser, finite differences, random perturbations);
# 3. write the M-step in terms of the expected sufficient statistics, and compute covariances
#    stably (centred, never as $E[xx^\top] - \mu\mu^\top$);
# 4. explain why maximum likelihood for a Gaussian mixture can run off to infinity, and
#    how `reg_covar` prevents it;
# 5. predict how one M-step reshapes the components, and why the covariance update matters.
#
# **You need:** lesson 03 ($Q$, the count-and-average MLE, the expected sufficient statistics),
# lesson 05, and matrix calculus at the level of $\nabla_x\, x^\top A x = 2Ax$ for symmetric $A$.
# Components are numbered 1, 2, 3 in the text and figures and 0, 1, 2 in Python.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy import optimize, stats

from coursepkg import claims, em
from coursepkg.datasets import make_synthetic, old_faithful
from coursepkg.mixture import GMM, expected_complete_log_likelihood, log_likelihood
from coursepkg.plotting import COMPONENT_COLORS, plot_ellipses, plot_responsibilities
from coursepkg.widgets.mstep import advance, initial_state, lab_data, make_mstep_lab
from coursepkg.widgets.questions import concept_question

rng = np.random.default_rng(6)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The setting: responsibilities are fixed
#
# We take the "overlapping" data of lesson 05, start from a rough guess $\theta^{\text{old}}$
# (k-means++ means, every covariance equal to the data's covariance), and run one E-step. These
# responsibilities stay fixed for the whole lesson; every formula below is about the best $\theta$
# *given* them. $N_k = \sum_n r_{nk}$ is the effective number of points of component $k$.

# %%
X, _ = make_synthetic("overlapping", n=300, rng=0)
n, d = X.shape
K = 3
theta_old = em.initial_gmm(X, K, rng=np.random.default_rng(0))
r, ll_old = em.e_step(X, theta_old)
Nk = r.sum(axis=0)
print(f"N = {n} points, d = {d}, K = {K}; N_k = {Nk}")
claims.close("sum of the N_k equals N (each row of r sums to 1)", Nk.sum(), n, atol=1e-10)
_ = claims.at_least("smallest N_k (every component has points)", Nk.min(), 1.0)

# %% [markdown]
# ## 2. $Q$ splits into independent pieces
#
# Expand the log of the product $\pi_k \mathcal N(\cdot)$ and swap the sums:
#
# $$
# Q(\theta) = \underbrace{\sum_k N_k \log \pi_k}_{\text{only } \pi}
# \;+\; \sum_k \underbrace{\sum_n r_{nk} \log \mathcal N(x_n \mid \mu_k, \Sigma_k)}_{Q_k:\ \text{only } \mu_k,\, \Sigma_k}.
# $$
#
# The weights appear only in the first term and each component's $(\mu_k, \Sigma_k)$ only in its own
# $Q_k$, so we can maximise each piece on its own: the decoupling that the log of a sum prevented.
# We write $Q$ with `scipy.stats` so we can evaluate it at any parameters, and check it against the
# course's implementation.

# %%
def Q(weights, means, covs):
    """Expected complete-data log-likelihood for the fixed responsibilities r (scipy's Gaussian log-density)."""
    return sum(np.sum(r[:, k] * (np.log(weights[k]) + stats.multivariate_normal(means[k], covs[k]).logpdf(X)))
               for k in range(K))


q_old = Q(theta_old.weights, theta_old.means, theta_old.covariances)
_ = claims.close("Q(theta_old): scipy against coursepkg (nats)", q_old,
                 expected_complete_log_likelihood(X, r, theta_old), atol=1e-9)

# %% [markdown]
# ## 3. The weights, with a Lagrange multiplier
#
# Maximise $\sum_k N_k \log \pi_k$ subject to $\sum_k \pi_k = 1$. As in lesson 03, add the constraint with a
# Lagrange multiplier $\nu$ (the course keeps $\lambda$ for eigenvalues) and maximise, with no constraint,
#
# $$
# \sum_{k=1}^K N_k \log \pi_k + \nu \Big(1 - \sum_{k=1}^K \pi_k\Big).
# $$
#
# **Differentiate** with respect to $\pi_k$: $\dfrac{N_k}{\pi_k} - \nu \overset{!}{=} 0$, so
# $\pi_k = N_k / \nu$: one multiplier for all $k$, so every $N_k / \pi_k$ must be the same number.
#
# **Solve for the multiplier:** summing over $k$, $1 = \sum_k \pi_k = \frac{1}{\nu}\sum_k N_k$. Every row of $r$
# sums to one, so $\sum_k N_k = \sum_n \sum_k r_{nk} = N$, hence $\nu = N$ and
#
# $$
# \pi_k = \frac{N_k}{N}.
# $$
#
# It is the maximum: $\sum_k N_k \log \pi_k$ is concave (a positive combination of logs) and the
# constraint is linear. We ignored the constraints $\pi_k \ge 0$; that is safe **when every $N_k > 0$**
# (true here, and whenever every $r_{nk} > 0$), because $N_k \log \pi_k \to -\infty$ as $\pi_k \to 0$ keeps the
# maximiser inside the **simplex**, the set of allowed weight vectors ($\pi_k \ge 0$, $\sum_k \pi_k = 1$). A component with $N_k = 0$ is different: its term vanishes, the
# maximiser puts $\pi_k = 0$ on the boundary, and the formula $N_k / N = 0$ still gives it.
#
# **Check**, with no use of the formula: let `scipy.optimize` maximise $\sum_k N_k \log \pi_k$ over weights
# written as a softmax of free numbers (lesson 03: $\pi_k = e^{a_k} / \sum_j e^{a_j}$, so every trial point is on the simplex), then test the
# stationarity condition at the optimiser's answer; and draw 10,000 random weight vectors from the
# simplex.

# %%
concept_question("06", 1)

# %%
pi_new = Nk / n


def negative_q_pi(logits):
    log_pi = logits - np.logaddexp.reduce(logits)  # log softmax
    return -Nk @ log_pi


found = optimize.minimize(negative_q_pi, np.zeros(K), method="BFGS", options={"gtol": 1e-10})
pi_opt = np.exp(found.x - np.logaddexp.reduce(found.x))
claims.close("weights maximising sum_k N_k log pi_k, optimiser vs N_k / N", pi_opt, pi_new, atol=1e-7)
claims.close("N_k / pi_k at the optimiser's weights: the same for every k, and equal to N (= nu)",
             Nk / pi_opt, n, rtol=1e-6)
q_random = np.log(rng.dirichlet(np.ones(K), size=10_000)) @ Nk
_ = claims.at_most("max over 10,000 random pi of Q(pi) - Q(N_k/N) (nats)", (q_random - Nk @ np.log(pi_new)).max(), 0.0)

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
# because $Q_k$ is a concave quadratic in $\mu_k$: its **Hessian**, the matrix of second derivatives, is
# $-N_k \Sigma_k^{-1}$, negative-definite.

# %%
mu_new = (r.T @ X) / Nk[:, None]
mu_loop = np.array([sum(r[i, k] * X[i] for i in range(n)) / sum(r[i, k] for i in range(n)) for k in range(K)])
_ = claims.close("weighted means: matrix product vs a loop over points", mu_new, mu_loop, atol=1e-12)

# %% [markdown]
# ## 5. The covariances: differentiate with respect to $\Sigma_k$
#
# Before the derivation, a question about its answer.

# %%
concept_question("06", 2)

# %% [markdown]
# Collect the part of $Q_k$ that depends on $\Sigma_k$, with $\mu_k$ at its optimum $\bar x_k$ of section 4, and the
# *centred weighted scatter* $C_k = \sum_n r_{nk} (x_n - \bar x_k)(x_n - \bar x_k)^\top$ of lesson 03:
#
# $$
# Q_k(\Sigma_k) = -\frac{N_k}{2} \log |\Sigma_k| - \frac12 \sum_n r_{nk} (x_n-\bar x_k)^\top \Sigma_k^{-1} (x_n-\bar x_k) + \text{const}
# = -\frac{N_k}{2} \log |\Sigma_k| - \frac12 \operatorname{tr}\!\big(\Sigma_k^{-1} C_k\big) + \text{const},
# $$
#
# using $v^\top A v = \operatorname{tr}(A\, v v^\top)$ and linearity of the trace. Two matrix derivatives do the
# rest. Here $\partial f / \partial \Sigma$ is the $d \times d$ matrix of the derivatives with respect to the $d^2$ entries
# $\Sigma_{ab}$, each taken as if it could move on its own, evaluated at a symmetric $\Sigma$ (and $C$ symmetric):
#
# $$
# \frac{\partial}{\partial \Sigma} \log|\Sigma| = \Sigma^{-1}, \qquad
# \frac{\partial}{\partial \Sigma} \operatorname{tr}(\Sigma^{-1} C) = -\Sigma^{-1} C\, \Sigma^{-1}.
# $$
#
# (Moving $\Sigma_{ab}$ and $\Sigma_{ba}$ together, as a symmetric matrix must, changes $f$ by the sum of the two
# entries, $2G_{ab}$ off the diagonal; section 6 checks it that way.)
#
# Therefore
#
# $$
# \frac{\partial Q_k}{\partial \Sigma_k} = -\frac{N_k}{2} \Sigma_k^{-1} + \frac12 \Sigma_k^{-1} C_k \Sigma_k^{-1} \overset{!}{=} 0 .
# $$
#
# Multiply by $2\Sigma_k$ on the left and on the right: $-N_k \Sigma_k + C_k = 0$, so
#
# $$
# \Sigma_k = \frac{C_k}{N_k} = \frac{1}{N_k} \sum_{n=1}^N r_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top, \qquad \mu_k = \bar x_k .
# $$
#
# **The same in the precision** $\Lambda_k = \Sigma_k^{-1}$ (lesson 03's symbol) is shorter and shows it is a maximum:
# $Q_k = \frac{N_k}{2} \log|\Lambda_k| - \frac12 \operatorname{tr}(\Lambda_k C_k) + \text{const}$, with gradient
# $\frac{N_k}{2} \Lambda_k^{-1} - \frac12 C_k$, zero at $\Lambda_k^{-1} = C_k / N_k$. Here $\log|\Lambda|$ is concave and the trace
# is linear, so the stationary point is the maximum. It is a valid covariance only if $C_k$ is
# positive-definite, which needs the points to carry weight in every direction (with hard labels: more
# than $d$ points, section 11). The mean in $C_k$ is the **new** one, $\bar x_k$: the pair $(\mu_k, \Sigma_k)$
# maximises $Q_k$ jointly, and $\mu_k$'s optimum did not depend on $\Sigma_k$, so we may put it in first.

# %%
Sigma_new = np.empty((K, d, d))
for k in range(K):
    diff = X - mu_new[k]  # centred on the NEW mean
    Sigma_new[k] = (r[:, k, None] * diff).T @ diff / Nk[k]
_ = claims.at_least("smallest eigenvalue of the new covariances (positive-definite)", np.linalg.eigvalsh(Sigma_new).min(), 0.1)

# %% [markdown]
# ## 6. Check: the derivatives, and that they vanish at the update
#
# A derivation with matrix calculus is easy to get subtly wrong (a missing factor 2, a transpose),
# so we check it without any calculus. Central finite differences
# $\frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}$ estimate the partial derivative of $Q/N$ with respect to
# every parameter: each weight (for which what must vanish is the derivative with the multiplier added,
# $\partial Q/\partial \pi_k - \nu$ with $\nu = N$), each coordinate of each mean, and each entry of each covariance
# (moving $\Sigma_{ab}$ and $\Sigma_{ba}$ together to stay symmetric). First, at $\theta^{\text{old}}$, where the
# gradient is not zero, they must match the formulas of sections 3 to 5; then, at the update, they
# must vanish.

# %%
def fd_gradient(weights, means, covs, h=1e-5):
    """Central finite-difference gradient of Q/N (weights: minus the multiplier nu / N = 1) as one flat vector."""
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
        grads.append(central(set_w, weights[k]) - 1.0)  # - nu / N, with nu = N
        for a in range(d):
            def set_m(v, k=k, a=a):
                means[k, a] = v
            grads.append(central(set_m, means[k, a]))
            for b in range(a, d):
                def set_c(v, k=k, a=a, b=b):
                    covs[k, a, b] = covs[k, b, a] = v
                grads.append(central(set_c, covs[k, a, b]))
    return np.array(grads)


def formula_gradient(weights, means, covs):
    """The same partial derivatives from sections 3-5: N_k/pi_k - N, Sigma^-1 (sum r x - N_k mu), and dQ/dSigma."""
    grads = []
    for k in range(K):
        grads.append(Nk[k] / weights[k] - n)
        P = np.linalg.inv(covs[k])
        g_mu = P @ (r[:, k] @ X - Nk[k] * means[k])
        diff = X - means[k]
        S = (r[:, k, None] * diff).T @ diff  # scatter about the mean being evaluated
        G = -Nk[k] / 2 * P + P @ S @ P / 2
        for a in range(d):
            grads.append(g_mu[a])
            for b in range(a, d):
                grads.append(G[a, b] if a == b else 2 * G[a, b])  # Sigma_ab and Sigma_ba move together
    return np.array(grads) / n


g_old = fd_gradient(theta_old.weights, theta_old.means, theta_old.covariances)
claims.close("gradient of Q/N at theta_old: finite differences vs the formulas",
             g_old, formula_gradient(theta_old.weights, theta_old.means, theta_old.covariances), atol=1e-8)
claims.at_least("largest |partial derivative| at theta_old", np.abs(g_old).max(), 0.1)
g_new = fd_gradient(pi_new, mu_new, Sigma_new)
_ = claims.at_most(f"largest |finite-difference partial derivative| at the update ({g_new.size} of them)",
                   np.abs(g_new).max(), 3e-9)

# %% [markdown]
# At $\theta^{\text{old}}$ the finite differences agree with the formulas to $10^{-8}$ while the gradient itself is of
# order one; at the update every partial derivative is zero to about $10^{-9}$, the accuracy of a central
# difference.
#
# A zero gradient could also be a minimum or a saddle. So we also **perturb** each parameter group at
# random, keeping the weights on the simplex and the covariances symmetric positive-definite, and see
# that $Q$ always drops.

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
claims.at_least("Q gain of the update over theta_old (nats)", q_new - q_old, 100.0)
for name, value in worst.items():
    claims.at_most(f"largest change of Q over 300 random perturbations of the {name}", value, 0.0)

# %% [markdown]
# Every perturbation lowers $Q$: the closed-form update is the maximum, not just a stationary point.

# %% [markdown]
# ## 7. The same numbers from `np.cov` and from `em.m_step`
#
# NumPy's `np.cov` accepts weights per observation: with `aweights=r[:, k]` and `bias=True` it divides
# by $\sum_n r_{nk} = N_k$, exactly our $\Sigma_k$. The course's `em.m_step` computes all three updates at
# once (we switch off its `reg_covar`, section 11, for the comparison).

# %%
gmm_new = em.m_step(X, r, reg_covar=0.0)
for k in range(K):
    claims.close(f"Sigma_{k + 1}: ours vs np.cov(aweights=r[:, {k}], bias=True)",
                 Sigma_new[k], np.cov(X.T, aweights=r[:, k], bias=True), atol=1e-12)
    claims.close(f"mu_{k + 1}: ours vs np.average(weights=r[:, {k}])",
                 mu_new[k], np.average(X, axis=0, weights=r[:, k]), atol=1e-12)
claims.close("em.m_step weights vs N_k / N", gmm_new.weights, pi_new, atol=1e-12)
claims.close("em.m_step means vs ours", gmm_new.means, mu_new, atol=1e-12)
claims.close("em.m_step covariances vs ours", gmm_new.covariances, Sigma_new, atol=1e-12)
_ = claims.at_least("log-likelihood gain of the M-step (nats)", log_likelihood(X, gmm_new) - ll_old, 100.0)

# %% [markdown]
# Before and after, side by side, with the same colours (the fixed responsibilities) in both panels. In
# the right panel the old ellipses are drawn faint and an arrow runs from each old centre to the new one:
# the new centre is where that component's colour is concentrated, and the new ellipse is as wide, in each
# direction, as the points it is responsible for, each counted by its $r_{nk}$.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharex=True, sharey=True, layout="constrained")
for ax, g, title in [(axes[0], theta_old, "$\\theta^{old}$ (before the M-step)"),
                     (axes[1], gmm_new, "after one M-step with the same $r$")]:
    plot_responsibilities(X, r, ax=ax)
    plot_ellipses(g, ax=ax)
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")
plot_ellipses(theta_old, ax=axes[1], linestyle=":", linewidth=1, label_prefix=None)  # the old ellipses, faint
for k in range(K):
    axes[1].annotate("", xy=gmm_new.means[k], xytext=theta_old.means[k],
                     arrowprops={"arrowstyle": "-|>", "color": COMPONENT_COLORS[k], "lw": 2, "shrinkA": 0, "shrinkB": 0})
shift = np.linalg.norm(gmm_new.means - theta_old.means, axis=1)
claims.at_least("distance each centre moves in one M-step (data units)", shift, 0.3)
axes[0].set_ylabel("$x_2$")
axes[1].legend(handles=axes[1].get_legend_handles_labels()[0][:K], loc="upper left", fontsize=8,
               bbox_to_anchor=(1.02, 1.0))
plt.show()

# %% [markdown]
# ## 8. Lab: step EM by hand
#
# The lab starts from a deliberately poor mixture: three equal round components in a row across the
# middle of the data. The menu offers three data sets: **round** blobs, **elongated** parallel clusters and
# **tilted** clusters, each turned its own way. Points are grey until the first E-step.
#
# - **E-step** colours each point by its responsibilities (lesson 05). The parameters do not move.
# - **M-step** takes the colours as given and solves sections 3 to 5 for every component: new weight, new
#   centre, new covariance (with the tiny floor $10^{-6}$ on its diagonal of section 11). The colours do not change.
# - **Reset** goes back to the start; choosing a data set starts it afresh.
#
# The right panel plots the average log-likelihood after each M-step, and the orange mark is the lower
# bound $\mathcal L(r, \theta)$ of lesson 04 for the current $r$ and $\theta$. An E-step lifts the bound up to the
# log-likelihood (gap 0); an M-step lifts the bound, and the log-likelihood rises at least as much.
# A second press of the same button has nothing new to work with, since each step uses only what the other
# produced: the lab says so and counts no step. Near convergence the gain of an M-step shrinks to rounding
# (about $10^{-13}$ nats, of either sign); the lab shows it as $+0.000$ (converged).
#
# Before you try the lab, predict what one M-step does.

# %%
concept_question("06", 3)

# %% [markdown]
# A common belief is that the covariance update is bookkeeping and the means do the real work. The cell
# below takes that E-step and M-step on the tilted data and measures the direction of each new ellipse's
# long axis ($0°$ is along $x_1$, angles counted anticlockwise).

# %%
tilted = lab_data("tilted")
after = advance(advance(initial_state(tilted.X, tilted.start), "E"), "M")
for j in range(3):
    # the long axis by numpy's eigendecomposition of the covariance np.cov computes from the colours
    cov_j = np.cov(tilted.X.T, aweights=after.resp[:, j], bias=True) + 1e-6 * np.eye(2)
    claims.close(f"component {j + 1}: lab covariance vs np.cov(aweights)", after.gmm.covariances[j], cov_j, atol=1e-10)
eigvals, eigvecs = np.linalg.eigh(after.gmm.covariances)
long_axis = eigvecs[:, :, -1]
angles = (np.degrees(np.arctan2(long_axis[:, 1], long_axis[:, 0])) + 90) % 180 - 90
claims.between("component 1 (left): long axis in degrees, up to the right", angles[0], 40.0, 80.0)
claims.between("component 3 (right): long axis in degrees, down to the right", angles[2], -80.0, -40.0)
_ = claims.at_least("long / short axis of components 1 and 3 after one M-step (1 = a circle)",
                    np.sqrt(eigvals[[0, 2], 1] / eigvals[[0, 2], 0]), 1.5)

# %% [markdown]
# The same press that moved each centre turned the two outer circles into long ellipses, each lying along
# the band of points it is responsible for: the left one rising to the right, the right one falling. The
# covariance update is no bookkeeping; it is the difference between a Gaussian mixture and k-means. Hold
# every covariance at one round shape and the M-step can only move centres, which is soft k-means
# (lesson 08), and a round component never fits a slanted band. Now try it in the lab: pick **tilted**,
# press E-step and M-step in turn, and then try **elongated** and **round**.

# %%
lab = make_mstep_lab()
lab

# %% [markdown]
# ## 9. The M-step reads only the expected sufficient statistics
#
# Lesson 03 showed that $Q$ sees the data only through three statistics per component, the
# **expected sufficient statistics**: the effective count $N_k$, the weighted mean $\bar x_k$ and the centred
# weighted scatter $C_k$ of section 5. Sections 3 to 5 turned them into the
# update with no further look at the points:
#
# $$
# \pi_k = \frac{N_k}{N}, \qquad \mu_k = \bar x_k, \qquad \Sigma_k = \frac{C_k}{N_k}.
# $$
#
# They are sums over points, so they
# can be computed block by block, on data that do not fit in memory or sit on several machines, and
# combined: counts add, means combine as a weighted average, and the centred scatters of two blocks
# $a$ and $b$ add up with one correction for the distance between their means,
#
# $$
# C = C_a + C_b + \frac{N_a N_b}{N_a + N_b}\,(\bar x_a - \bar x_b)(\bar x_a - \bar x_b)^\top ,
# $$
#
# which follows from the split $x_n - \bar x = (x_n - \bar x_a) + (\bar x_a - \bar x)$ in each block. We compute the
# statistics on the two halves of the data separately, combine them, and compare the M-step with the
# one on all the data at once.

# %%
def block_stats(Xb, rb):
    """(N_k, weighted means, centred weighted scatters) of one block of points."""
    counts = rb.sum(axis=0)
    means = (rb.T @ Xb) / counts[:, None]
    scatters = np.array([(rb[:, k, None] * (Xb - means[k])).T @ (Xb - means[k]) for k in range(rb.shape[1])])
    return counts, means, scatters


def combine(a, b):
    (Na, ma, Ca), (Nb, mb, Cb) = a, b
    N = Na + Nb
    delta = ma - mb
    C = Ca + Cb + (Na * Nb / N)[:, None, None] * np.einsum("ki,kj->kij", delta, delta)
    return N, (Na[:, None] * ma + Nb[:, None] * mb) / N[:, None], C


half = n // 2
Nk_c, mean_c, C_c = combine(block_stats(X[:half], r[:half]), block_stats(X[half:], r[half:]))
claims.close("weights from the combined statistics vs em.m_step on all points", Nk_c / n, gmm_new.weights, atol=1e-14)
claims.close("means from the combined statistics vs em.m_step", mean_c, gmm_new.means, atol=1e-13)
_ = claims.close("covariances C_k / N_k from the combined statistics vs em.m_step",
                 C_c / Nk_c[:, None, None], gmm_new.covariances, atol=1e-13)

# %% [markdown]
# Two halves, summarised separately and combined, give the same M-step to rounding. Many texts write the
# statistics as $N_k$, $\sum_n r_{nk} x_n$ and $\sum_n r_{nk} x_n x_n^\top$, which combine by plain addition. In exact
# arithmetic they carry the same information; the next section shows why we never compute a covariance
# from the last of them.

# %% [markdown]
# ## 10. Centre before you square
#
# Expanding $C_k / N_k$ gives the tempting shortcut
# $\Sigma_k = \frac{1}{N_k}\sum_n r_{nk} x_n x_n^\top - \mu_k \mu_k^\top$ ("$E[xx^\top] - \mu\mu^\top$"), one pass over the data
# instead of two. In exact arithmetic it is the same. In floating point it subtracts two large,
# nearly equal numbers when the data sit far from the origin, and the digits they share are lost.
# Shift the same data by $c = 10^8$ (coordinates in metres from a distant reference point, say): the
# covariance should not change at all.

# %%
def uncentred_covariance(Xs, w):
    """sum_n w_n x_n x_n^T / N_k - mu mu^T, each entry an elementwise product summed by numpy (no BLAS)."""
    total = w.sum()
    mean = np.array([np.sum(w * Xs[:, a]) for a in range(d)]) / total
    second = np.array([[np.sum(w * Xs[:, a] * Xs[:, b]) for b in range(d)] for a in range(d)]) / total
    return second - np.outer(mean, mean)


k = 0
X_far, r_far = X + 1e8, r[:, k]
Sigma_raw = uncentred_covariance(X_far, r_far)
Sigma_raw_reversed = uncentred_covariance(X_far[::-1].copy(), r_far[::-1].copy())  # the same sums, other order
Sigma_centred = em.m_step(X_far, r, reg_covar=0.0).covariances[k]
print("Sigma_1 from the unshifted data:\n", Sigma_new[k], "\nE[xx^T] - mu mu^T on the shifted data:\n", Sigma_raw,
      "\nthe same, points summed in reverse order:\n", Sigma_raw_reversed)
claims.close("centred (em.m_step) on the shifted data vs the unshifted answer", Sigma_centred, Sigma_new[k], atol=1e-8)
for name, S in (("", Sigma_raw), (", reverse order", Sigma_raw_reversed)):
    claims.equal(f"every entry of E[xx^T] - mu mu^T{name} is a multiple of 2 (the float64 spacing near 1e16)",
                 bool(np.all(np.mod(S, 2.0) == 0.0)), True)
    claims.at_least(f"largest error of E[xx^T] - mu mu^T{name}", np.abs(S - Sigma_new[k]).max(), 0.9)
# which matrices come out depends on numpy's summation order: printed, not asserted
print("eigenvalues on this machine:", np.linalg.eigvalsh(Sigma_raw), "and, reverse order:",
      np.linalg.eigvalsh(Sigma_raw_reversed))
_ = claims.close("eigenvalues of the true Sigma_1", np.linalg.eigvalsh(Sigma_new[k]), [0.816, 1.191], atol=1e-3)

# %% [markdown]
# The squares are about $10^{16}$, where neighbouring float64 numbers are 2 apart, so every entry of the
# uncentred result is a multiple of 2: it cannot express a variance near 1 at all, and what it does
# express is decided by rounding, so it can change with the order of the sums (and with the numpy
# version). On this machine, summed in one order it gave $\begin{pmatrix} -2 & -2 \\ -2 & 2 \end{pmatrix}$, with
# eigenvalues $\pm 2\sqrt 2 \approx \pm 2.83$: one of them negative, so not a covariance at all. Summed in the reverse
# order it gave $2I$, positive-definite by luck but just as wrong (the true eigenvalues are $0.82$ and
# $1.19$); the cell prints what your machine gives. Subtracting the mean first keeps the numbers small; `coursepkg` always does. How the error
# grows with the shift:

# %%
offsets = 10.0 ** np.arange(0, 9)
err_raw = np.array([np.abs(uncentred_covariance(X + c, r[:, 0]) - Sigma_new[0]).max() for c in offsets])
err_centred = np.array([np.abs(em.m_step(X + c, r, reg_covar=0.0).covariances[0] - Sigma_new[0]).max()
                        for c in offsets])
fit = offsets >= 1e3  # above the rounding floor
slope_raw = np.polyfit(np.log10(offsets[fit]), np.log10(err_raw[fit]), 1)[0]
slope_centred = np.polyfit(np.log10(offsets[fit]), np.log10(err_centred[fit]), 1)[0]
claims.between("log-log slope of the uncentred error against the shift (c^2: 2)", slope_raw, 1.8, 2.2)
claims.between("log-log slope of the centred error (c: 1)", slope_centred, 0.7, 1.3)
claims.at_most("largest centred error over all shifts up to 1e8", err_centred.max(), 1e-8)
smallest_variance = np.linalg.eigvalsh(Sigma_new[0]).min()
claims.at_most("uncentred error at c = 1e7, below the smallest variance", err_raw[7], smallest_variance)
claims.at_least("uncentred error at c = 1e8, above the smallest variance", err_raw[8], smallest_variance)

fig, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
ax.loglog(offsets, err_raw, "o-", color="black", label="E[xxᵀ] − μμᵀ (uncentred)")
ax.loglog(offsets, err_centred, "s-", color="0.55", label="centred on μ (em.m_step)")
ax.loglog(offsets, np.finfo(float).eps * offsets**2, color="0.5", ls=":", label="machine ε · c²")
ax.axhline(smallest_variance, color="0.3", ls="--", lw=1, label="smallest true variance")
ax.set(xlabel="shift c added to every coordinate (data units)", ylabel="largest error in Σ₁ (data units²)",
       title="Squaring before centring loses digits like c²")
ax.legend(fontsize=8, loc="upper left")
plt.show()

# %% [markdown]
# The uncentred error grows like $c^2$ (slope 2, following machine $\varepsilon \cdot c^2$) and passes the size
# of the variances themselves between $c = 10^7$ and $10^8$; the centred error grows only like $c$ and stays below
# $10^{-8}$.

# %% [markdown]
# ## 11. Singularities: the likelihood has no maximum
#
# Maximum likelihood for a Gaussian mixture is not a well-posed problem. Put one component's mean
# **exactly on a data point** $x_m$ and shrink its variance. In 1-D that point's density contains the
# term $\pi_2 \mathcal N(x_m \mid x_m, \sigma_2^2) = \pi_2 / (\sqrt{2\pi}\,\sigma_2)$, which grows without bound, while once
# $\sigma_2$ is far below the distance to the other points, they keep only the density component 1 gives
# them. So as $\sigma_2 \to 0$,
#
# $$
# \log p(X \mid \theta) \approx \sum_{n \ne m} \log\big(\pi_1 \mathcal N(x_n \mid \mu_1, \sigma_1^2)\big)
# + \log \frac{\pi_2}{\sqrt{2\pi}\,\sigma_2} \;\longrightarrow\; +\infty ,
# $$
#
# growing by $\log 10 \approx 2.303$ nats for every factor 10 in $\sigma_2$. (Counted per factor 10 in the *variance*
# $\sigma_2^2$ instead, the rate is half that, $\tfrac12 \log 10 \approx 1.15$ nats. Exercise 5 of the exercise notebook
# 06 asks for the rate per factor 10 in $\sigma$ in $d$ dimensions.) We do it on Old Faithful's eruption
# durations (minutes), with weights $\tfrac12$, a broad component 1 fitted to all of them, and
# component 2 on the most isolated duration (many durations occur several times, and each copy would
# add its own spike).

# %%
x = old_faithful()[:, :1]  # eruption durations in minutes, shape (272, 1)
gap = np.abs(x - x.T) + np.diag(np.full(len(x), np.inf))
m = int(np.argmax(gap.min(axis=1)))  # the most isolated data point
weights = [0.5, 0.5]
mu0, var0 = x.mean(), x.var()
rest = np.sum(np.log(weights[0]) + stats.norm.logpdf(np.delete(x[:, 0], m), mu0, np.sqrt(var0)))


def spike(sigma, floor=0.0):
    """Component 1 broad, component 2 on x_m with variance sigma^2 (+ a floor)."""
    return GMM(weights, [[mu0], [x[m, 0]]], [[[var0]], [[sigma**2 + floor]]])


claims.close("nearest other duration to x_m (min)", gap[m].min(), 0.167, atol=5e-4)
small = 10.0 ** -np.array([10.0, 20, 45, 90, 150])
lls = np.array([log_likelihood(x, spike(s)) for s in small])
claims.close("log-likelihood vs the closed form rest + log(pi_2 / (sqrt(2 pi) sigma_2)), sigma_2 = 1e-10 ... 1e-150",
             lls, rest + np.log(weights[1] / (np.sqrt(2 * np.pi) * small)), atol=1e-9)
claims.close("rise per factor 10 in sigma_2 (nats)", np.diff(lls) / np.diff(-np.log10(small)), np.log(10), rtol=1e-9)
try:  # sigma_2 = 1e-170: sigma_2^2 = 1e-340 is below the smallest float64 and rounds to 0
    log_likelihood(x, spike(1e-170))
    raise AssertionError("expected a ValueError for a zero variance")
except ValueError as err:
    claims.holds("sigma_2 = 1e-170: the variance underflows to 0 and coursepkg refuses it",
                 "positive-definite" in str(err), str(err)[:60])

# %% [markdown]
# Once $\sigma_2$ is well below the 0.167 min gap to the next duration, the log-likelihood follows the
# closed form (to $10^{-9}$ from $\sigma_2 = 10^{-10}$ on) and climbs $\log 10$ per decade, with no top: only float64 stops it,
# when $\sigma_2^2$ drops below the smallest float64 number (about $10^{-308}$, or $10^{-324}$ counting the less
# precise subnormal numbers) and becomes 0, as for $\sigma_2 = 10^{-170}$. A method that only maximises the likelihood can be lured into such a spike.
# It is not a good model of the eruptions; it is a degenerate one.
#
# ### The fix: a floor under the covariance
#
# `em.m_step` adds `reg_covar` $\varepsilon$ to the diagonal of every covariance,
# $\Sigma_k \leftarrow C_k/N_k + \varepsilon I$ (scikit-learn does the same, with the same default $10^{-6}$). Then every
# eigenvalue of $\Sigma_k$ is at least $\varepsilon$, so $\mathcal N(x \mid \mu_k, \Sigma_k) \le (2\pi\varepsilon)^{-d/2}$ everywhere and
# the log-likelihood is bounded by $-\frac{Nd}{2}\log(2\pi\varepsilon)$. This is a floor, not a new derivation:
# the update is no longer the exact maximiser of $Q$, but it differs from it only by $\varepsilon$. (A Bayesian
# alternative, which `coursepkg` does not use, puts a prior distribution on each $\Sigma_k$. The usual one, the
# inverse-Wishart distribution, is chosen because the M-step keeps its closed form: with $n_0$ the prior's
# degrees of freedom and $\Psi$ its scale matrix, the most probable (posterior-mode) update is
# $(C_k + \Psi)/(N_k + n_0 + d + 1)$, which can never reach zero either; roughly, the prior acts like a few
# imagined extra points with scatter $\Psi$.) Below, the spike with and
# without a floor: the left panel shows the mixture density as $\sigma_2$ shrinks, the right one the
# log-likelihood over twelve decades of $\sigma_2$.

# %%
sig_grid = 10.0 ** -np.linspace(0, 12, 121)
curves = {floor: np.array([log_likelihood(x, spike(s, floor)) for s in sig_grid]) for floor in (0.0, 1e-6, 1e-3)}
no_floor = curves[0.0]
bottom = int(np.argmin(no_floor))
claims.between("sigma_2 where the no-floor log-likelihood is lowest (min)", sig_grid[bottom], 0.04, 0.06)
claims.close("the no-floor log-likelihood at sigma_2 = 1 min (nats)", no_floor[0], -429.5, atol=0.05)
claims.between("drop from sigma_2 = 1 min to that lowest point (nats)", no_floor[0] - no_floor[bottom], 170.0, 185.0)
claims.close("slope of the no-floor curve from 1e-7 to 1e-12 (nats per decade)",
             np.diff(no_floor[sig_grid <= 1e-7]) / 0.1, np.log(10), rtol=1e-6)
sigma_back = np.exp(rest + np.log(weights[1] / np.sqrt(2 * np.pi)) - no_floor[0])  # closed form crosses ell(1)
claims.close("log-likelihood at that sigma_2 vs at sigma_2 = 1 min (nats)",
             log_likelihood(x, spike(sigma_back)), no_floor[0], atol=1e-6)
claims.between("sigma_2 (min) where the spike climbs back to its value at 1 min", sigma_back, 1e-79, 1e-78)
for floor in (1e-6, 1e-3):
    at_zero = log_likelihood(x, spike(0.0, floor))
    claims.close(f"floor {floor:g}: log-likelihood at sigma_2 = 1e-12 vs at sigma_2 = 0 exactly", curves[floor][-1],
                 at_zero, atol=1e-6)
    levelled = sig_grid <= np.sqrt(floor) / 10  # sigma_2^2 at most 1% of the floor
    claims.at_most(f"floor {floor:g}: change of the log-likelihood once sigma_2 < sqrt(floor) / 10 (nats)",
                   np.abs(curves[floor][levelled] - at_zero).max(), 0.01)
plateaus = {}
for floor, tol in ((1e-6, 2e-3), (1e-3, 0.05)):
    # levelled: x_m's own term is pi_2 / sqrt(2 pi eps); the rest is unchanged up to the small shares the two
    # components still give each other's points (within tol)
    plateaus[floor] = claims.close(f"floor {floor:g}: the level reached vs rest + log(pi_2 / sqrt(2 pi eps)) (nats)",
                                   curves[floor][-1], rest + np.log(weights[1] / np.sqrt(2 * np.pi * floor)), atol=tol)
claims.close("the level with the default floor 1e-6 (nats)", plateaus[1e-6], -602.85, atol=0.005)

fig, (ax_d, ax_l) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
grid = np.linspace(1.3, 5.4, 2000)
ax_d.hist(x[:, 0], bins=30, density=True, color="0.85", label="eruption durations")
for sigma, style in [(0.1, "-"), (0.03, "--"), (0.01, ":")]:
    dens = (weights[0] * stats.norm.pdf(grid, mu0, np.sqrt(var0)) + weights[1] * stats.norm.pdf(grid, x[m, 0], sigma))
    ax_d.plot(grid, dens, ls=style, color=COMPONENT_COLORS[1], label=f"mixture density, $\\sigma_2$ = {sigma} min")
ax_d.axvline(x[m, 0], color="0.4", lw=0.8)
ax_d.set_ylim(0, 4.5)
ax_d.set(xlabel="eruption duration (minutes)", ylabel="density (1 / minute)",
         title=f"Component 2 shrinking onto the duration {x[m, 0]} min\n(the narrower spikes leave the chart)")
ax_d.legend(fontsize=8, loc="upper left")

for floor, style, colour in [(0.0, "-", "black"), (1e-6, "--", COMPONENT_COLORS[1]), (1e-3, ":", COMPONENT_COLORS[1])]:
    label = "reg_covar = 0 (no floor)" if floor == 0 else f"floor: $\\Sigma_2 = \\sigma_2^2$ + {floor:g}"
    ax_l.plot(sig_grid, curves[floor], ls=style, color=colour, lw=2, label=label)
ax_l.plot(sig_grid[bottom], no_floor[bottom], "o", color="black")
ax_l.annotate("component 2 stops covering\nits neighbours", (sig_grid[bottom], no_floor[bottom]),
              xytext=(1e-2, -577), fontsize=8, arrowprops={"arrowstyle": "->"})
ax_l.annotate("+2.3 nats per decade,\nfor ever", (1e-10, no_floor[-21]), xytext=(1e-7, -566), fontsize=8,
              arrowprops={"arrowstyle": "->"})
ax_l.set_xscale("log")
ax_l.invert_xaxis()
ax_l.set_ylim(no_floor[bottom] - 5, -560)
ax_l.set(xlabel="$\\sigma_2$ (minutes, shrinking to the right)", ylabel="log-likelihood (nats)",
         title="Unbounded without a floor; levelled off with one")
ax_l.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
plt.show()

# %% [markdown]
# Read the right panel from the left. At $\sigma_2 = 1$ min component 2 is broad and still helps explain many
# durations: the curve starts at $-429.5$ nats, far above the top of the chart, which is zoomed in on the
# bottom of the fall (the start is about 177 nats above the lowest point). As it narrows it stops covering its
# neighbours, and the log-likelihood *falls* until $\sigma_2 \approx 0.05$ min, about a third of the gap to the next
# duration. From there on only $x_m$'s own term changes: without a floor the curve climbs $\log 10$ per decade
# for ever (it is back at its $\sigma_2 = 1$ value between $\sigma_2 = 10^{-79}$ and $10^{-78}$, and goes on); with a floor it levels
# off once $\sigma_2^2$ drops below $\varepsilon$, at $\sigma_2 \approx 10^{-3}$ for $\varepsilon = 10^{-6}$ and $\approx 0.03$ for $10^{-3}$.
#
# ### A component needs more than $d$ points
#
# A covariance computed from hard labels (lesson 03) is positive-definite only if the component has **more
# than $d$ points** ($N_k \ge d + 1$) and they do not all lie in one hyperplane. The reason: $N_k \Sigma_k$ is a
# sum of $N_k$ rank-one matrices $v_n v_n^\top$ with $v_n = x_n - \mu_k$, so its column space is spanned by the
# $v_n$. These $N_k$ vectors sum to zero ($\mu_k$ is their average), so at most $N_k - 1$ of them are linearly
# independent, and $\operatorname{rank} \Sigma_k \le N_k - 1$. A positive-definite $d \times d$ matrix has rank $d$,
# which needs $N_k - 1 \ge d$. With $d$ points or fewer, $\Sigma_k$ is singular, $|\Sigma_k| = 0$, and the Gaussian
# density is not defined. With soft responsibilities the same happens when a component's weight sits on
# $d$ points or fewer. We check the rank for random points.

# %%
for dim in (2, 3, 5):
    ratios = {}
    for count in (dim, dim + 1):
        pts = rng.normal(size=(count, dim))
        scatter = (pts - pts.mean(axis=0)).T @ (pts - pts.mean(axis=0))
        claims.equal(f"rank of the centred scatter of {count} points in {dim} dimensions",
                     int(np.linalg.matrix_rank(scatter)), min(count - 1, dim))
        eig = np.linalg.eigvalsh(scatter)
        ratios[count] = eig[0] / eig[-1]
    claims.at_most(f"smallest eigenvalue / largest, {dim} points in {dim} dimensions", ratios[dim], 1e-12)
    claims.at_least(f"smallest eigenvalue / largest, {dim + 1} points in {dim} dimensions", ratios[dim + 1], 1e-6)

# %% [markdown]
# $d$ points in $d$ dimensions give rank $d - 1$ (their smallest eigenvalue is zero up to rounding),
# $d + 1$ points give the full rank $d$.
#
# ### How EM runs into it, and what the error says
#
# EM walks into a spike when one component's responsibilities end up concentrated on a single point
# (or on $d$ points or fewer, which span no volume, as just shown): the weighted scatter $C_k$ is then
# singular. A far-away outlier (here a coordinate typed in the wrong units) with a component
# initialised on it does it in one step: its responsibilities for every other point underflow to 0.

# %%
X_out = np.vstack([X, [[40.0, 40.0]]])
start = GMM([0.25] * 4, np.vstack([em.initial_gmm(X, 3, rng=np.random.default_rng(0)).means, [[40.0, 40.0]]]),
            np.repeat(np.cov(X.T)[None], 4, axis=0))
try:
    em.fit_em(X_out, start, reg_covar=0.0)
    raise AssertionError("expected a SingularCovarianceError")
except em.SingularCovarianceError as err:
    print(f"SingularCovarianceError: {err}")
    claims.equal("the collapsed component (Python index) and the iteration", (err.component, err.iteration), (3, 1))
    claims.holds("the message names component 4 (index 3)", "component 4 (index 3)" in str(err))

# %% [markdown]
# The error says where (which component, which iteration), why (how many effective points it rests
# on) and what to do. It names the component as the text does, component 4 (the one started on the
# outlier), with its Python index 3 beside it. With the default `reg_covar = 1e-6` the fit runs:

# %%
fit = em.fit_em(X_out, start)
claims.holds("the fit with reg_covar = 1e-6 converged", bool(fit.converged), f"after {fit.n_iter} iterations")
claims.close("weight of component 4 (= 1/301)", fit.gmm.weights[3], 1 / len(X_out), rtol=1e-6)
claims.close("mean of component 4", fit.gmm.means[3], [40.0, 40.0], atol=1e-9)
_ = claims.close("covariance of component 4: the floor reg_covar * I", fit.gmm.covariances[3], 1e-6 * np.eye(2),
                 atol=1e-12)

# %% [markdown]
# The numbers stay finite, but look at component 4: it holds exactly one point, with a covariance equal
# to the floor. `reg_covar` keeps the arithmetic safe; whether a one-point component is a sensible model
# is a modelling question (remove the outlier, use fewer components, or restart from another
# initialisation, lesson 07).

# %%
concept_question("06", 4)

# %% [markdown]
# ## Summary
#
# - With responsibilities fixed, $Q$ splits into a weights term and one term per component.
# - Weights by a Lagrange multiplier: $\nu = N$ and $\pi_k = N_k/N$ with $N_k = \sum_n r_{nk}$ (the constraints
#   $\pi_k \ge 0$ do not bind while every $N_k > 0$); checked by an optimiser over the simplex.
# - Means and covariances by zero gradients: $\mu_k = \frac{1}{N_k}\sum_n r_{nk} x_n$ and
#   $\Sigma_k = \frac{1}{N_k}\sum_n r_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top$, the known-label formulas with fractional counts.
#   Checked: finite differences match the derivative formulas at $\theta^{\text{old}}$ and vanish (below
#   $3 \cdot 10^{-9}$) at the update, and every random perturbation lowers $Q$.
# - The M-step needs only the expected sufficient statistics $N_k$, $\bar x_k$, $C_k$, which combine across blocks
#   of data; compute covariances centred, since $E[xx^\top] - \mu\mu^\top$ loses digits like $c^2$ far from the origin.
# - A covariance needs its weight spread over more than $d$ points in general position, or it is singular.
# - The likelihood is unbounded (a component collapsing onto a point); the covariance floor `reg_covar`
#   bounds it, and `fit_em(..., reg_covar=0)` reports a collapse as `SingularCovarianceError`.
# - Because every component gets a covariance of its own, a component can be long, narrow and slanted;
#   with one fixed round covariance for all, the M-step would be soft k-means.
#
# **Next:** lesson 07 puts the E- and M-steps in a loop and studies convergence.
#
# **Exercises:** [exercises/06_m_step.ipynb](../exercises/06_m_step.ipynb) — write the M-step
# yourself and check it against `np.cov` and finite differences.
