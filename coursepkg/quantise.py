"""Colour quantisation: a palette of K colours for an image, its cost in bits and its distortion in dB.

An image of N pixels is N points x_n in colour space (RGB in [0, 1]^3). A palette is K colours
mu_1, ..., mu_K (the rows of an array (K, 3)); the quantised image replaces each pixel by one palette
colour, so it is stored as N indices z_n in 0..K-1 plus the palette. This is vector quantisation, and
the palette is what k-means (or a Gaussian mixture) fits:

- `image_points(image)`: an (H, W, 3) image as N = H W points, floats in [0, 1];
- `nearest_colour(X, palette)`: z_n = argmin_k ||x_n - mu_k||^2, in blocks (no (N, K, 3) array);
- `quantise(X, palette)`: the indices and the quantised points mu_{z_n};
- `psnr(reference, approx, peak)`: 10 log10(peak^2 / MSE) in dB, infinite only for identical arrays;
- `bits_per_pixel(k, n_pixels)`: log2 K for an index plus the palette's 24 K bits shared by N pixels;
- `sample_pixels`, `fit_palette(X, k, method)`: a palette by k-means or by EM on a random sample of pixels;
- `dithered_labels(X, gmm, rng)`: each pixel's index drawn from its responsibilities r_nk (a dither).
"""

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import as_real_array, check_data, check_n_components, check_positive, check_positive_int, check_rng

METHODS = ("kmeans", "gmm")
BLOCK = 65536  # pixels per block in `nearest_colour` and `dithered_labels`: an (BLOCK, K) table at a time


def image_points(image):
    """An RGB image as one point per pixel: an array (H * W, 3) of floats in [0, 1], row by row.

    Parameters
    ----------
    image : array (H, W, 3), either uint8 (0..255, divided by 255) or floats in [0, 1]

    Returns
    -------
    X : array (H * W, 3), X[i * W + j] is the colour of pixel (i, j)
    """
    image = as_real_array(image, "image")
    if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"image must be an array of shape (height, width, 3) (RGB); got shape {image.shape}.")
    if image.dtype == np.uint8:
        return image.reshape(-1, 3).astype(float) / 255.0
    X = image.reshape(-1, 3).astype(float)
    if not np.all(np.isfinite(X)):
        raise ValueError("image must contain only finite numbers (uint8 values or floats in [0, 1]).")
    if X.min() < 0 or X.max() > 1:
        raise ValueError(
            "image must hold uint8 values or floats in [0, 1]; got values from "
            f"{X.min():.4g} to {X.max():.4g}. Divide 0..255 values by 255."
        )
    return X


def check_palette(palette, d, name="palette"):
    """Return the palette as a finite float array (K, d), K >= 1, or raise ValueError naming `name`."""
    palette = as_real_array(palette, name)
    if palette.ndim != 2 or palette.shape[0] < 1 or palette.shape[1] != d:
        raise ValueError(f"{name} must be an array of shape (k, {d}), one colour per row; got shape {palette.shape}.")
    palette = palette.astype(float)
    if not np.all(np.isfinite(palette)):
        raise ValueError(f"{name} must contain only finite numbers.")
    return palette


def nearest_colour(X, palette, block=BLOCK):
    """The index of the nearest palette colour of each point: z_n = argmin_k ||x_n - mu_k||^2.

    The squared distances come from ||x||^2 - 2 x . mu + ||mu||^2 for `block` points at a time, so the
    largest temporary array is (block, K), never (N, K, d). Ties go to the lowest index.

    Parameters
    ----------
    X : array (N, d), the points (pixels)
    palette : array (K, d), the colours
    block : int >= 1, default 65536, points per block

    Returns
    -------
    labels : int array (N,), values in 0..K-1
    """
    X = check_data(X)
    palette = check_palette(palette, X.shape[1])
    block = check_positive_int(block, "block")
    sq_palette = np.sum(palette**2, axis=1)
    labels = np.empty(X.shape[0], dtype=np.intp)
    for start in range(0, X.shape[0], block):
        part = X[start:start + block]
        # ||x||^2 is the same for every colour, so it does not change the argmin: leave it out
        labels[start:start + block] = np.argmin(sq_palette[None, :] - 2.0 * part @ palette.T, axis=1)
    return labels


def quantise(X, palette, block=BLOCK):
    """Replace each point by its nearest palette colour.

    Parameters
    ----------
    X : array (N, d)
    palette : array (K, d)
    block : int >= 1, passed to `nearest_colour`

    Returns
    -------
    labels : int array (N,), the index z_n of each point's colour
    quantised : array (N, d), palette[labels]
    """
    labels = nearest_colour(X, palette, block)
    return labels, check_palette(palette, np.shape(X)[1])[labels]


def psnr(reference, approx, peak=1.0):
    """Peak signal-to-noise ratio in dB: 10 log10(peak^2 / MSE), MSE the mean squared difference.

    The mean runs over every entry (pixels and channels). Identical arrays have MSE = 0 and an
    infinite PSNR; any difference gives a finite value, smaller the larger the MSE. The MSE is computed
    as scale^2 * mean((difference / scale)^2) with scale the largest absolute difference, in log form,
    so a difference as small as the smallest float still gives a finite PSNR.

    Parameters
    ----------
    reference, approx : arrays of the same shape (an image (H, W, 3) or its points (N, 3)), finite
    peak : float > 0, default 1.0, the largest possible value (1 for colours in [0, 1], 255 for uint8)

    Returns
    -------
    float, in dB (``inf`` when the arrays are equal)
    """
    reference = np.asarray(as_real_array(reference, "reference"), dtype=float)
    approx = np.asarray(as_real_array(approx, "approx"), dtype=float)
    if reference.shape != approx.shape:
        raise ValueError(f"approx must have the shape of reference, {reference.shape}; got {approx.shape}.")
    if reference.size == 0:
        raise ValueError("reference must hold at least one value; got an empty array.")
    for name, a in (("reference", reference), ("approx", approx)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must contain only finite numbers.")
    peak = check_positive(peak, "peak", "the largest possible value; 1 for colours in [0, 1]")
    with np.errstate(over="ignore"):
        diff = np.abs(reference - approx)
    # scale by the largest difference before squaring: MSE = scale^2 mean((diff / scale)^2), and the mean
    # lies in [1 / size, 1], so neither tiny differences (squares that underflow to 0) nor large ones
    # (squares that overflow) can make a differing pair look identical or give a NaN
    log_factor = 0.0  # the differences are 2^log_factor * diff
    if not np.all(np.isfinite(diff)):  # the difference of two finite numbers overflowed: take it in halves
        diff = np.abs(reference / 2 - approx / 2)
        log_factor = 1.0
    scale = float(diff.max())
    if scale == 0.0:
        return float("inf")
    relative = float(np.mean((diff / scale) ** 2))
    log10_scale = np.log10(scale) + log_factor * np.log10(2.0)
    return float(20.0 * np.log10(peak) - 20.0 * log10_scale - 10.0 * np.log10(relative))


def bits_per_pixel(k, n_pixels, bits_per_colour=24):
    """The size of a K-colour palette image, in bits per pixel: log2 K + bits_per_colour * K / N.

    Each pixel stores an index into the palette: log2 K bits (a fixed-length code needs ceil(log2 K),
    the same when K is a power of 2). The palette itself, K colours of `bits_per_colour` bits (three
    8-bit channels: 24), is stored once and shared by the N pixels.

    Parameters
    ----------
    k : int >= 1, the number of colours
    n_pixels : int >= 1, N
    bits_per_colour : int >= 1, default 24

    Returns
    -------
    float, bits per pixel (a true-colour image costs 24)
    """
    k = check_n_components(k, name="k")
    n_pixels = check_positive_int(n_pixels, "n_pixels")
    bits_per_colour = check_positive_int(bits_per_colour, "bits_per_colour")
    return float(np.log2(k) + bits_per_colour * k / n_pixels)


def sample_pixels(X, n_sample, rng=None):
    """`n_sample` distinct rows of X drawn uniformly at random (all of X, shuffled, if n_sample >= N).

    Returns
    -------
    sample : array (min(n_sample, N), d)
    """
    X = check_data(X)
    n_sample = check_positive_int(n_sample, "n_sample")
    rng = check_rng(rng)
    index = rng.choice(X.shape[0], size=min(n_sample, X.shape[0]), replace=False)
    return X[index]


@dataclass(frozen=True)
class PaletteFit:
    """A fitted palette.

    Attributes
    ----------
    colours : array (K, d), the palette: k-means centres or the mixture's means
    method : "kmeans" or "gmm"
    gmm : the fitted coursepkg.mixture.GMM (method "gmm"), else None
    n_sample : int, how many pixels it was fitted on
    n_iter : int, iterations of Lloyd's algorithm or of EM
    """

    colours: np.ndarray
    method: str
    gmm: object
    n_sample: int
    n_iter: int


def fit_palette(X, k, method="kmeans", n_sample=4000, rng=None, max_iter=100, tol=1e-4):
    """Fit a K-colour palette on a random sample of the pixels, by k-means or by EM for a GMM.

    The palette is then used for every pixel (`quantise`): fitting costs time in proportion to the
    sample size per iteration, assigning is one pass over all pixels.

    Parameters
    ----------
    X : array (N, d), the pixels
    k : int, 1 <= k <= the sample size
    method : "kmeans" (Lloyd with k-means++ seeding, `coursepkg.kmeans.kmeans`) or "gmm" (EM with full
        covariances started from k-means++, `coursepkg.em.fit_em`; the palette is its means)
    n_sample : int >= 1, default 4000, pixels drawn without replacement (all pixels if N is smaller)
    rng : None, int or numpy.random.Generator, the randomness of the sample and of the seeding
    max_iter : int >= 1, default 100, the most iterations
    tol : float >= 0, default 1e-4, EM's stopping tolerance on the per-pixel log-likelihood gain (nats);
        Lloyd's algorithm stops when no label changes

    Returns
    -------
    PaletteFit
    """
    from .em import fit_em
    from .kmeans import kmeans

    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}.")
    rng = check_rng(rng)
    sample = sample_pixels(X, n_sample, rng)
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise ValueError(f"k must be a positive integer (the number of colours); got {k!r}.")
    k = check_n_components(k, sample.shape[0], name="k")
    if method == "kmeans":
        result = kmeans(sample, k, rng=rng, max_iter=max_iter)
        return PaletteFit(result.centers, method, None, sample.shape[0], result.n_iter)
    result = fit_em(sample, k, max_iter=max_iter, tol=tol, rng=rng)
    return PaletteFit(result.gmm.means, method, result.gmm, sample.shape[0], result.n_iter)


def dithered_labels(X, gmm, rng=None, block=BLOCK):
    """Draw each pixel's palette index from its responsibilities: z_n ~ Categorical(r_n1, ..., r_nK).

    A pixel whose responsibility is shared between two components takes each colour in proportion to
    its responsibility, so a region that the nearest-colour rule paints in one flat colour gets a mixture
    (a dither). The proportions follow the mixture, not the distances alone: a pixel halfway between two
    palette colours takes each about half of the time only when the two components have equal weights
    and covariances, and in general the expected colour sum_k r_nk mu_k is not the pixel's colour.
    The responsibilities are the E-step's (`coursepkg.em.e_step`), computed `block` pixels at a time.

    Parameters
    ----------
    X : array (N, d)
    gmm : coursepkg.mixture.GMM in d dimensions; its means are the palette
    rng : None, int or numpy.random.Generator
    block : int >= 1, default 65536

    Returns
    -------
    labels : int array (N,), values in 0..K-1
    """
    from .em import e_step
    from .mixture import GMM

    X = check_data(X)
    if not isinstance(gmm, GMM):
        raise ValueError(f"gmm must be a coursepkg.mixture.GMM; got {type(gmm).__name__}.")
    if gmm.d != X.shape[1]:
        raise ValueError(f"X must have shape (n, {gmm.d}) to match gmm; got {X.shape}.")
    rng = check_rng(rng)
    block = check_positive_int(block, "block")
    labels = np.empty(X.shape[0], dtype=np.intp)
    for start in range(0, X.shape[0], block):
        resp, _ = e_step(X[start:start + block], gmm)
        u = rng.random(resp.shape[0])
        # inverse-CDF sampling: the first k whose cumulative responsibility exceeds u
        chosen = np.sum(np.cumsum(resp, axis=1) <= u[:, None], axis=1)
        labels[start:start + block] = np.minimum(chosen, gmm.k - 1)
    return labels
