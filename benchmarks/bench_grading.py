"""Grading time per submission: in the bubblewrap sandbox side by side with --no-sandbox.

Grades the course's solution of exercise 05 (full marks) and its blank exercise notebook (0 points)
with coursepkg.grading.grade_notebook, one at a time, alternating the two modes, and prints a
markdown table of the median and best times and the ratio sandboxed / unsandboxed (the goal:
within 1.5x).

    python benchmarks/bench_grading.py              # 5 repeats of each
    python benchmarks/bench_grading.py --repeats 9

BLAS runs on one thread in both modes (the sandbox sets that for its kernels; here it is set for
the unsandboxed ones too), so that the comparison is of the sandbox alone.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from coursepkg.grading import Sandbox, grade_notebook  # noqa: E402
from coursepkg.grading.sandbox import check_available  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "05_e_step.ipynb"
CASES = {"solution (6/6)": SOLUTION, "blank (0/6)": ROOT / "exercises" / "05_e_step.ipynb"}
MODES = {"sandboxed": Sandbox(cpu_seconds=600), "--no-sandbox": Sandbox(enabled=False, cpu_seconds=600)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    check_available()
    times = {(case, mode): [] for case in CASES for mode in MODES}
    for path in CASES.values():  # one untimed run each: imports, disk caches
        for sandbox in MODES.values():
            grade_notebook(path, SOLUTION, timeout=60, student="warm-up", sandbox=sandbox, budget=600)
    for _ in range(args.repeats):
        for case, path in CASES.items():
            for mode, sandbox in MODES.items():
                start = time.perf_counter()
                result = grade_notebook(path, SOLUTION, timeout=60, student="bench", sandbox=sandbox, budget=600)
                times[case, mode].append(time.perf_counter() - start)
                expected = 6 if case.startswith("solution") else 0
                if result.total != expected or not result.status.startswith("graded"):
                    sys.exit(f"{case} {mode}: {result.total} points, {result.status}")
    print("# Grading time per submission, sandboxed vs --no-sandbox\n")
    print(
        f"Run on {datetime.date.today()} with `python benchmarks/bench_grading.py --repeats {args.repeats}` "
        f"({platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, BLAS threads = 1).\n"
    )
    print("| notebook | sandboxed median (s) | --no-sandbox median (s) | sandboxed best | --no-sandbox best | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in CASES:
        inside, outside = times[case, "sandboxed"], times[case, "--no-sandbox"]
        ratio = statistics.median(inside) / statistics.median(outside)
        print(
            f"| {case} | {statistics.median(inside):.2f} | {statistics.median(outside):.2f} "
            f"| {min(inside):.2f} | {min(outside):.2f} | **{ratio:.2f}** |"
        )


if __name__ == "__main__":
    main()
