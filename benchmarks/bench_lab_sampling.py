"""Redraw time of the sampling lab (lesson 02) over a sweep of its sliders.

    python benchmarks/bench_lab_sampling.py

Prints the median and maximum redraw time in milliseconds (Python time of the
update plus the PNG encoding). The target is under 100 ms per redraw.
"""

import numpy as np

from coursepkg.widgets._base import time_redraws
from coursepkg.widgets.sampling import make_sampling_lab


def main():
    lab = make_sampling_lab()
    changes = [{"weight_a": float(w)} for w in np.linspace(0, 1, 11)]
    changes += [{"mean_b_x": float(x), "mean_b_y": float(x) / 2} for x in np.linspace(-5, 5, 11)]
    changes += [{"angle_a": float(a), "sd_a_major": 0.5 + abs(a) / 40} for a in np.linspace(-90, 90, 11)]
    changes += [{"angle_b": float(a), "sd_b_minor": 0.2 + abs(a) / 60} for a in np.linspace(-90, 90, 11)]
    times = time_redraws(lab, changes)
    print(f"sampling lab: {len(times)} redraws, median {np.median(times):.1f} ms, max {np.max(times):.1f} ms")


if __name__ == "__main__":
    main()
