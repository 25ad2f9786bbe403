"""The teacher's command line.

    coursepkg generate [--source solutions] [--dest exercises] [--check]
    coursepkg grade SUBMISSION... --out DIR [--timeout 30] [--source solutions] [--jobs N]
                    [--notebook-budget 600] [--memory-mb 2048] [--max-processes 64] [--cpu-seconds S]
                    [--no-sandbox]
    coursepkg report DIR      (rebuild DIR/class_report.md, .html, mistakes.csv from DIR/results.json)

(also `python -m coursepkg ...`). See the README, section "For teachers: exercises, student versions and
grading".
"""

import argparse
import os
import sys

from . import generate as gen
from . import grading
from .grading.sandbox import DEFAULT_MAX_PROCESSES, DEFAULT_MEMORY_MB


def _generate(args):
    try:
        if args.check:
            problems = gen.stale_report(args.source, args.dest)
            if problems:
                print(f"{args.dest}/ is stale: it differs from what {args.source}/ generates:", file=sys.stderr)
                for problem in problems:
                    print(f"  {problem}", file=sys.stderr)
                print(
                    f"Regenerate it with: python -m coursepkg generate --source {args.source} --dest {args.dest}",
                    file=sys.stderr,
                )
                return 1
            print(f"{args.dest}/ is up to date with {args.source}/.")
            return 0
        changed = gen.generate(args.source, args.dest)
    except gen.MarkerError as exc:
        print(f"coursepkg generate: refusing to generate: {exc}", file=sys.stderr)
        return 2
    n = len(gen.solution_paths(args.source))
    print(f"generated {n} exercise notebook(s) from {args.source}/ into {args.dest}/; {len(changed)} file(s) changed.")
    for path in changed:
        print(f"  wrote {path}")
    return 0


def _grade(args):
    sandbox = grading.Sandbox(
        enabled=not args.no_sandbox,
        memory_mb=args.memory_mb or None,
        max_processes=args.max_processes or None,
        cpu_seconds=args.cpu_seconds,  # None: the notebook budget; 0: no limit
    )
    try:
        results = grading.grade(
            args.submissions,
            args.out,
            timeout=args.timeout,
            source=args.source,
            jobs=args.jobs,
            sandbox=sandbox,
            budget=args.notebook_budget or None,
        )
    except grading.SandboxUnavailable as exc:
        print(f"coursepkg grade: refusing to grade: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"coursepkg grade: {exc}", file=sys.stderr)
        return 2
    except grading.SourcesChanged as exc:
        print(f"coursepkg grade: stopped: {exc}", file=sys.stderr)
        return 2
    return 0 if results else 2


def _report(args):
    from .grading import class_report

    try:
        path = class_report.rebuild(args.dir)
    except (OSError, ValueError) as exc:
        print(f"coursepkg report: cannot read {args.dir}/results.json: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}, {path.with_suffix('.html').name} and {class_report.MISTAKES_CSV}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="coursepkg", description="Generate student exercise notebooks and grade submissions."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write the student versions of the solution notebooks")
    g.add_argument("--source", default="solutions", help="folder of solution notebooks (default: solutions)")
    g.add_argument("--dest", default="exercises", help="folder for the student versions (default: exercises)")
    g.add_argument("--check", action="store_true", help="write nothing; exit 1 if the destination is stale (for CI)")
    g.set_defaults(func=_generate)

    r = sub.add_parser("grade", help="grade submitted notebooks into a gradebook and feedback files")
    r.add_argument(
        "submissions", nargs="+", metavar="SUBMISSION", help="notebook files or folders (searched recursively)"
    )
    r.add_argument("--out", required=True, help="folder for gradebook.csv, feedback/ and results.json")
    r.add_argument("--timeout", type=float, default=grading.DEFAULT_TIMEOUT, help="seconds per cell (default: 30)")
    r.add_argument("--source", default="solutions", help="folder of solution notebooks (default: solutions)")
    r.add_argument(
        "--jobs", type=int, default=os.cpu_count(), help="notebooks graded in parallel (default: number of cores)"
    )
    r.add_argument(
        "--notebook-budget",
        type=float,
        default=grading.DEFAULT_BUDGET,
        metavar="SECONDS",
        help="seconds of wall clock per notebook, restarts included; the cells left are not run "
        f"(default: {grading.DEFAULT_BUDGET}; 0: none)",
    )
    r.add_argument(
        "--memory-mb",
        type=int,
        default=DEFAULT_MEMORY_MB,
        help=f"memory (address space) per kernel process, in MB (default: {DEFAULT_MEMORY_MB}; 0: none)",
    )
    r.add_argument(
        "--max-processes",
        type=int,
        default=DEFAULT_MAX_PROCESSES,
        help=f"processes and threads per sandbox (default: {DEFAULT_MAX_PROCESSES}; 0: none; not with --no-sandbox)",
    )
    r.add_argument(
        "--cpu-seconds",
        type=float,
        default=None,
        help="CPU seconds per kernel process (default: the notebook budget; 0: none)",
    )
    r.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run the students' code without bubblewrap, with your rights (where bubblewrap is missing); "
        "the gradebook and every feedback file say so",
    )
    r.set_defaults(func=_grade)

    c = sub.add_parser("report", help="rebuild the class report (which mistakes, how often) from DIR/results.json")
    c.add_argument("dir", metavar="DIR", help="the --out folder of a grading run")
    c.set_defaults(func=_report)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
