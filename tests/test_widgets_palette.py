"""The palette lab: the precomputed table against direct computations, the state, and the widget wiring."""

import time

import matplotlib
import numpy as np
import pytest
from sklearn.metrics import pairwise_distances_argmin

from coursepkg import quantise as q
from coursepkg.widgets import palette

matplotlib.use("Agg")

KS = (2, 4, 8)


def _small_image():
    """A 30 x 40 image with a smooth gradient and two flat blocks, as bytes."""
    rows, cols = np.mgrid[0:30, 0:40]
    image = np.stack([rows / 29, cols / 39, 0.5 + 0 * rows], axis=2)
    image[5:12, 5:15] = (0.9, 0.1, 0.1)
    image[18:26, 22:35] = (0.1, 0.2, 0.8)
    return np.round(image * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def table():
    return palette.palette_table(_small_image(), KS, n_sample=600, rng=0)


def test_table_holds_every_choice_and_k(table):
    assert table.ks == KS
    assert set(table.images) == {(c, k) for c in palette.CHOICES for k in KS}
    for (choice, k), img in table.images.items():
        assert img.shape == (30, 40, 3) and img.dtype == np.uint8
        assert table.colours[choice, k].shape == (k, 3)
    for k in KS:
        assert table.bpp[k] == pytest.approx(np.log2(k) + 24 * k / 1200, rel=1e-12)


def test_nearest_images_use_the_nearest_palette_colour(table):
    X = _small_image().reshape(-1, 3) / 255
    for choice in ("k-means, nearest colour", "GMM, nearest colour"):
        for k in KS:
            colours = table.colours[choice, k]
            want = colours[pairwise_distances_argmin(X, colours)]
            got = table.images[choice, k].reshape(-1, 3)
            np.testing.assert_array_equal(got, np.round(want * 255).astype(np.uint8))
            mse = np.mean((X - want) ** 2)
            assert table.psnr[choice, k] == pytest.approx(10 * np.log10(1 / mse), rel=1e-12)


def test_dithered_images_use_only_palette_colours_and_lose_more(table):
    for k in KS:
        colours = np.round(table.colours["GMM, sampled from r (dither)", k] * 255).astype(np.uint8)
        used = np.unique(table.images["GMM, sampled from r (dither)", k].reshape(-1, 3), axis=0)
        assert all(any(np.array_equal(u, c) for c in colours) for u in used)
        assert table.psnr["GMM, sampled from r (dither)", k] <= table.psnr["GMM, nearest colour", k] + 1e-12


def test_given_fits_are_used_not_refitted():
    image = _small_image()
    X = q.image_points(image)
    fits = {(m, k): q.fit_palette(X, k, m, n_sample=300, rng=5) for m in q.METHODS for k in (2, 4)}
    t = palette.palette_table(image, (2, 4), fits=fits, rng=1)
    for k in (2, 4):
        np.testing.assert_array_equal(t.colours["k-means, nearest colour", k], fits["kmeans", k].colours)
        np.testing.assert_array_equal(t.colours["GMM, nearest colour", k], fits["gmm", k].colours)


def test_state_and_status_line(table):
    state = palette.palette_state(table, 4, "GMM, nearest colour")
    assert state["k"] == 4 and state["colours"].shape == (4, 3)
    assert state["bpp"] == table.bpp[4] and state["ratio"] == pytest.approx(24 / table.bpp[4])
    line = palette.status_line(state)
    assert "K = 4" in line and f"{state['psnr']:.2f} dB" in line


@pytest.mark.parametrize(
    "k, choice, message",
    [(3, "k-means, nearest colour", "k must be one of"), (4, "median cut", "palette must be one of")],
)
def test_state_rejects_unknown_choices(table, k, choice, message):
    with pytest.raises(ValueError, match=message):
        palette.palette_state(table, k, choice)


@pytest.mark.parametrize(
    "image, ks, message",
    [(np.zeros((4, 4, 3)), KS, "uint8"), (np.zeros((4, 4), dtype=np.uint8), KS, "shape"),
     (_small_image(), (4, 2), "increasing"), (_small_image(), (), "increasing")],
)
def test_table_rejects_bad_input(image, ks, message):
    with pytest.raises(ValueError, match=message):
        palette.palette_table(image, ks)


def test_lab_swaps_the_images_and_reports(table):
    lab = palette.make_palette_lab(table=table, k=2)
    assert lab.state()["k"] == 2
    quantised = lab.figure.quantised
    for k in KS:
        for choice in palette.CHOICES:
            lab.controls["k"].value = k
            lab.controls["palette"].value = choice
            state = lab.state()
            assert state["k"] == k and state["palette"] == choice
            step = lab.figure.step
            np.testing.assert_array_equal(np.asarray(quantised.get_array()), table.images[choice, k][::step, ::step])
            np.testing.assert_array_equal(np.asarray(lab.figure.strip.get_array())[0], table.colours[choice, k])
            assert lab.figure.marker.get_xdata()[0] == table.bpp[k]
            assert lab.figure.marker.get_ydata()[0] == table.psnr[choice, k]
            assert f"K = {k} colours" in lab.readout.value
    assert lab.figure.quantised is quantised  # the same artist, its data swapped
    assert quantised.get_interpolation() == "nearest"  # no resampling blur: only palette colours on screen
    assert lab.image.value[:4] == b"\x89PNG"


def test_lab_redraws_the_photograph_fast():
    """On the course's photograph (fits taken small, so the test is quick), each redraw after the first is fast."""
    from sklearn.datasets import load_sample_image

    image = load_sample_image("china.jpg")
    t = palette.palette_table(image, (2, 4), n_sample=500, rng=0, max_iter=10)
    lab = palette.make_palette_lab(table=t, k=2)
    start = len(lab.redraw_ms)
    for k in (4, 2, 4):
        lab.controls["k"].value = k
    times = lab.redraw_ms[start:]
    assert len(times) == 3
    # 100 ms is the target on an idle machine (benchmarks/bench_labs.py measures it); a test on a shared,
    # busy machine allows three times that, to fail only when a redraw does far too much
    assert np.median(times) < 300, times


def test_default_lab_builds_on_china(monkeypatch):
    """Without a table the lab fits its own on scikit-learn's china.jpg (palette_table is stubbed to keep it quick)."""
    calls = {}
    real = palette.palette_table

    def quick(image, ks=palette.KS, **kwargs):
        calls["shape"] = image.shape
        return real(image, (2,), n_sample=200, rng=0, max_iter=5)

    monkeypatch.setattr(palette, "palette_table", quick)
    start = time.perf_counter()
    lab = palette.make_palette_lab(k=2)
    assert calls["shape"] == (427, 640, 3)
    assert lab.state()["k"] == 2 and time.perf_counter() - start < 60
