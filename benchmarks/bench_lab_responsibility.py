"""Redraw time of the responsibility lab (lesson 05) over a sweep of slider values.

python benchmarks/bench_lab_responsibility.py
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from coursepkg.widgets._base import time_redraws  # noqa: E402
from coursepkg.widgets.responsibility import make_responsibility_lab  # noqa: E402


def main():
    lab = make_responsibility_lab()
    sweep = [{"x": x} for x in np.linspace(-4.5, 6.5, 23)] + [{"y": y} for y in np.linspace(-4.5, 7.5, 25)]
    ms = np.array(time_redraws(lab, sweep))
    print(f"responsibility lab: {ms.size} redraws, median {np.median(ms):.1f} ms, max {ms.max():.1f} ms")


if __name__ == "__main__":
    main()
