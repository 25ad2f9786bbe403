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
# 2. show on data the three pathologies of k-means: it cannot choose $k$, it carves only round,
#    equal-sized clusters, and a bad start ends in a poor local minimum;
# 3. read a hard and a soft assignment table, and say what a soft weight of 0.6 means;
# 4. explain, with the border-point lab, why a hard assignment throws information away.
#
# **You need:** k-means as an algorithm, NumPy, and Bayes' rule.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursepkg import datasets
from coursepkg.em import fit_em
from coursepkg.kmeans import assign, kmeans, objective
from coursepkg.mixture import GMM
from coursepkg.plotting import COMPONENT_COLORS, blend_colors, plot_clusters
from coursepkg.widgets.questions import concept_question

SEED = 0
rng = np.random.default_rng(SEED)
plt.rcParams["figure.dpi"] = 80

# %% [markdown]
# ## 1. k-means in one screen
#
# We have $n$ points $x_1, \dots, x_n \in \mathbb{R}^d$ and want $k$ centres $m_1, \dots, m_k$.
# Write the assignment of point $n$ as a one-hot vector $r_n$: $r_{nk} = 1$ if $x_n$ belongs to
# cluster $k$ and $0$ otherwise. k-means minimises the **distortion**
#
# $$J(r, m) = \sum_{n=1}^{N} \sum_{k=1}^{K} r_{nk}\, \lVert x_n - m_k \rVert^2 .$$
#
# Lloyd's algorithm alternates two steps until the assignments stop changing:
#
# 1. **assign**: $r_{nk} = 1$ for $k = \arg\min_j \lVert x_n - m_j \rVert^2$, else $0$;
# 2. **update**: $m_k = \dfrac{\sum_n r_{nk} x_n}{\sum_n r_{nk}}$, the mean of the points in cluster $k$.
#
# We run it on the Old Faithful geyser data: eruption length and waiting time until the next
# eruption, both in minutes. k-means measures plain Euclidean distance, so we first
# **standardise** each column (subtract its mean, divide by its standard deviation): otherwise the
# waiting times, which spread over 50 minutes, would outweigh eruption lengths, which spread over 3.

# %%
faithful = datasets.old_faithful()
X = (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)
print(f"Old Faithful: {X.shape[0]} eruptions; standardised columns have mean "
      f"{np.abs(X.mean(axis=0)).max():.1e} and standard deviation {X.std(axis=0).round(12)}")

# A deliberately poor start, so that the algorithm needs several rounds: both centres in the top right.
start = np.array([[1.2, 1.4], [1.0, 0.2]])
result = kmeans(X, start)
print(f"k-means stopped after {result.n_iter} updates; converged = {result.converged}")
print("J after each update:", np.round(result.history, 2))

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
plot_clusters(X, assign(X, start), ax=axes[0])
axes[0].plot(*start.T, "kX", ms=12, label="starting centres")
axes[0].set_title("first assignment, from the starting centres")
plot_clusters(X, result.labels, ax=axes[1])
axes[1].plot(*result.centers.T, "kX", ms=12, label="final centres")
axes[1].set_title(f"after {result.n_iter} updates (J = {result.objective:.1f})")
for ax in axes:
    ax.set_xlabel("eruption time (standard deviations from the mean)")
    ax.set_ylabel("waiting time (standard deviations from the mean)")
    ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# From a start with both centres in one group, a few rounds of assign-and-update find the two
# groups of eruptions: short eruptions with short waits, long eruptions with long waits.

# %% [markdown]
# ## 2. Each step minimises $J$ over one block of variables
#
# **Assign step.** With the centres fixed, $J = \sum_n \big(\sum_k r_{nk} \lVert x_n - m_k\rVert^2\big)$
# is a sum of one term per point, and the term of point $n$ depends only on $r_n$. Each term is
# smallest when $r_n$ puts its single 1 on the nearest centre. So the assign step gives the
# **minimum of $J$ over all assignments**: whatever the old assignment was, $J$ cannot be larger after it.
#
# **Update step.** With the assignments fixed, $J$ is a sum of one quadratic per centre. Its gradient is
#
# $$\frac{\partial J}{\partial m_k} = -2 \sum_n r_{nk}\,(x_n - m_k) = 0
# \quad\Longleftrightarrow\quad m_k = \frac{\sum_n r_{nk}\, x_n}{\sum_n r_{nk}},$$
#
# and its Hessian is $\frac{\partial^2 J}{\partial m_k \partial m_k^\top} = 2 N_k I$ with
# $N_k = \sum_n r_{nk} > 0$ points in the cluster: positive definite, so $J$ is a convex bowl in
# $m_k$ and the mean is its **unique minimum**. (An empty cluster has $N_k = 0$; then $J$ does not
# depend on $m_k$ and `coursepkg` leaves that centre where it was.)
#
# Let us record $J$ after every half-step of the run above and check both claims with numbers.

# %%
centres = start.copy()
half_steps = []  # (step name, J)
labels = None
for t in range(1, 20):
    new_labels = assign(X, centres)
    half_steps.append((f"assign {t}", objective(X, centres, new_labels)))
    if labels is not None and np.array_equal(new_labels, labels):
        break
    labels = new_labels
    centres = np.array([X[labels == j].mean(axis=0) for j in range(2)])
    half_steps.append((f"update {t}", objective(X, centres, labels)))

for name, J in half_steps:
    print(f"{name:>9}: J = {J:9.4f}")
J_values = np.array([J for _, J in half_steps])
print(f"\nlargest increase of J over any half-step: {np.diff(J_values).max():.2e} (never positive)")
print(f"J after each update matches coursepkg's history: "
      f"max difference {np.abs(J_values[2::2] - result.history[1:len(J_values[2::2]) + 1]).max():.1e}")

# %% [markdown]
# Every half-step lowered $J$ or, at the very end, left it unchanged. Now the update step: the
# gradient at the new centres should vanish, and a finite-difference second derivative along any
# direction $v$ should equal $2 N_k \lVert v \rVert^2$.

# %%
for j in range(2):
    members = X[labels == j]
    gradient = -2 * (members - centres[j]).sum(axis=0)
    v = rng.standard_normal(2)
    h = 1e-3

    def J_moved(step, j=j, v=v):
        moved = centres.copy()
        moved[j] = moved[j] + step * v
        return objective(X, moved, labels)

    second = (J_moved(h) - 2 * J_moved(0) + J_moved(-h)) / h**2
    print(f"centre {j}: |gradient| = {np.abs(gradient).max():.1e};  "
          f"second derivative along v = {second:.4f}, 2 N_k |v|^2 = {2 * len(members) * v @ v:.4f}")

# %% [markdown]
# The gradient is zero up to rounding and the curvature is positive, exactly $2N_k\lVert v\rVert^2$:
# the mean is the minimum of $J$ over the centre, not a saddle or a maximum.

# %% [markdown]
# ## 3. Why k-means always stops: $J$ is a Lyapunov function
#
# A **Lyapunov function** of an iterative algorithm is a quantity, bounded below, that the algorithm
# never increases. Section 2 showed that $J \ge 0$ is one for k-means. That alone says $J$ converges;
# **termination** needs one more observation:
#
# * there are finitely many assignments — at most $k^n$ ways to label $n$ points;
# * while the labels change, $J$ strictly decreases: a point changes label only when another centre is
#   strictly nearer (with ties kept, a rule we can take since ties have probability zero for
#   continuous data), which strictly lowers its term;
# * so no assignment can ever come back (it would come back with a smaller $J$ than it had before,
#   yet $J$ is determined by the assignment once the centres are the cluster means). The run
#   visits distinct assignments, and must stop within $k^n$ rounds.
#
# The bound $k^n$ is astronomically loose; in practice Lloyd's algorithm stops after a handful of rounds.
# It stops at a **local** minimum: nothing in the argument says the minimum is the best one.

# %%
visited, centres_t = [], start.copy()
for t in range(100):
    labels_t = assign(X, centres_t)
    if any(np.array_equal(labels_t, old) for old in visited):
        break
    visited.append(labels_t)
    centres_t = np.array([X[labels_t == j].mean(axis=0) for j in range(2)])
print(f"distinct assignments visited before one repeated: {len(visited)} "
      f"(the last one repeats itself: the fixed point)")
print(f"the bound k^n = 2^{X.shape[0]} = {2.0 ** X.shape[0]:.1e}")
strict = np.diff(result.history)[:-1]
print("decrease of J at each update that changed labels:", ", ".join(f"{d:.3g}" for d in -strict), "(all > 0)")

# %% [markdown]
# A handful of distinct assignments, each with a strictly lower $J$ than the one before, then a
# fixed point — against a worst-case bound with 82 digits.

# %% [markdown]
# ## 4. Pathology 1: k-means cannot choose $k$
#
# $J$ is the only judge k-means has, and $J$ always prefers more clusters: the best clustering with
# $k+1$ centres is at least as good as the best with $k$ (put the extra centre on any point). At
# $k = n$ every point is its own centre and $J = 0$. So the curve of $J$ against $k$ falls forever,
# whatever the real number of groups is.

# %%
ks = np.arange(1, 11)
best_J = [min(kmeans(X, k, rng=np.random.default_rng(s)).objective for s in range(5)) for k in ks]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(ks, best_J, "o-", color=COMPONENT_COLORS[0])
ax.axvline(2, color="0.5", ls=":", label="2 groups a person sees in the data")
ax.set_xlabel("number of clusters k")
ax.set_ylabel("J, best of 5 starts (standardised units²)")
ax.set_title("Old Faithful: the k-means objective keeps falling as k grows")
ax.legend()
plt.show()
print("J(k) =", np.round(best_J, 1))
print(f"J with k = n centres (one per point): {objective(X, X, np.arange(X.shape[0])):.1f}")

# %% [markdown]
# The curve bends at $k=2$, but it never turns up: minimising $J$ cannot tell us to stop. A
# probabilistic model will give a score that can (held-out likelihood, a later lesson).

# %% [markdown]
# ## 5. Pathology 2: only round, equal clusters
#
# The assign step cuts the plane along the perpendicular bisectors between centres. Every cluster
# is therefore a convex cell that treats all directions alike, whatever the shape or size of the
# group in it. Two synthetic data sets from `coursepkg.datasets` show it: three long thin parallel
# clusters, and one wide cluster next to two small tight ones. To be as fair as possible we start
# k-means **at the true centres**. Top row: the true groups; bottom row: where k-means goes from there.

# %%
fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
for col, kind in enumerate(["elongated", "unequal"]):
    Xs, z = datasets.make_synthetic(kind, n=300, rng=SEED)
    true_means = datasets.SYNTHETIC[kind].means
    km = kmeans(Xs, true_means)
    agreement = np.mean(km.labels == z)  # started at the true centres, so the numbering matches
    J_truth = objective(Xs, np.array([Xs[z == j].mean(axis=0) for j in range(3)]), z)
    plot_clusters(Xs, z, ax=axes[0, col])
    axes[0, col].set_title(f"'{kind}': the true groups (J = {J_truth:.0f})")
    plot_clusters(Xs, km.labels, ax=axes[1, col])
    axes[1, col].plot(*km.centers.T, "kX", ms=11, label="k-means centres")
    axes[1, col].set_title(f"k-means from the true centres (J = {km.objective:.0f}): {agreement:.0%} right")
    print(f"{kind:>9}: J of the true groups {J_truth:7.1f} > J of the k-means answer {km.objective:7.1f}; "
          f"{agreement:.0%} of points stay in their true group")
    for ax in axes[:, col]:
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_aspect("equal", adjustable="datalim")
        ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# On the long clusters k-means walks away from the truth and slices across the clusters, because
# cutting them into short pieces lowers $J$. On the unequal set it hands the wide cluster's edge
# points to the small neighbours whose centres are nearer. In both cases the true grouping has a
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

# %%
from coursepkg.mixture import sample  # noqa: E402

three = GMM(np.full(3, 1 / 3), [[0.0, 0.0], [3.0, 0.0], [1.5, 7.0]], np.repeat(0.4 * np.eye(2)[None], 3, axis=0))
Xr, zr = sample(three, 300, rng=np.random.default_rng(SEED))
good = kmeans(Xr, 3, rng=np.random.default_rng(SEED))
bad_start = np.array([[1.0, 7.0], [2.0, 7.0], [1.5, 0.0]])
bad = kmeans(Xr, bad_start)

fig, axes = plt.subplots(1, 2, figsize=(10, 5))
for ax, run, name in [(axes[0], good, "k-means++ start"), (axes[1], bad, "bad start")]:
    plot_clusters(Xr, run.labels, ax=ax)
    ax.plot(*run.centers.T, "kX", ms=11, label="final centres")
    ax.set_title(f"{name}: J = {run.objective:.0f} after {run.n_iter} updates")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
axes[1].plot(*bad_start.T, "k+", ms=14, mew=2, label="starting centres")
for ax in axes:
    ax.legend(loc="center right", fontsize=8)
plt.show()
print(f"good start: J = {good.objective:.1f};  bad start: J = {bad.objective:.1f} "
      f"({bad.objective / good.objective:.1f} times larger); both converged: {good.converged and bad.converged}")

# %% [markdown]
# Both runs converged — to different answers, one with almost three times the distortion of the other. The usual remedies are a careful start (k-means++,
# used by `coursepkg` by default) and several starts keeping the lowest $J$.

# %% [markdown]
# ## 7. Hard and soft assignment tables
#
# A hard clustering is a table with one 1 per point (column): point $x_i$ is in cluster $S_j$ or
# not. A **soft** clustering replaces the 1s and 0s by weights $w_{ij} \in [0, 1]$ with
# $\sum_j w_{ij} = 1$ for every point: $w_{ij}$ is the probability that $x_i$ belongs to cluster $j$.
# A weight of 0.6 means "60% sure", not "60% of the point".
#
# Below, on three overlapping clusters, the hard table comes from k-means, and the soft one from a
# Gaussian mixture fitted by EM, started from the k-means centres so that the cluster numbers agree.
# How that mixture is defined and fitted is the subject of lessons 02 to 07; here we only read its
# output. We pick the point nearest the centre of each cluster, and for each pair of clusters the
# point that is most torn between the two.

# %%
Xo, zo = datasets.make_synthetic("overlapping", n=300, rng=SEED)
km_o = kmeans(Xo, 3, rng=np.random.default_rng(SEED))
start_gmm = GMM(np.full(3, 1 / 3), km_o.centers, np.repeat(np.cov(Xo.T, bias=True)[None] / 3, 3, axis=0))
em_o = fit_em(Xo, start_gmm)
soft = em_o.resp

deep = [int(np.argmin(((Xo - mean) ** 2).sum(axis=1))) for mean in em_o.gmm.means]  # nearest each centre
border = [int(np.argmax(soft[:, j] * soft[:, l])) for j, l in [(0, 1), (1, 2), (0, 2)]]
chosen = deep + border
names = [f"x{i + 1}" for i in range(len(chosen))]


def print_table(title, table):
    print(title)
    print("      " + "".join(f"{name:>7}" for name in names))
    for j in range(table.shape[1]):
        print(f"  S{j + 1}  " + "".join(f"{value:7.2f}" for value in table[:, j]))
    print("  sum " + "".join(f"{value:7.2f}" for value in table.sum(axis=1)))


hard = np.eye(3)[km_o.labels[chosen]]
print_table("hard assignment (k-means)", hard)
print()
print_table("soft assignment (Gaussian mixture responsibilities)", soft[chosen])
print(f"\nlargest |sum of soft weights - 1| over all {len(Xo)} points: {np.abs(soft.sum(axis=1) - 1).max():.1e}")
disagree = [name for name, i in zip(names, chosen) if np.argmax(soft[i]) != km_o.labels[i]]
print(f"points whose largest soft weight is not their k-means cluster: {disagree}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 5))
ax.scatter(*Xo.T, c=blend_colors(soft), s=14, alpha=0.6)
for name, i in zip(names, chosen):
    ax.plot(*Xo[i], "o", ms=11, mfc="none", mec="black", mew=1.5)
    ax.annotate(name, Xo[i], xytext=(7, 7), textcoords="offset points", fontsize=11, weight="bold")
for j in range(3):
    ax.scatter([], [], color=COMPONENT_COLORS[j], label=f"S{j + 1}")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("colour = blend of cluster colours by soft weight")
ax.legend(title="cluster", loc="upper left")
ax.set_aspect("equal", adjustable="datalim")
plt.show()

# %% [markdown]
# Points x1–x3 sit at the heart of a cluster: hard and soft tables agree, with soft weights above 0.9. Points
# x4–x6 sit where clusters overlap: the hard table still writes a confident 1, the soft table says
# how unsure we are, and the plot shows them in mixed colours. The two tables can even disagree on
# the winner (x5 above): k-means looks only at the distance to each centre, the mixture also at each
# cluster's size and shape — lesson 05 shows why.

# %% [markdown]
# ## 8. One point moved across a border, in closed form
#
# Take two clusters A and B with centres $a$, $b$ a distance $D$ apart, equal weights, and the same
# round spread $\sigma^2 I$. Bayes' rule gives the soft weight of B for a point $x$ (the normalising
# constants of the two Gaussians are equal and cancel):
#
# $$r_B(x) = \frac{e^{-\lVert x-b\rVert^2/2\sigma^2}}{e^{-\lVert x-a\rVert^2/2\sigma^2} + e^{-\lVert x-b\rVert^2/2\sigma^2}}
# = \frac{1}{1 + \exp\!\big(-(\lVert x-a\rVert^2 - \lVert x-b\rVert^2)/2\sigma^2\big)} .$$
#
# On the segment $x = a + t(b - a)$ we have $\lVert x-a\rVert^2 = t^2D^2$ and
# $\lVert x-b\rVert^2 = (1-t)^2D^2$, whose difference is $D^2(2t - 1)$. So
#
# $$r_B(t) = \frac{1}{1 + \exp\!\big(-D^2 (t - \tfrac12)/\sigma^2\big)},$$
#
# a logistic curve through $\tfrac12$ at the midpoint, while the hard assignment jumps from 0 to 1
# there. We check the formula against `coursepkg`'s E-step (`coursepkg.em.e_step`), which the lab
# below uses.

# %%
from coursepkg.widgets.border import SCENARIOS, border_state  # noqa: E402

pair = SCENARIOS["equal round clusters"]  # centres (0, 0) and (4, 0), covariance I, equal weights
D, sigma2 = 4.0, 1.0
t = np.linspace(-0.25, 1.25, 301)
states = [border_state(pair, ti) for ti in t]
soft_B = np.array([s.soft[1] for s in states])
hard_B = np.array([s.hard[1] for s in states])
closed_form = 1 / (1 + np.exp(-D**2 * (t - 0.5) / sigma2))
print(f"largest |E-step - closed form| along the segment: {np.abs(soft_B - closed_form).max():.1e}")
print(f"largest jump between neighbouring positions: hard {np.abs(np.diff(hard_B)).max():.2f}, "
      f"soft {np.abs(np.diff(soft_B)).max():.3f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.step(t, hard_B, where="mid", color="black", lw=2, label="hard (k-means)")
ax.plot(t, soft_B, color=COMPONENT_COLORS[1], lw=2.5, label="soft (mixture)")
ax.plot(t[::15], closed_form[::15], "o", mfc="none", color="0.3", label="closed form")
ax.set_xlabel("position t on the segment (0 = centre A, 1 = centre B)")
ax.set_ylabel("weight of cluster B")
ax.set_title("crossing the border: a jump versus a slope")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# The soft weight climbs smoothly from near 0 to near 1 over the middle third of the segment; the
# hard weight jumps in one step at $t = \tfrac12$.

# %% [markdown]
# ## 9. Lab: the border point
#
# Move the orange point with the **A → B** slider (its position on the segment between the two
# centres) and the **sideways** slider (its distance from that segment). The top bar is the k-means
# assignment, the bottom bar the soft assignment of a two-component Gaussian mixture; the circles
# are each cluster's 95% region.
#
# Things to try:
#
# * Sweep A → B slowly with *equal round clusters*. Where does the hard bar flip? How wide is the
#   region where the soft bar is between 20% and 80%?
# * Move sideways at position 0.5. Why does neither bar change?
# * Switch to *B wider than A*. The soft 50/50 boundary becomes a circle around A: a point can be
#   nearer to A's centre and still belong more to B, because B spreads further. k-means ignores this.
# * Switch to *B three times as common*. The soft boundary moves towards A: the prior weights
#   matter too.

# %%
from coursepkg.widgets.border import make_border_lab  # noqa: E402

border_lab = make_border_lab()
border_lab

# %% [markdown]
# In the notebook's static view the lab shows its starting state: the point 30% of the way from A
# to B, fully in A for k-means and about 96% A for the mixture.

# %%
s = border_lab.state()
print(f"point {s.point}: hard {s.hard}, soft {np.round(s.soft, 3)}")

# %% [markdown]
# ## 10. Check your understanding

# %%
concept_question("01", 1)

# %%
concept_question("01", 2)

# %%
concept_question("01", 3)

# %% [markdown]
# ## Summary
#
# * k-means minimises $J = \sum_n \sum_k r_{nk}\lVert x_n - m_k\rVert^2$ by alternating an assign step
#   (the minimum over assignments) and an update step (the minimum over centres: gradient zero,
#   curvature $2N_k > 0$). $J$ is a Lyapunov function: it never increases, and since there are
#   finitely many assignments the algorithm stops, at a local minimum.
# * Its three pathologies: $J$ always prefers more clusters, so it cannot choose $k$; its bisector
#   boundaries carve round, equal cells, which cut long or unequal clusters wrongly; and a bad start
#   converges to a poor local minimum.
# * A soft assignment gives every point a weight per cluster, summing to 1. Deep inside a cluster it
#   agrees with the hard one; near a border it keeps the uncertainty that the hard one throws away,
#   and it changes smoothly as the point moves.
#
# **Next:** lesson 02 builds the model that produces these soft weights — a mixture of Gaussians,
# each with its own size, shape and weight.
#
# **Exercises:** [exercises/01_soft_clustering.ipynb](../exercises/01_soft_clustering.ipynb).
