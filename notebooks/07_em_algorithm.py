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
# Lessons 05 and 06 derived the two halves: the **E-step** computes responsibilities
# $r_{nk} = p(z_n = k \mid x_n, \theta)$ by Bayes' rule, and the **M-step** re-fits every
# Gaussian with responsibility-weighted counts, means and covariances. This lesson puts
# them in a loop and studies the loop as an algorithm: does it always improve, when do we
# stop it, where does it end up, and how much does the start matter?
#
# **Learning goals.** After this lesson you can
#
# 1. write the EM loop for a Gaussian mixture in a few lines with `em.e_step` and `em.m_step`;
# 2. prove that the log-likelihood never decreases, from the lower bound of lesson 04, and check it;
# 3. choose a stopping rule and explain why EM, unlike k-means, never stops by itself;
# 4. recognise local optima and label switching, and use restarts (`n_init`) and a k-means
#    start against them;
# 5. fit and read a two-component mixture for the Old Faithful geyser.
#
# **You need:** lessons 04 (the bound $\mathcal L(q, \theta)$), 05 (E-step) and 06 (M-step).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursepkg import em
from coursepkg.mixture import match_components
from coursepkg.datasets import FAITHFUL_COLUMNS, SYNTHETIC, make_synthetic, old_faithful
from coursepkg.kmeans import kmeans
from coursepkg.mixture import log_likelihood
from coursepkg.plotting import (
    COMPONENT_COLORS,
    plot_density_contours,
    plot_ellipses,
    plot_log_likelihood,
    plot_responsibilities,
)
from coursepkg.widgets.emlab import make_emlab_lab
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
SEED = 7

# %% [markdown]
# ## 1. The whole algorithm fits in one small loop
#
# Start from some parameters $\theta^{(0)}$ and repeat:
#
# $$
# \textbf{E:}\quad r_{nk} = \frac{\pi_k \,\mathcal N(x_n \mid \mu_k, \Sigma_k)}{\sum_j \pi_j\, \mathcal N(x_n \mid \mu_j, \Sigma_j)},
# \qquad
# \textbf{M:}\quad N_k = \sum_n r_{nk},\;\; \pi_k = \frac{N_k}{N},\;\; \mu_k = \frac{1}{N_k}\sum_n r_{nk} x_n,\;\;
# \Sigma_k = \frac{1}{N_k}\sum_n r_{nk}(x_n - \mu_k)(x_n - \mu_k)^\top .
# $$
#
# The E-step also returns the log-likelihood $\ell(\theta) = \sum_n \log \sum_k \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k)$
# of the parameters it was given (it is the log of the normaliser it has just computed), so
# tracking progress costs nothing. Here is the loop on the Old Faithful data (eruption time and
# waiting time, both in minutes), from a k-means++ start.

# %%
X = old_faithful()
N = X.shape[0]
theta = em.initial_gmm(X, 2, init="k-means++", rng=np.random.default_rng(SEED))
start = theta

resp, ll = em.e_step(X, theta)  # responsibilities and log-likelihood of theta^(0)
history = [ll]
for t in range(1, 101):
    theta = em.m_step(X, resp)  # M: re-fit every Gaussian to its weighted points
    resp, ll = em.e_step(X, theta)  # E: new responsibilities, and log-likelihood of theta^(t)
    history.append(ll)
    if abs(history[-1] - history[-2]) / N < 1e-6:  # stop when a step gains < 1e-6 nats per point
        break

print(f"stopped after {t} iterations, log-likelihood {history[0]:.2f} -> {history[-1]:.4f}")

# %% [markdown]
# `em.fit_em` runs the same loop with the same stopping rule. Started from the same
# $\theta^{(0)}$, it visits exactly the same sequence of log-likelihoods:

# %%
fit = em.fit_em(X, start, max_iter=100, tol=1e-6)
print(f"fit_em: {fit.n_iter} iterations, converged = {fit.converged}")
print(f"largest difference between the two histories: {np.max(np.abs(fit.history - np.array(history))):.1e}")
print(f"largest difference between the fitted means:  {np.max(np.abs(fit.gmm.means - theta.means)):.1e}")

# %% [markdown]
# Both loops stopped at the same iteration with identical histories: `fit_em` is nothing more
# than these eight lines plus input checks and restarts.
#
# ## 2. The log-likelihood can only go up: the proof
#
# Lesson 04 introduced, for any distributions $q_n$ over the components, the lower bound
#
# $$
# \mathcal L(q, \theta) = \sum_n \sum_k q_{nk}\,\big[\log \pi_k \mathcal N(x_n \mid \mu_k, \Sigma_k) - \log q_{nk}\big]
# \;\le\; \ell(\theta),
# $$
#
# with $\ell(\theta) - \mathcal L(q, \theta) = \sum_n \mathrm{KL}\big(q_n \,\|\, p(z_n \mid x_n, \theta)\big) \ge 0$.
# Take one iteration from $\theta^{\text{old}}$ to $\theta^{\text{new}}$, and let $q$ be the E-step
# responsibilities computed at $\theta^{\text{old}}$. Then
#
# $$
# \ell(\theta^{\text{new}})
# \;\overset{(a)}{\ge}\; \mathcal L(q, \theta^{\text{new}})
# \;\overset{(b)}{\ge}\; \mathcal L(q, \theta^{\text{old}})
# \;\overset{(c)}{=}\; \ell(\theta^{\text{old}}).
# $$
#
# - **(a)** The bound holds for every $q$ and every $\theta$ (Jensen's inequality for the concave log).
# - **(b)** With $q$ fixed, $\mathcal L(q, \theta) = Q(\theta, \theta^{\text{old}}) + \text{entropy of } q$, and the
#   entropy does not depend on $\theta$. The M-step maximises $Q$ over $\theta$, so it maximises
#   $\mathcal L(q, \cdot)$ too, and the maximum is at least the value at $\theta^{\text{old}}$.
# - **(c)** $q$ is the exact posterior at $\theta^{\text{old}}$, so every KL term is zero and the bound touches $\ell$.
#
# Let us print each link of the chain for the first iteration of the run above.

# %%
q, ll_old = em.e_step(X, start)
new = em.m_step(X, q)
ll_new = log_likelihood(X, new)
L_new, L_old = em.lower_bound(X, q, new), em.lower_bound(X, q, start)
print(f"l(theta_new)    = {ll_new:12.4f}")
print(f"L(q, theta_new) = {L_new:12.4f}   (a) gap l - L = {ll_new - L_new:.4f} >= 0")
print(f"L(q, theta_old) = {L_old:12.4f}   (b) M-step gain = {L_new - L_old:.4f} >= 0")
print(f"l(theta_old)    = {ll_old:12.4f}   (c) |L - l| = {abs(L_old - ll_old):.1e}")

# %% [markdown]
# The bound was tight at the old parameters (difference at rounding level), the M-step
# climbed it, and the true log-likelihood rose at least as much: part of the gain comes
# from the M-step, the rest from the gap (a) that the next E-step closes.

# %% [markdown]
# ## 3. ... and it does go up, on every run we try
#
# A proof is a promise; here is the evidence. We run EM on five data sets, with
# $k = 2, \dots, 5$ and three initialisations, and look for the most negative step
# $\ell(\theta^{(t+1)}) - \ell(\theta^{(t)})$ in any history. The proof assumes the M-step maximises
# $Q$ *exactly*, so for this check we switch off `reg_covar` (the small number `fit_em` adds to every
# covariance diagonal, lesson 06). Without it a component can collapse onto a single point; such a run
# raises `SingularCovarianceError`, and we count it and move on.

# %%
def standardise(A):
    return (A - A.mean(axis=0)) / A.std(axis=0)


data_sets = {"Old Faithful (standardised)": standardise(X)}
for kind in ("round", "elongated", "overlapping", "unequal"):
    data_sets[kind] = make_synthetic(kind, n=300, rng=0)[0]

worst_step, n_runs, n_steps, collapsed = np.inf, 0, 0, 0
for name, A in data_sets.items():
    for k in (2, 3, 4, 5):
        for method in ("random", "k-means++", "kmeans"):
            try:
                run = em.fit_em(A, k, init=method, rng=k, max_iter=150, tol=1e-10, reg_covar=0.0)
            except em.SingularCovarianceError:
                collapsed += 1
                continue
            worst_step = min(worst_step, np.diff(run.history).min())
            n_runs, n_steps = n_runs + 1, n_steps + run.n_iter
print(f"{n_runs} runs, {n_steps} EM iterations ({collapsed} run collapsed onto a point and was skipped)")
print(f"smallest change in log-likelihood: {worst_step:.1e}   never below -1e-10: {worst_step >= -1e-10}")

# %% [markdown]
# With the default `reg_covar=1e-6` the M-step returns the maximiser of $Q$ plus $10^{-6} I$ on each
# covariance, which is not quite the maximiser. Far from the top the steps are much larger than this
# perturbation, but within about $10^{-9}$ nats of the top a step can dip by a few $10^{-10}$:

# %%
for reg in (0.0, 1e-6):
    run = em.fit_em(X, start, max_iter=40, tol=0.0, reg_covar=reg)
    print(f"Old Faithful, 40 iterations, reg_covar = {reg:g}: smallest change {np.diff(run.history).min():.1e}")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for seed in range(6):
    run = em.fit_em(data_sets["overlapping"], 3, init="random", rng=seed, max_iter=200)
    plot_log_likelihood(run.history, ax=ax, color=plt.cm.viridis(seed / 6), label=f"seed {seed}")
ax.set_ylim(-940, -890)
ax.set_title("EM on the overlapping data, k = 3, six random starts\n(each curve starts below the frame)")
ax.legend(ncol=3, loc="lower right")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# Every curve climbs and flattens; none ever dips. Notice the long flat stretches before
# some of the late climbs: a slow step does not mean the top is near. That matters for the
# stopping rule.
#
# ## 4. When to stop: EM never stops by itself
#
# k-means stops by itself: its assignments are one of finitely many partitions, $J$ strictly
# decreases until the labels repeat, so after finitely many steps nothing changes and the
# algorithm halts. EM's responsibilities are continuous numbers; the parameters approach a
# fixed point $\theta^\ast$ but, in exact arithmetic, keep moving forever. So we need a test, and there are two natural ones:
#
# - **log-likelihood change:** stop when $\big(\ell(\theta^{(t)}) - \ell(\theta^{(t-1)})\big)/N < \text{tol}$
#   (the rule of `fit_em`: gain per point, in nats, so the same `tol` suits small and large data sets);
# - **parameter change:** stop when $\max |\theta^{(t)} - \theta^{(t-1)}|$ is small (this depends on the units of the data).
#
# Both fall off geometrically near a fixed point: EM converges *linearly*, each step shrinking the
# remaining error by a roughly constant factor. We run the Old Faithful fit for 120 iterations with no
# stopping rule and plot the distance to the end point next to k-means on the same data.

# %%
Xo = data_sets["overlapping"]
start_o = em.initial_gmm(Xo, 3, init="kmeans", rng=np.random.default_rng(0))
T = 250
long_run = em.fit_em(Xo, start_o, max_iter=T, tol=0.0, reg_covar=0.0)
ll_star = long_run.history.max()
stepper = em.EMStepper(Xo, start_o, reg_covar=0.0)
param_change = []
for _ in range(T):
    before = stepper.gmm.means.copy()
    stepper.step()
    param_change.append(np.max(np.abs(stepper.gmm.means - before)))
km = kmeans(Xo, 3, rng=0)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
gap = ll_star - long_run.history
shown = gap > 1e-11  # below that we only see rounding
ax1.semilogy(np.arange(T + 1)[shown], gap[shown], "-", lw=2, label=r"$\ell(\theta^\ast) - \ell(\theta^{(t)})$ (nats)")
ax1.semilogy(np.arange(1, T + 1), param_change, "-", lw=2, label="largest change of a mean in step t")
stop = em.fit_em(Xo, start_o, max_iter=T, tol=1e-6, reg_covar=0.0).n_iter
ax1.axvline(stop, color="0.5", ls=":", label=f"fit_em stops here (tol = 1e-6): iteration {stop}")
ax1.set_xlabel("EM iteration t")
ax1.set_ylabel("size (log scale)")
ax1.set_title("EM: straight lines on a log scale")
ax1.legend(fontsize=8)
ax1.grid(alpha=0.3)
ax2.plot(np.arange(len(km.history)), km.history, "o-", color=COMPONENT_COLORS[1])
ax2.set_xlabel("k-means update")
ax2.set_ylabel("J (sum of squared distances)")
ax2.set_title(f"k-means: stops for good after {km.n_iter} updates")
ax2.grid(alpha=0.3)
plt.show()
print(f"k-means converged exactly: {km.converged}, after {km.n_iter} updates")
for t in (10, 50, 100, 200):
    print(f"EM step {t:3d}: a mean still moves by {param_change[t - 1]:.1e}")

# %% [markdown]
# On the left both measures fall along straight lines in a log scale: every step removes about the
# same fraction of the remaining distance, so EM gets ever closer and never arrives (until rounding
# stops it near $10^{-13}$). On the right, k-means reaches a fixed partition and stops for good.
#
# How many iterations does a tolerance cost, and what does it buy? Back on Old Faithful, we rerun
# the start of section 1 with tolerances from $10^{-1}$ to $10^{-10}$ and measure how far each stopping
# point is from the top $\ell(\theta^\ast)$ (found by running 200 iterations).

# %%
ll_top = em.fit_em(X, start, max_iter=200, tol=0.0, reg_covar=0.0).history.max()
print(f"{'tol (nats/point)':>17} {'iterations':>10} {'l(theta*) - l(stop)':>21}")
for tol in (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10):
    run = em.fit_em(X, start, max_iter=1000, tol=tol, reg_covar=0.0)
    print(f"{tol:17.0e} {run.n_iter:10d} {ll_top - run.log_likelihood:21.2e}")

# %% [markdown]
# Each factor of 100 in the tolerance costs only one or two iterations here: linear convergence with a
# fast rate (on the overlapping data above the rate is much slower). But look at the first row: with
# `tol=0.1` EM stopped after 2 iterations, more than 100 nats short, because that step happened to be
# small while EM crossed a flat stretch (section 3's curves show such plateaus). A loose tolerance can
# stop on a plateau rather than near the top; `fit_em` defaults to `tol=1e-6`.

# %% [markdown]
# ## 5. Local optima: the start decides which hill you climb
#
# Monotone ascent only takes EM to the top of the hill it starts on. The log-likelihood of a
# mixture has many hills. On the elongated data (three long parallel clusters), twenty random
# starts mostly reach the same top, but not all of them:

# %%
Xe, ze = make_synthetic("elongated", n=300, rng=0)
runs = {seed: em.fit_em(Xe, 3, init="random", rng=seed, max_iter=500) for seed in range(20)}
finals = np.array([r.log_likelihood for r in runs.values()])
print("final log-likelihoods:", np.round(np.sort(finals), 2))
best_seed, worst_seed = int(np.argmax(finals)), int(np.argmin(finals))
print(f"best seed {best_seed}: {finals[best_seed]:.2f}   worst seed {worst_seed}: {finals[worst_seed]:.2f}")


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
    ax.legend(fontsize=7, loc="lower right")


fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharex=True, sharey=True)
draw_fit(axes[0], Xe, runs[best_seed].gmm, f"seed {best_seed}: log-likelihood {finals[best_seed]:.1f}", SYNTHETIC["elongated"])
draw_fit(axes[1], Xe, runs[worst_seed].gmm, f"seed {worst_seed}: log-likelihood {finals[worst_seed]:.1f}", SYNTHETIC["elongated"])
plt.show()

# %% [markdown]
# The worse run is a genuine local maximum, not an unfinished run: it converged, and no single
# EM step leads out of it. One component covers two clusters at once while another spends itself
# on part of one. The cure is the same as for k-means: **restart** from several starts and keep the
# run with the highest log-likelihood. `fit_em(..., n_init=10)` does exactly that.

# %%
restarted = em.fit_em(Xe, 3, init="random", rng=SEED, n_init=10, max_iter=500)
print(f"n_init=10 keeps the best of ten runs: {restarted.log_likelihood:.2f}  (best of the twenty above: {finals.max():.2f})")

# %% [markdown]
# ## 6. Label switching: k! copies of every optimum
#
# Renumbering the components changes nothing about the mixture density
# $\sum_k \pi_k \mathcal N(x \mid \mu_k, \Sigma_k)$: a sum does not care about the order of its terms.
# So every optimum comes in $k!$ copies with the same log-likelihood, one per numbering. This is one
# reason the log-likelihood cannot be concave: its maxima are not unique. Below, all $3! = 6$
# numberings of the best elongated fit give the same value.

# %%
from itertools import permutations

gmm = runs[best_seed].gmm
values = [log_likelihood(Xe, gmm.permuted(list(order))) for order in permutations(range(3))]
print("log-likelihood of the 6 numberings:", np.round(values, 6))
print(f"largest difference: {np.ptp(values):.1e}")

# %% [markdown]
# In practice you meet label switching when two runs reach the *same* solution with the
# components in a different order. On the round data, seeds 0 and 2 do:

# %%
Xr, zr = make_synthetic("round", n=300, rng=0)
run_a = em.fit_em(Xr, 3, rng=0, tol=1e-10)
run_b = em.fit_em(Xr, 3, rng=2, tol=1e-10)
print("means, seed 0:\n", run_a.gmm.means, "\nmeans, seed 2:\n", run_b.gmm.means)
order = match_components(run_b.gmm.means, run_a.gmm.means)
aligned = run_b.gmm.permuted(order)
print(f"log-likelihoods: {run_a.log_likelihood:.6f} and {run_b.log_likelihood:.6f}")
print(f"after renumbering seed 2's components by {order}: largest difference in means "
      f"{np.max(np.abs(aligned.means - run_a.gmm.means)):.1e}, in covariances "
      f"{np.max(np.abs(aligned.covariances - run_a.gmm.covariances)):.1e}")

# %% [markdown]
# Same optimum, different numbering. Whenever you compare fitted components (with the truth, or
# between runs), match them first; comparing "component 0" with "component 0" is meaningless.
#
# ## 7. Initialisation: random, k-means++ or k-means
#
# `em.initial_gmm` gives every component equal weight and the covariance of the whole data
# set, and chooses the means in one of three ways (`init`):
#
# - `"random"`: $k$ distinct data points drawn uniformly;
# - `"k-means++"`: the k-means++ seeding (each next mean drawn with probability proportional to its squared
#   distance from the means so far, so the means spread out);
# - `"kmeans"`: the centres of a full k-means run (from k-means++), the start most libraries use.
#
# We compare them with 20 seeds each on the elongated and the overlapping data ($k = 3$).

# %%
methods = ("random", "k-means++", "kmeans")
results = {}
for kind in ("elongated", "overlapping"):
    A = data_sets[kind]
    for method in methods:
        rs = [em.fit_em(A, 3, init=method, rng=seed, max_iter=500) for seed in range(20)]
        results[kind, method] = (np.array([r.log_likelihood for r in rs]), np.array([r.n_iter for r in rs]))

print(f"{'data':12} {'init':10} {'worst':>9} {'median':>9} {'best':>9} {'reach best':>11} {'median iters':>13}")
for (kind, method), (lls, iters) in results.items():
    top = max(results[kind, m][0].max() for m in methods)
    hit = np.mean(lls > top - 0.01)
    print(f"{kind:12} {method:10} {lls.min():9.2f} {np.median(lls):9.2f} {lls.max():9.2f} "
          f"{hit:11.0%} {np.median(iters):13.0f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, kind in zip(axes, ("elongated", "overlapping")):
    for i, method in enumerate(methods):
        lls, iters = results[kind, method]
        jitter = np.random.default_rng(i).uniform(-0.15, 0.15, lls.size)
        ax.scatter(iters, lls + jitter, s=30, alpha=0.7, color=COMPONENT_COLORS[i], label=f"init = {method}")
    ax.set_xlabel("EM iterations to converge (tol = 1e-6)")
    ax.set_ylabel("final log-likelihood (nats)")
    ax.set_title(f"{kind} data, k = 3, 20 seeds per initialisation")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Read the table and the plot together. Starting from k-means centres, every seed reached the best
# solution here, while random and k-means++ starts occasionally ended on a worse hill. The k-means
# start does not always need fewer EM iterations (its iterations are also not free: the k-means run
# comes first), but it removes most of the bad starts. Restarts and a good start are complements, not
# alternatives: `fit_em(X, k, init="kmeans", n_init=5)` does both.
#
# ## 8. Round, elongated and overlapping data
#
# Now the fits themselves. Solid ellipses are EM's components (95% probability contours), dashed grey
# ellipses the true mixtures the data were drawn from; points are coloured by their responsibilities,
# so a point shared between two components gets a blend of their colours.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
for ax, kind in zip(axes, ("round", "elongated", "overlapping")):
    A = data_sets[kind]
    run = em.fit_em(A, 3, init="kmeans", rng=0, n_init=3)
    draw_fit(ax, A, run.gmm, f"{kind}: log-likelihood {run.log_likelihood:.1f}", SYNTHETIC[kind])
    ax.set_aspect("equal", adjustable="datalim")
plt.show()

# %% [markdown]
# On the round and the elongated data, the fitted ellipses lie almost on top of the true ones: EM
# recovers orientation and stretch, which k-means cannot (lesson 08). On the overlapping data the
# fit is close but not exact, and the points in the overlap keep blended colours: EM reports its
# uncertainty rather than hiding it. Let us put numbers on it. After matching the fitted components to
# the true ones, we count the points whose most responsible component is their true one, and compare
# the log-likelihood of the fit with that of the true mixture.

# %%
for kind in ("round", "elongated", "overlapping"):
    A, z = make_synthetic(kind, n=300, rng=0)
    true = SYNTHETIC[kind]
    fitted = em.fit_em(A, 3, init="kmeans", rng=0, n_init=3).gmm
    fitted = fitted.permuted(match_components(fitted.means, true.means))
    resp, ll_fit = em.e_step(A, fitted)
    agree = np.mean(resp.argmax(axis=1) == z)
    print(f"{kind:12} correctly clustered {agree:6.1%}   log-likelihood: fit {ll_fit:8.2f}, "
          f"true mixture {log_likelihood(A, true):8.2f}")

# %% [markdown]
# On round and elongated data EM assigns almost every point to its true component. On the overlapping
# data about one point in four sits where another component is more likely: no method can get those
# right, since the label of a point in the overlap is genuinely uncertain. And in every case the fit has a
# *higher* likelihood than the true mixture: EM maximises the likelihood of this sample, and a finite
# sample always fits its own maximum-likelihood estimate a little better than the truth.

# %% [markdown]
# ## 9. Old Faithful: two kinds of eruption
#
# The Old Faithful geyser in Yellowstone has short and long eruptions, and a long eruption is
# followed by a longer wait. We fit two components to the 272 eruptions, in minutes, with ten
# restarts and a tight tolerance so the numbers are settled.

# %%
faithful = em.fit_em(X, 2, init="kmeans", rng=0, n_init=10, tol=1e-10, max_iter=1000)
g = faithful.gmm
order = np.argsort(g.means[:, 0])  # short eruptions first
g = g.permuted(order)
print(f"total log-likelihood: {faithful.log_likelihood:.2f} nats  "
      f"({faithful.log_likelihood / N:.4f} per eruption), {faithful.n_iter} iterations")
for j, kind in enumerate(("short", "long")):
    sd = np.sqrt(np.diag(g.covariances[j]))
    corr = g.covariances[j][0, 1] / (sd[0] * sd[1])
    print(f"{kind:5} eruptions: weight {g.weights[j]:.3f}, mean eruption {g.means[j, 0]:.3f} min, "
          f"mean wait {g.means[j, 1]:.2f} min, sd ({sd[0]:.3f}, {sd[1]:.2f}) min, correlation {corr:.3f}")
print(f"difference from the known maximum, -1130.264 nats: {faithful.log_likelihood + 1130.264:.3f}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [1.3, 1]})
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
plot_log_likelihood(faithful.history, ax=ax2)
ax2.set_title("log-likelihood of the kept run")
ax2.grid(alpha=0.3)
plt.show()

# %% [markdown]
# About a third of the eruptions are short (about 2 minutes, followed by a wait of about
# 54 minutes) and two thirds long (about 4.3 minutes, then about 80 minutes). Within each group the
# two times are only weakly correlated: most of the overall correlation between eruption and wait is
# explained by which kind of eruption it was. The total log-likelihood, $-1130.26$ nats, is the known
# maximum for this data set.

# %% [markdown]
# ## 10. The EM lab
#
# Now drive EM yourself. **Step** takes one iteration (an M-step, then the E-step for the new
# parameters), **Run** takes up to 50 iterations or stops when the gain per point falls below
# $10^{-6}$, **Reset** returns to the start. Change the data set, the initialisation, $k$ and the
# seed to get a new start. Things to try:
#
# - **Old Faithful (standardised), random, k = 2:** step slowly and predict, before each click, which
#   way each ellipse will stretch.
# - **elongated, random, k = 3, seeds 0 to 10:** find a seed that gets stuck (seed 4 does), then switch
#   the init to `kmeans` with the same seed.
# - **overlapping, k = 3:** after convergence, points in the overlap stay two-coloured.
# - **Old Faithful (minutes)** against **(standardised)** with `kmeans` init: EM itself does not care
#   about units (an affine change of the data just transforms the fit), but k-means measures plain
#   distances, so the start, and sometimes the end, differ.
# - **Old Faithful, k = 5 or 6:** the log-likelihood keeps rising with $k$; choosing $k$ by likelihood
#   alone would always pick the largest.

# %%
make_emlab_lab(dataset="Old Faithful (standardised)", k=2, init="random", seed=0)

# %% [markdown]
# ## 11. Check your understanding

# %%
concept_question("07", 1)

# %%
concept_question("07", 2)

# %%
concept_question("07", 3)

# %% [markdown]
# ## Summary
#
# - EM alternates an E-step (responsibilities by Bayes' rule) and an M-step (weighted counts, means and
#   covariances); `fit_em` is that loop plus checks and restarts, and reproduces our loop exactly.
# - The log-likelihood never decreases: $\ell(\theta^{\text{new}}) \ge \mathcal L(q, \theta^{\text{new}}) \ge \mathcal L(q, \theta^{\text{old}}) = \ell(\theta^{\text{old}})$.
#   Checked on dozens of runs and thousands of steps: no step below $-10^{-10}$ (with `reg_covar=0`;
#   the default `reg_covar=1e-6` allows dips of order $10^{-10}$ right at the top).
# - EM converges linearly and never stops by itself (no finite set of configurations, unlike k-means);
#   stop when the gain per point falls below a tolerance, and beware of plateaus with a loose one.
# - It finds local maxima. Restart (`n_init`) and start from k-means centres (`init="kmeans"`).
# - Every optimum has $k!$ numberings with the same likelihood (label switching): match components before comparing.
# - Old Faithful: a third short eruptions (2.0 min, wait 54 min), two thirds long (4.3 min, wait 80 min);
#   log-likelihood $-1130.26$ nats.
#
# **Next:** lesson 08 freezes the covariances at $I/\beta$ and lets $\beta \to \infty$: EM turns into k-means.
#
# **Exercises:** [exercises/07_em_algorithm.ipynb](../exercises/07_em_algorithm.ipynb) — write the EM loop
# yourself, check that it never goes down, and use restarts.
