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
# # Lesson 07 — The EM algorithm
#
# Lessons 05 and 06 derived two half-steps. The **E-step** computes each point's
# **responsibilities** $r_{nk} = p(z_n = k \mid x_n, \theta)$, the posterior probability that
# component $k$ generated $x_n$, by Bayes' rule. The **M-step** re-fits every Gaussian with
# responsibility-weighted counts, means and covariances. Alternating them is the
# **EM algorithm** (Expectation–Maximisation). This lesson runs the loop and studies it: does it
# always improve, where does it stop, how fast does it get there, when should we stop it, and how
# much does the start matter?
#
# **Learning goals.** After this lesson you can
#
# 1. write the EM loop for a Gaussian mixture in a few lines, and check it against scikit-learn;
# 2. prove that the log-likelihood never decreases, and that EM's fixed points are stationary points (zero
#    gradient), though a stop by tolerance is neither;
# 3. explain EM's linear convergence, and what a stopping tolerance leaves undone in the parameters;
# 4. recognise local maxima, saddles and label switching, and use restarts and a k-means start against them;
# 5. fit and read a two-component mixture of the Old Faithful geyser;
# 6. say what EM needs in any model with hidden variables.
#
# **You need:** lessons 04 (the bound $\mathcal L(q, \theta)$), 05 (E-step) and 06 (M-step). Symbols as on
# the start page: $N$ points, $K$ components, $\theta^{(t)}$ the parameters after $t$ iterations, and
# $\ell(\theta) = \log p(X \mid \theta)$ in **nats** (natural logarithms: one nat is a factor $e$ in likelihood).

# %%
# %matplotlib inline
from itertools import permutations

import matplotlib.pyplot as plt
import numpy as np
from scipy import special, stats
from sklearn.mixture import GaussianMixture

from coursepkg import claims, em
from coursepkg.datasets import FAITHFUL_COLUMNS, SYNTHETIC, make_synthetic, old_faithful
from coursepkg.mixture import GMM, log_likelihood, match_components
from coursepkg.plotting import (
    COMPONENT_COLORS,
    plot_density_contours,
    plot_ellipses,
    plot_log_likelihood,
    plot_responsibilities,
)
from coursepkg.widgets import emlab
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
SEED = 7


def ell_scipy(X, weights, means, covs):
    """log p(X | theta) from scipy's Gaussian densities: an evaluation independent of coursepkg."""
    log_joint = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
                                 for w, m, c in zip(weights, means, covs, strict=True)])
    return special.logsumexp(log_joint, axis=1).sum()


# %% [markdown]
# ## 1. The algorithm: one loop, two steps
#
# Start from parameters $\theta^{(0)}$, compute their responsibilities, and repeat for $t = 1, 2, \dots$:
#
# $$
# \textbf{M:}\quad N_k = \sum_n r_{nk},\quad \pi_k = \frac{N_k}{N},\quad \mu_k = \frac{1}{N_k}\sum_n r_{nk}\, x_n,\quad
# \Sigma_k = \frac{1}{N_k}\sum_n r_{nk}\,(x_n - \mu_k)(x_n - \mu_k)^\top ;
# \qquad
# \textbf{E:}\quad r_{nk} = \frac{\pi_k\, \mathcal N(x_n \mid \mu_k, \Sigma_k)}{\sum_j \pi_j\, \mathcal N(x_n \mid \mu_j, \Sigma_j)} .
# $$
#
# The new parameters are $\theta^{(t)}$. The E-step's denominator is $p(x_n \mid \theta^{(t)})$, so it
# also yields $\ell(\theta^{(t)}) = \sum_n \log p(x_n \mid \theta^{(t)})$ at no extra cost. We stop when an
# iteration gains less than $10^{-6}$ nats per point. Here is the loop on the Old Faithful eruptions
# (eruption time and waiting time, in minutes), from a start that `em.initial_gmm` draws (k-means++
# means, every covariance equal to the covariance of the whole data set).

# %%
X = old_faithful()
N = X.shape[0]
start = em.initial_gmm(X, 2, init="k-means++", rng=np.random.default_rng(SEED))

resp, ll = em.e_step(X, start)  # responsibilities and log-likelihood of theta^(0)
history = [ll]
for t in range(1, 101):
    theta = em.m_step(X, resp)  # M: re-fit every Gaussian to its weighted points
    resp, ll = em.e_step(X, theta)  # E: new responsibilities, and the log-likelihood of theta^(t)
    history.append(ll)
    if abs(history[-1] - history[-2]) / N < 1e-6:  # gain below 1e-6 nats per point: stop
        break
history = np.array(history)
claims.equal("iterations until the gain fell below 1e-6 nats per point", t, 11)
_ = claims.close("log-likelihood at the stop (nats)", history[-1], -1130.264, atol=5e-4)

# %% [markdown]
# scikit-learn's `GaussianMixture` runs the same algorithm. Given the same start (`weights_init`,
# `means_init`, and `precisions_init`, the inverse covariances), the same `reg_covar` (a tiny number added
# to every covariance diagonal, lesson 06) and the same tolerance, it reports the log-likelihood per
# point of each iteration's parameters *before* that iteration's M-step. Its list equals ours entry by
# entry (only the iteration labels shift by one), and it stops one M-step later than we did, at the
# parameters one more M-step of ours gives.

# %%
sk = GaussianMixture(2, tol=1e-6, max_iter=100, reg_covar=1e-6, weights_init=start.weights,
                     means_init=start.means, precisions_init=np.linalg.inv(start.covariances)).fit(X)
claims.equal("scikit-learn's iterations: ours plus one", sk.n_iter_, t + 1)
claims.close("scikit-learn's per-iteration log-likelihoods times N, against our history (nats)",
             np.array(sk.lower_bounds_) * N, history, atol=1e-9)
one_more = em.m_step(X, resp)
claims.close("scikit-learn's means, against one more M-step of ours (min)", sk.means_, one_more.means, atol=1e-10)
_ = claims.close("scikit-learn's covariances, likewise (min²)", sk.covariances_, one_more.covariances, atol=1e-10)

# %% [markdown]
# Agreement to rounding level: the eight lines of our loop are the whole algorithm. `coursepkg.em.fit_em`
# is the same loop, plus input checks and restarts.
#
# ## 2. Play first: the EM lab
#
# The lab's default data are the Old Faithful eruptions **standardised**: each coordinate minus its mean,
# divided by its standard deviation, so both axes are in **standard units** (one unit = one standard
# deviation of that coordinate) and neither minutes scale dominates.
# The lab below starts every component as a small round patch (its 95% ellipse reaches a tenth of the
# data's range on either side of its mean) at means chosen by `init`: random data points, k-means++
# (lesson 01's seeding) or the centres of a k-means run.
# **M-step** refits the ellipses to the points' current colours; **E-step** recolours the points for the
# new ellipses; **Step** does a whole iteration; **Run** up to 50 iterations, or until an iteration gains
# less than $10^{-6}$ nats per point. The right panel follows $\ell(\theta^{(t)})$; the start fits so badly
# that its value lies far below the axis (the ▼ at the bottom edge). Answer this first:

# %%
concept_question("07", 1)

# %%
emlab.make_emlab_lab(dataset="Old Faithful (standardised)", k=2, init="random", seed=17)

# %% [markdown]
# Things to try:
#
# - **Seed 22:** alternate M-step and E-step. Which of the two moves the ellipses, and which changes the
#   colours? (At the default seed 17 the first E-step changes the shade of only 4 points by more than 0.1
#   in responsibility; at seed 22, of 45.) Then
#   press the same one twice in a row: why does nothing happen the second time?
# - **Seed 22, Run:** both starting means sit in the upper group of eruptions. After the first M-step one
#   component covers both groups; watch how many iterations the split takes (the curve shows a long climb).
# - **elongated, random, k = 3:** look for a seed whose run stalls with one ellipse across two of the
#   stripes (seed 4 does), then switch `init` to `kmeans` with the same seed.
# - **overlapping, k = 3:** after convergence, find points whose colour is a mixture: the fit does
#   not know which component made them, and says so.
# - **Old Faithful, k = 5 or 6:** the log-likelihood climbs higher than with $k = 2$. A mixture with more
#   components can always imitate one with fewer, so its maximum is never lower: the likelihood alone
#   cannot choose $k$ (lesson 09 does).
#
# These claims, checked with the lab's own functions:

# %%
def lab_end(name, k, init, seed):
    """Where the lab's Run button ends for these settings: the final log-likelihood (nats)."""
    data = emlab.lab_data(name).X
    return emlab.advance(data, emlab.start_path(data, k, init, seed), 5000).history[-1]


Zs = emlab.lab_data("Old Faithful (standardised)").X
claims.at_least("seed 22: both starting means in the upper group (waiting time, standard units)",
                emlab.lab_start(Zs, 2, "random", 22).means[:, 1], 0.5)
recoloured = {seed: int(np.sum(np.abs(np.diff(emlab.advance(Zs, emlab.start_path(Zs, 2, "random", seed), 1).resps,
                                               axis=0)[0, :, 0]) > 0.1)) for seed in (17, 22)}
claims.at_most("seed 17: points whose responsibility changes by more than 0.1 in the first iteration", recoloured[17], 10)
claims.between("seed 22: the same count", recoloured[22], 40, 50)
claims.at_least("elongated, k = 3, seed 4: the kmeans start ends this much higher than the random one (nats)",
                lab_end("elongated", 3, "kmeans", 4) - lab_end("elongated", 3, "random", 4), 50.0)
_ = claims.at_least("Old Faithful (standardised), kmeans start: l with k = 5 minus l with k = 2 (nats)",
                    lab_end("Old Faithful (standardised)", 5, "kmeans", 0) - lab_end("Old Faithful (standardised)", 2, "kmeans", 0), 10.0)

# %% [markdown]
# ## 3. The lab's seed-22 run, frame by frame
#
# The same run, frozen at a few iterations: points coloured by their responsibilities (a blend of the
# component colours), fitted 95% ellipses, and $\ell$ in each title.

# %%
Z = Zs
strip_path = emlab.advance(Z, emlab.start_path(Z, 2, "random", 22), 500)
shown = (0, 1, 2, 5, 20, strip_path.n_iter)
xlim, ylim = emlab.data_frame(Z)

fig, axes = plt.subplots(2, 3, figsize=(12, 7.2), sharex=True, sharey=True, layout="constrained")
for ax, t in zip(axes.flat, shown):
    plot_responsibilities(Z, strip_path.resps[t], ax=ax)
    plot_ellipses(strip_path.gmms[t], ax=ax, label_prefix=None)
    label = " (start)" if t == 0 else (" (converged)" if t == strip_path.n_iter else "")
    ax.set_title(f"t = {t}{label}: ℓ = {strip_path.history[t]:.1f} nats")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
for ax in axes[1]:
    ax.set_xlabel("eruption time (standard units)")
for ax in axes[:, 0]:
    ax.set_ylabel("waiting time (standard units)")
plt.show()

steps = np.diff(strip_path.history)
claims.equal("the seed-22 run converges (gain < 1e-6 nats per point) after this many iterations",
             strip_path.n_iter, 24)
_ = claims.at_least("smallest change of the log-likelihood over the run (nats)", steps.min(), 0.0)

# %% [markdown]
# The first M-step turns the small patches into full-size Gaussians: component 2 (red) takes the few
# long eruptions nearest its start, component 1 (blue) everything else, both groups at once. Over the
# next twenty iterations the blue ellipse gives up the upper group and the red one grows into it,
# until each ellipse holds one kind of eruption. (Components are numbered 1, 2 here; in the code
# they are indices 0, 1.)
#
# What did the first M-step do to the small patches, in the lab's default run and in this one? The
# question before the lab asked it; here are the numbers.

# %%
growth = {}
for seed in (17, 22):
    path = emlab.advance(Z, emlab.start_path(Z, 2, "random", seed), 1)
    before, after = path.gmms[0], path.gmms[1]
    growth[seed] = np.sqrt(np.linalg.det(after.covariances) / np.linalg.det(before.covariances))
    claims.at_least(f"seed {seed}: area of each 95% ellipse after the first M-step / before", growth[seed], 2.0)
    corr = after.covariances[:, 0, 1] / np.sqrt(after.covariances[:, 0, 0] * after.covariances[:, 1, 1])
    claims.at_least(f"seed {seed}: |correlation| of each new component (the ellipses tilt)", np.abs(corr), 0.2)
_ = claims.between("seed 17 (the lab's default): the same area ratios", growth[17], 6.0, 7.0)

# %% [markdown]
# Every ellipse at least doubled its area (in the lab's default run about six-fold) and tilted: the
# M-step sets each covariance to the spread of the points of that colour, not only the mean.
#
# ## 4. Why the log-likelihood can only go up
#
# Lesson 04 introduced, for any distributions $q_n$ over the components, the lower bound
#
# $$
# \mathcal L(q, \theta) = \sum_n \sum_k q_{nk}\,\big[\log \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) - \log q_{nk}\big]
# = \mathbb E_q\big[\log p(X, Z \mid \theta)\big] + H(q)
# \quad\text{with}\quad
# \ell(\theta) - \mathcal L(q, \theta) = \sum_n \mathrm{KL}\big(q_n \,\|\, p(z_n \mid x_n, \theta)\big) \ge 0 ,
# $$
#
# where $\mathbb E_q[\log p(X, Z \mid \theta)]$ is the expected complete-data log-likelihood under $q$ and $H(q)$
# the entropy of $q$. When $q$ is the posterior at $\theta^{\text{old}}$ (the responsibilities), that expectation
# is $Q(\theta, \theta^{\text{old}})$. Take one iteration from $\theta^{\text{old}}$ to $\theta^{\text{new}}$, with $q$ the
# responsibilities at $\theta^{\text{old}}$:
#
# $$
# \ell(\theta^{\text{new}})
# \;\overset{(a)}{\ge}\; \mathcal L(q, \theta^{\text{new}})
# \;\overset{(b)}{\ge}\; \mathcal L(q, \theta^{\text{old}})
# \;\overset{(c)}{=}\; \ell(\theta^{\text{old}}).
# $$
#
# - **(a)** The gap is a sum of KL divergences, never negative.
# - **(b)** $H(q)$ does not depend on $\theta$, so the M-step, which maximises $Q(\cdot, \theta^{\text{old}})$
#   (lesson 06), maximises $\mathcal L(q, \cdot)$; its maximum is at least the value at $\theta^{\text{old}}$.
#   (Any $\theta^{\text{new}}$ with $\mathcal L(q, \theta^{\text{new}}) \ge \mathcal L(q, \theta^{\text{old}})$ would do: see section 13.)
# - **(c)** $q$ is the exact posterior at $\theta^{\text{old}}$: every KL term is zero.
#
# So EM is not a trial-and-error heuristic: each iteration is guaranteed not to lose likelihood. We check
# each link on the first iteration of section 1, the KL divergences and $\ell(\theta^{\text{old}})$ computed from
# scipy's densities. This M-step runs with `reg_covar=0`: the regularised M-step (the maximiser of $Q$ plus
# $10^{-6} I$ on each covariance) is not guaranteed to improve $Q$, and section 5 shows it can cost a
# tiny amount.

# %%
def posterior_scipy(X, gmm):
    log_joint = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
                                 for w, m, c in zip(gmm.weights, gmm.means, gmm.covariances, strict=True)])
    return log_joint - special.logsumexp(log_joint, axis=1, keepdims=True)  # log p(z_n = k | x_n)


q, _ = em.e_step(X, start)
new = em.m_step(X, q, reg_covar=0.0)
ll_new = log_likelihood(X, new)
L_new, L_old = em.lower_bound(X, q, new), em.lower_bound(X, q, start)
kl = np.sum(q * (np.log(q) - posterior_scipy(X, new)))
claims.close("(a) gap l(theta_new) - L(q, theta_new), against the KL divergences by scipy (nats)",
             ll_new - L_new, kl, atol=1e-9)
claims.at_least("(a) that gap (nats)", ll_new - L_new, 0.0)
claims.at_least("(b) M-step gain L(q, theta_new) - L(q, theta_old) (nats)", L_new - L_old, 0.0)
claims.close("(c) L(q, theta_old) against l(theta_old) by scipy (nats)", L_old,
             ell_scipy(X, start.weights, start.means, start.covariances), atol=1e-9)
claims.close("the M-step's climb of the bound (nats)", L_new - L_old, 140, atol=1)
_ = claims.close("the gap (a) that the next E-step closes (nats)", ll_new - L_new, 2.2, atol=0.1)

# %% [markdown]
# The bound was tight at the old parameters, the M-step climbed it by about 140 nats, and the
# log-likelihood rose by that plus the gap (a), about 2 nats, which the next E-step closes.
#
# ## 5. ... and it does go up, on every run we try
#
# A proof can hide a mistake; a search for a counter-example checks it. EM on five data sets with
# $K = 2, \dots, 5$ and three initialisations, looking for the most negative step
# $\ell(\theta^{(t)}) - \ell(\theta^{(t-1)})$ in any run. Without `reg_covar` a component can collapse onto a
# single point (lesson 06): such a run raises `SingularCovarianceError`, and we count it and move on.

# %%
def standardise(A):
    return (A - A.mean(axis=0)) / A.std(axis=0)


data_sets = {"Old Faithful (standardised)": standardise(X)}
for kind in ("round", "elongated", "overlapping", "unequal"):
    data_sets[kind] = make_synthetic(kind, n=300, rng=0)[0]

worst_step, n_runs, n_steps, collapsed = np.inf, 0, 0, 0
for name, A in data_sets.items():
    for k in (2, 3, 4, 5):
        for method in em.INIT_METHODS:
            try:
                run = em.fit_em(A, k, init=method, rng=k, max_iter=150, tol=1e-10, reg_covar=0.0)
            except em.SingularCovarianceError:
                collapsed += 1
                continue
            worst_step = min(worst_step, np.diff(run.history).min())
            n_runs, n_steps = n_runs + 1, n_steps + run.n_iter
claims.at_least("runs that finished (out of 60)", n_runs, 55)
claims.at_least("EM iterations in them", n_steps, 3000)
_ = claims.at_least("most negative change of the log-likelihood in any iteration (nats)", worst_step, -1e-10)

# %% [markdown]
# Thousands of iterations, and not one step down (we allowed $-10^{-10}$ nats for rounding, on totals
# near $-1000$).
# With the default `reg_covar=1e-6` the M-step returns the maximiser of $Q$ plus $10^{-6} I$ on each
# covariance, not quite the maximiser, and very near the top that perturbation can cost more than an
# iteration gains; a real, if tiny, dip:

# %%
no_reg = em.fit_em(X, start, max_iter=40, tol=0.0, reg_covar=0.0)
with_reg = em.fit_em(X, start, max_iter=40, tol=0.0, reg_covar=1e-6)
claims.at_least("reg_covar = 0: smallest change in 40 iterations (nats, rounding only)",
                np.diff(no_reg.history).min(), -1e-11)
_ = claims.between("reg_covar = 1e-6: smallest change (nats: larger than rounding, still tiny)",
                   np.diff(with_reg.history).min(), -1e-9, -1e-10)

# %% [markdown]
# ## 6. Where EM stops: fixed points are stationary points
#
# A **fixed point** of EM is a $\theta^\circ$ that one iteration returns unchanged. The identity
# behind the proof says more about it. Fix $q$ = the responsibilities at $\theta^\circ$; then for every $\theta$
#
# $$
# \ell(\theta) = \mathcal L(q, \theta) + \sum_n \mathrm{KL}\big(q_n \,\|\, p(z_n \mid x_n, \theta)\big) .
# $$
#
# 1. The KL sum is $\ge 0$ everywhere and $= 0$ at $\theta = \theta^\circ$: it has a minimum there, so its
#    gradient at $\theta^\circ$ is zero.
# 2. Hence $\nabla \ell(\theta^\circ) = \nabla_\theta \mathcal L(q, \theta)\big|_{\theta^\circ} = \nabla_\theta Q(\theta, \theta^\circ)\big|_{\theta^\circ}$
#    (the entropy $H(q)$ does not depend on $\theta$). This holds at *any* $\theta^\circ$.
# 3. At a fixed point the M-step returns $\theta^\circ$ itself, so $\theta^\circ$ maximises $Q(\cdot, \theta^\circ)$ at an
#    interior point (weights $> 0$, covariances positive-definite), where the gradient of $Q$ vanishes. In
#    coordinates without constraints (the weights written as $\pi = \operatorname{softmax}(a)$):
#    $\nabla \ell(\theta^\circ) = 0$.
#
# We check steps 2 and 3 by central finite differences of $\ell$ and of $Q$, both from scipy's densities,
# in every coordinate: the softmax coordinates $a$, the means, and the covariance entries (each
# off-diagonal entry moved on both sides of the diagonal at once, so the matrix stays symmetric). At
# $\theta^{(3)}$ of section 1 (not a fixed point) the two gradients agree and are large; at the converged
# $\theta^\ast$ the gradient of $\ell$ vanishes, and one more iteration changes nothing. Both runs use
# `reg_covar=0`: with the default $10^{-6}$ the fixed point is that of the regularised map, and there the
# gradient in the covariance entries is about $10^{-2}$ nats per min², not zero.

# %%
iu = np.triu_indices(2)  # the covariance entries (1,1), (1,2), (2,2) of each component


def fd_gradient(f, gmm, h=1e-6):
    """Central differences of f(weights, means, covariances) in (a, means, covariance entries),
    with weights = softmax(a) and each covariance rebuilt symmetric from its upper triangle."""
    K, n_means = gmm.k, gmm.means.size
    v0 = np.concatenate([np.log(gmm.weights), gmm.means.ravel(), gmm.covariances[:, iu[0], iu[1]].ravel()])

    def at(v):
        covs = np.zeros_like(gmm.covariances)
        covs[:, iu[0], iu[1]] = covs[:, iu[1], iu[0]] = v[K + n_means:].reshape(K, -1)
        return f(special.softmax(v[:K]), v[K:K + n_means].reshape(gmm.means.shape), covs)

    return np.array([(at(v0 + h * e) - at(v0 - h * e)) / (2 * h) for e in np.eye(v0.size)])


def ell_of(weights, means, covs):
    return ell_scipy(X, weights, means, covs)


theta_3 = em.fit_em(X, start, max_iter=3, tol=0.0, reg_covar=0.0).gmm
r_3, _ = em.e_step(X, theta_3)


def Q_scipy(weights, means, covs):  # Q(theta, theta^(3))
    log_joint = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X)
                                 for w, m, c in zip(weights, means, covs, strict=True)])
    return np.sum(r_3 * log_joint)


grad_ell_3 = fd_gradient(ell_of, theta_3)
claims.close("at theta^(3): gradient of l against gradient of Q(., theta^(3)), all 12 coordinates", grad_ell_3,
             fd_gradient(Q_scipy, theta_3), atol=1e-6)
claims.at_least("at theta^(3): largest |entry| of that gradient (nats per unit)", np.abs(grad_ell_3).max(), 10.0)

top = em.fit_em(X, start, max_iter=300, tol=0.0, reg_covar=0.0)
g_star = top.gmm
grad_star = fd_gradient(ell_of, g_star)
claims.at_most("at theta*: largest |entry| of the gradient of l, all 12 coordinates (rounding: ~1e-7)",
               np.abs(grad_star).max(), 1e-6)
again = em.em_iteration(X, top.resp, top.log_likelihood, reg_covar=0.0)
claims.at_most("one more iteration at theta*: largest change of a mean (min)",
               np.abs(again.gmm.means - g_star.means).max(), 1e-12)
claims.at_most("... of a covariance entry (min²)", np.abs(again.gmm.covariances - g_star.covariances).max(), 1e-11)
top_reg = em.fit_em(X, start, max_iter=300, tol=0.0)  # the default reg_covar = 1e-6
_ = claims.between("with reg_covar = 1e-6: largest |gradient| in the covariance entries at its fixed point",
                   np.abs(fd_gradient(ell_of, top_reg.gmm)[6:]).max(), 5e-3, 2e-2)

# %% [markdown]
# The rounding bound: a central difference divides an error of about $\varepsilon |\ell| \approx 2\cdot
# 10^{-16} \times 1130$ by $2h = 2\cdot 10^{-6}$, about $10^{-7}$; we allow $10^{-6}$. (A larger $h$ is worse
# here: the error of the difference itself grows as $h^2$, and the eruption-time variance, about 0.07 min²,
# is small.)
#
# A stationary point need not be a maximum. It can be a **saddle**: a point with zero gradient where $\ell$
# rises in some directions and falls in others, like the middle of a mountain pass. Start with two
# identical components (the single best Gaussian, each with weight $\tfrac12$): every responsibility is
# $\tfrac12$, the M-step returns the same two components, and EM stays put forever, far below the two-group fit.
# Is it a saddle? Moving one mean by 0.01 min lowers $\ell$. Splitting the two means apart along the data's long
# axis (by $\pm\delta$, $\delta = \varepsilon\sqrt{\lambda_1}\, v_1$ with $\lambda_1, v_1$ the largest eigenvalue and its
# eigenvector of the data's covariance) and shrinking each covariance by $\delta\delta^\top$, which keeps the
# mixture's overall mean and covariance, raises it.

# %%
mean_all, cov_all = X.mean(axis=0), np.cov(X.T, bias=True)
twins = GMM([0.5, 0.5], [mean_all, mean_all], [cov_all, cov_all])
stuck = em.fit_em(X, twins, max_iter=50, tol=0.0, reg_covar=0.0)
claims.at_most("twin start, after 50 iterations: largest change of a mean (min)",
               np.abs(stuck.gmm.means - twins.means).max(), 1e-10)
claims.at_most("twin start: largest |entry| of the gradient of l", np.abs(fd_gradient(ell_of, twins)).max(), 1e-6)
ell_twins = ell_of(twins.weights, twins.means, twins.covariances)
claims.close("l(theta*) - l(twins): how far below the maximum this fixed point is (nats)",
             top.log_likelihood - ell_twins, 159.5, atol=0.1)
nudged = GMM(twins.weights, twins.means + [[0.01, 0.0], [0.0, 0.0]], twins.covariances)
claims.close("move one mean by 0.01 min: change of l (nats, down)",
             ell_of(nudged.weights, nudged.means, nudged.covariances) - ell_twins, -0.0139, atol=0.0001)
lam, vec = np.linalg.eigh(cov_all)  # eigenvalues in increasing order: the last is lambda_1
split_gain = {}
for eps, gain in ((0.1, 0.0026), (0.2, 0.044)):
    delta = eps * np.sqrt(lam[-1]) * vec[:, -1]
    split = GMM(twins.weights, [mean_all + delta, mean_all - delta], [cov_all - np.outer(delta, delta)] * 2)
    split_gain[eps] = ell_of(split.weights, split.means, split.covariances) - ell_twins
    claims.close(f"split the means by eps = {eps}: change of l (nats, up)", split_gain[eps], gain, rtol=0.05)
claims.between("gain at eps = 0.2 / gain at eps = 0.1 (2^4 = 16 for a fourth-order rise)",
               split_gain[0.2] / split_gain[0.1], 14, 20)
escaped = em.fit_em(X, nudged, max_iter=500, tol=1e-10, reg_covar=0.0)
_ = claims.close("from the nudged start EM climbs to the maximum (nats)", escaped.log_likelihood,
                 top.log_likelihood, atol=1e-4)

# %% [markdown]
# Zero gradient, down in one direction, up in another: the twin start is a saddle, not a maximum. It is a flat
# one along the split: the gain grows as $\varepsilon^4$ (×17 when $\varepsilon$ doubles), so the rise is of
# fourth order and the curvature in that direction is zero; a mountain pass rises quadratically. And from
# the nudged start, though that nudge went downhill, EM runs away to the two-group fit: the fixed point is
# unstable. Random starts almost never land exactly on such points, so in practice EM ends at local maxima.
# Two cautions for what follows: EM's *fixed points* are stationary points, but a run stopped by a tolerance
# is at no fixed point and its gradient is not zero (section 8); and a stationary point may be a saddle or a
# lower maximum (section 9).

# %%
concept_question("07", 2)

# %% [markdown]
# ## 7. How fast: linear convergence
#
# Near a fixed point $\theta^\ast$ the EM map $\theta \mapsto M(\theta)$ is close to linear,
# $\theta^{(t+1)} - \theta^\ast \approx M'\,(\theta^{(t)} - \theta^\ast)$, with $M'$ the **Jacobian** of $M$ at $\theta^\ast$: the matrix of
# partial derivatives $\partial M_i / \partial \theta_j$, which says how a small error in the parameters becomes the
# error after one more iteration. An **eigenvalue** of $M'$ is a factor by which it scales some direction
# (an eigenvector). After a while only the direction of the largest eigenvalue $\rho < 1$ (in absolute value)
# is left, and every iteration shrinks the parameter error by the same factor $\rho$: **linear convergence**.
# Dempster, Laird and Rubin showed that $M'$ is the fraction of the information about $\theta$ that is
# *missing* because the labels are hidden: well-separated clusters (labels nearly known from the points)
# give $\rho$ near 0, heavily overlapping ones $\rho$ near 1.
#
# The log-likelihood gap falls twice as fast. At a maximum $\nabla \ell(\theta^\ast) = 0$, so Taylor's theorem gives
# $\ell(\theta^\ast) - \ell(\theta) \approx \tfrac12 (\theta - \theta^\ast)^\top \big({-\nabla^2 \ell(\theta^\ast)}\big) (\theta - \theta^\ast)$, where the
# **Hessian** $\nabla^2 \ell$ is the matrix of second derivatives (the curvature of $\ell$ in every pair of directions).
# The gap is quadratic in the error, so it shrinks by $\rho^2$ per iteration, and on a log scale its line is twice as steep.
#
# We run the overlapping data ($K = 3$, from a k-means start) for 400 iterations without a stopping rule and
# measure both: the gap $\ell^\ast - \ell(\theta^{(t)})$ in nats, and the error $e_t = \lVert \mu^{(t)} - \mu^\ast \rVert$ of
# the three means (stacked) in data units, $\theta^\ast$ being the last iterate. (These data are synthetic, in
# arbitrary "data units".)

# %%
Xo = data_sets["overlapping"]
No = Xo.shape[0]
start_o = em.initial_gmm(Xo, 3, init="kmeans", rng=np.random.default_rng(0))
T = 400
stepper = em.EMStepper(Xo, start_o, reg_covar=0.0)
means_t = [stepper.gmm.means.copy()]
for _ in range(T):
    stepper.step()
    means_t.append(stepper.gmm.means.copy())
hist_o = np.array(stepper.history)
theta_o = stepper.gmm  # theta*: 400 iterations
err = np.linalg.norm((np.array(means_t) - theta_o.means).reshape(T + 1, -1), axis=1)
gap = hist_o.max() - hist_o
rounding = np.ptp(hist_o[-100:])  # how much the last 100 log-likelihoods scatter: rounding


# The EM map as a function of a parameter vector: 2 free weights, 6 mean and 9 covariance entries.
iu = np.triu_indices(2)


def pack(g):
    return np.concatenate([g.weights[:-1], g.means.ravel(), g.covariances[:, iu[0], iu[1]].ravel()])


def unpack(v):
    covs = np.zeros((3, 2, 2))
    covs[:, iu[0], iu[1]] = covs[:, iu[1], iu[0]] = v[8:].reshape(3, 3)
    return GMM(np.append(v[:2], 1 - v[:2].sum()), v[2:8].reshape(3, 2), covs)


def em_map(v):
    r, _ = em.e_step(Xo, unpack(v))
    return pack(em.m_step(Xo, r, reg_covar=0.0))


v_star, h = pack(theta_o), 1e-6
jacobian = np.column_stack([(em_map(v_star + h * e) - em_map(v_star - h * e)) / (2 * h) for e in np.eye(v_star.size)])
rho = np.abs(np.linalg.eigvals(jacobian)).max()

ratio = err[1:] / err[:-1]  # ratio[t - 1] = e_t / e_(t-1)
lin = slice(100, 180)  # iterations well past the plateau, with the gap far above rounding
claims.between("largest eigenvalue of the EM map's Jacobian at theta* (rho)", rho, 0.93, 0.94)
claims.close("e_t / e_(t-1) for t = 101..180, against rho", ratio[lin], rho, atol=5e-4)
claims.close("gap_t / gap_(t-1) for t = 101..180, against rho squared", gap[101:181] / gap[lin], rho**2, atol=5e-4)
curv = 2 * gap[lin] / err[lin] ** 2  # (gap = curvature/2 * e^2): constant in the linear regime
claims.close("2 gap_t / e_t^2 for t = 100..179, relative to its median (the quadratic law)",
             curv / np.median(curv), 1.0, atol=0.02)
claims.between("e_t / e_(t-1) on the plateau, t = 5..44 (slower than rho)", ratio[4:44], rho + 0.02, 1.0)
claims.between("1 - e_t / e_(t-1) on the plateau, t = 5..44: the shrink per step", 1 - ratio[4:44], 0.01, 0.04)
claims.at_most("spread of the last 100 log-likelihoods (rounding, nats)", rounding, 1e-11)

# For contrast, Old Faithful's two well-separated groups (section 1's start, against theta* of section 6)
of_stepper = em.EMStepper(X, start, reg_covar=0.0)
of_err = []
for _ in range(16):
    of_stepper.step()
    of_err.append(np.linalg.norm(of_stepper.gmm.means - g_star.means))
of_err = np.array(of_err)
_ = claims.between("Old Faithful: e_t / e_(t-1) for t = 9..16", of_err[8:] / of_err[7:-1], 0.2, 0.3)

# %%
visible = gap > 1e-11  # below that the gap is rounding
stop = em.fit_em(Xo, start_o, max_iter=T, tol=1e-6, reg_covar=0.0).n_iter
t_axis = np.arange(T + 1)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2), sharex=True, layout="constrained")
ax1.semilogy(t_axis[visible], gap[visible], lw=2, color="0.15", label=r"$\ell^\ast - \ell(\theta^{(t)})$")
ax1.semilogy(t_axis, gap[150] * rho ** (2 * (t_axis - 150)), ":", color=COMPONENT_COLORS[1],
             label=rf"slope $\rho^{{2t}}$, $\rho^2$ = {rho**2:.3f}")
ax1.set_ylabel("log-likelihood gap (nats, log scale)")
ax1.set_ylim(1e-12, 1e3)
ax2.semilogy(t_axis, err, lw=2, color="0.15", label=r"$\Vert\mu^{(t)} - \mu^\ast\Vert$")
ax2.semilogy(t_axis, err[150] * rho ** (t_axis - 150), ":", color=COMPONENT_COLORS[1],
             label=rf"slope $\rho^t$, $\rho$ = {rho:.3f}")
ax2.set_ylabel("error of the means (data units, log scale)")
ax2.set_ylim(1e-10, 10)
for ax in (ax1, ax2):
    ax.axvspan(4, 45, color="0.85", label="plateau: slow progress")
    ax.axvline(stop, color="0.4", ls="--", lw=1, label=f"fit_em stops (tol = 1e-6): t = {stop}")
    ax.set_xlabel("EM iteration t")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
ax1.set_title("overlapping data, K = 3: the gap in nats")
ax2.set_title("... and the error of the means in data units")
plt.show()

claims.equal("fit_em's stopping iteration at tol = 1e-6", stop, 95)
claims.between("first iteration with the gap below 1e-11 nats", int(np.argmax(gap < 1e-11)), 230, 260)
_ = claims.between("error of the means there (data units)", err[np.argmax(gap < 1e-11)], 5e-7, 2e-6)

# %% [markdown]
# After a plateau (iterations 4 to 45, shaded), where EM slowly reshuffles which component covers which
# points and the error shrinks by only 1 to 4% per step, both curves become straight lines: the error shrinks
# by $\rho = 0.935$ per iteration, the largest eigenvalue of the Jacobian computed above, and the gap by
# $\rho^2 = 0.874$, twice as steep. These clusters overlap a lot, so the labels hide much information and
# $\rho$ is close to 1; Old Faithful's two well-separated groups converge with $\rho$ about a quarter (0.2 to 0.3). The
# ratio $2\,\text{gap}_t / e_t^2$ is constant to within 2% (the cubic terms of Taylor's theorem are of relative
# size about $e_t \approx 0.01$ at $t = 100$): the quadratic law. The gap reaches the
# rounding level of the log-likelihood (below $10^{-11}$ nats) near iteration 240, where the means are still
# about $10^{-6}$ from $\theta^\ast$ and keep moving: in exact arithmetic EM never arrives, and a test on the
# log-likelihood goes blind once $\tfrac c2 e^2$ falls below $10^{-11}$, that is once the error is below
# $\sqrt{2\cdot 10^{-11}/c} \approx 10^{-6}$, with $c = 2\,\text{gap}_t / e_t^2 \approx 20$ the curvature measured above.
# (k-means, by contrast, stops by itself, lesson 01: finitely many partitions, and $J$ falls until they repeat.)

# %%
claims.close("the curvature c = median of 2 gap_t / e_t^2 (nats per data unit squared)", np.median(curv), 20.3, atol=0.1)
_ = claims.close("sqrt(2e-11 / c): the error below which the gap is rounding (data units)",
                 np.sqrt(2e-11 / np.median(curv)), 1.0e-6, atol=0.05e-6)

# %% [markdown]
# What happens on the plateau? Two snapshots of the same run, at $t = 5$ and $t = 45$ (dashed: the mixture the
# data were drawn from).

# %%
def draw_fit(ax, A, gmm, title, true_gmm=None, xlabel="$x_1$", ylabel="$x_2$"):
    """Points coloured by responsibility, fitted 95% ellipses (solid) and true ones (dashed)."""
    resp, _ = em.e_step(A, gmm)
    plot_responsibilities(A, resp, ax=ax)
    plot_ellipses(gmm, ax=ax)
    if true_gmm is not None:
        plot_ellipses(true_gmm, ax=ax, colors=["0.4"] * true_gmm.k, linestyle="--", linewidth=1.2, label_prefix=None)
        ax.plot([], [], "--", color="0.4", label="true components (95%)")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharex=True, sharey=True, layout="constrained")
plateau = {t: em.fit_em(Xo, start_o, max_iter=t, tol=0.0, reg_covar=0.0).gmm for t in (5, 45)}
for ax, t in zip(axes, plateau):
    draw_fit(ax, Xo, plateau[t], f"t = {t}: ℓ = {hist_o[t]:.1f} nats", SYNTHETIC["overlapping"])
axes[1].legend(fontsize=9, loc="center left", bbox_to_anchor=(1.02, 0.5))
plt.show()
claims.close("weights of components 1 and 2 at t = 5", plateau[5].weights[:2], [0.36, 0.32], atol=0.01)
claims.close("... and at t = 45", plateau[45].weights[:2], [0.46, 0.18], atol=0.01)
_ = claims.close("l(theta^(45)) - l(theta^(5)): the gain of 40 iterations (nats)", hist_o[45] - hist_o[5], 6.5, atol=0.1)

# %% [markdown]
# Over those 40 iterations component 2 (red) gives up the overlap to component 1 (blue): its weight falls from
# 0.32 to 0.18 while blue's rises from 0.36 to 0.46, and its ellipse shrinks onto the top group. Each iteration
# moves only a few points' responsibilities a little, for a total gain of 6.5 nats: that slow trade is the plateau.

# %% [markdown]
# ## 8. When to stop: a tolerance tol leaves a parameter error proportional to $\sqrt{\text{tol}}$
#
# `fit_em` stops at the first iteration whose gain is below `tol` per point. In the linear regime the gain
# of iteration $t$ is $\text{gap}_{t-1} - \text{gap}_t = \text{gap}_t(\rho^{-2} - 1)$, and gains shrink by $\rho^2$
# per step, so at the stop $\rho^2\, \text{tol} \le \text{gain}/N < \text{tol}$. With $\text{gap} = \tfrac c2 e^2$
# ($c$ the curvature along the slow direction, measured above as $2\,\text{gap}_t / e_t^2$):
#
# $$
# e_{\text{stop}} \in \big[\rho B,\; B\big)\sqrt{\text{tol}}, \qquad B = \sqrt{\frac{2N}{c\,(\rho^{-2} - 1)}} .
# $$
#
# The parameter error is proportional to $\sqrt{\text{tol}}$, not to tol: each factor 100 in the tolerance buys
# only a factor 10 in the means. The factor $B$ carries the units (data units per $\sqrt{\text{nats per point}}$)
# and can be large: slow convergence ($\rho$ near 1) and a flat maximum (small $c$) make it worse. We stop the
# run above at two tolerances and measure the error of the means against $\theta^\ast$.

# %%
c = np.median(curv)
B = np.sqrt(2 * No / (c * (rho**-2 - 1)))
errors = {}
stopped = {}
for tol in (1e-6, 1e-8):
    stopped[tol] = em.fit_em(Xo, start_o, max_iter=1000, tol=tol, reg_covar=0.0)
    errors[tol] = np.linalg.norm(stopped[tol].gmm.means - theta_o.means)
    claims.between(f"tol = {tol:.0e}: error / sqrt(tol), in the predicted [rho B, B)", errors[tol] / np.sqrt(tol), rho * B, B)
claims.close("the bracket [rho B, B)", [rho * B, B], [13.4, 14.3], atol=0.05)
claims.between("error(1e-6) / error(1e-8): a factor 100 in tol is a factor 10 in the means",
               errors[1e-6] / errors[1e-8], 10 * rho, 10 / rho)
_ = claims.between("tol = 1e-6: error of the means (data units)", errors[1e-6], 0.013, 0.015)

# %% [markdown]
# The bracket $[\rho B, B) = [13.4, 14.3)$ holds both: here the error is about $14\sqrt{\text{tol}}$. A tolerance on
# the log-likelihood is a much looser promise about the parameters: `tol=1e-6` (the default of `fit_em`) leaves
# these means 0.014 from $\theta^\ast$.
#
# One can test the parameters instead: stop when the largest change of a parameter in one iteration falls
# below a threshold. In the linear regime that change $\Delta_t = e_{t-1} - e_t$ is $(1 - \rho)/\rho$ times the error
# left, $e_t = \rho\, \Delta_t / (1 - \rho)$: with $\rho = 0.935$ the remaining error is about 14 times the last step, so
# a small step is again a weaker promise than it looks.

# %%
step_last = np.linalg.norm(np.array(means_t[stopped[1e-6].n_iter]) - np.array(means_t[stopped[1e-6].n_iter - 1]))
claims.close("tol = 1e-6: the last step of the means times rho / (1 - rho), against the error left",
             rho * step_last / (1 - rho), errors[1e-6], rtol=0.05)
_ = claims.close("rho / (1 - rho)", rho / (1 - rho), 14.4, atol=0.1)

# %% [markdown]
# And a small gain does not mean the top is near: on a plateau a loose tolerance stops early.
# scikit-learn's default is `tol=1e-3`. Given this start, `fit_em` with `tol=1e-3` stops at iteration 7, and
# scikit-learn's `GaussianMixture` (which, as in section 1, tests one M-step later) after 8 iterations, both on
# the plateau, about 9.3 nats below the top. The stopping rule measures progress, not distance.

# %%
plateau_stop = em.fit_em(Xo, start_o, max_iter=1000, tol=1e-3, reg_covar=0.0)
claims.equal("fit_em, tol = 1e-3: stops at iteration", plateau_stop.n_iter, 7)
claims.close("... this many nats below the top", hist_o.max() - plateau_stop.log_likelihood, 9.34, atol=0.01)
sk_o = GaussianMixture(3, tol=1e-3, reg_covar=0.0, max_iter=1000, weights_init=start_o.weights,
                       means_init=start_o.means, precisions_init=np.linalg.inv(start_o.covariances)).fit(Xo)
claims.equal("scikit-learn, tol = 1e-3 (its default): n_iter_", sk_o.n_iter_, 8)
_ = claims.close("... this many nats below the top", hist_o.max() - sk_o.score(Xo) * No, 9.26, atol=0.01)

# %%
concept_question("07", 3)

# %% [markdown]
# ## 9. Local maxima: the start decides which hill EM climbs
#
# Never going down takes EM to the top of the hill it starts on, so the start matters. `em.initial_gmm`
# (and so `fit_em`) gives every component equal weight and the covariance of the whole data set, and chooses
# the means by `init`:
#
# - `"random"`: $K$ distinct data points drawn uniformly;
# - `"k-means++"`: the k-means++ seeding of lesson 01 (each further mean drawn with probability proportional
#   to its squared distance from the *nearest* mean chosen so far, so they spread out);
# - `"kmeans"`: the centres of a full k-means run (from k-means++), the start most libraries use.
#
# Twenty seeds each, on the elongated data (three long parallel clusters) and the overlapping data
# ($K = 3$). A run "reaches the best" if it ends within 0.01 nats of the best of all sixty: at `tol=1e-6` an
# overlapping run stops about $N\,\text{tol}/(\rho^{-2}-1) \approx 0.002$ nats short of its own top (section 8),
# so this means "the same hill".

# %%
claims.close("N tol / (rho^-2 - 1) for the overlapping data, tol = 1e-6 (nats)", No * 1e-6 / (rho**-2 - 1), 0.002, atol=3e-4)
Xe, ze = make_synthetic("elongated", n=300, rng=0)
reach, fits, tops = {}, {}, {}
for kind in ("elongated", "overlapping"):
    A = data_sets[kind]
    for m in em.INIT_METHODS:
        fits[kind, m] = [em.fit_em(A, 3, init=m, rng=seed, max_iter=500) for seed in range(20)]
    tops[kind] = max(r.log_likelihood for m in em.INIT_METHODS for r in fits[kind, m])
    for m in em.INIT_METHODS:
        lls = np.array([r.log_likelihood for r in fits[kind, m]])
        reach[kind, m] = np.mean(lls > tops[kind] - 0.01)
        claims.between(f"{kind:12} {m:10}: how far the worst of the 20 runs ends below the best (nats)",
                       tops[kind] - lls.min(), 0.0, 200.0)
claims.equal("k-means starts reaching the best (elongated, overlapping)",
             [reach["elongated", "kmeans"], reach["overlapping", "kmeans"]], [1.0, 1.0])
claims.between("random and k-means++ starts reaching the best (each data set)",
               [reach[kind, m] for kind in ("elongated", "overlapping") for m in ("random", "k-means++")], 0.8, 0.95)
runs = dict(enumerate(fits["elongated", "random"]))  # the twenty random starts on the elongated data
finals = np.array([r.log_likelihood for r in runs.values()])
best_seed, worst_seed = int(np.argmax(finals)), int(np.argmin(finals))
claims.holds("elongated, random: all 20 runs converged", all(r.converged for r in runs.values()))
claims.equal("elongated, random: runs within 0.01 nats of the best", int(np.sum(finals > finals.max() - 0.01)), 19)
_ = claims.close("elongated, random: the worst run, below the best (nats)", finals.max() - finals.min(), 86, atol=0.5)

# %% [markdown]
# From k-means centres every seed reached the best solution on both data sets; random and k-means++ starts
# ended on a lower hill in 5 to 20% of the seeds. On the elongated data one random start (of twenty) ends
# 86 nats below the others:

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharex=True, sharey=True, layout="constrained")
draw_fit(axes[0], Xe, runs[best_seed].gmm, f"seed {best_seed}: ℓ = {finals[best_seed]:.1f} nats", SYNTHETIC["elongated"])
draw_fit(axes[1], Xe, runs[worst_seed].gmm, f"seed {worst_seed}: ℓ = {finals[worst_seed]:.1f} nats", SYNTHETIC["elongated"])
axes[1].legend(fontsize=9, loc="center left", bbox_to_anchor=(1.02, 0.5))
plt.show()

# %% [markdown]
# The worse run converged too: one component spans two stripes while two others share the third. It is a
# local maximum, not a saddle like the twin start of section 6: pushed off it in random directions, EM comes
# straight back.

# %%
settled_e = em.fit_em(Xe, runs[worst_seed].gmm, max_iter=5000, tol=1e-12)
pushes = np.random.default_rng(0).normal(scale=0.1, size=(5, 3, 2))  # 0.1 in data units, on every mean
back = [em.fit_em(Xe, GMM(settled_e.gmm.weights, settled_e.gmm.means + push, settled_e.gmm.covariances),
                  max_iter=5000, tol=1e-12).log_likelihood for push in pushes]
claims.close("the stuck run, continued to tol = 1e-12 (nats)", settled_e.log_likelihood, finals.min(), atol=0.01)
_ = claims.close("5 random pushes of the means by 0.1: where EM returns (nats)", back, settled_e.log_likelihood, atol=1e-6)

# %% [markdown]
# Is the truth a useful yardstick? The maximum-likelihood estimate is, by definition, at least as likely as
# any other parameters, the true ones included. That holds for the *global* maximum only: a local maximum can
# fall below the truth, and the elongated stuck run does, far below, while the best run is above it. Above the
# truth does not prove global either: the worst overlapping run, continued to a tight tolerance, is a
# local maximum (pushed off it as above, EM comes back) 13.3 nats below the best run and still 1.5 nats *above* the mixture that generated the data.

# %%
ll_true_e = log_likelihood(Xe, SYNTHETIC["elongated"])
claims.at_least("elongated: best run minus the true mixture (nats)", finals.max() - ll_true_e, 0.0)
claims.at_most("elongated: stuck run minus the true mixture (nats)", finals.min() - ll_true_e, -50.0)
stuck_o = min(fits["overlapping", "random"], key=lambda r: r.log_likelihood)
settled = em.fit_em(Xo, stuck_o.gmm, max_iter=5000, tol=1e-12)
claims.close("overlapping: worst run, continued to tol = 1e-12 (nats)", settled.log_likelihood, -910.03, atol=0.01)
claims.close("... below the best run by (nats)", tops["overlapping"] - settled.log_likelihood, 13.3, atol=0.1)
back_o = [em.fit_em(Xo, GMM(settled.gmm.weights, settled.gmm.means + push, settled.gmm.covariances),
                    max_iter=5000, tol=1e-12).log_likelihood for push in pushes[:3]]
claims.close("3 random pushes of its means by 0.1: where EM returns (nats)", back_o, settled.log_likelihood, atol=1e-6)
_ = claims.close("... above the true mixture by (nats)",
                 settled.log_likelihood - log_likelihood(Xo, SYNTHETIC["overlapping"]), 1.5, atol=0.1)

# %% [markdown]
# Two remedies work together. Run EM from several starts and keep the fit whose log-likelihood is highest:
# `fit_em(..., n_init=10)` does that. And start from k-means centres, which cost a k-means run first and
# guarantee nothing, but here never failed: `fit_em(X, k, init="kmeans", n_init=5)`.

# %%
restarted = em.fit_em(Xe, 3, init="random", rng=SEED, n_init=10, max_iter=500)
_ = claims.close("n_init = 10: the best of ten runs, against the best of the twenty above (nats)",
                 restarted.log_likelihood, finals.max(), atol=0.01)

# %% [markdown]
# ## 10. Label switching, and why $\ell$ is not concave
#
# Renumbering the components changes nothing about the mixture density: a sum does not care about the order of
# its terms. So every maximum comes in $K!$ copies with the same $\ell$, one per numbering, isolated points
# in parameter space. They prove that $\ell$ is not a concave function of $(\pi, \mu, \Sigma)$ (a convex domain):
# concavity would give, at the midpoint $\bar\theta$ of two maxima $\theta_a, \theta_b$,
# $\ell(\bar\theta) \ge \tfrac12 \ell(\theta_a) + \tfrac12 \ell(\theta_b) = \ell_{\max}$, so the midpoint would be a maximum too. (Having
# many maximisers is not the problem: a concave function can have a whole segment of them. The problem is
# that these are isolated.) We average the best elongated fit with its copy in which components 1 and 2 trade
# places (weights, means and covariances averaged: a valid mixture).

# %%
g_best = runs[best_seed].gmm
values = [log_likelihood(Xe, g_best.permuted(list(order))) for order in permutations(range(3))]
claims.close("log-likelihoods of the 6 numberings, against the first (nats)", values, values[0], atol=1e-9)
swapped = g_best.permuted([1, 0, 2])
midpoint = GMM((g_best.weights + swapped.weights) / 2, (g_best.means + swapped.means) / 2,
               (g_best.covariances + swapped.covariances) / 2)
_ = claims.close("l(midpoint) - l(maximum) (nats): concavity would need >= 0",
                 log_likelihood(Xe, midpoint) - values[0], -870, atol=10)

# %% [markdown]
# The midpoint blurs two stripes into two copies of their average, about 870 nats lower. In practice you meet
# label switching when two runs reach the same solution with the components in another order. On the round
# data, seeds 0 and 2 do; after matching the components (by their means) the two fits are the same.

# %%
Xr, zr = make_synthetic("round", n=300, rng=0)
run_a = em.fit_em(Xr, 3, rng=0, tol=1e-10)
run_b = em.fit_em(Xr, 3, rng=2, tol=1e-10)
order = match_components(run_b.gmm.means, run_a.gmm.means)
aligned = run_b.gmm.permuted(order)
claims.holds("seed 2 numbers the components differently", bool(not np.array_equal(order, np.arange(3))), f"order {order}")
claims.close("log-likelihoods of the two runs (nats)", run_b.log_likelihood, run_a.log_likelihood, atol=1e-8)
_ = claims.close("means after renumbering seed 2's components", aligned.means, run_a.gmm.means, atol=1e-6)

# %%
concept_question("07", 4)

# %% [markdown]
# ## 11. Where clusters overlap, the fit says it is unsure
#
# The overlapping data, fitted from k-means starts with three restarts. Solid ellipses are EM's components,
# dashed grey ones the mixture the data were drawn from; points are coloured by their responsibilities. How
# many points get their true component as the most responsible one?

# %%
A, z = make_synthetic("overlapping", n=300, rng=0)
true_o = SYNTHETIC["overlapping"]
fitted = em.fit_em(A, 3, init="kmeans", rng=0, n_init=3).gmm
fitted = fitted.permuted(match_components(fitted.means, true_o.means))  # number them as the truth
fig, ax = plt.subplots(figsize=(7.5, 5), layout="constrained")
draw_fit(ax, A, fitted, f"overlapping: ℓ = {log_likelihood(A, fitted):.1f} nats", true_o)
ax.legend(fontsize=9, loc="upper left")
plt.show()
correct = {name: np.mean(em.e_step(A, g)[0].argmax(axis=1) == z) for name, g in (("fit", fitted), ("truth", true_o))}
claims.close("the true mixture: points whose most responsible component is their true one", correct["truth"], 0.85, atol=0.01)
claims.close("the fit: the same fraction", correct["fit"], 0.74, atol=0.01)
_ = claims.close("l(fit) - l(true mixture) (nats)", log_likelihood(A, fitted) - log_likelihood(A, true_o), 14.9, atol=0.1)

# %% [markdown]
# Even the true mixture, used as a classifier, mislabels 15% of these points: they sit where another component
# is more likely, and no rule that sees only the point can do better on average (a given point may still
# land on the right side of another rule's boundary, by luck). The fit, which differs visibly from the truth here (it is
# 14.9 nats *more* likely on this sample, yet its ellipses are not the true ones), mislabels 26%. Either way
# the blended colours say where the fit is unsure. (On the round and elongated data, where the clusters barely
# touch, over 99% of the points get their true component.)

# %%
fraction = {}
for kind in ("round", "elongated"):
    A_k, z_k = make_synthetic(kind, n=300, rng=0)
    g_k = em.fit_em(A_k, 3, init="kmeans", rng=0, n_init=3).gmm
    g_k = g_k.permuted(match_components(g_k.means, SYNTHETIC[kind].means))
    fraction[kind] = np.mean(em.e_step(A_k, g_k)[0].argmax(axis=1) == z_k)
_ = claims.at_least("round and elongated: points whose most responsible component is their true one",
                    [fraction["round"], fraction["elongated"]], 0.99)

# %% [markdown]
# ## 12. Old Faithful: two kinds of eruption
#
# The Old Faithful geyser in Yellowstone has short and long eruptions, and a long eruption is followed by a
# longer wait. We fit two components to the 272 eruptions, in minutes, with five restarts and a tight
# tolerance, and compare with scikit-learn's own fit (its default k-means start, five restarts).

# %%
faithful = em.fit_em(X, 2, init="kmeans", rng=0, n_init=5, tol=1e-10, max_iter=1000)
g = faithful.gmm.permuted(np.argsort(faithful.gmm.means[:, 0]))  # short eruptions first
sk_fit = GaussianMixture(2, n_init=5, tol=1e-10, max_iter=1000, random_state=0).fit(X)
claims.close("log-likelihood, coursepkg against scikit-learn's fit (nats)", faithful.log_likelihood,
             sk_fit.score(X) * N, atol=1e-6)
claims.close("means, against scikit-learn's (min)", g.means, sk_fit.means_[np.argsort(sk_fit.means_[:, 0])], atol=1e-4)
sd = np.sqrt(np.diagonal(g.covariances, axis1=1, axis2=2))
within = g.covariances[:, 0, 1] / (sd[:, 0] * sd[:, 1])
claims.close("weights (short, long)", g.weights, [0.356, 0.644], atol=0.001)
claims.close("mean eruption time (min)", g.means[:, 0], [2.04, 4.29], atol=0.01)
claims.close("mean waiting time (min)", g.means[:, 1], [54.5, 80.0], atol=0.1)
claims.close("correlation of eruption and wait within each group (short, long)", within, [0.29, 0.38], atol=0.01)
_ = claims.close("correlation over all eruptions", np.corrcoef(X.T)[0, 1], 0.90, atol=0.005)

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [1.3, 1]}, layout="constrained")
resp, _ = em.e_step(X, g)
plot_density_contours(g, ax=ax1, xlim=(1.3, 5.4), ylim=(40, 100), levels=8)
plot_responsibilities(X, resp, ax=ax1)
plot_ellipses(g, ax=ax1, label_prefix=None)
for j, kind in enumerate(("short eruptions", "long eruptions")):
    ax1.plot([], [], color=COMPONENT_COLORS[j], lw=2, label=f"{kind}: {g.weights[j]:.0%} (95% ellipse)")
ax1.set_xlim(1.3, 5.4)
ax1.set_ylim(40, 100)
ax1.set_xlabel(FAITHFUL_COLUMNS[0])
ax1.set_ylabel(FAITHFUL_COLUMNS[1])
ax1.set_title("Old Faithful: two-component fit, density contours in grey")
ax1.legend(loc="upper left", fontsize=8)
plot_log_likelihood(faithful.history, ax=ax2, color="0.2")
ax2.set_title("log-likelihood of the kept run")
ax2.grid(alpha=0.3)
plt.show()

# %% [markdown]
# About a third of the eruptions (36%) are short, about 2.0 minutes followed by a wait of about 54 minutes;
# two thirds are long, about 4.3 minutes followed by about 80. Over all eruptions, eruption time and wait are
# strongly correlated (0.90); within each group much less (0.29 and 0.38): most of the correlation comes from
# which kind of eruption it was. The maximum, $-1130.26$ nats, is the one scikit-learn finds too.
#
# ## 13. EM for any model with hidden variables
#
# Nothing in the proof of section 4 or the fixed-point argument of section 6 used Gaussians. Only this did:
# the model has observed data $X$, hidden variables $Z$ and parameters $\theta$, and
# $\ell(\theta) = \log p(X \mid \theta) = \mathcal L(q, \theta) + \mathrm{KL}\big(q(Z) \,\|\, p(Z \mid X, \theta)\big)$ for any
# distribution $q$ over $Z$. So EM is a recipe:
#
# - **E-step:** the posterior of the hidden variables, $q(Z) = p(Z \mid X, \theta^{\text{old}})$;
# - **M-step:** $\theta^{\text{new}} = \arg\max_\theta \, \mathbb E_{q}\big[\log p(X, Z \mid \theta)\big]$, the expected
#   complete-data log-likelihood $Q(\theta, \theta^{\text{old}})$.
#
# It pays when both steps are easy. Data with gaps: the hidden variables are the missing entries, and the
# E-step fills them in with their conditional distribution given the observed ones. A mixture of straight
# lines fitted to a scatter of points: the hidden label says which line made each point, the E-step is Bayes'
# rule on the residuals, the M-step one weighted least-squares fit per line. Sequences whose hidden state
# drifts from step to step (hidden Markov models): the E-step is the forward–backward algorithm. Mixtures of
# Bernoulli or Poisson distributions: the same E-step as here, and that distribution's weighted fit as the
# M-step. The guarantee also survives an M-step that only *improves* $Q$ instead of maximising it (a
# "generalised EM"): step (b) of section 4 needs no more.
#
# Lesson 03 called repeating its plug-in update of the means "a version of EM". It is a generalised EM: with
# the weights and covariances of lesson 03's first guess held fixed, the responsibility-weighted mean maximises
# $Q$ over the means alone, so the log-likelihood never falls, and the means settle where the gradient of $\ell$
# in the means is zero (central differences after 200 updates: below the rounding bound $10^{-6}$ of section 6),
# while the weights, never allowed to move, are not optimal (a log-weight derivative of about 34 nats).

# %%
theta_03 = GMM([0.5, 0.5], [[3.2, 68.0], [4.0, 74.0]], [np.diag([1.0, 150.0]), np.diag([1.0, 150.0])])
means, ll_plug = theta_03.means, [log_likelihood(X, theta_03)]
for _ in range(200):
    r, _ = em.e_step(X, GMM(theta_03.weights, means, theta_03.covariances))
    means = r.T @ X / r.sum(axis=0)[:, None]  # lesson 03's plug-in update
    ll_plug.append(log_likelihood(X, GMM(theta_03.weights, means, theta_03.covariances)))
claims.at_least("200 plug-in updates: smallest change of the log-likelihood (nats)", np.diff(ll_plug).min(), -1e-10)
grad_03 = fd_gradient(ell_of, GMM(theta_03.weights, means, theta_03.covariances))  # (log-weights, means, covs)
claims.at_most("finite differences after 200 updates: largest |d l / d mean entry|", np.abs(grad_03[2:6]).max(), 1e-6)
_ = claims.close("... and |d l / d log-weight| (the frozen weights are not optimal)", np.abs(grad_03[:2]).max(), 34, atol=0.5)

# %% [markdown]
# Lesson 11 develops the general recipe, with a mixture of Bernoullis for handwritten digits worked end to end
# and a look at hidden Markov models.
#
# ## Summary
#
# - EM alternates an M-step (weighted counts, means, covariances) and an E-step (responsibilities by Bayes'
#   rule); our eight-line loop agrees with scikit-learn's `GaussianMixture` to rounding.
# - The log-likelihood never decreases: $\ell(\theta^{\text{new}}) \ge \mathcal L(q, \theta^{\text{new}}) \ge \mathcal L(q, \theta^{\text{old}}) = \ell(\theta^{\text{old}})$;
#   checked over thousands of iterations (the default `reg_covar` allows dips of order $10^{-10}$ nats, far below
#   any tolerance). EM is a guaranteed ascent method, not a heuristic.
# - Its fixed points are stationary points of $\ell$ (the gradient is zero there), usually local maxima, possibly
#   saddles (zero gradient, up in some directions and down in others: the twin start). A run stopped by a
#   tolerance is at neither.
# - It converges linearly: the parameter error shrinks by $\rho$ per iteration (the largest eigenvalue of the EM
#   map's Jacobian, near 1 when clusters overlap), the log-likelihood gap by $\rho^2$.
# - A tolerance tol on the gain per point leaves a parameter error proportional to $\sqrt{\text{tol}}$ (here about
#   $14\sqrt{\text{tol}}$; the factor grows as $\rho \to 1$), and a loose one can stop on a plateau.
# - It finds local maxima; a local maximum can be less likely than the truth. Restart (`n_init`) and start from
#   k-means centres.
# - Where clusters overlap, even the true mixture mislabels points (15% here): blended responsibilities say so.
# - Every maximum has $K!$ isolated copies (label switching), so $\ell$ is not concave; match components before
#   comparing fits.
# - Old Faithful: 36% short eruptions (2.0 min, wait 54 min), 64% long (4.3 min, wait 80 min); $\ell = -1130.26$ nats.
# - The recipe works for any model with hidden variables: E = their posterior, M = maximise the expected
#   complete-data log-likelihood (lesson 11).
#
# **Next:** lesson 08 freezes the covariances at $I/\beta$ and lets $\beta \to \infty$: EM turns into k-means.
#
# **Exercises:** [exercises/07_em_algorithm.ipynb](../exercises/07_em_algorithm.ipynb) — write the EM loop
# yourself, check that it never goes down, and use restarts.
