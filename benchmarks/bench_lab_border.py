"""Redraw time of the border-point lab (lesson 01) over a sweep of its controls.

    python benchmarks/bench_lab_border.py

Prints the median and maximum redraw time in milliseconds (Python time of the
update plus the PNG encoding). The target is under 100 ms per redraw.
"""

import numpy as np

from coursepkg.widgets._base import time_redraws
from coursepkg.widgets.border import SCENARIOS, make_border_lab


def main():
    lab = make_border_lab()
    changes = [{"position": float(t)} for t in np.linspace(-0.25, 1.25, 31)]
    changes += [{"offset": float(o)} for o in np.linspace(-3, 3, 13)]
    changes += [{"scenario": name} for name in list(SCENARIOS)[1:] + list(SCENARIOS)[:1]]
    times = time_redraws(lab, changes)
    print(f"border lab: {len(times)} redraws, median {np.median(times):.1f} ms, max {np.max(times):.1f} ms")


if __name__ == "__main__":
    main()
