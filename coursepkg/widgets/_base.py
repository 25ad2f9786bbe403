"""Shared plumbing for the labs: one figure redrawn in place, and timed redraws.

A lab keeps a single matplotlib Figure (not managed by pyplot, so the inline
backend never prints a second copy) and shows it as PNG bytes in an
``ipywidgets.Image``. Every control change mutates the figure's artists and
re-renders those bytes: the picture changes in place, no pile of figures.

Drawing axes, ticks and labels is most of matplotlib's time, so a lab can
name its *dynamic* artists: the static rest is drawn once and kept as a
background bitmap, and a redraw only paints the dynamic artists over it
(blitting), which keeps a redraw well under 100 ms.
"""

import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_figure(figsize=(8, 4), **subplot_kw):
    """A Figure with an Agg canvas, outside pyplot's figure manager."""
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def render_png(fig, dpi=80):
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def canvas_png(fig):
    """PNG bytes of what is on the figure's canvas now (fast, light compression)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
    return buf.getvalue()


class Lab:
    """Controls wired to an update function that redraws one figure.

    Parameters
    ----------
    fig : matplotlib Figure made with `new_figure`
    controls : dict name -> ipywidgets value widget (sliders, dropdowns, ...)
    update : callable(**values) that updates the figure's artists from the control values
    buttons : dict label -> callable() run on click before the redraw (e.g. "E-step")
    title : optional HTML shown above the controls
    dynamic : optional list of the artists that `update` changes. With it the
        lab blits: the rest of the figure is drawn once. If `update` changes
        anything else (axis limits, titles), it returns "full" for a full redraw.

    Attributes
    ----------
    widget : the ipywidgets box to display
    redraw_ms : list of float, wall-clock milliseconds of every redraw (update + PNG)
    """

    def __init__(self, fig, controls, update, buttons=None, title=None, dpi=80, dynamic=None):
        self.fig = fig
        fig.set_dpi(dpi)
        self.dynamic = list(dynamic or [])
        for artist in self.dynamic:
            artist.set_animated(True)
        self._background = None
        self.controls = dict(controls)
        self.update = update
        self.dpi = dpi
        self.redraw_ms = []
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
        self.buttons = {}
        for label, action in (buttons or {}).items():
            # wide enough for its label: a long one such as "E-step: q ← posterior" is not cut off
            button = widgets.Button(description=label, layout=widgets.Layout(width="auto", min_width="9em"))
            button.on_click(self._button_handler(action))
            self.buttons[label] = button
        for control in self.controls.values():
            control.observe(lambda change: self.redraw(), names="value")
        parts = [widgets.HTML(title)] if title else []
        parts.append(widgets.HBox(list(self.controls.values())[:3]))
        if len(self.controls) > 3:
            parts.append(widgets.HBox(list(self.controls.values())[3:]))
        if self.buttons:
            parts.append(widgets.HBox(list(self.buttons.values())))
        parts.append(self.image)
        self.widget = widgets.VBox(parts)
        self.redraw()

    def _button_handler(self, action):
        def handler(_button):
            action()
            self.redraw()

        return handler

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self):
        start = time.perf_counter()
        full = self.update(**self.values()) == "full"
        canvas = self.fig.canvas
        if full or self._background is None:
            canvas.draw()  # draws everything except the animated (dynamic) artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.fig.draw_artist(artist)
        self.image.value = canvas_png(self.fig)
        self.redraw_ms.append(1000 * (time.perf_counter() - start))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def time_redraws(lab, changes):
    """Apply a list of {control: value} changes to a lab; return the redraw times in ms."""
    lab.redraw_ms.clear()
    for change in changes:
        for name, value in change.items():
            lab.controls[name].value = value
    return list(lab.redraw_ms)
