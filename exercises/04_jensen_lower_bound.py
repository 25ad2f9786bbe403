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
# The log-likelihood of a mixture is a log of a sum. Jensen's inequality turns it into a bound
# that is a sum of logs, for any distribution $q$ over the components of each point. You build:
#
# 1. the lower bound $\mathcal{L}(q, \theta)$,
# 2. the gap $\sum_n \mathrm{KL}(q_n \,\|\, p(z_n \mid x_n, \theta))$, and a check that $\log p(X) = \mathcal{L} + \mathrm{KL}$,
# 3. the $q$ that closes the gap (the posterior),
# 4. a small example worked by hand.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell below it; read its feedback.
# Run the setup cell first. You may use `log_pdf(X, mean, cov)` (imported in the setup), but not
# `coursepkg.em.lower_bound` or `coursepkg.em.e_step`.
#
# The lesson these exercises follow: [04 — Jensen lower bound](../notebooks/04_jensen_lower_bound.ipynb).
#
# Notation: a mixture `gmm` has `gmm.weights` $\pi$ `(k,)`, `gmm.means` `(k, d)`, `gmm.covariances`
# `(k, d, d)`. The log joint of point $n$ and component $k$ is
# $a_{nk} = \log p(x_n, z_n = k \mid \theta) = \log \pi_k + \log \mathcal{N}(x_n \mid \mu_k, \Sigma_k)$.
# `q` is an `(n, k)` array whose rows are distributions (non-negative, summing to 1).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursepkg.checks import lesson04 as checks
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import log_likelihood, sample
from coursepkg.plotting import COMPONENT_COLORS

gmm = checks.GMM3  # three components in 2-D
X, _ = sample(gmm, 200, np.random.default_rng(4))
print(gmm, "| data:", X.shape)


def log_joint(X, gmm):
    """a[n, k] = log pi_k + log N(x_n | mu_k, Sigma_k): shape (n, k); -inf where pi_k = 0."""
    with np.errstate(divide="ignore"):
        log_weights = np.log(gmm.weights)
    return np.stack([log_weights[j] + log_pdf(X, gmm.means[j], gmm.covariances[j]) for j in range(gmm.k)], axis=1)


# %% [markdown]
# ## Exercise 1 — The lower bound $\mathcal{L}(q, \theta)$ (2 points)
#
# Multiply and divide by $q_{nk}$ inside the sum, then use that $\log$ is concave (Jensen: the log of
# an average is at least the average of the logs):
#
# $$\log p(x_n \mid \theta) = \log \sum_k q_{nk} \frac{p(x_n, k \mid \theta)}{q_{nk}}
#   \;\ge\; \sum_k q_{nk} \log \frac{p(x_n, k \mid \theta)}{q_{nk}} .$$
#
# Summed over points, the right-hand side is the **lower bound**
#
# $$\mathcal{L}(q, \theta) = \sum_{n} \sum_{k} q_{nk} \big( a_{nk} - \log q_{nk} \big).$$
#
# Write `lower_bound(X, q, gmm)` returning it (a float). Entries with $q_{nk} = 0$ contribute 0
# ($q \log q \to 0$ as $q \to 0$), but in floating point `0 * np.log(0)` is NaN: sum only the
# entries with $q_{nk} > 0$. The helper `log_joint(X, gmm)` from the setup gives $a$.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def lower_bound(X, q, gmm):
    """L(q, theta) = sum_n sum_k q_nk (log p(x_n, k) - log q_nk), with 0 log 0 = 0. Returns a float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_lower_bound(lower_bound)


# %% [markdown]
# ## Exercise 2 — The gap is a KL divergence (2 points)
#
# Write $p(x, k) = p(x)\, p(k \mid x)$ inside the bound. Since $\sum_k q_k = 1$,
#
# $$\sum_k q_k \log \frac{p(x)\, p(k \mid x)}{q_k} = \log p(x) - \sum_k q_k \log \frac{q_k}{p(k \mid x)}
#   = \log p(x) - \mathrm{KL}\big(q \,\|\, p(\cdot \mid x)\big).$$
#
# So $\log p(X) = \mathcal{L}(q, \theta) + \sum_n \mathrm{KL}(q_n \,\|\, p(z_n \mid x_n, \theta))$ exactly,
# and the gap is never negative.
#
# Write `kl_gap(X, q, gmm)` returning $\sum_n \sum_k q_{nk} \big(\log q_{nk} - \log p(z_n = k \mid x_n)\big)$,
# again skipping $q_{nk} = 0$. Compute the log-posterior in log space,
# $\log p(k \mid x_n) = a_{nk} - \log \sum_j e^{a_{nj}}$, with the log-sum-exp trick (subtract the row maximum):
# the check includes points 1000 units away, where every $e^{a_{nk}}$ is 0.
#
# The check also adds your two functions: $\log p(X) - (\mathcal{L} + \mathrm{KL})$ must vanish.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def kl_gap(X, q, gmm):
    """sum_n KL(q_n || p(z_n | x_n, theta)), with 0 log 0 = 0. Returns a float >= 0."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_kl_gap(kl_gap, student_lower_bound=lower_bound)


# %% [markdown]
# ## Exercise 3 — The $q$ that makes the bound tight (2 points)
#
# The gap is a KL divergence, which is zero exactly when its two arguments agree. So for fixed
# $\theta$ the best $q$ is the posterior,
#
# $$q^\star_{nk} = p(z_n = k \mid x_n, \theta) = \frac{\pi_k \mathcal{N}(x_n \mid \mu_k, \Sigma_k)}{\sum_j \pi_j \mathcal{N}(x_n \mid \mu_j, \Sigma_j)},$$
#
# and at $q^\star$ the bound equals $\log p(X)$. Write `optimal_q(X, gmm)` returning it, shape `(n, k)`,
# computed in log space (the check includes far points). This is the E-step, which lesson 05 derives
# a second way.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def optimal_q(X, gmm):
    """The posterior p(z_n = k | x_n, theta): shape (n, k), rows summing to 1."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_optimal_q(optimal_q)

# %% [markdown]
# ## The bound for one point, as $q$ moves (not graded)
#
# For one point and two of the components, every $q = (t, 1 - t)$ gives a bound. The next cell draws
# $\mathcal{L}$ from your `lower_bound` against $t$ with the log-likelihood $\log p(x)$ of the
# two-component mixture above it: the curve touches the line once, at $t$ equal to the posterior from your `optimal_q`.

# %%
try:
    from coursepkg.mixture import GMM

    pair = GMM(np.array([0.6, 0.4]), gmm.means[:2], gmm.covariances[:2])
    x = np.array([[2.8, 1.2]])  # a point between the two components
    ts = np.linspace(0.0, 1.0, 401)
    bounds = [lower_bound(x, np.array([[t, 1 - t]]), pair) for t in ts]
    t_star = optimal_q(x, pair)[0, 0]
    log_px = log_likelihood(x, pair)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(ts, bounds, color=COMPONENT_COLORS[0], lw=2, label=r"lower bound $\mathcal{L}(q, \theta)$")
    ax.axhline(log_px, color="black", ls="--", label=r"$\log p(x \mid \theta)$")
    ax.axvline(t_star, color=COMPONENT_COLORS[1], ls=":", label=f"posterior $p(z = 0 \\mid x)$ = {t_star:.3f}")
    ax.set_xlabel(r"$q(z = 0)$, the weight $q$ gives component 0")
    ax.set_ylabel("log-likelihood (nats)")
    ax.set_title("The bound touches log p(x) only at the posterior")
    ax.set_ylim(log_px - 1.2, log_px + 0.3)
    ax.legend(loc="lower center")
    plt.show()
    print(f"gap at the posterior: {log_px - lower_bound(x, optimal_q(x, pair), pair):.1e}; "
          f"gap at q = (1/2, 1/2): {log_px - lower_bound(x, np.array([[0.5, 0.5]]), pair):.4f}")
except NotImplementedError:
    print("Finish exercises 1 and 3 to see the figure.")

# %% [markdown]
# ## Exercise 4 — A bound by hand (1 point)
#
# One point $x$, two components, with joint values $p(x, z = 1) = 0.3$ and $p(x, z = 2) = 0.1$.
# Work out on paper, with natural logarithms:
#
# * the bound $\mathcal{L}$ at $q = (\tfrac12, \tfrac12)$,
# * the gap $\log p(x) - \mathcal{L}$ at that $q$ (it should be the KL divergence of $q$ from the posterior),
# * the $q^\star$ at which the gap is zero.
#
# Return the three answers from `hand_computed()` as `(L, gap, q_star)`, with `q_star` a length-2 array.
# Use numbers and `np.log`, not the functions above: the point is to see the formulas at work once.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def hand_computed():
    """(L at q = (1/2, 1/2), the gap log p(x) - L, the q_star that closes the gap)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_hand_computed(hand_computed)

# %% [markdown]
# ## What you built
#
# For every $q$, $\log p(X) = \mathcal{L}(q, \theta) + \mathrm{KL}$, so $\mathcal{L}$ is a lower bound, tight
# at the posterior. EM climbs this bound by coordinate ascent: the E-step sets $q$ to the posterior
# (your `optimal_q`, closing the gap), the M-step raises $\mathcal{L}$ over $\theta$ with $q$ fixed (which is
# maximising $Q$ of lesson 03, since the entropy term does not depend on $\theta$). Each step can only
# raise the bound, and after each E-step the bound equals the log-likelihood, so the log-likelihood
# never decreases.
