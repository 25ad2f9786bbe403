"""Redraw times of the beta lab (a benchmark, not a test).

    python benchmarks/bench_lab_beta.py

Builds the lab (the grid of soft k-means runs is precomputed then), sweeps the beta
slider over its whole range up and down, and prints median and max redraw milliseconds.
"""

import statistics
import time

import numpy as np

from coursepkg.widgets import beta as betalab
from coursepkg.widgets._base import time_redraws


def main():
    start = time.perf_counter()
    lab = betalab.make_beta_lab()
    build_ms = 1000 * (time.perf_counter() - start)
    print(f"build (precomputes {lab.result.betas.size} soft k-means runs): {build_ms:.0f} ms")
    sweep = list(10 ** np.arange(-2, 3.001, 0.05)) + list(10 ** np.arange(3, -2.001, -0.15))
    times = time_redraws(lab, [{"beta": float(b)} for b in sweep])
    median, worst = statistics.median(times), max(times)
    print(f"beta slider (blitted)  n={len(times):3d}  median {median:6.1f} ms  max {worst:6.1f} ms")


if __name__ == "__main__":
    main()
