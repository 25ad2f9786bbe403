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
# # Lesson 12 — EM at scale
#
# Lessons 05–07 ran EM on an array `X` held in memory. This lesson runs the same algorithm when the
# points do not fit in one machine's memory, or arrive in pieces. Lesson 06 (sections 9 and 10) already
# showed the two facts it rests on: the M-step reads only the expected sufficient statistics, and the
# statistics of two blocks merge exactly by a pairwise formula that never squares uncentred numbers. Here
# we build on them: what a block sends, how the rounding error of the merge grows with the distance from the
# origin, one EM iteration as a **map-reduce** over a tree of merges, the same EM on Dask (a `dask.array`
# made block by block, a small `dask.distributed` cluster) checked against `fit_em` iteration by iteration,
# its memory, and **stepwise (online) EM**, which updates the mixture after every mini-batch.
#
# **Learning goals.** After this lesson you can
#
# 1. say which statistics one block of data must send to the M-step (and how many numbers that is), and why
#    they are merged rather than added;
# 2. explain how the rounding error of the pairwise merge grows with the offset of the data ($\varepsilon c/\sigma$),
#    against $\varepsilon c^2/\sigma^2$ for $\sum_n r_{nk} x_n x_n^\top - N_k \mu_k \mu_k^\top$;
# 3. describe a `dask.array` (chunks, lazy task graph, `compute`) and run EM on it with
#    `coursepkg.scale.fit_em_dask`, on a local cluster or any cluster, and check it against `fit_em`;
# 4. say why a worker's memory stays at a fixed few blocks however large the data, and what a pass costs;
# 5. run stepwise EM on mini-batches, state the Robbins–Monro conditions on its step sizes, and compare
#    it with batch EM.
#
# **You need:** lesson 03 (section 8, $Q$ and its statistics), lesson 05 (the E-step), lesson 06 (the M-step,
# sections 9–10), lesson 07 (the EM loop).
#
# Components are numbered $1, \dots, K$ in the text and the figures; the code counts from 0.

# %%
# %matplotlib inline
import fractions
import pickle
import tempfile
import time
from pathlib import Path

import dask
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster

from coursepkg import claims, em, scale
from coursepkg.datasets import SYNTHETIC
from coursepkg.mixture import sample
from coursepkg.plotting import COMPONENT_COLORS
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
SEED = 12
TRUTH = SYNTHETIC["round"]  # three round clusters in 2-D (lesson 01's data), drawn from here block by block
K, d = TRUTH.k, TRUTH.d
ROWS = 20_000  # points per block


def make_block(index, rows=ROWS):
    """Block number `index` of the data: `rows` points of TRUTH, drawn from a generator of its own."""
    X_block, _ = sample(TRUTH, rows, rng=np.random.default_rng([SEED, index]))
    return X_block


def lazy_data(n_blocks, rows=ROWS):
    """A dask array of n_blocks blocks of `rows` points: nothing is drawn until a block is computed."""
    return da.map_blocks(
        lambda block_info=None: make_block(block_info[None]["chunk-location"][0], rows),
        chunks=((rows,) * n_blocks, (d,)),
        dtype=float,
        meta=np.empty((0, 0)),
    )


# %% [markdown]
# ## 1. The M-step needs only sums over the points
#
# Lesson 03 (section 8) showed that $Q$ sees the data only through three **expected sufficient statistics** per
# component, and lesson 06 (section 9) turned them into the M-step with no further look at the points. The sums
# over points are
#
# $$
# N_k = \sum_n r_{nk}, \qquad \sum_n r_{nk}\, x_n, \qquad \sum_n r_{nk}\, x_n x_n^\top ,
# $$
#
# and they add over any split of the points. We carry the same information in a form that rounds better: $N_k$,
# the weighted mean $\mu_k = \frac{1}{N_k}\sum_n r_{nk} x_n$ and the **centred scatter**
# $S_k = \sum_n r_{nk}(x_n - \mu_k)(x_n - \mu_k)^\top$ (lesson 06 wrote them $\bar x_k$ and $C_k$). These are not sums
# of one point's terms, since $S_k$ is centred on a mean that depends on all the points: two summaries are
# **merged** (section 3), not added. From them the M-step is, for each component with $N_k > 0$,
# $\pi_k = N_k/N$, $\mu_k$, $\Sigma_k = S_k/N_k$. The log-likelihood $\ell(\theta) = \sum_n \log p(x_n \mid \theta)$
# that EM monitors is a plain sum over points. `scale.statistics_from_resp` computes them; numpy's weighted
# average and covariance (`np.cov(..., aweights=r_k, bias=True)`, which is $S_k/N_k$) are the independent
# reference, and the M-step from the statistics is compared with `em.m_step` on the points.

# %%
X_small = make_block(0, rows=2_000)
gmm0 = em.initial_gmm(X_small, K, rng=SEED)
resp_small, ll_small = em.e_step(X_small, gmm0)
stats_small = scale.statistics_from_resp(X_small, resp_small, ll_small)
for k in range(K):
    r_k = resp_small[:, k]
    claims.close(f"N_{k + 1} = sum of r_n{k + 1}", stats_small.nk[k], r_k.sum(), rtol=1e-12)
    claims.close(f"mean of component {k + 1} vs np.average", stats_small.means[k],
                 np.average(X_small, axis=0, weights=r_k), rtol=1e-12)
    claims.close(f"S_{k + 1} / N_{k + 1} vs np.cov(aweights=r_{k + 1})", (stats_small.scatters[k] / stats_small.nk[k]).ravel(),
                 np.cov(X_small.T, aweights=r_k, bias=True).ravel(), rtol=1e-10)
m_step_model = scale.m_step_from_statistics(stats_small)
m_step_direct = em.m_step(X_small, resp_small)
claims.close("M-step from the statistics vs from the 2 000 points: weights", m_step_model.weights,
             m_step_direct.weights, rtol=1e-12)
claims.close("M-step from the statistics vs from the 2 000 points: means", m_step_model.means,
             m_step_direct.means, rtol=1e-12)
_ = claims.close("M-step from the statistics vs from the 2 000 points: covariances", m_step_model.covariances,
                 m_step_direct.covariances, rtol=1e-10, atol=1e-14)

# %% [markdown]
# The statistics reproduce numpy's weighted means and covariances, and the M-step built from them alone gives
# the weights, means and covariances of the M-step on all 2 000 points. So an EM iteration can forget the points
# as soon as it has folded them into these statistics.
#
# ## 2. What one block sends
#
# Split the rows of $X$ into blocks. A worker that holds block $B$ runs the E-step on it under the current mixture
# and reduces it to a `scale.Statistics`: the number of points $m_B$, for each $k$ the count $N_{k}^{B}$, the
# block's weighted mean $\mu_k^B$, its scatter $S_k^B$ **about its own mean**, and the block's log-likelihood. That is
# $1 + K + Kd + Kd^2 + 1$ numbers, whatever the size of the block: the responsibilities ($m_B K$ numbers) never leave
# the worker. The cell counts the numbers in the object itself, and the bytes it takes when pickled to be sent.

# %%
block = make_block(1)
stats_block = scale.block_statistics(block, gmm0)
sent = sum(np.size(field) for field in stats_block)
wire_bytes = len(pickle.dumps(stats_block))
claims.equal(f"numbers in one block's Statistics (K = {K}, d = {d})", sent, 1 + K + K * d + K * d * d + 1)
claims.at_most("bytes of one block's Statistics, pickled", wire_bytes, 1_000)
_ = claims.at_most("those bytes as a share of the block's own bytes", wire_bytes / block.nbytes, 3e-3)

# %%
concept_question("12", 1)

# %% [markdown]
# ## 3. Merging two blocks: the pairwise formula
#
# Lesson 06 (section 9) derived how two summaries merge, from the split $x - \mu = (x - \mu_A) + (\mu_A - \mu)$ in each
# block. For two disjoint sets $A$, $B$ with, for one component, counts $N_A, N_B$ ($N_A + N_B > 0$), weighted means
# $\mu_A, \mu_B$, centred scatters $S_A, S_B$, and $\delta = \mu_B - \mu_A$:
#
# $$
# N_{AB} = N_A + N_B, \qquad \mu_{AB} = \mu_A + \frac{N_B}{N_{AB}}\,\delta, \qquad
# S_{AB} = S_A + S_B + \frac{N_A N_B}{N_{AB}}\,\delta\delta^\top .
# $$
#
# ($N_{AB}$, not $N$: $N$ stays the number of points.) This is the update of Chan, Golub and LeVeque. It is an
# identity, it holds for every component separately, and because it gives the statistics of $A \cup B$ it is
# associative: any tree of merges over any split of the data gives the statistics of all of it. `scale.combine`
# implements it, with an empty side contributing nothing; exercise 2 asks for the inverse, removing $B$ again.

# %%
X_ab = np.vstack([make_block(2, 3_000), make_block(3, 5_000)])
resp_ab, ll_ab = em.e_step(X_ab, gmm0)
a_stats = scale.statistics_from_resp(X_ab[:3_000], resp_ab[:3_000])
b_stats = scale.statistics_from_resp(X_ab[3_000:], resp_ab[3_000:])
merged = scale.combine(a_stats, b_stats)
for k in range(K):
    claims.close(f"merged S_{k + 1} / N_{k + 1} vs np.cov of the union", (merged.scatters[k] / merged.nk[k]).ravel(),
                 np.cov(X_ab.T, aweights=resp_ab[:, k], bias=True).ravel(), rtol=1e-10)
_ = claims.close("merged means vs np.average of the union", merged.means,
                 np.array([np.average(X_ab, axis=0, weights=resp_ab[:, k]) for k in range(K)]), rtol=1e-12)

# %% [markdown]
# Merged from two blocks of 3 000 and 5 000 points, the statistics are numpy's weighted means and covariances of
# all 8 000, to rounding.
#
# ## 4. Why not $\sum r x x^\top - N \mu\mu^\top$
#
# Lesson 06 (section 10) showed what the raw sums cost on one block: $S_k = \sum_n r_{nk} x_n x_n^\top - N_k \mu_k\mu_k^\top$
# subtracts two numbers of size $N_k \lVert\mu_k\rVert^2$ whose difference is of size $N_k \sigma^2$, so in double
# precision ($\varepsilon \approx 2.2\cdot 10^{-16}$) its relative error is about $\varepsilon\,\lVert\mu_k\rVert^2/\sigma^2$:
# of order 1 once $\lVert\mu\rVert/\sigma \approx 10^{8}$ (timestamps in seconds, about $1.7\cdot 10^{9}$, with a spread
# of days, or positions in metres on a national grid, are in that range). A map-reduce that sends raw sums from
# every block and subtracts only at the end inherits exactly this error.
#
# The merge has an error too, smaller but not zero: the block means $\mu_A, \mu_B$ sit near the offset $c$, so
# $\delta = \mu_B - \mu_A$ is a difference of two numbers of size $c$ and carries an absolute error of about
# $\varepsilon c$. The term $\frac{N_A N_B}{N_{AB}}\delta\delta^\top$ then has a relative error, measured against the
# spread, of order $\varepsilon c / \sigma$ (times $\lVert\delta\rVert/\sigma$ and a ratio of counts, both at most of
# order 1 here): it grows like $c$, not like $c^2$ (lesson 06 found the same growth for a centred covariance). The test: 1 000 of the points
# above, shifted by an offset $c$, one responsibility column, the variance of one coordinate computed by the raw
# formula and by merging two parts of 400 and 600 points. The reference is exact: `fractions.Fraction` turns every
# float into its exact rational value, so sums and products carry no rounding at all.

# %%
concept_question("12", 2)


# %%
def raw_scatter(X, r):
    """sum r x x^T - N mu mu^T: the shortcut, for one component."""
    n_k = r.sum()
    mu = (r @ X) / n_k
    return (r[:, None] * X).T @ X - n_k * np.outer(mu, mu)


def exact_variance(x, r):
    """sum r (x - mu)^2 / sum r for one coordinate, in exact rational arithmetic."""
    xs = [fractions.Fraction(v) for v in x]
    rs = [fractions.Fraction(v) for v in r]
    n_k = sum(rs)
    mu = sum(ri * xi for ri, xi in zip(rs, xs, strict=True)) / n_k
    return float(sum(ri * (xi - mu) ** 2 for ri, xi in zip(rs, xs, strict=True)) / n_k)


offsets = 10.0 ** np.arange(0, 9)
n_exact = 1_000
r1 = resp_ab[:n_exact, 0]
rel_raw, rel_pair = [], []
for c in offsets:
    Xc = X_ab[:n_exact] + c
    want = exact_variance(Xc[:, 0], r1)
    raw = raw_scatter(Xc, r1)[0, 0] / r1.sum()
    split_a = scale.statistics_from_resp(Xc[:400], resp_ab[:400, :1])
    split_b = scale.statistics_from_resp(Xc[400:n_exact], resp_ab[400:n_exact, :1])
    pair = scale.combine(split_a, split_b).scatters[0, 0, 0] / r1.sum()
    rel_raw.append(abs(raw - want) / want)
    rel_pair.append(abs(pair - want) / want)
rel_raw, rel_pair = np.array(rel_raw), np.array(rel_pair)
sigma = np.sqrt(want)
EPS = np.finfo(float).eps
fit = offsets >= 1e2  # above the rounding floor of c = 1 and 10
slope_raw = np.polyfit(np.log10(offsets[fit]), np.log10(np.maximum(rel_raw[fit], 1e-30)), 1)[0]
slope_pair = np.polyfit(np.log10(offsets[fit]), np.log10(np.maximum(rel_pair[fit], 1e-30)), 1)[0]
claims.between("sigma of the coordinate (the spread the questions call about 1.4)", sigma, 1.3, 1.55)
claims.between("log-log slope of the raw formula's error against c (c^2: 2)", slope_raw, 1.7, 2.3)
claims.between("log-log slope of the pairwise merge's error against c (c: 1)", slope_pair, 0.7, 1.3)
claims.between("pairwise merge at c = 1e8: error / (eps c / sigma)", rel_pair[-1] / (EPS * 1e8 / sigma), 0.01, 100)
claims.between("pairwise merge, relative error of the variance at c = 1e8", rel_pair[-1], 1e-10, 1e-8)
claims.at_least("raw formula's error / pairwise merge's error at c = 1e8", rel_raw[-1] / rel_pair[-1], 1e8)
claims.at_least("raw formula, relative error of the variance at c = 1e8 (above 100%)", rel_raw[-1], 1)
_ = claims.at_most("raw formula, relative error at c = 1 (no harm at the origin)", rel_raw[0], 1e-12)

# %%
fig, ax = plt.subplots(figsize=(6.8, 4.0))
floor = 1e-17  # an error of exactly 0 (rounding happened to cancel) is drawn on this line, as an open marker
ax.loglog(offsets, np.maximum(rel_raw, floor), "o-", color="black", label=r"raw: $\sum r x x^\top - N\mu\mu^\top$")
ax.loglog(offsets, np.maximum(rel_pair, floor), "s-", color="0.55", label="pairwise (Chan) merge of 400 + 600 points")
zero = rel_pair == 0
ax.loglog(offsets[zero], np.full(zero.sum(), floor), "s", mfc="white", mec="0.55", label="error exactly 0")
ax.loglog(offsets, EPS * offsets**2 / sigma**2, ":", color="black", lw=1, label=r"$\varepsilon\,c^2/\sigma^2$")
ax.loglog(offsets, EPS * offsets / sigma, "--", color="0.55", lw=1, label=r"$\varepsilon\,c/\sigma$")
ax.set_xlabel("offset c added to every coordinate (data units)")
ax.set_ylabel("relative error of the variance")
ax.set_ylim(3e-18, 1e3)
ax.set_title("Component 1's variance, against exact rational arithmetic")
ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The raw formula's error follows $\varepsilon c^2/\sigma^2$ (slope 2) and passes 100% near $c = 10^8$, where it can
# even give a negative variance. The pairwise merge's error follows $\varepsilon c/\sigma$ (slope 1): it is not at
# rounding level, but at $c = 10^8$ it is still only a few $10^{-9}$, more than eight orders of magnitude below the
# raw formula's.
# (At $c = 10$ the rounding happened to cancel exactly: the open square.) Where even $\varepsilon c/\sigma$ is too
# much, subtract a rough centre (say the first block's mean) from every block before anything else.

# %% [markdown]
# ## 5. Dask in three cells
#
# [Dask](https://docs.dask.org) runs numpy-like code on data split into blocks. A `dask.array` is a grid of numpy
# arrays, its **chunks**, and it is **lazy**: an operation on it computes nothing, it only adds tasks to a
# **task graph** (a dictionary of small functions and the keys of their inputs). `.compute()` (or `dask.compute`)
# hands the graph to a **scheduler**, which runs the tasks: in this process, one at a time
# (`scheduler="synchronous"`), on a pool of threads (`"threads"`), or on the workers of a `dask.distributed`
# cluster, possibly other machines. `X.to_delayed()` gives one task per chunk, which is how we will attach our own
# function (the E-step) to every block.

# %%
X_demo = lazy_data(4, rows=1_000)  # 4 blocks of 1 000 points, none drawn yet
claims.equal("rows per block", X_demo.chunks[0], (1_000,) * 4)
claims.equal("one task per block", len(X_demo.to_delayed().ravel()), 4)
column_sum = X_demo.sum(axis=0)  # lazy too: a graph of per-block sums and a reduce
claims.at_least("tasks in the lazy column sum, nothing computed yet (4 blocks, their sums, a reduce)",
                len(column_sum.__dask_graph__()), 9)
_ = claims.close("computed column sums vs numpy on the same blocks", column_sum.compute(scheduler="synchronous"),
                 np.vstack([make_block(i, 1_000) for i in range(4)]).sum(axis=0), rtol=1e-12)

# %% [markdown]
# ## 6. One iteration is a map-reduce
#
# So one EM iteration over $B$ blocks is: **broadcast** the current mixture to the workers; **map** each block
# to its statistics (`scale.block_statistics`, the E-step on that block only); **reduce** the $B$ statistics by
# merging them in pairs, a balanced tree of depth $\lceil\log_2 B\rceil$; then the **M-step** on the one merged
# result (`scale.m_step_from_statistics`), on one machine, from $K + Kd + Kd^2$ numbers. `scale.statistics_graph`
# builds that pass as a Dask task graph: $B$ map tasks and $B - 1$ merge tasks. Because the merge is associative,
# the tree gives the same statistics as a plain left-to-right loop over the blocks.

# %%
n_blocks = 8
blocks = [make_block(i) for i in range(n_blocks)]
X_eight = da.concatenate([da.from_array(b, chunks=(ROWS, d)) for b in blocks])
graph = scale.statistics_graph(X_eight, gmm0)
tasks = graph.__dask_graph__()
map_tasks = [key for key in tasks if "-block-" in str(key)]
merge_tasks = [key for key in tasks if "-combine-" in str(key)]
claims.equal("map tasks in one pass over 8 blocks", len(map_tasks), n_blocks)
claims.equal("merge tasks (a binary tree)", len(merge_tasks), n_blocks - 1)
tree = graph.compute(scheduler="synchronous")
loop = scale.block_statistics(blocks[0], gmm0)
for b in blocks[1:]:
    loop = scale.combine(loop, scale.block_statistics(b, gmm0))
claims.close("tree reduce vs left-to-right loop: scatters", tree.scatters, loop.scatters, rtol=1e-12)
_ = claims.close("tree reduce vs the E-step on all points: log-likelihood", tree.log_likelihood,
                 em.e_step(np.vstack(blocks), gmm0)[1], rtol=1e-12)

# %%
fig, ax = plt.subplots(figsize=(7.5, 3.4))
level_x = [np.arange(n_blocks, dtype=float)]
while len(level_x[-1]) > 1:
    level_x.append(level_x[-1].reshape(-1, 2).mean(axis=1))
for depth, xs in enumerate(level_x):
    for x in xs:
        name = f"block {int(x) + 1}" if depth == 0 else ("merge" if depth < len(level_x) - 1 else "merge, then M-step")
        style = dict(boxstyle="round", fc="#e8e8e8" if depth == 0 else "white", ec="0.3")
        ax.text(x, -depth, name, ha="center", va="center", fontsize=8, bbox=style)
    if depth > 0:
        for i, x in enumerate(xs):
            for child in level_x[depth - 1][2 * i : 2 * i + 2]:
                ax.plot([child, x], [-(depth - 1) + 0.15, -depth - 0.15], color="0.5", lw=1)
ax.set_yticks([0, -1, -2, -3], ["map: E-step on\none block", "reduce 1", "reduce 2", "reduce 3"])
ax.set_xticks([])
ax.set_xlim(-0.8, n_blocks - 0.2)
ax.set_ylim(-3.5, 0.5)
ax.set_title(f"One EM pass over {n_blocks} blocks: {n_blocks} map tasks, {n_blocks - 1} merges, one M-step")
for side in ("top", "right", "bottom"):
    ax.spines[side].set_visible(False)
fig.tight_layout()
plt.show()

# %% [markdown]
# Only the boxes' outputs travel along the lines: each is the 23 numbers of section 2 here (under a kilobyte
# pickled), whether a block holds a thousand points or ten million.
#
# ## 7. The same EM on a Dask cluster
#
# `coursepkg.scale.fit_em_dask(X, k_or_initial_gmm, ...)` runs that pass once per iteration on a `dask.array` and
# returns the same `EMResult` as `fit_em` (its `.resp` is a lazy dask array: an $N \times K$ table may not fit in
# memory either). The data below are never one array: `lazy_data` (the setup cell) describes ten blocks of 20 000
# points with `da.map_blocks`, and a block is drawn from its own seeded generator when, and where, a worker needs
# it. We start a `dask.distributed` `LocalCluster` with two workers (threads here, to keep the lesson fast;
# `processes=True` makes them separate processes), run EM on it through a `Client`, and close both. Any running
# cluster works the same way: `fit_em_dask(X, k, address="tcp://scheduler:8786")`, or `client=` for a client you
# already have; with neither, `fit_em_dask` starts a local cluster of its own and closes it.
#
# For the check we also build the 200 000 points in memory (small enough here) and run `fit_em` from the same
# start: the two must agree at every iteration, up to the order in which floating-point sums were added.

# %%
n_blocks = 10
X_dask = lazy_data(n_blocks)
X_memory = X_dask.compute(scheduler="threads")  # only for the reference fit_em below
N = X_memory.shape[0]
start = em.initial_gmm(X_memory[:10_000], K, rng=SEED)
reference = em.fit_em(X_memory, start, max_iter=8, tol=0)
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0")
client = Client(cluster)
try:
    on_cluster = scale.fit_em_dask(X_dask, start, max_iter=8, tol=0, client=client)
    by_address = scale.fit_em_dask(X_dask, start, max_iter=2, tol=0, address=cluster.scheduler_address)
finally:
    client.close()
    cluster.close()
claims.equal("iterations run", on_cluster.n_iter, reference.n_iter)
claims.close("log-likelihood at every iteration, Dask cluster vs fit_em", on_cluster.history, reference.history,
             rtol=1e-10)
claims.close("final means, Dask cluster vs fit_em", on_cluster.gmm.means, reference.gmm.means, rtol=1e-10)
claims.close("final covariances, Dask cluster vs fit_em", on_cluster.gmm.covariances, reference.gmm.covariances, rtol=1e-10)
claims.close("the same cluster reached by its address: first two iterations", by_address.history,
             reference.history[:3], rtol=1e-10)
_ = claims.close("first rows of the lazy responsibilities vs fit_em's", on_cluster.resp[:5].compute(scheduler="threads"),
                 reference.resp[:5], atol=1e-10)

# %% [markdown]
# Eight iterations on a two-worker cluster give fit_em's log-likelihoods, means and covariances to a relative
# $10^{-10}$ or better: the same EM, only summed in a different order.
#
# ## 8. Data read block by block
#
# Data on disk work the same way: `da.from_zarr` for a chunked store, or, for one `.npy` file, numpy's memory map
# (`np.load(..., mmap_mode="r")`) wrapped by `da.from_array`: only the rows of a block are read from the file, when
# its task runs. Here the 200 000 points are written to a temporary file, opened as a memory map in blocks of
# 20 000 rows, and one pass of statistics from the file is compared with the pass on the blocks made on the fly.

# %%
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "points.npy"
    np.save(path, X_memory)
    on_disk = np.load(path, mmap_mode="r")  # nothing read yet
    X_file = da.from_array(on_disk, chunks=(ROWS, d), asarray=True)
    from_file = scale.statistics_graph(X_file, start).compute(scheduler="threads")
    claims.equal("blocks read from the file", X_file.numblocks[0], n_blocks)
    del X_file, on_disk
from_made = scale.statistics_graph(X_dask, start).compute(scheduler="threads")
claims.close("pass over the memory-mapped file vs blocks made on the fly: scatters", from_file.scatters,
             from_made.scatters, rtol=1e-12)
_ = claims.close("the same: log-likelihood", from_file.log_likelihood, from_made.log_likelihood, rtol=1e-12)

# %% [markdown]
# ## 9. Memory: a fixed few blocks, not the data
#
# A worker holds one block at a time: it makes (or reads) the block, runs the E-step on it, keeps the statistics
# and drops the rest. So its peak memory depends on the block size, not on $N$. `scale.measure_pass_memory` runs
# one pass on a single thread and measures, with Python's `tracemalloc` (which sees numpy's buffers), the most
# memory alive at once. Four and sixteen times the number of blocks of section 7's size, from 5 to 20 and 80:

# %%
concept_question("12", 3)

# %%
peaks = {}
for n_b in (5, 20, 80):
    peaks[n_b] = scale.measure_pass_memory(lazy_data(n_b), start)
per_extra_block = (peaks[80]["peak_bytes"] - peaks[5]["peak_bytes"]) / 75
in_blocks = [peaks[n_b]["peak_bytes"] / peaks[n_b]["block_bytes"] for n_b in (5, 20, 80)]
claims.at_most("extra peak per extra block, as a share of one block's data", per_extra_block / peaks[5]["block_bytes"],
               0.05)
claims.between("peak in blocks of 320 kB, smallest of the three", min(in_blocks), 6, 8)
claims.between("peak in blocks of 320 kB, largest of the three", max(in_blocks), 7, 9.5)
claims.close("data of 5 and of 80 blocks (MB)", [peaks[5]["data_bytes"] / 1e6, peaks[80]["data_bytes"] / 1e6],
             [1.6, 25.6], rtol=1e-3)
_ = claims.at_most("peak with 80 blocks as a share of the data", peaks[80]["peak_bytes"] / peaks[80]["data_bytes"], 0.15)

# %% [markdown]
# Sixteen times the data (1.6 MB to 25.6 MB) move the peak by a few per cent of one block per extra block: what
# grows is the task graph and the statistics waiting to be merged, a few kilobytes per block, while each block
# brings 320 kB of data that is dropped after use. The peak itself is about seven to eight blocks' worth because
# these blocks are narrow ($d = 2$): the block, its $m_B \times K$ responsibilities (1.5 blocks) and the E-step's
# temporaries. So the peak is a fixed few blocks plus a little per block; a cluster multiplies the fixed part by
# the number of blocks in flight (one per worker thread), never by $N$. The course's benchmark measured the same on
# worker processes (`benchmarks/RESULTS.md`): a worker's peak rose from 42 to 48 MiB above an idle worker while the
# data grew a hundredfold, from 23 MiB to 2.2 GiB.
#
# ## 10. What a pass costs
#
# Per iteration, each point is visited once: the E-step costs $O(N K d^2)$ arithmetic, spread over the workers;
# the reduce moves $B$ statistics of $K + Kd + Kd^2 + 2$ numbers; the M-step costs $O(K d^3)$ on one machine. So
# the time per iteration should grow in proportion to $N$, and shrink with more workers until the fixed costs
# (scheduling $2B - 1$ tasks, sending the mixture) dominate. A rough measurement on this shared machine, with
# the threaded scheduler, the median of three passes at each size:

# %%
seconds = {}
for n_b in (5, 20):
    X_nb = lazy_data(n_b)
    runs = []
    for _ in range(3):  # the median of three passes: other programs share this machine
        tick = time.perf_counter()
        scale.statistics_graph(X_nb, start).compute(scheduler="threads")
        runs.append(time.perf_counter() - tick)
    seconds[n_b] = float(np.median(runs))
_ = claims.between("time for 4x the points / time for 1x (proportional would be 4)", seconds[20] / seconds[5], 1.8, 10)

# %% [markdown]
# Four times the points took a few times as long (a loose ratio only: other programs share this machine). The
# course's benchmark, `benchmarks/bench_scale.py`, measures the time per iteration for $N = 10^6$ to $10^8$ on one
# and two worker processes, next to `fit_em`, scikit-learn and Spark MLlib; its table is in
# `benchmarks/RESULTS.md`. Two of its findings: in memory, `fit_em` took about a third to two fifths of the time
# of `fit_em_dask` on two workers (the scheduling and the blocks made on the fly cost that much at $10^6$–$10^7$
# points); two workers took a little over half the time of one at $10^7$ and $10^8$ points (0.56 and 0.53), where
# the blocks are many. These are single runs on a machine with two cores, so read them as rough ratios. The cell
# below reads them from the stored table, so that this paragraph and the benchmark cannot drift apart.

# %%
import coursepkg  # noqa: E402

stored = (Path(coursepkg.__file__).parents[1] / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
table = {row.split("|")[1].strip(): [float(c) if c.strip() != "—" else np.nan for c in row.split("|")[3:6]]
         for row in stored.split("# EM at scale")[1].split("## Worker memory")[0].splitlines()
         if row.startswith("| 1e+0")}  # seconds per iteration: dask on 2 workers, on 1, fit_em
in_memory = [table[n][2] / table[n][0] for n in ("1e+06", "1e+07")]
claims.between("stored: fit_em / dask on 2 workers, smallest (1e6, 1e7)", min(in_memory), 0.3, 0.34)
claims.between("stored: fit_em / dask on 2 workers, largest (1e6, 1e7)", max(in_memory), 0.38, 0.45)
_ = claims.close("stored: 2 workers / 1 worker at 1e7 and 1e8", [table[n][0] / table[n][1] for n in ("1e+07", "1e+08")],
                 [0.56, 0.53], atol=0.006)

# %% [markdown]
# ## 11. Stepwise (online) EM on mini-batches
#
# Batch EM changes the mixture once per pass. **Stepwise EM** changes it after every mini-batch of $m$ points.
# Keep running statistics *per point*, $s = (N_k/N, \mu_k, S_k/N)$, started from the first batch's. After batch $t$,
# with its statistics per point $\hat s_t$ (computed under the current mixture), set
#
# $$
# s \leftarrow (1 - \eta_t)\, s + \eta_t\, \hat s_t , \qquad 0 < \eta_t \le 1,
# $$
#
# then run the M-step on $s$. A weighted average of two summaries is a merge with weights $1 - \eta_t$ and $\eta_t$,
# so `scale.combine` keeps the scatters centred here too. Each $\hat s_t$ is a noisy estimate of the statistics a
# full E-step would give, and each update costs $O(m K d^2)$ instead of $O(N K d^2)$: stepwise EM is a stochastic
# approximation, the way stochastic gradient descent is a noisy version of gradient descent. For batches drawn
# independently from a distribution, and under regularity conditions, Cappé and Moulines (2009) show that it
# converges to a stationary point of that distribution's expected log-likelihood when the step sizes satisfy the
# **Robbins–Monro conditions**
#
# $$
# \sum_t \eta_t = \infty \quad(\text{steps can travel any distance}), \qquad
# \sum_t \eta_t^2 < \infty \quad(\text{the noise they add dies out}).
# $$
#
# Our batches are drawn from the data set itself, without replacement within a pass, so the target is the data's own
# $\ell/N$, the quantity batch EM climbs. For $\eta_t = (t + t_0)^{-\alpha}$ both conditions hold exactly when
# $\frac12 < \alpha \le 1$; the package's default is $(t + 2)^{-0.6}$. A constant $\eta$ violates the second (the
# mixture keeps jittering), $\alpha = 2$ violates the first (the steps stop before the mixture gets there).

# %% [markdown]
# ## 12. Stepwise EM against batch EM
#
# We run stepwise EM from the same start as section 7, 100 batches of 2 000 points, one pass over the 200 000
# points, with three schedules, and record $\ell/N$ of all the points after batches 1, 2, 3, 5, 8, 13, 20, 32, 50, 79
# and 100 (about evenly spaced on a log scale). Batch EM is the reference run of section 7, one iteration per pass,
# and batch EM run to convergence.

# %%
concept_question("12", 4)


# %%
def stepwise_curve(step_size, batch=2_000, record_at=(1, 2, 3, 5, 8, 13, 20, 32, 50, 79, 100)):
    """Stepwise EM over one pass of X_memory from `start`: (points seen, log-likelihood per point, final gmm).

    The log-likelihood of all N points is recorded after the batches numbered in `record_at`.
    """
    order = np.random.default_rng(SEED).permutation(np.arange(0, N, batch))
    gmm, running, seen, curve = start, None, [0], [em.e_step(X_memory, start)[1] / N]
    for t, first in enumerate(order):
        s_batch = scale.scale_statistics(scale.block_statistics(X_memory[first : first + batch], gmm), 1 / batch)
        if running is None:
            running = s_batch
        else:
            eta = step_size(t - 1)
            running = scale.combine(scale.scale_statistics(running, 1 - eta), scale.scale_statistics(s_batch, eta))
        gmm = scale.m_step_from_statistics(running)
        if t + 1 in record_at:
            seen.append((t + 1) * batch)
            curve.append(em.e_step(X_memory, gmm)[1] / N)
    return np.array(seen), np.array(curve), gmm


DEFAULT, CONSTANT, FAST = r"$\eta_t = (t+2)^{-0.6}$", r"$\eta_t = 0.5$ (constant)", r"$\eta_t = (t+2)^{-2}$"
schedules = {DEFAULT: scale.default_step_size, CONSTANT: lambda t: 0.5, FAST: lambda t: (t + 2.0) ** -2}
curves = {name: stepwise_curve(f) for name, f in schedules.items()}
package = scale.fit_em_online(X_memory, start, batch_size=2_000, n_epochs=1, tol=0, rng=SEED)
converged = em.fit_em(X_memory, start, max_iter=200, tol=1e-10)
ll_star = converged.history[-1] / N
gaps = {name: ll_star - curve for name, (_, curve, _) in curves.items()}
late = curves[DEFAULT][0] >= 64_000  # the records from batch 32 on
batch_passes = reference.history / N
caught_up = np.flatnonzero(batch_passes >= curves[DEFAULT][1][-1])
claims.between("passes batch EM needs to reach one pass of stepwise EM", caught_up[0] if caught_up.size else 99, 4, 6)
claims.close("our loop vs scale.fit_em_online, after one pass", curves[DEFAULT][1][-1], package.history[-1] / N,
             rtol=1e-12)
claims.between("(t+2)^-0.6: shortfall from converged batch EM after one pass (nats per point)", gaps[DEFAULT][-1],
               2e-5, 5e-4)
claims.between("(t+2)^-0.6: largest shortfall from batch 32 on (levelled off near 1e-4)", gaps[DEFAULT][late].max(),
               2e-5, 5e-4)
claims.at_least("stepwise EM after one pass minus batch EM after one iteration (nats per point)",
                curves[DEFAULT][1][-1] - reference.history[1] / N, 0.3)
claims.at_least("eta = (t+2)^-2: shortfall from converged batch EM after one pass (nats per point)", gaps[FAST][-1], 0.1)
claims.between("constant eta = 0.5: shortfall after one pass (nats per point)", gaps[CONSTANT][-1], 1e-3, 3e-3)
claims.between("constant eta = 0.5: shortfall / shortfall of (t+2)^-0.6, after one pass",
               gaps[CONSTANT][-1] / max(gaps[DEFAULT][-1], 1e-12), 12, 40)
_ = claims.at_least("constant eta = 0.5: largest fall of ell/N between two records (nats per point; not monotone)",
                    -np.diff(curves[CONSTANT][1]).min(), 1e-4)

# %%
fig, (ax, ax_gap) = plt.subplots(1, 2, figsize=(10, 4.6))
styles = {DEFAULT: ("black", "o"), CONSTANT: ("0.55", "^"), FAST: ("0.75", "v")}
for name, (seen, curve, _) in curves.items():
    color, marker = styles[name]
    ax.semilogx(seen[1:] / N, curve[1:], marker + "-", ms=3, color=color, label=f"stepwise, {name}")
    ax_gap.loglog(seen[1:], np.maximum(gaps[name][1:], 1e-7), marker + "-", ms=3, color=color)
ax.semilogx(np.arange(1, len(batch_passes)), batch_passes[1:], "s", ms=5, mfc="white", mec="black",
            label="batch EM, one iteration per pass")
ax.axhline(batch_passes[0], color="0.6", lw=0.8, ls="--", label="the common start")
ax.axhline(ll_star, color="k", lw=0.8, ls=":", label="batch EM, converged")
ax.set_xlabel("passes over the data (points seen / N, log scale)")
ax.set_ylabel(r"log-likelihood per point $\ell/N$ (nats)")
ax.set_title("Stepwise EM (one pass) and batch EM (8 passes)")
ax_gap.set_xlabel("points seen (mini-batches of 2 000)")
ax_gap.set_ylabel(r"shortfall from converged batch EM (nats per point)")
ax_gap.set_title("Stepwise EM: distance to the batch optimum")
fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=8, frameon=False)
fig.tight_layout(rect=(0, 0.12, 1, 1))
plt.show()

# %% [markdown]
# After one pass, stepwise EM with $(t+2)^{-0.6}$ is about $10^{-4}$ nats per point short of converged batch EM
# (left), while batch EM after one iteration is still more than 0.3 nats per point lower, and needs about five passes
# to catch up: a hundred small updates on mini-batches beat one update from all the data. The right panel shows
# what the conditions are for. The decreasing step levels off near $10^{-4}$ within the pass, from about 64 000
# points on. The constant step rises as fast at first, then stalls about $2\cdot 10^{-3}$ nats per point short,
# some twenty times the shortfall of the decreasing step: its statistics are always a weighted average of the last
# few batches, noise included, and its $\ell$ even falls from one record to the next. $(t+2)^{-2}$ has made almost
# all its progress after a few batches ($\sum_t \eta_t$ is finite) and stays more than 0.1 nats per point short.
# The price of stepwise EM: $\ell$ need not rise at every step, and it ends near, not exactly at, batch EM's answer
# unless it runs long with shrinking steps.
#
# ## Summary
#
# - The M-step needs per component only $N_k$, the weighted mean and the centred scatter (lesson 06, section 9); a
#   block of data is summarised by $1 + K + Kd + Kd^2 + 1$ numbers, whatever its size, merged rather than added.
# - Two summaries merge exactly by $S_{AB} = S_A + S_B + \frac{N_A N_B}{N_{AB}}\delta\delta^\top$; its rounding error
#   grows like $\varepsilon c/\sigma$ with the offset $c$ of the data, while $\sum r x x^\top - N\mu\mu^\top$ grows
#   like $\varepsilon c^2/\sigma^2$ and loses all its digits near $c/\sigma = 10^8$.
# - A `dask.array` is a lazy grid of blocks; one EM iteration is a map-reduce over it (E-step per block, a tree of
#   merges, one small M-step); `scale.fit_em_dask` runs it on any Dask cluster and matches `fit_em` to $10^{-10}$
#   at every iteration, with blocks made on the fly or read from disk.
# - A worker's memory stays at a fixed few blocks, plus a little per block of bookkeeping; time per pass grows
#   with $N$.
# - Stepwise EM updates after every mini-batch with steps satisfying $\sum\eta_t = \infty$, $\sum\eta_t^2 < \infty$,
#   and gets within about $10^{-4}$ nats per point of the batch optimum in one pass.
#
# **Exercises:** [exercises/12_em_at_scale.ipynb](../exercises/12_em_at_scale.ipynb) — block statistics, removing a
# block from a merged summary (derived, tested at an offset of $10^8$), predicting blocks and bytes for a chunking,
# choosing a step-size schedule, and a map-reduce of the log-likelihood.
