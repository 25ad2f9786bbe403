"""The Jensen lab: weights on three points of the log curve (lesson 04).

For the concave log and weights w_i >= 0 summing to 1,

    log(sum_i w_i x_i) >= sum_i w_i log x_i,

the log of the weighted mean lies above the weighted mean of the logs. In the
picture, (sum w_i x_i, sum w_i log x_i) is a point inside the polygon of chords
between the points (x_i, log x_i), and the curve passes above it. `jensen_state`
is the pure state logic; `make_jensen_lab` wires sliders for the (relative)
weights and one point's position to a figure redrawn in place.
"""

from dataclasses import dataclass

import numpy as np

from ._base import Lab, LabFigure

LAB_POINTS = (0.6, 2.0, 6.0)
LAB_WEIGHTS = (0.5, 0.2, 0.3)
XLIM = (0.05, 8.0)
YLIM = (-2.0, 2.4)


@dataclass(frozen=True)
class JensenState:
    """Both sides of Jensen's inequality for the log.

    Attributes
    ----------
    points : array (m,), the positive numbers x_i
    weights : array (m,), normalised weights w_i (summing to 1)
    mean : float, sum_i w_i x_i
    log_of_mean : float, log(sum_i w_i x_i)
    mean_of_log : float, sum_i w_i log x_i
    gap : float, log_of_mean - mean_of_log >= 0
    """

    points: np.ndarray
    weights: np.ndarray
    mean: float
    log_of_mean: float
    mean_of_log: float
    gap: float


def jensen_state(points, weights):
    """Log of the weighted mean and weighted mean of the logs.

    Parameters
    ----------
    points : array (m,) of positive numbers
    weights : array (m,) of non-negative relative weights, not all zero (normalised here)

    Returns
    -------
    JensenState
    """
    points = np.asarray(points, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if points.ndim != 1 or points.shape != weights.shape:
        raise ValueError(f"points and weights must be 1-D arrays of one shape; got {points.shape} and {weights.shape}.")
    if not np.all(np.isfinite(points)) or points.min() <= 0:
        raise ValueError(f"points must be positive numbers (the log needs them); got {points}.")
    if not np.all(np.isfinite(weights)) or weights.min() < 0 or weights.sum() <= 0:
        raise ValueError(f"weights must be non-negative and not all zero; got {weights}.")
    w = weights / weights.sum()
    mean = float(w @ points)
    log_of_mean = float(np.log(mean))
    mean_of_log = float(w @ np.log(points))
    gap = max(log_of_mean - mean_of_log, 0.0)  # Jensen: >= 0; rounding at equal points could give -1e-16
    return JensenState(points, w, mean, log_of_mean, mean_of_log, gap)


class JensenFigure(LabFigure):
    """The log curve (fixed) and, moved by `show`, the points, their chords and both sides of Jensen."""

    def __init__(self):
        super().__init__(figsize=(7.5, 4.4))
        ax = self.fig.subplots()
        xs = np.linspace(XLIM[0], XLIM[1], 400)
        ax.plot(xs, np.log(xs), color="0.15", lw=2, label="y = log x  (concave)")
        ax.set_xlim(*XLIM)
        ax.set_ylim(*YLIM)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title("Jensen: log of the average ≥ average of the logs", fontsize=10)
        green = "#2ca02c"
        self.hull = ax.fill([0, 0, 0], [0, 0, 0], color=green, alpha=0.15, label="chords between the points")[0]
        self.chord = ax.plot([], [], color=green, lw=1)[0]
        self.dots = ax.scatter([0, 0, 0], [0, 0, 0], s=[40, 40, 40], color=green, edgecolor="black", zorder=3,
                               label="(xᵢ, log xᵢ), size ∝ weight")
        self.mean_dot = ax.plot([], [], "s", color=green, mec="black", ms=9, zorder=4,
                                label="(Σ wᵢ xᵢ, Σ wᵢ log xᵢ): average of the logs")[0]
        self.curve_dot = ax.plot([], [], "o", color="0.15", ms=9, zorder=4,
                                 label="(Σ wᵢ xᵢ, log Σ wᵢ xᵢ): log of the average")[0]
        self.gap_line = ax.plot([], [], color="orange", lw=4, solid_capstyle="butt", label="Jensen gap")[0]
        self.drop = ax.plot([], [], ":", color="0.4", lw=1)[0]
        self.readout = ax.text(0.98, 0.03, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
                               family="monospace")
        ax.legend(fontsize=7.5, loc="upper left")
        self.dynamic([self.hull, self.chord, self.dots, self.mean_dot, self.curve_dot, self.gap_line, self.drop,
                      self.readout])

    def show(self, state):
        pts = state.points
        ys = np.log(pts)
        order = np.argsort(pts)
        self.hull.set_xy(np.column_stack([pts[order], ys[order]]))
        self.chord.set_data(np.append(pts[order], pts[order][0]), np.append(ys[order], ys[order][0]))
        self.dots.set_offsets(np.column_stack([pts, ys]))
        self.dots.set_sizes(30 + 400 * state.weights)
        self.mean_dot.set_data([state.mean], [state.mean_of_log])
        self.curve_dot.set_data([state.mean], [state.log_of_mean])
        self.gap_line.set_data([state.mean, state.mean], [state.mean_of_log, state.log_of_mean])
        self.drop.set_data([state.mean, state.mean], [YLIM[0], state.mean_of_log])
        self.readout.set_text(
            f"weights w = ({state.weights[0]:.2f}, {state.weights[1]:.2f}, {state.weights[2]:.2f})\n"
            f"log Σ wᵢxᵢ  = {state.log_of_mean:7.4f}\n"
            f"Σ wᵢ log xᵢ = {state.mean_of_log:7.4f}\n"
            f"gap         = {state.gap:7.4f}"
        )


def make_jensen_lab(points=LAB_POINTS, weights=LAB_WEIGHTS):
    """Sliders for three relative weights and the position of the right-hand point.

    Returns
    -------
    coursepkg.widgets._base.Lab; `lab.state()` returns the current JensenState.
    """
    import ipywidgets as widgets

    points = np.array(points, dtype=float)
    if points.shape != (3,):
        raise ValueError(f"the Jensen lab uses three points; got {points.shape}.")
    figure = JensenFigure()

    def update(w1, w2, w3, x3):
        raw = np.array([w1, w2, w3])
        if raw.sum() <= 0:
            raw = np.ones(3)  # all sliders at zero: treat as equal weights rather than fail
        state = jensen_state([points[0], points[1], x3], raw)
        figure.show(state)
        return state

    def weight(j):
        return widgets.FloatSlider(value=weights[j], min=0.0, max=1.0, step=0.01, description=f"weight of x{'₁₂₃'[j]}")

    rows = [
        {"w1": weight(0), "w2": weight(1), "w3": weight(2)},
        {"x3": widgets.FloatSlider(value=points[2], min=0.2, max=7.8, step=0.05, description="position x₃")},
    ]
    return Lab(
        figure,
        rows,
        update,
        title="<b>Jensen lab</b>: the sliders set relative weights (they are divided by their sum). "
        "The square (average of the logs) never rises above the curve (log of the average).",
    )


__all__ = ["LAB_POINTS", "LAB_WEIGHTS", "JensenFigure", "JensenState", "jensen_state", "make_jensen_lab"]
