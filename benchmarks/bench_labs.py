"""Redraw time of every lab, in one run, against the 100 ms target.

    python benchmarks/bench_labs.py

Each lab is built on its lesson's data and driven through a sweep of its
controls and buttons. A redraw is the Python time of the update plus the PNG
encoding (what the browser waits for). Prints one row per lab and kind of
redraw: count, median and maximum in milliseconds.
"""

import statistics
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from coursepkg.widgets import beta, border, bound, emlab, jensen, mstep, responsibility, sampling  # noqa: E402
from coursepkg.widgets._base import time_redraws  # noqa: E402

TARGET_MS = 100


def sweep(name, values):
    return [{name: float(v)} for v in values]


def border_lab():
    lab = border.make_border_lab()
    changes = sweep("position", np.linspace(-0.25, 1.25, 31)) + sweep("offset", np.linspace(-3, 3, 13))
    changes += [{"scenario": name} for name in list(border.SCENARIOS)[1:] + list(border.SCENARIOS)[:1]]
    return {"sliders and scenario": time_redraws(lab, changes)}


def sampling_lab():
    lab = sampling.make_sampling_lab()
    changes = sweep("weight_a", np.linspace(0, 1, 11))
    changes += [{"mean_b_x": float(x), "mean_b_y": float(x) / 2} for x in np.linspace(-5, 5, 11)]
    changes += [{"angle_a": float(a), "sd_a_major": 0.5 + abs(a) / 40} for a in np.linspace(-90, 90, 11)]
    changes += [{"angle_b": float(a), "sd_b_minor": 0.2 + abs(a) / 60} for a in np.linspace(-90, 90, 11)]
    return {"sliders": time_redraws(lab, changes)}


def jensen_lab():
    lab = jensen.make_jensen_lab()
    changes = [c for name in ("w1", "w2", "w3") for c in sweep(name, np.linspace(0, 1, 21))]
    changes += sweep("x3", np.linspace(0.2, 7.8, 39))
    return {"sliders": time_redraws(lab, changes)}


def bound_lab():
    lab = bound.make_bound_lab()
    changes = sweep("q1", np.linspace(0, 1, 41)) + sweep("x", np.linspace(-4.5, 4.5, 37))
    changes += sweep("mu1", np.linspace(-3, 3.5, 27))
    times = time_redraws(lab, changes)
    lab.redraw_ms.clear()
    lab.buttons["E-step: q ← posterior"].click()
    return {"sliders and E-step button": times + lab.redraw_ms}


def responsibility_lab():
    lab = responsibility.make_responsibility_lab()
    changes = sweep("x", np.linspace(-4.5, 6.5, 23)) + sweep("y", np.linspace(-4.5, 7.5, 25))
    return {"sliders": time_redraws(lab, changes)}


def mstep_lab():
    lab = mstep.make_mstep_lab()
    lab.redraw_ms.clear()
    for label in ["E-step", "M-step"] * 20 + ["Reset"] + ["E-step", "M-step"] * 5:
        lab.press(label)
    return {"E-step, M-step, Reset": list(lab.redraw_ms)}


def em_lab():
    lab = emlab.make_emlab_lab(dataset="Old Faithful (standardised)", k=2, init_method="random", seed=0)
    run = next(label for label in lab.buttons if label.startswith("Run"))
    blitted, full = [], []
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
        blitted.extend(lab.redraw_ms)
    return {"controls and buttons": blitted, "data-set change (full redraw)": full}


def beta_lab():
    start = time.perf_counter()
    lab = beta.make_beta_lab()
    build_ms = 1000 * (time.perf_counter() - start)
    betas = list(10 ** np.arange(-2, 3.001, 0.05)) + list(10 ** np.arange(3, -2.001, -0.15))
    return {
        f"beta slider (after a {build_ms:.0f} ms build of {lab.result.betas.size} runs)": time_redraws(
            lab, sweep("beta", betas)
        )
    }


LABS = {
    "border (01)": border_lab,
    "sampling (02)": sampling_lab,
    "jensen (04)": jensen_lab,
    "bound (04)": bound_lab,
    "responsibility (05)": responsibility_lab,
    "M-step (06)": mstep_lab,
    "EM (07)": em_lab,
    "beta (08)": beta_lab,
}


def main():
    print(f"| lab | redraws of | n | median (ms) | max (ms) | under {TARGET_MS} ms |")
    print("|---|---|---:|---:|---:|---|")
    for name, run in LABS.items():
        for kind, times in run().items():
            median, worst = statistics.median(times), max(times)
            verdict = "yes" if worst < TARGET_MS else ("median" if median < TARGET_MS else "no")
            print(f"| {name} | {kind} | {len(times)} | {median:.1f} | {worst:.1f} | {verdict} |")


if __name__ == "__main__":
    main()
