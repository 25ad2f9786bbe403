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
# # Lesson 01 — Soft clustering: from k-means to soft assignments
#
# k-means gives every point exactly one cluster. This lesson recalls why k-means works,
# shows on data where it breaks, and introduces the remedy the rest of the course builds:
# **soft assignments**, a probability for every point and every cluster.
#
# **By the end of this lesson you can**
#
# 1. state Lloyd's algorithm and its objective $J$, and prove that $J$ never increases and
#    that the algorithm stops after finitely many steps;
# 2. show on data the three pathologies of k-means: it cannot choose $K$, it carves only round,
#    equal-sized clusters, and a bad start ends in a poor local minimum;
# 3. read a hard and a soft assignment table, say what a soft weight of 0.6 means, and why a confident
#    soft weight can still be wrong;
# 4. explain, with the border-point lab, why a hard assignment throws information away.
#
# **You need:** k-means as an algorithm, NumPy, and Bayes' rule. The symbols are those of the
# notation table on the [start page](00_start.ipynb).

# %%
# %matplotlib inline
import itertools

import matplotlib.pyplot as plt
import numpy as np
from scipy import special, stats

from coursepkg import claims, datasets
from coursepkg.em import e_step, fit_em
from coursepkg.kmeans import assign, kmeans, objective, update_centers
from coursepkg.mixture import GMM, log_likelihood
from coursepkg.plotting import COMPONENT_COLORS, blend_colors, plot_clusters, plot_ellipses
from coursepkg.widgets.questions import concept_question

SEED = 0
rng = np.random.default_rng(SEED)
plt.rcParams["figure.dpi"] = 80

# %% [markdown]
# ## 1. k-means in one screen
#
# We have $N$ points $x_1, \dots, x_N \in \mathbb{R}^d$ and want $K$ centres $\mu_1, \dots, \mu_K$.
# Write the assignment of point $n$ as a one-hot vector $r_n$: $r_{nk} = 1$ if $x_n$ belongs to
# cluster $k$ and $0$ otherwise. k-means minimises the **distortion**
#
# $$J(r, \mu) = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk}\, \lVert x_n - \mu_k \rVert^2 .$$
#
# Lloyd's algorithm alternates two steps until the assignments stop changing:
#
# 1. **assign**: $r_{nk} = 1$ for $k = \arg\min_j \lVert x_n - \mu_j \rVert^2$, else $0$;
# 2. **update**: $\mu_k = \dfrac{\sum_n r_{nk} x_n}{\sum_n r_{nk}}$, the mean of the points in cluster $k$.
#
# We run it on the Old Faithful geyser data: eruption length and waiting time until the next
# eruption, both in minutes. k-means measures plain Euclidean distance, so we first
# **standardise** each column (subtract its mean, divide by its standard deviation): otherwise the
# waiting times, which range over 53 minutes, would outweigh eruption lengths, which range over 3.5.
#
# `coursepkg.kmeans.kmeans` records $J$ in `result.history`: `history[0]` is $J$ of the first
# assignment, made from the starting centres, and `history[t]` is $J$ after update $t$ **and the
# assign step that follows it**. So the history holds $J$ after each *assign* step.

# %%
faithful = datasets.old_faithful()
X = (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)
N = X.shape[0]
claims.equal("number of eruptions N", N, 272)
claims.close("range of each raw column (eruption, waiting time), minutes", np.ptp(faithful, axis=0), [3.5, 53.0],
             atol=1e-9)
claims.close("mean of each standardised column", X.mean(axis=0), [0.0, 0.0], atol=1e-12)
claims.close("standard deviation of each standardised column", X.std(axis=0), [1.0, 1.0], atol=1e-12)

# A deliberately poor start, so that the algorithm needs several rounds: both centres in the top right.
start = np.array([[1.2, 1.4], [1.0, 0.2]])
result = kmeans(X, start)
claims.holds("k-means converged (an update left every label unchanged)", result.converged,
             f"after {result.n_iter} updates")
print("J after each assign step (result.history):", np.round(result.history, 2))

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
plot_clusters(X, assign(X, start), ax=axes[0])
axes[0].plot(*start.T, "kX", ms=12, label="starting centres")
axes[0].set_title("first assignment, from the starting centres")
plot_clusters(X, result.labels, ax=axes[1])
axes[1].plot(*result.centers.T, "kX", ms=12, label="final centres")
axes[1].set_title(f"after {result.n_iter} updates (J = {result.objective:.1f})")
axes[0].set_ylabel("waiting time (standard deviations from the mean)")
for ax in axes:
    ax.set_xlabel("eruption time (standard deviations from the mean)")
    ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# From a start with both centres in one group, a few rounds of assign-and-update find the two
# groups of eruptions: short eruptions with short waits, long eruptions with long waits.

# %% [markdown]
# ## 2. Each step minimises $J$ over one block of variables
#
# **Assign step.** With the centres fixed, $J = \sum_n \big(\sum_k r_{nk} \lVert x_n - \mu_k\rVert^2\big)$
# is a sum of one term per point, and the term of point $n$ depends only on $r_n$. Each term is
# smallest when $r_n$ puts its single 1 on the nearest centre. So the assign step gives the
# **minimum of $J$ over all assignments**: whatever the old assignment was, $J$ cannot be larger after it.
#
# **Update step.** With the assignments fixed, $J$ is a sum of one quadratic per centre. Its gradient is
#
# $$\frac{\partial J}{\partial \mu_k} = -2 \sum_n r_{nk}\,(x_n - \mu_k) = 0
# \quad\Longleftrightarrow\quad \mu_k = \frac{\sum_n r_{nk}\, x_n}{\sum_n r_{nk}},$$
#
# and its Hessian is $\frac{\partial^2 J}{\partial \mu_k \partial \mu_k^\top} = 2 N_k I$ with
# $N_k = \sum_n r_{nk} > 0$ points in the cluster: positive definite, so $J$ is a convex bowl in
# $\mu_k$ and the mean is its **unique minimum**. (An empty cluster has $N_k = 0$; then $J$ does not
# depend on $\mu_k$ and `coursepkg` leaves that centre where it was.)
#
# Let us record $J$ after every half-step of the run above, with a loop in plain NumPy that does not
# use `coursepkg`, and check both claims with numbers.

# %%
def plain_J(X, centres, labels):
    """J = sum_n ||x_n - mu_{label of n}||^2, one point at a time."""
    return sum(float(np.sum((X[n] - centres[labels[n]]) ** 2)) for n in range(len(X)))


centres = start.copy()
half_steps = []  # (step name, J)
labels = None
for t in range(1, 50):
    sq_dist = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    new_labels = sq_dist.argmin(axis=1)
    half_steps.append((f"assign {t}", plain_J(X, centres, new_labels), centres, new_labels))
    if labels is not None and np.array_equal(new_labels, labels):
        break
    labels = new_labels
    centres = np.array([X[labels == k].mean(axis=0) for k in range(2)])  # both clusters stay non-empty here
    half_steps.append((f"update {t}", plain_J(X, centres, labels), centres, labels))

# each row of the table: J from the plain loop, checked against coursepkg's objective at the same state
for name, J, row_centres, row_labels in half_steps:
    claims.close(f"{name:>9}: J", J, objective(X, row_centres, row_labels), rtol=1e-12)
J_values = np.array([J for _, J, _, _ in half_steps])
claims.at_most("largest increase of J over any half-step", np.diff(J_values).max(), 0.0)
claims.close("J after each assign step (rows 'assign 1, 2, ...') against result.history",
             J_values[0::2], result.history, rtol=1e-12);

# %% [markdown]
# Every half-step lowered $J$ or, at the very end, left it unchanged; the rows "assign 1, 2, …" are
# exactly `result.history`, and the rows "update 1, 2, …" are the values in between that the history
# does not keep. Now the update step, with finite differences of `plain_J`, which knows nothing of
# the formulas: a central difference along each coordinate axis gives the gradient, which should
# equal $-2\sum_n r_{nk}(x_n - \mu_k)$ at any centre and vanish at the mean; a second difference along
# any direction $v$ should equal $2 N_k \lVert v \rVert^2$.

# %%
h = 1e-3
for k in range(2):
    members = X[labels == k]

    def J_at(mu_k, k=k):
        """J with centre k moved to mu_k, the other centre and all labels unchanged."""
        moved = centres.copy()
        moved[k] = mu_k
        return plain_J(X, moved, labels)

    def fd_gradient(at):
        return np.array([(J_at(at + h * e) - J_at(at - h * e)) / (2 * h) for e in np.eye(2)])

    # J is quadratic in mu_k, so central differences are exact up to rounding: J, a sum of 272 terms, is
    # rounded by about 1e-13, and a first difference divides that by h: about 1e-10
    away = centres[k] + np.array([0.3, -0.2])
    claims.close(f"cluster {k + 1}: finite-difference gradient off the mean against -2 sum_n (x_n - mu_k)",
                 fd_gradient(away), -2 * (members - away).sum(axis=0), atol=1e-9)
    claims.at_most(f"cluster {k + 1}: largest |entry of the finite-difference gradient| at the mean",
                   np.abs(fd_gradient(centres[k])).max(), 1e-9)
    v = rng.standard_normal(2)
    second = (J_at(centres[k] + h * v) - 2 * J_at(centres[k]) + J_at(centres[k] - h * v)) / h**2
    # the second difference divides the rounding of J by h^2: about 1e-7, below 1e-8 of 2 N_k |v|^2
    claims.close(f"cluster {k + 1}: second derivative along v against 2 N_k |v|^2", second,
                 2 * len(members) * v @ v, rtol=1e-8)

# %% [markdown]
# The gradient is zero up to rounding and the curvature is positive, equal to $2N_k\lVert v\rVert^2$:
# the mean is the minimum of $J$ over the centre, not a saddle or a maximum.

# %% [markdown]
# ## 3. Why k-means always stops: $J$ is a Lyapunov function
#
# A **Lyapunov function** of an iterative algorithm is a quantity, bounded below, that the algorithm
# never increases. Section 2 showed that $J \ge 0$ is one for k-means. That alone says $J$ converges;
# **termination** needs more. For an assignment $r$ let
#
# $$J^*(r) = \min_{\mu} J(r, \mu) = \sum_{k:\, N_k > 0}\ \sum_{n:\, r_{nk} = 1} \lVert x_n - \bar x_k \rVert^2,$$
#
# with $\bar x_k$ the mean of cluster $k$: the best $J$ this assignment can have. Call $r^{(t)}$ the
# assignment after assign step $t$ and $\mu^{(t)}$ the centres after update $t$.
#
# * **After an update, $J$ is a function of the assignment alone:** $J(r^{(t)}, \mu^{(t)}) = J^*(r^{(t)})$.
#   Each non-empty cluster's centre is its mean; an **empty** cluster keeps its old centre, which is
#   not a mean of anything, but it multiplies only zeros ($r_{nk} = 0$ for every $n$) and adds
#   nothing to $J$. This is the condition the argument needs, and it holds with or without empty clusters.
# * **While the labels change, $J^*$ strictly decreases.** If $r^{(t+1)} \ne r^{(t)}$, some point moved to
#   a centre strictly nearer than its own (we let a tied point keep its label: ties have probability
#   zero for continuous data; `coursepkg` gives a tie to the lower index instead), so
#   $$J^*(r^{(t+1)}) \le J(r^{(t+1)}, \mu^{(t)}) < J(r^{(t)}, \mu^{(t)}) = J^*(r^{(t)}).$$
#   The first inequality holds because $J^*$ is a minimum over all centres.
# * **So no assignment comes back:** a repeated assignment would have the same $J^*$ as before, but
#   $J^*$ has gone strictly down since. There are finitely many assignments — at most $K^N$ ways to
#   label $N$ points — so the run visits distinct ones and stops within $K^N$ rounds.
#
# The bound $K^N$ is astronomically loose; in practice Lloyd's algorithm stops after a handful of rounds,
# each costing $O(NKd)$ operations (every point against every centre, $d$ coordinates each).
# It stops at a **local** minimum: nothing in the argument says the minimum is the best one. Finding
# the best one is NP-hard in general (already for $K = 2$ in many dimensions, and for many clusters in
# the plane): no method is known that always finds it in time polynomial in $N$, $K$ and $d$, so in
# practice one accepts a good local minimum.

# %%
def J_star(X, labels):
    """The smallest J of an assignment: every non-empty cluster at its mean (plain NumPy)."""
    return sum(float(((X[labels == k] - X[labels == k].mean(axis=0)) ** 2).sum()) for k in np.unique(labels))


visited, centres_t = [], start.copy()
for t in range(100):
    labels_t = assign(X, centres_t)
    if any(np.array_equal(labels_t, old) for old in visited):
        break
    visited.append(labels_t)
    centres_t = np.array([X[labels_t == k].mean(axis=0) for k in range(2)])
claims.equal("distinct assignments visited before one repeated", len(visited), 6)
claims.equal("the same count as the updates of coursepkg's run", result.n_iter, len(visited))
claims.holds("the assignment that repeats is the last one (a fixed point)", np.array_equal(labels_t, visited[-1]))
J_star_visited = np.array([J_star(X, r) for r in visited])
claims.close("J* of the visited assignments against the 'update' rows of section 2",
             J_star_visited, J_values[1::2], rtol=1e-12)
claims.holds("J* strictly decreases from one visited assignment to the next", bool(np.all(np.diff(J_star_visited) < 0)),
             "decreases " + ", ".join(f"{d:.3g}" for d in -np.diff(J_star_visited)))
claims.equal(f"number of digits of the bound K^N = 2^{N}", len(str(2**N)), 82);

# %% [markdown]
# Six distinct assignments, each with a strictly lower $J^*$ than the one before, then a fixed point —
# against a worst-case bound with 82 digits.
#
# **An empty cluster changes nothing.** Add a third starting centre far from every point, at
# $(10, 10)$. No point is ever nearer to it, so cluster 3 stays empty and keeps its centre. The
# argument above still applies: after each update $J$ equals $J^*$ of the assignment, and the run
# stops, with the same history as the two-centre run.

# %%
far_start = np.vstack([start, [[10.0, 10.0]]])
labels3, centres3, after_update = assign(X, far_start), far_start.copy(), []
for t in range(100):
    centres3 = update_centers(X, labels3, centres3)  # an empty cluster keeps its old centre
    after_update.append((plain_J(X, centres3, labels3), J_star(X, labels3)))
    new_labels3 = assign(X, centres3)
    if np.array_equal(new_labels3, labels3):
        break
    labels3 = new_labels3
claims.equal("points in cluster 3 at the end", np.bincount(labels3, minlength=3)[2], 0)
claims.equal("cluster 3's centre, kept where it started", centres3[2], [10.0, 10.0])
J_after, J_best = np.array(after_update).T
claims.close("J after each update against J* of the assignment, with an empty cluster", J_after, J_best, rtol=1e-12)
run3 = kmeans(X, far_start)
claims.holds("coursepkg's run with the far centre converged", run3.converged, f"after {run3.n_iter} updates")
claims.close("its history against the two-centre run's", run3.history, result.history, rtol=1e-12);

# %% [markdown]
# ## 4. Pathology 1: k-means cannot choose $K$
#
# $J$ is the only judge k-means has, and $J$ always prefers more clusters: the best clustering with
# $K+1$ centres is at least as good as the best with $K$ (put the extra centre on any point). At
# $K = N$ every point is its own centre and $J = 0$. So the curve of the best $J$ against $K$ falls
# forever, whatever the real number of groups is.

# %%
Ks = np.arange(1, 11)
best_J = np.array([min(kmeans(X, K, rng=np.random.default_rng(s)).objective for s in range(5)) for K in Ks])
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(Ks, best_J, "o-", color=COMPONENT_COLORS[0])
ax.axvline(2, color="0.5", ls=":", label="2 groups a person sees in the data")
ax.set_xlabel("number of clusters K")
ax.set_ylabel("J, best of 5 starts (standardised units²)")
ax.set_title("Old Faithful: the k-means objective keeps falling as K grows")
ax.legend()
plt.show()
print("best J for K = 1..10:", np.round(best_J, 1))
claims.holds("the best J falls at every step from K = 1 to K = 10", bool(np.all(np.diff(best_J) < 0)))
claims.equal("J with K = N centres (one on each point)", objective(X, X, np.arange(N)), 0.0)
drops = -np.diff(best_J)
claims.between("drop of J from K = 1 to 2, divided by the largest later drop", drops[0] / drops[1:].max(), 19, 21);

# %% [markdown]
# The curve bends at $K=2$ — the drop from $K = 1$ to $K = 2$ is about 20 times any later one — but it
# never turns up: minimising $J$ cannot tell us to stop. A probabilistic model gives a score that can:
# the likelihood of held-out data, in lesson 09.

# %%
concept_question("01", 1)

# %% [markdown]
# ## 5. Pathology 2: only round, equal clusters
#
# The assign step cuts the plane along the perpendicular bisectors between centres. Every cluster
# is therefore a convex cell that treats all directions alike, whatever the shape or size of the
# group in it. Two synthetic data sets from `coursepkg.datasets` show it: three long thin parallel
# clusters, and one wide cluster next to two small tight ones. To be as fair as possible we start
# k-means **at the true centres**. Top row: the true groups; bottom row: where k-means goes from there.
# (The figures number the clusters 1 to 3; in the code, as always in Python, they are 0 to 2.)

# %%
fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
for col, kind in enumerate(["elongated", "unequal"]):
    Xs, z = datasets.make_synthetic(kind, n=300, rng=SEED)
    true_means = datasets.SYNTHETIC[kind].means
    km = kmeans(Xs, true_means)
    agreement = np.mean(km.labels == z)  # started at the true centres, so the numbering matches
    J_truth = objective(Xs, np.array([Xs[z == k].mean(axis=0) for k in range(3)]), z)
    plot_clusters(Xs, z, ax=axes[0, col])
    axes[0, col].set_title(f"'{kind}': the true groups (J = {J_truth:.0f})")
    plot_clusters(Xs, km.labels, ax=axes[1, col])
    axes[1, col].plot(*km.centers.T, "kX", ms=11, label="k-means centres")
    axes[1, col].set_title(f"k-means from the true centres (J = {km.objective:.0f}): {agreement:.0%} right")
    claims.holds(f"{kind}: J of the true groups is higher than J of the k-means answer", J_truth > km.objective,
                 f"{J_truth:.1f} > {km.objective:.1f}; {agreement:.0%} of points stay in their true group")
    if kind == "elongated":
        # each k-means cell cuts across the long clusters: at least 10 points of two true groups in every cell
        mixed = min(np.sum(np.bincount(z[km.labels == k], minlength=3) >= 10) for k in range(3))
        claims.at_least("elongated: true groups with 10 or more points in every k-means cluster", mixed, 2)
    else:
        claims.equal("unequal: the true cluster of every point k-means moves", np.unique(z[km.labels != z]), [0])
    for ax in axes[:, col]:
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_aspect("equal", adjustable="datalim")
        ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# On the long clusters k-means walks away from the truth and slices across the clusters (every
# k-means cluster holds pieces of at least two long ones), because cutting them into short pieces
# lowers $J$. On the unequal set every point it gets wrong is an edge point of the wide cluster 1,
# handed to a small neighbour whose centre is nearer. In both cases the true grouping has a
# **higher** $J$ than what k-means finds: no start, however good, can make k-means prefer it. $J$
# measures round distance and knows nothing of a cluster's shape or size.
#
# ## 6. Pathology 3: a bad start ends in a poor local minimum
#
# $J$ is not convex in the assignments and centres jointly, and Lloyd's algorithm only ever goes
# downhill. Take three round groups, two close together and one far away, drawn from a mixture with
# `coursepkg.mixture.sample`. A start with two centres in the far group and one between the close
# pair gets stuck: the far group is split in two, the close pair is merged, and each step is
# optimal given the other.
#
# The usual cure is a careful start. **k-means++** (Arthur and Vassilvitskii, 2007) picks the first
# centre at a random data point, and each next centre at a data point drawn with probability
# proportional to its squared distance from the nearest centre chosen so far: far-away groups are
# likely to get a centre of their own. `coursepkg.kmeans.kmeans` uses it whenever it is given $K$
# rather than starting centres.

# %%
from coursepkg.mixture import sample  # noqa: E402

three = GMM(np.full(3, 1 / 3), [[0.0, 0.0], [3.0, 0.0], [1.5, 7.0]], np.repeat(0.4 * np.eye(2)[None], 3, axis=0))
Xr, zr = sample(three, 300, rng=np.random.default_rng(SEED))
good = kmeans(Xr, 3, rng=np.random.default_rng(SEED))
bad_start = np.array([[1.0, 7.0], [2.0, 7.0], [1.5, 0.0]])
bad = kmeans(Xr, bad_start)
# cluster numbers are arbitrary: renumber the bad run's clusters to agree best with the good run's, so
# that a group keeps its colour across the two panels where it can
renumber = max(itertools.permutations(range(3)), key=lambda p: np.sum(np.array(p)[bad.labels] == good.labels))
bad_labels, bad_centres = np.array(renumber)[bad.labels], bad.centers[np.argsort(renumber)]

fig, axes = plt.subplots(1, 2, figsize=(10, 5))
for ax, run, labels_r, centres_r, name in [(axes[0], good, good.labels, good.centers, "k-means++ start"),
                                            (axes[1], bad, bad_labels, bad_centres, "bad start")]:
    plot_clusters(Xr, labels_r, ax=ax)
    ax.plot(*centres_r.T, "kX", ms=11, label="final centres")
    ax.set_title(f"{name}: J = {run.objective:.0f} after {run.n_iter} updates")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
axes[1].plot(*bad_start.T, "k+", ms=14, mew=2, label="starting centres")
for ax in axes:
    ax.legend(loc="center right", fontsize=8)
plt.show()
claims.holds("both runs converged", good.converged and bad.converged)
claims.between("J of the bad start divided by J of the k-means++ start", bad.objective / good.objective, 2.5, 3.0)
far = zr == 2  # the group at (1.5, 7), component 3 of the mixture
claims.equal("k-means clusters that share the far group (bad start)", len(np.unique(bad.labels[far])), 2)
claims.equal("k-means clusters that hold the close pair (bad start)", len(np.unique(bad.labels[~far])), 1)
claims.close("renumbered centres of the bad run: centre of each renumbered cluster is its mean",
             bad_centres, [Xr[bad_labels == k].mean(axis=0) for k in range(3)], atol=1e-12);

# %% [markdown]
# Both runs converged — to different answers, one with almost three times the distortion of the other,
# the far group split in two and the close pair merged. Besides k-means++, the other remedy is to run
# several starts and keep the lowest $J$.

# %% [markdown]
# ## 7. Hard and soft assignment tables
#
# A hard clustering is a table with one 1 per point (column): point $x_n$ is in cluster $k$ or not,
# $r_{nk} \in \{0, 1\}$. A **soft** clustering replaces the 1s and 0s by weights $r_{nk} \in [0, 1]$
# with $\sum_k r_{nk} = 1$ for every point. In a probabilistic model they are called
# **responsibilities**: $r_{nk}$ is the posterior probability that cluster $k$ generated $x_n$, given
# the point and the model (Bayes' rule, lesson 05). A weight has two readings, and both are right:
#
# * **as a belief:** $r_{nk} = 0.6$ means we are 60% sure that $x_n$ came from cluster $k$;
# * **in fitting:** the same 0.6 is a **fractional count**: when the model re-estimates cluster $k$, the
#   point enters its count $N_k = \sum_n r_{nk}$ and its mean $\sum_n r_{nk} x_n / N_k$ with weight 0.6,
#   and the other clusters with the rest.
#
# Below, on three overlapping clusters, the hard table comes from k-means, and the soft one from a
# **Gaussian mixture** — a model in which each cluster is a Gaussian with its own centre, shape and
# weight, built in lesson 02 — fitted by **EM** (expectation–maximisation, the fitting algorithm that
# lessons 04 to 07 derive), started from the k-means centres so that the cluster numbers agree. Here we
# only read its output. The figure draws each fitted cluster's **95% ellipse**, the region where its
# Gaussian puts 95% of its points (lesson 02 derives it). We pick six points: P1–P3 nearest the centre
# of each cluster, P4 and P5 the points most torn between two clusters that overlap, and P6 the point
# on which the two tables disagree most confidently.

# %%
Xo, zo = datasets.make_synthetic("overlapping", n=300, rng=SEED)
km_o = kmeans(Xo, 3, rng=np.random.default_rng(SEED))
start_gmm = GMM(np.full(3, 1 / 3), km_o.centers, np.repeat(np.cov(Xo.T, bias=True)[None] / 3, 3, axis=0))
em_o = fit_em(Xo, start_gmm)
R = em_o.resp  # R[n, k - 1] = r_nk: cluster k is column k - 1 (Python counts from 0)
claims.close("largest |sum_k r_nk - 1| over all 300 points", np.abs(R.sum(axis=1) - 1).max(), 0.0, atol=1e-12)
winner = R.argmax(axis=1)

deep = [int(np.argmin(((Xo - mean) ** 2).sum(axis=1))) for mean in em_o.gmm.means]  # nearest each centre
pairs = [(0, 1), (0, 2), (1, 2)]
shared = {pair: int(np.sum((R[:, pair[0]] > 0.2) & (R[:, pair[1]] > 0.2))) for pair in pairs}
claims.equal("points with both weights above 0.2 for clusters 2 and 3", shared[(1, 2)], 0)
torn = [int(np.argmax(R[:, j] * R[:, l])) for j, l in pairs if shared[(j, l)] > 0]  # clusters 1-2, 1-3
disagree_all = np.flatnonzero(winner != km_o.labels)
clash = int(disagree_all[np.argmax(R[disagree_all].max(axis=1))])
chosen = deep + torn + [clash]
names = [f"P{i + 1}" for i in range(len(chosen))]


hard = np.eye(3)[km_o.labels[chosen]]
# the two tables, each checked as it is printed: the one-hot of the nearest k-means centre; Bayes' rule with
# scipy's densities (the last row: the sums over the clusters, 1)
nearest = np.argmin(((Xo[chosen, None, :] - km_o.centers[None]) ** 2).sum(axis=2), axis=1)
log_joint_o = np.column_stack([np.log(em_o.gmm.weights[k]) + stats.multivariate_normal(
    em_o.gmm.means[k], em_o.gmm.covariances[k]).logpdf(Xo[chosen]) for k in range(3)])
bayes = np.exp(log_joint_o - special.logsumexp(log_joint_o, axis=1, keepdims=True))
labels = [f"cluster {k + 1}" for k in range(3)] + ["sum"]
claims.table("hard assignment (k-means): one-hot of each point's nearest centre", np.vstack([hard.T, hard.sum(axis=1)]),
             np.vstack([np.eye(3)[nearest].T, np.ones(len(chosen))]), rows=labels, columns=names, atol=1e-12, decimals=2)
print()
claims.table("soft assignment r_nk: Bayes' rule with scipy.stats densities",
             np.vstack([R[chosen].T, R[chosen].sum(axis=1)]), np.vstack([bayes.T, np.ones(len(chosen))]),
             rows=labels, columns=names, atol=1e-9, decimals=2)
print()
claims.equal("P1-P3: k-means cluster = the mixture's most likely cluster", km_o.labels[deep], winner[deep])
claims.at_least("P1-P3: largest soft weight", R[deep].max(axis=1), 0.9)
claims.between("P4, P5: largest soft weight (torn between two clusters)", R[torn].max(axis=1), 0.45, 0.6)
disagree = [name for name, i in zip(names, chosen) if winner[i] != km_o.labels[i]]
claims.equal("chosen points whose largest soft weight is not their k-means cluster", disagree, ["P5", "P6"])
claims.at_most("P5: gap between its two largest weights (a near tie)", np.abs(R[torn[1], 0] - R[torn[1], 2]), 0.02)
claims.at_least("P6: the mixture's weight for its most likely cluster", R[clash].max(), 0.99)
claims.equal("P6: its k-means cluster and the mixture's most likely cluster (1-based)",
             [km_o.labels[clash] + 1, winner[clash] + 1], [2, 1]);

# %%
fig, ax = plt.subplots(figsize=(6.5, 5))
ax.scatter(*Xo.T, c=blend_colors(R), s=14, alpha=0.6)
plot_ellipses(em_o.gmm, ax=ax, label_prefix="cluster", lw=1.5)
for name, i in zip(names, chosen):
    ax.plot(*Xo[i], "o", ms=11, mfc="none", mec="black", mew=1.5)
    ax.annotate(name, Xo[i], xytext=(7, 7), textcoords="offset points", fontsize=11, weight="bold")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("colour = blend of cluster colours by soft weight")
ax.legend(loc="lower right", fontsize=8, title="fitted mixture", title_fontsize=8)
ax.set_aspect("equal", adjustable="datalim")
plt.show()

# %% [markdown]
# Points P1–P3 sit at the heart of a cluster: hard and soft tables agree, with soft weights of 0.9 or
# more. P4 sits between clusters 1 and 2 and P5 between clusters 1 and 3, each with weights near
# 0.5/0.5: the hard table still writes a confident 1, the soft table says how unsure we are, and the
# plot shows them in mixed colours. (Clusters 2 and 3 barely touch: no point has a weight above 0.2
# for both, so no point is torn between them.) For P5 the tables name different winners, but only
# by a hair — a near tie that the hard table rounds one way. P6 is a confident disagreement: k-means
# puts it in cluster 2, the mixture is more than 99% sure of cluster 1. Which one is right is the
# next section's question.

# %%
concept_question("01", 2)

# %% [markdown]
# ## 8. Where hard and soft disagree, who is right?
#
# We made these points ourselves, so we know which component of the generating mixture drew each
# one and can score both tables. A fit numbers its clusters arbitrarily; we match them to the true
# components by the renumbering under which k-means agrees best (the mixture, started from the
# k-means centres, uses the same numbers). We do it for the overlapping data above and for the
# *unequal* data of section 5, where k-means started from the true centres.

# %%
truth_o = datasets.SYNTHETIC["overlapping"]
match = max(itertools.permutations(range(3)), key=lambda p: np.sum(np.array(p)[km_o.labels] == zo))
true_of = np.array(match)  # true_of[k] = the true component (0-based) that cluster k + 1 stands for
km_right, mix_right = true_of[km_o.labels] == zo, true_of[winner] == zo
claims.equal("overlapping: points where the two tables name different winners", len(disagree_all), 60)
claims.equal("overlapping: of those, right for k-means and right for the mixture",
             [km_right[disagree_all].sum(), mix_right[disagree_all].sum()], [40, 14])
claims.close("overlapping: share of all points right, k-means and mixture", [km_right.mean(), mix_right.mean()],
             [0.83, 0.74], atol=0.005)
claims.equal("P6: k-means cluster of the true component that drew it (1-based)",
             int(np.flatnonzero(true_of == zo[clash])[0]) + 1, 2)
r_true, _ = e_step(Xo[[clash]], truth_o)
claims.close("P6: its responsibility for the component that drew it, under the true parameters",
             r_true[0, zo[clash]], 0.90, atol=0.005)
fit_o = em_o.gmm
claims.equal("the k-means centre nearest each fitted mean (1-based): the numbers agree",
             [int(np.argmin(np.linalg.norm(km_o.centers - m, axis=1))) + 1 for m in fit_o.means], [1, 2, 3])
det_fit, det_true = np.linalg.det(fit_o.covariances), np.linalg.det(truth_o.covariances)[true_of]
claims.close("fitted over true area, sqrt(|Sigma_k| fitted / |Sigma_k| true), clusters 1, 2, 3",
             np.sqrt(det_fit / det_true), [1.10, 0.38, 0.82], atol=0.005)
claims.close("cluster 2: fitted variances (eigenvalues) against the true 0.64 along every direction",
             np.linalg.eigvalsh(fit_o.covariances[1]), [0.19, 0.31], atol=0.005)
claims.close("cluster 2: x_2 of its fitted mean against the true one", [fit_o.means[1, 1], truth_o.means[true_of[1], 1]],
             [2.71, 2.2], atol=0.005)
claims.close("fitted weights against the true weights of the matched components",
             [fit_o.weights, truth_o.weights[true_of]], [[0.56, 0.16, 0.28], [0.35, 0.25, 0.40]], atol=0.005)
gap = Xo[clash] - fit_o.means
delta2_p6 = np.array([g @ np.linalg.solve(S, g) for g, S in zip(gap, fit_o.covariances)])
claims.close("P6: Delta^2 under fitted clusters 1, 2, 3", delta2_p6, [12.8, 49.8, 24.3], atol=0.05)
claims.close("P6: Delta under fitted clusters 1, 2, 3", np.sqrt(delta2_p6), [3.6, 7.1, 4.9], atol=0.05)
long_axis = np.linalg.eigh(fit_o.covariances[0])[1][:, -1]  # eigenvector of the largest eigenvalue
claims.at_least("P6: |cos| of the angle between P6 - mu_1 and cluster 1's long axis",
                abs(long_axis @ gap[0]) / np.linalg.norm(gap[0]), 0.998)
log_dens = np.log(fit_o.weights) - 0.5 * np.log(det_fit) - 0.5 * delta2_p6  # log pi_k N(P6 | mu_k, Sigma_k) + const
claims.close("P6: log-density of cluster 1 minus clusters 2 and 3 (nats)", log_dens[0] - log_dens[1:], [18.8, 6.4],
             atol=0.05)
claims.close("... of which the Mahalanobis part, (Delta_k^2 - Delta_1^2) / 2 for k = 2, 3",
             (delta2_p6[1:] - delta2_p6[0]) / 2, [18.5, 5.7], atol=0.05)
em_true = fit_em(Xo, truth_o)  # EM started from the parameters that made the data
claims.close("log-likelihood of EM from the true parameters against EM from k-means (nats)",
             em_true.log_likelihood, em_o.log_likelihood, atol=1e-3)
claims.close("its weights (renumbered as the clusters) against EM from k-means", em_true.gmm.weights[true_of],
             em_o.gmm.weights, atol=1e-3)
claims.close("its means (renumbered as the clusters) against EM from k-means", em_true.gmm.means[true_of],
             em_o.gmm.means, atol=1e-2)
claims.at_least("log-likelihood of the fitted mixture minus that of the true one (nats)",
                em_o.log_likelihood - log_likelihood(Xo, truth_o), 1.0);

Xu, zu = datasets.make_synthetic("unequal", n=300, rng=SEED)  # the data of section 5
km_u = kmeans(Xu, datasets.SYNTHETIC["unequal"].means)  # from the true centres: numbers match the truth
em_u = fit_em(Xu, GMM(np.full(3, 1 / 3), km_u.centers, np.repeat(np.cov(Xu.T, bias=True)[None] / 3, 3, axis=0)))
winner_u = em_u.resp.argmax(axis=1)
disagree_u = np.flatnonzero(winner_u != km_u.labels)
claims.close("unequal: share of all points right, k-means and mixture",
             [np.mean(km_u.labels == zu), np.mean(winner_u == zu)], [0.95, 0.997], atol=0.005)
claims.equal("unequal: points where they disagree; of those, right for k-means and for the mixture",
             [len(disagree_u), np.sum(km_u.labels[disagree_u] == zu[disagree_u]),
              np.sum(winner_u[disagree_u] == zu[disagree_u])], [17, 1, 16])
det_u = np.linalg.det(em_u.gmm.covariances)
claims.between("unequal: area of the fitted ellipse of cluster 1 over those of clusters 2 and 3",
               np.sqrt(det_u[0] / det_u[1:]), 16.5, 21.5);

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 5.6), layout="constrained")
panels = [(axes[0], Xu, zu, np.arange(3), km_u.labels, winner_u, em_u.gmm, "unequal (section 5)"),
          (axes[1], Xo, zo, true_of, km_o.labels, winner, em_o.gmm, "overlapping (section 7)")]
for ax, Xp, zp, true_p, km_labels, mix_labels, fit, title in panels:
    cluster_of_truth = np.argsort(true_p)[zp]  # the cluster number that stands for each point's true component
    for k in range(3):
        ax.scatter(*Xp[cluster_of_truth == k].T, s=10, alpha=0.35, color=COMPONENT_COLORS[k],
                   label=f"drawn by the true component of cluster {k + 1}")
    plot_ellipses(fit, ax=ax, label_prefix=None, lw=1.5)
    split = np.flatnonzero(km_labels != mix_labels)
    km_ok, mix_ok = true_p[km_labels[split]] == zp[split], true_p[mix_labels[split]] == zp[split]
    ax.plot(*Xp[split[km_ok]].T, "s", ms=7, mfc="none", mec="black", mew=1.3, label="disagree: k-means right")
    ax.plot(*Xp[split[mix_ok]].T, "o", ms=8, mfc="none", mec="darkorange", mew=1.8, label="disagree: mixture right")
    ax.plot(*Xp[split[~km_ok & ~mix_ok]].T, "x", ms=7, color="0.3", mew=1.3, label="disagree: both wrong")
    ax.set_title(f"{title}, fitted 95% ellipses\n{len(split)} disagreements: k-means right on {km_ok.sum()}, "
                 f"the mixture on {mix_ok.sum()}", fontsize=10)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
axes[1].annotate("P6", Xo[clash], xytext=(8, 8), textcoords="offset points", fontsize=11, weight="bold")
handles, legend_labels = axes[0].get_legend_handles_labels()
fig.legend(handles, legend_labels, loc="outside lower center", ncol=3, fontsize=8.5)
plt.show()

# %% [markdown]
# **Unequal sizes: the mixture is right.** On the data of section 5 k-means got 95% of the points
# right, every error an edge point of the wide cluster 1 handed to a small neighbour whose centre is
# nearer. The mixture, started from that answer, gets 99.7%: of the 17 points where the two disagree,
# it is right on 16. It models each cluster's size — its fitted cluster 1 has an ellipse 17 to 21
# times the area of a small one's — and a little way out from a tight cluster's centre a point is
# already more likely to come from the wide one.
#
# **Overlapping clusters: k-means is right more often.** Here the two disagree on 60 of the 300
# points, and k-means has the true component for 40 of them, the mixture for only 14; over all points
# k-means gets 83%, the mixture 74%. P6 is the starkest case. It was drawn from the component that
# k-means calls cluster 2, and even the true mixture gives that component 0.90 — yet the fitted mixture
# is more than 99% sure of cluster 1. The fit made cluster 2 too tight: its ellipse has 0.38 of
# the area of the true component it stands for (lesson 02 shows that the area grows as
# $\sqrt{\lvert\Sigma_k\rvert}$), with variances 0.19 and 0.31 where the truth has 0.64 in every
# direction, and it moved cluster 2's centre up, from $x_2 = 2.2$ to 2.71. Clusters 1 and
# 3 kept about their true areas (1.10 and 0.82 times). Measured in each cluster's own spread — the
# Mahalanobis distance $\Delta$ of lesson 02, the number of standard deviations along the direction
# to the point — P6 lies at $\Delta = 7.1$ from the shrunken cluster 2, 4.9 from cluster 3 and only
# 3.6 from cluster 1, because it sits almost exactly on cluster 1's long axis, the direction in which
# that cluster spreads most. So the log of cluster 1's weight times its Gaussian density at P6
# beats cluster 2's by 18.8 nats (natural-log units; 18.5 of them from the
# distance) and cluster 3's by 6.4.
# This is not an unlucky run of EM: started from the true parameters, EM climbs to the same
# mixture, with the same weights, means and score of fit (the log-likelihood of lesson 03). These 300
# points favour this mixture over the one that made them, and it is wrong about the clusters.
#
# So a soft assignment is only as good as the model fitted: "99% sure" is the model's belief, not a
# fact about the data. When the clusters really differ in size and shape, a model that sees size and
# shape beats k-means; when a sample makes one cluster look tighter than it is, the same model is
# confidently wrong. Lesson 05 shows how the responsibilities weigh a cluster's size against the
# distance to its centre.

# %% [markdown]
# ## 9. One point moved across a border, in closed form
#
# Take two clusters with centres $\mu_1$, $\mu_2$ a distance $D$ apart, equal weights, and the same
# round spread $\sigma^2 I$. Bayes' rule gives the responsibility of cluster 2 for a point $x_n$ (the
# normalising constants of the two Gaussians are equal and cancel):
#
# $$r_{n2} = \frac{e^{-\lVert x_n-\mu_2\rVert^2/2\sigma^2}}{e^{-\lVert x_n-\mu_1\rVert^2/2\sigma^2} + e^{-\lVert x_n-\mu_2\rVert^2/2\sigma^2}}
# = \frac{1}{1 + \exp\!\big(-(\lVert x_n-\mu_1\rVert^2 - \lVert x_n-\mu_2\rVert^2)/2\sigma^2\big)} .$$
#
# On the segment $x_n = \mu_1 + t(\mu_2 - \mu_1)$ we have $\lVert x_n-\mu_1\rVert^2 = t^2D^2$ and
# $\lVert x_n-\mu_2\rVert^2 = (1-t)^2D^2$, whose difference is $D^2(2t - 1)$. So
#
# $$r_{n2}(t) = \frac{1}{1 + \exp\!\big(-D^2 (t - \tfrac12)/\sigma^2\big)},
# \qquad \log\frac{r_{n2}}{r_{n1}} = \frac{D^2}{\sigma^2}\Big(t - \frac12\Big),$$
#
# a **logistic curve** in $t$ through $\tfrac12$ at the midpoint — its log-odds is a straight line in
# $t$ — while the hard assignment jumps from 0 to 1 there. We check the formula against `coursepkg`'s
# E-step (`coursepkg.em.e_step`), which the lab below uses, for $D = 4$ and $\sigma = 1$.

# %%
from coursepkg.widgets.border import SCENARIOS, border_state, log_odds_coefficients  # noqa: E402

pair = SCENARIOS["equal round clusters"]  # centres (0, 0) and (4, 0), covariance I, equal weights
D, sigma2 = 4.0, 1.0
t = np.linspace(-0.25, 1.25, 301)
states = [border_state(pair, ti) for ti in t]
soft_2 = np.array([s.soft[1] for s in states])
hard_2 = np.array([s.hard[1] for s in states])
closed_form = 1 / (1 + np.exp(-D**2 * (t - 0.5) / sigma2))
claims.close("E-step against the closed form along the segment", soft_2, closed_form, atol=1e-12)
slope, intercept = np.polyfit(t, np.log(soft_2 / (1 - soft_2)), 1)
claims.close("slope and intercept of log(r_n2 / r_n1) against t", [slope, intercept], [D**2 / sigma2, -D**2 / 2],
             atol=1e-8)
claims.close("the lab's log-odds coefficients (c0, c1, c2)", log_odds_coefficients(pair), [-8.0, 16.0, 0.0], atol=1e-12)
claims.equal("largest jump of the hard weight between neighbouring positions", np.abs(np.diff(hard_2)).max(), 1.0)
# the logistic 1 / (1 + exp(-c (t - 1/2))) has slope at most c / 4 (at the midpoint), c = D^2 / sigma^2
max_jump = D**2 / (4 * sigma2) * (t[1] - t[0])
claims.at_most("largest jump of the soft weight between neighbouring positions, against D^2 / (4 sigma^2) dt",
               np.abs(np.diff(soft_2)).max(), max_jump)
claims.close("soft weight of cluster 2 at t = 1/3 and t = 2/3", [border_state(pair, 1 / 3).soft[1],
             border_state(pair, 2 / 3).soft[1]], [0.065, 0.935], atol=0.001)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.step(t, hard_2, where="mid", color="black", lw=2, label="hard (k-means)")
ax.plot(t, soft_2, color=COMPONENT_COLORS[1], lw=2.5, label="soft (mixture)")
ax.plot(t[::15], closed_form[::15], "o", mfc="none", color="0.3", label="closed form")
ax.set_xlabel("position t on the segment (0 = centre 1, 1 = centre 2)")
ax.set_ylabel("weight of cluster 2")
ax.set_title("crossing the border: a jump versus a slope")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# The soft weight climbs smoothly from 0.065 at $t = \tfrac13$ to 0.935 at $t = \tfrac23$, its log-odds
# a straight line of slope $D^2/\sigma^2 = 16$; the hard weight jumps in one step at $t = \tfrac12$.
# Between neighbouring positions $0.005$ apart the soft weight moves by at most
# $\frac{D^2}{4\sigma^2} \times 0.005 = 0.02$ (the steepest slope of the logistic, at its midpoint), the
# hard weight by 1.

# %% [markdown]
# ## 10. Lab: the border point
#
# Move the orange point with the **1 → 2** slider (its position $t$ on the segment from centre 1 to
# centre 2) and the **sideways** slider (its distance from that segment). The top bar is the k-means
# assignment, the middle one the soft assignment of a two-component Gaussian mixture; the circles
# are each cluster's 95% region. The bottom panel draws the weight of cluster 2 along the line through
# the point — soft (red curve, the point as an orange dot) and hard (black step, the point as a black
# square) — and prints its log-odds $\log(r_{n2}/r_{n1})$ as a polynomial in $t$.
#
# Answer the question below **before** you touch the lab, then check your answer with the slider.

# %%
concept_question("01", 3)

# %% [markdown]
# Things to try:
#
# * Sweep 1 → 2 slowly with *equal round clusters*. Where does the hard bar flip? How wide is the
#   region where the soft bar is between 20% and 80%?
# * Move sideways at position 0.5. Why does neither bar change? (Exactly at 0.5 the two distances tie;
#   the lab, like `coursepkg`, gives a tie to cluster 1, so the hard bar reads 100% cluster 1 there.)
# * Switch to *cluster 2 wider*. The soft 50/50 boundary becomes a circle around centre 1: a point
#   can be nearer to centre 1 and still belong more to cluster 2, because cluster 2 spreads further.
#   The log-odds gains a $t^2$ term, so the curve is no longer a logistic. k-means ignores all this.
# * Switch to *cluster 2 three times as common*. The soft boundary moves towards centre 1: the prior
#   weights matter too. The log-odds is still a straight line, shifted up by $\log 3$.

# %%
from coursepkg.widgets.border import make_border_lab  # noqa: E402

border_lab = make_border_lab()
border_lab

# %% [markdown]
# The lab starts with the point 30% of the way from centre 1 to centre 2: all cluster 1 for k-means,
# about 96% cluster 1 for the mixture (the logistic curve at $t = 0.3$). The cell below checks that,
# the answer to the question above, and the claims of the list, with the lab's own state function.

# %%
s = border_lab.state()
claims.equal("the starting point", s.point, [1.2, 0.0])
claims.equal("k-means at the start: shares of clusters 1 and 2", s.hard, [1.0, 0.0])
claims.close("mixture at the start: weight of cluster 1", s.soft[0], 1 / (1 + np.exp(-D**2 * (0.5 - 0.3))), atol=1e-12)
answer = border_state(pair, 0.6)
claims.equal("question 3: the hard shares at t = 0.6", answer.hard, [0.0, 1.0])
claims.close("question 3: the soft weight of cluster 2 at t = 0.6", answer.soft[1], 1 / (1 + np.exp(-1.6)), atol=1e-12)
wider = border_state(SCENARIOS["cluster 2 wider"], 0.475)  # at (1.9, 0), nearer to centre 1
claims.holds("cluster 2 wider: a point nearer to centre 1 belongs more to cluster 2",
             bool(wider.sq_distances[0] < wider.sq_distances[1] and wider.soft[1] > 0.5),
             f"squared distances {np.round(wider.sq_distances, 2)}, soft weights {np.round(wider.soft, 3)}")
sideways = [border_state(pair, 0.5, offset) for offset in np.linspace(-3, 3, 13)]
claims.equal("position 0.5, any sideways offset: hard shares (a tie goes to cluster 1)",
             np.array([st.hard for st in sideways]), np.tile([1.0, 0.0], (13, 1)))
claims.close("position 0.5, any sideways offset: soft shares", np.array([st.soft for st in sideways]), 0.5,
             atol=1e-12)
common = border_state(SCENARIOS["cluster 2 three times as common"], 0.5 - np.log(3) / 16)
claims.close("three times as common: weight of cluster 2 at t = 1/2 - log(3)/16", common.soft[1], 0.5, atol=1e-12);

# %% [markdown]
# ## Summary
#
# * k-means minimises $J = \sum_n \sum_k r_{nk}\lVert x_n - \mu_k\rVert^2$ by alternating an assign step
#   (the minimum over assignments) and an update step (the minimum over centres: gradient zero,
#   curvature $2N_k > 0$). $J$ is a Lyapunov function: it never increases. After each update $J$
#   depends on the assignment alone (an empty cluster adds nothing), it strictly drops while labels
#   change, and there are finitely many assignments, so the algorithm stops — at a local minimum.
# * Its three pathologies: $J$ always prefers more clusters, so it cannot choose $K$; its bisector
#   boundaries carve round, equal cells, which cut long or unequal clusters wrongly; and a bad start
#   converges to a poor local minimum (k-means++ and several starts help).
# * A soft assignment gives every point a weight per cluster, summing to 1: a posterior probability,
#   and in fitting a fractional count. Deep inside a cluster it agrees with the hard one; near a
#   border it keeps the uncertainty that the hard one throws away, and it changes smoothly as the
#   point moves — for two equal round clusters, as a logistic function of the position.
# * A soft assignment is only as good as the model fitted: on clusters of really different sizes the
#   mixture corrects k-means (99.7% right against 95%), but on overlapping clusters its fit made one
#   cluster too tight and lost to k-means on the disputed points (14 right against 40), wrong about P6
#   with more than 99% confidence.
#
# **Next:** lesson 02 builds the model that produces these soft weights — a mixture of Gaussians,
# each with its own size, shape and weight.
#
# **Exercises:** [exercises/01_soft_clustering.ipynb](../exercises/01_soft_clustering.ipynb).
