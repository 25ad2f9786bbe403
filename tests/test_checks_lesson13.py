"""The lesson 13 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)

from coursepkg import quantise
from coursepkg.checks import lesson13 as checks

# ---------------------------------------------------------------- reference solutions


def psnr(reference, approx):
    mse = np.mean((np.asarray(reference, dtype=float) - np.asarray(approx, dtype=float)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(1 / mse))


def nearest_colour(X, palette):
    return np.argmin(np.sum(palette**2, axis=1)[None, :] - 2 * X @ palette.T, axis=1)


def nearest_colour_broadcast(X, palette):
    return np.argmin(((X[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2), axis=1)


def bits_per_pixel(k, n_pixels, n_images):
    index_bits = 0
    while 2**index_bits < k:  # the smallest b with 2^b codes for K colours, by counting
        index_bits += 1
    return index_bits + 24 * k / (n_images * n_pixels)


def smallest_k():
    return 16


def predicted_loss():
    return "large"


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_psnr, psnr),
        (checks.check_nearest_colour, nearest_colour),
        (checks.check_bits_per_pixel, bits_per_pixel),
    ]
    answers = [(checks.check_smallest_k, smallest_k), (checks.check_predicted_loss, predicted_loss)]


def test_the_broadcast_version_passes_too(capsys):
    checks.check_nearest_colour(nearest_colour_broadcast, hidden=True)
    assert capsys.readouterr().out.startswith("✓ nearest_colour:")


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="calls coursepkg.quantise.psnr"):
        checks.check_psnr(lambda a, b: quantise.psnr(a, b))
    with pytest.raises(AssertionError, match="calls coursepkg.quantise.(nearest_colour|quantise)"):
        checks.check_nearest_colour(lambda X, p: quantise.nearest_colour(X, p))


def test_prediction_is_case_insensitive(capsys):
    checks.check_predicted_loss(" Large ")
    assert "✓ predicted_loss" in capsys.readouterr().out


def test_the_transfer_loss_is_large_and_the_target_separates_8_from_16():
    """The measurements the answers rest on, with margins: no seed of scikit-learn's k-means flips them."""
    own, borrowed = checks._transfer_loss()
    assert own - borrowed > 8  # about 10.5 dB, far from the 5 dB border of "large"
    flower = [checks._quantised_psnr(checks._kmeans_palette(k, checks.X_FLOWER), checks.X_FLOWER) for k in (8, 16)]
    assert flower[0] < checks.TARGET_DB - 1.5 and flower[1] > checks.TARGET_DB + 0.5  # about 26.3 and 29.4 dB


# ---------------------------------------------------------------- the messages name the mistake


def _psnr_base(a, b):
    return np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda a, b: 10 * np.log(1 / _psnr_base(a, b)), "natural logarithm"),
        (lambda a, b: 20 * np.log10(1 / _psnr_base(a, b)), "20 log10"),
        (lambda a, b: 10 * np.log10(1 / np.sqrt(_psnr_base(a, b))), "root mean square"),
        (lambda a, b: 10 * np.log10(255**2 / _psnr_base(a, b)), "peak of 255"),
        (lambda a, b: 10 * np.log10(_psnr_base(a, b)), "sign is flipped"),
        (lambda a, b: 10 * np.log10(1 / np.sum((a - b) ** 2)), "summed the squared differences"),
        (lambda a, b: 10 * np.log10(1 / np.mean(np.sum((a - b) ** 2, axis=-1))), "three channels"),
    ],
)
def test_psnr_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_psnr(wrong)


def test_psnr_of_identical_images_must_be_infinite():
    with pytest.raises(AssertionError, match="Return float\\('inf'\\) when the MSE is 0"), np.errstate(all="ignore"):
        checks.check_psnr(lambda a, b: 10 * np.log10(1 / max(_psnr_base(a, b), 1e-12)))
    with pytest.raises(AssertionError, match="NaN"), np.errstate(all="ignore"):
        checks.check_psnr(lambda a, b: 10 * np.log10(1 / _psnr_base(a, b)) if _psnr_base(a, b) else float("nan"))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, p: p[nearest_colour(X, p)], "the colours themselves"),
        (lambda X, p: nearest_colour(X, p) + 1, "1 too large"),
        (lambda X, p: np.argmax(((X[:, None] - p[None]) ** 2).sum(2), axis=1), "farthest colour"),
        (lambda X, p: np.abs(X[:, None] - p[None]).sum(2).argmin(axis=1), "absolute differences"),
        (lambda X, p: np.argmin(np.sum(p**2, axis=1)[None, :] + 2 * X @ p.T, axis=1), "sign of\n?.*-2 x . mu"),
    ],
)
def test_nearest_colour_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_nearest_colour(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda k, n, m: np.log2(k) + 24 * k / (m * n), "rounded up"),
        (lambda k, n, m: int(k).bit_length() + 24 * k / (m * n), "bit_length"),
        (lambda k, n, m: bits_per_pixel(k, n, 1), "shared by\n?.*all n_images"),
        (lambda k, n, m: bits_per_pixel(k, n, 1) - 24 * k / n, "left out the palette"),
        (lambda k, n, m: bits_per_pixel(k, n, m) - 24 * k / (m * n) + k / (m * n) * 3, "in bytes"),
        (lambda k, n, m: m * n * bits_per_pixel(k, n, m), "whole file"),
    ],
)
def test_bits_per_pixel_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_bits_per_pixel(wrong)


@pytest.mark.parametrize(
    "answer, message",
    [(8, "below the target 28.5 dB"), (32, "K = 16 already reaches"), (24, "not one of the candidates")],
)
def test_smallest_k_is_measured(answer, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_smallest_k(answer)


def test_a_wrong_prediction_is_told_the_measurement():
    with pytest.raises(AssertionError, match="with its own 16 colours and .* dB with china.jpg's: a loss of"):
        checks.check_predicted_loss(lambda: "small")
    with pytest.raises(AssertionError, match="one of the strings 'small', 'moderate', 'large'"):
        checks.check_predicted_loss(lambda: "huge")
