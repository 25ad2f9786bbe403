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
# and the story that generates data from it. Now we go the other way: **given the points, find
# the parameters** $\theta = (\pi_k, \mu_k, \Sigma_k)_{k=1}^K$ by maximum likelihood. This lesson
# shows why that is hard, why it would be easy if we knew the hidden labels, and which quantity
# EM maximises instead.
#
# **Learning goals.** After this lesson you can
#
# 1. explain what a *log of a sum* does to the shape of the mixture log-likelihood, and why it has
#    no closed-form maximiser (the responsibilities appear inside its own stationarity equation);
# 2. write the hidden label as a one-hot vector $z_n$ and the *complete-data* likelihood
#    $p(X, Z \mid \theta)$ as a product, and its log as a plain sum;
# 3. derive the maximum-likelihood parameters when the labels are known (count, average,
#    spread; a Lagrange multiplier for $\pi$);
# 4. describe the chicken-and-egg problem: labels from parameters, parameters from labels;
# 5. define the expected complete-data log-likelihood $Q(\theta, \theta^{\text{old}})$, check it three
#    ways, and reduce it to *expected sufficient statistics*;
# 6. relate $Q$ to the log-likelihood: $Q(\theta^{\text{old}}, \theta^{\text{old}}) + H(r) = \ell(\theta^{\text{old}})$,
#    and maximising $Q$ raises the log-likelihood.
#
# **You need:** the mixture model and its generative story (lesson 02), Bayes' rule,
# the maximum-likelihood mean and covariance of a single Gaussian. Components are numbered
# 1, 2, ... in the text and the figures; Python counts from 0, so "component 1" is index 0.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap
import numpy as np
from scipy import ndimage, optimize, stats

from coursepkg import claims, em, mixture
from coursepkg.datasets import FAITHFUL_COLUMNS, SYNTHETIC, make_synthetic, old_faithful
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, blend_colors, plot_clusters, plot_ellipses, plot_responsibilities
from coursepkg.widgets.questions import concept_question

rng = np.random.default_rng(3)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. Two data sets
#
# **Old Faithful**: 272 eruptions of the geyser, each with its duration and the waiting time until
# the next one, both in minutes; nobody knows which "kind" of eruption each one was. **A synthetic
# set**: 300 points drawn from the course's "overlapping" three-component mixture, for which we
# *do* know every point's true label, because we generated it.

# %%
X_of = old_faithful()
X_syn, z_syn = make_synthetic("overlapping", n=300, rng=0)
true_syn = SYNTHETIC["overlapping"]
claims.equal("Old Faithful: points and columns", X_of.shape, (272, 2))
claims.equal("synthetic set: points per true component", np.bincount(z_syn), [102, 104, 94])

fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
axes[0].scatter(X_of[:, 0], X_of[:, 1], s=12, color="0.3")
axes[0].set(xlabel=FAITHFUL_COLUMNS[0], ylabel=FAITHFUL_COLUMNS[1], title="Old Faithful: labels unknown")
plot_clusters(X_syn, z_syn, ax=axes[1])
axes[1].set(xlabel="$x_1$", ylabel="$x_2$", title="synthetic 'overlapping' set: labels known")
axes[1].set_aspect("equal")
axes[1].legend(title="true label", fontsize=8, loc="upper left")
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
# components: $\log(a + b) \ne \log a + \log b$. Logs are natural logarithms throughout, so $\ell$ is
# measured in **nats**: a difference of 1 nat is a factor $e \approx 2.72$ in likelihood. We evaluate
# $\ell$ at a rough first guess $\theta^{\text{old}}$ for Old Faithful (both means near the middle of the
# data, broad covariances, as an early guess would be), once with `coursepkg` and once with a
# plain double loop over points and components using `scipy.stats`.

# %%
theta_old = GMM(
    weights=[0.5, 0.5],
    means=[[3.2, 68.0], [4.0, 74.0]],
    covariances=[np.diag([1.0, 150.0]), np.diag([1.0, 150.0])],
)


def log_likelihood_naive(X, gmm):
    total = 0.0
    for x in X:
        p = 0.0
        for k in range(gmm.k):
            p += gmm.weights[k] * stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).pdf(x)
        total += np.log(p)
    return total


ll_old = mixture.log_likelihood(X_of, theta_old)
_ = claims.close("log-likelihood at theta_old (nats), coursepkg against a scipy loop",
             ll_old, log_likelihood_naive(X_of, theta_old), atol=1e-9)

# %% [markdown]
# ### What a log of a sum looks like
#
# To *see* $\ell$ we need few parameters. Take only the eruption durations (1-D), two components
# with weights fixed at $\tfrac12$ and standard deviations fixed at $\sigma = 0.5$ min, and let only
# the two means $\mu_1, \mu_2$ vary. Then $\ell(\mu_1, \mu_2)$ is a surface we can draw. For contrast
# we also draw the *complete-data* log-likelihood of section 4, the one we would maximise if each
# eruption's label were known (here: "short" if it lasted under 3 minutes, "long" otherwise),
# which is a sum of logs with no sum inside.

# %%
concept_question("03", 1)

# %%
durations = X_of[:, 0]
SIGMA_1D = 0.5  # minutes, both components
long = durations > 3.0  # the labels of the complete-data picture


def ell_1d(mu1, mu2):
    """Log-likelihood of the durations under 1/2 N(mu1, 0.5^2) + 1/2 N(mu2, 0.5^2); broadcasts over mu1, mu2."""
    mu1, mu2 = np.asarray(mu1, dtype=float)[..., None], np.asarray(mu2, dtype=float)[..., None]
    return np.logaddexp(np.log(0.5) + stats.norm.logpdf(durations, mu1, SIGMA_1D),
                        np.log(0.5) + stats.norm.logpdf(durations, mu2, SIGMA_1D)).sum(axis=-1)


def complete_ell_1d(mu1, mu2):
    """The same model with the labels known: each duration uses only its own component."""
    mu1, mu2 = np.asarray(mu1, dtype=float)[..., None], np.asarray(mu2, dtype=float)[..., None]
    own_mean = np.where(long, mu2, mu1)
    return (np.log(0.5) + stats.norm.logpdf(durations, own_mean, SIGMA_1D)).sum(axis=-1)


# two local searches, started on either side of the line mu1 = mu2
peaks = [optimize.minimize(lambda m: -ell_1d(*m), start, method="BFGS", options={"gtol": 1e-8})
         for start in ([1.5, 5.0], [5.0, 1.5])]
peak_a, peak_b = peaks[0].x, peaks[1].x
claims.close("the second maximum is the first with mu1 and mu2 swapped (min)", peak_b, peak_a[::-1], atol=1e-5)
claims.close("both maxima have the same log-likelihood (nats)", -peaks[1].fun, -peaks[0].fun, atol=1e-8)
claims.close("the first maximum (mu1, mu2) in minutes", peak_a, [2.06, 4.30], atol=0.005)

# On the line mu1 = mu2 = m the mixture is one Gaussian N(m, sigma^2); its best m is the mean duration.
m_bar, s2 = durations.mean(), durations.var()
claims.close("variance of the durations s^2 (min^2)", s2, 1.30, atol=0.005)
h = 1e-3
along_diagonal = (ell_1d(m_bar + h, m_bar + h) - 2 * ell_1d(m_bar, m_bar) + ell_1d(m_bar - h, m_bar - h)) / h**2
across = (ell_1d(m_bar + h, m_bar - h) - 2 * ell_1d(m_bar, m_bar) + ell_1d(m_bar - h, m_bar + h)) / h**2
slope = (ell_1d(m_bar + h, m_bar) - ell_1d(m_bar - h, m_bar)) / (2 * h)
claims.close("d ell / d mu1 at (mean, mean): a stationary point", slope, 0.0, atol=1e-6)
N1 = len(durations)
claims.close("curvature along the diagonal, finite differences vs -N/sigma^2",
             along_diagonal, -N1 / SIGMA_1D**2, rtol=1e-5)
claims.close("curvature across it, finite differences vs N (s^2 - sigma^2) / sigma^4 (> 0: a saddle)",
             across, N1 * (s2 - SIGMA_1D**2) / SIGMA_1D**4, rtol=3e-5)

# a search started ON the diagonal stays on it (by symmetry the gradient points along it): it ends at the saddle
on_diagonal = optimize.minimize(lambda m: -ell_1d(*m), [2.0, 2.0], method="BFGS", options={"gtol": 1e-8})
claims.close("BFGS started at (2, 2) stops at the saddle (x̄, x̄) (min)", on_diagonal.x, [m_bar, m_bar], atol=1e-5)
# a search started with one mean far from every duration: that component gets no responsibility and stays put
stranded = optimize.minimize(lambda m: -ell_1d(*m), [10.0, 2.0], method="BFGS", options={"gtol": 1e-8})
one_gaussian = np.sum(np.log(0.5) + stats.norm.logpdf(durations, m_bar, SIGMA_1D))
claims.close("BFGS started at (10, 2): mu2 ends at the mean duration (min)", stranded.x[1], m_bar, atol=1e-4)
claims.at_least("... while mu1 stays far from the data (min)", stranded.x[0], 9.0)
claims.close("... with ell = log of 1/2 N(x_n | x̄, sigma^2), component 1 idle (nats)", -stranded.fun, one_gaussian,
             atol=1e-6)
claims.close("    that value (nats)", one_gaussian, -956.0, atol=0.05)
claims.close("ell at the two maxima (nats)", -peaks[0].fun, -319.5, atol=0.05)

# non-concave: halfway between the two maxima ell is far below both
midpoint = (peak_a + peak_b) / 2
dip = -peaks[0].fun - ell_1d(*midpoint)
claims.close("midpoint of the segment between the maxima (min), off the saddle", midpoint, [3.18, 3.18], atol=0.005)
_ = claims.at_least("drop of ell halfway between the two maxima (nats)", dip, 400.0)

# %% [markdown]
# The cell found two maxima, at $(\mu_1, \mu_2) \approx (2.06, 4.30)$ and its mirror image $(4.30, 2.06)$,
# with equal $\ell \approx -319.5$ nats. On the diagonal, at $\mu_1 = \mu_2 = \bar x$ (the mean duration), sits a
# stationary point that is a **saddle**: $\ell$ curves down along the diagonal (there the mixture is a single
# Gaussian, best at the mean) but curves *up* across it. To see by how much, differentiate
# $\partial \ell / \partial \mu_1 = \sum_n r_{n1} (x_n - \mu_1)/\sigma^2$ once more, using
# $\partial r_{n1}/\partial \mu_1 = r_{n1}(1 - r_{n1})(x_n - \mu_1)/\sigma^2$ and
# $\partial r_{n1}/\partial \mu_2 = -r_{n1} r_{n2}(x_n - \mu_2)/\sigma^2$. At $(\bar x, \bar x)$ every $r_{nk} = \tfrac12$ and
# $\sum_n (x_n - \bar x)^2 = N s^2$, so
#
# $$
# H_{11} = H_{22} = -\frac{N}{2\sigma^2} + \frac{N s^2}{4\sigma^4}, \qquad H_{12} = -\frac{N s^2}{4 \sigma^4} .
# $$
#
# Along the diagonal, direction $(1, 1)$: $2H_{11} + 2H_{12} = -N/\sigma^2 < 0$. Across it, direction $(1, -1)$:
# $2H_{11} - 2H_{12} = N(s^2 - \sigma^2)/\sigma^4$, positive because the durations spread more
# ($s^2 = 1.30$ min²) than one component does ($\sigma^2 = 0.25$ min²). These are the two curvatures the cell
# measured by finite differences (steps $(h, h)$ and $(h, -h)$).
#
# The saddle is not on the straight segment from one maximum to the other (that segment's midpoint is
# $(3.18, 3.18)$), but the segment shows the same thing: halfway along it $\ell$ is more than 400 nats below
# both ends, and a concave function could never dip below its values at the ends of a segment.
#
# Not every local search reaches a maximum. Started **on** the diagonal, at $(2, 2)$, BFGS stays on it (by
# symmetry the gradient there points along the diagonal) and stops at the saddle. Started with one mean
# **far from all the data**, at $(10, 2)$, component 1 gets no responsibility, its gradient vanishes, and the
# search ends with that component stranded and $\ell \approx -956$ nats, the log-likelihood of
# $\tfrac12 \mathcal N(\bar x, 0.5^2)$, component 1 idle.
# Lesson 07 meets such starts inside EM, and restarts from several of them.

# %%
grid = np.linspace(1.2, 5.6, 221)
M1, M2 = np.meshgrid(grid, grid)
surfaces = {"log of a sum: ℓ(μ₁, μ₂), labels unknown": ell_1d(M1, M2),
            "sum of logs: log p(X, Z | μ₁, μ₂), labels known": complete_ell_1d(M1, M2)}

# count the grid's local maxima (points higher than their 8 neighbours): the picture has exactly two
L = surfaces["log of a sum: ℓ(μ₁, μ₂), labels unknown"]
highest_nearby = ndimage.maximum_filter(L, size=3, mode="constant", cval=-np.inf)
claims.equal("local maxima of ℓ on the grid", int(np.sum(L == highest_nearby)), 2)

levels = [-600, -300, -150, -75, -40, -20, -10, -5, -2, 0]
fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharey=True, layout="constrained")
for ax, (title, Z) in zip(axes, surfaces.items()):
    filled = ax.contourf(M1, M2, Z - Z.max(), levels=levels, cmap="viridis", extend="min")
    ax.contour(M1, M2, Z - Z.max(), levels=levels[:-1], colors="k", linewidths=0.4)
    ax.plot(grid, grid, color="white", ls="--", lw=1.2, label="μ₁ = μ₂ (swap the labels)")
    ax.set(xlabel="μ₁: mean of component 1 (min)", title=title)
    ax.set_aspect("equal")
axes[0].plot(*zip(peak_a, peak_b), color="white", lw=1.5, ls=":", label="segment between the maxima")
axes[0].plot(*np.array([peak_a, peak_b]).T, "*", color="#ff7f0e", ms=15, mec="black", label="the two maxima")
axes[0].plot(m_bar, m_bar, "X", color="white", mec="black", ms=10, label="saddle at (x̄, x̄)")
best = np.unravel_index(np.argmax(surfaces["sum of logs: log p(X, Z | μ₁, μ₂), labels known"]), M1.shape)
axes[1].plot(M1[best], M2[best], "*", color="#ff7f0e", ms=15, mec="black", label="the one maximum (class means)")
axes[0].set_ylabel("μ₂: mean of component 2 (min)")
for ax in axes:
    ax.legend(fontsize=8, loc="lower left", facecolor="0.25", labelcolor="white", framealpha=0.9)
fig.colorbar(filled, ax=axes, shrink=0.8, label="nats below the highest value of the panel")
plt.show()

# %% [markdown]
# Left: the log of a sum has two peaks, the same fit with the labels swapped (**label switching**),
# mirrored across the dashed line, and a saddle between them on that line. A search started off the
# diagonal with both means among the data ends on one of the two, depending on where it starts (the
# diagonal start and the stranded component of the cell above are the exceptions). Right: with the labels known, the log reaches every term, the
# surface is a concave bowl with a single top at the two class means, and there is no symmetry to
# break, because the labels say which component is which.

# %% [markdown]
# ## 3. Setting the gradient to zero does not give an answer
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
# The fraction is the **responsibility** $r_{nk}$: the posterior probability, by Bayes' rule, that point
# $n$ came from component $k$. We confirm the formula against central finite differences of $\ell$.

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
        grad[i] = (log_likelihood_naive(X, up) - log_likelihood_naive(X, down)) / (2 * h)
    return grad


for k in range(2):
    claims.close(f"gradient of ell in mu_{k + 1} at theta_old, formula vs finite differences",
                 grad_mu_formula(X_of, theta_old, k), grad_mu_numeric(X_of, theta_old, k), atol=1e-5)

# %% [markdown]
# Setting the gradient to zero and multiplying by $\Sigma_k$ gives
#
# $$
# \mu_k \;=\; \frac{\sum_n r_{nk}(\theta)\, x_n}{\sum_n r_{nk}(\theta)} .
# $$
#
# The cell after the question evaluates the right-hand side at $\theta^{\text{old}}$, puts the result in as
# the new means, and takes the gradient again.

# %%
concept_question("03", 2)

# %%
resp_old, _ = em.e_step(X_of, theta_old)
means_rhs = (resp_old.T @ X_of) / resp_old.sum(axis=0)[:, None]
theta_try = GMM(theta_old.weights, means_rhs, theta_old.covariances)
resp_try, _ = em.e_step(X_of, theta_try)
claims.at_least("|gradient of ell| in mu_1 and mu_2 at the plugged-in means: not zero",
                np.array([np.linalg.norm(grad_mu_formula(X_of, theta_try, k)) for k in range(2)]), 1.0)
g_before = [grad_mu_formula(X_of, theta_old, k) for k in range(2)]
g_after = [grad_mu_formula(X_of, theta_try, k) for k in range(2)]
claims.at_least("cosine between the mu-gradients before and after the move (no overshoot: same direction)",
                np.array([a @ b / np.linalg.norm(a) / np.linalg.norm(b) for a, b in zip(g_before, g_after)]), 0.95)
claims.at_least("largest change of a responsibility after moving the means", np.abs(resp_try - resp_old).max(), 0.1)
claims.at_least("rise of ell from theta_old to the plugged-in means (nats)",
                log_likelihood_naive(X_of, theta_try) - ll_old, 0.0)
# weights and covariances updated too (a full M-step, section 8): still not a solution
theta_full = em.m_step(X_of, resp_old, reg_covar=0.0)
_ = claims.at_least("|gradient of ell| in mu_1 and mu_2 after updating all parameters: not zero",
                    np.array([np.linalg.norm(grad_mu_formula(X_of, theta_full, k)) for k in range(2)]), 0.1)

# %% [markdown]
# The likelihood went up, but the gradient did not vanish, not even when the weights and covariances
# are updated as well: solving for $\mu$ changed $r$, and the changed $r$ asks for a different $\mu$. So the
# equation above only looks like a closed form: the weights $r_{nk}(\theta)$ on its right depend on $\mu_k$
# itself (and on every other parameter). It is an equation that $\mu_k$ must satisfy, not a formula that
# computes it. This circular dependency, the parameters need the responsibilities and the
# responsibilities need the parameters, is the heart of the problem. (Repeating the plug-in until
# nothing changes is, in fact, a version of EM; lesson 07.)

# %% [markdown]
# ## 4. The complete data: a one-hot label makes the likelihood a product
#
# The generative story draws a label for every point before drawing the point. Write the label of
# point $n$ as a **one-hot** vector $z_n = (z_{n1}, \dots, z_{nK})$ with $z_{nk} \in \{0, 1\}$ and
# $\sum_k z_{nk} = 1$: a single 1 in the position of the component that generated $x_n$. Since $a^1 = a$
# and $a^0 = 1$, "pick the factor of component $k$" becomes a product of powers:
#
# $$
# p(z_n) = \prod_{k=1}^K \pi_k^{z_{nk}}, \qquad
# p(x_n \mid z_n) = \prod_{k=1}^K \mathcal N(x_n \mid \mu_k, \Sigma_k)^{z_{nk}} .
# $$
#
# Summing the joint $p(x_n, z_n) = p(z_n)\,p(x_n \mid z_n)$ over the $K$ possible one-hot vectors gives back
# the mixture density: $z$ is a *latent* (unobserved) variable of the mixture. If we had observed the
# labels too, the data would be the pairs $(x_n, z_n)$, the **complete data**, with likelihood
#
# $$
# p(X, Z \mid \theta) = \prod_{n=1}^N \prod_{k=1}^K \bigl[\pi_k\, \mathcal N(x_n \mid \mu_k, \Sigma_k)\bigr]^{z_{nk}},
# \qquad
# \log p(X, Z \mid \theta) = \sum_{n=1}^N \sum_{k=1}^K z_{nk}\,\bigl[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)\bigr].
# $$
#
# There is no sum inside the log any more, only products and powers, so the log goes all the way in
# ($\log \prod = \sum \log$, $\log a^z = z \log a$). For each point only the term of its own component
# survives. We check both statements on the synthetic set, with plain loops and `scipy.stats`.

# %%
Z_syn = np.eye(true_syn.k)[z_syn]  # one-hot matrix, shape (N, K): row n has its 1 in column z_n

# p(x_n) by summing p(x_n, z_n) = prod_k pi_k^z_k N_k(x_n)^z_k over the K one-hot vectors z
x3 = X_syn[:3]
pdfs = np.array([stats.multivariate_normal(true_syn.means[j], true_syn.covariances[j]).pdf(x3)
                 for j in range(true_syn.k)])
marginal = sum(np.prod(true_syn.weights**onehot) * np.prod(pdfs ** onehot[:, None], axis=0)
               for onehot in np.eye(true_syn.k))
claims.close("sum over z of p(x, z) against the mixture density (first 3 points)",
             marginal, np.exp(mixture.log_density(x3, true_syn)), rtol=1e-12)


def complete_ll_naive(X, Z, gmm):
    total = 0.0
    for n in range(X.shape[0]):
        for k in range(gmm.k):
            if Z[n, k]:  # z_nk = 0 contributes 0 * (...) = 0
                total += np.log(gmm.weights[k]) + stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).logpdf(X[n])
    return total


cll_true = mixture.complete_log_likelihood(X_syn, z_syn, true_syn)
claims.close("complete-data log-likelihood (nats), coursepkg against a scipy loop",
             cll_true, complete_ll_naive(X_syn, Z_syn, true_syn), atol=1e-9)
_ = claims.at_least("log p(X | theta) - log p(X, Z | theta) (nats)", mixture.log_likelihood(X_syn, true_syn) - cll_true, 0.0)

# %% [markdown]
# The complete-data value is lower than the observed-data one: it keeps one term $p(x_n, z_n)$ per
# point, while $p(x_n)$ adds all $K$ of them, so $\log p(X, Z \mid \theta) \le \log p(X \mid \theta)$ always.

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
# The parameters have separated: each component's Gaussian sees only its own points, and $\pi$ sees
# only the counts. So we maximise each piece on its own.
#
# **Weights.** Maximise $\sum_k N_k \log \pi_k$ subject to $\sum_k \pi_k = 1$ with a Lagrange multiplier $\nu$
# (not $\lambda$, which the course keeps for eigenvalues):
#
# $$
# \frac{\partial}{\partial \pi_k}\Bigl[\sum_j N_j \log \pi_j + \nu\bigl(1 - \textstyle\sum_j \pi_j\bigr)\Bigr]
# = \frac{N_k}{\pi_k} - \nu = 0
# \;\Rightarrow\; \pi_k = \frac{N_k}{\nu}.
# $$
#
# Summing over $k$ and using the constraint, $1 = \sum_k N_k / \nu = N / \nu$, so $\nu = N$ and
# $\pi_k = N_k / N$: the fraction of points with label $k$. (The objective is concave in $\pi$ and the
# constraint linear, so this stationary point is the maximum.)
#
# **Means.** $\nabla_{\mu_k} \sum_{n: z_n = k} \log \mathcal N(x_n \mid \mu_k, \Sigma_k)
# = \sum_{n: z_n = k} \Sigma_k^{-1}(x_n - \mu_k) = 0$; multiply by $\Sigma_k$ and solve:
# $\mu_k = \frac{1}{N_k}\sum_{n: z_n=k} x_n$, the class average. This time the weights are fixed
# numbers (0 or 1), so it *is* a closed form. It is the maximum: the objective is a concave quadratic in
# $\mu_k$, with matrix of second derivatives $-N_k \Sigma_k^{-1}$.
#
# **Covariances.** Write the log-density with the precision $\Lambda_k = \Sigma_k^{-1}$:
# $\log \mathcal N = \tfrac12 \log|\Lambda_k| - \tfrac12 (x_n - \mu_k)^\top \Lambda_k (x_n - \mu_k) + \text{const}$.
# Using $\partial \log|\Lambda| / \partial \Lambda = \Lambda^{-1}$ and
# $\partial\, v^\top \Lambda v / \partial \Lambda = v v^\top$, the derivative is
# $\tfrac12 \sum_{n: z_n = k} \bigl[\Sigma_k - (x_n - \mu_k)(x_n - \mu_k)^\top\bigr] = 0$, so
# $\Sigma_k = \frac{1}{N_k}\sum_{n: z_n=k} (x_n - \mu_k)(x_n - \mu_k)^\top$: the class covariance
# (divided by $N_k$, not $N_k - 1$). It is the maximum: as a function of $\Lambda_k$ the objective is
# $\tfrac{N_k}2 \log|\Lambda_k|$, which is concave, minus a term linear in $\Lambda_k$, so its only stationary point
# is its top (lesson 06 does the same with fractional counts).
#
# We check all three at once: hand the complete log-likelihood to `scipy.optimize.minimize` as a function
# of unconstrained numbers, so that every trial point is a valid mixture, start it far from the answer,
# and compare where it stops with the closed form. The weights are the **softmax** of free numbers
# $a_1, \dots, a_K$ (the *logits*), $\pi_k = e^{a_k} / \sum_j e^{a_j}$: positive and summing to 1 whatever the $a_k$.
# Each covariance is written as $\Sigma_k = L L^\top$ with $L$ lower-triangular (its **Cholesky factor**), and
# the diagonal entries of $L$ as $e^{b}$ of free numbers $b$, so that $\Sigma_k$ is always positive-definite.

# %%
def mle_known_labels(X, z, K):
    """Closed-form maximum-likelihood parameters from hard labels: counts, class means, class covariances."""
    counts = np.bincount(z, minlength=K)
    means = np.array([X[z == k].mean(axis=0) for k in range(K)])
    covs = np.array([np.cov(X[z == k].T, bias=True) for k in range(K)])
    return GMM(counts / len(X), means, covs)


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


theta_hat = mle_known_labels(X_syn, z_syn, K)
start = np.concatenate([np.zeros(K - 1), np.tile(X_syn.mean(axis=0), K), np.zeros(K * len(tril[0]))])
result = optimize.minimize(lambda p: -mixture.complete_log_likelihood(X_syn, z_syn, unpack(p)), start, method="BFGS")
theta_num = unpack(result.x)
claims.close("weights: closed form N_k/N = optimiser", theta_hat.weights, theta_num.weights, atol=1e-6)
claims.close("means: class averages = optimiser", theta_hat.means, theta_num.means, atol=1e-6)
claims.close("covariances: class covariances = optimiser", theta_hat.covariances, theta_num.covariances, atol=1e-6)
_ = claims.at_least("complete log-likelihood: closed form minus optimiser (nats)",
                mixture.complete_log_likelihood(X_syn, z_syn, theta_hat) + result.fun, -1e-9)

# %% [markdown]
# Starting from equal weights, one shared mean and identity covariances, the optimiser climbs to the
# closed-form parameters; what is left (below $10^{-6}$) is the optimiser's tolerance. With the labels
# known, fitting a mixture is fitting $K$ separate Gaussians.
#
# A class covariance is positive-definite only if the class has **more than $d$ points**, not all in one
# hyperplane; lesson 06 shows why, where EM runs into it.

# %% [markdown]
# ## 6. The chicken-and-egg problem
#
# We now have two easy problems that point at each other:
#
# - **labels from parameters**: given $\theta$, Bayes' rule gives each point's responsibilities
#   $r_{nk} = \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) / \sum_j \pi_j \mathcal N(x_n \mid \mu_j, \Sigma_j)$;
# - **parameters from labels**: given labels, section 5 gives $\theta$ by counting and averaging.
#
# On Old Faithful we have neither. The figure shows both directions: on the left, the rough guess
# $\theta^{\text{old}}$ (ellipses) colours every point by its responsibilities, as a blend of blue
# (component 1) and red (component 2); on the right, a guessed labelling (short against long
# eruptions, split at 3 minutes) yields $\theta$ by section 5's formulas.

# %%
labels_guess = (X_of[:, 0] > 3.0).astype(int)
theta_from_labels = mle_known_labels(X_of, labels_guess, 2)
r_old = resp_old  # the responsibilities at theta_old, from section 3
mixed = int(np.sum((r_old[:, 0] >= 0.2) & (r_old[:, 0] <= 0.8)))
claims.equal("points whose responsibilities are mixed (r_n1 between 0.2 and 0.8)", mixed, 162)
claims.equal("points with r_n1 between 0.35 and 0.65 (near 1/2)",
             int(np.sum((r_old[:, 0] >= 0.35) & (r_old[:, 0] <= 0.65))), 46)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharex=True, sharey=True, layout="constrained")
plot_responsibilities(X_of, r_old, ax=axes[0], s=18, alpha=1.0)
shades = np.linspace(0, 1, 101)
key = ListedColormap(blend_colors(np.column_stack([1 - shades, shades])))  # from r_n1 = 1 (blue) to 0 (red)
fig.colorbar(ScalarMappable(cmap=key), ax=axes[0], location="right", pad=0.02, shrink=0.8,
             label="responsibility of component 2, $r_{n2}$")
plot_ellipses(theta_old, ax=axes[0], label_prefix="guessed component")
axes[0].set_title("parameters → labels\n(given θ, Bayes' rule colours each point)")
plot_clusters(X_of, labels_guess, ax=axes[1])
plot_ellipses(theta_from_labels, ax=axes[1], label_prefix="fitted component", linestyle="--")
axes[1].set_title("labels → parameters\n(given labels, count / average / spread)")
for ax in axes:
    ax.set_xlabel(FAITHFUL_COLUMNS[0])
    ax.legend(fontsize=7, loc="upper left")
axes[0].set_ylabel(FAITHFUL_COLUMNS[1])
axes[0].set_xlim(0, 7)
fig.suptitle("Two easy directions, and no starting point for either", fontsize=11)
plt.show()

# %% [markdown]
# On the left, 162 of the 272 points are purple, shared between the two components (a responsibility
# between 0.2 and 0.8), and 46 are split nearly evenly (between 0.35 and 0.65). On the right, each point
# belongs to one class and the dashed ellipses are the class fits. EM breaks the circle by guessing
# $\theta$ and then taking the two arrows in turn, over and over. But the right-hand arrow needs *hard*
# labels, and we only have *soft* ones. What should it maximise then?

# %% [markdown]
# ## 7. The expected complete-data log-likelihood $Q$
#
# We cannot evaluate $\log p(X, Z \mid \theta)$ because $Z$ is unknown. But at the current guess
# $\theta^{\text{old}}$ we know its posterior: given $X$, the labels of different points are independent,
# with $p(z_{nk} = 1 \mid x_n, \theta^{\text{old}}) = r_{nk}$. So we average the complete log-likelihood over
# that posterior:
#
# $$
# Q(\theta, \theta^{\text{old}}) = \mathbb E_{Z \sim p(Z \mid X, \theta^{\text{old}})}\bigl[\log p(X, Z \mid \theta)\bigr].
# $$
#
# $\log p(X, Z \mid \theta)$ is *linear* in the $z_{nk}$, so the expectation moves through the sums onto
# each $z_{nk}$. An indicator takes only the values 0 and 1, so its posterior mean is
# $0 \cdot p(z_{nk} = 0 \mid x_n) + 1 \cdot p(z_{nk} = 1 \mid x_n) = r_{nk}$, and
#
# $$
# Q(\theta, \theta^{\text{old}}) = \sum_{n=1}^N \sum_{k=1}^K r_{nk}\,\bigl[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)\bigr],
# \qquad r_{nk} = p(z_{nk} = 1 \mid x_n, \theta^{\text{old}}).
# $$
#
# Two parameter sets appear: $\theta^{\text{old}}$ fixes the weights $r_{nk}$, and $\theta$ is the argument we
# will optimise. We check `mixture.expected_complete_log_likelihood` against a double loop, at a
# $\theta$ different from $\theta^{\text{old}}$ (the class fits of the figure above).

# %%
def Q_naive(X, resp, gmm):
    total = 0.0
    for n in range(X.shape[0]):
        for k in range(gmm.k):
            total += resp[n, k] * (np.log(gmm.weights[k])
                                   + stats.multivariate_normal(gmm.means[k], gmm.covariances[k]).logpdf(X[n]))
    return total


theta = theta_from_labels
Q_pkg = mixture.expected_complete_log_likelihood(X_of, r_old, theta)
_ = claims.close("Q(theta, theta_old) (nats), coursepkg against a scipy loop", Q_pkg, Q_naive(X_of, r_old, theta), atol=1e-9)

# %% [markdown]
# ### $Q$ really is an expectation: a Monte Carlo check
#
# The formula replaced each $z_{nk}$ by $r_{nk}$. To see that this is the *expectation* and not an
# approximation, draw whole labellings $Z^{(s)}$ at random, each point's label from its own row of $r$,
# evaluate the complete log-likelihood of each, and average. The running average should settle on $Q$,
# inside a band of two standard errors that shrinks like $1/\sqrt{S}$.

# %%
S = 100_000
# a[n, k] = log pi_k + log N(x_n | mu_k, Sigma_k) by scipy: a labelling z has complete log-likelihood sum_n a[n, z_n]
a_nk = np.column_stack([np.log(theta.weights[k]) + stats.multivariate_normal(theta.means[k], theta.covariances[k]).logpdf(X_of)
                        for k in range(theta.k)])
cum_r = np.cumsum(r_old, axis=1)
cll_samples = np.empty(S)
for start in range(0, S, 10_000):  # 10,000 labellings at a time
    u = rng.random((10_000, X_of.shape[0], 1))
    Z_block = np.minimum((u > cum_r[None]).sum(axis=2), theta.k - 1)  # (10000, N) labels drawn from the rows of r
    cll_samples[start:start + 10_000] = np.take_along_axis(a_nk, Z_block.T, axis=1).sum(axis=0)
claims.close("one labelling by hand: sum_n a[n, z_n] against coursepkg's complete log-likelihood",
             a_nk[np.arange(len(X_of)), Z_block[0]].sum(), mixture.complete_log_likelihood(X_of, Z_block[0], theta),
             atol=1e-9)

s_axis = np.arange(1, S + 1)
running = np.cumsum(cll_samples) / s_axis
se = cll_samples.std(ddof=1) / np.sqrt(s_axis)  # the standard error of a mean of s draws
claims.at_most("standard error of the mean of 100,000 labellings (nats)", se[-1], 1.0)
claims.at_most("|Monte Carlo mean of log p(X, Z | theta) - Q| in standard errors, 100,000 labellings",
               abs(running[-1] - Q_pkg) / se[-1], 3.0)
# the exact spread: the labels of different points are independent, so the variances add up point by point
a_bar = np.sum(r_old * a_nk, axis=1, keepdims=True)
sd_exact = np.sqrt(np.sum(r_old * (a_nk - a_bar) ** 2))
claims.close("exact standard deviation of one labelling's complete log-likelihood (nats)", sd_exact, 236.7, atol=0.05)
spread = claims.close("its Monte Carlo estimate against the exact value (nats)", cll_samples.std(ddof=1), sd_exact,
                      rtol=0.01)

fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
shown = s_axis >= 10
ax.fill_between(s_axis[shown], (Q_pkg - 2 * se)[shown], (Q_pkg + 2 * se)[shown], color="0.85",
                label="Q ± 2 standard errors of the running mean")
ax.plot(s_axis[shown], running[shown], color="0.45", lw=1.2, label="running mean of log p(X, Z | θ), Z drawn from r")
ax.axhline(Q_pkg, color="black", lw=1.5, ls="--", label="Q(θ, θ_old) from the formula")
ax.set_xscale("log")
ax.set(xlabel="number of sampled labellings S", ylabel="complete log-likelihood (nats)",
       title="Averaging over sampled labels converges to Q")
ax.legend(fontsize=8, loc="upper right")
plt.show()

# %% [markdown]
# Single labellings scatter by about 237 nats around $Q$: the labels of different points are independent, so
# the variance is the sum over points of $\sum_k r_{nk}(a_{nk} - \bar a_n)^2$, with $a_{nk} = \log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)$
# and $\bar a_n = \sum_k r_{nk} a_{nk}$, and the sample agrees with that exact value to 1%. Yet their running
# mean closes in on $Q$ as the band shrinks (it may leave the band at small $S$: successive running means
# share most of their draws, so an early excursion persists for a while), and after 100,000 labellings (a standard error below 1 nat) it
# is within 3 standard errors of it: $Q$ is the exact mean of the complete log-likelihood when the labels
# are drawn from the responsibilities.

# %%
concept_question("03", 3)

# %% [markdown]
# ## 8. $Q$ needs only the expected sufficient statistics
#
# Expand $\log \mathcal N$ inside $Q$ and collect what depends on the data. For component $k$, define
#
# $$
# N_k = \sum_n r_{nk}, \qquad \bar x_k = \frac1{N_k}\sum_n r_{nk}\, x_n, \qquad
# C_k = \sum_n r_{nk}\,(x_n - \bar x_k)(x_n - \bar x_k)^\top :
# $$
#
# the effective count, the weighted mean and the centred weighted scatter. Because
# $\sum_n r_{nk}(x_n - \bar x_k) = 0$, the cross term vanishes when we split $x_n - \mu = (x_n - \bar x_k) + (\bar x_k - \mu)$:
#
# $$
# \sum_n r_{nk} (x_n - \mu)^\top \Lambda (x_n - \mu) = \operatorname{tr}(\Lambda C_k) + N_k\, (\bar x_k - \mu)^\top \Lambda (\bar x_k - \mu),
# $$
#
# so, with $\Lambda_k = \Sigma_k^{-1}$,
#
# $$
# Q(\theta, \theta^{\text{old}}) = \sum_k \Bigl[ N_k \log \pi_k - \frac{N_k}{2} \log \bigl|2\pi \Sigma_k\bigr|
# - \frac12 \operatorname{tr}(\Lambda_k C_k) - \frac{N_k}{2} (\bar x_k - \mu_k)^\top \Lambda_k (\bar x_k - \mu_k) \Bigr].
# $$
#
# The $N$ points enter only through $(N_k, \bar x_k, C_k)$, the **expected sufficient statistics**: the
# known-label counts, class means and class scatters of section 5 with each 0/1 replaced by $r_{nk}$.
# (Some texts list them as $N_k$, $\sum_n r_{nk} x_n$ and $\sum_n r_{nk} x_n x_n^\top$; these carry the same
# information, but lesson 06 shows why a covariance is never computed from the last one.) The
# maximiser over the means can be read off: the last term is $\le 0$ and zero at $\mu_k = \bar x_k$, which gives
# $\mu_k = \bar x_k$. What is left is section 5's problem with fractional counts, and its answer is the same,
# $\pi_k = N_k / N$ (the Lagrange step) and $\Sigma_k = C_k / N_k$ (the derivative in $\Lambda_k$); lesson 06 derives
# both in full. We evaluate $Q$ from
# the statistics alone, at the same $\theta$ as above, and compare with the loop over points.

# %%
def expected_stats(X, resp):
    """(N_k, weighted means, centred weighted scatters) for every component."""
    Nk = resp.sum(axis=0)
    means = (resp.T @ X) / Nk[:, None]
    scatters = np.array([(resp[:, k, None] * (X - means[k])).T @ (X - means[k]) for k in range(resp.shape[1])])
    return Nk, means, scatters


def Q_from_stats(Nk, means, scatters, gmm):
    total = 0.0
    for k in range(gmm.k):
        P = np.linalg.inv(gmm.covariances[k])
        diff = means[k] - gmm.means[k]
        total += (Nk[k] * np.log(gmm.weights[k]) - Nk[k] / 2 * np.linalg.slogdet(2 * np.pi * gmm.covariances[k])[1]
                  - np.trace(P @ scatters[k]) / 2 - Nk[k] / 2 * diff @ P @ diff)
    return total


Nk, xbar, C = expected_stats(X_of, r_old)
claims.close("Q from (N_k, mean_k, C_k) alone against the loop over 272 points (nats)",
             Q_from_stats(Nk, xbar, C, theta), Q_naive(X_of, r_old, theta), atol=1e-9)
theta_m = em.m_step(X_of, r_old, reg_covar=0.0)
claims.close("em.m_step weights = N_k / N", theta_m.weights, Nk / len(X_of), atol=1e-14)
claims.close("em.m_step means = weighted means", theta_m.means, xbar, atol=1e-12)
_ = claims.close("em.m_step covariances = C_k / N_k", theta_m.covariances, C / Nk[:, None, None], atol=1e-10)

# %% [markdown]
# Six numbers per component in 2-D (one count, two mean coordinates, three distinct scatter entries)
# replace 272 points: $Q$ from them agrees with the loop to rounding, and the M-step of `coursepkg` is
# exactly the read-off maximiser. The statistics are sums over points, so blocks of data can be
# summarised one at a time.

# %% [markdown]
# ## 9. $Q$ and the log-likelihood
#
# How does $Q$ relate to the quantity we actually want to maximise, $\ell(\theta)$? Write each joint as
# posterior times evidence (the evidence is the marginal density of the data point),
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
# At the rough guess that uncertainty is large: $H(r) \approx 140$ nats, of at most $N \log 2 = 188.5$ for two
# components. We check it with responsibilities, $Q$ and $\ell$ all computed by `scipy.stats` loops.

# %%
joint = np.array([[theta_old.weights[k] * stats.multivariate_normal(theta_old.means[k], theta_old.covariances[k]).pdf(x)
                   for k in range(2)] for x in X_of])
r_scipy = joint / joint.sum(axis=1, keepdims=True)
H = -np.sum(r_scipy * np.log(r_scipy))
Q_at_old = Q_naive(X_of, r_scipy, theta_old)
claims.close("Q(theta_old, theta_old) + H(r) against log p(X | theta_old) (nats)", Q_at_old + H, ll_old, atol=1e-9)
claims.close("H(r): the uncertainty about the labels at theta_old (nats)", H, 140.0, atol=0.5)
_ = claims.close("its largest possible value, N log 2 (every r_nk = 1/2) (nats)", len(X_of) * np.log(2), 188.5, atol=0.05)

# %% [markdown]
# ### Maximising $Q$ raises the log-likelihood
#
# The maximiser $\theta^{\text{new}}$ of $Q(\cdot, \theta^{\text{old}})$ is the read-off of section 8. Lesson 04 proves
# that the log-likelihood rises at least as much as $Q$ does,
# $\ell(\theta^{\text{new}}) - \ell(\theta^{\text{old}}) \ge Q(\theta^{\text{new}}, \theta^{\text{old}}) - Q(\theta^{\text{old}}, \theta^{\text{old}}) \ge 0$,
# because $Q + H$ is a lower bound on $\ell$ that touches it at $\theta^{\text{old}}$. Here are the numbers.

# %%
theta_new = theta_m
Q_gain = Q_naive(X_of, r_scipy, theta_new) - Q_at_old
ll_gain = log_likelihood_naive(X_of, theta_new) - ll_old
claims.between("Q gain from theta_old to theta_new (nats)", Q_gain, 215.0, 225.0)
claims.between("log-likelihood gain (nats)", ll_gain, 225.0, 235.0)
_ = claims.at_least("log-likelihood gain minus Q gain (nats)", ll_gain - Q_gain, 0.0)

# %% [markdown]
# One step of "maximise $Q$" raised $\ell$ by about 230 nats, more than the 220 nats $Q$ gained. Repeating it,
# with fresh responsibilities each time, is the EM algorithm (lessons 05 to 07).

# %% [markdown]
# ## 10. Check your understanding

# %%
concept_question("03", 4)

# %% [markdown]
# ## Summary
#
# - The mixture log-likelihood $\sum_n \log \sum_k \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)$ is a log of a sum: it has
#   mirror-image maxima (label switching) with saddles between them, and its stationarity equations
#   contain the responsibilities, which depend on the unknowns.
# - Writing the hidden label as a one-hot $z_n$ gives the complete-data likelihood
#   $\prod_n \prod_k [\pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)]^{z_{nk}}$, whose log is a plain sum.
# - With known labels the maximum-likelihood parameters are counts, class means and class covariances
#   ($\pi_k = N_k/N$ by a Lagrange multiplier), confirmed by a numerical optimiser.
# - Chicken-and-egg: labels follow from parameters (Bayes) and parameters from labels (averaging).
# - $Q(\theta, \theta^{\text{old}}) = \sum_n \sum_k r_{nk}[\log \pi_k + \log \mathcal N(x_n \mid \mu_k, \Sigma_k)]$ is the
#   expected complete log-likelihood (checked by Monte Carlo); it needs only the expected sufficient
#   statistics $N_k$, $\bar x_k$ and the centred scatter $C_k$.
# - $Q(\theta^{\text{old}}, \theta^{\text{old}}) + H(r) = \ell(\theta^{\text{old}})$, and maximising $Q$ raises the
#   log-likelihood. Lesson 04 shows why, with Jensen's inequality.
#
# **Exercises:** [exercises/03_complete_data_likelihood.ipynb](../exercises/03_complete_data_likelihood.ipynb)
# — the exercises for this lesson.
