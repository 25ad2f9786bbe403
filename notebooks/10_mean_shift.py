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
# # Lesson 10 — Mean-shift: clusters as the peaks of a density
#
# k-means and EM both start from a number $K$ and look for $K$ centres. Mean-shift turns the question
# around. It first builds a density from the data alone, a **kernel density estimate**: one small
# Gaussian bump on every point, all added up. Then it lets every point climb that density until it
# reaches a peak. The peaks (the *modes*) are the clusters, and nobody chose how many there would be:
# the width of the bumps, the **bandwidth** $h$, decides it.
#
# **Learning goals.** After this lesson you can
#
# 1. write the Gaussian kernel density estimate, compute its logarithm without underflow, and (in an aside
#    at the end) relate its bandwidth $h$ to the `bw_method` of `scipy.stats.gaussian_kde`;
# 2. derive the mean-shift update $u(p)$, a weighted mean of the data, as the fixed point of the
#    density's gradient, and read it as a gradient step on $\log f$ with step size $h^2$;
# 3. prove, with Jensen's inequality as in EM, that a mean-shift step never lowers the density;
# 4. explain how the bandwidth sets the number of modes, and where that number is known to fall as $h$ grows;
# 5. compare mean-shift with k-means and a Gaussian mixture on the same data, and say what its cost,
#    $O(N^2)$ per sweep (one sweep moves every point once), means in practice.
#
# **You need:** lesson 01 (k-means), lesson 02 (the Gaussian density), lesson 04 (Jensen's inequality and
# the lower bound), lesson 07 (EM). Lesson 09 (choosing k) asks how many components a mixture should have;
# this lesson gives a method in which that number is not an input at all.
#
# **Notation.** As on the start page, with four new symbols: the bandwidth $h > 0$ (a length, in data
# units), the density estimate $f$, a moving point $p \in \mathbb R^d$ and the weighted mean $u(p)$.
# Clusters are numbered $1, 2, \dots$ in the text and the figures, largest first; the code counts from 0.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from scipy.optimize import linear_sum_assignment, minimize
from scipy.special import logsumexp
from sklearn.cluster import MeanShift
from threadpoolctl import threadpool_limits

from coursepkg import claims, em, meanshift
from coursepkg.datasets import SYNTHETIC, make_synthetic, old_faithful
from coursepkg.kmeans import kmeans
from coursepkg.plotting import COMPONENT_COLORS, ellipse_artists, update_ellipses
from coursepkg.widgets.meanshift_lab import bandwidth_grid, make_meanshift_lab, precompute
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
SEED = 10
rng = np.random.default_rng(SEED)
X, z_true = make_synthetic("round", n=300, rng=0)  # three round clusters, about 4 units apart
N, d = X.shape
eruptions = old_faithful()[:, :1]  # Old Faithful's 272 eruption times (minutes), as an (N, 1) array
H = 0.8  # the bandwidth used for the round data until section 5


# %% [markdown]
# ## 1. The kernel density estimate
#
# Put a Gaussian of standard deviation $h$ on every data point and average them:
#
# $$
# f(p) = \frac1N \sum_{n=1}^N \mathcal N(p \mid x_n, h^2 I)
#      = \frac{1}{N\,(2\pi h^2)^{d/2}} \sum_{n=1}^N \exp\!\Big(-\frac{\lVert p - x_n\rVert^2}{2h^2}\Big).
# $$
#
# Each term is a probability density and the weights $1/N$ sum to 1, so $f$ is a density: it is a
# Gaussian mixture (lesson 02) with $K = N$ components, one per point, with equal weights, means at the
# data and one shared round covariance $h^2 I$. Nothing is fitted. The bandwidth $h$ is a length in data
# units; $f$ has units of 1 / (data units)$^d$.
#
# Far from every point each exponential underflows to 0, and $\log f$ would come out as $-\infty$. So,
# as in lesson 05, we sum in log space: with $a_n(p) = -\lVert p - x_n\rVert^2/(2h^2)$,
#
# $$
# \log f(p) = \operatorname{logsumexp}_n a_n(p) - \log N - \tfrac d2 \log(2\pi h^2).
# $$
#
# `meanshift.kde_log_density` computes this. We check it on Old Faithful's eruption times (in minutes)
# against a plain sum of scipy's normal densities, check that $f$ integrates to 1, and look at a point
# 30 minutes from every eruption, where the plain sum underflows.

# %%
grid_1d = np.linspace(0.0, 7.0, 1401)[:, None]  # minutes
h_1d = 0.25
ours = meanshift.kde_log_density(grid_1d, eruptions, h_1d)
plain = np.log(np.mean([stats.norm(x, h_1d).pdf(grid_1d[:, 0]) for x in eruptions[:, 0]], axis=0))
claims.close("eruption times, h = 0.25 min: log f from coursepkg vs a plain sum of scipy's normal pdfs", ours,
             plain, atol=1e-10)
claims.close("integral of f over 0..7 minutes (trapezoid rule)", np.trapezoid(np.exp(ours), grid_1d[:, 0]), 1.0,
             atol=1e-6)
far = np.array([[35.0]])
with np.errstate(divide="ignore"):
    naive_far = np.log(np.mean(stats.norm(eruptions[:, 0], h_1d).pdf(35.0)))
claims.equal("35 min (about 30 min beyond the longest eruption): log of the plain sum", naive_far, -np.inf)
_ = claims.between("35 min: log f in log space (nats)", meanshift.kde_log_density(far, eruptions, h_1d)[0],
                   -7200, -7100)

# %% [markdown]
# The two agree to rounding, $f$ integrates to 1, and where the plain sum gives $\log 0 = -\infty$ the
# log-space version gives about $-7150$ nats. What the bandwidth does to $f$ is easiest to see in one
# dimension:

# %%
fig, ax = plt.subplots(figsize=(9, 3.8))
ax.hist(eruptions[:, 0], bins=40, density=True, color="0.85", label="histogram of the 272 eruptions")
for h_plot, color in ((0.06, "0.6"), (0.25, "k"), (0.8, "#ff7f0e")):
    ax.plot(grid_1d[:, 0], np.exp(meanshift.kde_log_density(grid_1d, eruptions, h_plot)), color=color, lw=1.8,
            label=f"$f$ with $h$ = {h_plot:g} min")
ax.plot(eruptions[:, 0], np.full(len(eruptions), -0.03), "|", color="k", ms=8, alpha=0.5, label="the data")
ax.set_xlabel("eruption time (minutes)")
ax.set_ylabel("density (1 / minute)")
ax.set_title("Old Faithful: one Gaussian bump of width $h$ on every eruption")
ax.set_ylim(-0.06, 1.05)
ax.legend(fontsize=9, loc="upper center", ncols=2)
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# A small $h$ follows every clump of the data and has many bumps; a large $h$ smooths them into a few.
# With $h = 0.25$ minutes $f$ has the two peaks the histogram suggests (counted in section 5).
#
# ## 2. The gradient of $f$, and the weighted mean that sets it to zero
#
# The modes of $f$ are where its gradient vanishes. Differentiate one Gaussian bump: since
# $\nabla_p \big(-\lVert p - x_n\rVert^2/(2h^2)\big) = (x_n - p)/h^2$,
#
# $$
# \nabla_p\, \mathcal N(p \mid x_n, h^2 I) = \mathcal N(p \mid x_n, h^2 I)\,\frac{x_n - p}{h^2} .
# $$
#
# Sum over $n$ and divide by $N$; then multiply and divide by $f(p) > 0$ (every bump is positive everywhere):
#
# $$
# \nabla f(p) = \frac{1}{h^2}\,\frac1N\sum_n \mathcal N(p \mid x_n, h^2 I)\,(x_n - p)
#             = \frac{f(p)}{h^2}\Big(\sum_n w_n(p)\, x_n - p\Big),
# \qquad
# w_n(p) = \frac{\mathcal N(p \mid x_n, h^2 I)}{\sum_j \mathcal N(p \mid x_j, h^2 I)}
#        = \frac{e^{-\lVert p - x_n\rVert^2/(2h^2)}}{\sum_j e^{-\lVert p - x_j\rVert^2/(2h^2)}} ,
# $$
#
# using $\sum_n w_n(p) = 1$ to write $p = \sum_n w_n(p)\,p$. The weights are a softmax of $a_n(p)$ (the
# constant $(2\pi h^2)^{-d/2}$ cancels), so they are positive and sum to 1. Call the weighted mean
#
# $$
# u(p) = \sum_n w_n(p)\, x_n , \qquad\text{so that}\qquad \nabla f(p) = \frac{f(p)}{h^2}\,\big(u(p) - p\big).
# $$
#
# Two readings follow. **Fixed point:** because $f(p) > 0$, $\nabla f(p) = 0$ exactly when $u(p) = p$; the
# stationary points of $f$ (its modes, but also its saddles and minima) are the fixed points of $p \mapsto u(p)$.
# **Gradient step:** dividing by $f$, $\nabla \log f(p) = (u(p) - p)/h^2$, so
#
# $$
# u(p) = p + h^2\, \nabla \log f(p) :
# $$
#
# moving $p$ to $u(p)$ is a gradient-ascent step on $\log f$ with step size $h^2$, which no one has to tune.
# The vector $u(p) - p$ is the **mean-shift vector**. `meanshift.shift` computes $u(p)$ (in log space, like
# the density); we check the identity against finite differences of a log-density built from scipy.

# %%
kernel = stats.multivariate_normal(np.zeros(d), H**2 * np.eye(d))  # N(0, h^2 I); N(p | x_n, h^2 I) = kernel(p - x_n)


def log_bumps(points):
    """log N(p | x_n, h^2 I) for every point p (rows) and data point x_n (columns), from scipy's log-pdf."""
    points = np.atleast_2d(points)
    return kernel.logpdf(points[:, None, :] - X[None, :, :]).reshape(len(points), N)


def log_f_scipy(points):
    """log f = log of the plain average of the N bumps (scipy's log-pdf and logsumexp, independent of coursepkg)."""
    return logsumexp(log_bumps(points), axis=1) - np.log(N)


points = np.array([[1.0, 1.0], [2.5, 2.0], [-1.0, 0.5], [4.0, -1.0]])
eps = 1e-5
grad_fd = np.column_stack([(log_f_scipy(points + eps * e) - log_f_scipy(points - eps * e)) / (2 * eps)
                           for e in np.eye(d)])
u = meanshift.shift(points, X, H)
claims.close("(u(p) - p) / h^2 vs finite differences of log f (scipy), four points", (u - points) / H**2,
             grad_fd, atol=1e-9)
claims.close("meanshift.log_density_gradient vs the same finite differences",
             meanshift.log_density_gradient(points, X, H), grad_fd, atol=1e-9)
w = np.exp(log_bumps(points))
w /= w.sum(axis=1, keepdims=True)
_ = claims.close("u(p) vs the weighted mean sum_n w_n(p) x_n with w from scipy's pdf", u, w @ X, atol=1e-12)

# %% [markdown]
# The mean-shift vector divided by $h^2$ is the gradient of $\log f$ to better than $10^{-9}$ on components of
# order 1 (about ten digits; a central difference with step $10^{-5}$ is accurate to about that), and $u(p)$ is
# the weighted mean built from scipy's densities. (Many texts state this update directly; here it came out of
# the gradient.) Why a step of that size climbs is next.
#
# ## 3. Why every step climbs
#
# A gradient step with a fixed step size can overshoot a peak and land lower than it started. The mean-shift
# step, whose size $h^2$ nobody tuned, never does. Before the proof:

# %%
concept_question("10", 1)

# %% [markdown]
# The reason is the argument of lesson 04. Fix the current point $p$ and its weights $w_n = w_n(p)$. For any
# other point $y$, write $f(y)$ as an average over the $w_n$ and use Jensen's inequality for the concave $\log$:
#
# $$
# \log f(y) = \log \sum_n w_n\,\frac{\mathcal N(y \mid x_n, h^2 I)}{N\,w_n}
# \;\ge\; \sum_n w_n \log \frac{\mathcal N(y \mid x_n, h^2 I)}{N\,w_n} \;=:\; B_p(y) .
# $$
#
# - **Tight at $p$.** At $y = p$ every ratio $\mathcal N(p \mid x_n, h^2 I)/(N w_n)$ equals
#   $\frac1N\sum_j \mathcal N(p \mid x_j, h^2 I) = f(p)$, the same number for every $n$, and Jensen's
#   inequality is an equality for a constant: $B_p(p) = \log f(p)$.
# - **Maximised at $u(p)$.** Expanding the log of the Gaussian, $B_p(y) = C_p - \sum_n w_n \lVert y - x_n\rVert^2/(2h^2)$,
#   with $C_p$ not depending on $y$. That is a concave quadratic in $y$ with gradient
#   $-\sum_n w_n (y - x_n)/h^2$, which is zero only at $y = \sum_n w_n x_n = u(p)$. Completing the square,
#   $B_p(y) = B_p(u(p)) - \lVert y - u(p)\rVert^2/(2h^2)$.
#
# Put together,
#
# $$
# \log f(u(p)) \;\ge\; B_p(u(p)) \;=\; B_p(p) + \frac{\lVert u(p) - p\rVert^2}{2h^2} \;=\; \log f(p) + \frac{\lVert u(p) - p\rVert^2}{2h^2} .
# $$
#
# Each step raises $\log f$ by at least $\lVert u(p) - p\rVert^2/(2h^2)$, which is positive unless $p$ is
# already a fixed point. This is EM in miniature. Read $f$ as a mixture of $N$ equal components
# $\mathcal N(x_n, h^2 I)$ and the point $p$ as one observation whose component is unknown: $w_n(p)$ is the
# posterior that component $n$ produced it (the **E-step**, lesson 05), and maximising the bound over the
# location $y$ is an **M-step**, with a weighted mean as its answer (lesson 06). Only here the data are the
# fixed means and the one "parameter" that moves is the point itself. (Carreira-Perpiñán, 2007, develops this
# reading of Gaussian mean-shift as an EM algorithm.)
#
# The numbers: the bound at one point $p$, its maximiser found by scipy's BFGS (a quasi-Newton optimiser: it
# climbs using the gradient, here estimated from function values, and builds up curvature information as it
# goes), and then every step of mean-shift run from all 300 data points, sweep after sweep (a **sweep** moves
# every point once; section 4).

# %%
p0 = np.array([2.5, 2.0])  # between the clusters
weights_p0 = np.exp(log_bumps(p0)[0])
weights_p0 /= weights_p0.sum()


def bound(y, p_weights=weights_p0):
    """B_p(y) = sum_n w_n log(N(y | x_n, h^2 I) / (N w_n)), from scipy's log-pdf."""
    return float(np.sum(p_weights * (log_bumps(y)[0] - np.log(N * p_weights))))


ys = p0 + rng.normal(scale=1.5, size=(40, 2))
gaps = log_f_scipy(ys) - np.array([bound(y) for y in ys])
claims.at_least("log f(y) - B_p(y) at 40 random points y", gaps, 0.0)
claims.close("B_p(p) vs log f(p): tight at p", bound(p0), log_f_scipy(p0[None])[0], atol=1e-12)
best = minimize(lambda y: -bound(y), p0, method="BFGS", options={"gtol": 1e-10}).x
claims.close("the maximiser of B_p (scipy's BFGS) vs u(p)", best, meanshift.shift(p0[None], X, H)[0], atol=1e-5)

result = meanshift.mean_shift(X, H, tol=1e-8)
paths = result.paths  # (sweeps + 1, N, d)
log_f_paths = meanshift.kde_log_density(paths.reshape(-1, d), X, H).reshape(len(paths), N)
rise = np.diff(log_f_paths, axis=0)
step_sq = np.sum(np.diff(paths, axis=0) ** 2, axis=2) / (2 * H**2)
claims.at_least("every step of every path: rise of log f minus ||u(p) - p||^2 / (2 h^2)", rise - step_sq, -1e-12)
_ = claims.at_least("every step of every path: rise of log f (nats)", rise, -1e-12)

# %% [markdown]
# The bound sits below $\log f$ at 40 random points and touches it at $p$; an optimiser that knows nothing of
# mean-shift puts its maximum at $u(p)$; and along all 300 paths at $h = 0.8$, every step raises $\log f$ by
# at least $\lVert u - p\rVert^2/(2h^2)$ (up to rounding, $10^{-12}$ nats). The density values along a path
# increase and are bounded by the largest value of $f$, so they converge. That alone does not make the points
# converge. For the Gaussian kernel they do, but a general proof came late: convergence of the points was
# first shown under extra conditions (for instance that the stationary points of $f$ are isolated; Aliyari
# Ghassabeh, 2015), and in general by Yamasaki and Tanaka (2020), through the Łojasiewicz inequality. The limit
# is a stationary point of $f$, in practice a mode: a saddle or a minimum is a fixed point too, but an unstable
# one, reached only from a set of starting points of measure zero (for a saddle of a 2-D density, typically a
# curve, such as the line of symmetry between two equal clusters).
#
# ## 4. Modes as clusters
#
# Run mean-shift from every data point: each sweep moves every point $p$ to $u(p)$, the data $x_n$ stay where
# they are, so $f$ stays the same density throughout. (A variant, *blurring* mean-shift, moves the data
# themselves and re-estimates $f$ from the moved points after every sweep; it is not the method of this
# lesson.) Points that end at the same mode (here: closer than $h/2$) form a cluster. Clusters are compared
# with the true components by the best one-to-one matching (the one that puts the most points in the cluster
# matched to their component; `scipy.optimize.linear_sum_assignment`), and figures colour each cluster as the
# true component it is matched to (component 1 blue, 2 red, 3 green; grey: matched to none). On the round
# data with $h = 0.8$:

# %%
def matching(labels, truth):
    """For each cluster, the true component it is matched to (-1: none), by the best one-to-one matching."""
    table = np.zeros((labels.max() + 1, truth.max() + 1))
    np.add.at(table, (labels, truth), 1)
    rows, cols = linear_sum_assignment(-table)
    index = np.full(len(table), -1)
    index[rows] = cols
    return index


def accuracy(labels, truth):
    """Fraction of points in the cluster matched to their true component."""
    index = matching(labels, truth)
    return float(np.mean(index[labels] == truth))


def draw_matched(Xk, labels, truth, ax, **style):
    """Scatter the points, each in the colour of the true component its cluster is matched to (grey: none)."""
    index = matching(labels, truth)[labels]
    colours = np.array(COMPONENT_COLORS[:truth.max() + 1] + ("0.6",))
    return ax.scatter(Xk[:, 0], Xk[:, 1], c=colours[index], edgecolors="none", **style)


claims.equal("h = 0.8: number of clusters (distinct modes)", result.n_clusters, 3)
claims.holds("mean-shift converged: no point moved more than 1e-8 in the last sweep", bool(result.converged),
             f"after {result.n_iter} sweeps")
claims.equal("cluster sizes, largest first", np.sort(np.bincount(result.labels))[::-1], [120, 95, 85])
claims.close("fraction of points in their true cluster", accuracy(result.labels, z_true), 299 / 300, atol=1e-12)
shift_at_ends = np.linalg.norm(meanshift.shift(result.modes, X, H) - result.modes, axis=1)
claims.at_most("largest ||u(p) - p|| at the end points (data units)", shift_at_ends, 1e-7)
spread = np.max([np.linalg.norm(result.modes[result.labels == j] - c, axis=1).max()
                 for j, c in enumerate(result.centers)])
_ = claims.at_most("largest distance of an end point from its cluster's mode (data units)", spread, 1e-6)

# %% [markdown]
# Three clusters of 120, 95 and 85 points, all but one point in its true cluster, and every path ends where the
# mean-shift vector is below $10^{-7}$: the 300 end points sit on three spots. Are those spots maxima of $f$,
# and not saddles? An optimiser started at each mode on $-\log f$ (built from scipy, section 2) should not
# move (Nelder-Mead: a search that compares function values at the corners of a small triangle and needs no
# gradient), and the Hessian there (the matrix of second derivatives, by finite differences) should be
# negative definite, all its eigenvalues negative, as at a strict local maximum.

# %%
for j, c in enumerate(result.centers):
    moved = minimize(lambda y: -log_f_scipy(y[None])[0], c, method="Nelder-Mead",
                     options={"xatol": 1e-9, "fatol": 1e-14}).x
    claims.at_most(f"mode {j + 1}: distance a Nelder-Mead search moves from it (data units)",
                   np.linalg.norm(moved - c), 1e-4)
    e = 1e-3
    hess = np.array([[(log_f_scipy((c + e * (a + b))[None])[0] - log_f_scipy((c + e * (a - b))[None])[0]
                       - log_f_scipy((c - e * (a - b))[None])[0] + log_f_scipy((c - e * (a + b))[None])[0]) / (4 * e**2)
                      for b in np.eye(d)] for a in np.eye(d)])
    claims.at_most(f"mode {j + 1}: eigenvalues of the Hessian of log f (1 / data units^2)",
                   np.linalg.eigvalsh(hess), -0.1)

# %% [markdown]
# Each mode is a local maximum. The picture: the contours of $f$, every point's path (grey), and the modes.

# %%
fig, ax = plt.subplots(figsize=(7.5, 7.3), layout="constrained")
gx, gy = np.meshgrid(np.linspace(-3, 7, 150), np.linspace(-2.5, 6.5, 140))
dens = np.exp(meanshift.kde_log_density(np.column_stack([gx.ravel(), gy.ravel()]), X, H)).reshape(gx.shape)
ax.contour(gx, gy, dens, levels=dens.max() * np.array([0.02, 0.1, 0.25, 0.45, 0.7, 0.9]), colors="0.6",
           linewidths=0.8)
for n in range(N):
    ax.plot(paths[:, n, 0], paths[:, n, 1], color="0.3", lw=0.5, alpha=0.5)
draw_matched(X, result.labels, z_true, ax, s=12, zorder=3)
for j in range(3):
    ax.plot([], [], "o", color=COMPONENT_COLORS[j], label=f"cluster matched to component {j + 1}")
ax.plot(*result.centers.T, "X", color="k", mec="white", ms=14, mew=1.5, ls="none", zorder=4, label="modes")
ax.plot([], [], color="0.3", lw=0.8, label="paths of the points")
ax.plot([], [], color="0.6", lw=0.8, label="contours of $f$")
ax.set_xlabel("$x_1$ (data units)")
ax.set_ylabel("$x_2$ (data units)")
ax.set_aspect("equal")
ax.set_title(f"mean-shift, $h$ = {H:g}: {result.n_iter} sweeps, three modes")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3, fontsize=9)  # below the axes, off the data
plt.show()

# %%
def bending(path_array):
    """Per point that travels more than 0.1: length of its path / straight distance from start to end; and the
    share of that distance covered by the first step."""
    travel = np.linalg.norm(path_array[-1] - path_array[0], axis=1)
    length = np.linalg.norm(np.diff(path_array, axis=0), axis=2).sum(axis=0)
    first = np.linalg.norm(path_array[1] - path_array[0], axis=1)
    far = travel > 0.1
    return length[far] / travel[far], first[far] / travel[far]


ratio_08, first_08 = bending(paths)
claims.at_most("h = 0.8: path length / straight distance to the mode, every point", ratio_08, 1.05)
claims.at_least("h = 0.8: median share of that distance covered by the first step", float(np.median(first_08)), 0.5)
ratio_137, _ = bending(meanshift.mean_shift(X, 1.3712, tol=1e-8).paths)
_ = claims.at_least("h = 1.37: the longest path / its straight distance", ratio_137.max(), 1.2)

# %% [markdown]
# Every path runs uphill, across the contours, into a peak. At $h = 0.8$ the paths are nearly straight spokes:
# none is more than 5% longer than the straight line from its start to its mode, and in the median the first
# step covers more than half the way, because $u(p)$ averages over much of the cluster around $p$. Paths
# that bend, passing near a saddle between two clusters before turning to a mode, appear at larger $h$: at
# $h = 1.37$ (one of the lab's bandwidths, section 6) the longest is more than 20% longer than the straight line.
#
# ### scikit-learn's `MeanShift` uses another kernel
#
# scikit-learn's `MeanShift(bandwidth=R)` moves each point to the **plain mean of the data within distance
# $R$** (a flat kernel), not to a Gaussian-weighted mean. Its fixed points are the modes of a different
# density (one made of bumps shaped like $1 - \lVert p - x_n\rVert^2/R^2$, the Epanechnikov kernel), so its
# centres are not ours and should not agree to rounding. What should agree, on clusters this well
# separated, is the partition. With $R = 1.5$ (started from every third point, to save time; scikit-learn then
# labels every point by its nearest centre):

# %%
flat = MeanShift(bandwidth=1.5, seeds=X[::3]).fit(X)  # every third point as a seed; all points are then labelled
claims.equal("scikit-learn's flat-kernel MeanShift (R = 1.5): number of clusters", len(flat.cluster_centers_), 3)
pairs = {(int(a), int(b)) for a, b in zip(result.labels, flat.labels_, strict=True)}
claims.equal("distinct (our cluster, its cluster) pairs: the same partition", len(pairs), 3)
match = [next(b for a, b in pairs if a == j) for j in range(3)]
_ = claims.between("distance between our Gaussian modes and its flat-kernel centres (data units)",
                   np.linalg.norm(result.centers - flat.cluster_centers_[match], axis=1), 0.005, 0.1)

# %% [markdown]
# The same three groups of points; centres a few hundredths of a unit apart, as two different estimators of a
# cluster's peak should be. The check is the partition, not the centres.
#
# ## 5. The bandwidth decides how many clusters
#
# Nothing in mean-shift says "three". Before we sweep $h$:

# %%
concept_question("10", 2)

# %%
lab_data = precompute(X, bandwidth_grid(), truth=z_true)  # mean-shift at 28 bandwidths; also the lab's data
counts = lab_data.n_clusters
hs = lab_data.bandwidths
claims.holds("mean-shift converged at every bandwidth", bool(np.all(lab_data.converged)),
             f"{lab_data.n_iter.min()} to {lab_data.n_iter.max()} sweeps")
claims.close("the grid: smallest and largest bandwidth (data units)", [hs[0], hs[-1]], [0.249, 2.81], atol=0.005)
claims.equal("number of modes at the smallest and the largest bandwidth", [counts[0], counts[-1]], [15, 1])
claims.holds("round data: the number of modes never rises as h grows (28 bandwidths)",
             bool(np.all(np.diff(counts) <= 0)), " ".join(str(c) for c in counts))
claims.equal("grid bandwidths between 0.455 and 1.44: number of modes", np.unique(counts[(hs > 0.455) & (hs < 1.44)]),
             [3])
# the edges, on finer scans (steps of 0.005)
low = np.round(np.arange(0.415, 0.456, 0.005), 3)
high = np.round(np.arange(1.44, 1.601, 0.005), 3)
k_low = np.array([meanshift.mean_shift(X, h_, keep_paths=False).n_clusters for h_ in low])
runs_high = [meanshift.mean_shift(X, h_, keep_paths=False) for h_ in high]
k_high = np.array([r.n_clusters for r in runs_high])
claims.equal("fine scan 0.415..0.455: modes (4 = the 3 clusters and one single point)", k_low,
             np.where(low < 0.435, 4, 3))
claims.equal("fine scan 1.44..1.60: the smallest h with 2 modes, and with 1 mode", [high[k_high == 2].min(),
             high[k_high == 1].min()], [1.48, 1.565])
claims.equal("fine scan 1.44..1.60: modes (3, then 2, then 1, never back)", k_high,
             np.select([high < 1.48, high < 1.565], [3, 2], 1))
_ = claims.equal("h = 1.5: sizes of the two clusters", sorted(np.bincount(runs_high[12].labels))[::-1], [205, 95])

# %%
fig, ax = plt.subplots(figsize=(8, 4))
ax.step(hs, counts, where="mid", color="k", lw=1.6, label="round data (2-D), mean-shift from every point")
ax.axhspan(2.8, 3.2, color=COMPONENT_COLORS[2], alpha=0.15, label="exactly 3 modes")
ax.set_xscale("log")
ax.set_yscale("log")
ticks = [0.25, 0.5, 1, 2, 3]
ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
ax.set_yticks([1, 2, 3, 5, 10, 15], ["1", "2", "3", "5", "10", "15"])
ax.plot(high, k_high, ".", color="#ff7f0e", ms=4, label="finer scan near the merging")
ax.minorticks_off()
ax.set_xlabel("bandwidth $h$ (data units, log scale)")
ax.set_ylabel("number of modes (log scale)")
ax.set_title("small h: every clump is a mode; large h: one mode")
ax.grid(alpha=0.3)
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# At the smallest bandwidth, $h = 0.249$, there are 15 modes (some hold a single outlying point). From
# $h = 0.435$ to $1.475$ (the edges found on scans in steps of 0.005) only the three clusters are left. Then
# the hills merge within a narrow range: from $h = 1.48$ two of the clusters share one mode (205 points, the
# other cluster 95), and from $h = 1.565$ on there is a single mode. On the grid and the scans the count never
# rises as $h$ grows. That is a finding about these data, not a law: in two or more dimensions there is no such
# guarantee, and examples are known in which a Gaussian kernel density estimate gains a mode as $h$ grows
# (Carreira-Perpiñán and Williams, 2003). **In one dimension it is a theorem** (Silverman, 1981): the number of
# modes of a Gaussian kernel
# density estimate never increases with $h$. We count the modes of the eruption-time density in two independent
# ways, by mean-shift and by the sign changes of $f'$ on a fine grid, and check both agree and never rise.

# %%
hs_1d = np.geomspace(0.03, 1.0, 30)  # minutes
fine = np.linspace(0.5, 6.5, 6001)[:, None]
by_grid, by_shift = [], []
for h_ in hs_1d:
    log_f = meanshift.kde_log_density(fine, eruptions, h_)
    slope = np.diff(log_f)
    by_grid.append(int(np.sum((slope[:-1] > 0) & (slope[1:] <= 0))))  # f rises, then stops rising
    by_shift.append(meanshift.mean_shift(eruptions, h_, tol=1e-4 * h_, keep_paths=False).n_clusters)
by_grid, by_shift = np.array(by_grid), np.array(by_shift)
claims.equal("eruption times: modes by mean-shift vs local maxima of f on a grid, 30 bandwidths", by_shift, by_grid)
claims.holds("eruption times: the number of modes never rises as h grows (Silverman's theorem)",
             bool(np.all(np.diff(by_grid) <= 0)), " ".join(str(c) for c in by_grid))
_ = claims.equal("eruption times, h = 0.25 min: number of modes", meanshift.mean_shift(eruptions, 0.25).n_clusters, 2)

# %% [markdown]
# Both counts agree at all 30 bandwidths, they never rise, and at $h = 0.25$ minutes the eruption times have the
# two modes of the figure in section 1: short and long eruptions.
#
# So $h$ plays the part that $K$ played in k-means and EM, but it is a length, and it has a reading: two
# groups of points closer than a few $h$ become one hill. Choosing it is still a choice, the subject of
# lesson 09 (choosing k) in another guise; held-out log-likelihood of $f$ is one way, since $f$ is a density.
#
# ## 6. The mean-shift lab
#
# Drag $h$. Left: the points, the contours of $f$ and every point's path to its mode.
# Right: the number of modes against $h$ (the figure above) with the current $h$ marked. Everything was
# computed once per bandwidth by `precompute` at the start of section 5, so the slider only swaps what is drawn. Things to try: the
# smallest $h$ (where do the single-point modes sit?); the steps from $h = 1.37$ through 1.5 to 1.64 (3, 2, then
# 1 mode: which two clusters merge first?); and at $h = 1.37$, the paths of the points between two clusters,
# which bend as they pass the saddle. The points are coloured as in section 4 (grey: a cluster matched to no
# true component).

# %%
lab = make_meanshift_lab(data=lab_data, h=H)
lab

# %% [markdown]
# ## 7. k-means, a Gaussian mixture and mean-shift on the same data
#
# Four data sets of lesson 08: round, unequal (one big wide cluster beside two small tight ones), elongated
# (three long parallel strips) and overlapping. k-means (`coursepkg.kmeans.kmeans`) and EM for a Gaussian
# mixture (`coursepkg.em.fit_em`, five k-means++ starts) are given $K = 3$; mean-shift gets one bandwidth,
# $h = 0.8$, for all four, and finds as many clusters as the density has modes. Each method's clusters are
# matched to the true components (the best one-to-one matching), so "correct" means "in the cluster matched to
# its component"; a mean-shift cluster left without a partner counts as wrong. Before the figure:

# %%
concept_question("10", 3)

# %%
KINDS = ("round", "unequal", "elongated", "overlapping")
sets, fits = {}, {}
for kind in KINDS:
    Xk, zk = make_synthetic(kind, n=300, rng=0)
    sets[kind] = (Xk, zk)
    km = kmeans(Xk, 3, rng=SEED)
    gm = em.fit_em(Xk, 3, rng=SEED, n_init=5, max_iter=500)
    msr = meanshift.mean_shift(Xk, H, keep_paths=False)
    fits[kind] = {"k-means": km.labels, "GMM (EM)": gm.resp.argmax(axis=1), f"mean-shift, h = {H:g}": msr.labels}
    claims.holds(f"{kind}: EM converged", bool(gm.converged), f"{gm.n_iter} iterations")
correct = {kind: {m: accuracy(lab_, sets[kind][1]) for m, lab_ in f.items()} for kind, f in fits.items()}
n_modes = {kind: int(fits[kind][f"mean-shift, h = {H:g}"].max() + 1) for kind in KINDS}
claims.equal("mean-shift (h = 0.8): clusters on round, unequal, elongated, overlapping", list(n_modes.values()),
             [3, 3, 6, 1])
table = np.array([[correct[kind][m] for m in fits[kind]] for kind in KINDS])  # rows: data sets; columns: methods
claims.close("fraction correct (rows: round, unequal, elongated, overlapping; k-means, GMM, mean-shift)",
             table, [[299 / 300, 299 / 300, 299 / 300], [0.947, 0.997, 0.970], [0.647, 0.997, 0.837],
                     [0.830, 0.740, 0.347]], atol=0.0015)
Xr, zr = sets["round"]
misplaced = [np.flatnonzero(matching(lab_, zr)[lab_] != zr).tolist() for lab_ in fits["round"].values()]
claims.equal("round: the points each method puts outside its component's cluster (k-means, GMM, mean-shift)",
             misplaced, [[91], [91], [91]])
Xe, ze = sets["elongated"]
labels_e = fits["elongated"][f"mean-shift, h = {H:g}"]
per_strip = np.zeros((n_modes["elongated"], 3), dtype=int)  # clusters x strips (components 1, 2, 3 from the bottom)
np.add.at(per_strip, (labels_e, ze), 1)
big_e = per_strip.sum(axis=1) >= 10
claims.equal("elongated, h = 0.8: clusters holding 10 or more points of each strip (bottom, middle, top)",
             (per_strip[big_e] >= 10).sum(axis=0), [1, 2, 1])
claims.equal("elongated, h = 0.8: the middle strip's two clusters (points)", sorted(per_strip[big_e, 1][
    per_strip[big_e, 1] > 0]), [46, 49])
_ = claims.equal("elongated, h = 0.8: sizes of the other clusters", sorted(per_strip.sum(axis=1)[~big_e]), [1, 1])

# %%
fig, axes = plt.subplots(3, 4, figsize=(17, 12.5), layout="constrained")
for col, kind in enumerate(KINDS):
    Xk, zk = sets[kind]
    for row, (method, labels_) in enumerate(fits[kind].items()):
        ax = axes[row, col]
        true_lines, true_marks = ellipse_artists(3, ax, outline=True, colors=["0.45"], ls="--", lw=1.0,
                                                 centres={"marker": "+", "ms": 10, "mew": 1.5})
        update_ellipses(true_lines, SYNTHETIC[kind], true_marks)
        draw_matched(Xk, labels_, zk, ax, s=10, alpha=0.85)
        n_c = int(labels_.max()) + 1
        ax.set_title(f"{method}, {kind}: {n_c} cluster{'s' * (n_c > 1)}, {correct[kind][method]:.1%} correct",
                     fontsize=10)
        ax.set_xlabel("$x_1$ (data units)")
        ax.set_ylabel("$x_2$ (data units)")
        ax.set_aspect("equal", adjustable="datalim")
handles = [plt.Line2D([], [], marker="o", ls="none", color=COMPONENT_COLORS[j],
                      label=f"cluster matched to true component {j + 1}") for j in range(3)]
handles += [plt.Line2D([], [], marker="o", ls="none", color="0.6", label="cluster matched to none"),
            plt.Line2D([], [], color="0.45", ls="--", marker="+", ms=10, mew=1.5,
                       label="true components (95% ellipses), true means")]
fig.legend(handles=handles, loc="outside lower center", ncols=5, fontsize=10)
plt.show()

# %% [markdown]
# - **Round:** the three methods agree: each puts all points but one in the cluster of their component, and
#   it is the same point (number 91) for all three.
# - **Unequal:** mean-shift (97.0%) does better than k-means (94.7%), whose bisectors cut into the big cluster, and
#   worse than the mixture (99.7%), which learns each cluster's width; one bandwidth for a wide and two tight
#   clusters is a compromise.
# - **Elongated:** at $h = 0.8$ the round kernel sees the middle strip as two hills (46 and 49 of its points), the
#   bottom and top strips as one hill each, plus two single outlying points: 6 clusters, 83.7% correct. The
#   scan below (150 bandwidths from 0.3 to 2) finds the three strips, each in a cluster of its own, only in a
#   narrow window around $h = 0.82$, no more than 4% wide: just below it the middle strip splits in two, just
#   above it part of the middle strip joins the top one. Even there mean-shift reports 5 clusters (two single points), and finding
#   the window takes the labels. Exactly three clusters in all occur only near $h = 0.93$, and then one cluster
#   holds 298 of the 300 points. EM with full covariances gets 99.7% with $K = 3$.
# - **Overlapping:** the three components overlap so much that their sum has a single peak for every bandwidth of
#   the grid below from $h = 0.52$ up: mean-shift puts all points in one cluster (34.7%, the share of the largest
#   component), while k-means and EM, told $K = 3$, split them. The best bandwidth of that grid, a much narrower
#   $h = 0.325$, finds three clusters of 10 or more points (plus two single points) and 76.7% correct: better than
#   EM (74.0%), worse than k-means (83.0%), and found by looking at the answer, which a user without labels
#   cannot do.
#
# Mean-shift finds the peaks of the density; it finds clusters only where clusters are peaks.

# %%
hs_fine = np.geomspace(0.3, 2.0, 150)
runs_e = [meanshift.mean_shift(Xe, h_, tol=1e-4 * h_, keep_paths=False) for h_ in hs_fine]
count_e = np.array([r.n_clusters for r in runs_e])
acc_e = np.array([accuracy(r.labels, ze) for r in runs_e])
largest_e = np.array([np.bincount(r.labels).max() for r in runs_e])
found = hs_fine[acc_e >= 0.95]  # at least 95% of the points in the cluster matched to their strip
claims.equal("elongated, 150 bandwidths 0.3..2: clusters at the smallest and the largest", [count_e[0], count_e[-1]],
             [28, 1])
claims.at_least("elongated: bandwidths with at least 95% of the points in their strip's cluster (how many)",
                found.size, 1)
claims.between("elongated: those bandwidths (data units)", found, 0.80, 0.84)
claims.at_most("elongated: the width of that window, largest / smallest - 1", found.max() / found.min() - 1, 0.04)
claims.between("elongated: each strip's standard deviation across (x_2, data units)",
               [np.std(Xe[ze == j, 1], ddof=1) for j in range(3)], 0.44, 0.50)
claims.close("elongated: the best fraction correct over the scan", acc_e.max(), 296 / 300, atol=1e-12)
below, above = (runs_e[int(np.flatnonzero(hs_fine == edge)[0]) + step] for edge, step in ((found.min(), -1),
                                                                                          (found.max(), 1)))
middle_split = np.bincount(below.labels[ze == 1])
claims.equal("elongated, the scan's h just below the window: clusters holding 10 or more middle-strip points",
             int(np.sum(middle_split >= 10)), 2)
top_cluster = np.bincount(above.labels[ze == 2]).argmax()
_ = claims.at_least("elongated, the scan's h just above the window: middle-strip points in the top strip's cluster",
                    int(np.sum(above.labels[ze == 1] == top_cluster)), 10)
claims.equal("elongated, at that best h: sizes of its clusters", sorted(np.bincount(runs_e[np.argmax(acc_e)].labels)),
             [1, 1, 83, 95, 120])
claims.between("elongated: the bandwidths with exactly 3 clusters in all", hs_fine[count_e == 3], 0.915, 0.955)
claims.at_least("elongated, exactly 3 clusters: points in the largest one", largest_e[count_e == 3], 298)
claims.equal("elongated: clusters at h = 0.45 (nearest value of the scan)", count_e[np.argmin(abs(hs_fine - 0.45))],
             14)
claims.at_most("elongated: clusters at every h >= 0.955 of the scan", count_e[hs_fine >= 0.955], 2)

hs_check = np.geomspace(0.3, 2.0, 25)
runs_o = [meanshift.mean_shift(sets["overlapping"][0], h_, tol=1e-4 * h_, keep_paths=False) for h_ in hs_check]
count_o = np.array([r.n_clusters for r in runs_o])
acc_o = np.array([accuracy(r.labels, sets["overlapping"][1]) for r in runs_o])
i_best = int(np.argmax(acc_o))
claims.close("overlapping: the bandwidth of the 25-value grid with the most points correct", hs_check[i_best], 0.325,
             atol=0.001)
claims.equal("overlapping, that h: clusters in all, and clusters of 10 or more points",
             [count_o[i_best], int(np.sum(np.bincount(runs_o[i_best].labels) >= 10))], [5, 3])
claims.equal("overlapping, that h: sizes of the clusters of fewer than 10 points",
             sorted(c for c in np.bincount(runs_o[i_best].labels) if c < 10), [1, 1])
claims.between("overlapping, that h: fraction correct", acc_o[i_best], 0.76, 0.77)
_ = claims.equal("overlapping: clusters at every h >= 0.52 of the grid", np.unique(count_o[hs_check >= 0.52]), [1])

# %% [markdown]
# ## 8. The cost of a sweep
#
# How does the time of one sweep grow with the number of points? Before reading on:

# %%
concept_question("10", 4)

# %% [markdown]
# One sweep moves every one of the $N$ points, and each move needs the kernel weights of all $N$ data points:
# $N^2$ kernel evaluations, each costing $O(d)$, so $O(N^2 d)$ time per sweep, and (done in one block) an
# $N \times N$ table of weights in memory. A k-means iteration costs $O(N K d)$, an EM iteration with full
# covariances $O(N K d^2)$: linear in $N$. We time it:

# %%
def sweep_cpu_seconds(Xn, h, block=250, repeats=5):
    """CPU time of one sweep (every point of Xn moved once), in blocks of `block` moving points; best of repeats."""
    best = np.inf
    for _ in range(repeats):
        start = time.process_time()
        for i in range(0, len(Xn), block):
            meanshift.shift(Xn[i:i + block], Xn, h)  # a block x N table of weights
        best = min(best, time.process_time() - start)
    return best


sizes_n = np.array([500, 1000, 2000, 4000])
with threadpool_limits(1):  # one thread: the time measures the work, not how many cores were free
    sweep_cpu_seconds(X, H, repeats=1)  # warm up
    seconds = np.array([sweep_cpu_seconds(make_synthetic("round", n=int(n_), rng=1)[0], H) for n_ in sizes_n])
slope, intercept = np.polyfit(np.log(sizes_n), np.log(seconds), 1)
claims.between("slope of log(CPU time per sweep) against log N, N = 500..4000", slope, 1.7, 2.4)
per_pair = seconds[-1] / sizes_n[-1] ** 2
_ = claims.between("time per kernel evaluation at N = 4000 (nanoseconds)", 1e9 * per_pair, 1.2, 18)

# %% [markdown]
# We time the CPU time of this process with one thread, in blocks of 250 moving points (so that the table of
# weights stays small), best of five: wall-clock time on a shared machine measures the other users too. On a
# log-log plot the time per sweep is a line of slope near 2; the assertion allows 1.7 to 2.4, because caches
# and fixed overheads bend the line a little even in CPU time. Doubling $N$ multiplies a sweep's time by about 4.

# %%
fig, ax = plt.subplots(figsize=(6.5, 4.2))
ax.loglog(sizes_n, 1e3 * seconds, "o-", color="k", label="one sweep, measured (CPU time, best of 5)")
ax.loglog(sizes_n, 1e3 * seconds[-1] * (sizes_n / sizes_n[-1]) ** 2, "--", color="#ff7f0e",
          label="slope 2 through the last point")
ax.set_xlabel("number of points $N$ (log scale)")
ax.set_ylabel("CPU time per sweep (milliseconds, log scale)")
ax.set_title(f"mean-shift costs $O(N^2)$ per sweep: fitted slope {slope:.2f}")
ax.grid(alpha=0.3, which="both")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# What that means: one sweep over $N = 10^6$ points needs $10^{12}$ kernel evaluations. At the cost per
# evaluation measured above that is of the order of an hour of CPU time per sweep (the cell below prints the
# estimate for the machine that ran this notebook and checks that it lies between 20 minutes and 5 hours), and
# a run takes tens to hundreds of sweeps (the 28 runs of section 5 took from 14 to 442, printed below). The full
# table of weights, $10^{12}$ numbers of 8 bytes, would take 8 TB, so it must be computed in blocks, as the
# timing did. Practical mean-shift therefore cuts the work:
# it starts from a subsample or a grid of seeds rather than from every point (scikit-learn's `bin_seeding`),
# uses a kernel that is zero beyond a radius and finds the neighbours with a tree (scikit-learn's flat kernel),
# or stops moving the points that have stopped.

# %%
hours_1e6 = per_pair * 1e12 / 3600
claims.between("estimated CPU hours for one sweep at N = 10^6, from the measured cost per pair", hours_1e6, 1 / 3, 5)
_ = claims.between("section 5, round data: sweeps mean-shift took at each of the 28 bandwidths", lab_data.n_iter,
                   10, 999)

# %% [markdown]
# ## 9. Aside: scipy's `gaussian_kde` and its bandwidth
#
# scipy has a kernel density estimate too, but its bandwidth means something else. `gaussian_kde(data,
# bw_method=s)` uses the kernel covariance $s^2\,\hat\Sigma$, where $\hat\Sigma$ is the **sample
# covariance of the data** (with $N - 1$ in the denominator): the scalar $s$ is a factor, without units,
# that scales the data's own spread. The course's kernel is $h^2 I$. So:
#
# - in one dimension, $s^2 \hat\sigma^2 = h^2$ gives **`bw_method` $= h / \hat\sigma$**, with $\hat\sigma$ the
#   sample standard deviation (`ddof=1`);
# - in $d$ dimensions the two kernels have the same shape only when $\hat\Sigma$ is a multiple of $I$. Write
#   $\hat\Sigma = LL^\top$ (Cholesky) and whiten the data, $z_n = L^{-1}(x_n - \bar x)$: the $z_n$ have
#   sample covariance exactly $I$, so there **`bw_method` $= h$**. On the original data, scipy's estimate with
#   factor $s$ is the course's estimate of the whitened data with $h = s$, divided by $\lvert\det L\rvert$ (the
#   change of variables $x \mapsto z$):
#   $\;f^{\text{scipy}}_s(x) = f^{Z}_{h=s}\big(L^{-1}(x - \bar x)\big) / \lvert\det L\rvert$.
#
# scipy's default factor, Scott's rule $s = N^{-1/(d+4)}$, is one such $s$.

# %%
sigma_hat = np.std(eruptions[:, 0], ddof=1)
scipy_1d = stats.gaussian_kde(eruptions[:, 0], bw_method=h_1d / sigma_hat)
claims.close("1-D: log f (h = 0.25 min) vs gaussian_kde with bw_method = h / sigma_hat", ours,
             scipy_1d.logpdf(grid_1d[:, 0]), atol=1e-10)
L = np.linalg.cholesky(np.cov(X.T))  # the sample covariance, divided by N - 1 as in gaussian_kde
Z = np.linalg.solve(L, (X - X.mean(axis=0)).T).T  # whitened data
claims.close("the whitened data's sample covariance", np.cov(Z.T), np.eye(2), atol=1e-12)
probe = np.random.default_rng(SEED + 9).normal(size=(50, 2)) * 1.5  # 50 points around the origin
claims.close("2-D, whitened data: log f (h = 0.8) vs gaussian_kde with bw_method = 0.8",
             meanshift.kde_log_density(probe, Z, H), stats.gaussian_kde(Z.T, bw_method=H).logpdf(probe.T), atol=1e-10)
probe_x = X.mean(axis=0) + probe @ L.T  # the same probe points in the original coordinates
scott = stats.gaussian_kde(X.T)  # default bandwidth factor
claims.close("Scott's rule factor N^(-1/(d+4))", scott.factor, N ** (-1 / 6), rtol=1e-12)
_ = claims.close("2-D, original data: gaussian_kde (Scott) vs the course's KDE of the whitened data, h = factor",
                 scott.logpdf(probe_x.T),
                 meanshift.kde_log_density(probe, Z, scott.factor) - np.log(np.abs(np.linalg.det(L))), atol=1e-10)

# %% [markdown]
# With the bandwidth translated, scipy and `coursepkg` give the same densities to rounding, in one
# dimension and (through the whitening) in two. The course keeps its own convention: one length $h$, the
# same in every direction.

# %% [markdown]
# ## Summary
#
# - The Gaussian kernel density estimate $f(p) = \frac1N\sum_n \mathcal N(p \mid x_n, h^2 I)$ is a mixture with
#   one component per point; compute $\log f$ with log-sum-exp. scipy's `gaussian_kde` scales the data's sample
#   covariance by `bw_method`$^2$: in 1-D use `bw_method` $= h/\hat\sigma$, in $d$-D whiten the data and use $h$
#   (section 9).
# - $\nabla f(p) = \frac{f(p)}{h^2}(u(p) - p)$ with $u(p) = \sum_n w_n(p)\,x_n$ and $w_n(p)$ a softmax of
#   $-\lVert p - x_n\rVert^2/(2h^2)$. So the stationary points of $f$ are the fixed points $u(p) = p$, and
#   $u(p) = p + h^2\nabla\log f(p)$ is a gradient step on $\log f$ with step size $h^2$.
# - Jensen's inequality gives a bound $B_p \le \log f$, tight at $p$ and maximised at $u(p)$ (an E-step and an
#   M-step): every step raises $\log f$ by at least $\lVert u(p) - p\rVert^2/(2h^2)$ (asserted on every step of 300 paths).
# - The modes are the clusters; $h$ sets how many (on the round data 15 at $h = 0.249$, 3 from 0.435 to 1.475,
#   2 from 1.48, 1 from 1.565). In one dimension the count never rises with $h$ (Silverman's theorem; checked on Old Faithful); in two
#   dimensions that held on our data but is not guaranteed.
# - scikit-learn's `MeanShift` uses a flat kernel: same partition on well-separated data, different centres.
# - Against k-means and a GMM: mean-shift needs no $K$, but one round bandwidth for all clusters; it splits long
#   clusters into several modes (or finds them only in a narrow window of $h$) and merges overlapping ones into one.
# - Each sweep (every point moved once) costs $O(N^2 d)$ (measured slope near 2): fine for thousands of points, not for millions without
#   seeds, cut-off kernels or neighbour searches.
#
# **Exercises:** [exercises/10_mean_shift.ipynb](../exercises/10_mean_shift.ipynb) — the density in log space,
# one mean-shift step, the step for a kernel of any covariance derived from the gradient, a bandwidth that gives
# exactly three clusters, and a prediction of how many modes survive a wider kernel.
