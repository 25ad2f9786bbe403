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
# You wrote the E-step (exercises 05) and the M-step (exercises 06). Here you assemble them into EM and
# then use it the way a practitioner has to:
#
# 1. `run_em`: the EM loop for a fixed number of iterations, recording the log-likelihood,
# 2. `em_until_converged`: the same loop with a stopping rule, and a prediction of what a tighter tolerance costs,
# 3. a tolerance you choose so that EM stops neither too early (on a plateau) nor long after it has converged,
# 4. `em_gain_parts`: the monotonicity proof in numbers, the gain split into $\Delta Q \ge 0$ and a part you derive,
# 5. `best_of`: restarts, keeping the best of several starts,
# 6. `largest_difference`: two fits compared up to label switching.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (work out a formula or a step the lesson did not spell out, then compute it),
# *predict* (commit to an answer, then measure it) or *decide* (choose something and let the check test
# that it does what you claim). Altogether about 80 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. The building blocks are given: `e_step(X, gmm)` returns the responsibilities
# `(n, k)` and the total log-likelihood, `m_step(X, resp, reg_covar)` returns a new `GMM`. Do not
# call `em.fit_em` or `em.EMStepper`: they are what you are writing.
#
# The lesson these exercises follow: [07 — The EM algorithm](../notebooks/07_em_algorithm.ipynb).
# Components are numbered $1, \dots, K$ in the text and $0, \dots, K-1$ in Python.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg.checks import lesson07 as checks
from coursepkg.datasets import make_synthetic, old_faithful
from coursepkg.em import e_step, initial_gmm, m_step
from coursepkg.mixture import GMM, expected_complete_log_likelihood  # Q(X, resp, gmm), as in exercises 06

X = old_faithful()  # 272 eruptions: duration and waiting time, in minutes
start = initial_gmm(X, 2, rng=np.random.default_rng(0))
print(f"X: {X.shape}; starting means (minutes):\n{start.means}")

# the overlapping data of lesson 07 (sections 7 and 8) and its start from k-means centres
X_over, _ = make_synthetic("overlapping", n=300, rng=0)
start_over = initial_gmm(X_over, 3, init="kmeans", rng=np.random.default_rng(0))

# overlapping data with a 2-component start from k-means centres, for the prediction of exercise 2
X_slow, _ = make_synthetic("overlapping", n=240, rng=1)
start_slow = initial_gmm(X_slow, 2, init="kmeans", rng=np.random.default_rng(1))

# %% [markdown]
# ## Exercise 1 — The EM loop (3 points · ★☆☆ · about 8 min · implement)
#
# Write `run_em(X, init, max_iter, reg_covar)` that starts from the mixture `init` and runs exactly
# `max_iter` iterations (each an M-step followed by an E-step). Return the final `GMM` and the list `history` with
#
# $$\texttt{history}[t] = \ell(\theta^{(t)}) = \sum_n \log p(x_n \mid \theta^{(t)}), \qquad t = 0, 1, \dots, \texttt{max\_iter},$$
#
# the total log-likelihood after $t$ M-steps, so `history` has `max_iter + 1` entries and
# `history[0]` belongs to `init`. Think about what the first M-step needs as input, and which
# responsibilities each later M-step must use; `reg_covar` goes to every M-step.
#
# The check compares your history with `em.fit_em(X, init, max_iter, tol=0)` to $10^{-8}$, on several
# data sets, including $K = 1$.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def run_em(X, init, max_iter, reg_covar=1e-6):
    """EM for exactly max_iter iterations from the GMM init -> (final GMM, history of max_iter + 1 floats)."""
    ### BEGIN SOLUTION
    gmm = init
    resp, ll = e_step(X, gmm)
    history = [ll]
    for _ in range(max_iter):
        gmm = m_step(X, resp, reg_covar)
        resp, ll = e_step(X, gmm)
        history.append(ll)
    return gmm, history
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 3, "schema_version": 3, "solution": false}
checks.check_run_em(run_em)
### BEGIN HIDDEN TESTS
checks.check_run_em(run_em, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your loop on Old Faithful (not graded). From this start the gain per point is large at the first iteration,
# then stays at a few hundredths for a dozen iterations (a plateau: the two components are still sorting out
# which group of eruptions each takes), then collapses within a few iterations. Some twenty iterations later
# what is left is rounding noise, gains below $10^{-12}$ per point; run longer and one may come out a hair below
# zero (the tiny dips the lesson allows with the default `reg_covar`).

# %%
try:
    fitted, history = run_em(X, start, 30)
    gains = np.diff(np.asarray(history, dtype=float)) / len(X)
    if gains.shape != (30,):
        print(f"run_em(X, start, 30) returned {len(history)} log-likelihoods; it should return 31 (fix exercise 1).")
    else:
        print(f"log-likelihood: {history[0]:.2f} -> {history[-1]:.4f}")
        print("gain per point at iterations 1, 5, 10, 15, 20:", *(f"{gains[t - 1]:.1e}" for t in (1, 5, 10, 15, 20)))
        settled = int(np.argmax(np.abs(gains) < 1e-12)) + 1
        print(f"from iteration {settled} on, the gains are below 1e-12 in size: largest {gains[settled - 1 :].max():.1e}, "
              f"smallest {gains[settled - 1 :].min():.1e}")
except NotImplementedError:
    print("Finish exercise 1 first.")

# %% [markdown]
# ## Exercise 2 — When to stop, and what a tighter tolerance costs (3 points · ★★☆ · about 15 min · predict)
#
# EM approaches its fixed point without ever reaching it, so it needs a stopping rule. Write
# `em_until_converged(X, init, tol, max_iter, reg_covar)`: the loop of exercise 1, but after
# each iteration stop as soon as the **average gain per point** is below `tol`,
#
# $$\frac{\ell(\theta^{(t)}) - \ell(\theta^{(t-1)})}{N} < \texttt{tol},$$
#
# or when `max_iter` iterations are done. Return `(gmm, history, converged)` where `converged`
# is `True` only if the rule fired. Dividing by $N$ makes `tol` mean the same for 100 or
# 100,000 points. (This is the loop of exercise 1 with one test added: the second half of the task is the
# interesting one.)

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def em_until_converged(X, init, tol, max_iter, reg_covar=1e-6):
    """EM until the gain per point falls below tol (or max_iter) -> (GMM, history, converged)."""
    ### BEGIN SOLUTION
    n = len(X)
    gmm = init
    resp, ll = e_step(X, gmm)
    history = [ll]
    converged = False
    for _ in range(max_iter):
        gmm = m_step(X, resp, reg_covar)
        resp, ll = e_step(X, gmm)
        history.append(ll)
        if (history[-1] - history[-2]) / n < tol:
            converged = True
            break
    return gmm, history, converged
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_em_until_converged(em_until_converged)
### BEGIN HIDDEN TESTS
checks.check_em_until_converged(em_until_converged, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# **Predict before you measure.** Run your `em_until_converged` on `X_slow` from `start_slow` (set up above) with
# `reg_covar=0` and `tol=1e-5`: it stops at some iteration $T$. How many iterations does the same run need with
# `tol=1e-8`? Answer from the history of the `tol=1e-5` run alone, without running EM any further, and return the
# iteration where you predict it stops (a number; it need not be whole) from `predicted_stop()`. The check
# accepts a prediction within 4 iterations of where EM really stops. Think about what lesson 07, section 7 says
# about EM's late iterations, and look at your history; the cell after the check measures it.

# %% nbgrader={"grade": false, "grade_id": "ex2_prediction", "locked": false, "schema_version": 3, "solution": true}
def predicted_stop():
    """The iteration where EM on X_slow (reg_covar=0) stops with tol=1e-8, predicted from the tol=1e-5 run."""
    ### BEGIN SOLUTION
    _, history, _ = em_until_converged(X_slow, start_slow, 1e-5, 500, reg_covar=0.0)
    gains = np.diff(history) / len(X_slow)
    rate = gains[-1] / gains[-2]  # in the linear regime every gain is the same fraction of the one before
    # the gain per point must fall from gains[-1] (just below 1e-5) to below 1e-8: rate**m * gains[-1] < 1e-8
    return (len(history) - 1) + float(np.log(1e-8 / gains[-1]) / np.log(rate))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check_prediction", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_stop_prediction(predicted_stop)

# %% [markdown]
# The measurement (not graded): both runs, and the ratio of successive gains along the tight one.

# %%
try:
    _, loose, _ = em_until_converged(X_slow, start_slow, 1e-5, 500, reg_covar=0.0)
    _, tight, _ = em_until_converged(X_slow, start_slow, 1e-8, 500, reg_covar=0.0)
    ratios = np.diff(tight)[1:] / np.diff(tight)[:-1]
    print(f"tol = 1e-5 stops at iteration {len(loose) - 1}, tol = 1e-8 at {len(tight) - 1}; "
          f"you predicted {predicted_stop():.1f}")
    print("ratio of successive gains at iterations 10, 20, ..., 90:", *(f"{ratios[t - 2]:.3f}" for t in range(10, 91, 10)))
except NotImplementedError:
    print("Finish exercise 2 first.")

# %% [markdown]
# ## Exercise 3 — A tolerance that stops in time (2 points · ★★☆ · about 20 min · decide)
#
# Run EM on `X_over` from `start_over` (set up above) with `reg_covar=0`. Call the log-likelihood after
# 200 iterations the top $\ell^\ast$; the run has **converged** at the first iteration $T$ whose log-likelihood
# is within 0.01 nats of it. Choose a tolerance `tol` for the stopping rule of exercise 2 such that the run
#
# - stops no earlier than $T$ (within 0.01 nats of the top), and
# - stops at most 10 iterations after $T$ (no wasted work).
#
# Return it from `stopping_tol()`. The check runs EM with your `tol` and measures where it stops.
#
# Neither `fit_em`'s default `tol=1e-6` nor scikit-learn's `tol=1e-3` passes: before you choose, find out why
# each one fails (lesson 07, sections 7 and 8). You may decide by reasoning, by measuring with your own
# functions, or both (add a scratch cell of your own to measure in); your reason is worth more than the number,
# because the next data set will need another tolerance.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def stopping_tol():
    """A tol that stops EM on X_over within 0.01 nats of the top, at most 10 iterations after getting there."""
    ### BEGIN SOLUTION
    _, history = run_em(X_over, start_over, 200, reg_covar=0.0)
    history = np.array(history)
    first = int(np.argmax(history[-1] - history < 0.01))  # T: the first iteration within 0.01 nats of the top
    gains = np.diff(history) / len(X_over)  # gains[t - 1] is the gain per point of iteration t
    # past the plateau the gains shrink steadily: a tol just above the gain of iteration T + 5 stops there
    return float(1.001 * gains[first + 5 - 1])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_stopping_tol(stopping_tol)

# %% [markdown]
# Three tolerances side by side (not graded): where each stops, and how far below the top.

# %%
try:
    top = run_em(X_over, start_over, 200, reg_covar=0.0)[1][-1]
    for name, tol in [("scikit-learn's default", 1e-3), ("fit_em's default", 1e-6), ("yours", stopping_tol())]:
        _, hist, _ = em_until_converged(X_over, start_over, tol, 200, reg_covar=0.0)
        print(f"{name:23s} tol = {tol:8.2g}: stops at iteration {len(hist) - 1:3d}, {top - hist[-1]:8.4f} nats below the top")
except NotImplementedError:
    print("Finish exercises 1 to 3 first.")

# %% [markdown]
# ## Exercise 4 — Why the log-likelihood cannot fall, in numbers (2 points · ★★☆ · about 20 min · derive)
#
# Let $r$ be the responsibilities of the E-step at $\theta$ and $\theta^{\text{new}}$ the M-step computed from
# them, and $r^{\text{new}}$ the responsibilities at $\theta^{\text{new}}$. Lesson 04 showed that for **any**
# $\theta'$ and any $q$, $\ell(\theta') = \mathcal{L}(q, \theta') + \sum_n \mathrm{KL}(q_n \,\|\, p(z_n \mid x_n, \theta'))$,
# and that $\mathcal{L}(q, \theta') = Q(\theta' \mid q) + H(q)$. Use these with $q = r$ at $\theta' = \theta$ and at
# $\theta' = \theta^{\text{new}}$ to split the gain of one iteration into two parts:
#
# $$\underbrace{\ell(\theta^{\text{new}}) - \ell(\theta)}_{\Delta\ell}
# = \underbrace{Q(\theta^{\text{new}} \mid r) - Q(\theta \mid r)}_{\Delta Q \;\ge\; 0 \text{ (M-step)}}
# + \underbrace{\;\cdots\;}_{\mathrm{KL} \;\ge\; 0}.$$
#
# Work out on paper what the second part is, as a sum over $n$ and $k$ of $r_{nk}$ and $r^{\text{new}}_{nk}$ (where did
# the entropy go? which KL term vanishes?). Then write `em_gain_parts(X, gmm)` doing one EM iteration from `gmm`
# with the exact M-step, `reg_covar=0` (with the default `reg_covar` the M-step maximises a slightly different
# function, and lesson 07, section 4 explains why $\Delta Q \ge 0$ is then no longer guaranteed), and returning the
# three numbers `(delta_ll, delta_Q, kl)`; $Q$ is `expected_complete_log_likelihood(X, resp, gmm)` from the setup.
# The check verifies each part; it cannot tell how you computed the third, so compute it from your formula, not as
# a difference of the other two.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def em_gain_parts(X, gmm):
    """(delta_ll, delta_Q, kl) for one EM iteration from gmm; delta_ll = delta_Q + kl."""
    ### BEGIN SOLUTION
    resp, ll = e_step(X, gmm)
    new = m_step(X, resp, reg_covar=0.0)
    resp_new, ll_new = e_step(X, new)
    delta_Q = expected_complete_log_likelihood(X, resp, new) - expected_complete_log_likelihood(X, resp, gmm)
    # the entropy H(r) cancels, and KL(r || p(z | x, theta)) = 0 at theta: what is left is KL(r || r_new)
    kl = float(np.sum(resp * (np.log(resp) - np.log(resp_new))))
    return ll_new - ll, delta_Q, kl
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_gain_parts(em_gain_parts)
### BEGIN HIDDEN TESTS
checks.check_gain_parts(em_gain_parts, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The decomposition along the first iterations on Old Faithful (not graded): both parts are never
# negative. Look at how the share of the KL part changes from the first steps to the later ones.

# %%
try:
    gmm = start
    rows = []
    for t in range(1, 7):
        d_ll, d_q, kl = em_gain_parts(X, gmm)
        rows.append(f"{t:5d} {d_ll:11.4f} {d_q:11.4f} {kl:11.2e}")
        gmm = m_step(X, e_step(X, gmm)[0], reg_covar=0.0)
    print(" step    delta_ll     delta_Q          KL", *rows, sep="\n")
except NotImplementedError:
    print("Finish exercise 4 first.")

# %% [markdown]
# ## Exercise 5 — Restarts (2 points · ★☆☆ · about 8 min · implement)
#
# EM climbs the hill it starts on; a poor start ends in a poor local optimum. The cure is to run
# EM from several starts and keep the run with the **highest final** log-likelihood. Write
# `best_of(X, starts, tol, max_iter)` that runs your `em_until_converged` from every `GMM` in the list
# `starts` and returns `(gmm, log_likelihood)` of the best run.
#
# Different starts may find the same optimum with the components in another order (label
# switching), so the check compares your answer with the best run up to a permutation of the
# components.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def best_of(X, starts, tol, max_iter):
    """The best EM run over a list of starting GMMs -> (GMM, final log-likelihood)."""
    ### BEGIN SOLUTION
    best_gmm, best_ll = None, -np.inf
    for init in starts:
        gmm, history, _ = em_until_converged(X, init, tol, max_iter)
        if history[-1] > best_ll:
            best_gmm, best_ll = gmm, history[-1]
    return best_gmm, float(best_ll)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_best_of(best_of)
### BEGIN HIDDEN TESTS
checks.check_best_of(best_of, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 6 — The same fit under other labels (2 points · ★☆☆ · about 10 min · implement)
#
# Two runs of EM from different starts often end at the same maximum with the components numbered
# differently: renumbering the components does not change the mixture. To tell whether two fits agree you
# must first pair up their components. Write `largest_difference(gmm_a, gmm_b)` returning, over all ways of
# pairing the $K$ components of `gmm_b` with those of `gmm_a`, the **smallest** possible value of
#
# $$\max\Big(\max_k |\pi^a_k - \pi^b_{\sigma(k)}|,\; \max_{k} \lVert \mu^a_k - \mu^b_{\sigma(k)} \rVert_\infty,\;
#   \max_k \max_{ij} |\Sigma^a_{k,ij} - \Sigma^b_{\sigma(k),ij}|\Big),$$
#
# where $\sigma$ is the pairing (component $k$ of `gmm_a` goes with component $\sigma(k)$ of `gmm_b`). So 0 means
# "the same mixture, perhaps listed in another order". For the small $K$ of this course you can afford to look at
# every pairing; `coursepkg.mixture.match_components` does this job and is refused by the check.

# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def largest_difference(gmm_a, gmm_b):
    """min over pairings of the components of the largest parameter difference (a float >= 0)."""
    ### BEGIN SOLUTION
    from itertools import permutations

    def worst(order):
        return max(
            np.max(np.abs(gmm_a.weights - gmm_b.weights[order])),
            np.max(np.abs(gmm_a.means - gmm_b.means[order])),
            np.max(np.abs(gmm_a.covariances - gmm_b.covariances[order])),
        )

    return float(min(worst(list(order)) for order in permutations(range(gmm_a.k))))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex6_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_largest_difference(largest_difference)
### BEGIN HIDDEN TESTS
checks.check_largest_difference(largest_difference, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Two initialisations on the round data of lesson 07 (not graded): random data points and k-means
# centres. Do they reach the same fit, and in the same order?

# %%
try:
    X_round, _ = make_synthetic("round", n=300, rng=0)
    fits = {}
    for init, seed in (("random", 1), ("kmeans", 5)):
        start_r = initial_gmm(X_round, 3, init=init, rng=np.random.default_rng(seed))
        fits[init] = em_until_converged(X_round, start_r, 1e-8, 500)
    (ga, ha, _), (gb, hb, _) = fits["random"], fits["kmeans"]
    listed = max(np.max(np.abs(ga.means - gb.means)), np.max(np.abs(ga.covariances - gb.covariances)))
    print(f"final log-likelihoods: {ha[-1]:.4f} (random start), {hb[-1]:.4f} (k-means start)")
    print(f"largest difference in the order listed: {listed:.3f}; after pairing: {largest_difference(ga, gb):.1e}")
except NotImplementedError:
    print("Finish exercises 2 and 6 first.")

# %% [markdown]
# ## What you practised
#
# - **Exercise 1** (the EM loop and its history, one E-step ahead): lesson 07, section 1.
# - **Exercise 2** (a stopping rule on the gain per point, and predicting from a run's history what a tighter
#   tolerance costs): sections 7 and 8.
# - **Exercise 3** (choosing a tolerance for a given run and testing that it stops where you want): sections 7 and 8.
# - **Exercise 4** (deriving the part of an iteration's gain that $\Delta Q$ leaves out, and measuring both parts):
#   section 4, and lesson 04.
# - **Exercise 5** (restarts, keeping the best final log-likelihood): section 9.
# - **Exercise 6** (label switching: comparing fits only after pairing their components): section 10.
#
# `em_until_converged` and `best_of` together are `em.fit_em(X, k, tol, n_init=...)`: the loop, the
# stopping rule and restarts. In lesson 08 you take the limit in which EM becomes k-means.
