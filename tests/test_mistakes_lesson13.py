"""Mistakes as data for lesson 13: every id of coursepkg.checks.lesson13.MISTAKES is produced by a wrong answer.

Every check run here is also recorded and judged (checks_helpers.judged_in_the_grader_too), which asserts the
judge names the same id.
"""

import numpy as np
import pytest
import test_checks_lesson13 as t13
from checks_helpers import crashes, judged_in_the_grader_too, mistake_of, stub  # noqa: F401 (autouse)

from coursepkg import quantise
from coursepkg.checks import lesson13
from coursepkg.checks._core.mistakes import is_valid

P, NC, B = lesson13.check_psnr, lesson13.check_nearest_colour, lesson13.check_bits_per_pixel
K, PT = lesson13.check_smallest_k, lesson13.check_predicted_loss


def _mse(a, b):
    return float(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2))


def _psnr_or(value_when_identical):
    def wrong(a, b):
        mse = _mse(a, b)
        return value_when_identical if mse == 0 else 10 * np.log10(1 / mse)

    return wrong


def _bits(k):
    return int(np.ceil(np.log2(k)))


def _sq(X, p):
    return ((X[:, None, :] - p[None, :, :]) ** 2).sum(axis=2)


# id -> (check, wrong answer, hidden)
WRONG = {
    "psnr.not_a_number": (P, lambda a, b: "high", False),
    "psnr.not_finite": (P, lambda a, b: float("inf"), False),
    "psnr.identical_nan": (P, _psnr_or(float("nan")), False),
    "psnr.identical_not_inf": (P, _psnr_or(200.0), False),
    "psnr.natural_log": (P, lambda a, b: 10 * np.log(1 / _mse(a, b)), False),
    "psnr.twenty": (P, lambda a, b: 20 * np.log10(1 / _mse(a, b)), False),
    "psnr.rmse": (P, lambda a, b: 10 * np.log10(1 / np.sqrt(_mse(a, b))), False),
    "psnr.sum_not_mean": (P, lambda a, b: 10 * np.log10(1 / np.sum((a - b) ** 2)), False),
    "psnr.per_pixel_sum": (P, lambda a, b: 10 * np.log10(1 / np.mean(np.sum((a - b) ** 2, axis=-1))), False),
    "psnr.peak_255": (P, lambda a, b: 10 * np.log10(255**2 / _mse(a, b)), False),
    "psnr.sign": (P, lambda a, b: 10 * np.log10(_mse(a, b)), False),
    "psnr.uses_reference": (P, lambda a, b: quantise.psnr(a, b), False),
    "psnr.wrong_value": (P, lambda a, b: 10 * np.log10(1 / _mse(a, b)) + 1, False),
    "nearest_colour.not_an_array": (NC, lambda X, p: "labels", False),
    "nearest_colour.colours_not_labels": (NC, lambda X, p: p[t13.nearest_colour(X, p)], False),
    "nearest_colour.wrong_axis": (NC, lambda X, p: np.argmin(_sq(X, p), axis=0), False),
    "nearest_colour.wrong_shape": (NC, lambda X, p: np.zeros(7), False),
    "nearest_colour.not_integers": (NC, lambda X, p: t13.nearest_colour(X, p) + 0.5, False),
    "nearest_colour.one_based": (NC, lambda X, p: t13.nearest_colour(X, p) + 1, False),
    "nearest_colour.out_of_range": (NC, lambda X, p: t13.nearest_colour(X, p) - 1, False),
    "nearest_colour.argmax": (NC, lambda X, p: np.argmax(_sq(X, p), axis=1), False),
    "nearest_colour.l1": (NC, lambda X, p: np.abs(X[:, None] - p[None]).sum(axis=2).argmin(axis=1), False),
    "nearest_colour.uses_reference": (NC, lambda X, p: quantise.nearest_colour(X, p), False),
    "nearest_colour.wrong_value": (NC, lambda X, p: np.argmin(np.sum(p**2, axis=1) + 2 * X @ p.T, axis=1), False),
    "bits_per_pixel.not_a_number": (B, lambda k, n, m: "few", False),
    "bits_per_pixel.not_finite": (B, lambda k, n, m: float("inf"), False),
    "bits_per_pixel.no_ceil": (B, lambda k, n, m: np.log2(k) + 24 * k / (m * n), False),
    "bits_per_pixel.floor": (B, lambda k, n, m: np.floor(np.log2(k)) + 24 * k / (m * n), False),
    "bits_per_pixel.bit_length": (B, lambda k, n, m: int(k).bit_length() + 24 * k / (m * n), False),
    "bits_per_pixel.palette_per_image": (B, lambda k, n, m: _bits(k) + 24 * k / n, False),
    "bits_per_pixel.palette_times_images": (B, lambda k, n, m: _bits(k) + 24 * k * m / n, False),
    "bits_per_pixel.no_palette": (B, lambda k, n, m: _bits(k), False),
    "bits_per_pixel.palette_per_pixel": (B, lambda k, n, m: _bits(k) + 24, False),
    "bits_per_pixel.palette_bytes": (B, lambda k, n, m: _bits(k) + 3 * k / (m * n), False),
    "bits_per_pixel.one_channel": (B, lambda k, n, m: _bits(k) + 8 * k / (m * n), False),
    "bits_per_pixel.k_bits": (B, lambda k, n, m: k + 24 * k / (m * n), False),
    "bits_per_pixel.total_bits": (B, lambda k, n, m: m * n * _bits(k) + 24 * k, False),
    "bits_per_pixel.uses_reference": (B, lambda k, n, m: quantise.bits_per_pixel(k, m * n), False),
    "bits_per_pixel.wrong_value": (B, lambda k, n, m: _bits(k) + 1, False),
    "smallest_k.returned_none": (K, lambda: None, None),
    "smallest_k.not_a_number": (K, lambda: "many", None),
    "smallest_k.not_finite": (K, lambda: float("nan"), None),
    "smallest_k.not_a_candidate": (K, lambda: 24, None),
    "smallest_k.too_small": (K, lambda: 8, None),
    "smallest_k.not_smallest": (K, lambda: 32, None),
    "predicted_loss.not_a_choice": (PT, lambda: "huge", None),
    "predicted_loss.predicted_small": (PT, lambda: "small", None),
    "predicted_loss.predicted_moderate": (PT, lambda: "moderate", None),
    "predicted_loss.predicted_large": (PT, lambda: "large", "small loss"),  # only if the loss were under 5 dB
}


@pytest.fixture
def small_loss(monkeypatch):
    """A measurement in which china.jpg's palette would cost flower.jpg under 1 dB (the real one is ~10 dB)."""
    monkeypatch.setattr(lesson13, "_transfer_loss", lambda: (29.4, 28.9))


def test_every_listed_id_has_a_wrong_answer_and_no_more():
    assert set(WRONG) == set(lesson13.MISTAKES)
    assert all(is_valid(m) for m in lesson13.MISTAKES)
    assert all(section for section in lesson13.MISTAKES.values()), "every lesson 13 mistake names its section"


@pytest.mark.parametrize("mistake", list(WRONG))
def test_each_mistake_is_named_by_its_id(mistake, request):
    check, wrong, hidden = WRONG[mistake]
    if hidden == "small loss":
        request.getfixturevalue("small_loss")
        hidden = None
    assert mistake_of(check, wrong, hidden) == mistake


@pytest.mark.parametrize("check", [P, NC, B, K, PT], ids=lambda c: c.__name__)
def test_the_generic_ids_of_the_channel(check):
    name = check.__name__.removeprefix("check_")
    assert mistake_of(check, stub, None) == f"{name}.not_implemented"
    assert mistake_of(check, crashes, None) == f"{name}.raised"
    if check in (P, NC, B):  # a function exercise needs the function; an answer may be the value itself
        assert mistake_of(check, 3, None) == f"{name}.not_a_function"
