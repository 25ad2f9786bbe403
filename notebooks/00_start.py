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
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Soft clustering, Gaussian mixtures and EM
#
# Welcome. This course starts from k-means, which you already know, and ends with
# the EM algorithm for Gaussian mixture models and why it works. Every lesson is a
# notebook you run from top to bottom: short sections, each with one idea, the
# mathematics behind it, and a cell that checks that mathematics with numbers.
# Several lessons have a **lab**: sliders and buttons that redraw a figure so you
# can see an idea move.
#
# **You need:** Python, NumPy, k-means, and Bayes' rule. Some linear algebra
# (eigenvectors, the determinant) and calculus (gradients, a Lagrange multiplier)
# help in lessons 02 and 06.
#
# ## How to work
#
# 1. Open a lesson below and run it with **Run ▸ Run All Cells**, or cell by cell with
#    **Shift+Enter**. Read, then play with the labs and answer the concept questions.
# 2. Open its exercise notebook. Write your code where a cell says `YOUR CODE HERE`,
#    then run the check cell below it. A check either prints `✓ ... checks passed` or
#    tells you what looks wrong and what the likely mistake is.
# 3. If a notebook gets into a strange state, use **Kernel ▸ Restart Kernel and Run All Cells**.
#
# ## Lessons
#
# | # | lesson | exercises |
# |---|---|---|
# | 01 | [Soft clustering: from k-means to soft assignments](01_soft_clustering.ipynb) | [exercises 01](../exercises/01_soft_clustering.ipynb) |
# | 02 | [Generating data from a mixture of Gaussians](02_mixture_generation.ipynb) | [exercises 02](../exercises/02_mixture_generation.ipynb) |
# | 03 | [The complete-data likelihood](03_complete_data_likelihood.ipynb) | [exercises 03](../exercises/03_complete_data_likelihood.ipynb) |
# | 04 | [Jensen's inequality and the lower bound](04_jensen_lower_bound.ipynb) | [exercises 04](../exercises/04_jensen_lower_bound.ipynb) |
# | 05 | [The E-step: responsibilities](05_e_step.ipynb) | [exercises 05](../exercises/05_e_step.ipynb) |
# | 06 | [The M-step: updating the parameters](06_m_step.ipynb) | [exercises 06](../exercises/06_m_step.ipynb) |
# | 07 | [The EM algorithm](07_em_algorithm.ipynb) | [exercises 07](../exercises/07_em_algorithm.ipynb) |
# | 08 | [k-means as a limit of EM](08_kmeans_limit.ipynb) | [exercises 08](../exercises/08_kmeans_limit.ipynb) |
# | 09 | [Choosing K, and using a fitted mixture](09_choosing_k.ipynb) | [exercises 09](../exercises/09_choosing_k.ipynb) |
# | 10 | [Mean-shift: clusters as the peaks of a density](10_mean_shift.ipynb) | [exercises 10](../exercises/10_mean_shift.ipynb) |
# | 11 | [EM as a general recipe: a mixture of Bernoullis on handwritten digits](11_em_general.ipynb) | [exercises 11](../exercises/11_em_general.ipynb) |
# | 12 | [EM at scale: sufficient statistics as a map-reduce on Dask](12_em_at_scale.ipynb) | [exercises 12](../exercises/12_em_at_scale.ipynb) |
# | 13 | [Colour quantisation: a palette of K colours](13_colour_quantisation.ipynb) | [exercises 13](../exercises/13_colour_quantisation.ipynb) |
# | 14 | [Cheat sheet: the course on one page](14_cheat_sheet.ipynb) | [self-test 14](../exercises/14_cheat_sheet.ipynb) |
#
# Each lesson takes about an hour to read and run, its exercises another hour. Lessons 01–03
# set up the model (k-means, the mixture as a story that generates data, the likelihood),
# 04–07 build EM from a lower bound (Jensen's inequality, the E-step, the M-step, the loop),
# and 08 closes the circle: k-means is EM's limit when the components become round and stiff.
# Lesson 09 chooses K and the shape of the components, and puts a fitted mixture to use. Lesson 10 finds
# clusters without choosing K: as the peaks of a density (mean-shift). Lesson 11 shows that EM is a
# recipe for any model with hidden variables and runs it on a mixture of Bernoullis (handwritten
# digits); lesson 12 runs EM on data too large for one machine, as a map-reduce of per-block
# statistics on Dask; lesson 13 uses k-means and a mixture for something practical, compressing a
# photograph's colours; and lesson 14 puts the whole course on one page.
#
# The companion package `coursepkg` holds every function the lessons use. It is
# meant to be read: open `coursepkg/em.py` next to lesson 07 and you will find the
# same formulas in the same symbols.
#
# ## Notation
#
# One symbol means one thing in every lesson. Components are numbered $1, \dots, K$ in the text
# and the figures (component 1 is always blue, 2 red, 3 green); Python counts them from 0.
#
# | symbol | meaning |
# |---|---|
# | $N$, $n$ | the number of points; a point's index, $n = 1, \dots, N$ |
# | $d$ | the dimension of a point |
# | $K$, $k$ | the number of components (clusters); a component's index, $k = 1, \dots, K$ |
# | $x_n \in \mathbb R^d$, $X$ | one point; the $N \times d$ matrix of all points |
# | $z_n$, $z_{nk}$, $Z$ | the component that generated $x_n$ (latent), as a one-hot vector; the $N \times K$ matrix of them |
# | $\pi_k$ | the weight of component $k$: $\pi_k \ge 0$, $\sum_k \pi_k = 1$ |
# | $\mu_k$ | the mean of component $k$; in k-means, the centre of cluster $k$ |
# | $\Sigma_k$ | the covariance of component $k$, a symmetric positive-definite $d \times d$ matrix |
# | $\lambda_1 \ge \dots \ge \lambda_d$ | the eigenvalues of a covariance, largest first ($\lambda_{\max} = \lambda_1$) |
# | $\Delta^2(x)$ | the squared Mahalanobis distance $(x - \mu)^\top \Sigma^{-1} (x - \mu)$ |
# | $\mathcal N(x \mid \mu, \Sigma)$ | the Gaussian density |
# | $\theta$ | all parameters $(\pi, \mu, \Sigma)$; $\theta^{\text{old}}$ before a step, $\theta^{\text{new}}$ after it, $\theta^{(t)}$ after $t$ iterations |
# | $r_{nk}$ | the responsibility $p(z_n = k \mid x_n, \theta)$; in k-means the hard assignment, 0 or 1 |
# | $N_k$ | $\sum_n r_{nk}$, the effective number of points in component $k$ |
# | $J$ | the k-means distortion $\sum_n \sum_k r_{nk} \lVert x_n - \mu_k \rVert^2$ |
# | $\ell(\theta)$ | the log-likelihood $\log p(X \mid \theta)$, in nats (natural logarithms throughout) |
# | $Q(\theta, \theta^{\text{old}})$ | the expected complete-data log-likelihood |
# | $q$, $q_{nk}$ | any distribution over each point's component (one row per point) |
# | $H(q)$ | the entropy $-\sum_n \sum_k q_{nk} \log q_{nk}$ |
# | $\mathcal L(q, \theta)$ | the lower bound $Q + H = \ell - \mathrm{KL}$ |
# | $\mathrm{KL}(q \,\Vert\, p)$ | the Kullback–Leibler divergence |
# | $\beta$ | the stiffness of soft k-means: $\Sigma_k = I / \beta$, so $r_{nk} \propto \exp(-\tfrac\beta2 \lVert x_n - \mu_k \rVert^2)$ |
# | $p$ | the number of free parameters of a model (lesson 09) |
# | $\hat\ell$ | the maximised training log-likelihood, in nats |
# | AIC, BIC | $-2\hat\ell + 2p$ and $-2\hat\ell + p \log N$ (lower is better) |
# | $F$ | the number of cross-validation folds |
# | $S_k$, $S_W$ | the weighted scatter $\sum_n r_{nk}(x_n - \mu_k)(x_n - \mu_k)^\top$; the pooled scatter $\sum_k S_k$ |
# | $P$ | a precision matrix $\Sigma^{-1}$ (lesson 09; lesson 02's $\Lambda$ is the matrix of eigenvalues) |
# | $\tau$ | an anomaly threshold on $\log p(x)$, in nats |
# | $h$ | the bandwidth of a kernel density estimate: the kernel's standard deviation, in data units |
# | $f$, $u(p)$ | the kernel density estimate; the kernel-weighted mean of the data seen from a point $p$ (mean-shift moves $p$ to $u(p)$) |
# | $\mu_{kj}$, $S_{kj}$ | in a mixture of Bernoullis (lesson 11): the probability that pixel $j$ is on in component $k$ (component $k$'s mean); $\sum_n r_{nk} x_{nj}$, the weighted count of images of component $k$ with pixel $j$ on |
# | $\alpha, \beta$; $\tilde\ell$ | the parameters of a Beta prior on each $\mu_{kj}$ (lesson 11; $\beta$ alone is lesson 08's stiffness); the log posterior $\ell(\theta) + \log p(\theta)$ that EM with a prior never lowers |

# %% [markdown]
# ## Is everything installed?
#
# Run the cell below. It should print the versions and a small table; if it
# raises an error, go back to the README and run its first command again.

# %%
import coursepkg
import ipywidgets
import matplotlib
import numpy as np
from coursepkg import datasets

print(f"coursepkg {coursepkg.__version__}, numpy {np.__version__}, "
      f"matplotlib {matplotlib.__version__}, ipywidgets {ipywidgets.__version__}")
from coursepkg import claims

X = datasets.old_faithful()
claims.equal("Old Faithful: eruptions and columns (eruption min, waiting min)", X.shape, (272, 2))
print("first three eruptions:")
print(X[:3])
