"""Shared plumbing of the labs: one figure, redrawn in place and fast.

A lab has three parts, all in its module (`jensen.py` is the shortest example):

1. the state logic: a plain function from the control values to a frozen state, tested without a browser;
2. a `LabFigure` subclass: its ``__init__`` draws the fixed parts (axes, labels, legends, static artists)
   and creates the artists that change, registered with `LabFigure.dynamic`; its ``show(state)`` only
   moves those (with the ``update_*`` helpers of `coursepkg.plotting` where they apply);
3. ``make_*_lab``: the controls, and ``update(**values)`` that computes the state, shows it and returns it,
   wired together by `Lab`.

A lab keeps a single matplotlib Figure (not managed by pyplot, so the inline backend never prints a
second copy) and shows it as PNG bytes in an ``ipywidgets.Image``. Drawing axes, ticks and labels is
most of matplotlib's time, so the fixed parts are drawn once and kept as a background bitmap; a redraw
restores it and paints only the dynamic artists over it (blitting), well under 100 ms.
"""

import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_figure(figsize=(8, 4)):
    """A Figure with an Agg canvas and constrained layout, outside pyplot's figure manager."""
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def canvas_png(fig):
    """PNG bytes of what is on the figure's canvas now (fast, light compression)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
    return buf.getvalue()


class LabFigure:
    """The figure of a lab: the fixed parts, drawn once, and the dynamic artists that `show` moves.

    A subclass draws the fixed parts in its ``__init__`` (after calling this one) and creates every
    artist that changes there too, empty, passing it through `dynamic`. It defines ``show(...)``,
    which sets the dynamic artists from a state and changes nothing else.

    Parameters
    ----------
    figsize : (width, height) in inches
    dpi : int, pixels per inch of the PNG

    Attributes
    ----------
    fig : matplotlib Figure
    dynamic_artists : list of the artists registered with `dynamic`, in drawing order
    """

    def __init__(self, figsize, dpi=80):
        self.fig = new_figure(figsize)
        self.fig.set_dpi(dpi)
        self.dynamic_artists = []

    def dynamic(self, artists):
        """Register an artist, or a sequence of artists, as dynamic; returns its argument.

        Dynamic artists are left out of the background and painted over it on every redraw,
        in the order they were registered.
        """
        many = not hasattr(artists, "draw")
        for artist in artists if many else [artists]:
            artist.set_animated(True)
            self.dynamic_artists.append(artist)
        return artists

    def background_key(self):
        """A hashable name for the current fixed parts (default: always the same).

        The lab keeps one background bitmap per key. A figure whose fixed parts switch between a few
        versions (the EM lab's data sets) returns which one is set up, so that a return to a version
        already drawn restores its bitmap instead of drawing the whole figure again.
        """
        return None


class Lab:
    """Controls wired to an update that redraws one `LabFigure` in place.

    Parameters
    ----------
    figure : LabFigure, with its fixed parts drawn
    rows : list of dicts name -> ipywidgets value widget (slider, dropdown, ...), one dict per row of
        controls, in order; the names are the keywords of `update`
    update : callable(**values) -> state. It sets the figure's dynamic artists for the control values
        (through ``figure.show``) and returns the lab's state, which `state` then gives. If it changes
        anything else (axis limits, a title), matplotlib marks the figure stale and the lab draws the
        whole figure again, keeping the new background.
    buttons : dict label -> callable(), optional; one row of buttons below the controls. An action either
        changes what the update reads (a stepper's state) or sets controls; the lab redraws once after it.
    title : str, optional HTML shown above the controls

    Attributes
    ----------
    widget : the ipywidgets box to display
    controls : dict name -> control widget, all rows together
    buttons : dict label -> ipywidgets.Button
    image : ipywidgets.Image showing the figure
    redraw_ms : list of float, wall-clock milliseconds of every redraw (update and PNG)
    """

    def __init__(self, figure, rows, update, buttons=None, title=None):
        self.figure = figure
        self.update = update
        self.controls = {name: control for row in rows for name, control in row.items()}
        self.buttons = {}
        for label, action in (buttons or {}).items():
            # wide enough for its label: a long one such as "E-step: q ← posterior" is not cut off
            button = widgets.Button(description=label, layout=widgets.Layout(width="auto", min_width="9em"))
            button.on_click(self._handler(action))
            self.buttons[label] = button
        for control in self.controls.values():
            control.observe(lambda change: self.redraw(), names="value")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
        parts = [widgets.HTML(title)] if title else []
        parts += [widgets.HBox(list(row.values())) for row in rows if row]
        if self.buttons:
            parts.append(widgets.HBox(list(self.buttons.values())))
        self.widget = widgets.VBox([*parts, self.image])
        self.redraw_ms = []
        self._backgrounds = {}  # background_key -> (bitmap of the fixed parts, positions of the axes)
        self._layout = figure.fig.get_layout_engine()
        self._key = None
        self._redraws = 0
        self._state = None
        self.redraw()

    def state(self):
        """The lab's current state: what `update` returned at the last redraw."""
        return self._state

    def values(self):
        """The current control values, dict name -> value."""
        return {name: control.value for name, control in self.controls.items()}

    def press(self, label):
        """Press the button `label`, as a click in the browser would."""
        self.buttons[label].click()

    def redraw(self):
        """Update the figure from the controls and show it: restore the background, paint the dynamic artists."""
        start = time.perf_counter()
        self._redraws += 1
        self._state = self.update(**self.values())
        fig = self.figure.fig
        key = self.figure.background_key()
        if key not in self._backgrounds or (fig.stale and key == self._key):
            self._draw_background(key)
        else:
            background, layout = self._backgrounds[key]
            if key != self._key:  # back to a version of the fixed parts drawn before: put its axes back
                for ax, original, active in layout:
                    ax.set_position(original, which="original")
                    ax.set_position(active, which="active")
                    ax.set_in_layout(True)
            fig.canvas.restore_region(background)
            fig.stale = False  # what made it stale (the fixed parts of `key`) is in the bitmap
        self._key = key
        for artist in self.figure.dynamic_artists:
            fig.draw_artist(artist)
        self.image.value = canvas_png(fig)
        self.redraw_ms.append(1000 * (time.perf_counter() - start))

    def prerender(self, settings):
        """Draw and keep the background of each setting now, so that the first visit to it is fast too.

        settings : list of dicts {control name: value}, e.g. every entry of a menu that changes the fixed
            parts. The controls are not touched; the lab ends as it was.
        """
        for setting in settings:
            self.update(**(self.values() | setting))
            key = self.figure.background_key()
            if key not in self._backgrounds:
                self._draw_background(key)
                self._key = key
        self.redraw()

    def _draw_background(self, key):
        """Draw the fixed parts (everything but the dynamic artists) and keep them as the background of `key`.

        A new key is laid out by the figure's layout engine (constrained layout), as matplotlib would; the
        axes then stay where it put them, so a key drawn again (an axis widened) keeps its layout.
        """
        fig = self.figure.fig
        if key not in self._backgrounds and self._layout is not None:
            fig.set_layout_engine(self._layout)
        fig.canvas.draw()  # leaves out the animated (dynamic) artists
        fig.set_layout_engine("none")
        layout = [(ax, ax.get_position(original=True), ax.get_position()) for ax in fig.axes]
        self._backgrounds[key] = (fig.canvas.copy_from_bbox(fig.bbox), layout)
        fig.stale = False  # (setting the layout engine marks it stale)

    def _handler(self, action):
        def handler(_button):
            before = self._redraws
            action()
            if self._redraws == before:  # the action set no control, so nothing redrew yet
                self.redraw()

        return handler

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
