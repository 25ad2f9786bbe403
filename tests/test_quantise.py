"""coursepkg.quantise against independent computations, property tests, and every bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances_argmin

from coursepkg import quantise as q
from coursepkg.em import e_step
from coursepkg.mixture import GMM

RNG = np.random.default_rng(0)
IMAGE = RNG.integers(0, 256, size=(12, 15, 3), dtype=np.uint8)
colours = arrays(np.float64, st.tuples(st.integers(1, 30), st.just(3)), elements=st.floats(0, 1))


def _psnr_loop(a, b):
    """PSNR by a plain loop over every entry."""
    total, count = 0.0, 0
    for x, y in zip(np.ravel(a), np.ravel(b), strict=True):
        total += (float(x) - float(y)) ** 2
        count += 1
    return 10 * np.log10(1 / (total / count))


# ---------------------------------------------------------------- image_points


def test_image_points_lists_pixels_row_by_row_in_unit_range():
    X = q.image_points(IMAGE)
    assert X.shape == (12 * 15, 3)
    for i, j in [(0, 0), (3, 7), (11, 14)]:
        np.testing.assert_allclose(X[i * 15 + j], IMAGE[i, j] / 255)
    np.testing.assert_array_equal(q.image_points(IMAGE / 255.0), X)


@pytest.mark.parametrize(
    "bad, message",
    [(np.zeros((4, 4)), "shape \\(height, width, 3\\)"), (np.zeros((4, 4, 4)), "shape"),
     (np.full((2, 2, 3), 1.5), "floats in \\[0, 1\\]"), (np.full((2, 2, 3), np.nan), "finite"),
     (np.zeros((2, 2, 3), dtype=complex), "real numbers")],
)
def test_image_points_rejects_bad_images(bad, message):
    with pytest.raises(ValueError, match="image") as e:
        q.image_points(bad)
    assert e.match(message)


# ---------------------------------------------------------------- nearest colour and quantise


def test_nearest_colour_matches_scikit_learn_and_scipy():
    X = RNG.random((5000, 3))
    palette = RNG.random((37, 3))
    labels = q.nearest_colour(X, palette, block=777)  # several blocks, the last one partial
    np.testing.assert_array_equal(labels, pairwise_distances_argmin(X, palette))
    np.testing.assert_array_equal(labels, cdist(X, palette, "sqeuclidean").argmin(axis=1))


def test_quantise_returns_the_labels_and_their_colours():
    X = RNG.random((200, 3))
    palette = RNG.random((5, 3))
    labels, Xq = q.quantise(X, palette)
    np.testing.assert_array_equal(Xq, palette[labels])
    # no palette colour is nearer than the chosen one (a loop over the colours)
    for k in range(5):
        assert np.all(np.sum((X - Xq) ** 2, axis=1) <= np.sum((X - palette[k]) ** 2, axis=1) + 1e-12)


@settings(max_examples=40, deadline=None)
@given(colours)
def test_quantising_with_the_images_own_colours_is_lossless(X):
    X = np.round(X * 255) / 255  # colours an image can hold
    palette = np.unique(X, axis=0)
    _, Xq = q.quantise(X, palette)
    np.testing.assert_array_equal(Xq, X)
    assert q.psnr(X, Xq) == np.inf


@settings(max_examples=40, deadline=None)
@given(colours, st.integers(1, 8), st.integers(0, 2**16))
def test_nearest_colour_is_invariant_to_reordering_the_palette(X, k, seed):
    palette = np.random.default_rng(seed).random((k, 3))
    perm = np.random.default_rng(seed + 1).permutation(k)
    d2 = cdist(X, palette, "sqeuclidean")
    got = q.nearest_colour(X, palette[perm])
    np.testing.assert_allclose(d2[np.arange(len(X)), perm[got]], d2.min(axis=1), atol=1e-12)


@pytest.mark.parametrize(
    "X, palette, message",
    [(np.zeros((3, 3)), np.zeros((2, 4)), "palette must be an array of shape \\(k, 3\\)"),
     (np.zeros((3, 3)), np.zeros(3), "palette must be an array of shape"),
     (np.zeros((3, 3)), np.zeros((0, 3)), "palette must be an array of shape"),
     (np.zeros((3, 3)), np.full((2, 3), np.nan), "palette must contain only finite"),
     (np.zeros(3), np.zeros((2, 3)), "X must be a 2-D array")],
)
def test_nearest_colour_rejects_bad_input(X, palette, message):
    with pytest.raises(ValueError, match=message):
        q.nearest_colour(X, palette)


def test_nearest_colour_rejects_a_bad_block():
    with pytest.raises(ValueError, match="block must be a positive integer"):
        q.nearest_colour(np.zeros((3, 3)), np.zeros((2, 3)), block=0)


# ---------------------------------------------------------------- PSNR


def test_psnr_matches_a_loop_and_integer_arithmetic():
    A = IMAGE / 255
    B = np.clip(IMAGE.astype(int) + RNG.integers(-20, 21, size=IMAGE.shape), 0, 255)
    assert q.psnr(A, B / 255) == pytest.approx(_psnr_loop(A, B / 255), rel=1e-12)
    sse = int(np.sum((IMAGE.astype(np.int64) - B) ** 2))
    assert q.psnr(IMAGE, B, peak=255) == pytest.approx(10 * np.log10(255**2 * IMAGE.size / sse), rel=1e-12)
    assert q.psnr(IMAGE, B, peak=255) == pytest.approx(q.psnr(A, B / 255), rel=1e-12)


def test_psnr_of_a_known_error():
    # every entry off by 0.1: MSE = 0.01, PSNR = 20 dB
    assert q.psnr(np.zeros((4, 3)), np.full((4, 3), 0.1)) == pytest.approx(20.0, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(colours, colours)
def test_psnr_is_infinite_only_for_identical_arrays(A, B):
    if A.shape != B.shape:
        B = np.resize(B, A.shape)
    value = q.psnr(A, B)
    assert (value == np.inf) == np.array_equal(A, B)
    assert q.psnr(A, A) == np.inf
    assert value == q.psnr(B, A)  # symmetric


def test_psnr_of_tiny_and_huge_differences_is_finite():
    """Squares that underflow (2.2e-309 squared is 0) or overflow must not make the PSNR infinite or NaN."""
    tiny = q.psnr(np.zeros((1, 3)), np.full((1, 3), 2.2e-309))
    assert np.isfinite(tiny)
    assert tiny == pytest.approx(-20 * np.log10(2.2e-309), rel=1e-9)  # MSE = (2.2e-309)^2, peak 1
    one = q.psnr(np.zeros((2, 3)), np.array([[5e-324, 0, 0], [0, 0, 0]]))  # the smallest float, in one entry
    assert np.isfinite(one) and one == pytest.approx(-20 * np.log10(5e-324) + 10 * np.log10(6), rel=1e-6)
    huge = q.psnr(np.full((1, 3), -1e308), np.full((1, 3), 1e308))
    assert huge == pytest.approx(-20 * (308 + np.log10(2)), rel=1e-9)  # the difference 2e308 overflows a float


@settings(max_examples=40, deadline=None)
@given(colours, st.integers(0, 2**16))
def test_psnr_decreases_as_the_noise_grows(A, seed):
    noise = np.random.default_rng(seed).normal(size=A.shape)
    if not np.any(noise):
        return
    values = [q.psnr(A, A + s * noise) for s in (1e-3, 1e-2, 1e-1, 1.0)]
    assert np.all(np.diff(values) < 0)
    # scaling the error by 10 costs exactly 20 dB
    assert values[0] - values[1] == pytest.approx(20.0, abs=1e-9)


@pytest.mark.parametrize(
    "a, b, kwargs, message",
    [(np.zeros((2, 3)), np.zeros((3, 3)), {}, "approx must have the shape of reference"),
     (np.zeros(0), np.zeros(0), {}, "at least one value"),
     (np.full((2, 3), np.nan), np.zeros((2, 3)), {}, "reference must contain only finite"),
     (np.zeros((2, 3)), np.full((2, 3), np.inf), {}, "approx must contain only finite"),
     (np.zeros((2, 3)), np.ones((2, 3)), {"peak": 0}, "peak must be positive"),
     (np.zeros((2, 3)), np.ones((2, 3)), {"peak": -1}, "peak must be a non-negative")],
)
def test_psnr_rejects_bad_input(a, b, kwargs, message):
    with pytest.raises(ValueError, match=message):
        q.psnr(a, b, **kwargs)


# ---------------------------------------------------------------- bits per pixel


def test_bits_per_pixel_is_the_length_of_a_real_encoding():
    """Pack 4-bit indices two to a byte and append a 3-byte-per-colour palette: the formula counts those bits."""
    n, k = 1000, 16
    labels = RNG.integers(0, k, size=n)
    packed = (labels[0::2] << 4 | labels[1::2]).astype(np.uint8).tobytes()
    palette = RNG.integers(0, 256, size=(k, 3), dtype=np.uint8).tobytes()
    assert q.bits_per_pixel(k, n) == pytest.approx(8 * (len(packed) + len(palette)) / n, rel=1e-15)


@pytest.mark.parametrize("k, n, want", [(1, 10, 2.4), (2, 48, 2.0), (256, 4096, 9.5), (64, 273280, 6 + 1536 / 273280)])
def test_bits_per_pixel_values(k, n, want):
    assert q.bits_per_pixel(k, n) == pytest.approx(want, rel=1e-12)


def test_bits_per_pixel_counts_other_colour_depths():
    assert q.bits_per_pixel(4, 8, bits_per_colour=8) == pytest.approx(2 + 4)


@pytest.mark.parametrize(
    "args, message",
    [((0, 10), "k must be at least 1"), ((2.5, 10), "k must be a positive integer"), ((2, 0), "n_pixels"),
     ((2, 10, 0), "bits_per_colour")],
)
def test_bits_per_pixel_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        q.bits_per_pixel(*args)


# ---------------------------------------------------------------- sampling and fitting


def test_sample_pixels_draws_distinct_rows():
    X = np.arange(300, dtype=float).reshape(100, 3)
    S = q.sample_pixels(X, 40, rng=1)
    assert S.shape == (40, 3) and len(np.unique(S[:, 0])) == 40
    assert set(S[:, 0]) <= set(X[:, 0])
    assert q.sample_pixels(X, 500, rng=1).shape == (100, 3)  # all of X when asked for more
    np.testing.assert_array_equal(q.sample_pixels(X, 40, rng=1), S)  # seeded


def _blobs():
    rng = np.random.default_rng(5)
    centres = np.array([[0.1, 0.1, 0.1], [0.9, 0.2, 0.2], [0.3, 0.8, 0.6]])
    return np.clip(np.concatenate([c + 0.03 * rng.normal(size=(300, 3)) for c in centres]), 0, 1), centres


def _sorted_rows(a):
    return a[np.lexsort(a.T[::-1])]


def test_kmeans_palette_matches_scikit_learn_on_clear_clusters():
    X, _ = _blobs()
    fit = q.fit_palette(X, 3, "kmeans", n_sample=900, rng=0)
    theirs = KMeans(3, n_init=5, random_state=0).fit(X).cluster_centers_
    np.testing.assert_allclose(_sorted_rows(fit.colours), _sorted_rows(theirs), atol=1e-9)
    assert fit.method == "kmeans" and fit.gmm is None and fit.n_sample == 900


def test_gmm_palette_is_the_means_of_the_fitted_mixture():
    X, centres = _blobs()
    fit = q.fit_palette(X, 3, "gmm", n_sample=500, rng=0)
    assert isinstance(fit.gmm, GMM) and fit.n_sample == 500
    np.testing.assert_array_equal(fit.colours, fit.gmm.means)
    np.testing.assert_allclose(_sorted_rows(fit.colours), _sorted_rows(centres), atol=0.01)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"k": 3, "method": "median-cut"}, "method must be one of"), ({"k": 0}, "k must be at least 1"),
     ({"k": 2.0}, "k must be a positive integer"), ({"k": 3, "n_sample": 2}, "k=3 is larger than the number of points"),
     ({"k": 3, "n_sample": 0}, "n_sample must be a positive integer")],
)
def test_fit_palette_rejects_bad_input(kwargs, message):
    X, _ = _blobs()
    with pytest.raises(ValueError, match=message):
        q.fit_palette(X, **kwargs)


# ---------------------------------------------------------------- dithering


def _two_colour_gmm():
    means = np.array([[0.2, 0.2, 0.2], [0.8, 0.8, 0.8]])
    return GMM(np.array([0.5, 0.5]), means, np.repeat(0.05 * np.eye(3)[None], 2, 0))


def test_dithered_labels_follow_the_responsibilities():
    """Monte Carlo: each pixel's frequency of colour 2 over many draws is its responsibility r_n2."""
    gmm = _two_colour_gmm()
    X = np.linspace(0.2, 0.8, 7)[:, None] * np.ones((1, 3))
    resp, _ = e_step(X, gmm)
    rng = np.random.default_rng(3)
    draws = np.array([q.dithered_labels(X, gmm, rng=rng) for _ in range(4000)])
    freq = draws.mean(axis=0)
    sd = np.sqrt(resp[:, 1] * resp[:, 0] / 4000)
    assert np.all(np.abs(freq - resp[:, 1]) <= 5 * sd + 1e-12)


def test_dithered_labels_in_blocks_match_one_block():
    gmm = _two_colour_gmm()
    X = np.random.default_rng(0).random((100, 3))
    a = q.dithered_labels(X, gmm, rng=7, block=13)
    b = q.dithered_labels(X, gmm, rng=7)
    np.testing.assert_array_equal(a, b)  # the same uniforms, drawn block by block in order
    assert a.min() >= 0 and a.max() <= 1


def test_dithered_labels_of_a_one_hot_mixture_are_the_nearest():
    gmm = GMM(np.array([0.5, 0.5]), np.array([[0.0, 0, 0], [1.0, 1, 1]]), np.repeat(1e-4 * np.eye(3)[None], 2, 0))
    X = np.array([[0.1, 0.1, 0.1], [0.9, 0.8, 0.9]])
    np.testing.assert_array_equal(q.dithered_labels(X, gmm, rng=0), [0, 1])


@pytest.mark.parametrize(
    "X, gmm, message",
    [(np.zeros((3, 2)), _two_colour_gmm(), "X must have shape \\(n, 3\\)"),
     (np.zeros((3, 3)), "not a gmm", "gmm must be a coursepkg.mixture.GMM")],
)
def test_dithered_labels_reject_bad_input(X, gmm, message):
    with pytest.raises(ValueError, match=message):
        q.dithered_labels(X, gmm)
