"""Redraw time of the M-step lab (lesson 06) over a sequence of button presses.

python benchmarks/bench_lab_mstep.py
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from coursepkg.widgets.mstep import make_mstep_lab  # noqa: E402


def main():
    lab = make_mstep_lab()
    lab.redraw_ms.clear()
    presses = ["E-step", "M-step"] * 20 + ["Reset"] + ["E-step", "M-step"] * 5
    for label in presses:
        lab.press(label)
    ms = np.array(lab.redraw_ms)
    print(f"M-step lab: {ms.size} redraws (E, M, Reset), median {np.median(ms):.1f} ms, max {ms.max():.1f} ms")


if __name__ == "__main__":
    main()
