"""Redraw time of the Jensen lab (lesson 04) over a sweep of its controls.

    python benchmarks/bench_lab_jensen.py

Prints the median and maximum redraw time in milliseconds (Python time of the
update plus the PNG encoding). The target is under 100 ms per redraw.
"""

import numpy as np

from coursepkg.widgets._base import time_redraws
from coursepkg.widgets.jensen import make_jensen_lab


def main():
    lab = make_jensen_lab()
    changes = []
    for name in ("w1", "w2", "w3"):
        changes += [{name: float(w)} for w in np.linspace(0, 1, 21)]
    changes += [{"x3": float(x)} for x in np.linspace(0.2, 7.8, 39)]
    times = time_redraws(lab, changes)
    print(f"jensen lab: {len(times)} redraws, median {np.median(times):.1f} ms, max {np.max(times):.1f} ms")


if __name__ == "__main__":
    main()
