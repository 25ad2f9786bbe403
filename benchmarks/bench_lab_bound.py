"""Redraw time of the bound lab (lesson 04) over a sweep of its controls.

    python benchmarks/bench_lab_bound.py

Prints the median and maximum redraw time in milliseconds (Python time of the
update plus the PNG encoding). The target is under 100 ms per redraw.
"""

import numpy as np

from coursepkg.widgets._base import time_redraws
from coursepkg.widgets.bound import make_bound_lab


def main():
    lab = make_bound_lab()
    changes = [{"q1": float(q)} for q in np.linspace(0, 1, 41)]
    changes += [{"x": float(x)} for x in np.linspace(-4.5, 4.5, 37)]
    changes += [{"mu1": float(m)} for m in np.linspace(-3, 3.5, 27)]
    times = time_redraws(lab, changes)
    lab.redraw_ms.clear()
    lab.buttons["E-step: q ← posterior"].click()
    times += lab.redraw_ms
    print(f"bound lab: {len(times)} redraws, median {np.median(times):.1f} ms, max {np.max(times):.1f} ms")


if __name__ == "__main__":
    main()
