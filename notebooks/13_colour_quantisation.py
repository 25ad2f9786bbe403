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
# # Lesson 13 — Application: colour quantisation
#
# A photograph stores 24 bits for every pixel: 8 for each of red, green and blue. A *palette image*
# stores a short list of $K$ colours and, for every pixel, only the index of one of them. Choosing the
# palette is clustering: the pixels are points in colour space, the palette colours are centres, and
# replacing each pixel by its centre is **vector quantisation**: a long list of vectors coded by the
# index of the nearest one in a short codebook, the oldest compression use of k-means. This lesson fits palettes by k-means and by a Gaussian mixture, prices them in bits
# per pixel, measures what they lose in decibels, and asks what the soft assignments of a mixture are
# good for when the output has to be one colour per pixel.
#
# **Learning goals.** After this lesson you can
#
# 1. treat an image of $N$ pixels as $N$ points $x_n \in [0, 1]^3$ and quantise it with a palette
#    $\mu_1, \dots, \mu_K$ by the nearest-colour rule, without building an $(N, K, 3)$ array;
# 2. define the PSNR, compute it, and say what a difference of 3 dB means for the mean squared error;
# 3. derive the size of a palette image, $\log_2 K + 24K/N$ bits per pixel, and say when the palette's
#    own cost matters;
# 4. fit a palette on a sample of pixels and assign all of them, and explain (with measured times)
#    why that is enough;
# 5. explain why the k-means palette has the higher PSNR, what the GMM models better, and what
#    dithering with the responsibilities $r_{nk}$ of a GMM buys and costs (and why).
#
# **You need:** lesson 01 (k-means), lesson 05 (responsibilities), lesson 07 (EM). Choosing $K$ by a
# held-out likelihood is lesson 09 (choosing k); here $K$ is set by the bits we can afford.
#
# Colours are numbered $1, \dots, K$ in the text; the code counts from 0, so palette colour 1 is
# `palette[0]`. The colour of pixel $n$ is written $c_n \in \{1, \dots, K\}$; in the course's notation the
# same choice is the one-hot vector $z_n$ with its 1 at position $c_n$.

# %%
# %matplotlib inline
import time
import tracemalloc
import zlib

import matplotlib.pyplot as plt
import numpy as np
from scipy import ndimage
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.cluster import KMeans
from sklearn.datasets import load_sample_image
from sklearn.metrics import pairwise_distances_argmin
from threadpoolctl import threadpool_limits

from coursepkg import claims, em
from coursepkg.kmeans import kmeans
from coursepkg.quantise import (
    bits_per_pixel,
    dithered_labels,
    fit_palette,
    image_points,
    nearest_colour,
    psnr,
    quantise,
    sample_pixels,
)
from coursepkg.widgets.palette import make_palette_lab, palette_table
from coursepkg.widgets.questions import concept_question

np.set_printoptions(precision=4, suppress=True)
threadpool_limits(1)  # the matrices here have 3 columns: BLAS threads would cost more time than they save
SEED = 13
rng = np.random.default_rng(SEED)


def best_time(action, repeat=3):
    """The shortest wall-clock time of `repeat` runs of action(), in seconds (the least disturbed run)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


# %% [markdown]
# ## 1. An image is a cloud of points in colour space
#
# The photograph is `china.jpg`, one of the two sample images that ship with scikit-learn
# (`sklearn.datasets.load_sample_image`). scikit-learn's description of it: released under a Creative
# Commons licence (CC BY 2.0, https://creativecommons.org/licenses/by/2.0/), "Some rights reserved by
# danielbuechele" (https://www.flickr.com/photos/danielbuechele/), retrieved from Flickr on 21 August
# 2011 by Robert Layton. It has $427 \times 640$ pixels, each three bytes 0..255. Dividing by 255 and
# listing the pixels row by row gives $N$ points $x_n \in [0, 1]^3$, the rows of $X$; where a pixel
# sits in the picture plays no part in what follows, only its colour does.

# %%
image = load_sample_image("china.jpg")
H, W, _ = image.shape
X = image_points(image)  # (N, 3), row by row, in [0, 1]
N, d = X.shape
distinct = np.unique(image.reshape(-1, 3), axis=0)
claims.equal("image shape", image.shape, (427, 640, 3))
claims.equal("image dtype", str(image.dtype), "uint8")
claims.equal("N pixels = 427 x 640", N, 427 * 640)
claims.close("pixel (10, 20) as a point: its bytes / 255", X[10 * W + 20], image[10, 20] / 255, atol=1e-15)
claims.between("every coordinate of every point", [X.min(), X.max()], 0.0, 1.0)
_ = claims.equal("distinct colours in the photograph", len(distinct), 96615)

# %% [markdown]
# 273,280 pixels but only 96,615 different colours, and they are far from spread over the cube. A
# sample of 3,000 pixels, each drawn in its own colour at its own place in the RGB cube:

# %%
cloud = sample_pixels(X, 3000, rng)
fig = plt.figure(figsize=(12, 4.8))
ax_img = fig.add_subplot(1, 2, 1)
ax_img.imshow(image)
ax_img.set_title("china.jpg (scikit-learn sample image, CC BY 2.0, danielbuechele)", fontsize=10)
ax_img.set_xlabel("column (pixels)")
ax_img.set_ylabel("row (pixels)")
ax3 = fig.add_subplot(1, 2, 2, projection="3d")
ax3.scatter(cloud[:, 0], cloud[:, 1], cloud[:, 2], c=cloud, s=6, depthshade=False)
ax3.set_xlabel("red (0 to 1)")
ax3.set_ylabel("green (0 to 1)")
ax3.set_zlabel("blue (0 to 1)")
ax3.set_title("3,000 of its pixels as points $x_n$ in the RGB cube", fontsize=10)
ax3.view_init(elev=18, azim=-60)
plt.show()

# %% [markdown]
# The points lie near a bent band from dark to light: the dark greens and browns of the trees at the
# bottom, the greys and pale blues of sky and water at the top, with a thin arm of reds from the
# pagoda's walls. A palette of $K$ colours should put its colours where the points are, and so a palette
# belongs to its photograph: another photograph's cloud lies somewhere else in the cube.
#
# ## 2. Quantising: every pixel takes its nearest palette colour
#
# A palette is $K$ colours $\mu_1, \dots, \mu_K$ (an array `(K, 3)`). Given a palette, the colour that
# loses least for pixel $n$ is its nearest one,
#
# $$
# c_n = \arg\min_k \lVert x_n - \mu_k \rVert^2, \qquad \hat x_n = \mu_{c_n},
# $$
#
# which is k-means' assignment step (lesson 01). Written with broadcasting as
# `((X[:, None, :] - palette[None]) ** 2).sum(-1)`, it builds an $(N, K, 3)$ array first: at
# $K = 64$ that is $273{,}280 \times 64 \times 3$ doubles of 8 bytes, 420 MB, for a 0.27-megapixel
# photograph. Expanding the square, $\lVert x - \mu_k\rVert^2 = \lVert x\rVert^2 - 2x^\top\mu_k + \lVert\mu_k\rVert^2$,
# and the first term is the same for every $k$, so it does not move the argmin: the scores
# $\lVert\mu_k\rVert^2 - 2 x_n^\top \mu_k$ form one $(N, K)$ matrix product. `nearest_colour` computes
# them for 65,536 pixels at a time, so its temporaries are a few $(65{,}536, 64)$ tables whatever the
# image size. We check its answer against scikit-learn's `pairwise_distances_argmin` on a random
# palette, and measure its memory with `tracemalloc` (which counts numpy's allocations).

# %%
palette_random = rng.random((64, 3))
labels_sklearn = pairwise_distances_argmin(X, palette_random)
tracemalloc.start()
labels_ours = nearest_colour(X, palette_random)
peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
tracemalloc.stop()
broadcast_mb = N * 64 * 3 * 8 / 1e6
claims.equal("nearest colour of every pixel, ours vs scikit-learn's pairwise_distances_argmin",
             bool(np.array_equal(labels_ours, labels_sklearn)), True)
claims.close("the broadcast (N, K, 3) array at K = 64 would take (MB)", broadcast_mb, 420, atol=0.5)
_ = claims.between("nearest_colour at K = 64: peak memory measured by tracemalloc (MB)", peak_mb, 30, 100)

# %% [markdown]
# The measured peak, about 70 MB, is the labels and two $(65{,}536, 64)$ tables of 34 MB each alive at
# once (the matrix product and the scores); it stays the same for a photograph ten times larger, where
# the broadcast version would need 4.2 GB.
#
# Quantising can lose nothing only when every pixel's colour is in the palette. With the image's own
# distinct colours as the palette, every pixel is its own nearest colour, at distance 0. On a
# $40 \times 40$ crop (its distinct colours make a palette of about 1,500, nearly one per pixel):

# %%
crop = image[200:240, 300:340]
crop_X = image_points(crop)
own = np.unique(crop.reshape(-1, 3), axis=0) / 255
_, crop_q = quantise(crop_X, own)
claims.equal("crop: distinct colours (the palette's K)", len(own), 1483)
_ = claims.equal("crop quantised with its own distinct colours equals the crop", bool(np.array_equal(crop_q, crop_X)),
                 True)

# %% [markdown]
# A 40-by-40 crop has 1,600 pixels and 1,483 distinct colours; a JPEG rarely repeats a colour
# exactly. That is why the palettes below are small: a palette image with $K$ near $N$ would save nothing.
#
# ## 3. Distortion in decibels: the PSNR
#
# The loss of a quantised image $\hat X$ is its mean squared error over all $3N$ entries,
# $\text{MSE} = \frac{1}{3N}\sum_n \lVert x_n - \hat x_n\rVert^2$. Image compression reports it as the
# **peak signal-to-noise ratio**
#
# $$
# \text{PSNR} = 10 \log_{10} \frac{\text{peak}^2}{\text{MSE}} \ \text{dB},
# $$
#
# where peak is the largest possible value (1 for colours in $[0, 1]$, 255 for bytes). Larger is better;
# PSNR is infinite exactly when $\text{MSE} = 0$, that is for an identical image. Each 10 dB is a
# factor 10 in MSE, and 3 dB is a factor $10^{0.3} \approx 2$. Note $\text{MSE} = J/(3N)$ for the k-means
# objective $J$ of the assigned pixels, so a lower $J$ is a higher PSNR. `psnr` is checked against an
# exact computation in integers: the byte differences of image and quantised image, squared and
# summed by numpy's int64 arithmetic, with peak 255.

# %%
palette_8 = kmeans(sample_pixels(X, 4000, rng), 8, rng=rng).centers
labels_8, X_8 = quantise(X, palette_8)
bytes_8 = np.round(X_8 * 255).astype(np.int64)  # the quantised image stored as bytes
sse = int(np.sum((image.reshape(-1, 3).astype(np.int64) - bytes_8) ** 2))  # exact, in integers
psnr_bytes = 10 * np.log10(255**2 / (sse / (3 * N)))
claims.close("PSNR, ours (floats, peak 1) vs integer byte arithmetic (peak 255)",
             psnr(X, bytes_8 / 255), psnr_bytes, atol=1e-9)
claims.close("PSNR of the unrounded palette image vs the byte version (dB)", psnr(X, X_8), psnr_bytes, atol=0.05)
claims.equal("PSNR of the image against itself", psnr(X, X), np.inf)
noise = [psnr(X, np.clip(X + rng.normal(scale=s, size=X.shape), 0, 1)) for s in (0.01, 0.02, 0.04)]
claims.holds("PSNR falls as the added noise grows (s.d. 0.01, 0.02, 0.04)", bool(np.all(np.diff(noise) < 0)),
             f"{np.round(noise, 2)} dB")
_ = claims.close("doubling the noise s.d. (MSE x 4) costs 10 log10(4) = 6.02 dB", noise[0] - noise[1], 6.02, atol=0.1)

# %% [markdown]
# The two computations agree to rounding; storing the palette as bytes changes the PSNR by less than
# 0.05 dB. Doubling the noise's standard deviation multiplies the MSE by 4 and costs 6 dB.
#
# ## 4. The price of a palette image, in bits per pixel
#
# How many bits does a $K$-colour image of $N$ pixels take?
#
# 1. Each pixel stores the index of its colour $c_n$, one of $K$ values. With a fixed-length code of
#    $b$ bits there are $2^b$ codes, so $b = \lceil \log_2 K \rceil$; for $K$ a power of two that is
#    exactly $\log_2 K$. All the $K$ values below are powers of two.
# 2. The decoder also needs the palette: $K$ colours of 24 bits, $24K$ bits once for the whole image,
#    which is $24K/N$ bits per pixel.
#
# $$
# \text{bits per pixel} = \log_2 K + \frac{24K}{N} .
# $$
#
# For this photograph the palette term is tiny ($24 \cdot 64 / 273{,}280 = 0.0056$ bits per pixel at
# $K = 64$); it would matter for a thumbnail, or with $K$ comparable to $N$. This is the size of the
# simplest honest file, and the $x$ axis of the figures below. Real formats do better: a coder that
# gives frequent colours short codes, one index at a time, can come down to the entropy
# $-\sum_k p_k \log_2 p_k$ of the index frequencies $p_k$, and a coder that also uses the neighbours
# (neighbouring pixels usually share their colour) goes much lower still. We check the formula by
# writing the $K = 8$ image into a byte string: 3 bits per index, packed, then the palette as bytes,
# and decoding it again; then we compare with the entropy and with zlib (the DEFLATE coder of PNG and
# gzip) on the index map, one byte per index.

# %%
def encode(labels, palette_bytes, bits):
    """Pack each label into `bits` bits (most significant first), then append the palette bytes."""
    bit_matrix = (labels[:, None] >> np.arange(bits - 1, -1, -1)) & 1
    return np.packbits(bit_matrix.astype(np.uint8)).tobytes() + palette_bytes.tobytes()


def decode(blob, n, k, bits):
    palette_start = len(blob) - 3 * k
    bit_stream = np.unpackbits(np.frombuffer(blob[:palette_start], dtype=np.uint8))[: n * bits]
    labels = bit_stream.reshape(n, bits) @ (1 << np.arange(bits - 1, -1, -1))
    return labels, np.frombuffer(blob[palette_start:], dtype=np.uint8).reshape(k, 3)


palette_8_bytes = np.round(palette_8 * 255).astype(np.uint8)
blob = encode(labels_8, palette_8_bytes, 3)
decoded_labels, decoded_palette = decode(blob, N, 8, 3)
claims.equal("decoded indices and palette equal the encoded ones",
             [bool(np.array_equal(decoded_labels, labels_8)), bool(np.array_equal(decoded_palette, palette_8_bytes))],
             [True, True])
claims.close("K = 8: bits per pixel of the byte string vs log2 K + 24 K / N", 8 * len(blob) / N, bits_per_pixel(8, N),
             atol=1e-12)
claims.close("K = 64: the palette's share, 24 K / N bits per pixel", bits_per_pixel(64, N) - 6, 0.0056, atol=5e-5)
frequencies = np.bincount(labels_8, minlength=8) / N
entropy = -np.sum(frequencies * np.log2(frequencies))
claims.between("K = 8: entropy of the index frequencies (bits), below log2 K = 3", entropy, 2.7, 2.95)
zlib_bpp_8 = 8 * len(zlib.compress(labels_8.astype(np.uint8).tobytes(), 9)) / N
_ = claims.between("K = 8: the index map compressed by zlib, bits per pixel (below the entropy)", zlib_bpp_8, 1.0,
                   0.8 * entropy)

# %% [markdown]
# The byte string is exactly $3 + 24 \cdot 8/N$ bits per pixel long and decodes to the same image; it is
# $24 / 3.0007 \approx 8$ times smaller than the true-colour original. The index frequencies have an
# entropy of about 2.8 bits, so coding each index on its own would save little; zlib, which codes
# repeated runs of neighbouring indices, stores the same map in about 1.2 bits per pixel, less than
# half. The entropy of the frequencies bounds only coders that ignore the neighbours. The fixed-length
# $\log_2 K + 24K/N$ is an upper price, the same for every image, and it is what we plot.

# %%
concept_question("13", 1)

# %% [markdown]
# The thumbnail of the question, in numbers:

# %%
_ = claims.close("64 x 64 pixels, K = 64: bits per pixel (index and palette)", bits_per_pixel(64, 64 * 64), 6.375,
                 atol=1e-12)

# %% [markdown]
# ## 5. Fit the palette on a sample, assign every pixel
#
# k-means on all 273,280 pixels and k-means on 4,000 of them fit the same 48 numbers (16 colours of 3
# channels): 4,000 pixels give each of 16 colours about 250 points to average, and the average of
# 250 points is already close to the average of thousands. The cost is another matter: one Lloyd
# iteration touches every point, so it costs time in proportion to $N$, and so does every E- and M-step
# of EM. Assigning all pixels once to a fitted palette is a single such pass. We time one Lloyd
# iteration on the sample and on the whole image, then fit a 16-colour palette both ways with
# scikit-learn's `KMeans` (an independent implementation), and quantise the whole image with each.

# %%
sample = sample_pixels(X, 4000, rng)  # the pixels every palette below is fitted on
start_16 = sample[:16]
t_sample = best_time(lambda: kmeans(sample, start_16, max_iter=1))
t_full = best_time(lambda: kmeans(X, start_16, max_iter=1))
claims.at_least("one Lloyd iteration, all pixels / sample: time ratio (N / 4000 = 68)", t_full / t_sample, 20)
km_sample = KMeans(16, n_init=1, random_state=0).fit(sample)
km_full = KMeans(16, n_init=1, random_state=0).fit(X)
psnr_sample = psnr(X, quantise(X, km_sample.cluster_centers_)[1])
psnr_full = psnr(X, quantise(X, km_full.cluster_centers_)[1])
_ = claims.between("K = 16: PSNR of the all-pixel fit minus the 4000-pixel fit (dB)", psnr_full - psnr_sample,
                   -0.3, 0.3)

# %% [markdown]
# Per iteration, fitting on all pixels costs the printed ratio more (in proportion to $N$ it would be
# $N/4000 = 68$ times; a measured ratio above that is plausible, since the sample's 96 KB fit in the
# processor's cache and the image's 6.6 MB do not), and the palette it finds is within 0.3 dB of the
# sample's (the difference is printed above). So every palette below is fitted on the same 4,000 pixels
# and then used for all 273,280.
#
# ## 6. k-means and GMM palettes, as $K$ grows
#
# For $K = 2, 4, \dots, 64$, one k-means palette (its centres) and one GMM palette (the means
# $\mu_k$ of the fitted mixture), both on the sample; then every pixel of the image takes its nearest
# palette colour, whichever model fitted the palette. k-means runs Lloyd's algorithm from k-means++
# seeding until no label changes (at most 100 updates); EM fits a full-covariance GMM from k-means++
# seeding until the log-likelihood gains less than $10^{-4}$ nats per pixel, or 40 iterations have run.
# The cap keeps the lesson fast; the end of this section measures what it costs.

# %%
concept_question("13", 2)

# %%
KS = (2, 4, 8, 16, 32, 64)
MAX_ITER = {"kmeans": 100, "gmm": 40}
fits = {(method, k): fit_palette(sample, k, method, n_sample=len(sample), rng=SEED, max_iter=MAX_ITER[method])
        for k in KS for method in ("kmeans", "gmm")}
table = palette_table(image, KS, fits=fits, rng=SEED)  # every pixel quantised with every palette (also the lab's)
bpp = np.array([bits_per_pixel(k, N) for k in KS])
psnr_km = np.array([table.psnr["k-means, nearest colour", k] for k in KS])
psnr_gmm = np.array([table.psnr["GMM, nearest colour", k] for k in KS])
stored = psnr(image, table.images["k-means, nearest colour", 16], peak=255)
claims.close("K = 16: PSNR of the palette image stored as bytes vs unrounded (dB)", stored, psnr_km[3], atol=0.02)
for k, p_km, p_gmm in zip(KS, psnr_km, psnr_gmm):
    claims.at_least(f"K = {k:2d}: PSNR k-means ({p_km:.2f} dB) minus PSNR GMM ({p_gmm:.2f} dB)", p_km - p_gmm, 0.0)
gains = np.diff(psnr_km)
claims.between("k-means: PSNR gained per doubling of K, from K = 8 on (dB)", gains[2:], 1.8, 3.0)
claims.holds("k-means: the gain per doubling shrinks from K = 8 on", bool(np.all(np.diff(gains[2:]) < 0)),
             f"{np.round(gains[2:], 2)} dB")
claims.at_least("k-means: PSNR at K = 64 minus PSNR at K = 8 (dB)", psnr_km[-1] - psnr_km[2], 7.0)
claims.equal("k-means runs that stopped at 100 updates, by K", [k for k in KS if fits["kmeans", k].n_iter == 100], [])
_ = claims.equal("EM runs that stopped at 40 iterations, by K", [k for k in KS if fits["gmm", k].n_iter == 40],
                 [8, 16, 32, 64])

# %% [markdown]
# Every doubling of $K$ costs one bit per pixel and, from $K = 8$ on, buys between 1.8 and 3 dB (the
# gains are printed above), a little less with each doubling. That approaches the rate the theory of
# fine quantisation predicts for points in $d = 3$ dimensions: with $K$ cells the size of each cell
# shrinks like $K^{-1/d}$, so the MSE shrinks like $K^{-2/d}$, and a doubling of $K$ lowers it by the
# factor $2^{2/3}$, which is $10\log_{10}2^{2/3} = 2.0$ dB (one channel, $d = 1$, would gain the familiar
# 6 dB per bit). At every $K$ the k-means palette beats the GMM's.

# %%
fig, ax = plt.subplots(figsize=(8, 4.6))
ax.plot(bpp, psnr_km, "o-", color="k", lw=2, label="k-means palette, nearest colour")
ax.plot(bpp, psnr_gmm, "s-", color="tab:purple", lw=2, label="GMM palette (its means), nearest colour")
for k, b, p in zip(KS, bpp, psnr_km):
    ax.annotate(f"K = {k}", (b, p), textcoords="offset points", xytext=(-12, 8), fontsize=9)
ax.set_xlabel(r"fixed-length size, $\log_2 K + 24K/N$ bits per pixel (24 for the original)")
ax.set_ylabel("PSNR against the original (dB)")
ax.set_ylim(psnr_gmm.min() - 1, psnr_km.max() + 2)  # room above the last label
ax.set_title("china.jpg: distortion against size, palettes fitted on 4,000 pixels")
ax.legend(loc="lower right")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# What the numbers look like: the k-means images at $K = 2$, 8 and 64, each with its palette below it.

# %%
fig, axes = plt.subplots(2, 3, figsize=(15, 4.6), gridspec_kw={"height_ratios": [1, 0.07]}, layout="constrained")
for column, k in enumerate((2, 8, 64)):
    ax = axes[0, column]
    ax.imshow(table.images["k-means, nearest colour", k], interpolation="nearest")
    ax.set_title(f"k-means palette, K = {k}: {table.psnr['k-means, nearest colour', k]:.1f} dB, "
                 f"{bits_per_pixel(k, N):.2f} bits per pixel", fontsize=10)
    ax.set_xlabel("column (pixels)")
    strip = axes[1, column]
    strip.imshow(table.colours["k-means, nearest colour", k][None], aspect="auto", interpolation="nearest",
                 extent=(0.5, k + 0.5, 0, 1))
    strip.set_yticks([])
    strip.set_xticks([1, k])
    strip.set_xlabel(f"its {k} colours, 1 to {k}", fontsize=9)
axes[0, 0].set_ylabel("row (pixels)")
plt.show()

# %% [markdown]
# Two colours keep only light and dark; eight already show the pagoda, but the sky falls into bands and
# the reds of the walls into a single brown; at 64 the bands in the sky are hard to see at this size.
#
# **The iteration cap.** The EM runs for $K = 8, 16, 32, 64$ stopped at 40 iterations, not by their
# tolerance. Continuing each from where it stopped until the tolerance is met (at most 400 more
# iterations) tells us what the cap changed:

# %%
converged = {k: em.fit_em(sample, fits["gmm", k].gmm, max_iter=400, tol=1e-4) for k in (8, 16, 32, 64)}
claims.equal("EM continued: runs that met the tolerance, by K", [k for k, r in converged.items() if r.converged],
             [8, 16, 32, 64])
change = np.array([psnr(X, quantise(X, r.gmm.means)[1]) for r in converged.values()]) - psnr_gmm[2:]
claims.between("K = 8, 16, 32, 64: PSNR of the converged GMM palette minus the capped one (dB)", change, -0.1, 0.3)
_ = claims.at_least("K = 8, 16, 32, 64: PSNR k-means minus converged GMM (dB)", psnr_km[2:] - psnr_gmm[2:] - change,
                    0.8)

# %% [markdown]
# Run to convergence, the GMM palettes gain at most about 0.2 dB (the changes are printed above), and
# k-means still wins by more than 0.8 dB at every $K$: the cap does not decide the comparison. The
# rest of the lesson uses the capped fits, the ones the figures and the lab show; the k-means runs all
# stopped because no label changed.
#
# ## 7. The palette lab
#
# The lab shows the palettes fitted above (nothing is refitted): choose $K$, the palette and the
# assignment, and compare the quantised image with the original, the palette strip below them, and
# the point on the curves of section 6 (the orange curve is the GMM image with each pixel's colour
# drawn from its responsibilities, the dither of section 9). The images are shown at every second row
# and column, pixel for pixel. Things to try: $K = 2$ and $4$ (what do two colours keep of a
# photograph?), the red walls at $K = 8$ for the two palettes, and the sky with and without dither at
# $K = 16$.

# %%
lab = make_palette_lab(table=table, k=8)  # the table of section 6: nothing is fitted again
lab

# %%
lab.controls["k"].value = 16  # as a click would: every redraw is timed by the lab
lab.controls["palette"].value = "GMM, sampled from r (dither)"
assert lab.state()["psnr"] == table.psnr["GMM, sampled from r (dither)", 16]  # wiring: the lab reads its entry

# %% [markdown]
# ## 8. Why the k-means palette wins at PSNR
#
# The two fits optimise different things. k-means lowers $J = \sum_n \lVert x_n - \mu_{c_n}\rVert^2$ over
# the sample, which is $3 \times 4{,}000$ times the sample's MSE: the very quantity the PSNR measures. EM
# raises the log-likelihood of a *density*, and a density is rewarded for putting narrow components
# where the points are dense and broad ones over the scattered rest; the mean of a broad component is a
# poor colour for its pixels. The GMM's own assignment is the most responsible component,
# $\arg\max_k r_{nk}$, and it is worse still for PSNR: the nearest colour minimises each pixel's error
# given the palette, so any other rule can only lose. We compare the three on the sample at $K = 16$,
# and look at how wide the components are.

# %%
gmm_16 = fits["gmm", 16].gmm
resp_sample, _ = em.e_step(sample, gmm_16)
nearest_sample = nearest_colour(sample, gmm_16.means)
J_km = np.sum((sample - fits["kmeans", 16].colours[nearest_colour(sample, fits["kmeans", 16].colours)]) ** 2)
sq_gmm = np.sum((sample - gmm_16.means[nearest_sample]) ** 2, axis=1)
J_gmm = sq_gmm.sum()
J_map = np.sum((sample - gmm_16.means[resp_sample.argmax(axis=1)]) ** 2)
claims.at_most("K = 16, sample: J of the k-means palette / J of the GMM palette", J_km / J_gmm, 0.85)
claims.between("K = 16, sample: J with the GMM's argmax r_nk / J with its nearest colour", J_map / J_gmm, 2.2, 3.0)
sizes = np.sqrt(np.linalg.eigvalsh(gmm_16.covariances)[:, -1])  # largest standard deviation of each component
broad = sizes > 0.12
claims.between("K = 16: widest / narrowest GMM component (largest s.d.)", sizes.max() / sizes.min(), 6, 8.5)
claims.equal("K = 16: components with largest s.d. above 0.12 (none lies between 0.10 and 0.14)",
             [int(broad.sum()), int(np.sum((sizes > 0.10) & (sizes < 0.14)))], [9, 0])
claims.between("share of the sample's pixels whose nearest GMM colour is a broad component's",
               broad[nearest_sample].mean(), 0.30, 0.45)
_ = claims.between("share of the GMM palette's J from those pixels", sq_gmm[broad[nearest_sample]].sum() / J_gmm,
                   0.60, 0.78)

# %% [markdown]
# The mixture's components differ about sevenfold in width. Nine of the 16 are broad (a largest
# standard deviation above 0.12; the other seven are below 0.10): they are the nearest colour of only
# about 37% of the pixels but account for about 69% of the squared error, because a broad component's
# mean is an average of colours that do not look alike. The k-means palette's $J$ is about 0.72 of the
# GMM palette's, and giving every pixel the mean of its most responsible component multiplies the GMM
# palette's $J$ by about 2.6 (the ratios are printed above). So if the goal is PSNR, use k-means.
#
# What the GMM does better is *modelling* the colours: it gives every colour a density, so it can say
# how likely a colour is. Measured on 20,000 pixels drawn at random from the whole image (about 1.5%
# of them happen to be in the sample), the average log-density of a pixel under the 16-component GMM,
# against the same under the k-means palette read as a mixture (weights the clusters' shares of the
# sample, means the centres, and one spherical covariance $\sigma^2 I$ with $\sigma^2 = J/(3 \times 4{,}000)$,
# the model whose limit is k-means, lesson 08), both computed with scipy's `multivariate_normal`:

# %%
held = sample_pixels(X, 20000, rng)
km_16 = fits["kmeans", 16].colours
km_labels = nearest_colour(sample, km_16)
km_weights = np.bincount(km_labels, minlength=16) / len(sample)
km_var = np.sum((sample - km_16[km_labels]) ** 2) / (3 * len(sample))


def mean_log_density(points, weights, means, covariances):
    """The average over points of log sum_k pi_k N(x | mu_k, Sigma_k), in nats, by scipy."""
    per_component = [np.log(w) + multivariate_normal(m, c).logpdf(points)
                     for w, m, c in zip(weights, means, covariances)]
    return float(np.mean(logsumexp(np.column_stack(per_component), axis=1)))


ll_gmm = mean_log_density(held, gmm_16.weights, gmm_16.means, gmm_16.covariances)
ll_km = mean_log_density(held, km_weights, km_16, np.repeat(km_var * np.eye(3)[None], 16, axis=0))
claims.between("K = 16, 20,000 held pixels: log-density GMM (nats per pixel)", ll_gmm, 3.8, 4.4)
_ = claims.between("K = 16: log-density GMM minus k-means as a spherical mixture (nats per pixel)", ll_gmm - ll_km,
                   1.0, 1.8)

# %% [markdown]
# The GMM assigns the pixels about 1.4 nats more log-density each (the difference is printed above), a
# factor $e^{1.4} \approx 4$ in density: it is the better *model* of the colours and the worse *codebook*,
# because the likelihood and the squared error reward different palettes.
#
# ## 9. What the soft assignments add: dithering
#
# A palette image must show one colour per pixel, so a soft assignment cannot be stored as it is. It
# can be *sampled*: draw $c_n \sim \text{Categorical}(r_{n1}, \dots, r_{nK})$, independently per pixel
# (`dithered_labels`). A smooth patch of sky whose colours lie between two palette colours then gets a
# mixture of both, in proportions set by the responsibilities, instead of one flat band with a sharp
# edge: a random dither. (The responsibilities weigh each component's weight and covariance, not only
# the distance to its mean, so the mixture of drawn colours need not average to the pixel's colour:
# in general $\sum_k r_{nk}\mu_k \ne x_n$.) The price is easy to state in squared error: the expected
# error of pixel $n$ is
#
# $$
# \mathbb E\,\lVert x_n - \mu_{c_n}\rVert^2 = \sum_k r_{nk}\,\lVert x_n - \mu_k\rVert^2 \;\ge\; \min_k \lVert x_n - \mu_k\rVert^2 ,
# $$
#
# an average is at least its smallest term, so on average dithering can only lower the PSNR. Before
# the next cell measures how much:

# %%
concept_question("13", 3)

# %%
K_D = 16
fit_d = fits["gmm", K_D]
labels_hard = nearest_colour(X, fit_d.colours)
resp_all = np.vstack([em.e_step(X[start:start + 65536], fit_d.gmm)[0] for start in range(0, N, 65536)])
labels_map = resp_all.argmax(axis=1)
labels_dith = dithered_labels(X, fit_d.gmm, rng=SEED)
X_hard, X_map, X_dith = (fit_d.colours[labels] for labels in (labels_hard, labels_map, labels_dith))
sq_to_colours = ((sample[:, None, :] - fit_d.colours[None]) ** 2).sum(axis=2)  # (4000, 16, 3) is small here
expected_mse = np.sum(em.e_step(sample, fit_d.gmm)[0] * sq_to_colours) / (3 * len(sample))
draws = [np.mean((sample - fit_d.colours[dithered_labels(sample, fit_d.gmm, rng=s)]) ** 2) for s in range(20)]
claims.close("sample: dithered MSE, mean of 20 draws vs sum_k r_nk ||x_n - mu_k||^2 / (3 x 4000)", np.mean(draws),
             expected_mse, rtol=0.02)
psnr_hard, psnr_map, psnr_dith = psnr(X, X_hard), psnr(X, X_map), psnr(X, X_dith)
claims.between(f"K = {K_D}: PSNR nearest colour minus PSNR dithered (dB)", psnr_hard - psnr_dith, 4.8, 5.8)
claims.between("  of which: nearest colour minus argmax r_nk (dB)", psnr_hard - psnr_map, 3.9, 4.9)
claims.between("  and argmax r_nk minus the draw from r_n (dB)", psnr_map - psnr_dith, 0.6, 1.2)
claims.between("MSE of the dithered image / MSE of the nearest-colour image", 10 ** ((psnr_hard - psnr_dith) / 10),
               3.0, 3.8)
claims.between("largest responsibility of a pixel: median", np.median(resp_all.max(axis=1)), 0.85, 0.93)
claims.between("share of pixels with a largest responsibility above 0.9", np.mean(resp_all.max(axis=1) > 0.9),
               0.42, 0.54)
_ = claims.between("share of pixels whose most responsible component is not their nearest colour",
                   np.mean(labels_map != labels_hard), 0.27, 0.37)

# %% [markdown]
# The dithered image is about 5 dB worse than the nearest colour: its MSE is multiplied by about 3.4
# (the Monte Carlo average on the sample matches the formula within 2%). Most of that is *not* the
# randomness. The responsibilities are mostly confident (the largest one has a median near 0.9), but the
# component they point at is often the wrong colour: for about a third of the pixels the most
# responsible component is not the nearest colour, because a broad component with a large weight wins
# the responsibility of pixels that lie closer to the mean of a narrow one (lesson 05: the most
# responsible component is not the nearest centre). Taking $\arg\max_k r_{nk}$ alone already loses about
# 4.4 dB; drawing from $r_n$ instead adds only about 0.9 dB more.
#
# Does the dither at least look better? Two crops at full resolution, one screen pixel per image pixel
# roughly: the sky and water right of the pagoda (rows 0 to 119, columns 260 to 419) and the pagoda's
# roofs (rows 100 to 199, columns 100 to 249), at $K = 16$:

# %%
crops = [(slice(0, 120), slice(260, 420)), (slice(100, 200), slice(100, 250))]
views = {"original": image, f"GMM palette, K = {K_D}: nearest colour": X_hard.reshape(H, W, 3),
         f"GMM palette, K = {K_D}: sampled from r (dither)": X_dith.reshape(H, W, 3)}
fig, axes = plt.subplots(2, 3, figsize=(15, 7.6), layout="constrained")
for row, (rows, cols) in enumerate(crops):
    for ax, (title, view) in zip(axes[row], views.items()):
        ax.imshow(view[rows, cols], interpolation="nearest",
                  extent=(cols.start - 0.5, cols.stop - 0.5, rows.stop - 0.5, rows.start - 0.5))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("column of the photograph (pixels)")
    axes[row, 0].set_ylabel("row (pixels)")
plt.show()

# %% [markdown]
# The nearest-colour image paints the sky in a few flat patches with hard edges; the dithered one
# breaks those edges into speckle but puts grainy noise everywhere, and on the roofs it strays to
# colours far from the pixel (green and grey specks on red and dark wood).
#
# ## 10. Does the dither look better? A blurred comparison
#
# To measure "look" honestly we compare the images after a Gaussian blur, roughly what the eye does at
# a distance (standard deviation 2 pixels), on the whole image and on a patch of sky (rows 0..89,
# columns 380..639); and we count the colours each uses in that patch.

# %%
def blur(view):
    return ndimage.gaussian_filter(view.reshape(H, W, 3), sigma=(2, 2, 0))


sky = (slice(0, 90), slice(380, 640))
original, hard, dith = (v.reshape(H, W, 3) for v in (X, X_hard, X_dith))
gap_raw = psnr(original[sky], hard[sky]) - psnr(original[sky], dith[sky])
gap_blur = psnr(blur(original)[sky], blur(hard)[sky]) - psnr(blur(original)[sky], blur(dith)[sky])
gap_blur_all = psnr(blur(original), blur(hard)) - psnr(blur(original), blur(dith))
claims.between("sky patch: PSNR nearest minus PSNR dithered (dB), unblurred", gap_raw, 1.5, 2.5)
claims.between("sky patch: PSNR nearest minus PSNR dithered (dB), both blurred", gap_blur, -0.7, -0.3)
claims.between("whole image: PSNR nearest minus PSNR dithered (dB), both blurred", gap_blur_all, 3.0, 3.8)
colours_used = [len(np.unique(v[sky].reshape(-1, 3), axis=0)) for v in (hard, dith)]
_ = claims.equal("sky patch: palette colours used, nearest vs dithered", colours_used, [1, 6])

# %% [markdown]
# An honest account, in three numbers. In the sky patch the nearest-colour rule paints everything in a
# single palette colour, and pixel by pixel it is still about 2 dB better than the dither, which uses 6.
# Blurred, the order flips: the dithered sky is about half a decibel *closer* to the blurred original,
# because its mixture of colours averages out towards the gradient, which one flat colour cannot
# follow. That is what a dither is for. But over the whole image the dithered version stays worse by
# about 3.4 dB even after blurring: in the busy parts (foliage, the pagoda) many pixels draw, or are
# most responsible to, a broad component whose mean is far from their colour, and a blur cannot undo
# a wrong average colour.
#
# Dithering methods built for images work differently. *Ordered* dithering adds a fixed pattern of
# thresholds (a small tiled matrix) to each pixel before taking the nearest colour, so neighbouring
# pixels of one flat colour alternate between the two nearest palette colours; nothing is passed on.
# *Error diffusion* (Floyd–Steinberg) visits the pixels in order, takes the nearest colour of the pixel
# plus the error carried over from its already-visited neighbours, and passes the new error on to the
# unvisited ones; the local average then follows the original, and a pixel can take a colour that is not
# among its own nearest. Neither needs a mixture model.
#
# ## 11. What the dither costs in time and in bytes

# %%
t_nearest = best_time(lambda: nearest_colour(X, fit_d.colours))
t_dither = best_time(lambda: dithered_labels(X, fit_d.gmm, rng=0))  # both: the best of 3 runs
bytes_hard = len(zlib.compress(labels_hard.astype(np.uint8).tobytes(), 9))
bytes_dith = len(zlib.compress(labels_dith.astype(np.uint8).tobytes(), 9))
claims.at_least("time of the dithered assignment / nearest colour (all pixels, K = 16, best of 3 each)",
                t_dither / t_nearest, 3.0)
claims.between("K = 16: zlib size of the nearest-colour index map, bits per pixel (fixed-length: 4)",
               8 * bytes_hard / N, 1.5, 2.0)
_ = claims.between("zlib size of the index map, dithered / nearest", bytes_dith / bytes_hard, 1.03, 1.2)

# %% [markdown]
# The dithered assignment needs the responsibilities: a log-density per pixel and colour, with each
# component's Cholesky factor, then a softmax and a random draw. It is several times slower than the
# single matrix product of the nearest-colour rule (the ratio of the best of three runs each is printed
# above: 7 to 10 in our runs). And the noise it adds is information a compressor has to
# store: the 16-colour index map, which zlib packs into about 1.8 bits per pixel instead of the 4 of a
# fixed-length code, grows by about 9% when dithered (the printed ratio). The fixed-length size
# $\log_2 K$ does not change; the real file does.

# %% [markdown]
# ## Summary
#
# - An image of $N$ pixels is $N$ points in $[0, 1]^3$; a palette is $K$ centres; quantising replaces
#   each pixel by its nearest colour, computed from $\lVert\mu_k\rVert^2 - 2x_n^\top\mu_k$ in blocks
#   (about 70 MB at $K = 64$, measured, instead of a 420 MB $(N, K, 3)$ array). With the image's own
#   colours as the palette it loses nothing.
# - PSNR $= 10\log_{10}(\text{peak}^2/\text{MSE})$ dB, infinite only for an identical image; 6 dB is a
#   factor 4 in MSE.
# - A palette image costs at most $\log_2 K + 24K/N$ bits per pixel with a fixed-length code; for this
#   photograph the palette's share is below 0.006 bits per pixel, and a coder that uses neighbouring
#   pixels, like zlib, needs less than half of $\log_2 K$.
# - Fitting on 4,000 of 273,280 pixels is enough: an iteration's cost is in proportion to the points
#   ($N/4000 = 68$; measured, at least 20 times less), and the 16-colour palette fitted on every pixel is
#   within 0.3 dB.
# - Each doubling of $K$ buys about 2 to 3 dB, close to the 2 dB of fine quantisation in three dimensions;
#   the k-means palette beats the GMM palette at every $K$, capped or converged, because k-means minimises
#   the squared error and EM maximises a likelihood. The GMM is the better model of the colours (about
#   1.4 nats more log-density per pixel at $K = 16$), not the better codebook.
# - Sampling each pixel's colour from its responsibilities dithers the image: in a smooth sky it follows
#   the gradient (blurred, it beats the nearest colour there by about half a decibel), but the whole image
#   loses about 5 dB of PSNR (3.4 dB even blurred), the assignment is several times slower and the index
#   map compresses worse. Most of the 5 dB is not the randomness: the most responsible component is often
#   a broad one whose mean is not the pixel's nearest colour (argmax $r_{nk}$ alone loses about 4.4 dB).
#
# **Exercises:** [exercises/13_colour_quantisation.ipynb](../exercises/13_colour_quantisation.ipynb) —
# write the PSNR and the nearest-colour rule, derive the size of palette images that share one palette,
# choose the smallest $K$ for a PSNR target on another photograph, and predict what a palette fitted on
# one photograph does to another.
