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
# # Lesson 03 — The complete-data likelihood
#
# Lesson 02 wrote down the mixture density $p(x) = \sum_k \pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$
# and the story that generates data from it. Now we want to go the other way: **given the
# points, find the parameters** $\theta = (\pi_k, \mu_k, \Sigma_k)_{k=1}^K$ by maximum likelihood.
# This lesson shows why that is hard, why it would be easy if we knew the hidden labels, and
# which quantity EM maximises instead.
#
# **Learning goals.** After this lesson you can
#
# 1. explain why the mixture log-likelihood, a *log of a sum*, has no closed-form maximiser
#    (the responsibilities appear inside its own stationarity equation);
# 2. write the hidden label as a one-hot vector $z_n$ and the *complete-data* likelihood
#    $p(X, Z \mid \theta)$ as a product, and its log as a plain sum;
# 3. derive the maximum-likelihood parameters when the labels are known (count, average,
#    spread; a Lagrange multiplier for $\pi$) and check them against a numerical optimiser;
# 4. describe the chicken-and-egg problem: labels from parameters, parameters from labels;
# 5. define the expected complete-data log-likelihood $Q(\theta, \theta^{\text{old}})$, compute
#    it three ways, and reduce it to *expected sufficient statistics*;
# 6. relate $Q$ to the log-likelihood: $Q(\theta^{\text{old}}, \theta^{\text{old}}) + H(r) = \log p(X \mid \theta^{\text{old}})$,
#    and maximising $Q$ raises the log-likelihood.
#
# **You need:** the mixture model and its generative story (lesson 02), Bayes' rule,
# the maximum-likelihood mean and covariance of a single Gaussian.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy import optimize, stats

from coursepkg import em, mixture
from coursepkg.datasets import FAITHFUL_COLUMNS, SYNTHETIC, make_synthetic, old_faithful
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, plot_clusters, plot_ellipses, plot_responsibilities
from coursepkg.widgets.questions import concept_question

rng = np.random.default_rng(3)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. Two data sets
#
# We use two data sets throughout. **Old Faithful**: 272 eruptions of the geyser, each with its
# duration and the waiting time until the next one, both in minutes; nobody knows which "kind"
# of eruption each one was. **A synthetic set**: 300 points drawn from the course's
# "overlapping" three-component mixture, for which we *do* know every point's true label,
# because we generated it.

# %%
X_of = old_faithful()
X_syn, z_syn = make_synthetic("overlapping", n=300, rng=0)
true_syn = SYNTHETIC["overlapping"]
print(f"Old Faithful: {X_of.shape[0]} points, columns {FAITHFUL_COLUMNS}")
print(f"synthetic: {X_syn.shape[0]} points, true labels per component: {np.bincount(z_syn)}")

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].scatter(X_of[:, 0], X_of[:, 1], s=12, color="0.3")
axes[0].set(xlabel=f"{FAITHFUL_COLUMNS[0]}", ylabel=f"{FAITHFUL_COLUMNS[1]}",
            title="Old Faithful: labels unknown")
plot_clusters(X_syn, z_syn, ax=axes[1])
axes[1].set(xlabel="$x_1$", ylabel="$x_2$", title="synthetic 'overlapping' set: labels known")
axes[1].set_aspect("equal")
axes[1].legend(title="true component", fontsize=8)
plt.show()

# %% [markdown]
# On the left we see only points; on the right we also see where each point came from. Most of
# this lesson is about the difference between these two situations.

# %% [markdown]
# ## 2. The log-likelihood is a log of a sum
#
# The points are independent draws, so the likelihood is a product over points, and each factor
# is the mixture density, a sum over components:
#
# $$
# \ell(\theta) \;=\; \log p(X \mid \theta) \;=\; \log \prod_{n=1}^N \sum_{k=1}^K \pi_k \,\mathcal N(x_n \mid \mu_k, \Sigma_k)
# \;=\; \sum_{n=1}^N \log \sum_{k=1}^K \pi_k \,\mathcal N(x_n \mid \mu_k, \Sigma_k).
# $$
#
# The log turns the product over points into a sum, but it cannot reach inside the sum over
# components: $\log(a + b) \ne \log a + \log b$. We first compute $\ell$ with `coursepkg` and with a
# naive double loop over points and components using `scipy.stats`, at a rough starting guess
# $\theta^{\text{old}}$ for Old Faithful.

# %%
theta_old = GMM(
    weights=[0.5, 0.5],
    means=[[2.5, 60.0], [4.0, 72.0]],
    covariances=[np.diag([0.5, 60.0]), np.diag([0.5, 60.0])],
)


def log_likelihood_naive(X, gmm):
    total = 0.0
    for x in X:
        p = 0.0
        for k in range(gmm.k):
            p += gmm.weights[k] * stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).pdf(x)
        total += np.log(p)
    return total


ll_pkg = mixture.log_likelihood(X_of, theta_old)
ll_naive = log_likelihood_naive(X_of, theta_old)
print(f"log-likelihood at theta_old: coursepkg {ll_pkg:.6f}, naive loop {ll_naive:.6f}, "
      f"difference {abs(ll_pkg - ll_naive):.1e}")

# %% [markdown]
# ### Setting the gradient to zero does not give an answer
#
# Try the usual recipe for the mean $\mu_k$. The derivative of $\log \sum_j a_j$ is
# $\frac{1}{\sum_j a_j}$ times the derivative of the sum, and
# $\nabla_{\mu_k} \mathcal N(x \mid \mu_k, \Sigma_k) = \mathcal N(x \mid \mu_k, \Sigma_k)\,\Sigma_k^{-1}(x - \mu_k)$, so
#
# $$
# \nabla_{\mu_k} \ell(\theta)
# = \sum_{n=1}^N \underbrace{\frac{\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)}{\sum_j \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j)}}_{r_{nk}(\theta)}
#   \,\Sigma_k^{-1}(x_n - \mu_k).
# $$
#
# The fraction is the *responsibility* $r_{nk}$: the posterior probability that point $n$ came
# from component $k$. First we confirm the formula against finite differences of $\ell$.

# %%
def grad_mu_formula(X, gmm, k):
    resp, _ = em.e_step(X, gmm)
    return np.linalg.solve(gmm.covariances[k], (resp[:, k, None] * (X - gmm.means[k])).sum(axis=0))


def grad_mu_numeric(X, gmm, k, h=1e-5):
    grad = np.zeros(gmm.d)
    for i in range(gmm.d):
        step = np.zeros_like(gmm.means)
        step[k, i] = h
        up = GMM(gmm.weights, gmm.means + step, gmm.covariances)
        down = GMM(gmm.weights, gmm.means - step, gmm.covariances)
        grad[i] = (mixture.log_likelihood(X, up) - mixture.log_likelihood(X, down)) / (2 * h)
    return grad


for k in range(2):
    g_formula, g_numeric = grad_mu_formula(X_of, theta_old, k), grad_mu_numeric(X_of, theta_old, k)
    print(f"component {k}: gradient {g_formula}, finite differences {g_numeric}, "
          f"max difference {np.max(np.abs(g_formula - g_numeric)):.1e}")

# %% [markdown]
# Setting the gradient to zero and multiplying by $\Sigma_k$ gives
#
# $$
# \mu_k \;=\; \frac{\sum_n r_{nk}(\theta)\, x_n}{\sum_n r_{nk}(\theta)} .
# $$
#
# This looks like a closed form, but it is not one: the weights $r_{nk}(\theta)$ on the right
# depend on $\mu_k$ itself (and on every other parameter). It is an equation that $\mu_k$ must
# satisfy, not a formula that computes it. Watch what happens if we evaluate the right-hand side
# at $\theta^{\text{old}}$ and plug the result in: the gradient at the new means is not zero,
# because the responsibilities have moved.

# %%
resp_old, _ = em.e_step(X_of, theta_old)
means_rhs = (resp_old.T @ X_of) / resp_old.sum(axis=0)[:, None]
theta_try = GMM(theta_old.weights, means_rhs, theta_old.covariances)
resp_try, _ = em.e_step(X_of, theta_try)
for k in range(2):
    print(f"component {k}: |gradient| at theta_old {np.linalg.norm(grad_mu_formula(X_of, theta_old, k)):8.3f}, "
          f"at the plugged-in means {np.linalg.norm(grad_mu_formula(X_of, theta_try, k)):8.3f}")
print(f"largest change in a responsibility after moving the means: {np.max(np.abs(resp_try - resp_old)):.3f}")

# %% [markdown]
# The gradient shrank but did not vanish: solving for $\mu$ changed $r$, and the changed $r$ asks
# for a different $\mu$. This circular dependency, the parameters need the responsibilities and
# the responsibilities need the parameters, is the heart of the problem. (Repeating the plug-in
# forever is, in fact, a version of EM; lesson 07.)

# %% [markdown]
# ## 3. The hidden label as a one-hot vector
#
# The generative story draws a label for every point before drawing the point. Write the label of
# point $n$ as a **one-hot** vector $z_n = (z_{n1}, \dots, z_{nK})$ with $z_{nk} \in \{0, 1\}$ and
# $\sum_k z_{nk} = 1$: a single 1 in the position of the component that generated $x_n$. The
# one-hot form turns "pick the $k$-th factor" into a product of powers, because $a^1 = a$ and
# $a^0 = 1$:
#
# $$
# p(z_n) = \prod_{k=1}^K \pi_k^{z_{nk}}, \qquad
# p(x_n \mid z_n) = \prod_{k=1}^K \mathcal N(x_n \mid \mu_k, \Sigma_k)^{z_{nk}} .
# $$
#
# Summing the joint $p(x_n, z_n) = p(z_n)\,p(x_n \mid z_n)$ over the $K$ possible one-hot vectors
# gives back the mixture density: that is what makes $z$ a *latent* variable of the mixture.

# %%
Z_syn = np.eye(true_syn.k)[z_syn]  # one-hot matrix, shape (N, K)
print("first five labels:", z_syn[:5])
print("as one-hot rows:\n", Z_syn[:5])
print("every row sums to 1:", np.all(Z_syn.sum(axis=1) == 1))

# p(x_n) by summing p(x_n, z_n) = prod_k pi_k^z_k N_k(x_n)^z_k over the K one-hot vectors z
x = X_syn[:3]
pdfs = np.array([stats.multivariate_normal(true_syn.means[j], true_syn.covariances[j]).pdf(x) for j in range(true_syn.k)])
joint_by_onehot = np.zeros((3, true_syn.k))
for k, onehot in enumerate(np.eye(true_syn.k)):
    prior = np.prod(true_syn.weights**onehot)  # prod_j pi_j^{z_j}
    likelihood = np.prod(pdfs ** onehot[:, None], axis=0)  # prod_j N_j(x)^{z_j}
    joint_by_onehot[:, k] = prior * likelihood
marginal = joint_by_onehot.sum(axis=1)
print("sum over z of p(x, z):", marginal, " mixture density:", np.exp(mixture.log_density(x, true_syn)))
print(f"max relative difference: {np.max(np.abs(marginal / np.exp(mixture.log_density(x, true_syn)) - 1)):.1e}")

# %% [markdown]
# Each row of $Z$ has exactly one 1, and summing the joint over the $K$ one-hot vectors recovers
# the mixture density to rounding error.

# %% [markdown]
# ## 4. The complete-data likelihood is a product, its log a sum
#
# If we had observed the labels too, the data would be the pairs $(x_n, z_n)$, the **complete
# data**. Their likelihood multiplies the joint over independent points:
#
# $$
# p(X, Z \mid \theta) = \prod_{n=1}^N p(z_n)\,p(x_n \mid z_n)
# = \prod_{n=1}^N \prod_{k=1}^K \bigl[\pi_k\, \mathcal N(x_n \mid \mu_k, \Sigma_k)\bigr]^{z_{nk}} .
# $$
#
# Now there is no sum anywhere, only products and powers, so the log goes all the way in
# ($\log \prod = \sum \log$ and $\log a^z = z \log a$):
#
# $$
# \log p(X, Z \mid \theta) = \sum_{n=1}^N \sum_{k=1}^K z_{nk}\,\bigl[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)\bigr].
# $$
#
# For each point only the term of its own component survives. `mixture.complete_log_likelihood`
# takes the integer labels; we compare it with a naive loop over the one-hot formula.

# %%
def complete_ll_naive(X, Z, gmm):
    total = 0.0
    for n in range(X.shape[0]):
        for k in range(gmm.k):
            if Z[n, k]:  # z_nk = 0 contributes 0 * (...) = 0
                total += Z[n, k] * (np.log(gmm.weights[k])
                                    + stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).logpdf(X[n]))
    return total


cll_pkg = mixture.complete_log_likelihood(X_syn, z_syn, true_syn)
cll_naive = complete_ll_naive(X_syn, Z_syn, true_syn)
print(f"complete-data log-likelihood: coursepkg {cll_pkg:.8f}, naive loop {cll_naive:.8f}, "
      f"difference {abs(cll_pkg - cll_naive):.1e}")
print(f"(observed-data log-likelihood for comparison: {mixture.log_likelihood(X_syn, true_syn):.4f})")

# %% [markdown]
# The two computations agree to rounding. The complete-data value is lower than the observed-data
# one: it is the log of a single term $p(x_n, z_n)$ per point, while $p(x_n)$ adds all $K$ terms,
# so $\log p(X, Z \mid \theta) \le \log p(X \mid \theta)$ always.

# %% [markdown]
# ## 5. With known labels, maximum likelihood is counting and averaging
#
# Group the terms of the complete log-likelihood by component. With $N_k = \sum_n z_{nk}$, the
# number of points with label $k$,
#
# $$
# \log p(X, Z \mid \theta) = \underbrace{\sum_{k} N_k \log \pi_k}_{\text{only } \pi}
# \;+\; \sum_{k} \underbrace{\sum_{n:\, z_n = k} \log \mathcal N(x_n \mid \mu_k, \Sigma_k)}_{\text{only } \mu_k, \Sigma_k} .
# $$
#
# The parameters have separated: each component's Gaussian sees only its own points, and $\pi$
# sees only the counts. So we maximise each piece on its own.
#
# **Weights.** Maximise $\sum_k N_k \log \pi_k$ subject to $\sum_k \pi_k = 1$ with a Lagrange
# multiplier $\lambda$:
#
# $$
# \frac{\partial}{\partial \pi_k}\Bigl[\sum_j N_j \log \pi_j + \lambda\bigl(1 - \textstyle\sum_j \pi_j\bigr)\Bigr]
# = \frac{N_k}{\pi_k} - \lambda = 0
# \;\Rightarrow\; \pi_k = \frac{N_k}{\lambda}.
# $$
#
# Summing over $k$ and using the constraint, $1 = \sum_k N_k / \lambda = N / \lambda$, so $\lambda = N$
# and $\pi_k = N_k / N$: the fraction of points with label $k$. (The objective is concave in $\pi$,
# so this stationary point is the maximum.)
#
# **Means.** $\nabla_{\mu_k} \sum_{n: z_n = k} \log \mathcal N(x_n \mid \mu_k, \Sigma_k)
# = \sum_{n: z_n = k} \Sigma_k^{-1}(x_n - \mu_k) = 0$; multiply by $\Sigma_k$ and solve:
# $\mu_k = \frac{1}{N_k}\sum_{n: z_n=k} x_n$, the class average. This time the weights are
# fixed numbers (0 or 1), so it *is* a closed form.
#
# **Covariances.** Write the log-density with the precision $\Lambda_k = \Sigma_k^{-1}$:
# $\log \mathcal N = \tfrac12 \log|\Lambda_k| - \tfrac12 (x_n - \mu_k)^\top \Lambda_k (x_n - \mu_k) + \text{const}$.
# Using $\partial \log|\Lambda| / \partial \Lambda = \Lambda^{-1}$ and
# $\partial\, v^\top \Lambda v / \partial \Lambda = v v^\top$, the derivative is
# $\tfrac12 \sum_{n: z_n = k} \bigl[\Sigma_k - (x_n - \mu_k)(x_n - \mu_k)^\top\bigr] = 0$, so
# $\Sigma_k = \frac{1}{N_k}\sum_{n: z_n=k} (x_n - \mu_k)(x_n - \mu_k)^\top$: the class covariance
# (divided by $N_k$, not $N_k - 1$).

# %%
def mle_known_labels(X, z, K):
    """Closed-form maximum-likelihood parameters from hard labels: counts, class means, class covariances."""
    counts = np.bincount(z, minlength=K)
    means = np.array([X[z == k].mean(axis=0) for k in range(K)])
    covs = np.array([np.cov(X[z == k].T, bias=True) for k in range(K)])
    return GMM(counts / len(X), means, covs)


theta_hat = mle_known_labels(X_syn, z_syn, 3)
print("counts N_k:", np.bincount(z_syn), " weights N_k/N:", theta_hat.weights)
print("class means:\n", theta_hat.means)
print(f"complete log-likelihood at the closed form: {mixture.complete_log_likelihood(X_syn, z_syn, theta_hat):.6f}")

# %% [markdown]
# ### Check 1: a numerical optimiser finds the same maximum
#
# We hand the complete log-likelihood to `scipy.optimize.minimize` (as a function of unconstrained
# numbers: softmax logits for $\pi$, the means, and a Cholesky factor with log-diagonal for each
# $\Sigma_k$, so every trial point is a valid mixture) and start it far from the answer.

# %%
K, d = 3, 2
tril = np.tril_indices(d)


def unpack(params):
    logits = np.concatenate([[0.0], params[: K - 1]])
    weights = np.exp(logits - logits.max())
    weights /= weights.sum()
    means = params[K - 1 : K - 1 + K * d].reshape(K, d)
    covs = np.empty((K, d, d))
    for k, chunk in enumerate(params[K - 1 + K * d :].reshape(K, -1)):
        L = np.zeros((d, d))
        L[tril] = chunk
        L[np.diag_indices(d)] = np.exp(np.diag(L))
        covs[k] = L @ L.T
    return GMM(weights, means, covs)


def negative_cll(params):
    return -mixture.complete_log_likelihood(X_syn, z_syn, unpack(params))


start = np.concatenate([np.zeros(K - 1), np.tile(X_syn.mean(axis=0), K), np.zeros(K * len(tril[0]))])
result = optimize.minimize(negative_cll, start, method="BFGS")
theta_num = unpack(result.x)
print(f"optimiser: {result.nit} iterations, {result.nfev} evaluations of the complete log-likelihood")
print(f"objective: closed form {mixture.complete_log_likelihood(X_syn, z_syn, theta_hat):.8f}, "
      f"optimiser {-result.fun:.8f}")
for name in ("weights", "means", "covariances"):
    diff = np.max(np.abs(getattr(theta_num, name) - getattr(theta_hat, name)))
    print(f"max |optimiser - closed form| in {name:11s}: {diff:.1e}")

# %% [markdown]
# Starting from equal weights, a single shared mean and identity covariances, the optimiser climbs
# to the closed-form parameters; the residual differences are the optimiser's tolerance.

# %% [markdown]
# ### Check 2: every perturbation lowers it
#
# A maximum means that any small change makes things worse. We nudge the closed-form parameters in
# 200 random directions (keeping the weights on the simplex and the covariances symmetric
# positive-definite) and count how often the complete log-likelihood went down.

# %%
best = mixture.complete_log_likelihood(X_syn, z_syn, theta_hat)
drops = []
for _ in range(200):
    dw = rng.normal(size=K) * 0.01
    dw -= dw.mean()  # stays on sum(pi) = 1
    A = rng.normal(size=(K, d, d)) * 0.02
    perturbed = GMM(theta_hat.weights + dw,
                    theta_hat.means + rng.normal(size=(K, d)) * 0.02,
                    theta_hat.covariances + (A + A.transpose(0, 2, 1)) / 2)
    drops.append(best - mixture.complete_log_likelihood(X_syn, z_syn, perturbed))
drops = np.array(drops)
print(f"perturbations that lowered the complete log-likelihood: {np.sum(drops > 0)} / {len(drops)}")
print(f"smallest drop: {drops.min():.2e}, median drop: {np.median(drops):.2e}")

# %% [markdown]
# All 200 nudges lowered it. With the labels known, fitting a mixture is as easy as fitting $K$
# separate Gaussians.

# %% [markdown]
# ## 6. The chicken-and-egg problem
#
# We now have two easy problems that point at each other:
#
# - **labels from parameters**: given $\theta$, Bayes' rule gives each point's responsibilities
#   $r_{nk} = \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) / \sum_j \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j)$;
# - **parameters from labels**: given labels, section 5 gives $\theta$ by counting and averaging.
#
# On Old Faithful we have neither. The figure shows both directions: on the left, a guessed
# $\theta$ (ellipses) colours every point by its responsibilities; on the right, a guessed
# labelling (short vs long eruptions, split at 3 minutes) yields $\theta$ by section 5's formulas.

# %%
labels_guess = (X_of[:, 0] > 3.0).astype(int)
theta_from_labels = mle_known_labels(X_of, labels_guess, 2)
resp_from_theta, _ = em.e_step(X_of, theta_old)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharex=True, sharey=True, layout="constrained")
plot_responsibilities(X_of, resp_from_theta, ax=axes[0])
plot_ellipses(theta_old, ax=axes[0], label_prefix="given component")
axes[0].set_title("parameters → labels\n(given θ, Bayes' rule colours each point)")
plot_clusters(X_of, labels_guess, ax=axes[1])
plot_ellipses(theta_from_labels, ax=axes[1], label_prefix="fitted component", linestyle="--")
axes[1].set_title("labels → parameters\n(given labels, count / average / spread)")
for ax in axes:
    ax.set_xlabel(FAITHFUL_COLUMNS[0])
    ax.legend(fontsize=7, loc="upper left")
axes[0].set_ylabel(FAITHFUL_COLUMNS[1])
fig.suptitle("Each unknown is easy to find from the other, but we start with neither", fontsize=11)
plt.show()

# %% [markdown]
# On the left, purple points are shared between the two components (a blend of blue and red);
# on the right, each point belongs to one class and the dashed ellipses are the class fits. The
# way out of the deadlock, which EM takes, is to start from a guess and alternate the two arrows.
# But the right-hand arrow needs *hard* labels, and we only have *soft* ones. What should it
# maximise then?

# %% [markdown]
# ## 7. The expected complete-data log-likelihood $Q$
#
# We cannot evaluate $\log p(X, Z \mid \theta)$ because $Z$ is unknown. But at the current guess
# $\theta^{\text{old}}$ we know its posterior: the labels are independent across points given $X$, with
# $p(z_{nk} = 1 \mid x_n, \theta^{\text{old}}) = r_{nk}$. So we average the complete log-likelihood over
# that posterior:
#
# $$
# Q(\theta, \theta^{\text{old}}) = \mathbb E_{Z \sim p(Z \mid X, \theta^{\text{old}})}\bigl[\log p(X, Z \mid \theta)\bigr].
# $$
#
# Because $\log p(X, Z \mid \theta)$ is *linear* in the $z_{nk}$, the expectation passes through the
# sums onto each $z_{nk}$, and the expectation of a 0/1 variable is the probability that it is 1,
# $\mathbb E[z_{nk}] = r_{nk}$:
#
# $$
# Q(\theta, \theta^{\text{old}}) = \sum_{n=1}^N \sum_{k=1}^K r_{nk}\,\bigl[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)\bigr],
# \qquad r_{nk} = p(z_{nk} = 1 \mid x_n, \theta^{\text{old}}).
# $$
#
# Two parameter sets appear: $\theta^{\text{old}}$ fixes the weights $r_{nk}$, and $\theta$ is the
# argument we will optimise. We check `mixture.expected_complete_log_likelihood` against a naive
# double loop, evaluating $Q$ at a $\theta$ different from $\theta^{\text{old}}$ (the class fits from
# the figure above).

# %%
def Q_naive(X, resp, gmm):
    total = 0.0
    for n in range(X.shape[0]):
        for k in range(gmm.k):
            total += resp[n, k] * (np.log(gmm.weights[k])
                                   + stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).logpdf(X[n]))
    return total


r_old, ll_old = em.e_step(X_of, theta_old)
theta = theta_from_labels
Q_pkg = mixture.expected_complete_log_likelihood(X_of, r_old, theta)
Q_loop = Q_naive(X_of, r_old, theta)
print(f"Q(theta, theta_old): coursepkg {Q_pkg:.8f}, naive double loop {Q_loop:.8f}, "
      f"difference {abs(Q_pkg - Q_loop):.1e}")

# %% [markdown]
# ### $Q$ really is an expectation: a Monte Carlo check
#
# The formula replaced each $z_{nk}$ by $r_{nk}$. To see that this is the *expectation* and not
# an approximation, draw whole labellings $Z^{(s)}$ at random, each point's label from its own row
# of $r$, evaluate the complete log-likelihood of each, and average. The running average should
# settle on $Q$, within a shrinking band of two standard errors.

# %%
S = 1000
cumulative = np.cumsum(r_old, axis=1)
u = rng.random((S, X_of.shape[0], 1))
Z_samples = (u > cumulative[None, :, :]).sum(axis=2)  # label of point n in draw s: row s of shape (N,)
Z_samples = np.minimum(Z_samples, theta.k - 1)  # guard against rounding in the last cumulative sum
cll_samples = np.array([mixture.complete_log_likelihood(X_of, z, theta) for z in Z_samples])

s_axis = np.arange(1, S + 1)
y = cll_samples - cll_samples[0]  # centred first, so the running variance loses no digits
running = cll_samples[0] + np.cumsum(y) / s_axis
with np.errstate(invalid="ignore", divide="ignore"):  # the first draw has no spread yet
    running_var = (np.cumsum(y**2) - s_axis * (running - cll_samples[0]) ** 2) / (s_axis - 1)
running_se = np.sqrt(np.maximum(running_var, 0) / s_axis)
print(f"Monte Carlo mean over {S} labellings: {running[-1]:.3f} ± {running_se[-1]:.3f} (1 s.e.),  Q = {Q_pkg:.3f}")
print(f"difference in standard errors: {(running[-1] - Q_pkg) / running_se[-1]:+.2f}")

fig, ax = plt.subplots(figsize=(8, 3.6))
shown = s_axis >= 10  # the first few averages have no meaningful spread
ax.fill_between(s_axis[shown], (running - 2 * running_se)[shown], (running + 2 * running_se)[shown], color="0.85",
                label="±2 standard errors")
ax.plot(s_axis[shown], running[shown], color="0.2", lw=1.2, label="running mean of log p(X, Z | θ), Z ~ r")
ax.axhline(Q_pkg, color=COMPONENT_COLORS[2], lw=2, ls="--", label="Q(θ, θ_old) from the formula")
ax.set_xscale("log")
ax.set_ylim(Q_pkg - 10, Q_pkg + 10)
ax.set(xlabel="number of sampled labellings Z", ylabel="complete log-likelihood (nats)",
       title="Averaging over sampled labels converges to Q")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Individual labellings scatter by several nats around $Q$, but their average converges to it:
# $Q$ is the exact mean of the complete log-likelihood under the responsibilities.

# %% [markdown]
# ## 8. $Q$ needs only the expected sufficient statistics
#
# Expand $\log \mathcal N$ inside $Q$ and collect what depends on the data. For component $k$ the data
# enter only through three sums, the **expected sufficient statistics**:
#
# $$
# N_k = \sum_n r_{nk}, \qquad s_k = \sum_n r_{nk}\, x_n, \qquad S_k = \sum_n r_{nk}\, x_n x_n^\top ,
# $$
#
# because $\sum_n r_{nk} (x_n - \mu)^\top \Lambda (x_n - \mu) = \operatorname{tr}(\Lambda S_k) - 2\mu^\top \Lambda s_k + N_k\, \mu^\top \Lambda \mu$.
# They are the known-label sums of section 5 with each 0/1 replaced by $r_{nk}$, so the maximiser of
# $Q$ has the same form (lesson 06 derives it in full):
#
# $$
# \pi_k = \frac{N_k}{N}, \qquad \mu_k = \frac{s_k}{N_k}, \qquad \Sigma_k = \frac{S_k}{N_k} - \mu_k \mu_k^\top .
# $$
#
# We compute the parameters from the statistics alone and compare with `em.m_step` (which works
# with the points and responsibilities directly).

# %%
def expected_stats(X, resp):
    Nk = resp.sum(axis=0)
    s = resp.T @ X
    S2 = np.einsum("nk,ni,nj->kij", resp, X, X)
    return Nk, s, S2


def params_from_stats(Nk, s, S2, N):
    mu = s / Nk[:, None]
    sigma = S2 / Nk[:, None, None] - np.einsum("ki,kj->kij", mu, mu)
    return Nk / N, mu, sigma


Nk, s, S2 = expected_stats(X_of, r_old)
pi_ess, mu_ess, sigma_ess = params_from_stats(Nk, s, S2, len(X_of))
theta_m = em.m_step(X_of, r_old, reg_covar=0.0)
print("N_k =", Nk, " (sum:", Nk.sum(), ")")
print(f"max |ESS - m_step|: weights {np.max(np.abs(pi_ess - theta_m.weights)):.1e}, "
      f"means {np.max(np.abs(mu_ess - theta_m.means)):.1e}, "
      f"covariances {np.max(np.abs(sigma_ess - theta_m.covariances)):.1e}")

# %% [markdown]
# ### Take the second moment about a centre
#
# The formula $\Sigma_k = S_k/N_k - \mu_k\mu_k^\top$ subtracts two large, nearly equal numbers when the
# data sit far from the origin, and floating point loses the digits they share. Move Old Faithful
# by $10^7$ minutes (a timestamp, say) and the covariance from raw statistics is ruined; the same
# statistics taken about a reference point $c$ (here the data mean), $S_k^{(c)} = \sum_n r_{nk}(x_n - c)(x_n - c)^\top$,
# are just as sufficient and lose nothing. `em.m_step` goes one step further and centres each
# component at its own mean.

# %%
offset = 1e7
X_far = X_of + offset
theta_far = em.m_step(X_far, r_old, reg_covar=0.0)
_, _, sigma_raw = params_from_stats(*expected_stats(X_far, r_old), len(X_far))
c = X_far.mean(axis=0)
_, _, sigma_centred = params_from_stats(*expected_stats(X_far - c, r_old), len(X_far))
print(f"data shifted by {offset:g}: max |Sigma - Sigma from m_step on unshifted data|")
print(f"  raw statistics S_k/N_k - mu mu^T     : {np.max(np.abs(sigma_raw - theta_m.covariances)):.1e}")
print(f"  statistics about the data mean       : {np.max(np.abs(sigma_centred - theta_m.covariances)):.1e}")
print(f"  em.m_step (centred at each mean)     : {np.max(np.abs(theta_far.covariances - theta_m.covariances)):.1e}")

# %% [markdown]
# The raw formula's error is as large as the smallest variance itself (about 0.15 min² for the
# eruption time): the answer is garbage. Centring keeps the error at rounding level. The sufficient statistics are also **additive** over points: compute them on
# two halves of the data separately, add, and the parameters are unchanged. That is what lets EM
# run on data split across machines.

# %%
half = len(X_of) // 2
c0 = X_of.mean(axis=0)  # a reference point; any fixed point works
parts = [expected_stats(X_of[sl] - c0, r_old[sl]) for sl in (slice(None, half), slice(half, None))]
summed = [a + b for a, b in zip(*parts)]
_, mu_parts, sigma_parts = params_from_stats(*summed, len(X_of))
mu_parts = mu_parts + c0
print(f"two halves, statistics added: max difference in means {np.max(np.abs(mu_parts - theta_m.means)):.1e}, "
      f"in covariances {np.max(np.abs(sigma_parts - theta_m.covariances)):.1e}")

# %% [markdown]
# ## 9. $Q$ and the log-likelihood
#
# How does $Q$ relate to the quantity we actually want to maximise, $\ell(\theta) = \log p(X \mid \theta)$?
# Write each joint as posterior times evidence,
# $\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) = p(x_n, z_n = k \mid \theta) = p(z_n = k \mid x_n, \theta)\, p(x_n \mid \theta)$.
# At $\theta = \theta^{\text{old}}$ the posterior is $r_{nk}$ itself, so
#
# $$
# Q(\theta^{\text{old}}, \theta^{\text{old}}) = \sum_n \sum_k r_{nk}\bigl[\log r_{nk} + \log p(x_n \mid \theta^{\text{old}})\bigr]
# = -H(r) + \ell(\theta^{\text{old}}),
# $$
#
# using $\sum_k r_{nk} = 1$, where $H(r) = -\sum_n \sum_k r_{nk} \log r_{nk} \ge 0$ is the entropy of the
# responsibilities. So $Q$ sits *below* the log-likelihood, by exactly the uncertainty about the labels.

# %%
H = -np.sum(r_old[r_old > 0] * np.log(r_old[r_old > 0]))
Q_at_old = mixture.expected_complete_log_likelihood(X_of, r_old, theta_old)
print(f"Q(theta_old, theta_old) = {Q_at_old:.6f},  H(r) = {H:.6f},  log-likelihood = {ll_old:.6f}")
print(f"Q + H - log-likelihood = {Q_at_old + H - ll_old:.1e}")

# %% [markdown]
# ### Maximising $Q$ raises the log-likelihood
#
# The maximiser of $Q(\cdot, \theta^{\text{old}})$ is the M-step of section 8. Lesson 04 proves that the
# log-likelihood rises at least as much as $Q$ does:
# $\ell(\theta^{\text{new}}) - \ell(\theta^{\text{old}}) \ge Q(\theta^{\text{new}}, \theta^{\text{old}}) - Q(\theta^{\text{old}}, \theta^{\text{old}}) \ge 0$.
# Here are the numbers, and a picture along the straight line in parameter space from
# $\theta^{\text{old}}$ ($t = 0$) to $\theta^{\text{new}}$ ($t = 1$).

# %%
theta_new = em.m_step(X_of, r_old, reg_covar=0.0)
Q_new = mixture.expected_complete_log_likelihood(X_of, r_old, theta_new)
ll_new = mixture.log_likelihood(X_of, theta_new)
print(f"Q gain:              {Q_new - Q_at_old:10.4f}")
print(f"log-likelihood gain: {ll_new - ll_old:10.4f}   (at least the Q gain: {ll_new - ll_old >= Q_new - Q_at_old})")


def interpolate(a, b, t):
    return GMM((1 - t) * a.weights + t * b.weights, (1 - t) * a.means + t * b.means,
               (1 - t) * a.covariances + t * b.covariances)


ts = np.linspace(0, 1.15, 47)  # beyond t = 1.2 a covariance stops being positive-definite
path = [interpolate(theta_old, theta_new, t) for t in ts]
ll_path = np.array([mixture.log_likelihood(X_of, g) for g in path])
Q_path = np.array([mixture.expected_complete_log_likelihood(X_of, r_old, g) for g in path])
print(f"along the path, log-likelihood - (Q + H) >= 0: min {np.min(ll_path - Q_path - H):.2e}; "
      f"Q + H is largest at t = {ts[np.argmax(Q_path)]:.2f}")

fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(ts, ll_path, color="0.15", lw=2, label="log-likelihood  log p(X | θ)")
ax.plot(ts, Q_path + H, color=COMPONENT_COLORS[2], lw=2, ls="--", label="Q(θ, θ_old) + H(r)")
ax.plot([0], [ll_old], "o", color="0.15", ms=7)
ax.plot([1], [ll_new], "o", color="0.15", ms=7)
ax.plot([1], [Q_new + H], "o", color=COMPONENT_COLORS[2], ms=7)
ax.annotate("θ_old: the curves touch", (0, ll_old), xytext=(0.3, ll_old), fontsize=9, va="center",
            arrowprops={"arrowstyle": "->"})
ax.annotate("θ_new = argmax of Q", (1, Q_new + H), xytext=(0.8, Q_new + H - 90), fontsize=9, ha="center",
            arrowprops={"arrowstyle": "->"})
ax.set(xlabel="t  (θ = (1 − t) θ_old + t θ_new)", ylabel="nats",
       title="Q + H lies below the log-likelihood and touches it at θ_old")
ax.legend(fontsize=9, loc="lower right")
plt.show()

# %% [markdown]
# The dashed curve never rises above the solid one and meets it at $\theta^{\text{old}}$; climbing to
# its top at $\theta^{\text{new}}$ drags the log-likelihood up with it. That picture, a bound that
# touches and is then maximised, is the whole of lesson 04.

# %% [markdown]
# ## 10. Check your understanding

# %%
concept_question("03", 1)

# %%
concept_question("03", 2)

# %%
concept_question("03", 3)

# %% [markdown]
# ## Summary
#
# - The mixture log-likelihood $\sum_n \log \sum_k \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)$ is a log of a sum;
#   its stationarity equations contain the responsibilities, which depend on the unknowns.
# - Writing the hidden label as a one-hot $z_n$ gives the complete-data likelihood
#   $\prod_n \prod_k [\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)]^{z_{nk}}$, whose log is a plain sum.
# - With known labels the maximum-likelihood parameters are counts, class means and class covariances
#   ($\pi_k = N_k/N$ by a Lagrange multiplier), confirmed by a numerical optimiser and by perturbations.
# - Chicken-and-egg: labels follow from parameters (Bayes) and parameters from labels (averaging).
# - $Q(\theta, \theta^{\text{old}}) = \sum_n \sum_k r_{nk}[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)]$ is the
#   expected complete log-likelihood; it needs only $N_k$, $\sum_n r_{nk} x_n$, $\sum_n r_{nk} x_n x_n^\top$
#   (best taken about a centre).
# - $Q(\theta^{\text{old}}, \theta^{\text{old}}) + H(r) = \log p(X \mid \theta^{\text{old}})$, and maximising $Q$ raises the
#   log-likelihood. Lesson 04 shows why, with Jensen's inequality.
#
# **Exercises:** [exercises/03_complete_data_likelihood.ipynb](../exercises/03_complete_data_likelihood.ipynb)
# — the exercises for this lesson.
