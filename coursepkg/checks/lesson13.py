"""Checks for the exercises of lesson 13 (colour quantisation).

The references are independent of what the student writes: the PSNR from the mean squared error by
numpy, the nearest colour from scikit-learn's `pairwise_distances_argmin`, the size of palette images
sharing one palette from the count of bits (math.ceil of log2 K per index, 24 K bits once), the palettes of
exercises 4 and 5 fitted by scikit-learn's `KMeans` on samples of the photographs drawn by the check itself.
A wrong answer is compared with what the usual mistakes give: a natural logarithm, 20 log10 of the MSE, the
MSE summed or taken per pixel, a peak of 255, the farthest colour, colours instead of indices, an index of
log2 K bits for K not a power of two, a palette counted per image, per pixel or in bytes.
"""

import math

import numpy as np

from ._core import Exercise, answer_value, cases_for, exercise_check, forbid

TARGET_DB = 28.5  # exercise 4: the PSNR target, on flower.jpg
CANDIDATES = (2, 4, 8, 16, 32, 64)
SAMPLE_SIZE = 4000
TRANSFER_K = 16  # exercise 5: the palette size
TRANSFER_CHOICES = {"small": (-np.inf, 1.0), "moderate": (1.0, 5.0), "large": (5.0, np.inf)}  # loss in dB


def _load(name):
    from sklearn.datasets import load_sample_image

    return load_sample_image(name)


IMAGE = _load("china.jpg")  # 427 x 640 x 3 bytes, scikit-learn's sample photograph (CC BY 2.0, danielbuechele)
X_IMAGE = IMAGE.reshape(-1, 3) / 255.0
X_FLOWER = _load("flower.jpg").reshape(-1, 3) / 255.0  # scikit-learn's other sample (CC BY 2.0, Phil Roeder)


def _sample(seed, X=None):
    X = X_IMAGE if X is None else X
    rng = np.random.default_rng(seed)
    return X[rng.choice(X.shape[0], size=SAMPLE_SIZE, replace=False)]


def _psnr(a, b):
    mse = float(np.mean((np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) ** 2))
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))


def _quantised_psnr(palette, X=None):
    """PSNR of a whole photograph (default china.jpg) quantised to `palette` by scikit-learn's search."""
    from sklearn.metrics import pairwise_distances_argmin

    X = X_IMAGE if X is None else X
    return _psnr(X, palette[pairwise_distances_argmin(X, palette)])


def _kmeans_palette(k, X=None, seed=0):
    """scikit-learn's k-means palette of K colours on the check's own 4000-pixel sample of X."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return KMeans(k, n_init=1, random_state=seed).fit(_sample(1313, X)).cluster_centers_


# ---------------------------------------------------------------- exercise 1: PSNR


def _psnr_cases(hidden):
    rng = np.random.default_rng(13)
    crop = X_IMAGE[:2000]
    noisy = np.clip(crop + rng.normal(scale=0.05, size=crop.shape), 0, 1)
    small = rng.random((5, 3))
    visible = [
        (crop, noisy, "2000 pixels of the photograph and a noisy copy (noise s.d. 0.05)"),
        (small, small * 0.9, "five colours and the same colours 10% darker"),
        (crop, crop.copy(), "two identical images (the PSNR must be infinite)"),
    ]
    hidden_extra = [
        (IMAGE / 255.0, np.round(IMAGE / 255.0 * 15) / 15,
         "the whole photograph as (427, 640, 3), 16 levels per channel"),
        (np.zeros((4, 3)), np.eye(4, 3), "a single entry off by 1 in each of three pixels"),
        (np.full((2, 3), 0.5), np.full((2, 3), 0.5) + np.array([[1e-6, 0, 0], [0, 0, 0]]),
         "a difference of 1e-6 in one entry"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_psnr(student_psnr, hidden=False):
    """psnr(reference, approx) -> 10 log10(1 / MSE) in dB for colours in [0, 1]; inf for identical arrays."""
    from .. import quantise

    ex = Exercise("psnr")
    forbid(ex, student_psnr, [quantise.psnr])
    for reference, approx, case in _psnr_cases(hidden):
        raw = ex.call(student_psnr, reference, approx, case=case)
        mse = float(np.mean((reference - approx) ** 2))
        if mse == 0:
            try:
                value = float(raw)
            except (TypeError, ValueError):
                ex.fail(f"on {case} your function returned {raw!r}; it should return a number (inf).", "not_a_number")
            if np.isnan(value):
                ex.fail(
                    f"on {case} your PSNR is NaN. Identical images have MSE = 0 and 1/0 is infinite: return "
                    "float('inf') when the MSE is 0.",
                    "identical_nan",
                )
            ex.expect(
                value == np.inf,
                f"on {case} your PSNR is {value:.4g}, but identical images have MSE = 0 and an infinite PSNR "
                "(1/MSE has no bound). Return float('inf') when the MSE is 0, not a cap or a small epsilon.",
                "identical_not_inf",
            )
            continue
        value = ex.number(raw, f"your PSNR on {case}")
        want = 10 * np.log10(1.0 / mse)
        if ex.agrees(value, want, rtol=1e-9, atol=1e-9):
            continue
        n_values = np.size(reference)
        wrong = [
            (want * np.log(10), "you used the natural logarithm; the decibel is 10 log10", "natural_log"),
            (2 * want, "that is 20 log10(1 / MSE); with the MSE (a squared error) the factor is 10", "twenty"),
            (want / 2, "you used the root mean square error in 10 log10(1 / ...): either 10 log10(1 / MSE) or "
                       "20 log10(1 / RMSE)", "rmse"),
            (want - 10 * np.log10(n_values), "you summed the squared differences; the MSE is their mean over "
                                             "all entries", "sum_not_mean"),
            (want - 10 * np.log10(3), "you took the mean over pixels of the squared distance summed over the "
                                      "three channels; the MSE is the mean over all entries (pixels and channels)",
             "per_pixel_sum"),
            (want + 20 * np.log10(255), "you used a peak of 255; these colours are in [0, 1], so the peak is 1",
             "peak_255"),
            (-want, "the sign is flipped: PSNR = 10 log10(peak^2 / MSE), larger for smaller errors", "sign"),
        ]
        ex.name_mistake(value, wrong, f"on {case} your PSNR is {value:.4f} dB, the reference {want:.4f} dB", rtol=1e-6,
                        atol=1e-6)
        ex.fail(f"on {case} your PSNR is {value:.6g} dB; 10 log10(1 / MSE) is {want:.6g} dB.")
    ex.passed("including identical images (infinite PSNR)" + (" and a whole (427, 640, 3) image" if hidden else ""))


# ---------------------------------------------------------------- exercise 2: nearest colour


def _nearest_cases(hidden):
    rng = np.random.default_rng(21)
    pixels = _sample(2121)[:3000]
    own = np.unique(np.round(pixels[:200] * 255), axis=0) / 255
    visible = [
        (pixels, rng.random((8, 3)), "3000 pixels, a random palette of 8 colours"),
        (np.round(pixels[:200] * 255) / 255, own, "200 pixels and their own distinct colours as the palette"),
        (pixels[:50], rng.random((1, 3)), "K = 1 (every index must be 0)"),
    ]
    hidden_extra = [
        (X_IMAGE[:50000], rng.random((64, 3)), "50,000 pixels and 64 colours"),
        (pixels[:10], rng.random((300, 3)), "more colours (300) than pixels (10)"),
    ]
    return cases_for(visible, hidden_extra, hidden)


@exercise_check
def check_nearest_colour(student_nearest, hidden=False):
    """nearest_colour(X, palette) -> int array (n,): the index of each pixel's nearest palette colour."""
    from sklearn.metrics import pairwise_distances_argmin

    from .. import kmeans, quantise

    ex = Exercise("nearest_colour")
    forbid(ex, student_nearest, [quantise.nearest_colour, quantise.quantise, kmeans.assign, pairwise_distances_argmin])
    for X, palette, case in _nearest_cases(hidden):
        n, k = X.shape[0], palette.shape[0]
        raw = ex.call(student_nearest, X, palette, case=case)
        try:
            got = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            ex.fail(f"on {case} your function returned {type(raw).__name__}; return an array of n indices.",
                    "not_an_array")
        if got.shape == (n, X.shape[1]):
            ex.fail(
                f"on {case} you returned an array of shape {got.shape}: the colours themselves. Return the index "
                "z_n of each pixel's colour (shape (n,)); the quantised image is then palette[z].",
                "colours_not_labels",
            )
        if got.shape == (k,) and k != n:
            ex.fail(
                f"on {case} you returned {k} values, one per palette colour: take the argmin over the colours "
                "(one index per pixel), not over the pixels.",
                "wrong_axis",
            )
        if got.shape != (n,):
            ex.fail(f"on {case} your result has shape {got.shape}; expected ({n},), one index per pixel.",
                    "wrong_shape")
        ex.expect(
            bool(np.all(np.isfinite(got)) and np.all(got == np.round(got))),
            f"on {case} your indices are not whole numbers; return integer indices 0..K-1.",
            "not_integers",
        )
        sq = ((X[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2)  # small enough for the check's cases
        if np.all((got >= 1) & (got <= k)) and k > 1:
            shifted = got.astype(int) - 1
            if np.allclose(sq[np.arange(n), shifted], sq.min(axis=1), atol=1e-12):
                ex.fail(f"on {case} your indices are 1 too large: Python counts the colours from 0.", "one_based")
        ex.expect(
            bool(np.all((got >= 0) & (got < k))),
            f"on {case} some of your indices are outside 0..{k - 1}.",
            "out_of_range",
        )
        labels = got.astype(int)
        if ex.agrees(sq[np.arange(n), labels], sq.min(axis=1), rtol=0, atol=1e-12):
            continue
        want = pairwise_distances_argmin(X, palette)
        l1 = np.abs(X[:, None, :] - palette[None, :, :]).sum(axis=2).argmin(axis=1)
        if k > 1 and np.array_equal(labels, sq.argmax(axis=1)):
            ex.fail(f"on {case} you picked the farthest colour of every pixel (argmax); the nearest is the argmin.",
                    "argmax")
        if np.array_equal(labels, l1):
            ex.fail(
                f"on {case} your indices minimise the sum of absolute differences (L1); the squared error that "
                "PSNR measures is minimised by the nearest colour in Euclidean distance.",
                "l1",
            )
        wrong_pixels = int(np.sum(sq[np.arange(n), labels] > sq.min(axis=1) + 1e-12))
        first = int(np.argmax(sq[np.arange(n), labels] > sq.min(axis=1) + 1e-12))
        ex.fail(
            f"on {case} {wrong_pixels} of {n} pixels do not get their nearest colour; e.g. pixel {first} gets "
            f"{labels[first]}, its nearest is {want[first]}. If you expanded ||x - mu||^2, check the sign of "
            "-2 x . mu and that you add ||mu||^2 per colour (a row vector), not per pixel.",
        )
    ex.passed("including a palette of the pixels' own colours" + (" and 50,000 pixels x 64 colours" if hidden else ""))


# ---------------------------------------------------------------- exercise 3: images sharing one palette


BPP_CASES = [(16, 273280, 1), (10, 1000, 1), (100, 4096, 5), (3, 100, 2)]
BPP_HIDDEN = [(1000, 500, 4), (64, 64 * 64, 10), (5, 10, 1)]


def _index_bits(k):
    """The bits of a fixed-length index into k colours, counted exactly: the smallest b with 2**b >= k."""
    return math.ceil(math.log2(k)) if k > 1 else 0


@exercise_check
def check_bits_per_pixel(student_bpp, hidden=False):
    """bits_per_pixel(k, n_pixels, n_images) -> ceil(log2 k) + 24 k / (n_images n_pixels)."""
    from .. import quantise

    ex = Exercise("bits_per_pixel")
    forbid(ex, student_bpp, [quantise.bits_per_pixel])
    for k, n, m in cases_for(BPP_CASES, BPP_HIDDEN, hidden):
        case = f"K = {k}, N = {n} pixels per image, {m} image{'s' if m > 1 else ''}"
        value = ex.number(ex.call(student_bpp, k, n, m, case=case), f"your bits per pixel for {case}")
        bits = _index_bits(k)
        want = bits + 24 * k / (m * n)
        if ex.agrees(value, want, rtol=1e-9, atol=1e-12):
            continue
        wrong = [
            (np.log2(k) + 24 * k / (m * n), "a fixed-length index has a whole number of bits: log2 K rounded up "
                                            f"(here {bits}), not log2 K itself", "no_ceil"),
            (math.floor(np.log2(k)) + 24 * k / (m * n), "rounding log2 K down leaves too few codes for K colours: "
                                                        "round it up", "floor"),
            (k.bit_length() + 24 * k / (m * n), "k.bit_length() counts the bits of the number K itself; the indices "
                                                "run from 0 to K - 1 and need ceil(log2 K) bits", "bit_length"),
            (bits + 24 * k / n, "the palette is stored once for all the images, so its 24 K bits are shared by "
                                "all n_images x n_pixels pixels, not by one image's", "palette_per_image"),
            (bits + 24 * k * m / n, "the palette is stored once, not once per image", "palette_times_images"),
            (bits, "you left out the palette: the decoder needs its K colours of 24 bits", "no_palette"),
            (bits + 24, "you charged every pixel a full 24-bit colour; the palette is stored once, 24 K bits",
             "palette_per_pixel"),
            (bits + 3 * k / (m * n), "you counted the palette in bytes (3 per colour); the answer is in bits",
             "palette_bytes"),
            (bits + 8 * k / (m * n), "a colour has three 8-bit channels: 24 bits, not 8", "one_channel"),
            (k + 24 * k / (m * n), "an index into K colours needs ceil(log2 K) bits, not K (a one-hot code)",
             "k_bits"),
            (m * n * bits + 24 * k, "that is the whole file in bits; divide by the number of pixels", "total_bits"),
        ]
        ex.name_mistake(value, wrong, f"for {case} your answer is {value:.6g}, the reference {want:.6g}", rtol=1e-9,
                        atol=1e-12)
        ex.fail(f"for {case} your answer is {value:.6g} bits per pixel; count the index bits and the palette's share.")
    ex.passed("a whole number of bits per index, and one palette shared by every pixel of every image")


# ---------------------------------------------------------------- exercise 4: decide K for a PSNR target


@exercise_check
def check_smallest_k(answer):
    """The smallest K in CANDIDATES whose k-means palette (fitted on 4000 pixels) reaches TARGET_DB on flower.jpg."""
    ex = Exercise("smallest_k")
    value = answer_value(ex, answer, "smallest_k()")
    if value not in CANDIDATES:
        ex.fail(f"your K = {value:g} is not one of the candidates {CANDIDATES}.", "not_a_candidate")
    k = int(value)
    reached = _quantised_psnr(_kmeans_palette(k, X_FLOWER), X_FLOWER)
    if not ex.holds(reached >= TARGET_DB):
        ex.fail(
            f"on flower.jpg, with K = {k} a k-means palette reaches {reached:.2f} dB, below the target "
            f"{TARGET_DB} dB: choose a larger K.",
            "too_small",
        )
    if k > CANDIDATES[0]:
        smaller = _quantised_psnr(_kmeans_palette(k // 2, X_FLOWER), X_FLOWER)
        if not ex.holds(smaller < TARGET_DB):
            ex.fail(
                f"K = {k // 2} already reaches {smaller:.2f} dB (target {TARGET_DB} dB) and costs one bit per pixel "
                f"less: K = {k} is not the smallest.",
                "not_smallest",
            )
    bpp = np.log2(k) + 24 * k / X_FLOWER.shape[0]
    ex.passed(f"K = {k} reaches {reached:.2f} dB (K = {k // 2} does not) at {bpp:.4f} bits per pixel")


# ---------------------------------------------------------------- exercise 5: predict what a borrowed palette costs


def _transfer_loss():
    """PSNR of flower.jpg with its own 16-colour k-means palette minus with china.jpg's, in dB."""
    own = _quantised_psnr(_kmeans_palette(TRANSFER_K, X_FLOWER), X_FLOWER)
    borrowed = _quantised_psnr(_kmeans_palette(TRANSFER_K, X_IMAGE), X_FLOWER)
    return own, borrowed


@exercise_check
def check_predicted_loss(prediction):
    """The predicted loss of flower.jpg quantised with china.jpg's 16-colour palette: "small" (under 1 dB),
    "moderate" (1 to 5 dB) or "large" (over 5 dB), against the measurement with scikit-learn's k-means."""
    ex = Exercise("predicted_loss")
    raw = ex.answer(prediction)
    if not isinstance(raw, str) or raw.strip().lower() not in TRANSFER_CHOICES:
        ex.fail(f'your prediction should be one of the strings {", ".join(map(repr, TRANSFER_CHOICES))}; got {raw!r}.',
                "not_a_choice")
    choice = raw.strip().lower()
    own, borrowed = _transfer_loss()
    loss = own - borrowed
    measured = next(name for name, (low, high) in TRANSFER_CHOICES.items() if low <= loss < high)
    lead = (f"you predicted {choice!r}, but flower.jpg reaches {own:.2f} dB with its own 16 colours and "
            f"{borrowed:.2f} dB with china.jpg's: a loss of {loss:.1f} dB.")
    if choice == "small" and not ex.holds(choice == measured):
        ex.fail(lead + " Sixteen colours are not a general-purpose set: k-means puts them where one photograph's "
                "pixels are dense, and the other photograph's cloud of colours lies elsewhere in the cube.",
                "predicted_small")
    if choice == "moderate" and not ex.holds(choice == measured):
        ex.fail(lead + " A loss of a few dB would mean the two clouds of colours mostly overlap; check where "
                "each photograph's pixels lie in the RGB cube.", "predicted_moderate")
    if not ex.holds(choice == measured):  # "large" against a measured loss under 5 dB (not so on these images)
        ex.fail(lead + " The two photographs' colours overlap more than you expected.", "predicted_large")
    ex.passed(f"flower.jpg loses {loss:.1f} dB ({own:.2f} dB with its own palette, {borrowed:.2f} dB with china.jpg's)")


# ---------------------------------------------------------------- the mistakes, as data

_PSNR = "3. Distortion in decibels: the PSNR"
_NEAREST = "2. Quantising: every pixel takes its nearest palette colour"
_BITS = "4. The price of a palette image, in bits per pixel"
_CURVE = "6. k-means and GMM palettes, as $K$ grows"
_CLOUD = "1. An image is a cloud of points in colour space"

# every mistake id these checks produce (besides the generic ones of coursepkg.checks._core.mistakes.GENERIC),
# with the section of notebooks/13_colour_quantisation that explains it (tests/test_mistakes_lesson13.py makes each)
MISTAKES = {
    **{
        f"psnr.{key}": _PSNR
        for key in ("not_a_number", "not_finite", "identical_nan", "identical_not_inf", "natural_log", "twenty", "rmse",
                    "sum_not_mean", "per_pixel_sum", "peak_255", "sign", "uses_reference", "wrong_value")
    },
    **{
        f"nearest_colour.{key}": _NEAREST
        for key in ("not_an_array", "colours_not_labels", "wrong_axis", "wrong_shape", "not_integers", "one_based",
                    "out_of_range", "argmax", "l1", "uses_reference", "wrong_value")
    },
    **{
        f"bits_per_pixel.{key}": _BITS
        for key in ("not_a_number", "not_finite", "no_ceil", "floor", "bit_length", "palette_per_image",
                    "palette_times_images", "no_palette", "palette_per_pixel", "palette_bytes", "one_channel",
                    "k_bits", "total_bits", "uses_reference", "wrong_value")
    },
    **{
        f"smallest_k.{key}": _CURVE
        for key in ("returned_none", "not_a_number", "not_finite", "not_a_candidate", "too_small", "not_smallest")
    },
    **{f"predicted_loss.{key}": _CLOUD for key in ("not_a_choice", "predicted_small", "predicted_moderate",
                                                     "predicted_large")},
}
