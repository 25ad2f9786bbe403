"""EM speed and memory: coursepkg.em.fit_em side by side with scikit-learn's GaussianMixture.

Both start from the same mixture (weights, means, precisions), run a fixed number of EM
iterations (tol = 0) with covariance_type="full", and must agree on the final
log-likelihood. Time is the best of a few repeats (one for the largest n); memory is the
tracemalloc peak of a separate, shorter run (numpy reports its arrays to tracemalloc).

    python benchmarks/bench_em.py                    # full table (a few minutes)
    python benchmarks/bench_em.py --quick            # n = 1e3 and 1e5 only
    python benchmarks/bench_em.py --output benchmarks/RESULTS.md

BLAS runs on one thread by default (--threads to change), for both libraries: on a
machine whose cores are shared with other jobs, multi-threaded BLAS makes every small
matrix product wait for busy cores, and the timings mean little.
"""

import argparse
import os
import sys

if __name__ == "__main__":
    _threads = "1"
    if "--threads" in sys.argv:
        _threads = sys.argv[sys.argv.index("--threads") + 1]
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = _threads

import datetime  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402

from coursepkg import datasets, em, mixture  # noqa: E402

N_ITER = 20


def ours(X, start):
    return em.fit_em(X, start, max_iter=N_ITER, tol=0.0, reg_covar=1e-6)


def sklearn(X, start):
    gm = GaussianMixture(
        n_components=start.k, covariance_type="full", tol=0.0, max_iter=N_ITER, reg_covar=1e-6,
        weights_init=start.weights, means_init=start.means, precisions_init=np.linalg.inv(start.covariances),
        init_params="random_from_data", random_state=0,  # the cheapest init; the given parameters replace it
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    return gm


def best_time(fit, X, start, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fit(X, start)
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_memory(fit, X, start):
    """Peak bytes allocated during one fit (beyond the data and the start), with 2 iterations."""
    global N_ITER
    saved, N_ITER = N_ITER, 2
    try:
        tracemalloc.start()
        fit(X, start)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        N_ITER = saved
    return peak


def run(sizes, dims, ks):
    rows = []
    for n in sizes:
        for d in dims:
            for k in ks:
                X, _ = mixture.sample(datasets.random_gmm(k, d, rng=d * 100 + k, separation=2.0), n, rng=0)
                start = em.initial_gmm(X, k, rng=0)
                repeats = 5 if n <= 1_000 else 3 if n <= 100_000 else 1
                t_ours, res = best_time(ours, X, start, repeats)
                t_sk, gm = best_time(sklearn, X, start, repeats)
                agree = abs(res.history[-1] - n * gm.score(X)) / abs(res.history[-1])
                m_ours, m_sk = peak_memory(ours, X, start), peak_memory(sklearn, X, start)
                row = (n, d, k, t_ours, t_sk, t_ours / t_sk, m_ours / 2**20, m_sk / 2**20, agree)
                rows.append(row)
                print(format_row(row), flush=True)
    return rows


HEADER = (
    "| n | d | k | ours (s) | sklearn (s) | time ratio ours/sklearn | ours peak (MiB) | sklearn peak (MiB) "
    "| final log-lik. rel. diff |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def format_row(row):
    n, d, k, t_ours, t_sk, ratio, m_ours, m_sk, agree = row
    return (
        f"| {n:.0e} | {d} | {k} | {t_ours:.4f} | {t_sk:.4f} | **{ratio:.2f}** | {m_ours:.1f} | {m_sk:.1f} "
        f"| {agree:.1e} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip n = 1e6")
    parser.add_argument("--threads", default="1", help="BLAS threads for both libraries (default 1)")
    parser.add_argument("--output", help="also write the table, with date and machine, to this Markdown file")
    args = parser.parse_args()
    sizes = [1_000, 100_000] if args.quick else [1_000, 100_000, 1_000_000]
    import sklearn as sk_module

    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPU cores (shared with other jobs), BLAS threads = {args.threads}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sk_module.__version__}"
    )
    print(f"EM, {N_ITER} iterations, covariance_type='full', same start for both. {machine}\n")
    print(HEADER, flush=True)
    rows = run(sizes, dims=[2, 10], ks=[3, 8])
    ratios = np.array([r[5] for r in rows])
    summary = (
        f"\nTime ratio ours/sklearn: median {np.median(ratios):.2f}, worst {ratios.max():.2f} "
        f"(speed-up {1 / np.median(ratios):.1f}x median, {1 / ratios.max():.1f}x worst)."
    )
    print(summary)
    if args.output:
        with open(args.output, "w") as fh:
            fh.write("# EM benchmark: coursepkg.em.fit_em vs scikit-learn GaussianMixture\n\n")
            fh.write(f"Run on {datetime.date.today().isoformat()} with `python benchmarks/bench_em.py`.\n\n")
            fh.write(f"Machine: {machine}.\n\n")
            fh.write(
                f"Both fits start from the same parameters and run {N_ITER} EM iterations (tol = 0). Time is the "
                "best of 5 (n = 1e3), 3 (n = 1e5) or 1 (n = 1e6) runs. Peak memory is the tracemalloc peak of a "
                "2-iteration fit. scikit-learn's fit also spends one initial pass computing parameters that the "
                "given start then replaces, and a final E-step; ours starts with one E-step.\n\n"
            )
            fh.write(HEADER + "\n")
            fh.write("\n".join(format_row(r) for r in rows) + "\n")
            fh.write(summary.strip() + "\n")


if __name__ == "__main__":
    main()
