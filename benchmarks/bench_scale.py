"""EM at scale: time per EM iteration of coursepkg.scale.fit_em_dask on 1 and 2 workers, next to fit_em,
scikit-learn and (when pyspark and Java are there) Spark MLlib, for n = 1e6 to 1e8 points.

The data (K = 3 components in d = 3) are made block by block, each block of 250 000 rows (10^5 with --quick) from
a generator seeded by its index, by a numpy-only function: every method sees the same points, and the dask
array is never held in memory at once (1e8 x 3 doubles would be 2.4 GB). fit_em and scikit-learn get the
array built in memory, only for n <= 1e7.

- fit_em_dask: a `distributed.LocalCluster` of 1 or 2 worker *processes* (one thread each); the blocks are
  made on the workers in every pass (never persisted). A short warm-up fit on two blocks starts the workers;
  then one fit of `--iters` iterations from a fixed start. Time per iteration = wall time / (iters + 1)
  passes (the first E-step, then iters M-step + E-step).
- `--memory-only` (a separate run): worker peak memory of fit_em_dask(max_iter=1) on 2 worker processes, the
  largest resident memory of a worker process during the fit, polled every 20 ms; "idle" is a worker's after a
  warm-up fit on ten rows (everything imported, no block made yet). The timing table carries no memory column:
  polling would add to the timed wall time.
- fit_em and scikit-learn's GaussianMixture(max_iter=iters, tol=0, the same start): time / (iters + 1) as
  well (scikit-learn's fit also makes an initial estimate that the given start replaces, and a final E-step).
- Spark MLlib (pyspark.ml.clustering.GaussianMixture, local[2], the same blocks generated in Spark's
  partitions and cached in the JVM): it takes no start (it starts from a sample), so its log-likelihood is
  not comparable; time per iteration = t(fit of iters + 1 iterations) / (iters + 2) passes (its
  initialisation is a pass, like the first E-step), and the marginal (t(1 + iters) - t(1)) / iters beside it,
  noisy when an iteration is short. Run in a separate interpreter that has pyspark (`--spark-python`), so
  pyspark is never a dependency of the course.

    python benchmarks/bench_scale.py --quick                      # n = 1e5 and 1e6, under a minute
    python benchmarks/bench_scale.py --spark-python SPARKVENV/bin/python \
        --output scale_section.md                                 # n = 1e6, 1e7, 1e8 (about 15 min)
    python benchmarks/bench_scale.py --memory-only --output memory_section.md   # worker memory, 2 workers

SPARKVENV is any virtual environment with pyspark (`python -m venv SPARKVENV && SPARKVENV/bin/pip install
pyspark`, or `pip install -e ".[bench]"` here) and a Java runtime on the PATH (Debian: default-jre-headless).

BLAS runs on one thread per process (as in bench_em.py): on shared cores, threaded BLAS makes timings noise.
"""

import os
import sys

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

SEED = 2026
K, D = 3, 3
WEIGHTS = np.array([0.5, 0.3, 0.2])
MEANS = np.array([[0.0, 0.0, 0.0], [4.0, 1.0, -1.0], [1.0, 5.0, 2.0]])
COVS = np.array([np.eye(3), [[1.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.6]], np.eye(3) * 0.5])


def make_block(index, rows):
    """Block `index`: `rows` points of the benchmark's mixture, from numpy alone (also inside Spark)."""
    rng = np.random.default_rng([SEED, index])
    z = rng.choice(K, size=rows, p=WEIGHTS)
    chol = np.linalg.cholesky(COVS)
    eps = rng.standard_normal((rows, D))
    return MEANS[z] + np.einsum("nij,nj->ni", chol[z], eps)


def block_sizes(n, rows):
    full, rest = divmod(n, rows)
    return (rows,) * full + ((rest,) if rest else ())


def _dask_block(block_info=None):
    loc = block_info[None]["chunk-location"][0]
    return make_block(loc, block_info[None]["chunk-shape"][0])


def dask_array(n, rows):
    import dask.array as da

    return da.map_blocks(_dask_block, chunks=(block_sizes(n, rows), (D,)), dtype=float, meta=np.empty((0, 0)))


def in_memory(n, rows):
    return np.vstack([make_block(i, m) for i, m in enumerate(block_sizes(n, rows))])


def start_gmm():
    """A fixed start, a little off the truth: the same for every method."""
    from coursepkg.mixture import GMM

    return GMM(np.full(K, 1 / K), MEANS + 0.7, np.repeat(np.eye(D)[None] * 2.0, K, axis=0))


def _rss_bytes():
    import psutil

    return psutil.Process().memory_info().rss


class PeakRSS:
    """Poll the resident memory of some processes every `every` seconds, in a thread; `.peak` the largest seen.

    (Not `ru_maxrss`: a spawned worker inherits its parent's maximum, so it would report the parent's memory.)
    """

    def __init__(self, pids, every=0.02):
        import threading

        import psutil

        self.processes = [psutil.Process(pid) for pid in pids]
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self._stop.is_set():
            for p in self.processes:
                self.peak = max(self.peak, p.memory_info().rss)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def time_dask(n, rows, workers, iters, memory=False):
    """(seconds per iteration, worker peak RSS or None, idle worker RSS or None, ell / n) of fit_em_dask."""
    import logging

    from distributed import Client, LocalCluster

    from coursepkg import scale

    X = dask_array(n, rows)
    start = start_gmm()
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                     silence_logs=logging.ERROR, memory_limit=0) as cluster,
        Client(cluster) as client,
    ):
        scale.fit_em_dask(X[:10], start, max_iter=1, tol=0, client=client)  # warm-up: workers, imports
        if not memory:
            tick = time.perf_counter()
            result = scale.fit_em_dask(X, start, max_iter=iters, tol=0, client=client)
            seconds = (time.perf_counter() - tick) / (iters + 1)
            return seconds, None, None, result.history[-1] / n
        idle = max(client.run(_rss_bytes).values())  # a worker with everything imported, before any block
        pids = list(client.run(os.getpid).values())
        with PeakRSS(pids) as rss:
            tick = time.perf_counter()
            result = scale.fit_em_dask(X, start, max_iter=iters, tol=0, client=client)
            seconds = (time.perf_counter() - tick) / (iters + 1)
        return seconds, rss.peak, idle, result.history[-1] / n


def time_fit_em(X, iters):
    from coursepkg import em

    tick = time.perf_counter()
    result = em.fit_em(X, start_gmm(), max_iter=iters, tol=0)
    return (time.perf_counter() - tick) / (iters + 1), result.history[-1] / len(X)


def time_sklearn(X, iters):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    start = start_gmm()
    gm = GaussianMixture(
        n_components=K, covariance_type="full", tol=0.0, max_iter=iters, reg_covar=1e-6,
        weights_init=start.weights, means_init=start.means, precisions_init=np.linalg.inv(start.covariances),
        init_params="random_from_data", random_state=0,
    )
    tick = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    seconds = (time.perf_counter() - tick) / (iters + 1)
    return seconds, float(gm.score(X))


# ---------------------------------------------------------------- Spark, in its own interpreter


def spark_run(n, rows, iters):
    """Seconds per iteration of pyspark.ml's GaussianMixture on the same blocks (run with a pyspark python)."""
    from pyspark.ml.clustering import GaussianMixture
    from pyspark.ml.linalg import Vectors
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("bench_scale").config("spark.driver.memory", "6g")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    sizes = block_sizes(n, rows)

    def rows_of(i):
        return [(Vectors.dense(x),) for x in make_block(i, sizes[i])]

    df = spark.sparkContext.parallelize(range(len(sizes)), len(sizes)).flatMap(rows_of).toDF(["features"]).cache()
    df.count()  # generate and cache once

    def fit(max_iter):
        tick = time.perf_counter()
        model = GaussianMixture(k=K, maxIter=max_iter, tol=0.0, seed=1).fit(df)
        return time.perf_counter() - tick, model

    fit(1)  # warm-up: JIT and code paths
    t1, _ = fit(1)
    tn, model = fit(1 + iters)
    ll = model.summary.logLikelihood / n
    spark.stop()
    # as for the others: the fit's time over its passes (Spark's initialisation is one pass over a sample and
    # the data, like the first E-step); the marginal cost of an iteration is reported beside it
    return {"seconds": tn / (iters + 2), "marginal": (tn - t1) / iters, "ll": ll}


def time_spark(python, n, rows, iters):
    here = os.path.abspath(__file__)
    out = subprocess.run(
        [python, here, "--spark-run", str(n), str(rows), str(iters)],
        capture_output=True, text=True, timeout=3600, env={**os.environ, "PYSPARK_PYTHON": python},
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        print(f"  spark failed (exit {out.returncode}): {out.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    return json.loads(lines[-1])


# ---------------------------------------------------------------- the table


def run(sizes, rows, iters, in_memory_up_to, spark_python, spark_up_to):
    results = []
    for n in sizes:
        row = {"n": n, "blocks": len(block_sizes(n, rows))}
        tick = time.perf_counter()
        make_block(0, rows)
        row["make"] = (time.perf_counter() - tick) * n / rows  # making every block once, one thread
        for workers in (1, 2):
            seconds, _, _, ll = time_dask(n, rows, workers, iters)
            row[f"dask{workers}"], row["ll_dask"] = seconds, ll
            print(f"n={n:.0e} dask {workers} worker(s): {seconds:.3f} s/iter", flush=True)
        if n <= in_memory_up_to:
            X = in_memory(n, rows)
            row["fit_em"], row["ll_fit_em"] = time_fit_em(X, iters)
            row["sklearn"], row["ll_sklearn"] = time_sklearn(X, iters)
            print(f"n={n:.0e} fit_em {row['fit_em']:.3f} s/iter, sklearn {row['sklearn']:.3f} s/iter", flush=True)
            del X
        if spark_python and n <= spark_up_to:
            spark = time_spark(spark_python, n, rows, iters)
            if spark:
                row["spark"], row["spark_marginal"], row["ll_spark"] = spark["seconds"], spark["marginal"], spark["ll"]
                marginal = row["spark_marginal"]
                print(f"n={n:.0e} spark {row['spark']:.3f} s/iter (marginal {marginal:.3f})", flush=True)
        results.append(row)
    return results


def memory_only(sizes, output, rows=250_000):
    """Worker peak memory of fit_em_dask(max_iter=1) on 2 worker processes, against the data and one block."""
    lines = [
        "| n | blocks | worker peak (MiB) | idle worker (MiB) | peak − idle (MiB) | one block (MiB) | data (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        _, peak, idle, _ = time_dask(n, rows, 2, 1, memory=True)
        block = rows * D * 8 / 2**20
        lines.append(f"| {n:.0e} | {len(block_sizes(n, rows))} | {peak / 2**20:.0f} | {idle / 2**20:.0f} "
                     f"| {(peak - idle) / 2**20:.0f} | {block:.1f} | {n * D * 8 / 2**20:.0f} |")
        print(lines[-1], flush=True)
    rows_text = f"{rows:,}".replace(",", " ")
    header = (
        f"## Worker memory of fit_em_dask (2 worker processes, blocks of {rows_text} points)\n\n"
        + "Measured in a second run, `python benchmarks/bench_scale.py --memory-only` (one EM iteration = two "
        "passes per size): the largest resident memory of a worker process during the fit, polled every 20 ms; "
        '"idle" is a worker after a warm-up fit on ten rows (numpy, dask, distributed, scipy and coursepkg '
        "imported, no block made).\n\n"
    )
    text = header + "\n".join(lines)
    print(text)
    if output:
        with open(output, "w") as f:
            f.write(text + "\n")


def _cell(row, key, fmt="{:.3f}"):
    return fmt.format(row[key]) if key in row else "—"


def _ratio(row, key):
    return f"{row[key] / row['dask2']:.2f}" if key in row else "—"


def table(results):
    lines = [
        "| n | blocks | dask, 2 workers (s/iter) | dask, 1 worker | fit_em | scikit-learn | Spark MLlib "
        "| ratios to dask 2w: 1w / fit_em / sklearn / Spark | Spark marginal (s/iter) "
        "| making the blocks (s/pass, 1 thread) | data (MiB) | ℓ/N: dask − fit_em |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        agree = f"{r['ll_dask'] - r['ll_fit_em']:.1e}" if "ll_fit_em" in r else "—"
        lines.append(
            f"| {r['n']:.0e} | {r['blocks']} | {r['dask2']:.3f} | {r['dask1']:.3f} | {_cell(r, 'fit_em')} "
            f"| {_cell(r, 'sklearn')} | {_cell(r, 'spark')} "
            f"| {_ratio(r, 'dask1')} / {_ratio(r, 'fit_em')} / {_ratio(r, 'sklearn')} / {_ratio(r, 'spark')} "
            f"| {_cell(r, 'spark_marginal')} | {r['make']:.2f} "
            f"| {r['n'] * D * 8 / 2**20:.0f} | {agree} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 1e5 and 1e6 in blocks of 1e5 (under a minute)")
    parser.add_argument("--iters", type=int, default=3, help="timed EM iterations per fit (default 3)")
    parser.add_argument("--sizes", help="comma-separated n, e.g. 1e6,1e7 (default 1e6,1e7,1e8)")
    parser.add_argument("--spark-python", help="a python with pyspark installed (Spark is skipped without it)")
    parser.add_argument("--output", help="write the results as a Markdown section to this file")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the worker memory: one EM iteration (two passes) on 2 workers per size")
    parser.add_argument("--spark-run", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.spark_run:
        print(json.dumps(spark_run(*args.spark_run)))
        return
    if args.memory_only:
        return memory_only([int(float(x)) for x in (args.sizes or "1e6,1e7,1e8").split(",")], args.output)
    if args.quick:
        sizes, rows, in_memory_up_to, spark_up_to = [100_000, 1_000_000], 100_000, 10**6, 10**6
    else:
        sizes, rows, in_memory_up_to, spark_up_to = [10**6, 10**7, 10**8], 250_000, 10**7, 10**7
    if args.sizes:
        sizes = [int(float(s)) for s in args.sizes.split(",")]
    tick = time.perf_counter()
    results = run(sizes, rows, args.iters, in_memory_up_to, args.spark_python, spark_up_to)
    text = table(results)
    print(text)
    print(f"total {time.perf_counter() - tick:.0f} s")
    if args.output:
        import dask
        import sklearn

        load = os.getloadavg()[0]
        header = (
            "# EM at scale: fit_em_dask on 1 and 2 workers, fit_em, scikit-learn, Spark MLlib\n\n"
            f"Run on {datetime.date.today()} with `python benchmarks/bench_scale.py"
            f"{' --quick' if args.quick else ''} --iters {args.iters}` ({platform.machine()}, {os.cpu_count()} CPU "
            f"cores shared with other jobs, load average {load:.1f} at the end; Python {platform.python_version()}, "
            f"numpy {np.__version__}, dask {dask.__version__}, scikit-learn {sklearn.__version__}).\n\n"
            f"K = {K} components in d = {D}; blocks of {rows:,} points made on the fly from a seeded generator per "
            "block (the dask array is never in memory: the blocks are made by the workers in every pass). "
            "Time per EM iteration = wall time of a fit of "
            f"{args.iters} iterations / {args.iters + 1} passes (Spark: a fit of {args.iters + 1} iterations / "
            f"{args.iters + 2} passes, its own initialisation counted as one; it takes no start). Ratios are "
            "time / time of dask on 2 workers (below 1: faster). Worker processes have one thread each; BLAS one "
            "thread. fit_em and scikit-learn run on the array built in memory, only where it fits comfortably "
            "(n ≤ 1e7). Single runs on shared cores: read the ratios to about ±30%.\n\n"
        )
        with open(args.output, "w") as f:
            f.write(header + text + "\n")
        print(f"wrote {args.output}")


if __name__ == "__main__":
    sys.exit(main())
