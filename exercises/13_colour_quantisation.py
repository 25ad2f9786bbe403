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
# # Exercises 13 — Colour quantisation: distortion, size, and which palette
#
# A palette image replaces each pixel of a photograph by one of $K$ colours. In these exercises you
# measure what that costs and decide how many colours to pay for:
#
# 1. `psnr(reference, approx)`: the distortion in decibels,
# 2. `nearest_colour(X, palette)`: the index of each pixel's nearest palette colour,
# 3. `bits_per_pixel(k, n_pixels, n_images)`: the size of several images that share one palette, derived,
# 4. the smallest $K$ that reaches a PSNR target on another photograph, decided and then measured by the check,
# 5. what a palette fitted on one photograph costs another: predicted, then measured.
#
# **Difficulty and time.** Each heading gives the points, the difficulty (★☆☆ warm-up, ★★☆ standard,
# ★★★ challenging), the time a student typically needs, and the kind of task: *implement* (turn a
# formula into code), *derive* (work out a formula the lesson did not spell out, then compute it),
# *predict* (commit to an answer, then measure it) or *decide* (choose something and let the check test
# that it does what you claim). Altogether about 75 minutes.
#
# **How to work.** Write your code in each cell marked `YOUR CODE HERE` (delete the
# `raise NotImplementedError` line), then run the check cell right below it. A check prints
# `✓ ... checks passed` or tells you what looks wrong and what the likely mistake is. Run the
# setup cell first. Use numpy; the checks notice if you call the `coursepkg.quantise` function you are
# asked to write (you may use `coursepkg.kmeans.kmeans` and `coursepkg.em.fit_em` to fit palettes).
#
# The lesson these exercises follow: [13 — Colour quantisation](../notebooks/13_colour_quantisation.ipynb).
# Notation: the pixels are the rows $x_n$ of `X` `(n, 3)`, RGB in $[0, 1]$; the palette's colours are the
# rows $\mu_k$ of `palette` `(K, 3)`, counted from 0 in Python.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import numpy as np
from sklearn.datasets import load_sample_image

from coursepkg.checks import lesson13 as checks
from coursepkg.em import fit_em
from coursepkg.kmeans import kmeans

image = load_sample_image("china.jpg")  # 427 x 640 pixels, CC BY 2.0, danielbuechele (scikit-learn's sample)
X = image.reshape(-1, 3) / 255.0  # one row per pixel, RGB in [0, 1]
flower = load_sample_image("flower.jpg")  # scikit-learn's other sample photograph, also 427 x 640 (CC BY 2.0)
X_flower = flower.reshape(-1, 3) / 255.0
rng = np.random.default_rng(13)
sample = X[rng.choice(len(X), size=4000, replace=False)]  # palettes of china.jpg are fitted on these 4000 pixels
sample_flower = X_flower[rng.choice(len(X_flower), size=4000, replace=False)]  # and those of flower.jpg on these
print(f"X: {X.shape}; X_flower: {X_flower.shape}; samples: {sample.shape}, {sample_flower.shape}")

# %% [markdown]
# ## Exercise 1 — The PSNR (1 point · ★☆☆ · about 10 min · implement)
#
# For colours in $[0, 1]$ the peak value is 1, and
#
# $$\text{PSNR} = 10 \log_{10} \frac{1}{\text{MSE}} \ \text{dB}, \qquad
# \text{MSE} = \text{the mean of the squared differences over all entries (pixels and channels)}.$$
#
# Write `psnr(reference, approx)` for two arrays of the same shape (an image `(H, W, 3)` or its pixels
# `(n, 3)`), returning a float. Two identical arrays have MSE $= 0$: what should the PSNR be then, and
# how do you return it without a division by zero?

# %% nbgrader={"grade": false, "grade_id": "ex1_solution", "locked": false, "schema_version": 3, "solution": true}
def psnr(reference, approx):
    """10 log10(1 / MSE) in dB for two arrays of colours in [0, 1]; inf when they are identical."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex1: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
checks.check_psnr(psnr)


# %% [markdown]
# ## Exercise 2 — Every pixel takes its nearest colour (2 points · ★★☆ · about 20 min · implement)
#
# Write `nearest_colour(X, palette)` returning an integer array of shape `(n,)`: for each pixel the
# index $z_n = \arg\min_k \lVert x_n - \mu_k \rVert^2$ of its nearest palette colour.
#
# The check runs your function on up to 50,000 pixels and 300 colours, and compares the squared distance
# of the colour you chose with the smallest one (so ties may go either way).

# %% nbgrader={"grade": false, "grade_id": "ex2_solution", "locked": false, "schema_version": 3, "solution": true}
def nearest_colour(X, palette):
    """The index of the nearest palette colour for each pixel: X (n, 3), palette (K, 3) -> int array (n,)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex2: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex2_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_nearest_colour(nearest_colour)

# %% [markdown]
# With your two functions (not graded): an 8-colour k-means palette fitted on the sample, applied to every
# pixel.

# %%
try:
    palette_8 = kmeans(sample, 8, rng=0).centers
    print(f"K = 8, k-means palette: PSNR {psnr(X, palette_8[nearest_colour(X, palette_8)]):.2f} dB")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## Exercise 3 — One palette for several images (2 points · ★★☆ · about 15 min · derive)
#
# The lesson priced one image with $K$ a power of two. Now a set of `n_images` images of `n_pixels`
# pixels each (the frames of a short animation, say) is stored with **one** palette of $K$ colours
# (three 8-bit channels each), written once for the whole set, and one fixed-length index per pixel;
# $K$ is any whole number from 1 up, not necessarily a power of two.
#
# **Derive** the size of this set in bits per pixel, averaged over all the pixels of all the images,
# and write `bits_per_pixel(k, n_pixels, n_images)` returning it. Think about how many bits a
# fixed-length index needs when $K$ is, say, 10 or 100. (The check tries several $K$, image sizes and
# numbers of images.)

# %% nbgrader={"grade": false, "grade_id": "ex3_solution", "locked": false, "schema_version": 3, "solution": true}
def bits_per_pixel(k, n_pixels, n_images):
    """Bits per pixel of n_images images of n_pixels pixels sharing one K-colour palette (any K >= 1)."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex3: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex3_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_bits_per_pixel(bits_per_pixel)


# %% [markdown]
# ## Exercise 4 — The smallest K for 28.5 dB, on another photograph (2 points · ★★☆ · about 15 min · decide)
#
# You must store scikit-learn's other sample photograph, `flower.jpg` (`X_flower`, the same size as
# china.jpg), as a palette image with a PSNR of at least **28.5 dB**, in as few bits as possible. The
# candidates are $K = 2, 4, 8, 16, 32, 64$, with k-means palettes fitted on the 4000-pixel
# `sample_flower` and every pixel of `X_flower` given its nearest colour. The lesson's numbers are for
# china.jpg; a different photograph has a different cloud of colours.
#
# **Decide** which $K$ to use, with your own measurements (your `kmeans` fits and your functions of
# exercises 1 and 2), and write `smallest_k()` returning it. The check fits its own k-means palette
# (scikit-learn's, on its own sample of flower.jpg) for your $K$ and for $K/2$, and measures both: yours
# must reach 28.5 dB and the next smaller one must not.

# %% nbgrader={"grade": false, "grade_id": "ex4_solution", "locked": false, "schema_version": 3, "solution": true}
def smallest_k():
    """The smallest K in (2, 4, 8, 16, 32, 64) whose k-means palette reaches 28.5 dB on flower.jpg."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex4: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex4_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_smallest_k(smallest_k)

# %% [markdown]
# ## Exercise 5 — A borrowed palette (2 points · ★★☆ · about 15 min · predict)
#
# Fit a 16-colour k-means palette on china.jpg and use it, unchanged, for flower.jpg (every pixel of
# flower.jpg takes its nearest colour in china's palette). Compared with flower.jpg's own 16-colour
# k-means palette, how much PSNR does flower.jpg lose? **Predict** it before you measure anything:
# `"small"` (under 1 dB), `"moderate"` (1 to 5 dB) or `"large"` (over 5 dB), and write
# `predicted_loss()` returning your choice. The check measures both palettes with scikit-learn's `KMeans`; the cell after it
# measures them with your functions.

# %% nbgrader={"grade": false, "grade_id": "ex5_solution", "locked": false, "schema_version": 3, "solution": true}
def predicted_loss():
    """Your prediction of flower.jpg's loss with china.jpg's 16 colours: "small", "moderate" or "large"."""
    # YOUR CODE HERE
    raise NotImplementedError("Exercise ex5: write your code here, then run the check cell below")


# %% nbgrader={"grade": true, "grade_id": "ex5_check", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_predicted_loss(predicted_loss)

# %% [markdown]
# The measurement with your functions (not graded):

# %%
try:
    own = kmeans(sample_flower, 16, rng=0).centers
    borrowed = kmeans(sample, 16, rng=0).centers
    for name, palette in (("its own", own), ("china.jpg's", borrowed)):
        print(f"flower.jpg with {name} 16 colours: PSNR {psnr(X_flower, palette[nearest_colour(X_flower, palette)]):.2f} dB")
except NotImplementedError:
    print("Finish exercises 1 and 2 first.")

# %% [markdown]
# ## What you practised
#
# - **Measuring distortion** (exercise 1): turning a mean squared error into decibels and handling the
#   case where nothing was lost. Reread lesson 13, section 3.
# - **Vectorising a nearest-centre search** (exercise 2): replacing a loop or a large broadcast by a
#   matrix product, and knowing which terms can be dropped without changing an argmin. Reread section 2.
# - **Counting bits** (exercise 3): pricing a file from what it stores, a whole number of bits per code
#   and a shared part spread over everything that shares it. Reread section 4.
# - **Deciding with a budget** (exercise 4): measuring the candidates on the data at hand rather than
#   carrying numbers over from another data set, and picking the cheapest that meets a target. Reread
#   section 6.
# - **Predicting from the geometry of the data** (exercise 5): reasoning about where a fitted model puts
#   its centres, before measuring how well it transfers. Reread section 1.
