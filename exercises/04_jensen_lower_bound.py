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
# # Exercises 04 — Jensen's inequality and the lower bound
#
# The log-likelihood of a mixture is a log of a sum. Jensen's inequality trades it for a sum of logs,
# a lower bound that holds for any distribution $q$ over the components of each point. In these
# exercises you first take Jensen's inequality apart on plain numbers, then build the bound, its gap,
# and the chain of inequalities that makes EM climb:
#
# 1. `jensen_gap(w, x)`: how much the inequality drops, for given weights and values,
# 2. a case you construct in which the gap is exactly zero although the values differ,
# 3. the weight at which the gap of two values is largest, derived in closed form,
# 4. the lower bound $\mathcal{L}(q, \theta)$,
# 5. the gap $\log p(X) - \mathcal{L}$ as a KL divergence, checked together with your bound,
# 6. the chain $\ell(\theta^{\text{new}}) \ge \mathcal{L}(q, \theta^{\text{new}}) \ge \mathcal{L}(q, \theta^{\text{old}}) = \ell(\theta^{\text{old}})$
#    of one EM iteration, term by term, with your own bound.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (find a formula the lesson did not write, then code it), *predict*
# (commit to an answer, then measure it) or *decide* (choose something and let the check test that
# it does what you claim). Altogether about 65 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell below it; read its feedback.
# Run the setup cell first. You may use `log_pdf(X, mean, cov)` (imported in the setup); the checks
# notice if your function calls a `coursepkg` function that computes what the exercise asks you to compute
# (also when you import it inside your function).
#
# The lesson these exercises follow: [04 — Jensen lower bound](../notebooks/04_jensen_lower_bound.ipynb).
#
# Notation: a mixture `gmm` has `gmm.k` components, weights $\pi$ `gmm.weights` `(k,)`, means `gmm.means`
# `(k, d)` and covariances `gmm.covariances` `(k, d, d)`. The log joint of point $n$ and component $k$ is
# $a_{nk} = \log p(x_n, z_n = k \mid \theta) = \log \pi_k + \log \mathcal{N}(x_n \mid \mu_k, \Sigma_k)$.
# `q` is an `(n, k)` array whose rows are distributions (non-negative, summing to 1). Components are
# numbered $1, \dots, K$ in the text and $0, \dots, K-1$ in Python.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursepkg.checks import lesson04 as checks
from coursepkg.em import e_step, m_step
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import GMM, log_likelihood, sample
from coursepkg.plotting import COMPONENT_COLORS

gmm = checks.GMM3  # three components in 2-D
X, _ = sample(gmm, 200, np.random.default_rng(4))
print(gmm, "| data:", X.shape)

# %% [markdown]
# ## Exercise 1 — The Jensen gap (1 point · ★☆☆ · about 5 min · implement)
#
# For weights $w_i \ge 0$ summing to 1 and positive values $x_i$, Jensen's inequality for the concave log
# says $\log \sum_i w_i x_i \ge \sum_i w_i \log x_i$. Write `jensen_gap(w, x)` returning the difference
#
# $$\text{gap}(w, x) = \log \Big(\sum_i w_i x_i\Big) - \sum_i w_i \log x_i \;\ge\; 0 .$$
#
# A value with weight 0 takes no part in either average; the check gives you one that is itself 0.
# Think about what floating point makes of $0 \cdot \log 0$.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def jensen_gap(w, x):
    """log(sum_i w_i x_i) - sum_i w_i log x_i over the entries with w_i > 0 (a float >= 0)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_jensen_gap(jensen_gap)


# %% [markdown]
# ## Exercise 2 — A gap of zero with different values (1 point · ★☆☆ · about 5 min · decide)
#
# When all the values are equal the gap is obviously 0. Construct an example that is less obvious:
# weights `w` and values `x` (same length, at least two *distinct* positive values, weights $\ge 0$
# summing to 1) whose gap is exactly 0. Return them from `zero_gap_case()` as the pair `(w, x)`.
#
# Before you try numbers, ask which values the inequality actually looks at. The check computes the gap of
# your example itself, and "zero" means exactly zero: two values that differ in the ninth digit give a gap
# too small to print, not a gap of 0. Once it passes, compare its message with your reason: the same
# condition is what makes the bound of exercise 4 tight (lesson 04, section 4).

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def zero_gap_case():
    """(w, x): weights and at least two distinct positive values whose Jensen gap is exactly 0."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_zero_gap(zero_gap_case)

# %% [markdown]
# ## Exercise 3 — Where Jensen loses the most (2 points · ★★☆ · about 20 min · derive)
#
# Take two values $a, b > 0$ ($a \ne b$) and the weights $(w, 1 - w)$. The gap
#
# $$g(w) = \log\big(w a + (1 - w) b\big) - w \log a - (1 - w) \log b$$
#
# is 0 at $w = 0$ and at $w = 1$ and positive in between. At which $w$ is it largest? Derive the maximiser
# on paper, in closed form, then write `worst_weight(a, b)` returning it (a float in $[0, 1]$).
#
# The check compares your formula with an accurate numerical value of the maximiser on several pairs
# $(a, b)$: $a < b$, $a > b$, and two pairs a thousandth apart, where $g$ is so flat near its top that a
# numerical search on $g$ misses the maximiser in the sixth digit; a closed form does not. If your answer
# does not match, the check tells you which slip your number looks like.
#
# Something to think about: is the answer $\tfrac12$? The chord and the curve in lesson 04's first figure
# are a hint. And once you have $w^\ast$, what is the mean $w^\ast a + (1 - w^\ast) b$ at the maximum? It has a name.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def worst_weight(a, b):
    """The weight w of a at which log(w a + (1 - w) b) - w log a - (1 - w) log b is largest."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_worst_weight(worst_weight)

# %% [markdown]
# Your maximiser on the gap curve of $a = 0.5$, $b = 6$ (not graded): the dot should sit on the top.

# %%
try:
    a_val, b_val = 0.5, 6.0
    ws = np.linspace(0.0, 1.0, 201)
    gaps = [jensen_gap([w, 1 - w], [a_val, b_val]) for w in ws]
    w_star = worst_weight(a_val, b_val)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    ax.plot(ws, gaps, color=COMPONENT_COLORS[0], lw=2, label="Jensen gap g(w)")
    ax.plot([w_star], [jensen_gap([w_star, 1 - w_star], [a_val, b_val])], "o", color=COMPONENT_COLORS[1],
            mec="black", ms=8, label=f"your w* = {w_star:.3f}")
    ax.set(xlabel="w, the weight of a = 0.5", ylabel="gap (nats)", title="The gap of two values, a = 0.5 and b = 6")
    ax.legend()
    plt.show()
except NotImplementedError:
    print("Finish exercises 1 and 3 to see the figure.")

# %% [markdown]
# ## Exercise 4 — The lower bound $\mathcal{L}(q, \theta)$ (2 points · ★☆☆ · about 10 min · implement)
#
# Multiply and divide by $q_{nk}$ inside the sum over components, then apply Jensen with the weights $q_n$:
#
# $$\log p(x_n \mid \theta) = \log \sum_k q_{nk} \frac{p(x_n, k \mid \theta)}{q_{nk}}
#   \;\ge\; \sum_k q_{nk} \log \frac{p(x_n, k \mid \theta)}{q_{nk}} .$$
#
# Summed over points, the right-hand side is the **lower bound**
#
# $$\mathcal{L}(q, \theta) = \sum_{n} \sum_{k} q_{nk} \big( a_{nk} - \log q_{nk} \big).$$
#
# Write `lower_bound(X, q, gmm)` returning it (a float), building the table $a_{nk}$ yourself from
# `log_pdf` and the weights. The check uses one-hot $q$ and a component of weight 0 with $q = 0$ on it:
# the convention $0 \log 0 = 0$ of exercise 1 applies, and a component of weight $\pi_k = 0$ has
# $\log \pi_k = -\infty$, which must not turn the bound into NaN where its $q_{nk}$ is 0.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def lower_bound(X, q, gmm):
    """L(q, theta) = sum_n sum_k q_nk (log p(x_n, k) - log q_nk), with 0 log 0 = 0. Returns a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_lower_bound(lower_bound)


# %% [markdown]
# ## Exercise 5 — The gap is a KL divergence (2 points · ★★☆ · about 15 min · implement)
#
# Write $p(x, k) = p(x)\, p(k \mid x)$ inside the bound. Since $\sum_k q_k = 1$,
#
# $$\sum_k q_k \log \frac{p(x)\, p(k \mid x)}{q_k} = \log p(x) - \sum_k q_k \log \frac{q_k}{p(k \mid x)}
#   = \log p(x) - \mathrm{KL}\big(q \,\|\, p(\cdot \mid x)\big).$$
#
# So $\log p(X) = \mathcal{L}(q, \theta) + \sum_n \mathrm{KL}(q_n \,\|\, p(z_n \mid x_n, \theta))$ exactly.
# Write `kl_gap(X, q, gmm)` returning $\sum_n \sum_k q_{nk} \big(\log q_{nk} - \log p(z_n = k \mid x_n)\big)$,
# again skipping $q_{nk} = 0$. The check includes points 1000 units from every mean, where every
# $e^{a_{nk}}$ is 0 in floating point: the posterior has to come from the $a_{nk}$ without ever
# exponentiating them on their own. Lesson 04, section 3 computes its log-posterior in exactly that way.
#
# The check also adds your two functions: $\log p(X) - (\mathcal{L} + \mathrm{KL})$ must vanish.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def kl_gap(X, q, gmm):
    """sum_n KL(q_n || p(z_n | x_n, theta)), with 0 log 0 = 0. Returns a float >= 0."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_kl_gap(kl_gap, student_lower_bound=lower_bound)

# %% [markdown]
# ## The bound for one point, as $q$ moves (not graded)
#
# For one point and two of the components, every $q = (t, 1 - t)$ gives a bound. The next cell draws
# $\mathcal{L}$ from your `lower_bound` against $t$, with the log-likelihood $\log p(x)$ of the
# two-component mixture above it, and marks where your `kl_gap` is smallest: the curve touches the
# line there, at the posterior.

# %%
try:
    pair = GMM(np.array([0.6, 0.4]), gmm.means[:2], gmm.covariances[:2])
    x = np.array([[2.8, 1.2]])  # a point between the two components
    ts = np.linspace(0.0, 1.0, 401)
    bounds = [lower_bound(x, np.array([[t, 1 - t]]), pair) for t in ts]
    gaps = [kl_gap(x, np.array([[t, 1 - t]]), pair) for t in ts]
    t_star = ts[int(np.argmin(gaps))]
    log_px = log_likelihood(x, pair)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(ts, bounds, color=COMPONENT_COLORS[0], lw=2, label=r"lower bound $\mathcal{L}(q, \theta)$")
    ax.axhline(log_px, color="black", ls="--", label=r"$\log p(x \mid \theta)$")
    ax.axvline(t_star, color=COMPONENT_COLORS[1], ls=":", label=f"smallest KL gap, at q(z = 1) = {t_star:.3f}")
    ax.set_xlabel(r"$q(z = 1)$, the weight $q$ gives component 1")
    ax.set_ylabel("log-likelihood (nats)")
    ax.set_title("The bound touches log p(x) only where the KL gap vanishes")
    ax.set_ylim(log_px - 1.2, log_px + 0.3)
    ax.legend(loc="lower center")
    plt.show()
    print(f"smallest gap on the grid: {min(gaps):.1e}; gap at q = (1/2, 1/2): {kl_gap(x, np.array([[0.5, 0.5]]), pair):.4f}")
except NotImplementedError:
    print("Finish exercises 4 and 5 to see the figure.")

# %% [markdown]
# ## Exercise 6 — Why EM cannot go down, term by term (2 points · ★★☆ · about 10 min · decide)
#
# One EM iteration from $\theta^{\text{old}}$: the E-step sets $q$ to the posterior at $\theta^{\text{old}}$
# (the responsibilities), and the M-step returns the $\theta^{\text{new}}$ that maximises $\mathcal{L}(q, \cdot)$ for that $q$.
# Lesson 04 proves
#
# $$\ell(\theta^{\text{new}}) \;\overset{(a)}{\ge}\; \mathcal{L}(q, \theta^{\text{new}})
#   \;\overset{(b)}{\ge}\; \mathcal{L}(q, \theta^{\text{old}}) \;\overset{(c)}{=}\; \ell(\theta^{\text{old}}).$$
#
# Write `em_chain(X, gmm)` that runs one such iteration from `gmm` with the building blocks of the setup and
# returns the four terms as `(ell_old, L_old, L_new, ell_new)`, the chain read from right to left. Both bounds
# come from **your** `lower_bound`.
#
# The decisions are yours, and the check names the link each wrong one breaks: which $q$ goes into each
# bound, at which parameters each term is evaluated, and what the M-step has to be so that
# $\theta^{\text{new}}$ is the maximiser the chain speaks of (read its docstring before you call it).

# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def em_chain(X, gmm):
    """(ell_old, L_old, L_new, ell_new) for one E-step and one exact M-step from gmm."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex6_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_em_chain(em_chain)

# %% [markdown]
# The chain along a few iterations on the setup data, from a poor start (not graded): link (b) is the
# M-step's climb of the bound, link (a) the gap it reopens, which your `kl_gap` measures. Both are never negative.

# %%
try:
    theta = GMM(np.ones(3) / 3, np.array([[1.0, 1.0], [1.5, 1.5], [2.0, 2.0]]), np.repeat(4 * np.eye(2)[None], 3, 0))
    rows = []
    for t in range(1, 7):
        ell_old, L_old, L_new, ell_new = em_chain(X, theta)
        q = e_step(X, theta)[0]
        theta = m_step(X, q, reg_covar=0.0)
        rows.append(f"{t:5d} {L_new - L_old:11.4f} {ell_new - L_new:9.4f} {kl_gap(X, q, theta):12.4f}")
    print(" step   climb (b)   gap (a)   your kl_gap at theta_new", *rows, sep="\n")
except NotImplementedError:
    print("Finish exercises 4 to 6 first.")

# %% [markdown]
# ## What you practised
#
# - **Exercise 1** (measuring Jensen's gap, with the $0 \log 0$ convention): lesson 04, section 1.
# - **Exercise 2** (building a case of zero gap, and saying when it happens):
#   section 1, the sentence on strict concavity; the same condition is why the bound is tight at the posterior (section 4).
# - **Exercise 3** (a closed-form maximiser by differentiating; the gap is not symmetric): section 1 and its
#   lab, "Lab: move the weights".
# - **Exercise 4** (the evidence lower bound from Jensen, with zero weights and zero $q$): section 2.
# - **Exercise 5** (the gap as a KL divergence, computed in log space; an identity checked with your own two
#   functions): sections 3 and 4.
# - **Exercise 6** (the chain of one EM iteration: which $q$ and which parameters each term uses, and why the
#   M-step must be the exact maximiser): section 5, "Why the log-likelihood can only go up", and section 6
#   for the staircase picture.
#
# EM climbs this bound by coordinate ascent: the E-step sets $q$ to the posterior (closing the gap), the
# M-step raises $\mathcal{L}$ over $\theta$ with $q$ fixed. Lesson 07 puts the steps in a loop.
