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
# # Exercises 11 — EM for a mixture of Bernoullis
#
# In these exercises you build EM for the lesson's second model, a mixture of Bernoullis on binary 8×8 digits,
# from its pieces, and then make a modelling decision with it:
#
# 1. `e_step(X, weights, probs)`: the responsibilities and the log-likelihood, in log space, correct for images of
#    any size;
# 2. `m_step(X, resp, alpha, beta, gamma)`: the M-step with a Beta prior on every pixel probability and a Dirichlet
#    prior on the weights, which you derive first;
# 3. `bound_kl(X, q, weights, probs)`: the lower bound $\mathcal L(q, \theta)$ and the KL gap for a $q$ you are given,
#    whose sum must be the log-likelihood;
# 4. a decision: how strong a prior to use, judged on digits you never see;
# 5. a prediction: where EM takes components that start out identical.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (write a
# function), *derive* (work a formula out on paper, then code it), *predict* (commit to an answer
# before you measure it) or *decide* (choose a value that does what is asked; the check measures it).
# All five take about 80 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the `raise NotImplementedError`
# line), then run the check cell right below it. A check prints `✓ ... checks passed` or tells you what looks
# wrong and what the likely mistake is. Run the setup cell first. Use numpy and `scipy.special`; the checks notice if
# you call the `coursepkg.bernoulli` function you are asked to write.
#
# The lesson these exercises follow: [11 — EM as a general recipe](../notebooks/11_em_general.ipynb).
#
# Notation (as in the lesson): images $x_1, \dots, x_N \in \{0, 1\}^d$ are the rows of `X` (shape `(N, d)`, here
# $d = 64$ pixels); component $k = 1, \dots, K$ has weight $\pi_k$ = `weights[k - 1]` and pixel probabilities
# $\mu_{kj}$ = `probs[k - 1, j]` (its prototype, a row of `probs`, shape `(K, d)`). The log joint of image $n$ and
# component $k$ is
#
# $$a_{nk} = \log p(x_n, z_n = k \mid \theta) = \log \pi_k + \sum_{j=1}^d \big[x_{nj} \log \mu_{kj} + (1 - x_{nj}) \log(1 - \mu_{kj})\big].$$

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np
from scipy import special

from coursepkg import bernoulli
from coursepkg.checks import lesson11 as checks

X, y = bernoulli.load_binary_digits()  # 1797 binary digits (N, 64) and their labels 0..9
weights_A, probs_A = checks.WEIGHTS_A, checks.PROBS_A  # a 3-component mixture: smoothed mean images of 0, 1 and 7
train, valid = checks.TRAIN, checks.VALID  # exercise 4: 200 images to fit on, 400 others to compare choices on
print(f"X: {X.shape}, weights_A: {weights_A}, probs_A: {probs_A.shape}; train {train.shape}, valid {valid.shape}")

# %% [markdown]
# ## Exercise 1 — The E-step in log space (2 points · ★★☆ · about 15 min · implement)
#
# Write `e_step(X, weights, probs)` returning the pair `(resp, log_likelihood)`: the responsibilities
# $r_{nk} = p(z_n = k \mid x_n, \theta)$, shape `(N, K)` with rows summing to 1, and $\log p(X \mid \theta) = \sum_n \log p(x_n \mid \theta)$,
# a float.
#
# The textbook formula multiplies $d$ probabilities per image and component. For 64 pixels that still fits in
# a float64; the check also runs your function on images of 2,000 pixels (and the teacher's hidden tests on other
# long images). Work out what happens to such a product, and write the E-step so that it cannot happen.
#
# *Think about:* which of the two terms of $a_{nk}$ does an image's pixel that is **off** contribute to? Which axis
# do you normalise over? And what must the responsibilities of a component of weight 0 be?

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def e_step(X, weights, probs):
    """Responsibilities (N, K) and log p(X | theta) (float) of a mixture of Bernoullis, in log space."""
    ### BEGIN SOLUTION
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf: that component's r_nk is 0
        a = np.log(weights) + X @ np.log(probs).T + (1 - X) @ np.log1p(-probs).T  # a_nk, (N, K)
    log_px = special.logsumexp(a, axis=1)  # log p(x_n), (N,)
    return np.exp(a - log_px[:, None]), float(log_px.sum())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_e_step(e_step)
### BEGIN HIDDEN TESTS
checks.check_e_step(e_step, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your E-step on all 1797 digits with the mixture `weights_A, probs_A` (not graded): the component of the 0s
# should take most images of 0, and so on.

# %%
try:
    resp, log_lik = e_step(X, weights_A, probs_A)
    for digit, k in ((0, 0), (1, 1), (7, 2)):
        print(f"images of {digit}: mean responsibility of component {k + 1}: {resp[y == digit, k].mean():.3f}")
    print(f"log-likelihood {log_lik:.1f} nats, {log_lik / len(X):.2f} per image")
except NotImplementedError:
    print("Finish exercise 1 first.")

# %% [markdown]
# ## Exercise 2 — Derive the M-step with priors on both (2 points · ★★☆ · about 20 min · derive)
#
# Given responsibilities $r_{nk}$, the M-step maximises $Q(\theta, \theta^{\text{old}}) + \log p(\theta)$ over $\theta$, where
# $Q = \sum_n \sum_k r_{nk}\, a_{nk}(\theta)$. The lesson put a Beta($\alpha$, $\beta$) prior on every $\mu_{kj}$ and none on the
# weights. Here the weights get one too: a symmetric **Dirichlet($\gamma$)** prior, density proportional to
# $\prod_k \pi_k^{\gamma - 1}$ on the simplex ($\gamma \ge 1$; $\gamma = 1$ is flat), independent of the Beta priors.
#
# **Derive** on paper the maximiser: the weights $\pi_k$ (with the constraint $\sum_k \pi_k = 1$: what is the multiplier
# now?) and each $\mu_{kj}$, in terms of $N_k = \sum_n r_{nk}$ and $S_{kj} = \sum_n r_{nk} x_{nj}$. Is your stationary point a
# maximum? Then write `m_step(X, resp, alpha, beta, gamma)` returning `(weights, probs)` with shapes `(K,)` and `(K, d)`.
#
# *Before you code:* what do your formulas give with $\alpha = \beta = \gamma = 1$? For a component no image belongs to
# ($N_k = 0$), with $\gamma = 2$? Do your weights sum to 1? The check uses priors with $\alpha \ne \beta$.

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def m_step(X, resp, alpha, beta, gamma):
    """Weights (K,) and pixel probabilities (K, d) maximising Q + log p(theta): Beta(alpha, beta) on each mu_kj,
    a symmetric Dirichlet(gamma) on the weights."""
    ### BEGIN SOLUTION
    # pi: maximise sum_k (N_k + gamma - 1) log pi_k with sum_k pi_k = 1. The multiplier is -(N + K (gamma - 1)):
    #     pi_k = (N_k + gamma - 1) / (N + K (gamma - 1)), a concave problem, so the maximum.
    # mu_kj: d/dmu [(S + alpha - 1) log mu + (N_k - S + beta - 1) log(1 - mu)] = 0, a concave function:
    #        mu = (S + alpha - 1) / (N_k + alpha + beta - 2), strictly inside (0, 1) when alpha, beta > 1.
    nk = resp.sum(axis=0)
    s = resp.T @ X
    K = resp.shape[1]
    return (nk + gamma - 1) / (len(X) + K * (gamma - 1)), (s + alpha - 1) / (nk[:, None] + alpha + beta - 2)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_m_step(m_step)
### BEGIN HIDDEN TESTS
checks.check_m_step(m_step, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your two steps make EM (not graded): ten iterations on all digits from ten different starts (the first image of
# each digit, blurred towards 1/2), and the log posterior after each, which must never fall.

# %%
try:
    firsts = [np.flatnonzero(y == digit)[0] for digit in range(10)]
    w, p = np.full(10, 0.1), (X[firsts] + 1) / 3  # ten distinct starts: 1/3 or 2/3 per pixel
    history = []
    for it in range(10):
        r, ll = e_step(X, w, p)
        log_prior = np.sum((2 - 1) * np.log(p) + (2 - 1) * np.log1p(-p)) + p.size * np.log(6)  # Beta(2, 2)
        history.append(ll + log_prior)
        print(f"iteration {it}: log posterior {history[-1]:.1f} nats")
        w, p = m_step(X, r, 2.0, 2.0, 1.0)
    falls = np.diff(history).min()
    print("never fell: yes" if falls >= 0 else f"it fell by {-falls:.3g} nats at some iteration: look for the bug")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — The lower bound and the gap for your own q (2 points · ★★☆ · about 15 min · implement)
#
# For any distributions $q_{n\cdot}$ over the components (one row per image),
#
# $$\mathcal L(q, \theta) = \sum_n \sum_k q_{nk} \big(a_{nk} - \log q_{nk}\big), \qquad
# \mathrm{KL} = \sum_n \sum_k q_{nk} \log \frac{q_{nk}}{p(z_n = k \mid x_n, \theta)},$$
#
# and the lesson showed $\mathcal L + \mathrm{KL} = \log p(X \mid \theta)$. Write `bound_kl(X, q, weights, probs)` returning the pair
# `(L, KL)`, two floats. Compute each **from its own definition**: then $\mathcal L + \mathrm{KL} = \log p$ is a test of your
# code, while computing one as $\log p$ minus the other would make it true by construction and test nothing (the check
# compares each with its definition, but it cannot tell how you got a right number).
#
# *Think about:* a $q$ may have entries equal to 0 (a hard assignment). What is $0 \log 0$ in the limit, and what is it
# in floating point? And where does the posterior $p(z_n = k \mid x_n, \theta)$ come from, in log space?

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def bound_kl(X, q, weights, probs):
    """(L(q, theta), sum_n KL(q_n || p(z_n | x_n, theta))) for a mixture of Bernoullis, two floats."""
    ### BEGIN SOLUTION
    a = np.log(weights) + X @ np.log(probs).T + (1 - X) @ np.log1p(-probs).T
    log_post = a - special.logsumexp(a, axis=1, keepdims=True)  # log p(z_n = k | x_n, theta)
    q_log_q = special.xlogy(q, q)  # 0 log 0 = 0
    L = np.sum(q * a) - np.sum(q_log_q)
    KL = np.sum(q_log_q - q * log_post)
    return float(L), float(KL)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_bound_kl(bound_kl)
### BEGIN HIDDEN TESTS
checks.check_bound_kl(bound_kl, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4 — How strong a prior? (2 points · ★★☆ · about 20 min · decide)
#
# The lesson's section 11 fitted 10 components to 200 digits: with no prior some new digits got probability 0,
# and Beta(2, 2) fixed that. But is $a = 2$ in Beta($a$, $a$) the best strength? Too weak, and pixel probabilities
# from a few images sit near 0 or 1; too strong, and 200 images cannot outweigh the pseudo-counts.
#
# **Decide** on a strength $a \ge 1$ and write `choose_prior_strength()` returning it. The check fits
# `bernoulli.fit_bernoulli_em(train, 10, rng=0, prior=(a, a), max_iter=300)` and measures the average log-likelihood
# per image of **797 test digits you do not have**. It passes if that is within 0.25 nats per image of what the best
# strength reaches; a failure does not tell you the test score, nor in which direction to move. You have `train` (to fit on) and `valid` (400 other digits, to compare choices on): make the
# decision with them, e.g. by scoring a few values of $a$ with your `e_step`. Keep the code of your search in the
# function or in a cell above it.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def choose_prior_strength():
    """a >= 1 for a Beta(a, a) prior on every pixel probability, chosen on the validation digits."""
    ### BEGIN SOLUTION
    scores = {}
    for a in (1.05, 1.1, 1.2, 1.3, 1.5, 1.75, 2.0, 3.0, 5.0):
        fit = bernoulli.fit_bernoulli_em(train, 10, rng=0, prior=(a, a), max_iter=300)
        _, ll = e_step(valid, fit.mixture.weights, fit.mixture.probs)
        scores[a] = ll / len(valid)
    return max(scores, key=scores.get)  # 1.3 on these images
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_prior_strength(choose_prior_strength)

# %% [markdown]
# ## Exercise 5 — Identical components (1 point · ★☆☆ · about 10 min · predict)
#
# Start EM from $K$ components that are all the same: weights $1/K$ and every $\mu_{kj} = 1/2$. Then run 5 EM iterations
# (an E-step, then the M-step with a Beta($\alpha$, $\beta$) prior and no prior on the weights, $\gamma = 1$, five times).
#
# **Predict** where the prototype of component 1 ends, as a formula in the data, $K$, $\alpha$ and $\beta$, and write
# `predicted_prototype(X, K, alpha, beta)` returning it, shape `(d,)`. Work it out on paper by following one iteration:
# what are the responsibilities, what does the M-step give, and what happens in the next iteration? The check runs the
# iterations with its own E- and M-steps on data sets you do not see; the cell after it measures with yours.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def predicted_prototype(X, K, alpha, beta):
    """The prototype of component 1 after 5 EM iterations from K identical components (mu_kj = 1/2), shape (d,)."""
    ### BEGIN SOLUTION
    # identical components get identical responsibilities r_nk = 1/K, so N_k = N / K and S_kj = (1/K) sum_n x_nj:
    # mu_kj = (N xbar_j / K + alpha - 1) / (N / K + alpha + beta - 2), the same for every k; the next E-step again
    # gives 1/K, so nothing moves after the first iteration (an unstable fixed point: lesson 11, section 13)
    n_k = len(X) / K
    return (n_k * X.mean(axis=0) + alpha - 1) / (n_k + alpha + beta - 2)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_symmetric_prototype(predicted_prototype)
### BEGIN HIDDEN TESTS
checks.check_symmetric_prototype(predicted_prototype, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The measurement with your own functions (not graded): five iterations on all digits from four identical components,
# against your prediction.

# %%
try:
    w, p = np.full(4, 0.25), np.full((4, X.shape[1]), 0.5)
    for _ in range(5):
        w, p = m_step(X, e_step(X, w, p)[0], 2.0, 2.0, 1.0)
    predicted = predicted_prototype(X, 4, 2.0, 2.0)
    print(f"largest |prediction - measured prototype|, over the 4 components: {np.abs(p - predicted).max():.1e}")
except NotImplementedError:
    print("Finish exercises 1, 2 and 5 first.")

# %% [markdown]
# ## What you practised
#
# - **The E-step of a new model in log space** (exercise 1): the log joint as two matrix products, both the pixels
#   that are on and those that are off, normalised over components by log-sum-exp, so that no product of
#   probabilities is ever formed. If it was hard, reread lesson 11, section 4.
# - **Deriving an M-step with priors** (exercise 2): a Lagrange multiplier for the weights, now with $\gamma - 1$
#   pseudo-counts per component, and the mode of a Beta posterior for each pixel, whose pseudo-counts are $\alpha - 1$
#   and $\beta - 1$. Reread section 5.
# - **The decomposition $\log p = \mathcal L + \mathrm{KL}$ for a $q$ of your own** (exercise 3), including the convention
#   $0 \log 0 = 0$. Reread section 3 and lesson 04.
# - **A modelling decision on held-out data** (exercise 4): a prior strength chosen on validation images and judged on
#   test images, between a prior too weak to protect new images and one that blurs the prototypes. Reread section 11.
# - **Predicting from the update equations** (exercise 5): following identical components through an E-step and an
#   M-step shows that they stay identical, a fixed point of EM, and gives its value. Reread section 13: the fixed point
#   is unstable, and any difference between the components, even a rounding error, grows at every iteration.
