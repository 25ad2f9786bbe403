"""The lab base: rows of controls, the state, buttons, and blitting over cached backgrounds."""

import io

import ipywidgets as widgets
import numpy as np
from PIL import Image

from coursepkg.widgets._base import Lab, LabFigure


class LineFigure(LabFigure):
    """A line y = a x (dynamic) on axes whose x range is a fixed part named by the key."""

    def __init__(self):
        super().__init__(figsize=(4, 3))
        self.ax = self.fig.subplots()
        self.ax.set_ylim(-10, 10)
        self.line = self.dynamic(self.ax.plot([], [], lw=3)[0])
        self.width = None

    def background_key(self):
        return self.width

    def show(self, slope, width):
        if width != self.width:
            self.width = width
            self.ax.set_xlim(-width, width)
        xs = np.linspace(-0.8 * width, 0.8 * width, 5)  # clear of the spines, which a full draw puts on top
        self.line.set_data(xs, slope * xs)


def make_lab(actions=None):
    figure = LineFigure()
    presses = []

    def update(slope, width):
        figure.show(slope, width)
        return {"slope": slope, "width": width, "presses": len(presses)}

    rows = [
        {"slope": widgets.FloatSlider(value=1.0, min=-5, max=5), "width": widgets.Dropdown(options=[1, 2, 4], value=1)},
        {},
    ]
    buttons = {"count": lambda: presses.append(1), "steeper": lambda: setattr(lab.controls["slope"], "value", 3.0)}
    lab = Lab(figure, rows, update, buttons=buttons, title="<b>test</b>")
    return lab


def count_full_draws(lab):
    canvas, calls = lab.figure.fig.canvas, []
    draw = canvas.draw
    canvas.draw = lambda *args: (calls.append(1), draw(*args))[1]
    return calls


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def full_render(lab):
    """The figure drawn whole, dynamic artists included, as matplotlib would without blitting."""
    fig = lab.figure.fig
    for artist in lab.figure.dynamic_artists:
        artist.set_animated(False)
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    for artist in lab.figure.dynamic_artists:
        artist.set_animated(True)
    return image


def test_rows_controls_and_state():
    lab = make_lab()
    title, row, buttons, image = lab.widget.children
    assert isinstance(title, widgets.HTML) and image is lab.image
    assert list(row.children) == [lab.controls["slope"], lab.controls["width"]]  # the empty row is left out
    assert [b.description for b in buttons.children] == ["count", "steeper"]
    assert lab.state() == {"slope": 1.0, "width": 1, "presses": 0}
    lab.controls["slope"].value = -2.0
    assert lab.state()["slope"] == -2.0 and lab.values() == {"slope": -2.0, "width": 1}
    assert lab.image.value[:4] == b"\x89PNG" and len(lab.redraw_ms) == 2


def test_a_press_redraws_once():
    lab = make_lab()
    lab.press("count")  # changes what the update reads, not a control: the lab redraws
    assert lab.state()["presses"] == 1 and len(lab.redraw_ms) == 2
    lab.press("steeper")  # sets a control, which redraws: not a second time
    assert lab.state()["slope"] == 3.0 and len(lab.redraw_ms) == 3


def test_blitting_matches_a_full_draw_and_draws_the_axes_once_per_key():
    lab = make_lab()
    calls = count_full_draws(lab)
    lab.controls["slope"].value = 2.5
    assert calls == []  # only the line was painted, over the background
    np.testing.assert_array_equal(pixels(lab.image.value), full_render(lab))
    lab.controls["width"].value = 4  # a new x range: a fixed part, so the whole figure once
    assert len(calls) == 2  # (one is full_render's)
    np.testing.assert_array_equal(pixels(lab.image.value), full_render(lab))
    calls.clear()
    lab.controls["width"].value = 1  # back to a background drawn before: restored, not drawn
    lab.controls["slope"].value = -1.0
    assert calls == []
    np.testing.assert_array_equal(pixels(lab.image.value), full_render(lab))
    lab.figure.ax.set_title("a change the key does not name")  # the figure turns stale: drawn again
    lab.controls["slope"].value = 0.5
    assert len(calls) == 2  # full_render's above, then the lab's
    np.testing.assert_array_equal(pixels(lab.image.value), full_render(lab))


def test_prerender_draws_every_setting_and_leaves_the_lab_as_it_was():
    lab = make_lab()
    lab.controls["slope"].value = 2.0
    before = lab.image.value
    lab.prerender([{"width": w} for w in (1, 2, 4)])
    assert lab.values() == {"slope": 2.0, "width": 1} and lab.state()["width"] == 1
    assert lab.image.value == before
    calls = count_full_draws(lab)
    for width in (2, 4, 1):
        lab.controls["width"].value = width
    assert calls == []
