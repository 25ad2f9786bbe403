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
# # Exercises 03 — The complete-data likelihood
#
# If we knew which component produced each point, fitting a mixture would be counting and
# averaging. These exercises build that easy case, its "expected" version that EM uses, and three
# results the lesson did not hand you:
#
# 1. the complete-data log-likelihood $\log p(X, z \mid \theta)$ for given labels;
# 2. the maximum-likelihood parameters when the labels are known;
# 3. the Lagrange multiplier for $\pi$ when a background component keeps a fixed weight (derive);
# 4. the expected complete-data log-likelihood $Q(\theta, \theta^{\text{old}})$ for given responsibilities;
# 5. $Q + H = \log p$ on your own functions, and what hard labels cost (derive);
# 6. expected sufficient statistics about a reference point, and the parameters recovered from them,
#    accurate on data $10^7$ away from the origin (derive).
#
# Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard, ★★★ challenging), the
# time a student typically needs and the kind of task: *implement* (turn a formula into code), *derive*
# (work something out on paper, then give the result as code the check can evaluate), *predict* or
# *decide*. All six take about 1 hour 35 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell below it; read its feedback.
# Run the setup cell first. You may use `log_pdf(X, mean, cov)` (imported in the setup; you wrote it
# in exercises 02), but not the `coursepkg.mixture` functions that compute the answer.
#
# The lesson these exercises follow: [03 — Complete-data likelihood](../notebooks/03_complete_data_likelihood.ipynb).
#
# A mixture is passed as a `GMM` object with attributes `gmm.weights` `(K,)`, `gmm.means` `(K, d)`,
# `gmm.covariances` `(K, d, d)` and `gmm.k`, `gmm.d`. Labels `z` are integers in `0..K-1` (the text numbers
# components $1, \dots, K$; Python indexes them from 0); responsibilities `resp` form an `(N, K)` array whose
# rows sum to 1.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np

from coursepkg import datasets
from coursepkg.checks import lesson03 as checks
from coursepkg.em import e_step, m_step
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import GMM

true_gmm = datasets.SYNTHETIC["overlapping"]
X, z = datasets.make_synthetic("overlapping", n=300, rng=0)  # points and the labels that produced them
print(f"{len(X)} points; true weights {true_gmm.weights}; label counts {np.bincount(z)}")

# %% [markdown]
# ## Exercise 1 — The complete-data log-likelihood (2 points · ★☆☆ · about 10 min · implement)
#
# With the label $z_n$ of every point known, the joint density of a point and its label is
# $p(x_n, z_n \mid \theta) = \pi_{z_n} \mathcal{N}(x_n \mid \mu_{z_n}, \Sigma_{z_n})$, and the points are independent, so
#
# $$\log p(X, z \mid \theta) = \sum_{n=1}^{N} \Big[ \log \pi_{z_n} + \log \mathcal{N}(x_n \mid \mu_{z_n}, \Sigma_{z_n}) \Big].$$
#
# There is no sum inside the log: that is what makes the known-label case easy.
#
# Write `complete_log_likelihood(X, z, gmm)` returning this number (a float). Add logs; never multiply densities.

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def complete_log_likelihood(X, z, gmm):
    """sum_n [log pi_{z_n} + log N(x_n | mu_{z_n}, Sigma_{z_n})]. X (n, d), z (n,) ints -> float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_complete_log_likelihood(complete_log_likelihood)


# %% [markdown]
# ## Exercise 2 — Maximum likelihood with known labels (2 points · ★☆☆ · about 15 min · implement)
#
# The complete-data log-likelihood splits into one term for the weights and one term per component,
# so each piece is maximised on its own. With $N_k$ the number of points labelled $k$:
#
# $$\hat\pi_k = \frac{N_k}{N}, \qquad
#   \hat\mu_k = \frac{1}{N_k} \sum_{n:\, z_n = k} x_n, \qquad
#   \hat\Sigma_k = \frac{1}{N_k} \sum_{n:\, z_n = k} (x_n - \hat\mu_k)(x_n - \hat\mu_k)^\top .$$
#
# Count, average, and average the centred outer products. Note the divisor $N_k$, not $N_k - 1$:
# the maximum-likelihood estimate is the biased one (read what numpy's covariance function divides by
# before you use it).
#
# Write `mle_from_labels(X, z, k)` returning `(weights, means, covs)` with shapes `(k,)`, `(k, d)`, `(k, d, d)`.
# A cluster with a single point gets the zero covariance matrix (it is not a valid Gaussian: lesson 06
# explains why the likelihood then runs off to infinity).

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def mle_from_labels(X, z, k):
    """Weights (k,), means (k, d), covariances (k, d, d) maximising the complete-data likelihood."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_mle_from_labels(mle_from_labels)

# %% [markdown]
# Not graded: your estimates fit **this sample** of 300 points best; they differ from the true parameters
# by sampling noise. The estimated weights are the label frequencies $N_k / N$ of the sample, and the
# cell prints how many standard errors $\sqrt{\pi_k (1 - \pi_k) / N}$ they are from the true weights: this
# sample happens to be an unlucky one for the weights (about 2 standard errors off for two of them). No
# other parameters give a larger complete-data log-likelihood on it (we try small perturbations).

# %%
try:
    w_hat, mu_hat, cov_hat = mle_from_labels(X, z, 3)
    label_freq = np.bincount(z, minlength=3) / len(z)
    se = np.sqrt(true_gmm.weights * (1 - true_gmm.weights) / len(z))
    print("estimated weights:", np.round(w_hat, 3), " label frequencies N_k / N:", np.round(label_freq, 3),
          " true:", true_gmm.weights)
    print("  off by", np.round((w_hat - true_gmm.weights) / se, 1), "standard errors")
    print("estimated means:\n", np.round(mu_hat, 2), "\ntrue means:\n", true_gmm.means)
    fitted = GMM(w_hat, mu_hat, cov_hat)
    best = complete_log_likelihood(X, z, fitted)
    rng = np.random.default_rng(1)
    worse = [complete_log_likelihood(X, z, GMM(w_hat, mu_hat + 0.05 * rng.normal(size=mu_hat.shape), cov_hat))
             for _ in range(20)]
    print(f"complete-data log-likelihood at the estimate: {best:.3f}; "
          f"largest over 20 perturbed means: {max(worse):.3f}")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — The Lagrange multiplier, with a background component (2 points · ★☆☆ · about 10 min · derive)
#
# The lesson maximised $\sum_k N_k \log \pi_k$ subject to $\sum_k \pi_k = 1$. A mixture often carries one
# extra **background** component (a very wide one that catches outliers) whose weight $\varepsilon$ is fixed
# in advance; the $K$ free components share what is left. Their part of the objective is then
#
# $$\sum_{k=1}^K N_k \log \pi_k \quad \text{subject to} \quad \sum_{k=1}^K \pi_k = 1 - \varepsilon,
#   \qquad \text{with the Lagrangian} \quad \sum_k N_k \log \pi_k + \nu \Big(1 - \varepsilon - \sum_k \pi_k\Big)$$
#
# (the lesson's sign convention for the multiplier $\nu$; the background's own term does not depend on the
# free weights). The counts $N_k$ need not be whole numbers: with responsibilities they are $N_k = \sum_n r_{nk}$.
#
# Derive the stationary point on paper: the value of $\nu$ and the weights $\pi_k$, in terms of the $N_k$
# and $\varepsilon$ (with $\varepsilon = 0$ you must get the lesson's answer). Then write
# `lagrange_weights(counts, eps)` returning `(nu, weights)`: `counts` holds the $N_k$ of the free components
# (shape `(K,)`), `eps` is $\varepsilon$; `nu` is a float and `weights` an array of shape `(K,)`. The check
# evaluates your formulas on several counts and values of $\varepsilon$, and names the usual slips.

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def lagrange_weights(counts, eps):
    """(nu, weights) where the derivative of the Lagrangian vanishes. counts (K,), eps float -> (float, (K,))."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_lagrange_weights(lagrange_weights)


# %% [markdown]
# ## Exercise 4 — The expected complete-data log-likelihood $Q$ (2 points · ★★☆ · about 15 min · implement)
#
# The labels are hidden. EM replaces the one-hot label by the responsibilities $r_{nk} = p(z_n = k \mid x_n, \theta^{\text{old}})$
# and takes the expectation of the complete-data log-likelihood:
#
# $$Q(\theta, \theta^{\text{old}}) = \mathbb{E}_{z \sim r}\big[\log p(X, z \mid \theta)\big]
#   = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk} \Big[ \log \pi_k + \log \mathcal{N}(x_n \mid \mu_k, \Sigma_k) \Big].$$
#
# (The expectation of the indicator $[z_n = k]$ is $r_{nk}$.) With one-hot $r$ this is exercise 1 again.
#
# Write `Q(X, resp, gmm)` returning this float. A term with $r_{nk} = 0$ contributes 0, even when
# $\pi_k = 0$ makes $\log \pi_k = -\infty$: what does floating point make of $0 \cdot (-\infty)$, and how do
# you keep such terms out of the sum?

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def Q(X, resp, gmm):
    """sum_n sum_k r_nk [log pi_k + log N(x_n | mu_k, Sigma_k)]. X (n, d), resp (n, k) -> float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_expected_complete_log_likelihood(Q)


# %% [markdown]
# ## Exercise 5 — $Q + H = \log p$ on your functions, and the price of hard labels (2 points · ★★☆ · about 25 min · derive)
#
# Lesson 03, section 9, showed that at the posterior, $Q(\theta, \theta) + H(r) = \log p(X \mid \theta)$, with
# the entropy of the responsibilities
#
# $$H(r) = -\sum_{n=1}^N \sum_{k=1}^K r_{nk} \log r_{nk} \qquad (0 \log 0 = 0).$$
#
# **(a)** Write `entropy(resp)` returning $H(r)$ (a float, in nats). The check then evaluates **your** `Q` from
# exercise 4 and your `entropy` at the posterior of three mixtures and verifies the identity with them.
#
# **(b)** Now take **hard** labels $z$ instead of responsibilities. Then $H = 0$ and $Q$ is the complete-data
# log-likelihood of exercise 1, which the lesson showed is never above $\log p(X \mid \theta)$. By how much is it
# below? Derive the gap $\log p(X \mid \theta) - \log p(X, z \mid \theta)$ as a function of the posterior
# responsibilities $r_{nk} = p(z_n = k \mid x_n, \theta)$ and the labels alone (no densities), and write it as
# `hard_label_gap(resp, z)`. *Think about:* both log-likelihoods are sums over the points; what is the gap of
# a single point, and how can its densities be made to disappear?

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def entropy(resp):
    """H(r) = -sum_nk r_nk log r_nk, with 0 log 0 = 0. resp (n, k) -> float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


def hard_label_gap(resp, z):
    """log p(X | theta) - log p(X, z | theta) from the posterior resp (n, k) at theta and labels z (n,) -> float."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check_entropy", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_entropy(entropy, Q=Q)

# %% nbgrader={"grade": true, "grade_id": "ex5_check_gap", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_hard_label_gap(hard_label_gap)

# %% [markdown]
# Not graded: with responsibilities that are **not** the posterior, $Q + H$ falls below $\log p$ (lesson 04
# says by how much). The cell prints $\log p - (Q + H)$ for the posterior and for a random $r$, on the 300
# points and their true mixture.

# %%
try:
    posterior, log_p = e_step(X, true_gmm)
    random_r = np.random.default_rng(2).dirichlet(np.ones(3), size=len(X))
    for name, r in [("the posterior", posterior), ("random responsibilities", random_r)]:
        print(f"{name:>24}: log p - (Q + H) = {log_p - (Q(X, r, true_gmm) + entropy(r)):.6g} nats")
except NotImplementedError:
    print("Finish exercises 4 and 5 first.")

# %% [markdown]
# ## Exercise 6 — Statistics about a reference point (3 points · ★★☆ · about 20 min · derive)
#
# Everything the M-step needs from the data fits in a few sums per component, and sums can be
# accumulated block by block, or on many machines, and added up. The raw sums $\sum_n r_{nk} x_n x_n^\top$ are a
# trap: on data far from the origin, the covariance formula built on them subtracts two huge, nearly
# equal numbers, and the digits that are left are rounding noise (lesson 03, section 8, points at the
# problem). The remedy is to accumulate the sums **about a reference point** $c$, any point near the data
# (a rough mean from a first look is enough):
#
# $$N_k = \sum_n r_{nk}, \qquad S^{(1)}_k = \sum_n r_{nk}\,(x_n - c), \qquad
#   S^{(2)}_k = \sum_n r_{nk}\,(x_n - c)(x_n - c)^\top .$$
#
# **(a)** Write `statistics_about(X, resp, c)` returning `(Nk, S1, S2)` with shapes `(K,)`, `(K, d)`, `(K, d, d)`.
#
# **(b)** Derive, on paper, the M-step parameters $\pi_k$, $\mu_k$ and $\Sigma_k = \frac{1}{N_k} \sum_n r_{nk}
# (x_n - \mu_k)(x_n - \mu_k)^\top$ from these statistics, $c$ and $N$ alone. Then write
# `params_about(Nk, S1, S2, c, n)` returning `(weights, means, covs)`. Do not go back to raw sums about the
# origin: the check's last case is data **shifted by $10^7$**, with standard deviations around 0.1, where that
# loses every digit. *Think about:* how $x_n - \mu_k$ is related to $x_n - c$, and what is small here.

# %% nbgrader={"grade": false, "grade_id": "ex6_solution", "locked": false, "schema_version": 3, "solution": true}
def statistics_about(X, resp, c):
    """N_k (k,), S1 = sum_n r_nk (x_n - c) (k, d), S2 = sum_n r_nk (x_n - c)(x_n - c)^T (k, d, d)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6: write your code here, then run the check cell below")


def params_about(Nk, S1, S2, c, n):
    """Weights (k,), means (k, d), covariances (k, d, d) from the statistics about c, for n points."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex6: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex6_check_statistics", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_statistics_about(statistics_about)

# %% nbgrader={"grade": true, "grade_id": "ex6_check_params", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_params_about(params_about)

# %% [markdown]
# ## One EM step from your pieces, near the origin and $10^7$ away (not graded)
#
# Responsibilities from a rough start (`e_step`), then your statistics and your parameters: one M-step,
# compared with `coursepkg.em.m_step` on the 300 points. Then the same points scaled by 0.1 and shifted by
# $10^7$, as in the check, with $c$ the first point: the right covariances are `m_step`'s times 0.01 (scaling
# by 0.1 scales a covariance by 0.01, and a shift changes nothing). The cell compares your covariances with
# those, and also the raw formula $\frac{1}{N_k}\sum_n r_{nk} x_n x_n^\top - \mu_k \mu_k^\top$ (computed
# here), which is off by more than the covariances themselves. The last line shows that $Q$, computed with
# your function, went up.

# %%
try:
    start = GMM(np.full(3, 1 / 3), X[[0, 1, 2]], np.repeat(np.cov(X.T)[None], 3, axis=0))
    resp, loglik = e_step(X, start)
    reference = m_step(X, resp, reg_covar=0.0)
    w_new, mu_new, cov_new = (np.asarray(v, dtype=float) for v in params_about(*statistics_about(X, resp, X[0]), X[0], len(X)))
    if cov_new.shape != (3, 2, 2) or not np.all(np.isfinite(cov_new)) or not np.all(np.linalg.eigvalsh(cov_new) > 0):
        print("Your covariances are not positive definite (or not of shape (3, 2, 2)), so they are not covariances "
              "of a Gaussian: recheck exercise 6b (its check says what is wrong).")
    else:
        print(f"largest difference from m_step: {np.abs(cov_new - reference.covariances).max():.1e} (covariances), "
              f"{np.abs(mu_new - reference.means).max():.1e} (means)")
        far = 0.1 * X + 1e7
        _, mu_far, cov_far = params_about(*statistics_about(far, resp, far[0]), far[0], len(far))
        right_far = 0.01 * reference.covariances
        Nk = resp.sum(axis=0)
        raw_mean = resp.T @ far / Nk[:, None]
        raw_cov = np.einsum("nk,ni,nj->kij", resp, far, far) / Nk[:, None, None] - np.einsum("ki,kj->kij", raw_mean, raw_mean)
        print(f"scaled by 0.1 and shifted by 1e7 (covariances of size {np.abs(right_far).max():.3f}), largest error: "
              f"yours {np.abs(cov_far - right_far).max():.1e}, raw formula {np.abs(raw_cov - right_far).max():.1e}")
        print(f"Q(start) = {Q(X, resp, start):.3f}  ->  Q(after the update) = {Q(X, resp, GMM(w_new, mu_new, cov_new)):.3f}")
except NotImplementedError:
    print("Finish exercises 4 and 6 first.")

# %% [markdown]
# ## What you practised
#
# | exercise | the skill | reread if it was hard |
# |---|---|---|
# | 1 | the complete-data log-likelihood: one term per point, no sum inside the log | lesson 03, section 4 |
# | 2 | maximum likelihood with known labels: count, average, centred spread | lesson 03, section 5 |
# | 3 | a constrained maximum by a Lagrange multiplier, on a problem the lesson did not solve | lesson 03, section 5 |
# | 4 | $Q$ as an expectation over the labels, and $0 \log 0 = 0$ in code | lesson 03, section 7 |
# | 5 | $Q + H = \log p$ at the posterior, and the gap of hard labels derived | lesson 03, section 9 |
# | 6 | sufficient statistics about a reference point, and why raw second moments fail | lesson 03, section 8 |
#
# With labels, fitting is counting and averaging (exercises 1–3). Without them, the responsibilities
# stand in for the labels (exercise 4), $Q$ sits below the log-likelihood by the entropy of the labels
# (exercise 5), and the fit needs only a few sums, taken about a point near the data (exercise 6).
# Lesson 04 explains why raising $Q$ raises the actual log-likelihood.
