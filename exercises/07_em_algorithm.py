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
# # Exercises 07 — The EM algorithm: the loop, the stopping rule, restarts
#
# You wrote the E-step (exercises 05) and the M-step (exercises 06). Here you assemble them:
#
# 1. `run_em`: the EM loop for a fixed number of iterations, recording the log-likelihood,
# 2. `em_until_converged`: the same loop with a stopping rule,
# 3. `best_of`: restarts, keeping the best of several starts,
# 4. `em_gain_parts`: the monotonicity proof in numbers: $\Delta\ell = \Delta Q + \mathrm{KL} \ge 0$.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. The building blocks are given: `e_step(X, gmm)` returns the responsibilities
# `(n, k)` and the total log-likelihood, `m_step(X, resp, reg_covar)` returns a new `GMM`. Do not
# call `em.fit_em` or `em.EMStepper`: they are what you are writing.
#
# The lesson these exercises follow: [07 — The EM algorithm](../notebooks/07_em_algorithm.ipynb).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg.checks import lesson07 as checks
from coursepkg.datasets import old_faithful
from coursepkg.em import e_step, initial_gmm, m_step
from coursepkg.mixture import GMM, expected_complete_log_likelihood  # Q(X, resp, gmm), as in exercises 06

X = old_faithful()  # 272 eruptions: duration and waiting time, in minutes
start = initial_gmm(X, 2, rng=np.random.default_rng(0))
print(f"X: {X.shape}; starting means (minutes):\n{start.means}")

# %% [markdown]
# ## Exercise 1 — The EM loop (3 points)
#
# Write `run_em(X, init, max_iter, reg_covar)` that starts from the mixture `init` and runs exactly
# `max_iter` iterations. Return the final `GMM` and the list `history` with
#
# $$\texttt{history}[t] = \ell(\theta^{(t)}) = \sum_n \log p(x_n \mid \theta^{(t)}), \qquad t = 0, 1, \dots, \texttt{max\_iter},$$
#
# the total log-likelihood after $t$ M-steps, so `history` has `max_iter + 1` entries and
# `history[0]` belongs to `init`. One E-step before the loop gives the first responsibilities and
# `history[0]`; then each iteration is an M-step (`m_step(X, resp, reg_covar)`) followed by an
# E-step on the new parameters, whose log-likelihood you append.
#
# The check compares your history with `em.fit_em(X, init, max_iter, tol=0)` to $10^{-8}$ and verifies
# that it never decreases.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def run_em(X, init, max_iter, reg_covar=1e-6):
    """EM for exactly max_iter iterations from the GMM init -> (final GMM, history of max_iter + 1 floats)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_run_em(run_em)

# %% [markdown]
# Your loop on Old Faithful (not graded): the log-likelihood climbs quickly, then creeps.

# %%
try:
    fitted, history = run_em(X, start, 30)
    gains = np.diff(history)
    print(f"log-likelihood: {history[0]:.2f} -> {history[-1]:.4f}")
    print(f"gain per point at iterations 1, 5, 10, 30: {[f'{gains[t - 1] / len(X):.1e}' for t in (1, 5, 10, 30)]}")
    print(f"smallest gain: {gains.min():.2e} (never negative)")
except NotImplementedError:
    print("Finish exercise 1 first.")

# %% [markdown]
# ## Exercise 2 — When to stop (2 points)
#
# EM approaches its fixed point without ever reaching it, so it needs a stopping rule. Write
# `em_until_converged(X, init, tol, max_iter, reg_covar)`: the loop of exercise 1, but after
# each iteration stop as soon as the **average gain per point** is below `tol`,
#
# $$\frac{\ell(\theta^{(t)}) - \ell(\theta^{(t-1)})}{n} < \texttt{tol},$$
#
# or when `max_iter` iterations are done. Return `(gmm, history, converged)` where `converged`
# is `True` only if the rule fired. Dividing by $n$ makes `tol` mean the same for 100 or
# 100,000 points.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def em_until_converged(X, init, tol, max_iter, reg_covar=1e-6):
    """EM until the gain per point falls below tol (or max_iter) -> (GMM, history, converged)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_em_until_converged(em_until_converged)


# %% [markdown]
# ## Exercise 3 — Restarts (2 points)
#
# EM climbs the hill it starts on; a poor start ends in a poor local optimum. The cure is to run
# EM from several starts and keep the run with the **highest final** log-likelihood. Write
# `best_of(X, starts, tol, max_iter)` that runs your `em_until_converged` from every `GMM` in the list
# `starts` and returns `(gmm, log_likelihood)` of the best run.
#
# Different starts may find the same optimum with the components in another order (label
# switching), so the check compares your answer with the best run up to a permutation of the
# components.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def best_of(X, starts, tol, max_iter):
    """The best EM run over a list of starting GMMs -> (GMM, final log-likelihood)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_best_of(best_of)


# %% [markdown]
# ## Exercise 4 — Why the log-likelihood cannot fall, in numbers (2 points)
#
# Let $r$ be the responsibilities of the E-step at $\theta$ and $\theta^{\text{new}}$ the M-step
# computed from them. Since $\ell(\theta) = Q(\theta \mid r) - \sum_{nk} r_{nk} \log p(z_n = k \mid x_n, \theta)$
# for **any** $\theta$ (lesson 04), and $r$ *is* $p(z \mid x, \theta)$,
#
# $$\underbrace{\ell(\theta^{\text{new}}) - \ell(\theta)}_{\Delta\ell}
# = \underbrace{Q(\theta^{\text{new}} \mid r) - Q(\theta \mid r)}_{\Delta Q \;\ge\; 0 \text{ (M-step)}}
# + \underbrace{\sum_{n,k} r_{nk} \log \frac{r_{nk}}{r^{\text{new}}_{nk}}}_{\sum_n \mathrm{KL}(r_n \,\|\, r^{\text{new}}_n) \;\ge\; 0},$$
#
# where $r^{\text{new}}$ are the responsibilities at $\theta^{\text{new}}$. Write `em_gain_parts(X, gmm)` doing one
# EM iteration from `gmm` (with `m_step`'s default `reg_covar`) and returning the three numbers
# `(delta_ll, delta_Q, kl)`. Use `expected_complete_log_likelihood(X, resp, gmm)` for $Q$.
# The check verifies each part and that $\Delta\ell = \Delta Q + \mathrm{KL}$.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def em_gain_parts(X, gmm):
    """(delta_ll, delta_Q, kl) for one EM iteration from gmm; delta_ll = delta_Q + kl."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_gain_parts(em_gain_parts)

# %% [markdown]
# The decomposition along the first iterations on Old Faithful (not graded): both parts are never
# negative. The first step gains almost everything through $\Delta Q$; later the KL part, the gap that
# reopens between the bound and $\ell$, carries more than half of each gain.

# %%
try:
    gmm = start
    print(" step    delta_ll     delta_Q          KL")
    for t in range(1, 7):
        d_ll, d_q, kl = em_gain_parts(X, gmm)
        print(f"{t:5d} {d_ll:11.4f} {d_q:11.4f} {kl:11.2e}")
        gmm = m_step(X, e_step(X, gmm)[0])
except NotImplementedError:
    print("Finish exercise 4 first.")

# %% [markdown]
# ## What you built
#
# `em_until_converged` and `best_of` together are `em.fit_em(X, k, tol, n_init=...)`: the loop, the
# stopping rule and restarts. Exercise 4 is the proof of lesson 07 checked step by step: the
# E-step makes the bound touch $\ell$, the M-step raises the bound by $\Delta Q$, and $\ell$ rises at
# least as much because the gap $\mathrm{KL}$ reopens. In lesson 08 you take the limit in which EM
# becomes k-means.
