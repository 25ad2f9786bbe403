"""Redraw times of the EM lab (a benchmark, not a test).

    python benchmarks/bench_lab_emlab.py

Sweeps the buttons and the k / init / seed controls on each data set (blitted redraws,
the ones a student makes all the time) and, separately, the data-set changes (a full
redraw: new axes, labels and limits). Prints median and max milliseconds of each.
"""

import statistics

from coursepkg.widgets import emlab


def main():
    lab = emlab.make_emlab_lab(dataset="Old Faithful (standardised)", k=2, init_method="random", seed=0)
    run = next(label for label in lab.buttons if label.startswith("Run"))
    blit, full = [], []
    for dataset in emlab.DATASETS:
        lab.redraw_ms.clear()
        lab.controls["dataset"].value = dataset
        full.extend(lab.redraw_ms)
        lab.redraw_ms.clear()
        for k, init, seed in [(2, "random", 1), (3, "k-means++", 2), (3, "kmeans", 3), (5, "random", 4)]:
            lab.controls["k"].value = k
            lab.controls["init_method"].value = init
            lab.controls["seed"].value = seed
            for _ in range(5):
                lab.buttons["Step"].click()
            lab.buttons[run].click()
            lab.buttons["Reset"].click()
        blit.extend(lab.redraw_ms)
    for name, times in [("controls and buttons (blitted)", blit), ("data-set changes (full redraw)", full)]:
        print(f"{name:34s} n={len(times):3d}  median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms")


if __name__ == "__main__":
    main()
