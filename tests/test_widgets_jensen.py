"""The Jensen lab: both sides of the inequality against a direct computation; the widget redraws in place."""

import math

import numpy as np
import pytest

from coursepkg.widgets.jensen import jensen_state, make_jensen_lab


def test_values_by_hand():
    state = jensen_state([1.0, math.e**2], [3.0, 1.0])  # weights normalised to (0.75, 0.25)
    np.testing.assert_allclose(state.weights, [0.75, 0.25])
    assert state.mean == pytest.approx(0.75 + 0.25 * math.e**2)
    assert state.log_of_mean == pytest.approx(math.log(0.75 + 0.25 * math.e**2))
    assert state.mean_of_log == pytest.approx(0.5)  # 0.75 * 0 + 0.25 * 2
    assert state.gap == pytest.approx(state.log_of_mean - 0.5)


def test_gap_nonnegative_and_zero_only_for_equal_points():
    rng = np.random.default_rng(1)
    for _ in range(500):
        pts = rng.uniform(0.01, 20, size=4)
        state = jensen_state(pts, rng.dirichlet(np.ones(4)))
        assert state.gap >= 0.0  # clamped: never a negative gap on the readout
    assert jensen_state([2.0, 2.0, 2.0], [0.2, 0.3, 0.5]).gap == pytest.approx(0.0, abs=1e-15)
    assert jensen_state([1.0, 5.0], [1.0, 0.0]).gap == pytest.approx(0.0, abs=1e-15)  # all weight on one point


def test_bad_input():
    with pytest.raises(ValueError, match="positive"):
        jensen_state([0.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="not all zero"):
        jensen_state([1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="one shape"):
        jensen_state([1.0, 2.0], [1.0])


def test_lab_redraws_for_each_control():
    lab = make_jensen_lab()
    assert lab.image.value[:4] == b"\x89PNG"
    for name, value in (("w1", 0.0), ("w2", 0.9), ("w3", 0.1), ("x3", 3.0)):
        before = lab.image.value
        lab.controls[name].value = value
        assert lab.image.value != before, name
    state = lab.state()
    np.testing.assert_allclose(state.weights, [0.0, 0.9, 0.1])
    assert state.mean == pytest.approx(0.9 * 2.0 + 0.1 * 3.0)
    assert state.mean_of_log == pytest.approx(0.9 * math.log(2.0) + 0.1 * math.log(3.0))
    lab.controls["w2"].value = 0.0
    lab.controls["w3"].value = 0.0  # all zero: the lab falls back to equal weights instead of failing
    np.testing.assert_allclose(lab.state().weights, [1 / 3] * 3)


def test_gap_never_negative_at_equal_points():
    """Equal points give a gap of 0 up to rounding; the state clamps it so the readout never shows -0.0000."""
    rng = np.random.default_rng(3)
    for _ in range(200):
        x = rng.uniform(0.1, 7.0)
        state = jensen_state([x, x, x], rng.dirichlet(np.ones(3)))
        assert state.gap >= 0.0
        assert state.gap == pytest.approx(0.0, abs=1e-14)
